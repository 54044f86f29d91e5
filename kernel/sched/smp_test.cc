/*
 * In-kernel tests of scheduling across CPUs (suite sched_smp): new and
 * woken threads spread over idle CPUs so that one CPU-bound thread per
 * CPU gets nearly all of its CPU; a thread bound to a CPU (kthread_bind,
 * kthread_create_on_cpu) only ever runs there; set_cpus_allowed_ptr moves
 * a running thread through its CPU's stopper; a CPU about to go idle
 * pulls a queued task (newidle); the periodic balance spreads tasks that
 * were all queued on one CPU; the stoppers migration/N exist, one per
 * CPU, bound and at the top priority; bad affinity requests are refused.
 * bench.sched_smp (explicit only) measures the cross-CPU wake-up round
 * trip (two reschedule IPIs) and the cross-CPU call round trip.
 *
 * The runner (kernel_init) stays on CPU 0 (ktest.h); cases needing more
 * CPUs than QEMU gave are skipped.
 */
#include "sched.h"
#include <arch/hardirq.h>
#include <kernel/compiler.h>
#include <kernel/completion.h>
#include <kernel/kthread.h>
#include <kernel/ktest.h>
#include <kernel/smp.h>
#include <kernel/stop_machine.h>
#include <kernel/time.h>
#include <kernel/wait.h>
#include <lib/format.h>
#include <lib/string.h>
#include <uapi/asm-generic/errno-base.h>
#include <kernel/sched/types.h>
#include <uapi/linux/sched.h>

namespace
{
/* a CPU-bound thread: spins until told, noting where it runs */
struct spinner {
	bool stop;
	unsigned last_cpu;
	unsigned long loops;
	unsigned long wrong_cpu; /* loops seen off `only_cpu` (NR_CPUS: any) */
	unsigned only_cpu;
	unsigned watch_cpu; /* loops_on_watch counts the loops there */
	unsigned long loops_on_watch;
	unsigned sleep_every; /* msleep(1) every that many loops (0: never) */
	unsigned long sleeps;
	unsigned long watch_limit; /* stops by itself after that many loops on watch_cpu (0: never) */
};

int spinner_fn(void* data)
{
	auto* s = static_cast<struct spinner*>(data);
	while (!READ_ONCE(s->stop) && !(s->watch_limit && s->loops_on_watch >= s->watch_limit)) {
		unsigned cpu = raw_smp_processor_id();
		WRITE_ONCE(s->last_cpu, cpu);
		if (s->only_cpu != NR_CPUS && cpu != s->only_cpu)
			WRITE_ONCE(s->wrong_cpu, s->wrong_cpu + 1);
		if (cpu == s->watch_cpu)
			WRITE_ONCE(s->loops_on_watch, s->loops_on_watch + 1);
		WRITE_ONCE(s->loops, s->loops + 1);
		if (s->sleep_every && s->loops % s->sleep_every == 0) {
			msleep(1);
			s->sleeps++;
		}
	}
	while (!kthread_should_stop())
		msleep(1);
	return 0;
}

/* spinners on the test's stack: stopped when it returns, also early */
struct spinner_set {
	static constexpr unsigned MAX = 8;
	struct spinner s[MAX];
	struct task_struct* k[MAX];
	unsigned n = 0;
	/* one more spinner, created asleep; bind_to < NR_CPUS binds it there */
	bool add(unsigned bind_to = NR_CPUS)
	{
		if (n == MAX)
			return false;
		s[n] = {};
		s[n].only_cpu = NR_CPUS;
		s[n].last_cpu = NR_CPUS;
		s[n].watch_cpu = NR_CPUS;
		struct task_struct* t = kthread_create(spinner_fn, &s[n], "ktest-spin%u", n);
		if (IS_ERR(t))
			return false;
		k[n++] = t;
		return bind_to >= NR_CPUS || kthread_bind(t, bind_to).is_ok();
	}
	bool create(unsigned count, unsigned bind_to = NR_CPUS)
	{
		for (unsigned i = 0; i < count; i++)
			if (!add(bind_to))
				return false;
		return true;
	}
	void wake()
	{
		for (unsigned i = 0; i < n; i++)
			wake_up_process(k[i]);
	}
	void stop()
	{
		for (unsigned i = 0; i < n; i++)
			WRITE_ONCE(s[i].stop, true);
		for (unsigned i = 0; i < n; i++)
			kthread_stop(k[i]);
		n = 0;
	}
	~spinner_set() { stop(); }
	/* how many different CPUs the spinners are on now */
	unsigned cpus_used()
	{
		struct cpumask used = {};
		for (unsigned i = 0; i < n; i++)
			cpumask_set_cpu(task_cpu(k[i]), &used);
		return cpumask_weight(&used);
	}
};

/* the highest online CPU other than `not`, or NR_CPUS */
unsigned some_other_cpu(unsigned not_this)
{
	unsigned cpu, found = NR_CPUS;
	for_each_online_cpu(cpu)
	{
		if (cpu != not_this)
			found = cpu;
	}
	return found;
}
} // namespace

