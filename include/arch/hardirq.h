/*
 * Per-CPU interrupt statistics and the interrupt entry (Linux:
 * arch/x86/include/asm/hardirq.h irq_cpustat_t, asm/irq.h,
 * arch/x86/kernel/irq.c, irq_64.c).
 *
 * irq_stat[cpu] counts the architecture's own interrupts, the rows of
 * /proc/interrupts below the numbered IRQs: NMI, LOC (local timer), SPU
 * (spurious), ERR (APIC errors, global); per-IRQ counts live in the
 * irq descriptors.  Counters are bumped only by their own CPU, in
 * interrupt context.
 *
 * Every vector >= FIRST_EXTERNAL_VECTOR goes through common_interrupt():
 * on the IRQ stack (switching to it when the interrupt arrived on a task
 * stack), between irq_enter() and irq_exit(), with an EOI to the local
 * APIC where one is due.
 */
#pragma once
#include <cstddef>
#include <cstdint>
#include <kernel/smp.h>

struct pt_regs;

struct irq_cpustat_t {
	unsigned int __nmi_count;
	unsigned int apic_timer_irqs;
	unsigned int irq_spurious_count;
	unsigned int irq_unexpected_count; /* vectors with no handler */
	unsigned int apic_perf_irqs, apic_irq_work_irqs, irq_resched_count, irq_call_count, irq_tlb_count;
	unsigned int irq_thermal_count, irq_threshold_count, irq_deferred_error_count;
};
extern irq_cpustat_t irq_stat[NR_CPUS];
extern unsigned int irq_err_count;
#define inc_irq_stat(member) (irq_stat[smp_processor_id()].member++)

#define IRQ_STACK_SIZE (16 * 1024)

/* allocate this CPU's IRQ stack (vmalloc: an unmapped page below it) */
void irq_init_percpu_irqstack(unsigned int cpu);
/* [lo, hi) of cpu's IRQ stack, false before it exists */
bool irq_stack_bounds(unsigned int cpu, uintptr_t* lo, uintptr_t* hi);

/* init_IRQ: IRQ stack, PIC, IO-APIC, local APIC */
void init_IRQ();

/* entry_64.S -> do_trap -> here for vectors >= 0x20 */
void common_interrupt(pt_regs* regs, unsigned vector);
/* the NMI handler (vector 2, on its IST stack) */
void exc_nmi(pt_regs* regs);
/* the registers of the interrupt being handled (Linux: get_irq_regs) */
pt_regs* get_irq_regs();

/* per-IRQ interrupt count on cpu (Linux: kstat_irqs_cpu) */
unsigned int kstat_irqs_cpu(unsigned int irq, unsigned int cpu);

/* /proc/interrupts in Linux's format into buf; returns the length */
size_t show_interrupts(char* buf, size_t size);
