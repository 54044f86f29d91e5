/*
 * Priority-inheritance futexes (Linux: kernel/futex/pi.c): FUTEX_LOCK_PI,
 * LOCK_PI2, TRYLOCK_PI, UNLOCK_PI.
 *
 * The user word holds the owner's TID, FUTEX_WAITERS once someone waits
 * in the kernel, FUTEX_OWNER_DIED after the owner died holding it.  An
 * uncontended lock and unlock are a cmpxchg in user space (0 <-> TID);
 * the first waiter sets FUTEX_WAITERS (so the unlock enters the kernel)
 * and creates a futex_pi_state whose rt_mutex is proxy-locked for the
 * owner found by TID (attach_to_pi_owner: ESRCH if no such task, EDEADLK
 * for our own TID, EPERM for a kernel thread); later waiters attach to the
 * state found through a waiter queued on the bucket (attach_to_pi_state,
 * which checks that the word and the state agree: EINVAL if user space
 * tampered).  Waiters block on the rt_mutex, so the owner inherits the
 * most urgent waiter's priority (kernel/locking/rtmutex.cc).
 *
 * FUTEX_UNLOCK_PI by the owner (EPERM for anyone else) with waiters
 * writes the top rt_mutex waiter's TID | FUTEX_WAITERS into the word,
 * moves the pi_state to it and hands the rt_mutex over (wake_futex_pi);
 * without waiters it writes 0.  An owner that exits with PI futexes held
 * gives each rt_mutex to its top waiter with pi_state->owner NULL
 * (exit_pi_state_list); that waiter writes its TID with FUTEX_OWNER_DIED
 * (fixup_pi_state_owner) and user space reports EOWNERDEAD.
 *
 * Lock order: see futex.h: hb->lock -> pi_mutex.wait_lock -> pi_lock;
 * tasklist_lock (the TID lookup) under hb->lock.
 */
#include "futex.h"
#include <kernel/panic.h>
#include <kernel/sched/signal.h>
#include <kernel/sched/task.h>
#include <mm/slab.h>
#include <new>
#include <uapi/asm-generic/errno-base.h>
#include <uapi/asm-generic/errno.h>

lib::Result<void> refill_pi_state_cache()
{
	if (current->pi_state_cache)
		return lib::ok();
	void* mem = kzalloc(sizeof(struct futex_pi_state), GFP_KERNEL);
	if (!mem)
		return lib::Error{ENOMEM};
	auto* ps = new (mem) futex_pi_state();
	ps->list.init();
	rt_mutex_base_init(&ps->pi_mutex);
	ps->refcount.store(1);
	current->pi_state_cache = ps;
	return lib::ok();
}

