/*
 * The VMAs of an mm: the sorted list and the augmented red-black tree,
 * lookups and the free-range search (Linux 5.x: mm/mmap.c find_vma,
 * find_vma_prev, find_vma_links, __vma_link_list, __vma_link_rb,
 * __vma_unlink_list, vma_compute_subtree_gap, vma_gap_update,
 * unmapped_area, unmapped_area_topdown, validate_mm).
 *
 * Data structures: mm->mmap (the list) and mm->mm_rb (the tree) hold the
 * same VMAs in address order; each VMA's rb_subtree_gap is the largest
 * free gap below a VMA of its subtree, where the gap below v is
 * vm_start_gap(v) - vm_end_gap(v->vm_prev) (the stack guard gap counted
 * as used): the search for a free range of length L descends only into
 * subtrees whose rb_subtree_gap >= L, O(log n).
 *
 * Invariants: see <mm/mm_types.h>; validate_mm() checks them all and is
 * what the host test (tests/host/test_vma.cc) runs after every step.
 *
 * Difference from Linux 5.x: the searches prune a subtree, or stop, by a
 * VMA's vm_start, not by vm_start_gap(): a stack's guard gap may reach
 * below VMAs that precede it (MAP_FIXED can put one there), so
 * vm_start_gap() is not monotonic in the tree's order, and Linux's pruning
 * by it can miss a free range that exists (the host test's model found
 * such a case).
 *
 * The algorithm core of the address space: it touches only the VMAs and
 * the fields of mm_struct listed above, allocates nothing and takes no
 * lock, so this same file builds into the host tests.  The caller holds
 * mm->mmap_lock for writing to change the tree, for reading to search it.
 *
 * Lock order: none of its own (the caller's mmap_lock).
 */
#include <mm/mm.h>

unsigned long stack_guard_gap = 256UL << PAGE_SHIFT;

namespace
{
inline struct vm_area_struct* rb_vma(struct rb_node* n)
{
	return n ? rb_entry(n, struct vm_area_struct, vm_rb) : nullptr;
}

unsigned long vma_compute_gap(const struct vm_area_struct* vma)
{
	unsigned long gap = vm_start_gap(vma);
	if (vma->vm_prev) {
		unsigned long prev_end = vm_end_gap(vma->vm_prev);
		gap = gap > prev_end ? gap - prev_end : 0;
	}
	return gap;
}

unsigned long vma_compute_subtree_gap(const struct vm_area_struct* vma)
{
	unsigned long max = vma_compute_gap(vma);
	if (struct vm_area_struct* l = rb_vma(vma->vm_rb.rb_left))
		if (l->rb_subtree_gap > max)
			max = l->rb_subtree_gap;
	if (struct vm_area_struct* r = rb_vma(vma->vm_rb.rb_right))
		if (r->rb_subtree_gap > max)
			max = r->rb_subtree_gap;
	return max;
}

/* The augmented callbacks.  propagate recomputes every node up to stop,
 * without Linux's early exit when a value did not change: rb_erase_augmented
 * (lib/rbtree.cc) relies on the whole path being recomputed. */
void gap_propagate(struct rb_node* rb, struct rb_node* stop)
{
	while (rb != stop) {
		struct vm_area_struct* v = rb_vma(rb);
		v->rb_subtree_gap = vma_compute_subtree_gap(v);
		rb = rb_parent(rb);
	}
}
void gap_copy(struct rb_node* rb_old, struct rb_node* rb_new)
{
	rb_vma(rb_new)->rb_subtree_gap = rb_vma(rb_old)->rb_subtree_gap;
}
void gap_rotate(struct rb_node* rb_old, struct rb_node* rb_new)
{
	rb_vma(rb_new)->rb_subtree_gap = rb_vma(rb_old)->rb_subtree_gap;
	rb_vma(rb_old)->rb_subtree_gap = vma_compute_subtree_gap(rb_vma(rb_old));
}
const struct rb_augment_callbacks vma_gap_callbacks = {gap_propagate, gap_copy, gap_rotate};
} // namespace

void vma_gap_update(struct vm_area_struct* vma)
{
	gap_propagate(&vma->vm_rb, nullptr);
}

struct vm_area_struct* find_vma(struct mm_struct* mm, unsigned long addr)
{
	struct rb_node* n = mm->mm_rb.rb_node;
	struct vm_area_struct* found = nullptr;
	while (n) {
		struct vm_area_struct* v = rb_vma(n);
		if (v->vm_end > addr) {
			found = v;
			if (v->vm_start <= addr)
				break;
			n = n->rb_left;
		} else {
			n = n->rb_right;
		}
	}
	return found;
}

struct vm_area_struct* find_vma_prev(struct mm_struct* mm, unsigned long addr, struct vm_area_struct** pprev)
{
	struct vm_area_struct* vma = find_vma(mm, addr);
	if (vma) {
		*pprev = vma->vm_prev;
	} else {
		struct rb_node* last = rb_last(&mm->mm_rb);
		*pprev = rb_vma(last);
	}
	return vma;
}

