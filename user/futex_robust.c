/*
 * What a thread's death does to its futexes (issue 13 part 4), seen from
 * the parent of a forked child whose words live in MAP_SHARED memory.
 *
 * The robust list is walked at exit: each listed futex holding the dead
 * thread's TID gets FUTEX_OWNER_DIED (FUTEX_WAITERS kept, the TID gone)
 * and one waiter woken; one that another TID holds is left alone;
 * list_op_pending is handled too; a list that loops forever is walked
 * at most ROBUST_LIST_LIMIT (2048) entries and the exit completes.  A
 * process exiting (exit_group) ends its threads asleep in FUTEX_WAIT,
 * FUTEX_LOCK_PI and futex_waitv.
 */
#define _GNU_SOURCE
#include "syscheck.h"
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_LOCK_PI 6
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_WAITERS 0x80000000u
#define FUTEX_OWNER_DIED 0x40000000u

struct robust_list {
	struct robust_list* next;
};
struct robust_list_head {
	struct robust_list list;
	long futex_offset;
	struct robust_list* list_op_pending;
};

/* the shared page: a robust list head and entries, each followed by its word */
struct entry {
	struct robust_list l;
	uint32_t word;
};
struct shared {
	struct robust_list_head head;
	struct entry e[4];
	uint32_t waiter_result;
	uint32_t other_tid;
	uint32_t tid;
};

static void msleep(int ms)
{
	struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&t, NULL);
}

static int wait_status(pid_t pid)
{
	int st = -1;
	if (waitpid(pid, &st, 0) != pid)
		return -1;
	return st;
}

static uint32_t forever_word, pi_word;
static void* sleep_wait(void* p)
{
	(void)p;
	syscall(SYS_futex, &forever_word, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0, NULL, NULL, 0);
	return NULL;
}
static void* sleep_lock_pi(void* p)
{
	(void)p;
	syscall(SYS_futex, &pi_word, FUTEX_LOCK_PI | FUTEX_PRIVATE_FLAG, 0, NULL, NULL, 0);
	return NULL;
}
struct futex_waitv {
	uint64_t val;
	uint64_t uaddr;
	uint32_t flags;
	uint32_t __reserved;
};
static void* sleep_waitv(void* p)
{
	(void)p;
	struct futex_waitv v = {0, (uintptr_t)&forever_word, 2 | FUTEX_PRIVATE_FLAG, 0};
	syscall(449, &v, 1, 0, NULL, CLOCK_MONOTONIC);
	return NULL;
}

