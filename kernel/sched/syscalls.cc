/*
 * The scheduler's system calls (Linux 6.1: kernel/sched/core.c
 * sched_setscheduler, sched_setparam, sched_getscheduler, sched_getparam,
 * sched_get_priority_max/min, sched_setaffinity, sched_getaffinity; Linux
 * 6.10 moved them to kernel/sched/syscalls.c, the name used here).
 *
 * Policies: SCHED_OTHER (NORMAL), BATCH, IDLE and the real-time FIFO and
 * RR (priorities 1..99) on the existing classes (core.cc
 * sched_setscheduler_nocheck).  SCHED_DEADLINE is refused with EINVAL as
 * sched_setscheduler(2) refuses it on Linux (its parameters need
 * sched_setattr, not implemented).  SCHED_RESET_ON_FORK is kept in
 * p->sched_reset_on_fork and reported back.  Without CAP_SYS_NICE a task
 * may change only tasks of its own (effective) user, may move to a
 * real-time policy only within RLIMIT_RTPRIO, and may not clear
 * SCHED_RESET_ON_FORK.
 *
 * Affinity: a user cpumask is a bitmap of unsigned longs; the kernel's
 * size for it is cpumask_size() = the longs nr_cpu_ids bits need.
 * sched_getaffinity wants a buffer of at least that many bits, in whole
 * longs (else EINVAL), and returns the bytes written.  sched_setaffinity
 * takes any length (a short one is zero-extended); a mask with no online
 * CPU is EINVAL.
 *
 * Lock order: tasklist_lock for the look-up only (a reference is taken);
 * set_cpus_allowed_ptr and the policy change take pi_lock and rq->lock.
 */
#include <kernel/capability.h>
#include <kernel/cpumask.h>
#include <kernel/cred.h>
#include <kernel/kthread.h>
#include <kernel/sched.h>
#include <kernel/sched/signal.h>
#include <kernel/sched/task.h>
#include <kernel/sched/types.h>
#include <kernel/smp.h>
#include <kernel/syscalls.h>
#include <lib/ref.h>
#include <uapi/asm-generic/errno-base.h>
#include <uapi/linux/resource.h>
#include <uapi/linux/sched.h>
#include "sched.h"

namespace
{
/* pid 0 is current; a reference, or NULL (Linux: find_process_by_pid) */
struct task_struct* find_get_process(pid_t pid)
{
	return pid ? find_get_task_by_vpid(pid) : get_task_struct(current);
}

/* Linux: check_same_owner */
bool check_same_owner(struct task_struct* p)
{
	const struct cred* cred = current_cred();
	const struct cred* pcred = get_task_cred(p);
	bool match = uid_eq(cred->euid, pcred->euid) || uid_eq(cred->euid, pcred->uid);
	put_cred(pcred);
	return match;
}

bool valid_policy(int policy)
{
	return policy == SCHED_NORMAL || policy == SCHED_BATCH || policy == SCHED_IDLE || rt_policy(policy) ||
	       policy == SCHED_DEADLINE;
}

/* policy -1: keep p's (sched_setparam) */
lib::Result<long> do_sched_setscheduler(pid_t pid, int policy, user_ptr<const struct sched_param> param)
{
	if (!param || pid < 0)
		return lib::Error{EINVAL};
	struct sched_param lp;
	if (copy_from_user(&lp, param, sizeof(lp)))
		return lib::Error{EFAULT};
	struct task_struct* t = find_get_process(pid);
	if (!t)
		return lib::Error{ESRCH};
	lib::ref<task_struct> hold = lib::adopt_ref(t);
	bool reset_on_fork;
	if (policy < 0) {
		reset_on_fork = t->sched_reset_on_fork;
		policy = int(t->policy);
	}
	else {
		reset_on_fork = policy & SCHED_RESET_ON_FORK;
		policy &= ~SCHED_RESET_ON_FORK;
		if (!valid_policy(policy))
			return lib::Error{EINVAL};
	}
	unsigned prio = unsigned(lp.sched_priority);
	if (prio > MAX_RT_PRIO - 1)
		return lib::Error{EINVAL};
	if (policy == SCHED_DEADLINE || rt_policy(policy) != (prio != 0))
		return lib::Error{EINVAL}; /* DEADLINE: its runtime/period are all 0 here */
	if (!capable(CAP_SYS_NICE)) {
		if (rt_policy(policy)) {
			unsigned long rlim_rtprio = task_rlimit(t, RLIMIT_RTPRIO);
			if (unsigned(policy) != t->policy && !rlim_rtprio)
				return lib::Error{EPERM};
			if (prio > t->rt_priority && prio > rlim_rtprio)
				return lib::Error{EPERM};
		}
		if (t->policy == SCHED_IDLE && policy != SCHED_IDLE &&
		    (unsigned long)(MAX_NICE - task_nice(t) + 1) > task_rlimit(t, RLIMIT_NICE))
			return lib::Error{EPERM}; /* leaving SCHED_IDLE is like lowering nice (can_nice) */
		if (!check_same_owner(t))
			return lib::Error{EPERM};
		if (t->sched_reset_on_fork && !reset_on_fork)
			return lib::Error{EPERM};
	}
	struct sched_param sp = {int(prio)};
	TRY(sched_setscheduler_nocheck(t, policy, &sp));
	t->sched_reset_on_fork = reset_on_fork;
	return 0;
}
} // namespace

