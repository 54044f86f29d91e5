/*
 * futex(2) between threads, with raw system calls (issue 13 part 4):
 * what the libraries build their locks on.
 *
 * A raw clone() thread (no libc in it) and the main thread ping-pong
 * through FUTEX_WAIT/WAKE; CLONE_CHILD_CLEARTID clears and wakes the tid
 * word at the thread's exit (what pthread_join waits for).  With
 * pthreads as the vehicle: WAKE counts, WAKE_BITSET choosing waiters by
 * bitset, WAKE_OP waking on both words, CMP_REQUEUE moving waiters to a
 * second word (a condition variable's broadcast) and FUTEX_WAKE on that
 * word finding them, futex_waitv returning the index of the futex woken,
 * PI futexes handed from owner to waiter (FUTEX_WAITERS, the new owner's
 * TID in the word), and CMP_REQUEUE_PI moving WAIT_REQUEUE_PI waiters
 * onto a PI futex they then own in turn.
 */
#define _GNU_SOURCE
#include "syscheck.h"
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAKE_OP 5
#define FUTEX_LOCK_PI 6
#define FUTEX_UNLOCK_PI 7
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_WAIT_REQUEUE_PI 11
#define FUTEX_CMP_REQUEUE_PI 12
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_WAITERS 0x80000000u
#define FUTEX_TID_MASK 0x3fffffffu
#define FUTEX_OP(op, oparg, cmp, cmparg)                                                                 \
	((((op)&0xf) << 28) | (((cmp)&0xf) << 24) | (((oparg)&0xfff) << 12) | ((cmparg)&0xfff))
#define P FUTEX_PRIVATE_FLAG

struct futex_waitv {
	uint64_t val;
	uint64_t uaddr;
	uint32_t flags;
	uint32_t __reserved;
};
#define FUTEX_32 2

static long futex(void* uaddr, int op, uint32_t val, const void* t, void* uaddr2, uint32_t val3)
{
	return syscall(SYS_futex, uaddr, op, val, t, uaddr2, val3);
}

static void msleep(int ms)
{
	struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&t, NULL);
}

/* ---- a raw clone thread: system calls only, no libc ---- */
static long raw6(long n, long a, long b, long c, long d, long e, long f)
{
	long ret;
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	__asm__ volatile("syscall" : "=a"(ret) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9) : "rcx", "r11", "memory");
	return ret;
}

static volatile uint32_t ping, pong;
static volatile int raw_tid_word;
static volatile int raw_rounds;

static int raw_thread(void* arg)
{
	(void)arg;
	for (int i = 1; i <= 50; i++) {
		while (ping != (uint32_t)i)
			raw6(SYS_futex, (long)&ping, FUTEX_WAIT | P, i - 1, 0, 0, 0);
		raw_rounds = i; /* before pong: the main thread reads it once pong says i */
		pong = i;
		raw6(SYS_futex, (long)&pong, FUTEX_WAKE | P, 1, 0, 0, 0);
	}
	raw6(SYS_exit, 0, 0, 0, 0, 0, 0);
	return 0;
}

/* ---- pthread helpers ---- */
static uint32_t word, word2;
static atomic_int ready, done_count;
static uint32_t results[16];

struct waiter_arg {
	int idx;
	uint32_t bitset;
	uint32_t* uaddr;
	uint32_t val;
};

static void* bitset_waiter(void* p)
{
	struct waiter_arg* a = p;
	atomic_fetch_add(&ready, 1);
	long r = futex(a->uaddr, FUTEX_WAIT_BITSET | P, a->val, NULL, NULL, a->bitset);
	results[a->idx] = r == 0 ? 1 : 100 + errno;
	atomic_fetch_add(&done_count, 1);
	return NULL;
}

/* wait until n threads said they are ready, then give them time to sleep */
static void wait_ready(int n)
{
	while (atomic_load(&ready) < n)
		msleep(5);
	msleep(100);
}

/* a waiter that first makes itself SCHED_FIFO 10 */
static void* rt_waiter_fn(void* p)
{
	struct sched_param sp;
	memset(&sp, 0, sizeof(sp));
	sp.sched_priority = 10;
	syscall(SYS_sched_setscheduler, 0, SCHED_FIFO, &sp);
	return bitset_waiter(p);
}

static uint32_t waitv_words[3];
static long waitv_ret;
static void* waitv_waiter(void* p)
{
	(void)p;
	struct futex_waitv v[3];
	for (int i = 0; i < 3; i++)
		v[i] = (struct futex_waitv){0, (uintptr_t)&waitv_words[i], FUTEX_32 | P, 0};
	atomic_fetch_add(&ready, 1);
	waitv_ret = syscall(449, v, 3, 0, NULL, CLOCK_MONOTONIC);
	return NULL;
}

static uint32_t piw;
static long pi_lock_ret;
static uint32_t pi_word_seen;
static void* pi_waiter(void* p)
{
	(void)p;
	atomic_fetch_add(&ready, 1);
	pi_lock_ret = futex(&piw, FUTEX_LOCK_PI | P, 0, NULL, NULL, 0);
	pi_word_seen = piw;
	futex(&piw, FUTEX_UNLOCK_PI | P, 0, NULL, NULL, 0);
	return NULL;
}

