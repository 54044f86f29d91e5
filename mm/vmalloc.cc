/*
 * vmalloc, vmap and ioremap (Linux: mm/vmalloc.c, arch/x86/mm/ioremap.c).
 *
 * An allocation is three steps, each undone by its own release path:
 *   1. reserve a range of [VMALLOC_START, VMALLOC_END) plus a guard page
 *      (vmap_area_allocator under vmap_area_lock: __get_vm_area_node);
 *   2. vmalloc only: allocate the pages one at a time (alloc_pages_node);
 *   3. map them with PAGE_KERNEL (ioremap: the physical range with
 *      PAGE_KERNEL_NOCACHE) through vmap_pages_range/ioremap_page_range.
 * Release runs backwards (remove_vm_area: unmap + TLB flush, then give the
 * range back; vfree then frees the pages).  A failure anywhere releases
 * what the earlier steps took and returns NULL with one warn_alloc-style
 * report, unless __GFP_NOWARN.
 *
 * Data structures: vmap_areas (the busy list, <mm/vmalloc.h>) guarded by
 * vmap_area_lock; nr_vmalloc_pages; the bookkeeping pool below.
 *
 * Bookkeeping: vm_struct, vmap_area and short page arrays (up to 16
 * entries, e.g. a 16 KiB stack) are 128-byte objects from a free list of
 * pages carved on demand (vm_obj_pool; its pages are kept for reuse, never
 * returned).  Longer page arrays come from alloc_pages_exact, where Linux
 * would use kmalloc or a nested vmalloc.  When SLUB exists, vm_obj_alloc
 * becomes kzalloc and vm_obj_free kfree: nothing else changes.
 *
 * Lock order: vmap_area_lock -> printk.  vm_obj_lock and the page-table
 * lock are leaves, never taken under vmap_area_lock; page allocation and
 * mapping run with no vmalloc lock held.  vmap_area_lock and vm_obj_lock
 * are taken with interrupts saved: vfree may run in a timer callback
 * (softirq), and must not spin on a lock the interrupted task holds.
 * vmalloc itself may sleep (GFP_KERNEL) and is for task context only.
 *
 * vfree with interrupts off or in hard interrupt context cannot shoot
 * down the other CPUs' TLBs (a cross-CPU call needs interrupts on), so it
 * is deferred, as Linux's vfree_atomic: the area's first word links it on
 * vfree_deferred (a lock-free list), and the next vmalloc or vfree from a
 * context that may flush frees it.  Nothing is unmapped or freed before
 * every CPU's translation is gone.
 */
#include <mm/vmalloc.h>

#include <arch/pgtable.h>
#include <atomic>
#include <cstdarg>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <lib/format.h>
#include <lib/spinlock.h>
#include <lib/string.h>
#include <mm/page_alloc.h>
#include <new>

