/*
 * In-kernel unit tests with KTAP output (Linux: include/kunit/test.h).
 *
 *   KTEST(buddy, split_order5) {
 *           KEXPECT_EQ(order_for(128 * 1024), 5);
 *           KASSERT_TRUE(page != nullptr);   // stops this test on failure
 *           KEXPECT_ERR(kthread_bind(p, NR_CPUS), EINVAL); // a lib::Result
 *           KASSERT_OK(set_cpus_allowed_ptr(p, mask));    // ok, or stop
 *   }
 *
 * Cases are placed in the .ktest section next to the code they test and
 * run after boot when the command line has ktest=<glob>, suites in
 * alphabetical order and each suite's cases in source order.  The glob is
 * matched against "suite.name" when it contains a dot, else against the
 * suite.  KTEST_EXPLICIT cases (deliberate failures that test the test
 * harness) run only when named exactly: ktest=selftest.must_fail.
 * The cases run in kernel_init pinned to CPU 0, so a case's "this CPU"
 * does not change under it; the threads it creates are not pinned.
 */
#pragma once
#include <cstdint>
#include <type_traits>
#include <kernel/printk.h>

class ktest
{
public:
	explicit ktest(const char* name) : name_(name) {}
	__attribute__((format(printf, 4, 5))) void fail(const char* file, int line, const char* fmt, ...);
	bool failed() const { return failed_; }
	const char* name() const { return name_; }
	/* the case cannot run here (too few CPUs ...): "ok N name # SKIP reason" */
	void skip(const char* reason) { skip_reason_ = reason; }
	bool skipped() const { return skip_reason_ != nullptr; }
	const char* skip_reason() const { return skip_reason_; }

private:
	const char* name_;
	const char* skip_reason_ = nullptr;
	bool failed_ = false;
};

struct ktest_case {
	const char* suite;
	const char* name;
	void (*run)(ktest&);
	unsigned flags;
	int line; /* cases run in source order */
};
inline constexpr unsigned KTEST_EXPLICIT = 1;

/* whether any record in the kernel log contains needle (tests of reports) */
bool ktest_log_contains(const char* needle);
/* how many records of the kernel log contain needle */
int ktest_log_count(const char* needle);

/*
 * Wait until global counts (free pages, slab objects, tasks) stop moving:
 * no exiting task is left to be released (threads a test stopped die and
 * free their stacks a little later, on whichever CPU switches away from
 * them: on a loaded host tens of milliseconds later), every CPU has been
 * through the scheduler since (the last frees are over), then free what
 * vfree deferred and drain the per-CPU page lists.  False if an exiting task is still there after 2 s.
 */
bool ktest_quiesce();

/* run the cases matching glob; prints KTAP; returns the number that failed */
int ktest_run(const char* glob);

template <typename T> long long ktest_value(T v)
{
	if constexpr (std::is_pointer_v<T> || std::is_null_pointer_v<T>)
		return (long long)reinterpret_cast<uintptr_t>(v);
	else
		return (long long)v;
}

#define __KTEST_DEFINE(suite, name, flags)                                                                             \
	static void ktest_fn_##suite##_##name(ktest& __ktest);                                                         \
	static const ktest_case ktest_case_##suite##_##name __attribute__((used, section(".ktest"), aligned(8))) = {   \
	    #suite, #name, ktest_fn_##suite##_##name, flags, __LINE__};                                                \
	static void ktest_fn_##suite##_##name([[maybe_unused]] ktest& __ktest)

#define KTEST(suite, name) __KTEST_DEFINE(suite, name, 0)
/* end the case as skipped, with a reason (KTAP "# SKIP") */
#define KTEST_SKIP(reason)                                                                                             \
	do {                                                                                                           \
		__ktest.skip(reason);                                                                                  \
		return;                                                                                                \
	} while (0)
#define KTEST_EXPLICIT_ONLY(suite, name) __KTEST_DEFINE(suite, name, KTEST_EXPLICIT)

