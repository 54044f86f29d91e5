/*
 * CPU time of a thread group (Linux: include/linux/sched/cputime.h
 * thread_group_cputime).
 *
 * thread_group_sched_runtime(tsk, &u, &s) sums task_sched_runtime() (ns,
 * current to the call) over tsk's threads and, if asked, their utime and
 * stime.  Takes tasklist_lock, then each thread's rq lock (kernel/sys.cc).
 */
#pragma once
#include <cstdint>

struct task_struct;
uint64_t thread_group_sched_runtime(struct task_struct* tsk, uint64_t* utime, uint64_t* stime);
