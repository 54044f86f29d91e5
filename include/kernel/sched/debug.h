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
/* one sysrq-t line: "task:%-15.15s state:%c stack:%-5lu pid:%-5d ppid:%-6d flags:0x%08lx" */
void sched_show_task(struct task_struct* p);
/* sysrq-t: every task; current also gets its backtrace */
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

/* the backtrace of tsk in log format: current from here, a sleeping task
 * from its saved frame (Linux: show_stack) */
void show_stack(struct task_struct* tsk, const char* log_lvl);
/* the same in /proc/PID/stack form into trace[]; returns the count */
unsigned stack_trace_save_tsk(struct task_struct* tsk, uintptr_t* trace, unsigned max);
