/*
 * exec: execve(2) as Linux's fs/exec.c, binfmt_elf.c and binfmt_script.c
 * give it, run as init (tests/e2e/user_exec.cmake).  Without fork the
 * program tests execve by replacing itself: each stage checks what
 * arrived, then executes the next with the running tally in argv
 * (argv = [argv0, stage, passed, failed, ...]).  The files it executes
 * are made at build time by tests/e2e/mkexec.py under /exec/.
 *
 *   (no argument)  the errors that leave the old program running:
 *                  ENOENT, EACCES, ENOTDIR, ENOEXEC (malformed ELF files),
 *                  ENOENT/ELIBBAD/EIO for a bad PT_INTERP, E2BIG,
 *                  EFAULT, ENAMETOOLONG, ELOOP ("#!" 6 deep); then
 *                  /exec/tiny (a hand-made ELF that executes this program
 *                  again with the same argv and envp) -> "via-tiny"
 *   via-tiny       argv (argv[0], a 131071-byte string) and envp intact
 *                  through the tiny ELF; AT_EXECFN; comm; then
 *                  /exec/script-arg ("#!/exec-musl one-arg") -> "one-arg"
 *   one-arg        the script's argv as Linux builds it: [interpreter,
 *                  argument, script path, original argv[1..]]; then the
 *                  "#!" chain 5 deep -> "chain"
 *   chain          [/exec-musl, chain, /exec/chain1 ... /exec/chain5, ...]
 *   late           executes /exec/filesz-memsz (p_filesz > p_memsz): past
 *                  the point of no return, so the process (init) dies of
 *                  SIGSEGV
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "utest.h"

#define SELF "/exec-musl"
#define MAX_ARG_STRLEN (32 * 4096)


/* execve expected to fail with err, the program going on */
static void expect_fail(const char* path, char* const* argv, char* const* envp, int err, const char* what)
{
	errno = 0;
	long r = syscall(SYS_execve, path, argv, envp);
	int e = errno;
	UT_EXPECT(r == -1 && e == err, "execve %s: %s (got %ld, %s)", what, strerror(err), r, strerror(e));
}

static void check_comm(const char* want)
{
	char comm[17] = "";
	if (prctl(PR_GET_NAME, comm) != 0 && errno == ENOSYS) {
		UT_EXPECT(1, "comm is %s # SKIP prctl(PR_GET_NAME) is not there yet", want);
		return;
	}
	UT_EXPECT(!strcmp(comm, want), "comm is %s (got %s)", want, comm);
}

static void check_env(char** envp)
{
	UT_EXPECT(envp[0] && !strcmp(envp[0], "EXEC_ENV=chain") && envp[1] && !strcmp(envp[1], "SECOND=2") && !envp[2],
	          "envp arrives intact");
}

static void check_execfn(const char* want)
{
	const char* fn = (const char*)getauxval(AT_EXECFN);
	UT_EXPECT(fn && !strcmp(fn, want), "AT_EXECFN is %s (got %s)", want, fn ? fn : "(null)");
}

static char tally[2][16];

/* the next stage: argv = [argv0, stage, passed, failed, extra...] */
static void next(const char* path, const char* argv0, const char* stage, char* extra)
{
	snprintf(tally[0], sizeof(tally[0]), "%d", ut_n - ut_failed);
	snprintf(tally[1], sizeof(tally[1]), "%d", ut_failed);
	char* argv[] = {(char*)argv0, (char*)stage, tally[0], tally[1], extra, NULL};
	char* envp[] = {"EXEC_ENV=chain", "SECOND=2", NULL};
	fflush(stdout);
	execve(path, argv, envp);
	UT_EXPECT(0, "execve %s: %s", path, strerror(errno));
}

static void resume(char** argv)
{
	int passed = atoi(argv[2]), failed = atoi(argv[3]);
	ut_n = passed + failed;
	ut_failed = failed;
}

