/*
 * x86_64 address-space constants (Linux: arch/x86/include/asm/page_64_types.h,
 * pgtable_64_types.h).  Four-level paging, 48-bit canonical addresses.
 * Usable from assembly (only #defines outside the __ASSEMBLY__ block).
 *
 * Invariant: for the kernel image, virt - kaslr_virt_offset ==
 * phys - phys_base + __START_KERNEL_map; for the direct map,
 * virt == phys + PAGE_OFFSET.
 * With KASLR (arch/x86_64/boot/kaslr.cc) the image moves by a random
 * multiple of 2 MiB inside its 1 GiB window, and PAGE_OFFSET, VMALLOC_START
 * and VMEMMAP_START move by random multiples of 1 GiB
 * (arch/x86_64/mm/kaslr.cc).
 */
#pragma once

#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#define PMD_SHIFT 21
#define PMD_SIZE (1UL << PMD_SHIFT)
#define PUD_SHIFT 30
#define PUD_SIZE (1UL << PUD_SHIFT)
#define PGDIR_SHIFT 39
#define PTRS_PER_TABLE 512

#define __START_KERNEL_map 0xffffffff80000000
#define LOAD_PHYSICAL_ADDR 0x1000000
#define __START_KERNEL (__START_KERNEL_map + LOAD_PHYSICAL_ADDR)
/* 1 GiB with KASLR, as Linux's CONFIG_RANDOMIZE_BASE: modules start above it */
#define KERNEL_IMAGE_SIZE (1024 * 1024 * 1024)

#define PAGE_OFFSET_BASE 0xffff888000000000
#define VMALLOC_START_BASE 0xffffc90000000000
#define VMALLOC_SIZE_TB 32
#define VMEMMAP_START_BASE 0xffffea0000000000
#define MODULES_VADDR (__START_KERNEL_map + KERNEL_IMAGE_SIZE)
#define MODULES_END 0xffffffffff000000
#define FIXADDR_TOP 0xffffffffff7ff000

/* user space ends one page below the 47-bit boundary (non-canonical hole) */
#define TASK_SIZE_MAX ((1UL << 47) - PAGE_SIZE)

#define THREAD_SIZE (16 * 1024)

/* page-table entry bits */
#define _PAGE_PRESENT (1UL << 0)
#define _PAGE_RW (1UL << 1)
#define _PAGE_USER (1UL << 2)
#define _PAGE_PWT (1UL << 3)
#define _PAGE_PCD (1UL << 4)
#define _PAGE_ACCESSED (1UL << 5)
#define _PAGE_DIRTY (1UL << 6)
#define _PAGE_PSE (1UL << 7)
#define _PAGE_GLOBAL (1UL << 8)
#define _PAGE_NX (1UL << 63)

#ifndef __ASSEMBLY__
#include <cstdint>

using phys_addr_t = uint64_t;

/* Region bases are variables, as with Linux's RANDOMIZE_MEMORY: KASLR may
 * move them, and the host unit tests point them at their own arrays. */
extern uintptr_t page_offset_base;
extern uintptr_t vmemmap_base;
#define PAGE_OFFSET page_offset_base
extern uintptr_t vmalloc_base;
#define VMALLOC_START vmalloc_base
#define VMALLOC_END (vmalloc_base + (uintptr_t(VMALLOC_SIZE_TB) << 40) - 1)

/* how far KASLR moved the kernel image from __START_KERNEL (0 with nokaslr) */
extern unsigned long kaslr_virt_offset;
/* physical load address - LOAD_PHYSICAL_ADDR (Linux's phys_base) */
extern unsigned long phys_base;
#define VMEMMAP_START vmemmap_base
#define VMEMMAP_END (vmemmap_base + (1UL << 40) - 1)
inline constexpr uintptr_t TASK_SIZE = TASK_SIZE_MAX;
inline constexpr uintptr_t PAGE_MASK = ~(PAGE_SIZE - 1);
/* x rounded up to a page boundary (Linux: PAGE_ALIGN) */
constexpr uintptr_t PAGE_ALIGN(uintptr_t x)
{
	return (x + PAGE_SIZE - 1) & PAGE_MASK;
}

/* Linux's RELOC_HIDE: the address of a kernel symbol as a run-time value.
 * The compiler treats &sym as a link-time constant and folds arithmetic
 * with other constants (&sym - __START_KERNEL_map, &sym == constant) into
 * values KASLR cannot relocate; pass the address through this first. */
inline uintptr_t reloc_hide(const void* p)
{
	uintptr_t v = reinterpret_cast<uintptr_t>(p);
	asm("" : "+r"(v));
	return v;
}

/* Direct map: every physical byte at PAGE_OFFSET + pa (pa = kva - PAGE_OFFSET). */
inline void* __va(phys_addr_t pa)
{
	return reinterpret_cast<void*>(pa + PAGE_OFFSET);
}
inline phys_addr_t __pa(const void* va)
{
	uintptr_t v = reloc_hide(va); /* else &sym - __START_KERNEL_map folds to a constant */
	/* kernel-image addresses translate through __START_KERNEL_map */
	return v >= __START_KERNEL_map ? v - __START_KERNEL_map - kaslr_virt_offset + phys_base : v - PAGE_OFFSET;
}
inline void* phys_to_virt(phys_addr_t pa)
{
	return __va(pa);
}
inline phys_addr_t virt_to_phys(const void* va)
{
	return __pa(va);
}

/* highest direct-mapped address + 1 (Linux's high_memory) */
extern void* high_memory;
#endif
