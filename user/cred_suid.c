/*
 * cred_suid: set-user-ID and set-group-ID executables (execve(2),
 * credentials(7), capabilities(7)).  The image holds a copy of this
 * program with mode 06755, owned by root: /suid/cred_suid-<libc>.  One
 * process goes through three execs:
 *
 *   stage 1 (root, init): the copy's mode bits; a child (with its own
 *           fs_struct) gives up root and execs the set-id copy: the
 *           "child" stage sees the file's owner and group as its
 *           effective and saved ids, root's capabilities, AT_SECURE 1,
 *           not dumpable; then init gives up root for nobody and execs it
 *   stage 2 (nobody, still init): init shares its fs_struct with the
 *           kernel threads (rest_init's CLONE_FS), which makes every exec
 *           of init "unsafe" (Linux: check_unsafe_exec, LSM_UNSAFE_SHARE):
 *           the set-id bits do not raise privilege, yet the exec counts as
 *           set-id (AT_SECURE 1); then no_new_privs and exec again
 *   stage 3 (nobody): no_new_privs survives exec and keeps the bits from
 *           acting at all: no AT_SECURE
 *
 * The check count goes from stage to stage in argv.  Ends as nobody
 * (ut_done_unprivileged).
 */
#define _GNU_SOURCE
#include "syscheck.h"
#include <fcntl.h>
#include <grp.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#define NOBODY 65534
#define V3 0x20080522
struct cap_hdr {
	uint32_t version;
	int pid;
};
struct cap_data {
	uint32_t effective, permitted, inheritable;
};

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
static uint64_t caps(int which)
{
	struct cap_hdr h = {V3, 0};
	struct cap_data d[2];
	if (syscall(SYS_capget, &h, d))
		return ~0ull;
	if (which == 'e')
		return d[0].effective | (uint64_t)d[1].effective << 32;
	return d[0].permitted | (uint64_t)d[1].permitted << 32;
}

static const char* suid_copy;
static void next_stage(const char* path, const char* stage)
{
	char count[32];
	snprintf(count, sizeof(count), "%d:%d", ut_n, ut_failed);
	fflush(stdout);
	char* argv[] = {(char*)path, (char*)stage, count, NULL};
	char* envp[] = {"PATH=/", NULL};
	execve(path, argv, envp);
	UT_EXPECT(0, "execve %s: errno %d", path, errno);
	ut_done_unprivileged();
}