static void errors(void)
{
	char* argv[] = {"x", NULL};
	char* envp[] = {NULL};
	expect_fail("/exec/no-such-file", argv, envp, ENOENT, "a missing file");
	expect_fail("/exec/not-exec", argv, envp, EACCES, "a file without x permission");
	expect_fail("/exec", argv, envp, EACCES, "a directory");
	expect_fail("/exec/tiny/x", argv, envp, ENOTDIR, "a file as a directory");
	expect_fail("/exec/bad-magic", argv, envp, ENOEXEC, "neither ELF nor #!");
	expect_fail("/exec/truncated", argv, envp, ENOEXEC, "a truncated ELF header");
	expect_fail("/exec/wrong-machine", argv, envp, ENOEXEC, "e_machine EM_AARCH64");
	expect_fail("/exec/bad-type", argv, envp, ENOEXEC, "e_type ET_REL");
	expect_fail("/exec/bad-phentsize", argv, envp, ENOEXEC, "e_phentsize 32");
	expect_fail("/exec/phdrs-outside", argv, envp, ENOEXEC, "program headers past the end of the file");
	expect_fail("/exec/too-many-phdrs", argv, envp, ENOEXEC, "program headers over one page");
	expect_fail("/exec/interp-missing", argv, envp, ENOENT, "a missing PT_INTERP");
	expect_fail("/exec/interp-text", argv, envp, ELIBBAD, "PT_INTERP not an ELF file");
	expect_fail("/exec/interp-machine", argv, envp, ELIBBAD, "PT_INTERP for another machine");
	expect_fail("/exec/interp-nonul", argv, envp, ENOEXEC, "PT_INTERP without its NUL");
	expect_fail("/exec/interp-short", argv, envp, ENOEXEC, "PT_INTERP of one byte");
	expect_fail("/exec/interp-outside", argv, envp, EIO, "PT_INTERP past the end of the file");
	expect_fail("/exec/script-noint", argv, envp, ENOENT, "#! naming a missing interpreter");
	expect_fail("/exec/script-empty", argv, envp, ENOEXEC, "#! without an interpreter");
	expect_fail("/exec/chain6", argv, envp, ELOOP, "#! 6 deep");

	/* E2BIG: one string of MAX_ARG_STRLEN bytes without its NUL, and a
	 * total over a quarter of RLIMIT_STACK (8 MiB: 2 MiB) */
	char* big = malloc(MAX_ARG_STRLEN + 1);
	memset(big, 'a', MAX_ARG_STRLEN);
	big[MAX_ARG_STRLEN] = 0;
	char* long_argv[] = {"x", big, NULL};
	expect_fail("/exec/tiny", long_argv, envp, E2BIG, "an argv string of MAX_ARG_STRLEN bytes");
	char* long_envp[] = {big, NULL};
	expect_fail("/exec/tiny", argv, long_envp, E2BIG, "an envp string of MAX_ARG_STRLEN bytes");
	big[MAX_ARG_STRLEN - 1] = 0;
	char* many[20];
	many[0] = "x";
	for (int i = 1; i < 19; i++)
		many[i] = big; /* 18 x 128 KiB: over 2 MiB */
	many[19] = NULL;
	expect_fail("/exec/tiny", many, envp, E2BIG, "argv over 2 MiB in all");
	free(big);

	/* EFAULT: the vector, a string in it, the file name */
	expect_fail("/exec/tiny", (char**)1, envp, EFAULT, "a bad argv pointer");
	expect_fail("/exec/tiny", argv, (char**)8, EFAULT, "a bad envp pointer");
	char* bad_str[] = {"x", (char*)16, NULL};
	expect_fail("/exec/tiny", bad_str, envp, EFAULT, "a bad argv string pointer");
	expect_fail((const char*)24, argv, envp, EFAULT, "a bad file name pointer");

	/* ENAMETOOLONG: a name over PATH_MAX, a component over NAME_MAX */
	char* name = malloc(5000);
	memset(name, 'n', 4999);
	name[0] = '/';
	name[4999] = 0;
	expect_fail(name, argv, envp, ENAMETOOLONG, "a name over PATH_MAX");
	name[300] = 0;
	expect_fail(name, argv, envp, ENAMETOOLONG, "a component over NAME_MAX");
	free(name);
}

