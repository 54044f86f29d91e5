/*
 * might_sleep(), the system state and the scheduler core (Linux:
 * kernel/sched/core.c __might_sleep/__might_resched; include/linux/
 * sched.h task_state_index; init/main.c system_state).  The task dump
 * (sched_show_task, show_state) is in debug.cc.
 *
 * might_sleep() is the check every sleeping primitive makes: sleeping in atomic context
 * (preempt_count() != 0) or with interrupts disabled is a bug, reported
 * in Linux's words with a backtrace, at most once per HZ jiffies, and
 * tainting the kernel W.  Silent while booting and during an oops, as
 * Linux.
 *
 * The scheduler (Linux: kernel/sched/core.c): runqueues[cpu] (struct rq,
 * kernel/sched/sched.h) with its lock taken irqsave; classes rt -> fair ->
 * idle.  __schedule() runs with preemption disabled and the rq lock held
 * across switch_to, so every task switches at preempt_count 2 and the
 * per-CPU count stays consistent; the task switched to drops the lock in
 * finish_task_switch (or schedule_tail for a new task).  TIF_NEED_RESCHED
 * of the running task is mirrored in preempt_count's inverted bit, so
 * preempt_enable() and the return from interrupt (preempt_schedule_irq,
 * traps.cc) reschedule when both the count is 0 and a reschedule is due.
 * A dead task is released by the task that runs after its last switch.
 * SMP (the section at the end, and kernel/sched/sched.h for the rules):
 * wake-ups run under p->pi_lock and choose the CPU (select_task_rq);
 * affinity changes move a queued or running task through its CPU's
 * stopper; fair.cc balances the queues.
 * Priority inheritance: rt_mutex_setprio (called by kernel/locking/
 * rtmutex.cc under p->pi_lock) runs p at its top rt_mutex waiter's prio,
 * in the RT class if that is an RT priority, until the boost ends.
 * Lock order: wait-queue locks, tasklist_lock -> p->pi_lock -> rq->lock.
 *
 * Data: system_state (written by start_kernel only), prev_jiffy (the
 * rate limit; racy by design, as Linux's).
 */
#include <arch/mmu_context.h>
#include <kernel/jiffies.h>
#include <kernel/kernel.h>
#include <kernel/panic.h>
#include <kernel/preempt.h>
#include <kernel/printk.h>
#include <kernel/rtmutex.h>
#include <kernel/sched.h>
#include <kernel/exit.h>
#include <kernel/sched/signal.h>
#include <kernel/sched/stat.h>
#include <kernel/sched/task.h>
#include <kernel/sched/types.h>
#include <uapi/linux/sched.h>
#include <lib/format.h>
#include <mm/mm.h>

enum system_states system_state = SYSTEM_BOOTING;

void __might_sleep(const char* file, int line)
{
	static unsigned long prev_jiffy;
	if ((preempt_count() == 0 && !irqs_disabled()) || system_state == SYSTEM_BOOTING ||
	    system_state > SYSTEM_RUNNING || oops_in_progress)
		return;
	if (prev_jiffy && time_before(jiffies, prev_jiffy + HZ))
		return;
	prev_jiffy = jiffies;
	printk(KERN_ERR "BUG: sleeping function called from invalid context at %s:%d\n", file, line);
	printk(KERN_ERR "in_atomic(): %d, irqs_disabled(): %d, non_block: %d, pid: %d, name: %s\n", in_atomic() ? 1 : 0,
	       irqs_disabled() ? 1 : 0, 0, task_pid_nr(current), current->comm);
	pr_err("preempt_count: %x, expected: %x\n", preempt_count(), 0);
	dump_stack();
	add_taint(TAINT_WARN);
}

unsigned int task_state_index(const struct task_struct* tsk)
{
	unsigned int tsk_state = READ_TASK_STATE(tsk);
	unsigned int state = (tsk_state | unsigned(tsk->exit_state)) & TASK_REPORT;
	if ((tsk_state & TASK_IDLE) == TASK_IDLE)
		state = TASK_REPORT_IDLE;
	if (tsk_state & TASK_RTLOCK_WAIT)
		state = TASK_UNINTERRUPTIBLE;
	return state ? unsigned(32 - __builtin_clz(state)) : 0; /* fls() */
}

char task_index_to_char(unsigned int state)
{
	static const char state_char[] = "RSDTtXZPI";
	return state < sizeof(state_char) - 1 ? state_char[state] : '?';
}

/* ================================================================
 * The scheduler core (Linux: kernel/sched/core.c).
 * ================================================================ */
#include "sched.h"
#include <arch/desc.h>
#include <kernel/time.h>
#include <uapi/asm-generic/errno-base.h>

struct rq runqueues[NR_CPUS];
bool scheduler_running;

struct task_struct* switch_to(struct task_struct* prev, struct task_struct* next); /* arch process.cc */

