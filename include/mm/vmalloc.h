/*
 * Virtually contiguous kernel memory: vmalloc, vmap, ioremap (Linux:
 * include/linux/vmalloc.h, mm/vmalloc.c, arch/x86/mm/ioremap.c).
 *
 *   void* buf = vmalloc(1 << 20);        // 256 pages, anywhere in RAM
 *   vfree(buf);
 *   void* v = vmap(pages, 4, VM_MAP, PAGE_KERNEL);   // given pages, contiguous
 *   vunmap(v);
 *   void __iomem* regs = ioremap(0xfebf0000, 0x1000); // uncached
 *   iounmap(regs);
 *
 * Data structures:
 *   - struct vmap_area: one busy range [va_start, va_end) of
 *     [VMALLOC_START, VMALLOC_END), kept on a list sorted by address.
 *   - struct vm_struct: what a busy range holds: its pages (vmalloc), its
 *     physical base (ioremap), who asked (caller) and how (flags).
 *   - vmap_area_allocator: the address-range allocator, first fit over the
 *     sorted busy list.  It takes its range as parameters and allocates no
 *     memory itself (the caller passes the vmap_area in), so the host unit
 *     tests run the very same code (tests/host/test_vmalloc.cc).
 *
 * Invariants:
 *   - Busy areas are sorted, disjoint, page aligned and inside the range.
 *   - vm->size includes one trailing guard page (not with VM_NO_GUARD)
 *     that is never mapped, so running off the end of an area faults;
 *     get_vm_area_size(vm) is the usable size.  The vmap_area spans the
 *     guard too, so no other area can be placed on it.
 *   - A range's PTEs are cleared (and flushed) before its vmap_area leaves
 *     the busy list, so a range handed out again never has stale entries.
 *
 * Locks: vmap_area_lock guards the busy list; it is never held while page
 * tables are changed or pages allocated.  Lock order: vmap_area_lock ->
 * (printk); the bookkeeping pool's lock and kernel_pgtable_lock are leaves
 * taken without it.  Process context only (vfree may not be called from
 * an interrupt; Linux defers that case to a work item).
 *
 * Differences from Linux: a sorted list with first fit, O(areas), where
 * Linux keeps a free-space rbtree augmented with the largest gap per
 * subtree, O(log n); unmapping flushes at once instead of the lazy purge
 * (vmap_lazy_nr); no huge-page vmalloc; no per-CPU vmap blocks (vm_map_ram).
 */
#pragma once
#include <arch/page.h>
#include <arch/pgtable.h>
#include <cstddef>
#include <cstdint>
#include <lib/list.h>
#include <lib/result.h>
#include <mm/gfp.h>
#include <uapi/asm-generic/errno-base.h>

struct page;

#define __iomem

/* vm_struct flags: Linux's values */
#define VM_IOREMAP 0x00000001UL  /* ioremap() and friends */
#define VM_ALLOC 0x00000002UL    /* vmalloc(): pages are owned and freed by vfree */
#define VM_MAP 0x00000004UL      /* vmap(): pages belong to the caller */
#define VM_NO_GUARD 0x00000040UL /* no trailing guard page: don't use lightly */

/* ioremap areas are aligned to their size's power of two up to this */
inline constexpr unsigned IOREMAP_MAX_ORDER = 7 + PAGE_SHIFT; /* 128 pages */

struct vm_struct {
	void* addr;
	unsigned long size; /* including the guard page */
	unsigned long flags;
	struct page** pages; /* VM_ALLOC: nr_pages pages, one by one */
	unsigned int nr_pages;
	phys_addr_t phys_addr; /* VM_IOREMAP: the page-aligned physical base */
	const void* caller;
};

struct vmap_area {
	unsigned long va_start;
	unsigned long va_end; /* exclusive */
	struct vm_struct* vm; /* NULL while being freed */
	lib::list_head list;  /* vmap_area_allocator's busy list, by address */
};

/* the usable size: without the guard page */
inline unsigned long get_vm_area_size(const struct vm_struct* area)
{
	return (area->flags & VM_NO_GUARD) ? area->size : area->size - PAGE_SIZE;
}

/* the span get_vm_area() reserves for a request: page aligned plus the
 * guard page; 0 when it does not fit in an unsigned long */
constexpr unsigned long vm_area_span(unsigned long size, unsigned long flags)
{
	unsigned long guard = (flags & VM_NO_GUARD) ? 0 : PAGE_SIZE;
	if (size == 0 || size > ~0UL - 2 * PAGE_SIZE)
		return 0;
	return ((size + PAGE_SIZE - 1) & PAGE_MASK) + guard;
}

/*
 * The vmap-area allocator core (Linux: alloc_vmap_area, __find_vmap_area,
 * free_vmap_area without the lazy purge).  Not locked: the kernel calls it
 * under vmap_area_lock.  Areas are owned by the caller.
 */
class vmap_area_allocator
{
public:
	using area_list = lib::intrusive_list<vmap_area, &vmap_area::list>;

	constexpr vmap_area_allocator() = default;
	vmap_area_allocator(const vmap_area_allocator&) = delete;
	vmap_area_allocator& operator=(const vmap_area_allocator&) = delete;

	/* manage [start, end); start and end page aligned */
	void init(unsigned long start, unsigned long end)
	{
		start_ = start;
		end_ = end;
	}
	unsigned long start() const { return start_; }
	unsigned long end() const { return end_; }

