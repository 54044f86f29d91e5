/*
 * ktests for the sleeping locks (suite "locking"; Linux: the
 * locking-selftest idea, as behaviour checks): mutual exclusion of a
 * mutex between kthreads that sleep while holding it, a counting
 * semaphore's limit, rw_semaphore readers sharing and writers excluding,
 * and might_sleep() inside mutex_lock (explicit-only: it reports).
 * lockdep: a consistent order stays quiet; recursive locking and an
 * inverted order of two locks are reported (explicit-only, run with the
 * boot parameter "lockdep"; no lock is ever contended, so nothing blocks).
 * Data: per-test statics.
 */
#include <lib/string.h>
#include <kernel/kthread.h>
#include <kernel/ktest.h>
#include <kernel/lockdep.h>
#include <kernel/mutex.h>
#include <kernel/time.h>
#include <uapi/asm-generic/errno.h>

namespace
{
struct shared {
	struct mutex m;
	struct semaphore sem;
	struct rw_semaphore rw;
	int inside;     /* holders right now */
	int max_inside; /* the most at once */
	int counter;
	int rounds;
	struct completion done;
};

void enter(struct shared* s)
{
	int n = __atomic_add_fetch(&s->inside, 1, __ATOMIC_SEQ_CST);
	if (n > s->max_inside)
		s->max_inside = n;
}
void leave(struct shared* s)
{
	__atomic_sub_fetch(&s->inside, 1, __ATOMIC_SEQ_CST);
}

int mutex_worker(void* data)
{
	auto* s = static_cast<struct shared*>(data);
	for (int i = 0; i < s->rounds; i++) {
		mutex_lock(&s->m);
		enter(s);
		int c = s->counter;
		if (i % 8 == 0)
			msleep(1); /* sleep holding it: the others must wait */
		s->counter = c + 1;
		leave(s);
		mutex_unlock(&s->m);
	}
	complete(&s->done);
	return 0;
}

int sem_worker(void* data)
{
	auto* s = static_cast<struct shared*>(data);
	for (int i = 0; i < s->rounds; i++) {
		down(&s->sem);
		enter(s);
		msleep(1);
		leave(s);
		up(&s->sem);
	}
	complete(&s->done);
	return 0;
}

int reader_worker(void* data)
{
	auto* s = static_cast<struct shared*>(data);
	for (int i = 0; i < s->rounds; i++) {
		down_read(&s->rw);
		enter(s);
		msleep(2);
		leave(s);
		up_read(&s->rw);
	}
	complete(&s->done);
	return 0;
}

int writer_worker(void* data)
{
	auto* s = static_cast<struct shared*>(data);
	for (int i = 0; i < s->rounds; i++) {
		down_write(&s->rw);
		if (__atomic_load_n(&s->inside, __ATOMIC_SEQ_CST) != 0)
			s->counter = -1000; /* a reader inside with the writer */
		s->counter++;
		msleep(1);
		up_write(&s->rw);
		msleep(1);
	}
	complete(&s->done);
	return 0;
}
} // namespace

KTEST(locking, mutex_excludes_sleeping_holders)
{
	static struct shared s;
	mutex_init(&s.m);
	init_completion(&s.done);
	s.inside = s.max_inside = s.counter = 0;
	s.rounds = 40;
	for (int i = 0; i < 3; i++)
		KASSERT_FALSE(IS_ERR(kthread_run(mutex_worker, &s, "ktest-mutex%d", i)));
	for (int i = 0; i < 3; i++)
		wait_for_completion(&s.done);
	KEXPECT_EQ(s.counter, 120);
	KEXPECT_EQ(s.max_inside, 1);
	KEXPECT_FALSE(mutex_is_locked(&s.m));
	KEXPECT_EQ(mutex_trylock(&s.m), 1);
	KEXPECT_TRUE(mutex_is_locked(&s.m));
	mutex_unlock(&s.m);
	KEXPECT_TRUE(ktest_quiesce()); /* the workers have exited */
}

KTEST(locking, semaphore_admits_count_holders)
{
	static struct shared s;
	sema_init(&s.sem, 2);
	init_completion(&s.done);
	s.inside = s.max_inside = 0;
	s.rounds = 10;
	for (int i = 0; i < 4; i++)
		KASSERT_FALSE(IS_ERR(kthread_run(sem_worker, &s, "ktest-sem%d", i)));
	for (int i = 0; i < 4; i++)
		wait_for_completion(&s.done);
	KEXPECT_EQ(s.max_inside, 2);
	KEXPECT_EQ(down_trylock(&s.sem), 0);
	KEXPECT_EQ(down_trylock(&s.sem), 0);
	KEXPECT_EQ(down_trylock(&s.sem), 1);
	KEXPECT_ERR(down_timeout(&s.sem, 2), ETIME);
	up(&s.sem);
	up(&s.sem);
	KEXPECT_TRUE(ktest_quiesce());
}

