/*
 * Priority-inheritance mutexes (Linux: kernel/locking/rtmutex.c,
 * rtmutex_api.c).  The interface, the data structures and the
 * differences from Linux are in <kernel/rtmutex.h>.
 *
 * Blocking (task_blocks_on_rt_mutex): the waiter is queued on the lock by
 * priority; if it became the lock's top waiter it replaces the previous
 * one on the owner's pi_waiters and the owner's priority is recomputed
 * (rt_mutex_adjust_prio -> rt_mutex_setprio); if the owner is itself
 * blocked, the change walks down the chain (rt_mutex_adjust_prio_chain),
 * one lock at a time, each step taking the next lock's wait_lock and the
 * next owner's pi_lock, never more than max_lock_depth steps; meeting the
 * blocking task again is a deadlock (EDEADLK).
 *
 * Unlocking hands the lock to the top waiter: it is taken off the lock and
 * the old owner's pi_waiters (the old owner drops back to its own
 * priority), the next top waiter goes onto the new owner's pi_waiters,
 * owner is set, then the new owner is woken.  A waiter that gives up
 * (signal, timeout) dequeues itself under wait_lock unless the lock was
 * handed to it meanwhile, in which case it owns it.
 *
 * Lock order: see <kernel/lock_order.h>: wait_lock -> pi_lock -> rq->lock;
 * the chain walk holds at most one wait_lock and one pi_lock at a time
 * (it trylocks the wait_lock under the task's pi_lock, as Linux does).
 */
#include <kernel/jiffies.h>
#include <kernel/panic.h>
#include <kernel/preempt.h>
#include <kernel/rtmutex.h>
#include <kernel/sched/signal.h>
#include <kernel/sched/task.h>
#include <kernel/time.h>
#include <kernel/timekeeping.h>
#include <kernel/wait.h>
#include <uapi/asm-generic/errno-base.h>
#include <uapi/asm-generic/errno.h>

void rt_mutex_setprio(struct task_struct* p, struct task_struct* pi_task); /* kernel/sched/core.cc */

int max_lock_depth = 1024; /* Linux: /proc/sys/kernel/max_lock_depth */

long sleep_deadline_ticks(const struct sleep_deadline* to)
{
	int64_t now = to->realtime ? ktime_get_real_ns() : int64_t(ktime_get_ns());
	if (now >= to->expires)
		return 0;
	/* schedule_timeout(n) wakes between n - 1 and n ticks from now */
	int64_t ticks = (to->expires - now) / int64_t(TICK_NSEC);
	return long(ticks < 1 ? 1 : ticks);
}

void rt_mutex_base_init(struct rt_mutex_base* lock)
{
	new (&lock->wait_lock) lib::spinlock();
	lock->waiters.init();
	lock->owner = nullptr;
}

void rt_mutex_init_task(struct task_struct* p)
{
	p->pi_waiters.init();
	p->pi_top_task = nullptr;
	p->pi_blocked_on = nullptr;
}

