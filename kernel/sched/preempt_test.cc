/*
 * ktests for preempt_count, the context tests, bottom halves and
 * might_sleep() (include/kernel/preempt.h, kernel/softirq.cc,
 * kernel/sched/core.cc): suite "preempt".
 *
 * The might_sleep reports are deliberate BUG lines, so those cases are
 * KTEST_EXPLICIT_ONLY and run by tests/e2e with --expect-failure.
 */
#include <arch/processor.h>
#include <kernel/hardirq.h>
#include <kernel/interrupt.h>
#include <kernel/irqflags.h>
#include <kernel/jiffies.h>
#include <kernel/kernel.h>
#include <kernel/ktest.h>
#include <kernel/preempt.h>
#include <kernel/time.h>
#include <kernel/timer.h>
#include <mm/page_alloc.h>

KTEST(preempt, linux_bit_layout)
{
	KEXPECT_EQ(PREEMPT_MASK, 0x000000ffUL);
	KEXPECT_EQ(SOFTIRQ_MASK, 0x0000ff00UL);
	KEXPECT_EQ(HARDIRQ_MASK, 0x000f0000UL);
	KEXPECT_EQ(NMI_MASK, 0x00f00000UL);
	KEXPECT_EQ(PREEMPT_OFFSET, 1UL);
	KEXPECT_EQ(SOFTIRQ_OFFSET, 0x100UL);
	KEXPECT_EQ(SOFTIRQ_DISABLE_OFFSET, 0x200UL);
	KEXPECT_EQ(HARDIRQ_OFFSET, 0x10000UL);
	KEXPECT_EQ(NMI_OFFSET, 0x100000UL);
}

KTEST(preempt, tests_run_in_task_context)
{
	KEXPECT_EQ(preempt_count(), 0);
	KEXPECT_TRUE(in_task());
	KEXPECT_FALSE(in_interrupt());
	KEXPECT_FALSE(in_irq());
	KEXPECT_FALSE(in_hardirq());
	KEXPECT_FALSE(in_softirq());
	KEXPECT_FALSE(in_nmi());
	KEXPECT_FALSE(in_atomic());
	KEXPECT_FALSE(irqs_disabled());
	KEXPECT_EQ(system_state, SYSTEM_RUNNING);
}

KTEST(preempt, disable_nests)
{
	preempt_disable();
	KEXPECT_EQ(preempt_count(), 1);
	KEXPECT_TRUE(in_atomic());
	KEXPECT_TRUE(in_task()); /* preemption off is still task context */
	preempt_disable();
	KEXPECT_EQ(preempt_count(), 2);
	mdelay(10); /* ticks come and go: each leaves the count as it was */
	KEXPECT_EQ(preempt_count(), 2);
	preempt_enable();
	KEXPECT_EQ(preempt_count(), 1);
	preempt_enable();
	KEXPECT_EQ(preempt_count(), 0);
	KEXPECT_FALSE(in_atomic());
}

KTEST(preempt, need_resched_bit_is_hidden)
{
	KEXPECT_FALSE(test_preempt_need_resched());
	set_preempt_need_resched();
	KEXPECT_TRUE(test_preempt_need_resched());
	KEXPECT_EQ(preempt_count(), 0);
	KEXPECT_FALSE(in_atomic());
	clear_preempt_need_resched();
	KEXPECT_FALSE(test_preempt_need_resched());
}

KTEST(preempt, irq_and_nmi_accounting)
{
	unsigned long flags;
	local_irq_save(flags);
	irq_enter();
	KEXPECT_EQ(preempt_count(), int(HARDIRQ_OFFSET));
	KEXPECT_TRUE(in_hardirq());
	KEXPECT_TRUE(in_interrupt());
	KEXPECT_FALSE(in_task());
	irq_enter(); /* nesting */
	KEXPECT_EQ(hardirq_count(), 2 * HARDIRQ_OFFSET);
	irq_exit();
	irq_exit();
	KEXPECT_EQ(preempt_count(), 0);
	nmi_enter();
	KEXPECT_TRUE(in_nmi());
	KEXPECT_TRUE(in_hardirq());
	KEXPECT_FALSE(in_task());
	KEXPECT_EQ(preempt_count(), int(NMI_OFFSET + HARDIRQ_OFFSET));
	nmi_exit();
	local_irq_restore(flags);
	KEXPECT_EQ(preempt_count(), 0);
}

