/*
 * splice.c - moving data inside the kernel and vectored positional I/O
 * (issue 14), as init on monolith and on Linux 6.1: preadv/pwritev and
 * preadv2/pwritev2 (offset -1, RWF_APPEND, RWF_NOWAIT, bad flags),
 * sendfile with and without an offset, splice file->pipe, pipe->file and
 * pipe->pipe, tee, copy_file_range, and their errors.
 */
#define _GNU_SOURCE
#include "utest.h"
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#ifndef RWF_NOWAIT
#define RWF_NOWAIT 0x8
#endif
#ifndef RWF_APPEND
#define RWF_APPEND 0x10
#endif

static long preadv2_(int fd, const struct iovec* iov, int n, off_t off, int flags)
{
	return syscall(SYS_preadv2, fd, iov, n, (long)off, 0L, flags);
}
static long pwritev2_(int fd, const struct iovec* iov, int n, off_t off, int flags)
{
	return syscall(SYS_pwritev2, fd, iov, n, (long)off, 0L, flags);
}
static long cfr(int in, loff_t* oi, int out, loff_t* oo, size_t len, unsigned flags)
{
	return syscall(SYS_copy_file_range, in, oi, out, oo, len, flags);
}

int main(void)
{
	ut_prog = "splice";
	int fd = open("/sp-a", O_CREAT | O_RDWR | O_TRUNC, 0644);
	char a[] = "hello ", b[] = "world";
	struct iovec w[2] = {{a, 6}, {b, 5}};
	UT_EXPECT(pwritev(fd, w, 2, 10) == 11, "pwritev two pieces at 10");
	UT_EXPECT(lseek(fd, 0, SEEK_CUR) == 0, "the position did not move");
	char x[8] = {0}, y[8] = {0};
	struct iovec r[2] = {{x, 3}, {y, 8}};
	UT_EXPECT(preadv(fd, r, 2, 10) == 11 && !memcmp(x, "hel", 3) && !memcmp(y, "lo world", 8), "preadv them back");
	UT_EXPECT(preadv(fd, r, 2, -1) == -1 && errno == EINVAL, "preadv at -1: EINVAL");
	lseek(fd, 10, SEEK_SET);
	UT_EXPECT(preadv2_(fd, r, 1, -1, 0) == 3 && lseek(fd, 0, SEEK_CUR) == 13, "preadv2 at -1 moves the position");
	UT_EXPECT(pwritev2_(fd, w, 1, 0, RWF_APPEND) == 6 && lseek(fd, 0, SEEK_END) == 27, "RWF_APPEND appends at the end");
	UT_EXPECT(preadv2_(fd, r, 1, 0, 0x100) == -1 && errno == EOPNOTSUPP, "an unknown RWF flag: EOPNOTSUPP");
	int p[2];
	pipe(p);
	UT_EXPECT(preadv2_(p[0], r, 1, -1, RWF_NOWAIT) == -1 && errno == EOPNOTSUPP, "RWF_NOWAIT on a pipe: EOPNOTSUPP, as 6.1 (%d)", errno);
	UT_EXPECT(preadv(p[0], r, 1, 0) == -1 && errno == ESPIPE, "preadv on a pipe: ESPIPE");

	/* sendfile */
	loff_t off = 10;
	UT_EXPECT(sendfile(p[1], fd, &off, 11) == 11 && off == 21, "sendfile 11 bytes at 10 into a pipe; offset moved");
	char buf[64] = {0};
	UT_EXPECT(read(p[0], buf, sizeof(buf)) == 11 && !memcmp(buf, "hello world", 11), "the pipe has them");
	lseek(fd, 16, SEEK_SET);
	int g = open("/sp-b", O_CREAT | O_RDWR | O_TRUNC, 0644);
	UT_EXPECT(sendfile(g, fd, NULL, 5) == 5 && lseek(fd, 0, SEEK_CUR) == 21, "sendfile without offset moves in's position");
	UT_EXPECT(pread(g, buf, 5, 0) == 5 && !memcmp(buf, "world", 5), "file to file");
	UT_EXPECT(sendfile(g, p[0], NULL, 5) == -1 && errno == EINVAL, "from a pipe: EINVAL");
	UT_EXPECT(sendfile(g, 999, NULL, 5) == -1 && errno == EBADF, "from a closed fd: EBADF");
	off = -1;
	UT_EXPECT(sendfile(g, fd, &off, 5) == -1 && errno == EINVAL, "a negative offset: EINVAL");

	/* splice */
	off = 10;
	UT_EXPECT(splice(fd, &off, p[1], NULL, 5, 0) == 5 && off == 15, "splice file -> pipe");
	off = 100;
	UT_EXPECT(splice(p[0], NULL, g, &off, 5, 0) == 5 && off == 105, "splice pipe -> file at 100");
	UT_EXPECT(pread(g, buf, 5, 100) == 5 && !memcmp(buf, "hello", 5), "the file got it");
	UT_EXPECT(splice(fd, NULL, g, NULL, 5, 0) == -1 && errno == EINVAL, "no pipe: EINVAL");
	UT_EXPECT(splice(p[0], &off, g, NULL, 5, 0) == -1 && errno == ESPIPE, "an offset for the pipe: ESPIPE");
	UT_EXPECT(splice(fd, NULL, p[1], NULL, 5, 0x100) == -1 && errno == EINVAL, "a bad flag: EINVAL");
	int q[2];
	pipe(q);
	write(p[1], "abcdef", 6);
	UT_EXPECT(tee(p[0], q[1], 4, 0) == 4, "tee 4 bytes");
	UT_EXPECT(read(q[0], buf, 64) == 4 && !memcmp(buf, "abcd", 4), "the copy");
	UT_EXPECT(splice(p[0], NULL, q[1], NULL, 64, 0) == 6, "splice pipe -> pipe takes all 6 (tee left them)");
	UT_EXPECT(read(q[0], buf, 64) == 6 && !memcmp(buf, "abcdef", 6), "moved in order");
	UT_EXPECT(tee(p[0], q[1], 4, SPLICE_F_NONBLOCK) == -1 && errno == EAGAIN, "tee from an empty pipe, non-blocking: EAGAIN");
	UT_EXPECT(tee(fd, q[1], 4, 0) == -1 && errno == EINVAL, "tee from a file: EINVAL");
	UT_EXPECT(splice(p[0], NULL, p[1], NULL, 4, 0) == -1 && errno == EINVAL, "splice a pipe into itself: EINVAL");

	/* copy_file_range */
	loff_t oi = 10, oo = 0;
	int h = open("/sp-c", O_CREAT | O_RDWR | O_TRUNC, 0644);
	UT_EXPECT(cfr(fd, &oi, h, &oo, 11, 0) == 11 && oi == 21 && oo == 11, "copy_file_range 11 bytes");
	UT_EXPECT(pread(h, buf, 11, 0) == 11 && !memcmp(buf, "hello world", 11), "copied");
	UT_EXPECT(cfr(fd, &oi, h, &oo, 11, 1) == -1 && errno == EINVAL, "flags: EINVAL");
	oi = 0;
	oo = 4;
	UT_EXPECT(cfr(h, &oi, h, &oo, 8, 0) == -1 && errno == EINVAL, "overlapping ranges of one file: EINVAL");
	UT_EXPECT(cfr(fd, NULL, p[1], NULL, 4, 0) == -1 && errno == EINVAL, "to a pipe: EINVAL");
	int dir = open("/", O_RDONLY | O_DIRECTORY);
	UT_EXPECT(cfr(dir, NULL, h, NULL, 4, 0) == -1 && errno == EISDIR, "from a directory: EISDIR");
	int ap = open("/sp-c", O_WRONLY | O_APPEND);
	UT_EXPECT(cfr(fd, NULL, ap, NULL, 4, 0) == -1 && errno == EBADF, "to an O_APPEND fd: EBADF");
	oi = 1000;
	UT_EXPECT(cfr(fd, &oi, h, NULL, 4, 0) == 0, "past the end: 0");
	unlink("/sp-a");
	unlink("/sp-b");
	unlink("/sp-c");
	return ut_done();
}
