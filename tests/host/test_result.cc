// Host tests for include/lib/result.h.
#include <lib/result.h>

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <uapi/asm-generic/errno.h>

namespace
{

using lib::Error;
using lib::Result;

static_assert(ENOMEM == 12 && EINVAL == 22 && E2BIG == 7 && ENOSYS == 38 && EAGAIN == 11);
static_assert(EWOULDBLOCK == EAGAIN && EDEADLOCK == EDEADLK && EHWPOISON == 133);
static_assert(ETIMEDOUT == 110 && EOPNOTSUPP == 95 && ENOTRECOVERABLE == 131);
static_assert(std::is_trivially_copyable_v<Result<int>>);
static_assert(std::is_trivially_destructible_v<Result<long>>);
static_assert(!std::is_trivially_destructible_v<Result<std::string>>);

Result<int> parse_digit(char c)
{
	if (c < '0' || c > '9')
		return Error{EINVAL};
	return c - '0';
}

Result<int> add_digits(char a, char b)
{
	int x = TRY(parse_digit(a));
	int y = TRY(parse_digit(b));
	return x + y;
}

int side_effects = 0;

Result<void> check_positive(int v)
{
	if (v <= 0)
		return Error{ERANGE};
	return {};
}

Result<void> do_steps(int v)
{
	TRY(check_positive(v));
	++side_effects; // only reached on success
	TRY(check_positive(v - 10));
	++side_effects;
	return lib::ok();
}

Result<long> void_into_value(int v)
{
	TRY(check_positive(v));
	return static_cast<long>(v) * 2;
}

Result<std::unique_ptr<int>> make_box(int v)
{
	if (v < 0)
		return Error{ENOMEM};
	return std::make_unique<int>(v);
}

Result<int> unbox(int v)
{
	std::unique_ptr<int> p = TRY(make_box(v)); // move-only value through TRY
	return *p + 1;
}

Result<int> nested(char a, char b)
{
	// TRY inside TRY: each expansion gets its own temporary.
	return TRY(add_digits(a, static_cast<char>('0' + TRY(parse_digit(b)))));
}

TEST(Result, ValueAndError)
{
	Result<int> ok = 42;
	EXPECT_TRUE(ok.is_ok());
	EXPECT_FALSE(ok.is_err());
	EXPECT_EQ(ok.value(), 42);

	Result<int> bad = Error{ENOENT};
	EXPECT_TRUE(bad.is_err());
	EXPECT_FALSE(bad.is_ok());
	EXPECT_EQ(bad.error(), ENOENT);
	EXPECT_EQ(bad.error_value(), Error{ENOENT});
	EXPECT_EQ(bad.value_or(-1), -1);
	EXPECT_EQ(ok.value_or(-1), 42);
}

TEST(Result, TryPropagates)
{
	auto r = add_digits('3', '4');
	ASSERT_TRUE(r.is_ok());
	EXPECT_EQ(r.value(), 7);

	auto e1 = add_digits('x', '4');
	ASSERT_TRUE(e1.is_err());
	EXPECT_EQ(e1.error(), EINVAL);

	auto e2 = add_digits('1', 'y');
	ASSERT_TRUE(e2.is_err());
	EXPECT_EQ(e2.error(), EINVAL);
}

TEST(Result, TryWithVoid)
{
	side_effects = 0;
	auto r = do_steps(20);
	EXPECT_TRUE(r.is_ok());
	EXPECT_EQ(side_effects, 2);

	side_effects = 0;
	auto e = do_steps(5); // fails at the second step
	ASSERT_TRUE(e.is_err());
	EXPECT_EQ(e.error(), ERANGE);
	EXPECT_EQ(side_effects, 1);

	side_effects = 0;
	auto e0 = do_steps(0); // fails immediately
	ASSERT_TRUE(e0.is_err());
	EXPECT_EQ(side_effects, 0);

	auto v = void_into_value(3);
	ASSERT_TRUE(v.is_ok());
	EXPECT_EQ(v.value(), 6);
	auto ve = void_into_value(-3);
	ASSERT_TRUE(ve.is_err());
	EXPECT_EQ(ve.error(), ERANGE);
}

TEST(Result, TryMoveOnlyAndNested)
{
	auto r = unbox(9);
	ASSERT_TRUE(r.is_ok());
	EXPECT_EQ(r.value(), 10);
	auto e = unbox(-1);
	ASSERT_TRUE(e.is_err());
	EXPECT_EQ(e.error(), ENOMEM);

	EXPECT_EQ(nested('2', '5').value(), 7);
	EXPECT_EQ(nested('2', 'q').error(), EINVAL);
	EXPECT_EQ(nested('q', '5').error(), EINVAL);
}

TEST(Result, TryOnLvalueCopies)
{
	auto f = []() -> Result<std::string> {
		Result<std::string> held = std::string("kept");
		std::string copy = TRY(held);
		copy += "!";
		EXPECT_EQ(held.value(), "kept"); // lvalue not moved from
		return copy;
	};
	EXPECT_EQ(f().value(), "kept!");
}

TEST(Result, VoidResult)
{
	Result<void> ok;
	EXPECT_TRUE(ok.is_ok());
	ok.value();
	EXPECT_EQ(ok.to_syscall_ret(), 0);
	Result<void> bad = Error{EPERM};
	EXPECT_TRUE(bad.is_err());
	EXPECT_EQ(bad.error(), EPERM);
	EXPECT_EQ(bad.to_syscall_ret(), -1);
	EXPECT_TRUE(lib::ok().is_ok());
}

TEST(Result, SyscallReturn)
{
	EXPECT_EQ(Result<int>(5).to_syscall_ret(), 5);
	EXPECT_EQ(Result<int>(Error{EBADF}).to_syscall_ret(), -EBADF);
	EXPECT_EQ(Result<unsigned long>(0xffffUL).to_syscall_ret(), 0xffffL);
	EXPECT_EQ(Result<long>(Error{ENOSYS}).to_syscall_ret(), -38);
}

struct counted {
	static inline int live = 0;
	int v;
	explicit counted(int x) : v(x) { ++live; }
	counted(const counted& o) : v(o.v) { ++live; }
	counted(counted&& o) noexcept : v(o.v) { ++live; }
	counted& operator=(const counted&) = default;
	~counted() { --live; }
};

TEST(Result, NonTrivialLifetime)
{
	counted::live = 0;
	{
		Result<counted> a = counted(1);
		EXPECT_EQ(counted::live, 1);
		Result<counted> b = a; // copy
		EXPECT_EQ(counted::live, 2);
		Result<counted> c = std::move(b);
		EXPECT_EQ(counted::live, 3);
		Result<counted> e = Error{EIO};
		EXPECT_EQ(counted::live, 3); // an error holds no value
		e = a;                       // error -> value
		EXPECT_EQ(counted::live, 4);
		EXPECT_EQ(e.value().v, 1);
		a = Result<counted>(Error{EIO}); // value -> error destroys it
		EXPECT_EQ(counted::live, 3);
		EXPECT_TRUE(a.is_err());
		Result<counted> f = Error{EAGAIN};
		Result<counted> g = f;
		EXPECT_EQ(g.error(), EAGAIN);
		EXPECT_EQ(counted::live, 3);
	}
	EXPECT_EQ(counted::live, 0);
}

TEST(Result, ValueFromRvalueIsByValue)
{
	auto s = Result<std::string>(std::string("abc")).value();
	EXPECT_EQ(s, "abc");
	static_assert(std::is_same_v<decltype(Result<std::string>(std::string()).value()), std::string>);
	EXPECT_EQ(Result<std::string>(Error{ENOENT}).value_or("dflt"), "dflt");
}

TEST(Result, Comparisons)
{
	Result<int> ok = 300;
	Result<int> bad = Error{EAGAIN};
	EXPECT_TRUE(ok == 300);
	EXPECT_FALSE(ok == 301);
	EXPECT_TRUE(ok != Error{EAGAIN});
	EXPECT_TRUE(bad == Error{EAGAIN});
	EXPECT_FALSE(bad == Error{ENOMEM});
	EXPECT_FALSE(bad == 0); // an error equals no value, not even 0
	EXPECT_EQ(bad, Error{EAGAIN});
	EXPECT_EQ(ok, 300);
	Result<void> v;
	EXPECT_TRUE(v == lib::ok());
	EXPECT_FALSE(v == Error{EINVAL});
	Result<void> e = Error{EINVAL};
	EXPECT_EQ(e, Error{EINVAL});
	EXPECT_NE(e, lib::ok());
	static_assert(Result<int>(7) == 7 && Result<int>(Error{EIO}) == Error{EIO});
}

TEST(Result, Constexpr)
{
	constexpr Result<int> r = 3;
	static_assert(r.is_ok() && r.value() == 3);
	constexpr Result<int> e = Error{EFAULT};
	static_assert(e.is_err() && e.error() == EFAULT && e.to_syscall_ret() == -14);
	constexpr Result<void> v = Error{EINTR};
	static_assert(v.error() == 4);
}

using ResultDeathTest = ::testing::Test;

TEST_F(ResultDeathTest, ValueOnErrorAborts)
{
	EXPECT_DEATH(
	    {
		    Result<int> r = Error{EIO};
		    (void)r.value();
	    },
	    "");
}

TEST_F(ResultDeathTest, ErrorOnSuccessAborts)
{
	EXPECT_DEATH(
	    {
		    Result<int> r = 1;
		    (void)r.error();
	    },
	    "");
}

TEST_F(ResultDeathTest, NonPositiveErrnoAborts)
{
	EXPECT_DEATH(
	    {
		    Error e{-ENOMEM};
		    (void)e;
	    },
	    "");
	EXPECT_DEATH(
	    {
		    Error e{0};
		    (void)e;
	    },
	    "");
}

} // namespace
