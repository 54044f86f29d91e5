/*
 * openat2.c - openat2(2) (issue 14), as init on monolith and on Linux 6.1:
 * struct open_how's size rules (EINVAL, E2BIG, EFAULT), its flag, mode
 * and resolve checks (EINVAL), and the RESOLVE_* walk rules on a tree in
 * a tmpfs at /mnt: NO_SYMLINKS (ELOOP), BENEATH (EXDEV for "..", absolute
 * names and absolute links escaping dirfd), IN_ROOT (dirfd as the root),
 * NO_XDEV (EXDEV across mounts, down and up), NO_MAGICLINKS (ordinary
 * links still followed), CACHED (EAGAIN with O_CREAT).
 */
#define _GNU_SOURCE
#include "utest.h"
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#ifndef SYS_openat2
#define SYS_openat2 437
#endif
struct how {
	uint64_t flags, mode, resolve;
};
#define NO_XDEV 0x01
#define NO_MAGICLINKS 0x02
#define NO_SYMLINKS 0x04
#define BENEATH 0x08
#define IN_ROOT 0x10
#define CACHED 0x20

static int o2(int dfd, const char* path, uint64_t flags, uint64_t mode, uint64_t resolve)
{
	struct how h = {flags, mode, resolve};
	return (int)syscall(SYS_openat2, dfd, path, &h, sizeof(h));
}

