/*
 * ptrace_more: more of ptrace (issue 13 part 8): a syscall changed or
 * skipped at its entry stop, signals suppressed and replaced at their
 * delivery stop, DETACH with a signal, TRACECLONE and TRACEVFORK events,
 * EXITKILL when the tracer dies, GETREGSET NT_X86_XSTATE/NT_PRFPREG and a
 * SETFPREGS change the tracee sees.  Runs as init on monolith and Linux
 * 6.1.
 */
#define _GNU_SOURCE
#include "utest.h"
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>
#include <sys/uio.h>

#define P_TRACEME 0
#define P_PEEKTEXT 1
#define P_PEEKDATA 2
#define P_PEEKUSER 3
#define P_POKETEXT 4
#define P_POKEDATA 5
#define P_POKEUSER 6
#define P_CONT 7
#define P_KILL 8
#define P_SINGLESTEP 9
#define P_GETREGS 12
#define P_SETREGS 13
#define P_GETFPREGS 14
#define P_ATTACH 16
#define P_DETACH 17
#define P_SYSCALL 24
#define P_SETOPTIONS 0x4200
#define P_GETEVENTMSG 0x4201
#define P_GETSIGINFO 0x4202
#define P_GETREGSET 0x4204
#define P_SEIZE 0x4206
#define P_INTERRUPT 0x4207
#define P_LISTEN 0x4208
#define P_GET_SYSCALL_INFO 0x420e

#define O_TRACESYSGOOD 1
#define O_TRACEFORK 2
#define O_TRACEEXEC 0x10
#define O_TRACEEXIT 0x40
#define EV_FORK 1
#define EV_EXEC 4
#define EV_EXIT 6
#define EV_STOP 128

struct syscall_info {
	uint8_t op;
	uint8_t pad[3];
	uint32_t arch;
	uint64_t ip, sp;
	union {
		struct {
			uint64_t nr, args[6];
		} entry;
		struct {
			int64_t rval;
			uint8_t is_error;
		} exit;
	};
};

static long pt(long req, pid_t pid, unsigned long addr, unsigned long data)
{
	return syscall(SYS_ptrace, req, pid, addr, data);
}


static pid_t traceme_child(void (*body)(void))
{
	pid_t pid = fork();
	if (pid == 0) {
		if (pt(P_TRACEME, 0, 0, 0) != 0)
			_exit(100);
		raise(SIGSTOP);
		body();
		_exit(0);
	}
	return pid;
}

static int wait_stop(pid_t pid)
{
	int st = 0;
	if (waitpid(pid, &st, __WALL) != pid)
		return -1;
	return st;
}

/* the next stop that is not a SIGCHLD signal-delivery stop (those are
 * passed on to the child) */
static int wait_event(pid_t pid)
{
	for (;;) {
		int st = wait_stop(pid);
		if (!WIFSTOPPED(st) || (st >> 8) != SIGCHLD)
			return st;
		pt(P_CONT, pid, 0, SIGCHLD);
	}
}


#define O_TRACEVFORK 4
#define O_TRACECLONE 8
#define O_EXITKILL (1 << 20)
#define EV_VFORK 2
#define EV_CLONE 3
#define P_SETFPREGS 15
#define P_SETSIGINFO 0x4203

static void body_syscall_change(void)
{
	long a = syscall(SYS_getpid);
	long b = syscall(SYS_getpid);
	_exit(a == getppid() && b == 1234 ? 0 : 1);
}

static void test_syscall_change(void)
{
	pid_t c = traceme_child(body_syscall_change);
	int st = wait_stop(c);
	pt(P_SETOPTIONS, c, 0, O_TRACESYSGOOD);
	int n = 0, ok = 1;
	for (;;) {
		pt(P_SYSCALL, c, 0, 0);
		st = wait_stop(c);
		if (!WIFSTOPPED(st))
			break;
		struct syscall_info si;
		pt(P_GET_SYSCALL_INFO, c, sizeof(si), (unsigned long)&si);
		if (si.op != 1 || si.entry.nr != SYS_getpid)
			continue;
		struct user_regs_struct r;
		pt(P_GETREGS, c, 0, (unsigned long)&r);
		if (n == 0) {
			r.orig_rax = SYS_getppid; /* the first becomes getppid */
		} else {
			r.orig_rax = -1; /* the second is skipped, its result ours */
			r.rax = 1234;
		}
		if (pt(P_SETREGS, c, 0, (unsigned long)&r))
			ok = 0;
		n++;
	}
	UT_EXPECT(ok && n == 2, "two getpid entry stops rewritten");
	UT_EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 0, "getpid became getppid, then skipped with rax 1234 (%#x)", st);
}

