/*
 * The CPU masks and cross-CPU function calls (Linux: kernel/cpu.c masks,
 * kernel/smp.c smp_call_function_single/_many, on_each_cpu,
 * generic_smp_call_function_single_interrupt).
 *
 * Data structures:
 *   call_single_queue[cpu]  requests for cpu (struct call_single_data,
 *                           "csd"), a list under its own lock
 *   cfd_csd                 2 x nr_cpu_ids x nr_cpu_ids csds (kcalloc'ed
 *                           by smp_init): sender s uses entry [l][s][t]
 *                           for target t, with preemption disabled; l is
 *                           1 in softirq context (or with BH off), else 0,
 *                           so a softirq that interrupts a task's call
 *                           (vfree from a timer -> TLB shootdown) never
 *                           waits for the csd the task is filling in
 *                           (Linux forbids calls outside task context and
 *                           defers such vfrees instead)
 * A csd is "locked" (CSD_FLAG_LOCK) from queueing until its function has
 * returned on the target; the target clears the flag with a release
 * store, which is both "done" for a waiting sender and "free" for the
 * next request that reuses it (csd_lock_wait).
 *
 * Invariants: a csd is on at most one queue; queueing and the IPI that
 * goes with it happen with interrupts off, so a softirq on the sending
 * CPU cannot slip in between and queue behind a request whose IPI is not
 * sent yet (and wait for it forever); the sender spins with
 * interrupts enabled (it may be the target of someone else's call while
 * it waits), which is why calling with interrupts off is a bug (WARN).
 * Functions run in hard interrupt context with interrupts off.
 *
 * Lock order: call_single_queue[cpu].lock is a leaf (irqsave).
 */
#include <kernel/cpumask.h>
#include <kernel/kernel.h>
#include <kernel/panic.h>
#include <kernel/preempt.h>
#include <kernel/params.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <lib/list.h>
#include <lib/spinlock.h>
#include <mm/slab.h>
#include <uapi/asm-generic/errno-base.h>

struct cpumask __cpu_possible_mask = {{1UL}};
struct cpumask __cpu_present_mask = {{1UL}};
struct cpumask __cpu_online_mask = {{1UL}};
unsigned nr_cpu_ids = 1;

void arch_send_call_function_single_ipi(int cpu); /* arch smpboot/ipi */

namespace
{
constexpr unsigned CSD_FLAG_LOCK = 1;

struct call_single_data {
	lib::list_head node; /* on a call_queue's list */
	smp_call_func_t func;
	void* info;
	unsigned flags;
};

struct call_queue {
	lib::spinlock lock;
	lib::list_head list;
};
call_queue call_single_queue[NR_CPUS]; /* constant-initialized: empty lists, before any CPU can call */
call_single_data* cfd_csd; /* [sender * nr_cpu_ids + target] */
call_single_data boot_csd; /* before smp_init: CPU 0 only, which never queues */

call_queue& queue_of(unsigned cpu)
{
	return call_single_queue[cpu];
}

void csd_lock_wait(call_single_data* csd)
{
	while (__atomic_load_n(&csd->flags, __ATOMIC_ACQUIRE) & CSD_FLAG_LOCK)
		cpu_relax();
}

/* queue csd on cpu and, if its queue was empty, send the IPI: both with
 * interrupts off (see the invariants) */
void queue_csd(unsigned cpu, call_single_data* csd, smp_call_func_t func, void* info)
{
	csd_lock_wait(csd);
	csd->func = func;
	csd->info = info;
	__atomic_store_n(&csd->flags, CSD_FLAG_LOCK, __ATOMIC_RELAXED);
	call_queue& q = queue_of(cpu);
	unsigned long flags = arch_local_irq_save();
	q.lock.lock();
	bool was_empty = q.list.empty();
	q.list.add_tail(&csd->node);
	q.lock.unlock_no_preempt();
	q.lock.preempt_on();
	if (was_empty)
		arch_send_call_function_single_ipi(int(cpu));
	arch_local_irq_restore(flags);
}

call_single_data* csd_for(unsigned target)
{
	if (!cfd_csd) /* not reached: before smp_init only CPU 0 is online */
		return &boot_csd;
	unsigned level = in_softirq() ? 1 : 0;
	return &cfd_csd[(level * nr_cpu_ids + smp_processor_id()) * nr_cpu_ids + target];
}

void check_call_context()
{
	/* two CPUs calling each other with interrupts off would wait forever */
	WARN_ON_ONCE(cpu_online(smp_processor_id()) && irqs_disabled() && !oops_in_progress &&
	             num_online_cpus() > 1);
}
} // namespace

