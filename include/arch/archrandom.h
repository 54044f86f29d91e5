/*
 * The CPU's random number instruction (Linux: arch/x86/include/asm/
 * archrandom.h).  RDRAND may fail transiently (carry clear) when the
 * hardware's entropy is drained; as Linux, rdrand_long() retries up to
 * RDRAND_RETRY_LOOPS times before it gives up.  QEMU's default CPU model
 * has no RDRAND: callers check cpu_has_rdrand() and fall back (the TSC,
 * mixed).  RDSEED (Broadwell on) gives conditioned seed material
 * rather than DRBG output and fails more readily: as Linux, it is tried
 * once per word and the caller falls back to RDRAND.  Users: the CRNG
 * (drivers/char/random.cc) and early KASLR (arch/x86_64/boot/kaslr.cc).
 */
#pragma once
#include <arch/processor.h>

#define RDRAND_RETRY_LOOPS 10

/* CPUID.01H:ECX.RDRAND[bit 30] */
static inline bool cpu_has_rdrand()
{
	return cpuid(1).ecx & (1u << 30);
}

/* one random word into *v: true, or false when RDRAND kept failing */
static inline bool rdrand_long(unsigned long* v)
{
	for (int i = 0; i < RDRAND_RETRY_LOOPS; i++) {
		bool ok;
		asm volatile("rdrand %0" : "=r"(*v), "=@ccc"(ok));
		if (ok)
			return true;
	}
	return false;
}

/* CPUID.(EAX=07H,ECX=0):EBX.RDSEED[bit 18] */
static inline bool cpu_has_rdseed()
{
	return cpuid(7, 0).ebx & (1u << 18);
}

/* one seed word into *v: true, or false when the entropy source is drained */
static inline bool rdseed_long(unsigned long* v)
{
	bool ok;
	asm volatile("rdseed %0" : "=r"(*v), "=@ccc"(ok));
	return ok;
}
