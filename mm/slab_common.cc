/*
 * What every slab allocator shares: kmem_cache_create/destroy with cache
 * merging, kmalloc and its size classes, kmalloc_large, krealloc, ksize,
 * /proc/slabinfo (Linux: mm/slab_common.c).
 *
 * kmalloc size classes, chosen as Linux's kmalloc_index/kmalloc_slab:
 *   kmalloc-8 16 32 64 96 128 192 256 512 1k 2k 4k 8k  (and dma-kmalloc-N
 *   for GFP_DMA); sizes 65..96 use kmalloc-96, 129..192 kmalloc-192.
 *   Above 8 KiB, kmalloc_large takes a compound block of get_order(size)
 *   straight from the page allocator (4 MiB at most, MAX_ORDER - 1); its
 *   head page is marked with page->slab_cache == &large_kmalloc_marker so
 *   kfree can tell it from a page it must not free.
 *
 * Merging (find_mergeable): a new cache without a constructor or debug
 * flags whose aligned size fits an existing cache's within one word, with
 * the same DMA/reclaim flags, shares that cache; its refcount counts the
 * users, and kmem_cache_destroy only frees it when the last one goes.
 *
 * Lock order: slab_mutex (the cache list, refcounts) -> the SLUB locks
 * (see mm/slub.cc, <kernel/lock_order.h>).  kmalloc itself takes no lock
 * here.  slab_mutex is Linux's: a struct mutex, process context only, so
 * the GFP_KERNEL allocations made under it may sleep.
 */
#include <kernel/kernel.h>
#include <mm/slab.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <lib/format.h>
#include <lib/scope.h>
#include <lib/string.h>
#include <mm/page_alloc.h>
#include <uapi/asm-generic/errno-base.h>

struct kmem_cache* kmalloc_caches[NR_KMALLOC_TYPES][KMALLOC_SHIFT_HIGH + 1];

using namespace slub;