int main(int argc, char** argv)
{
	ut_prog = "cred_suid";
	const char* stage = argc > 1 ? argv[1] : "1";
	if (argc > 2)
		sscanf(argv[2], "%d:%d", &ut_n, &ut_failed);
#ifdef __GLIBC__
	suid_copy = "/suid/cred_suid-glibc";
#else
	suid_copy = "/suid/cred_suid-musl";
#endif

	if (!strcmp(stage, "1")) {
		UT_EXPECT(getuid() == 0 && geteuid() == 0, "stage 1 runs as root");
		struct stat st;
		UT_EXPECT(stat(suid_copy, &st) == 0 && (st.st_mode & 07777) == 06755 && st.st_uid == 0 && st.st_gid == 0,
		          "%s: mode 06755, owner root, group 0 (%o)", suid_copy, st.st_mode & 07777);
		UT_EXPECT(prctl(PR_GET_DUMPABLE) == 1, "root's program is dumpable");
		UT_EXPECT(getauxval(AT_SECURE) == 0, "AT_SECURE 0");
		fflush(stdout);
		pid_t pid = fork();
		if (pid == 0) {
			if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) || setresuid(NOBODY, NOBODY, NOBODY))
				_exit(99);
			char* cargv[] = {(char*)suid_copy, "child", NULL};
			char* envp[] = {"PATH=/", NULL};
			execve(suid_copy, cargv, envp);
			_exit(98);
		}
		int status = -1;
		UT_EXPECT(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
		          "a child ran the set-id program as nobody and passed its checks (status %#x)", status);
		UT_EXPECT(setgroups(0, NULL) == 0 && setresgid(NOBODY, NOBODY, NOBODY) == 0 &&
		              setresuid(NOBODY, NOBODY, NOBODY) == 0,
		          "give up root for nobody");
		UT_EXPECT(caps('p') == 0 && caps('e') == 0, "nobody has no capabilities");
		UT_EXPECT_ERR(setuid(0), EPERM, "nobody: setuid(0) EPERM");
		UT_EXPECT_ERR(open("/suid/new", O_CREAT | O_WRONLY, 0644), EACCES,
		              "nobody cannot create a file in root's directory");
		next_stage(suid_copy, "2");
	}
	if (!strcmp(stage, "child")) {
		/* a set-id exec that is safe: it acts (prints "child:" checks;
		 * the exit status is the failures) */
		ut_prog = "cred_suid child";
		ut_n = 100;
		UT_EXPECT(resuid(NOBODY, 0, 0), "child: set-uid root: real nobody, effective and saved root");
		UT_EXPECT(resgid(NOBODY, 0, 0), "child: set-gid root: real nobody, effective and saved group 0");
		UT_EXPECT(syscall(SYS_setfsuid, -1) == 0 && syscall(SYS_setfsgid, -1) == 0, "child: fsuid and fsgid 0");
		UT_EXPECT(getauxval(AT_SECURE) == 1, "child: AT_SECURE 1");
		UT_EXPECT(prctl(PR_GET_DUMPABLE) == 0, "child: a set-id program is not dumpable");
		uint64_t full = (1ull << 41) - 1;
		UT_EXPECT(caps('p') == full && caps('e') == full, "child: euid 0: every capability, effective and permitted");
		int fd = open("/suid/new", O_CREAT | O_WRONLY, 0644);
		UT_EXPECT(fd >= 0, "child: root's powers: creates a file in root's directory");
		if (fd >= 0)
			close(fd);
		UT_EXPECT(seteuid(NOBODY) == 0 && resuid(NOBODY, NOBODY, 0) && caps('e') == 0 && caps('p') == full,
		          "child: seteuid(nobody): effective cleared, permitted kept (saved uid 0)");
		UT_EXPECT(seteuid(0) == 0 && caps('e') == full, "child: seteuid(0) through the saved uid");
		UT_EXPECT(setuid(NOBODY) == 0 && resuid(NOBODY, NOBODY, NOBODY) && caps('p') == 0,
		          "child: setuid(nobody) as root drops every uid and capability");
		fflush(stdout);
		_exit(ut_failed);
	}
	if (!strcmp(stage, "2")) {
		UT_EXPECT(resuid(NOBODY, NOBODY, NOBODY) && resgid(NOBODY, NOBODY, NOBODY),
		          "stage 2: init's exec is unsafe (shared fs_struct): the set-id bits raised nothing");
		UT_EXPECT(getauxval(AT_SECURE) == 1, "yet the exec was set-id: AT_SECURE 1");
		UT_EXPECT(caps('p') == 0 && caps('e') == 0, "no capabilities");
		UT_EXPECT(prctl(PR_GET_DUMPABLE) == 1, "dumpable: the ids did not change");
		UT_EXPECT(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0, "PR_SET_NO_NEW_PRIVS");
		next_stage(suid_copy, "3");
	}
	if (!strcmp(stage, "3")) {
		UT_EXPECT(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1, "stage 3: no_new_privs survives exec");
		UT_EXPECT(resuid(NOBODY, NOBODY, NOBODY) && resgid(NOBODY, NOBODY, NOBODY), "still nobody");
		UT_EXPECT(getauxval(AT_SECURE) == 0 && caps('p') == 0,
		          "no_new_privs: the set-id bits are not even looked at: AT_SECURE 0");
		UT_EXPECT(prctl(PR_GET_DUMPABLE) == 1, "dumpable");
		UT_EXPECT_ERR(prctl(PR_SET_NO_NEW_PRIVS, 0, 0, 0, 0), EINVAL, "no_new_privs cannot be cleared");
	}
	return ut_done_unprivileged();
}
