/*
 * Kernel threads and kthreadd (Linux: kernel/kthread.c kthreadd,
 * kthread, kthread_create_on_node, kthread_stop, kthread_bind;
 * kernel/fork.c kernel_thread, user_mode_thread).
 *
 * Data structures:
 *   kthread_create_list  requests (struct kthread_create_info, on the
 *                        requester's stack: it waits for the answer)
 *                        under kthread_create_lock; kthreadd drains it
 *   struct kthread       per kthread_create()d thread, kmalloc'ed, in
 *                        task->worker_private: the should-stop flag, the
 *                        exit result and the `exited` completion; freed
 *                        with the task_struct (free_kthread_struct)
 *
 * Invariants: every kernel thread but kernel_init (pid 1) and kthreadd
 * (pid 2) is a child of kthreadd; it is created asleep and runs threadfn
 * only after a wake-up, unless stopped first (result -EINTR).  A thread's
 * end is kthread_exit -> do_exit (kernel/exit.cc: its vfork_done is the
 * struct kthread's `exited`, as Linux's) -> do_task_dead; the task that runs next releases
 * it (finish_task_switch), so the stopper's reference keeps `struct
 * kthread` readable after exited completes.  A thread that may return on
 * its own is stopped only by a caller holding a reference
 * (get_task_struct, as Linux requires): kthread_stop then returns the
 * saved result, and waking the dead task does nothing.
 *
 * Errors: kthreadd answers a request with a lib::Result; the ERR_PTR
 * functions (kthread_create_on_node, kthread_create_on_cpu) only convert
 * the Result of their __ versions, for callers that expect Linux's API.
 *
 * Lock order: kthread_create_lock (irqsave) -> p->pi_lock -> rq->lock.
 * kthread_bind waits for the thread to be off every CPU and queue, then
 * sets its mask under pi_lock; kthread_create_on_cpu marks it per-CPU.
 */
#include <kernel/completion.h>
#include <kernel/exit.h>
#include <kernel/kthread.h>
#include <fs/fdtable.h>
#include <fs/fs_struct.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/wait.h>
#include <lib/format.h>
#include <lib/ref.h>
#include <mm/slab.h>
#include <uapi/asm-generic/errno-base.h>
#include <cstdarg>
#include <kernel/sched/task.h>
#include <uapi/linux/sched.h>

struct task_struct* kthreadd_task;

namespace
{
struct kthread {
	bool should_stop;
	bool is_per_cpu; /* kthread_create_on_cpu: bound for good (Linux: KTHREAD_IS_PER_CPU) */
	int result;
	int (*threadfn)(void*);
	void* data;
	struct completion exited;
};

struct kthread_create_info {
	int (*threadfn)(void* data);
	void* data;
	int node;
	lib::Result<struct task_struct*> result; /* kthreadd's answer */
	struct completion done;
	lib::list_head list;
};

lib::spinlock kthread_create_lock;
lib::list_head kthread_create_list;

struct kthread* to_kthread(struct task_struct* k)
{
	return (k->flags & PF_KTHREAD) ? static_cast<struct kthread*>(k->worker_private) : nullptr;
}

int kthread(void* _create)
{
	auto* create = static_cast<struct kthread_create_info*>(_create);
	auto* self =
	    should_fail_alloc() ? nullptr : static_cast<struct kthread*>(kzalloc(sizeof(struct kthread), GFP_KERNEL));
	if (!self) {
		current->flags |= PF_EXITING; /* before the creator hears of it */
		create->result = lib::Error{ENOMEM};
		complete(&create->done);
		kthread_exit(-ENOMEM);
	}
	self->threadfn = create->threadfn;
	self->data = create->data;
	init_completion(&self->exited);
	current->worker_private = self;
	current->vfork_done = &self->exited; /* do_exit completes it (Linux: the same) */
	/* asleep until woken: the creator names it and may bind it first */
	__set_current_state(TASK_UNINTERRUPTIBLE);
	create->result = current;
	complete(&create->done); /* create is gone after this */
	schedule();
	int ret = -EINTR;
	if (!self->should_stop)
		ret = self->threadfn(self->data);
	kthread_exit(ret);
}

void create_kthread(struct kthread_create_info* create)
{
	lib::Result<pid_t> pid = kernel_thread(kthread, create, nullptr, CLONE_FS | CLONE_FILES);
	if (pid.is_err()) { /* else the new thread answers, from kthread() */
		create->result = pid.error_value();
		complete(&create->done);
	}
}
} // namespace

