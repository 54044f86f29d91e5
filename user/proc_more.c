/*
 * proc_more: clone3 and pidfds, process groups and sessions, reparenting
 * to a subreaper or init, PR_SET_PDEATHSIG, exec from a non-leader
 * thread, RLIMIT_NPROC, 1000 threads (issue 13, parts 1, 2, 6, 7).  Runs
 * as init on monolith and on Linux 6.1.  argv[1] selects a helper mode
 * for the programs it execs: "--exit N" exits with N, "--pid P N" exits
 * with N if getpid() == P (else 1), "--sleep" sleeps.
 */
#define _GNU_SOURCE
#include "utest.h"
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <time.h>

#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif
#ifndef P_PIDFD
#define P_PIDFD 3
#endif
#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif
#ifndef PR_SET_CHILD_SUBREAPER
#define PR_SET_CHILD_SUBREAPER 36
#define PR_GET_CHILD_SUBREAPER 37
#endif

struct clone_args_v0 {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
};
struct clone_args_v2 {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid, set_tid_size,
	    cgroup;
};

static char* self;

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static long clone3_raw(void* args, size_t size)
{
	return syscall(SYS_clone3, args, size);
}

/* clone with a new stack running fn, then SYS_exit (see proc_fork.c) */
__attribute__((noinline)) static long clone_thread(unsigned long flags, void* stack_top, int* ctid, int (*fn)(void*),
                                                   void* arg)
{
	long ret;
	register long r10 __asm__("r10") = (long)ctid;
	register long r8 __asm__("r8") = 0;
	register long r9 __asm__("r9") = (long)fn;
	register long r12 __asm__("r12") = (long)arg;
	__asm__ volatile("syscall\n\t"
	                 "test %%rax, %%rax\n\t"
	                 "jnz 1f\n\t"
	                 "xor %%ebp, %%ebp\n\t"
	                 "mov %%r12, %%rdi\n\t"
	                 "call *%%r9\n\t"
	                 "mov %%eax, %%edi\n\t"
	                 "mov $60, %%eax\n\t"
	                 "syscall\n\t"
	                 "hlt\n"
	                 "1:\n"
	                 : "=a"(ret)
	                 : "0"(SYS_clone), "D"(flags), "S"(stack_top), "d"(0), "r"(r10), "r"(r8), "r"(r9), "r"(r12)
	                 : "rcx", "r11", "memory");
	return ret;
}

#define THREAD_FLAGS                                                                                        \
	(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM | CLONE_CHILD_CLEARTID)

