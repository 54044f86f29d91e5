/*
 * Compile-time fixed virtual addresses near the top of the address space
 * (Linux: arch/x86/include/asm/fixmap.h).  Slots count down from
 * FIXADDR_TOP; the kernel-memory issue populates them (APIC, I/O APIC,
 * early ioremap).  Today only the range is reserved.
 */
#pragma once
#include <arch/page.h>

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

constexpr uintptr_t __fix_to_virt(unsigned idx)
{
	return FIXADDR_TOP - (uintptr_t(idx) << PAGE_SHIFT);
}
