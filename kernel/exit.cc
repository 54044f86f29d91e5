/*
 * Ending a task, zombies, and waiting for children (Linux: kernel/exit.c
 * do_exit, do_group_exit, exit_notify, forget_original_parent,
 * kill_orphaned_pgrp, release_task, __exit_signal, do_wait, wait4, waitid).
 *
 * do_exit(code), in Linux's order: exit_signals (PF_EXITING, no more
 * signals), the group's `live` count (the last thread out is group_dead;
 * init's last thread panics "Attempted to kill init!"), exit_code, exit_mm
 * (mm_release: CLONE_CHILD_CLEARTID's word cleared and futex-woken, the
 * vfork parent let go), exit_files, exit_fs, exit_thread (the FPU),
 * exit_notify, then the last switch (do_task_dead).
 *
 * exit_notify, under tasklist_lock: the children go to a new parent
 * (forget_original_parent: a live thread of the same group, else the
 * nearest PR_SET_CHILD_SUBREAPER ancestor, else init; each child thread's
 * pdeath_signal is sent), process groups the exit orphans get SIGHUP and
 * SIGCONT if they have stopped members (kill_orphaned_pgrp), and the task
 * becomes a zombie: a thread-group leader tells its parent
 * (do_notify_parent) once its group is empty, a leader with live threads
 * stays a zombie until the last one is released (delay_group_leader,
 * release_task notifies then), and other threads are reaped at once.  A
 * parent that ignores SIGCHLD or set SA_NOCLDWAIT has its children
 * reaped at exit (do_notify_parent's autoreap); so are the children of
 * kernel threads, which Linux gets by kthreadd ignoring every signal.
 *
 * release_task(p): p off every list and its pid freed (__unhash_process),
 * its times and counts folded into its signal_struct (__exit_signal), its
 * sighand dropped, and the task list's reference put; its last switch
 * puts the other (rcu_users).  Reaping the last thread of a zombie leader
 * notifies the leader's parent and, if that autoreaps, releases it too.
 *
 * wait4/waitid (do_wait): the caller sleeps on its group's wait_chldexit
 * until an eligible child (by pid, process group or pidfd, and __WCLONE/
 * __WALL by exit signal; the children of every thread of the group
 * unless __WNOTHREAD) is a zombie (WEXITED), stopped (WSTOPPED:
 * SIGNAL_STOP_STOPPED with group_exit_code, which the signal code sets)
 * or continued (WCONTINUED: SIGNAL_STOP_CONTINUED).  The status is
 * Linux's: exit code << 8, the signal (| 0x80 for a core dump),
 * sig << 8 | 0x7f stopped, 0xffff continued.  ECHILD without eligible
 * children, ERESTARTSYS when a signal comes.
 *
 * Invariants: exit_state goes 0 -> EXIT_ZOMBIE (exit_notify) ->
 * EXIT_DEAD (the reaper's cmpxchg, or autoreap) and only the one who
 * moved it to EXIT_DEAD calls release_task.  A leader is released after
 * every other thread of its group.
 *
 * Differences from Linux: pids are numbers, not struct pid: a process
 * group or session keeps its number only while a process uses it, and a
 * reaped leader's pid may be reused while its group lives on (Linux holds
 * the struct pid); a tracee's exit goes to its real parent only
 * (kernel/ptrace.cc unlinks it in exit_notify); no pid namespaces; the orphaned process
 * groups are signalled after tasklist_lock is dropped (kill_pgrp takes
 * it), not under it.
 *
 * Lock order: tasklist_lock -> sighand->siglock -> wait-queue locks.
 * Nothing that may fault or sleep under tasklist_lock: the wait paths
 * take a reference and drop the lock before copying to user space.
 */
#include <arch/fpu.h>
#include <kernel/completion.h>
#include <kernel/exit.h>
#include <kernel/panic.h>
#include <kernel/pid.h>
#include <kernel/ptrace.h>
#include <kernel/sched/jobctl.h>
#include <kernel/preempt.h>
#include <kernel/printk.h>
#include <kernel/resource.h>
#include <kernel/sched.h>
#include <kernel/sched/cputime.h>
#include <kernel/sched/signal.h>
#include <kernel/sched/task.h>
#include <kernel/sched/stat.h>
#include <kernel/signal.h>
#include <kernel/syscalls.h>
#include <kernel/cred.h>
#include <kernel/wait.h>
#include <fs/fdtable.h>
#include <fs/fs_struct.h>
#include <mm/mm.h>
#include <uapi/asm-generic/errno-base.h>
#include <uapi/asm-generic/signal.h>
#include <uapi/linux/resource.h>
#include <uapi/linux/wait.h>