lib::Result<pid_t> user_mode_thread(int (*fn)(void*), void* arg, unsigned long flags)
{
	/* Linux: kernel/fork.c user_mode_thread.  Not PF_KTHREAD: when fn
	 * returns, ret_from_fork goes to user mode; fn (kernel_init, a test)
	 * starts with the user FPU's initial state and gets its mm from exec
	 * (or the test helper) */
	struct kernel_clone_args args = {};
	args.flags = (flags | CLONE_VM | CLONE_UNTRACED) & ~uint64_t(CSIGNAL);
	args.exit_signal = int(flags & CSIGNAL);
	args.fn = fn;
	args.fn_arg = arg;
	return kernel_clone(&args);
}

lib::Result<pid_t> kernel_thread(int (*fn)(void*), void* arg, const char* name, unsigned long flags)
{
	/* Linux: kernel/fork.c kernel_thread; kernel threads borrow active_mm
	 * at the switch */
	struct kernel_clone_args args = {};
	args.flags = (flags | CLONE_VM | CLONE_UNTRACED) & ~uint64_t(CSIGNAL);
	args.exit_signal = int(flags & CSIGNAL);
	args.fn = fn;
	args.fn_arg = arg;
	args.name = name;
	args.kthread = 1;
	return kernel_clone(&args);
}

void kthread_exit(long ret)
{
	if (struct kthread* self = to_kthread(current))
		self->result = int(ret);
	do_exit(0); /* PF_EXITING, then completes self->exited (vfork_done) */
}

/* where every kernel thread goes when its function returns (process.cc) */
void kthread_exit_fn(int ret)
{
	kthread_exit(ret);
}

void free_kthread_struct(struct task_struct* k)
{
	kfree(k->worker_private);
	k->worker_private = nullptr;
}

lib::Result<struct task_struct*> __kthread_create_on_node(int (*threadfn)(void* data), void* data, int node,
                                                          const char namefmt[], va_list args)
{
	struct kthread_create_info create = {
	    threadfn, data, node, lib::Error{EAGAIN} /* kthreadd's answer replaces it */, {}, {}};
	init_completion(&create.done);
	{
		lib::spin_lock_irqsave_guard g(kthread_create_lock);
		kthread_create_list.add_tail(&create.list);
	}
	wake_up_process(kthreadd_task);
	wait_for_completion(&create.done);
	struct task_struct* task = TRY(create.result);
	char name[TASK_COMM_LEN];
	lib::vsnprintf(name, sizeof(name), namefmt, args);
	set_task_comm(task, name);
	return task;
}

struct task_struct* kthread_create_on_node(int (*threadfn)(void* data), void* data, int node, const char namefmt[], ...)
{
	va_list args;
	va_start(args, namefmt);
	lib::Result<struct task_struct*> task = __kthread_create_on_node(threadfn, data, node, namefmt, args);
	va_end(args);
	return result_to_err_ptr(task);
}

int kthreadd(void*)
{
	set_task_comm(current, "kthreadd");
	/* the threads it makes may run anywhere (Linux: housekeeping CPUs) */
	WARN_ON(set_cpus_allowed_ptr(current, cpu_possible_mask).is_err());
	current->flags |= PF_NOFREEZE;
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		bool empty;
		{
			lib::spin_lock_irqsave_guard g(kthread_create_lock);
			empty = kthread_create_list.empty();
		}
		if (empty)
			schedule();
		__set_current_state(TASK_RUNNING);
		for (;;) {
			struct kthread_create_info* create;
			{
				lib::spin_lock_irqsave_guard g(kthread_create_lock);
				if (kthread_create_list.empty())
					break;
				create = list_first_entry(&kthread_create_list, struct kthread_create_info, list);
				create->list.del_init();
			}
			create_kthread(create);
		}
	}
	return 0;
}

bool kthread_should_stop()
{
	struct kthread* self = to_kthread(current);
	return self && __atomic_load_n(&self->should_stop, __ATOMIC_ACQUIRE);
}

