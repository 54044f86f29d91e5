/*
 * Waiting and waking (Linux: kernel/futex/waitwake.c): FUTEX_WAIT,
 * WAIT_BITSET, WAKE, WAKE_BITSET, WAKE_OP and futex_waitv.
 *
 * The ordering that makes a futex work (Linux's comment at the top of
 * waitwake.c): the waiter counts itself in the bucket's waiters, takes
 * the bucket lock, reads the user word and queues itself only if the
 * word still holds the expected value; the waker changes the word first
 * and then looks for waiters.  Either the waker sees the waiter (counted
 * or queued) or the waiter sees the new value (EAGAIN): no wake-up is
 * lost.  A wake with no waiter counted takes no lock at all.
 *
 * A waiter sleeps TASK_INTERRUPTIBLE with its futex_q on the chain and
 * returns 0 when a waker took it off (lock_ptr NULL), ETIMEDOUT when its
 * deadline passed, and for a signal ERESTARTSYS (no timeout) or
 * ERESTART_RESTARTBLOCK with current->restart_block set up to wait again
 * until the same absolute deadline (futex_wait_restart).  Anything else
 * was a spurious wake-up and it waits again.
 *
 * Lock order: see futex.h.  Wake-ups happen under the bucket lock (Linux
 * defers them to a wake_q after unlocking): hb->lock -> p->pi_lock.
 */
#include "futex.h"
#include <kernel/printk.h>
#include <kernel/sched/signal.h>
#include <kernel/sched/task.h>
#include <kernel/wait.h>
#include <mm/slab.h>
#include <uapi/asm-generic/errno-base.h>
#include <uapi/asm-generic/errno.h>

void futex_wake_mark(struct futex_q* q)
{
	struct task_struct* p = q->task;
	get_task_struct(p);
	__futex_unqueue(q);
	/* the waiter may return (and its q go) as soon as it sees NULL */
	__atomic_store_n(&q->lock_ptr, nullptr, __ATOMIC_RELEASE);
	wake_up_state(p, TASK_NORMAL);
	put_task_struct(p);
}

lib::Result<int> futex_wake(user_ptr<uint32_t> uaddr, unsigned int flags, int nr_wake, uint32_t bitset)
{
	if (!bitset)
		return lib::Error{EINVAL};
	struct futex_key key;
	TRY(get_futex_key(uaddr, flags, &key, FUTEX_READ));
	struct futex_hash_bucket* hb = futex_hash(&key);
	if (!futex_hb_waiters_pending(hb))
		return 0; /* nobody to wake: no lock taken */
	int ret = 0;
	lib::spin_lock_guard g(hb->lock);
	struct futex_q *q, *next;
	list_for_each_entry_safe(q, next, &hb->chain, list) {
		if (!futex_match(&q->key, &key))
			continue;
		if (q->pi_state || q->rt_waiter)
			return lib::Error{EINVAL}; /* a PI futex: FUTEX_UNLOCK_PI wakes it */
		if (!(q->bitset & bitset))
			continue;
		futex_wake_mark(q);
		if (++ret >= nr_wake)
			break;
	}
	return ret;
}

namespace
{
/* WAKE_OP's operation and comparison (Linux: futex_atomic_op_inuser):
 * op 31-28, cmp 27-24, oparg 23-12, cmparg 11-0 (both sign-extended) */
lib::Result<int> futex_atomic_op_inuser(unsigned int encoded_op, user_ptr<uint32_t> uaddr)
{
	unsigned int op = (encoded_op & 0x70000000) >> 28;
	unsigned int cmp = (encoded_op & 0x0f000000) >> 24;
	int oparg = int(encoded_op << 8) >> 20;
	int cmparg = int(encoded_op << 20) >> 20;
	if (encoded_op & (FUTEX_OP_OPARG_SHIFT << 28)) {
		if (oparg < 0 || oparg > 31) {
			pr_info("futex_wake_op: %s tries to shift op by %d; fix this program\n", current->comm, oparg);
			oparg &= 31;
		}
		oparg = int(1U << oparg);
	}
	int oldval;
	TRY(arch_futex_atomic_op_inuser(int(op), oparg, &oldval, uaddr));
	switch (cmp) {
	case FUTEX_OP_CMP_EQ:
		return oldval == cmparg;
	case FUTEX_OP_CMP_NE:
		return oldval != cmparg;
	case FUTEX_OP_CMP_LT:
		return oldval < cmparg;
	case FUTEX_OP_CMP_GE:
		return oldval >= cmparg;
	case FUTEX_OP_CMP_LE:
		return oldval <= cmparg;
	case FUTEX_OP_CMP_GT:
		return oldval > cmparg;
	default:
		return lib::Error{ENOSYS};
	}
}

/* wake up to nr matching waiters on a locked hb: the count, or EINVAL */
lib::Result<int> wake_matching(struct futex_hash_bucket* hb, const struct futex_key* key, int nr)
{
	int ret = 0;
	struct futex_q *q, *next;
	list_for_each_entry_safe(q, next, &hb->chain, list) {
		if (!futex_match(&q->key, key))
			continue;
		if (q->pi_state || q->rt_waiter)
			return lib::Error{EINVAL};
		futex_wake_mark(q);
		if (++ret >= nr)
			break;
	}
	return ret;
}
} // namespace

