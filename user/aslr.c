/*
 * aslr: address-space layout randomization as Linux 6.1 lays it out, run
 * as init (tests/e2e/user_exec.cmake).  The program executes itself four
 * times, each run recording where its stack, first mmap, break, vDSO and
 * program headers landed, the records travelling in argv:
 *
 *     aslr MODE [STAGE RECORD...]
 *
 * MODE (from the kernel command line) says what the boot asked for:
 *   rnd2   randomize_va_space 2 (the default): runs 0 and 1 differ in all
 *          of them; then personality(ADDR_NO_RANDOMIZE) (setarch -R) and
 *          runs 2 and 3 are identical, at Linux's fixed places
 *   rnd1   sysctl.kernel.randomize_va_space=1: as rnd2, but the break is
 *          not randomized (it starts right after the program's bss)
 *   none   norandmaps: every run identical, at the fixed places
 *
 * Linux's rules checked (x86_64, 4-level paging, TASK_SIZE 0x7ffffffff000):
 *   stack   top at TASK_SIZE minus up to STACK_RND_MASK (0x3fffff) pages,
 *           so AT_EXECFN (the highest string) just below; fixed: exactly
 *           TASK_SIZE - 8 - strlen(execfn) - 1
 *   mmap    top-down below mmap_base = TASK_SIZE - gap - rnd, gap the
 *           stack rlimit plus the stack randomization and guard gap (at
 *           least 128 MiB), rnd up to 2^28 pages; fixed: 0x7ffff7fff000
 *   brk     page-aligned end of the bss, plus up to 1 GiB with level 2
 *   vDSO    in the 2 MiB region above the stack when randomized
 *   PIE     (the dyn variant) at ELF_ET_DYN_BASE (0x555555554000) plus up
 *           to 2^28 pages; AT_PHDR = base + 0x40
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "utest.h"

#define TASK_SIZE 0x7ffffffff000ul
#define MMAP_BASE_FIXED 0x7ffff7fff000ul
#define ELF_ET_DYN_BASE 0x555555554000ul
#define GiB (1ul << 30)
#define MiB (1ul << 20)

extern char _end[];

enum { STACK, MMAP, BRK, VDSO, PHDR, EXECFN_LEN, END, NR };
static const char* names[NR] = {"stack", "mmap", "brk", "vDSO", "PIE base", "execfn length", "end"};

struct rec {
	unsigned long v[NR];
};

static unsigned long page_align(unsigned long a)
{
	return (a + 4095) & ~4095ul;
}

static void record(struct rec* r, unsigned long brk0)
{
	const char* fn = (const char*)getauxval(AT_EXECFN);
	r->v[STACK] = (unsigned long)fn;
	void* m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	r->v[MMAP] = (unsigned long)m;
	r->v[BRK] = brk0;
	r->v[VDSO] = getauxval(AT_SYSINFO_EHDR);
	r->v[PHDR] = getauxval(AT_PHDR);
	r->v[EXECFN_LEN] = strlen(fn);
	r->v[END] = page_align((unsigned long)_end); /* the bss's end in that run */
}

static void parse(const char* s, struct rec* r)
{
	for (int i = 0; i < NR; i++) {
		char* e;
		r->v[i] = strtoul(s, &e, 16);
		s = *e ? e + 1 : e;
	}
}

static char* format(const struct rec* r)
{
	static char bufs[4][160];
	static int n;
	char* b = bufs[n++ % 4];
	int len = 0;
	for (int i = 0; i < NR; i++)
		len += snprintf(b + len, 160 - len, "%s%lx", i ? "," : "", r->v[i]);
	return b;
}

/* the rules for one randomized run */
static void check_randomized(const struct rec* r, int run, int brk_random)
{
	unsigned long fn = r->v[STACK];
	UT_EXPECT(fn < TASK_SIZE && fn > TASK_SIZE - (0x3ffffful << 12) - 16384,
	          "run %d: the stack top within STACK_RND_MASK pages of TASK_SIZE (execfn at %lx)", run, fn);
	unsigned long gap = 8 * MiB + (0x3ffffful << 12) + 256 * 4096;
	unsigned long base_max = TASK_SIZE - gap;
	UT_EXPECT(r->v[MMAP] < base_max && r->v[MMAP] > base_max - (1ul << 40) - 64 * MiB,
	          "run %d: mmap below the randomized mmap_base (%lx)", run, r->v[MMAP]);
	UT_EXPECT(r->v[VDSO] > fn && r->v[VDSO] - fn < 2 * MiB + 65536,
	          "run %d: the vDSO right above the stack (%lx, execfn %lx)", run, r->v[VDSO], fn);
	unsigned long end = r->v[END];
	if (brk_random)
		UT_EXPECT(r->v[BRK] >= end && r->v[BRK] < end + GiB, "run %d: brk within 1 GiB after the bss (%lx)",
		          run, r->v[BRK]);
	else
		UT_EXPECT(r->v[BRK] == end, "run %d: brk right after the bss (%lx, end %lx)", run, r->v[BRK], end);
	if (r->v[PHDR] != 0x400040)
		UT_EXPECT(r->v[PHDR] - 0x40 >= ELF_ET_DYN_BASE && r->v[PHDR] - 0x40 < ELF_ET_DYN_BASE + (1ul << 40),
		          "run %d: the PIE at ELF_ET_DYN_BASE + up to 2^28 pages (%lx)", run, r->v[PHDR] - 0x40);
}

