/*
 * System state, might_sleep() and the caller's address (Linux:
 * include/linux/kernel.h, instruction_pointer.h; kernel/sched/core.c
 * __might_sleep/__might_resched).
 *
 *   _RET_IP_                    the return address of the current function:
 *                               its call site (the "caller" that allocators,
 *                               lockdep and WARN report)
 *   _THIS_IP_                   the address of this very instruction
 *
 *   might_sleep();              in every function that may sleep
 *   might_sleep_if(cond);       the same when cond holds
 *
 * Called in atomic context (preempt_count() != 0: preemption or bottom
 * halves disabled, or in an interrupt) or with interrupts disabled, it
 * reports Linux's
 *   BUG: sleeping function called from invalid context at file:line
 *   in_atomic(): 1, irqs_disabled(): 0, non_block: 0, pid: 0, name: swapper/0
 *   preempt_count: 1, expected: 0
 * with a backtrace, at most once per second (HZ jiffies), and taints W.
 * As Linux, it stays silent while system_state is SYSTEM_BOOTING (early
 * boot runs with interrupts off and allocates with GFP_KERNEL) and during
 * an oops.  The report does not stop the caller: it goes on, as Linux's
 * does.
 */
#pragma once

#define _RET_IP_ ((unsigned long)__builtin_return_address(0))
#define _THIS_IP_                                                                                                      \
	({                                                                                                             \
		__label__ __here;                                                                                      \
	__here:                                                                                                        \
		(unsigned long)&&__here;                                                                               \
	})

enum system_states {
	SYSTEM_BOOTING,
	SYSTEM_SCHEDULING,
	SYSTEM_FREEING_INITMEM,
	SYSTEM_RUNNING,
	SYSTEM_HALT,
	SYSTEM_POWER_OFF,
	SYSTEM_RESTART,
	SYSTEM_SUSPEND,
};
extern enum system_states system_state;

void __might_sleep(const char* file, int line);
#define might_sleep() __might_sleep(__FILE__, __LINE__)
#define might_sleep_if(cond)                                                                                           \
	do {                                                                                                           \
		if (cond)                                                                                              \
			might_sleep();                                                                                 \
	} while (0)
