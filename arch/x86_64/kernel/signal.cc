/*
 * The x86_64 signal frame, rt_sigreturn and system-call restart (Linux:
 * arch/x86/kernel/signal.c, arch/x86/include/uapi/asm/sigcontext.h,
 * asm/sigframe.h).
 *
 * The frame, exactly as Linux lays it out, from the new stack pointer up:
 *   struct rt_sigframe { pretcode (sa_restorer), struct ucontext uc,
 *                        siginfo_t info (128 bytes) }
 *   ... padding ...
 *   the FPU state (XSAVE image + FP_XSTATE_MAGIC2), 64-byte aligned
 * below the interrupted stack pointer less the 128-byte red zone (or at
 * the top of the alternate stack for SA_ONSTACK).  The frame's address is
 * 16-byte aligned less 8, so the handler starts as if called: (rsp + 8)
 * % 16 == 0.  The handler gets rdi = sig, rsi = &info, rdx = &uc, rax = 0,
 * the FPU in its initial state, DF/RF/TF clear.  uc_flags =
 * UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS, and UC_FP_XSTATE on a CPU
 * with XSAVES (Linux 6.1's test).
 *
 * rt_sigreturn reads the ucontext back: the general registers, RFLAGS's
 * user-changeable bits only (FIX_EFLAGS), CS and SS with RPL 3 (a
 * selector other than the user code and data ones is a SIGSEGV, as
 * Linux's IRET fault would be; an SS without UC_STRICT_RESTORE_SS is
 * replaced by __USER_DS, Linux's force_valid_ss), the FPU state (a
 * refused one is SIGSEGV), the mask and the alternate stack; orig_ax -1,
 * so nothing restarts.
 *
 * Restart (Linux: handle_signal, arch_do_signal_or_restart): a system
 * call that returned -ERESTART* is either rewound (ax = orig_ax, ip -= 2,
 * the SYSCALL instruction's length) or fails with EINTR, by the handler's
 * SA_RESTART; with no handler ERESTART_RESTARTBLOCK becomes
 * restart_syscall(2).
 *
 * Invariants: this runs on the way out to user mode, interrupts on,
 * current's pt_regs the user's registers; any change of ip/sp/cx/r11 makes
 * the exit take IRET (syscall_can_sysret).
 */
#include <arch/fpu.h>
#include <arch/processor.h>
#include <arch/ptrace.h>
#include <arch/segment.h>
#include <kernel/entry-common.h>
#include <kernel/restart.h>
#include <kernel/sched.h>
#include <kernel/sched/signal.h>
#include <kernel/sched/task_stack.h>
#include <kernel/signal.h>
#include <kernel/syscalls.h>
#include <kernel/uaccess.h>
#include <uapi/asm-generic/errno-base.h>
#include <uapi/asm-generic/errno.h>

