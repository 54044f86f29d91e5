/*
 * The futex system calls (Linux: kernel/futex/syscalls.c): futex(2) and
 * its dispatch (do_futex), futex_waitv(2), set_robust_list and
 * get_robust_list.
 *
 * futex(2): the command is op & FUTEX_CMD_MASK; FUTEX_PRIVATE_FLAG
 * selects private keys, FUTEX_CLOCK_REALTIME the wall clock for the
 * absolute timeouts of WAIT_BITSET, WAIT_REQUEUE_PI and LOCK_PI2 (ENOSYS
 * with any other command).  The fourth argument is a timeout for WAIT
 * (relative), WAIT_BITSET, WAIT_REQUEUE_PI, LOCK_PI (CLOCK_REALTIME) and
 * LOCK_PI2 (absolute), and the number val2 for the requeue and WAKE_OP
 * commands.  Unknown commands (and FUTEX_FD, gone since 2.6.26) are
 * ENOSYS.
 *
 * The robust list: a thread tells the kernel where its list of held
 * robust mutexes lives (glibc does at start-up, for every thread); it is
 * walked at exit (kernel/futex/core.cc exit_robust_list).
 */
#include "futex.h"
#include <mm/slab.h>
#include <uapi/asm-generic/errno.h>
#include <uapi/linux/time.h>
#include <kernel/cred.h>
#include <kernel/sched.h>
#include <kernel/sched/task.h>
#include <kernel/syscalls.h>
#include <lib/ref.h>
#include <uapi/asm-generic/errno-base.h>

/* struct robust_list_head: list.next, futex_offset, list_op_pending */
constexpr unsigned long ROBUST_LIST_HEAD_SIZE = 24;

SYSCALL_DEFINE2(set_robust_list, user_ptr<void>, head, unsigned long, len)
{
	if (len != ROBUST_LIST_HEAD_SIZE)
		return lib::Error{EINVAL};
	current->robust_list = head;
	return 0;
}

SYSCALL_DEFINE3(get_robust_list, int, pid, user_ptr<unsigned long>, head_ptr, user_ptr<unsigned long>, len_ptr)
{
	struct task_struct* p = pid ? find_get_task_by_vpid(pid) : get_task_struct(current);
	if (!p)
		return lib::Error{ESRCH};
	lib::ref<task_struct> hold = lib::adopt_ref(p);
	if (p != current) {
		/* Linux: ptrace_may_access(PTRACE_MODE_READ_REALCREDS): the same
		 * real ids throughout, or CAP_SYS_PTRACE */
		const struct cred* cred = current_cred();
		const struct cred* tcred = get_task_cred(p);
		bool same = uid_eq(cred->uid, tcred->euid) && uid_eq(cred->uid, tcred->suid) &&
		            uid_eq(cred->uid, tcred->uid) && gid_eq(cred->gid, tcred->egid) &&
		            gid_eq(cred->gid, tcred->sgid) && gid_eq(cred->gid, tcred->gid);
		put_cred(tcred);
		if (!same && !capable(CAP_SYS_PTRACE))
			return lib::Error{EPERM};
	}
	unsigned long head = p->robust_list.addr();
	TRY(put_user(ROBUST_LIST_HEAD_SIZE, len_ptr));
	TRY(put_user(head, head_ptr));
	return 0;
}

