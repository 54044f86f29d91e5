/*
 * The POSIX clocks and sleeping (Linux: kernel/time/posix-timers.c
 * clock_gettime, clock_settime, clock_getres, clock_nanosleep and the
 * k_clock table; posix-cpu-timers.c the CPU-time clocks; hrtimer.c
 * nanosleep, hrtimer_nanosleep).
 *
 * The clock ids, as Linux's:
 *   REALTIME, TAI         ktime_get_real_ns (the TAI offset is 0: no NTP)
 *   MONOTONIC, BOOTTIME,  ktime_get_ns (no suspend, no NTP slewing, so
 *   MONOTONIC_RAW         they are one clock)
 *   *_COARSE              the values at the last tick (resolution 1/HZ)
 *   *_ALARM               REALTIME and BOOTTIME (no wake-up alarms:
 *                         sleeping on them is EOPNOTSUPP... see below)
 *   negative ids          CPU-time clocks (clock_getcpuclockid): ~pid << 3,
 *                         bit 2 per-thread, bits 0-1 PROF/VIRT/SCHED;
 *                         CLOCK_PROCESS_CPUTIME_ID and _THREAD_ are the pid-0
 *                         SCHED clocks.  The time is the scheduler's
 *                         sum_exec_runtime (task_sched_runtime)
 *   10, 12..15, bad ones  EINVAL
 * Only CLOCK_REALTIME can be set; a negative CPU-clock id is EPERM, the
 * others EINVAL.  Sleeping is EOPNOTSUPP on the clocks Linux gives no
 * nsleep (MONOTONIC_RAW, the coarse ones, CLOCK_THREAD_CPUTIME_ID).
 *
 * Sleeping: there are no high-resolution timers; a sleep waits in
 * schedule_timeout_interruptible for whole ticks, never more than the
 * time left, and checks the clock again after each wake-up, so it never
 * ends early and ends at most one tick (4 ms) late.  A relative sleep
 * runs on the monotonic clock whatever clock was named (as Linux's: a
 * relative CLOCK_REALTIME sleep ignores clock changes); an absolute
 * CLOCK_REALTIME one is checked against the wall clock at each wake-up
 * (Linux wakes it at once when the clock is set; here at its next
 * tick-bounded check).  A signal ends a sleep early: EINTR with the
 * time left in *rmtp if a handler ran, else restart_syscall(2) goes on
 * to the same deadline (ERESTART_RESTARTBLOCK; absolute sleeps restart
 * as they were, ERESTARTNOHAND).
 * CLOCK_PROCESS_CPUTIME_ID sleeps are not implemented (EINVAL, logged).
 */
#include <kernel/capability.h>
#include <kernel/jiffies.h>
#include <kernel/printk.h>
#include <kernel/restart.h>
#include <kernel/sched.h>
#include <kernel/sched/signal.h>
#include <kernel/sched/cputime.h>
#include <kernel/sched/task.h>
#include <kernel/signal.h>
#include <kernel/syscalls.h>
#include <lib/ref.h>
#include <kernel/time.h>
#include <kernel/timekeeping.h>
#include <kernel/wait.h>
#include <mm/slab.h>
#include <uapi/asm-generic/errno-base.h>
#include <uapi/asm-generic/errno.h>
#include <uapi/linux/time.h>