namespace
{
/* Linux: arch/x86/include/uapi/asm/sigcontext.h, struct sigcontext (64-bit) */
struct sigcontext_64 {
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t di, si, bp, bx, dx, ax, cx, sp, ip, flags;
	uint16_t cs, gs, fs, ss;
	uint64_t err, trapno, oldmask, cr2;
	uint64_t fpstate; /* the FPU image, 0 if none */
	uint64_t reserved1[8];
};
static_assert(sizeof(struct sigcontext_64) == 256);

struct stack_t_64 {
	uint64_t ss_sp;
	int32_t ss_flags;
	uint64_t ss_size;
};
static_assert(sizeof(struct stack_t_64) == 24);

/* Linux: include/uapi/asm-generic/ucontext.h */
struct ucontext {
	uint64_t uc_flags;
	uint64_t uc_link;
	struct stack_t_64 uc_stack;
	struct sigcontext_64 uc_mcontext;
	sigset_t uc_sigmask;
};
static_assert(sizeof(struct ucontext) == 304);

/* Linux: arch/x86/include/asm/sigframe.h */
struct rt_sigframe {
	uint64_t pretcode;
	struct ucontext uc;
	uint8_t info[SI_MAX_SIZE];
	/* the FPU state follows, above */
};
static_assert(sizeof(struct rt_sigframe) == 440);

constexpr uint64_t UC_FP_XSTATE = 0x1;
constexpr uint64_t UC_SIGCONTEXT_SS = 0x2;
constexpr uint64_t UC_STRICT_RESTORE_SS = 0x4;

constexpr uint64_t FIX_EFLAGS = X86_EFLAGS_AC | (1UL << 11) /* OF */ | X86_EFLAGS_DF | X86_EFLAGS_TF |
                                (1UL << 7) /* SF */ | (1UL << 6) /* ZF */ | (1UL << 4) /* AF */ |
                                (1UL << 2) /* PF */ | X86_EFLAGS_CF | X86_EFLAGS_RF;

constexpr long NR_restart_syscall = 219;

uint64_t frame_uc_flags()
{
	/* Linux 6.1 sets UC_FP_XSTATE only on CPUs with XSAVES (CPUID 0xD.1
	 * EAX bit 3), though the image has the XSAVE magic whenever XSAVE is used */
	static const bool xsaves = cpuid(0, 0).eax >= 0xd && (cpuid(0xd, 1).eax & (1u << 3));
	uint64_t flags = UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS;
	if (xsaves)
		flags |= UC_FP_XSTATE;
	return flags;
}

/* Linux: get_sigframe.  0 if the frame cannot go there. */
unsigned long get_sigframe(struct ksignal* ksig, struct pt_regs* regs, unsigned long frame_size,
                           unsigned long* fpstate)
{
	struct task_struct* t = current;
	bool onsigstack = on_sig_stack(regs->sp);
	bool entering_altstack = false;
	unsigned long sp = regs->sp - 128; /* the red zone */
	if (ksig->ka.sa.sa_flags & SA_ONSTACK) {
		if (sas_ss_flags(sp) == 0) {
			sp = t->sas_ss_sp + t->sas_ss_size;
			entering_altstack = true;
		}
	}
	/* the FPU image, 64-byte aligned (Linux: fpu__alloc_mathframe) */
	sp = (sp - fpu_sigframe_size()) & ~63UL;
	*fpstate = sp;
	/* the frame: (sp + 8) % 16 == 0 at the handler's entry (Linux: align_sigframe) */
	sp = ((sp - frame_size) & ~15UL) - 8;
	if ((onsigstack || entering_altstack) &&
	    (sp <= t->sas_ss_sp || sp - t->sas_ss_sp > t->sas_ss_size))
		return 0; /* it would overflow the alternate stack */
	if (!copy_fpstate_to_sigframe(*fpstate))
		return 0;
	return sp;
}

int setup_rt_frame(struct ksignal* ksig, struct pt_regs* regs)
{
	sigset_t* set = sigmask_to_save();
	unsigned long fp;
	/* no restorer, no way back: Linux refuses the frame (SIGSEGV) */
	if (!(ksig->ka.sa.sa_flags & SA_RESTORER))
		return -EFAULT;
	unsigned long frame_addr = get_sigframe(ksig, regs, sizeof(struct rt_sigframe), &fp);
	if (!frame_addr)
		return -EFAULT;
	struct task_struct* t = current;
	struct rt_sigframe frame;
	frame.pretcode = (uint64_t)ksig->ka.sa.sa_restorer;
	frame.uc.uc_flags = frame_uc_flags();
	frame.uc.uc_link = 0;
	frame.uc.uc_stack = {t->sas_ss_sp, sas_ss_flags(regs->sp), t->sas_ss_size};
	struct sigcontext_64& sc = frame.uc.uc_mcontext;
	sc = {};
	sc.r8 = regs->r8, sc.r9 = regs->r9, sc.r10 = regs->r10, sc.r11 = regs->r11;
	sc.r12 = regs->r12, sc.r13 = regs->r13, sc.r14 = regs->r14, sc.r15 = regs->r15;
	sc.di = regs->di, sc.si = regs->si, sc.bp = regs->bp, sc.bx = regs->bx;
	sc.dx = regs->dx, sc.ax = regs->ax, sc.cx = regs->cx, sc.sp = regs->sp;
	sc.ip = regs->ip, sc.flags = regs->flags;
	sc.cs = uint16_t(regs->cs), sc.gs = 0, sc.fs = 0, sc.ss = uint16_t(regs->ss);
	sc.err = t->thread.error_code;
	sc.trapno = t->thread.trap_nr;
	sc.oldmask = set->sig[0];
	sc.cr2 = t->thread.cr2;
	sc.fpstate = fp;
	frame.uc.uc_sigmask = *set;
	/* siginfo only for SA_SIGINFO, as Linux (the bytes are left as they were otherwise) */
	unsigned long len = offsetof(struct rt_sigframe, info);
	if (copy_to_user(user_ptr<void>(frame_addr), &frame, len))
		return -EFAULT;
	if (ksig->ka.sa.sa_flags & SA_SIGINFO) {
		if (!copy_siginfo_to_user(user_ptr<void>(frame_addr + len), &ksig->info).is_ok())
			return -EFAULT;
	}
	regs->di = uint64_t(ksig->sig);
	regs->ax = 0;
	regs->si = frame_addr + offsetof(struct rt_sigframe, info);
	regs->dx = frame_addr + offsetof(struct rt_sigframe, uc);
	regs->ip = (uint64_t)ksig->ka.sa.sa_handler;
	regs->sp = frame_addr;
	regs->cs = __USER_CS;
	regs->ss = __USER_DS;
	return 0;
}

void handle_signal(struct ksignal* ksig, struct pt_regs* regs)
{
	/* from a system call: restart it or make it fail with EINTR */
	if (long(regs->orig_ax) >= 0) {
		switch (long(regs->ax)) {
		case -ERESTART_RESTARTBLOCK:
		case -ERESTARTNOHAND:
			regs->ax = uint64_t(-EINTR);
			break;
		case -ERESTARTSYS:
			if (!(ksig->ka.sa.sa_flags & SA_RESTART)) {
				regs->ax = uint64_t(-EINTR);
				break;
			}
			[[fallthrough]];
		case -ERESTARTNOINTR:
			regs->ax = regs->orig_ax;
			regs->ip -= 2;
			break;
		}
	}
	bool failed = setup_rt_frame(ksig, regs) < 0;
	if (!failed) {
		regs->flags &= ~(X86_EFLAGS_DF | X86_EFLAGS_RF | X86_EFLAGS_TF);
		fpu__clear_user_states(current); /* the handler starts with a clean FPU */
	}
	signal_setup_done(failed, ksig, 0);
}

/* Linux: restore_sigcontext */
bool restore_sigcontext(struct pt_regs* regs, const struct sigcontext_64& sc, uint64_t uc_flags)
{
	regs->r8 = sc.r8, regs->r9 = sc.r9, regs->r10 = sc.r10, regs->r11 = sc.r11;
	regs->r12 = sc.r12, regs->r13 = sc.r13, regs->r14 = sc.r14, regs->r15 = sc.r15;
	regs->di = sc.di, regs->si = sc.si, regs->bp = sc.bp, regs->bx = sc.bx;
	regs->dx = sc.dx, regs->ax = sc.ax, regs->cx = sc.cx, regs->sp = sc.sp;
	regs->ip = sc.ip;
	regs->flags = (regs->flags & ~FIX_EFLAGS) | (sc.flags & FIX_EFLAGS);
	regs->orig_ax = ~0ULL; /* no restart */
	uint64_t cs = sc.cs | 3U, ss = sc.ss | 3U;
	if (cs != __USER_CS)
		return false; /* no 32-bit compatibility mode, no LDT: IRET would fault */
	if (ss != __USER_DS) {
		if (uc_flags & UC_STRICT_RESTORE_SS)
			return false;
		ss = __USER_DS; /* Linux: force_valid_ss */
	}
	regs->cs = cs;
	regs->ss = ss;
	return fpu__restore_sig(sc.fpstate);
}
} // namespace