const int sched_prio_to_weight[40] = {
    /* -20 */ 88761, 71755, 56483, 46273, 36291,
    /* -15 */ 29154, 23254, 18705, 14949, 11916,
    /* -10 */ 9548,  7620,  6100,  4904,  3906,
    /*  -5 */ 3121,  2501,  1991,  1586,  1277,
    /*   0 */ 1024,  820,   655,   526,   423,
    /*   5 */ 335,   272,   215,   172,   137,
    /*  10 */ 110,   87,    70,    56,    45,
    /*  15 */ 36,    29,    23,    18,    15,
};

const uint32_t sched_prio_to_wmult[40] = {
    /* -20 */ 48388,     59856,     76040,     92818,     118348,
    /* -15 */ 147320,    184698,    229616,    287308,    360437,
    /* -10 */ 449829,    563644,    704093,    875809,    1099582,
    /*  -5 */ 1376151,   1717300,   2157191,   2708050,   3363326,
    /*   0 */ 4194304,   5237765,   6557202,   8165337,   10153587,
    /*   5 */ 12820798,  15790321,  19976592,  24970740,  31350126,
    /*  10 */ 39045157,  49367440,  61356676,  76695844,  95443717,
    /*  15 */ 119304647, 148102320, 186737708, 238609294, 286331153,
};

namespace
{
const struct sched_class* const sched_classes[] = {&stop_sched_class, &rt_sched_class, &fair_sched_class,
                                                   &idle_sched_class};

/* the nice level's weight; SCHED_IDLE's minimal one whatever the nice level */
void set_load_weight(struct task_struct* p)
{
	if (task_has_idle_policy(p)) {
		p->se.load.weight = WEIGHT_IDLEPRIO;
		p->se.load.inv_weight = WMULT_IDLEPRIO;
		return;
	}
	int idx = p->static_prio - MAX_RT_PRIO;
	p->se.load.weight = unsigned(sched_prio_to_weight[idx]);
	p->se.load.inv_weight = sched_prio_to_wmult[idx];
}

void activate_task(struct rq* rq, struct task_struct* p, int flags)
{
	p->sched_class->enqueue_task(rq, p, flags);
	p->on_rq = 1;
}

void deactivate_task(struct rq* rq, struct task_struct* p, int flags)
{
	p->on_rq = 0;
	p->sched_class->dequeue_task(rq, p, flags);
}

void check_preempt_curr(struct rq* rq, struct task_struct* p, int flags)
{
	if (p->sched_class == rq->curr->sched_class)
		p->sched_class->check_preempt_curr(rq, p, flags);
	else if (p->sched_class->rank > rq->curr->sched_class->rank)
		resched_curr(rq);
}

struct task_struct* pick_next_task(struct rq* rq)
{
	for (const struct sched_class* c : sched_classes)
		if (struct task_struct* p = c->pick_next_task(rq))
			return p;
	return rq->idle; /* not reached: the idle class always has one */
}

/* a dead task's last switch is over: drop the reference its running
 * held; release_task (its parent's wait, or autoreap in exit_notify)
 * drops the other (Linux: put_task_struct_rcu_user in finish_task_switch) */
void release_dead_task(struct task_struct* prev)
{
	put_task_struct_rcu_user(prev);
	nr_dying_tasks.fetch_sub(1);
}

} // namespace

/*
 * Linux's schedule_debug: every path into __schedule() holds exactly the
 * one preempt_disable() of schedule()/preempt_schedule*(); more means a
 * spinlock or preempt_disable() was left held ("scheduling while
 * atomic"), reported and repaired so the CPU's count is right again.
 * The idle loop is exempt (it may enter with interrupts' counts folded).
 */
void schedule_debug(struct task_struct* prev)
{
	if (is_idle_task(prev) || preempt_count() == int(PREEMPT_DISABLE_OFFSET) || oops_in_progress)
		return;
	printk(KERN_ERR "BUG: scheduling while atomic: %s/%d/0x%08x\n", prev->comm, task_pid_nr(prev),
	       preempt_count());
	dump_stack();
	add_taint(TAINT_WARN);
	int extra = preempt_count() - int(PREEMPT_DISABLE_OFFSET);
	preempt_count_sub(extra); /* Linux: preempt_count_set(PREEMPT_DISABLED) */
}

/* NO_THREAD_SAFETY_ANALYSIS: releases the rq->lock prev's __schedule took */
void finish_task_switch(struct task_struct* prev) NO_THREAD_SAFETY_ANALYSIS
{
	struct rq* rq = this_rq();
	/* the state first: once on_cpu is 0 a waker may run prev elsewhere */
	unsigned int prev_state = READ_TASK_STATE(prev);
	__atomic_store_n(&prev->on_cpu, 0, __ATOMIC_RELEASE);
	if (test_tsk_need_resched(current))
		set_preempt_need_resched();
	struct mm_struct* mm = rq->prev_mm;
	rq->prev_mm = nullptr;
	rq->lock.unlock();
	arch_local_irq_enable();
	if (mm)
		mmdrop(mm); /* Linux: mmdrop_sched */
	if (prev_state == TASK_DEAD)
		release_dead_task(prev);
}

