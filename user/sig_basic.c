/*
 * sig_basic: signals within one process (issue 13 part 3): handlers for
 * raise/kill/tgkill/sigqueue, SA_SIGINFO contents, masks and pending,
 * standard signals coalesced and real-time ones queued, sigsuspend,
 * rt_sigtimedwait, sigaltstack and SA_ONSTACK, nested signals,
 * SA_RESETHAND/SA_NODEFER, the frame (alignment, uc_flags, the FPU
 * image's magic numbers), registers changed through the ucontext, the FPU
 * preserved across a handler and reset inside it, rt_sigreturn refusing
 * privileged RFLAGS bits, init ignoring default-action signals, and bad
 * input (EINVAL, EFAULT, EPERM).  Runs as init on monolith and Linux.
 */
#define _GNU_SOURCE
#include "utest.h"
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#define FP_XSTATE_MAGIC1 0x46505853U
#define UC_FP_XSTATE 1
#define UC_SIGCONTEXT_SS 2
#define UC_STRICT_RESTORE_SS 4

static volatile int hits, last_sig, depth, max_depth;
static volatile int order[8], norder;
static siginfo_t last_info;
static volatile uintptr_t handler_local, uc_addr;
static volatile unsigned long uc_flags_seen;
static volatile uint32_t magic_seen;

static void handler(int sig)
{
	hits++;
	last_sig = sig;
	if (norder < 8)
		order[norder++] = sig;
}

static void info_handler(int sig, siginfo_t* si, void* uc)
{
	hits++;
	last_sig = sig;
	last_info = *si;
	uc_addr = (uintptr_t)uc;
	ucontext_t* u = uc;
	uc_flags_seen = u->uc_flags;
	if (u->uc_mcontext.fpregs)
		magic_seen = *(uint32_t*)((char*)u->uc_mcontext.fpregs + 464);
	if (norder < 8)
		order[norder++] = si->si_value.sival_int;
}

static int set_handler(int sig, void (*h)(int), int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = h;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	return sigaction(sig, &sa, NULL);
}

static int set_info_handler(int sig, void (*h)(int, siginfo_t*, void*), int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = h;
	sa.sa_flags = flags | SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	return sigaction(sig, &sa, NULL);
}

static void block(int sig, int how)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, sig);
	sigprocmask(how, &s, NULL);
}

/* ---- nested and SA_NODEFER ---- */
static void nest_usr2(int sig)
{
	(void)sig;
	if (norder < 8)
		order[norder++] = 2;
}
static void nest_usr1(int sig)
{
	(void)sig;
	if (norder < 8)
		order[norder++] = 1;
	raise(SIGUSR2); /* delivered at once, inside this handler */
	if (norder < 8)
		order[norder++] = 3;
}
static volatile int nodefer_runs;
static void nodefer_handler(int sig)
{
	depth++;
	nodefer_runs++;
	if (depth > max_depth)
		max_depth = depth;
	if (nodefer_runs == 1)
		raise(sig);
	depth--;
}

/* ---- alternate stack ---- */
static char altstack[65536] __attribute__((aligned(16)));
static volatile int alt_flags_inside;
static volatile int alt_eperm;
static void alt_handler(int sig)
{
	(void)sig;
	int local;
	handler_local = (uintptr_t)&local;
	stack_t old;
	sigaltstack(NULL, &old);
	alt_flags_inside = old.ss_flags;
	stack_t ss = {.ss_sp = altstack, .ss_size = sizeof(altstack), .ss_flags = 0};
	alt_eperm = sigaltstack(&ss, NULL) == -1 && errno == EPERM;
}

