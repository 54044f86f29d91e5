/*
 * The scheduler's introspection: sysrq-t's task dump and the task count
 * (Linux: kernel/sched/core.c sched_show_task, show_state_filter; the
 * file is named after Linux's kernel/sched/debug.c, home of the rest of
 * sysrq-t's scheduler output, which monolith does not print yet).
 *
 * sched_show_task() prints Linux 6.1's line, byte for byte:
 *   task:%-15.15s state:%c[  running task    ] stack:%-5lu pid:%-5d ppid:%-6d flags:0x%08lx
 * (the bracketed part only for a TASK_RUNNING task), then the task's
 * backtrace as Linux's show_stack: "Call Trace:", " <TASK>", one
 * " func+0x1c/0x80" line per frame, " </TASK>".  ppid is the real
 * parent's pid, 0 for init_task; flags are the thread_info TIF_* flags.
 *
 * stack: is the free stack, Linux's stack_not_used() as built with
 * CONFIG_DEBUG_STACK_USAGE (kernel/fork.cc): kernel stacks are zeroed
 * when allocated, so the bytes from the bottom of the stack up to the
 * first non-zero word above STACK_END_MAGIC were never used.  A Linux
 * built without that option (Debian's) prints 0 there.
 *
 * show_state_filter() walks every thread (for_each_process_thread) under
 * tasklist_lock, as Linux; the idle tasks are on no list and are not
 * shown, as in Linux.  current's backtrace starts here; a switched-out
 * task's starts from its saved frame (show_stack); a task running on
 * another CPU gets none (its stack is changing under us).
 *
 * count_tasks() counts the task list (processes, threads, kernel
 * threads) plus one idle task per online CPU; show_task_count() logs it.
 *
 * Lock order: tasklist_lock (irqsave) -> the console.
 */
#include <arch/stacktrace.h>
#include <kernel/cpumask.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/sched/debug.h>
#include <kernel/sched/signal.h>
#include <kernel/sched/task.h>
#include <kernel/sched/task_stack.h>
#include <lib/format.h>
#include <lib/spinlock.h>

void sched_show_task(struct task_struct* p)
{
	char line[160];
	int n = lib::scnprintf(line, sizeof(line), "task:%-15.15s state:%c", p->comm, task_state_to_char(p));
	if (task_is_running(p))
		n += lib::scnprintf(line + n, sizeof(line) - n, "  running task    ");
	pid_t ppid = pid_alive(p) && p != &init_task ? task_pid_nr(p->real_parent) : 0;
	lib::scnprintf(line + n, sizeof(line) - n, " stack:%-5lu pid:%-5d ppid:%-6d flags:0x%08lx", stack_not_used(p),
	               task_pid_nr(p), ppid, read_task_thread_flags(p));
	printk(KERN_INFO "%s\n", line);
	if (p == current) {
		uintptr_t sp = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
		show_trace_log_lvl(sp, sp, KERN_INFO);
	} else if (!p->on_cpu && p->thread.sp) {
		show_stack(p, KERN_INFO); /* from its saved frame */
	}
}

void show_state_filter(unsigned int state_filter)
{
	/* the line Linux's sysrq handler prints before calling show_state() */
	printk(KERN_INFO "sysrq: Show State\n");
	lib::spin_lock_irqsave_guard g(tasklist_lock);
	struct task_struct *p, *t;
	for_each_process_thread(p, t) {
		if (!state_filter || (READ_TASK_STATE(t) & state_filter))
			sched_show_task(t);
	}
}

struct task_count count_tasks()
{
	struct task_count c = {};
	lib::spin_lock_irqsave_guard g(tasklist_lock);
	c.idle = int(num_online_cpus()); /* swapper/N: one per online CPU, on no list */
	struct task_struct *p, *t;
	for_each_process(p) {
		c.processes++;
		for_each_thread(p, t) {
			c.threads++;
			if (t->flags & PF_KTHREAD)
				c.kernel_threads++;
		}
	}
	return c;
}

void show_task_count()
{
	struct task_count c = count_tasks();
	pr_info("tasks: %d processes, %d threads, %d kernel threads, %d idle\n", c.processes, c.threads,
	        c.kernel_threads, c.idle);
}
