/*
 * ktests for SCHED_BATCH and SCHED_IDLE (suite "sched_policy"; Linux has
 * no direct counterpart: these check what kernel/sched/core.c
 * set_load_weight and fair.c check_preempt_wakeup promise).
 *
 *   - SCHED_IDLE has weight 3 whatever the nice level; back to SCHED_NORMAL
 *     the nice level's weight returns.
 *   - a SCHED_IDLE spinner against a nice-0 one on one CPU gets about
 *     3/1027 of it (task_sched_runtime, the scheduler's own accounting,
 *     less its largest single charge: a vCPU stall of a loaded host
 *     charged at once); a generous bound: under 5 %.
 *   - a woken SCHED_NORMAL task preempts the running nice-0 task that has
 *     run well ahead of it; a SCHED_BATCH or SCHED_IDLE one in the same
 *     position does not; a running SCHED_IDLE task is preempted by a woken
 *     SCHED_NORMAL one even when that one is not behind it.
 *     Checked as TIF_NEED_RESCHED right after the wake-up, with
 *     interrupts off so that no tick can set it instead.
 *
 * All test threads are bound to CPU 0, the runner's (ktest.h).
 * Data: per-test statics; no locks beyond those of the code under test.
 */
#include <kernel/compiler.h>
#include <kernel/irqflags.h>
#include <kernel/kthread.h>
#include <kernel/ktest.h>
#include <kernel/panic.h>
#include <kernel/sched/types.h>
#include <kernel/time.h>
#include "sched.h"

namespace
{
int sleep_until_stopped(void*)
{
	while (!kthread_should_stop())
		msleep(1);
	return 0;
}

bool spin_stop;
int spin_fn(void*)
{
	while (!READ_ONCE(spin_stop))
		;
	return sleep_until_stopped(nullptr);
}

struct task_struct* bound_thread(int (*fn)(void*), const char* name)
{
	struct task_struct* k = kthread_create(fn, nullptr, "%s", name);
	if (!IS_ERR(k))
		WARN_ON(kthread_bind(k, 0).is_err());
	return k;
}

lib::Result<void> set_policy(struct task_struct* p, int policy)
{
	struct sched_param sp = {0};
	return sched_setscheduler_nocheck(p, policy, &sp);
}
} // namespace

KTEST(sched_policy, idle_policy_has_weight_3)
{
	struct task_struct* k = bound_thread(sleep_until_stopped, "ktest-idlew");
	KASSERT_FALSE(IS_ERR(k));
	KEXPECT_EQ(k->se.load.weight, 1024ul);
	KEXPECT_OK(set_policy(k, SCHED_IDLE));
	KEXPECT_EQ(k->policy, unsigned(SCHED_IDLE));
	KEXPECT_EQ(k->se.load.weight, (unsigned long)WEIGHT_IDLEPRIO);
	set_user_nice(k, -5); /* the nice level does not lift it */
	KEXPECT_EQ(k->se.load.weight, (unsigned long)WEIGHT_IDLEPRIO);
	KEXPECT_OK(set_policy(k, SCHED_BATCH));
	KEXPECT_EQ(k->se.load.weight, (unsigned long)sched_prio_to_weight[20 - 5]); /* nice -5: 3121 */
	KEXPECT_OK(set_policy(k, SCHED_NORMAL));
	set_user_nice(k, 0);
	KEXPECT_EQ(k->se.load.weight, 1024ul);
	kthread_stop(k);
}

