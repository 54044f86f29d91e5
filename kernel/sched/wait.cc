/*
 * Wait queues and schedule_timeout (Linux: kernel/sched/wait.c,
 * kernel/time/timer.c schedule_timeout/process_timeout).
 *
 * Data structures: struct wait_queue_head / wait_queue_entry
 * (<kernel/wait.h>).  schedule_timeout() arms an on-stack timer_list
 * whose callback (process_timeout, from TIMER_SOFTIRQ) wakes the sleeper.
 *
 * Invariants: entries are added and removed under wq_head->lock; an
 * entry's wake function runs under it.  autoremove_wake_function unlinks
 * the entry it woke, so finish_wait() can tell (list_empty_careful) that
 * it need not take the lock.
 *
 * Lock order: wq_head->lock (irqsave) -> rq->lock; timer_base.lock is
 * never held while either is taken here.
 */
#include <kernel/jiffies.h>
#include <kernel/timer.h>
#include <kernel/lockdep.h>
#include <kernel/time.h>
#include <kernel/wait.h>
#include <kernel/sched/signal.h>

void init_waitqueue_head(struct wait_queue_head* wq_head)
{
	wq_head->head.init();
	lockdep_init_map(&wq_head->lock); /* a reused address: a new lock */
}

int default_wake_function(struct wait_queue_entry* wq_entry, unsigned mode, int flags, void*)
{
	return try_to_wake_up(static_cast<struct task_struct*>(wq_entry->private_), mode, flags);
}

int autoremove_wake_function(struct wait_queue_entry* wq_entry, unsigned mode, int flags, void* key)
{
	int ret = default_wake_function(wq_entry, mode, flags, key);
	if (ret)
		wq_entry->entry.del_init();
	return ret;
}

void add_wait_queue(struct wait_queue_head* wq_head, struct wait_queue_entry* wq_entry)
{
	wq_entry->flags &= ~WQ_FLAG_EXCLUSIVE;
	lib::spin_lock_irqsave_guard g(wq_head->lock);
	wq_head->head.add(&wq_entry->entry);
}

void add_wait_queue_exclusive(struct wait_queue_head* wq_head, struct wait_queue_entry* wq_entry)
{
	wq_entry->flags |= WQ_FLAG_EXCLUSIVE;
	lib::spin_lock_irqsave_guard g(wq_head->lock);
	wq_head->head.add_tail(&wq_entry->entry);
}

void remove_wait_queue(struct wait_queue_head* wq_head, struct wait_queue_entry* wq_entry)
{
	lib::spin_lock_irqsave_guard g(wq_head->lock);
	wq_entry->entry.del_init();
}

void prepare_to_wait(struct wait_queue_head* wq_head, struct wait_queue_entry* wq_entry, unsigned state)
{
	wq_entry->flags &= ~WQ_FLAG_EXCLUSIVE;
	lib::spin_lock_irqsave_guard g(wq_head->lock);
	if (wq_entry->entry.empty())
		wq_head->head.add(&wq_entry->entry);
	set_current_state(state);
}

void prepare_to_wait_exclusive(struct wait_queue_head* wq_head, struct wait_queue_entry* wq_entry, unsigned state)
{
	wq_entry->flags |= WQ_FLAG_EXCLUSIVE;
	lib::spin_lock_irqsave_guard g(wq_head->lock);
	if (wq_entry->entry.empty())
		wq_head->head.add_tail(&wq_entry->entry);
	set_current_state(state);
}

void finish_wait(struct wait_queue_head* wq_head, struct wait_queue_entry* wq_entry)
{
	__set_current_state(TASK_RUNNING);
	if (!wq_entry->entry.empty()) {
		lib::spin_lock_irqsave_guard g(wq_head->lock);
		wq_entry->entry.del_init();
	}
}

void __wake_up_locked(struct wait_queue_head* wq_head, unsigned mode, int nr_exclusive)
{
	struct wait_queue_entry *curr, *next;
	/* _safe: a woken entry's func may take it off the queue */
	list_for_each_entry_safe(curr, next, &wq_head->head, entry) {
		unsigned flags = curr->flags;
		int ret = curr->func(curr, mode, 0, nullptr);
		if (ret < 0)
			break;
		if (ret && (flags & WQ_FLAG_EXCLUSIVE) && !--nr_exclusive)
			break;
	}
}

void __wake_up(struct wait_queue_head* wq_head, unsigned mode, int nr_exclusive, void*)
{
	lib::spin_lock_irqsave_guard g(wq_head->lock);
	__wake_up_locked(wq_head, mode, nr_exclusive);
}

namespace
{
struct process_timer {
	struct timer_list timer;
	struct task_struct* task;
};

void process_timeout(struct timer_list* t)
{
	struct process_timer* timeout = from_timer(timeout, t, timer);
	wake_up_process(timeout->task);
}
} // namespace

long schedule_timeout(long timeout)
{
	if (timeout == MAX_SCHEDULE_TIMEOUT) {
		schedule();
		return timeout;
	}
	if (timeout < 0) {
		__set_current_state(TASK_RUNNING);
		return 0;
	}
	unsigned long expire = jiffies + (unsigned long)timeout;
	struct process_timer t;
	t.task = current;
	timer_setup(&t.timer, process_timeout, 0);
	t.timer.expires = expire;
	add_timer(&t.timer);
	schedule();
	del_timer_sync(&t.timer);
	long left = long(expire - jiffies);
	return left < 0 ? 0 : left;
}

bool schedule_hrtimeout(uint64_t expires)
{
	if (!expires) {
		schedule();
		return true;
	}
	uint64_t now = ktime_get_ns();
	if (now >= expires) {
		__set_current_state(TASK_RUNNING);
		return false;
	}
	/* whole ticks, rounded up: never early (no hrtimers here) */
	schedule_timeout(long((expires - now + TICK_NSEC - 1) / TICK_NSEC));
	return ktime_get_ns() < expires;
}

long schedule_timeout_interruptible(long timeout)
{
	__set_current_state(TASK_INTERRUPTIBLE);
	return schedule_timeout(timeout);
}

long schedule_timeout_uninterruptible(long timeout)
{
	__set_current_state(TASK_UNINTERRUPTIBLE);
	return schedule_timeout(timeout);
}

bool wait_signal_pending(unsigned state)
{
	return signal_pending_state(state, current);
}
