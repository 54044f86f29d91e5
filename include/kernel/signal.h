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
#include <cstdint>

typedef int pid_t;
struct task_struct;
struct sighand_struct;
struct sigpending;
extern lib::spinlock tasklist_lock;

/*
 * The kernel's siginfo (Linux: include/uapi/asm-generic/siginfo.h,
 * include/linux/signal_types.h): the first 48 bytes of the user's
 * 128-byte siginfo_t, the same layout on x86_64; copy_siginfo_to_user
 * writes it and zeroes the rest.
 */
union sigval {
	int sival_int;
	void* sival_ptr;
};
typedef union sigval sigval_t;

struct kernel_siginfo {
	int si_signo;
	int si_errno;
	int si_code;
	union {
		struct { /* kill, tkill, sigqueue without a value */
			pid_t pid;
			unsigned int uid;
		} _kill;
		struct { /* POSIX.1b timers */
			int tid;
			int overrun;
			sigval_t sigval;
			int sys_private; /* not to be passed to user */
		} _timer;
		struct { /* POSIX.1b signals (sigqueue) */
			pid_t pid;
			unsigned int uid;
			sigval_t sigval;
		} _rt;
		struct { /* SIGCHLD */
			pid_t pid;
			unsigned int uid;
			int status;
			long utime; /* clock ticks (USER_HZ) */
			long stime;
		} _sigchld;
		struct { /* SIGILL, SIGFPE, SIGSEGV, SIGBUS, SIGTRAP */
			unsigned long addr;
			union {
				short addr_lsb;
				struct {
					char _dummy_bnd[8];
					unsigned long lower, upper;
				} _addr_bnd;
				struct {
					char _dummy_pkey[8];
					uint32_t pkey;
				} _addr_pkey;
			};
		} _sigfault;
		struct { /* SIGPOLL */
			long band;
			int fd;
		} _sigpoll;
		struct { /* SIGSYS */
			unsigned long call_addr;
			int syscall;
			unsigned int arch;
		} _sigsys;
	} _sifields;
};
static_assert(sizeof(struct kernel_siginfo) == 48, "Linux's kernel_siginfo");
#define SI_MAX_SIZE 128 /* the user's siginfo_t */

/* one queued signal (Linux: struct sigqueue): on a sigpending's list */
#define SIGQUEUE_PREALLOC 1 /* a posix timer's, freed with the timer */
struct sigqueue {
	lib::list_head list;
	int flags;
	struct kernel_siginfo info;
	unsigned int uid; /* charged to this user's RLIMIT_SIGPENDING count */
};

/* what a pid names (Linux: enum pid_type, include/linux/pid.h): wait's
 * selectors (kernel/exit.cc) and the signal code's targets */
enum pid_type { PIDTYPE_PID, PIDTYPE_TGID, PIDTYPE_PGID, PIDTYPE_SID, PIDTYPE_MAX };

/* a signal to deliver, as get_signal returns it (Linux: struct ksignal) */
struct ksignal {
	struct k_sigaction ka;
	struct kernel_siginfo info;
	int sig;
};


/* ---- delivery (the exit-to-user path, arch/x86_64/kernel/signal.cc) ---- */
/* the next signal current must act on: true with ksig filled for a
 * handler; default actions (stop, ignore, death) are taken inside
 * (Linux: get_signal) */
bool get_signal(struct ksignal* ksig);
/* after the arch code built (failed: could not build) the frame: the
 * handler's mask, SS_AUTODISARM (Linux: signal_setup_done) */
void signal_setup_done(int failed, struct ksignal* ksig, int stepping);
/* the mask rt_sigsuspend saved back in place if no handler ran (Linux:
 * restore_saved_sigmask), and the one to save in a frame */
void restore_saved_sigmask();
sigset_t* sigmask_to_save();
/* the thread's blocked mask, with the pending state recomputed (Linux:
 * set_current_blocked) */
void set_current_blocked(sigset_t* newset);
/* a SIGSEGV that kills: no frame could be built (Linux: force_sigsegv) */
void force_sigsegv(int sig);
/* the alternate stack (Linux: on_sig_stack, sas_ss_flags) */
int on_sig_stack(unsigned long sp);
int sas_ss_flags(unsigned long sp);
/* the user's siginfo_t (128 bytes, the tail zeroed) (Linux: copy_siginfo_to_user) */
lib::Result<void> copy_siginfo_to_user(user_ptr<void> to, const struct kernel_siginfo* from);
/* a signal with a siginfo to one thread or its group (Linux:
 * send_signal_locked; hold t->sighand->siglock) */
lib::Result<void> send_signal_locked(int sig, struct kernel_siginfo* info, struct task_struct* t, enum pid_type type);
/* a posix timer's preallocated sigqueue (Linux: sigqueue_alloc,
 * sigqueue_free, send_sigqueue: 0 sent, 1 ignored, -1 no such task) */
struct sigqueue* sigqueue_alloc();
void sigqueue_free(struct sigqueue* q);
int send_sigqueue(struct sigqueue* q, struct task_struct* t, enum pid_type type);
/* boot: the sigqueue cache, RLIMIT_SIGPENDING's default (Linux: signals_init) */
void signals_init();
/* the posix and interval timers of a dying group (kernel/time/itimer.cc,
 * posix-timers.cc; Linux: exit_itimers, do_exit's hrtimer_cancel) */
void exit_itimers(struct task_struct* tsk);
/* the tick: ITIMER_VIRTUAL/PROF of current's group (Linux:
 * run_posix_cpu_timers), user_tick when the tick interrupted user mode */
void run_posix_cpu_timers(bool user_tick);

/* ---- from fault handlers (arch/x86_64/mm/fault.cc, traps.cc) ---- */
/* deliver sig to current, as raised by the fault at addr with si_code code
 * (SEGV_MAPERR...); unblocked and set to its default action if blocked or
 * ignored (Linux: force_sig_fault) */
void force_sig_fault(int sig, int code, user_ptr<void> addr);
/* deliver sig to current with si_code SI_KERNEL (Linux: force_sig) */
void force_sig(int sig);
/* sig kills current whatever its handler and mask (exec past the point of
 * no return) (Linux: force_fatal_sig) */
void force_fatal_sig(int sig);
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

/* signalfd (fs/signalfd.cc): take the first pending signal of wanted, of
 * current's own and then its group's (0 if none); is one pending?  Both
 * take the siglock */
int dequeue_signal_wanted(const sigset_t* wanted, struct kernel_siginfo* info);
bool signal_pending_wanted(const sigset_t* wanted);
