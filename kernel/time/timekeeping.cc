/*
 * jiffies, the periodic tick, the monotonic clock and msleep (Linux:
 * kernel/time/timekeeping.c do_timer/ktime_get_ns, tick-common.c
 * tick_handle_periodic/tick_periodic, timer.c msleep, init/calibrate.c
 * calibrate_delay).
 *
 * The tick: the local APIC timer interrupts HZ times a second;
 * tick_handle_periodic() adds one to jiffies_64 and lets the timer code
 * look for expired timers (update_process_times -> run_local_timers).
 * Lost ticks are lost (periodic mode, as Linux without NO_HZ): jiffies
 * count interrupts, not elapsed time.
 *
 * ktime_get_ns(): monotonic nanoseconds since boot from the TSC
 * (calibrated against the PIT in arch/x86_64/kernel/tsc.cc), the same
 * clock as printk's timestamps (Linux: the tsc clocksource behind the
 * timekeeper; we have no clocksource framework and no NTP adjustment).
 *
 * msleep(ms): a task (not the idle task, not in atomic context) sleeps in
 * schedule_timeout_uninterruptible() for msecs_to_jiffies(ms) + 1 ticks
 * (the + 1, as Linux, because the current jiffy is already partly gone)
 * while other tasks run.  Before sched_init, and for the idle task or in
 * atomic context (after might_sleep()'s report), it halts the CPU with
 * interrupts enabled for the same number of ticks instead.  With
 * interrupts disabled, or before the tick runs, no tick can come: it
 * busy-waits with mdelay().  It never returns before ktime_get_ns() has
 * advanced by msecs (see below).
 *
 * CLOCK_REALTIME and the coarse clocks (<kernel/timekeeping.h>): tk holds
 * offs_real (realtime - monotonic, from the CMOS RTC at boot and from
 * do_settimeofday64) and the monotonic time of the last tick, under the
 * seqcount tk.seq; readers retry, writers (the tick, settimeofday) hold
 * timekeeper_lock, a leaf taken with interrupts off.
 *
 * Data: jiffies_64 (jiffies is the same word), written only by the tick
 * on the boot CPU (tick_do_timer_cpu), read without a lock (aligned
 * 64-bit loads).  Every CPU's tick runs update_process_times for itself:
 * its timers, its scheduler tick.
 */
#include <arch/hardirq.h>
#include <arch/irqflags.h>
#include <arch/processor.h>
#include <arch/ptrace.h>
#include <kernel/sched/cputime.h>
#include <kernel/jiffies.h>
#include <kernel/kernel.h>
#include <kernel/preempt.h>
#include <kernel/printk.h>
#include <kernel/time.h>
#include <kernel/timer.h>
#include <kernel/sched.h>
#include <kernel/wait.h>
#include <kernel/seqlock.h>
#include <uapi/asm-generic/errno-base.h>
#include <kernel/timekeeping.h>
#include <kernel/signal.h>
#include <arch/hardirq.h>
#include <arch/ptrace.h>
#include <lib/spinlock.h>

extern "C" {
__attribute__((aligned(8))) volatile uint64_t jiffies_64 = INITIAL_JIFFIES;
extern volatile unsigned long jiffies __attribute__((alias("jiffies_64")));
}
unsigned long loops_per_jiffy;
bool tick_periodic_enabled;

namespace
{
lib::spinlock timekeeper_lock;
struct timekeeper {
	seqcount_t seq;
	int64_t offs_real;   /* CLOCK_REALTIME - CLOCK_MONOTONIC, ns */
	int64_t coarse_mono; /* CLOCK_MONOTONIC at the last tick */
} tk GUARDED_BY(timekeeper_lock);

/* a consistent snapshot of tk, without the lock */
struct timekeeper tk_read() NO_THREAD_SAFETY_ANALYSIS
{
	struct timekeeper t;
	unsigned seq;
	do {
		seq = read_seqcount_begin(&tk.seq);
		t.offs_real = tk.offs_real;
		t.coarse_mono = tk.coarse_mono;
	} while (read_seqcount_retry(&tk.seq, seq));
	return t;
}
} // namespace

void timekeeping_init()
{
	time64_t now = read_persistent_clock64();
	lib::spin_lock_irqsave_guard g(timekeeper_lock);
	write_seqcount_begin(&tk.seq);
	tk.coarse_mono = ktime_get_ns();
	tk.offs_real = now * int64_t(NSEC_PER_SEC) - tk.coarse_mono;
	write_seqcount_end(&tk.seq);
	update_vsyscall(tk.offs_real, tk.coarse_mono);
}

void update_wall_time()
{
	lib::spin_lock_irqsave_guard g(timekeeper_lock);
	write_seqcount_begin(&tk.seq);
	tk.coarse_mono = ktime_get_ns();
	write_seqcount_end(&tk.seq);
	update_vsyscall(tk.offs_real, tk.coarse_mono);
}

