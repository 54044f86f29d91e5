// Host tests for lib/format.cc: compared against the host libc's snprintf
// wherever the semantics are meant to coincide, plus the kernel extensions.
#include <lib/format.h>
#include <lib/siphash.h>

#include <gtest/gtest.h>

#include <climits>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <string>

namespace
{

// Same call through both implementations: identical text and return value,
// for a comfortable buffer and for every truncating buffer size.
#define EXPECT_LIKE_LIBC(...)                                                                                          \
	do {                                                                                                           \
		char ours[512], theirs[512];                                                                           \
		int r1 = lib::snprintf(ours, sizeof(ours), __VA_ARGS__);                                               \
		int r2 = ::snprintf(theirs, sizeof(theirs), __VA_ARGS__);                                              \
		EXPECT_EQ(r1, r2) << #__VA_ARGS__;                                                                     \
		EXPECT_STREQ(ours, theirs) << #__VA_ARGS__;                                                            \
		for (size_t sz = 0; sz <= static_cast<size_t>(r2) + 1 && sz < 64; ++sz) {                              \
			char a[64], b[64];                                                                             \
			memset(a, 'X', sizeof(a));                                                                     \
			memset(b, 'X', sizeof(b));                                                                     \
			int t1 = lib::snprintf(a, sz, __VA_ARGS__);                                                    \
			int t2 = ::snprintf(b, sz, __VA_ARGS__);                                                       \
			EXPECT_EQ(t1, t2) << #__VA_ARGS__ << " size " << sz;                                           \
			EXPECT_EQ(0, memcmp(a, b, sizeof(a))) << #__VA_ARGS__ << " size " << sz;                       \
		}                                                                                                      \
	} while (0)

// For combinations GCC's -Wformat calls redundant ("'0' flag ignored with
// '-' flag") but which are valid C and worth checking.
#define EXPECT_LIKE_LIBC_NOWARN(...)                                                                                   \
	do {                                                                                                           \
		_Pragma("GCC diagnostic push");                                                                        \
		_Pragma("GCC diagnostic ignored \"-Wformat\"");                                                        \
		EXPECT_LIKE_LIBC(__VA_ARGS__);                                                                         \
		_Pragma("GCC diagnostic pop");                                                                         \
	} while (0)

// No format attribute, so deliberately odd formats compile under -Werror.
std::string fmt_nocheck(const char* fmt, ...)
{
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	int n = lib::vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	EXPECT_EQ(static_cast<size_t>(n), strlen(buf));
	return buf;
}

std::string fmt(const char* f, ...) __attribute__((format(printf, 1, 2)));
std::string fmt(const char* f, ...)
{
	char buf[256];
	va_list ap;
	va_start(ap, f);
	lib::vsnprintf(buf, sizeof(buf), f, ap);
	va_end(ap);
	return buf;
}

TEST(Format, PlainText)
{
	EXPECT_LIKE_LIBC("hello, world");
	EXPECT_LIKE_LIBC("%%");
	EXPECT_LIKE_LIBC("a%%b%%%%c");
	EXPECT_LIKE_LIBC("%s", "");
}

TEST(Format, SignedDecimal)
{
	EXPECT_LIKE_LIBC("%d", 0);
	EXPECT_LIKE_LIBC("%d", 1);
	EXPECT_LIKE_LIBC("%d", -1);
	EXPECT_LIKE_LIBC("%i", 123456789);
	EXPECT_LIKE_LIBC("%d", INT_MAX);
	EXPECT_LIKE_LIBC("%d", INT_MIN);
	EXPECT_LIKE_LIBC("%ld", LONG_MIN);
	EXPECT_LIKE_LIBC("%ld", LONG_MAX);
	EXPECT_LIKE_LIBC("%lld", LLONG_MIN);
	EXPECT_LIKE_LIBC("%lld", LLONG_MAX);
	EXPECT_LIKE_LIBC("%hhd", static_cast<signed char>(-128));
	EXPECT_LIKE_LIBC("%hhd", 300); // converted to signed char: 44
	EXPECT_LIKE_LIBC("%hd", static_cast<short>(-32768));
	EXPECT_LIKE_LIBC("%hd", 70000);
	EXPECT_LIKE_LIBC("%zd", static_cast<ssize_t>(-5));
	EXPECT_LIKE_LIBC("%td", static_cast<ptrdiff_t>(-123456789012LL));
	EXPECT_LIKE_LIBC("%jd", static_cast<intmax_t>(INT64_MIN));
}

TEST(Format, Unsigned)
{
	EXPECT_LIKE_LIBC("%u", 0u);
	EXPECT_LIKE_LIBC("%u", UINT_MAX);
	EXPECT_LIKE_LIBC("%lu", ULONG_MAX);
	EXPECT_LIKE_LIBC("%llu", ULLONG_MAX);
	EXPECT_LIKE_LIBC("%hhu", 511u);
	EXPECT_LIKE_LIBC("%hu", 65537u);
	EXPECT_LIKE_LIBC("%zu", SIZE_MAX);
	EXPECT_LIKE_LIBC("%jx", UINTMAX_MAX);
	EXPECT_LIKE_LIBC("%x", 0xdeadbeefu);
	EXPECT_LIKE_LIBC("%X", 0xdeadbeefu);
	EXPECT_LIKE_LIBC("%llx", ULLONG_MAX);
	EXPECT_LIKE_LIBC("%llX", 0x0123456789abcdefULL);
	EXPECT_LIKE_LIBC("%o", 0u);
	EXPECT_LIKE_LIBC("%o", 8u);
	EXPECT_LIKE_LIBC("%llo", ULLONG_MAX);
	EXPECT_LIKE_LIBC("%hhx", 0x1ffu);
	EXPECT_LIKE_LIBC("%hx", 0x12345u);
}

TEST(Format, WidthAndFlags)
{
	EXPECT_LIKE_LIBC("[%5d]", 42);
	EXPECT_LIKE_LIBC("[%-5d]", 42);
	EXPECT_LIKE_LIBC("[%05d]", 42);
	EXPECT_LIKE_LIBC("[%05d]", -42);
	EXPECT_LIKE_LIBC_NOWARN("[%-05d]", -42);
	EXPECT_LIKE_LIBC("[%+d]", 42);
	EXPECT_LIKE_LIBC("[%+d]", -42);
	EXPECT_LIKE_LIBC("[%+d]", 0);
	EXPECT_LIKE_LIBC("[% d]", 42);
	EXPECT_LIKE_LIBC("[% d]", -42);
	EXPECT_LIKE_LIBC_NOWARN("[%+ d]", 42);
	EXPECT_LIKE_LIBC("[% 05d]", 42);
	EXPECT_LIKE_LIBC("[%+05d]", 42);
	EXPECT_LIKE_LIBC("[%2d]", 12345);
	EXPECT_LIKE_LIBC("[%#x]", 255u);
	EXPECT_LIKE_LIBC("[%#X]", 255u);
	EXPECT_LIKE_LIBC("[%#x]", 0u);
	EXPECT_LIKE_LIBC("[%#10x]", 255u);
	EXPECT_LIKE_LIBC("[%#010x]", 255u);
	EXPECT_LIKE_LIBC("[%-#10x]", 255u);
	EXPECT_LIKE_LIBC("[%#o]", 8u);
	EXPECT_LIKE_LIBC("[%#o]", 0u);
	EXPECT_LIKE_LIBC("[%#5o]", 8u);
	EXPECT_LIKE_LIBC("[%08x]", 0xabcu);
	EXPECT_LIKE_LIBC("[%-8x|]", 0xabcu);
	EXPECT_LIKE_LIBC("[%20llu]", ULLONG_MAX);
	EXPECT_LIKE_LIBC("[%025lld]", LLONG_MIN);
	EXPECT_LIKE_LIBC("[%016lx]", 0xffff888003a1b2c0UL);
}

TEST(Format, Precision)
{
	EXPECT_LIKE_LIBC("[%.0d]", 0);
	EXPECT_LIKE_LIBC("[%.0u]", 0u);
	EXPECT_LIKE_LIBC("[%.0x]", 0u);
	EXPECT_LIKE_LIBC("[%#.0x]", 0u);
	EXPECT_LIKE_LIBC("[%.0o]", 0u);
	EXPECT_LIKE_LIBC("[%#.0o]", 0u);
	EXPECT_LIKE_LIBC("[%5.0d]", 0);
	EXPECT_LIKE_LIBC("[%+.0d]", 0);
	EXPECT_LIKE_LIBC("[%.d]", 0);
	EXPECT_LIKE_LIBC("[%.0d]", 7);
	EXPECT_LIKE_LIBC("[%.5d]", 42);
	EXPECT_LIKE_LIBC("[%.5d]", -42);
	EXPECT_LIKE_LIBC("[%8.5d]", -42);
	EXPECT_LIKE_LIBC("[%-8.5d]", -42);
	EXPECT_LIKE_LIBC_NOWARN("[%08.5d]", -42); // precision disables '0'
	EXPECT_LIKE_LIBC("[%+.3d]", 7);
	EXPECT_LIKE_LIBC("[%#.5x]", 0x1fu);
	EXPECT_LIKE_LIBC("[%#10.5x]", 0x1fu);
	EXPECT_LIKE_LIBC("[%#.3o]", 8u);
	EXPECT_LIKE_LIBC("[%#.2o]", 8u);
	EXPECT_LIKE_LIBC("[%.20lld]", LLONG_MIN);
	EXPECT_LIKE_LIBC("[%.3s]", "abcdef");
	EXPECT_LIKE_LIBC("[%.0s]", "abcdef");
	EXPECT_LIKE_LIBC("[%.10s]", "abc");
	EXPECT_LIKE_LIBC("[%8.3s]", "abcdef");
	EXPECT_LIKE_LIBC("[%-8.3s]", "abcdef");
}

TEST(Format, StarWidthPrecision)
{
	EXPECT_LIKE_LIBC("[%*d]", 6, 42);
	EXPECT_LIKE_LIBC("[%*d]", -6, 42); // negative width: left-justify
	EXPECT_LIKE_LIBC("[%-*d]", 6, 42);
	EXPECT_LIKE_LIBC("[%.*d]", 4, 42);
	EXPECT_LIKE_LIBC("[%.*d]", -1, 42); // negative precision: ignored
	EXPECT_LIKE_LIBC_NOWARN("[%0*.*d]", 8, -1, 42);
	EXPECT_LIKE_LIBC("[%*.*s]", 10, 2, "hello");
	EXPECT_LIKE_LIBC("[%*.*s]", -10, 4, "hello");
	EXPECT_LIKE_LIBC("[%.*s]", 3, "abcdef");
	EXPECT_LIKE_LIBC("[%*c]", 4, 'z');
}

TEST(Format, CharsAndStrings)
{
	EXPECT_LIKE_LIBC("%c", 'a');
	EXPECT_LIKE_LIBC("[%3c]", 'a');
	EXPECT_LIKE_LIBC("[%-3c]", 'a');
	EXPECT_LIKE_LIBC("%c%c%c", 'x', 'y', 'z');
	EXPECT_LIKE_LIBC("%s", "hello");
	EXPECT_LIKE_LIBC("[%10s]", "hello");
	EXPECT_LIKE_LIBC("[%-10s]", "hello");
	EXPECT_LIKE_LIBC("%s=%d (%s)", "pid", 1, "init");
}

TEST(Format, NullString)
{
	const char* null = nullptr;
	EXPECT_EQ(fmt_nocheck("%s", null), "(null)");
	EXPECT_EQ(fmt_nocheck("[%8s]", null), "[  (null)]");
	EXPECT_EQ(fmt_nocheck("[%.3s]", null), "[(nu]");
}

TEST(Format, PrecisionDoesNotReadPastBuffer)
{
	// Not NUL-terminated: ASan flags any read beyond the 3 bytes.
	char* raw = new char[3]{'a', 'b', 'c'};
	EXPECT_EQ(fmt("%.3s|", raw), "abc|");
	EXPECT_EQ(fmt("%.*s|", 2, raw), "ab|");
	delete[] raw;
}

// Pointers print as Linux's, not as glibc's: see format.h.
TEST(Format, RawPointers)
{
	// %px: the address, 16 lowercase hex digits, zero-padded
	EXPECT_EQ(fmt("%px|", reinterpret_cast<void*>(0xffff888003a5c000UL)), "ffff888003a5c000|");
	EXPECT_EQ(fmt("%px", reinterpret_cast<void*>(0xdeadUL)), "000000000000dead");
	EXPECT_EQ(fmt("%px", static_cast<void*>(nullptr)), "0000000000000000");
	// a width replaces the zero padding, as %lx's
	EXPECT_EQ(fmt("[%20px]", reinterpret_cast<void*>(0xabcUL)), "[                 abc]");
	EXPECT_EQ(fmt("[%-6px]", reinterpret_cast<void*>(0xabcUL)), "[abc   ]");
	EXPECT_EQ(fmt_nocheck("[%020px]", reinterpret_cast<void*>(0xabcUL)), "[00000000000000000abc]");
	EXPECT_EQ(fmt("0x%px", reinterpret_cast<void*>(0x1000UL)), "0x0000000000001000");
}

TEST(Format, HashedPointers)
{
	const lib::siphash_key_t key{{0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL}};
	void* p = reinterpret_cast<void*>(0x0706050403020100UL);
	void* q = reinterpret_cast<void*>(0xffff888003a5c000UL);
	lib::ptr_key_reset_for_test();
	// before the key is drawn: Linux's placeholder, 16 wide whatever the width
	EXPECT_EQ(fmt("%p|", q), "(____ptrval____)|");
	EXPECT_EQ(fmt("[%-20p]", q), "[(____ptrval____)]");
	// NULL and error pointers are not addresses: printed as they are
	EXPECT_EQ(fmt("%p", static_cast<void*>(nullptr)), "0000000000000000");
	EXPECT_EQ(fmt("%p", reinterpret_cast<void*>(-14L)), "fffffffffffffff2");

	lib::ptr_key_init(key);
	// the low 32 bits of SipHash-2-4(key, p): with the reference key and
	// message 00..07 that is 0x93f5f5799a932462 (the published test vector)
	EXPECT_EQ(fmt("%p", p), "000000009a932462");
	std::string hq = fmt("%p", q);
	EXPECT_EQ(hq.size(), 16u);
	EXPECT_EQ(hq.substr(0, 8), "00000000");
	EXPECT_NE(hq, "ffff888003a5c000");
	EXPECT_EQ(fmt("%p", q), hq); // stable within a boot
	EXPECT_NE(fmt("%p", reinterpret_cast<void*>(0xffff888003a5c008UL)), hq);
	// a later key does not change it: drawn once per boot
	lib::ptr_key_init(lib::siphash_key_t{{1, 2}});
	EXPECT_EQ(fmt("%p", q), hq);
	EXPECT_EQ(fmt("%p", static_cast<void*>(nullptr)), "0000000000000000");
	EXPECT_EQ(fmt("[%18p]", p), "[          9a932462]");
	// %px is never hashed
	EXPECT_EQ(fmt("%px", q), "ffff888003a5c000");

	lib::no_hash_pointers = true;
	EXPECT_EQ(fmt("%p", q), "ffff888003a5c000");
	lib::no_hash_pointers = false;
	lib::ptr_key_reset_for_test();
}

TEST(Format, PointerExtensionLettersAreConsumed)
{
	// Linux skips every letter and digit after %p: they name an extension
	lib::no_hash_pointers = true;
	EXPECT_EQ(fmt_nocheck("%pfoo42|%d", reinterpret_cast<void*>(0x10UL), 7), "0000000000000010|7");
	EXPECT_EQ(fmt_nocheck("%pxyz.", reinterpret_cast<void*>(0x10UL)), "0000000000000010.");
	lib::no_hash_pointers = false;
}

int fake_symbol(char* buf, size_t size, uintptr_t addr, bool with_offset)
{
	if (addr >= 0x1000 && addr < 0x1080) {
		return with_offset
		           ? ::snprintf(buf, size, "do_fork+0x%lx/0x80", static_cast<unsigned long>(addr - 0x1000))
		           : ::snprintf(buf, size, "do_fork");
	}
	if (addr == 0x2000) // longer than the formatter's scratch buffer
		return ::snprintf(buf, size, "%0300d", 7);
	return -1;
}

class FormatSymbol : public ::testing::Test
{
protected:
	void SetUp() override { lib::format_symbol_hook = fake_symbol; }
	void TearDown() override { lib::format_symbol_hook = nullptr; }
};

TEST_F(FormatSymbol, SymbolWithOffset)
{
	void* p = reinterpret_cast<void*>(0x101c);
	EXPECT_EQ(fmt("[%pS]", p), "[do_fork+0x1c/0x80]");
	EXPECT_EQ(fmt("[%ps]", p), "[do_fork]");
	EXPECT_EQ(fmt("%pS%d", p, 5), "do_fork+0x1c/0x805");
	EXPECT_EQ(fmt("[%10ps]", p), "[   do_fork]");
	EXPECT_EQ(fmt("[%-10ps]", p), "[do_fork   ]");
	EXPECT_EQ(fmt_nocheck("[%.2ps]", p), "[do]");
}

TEST_F(FormatSymbol, UnknownAddressFallsBackToHex)
{
	EXPECT_EQ(fmt("%pS", reinterpret_cast<void*>(0xffffffff81000000UL)), "0xffffffff81000000");
	EXPECT_EQ(fmt("%ps", static_cast<void*>(nullptr)), "0x0");
}

TEST_F(FormatSymbol, OverlongHookOutputIsClamped)
{
	std::string s = fmt("%ps", reinterpret_cast<void*>(0x2000));
	EXPECT_GT(s.size(), 100u);
	EXPECT_LT(s.size(), 300u);
	EXPECT_EQ(s.back(), '0');
}

TEST(Format, SymbolWithoutHook)
{
	lib::format_symbol_hook = nullptr;
	EXPECT_EQ(fmt("%pS", reinterpret_cast<void*>(0x101c)), "0x101c");
	EXPECT_EQ(fmt("<%ps>", reinterpret_cast<void*>(0xabc)), "<0xabc>");
}

TEST(Format, TruncationAndReturnValue)
{
	char buf[8];
	memset(buf, 'X', sizeof(buf));
	EXPECT_EQ(lib::snprintf(buf, sizeof(buf), "%s", "0123456789"), 10);
	EXPECT_STREQ(buf, "0123456");

	memset(buf, 'X', sizeof(buf));
	EXPECT_EQ(lib::snprintf(buf, 1, "abc"), 3);
	EXPECT_EQ(buf[0], '\0');
	EXPECT_EQ(buf[1], 'X');

	// size 0: nothing written, not even a NUL; a null buffer is allowed.
	memset(buf, 'X', sizeof(buf));
	EXPECT_EQ(lib::snprintf(buf, 0, "abc%d", 12345), 8);
	EXPECT_EQ(buf[0], 'X');
	EXPECT_EQ(lib::snprintf(nullptr, 0, "%d", -100), 4);

	EXPECT_EQ(lib::snprintf(buf, sizeof(buf), "%d", 1234567), 7);
	EXPECT_STREQ(buf, "1234567");
	EXPECT_EQ(lib::snprintf(buf, sizeof(buf), "%d", 12345678), 8);
	EXPECT_STREQ(buf, "1234567");
}

TEST(Format, Scnprintf)
{
	char buf[8];
	EXPECT_EQ(lib::scnprintf(buf, sizeof(buf), "%s", "0123456789"), 7);
	EXPECT_STREQ(buf, "0123456");
	EXPECT_EQ(lib::scnprintf(buf, sizeof(buf), "ab"), 2);
	EXPECT_EQ(lib::scnprintf(buf, 0, "ab"), 0);
	// Appending pattern: never runs past the end.
	char line[16];
	int pos = 0;
	for (int i = 0; i < 10; ++i)
		pos += lib::scnprintf(line + pos, sizeof(line) - pos, "%d,", i);
	EXPECT_EQ(pos, 15);
	EXPECT_STREQ(line, "0,1,2,3,4,5,6,7"); // 15 chars + NUL fill 16
}

void collect(char c, void* ctx)
{
	static_cast<std::string*>(ctx)->push_back(c);
}

std::string via_callback(const char* f, ...)
{
	std::string out;
	va_list ap;
	va_start(ap, f);
	int n = lib::vcbprintf(collect, &out, f, ap);
	va_end(ap);
	EXPECT_EQ(static_cast<size_t>(n), out.size());
	return out;
}

TEST(Format, Callback)
{
	EXPECT_EQ(via_callback("pid %d: %s%c", 42, "init", '!'), "pid 42: init!");
	std::string big = via_callback("%600d", 1);
	EXPECT_EQ(big.size(), 600u);
	EXPECT_EQ(big.back(), '1');
}

TEST(Format, PercentNIsRefused)
{
	int n = 12345;
	// %n consumes its argument (later ones stay aligned) but stores nothing.
	EXPECT_EQ(fmt_nocheck("a%nb%d", &n, 7), "ab7");
	EXPECT_EQ(n, 12345);
}

TEST(Format, UnsupportedConversionsAreLiteral)
{
	// No FP in the kernel: copied verbatim and no argument consumed.
	EXPECT_EQ(fmt_nocheck("x%fy%d", 3), "x%fy3");
	EXPECT_EQ(fmt_nocheck("%5.2e|%s", "s"), "%5.2e|s");
	EXPECT_EQ(fmt_nocheck("%y%d", 1), "%y1");
	EXPECT_EQ(fmt_nocheck("abc%"), "abc%");
	EXPECT_EQ(fmt_nocheck("abc%-5"), "abc%-5");
}

TEST(Format, ManyArguments)
{
	// Crosses from register-passed to stack-passed varargs.
	EXPECT_LIKE_LIBC("%d %ld %lld %u %s %x %c %hhd %hu %zu %lx %d %d %d", 1, 2L, 3LL, 4u, "five", 6u, '7', 8, 9,
	                 static_cast<size_t>(10), 11UL, 12, 13, 14);
	EXPECT_EQ(fmt("%d %px %d", 1, reinterpret_cast<void*>(11), 12), "1 000000000000000b 12");
}

TEST(Format, ExhaustiveFlagCombinations)
{
	// Every flag subset x a few widths/precisions x edge values, against libc.
	const char* flag_sets[] = {"", "-", "0", "+", " ", "#", "-+", "0+", "0 ", "-#", "0#", "+ ", "-0+ #"};
	const int widths[] = {-1, 0, 1, 5, 12, 25};
	const int precs[] = {-2, -1, 0, 1, 3, 22};
	const long long svals[] = {0, 1, -1, 7, -42, 1000000, LLONG_MIN, LLONG_MAX, INT_MIN};
	const unsigned long long uvals[] = {0, 1, 8, 0xff, 0xdeadbeef, ULLONG_MAX};
	const char convs[] = {'d', 'i', 'u', 'x', 'X', 'o'};
	int checked = 0;
	for (const char* flags : flag_sets) {
		for (int w : widths) {
			for (int p : precs) {
				for (char conv : convs) {
					std::string spec = "%";
					spec += flags;
					if (w >= 0)
						spec += std::to_string(w);
					if (p == -2)
						spec += ".*";
					else if (p >= 0)
						spec += "." + std::to_string(p);
					spec += "ll";
					spec += conv;
					bool is_signed = conv == 'd' || conv == 'i';
					size_t n = is_signed ? std::size(svals) : std::size(uvals);
					for (size_t i = 0; i < n; ++i) {
						char a[128], b[128];
						int ra, rb;
						// Host snprintf checked at run time only: the format
						// is built dynamically on purpose.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#pragma GCC diagnostic ignored "-Wformat-security"
						if (p == -2) {
							if (is_signed) {
								ra = lib::snprintf(a, sizeof(a), spec.c_str(), 4,
								                   svals[i]);
								rb =
								    ::snprintf(b, sizeof(b), spec.c_str(), 4, svals[i]);
							} else {
								ra = lib::snprintf(a, sizeof(a), spec.c_str(), 4,
								                   uvals[i]);
								rb =
								    ::snprintf(b, sizeof(b), spec.c_str(), 4, uvals[i]);
							}
						} else if (is_signed) {
							ra = lib::snprintf(a, sizeof(a), spec.c_str(), svals[i]);
							rb = ::snprintf(b, sizeof(b), spec.c_str(), svals[i]);
						} else {
							ra = lib::snprintf(a, sizeof(a), spec.c_str(), uvals[i]);
							rb = ::snprintf(b, sizeof(b), spec.c_str(), uvals[i]);
						}
#pragma GCC diagnostic pop
						ASSERT_EQ(ra, rb) << spec;
						ASSERT_STREQ(a, b) << spec << " value#" << i;
						++checked;
					}
				}
			}
		}
	}
	EXPECT_GT(checked, 3000);
}

} // namespace

// Linux's FIELD_WIDTH_MAX / PRECISION_MAX: absurd widths are capped, not
// padded for seconds (and never overflow)
TEST(Format, AbsurdWidthAndPrecisionAreCapped)
{
	char buf[16];
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-overflow" // the point of the test
#pragma GCC diagnostic ignored "-Wformat-truncation"
	EXPECT_EQ(lib::snprintf(buf, sizeof(buf), "%99999999999d", 1), (1 << 23) - 1);
	EXPECT_EQ(lib::snprintf(buf, sizeof(buf), "%*d", 1 << 30, 1), (1 << 23) - 1);
	EXPECT_EQ(lib::snprintf(buf, sizeof(buf), "%.99999999999d", 1), (1 << 15) - 1);
#pragma GCC diagnostic pop
	EXPECT_STREQ(buf, "000000000000000");
}
