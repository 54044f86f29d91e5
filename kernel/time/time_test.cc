/*
 * ktests for jiffies, the monotonic clock, msleep and timers
 * (kernel/time/{timekeeping,timer}.cc): suites "time" and "timer".
 *
 * QEMU under TCG delivers ticks late or merges them when the host is
 * busy, so rates are checked against the TSC with wide bounds; what must
 * hold exactly (ordering, "at least" sleeps, context) is checked exactly.
 */
#include <cstdint>
#include <arch/hardirq.h>
#include <arch/processor.h>
#include <arch/stacktrace.h>
#include <kernel/interrupt.h>
#include <kernel/jiffies.h>
#include <kernel/kallsyms.h>
#include <kernel/ktest.h>
#include <kernel/preempt.h>
#include <kernel/time.h>
#include <kernel/timer.h>
#include <kernel/timekeeping.h>
#include <uapi/asm-generic/errno-base.h>
#include <lib/string.h>
#include <mm/page_alloc.h>
#include <mm/slab.h>

namespace
{
constexpr uint64_t NSEC_PER_MS = 1000000;

/* halt until cond or the TSC deadline; interrupts stay enabled */
template <typename C> bool wait_for(C cond, uint64_t ms)
{
	uint64_t end = ktime_get_ns() + ms * NSEC_PER_MS;
	while (!cond()) {
		if (ktime_get_ns() > end)
			return false;
		native_halt();
	}
	return true;
}

struct probe {
	struct timer_list timer;
	int id;
	volatile int fired;
	volatile bool in_interrupt, in_serving_softirq, in_task, irqs_off, on_irq_stack;
};

int order_log[8];
volatile int order_n;

bool on_irq_stack()
{
	uintptr_t lo, hi, sp = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
	return irq_stack_bounds(smp_processor_id(), &lo, &hi) && sp >= lo && sp < hi;
}

void probe_fn(struct timer_list* t)
{
	probe* p = from_timer(p, t, timer);
	p->fired = p->fired + 1;
	p->in_interrupt = in_interrupt();
	p->in_serving_softirq = in_serving_softirq();
	p->in_task = in_task();
	p->irqs_off = irqs_disabled();
	p->on_irq_stack = on_irq_stack();
	if (order_n < 8)
		order_log[order_n] = p->id;
	order_n = order_n + 1;
}
} // namespace

/* ---------------------------------------------------------------- time */

KTEST(time, helpers)
{
	KEXPECT_EQ(HZ, 250);
	KEXPECT_EQ(TICK_NSEC, 4000000ULL);
	KEXPECT_EQ(msecs_to_jiffies(0), 0UL);
	KEXPECT_EQ(msecs_to_jiffies(1), 1UL); /* rounded up */
	KEXPECT_EQ(msecs_to_jiffies(4), 1UL);
	KEXPECT_EQ(msecs_to_jiffies(20), 5UL);
	KEXPECT_EQ(msecs_to_jiffies(1000), 250UL);
	KEXPECT_EQ(usecs_to_jiffies(4001), 2UL);
	KEXPECT_EQ(jiffies_to_msecs(250), 1000u);
	KEXPECT_EQ(jiffies_to_usecs(1), 4000u);
	/* across the wrap */
	unsigned long before = ~0UL - 5, after = 10;
	KEXPECT_TRUE(time_after(after, before));
	KEXPECT_TRUE(time_before(before, after));
	KEXPECT_TRUE(time_after_eq(after, after));
	KEXPECT_FALSE(time_after(before, after));
	KEXPECT_TRUE(time_in_range(0UL, before, after));
	KEXPECT_TRUE(time_after64(uint64_t(3), ~uint64_t(0)));
}

KTEST(time, jiffies_start_near_the_32bit_wrap)
{
	/* Linux's INITIAL_JIFFIES: five minutes before the 32-bit wrap */
	KEXPECT_EQ(INITIAL_JIFFIES, 0xfffedb08UL); /* -300 * 250 */
	unsigned long since = jiffies - INITIAL_JIFFIES;
	/* the tick started after boot: never more ticks than uptime allows */
	KEXPECT_LE(since, ktime_get_ns() / TICK_NSEC + 1);
	KEXPECT_EQ(get_jiffies_64(), uint64_t(jiffies));
}

