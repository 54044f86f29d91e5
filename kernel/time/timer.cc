/*
 * Kernel timers (Linux: kernel/time/timer.c timer_setup, mod_timer,
 * del_timer, del_timer_sync, run_local_timers, run_timer_softirq).
 *
 * Data structures: timer_bases[cpu] with its spinlock, the list of
 * pending timers sorted by expires, and running_timer (the timer whose
 * callback runs now).  Linux's hierarchical wheel is replaced by the
 * sorted list (see <kernel/timer.h>).
 *
 * The tick (hard interrupt) calls run_local_timers(), which only raises
 * TIMER_SOFTIRQ when the first timer is due; run_timer_softirq() then
 * expires every timer with expires <= jiffies, in order, each callback
 * called with the base lock dropped, interrupts enabled and
 * in_serving_softirq() true, so it may re-arm itself or arm others.
 *
 * Invariants: pending <=> on the list; the list is sorted with
 * time_after_eq; a timer is detached (entry self-linked) before its
 * callback runs, so the callback sees !timer_pending() and may mod_timer()
 * it.  Lock order: timer_base.lock is a leaf, irqsave.
 */
#include <kernel/interrupt.h>
#include <kernel/jiffies.h>
#include <kernel/panic.h>
#include <kernel/preempt.h>
#include <kernel/smp.h>
#include <kernel/timer.h>
#include <lib/spinlock.h>

namespace
{
struct timer_base {
	lib::spinlock lock;
	lib::list_head pending;
	struct timer_list* running_timer = nullptr;
	unsigned int nr_pending = 0;
};

timer_base timer_bases[NR_CPUS];

/* a timer stays on the base of the CPU that set it up (its flags' CPU
 * bits): it fires on that CPU's tick; mod_timer does not move it (Linux
 * moves an idle timer to the arming CPU) */
timer_base* get_timer_base(const timer_list* timer)
{
	return &timer_bases[timer->flags & TIMER_CPUMASK];
}

/* base->lock held */
void enqueue_timer(timer_base* base, timer_list* timer)
{
	lib::list_head* pos = &base->pending;
	/* after every timer that expires no later: equal expiries stay FIFO */
	timer_list* t;
	list_for_each_entry_reverse(t, &base->pending, entry) {
		if (time_after_eq(timer->expires, t->expires)) {
			pos = t->entry.next;
			break;
		}
		pos = &t->entry;
	}
	pos->add_tail(&timer->entry);
	base->nr_pending++;
}

/* base->lock held; returns 1 if it was pending */
int detach_if_pending(timer_base* base, timer_list* timer)
{
	if (!timer_pending(timer))
		return 0;
	timer->entry.del_init();
	base->nr_pending--;
	return 1;
}

void run_timer_softirq(struct softirq_action*)
{
	timer_base* base = &timer_bases[smp_processor_id()];
	arch_local_irq_disable(); /* before the lock: the tick takes it too */
	base->lock.lock();
	/* Take what has expired off the list first, then run it (Linux's
	 * collect_expired_timers): a callback that re-arms its timer for
	 * "now" goes back on the pending list and runs on the next tick, not
	 * again in this loop.  While collected, a timer still counts as
	 * pending: mod_timer/del_timer from a callback detach it as usual. */
	lib::list_head expired;
	while (!base->pending.empty()) {
		timer_list* timer = list_first_entry(&base->pending, timer_list, entry);
		if (time_after(timer->expires, jiffies))
			break;
		timer->entry.del();
		expired.add_tail(&timer->entry);
	}
	while (!expired.empty()) {
		timer_list* timer = list_first_entry(&expired, timer_list, entry);
		detach_if_pending(base, timer);
		base->running_timer = timer;
		void (*fn)(timer_list*) = timer->function;
		base->lock.unlock();
		arch_local_irq_enable();
		fn(timer);
		arch_local_irq_disable();
		base->lock.lock();
		base->running_timer = nullptr;
	}
	base->lock.unlock();
	arch_local_irq_enable();
}
} // namespace

void timer_setup(struct timer_list* timer, void (*func)(struct timer_list*), unsigned int flags)
{
	timer->entry.init();
	timer->expires = 0;
	timer->function = func;
	timer->flags = flags | raw_smp_processor_id(); /* its base: any CPU will do, it fires there */
}

int mod_timer(struct timer_list* timer, unsigned long expires)
{
	timer_base* base = get_timer_base(timer);
	lib::spin_lock_irqsave_guard g(base->lock);
	int ret = detach_if_pending(base, timer);
	timer->expires = expires;
	enqueue_timer(base, timer);
	return ret;
}

void add_timer(struct timer_list* timer)
{
	if (WARN_ON_ONCE(timer_pending(timer)))
		return;
	mod_timer(timer, timer->expires);
}

int del_timer(struct timer_list* timer)
{
	timer_base* base = get_timer_base(timer);
	lib::spin_lock_irqsave_guard g(base->lock);
	return detach_if_pending(base, timer);
}

int del_timer_sync(struct timer_list* timer)
{
	/* Linux: waiting for the callback from hard interrupt context could
	 * deadlock against the interrupted softirq running it */
	WARN_ON(in_hardirq() && !(timer->flags & TIMER_IRQSAFE));
	timer_base* base = get_timer_base(timer);
	for (;;) {
		{
			lib::spin_lock_irqsave_guard g(base->lock);
			int ret = detach_if_pending(base, timer);
			/* done unless its callback runs now on the base's CPU; on
			 * that CPU itself we are inside (or under) the callback and
			 * waiting would never end */
			if (base->running_timer != timer || base == &timer_bases[smp_processor_id()])
				return ret;
		}
		cpu_relax();
	}
}

void init_timers()
{
	for (auto& b : timer_bases)
		b.pending.init();
	open_softirq(TIMER_SOFTIRQ, run_timer_softirq);
}

void run_local_timers()
{
	timer_base* base = &timer_bases[smp_processor_id()];
	/* hard interrupt context, interrupts off: the lock cannot be held by
	 * task context on this CPU (it takes it irqsave) */
	base->lock.lock();
	bool due = !base->pending.empty() &&
	           !time_after(list_first_entry(&base->pending, timer_list, entry)->expires, jiffies);
	base->lock.unlock();
	if (due)
		raise_softirq_irqoff(TIMER_SOFTIRQ);
}

unsigned int nr_pending_timers()
{
	unsigned long flags = arch_local_irq_save(); /* this CPU's base, not one we migrated from */
	timer_base* base = &timer_bases[smp_processor_id()];
	base->lock.lock();
	unsigned int n = base->nr_pending;
	base->lock.unlock_irqrestore(flags);
	return n;
}
