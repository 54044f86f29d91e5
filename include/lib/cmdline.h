/*
 * cmdline.h - kernel command-line tokenizer and value parsers.
 *
 * Linux counterpart: lib/cmdline.c (next_arg, memparse), kernel/params.c
 * (parse_args' "--" handling), lib/kstrtox.c (kstrtoull base 0, kstrtobool).
 *
 * cmdline_iter walks a command line without modifying or copying it: every
 * key/value is a std::string_view into the original text, so the backing
 * storage (e.g. the multiboot/limine cmdline page) must outlive the views.
 *
 * Tokenizing rules (as Linux's next_arg):
 *   - parameters are separated by whitespace outside double quotes;
 *   - key=value splits at the first '='; `foo` has no value, `foo=` has an
 *     empty one;
 *   - foo="a b c" yields value `a b c`, and a wholly quoted "foo=a b"
 *     yields key foo, value `a b` (the surrounding quotes are dropped);
 *   - an unterminated quote extends to the end of the line;
 *   - a bare `--` ends kernel parameters: next() then returns false and
 *     rest_after_dashdash() is what follows (arguments for init).
 */
#pragma once

#include <cstddef>
#include <lib/result.h>
#include <string_view>

namespace lib
{

struct cmdline_param {
	std::string_view key;
	std::string_view value;
	bool has_value;
};

class cmdline_iter
{
public:
	explicit cmdline_iter(std::string_view line) : rest_(line) {}

	// Fetch the next parameter; false at the end of the line or at `--`.
	bool next(cmdline_param& out);

	// Whether iteration stopped at a `--` separator.
	bool saw_dashdash() const { return dashdash_; }

	// Text following `--`, with leading whitespace removed; empty if no
	// `--` has been reached (yet).
	std::string_view rest_after_dashdash() const { return dashdash_ ? rest_ : std::string_view{}; }

private:
	std::string_view rest_;
	bool dashdash_ = false;
};

// Whitespace as the kernel's isspace() sees it in a command line.
constexpr bool cmdline_isspace(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

// Integer parsing like kstrtoull/kstrtoll with base 0: "0x"/"0X" prefix is
// hex, a leading 0 is octal, otherwise decimal.  An optional leading '+'
// (and '-' for parse_int) and one trailing '\n' are accepted.  As Linux's:
// EINVAL for empty input or stray characters, ERANGE on overflow.
//     unsigned long long n = TRY(lib::parse_uint(val));
Result<unsigned long long> parse_uint(std::string_view s);
Result<long long> parse_int(std::string_view s);

// Size with an optional binary suffix, like memparse: K, M, G, T, P, E
// (either case) multiply by 2^10 ... 2^60.  "512M", "0x1000", "4k".
// Stricter than memparse: anything after the suffix fails (EINVAL), and
// so does overflow (ERANGE).
Result<unsigned long long> parse_size(std::string_view s);

// Boolean like kstrtobool: decided by the first one or two characters:
// y/Y/1 and on/oN/On/ON -> true; n/N/0 and off (o + f/F) -> false; else
// EINVAL.  As in Linux, trailing characters are ignored ("yes" is true).
Result<bool> parse_bool(std::string_view s);

} // namespace lib
