/*
 * string.cc - freestanding memory and C-string primitives.
 *
 * Linux counterpart: lib/string.c.  See include/lib/string.h.
 *
 * memcpy and memset move 64 bytes and more with one x86-64 string
 * instruction (rep movsq / rep stosq, as Linux's memcpy_orig and
 * clear_page_rep: page clearing on every anonymous fault, page copies on
 * copy-on-write), then the tail bytewise; shorter ones a machine word at
 * a time when the pointers are aligned.  Word access goes through a
 * may_alias type so it is valid whatever the underlying object types are.
 * (x86-64 only, as the whole tree; the host build is x86-64 too.)
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
	if (n >= 64) {
		/* bulk: one rep movsq (Linux's memcpy_orig/copy_page_rep), which
		 * costs one instruction per 8 bytes, not three; the direction
		 * flag is clear (the ABI; the kernel's entry code does cld) */
		size_t q = n / word_size;
		asm volatile("rep movsq" : "+D"(d), "+S"(s), "+c"(q) : : "memory");
		n &= word_size - 1;
	} else if (aligned(d) && aligned(s)) {
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
		if (n >= 64) {
			/* bulk: rep stosq (Linux's clear_page_rep, memset_orig) */
			size_t q = n / word_size;
			asm volatile("rep stosq" : "+D"(d), "+c"(q) : "a"(w) : "memory");
			n &= word_size - 1;
		} else {
			for (; n >= word_size; n -= word_size, d += word_size)
				*reinterpret_cast<word*>(d) = w;
		}
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
