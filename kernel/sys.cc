/*
 * Small system calls about the calling task and the system (Linux:
 * kernel/sys.c getpid, gettid, getppid, newuname; kernel/utsname.c
 * init_uts_ns).
 *
 * Data structures: init_utsname, the one UTS namespace's names (Linux's
 * init_uts_ns.name): sysname "Linux", nodename and domainname "(none)"
 * until sethostname/setdomainname exist, release UTS_RELEASE, version
 * MONOLITH_BUILD_VERSION, machine "x86_64".
 *
 * getpid is the thread-group id, gettid the thread's own id, getppid the
 * real parent's tgid, as Linux's (no pid namespaces: the numbers are the
 * global ones).
 *
 * Also here, as in Linux's kernel/sys.c: the user and group ids (set*id,
 * get*id, setfs*id; the creds are replaced, never edited: kernel/cred.cc),
 * the supplementary groups (Linux: kernel/groups.c), resource limits
 * (prlimit64, getrlimit, setrlimit), nice values (getpriority,
 * setpriority), prctl (the options of <uapi/linux/prctl.h>), times,
 * sysinfo (load averages 0: no avenrun yet) and getcpu.
 *
 * Lock order: tasklist_lock guards the rlimit writes and another task's
 * cred pointers here; under it set_user_nice takes pi_lock and rq->lock.
 */
#include <fs/fdtable.h>
#include <kernel/capability.h>
#include <kernel/cred.h>
#include <kernel/jiffies.h>
#include <kernel/printk.h>
#include <kernel/resource.h>
#include <mm/mm.h>
#include <kernel/sched.h>
#include <kernel/sched/coredump.h>
#include <kernel/sched/cputime.h>
#include <kernel/sched/signal.h>
#include <kernel/sched/stat.h>
#include <kernel/sched/task.h>
#include <kernel/smp.h>
#include <kernel/syscalls.h>
#include <lib/ref.h>
#include <kernel/timekeeping.h>
#include <kernel/version.h>
#include <mm/page_alloc.h>
#include <uapi/asm-generic/errno-base.h>
#include <uapi/asm-generic/signal.h>
#include <uapi/linux/prctl.h>
#include <uapi/linux/resource.h>
#include <uapi/linux/sysinfo.h>
#include <uapi/linux/time.h>
#include <uapi/linux/utsname.h>

const struct new_utsname init_utsname = {
    .sysname = "Linux",
    .nodename = "(none)",
    .release = UTS_RELEASE,
    .version = MONOLITH_BUILD_VERSION,
    .machine = "x86_64",
    .domainname = "(none)",
};

SYSCALL_DEFINE0(getpid)
{
	return task_tgid_nr(current);
}

SYSCALL_DEFINE0(gettid)
{
	return task_pid_nr(current);
}

SYSCALL_DEFINE0(getppid)
{
	lib::spin_lock_irqsave_guard g(tasklist_lock); /* real_parent changes on reparenting */
	return task_ppid_nr(current);
}

SYSCALL_DEFINE1(newuname, user_ptr<struct new_utsname>, name)
{
	if (copy_to_user(name, &init_utsname, sizeof(init_utsname)))
		return lib::Error{EFAULT};
	return 0;
}

/* ---- user and group ids (Linux: kernel/sys.c) ----
 *
 * Each call prepares a copy of current's creds, edits it and commits it
 * (kernel/cred.cc).  Without CAP_SETUID (CAP_SETGID for the group ids) a
 * task may only move among the ids it already has: real, effective and
 * saved.  (uid_t)-1 is never a valid id: it means "leave unchanged" for
 * the setre and setres calls and is EINVAL for setuid/setgid.  The uid
 * calls then adjust the capability sets (cap_task_fix_setuid).  No user
 * namespaces: ids are the global ones; no RLIMIT_NPROC check on a new
 * real uid (Linux's set_user) yet.
 */
#define INVALID_ID 0xffffffffu

