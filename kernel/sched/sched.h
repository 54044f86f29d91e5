/*
 * The scheduler's internal types (Linux: kernel/sched/sched.h).
 *
 * Data structures:
 *   struct rq        one per CPU (runqueues[]): its lock, the running
 *                    task (curr), the idle task, the clock, and one
 *                    sub-queue per class: rt_rq, cfs_rq
 *   struct cfs_rq    fair tasks: a red-black tree ordered by vruntime
 *                    (with the leftmost cached), the total load weight,
 *                    min_vruntime; cfs_rq->curr is the running fair
 *                    entity, which is NOT in the tree while it runs
 *   struct rt_rq     MAX_RT_PRIO lists, one per priority, and a bitmap of
 *                    the non-empty ones; the running RT task stays on its
 *                    list
 *   struct sched_class  the class operations; the classes are ranked
 *                    rt > fair > idle (stop and deadline are omitted)
 *
 * Invariants: rq->lock is held (interrupts off) for every change to the
 * queues, p->on_rq, p->__state transitions done by wake-ups, and
 * rq->curr.  A task is on exactly its class's queue iff p->on_rq.
 * rq->nr_running counts queued tasks (curr included when queued), never
 * the idle task.  min_vruntime never decreases.
 *
 * Lock order: rq->lock is the innermost scheduler lock: wait-queue locks
 * and tasklist_lock may be held when it is taken, never the reverse.
 */
#pragma once
#include <kernel/sched.h>

struct rq;

#define ENQUEUE_WAKEUP 0x01
#define ENQUEUE_INITIAL 0x80
#define DEQUEUE_SLEEP 0x01
#define WF_FORK 0x02

struct sched_class {
	int rank; /* higher runs first: rt 2, fair 1, idle 0 */
	void (*enqueue_task)(struct rq* rq, struct task_struct* p, int flags);
	void (*dequeue_task)(struct rq* rq, struct task_struct* p, int flags);
	void (*yield_task)(struct rq* rq);
	void (*check_preempt_curr)(struct rq* rq, struct task_struct* p, int flags);
	/* the next task of this class, made the running one (set_next_task) */
	struct task_struct* (*pick_next_task)(struct rq* rq);
	void (*put_prev_task)(struct rq* rq, struct task_struct* p);
	/* p, queued, becomes the running task again (after a class change) */
	void (*set_next_task)(struct rq* rq, struct task_struct* p);
	void (*task_tick)(struct rq* rq, struct task_struct* p);
	void (*task_fork)(struct task_struct* p);
	void (*update_curr)(struct rq* rq);
};

extern const struct sched_class rt_sched_class;
extern const struct sched_class fair_sched_class;
extern const struct sched_class idle_sched_class;

struct cfs_rq {
	struct load_weight load; /* sum of the queued entities' weights */
	unsigned int nr_running;
	uint64_t min_vruntime;
	struct rb_root_cached tasks_timeline;
	struct sched_entity* curr;
};

struct rt_rq {
	unsigned long bitmap[(MAX_RT_PRIO + 63) / 64];
	lib::list_head queue[MAX_RT_PRIO];
	unsigned int rt_nr_running;
};

struct rq {
	lib::spinlock lock;
	unsigned int nr_running;
	uint64_t nr_switches;
	uint64_t clock; /* ns, updated under the lock (update_rq_clock) */
	struct task_struct* curr;
	struct task_struct* idle;
	struct cfs_rq cfs;
	struct rt_rq rt;
	int cpu;
};

extern struct rq runqueues[NR_CPUS];
static inline struct rq* this_rq()
{
	return &runqueues[smp_processor_id()];
}
static inline struct rq* task_rq(struct task_struct* p)
{
	return &runqueues[p->cpu];
}

void update_rq_clock(struct rq* rq);
void resched_curr(struct rq* rq);

/* nice -20..19 to load weight, and 2^32 / weight (kernel/sched/core.c) */
extern const int sched_prio_to_weight[40];
extern const uint32_t sched_prio_to_wmult[40];

/* fair class tunables, ns (kernel/sched/fair.c defaults for one CPU) */
#define sysctl_sched_latency 6000000ULL
#define sysctl_sched_min_granularity 750000ULL
#define sysctl_sched_wakeup_granularity 1000000ULL
#define NICE_0_LOAD 1024UL

void init_cfs_rq(struct cfs_rq* cfs_rq);
void init_rt_rq(struct rt_rq* rt_rq);
static inline bool rt_prio(int prio)
{
	return prio < MAX_RT_PRIO;
}
static inline bool rt_policy(int policy)
{
	return policy == SCHED_FIFO || policy == SCHED_RR;
}