SYSCALL_DEFINE3(sched_setscheduler, int, pid, int, policy, user_ptr<const struct sched_param>, param)
{
	if (policy < 0)
		return lib::Error{EINVAL};
	return do_sched_setscheduler(pid, policy, param);
}

SYSCALL_DEFINE2(sched_setparam, int, pid, user_ptr<const struct sched_param>, param)
{
	return do_sched_setscheduler(pid, -1, param);
}

SYSCALL_DEFINE1(sched_getscheduler, int, pid)
{
	if (pid < 0)
		return lib::Error{EINVAL};
	struct task_struct* t = find_get_process(pid);
	if (!t)
		return lib::Error{ESRCH};
	lib::ref<task_struct> hold = lib::adopt_ref(t);
	long policy = long(t->policy);
	if (t->sched_reset_on_fork)
		policy |= SCHED_RESET_ON_FORK;
	return policy;
}

SYSCALL_DEFINE2(sched_getparam, int, pid, user_ptr<struct sched_param>, param)
{
	if (!param || pid < 0)
		return lib::Error{EINVAL};
	struct task_struct* t = find_get_process(pid);
	if (!t)
		return lib::Error{ESRCH};
	lib::ref<task_struct> hold = lib::adopt_ref(t);
	struct sched_param lp = {rt_policy(int(t->policy)) ? int(t->rt_priority) : 0};
	if (copy_to_user(param, &lp, sizeof(lp)))
		return lib::Error{EFAULT};
	return 0;
}

SYSCALL_DEFINE1(sched_get_priority_max, int, policy)
{
	switch (policy) {
	case SCHED_FIFO:
	case SCHED_RR:
		return MAX_RT_PRIO - 1;
	case SCHED_DEADLINE:
	case SCHED_NORMAL:
	case SCHED_BATCH:
	case SCHED_IDLE:
		return 0;
	default:
		return lib::Error{EINVAL};
	}
}

SYSCALL_DEFINE1(sched_get_priority_min, int, policy)
{
	switch (policy) {
	case SCHED_FIFO:
	case SCHED_RR:
		return 1;
	case SCHED_DEADLINE:
	case SCHED_NORMAL:
	case SCHED_BATCH:
	case SCHED_IDLE:
		return 0;
	default:
		return lib::Error{EINVAL};
	}
}

/* the bytes of a user cpumask the kernel reads or writes (Linux: cpumask_size) */
static unsigned int cpumask_size()
{
	return (nr_cpu_ids + 63) / 64 * sizeof(unsigned long);
}

SYSCALL_DEFINE3(sched_setaffinity, int, pid, unsigned int, len, user_ptr<const unsigned long>, user_mask_ptr)
{
	struct cpumask in;
	cpumask_clear(&in);
	unsigned int n = len < cpumask_size() ? len : cpumask_size(); /* a short mask is zero-extended */
	if (copy_from_user(in.bits, user_mask_ptr, n))
		return lib::Error{EFAULT};
	struct task_struct* t = find_get_process(pid);
	if (!t)
		return lib::Error{ESRCH};
	lib::ref<task_struct> hold = lib::adopt_ref(t);
	if (t->flags & PF_NO_SETAFFINITY)
		return lib::Error{EINVAL};
	if (!check_same_owner(t) && !capable(CAP_SYS_NICE))
		return lib::Error{EPERM};
	struct cpumask mask;
	cpumask_clear(&mask);
	for (unsigned cpu = 0; cpu < nr_cpu_ids; cpu++)
		if (cpumask_test_cpu(cpu, &in) && cpumask_test_cpu(cpu, cpu_online_mask))
			cpumask_set_cpu(cpu, &mask);
	if (!cpumask_weight(&mask))
		return lib::Error{EINVAL};
	TRY(set_cpus_allowed_ptr(t, &mask));
	return 0;
}

SYSCALL_DEFINE3(sched_getaffinity, int, pid, unsigned int, len, user_ptr<unsigned long>, user_mask_ptr)
{
	if (uint64_t(len) * 8 < nr_cpu_ids)
		return lib::Error{EINVAL};
	if (len & (sizeof(unsigned long) - 1))
		return lib::Error{EINVAL};
	struct task_struct* t = find_get_process(pid);
	if (!t)
		return lib::Error{ESRCH};
	lib::ref<task_struct> hold = lib::adopt_ref(t);
	struct cpumask mask;
	cpumask_clear(&mask);
	{
		lib::spin_lock_irqsave_guard g(t->pi_lock);
		for (unsigned cpu = 0; cpu < nr_cpu_ids; cpu++)
			if (cpumask_test_cpu(cpu, &t->cpus_mask) && cpumask_test_cpu(cpu, cpu_online_mask))
				cpumask_set_cpu(cpu, &mask);
	}
	unsigned int retlen = len < cpumask_size() ? len : cpumask_size();
	if (copy_to_user(user_mask_ptr, mask.bits, retlen))
		return lib::Error{EFAULT};
	return long(retlen);
}
