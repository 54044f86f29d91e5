/*
 * Lock-order validator, a small lockdep (Linux: include/linux/lockdep.h,
 * kernel/locking/lockdep.c).  Off unless the boot parameter "lockdep" is
 * given.  The lock class key is the lock's address; mutex_init()/
 * init_rwsem() forget the dependencies of a (reused) address.
 *
 * Data structures: per task, task_struct::held_locks[] (a stack of what the
 * task holds, with the acquire call site) and lockdep_depth; globally a
 * table of direct dependencies A->B ("B taken while A held").
 *
 * Checks: (a) recursive locking: acquiring a lock this task already holds;
 * (b) inverted order of two locks: A->B recorded, now B->A.  Reported
 * before blocking, then the validator turns itself off (debug_locks_off).
 * Tracked: mutexes, rw_semaphores taken for writing, and lib::spinlock
 * taken in task context (<lib/spinlock.h> calls spin_acquire/
 * spin_release behind one branch on debug_locks).  Not tracked: counting
 * semaphores (released by other tasks, as Linux leaves them out too),
 * readers of rw_semaphores, spinlocks taken in interrupt or softirq
 * context, and lib::untracked_spinlock: lockdep_lock itself, printk's
 * logbuf_lock (lockdep reports through printk) and the runqueue locks
 * (taken by one task and released by the next across a context switch).
 *
 * A lock's class is its address, so a lock at a reused address (a wait
 * queue on the stack, a freed and reallocated task) forgets the old
 * dependencies when it is initialised again: mutex_init, init_rwsem,
 * sema_init, init_waitqueue_head and copy_process's pi_lock call
 * lockdep_init_map().
 *
 * The global lock order the checks enforce at run time is written down
 * in <kernel/lock_order.h>.
 *
 * Lock order: any tracked lock -> lockdep_lock (irqsave, innermost).
 */
#pragma once
#include <kernel/kernel.h> /* _RET_IP_, _THIS_IP_ for lock_acquire callers */

#define MAX_LOCK_DEPTH 16

struct held_lock {
	const void* instance;
	const char* type; /* "mutex", "rwsem", "spinlock" */
	unsigned long acquire_ip;
};

extern bool debug_locks;      /* the boot parameter "lockdep", cleared after a report */
extern bool lockdep_tracking; /* the boot parameter "lockdep", never cleared: releases
                               * still pop held_locks after a report */

void lockdep_init_map(const void* lock);
/* before acquiring: checks and records; trylock only records the hold */
void lock_acquire(const void* lock, const char* type, bool trylock, unsigned long ip);
void lock_release(const void* lock);
/* lib::spinlock's hooks: the caller's call site is recorded; task context only */
void spin_acquire(const void* lock, bool trylock);
void spin_release(const void* lock);