static lib::Result<long> commit_or_abort(struct cred* n, lib::Result<long> r)
{
	if (r.is_err())
		abort_creds(n);
	else
		commit_creds(n);
	return r;
}

SYSCALL_DEFINE0(getuid)
{
	return __kuid_val(current_cred()->uid);
}
SYSCALL_DEFINE0(geteuid)
{
	return __kuid_val(current_cred()->euid);
}
SYSCALL_DEFINE0(getgid)
{
	return __kgid_val(current_cred()->gid);
}
SYSCALL_DEFINE0(getegid)
{
	return __kgid_val(current_cred()->egid);
}

SYSCALL_DEFINE3(getresuid, user_ptr<unsigned int>, ruidp, user_ptr<unsigned int>, euidp, user_ptr<unsigned int>, suidp)
{
	const struct cred* c = current_cred();
	TRY(put_user(__kuid_val(c->uid), ruidp));
	TRY(put_user(__kuid_val(c->euid), euidp));
	TRY(put_user(__kuid_val(c->suid), suidp));
	return 0;
}
SYSCALL_DEFINE3(getresgid, user_ptr<unsigned int>, rgidp, user_ptr<unsigned int>, egidp, user_ptr<unsigned int>, sgidp)
{
	const struct cred* c = current_cred();
	TRY(put_user(__kgid_val(c->gid), rgidp));
	TRY(put_user(__kgid_val(c->egid), egidp));
	TRY(put_user(__kgid_val(c->sgid), sgidp));
	return 0;
}

SYSCALL_DEFINE1(setuid, unsigned int, uid)
{
	if (uid == INVALID_ID)
		return lib::Error{EINVAL};
	kuid_t k{uid};
	const struct cred* old = current_cred();
	struct cred* n = prepare_creds();
	if (!n)
		return lib::Error{ENOMEM};
	if (capable(CAP_SETUID))
		n->suid = n->uid = k;
	else if (!uid_eq(k, old->uid) && !uid_eq(k, old->suid))
		return commit_or_abort(n, lib::Error{EPERM});
	n->fsuid = n->euid = k;
	cap_task_fix_setuid(n, old, LSM_SETID_ID);
	return commit_or_abort(n, 0);
}

SYSCALL_DEFINE2(setreuid, unsigned int, ruid, unsigned int, euid)
{
	const struct cred* old = current_cred();
	kuid_t kr{ruid}, ke{euid};
	bool cap = false, asked = false;
	auto may = [&] {
		if (!asked)
			cap = capable(CAP_SETUID), asked = true;
		return cap;
	};
	struct cred* n = prepare_creds();
	if (!n)
		return lib::Error{ENOMEM};
	if (ruid != INVALID_ID) {
		n->uid = kr;
		if (!uid_eq(old->uid, kr) && !uid_eq(old->euid, kr) && !may())
			return commit_or_abort(n, lib::Error{EPERM});
	}
	if (euid != INVALID_ID) {
		n->euid = ke;
		if (!uid_eq(old->uid, ke) && !uid_eq(old->euid, ke) && !uid_eq(old->suid, ke) && !may())
			return commit_or_abort(n, lib::Error{EPERM});
	}
	if (ruid != INVALID_ID || (euid != INVALID_ID && !uid_eq(ke, old->uid)))
		n->suid = n->euid;
	n->fsuid = n->euid;
	cap_task_fix_setuid(n, old, LSM_SETID_RE);
	return commit_or_abort(n, 0);
}

