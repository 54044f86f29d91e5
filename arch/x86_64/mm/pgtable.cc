/*
 * Kernel page tables (Linux: arch/x86/mm/init_64.c vmemmap_populate and
 * preallocate_vmalloc_pages, mm/sparse-vmemmap.c, mm/vmalloc.c
 * vmap_pages_range/vunmap_range, mm/ioremap.c ioremap_page_range,
 * arch/x86/mm/pat/set_memory.c lookup_address, arch/x86/mm/tlb.c; the
 * per-process PGDs of arch/x86/mm/pgtable.c pgd_alloc/pgd_free).
 *
 * Early: vmemmap_populate() runs before the buddy allocator exists, so its
 * page-table pages and the struct page backing come from memblock.  New
 * entries replace non-present ones, so no TLB flush is needed.
 *
 * Late: the vmalloc/ioremap mappers.  Their PMD and PTE tables come from
 * alloc_page(GFP_KERNEL | __GFP_ZERO), under the PUD pages that
 * preallocate_vmalloc_pages() put into init_top_pgt; see the invariant in
 * <arch/pgtable.h>.  Only 4 KiB PTEs are made here (no huge vmap).
 *
 * Data structures: the four-level tables themselves, reached from
 * init_top_pgt; kernel_pgtable_lock.
 *
 * Lock order: kernel_pgtable_lock is a leaf (Linux: init_mm.page_table_
 * lock), taken only to install a freshly allocated table; the page for it
 * is allocated before and freed after, outside the lock.
 */
#include <arch/pgtable.h>
#include <arch/processor.h>
#include <arch/hardirq.h>
#include <kernel/cpumask.h>
#include <kernel/panic.h>
#include <kernel/preempt.h>
#include <kernel/printk.h>
#include <lib/spinlock.h>
#include <lib/string.h>
#include <mm/memblock.h>
#include <mm/page_alloc.h>
#include <uapi/asm-generic/errno-base.h>

