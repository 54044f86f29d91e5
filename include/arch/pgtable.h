/*
 * Kernel page-table management (Linux: arch/x86/include/asm/pgtable_64.h,
 * pgtable_types.h, arch/x86/mm/init_64.c, pat/set_memory.c lookup_address,
 * mm/vmalloc.c vmap_pages_range/vunmap_range, arch/x86/mm/tlb.c
 * flush_tlb_kernel_range).
 *
 * Two phases:
 *   - before the buddy allocator: vmemmap_populate() takes its page-table
 *     pages and its backing from memblock; the fixmap uses static tables
 *     in .bss (arch/x86_64/mm/fixmap.cc).
 *   - after it: vmap_pages_range()/ioremap_page_range() build PMD and PTE
 *     tables with alloc_page(GFP_KERNEL | __GFP_ZERO) under the PUD pages
 *     that preallocate_vmalloc_pages() placed in init_top_pgt.
 *
 * Invariant (the kernel half is shared): every PML4 entry covering
 * [VMALLOC_START, VMALLOC_END] is present in init_top_pgt from
 * vmalloc_init() on and never changes afterwards.  A per-process PGD copies
 * the kernel half of init_top_pgt once (entries 256..511) and from then on
 * sees every vmalloc/ioremap mapping, because those only ever change the
 * shared PUD/PMD/PTE pages below, never the PML4 entries.  That is why
 * vmap_pages_range() refuses an address whose PML4 entry is missing
 * instead of allocating one.
 *
 * Lock order: callers own the PTEs of their range (the vmap_area they were
 * given), so filling and clearing PTEs takes no lock; installing a new PMD
 * or PTE table takes kernel_pgtable_lock (Linux's init_mm.page_table_lock),
 * a leaf lock held for one compare-and-store, never across allocation.
 */
#pragma once
#include <arch/page.h>
#include <cstdint>
#include <lib/result.h>

struct page;

inline constexpr uint64_t PTE_PFN_MASK = 0x000ffffffffff000ULL;

extern "C" uint64_t init_top_pgt[];

/* ---- protections (Linux: pgprot_t, __PAGE_KERNEL, _PAGE_CACHE_MODE_UC) ---- */
struct pgprot {
	uint64_t pgprot;
};
using pgprot_t = pgprot;

constexpr pgprot_t __pgprot(uint64_t v)
{
	return pgprot_t{v};
}
constexpr uint64_t pgprot_val(pgprot_t p)
{
	return p.pgprot;
}

/* a not-present PTE that still maps its page: PROT_NONE (Linux reuses the
 * global bit, meaningless in a non-present entry) */
#define _PAGE_PROTNONE _PAGE_GLOBAL

/* a table entry pointing at a lower-level kernel table */
#define _KERNPG_TABLE (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)
/* ACCESSED and DIRTY preset, as Linux does, so the CPU never writes them */
#define __PAGE_KERNEL (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY | _PAGE_GLOBAL | _PAGE_NX)
#define __PAGE_KERNEL_RO (_PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_GLOBAL | _PAGE_NX)
#define __PAGE_KERNEL_EXEC (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY | _PAGE_GLOBAL)
/* UC with the power-on PAT (PCD|PWT selects PAT entry 3) */
#define _PAGE_NOCACHE (_PAGE_PCD | _PAGE_PWT)

inline constexpr pgprot_t PAGE_NONE = __pgprot(0);
inline constexpr pgprot_t PAGE_KERNEL = __pgprot(__PAGE_KERNEL);
inline constexpr pgprot_t PAGE_KERNEL_RO = __pgprot(__PAGE_KERNEL_RO);
inline constexpr pgprot_t PAGE_KERNEL_EXEC = __pgprot(__PAGE_KERNEL_EXEC);
inline constexpr pgprot_t PAGE_KERNEL_NOCACHE = __pgprot(__PAGE_KERNEL | _PAGE_NOCACHE);

/* protection bits with what the CPU lacks removed (NX without EFER.NXE
 * would be a reserved-bit fault); Linux's massage_pgprot with
 * __supported_pte_mask */
