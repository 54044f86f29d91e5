/*
 * ktests for the futex core (suite "futex"): the hash table's size,
 * private keys (alignment EINVAL, kernel addresses EFAULT, one key per
 * word), bucket choice, a wake with nobody waiting, the bitset check,
 * and queue bookkeeping (futex_q on a chain, the waiter count, unqueue).
 * Waiting and waking between threads is tested from user space
 * (user/futex_*.c), where the words live.
 * Data: none.
 */
#include "futex.h"
#include <kernel/ktest.h>
#include <kernel/cpumask.h>
#include <uapi/asm-generic/errno-base.h>

extern unsigned long futex_hashsize_for_test();

KTEST(futex, hash_table_sized_from_cpus)
{
	unsigned long n = futex_hashsize_for_test();
	KEXPECT_TRUE(n >= 256UL * num_possible_cpus());
	KEXPECT_EQ(n & (n - 1), 0UL); /* a power of two */
	KEXPECT_TRUE(n < 512UL * num_possible_cpus());
}

KTEST(futex, private_keys)
{
	struct futex_key a, b;
	KEXPECT_ERR(get_futex_key(user_ptr<uint32_t>(0x10002), 0, &a, FUTEX_READ), EINVAL);
	KEXPECT_ERR(get_futex_key(user_ptr<uint32_t>(0xffff888000001000UL), 0, &a, FUTEX_READ), EFAULT);
	KASSERT_OK(get_futex_key(user_ptr<uint32_t>(0x10004), 0, &a, FUTEX_READ));
	KASSERT_OK(get_futex_key(user_ptr<uint32_t>(0x10008), 0, &b, FUTEX_READ));
	KEXPECT_FALSE(futex_match(&a, &b));
	KEXPECT_EQ(a.word, 0x10000UL);
	KEXPECT_EQ(a.offset, 4u);
	KASSERT_OK(get_futex_key(user_ptr<uint32_t>(0x10004), 0, &b, FUTEX_READ));
	KEXPECT_TRUE(futex_match(&a, &b));
	KEXPECT_TRUE(futex_hash(&a) == futex_hash(&b));
}

KTEST(futex, wake_without_waiters)
{
	KEXPECT_EQ(futex_wake(user_ptr<uint32_t>(0x20000), 0, 1, FUTEX_BITSET_MATCH_ANY).value(), 0);
	KEXPECT_ERR(futex_wake(user_ptr<uint32_t>(0x20000), 0, 1, 0), EINVAL);
	KEXPECT_ERR(futex_wake(user_ptr<uint32_t>(0x20001), 0, 1, FUTEX_BITSET_MATCH_ANY), EINVAL);
}

KTEST(futex, queue_bookkeeping)
{
	struct futex_q q;
	futex_q_init(&q);
	KASSERT_OK(get_futex_key(user_ptr<uint32_t>(0x30000), 0, &q.key, FUTEX_READ));
	struct futex_hash_bucket* hb = futex_q_lock(&q);
	int before = futex_hb_waiters_pending(hb);
	KEXPECT_TRUE(before >= 1);
	futex_queue(&q, hb);
	KEXPECT_TRUE(q.list.linked());
	{
		lib::spin_lock_guard g(hb->lock);
		KEXPECT_TRUE(futex_top_waiter(hb, &q.key) == &q);
	}
	KEXPECT_EQ(futex_unqueue(&q), 1); /* still queued: nobody woke it */
	KEXPECT_FALSE(q.list.linked());
	KEXPECT_EQ(futex_hb_waiters_pending(hb), before - 1);
	/* a woken q: the waker cleared lock_ptr, unqueue says so */
	futex_q_init(&q);
	KASSERT_OK(get_futex_key(user_ptr<uint32_t>(0x30000), 0, &q.key, FUTEX_READ));
	hb = futex_q_lock(&q);
	__futex_queue(&q, hb);
	futex_wake_mark(&q);
	hb->lock.unlock();
	KEXPECT_EQ(futex_unqueue(&q), 0);
	KEXPECT_EQ(futex_hb_waiters_pending(hb), before - 1);
}