namespace
{
struct futex_pi_state* alloc_pi_state()
{
	struct futex_pi_state* ps = current->pi_state_cache;
	WARN_ON(!ps);
	current->pi_state_cache = nullptr;
	return ps;
}

/* move pi_state from its owner's list to new_owner's (wait_lock held) */
void pi_state_update_owner(struct futex_pi_state* pi_state, struct task_struct* new_owner)
{
	struct task_struct* old_owner = pi_state->owner;
	if (old_owner) {
		lib::spin_lock_irqsave_guard g(old_owner->pi_lock);
		pi_state->list.del_init();
	}
	if (new_owner) {
		lib::spin_lock_irqsave_guard g(new_owner->pi_lock);
		new_owner->pi_state_list.add_tail(&pi_state->list);
		pi_state->owner = new_owner;
	}
}

/* p owns the futex: a new pi_state with the rt_mutex locked for p
 * (p->pi_lock held; Linux: __attach_to_pi_owner) */
void __attach_to_pi_owner(struct task_struct* p, struct futex_key* key, struct futex_pi_state** ps)
{
	struct futex_pi_state* pi_state = alloc_pi_state();
	rt_mutex_init_proxy_locked(&pi_state->pi_mutex, p);
	pi_state->key = *key;
	p->pi_state_list.add_tail(&pi_state->list);
	pi_state->owner = p;
	*ps = pi_state;
}

/* the owner TID names no live task, or one that is exiting */
lib::Result<void> handle_exit_race(user_ptr<uint32_t> uaddr, uint32_t uval, struct task_struct* tsk)
{
	if (tsk && __atomic_load_n(&tsk->futex_state, __ATOMIC_ACQUIRE) != FUTEX_STATE_DEAD)
		return lib::Error{EBUSY}; /* wait for its exit to finish */
	uint32_t uval2;
	TRY(get_futex_value_locked(&uval2, uaddr));
	if (uval2 != uval)
		return lib::Error{EAGAIN};
	return lib::Error{ESRCH};
}

lib::Result<void> attach_to_pi_owner(user_ptr<uint32_t> uaddr, uint32_t uval, struct futex_key* key,
                                     struct futex_pi_state** ps, struct task_struct** exiting)
{
	pid_t pid = pid_t(uval & FUTEX_TID_MASK);
	if (!pid)
		return lib::Error{EAGAIN};
	struct task_struct* p = find_get_task_by_vpid(pid);
	if (!p)
		return handle_exit_race(uaddr, uval, nullptr);
	if (p->flags & PF_KTHREAD) {
		put_task_struct(p);
		return lib::Error{EPERM};
	}
	lib::Result<void> ret = lib::ok();
	{
		lib::spin_lock_irqsave_guard g(p->pi_lock);
		if (__atomic_load_n(&p->futex_state, __ATOMIC_ACQUIRE) != FUTEX_STATE_OK) {
			ret = handle_exit_race(uaddr, uval, p);
			if (ret.is_err() && ret.error() == EBUSY) {
				*exiting = p; /* the reference goes to the caller */
				return ret;
			}
		} else {
			__attach_to_pi_owner(p, key, ps);
		}
	}
	put_task_struct(p);
	return ret;
}

/* a waiter is queued: its pi_state must agree with the word (Linux:
 * attach_to_pi_state and its table of the ten states) */
lib::Result<void> attach_to_pi_state(user_ptr<uint32_t> uaddr, uint32_t uval, struct futex_pi_state* pi_state,
                                     struct futex_pi_state** ps)
{
	if (!pi_state)
		return lib::Error{EINVAL};
	pid_t pid = pid_t(uval & FUTEX_TID_MASK);
	lib::spin_lock_irqsave_guard g(pi_state->pi_mutex.wait_lock);
	uint32_t uval2;
	TRY(get_futex_value_locked(&uval2, uaddr));
	if (uval != uval2)
		return lib::Error{EAGAIN};
	if (uval & FUTEX_OWNER_DIED) {
		if (!pi_state->owner) {
			if (pid)
				return lib::Error{EINVAL};
			goto out_attach;
		}
		if (!pid)
			goto out_attach;
	} else if (!pi_state->owner) {
		return lib::Error{EINVAL};
	}
	if (pid != task_pid_nr(pi_state->owner))
		return lib::Error{EINVAL};
out_attach:
	get_pi_state(pi_state);
	*ps = pi_state;
	return lib::ok();
}

lib::Result<void> lock_pi_update_atomic(user_ptr<uint32_t> uaddr, uint32_t uval, uint32_t newval)
{
	uint32_t curval;
	TRY(futex_cmpxchg_value_locked(&curval, uaddr, uval, newval));
	if (curval != uval)
		return lib::Error{EAGAIN};
	return lib::ok();
}

/* the word says newowner (or, argowner NULL, the rt_mutex's owner) owns
 * the futex now; hb locked by the caller.  1 if current owns it */
lib::Result<int> fixup_pi_state_owner(user_ptr<uint32_t> uaddr, struct futex_q* q, struct task_struct* argowner)
    NO_THREAD_SAFETY_ANALYSIS
{
	struct futex_pi_state* pi_state = q->pi_state;
	for (;;) {
		lib::Result<void> err = lib::ok();
		{
			unsigned long flags = arch_local_irq_save();
			pi_state->pi_mutex.wait_lock.lock();
			struct task_struct* newowner = argowner;
			if (!newowner) {
				newowner = rt_mutex_owner(&pi_state->pi_mutex);
				if (!newowner) /* nobody holds it: the lock goes to current after all */
					newowner = current;
			}
			uint32_t newtid = uint32_t(task_pid_nr(newowner)) | FUTEX_WAITERS;
			if (!pi_state->owner)
				newtid |= FUTEX_OWNER_DIED;
			uint32_t uval, curval;
			err = get_futex_value_locked(&uval, uaddr);
			while (err.is_ok()) {
				uint32_t newval = (uval & FUTEX_OWNER_DIED) | newtid;
				err = futex_cmpxchg_value_locked(&curval, uaddr, uval, newval);
				if (err.is_err() || curval == uval)
					break;
				uval = curval;
			}
			if (err.is_ok()) {
				pi_state_update_owner(pi_state, newowner);
				pi_state->pi_mutex.wait_lock.unlock_irqrestore(flags);
				return newowner == current ? 1 : 0;
			}
			pi_state->pi_mutex.wait_lock.unlock_irqrestore(flags);
		}
		/* a fault: drop the bucket lock, fault the page in, retry */
		q->lock_ptr->unlock();
		err = fault_in_user_writeable(uaddr);
		q->lock_ptr->lock();
		if (err.is_err())
			return lib::Error{err.error()};
		if (pi_state->owner == current && argowner == current)
			return 1; /* someone fixed it meanwhile */
	}
}

/* hand the futex and its rt_mutex to the top waiter (wait_lock held,
 * released here; Linux: wake_futex_pi) */
lib::Result<void> wake_futex_pi(user_ptr<uint32_t> uaddr, uint32_t uval, struct futex_pi_state* pi_state,
                                unsigned long flags) NO_THREAD_SAFETY_ANALYSIS
{
	struct task_struct* new_owner = rt_mutex_next_owner(&pi_state->pi_mutex);
	struct task_struct* next = nullptr;
	lib::Result<void> ret = lib::ok();
	if (!new_owner) {
		ret = lib::Error{EAGAIN};
	} else {
		uint32_t newval = FUTEX_WAITERS | uint32_t(task_pid_nr(new_owner)), curval;
		ret = futex_cmpxchg_value_locked(&curval, uaddr, uval, newval);
		if (ret.is_ok() && curval != uval)
			ret = lib::Error{(FUTEX_TID_MASK & curval) == uval ? EAGAIN : EINVAL};
		if (ret.is_ok()) {
			pi_state_update_owner(pi_state, new_owner);
			next = __rt_mutex_futex_unlock(&pi_state->pi_mutex);
		}
	}
	pi_state->pi_mutex.wait_lock.unlock_irqrestore(flags);
	rt_mutex_postunlock(next);
	return ret;
}

/* the owner of a contended futex is exiting: wait for that to finish
 * (Linux: wait_for_owner_exiting, on futex_exit_mutex) */
void wait_for_owner_exiting(struct task_struct* exiting)
{
	if (!exiting)
		return;
	while (__atomic_load_n(&exiting->futex_state, __ATOMIC_ACQUIRE) == FUTEX_STATE_EXITING)
		schedule_timeout_uninterruptible(1);
	put_task_struct(exiting);
}
} // namespace

