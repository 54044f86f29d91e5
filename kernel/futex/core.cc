/*
 * Futexes: the hash table, keys, queueing, the user-word accessors and
 * the release of a task's futexes at exit and exec (Linux:
 * kernel/futex/core.c).  The data structures and invariants are in
 * kernel/futex/futex.h.
 *
 * The hash table: futex_hashsize buckets, 256 per possible CPU rounded up
 * to a power of two, as Linux; a key hashes to one bucket whose lock
 * serialises every waiter and waker of the futexes hashing there.
 *
 * Keys (get_futex_key): a FUTEX_PRIVATE_FLAG futex is (mm, address): only
 * the threads of one process meet there.  A shared one is looked up
 * through get_user_pages: a page of the page cache (a MAP_SHARED file or
 * tmpfs mapping, or MAP_SHARED|MAP_ANONYMOUS memory, which is a shmem
 * file) is (inode, page index), the same in every process mapping it; an
 * anonymous page is (mm, address) marked FUT_OFF_MMSHARED.  A shared key
 * holds no reference on the inode (Linux uses the never-reused
 * inode->i_sequence): a waiter's mapping keeps its inode alive, and an
 * address reused after the inode is freed can only cause a spurious
 * wake-up, which futex users must tolerate anyway.
 *
 * Robust futexes (exit_robust_list, handle_futex_death): at exit the
 * thread's list of held robust mutexes (struct robust_list_head in user
 * memory, set_robust_list) is walked, at most ROBUST_LIST_LIMIT entries;
 * each futex whose owner TID is the dying thread's gets FUTEX_OWNER_DIED
 * (keeping FUTEX_WAITERS) and one waiter woken; list_op_pending (a lock
 * or unlock in progress) is handled last.  Entries with bit 0 set are PI
 * futexes, released through the pi_state list instead.
 *
 * Lock order: see kernel/futex/futex.h and <kernel/lock_order.h>.
 */
#include "futex.h"
#include <arch/futex.h>
#include <fs/fs.h>
#include <kernel/cpumask.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/sched/signal.h>
#include <kernel/sched/task.h>
#include <kernel/time.h>
#include <kernel/timekeeping.h>
#include <mm/mm.h>
#include <mm/slab.h>
#include <mm/vmalloc.h>
#include <new>
#include <uapi/asm-generic/errno-base.h>
#include <uapi/asm-generic/errno.h>
#include <uapi/linux/time.h>

namespace
{
struct futex_hash_bucket* futex_queues;
unsigned long futex_hashsize;
/* before futex_init (boot, ktests before SMP): one bucket */
struct futex_hash_bucket boot_bucket;

uint64_t hash_mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}
} // namespace

void futex_init()
{
	unsigned long size = 1;
	while (size < 256UL * num_possible_cpus())
		size <<= 1;
	auto* table = static_cast<struct futex_hash_bucket*>(vzalloc(size * sizeof(struct futex_hash_bucket)));
	if (!table)
		panic("futex_init: cannot allocate %lu hash buckets", size);
	for (unsigned long i = 0; i < size; i++)
		new (&table[i]) futex_hash_bucket();
	futex_hashsize = size;
	__atomic_store_n(&futex_queues, table, __ATOMIC_RELEASE);
	unsigned long bytes = size * sizeof(struct futex_hash_bucket);
	unsigned int order = 0;
	while ((PAGE_SIZE << order) < bytes)
		order++;
	pr_info("futex hash table entries: %lu (order: %u, %lu bytes, vmalloc)\n", size, order, bytes);
}

struct futex_hash_bucket* futex_hash(const struct futex_key* key)
{
	struct futex_hash_bucket* table = __atomic_load_n(&futex_queues, __ATOMIC_ACQUIRE);
	if (!table)
		return &boot_bucket;
	uint64_t h = hash_mix(key->ptr ^ hash_mix(key->word + key->offset));
	return &table[h & (futex_hashsize - 1)];
}

