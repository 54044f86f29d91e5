// gunzip (lib/inflate.cc): round trips against fixtures made by Python's
// zlib/gzip (tests/host/gen_gzip_fixtures.py, run at build time into
// GZIP_FIXTURE_DIR), every block type, streams longer than the window,
// concatenated members, and every error the decoder reports, with
// hand-made DEFLATE bit streams for the corrupt ones.
#include <cstdio>
#include <cstring>
#include <fstream>
#include <gtest/gtest.h>
#include <iterator>
#include <lib/crc32.h>
#include <lib/inflate.h>
#include <string>
#include <uapi/asm-generic/errno-base.h>
#include <vector>

namespace
{
using bytes = std::vector<uint8_t>;

bytes read_fixture(const std::string& name)
{
	std::ifstream f(std::string(GZIP_FIXTURE_DIR) + "/" + name, std::ios::binary);
	EXPECT_TRUE(f.good()) << "missing fixture " << name;
	return bytes(std::istreambuf_iterator<char>(f), {});
}

struct outcome {
	lib::Result<size_t> r;
	bytes out;
	const char* msg;
	size_t largest_chunk;
};

outcome run(const bytes& in, size_t len = SIZE_MAX)
{
	outcome o{lib::Error{EFAULT}, {}, nullptr, 0};
	o.r = gunzip(
	    in.data(), len == SIZE_MAX ? in.size() : len,
	    [&](const uint8_t* p, size_t n) -> lib::Result<void> {
		    o.out.insert(o.out.end(), p, p + n);
		    o.largest_chunk = std::max(o.largest_chunk, n);
		    return lib::ok();
	    },
	    &o.msg);
	return o;
}

// ---- the fixtures ----

class Fixture : public ::testing::TestWithParam<const char*>
{
};

TEST_P(Fixture, DecompressesToTheOriginal)
{
	bytes gz = read_fixture(std::string(GetParam()) + ".gz");
	bytes raw = read_fixture(std::string(GetParam()) + ".raw");
	outcome o = run(gz);
	ASSERT_TRUE(o.r.is_ok()) << o.msg;
	EXPECT_EQ(o.r.value(), gz.size()); // one member: all of it
	EXPECT_EQ(o.out, raw);
	EXPECT_LE(o.largest_chunk, 32768u);
}

INSTANTIATE_TEST_SUITE_P(Inflate, Fixture,
                         ::testing::Values("empty", "stored", "stored_big", "fixed", "fixed_big", "dynamic",
                                           "dynamic_big", "mixed", "huffman_only", "rle", "all_flags",
                                           "gzip_module"));

TEST(Inflate, ALongStreamIsFlushedInWholeWindows)
{
	bytes gz = read_fixture("dynamic_big.gz");
	std::vector<size_t> chunks;
	auto r = gunzip(gz.data(), gz.size(), [&](const uint8_t*, size_t n) -> lib::Result<void> {
		chunks.push_back(n);
		return lib::ok();
	});
	ASSERT_TRUE(r.is_ok());
	ASSERT_EQ(chunks.size(), 10u); // 300 KiB: nine full windows and the rest
	for (size_t i = 0; i + 1 < chunks.size(); i++)
		EXPECT_EQ(chunks[i], 32768u);
	EXPECT_EQ(chunks.back(), 300u * 1024 - 9 * 32768);
}

TEST(Inflate, ConcatenatedMembersOneAtATime)
{
	bytes gz = read_fixture("concatenated.gz");
	bytes raw = read_fixture("concatenated.raw");
	bytes out;
	size_t off = 0;
	int members = 0;
	while (off < gz.size()) {
		auto r = gunzip(gz.data() + off, gz.size() - off, [&](const uint8_t* p, size_t n) -> lib::Result<void> {
			out.insert(out.end(), p, p + n);
			return lib::ok();
		});
		ASSERT_TRUE(r.is_ok());
		ASSERT_GT(r.value(), 0u);
		off += r.value();
		members++;
	}
	EXPECT_EQ(off, gz.size());
	EXPECT_EQ(members, 3);
	EXPECT_EQ(out, raw);
}

TEST(Inflate, TrailingDataIsLeftToTheCaller)
{
	bytes gz = read_fixture("fixed.gz");
	size_t member = gz.size();
	for (const char* junk : {"\0\0\0\0", "TRAILING JUNK"})
		gz.insert(gz.end(), junk, junk + 4);
	outcome o = run(gz);
	ASSERT_TRUE(o.r.is_ok());
	EXPECT_EQ(o.r.value(), member);
	EXPECT_EQ(o.out, read_fixture("fixed.raw"));
}

// ---- errors in the container ----

void expect_error(const outcome& o, int err, const char* msg)
{
	ASSERT_TRUE(o.r.is_err());
	EXPECT_EQ(o.r.error(), err);
	EXPECT_STREQ(o.msg, msg);
}

TEST(Inflate, BadMagic)
{
	bytes gz = read_fixture("fixed.gz");
	gz[1] = 0x8c;
	expect_error(run(gz), EINVAL, GUNZIP_ERR_MAGIC);
	bytes cpio = {'0', '7', '0', '7', '0', '1', 0, 0, 0, 0, 0, 0};
	expect_error(run(cpio), EINVAL, GUNZIP_ERR_MAGIC);
}

TEST(Inflate, UnknownMethod)
{
	bytes gz = read_fixture("fixed.gz");
	gz[2] = 7;
	expect_error(run(gz), EINVAL, GUNZIP_ERR_METHOD);
}

TEST(Inflate, ReservedFlags)
{
	for (uint8_t bit : {0x20, 0x40, 0x80}) {
		bytes gz = read_fixture("fixed.gz");
		gz[3] |= bit;
		expect_error(run(gz), EINVAL, GUNZIP_ERR_FLAGS);
	}
}

TEST(Inflate, HeaderCrc)
{
	bytes gz = read_fixture("all_flags.gz");
	// the header: 10 bytes, XLEN 2 + 6, "hello.txt\0", "a comment\0", CRC16
	size_t hcrc = 10 + 2 + 6 + 10 + 10;
	gz[hcrc] ^= 1;
	expect_error(run(gz), EIO, GUNZIP_ERR_HCRC);
}

TEST(Inflate, TrailerCrcAndLength)
{
	bytes gz = read_fixture("dynamic.gz");
	bytes bad = gz;
	bad[bad.size() - 8] ^= 0x80;
	expect_error(run(bad), EIO, GUNZIP_ERR_CRC);
	bad = gz;
	bad[bad.size() - 1] ^= 1;
	expect_error(run(bad), EIO, GUNZIP_ERR_ISIZE);
}

TEST(Inflate, EveryTruncationIsReported)
{
	for (const char* name : {"empty", "stored", "fixed", "dynamic", "all_flags", "huffman_only"}) {
		bytes gz = read_fixture(std::string(name) + ".gz");
		for (size_t len = 0; len < gz.size(); len++) {
			SCOPED_TRACE(std::string(name) + " cut at " + std::to_string(len));
			outcome o = run(gz, len);
			expect_error(o, EIO, GUNZIP_ERR_TRUNCATED);
		}
	}
}

TEST(Inflate, FlushErrorsStopAndPassThrough)
{
	bytes gz = read_fixture("dynamic_big.gz");
	int calls = 0;
	const char* msg = nullptr;
	auto r = gunzip(
	    gz.data(), gz.size(),
	    [&](const uint8_t*, size_t) -> lib::Result<void> {
		    if (++calls == 3)
			    return lib::Error{ENOSPC};
		    return lib::ok();
	    },
	    &msg);
	EXPECT_EQ(r, lib::Error{ENOSPC});
	EXPECT_STREQ(msg, GUNZIP_ERR_WRITE);
	EXPECT_EQ(calls, 3);
}

// ---- errors in the DEFLATE stream: hand-made bit streams ----

struct bitwriter {
	bytes out;
	unsigned nbits = 0;
	void put(uint64_t v, unsigned n) // n bits of v, least significant first
	{
		for (unsigned i = 0; i < n; i++, nbits++) {
			if (nbits % 8 == 0)
				out.push_back(0);
			out.back() |= ((v >> i) & 1) << (nbits % 8);
		}
	}
	void code(uint32_t c, unsigned n) // a Huffman code: most significant bit first
	{
		for (unsigned i = n; i-- > 0;)
			put((c >> i) & 1, 1);
	}
	void align() { nbits = unsigned(out.size() * 8); }
	// RFC 1951 3.2.6
	void fixed_lit(unsigned s)
	{
		if (s < 144)
			code(0x30 + s, 8);
		else if (s < 256)
			code(0x190 + s - 144, 9);
		else if (s < 280)
			code(s - 256, 7);
		else
			code(0xc0 + s - 280, 8);
	}
};

// wrap raw DEFLATE data into a member whose trailer fits `expect`
bytes member(const bytes& deflate, const bytes& expect = {})
{
	bytes m = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
	m.insert(m.end(), deflate.begin(), deflate.end());
	uint32_t crc = crc32_ieee(expect.data(), expect.size());
	uint32_t len = uint32_t(expect.size());
	for (int i = 0; i < 4; i++)
		m.push_back(uint8_t(crc >> (8 * i)));
	for (int i = 0; i < 4; i++)
		m.push_back(uint8_t(len >> (8 * i)));
	return m;
}

TEST(InflateCorrupt, HandMadeStreamsAreRight)
{
	// the writer itself: "ab" then length 3 distance 2 in a fixed block
	bitwriter w;
	w.put(1, 1); // BFINAL
	w.put(1, 2); // fixed
	w.fixed_lit('a');
	w.fixed_lit('b');
	w.fixed_lit(257); // length 3
	w.code(1, 5);     // distance 2
	w.fixed_lit(256);
	outcome o = run(member(w.out, {'a', 'b', 'a', 'b', 'a'}));
	ASSERT_TRUE(o.r.is_ok()) << o.msg;
	EXPECT_EQ(o.out, (bytes{'a', 'b', 'a', 'b', 'a'}));
}

TEST(InflateCorrupt, BlockType3)
{
	bitwriter w;
	w.put(1, 1);
	w.put(3, 2);
	expect_error(run(member(w.out)), EIO, GUNZIP_ERR_BLOCK_TYPE);
}

TEST(InflateCorrupt, StoredLengths)
{
	bitwriter w;
	w.put(1, 1);
	w.put(0, 2);
	w.align();
	w.put(5, 16);
	w.put(0xfffb, 16); // ~5 is 0xfffa
	w.put(0, 40);
	expect_error(run(member(w.out)), EIO, GUNZIP_ERR_STORED_LEN);
}

TEST(InflateCorrupt, TooManySymbols)
{
	for (auto [hlit, hdist] : {std::pair{30u, 0u}, {29u, 30u}, {0u, 31u}}) {
		bitwriter w;
		w.put(1, 1);
		w.put(2, 2);
		w.put(hlit, 5);
		w.put(hdist, 5);
		w.put(0, 4);
		w.put(0, 64);
		expect_error(run(member(w.out)), EIO, GUNZIP_ERR_TOO_MANY_SYMS);
	}
}

// a dynamic block header: HLIT, HDIST, and a code-length code giving each
// of `clen_syms` the length 2 (so four of them make a complete code)
bitwriter dynamic_header(unsigned nlen, unsigned ndist, std::initializer_list<unsigned> clen_syms)
{
	static const unsigned order[19] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};
	bitwriter w;
	w.put(1, 1);
	w.put(2, 2);
	w.put(nlen - 257, 5);
	w.put(ndist - 1, 5);
	w.put(19 - 4, 4);
	for (unsigned i = 0; i < 19; i++) {
		bool two = false;
		for (unsigned s : clen_syms)
			two |= s == order[i];
		w.put(two ? 2 : 0, 3);
	}
	return w;
}