/* CALL_FUNCTION_SINGLE_VECTOR, hard interrupt context, interrupts off */
void generic_smp_call_function_single_interrupt()
{
	call_queue& q = queue_of(smp_processor_id());
	for (;;) {
		call_single_data* csd;
		{
			lib::spin_lock_guard g(q.lock);
			if (q.list.empty())
				return;
			csd = list_first_entry(&q.list, call_single_data, node);
			csd->node.del();
		}
		smp_call_func_t func = csd->func;
		void* info = csd->info;
		func(info);
		__atomic_store_n(&csd->flags, 0u, __ATOMIC_RELEASE); /* done, and free for reuse */
	}
}

lib::Result<void> smp_call_function_single(int cpu, smp_call_func_t func, void* info, int wait)
{
	if (cpu < 0 || unsigned(cpu) >= NR_CPUS || !cpu_online(unsigned(cpu)))
		return lib::Error{ENXIO};
	preempt_disable();
	if (unsigned(cpu) == smp_processor_id()) {
		unsigned long flags = arch_local_irq_save();
		func(info);
		arch_local_irq_restore(flags);
		preempt_enable();
		return lib::ok();
	}
	check_call_context();
	call_single_data* csd = csd_for(unsigned(cpu));
	queue_csd(unsigned(cpu), csd, func, info);
	if (wait)
		csd_lock_wait(csd);
	preempt_enable();
	return lib::ok();
}

/* every online CPU but this one; preemption is disabled by the caller */
static void smp_call_function_many(smp_call_func_t func, void* info, int wait)
{
	unsigned self = smp_processor_id(), cpu;
	if (num_online_cpus() <= 1)
		return;
	check_call_context();
	for_each_online_cpu(cpu)
	{
		if (cpu == self)
			continue;
		queue_csd(cpu, csd_for(cpu), func, info);
	}
	if (!wait)
		return;
	for_each_online_cpu(cpu)
	{
		if (cpu != self)
			csd_lock_wait(csd_for(cpu));
	}
}

void smp_call_function(smp_call_func_t func, void* info, int wait)
{
	preempt_disable();
	smp_call_function_many(func, info, wait);
	preempt_enable();
}

void on_each_cpu(smp_call_func_t func, void* info, int wait)
{
	preempt_disable();
	smp_call_function_many(func, info, wait);
	unsigned long flags = arch_local_irq_save();
	func(info);
	arch_local_irq_restore(flags);
	preempt_enable();
}

bool debug_smp_processor_id_on;
static lib::Result<void> debug_smp_processor_id_param(std::string_view)
{
	debug_smp_processor_id_on = true;
	return lib::ok();
}
early_param("debug_smp_processor_id", debug_smp_processor_id_param);

/* Linux: lib/smp_processor_id.c check_preemption_disabled */
unsigned debug_smp_processor_id()
{
	unsigned cpu = raw_smp_processor_id();
	if (preempt_count() || arch_irqs_disabled() || oops_in_progress)
		return cpu;
	const struct task_struct* t = current;
	if (t->nr_cpus_allowed == 1 || system_state == SYSTEM_BOOTING)
		return cpu; /* bound (Linux: is_percpu_thread), or one CPU yet */
	/* one report per caller */
	static const void* reported[32];
	static int nr_reported;
	const void* caller = __builtin_return_address(0);
	for (int i = 0; i < __atomic_load_n(&nr_reported, __ATOMIC_ACQUIRE) && i < 32; i++)
		if (reported[i] == caller)
			return cpu;
	int slot = __atomic_fetch_add(&nr_reported, 1, __ATOMIC_ACQ_REL);
	if (slot < 32)
		reported[slot] = caller;
	preempt_disable();
	printk(KERN_ERR "BUG: using smp_processor_id() in preemptible [%08x] code: %s/%d\n", preempt_count() - 1,
	       t->comm, t->pid);
	printk(KERN_ERR "caller is %pS\n", caller);
	dump_stack();
	preempt_enable_no_resched();
	return cpu;
}

/* once the possible CPUs are known (smp_init, before any AP starts) */
void smp_init_call_queues()
{
	size_t n = 2 * size_t(nr_cpu_ids) * nr_cpu_ids;
	cfd_csd = static_cast<call_single_data*>(kcalloc(n, sizeof(call_single_data), GFP_KERNEL));
	if (!cfd_csd)
		panic("smp: no memory for 2 x %u x %u call slots", nr_cpu_ids, nr_cpu_ids);
	for (size_t i = 0; i < n; i++)
		cfd_csd[i].node.init();
}
