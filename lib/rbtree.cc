/*
 * Red-black tree rebalancing (Linux: lib/rbtree.c, include/linux/
 * rbtree_augmented.h rb_insert_augmented/rb_erase_augmented).
 *
 * Data structures: struct rb_node / rb_root (<lib/rbtree.h>); the colour
 * lives in bit 0 of __rb_parent_color.  An augmented tree keeps a value
 * per node computed from the node and its two subtrees (the VMA tree's
 * rb_subtree_gap); struct rb_augment_callbacks says how to keep it.
 *
 * Invariants: on return from rb_insert_color and rb_erase the red-black
 * properties hold again (root black, no red-red edge, equal black height).
 * Rotations keep in-order sequence unchanged.  Augmented: every rotation
 * calls rotate(old, new) (new takes old's place, so it inherits old's
 * subtree value; old is recomputed from its new children); an erase
 * recomputes every node from the point the structure changed up to the
 * root (propagate(node, NULL)) before it rebalances.  The caller of
 * rb_insert_augmented has computed the new node's value and propagated it
 * to the root already, as Linux requires.
 *
 * Lock order: none; the caller serializes.
 */
#include <lib/rbtree.h>

namespace
{
inline void set_parent_color(struct rb_node* n, struct rb_node* p, int color)
{
	n->__rb_parent_color = reinterpret_cast<unsigned long>(p) | unsigned(color);
}
inline void set_parent(struct rb_node* n, struct rb_node* p)
{
	n->__rb_parent_color = (n->__rb_parent_color & 3UL) | reinterpret_cast<unsigned long>(p);
}
inline void set_black(struct rb_node* n)
{
	n->__rb_parent_color |= RB_BLACK;
}
inline void set_red(struct rb_node* n)
{
	n->__rb_parent_color &= ~1UL;
}
inline int color_of(const struct rb_node* n)
{
	return n ? int(n->__rb_parent_color & 1) : RB_BLACK;
}

/* replace old with new_ as the child of parent (or as the root) */
inline void change_child(struct rb_node* old, struct rb_node* new_, struct rb_node* parent, struct rb_root* root)
{
	if (parent) {
		if (parent->rb_left == old)
			parent->rb_left = new_;
		else
			parent->rb_right = new_;
	} else {
		root->rb_node = new_;
	}
}

/* the plain tree: no augmentation, compiled away (the scheduler's tree) */
struct no_augment {
	void propagate(struct rb_node*, struct rb_node*) const {}
	void copy(struct rb_node*, struct rb_node*) const {}
	void rotate(struct rb_node*, struct rb_node*) const {}
};
/* an augmented tree: the caller's callbacks */
struct augment {
	const struct rb_augment_callbacks* cb;
	void propagate(struct rb_node* n, struct rb_node* stop) const { cb->propagate(n, stop); }
	void copy(struct rb_node* o, struct rb_node* n) const { cb->copy(o, n); }
	void rotate(struct rb_node* o, struct rb_node* n) const { cb->rotate(o, n); }
};

template <typename Aug> void rotate_left(struct rb_node* x, struct rb_root* root, const Aug& aug)
{
	struct rb_node* y = x->rb_right;
	struct rb_node* p = rb_parent(x);
	x->rb_right = y->rb_left;
	if (y->rb_left)
		set_parent(y->rb_left, x);
	y->rb_left = x;
	set_parent(y, p);
	change_child(x, y, p, root);
	set_parent(x, y);
	aug.rotate(x, y);
}

template <typename Aug> void rotate_right(struct rb_node* x, struct rb_root* root, const Aug& aug)
{
	struct rb_node* y = x->rb_left;
	struct rb_node* p = rb_parent(x);
	x->rb_left = y->rb_right;
	if (y->rb_right)
		set_parent(y->rb_right, x);
	y->rb_right = x;
	set_parent(y, p);
	change_child(x, y, p, root);
	set_parent(x, y);
	aug.rotate(x, y);
}

/* node (possibly NULL) with parent carries an extra black: fix it */
template <typename Aug> void erase_fixup(struct rb_node* node, struct rb_node* parent, struct rb_root* root,
                 const Aug& aug)
{
	while (node != root->rb_node && color_of(node) == RB_BLACK) {
		if (node == parent->rb_left) {
			struct rb_node* w = parent->rb_right;
			if (color_of(w) == RB_RED) {
				set_black(w);
				set_red(parent);
				rotate_left(parent, root, aug);
				w = parent->rb_right;
			}
			if (color_of(w->rb_left) == RB_BLACK && color_of(w->rb_right) == RB_BLACK) {
				set_red(w);
				node = parent;
				parent = rb_parent(node);
			} else {
				if (color_of(w->rb_right) == RB_BLACK) {
					set_black(w->rb_left);
					set_red(w);
					rotate_right(w, root, aug);
					w = parent->rb_right;
				}
				w->__rb_parent_color = (w->__rb_parent_color & ~1UL) | unsigned(color_of(parent));
				set_black(parent);
				set_black(w->rb_right);
				rotate_left(parent, root, aug);
				node = root->rb_node;
				break;
			}
		} else {
			struct rb_node* w = parent->rb_left;
			if (color_of(w) == RB_RED) {
				set_black(w);
				set_red(parent);
				rotate_right(parent, root, aug);
				w = parent->rb_left;
			}
			if (color_of(w->rb_left) == RB_BLACK && color_of(w->rb_right) == RB_BLACK) {
				set_red(w);
				node = parent;
				parent = rb_parent(node);
			} else {
				if (color_of(w->rb_left) == RB_BLACK) {
					set_black(w->rb_right);
					set_red(w);
					rotate_left(w, root, aug);
					w = parent->rb_left;
				}
				w->__rb_parent_color = (w->__rb_parent_color & ~1UL) | unsigned(color_of(parent));
				set_black(parent);
				set_black(w->rb_left);
				rotate_right(parent, root, aug);
				node = root->rb_node;
				break;
			}
		}
	}
	if (node)
		set_black(node);
}
template <typename Aug> void insert(struct rb_node* node, struct rb_root* root, const Aug& aug)
{
	struct rb_node* parent;
	while ((parent = rb_parent(node)) && rb_is_red(parent)) {
		struct rb_node* gparent = rb_parent(parent); /* a red parent is never the root */
		if (parent == gparent->rb_left) {
			struct rb_node* uncle = gparent->rb_right;
			if (uncle && rb_is_red(uncle)) {
				set_black(uncle);
				set_black(parent);
				set_red(gparent);
				node = gparent;
				continue;
			}
			if (node == parent->rb_right) {
				rotate_left(parent, root, aug);
				struct rb_node* t = parent;
				parent = node;
				node = t;
			}
			set_black(parent);
			set_red(gparent);
			rotate_right(gparent, root, aug);
		} else {
			struct rb_node* uncle = gparent->rb_left;
			if (uncle && rb_is_red(uncle)) {
				set_black(uncle);
				set_black(parent);
				set_red(gparent);
				node = gparent;
				continue;
			}
			if (node == parent->rb_left) {
				rotate_right(parent, root, aug);
				struct rb_node* t = parent;
				parent = node;
				node = t;
			}
			set_black(parent);
			set_red(gparent);
			rotate_left(gparent, root, aug);
		}
	}
	set_black(root->rb_node);
}

template <typename Aug> void erase(struct rb_node* node, struct rb_root* root, const Aug& aug)
{
	struct rb_node *child, *parent;
	struct rb_node* changed; /* the lowest node whose subtree lost node */
	int color;
	if (!node->rb_left || !node->rb_right) {
		child = node->rb_left ? node->rb_left : node->rb_right;
		parent = rb_parent(node);
		color = color_of(node);
		if (child)
			set_parent(child, parent);
		change_child(node, child, parent, root);
		changed = parent;
	} else {
		/* the successor takes node's place and colour */
		struct rb_node* succ = node->rb_right;
		while (succ->rb_left)
			succ = succ->rb_left;
		child = succ->rb_right;
		color = color_of(succ);
		parent = rb_parent(succ);
		if (parent == node) {
			parent = succ;
			changed = succ;
		} else {
			changed = parent;
			if (child)
				set_parent(child, parent);
			parent->rb_left = child;
			succ->rb_right = node->rb_right;
			set_parent(node->rb_right, succ);
		}
		succ->rb_left = node->rb_left;
		set_parent(node->rb_left, succ);
		change_child(node, succ, rb_parent(node), root);
		succ->__rb_parent_color = node->__rb_parent_color;
		aug.copy(node, succ);
	}
	if (changed)
		aug.propagate(changed, nullptr);
	if (color == RB_BLACK)
		erase_fixup(child, parent, root, aug);
	RB_CLEAR_NODE(node);
}
} // namespace