lib::Result<void> get_futex_key(user_ptr<uint32_t> uaddr, unsigned int flags, struct futex_key* key,
                                enum futex_access rw)
{
	unsigned long address = uaddr.addr();
	struct mm_struct* mm = current->mm;
	*key = {};
	key->offset = unsigned(address % PAGE_SIZE);
	if (key->offset % sizeof(uint32_t))
		return lib::Error{EINVAL};
	if (!access_ok(uaddr, sizeof(uint32_t)))
		return lib::Error{EFAULT};
	address -= key->offset;
	if (!(flags & FLAGS_SHARED)) {
		key->ptr = uintptr_t(mm);
		key->word = address;
		return lib::ok();
	}
	if (!mm)
		return lib::Error{EFAULT};
	mmap_read_guard g(mm);
	struct page* page;
	struct vm_area_struct* vma;
	/* writable first (an anonymous page gets its copy-on-write broken
	 * now, not under the bucket lock), then, for a read, read-only */
	bool ro = false;
	lib::Result<long> r = get_user_pages_remote(mm, address, 1, FOLL_WRITE, &page, &vma, nullptr);
	if (r.is_err() && r.error() == EFAULT && rw == FUTEX_READ) {
		r = get_user_pages_remote(mm, address, 1, 0, &page, &vma, nullptr);
		ro = true;
	}
	if (r.is_err())
		return lib::Error{r.error()};
	if (PageAnon(page) || !page->mapping) {
		/* a read-only anonymous page (or the zero page) never changes:
		 * no futex there makes sense (Linux: EFAULT) */
		if (ro || !PageAnon(page)) {
			put_page(page);
			return lib::Error{EFAULT};
		}
		key->offset |= FUT_OFF_MMSHARED;
		key->ptr = uintptr_t(mm);
		key->word = address;
	} else {
		key->offset |= FUT_OFF_INODE;
		key->ptr = uintptr_t(page->mapping->host);
		key->word = page->index;
	}
	put_page(page);
	return lib::ok();
}

/* ---- the user word, under the bucket lock ---- */

lib::Result<void> get_futex_value_locked(uint32_t* dest, user_ptr<uint32_t> from)
{
	if (!access_ok(from, sizeof(uint32_t)) || !arch_futex_load_user(dest, from.addr()))
		return lib::Error{EFAULT};
	return lib::ok();
}

lib::Result<void> futex_atomic_cmpxchg_inatomic(uint32_t* uval, user_ptr<uint32_t> uaddr, uint32_t oldval,
                                                uint32_t newval)
{
	if (!access_ok(uaddr, sizeof(uint32_t)) || !arch_futex_cmpxchg_user(uval, uaddr.addr(), oldval, newval))
		return lib::Error{EFAULT};
	return lib::ok();
}

lib::Result<void> futex_cmpxchg_value_locked(uint32_t* curval, user_ptr<uint32_t> uaddr, uint32_t uval,
                                             uint32_t newval)
{
	return futex_atomic_cmpxchg_inatomic(curval, uaddr, uval, newval);
}

lib::Result<int> arch_futex_atomic_op_inuser(int op, int oparg, int* oval, user_ptr<uint32_t> uaddr)
{
	if (!access_ok(uaddr, sizeof(uint32_t)))
		return lib::Error{EFAULT};
	uintptr_t a = uaddr.addr();
	uint32_t old;
	bool ok;
	switch (op) {
	case FUTEX_OP_SET:
		ok = arch_futex_xchg_user(&old, a, uint32_t(oparg));
		break;
	case FUTEX_OP_ADD:
		ok = arch_futex_xadd_user(&old, a, uint32_t(oparg));
		break;
	case FUTEX_OP_OR:
	case FUTEX_OP_ANDN:
	case FUTEX_OP_XOR: {
		ok = arch_futex_load_user(&old, a);
		while (ok) {
			uint32_t nv = op == FUTEX_OP_OR ? old | uint32_t(oparg)
			            : op == FUTEX_OP_ANDN ? old & ~uint32_t(oparg)
			                                  : old ^ uint32_t(oparg);
			uint32_t cur;
			ok = arch_futex_cmpxchg_user(&cur, a, old, nv);
			if (!ok || cur == old)
				break;
			old = cur;
		}
		break;
	}
	default:
		return lib::Error{ENOSYS};
	}
	if (!ok)
		return lib::Error{EFAULT};
	*oval = int(old);
	return 0;
}

