// Host tests for lib/glob.cc.
#include <lib/glob.h>

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace
{

struct glob_case {
	const char* pattern;
	const char* text;
	bool match;
};

const glob_case cases[] = {
    {"", "", true},
    {"", "a", false},
    {"a", "", false},
    {"abc", "abc", true},
    {"abc", "abd", false},
    {"abc", "abcd", false},
    {"*", "", true},
    {"*", "anything", true},
    {"**", "x", true},
    {"a*", "a", true},
    {"a*", "abc", true},
    {"a*", "ba", false},
    {"*c", "abc", true},
    {"*c", "abcd", false},
    {"a*c", "ac", true},
    {"a*c", "abbbc", true},
    {"a*c", "abcb", false},
    {"a*b*c", "aXbYc", true},
    {"a*b*c", "aXcYb", false},
    {"list_*", "list_add", true},
    {"list_*", "lis_add", false},
    {"*_test", "format_test", true},
    {"*mm*", "test_mm_alloc", true},
    {"?", "a", true},
    {"?", "", false},
    {"?", "ab", false},
    {"a?c", "abc", true},
    {"a?c", "ac", false},
    {"??*", "a", false},
    {"??*", "ab", true},
    {"[abc]", "b", true},
    {"[abc]", "d", false},
    {"[a-z]", "m", true},
    {"[a-z]", "M", false},
    {"[a-cx-z]", "y", true},
    {"[a-cx-z]", "d", false},
    {"[!x]", "y", true},
    {"[!x]", "x", false},
    {"[!a-z]", "5", true},
    {"[!a-z]", "q", false},
    {"[]]", "]", true},
    {"[]a]", "a", true},
    {"[!]]", "]", false},
    {"[!]]", "a", true},
    {"[a-]", "-", true},
    {"[-a]", "-", true},
    {"[ab", "[ab", true}, // unterminated class: '[' is literal
    {"[ab", "a", false},
    {"sd[a-d][0-9]*", "sdb1", true},
    {"sd[a-d][0-9]*", "sde1", false},
    {"\\*", "*", true},
    {"\\*", "a", false},
    {"a\\?b", "a?b", true},
    {"a\\?b", "axb", false},
    {"*.c", "lib/glob.c", true},
    {"*.[ch]", "list.h", true},
    {"*.[ch]", "list.o", false},
    {"*a*a*a*", "aaa", true},
    {"*a*a*a*", "aa", false},
};

TEST(Glob, Table)
{
	for (const auto& c : cases)
		EXPECT_EQ(lib::glob_match(c.pattern, c.text), c.match)
		    << "pattern '" << c.pattern << "' text '" << c.text << "'";
}

TEST(Glob, ViewsNeedNoTerminator)
{
	std::string_view text("abcdef", 3); // "abc"
	EXPECT_TRUE(lib::glob_match("abc", text));
	EXPECT_FALSE(lib::glob_match("abcd*", text));
	std::string_view pat("a*zzz", 2); // "a*"
	EXPECT_TRUE(lib::glob_match(pat, "abcdef"));
}

TEST(Glob, NoExponentialBlowup)
{
	// Backtracking matchers take exponential time here; ours is quadratic.
	std::string text(5000, 'a');
	std::string pat;
	for (int i = 0; i < 30; ++i)
		pat += "*a";
	pat += "b";
	auto start = std::chrono::steady_clock::now();
	EXPECT_FALSE(lib::glob_match(pat, text));
	EXPECT_TRUE(lib::glob_match(pat.substr(0, pat.size() - 1), text));
	auto ms =
	    std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
	EXPECT_LT(ms, 2000);
}

} // namespace
