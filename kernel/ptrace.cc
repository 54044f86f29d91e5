/*
 * ptrace: one task (the tracer) stopping, inspecting and steering another
 * (the tracee) (Linux: kernel/ptrace.c, with the ptrace halves of
 * kernel/signal.c: ptrace_stop, ptrace_do_notify, ptrace_notify,
 * ptrace_signal, do_jobctl_trap; kernel/entry/common.c's syscall work).
 *
 * Attaching (ptrace_attach, ptrace_traceme) sets task->ptrace (PT_PTRACED,
 * PT_SEIZED, the options << PT_OPT_FLAG_SHIFT) and links the tracee to
 * its tracer (ptrace_link): ->parent becomes the tracer, ->real_parent
 * stays, and the tracee joins the tracer's ->ptraced list by its
 * ->ptrace_entry.  wait4/waitid (kernel/exit.cc) scan that list beside
 * ->children and report a ptrace-stop whatever WUNTRACED says.
 *
 * A ptrace-stop (ptrace_stop): the tracee records the status in
 * ->exit_code (and the siginfo in ->last_siginfo, the event message in
 * ->ptrace_message), sets JOBCTL_TRACED and __TASK_TRACED, tells the
 * tracer (SIGCHLD with CLD_TRAPPED, a wake-up of its wait queue) and
 * sleeps; the tracer's wait takes ->exit_code, its CONT/SYSCALL/
 * SINGLESTEP/DETACH puts the signal to deliver there and wakes it.  The
 * stops: signal-delivery (ptrace_signal, from get_signal), syscall entry
 * and exit (SYSCALL_WORK_SYSCALL_TRACE, SIGTRAP | 0x80 with
 * TRACESYSGOOD), PTRACE_EVENT_* (fork, vfork, clone, exec, exit), and
 * SEIZE's group-stop/INTERRUPT traps (PTRACE_EVENT_STOP).
 *
 * Requests on a tracee need it stopped (ptrace_check_attach): it is then
 * frozen (JOBCTL_PTRACE_FROZEN: a SIGKILL does not wake it from under
 * the tracer) and off its CPU (wait_task_inactive), so its pt_regs and
 * FPU image in memory are its registers.
 *
 * Differences from Linux: a tracee that exits leaves its tracer at once
 * (exit_notify unlinks it) and its real parent reaps it; a tracer that is
 * not the real parent sees no exit of its tracee (Linux reports it to the
 * tracer first).  A group stop of a tracee is not turned into a
 * ptrace-stop for a non-SEIZE tracer (do_signal_stop's ptrace path);
 * no seccomp, no PEEKSIGINFO, no hardware breakpoints (u_debugreg reads
 * 0, writes of non-zero values are EIO).
 *
 * Lock order: tasklist_lock -> sighand->siglock -> pi_lock/rq->lock.
 */
#include <kernel/capability.h>
#include <kernel/cred.h>
#include <kernel/printk.h>
#include <kernel/ptrace.h>
#include <kernel/sched.h>
#include <kernel/sched/coredump.h>
#include <kernel/sched/jobctl.h>
#include <kernel/sched/signal.h>
#include <kernel/sched/task.h>
#include <kernel/sched/task_stack.h>
#include <kernel/signal.h>
#include <kernel/syscalls.h>
#include <kernel/uaccess.h>
#include <mm/mm.h>
#include <uapi/asm-generic/errno-base.h>
#include <uapi/asm-generic/signal.h>
#include <uapi/linux/sched.h>

#include <lib/container_of.h>

void signal_wake_up_state(struct task_struct* t, unsigned int state);

