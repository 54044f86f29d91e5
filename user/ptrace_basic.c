/*
 * ptrace_basic: ptrace (issue 13 part 8) by hand: TRACEME + SIGSTOP,
 * PEEK/POKEDATA, GETREGS/SETREGS (a register the child then uses), a
 * breakpoint (int3 POKETEXTed into read-only text, the SIGTRAP at rip-1,
 * the byte and rip restored), PTRACE_SYSCALL stops of getpid() with
 * TRACESYSGOOD and GET_SYSCALL_INFO, SINGLESTEP, TRACEFORK/TRACEEXEC/
 * TRACEEXIT with GETEVENTMSG, SEIZE+INTERRUPT+LISTEN, ATTACH/DETACH, a
 * tiny strace of a child, and the errors (EPERM, ESRCH, EIO, EFAULT,
 * EINVAL).  Runs as init on monolith and on Linux 6.1.
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

static const char* self_path;
static volatile long global_word = 1;

static int __attribute__((noinline)) breakpoint_target(int x)
{
	asm volatile("" ::: "memory");
	return x * 3 + 1;
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

static void body_global(void)
{
	_exit((int)global_word);
}

static void test_peek_poke(void)
{
	pid_t c = traceme_child(body_global);
	int st = wait_stop(c);
	UT_EXPECT(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP, "TRACEME child stops with SIGSTOP (status %#x)", st);
	unsigned long w = 0;
	UT_EXPECT(pt(P_PEEKDATA, c, (unsigned long)&global_word, (unsigned long)&w) == 0 && w == 1,
	          "PEEKDATA reads the child's word (%lu)", w);
	UT_EXPECT(pt(P_POKEDATA, c, (unsigned long)&global_word, 42) == 0, "POKEDATA");
	errno = 0;
	UT_EXPECT(pt(P_PEEKDATA, c, 8, (unsigned long)&w) == -1 && errno == EIO, "PEEKDATA at address 8: EIO");
	UT_EXPECT(pt(P_PEEKDATA, c, (unsigned long)&global_word, 1) == -1 && errno == EFAULT,
	          "PEEKDATA into a bad pointer: EFAULT");
	UT_EXPECT(pt(P_GETREGS, c, 0, 1) == -1 && errno == EFAULT, "GETREGS into a bad pointer: EFAULT");
	UT_EXPECT(pt(P_SETOPTIONS, c, 0, 1UL << 30) == -1 && errno == EINVAL, "SETOPTIONS with a bad bit: EINVAL");
	UT_EXPECT(pt(0x1234, c, 0, 0) == -1 && errno == EIO, "an unknown request: EIO");
	UT_EXPECT(pt(P_PEEKUSER, c, 3, (unsigned long)&w) == -1 && errno == EIO, "PEEKUSER unaligned: EIO");
	UT_EXPECT(pt(P_PEEKUSER, c, offsetof(struct user, regs.orig_rax), (unsigned long)&w) == 0,
	          "PEEKUSER orig_rax");
	UT_EXPECT(pt(P_CONT, c, 0, 0) == 0, "CONT");
	st = wait_stop(c);
	UT_EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 42, "the child exits with the poked value (status %#x)", st);
}

static void body_regs(void)
{
	long v;
	asm volatile("int3" : "=a"(v) : "a"(5L) : "memory");
	_exit((int)v);
}

static void test_regs(void)
{
	pid_t c = traceme_child(body_regs);
	int st = wait_stop(c);
	UT_EXPECT(pt(P_CONT, c, 0, 0) == 0, "CONT past the SIGSTOP");
	st = wait_stop(c);
	UT_EXPECT(WIFSTOPPED(st) && WSTOPSIG(st) == SIGTRAP, "int3: a SIGTRAP stop (status %#x)", st);
	struct user_regs_struct r;
	UT_EXPECT(pt(P_GETREGS, c, 0, (unsigned long)&r) == 0 && r.rax == 5, "GETREGS: rax %llu",
	          (unsigned long long)r.rax);
	unsigned long rip = 0;
	UT_EXPECT(pt(P_PEEKUSER, c, offsetof(struct user, regs.rip), (unsigned long)&rip) == 0 && rip == r.rip,
	          "PEEKUSER rip matches GETREGS");
	UT_EXPECT(r.cs == 0x33 && r.ss == 0x2b, "cs %#llx ss %#llx", (unsigned long long)r.cs,
	          (unsigned long long)r.ss);
	struct user_regs_struct bad = r;
	bad.cs = 0x8;
	UT_EXPECT(pt(P_SETREGS, c, 0, (unsigned long)&bad) == -1 && errno == EIO, "SETREGS with a kernel cs: EIO");
	r.rax = 77;
	UT_EXPECT(pt(P_SETREGS, c, 0, (unsigned long)&r) == 0, "SETREGS rax=77");
	struct user_fpregs_struct fp;
	UT_EXPECT(pt(P_GETFPREGS, c, 0, (unsigned long)&fp) == 0 && (fp.mxcsr & 0xffff0000) == 0,
	          "GETFPREGS (mxcsr %#x)", fp.mxcsr);
	struct user_regs_struct r2;
	struct {
		void* base;
		size_t len;
	} iov = {&r2, sizeof(r2) + 64};
	UT_EXPECT(pt(P_GETREGSET, c, 1 /* NT_PRSTATUS */, (unsigned long)&iov) == 0 && iov.len == sizeof(r2) &&
	              r2.rax == 77,
	          "GETREGSET NT_PRSTATUS clamps the length (%zu)", iov.len);
	UT_EXPECT(pt(P_CONT, c, 0, 0) == 0, "CONT");
	st = wait_stop(c);
	UT_EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 77, "the child used the new rax (status %#x)", st);
}