/*
 * Pick the next task and switch to it.  Preemption is disabled (count 1)
 * by the caller; the rq lock makes it 2 across the switch, the same in
 * every task, so the per-CPU count stays right.  preempt: an involuntary
 * switch, which keeps a task that set a sleeping state on the queue.
 */
/* NO_THREAD_SAFETY_ANALYSIS: rq->lock is released by the next task
 * (finish_task_switch), not here */
void __schedule(bool preempt) NO_THREAD_SAFETY_ANALYSIS
{
	struct rq* rq = this_rq();
	struct task_struct* prev = rq->curr;
	schedule_debug(prev);
	arch_local_irq_disable();
	rq->lock.lock();
	update_rq_clock(rq);
	unsigned int prev_state = READ_TASK_STATE(prev);
	if (!preempt && prev_state && prev->on_rq && !is_idle_task(prev)) {
		/* a signal that came between setting the state and here ends
		 * an interruptible (or killable) sleep before it starts */
		if (signal_pending_state(prev_state, prev)) {
			__atomic_store_n(&prev->__state, TASK_RUNNING, __ATOMIC_RELAXED);
			prev_state = TASK_RUNNING;
		} else {
			deactivate_task(rq, prev, DEQUEUE_SLEEP);
		}
	}
	if (!rq->nr_running)
		newidle_balance(rq); /* may drop and retake rq->lock */
	prev->sched_class->put_prev_task(rq, prev);
	struct task_struct* next = pick_next_task(rq);
	__atomic_store_n(&rq->curr_prio, is_idle_task(next) ? MAX_PRIO : next->prio, __ATOMIC_RELAXED);
	clear_tsk_need_resched(prev);
	clear_preempt_need_resched();
	if (next == prev) {
		rq->lock.unlock();
		arch_local_irq_enable();
		return;
	}
	rq->curr = next;
	next->on_cpu = 1;
	rq->nr_switches++;
	if (preempt || !prev_state)
		prev->nivcsw++;
	else
		prev->nvcsw++;
	/* context_switch: a kernel thread borrows prev's active_mm (lazy TLB,
	 * no CR3 load); a user task loads its own.  A borrowed reference
	 * passes from kernel thread to kernel thread, and is dropped after the
	 * switch (rq->prev_mm) when a user task ends the borrowing. */
	if (!next->mm) {
		enter_lazy_tlb(prev->active_mm, next);
		next->active_mm = prev->active_mm;
		if (prev->mm)
			mmgrab(prev->active_mm);
		else
			prev->active_mm = nullptr;
	} else {
		switch_mm_irqs_off(prev->active_mm, next->mm, next);
		if (!prev->mm) {
			rq->prev_mm = prev->active_mm;
			prev->active_mm = nullptr;
		}
	}
	prev = switch_to(prev, next);
	finish_task_switch(prev);
}

void update_curr_common(struct rq* rq)
{
	struct task_struct* curr = rq->curr;
	int64_t delta = int64_t(rq->clock - curr->se.exec_start);
	if (delta <= 0)
		return;
	curr->se.sum_exec_runtime += uint64_t(delta);
	if (uint64_t(delta) > curr->stats.exec_max)
		curr->stats.exec_max = uint64_t(delta);
	curr->se.exec_start = rq->clock;
}

void update_rq_clock(struct rq* rq)
{
	uint64_t now = ktime_get_ns();
	if (int64_t(now - rq->clock) > 0)
		rq->clock = now;
}

void resched_curr(struct rq* rq)
{
	struct task_struct* curr = rq->curr;
	if (test_tsk_need_resched(curr))
		return;
	set_tsk_need_resched(curr);
	if (rq->cpu == int(smp_processor_id())) {
		set_preempt_need_resched();
		return;
	}
	smp_send_reschedule(rq->cpu); /* its interrupt return reschedules */
}

/* RESCHEDULE_VECTOR: fold the remote resched_curr's TIF_NEED_RESCHED into
 * this CPU's preempt_count, so the return from the interrupt schedules
 * (Linux: scheduler_ipi -> preempt_fold_need_resched) */
void scheduler_ipi()
{
	if (test_tsk_need_resched(current))
		set_preempt_need_resched();
}

void sched_init()
{
	for (unsigned cpu = 0; cpu < NR_CPUS; cpu++) {
		struct rq* rq = &runqueues[cpu];
		rq->cpu = int(cpu);
		init_cfs_rq(&rq->cfs);
		init_rt_rq(&rq->rt);
	}
	struct rq* rq = this_rq();
	init_task.sched_class = &idle_sched_class;
	init_task.rt.run_list.init();
	RB_CLEAR_NODE(&init_task.se.run_node);
	set_load_weight(&init_task);
	rq->idle = &init_task;
	rq->curr = &init_task;
	rq->curr_prio = MAX_PRIO;
	/* the boot CPU's idle task runs there only (Linux: init_idle); its
	 * children inherit that until kthreadd and sched_init_smp widen it */
	init_task.cpus_mask = cpumask_of(0);
	init_task.nr_cpus_allowed = 1;
	update_rq_clock(rq);
	init_sched_fair_class();
	scheduler_running = true;
}

