/*
 * proc_fork: fork, vfork, clone and threads, exit and exit_group, wait4
 * (issue 13, parts 1 and 2).  Runs as init on monolith and on Linux 6.1.
 *
 * - fork + wait4: the child's own pid and ppid, the status encodings
 *   (exit code << 8, WIFEXITED/WEXITSTATUS), zombies kept until waited,
 *   WNOHANG, ECHILD, many children reaped in any order and by pid
 * - vfork: the parent sleeps until the child exits; shared memory
 * - raw clone threads (CLONE_VM|FS|FILES|SIGHAND|THREAD|SYSVSEM|SETTLS|
 *   PARENT_SETTID|CHILD_CLEARTID): same tgid, own tid, the TLS base, the
 *   tid word cleared at exit (spun on with sched_yield)
 * - exit_group from a thread while others run: the whole group goes,
 *   with the status given
 * - the leader exits (SYS_exit) first while a thread runs: the parent
 *   sees the group's status only after the last thread
 * - bad input: bad flags (EINVAL), bad wait4 options, bad pointers
 */
#define _GNU_SOURCE
#include "utest.h"
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#ifndef ARCH_GET_FS
#define ARCH_GET_FS 0x1003
#endif

#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif

static long raw_clone(unsigned long flags, void* stack, int* ptid, int* ctid, unsigned long tls);

/* clone with a new stack: the child runs fn(arg) and exits with its value
 * through SYS_exit (a thread must not return into the parent's frame) */
__attribute__((noinline)) static long clone_thread(unsigned long flags, void* stack_top, int* ptid, int* ctid,
                                                   unsigned long tls, int (*fn)(void*), void* arg)
{
	long ret;
	register long r10 __asm__("r10") = (long)ctid;
	register long r8 __asm__("r8") = (long)tls;
	register long r9 __asm__("r9") = (long)fn;
	register long r12 __asm__("r12") = (long)arg;
	__asm__ volatile("syscall\n\t"
	                 "test %%rax, %%rax\n\t"
	                 "jnz 1f\n\t"
	                 /* the child, on its new stack */
	                 "xor %%ebp, %%ebp\n\t"
	                 "mov %%r12, %%rdi\n\t"
	                 "call *%%r9\n\t"
	                 "mov %%eax, %%edi\n\t"
	                 "mov $60, %%eax\n\t"
	                 "syscall\n\t"
	                 "hlt\n"
	                 "1:\n"
	                 : "=a"(ret)
	                 : "0"(SYS_clone), "D"(flags), "S"(stack_top), "d"(ptid), "r"(r10), "r"(r8), "r"(r9), "r"(r12)
	                 : "rcx", "r11", "memory");
	return ret;
}

static long raw_clone(unsigned long flags, void* stack, int* ptid, int* ctid, unsigned long tls)
{
	return syscall(SYS_clone, flags, stack, ptid, ctid, tls);
}

static void* new_stack(size_t size)
{
	char* s = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return s == MAP_FAILED ? NULL : s + size;
}

#define THREAD_FLAGS                                                                                        \
	(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM | CLONE_SETTLS |   \
	 CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID)

static volatile int shared_counter;
static volatile int thread_tid_seen, thread_tgid_seen;
static volatile unsigned long thread_fs_seen;
static volatile int stop_spinning;

static unsigned long get_fs(void)
{
	unsigned long fs = 0;
	syscall(SYS_arch_prctl, ARCH_GET_FS, &fs);
	return fs;
}

static int thread_fn(void* arg)
{
	thread_tid_seen = (int)syscall(SYS_gettid);
	thread_tgid_seen = getpid();
	thread_fs_seen = get_fs();
	__atomic_add_fetch(&shared_counter, (int)(long)arg, __ATOMIC_SEQ_CST);
	return 0;
}

static void wait_tid_cleared(volatile int* ctid)
{
	for (long i = 0; *ctid != 0 && i < 100000000; i++)
		sched_yield();
}

/* a TLS block whose first word points at itself, as the x86_64 ABI wants */
static unsigned long tls_block[64];

