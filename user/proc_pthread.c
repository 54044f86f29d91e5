/*
 * proc_pthread: the C library's threads on top of clone: pthread_create
 * and pthread_join (CLONE_CHILD_CLEARTID's wake-up), many at once, a
 * thread's exit status, exit() from a thread ending the process (issue
 * 13, part 1).  Runs as init on monolith and on Linux 6.1.
 */
#define _GNU_SOURCE
#include "utest.h"
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>

static volatile int counter;

static void* worker(void* arg)
{
	__atomic_add_fetch(&counter, 1, __ATOMIC_SEQ_CST);
	return (void*)((intptr_t)arg * 2);
}

static void* tid_of(void* arg)
{
	(void)arg;
	return (void*)(intptr_t)syscall(SYS_gettid);
}

static void* exiter(void* arg)
{
	exit((int)(intptr_t)arg);
}

int main(void)
{
	ut_prog = "proc_pthread";
	setvbuf(stdout, NULL, _IONBF, 0);
	pthread_t t;
	void* ret = NULL;
	UT_EXPECT(pthread_create(&t, NULL, worker, (void*)21) == 0, "pthread_create");
	UT_EXPECT(pthread_join(t, &ret) == 0 && (intptr_t)ret == 42, "pthread_join gets the thread's value (%ld)",
	          (long)(intptr_t)ret);
	UT_EXPECT(pthread_create(&t, NULL, tid_of, NULL) == 0 && pthread_join(t, &ret) == 0 &&
	              (intptr_t)ret != getpid() && (intptr_t)ret > 0,
	          "a thread has its own tid (%ld)", (long)(intptr_t)ret);

	enum { N = 64 };
	pthread_t ts[N];
	counter = 0;
	int ok = 1;
	for (int i = 0; i < N; i++)
		ok &= pthread_create(&ts[i], NULL, worker, (void*)(intptr_t)i) == 0;
	for (int i = 0; i < N; i++) {
		ok &= pthread_join(ts[i], &ret) == 0;
		ok &= (intptr_t)ret == 2 * i;
	}
	UT_EXPECT(ok && counter == N, "%d threads created and joined (%d ran)", N, counter);

	int rounds_ok = 1;
	for (int r = 0; r < 10; r++) {
		for (int i = 0; i < N; i++)
			rounds_ok &= pthread_create(&ts[i], NULL, worker, NULL) == 0;
		for (int i = 0; i < N; i++)
			rounds_ok &= pthread_join(ts[i], NULL) == 0;
	}
	UT_EXPECT(rounds_ok, "640 more threads, in rounds of 64");

	pid_t pid = fork();
	if (pid == 0) {
		pthread_t e;
		pthread_create(&e, NULL, exiter, (void*)17);
		for (;;)
			pthread_join(e, NULL);
	}
	int st;
	UT_EXPECT(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 17,
	          "exit(17) in a thread ends the process (%#x)", st);
	return ut_done();
}