namespace
{
struct rt_mutex_waiter* rt_mutex_top_waiter(struct rt_mutex_base* lock)
{
	return list_first_entry_or_null(&lock->waiters, struct rt_mutex_waiter, tree_entry);
}

struct rt_mutex_waiter* task_top_pi_waiter(struct task_struct* p)
{
	return list_first_entry_or_null(&p->pi_waiters, struct rt_mutex_waiter, pi_tree_entry);
}

/* insert by prio, FIFO among equals (Linux: rt_mutex_enqueue, rb_add_cached) */
void rt_mutex_enqueue(struct rt_mutex_base* lock, struct rt_mutex_waiter* w)
{
	struct rt_mutex_waiter* pos;
	list_for_each_entry(pos, &lock->waiters, tree_entry) {
		if (w->prio < pos->prio) {
			pos->tree_entry.add_tail(&w->tree_entry);
			return;
		}
	}
	lock->waiters.add_tail(&w->tree_entry);
}

void rt_mutex_enqueue_pi(struct task_struct* p, struct rt_mutex_waiter* w)
{
	struct rt_mutex_waiter* pos;
	list_for_each_entry(pos, &p->pi_waiters, pi_tree_entry) {
		if (w->prio < pos->prio) {
			pos->pi_tree_entry.add_tail(&w->pi_tree_entry);
			return;
		}
	}
	p->pi_waiters.add_tail(&w->pi_tree_entry);
}

void rt_mutex_dequeue_pi(struct rt_mutex_waiter* w)
{
	if (w->pi_tree_entry.linked())
		w->pi_tree_entry.del_init();
}

/* p->pi_lock held: p runs at its top waiter's priority if that is more urgent */
void rt_mutex_adjust_prio(struct task_struct* p)
{
	struct rt_mutex_waiter* top = task_top_pi_waiter(p);
	rt_mutex_setprio(p, top ? top->task : nullptr);
}

/* the lock's top waiter is the one on owner's pi_waiters (both locks held) */
void rt_mutex_update_owner_pi(struct task_struct* owner, struct rt_mutex_base* lock, struct rt_mutex_waiter* prev_top)
{
	if (prev_top)
		rt_mutex_dequeue_pi(prev_top);
	if (struct rt_mutex_waiter* top = rt_mutex_top_waiter(lock))
		rt_mutex_enqueue_pi(owner, top);
	rt_mutex_adjust_prio(owner);
}

/*
 * task's priority changed (or it blocked): carry the change along the
 * chain of locks it and its owners wait for (Linux:
 * rt_mutex_adjust_prio_chain).  Takes over the reference on task.  orig is
 * the task that blocked (deadlock detection) or NULL.  EDEADLK if the
 * chain leads back to orig.
 */
lib::Result<void> rt_mutex_adjust_prio_chain(struct task_struct* task, struct task_struct* orig)
{
	lib::Result<void> ret = lib::ok();
	for (int depth = 0; task; ) {
		if (++depth > max_lock_depth) {
			pr_warn_once("Maximum lock depth %d reached task: %s (%d)\n", max_lock_depth, task->comm,
			             task_pid_nr(task));
			ret = lib::Error{EDEADLK};
			break;
		}
		unsigned long flags = arch_local_irq_save();
		task->pi_lock.lock();
		struct rt_mutex_waiter* waiter = task->pi_blocked_on;
		if (!waiter) {
			task->pi_lock.unlock_irqrestore(flags);
			break;
		}
		struct rt_mutex_base* lock = waiter->lock;
		if (!lock->wait_lock.try_lock()) {
			task->pi_lock.unlock_irqrestore(flags);
			cpu_relax();
			depth--;
			continue;
		}
		struct task_struct* owner = rt_mutex_owner(lock);
		if (orig && owner == orig) {
			lock->wait_lock.unlock();
			task->pi_lock.unlock_irqrestore(flags);
			ret = lib::Error{EDEADLK};
			break;
		}
		if (waiter->prio == task->prio && !orig) {
			lock->wait_lock.unlock();
			task->pi_lock.unlock_irqrestore(flags);
			break; /* nothing changes further down */
		}
		struct rt_mutex_waiter* prev_top = rt_mutex_top_waiter(lock);
		waiter->tree_entry.del_init();
		waiter->prio = task->prio;
		rt_mutex_enqueue(lock, waiter);
		task->pi_lock.unlock();
		if (!owner) {
			lock->wait_lock.unlock_irqrestore(flags);
			break;
		}
		owner->pi_lock.lock();
		rt_mutex_update_owner_pi(owner, lock, prev_top);
		get_task_struct(owner);
		owner->pi_lock.unlock();
		lock->wait_lock.unlock_irqrestore(flags);
		put_task_struct(task);
		task = owner;
	}
	if (task)
		put_task_struct(task);
	return ret;
}

/* may task take the free lock?  Only the top waiter, or anyone if none
 * waits (Linux: try_to_take_rt_mutex without the steal) */
bool try_to_take_rt_mutex(struct rt_mutex_base* lock, struct task_struct* task, struct rt_mutex_waiter* waiter)
    REQUIRES(lock->wait_lock)
{
	if (rt_mutex_owner(lock))
		return false;
	struct rt_mutex_waiter* top = rt_mutex_top_waiter(lock);
	if (top && top != waiter && top->prio <= task->prio)
		return false;
	if (waiter)
		waiter->tree_entry.del_init();
	{
		lib::spin_lock_irqsave_guard g(task->pi_lock);
		task->pi_blocked_on = nullptr;
		if (struct rt_mutex_waiter* next = rt_mutex_top_waiter(lock)) {
			rt_mutex_enqueue_pi(task, next);
			rt_mutex_adjust_prio(task);
		}
	}
	__atomic_store_n(&lock->owner, task, __ATOMIC_RELEASE);
	return true;
}

/* queue waiter for task and boost the owner; the wait_lock is dropped
 * (for the chain walk) and retaken.  0 queued, EDEADLK */
lib::Result<void> task_blocks_on_rt_mutex(struct rt_mutex_base* lock, struct rt_mutex_waiter* waiter,
                                          struct task_struct* task, unsigned long& flags) REQUIRES(lock->wait_lock)
{
	struct task_struct* owner = rt_mutex_owner(lock);
	if (owner == task)
		return lib::Error{EDEADLK};
	waiter->task = task;
	waiter->lock = lock;
	waiter->tree_entry.init();
	waiter->pi_tree_entry.init();
	struct rt_mutex_waiter* prev_top = rt_mutex_top_waiter(lock);
	{
		lib::spin_lock_guard g(task->pi_lock);
		waiter->prio = task->prio;
		rt_mutex_enqueue(lock, waiter);
		task->pi_blocked_on = waiter;
	}
	if (!owner)
		return lib::ok();
	bool chain;
	{
		lib::spin_lock_guard g(owner->pi_lock);
		if (rt_mutex_top_waiter(lock) == waiter)
			rt_mutex_update_owner_pi(owner, lock, prev_top);
		chain = owner->pi_blocked_on != nullptr;
		if (chain)
			get_task_struct(owner);
	}
	if (!chain)
		return lib::ok();
	lock->wait_lock.unlock_irqrestore(flags);
	lib::Result<void> res = rt_mutex_adjust_prio_chain(owner, task);
	flags = arch_local_irq_save();
	lock->wait_lock.lock();
	return res;
}

/* take a waiter that gives up off the lock (Linux: remove_waiter);
 * wait_lock dropped and retaken around the chain walk */
void remove_waiter(struct rt_mutex_base* lock, struct rt_mutex_waiter* waiter, unsigned long& flags)
    REQUIRES(lock->wait_lock)
{
	struct task_struct* owner = rt_mutex_owner(lock);
	struct rt_mutex_waiter* prev_top = rt_mutex_top_waiter(lock);
	{
		lib::spin_lock_guard g(waiter->task->pi_lock);
		waiter->tree_entry.del_init();
		waiter->task->pi_blocked_on = nullptr;
	}
	if (!owner || prev_top != waiter)
		return;
	bool chain;
	{
		lib::spin_lock_guard g(owner->pi_lock);
		rt_mutex_update_owner_pi(owner, lock, prev_top);
		chain = owner->pi_blocked_on != nullptr;
		if (chain)
			get_task_struct(owner);
	}
	if (!chain)
		return;
	lock->wait_lock.unlock_irqrestore(flags);
	(void)rt_mutex_adjust_prio_chain(owner, nullptr);
	flags = arch_local_irq_save();
	lock->wait_lock.lock();
}

/* sleep until the lock is handed to current (Linux: rt_mutex_slowlock_block) */
lib::Result<void> rt_mutex_slowlock_block(struct rt_mutex_base* lock, unsigned int state,
                                          const struct sleep_deadline* to, unsigned long& flags)
    REQUIRES(lock->wait_lock)
{
	for (;;) {
		set_current_state(state);
		if (rt_mutex_owner(lock) == current)
			break;
		long ticks = MAX_SCHEDULE_TIMEOUT;
		if (to && !(ticks = sleep_deadline_ticks(to))) {
			__set_current_state(TASK_RUNNING);
			return lib::Error{ETIMEDOUT};
		}
		if (signal_pending_state(state, current)) {
			__set_current_state(TASK_RUNNING);
			return lib::Error{EINTR};
		}
		lock->wait_lock.unlock_irqrestore(flags);
		schedule_timeout(ticks);
		flags = arch_local_irq_save();
		lock->wait_lock.lock();
	}
	__set_current_state(TASK_RUNNING);
	return lib::ok();
}

lib::Result<void> rt_mutex_slowlock(struct rt_mutex_base* lock, unsigned int state) NO_THREAD_SAFETY_ANALYSIS
{
	might_sleep();
	unsigned long flags = arch_local_irq_save();
	lock->wait_lock.lock();
	if (try_to_take_rt_mutex(lock, current, nullptr)) {
		lock->wait_lock.unlock_irqrestore(flags);
		return lib::ok();
	}
	struct rt_mutex_waiter waiter;
	lib::Result<void> ret = task_blocks_on_rt_mutex(lock, &waiter, current, flags);
	if (ret.is_ok())
		ret = rt_mutex_slowlock_block(lock, state, nullptr, flags);
	if (ret.is_err() && rt_mutex_owner(lock) != current)
		remove_waiter(lock, &waiter, flags);
	else
		ret = lib::ok();
	lock->wait_lock.unlock_irqrestore(flags);
	return ret;
}

/* hand the lock to its top waiter or free it (Linux: rt_mutex_slowunlock,
 * mark_wakeup_next_waiter, with a handoff); returns the task to wake,
 * referenced, or NULL */
struct task_struct* rt_mutex_slowunlock_locked(struct rt_mutex_base* lock) REQUIRES(lock->wait_lock)
{
	struct task_struct* old = rt_mutex_owner(lock);
	struct rt_mutex_waiter* top = rt_mutex_top_waiter(lock);
	if (!top) {
		__atomic_store_n(&lock->owner, nullptr, __ATOMIC_RELEASE);
		return nullptr;
	}
	top->tree_entry.del_init();
	if (old) {
		lib::spin_lock_guard g(old->pi_lock);
		rt_mutex_dequeue_pi(top);
		rt_mutex_adjust_prio(old); /* back to its own priority (or the next lock's) */
	}
	struct task_struct* next = top->task;
	{
		lib::spin_lock_guard g(next->pi_lock);
		next->pi_blocked_on = nullptr;
		if (struct rt_mutex_waiter* w = rt_mutex_top_waiter(lock)) {
			rt_mutex_enqueue_pi(next, w);
			rt_mutex_adjust_prio(next);
		}
	}
	get_task_struct(next);
	__atomic_store_n(&lock->owner, next, __ATOMIC_RELEASE);
	/* the old owner may have been deboosted above: it must not be
	 * preempted before it wakes the new one (Linux: the preempt_disable
	 * of mark_wakeup_next_waiter, enabled again in rt_mutex_postunlock) */
	preempt_disable();
	return next;
}
} // namespace