uint64_t massage_pgprot(pgprot_t prot);

/* ---- table indices ---- */
inline constexpr uintptr_t PGDIR_SIZE = 1UL << PGDIR_SHIFT;
constexpr unsigned pgd_index(uintptr_t va)
{
	return (va >> PGDIR_SHIFT) & (PTRS_PER_TABLE - 1);
}
constexpr unsigned pud_index(uintptr_t va)
{
	return (va >> PUD_SHIFT) & (PTRS_PER_TABLE - 1);
}
constexpr unsigned pmd_index(uintptr_t va)
{
	return (va >> PMD_SHIFT) & (PTRS_PER_TABLE - 1);
}
constexpr unsigned pte_index(uintptr_t va)
{
	return (va >> PAGE_SHIFT) & (PTRS_PER_TABLE - 1);
}

/* Back the struct page array for [start, end) of the vmemmap region with
 * memory of node nid (2 MiB pages where possible, like Linux's
 * vmemmap_populate_hugepages).  ENOMEM when memory runs out.
 * Early boot only: tables and backing come from memblock. */
lib::Result<void> vmemmap_populate(uintptr_t start, uintptr_t end, int nid);
/* memory backing the vmemmap so far (the boot report shows it) */
extern unsigned long vmemmap_bytes;

/* ---- after the buddy allocator is up ---- */

/* Put a PUD page under every PML4 slot of the vmalloc range into
 * init_top_pgt (64 pages for 32 TiB); panics when memory is short, as
 * Linux does.  Called once, from vmalloc_init(). */
void preallocate_vmalloc_pages();

/* Map pages[0 .. (end - addr) / PAGE_SIZE) at [addr, end) with prot.  The
 * range must be page aligned and its PTEs empty (a present PTE is a bug:
 * WARN and -EBUSY).  On failure part of the range may be mapped: the
 * caller unmaps the whole range.  No TLB flush is needed (non-present
 * entries are never cached). */
lib::Result<void> vmap_pages_range(uintptr_t addr, uintptr_t end, pgprot_t prot, struct page** pages);

/* Map the physical range starting at phys at [addr, end) (ioremap). */
lib::Result<void> ioremap_page_range(uintptr_t addr, uintptr_t end, phys_addr_t phys, pgprot_t prot);

/* Clear the PTEs of [start, end); absent tables are skipped.  The tables
 * themselves stay (Linux frees no kernel page tables on vunmap either). */
void vunmap_range_noflush(uintptr_t start, uintptr_t end);
/* the same, then flush_tlb_kernel_range(start, end) */
void vunmap_range(uintptr_t start, uintptr_t end);

/* Flush the kernel translations of [start, end) from the TLB: invlpg per
 * page, or all translations including global ones past Linux's
 * tlb_single_page_flush_ceiling (33 pages).  Local CPU only today: the SMP
 * issue adds the shootdown IPI here (Linux: on_each_cpu(do_kernel_range_
 * flush)) and nowhere else, since every kernel-range unmap goes through
 * this function. */
void flush_tlb_kernel_range(uintptr_t start, uintptr_t end);
/* one kernel page (fixmap): Linux's flush_tlb_one_kernel */
void flush_tlb_one_kernel(uintptr_t addr);
/* (every translation, global ones included: __flush_tlb_all() in
 * <arch/processor.h>) */

/* Linux's enum pg_level */
enum pg_level : unsigned {
	PG_LEVEL_NONE,
	PG_LEVEL_4K,
	PG_LEVEL_2M,
	PG_LEVEL_1G,
	PG_LEVEL_512G,
};

/* Walk init_top_pgt for address.  Returns the entry that maps it, present
 * or not, with *level set: the PTE (PG_LEVEL_4K), or the PMD/PUD entry of
 * a 2 MiB/1 GiB page.  NULL (and PG_LEVEL_NONE) when a table on the way is
 * missing.  Differs from Linux only in that Linux returns the empty PMD
 * entry where we return NULL. */
uint64_t* lookup_address(uintptr_t address, unsigned* level);
