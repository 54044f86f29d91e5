/*
 * The buddy page allocator (Linux: mm/page_alloc.c).
 *
 * Each zone keeps free blocks of 2^order pages on free_area[order]
 * (order 0..MAX_ORDER-1).  Allocation takes the smallest order that has a
 * block and splits it, putting the upper halves back on the lower lists
 * (expand); freeing merges a block with its buddy, pfn ^ (1 << order),
 * for as long as the buddy is free at the same order (__free_one_page).
 * Order-0 pages go through a per-CPU list in front of the free lists
 * (per_cpu_pages), refilled and drained `batch` pages at a time.  Each
 * CPU uses its own list (zone->pageset[smp_processor_id()], interrupts
 * off so the CPU cannot change) under the list's lock, which is only
 * ever contended by a drain from another CPU: the owner then goes to the
 * buddy lists instead of waiting (Linux 6.1's pcp_spin_trylock).
 *
 * Zones are tried in the node's zonelist order (Normal -> DMA32 -> DMA,
 * then other nodes), limited by the GFP zone modifier, first against the
 * low watermark, then against min (lowered for __GFP_HIGH / GFP_ATOMIC).
 * There is no reclaim yet: when that fails the allocation fails, with one
 * "page allocation failure" report unless __GFP_NOWARN.
 *
 * Checks on every free (cheap, always on): double free, freeing a tail or
 * a reserved page, freeing with another order than allocated.  With
 * page_poison=on, freed pages are filled with PAGE_POISON and checked on
 * allocation (use after free).  Each finding prints a "BUG: Bad page
 * state" report naming the pfn and the caller, and the kernel goes on.
 *
 * The same source builds into the host unit tests (tests/host): all it
 * needs is vmemmap_base/page_offset_base pointing at the test's arrays.
 *
 * Lock order (<kernel/lock_order.h>): per_cpu_pages::lock -> zone->lock,
 * both with interrupts disabled.  Counters: nr_free_pages and managed_pages are atomics;
 * free_area[].nr_free and pcp->count change only under their lock and
 * are read racily where an estimate will do (watermarks, /proc).
 */
#include <kernel/kernel.h>
#include <mm/page_alloc.h>
#include <kernel/cpumask.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/params.h>
#include <lib/cmdline.h>
#include <lib/format.h>
#include <lib/string.h>
#include <uapi/asm-generic/errno-base.h>
#include <new>

pg_data_t* node_data[MAX_NUMNODES];
const char* const zone_names[MAX_NR_ZONES] = {"DMA", "DMA32", "Normal"};
int min_free_kbytes = 1024;
bool page_poisoning_enabled;