static void test_clone3(void)
{
	struct clone_args_v0 a;
	memset(&a, 0, sizeof(a));
	a.exit_signal = SIGCHLD;
	long pid = clone3_raw(&a, sizeof(a));
	if (pid == 0)
		_exit(12);
	int st;
	UT_EXPECT(pid > 0 && waitpid(pid, &st, 0) == pid && WEXITSTATUS(st) == 12, "clone3 as fork (%ld)", pid);

	errno = 0;
	UT_EXPECT(clone3_raw(&a, 32) == -1 && errno == EINVAL, "clone3 with a size below 64: EINVAL");
	errno = 0;
	UT_EXPECT(clone3_raw(&a, 8192) == -1 && errno == E2BIG, "clone3 with a size above a page: E2BIG");
	struct {
		struct clone_args_v2 a;
		uint64_t extra;
	} big;
	memset(&big, 0, sizeof(big));
	big.a.exit_signal = SIGCHLD;
	big.extra = 1;
	errno = 0;
	UT_EXPECT(clone3_raw(&big, sizeof(big)) == -1 && errno == E2BIG, "clone3 with unknown non-zero fields: E2BIG");
	errno = 0;
	UT_EXPECT(clone3_raw((void*)8, sizeof(a)) == -1 && errno == EFAULT, "clone3 with a bad pointer: EFAULT");
	a.exit_signal = 65;
	errno = 0;
	UT_EXPECT(clone3_raw(&a, sizeof(a)) == -1 && errno == EINVAL, "clone3 with exit signal 65: EINVAL");
	a.exit_signal = 0;
	a.flags = SIGCHLD; /* the CSIGNAL bits are not flags in clone3 */
	errno = 0;
	UT_EXPECT(clone3_raw(&a, sizeof(a)) == -1 && errno == EINVAL, "clone3 with CSIGNAL bits in flags: EINVAL");
	a.flags = 1ULL << 40;
	errno = 0;
	UT_EXPECT(clone3_raw(&a, sizeof(a)) == -1 && errno == EINVAL, "clone3 with an unknown flag: EINVAL");
	a.flags = CLONE_THREAD | CLONE_SIGHAND | CLONE_VM;
	a.exit_signal = SIGCHLD;
	errno = 0;
	UT_EXPECT(clone3_raw(&a, sizeof(a)) == -1 && errno == EINVAL, "clone3 thread with an exit signal: EINVAL");
	a.flags = 0;
	a.exit_signal = SIGCHLD;
	a.stack = 0;
	a.stack_size = 4096;
	errno = 0;
	UT_EXPECT(clone3_raw(&a, sizeof(a)) == -1 && errno == EINVAL, "clone3 with a stack size but no stack: EINVAL");

	struct clone_args_v2 b;
	memset(&b, 0, sizeof(b));
	b.exit_signal = SIGCHLD;
	b.set_tid_size = 1;
	errno = 0;
	UT_EXPECT(clone3_raw(&b, sizeof(b)) == -1 && errno == EINVAL, "set_tid_size without set_tid: EINVAL");
	pid_t tids[2] = {1, 0};
	b.set_tid = (uintptr_t)tids;
	errno = 0;
	UT_EXPECT(clone3_raw(&b, sizeof(b)) == -1 && errno == EEXIST, "set_tid of a live pid (1): EEXIST");
	b.set_tid_size = 2;
	errno = 0;
	UT_EXPECT(clone3_raw(&b, sizeof(b)) == -1 && errno == EINVAL, "set_tid deeper than the pid namespaces: EINVAL");
	tids[0] = -5;
	b.set_tid_size = 1;
	errno = 0;
	UT_EXPECT(clone3_raw(&b, sizeof(b)) == -1 && errno == EINVAL, "a negative set_tid: EINVAL");

	/* CLONE_PIDFD: waitid(P_PIDFD) reaps through it */
	int pidfd = -1;
	memset(&a, 0, sizeof(a));
	a.flags = CLONE_PIDFD;
	a.pidfd = (uintptr_t)&pidfd;
	a.exit_signal = SIGCHLD;
	pid = clone3_raw(&a, sizeof(a));
	if (pid == 0)
		_exit(21);
	UT_EXPECT(pid > 0 && pidfd >= 0, "clone3(CLONE_PIDFD) gives a pidfd (%d)", pidfd);
	char c;
	errno = 0;
	UT_EXPECT(read(pidfd, &c, 1) == -1 && errno == EINVAL, "read on a pidfd: EINVAL");
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	UT_EXPECT(waitid(P_PIDFD, pidfd, &si, WEXITED) == 0 && si.si_pid == pid && si.si_status == 21 &&
	              si.si_code == CLD_EXITED,
	          "waitid(P_PIDFD) reaps the child (pid %d status %d)", si.si_pid, si.si_status);
	errno = 0;
	UT_EXPECT(waitid(P_PIDFD, pidfd, &si, WEXITED | WNOHANG) == -1 && errno == ECHILD,
	          "waitid(P_PIDFD) after the reap: ECHILD");
	UT_EXPECT(close(pidfd) == 0, "a pidfd closes");
	errno = 0;
	UT_EXPECT(waitid(P_PIDFD, 1, &si, WEXITED | WNOHANG) == -1 && errno == EBADF,
	          "waitid(P_PIDFD) on a file that is no pidfd: EBADF");
	errno = 0;
	UT_EXPECT(waitid(P_PIDFD, 1000, &si, WEXITED | WNOHANG) == -1 && errno == EBADF,
	          "waitid(P_PIDFD) on a closed fd: EBADF");

	/* clone(CLONE_PIDFD) writes the fd through parent_tid; bad pointer: EFAULT */
	errno = 0;
	UT_EXPECT(syscall(SYS_clone, CLONE_PIDFD | SIGCHLD, 0, (int*)8, 0, 0) == -1 && errno == EFAULT,
	          "clone(CLONE_PIDFD) with a bad pointer fails: EFAULT");
	UT_EXPECT(waitpid(-1, &st, WNOHANG) == -1 && errno == ECHILD, "... and leaves no child");

	/* pidfd_open + pidfd_send_signal */
	pid = fork();
	if (pid == 0) {
		for (;;)
			sched_yield();
	}
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);
	UT_EXPECT(fd >= 0, "pidfd_open of a child");
	errno = 0;
	UT_EXPECT(syscall(SYS_pidfd_send_signal, fd, SIGKILL, NULL, 1) == -1 && errno == EINVAL,
	          "pidfd_send_signal with flags: EINVAL");
	errno = 0;
	UT_EXPECT(syscall(SYS_pidfd_send_signal, 1, SIGKILL, NULL, 0) == -1 && errno == EBADF,
	          "pidfd_send_signal on stdout: EBADF");
	UT_EXPECT(syscall(SYS_pidfd_send_signal, fd, SIGKILL, NULL, 0) == 0, "pidfd_send_signal(SIGKILL)");
	UT_EXPECT(waitpid(pid, &st, 0) == pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
	          "the child dies of SIGKILL (%#x)", st);
	errno = 0;
	UT_EXPECT(syscall(SYS_pidfd_send_signal, fd, SIGKILL, NULL, 0) == -1 && errno == ESRCH,
	          "pidfd_send_signal to a reaped process: ESRCH");
	close(fd);
	errno = 0;
	UT_EXPECT(syscall(SYS_pidfd_open, getpid(), 1) == -1 && errno == EINVAL, "pidfd_open with bad flags: EINVAL");
	errno = 0;
	UT_EXPECT(syscall(SYS_pidfd_open, 0, 0) == -1 && errno == EINVAL, "pidfd_open(0): EINVAL");
	errno = 0;
	UT_EXPECT(syscall(SYS_pidfd_open, 4000000, 0) == -1 && errno == ESRCH, "pidfd_open of no process: ESRCH");
}

