/*
 * struct page: one per physical page frame (Linux: include/linux/mm_types.h,
 * page-flags.h, mm.h pfn_to_page/page_to_pfn/page_address).
 *
 * The array of struct page lives in the vmemmap region (vmemmap_base,
 * 0xffffea0000000000 without KASLR), indexed by pfn:
 *     pfn_to_page(pfn) == vmemmap + pfn
 * and is backed only where zones span memory (mm/mm_init.cc).
 *
 * Fields by owner:
 *   flags         PG_* bits; the top bits hold the node and zone (as Linux)
 *   lru           free lists of the buddy allocator / per-cpu lists while free
 *   private_      buddy order while PageBuddy (Linux's page->private)
 *   compound_head tail pages of a compound page: head | 1
 *   inuse/objects/frozen, slab_cache, freelist   SLUB's slab metadata
 *   _refcount     0 while free, 1 when allocated; get_page/put_page (<mm/mm.h>)
 *   _mapcount     user pages: the number of PTEs mapping it, minus one
 *                 (page_mapcount); shares private_'s word, unused then
 *   mapping       user pages: PAGE_MAPPING_ANON for anonymous memory;
 *                 shares slab_cache's word
 *   alloc_order   debugging: the order the block was allocated with
 *   mapping/index the page cache (mm/filemap.cc): the address_space a
 *                 file page belongs to and its offset in it, in pages;
 *                 overlay SLUB's slab_cache/freelist as in Linux (a page
 *                 is never both a slab and a file page)
 */
#pragma once
#include <arch/page.h>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <kernel/numa.h>
#include <lib/list.h>

/* bit numbers as in Linux's enum pageflags where they exist */
enum pageflags : unsigned {
	PG_locked = 0,
	PG_referenced = 1,
	PG_uptodate = 2,
	PG_dirty = 3,
	PG_lru = 4,
	PG_active = 5,
	PG_slab = 9,
	PG_reserved = 12,
	PG_private = 13,
	PG_head = 16,
	/* Linux keeps "buddy" in page_type; a plain flag here */
	PG_buddy = 24,
	__NR_PAGEFLAGS = 25,
};

inline constexpr unsigned ZONES_SHIFT = 2;
inline constexpr unsigned NODES_PGSHIFT = 64 - NODES_SHIFT;
inline constexpr unsigned ZONES_PGSHIFT = NODES_PGSHIFT - ZONES_SHIFT;
inline constexpr unsigned long PAGE_FLAGS_MASK = (1UL << ZONES_PGSHIFT) - 1;

struct address_space; /* <fs/fs.h>: a file's page cache */

/* Linux overlays most fields in unions; list_head has a constructor, so
 * the list sits beside the others and the rest still fits Linux's 64 bytes. */
struct page {
	unsigned long flags;
	lib::list_head lru; /* free lists; SLUB: the node's partial list (slab_list) */
	union {
		unsigned long private_; /* buddy order while PageBuddy */
		struct {		/* SLUB, while PageSlab */
			uint16_t inuse;	/* objects handed out */
			uint16_t objects; /* objects in the slab */
			uint8_t frozen; /* owned by a CPU as its active slab */
		};
		struct {		/* a page mapped into user space */
			int _mapcount;	/* page tables mapping it, minus one */
		};
	};
	unsigned long compound_head; /* bit 0 set: this is a tail page */
	std::atomic<int> _refcount;
	short alloc_order;	      /* debugging; -1 while free */
	unsigned char compound_order; /* in the head page of a compound page */
	unsigned char pad0;
	union {
		struct {
			void* slab_cache; /* SLUB: the struct kmem_cache this slab belongs to */
			void* freelist;	  /* SLUB: first free object (encoded pointer) */
		};
		struct {				/* a page-cache page */
			struct address_space* mapping;	/* its file's, NULL once truncated */
			unsigned long index;		/* its offset in the file, in pages */
		};
	};
};
static_assert(sizeof(page) == 64, "struct page is 64 bytes, as in Linux");

#define vmemmap (reinterpret_cast<struct page*>(vmemmap_base))

inline struct page* pfn_to_page(unsigned long pfn) { return vmemmap + pfn; }
inline unsigned long page_to_pfn(const struct page* p) { return (unsigned long)(p - vmemmap); }
inline phys_addr_t page_to_phys(const struct page* p) { return phys_addr_t(page_to_pfn(p)) << PAGE_SHIFT; }
inline void* page_address(const struct page* p) { return __va(page_to_phys(p)); }
inline struct page* virt_to_page(const void* kaddr) { return pfn_to_page(__pa(kaddr) >> PAGE_SHIFT); }
inline struct page* phys_to_page(phys_addr_t pa) { return pfn_to_page(pa >> PAGE_SHIFT); }

/*
 * Flags change only by the page's owner (the zone lock holder while it is
 * free), never by two CPUs at once, so a change is a plain read-modify-
 * write as Linux's __SetPageXxx; but any CPU may read them at any time
 * (the buddy allocator looks at a neighbour that another CPU owns), so
 * every access is one relaxed atomic load or store: no torn or invented
 * values, and no cost on x86.
 */
inline unsigned long page_flags(const struct page* p) { return __atomic_load_n(&p->flags, __ATOMIC_RELAXED); }
inline void set_page_flags(struct page* p, unsigned long v) { __atomic_store_n(&p->flags, v, __ATOMIC_RELAXED); }
inline bool test_page_flag(const struct page* p, unsigned bit) { return page_flags(p) & (1UL << bit); }
inline void set_page_flag(struct page* p, unsigned bit) { set_page_flags(p, page_flags(p) | 1UL << bit); }
inline void clear_page_flag(struct page* p, unsigned bit) { set_page_flags(p, page_flags(p) & ~(1UL << bit)); }

inline bool PageReserved(const struct page* p) { return test_page_flag(p, PG_reserved); }
inline bool PageBuddy(const struct page* p) { return test_page_flag(p, PG_buddy); }
inline bool PageHead(const struct page* p) { return test_page_flag(p, PG_head); }
inline bool PageSlab(const struct page* p) { return test_page_flag(p, PG_slab); }
inline bool PageTail(const struct page* p) { return p->compound_head & 1; }
inline struct page* compound_head(struct page* p)
{
	return PageTail(p) ? reinterpret_cast<struct page*>(p->compound_head - 1) : p;
}

inline int page_to_nid(const struct page* p) { return int(page_flags(p) >> NODES_PGSHIFT); }
inline unsigned page_zonenum(const struct page* p) { return unsigned(page_flags(p) >> ZONES_PGSHIFT) & ((1u << ZONES_SHIFT) - 1); }
inline void set_page_links(struct page* p, unsigned zone, int nid)
{
	set_page_flags(p, (page_flags(p) & PAGE_FLAGS_MASK) | (unsigned long)zone << ZONES_PGSHIFT |
			      (unsigned long)nid << NODES_PGSHIFT);
}

inline int page_ref_count(const struct page* p) { return p->_refcount.load(std::memory_order_relaxed); }
inline void set_page_count(struct page* p, int v) { p->_refcount.store(v, std::memory_order_relaxed); }

/* smallest order whose block holds size bytes (Linux: get_order) */
constexpr unsigned get_order(unsigned long size)
{
	unsigned order = 0;
	size = (size - 1) >> PAGE_SHIFT;
	while (size) {
		order++;
		size >>= 1;
	}
	return order;
}
