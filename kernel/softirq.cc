/*
 * Softirqs and interrupt context accounting (Linux: kernel/softirq.c).
 *
 * irq_enter()/irq_exit() bracket every hard interrupt: HARDIRQ_OFFSET in
 * preempt_count while the handler runs.  irq_exit() runs pending softirqs
 * when it leaves the outermost interrupt context (invoke_softirq), and
 * local_bh_enable() runs them when bottom halves come back on in task
 * context.  __do_softirq() runs each pending action with SOFTIRQ_OFFSET
 * in preempt_count and interrupts enabled, so a tick can arrive (and
 * raise more softirqs) while a timer callback runs; it loops at most
 * MAX_SOFTIRQ_RESTART times and then leaves the rest for the next
 * interrupt (Linux would wake ksoftirqd, the per-CPU softirq thread,
 * which monolith does not have).
 *
 * Data structures: softirq_vec[NR_SOFTIRQS] (the actions), the per-CPU
 * pending bits in pcpu_hot.softirq_pending, per-CPU run counts.
 *
 * Invariants: pending bits are changed only with interrupts off on their
 * own CPU; a softirq never runs nested in another softirq or in hardirq
 * context on the same CPU (in_interrupt() is checked before running).
 *
 * Lock order: none (per-CPU state under local_irq_save).
 */
#include <arch/current.h>
#include <kernel/hardirq.h>
#include <kernel/interrupt.h>
#include <kernel/irqflags.h>
#include <kernel/panic.h>

void do_softirq_own_stack(); /* arch/x86_64/kernel/irq.cc */

namespace
{
constexpr int MAX_SOFTIRQ_RESTART = 10;
softirq_action softirq_vec[NR_SOFTIRQS];
unsigned long softirq_runs[NR_CPUS][NR_SOFTIRQS];

void set_pending(uint32_t v)
{
	this_cpu_hot()->softirq_pending = v;
}
} // namespace

uint32_t local_softirq_pending()
{
	return *static_cast<volatile uint32_t*>(&this_cpu_hot()->softirq_pending);
}

void open_softirq(int nr, void (*action)(struct softirq_action*))
{
	softirq_vec[nr].action = action;
}

void raise_softirq_irqoff(unsigned int nr)
{
	set_pending(local_softirq_pending() | (1u << nr));
}

void raise_softirq(unsigned int nr)
{
	unsigned long flags;
	local_irq_save(flags);
	raise_softirq_irqoff(nr);
	local_irq_restore(flags);
}

unsigned long kstat_softirqs_cpu(unsigned int nr, unsigned int cpu)
{
	return nr < NR_SOFTIRQS && cpu < NR_CPUS ? softirq_runs[cpu][nr] : 0;
}

/* interrupts off on entry and on return */
void __do_softirq()
{
	int restart = MAX_SOFTIRQ_RESTART;
	preempt_count_add(SOFTIRQ_OFFSET);
	uint32_t pending = local_softirq_pending();
	while (pending) {
		set_pending(0);
		local_irq_enable();
		for (unsigned nr = 0; pending; nr++, pending >>= 1) {
			if (!(pending & 1))
				continue;
			int prev_count = preempt_count();
			softirq_runs[smp_processor_id()][nr]++;
			if (softirq_vec[nr].action)
				softirq_vec[nr].action(&softirq_vec[nr]);
			if (prev_count != preempt_count()) {
				pr_err("huh, entered softirq %u %p with preempt_count %08x, exited with %08x?\n", nr,
				       reinterpret_cast<void*>(softirq_vec[nr].action), prev_count, preempt_count());
				preempt_count_sub(preempt_count() - prev_count);
			}
		}
		local_irq_disable();
		pending = local_softirq_pending();
		if (--restart == 0)
			break; /* Linux: wakeup_softirqd() */
	}
	preempt_count_sub(SOFTIRQ_OFFSET);
}

void irq_enter()
{
	preempt_count_add(HARDIRQ_OFFSET);
}

void irq_exit()
{
	preempt_count_sub(HARDIRQ_OFFSET);
	/* invoke_softirq: only from the outermost interrupt, with BH enabled;
	 * we are on the IRQ stack already */
	if (!in_interrupt() && local_softirq_pending())
		__do_softirq();
}

void local_bh_disable()
{
	preempt_count_add(SOFTIRQ_DISABLE_OFFSET);
	barrier();
}

void local_bh_enable()
{
	WARN_ON_ONCE(in_hardirq());
	barrier();
	unsigned long flags;
	local_irq_save(flags);
	/* keep one preempt level until the pending softirqs ran, as Linux's
	 * __local_bh_enable_ip does with SOFTIRQ_DISABLE_OFFSET - 1 */
	preempt_count_sub(SOFTIRQ_DISABLE_OFFSET - 1);
	if (!in_interrupt() && local_softirq_pending() && !irqs_disabled_flags(flags))
		do_softirq_own_stack();
	preempt_count_dec();
	local_irq_restore(flags);
}