static void body_breakpoint(void)
{
	_exit(breakpoint_target(2) == 7 ? 0 : 1);
}

static void test_breakpoint(void)
{
	pid_t c = traceme_child(body_breakpoint);
	int st = wait_stop(c);
	unsigned long addr = (unsigned long)&breakpoint_target, orig = 0;
	UT_EXPECT(pt(P_PEEKTEXT, c, addr, (unsigned long)&orig) == 0, "PEEKTEXT the function");
	UT_EXPECT(pt(P_POKETEXT, c, addr, (orig & ~0xffUL) | 0xcc) == 0, "POKETEXT an int3 into read-only text");
	unsigned long now = 0;
	(void)pt(P_PEEKTEXT, c, addr, (unsigned long)&now);
	UT_EXPECT((now & 0xff) == 0xcc, "the int3 is there");
	UT_EXPECT(*(volatile unsigned char*)addr != 0xcc, "our own text is untouched (COW)");
	pt(P_CONT, c, 0, 0);
	st = wait_stop(c);
	UT_EXPECT(WIFSTOPPED(st) && WSTOPSIG(st) == SIGTRAP, "the breakpoint's SIGTRAP stop");
	struct user_regs_struct r;
	pt(P_GETREGS, c, 0, (unsigned long)&r);
	UT_EXPECT(r.rip == addr + 1, "rip is the breakpoint + 1");
	UT_EXPECT(pt(P_POKETEXT, c, addr, orig) == 0, "the byte restored");
	r.rip = addr;
	UT_EXPECT(pt(P_SETREGS, c, 0, (unsigned long)&r) == 0, "rip back at the breakpoint");
	pt(P_CONT, c, 0, 0);
	st = wait_stop(c);
	UT_EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the child runs to exit 0 (status %#x)", st);
}

#define N_GETPID 10
static void body_getpid(void)
{
	for (int i = 0; i < N_GETPID; i++)
		syscall(SYS_getpid);
	_exit(0);
}

static void test_syscall(void)
{
	pid_t c = traceme_child(body_getpid);
	int st = wait_stop(c);
	UT_EXPECT(pt(P_SETOPTIONS, c, 0, O_TRACESYSGOOD) == 0, "SETOPTIONS TRACESYSGOOD");
	int stops = 0, entries = 0, exits = 0, info_ok = 1, good = 1;
	for (;;) {
		if (pt(P_SYSCALL, c, 0, 0) != 0)
			break;
		st = wait_stop(c);
		if (!WIFSTOPPED(st))
			break;
		if (WSTOPSIG(st) != (SIGTRAP | 0x80)) {
			good = 0;
			continue;
		}
		struct user_regs_struct r;
		pt(P_GETREGS, c, 0, (unsigned long)&r);
		struct syscall_info si;
		memset(&si, 0xff, sizeof(si));
		long n = pt(P_GET_SYSCALL_INFO, c, sizeof(si), (unsigned long)&si);
		if (r.orig_rax != SYS_getpid)
			continue;
		stops++;
		if (si.op == 1) {
			entries++;
			if (n != 80 || si.entry.nr != SYS_getpid || si.arch != 0xC000003E || si.ip != r.rip ||
			    r.rax != (unsigned long long)-ENOSYS)
				info_ok = 0;
		} else if (si.op == 2) {
			exits++;
			if (n != 33 || si.exit.rval != c || si.exit.is_error)
				info_ok = 0;
		} else {
			info_ok = 0;
		}
	}
	UT_EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the traced child exits");
	UT_EXPECT(good, "every syscall-stop is SIGTRAP|0x80");
	UT_EXPECT(stops == 2 * N_GETPID && entries == N_GETPID && exits == N_GETPID,
	          "%d getpid syscall-stops (%d entries, %d exits)", stops, entries, exits);
	UT_EXPECT(info_ok, "GET_SYSCALL_INFO: entry nr/arch/ip (80 bytes), exit rval (33 bytes)");
}

static void body_step(void)
{
	asm volatile("nop; nop; nop; nop; nop" ::: "memory");
	_exit(0);
}

static void test_singlestep(void)
{
	pid_t c = traceme_child(body_step);
	int st = wait_stop(c);
	struct user_regs_struct r;
	pt(P_GETREGS, c, 0, (unsigned long)&r);
	unsigned long long last = r.rip;
	int ok = 1;
	for (int i = 0; i < 5; i++) {
		if (pt(P_SINGLESTEP, c, 0, 0) != 0) {
			ok = 0;
			break;
		}
		st = wait_stop(c);
		if (!WIFSTOPPED(st) || WSTOPSIG(st) != SIGTRAP) {
			ok = 0;
			break;
		}
		pt(P_GETREGS, c, 0, (unsigned long)&r);
		if (r.rip == last || (r.eflags & 0x100))
			ok = 0;
		last = r.rip;
	}
	UT_EXPECT(ok, "five SINGLESTEPs, each a SIGTRAP stop at a new rip, TF hidden");
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	UT_EXPECT(pt(P_GETSIGINFO, c, 0, (unsigned long)&si) == 0 && si.si_signo == SIGTRAP && si.si_code == 2,
	          "GETSIGINFO: SIGTRAP TRAP_TRACE (code %d)", si.si_code);
	pt(P_CONT, c, 0, 0);
	st = wait_stop(c);
	UT_EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 0, "runs on to exit 0 (status %#x)", st);
}