namespace
{
bool futex_cmd_has_timeout(int cmd)
{
	switch (cmd) {
	case FUTEX_WAIT:
	case FUTEX_LOCK_PI:
	case FUTEX_LOCK_PI2:
	case FUTEX_WAIT_BITSET:
	case FUTEX_WAIT_REQUEUE_PI:
		return true;
	}
	return false;
}

lib::Result<int> do_futex(user_ptr<uint32_t> uaddr, int op, uint32_t val, const struct sleep_deadline* timeout,
                          user_ptr<uint32_t> uaddr2, uint32_t val2, uint32_t val3)
{
	int cmd = op & FUTEX_CMD_MASK;
	unsigned int flags = 0;
	if (!(op & FUTEX_PRIVATE_FLAG))
		flags |= FLAGS_SHARED;
	if (op & FUTEX_CLOCK_REALTIME) {
		flags |= FLAGS_CLOCKRT;
		if (cmd != FUTEX_WAIT_BITSET && cmd != FUTEX_WAIT_REQUEUE_PI && cmd != FUTEX_LOCK_PI2)
			return lib::Error{ENOSYS};
	}
	switch (cmd) {
	case FUTEX_WAIT:
		val3 = FUTEX_BITSET_MATCH_ANY;
		[[fallthrough]];
	case FUTEX_WAIT_BITSET:
		return futex_wait(uaddr, flags, val, timeout, val3);
	case FUTEX_WAKE:
		val3 = FUTEX_BITSET_MATCH_ANY;
		[[fallthrough]];
	case FUTEX_WAKE_BITSET:
		return futex_wake(uaddr, flags, int(val), val3);
	case FUTEX_REQUEUE:
		return futex_requeue(uaddr, flags, uaddr2, int(val), int(val2), nullptr, false);
	case FUTEX_CMP_REQUEUE:
		return futex_requeue(uaddr, flags, uaddr2, int(val), int(val2), &val3, false);
	case FUTEX_WAKE_OP:
		return futex_wake_op(uaddr, flags, uaddr2, int(val), int(val2), int(val3));
	case FUTEX_LOCK_PI:
		flags |= FLAGS_CLOCKRT;
		[[fallthrough]];
	case FUTEX_LOCK_PI2:
		return futex_lock_pi(uaddr, flags, timeout, false);
	case FUTEX_UNLOCK_PI:
		return futex_unlock_pi(uaddr, flags);
	case FUTEX_TRYLOCK_PI:
		return futex_lock_pi(uaddr, flags, nullptr, true);
	case FUTEX_WAIT_REQUEUE_PI:
		val3 = FUTEX_BITSET_MATCH_ANY;
		return futex_wait_requeue_pi(uaddr, flags, val, timeout, val3, uaddr2);
	case FUTEX_CMP_REQUEUE_PI:
		return futex_requeue(uaddr, flags, uaddr2, int(val), int(val2), &val3, true);
	}
	return lib::Error{ENOSYS};
}
} // namespace

SYSCALL_DEFINE6(futex, user_ptr<uint32_t>, uaddr, int, op, uint32_t, val, user_ptr<const struct __kernel_timespec>,
                utime, user_ptr<uint32_t>, uaddr2, uint32_t, val3)
{
	int cmd = op & FUTEX_CMD_MASK;
	struct sleep_deadline t, *tp = nullptr;
	if (utime && futex_cmd_has_timeout(cmd)) {
		unsigned int tflags = (op & FUTEX_CLOCK_REALTIME) ? FLAGS_CLOCKRT : 0;
		t = TRY(futex_init_timeout(unsigned(cmd), tflags, utime));
		tp = &t;
	}
	return TRY(do_futex(uaddr, op, val, tp, uaddr2, uint32_t(utime.addr()), val3));
}

/* struct futex_waitv's flags: the size (FUTEX_32 only) and FUTEX_PRIVATE_FLAG */
#define FUTEX2_SIZE_MASK 0x3
#define FUTEX2_VALID_MASK (FUTEX2_SIZE_MASK | FUTEX_PRIVATE_FLAG)

SYSCALL_DEFINE5(futex_waitv, user_ptr<struct futex_waitv>, waiters, unsigned int, nr_futexes, unsigned int, flags,
                user_ptr<const struct __kernel_timespec>, timeout, int, clockid)
{
	if (flags)
		return lib::Error{EINVAL};
	if (!nr_futexes || nr_futexes > FUTEX_WAITV_MAX || !waiters)
		return lib::Error{EINVAL};
	struct sleep_deadline to, *tp = nullptr;
	if (timeout) {
		if (clockid != CLOCK_REALTIME && clockid != CLOCK_MONOTONIC)
			return lib::Error{EINVAL};
		to = TRY(futex_init_timeout(FUTEX_WAIT_BITSET, clockid == CLOCK_REALTIME ? FLAGS_CLOCKRT : 0,
		                            timeout));
		tp = &to;
	}
	auto* vs = static_cast<struct futex_waitv*>(kmalloc_array(nr_futexes, sizeof(struct futex_waitv), GFP_KERNEL));
	if (!vs)
		return lib::Error{ENOMEM};
	lib::Result<int> ret = 0;
	for (unsigned int i = 0; i < nr_futexes; i++) { /* Linux: futex_parse_waitv */
		if (copy_from_user(&vs[i], waiters + i, sizeof(vs[i]))) {
			ret = lib::Error{EFAULT};
			break;
		}
		if ((vs[i].flags & ~FUTEX2_VALID_MASK) || vs[i].__reserved || (vs[i].flags & FUTEX2_SIZE_MASK) != FUTEX_32) {
			ret = lib::Error{EINVAL};
			break;
		}
	}
	if (ret.is_ok())
		ret = futex_wait_multiple(vs, nr_futexes, tp);
	kfree(vs);
	return TRY(ret);
}