namespace
{
lib::spinlock vmap_area_lock;
constinit vmap_area_allocator vmap_areas GUARDED_BY(vmap_area_lock);
bool vmap_initialized;
std::atomic<unsigned long> nr_vmalloc_pages;

/* ---------------------------------------------------- bookkeeping pool */

constexpr size_t VM_OBJ_SIZE = 128;
constexpr unsigned VM_OBJ_SMALL_PAGES = VM_OBJ_SIZE / sizeof(struct page*);
static_assert(sizeof(vm_struct) <= VM_OBJ_SIZE && sizeof(vmap_area) <= VM_OBJ_SIZE);

struct vm_obj {
	vm_obj* next;
};
lib::spinlock vm_obj_lock;
vm_obj* vm_obj_freelist GUARDED_BY(vm_obj_lock);
unsigned long vm_obj_pool_pages;

/* a zeroed 128-byte object, or NULL */
void* vm_obj_alloc(gfp_t gfp)
{
	for (;;) {
		{
			lib::spin_lock_irqsave_guard g(vm_obj_lock);
			if (vm_obj* obj = vm_obj_freelist) {
				vm_obj_freelist = obj->next;
				lib::memset(obj, 0, VM_OBJ_SIZE);
				return obj;
			}
		}
		struct page* pg = alloc_page((gfp & ~__GFP_ZERO) | __GFP_NOWARN);
		if (!pg)
			return nullptr;
		char* base = static_cast<char*>(page_address(pg));
		lib::spin_lock_irqsave_guard g(vm_obj_lock);
		for (size_t off = 0; off < PAGE_SIZE; off += VM_OBJ_SIZE) {
			vm_obj* obj = reinterpret_cast<vm_obj*>(base + off);
			obj->next = vm_obj_freelist;
			vm_obj_freelist = obj;
		}
		vm_obj_pool_pages++;
	}
}

void vm_obj_free(void* p)
{
	if (!p)
		return;
	vm_obj* obj = static_cast<vm_obj*>(p);
	lib::spin_lock_irqsave_guard g(vm_obj_lock);
	obj->next = vm_obj_freelist;
	vm_obj_freelist = obj;
}

struct page** alloc_page_array(unsigned int nr, gfp_t gfp)
{
	if (nr <= VM_OBJ_SMALL_PAGES)
		return static_cast<struct page**>(vm_obj_alloc(gfp));
	return static_cast<struct page**>(alloc_pages_exact(nr * sizeof(struct page*), gfp | __GFP_NOWARN));
}

void free_page_array(struct page** pages, unsigned int nr)
{
	if (nr <= VM_OBJ_SMALL_PAGES)
		vm_obj_free(pages);
	else
		free_pages_exact(pages, nr * sizeof(struct page*));
}

vmap_area* new_vmap_area(gfp_t gfp)
{
	void* p = vm_obj_alloc(gfp);
	return p ? new (p) vmap_area{} : nullptr;
}

/* warn_alloc's shape: "comm: vmalloc error: ..., mode:0xcc0(GFP_KERNEL), nodemask=(null)" */
__attribute__((format(printf, 2, 3))) void vmalloc_warn(gfp_t gfp, const char* fmt, ...)
{
	if (gfp & __GFP_NOWARN)
		return;
	char what[128], flags[160];
	va_list ap;
	va_start(ap, fmt);
	lib::vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	format_gfp_flags(flags, sizeof(flags), gfp);
	pr_warn("%s: %s, mode:%#x(%s), nodemask=(null)\n", current_comm(), what, gfp, flags);
	dump_stack();
}

struct vm_struct* __get_vm_area_node(unsigned long size, unsigned long align, unsigned long flags, gfp_t gfp,
                                     const void* caller)
{
	if (!__atomic_load_n(&vmap_initialized, __ATOMIC_ACQUIRE))
		return nullptr;
	unsigned long span = vm_area_span(size, flags);
	if (!span)
		return nullptr;
	if (flags & VM_IOREMAP) {
		/* big I/O windows get naturally aligned addresses (Linux does
		 * the same so that huge ioremap can use large pages) */
		unsigned shift = 64 - __builtin_clzl((span - PAGE_SIZE - 1) | 1);
		shift = shift < PAGE_SHIFT ? PAGE_SHIFT : shift > IOREMAP_MAX_ORDER ? IOREMAP_MAX_ORDER : shift;
		align = 1UL << shift;
	}
	if (align < PAGE_SIZE)
		align = PAGE_SIZE;
	struct vm_struct* area = static_cast<struct vm_struct*>(vm_obj_alloc(gfp));
	vmap_area* va = new_vmap_area(gfp);
	if (!area || !va) {
		vm_obj_free(area);
		vm_obj_free(va);
		return nullptr;
	}
	lib::Result<void> placed = lib::ok();
	{
		lib::spin_lock_irqsave_guard g(vmap_area_lock);
		placed = vmap_areas.alloc(va, span, align);
		if (placed.is_ok()) {
			area->addr = reinterpret_cast<void*>(va->va_start);
			area->size = span;
			area->flags = flags;
			area->caller = caller;
			va->vm = area;
		}
	}
	if (placed.is_err()) {
		vm_obj_free(area);
		vm_obj_free(va);
		return nullptr;
	}
	return area;
}

/* vfree/vunmap's common part: release the area at addr, free its pages if
 * it owns them */
void __vunmap(const void* addr, bool deallocate_pages, const char* who)
{
	if (!addr)
		return;
	if (reinterpret_cast<uintptr_t>(addr) & ~PAGE_MASK) {
		pr_err("Trying to %s() bad address (%p)\n", who, addr);
		dump_stack();
		return;
	}
	struct vm_struct* area = remove_vm_area(addr);
	if (!area) {
		pr_err("Trying to %s() nonexistent vm area (%p)\n", who, addr);
		dump_stack();
		return;
	}
	if (deallocate_pages && (area->flags & VM_ALLOC) && area->pages) {
		for (unsigned i = 0; i < area->nr_pages; i++)
			__free_page(area->pages[i]);
		nr_vmalloc_pages.fetch_sub(area->nr_pages, std::memory_order_relaxed);
		free_page_array(area->pages, unsigned(get_vm_area_size(area) >> PAGE_SHIFT));
	}
	vm_obj_free(area);
}
} // namespace

