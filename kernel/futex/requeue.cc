/*
 * Requeueing (Linux: kernel/futex/requeue.c): FUTEX_REQUEUE,
 * CMP_REQUEUE, CMP_REQUEUE_PI and the waiting side of the last,
 * FUTEX_WAIT_REQUEUE_PI.
 *
 * FUTEX_CMP_REQUEUE wakes nr_wake waiters of uaddr1 and moves up to
 * nr_requeue more onto uaddr2 without waking them (a condition variable's
 * broadcast moves its waiters onto the mutex instead of waking them all
 * to fight over it), if *uaddr1 still holds val3 (else EAGAIN).  The
 * waiters' futex_q change bucket (lock_ptr, key) under both bucket locks.
 *
 * The PI variant pairs with FUTEX_WAIT_REQUEUE_PI (a PI condition
 * variable): the waiter on uaddr1 names the PI futex uaddr2 it will end
 * up owning.  CMP_REQUEUE_PI (nr_wake must be 1) first tries to take
 * uaddr2 for the top waiter (futex_proxy_trylock_atomic: it returns
 * owning the lock, Q_REQUEUE_PI_LOCKED), then queues the others on
 * uaddr2's rt_mutex as proxies (rt_mutex_start_proxy_lock) and moves
 * them to uaddr2's bucket (Q_REQUEUE_PI_DONE); they wake when the lock is
 * handed to them.  A plain FUTEX_WAKE on such a waiter is EINVAL.
 *
 * Differences from Linux: the waiter's early wake-up (timeout, signal)
 * and the requeue are ordered by the bucket lock alone (q->requeue_state
 * changes under it), not by Linux's lock-free requeue_state machine.
 *
 * Lock order: see futex.h: both bucket locks (double_lock_hb) ->
 * pi_mutex.wait_lock -> pi_lock.
 */
#include "futex.h"
#include <kernel/sched/signal.h>
#include <kernel/sched/task.h>
#include <kernel/wait.h>
#include <uapi/asm-generic/errno-base.h>
#include <uapi/asm-generic/errno.h>

namespace
{
/* move q from hb1 to hb2, keyed on key2 (Linux: requeue_futex) */
void requeue_futex(struct futex_q* q, struct futex_hash_bucket* hb1, struct futex_hash_bucket* hb2,
                   const struct futex_key* key2)
{
	/* Linux moves it only between buckets; in one bucket it stays put */
	if (hb1 != hb2) {
		q->list.del_init();
		futex_chain_add(q, hb2);
		futex_hb_waiters_inc(hb2);
		futex_hb_waiters_dec(hb1);
		__atomic_store_n(&q->lock_ptr, &hb2->lock, __ATOMIC_RELEASE);
	}
	q->key = *key2;
}

/* the requeue took uaddr2 for q's task: off the chain, woken owning it
 * (Linux: requeue_pi_wake_futex) */
void requeue_pi_wake_futex(struct futex_q* q, const struct futex_key* key, struct futex_hash_bucket* hb)
{
	q->key = *key;
	__futex_unqueue(q);
	q->rt_waiter = nullptr;
	__atomic_store_n(&q->lock_ptr, &hb->lock, __ATOMIC_RELEASE);
	q->requeue_state.store(Q_REQUEUE_PI_LOCKED, std::memory_order_release);
	wake_up_state(q->task, TASK_NORMAL);
}

/* try to take uaddr2 for the top waiter of key1 (both buckets locked):
 * 1 taken (and the waiter woken), 0 not, with *ps the pi_state */
lib::Result<int> futex_proxy_trylock_atomic(user_ptr<uint32_t> pifutex, struct futex_hash_bucket* hb1,
                                            struct futex_hash_bucket* hb2, struct futex_key* key1,
                                            struct futex_key* key2, struct futex_pi_state** ps,
                                            struct task_struct** exiting, int set_waiters)
    NO_THREAD_SAFETY_ANALYSIS
{
	struct futex_q* top = futex_top_waiter(hb1, key1);
	if (!top)
		return 0;
	if (!top->rt_waiter || top->pi_state)
		return lib::Error{EINVAL};
	if (!futex_match(top->requeue_pi_key, key2))
		return lib::Error{EINVAL};
	bool acquired;
	TRY(futex_lock_pi_atomic(pifutex, hb2, key2, ps, top->task, exiting, set_waiters, &acquired));
	if (acquired) {
		requeue_pi_wake_futex(top, key2, hb2);
		return 1;
	}
	return 0;
}
} // namespace