static uint32_t cv, pim;
static atomic_int rq_owned;
static void* requeue_pi_waiter(void* p)
{
	struct waiter_arg* a = p;
	uint32_t tid = (uint32_t)syscall(SYS_gettid);
	atomic_fetch_add(&ready, 1);
	long r = futex(&cv, FUTEX_WAIT_REQUEUE_PI | P, 0, NULL, &pim, 0);
	uint32_t v = pim;
	if (r == 0 && (v & FUTEX_TID_MASK) == tid)
		atomic_fetch_add(&rq_owned, 1);
	results[a->idx] = r == 0 ? 1 : 100 + errno;
	/* hand it on: the next requeued waiter gets it */
	futex(&pim, FUTEX_UNLOCK_PI | P, 0, NULL, NULL, 0);
	return NULL;
}

int main(void)
{
	ut_prog = "futex_threads";

	/* ---- a raw clone thread ---- */
	size_t stsz = 64 * 1024;
	char* stack = mmap(NULL, stsz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |
	            CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID;
	int tid = clone(raw_thread, stack + stsz, flags, NULL, &raw_tid_word, NULL, &raw_tid_word);
	UT_EXPECT(tid > 0, "clone a raw thread (tid %d)", tid);
	int woke = 0;
	for (int i = 1; i <= 50; i++) {
		ping = i;
		woke += futex((void*)&ping, FUTEX_WAKE | P, 1, NULL, NULL, 0);
		while (pong != (uint32_t)i)
			futex((void*)&pong, FUTEX_WAIT | P, i - 1, NULL, NULL, 0);
	}
	UT_EXPECT(raw_rounds == 50, "50 WAIT/WAKE round trips with the raw thread (%d woken while asleep)", woke);
	/* CLONE_CHILD_CLEARTID: 0 and a (shared) wake at its exit */
	int t;
	while ((t = raw_tid_word) != 0)
		futex((void*)&raw_tid_word, FUTEX_WAIT, t, NULL, NULL, 0);
	UT_EXPECT(raw_tid_word == 0, "its exit cleared the tid word and woke us (CLONE_CHILD_CLEARTID)");

	/* ---- WAKE counts and WAKE_BITSET ---- */
	pthread_t th[8];
	struct waiter_arg args[8];
	word = 0;
	atomic_store(&ready, 0);
	atomic_store(&done_count, 0);
	for (int i = 0; i < 4; i++) {
		args[i] = (struct waiter_arg){i, i < 2 ? 1u : 2u, &word, 0};
		pthread_create(&th[i], NULL, bitset_waiter, &args[i]);
	}
	wait_ready(4);
	long r = futex(&word, FUTEX_WAKE_BITSET | P, INT_MAX, NULL, NULL, 2);
	UT_EXPECT(r == 2, "WAKE_BITSET 2 wakes the two waiters of bitset 2 (%ld)", r);
	msleep(50);
	UT_EXPECT(results[2] == 1 && results[3] == 1 && results[0] == 0 && results[1] == 0, "  and only them");
	r = futex(&word, FUTEX_WAKE | P, 1, NULL, NULL, 0);
	UT_EXPECT(r == 1, "WAKE 1 wakes one (%ld)", r);
	r = futex(&word, FUTEX_WAKE | P, INT_MAX, NULL, NULL, 0);
	UT_EXPECT(r == 1, "WAKE all wakes the last one (%ld)", r);
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	UT_EXPECT(results[0] == 1 && results[1] == 1, "every waiter returned 0");

	/* ---- an RT waiter is woken before an earlier normal one ---- */
	word = 0;
	atomic_store(&ready, 0);
	memset(results, 0, sizeof(results));
	args[0] = (struct waiter_arg){0, ~0u, &word, 0};
	pthread_create(&th[0], NULL, bitset_waiter, &args[0]);
	wait_ready(1);
	args[1] = (struct waiter_arg){1, ~0u, &word, 0};
	pthread_create(&th[1], NULL, rt_waiter_fn, &args[1]);
	wait_ready(2);
	r = futex(&word, FUTEX_WAKE | P, 1, NULL, NULL, 0);
	msleep(50);
	UT_EXPECT(r == 1 && results[1] == 1 && results[0] == 0, "WAKE 1 picks the SCHED_FIFO waiter over the one queued first");
	futex(&word, FUTEX_WAKE | P, 1, NULL, NULL, 0);
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);

	/* ---- WAKE_OP ---- */
	word = 0;
	word2 = 0;
	atomic_store(&ready, 0);
	memset(results, 0, sizeof(results));
	for (int i = 0; i < 2; i++) {
		args[i] = (struct waiter_arg){i, ~0u, i == 0 ? &word : &word2, 0};
		pthread_create(&th[i], NULL, bitset_waiter, &args[i]);
	}
	wait_ready(2);
	/* word2 += 1; wake 1 on word; and 1 on word2 if its old value was 0 */
	r = futex(&word, FUTEX_WAKE_OP | P, 1, (void*)1, &word2, FUTEX_OP(1, 1, 0, 0));
	UT_EXPECT(r == 2 && word2 == 1, "WAKE_OP wakes on both words when the comparison holds (%ld)", r);
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);

	/* ---- CMP_REQUEUE: a broadcast that moves waiters to the mutex ---- */
	word = 5;
	word2 = 0;
	atomic_store(&ready, 0);
	memset(results, 0, sizeof(results));
	for (int i = 0; i < 5; i++) {
		args[i] = (struct waiter_arg){i, ~0u, &word, 5};
		pthread_create(&th[i], NULL, bitset_waiter, &args[i]);
	}
	wait_ready(5);
	UT_EXPECT_ERR(futex(&word, FUTEX_CMP_REQUEUE | P, 1, (void*)INT_MAX, &word2, 6), EAGAIN, "CMP_REQUEUE with a stale value: EAGAIN");
	r = futex(&word, FUTEX_CMP_REQUEUE | P, 1, (void*)INT_MAX, &word2, 5);
	UT_EXPECT(r == 5, "CMP_REQUEUE wakes 1 and requeues 4: returns 5 (%ld)", r);
	msleep(50);
	r = futex(&word, FUTEX_WAKE | P, INT_MAX, NULL, NULL, 0);
	UT_EXPECT(r == 0, "nobody is left on the first word (%ld)", r);
	r = futex(&word2, FUTEX_WAKE | P, INT_MAX, NULL, NULL, 0);
	UT_EXPECT(r == 4, "the four requeued are woken on the second word (%ld)", r);
	for (int i = 0; i < 5; i++)
		pthread_join(th[i], NULL);
	int all = 1;
	for (int i = 0; i < 5; i++)
		all &= results[i] == 1;
	UT_EXPECT(all, "all five returned 0");

	/* ---- futex_waitv returns the index woken ---- */
	atomic_store(&ready, 0);
	pthread_create(&th[0], NULL, waitv_waiter, NULL);
	wait_ready(1);
	r = futex(&waitv_words[1], FUTEX_WAKE | P, 1, NULL, NULL, 0);
	pthread_join(th[0], NULL);
	UT_EXPECT(r == 1 && waitv_ret == 1, "futex_waitv woken through its second futex returns 1 (%ld, %ld)", r, waitv_ret);

	/* ---- PI: the owner's unlock hands the lock to the waiter ---- */
	uint32_t me = (uint32_t)syscall(SYS_gettid);
	piw = me;
	atomic_store(&ready, 0);
	pthread_create(&th[0], NULL, pi_waiter, NULL);
	wait_ready(1);
	UT_EXPECT(piw == (me | FUTEX_WAITERS), "a LOCK_PI waiter set FUTEX_WAITERS (%#x)", piw);
	r = futex(&piw, FUTEX_UNLOCK_PI | P, 0, NULL, NULL, 0);
	pthread_join(th[0], NULL);
	UT_EXPECT(r == 0 && pi_lock_ret == 0, "UNLOCK_PI hands it over; the waiter's LOCK_PI returns 0");
	UT_EXPECT((pi_word_seen & FUTEX_TID_MASK) != me && (pi_word_seen & FUTEX_TID_MASK) != 0, "  the word held the new owner's TID (%#x)", pi_word_seen);
	UT_EXPECT(piw == 0, "  and is 0 after its unlock");

	/* ---- CMP_REQUEUE_PI ---- */
	cv = 0;
	pim = me;
	atomic_store(&ready, 0);
	atomic_store(&rq_owned, 0);
	memset(results, 0, sizeof(results));
	for (int i = 0; i < 3; i++) {
		args[i] = (struct waiter_arg){i, ~0u, &cv, 0};
		pthread_create(&th[i], NULL, requeue_pi_waiter, &args[i]);
	}
	wait_ready(3);
	UT_EXPECT_ERR(futex(&cv, FUTEX_WAKE | P, 1, NULL, NULL, 0), EINVAL, "FUTEX_WAKE of a WAIT_REQUEUE_PI waiter: EINVAL");
	r = futex(&cv, FUTEX_CMP_REQUEUE_PI | P, 1, (void*)INT_MAX, &pim, 0);
	UT_EXPECT(r == 3, "CMP_REQUEUE_PI of a held PI futex requeues all 3 (%ld)", r);
	UT_EXPECT(pim == (me | FUTEX_WAITERS), "  they wait on it (%#x)", pim);
	r = futex(&pim, FUTEX_UNLOCK_PI | P, 0, NULL, NULL, 0);
	for (int i = 0; i < 3; i++)
		pthread_join(th[i], NULL);
	UT_EXPECT(r == 0 && atomic_load(&rq_owned) == 3, "each returned owning the PI futex in turn (%d)", atomic_load(&rq_owned));
	UT_EXPECT(pim == 0, "  which is free at the end (%#x)", pim);
	return ut_done();
}