namespace
{
/* the CPU-time clock ids (Linux: include/linux/posix-timers.h) */
constexpr int CPUCLOCK_PROF = 0, CPUCLOCK_VIRT = 1, CPUCLOCK_SCHED = 2, CPUCLOCK_MAX = 3;
constexpr int CPUCLOCK_CLOCK_MASK = 3, CPUCLOCK_PERTHREAD_MASK = 4, CLOCKFD = 3, CLOCKFD_MASK = 7;
int cpuclock_pid(int clock)
{
	return ~(clock >> 3);
}
bool cpuclock_perthread(int clock)
{
	return clock & CPUCLOCK_PERTHREAD_MASK;
}
int cpuclock_which(int clock)
{
	return clock & CPUCLOCK_CLOCK_MASK;
}
/* CLOCK_PROCESS_CPUTIME_ID and CLOCK_THREAD_CPUTIME_ID as CPU-clock ids */
int cpuclock_id(int clock)
{
	if (clock == CLOCK_PROCESS_CPUTIME_ID)
		return int(~0u << 3) | CPUCLOCK_SCHED;
	if (clock == CLOCK_THREAD_CPUTIME_ID)
		return int(~0u << 3) | CPUCLOCK_PERTHREAD_MASK | CPUCLOCK_SCHED;
	return clock;
}

bool is_cpu_clock(int clock)
{
	return clock < 0 || clock == CLOCK_PROCESS_CPUTIME_ID || clock == CLOCK_THREAD_CPUTIME_ID;
}

/* is clock one of the k_clocks (Linux: clockid_to_kclock != NULL) */
bool valid_clock(int clock)
{
	if (clock < 0)
		return (clock & CLOCKFD_MASK) != CLOCKFD; /* fd clocks (PTP devices): none here */
	switch (clock) {
	case CLOCK_REALTIME:
	case CLOCK_MONOTONIC:
	case CLOCK_PROCESS_CPUTIME_ID:
	case CLOCK_THREAD_CPUTIME_ID:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_REALTIME_COARSE:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
	case CLOCK_REALTIME_ALARM:
	case CLOCK_BOOTTIME_ALARM:
	case CLOCK_TAI:
		return true;
	default:
		return false;
	}
}

/* the task a CPU clock measures, with a reference, and whether it is the
 * whole group (Linux: pid_for_clock); NULL means EINVAL */
struct task_struct* cpu_clock_task(int clock, bool* group)
{
	clock = cpuclock_id(clock);
	bool thread = cpuclock_perthread(clock);
	int upid = cpuclock_pid(clock);
	if (cpuclock_which(clock) >= CPUCLOCK_MAX)
		return nullptr;
	*group = !thread;
	if (upid == 0)
		return get_task_struct(current);
	lib::spin_lock_irqsave_guard g(tasklist_lock);
	struct task_struct* t = find_task_by_vpid(upid);
	if (!t)
		return nullptr;
	if (thread)
		return t->tgid == current->tgid ? get_task_struct(t) : nullptr;
	if (t == current)
		return get_task_struct(t);
	return thread_group_leader(t) ? get_task_struct(t) : nullptr;
}

lib::Result<int64_t> cpu_clock_get(int clock)
{
	bool group;
	struct task_struct* t = cpu_clock_task(clock, &group);
	if (!t)
		return lib::Error{EINVAL};
	lib::ref<task_struct> hold = lib::adopt_ref(t);
	uint64_t sched, utime, stime;
	if (group)
		sched = thread_group_sched_runtime(t, &utime, &stime);
	else {
		sched = task_sched_runtime(t);
		utime = t->utime;
		stime = t->stime;
	}
	switch (cpuclock_which(cpuclock_id(clock))) {
	case CPUCLOCK_VIRT:
		return int64_t(utime);
	case CPUCLOCK_PROF: /* utime + stime, from the ticks (kernel/sched/cputime.cc) */
	case CPUCLOCK_SCHED:
	default:
		return int64_t(sched);
	}
}

lib::Result<int64_t> clock_get_ns(int clock)
{
	if (!valid_clock(clock))
		return lib::Error{EINVAL};
	if (is_cpu_clock(clock))
		return cpu_clock_get(clock);
	switch (clock) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_ALARM:
	case CLOCK_TAI:
		return ktime_get_real_ns();
	case CLOCK_REALTIME_COARSE:
		return ktime_get_coarse_real_ns();
	case CLOCK_MONOTONIC_COARSE:
		return ktime_get_coarse_ns();
	default: /* MONOTONIC, MONOTONIC_RAW, BOOTTIME, BOOTTIME_ALARM */
		return int64_t(ktime_get_ns());
	}
}

lib::Result<void> put_timespec64(int64_t ns, user_ptr<struct __kernel_timespec> uts)
{
	struct timespec64 ts = ns_to_timespec64(ns);
	struct __kernel_timespec k = {ts.tv_sec, ts.tv_nsec};
	if (copy_to_user(uts, &k, sizeof(k)))
		return lib::Error{EFAULT};
	return lib::ok();
}

