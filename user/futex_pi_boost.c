/*
 * Priority inheritance through a PI futex, seen as behaviour (issue 13
 * part 4): the classic inversion on one CPU.
 *
 * All threads run on CPU 0.  L (SCHED_OTHER) holds a PI futex; M
 * (SCHED_FIFO 20) spins for 400 ms, so L cannot run; H (SCHED_FIFO 30)
 * blocks in FUTEX_LOCK_PI on L's futex.  With priority inheritance L runs
 * at H's priority, above M, releases the lock and H gets it while M still
 * spins; without it H would wait for M to finish (PTHREAD_PRIO_INHERIT
 * mutexes are these futexes).  Main runs at SCHED_FIFO 50 and only
 * sleeps.
 */
#define _GNU_SOURCE
#include "syscheck.h"
#include <pthread.h>
#include <sched.h>
#include <stdint.h>

#define FUTEX_LOCK_PI 6
#define FUTEX_UNLOCK_PI 7
#define FUTEX_PRIVATE_FLAG 128

static volatile uint32_t word;
static volatile int locked, go, h_done, m_saw_h_done, m_done;
static volatile long h_ret = -100;

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void msleep(int ms)
{
	struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&t, NULL);
}

static int set_self(int policy, int prio)
{
	struct sched_param sp;
	memset(&sp, 0, sizeof(sp));
	sp.sched_priority = prio;
	return (int)syscall(SYS_sched_setscheduler, 0, policy, &sp);
}

static void* low(void* p)
{
	(void)p;
	set_self(SCHED_OTHER, 0);
	uint32_t tid = (uint32_t)syscall(SYS_gettid);
	if (!__sync_bool_compare_and_swap(&word, 0, tid))
		return NULL;
	locked = 1;
	while (!go)
		;
	if (!__sync_bool_compare_and_swap(&word, tid, 0)) /* FUTEX_WAITERS: the kernel hands it on */
		syscall(SYS_futex, &word, FUTEX_UNLOCK_PI | FUTEX_PRIVATE_FLAG, 0, NULL, NULL, 0);
	return NULL;
}

static void* medium(void* p)
{
	(void)p;
	set_self(SCHED_FIFO, 20);
	uint64_t end = now_ms() + 400;
	while (now_ms() < end)
		;
	m_saw_h_done = h_done;
	m_done = 1;
	return NULL;
}

static void* high(void* p)
{
	(void)p;
	set_self(SCHED_FIFO, 30);
	h_ret = syscall(SYS_futex, &word, FUTEX_LOCK_PI | FUTEX_PRIVATE_FLAG, 0, NULL, NULL, 0);
	h_done = 1;
	syscall(SYS_futex, &word, FUTEX_UNLOCK_PI | FUTEX_PRIVATE_FLAG, 0, NULL, NULL, 0);
	return NULL;
}

int main(void)
{
	ut_prog = "futex_pi_boost";
	cpu_set_t one;
	CPU_ZERO(&one);
	CPU_SET(0, &one);
	UT_EXPECT(sched_setaffinity(0, sizeof(one), &one) == 0, "main on CPU 0 (the threads inherit it)");
	UT_EXPECT(set_self(SCHED_FIFO, 50) == 0, "main at SCHED_FIFO 50");
	pthread_t l, m, h;
	pthread_create(&l, NULL, low, NULL);
	while (!locked)
		msleep(1);
	pthread_create(&m, NULL, medium, NULL);
	msleep(30); /* M spins: L cannot run from now on */
	go = 1;
	pthread_create(&h, NULL, high, NULL);
	pthread_join(h, NULL);
	int h_before_m = !m_done;
	pthread_join(m, NULL);
	pthread_join(l, NULL);
	UT_EXPECT(h_ret == 0, "H's LOCK_PI returns 0 (%ld)", h_ret);
	UT_EXPECT(h_before_m && m_saw_h_done, "H got the lock while M still spun: L ran boosted above M");
	UT_EXPECT(word == 0, "the futex is free at the end (%#x)", word);
	set_self(SCHED_OTHER, 0);
	return ut_done();
}