SYSCALL_DEFINE3(setresuid, unsigned int, ruid, unsigned int, euid, unsigned int, suid)
{
	const struct cred* old = current_cred();
	kuid_t kr{ruid}, ke{euid}, ks{suid};
	auto held = [old](kuid_t k) { return uid_eq(k, old->uid) || uid_eq(k, old->euid) || uid_eq(k, old->suid); };
	if (!capable(CAP_SETUID)) {
		if ((ruid != INVALID_ID && !held(kr)) || (euid != INVALID_ID && !held(ke)) ||
		    (suid != INVALID_ID && !held(ks)))
			return lib::Error{EPERM};
	}
	struct cred* n = prepare_creds();
	if (!n)
		return lib::Error{ENOMEM};
	if (ruid != INVALID_ID)
		n->uid = kr;
	if (euid != INVALID_ID)
		n->euid = ke;
	if (suid != INVALID_ID)
		n->suid = ks;
	n->fsuid = n->euid;
	cap_task_fix_setuid(n, old, LSM_SETID_RES);
	return commit_or_abort(n, 0);
}

SYSCALL_DEFINE1(setgid, unsigned int, gid)
{
	if (gid == INVALID_ID)
		return lib::Error{EINVAL};
	kgid_t k{gid};
	const struct cred* old = current_cred();
	struct cred* n = prepare_creds();
	if (!n)
		return lib::Error{ENOMEM};
	if (capable(CAP_SETGID))
		n->gid = n->egid = n->sgid = n->fsgid = k;
	else if (gid_eq(k, old->gid) || gid_eq(k, old->sgid))
		n->egid = n->fsgid = k;
	else
		return commit_or_abort(n, lib::Error{EPERM});
	return commit_or_abort(n, 0);
}

SYSCALL_DEFINE2(setregid, unsigned int, rgid, unsigned int, egid)
{
	const struct cred* old = current_cred();
	kgid_t kr{rgid}, ke{egid};
	struct cred* n = prepare_creds();
	if (!n)
		return lib::Error{ENOMEM};
	if (rgid != INVALID_ID) {
		if (gid_eq(old->gid, kr) || gid_eq(old->egid, kr) || capable(CAP_SETGID))
			n->gid = kr;
		else
			return commit_or_abort(n, lib::Error{EPERM});
	}
	if (egid != INVALID_ID) {
		if (gid_eq(old->gid, ke) || gid_eq(old->egid, ke) || gid_eq(old->sgid, ke) || capable(CAP_SETGID))
			n->egid = ke;
		else
			return commit_or_abort(n, lib::Error{EPERM});
	}
	if (rgid != INVALID_ID || (egid != INVALID_ID && !gid_eq(ke, old->gid)))
		n->sgid = n->egid;
	n->fsgid = n->egid;
	return commit_or_abort(n, 0);
}

SYSCALL_DEFINE3(setresgid, unsigned int, rgid, unsigned int, egid, unsigned int, sgid)
{
	const struct cred* old = current_cred();
	kgid_t kr{rgid}, ke{egid}, ks{sgid};
	auto held = [old](kgid_t k) { return gid_eq(k, old->gid) || gid_eq(k, old->egid) || gid_eq(k, old->sgid); };
	if (!capable(CAP_SETGID)) {
		if ((rgid != INVALID_ID && !held(kr)) || (egid != INVALID_ID && !held(ke)) ||
		    (sgid != INVALID_ID && !held(ks)))
			return lib::Error{EPERM};
	}
	struct cred* n = prepare_creds();
	if (!n)
		return lib::Error{ENOMEM};
	if (rgid != INVALID_ID)
		n->gid = kr;
	if (egid != INVALID_ID)
		n->egid = ke;
	if (sgid != INVALID_ID)
		n->sgid = ks;
	n->fsgid = n->egid;
	return commit_or_abort(n, 0);
}

/* setfsuid/setfsgid return the old fsuid/fsgid whether or not they changed it */
SYSCALL_DEFINE1(setfsuid, unsigned int, uid)
{
	const struct cred* old = current_cred();
	long old_fsuid = __kuid_val(old->fsuid);
	kuid_t k{uid};
	if (uid == INVALID_ID)
		return old_fsuid;
	if ((uid_eq(k, old->uid) || uid_eq(k, old->euid) || uid_eq(k, old->suid) || uid_eq(k, old->fsuid) ||
	     capable(CAP_SETUID)) &&
	    !uid_eq(k, old->fsuid)) {
		struct cred* n = prepare_creds();
		if (!n)
			return old_fsuid;
		n->fsuid = k;
		cap_task_fix_setuid(n, old, LSM_SETID_FS);
		commit_creds(n);
	}
	return old_fsuid;
}

