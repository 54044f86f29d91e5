// The VMA list and augmented tree (mm/vma.cc) against a model: a std::map
// of ranges.  Random inserts, removals, splits, merges, resizes, lookups
// and free-range searches (both directions, with alignment), thousands of
// them; after each one validate_mm() checks the list, the tree and every
// rb_subtree_gap, and the list must equal the model.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <random>
#include <vector>

#include <mm/mm.h>

namespace
{
constexpr unsigned long P = PAGE_SIZE;

struct range {
	unsigned long end;
	bool stack;
};

struct vma_fixture {
	mm_struct mm{};
	std::map<unsigned long, range> model;
	std::vector<std::unique_ptr<vm_area_struct>> pool;

	vm_area_struct* make(unsigned long start, unsigned long end, bool stack)
	{
		pool.push_back(std::make_unique<vm_area_struct>());
		vm_area_struct* v = pool.back().get();
		*v = vm_area_struct{};
		v->vm_start = start;
		v->vm_end = end;
		v->vm_flags = VM_READ | (stack ? VM_GROWSDOWN : 0);
		return v;
	}
	bool overlaps(unsigned long start, unsigned long end) const
	{
		auto it = model.upper_bound(start);
		if (it != model.begin()) {
			auto p = std::prev(it);
			if (p->second.end > start)
				return true;
		}
		return it != model.end() && it->first < end;
	}
	unsigned long start_gap(unsigned long start, bool stack) const
	{
		if (!stack)
			return start;
		return start >= stack_guard_gap ? start - stack_guard_gap : 0;
	}
	void check()
	{
		ASSERT_EQ(validate_mm(&mm), 0);
		ASSERT_EQ(size_t(mm.map_count), model.size());
		auto it = model.begin();
		for (vm_area_struct* v = mm.mmap; v; v = v->vm_next, ++it) {
			ASSERT_NE(it, model.end());
			ASSERT_EQ(v->vm_start, it->first);
			ASSERT_EQ(v->vm_end, it->second.end);
		}
		ASSERT_EQ(it, model.end());
	}
	/* the gaps, lowest first: [start, end) with the guard gap counted as used */
	std::vector<std::pair<unsigned long, unsigned long>> gaps() const
	{
		std::vector<std::pair<unsigned long, unsigned long>> g;
		unsigned long prev_end = 0;
		for (auto& [s, r] : model) {
			g.push_back({prev_end, start_gap(s, r.stack)});
			prev_end = r.end;
		}
		g.push_back({prev_end, ~0UL});
		return g;
	}
	std::string dump(const vm_unmapped_area_info& in) const
	{
		std::string s = "len " + std::to_string(in.length / P) + " low " + std::to_string(in.low_limit / P) +
		                " high " + std::to_string(in.high_limit / P) + " mask " + std::to_string(in.align_mask / P) +
		                " off " + std::to_string(in.align_offset / P) + "\n";
		for (auto& [st, r] : model)
			s += std::to_string(st / P) + "-" + std::to_string(r.end / P) + (r.stack ? "s " : " ");
		return s;
	}
	long model_topdown(const vm_unmapped_area_info& in) const
	{
		unsigned long length = in.length + in.align_mask;
		if (in.high_limit < length || in.low_limit > in.high_limit - length)
			return -1;
		unsigned long high_limit = in.high_limit - length, low_limit = in.low_limit + length;
		auto g = gaps();
		std::vector<unsigned long> owner; /* the start of the VMA above each gap */
		for (auto& [st, r] : model)
			owner.push_back(st);
		owner.push_back(~0UL);
		for (size_t i = g.size(); i-- > 0;) {
			unsigned long gs = g[i].first, ge = std::min(g[i].second, in.high_limit);
			if (owner[i] < low_limit) /* the search stops at the first VMA below the limit */
				return -1;
			if (g[i].second >= low_limit && gs <= high_limit && ge > gs && ge - gs >= length) {
				ge -= in.length;
				ge -= (ge - in.align_offset) & in.align_mask;
				return long(ge);
			}
		}
		return -1;
	}
	long model_bottomup(const vm_unmapped_area_info& in) const
	{
		unsigned long length = in.length + in.align_mask;
		if (in.high_limit < length || in.low_limit > in.high_limit - length)
			return -1;
		unsigned long high_limit = in.high_limit - length, low_limit = in.low_limit + length;
		for (auto [gs, ge] : gaps()) {
			if (gs > high_limit)
				return -1;
			if (ge >= low_limit && ge > gs && ge - gs >= length) {
				gs = std::max(gs, in.low_limit);
				gs += (in.align_offset - gs) & in.align_mask;
				return long(gs);
			}
		}
		return -1;
	}
};

TEST(vma_tree, empty)
{
	vma_fixture f;
	EXPECT_EQ(find_vma(&f.mm, 0), nullptr);
	vm_unmapped_area_info info{VM_UNMAPPED_AREA_TOPDOWN, 4 * P, P, 1UL << 30, 0, 0};
	EXPECT_EQ(vm_unmapped_area(&f.mm, &info), (1UL << 30) - 4 * P);
	info.flags = 0;
	EXPECT_EQ(vm_unmapped_area(&f.mm, &info), P);
	EXPECT_EQ(validate_mm(&f.mm), 0);
}

TEST(vma_tree, overlap_refused_and_gap_below_stack)
{
	vma_fixture f;
	ASSERT_TRUE(__insert_vm_struct(&f.mm, f.make(1000 * P, 1010 * P, true)).is_ok());
	EXPECT_EQ(__insert_vm_struct(&f.mm, f.make(1009 * P, 1011 * P, false)), lib::Error{ENOMEM});
	EXPECT_EQ(__insert_vm_struct(&f.mm, f.make(999 * P, 1001 * P, false)), lib::Error{ENOMEM});
	/* below a stack: the guard gap stays free */
	vm_unmapped_area_info info{VM_UNMAPPED_AREA_TOPDOWN, P, 0, 1000 * P, 0, 0};
	EXPECT_EQ(vm_unmapped_area(&f.mm, &info), 1000 * P - stack_guard_gap - P);
	EXPECT_EQ(find_vma(&f.mm, 5)->vm_start, 1000 * P);
	EXPECT_EQ(find_vma(&f.mm, 1010 * P), nullptr);
	vm_area_struct* prev = nullptr;
	EXPECT_EQ(find_vma_prev(&f.mm, 2000 * P, &prev), nullptr);
	EXPECT_EQ(prev->vm_start, 1000 * P);
}

TEST(vma_tree, random_against_model)
{
	std::mt19937_64 rng(12345);
	for (int round = 0; round < 4; round++) {
		vma_fixture f;
		const unsigned long space = 8192; /* pages */
		auto rnd = [&](unsigned long n) { return n ? rng() % n : 0; };
		for (int op = 0; op < 5000; op++) {
			unsigned kind = unsigned(rnd(10));
			if (kind <= 2 || f.model.empty()) { /* insert */
				unsigned long s = rnd(space) * P, len = (1 + rnd(round & 1 ? 4 : 64)) * P;
				bool stack = rnd(8) == 0;
				bool expect_fail = f.overlaps(s, s + len);
				vm_area_struct* v = f.make(s, s + len, stack);
				lib::Result<void> r = __insert_vm_struct(&f.mm, v);
				ASSERT_EQ(r.is_err(), expect_fail) << "op " << op;
				if (!expect_fail)
					f.model[s] = {s + len, stack};
			} else {
				/* pick an existing VMA */
				auto it = f.model.begin();
				std::advance(it, long(rnd(f.model.size())));
				vm_area_struct* v = find_vma(&f.mm, it->first);
				ASSERT_NE(v, nullptr);
				ASSERT_EQ(v->vm_start, it->first);
				if (kind == 3) { /* remove */
					__vma_unlink(&f.mm, v);
					f.model.erase(it);
				} else if (kind == 4 && v->vm_end - v->vm_start > P) { /* split */
					unsigned long mid = v->vm_start + (1 + rnd((v->vm_end - v->vm_start) / P - 1)) * P;
					vm_area_struct* n = f.make(mid, v->vm_end, false);
					n->vm_flags = v->vm_flags;
					v->vm_end = mid;
					vma_bounds_changed(&f.mm, v);
					ASSERT_TRUE(__insert_vm_struct(&f.mm, n).is_ok());
					f.model[it->first].end = mid;
					f.model[mid] = {n->vm_end, (n->vm_flags & VM_GROWSDOWN) != 0};
				} else if (kind == 5 && v->vm_next && v->vm_next->vm_start == v->vm_end) { /* merge */
					vm_area_struct* n = v->vm_next;
					unsigned long end = n->vm_end;
					__vma_unlink(&f.mm, n);
					v->vm_end = end;
					vma_bounds_changed(&f.mm, v);
					f.model.erase(n->vm_start);
					f.model[v->vm_start].end = end;
				} else if (kind == 6) { /* grow or shrink the end in place */
					unsigned long limit = v->vm_next ? v->vm_next->vm_start : space * P + 64 * P;
					unsigned long end = v->vm_start + (1 + rnd((limit - v->vm_start) / P)) * P;
					if (end > limit)
						end = limit;
					v->vm_end = end;
					vma_bounds_changed(&f.mm, v);
					f.model[v->vm_start].end = end;
				} else if (kind == 7) { /* lookups */
					for (int i = 0; i < 8; i++) {
						unsigned long a = rnd(space * P + 128 * P);
						vm_area_struct* got = find_vma(&f.mm, a);
						auto m = f.model.upper_bound(a);
						if (m != f.model.begin() && std::prev(m)->second.end > a)
							m = std::prev(m);
						if (m == f.model.end())
							ASSERT_EQ(got, nullptr);
						else
							ASSERT_TRUE(got && got->vm_start == m->first);
					}
				} else { /* free-range searches */
					for (int i = 0; i < 4; i++) {
						vm_unmapped_area_info info{};
						info.length = (1 + rnd(rnd(2) ? 4 : 300)) * P;
						info.low_limit = rnd(space / 2) * P;
						info.high_limit = info.low_limit + rnd(space + 300) * P;
						info.align_mask = rnd(3) == 0 ? (16 * P - 1) & PAGE_MASK : 0;
						info.align_offset = rnd(4) * P;
						long want = f.model_topdown(info);
						info.flags = VM_UNMAPPED_AREA_TOPDOWN;
						lib::Result<unsigned long> got = vm_unmapped_area(&f.mm, &info);
						if (want < 0)
							ASSERT_EQ(got, lib::Error{ENOMEM}) << "op " << op << " " << f.dump(info);
						else
							ASSERT_EQ(got, (unsigned long)want) << "op " << op;
						info.flags = 0;
						want = f.model_bottomup(info);
						got = vm_unmapped_area(&f.mm, &info);
						if (want < 0)
							ASSERT_EQ(got, lib::Error{ENOMEM}) << "op " << op << " " << f.dump(info);
						else
							ASSERT_EQ(got, (unsigned long)want) << "op " << op << " " << f.dump(info);
					}
				}
			}
			f.check();
			if (testing::Test::HasFatalFailure())
				return;
		}
	}
}
} // namespace