/* nice 0 against SCHED_IDLE on one CPU: weights 1024:3, i.e. 99.7 % : 0.3 % */
KTEST(sched_policy, idle_spinner_gets_a_tiny_share)
{
	WRITE_ONCE(spin_stop, false);
	struct task_struct* idle = bound_thread(spin_fn, "ktest-schedidle");
	struct task_struct* normal = bound_thread(spin_fn, "ktest-nice0");
	KASSERT_FALSE(IS_ERR(idle));
	KASSERT_FALSE(IS_ERR(normal));
	KEXPECT_OK(set_policy(idle, SCHED_IDLE));
	wake_up_process(idle);
	wake_up_process(normal);
	msleep(20); /* settle */
	uint64_t i0 = task_sched_runtime(idle), n0 = task_sched_runtime(normal);
	msleep(400);
	uint64_t ri = task_sched_runtime(idle) - i0, rn = task_sched_runtime(normal) - n0;
	/* a vCPU stall charged to the idle spinner at once counts once: its
	 * vruntime then jumps 341 times as far, and it waits out the rest */
	uint64_t stall = idle->stats.exec_max;
	uint64_t ri_less_stall = ri > stall ? ri - stall : 0;
	WRITE_ONCE(spin_stop, true);
	kthread_stop(idle);
	kthread_stop(normal);
	KASSERT_GT(rn + ri, 0ull);
	unsigned permille = unsigned(ri_less_stall * 1000 / (rn + ri));
	printk(KERN_INFO "    # idle_spinner: nice 0 ran %llu us, SCHED_IDLE ran %llu us (%llu us at most at once): %u.%u "
	                 "%% without that (weights 1024:3 = 0.3 %%)\n",
	       (unsigned long long)(rn / 1000), (unsigned long long)(ri / 1000), (unsigned long long)(stall / 1000),
	       permille / 10, permille % 10);
	KEXPECT_LT(permille, 50u); /* equal weights would give 500 */
	KEXPECT_GT(rn, 100000000ull); /* the nice-0 one had most of the 400 ms */
}

namespace
{
/*
 * Wake a thread of the given policy, bound to this CPU; with run_ahead,
 * after this task has run 20 ms ahead of it (so a woken SCHED_NORMAL
 * task's vruntime, min_vruntime - 3 ms, is far enough behind ours to
 * preempt).  Returns whether the wake-up asked this task to reschedule.
 */
bool wakeup_preempts(int policy, const char* name, bool run_ahead)
{
	struct task_struct* k = bound_thread(sleep_until_stopped, name);
	if (IS_ERR(k))
		return false;
	WARN_ON(set_policy(k, policy).is_err());
	/* let it reach its first sleep in kthread() */
	msleep(5);
	if (run_ahead)
		udelay(20000);
	bool resched;
	for (;;) {
		unsigned long flags;
		local_irq_save(flags);
		if (need_resched()) { /* a tick's; let it happen and try again */
			local_irq_restore(flags);
			cond_resched();
			continue;
		}
		wake_up_process(k);
		resched = need_resched();
		local_irq_restore(flags);
		break;
	}
	kthread_stop(k);
	return resched;
}
} // namespace

KTEST(sched_policy, normal_wakee_preempts)
{
	KEXPECT_TRUE(wakeup_preempts(SCHED_NORMAL, "ktest-wake-normal", true));
}

KTEST(sched_policy, batch_wakee_does_not_preempt)
{
	KEXPECT_FALSE(wakeup_preempts(SCHED_BATCH, "ktest-wake-batch", true));
}

KTEST(sched_policy, idle_wakee_does_not_preempt)
{
	KEXPECT_FALSE(wakeup_preempts(SCHED_IDLE, "ktest-wake-idle", true));
}

/* the same new thread, not behind us: it preempts only a SCHED_IDLE runner */
KTEST(sched_policy, idle_runner_is_preempted_by_any_normal_wakee)
{
	KEXPECT_FALSE(wakeup_preempts(SCHED_NORMAL, "ktest-wake-normal", false));
	KASSERT_OK(set_policy(current, SCHED_IDLE));
	bool preempted = wakeup_preempts(SCHED_NORMAL, "ktest-wake-normal", false);
	KEXPECT_OK(set_policy(current, SCHED_NORMAL));
	KEXPECT_TRUE(preempted);
	KEXPECT_EQ(current->se.load.weight, 1024ul);
}
