/*
 * The vDSO's clocks (Linux: arch/x86/entry/vdso/vclock_gettime.c,
 * lib/vdso/gettimeofday.c): clock_gettime, gettimeofday, time and
 * clock_getres without entering the kernel, from the data page the kernel
 * keeps in [vvar] (<arch/vdso.h>).
 *
 * Built as user-space code (gcc -fPIC, no libc) into a small shared
 * object the kernel embeds and maps into every process (vdso.lds,
 * arch/x86_64/entry/vdso/vma.cc); glibc and musl find the functions
 * through AT_SYSINFO_EHDR under the LINUX_2.6 version.  Clocks the page
 * cannot answer (the CPU-time clocks, bad ids) go to the real system
 * call, so errors are the kernel's.
 */
#include <arch/vdso.h>
#include <stddef.h>
#include <stdint.h>

#define NSEC_PER_SEC 1000000000LL
#define TICK_NSEC 4000000LL /* HZ 250: the resolution of the coarse clocks */
enum { CLOCK_REALTIME = 0, CLOCK_MONOTONIC = 1, CLOCK_MONOTONIC_RAW = 4, CLOCK_REALTIME_COARSE = 5,
       CLOCK_MONOTONIC_COARSE = 6, CLOCK_BOOTTIME = 7 };
enum { NR_gettimeofday = 96, NR_time = 201, NR_clock_gettime = 228, NR_clock_getres = 229 };

struct kernel_timespec {
	int64_t tv_sec;
	long long tv_nsec;
};
struct kernel_timeval {
	long tv_sec;
	long tv_usec;
};
struct kernel_timezone {
	int tz_minuteswest;
	int tz_dsttime;
};

/* the data page: four pages below this image (vdso.lds) */
extern const struct vdso_data vvar_page __attribute__((visibility("hidden")));

static long sys2(long nr, long a, long b)
{
	long ret;
	__asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b) : "rcx", "r11", "memory");
	return ret;
}

static inline uint64_t rdtsc_ordered(void)
{
	uint32_t lo, hi;
	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi)::"memory");
	return ((uint64_t)hi << 32) | lo;
}

static inline uint32_t seq_begin(const struct vdso_data* vd)
{
	uint32_t seq;
	while ((seq = __atomic_load_n(&vd->seq, __ATOMIC_ACQUIRE)) & 1)
		__builtin_ia32_pause();
	return seq;
}
static inline int seq_retry(const struct vdso_data* vd, uint32_t start)
{
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	return __atomic_load_n(&vd->seq, __ATOMIC_RELAXED) != start;
}

/* the clock in ns, or -1 when the page cannot answer */
static int64_t read_clock(int clock)
{
	const struct vdso_data* vd = &vvar_page;
	int64_t ns;
	uint32_t seq;
	do {
		seq = seq_begin(vd);
		if (vd->clock_mode != VDSO_CLOCKMODE_TSC)
			return -1;
		switch (clock) {
		case CLOCK_REALTIME:
		case CLOCK_MONOTONIC:
		case CLOCK_MONOTONIC_RAW:
		case CLOCK_BOOTTIME:
			ns = (int64_t)(((unsigned __int128)(rdtsc_ordered() - vd->tsc_base) * vd->cyc2ns_mul) >> 32);
			if (clock == CLOCK_REALTIME)
				ns += vd->offs_real;
			break;
		case CLOCK_REALTIME_COARSE:
			ns = vd->coarse_mono + vd->offs_real;
			break;
		case CLOCK_MONOTONIC_COARSE:
			ns = vd->coarse_mono;
			break;
		default:
			return -1;
		}
	} while (seq_retry(vd, seq));
	return ns;
}

int __vdso_clock_gettime(int clock, struct kernel_timespec* ts)
{
	int64_t ns = read_clock(clock);
	if (ns < 0)
		return (int)sys2(NR_clock_gettime, clock, (long)ts);
	ts->tv_sec = ns / NSEC_PER_SEC;
	ts->tv_nsec = ns % NSEC_PER_SEC;
	return 0;
}

int __vdso_gettimeofday(struct kernel_timeval* tv, struct kernel_timezone* tz)
{
	int64_t ns = read_clock(CLOCK_REALTIME);
	if (ns < 0)
		return (int)sys2(NR_gettimeofday, (long)tv, (long)tz);
	if (tv) {
		tv->tv_sec = ns / NSEC_PER_SEC;
		tv->tv_usec = (ns % NSEC_PER_SEC) / 1000;
	}
	if (tz) {
		tz->tz_minuteswest = vvar_page.tz_minuteswest;
		tz->tz_dsttime = vvar_page.tz_dsttime;
	}
	return 0;
}

long __vdso_time(long* t)
{
	int64_t ns = read_clock(CLOCK_REALTIME_COARSE);
	if (ns < 0)
		return sys2(NR_time, (long)t, 0);
	long secs = ns / NSEC_PER_SEC;
	if (t)
		*t = secs;
	return secs;
}

int __vdso_clock_getres(int clock, struct kernel_timespec* res)
{
	long long ns;
	switch (clock) {
	case CLOCK_REALTIME:
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_BOOTTIME:
		ns = 1;
		break;
	case CLOCK_REALTIME_COARSE:
	case CLOCK_MONOTONIC_COARSE:
		ns = TICK_NSEC;
		break;
	default:
		return (int)sys2(NR_clock_getres, clock, (long)res);
	}
	if (res) {
		res->tv_sec = 0;
		res->tv_nsec = ns;
	}
	return 0;
}

int clock_gettime(int, struct kernel_timespec*) __attribute__((weak, alias("__vdso_clock_gettime")));
int gettimeofday(struct kernel_timeval*, struct kernel_timezone*) __attribute__((weak, alias("__vdso_gettimeofday")));
long time(long*) __attribute__((weak, alias("__vdso_time")));
int clock_getres(int, struct kernel_timespec*) __attribute__((weak, alias("__vdso_clock_getres")));