/* ---------------------------------------------------------------- set-up */

void vmalloc_init()
{
	if (vmap_initialized)
		return;
	preallocate_vmalloc_pages();
	{
		lib::spin_lock_irqsave_guard g(vmap_area_lock);
		vmap_areas.init(VMALLOC_START, VMALLOC_END & PAGE_MASK);
	}
	__atomic_store_n(&vmap_initialized, true, __ATOMIC_RELEASE);
	pr_info("vmalloc: %lu TiB at [%#lx-%#lx], PGD entries %u..%u preallocated\n",
	        (unsigned long)((VMALLOC_END - VMALLOC_START + 1) >> 40), (unsigned long)VMALLOC_START,
	        (unsigned long)VMALLOC_END, pgd_index(VMALLOC_START), pgd_index(VMALLOC_END));
}

/* -------------------------------------------------- areas without pages */

struct vm_struct* get_vm_area_caller(unsigned long size, unsigned long flags, const void* caller)
{
	return __get_vm_area_node(size, 1, flags, GFP_KERNEL, caller);
}

struct vm_struct* get_vm_area(unsigned long size, unsigned long flags)
{
	return __get_vm_area_node(size, 1, flags, GFP_KERNEL, __builtin_return_address(0));
}

struct vm_struct* find_vm_area(const void* addr)
{
	lib::spin_lock_irqsave_guard g(vmap_area_lock);
	vmap_area* va = vmap_areas.find(reinterpret_cast<unsigned long>(addr));
	return va ? va->vm : nullptr;
}

struct vm_struct* remove_vm_area(const void* addr)
{
	vmap_area* va;
	struct vm_struct* vm;
	{
		lib::spin_lock_irqsave_guard g(vmap_area_lock);
		va = vmap_areas.find_start(reinterpret_cast<unsigned long>(addr));
		if (!va || !va->vm)
			return nullptr;
		vm = va->vm;
		va->vm = nullptr; /* a racing second vfree finds nothing */
	}
	/* unmap before the range can be handed out again (the guard page was
	 * never mapped: no need to clear it) */
	vunmap_range(va->va_start, va->va_start + get_vm_area_size(vm));
	{
		lib::spin_lock_irqsave_guard g(vmap_area_lock);
		vmap_areas.remove(va);
	}
	vm_obj_free(va);
	return vm;
}

void free_vm_area(struct vm_struct* area)
{
	if (!area)
		return;
	struct vm_struct* ret = remove_vm_area(area->addr);
	WARN_ON(ret != area);
	vm_obj_free(area);
}

/* --------------------------------------------------------------- vmalloc */

namespace
{
struct deferred_free {
	deferred_free* next;
};
deferred_free* vfree_deferred; /* lock-free stack: push with CAS, take all with XCHG */

bool may_shoot_down()
{
	return !irqs_disabled() && !in_hardirq();
}

} // namespace

