/*
 * Saving, loading, copying and resetting a task's FPU registers (Linux:
 * arch/x86/kernel/fpu/core.c save_fpregs_to_fpstate, fpu_clone,
 * fpu__drop, fpu__clear_user_states, fpstate_init_user; asm/fpu/sched.h
 * switch_fpu_prepare/switch_fpu_finish).
 *
 * Data structures: struct fpu in each task's thread_struct, its fpstate
 * from fpstate_cachep (<arch/fpu.h>); fpu_fpregs_owner_ctx[cpu], the fpu
 * whose registers are loaded on that CPU (Linux's per-CPU variable of the
 * same name).
 *
 * Invariants: a task with an fpstate runs with its own registers loaded
 * (eager switching), and is then its CPU's owner: the switch in makes it
 * so, and so does a running task that gets its first fpstate
 * (fpstate_alloc_init loads the initial state at once: nothing of the
 * previous user task's registers reaches it) or resets it
 * (fpu__clear_user_states).  After a save on CPU c, fpu.last_cpu == c and
 * c's owner is that fpu; switch_fpu_finish skips the restore when both
 * still hold (the registers were not touched since: only a task with an
 * fpstate changes them, and it would have become the owner).  Code that
 * writes a task's fpstate while it is not loaded (clone) sets last_cpu to
 * -1 so the next switch in restores it.
 *
 * Lock order: none; the switch functions run with interrupts off in the
 * context switch, the others on current or on a task not yet running.
 */
#include <arch/fpu.h>
#include <kernel/kernel.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <lib/string.h>
#include <mm/slab.h>
#include <uapi/asm-generic/errno-base.h>

struct kmem_cache* fpstate_cachep; /* the ktests count its objects */

namespace
{
struct fpu* fpu_fpregs_owner_ctx[NR_CPUS];

inline void xsave_to(struct xregs_state* x)
{
	if (fpu_kernel_cfg.xsaveopt)
		asm volatile("xsaveopt64 %0" : "+m"(*x) : "a"(-1), "d"(-1) : "memory");
	else
		asm volatile("xsave64 %0" : "+m"(*x) : "a"(-1), "d"(-1) : "memory");
}

void fpstate_init_user(struct fpstate* fps)
{
	lib::memset(&fps->regs, 0, fpu_kernel_cfg.size);
	fps->size = fpu_kernel_cfg.size;
	fps->xfeatures = fpu_kernel_cfg.features;
	fps->regs.i387.cwd = FCW_DEFAULT;
	fps->regs.i387.mxcsr = MXCSR_DEFAULT;
	/* XRSTOR loads the legacy area (FCW, MXCSR) from memory; the other
	 * components start in their init state (zero) */
	if (fpu_kernel_cfg.xsave)
		fps->regs.header.xfeatures = XFEATURE_MASK_FP | XFEATURE_MASK_SSE;
}

struct fpstate* fpstate_alloc()
{
	return static_cast<struct fpstate*>(kmem_cache_alloc(fpstate_cachep, GFP_KERNEL));
}

} // namespace

/* load current's fpstate into this CPU's registers and make it the
 * owner; interrupts off (a switch in between would save the registers
 * over the fpstate) */
void fpregs_load_current()
{
	struct fpu* fpu = &current->thread.fpu;
	unsigned cpu = raw_smp_processor_id();
	restore_fpregs_from_fpstate(fpu->fpstate);
	fpu_fpregs_owner_ctx[cpu] = fpu;
	fpu->last_cpu = cpu;
}

/* the initial registers, loaded as they are for a signal handler and
 * exec (Linux: init_fpstate) */
struct fpstate* init_fpstate;

void fpstate_cache_init()
{
	unsigned size = unsigned(offsetof(struct fpstate, regs)) + fpu_kernel_cfg.size;
	fpstate_cachep = kmem_cache_create("fpstate", size, 64, SLAB_PANIC, nullptr);
	init_fpstate = fpstate_alloc();
	if (init_fpstate)
		fpstate_init_user(init_fpstate);
}

void save_fpregs_to_fpstate(struct fpu* fpu)
{
	if (fpu_kernel_cfg.xsave)
		xsave_to(&fpu->fpstate->regs);
	else
		asm volatile("fxsave64 %0" : "=m"(fpu->fpstate->regs.i387)::"memory");
}

