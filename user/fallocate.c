/*
 * fallocate.c - fallocate(2) (issue 14), as init on monolith and on Linux
 * 6.1: vfs_fallocate's checks (EINVAL, EOPNOTSUPP, EBADF, ESPIPE, ENODEV,
 * EFBIG), tmpfs's allocation (mode 0, KEEP_SIZE: st_blocks and st_size),
 * ENOSPC past size= with nothing changed, PUNCH_HOLE|KEEP_SIZE (whole
 * pages dropped, edges zeroed, mappings see it), MADV_REMOVE, sealed
 * memfds, and ramfs's EOPNOTSUPP.  A tmpfs is mounted at /mnt (the
 * initramfs root is ramfs on monolith, tmpfs on Linux).
 */
#define _GNU_SOURCE
#include "utest.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>

#define KEEP 0x01
#define PUNCH 0x02
#define COLLAPSE 0x08
#define ZERO 0x10
#ifndef F_ADD_SEALS
#define F_ADD_SEALS 1033
#define F_SEAL_GROW 4
#define F_SEAL_WRITE 8
#endif
#ifndef MADV_REMOVE
#define MADV_REMOVE 9
#endif

static long fa(int fd, int mode, long long off, long long len)
{
	return syscall(SYS_fallocate, fd, mode, off, len);
}

static long long blocks(int fd)
{
	struct stat st;
	return fstat(fd, &st) ? -1 : (long long)st.st_blocks;
}

static long long size(int fd)
{
	struct stat st;
	return fstat(fd, &st) ? -1 : (long long)st.st_size;
}

static int all(const char* p, int c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != c)
			return 0;
	return 1;
}

