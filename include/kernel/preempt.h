/*
 * preempt_count and the context tests (Linux: include/linux/preempt.h,
 * arch/x86/include/asm/preempt.h).
 *
 * preempt_count, per CPU, packs what the running code is nested in, with
 * Linux's bit layout:
 *
 *   bits  0- 7  PREEMPT   preempt_disable() depth
 *   bits  8-15  SOFTIRQ   bit 8: serving a softirq; +2 per local_bh_disable()
 *   bits 16-19  HARDIRQ   hard interrupt nesting (irq_enter/irq_exit)
 *   bits 20-23  NMI       NMI nesting (nmi_enter/nmi_exit)
 *   bit  31     PREEMPT_NEED_RESCHED, inverted as on x86 (0 = resched needed)
 *
 * so in_task() is "none of NMI, HARDIRQ or serving a softirq", in_atomic()
 * is "any count at all".  The raw per-CPU word holds the inverted
 * need-resched bit; preempt_count() hides it.
 *
 * preempt_enable() calls preempt_schedule() when the count drops to zero
 * with need-resched set (CONFIG_PREEMPT); lib::spinlock disables
 * preemption while held.  Differences from Linux: Linux runs
 * start_kernel with INIT_PREEMPT_COUNT (preemption disabled) until the
 * idle loop; here the boot context is the only task there is and counts
 * as a task: its preempt_count is 0 and in_task() is true.
 *
 * Lock order: none (per-CPU, changed only by its own CPU).
 */
#pragma once
#include <arch/current.h>
#include <arch/irqflags.h>

#define PREEMPT_BITS 8
#define SOFTIRQ_BITS 8
#define HARDIRQ_BITS 4
#define NMI_BITS 4

#define PREEMPT_SHIFT 0
#define SOFTIRQ_SHIFT (PREEMPT_SHIFT + PREEMPT_BITS)
#define HARDIRQ_SHIFT (SOFTIRQ_SHIFT + SOFTIRQ_BITS)
#define NMI_SHIFT (HARDIRQ_SHIFT + HARDIRQ_BITS)

#define __IRQ_MASK(x) ((1UL << (x)) - 1)
#define PREEMPT_MASK (__IRQ_MASK(PREEMPT_BITS) << PREEMPT_SHIFT)
#define SOFTIRQ_MASK (__IRQ_MASK(SOFTIRQ_BITS) << SOFTIRQ_SHIFT)
#define HARDIRQ_MASK (__IRQ_MASK(HARDIRQ_BITS) << HARDIRQ_SHIFT)
#define NMI_MASK (__IRQ_MASK(NMI_BITS) << NMI_SHIFT)

#define PREEMPT_OFFSET (1UL << PREEMPT_SHIFT)
#define SOFTIRQ_OFFSET (1UL << SOFTIRQ_SHIFT)
#define HARDIRQ_OFFSET (1UL << HARDIRQ_SHIFT)
#define NMI_OFFSET (1UL << NMI_SHIFT)

/* local_bh_disable() adds this, serving a softirq adds SOFTIRQ_OFFSET:
 * the low bit of the SOFTIRQ field tells the two apart */
#define SOFTIRQ_DISABLE_OFFSET (2 * SOFTIRQ_OFFSET)

#define PREEMPT_NEED_RESCHED 0x80000000u
/* x86 keeps need-resched inverted so "count == 0" means both */
#define PREEMPT_ENABLED (0 + PREEMPT_NEED_RESCHED)
#define PREEMPT_DISABLE_OFFSET PREEMPT_OFFSET
#define PREEMPT_DISABLED (PREEMPT_DISABLE_OFFSET + PREEMPT_ENABLED)

#define barrier() asm volatile("" ::: "memory")

/*
 * The per-CPU word, %gs-relative in the kernel (one instruction: neither
 * an interrupt nor a migration can come between finding the word and
 * changing it); the host's thread-local CPU's array entry in unit tests.
 */
#if __STDC_HOSTED__
static inline unsigned int raw_preempt_word()
{
	return *static_cast<volatile unsigned int*>(&this_cpu_hot()->preempt_count);
}
#define __PCPU_OP(insn, val_constraint, val)                                                                           \
	asm volatile(insn " %1, %0" : "+m"(this_cpu_hot()->preempt_count) : val_constraint(val) : "memory", "cc")
