/*
 * Priority-inheritance mutexes (Linux: include/linux/rtmutex.h,
 * kernel/locking/rtmutex_common.h, rtmutex.c, rtmutex_api.c).
 *
 * An rt_mutex is a sleeping lock whose owner runs at the priority of the
 * most urgent task waiting for it (priority inheritance): a SCHED_FIFO
 * waiter blocked on a lock a SCHED_OTHER task holds lifts that owner into
 * the RT class until it unlocks (rt_mutex_setprio in kernel/sched/core.cc),
 * so a middle-priority task cannot keep the owner, and with it the
 * waiter, off the CPU (priority inversion).  Chains are followed: an
 * owner that itself waits passes the boost on (rt_mutex_adjust_prio_chain).
 * PI futexes (kernel/futex/pi.cc) are built on it.
 *
 * Data structures:
 *   rt_mutex_base   wait_lock; waiters, sorted by priority (Linux: an
 *                   rb_root_cached; here a list kept in order, as the
 *                   plist of Linux before 3.14); owner (NULL when free)
 *   rt_mutex_waiter one per blocked task, on the stack of the waiting
 *                   call: tree_entry on lock->waiters, pi_tree_entry on
 *                   the owner's task->pi_waiters while it is the lock's
 *                   top waiter, prio the task's priority when queued
 *   task_struct     pi_waiters (the top waiters of the locks it owns, in
 *                   priority order), pi_top_task, pi_blocked_on
 *
 * Differences from Linux: unlock hands the lock to the top waiter
 * directly (no lock stealing, no RT_MUTEX_HAS_WAITERS bit in owner, no
 * fast path cmpxchg): the new owner is set before it is woken.  No
 * deadline class.  A sleep's deadline is checked at tick granularity
 * (struct sleep_deadline: there are no hrtimers).
 *
 * Invariants: lock->waiters and a waiter's prio change under
 * lock->wait_lock; a task's pi_waiters, pi_blocked_on and the setprio
 * of it under task->pi_lock; owner changes under wait_lock.  A waiter is
 * on its owner's pi_waiters iff it is the top waiter of a lock with an
 * owner.
 *
 * Lock order: see <kernel/lock_order.h>: hb->lock -> lock->wait_lock ->
 * task->pi_lock -> rq->lock.
 */
#pragma once
#include <cstdint>
#include <kernel/sched.h>
#include <lib/list.h>
#include <lib/result.h>
#include <lib/spinlock.h>

/* an absolute deadline for an interruptible sleep, on CLOCK_MONOTONIC or
 * CLOCK_REALTIME (Linux: the hrtimer_sleeper a futex wait arms) */
struct sleep_deadline {
	int64_t expires; /* ns on the clock */
	bool realtime;
};
/* the ticks to sleep before looking at the clock again; 0 once it has passed */
long sleep_deadline_ticks(const struct sleep_deadline* to);

struct rt_mutex_base {
	lib::spinlock wait_lock;
	lib::list_head waiters;     /* struct rt_mutex_waiter.tree_entry, most urgent first */
	struct task_struct* owner;  /* under wait_lock; read racily for the owner test */
};

struct rt_mutex {
	struct rt_mutex_base rtmutex;
};

struct rt_mutex_waiter {
	lib::list_head tree_entry;    /* on lock->waiters */
	lib::list_head pi_tree_entry; /* on the owner's pi_waiters while top waiter */
	struct task_struct* task;
	struct rt_mutex_base* lock;
	int prio;
};

void rt_mutex_base_init(struct rt_mutex_base* lock);
static inline void rt_mutex_init(struct rt_mutex* lock)
{
	rt_mutex_base_init(&lock->rtmutex);
}
static inline struct task_struct* rt_mutex_owner(const struct rt_mutex_base* lock)
{
	return __atomic_load_n(&lock->owner, __ATOMIC_ACQUIRE);
}
static inline bool rt_mutex_base_is_locked(const struct rt_mutex_base* lock)
{
	return rt_mutex_owner(lock) != nullptr;
}

void rt_mutex_lock(struct rt_mutex* lock);
/* ERESTARTSYS... EINTR when a signal arrives first */
lib::Result<void> rt_mutex_lock_interruptible(struct rt_mutex* lock);
int rt_mutex_trylock(struct rt_mutex* lock);
void rt_mutex_unlock(struct rt_mutex* lock);

/* ---- the task side (copy_process, the scheduler) ---- */
/* fork: no PI state inherited (Linux: rt_mutex_init_task) */
void rt_mutex_init_task(struct task_struct* p);
/* the priority p would run at now: its own or its top waiter's, whichever
 * is more urgent (Linux: rt_effective_prio) */
int rt_effective_prio(struct task_struct* p, int prio);

/* ---- for PI futexes (Linux: rtmutex_api.c) ---- */
/* lock starts out owned by owner, who never called lock */
void rt_mutex_init_proxy_locked(struct rt_mutex_base* lock, struct task_struct* owner);
/* the owner's part ends without an unlock: no waiters are left */
void rt_mutex_proxy_unlock(struct rt_mutex_base* lock);
/* queue waiter for task on lock (wait_lock held): 1 if task took the lock
 * at once, 0 if queued, EDEADLK for a chain back to task */
lib::Result<int> __rt_mutex_start_proxy_lock(struct rt_mutex_base* lock, struct rt_mutex_waiter* waiter,
                                             struct task_struct* task) REQUIRES(lock->wait_lock);
lib::Result<int> rt_mutex_start_proxy_lock(struct rt_mutex_base* lock, struct rt_mutex_waiter* waiter,
                                           struct task_struct* task);
/* the queued current sleeps until it owns lock, the deadline passes
 * (ETIMEDOUT) or a signal comes (EINTR); the waiter stays queued on error */
lib::Result<void> rt_mutex_wait_proxy_lock(struct rt_mutex_base* lock, const struct sleep_deadline* to,
                                           struct rt_mutex_waiter* waiter);
/* after a failed wait: dequeue the waiter unless the lock was handed over
 * meanwhile; true if current owns the lock after all */
bool rt_mutex_cleanup_proxy_lock(struct rt_mutex_base* lock, struct rt_mutex_waiter* waiter);
/* the task the lock goes to on unlock (its top waiter), or NULL */
struct task_struct* rt_mutex_next_owner(struct rt_mutex_base* lock) REQUIRES(lock->wait_lock);
/* unlock by the futex code on behalf of the owner, handing the lock to the
 * top waiter (Linux: rt_mutex_futex_unlock + the wake_q) */
void rt_mutex_futex_unlock(struct rt_mutex_base* lock);
/* the same in two steps, wait_lock held for the first: the task to wake
 * (referenced; preemption stays disabled) or NULL, then
 * rt_mutex_postunlock wakes it and enables preemption (Linux:
 * __rt_mutex_futex_unlock, rt_mutex_postunlock) */
struct task_struct* __rt_mutex_futex_unlock(struct rt_mutex_base* lock) REQUIRES(lock->wait_lock);
void rt_mutex_postunlock(struct task_struct* next);
/* task waits on an rt_mutex whose owner may itself wait: carry task's
 * priority down the chain; EDEADLK if it leads back to task (Linux: the
 * chain walk of task_blocks_on_rt_mutex, rt_mutex_adjust_pi) */
lib::Result<void> rt_mutex_adjust_pi(struct task_struct* task);
/* current took over the futex as its owner: take the rt_mutex if it is
 * free (Linux: rt_mutex_futex_trylock) */
int rt_mutex_futex_trylock(struct rt_mutex_base* lock);
