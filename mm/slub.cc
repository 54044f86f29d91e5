/*
 * SLUB, the slab allocator (Linux: mm/slub.c).
 *
 * A slab is one buddy block (compound when order > 0) cut into objects of
 * s->size bytes.  Its head struct page is the slab descriptor: PG_slab,
 * slab_cache, freelist (the first free object), inuse, objects, frozen,
 * and lru, which links it on its node's partial list.  Free objects are
 * chained through a pointer stored in the object at s->offset, hardened
 * as Linux's CONFIG_SLAB_FREELIST_HARDENED does:
 *     stored = next ^ s->random ^ bswap64(address of the slot)
 * so a leaked or overwritten free pointer is useless to an attacker and a
 * stray write turns into an invalid pointer that the debug checks catch.
 *
 * Allocation (slab_alloc_node), interrupts off, no lock:
 *   fast path   pop the CPU's freelist (kmem_cache_cpu::freelist)
 *   slow path   (___slab_alloc) take the CPU slab's page->freelist (remote
 *               frees land there), else freeze a slab from the node's
 *               partial list, else a new slab from the page allocator
 *               on the requested node.
 * Freeing (slab_free):
 *   fast path   the object's slab is this CPU's slab: push on its freelist
 *   slow path   (__slab_free) push on page->freelist under the node's
 *               list_lock; a full slab goes back on the partial list; an
 *               empty one goes back to the buddy allocator once the node
 *               already keeps min_partial partial slabs.
 *
 * Debug caches (slub_debug=, or SLAB_RED_ZONE/SLAB_POISON/SLAB_STORE_USER/
 * SLAB_CONSISTENCY_CHECKS) take no CPU slab: every allocation and free is
 * done on the slab under list_lock with the checks of Linux's
 * alloc/free_debug_processing (mm/slub_debug.cc, which describes the
 * object layout, the poison values and the reports).  mm/slab.h holds
 * what the two files share: object geometry and the free-pointer helpers.
 *
 * Bootstrap (kmem_cache_init): the caches of struct kmem_cache_node and
 * struct kmem_cache start in static storage; the first node structure is
 * carved by hand from a fresh slab (early_kmem_cache_node_alloc); then
 * both caches copy themselves into objects of the "kmem_cache" cache and
 * their slabs are repointed (bootstrap), and the kmalloc caches follow
 * (mm/slab_common.cc).
 *
 * Many CPUs: each CPU has its kmem_cache_cpu (s->cpu_slab[cpu], for cpu <
 * nr_cpu_ids, which is final before kmem_cache_init).  Only that CPU
 * touches it, with interrupts off; another CPU that needs it emptied
 * (flush_all: kmem_cache_shrink, cache shutdown) asks the owner with a
 * cross-CPU call (on_each_cpu; Linux queues work on each CPU), never
 * touches it itself.  An object freed on a CPU whose active slab is not
 * the object's slab (a remote free, or a slab another CPU has frozen)
 * goes through __slab_free under the node's list_lock; the owning CPU
 * collects such frees from page->freelist under the same lock
 * (get_freelist) before it leaves the slab.  Linux does the same with a
 * cmpxchg on freelist+counters; here the lock is the serialisation.
 *
 * Lock order: slab_mutex -> kmem_cache_node::list_lock (irqs off) ->
 * per_cpu_pages::lock -> zone->lock.  A CPU's kmem_cache_cpu is guarded
 * by disabling interrupts on that CPU.  page->freelist/inuse/frozen of a
 * slab are guarded by its node's list_lock, except for a new slab no one
 * else can see yet.  flush_all() needs interrupts enabled and no
 * list_lock held (it waits for the other CPUs).
 */
#include <kernel/kernel.h>
#include "slab.h"
#include <kernel/random.h> /* get_random_long: the per-cache key */
#include <arch/processor.h>
#include <kernel/lockdep.h>
#include <kernel/panic.h>
#include <kernel/params.h>
#include <kernel/printk.h>
#include <kernel/time.h>
#include <lib/format.h>
#include <lib/string.h>
#include <mm/page_alloc.h>
#include <new>
#include <uapi/asm-generic/errno.h>

namespace slub
{
slab_state_t slab_state = DOWN;
DEFINE_MUTEX(slab_mutex); /* a sleeping lock: allocates with GFP_KERNEL while held */
lib::list_head slab_caches;
struct kmem_cache* kmem_cache_cache;
bool slub_nomerge;
std::atomic<long> large_kmalloc_pages;
} // namespace slub

using namespace slub;