namespace
{
char large_kmalloc_marker; /* page->slab_cache of a kmalloc_large head page */

/* Linux's SLAB_NEVER_MERGE and SLAB_MERGE_SAME */
constexpr slab_flags_t SLAB_NEVER_MERGE = SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER | SLAB_TRACE |
                                          SLAB_TYPESAFE_BY_RCU | SLAB_NOLEAKTRACE | SLAB_FAILSLAB | SLAB_NO_MERGE |
                                          SLAB_CONSISTENCY_CHECKS;
constexpr slab_flags_t SLAB_MERGE_SAME = SLAB_RECLAIM_ACCOUNT | SLAB_CACHE_DMA | SLAB_CACHE_DMA32 | SLAB_ACCOUNT;
/* what kmem_cache_create callers may pass */
constexpr slab_flags_t SLAB_FLAGS_PERMITTED = SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE | SLAB_POISON |
                                              SLAB_HWCACHE_ALIGN | SLAB_CACHE_DMA | SLAB_CACHE_DMA32 | SLAB_STORE_USER |
                                              SLAB_RECLAIM_ACCOUNT | SLAB_PANIC | SLAB_TYPESAFE_BY_RCU | SLAB_TRACE |
                                              SLAB_NOLEAKTRACE | SLAB_NO_MERGE | SLAB_FAILSLAB | SLAB_ACCOUNT;

/* kmalloc_slab for sizes up to 192: index by (size - 1) / 8 */
// clang-format off
constexpr uint8_t size_index[24] = {
	3, 4, 5, 5, 6, 6, 6, 6,	/* 8, 16, 24, 32, 40, 48, 56, 64 */
	1, 1, 1, 1, 7, 7, 7, 7,	/* 72..96: kmalloc-96, 104..128 */
	2, 2, 2, 2, 2, 2, 2, 2,	/* 136..192: kmalloc-192 */
};
// clang-format on

const char* const kmalloc_names[NR_KMALLOC_TYPES][KMALLOC_SHIFT_HIGH + 1] = {
    {nullptr, "kmalloc-96", "kmalloc-192", "kmalloc-8", "kmalloc-16", "kmalloc-32", "kmalloc-64", "kmalloc-128",
     "kmalloc-256", "kmalloc-512", "kmalloc-1k", "kmalloc-2k", "kmalloc-4k", "kmalloc-8k"},
    {nullptr, "dma-kmalloc-96", "dma-kmalloc-192", "dma-kmalloc-8", "dma-kmalloc-16", "dma-kmalloc-32",
     "dma-kmalloc-64", "dma-kmalloc-128", "dma-kmalloc-256", "dma-kmalloc-512", "dma-kmalloc-1k", "dma-kmalloc-2k",
     "dma-kmalloc-4k", "dma-kmalloc-8k"},
};

constexpr unsigned long align_up(unsigned long x, unsigned long a)
{
	return (x + a - 1) & ~(a - 1);
}

inline kmalloc_cache_type kmalloc_type(gfp_t flags)
{
	return (flags & __GFP_DMA) ? KMALLOC_DMA : KMALLOC_NORMAL;
}

bool slab_unmergeable(const struct kmem_cache* s)
{
	return slub_nomerge || (s->flags & SLAB_NEVER_MERGE) || s->ctor || s->refcount < 0;
}

/* an existing cache a new one can share (slab_mutex held) */
struct kmem_cache* find_mergeable(unsigned size, unsigned align, slab_flags_t flags, void (*ctor)(void*))
	REQUIRES(slab_mutex)
{
	if (slub_nomerge || ctor || (flags & SLAB_NEVER_MERGE))
		return nullptr;
	size = unsigned(align_up(size, sizeof(void*)));
	align = calculate_alignment(flags, align, size);
	size = unsigned(align_up(size, align));
	/* oldest first, as Linux's list_for_each_entry_reverse */
	struct kmem_cache* s;
	list_for_each_entry_reverse(s, &slab_caches, list) {
		if (slab_unmergeable(s))
			continue;
		if (size > s->size)
			continue;
		if ((flags & SLAB_MERGE_SAME) != (s->flags & SLAB_MERGE_SAME))
			continue;
		if ((s->size & ~(align - 1)) != s->size)
			continue;
		if (s->size - size >= sizeof(void*))
			continue;
		return s;
	}
	return nullptr;
}

lib::Result<struct kmem_cache*> create_cache(const char* name, unsigned size, unsigned align, slab_flags_t flags,
                                             void (*ctor)(void*)) REQUIRES(slab_mutex)
{
	auto* s = static_cast<struct kmem_cache*>(kmem_cache_zalloc(kmem_cache_cache, GFP_KERNEL));
	if (!s)
		return lib::Error{ENOMEM};
	lib::scope_exit undo_s([s] { kmem_cache_free(kmem_cache_cache, s); });
	char* copy = kstrdup(name, GFP_KERNEL);
	if (!copy)
		return lib::Error{ENOMEM};
	lib::scope_exit undo_copy([copy] { kfree(copy); });
	s->name = copy;
	s->name_allocated = true;
	s->size = s->object_size = size;
	s->align = calculate_alignment(flags, align, size);
	s->ctor = ctor;
	TRY(__kmem_cache_create(s, flags));
	undo_copy.release();
	undo_s.release();
	s->refcount = 1;
	slab_caches.add(&s->list);
	return s;
}

/* boot (kmem_cache_init), one CPU: slab_mutex not needed yet */
void new_kmalloc_cache(unsigned idx, kmalloc_cache_type type) NO_THREAD_SAFETY_ANALYSIS
{
	slab_flags_t flags = SLAB_KMALLOC | (type == KMALLOC_DMA ? SLAB_CACHE_DMA : 0);
	auto* s = static_cast<struct kmem_cache*>(kmem_cache_zalloc(kmem_cache_cache, GFP_NOWAIT));
	if (!s)
		panic("Out of memory when creating slab %s", kmalloc_names[type][idx]);
	create_boot_cache(s, kmalloc_names[type][idx], kmalloc_size(idx), flags);
	slab_caches.add(&s->list);
	s->refcount = 1;
	kmalloc_caches[type][idx] = s;
}

void* kmalloc_large_node(size_t size, gfp_t flags, int node)
{
	unsigned order = get_order(size);
	if (size > KMALLOC_MAX_SIZE && order < MAX_ORDER)
		order = MAX_ORDER; /* get_order wrapped around: still fail with the page allocator's warning */
	struct page* page = alloc_pages_node(node, flags | __GFP_COMP, order);
	if (!page)
		return nullptr;
	page->slab_cache = &large_kmalloc_marker;
	large_kmalloc_pages.fetch_add(1L << order, std::memory_order_relaxed);
	return page_address(page);
}

void free_large_kmalloc(struct page* page, const void* x, unsigned long caller)
{
	if (page->slab_cache != &large_kmalloc_marker) {
		report_bad_kfree(x, "not from a slab nor kmalloc_large", caller);
		return;
	}
	if (x != page_address(page)) {
		report_bad_kfree(x, "not the start of a kmalloc_large block", caller);
		return;
	}
	unsigned order = PageHead(page) ? page->compound_order : 0;
	large_kmalloc_pages.fetch_sub(1L << order, std::memory_order_relaxed);
	__free_pages(page, order);
}

void* do_kmalloc_node(size_t size, gfp_t flags, int node, unsigned long caller)
{
	if (__builtin_expect(size > KMALLOC_MAX_CACHE_SIZE, 0))
		return kmalloc_large_node(size, flags, node);
	struct kmem_cache* s = kmalloc_slab(size, flags);
	if (__builtin_expect(ZERO_OR_NULL_PTR(s), 0))
		return s; /* ZERO_SIZE_PTR for 0; NULL before kmem_cache_init */
	return slab_alloc_node(s, flags, node, caller);
}

void do_kfree(const void* x, const char* op, unsigned long caller)
{
	if (ZERO_OR_NULL_PTR(x))
		return;
	struct page* page = compound_head(virt_to_page(x));
	if (__builtin_expect(!PageSlab(page), 0)) {
		free_large_kmalloc(page, x, caller);
		return;
	}
	slab_free_checked(nullptr, page, const_cast<void*>(x), op, caller);
}
} // namespace