lib::Result<struct timespec64> get_timespec64(user_ptr<const struct __kernel_timespec> uts)
{
	struct __kernel_timespec k;
	if (copy_from_user(&k, uts, sizeof(k)))
		return lib::Error{EFAULT};
	return timespec64{k.tv_sec, long(k.tv_nsec)};
}

/* sleep until clock `realtime ? CLOCK_REALTIME : CLOCK_MONOTONIC` reads
 * at least `until` (Linux: do_nanosleep on an hrtimer).  A signal ends
 * it: an absolute sleep is simply restarted (ERESTARTNOHAND); a relative
 * one writes the time left to restart_block.nanosleep.rmtp (if the caller
 * gave one) and is continued by restart_syscall(2) to the same deadline
 * (ERESTART_RESTARTBLOCK), or fails with EINTR if a handler ran. */
long hrtimer_nanosleep_restart(struct restart_block* restart);
lib::Result<void> do_nanosleep(bool realtime, int64_t until, bool abs)
{
	for (;;) {
		int64_t now = realtime ? ktime_get_real_ns() : int64_t(ktime_get_ns());
		if (now >= until)
			return lib::ok();
		if (signal_pending(current))
			break;
		/* whole ticks that surely lie before the deadline: schedule_timeout(n)
		 * wakes between n - 1 and n ticks from now */
		int64_t ticks = (until - now) / int64_t(TICK_NSEC);
		schedule_timeout_interruptible(long(ticks < 1 ? 1 : ticks));
	}
	if (abs)
		return lib::Error{ERESTARTNOHAND};
	struct restart_block* restart = &current->restart_block;
	if (restart->nanosleep.type != TT_NONE) {
		int64_t now = realtime ? ktime_get_real_ns() : int64_t(ktime_get_ns());
		if (until - now <= 0)
			return lib::ok();
		TRY(put_timespec64(until - now, user_ptr<struct __kernel_timespec>(restart->nanosleep.rmtp)));
	}
	restart->nanosleep.clockid = realtime ? CLOCK_REALTIME : CLOCK_MONOTONIC;
	restart->nanosleep.expires = uint64_t(until);
	restart->fn = hrtimer_nanosleep_restart;
	return lib::Error{ERESTART_RESTARTBLOCK};
}

/* restart_syscall(2) after an interrupted relative sleep: on to the same
 * deadline (Linux: hrtimer_nanosleep_restart) */
long hrtimer_nanosleep_restart(struct restart_block* restart)
{
	return do_nanosleep(restart->nanosleep.clockid == CLOCK_REALTIME, int64_t(restart->nanosleep.expires), false)
	    .to_syscall_ret();
}

/* a sleep of t on clock, relative or TIMER_ABSTIME */
lib::Result<void> nanosleep_on(int clock, const struct timespec64& t, bool abs)
{
	int64_t ns = timespec64_to_ns(t);
	if (!abs) {
		int64_t now = int64_t(ktime_get_ns());
		return do_nanosleep(false, ns > INT64_MAX - now ? INT64_MAX : now + ns, false);
	}
	bool realtime = clock == CLOCK_REALTIME || clock == CLOCK_TAI || clock == CLOCK_REALTIME_ALARM;
	return do_nanosleep(realtime, ns, true);
}
} // namespace

SYSCALL_DEFINE2(clock_gettime, int, which_clock, user_ptr<struct __kernel_timespec>, tp)
{
	int64_t ns = TRY(clock_get_ns(which_clock));
	TRY(put_timespec64(ns, tp));
	return 0;
}

SYSCALL_DEFINE2(clock_settime, int, which_clock, user_ptr<const struct __kernel_timespec>, tp)
{
	/* only the wall clock and the CPU clocks have a clock_set */
	if (!valid_clock(which_clock) || (which_clock != CLOCK_REALTIME && which_clock >= 0))
		return lib::Error{EINVAL};
	struct timespec64 ts = TRY(get_timespec64(tp));
	if (which_clock < 0) {
		bool group;
		struct task_struct* t = cpu_clock_task(which_clock, &group);
		if (!t)
			return lib::Error{EINVAL};
		put_task_struct(t);
		return lib::Error{EPERM}; /* Linux: posix_cpu_clock_set */
	}
	TRY(do_sys_settimeofday64(&ts, nullptr));
	return 0;
}

