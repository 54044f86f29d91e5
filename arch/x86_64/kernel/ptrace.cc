/*
 * ptrace's x86_64 half: the tracee's registers (Linux:
 * arch/x86/kernel/ptrace.c getreg/putreg, genregs_get/set, arch_ptrace,
 * user_enable_single_step in step.c; fpu/regset.c xfpregs_get/set,
 * xstateregs_get).
 *
 * struct user_regs_struct is pt_regs' 21 words in pt_regs' order, then
 * fs_base, gs_base and the ds/es/fs/gs selectors (0 for 64-bit tasks
 * here: the kernel never loads others).  PEEKUSR/POKEUSR address the
 * regs part of struct user by offset; u_debugreg reads 0.  The FPU
 * registers are the tracee's saved image (it is off its CPU, so the image
 * is current); a write forces a reload (last_cpu invalid).
 *
 * Checks as Linux's putreg: cs and ss non-zero with RPL 3, the data
 * selectors 0 or RPL 3, fs_base/gs_base below TASK_SIZE_MAX, only the
 * arithmetic flags plus TF, DF, RF, AC writable in eflags; SETFPREGS
 * refuses MXCSR reserved bits (EINVAL).
 */
#include <arch/fpu.h>
#include <arch/processor.h>
#include <arch/segment.h>
#include <kernel/printk.h>
#include <kernel/ptrace.h>
#include <kernel/sched.h>
#include <kernel/sched/task_stack.h>
#include <kernel/uaccess.h>
#include <lib/string.h>
#include <uapi/asm-generic/errno-base.h>

#include <cstddef>

