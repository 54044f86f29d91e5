/*
 * Resource usage of a task, its group or its reaped children (Linux:
 * include/linux/resource.h getrusage; kernel/sys.c).
 *
 * getrusage(p, who, r) fills *r for RUSAGE_SELF (p's thread group, the
 * dead threads included), RUSAGE_CHILDREN (its reaped children and their
 * descendants), RUSAGE_BOTH (the two, for wait4) or RUSAGE_THREAD (p
 * alone, p == current): times from utime/stime, fault and context-switch
 * counts, ru_maxrss in KiB.  Takes tasklist_lock and p's siglock; p must
 * not be released yet.
 */
#pragma once
struct task_struct;
struct rusage;
void getrusage(struct task_struct* p, int who, struct rusage* r);