static void test_pgrp_session(void)
{
	pid_t me = getpid();
	UT_EXPECT(getpgrp() == 0 && getsid(0) == 0, "init starts in group 0 and session 0");
	UT_EXPECT(setsid() == me, "init's setsid makes session %d", me);
	UT_EXPECT(getsid(0) == me && getpgrp() == me && getpgid(0) == me, "init leads its session and group");
	errno = 0;
	UT_EXPECT(setsid() == -1 && errno == EPERM, "a session leader's setsid: EPERM");
	errno = 0;
	UT_EXPECT(setpgid(0, 0) == -1 && errno == EPERM, "a session leader's setpgid: EPERM");
	errno = 0;
	UT_EXPECT(setpgid(0, -1) == -1 && errno == EINVAL, "setpgid to a negative group: EINVAL");
	errno = 0;
	UT_EXPECT(setpgid(4000000, 0) == -1 && errno == ESRCH, "setpgid of no process: ESRCH");
	errno = 0;
	UT_EXPECT(getpgid(4000000) == -1 && errno == ESRCH, "getpgid of no process: ESRCH");
	errno = 0;
	UT_EXPECT(getsid(4000000) == -1 && errno == ESRCH, "getsid of no process: ESRCH");

	/* a child makes its own group; its setsid then fails */
	pid_t pid = fork();
	if (pid == 0) {
		if (getpgrp() != me || getsid(0) != me)
			_exit(1);
		if (setpgid(0, 0) != 0 || getpgrp() != getpid())
			_exit(2);
		if (setsid() != -1 || errno != EPERM)
			_exit(3);
		if (setpgid(0, me) != 0 || getpgrp() != me) /* back to the parent's group */
			_exit(4);
		_exit(0);
	}
	int st;
	UT_EXPECT(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	          "a child: setpgid(0,0), setsid EPERM as group leader, back to the parent's group (%d)",
	          WEXITSTATUS(st));

	/* the parent moves a child before its exec; after: EACCES */
	pid = fork();
	if (pid == 0) {
		sleep_ms(300);
		char* args[] = {self, "--sleep", NULL};
		execv(self, args);
		_exit(99);
	}
	UT_EXPECT(setpgid(pid, pid) == 0 && getpgid(pid) == pid, "the parent puts its child in a new group");
	sleep_ms(700); /* the child has exec'd */
	errno = 0;
	UT_EXPECT(setpgid(pid, 0) == -1 && errno == EACCES, "setpgid of a child after its exec: EACCES");
	UT_EXPECT(waitpid(pid, &st, 0) == pid && WEXITSTATUS(st) == 0, "the exec'd child exits");

	/* a child in its own session: EPERM to move it, and to join its group */
	pid = fork();
	if (pid == 0) {
		if (setsid() != getpid() || getsid(0) != getpid() || getpgrp() != getpid())
			_exit(1);
		sleep_ms(400);
		_exit(0);
	}
	sleep_ms(150);
	UT_EXPECT(getsid(pid) == pid, "a child's setsid makes its own session");
	errno = 0;
	UT_EXPECT(setpgid(pid, me) == -1 && errno == EPERM, "setpgid of a child in another session: EPERM");
	UT_EXPECT(waitpid(pid, &st, 0) == pid && st == 0, "the session leader child exits");

	/* joining a group of another session, and a group that does not exist */
	pid_t other = fork();
	if (other == 0) {
		setsid();
		sleep_ms(400);
		_exit(0);
	}
	sleep_ms(150);
	pid = fork();
	if (pid == 0) {
		if (setpgid(0, other) != -1 || errno != EPERM)
			_exit(1);
		if (setpgid(0, 3999999) != -1 || errno != EPERM)
			_exit(2);
		_exit(0);
	}
	UT_EXPECT(waitpid(pid, &st, 0) == pid && st == 0,
	          "setpgid into another session's group or a missing group: EPERM (%d)", WEXITSTATUS(st));
	waitpid(other, &st, 0);
	errno = 0;
	UT_EXPECT(setpgid(1234567, 0) == -1 && errno == ESRCH, "setpgid of a non-child: ESRCH");
}