	/*
	 * Place va at the lowest address aligned to align (a power of two)
	 * where size bytes fit: first fit.  EBUSY when no gap is big enough
	 * (Linux's alloc_vmap_area), EINVAL for a zero size or a bad align;
	 * va is then untouched.
	 */
	lib::Result<void> alloc(vmap_area* va, unsigned long size, unsigned long align)
	{
		if (size == 0 || align == 0 || (align & (align - 1)))
			return lib::Error{EINVAL};
		unsigned long addr;
		if (!align_up(start_, align, &addr))
			return lib::Error{EBUSY};
		for (vmap_area& busy : busy_) {
			if (addr <= busy.va_start && busy.va_start - addr >= size) {
				insert(va, addr, size, area_list::node(busy));
				return lib::ok();
			}
			if (busy.va_end > addr && !align_up(busy.va_end, align, &addr))
				return lib::Error{EBUSY};
		}
		if (addr > end_ || end_ - addr < size)
			return lib::Error{EBUSY};
		insert(va, addr, size, busy_.head());
		return lib::ok();
	}

	/* the busy area containing addr (Linux's __find_vmap_area) */
	vmap_area* find(unsigned long addr)
	{
		for (vmap_area& va : busy_) {
			if (addr < va.va_start)
				return nullptr;
			if (addr < va.va_end)
				return &va;
		}
		return nullptr;
	}
	/* the busy area starting exactly at addr */
	vmap_area* find_start(unsigned long addr)
	{
		vmap_area* va = find(addr);
		return va && va->va_start == addr ? va : nullptr;
	}

	/* give va's range back; va is the caller's again */
	void remove(vmap_area* va)
	{
		area_list::remove(*va);
		nr_areas_--;
		busy_bytes_ -= va->va_end - va->va_start;
	}

	unsigned long nr_areas() const { return nr_areas_; }
	unsigned long busy_bytes() const { return busy_bytes_; }
	const area_list& areas() const { return busy_; }

	/* the invariants, for tests and debugging: sorted, disjoint, inside */
	bool check() const
	{
		unsigned long prev_end = start_, n = 0, bytes = 0;
		for (const vmap_area& va : busy_) {
			if (va.va_start < prev_end || va.va_end <= va.va_start || va.va_end > end_)
				return false;
			prev_end = va.va_end;
			n++;
			bytes += va.va_end - va.va_start;
		}
		return n == nr_areas_ && bytes == busy_bytes_;
	}

private:
	/* v rounded up to align in *out; false when that wraps past ~0 */
	static bool align_up(unsigned long v, unsigned long align, unsigned long* out)
	{
		unsigned long r = (v + align - 1) & ~(align - 1);
		*out = r;
		return r >= v;
	}
	/* link va before the node `before` (the head: at the end) */
	void insert(vmap_area* va, unsigned long addr, unsigned long size, lib::list_head* before)
	{
		va->va_start = addr;
		va->va_end = addr + size;
		va->list.init();
		before->add_tail(&va->list);
		nr_areas_++;
		busy_bytes_ += size;
	}

	unsigned long start_ = 0;
	unsigned long end_ = 0;
	area_list busy_;
	unsigned long nr_areas_ = 0;
	unsigned long busy_bytes_ = 0;
};

/* ---- the kernel API (mm/vmalloc.cc) ---- */

/* set up the allocator over [VMALLOC_START, VMALLOC_END) and preallocate
 * the PUD pages of the range; start_kernel calls it once SLUB is up */
void vmalloc_init();

void* vmalloc(unsigned long size);
void* vzalloc(unsigned long size);
void* vmalloc_node(unsigned long size, int node);
void* vzalloc_node(unsigned long size, int node);
/* gfp may add __GFP_ZERO, __GFP_NOWARN, zone modifiers */
void* __vmalloc(unsigned long size, gfp_t gfp_mask);
void* __vmalloc_node(unsigned long size, unsigned long align, gfp_t gfp_mask, int node, const void* caller);
void vfree(const void* addr);
/* vfrees waiting for a context that can shoot down TLBs (interrupts were off) */
unsigned long nr_vfree_deferred();
/* free them now (nothing with interrupts off; Linux: the free_work of vfree_atomic) */
void drain_vfree_deferred();

void* vmap(struct page** pages, unsigned int count, unsigned long flags, pgprot_t prot);
void vunmap(const void* addr);

void __iomem* ioremap(phys_addr_t offset, unsigned long size);
void __iomem* ioremap_cache(phys_addr_t offset, unsigned long size);
void iounmap(volatile void __iomem* addr);

/* the lower layer: reserve / find / release an area without mapping it */
struct vm_struct* get_vm_area(unsigned long size, unsigned long flags);
struct vm_struct* get_vm_area_caller(unsigned long size, unsigned long flags, const void* caller);
struct vm_struct* find_vm_area(const void* addr);
/* unmap the area starting at addr, free its range and return its vm_struct */
struct vm_struct* remove_vm_area(const void* addr);
void free_vm_area(struct vm_struct* area);

inline bool is_vmalloc_addr(const void* x)
{
	uintptr_t addr = reinterpret_cast<uintptr_t>(x);
	return addr >= VMALLOC_START && addr < VMALLOC_END;
}
struct page* vmalloc_to_page(const void* addr);
unsigned long vmalloc_to_pfn(const void* addr);

/* pages currently allocated by vmalloc (/proc/meminfo VmallocUsed) */
unsigned long vmalloc_nr_pages();
/* /proc/vmallocinfo lines into buf (NUL-terminated); returns the length */
size_t render_vmallocinfo(char* buf, size_t size);
/* a summary and every area, to the log */
void vmalloc_dump_areas();