namespace {
constexpr uint8_t PAGE_POISON = 0xaa;
/* sysctl_lowmem_reserve_ratio, Linux's defaults */
constexpr long lowmem_reserve_ratio[MAX_NR_ZONES] = {256, 256, 32};
constexpr unsigned watermark_scale_factor = 10;

enum alloc_flags : unsigned {
	ALLOC_WMARK_MIN = WMARK_MIN,
	ALLOC_WMARK_LOW = WMARK_LOW,
	ALLOC_WMARK_HIGH = WMARK_HIGH,
	ALLOC_WMARK_MASK = 3,
	ALLOC_HARDER = 0x10, /* GFP_ATOMIC: may use a quarter of the reserve */
	ALLOC_HIGH = 0x20,   /* __GFP_HIGH: may use half of the reserve */
};

/* ---------------------------------------------------------------- reports */

void bad_page(struct page* page, const char* reason, uintptr_t caller)
{
	unsigned long pfn = page_to_pfn(page);
	pr_alert("BUG: Bad page state in process %s  pfn:%05lx\n", current_comm(), pfn);
	pr_alert("page:%p refcount:%d mapcount:0 mapping:0000000000000000 index:0x0 pfn:%#lx\n",
		 static_cast<void*>(page), page_ref_count(page), pfn);
	pr_alert("flags: %#lx(node=%d|zone=%u)\n", page_flags(page) & PAGE_FLAGS_MASK, page_to_nid(page),
		 page_zonenum(page));
	pr_alert("page dumped because: %s\n", reason);
	pr_alert("caller: %pS\n", reinterpret_cast<void*>(caller));
	dump_stack();
	add_taint(TAINT_BAD_PAGE);
}

void report_corruption(struct page* page, unsigned offset, uint8_t value, uintptr_t caller)
{
	pr_alert("BUG: pagealloc: memory corruption (use after free?) pfn:%#lx offset:%#x byte:%02x (poison %02x)\n",
		 page_to_pfn(page), offset, value, PAGE_POISON);
	pr_alert("caller: %pS\n", reinterpret_cast<void*>(caller));
	dump_stack();
	add_taint(TAINT_BAD_PAGE);
}

void warn_alloc(gfp_t gfp, unsigned order, const char* why)
{
	if (gfp & __GFP_NOWARN)
		return;
	char flags[160];
	format_gfp_flags(flags, sizeof(flags), gfp);
	pr_warn("%s: page allocation failure: order:%u, mode:%#x(%s), nodemask=(null)%s%s\n", current_comm(),
		order, gfp, flags, why ? ": " : "", why ? why : "");
	dump_stack();
	pg_data_t* pgdat;
	for_each_online_pgdat(pgdat)
	{
		for (auto& z : pgdat->node_zones) {
			if (!populated_zone(&z))
				continue;
			pr_warn("Node %d %s free:%lukB min:%lukB low:%lukB high:%lukB managed:%lukB\n",
				pgdat->node_id, z.name, zone_nr_free(&z) * 4, min_wmark_pages(&z) * 4,
				low_wmark_pages(&z) * 4, high_wmark_pages(&z) * 4, zone_managed_pages(&z) * 4);
		}
	}
}

/* ------------------------------------------------------- free-list helpers */

inline void set_buddy_order(struct page* page, unsigned order)
{
	page->private_ = order;
	set_page_flag(page, PG_buddy);
}

/* nr_free changes under zone->lock and is read without it (watermark
 * checks): one relaxed store per change */
inline void add_nr_free(struct free_area* area, long delta)
{
	__atomic_store_n(&area->nr_free, area->nr_free + delta, __ATOMIC_RELAXED);
}

inline void add_to_free_list(struct page* page, struct zone* zone, unsigned order) REQUIRES(zone->lock)
{
	set_buddy_order(page, order);
	zone->free_area[order].free_list.add(&page->lru);
	add_nr_free(&zone->free_area[order], 1);
}

inline void del_from_free_list(struct page* page, struct zone* zone, unsigned order) REQUIRES(zone->lock)
{
	page->lru.del();
	clear_page_flag(page, PG_buddy);
	page->private_ = 0;
	add_nr_free(&zone->free_area[order], -1);
}

/* Is `buddy` the free head of a block of exactly `order` in this zone? */
inline bool page_is_buddy(const struct zone* zone, unsigned long buddy_pfn, const struct page* buddy,
			  unsigned order)
{
	/* the span check keeps us on mapped struct pages; the zone check keeps
	 * interleaved nodes (one zone's span covering another's pages) apart */
	return zone_spans_pfn(zone, buddy_pfn) && PageBuddy(buddy) && buddy->private_ == order &&
	       page_zone(buddy) == zone;
}

/* Put a block back, merging with free buddies up the orders. Zone lock held. */
void __free_one_page(struct page* page, unsigned long pfn, struct zone* zone, unsigned order) REQUIRES(zone->lock)
{
	zone->nr_free_pages.fetch_add(1L << order, std::memory_order_relaxed);
	while (order < MAX_ORDER - 1) {
		unsigned long buddy_pfn = pfn ^ (1UL << order);
		struct page* buddy = page + (long(buddy_pfn) - long(pfn));
		if (!page_is_buddy(zone, buddy_pfn, buddy, order))
			break;
		del_from_free_list(buddy, zone, order);
		unsigned long combined_pfn = buddy_pfn & pfn;
		page = page + (long(combined_pfn) - long(pfn));
		pfn = combined_pfn;
		order++;
	}
	add_to_free_list(page, zone, order);
}

/* The upper halves of a split block go back on the lower lists. */
void expand(struct zone* zone, struct page* page, unsigned low, unsigned high) REQUIRES(zone->lock)
{
	unsigned long size = 1UL << high;
	while (high > low) {
		high--;
		size >>= 1;
		add_to_free_list(&page[size], zone, high);
	}
}

/* Smallest order with a free block, split down to `order`. Zone lock held. */
struct page* __rmqueue_smallest(struct zone* zone, unsigned order) REQUIRES(zone->lock)
{
	for (unsigned current_order = order; current_order < MAX_ORDER; current_order++) {
		struct free_area& area = zone->free_area[current_order];
		if (area.free_list.empty())
			continue;
		struct page* page = list_first_entry(&area.free_list, struct page, lru);
		del_from_free_list(page, zone, current_order);
		expand(zone, page, order, current_order);
		zone->nr_free_pages.fetch_sub(1L << order, std::memory_order_relaxed);
		return page;
	}
	return nullptr;
}

/* Move up to count order-0 pages onto a per-cpu list. */
int rmqueue_bulk(struct zone* zone, int count, lib::list_head* list)
{
	lib::spin_lock_guard g(zone->lock);
	int i = 0;
	for (; i < count; i++) {
		struct page* page = __rmqueue_smallest(zone, 0);
		if (!page)
			break;
		list->add_tail(&page->lru);
	}
	return i;
}

/* Return count pages from a per-cpu list, oldest first. pcp->lock held,
 * interrupts off. */
void free_pcppages_bulk(struct zone* zone, int count, struct per_cpu_pages* pcp) REQUIRES(pcp->lock)
{
	lib::spin_lock_guard g(zone->lock);
	while (count-- > 0 && !pcp->list.empty()) {
		struct page* page = list_last_entry(&pcp->list, struct page, lru);
		page->lru.del();
		pcp->count--;
		__free_one_page(page, page_to_pfn(page), zone, 0);
	}
}

/* this CPU's list; interrupts off, so the CPU cannot change under us */
inline struct per_cpu_pages* this_cpu_pcp(struct zone* zone)
{
	return &zone->pageset[smp_processor_id()];
}

/* An order-0 page from this CPU's list, refilled from the buddy lists when
 * empty.  NULL if a remote drain holds the list (the caller goes to the
 * buddy lists) or the zone has no page.  Interrupts off. */
struct page* rmqueue_pcplist(struct zone* zone)
{
	struct per_cpu_pages* pcp = this_cpu_pcp(zone);
	if (!pcp->lock.try_lock())
		return nullptr;
	struct page* page = nullptr;
	if (pcp->list.empty())
		pcp->count += rmqueue_bulk(zone, pcp->batch, &pcp->list);
	if (!pcp->list.empty()) {
		page = list_first_entry(&pcp->list, struct page, lru);
		page->lru.del();
		pcp->count--;
	}
	pcp->lock.unlock();
	return page;
}

struct page* rmqueue(struct zone* zone, unsigned order)
{
	unsigned long flags = arch_local_irq_save();
	struct page* page = order == 0 ? rmqueue_pcplist(zone) : nullptr;
	if (!page) { /* rmqueue_buddy */
		lib::spin_lock_guard g(zone->lock);
		page = __rmqueue_smallest(zone, order);
	}
	arch_local_irq_restore(flags);
	return page;
}

bool zone_watermark_ok(struct zone* z, unsigned order, unsigned long mark, unsigned highest_zoneidx,
		       unsigned alloc_flags)
{
	long min = long(mark);
	long free_pages = z->nr_free_pages.load(std::memory_order_relaxed) - (1L << order) + 1;
	if (alloc_flags & ALLOC_HIGH)
		min -= min / 2;
	if (alloc_flags & ALLOC_HARDER)
		min -= min / 4;
	if (free_pages <= min + z->lowmem_reserve[highest_zoneidx])
		return false;
	if (order == 0)
		return true;
	for (unsigned o = order; o < MAX_ORDER; o++)
		if (__atomic_load_n(&z->free_area[o].nr_free, __ATOMIC_RELAXED)) /* racy, as Linux */
			return true;
	return false;
}

void check_poison(struct page* page, unsigned order, uintptr_t caller)
{
	const uint8_t* p = static_cast<const uint8_t*>(page_address(page));
	size_t len = PAGE_SIZE << order;
	for (size_t i = 0; i < len; i++) {
		if (p[i] != PAGE_POISON) {
			report_corruption(page + i / PAGE_SIZE, unsigned(i % PAGE_SIZE), p[i], caller);
			return;
		}
	}
}

void prep_new_page(struct page* page, unsigned order, gfp_t gfp, uintptr_t caller)
{
	if (page_poisoning_enabled)
		check_poison(page, order, caller);
	set_page_count(page, 1);
	page->alloc_order = short(order);
	if (gfp & __GFP_ZERO)
		lib::memset(page_address(page), 0, PAGE_SIZE << order);
	if ((gfp & __GFP_COMP) && order) {
		set_page_flag(page, PG_head);
		page->compound_order = uint8_t(order);
		for (unsigned long i = 1; i < (1UL << order); i++)
			page[i].compound_head = reinterpret_cast<unsigned long>(page) | 1;
	}
}

struct page* get_page_from_freelist(gfp_t /*gfp*/, unsigned order, unsigned alloc_flags, const zonelist* zl,
				    unsigned highest_zoneidx, int only_nid)
{
	for (const zoneref* zr = zl->_zonerefs; zr->zone; zr++) {
		struct zone* z = zr->zone;
		if (zr->zone_idx > highest_zoneidx || !populated_zone(z))
			continue;
		if (only_nid != NUMA_NO_NODE && z->zone_pgdat->node_id != only_nid)
			continue;
		if (!zone_watermark_ok(z, order, z->_watermark[alloc_flags & ALLOC_WMARK_MASK], highest_zoneidx,
				       alloc_flags))
			continue;
		if (struct page* page = rmqueue(z, order))
			return page;
	}
	return nullptr;
}

/* GFP zone modifiers -> highest usable zone; EINVAL for an impossible
 * request (DMA and DMA32 at once) */
lib::Result<unsigned> gfp_zone(gfp_t gfp)
{
	gfp_t z = gfp & GFP_ZONEMASK;
	if (z & (__GFP_DMA | __GFP_DMA32))
		z &= ~__GFP_MOVABLE; /* Linux's GFP_ZONE_TABLE: DMA|MOVABLE is DMA, DMA32|MOVABLE is DMA32 */
	if (z == 0 || z == __GFP_MOVABLE || z == __GFP_HIGHMEM || z == (__GFP_HIGHMEM | __GFP_MOVABLE))
		return ZONE_NORMAL; /* no highmem on 64-bit; movable is plain normal here */
	if (z == __GFP_DMA)
		return ZONE_DMA;
	if (z == __GFP_DMA32)
		return ZONE_DMA32;
	return lib::Error{EINVAL};
}

bool free_pages_prepare(struct page* page, unsigned order, uintptr_t caller)
{
	if (PageBuddy(page)) {
		bad_page(page, "double free: page is already on a free list", caller);
		return false;
	}
	if (PageReserved(page)) {
		bad_page(page, "freeing a reserved page", caller);
		return false;
	}
	if (page->alloc_order != short(order)) {
		char why[80];
		lib::snprintf(why, sizeof(why), "freed with order %u, allocated with order %d", order,
			      page->alloc_order);
		bad_page(page, why, caller);
		return false;
	}
	if (PageHead(page)) {
		for (unsigned long i = 1; i < (1UL << order); i++)
			page[i].compound_head = 0;
		page->compound_order = 0;
	}
	page->alloc_order = -1;
	set_page_flags(page, page_flags(page) & ~PAGE_FLAGS_MASK); /* keep only the node and zone */
	page->slab_cache = nullptr;
	page->freelist = nullptr;
	if (page_poisoning_enabled)
		lib::memset(page_address(page), PAGE_POISON, PAGE_SIZE << order);
	return true;
}

void free_the_page(struct page* page, unsigned order)
{
	struct zone* zone = page_zone(page);
	unsigned long flags = arch_local_irq_save();
	if (order == 0) {
		/* free_unref_page: this CPU's list, unless a remote drain holds it */
		struct per_cpu_pages* pcp = this_cpu_pcp(zone);
		if (pcp->lock.try_lock()) {
			pcp->list.add(&page->lru);
			if (++pcp->count >= pcp->high)
				free_pcppages_bulk(zone, pcp->batch, pcp);
			pcp->lock.unlock();
			arch_local_irq_restore(flags);
			return;
		}
	}
	{
		lib::spin_lock_guard g(zone->lock);
		__free_one_page(page, page_to_pfn(page), zone, order);
	}
	arch_local_irq_restore(flags);
}

void free_pages_checked(struct page* page, unsigned order, uintptr_t caller)
{
	if (order >= MAX_ORDER) {
		bad_page(page, "freeing with order >= MAX_ORDER", caller);
		return;
	}
	if (PageTail(page)) {
		bad_page(page, "freeing a tail page of a compound page", caller);
		return;
	}
	/* put_page_testzero: only the holder that drops the last reference frees */
	int ref = page->_refcount.fetch_sub(1, std::memory_order_acq_rel);
	if (ref <= 0) {
		page->_refcount.fetch_add(1, std::memory_order_relaxed); /* undo: nothing to drop */
		bad_page(page, ref == 0 ? "double free: refcount is already 0" : "negative refcount", caller);
		return;
	}
	if (ref > 1) /* another holder remains */
		return;
	if (!free_pages_prepare(page, order, caller)) {
		set_page_count(page, 1); /* refused: the page stays as it was */
		return;
	}
	free_the_page(page, order);
}

struct page* alloc_pages_checked(gfp_t gfp, unsigned order, int preferred_nid, uintptr_t caller)
{
	if (order >= MAX_ORDER) {
		warn_alloc(gfp, order, "order >= MAX_ORDER");
		return nullptr;
	}
	lib::Result<unsigned> zone = gfp_zone(gfp);
	if (zone.is_err()) {
		warn_alloc(gfp, order, "impossible zone modifiers");
		return nullptr;
	}
	int highest = int(zone.value());
	if (preferred_nid < 0 || unsigned(preferred_nid) >= MAX_NUMNODES || !NODE_DATA(preferred_nid))
		preferred_nid = 0;
	if (!NODE_DATA(preferred_nid)) {
		warn_alloc(gfp, order, "no memory node is set up yet");
		return nullptr;
	}
	const zonelist* zl = &NODE_DATA(preferred_nid)->node_zonelists[0];
	int only = (gfp & __GFP_THISNODE) ? preferred_nid : NUMA_NO_NODE;
	/* fast path against the low watermark, then the min reserve */
	struct page* page = get_page_from_freelist(gfp, order, ALLOC_WMARK_LOW, zl, unsigned(highest), only);
	if (!page) {
		unsigned flags = ALLOC_WMARK_MIN;
		if (gfp & __GFP_HIGH)
			flags |= ALLOC_HIGH;
		if ((gfp & __GFP_ATOMIC) || !gfpflags_allow_blocking(gfp))
			flags |= ALLOC_HARDER;
		page = get_page_from_freelist(gfp, order, flags, zl, unsigned(highest), only);
	}
	if (!page) {
		warn_alloc(gfp, order, nullptr);
		return nullptr;
	}
	prep_new_page(page, order, gfp, caller);
	return page;
}

unsigned long int_sqrt(unsigned long x)
{
	unsigned long r = 0;
	for (unsigned long bit = 1UL << 62; bit; bit >>= 2) {
		if (x >= r + bit) {
			x -= r + bit;
			r = (r >> 1) + bit;
		} else {
			r >>= 1;
		}
	}
	return r;
}

lib::Result<void> set_page_poison(std::string_view val)
{
	page_poisoning_enabled = TRY(lib::parse_bool(val.empty() ? std::string_view("1") : val));
	return lib::ok();
}
} // namespace
early_param("page_poison", set_page_poison);

