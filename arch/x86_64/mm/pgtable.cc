/*
 * Early kernel page tables: populating the vmemmap (Linux:
 * arch/x86/mm/init_64.c vmemmap_populate, mm/sparse-vmemmap.c).
 *
 * Runs before the buddy allocator exists, so page-table pages and the
 * struct page backing come from memblock.  The kernel half of init_top_pgt
 * is shared by every address space, so nothing else needs updating; new
 * entries replace non-present ones, so no TLB flush is needed either.
 */
#include <arch/pgtable.h>
#include <lib/string.h>
#include <mm/memblock.h>

namespace {
constexpr uint64_t TABLE_FLAGS = _PAGE_PRESENT | _PAGE_RW;
constexpr uint64_t DATA_FLAGS = _PAGE_PRESENT | _PAGE_RW | _PAGE_GLOBAL | _PAGE_NX;

phys_addr_t alloc_zeroed(phys_addr_t size, int nid)
{
	phys_addr_t pa = memblock_phys_alloc_try_nid(size, size, nid);
	if (pa)
		lib::memset(__va(pa), 0, size);
	return pa;
}

/* the next-level table under table[idx], allocated if absent */
uint64_t* next_table(uint64_t* table, unsigned idx, int nid)
{
	if (!(table[idx] & _PAGE_PRESENT)) {
		phys_addr_t pa = alloc_zeroed(PAGE_SIZE, nid);
		if (!pa)
			return nullptr;
		table[idx] = pa | TABLE_FLAGS;
	}
	return static_cast<uint64_t*>(__va(table[idx] & PTE_PFN_MASK));
}

inline unsigned idx(uintptr_t va, unsigned shift) { return (va >> shift) & (PTRS_PER_TABLE - 1); }
} // namespace

bool vmemmap_populate(uintptr_t start, uintptr_t end, int nid)
{
	start &= ~(PAGE_SIZE - 1);
	for (uintptr_t va = start; va < end;) {
		uint64_t* pud = next_table(init_top_pgt, idx(va, PGDIR_SHIFT), nid);
		uint64_t* pmd = pud ? next_table(pud, idx(va, PUD_SHIFT), nid) : nullptr;
		if (!pmd)
			return false;
		uint64_t& pmde = pmd[idx(va, PMD_SHIFT)];
		if (pmde & _PAGE_PSE) { /* a 2 MiB page covers it already */
			va = (va | (PMD_SIZE - 1)) + 1;
			continue;
		}
		if (!(pmde & _PAGE_PRESENT) && !(va & (PMD_SIZE - 1)) && end - va >= PMD_SIZE) {
			if (phys_addr_t pa = alloc_zeroed(PMD_SIZE, nid)) {
				pmde = pa | DATA_FLAGS | _PAGE_PSE;
				va += PMD_SIZE;
				continue;
			}
		}
		uint64_t* pte = next_table(pmd, idx(va, PMD_SHIFT), nid);
		if (!pte)
			return false;
		uint64_t& ptee = pte[idx(va, PAGE_SHIFT)];
		if (!(ptee & _PAGE_PRESENT)) {
			phys_addr_t pa = alloc_zeroed(PAGE_SIZE, nid);
			if (!pa)
				return false;
			ptee = pa | DATA_FLAGS;
		}
		va += PAGE_SIZE;
	}
	return true;
}