#include <lib/container_of.h>
#include <uapi/linux/fcntl.h>

void exit_mm(); /* kernel/fork.cc */
void put_signal_struct(struct signal_struct* sig);

namespace
{
bool thread_group_empty(const struct task_struct* p) NO_THREAD_SAFETY_ANALYSIS
{
	return p->signal->nr_threads == 1;
}

/* a leader whose threads still run: not reaped yet */
bool delay_group_leader(const struct task_struct* p)
{
	return thread_group_leader(p) && !thread_group_empty(p);
}

bool is_global_init(const struct task_struct* p)
{
	return p->tgid == 1 && !(p->flags & PF_KTHREAD);
}

/* init, the reaper of last resort (Linux: the pid namespace's
 * child_reaper); found once */
struct task_struct* child_reaper_cache;

struct task_struct* find_alive_thread(struct task_struct* p) REQUIRES(tasklist_lock)
{
	struct task_struct* t;
	for_each_thread(p, t)
		if (!(t->flags & PF_EXITING))
			return t;
	return nullptr;
}

struct task_struct* find_child_reaper(struct task_struct* father) REQUIRES(tasklist_lock)
{
	struct task_struct* reaper = child_reaper_cache;
	if (!reaper || reaper->exit_state) {
		reaper = find_task_by_vpid(1);
		if (!reaper)
			reaper = &init_task;
		child_reaper_cache = reaper;
	}
	if (reaper->tgid != father->tgid)
		return reaper;
	/* init's thread exits: another of init's threads reaps */
	if (struct task_struct* t = find_alive_thread(father)) {
		child_reaper_cache = t;
		return t;
	}
	return father;
}

/* a live thread of father's group, else the nearest subreaper ancestor,
 * else init (Linux: find_new_reaper) */
struct task_struct* find_new_reaper(struct task_struct* father, struct task_struct* child_reaper)
    REQUIRES(tasklist_lock)
{
	if (struct task_struct* thread = find_alive_thread(father))
		return thread;
	if (father->signal->has_child_subreaper) {
		for (struct task_struct* reaper = father->real_parent; reaper != &init_task;
		     reaper = reaper->real_parent) {
			if (reaper == child_reaper)
				break;
			if (!reaper->signal->is_child_subreaper)
				continue;
			if (struct task_struct* thread = find_alive_thread(reaper))
				return thread;
		}
	}
	return child_reaper;
}

/* the process groups to signal once tasklist_lock is dropped */
struct orphaned_pgrps {
	pid_t pgrp[8];
	int n = 0;
	void add(pid_t pg)
	{
		for (int i = 0; i < n; i++)
			if (pgrp[i] == pg)
				return;
		if (n < 8)
			pgrp[n++] = pg;
		else
			pr_warn_once("exit: more than 8 orphaned process groups at once; some get no SIGHUP\n");
	}
	void kill()
	{
		for (int i = 0; i < n; i++) {
			(void)kill_pgrp(pgrp[i], SIGHUP, 1);
			(void)kill_pgrp(pgrp[i], SIGCONT, 1);
		}
	}
};

/* would pgrp have no member with a parent in another group of the same
 * session, not counting ignored (Linux: will_become_orphaned_pgrp) */
bool will_become_orphaned_pgrp(pid_t pgrp, struct task_struct* ignored) REQUIRES(tasklist_lock)
{
	struct task_struct* p;
	for_each_process(p) {
		if (p->signal->pgrp != pgrp)
			continue;
		if (p == ignored || (p->exit_state && thread_group_empty(p)) || is_global_init(p->real_parent))
			continue;
		if (p->real_parent->signal->pgrp != pgrp && p->real_parent->signal->session == p->signal->session)
			return false;
	}
	return true;
}

bool has_stopped_jobs(pid_t pgrp) REQUIRES(tasklist_lock)
{
	struct task_struct* p;
	for_each_process(p)
		if (p->signal->pgrp == pgrp && (p->signal->flags & SIGNAL_STOP_STOPPED))
			return true;
	return false;
}

/* POSIX: a process group orphaned by this exit (parent == NULL) or by
 * reparenting tsk, the child of parent, with stopped members gets SIGHUP
 * and SIGCONT (Linux: kill_orphaned_pgrp) */
void kill_orphaned_pgrp(struct task_struct* tsk, struct task_struct* parent, orphaned_pgrps& out)
    REQUIRES(tasklist_lock)
{
	pid_t pgrp = tsk->signal->pgrp;
	struct task_struct* ignored_task = tsk;
	if (!parent)
		parent = tsk->real_parent; /* exit: our father is in another group */
	else
		ignored_task = nullptr; /* reparent: our child is in another group */
	if (parent->signal->pgrp != pgrp && parent->signal->session == tsk->signal->session &&
	    will_become_orphaned_pgrp(pgrp, ignored_task) && has_stopped_jobs(pgrp))
		out.add(pgrp);
}

/* the parent is told, and says whether to reap now: do_notify_parent's
 * answer, or yes when the parent is a kernel thread (Linux's kthreadd
 * and kernel threads ignore SIGCHLD) */
bool notify_parent(struct task_struct* tsk, int sig) REQUIRES(tasklist_lock)
{
	bool autoreap = do_notify_parent(tsk, sig);
	return autoreap || (tsk->parent->flags & PF_KTHREAD);
}

void reparent_leader(struct task_struct* father, struct task_struct* p, lib::list_head* dead, orphaned_pgrps& out)
    REQUIRES(tasklist_lock)
{
	if (p->exit_state == EXIT_DEAD)
		return;
	p->exit_signal = SIGCHLD; /* nobody slays init with another signal */
	/* a zombie already: tell the new parent */
	if (p->exit_state == EXIT_ZOMBIE && thread_group_empty(p)) {
		if (notify_parent(p, p->exit_signal)) {
			p->exit_state = EXIT_DEAD;
			dead->add(&p->ptrace_entry);
		}
	}
	kill_orphaned_pgrp(p, father, out);
}

void forget_original_parent(struct task_struct* father, lib::list_head* dead, orphaned_pgrps& out)
    REQUIRES(tasklist_lock)
{
	struct task_struct* reaper = find_child_reaper(father);
	if (father->children.empty())
		return;
	reaper = find_new_reaper(father, reaper);
	struct task_struct* p;
	list_for_each_entry(p, &father->children, sibling) {
		struct task_struct* t;
		for_each_thread(p, t) {
			t->real_parent = reaper;
			t->parent = reaper;
			if (t->pdeath_signal)
				(void)group_send_sig_info(t->pdeath_signal, nullptr, t);
		}
		/* a thread of the same group taking over needs no notification */
		if (reaper->tgid != father->tgid)
			reparent_leader(father, p, dead, out);
	}
	/* list_splice_tail_init */
	while (!father->children.empty()) {
		lib::list_head* e = father->children.next;
		e->del();
		reaper->children.add_tail(e);
	}
}

/* release the tasks exit_notify found dead; the list is the caller's
 * own, so its links need no tasklist_lock (Linux: the same loop) */
void release_dead(lib::list_head* dead) NO_THREAD_SAFETY_ANALYSIS
{
	while (!dead->empty()) {
		struct task_struct* p = list_entry(dead->next, struct task_struct, ptrace_entry);
		p->ptrace_entry.del_init();
		WARN_ON(release_task(p).is_err());
	}
}

void exit_notify(struct task_struct* tsk, bool group_dead)
{
	lib::list_head dead;
	dead.init();
	orphaned_pgrps orphans;
	{
		lib::spin_lock_irqsave_guard g(tasklist_lock);
		/* a tracee leaves its tracer, a tracer lets its tracees go
		 * (kernel/ptrace.cc; Linux reports the tracee's exit to the
		 * tracer first) */
		if (tsk->ptrace)
			__ptrace_unlink(tsk);
		exit_ptrace(tsk);
		forget_original_parent(tsk, &dead, orphans);
		if (group_dead)
			kill_orphaned_pgrp(tsk->group_leader, nullptr, orphans);
		bool autoreap;
		tsk->exit_state = EXIT_ZOMBIE;
		if (thread_group_leader(tsk))
			autoreap = thread_group_empty(tsk) && notify_parent(tsk, tsk->exit_signal);
		else
			autoreap = true;
		if (autoreap) {
			tsk->exit_state = EXIT_DEAD;
			dead.add(&tsk->ptrace_entry);
		}
		/* an exec in another thread waits for the leader (de_thread) */
		if (tsk->signal->notify_count < 0 && tsk->signal->group_exec_task)
			wake_up_process(tsk->signal->group_exec_task);
	}
	release_dead(&dead);
	orphans.kill();
}

/* p leaves its lists (Linux: __unhash_process) */
void __unhash_process(struct task_struct* p, bool group_dead) REQUIRES(tasklist_lock)
{
	nr_threads--;
	free_pid(p->pid);
	if (group_dead) {
		p->tasks.del();
		p->sibling.del();
	}
	p->thread_node.del();
}

/* fold the dead thread into its group's signal_struct and unhash it
 * (Linux: __exit_signal) */
void __exit_signal(struct task_struct* tsk) REQUIRES(tasklist_lock)
{
	struct signal_struct* sig = tsk->signal;
	bool group_dead = thread_group_leader(tsk);
	struct sighand_struct* sighand = tsk->sighand;
	{
		lib::spin_lock_guard g(sighand->siglock);
		if (group_dead) {
			sig->tty = nullptr; /* the tty issue drops its reference */
		} else {
			/* de_thread waits for the other threads to go */
			if (sig->notify_count > 0 && !--sig->notify_count && sig->group_exec_task)
				wake_up_process(sig->group_exec_task);
			if (tsk == sig->curr_target)
				sig->curr_target = next_thread(tsk);
		}
		sig->utime += tsk->utime;
		sig->stime += tsk->stime;
		sig->min_flt += tsk->min_flt;
		sig->maj_flt += tsk->maj_flt;
		sig->nvcsw += tsk->nvcsw;
		sig->nivcsw += tsk->nivcsw;
		sig->sum_sched_runtime += tsk->se.sum_exec_runtime;
		sig->nr_threads--;
		__unhash_process(tsk, group_dead);
		flush_sigqueue(&tsk->pending);
		tsk->sighand = nullptr;
	}
	__cleanup_sighand(sighand);
	clear_tsk_thread_flag(tsk, TIF_SIGPENDING);
	if (group_dead)
		flush_sigqueue(&sig->shared_pending);
}
} // namespace