lib::Result<int> futex_wake_op(user_ptr<uint32_t> uaddr1, unsigned int flags, user_ptr<uint32_t> uaddr2,
                               int nr_wake, int nr_wake2, int op) NO_THREAD_SAFETY_ANALYSIS
{
	struct futex_key key1, key2;
	for (;;) {
		TRY(get_futex_key(uaddr1, flags, &key1, FUTEX_READ));
		TRY(get_futex_key(uaddr2, flags, &key2, FUTEX_WRITE));
		struct futex_hash_bucket* hb1 = futex_hash(&key1);
		struct futex_hash_bucket* hb2 = futex_hash(&key2);
		double_lock_hb(hb1, hb2);
		lib::Result<int> op_ret = futex_atomic_op_inuser(unsigned(op), uaddr2);
		if (op_ret.is_err()) {
			double_unlock_hb(hb1, hb2);
			if (op_ret.error() != EFAULT)
				return op_ret;
			TRY(fault_in_user_writeable(uaddr2));
			cond_resched();
			continue;
		}
		int ret = 0;
		lib::Result<int> r = wake_matching(hb1, &key1, nr_wake);
		if (r.is_ok()) {
			ret = r.value();
			if (op_ret.value() > 0) {
				lib::Result<int> r2 = wake_matching(hb2, &key2, nr_wake2);
				if (r2.is_err())
					r = r2;
				else
					ret += r2.value();
			}
		}
		double_unlock_hb(hb1, hb2);
		if (r.is_err())
			return r;
		return ret;
	}
}

void futex_wait_queue(struct futex_hash_bucket* hb, struct futex_q* q, const struct sleep_deadline* to)
    NO_THREAD_SAFETY_ANALYSIS
{
	/* the state before queueing: a waker that takes q off after the
	 * unlock finds us TASK_INTERRUPTIBLE and makes us runnable */
	set_current_state(TASK_INTERRUPTIBLE);
	futex_queue(q, hb);
	long ticks = MAX_SCHEDULE_TIMEOUT;
	if (to)
		ticks = sleep_deadline_ticks(to);
	/* Linux's __schedule keeps a task with a signal pending runnable;
	 * here the test is made before sleeping */
	if (ticks && __atomic_load_n(&q->lock_ptr, __ATOMIC_ACQUIRE) && !signal_pending(current))
		schedule_timeout(ticks);
	__set_current_state(TASK_RUNNING);
}

lib::Result<void> futex_wait_setup(user_ptr<uint32_t> uaddr, uint32_t val, unsigned int flags, struct futex_q* q,
                                   struct futex_hash_bucket** hbp) NO_THREAD_SAFETY_ANALYSIS
{
	for (;;) {
		TRY(get_futex_key(uaddr, flags, &q->key, FUTEX_READ));
		struct futex_hash_bucket* hb = futex_q_lock(q);
		uint32_t uval;
		if (get_futex_value_locked(&uval, uaddr).is_err()) {
			futex_q_unlock(hb);
			TRY(get_user(uval, uaddr)); /* fault it in, or EFAULT */
			continue;
		}
		if (uval != val) {
			futex_q_unlock(hb);
			return lib::Error{EAGAIN};
		}
		*hbp = hb;
		return lib::ok();
	}
}

lib::Result<int> futex_wait(user_ptr<uint32_t> uaddr, unsigned int flags, uint32_t val,
                            const struct sleep_deadline* to, uint32_t bitset)
{
	if (!bitset)
		return lib::Error{EINVAL};
	struct futex_q q;
	futex_q_init(&q);
	q.bitset = bitset;
	for (;;) {
		struct futex_hash_bucket* hb;
		TRY(futex_wait_setup(uaddr, val, flags, &q, &hb));
		futex_wait_queue(hb, &q, to);
		if (!futex_unqueue(&q))
			return 0; /* woken */
		if (to && !sleep_deadline_ticks(to))
			return lib::Error{ETIMEDOUT};
		if (!signal_pending(current))
			continue; /* spurious: wait again */
		if (!to)
			return lib::Error{ERESTARTSYS};
		struct restart_block* restart = &current->restart_block;
		restart->futex.uaddr = uaddr.addr();
		restart->futex.val = val;
		restart->futex.time = uint64_t(to->expires);
		restart->futex.bitset = bitset;
		restart->futex.flags = flags | FLAGS_HAS_TIMEOUT | (to->realtime ? FLAGS_CLOCKRT : 0);
		restart->fn = futex_wait_restart;
		return lib::Error{ERESTART_RESTARTBLOCK};
	}
}