void arch_do_signal_or_restart(struct pt_regs* regs)
{
	struct ksignal ksig;
	if (get_signal(&ksig)) {
		handle_signal(&ksig, regs);
		return;
	}
	/* no handler ran: a restartable system call goes again */
	if (long(regs->orig_ax) >= 0) {
		switch (long(regs->ax)) {
		case -ERESTARTNOHAND:
		case -ERESTARTSYS:
		case -ERESTARTNOINTR:
			regs->ax = regs->orig_ax;
			regs->ip -= 2;
			break;
		case -ERESTART_RESTARTBLOCK:
			regs->ax = NR_restart_syscall;
			regs->ip -= 2;
			break;
		}
	}
	restore_saved_sigmask();
}

SYSCALL_DEFINE0(rt_sigreturn)
{
	struct pt_regs* regs = current_pt_regs();
	/* the frame's pretcode was popped by the handler's ret */
	unsigned long frame = regs->sp - sizeof(uint64_t);
	struct ucontext uc;
	if (copy_from_user(&uc, user_ptr<const void>(frame + offsetof(struct rt_sigframe, uc)), sizeof(uc))) {
		force_sig(SIGSEGV);
		return 0;
	}
	set_current_blocked(&uc.uc_sigmask);
	if (!restore_sigcontext(regs, uc.uc_mcontext, uc.uc_flags)) {
		force_sig(SIGSEGV); /* Linux: signal_fault's SIGSEGV */
		return 0;
	}
	/* restore_altstack: a bad one is ignored, as Linux */
	struct task_struct* t = current;
	if (!on_sig_stack(regs->sp)) {
		unsigned int mode = unsigned(uc.uc_stack.ss_flags) & ~SS_FLAG_BITS;
		if (mode == SS_DISABLE) {
			t->sas_ss_sp = 0;
			t->sas_ss_size = 0;
			t->sas_ss_flags = unsigned(uc.uc_stack.ss_flags);
		} else if ((mode == 0 || mode == SS_ONSTACK) && uc.uc_stack.ss_size >= MINSIGSTKSZ) {
			t->sas_ss_sp = uc.uc_stack.ss_sp;
			t->sas_ss_size = uc.uc_stack.ss_size;
			t->sas_ss_flags = unsigned(uc.uc_stack.ss_flags);
		}
	}
	return long(regs->ax);
}
