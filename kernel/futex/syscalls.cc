/*
 * The robust-futex list registration (Linux: kernel/futex/syscalls.c
 * set_robust_list, get_robust_list; include/uapi/linux/futex.h struct
 * robust_list_head).
 *
 * A thread tells the kernel where its list of held robust mutexes lives
 * (glibc does at start-up, for every thread); at the thread's exit Linux
 * walks the list and marks each futex FUTEX_OWNER_DIED.  Here the head is
 * stored in task_struct.robust_list and read back; the exit-time walk
 * comes with the futex work (no futexes yet, and a single-threaded
 * process has no one to wake).
 */
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
