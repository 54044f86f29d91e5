/*
 * Lock annotations for Clang's thread-safety analysis (no Linux
 * counterpart: Linux documents what a lock guards in comments and checks
 * it at run time with lockdep_assert_held(); Clang checks it at compile
 * time).  The check is `ctest -L lint` (tools/build/check-thread-safety.py):
 * one clang++ -fsyntax-only -Wthread-safety pass over every kernel source.
 * Under GCC every macro is empty.
 *
 *   lib::spinlock lock;
 *   int count GUARDED_BY(lock);               // read or written only under lock
 *   struct page* pages PT_GUARDED_BY(lock);   // the pointer is free, *pages is not
 *   void drain(struct zone* z) REQUIRES(z->lock);  // caller holds it
 *   void flush() EXCLUDES(lock);              // caller must not hold it (takes it)
 *
 * The lock types (<lib/spinlock.h>, <lib/rwlock.h>, <kernel/mutex.h>) are
 * CAPABILITY types whose lock/unlock functions ACQUIRE/RELEASE, and their
 * guards SCOPED_CAPABILITY.  What the analysis cannot follow (a lock
 * handed over across a context switch, per-CPU data reached by
 * smp_processor_id(), single-threaded boot initialisation) says so with
 * NO_THREAD_SAFETY_ANALYSIS and a comment giving the reason.
 *
 * Where the lock order lives: <kernel/lock_order.h>.
 */
#pragma once

#if defined(__clang__)
#define __TSA(x) __attribute__((x))
#else
#define __TSA(x)
#endif

#define CAPABILITY(x) __TSA(capability(x))
#define SCOPED_CAPABILITY __TSA(scoped_lockable)
#define GUARDED_BY(x) __TSA(guarded_by(x))
#define PT_GUARDED_BY(x) __TSA(pt_guarded_by(x))
#define ACQUIRED_BEFORE(...) __TSA(acquired_before(__VA_ARGS__))
#define ACQUIRED_AFTER(...) __TSA(acquired_after(__VA_ARGS__))
#define REQUIRES(...) __TSA(requires_capability(__VA_ARGS__))
#define REQUIRES_SHARED(...) __TSA(requires_shared_capability(__VA_ARGS__))
#define ACQUIRE(...) __TSA(acquire_capability(__VA_ARGS__))
#define ACQUIRE_SHARED(...) __TSA(acquire_shared_capability(__VA_ARGS__))
#define RELEASE(...) __TSA(release_capability(__VA_ARGS__))
#define RELEASE_SHARED(...) __TSA(release_shared_capability(__VA_ARGS__))
#define RELEASE_GENERIC(...) __TSA(release_generic_capability(__VA_ARGS__))
#define TRY_ACQUIRE(...) __TSA(try_acquire_capability(__VA_ARGS__))
#define TRY_ACQUIRE_SHARED(...) __TSA(try_acquire_shared_capability(__VA_ARGS__))
#define EXCLUDES(...) __TSA(locks_excluded(__VA_ARGS__))
#define ASSERT_CAPABILITY(x) __TSA(assert_capability(x))
#define RETURN_CAPABILITY(x) __TSA(lock_returned(x))
#define NO_THREAD_SAFETY_ANALYSIS __TSA(no_thread_safety_analysis)
