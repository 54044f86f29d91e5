/*
 * Address-space switches and user TLB shootdowns (Linux: arch/x86/mm/tlb.c
 * switch_mm_irqs_off, enter_lazy_tlb, flush_tlb_mm_range,
 * flush_tlb_func; kernel/sched/core.c context_switch calls in).
 *
 * Data structures: cpu_tlbstate[] (<arch/mmu_context.h>), one per CPU.
 *
 * Invariants: see <arch/mmu_context.h>.  The mask bit is set before CR3
 * is loaded, with a full barrier, and a flusher changes the PTEs before it
 * reads the mask (also a full barrier): either the flusher sees the bit and
 * interrupts the CPU, or the CPU loads CR3 after the PTE change and never
 * caches the old translation.
 *
 * Differences from Linux: no PCID/ASIDs (every switch is a full flush of
 * the user entries), no deferred flush for lazy CPUs (they get the IPI and
 * flush), one flush_tlb_info on the stack of the initiator.
 *
 * Lock order: none of its own; cross-CPU calls as kernel/smp.cc.
 */
#include <arch/hardirq.h>
#include <arch/mmu_context.h>
#include <arch/processor.h>
#include <kernel/cpumask.h>
#include <kernel/irqflags.h>
#include <kernel/panic.h>
#include <kernel/preempt.h>
#include <kernel/sched.h>
#include <kernel/smp.h>

struct tlb_state cpu_tlbstate[NR_CPUS];

namespace
{
/* Linux's tlb_single_page_flush_ceiling */
constexpr unsigned long TLB_SINGLE_PAGE_FLUSH_CEILING = 33;

struct flush_tlb_info {
	struct mm_struct* mm;
	unsigned long start, end;
	unsigned initiator;
};

void flush_tlb_func(void* arg)
{
	auto* f = static_cast<const flush_tlb_info*>(arg);
	unsigned cpu = smp_processor_id();
	if (cpu != f->initiator)
		inc_irq_stat(irq_tlb_count);
	if (cpu_tlbstate[cpu].loaded_mm != f->mm)
		return; /* switched away since: the CR3 load flushed it */
	if (f->end == ~0UL || (f->end - f->start) >> PAGE_SHIFT > TLB_SINGLE_PAGE_FLUSH_CEILING) {
		__flush_tlb_local();
		return;
	}
	for (unsigned long va = f->start; va < f->end; va += PAGE_SIZE)
		asm volatile("invlpg (%0)" ::"r"(va) : "memory");
}
} // namespace

void switch_mm_irqs_off(struct mm_struct* /*prev*/, struct mm_struct* next, struct task_struct*)
{
	unsigned cpu = smp_processor_id();
	struct mm_struct* real_prev = cpu_tlbstate[cpu].loaded_mm;
	cpu_tlbstate[cpu].is_lazy = false;
	if (real_prev == next)
		return;
	if (next != &init_mm)
		cpumask_set_cpu(cpu, mm_cpumask(next)); /* seq_cst: before the CR3 load */
	write_cr3(__pa(next->pgd));
	cpu_tlbstate[cpu].loaded_mm = next;
	if (real_prev && real_prev != &init_mm)
		cpumask_clear_cpu(cpu, mm_cpumask(real_prev));
}

void switch_mm(struct mm_struct* prev, struct mm_struct* next, struct task_struct* tsk)
{
	unsigned long flags = arch_local_irq_save();
	switch_mm_irqs_off(prev, next, tsk);
	arch_local_irq_restore(flags);
}

void enter_lazy_tlb(struct mm_struct* mm, struct task_struct*)
{
	if (mm == &init_mm)
		return;
	cpu_tlbstate[smp_processor_id()].is_lazy = true;
}

void flush_tlb_mm_range(struct mm_struct* mm, unsigned long start, unsigned long end, unsigned int, bool)
{
	flush_tlb_info info{mm, start & PAGE_MASK, end, 0};
	__atomic_thread_fence(__ATOMIC_SEQ_CST); /* the PTE changes before reading the mask */
	preempt_disable();
	unsigned self = smp_processor_id();
	info.initiator = self;
	if (cpu_tlbstate[self].loaded_mm == mm) {
		unsigned long flags = arch_local_irq_save();
		flush_tlb_func(&info);
		arch_local_irq_restore(flags);
	}
	unsigned cpu;
	for_each_online_cpu(cpu)
	{
		if (cpu == self || !cpumask_test_cpu(cpu, mm_cpumask(mm)))
			continue;
		if (WARN_ON_ONCE(irqs_disabled()))
			break;
		(void)smp_call_function_single(int(cpu), flush_tlb_func, &info, 1); /* ENXIO: went offline */
	}
	preempt_enable();
}
