// Host tests for include/lib/scope.h: lib::scope_exit.
#include <lib/result.h>
#include <lib/scope.h>

#include <gtest/gtest.h>

#include <string>
#include <type_traits>
#include <uapi/asm-generic/errno-base.h>

namespace
{

TEST(ScopeExit, RunsAtScopeEnd)
{
	int n = 0;
	{
		lib::scope_exit g([&] { n++; });
		EXPECT_EQ(n, 0);
	}
	EXPECT_EQ(n, 1);
}

TEST(ScopeExit, ReleaseDismisses)
{
	int n = 0;
	{
		lib::scope_exit g([&] { n++; });
		g.release();
		g.release(); // idempotent
	}
	EXPECT_EQ(n, 0);
}

TEST(ScopeExit, NotCopyableOrMovable)
{
	auto f = [] {};
	using G = lib::scope_exit<decltype(f)>;
	static_assert(!std::is_copy_constructible_v<G>);
	static_assert(!std::is_move_constructible_v<G>);
	static_assert(!std::is_copy_assignable_v<G>);
}

TEST(ScopeExit, UndoesInReverseOrder)
{
	std::string log;
	{
		lib::scope_exit a([&] { log += 'a'; });
		lib::scope_exit b([&] { log += 'b'; });
		lib::scope_exit c([&] { log += 'c'; });
	}
	EXPECT_EQ(log, "cba");
}

TEST(ScopeExit, NamedFunctionObject)
{
	struct counter {
		int* n;
		void operator()() const { ++*n; }
	};
	int n = 0;
	{
		const counter c{&n};
		lib::scope_exit g(c); // copied in
	}
	EXPECT_EQ(n, 1);
}

// A multi-step set-up as copy_process does it: each step owns its undo,
// TRY's early return runs the undos of the steps before it, and success
// releases them all.
std::string steps;

lib::Result<int> step(char name, bool fail)
{
	if (fail)
		return lib::Error{ENOMEM};
	steps += name;
	return int(name);
}

lib::Result<int> setup(int fail_at)
{
	int a = TRY(step('A', fail_at == 1));
	lib::scope_exit undo_a([&] { steps += 'a'; });
	int b = TRY(step('B', fail_at == 2));
	lib::scope_exit undo_b([&] { steps += 'b'; });
	TRY(step('C', fail_at == 3));
	undo_b.release();
	undo_a.release();
	return a + b;
}

TEST(ScopeExit, UnwindsAMultiStepSetUp)
{
	steps.clear();
	auto r = setup(3);
	ASSERT_TRUE(r.is_err());
	EXPECT_EQ(r.error(), ENOMEM);
	EXPECT_EQ(steps, "ABba");

	steps.clear();
	EXPECT_EQ(setup(2).error(), ENOMEM);
	EXPECT_EQ(steps, "Aa");

	steps.clear();
	EXPECT_EQ(setup(1).error(), ENOMEM);
	EXPECT_EQ(steps, "");

	steps.clear();
	auto ok = setup(0);
	ASSERT_TRUE(ok.is_ok());
	EXPECT_EQ(ok.value(), 'A' + 'B');
	EXPECT_EQ(steps, "ABC");
}

} // namespace
