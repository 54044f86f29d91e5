/*
 * The fair scheduling class, CFS (Linux: kernel/sched/fair.c before
 * EEVDF: update_curr, place_entity, check_preempt_tick,
 * check_preempt_wakeup, pick_next_entity).
 *
 * Data structures: cfs_rq (kernel/sched/sched.h): queued entities in a
 * red-black tree keyed by vruntime, the leftmost (smallest vruntime)
 * cached; the running entity is cfs_rq->curr and is out of the tree.
 * vruntime advances by delta_exec * NICE_0_LOAD / weight, so a nice-5
 * task (weight 335) ages about 3x faster than a nice-0 one (1024) and
 * gets about a quarter of the CPU against it.
 *
 * Invariants: under rq->lock.  min_vruntime is monotonic and at most the
 * smallest vruntime of curr and the leftmost.  A waking entity is placed
 * at max(its vruntime, min_vruntime - sched_latency/2) (GENTLE_FAIR_SLEEPERS),
 * a new one at min_vruntime + its slice (START_DEBIT).
 *
 * Differences from Linux: no group scheduling, no load tracking (PELT),
 * no buddies; yield() moves the caller behind the rightmost entity (the
 * old sched_compat_yield) instead of setting the skip buddy.
 *
 * Lock order: rq->lock only.
 */
#include "sched.h"
#include <kernel/sched_order.h>