KTEST(locking, rwsem_readers_share_writers_exclude)
{
	static struct shared s;
	init_rwsem(&s.rw);
	init_completion(&s.done);
	s.inside = s.max_inside = s.counter = 0;
	s.rounds = 10;
	for (int i = 0; i < 3; i++)
		KASSERT_FALSE(IS_ERR(kthread_run(reader_worker, &s, "ktest-reader%d", i)));
	KASSERT_FALSE(IS_ERR(kthread_run(writer_worker, &s, "ktest-writer")));
	for (int i = 0; i < 4; i++)
		wait_for_completion(&s.done);
	KEXPECT_GE(s.max_inside, 2); /* readers overlapped */
	KEXPECT_EQ(s.counter, 10);   /* the writer never saw a reader inside */
	KEXPECT_EQ(down_write_trylock(&s.rw), 1);
	KEXPECT_EQ(down_read_trylock(&s.rw), 0);
	downgrade_write(&s.rw);
	KEXPECT_EQ(down_read_trylock(&s.rw), 1);
	up_read(&s.rw);
	up_read(&s.rw);
	KEXPECT_TRUE(ktest_quiesce());
}

/* mutex_lock in atomic context: might_sleep's report (tests/e2e) */
KTEST_EXPLICIT_ONLY(locking, mutex_lock_with_preemption_disabled)
{
	static struct mutex m;
	mutex_init(&m);
	preempt_disable();
	mutex_lock(&m);
	preempt_enable();
	mutex_unlock(&m);
}

/* ---- lockdep ---- */
namespace
{
struct mutex ld_a, ld_b;
struct rw_semaphore ld_rw;
} // namespace

/* the same order every time, and trylock in any order: no report */
KTEST(locking, lockdep_consistent_order_is_quiet)
{
	bool was_on = debug_locks;
	mutex_init(&ld_a);
	mutex_init(&ld_b);
	init_rwsem(&ld_rw);
	for (int i = 0; i < 3; i++) {
		down_write(&ld_rw);
		mutex_lock(&ld_a);
		mutex_lock(&ld_b);
		mutex_unlock(&ld_b);
		mutex_unlock(&ld_a);
		up_write(&ld_rw);
	}
	/* trylock neither checks nor records an order (as Linux) */
	mutex_lock(&ld_b);
	KEXPECT_EQ(mutex_trylock(&ld_a), 1);
	KEXPECT_EQ(current->lockdep_depth, was_on ? 2 : 0);
	mutex_unlock(&ld_a);
	mutex_unlock(&ld_b);
	KEXPECT_EQ(current->lockdep_depth, 0);
	KEXPECT_EQ(debug_locks, was_on);
}

/*
 * Recursive locking: a second mutex_lock() of a held mutex would block
 * for ever after the report, so the test makes lockdep's acquire call
 * that mutex_lock() makes before it blocks.
 */
KTEST_EXPLICIT_ONLY(locking, lockdep_recursive_locking)
{
	KEXPECT_TRUE(debug_locks);
	mutex_init(&ld_a);
	mutex_lock(&ld_a);
	lock_acquire(&ld_a, "mutex", false, _THIS_IP_);
	KEXPECT_FALSE(debug_locks); /* reported, then turned off */
	mutex_unlock(&ld_a);
	KEXPECT_EQ(current->lockdep_depth, 0);
}

/* a->b, then b->a: reported at the second order's inner acquire */
KTEST_EXPLICIT_ONLY(locking, lockdep_circular_dependency)
{
	KEXPECT_TRUE(debug_locks);
	mutex_init(&ld_a);
	mutex_init(&ld_b);
	mutex_lock(&ld_a);
	mutex_lock(&ld_b);
	mutex_unlock(&ld_b);
	mutex_unlock(&ld_a);
	down_write(&ld_rw);
	mutex_lock(&ld_b);
	mutex_lock(&ld_a); /* uncontended: reports and continues */
	KEXPECT_FALSE(debug_locks);
	mutex_unlock(&ld_a);
	mutex_unlock(&ld_b);
	up_write(&ld_rw);
}

/* ---- lockdep and spinlocks ---- */
namespace
{
lib::spinlock ld_sa, ld_sb;
lib::untracked_spinlock ld_untracked;
} // namespace

/* spinlocks in a consistent order, a trylock in any order, and an
 * untracked lock: no report; held_locks follows the spinlocks held */