void get_pi_state(struct futex_pi_state* pi_state)
{
	pi_state->refcount.fetch_add(1);
}

void put_pi_state(struct futex_pi_state* pi_state)
{
	if (pi_state->refcount.fetch_sub(1) != 1)
		return;
	/* owner NULL: the owner died and exit_pi_state_list released it */
	if (pi_state->owner) {
		lib::spin_lock_irqsave_guard g(pi_state->pi_mutex.wait_lock);
		pi_state_update_owner(pi_state, nullptr);
		pi_state->owner = nullptr;
		rt_mutex_proxy_unlock(&pi_state->pi_mutex);
	}
	if (current->pi_state_cache) {
		pi_state->~futex_pi_state();
		kfree(pi_state);
	} else {
		pi_state->owner = nullptr;
		pi_state->refcount.store(1);
		current->pi_state_cache = pi_state;
	}
}

lib::Result<void> futex_lock_pi_atomic(user_ptr<uint32_t> uaddr, struct futex_hash_bucket* hb,
                                       struct futex_key* key, struct futex_pi_state** ps, struct task_struct* task,
                                       struct task_struct** exiting, bool set_waiters, bool* acquired)
{
	*acquired = false;
	uint32_t uval;
	TRY(get_futex_value_locked(&uval, uaddr));
	uint32_t vpid = uint32_t(task_pid_nr(task));
	if ((uval & FUTEX_TID_MASK) == vpid)
		return lib::Error{EDEADLK};
	if (struct futex_q* top = futex_top_waiter(hb, key))
		return attach_to_pi_state(uaddr, uval, top->pi_state, ps);
	if (!(uval & FUTEX_TID_MASK)) {
		/* no owner and nobody waiting: take it, keeping OWNER_DIED */
		uint32_t newval = (uval & FUTEX_OWNER_DIED) | vpid;
		if (set_waiters)
			newval |= FUTEX_WAITERS;
		TRY(lock_pi_update_atomic(uaddr, uval, newval));
		if (set_waiters) {
			lib::spin_lock_irqsave_guard g(task->pi_lock);
			__attach_to_pi_owner(task, key, ps);
		}
		*acquired = true;
		return lib::ok();
	}
	/* the first waiter: FUTEX_WAITERS forces the owner's unlock into the kernel */
	uint32_t newval = uval | FUTEX_WAITERS;
	TRY(lock_pi_update_atomic(uaddr, uval, newval));
	return attach_to_pi_owner(uaddr, newval, key, ps, exiting);
}