/* free what vfree had to defer (from a context that may flush) */
void drain_vfree_deferred()
{
	if (!may_shoot_down())
		return;
	if (!__atomic_load_n(&vfree_deferred, __ATOMIC_RELAXED))
		return;
	deferred_free* d = __atomic_exchange_n(&vfree_deferred, nullptr, __ATOMIC_ACQUIRE);
	while (d) {
		deferred_free* next = d->next;
		__vunmap(d, true, "vfree");
		d = next;
	}
}

void* __vmalloc_node(unsigned long size, unsigned long align, gfp_t gfp_mask, int node, const void* caller)
{
	if (may_shoot_down())
		drain_vfree_deferred();
	if (size == 0) {
		vmalloc_warn(gfp_mask, "vmalloc error: size %lu, invalid size", size);
		return nullptr;
	}
	if ((size >> PAGE_SHIFT) > totalram_pages()) {
		vmalloc_warn(gfp_mask, "vmalloc error: size %lu, exceeds total pages", size);
		return nullptr;
	}
	struct vm_struct* area = __get_vm_area_node(size, align, VM_ALLOC, gfp_mask, caller);
	if (!area) {
		vmalloc_warn(gfp_mask, "vmalloc error: size %lu, vm_struct allocation failed", size);
		return nullptr;
	}
	unsigned long usable = get_vm_area_size(area);
	unsigned int nr = unsigned(usable >> PAGE_SHIFT);
	area->pages = alloc_page_array(nr, gfp_mask & ~__GFP_ZERO);
	if (!area->pages) {
		vmalloc_warn(gfp_mask, "vmalloc error: size %lu, failed to allocated page array size %lu", usable,
		             (unsigned long)nr * sizeof(struct page*));
		free_vm_area(area);
		return nullptr;
	}
	/* page by page: nothing needs physical contiguity */
	while (area->nr_pages < nr) {
		struct page* pg = alloc_pages_node(node, gfp_mask | __GFP_NOWARN, 0);
		if (!pg)
			break;
		area->pages[area->nr_pages++] = pg;
	}
	nr_vmalloc_pages.fetch_add(area->nr_pages, std::memory_order_relaxed);
	if (area->nr_pages != nr) {
		vmalloc_warn(gfp_mask, "vmalloc error: size %lu, page order %u, failed to allocate pages",
		             (unsigned long)area->nr_pages * PAGE_SIZE, 0u);
		__vunmap(area->addr, true, "vfree");
		return nullptr;
	}
	uintptr_t addr = reinterpret_cast<uintptr_t>(area->addr);
	if (!vmap_pages_range(addr, addr + usable, PAGE_KERNEL, area->pages).is_ok()) {
		vmalloc_warn(gfp_mask, "vmalloc error: size %lu, failed to map pages", usable);
		__vunmap(area->addr, true, "vfree");
		return nullptr;
	}
	return area->addr;
}

void* __vmalloc(unsigned long size, gfp_t gfp_mask)
{
	return __vmalloc_node(size, 1, gfp_mask, NUMA_NO_NODE, __builtin_return_address(0));
}

void* vmalloc(unsigned long size)
{
	return __vmalloc_node(size, 1, GFP_KERNEL, NUMA_NO_NODE, __builtin_return_address(0));
}

void* vzalloc(unsigned long size)
{
	return __vmalloc_node(size, 1, GFP_KERNEL | __GFP_ZERO, NUMA_NO_NODE, __builtin_return_address(0));
}

void* vmalloc_node(unsigned long size, int node)
{
	return __vmalloc_node(size, 1, GFP_KERNEL, node, __builtin_return_address(0));
}

void* vzalloc_node(unsigned long size, int node)
{
	return __vmalloc_node(size, 1, GFP_KERNEL | __GFP_ZERO, node, __builtin_return_address(0));
}


