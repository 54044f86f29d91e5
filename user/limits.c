/*
 * limits: resource limits (getrlimit(2), setrlimit(2), prlimit(2)) and
 * their errors.  Runs as init (root) and ends as an unprivileged user to
 * see the permission checks.
 */
#define _GNU_SOURCE
#include "syscheck.h"
#include <sys/resource.h>

#define NR_OPEN 1048576 /* Linux's fs.nr_open default */

int main(void)
{
	ut_prog = "limits";
	struct rlimit rl, old;
	UT_EXPECT(getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur == 8UL << 20 && rl.rlim_max == RLIM_INFINITY,
	          "RLIMIT_STACK is 8 MiB / unlimited");
	UT_EXPECT(getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur == 1024 && rl.rlim_max == 4096,
	          "RLIMIT_NOFILE is 1024 / 4096");
	UT_EXPECT(getrlimit(RLIMIT_CORE, &rl) == 0 && rl.rlim_cur == 0 && rl.rlim_max == RLIM_INFINITY,
	          "RLIMIT_CORE is 0 / unlimited");
	UT_EXPECT(getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur == RLIM_INFINITY, "RLIMIT_AS is unlimited");
	UT_EXPECT(prlimit(0, RLIMIT_NOFILE, NULL, &old) == 0 && old.rlim_cur == 1024 && old.rlim_max == 4096,
	          "prlimit(0) reads the same");
	UT_EXPECT(prlimit(getpid(), RLIMIT_NOFILE, NULL, &old) == 0 && old.rlim_cur == 1024,
	          "prlimit(getpid()) reads the same");

	rl.rlim_cur = 512, rl.rlim_max = 4096;
	UT_EXPECT(setrlimit(RLIMIT_NOFILE, &rl) == 0, "setrlimit lowers the soft limit");
	UT_EXPECT(getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur == 512 && rl.rlim_max == 4096, "and it reads back");
	struct rlimit nw = {256, 2048};
	UT_EXPECT(prlimit(0, RLIMIT_NOFILE, &nw, &old) == 0 && old.rlim_cur == 512 && old.rlim_max == 4096,
	          "prlimit with new and old returns the previous value");
	UT_EXPECT(getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur == 256 && rl.rlim_max == 2048, "and sets the new");
	nw.rlim_cur = 1024, nw.rlim_max = NR_OPEN;
	UT_EXPECT(setrlimit(RLIMIT_NOFILE, &nw) == 0, "root raises RLIMIT_NOFILE's hard limit up to nr_open");
	nw.rlim_max = NR_OPEN + 1;
	UT_EXPECT_ERR(setrlimit(RLIMIT_NOFILE, &nw), EPERM, "RLIMIT_NOFILE above nr_open: EPERM, even for root");
	nw.rlim_cur = nw.rlim_max = RLIM_INFINITY;
	UT_EXPECT_ERR(setrlimit(RLIMIT_NOFILE, &nw), EPERM, "RLIMIT_NOFILE unlimited: EPERM");
	nw.rlim_cur = 100, nw.rlim_max = 50;
	UT_EXPECT_ERR(setrlimit(RLIMIT_NOFILE, &nw), EINVAL, "soft above hard: EINVAL");
	UT_EXPECT_ERR(syscall(SYS_getrlimit, 16, &rl), EINVAL, "getrlimit(RLIM_NLIMITS): EINVAL");
	UT_EXPECT_ERR(syscall(SYS_setrlimit, 1000, &rl), EINVAL, "setrlimit(1000): EINVAL");
	UT_EXPECT_ERR(syscall(SYS_prlimit64, 0, 99, NULL, &old), EINVAL, "prlimit of resource 99: EINVAL");
	UT_EXPECT_ERR(syscall(SYS_prlimit64, 0x3ffffff0, RLIMIT_NOFILE, NULL, &old), ESRCH, "prlimit of no such pid: ESRCH");
	UT_EXPECT_ERR(syscall(SYS_prlimit64, -5, RLIMIT_NOFILE, NULL, &old), ESRCH, "prlimit of pid -5: ESRCH");
	UT_EXPECT_ERR(syscall(SYS_setrlimit, RLIMIT_NOFILE, (void*)8), EFAULT, "setrlimit from a bad pointer: EFAULT");
	UT_EXPECT_ERR(syscall(SYS_getrlimit, RLIMIT_NOFILE, (void*)8), EFAULT, "getrlimit to a bad pointer: EFAULT");
	UT_EXPECT_ERR(syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, (void*)8, NULL), EFAULT, "prlimit from a bad pointer: EFAULT");
	UT_EXPECT(prlimit(2, RLIMIT_NOFILE, NULL, &old) == 0 && old.rlim_cur == 1024 && old.rlim_max == 4096,
	          "root reads kthreadd's limits (pid 2)");
	rl.rlim_cur = 4096, rl.rlim_max = 4096;
	UT_EXPECT(setrlimit(RLIMIT_NOFILE, &rl) == 0, "back to 4096 / 4096");

	/* an ordinary user */
	UT_EXPECT(setuid(1000) == 0, "setuid(1000)");
	rl.rlim_max = 4097;
	UT_EXPECT_ERR(setrlimit(RLIMIT_NOFILE, &rl), EPERM, "a user raising a hard limit: EPERM");
	rl.rlim_cur = 100, rl.rlim_max = 200;
	UT_EXPECT(setrlimit(RLIMIT_NOFILE, &rl) == 0, "a user lowers both limits");
	rl.rlim_max = 300;
	UT_EXPECT_ERR(setrlimit(RLIMIT_NOFILE, &rl), EPERM, "and cannot raise the hard limit back");
	UT_EXPECT_ERR(prlimit(2, RLIMIT_NOFILE, NULL, &old), EPERM, "a user reading root's kthreadd's limits: EPERM");
	UT_EXPECT(getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur == 100 && rl.rlim_max == 200, "own limits read back");
	return ut_done_unprivileged();
}