static void body_events(void)
{
	pid_t g = fork();
	if (g == 0)
		_exit(3);
	int st;
	waitpid(g, &st, 0);
	char* argv[] = {(char*)self_path, (char*)"exec-child", NULL};
	execv(self_path, argv);
	_exit(99);
}

static void test_events(void)
{
	pid_t c = traceme_child(body_events);
	int st = wait_stop(c);
	UT_EXPECT(pt(P_SETOPTIONS, c, 0, O_TRACEFORK | O_TRACEEXEC | O_TRACEEXIT) == 0, "SETOPTIONS fork/exec/exit");
	pt(P_CONT, c, 0, 0);
	st = wait_stop(c);
	UT_EXPECT(WIFSTOPPED(st) && (st >> 8) == (SIGTRAP | (EV_FORK << 8)), "PTRACE_EVENT_FORK stop (%#x)", st);
	unsigned long msg = 0;
	pt(P_GETEVENTMSG, c, 0, (unsigned long)&msg);
	pid_t g = (pid_t)msg;
	UT_EXPECT(g > 0 && g != c, "GETEVENTMSG: the new pid %d", g);
	st = wait_stop(g);
	UT_EXPECT(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP, "the new child is traced and starts stopped (%#x)", st);
	UT_EXPECT(pt(P_DETACH, g, 0, 0) == 0, "DETACH it");
	pt(P_CONT, c, 0, 0);
	st = wait_event(c);
	UT_EXPECT(WIFSTOPPED(st) && (st >> 8) == (SIGTRAP | (EV_EXEC << 8)), "PTRACE_EVENT_EXEC stop (%#x)", st);
	msg = 0;
	pt(P_GETEVENTMSG, c, 0, (unsigned long)&msg);
	UT_EXPECT((pid_t)msg == c, "GETEVENTMSG: the former pid");
	pt(P_CONT, c, 0, 0);
	st = wait_stop(c);
	UT_EXPECT(WIFSTOPPED(st) && (st >> 8) == (SIGTRAP | (EV_EXIT << 8)), "PTRACE_EVENT_EXIT stop (%#x)", st);
	msg = 0;
	pt(P_GETEVENTMSG, c, 0, (unsigned long)&msg);
	UT_EXPECT(msg == (5 << 8), "GETEVENTMSG: the exit status %#lx", msg);
	pt(P_CONT, c, 0, 0);
	st = wait_stop(c);
	UT_EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 5, "exits 5 (status %#x)", st);
}

