/*
 * ktests for vmalloc, vmap, ioremap and the fixmap on the real page
 * tables (mm/vmalloc.cc, arch/x86_64/mm/pgtable.cc, fixmap.cc), and two
 * deliberate faults for the e2e harness: ktest=vmalloc.guard_page_fault
 * and ktest=vmalloc.use_after_vfree must oops with
 * "BUG: unable to handle page fault for address: ffffc9...".
 */
#include <arch/fixmap.h>
#include <arch/pgtable.h>
#include <kernel/ktest.h>
#include <kernel/printk.h>
#include <lib/string.h>
#include <mm/page_alloc.h>
#include <mm/vmalloc.h>

namespace
{
constexpr unsigned long MiB = 1UL << 20;

bool contains(const char* hay, const char* needle)
{
	size_t n = lib::strlen(needle);
	for (; *hay; hay++)
		if (lib::strncmp(hay, needle, n) == 0)
			return true;
	return false;
}

/* the PTE value mapping addr, 0 when nothing maps it */
uint64_t pte_of(const void* addr)
{
	unsigned level;
	uint64_t* e = lookup_address(reinterpret_cast<uintptr_t>(addr), &level);
	return e ? *e : 0;
}
bool mapped(const void* addr)
{
	return pte_of(addr) & _PAGE_PRESENT;
}

uintptr_t uaddr(const void* p)
{
	return reinterpret_cast<uintptr_t>(p);
}
} // namespace

KTEST(vmalloc, pgd_entries_preallocated)
{
	unsigned n = 0;
	for (uintptr_t a = VMALLOC_START; a <= VMALLOC_END; a = (a | (PGDIR_SIZE - 1)) + 1, n++)
		KEXPECT_TRUE(init_top_pgt[pgd_index(a)] & _PAGE_PRESENT);
	KEXPECT_GE(n, 64u);
	KEXPECT_LE(n, 65u);
}

KTEST(vmalloc, one_mib_write_read_and_alias)
{
	unsigned long before = vmalloc_nr_pages();
	uint32_t* p = static_cast<uint32_t*>(vmalloc(MiB));
	KASSERT_TRUE(p != nullptr);
	KEXPECT_TRUE(is_vmalloc_addr(p));
	KEXPECT_EQ(uaddr(p) & ~PAGE_MASK, 0u);
	KEXPECT_EQ(vmalloc_nr_pages(), before + MiB / PAGE_SIZE);
	struct vm_struct* vm = find_vm_area(p);
	KASSERT_TRUE(vm != nullptr);
	KEXPECT_EQ(vm->addr, static_cast<void*>(p));
	KEXPECT_EQ(vm->size, MiB + PAGE_SIZE); /* the guard page counts */
	KEXPECT_EQ(get_vm_area_size(vm), MiB);
	KEXPECT_EQ(vm->nr_pages, MiB / PAGE_SIZE);
	KEXPECT_TRUE(vm->flags & VM_ALLOC);

	const unsigned long n = MiB / sizeof(uint32_t);
	for (unsigned long i = 0; i < n; i++)
		p[i] = uint32_t(i * 2654435761u);
	unsigned long bad = 0;
	for (unsigned long i = 0; i < n; i++)
		bad += p[i] != uint32_t(i * 2654435761u);
	KEXPECT_EQ(bad, 0u);

	/* each page is reachable through the direct map too: same bytes */
	for (unsigned long off = 0; off < MiB; off += PAGE_SIZE) {
		uint8_t* va = reinterpret_cast<uint8_t*>(p) + off;
		struct page* pg = vmalloc_to_page(va + 17);
		KASSERT_TRUE(pg != nullptr);
		KEXPECT_EQ(pg, vm->pages[off / PAGE_SIZE]);
		uint8_t* alias = static_cast<uint8_t*>(page_address(pg));
		KEXPECT_EQ(lib::memcmp(alias, va, PAGE_SIZE), 0);
		alias[5] = 0xa5;
		KEXPECT_EQ(va[5], 0xa5);
	}
	vfree(p);
	KEXPECT_EQ(vmalloc_nr_pages(), before);
	KEXPECT_FALSE(mapped(p));
	KEXPECT_TRUE(find_vm_area(p) == nullptr);
}