KTEST(locking, lockdep_spinlock_consistent_order_is_quiet)
{
	bool was_on = debug_locks;
	lockdep_init_map(&ld_sa);
	lockdep_init_map(&ld_sb);
	for (int i = 0; i < 3; i++) {
		lib::spin_lock_irqsave_guard a(ld_sa);
		lib::spin_lock_guard b(ld_sb);
		KEXPECT_EQ(current->lockdep_depth, was_on ? 2 : 0);
	}
	{
		lib::spin_lock_irqsave_guard b(ld_sb);
		KEXPECT_TRUE(ld_sa.try_lock()); /* trylock: recorded as held, no order */
		KEXPECT_EQ(current->lockdep_depth, was_on ? 2 : 0);
		lib::spin_lock_guard u(ld_untracked);
		KEXPECT_EQ(current->lockdep_depth, was_on ? 2 : 0);
		ld_sa.unlock();
	}
	/* a mutex then a spinlock, the same way every time */
	mutex_init(&ld_a);
	for (int i = 0; i < 2; i++) {
		mutex_lock(&ld_a);
		{
			lib::spin_lock_irqsave_guard a(ld_sa);
		}
		mutex_unlock(&ld_a);
	}
	KEXPECT_EQ(current->lockdep_depth, 0);
	KEXPECT_EQ(debug_locks, was_on);
}

/*
 * Recursive locking of a spinlock: a second lock() would spin for ever
 * after the report, so the test makes the check lock() makes before it
 * spins.
 */
KTEST_EXPLICIT_ONLY(locking, lockdep_spinlock_recursive_locking)
{
	KEXPECT_TRUE(debug_locks);
	lockdep_init_map(&ld_sa);
	{
		lib::spin_lock_irqsave_guard g(ld_sa);
		spin_acquire(&ld_sa, false);
	}
	KEXPECT_FALSE(debug_locks); /* reported, then turned off */
	KEXPECT_EQ(current->lockdep_depth, 0);
}

/* sa->sb, then sb->sa: reported at the second order's inner acquire;
 * uncontended, so the run goes on */
KTEST_EXPLICIT_ONLY(locking, lockdep_spinlock_circular_dependency)
{
	KEXPECT_TRUE(debug_locks);
	lockdep_init_map(&ld_sa);
	lockdep_init_map(&ld_sb);
	{
		lib::spin_lock_irqsave_guard a(ld_sa);
		lib::spin_lock_guard b(ld_sb);
	}
	{
		lib::spin_lock_irqsave_guard b(ld_sb);
		lib::spin_lock_guard a(ld_sa);
	}
	KEXPECT_FALSE(debug_locks);
	KEXPECT_EQ(current->lockdep_depth, 0);
}

/* a mutex taken under a spinlock it was once taken outside of: the same
 * report between the two kinds */
KTEST_EXPLICIT_ONLY(locking, lockdep_spinlock_mutex_circular_dependency)
{
	KEXPECT_TRUE(debug_locks);
	mutex_init(&ld_a);
	lockdep_init_map(&ld_sa);
	mutex_lock(&ld_a);
	{
		lib::spin_lock_irqsave_guard s(ld_sa);
	}
	mutex_unlock(&ld_a);
	{
		lib::spin_lock_irqsave_guard s(ld_sa);
		lock_acquire(&ld_a, "mutex", false, _THIS_IP_); /* what mutex_lock checks first */
		lock_release(&ld_a);
	}
	KEXPECT_FALSE(debug_locks);
	KEXPECT_EQ(current->lockdep_depth, 0);
}

/* the spinning reader-writer lock (include/lib/rwlock.h): readers share,
 * a writer excludes, a held lock disables preemption as Linux's rwlock_t */
#include <lib/rwlock.h>

KTEST(locking, rwlock_readers_share_writer_excludes)
{
	static lib::rwlock rw;
	int base = preempt_count();
	{
		lib::read_lock_guard a(rw);
		lib::read_lock_irqsave_guard b(rw);
		KEXPECT_EQ(rw.readers(), 2u);
		KEXPECT_EQ(preempt_count(), base + 2);
		KEXPECT_TRUE(irqs_disabled());
	}
	KEXPECT_EQ(rw.readers(), 0u);
	KEXPECT_FALSE(irqs_disabled());
	{
		lib::write_lock_irqsave_guard w(rw);
		KEXPECT_TRUE(rw.write_locked());
		KEXPECT_EQ(preempt_count(), base + 1);
	}
	KEXPECT_FALSE(rw.write_locked());
	KEXPECT_EQ(preempt_count(), base);
}