SYSCALL_DEFINE2(clock_getres, int, which_clock, user_ptr<struct __kernel_timespec>, tp)
{
	if (!valid_clock(which_clock))
		return lib::Error{EINVAL};
	int64_t res;
	if (is_cpu_clock(which_clock)) {
		bool group;
		struct task_struct* t = cpu_clock_task(which_clock, &group);
		if (!t)
			return lib::Error{EINVAL};
		put_task_struct(t);
		/* the scheduler's clock counts nanoseconds; the sampled ones, ticks */
		res = cpuclock_which(cpuclock_id(which_clock)) == CPUCLOCK_SCHED ? 1 : int64_t(TICK_NSEC);
	}
	else if (which_clock == CLOCK_REALTIME_COARSE || which_clock == CLOCK_MONOTONIC_COARSE)
		res = int64_t(TICK_NSEC); /* Linux: LOW_RES_NSEC */
	else
		res = 1; /* Linux: hrtimer_resolution with high-resolution timers */
	if (tp)
		TRY(put_timespec64(res, tp));
	return 0;
}

SYSCALL_DEFINE4(clock_nanosleep, int, which_clock, int, flags, user_ptr<const struct __kernel_timespec>, rqtp,
                user_ptr<struct __kernel_timespec>, rmtp)
{
	if (!valid_clock(which_clock))
		return lib::Error{EINVAL};
	switch (which_clock) {
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_REALTIME_COARSE:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_THREAD_CPUTIME_ID:
		return lib::Error{EOPNOTSUPP}; /* no nsleep in their k_clock */
	}
	struct timespec64 t = TRY(get_timespec64(rqtp));
	if (!timespec64_valid(t))
		return lib::Error{EINVAL};
	if (is_cpu_clock(which_clock)) {
		int id = cpuclock_id(which_clock);
		if (cpuclock_perthread(id) && (cpuclock_pid(id) == 0 || cpuclock_pid(id) == current->pid))
			return lib::Error{EINVAL}; /* Linux: sleeping on one's own thread clock */
		pr_warn_once("clock_nanosleep: CPU-time clock %d is not implemented\n", which_clock);
		return lib::Error{EINVAL};
	}
	current->restart_block.fn = do_no_restart_syscall;
	current->restart_block.nanosleep.type = rmtp ? TT_NATIVE : TT_NONE;
	current->restart_block.nanosleep.rmtp = rmtp.addr();
	TRY(nanosleep_on(which_clock, t, flags & TIMER_ABSTIME));
	return 0;
}

SYSCALL_DEFINE2(nanosleep, user_ptr<const struct __kernel_timespec>, rqtp, user_ptr<struct __kernel_timespec>, rmtp)
{
	struct timespec64 t = TRY(get_timespec64(rqtp));
	if (!timespec64_valid(t))
		return lib::Error{EINVAL};
	current->restart_block.fn = do_no_restart_syscall;
	current->restart_block.nanosleep.type = rmtp ? TT_NATIVE : TT_NONE;
	current->restart_block.nanosleep.rmtp = rmtp.addr();
	TRY(nanosleep_on(CLOCK_MONOTONIC, t, false));
	return 0;
}

/*
 * POSIX timers: timer_create, timer_settime, timer_gettime,
 * timer_getoverrun, timer_delete (Linux: kernel/time/posix-timers.c with
 * the hrtimer-based k_clocks; the CPU-time clocks' timers are not here).
 *
 * struct k_itimer, one per timer, on signal_struct.posix_timers; ids count
 * from 0 per process, as Linux's.  Each has a preallocated sigqueue
 * (SIGQUEUE_PREALLOC: si_code SI_TIMER, si_tid the id, si_value the
 * sigevent's value) that send_sigqueue queues; an expiry while it is still
 * queued counts an overrun in it, which the dequeue hands to
 * timer_getoverrun (posixtimer_rearm).  A timer_list on the tick does the
 * expiring, so expiries are tick-bounded (never early).  SIGEV_NONE
 * timers only count down; SIGEV_THREAD is SIGEV_SIGNAL to the kernel (the
 * libc makes the thread); SIGEV_THREAD_ID names a thread of the group.
 *
 * Lock order: tasklist_lock (to find the target) -> sighand->siglock (the
 * timer's fields and the list) -> the timer base.
 */
