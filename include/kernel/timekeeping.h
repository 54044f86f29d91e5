/*
 * The clocks user space reads (Linux: include/linux/timekeeping.h,
 * time64.h, kernel/time/timekeeping.c).
 *
 *   CLOCK_MONOTONIC   ktime_get_ns(): the TSC since calibration (<kernel/time.h>)
 *   CLOCK_BOOTTIME    the same (there is no suspend)
 *   CLOCK_REALTIME    monotonic + tk_offs_real, the offset set at boot
 *                     from the CMOS RTC (read_persistent_clock64) and by
 *                     do_settimeofday64
 *   *_COARSE          the value at the last tick on the boot CPU
 *
 * The offsets and the coarse values live in one struct guarded by a
 * seqcount (kernel/time/timekeeping.cc), copied to the vDSO's vvar page at
 * every change (update_vsyscall) so the vDSO computes the same values in
 * user space.  Writers: the tick (boot CPU, hard irq) and settimeofday,
 * serialised by timekeeper_lock.
 */
#pragma once
#include <cstdint>
#include <lib/result.h>

typedef int64_t time64_t;

struct timespec64 {
	time64_t tv_sec;
	long tv_nsec;
};

static inline struct timespec64 ns_to_timespec64(int64_t ns)
{
	struct timespec64 ts;
	ts.tv_sec = ns / 1000000000LL;
	ts.tv_nsec = ns % 1000000000LL;
	if (ts.tv_nsec < 0) {
		ts.tv_sec--;
		ts.tv_nsec += 1000000000LL;
	}
	return ts;
}
static inline int64_t timespec64_to_ns(const struct timespec64& ts)
{
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}
static inline bool timespec64_valid(const struct timespec64& ts)
{
	return ts.tv_sec >= 0 && ts.tv_nsec >= 0 && ts.tv_nsec < 1000000000L;
}

/* calendar arithmetic (kernel/time/timeconv.cc, host-tested) */
/* seconds since 1970-01-01 00:00:00 UTC for a proleptic Gregorian date
 * (mon 1..12, as Linux's mktime64) */
time64_t mktime64(unsigned year, unsigned mon, unsigned day, unsigned hour, unsigned min, unsigned sec);

/* set up the clocks from the RTC (Linux: timekeeping_init, start_kernel) */
void timekeeping_init();
/* the wall clock at boot from the CMOS RTC; 0 when unreadable
 * (arch/x86_64/kernel/rtc.cc, Linux: read_persistent_clock64) */
time64_t read_persistent_clock64();

int64_t ktime_get_real_ns();
int64_t ktime_get_boottime_ns();
int64_t ktime_get_coarse_ns();
int64_t ktime_get_coarse_real_ns();
time64_t ktime_get_real_seconds();
void ktime_get_real_ts64(struct timespec64* ts);
void ktime_get_ts64(struct timespec64* ts);

/* set CLOCK_REALTIME (EINVAL for an invalid timespec) */
lib::Result<void> do_settimeofday64(const struct timespec64& ts);
/* settimeofday's and clock_settime's common part (kernel/time/time.cc):
 * EINVAL for a bad time or zone, EPERM without CAP_SYS_TIME */
struct timezone;
lib::Result<void> do_sys_settimeofday64(const struct timespec64* tv, const struct timezone* tz);
/* the tick on the boot CPU: refresh the coarse clocks */
void update_wall_time();

/* copy the clocks' parameters to the vDSO's data page (kernel/time/
 * vsyscall.cc); the timekeeping writers call it under timekeeper_lock */
void update_vsyscall(int64_t offs_real, int64_t coarse_mono);
/* copy the timezone settimeofday set (sys_tz) to the data page */
void update_vsyscall_tz(int minuteswest, int dsttime);
/* the page itself, mapped read-only into every process as [vvar] */
union vdso_data_store;
extern union vdso_data_store vdso_data_page;