void restore_fpregs_from_fpstate(struct fpstate* fps)
{
	if (fpu_kernel_cfg.xsave)
		asm volatile("xrstor64 %0" ::"m"(fps->regs), "a"(-1), "d"(-1) : "memory");
	else
		asm volatile("fxrstor64 %0" ::"m"(fps->regs.i387) : "memory");
}

lib::Result<void> fpstate_alloc_init(struct task_struct* tsk)
{
	if (tsk->thread.fpu.fpstate)
		return lib::ok();
	struct fpstate* fps = fpstate_alloc();
	if (!fps)
		return lib::Error{ENOMEM};
	fpstate_init_user(fps);
	unsigned long flags = arch_local_irq_save();
	tsk->thread.fpu.last_cpu = ~0u;
	tsk->thread.fpu.fpstate = fps;
	if (tsk == current)
		fpregs_load_current(); /* the registers still hold another task's */
	arch_local_irq_restore(flags);
	return lib::ok();
}

lib::Result<void> fpu_clone(struct task_struct* dst, struct task_struct* src)
{
	dst->thread.fpu.fpstate = nullptr; /* the memcpy copied the parent's pointer */
	dst->thread.fpu.last_cpu = ~0u;
	if (!src->thread.fpu.fpstate)
		return lib::ok(); /* a kernel thread's child: nothing to copy */
	struct fpstate* fps = fpstate_alloc();
	if (!fps)
		return lib::Error{ENOMEM};
	if (src == current) {
		/* the parent's live registers are newer than its fpstate */
		unsigned long flags = arch_local_irq_save();
		save_fpregs_to_fpstate(&src->thread.fpu);
		arch_local_irq_restore(flags);
	}
	lib::memcpy(fps, src->thread.fpu.fpstate, offsetof(struct fpstate, regs) + fpu_kernel_cfg.size);
	dst->thread.fpu.fpstate = fps;
	return lib::ok();
}

void fpstate_free(struct task_struct* tsk)
{
	if (tsk->thread.fpu.fpstate) {
		kmem_cache_free(fpstate_cachep, tsk->thread.fpu.fpstate);
		tsk->thread.fpu.fpstate = nullptr;
	}
}

void fpu__clear_user_states(struct task_struct* tsk)
{
	struct fpstate* fps = tsk->thread.fpu.fpstate;
	if (!fps)
		return;
	unsigned long flags = arch_local_irq_save();
	if (tsk == current && init_fpstate) {
		/* the registers from the initial image, current their owner:
		 * its fpstate is stale until the next switch saves them
		 * (Linux: restore_fpregs_from_init_fpstate, fpregs_mark_activate) */
		restore_fpregs_from_fpstate(init_fpstate);
		unsigned cpu = raw_smp_processor_id();
		fpu_fpregs_owner_ctx[cpu] = &tsk->thread.fpu;
		tsk->thread.fpu.last_cpu = cpu;
	} else {
		fpstate_init_user(fps);
		if (tsk == current)
			fpregs_load_current(); /* eager: the registers are live */
		else
			tsk->thread.fpu.last_cpu = ~0u;
	}
	arch_local_irq_restore(flags);
}

void fpu__drop(struct task_struct* tsk)
{
	/* nothing to save at the last switch (switch_fpu_prepare checks
	 * PF_EXITING); forget that this CPU's registers hold it */
	unsigned long flags = arch_local_irq_save();
	unsigned cpu = raw_smp_processor_id();
	if (fpu_fpregs_owner_ctx[cpu] == &tsk->thread.fpu)
		fpu_fpregs_owner_ctx[cpu] = nullptr;
	tsk->thread.fpu.last_cpu = ~0u;
	arch_local_irq_restore(flags);
}

void switch_fpu_prepare(struct task_struct* prev, unsigned int cpu)
{
	struct fpu* fpu = &prev->thread.fpu;
	if (!fpu->fpstate || (prev->flags & PF_EXITING))
		return;
	save_fpregs_to_fpstate(fpu);
	fpu->last_cpu = cpu;
	fpu_fpregs_owner_ctx[cpu] = fpu;
}

void switch_fpu_finish(struct task_struct* next, unsigned int cpu)
{
	struct fpu* fpu = &next->thread.fpu;
	if (!fpu->fpstate)
		return; /* a kernel thread: leave the registers as they are */
	if (fpu_fpregs_owner_ctx[cpu] == fpu && fpu->last_cpu == cpu)
		return; /* still loaded here */
	restore_fpregs_from_fpstate(fpu->fpstate);
	fpu_fpregs_owner_ctx[cpu] = fpu;
	fpu->last_cpu = cpu;
}
