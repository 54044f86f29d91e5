/*
 * Clocks, delays and sleeping (Linux: include/linux/sched/clock.h
 * local_clock, include/linux/timekeeping.h ktime_get_ns,
 * include/linux/delay.h udelay/mdelay/msleep, init/calibrate.c).
 *
 * local_clock() counts nanoseconds since the TSC was calibrated, and is 0
 * before that (as Linux's early "[    0.000000]" lines).  ktime_get_ns()
 * is the monotonic clock, the same TSC-based count.
 *
 * udelay/mdelay spin on the TSC and work in any context.  msleep may
 * sleep: it calls might_sleep() and sleeps in schedule_timeout(); the idle
 * task, atomic context and early boot halt or spin instead (see
 * kernel/time/timekeeping.cc).
 */
#pragma once
#include <cstdint>

uint64_t local_clock();
uint64_t ktime_get_ns();
void udelay(uint64_t usecs);
void mdelay(uint64_t msecs);
void msleep(unsigned int msecs);

/* TSC frequency in kHz, 0 before calibration */
extern uint64_t tsc_khz;
/* local_clock() = ((rdtsc() - tsc_base) * cyc2ns_mul) >> 32; the vDSO
 * computes the same from copies in its data page (update_vsyscall) */
extern uint64_t tsc_base;
extern uint64_t cyc2ns_mul;
void tsc_init();

/* the local APIC tick is running (set by setup_boot_APIC_clock) */
extern bool tick_periodic_enabled;
/* start the tick (Linux: time_init -> x86_late_time_init) */
void time_init();
/* "Calibrating delay loop (skipped) ..." and loops_per_jiffy */
extern unsigned long loops_per_jiffy;
void calibrate_delay();
