/*
 * container_of.h - from an embedded member back to the object around it.
 *
 * Linux counterpart: include/linux/container_of.h (container_of).
 *
 *   struct foo { int x; lib::list_head node; };
 *   struct foo* f = container_of(n, struct foo, node);   // n: list_head*
 *
 * The one place in the tree that subtracts a member's offset from a
 * pointer: list_entry (<lib/list.h>), rb_entry (<lib/rbtree.h>),
 * from_timer (<kernel/timer.h>) and lib::intrusive_list are built on it,
 * and no other code does that arithmetic by hand.
 *
 * Invariants:
 *   - ptr must point at the member of a live object of that type; the
 *     result is that object (a const member gives a const object).
 *   - ptr's type must be a pointer to the member's type: a list_head*
 *     passed for an rb_node member does not compile (Linux checks the
 *     same with a static_assert).
 *   - member may name a nested member (`rt.run_list`), as offsetof allows.
 *
 * Lock order: none.
 */
#pragma once
#include <bit>
#include <cstddef>
#include <type_traits>

namespace lib
{
namespace detail
{
// Member is the member's type, given explicitly, so ptr converts to it or
// the call does not compile.
template <typename T, typename Member> inline T* container_of_at(Member* ptr, size_t offset)
{
	return reinterpret_cast<T*>(reinterpret_cast<char*>(ptr) - offset);
}
template <typename T, typename Member> inline const T* container_of_at(const Member* ptr, size_t offset)
{
	return reinterpret_cast<const T*>(reinterpret_cast<const char*>(ptr) - offset);
}
} // namespace detail

// offsetof(T, member) from a data member pointer &T::member, for templates
// that take the member as a parameter (lib::intrusive_list).  The Itanium
// C++ ABI (GCC and Clang on x86_64) represents a data member pointer as its
// byte offset.
template <typename T, typename M> inline size_t member_offset(M T::*member)
{
	static_assert(sizeof(member) == sizeof(ptrdiff_t), "data member pointer is not a plain offset on this ABI");
	return size_t(std::bit_cast<ptrdiff_t>(member));
}

} // namespace lib

/* container_of(ptr, type, member): the type object whose member ptr points at */
#define container_of(ptr, type, member)                                                                                \
	(::lib::detail::container_of_at<type, std::remove_cv_t<decltype(static_cast<type*>(nullptr)->member)>>(        \
	    (ptr), offsetof(type, member)))
