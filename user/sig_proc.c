/*
 * sig_proc: signals between processes (issue 13 part 3): death by signal
 * (WIFSIGNALED/WTERMSIG, no core bit), stop and continue with
 * waitpid(WUNTRACED/WCONTINUED) and SIGCHLD's CLD_STOPPED/CLD_CONTINUED,
 * SA_NOCLDSTOP, SIGCHLD's siginfo for an exit, SIG_IGN and SA_NOCLDWAIT
 * autoreap (ECHILD), EPERM for another user's process (as nobody) and
 * SIGCONT in the same session, a frame refused (no SA_RESTORER, a bad CS
 * in rt_sigreturn: SIGSEGV), a fault while its signal is blocked,
 * nanosleep continued through restart_syscall across a stop, and 100,000
 * signals ping-ponged between two processes.  Runs as init on monolith
 * and Linux.
 */
#define _GNU_SOURCE
#include "utest.h"
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

static volatile int chld_hits;
static siginfo_t chld_info[8];
static void chld_handler(int sig, siginfo_t* si, void* uc)
{
	(void)sig;
	(void)uc;
	if (chld_hits < 8)
		chld_info[chld_hits] = *si;
	chld_hits++;
}

static void set_chld(int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = chld_handler;
	sa.sa_flags = SA_SIGINFO | flags;
	sigaction(SIGCHLD, &sa, NULL);
}

