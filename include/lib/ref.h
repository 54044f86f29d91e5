/*
 * ref.h - lib::ref<T>: one counted reference to a T, dropped by the
 * destructor.
 *
 * Linux counterpart: the get_task_struct()/put_task_struct() pairs (and
 * get_file/fput, dget/dput, mmget/mmput ...) written by hand around every
 * use.  A ref<T> holds exactly one such reference and puts it when it goes
 * out of scope, on every return path, so an error path cannot leak one.
 *
 * A type opts in with two free functions found by argument-dependent
 * lookup, next to its Linux-named get/put:
 *
 *     inline void ref_get(struct task_struct* t) { get_task_struct(t); }
 *     inline void ref_put(struct task_struct* t) { put_task_struct(t); }
 *
 * Use:
 *
 *     lib::ref<task_struct> t = lib::get_ref(find_task_by_vpid(nr)); // +1
 *     if (!t)
 *             return Error{ESRCH};
 *     wake_up_process(t.get());
 *     return {};                                             // -1 here
 *
 *     auto p = lib::adopt_ref(dup_task_struct(cur, node));   // already +1
 *     TRY(step(p.get()));                  // failure: p's reference put
 *     return p.release();                  // success: handed on, no put
 *
 * Decisions:
 *   - Move-only.  A copy would hide an atomic increment in an innocent
 *     `auto a = b;`; a second reference is asked for by name (clone()),
 *     as a get_*() call is in Linux.
 *   - adopt_ref(p) takes over a reference the caller already holds (a
 *     fresh object with usage 1, or a find_get_*() result); get_ref(p)
 *     takes a new one.  Both accept NULL and then hold nothing.
 *   - release() hands the reference on (to a list, to the caller) and
 *     returns the raw pointer; the ref is empty afterwards.
 * No locks, no allocation; freestanding and host-compilable.
 */
#pragma once

#include <cstddef>
#include <utility>

namespace lib
{

// A type T can be held by ref<T> when ref_get(T*) and ref_put(T*) exist.
template <class T>
concept refcounted = requires(T* p)
{
	ref_get(p);
	ref_put(p);
};

template <class T> class [[nodiscard]] ref
{
public:
	constexpr ref() = default;
	constexpr ref(std::nullptr_t) {}
	ref(const ref&) = delete;
	ref& operator=(const ref&) = delete;
	ref(ref&& o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
	ref& operator=(ref&& o) noexcept
	{
		if (this != &o)
			reset(std::exchange(o.p_, nullptr));
		return *this;
	}
	~ref() { reset(); }

	// Take over a reference the caller holds (no ref_get).
	static ref adopt(T* p)
	{
		ref r;
		r.p_ = p;
		return r;
	}
	// Take a new reference on p (ref_get), unless p is NULL.
	static ref acquire(T* p)
	{
		if (p)
			ref_get(p);
		return adopt(p);
	}
	// A second reference to the same object.
	[[nodiscard]] ref clone() const { return acquire(p_); }

	[[nodiscard]] T* get() const { return p_; }
	T* operator->() const { return p_; }
	T& operator*() const { return *p_; }
	explicit operator bool() const { return p_ != nullptr; }

	// Hand the reference on: the caller now owns it.
	[[nodiscard]] T* release() { return std::exchange(p_, nullptr); }
	// Put the held reference (if any), then hold p's (adopted).
	void reset(T* p = nullptr)
	{
		T* old = std::exchange(p_, p);
		if (old)
			ref_put(old);
	}

private:
	static_assert(refcounted<T>, "give T ref_get(T*) and ref_put(T*) beside its get/put functions");
	T* p_ = nullptr;
};

// adopt_ref(p): a ref<T> owning the reference the caller already has.
template <class T> ref<T> adopt_ref(T* p)
{
	return ref<T>::adopt(p);
}
// get_ref(p): a ref<T> owning a new reference to p.
template <class T> ref<T> get_ref(T* p)
{
	return ref<T>::acquire(p);
}

} // namespace lib