/* ------------------------------------------------------------ public API */

struct page* __alloc_pages(gfp_t gfp, unsigned order, int preferred_nid)
{
	might_alloc(gfp);
	return alloc_pages_checked(gfp, order, preferred_nid, _RET_IP_);
}

struct page* alloc_pages(gfp_t gfp, unsigned order)
{
	might_alloc(gfp);
	return alloc_pages_checked(gfp, order, 0, _RET_IP_);
}

struct page* __alloc_pages_node_irqs_off(int nid, gfp_t gfp, unsigned order)
{
	return alloc_pages_checked(gfp, order, nid, _RET_IP_);
}

struct page* alloc_pages_node(int nid, gfp_t gfp, unsigned order)
{
	might_alloc(gfp);
	return alloc_pages_checked(gfp, order, nid, _RET_IP_);
}

unsigned long __get_free_pages(gfp_t gfp, unsigned order)
{
	might_alloc(gfp);
	struct page* page = alloc_pages_checked(gfp, order, 0, _RET_IP_);
	return page ? reinterpret_cast<unsigned long>(page_address(page)) : 0;
}

unsigned long get_zeroed_page(gfp_t gfp)
{
	might_alloc(gfp);
	struct page* page = alloc_pages_checked(gfp | __GFP_ZERO, 0, 0, _RET_IP_);
	return page ? reinterpret_cast<unsigned long>(page_address(page)) : 0;
}

