/*
 * fsattr.c - changing files' attributes (issue 14), as init on monolith and
 * on Linux 6.1: chmod/fchmod/fchmodat, chown/lchown/fchown/fchownat and
 * the set-ID bits they clear, truncate/ftruncate and their errors,
 * utimensat/futimens/utimes with UTIME_NOW and UTIME_OMIT and the owner
 * rules (as another user through seteuid), wall-clock file times,
 * statfs/fstatfs, statx, fsync/fdatasync, close_range.
 */
#define _GNU_SOURCE
#include "utest.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <time.h>

/* struct statx as Linux's uapi (musl has no wrapper): the raw call */
struct statx_ts {
	int64_t tv_sec;
	uint32_t tv_nsec;
	int32_t reserved;
};
struct statx_buf {
	uint32_t stx_mask, stx_blksize;
	uint64_t stx_attributes;
	uint32_t stx_nlink, stx_uid, stx_gid;
	uint16_t stx_mode, spare0;
	uint64_t stx_ino, stx_size, stx_blocks, stx_attributes_mask;
	struct statx_ts stx_atime, stx_btime, stx_ctime, stx_mtime;
	uint32_t stx_rdev_major, stx_rdev_minor, stx_dev_major, stx_dev_minor;
	uint64_t spare[14];
};
#define BASIC_STATS 0x7ffu

static int do_statx(int dfd, const char* path, int flags, unsigned mask, struct statx_buf* b)
{
	return (int)syscall(SYS_statx, dfd, path, flags, mask, b);
}

static mode_t mode_of(const char* p)
{
	struct stat st;
	return lstat(p, &st) ? (mode_t)-1 : st.st_mode & 07777;
}