int main(void)
{
	ut_prog = "fallocate";
	static char buf[3 * 4096];
	mkdir("/mnt", 0755);
	mkdir("/mnt2", 0755);
	UT_EXPECT(mount("tmpfs", "/mnt", "tmpfs", 0, "size=64k") == 0, "mount a 64 KiB tmpfs at /mnt: %s", strerror(errno));

	int fd = open("/mnt/f", O_RDWR | O_CREAT, 0644);
	UT_EXPECT(fd >= 0, "create /mnt/f");
	UT_EXPECT(fa(fd, 0, 0, 8192) == 0, "mode 0 over two pages");
	UT_EXPECT(size(fd) == 8192 && blocks(fd) == 16, "the size grows to 8192, st_blocks 16 (%lld, %lld)", size(fd),
	          blocks(fd));
	UT_EXPECT(fa(fd, KEEP, 8192, 4096) == 0, "KEEP_SIZE past the end");
	UT_EXPECT(size(fd) == 8192 && blocks(fd) == 24, "KEEP_SIZE: the size stays, st_blocks 24 (%lld, %lld)", size(fd),
	          blocks(fd));
	UT_EXPECT(pread(fd, buf, sizeof(buf), 0) == 8192 && all(buf, 0, 8192), "the allocated range reads as zeroes");
	UT_EXPECT(fa(fd, 0, 100, 10) == 0 && size(fd) == 8192, "allocating inside the file changes nothing");

	/* punching */
	memset(buf, 'a', sizeof(buf));
	UT_EXPECT(pwrite(fd, buf, sizeof(buf), 0) == (ssize_t)sizeof(buf), "write three pages of 'a'");
	char* map = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	UT_EXPECT(map != MAP_FAILED && map[5000] == 'a', "a shared mapping of the file");
	UT_EXPECT(fa(fd, PUNCH, 0, 4096) == -1 && errno == EOPNOTSUPP, "PUNCH_HOLE without KEEP_SIZE: EOPNOTSUPP");
	UT_EXPECT(fa(fd, PUNCH | KEEP, 4000, 4096 + 200) == 0, "punch [4000, 8296)");
	UT_EXPECT(blocks(fd) == 16, "the whole page 1 inside it goes: st_blocks 16 (%lld)", blocks(fd));
	UT_EXPECT(pread(fd, buf, sizeof(buf), 0) == sizeof(buf) && all(buf, 'a', 4000) && all(buf + 4000, 0, 4296) &&
	              all(buf + 8296, 'a', 3 * 4096 - 8296),
	          "the punched bytes read as zeroes, the rest stays");
	UT_EXPECT(map[3999] == 'a' && map[4000] == 0 && map[8295] == 0 && map[8296] == 'a',
	          "the mapping sees the zeroed edges");
	map[5000] = 'b';
	UT_EXPECT(blocks(fd) == 24, "a write through the mapping brings page 1 back (%lld)", blocks(fd));
	UT_EXPECT(fa(fd, PUNCH | KEEP, 4096, 4096) == 0, "punch page 1");
	UT_EXPECT(blocks(fd) == 16 && size(fd) == 3 * 4096, "page 1 is gone: st_blocks 16, the size stays (%lld)",
	          blocks(fd));
	UT_EXPECT(map[5000] == 0, "the mapping's page 1 is unmapped and faults in a zeroed page");
	UT_EXPECT(madvise(map + 8192, 4096, MADV_REMOVE) == 0, "MADV_REMOVE of page 2");
	UT_EXPECT(pread(fd, buf, 4096, 8192) == 4096 && all(buf, 0, 4096), "page 2 reads as zeroes after MADV_REMOVE");
	munmap(map, 3 * 4096);

	/* the mode checks */
	UT_EXPECT(fa(fd, 0x80, 0, 1) == -1 && errno == EOPNOTSUPP, "an unknown mode bit: EOPNOTSUPP");
	UT_EXPECT(fa(fd, PUNCH | ZERO | KEEP, 0, 1) == -1 && errno == EOPNOTSUPP, "PUNCH_HOLE|ZERO_RANGE: EOPNOTSUPP");
	UT_EXPECT(fa(fd, COLLAPSE | KEEP, 0, 4096) == -1 && errno == EINVAL, "COLLAPSE_RANGE with another bit: EINVAL");
	UT_EXPECT(fa(fd, ZERO, 0, 4096) == -1 && errno == EOPNOTSUPP, "ZERO_RANGE on tmpfs: EOPNOTSUPP");
	UT_EXPECT(fa(fd, 0, -1, 4096) == -1 && errno == EINVAL, "a negative offset: EINVAL");
	UT_EXPECT(fa(fd, 0, 0, 0) == -1 && errno == EINVAL, "len 0: EINVAL");
	UT_EXPECT(fa(fd, 0, 0, -5) == -1 && errno == EINVAL, "a negative len: EINVAL");
	UT_EXPECT(fa(fd, 0, INT64_MAX - 10, 100) == -1 && errno == EFBIG, "offset + len wrapping: EFBIG");
	UT_EXPECT(fa(-1, 0, 0, 1) == -1 && errno == EBADF, "fd -1: EBADF");
	int ro = open("/mnt/f", O_RDONLY);
	UT_EXPECT(fa(ro, 0, 0, 1) == -1 && errno == EBADF, "a read-only fd: EBADF");
	close(ro);
	int p[2];
	UT_EXPECT(pipe(p) == 0, "a pipe");
	UT_EXPECT(fa(p[1], 0, 0, 1) == -1 && errno == ESPIPE, "the pipe's write end: ESPIPE");
	UT_EXPECT(fa(p[0], 0, 0, 1) == -1 && errno == EBADF, "the pipe's read end: EBADF");
	close(p[0]);
	close(p[1]);
	UT_EXPECT(mknod("/mnt/null", S_IFCHR | 0666, makedev(1, 3)) == 0, "mknod /mnt/null");
	int dn = open("/mnt/null", O_WRONLY);
	UT_EXPECT(dn >= 0 && fa(dn, 0, 0, 1) == -1 && errno == ENODEV, "a character device: ENODEV");
	close(dn);

	/* RLIMIT_FSIZE */
	signal(SIGXFSZ, SIG_IGN);
	struct rlimit old, lim = {16384, 16384};
	getrlimit(RLIMIT_FSIZE, &old);
	setrlimit(RLIMIT_FSIZE, &lim);
	UT_EXPECT(fa(fd, 0, 0, 32768) == -1 && errno == EFBIG, "growing past RLIMIT_FSIZE: EFBIG");
	setrlimit(RLIMIT_FSIZE, &old);

	/* ENOSPC: 16 pages in all, 2 used by /mnt/f */
	int g = open("/mnt/g", O_RDWR | O_CREAT, 0644);
	UT_EXPECT(fa(g, 0, 0, 1 << 20) == -1 && errno == ENOSPC, "1 MiB on a 64 KiB tmpfs: ENOSPC");
	UT_EXPECT(fa(g, 0, 0, 15 * 4096) == -1 && errno == ENOSPC, "15 pages with 14 free: ENOSPC");
	UT_EXPECT(size(g) == 0 && blocks(g) == 0, "nothing changed (%lld, %lld)", size(g), blocks(g));
	UT_EXPECT(fa(g, 0, 0, 14 * 4096) == 0 && blocks(g) == 14 * 8, "14 pages fit");
	UT_EXPECT(write(g, "x", 1) == 1, "the file writes into its allocated page");
	UT_EXPECT(pwrite(fd, "y", 1, 5 * 4096) == -1 && errno == ENOSPC, "the file system is full: ENOSPC");
	close(g);
	unlink("/mnt/g");
	close(fd);

	/* sealed memfds */
	int m = (int)syscall(SYS_memfd_create, "sealed", 2 /* MFD_ALLOW_SEALING */);
	UT_EXPECT(m >= 0 && ftruncate(m, 4096) == 0 && fcntl(m, F_ADD_SEALS, F_SEAL_GROW) == 0, "a memfd sealed GROW");
	UT_EXPECT(fa(m, 0, 0, 8192) == -1 && errno == EPERM, "F_SEAL_GROW: allocating past the size EPERM");
	UT_EXPECT(fa(m, KEEP, 0, 8192) == -1 && errno == EPERM, "F_SEAL_GROW: KEEP_SIZE past the size EPERM too");
	UT_EXPECT(fa(m, 0, 0, 4096) == 0 && blocks(m) == 8, "F_SEAL_GROW: inside the size allowed");
	UT_EXPECT(fcntl(m, F_ADD_SEALS, F_SEAL_WRITE) == 0, "add F_SEAL_WRITE");
	UT_EXPECT(fa(m, PUNCH | KEEP, 0, 4096) == -1 && errno == EPERM, "F_SEAL_WRITE: punching EPERM");
	close(m);

	/* ramfs has no ->fallocate */
	UT_EXPECT(mount("ramfs", "/mnt2", "ramfs", 0, NULL) == 0, "mount a ramfs at /mnt2");
	int r = open("/mnt2/f", O_RDWR | O_CREAT, 0644);
	UT_EXPECT(r >= 0 && fa(r, 0, 0, 4096) == -1 && errno == EOPNOTSUPP, "ramfs: EOPNOTSUPP");
	UT_EXPECT(ftruncate(r, 4096) == 0, "ftruncate the ramfs file");
	map = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, r, 0);
	UT_EXPECT(map != MAP_FAILED && madvise(map, 4096, MADV_REMOVE) == -1 && errno == EOPNOTSUPP,
	          "ramfs: MADV_REMOVE EOPNOTSUPP");
	close(r);
	return ut_done();
}