int main(int argc, char** argv, char** envp)
{
	ut_prog = "exec";
	const char* stage = argc > 1 ? argv[1] : "start";

	if (!strcmp(stage, "late")) {
		char* a[] = {"filesz-memsz", NULL};
		execve("/exec/filesz-memsz", a, envp);
		printf("not ok 1 - execve of /exec/filesz-memsz returned: %s\n", strerror(errno));
		return ut_done();
	}
	if (!strcmp(stage, "start")) {
		check_execfn(SELF);
		errors();
		/* the longest string an argv may have: MAX_ARG_STRLEN with its NUL */
		char* big = malloc(MAX_ARG_STRLEN);
		memset(big, 'b', MAX_ARG_STRLEN - 1);
		big[MAX_ARG_STRLEN - 1] = 0;
		next("/exec/tiny", "argv0-tiny", "via-tiny", big);
		return ut_done();
	}
	if (!strcmp(stage, "via-tiny")) {
		resume(argv);
		UT_EXPECT(argc == 5, "argc through the tiny ELF (got %d)", argc);
		UT_EXPECT(!strcmp(argv[0], "argv0-tiny"), "argv[0] arrives intact (got %s)", argv[0]);
		UT_EXPECT(argc == 5 && strlen(argv[4]) == MAX_ARG_STRLEN - 1 && argv[4][0] == 'b',
		          "a string of MAX_ARG_STRLEN bytes with its NUL passes");
		check_env(envp);
		check_execfn(SELF);
		check_comm("exec-musl");
		next("/exec/script-arg", "s-argv0", "ignored", NULL);
		return ut_done();
	}
	if (!strcmp(stage, "one-arg")) {
		/* [interpreter, argument, script, original argv[1..]] */
		char* sv[] = {argv[0], argv[1], argv[2], argv[3]};
		argv += 2; /* the tally follows the script's path */
		argv[1] = "one-arg";
		resume(argv);
		UT_EXPECT(argc == 6, "a script's argc: the interpreter, its argument, the path, the rest (got %d)",
		          argc);
		UT_EXPECT(!strcmp(sv[0], SELF), "argv[0] is the interpreter (got %s)", sv[0]);
		UT_EXPECT(!strcmp(sv[1], "one-arg"), "argv[1] is the #! line's argument");
		UT_EXPECT(!strcmp(sv[2], "/exec/script-arg"), "argv[2] is the script's path (got %s)", sv[2]);
		UT_EXPECT(!strcmp(sv[3], "ignored"), "argv[3] is the original argv[1]");
		check_env(envp);
		check_execfn("/exec/script-arg");
		check_comm("script-arg");
		next("/exec/chain5", "c-argv0", "ignored", NULL);
		return ut_done();
	}
	if (!strcmp(stage, "chain")) {
		/* [/exec-musl, chain, /exec/chain1 .. /exec/chain5, ignored, P, F] */
		int shape = argc == 10;
		for (int i = 1; shape && i <= 5; i++) {
			char want[32];
			snprintf(want, sizeof(want), "/exec/chain%d", i);
			shape = !strcmp(argv[1 + i], want);
		}
		if (argc >= 10) {
			argv += 6;
			resume(argv);
		}
		UT_EXPECT(shape, "a #! chain 5 deep runs, each script's path in argv (argc %d)", argc);
		check_env(envp);
		check_execfn("/exec/chain5");
		check_comm("chain5");
		return ut_done();
	}
	UT_EXPECT(0, "unknown stage %s", stage);
	return ut_done();
}
