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
 * Tracked: mutexes and rw_semaphores taken for writing.  Counting
 * semaphores are not tracked (they are released by other tasks, as Linux
 * leaves them out too); nor are spinlocks.
 *
 * Lock order: any tracked lock -> lockdep_lock (irqsave, innermost).
 */
#pragma once
#include <kernel/kernel.h> /* _RET_IP_, _THIS_IP_ for lock_acquire callers */

#define MAX_LOCK_DEPTH 16

struct held_lock {
	const void* instance;
	const char* type; /* "mutex", "rwsem" */
	unsigned long acquire_ip;
};

extern bool debug_locks; /* the boot parameter "lockdep", cleared after a report */

void lockdep_init_map(const void* lock);
/* before acquiring: checks and records; trylock only records the hold */
void lock_acquire(const void* lock, const char* type, bool trylock, unsigned long ip);
void lock_release(const void* lock);
