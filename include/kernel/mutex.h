/*
 * Sleeping locks: mutex, semaphore, rw_semaphore (Linux:
 * include/linux/mutex.h, semaphore.h, rwsem.h; kernel/locking/).
 * Implemented in kernel/locking/{mutex,semaphore,rwsem}.cc; see there for
 * the invariants.  Every sleeping acquire calls might_sleep().
 *
 *   DEFINE_MUTEX(slab_mutex);
 *   struct list_head slab_caches GUARDED_BY(slab_mutex);
 *   { mutex_guard g(slab_mutex); ... }    // mutex_lock ... mutex_unlock
 *
 * mutex and rw_semaphore are Clang thread-safety capabilities
 * (<lib/thread_safety.h>); a counting semaphore is not a lock.
 * Lock order: the lock's own wait_lock (irqsave) -> rq->lock; the global
 * order is <kernel/lock_order.h>.
 */
#pragma once
#include <atomic>
#include <kernel/completion.h>
#include <kernel/wait.h>

/* ---- mutex: one owner, FIFO hand-over to sleeping waiters ---- */
struct CAPABILITY("mutex") mutex {
	std::atomic<struct task_struct*> owner{nullptr};
	lib::spinlock wait_lock;
	lib::list_head wait_list; /* struct mutex_waiter, FIFO */
};
#define DEFINE_MUTEX(name) struct mutex name
void mutex_init(struct mutex* lock);
void mutex_lock(struct mutex* lock) ACQUIRE(lock);
/* ERESTARTSYS when a signal ends the wait.  Not
 * annotated: Clang's TRY_ACQUIRE cannot read success out of a Result */
lib::Result<void> mutex_lock_interruptible(struct mutex* lock);
/* ERESTARTSYS only for a fatal signal */
lib::Result<void> mutex_lock_killable(struct mutex* lock);
/* 1 if acquired */
int mutex_trylock(struct mutex* lock) TRY_ACQUIRE(1, lock);
void mutex_unlock(struct mutex* lock) RELEASE(lock);
static inline bool mutex_is_locked(struct mutex* lock)
{
	return lock->owner.load(std::memory_order_relaxed) != nullptr;
}
/* mutex_lock for the scope: { mutex_guard g(slab_mutex); ... } */
class [[nodiscard]] SCOPED_CAPABILITY mutex_guard
{
public:
	explicit mutex_guard(struct mutex& m) ACQUIRE(m) : lock_(m) { mutex_lock(&lock_); }
	~mutex_guard() RELEASE() { mutex_unlock(&lock_); }
	mutex_guard(const mutex_guard&) = delete;
	mutex_guard& operator=(const mutex_guard&) = delete;

private:
	struct mutex& lock_;
};

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
struct CAPABILITY("rw_semaphore") rw_semaphore {
	long count; /* > 0: that many readers; -1: a writer; 0: free */
	/* not the first member: lockdep keys the rwsem by its address and
	 * this spinlock by its own, which must differ */
	lib::spinlock lock;
	int writers_waiting;
	struct wait_queue_head wait;
};
void init_rwsem(struct rw_semaphore* sem);
void down_read(struct rw_semaphore* sem) ACQUIRE_SHARED(sem);
int down_read_trylock(struct rw_semaphore* sem) TRY_ACQUIRE_SHARED(1, sem); /* 1 if acquired */
void up_read(struct rw_semaphore* sem) RELEASE_SHARED(sem);
void down_write(struct rw_semaphore* sem) ACQUIRE(sem);
int down_write_trylock(struct rw_semaphore* sem) TRY_ACQUIRE(1, sem); /* 1 if acquired */
void up_write(struct rw_semaphore* sem) RELEASE(sem);
/* not annotated: Clang cannot turn a held capability from exclusive into shared */
void downgrade_write(struct rw_semaphore* sem);