int main(void)
{
	ut_prog = "fsattr";
	int fd = open("/attr-file", O_CREAT | O_RDWR, 0644);
	UT_EXPECT(fd >= 0, "create /attr-file");
	struct stat st;
	fstat(fd, &st);
	time_t now = time(NULL);
	UT_EXPECT(st.st_mtime >= now - 5 && st.st_mtime <= now + 1, "a new file's mtime is the wall clock (%ld vs %ld)",
	          (long)st.st_mtime, (long)now);

	/* modes */
	UT_EXPECT(chmod("/attr-file", 04755) == 0 && mode_of("/attr-file") == 04755, "chmod 4755");
	UT_EXPECT(fchmod(fd, 0600) == 0 && mode_of("/attr-file") == 0600, "fchmod 600");
	UT_EXPECT(fchmodat(AT_FDCWD, "/attr-file", 0640, 0) == 0 && mode_of("/attr-file") == 0640, "fchmodat 640");
	UT_EXPECT(chmod("/no-such-file", 0600) == -1 && errno == ENOENT, "chmod of a missing file: ENOENT");
	UT_EXPECT(syscall(SYS_chmod, 8L, 0600L) == -1 && errno == EFAULT, "chmod of a bad name: EFAULT");
	UT_EXPECT(fchmod(999, 0600) == -1 && errno == EBADF, "fchmod of a closed fd: EBADF");

	/* owners and the set-ID bits */
	UT_EXPECT(chown("/attr-file", 1000, 1000) == 0, "chown to 1000:1000");
	fstat(fd, &st);
	UT_EXPECT(st.st_uid == 1000 && st.st_gid == 1000, "the owner changed");
	UT_EXPECT(fchown(fd, -1, 2000) == 0 && fstat(fd, &st) == 0 && st.st_uid == 1000 && st.st_gid == 2000,
	          "fchown -1:2000 keeps the user");
	chmod("/attr-file", 06755);
	UT_EXPECT(chown("/attr-file", 0, 0) == 0 && mode_of("/attr-file") == 0755,
	          "chown clears set-user-ID and set-group-ID (with group execute) (%o)", mode_of("/attr-file"));
	chmod("/attr-file", 02745);
	chown("/attr-file", 0, 0);
	UT_EXPECT(mode_of("/attr-file") == 02745, "set-group-ID without group execute survives chown (%o)",
	          mode_of("/attr-file"));
	symlink("/attr-file", "/attr-link");
	UT_EXPECT(lchown("/attr-link", 5, 5) == 0 && lstat("/attr-link", &st) == 0 && st.st_uid == 5,
	          "lchown changes the link");
	UT_EXPECT(stat("/attr-file", &st) == 0 && st.st_uid == 0, "not its target (%d)", (int)st.st_uid);
	UT_EXPECT(fchownat(AT_FDCWD, "/attr-link", 6, 6, AT_SYMLINK_NOFOLLOW) == 0 && lstat("/attr-link", &st) == 0 &&
	              st.st_uid == 6,
	          "fchownat AT_SYMLINK_NOFOLLOW");
	UT_EXPECT(fchownat(fd, "", 7, 7, AT_EMPTY_PATH) == 0 && fstat(fd, &st) == 0 && st.st_uid == 7,
	          "fchownat AT_EMPTY_PATH on the fd");
	UT_EXPECT(fchownat(AT_FDCWD, "/attr-file", 0, 0, 0x1) == -1 && errno == EINVAL, "fchownat with a bad flag: EINVAL");
	chown("/attr-file", 0, 0);

	/* as another user (seteuid keeps the saved root to come back) */
	UT_EXPECT(seteuid(65534) == 0, "seteuid(nobody)");
	UT_EXPECT(chmod("/attr-file", 0777) == -1 && errno == EPERM, "nobody may not chmod root's file: EPERM");
	UT_EXPECT(chown("/attr-file", 65534, -1) == -1 && errno == EPERM, "nor take it: EPERM");
	struct timespec ts[2] = {{1000, 0}, {2000, 0}};
	UT_EXPECT(utimensat(AT_FDCWD, "/attr-file", ts, 0) == -1 && errno == EPERM, "nor set its times: EPERM");
	UT_EXPECT(utimensat(AT_FDCWD, "/attr-file", NULL, 0) == -1 && errno == EACCES,
	          "nor touch it without write permission: EACCES");
	UT_EXPECT(truncate("/attr-file", 0) == -1 && errno == EACCES, "nor truncate it: EACCES");
	UT_EXPECT(seteuid(0) == 0, "back to root");
	chmod("/attr-file", 0666);
	seteuid(65534);
	UT_EXPECT(utimensat(AT_FDCWD, "/attr-file", NULL, 0) == 0, "with write permission nobody may touch it");
	seteuid(0);

	/* times */
	UT_EXPECT(utimensat(AT_FDCWD, "/attr-file", ts, 0) == 0 && stat("/attr-file", &st) == 0 &&
	              st.st_atime == 1000 && st.st_mtime == 2000,
	          "utimensat sets atime 1000, mtime 2000");
	struct timespec omit[2] = {{0, UTIME_OMIT}, {5, UTIME_NOW}};
	UT_EXPECT(futimens(fd, omit) == 0 && fstat(fd, &st) == 0 && st.st_atime == 1000 && st.st_mtime >= now - 5,
	          "futimens: atime omitted, mtime now");
	struct timespec bad[2] = {{0, 1000000000}, {0, 0}};
	UT_EXPECT(utimensat(AT_FDCWD, "/attr-file", bad, 0) == -1 && errno == EINVAL, "a bad tv_nsec: EINVAL");
	UT_EXPECT(utimensat(AT_FDCWD, "/attr-file", ts, 0x4000) == -1 && errno == EINVAL, "a bad flag: EINVAL");
	struct timeval tv[2] = {{3000, 5}, {4000, 6}};
	UT_EXPECT(utimes("/attr-file", tv) == 0 && stat("/attr-file", &st) == 0 && st.st_mtime == 4000 &&
	              st.st_mtim.tv_nsec == 6000,
	          "utimes: microseconds");
	UT_EXPECT(utimensat(AT_FDCWD, "/attr-link", ts, AT_SYMLINK_NOFOLLOW) == 0 && lstat("/attr-link", &st) == 0 &&
	              st.st_mtime == 2000,
	          "utimensat AT_SYMLINK_NOFOLLOW sets the link's times");

	/* sizes */
	write(fd, "hello", 5);
	UT_EXPECT(ftruncate(fd, 8192) == 0 && fstat(fd, &st) == 0 && st.st_size == 8192, "ftruncate grows to 8192");
	char buf[16] = {1};
	UT_EXPECT(pread(fd, buf, 4, 100) == 4 && !buf[0] && !buf[3], "the new part reads as zeros");
	UT_EXPECT(truncate("/attr-file", 3) == 0 && stat("/attr-file", &st) == 0 && st.st_size == 3, "truncate to 3");
	UT_EXPECT(pread(fd, buf, 16, 0) == 3 && !memcmp(buf, "hel", 3), "what is left is the start");
	UT_EXPECT(truncate("/attr-file", -1) == -1 && errno == EINVAL, "a negative length: EINVAL");
	UT_EXPECT(truncate("/", 0) == -1 && errno == EISDIR, "a directory: EISDIR");
	int ro = open("/attr-file", O_RDONLY);
	UT_EXPECT(ftruncate(ro, 0) == -1 && errno == EINVAL, "ftruncate of a read-only fd: EINVAL");
	int p[2];
	pipe(p);
	UT_EXPECT(ftruncate(p[1], 0) == -1 && errno == EINVAL, "ftruncate of a pipe: EINVAL");
	struct rlimit rl = {4096, RLIM_INFINITY};
	setrlimit(RLIMIT_FSIZE, &rl);
	UT_EXPECT(ftruncate(fd, 8192) == -1 && errno == EFBIG, "past RLIMIT_FSIZE: EFBIG (init ignores SIGXFSZ)");
	rl.rlim_cur = RLIM_INFINITY;
	setrlimit(RLIMIT_FSIZE, &rl);
	chmod("/attr-file", 04755);
	UT_EXPECT(truncate("/attr-file", 0) == 0 && mode_of("/attr-file") == 04755, "root's truncate keeps set-user-ID");

	/* statfs, statx, fsync */
	struct statfs sfs;
	UT_EXPECT(statfs("/", &sfs) == 0, "statfs /");
	UT_EXPECT(sfs.f_bsize == 4096 && sfs.f_namelen == 255 && (sfs.f_flags & 0x20), "4 KiB blocks, NAME_MAX, ST_VALID");
	UT_EXPECT(sfs.f_type == 0x01021994 || sfs.f_type == (long)0x858458f6, "tmpfs or ramfs (%#lx)", (long)sfs.f_type);
	UT_EXPECT(fstatfs(p[0], &sfs) == 0 && sfs.f_type == 0x50495045, "fstatfs of a pipe: PIPEFS_MAGIC (%#lx)",
	          (long)sfs.f_type);
	UT_EXPECT(statfs("/nope", &sfs) == -1 && errno == ENOENT, "statfs of a missing path: ENOENT");
	struct statx_buf sx;
	UT_EXPECT(do_statx(AT_FDCWD, "/attr-file", 0, BASIC_STATS, &sx) == 0, "statx");
	stat("/attr-file", &st);
	UT_EXPECT((sx.stx_mask & BASIC_STATS) == BASIC_STATS && sx.stx_ino == st.st_ino &&
	              sx.stx_mode == st.st_mode && sx.stx_mtime.tv_sec == st.st_mtime && sx.stx_nlink == st.st_nlink,
	          "statx agrees with stat");
	UT_EXPECT((dev_t)makedev(sx.stx_dev_major, sx.stx_dev_minor) == st.st_dev, "and names the same device");
	UT_EXPECT(do_statx(AT_FDCWD, "/attr-file", 0x6000, BASIC_STATS, &sx) == -1 && errno == EINVAL,
	          "both sync types: EINVAL");
	UT_EXPECT(do_statx(AT_FDCWD, "/attr-file", 0, 0x80000000u, &sx) == -1 && errno == EINVAL, "STATX__RESERVED: EINVAL");
	UT_EXPECT(do_statx(fd, "", AT_EMPTY_PATH, BASIC_STATS, &sx) == 0 && sx.stx_ino == st.st_ino,
	          "statx AT_EMPTY_PATH");
	UT_EXPECT(fsync(fd) == 0 && fdatasync(fd) == 0, "fsync and fdatasync a tmpfs file");
	UT_EXPECT(fsync(p[0]) == -1 && errno == EINVAL, "fsync of a pipe: EINVAL");
	UT_EXPECT(fsync(999) == -1 && errno == EBADF, "fsync of a closed fd: EBADF");

	/* close_range */
	int a = dup(fd), b = dup(fd), c = dup(fd);
	UT_EXPECT(syscall(SYS_close_range, b, a, 0) == -1 && errno == EINVAL, "close_range with first > last: EINVAL");
	UT_EXPECT(syscall(SYS_close_range, a, c, 8) == -1 && errno == EINVAL, "close_range with a bad flag: EINVAL");
	UT_EXPECT(syscall(SYS_close_range, b, b, 4) == 0 && fcntl(b, F_GETFD) == FD_CLOEXEC && fcntl(a, F_GETFD) == 0,
	          "CLOSE_RANGE_CLOEXEC marks only the range");
	UT_EXPECT(syscall(SYS_close_range, a, ~0U, 0) == 0, "close everything from a up");
	UT_EXPECT(fcntl(a, F_GETFD) == -1 && fcntl(c, F_GETFD) == -1 && fcntl(fd, F_GETFD) == 0, "a..c closed, fd open");
	close(fd);
	close(ro);
	unlink("/attr-link");
	unlink("/attr-file");
	return ut_done();
}