static void test_legacy_exec(void)
{
	pid_t c = fork();
	if (c == 0) {
		pt(P_TRACEME, 0, 0, 0);
		char* argv[] = {(char*)self_path, (char*)"exec-child", NULL};
		execv(self_path, argv);
		_exit(99);
	}
	int st = wait_stop(c);
	UT_EXPECT(WIFSTOPPED(st) && WSTOPSIG(st) == SIGTRAP && (st >> 16) == 0, "execve under TRACEME: SIGTRAP (%#x)", st);
	pt(P_CONT, c, 0, 0);
	st = wait_stop(c);
	UT_EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 5, "then exits 5");
}

static void spin_child(void)
{
	for (;;)
		pause();
}

static void test_seize(void)
{
	pid_t c = fork();
	if (c == 0)
		spin_child();
	usleep(20000);
	UT_EXPECT(pt(P_SEIZE, c, 0, 1UL << 30) == -1 && errno == EIO, "SEIZE with bad options: EIO");
	UT_EXPECT(pt(P_SEIZE, c, 0, 0) == 0, "SEIZE");
	int st = 0;
	UT_EXPECT(waitpid(c, &st, WNOHANG | __WALL) == 0, "SEIZE does not stop it");
	unsigned long w;
	UT_EXPECT(pt(P_PEEKDATA, c, (unsigned long)&global_word, (unsigned long)&w) == -1 && errno == ESRCH,
	          "PEEKDATA on a running tracee: ESRCH");
	UT_EXPECT(pt(P_INTERRUPT, c, 0, 0) == 0, "INTERRUPT");
	st = wait_stop(c);
	UT_EXPECT(WIFSTOPPED(st) && WSTOPSIG(st) == SIGTRAP && (st >> 16) == EV_STOP, "a PTRACE_EVENT_STOP (%#x)", st);
	UT_EXPECT(pt(P_LISTEN, c, 0, 0) == 0, "LISTEN");
	UT_EXPECT(waitpid(c, &st, WNOHANG | __WALL) == 0, "a listening tracee reports nothing");
	UT_EXPECT(pt(P_PEEKDATA, c, (unsigned long)&global_word, (unsigned long)&w) == -1 && errno == ESRCH,
	          "a listening tracee is not stopped for requests: ESRCH");
	UT_EXPECT(pt(P_INTERRUPT, c, 0, 0) == 0, "INTERRUPT it again");
	st = wait_stop(c);
	UT_EXPECT(WIFSTOPPED(st) && (st >> 16) == EV_STOP, "another PTRACE_EVENT_STOP (%#x)", st);
	UT_EXPECT(pt(P_CONT, c, 0, 0) == 0, "CONT");
	kill(c, SIGKILL);
	st = wait_stop(c);
	UT_EXPECT(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "killed (%#x)", st);
}

