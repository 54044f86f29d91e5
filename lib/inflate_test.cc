/*
 * ktests of gunzip's kernel build (lib/inflate.cc): the workspace from
 * vmalloc, a member decoded, a corrupt one refused with its message.  The
 * decoder itself is tested and fuzzed on the host (tests/host/
 * test_inflate.cc, tests/fuzz/fuzz_inflate.cc).
 */
#include <kernel/ktest.h>
#include <lib/crc32.h>
#include <lib/inflate.h>
#include <lib/string.h>
#include <uapi/asm-generic/errno-base.h>

namespace
{
/* "Hello, monolith! " x 20 in a fixed-Huffman block (Python's zlib, Z_FIXED) */
const uint8_t hello_gz[] = {0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xf3, 0x48, 0xcd, 0xc9,
                            0xc9, 0xd7, 0x51, 0xc8, 0xcd, 0xcf, 0xcb, 0xcf, 0xc9, 0x2c, 0xc9, 0x50, 0x54, 0xf0,
                            0x18, 0x15, 0xa0, 0x54, 0x00, 0x00, 0xe0, 0xe6, 0x95, 0x59, 0x54, 0x01, 0x00, 0x00};
} // namespace

KTEST(inflate, gunzip_decodes_a_member)
{
	char out[400];
	size_t n = 0;
	const char* msg = nullptr;
	auto r = gunzip(
	    hello_gz, sizeof(hello_gz),
	    [&](const uint8_t* p, size_t len) -> lib::Result<void> {
		    if (n + len > sizeof(out))
			    return lib::Error{ENOSPC};
		    lib::memcpy(out + n, p, len);
		    n += len;
		    return lib::ok();
	    },
	    &msg);
	KASSERT_OK(r);
	KEXPECT_EQ(r.value(), sizeof(hello_gz));
	KASSERT_EQ(n, 340u);
	for (size_t i = 0; i < n; i += 17)
		KEXPECT_EQ(lib::memcmp(out + i, "Hello, monolith! ", 17), 0);
	KEXPECT_EQ(crc32_ieee("123456789", 9), 0xcbf43926u);
}

KTEST(inflate, gunzip_reports_a_bad_crc)
{
	uint8_t bad[sizeof(hello_gz)];
	lib::memcpy(bad, hello_gz, sizeof(bad));
	bad[sizeof(bad) - 8] ^= 1; /* the trailer's CRC32 */
	const char* msg = nullptr;
	auto r = gunzip(bad, sizeof(bad), [](const uint8_t*, size_t) -> lib::Result<void> { return lib::ok(); }, &msg);
	KEXPECT_ERR(r, EIO);
	KEXPECT_STREQ(msg, GUNZIP_ERR_CRC);
}
