/*
 * uaccess.h - typed user pointers and the user-memory accessors
 * (Linux: include/linux/uaccess.h, arch/x86/include/asm/uaccess.h, the
 * __user annotation that sparse checks).
 *
 * user_ptr<T> is an address in the current task's user address space.  It
 * cannot be dereferenced: the only way to its bytes is through the
 * accessors below (copy_from_user, copy_to_user, get_user, put_user,
 * strncpy_from_user, strnlen_user, clear_user), which check access_ok()
 * against TASK_SIZE_MAX, open the SMAP window (stac/clac) and recover from
 * a fault through the exception table (<arch/extable.h>).  So a bad
 * pointer from user space is -EFAULT at the call site, never an oops.
 *
 * Conventions (as Linux's):
 *   - copy_from_user/copy_to_user/clear_user return the number of bytes
 *     NOT copied (0 = all done); a caller turns non-zero into EFAULT:
 *         if (copy_to_user(buf, &st, sizeof(st)))
 *                 return lib::Error{EFAULT};
 *   - get_user/put_user move one naturally sized value and return a
 *     Result (EFAULT).
 *   - strncpy_from_user returns the string length (without the NUL) when
 *     the NUL lies within count bytes, count when it does not (the copy is
 *     then not terminated), EFAULT on a fault.
 *   - strnlen_user returns length + 1 (counting the NUL), a value > n when
 *     no NUL lies within n bytes, 0 on a fault.
 *
 * Implemented in arch/x86_64/lib/usercopy.
 */
#pragma once
#include <arch/page.h>
#include <cstddef>
#include <cstdint>
#include <lib/result.h>
#include <type_traits>

template <typename T> class user_ptr
{
public:
	using element_type = T;

	constexpr user_ptr() = default;
	/* from a register or a number the user gave: the syscall entry's
	 * conversion, and the only way to make one from an integer */
	constexpr explicit user_ptr(uintptr_t addr) : addr_(addr) {}
	/* user_ptr<char> -> user_ptr<const char>, user_ptr<T> -> user_ptr<void>... */
	template <typename U>
	requires(!std::is_same_v<U, T> && std::is_convertible_v<U*, T*>) constexpr user_ptr(user_ptr<U> o)
	    : addr_(o.addr())
	{
	}

	constexpr uintptr_t addr() const { return addr_; }
	constexpr explicit operator bool() const { return addr_ != 0; }
	constexpr bool operator==(const user_ptr&) const = default;

	/* element arithmetic (bytes for void, as GNU C's void* arithmetic) */
	constexpr user_ptr operator+(ptrdiff_t n) const { return user_ptr(addr_ + n * stride()); }
	constexpr user_ptr operator-(ptrdiff_t n) const { return user_ptr(addr_ - n * stride()); }
	constexpr user_ptr& operator+=(ptrdiff_t n)
	{
		addr_ += n * stride();
		return *this;
	}

	/* reinterpret as another type (Linux: a cast between __user pointers) */
	template <typename U> constexpr user_ptr<U> cast() const { return user_ptr<U>(addr_); }

private:
	static constexpr uintptr_t stride()
	{
		if constexpr (std::is_void_v<T>)
			return 1;
		else
			return sizeof(T);
	}
	uintptr_t addr_ = 0;
};

/* Does [addr, addr + size) lie wholly in user space (below TASK_SIZE_MAX),
 * without wrapping?  Linux's access_ok: a range check, not a mapping check;
 * the fault handler catches unmapped pages. */
static inline bool access_ok(user_ptr<const void> p, size_t size)
{
	uintptr_t a = p.addr();
	return size <= TASK_SIZE_MAX && a <= TASK_SIZE_MAX - size;
}

[[nodiscard]] unsigned long copy_from_user(void* to, user_ptr<const void> from, unsigned long n);
[[nodiscard]] unsigned long copy_to_user(user_ptr<void> to, const void* from, unsigned long n);
[[nodiscard]] unsigned long clear_user(user_ptr<void> to, unsigned long n);
lib::Result<long> strncpy_from_user(char* dst, user_ptr<const char> src, long count);
long strnlen_user(user_ptr<const char> s, long n);

/* one value of 1, 2, 4 or 8 bytes */
lib::Result<void> __get_user_n(void* dst, user_ptr<const void> src, size_t size);
lib::Result<void> __put_user_n(user_ptr<void> dst, const void* src, size_t size);

template <typename T> static inline lib::Result<void> get_user(T& x, user_ptr<const T> p)
{
	static_assert(sizeof(T) == 1 || sizeof(T) == 2 || sizeof(T) == 4 || sizeof(T) == 8);
	return __get_user_n(&x, p, sizeof(T));
}
template <typename T> static inline lib::Result<void> get_user(T& x, user_ptr<T> p)
{
	return get_user(x, user_ptr<const T>(p));
}
template <typename T> static inline lib::Result<void> put_user(const T& x, user_ptr<T> p)
{
	static_assert(sizeof(T) == 1 || sizeof(T) == 2 || sizeof(T) == 4 || sizeof(T) == 8);
	return __put_user_n(p, &x, sizeof(T));
}
