/*
 * The architecture's half of the context switch and of a task's user
 * registers (Linux: arch/x86/kernel/process_64.c __switch_to,
 * start_thread, do_arch_prctl_64; process.c copy_thread/ret_from_fork,
 * flush_thread; arch/x86/include/asm/switch_to.h struct
 * inactive_task_frame; kernel/stacktrace.c stack_trace_save_tsk,
 * dumpstack.c show_stack).
 *
 * Data structures: struct pt_regs at the top of every task's stack
 * (task_pt_regs): where entry_SYSCALL_64 and an interrupt or exception
 * from user mode save the user registers, and what the return to user
 * mode restores.  Below it, while the task is new or switched out, struct
 * inactive_task_frame at thread.sp: the callee-saved registers
 * __switch_to_asm pushed and the address it returns to.  A new task's
 * frame (copy_thread) holds fn in %rbx, its argument in %r12, %rbp = 0 and
 * returns to ret_from_fork_asm; a user fork child's frame has fn NULL and
 * its pt_regs are the parent's with ax = 0 (and the new stack and TLS).  thread.fsbase/gsbase: the user's FS and
 * GS bases (arch_prctl); thread.fpu: the user's FPU registers (fpu/).
 *
 * Invariants: a task that is not running has thread.sp pointing at its
 * inactive_task_frame; only __switch_to_asm changes the stack pointer
 * between tasks, with the run-queue lock held and interrupts off;
 * __switch_to makes next current, points TSS.sp0 and pcpu_hot.top_of_stack
 * at the top of next's stack (where an interrupt from user mode and a
 * system call build their pt_regs), saves prev's FPU registers and loads
 * next's, and loads a user task's FS base and (inactive) GS base.  The
 * kernel's own GS base never changes: it is the CPU's pcpu_hot.
 *
 * Lock order: called under rq->lock (kernel/sched/core.cc).
 */
#include <arch/desc.h>
#include <arch/fpu.h>
#include <arch/processor.h>
#include <arch/prctl.h>
#include <arch/stacktrace.h>
#include <kernel/exit.h>
#include <kernel/panic.h>
#include <kernel/irqflags.h>
#include <kernel/signal.h>
#include <uapi/asm-generic/errno-base.h>
#include <kernel/entry-common.h>
#include <kernel/syscalls.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/sched/debug.h>
#include <kernel/sched/task.h>
#include <kernel/sched/task_stack.h>
#include <kernel/kallsyms.h>
#include <uapi/linux/sched.h>

struct inactive_task_frame {
	unsigned long r15, r14, r13, r12, bx, bp, ret_addr;
};

void update_task_stack(uintptr_t sp0); /* cpu.cc */
extern "C" void ret_from_fork_asm();
extern "C" struct task_struct* __switch_to_asm(struct task_struct* prev, struct task_struct* next,
                                               unsigned long* prev_sp, unsigned long next_sp);
void schedule_tail(struct task_struct* prev); /* kernel/sched/core.cc */
[[noreturn]] void kthread_exit_fn(int ret);   /* kernel/kthread.cc: the end of every kernel thread */

/* the task whose stack get_stack_bounds also accepts (cpu.cc) */
extern const struct task_struct* stack_walk_task;

extern "C" struct task_struct* __switch_to(struct task_struct* prev, struct task_struct* next)
{
	unsigned cpu = raw_smp_processor_id(); /* interrupts are off */
	switch_fpu_prepare(prev, cpu);
	set_current_task(next);
	update_task_stack(task_stack_top(next));
	this_cpu_hot()->top_of_stack = task_stack_top(next);
	if (!(next->flags & PF_KTHREAD)) {
		/* the user's bases (Linux: x86_fsgsbase_load); a kernel thread
		 * uses neither.  In the kernel the user's GS base is the
		 * inactive one, swapgs brings it back on the way out. */
		wrmsr(MSR_FS_BASE, next->thread.fsbase);
		wrmsr(MSR_KERNEL_GS_BASE, next->thread.gsbase);
	}
	switch_fpu_finish(next, cpu);
	return prev;
}

struct task_struct* switch_to(struct task_struct* prev, struct task_struct* next)
{
	return __switch_to_asm(prev, next, &prev->thread.sp, next->thread.sp);
}

/*
 * A new task's first C code.  A kernel thread runs fn and exits with its
 * result.  A user-mode thread (user_mode_thread: not PF_KTHREAD) runs fn,
 * which sets up its user registers (start_thread) and returns 0, then goes
 * to user mode through the exit path with the pt_regs at its stack top,
 * as Linux's kernel_init after kernel_execve; returning here, the caller
 * (ret_from_fork_asm) restores regs and IRETs.  A fork child (fn NULL)
 * goes straight there.
 */
extern "C" void ret_from_fork(struct task_struct* prev, int (*fn)(void*), void* arg, struct pt_regs* regs)
{
	schedule_tail(prev);
	if (fn) {
		int ret = fn(arg);
		if (current->flags & PF_KTHREAD)
			kthread_exit_fn(ret);
	}
	if (WARN_ON_ONCE(!current->thread.fpu.fpstate))
		do_exit(SIGKILL); /* never run user code on another task's registers */
	/* CLONE_CHILD_SETTID: the child writes its tid in its own memory
	 * (Linux does it in schedule_tail); a fault is ignored, as there */
	if (current->set_child_tid)
		(void)put_user(task_pid_nr(current), current->set_child_tid);
	syscall_exit_to_user_mode(regs);
}