void __free_pages(struct page* page, unsigned order)
{
	free_pages_checked(page, order, _RET_IP_);
}

void free_pages(unsigned long addr, unsigned order)
{
	if (addr)
		free_pages_checked(virt_to_page(reinterpret_cast<void*>(addr)), order, _RET_IP_);
}

void split_page(struct page* page, unsigned order)
{
	if (PageHead(page)) {
		bad_page(page, "split_page on a compound page", _RET_IP_);
		return;
	}
	page->alloc_order = 0;
	for (unsigned long i = 1; i < (1UL << order); i++) {
		set_page_count(&page[i], 1);
		page[i].alloc_order = 0;
	}
}

void* alloc_pages_exact(size_t size, gfp_t gfp)
{
	might_alloc(gfp);
	uintptr_t caller = _RET_IP_;
	if (size == 0) {
		warn_alloc(gfp, 0, "alloc_pages_exact of 0 bytes");
		return nullptr;
	}
	if (size > (PAGE_SIZE << (MAX_ORDER - 1))) {
		warn_alloc(gfp, get_order(size), "order >= MAX_ORDER");
		return nullptr;
	}
	unsigned order = get_order(size);
	struct page* page = alloc_pages_checked(gfp & ~__GFP_COMP, order, 0, caller);
	if (!page)
		return nullptr;
	/* keep the pages the size needs, give the tail of the block back */
	split_page(page, order);
	unsigned long used = (size + PAGE_SIZE - 1) >> PAGE_SHIFT;
	for (unsigned long i = used; i < (1UL << order); i++)
		free_pages_checked(&page[i], 0, caller);
	return page_address(page);
}

