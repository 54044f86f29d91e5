/*
 * The freestanding C/C++ runtime the compiler expects (no Linux
 * counterpart; Linux's C needs only the string functions).
 *
 * GCC may emit calls to memcpy/memset/memmove/memcmp even in freestanding
 * code, so the C symbols exist and forward to lib/.  operator new/delete
 * are kmalloc/kfree (mm/slab_common.cc); before kmem_cache_init, plain new
 * panics, new (std::nothrow) returns NULL.  The hooks the compiler and
 * libstdc++'s headers call on a C++ error the kernel cannot have (a pure
 * virtual call, std::out_of_range) panic.
 */
#include <cstddef>
#include <new>
#include <lib/string.h>
#include <kernel/panic.h>
#include <mm/slab.h>

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

/*
 * operator new/delete for kernel objects go through kmalloc/kfree.  The
 * kernel has no exceptions, so plain new cannot report failure: it
 * panics; code that can cope with failure uses new (std::nothrow) and
 * checks for NULL.  Over-aligned new rounds the size up to a power of two,
 * which kmalloc aligns naturally.
 */
/* libstdc++ defines this object; the freestanding kernel has no libstdc++ */
namespace std
{
const nothrow_t nothrow{};
} // namespace std

namespace
{
size_t aligned_size(size_t size, std::align_val_t al)
{
	size_t align = static_cast<size_t>(al);
	if (align <= ARCH_KMALLOC_MINALIGN)
		return size;
	size_t n = size > align ? size : align;
	size_t p = 1;
	while (p < n)
		p <<= 1;
	return p;
}

void* new_or_panic(size_t size, const char* what)
{
	void* p = kmalloc(size ? size : 1, GFP_KERNEL);
	if (!p)
		panic("%s(%zu): out of memory%s", what, size,
		      slab_is_available() ? "" : " (before kmem_cache_init)");
	return p;
}
} // namespace

void* operator new(size_t size)
{
	return new_or_panic(size, "operator new");
}
void* operator new[](size_t size)
{
	return new_or_panic(size, "operator new[]");
}
void* operator new(size_t size, const std::nothrow_t&) noexcept
{
	return kmalloc(size ? size : 1, GFP_KERNEL);
}
void* operator new[](size_t size, const std::nothrow_t&) noexcept
{
	return kmalloc(size ? size : 1, GFP_KERNEL);
}
void* operator new(size_t size, std::align_val_t al)
{
	return new_or_panic(aligned_size(size, al), "operator new");
}
void* operator new[](size_t size, std::align_val_t al)
{
	return new_or_panic(aligned_size(size, al), "operator new[]");
}
void* operator new(size_t size, std::align_val_t al, const std::nothrow_t&) noexcept
{
	return kmalloc(aligned_size(size, al), GFP_KERNEL);
}
void* operator new[](size_t size, std::align_val_t al, const std::nothrow_t&) noexcept
{
	return kmalloc(aligned_size(size, al), GFP_KERNEL);
}
void operator delete(void* p) noexcept
{
	kfree(p);
}
void operator delete[](void* p) noexcept
{
	kfree(p);
}
void operator delete(void* p, size_t) noexcept
{
	kfree(p);
}
void operator delete[](void* p, size_t) noexcept
{
	kfree(p);
}
void operator delete(void* p, std::align_val_t) noexcept
{
	kfree(p);
}
void operator delete[](void* p, std::align_val_t) noexcept
{
	kfree(p);
}
void operator delete(void* p, size_t, std::align_val_t) noexcept
{
	kfree(p);
}
void operator delete[](void* p, size_t, std::align_val_t) noexcept
{
	kfree(p);
}
void operator delete(void* p, const std::nothrow_t&) noexcept
{
	kfree(p);
}
void operator delete[](void* p, const std::nothrow_t&) noexcept
{
	kfree(p);
}

/* what the compiler and libstdc++'s inline code call on errors that would
 * throw or abort in a hosted program: in the kernel they are bugs */
namespace std
{
void __throw_out_of_range_fmt(const char*, ...)
{
	panic("std::out_of_range in the kernel");
}
} // namespace std
extern "C" void __cxa_pure_virtual()
{
	panic("pure virtual function called");
}
