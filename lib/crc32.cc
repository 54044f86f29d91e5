/*
 * CRC-32, IEEE 802.3 polynomial, little-endian bit order (Linux:
 * lib/crc32.c crc32_le; the algorithm is the table-driven one of
 * Sarwate, 1988).
 *
 * The eight-table ("slicing-by-8") form: table[0][b] is the CRC register
 * after shifting byte b through it, and table[k][b] the same byte k
 * positions further back, so eight input bytes fold into the register
 * with eight lookups and no dependency between them.  The tables are
 * computed at compile time (constexpr) and live in .rodata.  No state:
 * callable from any context, on the kernel and on the host.
 */
#include <lib/crc32.h>

namespace
{
constexpr uint32_t CRC32_POLY_LE = 0xedb88320; /* 0x04c11db7 reflected */

struct crc32_tables {
	uint32_t t[8][256];
};

constexpr crc32_tables make_tables()
{
	crc32_tables tab{};
	for (uint32_t b = 0; b < 256; b++) {
		uint32_t c = b;
		for (int i = 0; i < 8; i++)
			c = (c >> 1) ^ (c & 1 ? CRC32_POLY_LE : 0);
		tab.t[0][b] = c;
	}
	for (int k = 1; k < 8; k++)
		for (uint32_t b = 0; b < 256; b++)
			tab.t[k][b] = (tab.t[k - 1][b] >> 8) ^ tab.t[0][tab.t[k - 1][b] & 0xff];
	return tab;
}

constexpr crc32_tables crc32table_le = make_tables();
static_assert(crc32table_le.t[0][1] == 0x77073096, "the first entry of every CRC-32 table");
} // namespace

uint32_t crc32_le(uint32_t crc, const void* p, size_t len)
{
	const uint8_t* s = static_cast<const uint8_t*>(p);
	const auto& t = crc32table_le.t;
	while (len >= 8) {
		uint32_t lo = crc ^ (uint32_t(s[0]) | uint32_t(s[1]) << 8 | uint32_t(s[2]) << 16 | uint32_t(s[3]) << 24);
		crc = t[7][lo & 0xff] ^ t[6][(lo >> 8) & 0xff] ^ t[5][(lo >> 16) & 0xff] ^ t[4][lo >> 24] ^ t[3][s[4]] ^
		      t[2][s[5]] ^ t[1][s[6]] ^ t[0][s[7]];
		s += 8;
		len -= 8;
	}
	while (len--)
		crc = (crc >> 8) ^ t[0][(crc ^ *s++) & 0xff];
	return crc;
}
