/*
 * The user-memory accessors (Linux: include/linux/uaccess.h
 * _copy_from_user/_copy_to_user, arch/x86/include/asm/uaccess.h
 * get_user/put_user and unsafe_get_user, lib/strncpy_from_user.c,
 * lib/strnlen_user.c, arch/x86/lib/usercopy_64.c clear_user).
 *
 * Each checks access_ok (the range lies below TASK_SIZE_MAX), opens the
 * SMAP window (stac/clac, <arch/smap.h>) only around its own user
 * accesses, and lists each user access in the exception table
 * (<arch/extable.h>): a fault there resumes at the fixup, which turns it
 * into the function's failure value.  The block moves are in usercopy.S.
 * The contract (return values) is <kernel/uaccess.h>'s.
 *
 * Invariants: no other kernel code touches user memory, so with SMAP a
 * stray kernel access to a user page oopses, and without it the table
 * still limits recovery to these instructions; no call is made inside a
 * stac/clac window (the callee would run with AC set).
 */
#include <arch/smap.h>
#include <kernel/uaccess.h>
#include <lib/string.h>
#include <uapi/asm-generic/errno-base.h>

extern "C" unsigned long copy_user_generic(void* to, const void* from, unsigned long n);
extern "C" unsigned long clear_user_generic(void* to, unsigned long n);

namespace
{
/* one user load or store of the operand's size; false if it faulted */
#define USER_ACCESS_ASM(insn, ...)                                                                                     \
	asm volatile("1:	" insn "\n"                                                                            \
	             "2:\n"                                                                                            \
	             ".pushsection .fixup, \"ax\"\n"                                                                   \
	             "3:	movl $1, %[fault]\n"                                                                          \
	             "	jmp 2b\n"                                                                                       \
	             ".popsection\n"                                                                                   \
	             ".pushsection __ex_table, \"a\"\n"                                                                \
	             "	.balign 4\n"                                                                                    \
	             "	.long 1b - ., 3b - .\n"                                                                         \
	             ".popsection\n" __VA_ARGS__)

/* inside the SMAP window only */
inline bool unsafe_get_byte(uint8_t* v, uintptr_t addr)
{
	int fault = 0;
	uint8_t x = 0;
	USER_ACCESS_ASM("movb (%[addr]), %[x]", : [x] "+q"(x), [fault] "+r"(fault) : [addr] "r"(addr) : "memory");
	*v = x;
	return !fault;
}

template <typename T> bool get_user_asm(T* dst, uintptr_t addr)
{
	int fault = 0;
	T x = 0;
	stac();
	if constexpr (sizeof(T) == 1)
		USER_ACCESS_ASM("movb (%[addr]), %[x]",
		                : [x] "+q"(x), [fault] "+r"(fault)
		                : [addr] "r"(addr)
		                : "memory");
	else
		USER_ACCESS_ASM("mov (%[addr]), %[x]",
		                : [x] "+r"(x), [fault] "+r"(fault)
		                : [addr] "r"(addr)
		                : "memory");
	clac();
	*dst = x; /* 0 after a fault, as Linux's get_user */
	return !fault;
}

template <typename T> bool put_user_asm(T x, uintptr_t addr)
{
	int fault = 0;
	stac();
	if constexpr (sizeof(T) == 1)
		USER_ACCESS_ASM("movb %[x], (%[addr])",
		                : [fault] "+r"(fault)
		                : [x] "q"(x), [addr] "r"(addr)
		                : "memory");
	else
		USER_ACCESS_ASM("mov %[x], (%[addr])", : [fault] "+r"(fault) : [x] "r"(x), [addr] "r"(addr) : "memory");
	clac();
	return !fault;
}

inline const void* user_addr(user_ptr<const void> p)
{
	return reinterpret_cast<const void*>(p.addr());
}
} // namespace

