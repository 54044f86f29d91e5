/*
 * Sleeping locks (Linux: kernel/locking/mutex.c, semaphore.c, rwsem.c,
 * much simplified).
 *
 * Data structures (<kernel/mutex.h>):
 *   mutex         owner (the task, NULL when free, set by cmpxchg) and a
 *                 FIFO of sleeping waiters under wait_lock
 *   semaphore     count and a FIFO of waiters under lock; up() hands the
 *                 unit straight to the first waiter (waiter->up)
 *   rw_semaphore  count (> 0 readers, -1 writer) under lock, sleepers on
 *                 a wait queue; readers do not enter while a writer
 *                 waits (no writer starvation)
 *
 * Invariants: a mutex is released only by its owner (else a WARN); a
 * waiter sets its sleeping state while holding wait_lock, and the waker
 * wakes it while holding wait_lock, so no wake-up is lost.  No optimistic
 * spinning, no handoff flag, no priority inheritance.  Lockdep sees
 * mutexes and writers of rw_semaphores (<kernel/lockdep.h>).
 *
 * The lock and unlock functions themselves are NO_THREAD_SAFETY_ANALYSIS:
 * they are where the capability changes hands (annotated in the header).
 *
 * Lock order: wait_lock / lock (irqsave) -> rq->lock.
 */
#include <kernel/kernel.h>
#include <kernel/lockdep.h>
#include <kernel/mutex.h>
#include <kernel/restart.h>
#include <kernel/sched/signal.h>
#include <kernel/panic.h>
#include <uapi/asm-generic/errno-base.h>
#include <uapi/asm-generic/errno.h>

namespace
{
struct mutex_waiter {
	lib::list_head list;
	struct task_struct* task;
};
struct semaphore_waiter {
	lib::list_head list;
	struct task_struct* task;
	bool up;
};
} // namespace

/* ---------------------------------------------------------------- mutex */

void mutex_init(struct mutex* lock)
{
	lock->owner.store(nullptr);
	lock->wait_list.init();
	lockdep_init_map(lock);
	lockdep_init_map(&lock->wait_lock);
}

namespace {
bool __mutex_trylock(struct mutex* lock)
{
	struct task_struct* expected = nullptr;
	return lock->owner.compare_exchange_strong(expected, get_current(), std::memory_order_acquire);
}
} // namespace

int mutex_trylock(struct mutex* lock) NO_THREAD_SAFETY_ANALYSIS
{
	if (!__mutex_trylock(lock))
		return 0;
	lock_acquire(lock, "mutex", true, _RET_IP_);
	return 1;
}

namespace
{
/* the sleep of mutex_lock (TASK_UNINTERRUPTIBLE), _interruptible and
 * _killable: -ERESTARTSYS when a signal the state allows ends it */
int __mutex_lock_common(struct mutex* lock, unsigned int state) NO_THREAD_SAFETY_ANALYSIS
{
	might_sleep();
	lock_acquire(lock, "mutex", false, _RET_IP_); /* reports before blocking */
	if (__mutex_trylock(lock))
		return 0;
	WARN_ON(lock->owner.load() == get_current()); /* recursive locking: deadlock */
	struct mutex_waiter waiter;
	waiter.task = current;
	unsigned long flags = arch_local_irq_save();
	lock->wait_lock.lock();
	lock->wait_list.add_tail(&waiter.list);
	int ret = 0;
	for (;;) {
		if (__mutex_trylock(lock))
			break;
		if (signal_pending_state(state, current)) {
			ret = -ERESTARTSYS;
			break;
		}
		set_current_state(state);
		lock->wait_lock.unlock_irqrestore(flags);
		schedule();
		flags = arch_local_irq_save();
		lock->wait_lock.lock();
	}
	waiter.list.del();
	__set_current_state(TASK_RUNNING);
	lock->wait_lock.unlock_irqrestore(flags);
	if (ret)
		lock_release(lock);
	return ret;
}
} // namespace

void mutex_lock(struct mutex* lock) NO_THREAD_SAFETY_ANALYSIS
{
	might_sleep();
	lock_acquire(lock, "mutex", false, _RET_IP_); /* reports before blocking */
	if (__mutex_trylock(lock))
		return;
	WARN_ON(lock->owner.load() == get_current()); /* recursive locking: deadlock */
	struct mutex_waiter waiter;
	waiter.task = current;
	unsigned long flags = arch_local_irq_save();
	lock->wait_lock.lock();
	lock->wait_list.add_tail(&waiter.list);
	for (;;) {
		if (__mutex_trylock(lock))
			break;
		set_current_state(TASK_UNINTERRUPTIBLE);
		lock->wait_lock.unlock_irqrestore(flags);
		schedule();
		flags = arch_local_irq_save();
		lock->wait_lock.lock();
	}
	waiter.list.del();
	__set_current_state(TASK_RUNNING);
	lock->wait_lock.unlock_irqrestore(flags);
}

lib::Result<void> mutex_lock_interruptible(struct mutex* lock) NO_THREAD_SAFETY_ANALYSIS
{
	if (__mutex_lock_common(lock, TASK_INTERRUPTIBLE))
		return lib::Error{ERESTARTSYS};
	return lib::ok();
}

lib::Result<void> mutex_lock_killable(struct mutex* lock) NO_THREAD_SAFETY_ANALYSIS
{
	if (__mutex_lock_common(lock, TASK_KILLABLE))
		return lib::Error{ERESTARTSYS};
	return lib::ok();
}