namespace
{
constexpr uint64_t TABLE_FLAGS = _PAGE_PRESENT | _PAGE_RW;
constexpr uint64_t DATA_FLAGS = _PAGE_PRESENT | _PAGE_RW | _PAGE_GLOBAL | _PAGE_NX;

/* Linux's tlb_single_page_flush_ceiling: past this many pages one full
 * flush is cheaper than invlpg per page */
constexpr unsigned long TLB_SINGLE_PAGE_FLUSH_CEILING = 33;

lib::spinlock kernel_pgtable_lock;

phys_addr_t alloc_zeroed(phys_addr_t size, int nid)
{
	phys_addr_t pa = memblock_phys_alloc_try_nid(size, size, nid);
	if (pa)
		lib::memset(__va(pa), 0, size);
	return pa;
}

/* early: the next-level table under table[idx], allocated from memblock */
lib::Result<uint64_t*> next_table(uint64_t* table, unsigned idx, int nid)
{
	if (!(table[idx] & _PAGE_PRESENT)) {
		phys_addr_t pa = alloc_zeroed(PAGE_SIZE, nid);
		if (!pa)
			return lib::Error{ENOMEM};
		table[idx] = pa | TABLE_FLAGS;
	}
	return static_cast<uint64_t*>(__va(table[idx] & PTE_PFN_MASK));
}

inline unsigned idx(uintptr_t va, unsigned shift)
{
	return (va >> shift) & (PTRS_PER_TABLE - 1);
}

/* the next multiple of size after va, capped at end (and at the top of
 * the address space, where the sum wraps to 0) */
inline uintptr_t next_boundary(uintptr_t va, uintptr_t size, uintptr_t end)
{
	uintptr_t next = (va | (size - 1)) + 1;
	return (next == 0 || next > end) ? end : next;
}

inline uint64_t* table_of(uint64_t entry)
{
	return static_cast<uint64_t*>(__va(entry & PTE_PFN_MASK));
}

/* late: the table under *entry, allocated from the buddy allocator when
 * absent.  ENOMEM when memory is short, EINVAL when a large page is in
 * the way. */
lib::Result<uint64_t*> table_alloc_kernel(uint64_t* entry)
{
	if (!(__atomic_load_n(entry, __ATOMIC_ACQUIRE) & _PAGE_PRESENT)) {
		struct page* pg = alloc_page(GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN);
		if (!pg)
			return lib::Error{ENOMEM};
		{
			lib::spin_lock_guard g(kernel_pgtable_lock);
			if (!(*entry & _PAGE_PRESENT)) {
				__atomic_store_n(entry, page_to_phys(pg) | _KERNPG_TABLE, __ATOMIC_RELEASE);
				pg = nullptr;
			}
		}
		if (pg) /* another mapper installed one first */
			__free_page(pg);
	}
	if (*entry & _PAGE_PSE)
		return lib::Error{EINVAL};
	return table_of(*entry);
}

/* the PTE for va, with the PMD and PTE tables allocated as needed; the
 * PML4 entry must exist already (the shared-kernel-half invariant):
 * EINVAL if it does not */
lib::Result<uint64_t*> pte_alloc_kernel(uintptr_t va)
{
	uint64_t pgd = init_top_pgt[pgd_index(va)];
	if (!(pgd & _PAGE_PRESENT)) {
		pr_err("vmap: no PGD entry for %#lx: the kernel half of init_top_pgt was not preallocated\n",
		       (unsigned long)va);
		return lib::Error{EINVAL};
	}
	uint64_t* pmd = TRY(table_alloc_kernel(&table_of(pgd)[pud_index(va)]));
	uint64_t* pte = TRY(table_alloc_kernel(&pmd[pmd_index(va)]));
	return &pte[pte_index(va)];
}

/* Map [addr, end): the pfn of page i comes from pfn_of(i).  A new PTE
 * table is looked up once per 2 MiB, not per page. */
template <typename PfnOf> lib::Result<void> map_range(uintptr_t addr, uintptr_t end, pgprot_t prot, PfnOf pfn_of)
{
	uint64_t flags = massage_pgprot(prot);
	uint64_t* pte = nullptr;
	for (unsigned long i = 0; addr < end; addr += PAGE_SIZE, i++) {
		if (!pte || !(addr & (PMD_SIZE - 1)))
			pte = TRY(pte_alloc_kernel(addr));
		else
			pte++;
		if (WARN_ON(*pte & _PAGE_PRESENT))
			return lib::Error{EBUSY};
		unsigned long pfn = pfn_of(i);
		if (pfn == ~0UL)
			return lib::Error{ENOMEM};
		*pte = (uint64_t(pfn) << PAGE_SHIFT) | flags;
	}
	return lib::ok();
}
} // namespace

unsigned long vmemmap_bytes;

lib::Result<void> vmemmap_populate(uintptr_t start, uintptr_t end, int nid)
{
	start &= ~(PAGE_SIZE - 1);
	for (uintptr_t va = start; va < end;) {
		uint64_t* pud = TRY(next_table(init_top_pgt, idx(va, PGDIR_SHIFT), nid));
		uint64_t* pmd = TRY(next_table(pud, idx(va, PUD_SHIFT), nid));
		uint64_t& pmde = pmd[idx(va, PMD_SHIFT)];
		if (pmde & _PAGE_PSE) { /* a 2 MiB page covers it already */
			va = (va | (PMD_SIZE - 1)) + 1;
			continue;
		}
		if (!(pmde & _PAGE_PRESENT) && !(va & (PMD_SIZE - 1)) && end - va >= PMD_SIZE) {
			if (phys_addr_t pa = alloc_zeroed(PMD_SIZE, nid)) {
				pmde = pa | DATA_FLAGS | _PAGE_PSE;
				vmemmap_bytes += PMD_SIZE;
				va += PMD_SIZE;
				continue;
			}
		}
		uint64_t* pte = TRY(next_table(pmd, idx(va, PMD_SHIFT), nid));
		uint64_t& ptee = pte[idx(va, PAGE_SHIFT)];
		if (!(ptee & _PAGE_PRESENT)) {
			phys_addr_t pa = alloc_zeroed(PAGE_SIZE, nid);
			if (!pa)
				return lib::Error{ENOMEM};
			ptee = pa | DATA_FLAGS;
			vmemmap_bytes += PAGE_SIZE;
		}
		va += PAGE_SIZE;
	}
	return lib::ok();
}

