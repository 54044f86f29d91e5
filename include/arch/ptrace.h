/*
 * Saved registers on kernel entry (Linux: arch/x86/include/asm/ptrace.h,
 * struct pt_regs, same field order).  Built by entry_64.S.
 */
#pragma once
#include <cstdint>

struct pt_regs {
	uint64_t r15, r14, r13, r12, bp, bx, r11, r10, r9, r8, ax, cx, dx, si, di;
	uint64_t orig_ax; /* the error code for exceptions that push one, else -1 */
	uint64_t ip, cs, flags, sp, ss;
};

static inline bool user_mode(const pt_regs* regs)
{
	return (regs->cs & 3) == 3;
}
