/*
 * syscheck.h - small helpers shared by the system-call test programs
 * (creds, limits, clocks, sched, sysmisc): checking an errno and making
 * raw system calls that bypass libc's wrappers.
 */
#ifndef USER_SYSCHECK_H
#define USER_SYSCHECK_H
#include "utest.h"
#include <errno.h>
#include <sys/syscall.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

/* the call failed with -1 and errno err */
#define UT_EXPECT_ERR(call, err, ...)                                                                    \
	do {                                                                                             \
		errno = 0;                                                                               \
		long ut_r_ = (long)(call);                                                               \
		int ut_e_ = errno;                                                                       \
		UT_EXPECT(ut_r_ == -1 && ut_e_ == (err), __VA_ARGS__);                                   \
		if (!(ut_r_ == -1 && ut_e_ == (err)))                                                    \
			printf("#   got %ld, errno %d (%s), wanted errno %d\n", ut_r_, ut_e_, strerror(ut_e_), (err)); \
	} while (0)

/* The end of a program that gave up root as init: reboot(2) needs
 * CAP_SYS_BOOT, so it prints its summary and exits, and both kernels
 * panic with "Attempted to kill init! exitcode=0x00000000" (the test
 * expects that: tests/e2e/user_sys.cmake). */
static inline int ut_done_unprivileged(void)
{
	printf("# %s: %d passed, %d failed\n", ut_prog, ut_n - ut_failed, ut_failed);
	fflush(stdout);
	/* let the console drain before the panic's lines: Linux's serial
	 * driver sends a write after the system call returns */
	tcdrain(1);
	struct timespec t = {0, 200000000};
	nanosleep(&t, NULL);
	_exit(0);
}

#endif
