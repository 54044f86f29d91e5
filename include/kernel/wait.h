/*
 * Wait queues (Linux: include/linux/wait.h, kernel/sched/wait.c).
 *
 * Data structures: struct wait_queue_head, a lock and a list of struct
 * wait_queue_entry; an entry names its task (private) and a wake
 * function (default_wake_function: try_to_wake_up).  WQ_FLAG_EXCLUSIVE
 * entries sit at the tail and wake_up() wakes at most one of them.
 *
 * The sleeper's protocol (what wait_event does): prepare_to_wait() queues
 * the entry and sets the task state under the queue lock, then the
 * condition is tested, then schedule(); the waker makes the condition
 * true before wake_up().  A wake-up between the test and schedule() sets
 * the state back to TASK_RUNNING, so schedule() does not sleep and the
 * condition is tested again: no lost wake-ups.
 *
 * wait_event_interruptible: a lib::Result<void>, ERESTARTSYS when a
 * signal ends the sleep (TASK_INTERRUPTIBLE, state 'S');
 * wait_event_killable the same for fatal signals only (TASK_KILLABLE);
 * wait_event_interruptible_timeout returns -ERESTARTSYS for a signal.
 *
 * Invariants: an entry is on at most one queue, linked iff queued.
 * Lock order: wq_head->lock (irqsave) -> rq->lock.
 */
#pragma once
#include <kernel/kernel.h>
#include <kernel/sched.h>
#include <lib/result.h>

struct wait_queue_entry;
typedef int (*wait_queue_func_t)(struct wait_queue_entry* wq_entry, unsigned mode, int flags, void* key);

#define WQ_FLAG_EXCLUSIVE 0x01

struct wait_queue_entry {
	unsigned int flags;
	void* private_; /* the task (Linux: private) */
	wait_queue_func_t func;
	lib::list_head entry;
};

struct wait_queue_head {
	lib::spinlock lock;
	lib::list_head head;
};

int default_wake_function(struct wait_queue_entry* wq_entry, unsigned mode, int flags, void* key);
int autoremove_wake_function(struct wait_queue_entry* wq_entry, unsigned mode, int flags, void* key);

void init_waitqueue_head(struct wait_queue_head* wq_head);
#define DECLARE_WAIT_QUEUE_HEAD(name) struct wait_queue_head name
static inline void init_wait_entry(struct wait_queue_entry* wq_entry, unsigned flags)
{
	wq_entry->flags = flags;
	wq_entry->private_ = get_current();
	wq_entry->func = autoremove_wake_function;
	wq_entry->entry.init();
}
static inline bool waitqueue_active(const struct wait_queue_head* wq_head)
{
	return !wq_head->head.empty();
}

void add_wait_queue(struct wait_queue_head* wq_head, struct wait_queue_entry* wq_entry);
void add_wait_queue_exclusive(struct wait_queue_head* wq_head, struct wait_queue_entry* wq_entry);
void remove_wait_queue(struct wait_queue_head* wq_head, struct wait_queue_entry* wq_entry);
void prepare_to_wait(struct wait_queue_head* wq_head, struct wait_queue_entry* wq_entry, unsigned state);
void prepare_to_wait_exclusive(struct wait_queue_head* wq_head, struct wait_queue_entry* wq_entry, unsigned state);
void finish_wait(struct wait_queue_head* wq_head, struct wait_queue_entry* wq_entry);

/* wake nr_exclusive exclusive waiters (0: all) and every non-exclusive one */
void __wake_up(struct wait_queue_head* wq_head, unsigned mode, int nr_exclusive, void* key);
void __wake_up_locked(struct wait_queue_head* wq_head, unsigned mode, int nr);
#define wake_up(x) __wake_up(x, TASK_NORMAL, 1, nullptr)
#define wake_up_all(x) __wake_up(x, TASK_NORMAL, 0, nullptr)
#define wake_up_interruptible(x) __wake_up(x, TASK_INTERRUPTIBLE, 1, nullptr)
#define wake_up_interruptible_all(x) __wake_up(x, TASK_INTERRUPTIBLE, 0, nullptr)

/* ---- sleeping for a time (kernel/time/timer.c) ---- */
#define MAX_SCHEDULE_TIMEOUT 0x7fffffffffffffffL
/* sleep in the current state for up to timeout jiffies; the jiffies left */
long schedule_timeout(long timeout);
long schedule_timeout_interruptible(long timeout);
long schedule_timeout_uninterruptible(long timeout);
/* sleep in the current state until the monotonic time expires (ns; 0:
 * until woken); false once it has passed (Linux: schedule_hrtimeout with
 * HRTIMER_MODE_ABS, here on whole ticks, never early) */
bool schedule_hrtimeout(uint64_t expires);

/* does a signal end a sleep in state for current (signal_pending_state,
 * <kernel/sched/signal.h>, which includes this file) */
bool wait_signal_pending(unsigned state);

/* the wait loop; cond is re-evaluated after every wake-up.  Returns the
 * jiffies left (>= 1) when cond became true, 0 on timeout, -ERESTARTSYS
 * (-512) when a signal the state allows ended it */
template <typename Cond> long __wait_event_common(struct wait_queue_head* wq, unsigned state, long timeout, Cond cond)
{
	might_sleep();
	if (cond())
		return timeout ? timeout : 1;
	struct wait_queue_entry w;
	init_wait_entry(&w, 0);
	for (;;) {
		prepare_to_wait(wq, &w, state);
		if (cond())
			break;
		if (wait_signal_pending(state)) {
			finish_wait(wq, &w);
			return -512; /* -ERESTARTSYS */
		}
		timeout = schedule_timeout(timeout);
		if (!timeout) {
			finish_wait(wq, &w);
			return cond() ? 1 : 0;
		}
	}
	finish_wait(wq, &w);
	return timeout ? timeout : 1;
}

#define wait_event(wq, condition)                                                                                      \
	((void)__wait_event_common(&(wq), TASK_UNINTERRUPTIBLE, MAX_SCHEDULE_TIMEOUT, [&] { return !!(condition); }))
/* lib::Result<void>: ERESTARTSYS if a signal ended the sleep */
#define wait_event_interruptible(wq, condition)                                                                        \
	(__wait_event_common(&(wq), TASK_INTERRUPTIBLE, MAX_SCHEDULE_TIMEOUT, [&] { return !!(condition); }) < 0        \
	     ? lib::Result<void>(lib::Error{512})                                                                      \
	     : lib::Result<void>(lib::ok()))
#define wait_event_killable(wq, condition)                                                                             \
	(__wait_event_common(&(wq), TASK_KILLABLE, MAX_SCHEDULE_TIMEOUT, [&] { return !!(condition); }) < 0             \
	     ? lib::Result<void>(lib::Error{512})                                                                      \
	     : lib::Result<void>(lib::ok()))
/* 0 if condition is still false after timeout jiffies, else the jiffies left (at least 1) */
#define wait_event_timeout(wq, condition, timeout)                                                                     \
	__wait_event_common(&(wq), TASK_UNINTERRUPTIBLE, long(timeout), [&] { return !!(condition); })
#define wait_event_interruptible_timeout(wq, condition, timeout)                                                       \
	__wait_event_common(&(wq), TASK_INTERRUPTIBLE, long(timeout), [&] { return !!(condition); })