KTEST(sched_smp, every_cpu_has_a_stopper_bound_at_the_top_priority)
{
	unsigned cpu;
	for_each_online_cpu(cpu)
	{
		struct task_struct* t = cpu_stopper_task(cpu);
		KASSERT_TRUE(t != nullptr);
		char name[TASK_COMM_LEN];
		lib::snprintf(name, sizeof(name), "migration/%u", cpu);
		KEXPECT_STREQ(t->comm, name);
		KEXPECT_EQ(t->nr_cpus_allowed, 1);
		KEXPECT_TRUE(cpumask_test_cpu(cpu, &t->cpus_mask));
		KEXPECT_EQ(task_cpu(t), cpu);
		KEXPECT_EQ(t->policy, unsigned(SCHED_FIFO));
		KEXPECT_EQ(t->rt_priority, unsigned(MAX_RT_PRIO - 1));
		KEXPECT_TRUE(kthread_is_per_cpu(t));
		KEXPECT_TRUE(t->sched_class == &stop_sched_class);
		struct sched_param sp = {1};
		KEXPECT_ERR(sched_setscheduler_nocheck(t, SCHED_FIFO, &sp), EINVAL);
	}
	KEXPECT_TRUE(cpu_stopper_task(NR_CPUS) == nullptr);
}

/*
 * One CPU-bound thread per online CPU (four on -smp 4): placement puts
 * each on its own CPU and each gets nearly all of it (>= 90 % of the
 * wall time over 500 ms).
 */
KTEST(sched_smp, one_spinner_per_cpu_each_gets_nearly_a_full_cpu)
{
	unsigned n = num_online_cpus();
	if (n < 2)
		KTEST_SKIP("needs 2 CPUs");
	struct spinner_set set;
	KASSERT_TRUE(set.create(n));
	set.wake();
	msleep(50); /* settle: the balancer evens out any early pile-up */
	uint64_t r0[spinner_set::MAX];
	for (unsigned i = 0; i < n; i++)
		r0[i] = task_sched_runtime(set.k[i]);
	uint64_t t0 = ktime_get_ns();
	msleep(500);
	uint64_t wall = ktime_get_ns() - t0;
	unsigned min_permille = 1000;
	for (unsigned i = 0; i < n; i++) {
		uint64_t ran = task_sched_runtime(set.k[i]) - r0[i];
		unsigned permille = unsigned(ran * 1000 / wall);
		printk(KERN_INFO "    # spinner %u on CPU %u: %u.%u %% of %llu ms\n", i, task_cpu(set.k[i]), permille / 10,
		       permille % 10, (unsigned long long)(wall / 1000000));
		if (permille < min_permille)
			min_permille = permille;
	}
	KEXPECT_EQ(set.cpus_used(), n);
	KEXPECT_GE(min_permille, 900u);
	set.stop();
}

/*
 * task_sched_runtime() of a thread running on another CPU includes the
 * part not charged yet: two reads a moment apart differ, where
 * se.sum_exec_runtime only moves at that CPU's tick or switch.
 */
