/*
 * Deliberately wrong (not part of the kernel): a GUARDED_BY field written
 * without its lock, a REQUIRES function called unlocked, and a guard
 * released twice by hand.  The CTest test thread_safety_catches_unlocked
 * (tests/lint/CMakeLists.txt) passes only if Clang's thread-safety
 * analysis rejects this file with the kernel's flags: proof that the
 * tree-wide check `thread_safety` would catch the same mistake.
 */
#include <lib/spinlock.h>
#include <mm/mmzone.h>

namespace
{
lib::spinlock demo_lock;
int demo_count GUARDED_BY(demo_lock);

void demo_locked() REQUIRES(demo_lock)
{
	demo_count++;
}
} // namespace

void thread_safety_bad_unlocked_write()
{
	demo_count++; /* no lock held */
}

void thread_safety_bad_requires()
{
	demo_locked(); /* caller does not hold demo_lock */
}

void thread_safety_bad_zone(struct zone* z)
{
	z->free_area[0].nr_free++; /* zone->lock not held */
}
