/*
 * Spinlocks with RAII guards (Linux: include/linux/spinlock.h,
 * spin_lock/spin_lock_irqsave).
 *
 *   lib::spinlock lock;
 *   int count GUARDED_BY(lock);
 *   { lib::spin_lock_guard g(lock); count++; }          // spin_lock/spin_unlock
 *   { lib::spin_lock_irqsave_guard g(lock); count++; }  // saves and restores IF
 *
 * Two types, one behaviour: holding either disables preemption, as
 * Linux's spinlock_t does.
 *   lib::spinlock            the ordinary lock; lockdep (the "lockdep" boot
 *                            parameter, kernel/locking/lockdep.cc) checks
 *                            its order and recursion in task context.
 *   lib::untracked_spinlock  the same lock that lockdep does not look at:
 *                            lockdep's own lock, printk's, the runqueue
 *                            locks (handed from task to task across a
 *                            context switch).  Linux keeps these out of
 *                            lockdep too (arch_spinlock_t for lockdep's
 *                            graph lock, lockdep_off()).
 * A lock whose holder may sleep is a struct mutex (<kernel/mutex.h>);
 * there is no preemptible spinlock.
 *
 * A test-and-test-and-set lock: waiters spin on a plain load so the line
 * stays shared until the holder releases it.  The irqsave guard disables
 * interrupts *before* taking the lock (an interrupt handler taking the same
 * lock on this CPU would otherwise deadlock) and restores the saved state
 * after releasing it, so nesting inside an irqs-off region stays irqs-off.
 * With lockdep off the only cost of the check is one predictable branch
 * on debug_locks.
 *
 * Both types are Clang thread-safety capabilities (<lib/thread_safety.h>);
 * the global lock order is <kernel/lock_order.h>.
 *
 * On the host (unit tests) interrupt state, preemption and lockdep are
 * no-ops (<arch/irqflags.h>).
 */
#pragma once
#include <atomic>

#include <arch/irqflags.h>  /* no-ops on the host */
#include <arch/processor.h> /* cpu_relax: pause */
#include <lib/thread_safety.h>
#if !__STDC_HOSTED__
#include <kernel/preempt.h> /* a held spinlock disables preemption, as Linux's */
#define __spin_preempt_disable() preempt_disable()
#define __spin_preempt_enable() preempt_enable()
/* kernel/locking/lockdep.cc: out of line, so its return address is the
 * place in the caller that took the lock (lock() is inlined there) */
extern bool debug_locks;      /* checks on */
extern bool lockdep_tracking; /* held_locks kept (stays on after a report) */
void spin_acquire(const void* lock, bool trylock);
void spin_release(const void* lock);
#define __spin_lockdep() __builtin_expect(debug_locks, 0)
#define __spin_lockdep_tracking() __builtin_expect(lockdep_tracking, 0)
#define __spin_acquire(lock, trylock) spin_acquire(lock, trylock)
#define __spin_release(lock) spin_release(lock)
#else
#define __spin_preempt_disable() ((void)0)
#define __spin_preempt_enable() ((void)0)
#define __spin_lockdep() false
#define __spin_lockdep_tracking() false
#define __spin_acquire(lock, trylock) ((void)0)
#define __spin_release(lock) ((void)0)
#endif

namespace lib
{

class CAPABILITY("spinlock") spinlock
{
public:
	constexpr spinlock() = default;
	spinlock(const spinlock&) = delete;
	spinlock& operator=(const spinlock&) = delete;

	/* lockdep checks before spinning, so a deadlock is reported first */
	void lock() ACQUIRE()
	{
		__spin_preempt_disable();
		if (__spin_lockdep() && tracked_)
			__spin_acquire(this, false);
		for (;;) {
			if (!locked_.exchange(true, std::memory_order_acquire))
				return;
			while (locked_.load(std::memory_order_relaxed))
				cpu_relax();
		}
	}
	bool try_lock() TRY_ACQUIRE(true)
	{
		__spin_preempt_disable();
		if (!locked_.load(std::memory_order_relaxed) && !locked_.exchange(true, std::memory_order_acquire)) {
			if (__spin_lockdep() && tracked_)
				__spin_acquire(this, true);
			return true;
		}
		__spin_preempt_enable();
		return false;
	}
	/* nothing of the lock is read after the releasing store: the next
	 * holder may free it (a completion on its waiter's stack) */
	void unlock() RELEASE()
	{
		release_tracking();
		locked_.store(false, std::memory_order_release);
		__spin_preempt_enable();
	}
	/* spin_unlock_irqrestore: release, restore the saved interrupt state,
	 * then allow preemption (which may reschedule) */
	void unlock_irqrestore(unsigned long flags) RELEASE()
	{
		release_tracking();
		locked_.store(false, std::memory_order_release);
		arch_local_irq_restore(flags);
		__spin_preempt_enable();
	}
	/* release without the preempt_enable() of unlock(): the caller
	 * re-enables preemption (preempt_on(), or a switch's own count) */
	void unlock_no_preempt() RELEASE()
	{
		release_tracking();
		locked_.store(false, std::memory_order_release);
	}
	static void preempt_on() { __spin_preempt_enable(); }
	bool is_locked() const { return locked_.load(std::memory_order_relaxed); }

protected:
	struct untracked_tag {
	};
	constexpr explicit spinlock(untracked_tag) : tracked_(false) {}

private:
	void release_tracking()
	{
		if (__spin_lockdep_tracking() && tracked_)
			__spin_release(this);
	}
	std::atomic<bool> locked_{false};
	bool tracked_ = true;
};

/* not seen by lockdep: see the header comment for who may use it */
class CAPABILITY("spinlock") untracked_spinlock : public spinlock
{
public:
	constexpr untracked_spinlock() : spinlock(untracked_tag{}) {}
};

class [[nodiscard]] SCOPED_CAPABILITY spin_lock_guard
{
public:
	explicit spin_lock_guard(spinlock& l) ACQUIRE(l) : lock_(l) { lock_.lock(); }
	~spin_lock_guard() RELEASE() { lock_.unlock(); }
	spin_lock_guard(const spin_lock_guard&) = delete;
	spin_lock_guard& operator=(const spin_lock_guard&) = delete;

private:
	spinlock& lock_;
};

class [[nodiscard]] SCOPED_CAPABILITY spin_lock_irqsave_guard
{
public:
	explicit spin_lock_irqsave_guard(spinlock& l) ACQUIRE(l) : lock_(l), flags_(arch_local_irq_save())
	{
		lock_.lock();
	}
	~spin_lock_irqsave_guard() RELEASE() { lock_.unlock_irqrestore(flags_); }
	spin_lock_irqsave_guard(const spin_lock_irqsave_guard&) = delete;
	spin_lock_irqsave_guard& operator=(const spin_lock_irqsave_guard&) = delete;

private:
	spinlock& lock_;
	unsigned long flags_;
};

} // namespace lib