lib::Result<void> fault_in_user_writeable(user_ptr<uint32_t> uaddr)
{
	struct mm_struct* mm = current->mm;
	if (!mm)
		return lib::Error{EFAULT};
	mmap_read_guard g(mm);
	TRY(get_user_pages_remote(mm, uaddr.addr(), 1, FOLL_WRITE, nullptr, nullptr, nullptr));
	return lib::ok();
}

/* ---- buckets and queues ---- */

void futex_hb_waiters_inc(struct futex_hash_bucket* hb)
{
	hb->waiters.fetch_add(1, std::memory_order_seq_cst); /* Linux: atomic_inc + smp_mb__after_atomic */
}

void futex_hb_waiters_dec(struct futex_hash_bucket* hb)
{
	hb->waiters.fetch_sub(1, std::memory_order_relaxed);
}

int futex_hb_waiters_pending(struct futex_hash_bucket* hb)
{
	return hb->waiters.load(std::memory_order_seq_cst);
}

struct futex_hash_bucket* futex_q_lock(struct futex_q* q) NO_THREAD_SAFETY_ANALYSIS
{
	struct futex_hash_bucket* hb = futex_hash(&q->key);
	/* counted before the lock: a waker that reads 0 waiters after our
	 * value check cannot exist (the pairing with futex_wake's check) */
	futex_hb_waiters_inc(hb);
	q->lock_ptr = &hb->lock;
	hb->lock.lock();
	return hb;
}

void futex_q_unlock(struct futex_hash_bucket* hb) NO_THREAD_SAFETY_ANALYSIS
{
	hb->lock.unlock();
	futex_hb_waiters_dec(hb);
}

/* on hb's chain by priority, after its equals (Linux: plist_add with
 * prio = min(normal_prio, MAX_RT_PRIO)); non-RT waiters go to the tail */
void futex_chain_add(struct futex_q* q, struct futex_hash_bucket* hb)
{
	struct futex_q* pos;
	list_for_each_entry_reverse(pos, &hb->chain, list) {
		if (pos->prio <= q->prio) {
			pos->list.add(&q->list);
			return;
		}
	}
	hb->chain.add(&q->list); /* more urgent than every one queued */
}

void __futex_queue(struct futex_q* q, struct futex_hash_bucket* hb)
{
	q->prio = current->normal_prio < MAX_RT_PRIO ? current->normal_prio : MAX_RT_PRIO;
	futex_chain_add(q, hb);
	q->task = current;
}

void futex_queue(struct futex_q* q, struct futex_hash_bucket* hb) NO_THREAD_SAFETY_ANALYSIS
{
	__futex_queue(q, hb);
	hb->lock.unlock(); /* the waiter count stays: it is queued */
}

void __futex_unqueue(struct futex_q* q)
{
	struct futex_hash_bucket* hb = container_of(q->lock_ptr, struct futex_hash_bucket, lock);
	q->list.del_init();
	futex_hb_waiters_dec(hb);
}

int futex_unqueue(struct futex_q* q) NO_THREAD_SAFETY_ANALYSIS
{
	for (;;) {
		lib::spinlock* lock_ptr = __atomic_load_n(&q->lock_ptr, __ATOMIC_ACQUIRE);
		if (!lock_ptr)
			return 0; /* a waker took it off */
		lock_ptr->lock();
		/* a requeue may have moved q to another bucket meanwhile */
		if (lock_ptr != __atomic_load_n(&q->lock_ptr, __ATOMIC_RELAXED)) {
			lock_ptr->unlock();
			continue;
		}
		__futex_unqueue(q);
		lock_ptr->unlock();
		return 1;
	}
}