namespace
{
constexpr unsigned cache_line_size = 64;
constexpr unsigned slub_min_order = 0;
constexpr unsigned slub_max_order = 3;   /* PAGE_ALLOC_COSTLY_ORDER */
constexpr unsigned slub_min_objects = 0; /* 0: derived from the CPU count */
constexpr unsigned long MIN_PARTIAL = 5, MAX_PARTIAL = 10;
constexpr unsigned MAX_OBJS_PER_PAGE = 32767;

struct kmem_cache* kmem_cache_node_cache;
std::atomic<long> reclaimable_pages, unreclaimable_pages;


unsigned slub_nr_cpu_ids; /* nr_cpu_ids when kmem_cache_init sized the caches */

/* static homes of the two bootstrap caches, with their per-CPU slabs */
struct boot_cache {
	struct kmem_cache s;
	struct kmem_cache_cpu cpu[NR_CPUS];
};
boot_cache boot_kmem_cache, boot_kmem_cache_node;


/* ------------------------------------------------------------- helpers */

constexpr unsigned long align_up(unsigned long x, unsigned long a)
{
	return (x + a - 1) & ~(a - 1);
}
constexpr unsigned ilog2(unsigned long v)
{
	return 63 - unsigned(__builtin_clzl(v));
}
constexpr bool is_power_of_2(unsigned long v)
{
	return v && !(v & (v - 1));
}

inline bool node_online(int nid)
{
	return nid >= 0 && unsigned(nid) < MAX_NUMNODES && NODE_DATA(nid);
}
inline struct kmem_cache_node* get_node(const struct kmem_cache* s, int nid)
{
	return s->node[nid];
}
inline struct kmem_cache_cpu* this_cpu_slab(struct kmem_cache* s)
{
	return &s->cpu_slab[smp_processor_id()];
}

/* --------------------------------------------------------- node lists */

/* nr_partial changes under list_lock and is peeked at without it
 * (get_partial_node): one relaxed store per change */
inline void add_partial(struct kmem_cache_node* n, struct page* page, bool tail) REQUIRES(n->list_lock)
{
	__atomic_store_n(&n->nr_partial, n->nr_partial + 1, __ATOMIC_RELAXED);
	if (tail)
		n->partial.add_tail(&page->lru);
	else
		n->partial.add(&page->lru);
}
inline void remove_partial(struct kmem_cache_node* n, struct page* page) REQUIRES(n->list_lock)
{
	page->lru.del();
	__atomic_store_n(&n->nr_partial, n->nr_partial - 1, __ATOMIC_RELAXED);
}
inline void add_full(struct kmem_cache_node* n, struct page* page) REQUIRES(n->list_lock)
{
	n->full.add(&page->lru);
}
inline void remove_full(struct page* page)
{
	page->lru.del();
}

inline void inc_slabs_node(struct kmem_cache_node* n, unsigned objects)
{
	n->nr_slabs.fetch_add(1, std::memory_order_relaxed);
	n->total_objects.fetch_add(objects, std::memory_order_relaxed);
}
inline void dec_slabs_node(struct kmem_cache_node* n, unsigned objects)
{
	n->nr_slabs.fetch_sub(1, std::memory_order_relaxed);
	n->total_objects.fetch_sub(objects, std::memory_order_relaxed);
}

inline void account_slab(const struct kmem_cache* s, unsigned order, long sign)
{
	auto& counter = (s->flags & SLAB_RECLAIM_ACCOUNT) ? reclaimable_pages : unreclaimable_pages;
	counter.fetch_add(sign * (1L << order), std::memory_order_relaxed);
}

/* ---------------------------------------------------- slabs themselves */

unsigned order_objects(unsigned order, unsigned size)
{
	return unsigned((PAGE_SIZE << order) / size);
}

/* lowest order >= min_objects * size whose leftover is at most 1/fract */
unsigned calc_slab_order(unsigned size, unsigned min_objects, unsigned max_order, unsigned fract_leftover)
{
	if (order_objects(slub_min_order, size) > MAX_OBJS_PER_PAGE)
		return get_order((unsigned long)size * MAX_OBJS_PER_PAGE) - 1;
	unsigned order = get_order((unsigned long)min_objects * size);
	if (order < slub_min_order)
		order = slub_min_order;
	for (; order <= max_order; order++) {
		unsigned long slab_size = PAGE_SIZE << order;
		if (slab_size % size <= slab_size / fract_leftover)
			break;
	}
	return order;
}

/* Linux's calculate_order: as few wasted bytes as possible, up to order 3;
 * ENOSYS (Linux's value) when not even MAX_ORDER - 1 holds one object */
lib::Result<unsigned> calculate_order(unsigned size)
{
	unsigned min_objects = slub_min_objects;
	if (!min_objects)
		min_objects = 4 * (ilog2(nr_cpu_ids) + 2); /* 4 * (fls(nr_cpus) + 1) */
	unsigned max_objects = order_objects(slub_max_order, size);
	if (min_objects > max_objects)
		min_objects = max_objects;
	while (min_objects > 1) {
		for (unsigned fraction = 16; fraction >= 4; fraction /= 2) {
			unsigned order = calc_slab_order(size, min_objects, slub_max_order, fraction);
			if (order <= slub_max_order)
				return order;
		}
		min_objects--;
	}
	unsigned order = calc_slab_order(size, 1, slub_max_order, 1);
	if (order <= slub_max_order)
		return order;
	order = calc_slab_order(size, 1, MAX_ORDER - 1, 1);
	if (order < MAX_ORDER)
		return order;
	return lib::Error{ENOSYS};
}

/* Linux's calculate_sizes: where the free pointer, red zones, tracks go;
 * EINVAL when no slab order fits the object */
lib::Result<void> calculate_sizes(struct kmem_cache* s)
{
	slab_flags_t flags = s->flags;
	unsigned size = unsigned(align_up(s->object_size, sizeof(void*)));
	if ((flags & SLAB_POISON) && !(flags & SLAB_TYPESAFE_BY_RCU) && !s->ctor)
		s->flags |= __OBJECT_POISON;
	else
		s->flags &= ~__OBJECT_POISON;
	/* a word of right red zone even when the object fills its words */
	if ((flags & SLAB_RED_ZONE) && size == s->object_size)
		size += sizeof(void*);
	s->inuse = size;
	if ((flags & (SLAB_TYPESAFE_BY_RCU | SLAB_POISON)) || s->ctor ||
	    ((flags & SLAB_RED_ZONE) && s->object_size < sizeof(void*))) {
		/* the object's bytes must survive while it is free: pointer after it */
		s->offset = size;
		size += sizeof(void*);
	} else {
		/* mid-object, so a small overflow from the previous object misses it */
		s->offset = unsigned(s->object_size / 2) & ~unsigned(sizeof(void*) - 1);
	}
	if (flags & SLAB_STORE_USER)
		size += 2 * sizeof(struct track);
	if (flags & SLAB_RED_ZONE) {
		size += sizeof(void*);
		s->red_left_pad = unsigned(align_up(sizeof(void*), s->align));
		size += s->red_left_pad;
	} else {
		s->red_left_pad = 0;
	}
	size = unsigned(align_up(size, s->align));
	s->size = size;
	s->reciprocal_size = ~0ULL / size + 1;
	lib::Result<unsigned> r = calculate_order(size);
	if (r.is_err())
		return lib::Error{EINVAL};
	unsigned order = r.value();
	s->allocflags = 0;
	if (order)
		s->allocflags |= __GFP_COMP;
	if (s->flags & SLAB_CACHE_DMA)
		s->allocflags |= GFP_DMA;
	if (s->flags & SLAB_CACHE_DMA32)
		s->allocflags |= GFP_DMA32;
	if (s->flags & SLAB_RECLAIM_ACCOUNT)
		s->allocflags |= __GFP_RECLAIMABLE;
	s->oo_order = order;
	s->oo_objects = order_objects(order, size);
	s->min_order = get_order(size);
	s->min_objects = order_objects(s->min_order, size);
	if (!s->oo_objects)
		return lib::Error{EINVAL};
	return lib::ok();
}

/* the gfp bits a slab allocation inherits from the object allocation */
constexpr gfp_t GFP_SLAB_INHERIT = __GFP_RECLAIM | __GFP_IO | __GFP_FS | __GFP_HIGH | __GFP_ATOMIC | __GFP_NOWARN |
                                   __GFP_RETRY_MAYFAIL | __GFP_NOFAIL | __GFP_NORETRY | __GFP_HARDWALL | __GFP_THISNODE;

struct page* alloc_slab_page(gfp_t flags, int node, unsigned order)
{
	if (order)
		flags |= __GFP_COMP;
	else
		flags &= ~__GFP_COMP;
	return __alloc_pages_node_irqs_off(node, flags, order);
}

/* a new slab, its objects chained and set up; not yet counted on a node */
struct page* allocate_slab(struct kmem_cache* s, gfp_t flags, int node)
{
	flags = (flags & GFP_SLAB_INHERIT) | s->allocflags;
	unsigned order = s->oo_order, objects = s->oo_objects;
	struct page* page = nullptr;
	if (order > s->min_order)
		page = alloc_slab_page((flags | __GFP_NOWARN | __GFP_NORETRY) & ~__GFP_NOFAIL, node, order);
	if (!page) {
		order = s->min_order;
		objects = s->min_objects;
		page = alloc_slab_page(flags, node, order);
		if (!page)
			return nullptr;
	}
	page->private_ = 0;
	page->objects = uint16_t(objects);
	page->inuse = 0;
	page->frozen = 0;
	page->slab_cache = s;
	page->lru.init();
	set_page_flag(page, PG_slab);
	account_slab(s, order, +1);

