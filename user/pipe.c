/*
 * pipe.c - pipes, FIFOs, poll(2), select(2) and the generic ioctls, in one
 * process (issue 14), as init on monolith and on Linux 6.1:
 * pipe2's flags and errors, FIONREAD, the 64 KiB default buffer and
 * F_SETPIPE_SZ, O_NONBLOCK's EAGAIN, end of file and EPOLLHUP, EPOLLERR
 * without readers, O_DIRECT packets, atomic PIPE_BUF writes, FIFOs opened
 * without blocking (ENXIO for a lone writer), poll/ppoll/select readiness
 * and timeouts, POLLNVAL/EBADF for closed fds, FIOCLEX and ENOTTY.
 * Writing without readers is EPIPE; the SIGPIPE that comes with it does
 * not reach init, which has no handler (Linux's SIGNAL_UNKILLABLE).
 */
#define _GNU_SOURCE
#include "utest.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static short revents(int fd, short events)
{
	struct pollfd p = {fd, events, 0};
	int n = poll(&p, 1, 0);
	return n < 0 ? -1 : p.revents;
}

int main(void)
{
	ut_prog = "pipe";
	int p[2];

	UT_EXPECT(syscall(SYS_pipe2, p, O_APPEND) == -1 && errno == EINVAL, "pipe2 with O_APPEND: EINVAL");
	UT_EXPECT(syscall(SYS_pipe2, (void*)8, 0) == -1 && errno == EFAULT, "pipe2 to a bad address: EFAULT");
	UT_EXPECT(pipe2(p, O_CLOEXEC) == 0, "pipe2(O_CLOEXEC)");
	UT_EXPECT(fcntl(p[0], F_GETFD) == FD_CLOEXEC && fcntl(p[1], F_GETFD) == FD_CLOEXEC, "both ends close-on-exec");
	UT_EXPECT((fcntl(p[0], F_GETFL) & O_ACCMODE) == O_RDONLY && (fcntl(p[1], F_GETFL) & O_ACCMODE) == O_WRONLY,
	          "read end O_RDONLY, write end O_WRONLY");
	struct stat st0, st1;
	fstat(p[0], &st0);
	fstat(p[1], &st1);
	UT_EXPECT(S_ISFIFO(st0.st_mode) && (st0.st_mode & 0777) == 0600, "fstat: a FIFO, mode 0600 (%o)", st0.st_mode);
	UT_EXPECT(st0.st_ino == st1.st_ino && st0.st_dev == st1.st_dev, "both ends are one inode");
	UT_EXPECT(lseek(p[0], 0, SEEK_SET) == -1 && errno == ESPIPE, "lseek: ESPIPE");
	char buf[70000];
	UT_EXPECT(pread(p[0], buf, 1, 0) == -1 && errno == ESPIPE, "pread: ESPIPE");
	UT_EXPECT(write(p[0], "x", 1) == -1 && errno == EBADF, "write to the read end: EBADF");
	UT_EXPECT(read(p[1], buf, 1) == -1 && errno == EBADF, "read from the write end: EBADF");

	UT_EXPECT(revents(p[0], POLLIN) == 0, "empty: the read end is not readable");
	UT_EXPECT(revents(p[1], POLLOUT) == POLLOUT, "empty: the write end is writable");
	UT_EXPECT(write(p[1], "hello", 5) == 5, "write 5 bytes");
	int n = -1;
	UT_EXPECT(ioctl(p[0], FIONREAD, &n) == 0 && n == 5, "FIONREAD: 5 (%d)", n);
	UT_EXPECT(revents(p[0], POLLIN) == POLLIN, "the read end is readable");
	UT_EXPECT(read(p[0], buf, sizeof(buf)) == 5 && !memcmp(buf, "hello", 5), "read them back");

	/* O_NONBLOCK and the 64 KiB buffer */
	UT_EXPECT(fcntl(p[0], F_SETFL, O_NONBLOCK) == 0, "O_NONBLOCK on the read end");
	UT_EXPECT(read(p[0], buf, 1) == -1 && errno == EAGAIN, "empty non-blocking read: EAGAIN");
	int fl = 1;
	UT_EXPECT(ioctl(p[1], FIONBIO, &fl) == 0 && (fcntl(p[1], F_GETFL) & O_NONBLOCK), "FIONBIO sets O_NONBLOCK");
	UT_EXPECT(fcntl(p[1], F_GETPIPE_SZ) == 65536, "F_GETPIPE_SZ: 65536");
	memset(buf, 'a', sizeof(buf));
	long total = 0, w;
	while ((w = write(p[1], buf, 1000)) > 0)
		total += w;
	UT_EXPECT(w == -1 && errno == EAGAIN, "a full pipe: EAGAIN");
	UT_EXPECT(total == 64000, "1000-byte writes are atomic: 4 to a page, 64000 bytes went in (%ld)", total);
	UT_EXPECT(read(p[0], buf, sizeof(buf)) == 64000, "drain it in one read");
	total = 0;
	while ((w = write(p[1], buf, 4096)) > 0)
		total += w;
	UT_EXPECT(total == 65536, "page-sized writes fill all 16 pages: 65536 bytes (%ld)", total);
	UT_EXPECT(revents(p[1], POLLOUT) == 0, "full: the write end is not writable");
	UT_EXPECT(fcntl(p[1], F_SETPIPE_SZ, 4096) == -1 && errno == EBUSY, "shrinking below the data: EBUSY");
	UT_EXPECT(read(p[0], buf, sizeof(buf)) == 65536, "drain it in one read");
	UT_EXPECT(fcntl(p[1], F_SETPIPE_SZ, 5000) == 8192, "F_SETPIPE_SZ(5000): 8192");
	total = 0;
	while ((w = write(p[1], buf, 4096)) > 0)
		total += w;
	UT_EXPECT(total == 8192, "the resized pipe holds 8192 bytes (%ld)", total);
	while (read(p[0], buf, sizeof(buf)) > 0)
		;
	UT_EXPECT(fcntl(p[1], F_SETPIPE_SZ, 0) == 4096, "F_SETPIPE_SZ(0): one page");
	UT_EXPECT(fcntl(1000, F_GETPIPE_SZ) == -1 && errno == EBADF, "F_GETPIPE_SZ on a closed fd: EBADF");

	/* atomic small writes: 100 + 4000 bytes do not split the 4000 */
	fcntl(p[1], F_SETPIPE_SZ, 65536);
	write(p[1], buf, 100);
	write(p[1], buf, 4000);
	UT_EXPECT(ioctl(p[0], FIONREAD, &n) == 0 && n == 4100, "FIONREAD after 100 + 4000: 4100");
	UT_EXPECT(read(p[0], buf, 50) == 50 && read(p[0], buf, sizeof(buf)) == 4050, "partial reads continue in order");

	/* poll timeouts, select */
	long long t0 = now_ms();
	struct pollfd pf = {p[0], POLLIN, 0};
	UT_EXPECT(poll(&pf, 1, 100) == 0, "poll on an empty pipe times out");
	long long dt = now_ms() - t0;
	UT_EXPECT(dt >= 90 && dt < 2000, "after about 100 ms (%lld)", dt);
	struct timespec ts0 = {0, 0};
	UT_EXPECT(ppoll(&pf, 1, &ts0, NULL) == 0, "ppoll with a zero timeout");
	fd_set rd, wr;
	FD_ZERO(&rd);
	FD_ZERO(&wr);
	FD_SET(p[0], &rd);
	FD_SET(p[1], &wr);
	struct timeval tv = {0, 50000};
	UT_EXPECT(select(p[1] + 1, &rd, &wr, NULL, &tv) == 1 && !FD_ISSET(p[0], &rd) && FD_ISSET(p[1], &wr),
	          "select: only the write end is ready");
	write(p[1], "z", 1);
	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	tv.tv_sec = 1;
	tv.tv_usec = 0;
	UT_EXPECT(select(p[0] + 1, &rd, NULL, NULL, &tv) == 1 && FD_ISSET(p[0], &rd), "select: readable after a write");
	UT_EXPECT(tv.tv_sec == 0 || tv.tv_usec > 0 || tv.tv_sec == 1, "select wrote the time left back");
	read(p[0], buf, 1);
	struct pollfd bad = {999, POLLIN, 0};
	UT_EXPECT(poll(&bad, 1, 0) == 1 && bad.revents == POLLNVAL, "poll on a closed fd: POLLNVAL");
	FD_ZERO(&rd);
	FD_SET(50, &rd);
	tv.tv_sec = 0;
	UT_EXPECT(select(51, &rd, NULL, NULL, &tv) == -1 && errno == EBADF, "select on a closed fd: EBADF");
	FD_ZERO(&rd);
	FD_SET(900, &rd);
	UT_EXPECT(select(901, &rd, NULL, NULL, &tv) == 0, "select beyond the fd table: clamped, nothing ready");
	struct rlimit rl;
	getrlimit(RLIMIT_NOFILE, &rl);
	UT_EXPECT(poll(&pf, rl.rlim_cur + 1, 0) == -1 && errno == EINVAL, "poll with nfds > RLIMIT_NOFILE: EINVAL");
	UT_EXPECT(syscall(SYS_poll, 8L, 1L, 0L) == -1 && errno == EFAULT, "poll on a bad array: EFAULT");

	/* end of file, EPOLLHUP, EPOLLERR */
	int q[2];
	pipe(q);
	close(q[1]);
	UT_EXPECT(read(q[0], buf, 10) == 0, "no writers: end of file");
	UT_EXPECT(revents(q[0], POLLIN) == POLLHUP, "no writers: POLLHUP (%#x)", revents(q[0], POLLIN));
	close(q[0]);
	pipe(q);
	close(q[0]);
	UT_EXPECT(revents(q[1], POLLOUT) == (POLLOUT | POLLERR), "no readers: POLLOUT|POLLERR");
	UT_EXPECT(write(q[1], "x", 1) == -1 && errno == EPIPE, "no readers: EPIPE (and init ignores the SIGPIPE)");
	close(q[1]);

	/* O_DIRECT: packets */
	UT_EXPECT(pipe2(q, O_DIRECT) == 0, "pipe2(O_DIRECT)");
	write(q[1], "abc", 3);
	write(q[1], "defgh", 5);
	UT_EXPECT(read(q[0], buf, 100) == 3, "a packet pipe reads one write at a time");
	UT_EXPECT(read(q[0], buf, 2) == 2 && ioctl(q[0], FIONREAD, &n) == 0 && n == 0,
	          "a short read of a packet drops its rest (%d left)", n);
	close(q[0]);
	close(q[1]);

	/* FIFOs */
	UT_EXPECT(mknod("/fifo", S_IFIFO | 0644, 0) == 0, "mknod a FIFO");
	UT_EXPECT(open("/fifo", O_WRONLY | O_NONBLOCK) == -1 && errno == ENXIO, "a lone non-blocking writer: ENXIO");
	int r = open("/fifo", O_RDONLY | O_NONBLOCK);
	UT_EXPECT(r >= 0, "a non-blocking reader opens");
	UT_EXPECT(revents(r, POLLIN) == 0, "a reader that never had a writer sees no POLLHUP");
	int wfd = open("/fifo", O_WRONLY | O_NONBLOCK);
	UT_EXPECT(wfd >= 0, "a writer opens once there is a reader");
	UT_EXPECT(write(wfd, "fifo!", 5) == 5 && read(r, buf, 10) == 5 && !memcmp(buf, "fifo!", 5), "data goes through");
	close(wfd);
	UT_EXPECT(revents(r, POLLIN) == POLLHUP, "the writer gone: POLLHUP");
	close(r);
	int rw = open("/fifo", O_RDWR);
	UT_EXPECT(rw >= 0, "O_RDWR opens without a partner");
	UT_EXPECT(write(rw, "12", 2) == 2 && read(rw, buf, 2) == 2, "and talks to itself");
	close(rw);
	stat("/fifo", &st0);
	UT_EXPECT(S_ISFIFO(st0.st_mode) && st0.st_size == 0, "the FIFO stays empty on disk");
	unlink("/fifo");

	/* generic ioctls */
	UT_EXPECT(ioctl(p[0], FIONCLEX) == 0 && fcntl(p[0], F_GETFD) == 0, "FIONCLEX clears close-on-exec");
	UT_EXPECT(ioctl(p[0], FIOCLEX) == 0 && fcntl(p[0], F_GETFD) == FD_CLOEXEC, "FIOCLEX sets it");
	UT_EXPECT(ioctl(p[0], TCGETS, buf) == -1 && errno == ENOTTY, "TCGETS on a pipe: ENOTTY");
	int f = open("/hello-musl", O_RDONLY);
	UT_EXPECT(ioctl(f, FIONREAD, &n) == 0 && n == lseek(f, 0, SEEK_END), "FIONREAD on a file: its size (%d)", n);
	UT_EXPECT(ioctl(f, 0x12345678, buf) == -1 && errno == ENOTTY, "an unknown ioctl: ENOTTY");
	UT_EXPECT(ioctl(1000, FIOCLEX) == -1 && errno == EBADF, "ioctl on a closed fd: EBADF");
	close(f);
	return ut_done();
}