static void test_reparenting(void)
{
	int st;
	UT_EXPECT(prctl(PR_GET_CHILD_SUBREAPER, &st) == 0 && st == 0, "not a subreaper at first");
	/* A (subreaper) -> B -> C; B exits: C is A's child */
	pid_t a = fork();
	if (a == 0) {
		if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0)
			_exit(10);
		int v = 0;
		if (prctl(PR_GET_CHILD_SUBREAPER, &v) != 0 || v != 1)
			_exit(11);
		pid_t apid = getpid();
		pid_t b = fork();
		if (b == 0) {
			pid_t bpid = getpid();
			pid_t c = fork();
			if (c == 0) {
				for (int i = 0; i < 300 && getppid() == bpid; i++)
					sleep_ms(10);
				_exit(getppid() == apid ? 0 : 2);
			}
			_exit(0); /* C is orphaned */
		}
		int s;
		if (waitpid(b, &s, 0) != b)
			_exit(12);
		/* C is now ours */
		pid_t r = wait(&s);
		if (r <= 0)
			_exit(13);
		_exit(WIFEXITED(s) ? WEXITSTATUS(s) : 14);
	}
	UT_EXPECT(waitpid(a, &st, 0) == a && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	          "an orphan goes to its subreaper ancestor, which reaps it (%d)", WEXITSTATUS(st));

	/* without a subreaper: to init (us, pid 1) */
	pid_t b = fork();
	if (b == 0) {
		pid_t c = fork();
		if (c == 0) {
			for (int i = 0; i < 200 && getppid() != 1; i++)
				sleep_ms(10);
			_exit(getppid() == 1 ? 33 : 34);
		}
		_exit(0);
	}
	waitpid(b, &st, 0);
	pid_t r = wait(&st);
	UT_EXPECT(r > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 33, "an orphan without a subreaper goes to init (%d)",
	          WEXITSTATUS(st));

	/* PR_SET_PDEATHSIG: the parent's death kills the child */
	/* a deterministic variant: the child sets it, then the parent dies */
	b = fork();
	if (b == 0) {
		pid_t c = fork();
		if (c == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			int v = 0;
			prctl(PR_GET_PDEATHSIG, &v);
			if (v != SIGKILL)
				_exit(5);
			for (int i = 0; i < 300; i++)
				sleep_ms(10);
			_exit(6); /* not killed */
		}
		sleep_ms(150);
		_exit(0);
	}
	waitpid(b, &st, 0);
	r = wait(&st);
	UT_EXPECT(r > 0 && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
	          "PR_SET_PDEATHSIG: the parent's exit sends SIGKILL (%#x)", st);
}

static int spin_fn(void* arg)
{
	(void)arg;
	for (;;)
		__asm__ volatile("pause");
	return 0;
}

static int exec_fn(void* arg)
{
	char** args = arg;
	execv(args[0], args);
	return 98;
}