	uint8_t* start = slab_address(page);
	if (s->flags & SLAB_POISON)
		lib::memset(start, POISON_INUSE, PAGE_SIZE << order);
	uint8_t* first = start + s->red_left_pad;
	for (unsigned i = 0; i < objects; i++) {
		uint8_t* p = first + (unsigned long)i * s->size;
		if (kmem_cache_debug(s)) {
			init_object(s, p, SLUB_RED_INACTIVE);
			if (s->flags & SLAB_STORE_USER)
				lib::memset(get_track(s, p, TRACK_ALLOC), 0, 2 * sizeof(struct track));
		}
		if (s->ctor)
			s->ctor(p);
		set_freepointer(s, p, i + 1 < objects ? p + s->size : nullptr);
	}
	page->freelist = first;
	return page;
}

struct page* new_slab(struct kmem_cache* s, gfp_t flags, int node)
{
	struct page* page = allocate_slab(s, flags, node);
	if (page)
		inc_slabs_node(get_node(s, page_to_nid(page)), page->objects);
	return page;
}

/* back to the page allocator; the slab is on no list */
void discard_slab(struct kmem_cache* s, struct page* page)
{
	dec_slabs_node(get_node(s, page_to_nid(page)), page->objects);
	unsigned order = slab_order(page);
	if (s->flags & SLAB_CONSISTENCY_CHECKS) {
		/* a use after free of the last objects shows here */
		uint8_t* p = slab_address(page) + s->red_left_pad;
		for (unsigned i = 0; i < page->objects; i++, p += s->size)
			check_object(s, page, p, SLUB_RED_INACTIVE, "discard_slab", 0);
	}
	clear_page_flag(page, PG_slab);
	page->slab_cache = nullptr;
	page->freelist = nullptr;
	page->private_ = 0;
	account_slab(s, order, -1);
	__free_pages(page, order);
}

void slab_out_of_memory(const struct kmem_cache* s, gfp_t gfp, int nid)
{
	if (gfp & __GFP_NOWARN)
		return;
	char flags[128];
	format_gfp_flags(flags, sizeof(flags), gfp);
	pr_warn("SLUB: Unable to allocate memory on node %d, gfp=%#x(%s)\n", nid, gfp, flags);
	pr_warn("  cache: %s, object size: %u, buffer size: %u, default order: %u, min order: %u\n", s->name,
	        s->object_size, s->size, s->oo_order, s->min_order);
}

/* ------------------------------------------------ CPU slab (non-debug) */

/* Give the CPU slab back: its CPU freelist joins page->freelist. Irqs off. */
void deactivate_slab(struct kmem_cache* s, struct page* page, void* freelist)
{
	struct kmem_cache_node* n = get_node(s, page_to_nid(page));
	unsigned count = 0;
	void* tail = nullptr;
	for (void* p = freelist; p; p = get_freepointer(s, p)) {
		tail = p;
		count++;
	}
	bool discard = false;
	{
		lib::spin_lock_guard g(n->list_lock);
		if (tail) {
			set_freepointer(s, tail, page->freelist);
			page->freelist = freelist;
		}
		page->inuse = uint16_t(page->inuse - count);
		page->frozen = 0;
		if (!page->inuse && n->nr_partial >= s->min_partial)
			discard = true;
		else if (page->freelist)
			add_partial(n, page, true);
		/* else full: on no list until an object comes back */
	}
	if (discard)
		discard_slab(s, page);
}

/* take the remote frees of the CPU slab; NULL unfreezes a full slab */
void* get_freelist(struct kmem_cache* s, struct page* page)
{
	struct kmem_cache_node* n = get_node(s, page_to_nid(page));
	lib::spin_lock_guard g(n->list_lock);
	void* freelist = page->freelist;
	page->freelist = nullptr;
	page->inuse = page->objects;
	if (!freelist)
		page->frozen = 0;
	return freelist;
}

/* freeze the first partial slab of a node: its freelist becomes the CPU's */
struct page* get_partial_node(struct kmem_cache_node* n, void** freelist)
{
	if (!n || !__atomic_load_n(&n->nr_partial, __ATOMIC_RELAXED)) /* racy peek, as Linux */
		return nullptr;
	lib::spin_lock_guard g(n->list_lock);
	if (n->partial.empty())
		return nullptr;
	struct page* page = list_first_entry(&n->partial, struct page, lru);
	remove_partial(n, page);
	*freelist = page->freelist;
	page->freelist = nullptr;
	page->inuse = page->objects;
	page->frozen = 1;
	return page;
}

struct page* get_partial(struct kmem_cache* s, int node, void** freelist)
{
	int searchnode = node_online(node) ? node : 0;
	struct page* page = get_partial_node(get_node(s, searchnode), freelist);
	if (page || node != NUMA_NO_NODE)
		return page;
	for (unsigned nid = 0; nid < MAX_NUMNODES; nid++) /* get_any_partial */
		if (int(nid) != searchnode && s->node[nid])
			if ((page = get_partial_node(s->node[nid], freelist)))
				return page;
	return nullptr;
}

/* the slow path: interrupts are off and c is this CPU's */
__attribute__((noinline)) void* ___slab_alloc(struct kmem_cache* s, gfp_t gfpflags, int node, struct kmem_cache_cpu* c)
{
	void* freelist;
	struct page* page = c->page;
	if (page) {
		if (node != NUMA_NO_NODE && node_online(node) && page_to_nid(page) != node) {
			deactivate_slab(s, page, c->freelist);
			c->page = nullptr;
			c->freelist = nullptr;
		} else {
			/* a node we cannot honour (offline) lands here with the
			 * CPU freelist still full: use it before page->freelist */
			freelist = c->freelist;
			if (freelist)
				goto load_freelist;
			freelist = get_freelist(s, page);
			if (freelist)
				goto load_freelist;
			c->page = nullptr; /* full: it is on no list now */
		}
	}
	page = get_partial(s, node, &freelist);
	if (!page) {
		page = new_slab(s, gfpflags, node);
		if (!page) {
			slab_out_of_memory(s, gfpflags, node);
			return nullptr;
		}
		/* nobody else sees the new slab yet: freeze it without the lock */
		freelist = page->freelist;
		page->freelist = nullptr;
		page->inuse = page->objects;
		page->frozen = 1;
	}
	c->page = page;
load_freelist:
	c->freelist = static_cast<void**>(get_freepointer(s, freelist));
	return freelist;
}

/* free to a slab that is not this CPU's slab. Irqs off. */
__attribute__((noinline)) void __slab_free(struct kmem_cache* s, struct page* page, void* object, const char* op,
                                           unsigned long caller)
{
	struct kmem_cache_node* n = get_node(s, page_to_nid(page));
	bool discard = false, twice = false;
	{
		lib::spin_lock_guard g(n->list_lock);
		void* prior = page->freelist;
		if (object == prior) {
			twice = true; /* the naive double-free check of FREELIST_HARDENED */
		} else {
			set_freepointer(s, object, prior);
			page->freelist = object;
			page->inuse--;
			if (!page->frozen) {
				if (!page->inuse && n->nr_partial >= s->min_partial) {
					if (prior)
						remove_partial(n, page);
					discard = true;
				} else if (!prior) {
					add_partial(n, page, true); /* was full */
				}
			}
		}
	}
	if (twice)
		object_err(s, page, object, "Object already free", op, caller);
	if (discard)
		discard_slab(s, page);
}

/* This CPU's active slab back to its node.  Runs on the CPU that owns
 * it, interrupts off: a cross-CPU call, or on_each_cpu's local call. */
void flush_cpu_slab(void* info)
{
	auto* s = static_cast<struct kmem_cache*>(info);
	struct kmem_cache_cpu* c = this_cpu_slab(s);
	if (c->page)
		deactivate_slab(s, c->page, c->freelist);
	c->page = nullptr;
	c->freelist = nullptr;
}

/* Every CPU gives its active slab back, each on itself (Linux: work on
 * each CPU, flush_work).  Interrupts on, no list_lock held: waits for
 * the other CPUs.  A CPU may take a new slab right after; shrink and
 * shutdown only promise what was allocated before the call. */
void flush_all(struct kmem_cache* s)
{
	on_each_cpu(flush_cpu_slab, s, 1);
}

/* ------------------------------------------------ debug caches' paths */

__attribute__((noinline)) void* alloc_debug(struct kmem_cache* s, gfp_t gfp, int node, unsigned long caller)
{
	int first = node_online(node) ? node : 0;
	for (;;) {
		bool retry = false;
		for (unsigned k = 0; k < MAX_NUMNODES && !retry; k++) {
			int nid = int((unsigned(first) + k) % MAX_NUMNODES);
			if (k && node != NUMA_NO_NODE)
				break;
			struct kmem_cache_node* n = s->node[nid];
			if (!n)
				continue;
			lib::spin_lock_irqsave_guard g(n->list_lock);
			if (n->partial.empty())
				continue;
			struct page* page = list_first_entry(&n->partial, struct page, lru);
			void* object = page->freelist;
			if (!alloc_debug_processing(s, page, object, caller)) {
				page->freelist = nullptr;
				page->inuse = page->objects;
				remove_partial(n, page);
				add_full(n, page);
				retry = true;
				break;
			}
			page->freelist = get_freepointer(s, object);
			page->inuse++;
			if (page->inuse == page->objects) {
				remove_partial(n, page);
				add_full(n, page);
			}
			return object;
		}
		if (retry)
			continue;
		struct page* page = new_slab(s, gfp, node);
		if (!page) {
			slab_out_of_memory(s, gfp, node);
			return nullptr;
		}
		struct kmem_cache_node* n = get_node(s, page_to_nid(page));
		lib::spin_lock_irqsave_guard g(n->list_lock);
		void* object = page->freelist;
		if (!alloc_debug_processing(s, page, object, caller)) {
			page->freelist = nullptr;
			page->inuse = page->objects;
			add_full(n, page);
			continue;
		}
		page->freelist = get_freepointer(s, object);
		page->inuse = 1;
		if (page->inuse == page->objects)
			add_full(n, page);
		else
			add_partial(n, page, false);
		return object;
	}
}

__attribute__((noinline)) void free_debug(struct kmem_cache* s, struct page* page, void* object, const char* op,
                                          unsigned long caller)
{
	struct kmem_cache_node* n = get_node(s, page_to_nid(page));
	bool discard = false;
	{
		lib::spin_lock_irqsave_guard g(n->list_lock);
		if (!free_debug_processing(s, page, object, op, caller))
			return;
		void* prior = page->freelist;
		set_freepointer(s, object, prior);
		page->freelist = object;
		page->inuse--;
		if (!page->inuse && n->nr_partial >= s->min_partial) {
			if (prior)
				remove_partial(n, page);
			else
				remove_full(page);
			discard = true;
		} else if (!prior) {
			remove_full(page);
			add_partial(n, page, true);
		}
	}
	if (discard)
		discard_slab(s, page);
}

/* --------------------------------------------------- nodes, bootstrap */

void init_kmem_cache_node(struct kmem_cache_node* n)
{
	new (n) kmem_cache_node{};
#if !__STDC_HOSTED__
	lockdep_init_map(&n->list_lock); /* a reused address: a new lock */
#endif
}

/* The first kmem_cache_node comes from a slab of its own cache, by hand
 * (boot, one CPU, a node no one else sees yet: its list_lock not taken). */
void early_kmem_cache_node_alloc(int node) NO_THREAD_SAFETY_ANALYSIS
{
	struct kmem_cache* s = kmem_cache_node_cache;
	struct page* page = allocate_slab(s, GFP_KERNEL, node);
	if (!page)
		panic("SLUB: Unable to allocate the first kmem_cache_node on node %d", node);
	if (page_to_nid(page) != node)
		pr_err("SLUB: Unable to allocate memory from node %d\n", node);
	auto* n = static_cast<struct kmem_cache_node*>(page->freelist);
	page->freelist = get_freepointer(s, n);
	page->inuse = 1;
	if (kmem_cache_debug(s)) {
		init_object(s, n, SLUB_RED_ACTIVE);
		if (s->flags & SLAB_STORE_USER)
			set_track(s, n, TRACK_ALLOC, _RET_IP_);
	}
	init_kmem_cache_node(n);
	s->node[page_to_nid(page)] = n;
	inc_slabs_node(n, page->objects);
	add_partial(n, page, false);
}

void free_kmem_cache_nodes(struct kmem_cache* s)
{
	for (auto& n : s->node) {
		if (n)
			kmem_cache_free(kmem_cache_node_cache, n);
		n = nullptr;
	}
}

lib::Result<void> init_kmem_cache_nodes(struct kmem_cache* s)
{
	for (unsigned nid = 0; nid < MAX_NUMNODES; nid++) {
		if (!NODE_DATA(nid))
			continue;
		if (slab_state == DOWN) {
			early_kmem_cache_node_alloc(int(nid));
			continue;
		}
		auto* n = static_cast<struct kmem_cache_node*>(
		    kmem_cache_alloc_node(kmem_cache_node_cache, GFP_KERNEL, int(nid)));
		if (!n)
			return lib::Error{ENOMEM};
		init_kmem_cache_node(n);
		s->node[nid] = n;
	}
	return lib::ok();
}

struct kmem_cache_cpu* cpu_area(struct kmem_cache* s)
{
	return reinterpret_cast<struct kmem_cache_cpu*>(reinterpret_cast<char*>(s) +
	                                                align_up(sizeof(struct kmem_cache), alignof(kmem_cache_cpu)));
}

/* move a static boot cache into an object of the kmem_cache cache
 * (kmem_cache_init: boot, one CPU, slab_caches unlocked) */
struct kmem_cache* bootstrap(struct kmem_cache* static_cache) NO_THREAD_SAFETY_ANALYSIS
{
	auto* s = static_cast<struct kmem_cache*>(kmem_cache_zalloc(kmem_cache_cache, GFP_NOWAIT));
	if (!s)
		panic("SLUB: bootstrap of %s failed", static_cache->name);
	lib::memcpy(s, static_cache, sizeof(*s));
	s->cpu_slab = cpu_area(s);
	for (unsigned cpu = 0; cpu < nr_cpu_ids; cpu++)
		s->cpu_slab[cpu] = static_cache->cpu_slab[cpu];
	flush_all(s); /* the CPU slab goes on the partial list, where we can see it */
	for (auto* n : s->node) {
		if (!n)
			continue;
		lib::spin_lock_irqsave_guard g(n->list_lock);
		struct page* page;
		list_for_each_entry(page, &n->partial, lru)
			page->slab_cache = s;
		list_for_each_entry(page, &n->full, lru)
			page->slab_cache = s;
	}
	s->list.init();
	slab_caches.add(&s->list);
	return s;
}

lib::Result<void> setup_slub_nomerge(std::string_view)
{
	slub_nomerge = true;
	return lib::ok();
}
} // namespace
early_param("slub_nomerge", setup_slub_nomerge);

