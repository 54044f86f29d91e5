/*
 * string.cc - freestanding memory and C-string primitives.
 *
 * Linux counterpart: lib/string.c.  See include/lib/string.h.
 *
 * The memory functions copy a machine word at a time, eight words a round,
 * once the pointers are mutually aligned (page clearing on every anonymous
 * fault, page copies and struct copies are hot), and fall back to bytes
 * otherwise.  Word access goes through a may_alias type
 * so it is valid whatever the underlying object types are.
 *
 * Every function here is compiled with loop-pattern distribution disabled:
 * otherwise GCC may recognise the byte loop in lib::memcpy and emit a call
 * to ::memcpy - which in the kernel forwards back to lib::memcpy.
 */
#include <lib/string.h>

#include <cstdint>

#include <uapi/asm-generic/errno-base.h>

#pragma GCC optimize("no-tree-loop-distribute-patterns")

namespace lib
{

namespace
{

using word = uintptr_t __attribute__((may_alias));
constexpr size_t word_size = sizeof(uintptr_t);

bool aligned(const void* p)
{
	return (reinterpret_cast<uintptr_t>(p) & (word_size - 1)) == 0;
}

} // namespace

#define LIB_NO_LIBCALL __attribute__((optimize("no-tree-loop-distribute-patterns")))

LIB_NO_LIBCALL void* memcpy(void* dest, const void* src, size_t n)
{
	auto* d = static_cast<unsigned char*>(dest);
	const auto* s = static_cast<const unsigned char*>(src);
	if (aligned(d) && aligned(s)) {
		/* eight words a round, as Linux's copy_page_regs: a page costs
		 * about 1,200 instructions instead of 2,600 one word at a time */
		for (; n >= 8 * word_size; n -= 8 * word_size, d += 8 * word_size, s += 8 * word_size) {
			const word* sw = reinterpret_cast<const word*>(s);
			word* dw = reinterpret_cast<word*>(d);
			word w0 = sw[0], w1 = sw[1], w2 = sw[2], w3 = sw[3], w4 = sw[4], w5 = sw[5], w6 = sw[6], w7 = sw[7];
			dw[0] = w0, dw[1] = w1, dw[2] = w2, dw[3] = w3, dw[4] = w4, dw[5] = w5, dw[6] = w6, dw[7] = w7;
		}
		for (; n >= word_size; n -= word_size, d += word_size, s += word_size)
			*reinterpret_cast<word*>(d) = *reinterpret_cast<const word*>(s);
	}
	while (n--)
		*d++ = *s++;
	return dest;
}

LIB_NO_LIBCALL void* memmove(void* dest, const void* src, size_t n)
{
	auto* d = static_cast<unsigned char*>(dest);
	const auto* s = static_cast<const unsigned char*>(src);
	// Compare as integers: relational comparison of unrelated pointers is
	// unspecified in C++.
	if (reinterpret_cast<uintptr_t>(d) <= reinterpret_cast<uintptr_t>(s) ||
	    reinterpret_cast<uintptr_t>(d) >= reinterpret_cast<uintptr_t>(s) + n)
		return memcpy(dest, src, n); // forward copy is safe
	// Overlap with dest above src: copy backwards from the end.
	d += n;
	s += n;
	if (aligned(d) && aligned(s)) {
		for (; n >= word_size; n -= word_size) {
			d -= word_size;
			s -= word_size;
			*reinterpret_cast<word*>(d) = *reinterpret_cast<const word*>(s);
		}
	}
	while (n--)
		*--d = *--s;
	return dest;
}

LIB_NO_LIBCALL void* memset(void* dest, int c, size_t n)
{
	auto* d = static_cast<unsigned char*>(dest);
	unsigned char b = static_cast<unsigned char>(c);
	for (; n && !aligned(d); --n)
		*d++ = b;
	if (n >= word_size) {
		// Replicate the byte into every lane of a word.
		uintptr_t w = static_cast<uintptr_t>(b) * (~uintptr_t{0} / 0xff);
		/* eight words a round, as Linux's clear_page_orig: zeroing a
		 * page (every anonymous fault) takes about 700 instructions
		 * instead of 2,000 one word at a time */
		for (; n >= 8 * word_size; n -= 8 * word_size, d += 8 * word_size) {
			word* dw = reinterpret_cast<word*>(d);
			dw[0] = w, dw[1] = w, dw[2] = w, dw[3] = w, dw[4] = w, dw[5] = w, dw[6] = w, dw[7] = w;
		}
		for (; n >= word_size; n -= word_size, d += word_size)
			*reinterpret_cast<word*>(d) = w;
	}
	while (n--)
		*d++ = b;
	return dest;
}

LIB_NO_LIBCALL int memcmp(const void* a, const void* b, size_t n)
{
	const auto* x = static_cast<const unsigned char*>(a);
	const auto* y = static_cast<const unsigned char*>(b);
	for (size_t i = 0; i < n; ++i) {
		if (x[i] != y[i])
			return x[i] < y[i] ? -1 : 1;
	}
	return 0;
}

LIB_NO_LIBCALL size_t strlen(const char* s)
{
	size_t n = 0;
	while (s[n])
		++n;
	return n;
}

LIB_NO_LIBCALL size_t strnlen(const char* s, size_t maxlen)
{
	size_t n = 0;
	while (n < maxlen && s[n])
		++n;
	return n;
}

LIB_NO_LIBCALL int strcmp(const char* a, const char* b)
{
	return strncmp(a, b, SIZE_MAX);
}

LIB_NO_LIBCALL int strncmp(const char* a, const char* b, size_t n)
{
	for (size_t i = 0; i < n; ++i) {
		auto x = static_cast<unsigned char>(a[i]);
		auto y = static_cast<unsigned char>(b[i]);
		if (x != y)
			return x < y ? -1 : 1;
		if (!x)
			break;
	}
	return 0;
}

LIB_NO_LIBCALL const char* strchr(const char* s, int c)
{
	char ch = static_cast<char>(c);
	for (;; ++s) {
		if (*s == ch)
			return s;
		if (!*s)
			return nullptr;
	}
}

char* strchr(char* s, int c)
{
	return const_cast<char*>(strchr(static_cast<const char*>(s), c));
}

LIB_NO_LIBCALL const char* strrchr(const char* s, int c)
{
	char ch = static_cast<char>(c);
	const char* last = nullptr;
	for (;; ++s) {
		if (*s == ch)
			last = s;
		if (!*s)
			return last;
	}
}

char* strrchr(char* s, int c)
{
	return const_cast<char*>(strrchr(static_cast<const char*>(s), c));
}

LIB_NO_LIBCALL long strscpy(char* dest, const char* src, size_t size)
{
	if (size == 0)
		return -E2BIG;
	for (size_t i = 0; i < size; ++i) {
		dest[i] = src[i];
		if (!src[i])
			return static_cast<long>(i);
	}
	dest[size - 1] = '\0';
	return -E2BIG;
}

#undef LIB_NO_LIBCALL

} // namespace lib
