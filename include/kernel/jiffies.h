/*
 * jiffies: the tick counter (Linux: include/linux/jiffies.h,
 * kernel/time/jiffies.c, kernel/time/time.c msecs_to_jiffies).
 *
 * HZ is 250 (CONFIG_HZ_250, Debian's choice): one jiffy is 4 ms.  The
 * local APIC timer's periodic tick adds one to jiffies_64 per interrupt
 * (tick_periodic -> do_timer(1)).  jiffies is the same 64-bit word
 * (Linux aliases them in the linker script; here a GCC alias), read
 * without a lock since a 64-bit load is atomic on x86_64.
 *
 * As in Linux, jiffies start at INITIAL_JIFFIES, five minutes before the
 * 32-bit value wraps, so code that compares jiffies without time_after()
 * breaks early rather than after 49 days.  Always compare with the
 * time_after()/time_before() family, which are correct across a wrap.
 */
#pragma once
#include <cstdint>

#define HZ 250
#define TICK_NSEC ((1000000000ULL + HZ / 2) / HZ)
#define MSEC_PER_SEC 1000UL
#define USEC_PER_SEC 1000000UL
#define NSEC_PER_SEC 1000000000ULL
#define NSEC_PER_MSEC 1000000ULL
#define MAX_JIFFY_OFFSET ((long)((~0UL >> 1) - 1))

/* -300 seconds of jiffies, truncated to 32 bits: the wrap comes 5 min in */
#define INITIAL_JIFFIES ((unsigned long)(unsigned int)(-300 * HZ))

extern "C" volatile uint64_t jiffies_64;
extern "C" volatile unsigned long jiffies;

static inline uint64_t get_jiffies_64()
{
	return jiffies_64;
}

#define time_after(a, b) ((long)((b) - (a)) < 0)
#define time_before(a, b) time_after(b, a)
#define time_after_eq(a, b) ((long)((a) - (b)) >= 0)
#define time_before_eq(a, b) time_after_eq(b, a)
#define time_in_range(a, b, c) (time_after_eq(a, b) && time_before_eq(a, c))
#define time_after64(a, b) ((int64_t)((b) - (a)) < 0)
#define time_before64(a, b) time_after64(b, a)
#define time_is_before_jiffies(a) time_after(jiffies, a)
#define time_is_after_jiffies(a) time_before(jiffies, a)

/* rounded up: a timeout is never shorter than asked (HZ divides 1000) */
static inline unsigned long msecs_to_jiffies(unsigned int m)
{
	if ((int)m < 0)
		return MAX_JIFFY_OFFSET;
	return (m + (MSEC_PER_SEC / HZ) - 1) / (MSEC_PER_SEC / HZ);
}
static inline unsigned long usecs_to_jiffies(unsigned int u)
{
	return (u + (USEC_PER_SEC / HZ) - 1) / (USEC_PER_SEC / HZ);
}
static inline unsigned int jiffies_to_msecs(unsigned long j)
{
	return (unsigned int)((MSEC_PER_SEC / HZ) * j);
}
static inline unsigned int jiffies_to_usecs(unsigned long j)
{
	return (unsigned int)((USEC_PER_SEC / HZ) * j);
}
static inline uint64_t jiffies_to_nsecs(unsigned long j)
{
	return uint64_t(j) * TICK_NSEC;
}
static inline uint64_t jiffies64_to_nsecs(uint64_t j)
{
	return j * TICK_NSEC;
}

/* the tick (kernel/time/timekeeping.cc): jiffies_64 += ticks */
void do_timer(unsigned long ticks);
