/*
 * memblock - the boot-time physical memory allocator (Linux:
 * include/linux/memblock.h, mm/memblock.c).
 *
 * Before the page allocator exists, the kernel describes physical memory
 * with two lists of address ranges: memblock.memory (the RAM the firmware
 * reported, each range tagged with its NUMA node) and memblock.reserved
 * (what is already in use: the kernel image, boot data, early page tables,
 * every early allocation).  Free memory is memory minus reserved; early
 * allocations take it top-down and add what they take to reserved.
 *
 * Data structures: struct memblock_type is a sorted array of
 * struct memblock_region { base, size, nid }, backed by a static array of
 * INIT_MEMBLOCK_REGIONS entries (no doubling, unlike Linux: when it is full
 * the operation fails with -ENOMEM and changes nothing).
 *
 * Invariants, after every call, for each type:
 *   - regions[0..cnt) are sorted by base, have size > 0 and do not overlap;
 *   - two neighbours that touch (a.base + a.size == b.base) have different
 *     nids (touching ranges of one node are merged);
 *   - base + size never wraps: a range is clamped to end at PHYS_ADDR_MAX.
 *
 * Locking: none.  memblock is used at boot on one CPU, before interrupts
 * and other CPUs, as in Linux.  The state is static-initialised
 * (constinit), so it works before C++ constructors run.
 */
#pragma once

#include <arch/page.h>

#include <cstddef>
#include <cstdint>
#include <kernel/numa.h>
#include <lib/result.h>


inline constexpr unsigned long INIT_MEMBLOCK_REGIONS = 128;
inline constexpr phys_addr_t PHYS_ADDR_MAX = ~phys_addr_t(0);

/* end limits for memblock_phys_alloc_range, as Linux */
inline constexpr phys_addr_t MEMBLOCK_ALLOC_ANYWHERE = ~phys_addr_t(0);
inline constexpr phys_addr_t MEMBLOCK_ALLOC_ACCESSIBLE = 0; /* = current_limit */

/* alignment used when a caller passes align == 0 (Linux: SMP_CACHE_BYTES) */
inline constexpr phys_addr_t MEMBLOCK_DEFAULT_ALIGN = 64;

struct memblock_region {
	phys_addr_t base;
	phys_addr_t size;
	int nid;
};

struct memblock_type {
	unsigned long cnt;        /* regions in use */
	unsigned long max;        /* capacity of regions[] */
	memblock_region* regions; /* sorted by base, disjoint, merged */
	const char* name;         /* "memory" or "reserved" */
};

struct memblock {
	memblock_type memory;
	memblock_type reserved;
	phys_addr_t current_limit; /* allocations stay below this */
};

extern struct memblock memblock;

/*
 * Adding and removing ranges.  All fail with ENOMEM when the region array
 * would overflow (nothing is changed then, and the overflow is logged), or
 * EINVAL for a bad nid.  size == 0 is a successful no-op.
 *
 * memblock_add puts memory on node 0, the only node until NUMA code calls
 * memblock_set_node (Linux: MAX_NUMNODES with CONFIG_NUMA, 0 without).
 * Where an added range overlaps existing memory, the existing part keeps
 * its node.
 */
lib::Result<void> memblock_add(phys_addr_t base, phys_addr_t size);
lib::Result<void> memblock_add_node(phys_addr_t base, phys_addr_t size, int nid);
lib::Result<void> memblock_remove(phys_addr_t base, phys_addr_t size);
lib::Result<void> memblock_reserve(phys_addr_t base, phys_addr_t size);
/* memblock_reserve, and log "memblock: reserve [mem a-b] what" */
lib::Result<void> memblock_reserve_named(phys_addr_t base, phys_addr_t size, const char* what);
/* un-reserve: the range becomes free again (if it is memory) */
lib::Result<void> memblock_phys_free(phys_addr_t base, phys_addr_t size);
/* split memory at base and base + size; the memory inside is on node nid */
lib::Result<void> memblock_set_node(phys_addr_t base, phys_addr_t size, int nid);

void memblock_set_current_limit(phys_addr_t limit);

/*
 * Allocation: the highest free, align-aligned [addr, addr + size) inside
 * [start, end) is reserved and addr returned; 0 when nothing fits.  As in
 * Linux, the first page is never handed out (0 means failure), align == 0
 * means MEMBLOCK_DEFAULT_ALIGN, align must be a power of two, and end ==
 * MEMBLOCK_ALLOC_ACCESSIBLE means memblock.current_limit.
 */
phys_addr_t memblock_phys_alloc_range(phys_addr_t size, phys_addr_t align, phys_addr_t start, phys_addr_t end);
/* below memblock.current_limit */
phys_addr_t memblock_phys_alloc(phys_addr_t size, phys_addr_t align);
/* below memblock.current_limit, on node nid if possible, else anywhere */
phys_addr_t memblock_phys_alloc_try_nid(phys_addr_t size, phys_addr_t align, int nid);

/* Queries. */
phys_addr_t memblock_phys_mem_size();
phys_addr_t memblock_reserved_size();
phys_addr_t memblock_start_of_DRAM(); /* 0 when there is no memory */
phys_addr_t memblock_end_of_DRAM();   /* one past the last byte; 0 when none */
bool memblock_is_memory(phys_addr_t addr);
bool memblock_is_reserved(phys_addr_t addr);

/* Linux's memblock=debug dump ("MEMBLOCK configuration:" ...), via pr_info */
/* prints the regions when booted with memblock=debug */
extern bool memblock_debug;
void memblock_dump_all();

/*
 * Empty both types and reset current_limit.  For host unit tests, which
 * share the one global memblock; the kernel never calls it.
 */
void memblock_reset();

/*
 * Iteration.  The callbacks must not change memblock.
 */

/* fn(base, end, nid) for each memory region, ascending; end is exclusive */
template <typename Fn> void for_each_mem_range(Fn fn)
{
	for (unsigned long i = 0; i < memblock.memory.cnt; i++) {
		const memblock_region& r = memblock.memory.regions[i];
		fn(r.base, r.base + r.size, r.nid);
	}
}

/* fn(base, end) for each reserved region, ascending; end is exclusive */
template <typename Fn> void for_each_reserved_mem_range(Fn fn)
{
	for (unsigned long i = 0; i < memblock.reserved.cnt; i++) {
		const memblock_region& r = memblock.reserved.regions[i];
		fn(r.base, r.base + r.size);
	}
}

using memblock_range_fn = void (*)(phys_addr_t start, phys_addr_t end, int nid, void* arg);
/* the engine behind for_each_free_mem_range */
void memblock_for_each_free_range(int nid, memblock_range_fn fn, void* arg);

/*
 * fn(start, end, nid) for each maximal range that is memory of node nid
 * (any node for NUMA_NO_NODE) and not reserved, ascending; end exclusive.
 * Ranges of different nodes are reported separately even when they touch.
 */
template <typename Fn> void for_each_free_mem_range(int nid, Fn fn)
{
	memblock_for_each_free_range(
	    nid, [](phys_addr_t start, phys_addr_t end, int n, void* arg) { (*static_cast<Fn*>(arg))(start, end, n); },
	    &fn);
}