void free_pages_exact(void* virt, size_t size)
{
	uintptr_t caller = _RET_IP_;
	struct page* page = virt_to_page(virt);
	unsigned long n = (size + PAGE_SIZE - 1) >> PAGE_SHIFT;
	for (unsigned long i = 0; i < n; i++)
		free_pages_checked(&page[i], 0, caller);
}

/* --------------------------------------------------------------- set-up */

/* boot, one CPU, before any allocation: nothing to lock against */
void zone_init_free_lists(struct zone* zone, pg_data_t* pgdat, unsigned idx, unsigned long start_pfn,
			  unsigned long spanned, unsigned long present) NO_THREAD_SAFETY_ANALYSIS
{
	zone->zone_pgdat = pgdat;
	zone->idx = idx;
	zone->name = zone_names[idx];
	zone->zone_start_pfn = start_pfn;
	zone->spanned_pages = spanned;
	zone->present_pages = present;
	zone->managed_pages.store(0);
	zone->nr_free_pages.store(0);
	for (auto& area : zone->free_area) {
		area.free_list.init();
		area.nr_free = 0;
	}
	for (auto& pcp : zone->pageset) {
		new (&pcp.lock) lib::spinlock();
		pcp.list.init();
		pcp.count = 0;
		pcp.batch = 1;
		pcp.high = 4;
	}
	for (auto& w : zone->_watermark)
		w = 0;
	for (auto& r : zone->lowmem_reserve)
		r = 0;
}