namespace
{
struct user_regs_struct {
	unsigned long r15, r14, r13, r12, bp, bx, r11, r10, r9, r8, ax, cx, dx, si, di, orig_ax, ip, cs, flags, sp, ss;
	unsigned long fs_base, gs_base, ds, es, fs, gs;
};
static_assert(sizeof(user_regs_struct) == 27 * 8);
static_assert(offsetof(user_regs_struct, orig_ax) == offsetof(pt_regs, orig_ax));
static_assert(offsetof(user_regs_struct, ss) == offsetof(pt_regs, ss));

/* struct user (Linux: arch/x86/include/asm/user_64.h) */
constexpr unsigned long USER_I387_OFFSET = 224;
constexpr unsigned long USER_DEBUGREG_OFFSET = 848;
constexpr unsigned long SIZEOF_STRUCT_USER = 912;

constexpr unsigned long FLAG_MASK = X86_EFLAGS_CF | X86_EFLAGS_PF | X86_EFLAGS_AF | X86_EFLAGS_ZF | X86_EFLAGS_SF |
                                    X86_EFLAGS_TF | X86_EFLAGS_DF | X86_EFLAGS_OF | X86_EFLAGS_RF | X86_EFLAGS_AC;

bool invalid_selector(unsigned long v)
{
	return v != 0 && (v & 3) != 3;
}

unsigned long getreg(struct task_struct* child, unsigned long offset)
{
	struct pt_regs* regs = task_pt_regs(child);
	switch (offset) {
	case offsetof(user_regs_struct, fs_base):
		return child->thread.fsbase;
	case offsetof(user_regs_struct, gs_base):
		return child->thread.gsbase;
	case offsetof(user_regs_struct, ds):
	case offsetof(user_regs_struct, es):
	case offsetof(user_regs_struct, fs):
	case offsetof(user_regs_struct, gs):
		return 0;
	case offsetof(user_regs_struct, flags): {
		unsigned long f = regs->flags;
		if (test_tsk_thread_flag(child, TIF_FORCED_TF))
			f &= ~X86_EFLAGS_TF; /* the tracer's own TF is hidden */
		return f;
	}
	default:
		return *reinterpret_cast<unsigned long*>(reinterpret_cast<char*>(regs) + offset);
	}
}

lib::Result<void> putreg(struct task_struct* child, unsigned long offset, unsigned long value)
{
	struct pt_regs* regs = task_pt_regs(child);
	switch (offset) {
	case offsetof(user_regs_struct, cs):
	case offsetof(user_regs_struct, ss):
		if (value == 0 || invalid_selector(value))
			return lib::Error{EIO};
		/* a 64-bit task keeps the user selectors (no 32-bit code segments here) */
		if ((offset == offsetof(user_regs_struct, cs) && value != __USER_CS) ||
		    (offset == offsetof(user_regs_struct, ss) && value != __USER_DS)) {
			printk_once(KERN_INFO "ptrace: only the 64-bit user cs/ss can be set\n");
			return lib::Error{EIO};
		}
		*reinterpret_cast<unsigned long*>(reinterpret_cast<char*>(regs) + offset) = value;
		return lib::ok();
	case offsetof(user_regs_struct, ds):
	case offsetof(user_regs_struct, es):
	case offsetof(user_regs_struct, fs):
	case offsetof(user_regs_struct, gs):
		if (invalid_selector(value))
			return lib::Error{EIO};
		if (value != 0) {
			printk_once(KERN_INFO "ptrace: data segment selectors other than 0 are not kept\n");
			return lib::Error{EIO};
		}
		return lib::ok();
	case offsetof(user_regs_struct, fs_base):
		if (value >= TASK_SIZE_MAX)
			return lib::Error{EIO};
		child->thread.fsbase = value;
		return lib::ok();
	case offsetof(user_regs_struct, gs_base):
		if (value >= TASK_SIZE_MAX)
			return lib::Error{EIO};
		child->thread.gsbase = value;
		return lib::ok();
	case offsetof(user_regs_struct, flags):
		/* a TF the tracer set for single-stepping stays its own */
		if (test_tsk_thread_flag(child, TIF_FORCED_TF)) {
			if (value & X86_EFLAGS_TF)
				clear_tsk_thread_flag(child, TIF_FORCED_TF);
			else
				value |= X86_EFLAGS_TF;
		}
		regs->flags = (regs->flags & ~FLAG_MASK) | (value & FLAG_MASK);
		return lib::ok();
	default:
		*reinterpret_cast<unsigned long*>(reinterpret_cast<char*>(regs) + offset) = value;
		return lib::ok();
	}
}

void genregs_get(struct task_struct* child, user_regs_struct* out)
{
	auto* w = reinterpret_cast<unsigned long*>(out);
	for (unsigned i = 0; i < sizeof(*out) / 8; i++)
		w[i] = getreg(child, i * 8);
}

lib::Result<void> genregs_set(struct task_struct* child, const user_regs_struct* in, unsigned long len)
{
	auto* w = reinterpret_cast<const unsigned long*>(in);
	for (unsigned i = 0; i < len / 8; i++)
		TRY(putreg(child, i * 8, w[i]));
	return lib::ok();
}

struct fpstate* fpstate_of(struct task_struct* child)
{
	return child->thread.fpu.fpstate;
}

/* the image changed under a stopped task: its next switch-in loads it */
void fpu_force_restore(struct task_struct* child)
{
	child->thread.fpu.last_cpu = ~0u;
}

lib::Result<void> xfpregs_set(struct task_struct* child, const fxregs_state* in)
{
	struct fpstate* fps = fpstate_of(child);
	if (!fps)
		return lib::Error{ENODEV};
	if (in->mxcsr & ~0xffffU)
		return lib::Error{EINVAL};
	struct fxregs_state nfx = *in;
	/* the software-reserved bytes stay the kernel's (Linux clears them) */
	lib::memcpy(&fps->regs.i387, &nfx, offsetof(fxregs_state, padding));
	if (fpu_kernel_cfg.xsave)
		fps->regs.header.xfeatures |= XFEATURE_MASK_FP | XFEATURE_MASK_SSE;
	fpu_force_restore(child);
	return lib::ok();
}

/* the XSAVE image as NT_X86_XSTATE shows it: the standard format with the
 * software-reserved bytes of a signal frame (Linux: copy_xstate_to_uabi_buf) */
unsigned long xstate_size()
{
	return fpu_kernel_cfg.xsave ? fpu_kernel_cfg.size : 0;
}

constexpr unsigned long SW_BYTES_OFFSET = 464;

lib::Result<long> ptrace_regset(struct task_struct* child, long request, unsigned long type, unsigned long datap)
{
	struct iovec_k {
		unsigned long base;
		unsigned long len;
	} iov;
	if (copy_from_user(&iov, user_ptr<const void>(datap), sizeof(iov)))
		return lib::Error{EFAULT};
	unsigned long size;
	switch (type) {
	case NT_PRSTATUS:
		size = sizeof(user_regs_struct);
		break;
	case NT_PRFPREG:
		size = sizeof(fxregs_state);
		break;
	case NT_X86_XSTATE:
		size = xstate_size();
		if (!size)
			return lib::Error{ENODEV};
		break;
	default:
		return lib::Error{EINVAL};
	}
	if (iov.len % 8)
		return lib::Error{EINVAL};
	if (iov.len > size)
		iov.len = size;
	struct fpstate* fps = fpstate_of(child);
	if (request == PTRACE_GETREGSET) {
		switch (type) {
		case NT_PRSTATUS: {
			user_regs_struct r;
			genregs_get(child, &r);
			if (copy_to_user(user_ptr<void>(iov.base), &r, iov.len))
				return lib::Error{EFAULT};
			break;
		}
		case NT_PRFPREG:
			if (!fps)
				return lib::Error{ENODEV};
			if (copy_to_user(user_ptr<void>(iov.base), &fps->regs.i387, iov.len))
				return lib::Error{EFAULT};
			break;
		case NT_X86_XSTATE: {
			if (!fps)
				return lib::Error{ENODEV};
			/* a copy with the sw bytes filled in */
			unsigned long n = iov.len;
			const char* img = reinterpret_cast<const char*>(&fps->regs);
			struct sw_bytes {
				uint32_t magic1, extended_size;
				uint64_t xfeatures;
				uint32_t xstate_size, padding[7];
			} sw = {};
			sw.magic1 = FP_XSTATE_MAGIC1;
			sw.extended_size = uint32_t(size + 4);
			sw.xfeatures = fpu_kernel_cfg.features;
			sw.xstate_size = uint32_t(size);
			unsigned long head = n < SW_BYTES_OFFSET ? n : SW_BYTES_OFFSET;
			if (copy_to_user(user_ptr<void>(iov.base), img, head))
				return lib::Error{EFAULT};
			if (n > SW_BYTES_OFFSET) {
				unsigned long m = n - SW_BYTES_OFFSET < sizeof(sw) ? n - SW_BYTES_OFFSET : sizeof(sw);
				if (copy_to_user(user_ptr<void>(iov.base + SW_BYTES_OFFSET), &sw, m))
					return lib::Error{EFAULT};
			}
			if (n > 512 && copy_to_user(user_ptr<void>(iov.base + 512), img + 512, n - 512))
				return lib::Error{EFAULT};
			break;
		}
		}
	} else {
		switch (type) {
		case NT_PRSTATUS: {
			user_regs_struct r;
			genregs_get(child, &r);
			if (copy_from_user(&r, user_ptr<const void>(iov.base), iov.len))
				return lib::Error{EFAULT};
			TRY(genregs_set(child, &r, sizeof(r)));
			break;
		}
		case NT_PRFPREG: {
			if (!fps)
				return lib::Error{ENODEV};
			fxregs_state fx = fps->regs.i387;
			if (copy_from_user(&fx, user_ptr<const void>(iov.base), iov.len))
				return lib::Error{EFAULT};
			TRY(xfpregs_set(child, &fx));
			break;
		}
		case NT_X86_XSTATE:
			printk_once(KERN_INFO "ptrace: SETREGSET NT_X86_XSTATE not implemented\n");
			return lib::Error{EINVAL};
		}
	}
	if (copy_to_user(user_ptr<void>(datap + 8), &iov.len, sizeof(iov.len)))
		return lib::Error{EFAULT};
	return 0;
}
} // namespace

