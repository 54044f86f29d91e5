/*
 * timerfd_create(2), timerfd_settime(2), timerfd_gettime(2) (Linux:
 * fs/timerfd.c).
 *
 * A timer behind a file: read(2) of 8 bytes returns how many times it
 * expired since the last read (and resets that count), blocking while it
 * is 0 (EAGAIN with O_NONBLOCK); poll says EPOLLIN while the count is
 * not 0.  The timer runs on CLOCK_REALTIME, CLOCK_MONOTONIC or
 * CLOCK_BOOTTIME (the _ALARM clocks are the same without suspend, and need
 * CAP_WAKE_ALARM); TFD_TIMER_ABSTIME takes the first expiry as a time on
 * that clock.  A periodic timer counts the periods it missed (Linux's
 * hrtimer_forward), so a late reader sees the overruns.
 *
 * Differences from Linux: the expiry is a kernel timer_list on jiffies,
 * so the timer fires on the first tick at or after the expiry (Linux's
 * hrtimers are exact); TFD_TIMER_CANCEL_ON_SET is accepted but a
 * clock_settime does not cancel the timer (logged
 * once; it is ignored for other timers, as Linux ignores it).
 *
 * Lock order: ctx->wqh.lock guards the expiry, interval and count; the
 * timer callback takes it from the timer softirq (irqsave everywhere).
 */
#include <fs/anon_inodes.h>
#include <fs/fdtable.h>
#include <fs/fs.h>
#include <fs/poll.h>
#include <fs/uio.h>
#include <kernel/capability.h>
#include <kernel/compiler.h>
#include <kernel/jiffies.h>
#include <kernel/printk.h>
#include <kernel/restart.h>
#include <kernel/sched.h>
#include <kernel/sched/signal.h>
#include <kernel/syscalls.h>
#include <kernel/time.h>
#include <kernel/timekeeping.h>
#include <kernel/timer.h>
#include <mm/slab.h>
#include <new>
#include <uapi/asm-generic/errno.h>
#include <uapi/linux/fcntl.h>
#include <uapi/linux/time.h>

#ifndef CAP_WAKE_ALARM
#define CAP_WAKE_ALARM 35
#endif
#define TFD_TIMER_ABSTIME (1 << 0)
#define TFD_TIMER_CANCEL_ON_SET (1 << 1)
#define TFD_CLOEXEC O_CLOEXEC
#define TFD_NONBLOCK O_NONBLOCK

namespace
{
struct timerfd_ctx {
	struct wait_queue_head wqh; /* its lock guards the fields below */
	struct timer_list t;
	int clockid;
	uint64_t expires;  /* ns on clockid; 0: disarmed */
	uint64_t interval; /* ns; 0: one shot */
	uint64_t ticks;    /* expirations not yet read */
};

extern const struct file_operations timerfd_fops;

uint64_t clock_now(int clockid)
{
	switch (clockid) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_ALARM:
		return uint64_t(ktime_get_real_ns());
	case CLOCK_BOOTTIME:
	case 9: /* CLOCK_BOOTTIME_ALARM */
		return uint64_t(ktime_get_boottime_ns());
	default:
		return ktime_get_ns();
	}
}

/* arm the kernel timer for ctx->expires; hold wqh.lock */
void timerfd_arm(struct timerfd_ctx* ctx)
{
	uint64_t now = clock_now(ctx->clockid);
	uint64_t left = ctx->expires > now ? ctx->expires - now : 0;
	uint64_t j = (left + TICK_NSEC - 1) / TICK_NSEC;
	if (j > uint64_t(MAX_JIFFY_OFFSET))
		j = MAX_JIFFY_OFFSET;
	mod_timer(&ctx->t, jiffies + j + (left ? 0 : 1));
}

