/*
 * ktests for the scheduler, kernel threads and sleeping (suites "sched",
 * "kthread", "wait"; Linux has no direct counterpart: these check the
 * behaviour kernel/sched/core.c, fair.c, rt.c, kernel/kthread.c and
 * kernel/sched/wait.c, completion.c promise).
 *
 * The tests run in kernel_init (pid 1, SCHED_NORMAL).  CPU-bound test
 * threads spin without cond_resched(), so only tick preemption moves
 * the CPU between them; the figures (runtimes, ratios) print as KTAP
 * diagnostics and are checked with loose bounds: TCG timing is noisy.
 * Data: per-test statics; no locks beyond those of the code under test.
 */
#include <lib/string.h>
#include <kernel/completion.h>
#include <kernel/jiffies.h>
#include <kernel/kthread.h>
#include <kernel/ktest.h>
#include <kernel/pid.h>
#include <kernel/time.h>
#include <kernel/wait.h>
#include <uapi/asm-generic/errno-base.h>

namespace
{
template <typename T> T read_once(const T& v)
{
	return __atomic_load_n(&v, __ATOMIC_RELAXED);
}
template <typename T> void write_once(T& v, T x)
{
	__atomic_store_n(&v, x, __ATOMIC_RELAXED);
}

int return_42_when_stopped(void*)
{
	while (!kthread_should_stop())
		msleep(1);
	return 42;
}

int never_called(void*)
{
	return 7;
}

/* ---- CPU hogs: spin until told, never yielding ---- */
struct hog {
	bool stop;
	unsigned long loops;
};
int hog_fn(void* data)
{
	auto* h = static_cast<struct hog*>(data);
	while (!read_once(h->stop))
		write_once(h->loops, h->loops + 1);
	while (!kthread_should_stop())
		msleep(1);
	return 0;
}
} // namespace

/* ================================ kthread ================================ */

KTEST(kthread, kthreadd_is_pid_2_and_kernel_init_pid_1)
{
	lib::spin_lock_irqsave_guard g(tasklist_lock);
	struct task_struct* k = find_task_by_vpid(2);
	KASSERT_TRUE(k != nullptr);
	KEXPECT_TRUE(k == kthreadd_task);
	KEXPECT_STREQ(k->comm, "kthreadd");
	KEXPECT_TRUE(k->flags & PF_KTHREAD);
	KEXPECT_TRUE(k->mm == nullptr);
	KEXPECT_TRUE(k->real_parent == &init_task);
	KEXPECT_EQ(task_pid_nr(current), 1);
}

KTEST(kthread, run_and_stop_returns_the_result)
{
	struct task_struct* k = kthread_run(return_42_when_stopped, nullptr, "ktest-%d", 42);
	KASSERT_FALSE(IS_ERR(k));
	KEXPECT_STREQ(k->comm, "ktest-42");
	KEXPECT_TRUE(k->flags & PF_KTHREAD);
	KEXPECT_TRUE(k->mm == nullptr);
	KEXPECT_TRUE(k->real_parent == kthreadd_task);
	KEXPECT_EQ(task_ppid_nr(k), 2);
	msleep(10);
	KEXPECT_EQ(kthread_stop(k), 42);
}

KTEST(kthread, stop_before_first_wakeup_is_eintr)
{
	struct task_struct* k = kthread_create(never_called, nullptr, "ktest-new");
	KASSERT_FALSE(IS_ERR(k));
	KEXPECT_EQ(task_state_to_char(k), 'D');
	KEXPECT_EQ(kthread_bind(k, 0), 0);
	KEXPECT_EQ(kthread_bind(k, 7), -EINVAL);
	KEXPECT_EQ(kthread_stop(k), -EINTR);
}

KTEST(kthread, bad_input_is_refused)
{
	KEXPECT_EQ(kthread_stop(current), -EINVAL);
	KEXPECT_EQ(kthread_stop(&init_task), -EINVAL);
	KEXPECT_EQ(kthread_stop(nullptr), -EINVAL);
	struct sched_param sp = {100};
	KEXPECT_EQ(sched_setscheduler_nocheck(current, SCHED_FIFO, &sp), -EINVAL);
	sp.sched_priority = 5;
	KEXPECT_EQ(sched_setscheduler_nocheck(current, SCHED_NORMAL, &sp), -EINVAL);
	KEXPECT_EQ(sched_setscheduler_nocheck(current, 42, &sp), -EINVAL);
	KEXPECT_EQ(sched_setscheduler_nocheck(&init_task, SCHED_FIFO, &sp), -EINVAL);
}

