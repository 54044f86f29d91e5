/*
 * What creating tasks takes from the kernel, for the ktests that check a
 * creation path gives everything back (kernel/fork_test.cc, kernel/sched/
 * sched_test.cc; Linux has no counterpart: its tests use kmemleak).
 *
 *   struct task_footprint before = task_footprint::now();
 *   ... create and stop threads, or fail a creation ...
 *   expect_same_footprint(__ktest, before, task_footprint::now());
 *
 * now() first lets the kernel settle (ktest_quiesce: dead threads are
 * released on other CPUs a little later) and empties the caches a
 * creation touches of their free slabs, so the counts are comparable.
 */
#pragma once
#include <kernel/ktest.h>
#include <kernel/pid.h>
#include <kernel/sched/signal.h>
#include <kernel/sched/stat.h>
#include <mm/page_alloc.h>
#include <mm/slab.h>
#include <mm/vmalloc.h>

extern struct kmem_cache* task_struct_cachep; /* kernel/fork.cc */
extern struct kmem_cache* signal_cachep;
extern struct kmem_cache* sighand_cachep;

struct task_footprint {
	bool quiet;                   /* ktest_quiesce() succeeded */
	int threads, pids;            /* nr_threads, pids in use */
	unsigned long task_structs;   /* active objects of the two caches */
	unsigned long signal_structs;
	unsigned long sighand_structs;
	unsigned long vmalloc_pages;  /* stacks */
	unsigned long free_pages;
	long sigcnt;                  /* references to current's signal_struct */

	static unsigned long active_objs(struct kmem_cache* s)
	{
		struct slabinfo info;
		get_slabinfo(s, &info);
		return info.active_objs;
	}
	static struct task_footprint now()
	{
		struct task_footprint f;
		f.quiet = ktest_quiesce();
		kmem_cache_shrink(task_struct_cachep);
		kmem_cache_shrink(signal_cachep);
		kmem_cache_shrink(sighand_cachep); /* a task may hold one (copy_sighand) */
		kmem_cache_shrink(kmalloc_slab(64, GFP_KERNEL)); /* struct kthread */
		drain_all_pages();
		f.threads = nr_threads;
		f.pids = pid_nr_allocated();
		f.task_structs = active_objs(task_struct_cachep);
		f.signal_structs = active_objs(signal_cachep);
		f.sighand_structs = active_objs(sighand_cachep);
		f.vmalloc_pages = vmalloc_nr_pages();
		f.free_pages = nr_free_pages();
		f.sigcnt = current->signal->sigcnt.load();
		return f;
	}
};

/* every count of after as it was before (a case's KEXPECT each) */
inline void expect_same_footprint(ktest& __ktest, const struct task_footprint& before,
                                  const struct task_footprint& after)
{
	KEXPECT_TRUE(before.quiet);
	KEXPECT_TRUE(after.quiet);
	KEXPECT_EQ(after.threads, before.threads);
	KEXPECT_EQ(after.pids, before.pids);
	KEXPECT_EQ(after.task_structs, before.task_structs);
	KEXPECT_EQ(after.signal_structs, before.signal_structs);
	KEXPECT_EQ(after.sighand_structs, before.sighand_structs);
	KEXPECT_EQ(after.vmalloc_pages, before.vmalloc_pages);
	KEXPECT_EQ(after.free_pages, before.free_pages);
	KEXPECT_EQ(after.sigcnt, before.sigcnt);
}
