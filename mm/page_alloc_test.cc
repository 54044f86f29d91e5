/*
 * ktests for the page allocator on real memory (mm/page_alloc.cc,
 * mm/mm_init.cc), and deliberate misuse for the harness to catch.
 */
#include <kernel/ktest.h>
#include <kernel/printk.h>
#include <lib/string.h>
#include <mm/memblock.h>
#include <mm/page_alloc.h>

namespace {
unsigned long buddy_sum()
{
	unsigned long n = 0;
	pg_data_t* pgdat;
	for_each_online_pgdat(pgdat) for (auto& z : pgdat->node_zones) for (unsigned o = 0; o < MAX_ORDER; o++) n +=
		z.free_area[o].nr_free << o;
	return n;
}

} // namespace

KTEST(page_alloc, buddyinfo_adds_up_to_memfree)
{
	KASSERT_TRUE(ktest_quiesce());
	KEXPECT_EQ(buddy_sum(), nr_free_pages());
	KEXPECT_GT(nr_free_pages(), 1000u);
	KEXPECT_LE(nr_free_pages(), totalram_pages());
}

KTEST(page_alloc, orders_0_3_9_round_trip)
{
	KASSERT_TRUE(ktest_quiesce());
	unsigned long before = nr_free_pages();
	const unsigned orders[] = {0, 3, 9};
	for (unsigned order : orders) {
		struct page* p = alloc_pages(GFP_KERNEL, order);
		KASSERT_TRUE(p != nullptr);
		KEXPECT_EQ(page_to_pfn(p) & ((1UL << order) - 1), 0u);
		KEXPECT_EQ(page_ref_count(p), 1);
		/* the memory is real and writable through the direct map */
		uint8_t* va = static_cast<uint8_t*>(page_address(p));
		lib::memset(va, 0x3c, PAGE_SIZE << order);
		KEXPECT_EQ(va[(PAGE_SIZE << order) - 1], 0x3c);
		KEXPECT_EQ(virt_to_page(va + PAGE_SIZE - 1), p);
		__free_pages(p, order);
	}
	drain_all_pages();
	KEXPECT_EQ(nr_free_pages(), before);
}

KTEST(page_alloc, never_hands_out_reserved_memory)
{
	extern char _text[], _end[];
	phys_addr_t ks = __pa(_text), ke = __pa(_end);
	for (int i = 0; i < 64; i++) {
		struct page* p = alloc_pages(GFP_KERNEL, 4);
		KASSERT_TRUE(p != nullptr);
		phys_addr_t pa = page_to_phys(p);
		KEXPECT_FALSE(pa < ke && pa + (16 * PAGE_SIZE) > ks);
		KEXPECT_GE(pa, phys_addr_t(1) << 20);
		KEXPECT_FALSE(memblock_is_reserved(pa));
		__free_pages(p, 4);
	}
}

KTEST(page_alloc, gfp_dma_from_zone_dma)
{
	struct page* p = alloc_pages(GFP_DMA, 0);
	KASSERT_TRUE(p != nullptr);
	KEXPECT_EQ(page_zonenum(p), unsigned(ZONE_DMA));
	KEXPECT_LT(page_to_phys(p), phys_addr_t(16) << 20);
	__free_pages(p, 0);
	p = alloc_pages(GFP_DMA32, 5);
	KASSERT_TRUE(p != nullptr);
	KEXPECT_LT(page_to_phys(p), phys_addr_t(4) << 30);
	__free_pages(p, 5);
}

KTEST(page_alloc, exhaust_zone_dma_returns_null)
{
	KASSERT_TRUE(ktest_quiesce());
	unsigned long before = nr_free_pages();
	constexpr unsigned MAX_HELD = 8192;
	static struct page* held[MAX_HELD];
	unsigned n = 0;
	while (n < MAX_HELD) {
		struct page* p = alloc_pages(GFP_DMA | __GFP_NOWARN, 0);
		if (!p)
			break;
		held[n++] = p;
	}
	KEXPECT_LT(n, MAX_HELD); /* it stopped by itself */
	KEXPECT_GT(n, 1000u);	 /* ~16 MiB minus the low 1 MiB, the kernel and the min reserve */
	struct zone* dma = &NODE_DATA(0)->node_zones[ZONE_DMA];
	KEXPECT_LE(zone_nr_free(dma), min_wmark_pages(dma) + dma->pageset[0].batch);
	/* without __GFP_NOWARN the failure is reported, once */
	KEXPECT_TRUE(alloc_pages(GFP_DMA, 0) == nullptr);
	KEXPECT_TRUE(ktest_log_contains("page allocation failure: order:0, mode:0x1(GFP_DMA)"));
	for (unsigned i = 0; i < n; i++)
		__free_pages(held[i], 0);
	drain_all_pages();
	KEXPECT_EQ(nr_free_pages(), before);
}