void rt_mutex_lock(struct rt_mutex* lock)
{
	(void)rt_mutex_slowlock(&lock->rtmutex, TASK_UNINTERRUPTIBLE);
}

lib::Result<void> rt_mutex_lock_interruptible(struct rt_mutex* lock)
{
	return rt_mutex_slowlock(&lock->rtmutex, TASK_INTERRUPTIBLE);
}

int rt_mutex_trylock(struct rt_mutex* lock)
{
	struct rt_mutex_base* b = &lock->rtmutex;
	lib::spin_lock_irqsave_guard g(b->wait_lock);
	return try_to_take_rt_mutex(b, current, nullptr);
}

void rt_mutex_unlock(struct rt_mutex* lock)
{
	WARN_ON(rt_mutex_owner(&lock->rtmutex) != current);
	rt_mutex_futex_unlock(&lock->rtmutex);
}

int rt_effective_prio(struct task_struct* p, int prio)
{
	struct task_struct* pi_task = p->pi_top_task;
	if (pi_task && pi_task->prio < prio)
		return pi_task->prio;
	return prio;
}

/* ---- the futex side (Linux: rtmutex_api.c) ---- */

void rt_mutex_init_proxy_locked(struct rt_mutex_base* lock, struct task_struct* owner)
{
	rt_mutex_base_init(lock);
	lock->owner = owner;
}

