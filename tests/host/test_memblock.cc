// Host tests of the boot-time memblock allocator (mm/memblock.cc).
//
// memblock is one global; every test starts from memblock_reset().  The
// randomized test replays thousands of operations against a per-page model.
#include <mm/memblock.h>
#include <uapi/asm-generic/errno-base.h>

#include <gtest/gtest.h>

#include "host_env.h"

#include <random>
#include <vector>

namespace
{

constexpr phys_addr_t P = PAGE_SIZE;

struct range {
	phys_addr_t base, end;
	int nid;
	bool operator==(const range&) const = default;
};

std::ostream& operator<<(std::ostream& os, const range& r)
{
	return os << std::hex << "[0x" << r.base << "-0x" << r.end << ")" << std::dec << " nid " << r.nid;
}

std::vector<range> regions(const memblock_type& t)
{
	std::vector<range> v;
	for (unsigned long i = 0; i < t.cnt; i++)
		v.push_back({t.regions[i].base, t.regions[i].base + t.regions[i].size, t.regions[i].nid});
	return v;
}

std::vector<range> mem()
{
	return regions(memblock.memory);
}

// reserved regions without their (meaningless) nid
std::vector<range> res()
{
	auto v = regions(memblock.reserved);
	for (auto& r : v)
		r.nid = 0;
	return v;
}

std::vector<range> free_ranges(int nid = NUMA_NO_NODE)
{
	std::vector<range> v;
	for_each_free_mem_range(nid, [&](phys_addr_t s, phys_addr_t e, int n) { v.push_back({s, e, n}); });
	return v;
}

// sorted, non-empty, disjoint, touching neighbours differ in nid
::testing::AssertionResult well_formed(const memblock_type& t, bool check_nid)
{
	if (t.cnt > t.max)
		return ::testing::AssertionFailure() << t.name << ": cnt " << t.cnt << " > max";
	for (unsigned long i = 0; i < t.cnt; i++) {
		const auto& r = t.regions[i];
		if (r.size == 0)
			return ::testing::AssertionFailure() << t.name << "[" << i << "] is empty";
		if (r.base + r.size < r.base)
			return ::testing::AssertionFailure() << t.name << "[" << i << "] wraps";
		if (i == 0)
			continue;
		const auto& p = t.regions[i - 1];
		if (p.base + p.size > r.base)
			return ::testing::AssertionFailure() << t.name << "[" << i << "] overlaps or is unsorted";
		if (p.base + p.size == r.base && (!check_nid || p.nid == r.nid))
			return ::testing::AssertionFailure() << t.name << "[" << i << "] should have merged";
	}
	return ::testing::AssertionSuccess();
}

class Memblock : public ::testing::Test
{
protected:
	void SetUp() override { memblock_reset(); }
	void TearDown() override
	{
		EXPECT_TRUE(well_formed(memblock.memory, true));
		EXPECT_TRUE(well_formed(memblock.reserved, false));
		memblock_reset();
	}
};

TEST_F(Memblock, StartsEmpty)
{
	EXPECT_EQ(memblock.memory.cnt, 0u);
	EXPECT_EQ(memblock.reserved.cnt, 0u);
	EXPECT_EQ(memblock.memory.max, INIT_MEMBLOCK_REGIONS);
	EXPECT_EQ(memblock.current_limit, MEMBLOCK_ALLOC_ANYWHERE);
	EXPECT_EQ(memblock_phys_mem_size(), 0u);
	EXPECT_EQ(memblock_start_of_DRAM(), 0u);
	EXPECT_EQ(memblock_end_of_DRAM(), 0u);
	EXPECT_TRUE(free_ranges().empty());
	EXPECT_EQ(memblock_phys_alloc(P, P), 0u);
}

TEST_F(Memblock, AddKeepsSortedAndMergesAdjacent)
{
	ASSERT_EQ(memblock_add(0x5000, 0x1000), lib::ok());
	ASSERT_EQ(memblock_add(0x1000, 0x1000), lib::ok());
	EXPECT_EQ(mem(), (std::vector<range>{{0x1000, 0x2000, 0}, {0x5000, 0x6000, 0}}));
	// touching on the left of one and the right of the other: all merge
	ASSERT_EQ(memblock_add(0x2000, 0x1000), lib::ok());
	ASSERT_EQ(memblock_add(0x4000, 0x1000), lib::ok());
	EXPECT_EQ(mem(), (std::vector<range>{{0x1000, 0x3000, 0}, {0x4000, 0x6000, 0}}));
	ASSERT_EQ(memblock_add(0x3000, 0x1000), lib::ok());
	EXPECT_EQ(mem(), (std::vector<range>{{0x1000, 0x6000, 0}}));
	EXPECT_EQ(memblock_phys_mem_size(), 0x5000u);
}

TEST_F(Memblock, AddOverlapping)
{
	ASSERT_EQ(memblock_add(0x1000, 0x2000), lib::ok());
	ASSERT_EQ(memblock_add(0x2000, 0x3000), lib::ok());
	EXPECT_EQ(mem(), (std::vector<range>{{0x1000, 0x5000, 0}}));
	// contained: nothing changes
	ASSERT_EQ(memblock_add(0x2000, 0x1000), lib::ok());
	EXPECT_EQ(mem(), (std::vector<range>{{0x1000, 0x5000, 0}}));
	// covering several regions and the gaps between them
	ASSERT_EQ(memblock_add(0x8000, 0x1000), lib::ok());
	ASSERT_EQ(memblock_add(0xa000, 0x1000), lib::ok());
	ASSERT_EQ(memblock_add(0x0, 0x10000), lib::ok());
	EXPECT_EQ(mem(), (std::vector<range>{{0x0, 0x10000, 0}}));
	EXPECT_EQ(memblock_phys_mem_size(), 0x10000u);
}

TEST_F(Memblock, AddOverlapKeepsExistingNodeAndNodesDoNotMerge)
{
	ASSERT_EQ(memblock_add_node(0x2000, 0x1000, 1), lib::ok());
	ASSERT_EQ(memblock_add_node(0x0, 0x4000, 2), lib::ok());
	EXPECT_EQ(mem(), (std::vector<range>{{0x0, 0x2000, 2}, {0x2000, 0x3000, 1}, {0x3000, 0x4000, 2}}));
	ASSERT_EQ(memblock_add_node(0x4000, 0x1000, 3), lib::ok());
	EXPECT_EQ(mem().size(), 4u);
	EXPECT_EQ(mem().back(), (range{0x4000, 0x5000, 3}));
}

TEST_F(Memblock, RemoveSplitsARegionInTheMiddle)
{
	ASSERT_EQ(memblock_add(0x0, 0x10000), lib::ok());
	ASSERT_EQ(memblock_remove(0x4000, 0x2000), lib::ok());
	EXPECT_EQ(mem(), (std::vector<range>{{0x0, 0x4000, 0}, {0x6000, 0x10000, 0}}));
	EXPECT_FALSE(memblock_is_memory(0x4000));
	EXPECT_FALSE(memblock_is_memory(0x5fff));
	EXPECT_TRUE(memblock_is_memory(0x3fff));
	EXPECT_TRUE(memblock_is_memory(0x6000));
}

TEST_F(Memblock, RemoveAcrossRegionsTrimsBothEnds)
{
	ASSERT_EQ(memblock_add(0x0, 0x3000), lib::ok());
	ASSERT_EQ(memblock_add(0x4000, 0x1000), lib::ok());
	ASSERT_EQ(memblock_add(0x6000, 0x3000), lib::ok());
	ASSERT_EQ(memblock_remove(0x2000, 0x5000), lib::ok());
	EXPECT_EQ(mem(), (std::vector<range>{{0x0, 0x2000, 0}, {0x7000, 0x9000, 0}}));
	// removing what is not there is fine
	ASSERT_EQ(memblock_remove(0x20000, 0x1000), lib::ok());
	EXPECT_EQ(mem().size(), 2u);
	ASSERT_EQ(memblock_remove(0x0, 0x100000), lib::ok());
	EXPECT_TRUE(mem().empty());
}

TEST_F(Memblock, FreeRangesAreMemoryMinusReserved)
{
	ASSERT_EQ(memblock_add(0x0, 0x10000), lib::ok());
	ASSERT_EQ(memblock_add(0x20000, 0x10000), lib::ok());
	ASSERT_EQ(memblock_reserve(0x0, 0x1000), lib::ok());
	ASSERT_EQ(memblock_reserve(0x4000, 0x2000), lib::ok());
	ASSERT_EQ(memblock_reserve(0xf000, 0x12000), lib::ok()); // straddles the hole
	ASSERT_EQ(memblock_reserve(0x40000, 0x1000), lib::ok()); // not memory at all
	EXPECT_EQ(free_ranges(), (std::vector<range>{{0x1000, 0x4000, 0}, {0x6000, 0xf000, 0}, {0x21000, 0x30000, 0}}));
	EXPECT_EQ(memblock_reserved_size(), 0x1000u + 0x2000 + 0x12000 + 0x1000);
	EXPECT_TRUE(memblock_is_reserved(0x4000));
	EXPECT_TRUE(memblock_is_reserved(0x5fff));
	EXPECT_FALSE(memblock_is_reserved(0x6000));

	// freeing the end of a reservation trims it
	ASSERT_EQ(memblock_phys_free(0x20000, 0x1000), lib::ok());
	EXPECT_EQ(res(), (std::vector<range>{
	                     {0x0, 0x1000, 0}, {0x4000, 0x6000, 0}, {0xf000, 0x20000, 0}, {0x40000, 0x41000, 0}}));
	EXPECT_EQ(free_ranges(), (std::vector<range>{{0x1000, 0x4000, 0}, {0x6000, 0xf000, 0}, {0x20000, 0x30000, 0}}));
	// freeing the middle of a reservation splits it
	ASSERT_EQ(memblock_reserve(0x8000, 0x3000), lib::ok());
	ASSERT_EQ(memblock_phys_free(0x9000, 0x1000), lib::ok());
	EXPECT_TRUE(memblock_is_reserved(0x8fff));
	EXPECT_FALSE(memblock_is_reserved(0x9000));
	EXPECT_TRUE(memblock_is_reserved(0xa000));
	EXPECT_EQ(free_ranges(), (std::vector<range>{{0x1000, 0x4000, 0},
	                                             {0x6000, 0x8000, 0},
	                                             {0x9000, 0xa000, 0},
	                                             {0xb000, 0xf000, 0},
	                                             {0x20000, 0x30000, 0}}));
	ASSERT_EQ(memblock_phys_free(0x0, 0x100000), lib::ok());
	EXPECT_EQ(memblock.reserved.cnt, 0u);
	EXPECT_EQ(free_ranges(), (std::vector<range>{{0x0, 0x10000, 0}, {0x20000, 0x30000, 0}}));
}

TEST_F(Memblock, FreeRangesFilterByNode)
{
	ASSERT_EQ(memblock_add_node(0x0, 0x4000, 0), lib::ok());
	ASSERT_EQ(memblock_add_node(0x4000, 0x4000, 1), lib::ok());
	ASSERT_EQ(memblock_reserve(0x3000, 0x2000), lib::ok());
	EXPECT_EQ(free_ranges(0), (std::vector<range>{{0x0, 0x3000, 0}}));
	EXPECT_EQ(free_ranges(1), (std::vector<range>{{0x5000, 0x8000, 1}}));
	EXPECT_TRUE(free_ranges(2).empty());
	// touching ranges of different nodes stay separate
	ASSERT_EQ(memblock_phys_free(0x3000, 0x2000), lib::ok());
	EXPECT_EQ(free_ranges(), (std::vector<range>{{0x0, 0x4000, 0}, {0x4000, 0x8000, 1}}));
	std::vector<range> all;
	for_each_mem_range([&](phys_addr_t b, phys_addr_t e, int n) { all.push_back({b, e, n}); });
	EXPECT_EQ(all, mem());
}

TEST_F(Memblock, AllocIsTopDownAlignedAndReserves)
{
	ASSERT_EQ(memblock_add(0x0, 0x100000), lib::ok());
	phys_addr_t a = memblock_phys_alloc(0x1000, 0x1000);
	EXPECT_EQ(a, 0xff000u);
	EXPECT_TRUE(memblock_is_reserved(a));
	phys_addr_t b = memblock_phys_alloc(0x1800, 0x1000);
	EXPECT_EQ(b, 0xfd000u); // highest 4K-aligned start with 0x1800 below 0xff000
	phys_addr_t c = memblock_phys_alloc(0x100, 0x10000);
	EXPECT_EQ(c, 0xf0000u);
	EXPECT_EQ(c % 0x10000, 0u);
	EXPECT_EQ(res(), (std::vector<range>{{0xf0000, 0xf0100, 0}, {0xfd000, 0xfe800, 0}, {0xff000, 0x100000, 0}}));
	EXPECT_EQ(memblock_reserved_size(), 0x1000u + 0x1800 + 0x100);
	// align 0 is the cache-line default
	phys_addr_t d = memblock_phys_alloc(0x10, 0);
	EXPECT_EQ(d % MEMBLOCK_DEFAULT_ALIGN, 0u);
	EXPECT_EQ(d, 0xfefc0u); // top of the free [0xfe800, 0xff000)
}

TEST_F(Memblock, AllocStaysInsideTheRangeAndAvoidsReservations)
{
	ASSERT_EQ(memblock_add(0x0, 0x100000), lib::ok());
	ASSERT_EQ(memblock_reserve(0x38000, 0x8000), lib::ok());
	// [0x30000, 0x40000): the top half is reserved, so the top free page is below it
	EXPECT_EQ(memblock_phys_alloc_range(0x2000, 0x1000, 0x30000, 0x40000), 0x36000u);
	// exactly the remaining room
	EXPECT_EQ(memblock_phys_alloc_range(0x6000, 0x1000, 0x30000, 0x40000), 0x30000u);
	// nothing left in the window
	EXPECT_EQ(memblock_phys_alloc_range(0x1000, 0x1000, 0x30000, 0x40000), 0u);
	// end is exclusive, start inclusive
	EXPECT_EQ(memblock_phys_alloc_range(0x1000, 0x1000, 0x50000, 0x51000), 0x50000u);
	EXPECT_EQ(memblock_phys_alloc_range(0x1000, 0x1000, 0x60000, 0x60fff), 0u);
	// larger than any free range
	EXPECT_EQ(memblock_phys_alloc(0x200000, 0x1000), 0u);
	// bad alignment
	EXPECT_EQ(memblock_phys_alloc(0x1000, 0x3000), 0u);
	// size 0
	EXPECT_EQ(memblock_phys_alloc(0, 0x1000), 0u);
	// failures reserve nothing
	EXPECT_EQ(memblock_reserved_size(), 0x8000u + 0x2000 + 0x6000 + 0x1000);
}

TEST_F(Memblock, AllocNeverReturnsPageZero)
{
	ASSERT_EQ(memblock_add(0x0, 0x2000), lib::ok());
	EXPECT_EQ(memblock_phys_alloc(0x1000, 0x1000), 0x1000u);
	EXPECT_EQ(memblock_phys_alloc(0x1000, 0x1000), 0u);
	EXPECT_FALSE(memblock_is_reserved(0x0));
}

TEST_F(Memblock, AllocRespectsCurrentLimit)
{
	ASSERT_EQ(memblock_add(0x0, 0x100000), lib::ok());
	memblock_set_current_limit(0x10000);
	EXPECT_EQ(memblock_phys_alloc(0x1000, 0x1000), 0xf000u);
	EXPECT_EQ(memblock_phys_alloc_try_nid(0x1000, 0x1000, 0), 0xe000u);
	EXPECT_EQ(memblock_phys_alloc_range(0x1000, 0x1000, 0, MEMBLOCK_ALLOC_ACCESSIBLE), 0xd000u);
	// an explicit end is not limited
	EXPECT_EQ(memblock_phys_alloc_range(0x1000, 0x1000, 0, MEMBLOCK_ALLOC_ANYWHERE), 0xff000u);
}

TEST_F(Memblock, AllocDoesNotStraddleRegions)
{
	ASSERT_EQ(memblock_add_node(0x1000, 0x2000, 0), lib::ok());
	ASSERT_EQ(memblock_add_node(0x3000, 0x2000, 1), lib::ok());
	// 0x3000 bytes would fit across the node boundary but fits in no region
	EXPECT_EQ(memblock_phys_alloc(0x3000, 0x1000), 0u);
	EXPECT_EQ(memblock_phys_alloc(0x2000, 0x1000), 0x3000u);
}

TEST_F(Memblock, AllocTryNidPrefersTheNodeAndFallsBack)
{
	ASSERT_EQ(memblock_add_node(0x0, 0x10000, 0), lib::ok());
	ASSERT_EQ(memblock_add_node(0x10000, 0x10000, 1), lib::ok());
	ASSERT_EQ(memblock_add_node(0x20000, 0x10000, 2), lib::ok());
	EXPECT_EQ(memblock_phys_alloc_try_nid(0x1000, 0x1000, 1), 0x1f000u);
	EXPECT_EQ(memblock_phys_alloc_try_nid(0x1000, 0x1000, 0), 0xf000u);
	EXPECT_EQ(memblock_phys_alloc_try_nid(0x1000, 0x1000, NUMA_NO_NODE), 0x2f000u);
	// node 1 has exactly 0xf000 left
	EXPECT_EQ(memblock_phys_alloc_try_nid(0xf000, 0x1000, 1), 0x10000u);
	// node 1 is full: fall back to the top of all free memory
	EXPECT_EQ(memblock_phys_alloc_try_nid(0x1000, 0x1000, 1), 0x2e000u);
	// a node without memory falls back too
	EXPECT_EQ(memblock_phys_alloc_try_nid(0x1000, 0x1000, 7), 0x2d000u);
	// nothing fits anywhere
	EXPECT_EQ(memblock_phys_alloc_try_nid(0x10000, 0x1000, 1), 0u);
}

TEST_F(Memblock, SetNodeSplitsAtTheBoundaries)
{
	ASSERT_EQ(memblock_add(0x0, 0x10000), lib::ok());
	ASSERT_EQ(memblock_set_node(0x4000, 0x4000, 1), lib::ok());
	EXPECT_EQ(mem(), (std::vector<range>{{0x0, 0x4000, 0}, {0x4000, 0x8000, 1}, {0x8000, 0x10000, 0}}));
	// across a boundary: pieces of one node merge again
	ASSERT_EQ(memblock_set_node(0x6000, 0x4000, 1), lib::ok());
	EXPECT_EQ(mem(), (std::vector<range>{{0x0, 0x4000, 0}, {0x4000, 0xa000, 1}, {0xa000, 0x10000, 0}}));
	ASSERT_EQ(memblock_set_node(0x0, 0x100000, 0), lib::ok());
	EXPECT_EQ(mem(), (std::vector<range>{{0x0, 0x10000, 0}}));
	// holes are not filled
	ASSERT_EQ(memblock_add(0x20000, 0x1000), lib::ok());
	ASSERT_EQ(memblock_set_node(0x0, 0x100000, 3), lib::ok());
	EXPECT_EQ(mem(), (std::vector<range>{{0x0, 0x10000, 3}, {0x20000, 0x21000, 3}}));
	EXPECT_EQ(memblock_phys_mem_size(), 0x11000u);
}

TEST_F(Memblock, InvalidNodeIsRejected)
{
	EXPECT_EQ(memblock_add_node(0x0, 0x1000, -2), lib::Error{EINVAL});
	EXPECT_EQ(memblock_set_node(0x0, 0x1000, -5), lib::Error{EINVAL});
	EXPECT_TRUE(mem().empty());
}

TEST_F(Memblock, ZeroSizeIsANoOp)
{
	ASSERT_EQ(memblock_add(0x1000, 0x1000), lib::ok());
	EXPECT_EQ(memblock_add(0x5000, 0), lib::ok());
	EXPECT_EQ(memblock_reserve(0x1000, 0), lib::ok());
	EXPECT_EQ(memblock_remove(0x1000, 0), lib::ok());
	EXPECT_EQ(memblock_set_node(0x1000, 0, 4), lib::ok());
	EXPECT_EQ(memblock_reserve_named(0x1000, 0, "nothing"), lib::ok());
	EXPECT_EQ(mem(), (std::vector<range>{{0x1000, 0x2000, 0}}));
	EXPECT_EQ(memblock.reserved.cnt, 0u);
}

TEST_F(Memblock, WrappingRangesAreClamped)
{
	const phys_addr_t top = PHYS_ADDR_MAX - 0xfff; // 0xffff_ffff_ffff_f000
	ASSERT_EQ(memblock_add(top, 0x10000), lib::ok());
	ASSERT_EQ(memblock.memory.cnt, 1u);
	EXPECT_EQ(memblock.memory.regions[0].base, top);
	EXPECT_EQ(memblock.memory.regions[0].size, 0xfffu);
	EXPECT_EQ(memblock_end_of_DRAM(), PHYS_ADDR_MAX);
	EXPECT_TRUE(memblock_is_memory(PHYS_ADDR_MAX - 1));
	EXPECT_FALSE(memblock_is_memory(top - 1));

	ASSERT_EQ(memblock_reserve(PHYS_ADDR_MAX - 0x10, PHYS_ADDR_MAX), lib::ok());
	EXPECT_EQ(memblock_reserved_size(), 0x10u);
	EXPECT_EQ(free_ranges(), (std::vector<range>{{top, PHYS_ADDR_MAX - 0x10, 0}}));

	ASSERT_EQ(memblock_add(0x0, PHYS_ADDR_MAX), lib::ok());
	EXPECT_EQ(mem(), (std::vector<range>{{0x0, PHYS_ADDR_MAX, 0}}));
	ASSERT_EQ(memblock_remove(0x1000, PHYS_ADDR_MAX), lib::ok());
	EXPECT_EQ(mem(), (std::vector<range>{{0x0, 0x1000, 0}}));
}

TEST_F(Memblock, ExhaustionFailsAndChangesNothing)
{
	// 128 disjoint regions fill the array
	for (unsigned long i = 0; i < INIT_MEMBLOCK_REGIONS; i++)
		ASSERT_EQ(memblock_add(i * 0x2000, 0x1000), lib::ok()) << i;
	ASSERT_EQ(memblock.memory.cnt, INIT_MEMBLOCK_REGIONS);
	const auto before = mem();

	EXPECT_EQ(memblock_add(INIT_MEMBLOCK_REGIONS * 0x2000, 0x1000), lib::Error{ENOMEM});
	EXPECT_EQ(mem(), before);
	// splitting a region needs one more slot
	EXPECT_EQ(memblock_remove(0x100, 0x100), lib::Error{ENOMEM});
	EXPECT_EQ(memblock_set_node(0x100, 0x100, 1), lib::Error{ENOMEM});
	EXPECT_EQ(mem(), before);
	// a bigger failing change: filling every hole with another node
	EXPECT_EQ(memblock_add_node(0x1000, INIT_MEMBLOCK_REGIONS * 0x2000, 1), lib::Error{ENOMEM});
	EXPECT_EQ(mem(), before);

	// what fits once merged succeeds even when the array is full
	EXPECT_EQ(memblock_add(0x1000, 0x1000), lib::ok()); // bridges regions 0 and 1
	EXPECT_EQ(memblock.memory.cnt, INIT_MEMBLOCK_REGIONS - 1);
	EXPECT_EQ(memblock_remove(0x0, 0x1000), lib::ok()); // trims, no new region
	EXPECT_EQ(memblock.memory.cnt, INIT_MEMBLOCK_REGIONS - 1);
	EXPECT_EQ(memblock_add(INIT_MEMBLOCK_REGIONS * 0x2000, 0x1000), lib::ok()); // the slot freed by the bridge
	EXPECT_EQ(memblock.memory.cnt, INIT_MEMBLOCK_REGIONS);
}

TEST_F(Memblock, AllocFailsCleanlyWhenReservedIsFull)
{
	ASSERT_EQ(memblock_add(0x0, 0x1000000), lib::ok());
	for (unsigned long i = 0; i < INIT_MEMBLOCK_REGIONS; i++)
		ASSERT_EQ(memblock_reserve(0x2000 + i * 0x2000, 0x1000), lib::ok()) << i;
	const auto before = res();
	// the top of memory is free but reserving it needs a new region
	EXPECT_EQ(memblock_phys_alloc(0x1000, 0x1000), 0u);
	EXPECT_EQ(res(), before);
	// a hole between two reservations merges them: that works
	EXPECT_EQ(memblock_phys_alloc_range(0x1000, 0x1000, 0x3000, 0x4000), 0x3000u);
	EXPECT_EQ(memblock.reserved.cnt, INIT_MEMBLOCK_REGIONS - 1);
}

TEST_F(Memblock, QueriesAndDump)
{
	ASSERT_EQ(memblock_add(0x100000, 0x100000), lib::ok());
	ASSERT_EQ(memblock_add_node(0x9000, 0x1000, 1), lib::ok());
	ASSERT_EQ(memblock_reserve_named(0x100000, 0x2000, "kernel"), lib::ok());
	EXPECT_EQ(memblock_start_of_DRAM(), 0x9000u);
	EXPECT_EQ(memblock_end_of_DRAM(), 0x200000u);
	EXPECT_EQ(memblock_phys_mem_size(), 0x101000u);
	EXPECT_EQ(memblock_reserved_size(), 0x2000u);
	EXPECT_FALSE(memblock_is_memory(0x8fff));
	EXPECT_TRUE(memblock_is_memory(0x9000));
	EXPECT_FALSE(memblock_is_memory(0xa000));
	EXPECT_TRUE(memblock_is_memory(0x1fffff));
	EXPECT_FALSE(memblock_is_memory(0x200000));
	EXPECT_TRUE(memblock_is_reserved(0x101fff));
	EXPECT_FALSE(memblock_is_reserved(0x102000));
	EXPECT_FALSE(memblock_is_reserved(0xfffff));
	host_reset_env();
	memblock_dump_all(); // silent without memblock=debug
	EXPECT_EQ(host_console(), "");
	memblock_debug = true;
	memblock_dump_all(); // must not touch anything
	memblock_debug = false;
	EXPECT_NE(host_console().find("] MEMBLOCK configuration:\n"), std::string::npos) << host_console();
	EXPECT_NE(host_console().find("]  memory size = 0x"), std::string::npos) << host_console();
	EXPECT_NE(host_console().find(" memory[0x0]\t[0x"), std::string::npos) << host_console();
	EXPECT_EQ(memblock.memory.cnt, 2u);
	EXPECT_EQ(memblock.reserved.cnt, 1u);
}

/*
 * Randomized: operations over NPAGES pages, checked after each against a
 * per-page model (memory?, node, reserved?).
 */
struct page_model {
	static constexpr int NPAGES = 256;
	bool memory[NPAGES] = {};
	int nid[NPAGES] = {};
	bool reserved[NPAGES] = {};