void init_idle(struct task_struct* idle, int cpu)
{
	struct rq* rq = &runqueues[cpu];
	lib::spin_lock_irqsave_guard g(rq->lock);
	__atomic_store_n(&idle->__state, TASK_RUNNING, __ATOMIC_RELAXED);
	idle->flags |= PF_IDLE | PF_KTHREAD;
	idle->sched_class = &idle_sched_class;
	idle->policy = SCHED_NORMAL;
	idle->static_prio = idle->normal_prio = idle->prio = MAX_PRIO - 20;
	set_load_weight(idle);
	idle->rt.run_list.init();
	RB_CLEAR_NODE(&idle->se.run_node);
	idle->on_rq = 0;
	idle->on_cpu = 1;
	idle->cpu = unsigned(cpu);
	idle->thread_info.cpu = unsigned(cpu);
	idle->cpus_mask = cpumask_of(unsigned(cpu));
	idle->nr_cpus_allowed = 1;
	lib::snprintf(idle->comm, sizeof(idle->comm), "swapper/%d", cpu);
	rq->idle = idle;
	rq->curr = idle;
	rq->curr_prio = MAX_PRIO;
	update_rq_clock(rq);
}

void sched_fork(struct task_struct* p)
{
	p->on_rq = 0;
	p->on_cpu = 0;
	p->cpu = raw_smp_processor_id(); /* wake_up_new_task places it for real */
	p->se.on_rq = 0;
	p->se.sum_exec_runtime = p->se.prev_sum_exec_runtime = 0;
	p->stats = {}; /* Linux: __sched_fork clears the schedstats */
	p->prio = p->normal_prio;
	if (is_idle_task(current) || !rt_prio(p->prio)) {
		/* the idle task's children are normal tasks (rest_init) */
		/* SCHED_BATCH and SCHED_IDLE are inherited, as in Linux */
		if (!rt_prio(p->prio) && p->policy != SCHED_BATCH && p->policy != SCHED_IDLE)
			p->policy = SCHED_NORMAL;
	}
	p->sched_class = rt_prio(p->prio) ? &rt_sched_class : &fair_sched_class;
	set_load_weight(p);
	rt_sched_class.task_fork(p);
	fair_sched_class.task_fork(p);
}

/* the CPU for a waking or new task: its class's choice, kept inside
 * p's mask and the online CPUs (Linux: select_task_rq) */
static int select_task_rq(struct task_struct* p, int cpu, int wake_flags)
{
	if (p->nr_cpus_allowed > 1 && p->sched_class->select_task_rq)
		cpu = p->sched_class->select_task_rq(p, cpu, wake_flags);
	else if (p->nr_cpus_allowed == 1)
		cpu = int(cpumask_first(&p->cpus_mask));
	if (unsigned(cpu) >= NR_CPUS || !cpumask_test_cpu(unsigned(cpu), &p->cpus_mask) || !cpu_online(unsigned(cpu)))
		cpu = select_fallback_rq(cpu, p);
	return cpu;
}

void wake_up_new_task(struct task_struct* p)
{
	unsigned long flags = arch_local_irq_save();
	p->pi_lock.lock();
	__atomic_store_n(&p->__state, TASK_RUNNING, __ATOMIC_RELAXED);
	/* fork balancing: the new task starts on the idlest allowed CPU */
	int cpu = select_task_rq(p, int(task_cpu(p)), WF_FORK);
	bool migrated = unsigned(cpu) != task_cpu(p);
	if (migrated)
		set_task_cpu(p, unsigned(cpu));
	struct rq* rq = &runqueues[cpu];
	rq->lock.lock();
	rq->nr_wake_migrations += migrated;
	update_rq_clock(rq);
	activate_task(rq, p, ENQUEUE_INITIAL);
	check_preempt_curr(rq, p, WF_FORK);
	rq->lock.unlock();
	p->pi_lock.unlock_irqrestore(flags);
}

/* a task still queued (it has not switched out since it set its state):
 * it only needs TASK_RUNNING again (Linux: ttwu_runnable) */
static bool ttwu_runnable(struct task_struct* p)
{
	struct rq* rq;
	for (;;) { /* __task_rq_lock: the balancer may move p meanwhile */
		rq = task_rq(p);
		rq->lock.lock();
		if (rq == task_rq(p))
			break;
		rq->lock.unlock();
	}
	bool queued = p->on_rq;
	if (queued)
		__atomic_store_n(&p->__state, TASK_RUNNING, __ATOMIC_RELAXED);
	rq->lock.unlock();
	return queued;
}

