/*
 * The old wall-clock system calls (Linux: kernel/time/time.c time,
 * gettimeofday, settimeofday, do_sys_settimeofday64, sys_tz).
 *
 *   time(t)                the CLOCK_REALTIME seconds as of the last tick
 *                          (ktime_get_real_seconds, as Linux's)
 *   gettimeofday(tv, tz)   CLOCK_REALTIME in microseconds; tz is sys_tz
 *   settimeofday(tv, tz)   sets CLOCK_REALTIME and/or sys_tz; needs
 *                          CAP_SYS_TIME
 *
 * The vDSO answers time and gettimeofday from [vvar] without coming here
 * (arch/x86_64/entry/vdso/vclock_gettime.c); these are the same clocks.
 * sys_tz is written under tz_lock and read racily, as Linux's; the vDSO's
 * copy follows it (update_vsyscall_tz).
 */
#include <kernel/capability.h>
#include <kernel/jiffies.h>
#include <kernel/syscalls.h>
#include <kernel/timekeeping.h>
#include <lib/spinlock.h>
#include <uapi/asm-generic/errno-base.h>
#include <uapi/linux/time.h>

struct timezone sys_tz;
static lib::spinlock tz_lock;

SYSCALL_DEFINE1(time, user_ptr<long>, tloc)
{
	long i = long(ktime_get_real_seconds());
	if (tloc)
		TRY(put_user(i, tloc));
	return i;
}

SYSCALL_DEFINE2(gettimeofday, user_ptr<struct __kernel_old_timeval>, tv, user_ptr<struct timezone>, tz)
{
	if (tv) {
		struct timespec64 ts;
		ktime_get_real_ts64(&ts);
		struct __kernel_old_timeval v = {long(ts.tv_sec), ts.tv_nsec / 1000};
		if (copy_to_user(tv, &v, sizeof(v)))
			return lib::Error{EFAULT};
	}
	if (tz) {
		struct timezone z = sys_tz;
		if (copy_to_user(tz, &z, sizeof(z)))
			return lib::Error{EFAULT};
	}
	return 0;
}

/* Linux's timespec64_valid_settod: valid, and not within 30 years of
 * the end of ktime_t (KTIME_SEC_MAX - 30 years) */
static bool timespec64_valid_settod(const struct timespec64& ts)
{
	constexpr int64_t ktime_sec_max = INT64_MAX / int64_t(NSEC_PER_SEC);
	constexpr int64_t settod_max = ktime_sec_max - 30LL * 365 * 24 * 3600;
	return timespec64_valid(ts) && ts.tv_sec < settod_max;
}

lib::Result<void> do_sys_settimeofday64(const struct timespec64* tv, const struct timezone* tz)
{
	if (tv && !timespec64_valid_settod(*tv))
		return lib::Error{EINVAL};
	if (!capable(CAP_SYS_TIME)) /* Linux: security_settime64 -> cap_settime */
		return lib::Error{EPERM};
	if (tz) {
		if (tz->tz_minuteswest > 15 * 60 || tz->tz_minuteswest < -15 * 60)
			return lib::Error{EINVAL};
		lib::spin_lock_irqsave_guard g(tz_lock);
		sys_tz = *tz;
		update_vsyscall_tz(tz->tz_minuteswest, tz->tz_dsttime);
		/* Linux's first-call timekeeping_warp_clock (an RTC kept in
		 * local time) is not done: the CMOS clock is read as UTC */
	}
	if (tv)
		return do_settimeofday64(*tv);
	return lib::ok();
}

SYSCALL_DEFINE2(settimeofday, user_ptr<const struct __kernel_old_timeval>, tv, user_ptr<const struct timezone>, tz)
{
	struct timespec64 new_ts;
	struct timezone new_tz;
	if (tv) {
		struct __kernel_old_timeval v;
		if (copy_from_user(&v, tv, sizeof(v)))
			return lib::Error{EFAULT};
		if (v.tv_usec > 1000000 || v.tv_usec < 0)
			return lib::Error{EINVAL};
		new_ts.tv_sec = v.tv_sec;
		new_ts.tv_nsec = v.tv_usec * 1000;
	}
	if (tz && copy_from_user(&new_tz, tz, sizeof(new_tz)))
		return lib::Error{EFAULT};
	TRY(do_sys_settimeofday64(tv ? &new_ts : nullptr, tz ? &new_tz : nullptr));
	return 0;
}