/* the fixed layout */
static void check_fixed(const struct rec* r, int run)
{
	UT_EXPECT(r->v[STACK] == TASK_SIZE - 8 - r->v[EXECFN_LEN] - 1, "run %d: execfn at the fixed stack top (%lx)",
	          run, r->v[STACK]);
	UT_EXPECT(r->v[MMAP] < MMAP_BASE_FIXED && r->v[MMAP] > MMAP_BASE_FIXED - 64 * MiB,
	          "run %d: mmap right below 0x7ffff7fff000 (%lx)", run, r->v[MMAP]);
	UT_EXPECT(r->v[BRK] == r->v[END], "run %d: brk right after the bss (%lx)", run,
	          r->v[BRK]);
	if (r->v[PHDR] != 0x400040)
		UT_EXPECT(r->v[PHDR] == ELF_ET_DYN_BASE + 0x40, "run %d: the PIE at ELF_ET_DYN_BASE (AT_PHDR %lx)", run,
		          r->v[PHDR]);
}

static void compare(const struct rec* a, const struct rec* b, int same, int brk_random)
{
	for (int i = 0; i < EXECFN_LEN; i++) {
		int want_same = same;
		if (i == BRK && !brk_random && a->v[PHDR] == b->v[PHDR])
			want_same = 1;
		if (i == PHDR && a->v[PHDR] == 0x400040)
			want_same = 1; /* ET_EXEC: at its own addresses */
		UT_EXPECT(want_same ? a->v[i] == b->v[i] : a->v[i] != b->v[i], "%s %s between runs (%lx, %lx)",
		          names[i], want_same ? "equal" : "differs", a->v[i], b->v[i]);
	}
}

int main(int argc, char** argv)
{
	unsigned long brk0 = (unsigned long)syscall(SYS_brk, 0);
	struct rec me;
	record(&me, brk0);
	ut_prog = "aslr";
	if (argc < 2) {
		printf("usage: aslr rnd2|rnd1|none\n");
		return ut_done();
	}
	const char* mode = argv[1];
	int stage = argc > 2 ? atoi(argv[2]) : 0;
	char* nargv[16] = {argv[0], argv[1]};
	char stagebuf[16];
	snprintf(stagebuf, sizeof(stagebuf), "%d", stage + 1);
	nargv[2] = stagebuf;
	int n = 3;
	for (int i = 3; i < argc && n < 14; i++)
		nargv[n++] = argv[i];
	nargv[n++] = format(&me);
	nargv[n] = NULL;

	int randomized = strcmp(mode, "none") != 0;
	if (stage == 1 && randomized) {
		/* setarch -R: the next runs without randomization; the flag
		 * survives execve, READ_IMPLIES_EXEC does not (x86_64's
		 * set_personality_64bit) */
		UT_EXPECT(personality(0xffffffff) == PER_LINUX, "personality is PER_LINUX");
		UT_EXPECT(personality(ADDR_NO_RANDOMIZE | READ_IMPLIES_EXEC) == PER_LINUX,
		          "personality(ADDR_NO_RANDOMIZE) returns the old one");
		UT_EXPECT(personality(0xffffffff) == (ADDR_NO_RANDOMIZE | READ_IMPLIES_EXEC), "0xffffffff only asks");
		fflush(stdout);
	}
	if (stage == 2 && randomized)
		UT_EXPECT(personality(0xffffffff) == ADDR_NO_RANDOMIZE,
		          "ADDR_NO_RANDOMIZE survives execve, READ_IMPLIES_EXEC does not (%#x)", personality(0xffffffff));
	if (stage < 3) {
		fflush(stdout);
		execve(argv[0], nargv, (char*[]){NULL});
		UT_EXPECT(0, "execve %s", argv[0]);
		return ut_done();
	}

	struct rec r[4];
	for (int i = 0; i < 3; i++)
		parse(argv[3 + i], &r[i]);
	r[3] = me;
	if (randomized) {
		int brk_random = !strcmp(mode, "rnd2");
		check_randomized(&r[0], 0, brk_random);
		check_randomized(&r[1], 1, brk_random);
		compare(&r[0], &r[1], 0, brk_random);
	} else {
		check_fixed(&r[0], 0);
		check_fixed(&r[1], 1);
		compare(&r[0], &r[1], 1, 0);
	}
	check_fixed(&r[2], 2);
	check_fixed(&r[3], 3);
	compare(&r[2], &r[3], 1, 0);
	return ut_done();
}
