/*
 * glob.cc - shell-style wildcard matching.
 *
 * Linux counterpart: lib/glob.c.  See include/lib/glob.h for the syntax.
 *
 * Algorithm: walk pattern and text together.  On '*' remember where it was
 * (star_p) and the text position it currently absorbs up to (star_t).  On a
 * mismatch, resume just after the most recent '*' and let it swallow one
 * more text character.  Only the latest star matters: anything an earlier
 * star could absorb, the later one can too, which is why one backtrack
 * point suffices and the worst case stays quadratic.
 */
#include <lib/glob.h>

#include <cstddef>

namespace lib
{

namespace
{

constexpr size_t npos = std::string_view::npos;

// Try to match a bracket class starting at pattern[p] == '['.  Returns the
// index just past the closing ']' and sets `matched`, or npos if the class
// is unterminated (the caller then treats '[' as a literal).
size_t match_class(std::string_view pat, size_t p, unsigned char c, bool& matched)
{
	size_t i = p + 1;
	bool negate = false;
	if (i < pat.size() && pat[i] == '!') {
		negate = true;
		++i;
	}
	bool found = false;
	bool first = true;
	while (i < pat.size()) {
		if (pat[i] == ']' && !first) {
			matched = found != negate;
			return i + 1;
		}
		first = false;
		auto lo = static_cast<unsigned char>(pat[i]);
		unsigned char hi = lo;
		if (i + 2 < pat.size() && pat[i + 1] == '-' && pat[i + 2] != ']') {
			hi = static_cast<unsigned char>(pat[i + 2]);
			i += 3;
		} else {
			i += 1;
		}
		if (lo <= c && c <= hi)
			found = true;
	}
	return npos;
}

} // namespace

bool glob_match(std::string_view pat, std::string_view text)
{
	size_t p = 0, t = 0;
	size_t star_p = npos, star_t = 0;

	while (t < text.size()) {
		bool ok = false;
		if (p < pat.size()) {
			char pc = pat[p];
			auto tc = static_cast<unsigned char>(text[t]);
			if (pc == '*') {
				// Start by letting the star match nothing.
				star_p = ++p;
				star_t = t;
				continue;
			}
			if (pc == '?') {
				ok = true;
				++p;
			} else if (pc == '[') {
				bool m = false;
				size_t after = match_class(pat, p, tc, m);
				if (after != npos) {
					ok = m;
					p = after;
				} else {
					ok = tc == '[';
					++p;
				}
			} else {
				if (pc == '\\' && p + 1 < pat.size())
					pc = pat[++p];
				ok = static_cast<unsigned char>(pc) == tc;
				++p;
			}
		}
		if (ok) {
			++t;
			continue;
		}
		if (star_p == npos)
			return false;
		// Backtrack: the last star absorbs one more character.
		p = star_p;
		t = ++star_t;
	}
	// Text exhausted: only trailing stars may remain.
	while (p < pat.size() && pat[p] == '*')
		++p;
	return p == pat.size();
}

} // namespace lib