lib::Result<int> futex_requeue(user_ptr<uint32_t> uaddr1, unsigned int flags, user_ptr<uint32_t> uaddr2, int nr_wake,
                               int nr_requeue, const uint32_t* cmpval, bool requeue_pi) NO_THREAD_SAFETY_ANALYSIS
{
	if (nr_wake < 0 || nr_requeue < 0)
		return lib::Error{EINVAL};
	if (requeue_pi) {
		/* requeue_pi needs the same futex on both ends? no: EINVAL (below);
		 * exactly one waiter woken, and the state cache filled */
		if (uaddr1 == uaddr2)
			return lib::Error{EINVAL};
		if (nr_wake != 1)
			return lib::Error{EINVAL};
		TRY(refill_pi_state_cache());
	}
	for (;;) {
		struct futex_key key1, key2;
		TRY(get_futex_key(uaddr1, flags, &key1, FUTEX_READ));
		TRY(get_futex_key(uaddr2, flags, &key2, requeue_pi ? FUTEX_WRITE : FUTEX_READ));
		if (requeue_pi && futex_match(&key1, &key2))
			return lib::Error{EINVAL};
		struct futex_hash_bucket* hb1 = futex_hash(&key1);
		struct futex_hash_bucket* hb2 = futex_hash(&key2);
		futex_hb_waiters_inc(hb2);
		double_lock_hb(hb1, hb2);
		if (cmpval) {
			uint32_t curval;
			if (get_futex_value_locked(&curval, uaddr1).is_err()) {
				double_unlock_hb(hb1, hb2);
				futex_hb_waiters_dec(hb2);
				TRY(get_user(curval, uaddr1));
				continue;
			}
			if (curval != *cmpval) {
				double_unlock_hb(hb1, hb2);
				futex_hb_waiters_dec(hb2);
				return lib::Error{EAGAIN};
			}
		}
		int task_count = 0;
		struct futex_pi_state* pi_state = nullptr;
		lib::Result<int> ret = 0;
		if (requeue_pi) {
			struct task_struct* exiting = nullptr;
			lib::Result<int> r = futex_proxy_trylock_atomic(uaddr2, hb1, hb2, &key1, &key2, &pi_state, &exiting,
			                                                nr_requeue);
			if (r.is_err()) {
				double_unlock_hb(hb1, hb2);
				futex_hb_waiters_dec(hb2);
				switch (r.error()) {
				case EFAULT:
					TRY(fault_in_user_writeable(uaddr2));
					continue;
				case EBUSY:
				case EAGAIN:
					if (exiting) {
						while (__atomic_load_n(&exiting->futex_state, __ATOMIC_ACQUIRE) == FUTEX_STATE_EXITING)
							schedule_timeout_uninterruptible(1);
						put_task_struct(exiting);
					}
					cond_resched();
					continue;
				default:
					return r;
				}
			}
			if (r.value() == 1)
				task_count++;
		}
		struct futex_q *q, *next;
		list_for_each_entry_safe(q, next, &hb1->chain, list) {
			if (task_count - nr_wake >= nr_requeue)
				break;
			if (!futex_match(&q->key, &key1))
				continue;
			if ((requeue_pi && !q->rt_waiter) || (!requeue_pi && q->rt_waiter) || q->pi_state) {
				ret = lib::Error{EINVAL};
				break;
			}
			if (!requeue_pi) {
				if (++task_count <= nr_wake)
					futex_wake_mark(q);
				else
					requeue_futex(q, hb1, hb2, &key2);
				continue;
			}
			if (!futex_match(q->requeue_pi_key, &key2)) {
				ret = lib::Error{EINVAL};
				break;
			}
			if (!pi_state) /* no owner to attach to could be set up: stop */
				break;
			get_pi_state(pi_state);
			q->pi_state = pi_state;
			lib::Result<int> s = rt_mutex_start_proxy_lock(&pi_state->pi_mutex, q->rt_waiter, q->task);
			if (s.is_ok() && s.value() == 1) {
				requeue_pi_wake_futex(q, &key2, hb2);
				task_count++;
			} else if (s.is_ok()) {
				requeue_futex(q, hb1, hb2, &key2);
				q->requeue_state.store(Q_REQUEUE_PI_DONE, std::memory_order_release);
				task_count++;
			} else {
				q->pi_state = nullptr;
				put_pi_state(pi_state);
				ret = lib::Error{s.error()};
				break;
			}
		}
		if (pi_state)
			put_pi_state(pi_state);
		double_unlock_hb(hb1, hb2);
		futex_hb_waiters_dec(hb2);
		if (ret.is_err())
			return ret;
		return task_count;
	}
}

