/*
 * The vDSO's data page, shared by the kernel (writer) and the vDSO code
 * in user space (reader) — Linux: include/vdso/datapage.h struct
 * vdso_data, arch/x86/include/asm/vvar.h.  Plain C, included by both the
 * kernel (C++) and the vDSO sources in arch/x86_64/entry/vdso (C, built as user code).
 *
 * The kernel maps the page read-only as the first of the four [vvar]
 * pages, right below the two [vdso] pages, and rewrites it under the
 * seqcount protocol of <kernel/seqlock.h> (update_vsyscall, kernel/time/
 * vsyscall.cc) whenever the clocks' parameters change: at every tick (the
 * coarse clocks) and on settimeofday.
 *
 * CLOCK_MONOTONIC in user space is the kernel's ktime_get_ns():
 *     ((rdtsc() - tsc_base) * cyc2ns_mul) >> 32    (128-bit product)
 * CLOCK_REALTIME adds offs_real; the coarse clocks read coarse_mono.
 * clock_mode VDSO_CLOCKMODE_NONE sends every call to the system call.
 */
#ifndef ARCH_VDSO_H
#define ARCH_VDSO_H
#include <stdint.h>

#define VDSO_CLOCKMODE_NONE 0
#define VDSO_CLOCKMODE_TSC 1

/* the vDSO image's layout: [vvar] pages, then the [vdso] text */
#define VDSO_VVAR_PAGES 4
#define VDSO_TEXT_PAGES 2

struct vdso_data {
	uint32_t seq;
	int32_t clock_mode;
	uint64_t tsc_base;
	uint64_t cyc2ns_mul;
	int64_t offs_real;
	int64_t coarse_mono;
	int32_t tz_minuteswest;
	int32_t tz_dsttime;
};

#endif
