// Host tests of the buddy allocator (mm/page_alloc.cc) on a small simulated
// machine: 32 MiB of "physical memory" in a host buffer, pfn 0 reserved,
// ZONE_DMA below 16 MiB and ZONE_DMA32 above, one node.
#include <mm/page_alloc.h>

#include "host_env.h"
#include "sim_machine.h"

#include <kernel/panic.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <map>
#include <random>
#include <vector>

namespace {

// The full invariant check of mmzone.h: every free block well formed and
// on one list, no two free buddies at one order, counters agree, and every
// frame is free, on a per-cpu list, allocated (per the caller) or reserved.
void check_invariants(Machine& m, unsigned long allocated_pages)
{
	std::vector<int> owner(NPAGES, 0); // 1 free-list, 2 pcp
	for (auto& z : m.pgdat->node_zones) {
		unsigned long zone_free = 0;
		for (unsigned o = 0; o < MAX_ORDER; o++) {
			unsigned long count = 0;
			struct page* p;
			list_for_each_entry(p, &z.free_area[o].free_list, lru) {
				unsigned long pfn = page_to_pfn(p);
				ASSERT_TRUE(PageBuddy(p)) << "pfn " << pfn;
				ASSERT_EQ(p->private_, o) << "pfn " << pfn;
				ASSERT_EQ(pfn & ((1UL << o) - 1), 0u) << "misaligned block at pfn " << pfn;
				ASSERT_TRUE(zone_spans_pfn(&z, pfn) && zone_spans_pfn(&z, pfn + (1UL << o) - 1));
				for (unsigned long i = 0; i < (1UL << o); i++) {
					ASSERT_EQ(owner[pfn + i], 0) << "frame " << pfn + i << " on two lists";
					owner[pfn + i] = 1;
				}
				count++;
				zone_free += 1UL << o;
			}
			ASSERT_EQ(count, z.free_area[o].nr_free) << z.name << " order " << o;
		}
		ASSERT_EQ(zone_free, zone_nr_free(&z)) << z.name;
		for (auto& pcp : z.pageset) {
			int count = 0;
			struct page* p;
			list_for_each_entry(p, &pcp.list, lru) {
				unsigned long pfn = page_to_pfn(p);
				ASSERT_FALSE(PageBuddy(p));
				ASSERT_EQ(owner[pfn], 0) << "pcp frame " << pfn << " also free";
				owner[pfn] = 2;
				count++;
			}
			ASSERT_EQ(count, pcp.count);
		}
	}
	// no two free buddies of one order
	for (auto& z : m.pgdat->node_zones) {
		for (unsigned o = 0; o + 1 < MAX_ORDER; o++) {
			struct page* p;
			list_for_each_entry(p, &z.free_area[o].free_list, lru) {
				unsigned long bpfn = page_to_pfn(p) ^ (1UL << o);
				if (!zone_spans_pfn(&z, bpfn))
					continue;
				struct page* b = pfn_to_page(bpfn);
				ASSERT_FALSE(PageBuddy(b) && b->private_ == o)
					<< "buddies " << page_to_pfn(p) << " and " << bpfn << " both free at order " << o;
			}
		}
	}
	unsigned long listed = 0, reserved = 0;
	for (unsigned long pfn = 0; pfn < NPAGES; pfn++) {
		listed += owner[pfn] != 0;
		reserved += owner[pfn] == 0 && PageReserved(&m.pages[pfn]);
	}
	ASSERT_EQ(listed + reserved + allocated_pages, NPAGES) << "frames unaccounted for";
}

TEST(PageAlloc, InitialStateCoalescedAndCounted)
{
	Machine m;
	EXPECT_EQ(totalram_pages(), NPAGES - 1);
	EXPECT_EQ(nr_free_pages(), NPAGES - 1);
	// [1, 4096): 1+2+4+...+512 pages below the first 4 MiB block, then 3 order-10 blocks
	EXPECT_EQ(m.nr_free(m.dma(), 10), 3u);
	for (unsigned o = 0; o < 10; o++)
		EXPECT_EQ(m.nr_free(m.dma(), o), 1u) << "order " << o;
	EXPECT_EQ(m.nr_free(m.dma32(), 10), 4u);
	check_invariants(m, 0);
}

// Seed 001's scenario: 128 KiB is order 5 and comes off the order-5 list.
TEST(PageAlloc, Seed128KiBComesFromOrder5List)
{
	Machine m;
	m.no_watermarks();
	EXPECT_EQ(get_order(128 * 1024), 5u);
	// DMA32 holds only order-10 blocks: the first request splits one
	struct page* a = alloc_pages(GFP_DMA32, 5);
	ASSERT_NE(a, nullptr);
	EXPECT_EQ(page_zonenum(a), unsigned(ZONE_DMA32));
	for (unsigned o = 5; o < 10; o++)
		EXPECT_EQ(m.nr_free(m.dma32(), o), 1u) << "split left one block at order " << o;
	EXPECT_EQ(m.nr_free(m.dma32(), 10), 3u);
	// the next 128 KiB request takes the order-5 block as it is
	struct page* b = alloc_pages(GFP_DMA32, 5);
	ASSERT_NE(b, nullptr);
	EXPECT_EQ(page_to_pfn(b), page_to_pfn(a) + 32);
	EXPECT_EQ(m.nr_free(m.dma32(), 5), 0u);
	EXPECT_EQ(m.nr_free(m.dma32(), 6), 1u);
	// order 5 now empty: the order-6 block splits, its upper half waits on list 5
	struct page* c = alloc_pages(GFP_DMA32, 5);
	ASSERT_NE(c, nullptr);
	EXPECT_EQ(m.nr_free(m.dma32(), 6), 0u);
	EXPECT_EQ(m.nr_free(m.dma32(), 5), 1u);
	check_invariants(m, 96);
	__free_pages(c, 5);
	__free_pages(b, 5);
	__free_pages(a, 5);
	EXPECT_EQ(m.nr_free(m.dma32(), 10), 4u);
	check_invariants(m, 0);
}

// 132 KiB needs order 6 (256 KiB: 124 KiB wasted); alloc_pages_exact
// returns the 31 unused pages at once.
TEST(PageAlloc, SeedExactGivesTheTailBack)
{
	Machine m;
	m.no_watermarks();
	EXPECT_EQ(get_order(132 * 1024), 6u);
	unsigned long before = nr_free_pages();
	unsigned long va = __get_free_pages(GFP_KERNEL, 6);
	ASSERT_NE(va, 0u);
	EXPECT_EQ(before - nr_free_pages(), 64u);
	free_pages(va, 6);
	EXPECT_EQ(nr_free_pages(), before);

	void* p = alloc_pages_exact(132 * 1024, GFP_KERNEL);
	ASSERT_NE(p, nullptr);
	drain_all_pages(); // the 31 freed tail pages went through the per-cpu list
	EXPECT_EQ(before - nr_free_pages(), 33u);
	check_invariants(m, 33);
	std::memset(p, 0x5a, 132 * 1024); // all 33 pages are usable
	free_pages_exact(p, 132 * 1024);
	drain_all_pages();
	EXPECT_EQ(nr_free_pages(), before);
	check_invariants(m, 0);
}

TEST(PageAlloc, EverythingFreedCoalescesBackToTheInitialLists)
{
	Machine m;
	std::vector<unsigned long> initial[MAX_NR_ZONES];
	for (auto& z : m.pgdat->node_zones)
		for (unsigned o = 0; o < MAX_ORDER; o++)
			initial[z.idx].push_back(z.free_area[o].nr_free);
	std::vector<std::pair<struct page*, unsigned>> held;
	std::mt19937 rng(1);
	for (int i = 0; i < 3000; i++) {
		unsigned order = rng() % 4;
		struct page* p = alloc_pages(GFP_KERNEL | __GFP_NOWARN, order);
		if (p)
			held.push_back({p, order});
	}
	std::shuffle(held.begin(), held.end(), rng);
	for (auto& [p, o] : held)
		__free_pages(p, o);
	drain_all_pages();
	for (auto& z : m.pgdat->node_zones)
		for (unsigned o = 0; o < MAX_ORDER; o++)
			EXPECT_EQ(z.free_area[o].nr_free, initial[z.idx][o]) << z.name << " order " << o;
	check_invariants(m, 0);
}

TEST(PageAlloc, ZoneModifiersAndFallback)
{
	Machine m;
	m.no_watermarks();
	struct page* p = alloc_pages(GFP_DMA, 0);
	ASSERT_NE(p, nullptr);
	EXPECT_EQ(page_zonenum(p), unsigned(ZONE_DMA));
	__free_pages(p, 0);
	// no Normal zone here: GFP_KERNEL starts at DMA32 ...
	p = alloc_pages(GFP_KERNEL, 3);
	ASSERT_NE(p, nullptr);
	EXPECT_EQ(page_zonenum(p), unsigned(ZONE_DMA32));
	__free_pages(p, 3);
	// ... and falls back to DMA once DMA32 is exhausted
	std::vector<struct page*> held;
	while (struct page* q = alloc_pages(GFP_DMA32 | __GFP_NOWARN, 0))
		held.push_back(q);
	EXPECT_EQ(held.size(), NPAGES - 1); // both zones: DMA32 cannot exceed its own zones
	unsigned long in_dma = 0;
	for (auto* q : held)
		in_dma += page_zonenum(q) == ZONE_DMA;
	EXPECT_EQ(in_dma, DMA_END_PFN - 1);
	for (auto* q : held)
		__free_pages(q, 0);
	drain_all_pages();
	check_invariants(m, 0);
	// an impossible request fails with one warning
	host_console().clear();
	EXPECT_EQ(alloc_pages(GFP_DMA | GFP_DMA32, 0), nullptr);
	EXPECT_NE(host_console().find("impossible zone modifiers"), std::string::npos);
}

TEST(PageAlloc, MovableWithDmaModifiersAsLinux)
{
	Machine m;
	m.no_watermarks();
	struct page* p = alloc_pages(GFP_DMA | __GFP_MOVABLE, 0);
	ASSERT_NE(p, nullptr);
	EXPECT_EQ(page_zonenum(p), unsigned(ZONE_DMA));
	__free_pages(p, 0);
	p = alloc_pages(GFP_DMA32 | __GFP_MOVABLE, 0);
	ASSERT_NE(p, nullptr);
	EXPECT_EQ(page_zonenum(p), unsigned(ZONE_DMA32));
	__free_pages(p, 0);
}

// put_page semantics: only the last reference frees the block
TEST(PageAlloc, ExtraReferenceDefersTheFree)
{
	Machine m;
	m.no_watermarks();
	struct page* p = alloc_pages(GFP_KERNEL, 2);
	ASSERT_NE(p, nullptr);
	unsigned long free_before = nr_free_pages();
	p->_refcount.fetch_add(1); // a second holder (get_page)
	__free_pages(p, 2);
	EXPECT_EQ(page_ref_count(p), 1);
	EXPECT_EQ(nr_free_pages(), free_before);
	__free_pages(p, 2);
	EXPECT_EQ(nr_free_pages(), free_before + 4);
	EXPECT_EQ(host_console().find("BUG"), std::string::npos);
	check_invariants(m, 0);
}

TEST(PageAlloc, WatermarksAndLowmemReserve)
{
	Machine m;
	struct zone* dma = m.dma();
	struct zone* dma32 = m.dma32();
	// min_free_kbytes = sqrt(32764 kB * 16) = 724 kB = 181 pages, shared by zone size
	EXPECT_EQ(min_free_kbytes, 724);
	EXPECT_EQ(min_wmark_pages(dma), 181u * 4095 / 8191);
	EXPECT_EQ(min_wmark_pages(dma32), 181u * 4096 / 8191);
	EXPECT_GT(low_wmark_pages(dma32), min_wmark_pages(dma32));
	EXPECT_GT(high_wmark_pages(dma32), low_wmark_pages(dma32));
	// DMA keeps back 1/256 of DMA32 from allocations that could use DMA32
	EXPECT_EQ(dma->lowmem_reserve[ZONE_DMA32], long(zone_managed_pages(dma32) / 256));
	EXPECT_EQ(dma->lowmem_reserve[ZONE_DMA], 0);

	// GFP_KERNEL stops at min (+ reserve); GFP_ATOMIC may dig deeper
	std::vector<struct page*> held;
	while (struct page* p = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0))
		held.push_back(p);
	EXPECT_LE(zone_nr_free(dma32), min_wmark_pages(dma32) + 1);
	EXPECT_GT(zone_nr_free(dma32) + dma32->pageset[0].count, 0u);
	size_t kernel_count = held.size();
	while (struct page* p = alloc_pages(GFP_ATOMIC | __GFP_NOWARN, 0))
		held.push_back(p);
	EXPECT_GT(held.size(), kernel_count) << "GFP_ATOMIC found no reserve";
	EXPECT_GT(zone_nr_free(dma32), 0u) << "GFP_ATOMIC must not empty the zone either";
	// a failure without __GFP_NOWARN reports once
	host_console().clear();
	EXPECT_EQ(alloc_pages(GFP_KERNEL, 0), nullptr);
	EXPECT_NE(host_console().find("host-test: page allocation failure: order:0, mode:0xcc0(GFP_KERNEL)"),
		  std::string::npos)
		<< host_console();
	for (auto* p : held)
		__free_pages(p, 0);
	drain_all_pages();
	check_invariants(m, 0);
}