/* ------------------------------------------------ internal interface */

namespace slub
{
unsigned int kmem_cache_object_bytes()
{
	return unsigned(align_up(sizeof(struct kmem_cache), alignof(kmem_cache_cpu)) +
	                nr_cpu_ids * sizeof(struct kmem_cache_cpu));
}

unsigned int calculate_alignment(slab_flags_t flags, unsigned int align, unsigned int size)
{
	if (flags & SLAB_HWCACHE_ALIGN) {
		unsigned ralign = cache_line_size;
		while (size <= ralign / 2)
			ralign /= 2;
		if (ralign > align)
			align = ralign;
	}
	if (align < ARCH_KMALLOC_MINALIGN)
		align = ARCH_KMALLOC_MINALIGN;
	return unsigned(align_up(align, sizeof(void*)));
}

lib::Result<void> __kmem_cache_create(struct kmem_cache* s, slab_flags_t flags)
{
	/* every cache has nr_cpu_ids CPU slabs: the count may not grow after
	 * kmem_cache_init (setup_arch fixes it from the MADT before mm init) */
	if (slab_state != DOWN && nr_cpu_ids > slub_nr_cpu_ids)
		panic("SLUB: nr_cpu_ids grew from %u to %u after kmem_cache_init", slub_nr_cpu_ids, nr_cpu_ids);
	s->flags = flags;
	s->random = get_random_long();
	TRY(calculate_sizes(s));
	unsigned long mp = ilog2(s->size) / 2;
	s->min_partial = mp < MIN_PARTIAL ? MIN_PARTIAL : mp > MAX_PARTIAL ? MAX_PARTIAL : mp;
	s->cpu_slab = cpu_area(s);
	for (unsigned cpu = 0; cpu < nr_cpu_ids; cpu++)
		s->cpu_slab[cpu] = kmem_cache_cpu{};
	s->list.init();
	if (lib::Result<void> r = init_kmem_cache_nodes(s); r.is_err()) {
		free_kmem_cache_nodes(s);
		return r;
	}
	return lib::ok();
}

void* slab_alloc_node(struct kmem_cache* s, gfp_t gfpflags, int node, unsigned long caller)
{
	void* object;
	might_alloc(gfpflags); /* Linux: slab_pre_alloc_hook */
	if (kmem_cache_debug(s)) {
		object = alloc_debug(s, gfpflags, node, caller);
	} else {
		unsigned long flags = arch_local_irq_save();
		struct kmem_cache_cpu* c = this_cpu_slab(s);
		object = c->freelist;
		if (__builtin_expect(!object || (node != NUMA_NO_NODE && page_to_nid(c->page) != node), 0))
			object = ___slab_alloc(s, gfpflags, node, c);
		else
			c->freelist = static_cast<void**>(get_freepointer(s, object));
		arch_local_irq_restore(flags);
	}
	if (object && (gfpflags & __GFP_ZERO))
		lib::memset(object, 0, s->object_size);
	return object;
}

/* The hardened checks every free goes through (cache_from_obj and the
 * object-start check), then the fast or the debug path. */
void slab_free_checked(struct kmem_cache* s, struct page* page, void* x, const char* op, unsigned long caller)
{
	if (__builtin_expect(!PageSlab(page), 0)) {
		if (s)
			slab_err(s, nullptr, op, x, caller, "Invalid object pointer 0x%p: not in a slab", x);
		else
			report_bad_kfree(x, "not in a slab", caller);
		return;
	}
	auto* cachep = static_cast<struct kmem_cache*>(page->slab_cache);
	if (__builtin_expect(s && s != cachep, 0))
		report_wrong_cache(s, cachep, x, op, caller); /* as Linux, x goes back to its own cache */
	s = cachep;
	if (__builtin_expect(!check_valid_pointer(s, page, x), 0)) {
		slab_err(s, page, op, x, caller, "Invalid object pointer 0x%p", x);
		return;
	}
	if (kmem_cache_debug(s)) {
		free_debug(s, page, x, op, caller);
		return;
	}
	unsigned long flags = arch_local_irq_save();
	struct kmem_cache_cpu* c = this_cpu_slab(s);
	if (__builtin_expect(page == c->page, 1)) {
		if (__builtin_expect(x == c->freelist, 0)) {
			arch_local_irq_restore(flags);
			object_err(s, page, x, "Object already free", op, caller);
			return;
		}
		set_freepointer(s, x, c->freelist);
		c->freelist = static_cast<void**>(x);
	} else {
		__slab_free(s, page, x, op, caller);
	}
	arch_local_irq_restore(flags);
}

size_t slab_ksize(const struct kmem_cache* s)
{
	if (s->flags & (SLAB_RED_ZONE | SLAB_POISON))
		return s->object_size;
	if (s->flags & (SLAB_TYPESAFE_BY_RCU | SLAB_STORE_USER))
		return s->inuse;
	return s->size;
}

/* Give a node's empty partial slabs back to the page allocator; with
 * report, describe the slabs that still hold objects (cache shutdown).
 * Returns whether the node still has slabs. */
bool shrink_node(struct kmem_cache* s, struct kmem_cache_node* n, bool report)
{
	lib::list_head discard;
	{
		lib::spin_lock_irqsave_guard g(n->list_lock);
		struct page *page, *next;
		list_for_each_entry_safe(page, next, &n->partial, lru) {
			if (!page->inuse) {
				remove_partial(n, page);
				discard.add(&page->lru);
				continue;
			}
			if (!report)
				continue;
			/* list_slab_objects: what is still allocated */
			slab_err(s, page, nullptr, nullptr, 0, "Objects remaining in %s on __kmem_cache_shutdown()",
			         s->name);
			uint8_t* p = slab_address(page) + s->red_left_pad;
			unsigned shown = 0;
			for (unsigned i = 0; i < page->objects && shown < 16; i++, p += s->size) {
				if (on_freelist(s, page, p))
					continue;
				pr_err("Object 0x%p @offset=%lu\n", static_cast<void*>(p),
				       (unsigned long)(p - slab_address(page)));
				print_tracking(s, p);
				shown++;
			}
		}
	}
	while (!discard.empty()) {
		struct page* page = list_first_entry(&discard, struct page, lru);
		page->lru.del();
		discard_slab(s, page);
	}
	return __atomic_load_n(&n->nr_partial, __ATOMIC_RELAXED) || n->nr_slabs.load(std::memory_order_relaxed);
}

lib::Result<void> __kmem_cache_shutdown(struct kmem_cache* s)
{
	flush_all(s);
	bool busy = false;
	for (auto* n : s->node)
		if (n && shrink_node(s, n, true))
			busy = true;
	if (busy)
		return lib::Error{EBUSY};
	return lib::ok();
}

void __kmem_cache_release(struct kmem_cache* s)
{
	free_kmem_cache_nodes(s);
}
} // namespace slub

