/*
 * The slab allocator's interface and SLUB's data structures (Linux:
 * include/linux/slab.h, include/linux/slub_def.h, mm/slab.h).
 *
 *   struct kmem_cache* c = kmem_cache_create("task_struct", 6208, 0, SLAB_HWCACHE_ALIGN, nullptr);
 *   void* p = kmem_cache_alloc(c, GFP_KERNEL);
 *   kmem_cache_free(c, p);
 *   void* q = kmalloc(100, GFP_KERNEL);      // from kmalloc-128
 *   ksize(q) == 128; kfree(q);
 *
 * Data structures (implemented in mm/slub.cc and mm/slab_common.cc):
 *
 *   struct kmem_cache            one per cache, on the slab_caches list
 *     cpu_slab[cpu]              struct kmem_cache_cpu: the CPU's active
 *                                ("frozen") slab and its lockless freelist
 *     node[nid]                  struct kmem_cache_node: the node's partial
 *                                slabs under list_lock, slab/object counts
 *   a slab                       a buddy block (compound when order > 0);
 *                                its head struct page holds PG_slab,
 *                                slab_cache, freelist, inuse/objects/frozen
 *                                and links on the partial list through lru
 *   a free object                holds the next free object's address at
 *                                s->offset, encoded (FREELIST_HARDENED):
 *                                next ^ s->random ^ bswap(&slot)
 *
 * Invariants:
 *   - page->inuse == page->objects - (length of page->freelist); the free
 *     objects on a CPU's freelist count as in use (the CPU owns them).
 *   - A slab on a node's partial list is not frozen and has a free object
 *     (inuse < objects); a slab with no free object is on no list, except
 *     in debug caches, which keep full slabs on node->full.
 *   - Every free object is on exactly one chain: one CPU freelist or its
 *     slab's page->freelist.
 *   - node->nr_slabs / total_objects count every slab of the node,
 *     whatever list it is on.
 *
 * Lock order (<kernel/lock_order.h>): slab_mutex (the cache list;
 *   creation and destruction) -> kmem_cache_node::list_lock (interrupts
 *   off) -> per_cpu_pages::lock -> zone->lock (inside the page allocator).
 * The per-CPU slab is touched only by its CPU with interrupts off and
 * needs no lock; another CPU that wants it emptied asks that CPU with a
 * cross-CPU call (flush_all, from kmem_cache_shrink and _destroy, which
 * therefore need interrupts enabled).  cpu_slab has nr_cpu_ids entries:
 * nr_cpu_ids is final before kmem_cache_init.
 */
#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <kernel/mutex.h>
#include <kernel/smp.h>
#include <lib/list.h>
#include <lib/result.h>
#include <lib/spinlock.h>
#include <mm/gfp.h>
#include <mm/mmzone.h>
#include <mm/page.h>

typedef unsigned int slab_flags_t;

/* Linux 6.x bit values (include/linux/slab.h) */
#define SLAB_CONSISTENCY_CHECKS 0x00000100U /* slub_debug=F: check objects on alloc and free */
#define SLAB_RED_ZONE 0x00000400U           /* slub_debug=Z: guard bytes around each object */
#define SLAB_POISON 0x00000800U             /* slub_debug=P: fill free objects with 0x6b */
#define SLAB_KMALLOC 0x00001000U            /* a kmalloc-N cache */
#define SLAB_HWCACHE_ALIGN 0x00002000U      /* align objects to the cache line */
#define SLAB_CACHE_DMA 0x00004000U          /* slabs from ZONE_DMA */
#define SLAB_CACHE_DMA32 0x00008000U        /* slabs from ZONE_DMA32 */
#define SLAB_STORE_USER 0x00010000U         /* slub_debug=U: record alloc/free callers */
#define SLAB_RECLAIM_ACCOUNT 0x00020000U    /* counts as SReclaimable */
#define SLAB_PANIC 0x00040000U              /* kmem_cache_create panics on failure */
#define SLAB_TYPESAFE_BY_RCU 0x00080000U
#define SLAB_TRACE 0x00200000U
#define SLAB_NOLEAKTRACE 0x00800000U
#define SLAB_NO_MERGE 0x01000000U /* never share this cache with another */
#define SLAB_FAILSLAB 0x02000000U
#define SLAB_ACCOUNT 0x04000000U
#define SLAB_TEMPORARY SLAB_RECLAIM_ACCOUNT

/* the debug flags that make a cache take SLUB's checked slow paths */
#define SLAB_DEBUG_FLAGS (SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER)

/* kmalloc(0) returns this: not NULL, and dereferencing it faults (page 0) */
#define ZERO_SIZE_PTR ((void*)16)
#define ZERO_OR_NULL_PTR(x) ((unsigned long)(x) <= (unsigned long)ZERO_SIZE_PTR)

