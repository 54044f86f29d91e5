/*
 * bench: the user-space micro-benchmarks of BENCHMARKS.md, one static
 * program run as init on monolith and on Debian's Linux 6.1 in the same
 * QEMU under -icount shift=0,sleep=off, where a guest nanosecond is one
 * executed instruction (tools/bench/user.sh prints the ratios).
 *
 *     bench [name...]      run the named benchmarks (default: all)
 *
 * Each prints "bench: <name> <ns> ns/op (<ops> ops)".  Figures only:
 * nothing here passes or fails.
 *   getpid     the raw system call, syscall(SYS_getpid)
 *   pagefault  mmap 4 MiB anonymous, touch every page, munmap; per page
 *   brk        grow the break by 1 MiB and touch it, shrink back; per page
 *   mmap       mmap + munmap of 1 MiB, untouched; per pair
 *   exec       execve of this program itself, 200 times in a chain; per exec
 *   futex      a FUTEX_WAIT/FUTEX_WAKE ping-pong between two threads on one
 *              word (two wakes, two waits, two switches); per round trip
 *   fork       fork, the child _exits at once, the parent waits; per round
 *   forkexec   fork, the child execs this program (which exits at once:
 *              "bench exit-now"), the parent waits; per round
 *   vforkexec  the same with vfork; per round
 *   signal     raise(SIGUSR1) caught by a handler: the tgkill, the frame,
 *              the handler and rt_sigreturn; per signal
 * The files ones (issue 14) work in a tmpfs mounted at /bench (made
 * here, with its own null and zero device nodes, so both kernels run the
 * same tmpfs code whatever the initramfs root is):
 *   openclose  open("/bench/f", O_RDONLY) + close; per pair
 *   nullwrite  a 1-byte write(2) to /dev/null (the node /bench/null)
 *   zeroread   a 1-byte read(2) from /dev/zero (/bench/zero)
 *   stat       stat("/bench/a/b/c"), a 4-component path
 *   getdents   open a 1,000-entry directory, getdents64 to the end with a
 *              32 KiB buffer, close; per directory
 *   tmpfsrw    ftruncate to 0, pwrite 1 MiB, pread it back; per MiB
 *   pipe       one byte to a child process and one byte back through two
 *              pipes; per round trip
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/reboot.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void report(const char* name, uint64_t ns, uint64_t ops)
{
	printf("bench: %s %llu ns/op (%llu ops)\n", name, (unsigned long long)(ns / ops), (unsigned long long)ops);
	fflush(stdout);
}

static void bench_getpid(void)
{
	const uint64_t n = 100000;
	for (int i = 0; i < 1000; i++) /* warm up */
		syscall(SYS_getpid);
	uint64_t t0 = now_ns();
	for (uint64_t i = 0; i < n; i++)
		syscall(SYS_getpid);
	report("getpid", now_ns() - t0, n);
}

static void bench_pagefault(void)
{
	const size_t len = 4 << 20, pages = len / 4096, rounds = 8;
	uint64_t total = 0;
	for (size_t r = 0; r < rounds; r++) {
		uint64_t t0 = now_ns();
		volatile char* p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			printf("bench: pagefault: mmap failed\n");
			return;
		}
		for (size_t i = 0; i < len; i += 4096)
			p[i] = 1;
		munmap((void*)p, len);
		total += now_ns() - t0;
	}
	report("pagefault", total, pages * rounds);
}

static void bench_brk(void)
{
	const size_t len = 1 << 20, pages = len / 4096, rounds = 16;
	uintptr_t base = (uintptr_t)syscall(SYS_brk, 0);
	uint64_t total = 0;
	for (size_t r = 0; r < rounds; r++) {
		uint64_t t0 = now_ns();
		if ((uintptr_t)syscall(SYS_brk, base + len) != base + len) {
			printf("bench: brk: cannot grow\n");
			return;
		}
		for (size_t i = 0; i < len; i += 4096)
			((volatile char*)base)[i] = 1;
		syscall(SYS_brk, base);
		total += now_ns() - t0;
	}
	report("brk", total, pages * rounds);
}

static void bench_mmap(void)
{
	const uint64_t n = 2000;
	uint64_t t0 = now_ns();
	for (uint64_t i = 0; i < n; i++) {
		void* p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			printf("bench: mmap: failed\n");
			return;
		}
		munmap(p, 1 << 20);
	}
	report("mmap", now_ns() - t0, n);
}