lib::Result<void> release_task(struct task_struct* p)
{
	if (p == &init_task || is_idle_task(p))
		return lib::Error{EINVAL};
	for (;;) {
		struct task_struct* leader;
		bool zap_leader = false;
		{
			lib::spin_lock_irqsave_guard g(tasklist_lock);
			if (!p->children.empty() || delay_group_leader(p))
				return lib::Error{EBUSY}; /* a caller's bug: children are reparented at exit */
			__exit_signal(p);
			p->exit_state = EXIT_DEAD;
			/* the last thread of a zombie leader: its parent hears now */
			leader = p->group_leader;
			if (leader != p && thread_group_empty(leader) && leader->exit_state == EXIT_ZOMBIE) {
				zap_leader = notify_parent(leader, leader->exit_signal);
				if (zap_leader)
					leader->exit_state = EXIT_DEAD;
			}
		}
		struct signal_struct* sig = p->signal;
		sig->live.fetch_sub(p->__state == TASK_NEW ? 1 : 0); /* one that never ran never left it */
		put_signal_struct(sig);
		/* a task that ran gave these up in do_exit; one that never ran
		 * (the fork tests) still holds them */
		exit_files(p);
		exit_fs(p);
		if (p->__state == TASK_NEW) /* never ran: no last switch will put its reference */
			put_task_struct_rcu_user(p);
		put_task_struct_rcu_user(p);
		if (!zap_leader)
			return lib::ok();
		p = leader;
	}
}

