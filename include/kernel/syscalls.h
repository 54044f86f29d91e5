/*
 * syscalls.h - defining a system call (Linux: include/linux/syscalls.h,
 * SYSCALL_DEFINEn, arch/x86/include/asm/syscall_wrapper.h).
 *
 *     SYSCALL_DEFINE3(read, unsigned int, fd, user_ptr<char>, buf, size_t, count)
 *     {
 *             ...
 *             return nread;                 // or: return lib::Error{EBADF};
 *     }
 *
 * defines extern "C" long __x64_sys_read(const struct pt_regs*), the entry
 * point the table generated from arch/x86_64/entry/syscalls/syscall_64.tbl
 * names.  The wrapper takes the arguments from the registers of the x86_64
 * system-call ABI (rdi, rsi, rdx, r10, r8, r9), converts each to its
 * declared type (an int argument is the low 32 bits, as Linux's), and calls
 * the body, which returns lib::Result<long>.  The wrapper is the one place
 * a Result becomes -errno (Result::to_syscall_ret): the syscall boundary.
 *
 * A raw pointer type is refused as an argument type: user addresses are
 * user_ptr<T> (<kernel/uaccess.h>).
 *
 * A table entry whose __x64_sys_* nobody defines resolves to
 * sys_ni_syscall (a weak alias the generated table provides, Linux's
 * COND_SYSCALL), which returns -ENOSYS.
 */
#pragma once
#include <arch/ptrace.h>
#include <cstddef>
#include <cstdint>
#include <kernel/uaccess.h>
#include <lib/result.h>
#include <type_traits>
#include <utility>

namespace syscall_detail
{
template <typename T> struct is_user_ptr : std::false_type {
};
template <typename T> struct is_user_ptr<user_ptr<T>> : std::true_type {
};

static inline uint64_t arg_reg(const struct pt_regs* regs, size_t i)
{
	switch (i) {
	case 0:
		return regs->di;
	case 1:
		return regs->si;
	case 2:
		return regs->dx;
	case 3:
		return regs->r10;
	case 4:
		return regs->r8;
	default:
		return regs->r9;
	}
}

template <typename T> static inline T arg(const struct pt_regs* regs, size_t i)
{
	static_assert(!std::is_pointer_v<T>, "a system call takes user addresses as user_ptr<T>");
	static_assert(std::is_integral_v<T> || std::is_enum_v<T> || is_user_ptr<T>::value,
	              "system-call arguments are integers or user_ptr<T>");
	if constexpr (is_user_ptr<T>::value)
		return T(static_cast<uintptr_t>(arg_reg(regs, i)));
	else
		return static_cast<T>(arg_reg(regs, i));
}

template <typename... A, size_t... I>
static inline long invoke(lib::Result<long> (*fn)(A...), const struct pt_regs* regs, std::index_sequence<I...>)
{
	return fn(arg<A>(regs, I)...).to_syscall_ret();
}
template <typename... A> static inline long invoke(lib::Result<long> (*fn)(A...), const struct pt_regs* regs)
{
	static_assert(sizeof...(A) <= 6, "x86_64 system calls take at most 6 arguments");
	return invoke(fn, regs, std::index_sequence_for<A...>{});
}
} // namespace syscall_detail

/* (type, name) pairs -> "type name, type name" */
#define __SC_DECL(t, a) t a
#define __MAP0(m, ...)
#define __MAP1(m, t, a, ...) m(t, a)
#define __MAP2(m, t, a, ...) m(t, a), __MAP1(m, __VA_ARGS__)
#define __MAP3(m, t, a, ...) m(t, a), __MAP2(m, __VA_ARGS__)
#define __MAP4(m, t, a, ...) m(t, a), __MAP3(m, __VA_ARGS__)
#define __MAP5(m, t, a, ...) m(t, a), __MAP4(m, __VA_ARGS__)
#define __MAP6(m, t, a, ...) m(t, a), __MAP5(m, __VA_ARGS__)
#define __MAP(n, ...) __MAP##n(__VA_ARGS__)

#define __SYSCALL_DEFINEx(x, name, ...)                                                                  \
	static lib::Result<long> __do_sys_##name(__MAP(x, __SC_DECL, __VA_ARGS__));                          \
	extern "C" long __x64_sys_##name(const struct pt_regs* regs)                                         \
	{                                                                                                  \
		return syscall_detail::invoke(__do_sys_##name, regs);                                            \
	}                                                                                                  \
	static lib::Result<long> __do_sys_##name(__MAP(x, __SC_DECL, __VA_ARGS__))

#define SYSCALL_DEFINE0(name)                                                                            \
	static lib::Result<long> __do_sys_##name();                                                          \
	extern "C" long __x64_sys_##name(const struct pt_regs*)                                              \
	{                                                                                                  \
		return __do_sys_##name().to_syscall_ret();                                                       \
	}                                                                                                  \
	static lib::Result<long> __do_sys_##name()
#define SYSCALL_DEFINE1(name, ...) __SYSCALL_DEFINEx(1, name, __VA_ARGS__)
#define SYSCALL_DEFINE2(name, ...) __SYSCALL_DEFINEx(2, name, __VA_ARGS__)
#define SYSCALL_DEFINE3(name, ...) __SYSCALL_DEFINEx(3, name, __VA_ARGS__)
#define SYSCALL_DEFINE4(name, ...) __SYSCALL_DEFINEx(4, name, __VA_ARGS__)
#define SYSCALL_DEFINE5(name, ...) __SYSCALL_DEFINEx(5, name, __VA_ARGS__)
#define SYSCALL_DEFINE6(name, ...) __SYSCALL_DEFINEx(6, name, __VA_ARGS__)

/* -ENOSYS for a number with no implementation (logged once per number) */
extern "C" long sys_ni_syscall(const struct pt_regs* regs);
