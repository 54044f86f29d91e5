/*
 * Device interrupt handlers and softirqs (Linux: include/linux/interrupt.h,
 * kernel/irq/manage.c request_irq/free_irq, kernel/softirq.c).
 *
 *   irqreturn_t my_isr(int irq, void* dev) { ...; return IRQ_HANDLED; }
 *   TRY(request_irq(4, my_isr, 0, "ttyS0", dev));  // ISA IRQ 4, unmasked
 *   free_irq(4, dev);                             // masked again
 *
 * IRQ numbers are Linux's: 0-15 the legacy ISA IRQs (routed through the
 * MADT's interrupt source overrides, so IRQ 0 arrives on GSI 2), above
 * that IRQ n is GSI n.  IRQ n is delivered on vector ISA_IRQ_VECTOR(n)
 * (0x30 + n) to the boot CPU; Linux allocates vectors dynamically.  A
 * handler runs in hard interrupt context with interrupts disabled, on the
 * IRQ stack; the local APIC gets its EOI after the handler (Linux's
 * fasteoi flow, correct for edge and level triggers alike).
 *
 * Softirqs: raise_softirq(nr) marks one pending on this CPU; pending
 * softirqs run on the way out of the outermost interrupt (irq_exit) or
 * when local_bh_enable() re-enables bottom halves, with interrupts
 * enabled and SOFTIRQ_OFFSET in preempt_count, up to MAX_SOFTIRQ_RESTART
 * rounds.  Linux then wakes ksoftirqd; monolith has no ksoftirqd, so the
 * rest waits for the next interrupt.
 *
 * Lock order: irq_desc_lock (irqsave) -> ioapic_lock; never held while a
 * handler runs.
 */
#pragma once
#include <cstdint>
#include <lib/result.h>

enum irqreturn {
	IRQ_NONE = 0,
	IRQ_HANDLED = 1,
	IRQ_WAKE_THREAD = 2,
};
using irqreturn_t = enum irqreturn;
using irq_handler_t = irqreturn_t (*)(int irq, void* dev_id);

/* request_irq flags (Linux's values); only the trigger ones are honoured */
#define IRQF_TRIGGER_NONE 0x00000000u
#define IRQF_TRIGGER_RISING 0x00000001u
#define IRQF_TRIGGER_FALLING 0x00000002u
#define IRQF_TRIGGER_HIGH 0x00000004u
#define IRQF_TRIGGER_LOW 0x00000008u
#define IRQF_SHARED 0x00000080u
#define IRQF_TIMER 0x00000200u

/* -EINVAL for a bad irq or no IO-APIC pin, -EBUSY if taken (no sharing yet) */
lib::Result<void> request_irq(unsigned int irq, irq_handler_t handler, unsigned long flags, const char* name,
                              void* dev_id);
/* returns the name the handler was registered with, nullptr if none */
const char* free_irq(unsigned int irq, void* dev_id);
void disable_irq(unsigned int irq);
void enable_irq(unsigned int irq);

enum {
	HI_SOFTIRQ = 0,
	TIMER_SOFTIRQ,
	NET_TX_SOFTIRQ,
	NET_RX_SOFTIRQ,
	BLOCK_SOFTIRQ,
	IRQ_POLL_SOFTIRQ,
	TASKLET_SOFTIRQ,
	SCHED_SOFTIRQ,
	HRTIMER_SOFTIRQ,
	RCU_SOFTIRQ,
	NR_SOFTIRQS
};

struct softirq_action {
	void (*action)(struct softirq_action*);
};

void open_softirq(int nr, void (*action)(struct softirq_action*));
/* mark nr pending; callable from any context (saves interrupts itself) */
void raise_softirq(unsigned int nr);
/* the same, interrupts already off */
void raise_softirq_irqoff(unsigned int nr);
uint32_t local_softirq_pending();
/* per-CPU count of softirq runs, by number (Linux: kstat_softirqs_cpu) */
unsigned long kstat_softirqs_cpu(unsigned int nr, unsigned int cpu);

void local_bh_disable();
void local_bh_enable();
