/*
 * TSC calibration against the PIT and the boot clock (Linux:
 * arch/x86/kernel/tsc.c pit_calibrate_tsc, native_sched_clock).
 *
 * The PIT's channel 2 counts down a known interval (its input is 1.193182
 * MHz) while we read the TSC; the ratio gives tsc_khz.  Conversion to ns
 * uses a 32.32 fixed-point multiplier so no division runs on the hot path:
 * ns = (cycles * cyc2ns_mul) >> 32.
 */
#include <kernel/time.h>
#include <kernel/printk.h>
#include <arch/io.h>
#include <arch/processor.h>

uint64_t tsc_khz;

namespace
{
constexpr uint64_t PIT_TICK_RATE = 1193182;
uint64_t tsc_base;
uint64_t cyc2ns_mul; /* ns per cycle, 32.32 fixed point */

/* TSC cycles elapsed over `ms` milliseconds of PIT channel 2, 0 on failure */
uint64_t pit_measure(unsigned ms)
{
	uint32_t latch = uint32_t(PIT_TICK_RATE * ms / 1000);
	/* gate channel 2 on, speaker off */
	outb(uint8_t((inb(0x61) & ~0x02) | 0x01), 0x61);
	outb(0xb0, 0x43); /* channel 2, lobyte/hibyte, mode 0 */
	outb(uint8_t(latch & 0xff), 0x42);
	outb(uint8_t(latch >> 8), 0x42);
	uint64_t t0 = rdtsc();
	uint64_t loops = 0;
	while (!(inb(0x61) & 0x20)) {
		if (++loops > 100000000) /* no PIT: give up rather than hang */
			return 0;
	}
	return rdtsc() - t0;
}
} // namespace

void tsc_init()
{
	constexpr unsigned MS = 10;
	uint64_t best = ~0ULL;
	/* the shortest of a few runs is the least disturbed */
	for (int i = 0; i < 3; i++) {
		uint64_t d = pit_measure(MS);
		if (d && d < best)
			best = d;
	}
	if (best == ~0ULL) {
		pr_warn("tsc: PIT calibration failed, assuming 1 GHz\n");
		best = 1000000ULL * MS;
	}
	uint64_t khz = best / MS;
	cyc2ns_mul = (1000000ULL << 32) / khz;
	tsc_base = rdtsc() - best; /* time 0 is roughly the calibration start */
	tsc_khz = khz;
	pr_info("tsc: Detected %llu.%03llu MHz processor\n", (unsigned long long)(khz / 1000),
	        (unsigned long long)(khz % 1000));
}

uint64_t local_clock()
{
	if (!tsc_khz)
		return 0;
	unsigned __int128 p = (unsigned __int128)(rdtsc() - tsc_base) * cyc2ns_mul;
	return uint64_t(p >> 32);
}

void udelay(uint64_t usecs)
{
	if (!tsc_khz) {
		for (uint64_t i = 0; i < usecs * 1000; i++)
			cpu_relax();
		return;
	}
	uint64_t end = rdtsc() + usecs * tsc_khz / 1000;
	while (rdtsc() < end)
		cpu_relax();
}

void mdelay(uint64_t msecs)
{
	udelay(msecs * 1000);
}