/* ---- registers through the ucontext; faults ---- */
static sigjmp_buf jb;
static volatile int fault_sig, fault_code;
static volatile uintptr_t fault_addr, fault_rip;
static volatile unsigned long fault_trapno, fault_err;
static void fault_handler(int sig, siginfo_t* si, void* ucv)
{
	ucontext_t* uc = ucv;
	fault_sig = sig;
	fault_code = si->si_code;
	fault_addr = (uintptr_t)si->si_addr;
	fault_trapno = uc->uc_mcontext.gregs[REG_TRAPNO];
	fault_err = uc->uc_mcontext.gregs[REG_ERR];
	fault_rip = uc->uc_mcontext.gregs[REG_RIP];
	siglongjmp(jb, 1);
}
static void skip_ud2(int sig, siginfo_t* si, void* ucv)
{
	ucontext_t* uc = ucv;
	fault_sig = sig;
	fault_code = si->si_code;
	fault_addr = (uintptr_t)si->si_addr;
	uc->uc_mcontext.gregs[REG_RIP] += 2; /* past the ud2 */
	uc->uc_mcontext.gregs[REG_RBX] = 0x1234567;
}
static void set_iopl(int sig, siginfo_t* si, void* ucv)
{
	(void)sig;
	(void)si;
	ucontext_t* uc = ucv;
	uc->uc_mcontext.gregs[REG_EFL] |= 0x3000 | (1 << 18); /* IOPL 3 (refused), AC (allowed) */
}

/* ---- FPU ---- */
static volatile uint32_t handler_mxcsr;
static volatile uint64_t handler_xmm7;
static void fpu_handler(int sig)
{
	(void)sig;
	uint32_t m;
	uint64_t x;
	__asm__ volatile("stmxcsr %0" : "=m"(m));
	__asm__ volatile("movq %%xmm7, %0" : "=r"(x));
	handler_mxcsr = m;
	handler_xmm7 = x;
	/* clobber what the interrupted code holds */
	__asm__ volatile("pxor %%xmm7, %%xmm7" ::: "xmm7");
	uint32_t rz = 0x7f80;
	__asm__ volatile("ldmxcsr %0" ::"m"(rz));
}

static long raw_sigaction(int sig, const void* act, void* oact, size_t size)
{
	return syscall(SYS_rt_sigaction, sig, act, oact, size);
}

