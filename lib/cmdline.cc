/*
 * cmdline.cc - kernel command-line tokenizer and value parsers.
 *
 * Linux counterpart: lib/cmdline.c, kernel/params.c, lib/kstrtox.c.  See
 * include/lib/cmdline.h for the rules.  Nothing here allocates or writes to
 * the input: results are views into it, and quote stripping is done by
 * narrowing views rather than by poking NULs in as Linux does.
 */
#include <lib/cmdline.h>

#include <limits>
#include <uapi/asm-generic/errno-base.h>

namespace lib
{

namespace
{

// Non-throwing slices: std::string_view::substr range-checks and throws
// std::out_of_range, which does not exist in the kernel.  Callers here
// guarantee pos <= s.size().
std::string_view tail(std::string_view s, size_t pos)
{
	return std::string_view(s.data() + pos, s.size() - pos);
}
std::string_view slice(std::string_view s, size_t pos, size_t len)
{
	return std::string_view(s.data() + pos, len);
}

std::string_view skip_spaces(std::string_view s)
{
	size_t i = 0;
	while (i < s.size() && cmdline_isspace(s[i]))
		++i;
	return tail(s, i);
}

int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 99; // never a valid digit in any base we use
}

// Parse an unsigned number with base detection, consuming as many digits as
// possible.  Sets `used` to the characters consumed; ERANGE on overflow,
// EINVAL if no digit was found.
Result<unsigned long long> parse_prefix(std::string_view s, size_t& used)
{
	unsigned base = 10;
	size_t i = 0;
	if (s.size() >= 3 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && digit_value(s[2]) < 16) {
		base = 16;
		i = 2;
	} else if (!s.empty() && s[0] == '0') {
		base = 8; // the leading 0 is itself a valid octal digit
	}
	size_t first = i;
	unsigned long long v = 0;
	constexpr unsigned long long max = std::numeric_limits<unsigned long long>::max();
	for (; i < s.size(); ++i) {
		unsigned d = static_cast<unsigned>(digit_value(s[i]));
		if (d >= base)
			break;
		if (v > (max - d) / base)
			return Error{ERANGE};
		v = v * base + d;
	}
	if (i == first)
		return Error{EINVAL};
	used = i;
	return v;
}

std::string_view strip_newline(std::string_view s)
{
	// kstrtox tolerates exactly one trailing newline (sysfs writes).
	if (!s.empty() && s.back() == '\n')
		s.remove_suffix(1);
	return s;
}

} // namespace

bool cmdline_iter::next(cmdline_param& out)
{
	if (dashdash_)
		return false;
	std::string_view s = skip_spaces(rest_);
	if (s.empty()) {
		rest_ = s;
		return false;
	}

	bool quoted = false;
	size_t start = 0;
	if (s[0] == '"') {
		quoted = true;
		start = 1;
	}
	bool in_quote = quoted;
	size_t equals = std::string_view::npos;
	size_t i = start;
	for (; i < s.size(); ++i) {
		char c = s[i];
		if (cmdline_isspace(c) && !in_quote)
			break;
		if (equals == std::string_view::npos && c == '=')
			equals = i;
		if (c == '"')
			in_quote = !in_quote;
	}
	// Token is s[start, i); the rest continues after it.
	std::string_view token = slice(s, start, i - start);
	rest_ = tail(s, i);

	// Linux drops a closing quote at the end of the token when the token or
	// its value opened with one.
	auto strip_closing = [](std::string_view v) {
		if (!v.empty() && v.back() == '"')
			v.remove_suffix(1);
		return v;
	};

	if (equals == std::string_view::npos) {
		out.key = quoted ? strip_closing(token) : token;
		out.value = {};
		out.has_value = false;
		if (!quoted && token.size() == 2 && token[0] == '-' && token[1] == '-') {
			dashdash_ = true;
			rest_ = skip_spaces(rest_);
			return false;
		}
		return true;
	}

	size_t eq = equals - start;
	out.key = slice(token, 0, eq);
	std::string_view value = tail(token, eq + 1);
	if (!value.empty() && value.front() == '"') {
		value.remove_prefix(1);
		value = strip_closing(value);
	} else if (quoted) {
		value = strip_closing(value);
	}
	out.value = value;
	out.has_value = true;
	return true;
}

Result<unsigned long long> parse_uint(std::string_view s)
{
	s = strip_newline(s);
	if (!s.empty() && s[0] == '+')
		s.remove_prefix(1);
	size_t used;
	unsigned long long v = TRY(parse_prefix(s, used));
	if (used != s.size())
		return Error{EINVAL};
	return v;
}

Result<long long> parse_int(std::string_view s)
{
	s = strip_newline(s);
	bool neg = !s.empty() && s[0] == '-';
	if (neg)
		s.remove_prefix(1);
	else if (!s.empty() && s[0] == '+')
		s.remove_prefix(1);
	if (!s.empty() && (s[0] == '+' || s[0] == '-'))
		return Error{EINVAL}; // "--5", "+-5"
	unsigned long long mag = TRY(parse_uint(s));
	constexpr unsigned long long pos_max = std::numeric_limits<long long>::max();
	if (neg) {
		if (mag > pos_max + 1)
			return Error{ERANGE};
		// Two's-complement negation in unsigned space avoids overflow at
		// LLONG_MIN.
		return static_cast<long long>(0 - mag);
	}
	if (mag > pos_max)
		return Error{ERANGE};
	return static_cast<long long>(mag);
}

Result<unsigned long long> parse_size(std::string_view s)
{
	s = strip_newline(s);
	size_t used;
	unsigned long long v = TRY(parse_prefix(s, used));
	std::string_view suffix = tail(s, used);
	unsigned shift = 0;
	if (!suffix.empty()) {
		switch (suffix[0]) {
		case 'E':
		case 'e':
			shift = 60;
			break;
		case 'P':
		case 'p':
			shift = 50;
			break;
		case 'T':
		case 't':
			shift = 40;
			break;
		case 'G':
		case 'g':
			shift = 30;
			break;
		case 'M':
		case 'm':
			shift = 20;
			break;
		case 'K':
		case 'k':
			shift = 10;
			break;
		default:
			return Error{EINVAL};
		}
		if (suffix.size() != 1)
			return Error{EINVAL};
	}
	if (shift && v > (std::numeric_limits<unsigned long long>::max() >> shift))
		return Error{ERANGE};
	return v << shift;
}

Result<bool> parse_bool(std::string_view s)
{
	if (s.empty())
		return Error{EINVAL};
	switch (s[0]) {
	case 'y':
	case 'Y':
	case '1':
		return true;
	case 'n':
	case 'N':
	case '0':
		return false;
	case 'o':
	case 'O':
		if (s.size() >= 2 && (s[1] == 'n' || s[1] == 'N'))
			return true;
		if (s.size() >= 2 && (s[1] == 'f' || s[1] == 'F'))
			return false;
		return Error{EINVAL};
	default:
		return Error{EINVAL};
	}
}

} // namespace lib