/*
 * Wake p if its state is in `state` (Linux: try_to_wake_up).  Under
 * p->pi_lock: a task still queued is only made runnable; otherwise it is
 * marked TASK_WAKING (no second waker gets past the state test), we wait
 * until its old CPU has switched away from it (on_cpu 0, acquire: all
 * that CPU wrote to it is visible), choose its CPU and queue it there.
 * The reschedule IPI to that CPU comes from check_preempt_curr.
 */
int try_to_wake_up(struct task_struct* p, unsigned int state, int wake_flags)
{
	unsigned long flags = arch_local_irq_save();
	p->pi_lock.lock();
	int success = 0;
	if (READ_TASK_STATE(p) & state) {
		success = 1;
		if (!(__atomic_load_n(&p->on_rq, __ATOMIC_ACQUIRE) && ttwu_runnable(p))) {
			__atomic_store_n(&p->__state, TASK_WAKING, __ATOMIC_RELAXED);
			while (__atomic_load_n(&p->on_cpu, __ATOMIC_ACQUIRE))
				cpu_relax();
			int cpu = select_task_rq(p, int(task_cpu(p)), wake_flags | WF_TTWU);
			int en_flags = ENQUEUE_WAKEUP;
			bool migrated = unsigned(cpu) != task_cpu(p);
			if (migrated) {
				set_task_cpu(p, unsigned(cpu));
				en_flags |= ENQUEUE_MIGRATED;
			}
			struct rq* rq = &runqueues[cpu];
			rq->lock.lock();
			rq->nr_wake_migrations += migrated;
			update_rq_clock(rq);
			activate_task(rq, p, en_flags);
			__atomic_store_n(&p->__state, TASK_RUNNING, __ATOMIC_RELAXED);
			check_preempt_curr(rq, p, wake_flags);
			rq->lock.unlock();
		}
	}
	p->pi_lock.unlock_irqrestore(flags);
	return success;
}

int wake_up_process(struct task_struct* p)
{
	return try_to_wake_up(p, TASK_NORMAL, 0);
}

int wake_up_state(struct task_struct* p, unsigned int state)
{
	return try_to_wake_up(p, state, 0);
}

void schedule_tail(struct task_struct* prev)
{
	finish_task_switch(prev);
	preempt_enable();
}

void schedule()
{
	do {
		preempt_disable();
		__schedule(false);
		preempt_enable_no_resched();
	} while (need_resched());
}

void schedule_idle()
{
	do {
		preempt_disable();
		__schedule(false);
		preempt_enable_no_resched();
	} while (need_resched());
}

void preempt_schedule()
{
	if (!scheduler_running || preempt_count() || irqs_disabled())
		return;
	do {
		preempt_disable();
		__schedule(true);
		preempt_enable_no_resched();
	} while (need_resched());
}

void preempt_schedule_irq()
{
	do {
		preempt_disable();
		arch_local_irq_enable();
		__schedule(true);
		arch_local_irq_disable();
		preempt_enable_no_resched();
	} while (need_resched());
}

void scheduler_tick()
{
	struct rq* rq = this_rq();
	if (!scheduler_running)
		return;
	rq->lock.lock();
	update_rq_clock(rq);
	struct task_struct* curr = rq->curr;
	curr->sched_class->task_tick(rq, curr);
	rq->lock.unlock_no_preempt();
	rq->lock.preempt_on();
	trigger_load_balance(rq);
}

int _cond_resched()
{
	if (!need_resched() || preempt_count() || irqs_disabled())
		return 0;
	preempt_disable();
	__schedule(true);
	preempt_enable_no_resched();
	return 1;
}

void yield()
{
	__set_current_state(TASK_RUNNING);
	arch_local_irq_disable();
	struct rq* rq = this_rq();
	rq->lock.lock();
	update_rq_clock(rq);
	rq->curr->sched_class->yield_task(rq);
	rq->lock.unlock_no_preempt();
	arch_local_irq_enable();
	rq->lock.preempt_on();
	schedule();
}

/*
 * The last switch of an exiting task.  TASK_DEAD is set under pi_lock
 * (Linux: set_special_state): a waker that already matched the old sleep
 * state and is past ttwu_runnable would otherwise overwrite it with
 * TASK_WAKING and queue the dead task again.
 */
void do_task_dead()
{
	preempt_disable();
	{
		lib::spin_lock_irqsave_guard g(current->pi_lock);
		__atomic_store_n(&current->__state, TASK_DEAD, __ATOMIC_SEQ_CST);
	}
	__schedule(false);
	BUG();
	for (;;)
		;
}

/*
 * p's run time in ns, with the part a running p has not been charged yet
 * (Linux: task_sched_runtime): sum_exec_runtime alone lags by up to a
 * tick, and by a whole stall when p's vCPU stands still on a loaded host.
 */
uint64_t task_sched_runtime(struct task_struct* p)
{
	unsigned long flags;
	struct rq* rq = task_rq_lock(p, &flags);
	if (rq->curr == p && p->on_rq) {
		update_rq_clock(rq);
		p->sched_class->update_curr(rq);
	}
	uint64_t ns = p->se.sum_exec_runtime;
	task_rq_unlock(rq, p, flags);
	return ns;
}