/*
 * The tick is periodic and lost ticks are lost (as Linux's tick_periodic):
 * while the host leaves this vCPU unscheduled, the APIC timer's
 * expiries merge into one pending interrupt.  So the count of jiffies is
 * held against the time the vCPU really ran: a busy loop reads the TSC,
 * and a gap of 1 ms or more between two reads is a stall (the host's, or
 * another task's turn), not counted (issue 20: a plain 100 ms wall-clock
 * window once saw 7 ticks in 135 ms on a loaded host).  QEMU also loses
 * ticks while the vCPU runs, when its main loop, which fires the timer,
 * is the thread the host leaves waiting: the 200 ms version of this test
 * saw 48 of 50 ticks with no stall, once in 1,360 soak runs.  So over 400
 * ms of running time the ticks must be at least three quarters of its
 * length in ticks, less one per stall (a tick 25 % slow or worse is a
 * calibration bug), and never more than the wall-clock time allows.
 */
KTEST(time, jiffies_advance_at_hz_by_the_tsc)
{
	constexpr uint64_t STALL_NS = 1000000, RUN_NS = 400 * NSEC_PER_MS, GIVE_UP_NS = 5000 * NSEC_PER_MS;
	unsigned long j0 = jiffies, stalls = 0;
	uint64_t t0 = ktime_get_ns(), prev = t0, ran = 0;
	while (ran < RUN_NS && prev - t0 < GIVE_UP_NS) {
		cpu_relax();
		uint64_t now = ktime_get_ns();
		if (now - prev >= STALL_NS)
			stalls++;
		else
			ran += now - prev;
		prev = now;
	}
	unsigned long dj = jiffies - j0;
	uint64_t dt = prev - t0;
	unsigned long run_ticks = (unsigned long)(ran / TICK_NSEC); /* 100 at 400 ms */
	printk(KERN_INFO "    # jiffies_advance_at_hz_by_the_tsc: %lu jiffies in %llu us run (%lu stalls, %llu us of TSC "
	                 "time)\n",
	       dj, (unsigned long long)(ran / 1000), stalls, (unsigned long long)(dt / 1000));
	KEXPECT_GE(ran, RUN_NS); /* the vCPU ran 400 ms within 5 s */
	/* a fast tick would be a calibration bug */
	KEXPECT_LE(dj, (unsigned long)(dt / TICK_NSEC) + 2);
	/* a slow or missing one: well under the running time's ticks */
	KEXPECT_GE(dj + stalls + 1, run_ticks * 3 / 4);
	KEXPECT_GE(dj, 5UL);
}

KTEST(time, ktime_is_monotonic)
{
	uint64_t prev = ktime_get_ns();
	for (int i = 0; i < 1000; i++) {
		uint64_t now = ktime_get_ns();
		KASSERT_GE(now, prev);
		prev = now;
	}
	uint64_t t0 = ktime_get_ns();
	mdelay(5);
	KEXPECT_GE(ktime_get_ns() - t0, 5 * NSEC_PER_MS);
}

KTEST(time, msleep_sleeps_at_least_as_asked)
{
	for (int i = 0; i < 3; i++) {
		unsigned long j0 = jiffies;
		uint64_t t0 = ktime_get_ns();
		msleep(20);
		uint64_t dt = ktime_get_ns() - t0;
		KEXPECT_GE(dt, 20 * NSEC_PER_MS);
		KEXPECT_LT(dt, 2000 * NSEC_PER_MS);
		KEXPECT_GE(jiffies - j0, msecs_to_jiffies(20) + 1);
	}
}

/* ---------------------------------------------------------------- timer */

KTEST(timer, fire_in_expiry_order_in_softirq)
{
	static probe a, b, c, d;
	probe* all[] = {&a, &b, &c, &d};
	int id = 0;
	for (probe* p : all) {
		*p = probe{};
		p->id = ++id;
		timer_setup(&p->timer, probe_fn, 0);
	}
	order_n = 0;
	unsigned base_pending = nr_pending_timers();
	unsigned long now = jiffies;
	/* armed out of order; c and d expire together and keep arming order */
	KEXPECT_EQ(mod_timer(&a.timer, now + 4), 0);
	KEXPECT_EQ(mod_timer(&b.timer, now + 2), 0);
	KEXPECT_EQ(mod_timer(&c.timer, now + 3), 0);
	KEXPECT_EQ(mod_timer(&d.timer, now + 3), 0);
	KEXPECT_TRUE(timer_pending(&a.timer));
	KEXPECT_EQ(nr_pending_timers(), base_pending + 4);
	KASSERT_TRUE(wait_for([] { return order_n == 4; }, 2000));
	KEXPECT_EQ(order_log[0], 2);
	KEXPECT_EQ(order_log[1], 3);
	KEXPECT_EQ(order_log[2], 4);
	KEXPECT_EQ(order_log[3], 1);
	for (probe* p : all) {
		KEXPECT_EQ(p->fired, 1);
		KEXPECT_TRUE(p->in_interrupt);
		KEXPECT_TRUE(p->in_serving_softirq);
		KEXPECT_FALSE(p->in_task);
		KEXPECT_FALSE(p->irqs_off); /* softirqs run with interrupts on */
		KEXPECT_TRUE(p->on_irq_stack);
		KEXPECT_FALSE(timer_pending(&p->timer));
	}
	KEXPECT_EQ(nr_pending_timers(), base_pending);
}