/* creating and stopping many threads leaves the task list and pids as they were */
KTEST(kthread, create_and_stop_100_threads)
{
	msleep(5); /* threads stopped earlier are released by whoever runs next */
	int threads_before = nr_threads, pids_before = pid_nr_allocated();
	static struct task_struct* ks[100];
	for (auto& k : ks) {
		k = kthread_run(return_42_when_stopped, nullptr, "ktest-many");
		KASSERT_FALSE(IS_ERR(k));
	}
	KEXPECT_EQ(nr_threads, threads_before + 100);
	int bad = 0;
	for (auto* k : ks)
		bad += kthread_stop(k) != 42;
	KEXPECT_EQ(bad, 0);
	msleep(5);
	KEXPECT_EQ(nr_threads, threads_before);
	KEXPECT_EQ(pid_nr_allocated(), pids_before);
}

/* ================================= wait ================================== */

namespace
{
struct pingpong {
	struct wait_queue_head wq;
	int turn; /* even: ping's turn, odd: pong's */
	int rounds;
	int errors;
	struct completion done;
};

int ping_fn(void* data)
{
	auto* pp = static_cast<struct pingpong*>(data);
	for (int i = 0; i < pp->rounds; i++) {
		wait_event(pp->wq, read_once(pp->turn) % 2 == 0);
		if (read_once(pp->turn) != 2 * i)
			pp->errors++;
		write_once(pp->turn, pp->turn + 1);
		wake_up(&pp->wq);
	}
	complete(&pp->done);
	return 0;
}

int pong_fn(void* data)
{
	auto* pp = static_cast<struct pingpong*>(data);
	for (int i = 0; i < pp->rounds; i++) {
		wait_event(pp->wq, read_once(pp->turn) % 2 == 1);
		if (read_once(pp->turn) != 2 * i + 1)
			pp->errors++;
		write_once(pp->turn, pp->turn + 1);
		wake_up(&pp->wq);
	}
	complete(&pp->done);
	return 0;
}
} // namespace

KTEST(wait, two_kthreads_alternate_through_a_wait_queue)
{
	static struct pingpong pp;
	init_waitqueue_head(&pp.wq);
	init_completion(&pp.done);
	pp.turn = 0;
	pp.rounds = 200;
	pp.errors = 0;
	unsigned long sw = nr_context_switches();
	uint64_t t0 = ktime_get_ns();
	struct task_struct* a = kthread_run(ping_fn, &pp, "ktest-ping");
	struct task_struct* b = kthread_run(pong_fn, &pp, "ktest-pong");
	KASSERT_FALSE(IS_ERR(a));
	KASSERT_FALSE(IS_ERR(b));
	wait_for_completion(&pp.done);
	wait_for_completion(&pp.done);
	uint64_t ns = ktime_get_ns() - t0;
	sw = nr_context_switches() - sw;
	KEXPECT_EQ(pp.turn, 400);
	KEXPECT_EQ(pp.errors, 0);
	KEXPECT_GE(sw, 400ul);
	printk(KERN_INFO "    # two_kthreads_alternate: 400 hand-overs in %llu us, %lu context switches\n",
	       (unsigned long long)(ns / 1000), sw);
}

KTEST(wait, completion_and_timeouts)
{
	static struct completion c;
	init_completion(&c);
	KEXPECT_FALSE(completion_done(&c));
	KEXPECT_FALSE(try_wait_for_completion(&c));
	unsigned long j0 = jiffies;
	KEXPECT_EQ(wait_for_completion_timeout(&c, 5), 0ul);
	KEXPECT_GE(jiffies - j0, 5ul);
	complete(&c);
	KEXPECT_GT(wait_for_completion_timeout(&c, 5), 0ul);
	KEXPECT_FALSE(completion_done(&c));
	complete_all(&c);
	wait_for_completion(&c);
	wait_for_completion(&c); /* complete_all: every waiter passes */
	KEXPECT_TRUE(completion_done(&c));

	static struct wait_queue_head wq;
	init_waitqueue_head(&wq);
	static int flag;
	flag = 0;
	j0 = jiffies;
	KEXPECT_EQ(wait_event_timeout(wq, read_once(flag) != 0, 3), 0);
	KEXPECT_GE(jiffies - j0, 3ul);
	flag = 1;
	KEXPECT_GT(wait_event_timeout(wq, read_once(flag) != 0, 3), 0);
	KEXPECT_EQ(wait_event_interruptible(wq, read_once(flag) != 0), 0);
	KEXPECT_EQ(wake_up_process(current), 0); /* running: nothing to wake */
}

