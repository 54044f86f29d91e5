/*
 * The fixmap's page tables and slot setting (Linux: arch/x86/mm/pgtable.c
 * __native_set_fixmap, arch/x86/mm/init_64.c set_pte_vaddr, the static
 * level2_fixmap_pgt/level1_fixmap_pgt of arch/x86/kernel/head_64.S).
 *
 * Data structures: two static page-table levels in .bss, so the fixmap
 * needs no allocator and works from early boot on:
 *   init_top_pgt[511] -> boot_pdpt_kernel (head.S)
 *   boot_pdpt_kernel[511] -> level2_fixmap_pgt (the PMD of the top GiB)
 *   level2_fixmap_pgt[pmd_index(slot)] -> level1_fixmap_pgt[k]
 * boot_pdpt_kernel[510] is the kernel-image window (KASLR may rewrite it);
 * nothing here reads or writes it.  The top GiB also holds the upper part
 * of the module area (0xffffffffc0000000..MODULES_END): a module mapper
 * later adds its own PTE pages to level2_fixmap_pgt's other entries.
 *
 * Invariants: the tables are hooked in on first use (fixmap_pgt_init) and
 * stay for good; a slot's PTE is written only by __set_fixmap, followed by
 * a flush of that one page.
 *
 * Lock order: fixmap_lock (leaf) serialises only the one-time hook-up.
 * Slots are owned by their users, so setting one takes no lock.
 */
#include <arch/fixmap.h>
#include <arch/pgtable.h>
#include <kernel/panic.h>
#include <lib/spinlock.h>

extern "C" uint64_t boot_pdpt_kernel[];

namespace
{
constexpr unsigned FIXMAP_FIRST_PMD = pmd_index(FIXADDR_START + PAGE_SIZE);

alignas(PAGE_SIZE) uint64_t level2_fixmap_pgt[PTRS_PER_TABLE];
alignas(PAGE_SIZE) uint64_t level1_fixmap_pgt[FIXMAP_PMD_NUM][PTRS_PER_TABLE];

lib::spinlock fixmap_lock;
bool fixmap_ready;

/* Hook the static tables into boot_pdpt_kernel, keeping whatever is there
 * already (a PMD another mapper installed for the top GiB is reused). */
void fixmap_pgt_init()
{
	lib::spin_lock_irqsave_guard g(fixmap_lock);
	if (fixmap_ready)
		return;
	uint64_t pgd = init_top_pgt[511];
	VERIFY((pgd & _PAGE_PRESENT) && (pgd & PTE_PFN_MASK) == __pa(boot_pdpt_kernel));
	uint64_t& pud = boot_pdpt_kernel[511];
	if (!(pud & _PAGE_PRESENT))
		pud = __pa(level2_fixmap_pgt) | _KERNPG_TABLE;
	VERIFY(!(pud & _PAGE_PSE));
	uint64_t* pmd = static_cast<uint64_t*>(__va(pud & PTE_PFN_MASK));
	if ((pud & PTE_PFN_MASK) == __pa(level2_fixmap_pgt))
		pmd = level2_fixmap_pgt; /* reachable before the direct map is */
	for (unsigned k = 0; k < FIXMAP_PMD_NUM; k++) {
		uint64_t& e = pmd[FIXMAP_FIRST_PMD + k];
		if (!(e & _PAGE_PRESENT))
			e = __pa(level1_fixmap_pgt[k]) | _KERNPG_TABLE;
		VERIFY(!(e & _PAGE_PSE) && (e & PTE_PFN_MASK) == __pa(level1_fixmap_pgt[k]));
	}
	__atomic_store_n(&fixmap_ready, true, __ATOMIC_RELEASE);
}

uint64_t* fixmap_pte(uintptr_t vaddr)
{
	unsigned k = pmd_index(vaddr) - FIXMAP_FIRST_PMD;
	return &level1_fixmap_pgt[k][pte_index(vaddr)];
}
} // namespace

void __set_fixmap(enum fixed_addresses idx, phys_addr_t phys, pgprot_t flags)
{
	if (unsigned(idx) >= __end_of_fixed_addresses) {
		BUG();
		return;
	}
	if (!__atomic_load_n(&fixmap_ready, __ATOMIC_ACQUIRE))
		fixmap_pgt_init();
	uintptr_t vaddr = __fix_to_virt(idx);
	uint64_t pte = pgprot_val(flags) ? ((phys & PTE_PFN_MASK) | massage_pgprot(flags)) : 0;
	__atomic_store_n(fixmap_pte(vaddr), pte, __ATOMIC_RELEASE);
	flush_tlb_one_kernel(vaddr);
}