/* opened it, and it is the file called want */
static int is(int fd, const char* want)
{
	struct stat a, b;
	int ok = fd >= 0 && fstat(fd, &a) == 0 && stat(want, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev;
	if (fd >= 0)
		close(fd);
	return ok;
}

static int err(int fd, int e)
{
	if (fd >= 0)
		close(fd);
	return fd == -1 && errno == e;
}

int main(void)
{
	ut_prog = "openat2";
	mkdir("/mnt", 0755);
	UT_EXPECT(mount("tmpfs", "/mnt", "tmpfs", 0, NULL) == 0, "mount a tmpfs at /mnt");
	mkdir("/mnt/d", 0755);
	mkdir("/mnt/d/sub", 0755);
	mkdir("/mnt/d/m", 0755);
	close(open("/mnt/d/f", O_CREAT | O_WRONLY, 0644));
	symlink("f", "/mnt/d/rel");
	symlink("/mnt/d/f", "/mnt/d/abs");
	symlink("/f", "/mnt/d/absin");
	symlink("../d/f", "/mnt/d/up");
	symlink("../f", "/mnt/d/sub/up");
	UT_EXPECT(mount("tmpfs", "/mnt/d/m", "tmpfs", 0, NULL) == 0, "mount a tmpfs at /mnt/d/m");
	close(open("/mnt/d/m/x", O_CREAT | O_WRONLY, 0644));
	int d = open("/mnt/d", O_PATH | O_DIRECTORY);
	UT_EXPECT(d >= 0, "dirfd /mnt/d");

	/* the struct's size */
	struct how h = {O_RDONLY, 0, 0};
	UT_EXPECT(syscall(SYS_openat2, d, "f", &h, 0) == -1 && errno == EINVAL, "size 0: EINVAL");
	UT_EXPECT(syscall(SYS_openat2, d, "f", &h, 23) == -1 && errno == EINVAL, "size 23: EINVAL");
	struct {
		struct how h;
		uint64_t more;
	} big = {{O_RDONLY, 0, 0}, 0};
	int fd = (int)syscall(SYS_openat2, d, "f", &big, sizeof(big));
	UT_EXPECT(is(fd, "/mnt/d/f"), "size 32 with a zero tail opens");
	big.more = 1;
	UT_EXPECT(syscall(SYS_openat2, d, "f", &big, sizeof(big)) == -1 && errno == E2BIG, "a non-zero tail: E2BIG");
	UT_EXPECT(syscall(SYS_openat2, d, "f", NULL, sizeof(h)) == -1 && errno == EFAULT, "how NULL: EFAULT");
	UT_EXPECT(syscall(SYS_openat2, d, NULL, &h, sizeof(h)) == -1 && errno == EFAULT, "path NULL: EFAULT");

	/* flags, mode, resolve */
	UT_EXPECT(err(o2(d, "f", 1ULL << 40, 0, 0), EINVAL), "a flag bit above 32: EINVAL");
	UT_EXPECT(err(o2(d, "f", O_RDONLY, 0, 0x40), EINVAL), "an unknown resolve bit: EINVAL");
	UT_EXPECT(err(o2(d, "f", O_RDONLY, 0644, 0), EINVAL), "a mode without O_CREAT: EINVAL");
	UT_EXPECT(err(o2(d, "n", O_CREAT | O_WRONLY, 010644, 0), EINVAL), "a mode with S_IFREG bits: EINVAL");
	UT_EXPECT(is(o2(d, "n", O_CREAT | O_WRONLY, 0600, 0), "/mnt/d/n"), "O_CREAT with mode 0600 creates");
	struct stat st;
	UT_EXPECT(stat("/mnt/d/n", &st) == 0 && (st.st_mode & 0777) == 0600, "with mode 0600");
	UT_EXPECT(err(o2(d, "f", O_RDONLY, 0, BENEATH | IN_ROOT), EINVAL), "BENEATH|IN_ROOT: EINVAL");
	UT_EXPECT(err(o2(d, "f", O_PATH | O_RDWR, 0, 0), EINVAL), "O_PATH|O_RDWR: EINVAL");
	fd = o2(d, "f", O_RDONLY | O_CLOEXEC, 0, 0);
	UT_EXPECT(fd >= 0 && fcntl(fd, F_GETFD) == FD_CLOEXEC, "O_CLOEXEC sets FD_CLOEXEC");
	close(fd);
	UT_EXPECT(err(o2(-5, "f", O_RDONLY, 0, 0), EBADF), "dirfd -5: EBADF");
	int f = open("/mnt/d/f", O_RDONLY);
	UT_EXPECT(err(o2(f, "x", O_RDONLY, 0, 0), ENOTDIR), "a file as dirfd: ENOTDIR");
	close(f);

	/* RESOLVE_NO_SYMLINKS */
	UT_EXPECT(is(o2(d, "rel", O_RDONLY, 0, 0), "/mnt/d/f"), "a link is followed without flags");
	UT_EXPECT(err(o2(d, "rel", O_RDONLY, 0, NO_SYMLINKS), ELOOP), "NO_SYMLINKS: a final link ELOOP");
	UT_EXPECT(err(o2(d, "sub/up", O_RDONLY, 0, NO_SYMLINKS), ELOOP), "NO_SYMLINKS: ELOOP in a subdirectory");
	fd = o2(d, "rel", O_PATH | O_NOFOLLOW, 0, NO_SYMLINKS);
	UT_EXPECT(fd >= 0 && fstatat(fd, "", &st, AT_EMPTY_PATH) == 0 && S_ISLNK(st.st_mode),
	          "NO_SYMLINKS with O_PATH|O_NOFOLLOW opens the link itself");
	close(fd);
	UT_EXPECT(err(o2(d, "rel", O_RDONLY | O_CREAT, 0644, NO_SYMLINKS), ELOOP), "NO_SYMLINKS with O_CREAT: ELOOP");

	/* RESOLVE_BENEATH */
	UT_EXPECT(is(o2(d, "f", O_RDONLY, 0, BENEATH), "/mnt/d/f"), "BENEATH: a name below opens");
	UT_EXPECT(is(o2(d, "sub/../f", O_RDONLY, 0, BENEATH), "/mnt/d/f"), "BENEATH: sub/../f stays below");
	UT_EXPECT(is(o2(d, "sub/up", O_RDONLY, 0, BENEATH), "/mnt/d/f"), "BENEATH: a relative link staying below");
	UT_EXPECT(err(o2(d, "../d/f", O_RDONLY, 0, BENEATH), EXDEV), "BENEATH: ../d/f EXDEV");
	UT_EXPECT(err(o2(d, "sub/../../d/f", O_RDONLY, 0, BENEATH), EXDEV), "BENEATH: sub/../../d/f EXDEV");
	UT_EXPECT(err(o2(d, "/mnt/d/f", O_RDONLY, 0, BENEATH), EXDEV), "BENEATH: an absolute name EXDEV");
	UT_EXPECT(err(o2(d, "abs", O_RDONLY, 0, BENEATH), EXDEV), "BENEATH: an absolute link EXDEV");
	UT_EXPECT(err(o2(d, "up", O_RDONLY, 0, BENEATH), EXDEV), "BENEATH: a link climbing out EXDEV");
	UT_EXPECT(err(o2(d, "..", O_RDONLY, 0, BENEATH), EXDEV), "BENEATH: .. EXDEV");

	/* RESOLVE_IN_ROOT */
	UT_EXPECT(is(o2(d, "/f", O_RDONLY, 0, IN_ROOT), "/mnt/d/f"), "IN_ROOT: /f is dirfd's f");
	UT_EXPECT(is(o2(d, "../../f", O_RDONLY, 0, IN_ROOT), "/mnt/d/f"), "IN_ROOT: .. stops at dirfd");
	UT_EXPECT(is(o2(d, "absin", O_RDONLY, 0, IN_ROOT), "/mnt/d/f"), "IN_ROOT: a link to /f is dirfd's f");
	UT_EXPECT(err(o2(d, "absin", O_RDONLY, 0, 0), ENOENT), "without IN_ROOT the link to /f dangles");
	UT_EXPECT(err(o2(d, "abs", O_RDONLY, 0, IN_ROOT), ENOENT), "IN_ROOT: /mnt/d/f inside dirfd does not exist");

	/* RESOLVE_NO_XDEV */
	UT_EXPECT(is(o2(d, "sub/up", O_RDONLY, 0, NO_XDEV), "/mnt/d/f"), "NO_XDEV: within one mount opens");
	UT_EXPECT(err(o2(d, "m/x", O_RDONLY, 0, NO_XDEV), EXDEV), "NO_XDEV: into a mount EXDEV");
	UT_EXPECT(err(o2(d, "m", O_RDONLY, 0, NO_XDEV), EXDEV), "NO_XDEV: a mount point as the last component EXDEV");
	int m = open("/mnt/d/m", O_PATH | O_DIRECTORY);
	UT_EXPECT(is(o2(m, "x", O_RDONLY, 0, NO_XDEV), "/mnt/d/m/x"), "NO_XDEV: inside the mount opens");
	UT_EXPECT(err(o2(m, "../f", O_RDONLY, 0, NO_XDEV), EXDEV), "NO_XDEV: .. out of a mount EXDEV");
	UT_EXPECT(is(o2(m, "../f", O_RDONLY, 0, 0), "/mnt/d/f"), "without NO_XDEV .. out of the mount opens");
	close(m);
	UT_EXPECT(err(o2(d, "abs", O_RDONLY, 0, NO_XDEV), EXDEV), "NO_XDEV: an absolute link to another mount EXDEV");
	UT_EXPECT(err(o2(AT_FDCWD, "/mnt/d/f", O_RDONLY, 0, NO_XDEV), EXDEV), "NO_XDEV: / to /mnt crosses: EXDEV");

	/* RESOLVE_NO_MAGICLINKS, RESOLVE_CACHED */
	UT_EXPECT(is(o2(d, "rel", O_RDONLY, 0, NO_MAGICLINKS), "/mnt/d/f"), "NO_MAGICLINKS: ordinary links followed");
	UT_EXPECT(err(o2(d, "c", O_RDONLY | O_CREAT, 0644, CACHED), EAGAIN), "CACHED with O_CREAT: EAGAIN");
	UT_EXPECT(err(o2(d, "f", O_RDWR | O_TRUNC, 0, CACHED), EAGAIN), "CACHED with O_TRUNC: EAGAIN");
	UT_EXPECT(is(o2(d, "f", O_RDONLY, 0, CACHED), "/mnt/d/f"), "CACHED: a cached name opens");
	return ut_done();
}
