/*
 * Spinlock with RAII guards (Linux: include/linux/spinlock.h,
 * spin_lock/spin_lock_irqsave).
 *
 *   lib::spinlock lock;
 *   { lib::spin_lock_guard g(lock); ... }            // spin_lock/spin_unlock
 *   { lib::spin_lock_irqsave_guard g(lock); ... }    // saves and restores IF
 *
 * A test-and-test-and-set lock: waiters spin on a plain load so the line
 * stays shared until the holder releases it.  The irqsave guard disables
 * interrupts *before* taking the lock (an interrupt handler taking the same
 * lock on this CPU would otherwise deadlock) and restores the saved state
 * after releasing it, so nesting inside an irqs-off region stays irqs-off.
 *
 * On the host (unit tests) interrupt state is a no-op (<arch/irqflags.h>).
 */
#pragma once
#include <atomic>

#include <arch/irqflags.h>  /* no-ops on the host */
#include <arch/processor.h> /* cpu_relax: pause */
#if !__STDC_HOSTED__
#include <kernel/preempt.h> /* a held spinlock disables preemption, as Linux's */
#define __spin_preempt_disable() preempt_disable()
#define __spin_preempt_enable() preempt_enable()
#else
#define __spin_preempt_disable() ((void)0)
#define __spin_preempt_enable() ((void)0)
#endif

namespace lib
{

class spinlock
{
public:
	constexpr spinlock() = default;
	/* preemptible: the holder may be preempted (and may allocate with
	 * GFP_KERNEL); a waiter spins until the tick preempts it.  A stand-in
	 * for a sleeping mutex where Linux has one (slab_mutex) */
	explicit constexpr spinlock(bool preemptible) : preemptible_(preemptible) {}
	spinlock(const spinlock&) = delete;
	spinlock& operator=(const spinlock&) = delete;

	void lock()
	{
		if (!preemptible_)
			__spin_preempt_disable();
		for (;;) {
			if (!locked_.exchange(true, std::memory_order_acquire))
				return;
			while (locked_.load(std::memory_order_relaxed))
				cpu_relax();
		}
	}
	bool try_lock()
	{
		if (!preemptible_)
			__spin_preempt_disable();
		if (!locked_.load(std::memory_order_relaxed) && !locked_.exchange(true, std::memory_order_acquire))
			return true;
		if (!preemptible_)
			__spin_preempt_enable();
		return false;
	}
	/* nothing of the lock is read after the releasing store: the next
	 * holder may free it (a completion on its waiter's stack) */
	void unlock()
	{
		bool preemptible = preemptible_;
		locked_.store(false, std::memory_order_release);
		if (!preemptible)
			__spin_preempt_enable();
	}
	/* spin_unlock_irqrestore: release, restore the saved interrupt state,
	 * then allow preemption (which may reschedule) */
	void unlock_irqrestore(unsigned long flags)
	{
		bool preemptible = preemptible_;
		locked_.store(false, std::memory_order_release);
		arch_local_irq_restore(flags);
		if (!preemptible)
			__spin_preempt_enable();
	}
	/* release without the preempt_enable() of unlock(): the irqsave
	 * guard re-enables preemption after restoring interrupts */
	void unlock_no_preempt() { locked_.store(false, std::memory_order_release); }
	void preempt_on() const
	{
		if (!preemptible_)
			__spin_preempt_enable();
	}
	bool is_locked() const { return locked_.load(std::memory_order_relaxed); }

private:
	std::atomic<bool> locked_{false};
	bool preemptible_ = false;
};

class [[nodiscard]] spin_lock_guard
{
public:
	explicit spin_lock_guard(spinlock& l) : lock_(l) { lock_.lock(); }
	~spin_lock_guard() { lock_.unlock(); }
	spin_lock_guard(const spin_lock_guard&) = delete;
	spin_lock_guard& operator=(const spin_lock_guard&) = delete;

private:
	spinlock& lock_;
};

class [[nodiscard]] spin_lock_irqsave_guard
{
public:
	explicit spin_lock_irqsave_guard(spinlock& l) : lock_(l), flags_(arch_local_irq_save()) { lock_.lock(); }
	~spin_lock_irqsave_guard() { lock_.unlock_irqrestore(flags_); }
	spin_lock_irqsave_guard(const spin_lock_irqsave_guard&) = delete;
	spin_lock_irqsave_guard& operator=(const spin_lock_irqsave_guard&) = delete;

private:
	spinlock& lock_;
	unsigned long flags_;
};

} // namespace lib
