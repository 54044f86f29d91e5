/*
 * The FPU state in signal frames (Linux: arch/x86/kernel/fpu/signal.c
 * copy_fpstate_to_sigframe, fpu__restore_sig, fpu__alloc_mathframe,
 * save_sw_bytes / check_xstate_in_sigframe).
 *
 * Saving: current's live registers go to its fpstate (XSAVE/FXSAVE with
 * preemption off), and the image is copied to the frame; its
 * software-reserved bytes (FXSAVE bytes 464..511) get struct _fpx_sw_bytes
 * (also for an FXSAVE image, as Linux 6.1) and, with XSAVE,
 * FP_XSTATE_MAGIC2 follows the image, as Linux, so a user-space
 * reader (and rt_sigreturn) can tell an XSAVE frame; XSTATE_BV always
 * has FP and SSE set (Linux: save_xstate_epilog).
 *
 * Restoring: with preemption off, the user's image is copied into the
 * fpstate (a fault, e.g. an unmapped frame, fails: the user frame is
 * normally resident, it was just written), checked as XRSTOR would check
 * it (MXCSR reserved bits, XSTATE_BV within XCR0, XCOMP_BV 0, reserved
 * header bytes 0) and loaded.  Without the magic numbers only the legacy
 * FP/SSE part counts (Linux's fx_only).  A refused state leaves the
 * registers alone and the caller sends SIGSEGV.
 *
 * Invariants: as core.cc's: current owns its registers while it runs;
 * its fpstate is written only with preemption off, so a context switch
 * (which saves over it) cannot interleave.
 */
#include <arch/fpu.h>
#include <kernel/preempt.h>
#include <kernel/sched.h>
#include <kernel/uaccess.h>
#include <lib/string.h>

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
constexpr uint32_t MXCSR_MASK_DEFAULT = 0x0000ffbf; /* without DAZ: the FXSAVE default */

uint32_t mxcsr_feature_mask(const struct fpstate* fps)
{
	uint32_t m = fps->regs.i387.mxcsr_mask;
	return m ? m : MXCSR_MASK_DEFAULT;
}
} // namespace

unsigned long fpu_sigframe_size()
{
	return fpu_kernel_cfg.size + (fpu_kernel_cfg.xsave ? FP_XSTATE_MAGIC2_SIZE : 0);
}

bool copy_fpstate_to_sigframe(unsigned long buf)
{
	struct fpu* fpu = &current->thread.fpu;
	if (!fpu->fpstate)
		return false;
	preempt_disable();
	save_fpregs_to_fpstate(fpu);
	preempt_enable();
	unsigned size = fpu_kernel_cfg.size;
	if (copy_to_user(user_ptr<void>(buf), &fpu->fpstate->regs, size))
		return false;
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
		uint32_t magic2 = FP_XSTATE_MAGIC2;
		uint64_t xfeatures = fpu->fpstate->regs.header.xfeatures | XFEATURE_MASK_FP | XFEATURE_MASK_SSE;
		if (copy_to_user(user_ptr<void>(buf + size), &magic2, sizeof(magic2)) ||
		    copy_to_user(user_ptr<void>(buf + 512), &xfeatures, sizeof(xfeatures)))
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
	if (buf & 63)
		return false; /* XRSTOR/FXRSTOR #GP on a misaligned image */
	unsigned size = fpu_kernel_cfg.size;
	/* is it an XSAVE frame? (Linux: check_xstate_in_sigframe) */
	bool fx_only = !fpu_kernel_cfg.xsave;
	if (!fx_only) {
		struct _fpx_sw_bytes sw;
		uint32_t magic2 = 0;
		if (copy_from_user(&sw, user_ptr<const void>(buf + SW_BYTES_OFFSET), sizeof(sw)))
			return false;
		if (sw.magic1 != FP_XSTATE_MAGIC1 || sw.xstate_size < 576 || sw.xstate_size > size ||
		    sw.extended_size != sw.xstate_size + FP_XSTATE_MAGIC2_SIZE ||
		    copy_from_user(&magic2, user_ptr<const void>(buf + sw.xstate_size), sizeof(magic2)) ||
		    magic2 != FP_XSTATE_MAGIC2)
			fx_only = true;
	}
	struct fpstate* fps = fpu->fpstate;
	bool ok = false;
	preempt_disable();
	uint32_t mask = mxcsr_feature_mask(fps);
	if (fx_only) {
		/* the legacy area only; the extended components to their init state */
		if (!copy_from_user(&fps->regs.i387, user_ptr<const void>(buf), sizeof(struct fxregs_state))) {
			if (!(fps->regs.i387.mxcsr & ~mask)) {
				if (fpu_kernel_cfg.xsave) {
					lib::memset(&fps->regs.header, 0, sizeof(fps->regs.header));
					fps->regs.header.xfeatures = XFEATURE_MASK_FP | XFEATURE_MASK_SSE;
				}
				ok = true;
			}
		}
	} else if (!copy_from_user(&fps->regs, user_ptr<const void>(buf), size)) {
		const struct xstate_header& h = fps->regs.header;
		bool reserved = false;
		for (uint64_t r : h.reserved)
			reserved |= r != 0;
		ok = !(fps->regs.i387.mxcsr & ~mask) && !(h.xfeatures & ~fpu_kernel_cfg.features) && h.xcomp_bv == 0 &&
		     !reserved;
	}
	if (ok) {
		unsigned long flags = arch_local_irq_save();
		fpregs_load_current();
		arch_local_irq_restore(flags);
	} else {
		/* the fpstate holds the refused image: take the live registers back */
		save_fpregs_to_fpstate(fpu);
	}
	preempt_enable();
	return ok;
}