/* include/linux/poison.h */
inline constexpr uint8_t SLUB_RED_INACTIVE = 0xbb; /* red zone of a free object */
inline constexpr uint8_t SLUB_RED_ACTIVE = 0xcc;   /* red zone of an allocated object */
inline constexpr uint8_t POISON_INUSE = 0x5a;      /* padding, never handed out */
inline constexpr uint8_t POISON_FREE = 0x6b;       /* a free object */
inline constexpr uint8_t POISON_END = 0xa5;        /* the last byte of a free object */

/* kmalloc size classes (Linux's KMALLOC_SHIFT_* for SLUB) */
inline constexpr unsigned KMALLOC_MIN_SIZE = 8;
inline constexpr unsigned KMALLOC_SHIFT_LOW = 3;
inline constexpr unsigned KMALLOC_SHIFT_HIGH = PAGE_SHIFT + 1; /* 8 KiB: larger goes to the page allocator */
inline constexpr unsigned KMALLOC_SHIFT_MAX = MAX_ORDER + PAGE_SHIFT - 1;
inline constexpr size_t KMALLOC_MAX_CACHE_SIZE = size_t(1) << KMALLOC_SHIFT_HIGH;
inline constexpr size_t KMALLOC_MAX_SIZE = size_t(1) << KMALLOC_SHIFT_MAX; /* 4 MiB */
inline constexpr unsigned ARCH_KMALLOC_MINALIGN = 8;

enum kmalloc_cache_type { KMALLOC_NORMAL = 0, KMALLOC_DMA, NR_KMALLOC_TYPES };

/* Linux's kmalloc_index: 65..96 -> 1 (kmalloc-96), 129..192 -> 2, else ceil(log2) */
constexpr unsigned kmalloc_index(size_t size)
{
	if (!size)
		return 0;
	if (size <= KMALLOC_MIN_SIZE)
		return KMALLOC_SHIFT_LOW;
	if (size > 64 && size <= 96)
		return 1;
	if (size > 128 && size <= 192)
		return 2;
	unsigned i = KMALLOC_SHIFT_LOW;
	while ((size_t(1) << i) < size)
		i++;
	return i; /* callers keep size <= KMALLOC_MAX_CACHE_SIZE */
}
/* the object size of kmalloc_caches[*][index] */
constexpr unsigned kmalloc_size(unsigned index)
{
	return index == 1 ? 96 : index == 2 ? 192 : index ? 1u << index : 0;
}

/* ---- SLUB's structures (include/linux/slub_def.h) ---- */

/* a CPU's active slab; one cache line each so CPUs never share one */
struct alignas(64) kmem_cache_cpu {
	void** freelist;   /* next free object of the active slab (a raw address) */
	struct page* page; /* the active slab, frozen: no list holds it */
};

struct kmem_cache_node {
	lib::spinlock list_lock;    /* guards partial, full and the freelist/inuse/frozen of this node's slabs */
	unsigned long nr_partial GUARDED_BY(list_lock); /* slabs on partial */
	lib::list_head partial GUARDED_BY(list_lock);   /* slabs with free objects, linked through page->lru */
	lib::list_head full GUARDED_BY(list_lock);      /* debug caches only: slabs without free objects */
	std::atomic<long> nr_slabs; /* every slab of this node */
	std::atomic<long> total_objects;
};

struct kmem_cache {
	struct kmem_cache_cpu* cpu_slab; /* nr_cpu_ids entries, stored right after this struct */
	slab_flags_t flags;
	unsigned long min_partial;           /* empty slabs kept on the partial list: clamp(ilog2(size)/2, 5, 10) */
	unsigned int size;                   /* stride of one object with its metadata */
	unsigned int object_size;            /* what the caller asked for */
	unsigned int offset;                 /* of the free pointer in the object */
	unsigned int oo_order, oo_objects;   /* preferred slab order and its object count */
	unsigned int min_order, min_objects; /* fallback when the preferred order fails */
	gfp_t allocflags;                    /* added to every slab allocation (__GFP_COMP, GFP_DMA...) */
	int refcount;                        /* kmem_cache_create calls sharing this cache (merging) */
	void (*ctor)(void*);
	unsigned int inuse; /* offset of the metadata after the object (red zone ends here) */
	unsigned int align;
	unsigned int red_left_pad; /* red zone before each object (debug) */
	bool name_allocated;       /* name was kstrdup'ed */
	uint64_t reciprocal_size;  /* 2^64 / size rounded up: object index without a division */
	const char* name;
	lib::list_head list;  /* on slab_caches */
	unsigned long random; /* FREELIST_HARDENED key */
	struct kmem_cache_node* node[MAX_NUMNODES];
};

/* ---- creating and using caches ---- */
void kmem_cache_init();
bool slab_is_available();
struct kmem_cache* kmem_cache_create(const char* name, unsigned int size, unsigned int align, slab_flags_t flags,
                                     void (*ctor)(void*));