uint64_t massage_pgprot(pgprot_t prot)
{
	/* computed once; racing first callers compute the same value */
	static uint64_t supported_pte_mask;
	if (!supported_pte_mask)
		supported_pte_mask = (rdmsr(MSR_EFER) & (1UL << 11)) ? ~0ULL : ~uint64_t(_PAGE_NX);
	uint64_t v = pgprot_val(prot);
	return (v & _PAGE_PRESENT) ? (v & supported_pte_mask) : v;
}

void preallocate_vmalloc_pages()
{
	/* PML4 slot by slot: VMALLOC_START need not be PGDIR aligned (KASLR
	 * aligns it to 1 GiB only), so the range may touch 65 slots */
	unsigned long n = 0;
	for (uintptr_t addr = VMALLOC_START; addr <= VMALLOC_END; addr = (addr | (PGDIR_SIZE - 1)) + 1) {
		uint64_t* pgd = &init_top_pgt[pgd_index(addr)];
		if (*pgd & _PAGE_PRESENT)
			continue;
		struct page* pud = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!pud)
			panic("Failed to pre-allocate pud pages for vmalloc area\n");
		*pgd = page_to_phys(pud) | _KERNPG_TABLE;
		n++;
	}
	pr_debug("vmalloc: preallocated %lu PUD pages for PGD entries %u..%u\n", n, pgd_index(VMALLOC_START),
	         pgd_index(VMALLOC_END));
}

lib::Result<void> vmap_pages_range(uintptr_t addr, uintptr_t end, pgprot_t prot, struct page** pages)
{
	return map_range(addr, end, prot, [pages](unsigned long i) {
		if (WARN_ON(!pages[i]))
			return ~0UL;
		return page_to_pfn(pages[i]);
	});
}

lib::Result<void> ioremap_page_range(uintptr_t addr, uintptr_t end, phys_addr_t phys, pgprot_t prot)
{
	unsigned long pfn = phys >> PAGE_SHIFT;
	return map_range(addr, end, prot, [pfn](unsigned long i) { return pfn + i; });
}

void vunmap_range_noflush(uintptr_t start, uintptr_t end)
{
	for (uintptr_t va = start; va < end;) {
		uint64_t pgd = init_top_pgt[pgd_index(va)];
		if (!(pgd & _PAGE_PRESENT)) {
			va = next_boundary(va, PGDIR_SIZE, end);
			continue;
		}
		uint64_t pud = table_of(pgd)[pud_index(va)];
		if (!(pud & _PAGE_PRESENT) || (pud & _PAGE_PSE)) {
			WARN_ON(pud & _PAGE_PSE);
			va = next_boundary(va, PUD_SIZE, end);
			continue;
		}
		uint64_t pmd = table_of(pud)[pmd_index(va)];
		if (!(pmd & _PAGE_PRESENT) || (pmd & _PAGE_PSE)) {
			WARN_ON(pmd & _PAGE_PSE);
			va = next_boundary(va, PMD_SIZE, end);
			continue;
		}
		uint64_t* pte = table_of(pmd);
		for (uintptr_t next = next_boundary(va, PMD_SIZE, end); va < next; va += PAGE_SIZE)
			__atomic_store_n(&pte[pte_index(va)], 0, __ATOMIC_RELAXED);
	}
}

