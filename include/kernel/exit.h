/*
 * Ending a task (Linux: include/linux/sched/task.h do_exit,
 * do_group_exit; kernel/exit.c).
 *
 * code is Linux's wait status: (status & 0xff) << 8 for exit(status) and
 * exit_group(status), the signal number (low 7 bits) for a task a signal
 * killed.  It lands in tsk->exit_code.  Until the processes issue brings
 * wait4 and zombies, the dead task is released by the scheduler as a
 * kernel thread is (finish_task_switch), and whoever holds a reference
 * can read exit_code after the task's vfork_done completion fires.
 */
#pragma once

[[noreturn]] void do_exit(long code);
[[noreturn]] void do_group_exit(int exit_code);
