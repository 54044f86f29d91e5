/*
 * task_struct.jobctl: a thread's part in job control (Linux:
 * include/linux/sched/jobctl.h, with Linux 6.1's values).
 *
 *   JOBCTL_STOP_SIGMASK   the signal of the last group stop (low 16 bits)
 *   JOBCTL_STOP_DEQUEUED  a stop signal was dequeued (from the shared
 *                         queue): do_signal_stop may start a group stop
 *   JOBCTL_STOP_PENDING   the thread is to stop for the group stop
 *   JOBCTL_STOP_CONSUME   stopping counts down signal->group_stop_count
 *   JOBCTL_STOPPED        the thread sits in do_signal_stop (TASK_STOPPED)
 *   JOBCTL_TRAP_*, TRAPPING, LISTENING, TRACED: ptrace's (part 8)
 *
 * Changed under sighand->siglock (kernel/signal.cc).
 */
#pragma once

#define JOBCTL_STOP_SIGMASK 0xffff /* signr of the last group stop */

#define JOBCTL_STOP_DEQUEUED_BIT 16   /* stop signal dequeued */
#define JOBCTL_STOP_PENDING_BIT 17    /* task should stop for group stop */
#define JOBCTL_STOP_CONSUME_BIT 18    /* consume group stop count */
#define JOBCTL_TRAP_STOP_BIT 19       /* trap for STOP */
#define JOBCTL_TRAP_NOTIFY_BIT 20     /* trap for NOTIFY */
#define JOBCTL_TRAPPING_BIT 21        /* switching to TRACED */
#define JOBCTL_LISTENING_BIT 22       /* ptracer is listening for events */
#define JOBCTL_TRAP_FREEZE_BIT 23     /* trap for cgroup freezer */
#define JOBCTL_PTRACE_FROZEN_BIT 24   /* frozen for ptrace */
#define JOBCTL_STOPPED_BIT 26         /* do_signal_stop() */
#define JOBCTL_TRACED_BIT 27          /* ptrace_stop() */

#define JOBCTL_STOP_DEQUEUED (1UL << JOBCTL_STOP_DEQUEUED_BIT)
#define JOBCTL_STOP_PENDING (1UL << JOBCTL_STOP_PENDING_BIT)
#define JOBCTL_STOP_CONSUME (1UL << JOBCTL_STOP_CONSUME_BIT)
#define JOBCTL_TRAP_STOP (1UL << JOBCTL_TRAP_STOP_BIT)
#define JOBCTL_TRAP_NOTIFY (1UL << JOBCTL_TRAP_NOTIFY_BIT)
#define JOBCTL_TRAPPING (1UL << JOBCTL_TRAPPING_BIT)
#define JOBCTL_LISTENING (1UL << JOBCTL_LISTENING_BIT)
#define JOBCTL_TRAP_FREEZE (1UL << JOBCTL_TRAP_FREEZE_BIT)
#define JOBCTL_PTRACE_FROZEN (1UL << JOBCTL_PTRACE_FROZEN_BIT)
#define JOBCTL_STOPPED (1UL << JOBCTL_STOPPED_BIT)
#define JOBCTL_TRACED (1UL << JOBCTL_TRACED_BIT)

#define JOBCTL_TRAP_MASK (JOBCTL_TRAP_STOP | JOBCTL_TRAP_NOTIFY)
#define JOBCTL_PENDING_MASK (JOBCTL_STOP_PENDING | JOBCTL_TRAP_MASK)