KTEST(vmalloc, vzalloc_zeroes)
{
	/* dirty some pages first so the allocator likely hands them back */
	uint8_t* d = static_cast<uint8_t*>(vmalloc(64 * PAGE_SIZE));
	KASSERT_TRUE(d != nullptr);
	lib::memset(d, 0xee, 64 * PAGE_SIZE);
	vfree(d);
	uint8_t* z = static_cast<uint8_t*>(vzalloc(64 * PAGE_SIZE));
	KASSERT_TRUE(z != nullptr);
	unsigned long nonzero = 0;
	for (unsigned long i = 0; i < 64 * PAGE_SIZE; i++)
		nonzero += z[i] != 0;
	KEXPECT_EQ(nonzero, 0u);
	vfree(z);
}

KTEST(vmalloc, areas_separated_by_unmapped_guard_page)
{
	uint8_t* a = static_cast<uint8_t*>(vmalloc(2 * PAGE_SIZE));
	uint8_t* b = static_cast<uint8_t*>(vmalloc(PAGE_SIZE));
	KASSERT_TRUE(a != nullptr && b != nullptr);
	KEXPECT_TRUE(mapped(a) && mapped(a + PAGE_SIZE) && mapped(b));
	/* neither lies in the other's guard page: b follows a's guard, or
	 * (first fit into a hole an earlier vfree left) ends with its own
	 * guard before a */
	KEXPECT_TRUE(uaddr(b) >= uaddr(a) + 3 * PAGE_SIZE || uaddr(b) + 2 * PAGE_SIZE <= uaddr(a));
	KEXPECT_FALSE(mapped(a + 2 * PAGE_SIZE));
	KEXPECT_FALSE(mapped(b + PAGE_SIZE));
	/* mapped with PAGE_KERNEL */
	KEXPECT_EQ(pte_of(a) & ~PTE_PFN_MASK, massage_pgprot(PAGE_KERNEL));
	vfree(b);
	vfree(a);
}

KTEST(vmalloc, vfree_returns_every_page)
{
	/* warm-up: page tables and bookkeeping stay allocated once made, and
	 * first fit puts the next same-size area at the same address */
	vfree(vmalloc(MiB));
	KASSERT_TRUE(ktest_quiesce());
	unsigned long before = nr_free_pages();
	void* p = vmalloc(MiB);
	KASSERT_TRUE(p != nullptr);
	drain_all_pages();
	KEXPECT_LE(nr_free_pages(), before - MiB / PAGE_SIZE);
	vfree(p);
	drain_all_pages();
	KEXPECT_EQ(nr_free_pages(), before);
}

KTEST(vmalloc, vmap_four_separate_pages)
{
	struct page* pages[4];
	for (unsigned i = 0; i < 4; i++) {
		pages[i] = alloc_page(GFP_KERNEL);
		KASSERT_TRUE(pages[i] != nullptr);
		lib::memset(page_address(pages[i]), 0x10 + i, PAGE_SIZE);
	}
	/* hand them over out of order: the mapping follows the array */
	struct page* order[4] = {pages[2], pages[0], pages[3], pages[1]};
	uint8_t* v = static_cast<uint8_t*>(vmap(order, 4, VM_MAP, PAGE_KERNEL));
	KASSERT_TRUE(v != nullptr);
	KEXPECT_TRUE(is_vmalloc_addr(v));
	const uint8_t want[4] = {0x12, 0x10, 0x13, 0x11};
	for (unsigned i = 0; i < 4; i++) {
		KEXPECT_EQ(v[i * PAGE_SIZE], want[i]);
		KEXPECT_EQ(v[i * PAGE_SIZE + PAGE_SIZE - 1], want[i]);
		KEXPECT_EQ(vmalloc_to_page(v + i * PAGE_SIZE), order[i]);
	}
	KEXPECT_FALSE(mapped(v + 4 * PAGE_SIZE));
	v[PAGE_SIZE + 7] = 0x77; /* lands in pages[0] */
	KEXPECT_EQ(static_cast<uint8_t*>(page_address(pages[0]))[7], 0x77);
	unsigned long nr = vmalloc_nr_pages();
	vunmap(v);
	KEXPECT_EQ(vmalloc_nr_pages(), nr);
	KEXPECT_FALSE(mapped(v));
	/* vunmap leaves the pages to their owner */
	KEXPECT_EQ(static_cast<uint8_t*>(page_address(pages[3]))[100], 0x13);
	for (auto* pg : pages)
		__free_page(pg);
}

