/*
 * futex(2) and futex_waitv(2) from one thread (issue 13 part 4): the
 * answers that need no second thread, checked against Linux's.
 *
 * EAGAIN when the word differs (private and shared, MAP_SHARED memory),
 * ETIMEDOUT after a relative FUTEX_WAIT timeout and an absolute
 * WAIT_BITSET deadline on CLOCK_MONOTONIC and CLOCK_REALTIME (never
 * early), EINVAL (alignment, bitset 0, bad timespec, requeue counts),
 * EFAULT (bad words and timeout pointers), ENOSYS (unknown commands,
 * FUTEX_CLOCK_REALTIME where it has no meaning), WAKE of nobody, every
 * WAKE_OP operation and comparison, PI futexes (TRYLOCK_PI/LOCK_PI of a
 * free word, EDEADLK on our own TID, EPERM unlocking another's, ESRCH for
 * a TID nobody has), the robust list registration and futex_waitv's
 * checks.
 */
#define _GNU_SOURCE
#include "syscheck.h"
#include <limits.h>
#include <stdint.h>
#include <sys/mman.h>

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
#define FUTEX_WAITERS 0x80000000u
#define FUTEX_OP(op, oparg, cmp, cmparg)                                                                 \
	((((op)&0xf) << 28) | (((cmp)&0xf) << 24) | (((oparg)&0xfff) << 12) | ((cmparg)&0xfff))

struct futex_waitv {
	uint64_t val;
	uint64_t uaddr;
	uint32_t flags;
	uint32_t __reserved;
};
#ifndef SYS_futex_waitv
#define SYS_futex_waitv 449
#endif
#define FUTEX_32 2

static long futex(void* uaddr, int op, uint32_t val, const void* t, void* uaddr2, uint32_t val3)
{
	return syscall(SYS_futex, uaddr, op, val, t, uaddr2, val3);
}