KTEST(wait, msleep_lets_other_threads_run)
{
	static struct hog h;
	h = {};
	struct task_struct* k = kthread_run(hog_fn, &h, "ktest-hog");
	KASSERT_FALSE(IS_ERR(k));
	uint64_t t0 = ktime_get_ns();
	msleep(50);
	uint64_t slept = ktime_get_ns() - t0;
	unsigned long loops = read_once(h.loops);
	uint64_t hog_ns = k->se.sum_exec_runtime;
	write_once(h.stop, true);
	KEXPECT_GE(slept, 50000000ull);
	KEXPECT_GT(loops, 0ul);
	KEXPECT_GT(hog_ns, 25000000ull); /* the hog had most of the 50 ms */
	printk(KERN_INFO "    # msleep_lets_other_threads_run: slept %llu us, the hog ran %llu us\n",
	       (unsigned long long)(slept / 1000), (unsigned long long)(hog_ns / 1000));
	kthread_stop(k);
}

/* ================================= sched ================================= */

namespace
{
/* run two hogs at the given nice levels for ms; their runtimes */
void run_hogs(int nice_a, int nice_b, unsigned ms, uint64_t* ra, uint64_t* rb, unsigned long* la, unsigned long* lb)
{
	static struct hog ha, hb;
	ha = {};
	hb = {};
	struct task_struct* a = kthread_create(hog_fn, &ha, "ktest-nice%d", nice_a);
	struct task_struct* b = kthread_create(hog_fn, &hb, "ktest-nice%d", nice_b);
	if (IS_ERR(a) || IS_ERR(b))
		return;
	set_user_nice(a, nice_a);
	set_user_nice(b, nice_b);
	wake_up_process(a);
	wake_up_process(b);
	msleep(20); /* settle */
	uint64_t a0 = a->se.sum_exec_runtime, b0 = b->se.sum_exec_runtime;
	msleep(ms);
	*ra = a->se.sum_exec_runtime - a0;
	*rb = b->se.sum_exec_runtime - b0;
	*la = read_once(ha.loops);
	*lb = read_once(hb.loops);
	write_once(ha.stop, true);
	write_once(hb.stop, true);
	kthread_stop(a);
	kthread_stop(b);
}
} // namespace

/* nice 0 against nice 5: CPU time about 1024:335 (3.06) */
KTEST(sched, nice_0_and_nice_5_share_by_weight)
{
	uint64_t ra = 0, rb = 0;
	unsigned long la = 0, lb = 0;
	run_hogs(0, 5, 200, &ra, &rb, &la, &lb);
	KASSERT_GT(rb, 0ull);
	unsigned ratio100 = unsigned(ra * 100 / rb);
	printk(KERN_INFO "    # nice_0_and_nice_5: nice 0 ran %llu us, nice 5 ran %llu us, ratio %u.%02u (weights "
	                 "1024:335 = 3.06)\n",
	       (unsigned long long)(ra / 1000), (unsigned long long)(rb / 1000), ratio100 / 100, ratio100 % 100);
	KEXPECT_GE(ratio100, 200u);
	KEXPECT_LE(ratio100, 450u);
	KEXPECT_GT(la, 0ul);
	KEXPECT_GT(lb, 0ul);
}

/* two spinning fair threads: tick preemption alone shares the CPU */
KTEST(sched, tick_preemption_shares_between_two_spinners)
{
	uint64_t ra = 0, rb = 0;
	unsigned long la = 0, lb = 0;
	run_hogs(0, 0, 100, &ra, &rb, &la, &lb);
	KASSERT_GT(rb, 0ull);
	unsigned ratio100 = unsigned(ra * 100 / rb);
	printk(KERN_INFO "    # tick_preemption: %llu us and %llu us, ratio %u.%02u\n", (unsigned long long)(ra / 1000),
	       (unsigned long long)(rb / 1000), ratio100 / 100, ratio100 % 100);
	KEXPECT_GE(ratio100, 60u);
	KEXPECT_LE(ratio100, 166u);
	KEXPECT_GT(la, 0ul);
	KEXPECT_GT(lb, 0ul);
}

namespace
{
int fifo_saw;
int fifo_flag;
int fifo_fn(void*)
{
	fifo_saw = read_once(fifo_flag);
	return current->policy;
}
} // namespace