TEST(PageAlloc, BadOrdersAndZeroSizeFailCleanly)
{
	Machine m;
	host_console().clear();
	EXPECT_EQ(alloc_pages(GFP_KERNEL, MAX_ORDER), nullptr);
	EXPECT_NE(host_console().find("order >= MAX_ORDER"), std::string::npos);
	EXPECT_EQ(alloc_pages_exact(0, GFP_KERNEL), nullptr);
	EXPECT_NE(host_console().find("alloc_pages_exact of 0 bytes"), std::string::npos);
	host_console().clear();
	EXPECT_EQ(alloc_pages(GFP_KERNEL | __GFP_NOWARN, 20), nullptr);
	EXPECT_EQ(host_console(), "");
	check_invariants(m, 0);
}

TEST(PageAlloc, ZeroAndCompound)
{
	Machine m;
	m.no_watermarks();
	struct page* p = alloc_pages(GFP_KERNEL, 2);
	std::memset(page_address(p), 0xff, 4 * PAGE_SIZE);
	__free_pages(p, 2);
	p = alloc_pages(GFP_KERNEL | __GFP_ZERO, 2);
	ASSERT_NE(p, nullptr);
	const uint8_t* b = static_cast<const uint8_t*>(page_address(p));
	for (size_t i = 0; i < 4 * PAGE_SIZE; i++)
		ASSERT_EQ(b[i], 0) << "byte " << i;
	__free_pages(p, 2);

	p = alloc_pages(GFP_KERNEL | __GFP_COMP, 3);
	ASSERT_NE(p, nullptr);
	EXPECT_TRUE(PageHead(p));
	for (int i = 1; i < 8; i++) {
		EXPECT_TRUE(PageTail(&p[i]));
		EXPECT_EQ(compound_head(&p[i]), p);
	}
	__free_pages(p, 3);
	EXPECT_FALSE(PageTail(&p[1]));
	check_invariants(m, 0);
}