void set_user_nice(struct task_struct* p, long nice)
{
	if (nice < MIN_NICE || nice > MAX_NICE)
		return;
	unsigned long flags;
	struct rq* rq = task_rq_lock(p, &flags);
	update_rq_clock(rq);
	bool fair = p->sched_class == &fair_sched_class;
	bool queued = p->on_rq && fair;
	if (queued)
		p->sched_class->dequeue_task(rq, p, 0);
	p->static_prio = NICE_TO_PRIO(int(nice));
	set_load_weight(p);
	if (!rt_prio(p->prio))
		p->prio = p->normal_prio = p->static_prio;
	if (queued) {
		p->sched_class->enqueue_task(rq, p, 0);
		if (rq->curr != p)
			check_preempt_curr(rq, p, 0);
	}
	task_rq_unlock(rq, p, flags);
}

lib::Result<void> sched_setscheduler_nocheck(struct task_struct* p, int policy, const struct sched_param* param)
{
	if (!p || !param)
		return lib::Error{EINVAL};
	bool rt = rt_policy(policy);
	if (!rt && policy != SCHED_NORMAL && policy != SCHED_BATCH && policy != SCHED_IDLE)
		return lib::Error{EINVAL};
	if (rt ? (param->sched_priority < 1 || param->sched_priority > MAX_RT_PRIO - 1) : param->sched_priority != 0)
		return lib::Error{EINVAL};
	if (is_idle_task(p) || READ_TASK_STATE(p) == TASK_DEAD || p->sched_class == &stop_sched_class)
		return lib::Error{EINVAL};
	unsigned long flags;
	struct rq* rq = task_rq_lock(p, &flags);
	update_rq_clock(rq);
	bool queued = p->on_rq, running = rq->curr == p;
	if (queued)
		p->sched_class->dequeue_task(rq, p, 0);
	if (running)
		p->sched_class->put_prev_task(rq, p);
	p->policy = unsigned(policy);
	p->rt_priority = rt ? unsigned(param->sched_priority) : 0;
	p->normal_prio = rt ? MAX_RT_PRIO - 1 - param->sched_priority : p->static_prio;
	p->prio = rt_effective_prio(p, p->normal_prio); /* a PI boost outlives the change */
	p->sched_class = rt_prio(p->prio) ? &rt_sched_class : &fair_sched_class;
	set_load_weight(p); /* SCHED_IDLE's weight, or the nice level's again */
	p->rt.time_slice = RR_TIMESLICE;
	if (queued)
		p->sched_class->enqueue_task(rq, p, 0);
	if (running) {
		p->sched_class->set_next_task(rq, p);
		__atomic_store_n(&rq->curr_prio, p->prio, __ATOMIC_RELAXED);
		resched_curr(rq);
	}
	else if (queued)
		check_preempt_curr(rq, p, 0);
	task_rq_unlock(rq, p, flags);
	return lib::ok();
}

/*
 * Priority inheritance (Linux: rt_mutex_setprio): p runs at pi_task's
 * priority while that is more urgent than its own normal_prio, moving to
 * the RT class for an RT pi_task (an RT waiter lifts a CFS owner) and back
 * when the boost ends.  Called by kernel/locking/rtmutex.cc with
 * p->pi_lock held (irqs off).
 */
void rt_mutex_setprio(struct task_struct* p, struct task_struct* pi_task) NO_THREAD_SAFETY_ANALYSIS
{
	int prio = p->normal_prio;
	if (pi_task && pi_task->prio < prio)
		prio = pi_task->prio;
	p->pi_top_task = pi_task;
	if (prio == p->prio || p->sched_class == &stop_sched_class || is_idle_task(p))
		return;
	struct rq* rq;
	for (;;) { /* __task_rq_lock: pi_lock is held, the rq may still change */
		rq = task_rq(p);
		rq->lock.lock();
		if (rq == task_rq(p))
			break;
		rq->lock.unlock();
	}
	update_rq_clock(rq);
	bool queued = p->on_rq, running = rq->curr == p;
	if (queued)
		p->sched_class->dequeue_task(rq, p, 0);
	if (running)
		p->sched_class->put_prev_task(rq, p);
	int oldprio = p->prio;
	p->prio = prio;
	p->sched_class = rt_prio(prio) ? &rt_sched_class : &fair_sched_class;
	if (queued)
		p->sched_class->enqueue_task(rq, p, 0);
	if (running) {
		p->sched_class->set_next_task(rq, p);
		__atomic_store_n(&rq->curr_prio, p->prio, __ATOMIC_RELAXED);
		if (prio > oldprio)
			resched_curr(rq); /* deboosted: someone else may be more urgent */
	} else if (queued)
		check_preempt_curr(rq, p, 0);
	rq->lock.unlock();
}

