// Host tests for lib/cmdline.cc.
#include <lib/cmdline.h>

#include <gtest/gtest.h>

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
	unsigned long long v = 99;
	EXPECT_TRUE(lib::parse_uint("0", v));
	EXPECT_EQ(v, 0u);
	EXPECT_TRUE(lib::parse_uint("12345", v));
	EXPECT_EQ(v, 12345u);
	EXPECT_TRUE(lib::parse_uint("0x1F", v));
	EXPECT_EQ(v, 0x1fu);
	EXPECT_TRUE(lib::parse_uint("0XfF", v));
	EXPECT_EQ(v, 0xffu);
	EXPECT_TRUE(lib::parse_uint("0755", v));
	EXPECT_EQ(v, 0755u);
	EXPECT_TRUE(lib::parse_uint("+7", v));
	EXPECT_EQ(v, 7u);
	EXPECT_TRUE(lib::parse_uint("42\n", v));
	EXPECT_EQ(v, 42u);
	EXPECT_TRUE(lib::parse_uint("18446744073709551615", v));
	EXPECT_EQ(v, 18446744073709551615ULL);
	EXPECT_TRUE(lib::parse_uint("0xffffffffffffffff", v));
	EXPECT_EQ(v, ~0ULL);
	EXPECT_TRUE(lib::parse_uint("01777777777777777777777", v));
	EXPECT_EQ(v, ~0ULL);

	v = 99;
	for (const char* bad :
	     {"", "+", "-1", "abc", "12a", "0x", "0xg", "09", "0x1 ", " 1", "1\n\n", "18446744073709551616",
	      "0x10000000000000000", "02000000000000000000000", "99999999999999999999999"}) {
		EXPECT_FALSE(lib::parse_uint(bad, v)) << "'" << bad << "'";
		EXPECT_EQ(v, 99u) << "output modified on failure for '" << bad << "'";
	}
}

TEST(ParseInt, Signed)
{
	long long v = 5;
	EXPECT_TRUE(lib::parse_int("-42", v));
	EXPECT_EQ(v, -42);
	EXPECT_TRUE(lib::parse_int("+42", v));
	EXPECT_EQ(v, 42);
	EXPECT_TRUE(lib::parse_int("-0x10", v));
	EXPECT_EQ(v, -16);
	EXPECT_TRUE(lib::parse_int("9223372036854775807", v));
	EXPECT_EQ(v, LLONG_MAX);
	EXPECT_TRUE(lib::parse_int("-9223372036854775808", v));
	EXPECT_EQ(v, LLONG_MIN);
	EXPECT_TRUE(lib::parse_int("-0", v));
	EXPECT_EQ(v, 0);

	v = 5;
	for (const char* bad : {"", "-", "--1", "+-1", "-+1", "9223372036854775808", "-9223372036854775809",
	                        "18446744073709551615", "1-", "x"}) {
		EXPECT_FALSE(lib::parse_int(bad, v)) << "'" << bad << "'";
		EXPECT_EQ(v, 5);
	}
}

TEST(ParseSize, Suffixes)
{
	unsigned long long v = 0;
	EXPECT_TRUE(lib::parse_size("4096", v));
	EXPECT_EQ(v, 4096u);
	EXPECT_TRUE(lib::parse_size("4k", v));
	EXPECT_EQ(v, 4096u);
	EXPECT_TRUE(lib::parse_size("512M", v));
	EXPECT_EQ(v, 512ULL << 20);
	EXPECT_TRUE(lib::parse_size("2G", v));
	EXPECT_EQ(v, 2ULL << 30);
	EXPECT_TRUE(lib::parse_size("1T", v));
	EXPECT_EQ(v, 1ULL << 40);
	EXPECT_TRUE(lib::parse_size("3p", v));
	EXPECT_EQ(v, 3ULL << 50);
	EXPECT_TRUE(lib::parse_size("15E", v));
	EXPECT_EQ(v, 15ULL << 60);
	EXPECT_TRUE(lib::parse_size("0x100000", v));
	EXPECT_EQ(v, 0x100000u);
	EXPECT_TRUE(lib::parse_size("0x10M", v));
	EXPECT_EQ(v, 16ULL << 20);
	EXPECT_TRUE(lib::parse_size("0", v));
	EXPECT_EQ(v, 0u);

	v = 7;
	for (const char* bad : {"", "M", "12Q", "12MB", "1 M", "16E", "17179869184G", "99999999999999999999"}) {
		EXPECT_FALSE(lib::parse_size(bad, v)) << "'" << bad << "'";
		EXPECT_EQ(v, 7u);
	}
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
		bool v = !c.value; // sentinel opposite of expectation
		bool before = v;
		EXPECT_EQ(lib::parse_bool(c.s, v), c.ok) << "'" << c.s << "'";
		if (c.ok)
			EXPECT_EQ(v, c.value) << "'" << c.s << "'";
		else
			EXPECT_EQ(v, before) << "'" << c.s << "'";
	}
}

} // namespace