std::atomic<int> nr_dying_tasks;

void do_exit(long code)
{
	struct task_struct* tsk = current;
	if (tsk->flags & PF_EXITING) {
		/* an oops in the exit path: do not run it twice (Linux) */
		pr_alert("Fixing recursive fault but reboot is needed!\n");
		tsk->exit_state = EXIT_DEAD;
		tsk->rcu_users.fetch_add(1); /* nobody will release it */
		do_task_dead();
	}
	ptrace_event(PTRACE_EVENT_EXIT, (unsigned long)code); /* TRACEEXIT's stop */
	nr_dying_tasks.fetch_add(1); /* until its last switch (finish_task_switch) */
	exit_signals(tsk);            /* no more signals for it */
	tsk->flags |= PF_EXITING;
	bool group_dead = tsk->signal->live.fetch_sub(1) == 1;
	if (group_dead && is_global_init(tsk))
		panic("Attempted to kill init! exitcode=0x%08x",
		      unsigned(tsk->signal->group_exit_code ? tsk->signal->group_exit_code : int(code)));
	tsk->exit_code = int(code);
	if (group_dead)
		exit_itimers(tsk); /* alarm, setitimer, timer_create (kernel/time/itimer.cc) */
	exit_mm();
	exit_files(tsk); /* close what it had open */
	exit_fs(tsk);    /* drop root and cwd */
	fpu__drop(tsk);  /* exit_thread */
	exit_notify(tsk, group_dead);
	do_task_dead();
}

