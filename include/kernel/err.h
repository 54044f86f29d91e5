/*
 * Error pointers (Linux: include/linux/err.h): the top 4095 addresses
 * carry a negative errno.  No data, no locks.
 */
#pragma once
#include <cstdint>

#define MAX_ERRNO 4095
#define IS_ERR_VALUE(x) ((unsigned long)(x) >= (unsigned long)-MAX_ERRNO)
template <typename T = void> static inline T* ERR_PTR(long error)
{
	return reinterpret_cast<T*>(error);
}
static inline long PTR_ERR(const void* ptr)
{
	return reinterpret_cast<long>(ptr);
}
static inline bool IS_ERR(const void* ptr)
{
	return IS_ERR_VALUE(reinterpret_cast<unsigned long>(ptr));
}
static inline bool IS_ERR_OR_NULL(const void* ptr)
{
	return !ptr || IS_ERR(ptr);
}