static char* self_path;

/* one child: it execs or exits and never returns here (vfork) */
static __attribute__((noinline)) pid_t spawn(int use_vfork, int do_exec)
{
	static char* argv[3];
	static char* envp[] = {NULL};
	argv[0] = self_path;
	argv[1] = "exit-now";
	pid_t pid = use_vfork ? vfork() : fork();
	if (pid == 0) {
		if (do_exec)
			execve(self_path, argv, envp);
		_exit(0);
	}
	return pid;
}

static void bench_fork(const char* name, int use_vfork, int do_exec)
{
	const uint64_t n = do_exec ? 200 : 1000;
	uint64_t t0 = 0;
	for (uint64_t i = 0; i < n + 10; i++) {
		if (i == 10) /* after a warm-up */
			t0 = now_ns();
		pid_t pid = spawn(use_vfork, do_exec);
		int st;
		if (pid < 0 || waitpid(pid, &st, 0) != pid || st != 0) {
			printf("bench: %s: failed\n", name);
			return;
		}
	}
	report(name, now_ns() - t0, n);
}

/* the exec chain: argv = bench exec-chain <left> <start_ns> <next...> */
static void exec_next(char* self, int left, uint64_t start, char** rest, int nrest)
{
	char l[32], s[32];
	snprintf(l, sizeof(l), "%d", left);
	snprintf(s, sizeof(s), "%llu", (unsigned long long)start);
	char* argv[64] = {self, "exec-chain", l, s};
	int n = 4;
	for (int i = 0; i < nrest && n < 63; i++)
		argv[n++] = rest[i];
	argv[n] = NULL;
	char* envp[] = {NULL};
	execve("/proc/self/exe", argv, envp);
	execve(self, argv, envp); /* without /proc */
	printf("bench: exec: execve failed\n");
}

/* the word both threads wait on: 1 "the thread's turn", 0 "main's turn" */
static volatile uint32_t pp_word;
#define PP_ROUNDS 5000
static void pp_wait(uint32_t busy)
{
	while (pp_word == busy)
		syscall(SYS_futex, &pp_word, 128 /* FUTEX_WAIT_PRIVATE */, busy, NULL, NULL, 0);
}
static void pp_set(uint32_t v)
{
	pp_word = v;
	syscall(SYS_futex, &pp_word, 129 /* FUTEX_WAKE_PRIVATE */, 1, NULL, NULL, 0);
}
static void* pp_thread(void* arg)
{
	(void)arg;
	for (int i = 0; i < PP_ROUNDS + 100; i++) {
		pp_wait(0);
		pp_set(0);
	}
	return NULL;
}
static void bench_futex(void)
{
	pthread_t t;
	pp_word = 0;
	if (pthread_create(&t, NULL, pp_thread, NULL)) {
		printf("bench: futex: pthread_create failed\n");
		return;
	}
	for (int i = 0; i < 100; i++) { /* warm up */
		pp_set(1);
		pp_wait(1);
	}
	uint64_t t0 = now_ns();
	for (int i = 0; i < PP_ROUNDS; i++) {
		pp_set(1);
		pp_wait(1);
	}
	report("futex", now_ns() - t0, PP_ROUNDS);
	pthread_join(t, NULL);
}

static volatile int sig_hits;
static void sig_handler(int sig)
{
	(void)sig;
	sig_hits++;
}

static void bench_signal(void)
{
	const uint64_t n = 20000;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = sig_handler;
	sigaction(SIGUSR1, &sa, NULL);
	for (int i = 0; i < 100; i++) /* warm up */
		raise(SIGUSR1);
	uint64_t t0 = now_ns();
	for (uint64_t i = 0; i < n; i++)
		raise(SIGUSR1);
	report("signal", now_ns() - t0, n);
}

/* the parts of "signal" (not in the default list): raise of an ignored
 * signal (the sending system calls alone), and of a blocked one */