SYSCALL_DEFINE1(setfsgid, unsigned int, gid)
{
	const struct cred* old = current_cred();
	long old_fsgid = __kgid_val(old->fsgid);
	kgid_t k{gid};
	if (gid == INVALID_ID)
		return old_fsgid;
	if ((gid_eq(k, old->gid) || gid_eq(k, old->egid) || gid_eq(k, old->sgid) || gid_eq(k, old->fsgid) ||
	     capable(CAP_SETGID)) &&
	    !gid_eq(k, old->fsgid)) {
		struct cred* n = prepare_creds();
		if (!n)
			return old_fsgid;
		n->fsgid = k;
		commit_creds(n);
	}
	return old_fsgid;
}

/* ---- supplementary groups (Linux: kernel/groups.c) ---- */
SYSCALL_DEFINE2(getgroups, int, gidsetsize, user_ptr<unsigned int>, grouplist)
{
	if (gidsetsize < 0)
		return lib::Error{EINVAL};
	const struct group_info* gi = current_cred()->group_info;
	int n = gi->ngroups;
	if (gidsetsize) {
		if (n > gidsetsize)
			return lib::Error{EINVAL};
		if (copy_to_user(grouplist, gi->gid, sizeof(kgid_t) * size_t(n)))
			return lib::Error{EFAULT};
	}
	return n;
}

SYSCALL_DEFINE2(setgroups, int, gidsetsize, user_ptr<const unsigned int>, grouplist)
{
	if (!capable(CAP_SETGID)) /* Linux: may_setgroups */
		return lib::Error{EPERM};
	if ((unsigned)gidsetsize > NGROUPS_MAX)
		return lib::Error{EINVAL};
	struct group_info* gi = groups_alloc(gidsetsize);
	if (!gi)
		return lib::Error{ENOMEM};
	if (copy_from_user(gi->gid, grouplist, sizeof(kgid_t) * size_t(gidsetsize))) {
		put_group_info(gi);
		return lib::Error{EFAULT};
	}
	groups_sort(gi);
	struct cred* n = prepare_creds();
	if (!n) {
		put_group_info(gi);
		return lib::Error{ENOMEM};
	}
	put_group_info(n->group_info);
	n->group_info = gi; /* the reference groups_alloc gave */
	commit_creds(n);
	return 0;
}

/* ---- resource limits (Linux: kernel/sys.c do_prlimit, prlimit64,
 * getrlimit, setrlimit) ----
 *
 * signal->rlim is written under tasklist_lock here (Linux: task_lock of
 * the group leader) and read racily.  A raised hard limit needs
 * CAP_SYS_RESOURCE; RLIMIT_NOFILE may not exceed fs.nr_open.  Another
 * process's limits need the same ids or CAP_SYS_RESOURCE.  Not yet:
 * RLIMIT_CPU's timer (update_rlimit_cpu).
 */
static lib::Result<void> do_prlimit(struct task_struct* tsk, unsigned int resource, const struct rlimit* new_rlim,
                                    struct rlimit* old_rlim)
{
	if (resource >= RLIM_NLIMITS)
		return lib::Error{EINVAL};
	if (new_rlim) {
		if (new_rlim->rlim_cur > new_rlim->rlim_max)
			return lib::Error{EINVAL};
		if (resource == RLIMIT_NOFILE && new_rlim->rlim_max > sysctl_nr_open)
			return lib::Error{EPERM};
	}
	bool may_raise = !new_rlim || capable(CAP_SYS_RESOURCE);
	lib::spin_lock_irqsave_guard g(tasklist_lock);
	struct rlimit* rlim = &tsk->signal->rlim[resource];
	if (new_rlim && new_rlim->rlim_max > rlim->rlim_max && !may_raise)
		return lib::Error{EPERM};
	if (old_rlim)
		*old_rlim = *rlim;
	if (new_rlim) {
		__atomic_store_n(&rlim->rlim_cur, new_rlim->rlim_cur, __ATOMIC_RELAXED);
		__atomic_store_n(&rlim->rlim_max, new_rlim->rlim_max, __ATOMIC_RELAXED);
	}
	return lib::ok();
}