void do_group_exit(int exit_code)
{
	struct task_struct* me = current;
	struct signal_struct* sig = me->signal;
	if (sig->flags & SIGNAL_GROUP_EXIT) {
		exit_code = sig->group_exit_code;
	} else if (sig->group_exec_task) {
		exit_code = 0;
	} else {
		lib::spin_lock_irqsave_guard g(me->sighand->siglock);
		if (sig->flags & SIGNAL_GROUP_EXIT) { /* another thread got here first */
			exit_code = sig->group_exit_code;
		} else if (sig->group_exec_task) {
			exit_code = 0;
		} else {
			sig->group_exit_code = exit_code;
			sig->flags = SIGNAL_GROUP_EXIT;
			zap_other_threads(me);
		}
	}
	do_exit(exit_code);
}

SYSCALL_DEFINE1(exit, int, error_code)
{
	do_exit((error_code & 0xff) << 8);
}

SYSCALL_DEFINE1(exit_group, int, error_code)
{
	do_group_exit((error_code & 0xff) << 8);
}

/* ================================================================
 * wait4 and waitid
 * ================================================================ */
namespace
{

struct waitid_info {
	pid_t pid;
	unsigned int uid;
	int status;
	int cause;
};

struct wait_opts {
	enum pid_type wo_type;
	int wo_flags;
	pid_t wo_pid;
	struct waitid_info* wo_info;
	int wo_stat;
	struct rusage* wo_rusage;
	struct wait_queue_entry child_wait;
	int notask_error;
	unsigned long irqflags; /* tasklist_lock's saved interrupt state */
};

bool eligible_pid(const struct wait_opts* wo, const struct task_struct* p)
{
	switch (wo->wo_type) {
	case PIDTYPE_MAX:
		return true;
	case PIDTYPE_PGID:
		return p->signal->pgrp == wo->wo_pid;
	default:
		return p->pid == wo->wo_pid;
	}
}

bool eligible_child(const struct wait_opts* wo, bool ptrace, const struct task_struct* p)
{
	if (!eligible_pid(wo, p))
		return false;
	/* every child with __WALL, and every tracee of ours */
	if (ptrace || (wo->wo_flags & __WALL))
		return true;
	/* clone children (exit signal not SIGCHLD) only with __WCLONE, the
	 * others only without */
	if ((p->exit_signal != SIGCHLD) ^ !!(wo->wo_flags & __WCLONE))
		return false;
	return true;
}

unsigned int task_uid(const struct task_struct* p)
{
	return __kuid_val(p->real_cred->uid);
}

void wo_unlock(struct wait_opts* wo) NO_THREAD_SAFETY_ANALYSIS
{
	tasklist_lock.unlock_irqrestore(wo->irqflags);
}

int status_of(const struct task_struct* p)
{
	return (p->signal->flags & SIGNAL_GROUP_EXIT) ? p->signal->group_exit_code : p->exit_code;
}

/* a zombie: report it and, unless WNOWAIT, reap it.  Called with
 * tasklist_lock held; drops it when it returns non-zero */
pid_t wait_task_zombie(struct wait_opts* wo, struct task_struct* p) NO_THREAD_SAFETY_ANALYSIS
{
	if (!(wo->wo_flags & WEXITED))
		return 0;
	pid_t pid = task_pid_nr(p);
	unsigned int uid = task_uid(p);
	int status;
	if (wo->wo_flags & WNOWAIT) {
		status = status_of(p);
		get_task_struct(p);
		wo_unlock(wo);
		if (wo->wo_rusage)
			getrusage(p, RUSAGE_BOTH, wo->wo_rusage);
		put_task_struct(p);
	} else {
		int expected = EXIT_ZOMBIE;
		if (!__atomic_compare_exchange_n(&p->exit_state, &expected, EXIT_DEAD, false, __ATOMIC_ACQ_REL,
		                                 __ATOMIC_RELAXED))
			return 0;
		/* ours: nobody else can reap it */
		if (thread_group_leader(p)) {
			struct signal_struct* sig = p->signal;
			struct signal_struct* psig = current->signal;
			/* the group's user/system split as shown (Linux:
			 * thread_group_cputime_adjusted; every thread but the
			 * leader is already in sig's sums) */
			uint64_t tgutime, tgstime;
			cputime_adjust(p->se.sum_exec_runtime + sig->sum_sched_runtime, p->utime + sig->utime,
			               p->stime + sig->stime, &sig->prev_cputime, &tgutime, &tgstime);
			lib::spin_lock_guard g(current->sighand->siglock);
			psig->cutime += tgutime + sig->cutime;
			psig->cstime += tgstime + sig->cstime;
			psig->cmin_flt += p->min_flt + sig->min_flt + sig->cmin_flt;
			psig->cmaj_flt += p->maj_flt + sig->maj_flt + sig->cmaj_flt;
			psig->cnvcsw += p->nvcsw + sig->nvcsw + sig->cnvcsw;
			psig->cnivcsw += p->nivcsw + sig->nivcsw + sig->cnivcsw;
			unsigned long maxrss = sig->maxrss > sig->cmaxrss ? sig->maxrss : sig->cmaxrss;
			if (psig->cmaxrss < maxrss)
				psig->cmaxrss = maxrss;
		}
		wo_unlock(wo);
		if (wo->wo_rusage)
			getrusage(p, RUSAGE_BOTH, wo->wo_rusage);
		status = status_of(p);
		wo->wo_stat = status;
		WARN_ON(release_task(p).is_err());
	}
	if (struct waitid_info* infop = wo->wo_info) {
		if ((status & 0x7f) == 0) {
			infop->cause = CLD_EXITED;
			infop->status = status >> 8;
		} else {
			infop->cause = (status & 0x80) ? CLD_DUMPED : CLD_KILLED;
			infop->status = status & 0x7f;
		}
		infop->pid = pid;
		infop->uid = uid;
	}
	return pid;
}

/* a stopped child not yet reported (group_exit_code holds the stop
 * signal until a wait takes it; a tracee's ptrace-stop is in its
 * exit_code) (Linux: wait_task_stopped with task_stopped_code) */
pid_t wait_task_stopped(struct wait_opts* wo, bool ptrace, struct task_struct* p) NO_THREAD_SAFETY_ANALYSIS
{
	/* a tracer sees ptrace-stops without WUNTRACED */
	if (ptrace) {
		if (!task_is_traced(p) || (p->jobctl & JOBCTL_LISTENING))
			return 0;
	} else {
		if (!(wo->wo_flags & WUNTRACED))
			return 0;
		if (!(p->signal->flags & SIGNAL_STOP_STOPPED))
			return 0;
	}
	int exit_code = 0;
	unsigned int uid = 0;
	{
		lib::spin_lock_guard g(p->sighand->siglock);
		int* code = nullptr; /* where the stop is kept (task_stopped_code) */
		if (ptrace) {
			if (task_is_traced(p) && !(p->jobctl & JOBCTL_LISTENING))
				code = &p->exit_code;
		} else if (p->signal->flags & SIGNAL_STOP_STOPPED) {
			code = &p->signal->group_exit_code;
		}
		if (code) {
			exit_code = *code;
			if (exit_code && !(wo->wo_flags & WNOWAIT))
				*code = 0;
			uid = task_uid(p);
		}
	}
	if (!exit_code)
		return 0;
	get_task_struct(p);
	pid_t pid = task_pid_nr(p);
	wo_unlock(wo);
	if (wo->wo_rusage)
		getrusage(p, RUSAGE_BOTH, wo->wo_rusage);
	put_task_struct(p);
	if (!(wo->wo_flags & WNOWAIT))
		wo->wo_stat = (exit_code << 8) | 0x7f;
	if (struct waitid_info* infop = wo->wo_info) {
		infop->cause = ptrace ? CLD_TRAPPED : CLD_STOPPED;
		infop->status = exit_code;
		infop->pid = pid;
		infop->uid = uid;
	}
	return pid;
}

/* a child continued by SIGCONT since the last look (Linux:
 * wait_task_continued) */
pid_t wait_task_continued(struct wait_opts* wo, struct task_struct* p) NO_THREAD_SAFETY_ANALYSIS
{
	if (!(wo->wo_flags & WCONTINUED))
		return 0;
	if (!(p->signal->flags & SIGNAL_STOP_CONTINUED))
		return 0;
	unsigned int uid;
	{
		lib::spin_lock_guard g(p->sighand->siglock);
		if (!(p->signal->flags & SIGNAL_STOP_CONTINUED))
			return 0;
		if (!(wo->wo_flags & WNOWAIT))
			p->signal->flags &= ~SIGNAL_STOP_CONTINUED;
		uid = task_uid(p);
	}
	pid_t pid = task_pid_nr(p);
	get_task_struct(p);
	wo_unlock(wo);
	if (wo->wo_rusage)
		getrusage(p, RUSAGE_BOTH, wo->wo_rusage);
	put_task_struct(p);
	if (struct waitid_info* infop = wo->wo_info) {
		infop->cause = CLD_CONTINUED;
		infop->pid = pid;
		infop->uid = uid;
		infop->status = SIGCONT;
	} else {
		wo->wo_stat = 0xffff;
	}
	return pid;
}

/* non-zero (a pid) when it reported p, with tasklist_lock dropped */
pid_t wait_consider_task(struct wait_opts* wo, bool ptrace, struct task_struct* p) NO_THREAD_SAFETY_ANALYSIS
{
	int exit_state = __atomic_load_n(&p->exit_state, __ATOMIC_ACQUIRE);
	if (exit_state == EXIT_DEAD)
		return 0;
	/* a child we trace ourselves is waited for as a tracee */
	if (!ptrace && p->ptrace && !ptrace_reparented(p))
		ptrace = true;
	if (!eligible_child(wo, ptrace, p))
		return 0;
	if (exit_state == EXIT_ZOMBIE) {
		/* a leader with threads is not reaped before them */
		if (!delay_group_leader(p))
			return wait_task_zombie(wo, p);
		if (wo->wo_flags & (WCONTINUED | WEXITED))
			wo->notask_error = 0;
	} else {
		wo->notask_error = 0;
	}
	if (pid_t r = wait_task_stopped(wo, ptrace, p))
		return r;
	return wait_task_continued(wo, p);
}

/* the tracees of tsk (Linux: ptrace_do_wait) */
pid_t ptrace_do_wait(struct wait_opts* wo, struct task_struct* tsk) NO_THREAD_SAFETY_ANALYSIS
{
	struct task_struct* p;
	list_for_each_entry(p, &tsk->ptraced, ptrace_entry) {
		if (pid_t r = wait_consider_task(wo, true, p))
			return r;
	}
	return 0;
}

pid_t do_wait_thread(struct wait_opts* wo, struct task_struct* tsk) NO_THREAD_SAFETY_ANALYSIS
{
	struct task_struct* p;
	list_for_each_entry(p, &tsk->children, sibling) {
		if (pid_t r = wait_consider_task(wo, false, p))
			return r;
	}
	return 0;
}

int child_wait_callback(struct wait_queue_entry* wait, unsigned mode, int sync, void* key)
{
	struct wait_opts* wo = container_of(wait, struct wait_opts, child_wait);
	auto* p = static_cast<struct task_struct*>(key);
	if (p) {
		if (!eligible_pid(wo, p))
			return 0;
		if ((wo->wo_flags & __WNOTHREAD) && wait->private_ != p->parent)
			return 0;
	}
	return default_wake_function(wait, mode, sync, nullptr);
}

lib::Result<pid_t> do_wait(struct wait_opts* wo) NO_THREAD_SAFETY_ANALYSIS
{
	struct task_struct* me = current;
	wo->child_wait.flags = 0;
	wo->child_wait.private_ = me;
	wo->child_wait.func = child_wait_callback;
	wo->child_wait.entry.init();
	add_wait_queue(&me->signal->wait_chldexit, &wo->child_wait);
	lib::Result<pid_t> ret = 0;
	for (;;) {
		wo->notask_error = -ECHILD;
		set_current_state(TASK_INTERRUPTIBLE);
		wo->irqflags = arch_local_irq_save();
		tasklist_lock.lock();
		pid_t r = 0;
		struct task_struct* tsk = me;
		do {
			r = do_wait_thread(wo, tsk);
			if (r)
				break;
			r = ptrace_do_wait(wo, tsk);
			if (r)
				break;
			if (wo->wo_flags & __WNOTHREAD)
				break;
		} while ((tsk = next_thread(tsk)) != me);
		if (r) { /* the lock was dropped by whoever reported */
			ret = r;
			break;
		}
		wo_unlock(wo);
		if (wo->notask_error) {
			ret = lib::Error{-wo->notask_error};
			break;
		}
		if (wo->wo_flags & WNOHANG) {
			ret = 0;
			break;
		}
		if (signal_pending(me)) {
			ret = lib::Error{ERESTARTSYS};
			break;
		}
		schedule();
	}
	__set_current_state(TASK_RUNNING);
	remove_wait_queue(&me->signal->wait_chldexit, &wo->child_wait);
	return ret;
}

lib::Result<long> kernel_wait4(pid_t upid, user_ptr<int> stat_addr, int options, struct rusage* ru)
{
	if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD | __WCLONE | __WALL))
		return lib::Error{EINVAL};
	if (upid == int(0x80000000u)) /* INT_MIN: -INT_MIN is not defined */
		return lib::Error{ESRCH};
	struct wait_opts wo = {};
	if (upid == -1) {
		wo.wo_type = PIDTYPE_MAX;
	} else if (upid < 0) {
		wo.wo_type = PIDTYPE_PGID;
		wo.wo_pid = -upid;
	} else if (upid == 0) {
		wo.wo_type = PIDTYPE_PGID;
		lib::spin_lock_irqsave_guard g(tasklist_lock);
		wo.wo_pid = current->signal->pgrp;
	} else {
		wo.wo_type = PIDTYPE_PID;
		wo.wo_pid = upid;
	}
	wo.wo_flags = options | WEXITED;
	wo.wo_rusage = ru;
	pid_t ret = TRY(do_wait(&wo));
	if (ret > 0 && stat_addr && put_user(wo.wo_stat, stat_addr).is_err())
		return lib::Error{EFAULT};
	return ret;
}
} // namespace

