/*
 * Sleeping locks: mutex, semaphore, rw_semaphore (Linux:
 * include/linux/mutex.h, semaphore.h, rwsem.h; kernel/locking/).
 * Implemented in kernel/locking/{mutex,semaphore,rwsem}.cc; see there for
 * the invariants.  Every sleeping acquire calls might_sleep().
 * Lock order: the lock's own wait_lock (irqsave) -> rq->lock.
 */
#pragma once
#include <atomic>
#include <kernel/completion.h>
#include <kernel/wait.h>

/* ---- mutex: one owner, FIFO hand-over to sleeping waiters ---- */
struct mutex {
	std::atomic<struct task_struct*> owner{nullptr};
	lib::spinlock wait_lock;
	lib::list_head wait_list; /* struct mutex_waiter, FIFO */
};
#define DEFINE_MUTEX(name) struct mutex name
void mutex_init(struct mutex* lock);
void mutex_lock(struct mutex* lock);
/* no signals yet: always succeeds (then: ERESTARTSYS, EINTR) */
lib::Result<void> mutex_lock_interruptible(struct mutex* lock);
/* 1 if acquired */
int mutex_trylock(struct mutex* lock);
void mutex_unlock(struct mutex* lock);
static inline bool mutex_is_locked(struct mutex* lock)
{
	return lock->owner.load(std::memory_order_relaxed) != nullptr;
}

/* ---- counting semaphore ---- */
struct semaphore {
	lib::spinlock lock;
	unsigned int count;
	lib::list_head wait_list; /* struct semaphore_waiter, FIFO */
};
void sema_init(struct semaphore* sem, int val);
void down(struct semaphore* sem);
lib::Result<void> down_interruptible(struct semaphore* sem);         /* no signals: succeeds */
int down_trylock(struct semaphore* sem);                             /* 0 if acquired (Linux's inverted sense) */
lib::Result<void> down_timeout(struct semaphore* sem, long jiffies); /* ETIME after jiffies */
void up(struct semaphore* sem);

/* ---- reader-writer semaphore ---- */
struct rw_semaphore {
	lib::spinlock lock;
	long count; /* > 0: that many readers; -1: a writer; 0: free */
	int writers_waiting;
	struct wait_queue_head wait;
};
void init_rwsem(struct rw_semaphore* sem);
void down_read(struct rw_semaphore* sem);
int down_read_trylock(struct rw_semaphore* sem); /* 1 if acquired */
void up_read(struct rw_semaphore* sem);
void down_write(struct rw_semaphore* sem);
int down_write_trylock(struct rw_semaphore* sem); /* 1 if acquired */
void up_write(struct rw_semaphore* sem);
void downgrade_write(struct rw_semaphore* sem);
