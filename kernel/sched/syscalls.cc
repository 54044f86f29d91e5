/*
 * The scheduler's system calls (Linux 6.1: kernel/sched/core.c
 * sched_setscheduler, sched_setparam, sched_setattr, sched_getattr,
 * sched_getscheduler, sched_getparam, sched_get_priority_max/min,
 * sched_rr_get_interval, sched_setaffinity, sched_getaffinity; Linux
 * 6.10 moved them to kernel/sched/syscalls.c, the name used here).
 *
 * Policies: SCHED_OTHER (NORMAL), BATCH, IDLE and the real-time FIFO and
 * RR (priorities 1..99) on the existing classes (core.cc
 * sched_setscheduler_nocheck); sched_setattr also sets the nice value of
 * the fair policies.  All three set calls go through __sched_setscheduler
 * with Linux's checks in Linux's order (see there).  SCHED_RESET_ON_FORK
 * (SCHED_FLAG_RESET_ON_FORK) is kept in p->sched_reset_on_fork and
 * reported back.
 *
 * SCHED_DEADLINE: there is no deadline class.  What Linux 6.1 refuses is
 * refused the same way: bad parameters (sched_setscheduler always has
 * them: runtime 0) EINVAL, an unprivileged caller EPERM; valid
 * parameters from a privileged caller, which Linux would admit, fail
 * with EBUSY, Linux's "admission control refused the bandwidth", and a
 * log line once.  The utilization clamps are EOPNOTSUPP, as on a Linux
 * without CONFIG_UCLAMP_TASK (Debian's).
 *
 * sched_attr sizes (Linux: sched_copy_attr): 0 means VER0 (48 bytes); a
 * size below VER0 or above a page, or a longer struct with non-zero bytes
 * beyond the kernel's 56, is E2BIG with 56 written back into ->size.
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
#include <kernel/printk.h>
#include <uapi/asm-generic/errno-base.h>
#include <uapi/asm-generic/errno.h>
#include <uapi/linux/time.h>
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

/* Linux's kernel/sched/sched.h */
bool fair_policy(int policy)
{
	return policy == SCHED_NORMAL || policy == SCHED_BATCH;
}

constexpr int SETPARAM_POLICY = -1; /* keep the task's policy (sched_setparam) */
constexpr unsigned DL_SCALE = 10;
constexpr uint64_t NSEC_PER_USEC = 1000;
constexpr uint64_t sysctl_sched_dl_period_max = 1 << 22; /* us: ~4 s */
constexpr uint64_t sysctl_sched_dl_period_min = 100;     /* us */

/* are SCHED_DEADLINE's parameters sane (Linux: __checkparam_dl):
 * runtime <= deadline <= period, period within the sysctl bounds */
bool checkparam_dl(const struct sched_attr* attr)
{
	if (attr->sched_deadline == 0)
		return false;
	if (attr->sched_runtime < (1ULL << DL_SCALE))
		return false;
	if ((attr->sched_deadline & (1ULL << 63)) || (attr->sched_period & (1ULL << 63)))
		return false;
	uint64_t period = attr->sched_period ? attr->sched_period : attr->sched_deadline;
	if (period < attr->sched_deadline || attr->sched_deadline < attr->sched_runtime)
		return false;
	return period >= sysctl_sched_dl_period_min * NSEC_PER_USEC && period <= sysctl_sched_dl_period_max * NSEC_PER_USEC;
}

/* may p's nice go down to nice (Linux: can_nice; also in kernel/sys.cc) */
bool can_nice(const struct task_struct* p, long nice)
{
	return (unsigned long)(MAX_NICE - nice + 1) <= task_rlimit(p, RLIMIT_NICE) || capable(CAP_SYS_NICE);
}

/* p's current parameters into attr (Linux: get_params) */
void get_params(struct task_struct* p, struct sched_attr* attr)
{
	if (rt_policy(int(p->policy)))
		attr->sched_priority = p->rt_priority;
	else
		attr->sched_nice = task_nice(p);
}

/*
 * The one path of sched_setscheduler, sched_setparam and sched_setattr
 * (Linux: __sched_setscheduler with user = true), in Linux's order of
 * checks: the policy, the flags, the priority's range and its fit to the
 * policy (EINVAL); then, without CAP_SYS_NICE, the limits (EPERM):
 * lowering nice beyond RLIMIT_NICE, a real-time policy or priority
 * beyond RLIMIT_RTPRIO, SCHED_DEADLINE at all, leaving SCHED_IDLE beyond
 * RLIMIT_NICE, another user's task, clearing SCHED_RESET_ON_FORK.
 */
