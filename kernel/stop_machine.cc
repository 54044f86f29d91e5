/*
 * CPU stoppers: one "migration/N" thread per CPU that runs queued works
 * (Linux: kernel/stop_machine.c cpu_stopper, cpu_stop_queue_work,
 * stop_one_cpu, cpu_stopper_thread; kernel/smpboot.c for the per-CPU
 * thread).
 *
 * Data structures: cpu_stopper[cpu]: its lock, the list of works, the
 * thread, `enabled` (set once the thread exists).  struct cpu_stop_work
 * lives on the caller's stack with a completion it waits on.
 *
 * Invariants: a work runs on its CPU, in its stopper, with preemption
 * disabled; the stopper is in the stop class (kernel/sched/stop_task.cc,
 * above every RT task) and bound (kthread_create_on_cpu),
 * so queueing a work and waking the stopper preempts whatever runs there.
 * Works of one CPU run in queueing order.
 *
 * Lock order: stopper->lock (irqsave) -> rq->lock (through the wake-up).
 */
#include <kernel/completion.h>
#include <kernel/kthread.h>
#include <kernel/panic.h>
#include <kernel/preempt.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/stop_machine.h>
#include <uapi/asm-generic/errno-base.h>

namespace
{
struct cpu_stop_work {
	lib::list_head list;
	cpu_stop_fn_t fn;
	void* arg;
	int ret;
	struct completion done;
};

struct cpu_stopper {
	lib::spinlock lock;
	lib::list_head works;
	struct task_struct* thread;
	bool enabled;
};
struct cpu_stopper cpu_stopper[NR_CPUS];

bool cpu_stop_queue_work(unsigned int cpu, struct cpu_stop_work* work)
{
	struct cpu_stopper* stopper = &cpu_stopper[cpu];
	lib::spin_lock_irqsave_guard g(stopper->lock);
	if (!stopper->enabled)
		return false;
	stopper->works.add_tail(&work->list);
	wake_up_process(stopper->thread);
	return true;
}

int cpu_stopper_thread(void* data)
{
	struct cpu_stopper* stopper = &cpu_stopper[reinterpret_cast<uintptr_t>(data)];
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		struct cpu_stop_work* work = nullptr;
		{
			lib::spin_lock_irqsave_guard g(stopper->lock);
			if (!stopper->works.empty()) {
				work = list_first_entry(&stopper->works, struct cpu_stop_work, list);
				work->list.del_init();
			}
		}
		if (!work) {
			if (kthread_should_stop())
				break;
			schedule();
			continue;
		}
		__set_current_state(TASK_RUNNING);
		preempt_disable();
		work->ret = work->fn(work->arg);
		preempt_enable();
		complete(&work->done);
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}
} // namespace

lib::Result<int> stop_one_cpu(unsigned int cpu, cpu_stop_fn_t fn, void* arg)
{
	might_sleep();
	if (cpu >= NR_CPUS)
		return lib::Error{ENOENT};
	struct cpu_stop_work work;
	work.list.init();
	work.fn = fn;
	work.arg = arg;
	work.ret = 0;
	init_completion(&work.done);
	if (!cpu_stop_queue_work(cpu, &work))
		return lib::Error{ENOENT};
	wait_for_completion(&work.done);
	return work.ret;
}

struct task_struct* cpu_stopper_task(unsigned int cpu)
{
	return cpu < NR_CPUS && cpu_stopper[cpu].enabled ? cpu_stopper[cpu].thread : nullptr;
}

void cpu_stop_init()
{
	unsigned cpu;
	for_each_possible_cpu(cpu)
	{
		cpu_stopper[cpu].works.init();
	}
	for_each_online_cpu(cpu)
	{
		lib::Result<struct task_struct*> r = __kthread_create_on_cpu(
		    cpu_stopper_thread, reinterpret_cast<void*>(uintptr_t(cpu)), cpu, "migration/%u");
		if (r.is_err())
			panic("cpu_stop: no stopper thread for CPU %u (%d)", cpu, -r.error());
		struct task_struct* t = r.value();
		sched_set_stop_task(int(cpu), t);
		struct cpu_stopper* stopper = &cpu_stopper[cpu];
		{
			lib::spin_lock_irqsave_guard g(stopper->lock);
			stopper->thread = t;
			stopper->enabled = true;
		}
		wake_up_process(t);
	}
}