KTEST(sched_smp, task_sched_runtime_includes_the_running_part)
{
	if (num_online_cpus() < 2)
		KTEST_SKIP("needs 2 CPUs");
	struct spinner_set set;
	KASSERT_TRUE(set.create(1, 1));
	set.wake();
	for (int i = 0; i < 1000 && READ_ONCE(set.s[0].loops) == 0; i++)
		msleep(1);
	KASSERT_GT(READ_ONCE(set.s[0].loops), 0ul);
	uint64_t r1 = task_sched_runtime(set.k[0]);
	uint64_t r2 = task_sched_runtime(set.k[0]);
	KEXPECT_GT(r2, r1);
	KEXPECT_LE(set.k[0]->se.sum_exec_runtime, r2);
	set.stop();
}

/*
 * A thread bound to CPU 2 (or the last CPU with fewer) never runs
 * anywhere else, through sleeps and wake-ups, while unbound spinners on
 * every CPU keep the balancer busy.
 */
KTEST(sched_smp, a_thread_bound_to_cpu_2_only_ever_runs_there)
{
	unsigned n = num_online_cpus();
	if (n < 2)
		KTEST_SKIP("needs 2 CPUs");
	unsigned target = cpu_online(2) ? 2 : some_other_cpu(0);
	static struct spinner bound;
	bound = {};
	bound.only_cpu = target;
	bound.watch_cpu = NR_CPUS;
	bound.sleep_every = 20000; /* sleeps often: every wake-up places it again */
	struct task_struct* k = kthread_create_on_cpu(spinner_fn, &bound, target, "ktest-bound/%u");
	KASSERT_FALSE(IS_ERR(k));
	KEXPECT_EQ(task_cpu(k), target);
	char name[TASK_COMM_LEN];
	lib::snprintf(name, sizeof(name), "ktest-bound/%u", target);
	KEXPECT_STREQ(k->comm, name);
	struct spinner_set load;
	KASSERT_TRUE(load.create(n + 1));
	wake_up_process(k);
	load.wake();
	msleep(400);
	WRITE_ONCE(bound.stop, true);
	kthread_stop(k);
	load.stop();
	printk(KERN_INFO "    # bound to CPU %u: %lu loops, %lu sleeps, %lu off its CPU\n", target, bound.loops,
	       bound.sleeps, bound.wrong_cpu);
	KEXPECT_GT(bound.loops, 0ul);
	KEXPECT_GT(bound.sleeps, 0ul);
	KEXPECT_EQ(bound.wrong_cpu, 0ul);
	KEXPECT_EQ(bound.last_cpu, target);
}

namespace
{
/*
 * A spinner bound to CPU 1 (kthread_bind, not per-CPU: it may be moved),
 * at SCHED_FIFO 99 if fifo99, runs; set_cpus_allowed_ptr to another CPU
 * moves it before returning (through CPU 1's stopper), and it runs there.
 */
void move_running_spinner(ktest& __ktest, bool fifo99)
{
	struct spinner_set set;
	KASSERT_TRUE(set.create(1, 1));
	struct task_struct* k = set.k[0];
	unsigned target = some_other_cpu(1);
	if (fifo99) {
		struct sched_param sp = {MAX_RT_PRIO - 1};
		KEXPECT_OK(sched_setscheduler_nocheck(k, SCHED_FIFO, &sp));
		/* with 2 CPUs it lands on CPU 0 and starves this thread (no RT
		 * throttling): it gives up after a number of loops there, not
		 * after a time (a stalled vCPU ran it too little: issue 20) */
		set.s[0].watch_cpu = target;
		set.s[0].watch_limit = 2000000;
	}
	set.wake();
	for (int i = 0; i < 1000 && READ_ONCE(set.s[0].last_cpu) != 1; i++)
		msleep(1);
	KASSERT_EQ(READ_ONCE(set.s[0].last_cpu), 1u);
	struct cpumask to = cpumask_of(target);
	uint64_t migrations = k->se.nr_migrations;
	KEXPECT_OK(set_cpus_allowed_ptr(k, &to));
	KEXPECT_EQ(task_cpu(k), target); /* moved before the call returns */
	KEXPECT_GT(k->se.nr_migrations, migrations);
	for (int i = 0; i < 1000 && READ_ONCE(set.s[0].last_cpu) != target; i++)
		msleep(1);
	KEXPECT_EQ(READ_ONCE(set.s[0].last_cpu), target);
	KEXPECT_EQ(k->nr_cpus_allowed, 1);
	/* widening keeps it where it is */
	KEXPECT_OK(set_cpus_allowed_ptr(k, cpu_possible_mask));
	KEXPECT_EQ(k->nr_cpus_allowed, int(cpumask_weight(cpu_possible_mask)));
	KEXPECT_EQ(task_cpu(k), target);
}
} // namespace

