/*
 * ktests of the CPU time accounting (kernel/sched/cputime.cc):
 * cputime_adjust splits the runtime in the ticks' proportion, never
 * shows less than it showed before, and takes everything for one side
 * when the other has no ticks.
 */
#include <kernel/ktest.h>
#include <kernel/sched.h>
#include <kernel/sched/cputime.h>

KTEST(cputime, adjust_splits_in_the_ticks_proportion)
{
	struct prev_cputime prev = {};
	uint64_t ut, st;
	cputime_adjust(1000, 300, 100, &prev, &ut, &st); /* 3:1 */
	KEXPECT_EQ(st, 250u);
	KEXPECT_EQ(ut, 750u);
	cputime_adjust(2000, 300, 0, &prev, &ut, &st); /* no new system tick: but st never goes back */
	KEXPECT_EQ(st, 250u);
	KEXPECT_EQ(ut, 1750u);
	cputime_adjust(1500, 300, 300, &prev, &ut, &st); /* a runtime behind the last: the last again */
	KEXPECT_EQ(ut + st, 2000u);
	cputime_adjust(3000, 0, 0, &prev, &ut, &st); /* no ticks at all: user takes it */
	KEXPECT_EQ(st, 250u);
	KEXPECT_EQ(ut, 2750u);
	uint64_t big = 1ULL << 62; /* the 128-bit product */
	struct prev_cputime p2 = {};
	cputime_adjust(big, big / 2, big / 2, &p2, &ut, &st);
	KEXPECT_EQ(st, big / 2);
}
