/*
 * Ending a task (Linux: include/linux/sched/task.h do_exit,
 * do_group_exit; kernel/exit.c).
 *
 * code is Linux's wait status: (status & 0xff) << 8 for exit(status) and
 * exit_group(status), the signal number (low 7 bits, 0x80 for a core
 * dump) for a task a signal killed.  It lands in tsk->exit_code (or the
 * group's group_exit_code for exit_group and fatal signals); the task
 * becomes a zombie its parent reaps with wait4/waitid, or is reaped at
 * once (threads, children of kernel threads, a parent ignoring SIGCHLD)
 * (kernel/exit.cc).  do_group_exit kills the other threads first
 * (zap_other_threads).
 */
#pragma once
#include <atomic>

/* tasks between do_exit and their last switch: a released thread may
 * still be running its exit (the tests wait for none to be left) */
extern std::atomic<int> nr_dying_tasks;

[[noreturn]] void do_exit(long code);
[[noreturn]] void do_group_exit(int exit_code);
