/*
 * Compile-time fixed virtual addresses near the top of the address space
 * (Linux: arch/x86/include/asm/fixmap.h, include/asm-generic/fixmap.h).
 *
 *   set_fixmap_nocache(FIX_APIC_BASE, 0xfee00000);
 *   volatile uint32_t* apic = (volatile uint32_t*)fix_to_virt(FIX_APIC_BASE);
 *   clear_fixmap(FIX_APIC_BASE);
 *
 * Slot idx lives at FIXADDR_TOP - idx * PAGE_SIZE: slots count down from
 * FIXADDR_TOP, and FIXADDR_START is one page below the last slot, as in
 * Linux.  The page tables behind them are static (.bss), so the fixmap
 * works from the first instruction of C++ on, long before the buddy
 * allocator: PML4[511] -> boot_pdpt_kernel[511] -> level2_fixmap_pgt ->
 * level1_fixmap_pgt[FIXMAP_PMD_NUM] (arch/x86_64/mm/fixmap.cc).
 *
 * Each slot belongs to one user (the APIC driver owns FIX_APIC_BASE...);
 * the fixmap itself takes no lock for setting or clearing a slot.
 */
#pragma once
#include <arch/page.h>
#include <arch/pgtable.h>

enum fixed_addresses {
	FIX_HOLE,
	FIX_APIC_BASE,
	FIX_IO_APIC_BASE_0,
	FIX_IO_APIC_BASE_END = FIX_IO_APIC_BASE_0 + 8 - 1,
	FIX_TEXT_POKE1,
	FIX_TEXT_POKE0,
	FIX_BTMAP_END,
	FIX_BTMAP_BEGIN = FIX_BTMAP_END + 64 * 8 - 1, /* early_ioremap slots */
	__end_of_fixed_addresses
};

inline constexpr uintptr_t FIXADDR_SIZE = uintptr_t(__end_of_fixed_addresses) << PAGE_SHIFT;
inline constexpr uintptr_t FIXADDR_START = FIXADDR_TOP - FIXADDR_SIZE;

/* PMDs (PTE pages) the slots span: Linux's FIXMAP_PMD_NUM */
inline constexpr unsigned FIXMAP_PMD_NUM =
    unsigned(((FIXADDR_TOP + PAGE_SIZE - 1) >> PMD_SHIFT) - ((FIXADDR_START + PAGE_SIZE) >> PMD_SHIFT) + 1);

static_assert(FIXADDR_START >= MODULES_END, "the fixmap overlaps the module area");
static_assert((FIXADDR_START >> PUD_SHIFT) == (FIXADDR_TOP >> PUD_SHIFT),
              "the fixmap must sit under one PUD entry (PML4[511] -> PDPT[511])");
static_assert(pgd_index(FIXADDR_START) == 511 && pud_index(FIXADDR_START) == 511);

constexpr uintptr_t __fix_to_virt(unsigned idx)
{
	return FIXADDR_TOP - (uintptr_t(idx) << PAGE_SHIFT);
}
constexpr unsigned __virt_to_fix(uintptr_t vaddr)
{
	return unsigned((FIXADDR_TOP - (vaddr & PAGE_MASK)) >> PAGE_SHIFT);
}

/* A constant out-of-range idx fails to compile (Linux's BUILD_BUG_ON); a
 * variable one traps. */
constexpr uintptr_t fix_to_virt(unsigned idx)
{
	if (idx >= __end_of_fixed_addresses)
		__builtin_trap();
	return __fix_to_virt(idx);
}
constexpr unsigned virt_to_fix(uintptr_t vaddr)
{
	if (vaddr >= FIXADDR_TOP + PAGE_SIZE || vaddr <= FIXADDR_START)
		__builtin_trap();
	return __virt_to_fix(vaddr);
}

/* Point slot idx at phys with flags (PAGE_NONE clears it) and flush that
 * one translation (Linux: __set_fixmap -> __native_set_fixmap). */
void __set_fixmap(enum fixed_addresses idx, phys_addr_t phys, pgprot_t flags);

#define FIXMAP_PAGE_NORMAL PAGE_KERNEL
#define FIXMAP_PAGE_NOCACHE PAGE_KERNEL_NOCACHE
#define FIXMAP_PAGE_CLEAR PAGE_NONE

inline void set_fixmap(enum fixed_addresses idx, phys_addr_t phys)
{
	__set_fixmap(idx, phys, FIXMAP_PAGE_NORMAL);
}
inline void set_fixmap_nocache(enum fixed_addresses idx, phys_addr_t phys)
{
	__set_fixmap(idx, phys, FIXMAP_PAGE_NOCACHE);
}
inline void clear_fixmap(enum fixed_addresses idx)
{
	__set_fixmap(idx, 0, FIXMAP_PAGE_CLEAR);
}

/* set_fixmap_offset: the slot's address plus phys's offset in its page */
inline uintptr_t set_fixmap_offset(enum fixed_addresses idx, phys_addr_t phys)
{
	set_fixmap(idx, phys);
	return fix_to_virt(idx) + (phys & ~PAGE_MASK);
}