void vfree(const void* addr)
{
	if (addr && !may_shoot_down() && !(reinterpret_cast<uintptr_t>(addr) & ~PAGE_MASK)) {
		/* vfree_atomic: the area is still mapped, so its first word can
		 * link it (a bad address is reported when it is drained) */
		auto* d = static_cast<deferred_free*>(const_cast<void*>(addr));
		d->next = __atomic_load_n(&vfree_deferred, __ATOMIC_RELAXED);
		while (!__atomic_compare_exchange_n(&vfree_deferred, &d->next, d, true, __ATOMIC_RELEASE,
		                                    __ATOMIC_RELAXED))
			;
		return;
	}
	drain_vfree_deferred();
	__vunmap(addr, true, "vfree");
}

unsigned long nr_vfree_deferred()
{
	unsigned long n = 0;
	for (deferred_free* d = __atomic_load_n(&vfree_deferred, __ATOMIC_ACQUIRE); d; d = d->next)
		n++;
	return n;
}

/* ------------------------------------------------------------------ vmap */

void* vmap(struct page** pages, unsigned int count, unsigned long flags, pgprot_t prot)
{
	if (count == 0 || count > totalram_pages())
		return nullptr;
	unsigned long size = (unsigned long)count << PAGE_SHIFT;
	struct vm_struct* area = get_vm_area_caller(size, (flags & ~VM_ALLOC) | VM_MAP, __builtin_return_address(0));
	if (!area)
		return nullptr;
	uintptr_t addr = reinterpret_cast<uintptr_t>(area->addr);
	if (!vmap_pages_range(addr, addr + size, prot, pages).is_ok()) {
		free_vm_area(area);
		return nullptr;
	}
	return area->addr;
}

void vunmap(const void* addr)
{
	__vunmap(addr, false, "vunmap");
}

/* --------------------------------------------------------------- ioremap */

namespace
{
void __iomem* __ioremap_caller(phys_addr_t phys_addr, unsigned long size, pgprot_t prot, const void* caller)
{
	phys_addr_t last_addr = phys_addr + size - 1;
	if (!size || last_addr < phys_addr || (last_addr >> 52))
		return nullptr;
	/*
	 * Linux refuses RAM here (it is mapped cacheable in the direct map,
	 * and PAT tracks memory types to keep aliases consistent).  We have no
	 * PAT tracking and allow it: the ktests read RAM through an uncached
	 * alias, which is coherent on x86 (UC accesses snoop the caches).
	 */
	unsigned long offset = phys_addr & ~PAGE_MASK;
	phys_addr &= PAGE_MASK;
	size = ((last_addr + PAGE_SIZE) & PAGE_MASK) - phys_addr;
	struct vm_struct* area = get_vm_area_caller(size, VM_IOREMAP, caller);
	if (!area)
		return nullptr;
	area->phys_addr = phys_addr;
	uintptr_t vaddr = reinterpret_cast<uintptr_t>(area->addr);
	if (!ioremap_page_range(vaddr, vaddr + size, phys_addr, prot).is_ok()) {
		free_vm_area(area);
		return nullptr;
	}
	return reinterpret_cast<void __iomem*>(vaddr + offset);
}
} // namespace

void __iomem* ioremap(phys_addr_t offset, unsigned long size)
{
	return __ioremap_caller(offset, size, PAGE_KERNEL_NOCACHE, __builtin_return_address(0));
}

void __iomem* ioremap_cache(phys_addr_t offset, unsigned long size)
{
	return __ioremap_caller(offset, size, PAGE_KERNEL, __builtin_return_address(0));
}

void iounmap(volatile void __iomem* addr)
{
	uintptr_t va = reinterpret_cast<uintptr_t>(addr);
	if (!addr || !is_vmalloc_addr(const_cast<const void*>(addr)))
		return; /* Linux too ignores what ioremap cannot have returned */
	void* start = reinterpret_cast<void*>(va & PAGE_MASK);
	struct vm_struct* area = find_vm_area(start);
	if (!area || area->addr != start || !(area->flags & VM_IOREMAP)) {
		pr_err("iounmap: bad address %p\n", start);
		dump_stack();
		return;
	}
	vm_obj_free(remove_vm_area(start));
}

