/*
 * Kernel page-table helpers (Linux: arch/x86/mm/init_64.c,
 * arch/x86/include/asm/pgtable_64.h).
 */
#pragma once
#include <arch/page.h>
#include <cstdint>

inline constexpr uint64_t PTE_PFN_MASK = 0x000ffffffffff000ULL;

extern "C" uint64_t init_top_pgt[];

/* Back the struct page array for [start, end) of the vmemmap region with
 * memory of node nid (2 MiB pages where possible, like Linux's
 * vmemmap_populate_hugepages).  Returns false when memory runs out. */
bool vmemmap_populate(uintptr_t start, uintptr_t end, int nid);
