/*
 * Task and scheduler counters (Linux: include/linux/sched/stat.h).
 * nr_threads changes under tasklist_lock; the others are read without
 * a lock, as statistics.
 */
#pragma once
#include <lib/spinlock.h>

extern lib::spinlock tasklist_lock;

extern int nr_threads GUARDED_BY(tasklist_lock); /* every task but the idle tasks */
extern unsigned long total_forks; /* copy_process successes since boot */
int nr_processes();
unsigned long nr_context_switches();