#define __KTEST_BINARY(a, op, b, on_fail)                                                                              \
	do {                                                                                                           \
		auto __a = (a);                                                                                        \
		auto __b = (b);                                                                                        \
		if (!(__a op __b)) {                                                                                   \
			__ktest.fail(__FILE__, __LINE__,                                                               \
			             "Expected %s %s %s, but\n    %s == %lld (0x%llx)\n    %s == %lld (0x%llx)", #a,   \
			             #op, #b, #a, ktest_value(__a), (unsigned long long)ktest_value(__a), #b,          \
			             ktest_value(__b), (unsigned long long)ktest_value(__b));                          \
			on_fail;                                                                                       \
		}                                                                                                      \
	} while (0)
#define __KTEST_TRUE(c, want, on_fail)                                                                                 \
	do {                                                                                                           \
		if (!!(c) != (want)) {                                                                                 \
			__ktest.fail(__FILE__, __LINE__, "Expected %s to be %s", #c, (want) ? "true" : "false");       \
			on_fail;                                                                                       \
		}                                                                                                      \
	} while (0)
#define __KTEST_STREQ(a, b, on_fail)                                                                                   \
	do {                                                                                                           \
		const char* __a = (a);                                                                                 \
		const char* __b = (b);                                                                                 \
		if (!__a || !__b || lib::strcmp(__a, __b) != 0) {                                                      \
			__ktest.fail(__FILE__, __LINE__, "Expected %s == %s, but\n    %s == \"%s\"\n    %s == \"%s\"", \
			             #a, #b, #a, __a, #b, __b);                                                        \
			on_fail;                                                                                       \
		}                                                                                                      \
	} while (0)

/* a lib::Result: success, or the error e (a positive errno: ENOMEM) */
#define __KTEST_RESULT(r, want_err, on_fail)                                                                           \
	do {                                                                                                           \
		auto&& __r = (r);                                                                                      \
		int __got = __r.is_ok() ? 0 : __r.error();                                                             \
		if (__got != (want_err)) {                                                                             \
			__ktest.fail(__FILE__, __LINE__, "Expected %s to be %s%d, but it is %s%d", #r,                 \
			             (want_err) ? "error " : "ok ", (want_err), __got ? "error " : "ok ", __got);      \
			on_fail;                                                                                       \
		}                                                                                                      \
	} while (0)
#define KEXPECT_EQ(a, b) __KTEST_BINARY(a, ==, b, (void)0)
#define KEXPECT_NE(a, b) __KTEST_BINARY(a, !=, b, (void)0)
#define KEXPECT_LT(a, b) __KTEST_BINARY(a, <, b, (void)0)
#define KEXPECT_LE(a, b) __KTEST_BINARY(a, <=, b, (void)0)
#define KEXPECT_GT(a, b) __KTEST_BINARY(a, >, b, (void)0)
#define KEXPECT_GE(a, b) __KTEST_BINARY(a, >=, b, (void)0)
#define KEXPECT_TRUE(c) __KTEST_TRUE(c, true, (void)0)
#define KEXPECT_FALSE(c) __KTEST_TRUE(c, false, (void)0)
#define KEXPECT_STREQ(a, b) __KTEST_STREQ(a, b, (void)0)
#define KEXPECT_OK(r) __KTEST_RESULT(r, 0, (void)0)
#define KEXPECT_ERR(r, e) __KTEST_RESULT(r, e, (void)0)
#define KASSERT_EQ(a, b) __KTEST_BINARY(a, ==, b, return )
#define KASSERT_NE(a, b) __KTEST_BINARY(a, !=, b, return )
#define KASSERT_LT(a, b) __KTEST_BINARY(a, <, b, return )
#define KASSERT_LE(a, b) __KTEST_BINARY(a, <=, b, return )
#define KASSERT_GT(a, b) __KTEST_BINARY(a, >, b, return )
#define KASSERT_GE(a, b) __KTEST_BINARY(a, >=, b, return )
#define KASSERT_TRUE(c) __KTEST_TRUE(c, true, return )
#define KASSERT_FALSE(c) __KTEST_TRUE(c, false, return )
#define KASSERT_OK(r) __KTEST_RESULT(r, 0, return )
#define KASSERT_ERR(r, e) __KTEST_RESULT(r, e, return )
