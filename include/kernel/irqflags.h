/*
 * Local interrupt enable/disable with Linux's names (Linux:
 * include/linux/irqflags.h over arch/x86/include/asm/irqflags.h).
 *
 *   unsigned long flags;
 *   local_irq_save(flags);      ... interrupts off ...
 *   local_irq_restore(flags);   back to what they were
 */
#pragma once
#include <arch/irqflags.h>

#define local_irq_enable() arch_local_irq_enable()
#define local_irq_disable() arch_local_irq_disable()
#define local_irq_save(flags)                                                                                          \
	do {                                                                                                           \
		(flags) = arch_local_irq_save();                                                                       \
	} while (0)
#define local_irq_restore(flags) arch_local_irq_restore(flags)
#define local_save_flags(flags)                                                                                        \
	do {                                                                                                           \
		(flags) = arch_local_save_flags();                                                                     \
	} while (0)
#define irqs_disabled_flags(flags) (!((flags) & X86_EFLAGS_IF))
#ifndef irqs_disabled
#define irqs_disabled() arch_irqs_disabled()
#endif