KTEST(vmalloc, ioremap_ram_page_reads_the_same_bytes)
{
	struct page* pg = alloc_page(GFP_KERNEL);
	KASSERT_TRUE(pg != nullptr);
	uint8_t* direct = static_cast<uint8_t*>(page_address(pg));
	for (unsigned i = 0; i < PAGE_SIZE; i++)
		direct[i] = uint8_t(i * 7 + 3);
	phys_addr_t pa = page_to_phys(pg);
	volatile uint8_t __iomem* io = static_cast<volatile uint8_t*>(ioremap(pa + 0x123, 64));
	KASSERT_TRUE(io != nullptr);
	KEXPECT_EQ(uaddr(const_cast<uint8_t*>(io)) & ~PAGE_MASK, 0x123u);
	KEXPECT_TRUE(is_vmalloc_addr(const_cast<uint8_t*>(io)));
	uint64_t pte = pte_of(const_cast<uint8_t*>(io));
	KEXPECT_EQ(pte & PTE_PFN_MASK, pa);
	KEXPECT_EQ(pte & (_PAGE_PCD | _PAGE_PWT), uint64_t(_PAGE_PCD | _PAGE_PWT));
	unsigned long bad = 0;
	for (unsigned i = 0; i < 64; i++)
		bad += io[i] != direct[0x123 + i];
	KEXPECT_EQ(bad, 0u);
	io[1] = 0x5a;
	KEXPECT_EQ(direct[0x124], 0x5a);
	struct vm_struct* vm = find_vm_area(const_cast<uint8_t*>(io));
	KASSERT_TRUE(vm != nullptr);
	KEXPECT_TRUE(vm->flags & VM_IOREMAP);
	KEXPECT_EQ(vm->phys_addr, pa);
	iounmap(io);
	KEXPECT_FALSE(mapped(const_cast<uint8_t*>(io)));
	__free_page(pg);
}

KTEST(vmalloc, ioremap_spanning_pages)
{
	/* 3 bytes across a page boundary need two pages mapped */
	struct page* pg = alloc_pages(GFP_KERNEL, 1);
	KASSERT_TRUE(pg != nullptr);
	uint8_t* direct = static_cast<uint8_t*>(page_address(pg));
	direct[PAGE_SIZE - 1] = 0xab;
	direct[PAGE_SIZE] = 0xcd;
	volatile uint8_t* io = static_cast<volatile uint8_t*>(ioremap(page_to_phys(pg) + PAGE_SIZE - 1, 3));
	KASSERT_TRUE(io != nullptr);
	KEXPECT_EQ(io[0], 0xab);
	KEXPECT_EQ(io[1], 0xcd);
	iounmap(io);
	__free_pages(pg, 1);
	KEXPECT_TRUE(ioremap(0x1000, 0) == nullptr);
	KEXPECT_TRUE(ioremap(~phys_addr_t(0) - 10, 100) == nullptr);
}

