/*
 * Per-CPU hot data of the running context (Linux: arch/x86/include/asm/
 * current.h struct pcpu_hot, 6.2+; before that separate per-CPU variables
 * __preempt_count, hardirq_stack_ptr, hardirq_stack_inuse).
 *
 * Data structures: pcpu_hot[NR_CPUS], indexed by smp_processor_id().  Linux
 * reaches it through %gs; there is one CPU today, so an array indexed by
 * the (constant 0) CPU number does the same until the SMP issue points
 * %gs at each CPU's copy.
 *
 * Invariants: each field is written only by its own CPU.  preempt_count is
 * changed with single read-modify-write instructions (addl/subl on memory)
 * and every interrupt leaves it as it found it, so no lock and no atomic
 * prefix are needed, exactly as on Linux.  hardirq_stack_ptr is the IRQ
 * stack's top minus 16 (the word there keeps the interrupted stack pointer
 * while the stack is in use, for the unwinder); hardirq_stack_inuse is set
 * exactly while this CPU runs on its IRQ stack.
 */
#pragma once
#include <cstdint>
#include <kernel/smp.h>

struct pcpu_hot {
	/* x86 layout (<kernel/preempt.h>); starts at PREEMPT_ENABLED: count 0,
	 * the inverted need-resched bit set (no reschedule pending) */
	unsigned int preempt_count = 0x80000000u;
	uintptr_t hardirq_stack_ptr = 0; /* 0 until irq_init_percpu_irqstack() */
	bool hardirq_stack_inuse = false;
	uint32_t softirq_pending = 0; /* bit n: softirq n raised (Linux: local_softirq_pending()) */
};

extern struct pcpu_hot pcpu_hot[NR_CPUS];

static inline struct pcpu_hot* this_cpu_hot()
{
	return &pcpu_hot[smp_processor_id()];
}
