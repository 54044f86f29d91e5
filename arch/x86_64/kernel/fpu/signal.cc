/*
 * The FPU state in signal frames (Linux: arch/x86/kernel/fpu/signal.c
 * copy_fpstate_to_sigframe, fpu__restore_sig, fpu__alloc_mathframe,
 * save_sw_bytes / check_xstate_in_sigframe).
 *
 * Saving: current's live registers (it owns them while it runs) go
 * straight into the frame with XSAVE/FXSAVE on the user address (its
 * header cleared first), as Linux's copy_fpregs_to_sigframe; the
 * software-reserved bytes (FXSAVE bytes 464..511) get struct
 * _fpx_sw_bytes (also for an FXSAVE image, as Linux 6.1) and, with XSAVE,
 * FP_XSTATE_MAGIC2 follows the image and XSTATE_BV gets FP and SSE (Linux:
 * save_xstate_epilog), so a user-space reader and rt_sigreturn can tell
 * an XSAVE frame.
 *
 * Restoring: XRSTOR/FXRSTOR straight from the frame into the registers;
 * the CPU refuses what it would refuse anyway (MXCSR reserved bits,
 * XSTATE_BV outside XCR0, a compacted or non-zero reserved header) with a
 * #GP the exception table catches, and the caller sends SIGSEGV.  Without
 * the magic numbers only the legacy FP/SSE part counts, the other
 * components go to their initial state (Linux's fx_only).  A page fault
 * on the frame is served as for any user access (it may sleep: a switch
 * then saves and reloads the registers around it, and the instruction
 * runs again).
 *
 * Invariants: as core.cc's: current owns its registers while it runs;
 * its fpstate is written only with preemption off, so a context switch
 * (which saves over it) cannot interleave.
 */
#include <arch/fpu.h>
#include <kernel/preempt.h>
#include <kernel/sched.h>
#include <kernel/uaccess.h>
#include <arch/smap.h>
#include <lib/string.h>

extern struct fpstate* init_fpstate; /* core.cc */

namespace
{
struct _fpx_sw_bytes {
	uint32_t magic1;
	uint32_t extended_size;
	uint64_t xfeatures;
	uint32_t xstate_size;
	uint32_t padding[7];
};
static_assert(sizeof(struct _fpx_sw_bytes) == 48);
constexpr unsigned SW_BYTES_OFFSET = 464;
} // namespace

/* one FPU instruction on the user image at buf, inside the SMAP window,
 * listed in the exception table: false if it faulted (an unmapped page
 * the fault handler could not map, or XRSTOR/FXRSTOR's #GP for a state it
 * refuses) (Linux: user_insn) */
#define FPU_USER_INSN(insn, ...)                                                                                       \
	({                                                                                                             \
		int fault_ = 0;                                                                                        \
		stac();                                                                                                \
		asm volatile("1:	" insn "\n"                                                                    \
		             "2:\n"                                                                                    \
		             ".pushsection .fixup, \"ax\"\n"                                                           \
		             "3:	movl $1, %[fault]\n"                                                                  \
		             "	jmp 2b\n"                                                                               \
		             ".popsection\n"                                                                           \
		             ".pushsection __ex_table, \"a\"\n"                                                        \
		             "	.balign 4\n"                                                                            \
		             "	.long 1b - ., 3b - .\n"                                                                 \
		             ".popsection\n"                                                                           \
		             : [fault] "+r"(fault_) : __VA_ARGS__);                                                      \
		clac();                                                                                                \
		!fault_;                                                                                               \
	})

unsigned long fpu_sigframe_size()
{
	return fpu_kernel_cfg.size + (fpu_kernel_cfg.xsave ? FP_XSTATE_MAGIC2_SIZE : 0);
}