void rt_mutex_proxy_unlock(struct rt_mutex_base* lock)
{
	WARN_ON(!lock->waiters.empty());
	__atomic_store_n(&lock->owner, nullptr, __ATOMIC_RELEASE);
}

lib::Result<int> __rt_mutex_start_proxy_lock(struct rt_mutex_base* lock, struct rt_mutex_waiter* waiter,
                                             struct task_struct* task) NO_THREAD_SAFETY_ANALYSIS
{
	if (try_to_take_rt_mutex(lock, task, nullptr))
		return 1;
	/* the chain walk drops wait_lock: callers of the __ variant hold the
	 * hash bucket lock, so walk with it kept (no deadlock detection
	 * beyond the first owner; Linux walks here too) */
	struct task_struct* owner = rt_mutex_owner(lock);
	if (owner == task)
		return lib::Error{EDEADLK};
	waiter->task = task;
	waiter->lock = lock;
	waiter->tree_entry.init();
	waiter->pi_tree_entry.init();
	struct rt_mutex_waiter* prev_top = rt_mutex_top_waiter(lock);
	{
		lib::spin_lock_irqsave_guard g(task->pi_lock);
		waiter->prio = task->prio;
		rt_mutex_enqueue(lock, waiter);
		task->pi_blocked_on = waiter;
	}
	if (owner) {
		lib::spin_lock_irqsave_guard g(owner->pi_lock);
		if (rt_mutex_top_waiter(lock) == waiter)
			rt_mutex_update_owner_pi(owner, lock, prev_top);
	}
	return 0;
}