namespace slub
{
void create_boot_cache(struct kmem_cache* s, const char* name, unsigned int size, slab_flags_t flags)
{
	s->name = name;
	s->size = s->object_size = size;
	/* power-of-two kmalloc objects are naturally aligned, as Linux promises */
	unsigned align = ARCH_KMALLOC_MINALIGN;
	if (size && !(size & (size - 1)) && size > align)
		align = size;
	s->align = calculate_alignment(flags, align, size);
	if (lib::Result<void> r = __kmem_cache_create(s, kmem_cache_flags(flags, name)); r.is_err())
		panic("Creation of kmalloc slab %s size=%u failed. Reason %d", name, size, -r.error());
	s->refcount = -1; /* exempt from merging for now */
}

void create_kmalloc_caches()
{
	for (unsigned type = KMALLOC_NORMAL; type < NR_KMALLOC_TYPES; type++) {
		for (unsigned i = KMALLOC_SHIFT_LOW; i <= KMALLOC_SHIFT_HIGH; i++) {
			new_kmalloc_cache(i, kmalloc_cache_type(type));
			/* 96 and 192 follow 64 and 128, as Linux creates them */
			if (i == 6)
				new_kmalloc_cache(1, kmalloc_cache_type(type));
			if (i == 7)
				new_kmalloc_cache(2, kmalloc_cache_type(type));
		}
	}
}

void reset_kmalloc_for_test()
{
	for (auto& row : kmalloc_caches)
		for (auto& s : row)
			s = nullptr;
}

void report_bad_kfree(const void* x, const char* why, unsigned long caller)
{
	pr_err("=============================================================================\n");
	pr_err("BUG kfree (%s): Invalid object pointer 0x%p: %s\n", print_tainted(), x, why);
	pr_err("-----------------------------------------------------------------------------\n\n");
	pr_err("INFO: kfree(0x%p) called from %pS\n", x, reinterpret_cast<void*>(caller));
	dump_stack();
	add_taint(TAINT_BAD_PAGE);
}
} // namespace slub

/* ------------------------------------------------------ caches */

namespace
{
/* kmem_cache_create's work: an alias of a mergeable cache, or a new one */
lib::Result<struct kmem_cache*> lookup_or_create_cache(const char* name, unsigned int size, unsigned int align,
                                                       slab_flags_t flags, void (*ctor)(void*))
{
	if (slab_state < UP)
		return lib::Error{EBUSY};
	if (!name || !size || size > KMALLOC_MAX_SIZE || (align & (align - 1)))
		return lib::Error{EINVAL};
	flags = kmem_cache_flags(flags & SLAB_FLAGS_PERMITTED, name);
	mutex_guard g(slab_mutex);
	if (struct kmem_cache* s = find_mergeable(size, align, flags, ctor)) { /* __kmem_cache_alias */
		s->refcount++;
		if (size > s->object_size)
			s->object_size = size;
		if (align_up(size, sizeof(void*)) > s->inuse)
			s->inuse = unsigned(align_up(size, sizeof(void*)));
		return s;
	}
	return create_cache(name, size, align, flags, ctor);
}
} // namespace

struct kmem_cache* kmem_cache_create(const char* name, unsigned int size, unsigned int align, slab_flags_t flags,
                                     void (*ctor)(void*))
{
	lib::Result<struct kmem_cache*> s = lookup_or_create_cache(name, size, align, flags, ctor);
	if (s.is_err()) {
		/* NULL to the caller, as Linux's; the errno only in the report */
		if (flags & SLAB_PANIC)
			panic("kmem_cache_create: Failed to create slab '%s'. Error %d", name ? name : "(null)",
			      -s.error());
		pr_warn("kmem_cache_create(%s) failed with error %d\n", name ? name : "(null)", -s.error());
		dump_stack();
		return nullptr;
	}
	return s.value();
}

void kmem_cache_destroy(struct kmem_cache* s)
{
	if (!s)
		return;
	mutex_guard g(slab_mutex);
	if (s->refcount < 0 || --s->refcount > 0)
		return; /* the boot caches stay; an alias drops its reference */
	if (__kmem_cache_shutdown(s).is_err()) {
		pr_err("kmem_cache_destroy %s: Slab cache still has objects\n", s->name);
		dump_stack();
		s->refcount = 1; /* kept, as Linux does: free the objects and destroy again */
		return;
	}
	s->list.del();
	__kmem_cache_release(s);
	if (s->name_allocated)
		kfree(s->name);
	kmem_cache_free(kmem_cache_cache, s);
}

