/*
 * Interval timers: alarm, setitimer, getitimer (Linux: kernel/time/
 * itimer.c; the CPU-time ones from kernel/time/posix-cpu-timers.c
 * run_posix_cpu_timers).
 *
 *   ITIMER_REAL     signal_struct.real_timer, a timer_list on the
 *                   monotonic clock (it_real_expires, ns): SIGALRM to the
 *                   group with SI_KERNEL, as Linux's it_real_fn
 *                   (kill_pid_info(SIGALRM, SEND_SIG_PRIV)); rearmed by
 *                   its interval from the expiry, not from the firing
 *   ITIMER_VIRTUAL  signal_struct.it[CPUCLOCK_VIRT]: user CPU time of the
 *   ITIMER_PROF     group, it[CPUCLOCK_PROF]: user and system time;
 *                   counted down by the tick (run_posix_cpu_timers) one
 *                   TICK_NSEC per tick of a thread of the group, then
 *                   SIGVTALRM / SIGPROF
 * Without high-resolution timers the expiry is tick-bounded: REAL fires
 * at the first tick at or after its time (never early).
 *
 * Invariants: the values change under sighand->siglock; real_timer's
 * callback takes tasklist_lock then siglock.  exit_itimers cancels
 * everything when the group dies (the timer may not outlive its
 * signal_struct).
 *
 * Lock order: tasklist_lock -> sighand->siglock -> the timer base's lock.
 */
#include <arch/hardirq.h>
#include <arch/ptrace.h>
#include <kernel/jiffies.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/sched/signal.h>
#include <kernel/sched/task.h>
#include <kernel/signal.h>
#include <kernel/syscalls.h>
#include <kernel/time.h>
#include <kernel/timekeeping.h>
#include <kernel/timer.h>
#include <uapi/asm-generic/errno-base.h>

#define ITIMER_REAL 0
#define ITIMER_VIRTUAL 1
#define ITIMER_PROF 2

namespace
{
constexpr int CPUCLOCK_PROF = 0, CPUCLOCK_VIRT = 1;
constexpr uint64_t NSEC_PER_USEC = 1000;

struct old_timeval {
	long tv_sec;
	long tv_usec;
};
struct old_itimerval {
	struct old_timeval it_interval;
	struct old_timeval it_value;
};
struct itimer_ns {
	uint64_t interval, value;
};

unsigned long ns_to_jiffies_ceil(uint64_t ns)
{
	/* one more tick: a timer_list fires between n - 1 and n ticks away */
	return (unsigned long)((ns + TICK_NSEC - 1) / TICK_NSEC) + 1;
}

/* SIGALRM to the group (its first thread's, Linux: leader_pid) and the
 * next period; softirq context */
void it_real_fn(struct timer_list* t) NO_THREAD_SAFETY_ANALYSIS
{
	struct signal_struct* sig = from_timer(sig, t, real_timer);
	lib::spin_lock_irqsave_guard g(tasklist_lock);
	if (sig->thread_head.empty())
		return;
	struct task_struct* p = list_entry(sig->thread_head.next, struct task_struct, thread_node);
	(void)group_send_sig_info(SIGALRM, (struct kernel_siginfo*)1 /* SEND_SIG_PRIV */, p);
	lib::spin_lock_guard sg(p->sighand->siglock);
	uint64_t now = ktime_get_ns();
	if (sig->it_real_incr && sig->it_real_expires) {
		uint64_t next = sig->it_real_expires + sig->it_real_incr;
		if (next <= now) /* missed periods are skipped, as an hrtimer's forward */
			next = now + sig->it_real_incr - (now - sig->it_real_expires) % sig->it_real_incr;
		sig->it_real_expires = next;
		mod_timer(&sig->real_timer, jiffies + ns_to_jiffies_ceil(next - now));
	} else {
		sig->it_real_expires = 0;
	}
}

void real_timer_setup(struct signal_struct* sig)
{
	if (!sig->real_timer.function)
		timer_setup(&sig->real_timer, it_real_fn, 0);
}

itimer_ns get_real(struct signal_struct* sig)
{
	itimer_ns v = {sig->it_real_incr, 0};
	if (sig->it_real_expires) {
		uint64_t now = ktime_get_ns();
		/* expired but not yet fired: still armed, 1 us left (Linux) */
		v.value = sig->it_real_expires > now ? sig->it_real_expires - now : NSEC_PER_USEC;
	}
	return v;
}

lib::Result<itimer_ns> do_getitimer(int which)
{
	struct task_struct* tsk = current;
	struct signal_struct* sig = tsk->signal;
	lib::spin_lock_irqsave_guard g(tsk->sighand->siglock);
	switch (which) {
	case ITIMER_REAL:
		return get_real(sig);
	case ITIMER_VIRTUAL:
		return itimer_ns{sig->it[CPUCLOCK_VIRT].incr, sig->it[CPUCLOCK_VIRT].expires};
	case ITIMER_PROF:
		return itimer_ns{sig->it[CPUCLOCK_PROF].incr, sig->it[CPUCLOCK_PROF].expires};
	default:
		return lib::Error{EINVAL};
	}
}

lib::Result<itimer_ns> do_setitimer(int which, itimer_ns v)
{
	struct task_struct* tsk = current;
	struct signal_struct* sig = tsk->signal;
	itimer_ns old;
	switch (which) {
	case ITIMER_REAL: {
		real_timer_setup(sig);
		for (;;) {
			{
				lib::spin_lock_irqsave_guard g(tsk->sighand->siglock);
				old = get_real(sig);
				if (!timer_pending(&sig->real_timer) || del_timer(&sig->real_timer)) {
					sig->it_real_incr = v.interval;
					sig->it_real_expires = 0;
					if (v.value) {
						uint64_t now = ktime_get_ns();
						sig->it_real_expires = now + v.value;
						mod_timer(&sig->real_timer, jiffies + ns_to_jiffies_ceil(v.value));
					}
					return old;
				}
			}
		}
	}
	case ITIMER_VIRTUAL:
	case ITIMER_PROF: {
		int clock = which == ITIMER_VIRTUAL ? CPUCLOCK_VIRT : CPUCLOCK_PROF;
		lib::spin_lock_irqsave_guard g(tsk->sighand->siglock);
		old = {sig->it[clock].incr, sig->it[clock].expires};
		sig->it[clock].expires = v.value;
		sig->it[clock].incr = v.interval;
		return old;
	}
	default:
		return lib::Error{EINVAL};
	}
}

lib::Result<itimer_ns> get_itimerval(user_ptr<const struct old_itimerval> u)
{
	struct old_itimerval v;
	if (copy_from_user(&v, u, sizeof(v)))
		return lib::Error{EFAULT};
	auto valid = [](const old_timeval& t) { return t.tv_sec >= 0 && t.tv_usec >= 0 && t.tv_usec < 1000000; };
	if (!valid(v.it_value) || !valid(v.it_interval))
		return lib::Error{EINVAL};
	return itimer_ns{uint64_t(v.it_interval.tv_sec) * NSEC_PER_SEC + uint64_t(v.it_interval.tv_usec) * NSEC_PER_USEC,
	                 uint64_t(v.it_value.tv_sec) * NSEC_PER_SEC + uint64_t(v.it_value.tv_usec) * NSEC_PER_USEC};
}

struct old_timeval ns_to_timeval(uint64_t ns)
{
	/* rounded up to whole microseconds, so an armed timer never reads 0 */
	uint64_t us = (ns + NSEC_PER_USEC - 1) / NSEC_PER_USEC;
	return {long(us / 1000000), long(us % 1000000)};
}

lib::Result<void> put_itimerval(user_ptr<struct old_itimerval> u, itimer_ns v)
{
	struct old_itimerval o = {ns_to_timeval(v.interval), ns_to_timeval(v.value)};
	if (copy_to_user(u, &o, sizeof(o)))
		return lib::Error{EFAULT};
	return lib::ok();
}
} // namespace