int kthread_stop(struct task_struct* k)
{
	struct kthread* kthread = k ? to_kthread(k) : nullptr;
	if (!kthread || k == current)
		return -EINVAL;
	lib::ref<task_struct> hold = lib::get_ref(k); /* kthread stays readable */
	__atomic_store_n(&kthread->should_stop, true, __ATOMIC_RELEASE);
	wake_up_process(k);
	wait_for_completion(&kthread->exited);
	return kthread->result;
}

lib::Result<void> kthread_bind(struct task_struct* p, unsigned int cpu)
{
	if (!p || cpu >= NR_CPUS || !cpu_online(cpu))
		return lib::Error{EINVAL};
	/* it may not have switched out yet (Linux: __kthread_bind_mask) */
	if (!wait_task_inactive(p, TASK_UNINTERRUPTIBLE))
		return lib::Error{EINVAL};
	lib::spin_lock_irqsave_guard g(p->pi_lock);
	if (p->on_rq || p->on_cpu || READ_TASK_STATE(p) != TASK_UNINTERRUPTIBLE)
		return lib::Error{EINVAL};
	p->cpus_mask = cpumask_of(cpu);
	p->nr_cpus_allowed = 1;
	set_task_cpu(p, cpu); /* off every queue and CPU, pi_lock held */
	p->flags |= PF_NO_SETAFFINITY;
	return lib::ok();
}

namespace
{
/* __kthread_create_on_node with the name's arguments in line */
__attribute__((format(printf, 4, 5))) lib::Result<struct task_struct*>
kthread_create_node_fmt(int (*threadfn)(void*), void* data, int node, const char* namefmt, ...)
{
	va_list args;
	va_start(args, namefmt);
	lib::Result<struct task_struct*> task = __kthread_create_on_node(threadfn, data, node, namefmt, args);
	va_end(args);
	return task;
}
} // namespace

lib::Result<struct task_struct*> __kthread_create_on_cpu(int (*threadfn)(void* data), void* data, unsigned int cpu,
                                                         const char* namefmt)
{
	if (cpu >= NR_CPUS || !cpu_online(cpu))
		return lib::Error{EINVAL};
	struct task_struct* p = TRY(kthread_create_node_fmt(threadfn, data, -1, namefmt, cpu));
	if (lib::Result<void> r = kthread_bind(p, cpu); WARN_ON(r.is_err())) {
		kthread_stop(p);
		return r.error_value();
	}
	to_kthread(p)->is_per_cpu = true;
	return p;
}

struct task_struct* kthread_create_on_cpu(int (*threadfn)(void* data), void* data, unsigned int cpu,
                                          const char* namefmt)
{
	return result_to_err_ptr(__kthread_create_on_cpu(threadfn, data, cpu, namefmt));
}

bool kthread_is_per_cpu(struct task_struct* p)
{
	struct kthread* k = to_kthread(p);
	return k && k->is_per_cpu;
}

/* ---- a kernel thread in a user address space (Linux: kthread_use_mm) ---- */
#include <arch/mmu_context.h>
#include <kernel/irqflags.h>
#include <mm/mm.h>

void kthread_use_mm(struct mm_struct* mm)
{
	struct task_struct* tsk = current;
	WARN_ON_ONCE(!(tsk->flags & PF_KTHREAD));
	WARN_ON_ONCE(tsk->mm);
	unsigned long flags = arch_local_irq_save();
	struct mm_struct* active_mm = tsk->active_mm;
	if (active_mm != mm) {
		mmgrab(mm);
		tsk->active_mm = mm;
	}
	tsk->mm = mm;
	switch_mm_irqs_off(active_mm, mm, tsk);
	arch_local_irq_restore(flags);
	if (active_mm != mm)
		mmdrop(active_mm);
}

void kthread_unuse_mm(struct mm_struct* mm)
{
	struct task_struct* tsk = current;
	WARN_ON_ONCE(!(tsk->flags & PF_KTHREAD));
	WARN_ON_ONCE(tsk->mm != mm);
	unsigned long flags = arch_local_irq_save();
	tsk->mm = nullptr;
	enter_lazy_tlb(mm, tsk); /* active_mm stays mm, lazily, with its mm_count */
	arch_local_irq_restore(flags);
}
