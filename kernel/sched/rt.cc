/*
 * The real-time scheduling class: SCHED_FIFO and SCHED_RR (Linux:
 * kernel/sched/rt.c enqueue_task_rt, pick_next_rt_entity, task_tick_rt,
 * check_preempt_curr_rt, yield_task_rt).
 *
 * Data structures: rt_rq (kernel/sched/sched.h): one list per priority
 * 0..MAX_RT_PRIO-1 (0 is the highest; p->prio = MAX_RT_PRIO-1 -
 * rt_priority) and a bitmap whose set bits are the non-empty lists, so
 * the pick is a find-first-set.  SCHED_RR tasks carry rt.time_slice
 * (RR_TIMESLICE = 100 ms in ticks).
 *
 * Invariants: under rq->lock.  Bit prio is set iff queue[prio] is
 * non-empty.  The running RT task stays at the head of its list; FIFO
 * runs until it blocks, yields or a higher priority wakes; RR goes to the
 * tail of its list when its slice runs out and others share its level.
 *
 * Differences from Linux: no RT throttling (sched_rt_runtime_us), no
 * push/pull between CPUs (a waking RT task picks a CPU it can preempt,
 * select_task_rq_rt, and stays), no priority inheritance.
 *
 * Lock order: rq->lock only.
 */
#include "sched.h"
#include <kernel/sched_order.h>
#include <uapi/linux/sched.h>

namespace
{
void enqueue_task_rt(struct rq* rq, struct task_struct* p, int)
{
	struct rt_rq* rt = &rq->rt;
	int prio = p->prio;
	rt->queue[prio].add_tail(&p->rt.run_list);
	prio_bitmap_set(rt->bitmap, prio);
	p->rt.on_rq = 1;
	rt->rt_nr_running++;
	rq->nr_running++;
}

void dequeue_task_rt(struct rq* rq, struct task_struct* p, int)
{
	struct rt_rq* rt = &rq->rt;
	int prio = p->prio;
	p->rt.run_list.del();
	if (rt->queue[prio].empty())
		prio_bitmap_clear(rt->bitmap, prio);
	p->rt.on_rq = 0;
	rt->rt_nr_running--;
	rq->nr_running--;
}

void requeue_task_rt(struct rq* rq, struct task_struct* p)
{
	p->rt.run_list.del();
	rq->rt.queue[p->prio].add_tail(&p->rt.run_list);
}

void yield_task_rt(struct rq* rq)
{
	requeue_task_rt(rq, rq->curr);
}

void check_preempt_curr_rt(struct rq* rq, struct task_struct* p, int)
{
	if (p->prio < rq->curr->prio)
		resched_curr(rq);
}

struct task_struct* pick_next_task_rt(struct rq* rq)
{
	struct rt_rq* rt = &rq->rt;
	if (!rt->rt_nr_running)
		return nullptr;
	int prio = sched_find_first_bit(rt->bitmap, sizeof(rt->bitmap) / sizeof(rt->bitmap[0]));
	if (prio < 0)
		return nullptr;
	struct task_struct* p = list_first_entry(&rt->queue[prio], struct task_struct, rt.run_list);
	p->se.exec_start = rq->clock;
	return p;
}

void update_curr_rt(struct rq* rq)
{
	if (rq->curr->sched_class == &rt_sched_class)
		update_curr_common(rq);
}

void put_prev_task_rt(struct rq* rq, struct task_struct*)
{
	update_curr_rt(rq);
}

void task_tick_rt(struct rq* rq, struct task_struct* p)
{
	update_curr_rt(rq);
	if (p->policy != SCHED_RR)
		return;
	if (--p->rt.time_slice)
		return;
	p->rt.time_slice = RR_TIMESLICE;
	/* requeue to the end of the queue if we are not the only element */
	if (p->rt.run_list.prev != p->rt.run_list.next) {
		requeue_task_rt(rq, p);
		resched_curr(rq);
	}
}

void task_fork_rt(struct task_struct* p)
{
	p->rt.run_list.init();
	p->rt.time_slice = RR_TIMESLICE;
	p->rt.on_rq = 0;
}
/*
 * Where a waking RT task goes (Linux: select_task_rq_rt, find_lowest_rq
 * without cpupri): its previous CPU unless an RT task of equal or higher
 * priority runs there; then the allowed CPU running the lowest priority
 * (idle lowest of all), if p would preempt it.
 */
int select_task_rq_rt(struct task_struct* p, int prev_cpu, int)
{
	int curr_prio = __atomic_load_n(&runqueues[prev_cpu].curr_prio, __ATOMIC_RELAXED);
	if (!(rt_prio(curr_prio) && curr_prio <= p->prio))
		return prev_cpu;
	int best = prev_cpu, best_prio = curr_prio;
	unsigned cpu;
	for_each_online_cpu(cpu)
	{
		if (!cpumask_test_cpu(cpu, &p->cpus_mask))
			continue;
		int prio = __atomic_load_n(&runqueues[cpu].curr_prio, __ATOMIC_RELAXED);
		if (prio > best_prio) {
			best = int(cpu);
			best_prio = prio;
		}
	}
	return best_prio > p->prio ? best : prev_cpu;
}

void set_next_task_rt(struct rq* rq, struct task_struct* p)
{
	p->se.exec_start = rq->clock;
}
} // namespace

void init_rt_rq(struct rt_rq* rt_rq)
{
	for (auto& q : rt_rq->queue)
		q.init();
	for (auto& w : rt_rq->bitmap)
		w = 0;
	rt_rq->rt_nr_running = 0;
}

const struct sched_class rt_sched_class = {
    .rank = 2,
    .enqueue_task = enqueue_task_rt,
    .dequeue_task = dequeue_task_rt,
    .yield_task = yield_task_rt,
    .check_preempt_curr = check_preempt_curr_rt,
    .pick_next_task = pick_next_task_rt,
    .put_prev_task = put_prev_task_rt,
    .set_next_task = set_next_task_rt,
    .task_tick = task_tick_rt,
    .task_fork = task_fork_rt,
    .update_curr = update_curr_rt,
    .select_task_rq = select_task_rq_rt,
};
