/*
 * assert.h - LIB_ASSERT(), the one assertion hook used by lib/.
 *
 * Linux counterpart: BUG_ON()/WARN_ON() (include/asm-generic/bug.h), but
 * inverted (asserts the condition holds).  lib/ is compiled both into the
 * kernel and into host unit tests, so the failure path differs:
 *   - hosted (host tests): abort(), so ASan/GoogleTest death tests see it;
 *   - freestanding (kernel): lib_assert_fail(), which the kernel defines
 *     (prints and panics).  It is [[noreturn]] so callers may rely on it.
 */
#pragma once

#if __STDC_HOSTED__
#include <cstdlib>
#define LIB_ASSERT(cond)                                                                                               \
	do {                                                                                                           \
		if (!(cond)) [[unlikely]]                                                                              \
			::abort();                                                                                     \
	} while (0)
#else
extern "C++" [[noreturn]] void lib_assert_fail(const char* expr, const char* file, int line);
#define LIB_ASSERT(cond)                                                                                               \
	do {                                                                                                           \
		if (!(cond)) [[unlikely]]                                                                              \
			::lib_assert_fail(#cond, __FILE__, __LINE__);                                                  \
	} while (0)
#endif