KTEST(timer, expire_no_earlier_than_asked)
{
	static probe p;
	p = probe{};
	timer_setup(&p.timer, probe_fn, 0);
	order_n = 0;
	unsigned long armed = jiffies;
	mod_timer(&p.timer, armed + 5);
	KASSERT_TRUE(wait_for([] { return p.fired != 0; }, 2000));
	KEXPECT_TRUE(time_after_eq(jiffies, armed + 5));
}

KTEST(timer, del_timer_prevents_firing)
{
	static probe p;
	p = probe{};
	timer_setup(&p.timer, probe_fn, 0);
	KEXPECT_EQ(del_timer(&p.timer), 0); /* never armed */
	mod_timer(&p.timer, jiffies + 2);
	KEXPECT_EQ(mod_timer(&p.timer, jiffies + 3), 1); /* was pending: re-armed */
	KEXPECT_EQ(del_timer(&p.timer), 1);
	KEXPECT_FALSE(timer_pending(&p.timer));
	msleep(40);
	KEXPECT_EQ(p.fired, 0);
	mod_timer(&p.timer, jiffies + 2);
	KEXPECT_EQ(del_timer_sync(&p.timer), 1);
	KEXPECT_EQ(del_timer_sync(&p.timer), 0);
	msleep(20);
	KEXPECT_EQ(p.fired, 0);
}

namespace
{
struct rearm {
	struct timer_list timer;
	volatile int runs;
};
void rearm_fn(struct timer_list* t)
{
	rearm* r = from_timer(r, t, timer);
	r->runs = r->runs + 1;
	if (r->runs < 3)
		mod_timer(&r->timer, jiffies + 1);
}
} // namespace

KTEST(timer, callback_may_rearm_itself)
{
	static rearm r;
	r.runs = 0;
	timer_setup(&r.timer, rearm_fn, 0);
	r.timer.expires = jiffies + 1;
	add_timer(&r.timer);
	KASSERT_TRUE(wait_for([] { return r.runs == 3; }, 2000));
	msleep(20);
	KEXPECT_EQ(r.runs, 3);
	KEXPECT_FALSE(timer_pending(&r.timer));
}

namespace
{
struct atomic_alloc {
	struct timer_list timer;
	volatile bool done, in_interrupt, pages_ok, big_ok, kmalloc_ok;
	uintptr_t trace[32];
	volatile unsigned nr_trace;
};
void atomic_alloc_fn(struct timer_list* t)
{
	atomic_alloc* a = from_timer(a, t, timer);
	a->in_interrupt = in_interrupt();
	struct page* p = alloc_pages(GFP_ATOMIC, 0);
	struct page* q = alloc_pages(GFP_ATOMIC, 3);
	void* k = kmalloc(64, GFP_ATOMIC);
	a->pages_ok = p != nullptr;
	a->big_ok = q != nullptr;
	a->kmalloc_ok = k != nullptr;
	if (p) {
		lib::memset(page_address(p), 0xa5, PAGE_SIZE);
		__free_pages(p, 0);
	}
	if (q) {
		lib::memset(page_address(q), 0xa5, 8 * PAGE_SIZE);
		__free_pages(q, 3);
	}
	if (k) {
		lib::memset(k, 0xa5, 64);
		kfree(k);
	}
	uintptr_t fp = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
	a->nr_trace = stack_trace_save_bp(fp, fp, a->trace, 32);
	a->done = true;
}

bool trace_has(const uintptr_t* trace, unsigned n, const char* fn)
{
	for (unsigned i = 0; i < n; i++) {
		const char* name;
		size_t size, off;
		if (kallsyms_lookup(trace[i], &name, &size, &off) && lib::strcmp(name, fn) == 0)
			return true;
	}
	return false;
}
} // namespace

/* issue 3's deferred test: GFP_ATOMIC allocations from interrupt context */
KTEST(timer, gfp_atomic_allocations_from_timer_callback)
{
	static atomic_alloc a;
	a = atomic_alloc{};
	timer_setup(&a.timer, atomic_alloc_fn, 0);
	mod_timer(&a.timer, jiffies + 1);
	KASSERT_TRUE(wait_for([] { return a.done; }, 2000));
	KEXPECT_TRUE(a.in_interrupt);
	KEXPECT_TRUE(a.pages_ok);
	KEXPECT_TRUE(a.big_ok);
	KEXPECT_TRUE(a.kmalloc_ok);
	/* the backtrace taken on the IRQ stack continues on the task stack */
	KEXPECT_TRUE(trace_has(a.trace, a.nr_trace, "__do_softirq"));
	KEXPECT_TRUE(trace_has(a.trace, a.nr_trace, "common_interrupt"));
	KEXPECT_TRUE(trace_has(a.trace, a.nr_trace, "ktest_run"));
}