lib::Result<int> rt_mutex_start_proxy_lock(struct rt_mutex_base* lock, struct rt_mutex_waiter* waiter,
                                           struct task_struct* task) NO_THREAD_SAFETY_ANALYSIS
{
	unsigned long flags = arch_local_irq_save();
	lock->wait_lock.lock();
	if (try_to_take_rt_mutex(lock, task, nullptr)) {
		lock->wait_lock.unlock_irqrestore(flags);
		return 1;
	}
	lib::Result<void> r = task_blocks_on_rt_mutex(lock, waiter, task, flags);
	if (r.is_err() && rt_mutex_owner(lock) != task) {
		if (waiter->tree_entry.linked())
			remove_waiter(lock, waiter, flags);
		lock->wait_lock.unlock_irqrestore(flags);
		return lib::Error{r.error()};
	}
	lock->wait_lock.unlock_irqrestore(flags);
	return 0;
}

lib::Result<void> rt_mutex_wait_proxy_lock(struct rt_mutex_base* lock, const struct sleep_deadline* to,
                                           struct rt_mutex_waiter*) NO_THREAD_SAFETY_ANALYSIS
{
	unsigned long flags = arch_local_irq_save();
	lock->wait_lock.lock();
	lib::Result<void> ret = rt_mutex_slowlock_block(lock, TASK_INTERRUPTIBLE, to, flags);
	lock->wait_lock.unlock_irqrestore(flags);
	return ret;
}

bool rt_mutex_cleanup_proxy_lock(struct rt_mutex_base* lock, struct rt_mutex_waiter* waiter) NO_THREAD_SAFETY_ANALYSIS
{
	unsigned long flags = arch_local_irq_save();
	lock->wait_lock.lock();
	bool owned = rt_mutex_owner(lock) == current;
	if (!owned && waiter->tree_entry.linked())
		remove_waiter(lock, waiter, flags);
	lock->wait_lock.unlock_irqrestore(flags);
	return owned;
}

struct task_struct* rt_mutex_next_owner(struct rt_mutex_base* lock)
{
	struct rt_mutex_waiter* top = rt_mutex_top_waiter(lock);
	return top ? top->task : nullptr;
}

struct task_struct* __rt_mutex_futex_unlock(struct rt_mutex_base* lock)
{
	return rt_mutex_slowunlock_locked(lock);
}

void rt_mutex_postunlock(struct task_struct* next)
{
	if (next) {
		wake_up_process(next);
		put_task_struct(next);
		preempt_enable();
	}
}

void rt_mutex_futex_unlock(struct rt_mutex_base* lock) NO_THREAD_SAFETY_ANALYSIS
{
	struct task_struct* next;
	{
		lib::spin_lock_irqsave_guard g(lock->wait_lock);
		next = rt_mutex_slowunlock_locked(lock);
	}
	rt_mutex_postunlock(next); /* wakes next, then lets the deboosted owner be preempted */
}

lib::Result<void> rt_mutex_adjust_pi(struct task_struct* task)
{
	get_task_struct(task);
	return rt_mutex_adjust_prio_chain(task, task);
}

int rt_mutex_futex_trylock(struct rt_mutex_base* lock)
{
	lib::spin_lock_irqsave_guard g(lock->wait_lock);
	return try_to_take_rt_mutex(lock, current, nullptr);
}