lib::Result<void> do_settimeofday64(const struct timespec64& ts)
{
	if (!timespec64_valid(ts))
		return lib::Error{EINVAL};
	lib::spin_lock_irqsave_guard g(timekeeper_lock);
	write_seqcount_begin(&tk.seq);
	tk.offs_real = timespec64_to_ns(ts) - int64_t(ktime_get_ns());
	write_seqcount_end(&tk.seq);
	update_vsyscall(tk.offs_real, tk.coarse_mono);
	return lib::ok();
}

int64_t ktime_get_real_ns()
{
	return int64_t(ktime_get_ns()) + tk_read().offs_real;
}
int64_t ktime_get_boottime_ns()
{
	return int64_t(ktime_get_ns()); /* no suspend: boottime is monotonic */
}
int64_t ktime_get_coarse_ns()
{
	return tk_read().coarse_mono;
}
int64_t ktime_get_coarse_real_ns()
{
	struct timekeeper t = tk_read();
	return t.coarse_mono + t.offs_real;
}
time64_t ktime_get_real_seconds()
{
	return ktime_get_coarse_real_ns() / int64_t(NSEC_PER_SEC);
}
void ktime_get_real_ts64(struct timespec64* ts)
{
	*ts = ns_to_timespec64(ktime_get_real_ns());
}
void ktime_get_ts64(struct timespec64* ts)
{
	*ts = ns_to_timespec64(int64_t(ktime_get_ns()));
}

void do_timer(unsigned long ticks)
{
	jiffies_64 = jiffies_64 + ticks; /* only the tick writes it */
	update_wall_time();
}

/* user_tick: the tick interrupted user mode (Linux: update_process_times) */
static void update_process_times(int user_tick)
{
	account_process_tick(current, user_tick);
	run_local_timers();
	scheduler_tick();
	/* ITIMER_VIRTUAL/PROF (Linux: run_posix_cpu_timers) */
	pt_regs* regs = get_irq_regs();
	run_posix_cpu_timers(regs && user_mode(regs));
}

unsigned tick_do_timer_cpu; /* the boot CPU */

/* the clock event handler of the periodic tick, hard interrupt context */
void tick_handle_periodic()
{
	if (smp_processor_id() == tick_do_timer_cpu)
		do_timer(1); /* jiffies: one CPU's tick (Linux: tick_do_timer_cpu) */
	const struct pt_regs* regs = get_irq_regs();
	update_process_times(regs && user_mode(regs));
}

uint64_t ktime_get_ns()
{
	return local_clock();
}

void msleep(unsigned int msecs)
{
	might_sleep();
	if (irqs_disabled() || !tick_periodic_enabled) {
		mdelay(msecs);
		return;
	}
	if (scheduler_running && !preempt_count() && !is_idle_task(current)) {
		/* sleep: other tasks run meanwhile (Linux's msleep) */
		unsigned long timeout = msecs_to_jiffies(msecs) + 1;
		uint64_t end = ktime_get_ns() + uint64_t(msecs) * NSEC_PER_MSEC;
		while (timeout)
			timeout = (unsigned long)schedule_timeout_uninterruptible(long(timeout));
		while (ktime_get_ns() < end)
			cpu_relax();
		return;
	}
	uint64_t deadline = ktime_get_ns() + uint64_t(msecs) * NSEC_PER_MSEC;
	unsigned long expire = jiffies + msecs_to_jiffies(msecs) + 1;
	for (;;) {
		/* check with interrupts off, then "sti; hlt": sti holds interrupts
		 * off for one more instruction, so a tick cannot slip in between
		 * the check and the halt and leave us waiting a tick too long */
		arch_local_irq_disable();
		if (!time_before(jiffies, expire))
			break;
		native_safe_halt();
	}
	arch_local_irq_enable();
	/* a tick is 1/HZ s of TSC time only to calibration accuracy, and QEMU
	 * may deliver one late and the next on time: make "at least msecs"
	 * hold by the monotonic clock too (a few microseconds at most) */
	while (ktime_get_ns() < deadline)
		cpu_relax();
}

void calibrate_delay()
{
	/* Linux's lpj_fine: TSC cycles per jiffy; "BogoMIPS" is lpj / (500000 / HZ) */
	loops_per_jiffy = tsc_khz * 1000 / HZ;
	pr_info("Calibrating delay loop (skipped), value calculated using timer frequency.. "
	        "%lu.%02lu BogoMIPS (lpj=%lu)\n",
	        loops_per_jiffy / (500000 / HZ), (loops_per_jiffy / (5000 / HZ)) % 100, loops_per_jiffy);
}
