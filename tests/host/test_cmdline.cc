// Host tests for lib/cmdline.cc.
#include <lib/cmdline.h>

#include <gtest/gtest.h>
#include <uapi/asm-generic/errno-base.h>

#include <string>
#include <vector>

namespace
{

struct param {
	std::string key;
	std::string value;
	bool has_value;
	bool operator==(const param&) const = default;
};

std::ostream& operator<<(std::ostream& os, const param& p)
{
	return os << "{" << p.key << (p.has_value ? "=" + p.value : "") << "}";
}

std::vector<param> parse_all(std::string_view line, lib::cmdline_iter* iter_out = nullptr)
{
	lib::cmdline_iter it(line);
	std::vector<param> out;
	lib::cmdline_param p;
	while (it.next(p)) {
		out.push_back({std::string(p.key), std::string(p.value), p.has_value});
		if (out.size() > 1000) {
			ADD_FAILURE() << "tokenizer does not terminate";
			break;
		}
	}
	if (iter_out)
		*iter_out = it;
	return out;
}

TEST(Cmdline, Basic)
{
	auto v = parse_all("console=ttyS0,115200 quiet  loglevel=7\tinit=/sbin/init");
	std::vector<param> want = {{"console", "ttyS0,115200", true},
	                           {"quiet", "", false},
	                           {"loglevel", "7", true},
	                           {"init", "/sbin/init", true}};
	EXPECT_EQ(v, want);
}

TEST(Cmdline, EmptyAndWhitespaceOnly)
{
	EXPECT_TRUE(parse_all("").empty());
	EXPECT_TRUE(parse_all("   \t\n ").empty());
}

TEST(Cmdline, EmptyValueVsNoValue)
{
	auto v = parse_all("foo= bar");
	ASSERT_EQ(v.size(), 2u);
	EXPECT_EQ(v[0], (param{"foo", "", true}));
	EXPECT_EQ(v[1], (param{"bar", "", false}));
}

TEST(Cmdline, ValueContainingEquals)
{
	auto v = parse_all("dyndbg=file=foo.c ktest=list_*");
	ASSERT_EQ(v.size(), 2u);
	EXPECT_EQ(v[0], (param{"dyndbg", "file=foo.c", true}));
	EXPECT_EQ(v[1], (param{"ktest", "list_*", true}));
}

TEST(Cmdline, QuotedValue)
{
	auto v = parse_all("foo=\"a b c\" next=1");
	ASSERT_EQ(v.size(), 2u);
	EXPECT_EQ(v[0], (param{"foo", "a b c", true}));
	EXPECT_EQ(v[1], (param{"next", "1", true}));
}

TEST(Cmdline, WhollyQuotedParam)
{
	auto v = parse_all("\"foo=a b\" x \"flag\"");
	ASSERT_EQ(v.size(), 3u);
	EXPECT_EQ(v[0], (param{"foo", "a b", true}));
	EXPECT_EQ(v[1], (param{"x", "", false}));
	EXPECT_EQ(v[2], (param{"flag", "", false}));
}

TEST(Cmdline, UnterminatedQuoteTakesRestOfLine)
{
	auto v = parse_all("a=1 foo=\"a b  c");
	ASSERT_EQ(v.size(), 2u);
	EXPECT_EQ(v[0], (param{"a", "1", true}));
	EXPECT_EQ(v[1], (param{"foo", "a b  c", true}));

	auto w = parse_all("\"foo=x y");
	ASSERT_EQ(w.size(), 1u);
	EXPECT_EQ(w[0], (param{"foo", "x y", true}));

	auto lone = parse_all("a \" b");
	ASSERT_EQ(lone.size(), 2u);
	EXPECT_EQ(lone[0], (param{"a", "", false}));
	EXPECT_EQ(lone[1].key, " b");

	auto only = parse_all("\"");
	ASSERT_EQ(only.size(), 1u);
	EXPECT_EQ(only[0], (param{"", "", false}));
}

TEST(Cmdline, DashDashStopsParsing)
{
	lib::cmdline_iter it("");
	auto v = parse_all("quiet root=/dev/sda1 --   single -x foo=bar", &it);
	ASSERT_EQ(v.size(), 2u);
	EXPECT_EQ(v[1], (param{"root", "/dev/sda1", true}));
	EXPECT_TRUE(it.saw_dashdash());
	EXPECT_EQ(it.rest_after_dashdash(), "single -x foo=bar");
	lib::cmdline_param p;
	EXPECT_FALSE(it.next(p)); // stays stopped
}

TEST(Cmdline, DashDashAtEnd)
{
	lib::cmdline_iter it("");
	auto v = parse_all("a --", &it);
	EXPECT_EQ(v.size(), 1u);
	EXPECT_TRUE(it.saw_dashdash());
	EXPECT_EQ(it.rest_after_dashdash(), "");
}

TEST(Cmdline, OnlyBareDashDashSeparates)
{
	lib::cmdline_iter it("");
	auto v = parse_all("a --b -- =c", &it); // "--b" is an ordinary param
	ASSERT_EQ(v.size(), 2u);
	EXPECT_EQ(v[1], (param{"--b", "", false}));
	EXPECT_TRUE(it.saw_dashdash());
	EXPECT_EQ(it.rest_after_dashdash(), "=c");

	lib::cmdline_iter it2("");
	auto w = parse_all("x --=1 y", &it2);
	EXPECT_EQ(w.size(), 3u); // "--=1" has a value: not the separator
	EXPECT_FALSE(it2.saw_dashdash());
	EXPECT_EQ(it2.rest_after_dashdash(), "");
}

TEST(Cmdline, ViewsPointIntoInput)
{
	std::string line = "abc=def";
	lib::cmdline_iter it(line);
	lib::cmdline_param p;
	ASSERT_TRUE(it.next(p));
	EXPECT_EQ(p.key.data(), line.data());
	EXPECT_EQ(p.value.data(), line.data() + 4);
}

TEST(ParseInt, Unsigned)
{
	EXPECT_EQ(lib::parse_uint("0"), 0u);
	EXPECT_EQ(lib::parse_uint("12345"), 12345u);
	EXPECT_EQ(lib::parse_uint("0x1F"), 0x1fu);
	EXPECT_EQ(lib::parse_uint("0XfF"), 0xffu);
	EXPECT_EQ(lib::parse_uint("0755"), 0755u);
	EXPECT_EQ(lib::parse_uint("+7"), 7u);
	EXPECT_EQ(lib::parse_uint("42\n"), 42u);
	EXPECT_EQ(lib::parse_uint("18446744073709551615"), 18446744073709551615ULL);
	EXPECT_EQ(lib::parse_uint("0xffffffffffffffff"), ~0ULL);
	EXPECT_EQ(lib::parse_uint("01777777777777777777777"), ~0ULL);

	for (const char* bad : {"", "+", "-1", "abc", "12a", "0x", "0xg", "09", "0x1 ", " 1", "1\n\n"})
		EXPECT_EQ(lib::parse_uint(bad), lib::Error{EINVAL}) << "'" << bad << "'";
	for (const char* big :
	     {"18446744073709551616", "0x10000000000000000", "02000000000000000000000", "99999999999999999999999"})
		EXPECT_EQ(lib::parse_uint(big), lib::Error{ERANGE}) << "'" << big << "'";
}

TEST(ParseInt, Signed)
{
	EXPECT_EQ(lib::parse_int("-42"), -42);
	EXPECT_EQ(lib::parse_int("+42"), 42);
	EXPECT_EQ(lib::parse_int("-0x10"), -16);
	EXPECT_EQ(lib::parse_int("9223372036854775807"), LLONG_MAX);
	EXPECT_EQ(lib::parse_int("-9223372036854775808"), LLONG_MIN);
	EXPECT_EQ(lib::parse_int("-0"), 0);

	for (const char* bad : {"", "-", "--1", "+-1", "-+1", "1-", "x"})
		EXPECT_EQ(lib::parse_int(bad), lib::Error{EINVAL}) << "'" << bad << "'";
	for (const char* big : {"9223372036854775808", "-9223372036854775809", "18446744073709551615"})
		EXPECT_EQ(lib::parse_int(big), lib::Error{ERANGE}) << "'" << big << "'";
}

TEST(ParseSize, Suffixes)
{
	EXPECT_EQ(lib::parse_size("4096"), 4096u);
	EXPECT_EQ(lib::parse_size("4k"), 4096u);
	EXPECT_EQ(lib::parse_size("512M"), 512ULL << 20);
	EXPECT_EQ(lib::parse_size("2G"), 2ULL << 30);
	EXPECT_EQ(lib::parse_size("1T"), 1ULL << 40);
	EXPECT_EQ(lib::parse_size("3p"), 3ULL << 50);
	EXPECT_EQ(lib::parse_size("15E"), 15ULL << 60);
	EXPECT_EQ(lib::parse_size("0x100000"), 0x100000u);
	EXPECT_EQ(lib::parse_size("0x10M"), 16ULL << 20);
	EXPECT_EQ(lib::parse_size("0"), 0u);

	for (const char* bad : {"", "M", "12Q", "12MB", "1 M"})
		EXPECT_EQ(lib::parse_size(bad), lib::Error{EINVAL}) << "'" << bad << "'";
	for (const char* big : {"16E", "17179869184G", "99999999999999999999"})
		EXPECT_EQ(lib::parse_size(big), lib::Error{ERANGE}) << "'" << big << "'";
}

TEST(ParseBool, LikeKstrtobool)
{
	struct {
		const char* s;
		bool ok;
		bool value;
	} cases[] = {
	    {"1", true, true},      {"0", true, false},   {"y", true, true},    {"Y", true, true},
	    {"n", true, false},     {"N", true, false},   {"on", true, true},   {"ON", true, true},
	    {"oN", true, true},     {"off", true, false}, {"OFF", true, false}, {"yes", true, true},
	    {"no", true, false},    {"", false, false},   {"o", false, false},  {"ox", false, false},
	    {"true", false, false}, {"2", false, false},  {"x", false, false},
	};
	for (const auto& c : cases) {
		lib::Result<bool> r = lib::parse_bool(c.s);
		if (c.ok)
			EXPECT_EQ(r, c.value) << "'" << c.s << "'";
		else
			EXPECT_EQ(r, lib::Error{EINVAL}) << "'" << c.s << "'";
	}
}

} // namespace
