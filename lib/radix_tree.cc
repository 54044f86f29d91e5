/*
 * The page cache's index tree (Linux: lib/radix-tree.c); see
 * <lib/radix_tree.h> for the shape and the rules.  Freestanding: the
 * kernel and the host tests build this same file.
 *
 * Invariants: root_ is NULL for an empty tree, else a node whose shift
 * gives the height; an interior node's slots hold child nodes, a leaf's
 * (shift 0) hold the entries; count is the number of non-NULL slots and
 * no node but the root's path is ever empty after an erase (empty nodes
 * are freed on the way back up).
 */
#include <lib/radix_tree.h>
#include <uapi/asm-generic/errno-base.h>

namespace lib
{

unsigned long radix_tree::max_index() const
{
	if (!root_)
		return 0;
	unsigned bits = root_->shift + RADIX_TREE_MAP_SHIFT;
	return bits >= 64 ? ~0UL : (1UL << bits) - 1;
}

void* radix_tree::lookup(unsigned long index) const
{
	radix_tree_node* n = root_;
	if (!n || index > max_index())
		return nullptr;
	for (;;) {
		void* slot = n->slots[(index >> n->shift) & RADIX_TREE_MAP_MASK];
		if (!slot || n->shift == 0)
			return slot;
		n = static_cast<radix_tree_node*>(slot);
	}
}

Result<void> radix_tree::insert(unsigned long index, void* item)
{
	if (!item)
		return Error{EINVAL};
	if (!root_) {
		radix_tree_node* n = ops_->alloc(ops_->ctx);
		if (!n)
			return Error{ENOMEM};
		nodes_++;
		n->shift = 0;
		root_ = n;
	}
	/* grow: a new root above the old one until index fits */
	while (index > max_index()) {
		radix_tree_node* n = ops_->alloc(ops_->ctx);
		if (!n)
			return Error{ENOMEM}; /* the tree is as it was (maybe taller) */
		nodes_++;
		n->shift = root_->shift + RADIX_TREE_MAP_SHIFT;
		if (root_->count) {
			n->slots[0] = root_;
			n->count = 1;
		} else {
			ops_->free(root_, ops_->ctx);
			nodes_--;
		}
		root_ = n;
	}
	radix_tree_node* n = root_;
	/* nodes made on the way down, undone if a later one cannot be made */
	radix_tree_node* made_parent[12];
	unsigned made_off[12];
	int made = 0;
	while (n->shift) {
		unsigned off = (index >> n->shift) & RADIX_TREE_MAP_MASK;
		auto* child = static_cast<radix_tree_node*>(n->slots[off]);
		if (!child) {
			child = ops_->alloc(ops_->ctx);
			if (!child) {
				while (made--) {
					radix_tree_node* p = made_parent[made];
					ops_->free(static_cast<radix_tree_node*>(p->slots[made_off[made]]), ops_->ctx);
					p->slots[made_off[made]] = nullptr;
					p->count--;
					nodes_--;
				}
				return Error{ENOMEM};
			}
			made_parent[made] = n;
			made_off[made++] = off;
			nodes_++;
			child->shift = n->shift - RADIX_TREE_MAP_SHIFT;
			n->slots[off] = child;
			n->count++;
		}
		n = child;
	}
	unsigned off = index & RADIX_TREE_MAP_MASK;
	if (n->slots[off])
		return Error{EEXIST};
	n->slots[off] = item;
	n->count++;
	count_++;
	return ok();
}

void* radix_tree::erase(unsigned long index)
{
	if (!root_ || index > max_index())
		return nullptr;
	radix_tree_node* path[12];
	unsigned offs[12];
	int depth = 0;
	radix_tree_node* n = root_;
	for (;;) {
		unsigned off = (index >> n->shift) & RADIX_TREE_MAP_MASK;
		path[depth] = n;
		offs[depth] = off;
		depth++;
		if (n->shift == 0)
			break;
		n = static_cast<radix_tree_node*>(n->slots[off]);
		if (!n)
			return nullptr;
	}
	radix_tree_node* leaf = path[depth - 1];
	void* item = leaf->slots[offs[depth - 1]];
	if (!item)
		return nullptr;
	count_--;
	/* clear the slot; free nodes left empty, bottom up */
	for (int d = depth - 1; d >= 0; d--) {
		path[d]->slots[offs[d]] = nullptr;
		if (--path[d]->count)
			break;
		ops_->free(path[d], ops_->ctx);
		nodes_--;
		if (d == 0)
			root_ = nullptr;
		else
			continue;
	}
	/* shrink: a root whose only child is slot 0 gives way to it */
	while (root_ && root_->shift && root_->count == 1 && root_->slots[0]) {
		radix_tree_node* old = root_;
		root_ = static_cast<radix_tree_node*>(old->slots[0]);
		ops_->free(old, ops_->ctx);
		nodes_--;
	}
	return item;
}

void* radix_tree::find_in(radix_tree_node* n, unsigned long* index) const
{
	unsigned long base = *index & ~((RADIX_TREE_MAP_SIZE << n->shift) - 1);
	if (n->shift + RADIX_TREE_MAP_SHIFT >= 64)
		base = 0;
	for (unsigned off = (*index >> n->shift) & RADIX_TREE_MAP_MASK; off < RADIX_TREE_MAP_SIZE; off++) {
		unsigned long start = base + (static_cast<unsigned long>(off) << n->shift);
		if (start < base)
			break; /* wrapped */
		void* slot = n->slots[off];
		if (!slot)
			continue;
		if (n->shift == 0) {
			*index = start;
			return slot;
		}
		unsigned long sub = start > *index ? start : *index;
		if (void* item = find_in(static_cast<radix_tree_node*>(slot), &sub)) {
			*index = sub;
			return item;
		}
	}
	return nullptr;
}

void* radix_tree::find_from(unsigned long* index) const
{
	if (!root_ || *index > max_index())
		return nullptr;
	return find_in(root_, index);
}

} // namespace lib