	bool is_free(int p, int want) const
	{
		return memory[p] && !reserved[p] && (want == NUMA_NO_NODE || nid[p] == want);
	}

	// maximal runs of memory with one node
	std::vector<range> mem_runs() const
	{
		std::vector<range> v;
		for (int p = 0; p < NPAGES; p++) {
			if (!memory[p])
				continue;
			if (!v.empty() && v.back().end == p * P && v.back().nid == nid[p])
				v.back().end += P;
			else
				v.push_back({p * P, (p + 1) * P, nid[p]});
		}
		return v;
	}
	std::vector<range> res_runs() const
	{
		std::vector<range> v;
		for (int p = 0; p < NPAGES; p++) {
			if (!reserved[p])
				continue;
			if (!v.empty() && v.back().end == p * P)
				v.back().end += P;
			else
				v.push_back({p * P, (p + 1) * P, 0});
		}
		return v;
	}
	std::vector<range> free_runs(int want) const
	{
		std::vector<range> v;
		for (int p = 0; p < NPAGES; p++) {
			if (!is_free(p, want))
				continue;
			if (!v.empty() && v.back().end == p * P && v.back().nid == nid[p])
				v.back().end += P;
			else
				v.push_back({p * P, (p + 1) * P, nid[p]});
		}
		return v;
	}
	bool fits() const
	{
		return mem_runs().size() <= INIT_MEMBLOCK_REGIONS && res_runs().size() <= INIT_MEMBLOCK_REGIONS;
	}

