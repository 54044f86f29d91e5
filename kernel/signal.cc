/*
 * Sending signals and their delivery on the way back to user mode: the
 * interim version, until the signals work of the processes issue (Linux:
 * kernel/signal.c).
 *
 * It keeps the contract of <kernel/signal.h> with the least machinery:
 * there are no handlers, masks or siginfo queues yet, so every signal
 * takes its default action.  A signal is a bit in the target thread's
 * pending set (task_struct.pending.signal) plus TIF_SIGPENDING; the
 * exit-to-user path (arch_do_signal_or_restart -> get_signal) takes it
 * and, for every signal whose default is not "ignore", calls
 * do_group_exit(sig).  The si_code and address of force_sig_fault are not
 * kept (no handler can see them; the fault paths log them).
 *
 * Invariants: pending bits are set and cleared with atomic operations; a
 * set bit implies TIF_SIGPENDING until get_signal has taken it.
 *
 * Lock order: tasklist_lock -> sighand->siglock -> wait-queue locks
 * (<kernel/lock_order.h>); the interim code takes only tasklist_lock
 * (kill_pgrp) and wait-queue locks.
 */
#include <kernel/entry-common.h>
#include <kernel/exit.h>
#include <kernel/sched.h>
#include <kernel/sched/signal.h>
#include <kernel/signal.h>
#include <kernel/uaccess.h>
#include <kernel/wait.h>
#include <uapi/asm-generic/errno-base.h>

