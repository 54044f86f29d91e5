/*
 * TSC calibration against the PIT and the boot clock (Linux:
 * arch/x86/kernel/tsc.c quick_pit_calibrate / pit_calibrate_tsc,
 * native_sched_clock).
 *
 * The PIT's channel 2 counts down from 0xffff at 1.193182 MHz.  A sample
 * reads its counter at the start and at the end of a ~10 ms window, each
 * read bracketed by two TSC reads; the ratio of the elapsed TSC to the
 * elapsed PIT ticks gives tsc_khz.  The brackets bound the error: a sample
 * whose reads took long (the vCPU was descheduled, an SMI...) is thrown
 * away, and the median of the good ones wins.  Linux checks the same way.
 *
 * Conversion to ns uses a 32.32 fixed-point multiplier so no division runs
 * on the hot path: ns = (cycles * cyc2ns_mul) >> 32.
 */
#include <kernel/time.h>
#include <kernel/printk.h>
#include <arch/io.h>
#include <arch/processor.h>

uint64_t tsc_khz;
uint64_t tsc_base;
uint64_t cyc2ns_mul; /* ns per cycle, 32.32 fixed point */

namespace
{
constexpr uint64_t PIT_TICK_RATE = 1193182;

struct pit_read {
	uint64_t before, after; /* TSC around the counter read */
	uint16_t count;
};

pit_read read_pit_counter()
{
	pit_read r;
	r.before = rdtsc();
	outb(0x80, 0x43); /* latch channel 2's count */
	uint8_t lo = inb(0x42);
	uint8_t hi = inb(0x42);
	r.after = rdtsc();
	r.count = uint16_t(lo | (hi << 8));
	return r;
}

/* One sample: TSC cycles per PIT tick times 2^16, 0 if disturbed. */
uint64_t pit_sample(unsigned ms, uint64_t* khz)
{
	const uint16_t want = uint16_t(PIT_TICK_RATE * ms / 1000);
	/* gate channel 2 on, speaker off; mode 2 counting down from 0xffff */
	outb(uint8_t((inb(0x61) & ~0x02) | 0x01), 0x61);
	outb(0xb4, 0x43);
	outb(0xff, 0x42);
	outb(0xff, 0x42);
	pit_read a = read_pit_counter();
	pit_read b;
	uint64_t loops = 0;
	do {
		b = read_pit_counter();
		if (++loops > 10000000) /* no PIT: give up rather than hang */
			return 0;
	} while (uint16_t(a.count - b.count) < want);
	uint16_t ticks = uint16_t(a.count - b.count);
	uint64_t tsc = (b.before + b.after) / 2 - (a.before + a.after) / 2;
	uint64_t error = (a.after - a.before) + (b.after - b.before);
	if (!ticks || error * 1000 > tsc) /* reads blurred by more than 0.1% */
		return 0;
	*khz = tsc * PIT_TICK_RATE / ticks / 1000;
	return tsc;
}

/* the old way, when every bracketed sample was disturbed: the shortest of
 * a few one-shot countdowns */
uint64_t pit_oneshot_khz(unsigned ms)
{
	uint64_t best = ~0ULL;
	for (int i = 0; i < 3; i++) {
		uint32_t latch = uint32_t(PIT_TICK_RATE * ms / 1000);
		outb(uint8_t((inb(0x61) & ~0x02) | 0x01), 0x61);
		outb(0xb0, 0x43); /* channel 2, lobyte/hibyte, mode 0 */
		outb(uint8_t(latch & 0xff), 0x42);
		outb(uint8_t(latch >> 8), 0x42);
		uint64_t t0 = rdtsc();
		uint64_t loops = 0;
		while (!(inb(0x61) & 0x20))
			if (++loops > 100000000)
				return 0;
		uint64_t d = rdtsc() - t0;
		if (d < best)
			best = d;
	}
	return best / ms;
}
} // namespace

void tsc_init()
{
	constexpr unsigned MS = 10, WANT = 3, TRIES = 12;
	uint64_t khz[WANT];
	unsigned good = 0, tries = 0;
	uint64_t first_tsc = rdtsc();
	while (good < WANT && tries++ < TRIES) {
		uint64_t k;
		if (pit_sample(MS, &k))
			khz[good++] = k;
	}
	uint64_t result;
	if (good) {
		/* median of the undisturbed samples */
		for (unsigned i = 1; i < good; i++)
			for (unsigned j = i; j > 0 && khz[j - 1] > khz[j]; j--) {
				uint64_t t = khz[j];
				khz[j] = khz[j - 1];
				khz[j - 1] = t;
			}
		result = khz[good / 2];
		pr_info("tsc: Fast TSC calibration using PIT\n");
	} else {
		result = pit_oneshot_khz(MS);
		pr_warn("tsc: every PIT sample was disturbed; using a one-shot countdown\n");
	}
	if (!result) {
		pr_warn("tsc: PIT calibration failed, assuming 1 GHz\n");
		result = 1000000;
	}
	cyc2ns_mul = (1000000ULL << 32) / result;
	tsc_base = first_tsc; /* time 0 is the calibration start */
	tsc_khz = result;
	pr_info("tsc: Detected %llu.%03llu MHz processor\n", (unsigned long long)(result / 1000),
	        (unsigned long long)(result % 1000));
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
