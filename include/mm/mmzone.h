/*
 * Nodes, zones and the buddy free lists (Linux: include/linux/mmzone.h).
 *
 *   pg_data_t (one per NUMA node)
 *     node_zones[ZONE_DMA, ZONE_DMA32, ZONE_NORMAL]
 *       free_area[order]   order 0..MAX_ORDER-1: circular list of free
 *                          blocks of 2^order pages, linked through the
 *                          head page's lru; nr_free blocks
 *       pageset[cpu]       each CPU's list of order-0 pages (per_cpu_pages),
 *                          for cpu < nr_cpu_ids; one cache line each
 *       _watermark         min / low / high, in pages
 *       lowmem_reserve     pages kept back from allocations that could
 *                          have used a higher zone ("protection")
 *     node_zonelists[0]    every zone of every node in fallback order
 *
 * Invariants (checked by the host tests): a free block's head page is
 * PageBuddy with private_ == its order and sits on exactly one free list;
 * no two free buddies of the same order both sit on the lists (they would
 * have been merged); every page of a zone is either in a free block, on
 * a per-cpu list, allocated, or reserved; zone free-page count == the sum
 * of the free lists (pages on per-cpu lists are not in it, as Linux's
 * NR_FREE_PAGES); pcp->count == the length of pcp->list.
 *
 * Lock order (<kernel/lock_order.h>): per_cpu_pages::lock -> zone->lock,
 * both taken with interrupts disabled.  As in Linux 6.1, pcp->lock is an
 * ordinary spinlock (holding it disables preemption) guarding a CPU's list
 * and count: the owning CPU takes it with a trylock (interrupts off, on
 * its own pageset) and falls back to the buddy lists if another CPU holds
 * it; drain_zone_pages() takes it from any CPU to empty a remote list.
 * free_area[].nr_free and nr_free_pages are written under zone->lock and
 * read without it (watermark checks, /proc) as Linux's racy reads.
 */
#pragma once
#include <atomic>
#include <cstdint>
#include <kernel/smp.h>
#include <kernel/numa.h>
#include <lib/list.h>
#include <lib/spinlock.h>
#include <mm/page.h>

inline constexpr unsigned MAX_ORDER = 11; /* blocks up to 2^10 pages = 4 MiB */

enum zone_type : unsigned { ZONE_DMA, ZONE_DMA32, ZONE_NORMAL, MAX_NR_ZONES };
enum zone_watermarks { WMARK_MIN, WMARK_LOW, WMARK_HIGH, NR_WMARK };

inline constexpr unsigned long MAX_DMA_PFN = (16UL << 20) >> PAGE_SHIFT;
inline constexpr unsigned long MAX_DMA32_PFN = (4UL << 30) >> PAGE_SHIFT;

/* both under the zone's lock (GUARDED_BY on zone::free_area) */
struct free_area {
	lib::list_head free_list;
	unsigned long nr_free;
};

/* one cache line per CPU: no two CPUs write the same line on their fast path */
struct alignas(64) per_cpu_pages {
	lib::spinlock lock;                   /* Linux 6.1's pcp->lock, taken with interrupts off */
	int count GUARDED_BY(lock);           /* pages on the list */
	int high;                             /* above this, batch pages go back to the buddy lists */
	int batch;                            /* chunk size for refill and drain */
	lib::list_head list GUARDED_BY(lock); /* order-0 pages, hottest first */
};

struct pglist_data;

struct zone {
	unsigned long _watermark[NR_WMARK];
	long lowmem_reserve[MAX_NR_ZONES];
	struct pglist_data* zone_pgdat;
	per_cpu_pages pageset[NR_CPUS];
	unsigned long zone_start_pfn;
	unsigned long spanned_pages; /* zone_end_pfn - zone_start_pfn, holes included */
	unsigned long present_pages; /* memory within the span */
	std::atomic<unsigned long> managed_pages; /* handed to the buddy allocator */
	const char* name;
	unsigned idx; /* zone_type */
	lib::spinlock lock;
	struct free_area free_area[MAX_ORDER] GUARDED_BY(lock);
	std::atomic<long> nr_free_pages; /* NR_FREE_PAGES: pages on the free lists */
};

struct zoneref {
	struct zone* zone;
	unsigned zone_idx;
};

inline constexpr unsigned MAX_ZONES_PER_ZONELIST = MAX_NUMNODES * MAX_NR_ZONES;

struct zonelist {
	zoneref _zonerefs[MAX_ZONES_PER_ZONELIST + 1]; /* ends with a null zone */
};

typedef struct pglist_data {
	struct zone node_zones[MAX_NR_ZONES];
	struct zonelist node_zonelists[1];
	int nr_zones;
	unsigned long node_start_pfn;
	unsigned long node_present_pages;
	unsigned long node_spanned_pages;
	int node_id;
} pg_data_t;

extern pg_data_t* node_data[MAX_NUMNODES];
#define NODE_DATA(nid) (node_data[(nid)])
extern const char* const zone_names[MAX_NR_ZONES];

inline unsigned long zone_end_pfn(const struct zone* z) { return z->zone_start_pfn + z->spanned_pages; }
inline bool zone_spans_pfn(const struct zone* z, unsigned long pfn)
{
	return pfn >= z->zone_start_pfn && pfn < zone_end_pfn(z);
}
inline bool populated_zone(const struct zone* z) { return z->present_pages != 0; }
inline unsigned long zone_managed_pages(const struct zone* z) { return z->managed_pages.load(std::memory_order_relaxed); }
inline unsigned long min_wmark_pages(const struct zone* z) { return z->_watermark[WMARK_MIN]; }
inline unsigned long low_wmark_pages(const struct zone* z) { return z->_watermark[WMARK_LOW]; }
inline unsigned long high_wmark_pages(const struct zone* z) { return z->_watermark[WMARK_HIGH]; }
inline struct zone* page_zone(const struct page* p) { return &NODE_DATA(page_to_nid(p))->node_zones[page_zonenum(p)]; }

#define for_each_online_pgdat(pgdat)                                                               \
	for (unsigned __nid = 0; __nid < MAX_NUMNODES; __nid++)                                     \
		if (((pgdat) = NODE_DATA(__nid)) != nullptr)