KTEST(vmalloc, fixmap_set_read_clear)
{
	struct page* pg = alloc_page(GFP_KERNEL);
	KASSERT_TRUE(pg != nullptr);
	uint32_t* direct = static_cast<uint32_t*>(page_address(pg));
	for (unsigned i = 0; i < PAGE_SIZE / 4; i++)
		direct[i] = 0xf1000000u + i;
	constexpr uintptr_t va = fix_to_virt(FIX_TEXT_POKE0);
	static_assert(va == FIXADDR_TOP - FIX_TEXT_POKE0 * PAGE_SIZE);
	KEXPECT_GT(va, FIXADDR_START);
	KEXPECT_EQ(virt_to_fix(va + 5), unsigned(FIX_TEXT_POKE0));
	set_fixmap(FIX_TEXT_POKE0, page_to_phys(pg));
	volatile uint32_t* fx = reinterpret_cast<volatile uint32_t*>(va);
	KEXPECT_EQ(fx[0], 0xf1000000u);
	KEXPECT_EQ(fx[PAGE_SIZE / 4 - 1], 0xf1000000u + PAGE_SIZE / 4 - 1);
	fx[9] = 0x12345678;
	KEXPECT_EQ(direct[9], 0x12345678u);
	KEXPECT_EQ(pte_of(reinterpret_cast<void*>(va)) & PTE_PFN_MASK, page_to_phys(pg));
	/* the same slot re-pointed, uncached */
	set_fixmap_nocache(FIX_TEXT_POKE0, page_to_phys(pg));
	KEXPECT_EQ(pte_of(reinterpret_cast<void*>(va)) & (_PAGE_PCD | _PAGE_PWT), uint64_t(_PAGE_PCD | _PAGE_PWT));
	KEXPECT_EQ(fx[9], 0x12345678u);
	clear_fixmap(FIX_TEXT_POKE0);
	KEXPECT_FALSE(mapped(reinterpret_cast<void*>(va)));
	/* the highest and lowest slots have page tables too */
	unsigned level;
	KEXPECT_TRUE(lookup_address(fix_to_virt(FIX_HOLE), &level) != nullptr);
	KEXPECT_TRUE(lookup_address(fix_to_virt(FIX_BTMAP_BEGIN), &level) != nullptr);
	KEXPECT_EQ(level, unsigned(PG_LEVEL_4K));
	__free_page(pg);
}

KTEST(vmalloc, failures_return_null)
{
	KEXPECT_TRUE(__vmalloc(0, GFP_KERNEL | __GFP_NOWARN) == nullptr);
	KEXPECT_TRUE(vmalloc(0) == nullptr);
	KEXPECT_TRUE(ktest_log_contains("vmalloc error: size 0, invalid size"));
	KEXPECT_TRUE(vmalloc(64UL << 40) == nullptr);
	KEXPECT_TRUE(ktest_log_contains("vmalloc error: size 70368744177664, exceeds total pages"));
	KEXPECT_TRUE(__vmalloc(~0UL, GFP_KERNEL | __GFP_NOWARN) == nullptr);
	KEXPECT_TRUE(vmap(nullptr, 0, VM_MAP, PAGE_KERNEL) == nullptr);

	/* bad frees are reported and ignored; vfree(NULL) is fine */
	vfree(nullptr);
	char* p = static_cast<char*>(vmalloc(2 * PAGE_SIZE));
	KASSERT_TRUE(p != nullptr);
	vfree(p + PAGE_SIZE);
	KEXPECT_TRUE(ktest_log_contains("Trying to vfree() nonexistent vm area"));
	p[0] = 1; /* still mapped */
	vfree(reinterpret_cast<void*>(VMALLOC_START + (8UL << 40)));
	vfree(p);
}

KTEST(vmalloc, range_exhaustion_fails_cleanly)
{
	/* reserve (not map) nearly all 32 TiB, then ask for more */
	unsigned long total = VMALLOC_END - VMALLOC_START + 1;
	struct vm_struct* big = get_vm_area(total - (4UL << 30), 0);
	KASSERT_TRUE(big != nullptr);
	KEXPECT_TRUE(get_vm_area(8UL << 30, 0) == nullptr);
	free_vm_area(big);
	struct vm_struct* again = get_vm_area(8UL << 30, 0);
	KEXPECT_TRUE(again != nullptr);
	free_vm_area(again);
}

