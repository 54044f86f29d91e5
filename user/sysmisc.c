/*
 * sysmisc: prctl(2) (the name, the parent-death signal, the dumpable
 * flag, unknown options), the robust-futex list registration
 * (set_robust_list(2)), sync(2) and syncfs(2).
 */
#define _GNU_SOURCE
#include "syscheck.h"
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/prctl.h>

struct robust_head {
	void* next;
	long futex_offset;
	void* pending;
};

int main(void)
{
	ut_prog = "sysmisc";
	char name[32];
	memset(name, 'x', sizeof(name));
	UT_EXPECT(prctl(PR_GET_NAME, name) == 0 && strncmp(name, "sysmisc-", 8) == 0 && strlen(name) < 16,
	          "PR_GET_NAME: the program's name (%s)", name);
	UT_EXPECT(prctl(PR_SET_NAME, "renamed") == 0 && prctl(PR_GET_NAME, name) == 0 && strcmp(name, "renamed") == 0,
	          "PR_SET_NAME sets it");
	UT_EXPECT(prctl(PR_SET_NAME, "a-very-long-name-indeed") == 0 && prctl(PR_GET_NAME, name) == 0 &&
	              strcmp(name, "a-very-long-nam") == 0,
	          "a long name is cut to 15 characters (%s)", name);
	UT_EXPECT_ERR(prctl(PR_SET_NAME, (void*)8), EFAULT, "PR_SET_NAME from a bad pointer: EFAULT");
	UT_EXPECT_ERR(prctl(PR_GET_NAME, (void*)8), EFAULT, "PR_GET_NAME to a bad pointer: EFAULT");

	int sig = -1;
	UT_EXPECT(prctl(PR_GET_PDEATHSIG, &sig) == 0 && sig == 0, "no parent-death signal at start");
	UT_EXPECT(prctl(PR_SET_PDEATHSIG, SIGTERM) == 0 && prctl(PR_GET_PDEATHSIG, &sig) == 0 && sig == SIGTERM,
	          "PR_SET_PDEATHSIG SIGTERM reads back");
	UT_EXPECT_ERR(prctl(PR_SET_PDEATHSIG, 65), EINVAL, "signal 65: EINVAL");
	UT_EXPECT(prctl(PR_SET_PDEATHSIG, 0) == 0 && prctl(PR_GET_PDEATHSIG, &sig) == 0 && sig == 0, "0 clears it");
	UT_EXPECT_ERR(prctl(PR_GET_PDEATHSIG, (void*)8), EFAULT, "PR_GET_PDEATHSIG to a bad pointer: EFAULT");

	UT_EXPECT(prctl(PR_GET_DUMPABLE) == 1, "dumpable after exec");
	UT_EXPECT(prctl(PR_SET_DUMPABLE, 0) == 0 && prctl(PR_GET_DUMPABLE) == 0, "PR_SET_DUMPABLE 0");
	UT_EXPECT_ERR(prctl(PR_SET_DUMPABLE, 2), EINVAL, "PR_SET_DUMPABLE 2 (SUID_DUMP_ROOT): EINVAL");
	UT_EXPECT(prctl(PR_SET_DUMPABLE, 1) == 0 && prctl(PR_GET_DUMPABLE) == 1, "PR_SET_DUMPABLE 1");
	UT_EXPECT_ERR(prctl(0x12345), EINVAL, "an unknown option: EINVAL");
	UT_EXPECT_ERR(prctl(0), EINVAL, "option 0: EINVAL");

	/* the robust list: glibc registers one at start-up, musl does not */
	void* head = (void*)1;
	size_t len = 0;
	UT_EXPECT(syscall(SYS_get_robust_list, 0, &head, &len) == 0 && len == 24, "get_robust_list: the head is 24 bytes");
	static struct robust_head mine = {&mine, 0, NULL};
	UT_EXPECT(syscall(SYS_set_robust_list, &mine, sizeof(mine)) == 0, "set_robust_list");
	UT_EXPECT(syscall(SYS_get_robust_list, 0, &head, &len) == 0 && head == &mine && len == 24, "reads back");
	UT_EXPECT(syscall(SYS_get_robust_list, getpid(), &head, &len) == 0 && head == &mine, "by pid too");
	UT_EXPECT_ERR(syscall(SYS_set_robust_list, &mine, 23), EINVAL, "a wrong length: EINVAL");
	UT_EXPECT_ERR(syscall(SYS_get_robust_list, 0x3ffffff0, &head, &len), ESRCH, "no such pid: ESRCH");
	UT_EXPECT_ERR(syscall(SYS_get_robust_list, 0, (void*)8, &len), EFAULT, "to a bad pointer: EFAULT");

	/* sync: nothing to write back on ramfs/tmpfs */
	sync();
	UT_EXPECT(1, "sync returns");
	int fd = open("/", O_RDONLY | O_DIRECTORY);
	UT_EXPECT(fd >= 0 && syncfs(fd) == 0, "syncfs of the root file system");
	UT_EXPECT_ERR(syncfs(-1), EBADF, "syncfs(-1): EBADF");
	UT_EXPECT_ERR(syncfs(999), EBADF, "syncfs(999): EBADF");
	return ut_done();
}