unsigned long copy_from_user(void* to, user_ptr<const void> from, unsigned long n)
{
	unsigned long res = n;
	if (access_ok(from, n))
		res = copy_user_generic(to, user_addr(from), n);
	/* what was not copied is zeroed: no stale kernel bytes reach the caller */
	if (res)
		lib::memset(static_cast<char*>(to) + (n - res), 0, res);
	return res;
}

unsigned long copy_to_user(user_ptr<void> to, const void* from, unsigned long n)
{
	if (!access_ok(to, n))
		return n;
	return copy_user_generic(reinterpret_cast<void*>(to.addr()), from, n);
}

unsigned long clear_user(user_ptr<void> to, unsigned long n)
{
	if (!access_ok(to, n))
		return n;
	return clear_user_generic(reinterpret_cast<void*>(to.addr()), n);
}

lib::Result<void> __get_user_n(void* dst, user_ptr<const void> src, size_t size)
{
	if (!access_ok(src, size))
		return lib::Error{EFAULT};
	bool ok = false;
	switch (size) {
	case 1:
		ok = get_user_asm(static_cast<uint8_t*>(dst), src.addr());
		break;
	case 2:
		ok = get_user_asm(static_cast<uint16_t*>(dst), src.addr());
		break;
	case 4:
		ok = get_user_asm(static_cast<uint32_t*>(dst), src.addr());
		break;
	case 8:
		ok = get_user_asm(static_cast<uint64_t*>(dst), src.addr());
		break;
	default:
		return lib::Error{EINVAL};
	}
	return ok ? lib::ok() : lib::Result<void>(lib::Error{EFAULT});
}

lib::Result<void> __put_user_n(user_ptr<void> dst, const void* src, size_t size)
{
	if (!access_ok(dst, size))
		return lib::Error{EFAULT};
	bool ok = false;
	switch (size) {
	case 1:
		ok = put_user_asm(*static_cast<const uint8_t*>(src), dst.addr());
		break;
	case 2:
		ok = put_user_asm(*static_cast<const uint16_t*>(src), dst.addr());
		break;
	case 4:
		ok = put_user_asm(*static_cast<const uint32_t*>(src), dst.addr());
		break;
	case 8:
		ok = put_user_asm(*static_cast<const uint64_t*>(src), dst.addr());
		break;
	default:
		return lib::Error{EINVAL};
	}
	return ok ? lib::ok() : lib::Result<void>(lib::Error{EFAULT});
}

lib::Result<long> strncpy_from_user(char* dst, user_ptr<const char> src, long count)
{
	if (count <= 0)
		return 0;
	uintptr_t a = src.addr();
	if (a >= TASK_SIZE_MAX)
		return lib::Error{EFAULT};
	/* stop at the end of user space: a string running into it is EFAULT */
	unsigned long limit = TASK_SIZE_MAX - a;
	if (limit > (unsigned long)count)
		limit = (unsigned long)count;
	stac();
	for (unsigned long i = 0; i < limit; i++) {
		uint8_t c;
		if (!unsafe_get_byte(&c, a + i)) {
			clac();
			return lib::Error{EFAULT};
		}
		dst[i] = char(c);
		if (!c) {
			clac();
			return long(i);
		}
	}
	clac();
	if (limit < (unsigned long)count)
		return lib::Error{EFAULT}; /* hit the end of user space, not the caller's limit */
	return count;
}

long strnlen_user(user_ptr<const char> s, long n)
{
	if (n <= 0)
		return 0;
	uintptr_t a = s.addr();
	if (a >= TASK_SIZE_MAX)
		return 0;
	unsigned long limit = TASK_SIZE_MAX - a;
	if (limit > (unsigned long)n)
		limit = (unsigned long)n;
	stac();
	for (unsigned long i = 0; i < limit; i++) {
		uint8_t c;
		if (!unsafe_get_byte(&c, a + i)) {
			clac();
			return 0;
		}
		if (!c) {
			clac();
			return long(i + 1);
		}
	}
	clac();
	if (limit < (unsigned long)n)
		return 0; /* ran into the end of user space */
	return n + 1;
}