/* ------------------------------------------------------------ public API */

void* kmem_cache_alloc(struct kmem_cache* s, gfp_t flags)
{
	return slab_alloc_node(s, flags, NUMA_NO_NODE, _RET_IP_);
}

void* kmem_cache_alloc_node(struct kmem_cache* s, gfp_t flags, int node)
{
	return slab_alloc_node(s, flags, node, _RET_IP_);
}

void kmem_cache_free(struct kmem_cache* s, void* x)
{
	if (!x)
		return;
	slab_free_checked(s, compound_head(virt_to_page(x)), x, "kmem_cache_free", _RET_IP_);
}

int kmem_cache_shrink(struct kmem_cache* s)
{
	flush_all(s);
	for (auto* n : s->node)
		if (n)
			slub::shrink_node(s, n, false);
	return 0;
}

unsigned int kmem_cache_size(struct kmem_cache* s)
{
	return s->object_size;
}

void* slab_get_freepointer(struct kmem_cache* s, void* object)
{
	return get_freepointer(s, object);
}

bool slab_is_available()
{
	return slab_state >= UP;
}

unsigned long slab_reclaimable_pages()
{
	long v = reclaimable_pages.load(std::memory_order_relaxed);
	return v < 0 ? 0 : (unsigned long)v;
}