#else
static inline unsigned int raw_preempt_word()
{
	unsigned int v;
	asm volatile("movl %%gs:%c1, %0" : "=r"(v) : "i"(PCPU_HOT_PREEMPT_COUNT));
	return v;
}
#define __PCPU_OP(insn, val_constraint, val)                                                                           \
	asm volatile(insn " %0, %%gs:%c1" ::val_constraint(val), "i"(PCPU_HOT_PREEMPT_COUNT) : "memory", "cc")
#endif

static inline int preempt_count()
{
	return int(raw_preempt_word() & ~PREEMPT_NEED_RESCHED);
}

/* one addl on the per-CPU word: an interrupt cannot split it */
static inline void __preempt_count_add(int val)
{
	__PCPU_OP("addl", "ri", val);
}
static inline void __preempt_count_sub(int val)
{
	__preempt_count_add(-val);
}
#define preempt_count_add(v) __preempt_count_add(int(v))
#define preempt_count_sub(v) __preempt_count_sub(int(v))
#define preempt_count_inc() preempt_count_add(1)
#define preempt_count_dec() preempt_count_sub(1)

static inline void set_preempt_need_resched()
{
	__PCPU_OP("andl", "i", ~PREEMPT_NEED_RESCHED);
}
static inline void clear_preempt_need_resched()
{
	__PCPU_OP("orl", "i", PREEMPT_NEED_RESCHED);
}
static inline bool test_preempt_need_resched()
{
	return !(raw_preempt_word() & PREEMPT_NEED_RESCHED);
}

#define nmi_count() (preempt_count() & NMI_MASK)
#define hardirq_count() (preempt_count() & HARDIRQ_MASK)
#define softirq_count() (preempt_count() & SOFTIRQ_MASK)
#define irq_count() (preempt_count() & (NMI_MASK | HARDIRQ_MASK | SOFTIRQ_MASK))

/*
 * in_nmi()            - in NMI context
 * in_hardirq()        - in hard interrupt context (in_irq(): the old name)
 * in_serving_softirq() - running a softirq handler
 * in_softirq()        - serving a softirq or with bottom halves disabled
 * in_interrupt()      - any of the above (NMI, hardirq, softirq or BH off)
 * in_task()           - in task context: not NMI, hardirq or serving softirq
 */
#define in_nmi() (nmi_count() != 0)
#define in_hardirq() (hardirq_count() != 0)
#define in_irq() in_hardirq()
#define in_serving_softirq() ((softirq_count() & SOFTIRQ_OFFSET) != 0)
#define in_softirq() (softirq_count() != 0)
#define in_interrupt() (irq_count() != 0)
#define in_task() (!(preempt_count() & (NMI_MASK | HARDIRQ_MASK | SOFTIRQ_OFFSET)))

/* any atomic context: preemption or BH disabled, or in an interrupt */
#define in_atomic() (preempt_count() != 0)

#define preempt_disable()                                                                                              \
	do {                                                                                                           \
		preempt_count_inc();                                                                                   \
		barrier();                                                                                             \
	} while (0)
/* decrement; true when the raw word reaches 0: count 0 and (inverted
 * bit clear) a reschedule pending, as x86's __preempt_count_dec_and_test */
static inline bool __preempt_count_dec_and_test()
{
	bool zero;
#if __STDC_HOSTED__
	asm volatile("decl %0" : "+m"(this_cpu_hot()->preempt_count), "=@ccz"(zero) : : "memory");
#else
	asm volatile("decl %%gs:%c1" : "=@ccz"(zero) : "i"(PCPU_HOT_PREEMPT_COUNT) : "memory");
#endif
	return zero;
}
void preempt_schedule(); /* kernel/sched/core.cc */
/* at count 0 with need-resched set, reschedule (CONFIG_PREEMPT) */
#define preempt_enable()                                                                                               \
	do {                                                                                                           \
		barrier();                                                                                             \
		if (__builtin_expect(__preempt_count_dec_and_test(), 0))                                               \
			preempt_schedule();                                                                            \
	} while (0)
#define preempt_enable_no_resched()                                                                                    \
	do {                                                                                                           \
		barrier();                                                                                             \
		preempt_count_dec();                                                                                   \
	} while (0)
#define preempt_disable_notrace() preempt_disable()
#define preempt_enable_notrace() preempt_enable()

#ifndef irqs_disabled
#define irqs_disabled() arch_irqs_disabled()
#endif