namespace
{
#ifndef CAP_WAKE_ALARM
#define CAP_WAKE_ALARM 35
#endif
struct user_sigevent {
	sigval_t sigev_value;
	int sigev_signo;
	int sigev_notify;
	union {
		int _pad[12];
		int _tid;
	};
};
static_assert(sizeof(struct user_sigevent) == 64);

struct user_itimerspec {
	struct __kernel_timespec it_interval;
	struct __kernel_timespec it_value;
};

struct k_itimer {
	lib::list_head list; /* on signal_struct.posix_timers */
	int it_id;
	int it_clock;
	int it_sigev_notify;
	pid_t it_tid; /* SIGEV_THREAD_ID's thread */
	int it_overrun_last;
	bool realtime;     /* expires on CLOCK_REALTIME (else monotonic) */
	uint64_t expires;  /* ns on its clock, 0: disarmed */
	uint64_t interval; /* ns */
	struct sigqueue* sigq;
	struct signal_struct* signal;
	struct timer_list timer;
};

int64_t timer_clock_now(const k_itimer* t)
{
	return t->realtime ? ktime_get_real_ns() : int64_t(ktime_get_ns());
}

unsigned long timer_ns_to_jiffies(int64_t ns)
{
	if (ns <= 0)
		return 1;
	return (unsigned long)((uint64_t(ns) + TICK_NSEC - 1) / TICK_NSEC) + 1;
}

/* the timer fired: its signal, its next period (softirq context) */
void posix_timer_fn(struct timer_list* tl) NO_THREAD_SAFETY_ANALYSIS
{
	k_itimer* timr = from_timer(timr, tl, timer);
	lib::spin_lock_irqsave_guard g(tasklist_lock);
	struct signal_struct* sig = timr->signal;
	if (sig->thread_head.empty())
		return;
	struct task_struct* leader = list_entry(sig->thread_head.next, struct task_struct, thread_node);
	lib::spin_lock_guard sg(leader->sighand->siglock);
	if (!timr->expires)
		return;
	int64_t now = timer_clock_now(timr);
	if (now < int64_t(timr->expires)) { /* the wall clock moved back: not yet */
		mod_timer(&timr->timer, jiffies + timer_ns_to_jiffies(int64_t(timr->expires) - now));
		return;
	}
	int missed = 0;
	if (timr->interval) {
		uint64_t next = timr->expires + timr->interval;
		if (int64_t(next) <= now) {
			uint64_t n = (uint64_t(now) - timr->expires) / timr->interval;
			missed = int(n > 0x7fffffff ? 0x7fffffff : n);
			next = timr->expires + (n + 1) * timr->interval;
		}
		timr->expires = next;
		mod_timer(&timr->timer, jiffies + timer_ns_to_jiffies(int64_t(next) - now));
	} else {
		timr->expires = 0;
	}
	if (timr->it_sigev_notify == SIGEV_NONE)
		return;
	struct task_struct* target = leader;
	enum pid_type type = PIDTYPE_TGID;
	if (timr->it_sigev_notify & SIGEV_THREAD_ID) {
		target = find_task_by_vpid(timr->it_tid);
		type = PIDTYPE_PID;
		if (!target || target->signal != sig)
			return;
	}
	if (send_sigqueue(timr->sigq, target, type) == 0 && missed)
		timr->sigq->info._sifields._timer.overrun += missed;
}

/* hold current's siglock */
k_itimer* lock_timer(int id)
{
	k_itimer* t;
	if (!current->signal->posix_timers.next)
		return nullptr;
	list_for_each_entry(t, &current->signal->posix_timers, list) {
		if (t->it_id == id)
			return t;
	}
	return nullptr;
}

void timer_disarm(k_itimer* timr)
{
	timr->expires = 0;
	del_timer(&timr->timer);
}

user_itimerspec timer_get(k_itimer* timr)
{
	user_itimerspec v = {};
	struct timespec64 i = ns_to_timespec64(int64_t(timr->interval));
	v.it_interval = {i.tv_sec, i.tv_nsec};
	if (timr->expires) {
		int64_t rem = int64_t(timr->expires) - timer_clock_now(timr);
		if (rem <= 0)
			rem = timr->it_sigev_notify == SIGEV_NONE && !timr->interval ? 0 : 1;
		struct timespec64 r = ns_to_timespec64(rem);
		v.it_value = {r.tv_sec, r.tv_nsec};
	}
	return v;
}
} // namespace

