/*
 * The scheduler's debug output (Linux: include/linux/sched/debug.h):
 * sysrq-t's show_state() and its per-task sched_show_task() (kernel/
 * sched/debug.cc), the task count, and a task's backtrace (show_stack,
 * arch/x86_64/kernel/process.cc).
 */
#pragma once
#include <cstdint>

struct task_struct;

/* ---- introspection (kernel/sched/debug.cc) ---- */
/* sysrq-t's lines for one task, as Linux 6.1: "task:%-15.15s state:%c
 * stack:%-5lu pid:%-5d ppid:%-6d flags:0x%08lx" ("  running task    "
 * after the state of a running task), then its Call Trace */
void sched_show_task(struct task_struct* p);
/* sysrq-t: every task whose state has a bit of state_filter (0: all) */
void show_state_filter(unsigned int state_filter);
static inline void show_state()
{
	show_state_filter(0);
}
struct task_count {
	int processes;      /* thread-group leaders (user and kernel) */
	int threads;        /* every task */
	int kernel_threads; /* PF_KTHREAD tasks */
	int idle;           /* PF_IDLE tasks (swapper/N) */
};
/* count the task list (a countem); idle tasks are counted apart */
struct task_count count_tasks();
/* "tasks: N processes, N threads, N kernel threads, N idle" to the log */
void show_task_count();

/* the backtrace of tsk as Linux's show_stack ("Call Trace:", " <TASK>",
 * " func+0x1c/0x80"..., " </TASK>"): current from here, a sleeping task
 * from its saved frame (arch/x86_64/kernel/process.cc) */
void show_stack(struct task_struct* tsk, const char* log_lvl);
/* the return addresses of that backtrace into trace[]; returns the count */
unsigned stack_trace_save_tsk(struct task_struct* tsk, uintptr_t* trace, unsigned max);