int copy_thread(struct task_struct* p, const struct kernel_clone_args* args)
{
	struct pt_regs* regs = task_pt_regs(p);
	uintptr_t top = reinterpret_cast<uintptr_t>(regs);
	auto* frame = reinterpret_cast<struct inactive_task_frame*>(top - sizeof(struct inactive_task_frame));
	*frame = {};
	frame->bp = 0;
	frame->ret_addr = reinterpret_cast<unsigned long>(ret_from_fork_asm);
	p->thread.sp = reinterpret_cast<unsigned long>(frame);
	if ((p->flags & PF_KTHREAD) || args->fn) {
		/* the user registers zero until start_thread fills them (Linux
		 * leaves a kernel thread's zeroed as well) */
		*regs = {};
		frame->bx = reinterpret_cast<unsigned long>(args->fn);
		frame->r12 = reinterpret_cast<unsigned long>(args->fn_arg);
		return 0;
	}
	/* a user child: the parent's registers at its system call, returning
	 * 0, on the stack it was given (Linux: copy_thread's user half) */
	*regs = *current_pt_regs();
	regs->ax = 0;
	if (args->stack)
		regs->sp = args->stack;
	if (args->flags & CLONE_SETTLS) {
		/* x86_64_do_set_thread_area: a base the kernel's GS could be
		 * mistaken for is refused, as arch_prctl's */
		if (args->tls >= TASK_SIZE_MAX)
			return -EPERM;
		p->thread.fsbase = args->tls;
	}
	return 0;
}

unsigned stack_trace_save_tsk(struct task_struct* tsk, uintptr_t* trace, unsigned max)
{
	if (tsk == current) {
		uintptr_t bp = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
		return stack_trace_save_bp(bp, bp, trace, max);
	}
	if (!tsk->stack || tsk->on_cpu || !max)
		return 0;
	auto* frame = reinterpret_cast<const struct inactive_task_frame*>(tsk->thread.sp);
	if (!object_is_on_stack(tsk, frame))
		return 0;
	unsigned n = 0;
	trace[n++] = frame->ret_addr; /* in __schedule, where it switched out */
	stack_walk_task = tsk;
	n += stack_trace_save_bp(tsk->thread.sp, frame->bp, trace + n, max - n);
	stack_walk_task = nullptr;
	return n;
}

void show_stack(struct task_struct* tsk, const char* log_lvl)
{
	if (!tsk || tsk == current) {
		uintptr_t bp = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
		show_trace_log_lvl(bp, bp, log_lvl);
		return;
	}
	uintptr_t trace[32];
	unsigned n = stack_trace_save_tsk(tsk, trace, 32);
	/* as show_trace_log_lvl: a sleeping task's frames are all on its stack */
	printk("%sCall Trace:\n", log_lvl);
	printk("%s <TASK>\n", log_lvl);
	char sym[128];
	for (unsigned i = 0; i < n; i++) {
		sprint_backtrace(sym, sizeof(sym), trace[i]);
		printk("%s %s\n", log_lvl, sym);
	}
	printk("%s </TASK>\n", log_lvl);
}

void start_thread(struct pt_regs* regs, unsigned long new_ip, unsigned long new_sp)
{
	*regs = {}; /* no kernel value leaks to user mode (Linux: ELF_PLAT_INIT) */
	regs->ip = new_ip;
	regs->sp = new_sp;
	regs->cs = __USER_CS;
	regs->ss = __USER_DS;
	regs->flags = X86_EFLAGS_IF | X86_EFLAGS_FIXED;
	regs->orig_ax = ~0UL; /* not in a system call */
}

void flush_thread()
{
	struct task_struct* tsk = current;
	unsigned long flags;
	local_irq_save(flags); /* the fields and the MSRs together, not split by a switch */
	tsk->thread.fsbase = 0;
	tsk->thread.gsbase = 0;
	wrmsr(MSR_FS_BASE, 0);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
	local_irq_restore(flags);
	fpu__clear_user_states(tsk);
}

/*
 * arch_prctl (Linux: do_arch_prctl_64): the FS and GS bases of the
 * calling thread.  A base must lie below TASK_SIZE_MAX (EPERM): the
 * IST entries tell the kernel's GS base from the user's by its sign.
 */
lib::Result<long> do_arch_prctl_64(struct task_struct* task, int option, unsigned long arg2)
{
	switch (option) {
	case ARCH_SET_GS:
	case ARCH_SET_FS: {
		if (arg2 >= TASK_SIZE_MAX)
			return lib::Error{EPERM};
		unsigned long flags;
		local_irq_save(flags); /* the field and the MSR together */
		if (option == ARCH_SET_FS) {
			task->thread.fsbase = arg2;
			if (task == current)
				wrmsr(MSR_FS_BASE, arg2);
		} else {
			task->thread.gsbase = arg2;
			if (task == current)
				wrmsr(MSR_KERNEL_GS_BASE, arg2);
		}
		local_irq_restore(flags);
		return 0;
	}
	case ARCH_GET_FS:
	case ARCH_GET_GS: {
		unsigned long base = option == ARCH_GET_FS ? task->thread.fsbase : task->thread.gsbase;
		TRY(put_user(base, user_ptr<unsigned long>(arg2)));
		return 0;
	}
	case ARCH_GET_CPUID:
		return 1; /* CPUID is never made to fault */
	case ARCH_SET_CPUID:
		return lib::Error{ENODEV}; /* no CPUID faulting (Linux without the feature) */
	default:
		return lib::Error{EINVAL};
	}
}

SYSCALL_DEFINE2(arch_prctl, int, option, unsigned long, arg2)
{
	return do_arch_prctl_64(current, option, arg2);
}
