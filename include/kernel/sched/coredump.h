/*
 * The dumpable state of an address space (Linux: include/linux/sched/
 * coredump.h, fs/exec.c set_dumpable/get_dumpable).
 *
 * The two low bits of mm->flags: SUID_DUMP_USER (1) for a process as exec
 * leaves it, SUID_DUMP_DISABLE (0) after its effective or fs ids changed
 * (commit_creds, with Linux's default fs.suid_dumpable 0) or after
 * prctl(PR_SET_DUMPABLE, 0).  prctl(PR_GET_DUMPABLE) reads them.  No core
 * dumps are written yet; ptrace and /proc will read the same bits.
 */
#pragma once
#include <mm/mm_types.h>

#define SUID_DUMP_DISABLE 0
#define SUID_DUMP_USER 1
#define SUID_DUMP_ROOT 2
#define MMF_DUMPABLE_BITS 2
#define MMF_DUMPABLE_MASK ((1UL << MMF_DUMPABLE_BITS) - 1)

static inline void set_dumpable(struct mm_struct* mm, unsigned long value)
{
	unsigned long old = __atomic_load_n(&mm->flags, __ATOMIC_RELAXED), nw;
	do
		nw = (old & ~MMF_DUMPABLE_MASK) | value;
	while (!__atomic_compare_exchange_n(&mm->flags, &old, nw, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED));
}
static inline int get_dumpable(const struct mm_struct* mm)
{
	return int(__atomic_load_n(&mm->flags, __ATOMIC_RELAXED) & MMF_DUMPABLE_MASK);
}
