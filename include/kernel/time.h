/*
 * Boot-time clock and busy-wait delays (Linux: include/linux/sched/clock.h
 * local_clock, include/linux/delay.h).
 *
 * local_clock() counts nanoseconds since the TSC was calibrated, and is 0
 * before that (as Linux's early "[    0.000000]" lines).
 */
#pragma once
#include <cstdint>

uint64_t local_clock();
void udelay(uint64_t usecs);
void mdelay(uint64_t msecs);

/* TSC frequency in kHz, 0 before calibration */
extern uint64_t tsc_khz;
void tsc_init();