// Debug checks: each misuse is reported, naming the pfn, and changes nothing.
TEST(PageAllocDebug, DoubleFree)
{
	Machine m;
	struct page* p = alloc_pages(GFP_KERNEL, 1);
	__free_pages(p, 1);
	host_console().clear();
	__free_pages(p, 1);
	EXPECT_NE(host_console().find("BUG: Bad page state in process host-test"), std::string::npos);
	EXPECT_NE(host_console().find("double free"), std::string::npos) << host_console();
	char pfn[32];
	std::snprintf(pfn, sizeof(pfn), "pfn:%05lx", page_to_pfn(p));
	EXPECT_NE(host_console().find(pfn), std::string::npos);
	EXPECT_TRUE(host_taint() & (1UL << TAINT_BAD_PAGE));
	check_invariants(m, 0);
}

TEST(PageAllocDebug, DoubleFreeOfOrder0ThroughPerCpuList)
{
	Machine m;
	struct page* p = alloc_page(GFP_KERNEL);
	__free_page(p);
	host_console().clear();
	__free_page(p); // still on the per-cpu list: the refcount catches it
	EXPECT_NE(host_console().find("double free"), std::string::npos);
	check_invariants(m, 0);
}

TEST(PageAllocDebug, TailReservedAndWrongOrder)
{
	Machine m;
	struct page* p = alloc_pages(GFP_KERNEL | __GFP_COMP, 2);
	host_console().clear();
	__free_pages(&p[1], 0);
	EXPECT_NE(host_console().find("freeing a tail page"), std::string::npos);
	host_console().clear();
	__free_pages(p, 1);
	EXPECT_NE(host_console().find("freed with order 1, allocated with order 2"), std::string::npos);
	__free_pages(p, 2);
	host_console().clear();
	__free_page(&m.pages[0]); // pfn 0 is reserved
	EXPECT_NE(host_console().find("freeing a reserved page"), std::string::npos);
	drain_all_pages();
	check_invariants(m, 0);
}

