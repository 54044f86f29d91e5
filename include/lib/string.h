/*
 * string.h - freestanding memory and C-string primitives.
 *
 * Linux counterpart: lib/string.c (memcpy, memmove, memset, memcmp, strlen,
 * strnlen, strcmp, strncmp, strchr, strrchr, strscpy).
 *
 * These live in namespace lib with C++ linkage; the kernel exports the
 * extern "C" symbols the compiler expects (memcpy, memset, ...) by
 * forwarding to them.  lib/string.cc is therefore compiled so that GCC can
 * never turn one of these loops back into a call to ::memcpy/::memset,
 * which would recurse forever.
 *
 * Semantics match ISO C (comparisons as unsigned char).  strscpy follows
 * Linux: it returns the copied length or -E2BIG on truncation, and always
 * NUL-terminates when size > 0.
 */
#pragma once

#include <cstddef>

namespace lib
{

void* memcpy(void* dest, const void* src, size_t n);
void* memmove(void* dest, const void* src, size_t n);
void* memset(void* dest, int c, size_t n);
int memcmp(const void* a, const void* b, size_t n);

size_t strlen(const char* s);
size_t strnlen(const char* s, size_t maxlen);
int strcmp(const char* a, const char* b);
int strncmp(const char* a, const char* b, size_t n);

// C++-style const-correct overloads; c is converted to char, and searching
// for '\0' finds the terminator, as in ISO C.
const char* strchr(const char* s, int c);
char* strchr(char* s, int c);
const char* strrchr(const char* s, int c);
char* strrchr(char* s, int c);

// Copy src into dest[size]; returns strlen of the copy, or -E2BIG if src
// did not fit (dest then holds the truncated, NUL-terminated prefix).
// Reads at most `size` bytes of src, so src need not be terminated beyond.
long strscpy(char* dest, const char* src, size_t size);

} // namespace lib