void vunmap_range(uintptr_t start, uintptr_t end)
{
	vunmap_range_noflush(start, end);
	flush_tlb_kernel_range(start, end);
}

void flush_tlb_one_kernel(uintptr_t addr)
{
	__flush_tlb_one(addr);
}

namespace
{
struct flush_tlb_info {
	uintptr_t start, end;
	unsigned initiator;
};

/* on every CPU: locally, or in the call-function IPI */
void do_kernel_range_flush(void* arg)
{
	auto* f = static_cast<const flush_tlb_info*>(arg);
	if (smp_processor_id() != f->initiator)
		inc_irq_stat(irq_tlb_count); /* /proc/interrupts "TLB shootdowns" */
	if ((f->end - f->start) >> PAGE_SHIFT > TLB_SINGLE_PAGE_FLUSH_CEILING) {
		__flush_tlb_all();
		return;
	}
	for (uintptr_t va = f->start; va < f->end; va += PAGE_SIZE)
		__flush_tlb_one(va);
}
} // namespace

/*
 * The one place kernel-range shootdowns start from (Linux:
 * arch/x86/mm/tlb.c flush_tlb_kernel_range): any CPU may hold a
 * translation of the range (the kernel half is shared), so every online
 * CPU flushes it (call-function IPI, waited for) before this returns and
 * the pages or the range can be reused.  Needs interrupts enabled when
 * other CPUs are online, as every cross-CPU call.
 */
void flush_tlb_kernel_range(uintptr_t start, uintptr_t end)
{
	start &= PAGE_MASK;
	if (end <= start)
		return;
	flush_tlb_info info{start, end, 0};
	preempt_disable();
	info.initiator = smp_processor_id();
	if (num_online_cpus() > 1 && !WARN_ON_ONCE(irqs_disabled()))
		on_each_cpu(do_kernel_range_flush, &info, 1);
	else
		do_kernel_range_flush(&info);
	preempt_enable();
}

uint64_t* lookup_address(uintptr_t address, unsigned* level)
{
	*level = PG_LEVEL_NONE;
	uint64_t pgd = init_top_pgt[pgd_index(address)];
	if (!(pgd & _PAGE_PRESENT))
		return nullptr;
	uint64_t* pud = &table_of(pgd)[pud_index(address)];
	if (!(*pud & _PAGE_PRESENT))
		return nullptr;
	if (*pud & _PAGE_PSE) {
		*level = PG_LEVEL_1G;
		return pud;
	}
	uint64_t* pmd = &table_of(*pud)[pmd_index(address)];
	if (!(*pmd & _PAGE_PRESENT))
		return nullptr;
	if (*pmd & _PAGE_PSE) {
		*level = PG_LEVEL_2M;
		return pmd;
	}
	*level = PG_LEVEL_4K;
	return &table_of(*pmd)[pte_index(address)];
}

/* ---- per-process PGDs (Linux: arch/x86/mm/pgtable.c pgd_alloc, pgd_ctor) ---- */
#include <arch/mmu_context.h>

uint64_t* pgd_alloc(struct mm_struct*)
{
	struct page* pg = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!pg)
		return nullptr;
	uint64_t* pgd = static_cast<uint64_t*>(page_address(pg));
	/* the kernel half, once: its PML4 entries never change (the invariant
	 * in <arch/pgtable.h>), so this copy stays true for the PGD's life */
	for (unsigned i = PTRS_PER_TABLE / 2; i < PTRS_PER_TABLE; i++)
		pgd[i] = init_top_pgt[i];
	return pgd;
}

void pgd_free(struct mm_struct*, uint64_t* pgd)
{
	for (unsigned i = 0; i < PTRS_PER_TABLE / 2; i++)
		WARN_ON(pgd[i]); /* free_pgtables took the user half down first */
	__free_page(virt_to_page(pgd));
}
