/*
 * Interrupt-flag save/restore and the safe halt (Linux: arch/x86/include/
 * asm/irqflags.h).  The RAII guards in <lib/spinlock.h> use these.
 *
 * On the host (unit tests) interrupt state is a no-op: the portable kernel
 * code that saves and restores it runs there unchanged.
 */
#pragma once
#include <arch/processor.h>
#include <cstdint>

#if __STDC_HOSTED__
static inline unsigned long arch_local_save_flags() { return X86_EFLAGS_IF; }
static inline void arch_local_irq_disable() {}
static inline void arch_local_irq_enable() {}
static inline unsigned long arch_local_irq_save() { return X86_EFLAGS_IF; }
static inline void arch_local_irq_restore(unsigned long) {}
static inline bool arch_irqs_disabled() { return false; }
#else
static inline unsigned long arch_local_save_flags()
{
	unsigned long flags;
	asm volatile("pushfq; popq %0" : "=rm"(flags)::"memory");
	return flags;
}
static inline void arch_local_irq_disable()
{
	asm volatile("cli" ::: "memory");
}
static inline void arch_local_irq_enable()
{
	asm volatile("sti" ::: "memory");
}
static inline unsigned long arch_local_irq_save()
{
	unsigned long flags = arch_local_save_flags();
	arch_local_irq_disable();
	return flags;
}
static inline void arch_local_irq_restore(unsigned long flags)
{
	if (flags & X86_EFLAGS_IF)
		arch_local_irq_enable();
	else
		arch_local_irq_disable();
}
static inline bool arch_irqs_disabled()
{
	return !(arch_local_save_flags() & X86_EFLAGS_IF);
}
/* enable interrupts and halt until one comes: sti holds interrupts off
 * for one more instruction, so an interrupt cannot slip in between a
 * check made with interrupts off and the halt (Linux: native_safe_halt) */
static inline void native_safe_halt()
{
	asm volatile("sti; hlt" ::: "memory");
}
#endif
