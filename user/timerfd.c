/*
 * timerfd.c - timerfd (issue 14), as init on monolith and on Linux 6.1:
 * creation errors, one-shot and periodic timers read through read(2),
 * missed periods counted, gettime's remaining time, TFD_TIMER_ABSTIME,
 * disarming, EAGAIN, poll and epoll readiness.
 */
#define _GNU_SOURCE
#include "utest.h"
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

int main(void)
{
	ut_prog = "timerfd";
	UT_EXPECT(timerfd_create(CLOCK_PROCESS_CPUTIME_ID, 0) == -1 && errno == EINVAL, "a CPU clock: EINVAL");
	UT_EXPECT(timerfd_create(CLOCK_MONOTONIC, 0x1234) == -1 && errno == EINVAL, "bad flags: EINVAL");
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	UT_EXPECT(fd >= 0, "timerfd_create(CLOCK_MONOTONIC)");
	uint64_t n = 0;
	UT_EXPECT(read(fd, &n, 8) == -1 && errno == EAGAIN, "disarmed: EAGAIN");
	struct itimerspec its = {{0, 0}, {0, 50 * 1000000}}, old, cur;
	long long t0 = now_ms();
	UT_EXPECT(timerfd_settime(fd, 0, &its, &old) == 0 && old.it_value.tv_sec == 0 && old.it_value.tv_nsec == 0,
	          "arm a 50 ms one-shot; the old value was disarmed");
	UT_EXPECT(timerfd_gettime(fd, &cur) == 0 && cur.it_value.tv_nsec > 0 && cur.it_value.tv_nsec <= 50000000,
	          "gettime: between 0 and 50 ms left (%ld)", cur.it_value.tv_nsec);
	struct pollfd p = {fd, POLLIN, 0};
	UT_EXPECT(poll(&p, 1, 2000) == 1 && p.revents == POLLIN, "poll: readable when it fires");
	long long dt = now_ms() - t0;
	UT_EXPECT(dt >= 49 && dt < 1000, "after about 50 ms from settime (%lld)", dt);
	UT_EXPECT(read(fd, &n, 8) == 8 && n == 1, "read: 1 expiration");
	UT_EXPECT(read(fd, &n, 8) == -1 && errno == EAGAIN, "then nothing");
	UT_EXPECT(read(fd, &n, 4) == -1 && errno == EINVAL, "a 4-byte read: EINVAL");
	UT_EXPECT(timerfd_gettime(fd, &cur) == 0 && cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0,
	          "a fired one-shot is disarmed");

	/* periodic, with overruns */
	struct itimerspec per = {{0, 20 * 1000000}, {0, 20 * 1000000}};
	timerfd_settime(fd, 0, &per, NULL);
	struct timespec sl = {0, 130 * 1000000};
	nanosleep(&sl, NULL);
	UT_EXPECT(read(fd, &n, 8) == 8 && n >= 5 && n <= 8, "a 20 ms period over 130 ms: 5 to 8 expirations (%llu)",
	          (unsigned long long)n);
	UT_EXPECT(timerfd_gettime(fd, &cur) == 0 && cur.it_interval.tv_nsec == 20000000, "gettime shows the interval");
	struct itimerspec zero = {{0, 0}, {0, 0}};
	UT_EXPECT(timerfd_settime(fd, 0, &zero, &old) == 0 && old.it_interval.tv_nsec == 20000000, "disarm; old interval");
	nanosleep(&sl, NULL);
	UT_EXPECT(read(fd, &n, 8) == -1 && errno == EAGAIN, "disarmed: no expirations");

	/* absolute time, blocking read, epoll */
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	int rfd = timerfd_create(CLOCK_REALTIME, 0);
	struct itimerspec abs = {{0, 0}, {now.tv_sec, now.tv_nsec}};
	abs.it_value.tv_nsec += 30 * 1000000;
	if (abs.it_value.tv_nsec >= 1000000000) {
		abs.it_value.tv_sec++;
		abs.it_value.tv_nsec -= 1000000000;
	}
	UT_EXPECT(timerfd_settime(rfd, TFD_TIMER_ABSTIME, &abs, NULL) == 0, "arm CLOCK_REALTIME at now + 30 ms");
	int ep = epoll_create1(0);
	struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 42}, out;
	epoll_ctl(ep, EPOLL_CTL_ADD, rfd, &ev);
	UT_EXPECT(epoll_wait(ep, &out, 1, 2000) == 1 && out.data.u64 == 42, "epoll reports it");
	UT_EXPECT(read(rfd, &n, 8) == 8 && n == 1, "a blocking read returns 1");
	abs.it_value.tv_sec = 1;
	UT_EXPECT(timerfd_settime(rfd, TFD_TIMER_ABSTIME, &abs, NULL) == 0 && read(rfd, &n, 8) == 8 && n == 1,
	          "an absolute time in the past fires at once");
	struct itimerspec bad = {{0, 0}, {0, 1000000000}};
	UT_EXPECT(timerfd_settime(fd, 0, &bad, NULL) == -1 && errno == EINVAL, "tv_nsec of 1e9: EINVAL");
	UT_EXPECT(timerfd_settime(fd, 2, &its, NULL) == 0, "TFD_TIMER_CANCEL_ON_SET without ABSTIME: ignored");
	UT_EXPECT(timerfd_settime(fd, 4, &its, NULL) == -1 && errno == EINVAL, "an unknown flag: EINVAL");
	UT_EXPECT(timerfd_settime(ep, 0, &its, NULL) == -1 && errno == EINVAL, "not a timerfd: EINVAL");
	UT_EXPECT(timerfd_gettime(999, &cur) == -1 && errno == EBADF, "a closed fd: EBADF");
	close(ep);
	close(rfd);
	close(fd);
	return ut_done();
}