static void test_threads(void)
{
	void* stack = new_stack(65536);
	int ptid = 0;
	volatile int ctid = -1;
	tls_block[0] = (unsigned long)tls_block;
	unsigned long my_fs = get_fs();
	shared_counter = 0;
	long tid = clone_thread(THREAD_FLAGS, stack, &ptid, (int*)&ctid, (unsigned long)tls_block, thread_fn,
	                        (void*)5L);
	UT_EXPECT(tid > 0, "clone(THREAD) returns the new thread's tid (%ld)", tid);
	UT_EXPECT(ptid == tid, "CLONE_PARENT_SETTID wrote the tid (%d)", ptid);
	wait_tid_cleared(&ctid);
	UT_EXPECT(ctid == 0, "CLONE_CHILD_CLEARTID's word is cleared at the thread's exit");
	UT_EXPECT(shared_counter == 5, "the thread wrote the shared memory");
	UT_EXPECT(thread_tid_seen == tid, "gettid in the thread is its tid");
	UT_EXPECT(thread_tgid_seen == getpid(), "getpid in the thread is the group's");
	UT_EXPECT(thread_fs_seen == (unsigned long)tls_block, "CLONE_SETTLS set the thread's FS base");
	UT_EXPECT(get_fs() == my_fs, "the parent's FS base is unchanged");
	int st;
	UT_EXPECT(waitpid(-1, &st, WNOHANG | __WALL) == -1 && errno == ECHILD, "a thread is no child to wait for");

	/* 50 threads at once */
	shared_counter = 0;
	enum { N = 50 };
	static volatile int ctids[N];
	int ok = 1;
	for (int i = 0; i < N; i++) {
		ctids[i] = -1;
		if (clone_thread(THREAD_FLAGS & ~CLONE_SETTLS, new_stack(16384), &ptid, (int*)&ctids[i], 0, thread_fn,
		                 (void*)1L) <= 0)
			ok = 0;
	}
	for (int i = 0; i < N; i++)
		wait_tid_cleared(&ctids[i]);
	UT_EXPECT(ok && shared_counter == N, "%d threads ran and exited (%d)", N, shared_counter);
}

static int spin_fn(void* arg)
{
	(void)arg;
	while (!stop_spinning)
		__asm__ volatile("pause");
	return 0;
}

static int group_exit_fn(void* arg)
{
	syscall(SYS_exit_group, (int)(long)arg);
	return 99;
}

static int sleep_then_exit_fn(void* arg)
{
	(void)arg;
	struct timespec ts = {0, 600 * 1000 * 1000};
	syscall(SYS_nanosleep, &ts, NULL);
	syscall(SYS_exit_group, 9);
	return 0;
}

static void test_exit_group_from_thread(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		int ptid;
		static volatile int c1, c2;
		stop_spinning = 0;
		clone_thread(THREAD_FLAGS & ~CLONE_SETTLS, new_stack(65536), &ptid, (int*)&c1, 0, spin_fn, NULL);
		clone_thread(THREAD_FLAGS & ~CLONE_SETTLS, new_stack(65536), &ptid, (int*)&c2, 0, group_exit_fn,
		             (void*)42L);
		for (;;)
			sched_yield();
	}
	int st = 0;
	pid_t w = waitpid(pid, &st, 0);
	UT_EXPECT(w == pid && WIFEXITED(st) && WEXITSTATUS(st) == 42,
	          "exit_group(42) in a thread ends the whole group with status 42 (status %#x)", st);
}

static void test_leader_exits_first(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		int ptid;
		static volatile int c1;
		clone_thread(THREAD_FLAGS & ~CLONE_SETTLS, new_stack(65536), &ptid, (int*)&c1, 0, group_exit_fn,
		             (void*)7L);
		syscall(SYS_exit, 3); /* the leader alone: the thread goes on */
	}
	int st = 0;
	pid_t w = waitpid(pid, &st, 0);
	UT_EXPECT(w == pid && WIFEXITED(st) && WEXITSTATUS(st) == 7,
	          "the leader exiting first: the group's status comes from the last exit_group (status %#x)", st);

	pid = fork();
	if (pid == 0) {
		int ptid;
		static volatile int c1;
		clone_thread(THREAD_FLAGS & ~CLONE_SETTLS, new_stack(65536), &ptid, (int*)&c1, 0, sleep_then_exit_fn,
		             NULL);
		syscall(SYS_exit, 5);
	}
	/* the leader is gone, its thread sleeps: not reapable yet */
	usleep(100000);
	st = 0;
	w = waitpid(pid, &st, WNOHANG);
	UT_EXPECT(w == 0, "a zombie leader with a live thread is not reaped (waitpid %d)", w);
	w = waitpid(pid, &st, 0);
	UT_EXPECT(w == pid && WIFEXITED(st) && WEXITSTATUS(st) == 9,
	          "when the thread calls exit_group(9), the leader is reaped with it (status %#x)", st);
}