lib::Result<void> __sched_setscheduler(struct task_struct* p, const struct sched_attr* attr)
{
	int policy = int(attr->sched_policy);
	bool reset_on_fork;
	if (policy < 0) {
		reset_on_fork = p->sched_reset_on_fork;
		policy = int(p->policy);
	}
	else {
		reset_on_fork = attr->sched_flags & SCHED_FLAG_RESET_ON_FORK;
		if (!valid_policy(policy))
			return lib::Error{EINVAL};
	}
	if (attr->sched_flags & ~(unsigned long long)SCHED_FLAG_ALL)
		return lib::Error{EINVAL};
	if (attr->sched_priority > MAX_RT_PRIO - 1)
		return lib::Error{EINVAL};
	if ((policy == SCHED_DEADLINE && !checkparam_dl(attr)) || rt_policy(policy) != (attr->sched_priority != 0))
		return lib::Error{EINVAL};
	if (!capable(CAP_SYS_NICE)) {
		if (fair_policy(policy) && attr->sched_nice < task_nice(p) && !can_nice(p, attr->sched_nice))
			return lib::Error{EPERM};
		if (rt_policy(policy)) {
			unsigned long rlim_rtprio = task_rlimit(p, RLIMIT_RTPRIO);
			if (unsigned(policy) != p->policy && !rlim_rtprio) /* can't set or change the RT policy */
				return lib::Error{EPERM};
			if (attr->sched_priority > p->rt_priority && attr->sched_priority > rlim_rtprio)
				return lib::Error{EPERM}; /* can't raise the priority */
		}
		if (policy == SCHED_DEADLINE) /* never without privilege, as Linux */
			return lib::Error{EPERM};
		if (p->policy == SCHED_IDLE && policy != SCHED_IDLE && !can_nice(p, task_nice(p)))
			return lib::Error{EPERM}; /* SCHED_IDLE counts as nice 20 */
		if (!check_same_owner(p))
			return lib::Error{EPERM};
		if (p->sched_reset_on_fork && !reset_on_fork)
			return lib::Error{EPERM};
	}
	if (attr->sched_flags & SCHED_FLAG_UTIL_CLAMP)
		return lib::Error{EOPNOTSUPP}; /* Linux without CONFIG_UCLAMP_TASK: uclamp_validate */
	if (policy == SCHED_DEADLINE) {
		/* valid parameters from a privileged caller: Linux's admission
		 * control (sched_dl_overflow) would now reserve the bandwidth;
		 * there is no deadline class here, so it refuses every request */
		pr_warn_once("sched_setattr: SCHED_DEADLINE is not implemented: EBUSY\n");
		return lib::Error{EBUSY};
	}
	struct sched_param sp = {int(attr->sched_priority)};
	TRY(sched_setscheduler_nocheck(p, policy, &sp));
	if (fair_policy(policy) && !(attr->sched_flags & SCHED_FLAG_KEEP_PARAMS))
		set_user_nice(p, attr->sched_nice); /* __setscheduler_params: static_prio from sched_nice */
	p->sched_reset_on_fork = reset_on_fork;
	return lib::ok();
}

/* policy SETPARAM_POLICY: keep p's (sched_setparam) (Linux: do_sched_setscheduler,
 * _sched_setscheduler's legacy SCHED_RESET_ON_FORK bit) */
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
	struct sched_attr attr = {};
	attr.sched_policy = unsigned(policy);
	attr.sched_priority = unsigned(lp.sched_priority);
	attr.sched_nice = task_nice(t);
	if (policy != SETPARAM_POLICY && (policy & SCHED_RESET_ON_FORK)) {
		attr.sched_flags |= SCHED_FLAG_RESET_ON_FORK;
		attr.sched_policy = unsigned(policy & ~SCHED_RESET_ON_FORK);
	}
	TRY(__sched_setscheduler(t, &attr));
	return 0;
}

/* a user sched_attr of any size from VER0 up (Linux: sched_copy_attr,
 * copy_struct_from_user): a shorter one is zero-extended; a longer one
 * must be zero beyond what the kernel knows, else E2BIG with the
 * kernel's size written back into uattr->size */