KTEST(sched_smp, set_cpus_allowed_ptr_moves_a_running_thread)
{
	if (num_online_cpus() < 2)
		KTEST_SKIP("needs 2 CPUs");
	move_running_spinner(__ktest, false);
}

/* the stopper is in the stop class, above RT: even FIFO 99 is moved */
KTEST(sched_smp, set_cpus_allowed_ptr_moves_a_fifo_99_spinner)
{
	if (num_online_cpus() < 2)
		KTEST_SKIP("needs 2 CPUs");
	move_running_spinner(__ktest, true);
}

KTEST(sched_smp, impossible_affinity_is_refused)
{
	struct spinner_set set;
	KASSERT_TRUE(set.create(1));
	struct task_struct* k = set.k[0];
	struct cpumask before = k->cpus_mask;
	struct cpumask none = {};
	KEXPECT_ERR(set_cpus_allowed_ptr(k, &none), EINVAL);
	struct cpumask offline = {};
	for (unsigned cpu = 0; cpu < NR_CPUS; cpu++)
		if (!cpu_online(cpu))
			cpumask_set_cpu(cpu, &offline);
	if (cpumask_weight(&offline))
		KEXPECT_ERR(set_cpus_allowed_ptr(k, &offline), EINVAL);
	KEXPECT_TRUE(cpumask_equal(&k->cpus_mask, &before)); /* nothing changed */
	KEXPECT_ERR(set_cpus_allowed_ptr(nullptr, cpu_possible_mask), EINVAL);
	/* a per-CPU thread and an idle task stay put */
	struct cpumask cpu0 = cpumask_of(0);
	if (num_online_cpus() > 1)
		KEXPECT_ERR(set_cpus_allowed_ptr(cpu_stopper_task(1), &cpu0), EINVAL);
	KEXPECT_ERR(set_cpus_allowed_ptr(&init_task, cpu_possible_mask), EINVAL);
	/* kthread_bind: only an online CPU, only before the first run */
	KEXPECT_ERR(kthread_bind(k, NR_CPUS), EINVAL);
	for (unsigned cpu = 0; cpu < NR_CPUS; cpu++)
		if (!cpu_online(cpu)) {
			KEXPECT_ERR(kthread_bind(k, cpu), EINVAL);
			break;
		}
	KEXPECT_ERR(__kthread_create_on_cpu(spinner_fn, nullptr, NR_CPUS, "ktest-nocpu/%u"), EINVAL);
	KEXPECT_EQ(PTR_ERR(kthread_create_on_cpu(spinner_fn, nullptr, NR_CPUS, "ktest-nocpu/%u")), long(-EINVAL));
	/* no stopper there: nothing runs, ENOENT */
	KEXPECT_ERR(stop_one_cpu(NR_CPUS, [](void*) { return 1; }, nullptr), ENOENT);
	/* with a stopper: fn ran, and its own result comes back */
	KEXPECT_EQ(stop_one_cpu(0, [](void*) { return 7; }, nullptr).value_or(-1), 7);
	for (unsigned cpu = 0; cpu < NR_CPUS; cpu++)
		if (!cpu_online(cpu)) {
			KEXPECT_ERR(stop_one_cpu(cpu, [](void*) { return 1; }, nullptr), ENOENT);
			break;
		}
	set.wake();
	msleep(5);
	KEXPECT_ERR(kthread_bind(k, 0), EINVAL); /* it has run */
	set.stop();
}

/*
 * A CPU about to go idle pulls a queued task (newidle balance): two
 * spinners queue on CPU 1, every other CPU but 0 has a bound spinner
 * (so no periodic balance finds an imbalance), and this thread, alone
 * on CPU 0, goes to sleep: CPU 0 pulls one of the two at once.
 */