static void test_fork_wait(void)
{
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid == 0) {
		if (getppid() != parent)
			_exit(1);
		if (getpid() == parent)
			_exit(2);
		_exit(37);
	}
	UT_EXPECT(pid > 1, "fork returns the child's pid to the parent (%d)", pid);
	int st = -1;
	pid_t w = wait4(pid, &st, 0, NULL);
	UT_EXPECT(w == pid, "wait4 returns the child's pid");
	UT_EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 37 && st == 37 << 8, "exit(37) gives status 37 << 8 (%#x)", st);
	UT_EXPECT(wait4(-1, &st, WNOHANG, NULL) == -1 && errno == ECHILD, "no children left: ECHILD");

	/* a zombie stays until waited; WNOWAIT leaves it */
	pid = fork();
	if (pid == 0)
		_exit(0);
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	UT_EXPECT(waitid(P_PID, pid, &si, WEXITED | WNOWAIT) == 0 && si.si_pid == pid && si.si_code == CLD_EXITED &&
	              si.si_status == 0 && si.si_signo == SIGCHLD,
	          "waitid(WNOWAIT) reports the zombie");
	UT_EXPECT(waitpid(pid, &st, 0) == pid && st == 0, "exit(0) gives status 0, the zombie is still there");
	UT_EXPECT(waitpid(pid, &st, WNOHANG) == -1 && errno == ECHILD, "after wait the child is gone");

	/* WNOHANG with a running child */
	pid = fork();
	if (pid == 0) {
		usleep(200000);
		_exit(3);
	}
	UT_EXPECT(waitpid(pid, &st, WNOHANG) == 0, "WNOHANG with a running child returns 0");
	UT_EXPECT(waitpid(pid, &st, 0) == pid && WEXITSTATUS(st) == 3, "then the blocking wait gets it");

	/* killed by a fault's signal */
	pid = fork();
	if (pid == 0) {
		*(volatile int*)0 = 1;
		_exit(0);
	}
	UT_EXPECT(waitpid(pid, &st, 0) == pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV && (st & 0x7f) == SIGSEGV,
	          "killed by SIGSEGV: the signal in the low 7 bits (%#x)", st);

	/* many children, reaped by pid in reverse order and then any */
	enum { N = 40 };
	pid_t kids[N];
	for (int i = 0; i < N; i++) {
		kids[i] = fork();
		if (kids[i] == 0)
			_exit(i);
	}
	int ok = 1;
	for (int i = N - 1; i >= N / 2; i--)
		if (waitpid(kids[i], &st, 0) != kids[i] || WEXITSTATUS(st) != i)
			ok = 0;
	UT_EXPECT(ok, "children reaped by pid in reverse order, each with its status");
	int seen = 0;
	for (;;) {
		pid_t r = wait(&st);
		if (r < 0)
			break;
		for (int i = 0; i < N / 2; i++)
			if (kids[i] == r && WEXITSTATUS(st) == i)
				seen++;
	}
	UT_EXPECT(seen == N / 2 && errno == ECHILD, "the rest reaped by wait(-1): %d of %d", seen, N / 2);

	/* a grandchild is not ours */
	pid = fork();
	if (pid == 0) {
		pid_t g = fork();
		if (g == 0)
			_exit(5);
		int s2;
		_exit(waitpid(g, &s2, 0) == g && WEXITSTATUS(s2) == 5 ? 0 : 1);
	}
	UT_EXPECT(waitpid(pid, &st, 0) == pid && st == 0, "a child reaps its own child");

	/* a forked child has its own memory */
	shared_counter = 1;
	pid = fork();
	if (pid == 0) {
		shared_counter = 2;
		_exit(shared_counter);
	}
	waitpid(pid, &st, 0);
	UT_EXPECT(shared_counter == 1 && WEXITSTATUS(st) == 2, "fork: the child's writes stay its own");
}

static void test_vfork(void)
{
	shared_counter = 0;
	pid_t pid = vfork();
	if (pid == 0) {
		shared_counter = 11;
		_exit(4);
	}
	UT_EXPECT(pid > 0 && shared_counter == 11, "vfork: the parent runs after the child, in the same memory");
	int st;
	UT_EXPECT(waitpid(pid, &st, 0) == pid && WEXITSTATUS(st) == 4, "vfork child's status");

	/* clone(CLONE_VFORK | CLONE_VM) with a new stack */
	shared_counter = 0;
	long r = clone_thread(CLONE_VFORK | CLONE_VM | SIGCHLD, new_stack(65536), NULL, NULL, 0, thread_fn, (void*)3L);
	UT_EXPECT(r > 0 && shared_counter == 3, "clone(VFORK|VM) on its own stack ran before the parent went on");
	UT_EXPECT(waitpid(r, &st, 0) == r && st == 0, "and is reaped");
}