void free_pages_core_range(unsigned long start_pfn, unsigned long end_pfn)
{
	while (start_pfn < end_pfn) {
		struct page* first = pfn_to_page(start_pfn);
		struct zone* zone = page_zone(first);
		unsigned long limit = end_pfn < zone_end_pfn(zone) ? end_pfn : zone_end_pfn(zone);
		/* largest naturally aligned block that fits */
		unsigned order = MAX_ORDER - 1;
		while (order && ((start_pfn & ((1UL << order) - 1)) || start_pfn + (1UL << order) > limit))
			order--;
		unsigned long n = 1UL << order;
		for (unsigned long i = 0; i < n; i++) {
			clear_page_flag(&first[i], PG_reserved);
			set_page_count(&first[i], 0);
			first[i].alloc_order = -1;
		}
		if (page_poisoning_enabled)
			lib::memset(page_address(first), PAGE_POISON, n << PAGE_SHIFT);
		zone->managed_pages.fetch_add(n);
		{
			lib::spin_lock_irqsave_guard g(zone->lock);
			__free_one_page(first, start_pfn, zone, order);
		}
		start_pfn += n;
	}
}

void setup_per_zone_wmarks()
{
	unsigned long lowmem_pages = 0;
	pg_data_t* pgdat;
	for_each_online_pgdat(pgdat) for (auto& z : pgdat->node_zones) lowmem_pages += zone_managed_pages(&z);
	/* min_free_kbytes = sqrt(lowmem_kbytes * 16), clamped, as Linux */
	unsigned long kbytes = int_sqrt(lowmem_pages * (PAGE_SIZE / 1024) * 16);
	min_free_kbytes = int(kbytes < 128 ? 128 : kbytes > 262144 ? 262144 : kbytes);
	unsigned long pages_min = (unsigned long)min_free_kbytes >> (PAGE_SHIFT - 10);
	for_each_online_pgdat(pgdat)
	{
		for (auto& z : pgdat->node_zones) {
			unsigned long managed = zone_managed_pages(&z);
			unsigned long tmp = lowmem_pages ? pages_min * managed / lowmem_pages : 0;
			z._watermark[WMARK_MIN] = tmp;
			unsigned long scale = managed * watermark_scale_factor / 10000;
			tmp = (tmp >> 2) > scale ? (tmp >> 2) : scale;
			z._watermark[WMARK_LOW] = z._watermark[WMARK_MIN] + tmp;
			z._watermark[WMARK_HIGH] = z._watermark[WMARK_MIN] + tmp * 2;
		}
	}
}

void setup_per_zone_lowmem_reserve()
{
	pg_data_t* pgdat;
	for_each_online_pgdat(pgdat)
	{
		for (unsigned i = 0; i < MAX_NR_ZONES; i++) {
			struct zone& z = pgdat->node_zones[i];
			bool clear = !lowmem_reserve_ratio[i] || !zone_managed_pages(&z);
			unsigned long managed = 0;
			for (unsigned j = 0; j < MAX_NR_ZONES; j++) {
				if (j <= i) {
					z.lowmem_reserve[j] = 0;
					continue;
				}
				managed += zone_managed_pages(&pgdat->node_zones[j]);
				z.lowmem_reserve[j] = clear ? 0 : long(managed) / lowmem_reserve_ratio[i];
			}
		}
	}
}