TEST(InflateCorrupt, CodeLengthsSet)
{
	bitwriter over = dynamic_header(257, 1, {0, 1, 2, 3, 4}); // five 2-bit codes
	over.put(0, 32);
	expect_error(run(member(over.out)), EIO, GUNZIP_ERR_CODE_LENGTHS);
	bitwriter incomplete = dynamic_header(257, 1, {0, 1, 2}); // three
	incomplete.put(0, 32);
	expect_error(run(member(incomplete.out)), EIO, GUNZIP_ERR_CODE_LENGTHS);
	bitwriter none = dynamic_header(257, 1, {});
	none.put(0, 32);
	expect_error(run(member(none.out)), EIO, GUNZIP_ERR_CODE_LENGTHS);
}

// code-length code {0, 16, 17, 18}: canonical codes 00, 01, 10, 11
TEST(InflateCorrupt, RepeatWithNothingBefore)
{
	bitwriter w = dynamic_header(257, 1, {0, 16, 17, 18});
	w.code(1, 2); // 16: repeat the previous length, but there is none
	w.put(0, 2);
	w.put(0, 32);
	expect_error(run(member(w.out)), EIO, GUNZIP_ERR_LENGTH_REPEAT);
}

TEST(InflateCorrupt, RepeatPastTheEnd)
{
	bitwriter w = dynamic_header(257, 1, {0, 16, 17, 18});
	w.code(3, 2); // 18: 138 zeros
	w.put(127, 7);
	w.code(3, 2); // 138 more: 276 > 258
	w.put(127, 7);
	w.put(0, 32);
	expect_error(run(member(w.out)), EIO, GUNZIP_ERR_LENGTH_REPEAT);
}

