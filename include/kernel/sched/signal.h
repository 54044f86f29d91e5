/*
 * What a thread group shares, and walking the tasks (Linux:
 * include/linux/sched/signal.h).
 *
 *   struct signal_struct   one per thread group, shared by its threads:
 *                          thread_head lists every thread through
 *                          task_struct.thread_node, nr_threads counts them
 *   for_each_process(p)    every thread-group leader but init_task
 *   for_each_thread(p, t)  every thread of p's group
 *   for_each_process_thread(p, t)  every thread of every process
 *   do_each_thread(g, t) { } while_each_thread(g, t)  the same, in
 *                          Linux's older form
 * These macros are the tree's one way to walk tasks (built on
 * list_for_each_entry and list_entry, <lib/list.h>).
 *
 *   struct sighand_struct  the handlers, shared by CLONE_SIGHAND, and
 *                          siglock
 * Walkers hold tasklist_lock (<kernel/sched/task.h>), since there is no
 * RCU.  signal_pending() and friends, the tests every interruptible sleep
 * makes, are at the end.
 */
#pragma once
#include <atomic>
#include <kernel/sched.h>
#include <kernel/signal_types.h>
#include <kernel/timer.h>
#include <kernel/wait.h>
#include <lib/list.h>
#include <uapi/linux/resource.h>

/* signal_struct.flags (Linux's values) */
#define SIGNAL_STOP_STOPPED 0x00000001   /* the group stop is complete */
#define SIGNAL_STOP_CONTINUED 0x00000002 /* SIGCONT since WCONTINUED last looked */
#define SIGNAL_GROUP_EXIT 0x00000004     /* exit_group or a fatal signal: group_exit_code holds the status */
#define SIGNAL_CLD_STOPPED 0x00000010    /* the parent is still to be told: stopped */
#define SIGNAL_CLD_CONTINUED 0x00000020  /* ... continued */
#define SIGNAL_CLD_MASK (SIGNAL_CLD_STOPPED | SIGNAL_CLD_CONTINUED)
#define SIGNAL_UNKILLABLE 0x00000040     /* init: only the signals it handles */
#define SIGNAL_STOP_MASK (SIGNAL_CLD_MASK | SIGNAL_STOP_STOPPED | SIGNAL_STOP_CONTINUED)

struct signal_struct {
	std::atomic<int> sigcnt;    /* references: one per thread that points here */
	std::atomic<int> live;      /* threads not yet exiting */
	int nr_threads GUARDED_BY(tasklist_lock);             /* threads in the group */
	lib::list_head thread_head GUARDED_BY(tasklist_lock); /* every thread, linked through thread_node */

	/* signals and job control (kernel/signal.cc), under sighand->siglock */
	struct wait_queue_head wait_chldexit; /* wait4/waitid sleepers of this group */
	struct task_struct* curr_target;      /* where the last shared signal went */
	struct sigpending shared_pending;     /* sent to the group (kill) */
	int group_exit_code;                  /* the status of a group exit or the stop signal */
	int notify_count;                     /* de_thread / exit: threads still to go */
	struct task_struct* group_exec_task;  /* the thread doing de_thread, if any */
	int group_stop_count;                 /* threads still to take part in a group stop */
	unsigned int flags;                   /* SIGNAL_* */

	/* interval timers (kernel/time/itimer.cc) and POSIX timers
	 * (kernel/time/posix-timers.cc), under sighand->siglock; armed ones
	 * are cancelled by exit_itimers when the group dies.  real_timer is
	 * set up on first use (its function is NULL until then). */
	struct timer_list real_timer; /* ITIMER_REAL and alarm: SIGALRM */
	uint64_t it_real_expires;     /* monotonic ns of the next expiry, 0 if disarmed */
	uint64_t it_real_incr;        /* its interval, ns */
	struct cpu_itimer {
		uint64_t expires; /* CPU ns left, 0 if disarmed */
		uint64_t incr;
	} it[2];                     /* ITIMER_PROF, ITIMER_VIRTUAL (Linux's CPUCLOCK_PROF/VIRT order) */
	lib::list_head posix_timers; /* struct k_itimer, timer_create (a null list is empty) */
	int next_posix_timer_id;

