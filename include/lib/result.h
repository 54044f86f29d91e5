/*
 * result.h - lib::Result<T>: a value or a Linux errno, plus TRY().
 *
 * Linux counterpart: the "return -ENOMEM / ERR_PTR()/IS_ERR()" convention
 * (include/linux/err.h).  Instead of overloading negative ints or pointer
 * values, a Result carries either a T or a lib::Error, and [[nodiscard]]
 * makes ignoring a failure a compile error under -Werror.
 *
 * Data structures / invariants:
 *   - lib::Error holds a *positive* errno (ENOMEM, not -ENOMEM).  Negative or
 *     zero values are rejected by LIB_ASSERT, because a sign mix-up would
 *     otherwise turn into a bogus "success" at the syscall boundary.
 *   - Result<T> stores err_ == 0 iff it holds a constructed T.
 *   - Result<void> is just the errno (0 = success).
 *
 * TRY(expr): evaluates a Result-valued expression; on error returns that
 * error from the enclosing function (whose return type must be some
 * Result<U>, constructible from lib::Error); otherwise the TRY expression
 * yields the contained value (or void for Result<void>).  Uses GCC
 * statement expressions, like Linux's macros do.
 */
#pragma once

#include <concepts>
#include <new>
#include <type_traits>
#include <utility>

#include <lib/assert.h>

namespace lib
{

class Error
{
public:
	constexpr explicit Error(int errno_value) : code_(errno_value) { LIB_ASSERT(errno_value > 0); }

	// The positive errno value.
	[[nodiscard]] constexpr int code() const { return code_; }

