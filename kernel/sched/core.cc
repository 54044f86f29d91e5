/*
 * might_sleep(), the system state and the task dump (Linux:
 * kernel/sched/core.c __might_sleep/__might_resched, sched_show_task,
 * show_state_filter; include/linux/sched.h task_state_index;
 * init/main.c system_state; the countem summary is seed 003's).
 *
 * The scheduler proper arrives with the tasks issue; what lives here now
 * is the check every sleeping primitive makes: sleeping in atomic context
 * (preempt_count() != 0) or with interrupts disabled is a bug, reported
 * in Linux's words with a backtrace, at most once per HZ jiffies, and
 * tainting the kernel W.  Silent while booting and during an oops, as
 * Linux.
 *
 * show_state() prints Linux's sysrq-t lines for every task (the idle
 * task first: Linux shows it in the sched-debug part that follows) under
 * tasklist_lock; only current gets a backtrace: a sleeping task's saved
 * frame needs the context switch, which comes with the scheduler.
 *
 * Data: system_state (written by start_kernel only), prev_jiffy (the
 * rate limit; racy by design, as Linux's).  Lock order: tasklist_lock
 * (irqsave) -> the console.
 */
#include <kernel/jiffies.h>
#include <kernel/kernel.h>
#include <kernel/panic.h>
#include <kernel/preempt.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <arch/stacktrace.h>
#include <lib/format.h>

enum system_states system_state = SYSTEM_BOOTING;

void __might_sleep(const char* file, int line)
{
	static unsigned long prev_jiffy;
	if ((preempt_count() == 0 && !irqs_disabled()) || system_state == SYSTEM_BOOTING ||
	    system_state > SYSTEM_RUNNING || oops_in_progress)
		return;
	if (prev_jiffy && time_before(jiffies, prev_jiffy + HZ))
		return;
	prev_jiffy = jiffies;
	printk(KERN_ERR "BUG: sleeping function called from invalid context at %s:%d\n", file, line);
	printk(KERN_ERR "in_atomic(): %d, irqs_disabled(): %d, non_block: %d, pid: %d, name: %s\n", in_atomic() ? 1 : 0,
	       irqs_disabled() ? 1 : 0, 0, task_pid_nr(current), current->comm);
	pr_err("preempt_count: %x, expected: %x\n", preempt_count(), 0);
	dump_stack();
	add_taint(TAINT_WARN);
}

unsigned int task_state_index(const struct task_struct* tsk)
{
	unsigned int tsk_state = READ_TASK_STATE(tsk);
	unsigned int state = (tsk_state | unsigned(tsk->exit_state)) & TASK_REPORT;
	if ((tsk_state & TASK_IDLE) == TASK_IDLE)
		state = TASK_REPORT_IDLE;
	if (tsk_state & TASK_RTLOCK_WAIT)
		state = TASK_UNINTERRUPTIBLE;
	return state ? unsigned(32 - __builtin_clz(state)) : 0; /* fls() */
}

char task_index_to_char(unsigned int state)
{
	static const char state_char[] = "RSDTtXZPI";
	return state < sizeof(state_char) - 1 ? state_char[state] : '?';
}

void sched_show_task(struct task_struct* p)
{
	char line[160];
	int n = lib::snprintf(line, sizeof(line), "task:%-15.15s state:%c", p->comm, task_state_to_char(p));
	if (task_is_running(p))
		n += lib::snprintf(line + n, sizeof(line) - n, "  running task    ");
	pid_t ppid = pid_alive(p) ? task_pid_nr(p->real_parent) : 0;
	if (p == &init_task)
		ppid = 0;
	lib::snprintf(line + n, sizeof(line) - n, " stack:%-5lu pid:%-5d ppid:%-6d flags:0x%08lx", stack_not_used(p),
	              task_pid_nr(p), ppid, read_task_thread_flags(p));
	printk(KERN_INFO "%s\n", line);
	if (p == current) {
		uintptr_t sp = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
		show_trace_log_lvl(sp, sp, KERN_INFO);
	}
}

void show_state_filter(unsigned int state_filter)
{
	printk(KERN_INFO "sysrq: Show State\n");
	lib::spin_lock_irqsave_guard g(tasklist_lock);
	/* the idle task (Linux prints it in sysrq_sched_debug_show) */
	if (!state_filter || (READ_TASK_STATE(&init_task) & state_filter))
		sched_show_task(&init_task);
	struct task_struct *p, *t;
	for_each_process_thread(p, t)
	{
		if (!state_filter || (READ_TASK_STATE(t) & state_filter))
			sched_show_task(t);
	}
}

struct task_count count_tasks()
{
	struct task_count c = {};
	lib::spin_lock_irqsave_guard g(tasklist_lock);
	c.idle = 1; /* init_task: one CPU */
	struct task_struct *p, *t;
	for_each_process(p)
	{
		c.processes++;
		for_each_thread(p, t)
		{
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