KTEST(sched_smp, a_cpu_going_idle_pulls_a_queued_task)
{
	unsigned n = num_online_cpus();
	if (n < 2)
		KTEST_SKIP("needs 2 CPUs");
	struct spinner_set pair, others;
	KASSERT_TRUE(pair.create(2, 1));
	unsigned cpu;
	for_each_online_cpu(cpu)
	{
		if (cpu >= 2)
			KASSERT_TRUE(others.add(cpu));
	}
	others.wake();
	pair.wake();
	msleep(20); /* both on CPU 1, the others on theirs */
	KEXPECT_EQ(task_cpu(pair.k[0]), 1u);
	KEXPECT_EQ(task_cpu(pair.k[1]), 1u);
	/* free to move now; CPU 1 is in the mask so neither moves yet */
	KEXPECT_OK(set_cpus_allowed_ptr(pair.k[0], cpu_possible_mask));
	KEXPECT_OK(set_cpus_allowed_ptr(pair.k[1], cpu_possible_mask));
	unsigned long newidle0 = READ_ONCE(runqueues[0].nr_newidle_pulls);
	msleep(20); /* CPU 0 goes idle here */
	unsigned long pulled = READ_ONCE(runqueues[0].nr_newidle_pulls) - newidle0;
	unsigned on0 = (task_cpu(pair.k[0]) == 0) + (task_cpu(pair.k[1]) == 0);
	printk(KERN_INFO "    # newidle: CPU 0 pulled %lu, %u of the pair now on CPU 0\n", pulled, on0);
	KEXPECT_GE(pulled, 1ul);
	KEXPECT_EQ(pair.cpus_used(), 2u);
}

/*
 * The periodic balance (SCHED_SOFTIRQ from the tick): one spinner per CPU,
 * all queued on CPU 0 (where this thread runs too, so CPU 0 never goes
 * idle) and then unbound, end up one per CPU; the other CPUs, idle in
 * hlt, pull them from their ticks, not from a newidle balance.
 */
KTEST(sched_smp, periodic_balance_spreads_tasks_queued_on_one_cpu)
{
	unsigned n = num_online_cpus();
	if (n < 2)
		KTEST_SKIP("needs 2 CPUs");
	struct spinner_set set;
	KASSERT_TRUE(set.create(n, 0));
	set.wake();
	msleep(10);
	KEXPECT_EQ(set.cpus_used(), 1u);
	auto periodic_pulls = [] {
		unsigned long pulls = 0;
		unsigned cpu;
		for_each_online_cpu(cpu)
		{
			pulls +=
			    READ_ONCE(runqueues[cpu].nr_balance_pulls) - READ_ONCE(runqueues[cpu].nr_newidle_pulls);
		}
		return pulls;
	};
	unsigned long pulls = periodic_pulls();
	for (unsigned i = 0; i < n; i++)
		KEXPECT_OK(set_cpus_allowed_ptr(set.k[i], cpu_possible_mask));
	unsigned used = 0;
	/* a few ticks of the idle CPUs do it; the window is wide for vCPUs
	 * that a loaded host leaves unscheduled */
	for (int i = 0; i < 1000 && (used = set.cpus_used()) < n; i++)
		msleep(1);
	unsigned long after = periodic_pulls();
	printk(KERN_INFO "    # periodic balance: %u spinners on %u CPUs after %lu pulls\n", n, used, after - pulls);
	KEXPECT_EQ(used, n);
	KEXPECT_GE(after - pulls, (unsigned long)(n - 1));
	set.stop();
}

/* a woken thread whose CPU is busy is placed on an idle one */
KTEST(sched_smp, a_wakeup_goes_to_an_idle_cpu)
{
	if (num_online_cpus() < 2)
		KTEST_SKIP("needs 2 CPUs");
	struct spinner_set hog;
	KASSERT_TRUE(hog.create(1, 1)); /* CPU 1 busy */
	hog.wake();
	static struct spinner sleeper;
	sleeper = {};
	sleeper.only_cpu = NR_CPUS;
	sleeper.last_cpu = NR_CPUS;
	sleeper.watch_cpu = 1;
	sleeper.sleep_every = 20000;
	struct task_struct* k = kthread_create(spinner_fn, &sleeper, "ktest-wake");
	KASSERT_FALSE(IS_ERR(k));
	wake_up_process(k);
	msleep(200);
	WRITE_ONCE(sleeper.stop, true);
	unsigned long wake_migrations = 0;
	unsigned cpu;
	for_each_online_cpu(cpu)
	{
		wake_migrations += READ_ONCE(runqueues[cpu].nr_wake_migrations);
	}
	kthread_stop(k);
	hog.stop();
	/* it slept and woke many times and ran on CPU 1, the hog's, for at
	 * most a small part of its loops (when every CPU was busy) */
	printk(KERN_INFO "    # wake-ups: %lu sleeps, %lu of %lu loops on the busy CPU 1\n", sleeper.sleeps,
	       sleeper.loops_on_watch, sleeper.loops);
	KEXPECT_GT(sleeper.sleeps, 2ul);
	KEXPECT_LT(sleeper.loops_on_watch, sleeper.loops / 10);
	KEXPECT_GT(wake_migrations, 0ul);
}

