/*
 * What the mm/ files share among themselves and nobody else calls
 * (Linux: mm/internal.h).
 */
#pragma once
#include <mm/mm.h>

/* the zero page (mm/memory.cc), from proc_caches_init */
void memory_init();
/* drop every page of every VMA of mm, then flush (exit_mmap's first half) */
void exit_mmap_pages(struct mm_struct* mm);
/* the mm_struct and vm_area_struct caches (kernel/fork.cc) */
extern struct kmem_cache* mm_cachep;
extern struct kmem_cache* vm_area_cachep;

struct vm_area_struct* find_vma_intersection(struct mm_struct* mm, unsigned long start, unsigned long end);
/* the VMA covering exactly [start, end) of vma with newflags (mm/mmap.cc) */
lib::Result<struct vm_area_struct*> vma_modify_flags(struct mm_struct* mm, struct vm_area_struct* vma,
                                                     struct vm_area_struct* prev, unsigned long start,
                                                     unsigned long end, vm_flags_t newflags);
lib::Result<void> mlock_future_check(struct mm_struct* mm, vm_flags_t flags, unsigned long len);
bool capable_ipc_lock();
extern unsigned long mmap_min_addr;