void rb_insert_color(struct rb_node* node, struct rb_root* root)
{
	insert(node, root, no_augment{});
}

void rb_erase(struct rb_node* node, struct rb_root* root)
{
	erase(node, root, no_augment{});
}

void rb_insert_augmented(struct rb_node* node, struct rb_root* root, const struct rb_augment_callbacks* augment)
{
	insert(node, root, ::augment{augment});
}

void rb_erase_augmented(struct rb_node* node, struct rb_root* root, const struct rb_augment_callbacks* augment)
{
	erase(node, root, ::augment{augment});
}

struct rb_node* rb_first(const struct rb_root* root)
{
	struct rb_node* n = root->rb_node;
	if (!n)
		return nullptr;
	while (n->rb_left)
		n = n->rb_left;
	return n;
}

struct rb_node* rb_last(const struct rb_root* root)
{
	struct rb_node* n = root->rb_node;
	if (!n)
		return nullptr;
	while (n->rb_right)
		n = n->rb_right;
	return n;
}

struct rb_node* rb_next(const struct rb_node* node)
{
	if (node->rb_right) {
		node = node->rb_right;
		while (node->rb_left)
			node = node->rb_left;
		return const_cast<struct rb_node*>(node);
	}
	struct rb_node* parent;
	while ((parent = rb_parent(node)) && node == parent->rb_right)
		node = parent;
	return parent;
}

struct rb_node* rb_prev(const struct rb_node* node)
{
	if (node->rb_left) {
		node = node->rb_left;
		while (node->rb_right)
			node = node->rb_right;
		return const_cast<struct rb_node*>(node);
	}
	struct rb_node* parent;
	while ((parent = rb_parent(node)) && node == parent->rb_left)
		node = parent;
	return parent;
}
