/*
 * CPU stoppers (Linux: include/linux/stop_machine.h, kernel/stop_machine.c).
 *
 * One thread per online CPU, "migration/N", bound to its CPU in the stop
 * scheduling class (above every RT task; shown as SCHED_FIFO 99, as
 * Linux's), runs works queued for that CPU with preemption disabled.
 * The scheduler uses it to move a running or queued task off a CPU its
 * affinity no longer allows (migration_cpu_stop).
 */
#pragma once
#include <lib/result.h>

typedef int (*cpu_stop_fn_t)(void* arg);

/* run fn(arg) on cpu in its stopper and wait: fn's result, or ENOENT if
 * cpu has no stopper (offline, or before sched_init_smp) and fn did not
 * run.  May sleep. */
lib::Result<int> stop_one_cpu(unsigned int cpu, cpu_stop_fn_t fn, void* arg);
/* start migration/N on every online CPU (sched_init_smp) */
void cpu_stop_init();
/* the stopper thread of cpu, or nullptr */
struct task_struct* cpu_stopper_task(unsigned int cpu);
