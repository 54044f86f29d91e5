/*
 * ptrace inside the kernel (Linux: include/linux/ptrace.h,
 * include/linux/ptrace.h's ptrace_event/ptrace_init_task, kernel/ptrace.c,
 * the ptrace halves of kernel/signal.c: ptrace_stop, ptrace_notify).
 *
 * task->ptrace holds PT_PTRACED (and PT_SEIZED for PTRACE_SEIZE) and the
 * PTRACE_O_* options shifted by PT_OPT_FLAG_SHIFT.  A tracee's ->parent is
 * its tracer, ->real_parent the one that made it; it sits on the tracer's
 * ->ptraced list through ->ptrace_entry (tasklist_lock).  A tracee
 * stopped for its tracer (ptrace_stop) is in __TASK_TRACED with
 * JOBCTL_TRACED and its ->exit_code is the status wait reports; the
 * tracer resumes it by storing the signal to deliver in ->exit_code.
 *
 * Lock order: tasklist_lock -> sighand->siglock (as everywhere).
 */
#pragma once
#include <kernel/sched.h>
#include <uapi/linux/ptrace.h>

struct kernel_siginfo;

#define PT_SEIZED 0x00010000 /* SEIZE used, enable new behaviour */
#define PT_PTRACED 0x00000001
#define PT_OPT_FLAG_SHIFT 3
#define PT_EVENT_FLAG(event) (1 << (PT_OPT_FLAG_SHIFT + (event)))
#define PT_TRACESYSGOOD PT_EVENT_FLAG(0)
#define PT_TRACE_FORK PT_EVENT_FLAG(PTRACE_EVENT_FORK)
#define PT_TRACE_VFORK PT_EVENT_FLAG(PTRACE_EVENT_VFORK)
#define PT_TRACE_CLONE PT_EVENT_FLAG(PTRACE_EVENT_CLONE)
#define PT_TRACE_EXEC PT_EVENT_FLAG(PTRACE_EVENT_EXEC)
#define PT_TRACE_EXIT PT_EVENT_FLAG(PTRACE_EVENT_EXIT)
#define PT_EXITKILL (PTRACE_O_EXITKILL << PT_OPT_FLAG_SHIFT)

/* thread_info.syscall_work (Linux: include/linux/thread_info.h) */
#define SYSCALL_WORK_SYSCALL_TRACE (1UL << 1)
#define SYSCALL_WORK_SYSCALL_EXIT_TRAP (1UL << 6)

/* ptrace_may_access modes */
#define PTRACE_MODE_READ 0x01
#define PTRACE_MODE_ATTACH 0x02
#define PTRACE_MODE_NOAUDIT 0x04
#define PTRACE_MODE_FSCREDS 0x08
#define PTRACE_MODE_REALCREDS 0x10
#define PTRACE_MODE_ATTACH_REALCREDS (PTRACE_MODE_ATTACH | PTRACE_MODE_REALCREDS)
#define PTRACE_MODE_READ_REALCREDS (PTRACE_MODE_READ | PTRACE_MODE_REALCREDS)

static inline bool task_is_traced(const struct task_struct* t)
{
	return __atomic_load_n(&t->jobctl, __ATOMIC_RELAXED) & (1UL << 27); /* JOBCTL_TRACED */
}
static inline bool ptrace_reparented(const struct task_struct* child)
{
	return child->real_parent != child->parent;
}
static inline bool ptrace_event_enabled(const struct task_struct* t, int event)
{
	return t->ptrace & PT_EVENT_FLAG(event);
}

bool ptrace_may_access(struct task_struct* task, unsigned int mode);
/* the fork child of a traced parent (copy_process, under tasklist_lock) */
void ptrace_init_task(struct task_struct* child, bool ptrace);
/* a tracee leaves its tracer (tasklist_lock held) */
void __ptrace_unlink(struct task_struct* child);
/* the tracer exits: its tracees are let go (EXITKILL: killed); tasklist_lock held */
void exit_ptrace(struct task_struct* tracer);

/* stops for the tracer; the siglock-holding ones take the saved flags */
int ptrace_stop(int exit_code, int why, unsigned long message, struct kernel_siginfo* info, unsigned long* flags);
int ptrace_signal(int signr, struct kernel_siginfo* info, int type, unsigned long* flags);
void do_jobctl_trap(unsigned long* flags);
void ptrace_notify(int exit_code, unsigned long message);
void ptrace_event(int event, unsigned long message);
void ptrace_event_pid(int event, pid_t pid);
/* the system-call stops (arch/x86_64/entry/common.cc) */
long syscall_trace_enter(struct pt_regs* regs, long nr);
void syscall_exit_work(struct pt_regs* regs, unsigned long work);

/* arch/x86_64/kernel/ptrace.cc */
lib::Result<long> arch_ptrace(struct task_struct* child, long request, unsigned long addr, unsigned long data);
lib::Result<long> ptrace_request(struct task_struct* child, long request, unsigned long addr, unsigned long data);
void user_enable_single_step(struct task_struct* child);
void user_disable_single_step(struct task_struct* child);