long futex_wait_restart(struct restart_block* restart)
{
	user_ptr<uint32_t> uaddr(restart->futex.uaddr);
	struct sleep_deadline to = {int64_t(restart->futex.time), (restart->futex.flags & FLAGS_CLOCKRT) != 0};
	bool timeout = restart->futex.flags & FLAGS_HAS_TIMEOUT;
	restart->fn = do_no_restart_syscall;
	lib::Result<int> r = futex_wait(uaddr, restart->futex.flags & ~FLAGS_HAS_TIMEOUT, restart->futex.val,
	                                timeout ? &to : nullptr, restart->futex.bitset);
	return r.is_err() ? -long(r.error()) : r.value();
}

/* ---- futex_waitv (Linux: futex_wait_multiple) ---- */
namespace
{
struct futex_vector {
	struct futex_waitv w;
	struct futex_q q;
};

/* take every q of vs[0, count) off its chain: the index of one that a
 * waker took off already, or -1 */
int unqueue_multiple(struct futex_vector* v, unsigned int count)
{
	int ret = -1;
	for (unsigned int i = 0; i < count; i++)
		if (!futex_unqueue(&v[i].q))
			ret = int(i);
	return ret;
}

/* 0 all queued; 1 one was woken meanwhile (*woken its index); EAGAIN, EFAULT */
lib::Result<int> futex_wait_multiple_setup(struct futex_vector* vs, unsigned int count, int* woken)
    NO_THREAD_SAFETY_ANALYSIS
{
	for (;;) {
		for (unsigned int i = 0; i < count; i++) {
			unsigned int flags = (vs[i].w.flags & FUTEX_PRIVATE_FLAG) ? 0 : FLAGS_SHARED;
			TRY(get_futex_key(user_ptr<uint32_t>(vs[i].w.uaddr), flags, &vs[i].q.key, FUTEX_READ));
		}
		set_current_state(TASK_INTERRUPTIBLE);
		bool retry = false;
		for (unsigned int i = 0; i < count; i++) {
			user_ptr<uint32_t> uaddr(vs[i].w.uaddr);
			uint32_t val = uint32_t(vs[i].w.val), uval;
			struct futex_hash_bucket* hb = futex_q_lock(&vs[i].q);
			lib::Result<void> r = get_futex_value_locked(&uval, uaddr);
			if (r.is_ok() && uval == val) {
				futex_queue(&vs[i].q, hb);
				continue;
			}
			futex_q_unlock(hb);
			__set_current_state(TASK_RUNNING);
			/* a futex queued earlier may have been woken: that wins */
			*woken = unqueue_multiple(vs, i);
			if (*woken >= 0)
				return 1;
			if (r.is_err()) {
				TRY(get_user(uval, uaddr));
				retry = true;
				break;
			}
			return lib::Error{EAGAIN};
		}
		if (!retry)
			return 0;
	}
}
} // namespace

lib::Result<int> futex_wait_multiple(struct futex_waitv* waiters, unsigned int count, const struct sleep_deadline* to)
{
	auto* vs = static_cast<struct futex_vector*>(kmalloc_array(count, sizeof(struct futex_vector), GFP_KERNEL));
	if (!vs)
		return lib::Error{ENOMEM};
	lib::Result<int> ret = 0;
	for (unsigned int i = 0; i < count; i++) {
		vs[i].w = waiters[i];
		futex_q_init(&vs[i].q);
	}
	for (;;) {
		int hint = -1;
		lib::Result<int> r = futex_wait_multiple_setup(vs, count, &hint);
		if (r.is_err() || r.value() > 0) {
			ret = r.is_err() ? r : lib::Result<int>(hint);
			break;
		}
		long ticks = to ? sleep_deadline_ticks(to) : MAX_SCHEDULE_TIMEOUT;
		bool sleep = ticks && !signal_pending(current);
		for (unsigned int i = 0; sleep && i < count; i++)
			if (!__atomic_load_n(&vs[i].q.lock_ptr, __ATOMIC_ACQUIRE))
				sleep = false;
		if (sleep)
			schedule_timeout(ticks);
		__set_current_state(TASK_RUNNING);
		int woken = unqueue_multiple(vs, count);
		if (woken >= 0) {
			ret = woken;
			break;
		}
		if (to && !sleep_deadline_ticks(to)) {
			ret = lib::Error{ETIMEDOUT};
			break;
		}
		if (signal_pending(current)) {
			ret = lib::Error{ERESTARTSYS};
			break;
		}
	}
	kfree(vs);
	return ret;
}
