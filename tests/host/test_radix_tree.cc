// The page cache's index tree (lib/radix_tree.cc): lookups, growth and
// shrinking of the height, EEXIST, ENOMEM with the tree intact, find_from,
// and every node given back.
#include <cstdlib>
#include <gtest/gtest.h>
#include <lib/radix_tree.h>
#include <map>
#include <uapi/asm-generic/errno-base.h>

namespace
{
struct counting_alloc {
	long live = 0;
	long fail_after = -1; /* allocations left before one fails; -1: never */
};
lib::radix_tree_node* node_alloc(void* ctx)
{
	auto* a = static_cast<counting_alloc*>(ctx);
	if (a->fail_after == 0)
		return nullptr;
	if (a->fail_after > 0)
		a->fail_after--;
	a->live++;
	return static_cast<lib::radix_tree_node*>(calloc(1, sizeof(lib::radix_tree_node)));
}
void node_free(lib::radix_tree_node* n, void* ctx)
{
	static_cast<counting_alloc*>(ctx)->live--;
	free(n);
}
void* item(unsigned long i)
{
	return reinterpret_cast<void*>((i << 4) | 8);
}
} // namespace

TEST(radix_tree, insert_lookup_erase_and_nodes_given_back)
{
	counting_alloc a;
	lib::radix_tree_ops ops{node_alloc, node_free, &a};
	lib::radix_tree t(&ops);
	EXPECT_TRUE(t.empty());
	EXPECT_EQ(t.lookup(0), nullptr);
	const unsigned long idx[] = {0, 1, 63, 64, 4095, 4096, 1UL << 30, (1UL << 40) + 7, ~0UL >> 4};
	for (unsigned long i : idx)
		ASSERT_TRUE(t.insert(i, item(i)).is_ok()) << i;
	EXPECT_EQ(t.count(), sizeof(idx) / sizeof(idx[0]));
	for (unsigned long i : idx)
		EXPECT_EQ(t.lookup(i), item(i)) << i;
	EXPECT_EQ(t.lookup(2), nullptr);
	EXPECT_EQ(t.lookup(4097), nullptr);
	EXPECT_EQ(t.insert(63, item(1)), lib::Error{EEXIST});
	EXPECT_EQ(t.insert(5, nullptr), lib::Error{EINVAL});
	EXPECT_EQ(t.erase(2), nullptr);
	for (unsigned long i : idx)
		EXPECT_EQ(t.erase(i), item(i)) << i;
	EXPECT_TRUE(t.empty());
	EXPECT_EQ(t.nodes(), 0u);
	EXPECT_EQ(a.live, 0);
}

TEST(radix_tree, find_from_walks_in_index_order)
{
	counting_alloc a;
	lib::radix_tree_ops ops{node_alloc, node_free, &a};
	lib::radix_tree t(&ops);
	std::map<unsigned long, void*> ref;
	srand(1);
	for (int k = 0; k < 2000; k++) {
		unsigned long i = (unsigned long)rand() % 100000;
		if (ref.count(i))
			continue;
		ASSERT_TRUE(t.insert(i, item(i)).is_ok());
		ref[i] = item(i);
	}
	unsigned long pos = 0;
	auto it = ref.begin();
	for (;;) {
		void* e = t.find_from(&pos);
		if (!e) {
			EXPECT_EQ(it, ref.end());
			break;
		}
		ASSERT_NE(it, ref.end());
		EXPECT_EQ(pos, it->first);
		EXPECT_EQ(e, it->second);
		++it;
		pos++;
	}
	for (auto& [i, v] : ref)
		EXPECT_EQ(t.erase(i), v);
	EXPECT_EQ(a.live, 0);
}

TEST(radix_tree, enomem_leaves_the_tree_usable)
{
	counting_alloc a;
	lib::radix_tree_ops ops{node_alloc, node_free, &a};
	lib::radix_tree t(&ops);
	ASSERT_TRUE(t.insert(3, item(3)).is_ok());
	a.fail_after = 1;
	EXPECT_EQ(t.insert(1UL << 20, item(9)), lib::Error{ENOMEM});
	a.fail_after = -1;
	EXPECT_EQ(t.lookup(3), item(3));
	EXPECT_EQ(t.lookup(1UL << 20), nullptr);
	ASSERT_TRUE(t.insert(1UL << 20, item(9)).is_ok());
	EXPECT_EQ(t.erase(3), item(3));
	EXPECT_EQ(t.erase(1UL << 20), item(9));
	EXPECT_EQ(a.live, 0);
}
