/*
 * Futex waits interrupted by a signal (issue 13 part 4 with part 3's
 * signals): a handler without SA_RESTART ends FUTEX_WAIT, WAIT_BITSET and
 * futex_waitv with EINTR; with SA_RESTART a wait without timeout goes on
 * (ERESTARTSYS) but a FUTEX_WAIT with a timeout ends with EINTR
 * (ERESTART_RESTARTBLOCK restarts only when no handler ran: after a stop
 * and continue it goes on through restart_syscall(2) and
 * restart_block.futex to its first deadline), and FUTEX_LOCK_PI is
 * always restarted
 * (ERESTARTNOINTR).  Skipped (ok # SKIP) where signal handlers cannot be
 * installed yet.
 */
#define _GNU_SOURCE
#include "syscheck.h"
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/wait.h>

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_LOCK_PI 6
#define FUTEX_UNLOCK_PI 7
#define FUTEX_WAIT_BITSET 9
#define FUTEX_PRIVATE_FLAG 128
#define P FUTEX_PRIVATE_FLAG

static atomic_int handled;
static void on_usr1(int sig)
{
	(void)sig;
	atomic_fetch_add(&handled, 1);
}

static void msleep(int ms)
{
	struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&t, NULL);
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static uint32_t word;
static volatile pid_t waiter_tid;
static volatile long wret;
static volatile int werr;
static volatile int64_t welapsed;

enum { W_WAIT, W_WAIT_TIMEOUT, W_BITSET, W_LOCK_PI, W_WAITV };
static void* waiter(void* p)
{
	int kind = (int)(intptr_t)p;
	waiter_tid = (pid_t)syscall(SYS_gettid);
	int64_t t0 = now_ms();
	struct timespec rel = {0, 400 * 1000000};
	struct {
		uint64_t val, uaddr;
		uint32_t flags, reserved;
	} v = {0, (uintptr_t)&word, 2 | P, 0};
	errno = 0;
	switch (kind) {
	case W_WAIT:
		wret = syscall(SYS_futex, &word, FUTEX_WAIT | P, 0, NULL, NULL, 0);
		break;
	case W_WAIT_TIMEOUT:
		wret = syscall(SYS_futex, &word, FUTEX_WAIT | P, 0, &rel, NULL, 0);
		break;
	case W_BITSET:
		wret = syscall(SYS_futex, &word, FUTEX_WAIT_BITSET | P, 0, NULL, NULL, ~0u);
		break;
	case W_LOCK_PI:
		wret = syscall(SYS_futex, &word, FUTEX_LOCK_PI | P, 0, NULL, NULL, 0);
		break;
	case W_WAITV:
		wret = syscall(449, &v, 1, 0, NULL, CLOCK_MONOTONIC);
		break;
	}
	werr = errno;
	welapsed = now_ms() - t0;
	if (kind == W_LOCK_PI && wret == 0)
		syscall(SYS_futex, &word, FUTEX_UNLOCK_PI | P, 0, NULL, NULL, 0);
	return NULL;
}

/* start a waiter of kind, signal it after 60 ms; wake_after: then wake it (ms) or not (0) */
static void run(int kind, int wake_after)
{
	pthread_t t;
	waiter_tid = 0;
	atomic_store(&handled, 0);
	pthread_create(&t, NULL, waiter, (void*)(intptr_t)kind);
	while (!waiter_tid)
		msleep(1);
	msleep(60);
	syscall(SYS_tgkill, getpid(), waiter_tid, SIGUSR1);
	if (wake_after) {
		msleep(wake_after);
		if (kind == W_LOCK_PI)
			syscall(SYS_futex, &word, FUTEX_UNLOCK_PI | P, 0, NULL, NULL, 0);
		else
			while (syscall(SYS_futex, &word, FUTEX_WAKE | P, 1, NULL, NULL, 0) < 1)
				msleep(5);
	}
	pthread_join(t, NULL);
}

static int handler(int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sa.sa_flags = flags;
	return sigaction(SIGUSR1, &sa, NULL);
}

int main(void)
{
	ut_prog = "futex_signal";
	if (handler(0) != 0) {
		printf("ok 1 - # SKIP signal handlers are not implemented (errno %d)\n", errno);
		ut_n = 1;
		return ut_done();
	}
	word = 0;
	run(W_WAIT, 0);
	UT_EXPECT(wret == -1 && werr == EINTR && handled == 1, "FUTEX_WAIT, a handler without SA_RESTART: EINTR (%ld, %d)", wret, werr);
	run(W_WAIT_TIMEOUT, 0);
	UT_EXPECT(wret == -1 && werr == EINTR && welapsed < 400, "FUTEX_WAIT with a timeout, no SA_RESTART: EINTR early (%ld, %d)", wret, werr);
	run(W_BITSET, 0);
	UT_EXPECT(wret == -1 && werr == EINTR, "WAIT_BITSET, no SA_RESTART: EINTR (%ld, %d)", wret, werr);
	run(W_WAITV, 0);
	UT_EXPECT(wret == -1 && werr == EINTR, "futex_waitv, no SA_RESTART: EINTR (%ld, %d)", wret, werr);

	handler(SA_RESTART);
	run(W_WAIT, 100);
	UT_EXPECT(wret == 0 && handled == 1, "FUTEX_WAIT with SA_RESTART: restarted, then woken: 0 (%ld, %d)", wret, werr);
	run(W_WAIT_TIMEOUT, 0);
	UT_EXPECT(wret == -1 && werr == EINTR && handled == 1 && welapsed < 400, "FUTEX_WAIT with a timeout and SA_RESTART: EINTR (ERESTART_RESTARTBLOCK after a handler) (%ld, %d)", wret, werr);
	run(W_WAITV, 100);
	UT_EXPECT(wret == 0 && handled == 1, "futex_waitv with SA_RESTART: restarted, then woken: index 0 (%ld, %d)", wret, werr);

	/* a stop and continue (no handler runs): the timed wait goes on
	 * through restart_syscall to its first deadline */
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		uint32_t w = 0;
		struct timespec rel = {0, 400 * 1000000};
		int64_t t0 = now_ms();
		long r = syscall(SYS_futex, &w, FUTEX_WAIT | P, 0, &rel, NULL, 0);
		int e = errno;
		int64_t dt = now_ms() - t0;
		_exit(r == -1 && e == ETIMEDOUT ? (dt >= 400 && dt < 1500 ? 0 : 2) : 1);
	}
	msleep(60);
	kill(pid, SIGSTOP);
	msleep(60);
	kill(pid, SIGCONT);
	int st = -1;
	waitpid(pid, &st, 0);
	UT_EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 0, "FUTEX_WAIT with a timeout, stopped and continued: restart_syscall goes on to ETIMEDOUT at the first deadline (status %#x)", st);

	handler(0);
	word = (uint32_t)syscall(SYS_gettid); /* we hold it: LOCK_PI sleeps */
	run(W_LOCK_PI, 100);
	UT_EXPECT(wret == 0 && handled == 1, "FUTEX_LOCK_PI is restarted even without SA_RESTART, then gets the lock (%ld, %d)", wret, werr);
	UT_EXPECT(word == 0, "  the lock is free at the end (%#x)", word);
	return ut_done();
}
