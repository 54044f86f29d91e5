/*
 * Per-CPU hot data of the running context (Linux: arch/x86/include/asm/
 * current.h struct pcpu_hot, 6.2+; before that separate per-CPU variables
 * __preempt_count, hardirq_stack_ptr, hardirq_stack_inuse).
 *
 * Data structures: pcpu_hot[NR_CPUS], one per CPU.  Each CPU's GS base
 * points at its own entry (setup_percpu_gs(): the boot CPU first thing in
 * x86_64_start_kernel, an AP first thing in start_secondary), so
 * `current`, smp_processor_id() and preempt_count are each one
 * %gs-relative instruction, as Linux's this_cpu_read(pcpu_hot.*): a task
 * that migrates between two of them still reads its CPU's copy, never a
 * stale address.  this_cpu_hot() (the array entry) is for the fields that
 * are only touched with interrupts off.
 *
 * Invariants: each field is written only by its own CPU.  preempt_count is
 * changed with single read-modify-write instructions (addl/subl on memory)
 * and every interrupt leaves it as it found it, so no lock and no atomic
 * prefix are needed, exactly as on Linux.  hardirq_stack_ptr is the IRQ
 * stack's top minus 16 (the word there keeps the interrupted stack pointer
 * while the stack is in use, for the unwinder); hardirq_stack_inuse is set
 * exactly while this CPU runs on its IRQ stack.  current_task is never
 * NULL: it starts as &init_task (the boot CPU's idle task) and only the
 * context switch (__switch_to, arch/x86_64/kernel/process.cc) changes it.
 */
#pragma once
#include <cstddef>
#include <cstdint>
#include <kernel/smp.h>

struct task_struct;
extern struct task_struct init_task;

struct pcpu_hot {
#if __STDC_HOSTED__
	struct task_struct* current_task = nullptr; /* host tests: there are no tasks */
#else
	struct task_struct* current_task = &init_task; /* what `current` returns on this CPU */
#endif
	/* x86 layout (<kernel/preempt.h>); starts at PREEMPT_ENABLED: count 0,
	 * the inverted need-resched bit set (no reschedule pending) */
	unsigned int preempt_count = 0x80000000u;
	unsigned int cpu_number = 0; /* smp_processor_id(); set by setup_percpu_gs */
	uintptr_t hardirq_stack_ptr = 0; /* 0 until irq_init_percpu_irqstack() */
	bool hardirq_stack_inuse = false;
	uint32_t softirq_pending = 0; /* bit n: softirq n raised (Linux: local_softirq_pending()) */
	uintptr_t boot_stack = 0;     /* an AP's first stack (its idle task's top), for secondary_startup_64 */
	/* the running task's stack top, where entry_SYSCALL_64 builds struct
	 * pt_regs; equal to TSS.sp0 (both set by __switch_to) */
	uintptr_t top_of_stack = 0;
	/* entry_SYSCALL_64 parks the user %rsp here while it switches stacks
	 * (Linux uses the TSS's unused sp2 slot) */
	uintptr_t user_sp = 0;
};
static_assert(offsetof(struct pcpu_hot, current_task) == PCPU_HOT_CURRENT_TASK);
static_assert(offsetof(struct pcpu_hot, preempt_count) == PCPU_HOT_PREEMPT_COUNT);
static_assert(offsetof(struct pcpu_hot, cpu_number) == PCPU_HOT_CPU_NUMBER);
static_assert(offsetof(struct pcpu_hot, boot_stack) == PCPU_HOT_BOOT_STACK);
static_assert(offsetof(struct pcpu_hot, top_of_stack) == PCPU_HOT_TOP_OF_STACK);
static_assert(offsetof(struct pcpu_hot, user_sp) == PCPU_HOT_USER_SP);

extern struct pcpu_hot pcpu_hot[NR_CPUS];

static inline struct pcpu_hot* this_cpu_hot()
{
	return &pcpu_hot[smp_processor_id()];
}

/* setup_percpu_gs(cpu) (<arch/desc.h>) points the GS base at pcpu_hot[cpu] */

/*
 * The running task in one instruction.  Not volatile, as Linux's
 * this_cpu_read_stable: a task's `current` never changes under it (a
 * context switch changes current_task, but the code that resumes after it
 * is the same task again), so the compiler may reuse the value.
 */
static inline __attribute__((always_inline)) struct task_struct* get_current()
{
	struct task_struct* t;
	asm("movq %%gs:%c1, %0" : "=r"(t) : "i"(offsetof(struct pcpu_hot, current_task)));
	return t;
}

/* the context switch's half: make t this CPU's current (raw_cpu_write) */
static inline void set_current_task(struct task_struct* t)
{
	asm volatile("movq %0, %%gs:%c1" ::"r"(t), "i"(offsetof(struct pcpu_hot, current_task)) : "memory");
}

/*
 * `current`: Linux's macro, as an object here, because a macro named
 * current would rewrite the standard library's members of that name
 * (std::reverse_iterator::current).  current->pid, task_pid_nr(current),
 * p == current all read the %gs slot.
 */
struct current_task_ref {
	operator struct task_struct*() const { return get_current(); }
	struct task_struct* operator->() const { return get_current(); }
};
inline constexpr current_task_ref current{};
