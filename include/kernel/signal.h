/*
 * Sending signals from the kernel (Linux: include/linux/sched/signal.h
 * force_sig_fault, force_sig; kernel/signal.c).
 *
 * The contract the fault handlers code against.  Until the processes
 * issue brings sigaction, handlers and signal frames, every signal takes
 * its default action, and for the signals the kernel forces on a fault
 * (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP) that is to kill the whole
 * thread group (a core dump is not written).  The kill happens on the way
 * back to user mode (exit_to_user_mode_loop sees TIF_SIGPENDING), as in
 * Linux, so a fault handler simply returns after forcing the signal.
 */
#pragma once
#include <kernel/uaccess.h>
#include <uapi/asm-generic/signal.h>

struct task_struct;

/* deliver sig to current, as raised by the fault at addr with si_code code
 * (SEGV_MAPERR...); the signal cannot be blocked or ignored */
void force_sig_fault(int sig, int code, user_ptr<void> addr);
/* deliver sig to current with si_code SI_KERNEL */
void force_sig(int sig);
/* has current a fatal signal pending (the caller should unwind and let
 * the exit-to-user path kill it)?  Linux: fatal_signal_pending(current) */
bool fatal_signal_pending(struct task_struct* tsk);
