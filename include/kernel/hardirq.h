/*
 * Entering and leaving interrupt context (Linux: include/linux/hardirq.h,
 * kernel/softirq.c irq_enter/irq_exit).
 *
 * Every device and system-vector interrupt runs between irq_enter() and
 * irq_exit() (arch/x86_64/kernel/irq.cc does it, on the IRQ stack):
 * irq_enter() adds HARDIRQ_OFFSET to preempt_count; irq_exit() removes
 * it and, when that leaves no interrupt context (not nested in another
 * interrupt or a softirq, bottom halves enabled) and softirqs are pending,
 * runs them (invoke_softirq).  The NMI handler runs between nmi_enter()
 * and nmi_exit(), which add NMI_OFFSET + HARDIRQ_OFFSET as Linux's
 * __nmi_enter does, and never run softirqs.
 */
#pragma once
#include <kernel/preempt.h>

void irq_enter();
void irq_exit();

static inline void nmi_enter()
{
	preempt_count_add(NMI_OFFSET + HARDIRQ_OFFSET);
}
static inline void nmi_exit()
{
	preempt_count_sub(NMI_OFFSET + HARDIRQ_OFFSET);
}