void mutex_unlock(struct mutex* lock) NO_THREAD_SAFETY_ANALYSIS
{
	WARN_ON(lock->owner.load() != get_current());
	lock_release(lock);
	lock->owner.store(nullptr, std::memory_order_release);
	lib::spin_lock_irqsave_guard g(lock->wait_lock);
	if (!lock->wait_list.empty())
		wake_up_process(list_first_entry(&lock->wait_list, struct mutex_waiter, list)->task);
}

/* ------------------------------------------------------------ semaphore */

void sema_init(struct semaphore* sem, int val)
{
	sem->count = unsigned(val);
	sem->wait_list.init();
	lockdep_init_map(&sem->lock);
}

namespace
{
/* ETIME after timeout jiffies */
lib::Result<void> __down_common(struct semaphore* sem, long timeout)
{
	might_sleep();
	unsigned long flags = arch_local_irq_save();
	sem->lock.lock();
	if (sem->count > 0) {
		sem->count--;
		sem->lock.unlock_irqrestore(flags);
		return lib::ok();
	}
	struct semaphore_waiter waiter;
	waiter.task = current;
	waiter.up = false;
	sem->wait_list.add_tail(&waiter.list);
	lib::Result<void> ret = lib::ok();
	for (;;) {
		if (waiter.up)
			break;
		if (timeout <= 0) {
			waiter.list.del();
			ret = lib::Error{ETIME};
			break;
		}
		__set_current_state(TASK_UNINTERRUPTIBLE);
		sem->lock.unlock_irqrestore(flags);
		timeout = schedule_timeout(timeout);
		flags = arch_local_irq_save();
		sem->lock.lock();
	}
	__set_current_state(TASK_RUNNING);
	sem->lock.unlock_irqrestore(flags);
	return ret;
}
} // namespace

void down(struct semaphore* sem)
{
	WARN_ON(__down_common(sem, MAX_SCHEDULE_TIMEOUT).is_err()); /* no timeout: cannot fail */
}

lib::Result<void> down_interruptible(struct semaphore* sem)
{
	return __down_common(sem, MAX_SCHEDULE_TIMEOUT);
}

lib::Result<void> down_timeout(struct semaphore* sem, long timeout)
{
	return __down_common(sem, timeout);
}

int down_trylock(struct semaphore* sem)
{
	lib::spin_lock_irqsave_guard g(sem->lock);
	if (sem->count > 0) {
		sem->count--;
		return 0;
	}
	return 1;
}

void up(struct semaphore* sem)
{
	lib::spin_lock_irqsave_guard g(sem->lock);
	if (sem->wait_list.empty()) {
		sem->count++;
		return;
	}
	auto* w = list_first_entry(&sem->wait_list, struct semaphore_waiter, list);
	w->list.del();
	w->up = true;
	wake_up_process(w->task);
}

/* ---------------------------------------------------------------- rwsem */

void init_rwsem(struct rw_semaphore* sem)
{
	sem->count = 0;
	sem->writers_waiting = 0;
	init_waitqueue_head(&sem->wait);
	lockdep_init_map(sem);
	lockdep_init_map(&sem->lock);
}

int down_read_trylock(struct rw_semaphore* sem) NO_THREAD_SAFETY_ANALYSIS
{
	lib::spin_lock_irqsave_guard g(sem->lock);
	if (sem->count < 0 || sem->writers_waiting)
		return 0;
	sem->count++;
	return 1;
}

namespace {
bool __down_write_trylock(struct rw_semaphore* sem)
{
	lib::spin_lock_irqsave_guard g(sem->lock);
	if (sem->count != 0)
		return false;
	sem->count = -1;
	return true;
}
} // namespace

int down_write_trylock(struct rw_semaphore* sem) NO_THREAD_SAFETY_ANALYSIS
{
	if (!__down_write_trylock(sem))
		return 0;
	lock_acquire(sem, "rwsem", true, _RET_IP_);
	return 1;
}

void down_read(struct rw_semaphore* sem) NO_THREAD_SAFETY_ANALYSIS
{
	might_sleep();
	wait_event(sem->wait, down_read_trylock(sem));
}

void down_write(struct rw_semaphore* sem) NO_THREAD_SAFETY_ANALYSIS
{
	might_sleep();
	lock_acquire(sem, "rwsem", false, _RET_IP_); /* reports before blocking */
	if (__down_write_trylock(sem))
		return;
	{
		lib::spin_lock_irqsave_guard g(sem->lock);
		sem->writers_waiting++;
	}
	wait_event(sem->wait, __down_write_trylock(sem));
	lib::spin_lock_irqsave_guard g(sem->lock);
	sem->writers_waiting--;
}

void up_read(struct rw_semaphore* sem) NO_THREAD_SAFETY_ANALYSIS
{
	bool last;
	{
		lib::spin_lock_irqsave_guard g(sem->lock);
		WARN_ON(sem->count <= 0);
		last = --sem->count == 0;
	}
	if (last)
		wake_up_all(&sem->wait);
}

void up_write(struct rw_semaphore* sem) NO_THREAD_SAFETY_ANALYSIS
{
	{
		lib::spin_lock_irqsave_guard g(sem->lock);
		WARN_ON(sem->count != -1);
		sem->count = 0;
	}
	lock_release(sem);
	wake_up_all(&sem->wait);
}

void downgrade_write(struct rw_semaphore* sem)
{
	{
		lib::spin_lock_irqsave_guard g(sem->lock);
		WARN_ON(sem->count != -1);
		sem->count = 1;
	}
	lock_release(sem); /* now a reader: readers are not tracked */
	wake_up_all(&sem->wait);
}