static volatile int usr1_hits, usr2_hits;
static void on_usr1(int s) { (void)s; usr1_hits++; }
static void on_usr2(int s) { (void)s; usr2_hits++; }

static void body_signals(void)
{
	signal(SIGUSR1, on_usr1);
	signal(SIGUSR2, on_usr2);
	raise(SIGUSR1); /* suppressed by the tracer */
	raise(SIGUSR1); /* replaced by SIGUSR2 */
	_exit(usr1_hits * 10 + usr2_hits);
}

static void test_signals(void)
{
	pid_t c = traceme_child(body_signals);
	int st = wait_stop(c);
	pt(P_CONT, c, 0, 0);
	st = wait_stop(c);
	UT_EXPECT(WIFSTOPPED(st) && WSTOPSIG(st) == SIGUSR1, "a signal-delivery stop for SIGUSR1 (%#x)", st);
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	UT_EXPECT(pt(P_GETSIGINFO, c, 0, (unsigned long)&si) == 0 && si.si_signo == SIGUSR1 && si.si_code == SI_TKILL &&
	              si.si_pid == c,
	          "GETSIGINFO: SIGUSR1 from tkill by the child (code %d)", si.si_code);
	UT_EXPECT(pt(P_SETSIGINFO, c, 0, (unsigned long)&si) == 0, "SETSIGINFO");
	pt(P_CONT, c, 0, 0);
	st = wait_stop(c);
	UT_EXPECT(WIFSTOPPED(st) && WSTOPSIG(st) == SIGUSR1, "the second SIGUSR1 stop");
	pt(P_CONT, c, 0, SIGUSR2);
	st = wait_stop(c);
	UT_EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 1, "first suppressed, second replaced by SIGUSR2 (status %#x)", st);
	UT_EXPECT(pt(P_GETSIGINFO, c, 0, (unsigned long)&si) == -1 && errno == ESRCH, "GETSIGINFO on a reaped child: ESRCH");
}

static void test_detach_signal(void)
{
	pid_t c = traceme_child(body_signals);
	int st = wait_stop(c);
	UT_EXPECT(pt(P_DETACH, c, 0, 999) == -1 && errno == EIO, "DETACH with an invalid signal: EIO");
	UT_EXPECT(pt(P_DETACH, c, 0, SIGTERM) == 0, "DETACH with SIGTERM");
	st = wait_stop(c);
	UT_EXPECT(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "the detached child dies of SIGTERM (%#x)", st);
}

static void body_clone(void)
{
	/* a clone child (exit signal 0), then a vfork child */
	long r = syscall(SYS_clone, 0UL, 0UL, 0UL, 0UL, 0UL);
	if (r == 0)
		_exit(4);
	int st;
	waitpid((pid_t)r, &st, __WCLONE);
	pid_t v = vfork();
	if (v == 0)
		_exit(6);
	waitpid(v, &st, 0);
	_exit(0);
}

static void test_clone(void)
{
	pid_t c = traceme_child(body_clone);
	int st = wait_stop(c);
	UT_EXPECT(pt(P_SETOPTIONS, c, 0, O_TRACECLONE | O_TRACEVFORK) == 0, "SETOPTIONS clone/vfork");
	pt(P_CONT, c, 0, 0);
	st = wait_event(c);
	UT_EXPECT(WIFSTOPPED(st) && (st >> 16) == EV_CLONE, "PTRACE_EVENT_CLONE (%#x)", st);
	unsigned long msg = 0;
	pt(P_GETEVENTMSG, c, 0, (unsigned long)&msg);
	pid_t k = (pid_t)msg;
	st = wait_stop(k);
	UT_EXPECT(k > 0 && WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP, "the clone child %d starts stopped (%#x)", k, st);
	pt(P_DETACH, k, 0, 0);
	pt(P_CONT, c, 0, 0);
	st = wait_event(c);
	UT_EXPECT(WIFSTOPPED(st) && (st >> 16) == EV_VFORK, "PTRACE_EVENT_VFORK (%#x)", st);
	pt(P_GETEVENTMSG, c, 0, (unsigned long)&msg);
	k = (pid_t)msg;
	st = wait_stop(k);
	UT_EXPECT(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP, "the vfork child starts stopped");
	pt(P_DETACH, k, 0, 0);
	pt(P_CONT, c, 0, 0);
	st = wait_event(c);
	UT_EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the parent runs to exit 0 (%#x)", st);
}

static void spin_child(void)
{
	for (;;)
		pause();
}

static void test_exitkill(void)
{
	pid_t victim = fork();
	if (victim == 0)
		spin_child();
	pid_t tracer = fork();
	if (tracer == 0) {
		/* not our child: a sibling, attached to as root */
		if (pt(P_SEIZE, victim, 0, O_EXITKILL))
			_exit(1);
		_exit(0);
	}
	int st = wait_stop(tracer);
	UT_EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 0, "a sibling SEIZEs with EXITKILL and exits");
	st = wait_stop(victim);
	UT_EXPECT(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "the tracee dies with its tracer (%#x)", st);
}

