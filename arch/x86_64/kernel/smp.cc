/*
 * Inter-processor interrupts (Linux: arch/x86/kernel/smp.c
 * native_smp_send_reschedule, native_send_call_func_single_ipi,
 * sysvec_reschedule_ipi, sysvec_call_function_single).
 *
 * An IPI is a fixed-delivery interrupt sent through this CPU's ICR to the
 * target's APIC ID (x86_cpu_to_apicid).  Two vectors:
 *   RESCHEDULE_VECTOR            the target's return from the interrupt
 *                                reschedules (scheduler_ipi: need_resched
 *                                was set by the sender on the target's
 *                                current task)
 *   CALL_FUNCTION_SINGLE_VECTOR  the target drains its call queue
 *                                (kernel/smp.cc)
 *   REBOOT_VECTOR                smp_send_stop: the target leaves the
 *                                online mask, stops its tick and halts
 *                                with interrupts off (panic, power off,
 *                                restart); a CPU that does not answer in
 *                                1 s (interrupts off) gets an NMI
 * The handlers run in hard interrupt context on the IRQ stack and EOI
 * first, as Linux's.
 *
 * Lock order: none (the ICR write is done with interrupts off).
 */
#include <arch/apic.h>
#include <arch/hardirq.h>
#include <arch/irq_vectors.h>
#include <arch/irqflags.h>
#include <arch/processor.h>
#include <kernel/time.h>
#include <kernel/cpumask.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/smp.h>

void generic_smp_call_function_single_interrupt(); /* kernel/smp.cc */
void scheduler_ipi();                              /* kernel/sched/core.cc */

static void send_ipi(int cpu, unsigned vector)
{
	if (cpu < 0 || unsigned(cpu) >= NR_CPUS || x86_cpu_to_apicid[cpu] == BAD_APICID) {
		WARN_ON_ONCE(1);
		return;
	}
	apic_icr_write(APIC_DM_FIXED | vector, x86_cpu_to_apicid[cpu]);
}

void smp_send_reschedule(int cpu)
{
	if (!cpu_online(unsigned(cpu))) {
		WARN_ON_ONCE(1);
		return;
	}
	send_ipi(cpu, RESCHEDULE_VECTOR);
}

void arch_send_call_function_single_ipi(int cpu)
{
	send_ipi(cpu, CALL_FUNCTION_SINGLE_VECTOR);
}

void sysvec_reschedule_ipi()
{
	apic_eoi();
	inc_irq_stat(irq_resched_count);
	scheduler_ipi();
}

namespace
{
int stopping_cpu = -1; /* the CPU stopping the others (Linux: stopping_cpu) */

[[noreturn]] void stop_this_cpu()
{
	arch_local_irq_disable();
	set_cpu_online(smp_processor_id(), false);
	lapic_timer_shutdown();
	halt_forever();
}

/* wait up to ms for every other CPU to go offline */
bool wait_for_others(unsigned ms)
{
	uint64_t end = rdtsc() + tsc_khz * ms;
	while (num_online_cpus() > 1 && rdtsc() < end)
		cpu_relax();
	return num_online_cpus() <= 1;
}
} // namespace

void sysvec_reboot()
{
	apic_eoi();
	stop_this_cpu();
}

/* the NMI of a stop that interrupts could not deliver; never the stopper */
bool nmi_stop_requested()
{
	int stopper = __atomic_load_n(&stopping_cpu, __ATOMIC_ACQUIRE);
	if (stopper < 0 || stopper == int(raw_smp_processor_id()))
		return false;
	stop_this_cpu();
}

/* with interrupts off; the first caller stops the others, a second one
 * (a concurrent panic or power off) is stopped with them */
void smp_send_stop()
{
	unsigned self = raw_smp_processor_id(), cpu;
	int expected = -1;
	if (!__atomic_compare_exchange_n(&stopping_cpu, &expected, int(self), false, __ATOMIC_ACQ_REL,
	                                 __ATOMIC_ACQUIRE) &&
	    expected != int(self))
		stop_this_cpu();
	if (num_online_cpus() <= 1)
		return;
	for_each_online_cpu(cpu)
	{
		if (cpu != self)
			send_ipi(int(cpu), REBOOT_VECTOR);
	}
	if (wait_for_others(1000))
		return;
	pr_emerg("Shutting down cpus with NMI\n"); /* Linux's words for the fallback */
	for_each_online_cpu(cpu)
	{
		if (cpu != self)
			apic_icr_write(APIC_DM_NMI, x86_cpu_to_apicid[cpu]);
	}
	if (!wait_for_others(10))
		pr_emerg("smp: failed to stop secondary CPUs %u online\n", num_online_cpus());
}

void sysvec_call_function_single()
{
	apic_eoi();
	inc_irq_stat(irq_call_count);
	generic_smp_call_function_single_interrupt();
}