TEST(InflateCorrupt, MissingEndOfBlock)
{
	bitwriter w = dynamic_header(257, 1, {0, 16, 17, 18});
	w.code(3, 2);
	w.put(127, 7); // 138 zeros
	w.code(3, 2);
	w.put(109, 7); // 120 zeros: all 258 lengths zero
	w.put(0, 32);
	expect_error(run(member(w.out)), EIO, GUNZIP_ERR_NO_END_OF_BLOCK);
}

// code-length code {0, 1, 2, 18}: codes 00, 01, 10, 11
void zeros(bitwriter& w, unsigned n)
{
	while (n >= 11) {
		unsigned k = n > 138 ? 138 : n;
		w.code(3, 2);
		w.put(k - 11, 7);
		n -= k;
	}
	while (n--)
		w.code(0, 2);
}

TEST(InflateCorrupt, LiteralLengthSet)
{
	// only symbol 256, with a 2-bit code: incomplete, and not a lone 1-bit code
	bitwriter w = dynamic_header(257, 1, {0, 1, 2, 18});
	zeros(w, 256);
	w.code(2, 2); // lens[256] = 2
	w.code(1, 2); // one distance code of length 1
	w.put(0, 32);
	expect_error(run(member(w.out)), EIO, GUNZIP_ERR_LITLEN_SET);
}