	/* the subreaper flags (prctl PR_SET_CHILD_SUBREAPER, exit.cc) */
	unsigned int is_child_subreaper : 1;
	unsigned int has_child_subreaper : 1;

	/* process group and session (kernel/sys.cc setpgid/setsid): numbers,
	 * since there is no struct pid; changed under tasklist_lock */
	pid_t pgrp;
	pid_t session;
	int leader;             /* the session leader */
	struct tty_struct* tty; /* the controlling terminal (the tty issue), NULL if none */

	/* accounting: the dead threads' times and counts, and the reaped
	 * children's (c*), for getrusage and times (kernel/exit.cc) */
	uint64_t utime, stime, cutime, cstime; /* ns */
	unsigned long nvcsw, nivcsw, cnvcsw, cnivcsw;
	unsigned long min_flt, maj_flt, cmin_flt, cmaj_flt;
	unsigned long maxrss, cmaxrss; /* KiB */
	uint64_t sum_sched_runtime;    /* the dead threads' runtime, ns */
	struct prev_cputime prev_cputime; /* times()'s last group utime/stime (cputime_adjust) */
	/* resource limits of the group: copied at fork, changed by
	 * setrlimit/prlimit64 (one writer at a time: task_lock in Linux,
	 * nothing yet) and read racily, as Linux reads them (READ_ONCE) */
	struct rlimit rlim[RLIM_NLIMITS];
};

/* the handlers of a thread group, shared by CLONE_SIGHAND (Linux: struct
 * sighand_struct); copied by fork (copy_sighand, kernel/fork.cc), reset by
 * exec (flush_signal_handlers).  siglock also guards the pending sets,
 * blocked masks and job-control state of every thread that uses it. */
struct sighand_struct {
	lib::spinlock siglock;
	std::atomic<int> count; /* threads using it */
	struct wait_queue_head signalfd_wqh;
	struct k_sigaction action[_NSIG_WORDS * _NSIG_BPW]; /* [sig - 1]; _NSIG (64) */
};
extern struct sighand_struct init_sighand;

struct tty_struct; /* the tty issue */

/* Linux's INIT_RLIMITS (include/asm-generic/resource.h) for init_signals;
 * RLIMIT_NOFILE 1024/4096 as Linux's INR_OPEN_CUR/INR_OPEN_MAX, stack 8 MiB,
 * memlock 8 MiB (Linux 6.1's MLOCK_LIMIT), NPROC and SIGPENDING are sized
 * from memory at boot by Linux (fork_init); 0 here until that lands. */
#define INIT_RLIMITS                                                                                     \
	{                                                                                                  \
		{RLIM_INFINITY, RLIM_INFINITY},              /* RLIMIT_CPU */                                   \
		    {RLIM_INFINITY, RLIM_INFINITY},          /* RLIMIT_FSIZE */                                 \
		    {RLIM_INFINITY, RLIM_INFINITY},          /* RLIMIT_DATA */                                  \
		    {8UL * 1024 * 1024, RLIM_INFINITY},      /* RLIMIT_STACK */                                 \
		    {0, RLIM_INFINITY},                      /* RLIMIT_CORE */                                  \
		    {RLIM_INFINITY, RLIM_INFINITY},          /* RLIMIT_RSS */                                   \
		    {0, 0},                                  /* RLIMIT_NPROC */                                 \
		    {1024, 4096},                            /* RLIMIT_NOFILE */                                \
		    {8UL * 1024 * 1024, 8UL * 1024 * 1024},  /* RLIMIT_MEMLOCK */                               \
		    {RLIM_INFINITY, RLIM_INFINITY},          /* RLIMIT_AS */                                    \
		    {RLIM_INFINITY, RLIM_INFINITY},          /* RLIMIT_LOCKS */                                 \
		    {0, 0},                                  /* RLIMIT_SIGPENDING */                            \
		    {819200, 819200},                        /* RLIMIT_MSGQUEUE */                              \
		    {0, 0},                                  /* RLIMIT_NICE */                                  \
		    {0, 0},                                  /* RLIMIT_RTPRIO */                                \
		    {RLIM_INFINITY, RLIM_INFINITY},          /* RLIMIT_RTTIME */                                \
	}

