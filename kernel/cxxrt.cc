/*
 * The freestanding C/C++ runtime the compiler expects (no Linux
 * counterpart; Linux's C needs only the string functions).
 *
 * GCC may emit calls to memcpy/memset/memmove/memcmp even in freestanding
 * code, so the C symbols exist and forward to lib/.  operator new/delete
 * have no allocator behind them until SLUB arrives: using them is a bug
 * and panics loudly rather than returning memory that does not exist.
 */
#include <cstddef>
#include <new>
#include <lib/string.h>
#include <kernel/panic.h>

extern "C" {
void* memcpy(void* d, const void* s, size_t n)
{
	return lib::memcpy(d, s, n);
}
void* memmove(void* d, const void* s, size_t n)
{
	return lib::memmove(d, s, n);
}
void* memset(void* d, int c, size_t n)
{
	return lib::memset(d, c, n);
}
int memcmp(const void* a, const void* b, size_t n)
{
	return lib::memcmp(a, b, n);
}
size_t strlen(const char* s)
{
	return lib::strlen(s);
}
void* memchr(const void* s, int c, size_t n)
{
	const unsigned char* p = static_cast<const unsigned char*>(s);
	for (size_t i = 0; i < n; i++)
		if (p[i] == (unsigned char)c)
			return const_cast<unsigned char*>(p + i);
	return nullptr;
}
void* __dso_handle;
int __cxa_atexit(void (*)(void*), void*, void*)
{
	return 0; /* the kernel never exits */
}
}

void* operator new(size_t)
{
	panic("operator new before the slab allocator exists");
}
void* operator new[](size_t)
{
	panic("operator new[] before the slab allocator exists");
}
void operator delete(void*) noexcept
{
	panic("operator delete before the slab allocator exists");
}
void operator delete[](void*) noexcept
{
	panic("operator delete[] before the slab allocator exists");
}
void operator delete(void*, size_t) noexcept
{
	panic("operator delete before the slab allocator exists");
}
void operator delete[](void*, size_t) noexcept
{
	panic("operator delete[] before the slab allocator exists");
}
