/*
 * glob.h - shell-style wildcard matching.
 *
 * Linux counterpart: lib/glob.c (glob_match), used there for ATA quirk
 * tables and here for `ktest=<glob>` and the ftrace filter files.
 *
 * Pattern syntax (the whole text must match):
 *   *       any run of characters, including none
 *   ?       exactly one character
 *   [abc]   one character from the set; [a-z] ranges; [!x] negation;
 *           a ']' right after '[' or '[!' is a literal member; '-' first or
 *           last is literal.  A '[' without a closing ']' is literal.
 *   \c      the character c literally
 * Matching is iterative with single-star backtracking, so the cost is
 * O(len(pattern) * len(text)) at worst - no exponential blowup.
 */
#pragma once

#include <string_view>

namespace lib
{

bool glob_match(std::string_view pattern, std::string_view text);

} // namespace lib
