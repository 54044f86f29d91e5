// libFuzzer target: gunzip (lib/inflate.cc) on any input.
//
// Beyond "no crash, no out-of-bounds access, no leak, no undefined
// behaviour" (ASan, UBSan, LeakSanitizer), each input checks:
//   - the contract: a chunk is 1..32768 bytes; success consumes between
//     18 bytes (the smallest member) and the whole input; failure names
//     its reason and is EINVAL or EIO;
//   - the bound: output <= 1032 bytes per input byte (DEFLATE's maximum
//     ratio: a 258-byte match in 2 bits);
//   - against zlib (the reference, as Debian builds it): zlib decodes the
//     same member (inflateInit2 with windowBits 15 + 16: one gzip member)
//     exactly when gunzip does, to the same bytes, consuming as many.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <lib/inflate.h>
#include <uapi/asm-generic/errno-base.h>
#include <vector>
#include <zlib.h>

namespace
{
constexpr size_t OUT_CAP = size_t(8) << 20; /* keep each run fast: larger outputs skip the comparison */

[[noreturn]] void fail(const char* what)
{
	fprintf(stderr, "fuzz_inflate: %s\n", what);
	abort();
}

/* zlib's verdict: true and out/consumed when one gzip member decodes */
bool zlib_gunzip(const uint8_t* data, size_t size, std::vector<uint8_t>& out, size_t* consumed, bool* capped)
{
	z_stream s{};
	if (inflateInit2(&s, 15 + 16) != Z_OK)
		fail("inflateInit2");
	s.next_in = const_cast<Bytef*>(data);
	s.avail_in = uInt(size);
	uint8_t buf[16384];
	int ret;
	do {
		s.next_out = buf;
		s.avail_out = sizeof(buf);
		ret = inflate(&s, Z_NO_FLUSH);
		out.insert(out.end(), buf, buf + (sizeof(buf) - s.avail_out));
		if (out.size() > OUT_CAP) {
			*capped = true;
			break;
		}
	} while (ret == Z_OK);
	*consumed = s.total_in;
	inflateEnd(&s);
	return ret == Z_STREAM_END;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
	std::vector<uint8_t> out;
	bool capped = false;
	const char* msg = nullptr;
	auto r = gunzip(
	    data, size,
	    [&](const uint8_t* p, size_t n) -> lib::Result<void> {
		    if (n == 0 || n > 32768)
			    fail("a chunk of 0 or more than 32 KiB");
		    if (out.size() + n > OUT_CAP) {
			    capped = true;
			    return lib::Error{EFBIG};
		    }
		    out.insert(out.end(), p, p + n);
		    return lib::ok();
	    },
	    &msg);

	if (r.is_ok()) {
		if (r.value() < 18 || r.value() > size)
			fail("consumed fewer than 18 or more than the input");
	} else {
		if (!msg)
			fail("an error without a message");
		if (!capped && r.error() != EINVAL && r.error() != EIO)
			fail("an error that is neither EINVAL nor EIO");
	}
	if (out.size() > 1032 * size)
		fail("more output than DEFLATE's 1032:1 allows");
	if (capped)
		return 0;

	std::vector<uint8_t> zout;
	size_t zconsumed = 0;
	bool zcapped = false;
	bool zok = zlib_gunzip(data, size, zout, &zconsumed, &zcapped);
	if (zcapped)
		return 0;
	if (zok != r.is_ok()) {
		fprintf(stderr, "gunzip: %s, zlib: %s\n", r.is_ok() ? "ok" : msg, zok ? "ok" : "error");
		fail("gunzip and zlib disagree on success");
	}
	if (zok && (zout != out || zconsumed != r.value()))
		fail("gunzip and zlib disagree on the output or the length of the member");
	return 0;
}
