/*
 * Shared futexes between processes (issue 13 part 4): keys on the page,
 * not the address.
 *
 * A forked child and its parent meet on a word in MAP_SHARED|
 * MAP_ANONYMOUS memory and on a word of a file both map separately (a
 * file in the initramfs's tmpfs, mapped at different addresses); a
 * private wake does not reach a shared waiter, a shared one does;
 * a pthread_mutex with PTHREAD_PROCESS_SHARED in shared memory excludes
 * across the two processes.
 */
#define _GNU_SOURCE
#include "syscheck.h"
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_PRIVATE_FLAG 128

static long futex(volatile uint32_t* uaddr, int op, uint32_t val, const void* t)
{
	return syscall(SYS_futex, uaddr, op, val, t, NULL, 0);
}

static void msleep(int ms)
{
	struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&t, NULL);
}

/* wake whoever waits at w (shared) until one was woken; the count of tries */
static int wake_one(volatile uint32_t* w, int op)
{
	for (int i = 0; i < 400; i++) {
		long r = futex(w, op, 1, NULL);
		if (r == 1)
			return 1;
		msleep(5);
	}
	return 0;
}

int main(void)
{
	ut_prog = "futex_shared";
	volatile uint32_t* shm = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	UT_EXPECT(shm != MAP_FAILED, "MAP_SHARED|MAP_ANONYMOUS memory");
	shm[0] = 0;
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		/* the child: wait for 1, answer 2 */
		while (shm[0] == 0)
			futex(&shm[0], FUTEX_WAIT, 0, NULL);
		shm[1] = 2;
		futex(&shm[1], FUTEX_WAKE, 1, NULL);
		_exit(shm[0] == 1 ? 0 : 1);
	}
	msleep(50);
	/* a private wake cannot reach a waiter keyed on the shared page */
	long pr = futex(&shm[0], FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, NULL);
	UT_EXPECT(pr == 0, "a private WAKE does not find the child's shared waiter (%ld)", pr);
	shm[0] = 1;
	UT_EXPECT(wake_one(&shm[0], FUTEX_WAKE), "a shared WAKE in the parent wakes the forked child");
	while (shm[1] != 2)
		futex(&shm[1], FUTEX_WAIT, 0, NULL);
	int st = -1;
	UT_EXPECT(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0, "and the child woke the parent back, then exited 0");

	/* a file both map on their own, at different addresses */
	int fd = open("/futex-shared-file", O_RDWR | O_CREAT | O_TRUNC, 0600);
	UT_EXPECT(fd >= 0, "create a file");
	static char zeros[8192];
	UT_EXPECT(write(fd, zeros, sizeof(zeros)) == (ssize_t)sizeof(zeros), "fill two pages");
	volatile uint32_t* fa = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	UT_EXPECT(fa != MAP_FAILED, "map it shared");
	fa[1024 + 3] = 0; /* in the second page */
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		int cfd = open("/futex-shared-file", O_RDWR);
		char* pad = mmap(NULL, 3 * 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0); /* shift the address */
		(void)pad;
		volatile uint32_t* cb = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, cfd, 4096);
		if (cb == MAP_FAILED)
			_exit(3);
		while (cb[3] == 0)
			futex(&cb[3], FUTEX_WAIT, 0, NULL);
		_exit(cb[3] == 7 ? 0 : 1);
	}
	msleep(50);
	fa[1024 + 3] = 7;
	UT_EXPECT(wake_one(&fa[1024 + 3], FUTEX_WAKE), "a WAKE on a file page reaches a waiter that mapped it elsewhere");
	UT_EXPECT(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0, "  which saw the value (status %#x)", st);
	unlink("/futex-shared-file");

	/* a process-shared mutex */
	pthread_mutex_t* pm = (pthread_mutex_t*)(shm + 64);
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
	pthread_mutex_init(pm, &a);
	volatile long* count = (volatile long*)(shm + 512);
	*count = 0;
	fflush(stdout);
	pid = fork();
	for (int i = 0; i < 2000; i++) {
		pthread_mutex_lock(pm);
		long c = *count;
		if ((i & 127) == 0)
			sched_yield();
		*count = c + 1;
		pthread_mutex_unlock(pm);
	}
	if (pid == 0)
		_exit(0);
	waitpid(pid, &st, 0);
	UT_EXPECT(*count == 4000, "a PTHREAD_PROCESS_SHARED mutex between parent and child: %ld", *count);
	return ut_done();
}