static int64_t now_ns(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static struct timespec ns_ts(int64_t ns)
{
	struct timespec ts = {ns / 1000000000, ns % 1000000000};
	return ts;
}

int main(void)
{
	ut_prog = "futex_basic";
	static uint32_t w, w2;
	void* bad = (void*)16; /* unmapped, aligned */

	/* ---- FUTEX_WAIT: the value check ---- */
	w = 1;
	UT_EXPECT_ERR(futex(&w, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 2, NULL, NULL, 0), EAGAIN, "WAIT_PRIVATE on another value: EAGAIN");
	UT_EXPECT_ERR(futex(&w, FUTEX_WAIT, 2, NULL, NULL, 0), EAGAIN, "shared WAIT on another value: EAGAIN");
	UT_EXPECT_ERR(futex(&w, FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, 2, NULL, NULL, ~0u), EAGAIN, "WAIT_BITSET on another value: EAGAIN");

	/* ---- timeouts ---- */
	struct timespec rel = {0, 40 * 1000000};
	int64_t t0 = now_ns(CLOCK_MONOTONIC);
	UT_EXPECT_ERR(futex(&w, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 1, &rel, NULL, 0), ETIMEDOUT, "WAIT with a relative 40 ms timeout: ETIMEDOUT");
	int64_t dt = now_ns(CLOCK_MONOTONIC) - t0;
	UT_EXPECT(dt >= 40 * 1000000 && dt < 2000000000LL, "  after 40 ms or more (%lld us)", (long long)(dt / 1000));
	struct timespec abs = ns_ts(now_ns(CLOCK_MONOTONIC) + 30 * 1000000);
	UT_EXPECT_ERR(futex(&w, FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, 1, &abs, NULL, ~0u), ETIMEDOUT, "WAIT_BITSET with an absolute CLOCK_MONOTONIC deadline: ETIMEDOUT");
	UT_EXPECT(now_ns(CLOCK_MONOTONIC) >= (int64_t)abs.tv_sec * 1000000000 + abs.tv_nsec, "  not before the deadline");
	abs = ns_ts(now_ns(CLOCK_REALTIME) + 30 * 1000000);
	UT_EXPECT_ERR(futex(&w, FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME, 1, &abs, NULL, ~0u), ETIMEDOUT, "WAIT_BITSET|CLOCK_REALTIME with an absolute deadline: ETIMEDOUT");
	UT_EXPECT(now_ns(CLOCK_REALTIME) >= (int64_t)abs.tv_sec * 1000000000 + abs.tv_nsec, "  not before the wall-clock deadline");
	abs = ns_ts(now_ns(CLOCK_MONOTONIC) - 1000000);
	UT_EXPECT_ERR(futex(&w, FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, 1, &abs, NULL, ~0u), ETIMEDOUT, "WAIT_BITSET with a deadline in the past: ETIMEDOUT");
	struct timespec zero = {0, 0};
	UT_EXPECT_ERR(futex(&w, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 1, &zero, NULL, 0), ETIMEDOUT, "WAIT with a zero timeout: ETIMEDOUT");
	struct timespec badts = {0, 1000000000};
	UT_EXPECT_ERR(futex(&w, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 1, &badts, NULL, 0), EINVAL, "WAIT with tv_nsec 1e9: EINVAL");
	struct timespec negts = {-1, 0};
	UT_EXPECT_ERR(futex(&w, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 1, &negts, NULL, 0), EINVAL, "WAIT with a negative timeout: EINVAL");
	UT_EXPECT_ERR(futex(&w, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 1, bad, NULL, 0), EFAULT, "WAIT with a bad timeout pointer: EFAULT");
	UT_EXPECT_ERR(futex(&w, FUTEX_WAIT | FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME, 1, &rel, NULL, 0), ENOSYS, "WAIT|CLOCK_REALTIME: ENOSYS");
	UT_EXPECT_ERR(futex(&w, FUTEX_WAKE | FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME, 1, NULL, NULL, 0), ENOSYS, "WAKE|CLOCK_REALTIME: ENOSYS");

	/* ---- EINVAL, EFAULT, ENOSYS ---- */
	char* cw = (char*)&w;
	UT_EXPECT_ERR(futex(cw + 1, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 1, NULL, NULL, 0), EINVAL, "WAIT on a misaligned word: EINVAL");
	UT_EXPECT_ERR(futex(cw + 2, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, NULL, NULL, 0), EINVAL, "WAKE on a misaligned word: EINVAL");
	UT_EXPECT_ERR(futex(&w, FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, 1, NULL, NULL, 0), EINVAL, "WAIT_BITSET with bitset 0: EINVAL");
	UT_EXPECT_ERR(futex(&w, FUTEX_WAKE_BITSET | FUTEX_PRIVATE_FLAG, 1, NULL, NULL, 0), EINVAL, "WAKE_BITSET with bitset 0: EINVAL");
	UT_EXPECT_ERR(futex(bad, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0, NULL, NULL, 0), EFAULT, "WAIT on an unmapped word: EFAULT");
	UT_EXPECT_ERR(futex(NULL, FUTEX_WAIT, 0, NULL, NULL, 0), EFAULT, "shared WAIT on NULL: EFAULT");
	UT_EXPECT(futex(bad, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, NULL, NULL, 0) == 0, "private WAKE on an unmapped word: 0 (no access)");
	UT_EXPECT_ERR(futex(bad, FUTEX_WAKE, 1, NULL, NULL, 0), EFAULT, "shared WAKE on an unmapped word: EFAULT");
	UT_EXPECT_ERR(futex((void*)0xffff800000000000UL, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, NULL, NULL, 0), EFAULT, "WAKE on a kernel address: EFAULT");
	UT_EXPECT_ERR(futex(&w, FUTEX_FD, 0, NULL, NULL, 0), ENOSYS, "FUTEX_FD: ENOSYS");
	UT_EXPECT_ERR(futex(&w, 14, 0, NULL, NULL, 0), ENOSYS, "command 14: ENOSYS");
	UT_EXPECT_ERR(futex(&w, 99 | FUTEX_PRIVATE_FLAG, 0, NULL, NULL, 0), ENOSYS, "command 99: ENOSYS");

	/* ---- WAKE of nobody ---- */
	UT_EXPECT(futex(&w, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, NULL, NULL, 0) == 0, "WAKE with no waiter: 0");
	UT_EXPECT(futex(&w, FUTEX_WAKE, INT_MAX, NULL, NULL, 0) == 0, "shared WAKE of all with no waiter: 0");
	UT_EXPECT(futex(&w, FUTEX_WAKE_BITSET | FUTEX_PRIVATE_FLAG, 1, NULL, NULL, 0x10) == 0, "WAKE_BITSET with no waiter: 0");

	/* ---- WAKE_OP: the operation on uaddr2, then the comparison ---- */
	struct {
		int op, oparg, cmp, cmparg;
		uint32_t before, after;
		const char* what;
	} ops[] = {
	    {0, 7, 0, 5, 5, 7, "SET, CMP_EQ"},        {1, 3, 1, 5, 5, 8, "ADD, CMP_NE"},
	    {2, 0x30, 2, 5, 5, 0x35, "OR, CMP_LT"},   {3, 4, 3, 5, 5, 1, "ANDN, CMP_LE"},
	    {4, 0xf, 4, 5, 5, 10, "XOR, CMP_GT"},     {1, -1, 5, 5, 5, 4, "ADD -1, CMP_GE"},
	    {0 | 8, 4, 0, 0, 0, 16, "SET with FUTEX_OP_OPARG_SHIFT"},
	};
	for (unsigned i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		w2 = ops[i].before;
		long r = futex(&w, FUTEX_WAKE_OP | FUTEX_PRIVATE_FLAG, 1, (void*)1, &w2, FUTEX_OP(ops[i].op, ops[i].oparg, ops[i].cmp, ops[i].cmparg));
		UT_EXPECT(r == 0 && w2 == ops[i].after, "WAKE_OP %s: uaddr2 %u -> %u (got %ld, %u)", ops[i].what, ops[i].before, ops[i].after, r, w2);
	}
	w2 = 5;
	UT_EXPECT_ERR(futex(&w, FUTEX_WAKE_OP | FUTEX_PRIVATE_FLAG, 1, (void*)1, &w2, FUTEX_OP(5, 1, 0, 0)), ENOSYS, "WAKE_OP with operation 5: ENOSYS");
	UT_EXPECT(w2 == 5, "  uaddr2 untouched");
	UT_EXPECT_ERR(futex(&w, FUTEX_WAKE_OP | FUTEX_PRIVATE_FLAG, 1, (void*)1, &w2, FUTEX_OP(1, 1, 6, 0)), ENOSYS, "WAKE_OP with comparison 6: ENOSYS");
	UT_EXPECT(w2 == 6, "  ... after the operation was applied (as Linux)");
	UT_EXPECT_ERR(futex(&w, FUTEX_WAKE_OP | FUTEX_PRIVATE_FLAG, 1, (void*)1, bad, FUTEX_OP(0, 1, 0, 0)), EFAULT, "WAKE_OP on an unmapped uaddr2: EFAULT");
	UT_EXPECT_ERR(futex(&w, FUTEX_WAKE_OP | FUTEX_PRIVATE_FLAG, 1, (void*)1, cw + 1, FUTEX_OP(0, 1, 0, 0)), EINVAL, "WAKE_OP on a misaligned uaddr2: EINVAL");

	/* ---- REQUEUE, CMP_REQUEUE ---- */
	w = 3;
	UT_EXPECT(futex(&w, FUTEX_REQUEUE | FUTEX_PRIVATE_FLAG, 1, (void*)1, &w2, 0) == 0, "REQUEUE with no waiter: 0");
	UT_EXPECT(futex(&w, FUTEX_CMP_REQUEUE | FUTEX_PRIVATE_FLAG, 1, (void*)1, &w2, 3) == 0, "CMP_REQUEUE with the value: 0");
	UT_EXPECT_ERR(futex(&w, FUTEX_CMP_REQUEUE | FUTEX_PRIVATE_FLAG, 1, (void*)1, &w2, 4), EAGAIN, "CMP_REQUEUE with another value: EAGAIN");
	UT_EXPECT_ERR(futex(&w, FUTEX_CMP_REQUEUE | FUTEX_PRIVATE_FLAG, -1, (void*)1, &w2, 3), EINVAL, "CMP_REQUEUE with nr_wake -1: EINVAL");
	UT_EXPECT_ERR(futex(&w, FUTEX_CMP_REQUEUE | FUTEX_PRIVATE_FLAG, 1, (void*)-1L, &w2, 3), EINVAL, "CMP_REQUEUE with nr_requeue -1: EINVAL");
	UT_EXPECT_ERR(futex(bad, FUTEX_CMP_REQUEUE | FUTEX_PRIVATE_FLAG, 1, (void*)1, &w2, 3), EFAULT, "CMP_REQUEUE on an unmapped word: EFAULT");

	/* ---- PI futexes ---- */
	uint32_t tid = (uint32_t)syscall(SYS_gettid);
	static uint32_t pi;
	pi = 0;
	UT_EXPECT(futex(&pi, FUTEX_TRYLOCK_PI | FUTEX_PRIVATE_FLAG, 0, NULL, NULL, 0) == 0, "TRYLOCK_PI of a free word: 0");
	UT_EXPECT(pi == tid, "  the word holds our TID");
	UT_EXPECT_ERR(futex(&pi, FUTEX_LOCK_PI | FUTEX_PRIVATE_FLAG, 0, NULL, NULL, 0), EDEADLK, "LOCK_PI of our own lock: EDEADLK");
	UT_EXPECT_ERR(futex(&pi, FUTEX_TRYLOCK_PI | FUTEX_PRIVATE_FLAG, 0, NULL, NULL, 0), EDEADLK, "TRYLOCK_PI of our own lock: EDEADLK");
	UT_EXPECT(futex(&pi, FUTEX_UNLOCK_PI | FUTEX_PRIVATE_FLAG, 0, NULL, NULL, 0) == 0, "UNLOCK_PI: 0");
	UT_EXPECT(pi == 0, "  the word is 0 again");
	UT_EXPECT_ERR(futex(&pi, FUTEX_UNLOCK_PI | FUTEX_PRIVATE_FLAG, 0, NULL, NULL, 0), EPERM, "UNLOCK_PI of a free word: EPERM");
	pi = tid + 1;
	UT_EXPECT_ERR(futex(&pi, FUTEX_UNLOCK_PI | FUTEX_PRIVATE_FLAG, 0, NULL, NULL, 0), EPERM, "UNLOCK_PI of another TID's lock: EPERM");
	pi = 0x3ffffff0;
	UT_EXPECT_ERR(futex(&pi, FUTEX_LOCK_PI | FUTEX_PRIVATE_FLAG, 0, NULL, NULL, 0), ESRCH, "LOCK_PI of a lock whose TID nobody has: ESRCH");
	UT_EXPECT(pi == (0x3ffffff0 | FUTEX_WAITERS), "  FUTEX_WAITERS was set first (%#x)", pi);
	pi = 0;
	UT_EXPECT(futex(&pi, FUTEX_LOCK_PI, 0, NULL, NULL, 0) == 0 && pi == tid, "shared LOCK_PI of a free word: ours");
	UT_EXPECT(futex(&pi, FUTEX_UNLOCK_PI, 0, NULL, NULL, 0) == 0 && pi == 0, "shared UNLOCK_PI");
	pi = FUTEX_WAITERS | tid;
	UT_EXPECT(futex(&pi, FUTEX_UNLOCK_PI | FUTEX_PRIVATE_FLAG, 0, NULL, NULL, 0) == 0 && pi == 0, "UNLOCK_PI with FUTEX_WAITERS but nobody queued: 0, word cleared");
	UT_EXPECT_ERR(futex(&pi, FUTEX_LOCK_PI | FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME, 0, NULL, NULL, 0), ENOSYS, "LOCK_PI|CLOCK_REALTIME: ENOSYS");
	UT_EXPECT(futex(&pi, FUTEX_LOCK_PI2 | FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME, 0, NULL, NULL, 0) == 0 && pi == tid, "LOCK_PI2|CLOCK_REALTIME of a free word: ours");
	UT_EXPECT(futex(&pi, FUTEX_UNLOCK_PI | FUTEX_PRIVATE_FLAG, 0, NULL, NULL, 0) == 0, "  unlocked");
	UT_EXPECT_ERR(futex(bad, FUTEX_LOCK_PI | FUTEX_PRIVATE_FLAG, 0, NULL, NULL, 0), EFAULT, "LOCK_PI on an unmapped word: EFAULT");
	UT_EXPECT_ERR(futex(cw + 1, FUTEX_LOCK_PI | FUTEX_PRIVATE_FLAG, 0, NULL, NULL, 0), EINVAL, "LOCK_PI on a misaligned word: EINVAL");
	/* requeue-PI's argument checks */
	w = 0;
	UT_EXPECT_ERR(futex(&w, FUTEX_CMP_REQUEUE_PI | FUTEX_PRIVATE_FLAG, 2, (void*)1, &pi, 0), EINVAL, "CMP_REQUEUE_PI with nr_wake 2: EINVAL");
	UT_EXPECT_ERR(futex(&w, FUTEX_CMP_REQUEUE_PI | FUTEX_PRIVATE_FLAG, 1, (void*)1, &w, 0), EINVAL, "CMP_REQUEUE_PI onto the same word: EINVAL");
	UT_EXPECT(futex(&w, FUTEX_CMP_REQUEUE_PI | FUTEX_PRIVATE_FLAG, 1, (void*)1, &pi, 0) == 0, "CMP_REQUEUE_PI with no waiter: 0");
	UT_EXPECT_ERR(futex(&w, FUTEX_WAIT_REQUEUE_PI | FUTEX_PRIVATE_FLAG, 0, NULL, &w, 0), EINVAL, "WAIT_REQUEUE_PI onto the same word: EINVAL");
	UT_EXPECT_ERR(futex(&w, FUTEX_WAIT_REQUEUE_PI | FUTEX_PRIVATE_FLAG, 1, NULL, &pi, 0), EAGAIN, "WAIT_REQUEUE_PI on another value: EAGAIN");
	abs = ns_ts(now_ns(CLOCK_MONOTONIC) + 20 * 1000000);
	UT_EXPECT_ERR(futex(&w, FUTEX_WAIT_REQUEUE_PI | FUTEX_PRIVATE_FLAG, 0, &abs, &pi, 0), ETIMEDOUT, "WAIT_REQUEUE_PI with a deadline: ETIMEDOUT");

	/* ---- shared memory ---- */
	uint32_t* shm = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	UT_EXPECT(shm != MAP_FAILED, "MAP_SHARED|MAP_ANONYMOUS page");
	shm[1] = 7;
	UT_EXPECT_ERR(futex(&shm[1], FUTEX_WAIT, 8, NULL, NULL, 0), EAGAIN, "shared WAIT on MAP_SHARED memory, another value: EAGAIN");
	rel.tv_nsec = 10 * 1000000;
	UT_EXPECT_ERR(futex(&shm[1], FUTEX_WAIT, 7, &rel, NULL, 0), ETIMEDOUT, "shared WAIT on MAP_SHARED memory: ETIMEDOUT");
	UT_EXPECT(futex(&shm[1], FUTEX_WAKE, 1, NULL, NULL, 0) == 0, "shared WAKE on MAP_SHARED memory: 0");
	uint32_t* ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	UT_EXPECT_ERR(futex(ro, FUTEX_WAIT, 1, NULL, NULL, 0), EFAULT, "shared WAIT on a read-only anonymous page: EFAULT (it never changes)");
	UT_EXPECT(futex(ro, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 1, NULL, NULL, 0) == -1 && errno == EAGAIN, "private WAIT there: EAGAIN (only read)");
	UT_EXPECT_ERR(futex(ro, FUTEX_LOCK_PI | FUTEX_PRIVATE_FLAG, 0, NULL, NULL, 0), EFAULT, "LOCK_PI on a read-only page: EFAULT");

	/* ---- the robust list ---- */
	struct {
		void* next;
		long futex_offset;
		void* pending;
	} head = {&head, 0, NULL};
	UT_EXPECT_ERR(syscall(SYS_set_robust_list, &head, 23), EINVAL, "set_robust_list with len 23: EINVAL");
	UT_EXPECT(syscall(SYS_set_robust_list, &head, sizeof(head)) == 0, "set_robust_list");
	void* got = NULL;
	size_t len = 0;
	UT_EXPECT(syscall(SYS_get_robust_list, 0, &got, &len) == 0 && got == &head && len == 24, "get_robust_list gives it back, len 24");
	UT_EXPECT_ERR(syscall(SYS_get_robust_list, 0x3ffffff0, &got, &len), ESRCH, "get_robust_list of no such thread: ESRCH");
	UT_EXPECT_ERR(syscall(SYS_get_robust_list, 0, bad, &len), EFAULT, "get_robust_list to a bad pointer: EFAULT");

	/* ---- futex_waitv ---- */
	struct futex_waitv wv[2] = {{1, (uintptr_t)&w, FUTEX_32 | FUTEX_PRIVATE_FLAG, 0}, {0, (uintptr_t)&w2, FUTEX_32 | FUTEX_PRIVATE_FLAG, 0}};
	w = 0;
	w2 = 0;
	UT_EXPECT_ERR(syscall(SYS_futex_waitv, wv, 2, 0, NULL, CLOCK_MONOTONIC), EAGAIN, "futex_waitv with a value that differs: EAGAIN");
	wv[0].val = 0;
	struct timespec wabs = ns_ts(now_ns(CLOCK_MONOTONIC) + 20 * 1000000);
	UT_EXPECT_ERR(syscall(SYS_futex_waitv, wv, 2, 0, &wabs, CLOCK_MONOTONIC), ETIMEDOUT, "futex_waitv with a MONOTONIC deadline: ETIMEDOUT");
	wabs = ns_ts(now_ns(CLOCK_REALTIME) + 20 * 1000000);
	UT_EXPECT_ERR(syscall(SYS_futex_waitv, wv, 2, 0, &wabs, CLOCK_REALTIME), ETIMEDOUT, "futex_waitv with a REALTIME deadline: ETIMEDOUT");
	UT_EXPECT_ERR(syscall(SYS_futex_waitv, wv, 2, 0, &wabs, CLOCK_BOOTTIME), EINVAL, "futex_waitv on CLOCK_BOOTTIME: EINVAL");
	UT_EXPECT_ERR(syscall(SYS_futex_waitv, wv, 2, 1, &wabs, CLOCK_MONOTONIC), EINVAL, "futex_waitv with flags 1: EINVAL");
	UT_EXPECT_ERR(syscall(SYS_futex_waitv, wv, 0, 0, NULL, CLOCK_MONOTONIC), EINVAL, "futex_waitv of 0 futexes: EINVAL");
	UT_EXPECT_ERR(syscall(SYS_futex_waitv, wv, 129, 0, NULL, CLOCK_MONOTONIC), EINVAL, "futex_waitv of 129 futexes: EINVAL");
	UT_EXPECT_ERR(syscall(SYS_futex_waitv, NULL, 2, 0, NULL, CLOCK_MONOTONIC), EINVAL, "futex_waitv of NULL: EINVAL");
	UT_EXPECT_ERR(syscall(SYS_futex_waitv, bad, 2, 0, NULL, CLOCK_MONOTONIC), EFAULT, "futex_waitv of a bad array: EFAULT");
	UT_EXPECT_ERR(syscall(SYS_futex_waitv, wv, 2, 0, bad, CLOCK_MONOTONIC), EFAULT, "futex_waitv with a bad timeout: EFAULT");
	wv[1].flags = FUTEX_PRIVATE_FLAG;
	UT_EXPECT_ERR(syscall(SYS_futex_waitv, wv, 2, 0, NULL, CLOCK_MONOTONIC), EINVAL, "futex_waitv without FUTEX_32: EINVAL");
	wv[1].flags = FUTEX_32 | 4;
	UT_EXPECT_ERR(syscall(SYS_futex_waitv, wv, 2, 0, NULL, CLOCK_MONOTONIC), EINVAL, "futex_waitv with an unknown flag: EINVAL");
	wv[1].flags = FUTEX_32;
	wv[1].__reserved = 1;
	UT_EXPECT_ERR(syscall(SYS_futex_waitv, wv, 2, 0, NULL, CLOCK_MONOTONIC), EINVAL, "futex_waitv with __reserved set: EINVAL");
	wv[1].__reserved = 0;
	wv[1].uaddr = (uintptr_t)bad;
	wabs = ns_ts(now_ns(CLOCK_MONOTONIC) + 20 * 1000000);
	UT_EXPECT_ERR(syscall(SYS_futex_waitv, wv, 2, 0, &wabs, CLOCK_MONOTONIC), EFAULT, "futex_waitv on an unmapped word: EFAULT");
	return ut_done();
}