namespace
{
constexpr unsigned long sigmask(int sig)
{
	return 1UL << (sig - 1);
}
/* the synchronous signals, delivered first (Linux: SYNCHRONOUS_MASK) */
constexpr unsigned long SYNCHRONOUS_MASK =
    sigmask(SIGSEGV) | sigmask(SIGBUS) | sigmask(SIGILL) | sigmask(SIGTRAP) | sigmask(SIGFPE) | sigmask(SIGSYS);
/* default action "ignore" (Linux: SIG_KERNEL_IGNORE_MASK) */
constexpr unsigned long SIG_KERNEL_IGNORE_MASK =
    sigmask(SIGCONT) | sigmask(SIGCHLD) | sigmask(SIGWINCH) | sigmask(SIGURG);

void send_signal_to(struct task_struct* t, int sig)
{
	__atomic_fetch_or(&t->pending.signal.sig[0], sigmask(sig), __ATOMIC_SEQ_CST);
	set_tsk_thread_flag(t, TIF_SIGPENDING);
	wake_up_state(t, TASK_INTERRUPTIBLE);
}

/* the next signal to deliver, taken off the pending set; 0 if none */
int dequeue_signal(struct task_struct* t)
{
	for (;;) {
		unsigned long pending = __atomic_load_n(&t->pending.signal.sig[0], __ATOMIC_SEQ_CST);
		if (!pending)
			return 0;
		unsigned long pick = (pending & SYNCHRONOUS_MASK) ? (pending & SYNCHRONOUS_MASK) : pending;
		int sig = __builtin_ctzl(pick) + 1;
		if (__atomic_compare_exchange_n(&t->pending.signal.sig[0], &pending, pending & ~sigmask(sig), false,
		                                __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
			return sig;
	}
}

bool valid_signal(int sig)
{
	return sig >= 0 && sig <= _NSIG;
}
} // namespace

void force_sig_fault(int sig, int code, user_ptr<void> addr)
{
	(void)code; /* no handler can read a siginfo yet */
	(void)addr;
	send_signal_to(current, sig);
}

void force_sig(int sig)
{
	send_signal_to(current, sig);
}

bool fatal_signal_pending(struct task_struct* tsk)
{
	/* no handlers yet: every pending signal that is not ignored kills */
	return __atomic_load_n(&tsk->pending.signal.sig[0], __ATOMIC_SEQ_CST) & ~SIG_KERNEL_IGNORE_MASK;
}

lib::Result<void> send_sig_info(int sig, struct kernel_siginfo*, struct task_struct* p)
{
	if (!valid_signal(sig))
		return lib::Error{EINVAL};
	/* init takes only the signals it handles, and without handlers that
	 * is none (Linux: sig_task_ignored); faults still kill it (force_sig) */
	if (p->signal->flags & SIGNAL_UNKILLABLE)
		return lib::ok();
	if (sig)
		send_signal_to(p, sig);
	return lib::ok();
}

lib::Result<void> send_sig(int sig, struct task_struct* p, int)
{
	return send_sig_info(sig, nullptr, p);
}

lib::Result<void> group_send_sig_info(int sig, struct kernel_siginfo* info, struct task_struct* p)
{
	return send_sig_info(sig, info, p->group_leader);
}

lib::Result<void> kill_pgrp(pid_t pgrp, int sig, int)
{
	if (!valid_signal(sig))
		return lib::Error{EINVAL};
	bool found = false;
	lib::spin_lock_irqsave_guard g(tasklist_lock);
	struct task_struct* p;
	for_each_process(p) {
		if (p->signal->pgrp != pgrp || p->exit_state)
			continue;
		found = true;
		if (sig)
			send_signal_to(p, sig);
	}
	if (!found)
		return lib::Error{ESRCH};
	return lib::ok();
}

bool do_notify_parent(struct task_struct* tsk, int sig)
{
	/* no handlers: the parent's SIGCHLD is ignored by default, so nothing
	 * is sent; the waiters are woken (autoreap needs SIG_IGN/SA_NOCLDWAIT,
	 * which only sigaction can set) */
	(void)sig;
	__wake_up(&tsk->parent->signal->wait_chldexit, TASK_INTERRUPTIBLE, 1, nullptr);
	return false;
}

int zap_other_threads(struct task_struct* p) NO_THREAD_SAFETY_ANALYSIS
{
	int count = 0;
	struct task_struct* t;
	for_each_thread(p, t) {
		if (t == p || t->exit_state)
			continue;
		count++;
		send_signal_to(t, SIGKILL);
	}
	return count;
}

void exit_signals(struct task_struct*) {}

void flush_sigqueue(struct sigpending* queue)
{
	queue->signal = {};
}

void flush_signals(struct task_struct* t)
{
	clear_tsk_thread_flag(t, TIF_SIGPENDING);
	flush_sigqueue(&t->pending);
	flush_sigqueue(&t->signal->shared_pending);
}

void flush_signal_handlers(struct task_struct*, int) {}

void recalc_sigpending()
{
	if (__atomic_load_n(&current->pending.signal.sig[0], __ATOMIC_SEQ_CST))
		set_tsk_thread_flag(current, TIF_SIGPENDING);
	else
		clear_tsk_thread_flag(current, TIF_SIGPENDING);
}

lib::Result<void> set_user_sigmask(user_ptr<const sigset_t> umask, size_t sigsetsize)
{
	if (!umask)
		return lib::ok();
	if (sigsetsize != sizeof(sigset_t))
		return lib::Error{EINVAL};
	sigset_t mask;
	if (copy_from_user(&mask, umask, sizeof(mask)))
		return lib::Error{EFAULT};
	mask.sig[0] &= ~(sigmask(SIGKILL) | sigmask(SIGSTOP));
	current->saved_sigmask = current->blocked;
	set_tsk_thread_flag(current, TIF_RESTORE_SIGMASK);
	current->blocked = mask;
	return lib::ok();
}

void restore_saved_sigmask_unless(bool interrupted)
{
	if (interrupted || !test_tsk_thread_flag(current, TIF_RESTORE_SIGMASK))
		return;
	clear_tsk_thread_flag(current, TIF_RESTORE_SIGMASK);
	current->blocked = current->saved_sigmask;
}

long do_no_restart_syscall(struct restart_block*)
{
	return -EINTR;
}

/* Linux: get_signal without handlers: deliver what is pending; a fatal
 * signal does not return */
static void get_signal()
{
	struct task_struct* tsk = current;
	clear_tsk_thread_flag(tsk, TIF_SIGPENDING);
	while (int sig = dequeue_signal(tsk)) {
		if (sigmask(sig) & SIG_KERNEL_IGNORE_MASK)
			continue;
		do_group_exit(sig); /* the default action: the whole group dies of sig */
	}
}

void arch_do_signal_or_restart(struct pt_regs* regs)
{
	(void)regs; /* no signal frame to build yet: every delivered signal kills */
	get_signal();
	restore_saved_sigmask_unless(false);
}