KTEST(page_alloc, exact_132k_returns_the_tail)
{
	KASSERT_TRUE(ktest_quiesce());
	unsigned long before = nr_free_pages();
	void* p = alloc_pages_exact(132 * 1024, GFP_KERNEL);
	KASSERT_TRUE(p != nullptr);
	drain_all_pages();
	KEXPECT_EQ(before - nr_free_pages(), 33u);
	lib::memset(p, 0, 132 * 1024);
	free_pages_exact(p, 132 * 1024);
	drain_all_pages();
	KEXPECT_EQ(nr_free_pages(), before);
}

KTEST(page_alloc, bad_requests_fail_cleanly)
{
	KEXPECT_TRUE(alloc_pages(GFP_KERNEL | __GFP_NOWARN, MAX_ORDER) == nullptr);
	KEXPECT_TRUE(alloc_pages_exact(0, GFP_KERNEL | __GFP_NOWARN) == nullptr);
	KEXPECT_TRUE(alloc_pages(GFP_DMA | GFP_DMA32 | __GFP_NOWARN, 0) == nullptr);
	KEXPECT_EQ(get_zeroed_page(GFP_KERNEL | __GFP_NOWARN) != 0, true);
}

KTEST(page_alloc, zeroed_page_is_zero)
{
	unsigned long va = get_zeroed_page(GFP_KERNEL);
	KASSERT_NE(va, 0u);
	const uint8_t* b = reinterpret_cast<const uint8_t*>(va);
	bool zero = true;
	for (size_t i = 0; i < PAGE_SIZE; i++)
		zero &= b[i] == 0;
	KEXPECT_TRUE(zero);
	free_page(va);
}

/* ---- deliberate misuse: each must produce a BUG report the harness sees ---- */

KTEST_EXPLICIT_ONLY(page_alloc, double_free)
{
	struct page* p = alloc_pages(GFP_KERNEL, 2);
	__free_pages(p, 2);
	__free_pages(p, 2);
}

KTEST_EXPLICIT_ONLY(page_alloc, use_after_free)
{
	/* needs page_poison=on */
	struct page* p = alloc_pages(GFP_KERNEL, 3);
	__free_pages(p, 3);
	static_cast<uint8_t*>(page_address(p))[100] = 1;
	struct page* q = alloc_pages(GFP_KERNEL, 3);
	__free_pages(q, 3);
}

/* ---- benchmark (tools/bench/alloc.sh), not a test: prints figures ---- */

#include <arch/processor.h>
#include <kernel/time.h>

KTEST_EXPLICIT_ONLY(bench, page_alloc)
{
	const unsigned orders[] = {0, 3, 9};
	const long iters[] = {200000, 50000, 20000};
	for (unsigned k = 0; k < 3; k++) {
		unsigned order = orders[k];
		for (int i = 0; i < 1000; i++)
			__free_pages(alloc_pages(GFP_KERNEL, order), order);
		uint64_t t0 = local_clock(), c0 = rdtsc();
		for (long i = 0; i < iters[k]; i++)
			__free_pages(alloc_pages(GFP_KERNEL, order), order);
		uint64_t c1 = rdtsc(), t1 = local_clock();
		uint64_t ps = (t1 - t0) * 1000 / uint64_t(iters[k]);
		printk(KERN_INFO "# bench: kernel order-%u alloc+free pair: %llu.%llu ns %llu cycles\n", order,
		       (unsigned long long)(ps / 1000), (unsigned long long)(ps % 1000 / 100),
		       (unsigned long long)((c1 - c0) / uint64_t(iters[k])));
	}
}