	constexpr bool operator==(const Error&) const = default;

private:
	int code_;
};

template <class T> class [[nodiscard]] Result
{
	static_assert(!std::is_reference_v<T>, "Result<T&> is not supported; use T*");
	static_assert(!std::is_same_v<std::remove_cv_t<T>, Error>);

public:
	using value_type = T;

	// Implicit from anything T can be built from (so `return 42;` and
	// `return ptr;` work in a function returning Result<T>).
	template <class U = T>
	requires(std::is_constructible_v<T, U&&> && !std::is_same_v<std::remove_cvref_t<U>, Result> &&
	         !std::is_same_v<std::remove_cvref_t<U>, Error>) constexpr Result(U&& v)
	    : value_(std::forward<U>(v)), err_(0)
	{
	}

	// Implicit from an error (so `return Error{ENOMEM};` works).
	constexpr Result(Error e) : none_(), err_(e.code()) {}

	// Special members: trivial when T's are, so Result<int> etc. stay cheap
	// and constexpr-friendly; otherwise they manage the union by hand.
	constexpr Result(const Result&) requires std::is_trivially_copy_constructible_v<T>
	= default;
	Result(const Result& o) requires(!std::is_trivially_copy_constructible_v<T> && std::is_copy_constructible_v<T>)
	    : none_(), err_(o.err_)
	{
		if (!err_)
			::new (static_cast<void*>(&value_)) T(o.value_);
	}

	constexpr Result(Result&&) requires std::is_trivially_move_constructible_v<T>
	= default;
	Result(Result&& o) noexcept(std::is_nothrow_move_constructible_v<T>) requires(
	    !std::is_trivially_move_constructible_v<T> && std::is_move_constructible_v<T>)
	    : none_(), err_(o.err_)
	{
		if (!err_)
			::new (static_cast<void*>(&value_)) T(std::move(o.value_));
	}

	constexpr Result& operator=(const Result&) requires(
	    std::is_trivially_copy_assignable_v<T>&& std::is_trivially_copy_constructible_v<T>&&
	        std::is_trivially_destructible_v<T>) = default;
	Result& operator=(const Result& o) requires(
	    !(std::is_trivially_copy_assignable_v<T> && std::is_trivially_copy_constructible_v<T> &&
	      std::is_trivially_destructible_v<T>)&&std::is_copy_constructible_v<T>)
	{
		if (this != &o) {
			destroy();
			err_ = o.err_;
			if (!err_)
				::new (static_cast<void*>(&value_)) T(o.value_);
		}
		return *this;
	}

	constexpr Result& operator=(Result&&) requires(
	    std::is_trivially_move_assignable_v<T>&& std::is_trivially_move_constructible_v<T>&&
	        std::is_trivially_destructible_v<T>) = default;
	Result& operator=(Result&& o) requires(!(std::is_trivially_move_assignable_v<T> &&
	                                         std::is_trivially_move_constructible_v<T> &&
	                                         std::is_trivially_destructible_v<T>)&&std::is_move_constructible_v<T>)
	{
		if (this != &o) {
			destroy();
			err_ = o.err_;
			if (!err_)
				::new (static_cast<void*>(&value_)) T(std::move(o.value_));
		}
		return *this;
	}

	constexpr ~Result() requires std::is_trivially_destructible_v<T>
	= default;
	~Result() requires(!std::is_trivially_destructible_v<T>) { destroy(); }

	[[nodiscard]] constexpr bool is_ok() const { return err_ == 0; }
	[[nodiscard]] constexpr bool is_err() const { return err_ != 0; }

	// Positive errno.  Only valid on an error result.
	[[nodiscard]] constexpr int error() const
	{
		LIB_ASSERT(is_err());
		return err_;
	}
	[[nodiscard]] constexpr Error error_value() const { return Error{error()}; }

	// The contained value.  Only valid on a success result.
	[[nodiscard]] constexpr T& value() &
	{
		LIB_ASSERT(is_ok());
		return value_;
	}
	[[nodiscard]] constexpr const T& value() const&
	{
		LIB_ASSERT(is_ok());
		return value_;
	}
	// By value from an rvalue, so `auto&& v = f().value();` cannot dangle.
	[[nodiscard]] constexpr T value() &&
	{
		LIB_ASSERT(is_ok());
		return std::move(value_);
	}

	template <class U> [[nodiscard]] constexpr T value_or(U&& fallback) const&
	{
		return is_ok() ? value_ : static_cast<T>(std::forward<U>(fallback));
	}
	template <class U> [[nodiscard]] constexpr T value_or(U&& fallback) &&
	{
		return is_ok() ? std::move(value_) : static_cast<T>(std::forward<U>(fallback));
	}

	// Syscall return convention: the value itself, or -errno.
	[[nodiscard]] constexpr long to_syscall_ret() const requires(std::is_integral_v<T> || std::is_enum_v<T>)
	{
		return is_ok() ? static_cast<long>(value_) : -static_cast<long>(err_);
	}

	// For tests and assertions: equal to an Error when it holds that errno,
	// to a value when it holds an equal T (`EXPECT_EQ(alloc(), 300)`,
	// `EXPECT_EQ(alloc(), Error{EAGAIN})`).
	friend constexpr bool operator==(const Result& r, const Error& e) { return r.err_ == e.code(); }
	template <class U>
	requires(!std::is_same_v<std::remove_cvref_t<U>, Result> && !std::is_same_v<std::remove_cvref_t<U>, Error> &&
	         std::equality_comparable_with<const T&, const U&>) friend constexpr bool
	operator==(const Result& r, const U& v)
	{
		return r.is_ok() && r.value_ == v;
	}

private:
	void destroy()
	{
		if constexpr (!std::is_trivially_destructible_v<T>) {
			if (!err_)
				value_.~T();
		}
	}

	union {
		char none_; // active member of the union when holding an error
		T value_;
	};
	int err_;
};

template <> class [[nodiscard]] Result<void>
{
public:
	using value_type = void;

	// Default-constructed = success, so `return {};` reports success.
	constexpr Result() = default;
	constexpr Result(Error e) : err_(e.code()) {}

	[[nodiscard]] constexpr bool is_ok() const { return err_ == 0; }
	[[nodiscard]] constexpr bool is_err() const { return err_ != 0; }

	[[nodiscard]] constexpr int error() const
	{
		LIB_ASSERT(is_err());
		return err_;
	}
	[[nodiscard]] constexpr Error error_value() const { return Error{error()}; }

	// Asserts success; lets generic code (and TRY) treat void uniformly.
	constexpr void value() const { LIB_ASSERT(is_ok()); }

	[[nodiscard]] constexpr long to_syscall_ret() const { return is_ok() ? 0L : -static_cast<long>(err_); }

	friend constexpr bool operator==(const Result& r, const Error& e) { return r.err_ == e.code(); }
	friend constexpr bool operator==(const Result&, const Result&) = default;

private:
	int err_ = 0;
};

// Spelled-out success for Result<void>: `return lib::ok();`.
constexpr Result<void> ok()
{
	return {};
}

namespace detail
{
template <class R> constexpr decltype(auto) try_value(R&& r)
{
	// Result<T>&& -> T by value; Result<T>& -> T& (copied out by the
	// statement expression); Result<void> -> void.
	return static_cast<R&&>(r).value();
}
} // namespace detail

} // namespace lib

#define LIB_TRY_CAT_(a, b) a##b
#define LIB_TRY_CAT(a, b) LIB_TRY_CAT_(a, b)
// __COUNTER__ gives each expansion its own temporary so nested TRYs
// (TRY(f(TRY(g())))) do not shadow one another.
#define LIB_TRY_IMPL_(tmp, ...)                                                                                        \
	({                                                                                                             \
		auto&& tmp = (__VA_ARGS__);                                                                            \
		if (tmp.is_err()) [[unlikely]]                                                                         \
			return ::lib::Error{tmp.error()};                                                              \
		::lib::detail::try_value(static_cast<decltype(tmp)&&>(tmp));                                           \
	})
#define TRY(...) LIB_TRY_IMPL_(LIB_TRY_CAT(lib_try_tmp_, __COUNTER__), __VA_ARGS__)