/* kernel/signal.cc dequeued a timer's signal (under current's siglock):
 * the overruns it counted */
void posixtimer_rearm(struct kernel_siginfo* info)
{
	k_itimer* timr = lock_timer(info->_sifields._timer.tid);
	if (timr)
		timr->it_overrun_last = info->_sifields._timer.overrun;
}

void exit_posix_timers(struct signal_struct* sig)
{
	if (!sig->posix_timers.next)
		return;
	while (!sig->posix_timers.empty()) {
		k_itimer* timr = list_entry(sig->posix_timers.next, k_itimer, list);
		timr->list.del_init();
		del_timer_sync(&timr->timer);
		sigqueue_free(timr->sigq);
		kfree(timr);
	}
}

SYSCALL_DEFINE3(timer_create, int, which_clock, user_ptr<struct user_sigevent>, timer_event_spec,
                user_ptr<int>, created_timer_id)
{
	if (!valid_clock(which_clock))
		return lib::Error{EINVAL};
	if (is_cpu_clock(which_clock)) {
		pr_warn_once("timer_create: CPU-time clock %d is not implemented\n", which_clock);
		return lib::Error{EINVAL};
	}
	switch (which_clock) {
	case CLOCK_REALTIME:
	case CLOCK_MONOTONIC:
	case CLOCK_BOOTTIME:
	case CLOCK_TAI:
		break;
	case CLOCK_REALTIME_ALARM:
	case CLOCK_BOOTTIME_ALARM:
		if (!capable(CAP_WAKE_ALARM))
			return lib::Error{EPERM};
		break;
	default:
		return lib::Error{EINVAL}; /* no timer_create in its k_clock */
	}
	struct user_sigevent ev;
	bool have_ev = bool(timer_event_spec);
	if (have_ev) {
		if (copy_from_user(&ev, timer_event_spec, sizeof(ev)))
			return lib::Error{EFAULT};
		/* Linux: good_sigevent */
		switch (ev.sigev_notify) {
		case SIGEV_SIGNAL | SIGEV_THREAD_ID: {
			lib::spin_lock_irqsave_guard g(tasklist_lock);
			struct task_struct* t = find_task_by_vpid(ev._tid);
			if (!t || t->signal != current->signal)
				return lib::Error{EINVAL};
		}
			[[fallthrough]];
		case SIGEV_SIGNAL:
		case SIGEV_THREAD:
			if (ev.sigev_signo <= 0 || ev.sigev_signo > SIGRTMAX)
				return lib::Error{EINVAL};
			break;
		case SIGEV_NONE:
			break;
		default:
			return lib::Error{EINVAL};
		}
	}
	auto* timr = static_cast<k_itimer*>(kzalloc(sizeof(k_itimer), GFP_KERNEL));
	if (!timr)
		return lib::Error{EAGAIN};
	timr->sigq = sigqueue_alloc();
	if (!timr->sigq) {
		kfree(timr);
		return lib::Error{EAGAIN};
	}
	timr->it_clock = which_clock;
	timr->realtime = which_clock == CLOCK_REALTIME || which_clock == CLOCK_TAI || which_clock == CLOCK_REALTIME_ALARM;
	timr->signal = current->signal;
	timer_setup(&timr->timer, posix_timer_fn, 0);
	timr->list.init();
	{
		lib::spin_lock_irqsave_guard g(current->sighand->siglock);
		struct signal_struct* sig = current->signal;
		if (!sig->posix_timers.next)
			sig->posix_timers.init();
		/* the next free id from next_posix_timer_id (Linux: posix_timer_add) */
		int id = sig->next_posix_timer_id;
		while (lock_timer(id))
			id = (id + 1) & 0x7fffffff;
		sig->next_posix_timer_id = (id + 1) & 0x7fffffff;
		timr->it_id = id;
		struct kernel_siginfo* info = &timr->sigq->info;
		info->si_signo = have_ev ? ev.sigev_signo : SIGALRM;
		info->si_code = SI_TIMER;
		info->_sifields._timer.tid = id;
		if (have_ev) {
			timr->it_sigev_notify = ev.sigev_notify;
			timr->it_tid = ev._tid;
			info->_sifields._timer.sigval = ev.sigev_value;
		} else {
			timr->it_sigev_notify = SIGEV_SIGNAL;
			info->_sifields._timer.sigval.sival_int = id;
		}
		sig->posix_timers.add_tail(&timr->list);
	}
	if (put_user(timr->it_id, created_timer_id).is_err()) {
		{
			lib::spin_lock_irqsave_guard g(current->sighand->siglock);
			timr->list.del_init();
		}
		sigqueue_free(timr->sigq);
		kfree(timr);
		return lib::Error{EFAULT};
	}
	return 0;
}