int main(void)
{
	ut_prog = "futex_robust";
	struct shared* s = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	UT_EXPECT(s != MAP_FAILED, "a shared page");

	/* ---- the walk at exit ---- */
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		uint32_t tid = (uint32_t)syscall(SYS_gettid);
		s->tid = tid;
		long off = (long)offsetof(struct entry, word);
		s->head.futex_offset = off;
		/* head -> e0 (ours) -> e1 (ours, a waiter) -> e2 (someone else's) -> head; e3 pending */
		s->head.list.next = &s->e[0].l;
		s->e[0].l.next = &s->e[1].l;
		s->e[1].l.next = &s->e[2].l;
		s->e[2].l.next = &s->head.list;
		s->e[0].word = tid;
		s->e[1].word = tid | FUTEX_WAITERS;
		s->e[2].word = tid + 1;
		s->e[3].word = tid;
		s->head.list_op_pending = &s->e[3].l;
		if (syscall(SYS_set_robust_list, &s->head, sizeof(s->head)))
			_exit(2);
		/* a second process waits on e1's word, shared */
		_exit(0);
	}
	int st = wait_status(pid);
	UT_EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 0, "a child with a robust list exits");
	UT_EXPECT(s->e[0].word == FUTEX_OWNER_DIED, "its held futex: FUTEX_OWNER_DIED, TID cleared (%#x)", s->e[0].word);
	UT_EXPECT(s->e[1].word == (FUTEX_OWNER_DIED | FUTEX_WAITERS), "one with waiters keeps FUTEX_WAITERS (%#x)", s->e[1].word);
	UT_EXPECT(s->e[2].word == s->tid + 1, "one another TID holds is untouched (%#x)", s->e[2].word);
	UT_EXPECT(s->e[3].word == FUTEX_OWNER_DIED, "list_op_pending is handled too (%#x)", s->e[3].word);

	/* ---- a waiter is woken by the owner's death ---- */
	memset(s, 0, sizeof(*s));
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		uint32_t tid = (uint32_t)syscall(SYS_gettid);
		s->head.futex_offset = (long)offsetof(struct entry, word);
		s->head.list.next = &s->e[0].l;
		s->e[0].l.next = &s->head.list;
		s->e[0].word = tid;
		syscall(SYS_set_robust_list, &s->head, sizeof(s->head));
		s->tid = tid;
		msleep(200); /* the waiter sleeps meanwhile */
		_exit(0);
	}
	pid_t waiter = fork();
	if (waiter == 0) {
		while (!s->tid)
			msleep(2);
		uint32_t v = s->tid;
		/* set FUTEX_WAITERS, as a lock would, and sleep (shared) */
		__sync_val_compare_and_swap(&s->e[0].word, v, v | FUTEX_WAITERS);
		long r = syscall(SYS_futex, &s->e[0].word, FUTEX_WAIT, v | FUTEX_WAITERS, NULL, NULL, 0);
		s->waiter_result = r == 0 ? 1 : 2;
		_exit(0);
	}
	wait_status(pid);
	st = wait_status(waiter);
	UT_EXPECT(WIFEXITED(st) && s->waiter_result == 1, "a waiter asleep on it is woken by the owner's death (%u)", s->waiter_result);
	UT_EXPECT(s->e[0].word == (FUTEX_OWNER_DIED | FUTEX_WAITERS), "  and finds FUTEX_OWNER_DIED (%#x)", s->e[0].word);

	/* ---- a list that loops ---- */
	memset(s, 0, sizeof(*s));
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		uint32_t tid = (uint32_t)syscall(SYS_gettid);
		s->head.futex_offset = (long)offsetof(struct entry, word);
		s->head.list.next = &s->e[0].l;
		s->e[0].l.next = &s->e[0].l; /* never back to the head */
		s->e[0].word = tid;
		syscall(SYS_set_robust_list, &s->head, sizeof(s->head));
		_exit(0);
	}
	st = wait_status(pid);
	UT_EXPECT(WIFEXITED(st) && s->e[0].word == FUTEX_OWNER_DIED, "a looping list ends the walk at the limit, the exit completes (%#x)", s->e[0].word);
	/* a list through unmapped memory ends the walk too */
	memset(s, 0, sizeof(*s));
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		uint32_t tid = (uint32_t)syscall(SYS_gettid);
		s->head.futex_offset = (long)offsetof(struct entry, word);
		s->head.list.next = &s->e[0].l;
		s->e[0].l.next = (struct robust_list*)16;
		s->e[0].word = tid;
		syscall(SYS_set_robust_list, &s->head, sizeof(s->head));
		_exit(0);
	}
	st = wait_status(pid);
	UT_EXPECT(WIFEXITED(st) && s->e[0].word == FUTEX_OWNER_DIED, "a list into unmapped memory: the entries before it are handled (%#x)", s->e[0].word);

	/* ---- exit_group ends threads asleep in futex calls ---- */
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		pi_word = (uint32_t)syscall(SYS_gettid); /* held by us: LOCK_PI sleeps */
		pthread_t t[3];
		pthread_create(&t[0], NULL, sleep_wait, NULL);
		pthread_create(&t[1], NULL, sleep_lock_pi, NULL);
		pthread_create(&t[2], NULL, sleep_waitv, NULL);
		msleep(100);
		_exit(7); /* exit_group: the sleepers must die */
	}
	st = wait_status(pid);
	UT_EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 7, "exit_group ends threads asleep in FUTEX_WAIT, LOCK_PI and futex_waitv (status %#x)", st);
	return ut_done();
}
