/*
 * CPU time accounting (Linux: include/linux/sched/cputime.h,
 * kernel/sched/cputime.c; here kernel/sched/cputime.cc).
 *
 * Tick-based, as Linux without VIRT_CPU_ACCOUNTING: every tick charges
 * TICK_NSEC to the task it interrupted, to utime if it interrupted user
 * mode, to stime if kernel mode, to the CPU's idle time if it was the
 * idle task (account_process_tick).  The scheduler keeps the exact
 * runtime (se.sum_exec_runtime); what user space is shown (times,
 * getrusage) is that runtime split in the ticks' proportion
 * (cputime_adjust), never going back from the last value shown.
 *
 * task->utime/stime are the raw tick sums (ns; the ITIMER_VIRTUAL/PROF
 * clocks and RLIMIT_CPU count them, as Linux's); signal->utime/stime
 * hold the dead threads' sums (kernel/exit.cc).
 */
#pragma once
#include <cstdint>

struct task_struct;
struct prev_cputime;

/* the raw sums of a thread group (Linux: struct task_cputime) */
struct task_cputime {
	uint64_t utime, stime;    /* ns, from the ticks */
	uint64_t sum_exec_runtime; /* ns, the scheduler's */
};

/* tsk's thread-group sums: its live threads' and its dead ones' (Linux:
 * thread_group_cputime).  Takes tasklist_lock. */
void thread_group_cputime(struct task_struct* tsk, struct task_cputime* times);
/* thread_group_sched_runtime(tsk, &u, &s): the group's runtime (ns,
 * current to the call) and, if asked, the raw utime and stime sums */
uint64_t thread_group_sched_runtime(struct task_struct* tsk, uint64_t* utime, uint64_t* stime);

/* split rtime in utime:stime's proportion, monotonic against prev
 * (Linux: cputime_adjust) */
void cputime_adjust(uint64_t rtime, uint64_t utime, uint64_t stime, struct prev_cputime* prev, uint64_t* ut,
                    uint64_t* st);
/* the user/system time to show for one thread, and for p's thread group
 * (Linux: task_cputime_adjusted, thread_group_cputime_adjusted): what
 * times(2) and getrusage(2) report */
void task_cputime_adjusted(struct task_struct* p, uint64_t* ut, uint64_t* st);
void thread_group_cputime_adjusted(struct task_struct* p, uint64_t* ut, uint64_t* st);

/* the tick's charge (hard interrupt context, p is current): user_tick
 * says whether the interrupt came from user mode (Linux:
 * account_process_tick); asks for the RLIMIT_CPU check (below) when the
 * group has a CPU limit */
void account_process_tick(struct task_struct* p, int user_tick);
void account_user_time(struct task_struct* p, uint64_t cputime);
void account_system_time(struct task_struct* p, uint64_t cputime);
void account_idle_time(uint64_t cputime);
/* the CPU's idle time so far, ns */
uint64_t kcpustat_idle(unsigned cpu);

/* RLIMIT_CPU (Linux: check_process_timers' part of run_posix_cpu_timers,
 * run from task work on the way to user mode): once the group's
 * utime + stime reach the soft limit, SIGXCPU to the group and the soft
 * limit raised by one second (so again a second later); at the hard
 * limit, SIGKILL.  Called by exit_to_user_mode_loop on TIF_NOTIFY_RESUME. */
void posix_cpu_timers_work();