/* may current read or change task's limits (Linux: check_prlimit_permission) */
static lib::Result<void> check_prlimit_permission(struct task_struct* task)
{
	if (task == current)
		return lib::ok();
	const struct cred* cred = current_cred();
	const struct cred* tcred = get_task_cred(task);
	bool same = uid_eq(cred->uid, tcred->euid) && uid_eq(cred->uid, tcred->suid) && uid_eq(cred->uid, tcred->uid) &&
	            gid_eq(cred->gid, tcred->egid) && gid_eq(cred->gid, tcred->sgid) && gid_eq(cred->gid, tcred->gid);
	put_cred(tcred);
	if (same || capable(CAP_SYS_RESOURCE))
		return lib::ok();
	return lib::Error{EPERM};
}

/* pid 0 is current; a reference the caller owns, or NULL (ESRCH) */
static struct task_struct* get_task_by_pid(pid_t pid)
{
	return pid ? find_get_task_by_vpid(pid) : get_task_struct(current);
}

SYSCALL_DEFINE4(prlimit64, int, pid, unsigned int, resource, user_ptr<const struct rlimit64>, new_rlim,
                user_ptr<struct rlimit64>, old_rlim)
{
	struct rlimit64 new64;
	struct rlimit nw, old;
	if (new_rlim) {
		if (copy_from_user(&new64, new_rlim, sizeof(new64)))
			return lib::Error{EFAULT};
		/* rlim64_to_rlim: the same width on x86_64 */
		nw.rlim_cur = new64.rlim_cur >= RLIM64_INFINITY ? RLIM_INFINITY : new64.rlim_cur;
		nw.rlim_max = new64.rlim_max >= RLIM64_INFINITY ? RLIM_INFINITY : new64.rlim_max;
	}
	struct task_struct* t = get_task_by_pid(pid);
	if (!t)
		return lib::Error{ESRCH};
	lib::ref<task_struct> tsk = lib::adopt_ref(t);
	TRY(check_prlimit_permission(t));
	TRY(do_prlimit(t, resource, new_rlim ? &nw : nullptr, old_rlim ? &old : nullptr));
	if (old_rlim) {
		struct rlimit64 old64 = {old.rlim_cur, old.rlim_max};
		if (copy_to_user(old_rlim, &old64, sizeof(old64)))
			return lib::Error{EFAULT};
	}
	return 0;
}

SYSCALL_DEFINE2(getrlimit, unsigned int, resource, user_ptr<struct rlimit>, rlim)
{
	struct rlimit value;
	TRY(do_prlimit(current, resource, nullptr, &value));
	if (copy_to_user(rlim, &value, sizeof(value)))
		return lib::Error{EFAULT};
	return 0;
}

SYSCALL_DEFINE2(setrlimit, unsigned int, resource, user_ptr<const struct rlimit>, rlim)
{
	struct rlimit value;
	if (copy_from_user(&value, rlim, sizeof(value)))
		return lib::Error{EFAULT};
	TRY(do_prlimit(current, resource, &value, nullptr));
	return 0;
}

/* ---- nice values (Linux: kernel/sys.c getpriority, setpriority) ----
 *
 * getpriority returns 20 - nice (1..40, so that no value looks like an
 * error; libc converts back).  PRIO_PGRP knows only the caller's own
 * group (who 0) until process groups exist; PRIO_USER walks every
 * thread whose real uid matches.
 */
static int nice_to_rlimit(long nice)
{
	return int(MAX_NICE - nice + 1);
}

