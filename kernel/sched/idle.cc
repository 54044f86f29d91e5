/*
 * The idle scheduling class and the idle loop (Linux: kernel/sched/
 * idle.c do_idle/cpu_startup_entry, pick_next_task_idle; arch/x86
 * default_idle).
 *
 * Data structures: rq->idle, this CPU's idle task (init_task,
 * "swapper/0", PF_IDLE).  It is never on a queue: the idle class picks it
 * when the rt and fair classes have nothing.
 *
 * Invariants: the idle task never sleeps; it halts with interrupts on
 * (native_safe_halt, "sti; hlt": the interrupt shadow closes the race with a wake-up from
 * an interrupt) and schedules as soon as need_resched is set.
 *
 * Lock order: rq->lock only.
 */
#include "sched.h"
#include <arch/irqflags.h>
#include <kernel/preempt.h>

namespace
{
void enqueue_task_idle(struct rq*, struct task_struct*, int) {}
void dequeue_task_idle(struct rq*, struct task_struct*, int) {}
void yield_task_idle(struct rq*) {}
/* anything that wakes up preempts the idle task */
void check_preempt_curr_idle(struct rq* rq, struct task_struct*, int)
{
	resched_curr(rq);
}
struct task_struct* pick_next_task_idle(struct rq* rq)
{
	return rq->idle;
}
void put_prev_task_idle(struct rq*, struct task_struct*) {}
void task_tick_idle(struct rq*, struct task_struct*) {}
void task_fork_idle(struct task_struct*) {}
void update_curr_idle(struct rq*) {}

void default_idle()
{
	arch_local_irq_disable();
	if (need_resched()) {
		arch_local_irq_enable();
		return;
	}
	native_safe_halt();
}
void set_next_task_idle(struct rq*, struct task_struct*) {}
} // namespace

const struct sched_class idle_sched_class = {
    .rank = 0,
    .enqueue_task = enqueue_task_idle,
    .dequeue_task = dequeue_task_idle,
    .yield_task = yield_task_idle,
    .check_preempt_curr = check_preempt_curr_idle,
    .pick_next_task = pick_next_task_idle,
    .put_prev_task = put_prev_task_idle,
    .set_next_task = set_next_task_idle,
    .task_tick = task_tick_idle,
    .task_fork = task_fork_idle,
    .update_curr = update_curr_idle,
};

void cpu_startup_entry()
{
	for (;;) {
		while (!need_resched())
			default_idle();
		schedule_idle();
	}
}
