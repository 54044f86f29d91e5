/*
 * Sending signals from the kernel and the signal machinery's interface to
 * the rest of the tree (Linux: include/linux/signal.h,
 * include/linux/sched/signal.h; kernel/signal.c).
 *
 * The shared contract of the processes work.  kernel/signal.cc implements
 * it; fork, exit and wait (kernel/fork.cc, exit.cc), the futexes, the
 * VFS (SIGPIPE, SIGXFSZ) and the tty call it.  The data it acts on:
 * task_struct.pending/blocked/jobctl, signal_struct (shared_pending,
 * flags, group_exit_code...) and sighand_struct (<kernel/sched/signal.h>).
 *
 * Errors: lib::Result with Linux's errnos (EINVAL for a bad signal
 * number, EPERM without permission, ESRCH for no such process, EAGAIN
 * for a full real-time queue).
 *
 * Lock order: tasklist_lock -> sighand->siglock -> wait-queue locks ->
 * p->pi_lock -> rq->lock (<kernel/lock_order.h>).
 */
#pragma once
#include <kernel/signal_types.h>
#include <kernel/uaccess.h>
#include <lib/result.h>
#include <lib/spinlock.h>
#include <lib/thread_safety.h>
#include <uapi/asm-generic/signal.h>

typedef int pid_t;
struct task_struct;
struct sighand_struct;
struct sigpending;
extern lib::spinlock tasklist_lock;

/* ---- from fault handlers (arch/x86_64/mm/fault.cc, traps.cc) ---- */
/* deliver sig to current, as raised by the fault at addr with si_code code
 * (SEGV_MAPERR...); unblocked and set to its default action if blocked or
 * ignored (Linux: force_sig_fault) */
void force_sig_fault(int sig, int code, user_ptr<void> addr);
/* deliver sig to current with si_code SI_KERNEL (Linux: force_sig) */
void force_sig(int sig);
/* has tsk a fatal signal pending: the caller should unwind and let the
 * exit-to-user path kill it (Linux: fatal_signal_pending) */
bool fatal_signal_pending(struct task_struct* tsk);

/* ---- sending (kill(2) and the kernel's own senders) ----
 * info NULL: SI_KERNEL from the kernel (Linux's SEND_SIG_PRIV when priv,
 * SEND_SIG_NOINFO's SI_USER from current otherwise) */
lib::Result<void> send_sig_info(int sig, struct kernel_siginfo* info, struct task_struct* p);
lib::Result<void> send_sig(int sig, struct task_struct* p, int priv);
/* to the whole thread group of p */
lib::Result<void> group_send_sig_info(int sig, struct kernel_siginfo* info, struct task_struct* p);
/* to every process of process group pgrp (Linux: kill_pgrp, __kill_pgrp_info) */
lib::Result<void> kill_pgrp(pid_t pgrp, int sig, int priv);

/* ---- the life of a task (kernel/fork.cc, exit.cc) ---- */
/* tell tsk's parent that tsk (a thread-group leader, or the last thread)
 * died with sig (its exit_signal, SIGCHLD usually): a siginfo with
 * CLD_EXITED/CLD_KILLED/CLD_DUMPED and a wake-up of its wait4 sleepers.
 * True if the parent ignores SIGCHLD or has SA_NOCLDWAIT, so that tsk
 * should be reaped now (autoreap) (Linux: do_notify_parent) */
bool do_notify_parent(struct task_struct* tsk, int sig) REQUIRES(tasklist_lock);
/* kill every other thread of p's group (exit_group, a fatal signal,
 * execve's de_thread); the count of threads told (Linux: zap_other_threads).
 * Hold p->sighand->siglock. */
int zap_other_threads(struct task_struct* p);
/* the exiting thread takes no more signals; a shared one pending for it
 * goes to another thread, a group stop in progress counts it done
 * (Linux: exit_signals) */
void exit_signals(struct task_struct* tsk);
/* drop every queued siginfo and pending bit (Linux: flush_sigqueue,
 * flush_signals) */
void flush_sigqueue(struct sigpending* queue);
void flush_signals(struct task_struct* t);
/* exec: handled signals back to SIG_DFL, ignored ones stay ignored
 * (force_default: all to SIG_DFL) (Linux: flush_signal_handlers) */
void flush_signal_handlers(struct task_struct* t, int force_default);
/* set or clear TIF_SIGPENDING from what is pending and not blocked
 * (Linux: recalc_sigpending) */
void recalc_sigpending();


/* ppoll, pselect6, epoll_pwait: run with the user's mask (NULL: keep the
 * current one); the old one goes to saved_sigmask with TIF_RESTORE_SIGMASK;
 * EINVAL for a sigsetsize other than 8 (Linux: set_user_sigmask) */
lib::Result<void> set_user_sigmask(user_ptr<const sigset_t> umask, size_t sigsetsize);
/* the saved mask back, unless a signal is being delivered (interrupted):
 * then the delivery restores it once the handler's frame holds the old
 * mask (Linux: restore_saved_sigmask_unless) */
void restore_saved_sigmask_unless(bool interrupted);
