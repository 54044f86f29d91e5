/*
 * Signals: sending, queueing, job control and delivery on the way back to
 * user mode, and the signal system calls (Linux: kernel/signal.c).
 *
 * Data structures (Linux's): a thread's pending set (task_struct.pending)
 * and its group's (signal_struct.shared_pending), each a bit set plus a
 * list of struct sigqueue carrying the siginfo.  Standard signals
 * (< SIGRTMIN) are coalesced: a second one while the first is pending is
 * dropped (legacy_queue); real-time ones queue one sigqueue per send, up
 * to RLIMIT_SIGPENDING per user (the target's real uid; a small table of
 * per-uid atomic counts stands in for Linux's ucounts).  The handlers are
 * sighand_struct.action[]; blocked is the thread's mask.
 *
 * Sending (send_signal_locked): prepare_signal (SIGCONT flushes the stop
 * signals and resumes a stopped group, a stop signal flushes SIGCONT;
 * ignored signals go no further), queue, complete_signal (choose a
 * thread that wants it; a fatal signal marks SIGNAL_GROUP_EXIT and sends
 * SIGKILL to every thread), signal_wake_up.
 *
 * Delivery (get_signal, from arch_do_signal_or_restart on every exit to
 * user mode with TIF_SIGPENDING): synchronous signals first, then the
 * thread's, then the group's; SIG_IGN skipped; a handler returned to the
 * arch code, which builds the frame; default actions taken here: ignore,
 * stop (do_signal_stop: the group stop, CLD_STOPPED to the parent),
 * terminate and core (do_group_exit; no core is dumped, so the status has
 * no 0x80, as Linux with RLIMIT_CORE 0).  init (SIGNAL_UNKILLABLE) takes
 * only the signals it handles.
 *
 * Invariants: pending sets, queues, blocked masks, jobctl and the group's
 * stop/exit state change under sighand->siglock (irqsave: timers send from
 * softirq context).  TIF_SIGPENDING is set whenever a signal is pending and
 * not blocked (recalc_sigpending); it may be set spuriously, never missing.
 * A sigqueue is on at most one list.
 *
 * Lock order: tasklist_lock -> sighand->siglock -> wait-queue locks ->
 * p->pi_lock -> rq->lock (<kernel/lock_order.h>); the per-uid count table's
 * lock (taken only to claim a slot) is a leaf.
 */
#include <arch/ptrace.h>
#include <atomic>
#include <kernel/capability.h>
#include <kernel/cred.h>
#include <kernel/entry-common.h>
#include <kernel/exit.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/restart.h>
#include <kernel/sched.h>
#include <kernel/sched/jobctl.h>
#include <kernel/ptrace.h>
#include <kernel/sched/signal.h>
#include <kernel/sched/task.h>
#include <kernel/sched/task_stack.h>
#include <kernel/signal.h>
#include <kernel/syscalls.h>
#include <kernel/time.h>
#include <kernel/wait.h>
#include <lib/string.h>
#include <mm/page_alloc.h>
#include <mm/slab.h>
#include <uapi/asm-generic/errno-base.h>
#include <uapi/asm-generic/errno.h>
#include <uapi/linux/time.h>

#define SEND_SIG_NOINFO ((struct kernel_siginfo*)0)
#define SEND_SIG_PRIV ((struct kernel_siginfo*)1)

namespace
{
struct kmem_cache* sigqueue_cachep;

constexpr unsigned long sigmask(int sig)
{
	return 1UL << (sig - 1);
}
constexpr unsigned long SIG_KERNEL_ONLY_MASK = sigmask(SIGKILL) | sigmask(SIGSTOP);
constexpr unsigned long SIG_KERNEL_STOP_MASK = sigmask(SIGSTOP) | sigmask(SIGTSTP) | sigmask(SIGTTIN) | sigmask(SIGTTOU);
constexpr unsigned long SIG_KERNEL_COREDUMP_MASK = sigmask(SIGQUIT) | sigmask(SIGILL) | sigmask(SIGTRAP) |
                                                   sigmask(SIGABRT) | sigmask(SIGFPE) | sigmask(SIGSEGV) |
                                                   sigmask(SIGBUS) | sigmask(SIGSYS) | sigmask(SIGXCPU) |
                                                   sigmask(SIGXFSZ);
constexpr unsigned long SIG_KERNEL_IGNORE_MASK =
    sigmask(SIGCONT) | sigmask(SIGCHLD) | sigmask(SIGWINCH) | sigmask(SIGURG);
constexpr unsigned long SYNCHRONOUS_MASK =
    sigmask(SIGSEGV) | sigmask(SIGBUS) | sigmask(SIGILL) | sigmask(SIGTRAP) | sigmask(SIGFPE) | sigmask(SIGSYS);

bool siginmask(int sig, unsigned long mask)
{
	return sig < SIGRTMIN && (sigmask(sig) & mask);
}
bool sig_kernel_only(int sig)
{
	return siginmask(sig, SIG_KERNEL_ONLY_MASK);
}
bool sig_kernel_stop(int sig)
{
	return siginmask(sig, SIG_KERNEL_STOP_MASK);
}
bool sig_kernel_coredump(int sig)
{
	return siginmask(sig, SIG_KERNEL_COREDUMP_MASK);
}
bool sig_kernel_ignore(int sig)
{
	return siginmask(sig, SIG_KERNEL_IGNORE_MASK);
}
bool sigismember(const sigset_t* s, int sig)
{
	return s->sig[0] & sigmask(sig);
}
void sigaddset(sigset_t* s, int sig)
{
	s->sig[0] |= sigmask(sig);
}
void sigdelset(sigset_t* s, int sig)
{
	s->sig[0] &= ~sigmask(sig);
}
bool valid_signal(unsigned long sig)
{
	return sig <= _NSIG;
}
bool is_si_special(const struct kernel_siginfo* info)
{
	return info <= SEND_SIG_PRIV;
}
bool si_fromuser(const struct kernel_siginfo* info)
{
	return info == SEND_SIG_NOINFO || (!is_si_special(info) && info->si_code <= 0);
}

/* irqsave lock/unlock of a sighand's siglock, for the paths that drop it
 * in the middle (do_signal_stop) */
unsigned long lock_siglock(struct sighand_struct* sh) NO_THREAD_SAFETY_ANALYSIS
{
	unsigned long f = arch_local_irq_save();
	sh->siglock.lock();
	return f;
}
void unlock_siglock(struct sighand_struct* sh, unsigned long f) NO_THREAD_SAFETY_ANALYSIS
{
	sh->siglock.unlock_irqrestore(f);
}

/* ---- RLIMIT_SIGPENDING: queued signals per user (Linux: ucounts) ----
 * A slot per user seen, never given back (the table is small: a 65th
 * user's signals are queued without their siginfo, as on a full queue);
 * the slot is claimed under uid_counts_lock, the count is atomic. */
struct uid_count {
	unsigned int uid;
	std::atomic<bool> used;
	std::atomic<long> count;
};
constexpr int NR_UID_COUNTS = 64;
uid_count uid_counts[NR_UID_COUNTS];
lib::spinlock uid_counts_lock;
std::atomic<int> uid_count_last; /* the slot found last: most signals are one user's */

std::atomic<long>* uid_count_slot(unsigned int uid)
{
	int last = uid_count_last.load(std::memory_order_relaxed);
	if (uid_counts[last].used.load(std::memory_order_acquire) && uid_counts[last].uid == uid)
		return &uid_counts[last].count;
	for (int i = 0; i < NR_UID_COUNTS; i++) {
		if (!uid_counts[i].used.load(std::memory_order_acquire))
			break; /* slots are claimed in order */
		if (uid_counts[i].uid == uid) {
			uid_count_last.store(i, std::memory_order_relaxed);
			return &uid_counts[i].count;
		}
	}
	lib::spin_lock_irqsave_guard g(uid_counts_lock);
	for (int i = 0; i < NR_UID_COUNTS; i++) {
		if (uid_counts[i].used.load(std::memory_order_relaxed)) {
			if (uid_counts[i].uid == uid)
				return &uid_counts[i].count;
			continue;
		}
		uid_counts[i].uid = uid;
		uid_counts[i].used.store(true, std::memory_order_release);
		uid_count_last.store(i, std::memory_order_relaxed);
		return &uid_counts[i].count;
	}
	return nullptr;
}

unsigned int task_uid(const struct task_struct* t)
{
	/* racy without tasklist_lock, as the charge is only a count */
	return __kuid_val(t->real_cred->uid);
}

struct sigqueue* __sigqueue_alloc(int sig, struct task_struct* t, bool override_rlimit)
{
	(void)sig;
	unsigned int uid = task_uid(t);
	std::atomic<long>* c = uid_count_slot(uid);
	if (!c)
		return nullptr;
	long n = c->fetch_add(1, std::memory_order_relaxed) + 1;
	if (!override_rlimit && (unsigned long)n > task_rlimit(t, RLIMIT_SIGPENDING)) {
		c->fetch_sub(1, std::memory_order_relaxed);
		return nullptr;
	}
	/* the target's cached one first (the sigqueue_cache of Linux's 5.13
	 * merge window, reverted there for a leak at exit): the
	 * caller holds t's siglock, which guards it */
	struct sigqueue* q = sig > 0 ? t->sigqueue_cache : nullptr;
	if (q)
		t->sigqueue_cache = nullptr;
	else
		q = static_cast<struct sigqueue*>(kmem_cache_alloc(sigqueue_cachep, GFP_ATOMIC));
	if (!q) {
		c->fetch_sub(1, std::memory_order_relaxed);
		return nullptr;
	}
	q->list.init();
	q->flags = 0;
	q->uid = uid;
	return q;
}

void __sigqueue_free(struct sigqueue* q)
{
	if (q->flags & SIGQUEUE_PREALLOC)
		return;
	if (std::atomic<long>* c = uid_count_slot(q->uid))
		c->fetch_sub(1, std::memory_order_relaxed);
	kmem_cache_free(sigqueue_cachep, q);
}

/* a dequeued sigqueue: kept as current's cache if that is empty and
 * current is not exiting (exit_signals empties it after PF_EXITING), else
 * freed; hold current's siglock */
void sigqueue_free_current(struct sigqueue* q)
{
	if (q->flags & SIGQUEUE_PREALLOC)
		return;
	struct task_struct* t = current;
	if (t->sigqueue_cache || (t->flags & PF_EXITING)) {
		__sigqueue_free(q);
		return;
	}
	if (std::atomic<long>* c = uid_count_slot(q->uid))
		c->fetch_sub(1, std::memory_order_relaxed);
	t->sigqueue_cache = q;
}

void exit_task_sigqueue_cache(struct task_struct* t)
{
	struct sigqueue* q = t->sigqueue_cache;
	t->sigqueue_cache = nullptr;
	if (q)
		kmem_cache_free(sigqueue_cachep, q);
}

/* drop the signals of mask from a pending set and its queue */
void flush_sigqueue_mask(unsigned long mask, struct sigpending* s)
{
	if (!(s->signal.sig[0] & mask))
		return;
	s->signal.sig[0] &= ~mask;
	if (!s->list.next) /* never initialised: nothing queued */
		return;
	struct sigqueue *q, *n;
	list_for_each_entry_safe(q, n, &s->list, list) {
		if (q->info.si_signo > 0 && (sigmask(q->info.si_signo) & mask)) {
			q->list.del_init();
			__sigqueue_free(q);
		}
	}
}

void ensure_list(struct sigpending* s)
{
	if (!s->list.next)
		s->list.init();
}

void task_clear_jobctl_pending(struct task_struct* task, unsigned long mask)
{
	if (mask & JOBCTL_STOP_PENDING)
		mask |= JOBCTL_STOP_CONSUME | JOBCTL_STOP_DEQUEUED;
	task->jobctl &= ~mask;
}

bool task_set_jobctl_pending(struct task_struct* task, unsigned long mask)
{
	if (task->flags & PF_EXITING)
		return false;
	if (mask & JOBCTL_STOP_SIGMASK)
		task->jobctl &= ~JOBCTL_STOP_SIGMASK;
	task->jobctl |= mask;
	return true;
}

void signal_set_stop_flags(struct signal_struct* sig, unsigned int flags)
{
	sig->flags = (sig->flags & ~SIGNAL_STOP_MASK) | flags;
}

bool task_is_stopped(const struct task_struct* t)
{
	return READ_TASK_STATE(t) & __TASK_STOPPED;
}

bool PENDING(const struct sigpending* p, const sigset_t* blocked)
{
	return p->signal.sig[0] & ~blocked->sig[0];
}

bool recalc_sigpending_tsk(struct task_struct* t)
{
	if ((t->jobctl & JOBCTL_PENDING_MASK) || PENDING(&t->pending, &t->blocked) ||
	    PENDING(&t->signal->shared_pending, &t->blocked)) {
		set_tsk_thread_flag(t, TIF_SIGPENDING);
		return true;
	}
	return false;
}

} // namespace

