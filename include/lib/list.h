/*
 * list.h - intrusive circular doubly linked lists.
 *
 * Linux counterpart: include/linux/list.h (struct list_head, list_add,
 * list_del, list_for_each_entry[_safe], container_of).
 *
 * Data structures:
 *   - lib::list_head: the link embedded in every object that can sit on a
 *     list, and also the sentinel head of each list.  A list is circular:
 *     head.next is the first element, head.prev the last, and an empty list
 *     is a head pointing at itself.
 *   - Linux's macros list_entry, list_first_entry[_or_null],
 *     list_for_each_entry[_reverse|_safe]: from a list_head to its entry
 *     (container_of, <lib/container_of.h>) and the walks.  Kernel code
 *     uses these; nothing else turns a list_head into its entry.
 *   - lib::intrusive_list<T, &T::member>: the same list_head as a head a
 *     class keeps to itself (vmap_area_allocator's busy list): typed
 *     push_back/pop_front/front, and range-for, which walks as
 *     list_for_each_entry (.safe() as list_for_each_entry_safe); owner()
 *     is list_entry.  A head in a kernel structure stays a list_head.
 *
 * Invariants:
 *   - For every node n on a list: n->next->prev == n and n->prev->next == n.
 *   - A node that was unlinked with del() has next == LIST_POISON1 and
 *     prev == LIST_POISON2 (non-canonical on x86_64, so a stale traversal
 *     faults at once instead of silently walking freed memory).
 *   - A node is "linked" iff it is neither self-linked, poisoned nor null.
 *     Objects must therefore be constructed (or init()'d / zeroed) before
 *     being pushed, and the typed list asserts the node is not already on a
 *     list, which catches double insertion - the classic list corruption.
 *
 * Lists do not own their elements: no allocation, no destruction, and the
 * element's lifetime must cover its time on the list.
 */
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include <lib/assert.h>
#include <lib/container_of.h>

namespace lib
{

// Values are Linux's (POISON_POINTER_DELTA = 0xdead000000000000 on x86_64)
// so that oops dumps look familiar.
inline constexpr uintptr_t LIST_POISON1 = 0xdead000000000100ULL;
inline constexpr uintptr_t LIST_POISON2 = 0xdead000000000122ULL;

struct list_head {
	list_head* next;
	list_head* prev;

	// Self-linking constructor.  constexpr so a global head (or a global
	// intrusive_list) is constant-initialized into .data and usable before
	// any C++ global constructors run - early boot code relies on this.
	constexpr list_head() : next(this), prev(this) {}

	// Copying is allowed (structures containing a list_head are sometimes
	// duplicated wholesale, as fork duplicates a task), but the copy holds
	// the original's stale pointers and must be init()'d before use.
	list_head(const list_head&) = default;
	list_head& operator=(const list_head&) = default;

	// INIT_LIST_HEAD: make this an empty list / an unlinked node.
	constexpr void init()
	{
		next = this;
		prev = this;
	}

	// list_empty: only meaningful on a head.
	[[nodiscard]] bool empty() const { return next == this; }

	// list_is_singular.
	[[nodiscard]] bool singular() const { return !empty() && next == prev; }

	// Whether this node currently sits on some list.
	[[nodiscard]] bool linked() const
	{
		return next != nullptr && next != this && next != reinterpret_cast<list_head*>(LIST_POISON1);
	}

	// list_add(n, this): insert n right after this node (at the front when
	// this is the head, which gives stack/LIFO order).
	void add(list_head* n) { link_between(n, this, next); }

	// list_add_tail(n, this): insert n right before this node (at the back
	// when this is the head, which gives queue/FIFO order).
	void add_tail(list_head* n) { link_between(n, prev, this); }

	// list_del: unlink this node and poison it.
	void del()
	{
		unlink();
		next = reinterpret_cast<list_head*>(LIST_POISON1);
		prev = reinterpret_cast<list_head*>(LIST_POISON2);
	}

	// list_del_init: unlink this node and leave it self-linked, so it may be
	// tested with linked() or deleted again harmlessly.
	void del_init()
	{
		unlink();
		init();
	}

	// list_move / list_move_tail: unlink and reinsert after/before pos.
	void move_after(list_head* pos)
	{
		unlink();
		pos->add(this);
	}
	void move_before(list_head* pos)
	{
		unlink();
		pos->add_tail(this);
	}

private:
	static void link_between(list_head* n, list_head* p, list_head* nx)
	{
		// Like CONFIG_DEBUG_LIST: a neighbour pair that does not point at
		// each other means memory corruption; stop before spreading it.
		LIB_ASSERT(nx->prev == p && p->next == nx);
		LIB_ASSERT(n != p && n != nx);
		nx->prev = n;
		n->next = nx;
		n->prev = p;
		p->next = n;
	}