/* may current lower p's nice to `nice` (Linux: can_nice) */
static bool can_nice(const struct task_struct* p, long nice)
{
	return (unsigned long)nice_to_rlimit(nice) <= task_rlimit(p, RLIMIT_NICE) || capable(CAP_SYS_NICE);
}

static lib::Result<void> set_one_prio(struct task_struct* p, long niceval) REQUIRES(tasklist_lock)
{
	const struct cred* cred = current_cred();
	const struct cred* pcred = p->real_cred; /* stable under tasklist_lock */
	if (!uid_eq(pcred->uid, cred->euid) && !uid_eq(pcred->euid, cred->euid) && !capable(CAP_SYS_NICE))
		return lib::Error{EPERM};
	if (niceval < task_nice(p) && !can_nice(p, niceval))
		return lib::Error{EACCES};
	set_user_nice(p, niceval);
	return lib::ok();
}

struct prio_walk_state {
	bool set;
	long niceval;
	int error;  /* set: a success clears ESRCH only; any failure sticks (Linux's) */
	long best;  /* get: the highest 20 - nice seen */
};

static void prio_visit(struct prio_walk_state* w, struct task_struct* p) REQUIRES(tasklist_lock)
{
	if (w->set) {
		lib::Result<void> r = set_one_prio(p, w->niceval);
		if (r.is_err())
			w->error = r.error();
		else if (w->error == ESRCH)
			w->error = 0;
	}
	else if (nice_to_rlimit(task_nice(p)) > w->best)
		w->best = nice_to_rlimit(task_nice(p));
}

static lib::Result<long> prio_walk(int which, int who, long niceval, bool set)
{
	if (which > PRIO_USER || which < PRIO_PROCESS)
		return lib::Error{EINVAL};
	if (niceval < MIN_NICE)
		niceval = MIN_NICE;
	if (niceval > MAX_NICE)
		niceval = MAX_NICE;
	struct prio_walk_state w = {set, niceval, ESRCH, -1};
	{
		lib::spin_lock_irqsave_guard g(tasklist_lock);
		switch (which) {
		case PRIO_PROCESS: {
			struct task_struct* p = who ? find_task_by_vpid(who) : current;
			if (p)
				prio_visit(&w, p);
			break;
		}
		case PRIO_PGRP:
			if (who == 0)
				prio_visit(&w, current);
			else
				pr_warn_once("getpriority/setpriority: PRIO_PGRP %d: no process groups yet\n", who);
			break;
		case PRIO_USER: {
			kuid_t uid = who ? kuid_t{unsigned(who)} : current_cred()->uid;
			struct task_struct *g2, *p;
			for_each_process_thread(g2, p)
			{
				if (uid_eq(p->real_cred->uid, uid))
					prio_visit(&w, p);
			}
			break;
		}
		}
	}
	if (set)
		return w.error ? lib::Result<long>(lib::Error{w.error}) : lib::Result<long>(0);
	if (w.best < 0)
		return lib::Error{ESRCH};
	return w.best;
}

SYSCALL_DEFINE2(getpriority, int, which, int, who)
{
	return prio_walk(which, who, 0, false);
}

SYSCALL_DEFINE3(setpriority, int, which, int, who, int, niceval)
{
	return prio_walk(which, who, niceval, true);
}

