/*
 * sig_time: signals from timers and interrupted sleeps (issue 13 part 3):
 * alarm, setitimer/getitimer (REAL, VIRTUAL, PROF), timer_create/
 * settime/gettime/getoverrun/delete (SIGEV_SIGNAL, SIGEV_THREAD_ID,
 * SIGEV_NONE), nanosleep interrupted (EINTR and the time left), a blocking
 * read restarted by SA_RESTART or failing with EINTR without it.  Runs as
 * init on monolith and Linux.
 */
#define _GNU_SOURCE
#include "utest.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static volatile int hits, last_sig;
static siginfo_t last_info;
static int kmsg_fd = -1;

static void handler(int sig)
{
	hits++;
	last_sig = sig;
}
static void info_handler(int sig, siginfo_t* si, void* uc)
{
	(void)uc;
	hits++;
	last_sig = sig;
	last_info = *si;
}
static void kmsg_handler(int sig)
{
	hits++;
	last_sig = sig;
	if (kmsg_fd >= 0) {
		static const char msg[] = "sig_time: written by the handler\n";
		write(kmsg_fd, msg, sizeof(msg) - 1);
	}
}

static void set_handler(int sig, void (*h)(int), int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = h;
	sa.sa_flags = flags;
	sigaction(sig, &sa, NULL);
}