namespace
{
unsigned long lock_sighand(struct task_struct* t) NO_THREAD_SAFETY_ANALYSIS
{
	unsigned long f = arch_local_irq_save();
	t->sighand->siglock.lock();
	return f;
}
void unlock_sighand(struct task_struct* t, unsigned long f) NO_THREAD_SAFETY_ANALYSIS
{
	t->sighand->siglock.unlock_irqrestore(f);
}

bool same_thread_group(const struct task_struct* a, const struct task_struct* b)
{
	return a->signal == b->signal;
}

/* Linux: ptrace_signal_wake_up: resume takes it out of a ptrace-stop */
void ptrace_signal_wake_up(struct task_struct* t, bool resume)
{
	unsigned int state = 0;
	if (resume) {
		t->jobctl &= ~JOBCTL_TRACED;
		state = __TASK_TRACED;
	}
	signal_wake_up_state(t, state);
}

/* Linux: __ptrace_link */
void ptrace_link(struct task_struct* child, struct task_struct* new_parent) REQUIRES(tasklist_lock)
{
	child->parent = new_parent;
	new_parent->ptraced.add_tail(&child->ptrace_entry);
}

/* clock ticks of a task's times for SIGCHLD's siginfo (USER_HZ 100) */
long ticks(uint64_t ns)
{
	return long(ns / 10000000ULL);
}

/* Linux: do_notify_parent_cldstop(tsk, for_ptrace = true, why): the
 * tracer hears of the stop; tasklist_lock held */
void notify_tracer(struct task_struct* tsk, int why) REQUIRES(tasklist_lock)
{
	struct task_struct* parent = tsk->parent;
	struct kernel_siginfo info = {};
	info.si_signo = SIGCHLD;
	info.si_code = why;
	info._sifields._sigchld.pid = task_pid_nr(tsk);
	info._sifields._sigchld.uid = __kuid_val(tsk->real_cred->uid);
	info._sifields._sigchld.utime = ticks(tsk->utime);
	info._sifields._sigchld.stime = ticks(tsk->stime);
	info._sifields._sigchld.status = tsk->exit_code & 0x7f;
	unsigned long f = lock_sighand(parent);
	struct k_sigaction* ka = &parent->sighand->action[SIGCHLD - 1];
	if (ka->sa.sa_handler != SIG_IGN && !(ka->sa.sa_flags & SA_NOCLDSTOP) && !(parent->flags & PF_KTHREAD))
		(void)send_signal_locked(SIGCHLD, &info, parent, PIDTYPE_TGID);
	__wake_up(&parent->signal->wait_chldexit, TASK_INTERRUPTIBLE, 1, tsk);
	unlock_sighand(parent, f);
}

/* Linux: ptrace_do_notify; siglock held */
void ptrace_do_notify(int signr, int exit_code, int why, unsigned long message, unsigned long* f)
{
	struct kernel_siginfo info = {};
	info.si_signo = signr;
	info.si_code = exit_code;
	info._sifields._kill.pid = task_pid_nr(current);
	info._sifields._kill.uid = __kuid_val(current->real_cred->uid);
	(void)ptrace_stop(exit_code, why, message, &info, f);
}

bool valid_signal(unsigned long sig)
{
	return sig <= _NSIG;
}
bool sigismember(const sigset_t* set, int sig)
{
	return (set->sig[0] >> (sig - 1)) & 1;
}
void sigaddset(sigset_t* set, int sig)
{
	set->sig[0] |= 1UL << (sig - 1);
}

bool is_kthread(const struct task_struct* t)
{
	return t->flags & PF_KTHREAD;
}
} // namespace

/* ================================================================
 * access checks
 * ================================================================ */

/* Linux: __ptrace_may_access (without LSMs: commoncap's capability check
 * only; Yama's scope 0 lets any same-uid process attach) */
bool ptrace_may_access(struct task_struct* task, unsigned int mode)
{
	if (same_thread_group(task, current))
		return true;
	const struct cred* cred = current_cred();
	const struct cred* tcred = task->real_cred;
	kuid_t caller_uid;
	kgid_t caller_gid;
	if (mode & PTRACE_MODE_FSCREDS) {
		caller_uid = cred->fsuid;
		caller_gid = cred->fsgid;
	} else {
		caller_uid = cred->uid;
		caller_gid = cred->gid;
	}
	bool ok = uid_eq(caller_uid, tcred->euid) && uid_eq(caller_uid, tcred->suid) &&
	          uid_eq(caller_uid, tcred->uid) && gid_eq(caller_gid, tcred->egid) &&
	          gid_eq(caller_gid, tcred->sgid) && gid_eq(caller_gid, tcred->gid);
	if (!ok && !capable(CAP_SYS_PTRACE))
		return false;
	struct mm_struct* mm = task->mm;
	if (mm && get_dumpable(mm) != SUID_DUMP_USER && !capable(CAP_SYS_PTRACE))
		return false;
	return true;
}