lib::Result<int> fixup_pi_owner(user_ptr<uint32_t> uaddr, struct futex_q* q, bool locked)
{
	if (locked) {
		if (q->pi_state->owner != current)
			return fixup_pi_state_owner(uaddr, q, current);
		return 1;
	}
	if (q->pi_state->owner == current)
		return fixup_pi_state_owner(uaddr, q, nullptr);
	if (WARN_ON_ONCE(rt_mutex_owner(&q->pi_state->pi_mutex) == current))
		return fixup_pi_state_owner(uaddr, q, current);
	return 0;
}

lib::Result<int> futex_lock_pi(user_ptr<uint32_t> uaddr, unsigned int flags, const struct sleep_deadline* to,
                               bool trylock) NO_THREAD_SAFETY_ANALYSIS
{
	TRY(refill_pi_state_cache());
	struct futex_q q;
	futex_q_init(&q);
	struct futex_hash_bucket* hb;
	for (;;) {
		TRY(get_futex_key(uaddr, flags, &q.key, FUTEX_WRITE));
		hb = futex_q_lock(&q);
		struct task_struct* exiting = nullptr;
		bool acquired;
		lib::Result<void> r = futex_lock_pi_atomic(uaddr, hb, &q.key, &q.pi_state, current, &exiting, false, &acquired);
		if (r.is_ok() && acquired) {
			futex_q_unlock(hb);
			return 0;
		}
		if (r.is_ok())
			break; /* attached: queue and block */
		futex_q_unlock(hb);
		switch (r.error()) {
		case EFAULT:
			TRY(fault_in_user_writeable(uaddr));
			continue;
		case EBUSY:
		case EAGAIN:
			wait_for_owner_exiting(exiting);
			cond_resched();
			continue;
		default:
			return lib::Error{r.error()};
		}
	}
	__futex_queue(&q, hb);
	lib::Result<void> ret = lib::ok();
	if (trylock) {
		if (!rt_mutex_futex_trylock(&q.pi_state->pi_mutex))
			ret = lib::Error{EAGAIN};
	} else {
		struct rt_mutex_waiter rt_waiter;
		/* wait_lock taken before the bucket lock is dropped: an unlocker
		 * that found q sees our rt_mutex waiter too */
		unsigned long irqflags = arch_local_irq_save();
		q.pi_state->pi_mutex.wait_lock.lock();
		hb->lock.unlock();
		lib::Result<int> s = __rt_mutex_start_proxy_lock(&q.pi_state->pi_mutex, &rt_waiter, current);
		q.pi_state->pi_mutex.wait_lock.unlock_irqrestore(irqflags);
		if (s.is_err())
			ret = lib::Error{s.error()};
		else if (s.value() == 0) {
			ret = rt_mutex_adjust_pi(current); /* boost the owner's own chain; EDEADLK */
			if (ret.is_ok())
				ret = rt_mutex_wait_proxy_lock(&q.pi_state->pi_mutex, to, &rt_waiter);
		}
		q.lock_ptr->lock();
		/* a failed wait leaves the rt_mutex waiter under the bucket lock,
		 * so futex_unlock_pi never sees one list without the other */
		if (ret.is_err() && rt_mutex_cleanup_proxy_lock(&q.pi_state->pi_mutex, &rt_waiter))
			ret = lib::ok(); /* handed to us meanwhile */
	}
	lib::Result<int> res = fixup_pi_owner(uaddr, &q, ret.is_ok());
	if (res.is_err())
		ret = lib::Error{res.error()};
	else if (res.value())
		ret = lib::ok();
	futex_unqueue_pi(&q);
	q.lock_ptr->unlock();
	if (ret.is_err())
		return lib::Error{ret.error() == EINTR ? ERESTARTNOINTR : ret.error()};
	return 0;
}