unsigned long slab_unreclaimable_pages()
{
	long v =
	    unreclaimable_pages.load(std::memory_order_relaxed) + large_kmalloc_pages.load(std::memory_order_relaxed);
	return v < 0 ? 0 : (unsigned long)v;
}

void get_slabinfo(struct kmem_cache* s, struct slabinfo* info)
{
	unsigned long nr_slabs = 0, nr_objs = 0, nr_free = 0;
	for (auto* n : s->node) {
		if (!n)
			continue;
		nr_slabs += (unsigned long)n->nr_slabs.load(std::memory_order_relaxed);
		nr_objs += (unsigned long)n->total_objects.load(std::memory_order_relaxed);
		lib::spin_lock_irqsave_guard g(n->list_lock); /* count_partial */
		struct page* page;
		list_for_each_entry(page, &n->partial, lru)
			nr_free += page->objects - page->inuse;
	}
	info->active_objs = nr_objs - nr_free;
	info->num_objs = nr_objs;
	info->num_slabs = nr_slabs;
}

/* boot, one CPU, before any other cache user: slab_caches unlocked */
void kmem_cache_init() NO_THREAD_SAFETY_ANALYSIS
{
	if (slab_state != DOWN)
		return;
	slub_nr_cpu_ids = nr_cpu_ids;
	slab_caches.init();
	kmem_cache_node_cache = &boot_kmem_cache_node.s;
	create_boot_cache(kmem_cache_node_cache, "kmem_cache_node", sizeof(struct kmem_cache_node), SLAB_HWCACHE_ALIGN);
	slab_state = PARTIAL;
	kmem_cache_cache = &boot_kmem_cache.s;
	create_boot_cache(kmem_cache_cache, "kmem_cache", kmem_cache_object_bytes(), SLAB_HWCACHE_ALIGN);
	kmem_cache_cache = bootstrap(&boot_kmem_cache.s);
	kmem_cache_node_cache = bootstrap(&boot_kmem_cache_node.s);
	create_kmalloc_caches();
	slab_state = FULL;
	unsigned nodes = 0;
	for (unsigned nid = 0; nid < MAX_NUMNODES; nid++)
		if (NODE_DATA(nid))
			nodes = nid + 1;
	pr_info("SLUB: HWalign=%u, Order=%u-%u, MinObjects=%u, CPUs=%u, Nodes=%u\n", cache_line_size, slub_min_order,
	        slub_max_order, slub_min_objects, nr_cpu_ids, nodes);
}

/* host tests, between tests: no other user */
void kmem_cache_reset_for_test() NO_THREAD_SAFETY_ANALYSIS
{
	slab_state = DOWN;
	slab_caches.init();
	kmem_cache_cache = nullptr;
	kmem_cache_node_cache = nullptr;
	new (&boot_kmem_cache) boot_cache{};
	new (&boot_kmem_cache_node) boot_cache{};
	reclaimable_pages = 0;
	unreclaimable_pages = 0;
	large_kmalloc_pages = 0;
	slub_debug = 0;
	slub_debug_names[0] = '\0';
	slub_nomerge = false;
	reset_kmalloc_for_test();
}