void futex_unqueue_pi(struct futex_q* q)
{
	/* q->lock_ptr is held by the caller */
	if (q->list.linked())
		__futex_unqueue(q);
	if (q->pi_state) {
		put_pi_state(q->pi_state);
		q->pi_state = nullptr;
	}
}

struct futex_q* futex_top_waiter(struct futex_hash_bucket* hb, const struct futex_key* key)
{
	struct futex_q* q;
	list_for_each_entry(q, &hb->chain, list) {
		if (futex_match(&q->key, key))
			return q;
	}
	return nullptr;
}

void double_lock_hb(struct futex_hash_bucket* hb1, struct futex_hash_bucket* hb2)
{
	if (hb1 > hb2) {
		struct futex_hash_bucket* t = hb1;
		hb1 = hb2;
		hb2 = t;
	}
	hb1->lock.lock();
	if (hb1 != hb2)
		hb2->lock.lock();
}

void double_unlock_hb(struct futex_hash_bucket* hb1, struct futex_hash_bucket* hb2)
{
	hb1->lock.unlock();
	if (hb1 != hb2)
		hb2->lock.unlock();
}

lib::Result<struct sleep_deadline> futex_init_timeout(unsigned int cmd, unsigned int flags,
                                                      user_ptr<const void> utime)
{
	struct __kernel_timespec ts;
	if (copy_from_user(&ts, utime.cast<const struct __kernel_timespec>(), sizeof(ts)))
		return lib::Error{EFAULT};
	struct timespec64 t = {ts.tv_sec, long(ts.tv_nsec)};
	if (!timespec64_valid(t))
		return lib::Error{EINVAL};
	int64_t ns = timespec64_to_ns(t);
	struct sleep_deadline to = {ns, (flags & FLAGS_CLOCKRT) != 0};
	/* FUTEX_WAIT's timeout is relative (on CLOCK_MONOTONIC); LOCK_PI's is
	 * absolute on CLOCK_REALTIME; the others' absolute on the named clock */
	if (cmd == FUTEX_WAIT) {
		int64_t now = int64_t(ktime_get_ns());
		to.expires = ns > INT64_MAX - now ? INT64_MAX : now + ns;
		to.realtime = false;
	} else if (cmd == FUTEX_LOCK_PI) {
		to.realtime = true;
	}
	return to;
}

/* ---- the robust list and the task's lifetime ---- */

void futex_init_task(struct task_struct* tsk)
{
	tsk->robust_list = user_ptr<void>();
	tsk->pi_state_list.init();
	tsk->pi_state_cache = nullptr;
	tsk->futex_state = FUTEX_STATE_OK;
}