static void test_attach(void)
{
	unsigned long w_dummy;
	pid_t c = fork();
	if (c == 0)
		spin_child();
	usleep(20000);
	UT_EXPECT(pt(P_ATTACH, c, 0, 0) == 0, "ATTACH");
	int st = wait_stop(c);
	UT_EXPECT(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP, "stops with SIGSTOP (%#x)", st);
	UT_EXPECT(pt(P_ATTACH, c, 0, 0) == -1 && errno == EPERM, "ATTACH twice: EPERM");
	UT_EXPECT(pt(P_DETACH, c, 0, 0) == 0, "DETACH");
	UT_EXPECT(waitpid(c, &st, WNOHANG | __WALL) == 0, "it runs on");
	UT_EXPECT(pt(P_PEEKDATA, c, (unsigned long)&global_word, (unsigned long)&w_dummy) == -1 && errno == ESRCH,
	          "no longer ours: ESRCH");
	UT_EXPECT(pt(P_SEIZE, c, 0, 0) == 0, "SEIZE it now");
	UT_EXPECT(pt(P_KILL, c, 0, 0) == 0, "PTRACE_KILL (running tracee)");
	kill(c, SIGKILL);
	st = wait_stop(c);
	UT_EXPECT(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "killed (%#x)", st);
}

static void test_perm(void)
{
	UT_EXPECT(pt(P_ATTACH, getpid(), 0, 0) == -1 && errno == EPERM, "ATTACH to oneself: EPERM");
	UT_EXPECT(pt(P_ATTACH, 99999, 0, 0) == -1 && errno == ESRCH, "ATTACH to no such pid: ESRCH");
	UT_EXPECT(pt(P_ATTACH, 2, 0, 0) == -1 && errno == EPERM, "ATTACH to a kernel thread: EPERM");
	pid_t c = fork();
	if (c == 0) {
		if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			_exit(1);
		if (pt(P_ATTACH, 1, 0, 0) != -1 || errno != EPERM)
			_exit(2);
		if (pt(P_TRACEME, 0, 0, 0) != 0)
			_exit(3);
		if (pt(P_TRACEME, 0, 0, 0) != -1 || errno != EPERM)
			_exit(4);
		_exit(0);
	}
	int st = wait_stop(c);
	UT_EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 0, "as nobody: ATTACH to root's init EPERM, TRACEME twice EPERM (%#x)",
	          st);
}

/* a tiny strace: the system calls of a child running a program */
static void test_strace(void)
{
	pid_t c = fork();
	if (c == 0) {
		pt(P_TRACEME, 0, 0, 0);
		raise(SIGSTOP);
		char* argv[] = {(char*)self_path, (char*)"exec-child", NULL};
		execv(self_path, argv);
		_exit(99);
	}
	int st = wait_stop(c);
	pt(P_SETOPTIONS, c, 0, O_TRACESYSGOOD | O_TRACEEXEC);
	int n = 0, saw_execve = 0, saw_exit_group = 0;
	char line[256];
	int len = 0;
	for (;;) {
		if (pt(P_SYSCALL, c, 0, 0) != 0)
			break;
		st = wait_stop(c);
		if (!WIFSTOPPED(st))
			break;
		if (WSTOPSIG(st) != (SIGTRAP | 0x80))
			continue;
		struct syscall_info si;
		pt(P_GET_SYSCALL_INFO, c, sizeof(si), (unsigned long)&si);
		if (si.op != 1)
			continue;
		n++;
		if (si.entry.nr == SYS_execve)
			saw_execve = 1;
		if (si.entry.nr == SYS_exit_group)
			saw_exit_group = 1;
		if (len < 200)
			len += snprintf(line + len, sizeof(line) - len, " %llu", (unsigned long long)si.entry.nr);
	}
	printf("# strace:%s\n", line);
	UT_EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 5, "the traced program exits 5");
	UT_EXPECT(n > 2 && saw_execve && saw_exit_group, "%d system calls traced, execve and exit_group among them", n);
}

int main(int argc, char** argv)
{
	if (argc > 1 && !strcmp(argv[1], "exec-child"))
		return 5;
	ut_prog = "ptrace_basic";
	self_path = argv[0];
	setvbuf(stdout, NULL, _IONBF, 0);
	test_peek_poke();
	test_regs();
	test_breakpoint();
	test_syscall();
	test_singlestep();
	test_events();
	test_legacy_exec();
	test_seize();
	test_attach();
	test_perm();
	test_strace();
	return ut_done();
}