static void test_clone_exit_signal(void)
{
	/* a child with exit signal 0 is a "clone" child: __WCLONE or __WALL */
	long pid = raw_clone(0, NULL, NULL, NULL, 0);
	if (pid == 0)
		_exit(6);
	int st;
	usleep(50000);
	UT_EXPECT(waitpid(pid, &st, WNOHANG) == -1 && errno == ECHILD, "plain wait does not see a clone child");
	UT_EXPECT(waitpid(pid, &st, __WCLONE) == pid && WEXITSTATUS(st) == 6, "__WCLONE reaps it");

	pid = raw_clone(SIGUSR1, NULL, NULL, NULL, 0);
	if (pid == 0)
		_exit(8);
	UT_EXPECT(waitpid(pid, &st, __WALL) == pid && WEXITSTATUS(st) == 8, "__WALL reaps a SIGUSR1 child");
}

static void test_bad_input(void)
{
	errno = 0;
	UT_EXPECT(raw_clone(CLONE_THREAD, NULL, NULL, NULL, 0) == -1 && errno == EINVAL,
	          "CLONE_THREAD without CLONE_SIGHAND: EINVAL");
	errno = 0;
	UT_EXPECT(raw_clone(CLONE_SIGHAND, NULL, NULL, NULL, 0) == -1 && errno == EINVAL,
	          "CLONE_SIGHAND without CLONE_VM: EINVAL");
	errno = 0;
	UT_EXPECT(raw_clone(CLONE_FS | CLONE_NEWNS, NULL, NULL, NULL, 0) == -1 && errno == EINVAL,
	          "CLONE_FS with CLONE_NEWNS: EINVAL");
	errno = 0;
	UT_EXPECT(raw_clone(CLONE_PARENT | SIGCHLD, NULL, NULL, NULL, 0) == -1 && errno == EINVAL,
	          "CLONE_PARENT from init: EINVAL");
	errno = 0;
	UT_EXPECT(raw_clone(CLONE_PIDFD | CLONE_THREAD | CLONE_SIGHAND | CLONE_VM, NULL, NULL, NULL, 0) == -1 &&
	              errno == EINVAL,
	          "CLONE_PIDFD with CLONE_THREAD: EINVAL");
	int st;
	errno = 0;
	UT_EXPECT(wait4(-1, &st, 0x100, NULL) == -1 && errno == EINVAL, "wait4 with an unknown option: EINVAL");
	errno = 0;
	UT_EXPECT(wait4(-2147483647 - 1, &st, 0, NULL) == -1 && errno == ESRCH, "wait4(INT_MIN): ESRCH");
	errno = 0;
	UT_EXPECT(wait4(-1, &st, WNOHANG, NULL) == -1 && errno == ECHILD, "wait4 without children: ECHILD");
	errno = 0;
	UT_EXPECT(wait4(12345, &st, 0, NULL) == -1 && errno == ECHILD, "wait4 for a stranger: ECHILD");

	pid_t pid = fork();
	if (pid == 0)
		_exit(1);
	errno = 0;
	UT_EXPECT(wait4(pid, (int*)8, 0, NULL) == -1 && errno == EFAULT, "wait4 with a bad status pointer: EFAULT");
	UT_EXPECT(wait4(pid, &st, WNOHANG, NULL) == -1 && errno == ECHILD, "... the child was reaped all the same");
	pid = fork();
	if (pid == 0)
		_exit(1);
	errno = 0;
	UT_EXPECT(wait4(pid, &st, 0, (struct rusage*)8) == -1 && errno == EFAULT, "wait4 with a bad rusage: EFAULT");

	/* a bad PARENT_SETTID pointer is ignored, as Linux's */
	pid = raw_clone(CLONE_PARENT_SETTID | SIGCHLD, NULL, (int*)8, NULL, 0);
	if (pid == 0)
		_exit(2);
	UT_EXPECT(pid > 0 && waitpid(pid, &st, 0) == pid && WEXITSTATUS(st) == 2,
	          "a bad CLONE_PARENT_SETTID pointer is ignored");
	struct rusage ru;
	errno = 0;
	UT_EXPECT(getrusage(5, &ru) == -1 && errno == EINVAL, "getrusage(5): EINVAL");
	errno = 0;
	UT_EXPECT(getrusage(RUSAGE_SELF, (struct rusage*)8) == -1 && errno == EFAULT, "getrusage bad pointer: EFAULT");
}

int main(void)
{
	ut_prog = "proc_fork";
	setvbuf(stdout, NULL, _IONBF, 0);
	test_fork_wait();
	test_vfork();
	test_threads();
	test_exit_group_from_thread();
	test_leader_exits_first();
	test_clone_exit_signal();
	test_bad_input();
	return ut_done();
}
