/*
 * The POSIX clocks and sleeping (Linux: kernel/time/posix-timers.c
 * clock_gettime, clock_settime, clock_getres, clock_nanosleep and the
 * k_clock table; posix-cpu-timers.c the CPU-time clocks; hrtimer.c
 * nanosleep, hrtimer_nanosleep).
 *
 * The clock ids, as Linux's:
 *   REALTIME, TAI         ktime_get_real_ns (the TAI offset is 0: no NTP)
 *   MONOTONIC, BOOTTIME,  ktime_get_ns (no suspend, no NTP slewing, so
 *   MONOTONIC_RAW         they are one clock)
 *   *_COARSE              the values at the last tick (resolution 1/HZ)
 *   *_ALARM               REALTIME and BOOTTIME (no wake-up alarms:
 *                         sleeping on them is EOPNOTSUPP... see below)
 *   negative ids          CPU-time clocks (clock_getcpuclockid): ~pid << 3,
 *                         bit 2 per-thread, bits 0-1 PROF/VIRT/SCHED;
 *                         CLOCK_PROCESS_CPUTIME_ID and _THREAD_ are the pid-0
 *                         SCHED clocks.  The time is the scheduler's
 *                         sum_exec_runtime (task_sched_runtime)
 *   10, 12..15, bad ones  EINVAL
 * Only CLOCK_REALTIME can be set; a negative CPU-clock id is EPERM, the
 * others EINVAL.  Sleeping is EOPNOTSUPP on the clocks Linux gives no
 * nsleep (MONOTONIC_RAW, the coarse ones, CLOCK_THREAD_CPUTIME_ID).
 *
 * Sleeping: there are no high-resolution timers; a sleep waits in
 * schedule_timeout_interruptible for whole ticks, never more than the
 * time left, and checks the clock again after each wake-up, so it never
 * ends early and ends at most one tick (4 ms) late.  A relative sleep
 * runs on the monotonic clock whatever clock was named (as Linux's: a
 * relative CLOCK_REALTIME sleep ignores clock changes); an absolute
 * CLOCK_REALTIME one is checked against the wall clock at each wake-up
 * (Linux wakes it at once when the clock is set; here at its next
 * tick-bounded check).  No signal handlers exist yet, so a sleep ends
 * early only for a fatal signal (EINTR) and never writes *rmtp.
 * CLOCK_PROCESS_CPUTIME_ID sleeps are not implemented (EINVAL, logged).
 */
#include <kernel/capability.h>
#include <kernel/jiffies.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/sched/cputime.h>
#include <kernel/sched/task.h>
#include <kernel/signal.h>
#include <kernel/syscalls.h>
#include <lib/ref.h>
#include <kernel/time.h>
#include <kernel/timekeeping.h>
#include <kernel/wait.h>
#include <uapi/asm-generic/errno-base.h>
#include <uapi/asm-generic/errno.h>
#include <uapi/linux/time.h>