	void unlink()
	{
		// Deleting a poisoned (already deleted) node would write through the
		// poison pointers; catch the double delete explicitly instead.
		LIB_ASSERT(next != reinterpret_cast<list_head*>(LIST_POISON1));
		LIB_ASSERT(prev != reinterpret_cast<list_head*>(LIST_POISON2));
		LIB_ASSERT(next->prev == this && prev->next == this);
		next->prev = prev;
		prev->next = next;
	}
};

// Linux-named free functions for code transliterated from C-style usage.
inline void INIT_LIST_HEAD(list_head* h)
{
	h->init();
}
inline void list_add(list_head* n, list_head* head)
{
	head->add(n);
}
inline void list_add_tail(list_head* n, list_head* head)
{
	head->add_tail(n);
}
inline void list_del(list_head* n)
{
	n->del();
}
inline void list_del_init(list_head* n)
{
	n->del_init();
}
inline bool list_empty(const list_head* head)
{
	return head->empty();
}

} // namespace lib

/*
 * Linux's list macros: the one way to get from a list_head to its entry and
 * to walk a list (see "One way to list" in CONTRIBUTING.md).  head is a
 * lib::list_head*, member the name of the entry's list_head (may be nested,
 * as `rt.run_list`), pos (and n) entry pointers the caller declares.  As in
 * Linux, after a walk that did not break, pos is the bogus "entry" of the
 * head itself: test a search with list_entry_is_head, never dereference it.
 */
#define __list_entry_type(pos) std::remove_reference_t<decltype(*(pos))>

/* the entry whose member ptr is */
#define list_entry(ptr, type, member) container_of(ptr, type, member)
/* the first/last entry; the list must not be empty */
#define list_first_entry(head, type, member) list_entry((head)->next, type, member)
#define list_last_entry(head, type, member) list_entry((head)->prev, type, member)
/* the first entry, or NULL when the list is empty */
#define list_first_entry_or_null(head, type, member) ((head)->empty() ? nullptr : list_first_entry(head, type, member))
/* the entry after/before pos on its list (the head's bogus entry at the end) */
#define list_next_entry(pos, member) list_entry((pos)->member.next, __list_entry_type(pos), member)
#define list_prev_entry(pos, member) list_entry((pos)->member.prev, __list_entry_type(pos), member)
/* whether pos is the bogus entry of head: the walk's end */
#define list_entry_is_head(pos, head, member) (&(pos)->member == (head))

/* every list_head on the list (pos: lib::list_head*); the body must not unlink pos */
#define list_for_each(pos, head) for (pos = (head)->next; pos != (head); pos = pos->next)
/* every entry, first to last; the body must not unlink pos */
#define list_for_each_entry(pos, head, member)                                                                         \
	for (pos = list_first_entry(head, __list_entry_type(pos), member); !list_entry_is_head(pos, head, member);     \
	     pos = list_next_entry(pos, member))
/* every entry, last to first; the body must not unlink pos */
#define list_for_each_entry_reverse(pos, head, member)                                                                 \
	for (pos = list_last_entry(head, __list_entry_type(pos), member); !list_entry_is_head(pos, head, member);      \
	     pos = list_prev_entry(pos, member))
/* every entry, n fetched before the body runs: the body may unlink (or move)
 * pos, but not n */
#define list_for_each_entry_safe(pos, n, head, member)                                                                 \
	for (pos = list_first_entry(head, __list_entry_type(pos), member), n = list_next_entry(pos, member);           \
	     !list_entry_is_head(pos, head, member); pos = n, n = list_next_entry(n, member))