/* the soft and hard limit of resource `limit` for task (Linux: task_rlimit,
 * task_rlimit_max); rlimit()/rlimit_max() for current */
static inline unsigned long task_rlimit(const struct task_struct* tsk, unsigned int limit)
{
	return __atomic_load_n(&tsk->signal->rlim[limit].rlim_cur, __ATOMIC_RELAXED);
}
static inline unsigned long task_rlimit_max(const struct task_struct* tsk, unsigned int limit)
{
	return __atomic_load_n(&tsk->signal->rlim[limit].rlim_max, __ATOMIC_RELAXED);
}
#define rlimit(limit) task_rlimit(current, limit)
#define rlimit_max(limit) task_rlimit_max(current, limit)
extern struct signal_struct init_signals;

/* a racy read without tasklist_lock, as Linux's: a figure, not a promise */
static inline int get_nr_threads(const struct task_struct* tsk) NO_THREAD_SAFETY_ANALYSIS
{
	return tsk->signal->nr_threads;
}

/* the next thread-group leader on the task list (init_task after the last) */
static inline struct task_struct* next_task(struct task_struct* p) REQUIRES(tasklist_lock)
{
	return list_next_entry(p, tasks);
}
/* the next thread of p's group, wrapping past the list head */
static inline struct task_struct* next_thread(struct task_struct* p) REQUIRES(tasklist_lock)
{
	lib::list_head* n = p->thread_node.next;
	if (n == &p->signal->thread_head)
		n = n->next;
	return list_entry(n, struct task_struct, thread_node);
}

/*
 * Linux's macros, the one way to walk tasks: p, g and t are task_struct
 * pointers the caller declares.  Hold tasklist_lock.
 */
/* every thread-group leader but init_task */
#define for_each_process(p) for (p = &init_task; (p = next_task(p)) != &init_task;)
/* every thread of p's group, the leader too */
#define for_each_thread(p, t) list_for_each_entry(t, &(p)->signal->thread_head, thread_node)
/* every thread but the idle tasks */
#define for_each_process_thread(p, t) for_each_process(p) for_each_thread(p, t)
/* do_each_thread(g, t) { ... } while_each_thread(g, t); - every thread */
#define do_each_thread(g, t)                                                                                           \
	for (g = t = &init_task; (g = t = next_task(g)) != &init_task;)                                                \
		do
#define while_each_thread(g, t) while ((t = next_thread(t)) != g)

/* ---- pending-signal tests (Linux: include/linux/sched/signal.h) ----
 * TIF_SIGPENDING is set while a signal is deliverable to the thread
 * (recalc_sigpending); a sleeper in TASK_INTERRUPTIBLE gives up on it with
 * ERESTARTSYS (<kernel/restart.h>), one in TASK_KILLABLE only on SIGKILL. */
static inline bool signal_pending(const struct task_struct* p)
{
	return test_tsk_thread_flag(p, TIF_SIGPENDING);
}
static inline bool __fatal_signal_pending(const struct task_struct* p)
{
	return __atomic_load_n(&p->pending.signal.sig[0], __ATOMIC_RELAXED) & (1UL << (9 - 1)); /* SIGKILL */
}
static inline bool signal_pending_state(unsigned int state, const struct task_struct* p)
{
	if (!(state & (TASK_INTERRUPTIBLE | TASK_WAKEKILL)))
		return false;
	if (!signal_pending(p))
		return false;
	return (state & TASK_INTERRUPTIBLE) || __fatal_signal_pending(p);
}