void sched_set_fifo(struct task_struct* p)
{
	struct sched_param sp = {MAX_RT_PRIO / 2};
	WARN_ON(sched_setscheduler_nocheck(p, SCHED_FIFO, &sp).is_err());
}

/* p becomes cpu's stop task: the stop class, shown as SCHED_FIFO 99
 * (Linux: sched_set_stop_task); p is asleep and bound to cpu */
void sched_set_stop_task(int cpu, struct task_struct* p)
{
	unsigned long flags;
	struct rq* rq = task_rq_lock(p, &flags);
	WARN_ON(p->on_rq || rq->stop || task_cpu(p) != unsigned(cpu));
	p->policy = SCHED_FIFO;
	p->rt_priority = MAX_RT_PRIO - 1;
	p->normal_prio = p->prio = 0;
	p->sched_class = &stop_sched_class;
	rq->stop = p;
	task_rq_unlock(rq, p, flags);
}

unsigned long nr_context_switches()
{
	unsigned long n = 0;
	for (auto& rq : runqueues)
		n += rq.nr_switches;
	return n;
}


/* ================================================================
 * SMP: locking two sides, moving tasks, affinity (Linux: kernel/sched/
 * core.c task_rq_lock, double_rq_lock, set_task_cpu, move_queued_task,
 * select_fallback_rq, wait_task_inactive, __set_cpus_allowed_ptr,
 * migration_cpu_stop, sched_init_smp).
 * ================================================================ */
#include <kernel/kthread.h>
#include <kernel/syscalls.h>
#include <kernel/stop_machine.h>
#include <kernel/wait.h>

struct rq* task_rq_lock(struct task_struct* p, unsigned long* flags) NO_THREAD_SAFETY_ANALYSIS /* returns/takes locks by pointer; see sched.h */
{
	for (;;) {
		*flags = arch_local_irq_save();
		p->pi_lock.lock();
		struct rq* rq = task_rq(p);
		rq->lock.lock();
		if (rq == task_rq(p))
			return rq;
		rq->lock.unlock();
		p->pi_lock.unlock_irqrestore(*flags);
	}
}

void task_rq_unlock(struct rq* rq, struct task_struct* p, unsigned long flags) NO_THREAD_SAFETY_ANALYSIS /* returns/takes locks by pointer; see sched.h */
{
	rq->lock.unlock();
	p->pi_lock.unlock_irqrestore(flags);
}

void double_rq_lock(struct rq* a, struct rq* b) NO_THREAD_SAFETY_ANALYSIS /* returns/takes locks by pointer; see sched.h */
{
	if (a == b) {
		a->lock.lock();
		return;
	}
	if (a->cpu > b->cpu) {
		struct rq* t = a;
		a = b;
		b = t;
	}
	a->lock.lock();
	b->lock.lock();
}

void double_rq_unlock(struct rq* a, struct rq* b) NO_THREAD_SAFETY_ANALYSIS /* returns/takes locks by pointer; see sched.h */
{
	if (a != b)
		b->lock.unlock();
	a->lock.unlock();
}

bool task_running(struct rq* rq, struct task_struct* p)
{
	return rq->curr == p || __atomic_load_n(&p->on_cpu, __ATOMIC_ACQUIRE);
}

void set_task_cpu(struct task_struct* p, unsigned int cpu)
{
	if (task_cpu(p) != cpu) {
		/* a waking task's class rebases it (a queued one is rebased by
		 * move_queued_task_locked) */
		if (!p->on_rq && p->sched_class->migrate_task_rq)
			p->sched_class->migrate_task_rq(p, int(cpu));
		p->se.nr_migrations++;
	}
	__atomic_store_n(&p->cpu, cpu, __ATOMIC_RELEASE);
	p->thread_info.cpu = cpu;
}

/*
 * on_rq stays 1 throughout (Linux keeps it non-zero too, as
 * TASK_ON_RQ_MIGRATING): a waker that reads it goes to ttwu_runnable and
 * waits for the rq lock instead of queueing p a second time.  A fair
 * task's vruntime is rebased from src's min_vruntime to dst's, taken
 * before the dequeue can raise src's.
 */
void move_queued_task_locked(struct rq* src, struct rq* dst, struct task_struct* p)
{
	update_rq_clock(src);
	update_rq_clock(dst);
	bool fair = p->sched_class == &fair_sched_class;
	if (fair)
		p->se.vruntime -= src->cfs.min_vruntime;
	p->sched_class->dequeue_task(src, p, 0);
	set_task_cpu(p, unsigned(dst->cpu));
	if (fair)
		p->se.vruntime += dst->cfs.min_vruntime;
	p->sched_class->enqueue_task(dst, p, ENQUEUE_MIGRATED);
	check_preempt_curr(dst, p, 0);
}

namespace
{
void do_set_cpus_allowed(struct task_struct* p, const struct cpumask* mask)
{
	p->cpus_mask = *mask;
	p->nr_cpus_allowed = int(cpumask_weight(mask));
}
} // namespace