KTEST(vmalloc, many_areas_free_and_reuse)
{
	constexpr unsigned N = 48;
	static void* ptr[N];
	unsigned long nr = vmalloc_nr_pages();
	for (unsigned i = 0; i < N; i++) {
		ptr[i] = vmalloc((i % 5 + 1) * PAGE_SIZE - 100);
		KASSERT_TRUE(ptr[i] != nullptr);
		lib::memset(ptr[i], int(i), (i % 5 + 1) * PAGE_SIZE - 100);
	}
	for (unsigned i = 0; i < N; i += 2) {
		vfree(ptr[i]);
		ptr[i] = nullptr;
	}
	for (unsigned i = 0; i < N; i += 2) {
		ptr[i] = vzalloc(PAGE_SIZE);
		KASSERT_TRUE(ptr[i] != nullptr);
	}
	/* no two areas overlap and the survivors kept their contents */
	for (unsigned i = 0; i < N; i++) {
		struct vm_struct* a = find_vm_area(ptr[i]);
		KASSERT_TRUE(a != nullptr);
		for (unsigned j = i + 1; j < N; j++) {
			struct vm_struct* b = find_vm_area(ptr[j]);
			KASSERT_TRUE(b != nullptr);
			bool disjoint =
			    uaddr(a->addr) + a->size <= uaddr(b->addr) || uaddr(b->addr) + b->size <= uaddr(a->addr);
			KEXPECT_TRUE(disjoint);
		}
		if (i % 2)
			KEXPECT_EQ(static_cast<uint8_t*>(ptr[i])[PAGE_SIZE / 2], uint8_t(i));
	}
	char buf[512];
	KEXPECT_GT(render_vmallocinfo(buf, sizeof(buf)), 0u);
	KEXPECT_TRUE(contains(buf, " vmalloc\n"));
	KEXPECT_TRUE(contains(buf, " pages=1 vmalloc\n"));
	for (unsigned i = 0; i < N; i++)
		vfree(ptr[i]);
	KEXPECT_EQ(vmalloc_nr_pages(), nr);
	vmalloc_dump_areas();
}

/* e2e: must oops with "BUG: unable to handle page fault for address: ffffc9..." */
KTEST_EXPLICIT_ONLY(vmalloc, guard_page_fault)
{
	volatile uint8_t* p = static_cast<volatile uint8_t*>(vmalloc(PAGE_SIZE));
	KASSERT_TRUE(p != nullptr);
	p[PAGE_SIZE - 1] = 1;
	pr_info("vmalloc: writing one byte past %px into the guard page\n", const_cast<uint8_t*>(p));
	p[PAGE_SIZE] = 1;
	KEXPECT_TRUE(false); /* not reached */
}

KTEST_EXPLICIT_ONLY(vmalloc, use_after_vfree)
{
	volatile uint8_t* p = static_cast<volatile uint8_t*>(vmalloc(PAGE_SIZE));
	KASSERT_TRUE(p != nullptr);
	p[0] = 42;
	vfree(const_cast<uint8_t*>(p));
	pr_info("vmalloc: reading %px after vfree\n", const_cast<uint8_t*>(p));
	KEXPECT_EQ(p[0], 42); /* faults first */
}

/* vfree from a timer callback (softirq) while the task keeps vmalloc'ing:
 * the area lock must be irq-safe (it deadlocked when it was not) */
#include <kernel/timer.h>
#include <kernel/jiffies.h>
#include <kernel/time.h>

namespace
{
struct vfree_timer_ctx {
	timer_list timer;
	void* victims[16];
	int next;
	int freed;
};
vfree_timer_ctx vft;
void vfree_timer_fn(timer_list* t)
{
	vfree_timer_ctx* c = from_timer(c, t, timer);
	if (c->next < 16) {
		vfree(c->victims[c->next++]);
		c->freed++;
		mod_timer(t, jiffies + 1);
	}
}
} // namespace

KTEST(vmalloc, vfree_from_timer_while_task_allocates)
{
	vft = vfree_timer_ctx{};
	for (auto& v : vft.victims) {
		v = vmalloc(2 * PAGE_SIZE);
		KASSERT_TRUE(v != nullptr);
	}
	timer_setup(&vft.timer, vfree_timer_fn, 0);
	mod_timer(&vft.timer, jiffies + 1);
	/* 16 ticks; generous: each vfree shoots down every CPU's TLB, and a
	 * busy host slows the IPIs between emulated CPUs */
	uint64_t end = ktime_get_ns() + 3000 * NSEC_PER_MSEC;
	while (vft.freed < 16 && ktime_get_ns() < end) {
		void* p = vmalloc(PAGE_SIZE);
		KASSERT_TRUE(p != nullptr);
		vfree(p);
	}
	del_timer_sync(&vft.timer);
	KEXPECT_EQ(vft.freed, 16);
	for (int i = vft.next; i < 16; i++)
		vfree(vft.victims[i]);
}
