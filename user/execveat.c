/*
 * execveat(2): its errnos, and a program executed through a file
 * descriptor with AT_EMPTY_PATH, whose AT_EXECFN is then "/dev/fd/N".
 * Stage 0 checks the errors (the program goes on after each), then
 * re-executes itself through an fd; stage 1 checks what it was given.
 */
#define _GNU_SOURCE
#include "utest.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <sys/syscall.h>

#ifndef AT_EMPTY_PATH
#define AT_EMPTY_PATH 0x1000
#endif

static long execveat_(int fd, const char* path, char* const* argv, char* const* envp, int flags)
{
	return syscall(SYS_execveat, fd, path, argv, envp, flags);
}

int main(int argc, char** argv)
{
	ut_prog = "execveat";
	char* envp[] = {"EXECVEAT=1", NULL};
	if (argc >= 2 && strcmp(argv[1], "stage1") == 0) {
		const char* fn = (const char*)getauxval(AT_EXECFN);
		UT_EXPECT(fn && strncmp(fn, "/dev/fd/", 8) == 0, "AT_EXECFN of an fd exec is /dev/fd/N (%s)", fn ? fn : "(null)");
		UT_EXPECT(getenv("EXECVEAT") != NULL, "the environment came through");
		UT_EXPECT(argc == 3 && strcmp(argv[2], "x y") == 0, "argv came through");
		return ut_done();
	}
	char* av[] = {argv[0], "stage1", "x y", NULL};
	errno = 0;
	UT_EXPECT(execveat_(AT_FDCWD, argv[0], av, envp, 0x4) == -1 && errno == EINVAL, "unknown flags: EINVAL");
	errno = 0;
	UT_EXPECT(execveat_(12345, "relative", av, envp, 0) == -1 && errno == EBADF, "a bad dirfd: EBADF");
	errno = 0;
	UT_EXPECT(execveat_(AT_FDCWD, "/bin/sh", av, envp, AT_SYMLINK_NOFOLLOW) == -1 && errno == ELOOP,
	          "AT_SYMLINK_NOFOLLOW on a symlink: ELOOP");
	errno = 0;
	UT_EXPECT(execveat_(AT_FDCWD, "", av, envp, 0) == -1 && errno == ENOENT, "an empty name without AT_EMPTY_PATH: ENOENT");
	int dir = open("/", O_RDONLY | O_DIRECTORY);
	errno = 0;
	UT_EXPECT(execveat_(dir, "", av, envp, AT_EMPTY_PATH) == -1 && errno == EACCES, "a directory fd: EACCES");
	errno = 0;
	UT_EXPECT(execveat_(dir, "no-such-program", av, envp, 0) == -1 && errno == ENOENT, "a missing name under dirfd: ENOENT");
	int fd = open(argv[0], O_RDONLY);
	UT_EXPECT(fd >= 0, "open the program itself");
	printf("# execveat: %d checks before the exec, %d failed\n", ut_n, ut_failed);
	fflush(stdout);
	execveat_(fd, "", av, envp, AT_EMPTY_PATH);
	UT_EXPECT(0, "execveat(fd, \"\", AT_EMPTY_PATH) returned (errno %d)", errno);
	return ut_done();
}