/* Linux: signal_wake_up_state: TIF_SIGPENDING and a wake-up of an
 * interruptible (or, with resume, a killable/stopped) sleep; ptrace's too */
void signal_wake_up_state(struct task_struct* t, unsigned int state)
{
	set_tsk_thread_flag(t, TIF_SIGPENDING);
	/* current is running: it sees the flag on its way out, or in
	 * schedule() if it is about to sleep (Linux's try_to_wake_up fast
	 * path for p == current) */
	if (t != current)
		wake_up_state(t, state | TASK_INTERRUPTIBLE);
}
namespace
{
void signal_wake_up(struct task_struct* t, bool fatal)
{
	unsigned int state = 0;
	/* a fatal signal also ends a stop, and a ptrace-stop unless the
	 * tracer holds the tracee frozen (Linux 6.1) */
	if (fatal && !(t->jobctl & JOBCTL_PTRACE_FROZEN)) {
		t->jobctl &= ~(JOBCTL_STOPPED | JOBCTL_TRACED);
		state = TASK_WAKEKILL | __TASK_TRACED;
	}
	signal_wake_up_state(t, state);
}

void* sig_handler(struct task_struct* t, int sig)
{
	return (void*)t->sighand->action[sig - 1].sa.sa_handler;
}
bool sig_handler_ignored(void* handler, int sig)
{
	return handler == (void*)SIG_IGN || (handler == (void*)SIG_DFL && sig_kernel_ignore(sig));
}
bool is_global_init(const struct task_struct* t)
{
	return t->tgid == 1;
}

bool sig_task_ignored(struct task_struct* t, int sig, bool force)
{
	void* handler = sig_handler(t, sig);
	if (is_global_init(t) && sig_kernel_only(sig))
		return true;
	if ((t->signal->flags & SIGNAL_UNKILLABLE) && handler == (void*)SIG_DFL && !(force && sig_kernel_only(sig)))
		return true;
	if ((t->flags & PF_KTHREAD) && !force)
		return true; /* kernel threads take only the kernel's signals */
	return sig_handler_ignored(handler, sig);
}

bool sig_ignored(struct task_struct* t, int sig, bool force)
{
	if (sigismember(&t->blocked, sig) || sigismember(&t->real_blocked, sig))
		return false;
	return sig_task_ignored(t, sig, force);
}

/* Linux: prepare_signal.  Hold siglock.  False: drop the signal. */
bool prepare_signal(int sig, struct task_struct* p, bool force) NO_THREAD_SAFETY_ANALYSIS
{
	struct signal_struct* signal = p->signal;
	struct task_struct* t;
	if (signal->flags & SIGNAL_GROUP_EXIT) {
		return false; /* dying: nothing to do */
	} else if (sig_kernel_stop(sig)) {
		/* a stop signal: SIGCONT leaves every queue */
		flush_sigqueue_mask(sigmask(SIGCONT), &signal->shared_pending);
		for_each_thread(p, t)
			flush_sigqueue_mask(sigmask(SIGCONT), &t->pending);
	} else if (sig == SIGCONT) {
		/* the stop signals leave every queue, every thread resumes */
		flush_sigqueue_mask(SIG_KERNEL_STOP_MASK, &signal->shared_pending);
		for_each_thread(p, t) {
			flush_sigqueue_mask(SIG_KERNEL_STOP_MASK, &t->pending);
			task_clear_jobctl_pending(t, JOBCTL_STOP_PENDING);
			t->jobctl &= ~JOBCTL_STOPPED;
			wake_up_state(t, __TASK_STOPPED);
		}
		unsigned int why = 0;
		if (signal->flags & SIGNAL_STOP_STOPPED)
			why |= SIGNAL_CLD_CONTINUED;
		else if (signal->group_stop_count)
			why |= SIGNAL_CLD_STOPPED;
		if (why) {
			/* the parent hears of it from the resumed thread
			 * (get_signal), which sees the SIGNAL_CLD_* flag */
			signal_set_stop_flags(signal, why | SIGNAL_STOP_CONTINUED);
			signal->group_stop_count = 0;
			signal->group_exit_code = 0;
		}
	}
	return !sig_ignored(p, sig, force);
}

/* Linux: wants_signal */
bool wants_signal(int sig, struct task_struct* p)
{
	if (sigismember(&p->blocked, sig))
		return false;
	if (p->flags & PF_EXITING)
		return false;
	if (sig == SIGKILL)
		return true;
	if (task_is_stopped(p))
		return false;
	return p->on_cpu || !signal_pending(p);
}

bool thread_group_empty(struct task_struct* p) NO_THREAD_SAFETY_ANALYSIS
{
	return p->signal->nr_threads <= 1;
}

bool sig_fatal(struct task_struct* t, int sig)
{
	return !siginmask(sig, SIG_KERNEL_IGNORE_MASK | SIG_KERNEL_STOP_MASK) &&
	       t->sighand->action[sig - 1].sa.sa_handler == SIG_DFL;
}

/* Linux: complete_signal.  Hold siglock. */
void complete_signal(int sig, struct task_struct* p, enum pid_type type) NO_THREAD_SAFETY_ANALYSIS
{
	struct signal_struct* signal = p->signal;
	struct task_struct* t;
	if (wants_signal(sig, p)) {
		t = p;
	} else if (type == PIDTYPE_PID || thread_group_empty(p)) {
		return; /* only p may take it, and it will when it unblocks it */
	} else {
		t = signal->curr_target ? signal->curr_target : p;
		while (!wants_signal(sig, t)) {
			t = next_thread(t);
			if (t == (signal->curr_target ? signal->curr_target : p))
				return; /* nobody wants it now */
		}
		signal->curr_target = t;
	}
	/* a fatal signal kills the whole group at once */
	if (sig_fatal(p, sig) && !(signal->flags & SIGNAL_GROUP_EXIT) && !sigismember(&t->real_blocked, sig) &&
	    !sig_kernel_coredump(sig)) {
		signal->flags = SIGNAL_GROUP_EXIT;
		signal->group_exit_code = sig;
		signal->group_stop_count = 0;
		struct task_struct* u;
		for_each_thread(p, u) {
			task_clear_jobctl_pending(u, JOBCTL_PENDING_MASK);
			sigaddset(&u->pending.signal, SIGKILL);
			signal_wake_up(u, true);
		}
		return;
	}
	signal_wake_up(t, sig == SIGKILL);
}

bool legacy_queue(struct sigpending* signals, int sig)
{
	return sig < SIGRTMIN && sigismember(&signals->signal, sig);
}

void clear_siginfo(struct kernel_siginfo* info)
{
	lib::memset(info, 0, sizeof(*info));
}

/* Linux: __send_signal_locked.  Hold t->sighand->siglock. */
lib::Result<void> __send_signal_locked(int sig, struct kernel_siginfo* info, struct task_struct* t,
                                       enum pid_type type, bool force)
{
	if (!prepare_signal(sig, t, force))
		return lib::ok();
	struct sigpending* pending = type != PIDTYPE_PID ? &t->signal->shared_pending : &t->pending;
	ensure_list(pending);
	if (legacy_queue(pending, sig))
		return lib::ok(); /* coalesced with the one already pending */
	if (sig != SIGKILL && !(t->flags & PF_KTHREAD)) {
		bool override_rlimit = sig < SIGRTMIN ? (is_si_special(info) || info->si_code >= 0) : false;
		struct sigqueue* q = __sigqueue_alloc(sig, t, override_rlimit);
		if (q) {
			pending->list.add_tail(&q->list);
			if (info == SEND_SIG_NOINFO) {
				clear_siginfo(&q->info);
				q->info.si_signo = sig;
				q->info.si_code = SI_USER;
				q->info._sifields._kill.pid = task_tgid_nr(current);
				q->info._sifields._kill.uid = __kuid_val(current_cred()->uid);
			} else if (info == SEND_SIG_PRIV) {
				clear_siginfo(&q->info);
				q->info.si_signo = sig;
				q->info.si_code = SI_KERNEL;
			} else {
				q->info = *info;
			}
		} else if (!is_si_special(info) && sig >= SIGRTMIN && info->si_code != SI_USER) {
			return lib::Error{EAGAIN}; /* a real-time queue is full */
		}
		/* else: a standard signal without its siginfo, as Linux */
	}
	sigaddset(&pending->signal, sig);
	/* signalfd readers of the group see it (Linux: signalfd_notify) */
	if (waitqueue_active(&t->sighand->signalfd_wqh))
		wake_up(&t->sighand->signalfd_wqh);
	complete_signal(sig, t, type);
	return lib::ok();
}

/* Linux: force_sig_info_to_task: unblocked and, if blocked or ignored,
 * back to SIG_DFL, so that it is delivered (or kills) */
void force_sig_info_to_task(struct kernel_siginfo* info, struct task_struct* t)
{
	int sig = info == SEND_SIG_PRIV ? 0 : info->si_signo;
	unsigned long f = lock_siglock(t->sighand);
	struct k_sigaction* action = &t->sighand->action[sig - 1];
	bool ignored = action->sa.sa_handler == SIG_IGN;
	bool blocked = sigismember(&t->blocked, sig);
	if (blocked || ignored) {
		action->sa.sa_handler = SIG_DFL;
		if (blocked) {
			sigdelset(&t->blocked, sig);
			recalc_sigpending_tsk(t);
		}
	}
	if (action->sa.sa_handler == SIG_DFL)
		t->signal->flags &= ~SIGNAL_UNKILLABLE;
	(void)__send_signal_locked(sig, info, t, PIDTYPE_PID, false);
	unlock_siglock(t->sighand, f);
}

lib::Result<void> do_send_sig_info(int sig, struct kernel_siginfo* info, struct task_struct* p, enum pid_type type)
{
	if (!p->sighand)
		return lib::Error{ESRCH};
	unsigned long f = lock_siglock(p->sighand);
	auto r = __send_signal_locked(sig, info, p, type, info == SEND_SIG_PRIV);
	unlock_siglock(p->sighand, f);
	return r;
}

/* Linux: kill_ok_by_cred; hold tasklist_lock (t's cred) */
bool kill_ok_by_cred(struct task_struct* t)
{
	const struct cred* cred = current_cred();
	const struct cred* tcred = t->real_cred;
	if (uid_eq(cred->euid, tcred->suid) || uid_eq(cred->euid, tcred->uid) || uid_eq(cred->uid, tcred->suid) ||
	    uid_eq(cred->uid, tcred->uid))
		return true;
	return capable(CAP_KILL);
}

bool same_thread_group(const struct task_struct* a, const struct task_struct* b)
{
	return a->signal == b->signal;
}

/* Linux: check_kill_permission; hold tasklist_lock */
lib::Result<void> check_kill_permission(int sig, struct kernel_siginfo* info, struct task_struct* t)
{
	if (!valid_signal(sig))
		return lib::Error{EINVAL};
	if (!si_fromuser(info))
		return lib::ok();
	if (!same_thread_group(current, t) && !kill_ok_by_cred(t)) {
		if (sig == SIGCONT && t->signal->session == current->signal->session)
			return lib::ok();
		return lib::Error{EPERM};
	}
	return lib::ok();
}

lib::Result<void> __group_send_sig_info(int sig, struct kernel_siginfo* info, struct task_struct* p,
                                        enum pid_type type)
{
	TRY(check_kill_permission(sig, info, p));
	if (sig)
		TRY(do_send_sig_info(sig, info, p, type));
	return lib::ok();
}

/* Linux: __kill_pgrp_info; hold tasklist_lock */
lib::Result<void> __kill_pgrp_info(int sig, struct kernel_siginfo* info, pid_t pgrp) NO_THREAD_SAFETY_ANALYSIS
{
	bool success = false;
	int retval = ESRCH;
	struct task_struct* p;
	for_each_process(p) {
		if (p->signal->pgrp != pgrp || p->exit_state == EXIT_DEAD)
			continue;
		auto r = __group_send_sig_info(sig, info, p, PIDTYPE_PGID);
		if (r.is_ok())
			success = true;
		else
			retval = r.error();
	}
	if (success)
		return lib::ok();
	return lib::Error{retval};
}

void prepare_kill_siginfo(int sig, struct kernel_siginfo* info, int code)
{
	clear_siginfo(info);
	info->si_signo = sig;
	info->si_code = code;
	info->_sifields._kill.pid = task_tgid_nr(current);
	info->_sifields._kill.uid = __kuid_val(current_cred()->uid);
}

/* the task with pid nr; current without the walk of the task list that
 * find_task_by_vpid is here (Linux's pid hash makes both O(1)) */
struct task_struct* find_task(pid_t nr) REQUIRES(tasklist_lock)
{
	if (nr == current->pid)
		return current;
	return find_task_by_vpid(nr);
}

/* Linux: kill_proc_info / kill_pid_info */
lib::Result<void> kill_proc_info(int sig, struct kernel_siginfo* info, pid_t pid) NO_THREAD_SAFETY_ANALYSIS
{
	lib::spin_lock_irqsave_guard g(tasklist_lock);
	struct task_struct* p = find_task(pid);
	if (!p)
		return lib::Error{ESRCH};
	return __group_send_sig_info(sig, info, p, PIDTYPE_TGID);
}

/* Linux: kill_something_info */
lib::Result<void> kill_something_info(int sig, struct kernel_siginfo* info, pid_t pid) NO_THREAD_SAFETY_ANALYSIS
{
	if (pid > 0)
		return kill_proc_info(sig, info, pid);
	if (pid == INT32_MIN)
		return lib::Error{ESRCH};
	lib::spin_lock_irqsave_guard g(tasklist_lock);
	if (pid != -1)
		return __kill_pgrp_info(sig, info, pid ? -pid : current->signal->pgrp);
	int retval = 0, count = 0;
	struct task_struct* p;
	for_each_process(p) {
		if (p->tgid > 1 && !same_thread_group(p, current) && p->exit_state != EXIT_DEAD) {
			auto r = __group_send_sig_info(sig, info, p, PIDTYPE_MAX);
			++count;
			if (!r.is_ok() && r.error() != EPERM)
				retval = r.error();
			else if (r.is_ok())
				retval = retval; /* as Linux: a later EPERM does not undo it */
		}
	}
	if (!count)
		return lib::Error{ESRCH};
	if (retval)
		return lib::Error{retval};
	return lib::ok();
}

/* Linux: do_send_specific (tkill, tgkill, rt_tgsigqueueinfo) */
lib::Result<void> do_send_specific(pid_t tgid, pid_t pid, int sig, struct kernel_siginfo* info)
    NO_THREAD_SAFETY_ANALYSIS
{
	lib::spin_lock_irqsave_guard g(tasklist_lock);
	struct task_struct* p = find_task(pid);
	if (!p || (tgid > 0 && p->tgid != tgid))
		return lib::Error{ESRCH};
	TRY(check_kill_permission(sig, info, p));
	if (sig) {
		auto r = do_send_sig_info(sig, info, p, PIDTYPE_PID);
		if (!r.is_ok() && r.error() != ESRCH)
			return r;
	}
	return lib::ok();
}

lib::Result<void> do_tkill(pid_t tgid, pid_t pid, int sig)
{
	struct kernel_siginfo info;
	prepare_kill_siginfo(sig, &info, SI_TKILL);
	return do_send_specific(tgid, pid, sig, &info);
}

/* ---- dequeueing ---- */

/* Linux: next_signal: the synchronous signals first */
int next_signal(struct sigpending* pending, const sigset_t* mask)
{
	unsigned long x = pending->signal.sig[0] & ~mask->sig[0];
	if (!x)
		return 0;
	if (x & SYNCHRONOUS_MASK)
		x &= SYNCHRONOUS_MASK;
	return __builtin_ctzl(x) + 1;
}

} // namespace

