/*
 * SipHash-2-4, a keyed pseudo-random function (Linux: include/linux/siphash.h,
 * lib/siphash.c; the algorithm is Aumasson and Bernstein's).
 *
 * Given a secret 128-bit key, the 64-bit output cannot be predicted or
 * inverted without the key: %p uses it to print a pointer's stand-in that
 * is stable within one boot and reveals nothing about the address.
 * siphash_1u64 hashes one 64-bit word as the 8-byte little-endian message,
 * exactly as SipHash-2-4 over those 8 bytes (and as Linux's function of
 * the same name).  Host-compilable.
 */
#pragma once
#include <cstdint>

namespace lib
{
struct siphash_key_t {
	uint64_t key[2];
};

uint64_t siphash_1u64(uint64_t first, const siphash_key_t* key);
} // namespace lib