/* ================================================================
 * linking and unlinking
 * ================================================================ */

void ptrace_init_task(struct task_struct* child, bool ptrace) NO_THREAD_SAFETY_ANALYSIS
{
	child->ptrace = 0;
	child->jobctl = 0;
	child->ptrace_entry.init();
	if (ptrace && current->ptrace) {
		child->ptrace = current->ptrace;
		ptrace_link(child, current->parent);
		/* a new tracee starts in a stop its tracer sees (Linux) */
		if (child->ptrace & PT_SEIZED)
			child->jobctl |= JOBCTL_TRAP_STOP;
		else
			sigaddset(&child->pending.signal, SIGSTOP);
		set_tsk_thread_flag(child, TIF_SIGPENDING);
	}
}

void __ptrace_unlink(struct task_struct* child) NO_THREAD_SAFETY_ANALYSIS
{
	child->ptrace_entry.del_init();
	child->parent = child->real_parent;
	__atomic_and_fetch(&child->thread_info.syscall_work,
	                   ~(SYSCALL_WORK_SYSCALL_TRACE | SYSCALL_WORK_SYSCALL_EXIT_TRAP), __ATOMIC_RELAXED);
	unsigned long f = lock_sighand(child);
	child->ptrace = 0;
	child->jobctl &= ~(JOBCTL_TRAP_MASK | JOBCTL_TRAPPING | JOBCTL_LISTENING | JOBCTL_PTRACE_FROZEN);
	if (task_is_traced(child))
		ptrace_signal_wake_up(child, true);
	unlock_sighand(child, f);
}

/* Linux: exit_ptrace */
void exit_ptrace(struct task_struct* tracer) NO_THREAD_SAFETY_ANALYSIS
{
	while (!tracer->ptraced.empty()) {
		struct task_struct* p = list_entry(tracer->ptraced.next, struct task_struct, ptrace_entry);
		if (p->ptrace & PT_EXITKILL)
			(void)send_sig(SIGKILL, p, 1);
		__ptrace_unlink(p);
	}
}

/* ================================================================
 * the tracee's side: ptrace-stops
 * ================================================================ */

int ptrace_stop(int exit_code, int why, unsigned long message, struct kernel_siginfo* info,
                unsigned long* f) NO_THREAD_SAFETY_ANALYSIS
{
	struct task_struct* me = current;
	if (!me->ptrace || __fatal_signal_pending(me)) {
		me->jobctl &= ~JOBCTL_TRAP_MASK;
		return exit_code;
	}
	set_current_state(TASK_TRACED);
	me->jobctl |= JOBCTL_TRACED;
	me->last_siginfo = info;
	me->ptrace_message = message;
	me->exit_code = exit_code;
	/* any trap clears a pending STOP trap; a STOP trap also a NOTIFY */
	if ((exit_code >> 8) == PTRACE_EVENT_STOP)
		me->jobctl &= ~JOBCTL_TRAP_MASK;
	else
		me->jobctl &= ~JOBCTL_TRAP_STOP;
	unlock_sighand(me, *f);
	{
		lib::spin_lock_irqsave_guard g(tasklist_lock);
		if (me->ptrace)
			notify_tracer(me, why);
	}
	schedule();
	*f = lock_sighand(me);
	exit_code = me->exit_code;
	me->exit_code = 0;
	me->last_siginfo = nullptr;
	me->ptrace_message = 0;
	me->jobctl &= ~(JOBCTL_LISTENING | JOBCTL_PTRACE_FROZEN | JOBCTL_TRACED);
	__set_current_state(TASK_RUNNING);
	recalc_sigpending();
	return exit_code;
}

