/*
 * The stop scheduling class (Linux: kernel/sched/stop_task.c): the one
 * class above RT.  Each CPU has at most one stop task, rq->stop, its
 * stopper thread migration/N (kernel/stop_machine.cc); when it is
 * runnable it runs, preempting anything, even SCHED_FIFO 99.  It shows as
 * SCHED_FIFO 99, as Linux's does.
 *
 * Invariants: under rq->lock.  A stop task never migrates (it is bound to
 * its CPU and per-CPU); the class keeps no queue: rq->stop->on_rq says
 * whether it is runnable.
 *
 * Lock order: rq->lock only.
 */
#include "sched.h"

namespace
{
void enqueue_task_stop(struct rq* rq, struct task_struct*, int)
{
	rq->nr_running++;
}
void dequeue_task_stop(struct rq* rq, struct task_struct*, int)
{
	rq->nr_running--;
}
void yield_task_stop(struct rq*) {}
void check_preempt_curr_stop(struct rq*, struct task_struct*, int) {} /* nothing preempts it */
struct task_struct* pick_next_task_stop(struct rq* rq)
{
	struct task_struct* stop = rq->stop;
	if (!stop || !stop->on_rq)
		return nullptr;
	stop->se.exec_start = rq->clock;
	return stop;
}
void update_curr_stop(struct rq* rq)
{
	update_curr_common(rq);
}
void put_prev_task_stop(struct rq* rq, struct task_struct*)
{
	update_curr_stop(rq);
}
void set_next_task_stop(struct rq* rq, struct task_struct* p)
{
	p->se.exec_start = rq->clock;
}
void task_tick_stop(struct rq*, struct task_struct*) {}
void task_fork_stop(struct task_struct*) {}
} // namespace

const struct sched_class stop_sched_class = {
    .rank = 3,
    .enqueue_task = enqueue_task_stop,
    .dequeue_task = dequeue_task_stop,
    .yield_task = yield_task_stop,
    .check_preempt_curr = check_preempt_curr_stop,
    .pick_next_task = pick_next_task_stop,
    .put_prev_task = put_prev_task_stop,
    .set_next_task = set_next_task_stop,
    .task_tick = task_tick_stop,
    .task_fork = task_fork_stop,
    .update_curr = update_curr_stop,
};