TEST(PageAllocDebug, UseAfterFreeCaughtByPoison)
{
	Machine m(/*poison=*/true);
	m.no_watermarks();
	struct page* p = alloc_pages(GFP_KERNEL, 3);
	ASSERT_NE(p, nullptr);
	EXPECT_EQ(host_console().find("corruption"), std::string::npos);
	__free_pages(p, 3);
	static_cast<uint8_t*>(page_address(p))[PAGE_SIZE + 17] = 1; // write after free
	host_console().clear();
	struct page* q = alloc_pages(GFP_KERNEL, 3); // the same block comes back
	ASSERT_EQ(q, p);
	EXPECT_NE(host_console().find("BUG: pagealloc: memory corruption"), std::string::npos) << host_console();
	char where[64];
	std::snprintf(where, sizeof(where), "pfn:%#lx offset:0x11", page_to_pfn(p) + 1);
	EXPECT_NE(host_console().find(where), std::string::npos) << host_console();
	__free_pages(q, 3);
}

// Randomized stress against a reference model of what is held.
TEST(PageAllocStress, MillionOperations)
{
	Machine m;
	std::mt19937 rng(12345);
	std::vector<std::pair<struct page*, unsigned>> held;
	unsigned long held_pages = 0;
	std::map<unsigned long, unsigned> by_pfn; // model: allocated blocks
	const gfp_t gfps[] = {GFP_KERNEL, GFP_ATOMIC, GFP_DMA, GFP_DMA32, GFP_KERNEL | __GFP_ZERO};
	for (long op = 0; op < 1000000; op++) {
		bool do_alloc = held.empty() || (rng() % 100) < (held_pages < NPAGES / 2 ? 55u : 45u);
		if (do_alloc) {
			unsigned r = rng() % 100;
			unsigned order = r < 70 ? 0 : r < 90 ? rng() % 4 : rng() % MAX_ORDER;
			struct page* p = alloc_pages(gfps[rng() % 5] | __GFP_NOWARN, order);
			if (!p)
				continue;
			unsigned long pfn = page_to_pfn(p);
			// the model: no overlap with any block held
			auto next = by_pfn.lower_bound(pfn);
			ASSERT_TRUE(next == by_pfn.end() || next->first >= pfn + (1UL << order)) << "overlap";
			if (next != by_pfn.begin()) {
				auto prev = std::prev(next);
				ASSERT_LE(prev->first + (1UL << prev->second), pfn) << "overlap";
			}
			ASSERT_EQ(pfn & ((1UL << order) - 1), 0u);
			by_pfn[pfn] = order;
			held.push_back({p, order});
			held_pages += 1UL << order;
		} else {
			size_t i = rng() % held.size();
			auto [p, order] = held[i];
			held[i] = held.back();
			held.pop_back();
			by_pfn.erase(page_to_pfn(p));
			held_pages -= 1UL << order;
			__free_pages(p, order);
		}
		ASSERT_EQ(nr_free_pages() + m.pcp_pages() + held_pages, NPAGES - 1) << "op " << op;
		if (op % 50000 == 0)
			check_invariants(m, held_pages);
	}
	for (auto& [p, o] : held)
		__free_pages(p, o);
	drain_all_pages();
	check_invariants(m, 0);
	EXPECT_EQ(nr_free_pages(), NPAGES - 1);
	EXPECT_EQ(host_console().find("BUG"), std::string::npos);
}

