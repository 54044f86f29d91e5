/*
 * The architecture's half of the context switch (Linux: arch/x86/kernel/
 * process_64.c __switch_to, process.c copy_thread/ret_from_fork,
 * arch/x86/include/asm/switch_to.h struct inactive_task_frame,
 * kernel/stacktrace.c stack_trace_save_tsk, dumpstack.c show_stack).
 *
 * Data structures: struct inactive_task_frame, at a switched-out task's
 * thread.sp: the callee-saved registers __switch_to_asm pushed and the
 * address it returns to.  A new kernel thread's frame (copy_thread) holds
 * fn in %rbx, its argument in %r12, %rbp = 0 and returns to
 * ret_from_fork_asm; it sits below a 16-byte pad at the stack top so the
 * calls made from there see a 16-byte aligned stack.
 *
 * Invariants: a task that is not running has thread.sp pointing at its
 * inactive_task_frame; only __switch_to_asm changes the stack pointer
 * between tasks, with the run-queue lock held and interrupts off;
 * __switch_to makes next current and points TSS.sp0 at the top of next's
 * stack (the stack an interrupt from user mode will land on).
 *
 * Lock order: called under rq->lock (kernel/sched/core.cc).
 */
#include <arch/desc.h>
#include <arch/stacktrace.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/sched/debug.h>
#include <kernel/sched/task.h>
#include <kernel/sched/task_stack.h>
#include <kernel/kallsyms.h>

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
	set_current_task(next);
	update_task_stack(task_stack_top(next));
	return prev;
}

struct task_struct* switch_to(struct task_struct* prev, struct task_struct* next)
{
	return __switch_to_asm(prev, next, &prev->thread.sp, next->thread.sp);
}

extern "C" [[noreturn]] void ret_from_fork(struct task_struct* prev, int (*fn)(void*), void* arg)
{
	schedule_tail(prev);
	kthread_exit_fn(fn(arg));
}

int copy_thread(struct task_struct* p, int (*fn)(void*), void* arg)
{
	uintptr_t top = task_stack_top(p) - 16;
	auto* frame = reinterpret_cast<struct inactive_task_frame*>(top - sizeof(struct inactive_task_frame));
	*frame = {};
	frame->bx = reinterpret_cast<unsigned long>(fn);
	frame->r12 = reinterpret_cast<unsigned long>(arg);
	frame->bp = 0;
	frame->ret_addr = reinterpret_cast<unsigned long>(ret_from_fork_asm);
	p->thread.sp = reinterpret_cast<unsigned long>(frame);
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