namespace
{
/* struct robust_list_head: list.next, futex_offset, list_op_pending */
constexpr unsigned long ROBUST_NEXT = 0, ROBUST_FUTEX_OFFSET = 8, ROBUST_OP_PENDING = 16;

enum { HANDLE_DEATH_PENDING, HANDLE_DEATH_LIST };

/* the owner of the futex at uaddr died (Linux: handle_futex_death) */
int handle_futex_death(user_ptr<uint32_t> uaddr, struct task_struct* curr, bool pi, int pending_op)
{
	if (uaddr.addr() % sizeof(uint32_t))
		return -1;
	for (;;) {
		uint32_t uval;
		if (get_user(uval, uaddr).is_err())
			return -1;
		/* a lock in progress that never took the word: wake a waiter that
		 * may already sleep on it (Linux: the pending_op && !pi && !uval case) */
		if (pending_op == HANDLE_DEATH_PENDING && !pi && !uval) {
			(void)futex_wake(uaddr, FLAGS_SHARED, 1, FUTEX_BITSET_MATCH_ANY);
			return 0;
		}
		if ((uval & FUTEX_TID_MASK) != uint32_t(task_pid_nr(curr)))
			return 0;
		uint32_t mval = (uval & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
		uint32_t nval;
		lib::Result<void> r;
		{
			preempt_disable(); /* a fault is EFAULT, not a sleep */
			r = futex_cmpxchg_value_locked(&nval, uaddr, uval, mval);
			preempt_enable();
		}
		if (r.is_err()) {
			if (fault_in_user_writeable(uaddr).is_err())
				return -1;
			continue;
		}
		if (nval != uval)
			continue;
		/* a non-PI waiter is woken to take the dead owner's lock; PI
		 * waiters get it through exit_pi_state_list */
		if (!pi && (uval & FUTEX_WAITERS))
			(void)futex_wake(uaddr, FLAGS_SHARED, 1, FUTEX_BITSET_MATCH_ANY);
		return 0;
	}
}

/* one entry pointer; bit 0 says PI (Linux: fetch_robust_entry) */
bool fetch_robust_entry(unsigned long* entry, user_ptr<unsigned long> head, bool* pi)
{
	unsigned long uentry;
	if (get_user(uentry, head).is_err())
		return false;
	*entry = uentry & ~1UL;
	*pi = uentry & 1;
	return true;
}

void exit_robust_list(struct task_struct* curr)
{
	unsigned long head = curr->robust_list.addr();
	unsigned long entry, next_entry = 0, pending;
	bool pi, next_pi = false, pip;
	long futex_offset;
	unsigned int limit = ROBUST_LIST_LIMIT;
	if (!fetch_robust_entry(&entry, user_ptr<unsigned long>(head + ROBUST_NEXT), &pi))
		return;
	if (get_user(futex_offset, user_ptr<long>(head + ROBUST_FUTEX_OFFSET)).is_err())
		return;
	if (!fetch_robust_entry(&pending, user_ptr<unsigned long>(head + ROBUST_OP_PENDING), &pip))
		return;
	while (entry != head) {
		bool rc = fetch_robust_entry(&next_entry, user_ptr<unsigned long>(entry), &next_pi);
		/* the pending one is handled last, once */
		if (entry != pending &&
		    handle_futex_death(user_ptr<uint32_t>(entry + futex_offset), curr, pi, HANDLE_DEATH_LIST))
			return;
		if (!rc)
			return;
		entry = next_entry;
		pi = next_pi;
		if (!--limit)
			break;
		cond_resched();
	}
	if (pending)
		handle_futex_death(user_ptr<uint32_t>(pending + futex_offset), curr, pip, HANDLE_DEATH_PENDING);
}

void futex_cleanup(struct task_struct* tsk)
{
	if (tsk->robust_list) {
		exit_robust_list(tsk);
		tsk->robust_list = user_ptr<void>();
	}
	if (!tsk->pi_state_list.empty())
		exit_pi_state_list(tsk);
}

void futex_set_state(struct task_struct* tsk, unsigned int state)
{
	lib::spin_lock_irqsave_guard g(tsk->pi_lock);
	__atomic_store_n(&tsk->futex_state, state, __ATOMIC_RELEASE);
}
} // namespace

void futex_exit_release(struct task_struct* tsk)
{
	/* attach_to_pi_owner sees EXITING and waits (it retries) until DEAD:
	 * no new pi_state attaches to a task whose list was already walked */
	futex_set_state(tsk, FUTEX_STATE_EXITING);
	futex_cleanup(tsk);
	futex_set_state(tsk, FUTEX_STATE_DEAD);
	/* no PI futex operation of tsk's can follow (Linux frees it in do_exit) */
	if (tsk->pi_state_cache) {
		struct futex_pi_state* ps = tsk->pi_state_cache;
		tsk->pi_state_cache = nullptr;
		ps->~futex_pi_state();
		kfree(ps);
	}
}

void futex_exec_release(struct task_struct* tsk)
{
	futex_set_state(tsk, FUTEX_STATE_EXITING);
	futex_cleanup(tsk);
	futex_set_state(tsk, FUTEX_STATE_OK);
}

unsigned long futex_hashsize_for_test()
{
	return futex_hashsize;
}