/* ---- prctl (Linux: kernel/sys.c) ---- */
SYSCALL_DEFINE5(prctl, int, option, unsigned long, arg2, unsigned long, arg3, unsigned long, arg4, unsigned long,
                arg5)
{
	(void)arg3, (void)arg4, (void)arg5;
	struct task_struct* me = current;
	switch (option) {
	case PR_SET_PDEATHSIG:
		if (arg2 > _NSIG) /* valid_signal: 0 clears it */
			return lib::Error{EINVAL};
		me->pdeath_signal = int(arg2);
		return 0;
	case PR_GET_PDEATHSIG:
		TRY(put_user(me->pdeath_signal, user_ptr<int>(arg2)));
		return 0;
	case PR_GET_DUMPABLE:
		return me->mm ? get_dumpable(me->mm) : 0;
	case PR_SET_DUMPABLE:
		if (arg2 != SUID_DUMP_DISABLE && arg2 != SUID_DUMP_USER)
			return lib::Error{EINVAL};
		if (me->mm)
			set_dumpable(me->mm, arg2);
		return 0;
	case PR_SET_NAME: {
		char comm[TASK_COMM_LEN] = {};
		TRY(strncpy_from_user(comm, user_ptr<const char>(arg2), sizeof(comm) - 1));
		set_task_comm(me, comm);
		return 0;
	}
	case PR_GET_NAME: {
		char comm[TASK_COMM_LEN];
		get_task_comm(comm, me);
		if (copy_to_user(user_ptr<void>(arg2), comm, sizeof(comm)))
			return lib::Error{EFAULT};
		return 0;
	}
	default:
		pr_warn_once("prctl: option %d is not implemented\n", option);
		return lib::Error{EINVAL};
	}
}

/* ---- times, sysinfo, getcpu (Linux: kernel/sys.c) ---- */

uint64_t thread_group_sched_runtime(struct task_struct* tsk, uint64_t* utime, uint64_t* stime)
{
	uint64_t sum = 0, u = 0, s = 0;
	lib::spin_lock_irqsave_guard g(tasklist_lock);
	struct task_struct* t;
	for_each_thread(tsk, t)
	{
		sum += task_sched_runtime(t);
		u += t->utime;
		s += t->stime;
	}
	if (utime)
		*utime = u;
	if (stime)
		*stime = s;
	return sum;
}

/* ---- getrusage (Linux: kernel/sys.c getrusage, accumulate_thread_rusage) ---- */
namespace
{
void accumulate_thread_rusage(const struct task_struct* t, struct rusage* r)
{
	r->ru_nvcsw += long(t->nvcsw);
	r->ru_nivcsw += long(t->nivcsw);
	r->ru_minflt += long(t->min_flt);
	r->ru_majflt += long(t->maj_flt);
}

void ns_to_timeval(uint64_t ns, long* sec, long* usec)
{
	*sec = long(ns / NSEC_PER_SEC);
	*usec = long((ns % NSEC_PER_SEC) / 1000);
}
} // namespace

void getrusage(struct task_struct* p, int who, struct rusage* r) NO_THREAD_SAFETY_ANALYSIS
{
	*r = {};
	uint64_t utime = 0, stime = 0;
	unsigned long maxrss = 0;
	if (who == RUSAGE_THREAD) {
		utime = p->utime;
		stime = p->stime;
		accumulate_thread_rusage(p, r);
		maxrss = p->signal->maxrss;
	} else {
		lib::spin_lock_irqsave_guard g(tasklist_lock);
		lib::spin_lock_guard sg(p->sighand->siglock);
		struct signal_struct* sig = p->signal;
		if (who == RUSAGE_BOTH || who == RUSAGE_CHILDREN) {
			utime = sig->cutime;
			stime = sig->cstime;
			r->ru_nvcsw = long(sig->cnvcsw);
			r->ru_nivcsw = long(sig->cnivcsw);
			r->ru_minflt = long(sig->cmin_flt);
			r->ru_majflt = long(sig->cmaj_flt);
			maxrss = sig->cmaxrss;
		}
		if (who != RUSAGE_CHILDREN) {
			utime += sig->utime; /* the dead threads' */
			stime += sig->stime;
			r->ru_nvcsw += long(sig->nvcsw);
			r->ru_nivcsw += long(sig->nivcsw);
			r->ru_minflt += long(sig->min_flt);
			r->ru_majflt += long(sig->maj_flt);
			if (maxrss < sig->maxrss)
				maxrss = sig->maxrss;
			struct task_struct* t;
			for_each_thread(p, t) {
				utime += t->utime;
				stime += t->stime;
				accumulate_thread_rusage(t, r);
			}
		}
	}
	ns_to_timeval(utime, &r->ru_utime.tv_sec, &r->ru_utime.tv_usec);
	ns_to_timeval(stime, &r->ru_stime.tv_sec, &r->ru_stime.tv_usec);
	if (who != RUSAGE_CHILDREN) {
		if (struct mm_struct* mm = get_task_mm(p)) {
			unsigned long rss = get_mm_rss(mm);
			unsigned long hi = (mm->hiwater_rss > rss ? mm->hiwater_rss : rss) * (PAGE_SIZE / 1024);
			if (maxrss < hi)
				maxrss = hi;
			mmput(mm);
		}
	}
	r->ru_maxrss = long(maxrss);
}