void timerfd_tmrproc(struct timer_list* t)
{
	struct timerfd_ctx* ctx = container_of(t, struct timerfd_ctx, t);
	bool woke = false;
	{
		lib::spin_lock_irqsave_guard g(ctx->wqh.lock);
		if (!ctx->expires)
			return;
		uint64_t now = clock_now(ctx->clockid);
		if (now < ctx->expires) {
			timerfd_arm(ctx); /* a tick early (rounding): again */
			return;
		}
		if (ctx->interval) {
			uint64_t n = 1 + (now - ctx->expires) / ctx->interval;
			ctx->ticks += n;
			ctx->expires += n * ctx->interval;
			timerfd_arm(ctx);
		} else {
			ctx->ticks++;
			ctx->expires = 0;
		}
		woke = true;
	}
	if (woke)
		wake_up_poll(&ctx->wqh, EPOLLIN);
}

lib::Result<ssize_t> timerfd_read(struct kiocb* iocb, struct iov_iter* to)
{
	struct file* file = iocb->ki_filp;
	auto* ctx = static_cast<struct timerfd_ctx*>(file->private_data);
	if (iov_iter_count(to) < sizeof(uint64_t))
		return lib::Error{EINVAL};
	uint64_t ticks = 0;
	for (;;) {
		{
			lib::spin_lock_irqsave_guard g(ctx->wqh.lock);
			if (ctx->ticks) {
				ticks = ctx->ticks;
				ctx->ticks = 0;
				break;
			}
		}
		if ((file->f_flags & O_NONBLOCK) || (iocb->ki_flags & IOCB_NOWAIT))
			return lib::Error{EAGAIN};
		lib::Result<void> w = wait_event_interruptible(ctx->wqh, READ_ONCE(ctx->ticks) != 0);
		if (w.is_err() || signal_pending(current))
			return lib::Error{ERESTARTSYS};
	}
	if (copy_to_iter(&ticks, sizeof(ticks), to) != sizeof(ticks))
		return lib::Error{EFAULT};
	return ssize_t(sizeof(ticks));
}

__poll_t timerfd_poll(struct file* file, poll_table* wait)
{
	auto* ctx = static_cast<struct timerfd_ctx*>(file->private_data);
	poll_wait(file, &ctx->wqh, wait);
	return READ_ONCE(ctx->ticks) ? EPOLLIN : 0;
}

void timerfd_release(struct inode*, struct file* file)
{
	auto* ctx = static_cast<struct timerfd_ctx*>(file->private_data);
	{
		lib::spin_lock_irqsave_guard g(ctx->wqh.lock);
		ctx->expires = 0;
	}
	del_timer_sync(&ctx->t);
	ctx->~timerfd_ctx();
	kfree(ctx);
}

const struct file_operations timerfd_fops = {
    .llseek = nullptr,
    .read_iter = timerfd_read,
    .write_iter = nullptr,
    .iterate_shared = nullptr,
    .open = nullptr,
    .release = timerfd_release,
    .fsync = nullptr,
    .mmap = nullptr,
    .poll = timerfd_poll,
    .unlocked_ioctl = nullptr,
};

bool valid_ts(const struct __kernel_timespec& ts)
{
	return ts.tv_sec >= 0 && ts.tv_nsec >= 0 && ts.tv_nsec < long(NSEC_PER_SEC);
}

uint64_t ts_ns(const struct __kernel_timespec& ts)
{
	if ((uint64_t)ts.tv_sec > (~0ULL >> 2) / NSEC_PER_SEC)
		return ~0ULL >> 2; /* far enough: never, in practice */
	return uint64_t(ts.tv_sec) * NSEC_PER_SEC + uint64_t(ts.tv_nsec);
}

struct __kernel_timespec ns_ts(uint64_t ns)
{
	return {long(ns / NSEC_PER_SEC), long(ns % NSEC_PER_SEC)};
}

/* the time left and the interval (Linux: timerfd_get_remaining) */
struct __kernel_itimerspec timerfd_current(struct timerfd_ctx* ctx) REQUIRES(ctx->wqh.lock)
{
	struct __kernel_itimerspec cur = {};
	cur.it_interval = ns_ts(ctx->interval);
	if (ctx->expires) {
		uint64_t now = clock_now(ctx->clockid);
		/* expired but the tick not yet run: Linux reports 1 ns */
		cur.it_value = ns_ts(ctx->expires > now ? ctx->expires - now : 1);
	}
	return cur;
}

