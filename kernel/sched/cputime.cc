/*
 * CPU time accounting (Linux: kernel/sched/cputime.c account_process_tick,
 * account_user_time, account_system_time, account_idle_time,
 * cputime_adjust, thread_group_cputime; kernel/time/posix-cpu-timers.c
 * the RLIMIT_CPU part of check_process_timers).
 *
 * The periodic tick (update_process_times) charges one TICK_NSEC to the
 * interrupted task: utime when the interrupted context was user mode
 * (user_mode(get_irq_regs())), stime when kernel mode, the CPU's idle
 * time when it was the idle task.  A task that runs for less than a tick
 * at a time can dodge the tick, as on Linux; the exact total is the
 * scheduler's sum_exec_runtime, and what user space is shown is that
 * total split in the ticks' utime:stime proportion (cputime_adjust),
 * kept monotonic by prev_cputime as Linux does.
 *
 * RLIMIT_CPU: the tick cannot send signals (a signal send takes the
 * siglock and may allocate), so, as Linux's POSIX_CPU_TIMERS_TASK_WORK,
 * it sets TIF_NOTIFY_RESUME on a task whose group has a finite CPU limit,
 * and posix_cpu_timers_work, on the way back to user mode, compares the
 * group's utime + stime with the limits.
 *
 * Invariants: task->utime/stime are written only by the tick of the CPU
 * running the task (plain 64-bit stores; readers on other CPUs read them
 * racily, as Linux's do); they only grow.
 *
 * Lock order: thread_group_cputime takes tasklist_lock; cputime_adjust
 * takes prev->lock with nothing else held (a leaf, <kernel/lock_order.h>).
 */
#include <kernel/jiffies.h>
#include <kernel/sched.h>
#include <kernel/sched/cputime.h>
#include <kernel/sched/signal.h>
#include <kernel/signal.h>
#include <kernel/smp.h>
#include <lib/spinlock.h>
#include <uapi/linux/resource.h>
#include "sched.h"

namespace
{
uint64_t cpustat_idle[NR_CPUS]; /* Linux: kcpustat_cpu(cpu).cpustat[CPUTIME_IDLE] */
uint64_t cpustat_user[NR_CPUS];
uint64_t cpustat_system[NR_CPUS];

/* stime * rtime / total through the 128-bit product (Linux:
 * mul_u64_u64_div_u64, x86's mulq/divq); stime <= total, so the quotient
 * fits 64 bits */
uint64_t scale_stime(uint64_t stime, uint64_t rtime, uint64_t total)
{
	uint64_t lo = stime, hi;
	asm("mulq %[b]\n\tdivq %[c]" : "+a"(lo), "=&d"(hi) : [b] "rm"(rtime), [c] "rm"(total) : "cc");
	return lo;
}
} // namespace

void account_user_time(struct task_struct* p, uint64_t cputime)
{
	p->utime += cputime;
	cpustat_user[task_cpu(p)] += cputime;
}

void account_system_time(struct task_struct* p, uint64_t cputime)
{
	p->stime += cputime;
	cpustat_system[task_cpu(p)] += cputime;
}

void account_idle_time(uint64_t cputime)
{
	cpustat_idle[smp_processor_id()] += cputime;
}

uint64_t kcpustat_idle(unsigned cpu)
{
	return __atomic_load_n(&cpustat_idle[cpu], __ATOMIC_RELAXED);
}

void account_process_tick(struct task_struct* p, int user_tick)
{
	uint64_t cputime = TICK_NSEC;
	if (user_tick)
		account_user_time(p, cputime);
	else if (p != this_rq()->idle)
		account_system_time(p, cputime);
	else
		account_idle_time(cputime);
	/* fastpath_timer_check: a group with a CPU limit checks it on its
	 * way to user mode (kernel threads have no limit to enforce) */
	if (p->mm && task_rlimit(p, RLIMIT_CPU) != RLIM_INFINITY)
		set_tsk_thread_flag(p, TIF_NOTIFY_RESUME);
}

void thread_group_cputime(struct task_struct* tsk, struct task_cputime* times)
{
	lib::spin_lock_irqsave_guard g(tasklist_lock);
	struct signal_struct* sig = tsk->signal;
	times->utime = sig->utime;
	times->stime = sig->stime;
	times->sum_exec_runtime = sig->sum_sched_runtime;
	struct task_struct* t;
	for_each_thread(tsk, t)
	{
		times->utime += t->utime;
		times->stime += t->stime;
		times->sum_exec_runtime += task_sched_runtime(t);
	}
}

uint64_t thread_group_sched_runtime(struct task_struct* tsk, uint64_t* utime, uint64_t* stime)
{
	struct task_cputime tc;
	thread_group_cputime(tsk, &tc);
	if (utime)
		*utime = tc.utime;
	if (stime)
		*stime = tc.stime;
	return tc.sum_exec_runtime;
}

void cputime_adjust(uint64_t rtime, uint64_t utime, uint64_t stime, struct prev_cputime* prev, uint64_t* ut,
                    uint64_t* st)
{
	lib::spin_lock_irqsave_guard g(prev->lock);
	/* the runtime is sampled more often than the ticks: never below what
	 * was shown last time */
	if (prev->stime + prev->utime >= rtime)
		goto out;
	if (stime == 0) {
		utime = rtime;
		goto update;
	}
	if (utime == 0) {
		stime = rtime;
		goto update;
	}
	stime = scale_stime(stime, rtime, stime + utime);
	if (stime > rtime)
		stime = rtime;
update:
	/* neither part may go back: give the other part what is left */
	if (stime < prev->stime)
		stime = prev->stime;
	utime = rtime - stime;
	if (utime < prev->utime) {
		utime = prev->utime;
		stime = rtime - utime;
	}
	prev->stime = stime;
	prev->utime = utime;
out:
	*ut = prev->utime;
	*st = prev->stime;
}

void task_cputime_adjusted(struct task_struct* p, uint64_t* ut, uint64_t* st)
{
	uint64_t rtime = task_sched_runtime(p);
	cputime_adjust(rtime, p->utime, p->stime, &p->prev_cputime, ut, st);
}

void thread_group_cputime_adjusted(struct task_struct* p, uint64_t* ut, uint64_t* st)
{
	struct task_cputime tc;
	thread_group_cputime(p, &tc);
	cputime_adjust(tc.sum_exec_runtime, tc.utime, tc.stime, &p->signal->prev_cputime, ut, st);
}

void posix_cpu_timers_work()
{
	struct task_struct* tsk = current;
	unsigned long soft = task_rlimit(tsk, RLIMIT_CPU);
	if (soft == RLIM_INFINITY)
		return;
	struct task_cputime tc;
	thread_group_cputime(tsk, &tc);
	uint64_t ptime = tc.utime + tc.stime; /* CPUCLOCK_PROF */
	unsigned long hard = task_rlimit_max(tsk, RLIMIT_CPU);
	if (hard != RLIM_INFINITY && ptime >= uint64_t(hard) * NSEC_PER_SEC) {
		(void)group_send_sig_info(SIGKILL, nullptr, tsk);
		return;
	}
	if (ptime >= uint64_t(soft) * NSEC_PER_SEC) {
		(void)group_send_sig_info(SIGXCPU, nullptr, tsk);
		/* the next SIGXCPU one second later (Linux writes rlim_cur too) */
		__atomic_store_n(&tsk->signal->rlim[RLIMIT_CPU].rlim_cur, soft + 1, __ATOMIC_RELAXED);
	}
}