/* posix-timers.cc: a timer's signal was dequeued (its overrun count) */
void posixtimer_rearm(struct kernel_siginfo* info);

namespace
{
void collect_signal(int sig, struct sigpending* list, struct kernel_siginfo* info, bool* timer)
{
	struct sigqueue *q, *first = nullptr;
	bool still_pending = false;
	ensure_list(list);
	list_for_each_entry(q, &list->list, list) {
		if (q->info.si_signo == sig) {
			if (first) {
				still_pending = true;
				break;
			}
			first = q;
		}
	}
	if (!still_pending)
		sigdelset(&list->signal, sig);
	if (first) {
		first->list.del_init();
		*info = first->info;
		*timer = (first->flags & SIGQUEUE_PREALLOC) && info->si_code == SI_TIMER;
		sigqueue_free_current(first);
	} else {
		/* a coalesced or unqueued one: SI_USER from nobody */
		clear_siginfo(info);
		info->si_signo = sig;
		info->si_code = SI_USER;
	}
}

int __dequeue_signal(struct sigpending* pending, const sigset_t* mask, struct kernel_siginfo* info, bool* timer)
{
	int sig = next_signal(pending, mask);
	if (sig)
		collect_signal(sig, pending, info, timer);
	return sig;
}

/* Linux: dequeue_signal.  Hold siglock.  The thread's own signals first,
 * then the group's. */
int dequeue_signal(struct task_struct* tsk, const sigset_t* mask, struct kernel_siginfo* info, enum pid_type* type)
{
	bool timer = false;
	*type = PIDTYPE_PID;
	int signr = __dequeue_signal(&tsk->pending, mask, info, &timer);
	if (!signr) {
		*type = PIDTYPE_TGID;
		signr = __dequeue_signal(&tsk->signal->shared_pending, mask, info, &timer);
	}
	recalc_sigpending();
	if (!signr)
		return 0;
	if (sig_kernel_stop(signr))
		current->jobctl |= JOBCTL_STOP_DEQUEUED;
	if (timer)
		posixtimer_rearm(info);
	return signr;
}

/* Linux: dequeue_synchronous_signal: a fault's signal before anything else */
int dequeue_synchronous_signal(struct kernel_siginfo* info)
{
	struct task_struct* tsk = current;
	struct sigpending* pending = &tsk->pending;
	ensure_list(pending);
	if (!(pending->signal.sig[0] & ~tsk->blocked.sig[0] & SYNCHRONOUS_MASK))
		return 0;
	struct sigqueue *q, *sync = nullptr;
	list_for_each_entry(q, &pending->list, list) {
		if ((sigmask(q->info.si_signo) & SYNCHRONOUS_MASK) && q->info.si_code > SI_USER &&
		    !sigismember(&tsk->blocked, q->info.si_signo)) {
			sync = q;
			break;
		}
	}
	if (!sync)
		return 0;
	bool more = false;
	for (lib::list_head* n = sync->list.next; n != &pending->list; n = n->next) {
		struct sigqueue* o = list_entry(n, struct sigqueue, list);
		if (o->info.si_signo == sync->info.si_signo) {
			more = true;
			break;
		}
	}
	if (!more)
		sigdelset(&pending->signal, sync->info.si_signo);
	recalc_sigpending();
	sync->list.del_init();
	*info = sync->info;
	sigqueue_free_current(sync);
	return info->si_signo;
}

uint64_t nsec_to_clock_t(uint64_t ns)
{
	return ns / (1000000000ULL / 100); /* USER_HZ 100 */
}

/* Linux: do_notify_parent_cldstop: CLD_STOPPED or CLD_CONTINUED to the
 * real parent, unless it set SA_NOCLDSTOP; its waiters are woken */
void do_notify_parent_cldstop(struct task_struct* tsk, int why) NO_THREAD_SAFETY_ANALYSIS
{
	lib::spin_lock_irqsave_guard tl(tasklist_lock);
	tsk = tsk->group_leader;
	struct task_struct* parent = tsk->real_parent;
	if (!parent || parent == &init_task || (parent->flags & PF_KTHREAD))
		return;
	struct kernel_siginfo info;
	clear_siginfo(&info);
	info.si_signo = SIGCHLD;
	info.si_code = why;
	info._sifields._sigchld.pid = task_tgid_nr(tsk);
	info._sifields._sigchld.uid = __kuid_val(tsk->real_cred->uid);
	info._sifields._sigchld.utime = long(nsec_to_clock_t(tsk->utime + tsk->signal->utime));
	info._sifields._sigchld.stime = long(nsec_to_clock_t(tsk->stime + tsk->signal->stime));
	info._sifields._sigchld.status = why == CLD_CONTINUED ? SIGCONT : (tsk->signal->group_exit_code & 0x7f);
	struct sighand_struct* sighand = parent->sighand;
	unsigned long f = lock_siglock(sighand);
	if (sighand->action[SIGCHLD - 1].sa.sa_handler != SIG_IGN &&
	    !(sighand->action[SIGCHLD - 1].sa.sa_flags & SA_NOCLDSTOP))
		(void)__send_signal_locked(SIGCHLD, &info, parent, PIDTYPE_TGID, false);
	__wake_up(&parent->signal->wait_chldexit, TASK_INTERRUPTIBLE, 1, nullptr);
	unlock_siglock(sighand, f);
}

/* Linux: task_participate_group_stop.  Hold siglock.  True if the group
 * stop is now complete and the parent is to be told. */
bool task_participate_group_stop(struct task_struct* task)
{
	struct signal_struct* sig = task->signal;
	bool consume = task->jobctl & JOBCTL_STOP_CONSUME;
	task_clear_jobctl_pending(task, JOBCTL_STOP_PENDING);
	if (!consume)
		return false;
	if (sig->group_stop_count)
		sig->group_stop_count--;
	if (!sig->group_stop_count && !(sig->flags & SIGNAL_STOP_STOPPED)) {
		signal_set_stop_flags(sig, SIGNAL_STOP_STOPPED);
		return true;
	}
	return false;
}

/* Linux: do_signal_stop.  Called with siglock held (flags f); returns
 * with it released if it stopped (true), held otherwise. */
bool do_signal_stop(int signr, unsigned long f) NO_THREAD_SAFETY_ANALYSIS
{
	struct task_struct* cur = current;
	struct signal_struct* sig = cur->signal;
	if (!(cur->jobctl & JOBCTL_STOP_PENDING)) {
		unsigned long gstop = JOBCTL_STOP_PENDING | JOBCTL_STOP_CONSUME;
		if (!(cur->jobctl & JOBCTL_STOP_DEQUEUED) || (sig->flags & SIGNAL_GROUP_EXIT) || sig->group_exec_task)
			return false;
		if (!(sig->flags & SIGNAL_STOP_STOPPED))
			sig->group_exit_code = signr;
		sig->group_stop_count = 0;
		if (task_set_jobctl_pending(cur, unsigned(signr) | gstop))
			sig->group_stop_count++;
		struct task_struct* t;
		for_each_thread(cur, t) {
			if (t == cur)
				continue;
			if (!task_is_stopped(t) && task_set_jobctl_pending(t, unsigned(signr) | gstop)) {
				sig->group_stop_count++;
				signal_wake_up(t, false);
			}
		}
	}
	int notify = 0;
	if (task_participate_group_stop(cur))
		notify = CLD_STOPPED;
	cur->jobctl |= JOBCTL_STOPPED;
	set_current_state(TASK_STOPPED);
	unlock_siglock(cur->sighand, f);
	if (notify)
		do_notify_parent_cldstop(cur, notify);
	schedule();
	return true;
}

/* would current's process group have no member with a parent in another
 * group of the same session (Linux: is_current_pgrp_orphaned,
 * will_become_orphaned_pgrp) */
bool is_current_pgrp_orphaned() NO_THREAD_SAFETY_ANALYSIS
{
	lib::spin_lock_irqsave_guard g(tasklist_lock);
	pid_t pgrp = current->signal->pgrp;
	struct task_struct* p;
	for_each_process(p) {
		if (p->signal->pgrp != pgrp)
			continue;
		if ((p->exit_state && thread_group_empty(p)) || !p->real_parent || is_global_init(p->real_parent))
			continue;
		if (p->real_parent->signal->pgrp != pgrp && p->real_parent->signal->session == p->signal->session)
			return false;
	}
	return true;
}

/* Linux: do_jobctl_trap's group-stop half: a pending stop of another thread's making */
void do_jobctl_stop(unsigned long f)
{
	int signr = int(current->jobctl & JOBCTL_STOP_SIGMASK);
	(void)do_signal_stop(signr ? signr : SIGSTOP, f);
}

void sas_ss_reset(struct task_struct* p)
{
	p->sas_ss_sp = 0;
	p->sas_ss_size = 0;
	p->sas_ss_flags = SS_DISABLE;
}

void __set_task_blocked(struct task_struct* tsk, const sigset_t* newset)
{
	tsk->blocked = *newset;
	if (!recalc_sigpending_tsk(tsk))
		clear_tsk_thread_flag(tsk, TIF_SIGPENDING);
	/* a shared signal newly blocked here may be wanted elsewhere: wake
	 * the other threads to look (Linux: retarget_shared_pending) */
}

void retarget_shared_pending(struct task_struct* tsk, unsigned long which) NO_THREAD_SAFETY_ANALYSIS
{
	unsigned long retarget = tsk->signal->shared_pending.signal.sig[0] & which;
	if (!retarget)
		return;
	struct task_struct* t;
	for_each_thread(tsk, t) {
		if (t == tsk || (t->flags & PF_EXITING))
			continue;
		if (!(retarget & ~t->blocked.sig[0]))
			continue;
		if (!signal_pending(t))
			signal_wake_up(t, false);
		retarget &= t->blocked.sig[0];
		if (!retarget)
			break;
	}
}
} // namespace