/* the pid a pidfd refers to (kernel/pid.cc); EBADF, EINVAL */
lib::Result<pid_t> pidfd_get_pid(unsigned int fd, unsigned int* flags);

SYSCALL_DEFINE4(wait4, pid_t, upid, user_ptr<int>, stat_addr, int, options, user_ptr<struct rusage>, ru)
{
	struct rusage r;
	long err = TRY(kernel_wait4(upid, stat_addr, options, ru ? &r : nullptr));
	if (err > 0 && ru && copy_to_user(ru, &r, sizeof(r)))
		return lib::Error{EFAULT};
	return err;
}

SYSCALL_DEFINE5(waitid, int, which, pid_t, upid, user_ptr<void>, infop, int, options, user_ptr<struct rusage>, ru)
{
	if (options & ~(WNOHANG | WNOWAIT | WEXITED | WSTOPPED | WCONTINUED | __WNOTHREAD | __WCLONE | __WALL))
		return lib::Error{EINVAL};
	if (!(options & (WEXITED | WSTOPPED | WCONTINUED)))
		return lib::Error{EINVAL};
	struct wait_opts wo = {};
	switch (which) {
	case P_ALL:
		wo.wo_type = PIDTYPE_MAX;
		break;
	case P_PID:
		if (upid <= 0)
			return lib::Error{EINVAL};
		wo.wo_type = PIDTYPE_PID;
		wo.wo_pid = upid;
		break;
	case P_PGID:
		if (upid < 0)
			return lib::Error{EINVAL};
		wo.wo_type = PIDTYPE_PGID;
		if (upid) {
			wo.wo_pid = upid;
		} else {
			lib::spin_lock_irqsave_guard g(tasklist_lock);
			wo.wo_pid = current->signal->pgrp;
		}
		break;
	case P_PIDFD: {
		if (upid < 0)
			return lib::Error{EINVAL};
		unsigned int f_flags = 0;
		wo.wo_type = PIDTYPE_PID;
		wo.wo_pid = TRY(pidfd_get_pid(unsigned(upid), &f_flags));
		if (f_flags & O_NONBLOCK)
			options |= WNOHANG;
		break;
	}
	default:
		return lib::Error{EINVAL};
	}
	struct waitid_info info = {};
	struct rusage r;
	wo.wo_info = &info;
	wo.wo_flags = options;
	wo.wo_rusage = ru ? &r : nullptr;
	long err = TRY(do_wait(&wo));
	int signo = 0;
	if (err > 0) {
		signo = SIGCHLD;
		err = 0;
		if (ru && copy_to_user(ru, &r, sizeof(r)))
			return lib::Error{EFAULT};
	}
	if (!infop)
		return err;
	/* the fields of siginfo_t's _sigchld that Linux writes, at its offsets */
	uintptr_t a = infop.addr();
	bool fault = put_user(signo, user_ptr<int>(a + 0)).is_err();
	fault |= put_user(0, user_ptr<int>(a + 4)).is_err();           /* si_errno */
	fault |= put_user(info.cause, user_ptr<int>(a + 8)).is_err();  /* si_code */
	fault |= put_user(info.pid, user_ptr<int>(a + 16)).is_err();   /* si_pid */
	fault |= put_user(info.uid, user_ptr<unsigned int>(a + 20)).is_err(); /* si_uid */
	fault |= put_user(info.status, user_ptr<int>(a + 24)).is_err(); /* si_status */
	if (fault)
		return lib::Error{EFAULT};
	return err;
}
