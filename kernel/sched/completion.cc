/*
 * Completions (Linux: kernel/sched/completion.c, on a plain wait queue
 * rather than an swait queue).
 *
 * Data structures: struct completion (<kernel/completion.h>).
 * Invariants: done is read and changed under x->wait.lock; UINT_MAX
 * means complete_all() and is never consumed.  Waiters queue
 * exclusively, so complete() wakes exactly one.
 * Lock order: x->wait.lock (irqsave) -> rq->lock.
 */
#include <kernel/completion.h>
#include <kernel/kernel.h>
#include <kernel/restart.h>
#include <kernel/sched/signal.h>

#define COMPLETE_ALL_DONE 0xffffffffu

void complete(struct completion* x)
{
	lib::spin_lock_irqsave_guard g(x->wait.lock);
	if (x->done != COMPLETE_ALL_DONE)
		x->done++;
	__wake_up_locked(&x->wait, TASK_NORMAL, 1);
}

void complete_all(struct completion* x)
{
	lib::spin_lock_irqsave_guard g(x->wait.lock);
	x->done = COMPLETE_ALL_DONE;
	__wake_up_locked(&x->wait, TASK_NORMAL, 0);
}

namespace
{
long do_wait_for_common(struct completion* x, long timeout, unsigned state)
{
	might_sleep();
	struct wait_queue_entry wait;
	init_wait_entry(&wait, WQ_FLAG_EXCLUSIVE);
	wait.func = default_wake_function;
	unsigned long flags = arch_local_irq_save();
	x->wait.lock.lock();
	if (!x->done) {
		x->wait.head.add_tail(&wait.entry);
		do {
			if (signal_pending_state(state, current)) {
				wait.entry.del_init();
				x->wait.lock.unlock_irqrestore(flags);
				return -ERESTARTSYS;
			}
			__set_current_state(state);
			x->wait.lock.unlock_irqrestore(flags);
			timeout = schedule_timeout(timeout);
			flags = arch_local_irq_save();
			x->wait.lock.lock();
		} while (!x->done && timeout);
		wait.entry.del_init();
		if (!x->done) {
			x->wait.lock.unlock_irqrestore(flags);
			return 0;
		}
	}
	if (x->done != COMPLETE_ALL_DONE)
		x->done--;
	x->wait.lock.unlock_irqrestore(flags);
	return timeout ? timeout : 1;
}
} // namespace

void wait_for_completion(struct completion* x)
{
	do_wait_for_common(x, MAX_SCHEDULE_TIMEOUT, TASK_UNINTERRUPTIBLE);
}

unsigned long wait_for_completion_timeout(struct completion* x, unsigned long timeout)
{
	return (unsigned long)do_wait_for_common(x, long(timeout), TASK_UNINTERRUPTIBLE);
}

lib::Result<void> wait_for_completion_interruptible(struct completion* x)
{
	if (do_wait_for_common(x, MAX_SCHEDULE_TIMEOUT, TASK_INTERRUPTIBLE) < 0)
		return lib::Error{ERESTARTSYS};
	return lib::ok();
}

lib::Result<void> wait_for_completion_killable(struct completion* x)
{
	if (do_wait_for_common(x, MAX_SCHEDULE_TIMEOUT, TASK_KILLABLE) < 0)
		return lib::Error{ERESTARTSYS};
	return lib::ok();
}

bool try_wait_for_completion(struct completion* x)
{
	lib::spin_lock_irqsave_guard g(x->wait.lock);
	if (!x->done)
		return false;
	if (x->done != COMPLETE_ALL_DONE)
		x->done--;
	return true;
}

bool completion_done(struct completion* x)
{
	lib::spin_lock_irqsave_guard g(x->wait.lock);
	return x->done != 0;
}