/* ---- the contract of <kernel/signal.h> ---- */

void signals_init()
{
	sigqueue_cachep = kmem_cache_create("sigqueue", sizeof(struct sigqueue), 0, SLAB_PANIC, nullptr);
}

lib::Result<void> send_signal_locked(int sig, struct kernel_siginfo* info, struct task_struct* t, enum pid_type type)
{
	bool force = false;
	if (info == SEND_SIG_NOINFO)
		force = false;
	else if (info == SEND_SIG_PRIV)
		force = true;
	else if (info->si_code == SI_KERNEL)
		force = true;
	return __send_signal_locked(sig, info, t, type, force);
}

struct sigqueue* sigqueue_alloc()
{
	struct sigqueue* q = __sigqueue_alloc(-1, current, true);
	if (q) {
		q->flags |= SIGQUEUE_PREALLOC;
		clear_siginfo(&q->info);
	}
	return q;
}

void sigqueue_free(struct sigqueue* q)
{
	/* still queued: the dequeue frees it (Linux: sigqueue_free) */
	unsigned long f = lock_siglock(current->sighand);
	q->flags &= ~SIGQUEUE_PREALLOC;
	bool queued = q->list.linked();
	unlock_siglock(current->sighand, f);
	if (!queued)
		__sigqueue_free(q);
}