int select_fallback_rq(int cpu, struct task_struct* p)
{
	unsigned dest = cpumask_first_and(&p->cpus_mask, cpu_online_mask);
	if (dest < NR_CPUS)
		return int(dest);
	/* no allowed CPU is online: any online one, as Linux (cpuset fallback) */
	do_set_cpus_allowed(p, cpu_possible_mask);
	dest = cpumask_first_and(&p->cpus_mask, cpu_online_mask);
	static bool warned;
	if (!__atomic_exchange_n(&warned, true, __ATOMIC_RELAXED))
		printk(KERN_INFO "process %d (%s) no longer affine to cpu%d\n", task_pid_nr(p), p->comm, cpu);
	return int(dest);
}

int wait_task_inactive(struct task_struct* p, unsigned int match_state)
{
	for (;;) {
		unsigned long flags;
		struct rq* rq = task_rq_lock(p, &flags);
		bool running = task_running(rq, p), queued = p->on_rq;
		unsigned int state = READ_TASK_STATE(p);
		task_rq_unlock(rq, p, flags);
		if (match_state && state != match_state)
			return 0;
		if (!running && !queued)
			return 1;
		if (queued && !running)
			schedule_timeout_uninterruptible(1); /* preempted: it has to run first */
		else
			cpu_relax(); /* switching out on its CPU */
	}
}

namespace
{
struct migration_arg {
	struct task_struct* task;
};

/* on the task's CPU, in its stopper (p is not running here now) */
int migration_cpu_stop(void* data)
{
	auto* arg = static_cast<struct migration_arg*>(data);
	struct task_struct* p = arg->task;
	unsigned long flags = arch_local_irq_save();
	struct rq* rq = this_rq();
	p->pi_lock.lock();
	if (task_rq(p) == rq && !cpumask_test_cpu(unsigned(rq->cpu), &p->cpus_mask)) {
		int dest = select_fallback_rq(rq->cpu, p);
		struct rq* dst = &runqueues[dest];
		double_rq_lock(rq, dst);
		if (task_rq(p) == rq && !task_running(rq, p)) {
			if (p->on_rq)
				move_queued_task_locked(rq, dst, p);
			else
				set_task_cpu(p, unsigned(dest)); /* asleep: wakes there */
		}
		double_rq_unlock(rq, dst);
	}
	p->pi_lock.unlock_irqrestore(flags);
	return 0;
}
} // namespace

lib::Result<void> set_cpus_allowed_ptr(struct task_struct* p, const struct cpumask* new_mask)
{
	if (!p || !new_mask)
		return lib::Error{EINVAL};
	struct cpumask old_mask = p->cpus_mask;
	for (int tries = 0;; tries++) {
		unsigned long flags;
		struct rq* rq = task_rq_lock(p, &flags);
		lib::Result<void> ret = lib::ok();
		bool done = true;
		if (!cpumask_intersects(new_mask, cpu_online_mask))
			ret = lib::Error{EINVAL};
		else if (is_idle_task(p) || (kthread_is_per_cpu(p) && !cpumask_equal(new_mask, &p->cpus_mask)))
			ret = lib::Error{EINVAL}; /* a per-CPU thread stays where it is */
		else {
			if (tries == 0)
				do_set_cpus_allowed(p, new_mask);
			unsigned cpu = task_cpu(p);
			if (cpumask_test_cpu(cpu, &p->cpus_mask) && cpu_online(cpu))
				; /* already on an allowed CPU */
			else if (!p->on_rq && !task_running(rq, p))
				set_task_cpu(p, unsigned(select_fallback_rq(int(cpu), p))); /* asleep */
			else
				done = false; /* queued or running: its CPU's stopper moves it */
		}
		unsigned cpu = task_cpu(p);
		task_rq_unlock(rq, p, flags);
		if (done)
			return ret;
		struct migration_arg arg = {p};
		if (stop_one_cpu(cpu, migration_cpu_stop, &arg).is_err()) /* no stopper there */
			ret = lib::Error{ENOENT};
		else if (WARN_ON(tries > 1000))
			ret = lib::Error{EBUSY};
		if (ret.is_err()) { /* not moved: the old mask stands (it is still on one of those CPUs) */
			rq = task_rq_lock(p, &flags);
			do_set_cpus_allowed(p, &old_mask);
			task_rq_unlock(rq, p, flags);
			return ret;
		}
	}
}

void sched_init_smp()
{
	cpu_stop_init(); /* migration/N on every online CPU */
	/* init may run anywhere now (Linux: housekeeping_cpumask) */
	if (set_cpus_allowed_ptr(current, cpu_possible_mask).is_err())
		BUG();
	current->flags &= ~PF_NO_SETAFFINITY;
	pr_info("sched: %u run queues, load balancing on\n", num_online_cpus());
}

/* Linux: kernel/sched/core.c do_sched_yield; always succeeds */
SYSCALL_DEFINE0(sched_yield)
{
	yield();
	return 0;
}
