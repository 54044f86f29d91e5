/*
 * The page allocator's interface (Linux: include/linux/gfp.h,
 * mm/page_alloc.c).
 *
 *   struct page* p = alloc_pages(GFP_KERNEL, 3);    // 8 contiguous pages
 *   __free_pages(p, 3);
 *   unsigned long va = __get_free_pages(GFP_KERNEL, 0);  // direct-map address
 *   free_pages(va, 0);
 *   void* buf = alloc_pages_exact(132 * 1024, GFP_KERNEL); // 33 pages, not 64
 *   free_pages_exact(buf, 132 * 1024);
 *
 * Failure is NULL (0 for the address forms), with one "page allocation
 * failure" report unless __GFP_NOWARN; never a hang or a crash.
 */
#pragma once
#include <cstddef>
#include <mm/gfp.h>
#include <mm/mmzone.h>
#include <mm/page.h>

struct page* __alloc_pages(gfp_t gfp, unsigned order, int preferred_nid);
struct page* alloc_pages(gfp_t gfp, unsigned order);
struct page* alloc_pages_node(int nid, gfp_t gfp, unsigned order);
inline struct page* alloc_page(gfp_t gfp) { return alloc_pages(gfp, 0); }
/* alloc_pages_node without the might_alloc() check, for SLUB's slab refill:
 * it runs inside SLUB's interrupts-off per-CPU section, after SLUB checked
 * the caller's context itself (Linux drops its local lock around new_slab
 * instead; ours will too once reclaim can sleep) */
struct page* __alloc_pages_node_irqs_off(int nid, gfp_t gfp, unsigned order);
unsigned long __get_free_pages(gfp_t gfp, unsigned order);
inline unsigned long __get_free_page(gfp_t gfp) { return __get_free_pages(gfp, 0); }
unsigned long get_zeroed_page(gfp_t gfp);

void __free_pages(struct page* page, unsigned order);
inline void __free_page(struct page* page) { __free_pages(page, 0); }
/* drop one holder's reference to an order-0 page; the last frees it
 * (Linux: put_page; __free_pages already only frees on the last put) */
inline void put_page(struct page* page) { __free_pages(page, 0); }
void free_pages(unsigned long addr, unsigned order);
inline void free_page(unsigned long addr) { free_pages(addr, 0); }

void* alloc_pages_exact(size_t size, gfp_t gfp);
void free_pages_exact(void* virt, size_t size);
/* turn an order-n block into 2^n independent order-0 pages */
void split_page(struct page* page, unsigned order);

/* ---- set-up (mm/mm_init.cc in the kernel; host tests call them directly) ---- */
/* initialise a zone's lists and counters for [start_pfn, start_pfn + spanned) */
void zone_init_free_lists(struct zone* zone, pg_data_t* pgdat, unsigned idx, unsigned long start_pfn,
			  unsigned long spanned, unsigned long present);
/* hand a range of pages (initialised, reserved) to the buddy allocator */
void free_pages_core_range(unsigned long start_pfn, unsigned long end_pfn);
/* watermarks and lowmem_reserve from managed page counts (min_free_kbytes) */
void setup_per_zone_wmarks();
void setup_per_zone_lowmem_reserve();
void zone_pcp_init(struct zone* zone);
void build_all_zonelists();
/* return every CPU's per-cpu pages of a zone to the free lists; from any
 * CPU, in any context that may take a spinlock (Linux 6.1 drains remote
 * lists under their pcp->lock, no cross-CPU call needed) */
void drain_zone_pages(struct zone* zone);
void drain_all_pages();

extern int min_free_kbytes;
extern bool page_poisoning_enabled; /* page_poison=on */

/* ---- statistics and /proc renderers ---- */
unsigned long totalram_pages();
unsigned long nr_free_pages();
unsigned long zone_nr_free(const struct zone* z);
/* pages sitting on the zone's per-CPU lists, all CPUs (a racy sum) */
unsigned long zone_pcp_pages(struct zone* zone);
/* render into buf (NUL-terminated); return the length written */
size_t render_buddyinfo(char* buf, size_t size);
size_t render_zoneinfo_free(char* buf, size_t size);
size_t render_meminfo_basic(char* buf, size_t size);
/* "GFP_KERNEL|__GFP_NOWARN" */
size_t format_gfp_flags(char* buf, size_t size, gfp_t gfp);
