/*
 * signalfd.c - signalfd (issue 14), as init on monolith and on Linux 6.1:
 * blocked signals read as struct signalfd_siginfo (signo, code, sender),
 * EAGAIN when none, poll and epoll readiness, several records per read,
 * a queued real-time signal's value, changing the mask of an existing
 * signalfd, a signal from a child waking a blocked read, and the errors.
 */
#define _GNU_SOURCE
#include "utest.h"
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

int main(void)
{
	ut_prog = "signalfd";
	sigset_t m;
	sigemptyset(&m);
	sigaddset(&m, SIGUSR1);
	sigaddset(&m, SIGUSR2);
	sigaddset(&m, SIGRTMIN);
	sigprocmask(SIG_BLOCK, &m, NULL);
	UT_EXPECT(syscall(SYS_signalfd4, -1, &m, 4L, 0L) == -1 && errno == EINVAL, "a sizemask of 4: EINVAL");
	UT_EXPECT(signalfd(-1, &m, 0x1234) == -1 && errno == EINVAL, "bad flags: EINVAL");
	UT_EXPECT(syscall(SYS_signalfd4, -1, 8L, 8L, 0L) == -1 && errno == EFAULT, "a bad mask pointer: EFAULT");
	int fd = signalfd(-1, &m, SFD_NONBLOCK | SFD_CLOEXEC);
	UT_EXPECT(fd >= 0, "signalfd(SIGUSR1, SIGUSR2, SIGRTMIN)");
	struct signalfd_siginfo si[4];
	UT_EXPECT(read(fd, si, sizeof(si)) == -1 && errno == EAGAIN, "nothing pending: EAGAIN");
	UT_EXPECT(read(fd, si, 100) == -1 && errno == EINVAL, "a buffer smaller than a record: EINVAL");
	struct pollfd p = {fd, POLLIN, 0};
	UT_EXPECT(poll(&p, 1, 0) == 0, "not readable");
	raise(SIGUSR1);
	UT_EXPECT(poll(&p, 1, 0) == 1 && p.revents == POLLIN, "readable once SIGUSR1 is pending");
	UT_EXPECT(read(fd, si, sizeof(si)) == (ssize_t)sizeof(si[0]), "one record");
	UT_EXPECT(si[0].ssi_signo == SIGUSR1 && si[0].ssi_pid == (uint32_t)getpid() && si[0].ssi_code == SI_TKILL,
	          "SIGUSR1 from ourselves by tkill (code %d, pid %u)", si[0].ssi_code, si[0].ssi_pid);
	sigset_t pend;
	sigpending(&pend);
	UT_EXPECT(!sigismember(&pend, SIGUSR1), "it is no longer pending");
	union sigval v = {.sival_int = 4242};
	sigqueue(getpid(), SIGRTMIN, v);
	kill(getpid(), SIGUSR2);
	UT_EXPECT(read(fd, si, sizeof(si)) == 2 * (ssize_t)sizeof(si[0]), "two records in one read");
	UT_EXPECT(si[0].ssi_signo == SIGUSR2 && si[0].ssi_code == SI_USER, "SIGUSR2 first (the lower number), SI_USER");
	UT_EXPECT(si[1].ssi_signo == (uint32_t)SIGRTMIN && si[1].ssi_code == SI_QUEUE && si[1].ssi_int == 4242,
	          "then SIGRTMIN with its value 4242");
	/* a different mask on the same fd */
	sigset_t only2;
	sigemptyset(&only2);
	sigaddset(&only2, SIGUSR2);
	UT_EXPECT(signalfd(fd, &only2, 0) == fd, "change the mask of the fd");
	raise(SIGUSR1);
	UT_EXPECT(read(fd, si, sizeof(si)) == -1 && errno == EAGAIN, "SIGUSR1 is no longer read");
	sigpending(&pend);
	UT_EXPECT(sigismember(&pend, SIGUSR1), "and stays pending");
	sigset_t one;
	sigemptyset(&one);
	sigaddset(&one, SIGUSR1);
	int sig = 0;
	sigwait(&one, &sig);
	int ep = epoll_create1(0);
	struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 7}, out;
	epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
	UT_EXPECT(epoll_wait(ep, &out, 1, 0) == 0, "epoll: nothing");
	raise(SIGUSR2);
	UT_EXPECT(epoll_wait(ep, &out, 1, 1000) == 1 && out.data.u64 == 7, "epoll: SIGUSR2 makes it readable");
	read(fd, si, sizeof(si));
	/* a child's signal wakes a blocking read */
	int bfd = signalfd(-1, &m, 0);
	pid_t parent = getpid();
	pid_t c = fork();
	if (c == 0) {
		struct timespec ts = {0, 50 * 1000000};
		nanosleep(&ts, NULL);
		kill(parent, SIGUSR1);
		_exit(0);
	}
	UT_EXPECT(read(bfd, si, sizeof(si[0])) == (ssize_t)sizeof(si[0]) && si[0].ssi_signo == SIGUSR1 &&
	              si[0].ssi_pid == (uint32_t)c,
	          "a blocking read wakes for the child's SIGUSR1, with its pid");
	waitpid(c, NULL, 0);
	UT_EXPECT(signalfd(ep, &m, 0) == -1 && errno == EINVAL, "an fd that is not a signalfd: EINVAL");
	UT_EXPECT(signalfd(999, &m, 0) == -1 && errno == EBADF, "a closed fd: EBADF");
	close(bfd);
	close(ep);
	close(fd);
	return ut_done();
}
