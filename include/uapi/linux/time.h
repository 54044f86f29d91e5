/*
 * Time as the x86_64 ABI passes it (Linux: include/uapi/linux/time.h,
 * time_types.h): struct timespec (__kernel_timespec), struct timeval
 * (__kernel_old_timeval), struct timezone, struct tms, and the clock ids.
 */
#ifndef _UAPI_LINUX_TIME_H
#define _UAPI_LINUX_TIME_H
#include <cstdint>

struct __kernel_timespec {
	int64_t tv_sec;
	long long tv_nsec;
};
struct __kernel_itimerspec {
	struct __kernel_timespec it_interval; /* the period, 0 for one shot */
	struct __kernel_timespec it_value;    /* the first expiry, 0 disarms */
};
struct __kernel_old_timeval {
	long tv_sec;
	long tv_usec;
};
struct timezone {
	int tz_minuteswest;
	int tz_dsttime;
};
struct tms {
	long tms_utime;
	long tms_stime;
	long tms_cutime;
	long tms_cstime;
};

#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID 3
#define CLOCK_MONOTONIC_RAW 4
#define CLOCK_REALTIME_COARSE 5
#define CLOCK_MONOTONIC_COARSE 6
#define CLOCK_BOOTTIME 7
#define CLOCK_REALTIME_ALARM 8
#define CLOCK_BOOTTIME_ALARM 9
#define CLOCK_TAI 11
#define MAX_CLOCKS 16

#define TIMER_ABSTIME 0x01

/* USER_HZ: the unit of clock_t (times(2), /proc/PID/stat) */
#define USER_HZ 100

#endif /* _UAPI_LINUX_TIME_H */
