/*
 * The futex code's internal interface (Linux: kernel/futex/futex.h,
 * include/uapi/linux/futex.h).
 *
 * Files (as Linux's split):
 *   core.cc      the hash table, keys, the user-word accessors, queueing,
 *                the robust list and PI state release at exit and exec
 *   waitwake.cc  FUTEX_WAIT, WAKE, WAKE_OP, WAIT_BITSET, WAKE_BITSET, futex_waitv
 *   requeue.cc   FUTEX_REQUEUE, CMP_REQUEUE, CMP_REQUEUE_PI, WAIT_REQUEUE_PI
 *   pi.cc        FUTEX_LOCK_PI, LOCK_PI2, TRYLOCK_PI, UNLOCK_PI, pi_state
 *   syscalls.cc  futex(2), futex_waitv(2), set/get_robust_list
 *
 * Data structures:
 *   futex_key         what a futex word is: private (mm, address) or
 *                     shared (the inode and page offset of the page cache
 *                     page, or mm and address of an anonymous page in a
 *                     process that asked for a shared futex); offset is
 *                     the word's offset in its page plus the FUT_OFF_* bit
 *   futex_hash_bucket lock, waiters (an estimate read without the lock so a
 *                     wake with nobody queued takes no lock), chain (the
 *                     futex_qs of all keys hashing here, by priority and
 *                     FIFO among equals, as Linux's plist: an RT waiter
 *                     is woken before the others, all non-RT ones rank
 *                     equal)
 *   futex_q           one waiter, on its stack: list on hb->chain, task,
 *                     lock_ptr (the bucket's lock while queued, NULL once a
 *                     waker took it off), key, bitset, pi_state and
 *                     rt_waiter (PI), requeue_pi_key (WAIT_REQUEUE_PI)
 *   futex_pi_state    the kernel side of a contended PI futex: the
 *                     rt_mutex its waiters block on, owner (on whose
 *                     pi_state_list it is), refcount, key
 *
 * Invariants: a futex_q is on a chain iff lock_ptr is non-NULL; only its
 * waker or owner (under *lock_ptr) unlinks it, and a waker sets lock_ptr
 * to NULL last (release), after which it touches only the task.  A user
 * word is read or changed under the bucket lock only through the
 * *_inatomic accessors: a fault there is EFAULT (preemption is off), and
 * the caller drops the lock, faults the page in and retries.
 *
 * Lock order: see <kernel/lock_order.h>: mmap_lock (key lookup only,
 * never held after) -> hb->lock (two: lower address first, double_lock_hb)
 * -> pi_mutex.wait_lock -> task->pi_lock -> rq->lock.
 */
#pragma once
#include <atomic>
#include <cstdint>
#include <kernel/futex.h>
#include <kernel/rtmutex.h>
#include <kernel/sched.h>
#include <lib/list.h>
#include <lib/spinlock.h>

struct mm_struct;

/* ---- include/uapi/linux/futex.h ---- */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_FD 2
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAKE_OP 5
#define FUTEX_LOCK_PI 6
#define FUTEX_UNLOCK_PI 7
#define FUTEX_TRYLOCK_PI 8
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_WAIT_REQUEUE_PI 11
#define FUTEX_CMP_REQUEUE_PI 12
#define FUTEX_LOCK_PI2 13
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256
#define FUTEX_CMD_MASK (~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME))

#define FUTEX_WAITERS 0x80000000u
#define FUTEX_OWNER_DIED 0x40000000u
#define FUTEX_TID_MASK 0x3fffffffu

#define ROBUST_LIST_LIMIT 2048

#define FUTEX_OP_SET 0
#define FUTEX_OP_ADD 1
#define FUTEX_OP_OR 2
#define FUTEX_OP_ANDN 3
#define FUTEX_OP_XOR 4
#define FUTEX_OP_OPARG_SHIFT 8
#define FUTEX_OP_CMP_EQ 0
#define FUTEX_OP_CMP_NE 1
#define FUTEX_OP_CMP_LT 2
#define FUTEX_OP_CMP_LE 3
#define FUTEX_OP_CMP_GT 4
#define FUTEX_OP_CMP_GE 5

/* futex_waitv(2) */
#define FUTEX_WAITV_MAX 128
#define FUTEX_32 2
struct futex_waitv {
	uint64_t val;
	uint64_t uaddr;
	uint32_t flags;
	uint32_t __reserved;
};

