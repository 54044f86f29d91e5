/*
 * The generic part of entering and leaving user mode (Linux:
 * include/linux/entry-common.h, kernel/entry/common.c; here in
 * arch/x86_64/entry/common.cc beside the x86 dispatcher).
 *
 *   do_syscall_64(regs, nr)          entry_SYSCALL_64's C half: run the
 *                                    call, then syscall_exit_to_user_mode;
 *                                    says whether SYSRET may return
 *   syscall_exit_to_user_mode(regs)  the exit work of a system call (also
 *                                    the first return of a new user task)
 *   irqentry_exit_to_user_mode(regs) the same after an interrupt or
 *                                    exception that came from user mode
 *   exit_to_user_mode_loop           TIF_NEED_RESCHED -> schedule(),
 *                                    TIF_NOTIFY_RESUME -> the task's work
 *                                    (resume_user_mode_work: the RLIMIT_CPU
 *                                    check, kernel/sched/cputime.cc),
 *                                    TIF_SIGPENDING -> signal delivery
 *                                    (a fatal signal: do_group_exit), with
 *                                    interrupts on, until no work is left
 *
 * All return with interrupts off and no work pending: the caller restores
 * the registers and returns to user mode straight away.
 */
#pragma once
#include <arch/ptrace.h>

#define EXIT_TO_USER_MODE_WORK (_TIF_SIGPENDING | _TIF_NEED_RESCHED | _TIF_NOTIFY_RESUME)

extern "C" bool do_syscall_64(struct pt_regs* regs, int nr);
extern "C" void syscall_exit_to_user_mode(struct pt_regs* regs);
void irqentry_exit_to_user_mode(struct pt_regs* regs);

/* may this return to user mode use SYSRET (else IRET)?  RCX == RIP,
 * canonical and in the user half; R11 == RFLAGS without RF or TF; user
 * CS and SS (Linux: the checks at the end of do_syscall_64) */
bool syscall_can_sysret(const struct pt_regs* regs);

/* the x86 part of signal delivery on the way out (Linux:
 * arch_do_signal_or_restart, arch/x86/kernel/signal.c) */
void arch_do_signal_or_restart(struct pt_regs* regs);

/* the start of user mode in a task's registers (Linux: start_thread):
 * ip and sp, user CS and SS, interrupts on, every other register 0.  For
 * exec and for a user-mode thread's function before it returns. */
void start_thread(struct pt_regs* regs, unsigned long new_ip, unsigned long new_sp);
/* exec: the thread's FS/GS bases to 0 and its FPU to the initial state
 * (Linux: flush_thread) */
void flush_thread();