static void body_fp(void)
{
	double x = 1.5;
	asm volatile("movsd %0, %%xmm7" ::"m"(x));
	asm volatile("int3");
	double y;
	asm volatile("movsd %%xmm7, %0" : "=m"(y));
	_exit(y == 2.5 ? 0 : 1);
}

static void test_fp(void)
{
	pid_t c = traceme_child(body_fp);
	int st = wait_stop(c);
	pt(P_CONT, c, 0, 0);
	st = wait_stop(c);
	UT_EXPECT(WIFSTOPPED(st) && WSTOPSIG(st) == SIGTRAP, "int3 stop");
	struct user_fpregs_struct fp;
	pt(P_GETFPREGS, c, 0, (unsigned long)&fp);
	double x;
	memcpy(&x, &fp.xmm_space[7 * 4], sizeof(x));
	UT_EXPECT(x == 1.5, "GETFPREGS: xmm7 holds 1.5");
	static unsigned char xs[4096] __attribute__((aligned(64)));
	struct iovec iov = {xs, sizeof(xs)};
	long rs = pt(P_GETREGSET, c, 0x202, (unsigned long)&iov);
	int e = errno;
	if (rs == -1 && e == ENODEV) {
		/* a CPU without XSAVE (QEMU's default): no such regset, as Linux */
		UT_EXPECT(1, "GETREGSET NT_X86_XSTATE without XSAVE: ENODEV");
	} else {
		UT_EXPECT(rs == 0 && iov.iov_len > 512 && iov.iov_len < sizeof(xs),
		          "GETREGSET NT_X86_XSTATE: %zu bytes (ret %ld errno %d)", iov.iov_len, rs, e);
		uint32_t magic;
		memcpy(&magic, xs + 464, 4);
		UT_EXPECT(magic == 0x46505853, "with FP_XSTATE_MAGIC1 in the software bytes");
	}
	iov.iov_base = xs;
	iov.iov_len = sizeof(xs);
	UT_EXPECT(pt(P_GETREGSET, c, 2, (unsigned long)&iov) == 0 && iov.iov_len == 512, "GETREGSET NT_PRFPREG: %zu bytes",
	          iov.iov_len);
	memcpy(&x, xs + 160 + 7 * 16, sizeof(x));
	UT_EXPECT(x == 1.5, "xmm7 in the FXSAVE area");
	iov.iov_len = 13;
	UT_EXPECT(pt(P_GETREGSET, c, 2, (unsigned long)&iov) == -1 && errno == EINVAL, "a length not a multiple of 8: EINVAL");
	fp.mxcsr = 0xffff0000;
	UT_EXPECT(pt(P_SETFPREGS, c, 0, (unsigned long)&fp) == -1 && errno == EINVAL, "SETFPREGS with reserved MXCSR bits: EINVAL");
	fp.mxcsr = 0x1f80;
	x = 2.5;
	memcpy(&fp.xmm_space[7 * 4], &x, sizeof(x));
	UT_EXPECT(pt(P_SETFPREGS, c, 0, (unsigned long)&fp) == 0, "SETFPREGS xmm7 = 2.5");
	pt(P_CONT, c, 0, 0);
	st = wait_stop(c);
	UT_EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the child reads 2.5 from xmm7 (%#x)", st);
}

int main(void)
{
	ut_prog = "ptrace_more";
	setvbuf(stdout, NULL, _IONBF, 0);
	test_syscall_change();
	test_signals();
	test_detach_signal();
	test_clone();
	test_exitkill();
	test_fp();
	return ut_done();
}