lib::Result<int> futex_unlock_pi(user_ptr<uint32_t> uaddr, unsigned int flags) NO_THREAD_SAFETY_ANALYSIS
{
	uint32_t vpid = uint32_t(task_pid_nr(current));
	for (;;) {
		uint32_t uval, curval;
		TRY(get_user(uval, uaddr));
		if ((uval & FUTEX_TID_MASK) != vpid)
			return lib::Error{EPERM};
		struct futex_key key;
		TRY(get_futex_key(uaddr, flags, &key, FUTEX_WRITE));
		struct futex_hash_bucket* hb = futex_hash(&key);
		hb->lock.lock();
		lib::Result<void> ret = lib::ok();
		if (struct futex_q* top = futex_top_waiter(hb, &key)) {
			struct futex_pi_state* pi_state = top->pi_state;
			if (!pi_state || pi_state->owner != current) {
				hb->lock.unlock();
				return lib::Error{EINVAL};
			}
			get_pi_state(pi_state);
			unsigned long irqflags = arch_local_irq_save();
			pi_state->pi_mutex.wait_lock.lock();
			hb->lock.unlock();
			ret = wake_futex_pi(uaddr, uval, pi_state, irqflags);
			put_pi_state(pi_state);
			if (ret.is_ok())
				return 0;
		} else {
			/* no waiter in the kernel: release the word, dropping
			 * FUTEX_WAITERS and FUTEX_OWNER_DIED (we are the owner) */
			ret = futex_cmpxchg_value_locked(&curval, uaddr, uval, 0);
			hb->lock.unlock();
			if (ret.is_ok())
				return curval == uval ? lib::Result<int>(0) : lib::Result<int>(lib::Error{EAGAIN});
		}
		if (ret.error() == EFAULT) {
			TRY(fault_in_user_writeable(uaddr));
			continue;
		}
		if (ret.error() == EAGAIN) {
			cond_resched();
			continue;
		}
		return lib::Error{ret.error()};
	}
}

void exit_pi_state_list(struct task_struct* curr) NO_THREAD_SAFETY_ANALYSIS
{
	unsigned long flags = arch_local_irq_save();
	curr->pi_lock.lock();
	while (!curr->pi_state_list.empty()) {
		lib::list_head* next = curr->pi_state_list.next;
		struct futex_pi_state* pi_state = container_of(next, struct futex_pi_state, list);
		struct futex_key key = pi_state->key;
		struct futex_hash_bucket* hb = futex_hash(&key);
		/* racing with put_pi_state dropping the last reference */
		int ref = pi_state->refcount.load();
		if (ref == 0 || !pi_state->refcount.compare_exchange_strong(ref, ref + 1)) {
			curr->pi_lock.unlock_irqrestore(flags);
			cpu_relax();
			flags = arch_local_irq_save();
			curr->pi_lock.lock();
			continue;
		}
		curr->pi_lock.unlock_irqrestore(flags);
		hb->lock.lock();
		flags = arch_local_irq_save();
		pi_state->pi_mutex.wait_lock.lock();
		curr->pi_lock.lock();
		if (curr->pi_state_list.next != next) {
			curr->pi_lock.unlock();
			pi_state->pi_mutex.wait_lock.unlock_irqrestore(flags);
			hb->lock.unlock();
			put_pi_state(pi_state);
			flags = arch_local_irq_save();
			curr->pi_lock.lock();
			continue;
		}
		WARN_ON(pi_state->owner != curr);
		pi_state->list.del_init();
		pi_state->owner = nullptr;
		curr->pi_lock.unlock();
		struct task_struct* wake = __rt_mutex_futex_unlock(&pi_state->pi_mutex);
		pi_state->pi_mutex.wait_lock.unlock_irqrestore(flags);
		hb->lock.unlock();
		rt_mutex_postunlock(wake);
		put_pi_state(pi_state);
		flags = arch_local_irq_save();
		curr->pi_lock.lock();
	}
	curr->pi_lock.unlock_irqrestore(flags);
}
