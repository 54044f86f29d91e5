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
 *                    stop > rt > fair > idle (deadline is omitted); stop
 *                    has one task per CPU, rq->stop (the stopper)
 *
 * Invariants: rq->lock is held (interrupts off) for every change to the
 * queues, p->on_rq, p->__state transitions done by wake-ups, and
 * rq->curr.  A task is on exactly its class's queue iff p->on_rq.
 * rq->nr_running counts queued tasks (curr included when queued), never
 * the idle task.  min_vruntime never decreases.
 *
 * SMP: a task's cpu (task_rq) changes only with its pi_lock held and,
 * if it is queued, with the locks of both run queues (the load balancer
 * and move_queued_task hold both; a wake-up holds pi_lock of a task that
 * is on no queue and off every CPU).  task_rq_lock() takes p->pi_lock and
 * then the rq lock and retries if the task moved in between.  Two run
 * queues are locked lower CPU number first (double_rq_lock).  A CPU holds
 * its own rq->lock from __schedule() across switch_to until the next task's
 * finish_task_switch(), which then clears prev->on_cpu (release): a waker
 * of prev spins until then before it may queue prev anywhere.
 *
 * Lock order: p->pi_lock -> rq->lock (of a lower CPU -> of a higher CPU).
 * rq->lock is the innermost scheduler lock: wait-queue locks and
 * tasklist_lock may be held when either is taken, never the reverse.
 */
#pragma once
#include <kernel/sched.h>
#include <uapi/linux/sched.h>

struct rq;

#define ENQUEUE_WAKEUP 0x01
#define ENQUEUE_MIGRATED 0x40
#define ENQUEUE_INITIAL 0x80
#define DEQUEUE_SLEEP 0x01
#define WF_TTWU 0x08
#define WF_FORK 0x02

struct sched_class {
	int rank; /* higher runs first: stop 3, rt 2, fair 1, idle 0 */
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
	/* the CPU to queue p on at a wake-up or fork (p->pi_lock held) */
	int (*select_task_rq)(struct task_struct* p, int prev_cpu, int wake_flags);
	/* p leaves its CPU for new_cpu (set_task_cpu) */
	void (*migrate_task_rq)(struct task_struct* p, int new_cpu);
};

extern const struct sched_class stop_sched_class;
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

/*
 * Every field below the lock is guarded by it (xv6's struct proc style),
 * except cpu (constant) and curr_prio (read unlocked, see there).  Not
 * GUARDED_BY for Clang: the lock is taken by one task and released by the
 * next across switch_to, which the analysis cannot follow.  It is a
 * lib::untracked_spinlock for lockdep for the same reason.
 */
struct rq {
	lib::untracked_spinlock lock;
	unsigned int nr_running;
	uint64_t nr_switches;
	uint64_t clock; /* ns, updated under the lock (update_rq_clock) */
	struct task_struct* curr;
	struct mm_struct* prev_mm; /* a borrowed mm to mmdrop after the switch (context_switch) */
	int curr_prio; /* curr's prio, MAX_PRIO for idle: read unlocked by RT placement */
	struct task_struct* idle;
	struct task_struct* stop; /* this CPU's stopper, migration/N (stop class) */
	struct cfs_rq cfs;
	struct rt_rq rt;
	int cpu;
	unsigned long next_balance; /* jiffies of the next periodic balance */
	unsigned long nr_balance_pulls; /* tasks pulled by the balancer (newidle and periodic) */
	unsigned long nr_newidle_pulls; /* of those, pulled when about to go idle */
	unsigned long nr_wake_migrations; /* wake-ups and forks placed on another CPU */
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
/* charge rq->curr's run time since se.exec_start (the RT and stop
 * classes; Linux: update_curr_common) */
void update_curr_common(struct rq* rq);
void resched_curr(struct rq* rq);

/* p->pi_lock, then its rq's lock, irqs off; the rq is task_rq(p) */
struct rq* task_rq_lock(struct task_struct* p, unsigned long* flags);
void task_rq_unlock(struct rq* rq, struct task_struct* p, unsigned long flags);
/* both rqs, lower CPU first (interrupts already off); a == b locks once */
void double_rq_lock(struct rq* a, struct rq* b);
void double_rq_unlock(struct rq* a, struct rq* b);
/* p, queued on src and not running, onto dst; both locks held
 * (Linux: detach_task + attach_task under double_rq_lock) */
void move_queued_task_locked(struct rq* src, struct rq* dst, struct task_struct* p);
bool task_running(struct rq* rq, struct task_struct* p);
/* an online CPU in p's mask (Linux: select_fallback_rq) */
int select_fallback_rq(int cpu, struct task_struct* p);
static inline bool rq_idle(const struct rq* rq)
{
	return __atomic_load_n(&rq->nr_running, __ATOMIC_RELAXED) == 0;
}
/* the load balancer (kernel/sched/fair.cc): pull before going idle, with
 * this rq locked (it may drop and retake it); from the tick, raise
 * SCHED_SOFTIRQ when a periodic balance is due */
int newidle_balance(struct rq* this_rq);
/* a fair task's slice in jiffies, for sched_rr_get_interval, rq locked
 * (fair.cc; Linux: get_rr_interval_fair) */
unsigned int get_rr_interval_fair(struct rq* rq, struct task_struct* p);
void trigger_load_balance(struct rq* rq);
void init_sched_fair_class();

/* nice -20..19 to load weight, and 2^32 / weight (kernel/sched/core.c) */
extern const int sched_prio_to_weight[40];
extern const uint32_t sched_prio_to_wmult[40];

/* fair class tunables, ns (kernel/sched/fair.c defaults for one CPU) */
#define sysctl_sched_latency 6000000ULL
#define sysctl_sched_min_granularity 750000ULL
#define sysctl_sched_wakeup_granularity 1000000ULL
#define NICE_0_LOAD 1024UL

/* SCHED_IDLE: below nice 19's 15, whatever the nice level (Linux's values) */
#define WEIGHT_IDLEPRIO 3
#define WMULT_IDLEPRIO 1431655765
static inline bool task_has_idle_policy(const struct task_struct* p)
{
	return p->policy == SCHED_IDLE;
}

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
