/*
 * binfmt_script.h - parsing a "#!" line (Linux: fs/binfmt_script.c
 * load_script's parsing, 6.1 rules), separate from the loader so the host
 * tests (tests/host/test_binfmt_script.cc) run it on the same source.
 *
 * The buffer is the first BINPRM_BUF_SIZE (256) bytes of the file, zero
 * padded.  Rules, as Linux's:
 *   - it must start with "#!";
 *   - the line ends at the first '\n'; with none in the buffer, the line
 *     is the whole buffer, but only if a space, tab or NUL follows the
 *     interpreter's name inside it (else the name may be cut: ENOEXEC);
 *   - spaces and tabs around the line are trimmed; the interpreter name
 *     runs to the first space, tab or NUL, and everything after the blanks
 *     that follow it is ONE optional argument (not split further);
 *   - no name at all: ENOEXEC.
 * The name and argument are NUL-terminated in place.
 */
#pragma once
#include <cstddef>
#include <lib/result.h>
#include <uapi/asm-generic/errno-base.h>

inline constexpr size_t BINPRM_BUF_SIZE = 256;

struct shebang {
	char* interp; /* the interpreter's path */
	char* arg;    /* its optional argument, or nullptr */
};

namespace binfmt_script_detail
{
constexpr bool spacetab(char c)
{
	return c == ' ' || c == '\t';
}
/* the first character in [s, end) that is not a space or tab, or nullptr */
inline char* next_non_spacetab(char* s, const char* end)
{
	for (; s < end; s++)
		if (!spacetab(*s))
			return s;
	return nullptr;
}
/* the first space, tab or NUL in [s, end), or nullptr */
inline char* next_terminator(char* s, const char* end)
{
	for (; s < end; s++)
		if (spacetab(*s) || !*s)
			return s;
	return nullptr;
}
} // namespace binfmt_script_detail

/* buf holds BINPRM_BUF_SIZE bytes */
inline lib::Result<shebang> parse_shebang(char* buf)
{
	using namespace binfmt_script_detail;
	if (buf[0] != '#' || buf[1] != '!')
		return lib::Error{ENOEXEC};
	char* buf_end = buf + BINPRM_BUF_SIZE - 1;
	char* i_end = nullptr;
	for (char* s = buf; s < buf + BINPRM_BUF_SIZE; s++)
		if (*s == '\n') {
			i_end = s;
			break;
		}
	if (!i_end) {
		i_end = next_non_spacetab(buf + 2, buf_end);
		if (!i_end)
			return lib::Error{ENOEXEC}; /* only blanks */
		if (!next_terminator(i_end, buf_end))
			return lib::Error{ENOEXEC}; /* the name may be truncated */
		i_end = buf_end;
	}
	while (i_end > buf + 2 && spacetab(i_end[-1]))
		i_end--;
	char* i_name = next_non_spacetab(buf + 2, i_end);
	if (!i_name || i_name == i_end)
		return lib::Error{ENOEXEC};
	char* i_arg = nullptr;
	char* i_sep = next_terminator(i_name, i_end);
	if (i_sep && *i_sep)
		i_arg = next_non_spacetab(i_sep, i_end);
	*i_end = '\0';
	if (i_sep)
		*i_sep = '\0';
	return shebang{i_name, i_arg};
}