/* Linux: ptrace_signal: a dequeued signal shown to the tracer first */
int ptrace_signal(int signr, struct kernel_siginfo* info, int type, unsigned long* f) NO_THREAD_SAFETY_ANALYSIS
{
	current->jobctl |= JOBCTL_STOP_DEQUEUED;
	signr = ptrace_stop(signr, CLD_TRAPPED, 0, info, f);
	if (signr == 0)
		return 0;
	/* the tracer chose another signal: it comes from the tracer */
	if (signr != info->si_signo) {
		*info = {};
		info->si_signo = signr;
		info->si_code = SI_USER;
		info->_sifields._kill.pid = task_pid_nr(current->parent);
		info->_sifields._kill.uid = __kuid_val(current->parent->real_cred->uid);
	}
	if (sigismember(&current->blocked, signr) || __fatal_signal_pending(current)) {
		(void)send_signal_locked(signr, info, current, pid_type(type));
		return 0;
	}
	return signr;
}

/* Linux: do_jobctl_trap: SEIZE's STOP trap (INTERRUPT, a new tracee) */
void do_jobctl_trap(unsigned long* f) NO_THREAD_SAFETY_ANALYSIS
{
	struct signal_struct* signal = current->signal;
	int signr = int(current->jobctl & JOBCTL_STOP_SIGMASK);
	if (current->ptrace & PT_SEIZED) {
		if (!signal->group_stop_count && !(signal->flags & SIGNAL_STOP_STOPPED))
			signr = SIGTRAP;
		ptrace_do_notify(signr, signr | (PTRACE_EVENT_STOP << 8), CLD_STOPPED, 0, f);
	} else {
		current->jobctl &= ~JOBCTL_TRAP_MASK;
		(void)ptrace_stop(signr ? signr : SIGSTOP, CLD_STOPPED, 0, nullptr, f);
	}
}

void ptrace_notify(int exit_code, unsigned long message)
{
	unsigned long f = lock_sighand(current);
	ptrace_do_notify(SIGTRAP, exit_code, CLD_TRAPPED, message, &f);
	unlock_sighand(current, f);
}

void ptrace_event(int event, unsigned long message)
{
	if (ptrace_event_enabled(current, event)) {
		ptrace_notify((event << 8) | SIGTRAP, message);
	} else if (event == PTRACE_EVENT_EXEC) {
		/* legacy: a SIGTRAP after a successful execve */
		if ((current->ptrace & (PT_PTRACED | PT_SEIZED)) == PT_PTRACED)
			(void)send_sig(SIGTRAP, current, 0);
	}
}

void ptrace_event_pid(int event, pid_t pid)
{
	ptrace_event(event, (unsigned long)pid);
}

/* Linux: ptrace_report_syscall: true when the system call must not run */
namespace
{
bool ptrace_report_syscall(unsigned long message)
{
	unsigned int ptrace = current->ptrace;
	if (!(ptrace & PT_PTRACED))
		return false;
	ptrace_notify(SIGTRAP | ((ptrace & PT_TRACESYSGOOD) ? 0x80 : 0), message);
	/* the tracer resumed it with a signal: deliver it as a plain send */
	if (current->exit_code) {
		(void)send_sig(current->exit_code, current, 1);
		current->exit_code = 0;
	}
	return __fatal_signal_pending(current);
}
} // namespace

long syscall_trace_enter(struct pt_regs* regs, long nr)
{
	unsigned long work = current->thread_info.syscall_work;
	if (work & SYSCALL_WORK_SYSCALL_TRACE) {
		if (ptrace_report_syscall(PTRACE_EVENTMSG_SYSCALL_ENTRY))
			return -1;
		return long(regs->orig_ax); /* the tracer may have changed it */
	}
	return nr;
}

void syscall_exit_work(struct pt_regs* regs, unsigned long work)
{
	if (work & SYSCALL_WORK_SYSCALL_EXIT_TRAP) {
		/* single-stepping over SYSCALL: the trap after it (Linux:
		 * user_single_step_report) */
		force_sig_fault(SIGTRAP, TRAP_BRKPT, user_ptr<void>(regs->ip));
		return;
	}
	if (work & SYSCALL_WORK_SYSCALL_TRACE)
		(void)ptrace_report_syscall(PTRACE_EVENTMSG_SYSCALL_EXIT);
}

/* ================================================================
 * the tracer's side
 * ================================================================ */
