/*
 * SYSCALL_DEFINEn (<kernel/syscalls.h>): the wrapper takes each argument
 * from its ABI register (rdi, rsi, rdx, r10, r8, r9), converts it to the
 * declared type (ints truncate to 32 bits, user_ptr keeps the address) and
 * turns the body's Result into the value or -errno.
 */
#include <gtest/gtest.h>
#include <kernel/syscalls.h>
#include <uapi/asm-generic/errno-base.h>

namespace
{
struct seen {
	int a;
	unsigned long b;
	uintptr_t c;
	long d, e, f;
} last;
} // namespace

SYSCALL_DEFINE6(probe6, int, a, unsigned long, b, user_ptr<const char>, c, long, d, long, e, long, f)
{
	last = {a, b, c.addr(), d, e, f};
	if (a < 0)
		return lib::Error{EINVAL};
	return a + 1;
}

SYSCALL_DEFINE0(probe0)
{
	return 42;
}

TEST(syscall_define, arguments_come_from_the_abi_registers)
{
	pt_regs regs{};
	regs.di = 0xffffffff00000007UL; /* an int argument: the low 32 bits */
	regs.si = 0x123456789aUL;
	regs.dx = 0x7fff0000UL;
	regs.r10 = 4;
	regs.r8 = 5;
	regs.r9 = 6;
	regs.cx = 99; /* rcx is clobbered by SYSCALL, never an argument */
	EXPECT_EQ(__x64_sys_probe6(&regs), 8);
	EXPECT_EQ(last.a, 7);
	EXPECT_EQ(last.b, 0x123456789aUL);
	EXPECT_EQ(last.c, 0x7fff0000UL);
	EXPECT_EQ(last.d, 4);
	EXPECT_EQ(last.e, 5);
	EXPECT_EQ(last.f, 6);
}

TEST(syscall_define, an_error_becomes_minus_errno)
{
	pt_regs regs{};
	regs.di = static_cast<uint32_t>(-3);
	EXPECT_EQ(__x64_sys_probe6(&regs), -EINVAL);
	EXPECT_EQ(__x64_sys_probe0(&regs), 42);
}

TEST(user_ptr, arithmetic_counts_elements_and_access_ok_stops_at_task_size)
{
	user_ptr<uint32_t> p(0x1000);
	EXPECT_EQ((p + 3).addr(), 0x100cUL);
	user_ptr<const void> v = p;
	EXPECT_EQ((v + 3).addr(), 0x1003UL);
	EXPECT_TRUE(access_ok(v, 16));
	EXPECT_TRUE(access_ok(user_ptr<const void>(TASK_SIZE_MAX - 16), 16));
	EXPECT_FALSE(access_ok(user_ptr<const void>(TASK_SIZE_MAX - 16), 17));
	EXPECT_FALSE(access_ok(user_ptr<const void>(~0UL - 4), 16)); /* wraps */
	EXPECT_FALSE(access_ok(user_ptr<const void>(0xffff888000000000UL), 1));
}