lib::Result<int> futex_wait_requeue_pi(user_ptr<uint32_t> uaddr, unsigned int flags, uint32_t val,
                                       const struct sleep_deadline* to, uint32_t bitset, user_ptr<uint32_t> uaddr2)
    NO_THREAD_SAFETY_ANALYSIS
{
	if (uaddr == uaddr2)
		return lib::Error{EINVAL};
	if (!bitset)
		return lib::Error{EINVAL};
	struct rt_mutex_waiter rt_waiter;
	struct futex_key key2;
	TRY(get_futex_key(uaddr2, flags, &key2, FUTEX_WRITE));
	struct futex_q q;
	futex_q_init(&q);
	q.bitset = bitset;
	q.rt_waiter = &rt_waiter;
	q.requeue_pi_key = &key2;
	struct futex_hash_bucket* hb;
	TRY(futex_wait_setup(uaddr, val, flags, &q, &hb));
	if (futex_match(&q.key, &key2)) {
		futex_q_unlock(hb);
		return lib::Error{EINVAL};
	}
	set_current_state(TASK_INTERRUPTIBLE);
	futex_queue(&q, hb);
	for (;;) {
		if (q.requeue_state.load(std::memory_order_acquire) != Q_REQUEUE_PI_NONE)
			break;
		long ticks = to ? sleep_deadline_ticks(to) : MAX_SCHEDULE_TIMEOUT;
		if (!ticks || signal_pending(current))
			break;
		schedule_timeout(ticks);
		set_current_state(TASK_INTERRUPTIBLE);
	}
	__set_current_state(TASK_RUNNING);
	/* the lock that guards q now: uaddr's bucket, or uaddr2's after a requeue */
	lib::spinlock* lock_ptr;
	for (;;) {
		lock_ptr = __atomic_load_n(&q.lock_ptr, __ATOMIC_ACQUIRE);
		lock_ptr->lock();
		if (lock_ptr == __atomic_load_n(&q.lock_ptr, __ATOMIC_RELAXED))
			break;
		lock_ptr->unlock();
	}
	switch (q.requeue_state.load(std::memory_order_acquire)) {
	case Q_REQUEUE_PI_NONE: {
		/* woken on uaddr before any requeue: a timeout or a signal */
		__futex_unqueue(&q);
		lock_ptr->unlock();
		if (to && !sleep_deadline_ticks(to))
			return lib::Error{ETIMEDOUT};
		if (signal_pending(current))
			return lib::Error{ERESTARTNOINTR};
		return lib::Error{EAGAIN};
	}
	case Q_REQUEUE_PI_LOCKED: {
		lib::Result<int> ret = 0;
		if (q.pi_state && q.pi_state->owner != current) {
			lib::Result<int> r = fixup_pi_owner(uaddr2, &q, true);
			if (r.is_err())
				ret = r;
		}
		if (q.pi_state)
			put_pi_state(q.pi_state);
		lock_ptr->unlock();
		return ret.is_err() ? ret : lib::Result<int>(0);
	}
	default: { /* Q_REQUEUE_PI_DONE: queued on uaddr2's rt_mutex */
		lock_ptr->unlock();
		struct rt_mutex_base* pi_mutex = &q.pi_state->pi_mutex;
		lib::Result<void> ret = rt_mutex_wait_proxy_lock(pi_mutex, to, &rt_waiter);
		q.lock_ptr->lock();
		if (ret.is_err() && rt_mutex_cleanup_proxy_lock(pi_mutex, &rt_waiter))
			ret = lib::ok();
		lib::Result<int> res = fixup_pi_owner(uaddr2, &q, ret.is_ok());
		if (res.is_err())
			ret = lib::Error{res.error()};
		else if (res.value())
			ret = lib::ok();
		lib::spinlock* l = q.lock_ptr;
		futex_unqueue_pi(&q);
		l->unlock();
		if (ret.is_err())
			return lib::Error{ret.error() == EINTR ? EAGAIN : ret.error()};
		return 0;
	}
	}
}