SYSCALL_DEFINE2(getrusage, int, who, user_ptr<struct rusage>, ru)
{
	if (who != RUSAGE_SELF && who != RUSAGE_CHILDREN && who != RUSAGE_THREAD)
		return lib::Error{EINVAL};
	struct rusage r;
	getrusage(current, who, &r);
	if (copy_to_user(ru, &r, sizeof(r)))
		return lib::Error{EFAULT};
	return 0;
}

static long nsec_to_clock_t(uint64_t ns)
{
	return long(ns / (NSEC_PER_SEC / USER_HZ));
}

SYSCALL_DEFINE1(times, user_ptr<struct tms>, tbuf)
{
	if (tbuf) {
		/* the scheduler charges every nanosecond to stime so far: no
		 * tick-based user/system split (Linux: cputime_adjust) yet */
		uint64_t u, s;
		thread_group_sched_runtime(current, &u, &s);
		struct signal_struct* sig = current->signal;
		uint64_t cu, cs;
		{
			lib::spin_lock_irqsave_guard g(current->sighand->siglock);
			u += sig->utime; /* the dead threads' */
			s += sig->stime;
			cu = sig->cutime;
			cs = sig->cstime;
		}
		struct tms tmp = {nsec_to_clock_t(u), nsec_to_clock_t(s), nsec_to_clock_t(cu), nsec_to_clock_t(cs)};
		if (copy_to_user(tbuf, &tmp, sizeof(tmp)))
			return lib::Error{EFAULT};
	}
	/* jiffies_64_to_clock_t, with INITIAL_JIFFIES in it as Linux's */
	return long(get_jiffies_64() * TICK_NSEC / (NSEC_PER_SEC / USER_HZ));
}

SYSCALL_DEFINE1(sysinfo, user_ptr<struct sysinfo>, info)
{
	struct sysinfo val = {};
	int64_t up = ktime_get_boottime_ns();
	val.uptime = long(up / int64_t(NSEC_PER_SEC)) + (up % int64_t(NSEC_PER_SEC) ? 1 : 0);
	/* loads: 0 until the scheduler keeps Linux's avenrun */
	{
		lib::spin_lock_irqsave_guard g(tasklist_lock);
		val.procs = (unsigned short)nr_threads;
	}
	val.totalram = totalram_pages() * PAGE_SIZE; /* mem_unit 1, as Linux's on 64-bit */
	val.freeram = nr_free_pages() * PAGE_SIZE;
	val.mem_unit = 1;
	if (copy_to_user(info, &val, sizeof(val)))
		return lib::Error{EFAULT};
	return 0;
}

SYSCALL_DEFINE3(getcpu, user_ptr<unsigned int>, cpup, user_ptr<unsigned int>, nodep, user_ptr<void>, unused)
{
	(void)unused;
	unsigned cpu = raw_smp_processor_id();
	bool fault = false;
	if (cpup)
		fault |= put_user(cpu, cpup).is_err();
	if (nodep)
		fault |= put_user(0u, nodep).is_err(); /* one node: CPUs are not yet mapped to nodes */
	if (fault)
		return lib::Error{EFAULT};
	return 0;
}
