/*
 * The C half of the system-call entry and the exit-to-user work (Linux:
 * arch/x86/entry/common.c do_syscall_64; kernel/entry/common.c
 * syscall_exit_to_user_mode, irqentry_exit_to_user_mode,
 * exit_to_user_mode_loop).
 *
 * do_syscall_64 runs with the task's struct pt_regs at its stack top
 * (entry_64.S built it): interrupts on, the table's entry for the number,
 * its return value in regs->ax, then the exit work, then the SYSRET check.
 * Every return to user mode - after a system call, an interrupt or an
 * exception from user mode, or a new task's first - passes
 * exit_to_user_mode_loop, which does the pending work with interrupts on
 * and rereads the flags with interrupts off until none is left, so no
 * wake-up or signal set by an interrupt is lost between the check and the
 * return.
 *
 * Invariants: a system call returns to user mode with preempt_count 0 and
 * interrupts off; pt_regs is the only record of the user's registers, so
 * whatever changes regs->ip or ->sp (exec, signals) forces the IRET path
 * (regs->cx no longer equals regs->ip).
 */
#include <arch/irqflags.h>
#include <arch/processor.h>
#include <arch/segment.h>
#include <arch/syscall.h>
#include <kernel/entry-common.h>
#include <kernel/panic.h>
#include <kernel/preempt.h>
#include <kernel/ptrace.h>
#include <kernel/sched.h>
#include <kernel/sched/cputime.h>
#include <kernel/syscalls.h>

namespace
{
void exit_to_user_mode_loop(struct pt_regs* regs, unsigned long ti_work)
{
	while (ti_work & EXIT_TO_USER_MODE_WORK) {
		arch_local_irq_enable();
		if (ti_work & _TIF_NEED_RESCHED)
			schedule();
		if (ti_work & _TIF_NOTIFY_RESUME) { /* Linux: resume_user_mode_work */
			clear_tsk_thread_flag(current, TIF_NOTIFY_RESUME);
			posix_cpu_timers_work();
		}
		if (ti_work & _TIF_SIGPENDING)
			arch_do_signal_or_restart(regs);
		arch_local_irq_disable();
		ti_work = read_task_thread_flags(current);
	}
}

void exit_to_user_mode_prepare(struct pt_regs* regs)
{
	arch_local_irq_disable();
	if (WARN_ON_ONCE(preempt_count() != 0)) /* a lock or preempt_disable() leaked */
		preempt_count_sub(preempt_count());
	unsigned long ti_work = read_task_thread_flags(current);
	if (ti_work & EXIT_TO_USER_MODE_WORK)
		exit_to_user_mode_loop(regs, ti_work);
}
} // namespace

bool syscall_can_sysret(const struct pt_regs* regs)
{
	/* SYSRET loads RIP from RCX and RFLAGS from R11: only right if they
	 * still hold what the user's registers say */
	if (regs->cx != regs->ip || regs->r11 != regs->flags)
		return false;
	/* SYSRET forces the user selectors */
	if (regs->cs != __USER_CS || regs->ss != __USER_DS)
		return false;
	/* on Intel, SYSRET to a non-canonical RIP faults in ring 0 with the
	 * user's RSP (CVE-2012-0217); below TASK_SIZE_MAX is canonical, and
	 * the page under the hole is never user-mappable, so the RIP after a
	 * SYSCALL at its very end (2^47) cannot arrive here */
	if (regs->ip >= TASK_SIZE_MAX)
		return false;
	/* SYSRET cannot restore RF, and TF would trap on the first user
	 * instruction with the kernel's state half restored */
	if (regs->flags & (X86_EFLAGS_RF | X86_EFLAGS_TF))
		return false;
	return true;
}

extern "C" void syscall_exit_to_user_mode(struct pt_regs* regs)
{
	/* the syscall-exit stop, or a single-step's trap (kernel/ptrace.cc) */
	unsigned long work = current->thread_info.syscall_work;
	if (work & (SYSCALL_WORK_SYSCALL_TRACE | SYSCALL_WORK_SYSCALL_EXIT_TRAP))
		syscall_exit_work(regs, work);
	exit_to_user_mode_prepare(regs);
}

void irqentry_exit_to_user_mode(struct pt_regs* regs)
{
	exit_to_user_mode_prepare(regs);
}

extern "C" bool do_syscall_64(struct pt_regs* regs, int nr)
{
	arch_local_irq_enable();
	/* the syscall-entry stop: the tracer may change the number, or -1
	 * skips the call (Linux: syscall_enter_from_user_mode) */
	if (current->thread_info.syscall_work & SYSCALL_WORK_SYSCALL_TRACE)
		nr = int(syscall_trace_enter(regs, nr));
	unsigned int unr = unsigned(nr);
	if (unr < NR_syscalls)
		regs->ax = sys_call_table[unr](regs);
	else if (nr != -1)
		regs->ax = sys_ni_syscall(regs); /* -ENOSYS, logged once */
	syscall_exit_to_user_mode(regs);
	return syscall_can_sysret(regs);
}