int send_sigqueue(struct sigqueue* q, struct task_struct* t, enum pid_type type)
{
	int sig = q->info.si_signo;
	/* the caller holds t->sighand->siglock (the timer's callback) */
	if (!prepare_signal(sig, t, false))
		return 1;
	if (q->list.linked()) {
		q->info._sifields._timer.overrun++; /* still pending: one more expiry */
		return 0;
	}
	q->info._sifields._timer.overrun = 0;
	struct sigpending* pending = type != PIDTYPE_PID ? &t->signal->shared_pending : &t->pending;
	ensure_list(pending);
	pending->list.add_tail(&q->list);
	sigaddset(&pending->signal, sig);
	complete_signal(sig, t, type);
	return 0;
}

void force_sig_fault(int sig, int code, user_ptr<void> addr)
{
	struct kernel_siginfo info;
	clear_siginfo(&info);
	info.si_signo = sig;
	info.si_code = code;
	info._sifields._sigfault.addr = addr.addr();
	force_sig_info_to_task(&info, current);
}

void force_sig(int sig)
{
	struct kernel_siginfo info;
	clear_siginfo(&info);
	info.si_signo = sig;
	info.si_code = SI_KERNEL;
	force_sig_info_to_task(&info, current);
}

void force_fatal_sig(int sig)
{
	/* Linux: force_fatal_sig (HANDLER_EXIT): no handler may catch it */
	struct task_struct* t = current;
	unsigned long f = lock_siglock(t->sighand);
	t->sighand->action[sig - 1].sa.sa_handler = SIG_DFL;
	t->blocked.sig[0] &= ~sigmask(sig);
	t->signal->flags &= ~SIGNAL_UNKILLABLE;
	unlock_siglock(t->sighand, f);
	force_sig(sig);
}

void force_sigsegv(int sig)
{
	if (sig == SIGSEGV) {
		unsigned long f = lock_siglock(current->sighand);
		current->sighand->action[sig - 1].sa.sa_handler = SIG_DFL;
		unlock_siglock(current->sighand, f);
	}
	force_sig(SIGSEGV);
}

bool fatal_signal_pending(struct task_struct* tsk)
{
	return signal_pending(tsk) && __fatal_signal_pending(tsk);
}

lib::Result<void> send_sig_info(int sig, struct kernel_siginfo* info, struct task_struct* p)
{
	if (!valid_signal(sig))
		return lib::Error{EINVAL};
	if (!sig)
		return lib::ok();
	return do_send_sig_info(sig, info, p, PIDTYPE_PID);
}

lib::Result<void> send_sig(int sig, struct task_struct* p, int priv)
{
	return send_sig_info(sig, priv ? SEND_SIG_PRIV : SEND_SIG_NOINFO, p);
}