/* A callback re-arming its timer for "now" runs again on the next tick,
 * not in a loop inside this one (it used to spin forever). */
namespace
{
struct rearm_now_probe {
	timer_list timer;
	int runs;
	unsigned long first_jiffy, last_jiffy;
};
rearm_now_probe rnp;
void rearm_now_fn(timer_list* t)
{
	rearm_now_probe* p = from_timer(p, t, timer);
	if (!p->runs++)
		p->first_jiffy = jiffies;
	p->last_jiffy = jiffies;
	if (p->runs < 1000)
		mod_timer(t, jiffies);
}
} // namespace

KTEST(timer, rearm_for_now_runs_next_tick)
{
	rnp = rearm_now_probe{};
	timer_setup(&rnp.timer, rearm_now_fn, 0);
	mod_timer(&rnp.timer, jiffies + 1);
	msleep(60); /* ~15 ticks */
	del_timer_sync(&rnp.timer);
	KEXPECT_GE(rnp.runs, 2);
	/* at most one run per tick that passed */
	KEXPECT_LE((unsigned long)rnp.runs, rnp.last_jiffy - rnp.first_jiffy + 1);
}

/* CLOCK_REALTIME comes from the CMOS RTC, which QEMU sets from the host's
 * clock: any boot after this code was written reads a date after 2026 */
KTEST(time, realtime_starts_from_the_rtc)
{
	KEXPECT_GT(ktime_get_real_seconds(), mktime64(2026, 1, 1, 0, 0, 0));
	KEXPECT_LT(ktime_get_real_seconds(), mktime64(2100, 1, 1, 0, 0, 0));
	/* realtime and monotonic advance together: their difference stays the
	 * same.  Each sample brackets the realtime read between two monotonic
	 * ones and keeps the tightest of a few, so a vCPU descheduled by a
	 * loaded host between two reads does not look like drift. */
	auto offset = [] {
		int64_t best = 0, width = INT64_MAX;
		for (int i = 0; i < 8; i++) {
			int64_t a = int64_t(ktime_get_ns());
			int64_t r = ktime_get_real_ns();
			int64_t b = int64_t(ktime_get_ns());
			if (b - a < width) {
				width = b - a;
				best = r - (a + (b - a) / 2);
			}
		}
		return best;
	};
	int64_t d0 = offset();
	msleep(20);
	int64_t d1 = offset();
	KEXPECT_LT(d1 - d0 < 0 ? d0 - d1 : d1 - d0, 1000000); /* < 1 ms apart */
}

/* the coarse clocks are the monotonic/real time of the last tick: never
 * ahead, and behind by less than a generous number of ticks */
KTEST(time, coarse_clocks_follow_the_tick)
{
	int64_t coarse = ktime_get_coarse_ns();
	int64_t now = int64_t(ktime_get_ns());
	KEXPECT_LE(coarse, now);
	KEXPECT_LT(now - coarse, int64_t(100 * TICK_NSEC)); /* a stalled vCPU may lose ticks */
	unsigned long j = jiffies;
	while (jiffies == j)
		cpu_relax();
	KEXPECT_GT(ktime_get_coarse_ns(), coarse);
	int64_t creal = ktime_get_coarse_real_ns();
	KEXPECT_LE(creal, ktime_get_real_ns());
}

KTEST(time, settimeofday_moves_realtime_only)
{
	struct timespec64 before;
	ktime_get_real_ts64(&before);
	int64_t mono0 = int64_t(ktime_get_ns());
	struct timespec64 later = {before.tv_sec + 3600, before.tv_nsec};
	KASSERT_OK(do_settimeofday64(later));
	int64_t real = ktime_get_real_ns();
	KEXPECT_GE(real, timespec64_to_ns(later));
	KEXPECT_LT(real - timespec64_to_ns(later), int64_t(NSEC_PER_SEC));
	KEXPECT_LT(int64_t(ktime_get_ns()) - mono0, int64_t(NSEC_PER_SEC)); /* monotonic did not jump */
	struct timespec64 back = ns_to_timespec64(timespec64_to_ns(before) + (int64_t(ktime_get_ns()) - mono0));
	KASSERT_OK(do_settimeofday64(back));
	KEXPECT_ERR(do_settimeofday64(timespec64{1, 1000000000L}), EINVAL);
	KEXPECT_ERR(do_settimeofday64(timespec64{-1, 0}), EINVAL);
}
