/*
 * Spinning reader-writer lock with RAII guards (Linux: include/linux/
 * rwlock.h, read_lock/write_lock and their _irqsave forms; the sleeping
 * kind is the rw_semaphore in <kernel/mutex.h>).
 *
 *   lib::rwlock lock;
 *   { lib::read_lock_guard g(lock); ... }              // many readers at once
 *   { lib::write_lock_irqsave_guard g(lock); ... }     // one writer, irqs off
 *
 * State: one atomic word; the low bits count readers, WRITER marks a
 * writer.  A writer first sets WRITER_WAITING so that new readers hold
 * back (no writer starvation by a stream of readers, as Linux's qrwlock),
 * then waits for the readers to drain.  Like lib::spinlock, a held lock
 * disables preemption (no-op on the host), and the irqsave guards save
 * interrupt state before taking the lock and restore it after releasing.
 * Lockdep does not track rwlocks yet (nothing in the kernel takes one
 * outside its test); Clang's analysis does (<lib/thread_safety.h>).
 */
#pragma once
#include <atomic>
#include <cstdint>
#include <lib/spinlock.h>

namespace lib
{

class CAPABILITY("rwlock") rwlock
{
public:
	constexpr rwlock() = default;
	rwlock(const rwlock&) = delete;
	rwlock& operator=(const rwlock&) = delete;

	void read_lock() ACQUIRE_SHARED()
	{
		__spin_preempt_disable();
		for (;;) {
			uint32_t v = cnts_.load(std::memory_order_relaxed);
			if (!(v & (WRITER | WRITER_WAITING)) &&
			    cnts_.compare_exchange_weak(v, v + 1, std::memory_order_acquire))
				return;
			cpu_relax();
		}
	}
	void read_unlock() RELEASE_SHARED()
	{
		cnts_.fetch_sub(1, std::memory_order_release);
		__spin_preempt_enable();
	}
	void write_lock() ACQUIRE()
	{
		__spin_preempt_disable();
		cnts_.fetch_or(WRITER_WAITING, std::memory_order_relaxed);
		for (;;) {
			uint32_t v = WRITER_WAITING;
			/* only when no reader and no other writer holds it */
			if (cnts_.compare_exchange_weak(v, WRITER, std::memory_order_acquire))
				return;
			if (v & WRITER_WAITING) {
				cpu_relax();
				continue;
			}
			/* another writer took it and cleared our mark: mark again */
			cnts_.fetch_or(WRITER_WAITING, std::memory_order_relaxed);
			cpu_relax();
		}
	}
	void write_unlock() RELEASE()
	{
		cnts_.fetch_and(~WRITER, std::memory_order_release);
		__spin_preempt_enable();
	}
	uint32_t readers() const { return cnts_.load(std::memory_order_relaxed) & READER_MASK; }
	bool write_locked() const { return cnts_.load(std::memory_order_relaxed) & WRITER; }

private:
	static constexpr uint32_t WRITER = 1u << 31;
	static constexpr uint32_t WRITER_WAITING = 1u << 30;
	static constexpr uint32_t READER_MASK = WRITER_WAITING - 1;
	std::atomic<uint32_t> cnts_{0};
};

class [[nodiscard]] SCOPED_CAPABILITY read_lock_guard
{
public:
	explicit read_lock_guard(rwlock& l) ACQUIRE_SHARED(l) : lock_(l) { lock_.read_lock(); }
	~read_lock_guard() RELEASE() { lock_.read_unlock(); }
	read_lock_guard(const read_lock_guard&) = delete;
	read_lock_guard& operator=(const read_lock_guard&) = delete;

private:
	rwlock& lock_;
};

class [[nodiscard]] SCOPED_CAPABILITY write_lock_guard
{
public:
	explicit write_lock_guard(rwlock& l) ACQUIRE(l) : lock_(l) { lock_.write_lock(); }
	~write_lock_guard() RELEASE() { lock_.write_unlock(); }
	write_lock_guard(const write_lock_guard&) = delete;
	write_lock_guard& operator=(const write_lock_guard&) = delete;

private:
	rwlock& lock_;
};

class [[nodiscard]] SCOPED_CAPABILITY read_lock_irqsave_guard
{
public:
	explicit read_lock_irqsave_guard(rwlock& l) ACQUIRE_SHARED(l) : lock_(l), flags_(arch_local_irq_save())
	{
		lock_.read_lock();
	}
	~read_lock_irqsave_guard() RELEASE()
	{
		lock_.read_unlock();
		arch_local_irq_restore(flags_);
	}
	read_lock_irqsave_guard(const read_lock_irqsave_guard&) = delete;
	read_lock_irqsave_guard& operator=(const read_lock_irqsave_guard&) = delete;

private:
	rwlock& lock_;
	unsigned long flags_;
};

class [[nodiscard]] SCOPED_CAPABILITY write_lock_irqsave_guard
{
public:
	explicit write_lock_irqsave_guard(rwlock& l) ACQUIRE(l) : lock_(l), flags_(arch_local_irq_save())
	{
		lock_.write_lock();
	}
	~write_lock_irqsave_guard() RELEASE()
	{
		lock_.write_unlock();
		arch_local_irq_restore(flags_);
	}
	write_lock_irqsave_guard(const write_lock_irqsave_guard&) = delete;
	write_lock_irqsave_guard& operator=(const write_lock_irqsave_guard&) = delete;

private:
	rwlock& lock_;
	unsigned long flags_;
};

} // namespace lib
