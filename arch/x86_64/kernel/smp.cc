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
 * The handlers run in hard interrupt context on the IRQ stack and EOI
 * first, as Linux's.
 *
 * Lock order: none (the ICR write is done with interrupts off).
 */
#include <arch/apic.h>
#include <arch/hardirq.h>
#include <arch/irq_vectors.h>
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

void sysvec_call_function_single()
{
	apic_eoi();
	inc_irq_stat(irq_call_count);
	generic_smp_call_function_single_interrupt();
}
