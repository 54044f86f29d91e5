/*
 * Futexes: the kernel's side of user-space locks (Linux: include/linux/
 * futex.h, kernel/futex/).
 *
 * The contract between the futex code (kernel/futex/) and the life of a
 * task (kernel/fork.cc, exit.cc, fs/exec.cc): when a thread exits or
 * execs, its robust list is walked and its PI state handed on
 * (futex_exit_release, futex_exec_release, called from mm_release before
 * the mm goes); CLONE_CHILD_CLEARTID's word is cleared and woken with
 * futex_wake (pthread_join waits on it).  copy_process starts a task
 * with no PI futexes (futex_init_task); kernel_init sizes the hash table
 * (futex_init).  The priority inheritance under PI futexes is
 * <kernel/rtmutex.h>'s.
 *
 * Errors: lib::Result with Linux's errnos (EFAULT, EINVAL, EAGAIN,
 * ETIMEDOUT, ERESTARTSYS...).
 */
#pragma once
#include <cstdint>
#include <kernel/uaccess.h>
#include <lib/result.h>

struct task_struct;

#define FUTEX_BITSET_MATCH_ANY 0xffffffffu
/* flags of futex_wake and the other helpers (Linux: kernel/futex/futex.h) */
#define FLAGS_SHARED 0x01
#define FLAGS_CLOCKRT 0x02

/* wake up to nr_wake waiters on uaddr whose bitset meets bitset; the
 * number woken (Linux: futex_wake) */
lib::Result<int> futex_wake(user_ptr<uint32_t> uaddr, unsigned int flags, int nr_wake, uint32_t bitset);
/* tsk is exiting / exec'ing: walk its robust list, release its PI state */
void futex_exit_release(struct task_struct* tsk);
void futex_exec_release(struct task_struct* tsk);
/* a new task owns no PI futexes (copy_process; Linux: futex_init_task) */
void futex_init_task(struct task_struct* tsk);
/* the hash table, sized from the possible CPUs (kernel_init, after SMP
 * bring-up; Linux: the futex_init core_initcall) */
void futex_init();
