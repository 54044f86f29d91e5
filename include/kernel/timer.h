/*
 * Kernel timers (Linux: include/linux/timer.h, kernel/time/timer.c).
 *
 *   struct timer_list t;
 *   timer_setup(&t, my_fn, 0);                 // my_fn(struct timer_list*)
 *   mod_timer(&t, jiffies + msecs_to_jiffies(100));
 *   del_timer_sync(&t);                        // before freeing t
 *
 * A timer runs once, in softirq context (TIMER_SOFTIRQ, interrupts
 * enabled, in_serving_softirq() true), on the first tick at or after its
 * expires.  Use from_timer() (container_of) to get the enclosing object.
 *
 * Data structures: one timer_base per CPU with a list of pending timers
 * sorted by expires (equal expiries in the order they were armed), its
 * lock and the timer being run.  Linux uses a hierarchical timer wheel
 * (O(1) insert, a few levels of coarser buckets); the sorted list is
 * O(pending) to insert and keeps exact expiry, which is enough for the
 * handful of timers a kernel without drivers has.
 *
 * Invariants: a timer is pending iff its entry is on its base's list;
 * every list entry's expires is >= the one before it (time_after_eq).
 *
 * Lock order: timer_base.lock (irqsave, leaf) -> nothing; callbacks run
 * with it released, so they may re-arm their own timer.  One CPU:
 * del_timer_sync() cannot race a callback running on another CPU, and a
 * callback cannot be interrupted by task context, so it is del_timer()
 * plus Linux's check that it is not called from hard interrupt context.
 */
#pragma once
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <lib/list.h>

struct timer_list {
	lib::list_head entry; /* on timer_base.pending when armed (Linux: hlist_node) */
	unsigned long expires;
	void (*function)(struct timer_list*);
	uint32_t flags;
};

/* timer_setup() flags (Linux's values; TIMER_CPUMASK bits hold the CPU) */
#define TIMER_CPUMASK 0x0003FFFFu
#define TIMER_MIGRATING 0x00040000u
#define TIMER_DEFERRABLE 0x00080000u
#define TIMER_PINNED 0x00100000u
#define TIMER_IRQSAFE 0x00200000u

void timer_setup(struct timer_list* timer, void (*func)(struct timer_list*), unsigned int flags);

static inline bool timer_pending(const struct timer_list* timer)
{
	return timer->entry.linked();
}

/* arm for timer->expires (must not be pending) */
void add_timer(struct timer_list* timer);
/* (re)arm for expires; returns 1 if it was pending, 0 if not */
int mod_timer(struct timer_list* timer, unsigned long expires);
/* disarm; returns 1 if it was pending */
int del_timer(struct timer_list* timer);
/* disarm and make sure the callback is not running */
int del_timer_sync(struct timer_list* timer);
#define timer_delete(t) del_timer(t)
#define timer_delete_sync(t) del_timer_sync(t)

#define from_timer(var, callback_timer, timer_fieldname)                                                               \
	container_of(callback_timer, std::remove_pointer_t<decltype(var)>, timer_fieldname)

/* set up TIMER_SOFTIRQ (start_kernel) */
void init_timers();
/* from the tick: raise TIMER_SOFTIRQ when a timer has expired */
void run_local_timers();
/* timers armed and not yet run, for tests */
unsigned int nr_pending_timers();
