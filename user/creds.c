/*
 * creds: user and group ids, supplementary groups and what capabilities
 * do with them (setuid(2), setreuid(2), setresuid(2), setfsuid(2),
 * getgroups(2), capabilities(7) "Effect of user ID changes on
 * capabilities").  Runs as init (root); the checks go from root to an
 * unprivileged user in one direction, since a process cannot get root
 * back once every uid has left 0.
 */
#define _GNU_SOURCE
#include "syscheck.h"
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <sys/fsuid.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>

static int resuid(uid_t r, uid_t e, uid_t s)
{
	uid_t a, b, c;
	return getresuid(&a, &b, &c) == 0 && a == r && b == e && c == s;
}
static int resgid(gid_t r, gid_t e, gid_t s)
{
	gid_t a, b, c;
	return getresgid(&a, &b, &c) == 0 && a == r && b == e && c == s;
}
/* setfsuid/setfsgid with an invalid id change nothing and return the current one */
static int fsuid(void)
{
	return (int)syscall(SYS_setfsuid, -1);
}
static int fsgid(void)
{
	return (int)syscall(SYS_setfsgid, -1);
}

int main(void)
{
	ut_prog = "creds";
	UT_EXPECT(getuid() == 0 && geteuid() == 0 && getgid() == 0 && getegid() == 0, "init runs as root");
	UT_EXPECT(resuid(0, 0, 0) && resgid(0, 0, 0), "getresuid/getresgid: all 0");
	UT_EXPECT(fsuid() == 0 && fsgid() == 0, "fsuid and fsgid are 0");
	UT_EXPECT(getgroups(0, NULL) == 0, "init has no supplementary groups");

	/* a file only root may read, for the fsuid checks below */
	int fd = open("/creds-secret", O_CREAT | O_WRONLY | O_TRUNC, 0600);
	UT_EXPECT(fd >= 0 && write(fd, "x", 1) == 1 && close(fd) == 0, "root creates a 0600 file");

	/* supplementary groups */
	gid_t set[3] = {30, 10, 20}, got[8] = {0};
	UT_EXPECT(setgroups(3, set) == 0, "setgroups of 3 groups as root");
	UT_EXPECT(getgroups(0, NULL) == 3, "getgroups(0) counts them");
	UT_EXPECT(getgroups(8, got) == 3 && got[0] == 10 && got[1] == 20 && got[2] == 30,
	          "getgroups returns them sorted (%u %u %u)", got[0], got[1], got[2]);
	UT_EXPECT_ERR(getgroups(2, got), EINVAL, "getgroups with too small a list: EINVAL");
	UT_EXPECT_ERR(syscall(SYS_getgroups, -1, got), EINVAL, "getgroups(-1): EINVAL");
	UT_EXPECT_ERR(syscall(SYS_setgroups, 65537, got), EINVAL, "setgroups above NGROUPS_MAX: EINVAL");
	UT_EXPECT_ERR(syscall(SYS_setgroups, 1, (void*)8), EFAULT, "setgroups from a bad pointer: EFAULT");
	UT_EXPECT_ERR(syscall(SYS_getgroups, 3, (void*)8), EFAULT, "getgroups to a bad pointer: EFAULT");
	UT_EXPECT_ERR(syscall(SYS_getresuid, (void*)8, (void*)8, (void*)8), EFAULT, "getresuid to a bad pointer: EFAULT");

	/* invalid ids */
	UT_EXPECT_ERR(syscall(SYS_setuid, -1), EINVAL, "setuid(-1): EINVAL");
	UT_EXPECT_ERR(syscall(SYS_setgid, -1), EINVAL, "setgid(-1): EINVAL");

	/* the pdeath signal and dumpable flag reset on an effective id change */
	UT_EXPECT(prctl(PR_SET_PDEATHSIG, SIGUSR1) == 0, "PR_SET_PDEATHSIG");
	UT_EXPECT(prctl(PR_GET_DUMPABLE) == 1, "a process is dumpable after exec");

	/* group ids as root (CAP_SETGID) */
	UT_EXPECT(setresgid(100, 200, 300) == 0 && resgid(100, 200, 300), "setresgid(100, 200, 300) as root");
	UT_EXPECT(fsgid() == 200, "fsgid follows the effective gid (%d)", fsgid());
	int sig = -1;
	UT_EXPECT(prctl(PR_GET_PDEATHSIG, &sig) == 0 && sig == 0, "an egid change clears the pdeath signal (%d)", sig);
	UT_EXPECT(prctl(PR_GET_DUMPABLE) == 0, "an egid change makes the process non-dumpable");
	UT_EXPECT(prctl(PR_SET_DUMPABLE, 1) == 0, "PR_SET_DUMPABLE back to 1");
	UT_EXPECT(setregid(-1, 100) == 0 && resgid(100, 100, 300),
	          "setregid(-1, egid = rgid) leaves the saved gid alone");
	UT_EXPECT(setregid(-1, 50) == 0 && resgid(100, 50, 50), "setregid(-1, other) sets the saved gid too");
	UT_EXPECT(setgid(0) == 0 && resgid(0, 0, 0), "setgid(0) as root sets all three");
	UT_EXPECT((int)syscall(SYS_setfsgid, 7) == 0 && fsgid() == 7, "setfsgid returns the old fsgid and sets the new");
	UT_EXPECT(setegid(0) == 0 && fsgid() == 0, "setegid resets the fsgid");

	/* leaving uid 0 for the effective id only: the effective caps go,
	 * the permitted stay (the saved uid is 0) */
	UT_EXPECT(setresuid(1000, 1001, 0) == 0 && resuid(1000, 1001, 0), "setresuid(1000, 1001, 0)");
	UT_EXPECT(fsuid() == 1001, "fsuid follows the effective uid");
	UT_EXPECT_ERR(setgid(5), EPERM, "euid 1001: setgid to a gid not held: EPERM");
	UT_EXPECT_ERR(setgroups(1, set), EPERM, "euid 1001: setgroups: EPERM");
	UT_EXPECT_ERR(open("/creds-secret", O_RDONLY), EACCES, "euid 1001 cannot read root's 0600 file");
	UT_EXPECT_ERR(setpriority(PRIO_PROCESS, 0, -5), EACCES, "euid 1001: lowering nice: EACCES");
	UT_EXPECT((int)syscall(SYS_setfsuid, 0) == 1001 && fsuid() == 0, "setfsuid(0) (the saved uid) is allowed");
	fd = open("/creds-secret", O_RDONLY);
	UT_EXPECT(fd >= 0, "fsuid 0 reads the file");
	if (fd >= 0)
		close(fd);
	UT_EXPECT((int)syscall(SYS_setfsuid, 1001) == 0 && fsuid() == 1001, "setfsuid back to 1001");
	UT_EXPECT((int)syscall(SYS_setfsuid, 4242) == 1001 && fsuid() == 1001,
	          "setfsuid to an id not held changes nothing");
	UT_EXPECT_ERR(setreuid(-1, 4242), EPERM, "setreuid to a foreign euid: EPERM");
	UT_EXPECT_ERR(setresuid(-1, -1, 4242), EPERM, "setresuid to a foreign suid: EPERM");
	UT_EXPECT(resuid(1000, 1001, 0), "the failed calls changed nothing");

	/* back to euid 0 through the saved uid: the permitted caps return */
	UT_EXPECT(seteuid(0) == 0 && resuid(1000, 0, 0), "seteuid(0) through the saved uid");
	UT_EXPECT(setgid(5) == 0 && resgid(5, 5, 5), "euid 0 again: CAP_SETGID is back");
	UT_EXPECT(setgroups(0, NULL) == 0 && getgroups(0, NULL) == 0, "setgroups(0) clears the groups");
	UT_EXPECT(setreuid(-1, 1000) == 0 && resuid(1000, 1000, 0),
	          "setreuid(-1, ruid): the saved uid stays when the new euid is the real uid");
	UT_EXPECT(seteuid(0) == 0 && resuid(1000, 0, 0), "so euid 0 can come back once more");
	UT_EXPECT(setreuid(1000, 1000) == 0 && resuid(1000, 1000, 1000), "setreuid(1000, 1000): the saved uid follows");

	/* every uid has left 0: the capabilities are gone for good */
	UT_EXPECT_ERR(setuid(0), EPERM, "uid 1000 everywhere: setuid(0): EPERM");
	UT_EXPECT_ERR(seteuid(0), EPERM, "seteuid(0): EPERM");
	UT_EXPECT((int)syscall(SYS_setfsuid, 0) == 1000 && fsuid() == 1000, "setfsuid(0) changes nothing");
	UT_EXPECT(setuid(1000) == 0 && resuid(1000, 1000, 1000), "setuid to one's own uid works");
	UT_EXPECT(setresuid(-1, -1, -1) == 0, "setresuid(-1, -1, -1) is a no-op");
	UT_EXPECT_ERR(setgid(0), EPERM, "setgid(0): EPERM");
	UT_EXPECT(setregid(5, 5) == 0 && resgid(5, 5, 5), "setregid among held gids");
	UT_EXPECT_ERR(open("/creds-secret", O_RDONLY), EACCES, "uid 1000 cannot read root's file");
	struct rlimit rl;
	UT_EXPECT(getrlimit(RLIMIT_NOFILE, &rl) == 0, "getrlimit as uid 1000");
	rl.rlim_max++;
	UT_EXPECT_ERR(setrlimit(RLIMIT_NOFILE, &rl), EPERM, "no CAP_SYS_RESOURCE: raising a hard limit: EPERM");
	return ut_done_unprivileged();
}