namespace
{
lib::Result<long> ptrace_traceme() NO_THREAD_SAFETY_ANALYSIS
{
	lib::spin_lock_irqsave_guard g(tasklist_lock);
	if (current->ptrace)
		return lib::Error{EPERM};
	if (current->real_parent->flags & PF_EXITING)
		return lib::Error{EPERM};
	current->ptrace = PT_PTRACED;
	ptrace_link(current, current->real_parent);
	return 0;
}

lib::Result<long> ptrace_attach(struct task_struct* task, long request, unsigned long addr,
                                unsigned long flags) NO_THREAD_SAFETY_ANALYSIS
{
	bool seize = request == PTRACE_SEIZE;
	if (seize) {
		if (addr != 0 || (flags & ~(unsigned long)PTRACE_O_MASK))
			return lib::Error{EIO};
		flags = PT_PTRACED | PT_SEIZED | (flags << PT_OPT_FLAG_SHIFT);
	} else {
		flags = PT_PTRACED;
	}
	if (is_kthread(task) || same_thread_group(task, current))
		return lib::Error{EPERM};
	if (!ptrace_may_access(task, PTRACE_MODE_ATTACH_REALCREDS))
		return lib::Error{EPERM};
	lib::spin_lock_irqsave_guard g(tasklist_lock);
	if (task->exit_state || task->ptrace)
		return lib::Error{EPERM};
	task->ptrace = unsigned(flags);
	ptrace_link(task, current);
	if (!seize)
		(void)send_sig(SIGSTOP, task, 1);
	/* a task in a group stop re-traps for its new tracer */
	unsigned long f = lock_sighand(task);
	if ((READ_TASK_STATE(task) & __TASK_STOPPED) && (task->jobctl & JOBCTL_STOPPED)) {
		task->jobctl |= JOBCTL_TRAP_STOP;
		task->jobctl &= ~JOBCTL_STOPPED;
		signal_wake_up_state(task, __TASK_STOPPED);
	}
	unlock_sighand(task, f);
	return 0;
}

/* Linux: ptrace_check_attach + ptrace_freeze_traced */
lib::Result<void> ptrace_check_attach(struct task_struct* child, bool ignore_state) NO_THREAD_SAFETY_ANALYSIS
{
	bool ok = false;
	{
		lib::spin_lock_irqsave_guard g(tasklist_lock);
		if (child->ptrace && child->parent == current) {
			if (ignore_state) {
				ok = true;
			} else {
				unsigned long f = lock_sighand(child);
				if (task_is_traced(child) && !(child->jobctl & JOBCTL_LISTENING) &&
				    !__fatal_signal_pending(child)) {
					child->jobctl |= JOBCTL_PTRACE_FROZEN;
					ok = true;
				}
				unlock_sighand(child, f);
			}
		}
	}
	if (!ok)
		return lib::Error{ESRCH};
	if (!ignore_state && !wait_task_inactive(child, __TASK_TRACED))
		return lib::Error{ESRCH};
	return lib::ok();
}

void ptrace_unfreeze_traced(struct task_struct* task) NO_THREAD_SAFETY_ANALYSIS
{
	if (!(__atomic_load_n(&task->jobctl, __ATOMIC_RELAXED) & JOBCTL_PTRACE_FROZEN))
		return;
	unsigned long f = lock_sighand(task);
	task->jobctl &= ~JOBCTL_PTRACE_FROZEN;
	if (__fatal_signal_pending(task)) {
		task->jobctl &= ~JOBCTL_TRACED;
		wake_up_state(task, __TASK_TRACED);
	}
	unlock_sighand(task, f);
}

lib::Result<long> ptrace_resume(struct task_struct* child, long request, unsigned long data) NO_THREAD_SAFETY_ANALYSIS
{
	if (!valid_signal(data))
		return lib::Error{EIO};
	if (request == PTRACE_SYSCALL)
		__atomic_or_fetch(&child->thread_info.syscall_work, SYSCALL_WORK_SYSCALL_TRACE, __ATOMIC_RELAXED);
	else
		__atomic_and_fetch(&child->thread_info.syscall_work, ~SYSCALL_WORK_SYSCALL_TRACE, __ATOMIC_RELAXED);
	if (request == PTRACE_SINGLESTEP)
		user_enable_single_step(child);
	else
		user_disable_single_step(child);
	unsigned long f = lock_sighand(child);
	child->exit_code = int(data);
	child->jobctl &= ~JOBCTL_TRACED;
	wake_up_state(child, __TASK_TRACED);
	unlock_sighand(child, f);
	return 0;
}

lib::Result<long> ptrace_detach(struct task_struct* child, unsigned long data) NO_THREAD_SAFETY_ANALYSIS
{
	if (!valid_signal(data))
		return lib::Error{EIO};
	user_disable_single_step(child);
	lib::spin_lock_irqsave_guard g(tasklist_lock);
	child->exit_code = int(data);
	__ptrace_unlink(child);
	return 0;
}

lib::Result<long> ptrace_setoptions(struct task_struct* child, unsigned long data)
{
	if (data & ~(unsigned long)PTRACE_O_MASK)
		return lib::Error{EINVAL};
	if (data & PTRACE_O_SUSPEND_SECCOMP) {
		printk_once(KERN_INFO "ptrace: PTRACE_O_SUSPEND_SECCOMP: no seccomp here\n");
		return lib::Error{EINVAL};
	}
	unsigned int flags = child->ptrace;
	flags &= ~(unsigned(PTRACE_O_MASK) << PT_OPT_FLAG_SHIFT);
	flags |= unsigned(data) << PT_OPT_FLAG_SHIFT;
	child->ptrace = flags;
	return 0;
}

lib::Result<long> ptrace_get_syscall_info(struct task_struct* child, unsigned long size, unsigned long datap)
{
	struct pt_regs* regs = task_pt_regs(child);
	struct ptrace_syscall_info info = {};
	info.op = PTRACE_SYSCALL_INFO_NONE;
	info.arch = AUDIT_ARCH_X86_64;
	info.instruction_pointer = regs->ip;
	info.stack_pointer = regs->sp;
	unsigned long actual = offsetof(struct ptrace_syscall_info, entry);
	if (child->last_siginfo && child->last_siginfo->si_code == (SIGTRAP | 0x80)) {
		if (child->ptrace_message == PTRACE_EVENTMSG_SYSCALL_ENTRY) {
			info.op = PTRACE_SYSCALL_INFO_ENTRY;
			info.entry.nr = regs->orig_ax;
			info.entry.args[0] = regs->di;
			info.entry.args[1] = regs->si;
			info.entry.args[2] = regs->dx;
			info.entry.args[3] = regs->r10;
			info.entry.args[4] = regs->r8;
			info.entry.args[5] = regs->r9;
			actual = offsetof(struct ptrace_syscall_info, entry.args) + sizeof(info.entry.args);
		} else if (child->ptrace_message == PTRACE_EVENTMSG_SYSCALL_EXIT) {
			info.op = PTRACE_SYSCALL_INFO_EXIT;
			long ax = long(regs->ax);
			bool err = (unsigned long)ax >= (unsigned long)-4095;
			info.exit.rval = ax;
			info.exit.is_error = err;
			actual = offsetof(struct ptrace_syscall_info, exit.is_error) + sizeof(info.exit.is_error);
		}
	}
	unsigned long n = actual < size ? actual : size;
	if (copy_to_user(user_ptr<void>(datap), &info, n))
		return lib::Error{EFAULT};
	return long(actual);
}

/* Linux: ptrace_access_vm / generic_ptrace_peekdata, pokedata */
lib::Result<long> ptrace_access_vm(struct task_struct* tsk, unsigned long addr, void* buf, int len,
                                   unsigned int gup_flags)
{
	struct mm_struct* mm = tsk->mm;
	if (!mm)
		return lib::Error{EIO};
	return access_remote_vm(mm, addr, buf, len, gup_flags);
}
} // namespace