lib::Result<void> sched_copy_attr(user_ptr<struct sched_attr> uattr, struct sched_attr* attr)
{
	*attr = {};
	unsigned int size;
	TRY(get_user(size, user_ptr<const unsigned int>(uattr.addr())));
	if (!size)
		size = SCHED_ATTR_SIZE_VER0; /* the ABI quirk: 0 means VER0 */
	bool too_big = size < SCHED_ATTR_SIZE_VER0 || size > PAGE_SIZE;
	if (!too_big && size > sizeof(*attr)) {
		/* check_zeroed_user: the tail the kernel does not know */
		for (unsigned off = sizeof(*attr); off < size && !too_big; off++) {
			unsigned char c;
			TRY(get_user(c, user_ptr<const unsigned char>(uattr.addr() + off)));
			too_big = c != 0;
		}
	}
	if (too_big) {
		(void)put_user((unsigned int)sizeof(*attr), user_ptr<unsigned int>(uattr.addr()));
		return lib::Error{E2BIG};
	}
	if (copy_from_user(attr, uattr, size < sizeof(*attr) ? size : sizeof(*attr)))
		return lib::Error{EFAULT};
	if ((attr->sched_flags & SCHED_FLAG_UTIL_CLAMP) && size < SCHED_ATTR_SIZE_VER1)
		return lib::Error{EINVAL};
	if (attr->sched_nice < MIN_NICE)
		attr->sched_nice = MIN_NICE;
	if (attr->sched_nice > MAX_NICE)
		attr->sched_nice = MAX_NICE;
	return lib::ok();
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
	return do_sched_setscheduler(pid, SETPARAM_POLICY, param);
}

SYSCALL_DEFINE3(sched_setattr, int, pid, user_ptr<struct sched_attr>, uattr, unsigned int, flags)
{
	if (!uattr || pid < 0 || flags)
		return lib::Error{EINVAL};
	struct sched_attr attr;
	TRY(sched_copy_attr(uattr, &attr));
	if (int(attr.sched_policy) < 0)
		return lib::Error{EINVAL};
	if (attr.sched_flags & SCHED_FLAG_KEEP_POLICY)
		attr.sched_policy = unsigned(SETPARAM_POLICY);
	struct task_struct* t = find_get_process(pid);
	if (!t)
		return lib::Error{ESRCH};
	lib::ref<task_struct> hold = lib::adopt_ref(t);
	if (attr.sched_flags & SCHED_FLAG_KEEP_PARAMS)
		get_params(t, &attr);
	TRY(__sched_setscheduler(t, &attr));
	return 0;
}

/* usize: the caller's struct size; the kernel writes min(usize, its own)
 * bytes and that size in ->size (Linux: sched_attr_copy_to_user) */
SYSCALL_DEFINE4(sched_getattr, int, pid, user_ptr<struct sched_attr>, uattr, unsigned int, usize, unsigned int,
                flags)
{
	if (!uattr || pid < 0 || usize > PAGE_SIZE || usize < SCHED_ATTR_SIZE_VER0 || flags)
		return lib::Error{EINVAL};
	struct task_struct* t = find_get_process(pid);
	if (!t)
		return lib::Error{ESRCH};
	lib::ref<task_struct> hold = lib::adopt_ref(t);
	struct sched_attr kattr = {};
	kattr.sched_policy = t->policy;
	if (t->sched_reset_on_fork)
		kattr.sched_flags |= SCHED_FLAG_RESET_ON_FORK;
	get_params(t, &kattr);
	/* sched_util_min/max stay 0: no utilization clamps (Debian's Linux
	 * is built without CONFIG_UCLAMP_TASK too) */
	unsigned int ksize = sizeof(kattr);
	kattr.size = usize < ksize ? usize : ksize;
	if (copy_to_user(uattr, &kattr, kattr.size))
		return lib::Error{EFAULT};
	return 0;
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

/* the round-robin quantum: SCHED_RR's 100 ms (RR_TIMESLICE), 0 for FIFO,
 * the CFS slice for the fair policies, in whole jiffies (Linux:
 * sched_rr_get_interval, get_rr_interval_{rt,fair}) */
SYSCALL_DEFINE2(sched_rr_get_interval, int, pid, user_ptr<struct __kernel_timespec>, interval)
{
	if (pid < 0)
		return lib::Error{EINVAL};
	struct task_struct* t = find_get_process(pid);
	if (!t)
		return lib::Error{ESRCH};
	lib::ref<task_struct> hold = lib::adopt_ref(t);
	uint64_t slice_jiffies = 0;
	unsigned long flags;
	struct rq* rq = task_rq_lock(t, &flags);
	if (t->sched_class == &rt_sched_class)
		slice_jiffies = t->policy == SCHED_RR ? RR_TIMESLICE : 0;
	else if (t->sched_class == &fair_sched_class)
		slice_jiffies = get_rr_interval_fair(rq, t);
	task_rq_unlock(rq, t, flags);
	struct __kernel_timespec ts = {int64_t(slice_jiffies * TICK_NSEC / NSEC_PER_SEC),
	                               int64_t(slice_jiffies * TICK_NSEC % NSEC_PER_SEC)};
	if (copy_to_user(interval, &ts, sizeof(ts)))
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
