/*
 * An intrusive red-black tree (Linux: include/linux/rbtree.h,
 * rbtree_types.h, rbtree_augmented.h, lib/rbtree.c).
 *
 * Data structures: struct rb_node is embedded in the object it orders;
 * __rb_parent_color packs the parent pointer with the colour in bit 0
 * (nodes are at least 4-byte aligned).  struct rb_root points at the root;
 * struct rb_root_cached also caches the leftmost node, which the fair
 * scheduler class picks next in O(1).
 *
 * The caller does the search and links the new node (rb_link_node), then
 * rb_insert_color rebalances; rb_erase unlinks and rebalances.  The tree
 * takes no locks and allocates nothing: the caller serializes (the run
 * queue lock for the scheduler).
 *
 * Invariants (checked by tests/host/test_rbtree.cc): the root is black; a
 * red node has no red child; every path from a node to its leaves
 * crosses the same number of black nodes; in-order traversal is the
 * caller's order; rb_leftmost is the first node in order or NULL.
 *
 * Lock order: none (the caller's lock).
 */
#pragma once
#include <cstddef>
#include <cstdint>

#include <lib/container_of.h>

struct rb_node {
	unsigned long __rb_parent_color;
	struct rb_node* rb_right;
	struct rb_node* rb_left;
} __attribute__((aligned(sizeof(long))));

struct rb_root {
	struct rb_node* rb_node;
};

struct rb_root_cached {
	struct rb_root rb_root;
	struct rb_node* rb_leftmost;
};

#define RB_ROOT (rb_root{nullptr})
#define RB_ROOT_CACHED (rb_root_cached{{nullptr}, nullptr})

#define RB_RED 0
#define RB_BLACK 1

static inline struct rb_node* rb_parent(const struct rb_node* n)
{
	return reinterpret_cast<struct rb_node*>(n->__rb_parent_color & ~3UL);
}
static inline bool rb_is_black(const struct rb_node* n)
{
	return n->__rb_parent_color & RB_BLACK;
}
static inline bool rb_is_red(const struct rb_node* n)
{
	return !rb_is_black(n);
}
#define rb_entry(ptr, type, member) container_of(ptr, type, member)
#define RB_EMPTY_ROOT(root) ((root)->rb_node == nullptr)
/* a node not in any tree points at itself (RB_CLEAR_NODE) */
#define RB_EMPTY_NODE(node) ((node)->__rb_parent_color == reinterpret_cast<unsigned long>(node))
#define RB_CLEAR_NODE(node) ((node)->__rb_parent_color = reinterpret_cast<unsigned long>(node))

/* link node as the child *rb_link of parent (red, to be rebalanced) */
static inline void rb_link_node(struct rb_node* node, struct rb_node* parent, struct rb_node** rb_link)
{
	node->__rb_parent_color = reinterpret_cast<unsigned long>(parent);
	node->rb_left = node->rb_right = nullptr;
	*rb_link = node;
}

void rb_insert_color(struct rb_node* node, struct rb_root* root);
void rb_erase(struct rb_node* node, struct rb_root* root);

/*
 * Augmented trees (Linux: include/linux/rbtree_augmented.h): each node
 * carries a value computed from itself and its subtrees.
 *   propagate(node, stop)  recompute node and its ancestors up to stop
 *                          (exclusive; NULL: up to the root)
 *   copy(old, new)         new takes old's place: new->value = old->value
 *   rotate(old, new)       new became old's parent: new->value =
 *                          old->value, then recompute old
 * Insert: link the node, set its value and propagate it to the root, then
 * rb_insert_augmented.  Erase: rb_erase_augmented does the rest.
 */
struct rb_augment_callbacks {
	void (*propagate)(struct rb_node* node, struct rb_node* stop);
	void (*copy)(struct rb_node* old, struct rb_node* new_);
	void (*rotate)(struct rb_node* old, struct rb_node* new_);
};
void rb_insert_augmented(struct rb_node* node, struct rb_root* root, const struct rb_augment_callbacks* augment);
void rb_erase_augmented(struct rb_node* node, struct rb_root* root, const struct rb_augment_callbacks* augment);

struct rb_node* rb_first(const struct rb_root* root);
struct rb_node* rb_last(const struct rb_root* root);
struct rb_node* rb_next(const struct rb_node* node);
struct rb_node* rb_prev(const struct rb_node* node);

static inline void rb_insert_color_cached(struct rb_node* node, struct rb_root_cached* root, bool leftmost)
{
	if (leftmost)
		root->rb_leftmost = node;
	rb_insert_color(node, &root->rb_root);
}
static inline void rb_erase_cached(struct rb_node* node, struct rb_root_cached* root)
{
	if (root->rb_leftmost == node)
		root->rb_leftmost = rb_next(node);
	rb_erase(node, &root->rb_root);
}
static inline struct rb_node* rb_first_cached(const struct rb_root_cached* root)
{
	return root->rb_leftmost;
}

/* insert node in order by less(a, b); equal keys go right (after) */
template <typename Less> void rb_add_cached(struct rb_node* node, struct rb_root_cached* tree, Less less)
{
	struct rb_node** link = &tree->rb_root.rb_node;
	struct rb_node* parent = nullptr;
	bool leftmost = true;
	while (*link) {
		parent = *link;
		if (less(node, parent)) {
			link = &parent->rb_left;
		} else {
			link = &parent->rb_right;
			leftmost = false;
		}
	}
	rb_link_node(node, parent, link);
	rb_insert_color_cached(node, tree, leftmost);
}
