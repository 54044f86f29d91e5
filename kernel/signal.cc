/*
 * Sending signals from the kernel and their delivery on the way back to
 * user mode: the interim version, until the processes issue (Linux:
 * kernel/signal.c force_sig_fault, force_sig, get_signal; include/linux/
 * sched/signal.h fatal_signal_pending).
 *
 * There are no handlers, masks or siginfo queues yet, so every signal takes
 * its default action, and the only senders are the fault handlers
 * (force_sig*), whose signals all kill.  A signal is a bit in the target
 * thread's pending set (task_struct.pending) plus TIF_SIGPENDING; the
 * exit-to-user path (arch_do_signal_or_restart -> get_signal) dequeues it
 * and, as Linux's default action for SIGSEGV/SIGILL/SIGFPE/SIGBUS/SIGTRAP
 * and the other fatal ones, calls do_group_exit(sig).  The si_code and
 * address of force_sig_fault are not kept (no handler can see them yet;
 * the fault paths log them).
 *
 * Invariants: pending bits are set and cleared with atomic operations
 * only (a fault handler sets them on current, nothing else yet); a set bit
 * implies TIF_SIGPENDING until get_signal has taken it.
 *
 * Lock order: none (atomics only).
 */
#include <kernel/entry-common.h>
#include <kernel/exit.h>
#include <kernel/sched.h>
#include <kernel/signal.h>

namespace
{
constexpr unsigned long sigmask(int sig)
{
	return 1UL << (sig - 1);
}
/* the synchronous signals, delivered first (Linux: SYNCHRONOUS_MASK) */
constexpr unsigned long SYNCHRONOUS_MASK =
    sigmask(SIGSEGV) | sigmask(SIGBUS) | sigmask(SIGILL) | sigmask(SIGTRAP) | sigmask(SIGFPE) | sigmask(SIGSYS);
/* default action "ignore" (Linux: SIG_KERNEL_IGNORE_MASK); stop and
 * continue need job control, which the processes issue brings */
constexpr unsigned long SIG_KERNEL_IGNORE_MASK =
    sigmask(SIGCONT) | sigmask(SIGCHLD) | sigmask(SIGWINCH) | sigmask(SIGURG);

void send_signal_to(struct task_struct* t, int sig)
{
	__atomic_fetch_or(&t->pending.signal, sigmask(sig), __ATOMIC_SEQ_CST);
	set_tsk_thread_flag(t, TIF_SIGPENDING);
}

/* the next signal to deliver, taken off the pending set; 0 if none */
int dequeue_signal(struct task_struct* t)
{
	for (;;) {
		unsigned long pending = __atomic_load_n(&t->pending.signal, __ATOMIC_SEQ_CST);
		if (!pending)
			return 0;
		unsigned long pick = (pending & SYNCHRONOUS_MASK) ? (pending & SYNCHRONOUS_MASK) : pending;
		int sig = __builtin_ctzl(pick) + 1;
		if (__atomic_compare_exchange_n(&t->pending.signal, &pending, pending & ~sigmask(sig), false,
		                                __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
			return sig;
	}
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
	return __atomic_load_n(&tsk->pending.signal, __ATOMIC_SEQ_CST) & ~SIG_KERNEL_IGNORE_MASK;
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
}