	// highest page-aligned fit of n pages, align pages apart, in [lo, hi) pages, all free on one node
	int find(int n, int align, int lo, int hi, int want) const
	{
		if (hi > NPAGES)
			hi = NPAGES;
		for (int p = (hi - n) / align * align; p >= lo && p >= 1; p -= align) {
			bool ok = true;
			for (int q = p; q < p + n && ok; q++)
				ok = is_free(q, want) && nid[q] == nid[p];
			if (ok)
				return p;
		}
		return -1;
	}
};

TEST_F(Memblock, RandomizedAgainstPageModel)
{
	constexpr int N = page_model::NPAGES;
	std::mt19937 rng(12345);
	auto rnd = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
	page_model m;
	int enomem = 0, allocs = 0, alloc_fails = 0;

	for (int step = 0; step < 20000; step++) {
		// every few thousand steps start over, alternating fragmentation styles
		if (step % 2500 == 0) {
			memblock_reset();
			m = page_model{};
		}
		const bool tiny = (step / 2500) % 2 == 1;
		int first = rnd(0, N - 1);
		int len = tiny ? rnd(1, 2) : rnd(1, 48);
		if (first + len > N)
			len = N - first;
		const phys_addr_t base = first * P, size = len * P;
		page_model next = m;
		int op = rnd(0, 9);
		lib::Result<void> ret = lib::ok();
		SCOPED_TRACE(::testing::Message()
		             << "step " << step << " op " << op << " pages " << first << "+" << len);

		switch (op) {
		case 0:
		case 1: {
			int nid = rnd(0, tiny ? 3 : 2);
			for (int p = first; p < first + len; p++)
				if (!next.memory[p]) {
					next.memory[p] = true;
					next.nid[p] = nid;
				}
			ret = nid == 0 && rnd(0, 1) ? memblock_add(base, size) : memblock_add_node(base, size, nid);
			break;
		}
		case 2:
			for (int p = first; p < first + len; p++)
				next.memory[p] = false;
			ret = memblock_remove(base, size);
			break;
		case 3:
		case 4:
			for (int p = first; p < first + len; p++)
				next.reserved[p] = true;
			ret = memblock_reserve(base, size);
			break;
		case 5:
			for (int p = first; p < first + len; p++)
				next.reserved[p] = false;
			ret = memblock_phys_free(base, size);
			break;
		case 6: {
			int nid = rnd(0, tiny ? 3 : 2);
			for (int p = first; p < first + len; p++)
				next.nid[p] = nid;
			ret = memblock_set_node(base, size, nid);
			break;
		}
		default: {
			// allocations: range, anywhere, or by node
			int n = rnd(1, 8), align = 1 << rnd(0, 3);
			int lo = 0, hi = N + 16, want = NUMA_NO_NODE;
			phys_addr_t got;
			int expect;
			if (op == 7) {
				lo = first;
				hi = first + len + rnd(0, 16);
				got = memblock_phys_alloc_range(n * P, align * P, lo * P, hi * P);
				expect = m.find(n, align, lo, hi, NUMA_NO_NODE);
			} else if (op == 8) {
				got = memblock_phys_alloc(n * P, align * P);
				expect = m.find(n, align, lo, hi, NUMA_NO_NODE);
			} else {
				want = rnd(0, 2);
				got = memblock_phys_alloc_try_nid(n * P, align * P, want);
				expect = m.find(n, align, lo, hi, want);
				if (expect < 0)
					expect = m.find(n, align, lo, hi, NUMA_NO_NODE);
			}
			if (expect >= 0) {
				for (int p = expect; p < expect + n; p++)
					next.reserved[p] = true;
				if (!next.fits())
					expect = -1; // reserving it would overflow reserved
			}
			allocs++;
			if (expect < 0) {
				alloc_fails++;
				ASSERT_EQ(got, 0u);
			} else {
				ASSERT_EQ(got, expect * P);
				m = next;
			}
			ret = lib::ok();
			next = m;
			break;
		}
		}

		if (op <= 6) {
			if (next.fits()) {
				ASSERT_EQ(ret, lib::ok());
				m = next;
			} else {
				ASSERT_EQ(ret, lib::Error{ENOMEM});
				enomem++;
			}
		}

		ASSERT_TRUE(well_formed(memblock.memory, true));
		ASSERT_TRUE(well_formed(memblock.reserved, false));
		ASSERT_EQ(mem(), m.mem_runs());
		ASSERT_EQ(res(), m.res_runs());
		ASSERT_EQ(free_ranges(), m.free_runs(NUMA_NO_NODE));
		ASSERT_EQ(free_ranges(1), m.free_runs(1));
		int probe = rnd(0, N - 1);
		ASSERT_EQ(memblock_is_memory(probe * P + rnd(0, P - 1)), m.memory[probe]);
		ASSERT_EQ(memblock_is_reserved(probe * P + rnd(0, P - 1)), m.reserved[probe]);
	}
	// the run exercised the interesting paths
	EXPECT_GT(enomem, 0);
	EXPECT_GT(allocs - alloc_fails, 1000);
	EXPECT_GT(alloc_fails, 100);
}

} // namespace
