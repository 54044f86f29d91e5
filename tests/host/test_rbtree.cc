// Host tests for include/lib/rbtree.h / lib/rbtree.cc: randomized inserts
// and erases against std::multiset, with the red-black invariants checked
// after every step.
#include <lib/rbtree.h>

#include <gtest/gtest.h>

#include <memory>
#include <random>
#include <set>
#include <vector>

namespace
{
struct item {
	int key;
	struct rb_node node;
};

bool less(const struct rb_node* a, const struct rb_node* b)
{
	return rb_entry(const_cast<rb_node*>(a), item, node)->key < rb_entry(const_cast<rb_node*>(b), item, node)->key;
}

/* black height of n's subtree, -1 on a violation */
int check(const struct rb_node* n, const struct rb_node* parent)
{
	if (!n)
		return 1;
	if (rb_parent(n) != parent)
		return -1;
	if (rb_is_red(n) && ((n->rb_left && rb_is_red(n->rb_left)) || (n->rb_right && rb_is_red(n->rb_right))))
		return -1;
	int l = check(n->rb_left, n), r = check(n->rb_right, n);
	if (l < 0 || r < 0 || l != r)
		return -1;
	return l + (rb_is_black(n) ? 1 : 0);
}

void verify(const rb_root_cached& t, const std::multiset<int>& ref)
{
	ASSERT_GE(check(t.rb_root.rb_node, nullptr), 0);
	if (t.rb_root.rb_node) {
		ASSERT_TRUE(rb_is_black(t.rb_root.rb_node));
	}
	ASSERT_EQ(t.rb_leftmost, rb_first(&t.rb_root));
	std::vector<int> got;
	for (rb_node* n = rb_first(&t.rb_root); n; n = rb_next(n))
		got.push_back(rb_entry(n, item, node)->key);
	ASSERT_EQ(got, std::vector<int>(ref.begin(), ref.end()));
	std::vector<int> back;
	for (rb_node* n = rb_last(&t.rb_root); n; n = rb_prev(n))
		back.push_back(rb_entry(n, item, node)->key);
	ASSERT_EQ(back, std::vector<int>(ref.rbegin(), ref.rend()));
}

TEST(rbtree, empty)
{
	rb_root_cached t = RB_ROOT_CACHED;
	EXPECT_EQ(rb_first(&t.rb_root), nullptr);
	EXPECT_EQ(rb_first_cached(&t), nullptr);
	EXPECT_TRUE(RB_EMPTY_ROOT(&t.rb_root));
}

TEST(rbtree, ascending_and_descending_inserts_stay_balanced)
{
	for (int dir = 0; dir < 2; dir++) {
		rb_root_cached t = RB_ROOT_CACHED;
		std::vector<std::unique_ptr<item>> items;
		std::multiset<int> ref;
		for (int i = 0; i < 1000; i++) {
			items.push_back(std::make_unique<item>(item{dir ? -i : i, {}}));
			rb_add_cached(&items.back()->node, &t, less);
			ref.insert(items.back()->key);
		}
		verify(t, ref);
		int h = check(t.rb_root.rb_node, nullptr);
		EXPECT_LE(h, 11); /* black height <= log2(n+1) */
	}
}

TEST(rbtree, randomized_against_multiset)
{
	std::mt19937 rng(12345);
	rb_root_cached t = RB_ROOT_CACHED;
	std::vector<std::unique_ptr<item>> live;
	std::multiset<int> ref;
	for (int step = 0; step < 20000; step++) {
		bool insert = live.empty() || rng() % 100 < 55;
		if (insert) {
			live.push_back(std::make_unique<item>(item{int(rng() % 500), {}}));
			rb_add_cached(&live.back()->node, &t, less);
			ref.insert(live.back()->key);
		} else {
			size_t i = rng() % live.size();
			rb_erase_cached(&live[i]->node, &t);
			EXPECT_TRUE(RB_EMPTY_NODE(&live[i]->node));
			ref.erase(ref.find(live[i]->key));
			live[i] = std::move(live.back());
			live.pop_back();
		}
		if (step % 97 == 0 || live.size() < 8)
			verify(t, ref);
		if (HasFatalFailure())
			return;
	}
	while (!live.empty()) {
		rb_erase_cached(&live.back()->node, &t);
		ref.erase(ref.find(live.back()->key));
		live.pop_back();
		verify(t, ref);
		if (HasFatalFailure())
			return;
	}
	EXPECT_TRUE(RB_EMPTY_ROOT(&t.rb_root));
	EXPECT_EQ(t.rb_leftmost, nullptr);
}
} // namespace
