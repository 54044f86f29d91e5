/*
 * The address-space API (Linux: include/linux/mm.h, sched/mm.h,
 * mmap_lock.h): VMA lookups and the tree (mm/vma.cc), mapping and
 * unmapping (mm/mmap.cc), faults (mm/memory.cc), get_user_pages
 * (mm/gup.cc), mm lifetime (kernel/fork.cc).
 *
 * Lock order: see <mm/mm_types.h> and <kernel/lock_order.h>.
 */
#pragma once
#include <lib/result.h>
#include <mm/mm_types.h>
#include <uapi/asm-generic/errno-base.h>

/* ---- the VMA tree (mm/vma.cc; host-tested) ---- */

/* the gap kept free below a stack VMA: 256 pages, as Linux's stack_guard_gap */
extern unsigned long stack_guard_gap;

static inline unsigned long vm_start_gap(const struct vm_area_struct* vma)
{
	unsigned long start = vma->vm_start;
	if (vma->vm_flags & VM_GROWSDOWN) {
		start -= stack_guard_gap;
		if (start > vma->vm_start)
			start = 0;
	}
	return start;
}
static inline unsigned long vm_end_gap(const struct vm_area_struct* vma)
{
	return vma->vm_end;
}
static inline unsigned long vma_pages(const struct vm_area_struct* vma)
{
	return (vma->vm_end - vma->vm_start) >> PAGE_SHIFT;
}

/* the first VMA with vm_end > addr (it may start above addr), or NULL */
struct vm_area_struct* find_vma(struct mm_struct* mm, unsigned long addr);
/* find_vma, and the VMA before it (or the last VMA when none is found) */
struct vm_area_struct* find_vma_prev(struct mm_struct* mm, unsigned long addr, struct vm_area_struct** pprev);
/* the VMA containing addr, or NULL (Linux: vma_lookup) */
static inline struct vm_area_struct* vma_lookup(struct mm_struct* mm, unsigned long addr)
{
	struct vm_area_struct* v = find_vma(mm, addr);
	return v && v->vm_start <= addr ? v : nullptr;
}
/* where a VMA [addr, end) would be linked; ENOMEM if it overlaps one */
lib::Result<void> find_vma_links(struct mm_struct* mm, unsigned long addr, unsigned long end,
                                 struct vm_area_struct** pprev, struct rb_node*** rb_link,
                                 struct rb_node** rb_parent);
void __vma_link_list(struct mm_struct* mm, struct vm_area_struct* vma, struct vm_area_struct* prev);
void __vma_link_rb(struct mm_struct* mm, struct vm_area_struct* vma, struct rb_node** rb_link,
                   struct rb_node* rb_parent);
/* both, and map_count++ */
void __vma_link(struct mm_struct* mm, struct vm_area_struct* vma, struct vm_area_struct* prev,
                struct rb_node** rb_link, struct rb_node* rb_parent);
/* link vma into the list and tree; ENOMEM if it overlaps (no accounting) */
lib::Result<void> __insert_vm_struct(struct mm_struct* mm, struct vm_area_struct* vma);
/* unlink vma from the list and tree, map_count-- */
void __vma_unlink(struct mm_struct* mm, struct vm_area_struct* vma);
/* recompute the gaps after vma's own vm_start/vm_end moved in place */
void vma_gap_update(struct vm_area_struct* vma);
void vma_bounds_changed(struct mm_struct* mm, struct vm_area_struct* vma);

/* a free-range request (Linux: struct vm_unmapped_area_info) */
#define VM_UNMAPPED_AREA_TOPDOWN 1
struct vm_unmapped_area_info {
	unsigned long flags;
	unsigned long length;
	unsigned long low_limit;  /* the range starts at or above */
	unsigned long high_limit; /* and ends at or below */
	unsigned long align_mask;
	unsigned long align_offset;
};
/* the lowest / highest free range that fits; ENOMEM if none */
lib::Result<unsigned long> unmapped_area(struct mm_struct* mm, const struct vm_unmapped_area_info* info);
lib::Result<unsigned long> unmapped_area_topdown(struct mm_struct* mm, const struct vm_unmapped_area_info* info);
static inline lib::Result<unsigned long> vm_unmapped_area(struct mm_struct* mm,
                                                          const struct vm_unmapped_area_info* info)
{
	if (info->flags & VM_UNMAPPED_AREA_TOPDOWN)
		return unmapped_area_topdown(mm, info);
	return unmapped_area(mm, info);
}
/* number of broken invariants of mm's list and tree (0: all hold) */
int validate_mm(struct mm_struct* mm);