/* ---- kernel/futex/futex.h ---- */
#define FLAGS_HAS_TIMEOUT 0x04 /* with FLAGS_SHARED, FLAGS_CLOCKRT (<kernel/futex.h>): restart_block.futex */
#define FUT_OFF_INODE 1    /* a shared key on a file page: ptr is the inode */
#define FUT_OFF_MMSHARED 2 /* a shared key on an anonymous page: ptr is the mm */

/* task->futex_state */
#define FUTEX_STATE_OK 0
#define FUTEX_STATE_EXITING 1
#define FUTEX_STATE_DEAD 2

/* a futex's identity; two words meet iff their keys match (Linux's union
 * of shared.i_seq/pgoff, private.mm/address and both.ptr/word) */
struct futex_key {
	uintptr_t ptr;      /* mm_struct* (private, FUT_OFF_MMSHARED) or inode* (FUT_OFF_INODE) */
	unsigned long word; /* address (private) or page offset in the file (inode) */
	unsigned int offset;
	bool operator==(const futex_key&) const = default;
};

struct futex_hash_bucket {
	std::atomic<int> waiters; /* queued or about to queue (futex_hb_waiters_inc) */
	lib::spinlock lock;
	lib::list_head chain; /* struct futex_q.list */
};

struct futex_pi_state {
	lib::list_head list;        /* on owner->pi_state_list */
	struct rt_mutex_base pi_mutex;
	struct task_struct* owner;  /* NULL while ownerless (owner died) */
	std::atomic<int> refcount;
	struct futex_key key;
};

struct futex_q {
	lib::list_head list;
	struct task_struct* task;
	lib::spinlock* lock_ptr; /* the bucket's lock while queued; NULL once woken */
	struct futex_key key;
	struct futex_pi_state* pi_state;
	struct rt_mutex_waiter* rt_waiter;
	struct futex_key* requeue_pi_key;
	uint32_t bitset;
	int prio; /* min(normal_prio, MAX_RT_PRIO): the chain's order */
	std::atomic<int> requeue_state; /* Q_REQUEUE_PI_* (WAIT_REQUEUE_PI) */
};
#define Q_REQUEUE_PI_NONE 0
#define Q_REQUEUE_PI_DONE 1   /* moved to uaddr2's rt_mutex, or handed the lock */
#define Q_REQUEUE_PI_LOCKED 2 /* took uaddr2 at once (futex_proxy_trylock_atomic) */

static inline void futex_q_init(struct futex_q* q)
{
	q->list.init();
	q->task = current;
	q->lock_ptr = nullptr;
	q->key = {};
	q->pi_state = nullptr;
	q->rt_waiter = nullptr;
	q->requeue_pi_key = nullptr;
	q->bitset = FUTEX_BITSET_MATCH_ANY;
	q->prio = MAX_RT_PRIO;
	q->requeue_state.store(Q_REQUEUE_PI_NONE, std::memory_order_relaxed);
}

/* ---- core.cc ---- */
enum futex_access { FUTEX_READ, FUTEX_WRITE };
lib::Result<void> get_futex_key(user_ptr<uint32_t> uaddr, unsigned int flags, struct futex_key* key,
                                enum futex_access rw);
struct futex_hash_bucket* futex_hash(const struct futex_key* key);
static inline bool futex_match(const struct futex_key* a, const struct futex_key* b)
{
	return *a == *b;
}
/* read / compare-and-exchange the user word with the bucket lock held (no
 * fault handling: EFAULT) */
lib::Result<void> get_futex_value_locked(uint32_t* dest, user_ptr<uint32_t> from);
lib::Result<void> futex_cmpxchg_value_locked(uint32_t* curval, user_ptr<uint32_t> uaddr, uint32_t uval,
                                             uint32_t newval);
/* arch: the atomic user-word operations (Linux: arch/x86/include/asm/futex.h) */
lib::Result<void> futex_atomic_cmpxchg_inatomic(uint32_t* uval, user_ptr<uint32_t> uaddr, uint32_t oldval,
                                                uint32_t newval);
lib::Result<int> arch_futex_atomic_op_inuser(int op, int oparg, int* oval, user_ptr<uint32_t> uaddr);
/* make the word's page present and writable (after an EFAULT under the lock) */
lib::Result<void> fault_in_user_writeable(user_ptr<uint32_t> uaddr);