lib::Result<void> find_vma_links(struct mm_struct* mm, unsigned long addr, unsigned long end,
                                 struct vm_area_struct** pprev, struct rb_node*** rb_link,
                                 struct rb_node** rb_parent_out)
{
	struct rb_node** link = &mm->mm_rb.rb_node;
	struct rb_node *parent = nullptr, *prev = nullptr;
	while (*link) {
		parent = *link;
		struct vm_area_struct* v = rb_vma(parent);
		if (v->vm_end > addr) {
			if (v->vm_start < end) /* overlaps [addr, end) */
				return lib::Error{ENOMEM};
			link = &parent->rb_left;
		} else {
			prev = parent;
			link = &parent->rb_right;
		}
	}
	*pprev = rb_vma(prev);
	*rb_link = link;
	*rb_parent_out = parent;
	return lib::ok();
}

void __vma_link_list(struct mm_struct* mm, struct vm_area_struct* vma, struct vm_area_struct* prev)
{
	struct vm_area_struct* next;
	vma->vm_prev = prev;
	if (prev) {
		next = prev->vm_next;
		prev->vm_next = vma;
	} else {
		next = mm->mmap;
		mm->mmap = vma;
	}
	vma->vm_next = next;
	if (next)
		next->vm_prev = vma;
}

void __vma_link_rb(struct mm_struct* mm, struct vm_area_struct* vma, struct rb_node** rb_link,
                   struct rb_node* rb_parent_node)
{
	/* the list is linked first: the gaps are computed from vm_prev */
	if (vma->vm_next)
		vma_gap_update(vma->vm_next);
	else
		mm->highest_vm_end = vm_end_gap(vma);
	rb_link_node(&vma->vm_rb, rb_parent_node, rb_link);
	vma->rb_subtree_gap = 0;
	vma_gap_update(vma);
	rb_insert_augmented(&vma->vm_rb, &mm->mm_rb, &vma_gap_callbacks);
}

void __vma_link(struct mm_struct* mm, struct vm_area_struct* vma, struct vm_area_struct* prev,
                struct rb_node** rb_link, struct rb_node* rb_parent_node)
{
	__vma_link_list(mm, vma, prev);
	__vma_link_rb(mm, vma, rb_link, rb_parent_node);
	mm->map_count++;
}

lib::Result<void> __insert_vm_struct(struct mm_struct* mm, struct vm_area_struct* vma)
{
	struct vm_area_struct* prev;
	struct rb_node** rb_link;
	struct rb_node* rb_parent_node;
	TRY(find_vma_links(mm, vma->vm_start, vma->vm_end, &prev, &rb_link, &rb_parent_node));
	vma->vm_mm = mm;
	__vma_link(mm, vma, prev, rb_link, rb_parent_node);
	return lib::ok();
}

void __vma_unlink(struct mm_struct* mm, struct vm_area_struct* vma)
{
	rb_erase_augmented(&vma->vm_rb, &mm->mm_rb, &vma_gap_callbacks);
	struct vm_area_struct *prev = vma->vm_prev, *next = vma->vm_next;
	if (prev)
		prev->vm_next = next;
	else
		mm->mmap = next;
	if (next) {
		next->vm_prev = prev;
		vma_gap_update(next);
	} else {
		mm->highest_vm_end = prev ? vm_end_gap(prev) : 0;
	}
	vma->vm_next = vma->vm_prev = nullptr;
	mm->map_count--;
}

void vma_bounds_changed(struct mm_struct* mm, struct vm_area_struct* vma)
{
	vma_gap_update(vma);
	if (vma->vm_next)
		vma_gap_update(vma->vm_next);
	else
		mm->highest_vm_end = vm_end_gap(vma);
}