void kmem_cache_destroy(struct kmem_cache* s);
/* give the empty slabs back to the page allocator */
int kmem_cache_shrink(struct kmem_cache* s);
unsigned int kmem_cache_size(struct kmem_cache* s);
void* kmem_cache_alloc(struct kmem_cache* s, gfp_t flags);
void* kmem_cache_alloc_node(struct kmem_cache* s, gfp_t flags, int node);
inline void* kmem_cache_zalloc(struct kmem_cache* s, gfp_t flags)
{
	return kmem_cache_alloc(s, flags | __GFP_ZERO);
}
void kmem_cache_free(struct kmem_cache* s, void* x);

/* ---- kmalloc ---- */
extern struct kmem_cache* kmalloc_caches[NR_KMALLOC_TYPES][KMALLOC_SHIFT_HIGH + 1];
void* kmalloc(size_t size, gfp_t flags);
void* kmalloc_node(size_t size, gfp_t flags, int node);
inline void* kzalloc(size_t size, gfp_t flags)
{
	return kmalloc(size, flags | __GFP_ZERO);
}
inline void* kzalloc_node(size_t size, gfp_t flags, int node)
{
	return kmalloc_node(size, flags | __GFP_ZERO, node);
}
void* kmalloc_array(size_t n, size_t size, gfp_t flags); /* NULL when n * size overflows */
inline void* kcalloc(size_t n, size_t size, gfp_t flags)
{
	return kmalloc_array(n, size, flags | __GFP_ZERO);
}
void* krealloc(const void* p, size_t new_size, gfp_t flags);
void kfree(const void* x);
void kfree_sensitive(const void* x); /* zeroes ksize() bytes first */
size_t ksize(const void* x);
char* kstrdup(const char* s, gfp_t flags);
/* the cache kmalloc(size, flags) uses; ZERO_SIZE_PTR for 0, NULL above 8 KiB */
struct kmem_cache* kmalloc_slab(size_t size, gfp_t flags);

/* ---- statistics, /proc ---- */
unsigned long slab_reclaimable_pages();   /* SReclaimable, in pages */
unsigned long slab_unreclaimable_pages(); /* SUnreclaim: slabs and kmalloc_large pages */
/* /proc/slabinfo, Linux's "slabinfo - version: 2.1"; returns the length written */
size_t render_slabinfo(char* buf, size_t size);
/* active_objs, num_objs, num_slabs as /proc/slabinfo counts them */
struct slabinfo {
	unsigned long active_objs, num_objs, num_slabs;
};
void get_slabinfo(struct kmem_cache* s, struct slabinfo* info);

/* ---- slub_debug and test hooks ---- */
/* parse a slub_debug= value ("", "FZP", "FZ,kmalloc-64,foo"); the boot parameter calls this */
lib::Result<void> setup_slub_debug(std::string_view val);
/* the decoded free pointer stored in a free object */
void* slab_get_freepointer(struct kmem_cache* s, void* object);
/* host tests: forget every cache (the machine under them is new) */
void kmem_cache_reset_for_test();

/* ---- internal to mm/slub.cc and mm/slab_common.cc ---- */
namespace slub
{
enum slab_state_t { DOWN, PARTIAL, UP, FULL };
extern slab_state_t slab_state;
extern struct mutex slab_mutex; /* guards slab_caches and refcounts */
extern lib::list_head slab_caches GUARDED_BY(slab_mutex); /* newest first, as /proc/slabinfo lists them */
extern struct kmem_cache* kmem_cache_cache; /* "kmem_cache": where struct kmem_cache objects live */
extern bool slub_nomerge;
extern std::atomic<long> large_kmalloc_pages;

slab_flags_t kmem_cache_flags(slab_flags_t flags, const char* name);
/* fill in sizes, order, nodes of a zeroed cache with name/object_size/align/ctor
 * set; EINVAL (no slab order fits), ENOMEM */
lib::Result<void> __kmem_cache_create(struct kmem_cache* s, slab_flags_t flags);
/* EBUSY when objects remain (reported) */
lib::Result<void> __kmem_cache_shutdown(struct kmem_cache* s);
void __kmem_cache_release(struct kmem_cache* s);
unsigned int kmem_cache_object_bytes(); /* sizeof(kmem_cache) + the per-CPU array */
unsigned int calculate_alignment(slab_flags_t flags, unsigned int align, unsigned int size);
void* slab_alloc_node(struct kmem_cache* s, gfp_t flags, int node, unsigned long caller);
/* kfree/kmem_cache_free of x in slab page (its head page); s is NULL for kfree */
void slab_free_checked(struct kmem_cache* s, struct page* page, void* x, const char* op, unsigned long caller);
size_t slab_ksize(const struct kmem_cache* s);
/* report a kfree of memory that is not a slab object nor a kmalloc_large block */
void report_bad_kfree(const void* x, const char* why, unsigned long caller);
/* set up a cache of the bootstrap or kmalloc kind: no merging, panics on failure */
void create_boot_cache(struct kmem_cache* s, const char* name, unsigned int size, slab_flags_t flags);
void create_kmalloc_caches();
void reset_kmalloc_for_test();
} // namespace slub