lib::Result<long> ptrace_request(struct task_struct* child, long request, unsigned long addr,
                                 unsigned long data) NO_THREAD_SAFETY_ANALYSIS
{
	bool seized = child->ptrace & PT_SEIZED;
	switch (request) {
	case PTRACE_PEEKTEXT:
	case PTRACE_PEEKDATA: {
		unsigned long tmp;
		long copied = TRY(ptrace_access_vm(child, addr, &tmp, sizeof(tmp), FOLL_FORCE));
		if (copied != sizeof(tmp))
			return lib::Error{EIO};
		TRY(put_user(tmp, user_ptr<unsigned long>(data)));
		return 0;
	}
	case PTRACE_POKETEXT:
	case PTRACE_POKEDATA: {
		long copied = TRY(ptrace_access_vm(child, addr, &data, sizeof(data), FOLL_FORCE | FOLL_WRITE));
		return copied == sizeof(data) ? lib::Result<long>(0) : lib::Error{EIO};
	}
	case PTRACE_SETOPTIONS:
		return ptrace_setoptions(child, data);
	case PTRACE_GETEVENTMSG:
		TRY(put_user(child->ptrace_message, user_ptr<unsigned long>(data)));
		return 0;
	case PTRACE_GETSIGINFO:
		if (!child->last_siginfo)
			return lib::Error{EINVAL};
		TRY(copy_siginfo_to_user(user_ptr<void>(data), child->last_siginfo));
		return 0;
	case PTRACE_SETSIGINFO: {
		struct kernel_siginfo info;
		if (copy_from_user(&info, user_ptr<const void>(data), sizeof(info)))
			return lib::Error{EFAULT};
		if (!child->last_siginfo)
			return lib::Error{EINVAL};
		*child->last_siginfo = info;
		return 0;
	}
	case PTRACE_INTERRUPT: {
		if (!seized)
			return lib::Error{EIO};
		unsigned long f = lock_sighand(child);
		if (!(child->jobctl & JOBCTL_TRAP_STOP)) {
			child->jobctl |= JOBCTL_TRAP_STOP;
			ptrace_signal_wake_up(child, child->jobctl & JOBCTL_LISTENING);
		}
		unlock_sighand(child, f);
		return 0;
	}
	case PTRACE_LISTEN: {
		if (!seized)
			return lib::Error{EIO};
		unsigned long f = lock_sighand(child);
		long ret = -EIO;
		struct kernel_siginfo* si = child->last_siginfo;
		if (si && (si->si_code >> 8) == PTRACE_EVENT_STOP) {
			child->jobctl |= JOBCTL_LISTENING;
			if (child->jobctl & JOBCTL_TRAP_NOTIFY)
				ptrace_signal_wake_up(child, true);
			ret = 0;
		}
		unlock_sighand(child, f);
		if (ret)
			return lib::Error{int(-ret)};
		return 0;
	}
	case PTRACE_DETACH:
		return ptrace_detach(child, data);
	case PTRACE_SINGLESTEP:
	case PTRACE_SYSCALL:
	case PTRACE_CONT:
		return ptrace_resume(child, request, data);
	case PTRACE_KILL:
		if (child->exit_state)
			return 0;
		return ptrace_resume(child, request, SIGKILL);
	case PTRACE_GET_SYSCALL_INFO:
		return ptrace_get_syscall_info(child, addr, data);
	default:
		return lib::Error{EIO};
	}
}

SYSCALL_DEFINE4(ptrace, long, request, long, pid, unsigned long, addr, unsigned long, data)
{
	if (request == PTRACE_TRACEME)
		return ptrace_traceme();
	struct task_struct* child = find_get_task_by_vpid(pid_t(pid));
	if (!child)
		return lib::Error{ESRCH};
	lib::Result<long> ret = 0;
	if (request == PTRACE_ATTACH || request == PTRACE_SEIZE) {
		ret = ptrace_attach(child, request, addr, data);
	} else {
		lib::Result<void> r = ptrace_check_attach(child, request == PTRACE_KILL || request == PTRACE_INTERRUPT);
		if (r.is_err()) {
			ret = lib::Error{r.error()};
		} else {
			ret = arch_ptrace(child, request, addr, data);
			if (request != PTRACE_DETACH)
				ptrace_unfreeze_traced(child);
		}
	}
	put_task_struct(child);
	return ret;
}
