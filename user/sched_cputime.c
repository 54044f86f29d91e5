/*
 * sched_cputime: CPU time accounting (times(2)): a busy loop in user
 * mode grows the user time, a loop of system calls that work in the
 * kernel (getrandom of 64 KiB each) grows the system time.
 * Both kernels split the exact runtime in the ticks' proportion over the
 * whole life of the process (cputime_adjust), and init's life began with
 * the kernel's boot work (kernel_init) counted as system time, so the
 * checks ask for "more" and "grew", not "all" (on a loaded host a
 * TCG vCPU's ticks land unevenly).  Runs as init.
 */
#define _GNU_SOURCE
#include "syscheck.h"
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/times.h>

static double cpu_seconds(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static volatile unsigned long sink;
static char buf[65536];

int main(void)
{
	ut_prog = "sched_cputime";
	long hz = sysconf(_SC_CLK_TCK);
	UT_EXPECT(hz == 100, "USER_HZ is 100 (%ld)", hz);
	struct tms t0, t1, t2;
	clock_t c0 = times(&t0);
	UT_EXPECT(c0 != (clock_t)-1 && t0.tms_cutime == 0 && t0.tms_cstime == 0, "times: no children's time");
	UT_EXPECT_ERR(syscall(SYS_times, (void*)8), EFAULT, "times to a bad pointer: EFAULT");
	UT_EXPECT(syscall(SYS_times, NULL) > 0, "times(NULL) returns the clock ticks");

	/* user mode: 0.6 s of CPU in a loop without system calls but the
	 * occasional clock read */
	double start = cpu_seconds();
	while (cpu_seconds() - start < 0.6)
		for (int i = 0; i < 2000000; i++)
			sink += i;
	clock_t c1 = times(&t1);
	long du = t1.tms_utime - t0.tms_utime, ds = t1.tms_stime - t0.tms_stime;
	UT_EXPECT(du >= 25 && du > ds, "a user loop of 60 ticks: mostly user time (user %ld, system %ld)", du, ds);
	UT_EXPECT(c1 > c0, "the times() clock advanced (%ld)", (long)(c1 - c0));

	/* kernel mode: getrandom runs the CRNG (ChaCha20) in the kernel over
	 * 64 KiB a call */
	long got = syscall(SYS_getrandom, buf, sizeof(buf), 0);
	UT_EXPECT(got == (long)sizeof(buf), "getrandom of 64 KiB (%ld)", got);
	start = cpu_seconds();
	while (cpu_seconds() - start < 0.6)
		for (int i = 0; i < 4; i++)
			if (syscall(SYS_getrandom, buf, sizeof(buf), 0) != sizeof(buf))
				break;
	times(&t2);
	du = t2.tms_utime - t1.tms_utime, ds = t2.tms_stime - t1.tms_stime;
	UT_EXPECT(ds >= 10, "a loop of getrandom: the system time grew (user %ld, system %ld)", du, ds);
	UT_EXPECT(t2.tms_utime >= t1.tms_utime && t2.tms_stime >= t1.tms_stime, "neither time went back");

	/* RLIMIT_CPU: init cannot be killed by it (Linux ignores SIGXCPU and
	 * SIGKILL for the global init), so only the limit itself here */
	struct rlimit rl;
	UT_EXPECT(getrlimit(RLIMIT_CPU, &rl) == 0 && rl.rlim_cur == RLIM_INFINITY && rl.rlim_max == RLIM_INFINITY,
	          "RLIMIT_CPU is unlimited");
	rl.rlim_cur = 100;
	UT_EXPECT(setrlimit(RLIMIT_CPU, &rl) == 0 && getrlimit(RLIMIT_CPU, &rl) == 0 && rl.rlim_cur == 100,
	          "RLIMIT_CPU soft 100 s");
	return ut_done();
}
