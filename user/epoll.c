/*
 * epoll.c - epoll and eventfd in one process (issue 14), as init on
 * monolith and on Linux 6.1: eventfd's counter and semaphore mode,
 * EAGAIN and EINVAL; epoll_ctl's errors (EEXIST, ENOENT, EPERM for a
 * regular file, EINVAL for itself, ELOOP for a loop), level- and
 * edge-triggered and one-shot reporting, timeouts, an item dropped when
 * its file closes, nested epoll, and epoll_wait's argument checks.
 */
#define _GNU_SOURCE
#include "utest.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static int add(int ep, int fd, uint32_t events, uint64_t data)
{
	struct epoll_event ev = {.events = events, .data.u64 = data};
	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

int main(void)
{
	ut_prog = "epoll";
	/* eventfd */
	int efd = eventfd(3, EFD_NONBLOCK);
	UT_EXPECT(efd >= 0, "eventfd(3, EFD_NONBLOCK)");
	struct stat st;
	fstat(efd, &st);
	UT_EXPECT((st.st_mode & 0777) == 0600 && (st.st_mode & S_IFMT) == 0, "an anonymous inode: mode 0600, no type (%o)",
	          st.st_mode);
	uint64_t v = 0;
	UT_EXPECT(read(efd, &v, 8) == 8 && v == 3, "read the counter: 3");
	UT_EXPECT(read(efd, &v, 8) == -1 && errno == EAGAIN, "then empty: EAGAIN");
	v = 5;
	UT_EXPECT(write(efd, &v, 8) == 8 && write(efd, &v, 8) == 8, "add 5 twice");
	UT_EXPECT(read(efd, &v, 8) == 8 && v == 10, "read 10");
	UT_EXPECT(read(efd, &v, 4) == -1 && errno == EINVAL, "a 4-byte read: EINVAL");
	v = ~0ULL;
	UT_EXPECT(write(efd, &v, 8) == -1 && errno == EINVAL, "writing ULLONG_MAX: EINVAL");
	v = ~0ULL - 1;
	UT_EXPECT(write(efd, &v, 8) == 8, "write the maximum count");
	v = 1;
	UT_EXPECT(write(efd, &v, 8) == -1 && errno == EAGAIN, "one more would overflow: EAGAIN");
	read(efd, &v, 8);
	UT_EXPECT(eventfd(0, 0x1234) == -1 && errno == EINVAL, "eventfd with bad flags: EINVAL");
	int sem = eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK);
	UT_EXPECT(read(sem, &v, 8) == 8 && v == 1 && read(sem, &v, 8) == 8 && v == 1 &&
	              read(sem, &v, 8) == -1 && errno == EAGAIN,
	          "EFD_SEMAPHORE: 1, 1, then EAGAIN");
	struct pollfd pfd = {efd, POLLIN | POLLOUT, 0};
	UT_EXPECT(poll(&pfd, 1, 0) == 1 && pfd.revents == POLLOUT, "an empty eventfd polls writable only");

	/* epoll_ctl's errors */
	UT_EXPECT(syscall(SYS_epoll_create, 0L) == -1 && errno == EINVAL, "epoll_create(0): EINVAL");
	UT_EXPECT(epoll_create1(0x1234) == -1 && errno == EINVAL, "epoll_create1 with bad flags: EINVAL");
	int ep = epoll_create1(EPOLL_CLOEXEC);
	UT_EXPECT(ep >= 0 && fcntl(ep, F_GETFD) == FD_CLOEXEC, "epoll_create1(EPOLL_CLOEXEC)");
	int p[2];
	pipe2(p, O_NONBLOCK);
	UT_EXPECT(add(ep, p[0], EPOLLIN, 1) == 0, "watch a pipe's read end");
	UT_EXPECT(add(ep, p[0], EPOLLIN, 1) == -1 && errno == EEXIST, "twice: EEXIST");
	struct epoll_event ev = {.events = EPOLLIN};
	UT_EXPECT(epoll_ctl(ep, EPOLL_CTL_MOD, p[1], &ev) == -1 && errno == ENOENT, "MOD of an unwatched fd: ENOENT");
	UT_EXPECT(epoll_ctl(ep, EPOLL_CTL_DEL, p[1], NULL) == -1 && errno == ENOENT, "DEL of an unwatched fd: ENOENT");
	int reg = open("/hello-musl", O_RDONLY);
	UT_EXPECT(add(ep, reg, EPOLLIN, 0) == -1 && errno == EPERM, "a regular file: EPERM");
	UT_EXPECT(add(ep, ep, EPOLLIN, 0) == -1 && errno == EINVAL, "itself: EINVAL");
	UT_EXPECT(add(reg, p[0], EPOLLIN, 0) == -1 && errno == EINVAL, "on a file that is not an epoll: EINVAL");
	UT_EXPECT(add(ep, 999, EPOLLIN, 0) == -1 && errno == EBADF, "a closed fd: EBADF");
	UT_EXPECT(epoll_ctl(ep, 7777, p[1], &ev) == -1 && errno == EINVAL, "a bad op: EINVAL");
	UT_EXPECT(syscall(SYS_epoll_ctl, ep, EPOLL_CTL_ADD, p[1], 8L) == -1 && errno == EFAULT, "a bad event: EFAULT");

	/* level-triggered */
	struct epoll_event out[8];
	UT_EXPECT(epoll_wait(ep, out, 8, 0) == 0, "nothing ready");
	long long t0 = now_ms();
	UT_EXPECT(epoll_wait(ep, out, 8, 100) == 0, "a 100 ms wait times out");
	long long dt = now_ms() - t0;
	UT_EXPECT(dt >= 90 && dt < 2000, "after about 100 ms (%lld)", dt);
	write(p[1], "ab", 2);
	UT_EXPECT(epoll_wait(ep, out, 8, 1000) == 1 && out[0].events == EPOLLIN && out[0].data.u64 == 1,
	          "readable, with its data");
	UT_EXPECT(epoll_wait(ep, out, 8, 0) == 1, "level-triggered: still reported");
	char c[4];
	read(p[0], c, 2);
	UT_EXPECT(epoll_wait(ep, out, 8, 0) == 0, "drained: not reported");

	/* edge-triggered */
	ev.events = EPOLLIN | EPOLLET;
	ev.data.u64 = 2;
	UT_EXPECT(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev) == 0, "MOD to EPOLLET");
	write(p[1], "x", 1);
	UT_EXPECT(epoll_wait(ep, out, 8, 1000) == 1 && out[0].data.u64 == 2, "edge-triggered: reported once");
	UT_EXPECT(epoll_wait(ep, out, 8, 0) == 0, "and not again without a new write");
	write(p[1], "y", 1);
	UT_EXPECT(epoll_wait(ep, out, 8, 0) == 1, "a new write: a new edge");
	read(p[0], c, 4);

	/* one-shot */
	ev.events = EPOLLIN | EPOLLONESHOT;
	ev.data.u64 = 3;
	epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev);
	write(p[1], "z", 1);
	UT_EXPECT(epoll_wait(ep, out, 8, 0) == 1, "one-shot: reported");
	write(p[1], "z", 1);
	UT_EXPECT(epoll_wait(ep, out, 8, 0) == 0, "then disarmed");
	UT_EXPECT(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev) == 0 && epoll_wait(ep, out, 8, 0) == 1,
	          "MOD re-arms it");
	read(p[0], c, 4);

	/* several sources, EPOLLOUT, EPOLLHUP */
	UT_EXPECT(add(ep, efd, EPOLLIN, 4) == 0 && add(ep, p[1], EPOLLOUT, 5) == 0, "watch the eventfd and the write end");
	v = 1;
	write(efd, &v, 8);
	int n = epoll_wait(ep, out, 8, 0);
	int seen = 0;
	for (int i = 0; i < n; i++)
		seen |= 1 << out[i].data.u64;
	UT_EXPECT(n == 2 && seen == ((1 << 4) | (1 << 5)), "the eventfd readable and the pipe writable (%d)", n);
	UT_EXPECT(epoll_wait(ep, out, 1, 0) == 1, "maxevents 1: one at a time");
	UT_EXPECT(epoll_wait(ep, out, 0, 0) == -1 && errno == EINVAL, "maxevents 0: EINVAL");
	UT_EXPECT(syscall(SYS_epoll_wait, ep, 8L, 1L, 0L) == -1 && errno == EFAULT, "a bad buffer: EFAULT");
	UT_EXPECT(epoll_wait(reg, out, 1, 0) == -1 && errno == EINVAL, "not an epoll fd: EINVAL");
	epoll_ctl(ep, EPOLL_CTL_DEL, efd, NULL);
	epoll_ctl(ep, EPOLL_CTL_DEL, p[1], NULL);
	close(p[1]);
	ev.events = EPOLLIN;
	ev.data.u64 = 6;
	epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev);
	UT_EXPECT(epoll_wait(ep, out, 8, 0) == 1 && out[0].events == EPOLLHUP, "the writer gone: EPOLLHUP, always watched");

	/* closing a watched file drops it */
	int q[2];
	pipe(q);
	add(ep, q[0], EPOLLIN, 7);
	write(q[1], "!", 1);
	close(q[0]);
	n = epoll_wait(ep, out, 8, 0);
	int has7 = 0;
	for (int i = 0; i < n; i++)
		has7 |= out[i].data.u64 == 7;
	UT_EXPECT(!has7, "a closed file is no longer reported");
	close(q[1]);

	/* nesting */
	int outer = epoll_create1(0);
	UT_EXPECT(add(outer, ep, EPOLLIN, 8) == 0, "an epoll inside an epoll");
	UT_EXPECT(epoll_wait(outer, out, 8, 0) == 1 && out[0].data.u64 == 8, "the inner one's readiness shows outside");
	UT_EXPECT(add(ep, outer, EPOLLIN, 9) == -1 && errno == ELOOP, "a loop: ELOOP");
	pfd.fd = ep;
	pfd.events = POLLIN;
	UT_EXPECT(poll(&pfd, 1, 0) == 1 && pfd.revents == POLLIN, "poll on an epoll fd");
	close(outer);
	close(ep);
	close(efd);
	close(sem);
	close(reg);
	return ut_done();
}
