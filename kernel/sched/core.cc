/*
 * might_sleep() and the system state (Linux: kernel/sched/core.c
 * __might_sleep/__might_resched, init/main.c system_state).
 *
 * The scheduler proper arrives with the tasks issue; what lives here now
 * is the check every sleeping primitive makes: sleeping in atomic context
 * (preempt_count() != 0) or with interrupts disabled is a bug, reported
 * in Linux's words with a backtrace, at most once per HZ jiffies, and
 * tainting the kernel W.  Silent while booting and during an oops, as
 * Linux.
 *
 * Data: system_state (written by start_kernel only), prev_jiffy (the
 * rate limit; racy by design, as Linux's).  Lock order: none.
 */
#include <kernel/jiffies.h>
#include <kernel/kernel.h>
#include <kernel/panic.h>
#include <kernel/preempt.h>
#include <kernel/printk.h>

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
	       irqs_disabled() ? 1 : 0, 0, 0, current_comm());
	pr_err("preempt_count: %x, expected: %x\n", preempt_count(), 0);
	dump_stack();
	add_taint(TAINT_WARN);
}
