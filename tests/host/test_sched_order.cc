// Host tests for include/kernel/sched_order.h, the run-queue ordering the
// scheduler uses (Linux: kernel/sched/fair.c's tasks_timeline ordered by
// vruntime, kernel/sched/rt.c's priority bitmap): a red-black tree of
// entities keyed by vruntime_before gives the smallest vruntime leftmost,
// also across u64 wrap-around, FIFO among equal keys; the bitmap finds the
// highest RT priority (lowest number) queued.
#include <kernel/sched_order.h>
#include <lib/rbtree.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

namespace
{
struct entity {
	uint64_t vruntime;
	int id;
	struct rb_node run_node;
};

bool entity_before(const struct rb_node* a, const struct rb_node* b)
{
	return vruntime_before(rb_entry(const_cast<rb_node*>(a), entity, run_node)->vruntime,
	                       rb_entry(const_cast<rb_node*>(b), entity, run_node)->vruntime);
}

entity* leftmost(struct rb_root_cached* t)
{
	struct rb_node* n = rb_first_cached(t);
	return n ? rb_entry(n, entity, run_node) : nullptr;
}

/* enqueue all, then pick-and-dequeue: the order pick_next_task_fair sees */
std::vector<int> pick_order(std::vector<entity>& es)
{
	struct rb_root_cached t = RB_ROOT_CACHED;
	for (auto& e : es)
		rb_add_cached(&e.run_node, &t, entity_before);
	std::vector<int> order;
	while (entity* e = leftmost(&t)) {
		order.push_back(e->id);
		rb_erase_cached(&e->run_node, &t);
	}
	return order;
}
} // namespace

TEST(SchedOrder, VruntimeCompareIsWrapSafe)
{
	EXPECT_TRUE(vruntime_before(1, 2));
	EXPECT_FALSE(vruntime_before(2, 1));
	EXPECT_FALSE(vruntime_before(5, 5));
	EXPECT_TRUE(vruntime_before(UINT64_MAX - 10, 5)); /* 5 is after the wrap */
	EXPECT_EQ(max_vruntime(UINT64_MAX - 10, 5), 5u);
	EXPECT_EQ(min_vruntime_of(UINT64_MAX - 10, 5), UINT64_MAX - 10);
	EXPECT_EQ(max_vruntime(100, 7), 100u);
	EXPECT_EQ(min_vruntime_of(100, 7), 7u);
}

TEST(SchedOrder, FairTreePicksSmallestVruntimeFirst)
{
	std::mt19937_64 rng(5);
	std::vector<entity> es(1000);
	for (int i = 0; i < int(es.size()); i++)
		es[i] = {rng() % 1000000, i, {}};
	std::vector<int> got = pick_order(es);
	std::vector<int> want(es.size());
	for (int i = 0; i < int(want.size()); i++)
		want[i] = i;
	std::stable_sort(want.begin(), want.end(), [&](int a, int b) { return es[a].vruntime < es[b].vruntime; });
	EXPECT_EQ(got, want);
}

TEST(SchedOrder, FairTreeEqualVruntimesAreFifo)
{
	std::vector<entity> es;
	for (int i = 0; i < 8; i++)
		es.push_back({42, i, {}});
	EXPECT_EQ(pick_order(es), (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7}));
}

TEST(SchedOrder, FairTreeAcrossWrap)
{
	/* min_vruntime near the top of u64: the wrapped ones ran less */
	std::vector<entity> es = {
	    {3, 0, {}}, {UINT64_MAX - 1, 1, {}}, {UINT64_MAX - 100, 2, {}}, {0, 3, {}}, {1000, 4, {}}};
	EXPECT_EQ(pick_order(es), (std::vector<int>{2, 1, 3, 0, 4}));
}

TEST(SchedOrder, RtBitmapPicksHighestPriority)
{
	unsigned long bitmap[2] = {0, 0}; /* MAX_RT_PRIO 100 */
	EXPECT_EQ(sched_find_first_bit(bitmap, 2), -1);
	prio_bitmap_set(bitmap, 99);
	EXPECT_EQ(sched_find_first_bit(bitmap, 2), 99);
	prio_bitmap_set(bitmap, 64);
	EXPECT_EQ(sched_find_first_bit(bitmap, 2), 64);
	prio_bitmap_set(bitmap, 63);
	EXPECT_EQ(sched_find_first_bit(bitmap, 2), 63);
	prio_bitmap_set(bitmap, 0);
	EXPECT_EQ(sched_find_first_bit(bitmap, 2), 0);
	prio_bitmap_clear(bitmap, 0);
	prio_bitmap_clear(bitmap, 63);
	EXPECT_EQ(sched_find_first_bit(bitmap, 2), 64);
	prio_bitmap_clear(bitmap, 64);
	prio_bitmap_clear(bitmap, 99);
	EXPECT_EQ(sched_find_first_bit(bitmap, 2), -1);
	/* every single priority is found */
	for (int p = 0; p < 100; p++) {
		prio_bitmap_set(bitmap, p);
		prio_bitmap_set(bitmap, 99);
		EXPECT_EQ(sched_find_first_bit(bitmap, 2), p);
		prio_bitmap_clear(bitmap, p);
		prio_bitmap_clear(bitmap, 99);
	}
}