static void test_exec_from_thread(void)
{
	/* a non-leader thread execs: the process keeps its pid, the other
	 * threads are gone */
	pid_t pid = fork();
	if (pid == 0) {
		static char pidbuf[16];
		snprintf(pidbuf, sizeof(pidbuf), "%d", getpid());
		static char* args[5];
		args[0] = self;
		args[1] = "--pid";
		args[2] = pidbuf;
		args[3] = "44";
		args[4] = NULL;
		static volatile int ct1;
		char* stack = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		clone_thread(THREAD_FLAGS, stack + 65536, (int*)&ct1, exec_fn, args);
		for (;;)
			sched_yield(); /* the leader spins until the exec kills it */
	}
	int st;
	UT_EXPECT(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 44,
	          "exec from a non-leader thread: the new program has the process's pid (%#x)", st);

	/* the leader execs while a thread spins */
	pid = fork();
	if (pid == 0) {
		static volatile int ct1;
		char* stack = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		static char pidbuf[16];
		snprintf(pidbuf, sizeof(pidbuf), "%d", getpid());
		clone_thread(THREAD_FLAGS, stack + 65536, (int*)&ct1, spin_fn, NULL);
		sleep_ms(50);
		char* args[] = {self, "--pid", pidbuf, "45", NULL};
		execv(self, args);
		_exit(97);
	}
	UT_EXPECT(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 45,
	          "exec from the leader with a thread spinning (%#x)", st);

	/* a process sharing our handlers (CLONE_SIGHAND, no thread) execs:
	 * it gets handlers of its own (unshare_sighand), we go on */
	char* stack = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	static char* eargs[] = {NULL, "--exit", "5", NULL};
	eargs[0] = self;
	long c = clone_thread(CLONE_VM | CLONE_VFORK | CLONE_SIGHAND | SIGCHLD, stack + 65536, NULL, exec_fn, eargs);
	UT_EXPECT(c > 0 && waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 5,
	          "clone(VM|VFORK|SIGHAND) then exec: the child runs the program (%#x)", st);
	munmap(stack, 65536);
}

static void test_rlimit_nproc(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		struct rlimit rl = {10, 10};
		if (setrlimit(RLIMIT_NPROC, &rl) != 0)
			_exit(100);
		if (setuid(65534) != 0)
			_exit(101);
		int n = 0, err = 0;
		pid_t kids[64];
		for (; n < 64; n++) {
			kids[n] = fork();
			if (kids[n] == 0) {
				sleep_ms(500);
				_exit(0);
			}
			if (kids[n] < 0) {
				err = errno;
				break;
			}
		}
		for (int i = 0; i < n; i++)
			waitpid(kids[i], NULL, 0);
		/* back to normal once they are reaped */
		pid_t again = fork();
		if (again == 0)
			_exit(0);
		if (again < 0)
			_exit(102);
		waitpid(again, NULL, 0);
		_exit(err == EAGAIN ? n : 103);
	}
	int st;
	waitpid(pid, &st, 0);
	UT_EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 9,
	          "RLIMIT_NPROC 10 as nobody: 9 children, then EAGAIN, then forks again (%d)", WEXITSTATUS(st));
}

static int nop_thread(void* arg)
{
	(void)arg;
	return 0;
}

static void test_1000_threads(void)
{
	struct sysinfo before, after;
	enum { BATCH = 50, ROUNDS = 20, STACK = 16384 };
	char* stacks = mmap(NULL, BATCH * STACK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	static volatile int ctid[BATCH];
	int made = 0;
	/* a first round warms the caches (slab, stacks, the stacks' pages),
	 * which keep what they got; the count starts after it */
	for (int r = 0; r <= ROUNDS; r++) {
		if (r == 1) {
			sleep_ms(100);
			sysinfo(&before);
			made = 0;
		}
		for (int i = 0; i < BATCH; i++) {
			ctid[i] = -1;
			if (clone_thread(THREAD_FLAGS, stacks + (i + 1) * STACK, (int*)&ctid[i], nop_thread, NULL) > 0)
				made++;
		}
		for (int i = 0; i < BATCH; i++)
			while (ctid[i] != 0)
				sched_yield();
	}
	sleep_ms(100);
	sysinfo(&after);
	munmap(stacks, BATCH * STACK);
	UT_EXPECT(made == BATCH * ROUNDS, "1000 threads created and joined (%d)", made);
	long diff_kib = ((long)before.freeram - (long)after.freeram) * (long)before.mem_unit / 1024;
	/* the per-CPU page lists keep some freed pages out of the count on
	 * both kernels; a page lost per thread would be 4,000 KiB */
	UT_EXPECT(diff_kib < 2048, "free memory back afterwards (%ld KiB less)", diff_kib);
	UT_EXPECT(after.procs <= before.procs + 2, "the task count back afterwards (%d, was %d)", after.procs,
	          before.procs);
}

int main(int argc, char** argv)
{
	self = argv[0];
	if (argc >= 3 && strcmp(argv[1], "--exit") == 0)
		return atoi(argv[2]);
	if (argc >= 2 && strcmp(argv[1], "--sleep") == 0) {
		sleep_ms(1000);
		return 0;
	}
	if (argc >= 4 && strcmp(argv[1], "--pid") == 0)
		return getpid() == atoi(argv[2]) ? atoi(argv[3]) : 1;
	ut_prog = "proc_more";
	setvbuf(stdout, NULL, _IONBF, 0);
	test_pgrp_session();
	test_clone3();
	test_reparenting();
	test_exec_from_thread();
	test_rlimit_nproc();
	test_1000_threads();
	return ut_done();
}