static void nothing(int sig)
{
	(void)sig;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static long ms_since(const struct timespec* t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

static int wait_status(pid_t pid, int flags)
{
	int st = -1;
	pid_t r;
	while ((r = waitpid(pid, &st, flags)) == -1 && errno == EINTR)
		;
	return r == pid ? st : -1;
}

static void bad_cs(int sig, siginfo_t* si, void* ucv)
{
	(void)sig;
	(void)si;
	ucontext_t* uc = ucv;
	/* CS lives in the low 16 bits of gregs[REG_CSGSFS] */
	uc->uc_mcontext.gregs[REG_CSGSFS] = (uc->uc_mcontext.gregs[REG_CSGSFS] & ~0xffffLL) | 0x08;
}

int main(void)
{
	ut_prog = "sig_proc";
	setvbuf(stdout, NULL, _IONBF, 0);
	pid_t me = getpid();

	/* death by signal */
	int sigs[] = {SIGTERM, SIGKILL, SIGUSR1, SIGQUIT};
	for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		pid_t c = fork();
		if (c == 0) {
			for (;;)
				pause();
		}
		sleep_ms(10);
		kill(c, sigs[i]);
		int st = wait_status(c, 0);
		UT_EXPECT(WIFSIGNALED(st) && WTERMSIG(st) == sigs[i] && !WCOREDUMP(st),
		          "killed by signal %d: status %#x", sigs[i], st);
	}
	pid_t c = fork();
	if (c == 0) {
		*(volatile int*)0 = 1;
		_exit(0);
	}
	int st = wait_status(c, 0);
	UT_EXPECT(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV && !WCOREDUMP(st),
	          "SIGSEGV: core signal, no core dumped (RLIMIT_CORE 0): status %#x", st);
	c = fork();
	if (c == 0) {
		sigset_t s;
		sigemptyset(&s);
		sigaddset(&s, SIGSEGV);
		sigprocmask(SIG_BLOCK, &s, NULL);
		signal(SIGSEGV, nothing);
		*(volatile int*)0 = 1; /* blocked: unblocked and reset to SIG_DFL */
		_exit(0);
	}
	st = wait_status(c, 0);
	UT_EXPECT(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "a fault with SIGSEGV blocked still kills: %#x", st);
	c = fork();
	if (c == 0) {
		struct {
			void* h;
			unsigned long flags;
			void* restorer;
			uint64_t mask;
		} ka = {(void*)nothing, 0, NULL, 0};
		syscall(SYS_rt_sigaction, SIGUSR1, &ka, NULL, 8);
		raise(SIGUSR1);
		_exit(0);
	}
	st = wait_status(c, 0);
	UT_EXPECT(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "a handler without SA_RESTORER: SIGSEGV (%#x)", st);
	c = fork();
	if (c == 0) {
		struct sigaction sa;
		memset(&sa, 0, sizeof(sa));
		sa.sa_sigaction = bad_cs;
		sa.sa_flags = SA_SIGINFO;
		sigaction(SIGUSR1, &sa, NULL);
		raise(SIGUSR1);
		_exit(0);
	}
	st = wait_status(c, 0);
	UT_EXPECT(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "rt_sigreturn with a kernel CS: SIGSEGV (%#x)", st);

	/* SIGCHLD's siginfo for an exit */
	set_chld(0);
	chld_hits = 0;
	c = fork();
	if (c == 0)
		_exit(42);
	while (!chld_hits)
		pause();
	UT_EXPECT(chld_info[0].si_signo == SIGCHLD && chld_info[0].si_code == CLD_EXITED && chld_info[0].si_pid == c &&
	              chld_info[0].si_status == 42,
	          "SIGCHLD: CLD_EXITED, si_pid, si_status 42 (%d, %d)", chld_info[0].si_code, chld_info[0].si_status);
	st = wait_status(c, 0);
	UT_EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 42, "then reaped: %#x", st);
	chld_hits = 0;
	c = fork();
	if (c == 0) {
		for (;;)
			pause();
	}
	sleep_ms(10);
	kill(c, SIGTERM);
	while (!chld_hits)
		pause();
	UT_EXPECT(chld_info[0].si_code == CLD_KILLED && chld_info[0].si_status == SIGTERM,
	          "SIGCHLD: CLD_KILLED with the signal (%d, %d)", chld_info[0].si_code, chld_info[0].si_status);
	wait_status(c, 0);

	/* stop and continue */
	chld_hits = 0;
	c = fork();
	if (c == 0) {
		for (;;)
			pause();
	}
	sleep_ms(10);
	kill(c, SIGSTOP);
	st = wait_status(c, WUNTRACED);
	UT_EXPECT(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP, "WUNTRACED: stopped by SIGSTOP (%#x)", st);
	while (chld_hits < 1)
		pause();
	UT_EXPECT(chld_info[0].si_code == CLD_STOPPED && chld_info[0].si_status == SIGSTOP && chld_info[0].si_pid == c,
	          "SIGCHLD: CLD_STOPPED, si_status SIGSTOP (%d, %d)", chld_info[0].si_code, chld_info[0].si_status);
	UT_EXPECT(waitpid(c, &st, WUNTRACED | WNOHANG) == 0, "a stop is reported once");
	kill(c, SIGCONT);
	st = wait_status(c, WCONTINUED);
	UT_EXPECT(WIFCONTINUED(st), "WCONTINUED: continued (%#x)", st);
	while (chld_hits < 2)
		pause();
	UT_EXPECT(chld_info[1].si_code == CLD_CONTINUED && chld_info[1].si_status == SIGCONT,
	          "SIGCHLD: CLD_CONTINUED, si_status SIGCONT (%d, %d)", chld_info[1].si_code, chld_info[1].si_status);
	/* init's child is in an orphaned process group (its parent, init, is
	 * in the same one): SIGTSTP is discarded there */
	kill(c, SIGTSTP);
	sleep_ms(20);
	UT_EXPECT(waitpid(c, &st, WUNTRACED | WNOHANG) == 0, "SIGTSTP in an orphaned process group: discarded");
	kill(c, SIGSTOP);
	st = wait_status(c, WUNTRACED);
	UT_EXPECT(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP, "stopped by SIGSTOP again (%#x)", st);
	kill(c, SIGKILL); /* kills a stopped process */
	st = wait_status(c, 0);
	UT_EXPECT(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "SIGKILL ends a stopped child (%#x)", st);
	/* SA_NOCLDSTOP: no SIGCHLD for the stop */
	set_chld(SA_NOCLDSTOP);
	c = fork();
	if (c == 0) {
		for (;;)
			pause();
	}
	sleep_ms(10);
	chld_hits = 0;
	kill(c, SIGSTOP);
	st = wait_status(c, WUNTRACED);
	sleep_ms(20);
	UT_EXPECT(WIFSTOPPED(st) && chld_hits == 0, "SA_NOCLDSTOP: stopped, no SIGCHLD");
	kill(c, SIGKILL);
	wait_status(c, 0);
	set_chld(0);

	/* nanosleep across a stop: restart_syscall goes on to the same end */
	c = fork();
	if (c == 0) {
		struct timespec t0, req = {0, 300000000};
		clock_gettime(CLOCK_MONOTONIC, &t0);
		int r = nanosleep(&req, NULL);
		long el = ms_since(&t0);
		_exit(r == 0 && el >= 300 && el < 1000 ? 0 : 1);
	}
	sleep_ms(50);
	kill(c, SIGSTOP);
	wait_status(c, WUNTRACED);
	sleep_ms(50);
	kill(c, SIGCONT);
	st = wait_status(c, 0);
	UT_EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 0, "nanosleep continued after SIGSTOP/SIGCONT (%#x)", st);

	/* autoreap: SIG_IGN and SA_NOCLDWAIT */
	signal(SIGCHLD, SIG_IGN);
	c = fork();
	if (c == 0)
		_exit(3);
	errno = 0;
	UT_EXPECT(waitpid(c, &st, 0) == -1 && errno == ECHILD, "SIGCHLD SIG_IGN: reaped at once, wait ECHILD");
	set_chld(SA_NOCLDWAIT);
	chld_hits = 0;
	c = fork();
	if (c == 0)
		_exit(3);
	errno = 0;
	UT_EXPECT(waitpid(c, &st, 0) == -1 && errno == ECHILD, "SA_NOCLDWAIT: reaped at once, wait ECHILD");
	UT_EXPECT(chld_hits == 1, "SA_NOCLDWAIT: SIGCHLD still sent (%d)", chld_hits);
	set_chld(0);

	/* permissions: nobody may not signal root's processes, except
	 * SIGCONT in the same session; root may signal nobody's */
	c = fork();
	if (c == 0) {
		if (setuid(65534) != 0)
			_exit(10);
		int bad = 0;
		if (!(kill(me, 0) == -1 && errno == EPERM))
			bad |= 1;
		if (!(kill(me, SIGUSR1) == -1 && errno == EPERM))
			bad |= 2;
		if (!(syscall(SYS_tgkill, me, me, SIGUSR1) == -1 && errno == EPERM))
			bad |= 4;
		if (kill(me, SIGCONT) != 0)
			bad |= 8;
		if (kill(-1, SIGUSR1) != 0) /* every target EPERM: 0, as Linux's kill_something_info */
			bad |= 16;
		if (kill(getpid(), 0) != 0)
			bad |= 32;
		_exit(bad);
	}
	st = wait_status(c, 0);
	UT_EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 0, "as nobody: EPERM for root's process, SIGCONT allowed (%#x)",
	          st);
	c = fork();
	if (c == 0) {
		if (setuid(65534) != 0)
			_exit(10);
		for (;;)
			pause();
	}
	sleep_ms(10);
	UT_EXPECT(kill(c, SIGTERM) == 0, "root signals nobody's process");
	st = wait_status(c, 0);
	UT_EXPECT(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "...which dies of it (%#x)", st);

	/* kill(0) and kill(-pgrp): the process group */
	c = fork();
	if (c == 0) {
		for (;;)
			pause();
	}
	if (setpgid(c, c) == 0) {
		UT_EXPECT(kill(-c, SIGTERM) == 0, "kill(-pgrp)");
		st = wait_status(c, 0);
		UT_EXPECT(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "the group's process died (%#x)", st);
	} else {
		printf("# setpgid: %s; kill(-pgrp) not tested\n", strerror(errno));
		kill(c, SIGKILL);
		wait_status(c, 0);
	}
	UT_EXPECT(kill(-99999, SIGTERM) == -1 && errno == ESRCH, "kill(-no such group): ESRCH");

	/* 100,000 signals ping-ponged */
	signal(SIGUSR1, nothing);
	sigset_t usr1, old;
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, &old);
	sigset_t wait_mask = old;
	sigdelset(&wait_mask, SIGUSR1);
	const int N = 50000;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	c = fork();
	if (c == 0) {
		pid_t parent = getppid();
		for (int i = 0; i < N; i++) {
			sigsuspend(&wait_mask);
			kill(parent, SIGUSR1);
		}
		_exit(0);
	}
	int sent = 0;
	for (int i = 0; i < N; i++) {
		if (kill(c, SIGUSR1) == 0)
			sent++;
		sigsuspend(&wait_mask);
		if ((i + 1) % 10000 == 0)
			printf("# ping-pong: %d round trips, %ld ms\n", i + 1, ms_since(&t0));
	}
	st = wait_status(c, 0);
	UT_EXPECT(sent == N && WIFEXITED(st) && WEXITSTATUS(st) == 0, "100,000 signals ping-ponged in %ld ms",
	          ms_since(&t0));
	sigprocmask(SIG_SETMASK, &old, NULL);
	return ut_done();
}