KTEST(sched, fifo_thread_preempts_a_fair_one_on_wakeup)
{
	struct task_struct* k = kthread_create(fifo_fn, nullptr, "ktest-fifo");
	KASSERT_FALSE(IS_ERR(k));
	sched_set_fifo(k);
	KEXPECT_EQ(k->policy, unsigned(SCHED_FIFO));
	KEXPECT_EQ(k->prio, MAX_RT_PRIO - 1 - MAX_RT_PRIO / 2);
	get_task_struct(k);
	fifo_saw = -1;
	write_once(fifo_flag, 0);
	wake_up_process(k);
	/* the FIFO thread has run and finished before we get here */
	write_once(fifo_flag, 1);
	KEXPECT_EQ(fifo_saw, 0);
	KEXPECT_EQ(kthread_stop(k), SCHED_FIFO);
	put_task_struct(k);
}

namespace
{
struct rr_arg {
	int me;
	uint64_t until;
};
int rr_last = -1;
int rr_switches;
int rr_fn(void* data)
{
	auto* a = static_cast<struct rr_arg*>(data);
	while (ktime_get_ns() < a->until) {
		if (read_once(rr_last) != a->me) {
			write_once(rr_last, a->me);
			rr_switches++;
		}
	}
	return 0;
}
} // namespace

/* equal-priority SCHED_RR threads hand over every 100 ms slice */
KTEST(sched, rr_threads_of_equal_priority_alternate)
{
	static struct rr_arg a0, a1;
	uint64_t until = ktime_get_ns() + 450000000ull;
	a0 = {0, until};
	a1 = {1, until};
	rr_last = -1;
	rr_switches = 0;
	struct task_struct* k0 = kthread_create(rr_fn, &a0, "ktest-rr0");
	struct task_struct* k1 = kthread_create(rr_fn, &a1, "ktest-rr1");
	KASSERT_FALSE(IS_ERR(k0));
	KASSERT_FALSE(IS_ERR(k1));
	struct sched_param sp = {10};
	KEXPECT_EQ(sched_setscheduler_nocheck(k0, SCHED_RR, &sp), 0);
	KEXPECT_EQ(sched_setscheduler_nocheck(k1, SCHED_RR, &sp), 0);
	get_task_struct(k0);
	get_task_struct(k1);
	preempt_disable(); /* queue both before either runs */
	wake_up_process(k0);
	wake_up_process(k1);
	preempt_enable();
	/* both RR threads outrank us: we run again once both are done */
	kthread_stop(k0);
	kthread_stop(k1);
	uint64_t r0 = k0->se.sum_exec_runtime, r1 = k1->se.sum_exec_runtime;
	printk(KERN_INFO "    # rr_alternate: %d hand-overs, rr0 ran %llu us, rr1 ran %llu us\n", rr_switches,
	       (unsigned long long)(r0 / 1000), (unsigned long long)(r1 / 1000));
	KEXPECT_GE(rr_switches, 3);
	KEXPECT_GT(r0, 100000000ull);
	KEXPECT_GT(r1, 100000000ull);
	put_task_struct(k0);
	put_task_struct(k1);
}

namespace
{
struct sleeper_arg {
	struct wait_queue_head wq;
	bool go;
};
int sleeper_fn(void* data)
{
	auto* s = static_cast<struct sleeper_arg*>(data);
	wait_event(s->wq, read_once(s->go));
	while (!kthread_should_stop())
		msleep(1);
	return 0;
}
} // namespace

/* sysrq-t: kthreadd and a sleeping test thread with its backtrace */
KTEST(sched, show_state_lists_sleeping_threads_with_stacks)
{
	static struct sleeper_arg s;
	init_waitqueue_head(&s.wq);
	s.go = false;
	struct task_struct* k = kthread_run(sleeper_fn, &s, "ktest-sleeper");
	KASSERT_FALSE(IS_ERR(k));
	msleep(10);
	KEXPECT_EQ(task_state_to_char(k), 'D');
	uintptr_t trace[16];
	unsigned n = stack_trace_save_tsk(k, trace, 16);
	KEXPECT_GE(n, 3u);
	show_state();
	show_task_count();
	write_once(s.go, true);
	wake_up(&s.wq);
	KEXPECT_EQ(kthread_stop(k), 0);
}

KTEST(sched, yield_and_cond_resched_return)
{
	unsigned long sw = current->nvcsw + current->nivcsw;
	yield();
	cond_resched();
	KEXPECT_GE(current->nvcsw + current->nivcsw, sw);
	KEXPECT_EQ(preempt_count(), 0);
	KEXPECT_TRUE(current->sched_class != nullptr);
}