static void bench_sigparts(void)
{
	const uint64_t n = 20000;
	signal(SIGUSR2, SIG_IGN);
	uint64_t t0 = now_ns();
	for (uint64_t i = 0; i < n; i++)
		raise(SIGUSR2);
	report("sigign", now_ns() - t0, n);
	sigset_t s, old;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	t0 = now_ns();
	for (uint64_t i = 0; i < n; i++)
		sigprocmask(SIG_BLOCK, &s, &old);
	report("sigprocmask", now_ns() - t0, n);
	sigset_t all;
	sigfillset(&all);
	t0 = now_ns();
	for (uint64_t i = 0; i < n; i++) {
		sigprocmask(SIG_BLOCK, &all, &old);
		sigprocmask(SIG_SETMASK, &old, NULL);
	}
	report("sigmaskpair", now_ns() - t0, n);
	pid_t tid = (pid_t)syscall(SYS_gettid);
	t0 = now_ns();
	for (uint64_t i = 0; i < n; i++)
		syscall(SYS_tkill, tid, 0);
	report("tkill0", now_ns() - t0, n);
	t0 = now_ns();
	for (uint64_t i = 0; i < n; i++)
		syscall(SYS_tkill, tid, SIGUSR2);
	report("tkillign", now_ns() - t0, n);
}

/* ---- files (issue 14) ---- */
static int bench_fs_ready;

static int fs_setup(void)
{
	if (bench_fs_ready)
		return 0;
	mkdir("/bench", 0755);
	if (mount("tmpfs", "/bench", "tmpfs", 0, NULL)) {
		printf("bench: files: mount tmpfs at /bench failed\n");
		return -1;
	}
	mknod("/bench/null", S_IFCHR | 0666, makedev(1, 3));
	mknod("/bench/zero", S_IFCHR | 0666, makedev(1, 5));
	close(open("/bench/f", O_CREAT | O_WRONLY, 0644));
	mkdir("/bench/a", 0755);
	mkdir("/bench/a/b", 0755);
	close(open("/bench/a/b/c", O_CREAT | O_WRONLY, 0644));
	mkdir("/bench/dir", 0755);
	char name[64];
	for (int i = 0; i < 1000; i++) {
		snprintf(name, sizeof(name), "/bench/dir/entry-%04d", i);
		close(open(name, O_CREAT | O_WRONLY, 0644));
	}
	bench_fs_ready = 1;
	return 0;
}

static void bench_openclose(void)
{
	const uint64_t n = 20000;
	if (fs_setup())
		return;
	for (int i = 0; i < 100; i++)
		close(open("/bench/f", O_RDONLY));
	uint64_t t0 = now_ns();
	for (uint64_t i = 0; i < n; i++)
		close(open("/bench/f", O_RDONLY));
	report("openclose", now_ns() - t0, n);
}

static void bench_devrw(const char* name, const char* path, int write_it)
{
	const uint64_t n = 50000;
	if (fs_setup())
		return;
	int fd = open(path, write_it ? O_WRONLY : O_RDONLY);
	char c = 0;
	for (int i = 0; i < 100; i++)
		(void)(write_it ? write(fd, &c, 1) : read(fd, &c, 1));
	uint64_t t0 = now_ns();
	for (uint64_t i = 0; i < n; i++)
		(void)(write_it ? write(fd, &c, 1) : read(fd, &c, 1));
	report(name, now_ns() - t0, n);
	close(fd);
}

static void bench_stat(void)
{
	const uint64_t n = 20000;
	struct stat st;
	if (fs_setup())
		return;
	for (int i = 0; i < 100; i++)
		stat("/bench/a/b/c", &st);
	uint64_t t0 = now_ns();
	for (uint64_t i = 0; i < n; i++)
		stat("/bench/a/b/c", &st);
	report("stat", now_ns() - t0, n);
}

static void bench_getdents(void)
{
	const uint64_t n = 50;
	static char buf[32768];
	if (fs_setup())
		return;
	uint64_t t0 = 0;
	for (uint64_t i = 0; i < n + 2; i++) {
		if (i == 2) /* two warm-up rounds */
			t0 = now_ns();
		int fd = open("/bench/dir", O_RDONLY | O_DIRECTORY);
		while (syscall(SYS_getdents64, fd, buf, sizeof(buf)) > 0)
			;
		close(fd);
	}
	report("getdents", now_ns() - t0, n);
}

static void bench_tmpfsrw(void)
{
	const uint64_t n = 20;
	const size_t len = 1 << 20;
	static char buf[1 << 20];
	if (fs_setup())
		return;
	memset(buf, 'x', len);
	int fd = open("/bench/rw", O_CREAT | O_RDWR, 0644);
	uint64_t t0 = 0;
	for (uint64_t i = 0; i < n + 2; i++) {
		if (i == 2)
			t0 = now_ns();
		ftruncate(fd, 0);
		pwrite(fd, buf, len, 0);
		pread(fd, buf, len, 0);
	}
	report("tmpfsrw", now_ns() - t0, n);
	close(fd);
}