bool copy_fpstate_to_sigframe(unsigned long buf)
{
	struct fpu* fpu = &current->thread.fpu;
	if (!fpu->fpstate || !access_ok(user_ptr<const void>(buf), fpu_sigframe_size()))
		return false;
	unsigned size = fpu_kernel_cfg.size;
	/* current's registers are live (it owns them while it runs): saved
	 * straight into the frame (Linux: copy_fpregs_to_sigframe) */
	if (fpu_kernel_cfg.xsave) {
		/* XSAVE writes XSTATE_BV only: the rest of the header must be 0 */
		if (clear_user(user_ptr<void>(buf + 512), sizeof(struct xstate_header)))
			return false;
		if (!FPU_USER_INSN("xsave64 (%[b])", [b] "r"(buf), "a"(-1), "d"(-1) : "memory"))
			return false;
	} else if (!FPU_USER_INSN("fxsave64 (%[b])", [b] "r"(buf) : "memory")) {
		return false;
	}
	/* the software-reserved bytes, with or without XSAVE (Linux 6.1:
	 * save_xstate_epilog -> save_sw_bytes); MAGIC2 and XSTATE_BV only
	 * for an XSAVE image */
	struct _fpx_sw_bytes sw = {};
	sw.magic1 = FP_XSTATE_MAGIC1;
	sw.extended_size = size + FP_XSTATE_MAGIC2_SIZE;
	sw.xfeatures = fpu_kernel_cfg.xsave ? fpu_kernel_cfg.features : (XFEATURE_MASK_FP | XFEATURE_MASK_SSE);
	sw.xstate_size = size;
	if (copy_to_user(user_ptr<void>(buf + SW_BYTES_OFFSET), &sw, sizeof(sw)))
		return false;
	if (fpu_kernel_cfg.xsave) {
		unsigned long xfeatures = 0;
		if (put_user(uint32_t(FP_XSTATE_MAGIC2), user_ptr<uint32_t>(buf + size)).is_err() ||
		    get_user(xfeatures, user_ptr<unsigned long>(buf + 512)).is_err() ||
		    put_user((unsigned long)(xfeatures | XFEATURE_MASK_FP | XFEATURE_MASK_SSE), user_ptr<unsigned long>(buf + 512)).is_err())
			return false;
	}
	return true;
}

bool fpu__restore_sig(unsigned long buf)
{
	struct task_struct* tsk = current;
	struct fpu* fpu = &tsk->thread.fpu;
	if (!fpu->fpstate)
		return false;
	if (!buf) {
		fpu__clear_user_states(tsk);
		return true;
	}
	unsigned size = fpu_kernel_cfg.size;
	if ((buf & 63) || !access_ok(user_ptr<const void>(buf), size))
		return false; /* XRSTOR/FXRSTOR #GP on a misaligned image */
	/* is it an XSAVE frame? (Linux: check_xstate_in_sigframe) */
	bool fx_only = !fpu_kernel_cfg.xsave;
	if (!fx_only) {
		uint32_t magic1 = 0, xstate_size = 0, extended_size = 0, magic2 = 0;
		if (get_user(magic1, user_ptr<uint32_t>(buf + SW_BYTES_OFFSET)).is_err() ||
		    get_user(extended_size, user_ptr<uint32_t>(buf + SW_BYTES_OFFSET + 4)).is_err() ||
		    get_user(xstate_size, user_ptr<uint32_t>(buf + SW_BYTES_OFFSET + 16)).is_err())
			return false;
		if (magic1 != FP_XSTATE_MAGIC1 || xstate_size < 576 || xstate_size > size ||
		    extended_size != xstate_size + FP_XSTATE_MAGIC2_SIZE ||
		    get_user(magic2, user_ptr<uint32_t>(buf + xstate_size)).is_err() || magic2 != FP_XSTATE_MAGIC2)
			fx_only = true;
	}
	/* straight from the frame into the registers, which current owns;
	 * the CPU refuses (#GP, caught) a bad MXCSR or XSAVE header */
	if (!fx_only)
		return FPU_USER_INSN("xrstor64 (%[b])", [b] "r"(buf), "a"(-1), "d"(-1) : "memory");
	if (!FPU_USER_INSN("fxrstor64 (%[b])", [b] "r"(buf) : "memory"))
		return false;
	if (fpu_kernel_cfg.xsave && init_fpstate) {
		/* the legacy area only: the other components to their init state */
		uint64_t rest = fpu_kernel_cfg.features & ~(XFEATURE_MASK_FP | XFEATURE_MASK_SSE);
		if (rest)
			asm volatile("xrstor64 %0" ::"m"(init_fpstate->regs), "a"(uint32_t(rest)), "d"(uint32_t(rest >> 32))
			             : "memory");
	}
	return true;
}