lib::Result<void> group_send_sig_info(int sig, struct kernel_siginfo* info, struct task_struct* p)
{
	if (!valid_signal(sig))
		return lib::Error{EINVAL};
	if (!sig)
		return lib::ok();
	return do_send_sig_info(sig, info, p, PIDTYPE_TGID);
}

lib::Result<void> kill_pgrp(pid_t pgrp, int sig, int priv) NO_THREAD_SAFETY_ANALYSIS
{
	lib::spin_lock_irqsave_guard g(tasklist_lock);
	return __kill_pgrp_info(sig, priv ? SEND_SIG_PRIV : SEND_SIG_NOINFO, pgrp);
}

bool do_notify_parent(struct task_struct* tsk, int sig)
{
	struct task_struct* parent = tsk->parent;
	struct kernel_siginfo info;
	clear_siginfo(&info);
	info.si_signo = sig;
	info._sifields._sigchld.pid = task_tgid_nr(tsk);
	info._sifields._sigchld.uid = __kuid_val(tsk->real_cred->uid);
	info._sifields._sigchld.utime = long(nsec_to_clock_t(tsk->utime + tsk->signal->utime));
	info._sifields._sigchld.stime = long(nsec_to_clock_t(tsk->stime + tsk->signal->stime));
	info._sifields._sigchld.status = tsk->exit_code & 0x7f;
	if (tsk->exit_code & 0x80)
		info.si_code = CLD_DUMPED;
	else if (tsk->exit_code & 0x7f)
		info.si_code = CLD_KILLED;
	else {
		info.si_code = CLD_EXITED;
		info._sifields._sigchld.status = tsk->exit_code >> 8;
	}
	struct sighand_struct* psig = parent->sighand;
	bool autoreap = false;
	unsigned long f = lock_siglock(psig);
	if (sig == SIGCHLD && (psig->action[SIGCHLD - 1].sa.sa_handler == SIG_IGN ||
	                       (psig->action[SIGCHLD - 1].sa.sa_flags & SA_NOCLDWAIT))) {
		autoreap = true;
		if (psig->action[SIGCHLD - 1].sa.sa_handler == SIG_IGN)
			sig = 0;
	}
	if (valid_signal(sig) && sig && !(parent->flags & PF_KTHREAD))
		(void)__send_signal_locked(sig, &info, parent, PIDTYPE_TGID, false);
	__wake_up(&parent->signal->wait_chldexit, TASK_INTERRUPTIBLE, 1, nullptr);
	unlock_siglock(psig, f);
	return autoreap;
}

int zap_other_threads(struct task_struct* p) NO_THREAD_SAFETY_ANALYSIS
{
	int count = 0;
	p->signal->group_stop_count = 0;
	struct task_struct* t;
	for_each_thread(p, t) {
		task_clear_jobctl_pending(t, JOBCTL_PENDING_MASK);
		if (t == p || t->exit_state)
			continue;
		count++;
		sigaddset(&t->pending.signal, SIGKILL);
		signal_wake_up(t, true);
	}
	return count;
}

void exit_signals(struct task_struct* tsk)
{
	if (thread_group_empty(tsk) || (tsk->signal->flags & SIGNAL_GROUP_EXIT)) {
		unsigned long f = lock_siglock(tsk->sighand);
		tsk->flags |= PF_EXITING;
		exit_task_sigqueue_cache(tsk);
		unlock_siglock(tsk->sighand, f);
		return;
	}
	int group_stop = 0;
	unsigned long f = lock_siglock(tsk->sighand);
	tsk->flags |= PF_EXITING;
	exit_task_sigqueue_cache(tsk);
	if (signal_pending(tsk)) {
		retarget_shared_pending(tsk, ~tsk->blocked.sig[0]);
		if ((tsk->jobctl & JOBCTL_STOP_PENDING) && task_participate_group_stop(tsk))
			group_stop = CLD_STOPPED;
	}
	unlock_siglock(tsk->sighand, f);
	if (group_stop)
		do_notify_parent_cldstop(tsk, group_stop);
}

void flush_sigqueue(struct sigpending* queue)
{
	queue->signal = {};
	if (!queue->list.next) {
		queue->list.init();
		return;
	}
	while (!queue->list.empty()) {
		struct sigqueue* q = list_entry(queue->list.next, struct sigqueue, list);
		q->list.del_init();
		__sigqueue_free(q);
	}
}

void flush_signals(struct task_struct* t)
{
	unsigned long f = lock_siglock(t->sighand);
	clear_tsk_thread_flag(t, TIF_SIGPENDING);
	flush_sigqueue(&t->pending);
	flush_sigqueue(&t->signal->shared_pending);
	unlock_siglock(t->sighand, f);
}

void flush_signal_handlers(struct task_struct* t, int force_default)
{
	for (int i = 0; i < _NSIG; i++) {
		struct k_sigaction* ka = &t->sighand->action[i];
		if (force_default || ka->sa.sa_handler != SIG_IGN)
			ka->sa.sa_handler = SIG_DFL;
		ka->sa.sa_flags = 0;
		ka->sa.sa_restorer = nullptr;
		ka->sa.sa_mask = {};
	}
}

void recalc_sigpending()
{
	if (!recalc_sigpending_tsk(current))
		clear_tsk_thread_flag(current, TIF_SIGPENDING);
}

long do_no_restart_syscall(struct restart_block*)
{
	return -EINTR;
}

int on_sig_stack(unsigned long sp)
{
	struct task_struct* t = current;
	if (t->sas_ss_flags & SS_AUTODISARM)
		return 0;
	return sp > t->sas_ss_sp && sp - t->sas_ss_sp <= t->sas_ss_size;
}

int sas_ss_flags(unsigned long sp)
{
	if (!current->sas_ss_size)
		return SS_DISABLE;
	return on_sig_stack(sp) ? SS_ONSTACK : 0;
}

lib::Result<void> copy_siginfo_to_user(user_ptr<void> to, const struct kernel_siginfo* from)
{
	if (copy_to_user(to, from, sizeof(*from)) ||
	    clear_user(to + sizeof(*from), SI_MAX_SIZE - sizeof(struct kernel_siginfo)))
		return lib::Error{EFAULT};
	return lib::ok();
}

void set_current_blocked(sigset_t* newset)
{
	sigdelset(newset, SIGKILL);
	sigdelset(newset, SIGSTOP);
	struct task_struct* tsk = current;
	if (tsk->blocked.sig[0] == newset->sig[0])
		return;
	unsigned long f = lock_siglock(tsk->sighand);
	if (signal_pending(tsk))
		retarget_shared_pending(tsk, newset->sig[0] & ~tsk->blocked.sig[0]);
	__set_task_blocked(tsk, newset);
	unlock_siglock(tsk->sighand, f);
}

sigset_t* sigmask_to_save()
{
	if (test_tsk_thread_flag(current, TIF_RESTORE_SIGMASK))
		return &current->saved_sigmask;
	return &current->blocked;
}

void restore_saved_sigmask()
{
	if (test_tsk_thread_flag(current, TIF_RESTORE_SIGMASK)) {
		clear_tsk_thread_flag(current, TIF_RESTORE_SIGMASK);
		set_current_blocked(&current->saved_sigmask);
	}
}

