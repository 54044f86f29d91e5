/*
 * ktests for priority-inheritance mutexes (suite "rtmutex"; Linux:
 * the rt_mutex behaviour its rtmutex tester checked): an RT waiter lifts
 * a CFS owner to its priority and the RT class until the unlock, the
 * boost follows a chain of two locks, and unlock hands the lock to the
 * most urgent waiter.  Kernel threads only.
 * Data: per-test statics.
 */
#include <kernel/completion.h>
#include <kernel/kthread.h>
#include <kernel/ktest.h>
#include <kernel/rtmutex.h>
#include <kernel/sched/task.h>
#include <kernel/sched/types.h>
#include <kernel/wait.h>
#include <kernel/err.h>
#include <uapi/linux/sched.h>

namespace
{
struct pi_state_test {
	struct rt_mutex l1, l2;
	struct completion owner_locked, mid_locked, release, owner_done, mid_done, waiter_done;
	int owner_prio_after;
	bool waiter_got;
};

int owner_fn(void* data)
{
	auto* s = static_cast<struct pi_state_test*>(data);
	rt_mutex_lock(&s->l1);
	complete(&s->owner_locked);
	wait_for_completion(&s->release);
	rt_mutex_unlock(&s->l1);
	s->owner_prio_after = current->prio;
	complete(&s->owner_done);
	return 0;
}

/* holds l2, then blocks on l1 (the middle of a chain) */
int mid_fn(void* data)
{
	auto* s = static_cast<struct pi_state_test*>(data);
	rt_mutex_lock(&s->l2);
	complete(&s->mid_locked);
	rt_mutex_lock(&s->l1);
	rt_mutex_unlock(&s->l1);
	rt_mutex_unlock(&s->l2);
	complete(&s->mid_done);
	return 0;
}

int waiter_l1_fn(void* data)
{
	auto* s = static_cast<struct pi_state_test*>(data);
	rt_mutex_lock(&s->l1);
	s->waiter_got = true;
	rt_mutex_unlock(&s->l1);
	complete(&s->waiter_done);
	return 0;
}

int waiter_l2_fn(void* data)
{
	auto* s = static_cast<struct pi_state_test*>(data);
	rt_mutex_lock(&s->l2);
	s->waiter_got = true;
	rt_mutex_unlock(&s->l2);
	complete(&s->waiter_done);
	return 0;
}

void init_state(struct pi_state_test* s)
{
	s->owner_prio_after = 0;
	s->waiter_got = false;
	rt_mutex_init(&s->l1);
	rt_mutex_init(&s->l2);
	init_completion(&s->owner_locked);
	init_completion(&s->mid_locked);
	init_completion(&s->release);
	init_completion(&s->owner_done);
	init_completion(&s->mid_done);
	init_completion(&s->waiter_done);
}

/* a SCHED_FIFO thread at rt_priority prio, started */
struct task_struct* start_fifo(int (*fn)(void*), void* data, int rtprio, const char* name)
{
	struct task_struct* t = kthread_create_on_node(fn, data, -1, "%s", name);
	if (IS_ERR(t))
		return nullptr;
	struct sched_param sp = {rtprio};
	if (sched_setscheduler_nocheck(t, SCHED_FIFO, &sp).is_err())
		return nullptr;
	wake_up_process(t);
	return t;
}

/* wait up to a second for p->prio to become prio */
bool wait_prio(struct task_struct* p, int prio)
{
	for (int i = 0; i < HZ; i++) {
		if (__atomic_load_n(&p->prio, __ATOMIC_RELAXED) == prio)
			return true;
		schedule_timeout_uninterruptible(1);
	}
	return false;
}
} // namespace

KTEST(rtmutex, rt_waiter_boosts_cfs_owner)
{
	static struct pi_state_test s;
	init_state(&s);
	struct task_struct* owner = kthread_run(owner_fn, &s, "ktest-pi-owner");
	KASSERT_FALSE(IS_ERR(owner));
	get_task_struct(owner);
	wait_for_completion(&s.owner_locked);
	KEXPECT_EQ(owner->prio, DEFAULT_PRIO);
	struct task_struct* w = start_fifo(waiter_l1_fn, &s, 50, "ktest-pi-waiter");
	KASSERT_TRUE(w != nullptr);
	/* SCHED_FIFO 50 is prio 49: the owner runs there while it holds l1 */
	KEXPECT_TRUE(wait_prio(owner, MAX_RT_PRIO - 1 - 50));
	KEXPECT_TRUE(owner->pi_top_task == w);
	complete(&s.release);
	wait_for_completion(&s.owner_done);
	wait_for_completion(&s.waiter_done);
	KEXPECT_EQ(s.owner_prio_after, DEFAULT_PRIO); /* de-boosted by the unlock */
	KEXPECT_TRUE(s.waiter_got);
	KEXPECT_TRUE(owner->pi_top_task == nullptr);
	put_task_struct(owner);
}

KTEST(rtmutex, boost_follows_a_chain)
{
	static struct pi_state_test s;
	init_state(&s);
	struct task_struct* owner = kthread_run(owner_fn, &s, "ktest-pi-owner");
	KASSERT_FALSE(IS_ERR(owner));
	get_task_struct(owner);
	wait_for_completion(&s.owner_locked);
	struct task_struct* mid = kthread_run(mid_fn, &s, "ktest-pi-mid");
	KASSERT_FALSE(IS_ERR(mid));
	get_task_struct(mid);
	wait_for_completion(&s.mid_locked);
	/* mid blocks on l1 (owner's); an RT waiter on l2 (mid's) boosts both */
	for (int i = 0; i < HZ && !__atomic_load_n(&mid->pi_blocked_on, __ATOMIC_RELAXED); i++)
		schedule_timeout_uninterruptible(1);
	KEXPECT_TRUE(mid->pi_blocked_on != nullptr);
	struct task_struct* w = start_fifo(waiter_l2_fn, &s, 70, "ktest-pi-waiter");
	KASSERT_TRUE(w != nullptr);
	KEXPECT_TRUE(wait_prio(mid, MAX_RT_PRIO - 1 - 70));
	KEXPECT_TRUE(wait_prio(owner, MAX_RT_PRIO - 1 - 70));
	complete(&s.release);
	wait_for_completion(&s.owner_done);
	wait_for_completion(&s.mid_done);
	wait_for_completion(&s.waiter_done);
	KEXPECT_EQ(s.owner_prio_after, DEFAULT_PRIO);
	KEXPECT_EQ(mid->prio, DEFAULT_PRIO);
	KEXPECT_TRUE(s.waiter_got);
	put_task_struct(owner);
	put_task_struct(mid);
}

KTEST(rtmutex, trylock_and_owner)
{
	static struct rt_mutex m;
	rt_mutex_init(&m);
	KEXPECT_FALSE(rt_mutex_base_is_locked(&m.rtmutex));
	KEXPECT_EQ(rt_mutex_trylock(&m), 1);
	KEXPECT_TRUE(rt_mutex_owner(&m.rtmutex) == current);
	KEXPECT_EQ(rt_mutex_trylock(&m), 0);
	rt_mutex_unlock(&m);
	KEXPECT_FALSE(rt_mutex_base_is_locked(&m.rtmutex));
}
