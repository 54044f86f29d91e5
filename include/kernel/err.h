/*
 * Error pointers (Linux: include/linux/err.h): the top 4095 addresses
 * carry a negative errno.  No data, no locks.
 *
 * Inside the kernel failures travel as lib::Result (<lib/result.h>);
 * ERR_PTR survives only at the few Linux-named functions whose ERR_PTR
 * signature a reader looks for (kthread_create, kthread_run,
 * kthread_create_on_cpu), each a thin wrapper over a Result-returning
 * __function that converts with result_to_err_ptr().
 */
#pragma once
#include <cstdint>
#include <lib/result.h>

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

/* a Result's pointer, or ERR_PTR(-errno): for the ERR_PTR wrappers only */
template <typename T> static inline T* result_to_err_ptr(const lib::Result<T*>& r)
{
	return r.is_ok() ? r.value() : ERR_PTR<T>(-long(r.error()));
}