lib::Result<unsigned long> unmapped_area(struct mm_struct* mm, const struct vm_unmapped_area_info* info)
{
	/* room for the length plus any alignment padding */
	unsigned long length = info->length + info->align_mask;
	if (length < info->length)
		return lib::Error{ENOMEM};
	if (info->high_limit < length)
		return lib::Error{ENOMEM};
	unsigned long high_limit = info->high_limit - length;
	if (info->low_limit > high_limit)
		return lib::Error{ENOMEM};
	unsigned long low_limit = info->low_limit + length;
	unsigned long gap_start, gap_end;

	struct vm_area_struct* vma = rb_vma(mm->mm_rb.rb_node);
	if (!vma || vma->rb_subtree_gap < length)
		goto check_highest;
	for (;;) {
		/* the lowest gap first: descend left while the left subtree has room */
		gap_end = vm_start_gap(vma);
		if (vma->vm_start >= low_limit && vma->vm_rb.rb_left) {
			struct vm_area_struct* left = rb_vma(vma->vm_rb.rb_left);
			if (left->rb_subtree_gap >= length) {
				vma = left;
				continue;
			}
		}
		gap_start = vma->vm_prev ? vm_end_gap(vma->vm_prev) : 0;
	check_current:
		if (gap_start > high_limit)
			return lib::Error{ENOMEM};
		if (gap_end >= low_limit && gap_end > gap_start && gap_end - gap_start >= length)
			goto found;
		if (vma->vm_rb.rb_right) {
			struct vm_area_struct* right = rb_vma(vma->vm_rb.rb_right);
			if (right->rb_subtree_gap >= length) {
				vma = right;
				continue;
			}
		}
		/* back up to the next node in order whose left subtree we came from */
		for (;;) {
			struct rb_node* prev = &vma->vm_rb;
			if (!rb_parent(prev))
				goto check_highest;
			vma = rb_vma(rb_parent(prev));
			if (prev == vma->vm_rb.rb_left) {
				gap_start = vm_end_gap(vma->vm_prev);
				gap_end = vm_start_gap(vma);
				goto check_current;
			}
		}
	}
check_highest:
	gap_start = mm->highest_vm_end;
	gap_end = ~0UL;
	if (gap_start > high_limit)
		return lib::Error{ENOMEM};
found:
	if (gap_start < info->low_limit)
		gap_start = info->low_limit;
	gap_start += (info->align_offset - gap_start) & info->align_mask;
	return gap_start;
}

lib::Result<unsigned long> unmapped_area_topdown(struct mm_struct* mm, const struct vm_unmapped_area_info* info)
{
	unsigned long length = info->length + info->align_mask;
	if (length < info->length)
		return lib::Error{ENOMEM};
	unsigned long gap_end = info->high_limit;
	if (gap_end < length)
		return lib::Error{ENOMEM};
	unsigned long high_limit = gap_end - length;
	if (info->low_limit > high_limit)
		return lib::Error{ENOMEM};
	unsigned long low_limit = info->low_limit + length;
	unsigned long gap_start;

	/* the gap above the last VMA first */
	gap_start = mm->highest_vm_end;
	if (gap_start <= high_limit)
		goto found_highest;

	{
		struct vm_area_struct* vma = rb_vma(mm->mm_rb.rb_node);
		if (!vma || vma->rb_subtree_gap < length)
			return lib::Error{ENOMEM};
		for (;;) {
			/* the highest gap first: descend right while it has room */
			gap_start = vma->vm_prev ? vm_end_gap(vma->vm_prev) : 0;
			if (gap_start <= high_limit && vma->vm_rb.rb_right) {
				struct vm_area_struct* right = rb_vma(vma->vm_rb.rb_right);
				if (right->rb_subtree_gap >= length) {
					vma = right;
					continue;
				}
			}
		check_current:
			gap_end = vm_start_gap(vma);
			if (vma->vm_start < low_limit) /* every gap below ends lower still */
				return lib::Error{ENOMEM};
			if (gap_end >= low_limit && gap_start <= high_limit && gap_end > gap_start &&
			    gap_end - gap_start >= length)
				goto found;
			if (vma->vm_rb.rb_left) {
				struct vm_area_struct* left = rb_vma(vma->vm_rb.rb_left);
				if (left->rb_subtree_gap >= length) {
					vma = left;
					continue;
				}
			}
			for (;;) {
				struct rb_node* prev = &vma->vm_rb;
				if (!rb_parent(prev))
					return lib::Error{ENOMEM};
				vma = rb_vma(rb_parent(prev));
				if (prev == vma->vm_rb.rb_right) {
					gap_start = vma->vm_prev ? vm_end_gap(vma->vm_prev) : 0;
					goto check_current;
				}
			}
		}
	}
found:
	if (gap_end > info->high_limit)
		gap_end = info->high_limit;
found_highest:
	gap_end -= info->length;
	gap_end -= (gap_end - info->align_offset) & info->align_mask;
	return gap_end;
}

int validate_mm(struct mm_struct* mm)
{
	int bugs = 0;
	int n = 0;
	unsigned long highest = 0;
	struct vm_area_struct* prev = nullptr;
	struct rb_node* rb = rb_first(&mm->mm_rb);
	for (struct vm_area_struct* v = mm->mmap; v; prev = v, v = v->vm_next, n++) {
		if (v->vm_prev != prev)
			bugs++;
		if (v->vm_start >= v->vm_end || (v->vm_start | v->vm_end) & ~PAGE_MASK)
			bugs++;
		if (prev && prev->vm_end > v->vm_start)
			bugs++;
		if (rb != &v->vm_rb) /* the tree in order is the list */
			bugs++;
		if (v->rb_subtree_gap != vma_compute_subtree_gap(v))
			bugs++;
		highest = vm_end_gap(v);
		rb = rb ? rb_next(rb) : nullptr;
	}
	if (rb)
		bugs++;
	if (n != mm->map_count)
		bugs++;
	if (highest != mm->highest_vm_end)
		bugs++;
	return bugs;
}