/* Linux: get_signal */
bool get_signal(struct ksignal* ksig) NO_THREAD_SAFETY_ANALYSIS
{
	struct task_struct* tsk = current;
	struct sighand_struct* sighand = tsk->sighand;
	struct signal_struct* signal = tsk->signal;
	int signr = 0;
	bool fatal = false;
	unsigned long f;
relock:
	f = lock_siglock(sighand);
	/* a SIGCONT resumed us, or a stop completed while we were away: the
	 * parent hears of it now (Linux: SIGNAL_CLD_MASK) */
	if (signal->flags & SIGNAL_CLD_MASK) {
		int why = (signal->flags & SIGNAL_CLD_CONTINUED) ? CLD_CONTINUED : CLD_STOPPED;
		signal->flags &= ~SIGNAL_CLD_MASK;
		unlock_siglock(sighand, f);
		do_notify_parent_cldstop(tsk, why);
		goto relock;
	}
	for (;;) {
		/* marked for death: die (Linux: the SIGNAL_GROUP_EXIT check) */
		if ((signal->flags & SIGNAL_GROUP_EXIT) || signal->group_exec_task) {
			clear_siginfo(&ksig->info);
			ksig->info.si_signo = signr = SIGKILL;
			sigdelset(&tsk->pending.signal, SIGKILL);
			recalc_sigpending();
			fatal = true;
			break;
		}
		if (tsk->jobctl & JOBCTL_STOP_PENDING) {
			do_jobctl_stop(f);
			goto relock;
		}
		/* a SEIZE tracer's STOP trap (kernel/ptrace.cc) */
		if (tsk->jobctl & JOBCTL_TRAP_MASK) {
			do_jobctl_trap(&f);
			continue;
		}
		enum pid_type type = PIDTYPE_PID;
		signr = dequeue_synchronous_signal(&ksig->info);
		if (!signr)
			signr = dequeue_signal(tsk, &tsk->blocked, &ksig->info, &type);
		if (!signr)
			break;
		/* the tracer sees the signal first and may change or cancel it */
		if (tsk->ptrace && signr != SIGKILL) {
			signr = ptrace_signal(signr, &ksig->info, int(type), &f);
			if (!signr)
				continue;
		}
		struct k_sigaction* ka = &sighand->action[signr - 1];
		if (ka->sa.sa_handler == SIG_IGN)
			continue;
		if (ka->sa.sa_handler != SIG_DFL) {
			ksig->ka = *ka;
			if (ka->sa.sa_flags & SA_ONESHOT)
				ka->sa.sa_handler = SIG_DFL;
			break;
		}
		/* the default actions */
		if (sig_kernel_ignore(signr))
			continue;
		if ((signal->flags & SIGNAL_UNKILLABLE) && !sig_kernel_only(signr))
			continue; /* init */
		if (sig_kernel_stop(signr)) {
			/* SIGTSTP, SIGTTIN, SIGTTOU are discarded in an orphaned
			 * process group: nobody would continue it (POSIX) */
			if (signr != SIGSTOP) {
				unlock_siglock(sighand, f);
				if (is_current_pgrp_orphaned())
					goto relock;
				f = lock_siglock(sighand);
			}
			if (do_signal_stop(signr, f))
				goto relock;
			continue;
		}
		fatal = true;
		break;
	}
	unlock_siglock(sighand, f);
	if (fatal) {
		/* terminate, or core: no core is dumped (RLIMIT_CORE is 0 by
		 * default, and there is no dumper), so the status has no 0x80 */
		do_group_exit(ksig->info.si_signo);
	}
	ksig->sig = signr;
	return signr > 0;
}

void signal_setup_done(int failed, struct ksignal* ksig, int stepping)
{
	(void)stepping;
	if (failed) {
		force_sigsegv(ksig->sig);
		return;
	}
	/* the frame holds the mask to restore: rt_sigsuspend's is used */
	clear_tsk_thread_flag(current, TIF_RESTORE_SIGMASK);
	sigset_t blocked;
	blocked.sig[0] = current->blocked.sig[0] | ksig->ka.sa.sa_mask.sig[0];
	if (!(ksig->ka.sa.sa_flags & SA_NODEFER))
		sigaddset(&blocked, ksig->sig);
	set_current_blocked(&blocked);
	if (current->sas_ss_flags & SS_AUTODISARM)
		sas_ss_reset(current);
}

/* ---- system calls ---- */

namespace
{
constexpr unsigned long UAPI_SA_FLAGS = SA_NOCLDSTOP | SA_NOCLDWAIT | SA_SIGINFO | SA_ONSTACK | SA_RESTART |
                                        SA_NODEFER | SA_RESETHAND | SA_EXPOSE_TAGBITS | SA_RESTORER;

/* Linux: do_sigaction */
lib::Result<void> do_sigaction(int sig, struct k_sigaction* act, struct k_sigaction* oact) NO_THREAD_SAFETY_ANALYSIS
{
	struct task_struct* p = current;
	if (!valid_signal(sig) || sig < 1 || (act && sig_kernel_only(sig)))
		return lib::Error{EINVAL};
	struct k_sigaction* k = &p->sighand->action[sig - 1];
	unsigned long f = lock_siglock(p->sighand);
	if (oact) {
		*oact = *k;
		oact->sa.sa_flags &= UAPI_SA_FLAGS;
	}
	if (act) {
		act->sa.sa_flags &= UAPI_SA_FLAGS;
		act->sa.sa_mask.sig[0] &= ~(sigmask(SIGKILL) | sigmask(SIGSTOP));
		*k = *act;
		/* POSIX: setting a signal to be ignored discards what is pending */
		if (sig_handler_ignored(sig_handler(p, sig), sig)) {
			flush_sigqueue_mask(sigmask(sig), &p->signal->shared_pending);
			struct task_struct* t;
			for_each_thread(p, t)
				flush_sigqueue_mask(sigmask(sig), &t->pending);
		}
	}
	unlock_siglock(p->sighand, f);
	return lib::ok();
}

/* the user's struct sigaction on x86_64 (the kernel's layout) */
struct user_sigaction {
	unsigned long handler;
	unsigned long flags;
	unsigned long restorer;
	sigset_t mask;
};

struct user_stack_t {
	unsigned long ss_sp;
	int ss_flags;
	unsigned long ss_size;
};

lib::Result<sigset_t> get_sigset(user_ptr<const sigset_t> u)
{
	sigset_t s;
	TRY(get_user(s.sig[0], u.cast<unsigned long>()));
	return s;
}
} // namespace

SYSCALL_DEFINE4(rt_sigaction, int, sig, user_ptr<const struct user_sigaction>, act,
                user_ptr<struct user_sigaction>, oact, size_t, sigsetsize)
{
	if (sigsetsize != sizeof(sigset_t))
		return lib::Error{EINVAL};
	struct k_sigaction new_ka, old_ka;
	if (act) {
		struct user_sigaction u;
		if (copy_from_user(&u, act, sizeof(u)))
			return lib::Error{EFAULT};
		new_ka.sa.sa_handler = (__sighandler_t)u.handler;
		new_ka.sa.sa_flags = u.flags;
		new_ka.sa.sa_restorer = (__sigrestore_t)u.restorer;
		new_ka.sa.sa_mask = u.mask;
	}
	TRY(do_sigaction(sig, act ? &new_ka : nullptr, oact ? &old_ka : nullptr));
	if (oact) {
		struct user_sigaction u = {(unsigned long)old_ka.sa.sa_handler, old_ka.sa.sa_flags,
		                           (unsigned long)old_ka.sa.sa_restorer, old_ka.sa.sa_mask};
		if (copy_to_user(oact, &u, sizeof(u)))
			return lib::Error{EFAULT};
	}
	return 0;
}

SYSCALL_DEFINE4(rt_sigprocmask, int, how, user_ptr<const sigset_t>, nset, user_ptr<sigset_t>, oset, size_t,
                sigsetsize)
{
	if (sigsetsize != sizeof(sigset_t))
		return lib::Error{EINVAL};
	sigset_t old_set = current->blocked;
	if (nset) {
		sigset_t new_set = TRY(get_sigset(nset));
		new_set.sig[0] &= ~(sigmask(SIGKILL) | sigmask(SIGSTOP));
		sigset_t newblocked;
		switch (how) {
		case SIG_BLOCK:
			newblocked.sig[0] = current->blocked.sig[0] | new_set.sig[0];
			break;
		case SIG_UNBLOCK:
			newblocked.sig[0] = current->blocked.sig[0] & ~new_set.sig[0];
			break;
		case SIG_SETMASK:
			newblocked = new_set;
			break;
		default:
			return lib::Error{EINVAL};
		}
		set_current_blocked(&newblocked);
	}
	if (oset)
		TRY(put_user(old_set.sig[0], oset.cast<unsigned long>()));
	return 0;
}

SYSCALL_DEFINE2(rt_sigpending, user_ptr<sigset_t>, uset, size_t, sigsetsize)
{
	if (sigsetsize > sizeof(sigset_t))
		return lib::Error{EINVAL};
	sigset_t pending;
	{
		unsigned long f = lock_siglock(current->sighand);
		pending.sig[0] = (current->pending.signal.sig[0] | current->signal->shared_pending.signal.sig[0]) &
		                 current->blocked.sig[0];
		unlock_siglock(current->sighand, f);
	}
	if (copy_to_user(uset, &pending, sigsetsize))
		return lib::Error{EFAULT};
	return 0;
}

SYSCALL_DEFINE2(rt_sigsuspend, user_ptr<const sigset_t>, unewset, size_t, sigsetsize)
{
	if (sigsetsize != sizeof(sigset_t))
		return lib::Error{EINVAL};
	sigset_t newset = TRY(get_sigset(unewset));
	current->saved_sigmask = current->blocked;
	set_current_blocked(&newset);
	while (!signal_pending(current)) {
		set_current_state(TASK_INTERRUPTIBLE);
		schedule();
	}
	set_tsk_thread_flag(current, TIF_RESTORE_SIGMASK);
	return lib::Error{ERESTARTNOHAND};
}

