/*
 * clocks: clock_gettime(2) through libc (the vDSO) and the raw system
 * call, clock_getres, clock_settime, gettimeofday, time, nanosleep,
 * clock_nanosleep (relative and TIMER_ABSTIME), the CPU-time clocks,
 * times(2) and sysinfo(2).  Sleeps are checked never to end early; how
 * long they overshoot is not checked (a loaded host stalls vCPUs).
 */
#define _GNU_SOURCE
#include "syscheck.h"
#include <stdint.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>

static int64_t ns(const struct timespec* t)
{
	return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec;
}
static int64_t now(clockid_t c)
{
	struct timespec t;
	clock_gettime(c, &t);
	return ns(&t);
}
static int64_t raw_now(clockid_t c)
{
	struct timespec t;
	if (syscall(SYS_clock_gettime, c, &t))
		return -1;
	return ns(&t);
}
static void burn(int64_t cpu_ns)
{
	int64_t start = now(CLOCK_PROCESS_CPUTIME_ID);
	while (now(CLOCK_PROCESS_CPUTIME_ID) - start < cpu_ns)
		;
}

int main(void)
{
	ut_prog = "clocks";
	static const clockid_t clocks[] = {CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME, CLOCK_MONOTONIC_RAW,
	                                   CLOCK_TAI};
	static const char* names[] = {"REALTIME", "MONOTONIC", "BOOTTIME", "MONOTONIC_RAW", "TAI"};
	for (unsigned i = 0; i < sizeof(clocks) / sizeof(clocks[0]); i++) {
		int64_t a = now(clocks[i]), b = raw_now(clocks[i]), c = now(clocks[i]);
		UT_EXPECT(a > 0 && a <= b && b <= c, "CLOCK_%s: libc, raw syscall, libc read in order (%lld %lld %lld)",
		          names[i], (long long)a, (long long)b, (long long)c);
	}
	int mono_ok = 1;
	int64_t last = now(CLOCK_MONOTONIC);
	for (int i = 0; i < 2000; i++) {
		int64_t t = (i & 1) ? raw_now(CLOCK_MONOTONIC) : now(CLOCK_MONOTONIC);
		mono_ok &= t >= last;
		last = t;
	}
	UT_EXPECT(mono_ok, "2000 alternating vDSO and syscall CLOCK_MONOTONIC reads never go back");
	int64_t coarse = raw_now(CLOCK_MONOTONIC_COARSE), fine = now(CLOCK_MONOTONIC);
	UT_EXPECT(coarse > 0 && coarse <= fine && fine - coarse < 1000000000LL, "CLOCK_MONOTONIC_COARSE lags the fine clock");
	coarse = raw_now(CLOCK_REALTIME_COARSE), fine = now(CLOCK_REALTIME);
	UT_EXPECT(coarse > 0 && coarse <= fine && fine - coarse < 1000000000LL, "CLOCK_REALTIME_COARSE lags the fine clock");

	struct timespec rt;
	clock_gettime(CLOCK_REALTIME, &rt);
	time_t t1 = time(NULL);
	long t2 = syscall(SYS_time, NULL);
	UT_EXPECT(t1 <= t2 && t2 <= rt.tv_sec + 1 && t1 >= rt.tv_sec - 1, "time(), libc and raw, agree with CLOCK_REALTIME");
	long tl = 0;
	UT_EXPECT(syscall(SYS_time, &tl) == tl && tl >= t1, "time(&t) stores its result");
	struct timeval tv;
	UT_EXPECT(syscall(SYS_gettimeofday, &tv, NULL) == 0 && tv.tv_usec >= 0 && tv.tv_usec < 1000000 &&
	              tv.tv_sec >= rt.tv_sec && tv.tv_sec <= rt.tv_sec + 1,
	          "gettimeofday (raw) agrees with CLOCK_REALTIME");
	UT_EXPECT(gettimeofday(&tv, NULL) == 0 && tv.tv_sec >= rt.tv_sec, "gettimeofday (libc)");
	UT_EXPECT(rt.tv_sec > 1600000000, "the wall clock starts from the RTC (%lld)", (long long)rt.tv_sec);

	/* resolutions */
	struct timespec res;
	UT_EXPECT(syscall(SYS_clock_getres, CLOCK_MONOTONIC, &res) == 0 && res.tv_sec == 0 && res.tv_nsec == 1,
	          "CLOCK_MONOTONIC resolution 1 ns");
	UT_EXPECT(clock_getres(CLOCK_REALTIME, &res) == 0 && res.tv_sec == 0 && res.tv_nsec == 1,
	          "CLOCK_REALTIME resolution 1 ns (libc)");
	UT_EXPECT(syscall(SYS_clock_getres, CLOCK_MONOTONIC_COARSE, &res) == 0 && res.tv_nsec == 4000000,
	          "CLOCK_MONOTONIC_COARSE resolution is a tick at HZ=250 (%ld)", res.tv_nsec);
	UT_EXPECT(syscall(SYS_clock_getres, CLOCK_PROCESS_CPUTIME_ID, &res) == 0 && res.tv_nsec == 1,
	          "CLOCK_PROCESS_CPUTIME_ID resolution 1 ns");
	UT_EXPECT(syscall(SYS_clock_getres, CLOCK_MONOTONIC, NULL) == 0, "clock_getres with NULL");

	/* errors */
	UT_EXPECT_ERR(syscall(SYS_clock_gettime, 10, &rt), EINVAL, "clock 10: EINVAL");
	UT_EXPECT_ERR(syscall(SYS_clock_gettime, 16, &rt), EINVAL, "clock 16: EINVAL");
	UT_EXPECT_ERR(syscall(SYS_clock_getres, 12, &res), EINVAL, "clock_getres of clock 12: EINVAL");
	UT_EXPECT_ERR(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, (void*)8), EFAULT, "clock_gettime to a bad pointer: EFAULT");
	UT_EXPECT_ERR(syscall(SYS_gettimeofday, (void*)8, NULL), EFAULT, "gettimeofday to a bad pointer: EFAULT");

	/* CPU time */
	int64_t c0 = now(CLOCK_PROCESS_CPUTIME_ID), m0 = now(CLOCK_MONOTONIC);
	burn(30000000);
	int64_t th = raw_now(CLOCK_THREAD_CPUTIME_ID), c1 = raw_now(CLOCK_PROCESS_CPUTIME_ID), m1 = now(CLOCK_MONOTONIC);
	UT_EXPECT(c1 - c0 >= 30000000, "30 ms of CPU burnt show on CLOCK_PROCESS_CPUTIME_ID");
	UT_EXPECT(c1 - c0 <= (m1 - m0) * 11 / 10 + 10000000,
	          "CPU time grows no faster than the monotonic clock, within 10%% (%lld vs %lld ns)", (long long)(c1 - c0),
	          (long long)(m1 - m0));
	UT_EXPECT(th > 0 && th <= c1, "the thread's CPU time is at most the process's");
	clockid_t cid;
	UT_EXPECT(clock_getcpuclockid(0, &cid) == 0 && now(cid) >= c1, "clock_getcpuclockid(0) is the process's clock");
	UT_EXPECT(clock_getcpuclockid(getpid(), &cid) == 0 && raw_now(cid) >= c1, "and so is clock_getcpuclockid(getpid())");
	struct tms tm;
	clock_t tk = times(&tm);
	UT_EXPECT(tk != (clock_t)-1 && tm.tms_utime + tm.tms_stime >= 2, "times(): the CPU time in clock ticks (%ld + %ld)",
	          (long)tm.tms_utime, (long)tm.tms_stime);
	UT_EXPECT(tm.tms_cutime == 0 && tm.tms_cstime == 0, "times(): no children's time");
	UT_EXPECT(times(NULL) >= tk, "times(NULL) does not go back");

	/* sleeping */
	struct timespec req = {0, 20000000};
	int64_t s0 = now(CLOCK_MONOTONIC);
	UT_EXPECT(nanosleep(&req, NULL) == 0, "nanosleep 20 ms");
	int64_t s1 = now(CLOCK_MONOTONIC);
	UT_EXPECT(s1 - s0 >= 20000000, "it did not end early (%lld ns)", (long long)(s1 - s0));
	req.tv_nsec = 1;
	UT_EXPECT(nanosleep(&req, NULL) == 0, "nanosleep 1 ns");
	req.tv_sec = 0, req.tv_nsec = 1000000000;
	UT_EXPECT_ERR(nanosleep(&req, NULL), EINVAL, "nanosleep with tv_nsec 1e9: EINVAL");
	req.tv_nsec = -1;
	UT_EXPECT_ERR(syscall(SYS_nanosleep, &req, NULL), EINVAL, "nanosleep with tv_nsec -1: EINVAL");
	req.tv_sec = -1, req.tv_nsec = 0;
	UT_EXPECT_ERR(syscall(SYS_nanosleep, &req, NULL), EINVAL, "nanosleep with tv_sec -1: EINVAL");
	UT_EXPECT_ERR(syscall(SYS_nanosleep, (void*)8, NULL), EFAULT, "nanosleep from a bad pointer: EFAULT");

	struct timespec abs;
	clock_gettime(CLOCK_MONOTONIC, &abs);
	int64_t target = ns(&abs) + 30000000;
	abs.tv_sec = target / 1000000000, abs.tv_nsec = target % 1000000000;
	UT_EXPECT(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, NULL) == 0, "clock_nanosleep MONOTONIC, absolute");
	UT_EXPECT(now(CLOCK_MONOTONIC) >= target, "it woke at or after the deadline");
	clock_gettime(CLOCK_REALTIME, &abs);
	target = ns(&abs) + 30000000;
	abs.tv_sec = target / 1000000000, abs.tv_nsec = target % 1000000000;
	UT_EXPECT(clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &abs, NULL) == 0, "clock_nanosleep REALTIME, absolute");
	UT_EXPECT(now(CLOCK_REALTIME) >= target, "it woke at or after the wall-clock deadline");
	req.tv_sec = 0, req.tv_nsec = 15000000;
	s0 = now(CLOCK_MONOTONIC);
	UT_EXPECT(clock_nanosleep(CLOCK_BOOTTIME, 0, &req, NULL) == 0 && now(CLOCK_MONOTONIC) - s0 >= 15000000,
	          "clock_nanosleep BOOTTIME, relative 15 ms");
	abs.tv_sec = 1, abs.tv_nsec = 0;
	s0 = now(CLOCK_MONOTONIC);
	UT_EXPECT(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, NULL) == 0, "an absolute time in the past returns at once");
	req.tv_nsec = 1000000000;
	UT_EXPECT(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &req, NULL) == -1 && errno == EINVAL,
	          "clock_nanosleep with tv_nsec 1e9: EINVAL");
	req.tv_nsec = 1000;
	UT_EXPECT_ERR(syscall(SYS_clock_nanosleep, 10, 0, &req, NULL), EINVAL, "clock_nanosleep on clock 10: EINVAL");
	UT_EXPECT_ERR(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC_RAW, 0, &req, NULL), EOPNOTSUPP,
	              "clock_nanosleep on MONOTONIC_RAW: EOPNOTSUPP");
	UT_EXPECT_ERR(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC_COARSE, 0, &req, NULL), EOPNOTSUPP,
	              "clock_nanosleep on MONOTONIC_COARSE: EOPNOTSUPP");
	UT_EXPECT_ERR(syscall(SYS_clock_nanosleep, CLOCK_THREAD_CPUTIME_ID, 0, &req, NULL), EOPNOTSUPP,
	              "clock_nanosleep on CLOCK_THREAD_CPUTIME_ID: EOPNOTSUPP");
	clockid_t own = (clockid_t)(~0u << 3 | 4 | 2); /* this thread's CPUCLOCK_SCHED, as pthread_getcpuclockid makes it */
	UT_EXPECT(raw_now(own) > 0, "the per-thread CPU clock id reads");
	UT_EXPECT_ERR(syscall(SYS_clock_nanosleep, own, 0, &req, NULL), EINVAL,
	              "clock_nanosleep on one's own thread clock id: EINVAL");
	UT_EXPECT_ERR(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, (void*)8, NULL), EFAULT,
	              "clock_nanosleep from a bad pointer: EFAULT");

	/* setting the wall clock */
	struct timespec set;
	clock_gettime(CLOCK_REALTIME, &set);
	int64_t before = ns(&set);
	set.tv_sec += 1000;
	UT_EXPECT(clock_settime(CLOCK_REALTIME, &set) == 0, "clock_settime(CLOCK_REALTIME, now + 1000 s)");
	int64_t v = now(CLOCK_REALTIME), r = raw_now(CLOCK_REALTIME);
	UT_EXPECT(v >= before + 1000000000000LL && r >= v && r - before < 1010000000000LL,
	          "libc (vDSO) and the syscall both see the new time");
	UT_EXPECT(time(NULL) >= set.tv_sec - 1, "time() follows");
	set.tv_sec -= 1000;
	UT_EXPECT(clock_settime(CLOCK_REALTIME, &set) == 0 && now(CLOCK_REALTIME) < before + 10000000000LL,
	          "and back");
	UT_EXPECT_ERR(clock_settime(CLOCK_MONOTONIC, &set), EINVAL, "clock_settime(CLOCK_MONOTONIC): EINVAL");
	set.tv_nsec = 1000000000;
	UT_EXPECT_ERR(syscall(SYS_clock_settime, CLOCK_REALTIME, &set), EINVAL, "clock_settime with tv_nsec 1e9: EINVAL");
	set.tv_nsec = 0;
	UT_EXPECT_ERR(syscall(SYS_clock_settime, CLOCK_PROCESS_CPUTIME_ID, &set), EINVAL,
	              "clock_settime(CLOCK_PROCESS_CPUTIME_ID): EINVAL");
	UT_EXPECT(clock_getcpuclockid(0, &cid) == 0, "clock_getcpuclockid(0)");
	UT_EXPECT_ERR(syscall(SYS_clock_settime, cid, &set), EPERM, "setting a process CPU clock by its id: EPERM");
	struct timezone tz = {0, 0};
	UT_EXPECT(syscall(SYS_settimeofday, NULL, &tz) == 0, "settimeofday(NULL, tz 0)");
	tz.tz_minuteswest = -60, tz.tz_dsttime = 1;
	UT_EXPECT(syscall(SYS_settimeofday, NULL, &tz) == 0, "settimeofday(NULL, tz -60)");
	struct timezone got = {0, 0};
	UT_EXPECT(syscall(SYS_gettimeofday, NULL, &got) == 0 && got.tz_minuteswest == -60 && got.tz_dsttime == 1,
	          "gettimeofday returns the time zone");
	tz.tz_minuteswest = 16 * 60;
	UT_EXPECT_ERR(syscall(SYS_settimeofday, NULL, &tz), EINVAL, "a zone 16 hours off: EINVAL");
	tz.tz_minuteswest = 0, tz.tz_dsttime = 0;
	UT_EXPECT(syscall(SYS_settimeofday, NULL, &tz) == 0, "time zone back to 0");
	tv.tv_sec = 0, tv.tv_usec = 1000001;
	UT_EXPECT_ERR(syscall(SYS_settimeofday, &tv, NULL), EINVAL, "settimeofday with tv_usec > 1e6: EINVAL");

	/* sysinfo */
	struct sysinfo si;
	UT_EXPECT(sysinfo(&si) == 0, "sysinfo");
	UT_EXPECT(si.uptime >= 1, "uptime %ld s", si.uptime);
	UT_EXPECT(si.mem_unit == 1, "mem_unit 1");
	UT_EXPECT(si.totalram > (16UL << 20) && si.totalram <= (4UL << 30) && si.freeram > 0 && si.freeram < si.totalram,
	          "totalram %lu, freeram %lu bytes", si.totalram, si.freeram);
	UT_EXPECT(si.procs >= 1, "procs %u", si.procs);
	UT_EXPECT_ERR(syscall(SYS_sysinfo, (void*)8), EFAULT, "sysinfo to a bad pointer: EFAULT");
	return ut_done();
}