void run_posix_cpu_timers(bool user_tick)
{
	struct task_struct* tsk = current;
	if ((tsk->flags & PF_KTHREAD) || !tsk->signal || !tsk->sighand || (tsk->flags & PF_EXITING))
		return;
	struct signal_struct* sig = tsk->signal;
	if (!sig->it[CPUCLOCK_PROF].expires && !sig->it[CPUCLOCK_VIRT].expires)
		return; /* the common case, without the lock */
	int fire[2] = {0, 0};
	{
		lib::spin_lock_irqsave_guard g(tsk->sighand->siglock);
		for (int c = 0; c < 2; c++) {
			struct signal_struct::cpu_itimer* it = &sig->it[c];
			if (!it->expires || (c == CPUCLOCK_VIRT && !user_tick))
				continue;
			if (it->expires > TICK_NSEC) {
				it->expires -= TICK_NSEC;
				continue;
			}
			fire[c] = 1;
			it->expires = it->incr; /* 0: disarmed */
		}
	}
	if (fire[CPUCLOCK_PROF])
		(void)group_send_sig_info(SIGPROF, (struct kernel_siginfo*)1, tsk);
	if (fire[CPUCLOCK_VIRT])
		(void)group_send_sig_info(SIGVTALRM, (struct kernel_siginfo*)1, tsk);
}

/* posix-timers.cc: the group's POSIX timers */
void exit_posix_timers(struct signal_struct* sig);

void exit_itimers(struct task_struct* tsk)
{
	struct signal_struct* sig = tsk->signal;
	if (sig->real_timer.function)
		del_timer_sync(&sig->real_timer);
	sig->it_real_expires = 0;
	sig->it[0] = {};
	sig->it[1] = {};
	exit_posix_timers(sig);
}

SYSCALL_DEFINE2(getitimer, int, which, user_ptr<struct old_itimerval>, value)
{
	itimer_ns v = TRY(do_getitimer(which));
	TRY(put_itimerval(value, v));
	return 0;
}

SYSCALL_DEFINE3(setitimer, int, which, user_ptr<const struct old_itimerval>, value, user_ptr<struct old_itimerval>,
                ovalue)
{
	itimer_ns v = {0, 0};
	if (value)
		v = TRY(get_itimerval(value));
	else
		pr_warn_once("%s calls setitimer() with new_value NULL pointer. Misfeature support will be removed\n",
		             current->comm);
	itimer_ns old = TRY(do_setitimer(which, v));
	if (ovalue)
		TRY(put_itimerval(ovalue, old));
	return 0;
}

SYSCALL_DEFINE1(alarm, unsigned int, seconds)
{
	itimer_ns old = do_setitimer(ITIMER_REAL, {0, uint64_t(seconds) * NSEC_PER_SEC}).value();
	/* whole seconds, rounded to nearest, and never 0 for an armed alarm (Linux: alarm_setitimer) */
	struct old_timeval tv = ns_to_timeval(old.value);
	if ((!tv.tv_sec && tv.tv_usec) || tv.tv_usec >= 500000)
		tv.tv_sec++;
	return tv.tv_sec;
}