/* ------------------------------------------------------ kmalloc */

struct kmem_cache* kmalloc_slab(size_t size, gfp_t flags)
{
	unsigned index;
	if (size <= 192) {
		if (!size)
			return static_cast<struct kmem_cache*>(ZERO_SIZE_PTR);
		index = size_index[(size - 1) / 8];
	} else {
		if (size > KMALLOC_MAX_CACHE_SIZE)
			return nullptr;
		index = 64 - unsigned(__builtin_clzl(size - 1)); /* fls(size - 1) */
	}
	return kmalloc_caches[kmalloc_type(flags)][index];
}

void* kmalloc(size_t size, gfp_t flags)
{
	return do_kmalloc_node(size, flags, NUMA_NO_NODE, _RET_IP_);
}

void* kmalloc_node(size_t size, gfp_t flags, int node)
{
	return do_kmalloc_node(size, flags, node, _RET_IP_);
}

void* kmalloc_array(size_t n, size_t size, gfp_t flags)
{
	size_t bytes;
	if (__builtin_mul_overflow(n, size, &bytes))
		return nullptr;
	return do_kmalloc_node(bytes, flags, NUMA_NO_NODE, _RET_IP_);
}

void kfree(const void* x)
{
	do_kfree(x, "kfree", _RET_IP_);
}

size_t ksize(const void* x)
{
	if (ZERO_OR_NULL_PTR(x))
		return 0;
	struct page* page = compound_head(virt_to_page(x));
	if (!PageSlab(page)) {
		if (page->slab_cache != &large_kmalloc_marker)
			return 0;
		return PAGE_SIZE << (PageHead(page) ? page->compound_order : 0);
	}
	return slab_ksize(static_cast<const struct kmem_cache*>(page->slab_cache));
}

void* krealloc(const void* p, size_t new_size, gfp_t flags)
{
	unsigned long caller = _RET_IP_;
	if (!new_size) {
		do_kfree(p, "krealloc", caller);
		return ZERO_SIZE_PTR;
	}
	size_t ks = ZERO_OR_NULL_PTR(p) ? 0 : ksize(p);
	if (ks >= new_size)
		return const_cast<void*>(p); /* it fits: shrinking keeps the object */
	void* ret = do_kmalloc_node(new_size, flags, NUMA_NO_NODE, caller);
	if (ret && ks) {
		lib::memcpy(ret, p, ks);
		do_kfree(p, "krealloc", caller);
	}
	return ret;
}

void kfree_sensitive(const void* x)
{
	unsigned long caller = _RET_IP_;
	size_t ks = ksize(x);
	if (ks) {
		/* a volatile store loop the compiler may not drop (memzero_explicit) */
		volatile uint8_t* p = static_cast<volatile uint8_t*>(const_cast<void*>(x));
		for (size_t i = 0; i < ks; i++)
			p[i] = 0;
	}
	do_kfree(x, "kfree_sensitive", caller);
}

char* kstrdup(const char* s, gfp_t flags)
{
	if (!s)
		return nullptr;
	size_t len = lib::strlen(s) + 1;
	char* buf = static_cast<char*>(do_kmalloc_node(len, flags, NUMA_NO_NODE, _RET_IP_));
	if (buf)
		lib::memcpy(buf, s, len);
	return buf;
}

/* ------------------------------------------------------ /proc/slabinfo */

size_t render_slabinfo(char* buf, size_t size)
{
	size_t n = 0;
	if (size)
		buf[0] = '\0';
	n += lib::scnprintf(buf + n, size - n, "slabinfo - version: 2.1\n");
	n += lib::scnprintf(buf + n, size - n,
	                    "# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab>"
	                    " : tunables <limit> <batchcount> <sharedfactor>"
	                    " : slabdata <active_slabs> <num_slabs> <sharedavail>\n");
	mutex_guard g(slab_mutex);
	struct kmem_cache* s;
	list_for_each_entry(s, &slab_caches, list) {
		struct slabinfo info;
		get_slabinfo(s, &info);
		n += lib::scnprintf(buf + n, size - n, "%-17s %6lu %6lu %6u %4u %4d", s->name, info.active_objs,
		                    info.num_objs, s->size, s->oo_objects, 1 << s->oo_order);
		n += lib::scnprintf(buf + n, size - n, " : tunables %4u %4u %4u", 0u, 0u, 0u);
		n += lib::scnprintf(buf + n, size - n, " : slabdata %6lu %6lu %6lu\n", info.num_slabs, info.num_slabs,
		                    0UL);
	}
	return n;
}