SYSCALL_DEFINE4(timer_settime, int, timer_id, int, flags, user_ptr<const struct user_itimerspec>, new_setting,
                user_ptr<struct user_itimerspec>, old_setting)
{
	if (!new_setting)
		return lib::Error{EINVAL};
	struct user_itimerspec v;
	if (copy_from_user(&v, new_setting, sizeof(v)))
		return lib::Error{EFAULT};
	struct timespec64 val = {v.it_value.tv_sec, long(v.it_value.tv_nsec)};
	struct timespec64 intv = {v.it_interval.tv_sec, long(v.it_interval.tv_nsec)};
	if (!timespec64_valid(val) || !timespec64_valid(intv))
		return lib::Error{EINVAL};
	user_itimerspec old;
	{
		lib::spin_lock_irqsave_guard g(current->sighand->siglock);
		k_itimer* timr = lock_timer(timer_id);
		if (!timr)
			return lib::Error{EINVAL};
		old = timer_get(timr);
		timer_disarm(timr);
		timr->it_overrun_last = 0; /* as Linux's common_timer_set */
		timr->interval = uint64_t(timespec64_to_ns(intv));
		int64_t ns = timespec64_to_ns(val);
		if (ns) {
			int64_t now = timer_clock_now(timr);
			int64_t exp = (flags & TIMER_ABSTIME) ? ns : (ns > INT64_MAX - now ? INT64_MAX : now + ns);
			if (exp <= 0)
				exp = 1;
			timr->expires = uint64_t(exp);
			mod_timer(&timr->timer, jiffies + (exp <= now ? 0 : timer_ns_to_jiffies(exp - now)));
		}
	}
	if (old_setting && copy_to_user(old_setting, &old, sizeof(old)))
		return lib::Error{EFAULT};
	return 0;
}

SYSCALL_DEFINE2(timer_gettime, int, timer_id, user_ptr<struct user_itimerspec>, setting)
{
	user_itimerspec v;
	{
		lib::spin_lock_irqsave_guard g(current->sighand->siglock);
		k_itimer* timr = lock_timer(timer_id);
		if (!timr)
			return lib::Error{EINVAL};
		v = timer_get(timr);
	}
	if (copy_to_user(setting, &v, sizeof(v)))
		return lib::Error{EFAULT};
	return 0;
}

SYSCALL_DEFINE1(timer_getoverrun, int, timer_id)
{
	lib::spin_lock_irqsave_guard g(current->sighand->siglock);
	k_itimer* timr = lock_timer(timer_id);
	if (!timr)
		return lib::Error{EINVAL};
	return timr->it_overrun_last;
}

SYSCALL_DEFINE1(timer_delete, int, timer_id)
{
	k_itimer* timr;
	{
		lib::spin_lock_irqsave_guard g(current->sighand->siglock);
		timr = lock_timer(timer_id);
		if (!timr)
			return lib::Error{EINVAL};
		timr->expires = 0;
		timr->list.del_init();
	}
	del_timer_sync(&timr->timer);
	sigqueue_free(timr->sigq);
	kfree(timr);
	return 0;
}