namespace
{
/* the CPU-time clock ids (Linux: include/linux/posix-timers.h) */
constexpr int CPUCLOCK_PROF = 0, CPUCLOCK_VIRT = 1, CPUCLOCK_SCHED = 2, CPUCLOCK_MAX = 3;
constexpr int CPUCLOCK_CLOCK_MASK = 3, CPUCLOCK_PERTHREAD_MASK = 4, CLOCKFD = 3, CLOCKFD_MASK = 7;
int cpuclock_pid(int clock)
{
	return ~(clock >> 3);
}
bool cpuclock_perthread(int clock)
{
	return clock & CPUCLOCK_PERTHREAD_MASK;
}
int cpuclock_which(int clock)
{
	return clock & CPUCLOCK_CLOCK_MASK;
}
/* CLOCK_PROCESS_CPUTIME_ID and CLOCK_THREAD_CPUTIME_ID as CPU-clock ids */
int cpuclock_id(int clock)
{
	if (clock == CLOCK_PROCESS_CPUTIME_ID)
		return int(~0u << 3) | CPUCLOCK_SCHED;
	if (clock == CLOCK_THREAD_CPUTIME_ID)
		return int(~0u << 3) | CPUCLOCK_PERTHREAD_MASK | CPUCLOCK_SCHED;
	return clock;
}

bool is_cpu_clock(int clock)
{
	return clock < 0 || clock == CLOCK_PROCESS_CPUTIME_ID || clock == CLOCK_THREAD_CPUTIME_ID;
}

/* is clock one of the k_clocks (Linux: clockid_to_kclock != NULL) */
bool valid_clock(int clock)
{
	if (clock < 0)
		return (clock & CLOCKFD_MASK) != CLOCKFD; /* fd clocks (PTP devices): none here */
	switch (clock) {
	case CLOCK_REALTIME:
	case CLOCK_MONOTONIC:
	case CLOCK_PROCESS_CPUTIME_ID:
	case CLOCK_THREAD_CPUTIME_ID:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_REALTIME_COARSE:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
	case CLOCK_REALTIME_ALARM:
	case CLOCK_BOOTTIME_ALARM:
	case CLOCK_TAI:
		return true;
	default:
		return false;
	}
}

/* the task a CPU clock measures, with a reference, and whether it is the
 * whole group (Linux: pid_for_clock); NULL means EINVAL */
struct task_struct* cpu_clock_task(int clock, bool* group)
{
	clock = cpuclock_id(clock);
	bool thread = cpuclock_perthread(clock);
	int upid = cpuclock_pid(clock);
	if (cpuclock_which(clock) >= CPUCLOCK_MAX)
		return nullptr;
	*group = !thread;
	if (upid == 0)
		return get_task_struct(current);
	lib::spin_lock_irqsave_guard g(tasklist_lock);
	struct task_struct* t = find_task_by_vpid(upid);
	if (!t)
		return nullptr;
	if (thread)
		return t->tgid == current->tgid ? get_task_struct(t) : nullptr;
	if (t == current)
		return get_task_struct(t);
	return thread_group_leader(t) ? get_task_struct(t) : nullptr;
}

lib::Result<int64_t> cpu_clock_get(int clock)
{
	bool group;
	struct task_struct* t = cpu_clock_task(clock, &group);
	if (!t)
		return lib::Error{EINVAL};
	lib::ref<task_struct> hold = lib::adopt_ref(t);
	uint64_t sched, utime, stime;
	if (group)
		sched = thread_group_sched_runtime(t, &utime, &stime);
	else {
		sched = task_sched_runtime(t);
		utime = t->utime;
		stime = t->stime;
	}
	switch (cpuclock_which(cpuclock_id(clock))) {
	case CPUCLOCK_VIRT:
		return int64_t(utime);
	case CPUCLOCK_PROF: /* utime + stime, from the ticks (kernel/sched/cputime.cc) */
	case CPUCLOCK_SCHED:
	default:
		return int64_t(sched);
	}
}

lib::Result<int64_t> clock_get_ns(int clock)
{
	if (!valid_clock(clock))
		return lib::Error{EINVAL};
	if (is_cpu_clock(clock))
		return cpu_clock_get(clock);
	switch (clock) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_ALARM:
	case CLOCK_TAI:
		return ktime_get_real_ns();
	case CLOCK_REALTIME_COARSE:
		return ktime_get_coarse_real_ns();
	case CLOCK_MONOTONIC_COARSE:
		return ktime_get_coarse_ns();
	default: /* MONOTONIC, MONOTONIC_RAW, BOOTTIME, BOOTTIME_ALARM */
		return int64_t(ktime_get_ns());
	}
}

lib::Result<void> put_timespec64(int64_t ns, user_ptr<struct __kernel_timespec> uts)
{
	struct timespec64 ts = ns_to_timespec64(ns);
	struct __kernel_timespec k = {ts.tv_sec, ts.tv_nsec};
	if (copy_to_user(uts, &k, sizeof(k)))
		return lib::Error{EFAULT};
	return lib::ok();
}

lib::Result<struct timespec64> get_timespec64(user_ptr<const struct __kernel_timespec> uts)
{
	struct __kernel_timespec k;
	if (copy_from_user(&k, uts, sizeof(k)))
		return lib::Error{EFAULT};
	return timespec64{k.tv_sec, long(k.tv_nsec)};
}

/* sleep until clock `realtime ? CLOCK_REALTIME : CLOCK_MONOTONIC` reads
 * at least `until` (Linux: do_nanosleep on an hrtimer) */
lib::Result<void> do_nanosleep(bool realtime, int64_t until)
{
	for (;;) {
		int64_t now = realtime ? ktime_get_real_ns() : int64_t(ktime_get_ns());
		if (now >= until)
			return lib::ok();
		/* whole ticks that surely lie before the deadline: schedule_timeout(n)
		 * wakes between n - 1 and n ticks from now */
		int64_t ticks = (until - now) / int64_t(TICK_NSEC);
		schedule_timeout_interruptible(long(ticks < 1 ? 1 : ticks));
		if (fatal_signal_pending(current))
			return lib::Error{EINTR};
	}
}

