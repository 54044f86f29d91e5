/*
 * The C libraries' thread synchronisation on futexes (issue 13 part 4):
 * what musl's and glibc's pthreads ask of the kernel.
 *
 * Mutexes and condition variables (a counter and a bounded queue
 * between a producer and consumers, pthread_cond_broadcast), 8 threads
 * contending for one mutex (run on 4 CPUs by the test), pthread_join
 * (CLONE_CHILD_CLEARTID's wake), PTHREAD_PRIO_INHERIT mutexes (FUTEX_
 * LOCK_PI/UNLOCK_PI) under contention, and robust mutexes whose owner
 * thread dies holding them: the next locker gets EOWNERDEAD, also while
 * it was already waiting when the owner died (the kernel walks the dead
 * thread's robust list), for a PI robust mutex too.
 */
#define _GNU_SOURCE
#include "syscheck.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>

static void msleep(int ms)
{
	struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&t, NULL);
}

/* ---- a mutex contended by NTHREADS ---- */
#define NTHREADS 8
#define ITERS 3000
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static void* incr(void* p)
{
	pthread_mutex_t* mx = p;
	for (int i = 0; i < ITERS; i++) {
		pthread_mutex_lock(mx);
		long c = counter;
		if ((i & 63) == 0)
			sched_yield(); /* hold it across a switch now and then */
		counter = c + 1;
		pthread_mutex_unlock(mx);
	}
	return NULL;
}

/* ---- a bounded queue with condition variables ---- */
#define QSIZE 4
#define NITEMS 400
static pthread_mutex_t qm = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t not_empty = PTHREAD_COND_INITIALIZER, not_full = PTHREAD_COND_INITIALIZER;
static int queue[QSIZE], qhead, qcount, produced_done;
static long consumed_sum;
static atomic_int consumed_n;
static void* consumer(void* p)
{
	(void)p;
	for (;;) {
		pthread_mutex_lock(&qm);
		while (qcount == 0 && !produced_done)
			pthread_cond_wait(&not_empty, &qm);
		if (qcount == 0 && produced_done) {
			pthread_mutex_unlock(&qm);
			return NULL;
		}
		int v = queue[qhead];
		qhead = (qhead + 1) % QSIZE;
		qcount--;
		consumed_sum += v;
		atomic_fetch_add(&consumed_n, 1);
		pthread_cond_signal(&not_full);
		pthread_mutex_unlock(&qm);
	}
}

/* ---- a broadcast releasing every waiter ---- */
static pthread_mutex_t bm = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t bc = PTHREAD_COND_INITIALIZER;
static int go, waiting, released;
static void* bwaiter(void* p)
{
	(void)p;
	pthread_mutex_lock(&bm);
	waiting++;
	while (!go)
		pthread_cond_wait(&bc, &bm);
	released++;
	pthread_mutex_unlock(&bm);
	return NULL;
}

static void* ret_value(void* p)
{
	msleep(20);
	return (void*)((uintptr_t)p * 2);
}

/* ---- robust mutexes ---- */
static pthread_mutex_t rm;
static atomic_int owner_has_it;
static void* die_holding(void* p)
{
	int delay = (int)(uintptr_t)p;
	pthread_mutex_lock(&rm);
	atomic_store(&owner_has_it, 1);
	if (delay)
		msleep(delay);
	return NULL; /* exits holding rm */
}

static int robust_case(int protocol, int waiter_blocked, const char* what)
{
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	if (protocol)
		pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT);
	pthread_mutex_init(&rm, &a);
	atomic_store(&owner_has_it, 0);
	pthread_t t;
	pthread_create(&t, NULL, die_holding, (void*)(uintptr_t)(waiter_blocked ? 150 : 0));
	if (!waiter_blocked)
		pthread_join(t, NULL);
	else
		while (!atomic_load(&owner_has_it))
			msleep(2);
	int r = pthread_mutex_lock(&rm); /* blocks until the owner died, if it lives */
	UT_EXPECT(r == EOWNERDEAD, "%s: pthread_mutex_lock gives EOWNERDEAD (%d)", what, r);
	UT_EXPECT(pthread_mutex_consistent(&rm) == 0, "  pthread_mutex_consistent");
	UT_EXPECT(pthread_mutex_unlock(&rm) == 0, "  unlock");
	UT_EXPECT(pthread_mutex_lock(&rm) == 0 && pthread_mutex_unlock(&rm) == 0, "  and it locks normally again");
	if (waiter_blocked)
		pthread_join(t, NULL);
	pthread_mutex_destroy(&rm);
	return 0;
}