int main(void)
{
	ut_prog = "sig_basic";
	setvbuf(stdout, NULL, _IONBF, 0);
	pid_t me = getpid();

	/* handlers for raise, kill, tgkill */
	UT_EXPECT(set_handler(SIGUSR1, handler, 0) == 0, "sigaction SIGUSR1");
	hits = 0;
	raise(SIGUSR1);
	UT_EXPECT(hits == 1 && last_sig == SIGUSR1, "raise runs the handler (hits %d)", hits);
	kill(me, SIGUSR1);
	UT_EXPECT(hits == 2, "kill(getpid()) runs the handler");
	syscall(SYS_tgkill, me, (pid_t)syscall(SYS_gettid), SIGUSR1);
	UT_EXPECT(hits == 3, "tgkill runs the handler");

	/* SA_SIGINFO contents */
	UT_EXPECT(set_info_handler(SIGUSR2, info_handler, 0) == 0, "sigaction SA_SIGINFO");
	kill(me, SIGUSR2);
	UT_EXPECT(last_info.si_signo == SIGUSR2 && last_info.si_code == SI_USER && last_info.si_pid == me &&
	              last_info.si_uid == getuid() && last_info.si_errno == 0,
	          "kill: si_signo %d si_code %d si_pid %d si_uid %d", last_info.si_signo, last_info.si_code,
	          last_info.si_pid, last_info.si_uid);
	syscall(SYS_tgkill, me, (pid_t)syscall(SYS_gettid), SIGUSR2);
	UT_EXPECT(last_info.si_code == SI_TKILL && last_info.si_pid == me, "tgkill: SI_TKILL (%d)", last_info.si_code);
	UT_EXPECT(uc_addr % 16 == 0, "the frame: (rsp + 8) %% 16 == 0 at the handler (uc %#lx)", (unsigned long)uc_addr);
	UT_EXPECT((uc_flags_seen & (UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS)) == (UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS),
	          "uc_flags has UC_SIGCONTEXT_SS|UC_STRICT_RESTORE_SS (%#lx)", uc_flags_seen);
	UT_EXPECT(magic_seen == FP_XSTATE_MAGIC1 && !(uc_flags_seen & UC_FP_XSTATE),
	          "the FPU image has FP_XSTATE_MAGIC1; UC_FP_XSTATE only with XSAVES (%#lx, %#x)", uc_flags_seen,
	          magic_seen);
	union sigval sv = {.sival_int = 42};
	UT_EXPECT(sigqueue(me, SIGUSR2, sv) == 0, "sigqueue to itself");
	UT_EXPECT(last_info.si_code == SI_QUEUE && last_info.si_value.sival_int == 42, "sigqueue: SI_QUEUE, value %d",
	          last_info.si_value.sival_int);

	/* masks and pending; standard signals coalesce */
	hits = 0;
	block(SIGUSR1, SIG_BLOCK);
	raise(SIGUSR1);
	raise(SIGUSR1);
	sigset_t pend;
	sigemptyset(&pend);
	sigpending(&pend);
	UT_EXPECT(hits == 0 && sigismember(&pend, SIGUSR1), "blocked: pending, not delivered");
	block(SIGUSR1, SIG_UNBLOCK);
	UT_EXPECT(hits == 1, "unblocked: delivered once (coalesced: %d)", hits);
	sigpending(&pend);
	UT_EXPECT(!sigismember(&pend, SIGUSR1), "no longer pending");

	/* real-time signals queue, in order, lowest number first */
	int rt = SIGRTMIN + 1;
	set_info_handler(rt, info_handler, 0);
	set_info_handler(rt + 1, info_handler, 0);
	block(rt, SIG_BLOCK);
	block(rt + 1, SIG_BLOCK);
	norder = 0;
	for (int i = 1; i <= 3; i++) {
		sv.sival_int = 10 + i;
		sigqueue(me, rt + 1, sv);
		sv.sival_int = i;
		sigqueue(me, rt, sv);
	}
	sigset_t both;
	sigemptyset(&both);
	sigaddset(&both, rt);
	sigaddset(&both, rt + 1);
	sigprocmask(SIG_UNBLOCK, &both, NULL);
	/* each frame goes on top of the last: the lower signal's handler is
	 * entered first but runs last (as Linux) */
	UT_EXPECT(norder == 6 && order[0] == 11 && order[1] == 12 && order[2] == 13 && order[3] == 1 && order[5] == 3,
	          "real-time signals queued: %d delivered, order %d %d %d %d %d %d", norder, order[0], order[1],
	          order[2], order[3], order[4], order[5]);

	/* nested signals; SA_NODEFER; SA_RESETHAND */
	set_handler(SIGUSR1, nest_usr1, 0);
	set_handler(SIGUSR2, nest_usr2, 0);
	norder = 0;
	raise(SIGUSR1);
	UT_EXPECT(norder == 3 && order[0] == 1 && order[1] == 2 && order[2] == 3, "a signal nested in a handler");
	set_handler(SIGUSR1, nodefer_handler, 0);
	max_depth = depth = nodefer_runs = 0;
	raise(SIGUSR1);
	UT_EXPECT(max_depth == 1 && nodefer_runs == 2,
	          "without SA_NODEFER the signal waits for the handler to return (depth %d, runs %d)", max_depth,
	          nodefer_runs);
	set_handler(SIGUSR1, nodefer_handler, SA_NODEFER);
	max_depth = depth = nodefer_runs = 0;
	raise(SIGUSR1);
	UT_EXPECT(max_depth == 2, "SA_NODEFER: delivered inside its own handler (depth %d)", max_depth);
	set_handler(SIGUSR1, handler, SA_RESETHAND);
	hits = 0;
	raise(SIGUSR1);
	struct sigaction cur;
	sigaction(SIGUSR1, NULL, &cur);
	UT_EXPECT(hits == 1 && cur.sa_handler == SIG_DFL, "SA_RESETHAND: back to SIG_DFL after one delivery");
	/* init ignores a default-action signal (SIGNAL_UNKILLABLE) */
	if (me == 1) {
		raise(SIGUSR1);
		kill(1, SIGTERM);
		UT_EXPECT(1, "init survives SIGUSR1/SIGTERM with SIG_DFL");
	}

	/* sigsuspend with a timer, the mask restored afterwards */
	set_handler(SIGALRM, handler, 0);
	block(SIGUSR1, SIG_BLOCK);
	sigset_t none;
	sigemptyset(&none);
	struct itimerval it = {{0, 0}, {0, 20000}};
	hits = 0;
	setitimer(ITIMER_REAL, &it, NULL);
	int r = sigsuspend(&none);
	int e = errno;
	sigset_t now;
	sigprocmask(SIG_BLOCK, NULL, &now);
	UT_EXPECT(r == -1 && e == EINTR && hits == 1 && last_sig == SIGALRM, "sigsuspend: EINTR after the handler");
	UT_EXPECT(sigismember(&now, SIGUSR1), "sigsuspend restored the mask");
	block(SIGUSR1, SIG_UNBLOCK);

	/* rt_sigtimedwait */
	sigset_t w;
	sigemptyset(&w);
	sigaddset(&w, SIGUSR2);
	block(SIGUSR2, SIG_BLOCK);
	struct timespec zero = {0, 0}, ms50 = {0, 50000000};
	errno = 0;
	UT_EXPECT(sigtimedwait(&w, NULL, &zero) == -1 && errno == EAGAIN, "sigtimedwait, nothing pending: EAGAIN");
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	errno = 0;
	r = sigtimedwait(&w, NULL, &ms50);
	e = errno;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	long waited = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	UT_EXPECT(r == -1 && e == EAGAIN && waited >= 49, "sigtimedwait 50 ms: EAGAIN after %ld ms", waited);
	sv.sival_int = 7;
	sigqueue(me, SIGUSR2, sv);
	siginfo_t si;
	r = sigtimedwait(&w, &si, &zero);
	UT_EXPECT(r == SIGUSR2 && si.si_code == SI_QUEUE && si.si_value.sival_int == 7, "sigtimedwait takes it: %d", r);
	block(SIGUSR2, SIG_UNBLOCK);

	/* sigaltstack and SA_ONSTACK */
	stack_t ss = {.ss_sp = altstack, .ss_size = 2047, .ss_flags = 0}; /* MINSIGSTKSZ 2048 */
	UT_EXPECT(sigaltstack(&ss, NULL) == -1 && errno == ENOMEM, "sigaltstack below MINSIGSTKSZ: ENOMEM");
	ss.ss_size = sizeof(altstack);
	ss.ss_flags = 0x55;
	UT_EXPECT(sigaltstack(&ss, NULL) == -1 && errno == EINVAL, "sigaltstack bad flags: EINVAL");
	ss.ss_flags = 0;
	UT_EXPECT(sigaltstack(&ss, NULL) == 0, "sigaltstack");
	set_handler(SIGUSR1, alt_handler, SA_ONSTACK);
	raise(SIGUSR1);
	UT_EXPECT(handler_local > (uintptr_t)altstack && handler_local < (uintptr_t)altstack + sizeof(altstack),
	          "SA_ONSTACK: the handler runs on the alternate stack");
	UT_EXPECT(alt_flags_inside == SS_ONSTACK, "inside, ss_flags SS_ONSTACK (%d)", alt_flags_inside);
	UT_EXPECT(alt_eperm, "sigaltstack while on it: EPERM");
	set_handler(SIGUSR1, alt_handler, 0);
	raise(SIGUSR1);
	UT_EXPECT(!(handler_local > (uintptr_t)altstack && handler_local < (uintptr_t)altstack + sizeof(altstack)),
	          "without SA_ONSTACK: the normal stack");
	stack_t old;
	sigaltstack(NULL, &old);
	UT_EXPECT(old.ss_sp == altstack && old.ss_size == sizeof(altstack) && old.ss_flags == 0, "sigaltstack query");
	ss.ss_flags = SS_DISABLE;
	sigaltstack(&ss, NULL);
	sigaltstack(NULL, &old);
	UT_EXPECT(old.ss_flags == SS_DISABLE, "SS_DISABLE");

	/* the FPU: preserved across a handler, reset inside it */
	set_handler(SIGUSR1, fpu_handler, 0);
	uint64_t xmm_after;
	uint32_t mx_after, mx_before = 0x3f80; /* round toward zero */
	__asm__ volatile("ldmxcsr %[mx]\n\t"
	                 "movq %[v], %%xmm7\n\t"
	                 "mov $62, %%eax\n\t"
	                 "syscall\n\t"
	                 "movq %%xmm7, %[out]\n\t"
	                 "stmxcsr %[mxo]"
	                 : [out] "=r"(xmm_after), [mxo] "=m"(mx_after)
	                 : [v] "r"(0x1122334455667788ULL), [mx] "m"(mx_before), "D"(me), "S"(SIGUSR1)
	                 : "rax", "rcx", "r11", "xmm7", "memory");
	uint32_t dflt = 0x1f80;
	__asm__ volatile("ldmxcsr %0" ::"m"(dflt));
	UT_EXPECT(xmm_after == 0x1122334455667788ULL && mx_after == 0x3f80,
	          "xmm7 and MXCSR preserved across the handler (%#llx, %#x)", (unsigned long long)xmm_after, mx_after);
	UT_EXPECT(handler_mxcsr == 0x1f80 && handler_xmm7 == 0, "the handler starts with the initial FPU state (%#x)",
	          handler_mxcsr);

	/* registers changed through the ucontext: ud2 skipped */
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = skip_ud2;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGILL, &sa, NULL);
	uintptr_t ud2_ip;
	uint64_t rbx_after;
	__asm__ volatile("lea 1f(%%rip), %0\n\t"
	                 "xor %%ebx, %%ebx\n"
	                 "1: ud2\n\t"
	                 "mov %%rbx, %1"
	                 : "=&r"(ud2_ip), "=r"(rbx_after)::"rbx", "memory");
	UT_EXPECT(fault_sig == SIGILL && fault_code == ILL_ILLOPN && fault_addr == ud2_ip,
	          "ud2: SIGILL ILL_ILLOPN at the instruction (%d)", fault_code);
	UT_EXPECT(rbx_after == 0x1234567, "rip and rbx changed through the ucontext");

	/* rt_sigreturn keeps the privileged RFLAGS bits */
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = set_iopl;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGUSR1, &sa, NULL);
	raise(SIGUSR1);
	unsigned long fl;
	__asm__ volatile("pushfq; popq %0" : "=r"(fl));
	UT_EXPECT((fl & 0x3000) == 0 && (fl & (1 << 18)), "rt_sigreturn: IOPL refused, AC taken (%#lx)", fl);
	__asm__ volatile("pushfq; andq $~0x40000, (%%rsp); popfq" ::: "memory", "cc");

	/* faults caught and left through siglongjmp */
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fault_handler;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGFPE, &sa, NULL);
	sigaction(SIGTRAP, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	if (!sigsetjmp(jb, 1))
		*(volatile int*)0x1008 = 1;
	UT_EXPECT(fault_sig == SIGSEGV && fault_code == SEGV_MAPERR && fault_addr == 0x1008 && fault_trapno == 14 &&
	              (fault_err & 6) == 6,
	          "SIGSEGV: SEGV_MAPERR, si_addr %#lx, trapno %lu, err %#lx", (unsigned long)fault_addr, fault_trapno,
	          fault_err);
	if (!sigsetjmp(jb, 1))
		*(volatile char*)(uintptr_t)main = 1;
	UT_EXPECT(fault_sig == SIGSEGV && fault_code == SEGV_ACCERR && fault_addr == (uintptr_t)main,
	          "SIGSEGV writing text: SEGV_ACCERR (%d)", fault_code);
	fault_sig = 0;
	if (!sigsetjmp(jb, 1)) {
		volatile int zero_d = 0;
		int a = 1, q;
		__asm__ volatile("cltd\n\t"
		                 "idivl %2"
		                 : "+a"(a), "=&d"(q)
		                 : "r"(zero_d)
		                 : "memory");
		(void)q;
	}
	UT_EXPECT(fault_sig == SIGFPE && fault_code == FPE_INTDIV && fault_addr == fault_rip &&
	              *(unsigned char*)fault_rip == 0xf7 && fault_trapno == 0,
	          "idiv by 0: SIGFPE FPE_INTDIV at the instruction (%d)", fault_code);
	fault_sig = 0;
	if (!sigsetjmp(jb, 1))
		__asm__ volatile("int3");
	UT_EXPECT(fault_sig == SIGTRAP && fault_code == SI_KERNEL && fault_trapno == 3, "int3: SIGTRAP, SI_KERNEL (%#x)",
	          fault_code);
	/* SIGBUS past the end of a file */
	fault_sig = 0;
	FILE* f = fopen("/sig_basic.tmp", "w");
	if (f) {
		fputs("x", f);
		fclose(f);
	}
	static int fd;
	fd = open("/sig_basic.tmp", 0);
	static char* m;
	m = fd >= 0 ? mmap(NULL, 8192, PROT_READ, MAP_SHARED, fd, 0) : MAP_FAILED;
	if (m != MAP_FAILED && !sigsetjmp(jb, 1))
		(void)*(volatile char*)(m + 4096);
	UT_EXPECT(fault_sig == SIGBUS && fault_code == BUS_ADRERR && fault_addr == (uintptr_t)(m + 4096),
	          "past the end of a file: SIGBUS BUS_ADRERR (%d, %d, %p, %p, fd %d)", fault_sig, fault_code,
	          (void*)fault_addr, (void*)m, fd);
	signal(SIGSEGV, SIG_DFL);
	signal(SIGBUS, SIG_DFL);
	if (fd >= 0)
		close(fd);
	unlink("/sig_basic.tmp");
	/* a fault while its signal is blocked still gets the handler? no:
	 * it is unblocked and set to SIG_DFL, and would kill */

	/* bad input */
	struct {
		void* h;
		unsigned long flags;
		void* restorer;
		uint64_t mask;
	} ka = {(void*)handler, 0x04000000, NULL, 0};
	errno = 0;
	UT_EXPECT(raw_sigaction(SIGKILL, &ka, NULL, 8) == -1 && errno == EINVAL, "sigaction(SIGKILL): EINVAL");
	UT_EXPECT(raw_sigaction(SIGSTOP, &ka, NULL, 8) == -1 && errno == EINVAL, "sigaction(SIGSTOP): EINVAL");
	UT_EXPECT(raw_sigaction(SIGKILL, NULL, &ka, 8) == 0, "sigaction(SIGKILL) query: allowed");
	UT_EXPECT(raw_sigaction(0, NULL, &ka, 8) == -1 && errno == EINVAL, "sigaction(0): EINVAL");
	UT_EXPECT(raw_sigaction(65, NULL, &ka, 8) == -1 && errno == EINVAL, "sigaction(65): EINVAL");
	UT_EXPECT(raw_sigaction(SIGUSR1, &ka, NULL, 4) == -1 && errno == EINVAL, "sigsetsize 4: EINVAL");
	UT_EXPECT(raw_sigaction(SIGUSR1, (void*)8, NULL, 8) == -1 && errno == EFAULT, "bad act: EFAULT");
	UT_EXPECT(raw_sigaction(SIGUSR1, NULL, (void*)8, 8) == -1 && errno == EFAULT, "bad oact: EFAULT");
	UT_EXPECT(syscall(SYS_rt_sigprocmask, 7, &now, NULL, 8) == -1 && errno == EINVAL, "sigprocmask bad how: EINVAL");
	UT_EXPECT(syscall(SYS_rt_sigprocmask, 7, NULL, NULL, 8) == 0, "sigprocmask bad how, no set: 0");
	UT_EXPECT(syscall(SYS_rt_sigprocmask, SIG_BLOCK, (void*)8, NULL, 8) == -1 && errno == EFAULT,
	          "sigprocmask bad set: EFAULT");
	UT_EXPECT(syscall(SYS_rt_sigpending, &now, 16) == -1 && errno == EINVAL, "sigpending sigsetsize 16: EINVAL");
	UT_EXPECT(syscall(SYS_rt_sigpending, (void*)8, 8) == -1 && errno == EFAULT, "sigpending bad set: EFAULT");
	UT_EXPECT(syscall(SYS_rt_sigsuspend, &none, 4) == -1 && errno == EINVAL, "sigsuspend sigsetsize 4: EINVAL");
	UT_EXPECT(kill(me, 65) == -1 && errno == EINVAL, "kill sig 65: EINVAL");
	UT_EXPECT(kill(me, -1) == -1 && errno == EINVAL, "kill sig -1: EINVAL");
	UT_EXPECT(kill(99999, 0) == -1 && errno == ESRCH, "kill of no process: ESRCH");
	UT_EXPECT(kill(me, 0) == 0, "kill sig 0: permission check only");
	UT_EXPECT(syscall(SYS_tgkill, 0, me, SIGUSR1) == -1 && errno == EINVAL, "tgkill tgid 0: EINVAL");
	UT_EXPECT(syscall(SYS_tgkill, me + 1, me, 0) == -1 && errno == ESRCH, "tgkill wrong tgid: ESRCH");
	UT_EXPECT(syscall(SYS_tkill, -5, SIGUSR1) == -1 && errno == EINVAL, "tkill pid -5: EINVAL");
	siginfo_t qi;
	memset(&qi, 0, sizeof(qi));
	qi.si_code = SI_USER;
	UT_EXPECT(syscall(SYS_rt_sigqueueinfo, 99999, SIGUSR1, &qi) == -1 && errno == EPERM,
	          "rt_sigqueueinfo SI_USER to another pid: EPERM");
	qi.si_code = SI_KERNEL;
	UT_EXPECT(syscall(SYS_rt_sigqueueinfo, 99999, SIGUSR1, &qi) == -1 && errno == EPERM,
	          "rt_sigqueueinfo SI_KERNEL to another pid: EPERM");
	UT_EXPECT(syscall(SYS_rt_sigqueueinfo, me, SIGUSR1, (void*)8) == -1 && errno == EFAULT,
	          "rt_sigqueueinfo bad info: EFAULT");
	UT_EXPECT(syscall(SYS_rt_tgsigqueueinfo, me, 0, SIGUSR1, &qi) == -1 && errno == EINVAL,
	          "rt_tgsigqueueinfo pid 0: EINVAL");
	UT_EXPECT(syscall(SYS_sigaltstack, (void*)8, NULL) == -1 && errno == EFAULT, "sigaltstack bad ss: EFAULT");
	UT_EXPECT(syscall(SYS_rt_sigtimedwait, &w, NULL, (void*)8, 8) == -1 && errno == EFAULT,
	          "sigtimedwait bad timeout: EFAULT");
	struct timespec badts = {0, 1000000000};
	UT_EXPECT(syscall(SYS_rt_sigtimedwait, &w, NULL, &badts, 8) == -1 && errno == EINVAL,
	          "sigtimedwait tv_nsec 1e9: EINVAL");
	return ut_done();
}