/* ===== benchmark (tools/bench/smp.sh), not a test: prints figures ====== */

namespace
{
struct xping {
	struct task_struct* peer[2];
	int turn; /* whose turn: 0 or 1 */
	int rounds;
	struct completion done;
};
struct xping_arg {
	struct xping* x;
	int me;
};
int xping_fn(void* data)
{
	auto* a = static_cast<struct xping_arg*>(data);
	struct xping* x = a->x;
	for (int i = 0; i < x->rounds; i++) {
		for (;;) {
			set_current_state(TASK_UNINTERRUPTIBLE);
			if (__atomic_load_n(&x->turn, __ATOMIC_ACQUIRE) == a->me)
				break;
			schedule();
		}
		__set_current_state(TASK_RUNNING);
		__atomic_store_n(&x->turn, 1 - a->me, __ATOMIC_RELEASE);
		wake_up_process(x->peer[1 - a->me]);
	}
	complete(&x->done);
	while (!kthread_should_stop())
		msleep(1);
	return 0;
}
void noop(void*) {}
} // namespace

KTEST_EXPLICIT_ONLY(bench, sched_smp)
{
	unsigned other = some_other_cpu(0);
	if (other == NR_CPUS)
		KTEST_SKIP("needs 2 CPUs");
	/* a hand-over between threads on CPU 0 and another CPU, both idle
	 * in between: each half is a wake-up, a reschedule IPI and a switch */
	static struct xping x;
	static struct xping_arg args[2];
	x.turn = 0;
	x.rounds = 20000;
	init_completion(&x.done);
	for (int i = 0; i < 2; i++) {
		args[i] = {&x, i};
		x.peer[i] = kthread_create(xping_fn, &args[i], "bench-xping%d", i);
		KASSERT_FALSE(IS_ERR(x.peer[i]));
	}
	KEXPECT_OK(kthread_bind(x.peer[0], 0));
	KEXPECT_OK(kthread_bind(x.peer[1], other));
	unsigned resched0 = irq_stat[0].irq_resched_count + irq_stat[other].irq_resched_count;
	uint64_t t0 = local_clock();
	wake_up_process(x.peer[0]);
	wake_up_process(x.peer[1]);
	wait_for_completion(&x.done);
	wait_for_completion(&x.done);
	uint64_t ns = local_clock() - t0;
	unsigned ipis = irq_stat[0].irq_resched_count + irq_stat[other].irq_resched_count - resched0;
	kthread_stop(x.peer[0]);
	kthread_stop(x.peer[1]);
	uint64_t per = ns / uint64_t(x.rounds);
	printk(KERN_INFO "# bench: cross-CPU wake-up round trip (CPU 0 <-> %u, two reschedule IPIs): %llu ns (%d round "
	                 "trips, %u reschedule IPIs)\n",
	       other, (unsigned long long)per, x.rounds, ipis);

	/* the function-call IPI, waited for: send, run on the target, reply */
	const int calls = 20000;
	t0 = local_clock();
	int bad = 0;
	for (int i = 0; i < calls; i++)
		bad += smp_call_function_single(int(other), noop, nullptr, 1).is_err();
	ns = local_clock() - t0;
	KEXPECT_EQ(bad, 0);
	printk(KERN_INFO "# bench: smp_call_function_single round trip (CPU 0 -> %u, wait): %llu ns\n", other,
	       (unsigned long long)(ns / calls));
}