void user_enable_single_step(struct task_struct* child)
{
	struct pt_regs* regs = task_pt_regs(child);
	set_tsk_thread_flag(child, TIF_SINGLESTEP);
	__atomic_or_fetch(&child->thread_info.syscall_work, SYSCALL_WORK_SYSCALL_EXIT_TRAP, __ATOMIC_RELAXED);
	if (regs->flags & X86_EFLAGS_TF) {
		/* the program's own TF: leave it (Linux: enable_single_step) */
		if (!test_tsk_thread_flag(child, TIF_FORCED_TF))
			return;
	}
	regs->flags |= X86_EFLAGS_TF;
	set_tsk_thread_flag(child, TIF_FORCED_TF);
}

void user_disable_single_step(struct task_struct* child)
{
	clear_tsk_thread_flag(child, TIF_SINGLESTEP);
	__atomic_and_fetch(&child->thread_info.syscall_work, ~SYSCALL_WORK_SYSCALL_EXIT_TRAP, __ATOMIC_RELAXED);
	if (test_tsk_thread_flag(child, TIF_FORCED_TF)) {
		clear_tsk_thread_flag(child, TIF_FORCED_TF);
		task_pt_regs(child)->flags &= ~X86_EFLAGS_TF;
	}
}

lib::Result<long> arch_ptrace(struct task_struct* child, long request, unsigned long addr, unsigned long data)
{
	switch (request) {
	case PTRACE_PEEKUSR: {
		if ((addr & 7) || addr >= SIZEOF_STRUCT_USER)
			return lib::Error{EIO};
		unsigned long tmp = 0;
		if (addr < sizeof(user_regs_struct))
			tmp = getreg(child, addr);
		TRY(put_user(tmp, user_ptr<unsigned long>(data)));
		return 0;
	}
	case PTRACE_POKEUSR:
		if ((addr & 7) || addr >= SIZEOF_STRUCT_USER)
			return lib::Error{EIO};
		if (addr < sizeof(user_regs_struct)) {
			TRY(putreg(child, addr, data));
		} else if (addr >= USER_DEBUGREG_OFFSET && data != 0) {
			printk_once(KERN_INFO "ptrace: hardware debug registers are not implemented\n");
			return lib::Error{EIO};
		}
		return 0;
	case PTRACE_GETREGS: {
		user_regs_struct r;
		genregs_get(child, &r);
		if (copy_to_user(user_ptr<void>(data), &r, sizeof(r)))
			return lib::Error{EFAULT};
		return 0;
	}
	case PTRACE_SETREGS: {
		user_regs_struct r;
		if (copy_from_user(&r, user_ptr<const void>(data), sizeof(r)))
			return lib::Error{EFAULT};
		TRY(genregs_set(child, &r, sizeof(r)));
		return 0;
	}
	case PTRACE_GETFPREGS: {
		struct fpstate* fps = fpstate_of(child);
		if (!fps)
			return lib::Error{ENODEV};
		if (copy_to_user(user_ptr<void>(data), &fps->regs.i387, sizeof(fxregs_state)))
			return lib::Error{EFAULT};
		return 0;
	}
	case PTRACE_SETFPREGS: {
		fxregs_state fx;
		if (copy_from_user(&fx, user_ptr<const void>(data), sizeof(fx)))
			return lib::Error{EFAULT};
		TRY(xfpregs_set(child, &fx));
		return 0;
	}
	case PTRACE_GETREGSET:
	case PTRACE_SETREGSET:
		return ptrace_regset(child, request, addr, data);
	default:
		return ptrace_request(child, request, addr, data);
	}
}

static_assert(USER_I387_OFFSET == 27 * 8 + 8);