TEST(InflateCorrupt, DistanceSet)
{
	bitwriter w = dynamic_header(257, 2, {0, 1, 2, 18});
	w.code(1, 2); // lens[0] = 1
	zeros(w, 255);
	w.code(1, 2); // lens[256] = 1: a complete literal/length code
	w.code(2, 2); // two 2-bit distance codes: incomplete
	w.code(2, 2);
	w.put(0, 32);
	expect_error(run(member(w.out)), EIO, GUNZIP_ERR_DIST_SET);
}

TEST(InflateCorrupt, ALoneOneBitCodeIsAcceptedButItsOtherHalfIsNot)
{
	// lens[256] = 1 alone: the code "0" is end-of-block, "1" is nothing
	for (unsigned bit : {0u, 1u}) {
		bitwriter w = dynamic_header(257, 1, {0, 1, 2, 18});
		zeros(w, 256);
		w.code(1, 2);
		w.code(0, 2); // no distance code at all
		w.put(bit, 1);
		w.put(0, 7);
		outcome o = run(member(w.out));
		if (bit == 0) {
			ASSERT_TRUE(o.r.is_ok()) << o.msg;
			EXPECT_TRUE(o.out.empty());
		} else {
			expect_error(o, EIO, GUNZIP_ERR_LITLEN_CODE);
		}
	}
}