/* --------------------------------------------------------------- lookups */

unsigned long vmalloc_to_pfn(const void* vmalloc_addr)
{
	uintptr_t addr = reinterpret_cast<uintptr_t>(vmalloc_addr);
	unsigned level;
	uint64_t* entry = lookup_address(addr, &level);
	if (!entry || !(*entry & _PAGE_PRESENT))
		return ~0UL;
	unsigned long pfn = (*entry & PTE_PFN_MASK) >> PAGE_SHIFT;
	if (level == PG_LEVEL_2M)
		pfn = (pfn & ~511UL) + pte_index(addr);
	else if (level == PG_LEVEL_1G)
		pfn = (pfn & ~((1UL << 18) - 1)) + ((addr & (PUD_SIZE - 1)) >> PAGE_SHIFT);
	return pfn;
}

struct page* vmalloc_to_page(const void* vmalloc_addr)
{
	unsigned long pfn = vmalloc_to_pfn(vmalloc_addr);
	return pfn == ~0UL ? nullptr : pfn_to_page(pfn);
}

unsigned long vmalloc_nr_pages()
{
	return nr_vmalloc_pages.load(std::memory_order_relaxed);
}

size_t render_vmallocinfo(char* buf, size_t size)
{
	size_t len = 0;
	if (size)
		buf[0] = '\0';
	lib::spin_lock_irqsave_guard g(vmap_area_lock);
	for (const vmap_area& va : vmap_areas.areas()) {
		if (len + 1 >= size)
			break;
		const vm_struct* v = va.vm;
		char* p = buf + len;
		size_t room = size - len;
		int n;
		if (!v) { /* being freed (Linux: "unpurged vm_area") */
			n = lib::snprintf(p, room, "0x%016lx-0x%016lx %7ld unpurged vm_area\n", va.va_start, va.va_end,
			                  long(va.va_end - va.va_start));
		} else {
			n = lib::snprintf(p, room, "0x%016lx-0x%016lx %7ld", (unsigned long)v->addr,
			                  (unsigned long)v->addr + v->size, long(v->size));
			if (v->caller)
				n += lib::snprintf(p + n, room > size_t(n) ? room - n : 0, " %pS", v->caller);
			if (v->nr_pages)
				n += lib::snprintf(p + n, room > size_t(n) ? room - n : 0, " pages=%u", v->nr_pages);
			if (v->phys_addr)
				n += lib::snprintf(p + n, room > size_t(n) ? room - n : 0, " phys=0x%016llx",
				                   (unsigned long long)v->phys_addr);
			n += lib::snprintf(p + n, room > size_t(n) ? room - n : 0, "%s%s%s\n",
			                   (v->flags & VM_IOREMAP) ? " ioremap" : "",
			                   (v->flags & VM_ALLOC) ? " vmalloc" : "", (v->flags & VM_MAP) ? " vmap" : "");
		}
		if (n < 0 || size_t(n) >= room) { /* truncated: drop the partial line */
			buf[len] = '\0';
			break;
		}
		len += size_t(n);
	}
	return len;
}

void vmalloc_dump_areas()
{
	unsigned long areas, bytes;
	{
		lib::spin_lock_irqsave_guard g(vmap_area_lock);
		areas = vmap_areas.nr_areas();
		bytes = vmap_areas.busy_bytes();
	}
	pr_info("vmalloc: %lu areas, %lu kB reserved, %lu pages vmalloc'ed, %lu bookkeeping pages\n", areas,
	        bytes >> 10, vmalloc_nr_pages(), vm_obj_pool_pages);
	static char buf[4096]; /* serialised by printing from one context (boot, tests) */
	render_vmallocinfo(buf, sizeof(buf));
	for (char* line = buf; *line;) {
		char* nl = line;
		while (*nl && *nl != '\n')
			nl++;
		bool more = *nl;
		*nl = '\0';
		pr_info("%s\n", line);
		line = more ? nl + 1 : nl;
	}
}