int main(int argc, char** argv)
{
	(void)argc;
	(void)argv;
	ut_prog = "futex_pthread";

	/* contention */
	pthread_t th[NTHREADS];
	for (int i = 0; i < NTHREADS; i++)
		pthread_create(&th[i], NULL, incr, &m);
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(th[i], NULL);
	UT_EXPECT(counter == (long)NTHREADS * ITERS, "%d threads x %d locked increments: %ld", NTHREADS, ITERS, counter);

	/* a PI mutex under the same contention */
	pthread_mutexattr_t pa;
	pthread_mutexattr_init(&pa);
	UT_EXPECT(pthread_mutexattr_setprotocol(&pa, PTHREAD_PRIO_INHERIT) == 0, "PTHREAD_PRIO_INHERIT attribute");
	pthread_mutex_t pim;
	pthread_mutex_init(&pim, &pa);
	counter = 0;
	for (int i = 0; i < 4; i++)
		pthread_create(&th[i], NULL, incr, &pim);
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	UT_EXPECT(counter == 4L * ITERS, "4 threads on a PRIO_INHERIT mutex: %ld", counter);
	UT_EXPECT(pthread_mutex_trylock(&pim) == 0, "PI trylock of the free mutex");
	UT_EXPECT(pthread_mutex_unlock(&pim) == 0, "PI unlock");

	/* producer / consumers */
	pthread_t cons[3];
	for (int i = 0; i < 3; i++)
		pthread_create(&cons[i], NULL, consumer, NULL);
	long want = 0;
	for (int v = 1; v <= NITEMS; v++) {
		pthread_mutex_lock(&qm);
		while (qcount == QSIZE)
			pthread_cond_wait(&not_full, &qm);
		queue[(qhead + qcount) % QSIZE] = v;
		qcount++;
		want += v;
		pthread_cond_signal(&not_empty);
		pthread_mutex_unlock(&qm);
	}
	pthread_mutex_lock(&qm);
	produced_done = 1;
	pthread_cond_broadcast(&not_empty);
	pthread_mutex_unlock(&qm);
	for (int i = 0; i < 3; i++)
		pthread_join(cons[i], NULL);
	UT_EXPECT(atomic_load(&consumed_n) == NITEMS && consumed_sum == want, "a bounded queue through condition variables: %d items, sum %ld", atomic_load(&consumed_n), consumed_sum);

	/* broadcast */
	for (int i = 0; i < 6; i++)
		pthread_create(&th[i], NULL, bwaiter, NULL);
	for (;;) {
		pthread_mutex_lock(&bm);
		int n = waiting;
		pthread_mutex_unlock(&bm);
		if (n == 6)
			break;
		msleep(5);
	}
	msleep(50);
	pthread_mutex_lock(&bm);
	go = 1;
	pthread_cond_broadcast(&bc);
	pthread_mutex_unlock(&bm);
	for (int i = 0; i < 6; i++)
		pthread_join(th[i], NULL);
	UT_EXPECT(released == 6, "pthread_cond_broadcast releases all 6 waiters");

	/* join */
	void* rv = NULL;
	pthread_t j;
	pthread_create(&j, NULL, ret_value, (void*)21);
	UT_EXPECT(pthread_join(j, &rv) == 0 && rv == (void*)42, "pthread_join waits for the thread and gets its value");

	/* timed wait on a condition variable */
	struct timespec abs;
	clock_gettime(CLOCK_REALTIME, &abs);
	abs.tv_nsec += 30 * 1000000;
	if (abs.tv_nsec >= 1000000000) {
		abs.tv_sec++;
		abs.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&bm);
	int r = pthread_cond_timedwait(&bc, &bm, &abs);
	pthread_mutex_unlock(&bm);
	UT_EXPECT(r == ETIMEDOUT, "pthread_cond_timedwait times out (%d)", r);

	/* robust mutexes */
	robust_case(0, 0, "robust mutex, owner thread exited holding it");
	robust_case(0, 1, "robust mutex, owner died while we waited");
	robust_case(1, 0, "robust PI mutex, owner exited holding it");
	robust_case(1, 1, "robust PI mutex, owner died while we waited");
	return ut_done();
}