static void bench_pipe(void)
{
	const uint64_t n = 5000;
	int to[2], from[2];
	char c = 0;
	if (pipe(to) || pipe(from))
		return;
	pid_t pid = fork();
	if (pid == 0) {
		close(to[1]); /* else the parent's close never ends the loop */
		close(from[0]);
		while (read(to[0], &c, 1) == 1)
			write(from[1], &c, 1);
		_exit(0);
	}
	for (int i = 0; i < 100; i++) {
		write(to[1], &c, 1);
		read(from[0], &c, 1);
	}
	uint64_t t0 = now_ns();
	for (uint64_t i = 0; i < n; i++) {
		write(to[1], &c, 1);
		read(from[0], &c, 1);
	}
	report("pipe", now_ns() - t0, n);
	close(to[1]);
	waitpid(pid, NULL, 0);
	close(to[0]);
	close(from[0]);
	close(from[1]);
}

static int run(const char* name)
{
	if (!strcmp(name, "getpid"))
		bench_getpid();
	else if (!strcmp(name, "pagefault"))
		bench_pagefault();
	else if (!strcmp(name, "brk"))
		bench_brk();
	else if (!strcmp(name, "mmap"))
		bench_mmap();
	else if (!strcmp(name, "futex"))
		bench_futex();
	else if (!strcmp(name, "fork"))
		bench_fork(name, 0, 0);
	else if (!strcmp(name, "forkexec"))
		bench_fork(name, 0, 1);
	else if (!strcmp(name, "vforkexec"))
		bench_fork(name, 1, 1);
	else if (!strcmp(name, "signal"))
		bench_signal();
	else if (!strcmp(name, "sigparts"))
		bench_sigparts();
	else if (!strcmp(name, "openclose"))
		bench_openclose();
	else if (!strcmp(name, "nullwrite"))
		bench_devrw(name, "/bench/null", 1);
	else if (!strcmp(name, "zeroread"))
		bench_devrw(name, "/bench/zero", 0);
	else if (!strcmp(name, "stat"))
		bench_stat();
	else if (!strcmp(name, "getdents"))
		bench_getdents();
	else if (!strcmp(name, "tmpfsrw"))
		bench_tmpfsrw();
	else if (!strcmp(name, "pipe"))
		bench_pipe();
	else
		return -1;
	return 0;
}

static void finish(void)
{
	printf("bench: done\n");
	fflush(stdout);
	if (getpid() == 1) {
		reboot(RB_POWER_OFF);
		for (;;)
			pause();
	}
	exit(0);
}

int main(int argc, char** argv)
{
	static char* all[] = {"getpid", "pagefault", "brk", "mmap", "futex", "signal", "fork", "forkexec", "vforkexec", "openclose", "nullwrite", "zeroread", "stat", "getdents", "tmpfsrw", "pipe", "exec"};
	if (argc == 2 && !strcmp(argv[1], "exit-now")) /* forkexec's child */
		_exit(0);
	self_path = argv[0];
	char** names = argc > 1 ? argv + 1 : all;
	int n = argc > 1 ? argc - 1 : (int)(sizeof(all) / sizeof(all[0]));
	const int chain = 200;

	if (argc >= 4 && !strcmp(argv[1], "exec-chain")) {
		int left = atoi(argv[2]);
		uint64_t start = strtoull(argv[3], NULL, 10);
		if (left > 0)
			exec_next(argv[0], left - 1, start, argv + 4, argc - 4);
		report("exec", now_ns() - start, chain);
		names = argv + 4;
		n = argc - 4;
		for (int i = 0; i < n; i++)
			run(names[i]);
		finish();
	}
	for (int i = 0; i < n; i++) {
		if (!strcmp(names[i], "exec")) {
			/* the rest runs after the chain, in the last program */
			exec_next(argv[0], chain - 1, now_ns(), names + i + 1, n - i - 1);
			return 1;
		}
		if (run(names[i]) < 0)
			printf("bench: unknown benchmark %s\n", names[i]);
	}
	finish();
}
