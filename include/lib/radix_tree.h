/*
 * radix_tree.h - an index -> pointer map for the page cache (Linux:
 * lib/radix-tree.c, lib/xarray.c; include/linux/xarray.h).
 *
 * A tree of 64-slot nodes, 6 bits of the index per level, as Linux's
 * radix tree (XA_CHUNK_SHIFT 6): a tree of height h holds indices below
 * 64^h; storing a larger index grows it from the top, erasing the last
 * entry below a node frees the node (and shrinks the height back).
 * Entries are non-NULL pointers; NULL means "nothing there".
 *
 * The tree takes no lock and allocates its nodes through the function
 * pointers it is given, so the same source builds into the kernel (nodes
 * from a kmem_cache, under the address_space's i_pages_lock) and into the
 * host tests (tests/host/test_radix_tree.cc).  The caller serialises all
 * calls on one tree; insert() may allocate and so is called where the
 * allocator may be called (the kernel preallocates: see mm/filemap.cc).
 */
#pragma once
#include <cstddef>
#include <cstdint>
#include <lib/result.h>

namespace lib
{

inline constexpr unsigned RADIX_TREE_MAP_SHIFT = 6;
inline constexpr unsigned RADIX_TREE_MAP_SIZE = 1u << RADIX_TREE_MAP_SHIFT;
inline constexpr unsigned long RADIX_TREE_MAP_MASK = RADIX_TREE_MAP_SIZE - 1;

struct radix_tree_node {
	unsigned char shift; /* bits below this level: 0 for a leaf node */
	unsigned char count; /* non-NULL slots */
	void* slots[RADIX_TREE_MAP_SIZE];
};

struct radix_tree_ops {
	radix_tree_node* (*alloc)(void* ctx); /* zeroed node, or NULL */
	void (*free)(radix_tree_node* node, void* ctx);
	void* ctx;
};

class radix_tree
{
public:
	explicit radix_tree(const radix_tree_ops* ops) : ops_(ops) {}
	radix_tree(const radix_tree&) = delete;
	radix_tree& operator=(const radix_tree&) = delete;

	/* the entry at index, or NULL */
	void* lookup(unsigned long index) const;
	/* store item (non-NULL) at an empty index: EEXIST if taken, ENOMEM */
	Result<void> insert(unsigned long index, void* item);
	/* remove and return the entry at index (NULL if none) */
	void* erase(unsigned long index);
	/* the first entry at an index >= *index, or NULL; *index set to its
	 * index (Linux: radix_tree_gang_lookup of one / xa_find) */
	void* find_from(unsigned long* index) const;
	bool empty() const { return root_ == nullptr; }
	unsigned long count() const { return count_; }
	/* nodes in the tree (the tests check nothing leaks) */
	unsigned long nodes() const { return nodes_; }

private:
	unsigned long max_index() const;
	void* find_in(radix_tree_node* n, unsigned long* index) const;
	const radix_tree_ops* ops_;
	radix_tree_node* root_ = nullptr;
	unsigned long count_ = 0;
	unsigned long nodes_ = 0;
};

} // namespace lib
