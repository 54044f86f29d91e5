/*
 * utest.h - the output convention of the project's user-space test
 * programs: one KTAP-style line per check, a summary, and an orderly end.
 *
 *     UT_EXPECT(getpid() == 1, "init is pid 1");
 *     return ut_done();
 *
 * prints "ok 1 - init is pid 1" or "not ok 1 - init is pid 1 # <file>:<line>",
 * then "# <prog>: P passed, F failed".  A program that runs as init (pid
 * 1) must not return — a dying init panics Linux and monolith alike — so
 * ut_done() then powers the machine off with reboot(2), the way the test
 * harness expects a run to end on both kernels.  Plain libc only, so the
 * same source builds with musl and glibc.
 */
#ifndef USER_UTEST_H
#define USER_UTEST_H
#include <stdio.h>
#include <string.h>
#include <sys/reboot.h>
#include <unistd.h>

static int ut_n, ut_failed;
static const char* ut_prog = "test";

#define UT_EXPECT(cond, ...)                                                                             \
	do {                                                                                             \
		int ut_ok_ = !!(cond);                                                                   \
		printf("%sok %d - ", ut_ok_ ? "" : "not ", ++ut_n);                                      \
		printf(__VA_ARGS__);                                                                     \
		if (!ut_ok_)                                                                             \
			printf(" # %s:%d: %s", __FILE__, __LINE__, #cond);                               \
		printf("\n");                                                                            \
		ut_failed += !ut_ok_;                                                                    \
	} while (0)

static inline int ut_done(void)
{
	printf("# %s: %d passed, %d failed\n", ut_prog, ut_n - ut_failed, ut_failed);
	fflush(stdout);
	if (getpid() == 1) {
		sync();
		reboot(RB_POWER_OFF);
		printf("# %s: reboot(RB_POWER_OFF) returned\n", ut_prog);
		fflush(stdout);
		for (;;)
			pause();
	}
	return ut_failed ? 1 : 0;
}
#endif