/* a sleep of t on clock, relative or TIMER_ABSTIME */
lib::Result<void> nanosleep_on(int clock, const struct timespec64& t, bool abs)
{
	int64_t ns = timespec64_to_ns(t);
	if (!abs) {
		int64_t now = int64_t(ktime_get_ns());
		return do_nanosleep(false, ns > INT64_MAX - now ? INT64_MAX : now + ns);
	}
	bool realtime = clock == CLOCK_REALTIME || clock == CLOCK_TAI || clock == CLOCK_REALTIME_ALARM;
	return do_nanosleep(realtime, ns);
}
} // namespace

SYSCALL_DEFINE2(clock_gettime, int, which_clock, user_ptr<struct __kernel_timespec>, tp)
{
	int64_t ns = TRY(clock_get_ns(which_clock));
	TRY(put_timespec64(ns, tp));
	return 0;
}

SYSCALL_DEFINE2(clock_settime, int, which_clock, user_ptr<const struct __kernel_timespec>, tp)
{
	/* only the wall clock and the CPU clocks have a clock_set */
	if (!valid_clock(which_clock) || (which_clock != CLOCK_REALTIME && which_clock >= 0))
		return lib::Error{EINVAL};
	struct timespec64 ts = TRY(get_timespec64(tp));
	if (which_clock < 0) {
		bool group;
		struct task_struct* t = cpu_clock_task(which_clock, &group);
		if (!t)
			return lib::Error{EINVAL};
		put_task_struct(t);
		return lib::Error{EPERM}; /* Linux: posix_cpu_clock_set */
	}
	TRY(do_sys_settimeofday64(&ts, nullptr));
	return 0;
}

SYSCALL_DEFINE2(clock_getres, int, which_clock, user_ptr<struct __kernel_timespec>, tp)
{
	if (!valid_clock(which_clock))
		return lib::Error{EINVAL};
	int64_t res;
	if (is_cpu_clock(which_clock)) {
		bool group;
		struct task_struct* t = cpu_clock_task(which_clock, &group);
		if (!t)
			return lib::Error{EINVAL};
		put_task_struct(t);
		/* the scheduler's clock counts nanoseconds; the sampled ones, ticks */
		res = cpuclock_which(cpuclock_id(which_clock)) == CPUCLOCK_SCHED ? 1 : int64_t(TICK_NSEC);
	}
	else if (which_clock == CLOCK_REALTIME_COARSE || which_clock == CLOCK_MONOTONIC_COARSE)
		res = int64_t(TICK_NSEC); /* Linux: LOW_RES_NSEC */
	else
		res = 1; /* Linux: hrtimer_resolution with high-resolution timers */
	if (tp)
		TRY(put_timespec64(res, tp));
	return 0;
}

SYSCALL_DEFINE4(clock_nanosleep, int, which_clock, int, flags, user_ptr<const struct __kernel_timespec>, rqtp,
                user_ptr<struct __kernel_timespec>, rmtp)
{
	(void)rmtp; /* written only when a signal interrupts the sleep */
	if (!valid_clock(which_clock))
		return lib::Error{EINVAL};
	switch (which_clock) {
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_REALTIME_COARSE:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_THREAD_CPUTIME_ID:
		return lib::Error{EOPNOTSUPP}; /* no nsleep in their k_clock */
	}
	struct timespec64 t = TRY(get_timespec64(rqtp));
	if (!timespec64_valid(t))
		return lib::Error{EINVAL};
	if (is_cpu_clock(which_clock)) {
		int id = cpuclock_id(which_clock);
		if (cpuclock_perthread(id) && (cpuclock_pid(id) == 0 || cpuclock_pid(id) == current->pid))
			return lib::Error{EINVAL}; /* Linux: sleeping on one's own thread clock */
		pr_warn_once("clock_nanosleep: CPU-time clock %d is not implemented\n", which_clock);
		return lib::Error{EINVAL};
	}
	TRY(nanosleep_on(which_clock, t, flags & TIMER_ABSTIME));
	return 0;
}

SYSCALL_DEFINE2(nanosleep, user_ptr<const struct __kernel_timespec>, rqtp, user_ptr<struct __kernel_timespec>, rmtp)
{
	(void)rmtp;
	struct timespec64 t = TRY(get_timespec64(rqtp));
	if (!timespec64_valid(t))
		return lib::Error{EINVAL};
	TRY(nanosleep_on(CLOCK_MONOTONIC, t, false));
	return 0;
}