static long ms_since(const struct timespec* t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

static void wait_hits(int n, long max_ms)
{
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (hits < n && ms_since(&t0) < max_ms)
		;
}

int main(void)
{
	ut_prog = "sig_time";
	setvbuf(stdout, NULL, _IONBF, 0);

	/* alarm */
	set_handler(SIGALRM, handler, 0);
	UT_EXPECT(alarm(5) == 0, "alarm: none before");
	UT_EXPECT(alarm(0) == 5, "alarm: 5 s were left");
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	hits = 0;
	alarm(1);
	pause();
	long el = ms_since(&t0);
	UT_EXPECT(hits == 1 && last_sig == SIGALRM && el >= 990 && el < 1500, "alarm(1): SIGALRM after %ld ms", el);

	/* setitimer REAL, periodic */
	struct itimerval it = {{0, 10000}, {0, 10000}}, got;
	hits = 0;
	UT_EXPECT(setitimer(ITIMER_REAL, &it, NULL) == 0, "setitimer REAL 10 ms periodic");
	getitimer(ITIMER_REAL, &got);
	UT_EXPECT(got.it_interval.tv_usec == 10000 && got.it_value.tv_sec == 0 && got.it_value.tv_usec <= 10000,
	          "getitimer REAL: interval %ld, value %ld", (long)got.it_interval.tv_usec, (long)got.it_value.tv_usec);
	while (hits < 3)
		pause();
	struct itimerval off = {{0, 0}, {0, 0}};
	setitimer(ITIMER_REAL, &off, &got);
	UT_EXPECT(hits == 3 && got.it_interval.tv_usec == 10000, "three SIGALRMs, then disarmed");
	getitimer(ITIMER_REAL, &got);
	UT_EXPECT(got.it_value.tv_sec == 0 && got.it_value.tv_usec == 0, "getitimer: disarmed");
	struct itimerval bad = {{0, 0}, {0, 1000000}};
	UT_EXPECT(setitimer(ITIMER_REAL, &bad, NULL) == -1 && errno == EINVAL, "setitimer tv_usec 1e6: EINVAL");
	UT_EXPECT(setitimer(7, &it, NULL) == -1 && errno == EINVAL, "setitimer which 7: EINVAL");
	UT_EXPECT(getitimer(7, &got) == -1 && errno == EINVAL, "getitimer which 7: EINVAL");
	UT_EXPECT(setitimer(ITIMER_REAL, (void*)8, NULL) == -1 && errno == EFAULT, "setitimer bad value: EFAULT");

	/* ITIMER_VIRTUAL and ITIMER_PROF: CPU time */
	set_handler(SIGVTALRM, handler, 0);
	set_handler(SIGPROF, handler, 0);
	struct itimerval cpu = {{0, 0}, {0, 20000}};
	hits = 0;
	setitimer(ITIMER_VIRTUAL, &cpu, NULL);
	wait_hits(1, 3000);
	UT_EXPECT(hits == 1 && last_sig == SIGVTALRM, "ITIMER_VIRTUAL: SIGVTALRM after 20 ms of user time");
	hits = 0;
	setitimer(ITIMER_PROF, &cpu, NULL);
	wait_hits(1, 3000);
	UT_EXPECT(hits == 1 && last_sig == SIGPROF, "ITIMER_PROF: SIGPROF after 20 ms of CPU time");

	/* timer_create: SIGEV_SIGNAL with a value */
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = info_handler;
	sa.sa_flags = SA_SIGINFO;
	int rt = SIGRTMIN + 2;
	sigaction(rt, &sa, NULL);
	struct sigevent ev;
	memset(&ev, 0, sizeof(ev));
	ev.sigev_notify = SIGEV_SIGNAL;
	ev.sigev_signo = rt;
	ev.sigev_value.sival_int = 0x5a5a;
	timer_t tid = 0;
	int kid = -1;
	UT_EXPECT(syscall(SYS_timer_create, CLOCK_MONOTONIC, &ev, &kid) == 0 && kid == 0, "timer_create: id %d", kid);
	struct itimerspec its = {{0, 0}, {0, 10000000}}, ogot;
	hits = 0;
	UT_EXPECT(syscall(SYS_timer_settime, kid, 0, &its, NULL) == 0, "timer_settime 10 ms");
	while (!hits)
		pause();
	UT_EXPECT(last_sig == rt && last_info.si_code == SI_TIMER && last_info.si_value.sival_int == 0x5a5a,
	          "SI_TIMER with the value (%d)", last_info.si_code);
	syscall(SYS_timer_gettime, kid, &ogot);
	UT_EXPECT(ogot.it_value.tv_sec == 0 && ogot.it_value.tv_nsec == 0, "timer_gettime: expired");
	/* periodic while blocked: overruns */
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, rt);
	sigprocmask(SIG_BLOCK, &s, NULL);
	struct itimerspec per = {{0, 5000000}, {0, 5000000}};
	syscall(SYS_timer_settime, kid, 0, &per, NULL);
	syscall(SYS_timer_gettime, kid, &ogot);
	UT_EXPECT(ogot.it_interval.tv_nsec == 5000000 && ogot.it_value.tv_nsec > 0 && ogot.it_value.tv_nsec <= 5000000,
	          "timer_gettime: armed, %ld ns left", ogot.it_value.tv_nsec);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (ms_since(&t0) < 60)
		;
	hits = 0;
	sigprocmask(SIG_UNBLOCK, &s, NULL);
	long ov = syscall(SYS_timer_getoverrun, kid);
	UT_EXPECT(hits == 1 && ov >= 3 && last_info.si_overrun == ov,
	          "one signal for a blocked periodic timer, %ld overruns (si_overrun %d)", ov, last_info.si_overrun);
	struct itimerspec zero_its = {{0, 0}, {0, 0}};
	syscall(SYS_timer_settime, kid, 0, &zero_its, NULL);
	UT_EXPECT(syscall(SYS_timer_getoverrun, kid) == 0, "timer_settime resets the overrun count");
	UT_EXPECT(syscall(SYS_timer_delete, kid) == 0, "timer_delete");
	UT_EXPECT(syscall(SYS_timer_delete, kid) == -1 && errno == EINVAL, "timer_delete again: EINVAL");
	UT_EXPECT(syscall(SYS_timer_settime, kid, 0, &its, NULL) == -1 && errno == EINVAL, "settime of none: EINVAL");
	UT_EXPECT(syscall(SYS_timer_getoverrun, 1234) == -1 && errno == EINVAL, "getoverrun of none: EINVAL");
	/* SIGEV_THREAD_ID, SIGEV_NONE, defaults, bad input */
	ev.sigev_notify = SIGEV_THREAD_ID;
	*(int*)((char*)&ev + 16) = (int)syscall(SYS_gettid); /* sigev_notify_thread_id */
	hits = 0;
	UT_EXPECT(syscall(SYS_timer_create, CLOCK_REALTIME, &ev, &kid) == 0, "timer_create SIGEV_THREAD_ID");
	syscall(SYS_timer_settime, kid, 0, &its, NULL);
	while (!hits)
		pause();
	UT_EXPECT(last_info.si_code == SI_TIMER, "SIGEV_THREAD_ID delivered");
	syscall(SYS_timer_delete, kid);
	ev.sigev_notify = SIGEV_NONE;
	UT_EXPECT(syscall(SYS_timer_create, CLOCK_MONOTONIC, &ev, &kid) == 0, "timer_create SIGEV_NONE");
	struct itimerspec sec = {{0, 0}, {1, 0}};
	syscall(SYS_timer_settime, kid, 0, &sec, NULL);
	syscall(SYS_timer_gettime, kid, &ogot);
	UT_EXPECT(ogot.it_value.tv_sec == 0 && ogot.it_value.tv_nsec > 900000000, "SIGEV_NONE counts down (%ld)",
	          ogot.it_value.tv_nsec);
	syscall(SYS_timer_delete, kid);
	UT_EXPECT(timer_create(CLOCK_MONOTONIC, NULL, &tid) == 0, "timer_create without a sigevent");
	timer_delete(tid);
	ev.sigev_notify = 99;
	UT_EXPECT(syscall(SYS_timer_create, CLOCK_MONOTONIC, &ev, &kid) == -1 && errno == EINVAL, "bad sigev_notify: EINVAL");
	ev.sigev_notify = SIGEV_SIGNAL;
	ev.sigev_signo = 65;
	UT_EXPECT(syscall(SYS_timer_create, CLOCK_MONOTONIC, &ev, &kid) == -1 && errno == EINVAL, "bad signo: EINVAL");
	ev.sigev_signo = rt;
	UT_EXPECT(syscall(SYS_timer_create, 77, &ev, &kid) == -1 && errno == EINVAL, "bad clock: EINVAL");
	UT_EXPECT(syscall(SYS_timer_create, CLOCK_MONOTONIC, (void*)8, &kid) == -1 && errno == EFAULT, "bad sigevent: EFAULT");

	/* nanosleep interrupted: EINTR and the time left; SA_RESTART does not restart it */
	for (int restart = 0; restart < 2; restart++) {
		set_handler(SIGALRM, handler, restart ? SA_RESTART : 0);
		struct itimerval once = {{0, 0}, {0, 50000}};
		setitimer(ITIMER_REAL, &once, NULL);
		struct timespec req = {0, 300000000}, rem = {0, 0};
		hits = 0;
		errno = 0;
		int r = nanosleep(&req, &rem);
		int e = errno;
		long left = rem.tv_sec * 1000 + rem.tv_nsec / 1000000;
		UT_EXPECT(r == -1 && e == EINTR && hits == 1 && left > 0 && left < 300,
		          "nanosleep%s: EINTR with %ld ms left", restart ? " (SA_RESTART)" : "", left);
	}
	struct timespec badreq = {0, 1000000000};
	UT_EXPECT(nanosleep(&badreq, NULL) == -1 && errno == EINVAL, "nanosleep tv_nsec 1e9: EINVAL");
	UT_EXPECT(syscall(SYS_nanosleep, (void*)8, NULL) == -1 && errno == EFAULT, "nanosleep bad req: EFAULT");

	/* a blocking read: EINTR without SA_RESTART, restarted with it */
	mkdir("/dev", 0755);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	kmsg_fd = open("/dev/kmsg", O_RDWR);
	UT_EXPECT(kmsg_fd >= 0, "open /dev/kmsg");
	if (kmsg_fd >= 0) {
		char buf[2048];
		lseek(kmsg_fd, 0, SEEK_END);
		set_handler(SIGALRM, handler, 0);
		struct itimerval once = {{0, 0}, {0, 30000}};
		setitimer(ITIMER_REAL, &once, NULL);
		errno = 0;
		ssize_t n = read(kmsg_fd, buf, sizeof(buf));
		UT_EXPECT(n == -1 && errno == EINTR, "read of /dev/kmsg interrupted: EINTR");
		lseek(kmsg_fd, 0, SEEK_END);
		set_handler(SIGALRM, kmsg_handler, SA_RESTART);
		hits = 0;
		setitimer(ITIMER_REAL, &once, NULL);
		n = read(kmsg_fd, buf, sizeof(buf) - 1);
		if (n > 0)
			buf[n] = 0;
		UT_EXPECT(n > 0 && hits == 1 && strstr(buf, "written by the handler"),
		          "SA_RESTART: the read restarted and got the handler's record (%zd)", n);
		close(kmsg_fd);
	}
	return ut_done();
}
