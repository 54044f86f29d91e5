/*
 * Futexes, the interim version (Linux: kernel/futex/core.c): the contract
 * of <kernel/futex.h> before the futex work lands.  No task can wait on a
 * futex yet (futex(2) is ENOSYS), so there is nobody to wake, and no
 * robust list to walk beyond what set_robust_list recorded.
 */
#include <kernel/futex.h>
#include <kernel/sched.h>

lib::Result<int> futex_wake(user_ptr<uint32_t>, unsigned int, int, uint32_t)
{
	return 0; /* no waiters can exist: futex(2) is not implemented yet */
}

void futex_exit_release(struct task_struct*) {}

void futex_exec_release(struct task_struct*) {}