TEST(InflateCorrupt, NoDistanceCodeButADistance)
{
	bitwriter w = dynamic_header(258, 1, {0, 1, 2, 18});
	zeros(w, 256);
	w.code(1, 2); // 256: "0"
	w.code(1, 2); // 257 (length 3): "1"
	w.code(0, 2); // no distance codes
	w.put(1, 1);  // length 3 ...
	w.put(0, 15); // ... and a distance nobody can code
	expect_error(run(member(w.out)), EIO, GUNZIP_ERR_DIST_CODE);
}

TEST(InflateCorrupt, FixedSymbols286And287)
{
	for (unsigned s : {286u, 287u}) {
		bitwriter w;
		w.put(1, 1);
		w.put(1, 2);
		w.fixed_lit(s);
		w.put(0, 32);
		expect_error(run(member(w.out)), EIO, GUNZIP_ERR_LITLEN_CODE);
	}
}

TEST(InflateCorrupt, FixedDistances30And31)
{
	for (unsigned d : {30u, 31u}) {
		bitwriter w;
		w.put(1, 1);
		w.put(1, 2);
		w.fixed_lit('a');
		w.fixed_lit(257);
		w.code(d, 5);
		w.put(0, 32);
		expect_error(run(member(w.out)), EIO, GUNZIP_ERR_DIST_CODE);
	}
}

TEST(InflateCorrupt, DistanceTooFarBack)
{
	bitwriter first; // a match before any output
	first.put(1, 1);
	first.put(1, 2);
	first.fixed_lit(257);
	first.code(0, 5); // distance 1
	first.put(0, 32);
	expect_error(run(member(first.out)), EIO, GUNZIP_ERR_TOO_FAR);

	bitwriter later; // one byte out, distance 2
	later.put(1, 1);
	later.put(1, 2);
	later.fixed_lit('x');
	later.fixed_lit(257);
	later.code(1, 5);
	later.put(0, 32);
	expect_error(run(member(later.out)), EIO, GUNZIP_ERR_TOO_FAR);
}

TEST(InflateCorrupt, DistanceAcrossBlocksAndTheWholeWindow)
{
	// a stored block of 32768 bytes, then a fixed block copying from
	// 32768 back (the oldest byte the window keeps)
	bytes data(32768);
	for (size_t i = 0; i < data.size(); i++)
		data[i] = uint8_t(i * 7 + (i >> 8));
	bitwriter w;
	w.put(0, 1);
	w.put(0, 2);
	w.align();
	w.put(32768, 16);
	w.put(32767, 16);
	w.out.insert(w.out.end(), data.begin(), data.end());
	w.align();
	w.put(1, 1);
	w.put(1, 2);
	w.fixed_lit(265);    // length 11 + 1 extra bit
	w.put(1, 1);         // 12
	w.code(29, 5);       // distance 24577 + 13 extra bits
	w.put(32768 - 24577, 13);
	w.fixed_lit(256);
	bytes expect = data;
	expect.insert(expect.end(), data.begin(), data.begin() + 12);
	outcome o = run(member(w.out, expect));
	ASSERT_TRUE(o.r.is_ok()) << o.msg;
	EXPECT_EQ(o.out, expect);
}

// ---- crc32 ----

TEST(Crc32, KnownValues)
{
	EXPECT_EQ(crc32_ieee("", 0), 0u);
	EXPECT_EQ(crc32_ieee("123456789", 9), 0xcbf43926u); // the CRC-32 check value
	EXPECT_EQ(crc32_ieee("The quick brown fox jumps over the lazy dog", 43), 0x414fa339u);
	EXPECT_EQ(crc32_le(0, "", 0), 0u); // Linux's: no inversion inside
}

TEST(Crc32, PiecesEqualTheWhole)
{
	bytes b(1000);
	for (size_t i = 0; i < b.size(); i++)
		b[i] = uint8_t(i * 131 + 7);
	uint32_t whole = crc32_le(~0u, b.data(), b.size());
	for (size_t cut : {0u, 1u, 7u, 8u, 9u, 500u, 999u}) {
		uint32_t c = crc32_le(~0u, b.data(), cut);
		c = crc32(c, b.data() + cut, b.size() - cut);
		EXPECT_EQ(c, whole) << cut;
	}
}
} // namespace
