/*
 * Switching address spaces and flushing their TLB entries (Linux:
 * arch/x86/include/asm/mmu_context.h, tlbflush.h; arch/x86/mm/tlb.c;
 * kernel/kthread.c kthread_use_mm).
 *
 * Data structures: cpu_tlbstate[cpu].loaded_mm is the mm whose PGD is in
 * that CPU's CR3 (&init_mm at boot); is_lazy says a kernel thread runs on
 * it borrowed (lazy TLB: no CR3 switch when a kernel thread runs).
 *
 * Invariants: a CPU is in mm_cpumask(mm) from before it loads mm's PGD
 * until after it loaded another: a CPU outside the mask holds no
 * translation of mm's user addresses, so flush_tlb_mm_range() sends its
 * IPI to the mask only.  Without PCID every CR3 load flushes the non-global
 * entries (the user ones; kernel mappings are global and shared).
 *
 * Lock order: switch_mm_irqs_off runs with interrupts off (the scheduler's
 * rq->lock held); flush_tlb_mm_range needs interrupts on (a cross-CPU
 * call), and is called with mmap_lock or page_table_lock as Linux's.
 */
#pragma once
#include <mm/mm_types.h>

struct task_struct;

struct tlb_state {
	struct mm_struct* loaded_mm;
	bool is_lazy;
};
extern struct tlb_state cpu_tlbstate[NR_CPUS];

/* load next's page tables on this CPU (interrupts off) */
void switch_mm_irqs_off(struct mm_struct* prev, struct mm_struct* next, struct task_struct* tsk);
void switch_mm(struct mm_struct* prev, struct mm_struct* next, struct task_struct* tsk);
/* a kernel thread runs on mm borrowed: keep it loaded (Linux: enter_lazy_tlb) */
void enter_lazy_tlb(struct mm_struct* mm, struct task_struct* tsk);
/* exec makes next current's mm (interrupts off; Linux: activate_mm) */
static inline void activate_mm(struct mm_struct* prev, struct mm_struct* next)
{
	switch_mm_irqs_off(prev, next, nullptr);
}

/* flush [start, end) of mm from every CPU that may cache it (Linux: flush_tlb_mm_range) */
void flush_tlb_mm_range(struct mm_struct* mm, unsigned long start, unsigned long end, unsigned int stride_shift,
                        bool freed_tables);
static inline void flush_tlb_mm(struct mm_struct* mm)
{
	flush_tlb_mm_range(mm, 0, ~0UL, PAGE_SHIFT, true);
}
static inline void flush_tlb_range(struct vm_area_struct* vma, unsigned long start, unsigned long end)
{
	flush_tlb_mm_range(vma->vm_mm, start, end, PAGE_SHIFT, false);
}
static inline void flush_tlb_page(struct vm_area_struct* vma, unsigned long addr)
{
	flush_tlb_mm_range(vma->vm_mm, addr, addr + PAGE_SIZE, PAGE_SHIFT, false);
}

/* a kernel thread works in a user address space (the caller holds a mm_users
 * reference): user addresses then resolve in mm (Linux: kthread_use_mm) */
void kthread_use_mm(struct mm_struct* mm);
void kthread_unuse_mm(struct mm_struct* mm);

/* ---- PGDs (arch/x86_64/mm/pgtable.cc; Linux: arch/x86/mm/pgtable.c) ---- */
/* a new PGD: the user half empty, the kernel half copied from init_top_pgt */
uint64_t* pgd_alloc(struct mm_struct* mm);
void pgd_free(struct mm_struct* mm, uint64_t* pgd);
