// Host tests for include/lib/ref.h: lib::ref<T> over a type's get/put.
#include <lib/ref.h>

#include <gtest/gtest.h>

#include <type_traits>
#include <utility>

namespace
{

// A refcounted object as the kernel's are: usage starts at 1 for its
// creator, put at zero "frees" it (recorded, not freed, so tests can look).
struct obj {
	int usage = 1;
	int frees = 0;
	int puts = 0;
};

void get_obj(obj* o)
{
	o->usage++;
}
void put_obj(obj* o)
{
	o->puts++;
	if (--o->usage == 0)
		o->frees++;
}
// the opt-in, found by argument-dependent lookup
[[maybe_unused]] void ref_get(obj* o)
{
	get_obj(o);
}
[[maybe_unused]] void ref_put(obj* o)
{
	put_obj(o);
}

struct not_counted {
};

static_assert(lib::refcounted<obj>);
static_assert(!lib::refcounted<not_counted>);
static_assert(!std::is_copy_constructible_v<lib::ref<obj>>);
static_assert(!std::is_copy_assignable_v<lib::ref<obj>>);
static_assert(std::is_nothrow_move_constructible_v<lib::ref<obj>>);
static_assert(sizeof(lib::ref<obj>) == sizeof(obj*));

TEST(Ref, AdoptPutsOnceAtScopeEnd)
{
	obj o;
	{
		auto r = lib::adopt_ref(&o);
		EXPECT_EQ(r.get(), &o);
		EXPECT_EQ(o.usage, 1); // adopt takes no new reference
	}
	EXPECT_EQ(o.usage, 0);
	EXPECT_EQ(o.puts, 1);
	EXPECT_EQ(o.frees, 1);
}

TEST(Ref, GetTakesAndDropsAReference)
{
	obj o;
	{
		auto r = lib::get_ref(&o);
		EXPECT_EQ(o.usage, 2);
		EXPECT_EQ(r->usage, 2);
		EXPECT_EQ(&*r, &o);
	}
	EXPECT_EQ(o.usage, 1);
	EXPECT_EQ(o.frees, 0);
}

TEST(Ref, NullHoldsNothing)
{
	lib::ref<obj> a;
	lib::ref<obj> b = nullptr;
	auto c = lib::get_ref<obj>(nullptr);
	EXPECT_FALSE(a);
	EXPECT_FALSE(b);
	EXPECT_FALSE(c);
	EXPECT_EQ(c.release(), nullptr);
} // destructors of empty refs call nothing (ASan/UBSan would see a null put)

TEST(Ref, MoveTransfersWithoutCounting)
{
	obj o;
	auto a = lib::get_ref(&o);
	lib::ref<obj> b = std::move(a);
	EXPECT_FALSE(a); // NOLINT(bugprone-use-after-move): moved-from is empty by contract
	EXPECT_EQ(b.get(), &o);
	EXPECT_EQ(o.usage, 2);
	lib::ref<obj> c;
	c = std::move(b);
	EXPECT_EQ(o.usage, 2);
	EXPECT_EQ(o.puts, 0);
	c = lib::ref<obj>();
	EXPECT_EQ(o.usage, 1);
	EXPECT_EQ(o.puts, 1);
}

TEST(Ref, MoveAssignOverAHeldReferencePutsTheOldOne)
{
	obj x, y;
	auto a = lib::adopt_ref(&x);
	auto b = lib::adopt_ref(&y);
	a = std::move(b);
	EXPECT_EQ(x.frees, 1); // a's old object was put
	EXPECT_EQ(y.usage, 1);
	EXPECT_EQ(a.get(), &y);
}

TEST(Ref, SelfMoveAssignKeepsTheReference)
{
	obj o;
	auto a = lib::get_ref(&o);
	auto& alias = a;
	a = std::move(alias);
	EXPECT_EQ(a.get(), &o);
	EXPECT_EQ(o.usage, 2);
}

TEST(Ref, ReleaseHandsTheReferenceOn)
{
	obj o;
	obj* raw;
	{
		auto r = lib::get_ref(&o);
		raw = r.release();
		EXPECT_FALSE(r);
	}
	EXPECT_EQ(raw, &o);
	EXPECT_EQ(o.usage, 2); // nobody put it: the caller owns it now
	put_obj(raw);
}

TEST(Ref, CloneIsASecondReference)
{
	obj o;
	auto a = lib::adopt_ref(&o);
	{
		auto b = a.clone();
		EXPECT_EQ(b.get(), &o);
		EXPECT_EQ(o.usage, 2);
	}
	EXPECT_EQ(o.usage, 1);
	lib::ref<obj> empty;
	EXPECT_FALSE(empty.clone());
}

TEST(Ref, ResetPutsAndAdopts)
{
	obj x, y;
	auto r = lib::adopt_ref(&x);
	r.reset(&y);
	EXPECT_EQ(x.frees, 1);
	EXPECT_EQ(y.usage, 1);
	r.reset();
	EXPECT_EQ(y.frees, 1);
	EXPECT_FALSE(r);
}

// The point of it: every early return puts, the success path hands on.
obj* make_thing(obj* o, bool fail_early, bool fail_late)
{
	auto r = lib::adopt_ref(o);
	if (fail_early)
		return nullptr;
	if (fail_late)
		return nullptr;
	return r.release();
}

TEST(Ref, EveryErrorPathPuts)
{
	obj a, b, c;
	EXPECT_EQ(make_thing(&a, true, false), nullptr);
	EXPECT_EQ(make_thing(&b, false, true), nullptr);
	EXPECT_EQ(make_thing(&c, false, false), &c);
	EXPECT_EQ(a.frees, 1);
	EXPECT_EQ(b.frees, 1);
	EXPECT_EQ(c.frees, 0);
	EXPECT_EQ(c.usage, 1);
}

} // namespace
