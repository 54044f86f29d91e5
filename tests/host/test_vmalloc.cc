// Host tests of the vmap-area allocator core (vmap_area_allocator in
// include/mm/vmalloc.h, the same code mm/vmalloc.cc runs under
// vmap_area_lock): first fit, alignment, the guard page, freeing and
// reuse, exhaustion, and a randomized run against a std::map model.
// No page tables are involved: the allocator only hands out ranges.
#include <mm/vmalloc.h>

#include <gtest/gtest.h>

#include <deque>
#include <map>
#include <random>
#include <vector>

namespace
{

constexpr unsigned long PG = PAGE_SIZE;
constexpr unsigned long BASE = 0xffffc90000000000UL; // VMALLOC_START without KASLR

struct Areas {
	vmap_area_allocator a;
	std::deque<vmap_area> storage;

	Areas(unsigned long start, unsigned long end) { a.init(start, end); }
	vmap_area* alloc(unsigned long size, unsigned long align = PG)
	{
		storage.emplace_back();
		vmap_area* va = &storage.back();
		return a.alloc(va, size, align).is_ok() ? va : nullptr;
	}
};

TEST(VmallocAreas, FirstFitPacksFromTheStart)
{
	Areas t(BASE, BASE + 64 * PG);
	vmap_area* x = t.alloc(2 * PG);
	vmap_area* y = t.alloc(PG);
	vmap_area* z = t.alloc(3 * PG);
	ASSERT_TRUE(x && y && z);
	EXPECT_EQ(x->va_start, BASE);
	EXPECT_EQ(x->va_end, BASE + 2 * PG);
	EXPECT_EQ(y->va_start, BASE + 2 * PG);
	EXPECT_EQ(z->va_start, BASE + 3 * PG);
	EXPECT_EQ(t.a.nr_areas(), 3u);
	EXPECT_EQ(t.a.busy_bytes(), 6 * PG);
	EXPECT_TRUE(t.a.check());
}

TEST(VmallocAreas, AlignmentLeavesAGapThatFirstFitReuses)
{
	Areas t(BASE, BASE + 64 * PG);
	vmap_area* x = t.alloc(PG);
	vmap_area* big = t.alloc(4 * PG, 16 * PG);
	ASSERT_TRUE(x && big);
	EXPECT_EQ(big->va_start, BASE + 16 * PG);
	EXPECT_EQ(big->va_start % (16 * PG), 0u);
	// the hole [1, 16) is found first by a later small request
	vmap_area* small = t.alloc(2 * PG);
	ASSERT_TRUE(small);
	EXPECT_EQ(small->va_start, BASE + PG);
	// a second 16-page-aligned area goes past the first one
	vmap_area* big2 = t.alloc(PG, 16 * PG);
	ASSERT_TRUE(big2);
	EXPECT_EQ(big2->va_start, BASE + 32 * PG);
	EXPECT_TRUE(t.a.check());
	// bad alignments and sizes are refused
	vmap_area probe{};
	EXPECT_EQ(t.a.alloc(&probe, PG, 3 * PG), lib::Error{EINVAL});
	EXPECT_EQ(t.a.alloc(&probe, PG, 0), lib::Error{EINVAL});
	EXPECT_EQ(t.a.alloc(&probe, 0, PG), lib::Error{EINVAL});
}

TEST(VmallocAreas, GuardPageSeparatesAreas)
{
	EXPECT_EQ(vm_area_span(1, 0), 2 * PG);
	EXPECT_EQ(vm_area_span(PG, 0), 2 * PG);
	EXPECT_EQ(vm_area_span(PG + 1, 0), 3 * PG);
	EXPECT_EQ(vm_area_span(PG + 1, VM_NO_GUARD), 2 * PG);
	EXPECT_EQ(vm_area_span(0, 0), 0u);
	EXPECT_EQ(vm_area_span(~0UL, 0), 0u);
	EXPECT_EQ(vm_area_span(~0UL - PG, 0), 0u);

	Areas t(BASE, BASE + 64 * PG);
	vmap_area* x = t.alloc(vm_area_span(3 * PG, 0));
	vmap_area* y = t.alloc(vm_area_span(100, 0));
	ASSERT_TRUE(x && y);
	vm_struct vx{reinterpret_cast<void*>(x->va_start), x->va_end - x->va_start, VM_ALLOC, nullptr, 0, 0, nullptr};
	EXPECT_EQ(get_vm_area_size(&vx), 3 * PG);
	// the page after x's usable part belongs to x: y starts after it
	EXPECT_EQ(y->va_start, x->va_start + 3 * PG + PG);
	EXPECT_EQ(t.a.find(x->va_start + 3 * PG), x); // the guard is x's
	EXPECT_EQ(t.a.find_start(x->va_start + 3 * PG), nullptr);
}

TEST(VmallocAreas, FindAndFindStart)
{
	Areas t(BASE, BASE + 64 * PG);
	vmap_area* x = t.alloc(2 * PG);
	t.alloc(4 * PG, 8 * PG);
	EXPECT_EQ(t.a.find(BASE), x);
	EXPECT_EQ(t.a.find(BASE + 2 * PG - 1), x);
	EXPECT_EQ(t.a.find(BASE + 2 * PG), nullptr);  // the alignment gap
	EXPECT_EQ(t.a.find(BASE + 12 * PG), nullptr); // past the end
	EXPECT_EQ(t.a.find(BASE - 1), nullptr);
	EXPECT_EQ(t.a.find_start(BASE), x);
	EXPECT_EQ(t.a.find_start(BASE + PG), nullptr);
}

TEST(VmallocAreas, FreeingMakesRoomForReuse)
{
	Areas t(BASE, BASE + 64 * PG);
	vmap_area* x = t.alloc(2 * PG);
	vmap_area* y = t.alloc(3 * PG);
	vmap_area* z = t.alloc(PG);
	ASSERT_TRUE(x && y && z);
	t.a.remove(y);
	EXPECT_EQ(t.a.nr_areas(), 2u);
	EXPECT_TRUE(t.a.check());
	// too big for the hole: placed after z
	vmap_area* w = t.alloc(4 * PG);
	ASSERT_TRUE(w);
	EXPECT_EQ(w->va_start, z->va_end);
	// fits: reuses y's range
	vmap_area* v = t.alloc(3 * PG);
	ASSERT_TRUE(v);
	EXPECT_EQ(v->va_start, BASE + 2 * PG);
	// the list is kept sorted whatever the insertion order
	unsigned long prev = 0;
	for (const vmap_area& va : t.a.areas()) {
		EXPECT_GT(va.va_start, prev);
		prev = va.va_start;
	}
	t.a.remove(x);
	t.a.remove(v);
	t.a.remove(z);
	t.a.remove(w);
	EXPECT_EQ(t.a.nr_areas(), 0u);
	EXPECT_EQ(t.a.busy_bytes(), 0u);
	EXPECT_EQ(t.alloc(64 * PG)->va_start, BASE); // the whole range is free again
}

TEST(VmallocAreas, ExhaustionFailsWithoutSideEffects)
{
	Areas t(BASE, BASE + 16 * PG);
	for (int i = 0; i < 8; i++)
		ASSERT_NE(t.alloc(2 * PG), nullptr);
	vmap_area probe{};
	probe.va_start = 123;
	EXPECT_EQ(t.a.alloc(&probe, PG, PG), lib::Error{EBUSY});
	EXPECT_EQ(probe.va_start, 123u); // untouched on failure
	EXPECT_EQ(t.alloc(17 * PG), nullptr);
	EXPECT_EQ(t.a.nr_areas(), 8u);
	EXPECT_TRUE(t.a.check());
	// one hole of two pages: a three-page request still fails
	t.a.remove(t.a.find(BASE + 4 * PG));
	EXPECT_EQ(t.alloc(3 * PG), nullptr);
	EXPECT_NE(t.alloc(2 * PG), nullptr);
}

TEST(VmallocAreas, NoWrapAroundAtTheTopOfTheAddressSpace)
{
	const unsigned long top = 0xfffffffffffff000UL;
	Areas t(top - 16 * PG, top);
	EXPECT_EQ(t.alloc(PG, 1UL << 63), nullptr); // aligning up wraps
	EXPECT_EQ(t.alloc(~0UL & PAGE_MASK), nullptr);
	vmap_area* x = t.alloc(16 * PG);
	ASSERT_TRUE(x);
	EXPECT_EQ(x->va_end, top);
	EXPECT_EQ(t.alloc(PG), nullptr);
	EXPECT_EQ(t.alloc(PG, 1UL << 40), nullptr);
}

// Randomized: every allocation must be exactly where first fit over the
// model puts it, and a failure must mean the model has no room either.
TEST(VmallocAreas, RandomizedAgainstAModel)
{
	const unsigned long npages = 512;
	Areas t(BASE, BASE + npages * PG);
	std::map<unsigned long, unsigned long> model; // start -> end
	std::vector<vmap_area*> live;
	std::mt19937_64 rng(20240611);

	auto expected = [&](unsigned long size, unsigned long align) -> unsigned long {
		unsigned long addr = (BASE + align - 1) & ~(align - 1);
		for (auto [s, e] : model) {
			if (addr + size <= s)
				return addr;
			if (e > addr)
				addr = (e + align - 1) & ~(align - 1);
		}
		return addr + size <= BASE + npages * PG ? addr : 0;
	};

	unsigned long fails = 0, allocs = 0;
	for (int step = 0; step < 20000; step++) {
		bool do_alloc = live.empty() || rng() % 100 < 55;
		if (do_alloc) {
			unsigned long size = (1 + rng() % 12) * PG;
			unsigned long align = PG << (rng() % 5);
			unsigned long want = expected(size, align);
			vmap_area* va = t.alloc(size, align);
			if (!want) {
				EXPECT_EQ(va, nullptr);
				fails++;
			} else {
				ASSERT_NE(va, nullptr) << "step " << step;
				EXPECT_EQ(va->va_start, want);
				EXPECT_EQ(va->va_end - va->va_start, size);
				EXPECT_EQ(va->va_start % align, 0u);
				auto next = model.lower_bound(va->va_start);
				if (next != model.end()) {
					EXPECT_LE(va->va_end, next->first);
				}
				if (next != model.begin()) {
					EXPECT_LE(std::prev(next)->second, va->va_start);
				}
				model[va->va_start] = va->va_end;
				live.push_back(va);
				allocs++;
			}
		} else {
			size_t i = rng() % live.size();
			vmap_area* va = live[i];
			EXPECT_EQ(t.a.find_start(va->va_start), va);
			EXPECT_EQ(t.a.find(va->va_end - 1), va);
			model.erase(va->va_start);
			t.a.remove(va);
			live[i] = live.back();
			live.pop_back();
		}
		if (step % 97 == 0) {
			ASSERT_TRUE(t.a.check());
		}
		ASSERT_EQ(t.a.nr_areas(), model.size());
	}
	EXPECT_GT(fails, 100u); // the range did fill up at times
	EXPECT_GT(allocs, 5000u);
	for (vmap_area* va : live)
		t.a.remove(va);
	EXPECT_EQ(t.a.busy_bytes(), 0u);
	EXPECT_TRUE(t.a.check());
}

} // namespace