SYSCALL_DEFINE0(pause)
{
	while (!signal_pending(current)) {
		set_current_state(TASK_INTERRUPTIBLE);
		schedule();
	}
	return lib::Error{ERESTARTNOHAND};
}

SYSCALL_DEFINE4(rt_sigtimedwait, user_ptr<const sigset_t>, uthese, user_ptr<void>, uinfo,
                user_ptr<const struct __kernel_timespec>, uts, size_t, sigsetsize)
{
	if (sigsetsize != sizeof(sigset_t))
		return lib::Error{EINVAL};
	sigset_t these = TRY(get_sigset(uthese));
	long timeout = MAX_SCHEDULE_TIMEOUT;
	if (uts) {
		struct __kernel_timespec ts;
		if (copy_from_user(&ts, uts, sizeof(ts)))
			return lib::Error{EFAULT};
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000L)
			return lib::Error{EINVAL};
		uint64_t ns = uint64_t(ts.tv_sec) * 1000000000ULL + uint64_t(ts.tv_nsec);
		/* whole ticks, rounded up, plus the tick already under way (the
		 * first one ends early): never shorter than asked, as Linux's
		 * hrtimer; an hour or more is "forever enough" */
		timeout = ns == 0 ? 0 : long((ns + TICK_NSEC - 1) / TICK_NSEC) + 1;
		if (ts.tv_sec > 1000000000L)
			timeout = MAX_SCHEDULE_TIMEOUT;
	}
	struct task_struct* tsk = current;
	these.sig[0] &= ~(sigmask(SIGKILL) | sigmask(SIGSTOP));
	sigset_t mask = {{~these.sig[0]}};
	struct kernel_siginfo info;
	enum pid_type type;
	long left = timeout;
	unsigned long f = lock_siglock(tsk->sighand);
	int sig = dequeue_signal(tsk, &mask, &info, &type);
	if (!sig && timeout) {
		tsk->real_blocked = tsk->blocked;
		tsk->blocked.sig[0] &= mask.sig[0];
		recalc_sigpending();
		unlock_siglock(tsk->sighand, f);
		left = schedule_timeout_interruptible(timeout);
		f = lock_siglock(tsk->sighand);
		__set_task_blocked(tsk, &tsk->real_blocked);
		tsk->real_blocked = {};
		sig = dequeue_signal(tsk, &mask, &info, &type);
	}
	unlock_siglock(tsk->sighand, f);
	if (sig) {
		if (uinfo)
			TRY(copy_siginfo_to_user(uinfo, &info));
		return sig;
	}
	return lib::Error{left > 0 && timeout ? EINTR : EAGAIN};
}

SYSCALL_DEFINE2(kill, pid_t, pid, int, sig)
{
	struct kernel_siginfo info;
	prepare_kill_siginfo(sig, &info, SI_USER);
	TRY(kill_something_info(sig, &info, pid));
	return 0;
}

SYSCALL_DEFINE3(tgkill, pid_t, tgid, pid_t, pid, int, sig)
{
	if (pid <= 0 || tgid <= 0)
		return lib::Error{EINVAL};
	TRY(do_tkill(tgid, pid, sig));
	return 0;
}

SYSCALL_DEFINE2(tkill, pid_t, pid, int, sig)
{
	if (pid <= 0)
		return lib::Error{EINVAL};
	TRY(do_tkill(0, pid, sig));
	return 0;
}

namespace
{
lib::Result<struct kernel_siginfo> copy_siginfo_from_user_sig(int sig, user_ptr<const void> uinfo)
{
	struct kernel_siginfo info;
	if (copy_from_user(&info, uinfo, sizeof(info)))
		return lib::Error{EFAULT};
	info.si_signo = sig;
	return info;
}
} // namespace

SYSCALL_DEFINE3(rt_sigqueueinfo, pid_t, pid, int, sig, user_ptr<const void>, uinfo)
{
	struct kernel_siginfo info = TRY(copy_siginfo_from_user_sig(sig, uinfo));
	/* nobody pretends to be the kernel or kill() of another process */
	if ((info.si_code >= 0 || info.si_code == SI_TKILL) && task_tgid_nr(current) != pid)
		return lib::Error{EPERM};
	TRY(kill_proc_info(sig, &info, pid));
	return 0;
}

SYSCALL_DEFINE4(rt_tgsigqueueinfo, pid_t, tgid, pid_t, pid, int, sig, user_ptr<const void>, uinfo)
{
	struct kernel_siginfo info = TRY(copy_siginfo_from_user_sig(sig, uinfo));
	if (pid <= 0 || tgid <= 0)
		return lib::Error{EINVAL};
	if ((info.si_code >= 0 || info.si_code == SI_TKILL) && task_pid_nr(current) != pid)
		return lib::Error{EPERM};
	TRY(do_send_specific(tgid, pid, sig, &info));
	return 0;
}

SYSCALL_DEFINE2(sigaltstack, user_ptr<const struct user_stack_t>, uss, user_ptr<struct user_stack_t>, uoss)
{
	struct task_struct* t = current;
	unsigned long sp = current_pt_regs()->sp;
	struct user_stack_t ss, oss = {};
	if (uss && copy_from_user(&ss, uss, sizeof(ss)))
		return lib::Error{EFAULT};
	oss.ss_sp = t->sas_ss_sp;
	oss.ss_size = t->sas_ss_size;
	oss.ss_flags = int(unsigned(sas_ss_flags(sp)) | (t->sas_ss_flags & SS_FLAG_BITS));
	if (uss) {
		if (on_sig_stack(sp))
			return lib::Error{EPERM};
		unsigned int ss_mode = unsigned(ss.ss_flags) & ~SS_FLAG_BITS;
		if (ss_mode != SS_DISABLE && ss_mode != SS_ONSTACK && ss_mode != 0)
			return lib::Error{EINVAL};
		if (ss_mode == SS_DISABLE) {
			ss.ss_size = 0;
			ss.ss_sp = 0;
		} else if (ss.ss_size < MINSIGSTKSZ) {
			return lib::Error{ENOMEM};
		}
		t->sas_ss_sp = ss.ss_sp;
		t->sas_ss_size = ss.ss_size;
		t->sas_ss_flags = unsigned(ss.ss_flags);
	}
	if (uoss && copy_to_user(uoss, &oss, sizeof(oss)))
		return lib::Error{EFAULT};
	return 0;
}

SYSCALL_DEFINE0(restart_syscall)
{
	struct restart_block* restart = &current->restart_block;
	if (!restart->fn)
		return -EINTR;
	return restart->fn(restart);
}

/* ppoll, pselect6, epoll_pwait (Linux: set_user_sigmask) */
lib::Result<void> set_user_sigmask(user_ptr<const sigset_t> umask, size_t sigsetsize)
{
	if (!umask)
		return lib::ok();
	if (sigsetsize != sizeof(sigset_t))
		return lib::Error{EINVAL};
	sigset_t mask = TRY(get_sigset(umask));
	current->saved_sigmask = current->blocked;
	set_current_blocked(&mask);
	set_tsk_thread_flag(current, TIF_RESTORE_SIGMASK);
	return lib::ok();
}

/* Linux: restore_saved_sigmask_unless */
void restore_saved_sigmask_unless(bool interrupted)
{
	if (interrupted) {
		WARN_ON(!signal_pending(current));
		return; /* the delivery puts the saved mask in the frame */
	}
	restore_saved_sigmask();
}

/* ---- signalfd's side (fs/signalfd.cc; Linux calls dequeue_signal and
 * next_signal under the siglock itself) ---- */
int dequeue_signal_wanted(const sigset_t* wanted, struct kernel_siginfo* info)
{
	struct task_struct* tsk = current;
	sigset_t mask = {{~wanted->sig[0]}}; /* dequeue_signal takes what is not in mask */
	enum pid_type type;
	unsigned long f = lock_siglock(tsk->sighand);
	int sig = dequeue_signal(tsk, &mask, info, &type);
	unlock_siglock(tsk->sighand, f);
	return sig;
}

bool signal_pending_wanted(const sigset_t* wanted)
{
	struct task_struct* tsk = current;
	unsigned long f = lock_siglock(tsk->sighand);
	bool any = (tsk->pending.signal.sig[0] | tsk->signal->shared_pending.signal.sig[0]) & wanted->sig[0];
	unlock_siglock(tsk->sighand, f);
	return any;
}
