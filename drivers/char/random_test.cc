/*
 * ktests of the CRNG and getrandom (drivers/char/random.cc).
 *
 * The statistical checks are bounds a working generator misses by more
 * than ten standard deviations (a false failure is less likely than
 * 1e-20), while a broken one (constant, zero, a stuck byte, a repeated
 * block) fails them by far.
 */
#include <arch/ptrace.h>
#include <kernel/ktest.h>
#include <kernel/random.h>
#include <lib/string.h>
#include <mm/vmalloc.h>
#include <uapi/asm-generic/errno-base.h>
#include <uapi/asm-generic/errno.h>
#include <uapi/linux/random.h>

extern "C" long __x64_sys_getrandom(const struct pt_regs*);

namespace
{
bool all_zero(const uint8_t* p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}
} // namespace

KTEST(random, crng_is_ready_after_boot)
{
	KEXPECT_TRUE(crng_ready());
	KEXPECT_TRUE(ktest_log_contains("random: crng init done"));
}

KTEST(random, get_random_bytes_differ_between_calls)
{
	uint8_t a[64], b[64], c[5];
	get_random_bytes(a, sizeof(a));
	get_random_bytes(b, sizeof(b));
	KEXPECT_FALSE(all_zero(a, sizeof(a)));
	KEXPECT_NE(lib::memcmp(a, b, sizeof(a)), 0);
	/* the two halves of one request are not one block repeated */
	KEXPECT_NE(lib::memcmp(a, a + 32, 32), 0);
	lib::memset(c, 0, sizeof(c));
	get_random_bytes(c, 0); /* nothing: no write */
	KEXPECT_TRUE(all_zero(c, sizeof(c)));
}

KTEST(random, get_random_u32_u64_values_are_distinct)
{
	uint64_t v[32];
	for (int i = 0; i < 16; i++)
		v[i] = get_random_u64();
	for (int i = 16; i < 32; i++)
		v[i] = uint64_t(get_random_u32()) << 32 | get_random_u32(); /* across batch refills */
	int same = 0;
	for (int i = 0; i < 32; i++)
		for (int j = i + 1; j < 32; j++)
			same += v[i] == v[j];
	KEXPECT_EQ(same, 0); /* 496 pairs of 64-bit values: a collision is 2^-55 */
}

/* byte histogram chi-square and the count of one bits over 64 KiB */
KTEST(random, output_is_statistically_sane)
{
	const size_t n = 64 * 1024;
	uint8_t* buf = static_cast<uint8_t*>(vmalloc(n));
	KASSERT_TRUE(buf != nullptr);
	get_random_bytes(buf, n);
	unsigned hist[256] = {};
	uint64_t ones = 0;
	for (size_t i = 0; i < n; i++) {
		hist[buf[i]]++;
		for (uint8_t b = buf[i]; b; b &= uint8_t(b - 1)) /* no popcnt in the kernel's flags */
			ones++;
	}
	/* 255 degrees of freedom: mean 255, sd 22.6; 600 is 15 sd out */
	uint64_t expected = n / 256, chi2_x256 = 0;
	for (unsigned h : hist) {
		int64_t d = int64_t(h) - int64_t(expected);
		chi2_x256 += uint64_t(d * d);
	}
	uint64_t chi2 = chi2_x256 / expected;
	KEXPECT_GT(chi2, 100u); /* too even is not random either (< -6.8 sd) */
	KEXPECT_LT(chi2, 600u);
	/* 524288 bits: mean 262144, sd 362 */
	KEXPECT_GT(ones, 262144u - 5000);
	KEXPECT_LT(ones, 262144u + 5000);
	vfree(buf);
}

KTEST(random, get_random_u32_below_stays_below)
{
	KEXPECT_EQ(get_random_u32_below(1), 0u);
	unsigned seen[10] = {};
	for (int i = 0; i < 10000; i++) {
		uint32_t v = get_random_u32_below(10);
		KASSERT_LT(v, 10u);
		seen[v]++;
	}
	for (unsigned s : seen) { /* 1000 each, sd 30 */
		KEXPECT_GT(s, 700u);
		KEXPECT_LT(s, 1300u);
	}
}

KTEST(random, getrandom_flags)
{
	uint8_t buf[48];
	KEXPECT_ERR(getrandom_kernel(buf, sizeof(buf), 0x8), EINVAL);
	KEXPECT_ERR(getrandom_kernel(buf, sizeof(buf), ~0u), EINVAL);
	KEXPECT_ERR(getrandom_kernel(buf, sizeof(buf), GRND_RANDOM | GRND_INSECURE), EINVAL);
	KEXPECT_ERR(getrandom_kernel(buf, sizeof(buf), GRND_RANDOM | GRND_INSECURE | GRND_NONBLOCK), EINVAL);
	for (unsigned flags : {0u, unsigned(GRND_NONBLOCK), unsigned(GRND_RANDOM), unsigned(GRND_INSECURE),
	                       unsigned(GRND_NONBLOCK | GRND_RANDOM), unsigned(GRND_NONBLOCK | GRND_INSECURE)}) {
		lib::memset(buf, 0, sizeof(buf));
		auto r = getrandom_kernel(buf, sizeof(buf), flags);
		KEXPECT_EQ(r.is_ok() ? r.value() : -r.error(), long(sizeof(buf)));
		KEXPECT_FALSE(all_zero(buf, sizeof(buf)));
	}
}

KTEST(random, getrandom_lengths)
{
	uint8_t small[7] = {};
	auto r = getrandom_kernel(small, sizeof(small), 0);
	KEXPECT_EQ(r.is_ok() ? r.value() : -1, 7);
	KEXPECT_EQ(getrandom_kernel(small, 0, 0).value_or(-1), 0);

	const size_t n = 3 * 4096 + 100; /* blocks, pages and a tail */
	uint8_t* big = static_cast<uint8_t*>(vzalloc(n + 16));
	KASSERT_TRUE(big != nullptr);
	r = getrandom_kernel(big, n, GRND_NONBLOCK);
	KEXPECT_EQ(r.is_ok() ? r.value() : -1, long(n));
	KEXPECT_FALSE(all_zero(big + n - 16, 16)); /* the tail was written */
	KEXPECT_TRUE(all_zero(big + n, 16));       /* and nothing past it */
	KEXPECT_NE(lib::memcmp(big, big + 4096, 64), 0);
	vfree(big);
}

/* the system call itself: flags, then the user range */
KTEST(random, sys_getrandom_errnos)
{
	struct pt_regs regs = {};
	regs.di = 0x1000;
	regs.si = 16;
	regs.dx = 0x8;
	KEXPECT_EQ(__x64_sys_getrandom(&regs), -EINVAL);
	regs.dx = GRND_RANDOM | GRND_INSECURE;
	KEXPECT_EQ(__x64_sys_getrandom(&regs), -EINVAL);
	/* a kernel address is not a user buffer */
	regs.di = reinterpret_cast<uintptr_t>(&regs);
	regs.dx = 0;
	KEXPECT_EQ(__x64_sys_getrandom(&regs), -EFAULT);
	/* a range that runs past the end of user space */
	regs.di = 0x00007ffffffff000UL;
	regs.si = 0x2000;
	KEXPECT_EQ(__x64_sys_getrandom(&regs), -EFAULT);
	/* nothing asked: nothing to fault on */
	regs.di = 0x1000;
	regs.si = 0;
	KEXPECT_EQ(__x64_sys_getrandom(&regs), 0);
}
