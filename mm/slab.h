/*
 * SLUB's internals shared by mm/slub.cc and mm/slub_debug.cc (Linux:
 * mm/slab.h, the allocator-internal header, and the inline helpers at the
 * top of mm/slub.c).  Not for users of the allocator: they include
 * <mm/slab.h>.
 *
 *   object geometry     where the free pointer, the red zones and the
 *                       tracks sit in an object slot (get_info_end,
 *                       size_from_object, get_track)
 *   hardened freelist   get_freepointer/set_freepointer: the stored
 *                       pointer is next ^ s->random ^ bswap64(slot address)
 *   slub_debug          the flags slub_debug= adds and the debug checks
 *                       and reports (mm/slub_debug.cc)
 *
 * Everything here runs under the caller's locking (slub.cc's header:
 * a slab's objects are guarded by its node's list_lock).
 */
#pragma once
#include <cstdint>
#include <mm/page.h>
#include <mm/slab.h>

namespace slub
{
constexpr slab_flags_t __OBJECT_POISON = 0x80000000U; /* free objects are poisoned */
constexpr slab_flags_t DEBUG_DEFAULT_FLAGS = SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER;
constexpr unsigned MAX_DUMP = 256; /* bytes of an object a report dumps (Linux: a page) */

/* slub_debug=: the flags it adds and the cache names it applies to
 * (comma-separated, a trailing '*' globs; empty: every cache) */
extern slab_flags_t slub_debug;
extern char slub_debug_names[128];

/* Linux's struct track: who allocated / freed an object last (SLAB_STORE_USER) */
struct track {
	unsigned long addr;
	int cpu;
	int pid;
	unsigned long when; /* jiffies */
};
enum track_item { TRACK_ALLOC, TRACK_FREE };

__extension__ typedef unsigned __int128 u128;

inline bool kmem_cache_debug(const struct kmem_cache* s)
{
	return s->flags & SLAB_DEBUG_FLAGS;
}
inline uint8_t* slab_address(const struct page* p)
{
	return static_cast<uint8_t*>(page_address(p));
}
inline unsigned slab_order(const struct page* p)
{
	return PageHead(p) ? p->compound_order : 0;
}

/* ---- hardened free pointers ---- */
inline uintptr_t freelist_ptr(const struct kmem_cache* s, uintptr_t ptr, uintptr_t ptr_addr)
{
	return ptr ^ s->random ^ __builtin_bswap64(ptr_addr);
}
inline void* get_freepointer(const struct kmem_cache* s, void* object)
{
	uintptr_t addr = reinterpret_cast<uintptr_t>(object) + s->offset, v;
	__builtin_memcpy(&v, reinterpret_cast<void*>(addr), sizeof(v));
	return reinterpret_cast<void*>(freelist_ptr(s, v, addr));
}
inline void set_freepointer(const struct kmem_cache* s, void* object, void* fp)
{
	uintptr_t addr = reinterpret_cast<uintptr_t>(object) + s->offset;
	uintptr_t v = freelist_ptr(s, reinterpret_cast<uintptr_t>(fp), addr);
	__builtin_memcpy(reinterpret_cast<void*>(addr), &v, sizeof(v));
}

/* ---- object geometry ---- */

/* free pointer after the object (poison, ctor) rather than inside it */
inline bool freeptr_outside_object(const struct kmem_cache* s)
{
	return s->offset >= s->inuse;
}
inline unsigned get_info_end(const struct kmem_cache* s)
{
	return freeptr_outside_object(s) ? s->inuse + unsigned(sizeof(void*)) : s->inuse;
}
inline unsigned size_from_object(const struct kmem_cache* s)
{
	return (s->flags & SLAB_RED_ZONE) ? s->size - s->red_left_pad : s->size;
}
inline struct track* get_track(const struct kmem_cache* s, void* object, track_item alloc)
{
	return reinterpret_cast<struct track*>(static_cast<uint8_t*>(object) + get_info_end(s)) + alloc;
}

/* is object the start of an object of this slab (NULL counts as valid) */
inline bool check_valid_pointer(const struct kmem_cache* s, const struct page* page, const void* object)
{
	if (!object)
		return true;
	uintptr_t base = reinterpret_cast<uintptr_t>(slab_address(page)) + s->red_left_pad;
	uintptr_t o = reinterpret_cast<uintptr_t>(object);
	if (o < base)
		return false;
	uint64_t off = o - base;
	uint64_t idx = uint64_t((u128(off) * s->reciprocal_size) >> 64);
	return idx < page->objects && idx * s->size == off;
}

/* ---- slub_debug (mm/slub_debug.cc) ---- */
/* Linux's slab_bug report header: "BUG <cache> (<taint>): <what>" */
__attribute__((format(printf, 2, 3))) void slab_bug(const struct kmem_cache* s, const char* fmt, ...);
/* "FIX <cache>: <what was done>" */
__attribute__((format(printf, 2, 3))) void slab_fix(const struct kmem_cache* s, const char* fmt, ...);
/* "INFO: op(object) called from caller" */
void print_caller(const char* op, const void* object, unsigned long caller);
/* the object's alloc and free tracks (SLAB_STORE_USER caches) */
void print_tracking(const struct kmem_cache* s, void* object);
void print_page_info(const struct page* page);
/* a finding about one object: report, trailer dump, taint B */
void object_err(const struct kmem_cache* s, const struct page* page, void* object, const char* reason, const char* op,
                unsigned long caller);
/* a finding about a slab (page may be NULL, op NULL for no caller line) */
__attribute__((format(printf, 6, 7))) void slab_err(const struct kmem_cache* s, const struct page* page, const char* op,
                                                    const void* object, unsigned long caller, const char* fmt, ...);
/* an object freed to a cache it does not belong to */
void report_wrong_cache(struct kmem_cache* s, struct kmem_cache* cachep, void* x, const char* op, unsigned long caller);
/* red zones, poison, padding and free pointer of one object; val is
 * SLUB_RED_ACTIVE for an allocated object, SLUB_RED_INACTIVE for a free one */
bool check_object(const struct kmem_cache* s, const struct page* page, void* object, uint8_t val, const char* op,
                  unsigned long caller);
/* fill the red zones with val and a free object with the poison */
void init_object(const struct kmem_cache* s, void* object, uint8_t val);
void set_track(const struct kmem_cache* s, void* object, track_item alloc, unsigned long addr);
/* is search on the slab's freelist (list_lock held) */
bool on_freelist(const struct kmem_cache* s, const struct page* page, void* search);
/* the checks of a debug cache's allocation and free; false: the object
 * is not handed out (not freed), having been reported */
bool alloc_debug_processing(const struct kmem_cache* s, struct page* page, void* object, unsigned long caller);
bool free_debug_processing(const struct kmem_cache* s, struct page* page, void* object, const char* op,
                           unsigned long caller);
} // namespace slub
