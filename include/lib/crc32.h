/*
 * crc32.h - the CRC-32 of IEEE 802.3, as gzip, zip, PNG and the cpio "crc"
 * format use it (Linux: include/linux/crc32.h, lib/crc32.c).
 *
 * The polynomial is 0x04c11db7, processed least-significant bit first
 * (the reflected form 0xedb88320), which is Linux's crc32_le.  As in Linux,
 * crc32_le() does no pre- or post-inversion: the seed goes in as given and
 * the register comes out as is.  The checksum gzip stores is therefore
 *
 *     ~crc32_le(~0u, data, len)          (== crc32_ieee(data, len))
 *
 * and a long input may be fed in pieces, each call taking the previous
 * call's result as its seed.  Host-compilable; no state, any context.
 */
#pragma once
#include <cstddef>
#include <cstdint>

uint32_t crc32_le(uint32_t crc, const void* p, size_t len);

/* Linux's crc32(seed, data, length) is crc32_le */
static inline uint32_t crc32(uint32_t seed, const void* p, size_t len)
{
	return crc32_le(seed, p, len);
}

/* the finished CRC-32 of one buffer, as gzip's trailer and `crc32` print it */
static inline uint32_t crc32_ieee(const void* p, size_t len)
{
	return ~crc32_le(~0u, p, len);
}
