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
 * SMP: select_task_rq_fair places waking and new tasks, vruntime is
 * rebased between CPUs' min_vruntime on migration, and the load balancer
 * (newidle and periodic, at the end of this file) pulls queued tasks.
 *
 * Policies: SCHED_NORMAL; SCHED_BATCH, the same but a woken batch task
 * never preempts the running one (check_preempt_wakeup); SCHED_IDLE, with
 * weight 3 (WEIGHT_IDLEPRIO, set_load_weight) and preempted by any other
 * woken fair task.
 *
 * Differences from Linux: no group scheduling, no load tracking (PELT),
 * no buddies, no scheduling domains (one level of all CPUs); yield()
 * moves the caller behind the rightmost entity (the old
 * sched_compat_yield) instead of setting the skip buddy.
 *
 * Lock order: rq->lock; the balancer takes two, lower CPU first
 * (double_rq_lock), or drops its own to keep that order (newidle).
 */
#include "sched.h"
#include <kernel/interrupt.h>
#include <kernel/jiffies.h>
#include <kernel/sched_order.h>

namespace
{
inline struct task_struct* task_of(struct sched_entity* se)
{
	return container_of(se, struct task_struct, se);
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
	struct task_struct* p = task_of(curr);
	if (uint64_t(delta_exec) > p->stats.exec_max)
		p->stats.exec_max = uint64_t(delta_exec);
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
	if (curr->sched_class != &fair_sched_class || curr == p)
		return;
	/* a SCHED_IDLE task gives way to any other woken fair task */
	if (task_has_idle_policy(curr) && !task_has_idle_policy(p)) {
		resched_curr(rq);
		return;
	}
	/* SCHED_BATCH and SCHED_IDLE wakees never preempt: the tick will */
	if (p->policy != SCHED_NORMAL)
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
/*
 * Where a waking or new fair task goes (Linux: select_task_rq_fair,
 * select_idle_sibling, find_idlest_cpu, much simplified: one level, no
 * cache topology): its previous CPU if that is idle, else the waker's
 * CPU if idle, else any idle allowed CPU, else the allowed CPU with the
 * fewest runnable tasks (the previous one on a tie).
 */
int select_task_rq_fair(struct task_struct* p, int prev_cpu, int)
{
	unsigned this_cpu = raw_smp_processor_id();
	auto usable = [p](unsigned cpu) { return cpu < NR_CPUS && cpu_online(cpu) && cpumask_test_cpu(cpu, &p->cpus_mask); };
	if (usable(unsigned(prev_cpu)) && rq_idle(&runqueues[prev_cpu]))
		return prev_cpu;
	if (usable(this_cpu) && rq_idle(&runqueues[this_cpu]))
		return int(this_cpu);
	int best = usable(unsigned(prev_cpu)) ? prev_cpu : -1;
	unsigned best_nr = best >= 0 ? __atomic_load_n(&runqueues[best].nr_running, __ATOMIC_RELAXED) : ~0u;
	unsigned cpu;
	for_each_online_cpu(cpu)
	{
		if (!usable(cpu))
			continue;
		unsigned nr = __atomic_load_n(&runqueues[cpu].nr_running, __ATOMIC_RELAXED);
		if (nr < best_nr) {
			best = int(cpu);
			best_nr = nr;
		}
	}
	return best >= 0 ? best : prev_cpu;
}

/* vruntime is relative to its cfs_rq's min_vruntime: carry the offset
 * over to the new CPU's queue (Linux: migrate_task_rq_fair subtracts the
 * old min_vruntime, enqueue adds the new one) */
void migrate_task_rq_fair(struct task_struct* p, int new_cpu)
{
	const struct cfs_rq* from = &task_rq(p)->cfs;
	const struct cfs_rq* to = &runqueues[new_cpu].cfs;
	p->se.vruntime = p->se.vruntime - __atomic_load_n(&from->min_vruntime, __ATOMIC_RELAXED) +
	                 __atomic_load_n(&to->min_vruntime, __ATOMIC_RELAXED);
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
    .select_task_rq = select_task_rq_fair,
    .migrate_task_rq = migrate_task_rq_fair,
};

/* ================================================================
 * Load balancing (Linux: kernel/sched/fair.c newidle_balance,
 * load_balance, find_busiest_queue, detach_tasks/attach_tasks,
 * trigger_load_balance, run_rebalance_domains), one level: every online
 * CPU is one domain, the load of a run queue is its count of runnable
 * tasks (no PELT, no weights, no cache-hot test).
 *
 * A CPU about to go idle (newidle, from __schedule) pulls one task from
 * the busiest queue; the tick raises SCHED_SOFTIRQ every balance
 * interval (1 jiffy while idle, BUSY_BALANCE_INTERVAL jiffies while
 * busy, staggered by CPU) and the softirq pulls half the difference
 * when the busiest queue has at least two tasks more.  Only fair tasks
 * that are queued, not running, and allowed on this CPU move; RT tasks
 * are placed at wake-up (select_task_rq_rt) and never pulled.
 * ================================================================ */
namespace
{
constexpr unsigned long BUSY_BALANCE_INTERVAL = 8; /* jiffies (32 ms at HZ=250) */

struct rq* find_busiest_queue(struct rq* this_rq)
{
	struct rq* busiest = nullptr;
	unsigned max = 0;
	unsigned cpu;
	for_each_online_cpu(cpu)
	{
		struct rq* rq = &runqueues[cpu];
		unsigned nr = __atomic_load_n(&rq->cfs.nr_running, __ATOMIC_RELAXED);
		if (rq == this_rq || nr < 2)
			continue;
		if (nr > max) {
			max = nr;
			busiest = rq;
		}
	}
	return busiest;
}

/* both locked: move up to n fair tasks from src to dst, the least urgent
 * (rightmost) first; the count moved */
int detach_attach_tasks(struct rq* src, struct rq* dst, unsigned n)
{
	unsigned moved = 0;
	struct rb_node* node = rb_last(&src->cfs.tasks_timeline.rb_root);
	while (node && moved < n) {
		struct rb_node* prev = rb_prev(node);
		struct task_struct* p = task_of(se_of(node));
		if (cpumask_test_cpu(unsigned(dst->cpu), &p->cpus_mask) && !task_running(src, p)) {
			move_queued_task_locked(src, dst, p);
			moved++;
		}
		node = prev;
	}
	dst->nr_balance_pulls += moved;
	return int(moved);
}

/* how many to pull from busiest (both locked): half the difference */
unsigned imbalance(struct rq* this_rq, struct rq* busiest)
{
	unsigned b = busiest->cfs.nr_running, t = this_rq->nr_running;
	return b >= t + 2 ? (b - t) / 2 : 0;
}

void run_rebalance_domains(struct softirq_action*)
{
	struct rq* this_rq = ::this_rq();
	this_rq->next_balance = jiffies + (rq_idle(this_rq) ? 1 : BUSY_BALANCE_INTERVAL);
	struct rq* busiest = find_busiest_queue(this_rq);
	if (!busiest)
		return;
	unsigned long flags = arch_local_irq_save();
	double_rq_lock(this_rq, busiest);
	if (unsigned n = imbalance(this_rq, busiest))
		detach_attach_tasks(busiest, this_rq, n);
	double_rq_unlock(this_rq, busiest);
	arch_local_irq_restore(flags);
}
} // namespace

/* NO_THREAD_SAFETY_ANALYSIS: drops and retakes this_rq->lock to take two
 * rq locks in CPU order (double_lock_balance) */
int newidle_balance(struct rq* this_rq) NO_THREAD_SAFETY_ANALYSIS
{
	if (!cpu_online(unsigned(this_rq->cpu)))
		return 0;
	struct rq* busiest = find_busiest_queue(this_rq);
	if (!busiest)
		return 0;
	/* lower CPU first: from a higher one, drop ours if a trylock fails */
	if (busiest->cpu > this_rq->cpu || busiest->lock.try_lock()) {
		if (busiest->cpu > this_rq->cpu)
			busiest->lock.lock();
	} else {
		this_rq->lock.unlock();
		busiest->lock.lock();
		this_rq->lock.lock();
	}
	int moved = 0;
	if (!this_rq->nr_running && imbalance(this_rq, busiest)) {
		moved = detach_attach_tasks(busiest, this_rq, 1);
		this_rq->nr_newidle_pulls += unsigned(moved);
	}
	busiest->lock.unlock();
	return moved;
}

void trigger_load_balance(struct rq* rq)
{
	if (num_online_cpus() > 1 && time_after_eq(jiffies, rq->next_balance))
		raise_softirq(SCHED_SOFTIRQ);
}

void init_sched_fair_class()
{
	for (unsigned cpu = 0; cpu < NR_CPUS; cpu++)
		runqueues[cpu].next_balance = jiffies + cpu; /* staggered */
	open_softirq(SCHED_SOFTIRQ, run_rebalance_domains);
}

unsigned int get_rr_interval_fair(struct rq* rq, struct task_struct* p)
{
	if (!rq->cfs.load.weight)
		return 0;
	return unsigned(sched_slice(&rq->cfs, &p->se) / TICK_NSEC); /* NS_TO_JIFFIES */
}