namespace
{
inline struct task_struct* task_of(struct sched_entity* se)
{
	return reinterpret_cast<struct task_struct*>(reinterpret_cast<char*>(se) - offsetof(struct task_struct, se));
}
inline struct sched_entity* se_of(struct rb_node* n)
{
	return rb_entry(n, struct sched_entity, run_node);
}

bool entity_before(const struct rb_node* a, const struct rb_node* b)
{
	return vruntime_before(se_of(const_cast<rb_node*>(a))->vruntime, se_of(const_cast<rb_node*>(b))->vruntime);
}

/* delta * NICE_0_LOAD / weight */
uint64_t calc_delta_fair(uint64_t delta, const struct sched_entity* se)
{
	if (se->load.weight == NICE_0_LOAD)
		return delta;
	return delta * NICE_0_LOAD / se->load.weight;
}

struct sched_entity* pick_first_entity(struct cfs_rq* cfs_rq)
{
	struct rb_node* left = rb_first_cached(&cfs_rq->tasks_timeline);
	return left ? se_of(left) : nullptr;
}

void update_min_vruntime(struct cfs_rq* cfs_rq)
{
	struct sched_entity* curr = cfs_rq->curr;
	struct sched_entity* left = pick_first_entity(cfs_rq);
	uint64_t vruntime = cfs_rq->min_vruntime;
	if (curr && curr->on_rq)
		vruntime = curr->vruntime;
	else
		curr = nullptr;
	if (left)
		vruntime = curr ? min_vruntime_of(vruntime, left->vruntime) : left->vruntime;
	cfs_rq->min_vruntime = max_vruntime(cfs_rq->min_vruntime, vruntime);
}

void update_curr(struct rq* rq)
{
	struct cfs_rq* cfs_rq = &rq->cfs;
	struct sched_entity* curr = cfs_rq->curr;
	if (!curr)
		return;
	uint64_t now = rq->clock;
	int64_t delta_exec = int64_t(now - curr->exec_start);
	if (delta_exec <= 0)
		return;
	curr->exec_start = now;
	curr->sum_exec_runtime += uint64_t(delta_exec);
	task_of(curr)->stime += uint64_t(delta_exec);
	curr->vruntime += calc_delta_fair(uint64_t(delta_exec), curr);
	update_min_vruntime(cfs_rq);
}

/* the entity's share of the latency period (sched_slice) */
uint64_t sched_slice(struct cfs_rq* cfs_rq, struct sched_entity* se)
{
	unsigned nr = cfs_rq->nr_running + (se->on_rq ? 0 : 1);
	uint64_t period = nr > sysctl_sched_latency / sysctl_sched_min_granularity ? nr * sysctl_sched_min_granularity
	                                                                           : sysctl_sched_latency;
	unsigned long total = cfs_rq->load.weight + (se->on_rq ? 0 : se->load.weight);
	return total ? period * se->load.weight / total : period;
}

void place_entity(struct cfs_rq* cfs_rq, struct sched_entity* se, bool initial)
{
	uint64_t vruntime = cfs_rq->min_vruntime;
	if (initial)
		vruntime += calc_delta_fair(sched_slice(cfs_rq, se), se); /* START_DEBIT */
	else
		vruntime -= sysctl_sched_latency / 2; /* GENTLE_FAIR_SLEEPERS */
	se->vruntime = initial ? vruntime : max_vruntime(se->vruntime, vruntime);
}

void enqueue_task_fair(struct rq* rq, struct task_struct* p, int flags)
{
	struct cfs_rq* cfs_rq = &rq->cfs;
	struct sched_entity* se = &p->se;
	update_curr(rq);
	if (flags & ENQUEUE_INITIAL)
		place_entity(cfs_rq, se, true);
	else if (flags & ENQUEUE_WAKEUP)
		place_entity(cfs_rq, se, false);
	if (se != cfs_rq->curr)
		rb_add_cached(&se->run_node, &cfs_rq->tasks_timeline, entity_before);
	se->on_rq = 1;
	cfs_rq->load.weight += se->load.weight;
	cfs_rq->nr_running++;
	rq->nr_running++;
}

void dequeue_task_fair(struct rq* rq, struct task_struct* p, int)
{
	struct cfs_rq* cfs_rq = &rq->cfs;
	struct sched_entity* se = &p->se;
	update_curr(rq);
	if (se != cfs_rq->curr)
		rb_erase_cached(&se->run_node, &cfs_rq->tasks_timeline);
	se->on_rq = 0;
	cfs_rq->load.weight -= se->load.weight;
	cfs_rq->nr_running--;
	rq->nr_running--;
	update_min_vruntime(cfs_rq);
}

void yield_task_fair(struct rq* rq)
{
	struct cfs_rq* cfs_rq = &rq->cfs;
	struct sched_entity* curr = cfs_rq->curr;
	if (cfs_rq->nr_running <= 1 || !curr)
		return;
	update_curr(rq);
	struct rb_node* last = rb_last(&cfs_rq->tasks_timeline.rb_root);
	if (last)
		curr->vruntime = max_vruntime(curr->vruntime, se_of(last)->vruntime + 1);
}

void check_preempt_wakeup(struct rq* rq, struct task_struct* p, int)
{
	struct task_struct* curr = rq->curr;
	if (curr->sched_class != &fair_sched_class)
		return;
	update_curr(rq);
	int64_t vdiff = int64_t(curr->se.vruntime - p->se.vruntime);
	if (vdiff > int64_t(calc_delta_fair(sysctl_sched_wakeup_granularity, &p->se)))
		resched_curr(rq);
}

struct task_struct* pick_next_task_fair(struct rq* rq)
{
	struct cfs_rq* cfs_rq = &rq->cfs;
	struct sched_entity* se = pick_first_entity(cfs_rq);
	if (!se)
		return nullptr;
	/* set_next_entity: the running entity leaves the tree */
	rb_erase_cached(&se->run_node, &cfs_rq->tasks_timeline);
	se->exec_start = rq->clock;
	se->prev_sum_exec_runtime = se->sum_exec_runtime;
	cfs_rq->curr = se;
	return task_of(se);
}

void put_prev_task_fair(struct rq* rq, struct task_struct* p)
{
	struct cfs_rq* cfs_rq = &rq->cfs;
	struct sched_entity* se = &p->se;
	if (cfs_rq->curr != se)
		return;
	update_curr(rq);
	if (se->on_rq)
		rb_add_cached(&se->run_node, &cfs_rq->tasks_timeline, entity_before);
	cfs_rq->curr = nullptr;
}

/* check_preempt_tick */
void task_tick_fair(struct rq* rq, struct task_struct* p)
{
	struct cfs_rq* cfs_rq = &rq->cfs;
	struct sched_entity* curr = &p->se;
	update_curr(rq);
	if (cfs_rq->nr_running <= 1)
		return;
	uint64_t ideal_runtime = sched_slice(cfs_rq, curr);
	uint64_t delta_exec = curr->sum_exec_runtime - curr->prev_sum_exec_runtime;
	if (delta_exec > ideal_runtime) {
		resched_curr(rq);
		return;
	}
	if (delta_exec < sysctl_sched_min_granularity)
		return;
	struct sched_entity* se = pick_first_entity(cfs_rq);
	if (se && int64_t(curr->vruntime - se->vruntime) > int64_t(ideal_runtime))
		resched_curr(rq);
}

void task_fork_fair(struct task_struct* p)
{
	p->se.vruntime = 0;
	RB_CLEAR_NODE(&p->se.run_node);
}

void update_curr_fair(struct rq* rq)
{
	update_curr(rq);
}
void set_next_task_fair(struct rq* rq, struct task_struct* p)
{
	struct sched_entity* se = &p->se;
	if (se->on_rq)
		rb_erase_cached(&se->run_node, &rq->cfs.tasks_timeline);
	se->exec_start = rq->clock;
	se->prev_sum_exec_runtime = se->sum_exec_runtime;
	rq->cfs.curr = se;
}
} // namespace

void init_cfs_rq(struct cfs_rq* cfs_rq)
{
	cfs_rq->tasks_timeline = RB_ROOT_CACHED;
	cfs_rq->min_vruntime = uint64_t(-(1LL << 20)); /* wraps early, as Linux's */
	cfs_rq->load.weight = 0;
	cfs_rq->nr_running = 0;
	cfs_rq->curr = nullptr;
}

const struct sched_class fair_sched_class = {
    .rank = 1,
    .enqueue_task = enqueue_task_fair,
    .dequeue_task = dequeue_task_fair,
    .yield_task = yield_task_fair,
    .check_preempt_curr = check_preempt_wakeup,
    .pick_next_task = pick_next_task_fair,
    .put_prev_task = put_prev_task_fair,
    .set_next_task = set_next_task_fair,
    .task_tick = task_tick_fair,
    .task_fork = task_fork_fair,
    .update_curr = update_curr_fair,
};