void futex_hb_waiters_inc(struct futex_hash_bucket* hb);
void futex_hb_waiters_dec(struct futex_hash_bucket* hb);
int futex_hb_waiters_pending(struct futex_hash_bucket* hb);
/* lock the key's bucket, counted as a waiter (Linux: futex_q_lock) */
struct futex_hash_bucket* futex_q_lock(struct futex_q* q);
void futex_q_unlock(struct futex_hash_bucket* hb);
/* queue q on hb (locked) and unlock it (Linux: futex_queue) */
void __futex_queue(struct futex_q* q, struct futex_hash_bucket* hb);
void futex_chain_add(struct futex_q* q, struct futex_hash_bucket* hb);
void futex_queue(struct futex_q* q, struct futex_hash_bucket* hb);
void __futex_unqueue(struct futex_q* q);
/* take q off its chain if it is still there: 1 if it was (not woken) */
int futex_unqueue(struct futex_q* q);
void futex_unqueue_pi(struct futex_q* q);
struct futex_q* futex_top_waiter(struct futex_hash_bucket* hb, const struct futex_key* key);
void double_lock_hb(struct futex_hash_bucket* hb1, struct futex_hash_bucket* hb2) NO_THREAD_SAFETY_ANALYSIS;
void double_unlock_hb(struct futex_hash_bucket* hb1, struct futex_hash_bucket* hb2) NO_THREAD_SAFETY_ANALYSIS;
/* a deadline from a user timespec: relative (on CLOCK_MONOTONIC) or absolute */
lib::Result<struct sleep_deadline> futex_init_timeout(unsigned int cmd, unsigned int flags,
                                                      user_ptr<const void> utime);

/* ---- waitwake.cc ---- */
lib::Result<int> futex_wait(user_ptr<uint32_t> uaddr, unsigned int flags, uint32_t val,
                            const struct sleep_deadline* to, uint32_t bitset);
lib::Result<int> futex_wake_op(user_ptr<uint32_t> uaddr1, unsigned int flags, user_ptr<uint32_t> uaddr2,
                               int nr_wake, int nr_wake2, int op);
/* take q off its chain and wake its task (hb locked; Linux: futex_wake_mark) */
void futex_wake_mark(struct futex_q* q);
/* queue q (locked hb) and sleep until woken, the deadline or a signal */
void futex_wait_queue(struct futex_hash_bucket* hb, struct futex_q* q, const struct sleep_deadline* to);
/* read the word under the bucket lock and compare: on success hb is locked */
lib::Result<void> futex_wait_setup(user_ptr<uint32_t> uaddr, uint32_t val, unsigned int flags, struct futex_q* q,
                                   struct futex_hash_bucket** hb);
lib::Result<int> futex_wait_multiple(struct futex_waitv* vs, unsigned int count, const struct sleep_deadline* to);
long futex_wait_restart(struct restart_block* restart);

/* ---- requeue.cc ---- */
lib::Result<int> futex_requeue(user_ptr<uint32_t> uaddr1, unsigned int flags, user_ptr<uint32_t> uaddr2, int nr_wake,
                               int nr_requeue, const uint32_t* cmpval, bool requeue_pi);
lib::Result<int> futex_wait_requeue_pi(user_ptr<uint32_t> uaddr, unsigned int flags, uint32_t val,
                                       const struct sleep_deadline* to, uint32_t bitset, user_ptr<uint32_t> uaddr2);

/* ---- pi.cc ---- */
lib::Result<void> refill_pi_state_cache();
void get_pi_state(struct futex_pi_state* pi_state);
void put_pi_state(struct futex_pi_state* pi_state);
lib::Result<int> futex_lock_pi(user_ptr<uint32_t> uaddr, unsigned int flags, const struct sleep_deadline* to,
                               bool trylock);
lib::Result<int> futex_unlock_pi(user_ptr<uint32_t> uaddr, unsigned int flags);
/* uval's owner: attach to (or create) the pi_state; EAGAIN to retry */
lib::Result<void> futex_lock_pi_atomic(user_ptr<uint32_t> uaddr, struct futex_hash_bucket* hb,
                                       struct futex_key* key, struct futex_pi_state** ps, struct task_struct* task,
                                       struct task_struct** exiting, bool set_waiters, bool* acquired);
/* the lock was taken (or not) by q's task: make the user word say so */
lib::Result<int> fixup_pi_owner(user_ptr<uint32_t> uaddr, struct futex_q* q, bool locked);
void exit_pi_state_list(struct task_struct* curr);