TEST(PageAllocProc, BuddyinfoAndMeminfoFormats)
{
	Machine m;
	char buf[2048];
	render_buddyinfo(buf, sizeof(buf));
	EXPECT_STREQ(buf, "Node 0, zone      DMA      1      1      1      1      1      1      1      1      1      1"
			  "      3 \n"
			  "Node 0, zone    DMA32      0      0      0      0      0      0      0      0      0      0"
			  "      4 \n");
	render_meminfo_basic(buf, sizeof(buf));
	EXPECT_STREQ(buf, "MemTotal:          32764 kB\nMemFree:           32764 kB\n");
	render_zoneinfo_free(buf, sizeof(buf));
	std::string z = buf;
	EXPECT_NE(z.find("Node 0, zone      DMA\n  pages free     4095\n        boost    0\n        min      "),
		  std::string::npos)
		<< z;
	EXPECT_NE(z.find("        spanned  4096\n        present  4096\n        managed  4095\n"), std::string::npos);
	EXPECT_NE(z.find("        protection: (0, 16, 16)\n      nr_free_pages 4095\n"), std::string::npos) << z;
	EXPECT_NE(z.find("Node 0, zone   Normal\n  pages free     0\n"), std::string::npos);
	char gfp[128];
	format_gfp_flags(gfp, sizeof(gfp), GFP_KERNEL | __GFP_NOWARN | __GFP_ZERO);
	EXPECT_STREQ(gfp, "GFP_KERNEL|__GFP_NOWARN|__GFP_ZERO");
	format_gfp_flags(gfp, sizeof(gfp), GFP_ATOMIC);
	EXPECT_STREQ(gfp, "GFP_ATOMIC");
}

} // namespace