namespace
{
struct bh_probe {
	struct timer_list timer;
	volatile int fired;
};
void bh_fn(struct timer_list* t)
{
	bh_probe* p = from_timer(p, t, timer);
	p->fired = p->fired + 1;
}
} // namespace

KTEST(preempt, local_bh_disable_defers_softirqs)
{
	static bh_probe p;
	p.fired = 0;
	timer_setup(&p.timer, bh_fn, 0);
	local_bh_disable();
	KEXPECT_EQ(preempt_count(), int(SOFTIRQ_DISABLE_OFFSET));
	KEXPECT_TRUE(in_softirq());
	KEXPECT_FALSE(in_serving_softirq());
	KEXPECT_TRUE(in_interrupt()); /* as Linux: BH off counts */
	KEXPECT_TRUE(in_task());
	mod_timer(&p.timer, jiffies + 1);
	/* several ticks (counted, not timed: a busy host may hold the vCPU
	 * back): the timer is due but its softirq must wait */
	unsigned long start = jiffies;
	uint64_t give_up = ktime_get_ns() + 2000000000ULL;
	while (time_before(jiffies, start + 4) && ktime_get_ns() < give_up)
		cpu_relax();
	KEXPECT_EQ(p.fired, 0);
	KEXPECT_TRUE((local_softirq_pending() & (1u << TIMER_SOFTIRQ)) != 0);
	local_bh_enable(); /* runs it now */
	KEXPECT_EQ(p.fired, 1);
	KEXPECT_EQ(preempt_count(), 0);
	KEXPECT_GT(kstat_softirqs_cpu(TIMER_SOFTIRQ, 0), 0UL);
}

KTEST(preempt, might_sleep_is_quiet_in_task_context)
{
	unsigned long before = jiffies;
	might_sleep();
	msleep(1);
	struct page* p = alloc_pages(GFP_KERNEL, 0);
	KEXPECT_TRUE(p != nullptr);
	if (p)
		__free_pages(p, 0);
	KEXPECT_TRUE(time_after(jiffies, before));
}

/* ---- deliberate reports: run only by name, from tests/e2e ---- */

namespace
{
struct sleeper {
	struct timer_list timer;
	volatile bool done;
};
void sleep_in_softirq(struct timer_list* t)
{
	might_sleep(); /* a timer callback is atomic: serving TIMER_SOFTIRQ */
	from_timer(static_cast<sleeper*>(nullptr), t, timer)->done = true;
}
} // namespace

KTEST_EXPLICIT_ONLY(preempt, might_sleep_in_timer_callback)
{
	static sleeper s;
	s.done = false;
	timer_setup(&s.timer, sleep_in_softirq, 0);
	mod_timer(&s.timer, jiffies + 1);
	uint64_t end = ktime_get_ns() + 2000000000ULL;
	while (!s.done && ktime_get_ns() < end)
		native_halt();
	KEXPECT_TRUE(s.done);
}

KTEST_EXPLICIT_ONLY(preempt, msleep_with_preemption_disabled)
{
	preempt_disable();
	msleep(1);
	preempt_enable();
}

KTEST_EXPLICIT_ONLY(preempt, gfp_kernel_with_irqs_disabled)
{
	unsigned long flags;
	local_irq_save(flags);
	struct page* p = alloc_pages(GFP_KERNEL, 0);
	local_irq_restore(flags);
	KEXPECT_TRUE(p != nullptr);
	if (p)
		__free_pages(p, 0);
}