void zone_pcp_init(struct zone* zone)
{
	/* Linux's zone_batchsize and zone_highsize: the low watermark's worth
	 * of pages split between the CPUs (every possible CPU here: they all
	 * share the node, and nr_cpu_ids is known before mm init) */
	long batch = long(zone_managed_pages(zone) >> 10);
	if (batch > long((1UL << 20) / PAGE_SIZE))
		batch = (1UL << 20) / PAGE_SIZE;
	batch /= 4;
	if (batch < 1)
		batch = 1;
	long b = batch + batch / 2, p2 = 1;
	while (p2 * 2 <= b)
		p2 *= 2;
	batch = p2 - 1 < 1 ? 1 : p2 - 1;
	long high = long(low_wmark_pages(zone)) / long(nr_cpu_ids ? nr_cpu_ids : 1);
	if (high < batch * 4)
		high = batch * 4;
	for (auto& pcp : zone->pageset) {
		pcp.batch = int(batch);
		pcp.high = int(high);
	}
}

void build_all_zonelists()
{
	pg_data_t* pgdat;
	for_each_online_pgdat(pgdat)
	{
		zoneref* zr = pgdat->node_zonelists[0]._zonerefs;
		/* this node first, highest zone first; then the other nodes */
		for (unsigned k = 0; k < MAX_NUMNODES; k++) {
			unsigned nid = (unsigned(pgdat->node_id) + k) % MAX_NUMNODES;
			pg_data_t* other = NODE_DATA(nid);
			if (!other)
				continue;
			for (int z = MAX_NR_ZONES - 1; z >= 0; z--)
				if (populated_zone(&other->node_zones[z]))
					*zr++ = zoneref{&other->node_zones[z], unsigned(z)};
		}
		*zr = zoneref{nullptr, 0};
	}
}

/* Linux 6.1's drain_pages_zone: any CPU may empty any CPU's list, under
 * the list's lock; its owner meanwhile uses the buddy lists */
void drain_pages_zone(unsigned cpu, struct zone* zone)
{
	struct per_cpu_pages* pcp = &zone->pageset[cpu];
	lib::spin_lock_irqsave_guard g(pcp->lock);
	if (pcp->count)
		free_pcppages_bulk(zone, pcp->count, pcp);
}

void drain_zone_pages(struct zone* zone)
{
	for (unsigned cpu = 0; cpu < nr_cpu_ids; cpu++)
		drain_pages_zone(cpu, zone);
}

void drain_all_pages()
{
	pg_data_t* pgdat;
	for_each_online_pgdat(pgdat) for (auto& z : pgdat->node_zones) drain_zone_pages(&z);
}

/* ---------------------------------------------------- statistics, /proc */

unsigned long zone_pcp_pages(struct zone* zone)
{
	unsigned long n = 0;
	for (unsigned cpu = 0; cpu < nr_cpu_ids; cpu++)
		n += (unsigned long)__atomic_load_n(&zone->pageset[cpu].count, __ATOMIC_RELAXED);
	return n;
}

unsigned long zone_nr_free(const struct zone* z)
{
	long v = z->nr_free_pages.load(std::memory_order_relaxed);
	return v < 0 ? 0 : (unsigned long)v;
}

unsigned long totalram_pages()
{
	unsigned long n = 0;
	pg_data_t* pgdat;
	for_each_online_pgdat(pgdat) for (auto& z : pgdat->node_zones) n += zone_managed_pages(&z);
	return n;
}

unsigned long nr_free_pages()
{
	unsigned long n = 0;
	pg_data_t* pgdat;
	for_each_online_pgdat(pgdat) for (auto& z : pgdat->node_zones) n += zone_nr_free(&z);
	return n;
}

size_t render_buddyinfo(char* buf, size_t size)
{
	size_t n = 0;
	buf[0] = '\0';
	pg_data_t* pgdat;
	for_each_online_pgdat(pgdat)
	{
		for (auto& z : pgdat->node_zones) {
			if (!populated_zone(&z))
				continue;
			lib::spin_lock_irqsave_guard g(z.lock);
			n += lib::scnprintf(buf + n, size - n, "Node %d, zone %8s ", pgdat->node_id, z.name);
			for (auto& area : z.free_area)
				n += lib::scnprintf(buf + n, size - n, "%6lu ", area.nr_free);
			n += lib::scnprintf(buf + n, size - n, "\n");
		}
	}
	return n;
}

