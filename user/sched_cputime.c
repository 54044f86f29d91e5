/*
 * sched_cputime: CPU time accounting (times(2), getrusage(2)) and
 * RLIMIT_CPU (setrlimit(2)).  A child (a fresh process: init's own times
 * start with the kernel's boot work) spins in user mode, then loops on a
 * system call that works in the kernel (getrandom of 64 KiB); its
 * times() deltas say user, then system.  The parent sees the child's
 * times in tms_cutime/cstime and RUSAGE_CHILDREN once it is reaped.
 * Then children that spin into RLIMIT_CPU: past the soft limit SIGXCPU
 * (its default action kills), at the hard limit SIGKILL.  Runs as init.
 */
#define _GNU_SOURCE
#include "syscheck.h"
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <signal.h>
#include <sys/times.h>
#include <sys/wait.h>

static double cpu_seconds(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static volatile unsigned long sink;
static char buf[65536];

/* spin in user mode until `secs` of CPU are used */
static void spin(double secs)
{
	double start = cpu_seconds();
	while (cpu_seconds() - start < secs)
		for (int i = 0; i < 2000000; i++)
			sink += i;
}

/* a child that spins into RLIMIT_CPU {soft, hard}; its wait status */
static int spin_into_limit(rlim_t soft, rlim_t hard)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		struct rlimit rl = {soft, hard};
		if (setrlimit(RLIMIT_CPU, &rl))
			_exit(100);
		spin(10);
		_exit(101);
	}
	int status = -1;
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

int main(void)
{
	ut_prog = "sched_cputime";
	long hz = sysconf(_SC_CLK_TCK);
	UT_EXPECT(hz == 100, "USER_HZ is 100 (%ld)", hz);
	struct tms t0;
	clock_t c0 = times(&t0);
	UT_EXPECT(c0 != (clock_t)-1 && t0.tms_cutime == 0 && t0.tms_cstime == 0, "times: no children's time yet");
	UT_EXPECT_ERR(syscall(SYS_times, (void*)8), EFAULT, "times to a bad pointer: EFAULT");
	UT_EXPECT(syscall(SYS_times, NULL) > 0, "times(NULL) returns the clock ticks");

	/* the child's numbers come back in a file (no pipes on monolith yet) */
	int fd = open("/cputime-numbers", O_RDWR | O_CREAT | O_TRUNC, 0600);
	UT_EXPECT(fd >= 0, "a file for the child's numbers");
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		long v[5];
		struct tms t1, t2, t3;
		times(&t1);
		spin(0.6); /* user mode, but for a clock read every ~10 ms */
		clock_t c = times(&t2);
		long got = syscall(SYS_getrandom, buf, sizeof(buf), 0);
		double start = cpu_seconds();
		while (got == (long)sizeof(buf) && cpu_seconds() - start < 0.6)
			got = syscall(SYS_getrandom, buf, sizeof(buf), 0);
		times(&t3);
		v[0] = t2.tms_utime - t1.tms_utime;
		v[1] = t2.tms_stime - t1.tms_stime;
		v[2] = t3.tms_utime - t2.tms_utime;
		v[3] = t3.tms_stime - t2.tms_stime;
		v[4] = got == (long)sizeof(buf) && c != (clock_t)-1;
		_exit(pwrite(fd, v, sizeof(v), 0) == sizeof(v) ? 0 : 1);
	}
	long v[5] = {0};
	int status = -1;
	UT_EXPECT(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
	              pread(fd, v, sizeof(v), 0) == sizeof(v) && v[4],
	          "the child measured and exited");
	UT_EXPECT(v[0] >= 30 && v[0] > 2 * v[1], "a user loop of 60 ticks: mostly user time (user %ld, system %ld)",
	          v[0], v[1]);
	UT_EXPECT(v[3] >= 30 && v[3] > 2 * v[2], "a loop of getrandom: mostly system time (user %ld, system %ld)",
	          v[2], v[3]);
	struct tms t4;
	times(&t4);
	long cu = t4.tms_cutime, cs = t4.tms_cstime;
	UT_EXPECT(cu >= 30 && cs >= 30 && cu + cs >= 110, "the reaped child's times: tms_cutime %ld, tms_cstime %ld",
	          cu, cs);
	struct rusage ru;
	UT_EXPECT(getrusage(RUSAGE_CHILDREN, &ru) == 0 && ru.ru_utime.tv_sec * 100 + ru.ru_utime.tv_usec / 10000 == cu &&
	              ru.ru_stime.tv_sec * 100 + ru.ru_stime.tv_usec / 10000 == cs,
	          "getrusage(RUSAGE_CHILDREN) agrees (%ld.%06ld user, %ld.%06ld system)", (long)ru.ru_utime.tv_sec,
	          (long)ru.ru_utime.tv_usec, (long)ru.ru_stime.tv_sec, (long)ru.ru_stime.tv_usec);

	/* RLIMIT_CPU */
	struct rlimit rl;
	UT_EXPECT(getrlimit(RLIMIT_CPU, &rl) == 0 && rl.rlim_cur == RLIM_INFINITY && rl.rlim_max == RLIM_INFINITY,
	          "RLIMIT_CPU is unlimited");
	status = spin_into_limit(1, RLIM_INFINITY);
	UT_EXPECT(WIFSIGNALED(status) && WTERMSIG(status) == SIGXCPU,
	          "a child past its 1 s soft limit: killed by SIGXCPU (status %#x)", status);
	status = spin_into_limit(1, 1);
	UT_EXPECT(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
	          "a child at its 1 s hard limit: SIGKILL (status %#x)", status);
	status = spin_into_limit(2, 1);
	UT_EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 100, "soft above hard: setrlimit EINVAL");
	return ut_done();
}
