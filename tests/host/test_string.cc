// Host tests for lib/string.cc, checked against the host libc.
#include <lib/string.h>

#include <gtest/gtest.h>

#include <cstring>
#include <uapi/asm-generic/errno-base.h>

namespace
{

int sign(int v)
{
	return (v > 0) - (v < 0);
}

TEST(String, MemcpyAllAlignmentsAndLengths)
{
	unsigned char src[96], dst[96], ref[96];
	for (size_t i = 0; i < sizeof(src); ++i)
		src[i] = static_cast<unsigned char>(i * 7 + 3);
	for (size_t so = 0; so < 9; ++so)
		for (size_t doff = 0; doff < 9; ++doff)
			for (size_t n = 0; n <= 70; ++n) {
				memset(dst, 0xee, sizeof(dst));
				memset(ref, 0xee, sizeof(ref));
				EXPECT_EQ(lib::memcpy(dst + doff, src + so, n), dst + doff);
				::memcpy(ref + doff, src + so, n);
				ASSERT_EQ(0, ::memcmp(dst, ref, sizeof(dst))) << so << " " << doff << " " << n;
			}
}

TEST(String, MemmoveOverlapBothDirections)
{
	for (size_t a = 0; a < 20; ++a)
		for (size_t b = 0; b < 20; ++b)
			for (size_t n = 0; n <= 40; ++n) {
				unsigned char buf[64], ref[64];
				for (size_t i = 0; i < sizeof(buf); ++i)
					buf[i] = ref[i] = static_cast<unsigned char>(i + 1);
				EXPECT_EQ(lib::memmove(buf + a, buf + b, n), buf + a);
				::memmove(ref + a, ref + b, n);
				ASSERT_EQ(0, ::memcmp(buf, ref, sizeof(buf))) << a << " " << b << " " << n;
			}
}

TEST(String, Memset)
{
	for (size_t off = 0; off < 9; ++off)
		for (size_t n = 0; n <= 70; ++n)
			for (int c : {0, 0xab, 0x1ff /* truncated to 0xff */, -1}) {
				unsigned char buf[96], ref[96];
				::memset(buf, 0x11, sizeof(buf));
				::memset(ref, 0x11, sizeof(ref));
				EXPECT_EQ(lib::memset(buf + off, c, n), buf + off);
				::memset(ref + off, c, n);
				ASSERT_EQ(0, ::memcmp(buf, ref, sizeof(buf))) << off << " " << n << " " << c;
			}
}

TEST(String, Memcmp)
{
	const unsigned char a[] = {1, 2, 3, 0x80, 5};
	const unsigned char b[] = {1, 2, 3, 0x01, 5};
	EXPECT_EQ(lib::memcmp(a, b, 0), 0);
	EXPECT_EQ(lib::memcmp(a, b, 3), 0);
	EXPECT_GT(lib::memcmp(a, b, 4), 0); // compared as unsigned
	EXPECT_LT(lib::memcmp(b, a, 5), 0);
	EXPECT_EQ(lib::memcmp(a, a, 5), 0);
}

TEST(String, Lengths)
{
	EXPECT_EQ(lib::strlen(""), 0u);
	EXPECT_EQ(lib::strlen("hello"), 5u);
	EXPECT_EQ(lib::strnlen("hello", 3), 3u);
	EXPECT_EQ(lib::strnlen("hello", 10), 5u);
	EXPECT_EQ(lib::strnlen("hello", 0), 0u);
	char raw[4] = {'a', 'b', 'c', 'd'}; // unterminated: must stop at maxlen
	EXPECT_EQ(lib::strnlen(raw, sizeof(raw)), 4u);
}

TEST(String, CompareLikeLibc)
{
	const char* strs[] = {"", "a", "b", "ab", "abc", "abd", "abc\x80", "abc\x01", "zzz", "A"};
	for (const char* x : strs)
		for (const char* y : strs) {
			EXPECT_EQ(sign(lib::strcmp(x, y)), sign(::strcmp(x, y))) << x << " vs " << y;
			for (size_t n = 0; n < 6; ++n)
				EXPECT_EQ(sign(lib::strncmp(x, y, n)), sign(::strncmp(x, y, n)))
				    << x << " vs " << y << " n=" << n;
		}
}

TEST(String, Strchr)
{
	const char* s = "kernel.panic=1";
	EXPECT_EQ(lib::strchr(s, '.'), s + 6);
	EXPECT_EQ(lib::strchr(s, 'k'), s);
	EXPECT_EQ(lib::strchr(s, 'z'), nullptr);
	EXPECT_EQ(lib::strchr(s, '\0'), s + 14);
	EXPECT_EQ(lib::strrchr(s, 'e'), s + 4);
	EXPECT_EQ(lib::strrchr(s, 'z'), nullptr);
	EXPECT_EQ(lib::strrchr(s, '\0'), s + 14);
	char m[] = "a/b/c";
	char* last = lib::strrchr(m, '/');
	ASSERT_NE(last, nullptr);
	*last = '\0';
	EXPECT_STREQ(m, "a/b");
	EXPECT_EQ(lib::strchr(m, 0x100 + '/'), m + 1); // c converted to char
}

TEST(String, Strscpy)
{
	char buf[8];
	::memset(buf, 'X', sizeof(buf));
	EXPECT_EQ(lib::strscpy(buf, "abc", sizeof(buf)), 3);
	EXPECT_STREQ(buf, "abc");

	EXPECT_EQ(lib::strscpy(buf, "1234567", sizeof(buf)), 7); // exactly fits
	EXPECT_STREQ(buf, "1234567");

	EXPECT_EQ(lib::strscpy(buf, "12345678", sizeof(buf)), -E2BIG);
	EXPECT_EQ(-E2BIG, -7);
	EXPECT_STREQ(buf, "1234567");

	EXPECT_EQ(lib::strscpy(buf, "", sizeof(buf)), 0);
	EXPECT_STREQ(buf, "");

	buf[0] = 'Q';
	EXPECT_EQ(lib::strscpy(buf, "abc", 0), -E2BIG);
	EXPECT_EQ(buf[0], 'Q'); // size 0: untouched

	EXPECT_EQ(lib::strscpy(buf, "abc", 1), -E2BIG);
	EXPECT_EQ(buf[0], '\0');

	// Reads at most `size` bytes of the source (ASan checks this).
	char* src = new char[4]{'w', 'x', 'y', 'z'};
	EXPECT_EQ(lib::strscpy(buf, src, 4), -E2BIG);
	EXPECT_STREQ(buf, "wxy");
	delete[] src;
}

} // namespace