size_t render_zoneinfo_free(char* buf, size_t size)
{
	size_t n = 0;
	buf[0] = '\0';
	pg_data_t* pgdat;
	for_each_online_pgdat(pgdat)
	{
		for (auto& z : pgdat->node_zones) {
			n += lib::scnprintf(buf + n, size - n, "Node %d, zone %8s\n", pgdat->node_id, z.name);
			n += lib::scnprintf(buf + n, size - n,
					    "  pages free     %lu\n"
					    "        boost    0\n"
					    "        min      %lu\n"
					    "        low      %lu\n"
					    "        high     %lu\n"
					    "        spanned  %lu\n"
					    "        present  %lu\n"
					    "        managed  %lu\n"
					    "        cma      0\n"
					    "        protection: (",
					    zone_nr_free(&z), min_wmark_pages(&z), low_wmark_pages(&z),
					    high_wmark_pages(&z), z.spanned_pages, z.present_pages, zone_managed_pages(&z));
			for (unsigned j = 0; j < MAX_NR_ZONES; j++)
				n += lib::scnprintf(buf + n, size - n, "%s%ld", j ? ", " : "", z.lowmem_reserve[j]);
			n += lib::scnprintf(buf + n, size - n, ")\n      nr_free_pages %lu\n", zone_nr_free(&z));
			if (!populated_zone(&z))
				continue;
			n += lib::scnprintf(buf + n, size - n, "  pagesets\n");
			unsigned cpu;
			for_each_online_cpu(cpu)
			{
				if (cpu >= nr_cpu_ids)
					break;
				n += lib::scnprintf(buf + n, size - n,
						    "    cpu: %u\n"
						    "              count: %d\n"
						    "              high:  %d\n"
						    "              batch: %d\n",
						    cpu, __atomic_load_n(&z.pageset[cpu].count, __ATOMIC_RELAXED),
						    z.pageset[cpu].high, z.pageset[cpu].batch);
			}
			n += lib::scnprintf(buf + n, size - n, "  node_unreclaimable:  0\n  start_pfn:           %lu\n",
					    z.zone_start_pfn);
		}
	}
	return n;
}

size_t render_meminfo_basic(char* buf, size_t size)
{
	return size_t(lib::scnprintf(buf, size, "MemTotal:       %8lu kB\nMemFree:        %8lu kB\n",
				     totalram_pages() << (PAGE_SHIFT - 10), nr_free_pages() << (PAGE_SHIFT - 10)));
}

size_t format_gfp_flags(char* buf, size_t size, gfp_t gfp)
{
	static const struct {
		gfp_t mask;
		const char* name;
	} names[] = {
		{GFP_USER, "GFP_USER"},
		{GFP_KERNEL, "GFP_KERNEL"},
		{GFP_NOFS, "GFP_NOFS"},
		{GFP_ATOMIC, "GFP_ATOMIC"},
		{GFP_NOIO, "GFP_NOIO"},
		{GFP_NOWAIT, "GFP_NOWAIT"},
		{GFP_DMA, "GFP_DMA"},
		{__GFP_HIGHMEM, "__GFP_HIGHMEM"},
		{GFP_DMA32, "GFP_DMA32"},
		{__GFP_HIGH, "__GFP_HIGH"},
		{__GFP_ATOMIC, "__GFP_ATOMIC"},
		{__GFP_IO, "__GFP_IO"},
		{__GFP_FS, "__GFP_FS"},
		{__GFP_NOWARN, "__GFP_NOWARN"},
		{__GFP_RETRY_MAYFAIL, "__GFP_RETRY_MAYFAIL"},
		{__GFP_NOFAIL, "__GFP_NOFAIL"},
		{__GFP_NORETRY, "__GFP_NORETRY"},
		{__GFP_COMP, "__GFP_COMP"},
		{__GFP_ZERO, "__GFP_ZERO"},
		{__GFP_THISNODE, "__GFP_THISNODE"},
		{__GFP_RECLAIMABLE, "__GFP_RECLAIMABLE"},
		{__GFP_MOVABLE, "__GFP_MOVABLE"},
		{__GFP_RECLAIM, "__GFP_RECLAIM"},
		{__GFP_DIRECT_RECLAIM, "__GFP_DIRECT_RECLAIM"},
		{__GFP_KSWAPD_RECLAIM, "__GFP_KSWAPD_RECLAIM"},
	};
	size_t n = 0;
	buf[0] = '\0';
	for (const auto& e : names) {
		if ((gfp & e.mask) != e.mask)
			continue;
		n += lib::scnprintf(buf + n, size - n, "%s%s", n ? "|" : "", e.name);
		gfp &= ~e.mask;
	}
	if (gfp || !n)
		n += lib::scnprintf(buf + n, size - n, "%s%#x", n ? "|" : "", gfp);
	return n;
}