namespace lib
{

/*
 * Typed list of T linked through the list_head member `Member`.
 *
 * Iteration:
 *   for (T& t : list)         - plain; the loop body must not unlink t.
 *   for (T& t : list.safe())  - the successor is fetched before the body
 *                               runs (list_for_each_entry_safe), so the body
 *                               may remove t (or move it to another list).
 *                               It must not remove the *next* element.
 * Iterators are bidirectional (++ and --); end() is the head, and
 * decrementing end() yields the last element.
 */
template <typename T, list_head T::*Member> class intrusive_list
{
public:
	constexpr intrusive_list() = default;

	// The head's address is the list's identity (elements point at it), so
	// a list can neither be copied nor moved.
	intrusive_list(const intrusive_list&) = delete;
	intrusive_list& operator=(const intrusive_list&) = delete;

	// list_entry(node, T, Member): container_of with the member as a
	// template parameter.
	static T* owner(list_head* node) { return detail::container_of_at<T, list_head>(node, member_offset(Member)); }
	static const T* owner(const list_head* node)
	{
		return detail::container_of_at<T, list_head>(node, member_offset(Member));
	}

	static list_head* node(T& obj) { return &(obj.*Member); }
	static const list_head* node(const T& obj) { return &(obj.*Member); }

	// Whether obj is on some list (any list using this member).
	static bool is_linked(const T& obj) { return node(obj)->linked(); }

	[[nodiscard]] bool empty() const { return head_.empty(); }

	// O(n): lists here are short or size() is used only for diagnostics.
	[[nodiscard]] size_t size() const
	{
		size_t n = 0;
		for (const list_head* p = head_.next; p != &head_; p = p->next)
			++n;
		return n;
	}

	void push_front(T& obj)
	{
		LIB_ASSERT(!is_linked(obj));
		head_.add(node(obj));
	}
	void push_back(T& obj)
	{
		LIB_ASSERT(!is_linked(obj));
		head_.add_tail(node(obj));
	}

	// Unlink obj from whatever list it is on and poison its node.  Static:
	// the node alone knows its neighbours, no list reference is required.
	static void remove(T& obj) { node(obj)->del(); }

	// Unlink and leave the node self-linked (reusable, linked() == false).
	static void remove_init(T& obj) { node(obj)->del_init(); }

	// Move obj (currently on this or another list) to the front / back.
	void move_to_front(T& obj) { node(obj)->move_after(&head_); }
	void move_to_back(T& obj) { node(obj)->move_before(&head_); }

	T* front() { return empty() ? nullptr : owner(head_.next); }
	T* back() { return empty() ? nullptr : owner(head_.prev); }
	const T* front() const { return empty() ? nullptr : owner(head_.next); }
	const T* back() const { return empty() ? nullptr : owner(head_.prev); }

	T* pop_front()
	{
		T* obj = front();
		if (obj)
			remove(*obj);
		return obj;
	}
	T* pop_back()
	{
		T* obj = back();
		if (obj)
			remove(*obj);
		return obj;
	}

	// Raw access to the sentinel, for interop with list_head-level code.
	list_head* head() { return &head_; }
	const list_head* head() const { return &head_; }

	template <bool Const> class basic_iterator
	{
		using node_ptr = std::conditional_t<Const, const list_head*, list_head*>;
		using ref = std::conditional_t<Const, const T&, T&>;

	public:
		using value_type = T;
		using difference_type = ptrdiff_t;

		basic_iterator() = default;
		explicit basic_iterator(node_ptr n) : cur_(n) {}

		ref operator*() const { return *owner(cur_); }
		auto* operator->() const { return owner(cur_); }

		basic_iterator& operator++()
		{
			cur_ = cur_->next;
			return *this;
		}
		basic_iterator operator++(int)
		{
			basic_iterator old = *this;
			cur_ = cur_->next;
			return old;
		}
		basic_iterator& operator--()
		{
			cur_ = cur_->prev;
			return *this;
		}
		basic_iterator operator--(int)
		{
			basic_iterator old = *this;
			cur_ = cur_->prev;
			return old;
		}
		bool operator==(const basic_iterator& o) const { return cur_ == o.cur_; }

	private:
		node_ptr cur_ = nullptr;
	};
	using iterator = basic_iterator<false>;
	using const_iterator = basic_iterator<true>;

	iterator begin() { return iterator(head_.next); }
	iterator end() { return iterator(&head_); }
	const_iterator begin() const { return const_iterator(head_.next); }
	const_iterator end() const { return const_iterator(&head_); }

	// Removal-tolerant forward iteration (list_for_each_entry_safe).
	class safe_iterator
	{
	public:
		explicit safe_iterator(list_head* cur) : cur_(cur), next_(cur->next) {}
		T& operator*() const { return *owner(cur_); }
		safe_iterator& operator++()
		{
			cur_ = next_;
			next_ = cur_->next;
			return *this;
		}
		bool operator==(const safe_iterator& o) const { return cur_ == o.cur_; }

	private:
		list_head* cur_;
		list_head* next_;
	};

	class safe_range
	{
	public:
		explicit safe_range(list_head* h) : head_(h) {}
		safe_iterator begin() const { return safe_iterator(head_->next); }
		safe_iterator end() const { return safe_iterator(head_); }

	private:
		list_head* head_;
	};

	safe_range safe() { return safe_range(&head_); }

private:
	list_head head_;
};

} // namespace lib