lib::Result<struct timerfd_ctx*> timerfd_fget(int fd, lib::ref<file>& f)
{
	f = fdget(unsigned(fd));
	if (!f)
		return lib::Error{EBADF};
	if (f->f_op != &timerfd_fops)
		return lib::Error{EINVAL};
	return static_cast<struct timerfd_ctx*>(f->private_data);
}
} // namespace

SYSCALL_DEFINE2(timerfd_create, int, clockid, int, flags)
{
	if (flags & ~(TFD_CLOEXEC | TFD_NONBLOCK))
		return lib::Error{EINVAL};
	if (clockid != CLOCK_MONOTONIC && clockid != CLOCK_REALTIME && clockid != CLOCK_REALTIME_ALARM &&
	    clockid != CLOCK_BOOTTIME && clockid != 9 /* CLOCK_BOOTTIME_ALARM */)
		return lib::Error{EINVAL};
	if ((clockid == CLOCK_REALTIME_ALARM || clockid == 9) && !capable(CAP_WAKE_ALARM))
		return lib::Error{EPERM};
	void* mem = kzalloc(sizeof(struct timerfd_ctx), GFP_KERNEL);
	if (!mem)
		return lib::Error{ENOMEM};
	auto* ctx = new (mem) timerfd_ctx();
	init_waitqueue_head(&ctx->wqh);
	timer_setup(&ctx->t, timerfd_tmrproc, 0);
	ctx->clockid = clockid;
	lib::Result<int> fd = anon_inode_getfd("[timerfd]", &timerfd_fops, ctx, O_RDWR | (flags & (O_CLOEXEC | O_NONBLOCK)));
	if (fd.is_err()) {
		ctx->~timerfd_ctx();
		kfree(ctx);
		return fd.error_value();
	}
	return fd.value();
}

SYSCALL_DEFINE4(timerfd_settime, int, ufd, int, flags, user_ptr<const struct __kernel_itimerspec>, utmr,
                user_ptr<struct __kernel_itimerspec>, otmr)
{
	struct __kernel_itimerspec nt;
	if (copy_from_user(&nt, utmr, sizeof(nt)))
		return lib::Error{EFAULT};
	if ((flags & ~(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET)) || !valid_ts(nt.it_value) ||
	    !valid_ts(nt.it_interval))
		return lib::Error{EINVAL};
	lib::ref<file> f;
	struct timerfd_ctx* ctx = TRY(timerfd_fget(ufd, f));
	/* it means something only for an absolute CLOCK_REALTIME timer, and
	 * is ignored otherwise, as Linux's timerfd_setup_cancel */
	if ((flags & TFD_TIMER_CANCEL_ON_SET) && (flags & TFD_TIMER_ABSTIME) &&
	    (ctx->clockid == CLOCK_REALTIME || ctx->clockid == CLOCK_REALTIME_ALARM))
		pr_warn_once("timerfd: TFD_TIMER_CANCEL_ON_SET: clock changes do not cancel the timer\n");
	del_timer_sync(&ctx->t);
	struct __kernel_itimerspec old;
	{
		lib::spin_lock_irqsave_guard g(ctx->wqh.lock);
		old = timerfd_current(ctx);
		ctx->ticks = 0;
		ctx->interval = ts_ns(nt.it_interval);
		uint64_t value = ts_ns(nt.it_value);
		if (!value) {
			ctx->expires = 0;
		} else {
			ctx->expires = (flags & TFD_TIMER_ABSTIME) ? value : clock_now(ctx->clockid) + value;
			if (!ctx->expires)
				ctx->expires = 1;
			timerfd_arm(ctx);
		}
	}
	if (otmr && copy_to_user(otmr, &old, sizeof(old)))
		return lib::Error{EFAULT};
	return 0;
}

SYSCALL_DEFINE2(timerfd_gettime, int, ufd, user_ptr<struct __kernel_itimerspec>, otmr)
{
	lib::ref<file> f;
	struct timerfd_ctx* ctx = TRY(timerfd_fget(ufd, f));
	struct __kernel_itimerspec cur;
	{
		lib::spin_lock_irqsave_guard g(ctx->wqh.lock);
		cur = timerfd_current(ctx);
	}
	if (copy_to_user(otmr, &cur, sizeof(cur)))
		return lib::Error{EFAULT};
	return 0;
}
