/*
 * Creating and freeing tasks and their kernel stacks (Linux: kernel/fork.c
 * fork_init, alloc_task_struct_node, alloc_thread_stack_node (VMAP_STACK),
 * dup_task_struct, copy_process, __put_task_struct; kernel/exit.c
 * release_task; fs/exec.c __set_task_comm; kernel/cred.c put_cred).
 *
 * Data structures:
 *   task_struct_cachep   the "task_struct" kmem_cache (64-byte aligned)
 *   signal_cachep        "signal_cache": one signal_struct per thread group
 *   kernel stacks        THREAD_SIZE (16 KiB) vmalloc areas, THREAD_SIZE
 *                        aligned and zeroed.  vmalloc leaves the page after
 *                        every area unmapped (its guard page) and no area
 *                        is VM_NO_GUARD, so the page below a stack is the
 *                        previous area's guard or unused vmalloc space:
 *                        unmapped either way, and running off the bottom
 *                        of the stack faults instead of corrupting a
 *                        neighbour (Linux relies on the same).
 *                        alloc_thread_stack_node checks it and refuses a
 *                        stack without it.
 *   tasklist_lock, nr_threads, total_forks
 *
 * Invariants: a task from dup_task_struct owns its stack until its last
 * reference goes (put_task_struct); the stack's lowest word holds
 * STACK_END_MAGIC.  copy_process links a task into the task list, its
 * parent's children and its group's thread list under tasklist_lock, and
 * release_task unlinks it from all three under the same lock.
 *
 * Errors and unwinding: copy_process and dup_task_struct return a
 * lib::Result (ENOMEM, EAGAIN); every step that takes something holds it
 * in a lib::ref (the task, its signal_struct) or a lib::scope_exit (the
 * pid), so a failed step's early return (TRY) undoes the steps before it
 * in reverse order, as Linux's bad_fork_cleanup_* labels do by goto.
 *
 * Lock order: tasklist_lock -> pidmap_lock -> the slab and vmalloc
 * locks.  put_task_struct may free a stack (vfree): process context only.
 *
 * dup_task_struct copies the parent's user FPU registers (fpu_clone, which
 * Linux calls from copy_thread) and frees them with the task.
 *
 * Differences from Linux: no per-CPU cache of freed stacks, no
 * mm/files/fs/sighand copying (there is nothing to copy yet), no
 * reparenting of children on release (release_task refuses a task that
 * has any), no RCU-delayed free.
 */
#include <arch/fpu.h>
#include <arch/pgtable.h>
#include <kernel/panic.h>
#include <kernel/kthread.h>
#include <kernel/pid.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/cred.h>
#include <kernel/sched/signal.h>
#include <kernel/sched/stat.h>
#include <kernel/sched/task.h>
#include <kernel/sched/task_stack.h>
#include <kernel/syscalls.h>
#include <uapi/linux/sched.h>
#include <kernel/time.h>
#include <lib/ref.h>
#include <lib/scope.h>
#include <lib/string.h>
#include <new>
#include <mm/slab.h>
#include <mm/vmalloc.h>
#include <uapi/asm-generic/errno-base.h>

lib::spinlock tasklist_lock;
int nr_threads;
unsigned long total_forks;
int fail_nth_alloc;

bool should_fail_alloc()
{
	int n = __atomic_load_n(&fail_nth_alloc, __ATOMIC_RELAXED);
	if (n <= 0)
		return false;
	__atomic_store_n(&fail_nth_alloc, n - 1, __ATOMIC_RELAXED);
	return n == 1;
}
/* global for the tests' slab counts (kernel/sched/sched_test.cc) */
struct kmem_cache* task_struct_cachep;
struct kmem_cache* signal_cachep;

namespace
{

bool page_mapped_at(uintptr_t addr)
{
	unsigned level;
	uint64_t* e = lookup_address(addr, &level);
	return e && (*e & _PAGE_PRESENT);
}

/* drop a thread's reference to its group's signal_struct; the last one
 * frees it (Linux: put_signal_struct) */
void put_signal_struct(struct signal_struct* sig)
{
	if (sig->sigcnt.fetch_sub(1) == 1 && sig != &init_signals)
		kmem_cache_free(signal_cachep, sig);
}
} // namespace

/* lib::ref<signal_struct> (found by argument-dependent lookup) */
static void ref_get(struct signal_struct* sig)
{
	sig->sigcnt.fetch_add(1);
}
static void ref_put(struct signal_struct* sig)
{
	put_signal_struct(sig);
}

void fork_init()
{
	task_struct_cachep =
	    kmem_cache_create("task_struct", sizeof(struct task_struct), 64, SLAB_PANIC | SLAB_ACCOUNT, nullptr);
	signal_cachep = kmem_cache_create("signal_cache", sizeof(struct signal_struct), 0,
	                                  SLAB_HWCACHE_ALIGN | SLAB_PANIC | SLAB_ACCOUNT, nullptr);
	fpstate_cache_init(); /* Linux sizes task_struct with the FPU state instead */
	lib::spin_lock_irqsave_guard g(tasklist_lock);
	if (!init_task.thread_node.linked())
		init_signals.thread_head.add_tail(&init_task.thread_node);
	set_task_stack_end_magic(&init_task);
}

void put_cred(const struct cred* c)
{
	long old = const_cast<struct cred*>(c)->usage.fetch_sub(1);
	/* every cred is init_cred until credentials can change: never freed */
	WARN_ON(old <= 1);
}

struct task_struct* alloc_task_struct_node(int node)
{
	if (should_fail_alloc())
		return nullptr;
	return static_cast<struct task_struct*>(kmem_cache_alloc_node(task_struct_cachep, GFP_KERNEL, node));
}

void free_task_struct(struct task_struct* tsk)
{
	kmem_cache_free(task_struct_cachep, tsk);
}

lib::Result<void> alloc_thread_stack_node(struct task_struct* tsk, int node)
{
	if (should_fail_alloc())
		return lib::Error{ENOMEM};
	void* stack =
	    __vmalloc_node(THREAD_SIZE, THREAD_SIZE, GFP_KERNEL | __GFP_ZERO, node, __builtin_return_address(0));
	if (!stack)
		return lib::Error{ENOMEM};
	uintptr_t s = reinterpret_cast<uintptr_t>(stack);
	if (WARN_ON(page_mapped_at(s - PAGE_SIZE) || page_mapped_at(s + THREAD_SIZE))) {
		vfree(stack); /* no guard page: refuse rather than risk silent corruption */
		return lib::Error{ENOMEM};
	}
	tsk->stack = stack;
	return lib::ok();
}

void free_thread_stack(struct task_struct* tsk)
{
	vfree(tsk->stack);
	tsk->stack = nullptr;
}

void set_task_stack_end_magic(struct task_struct* tsk)
{
	*end_of_stack(tsk) = STACK_END_MAGIC;
}

unsigned long stack_not_used(const struct task_struct* p)
{
	const unsigned long* n = end_of_stack(p);
	const unsigned long* top = reinterpret_cast<const unsigned long*>(task_stack_top(p));
	do { /* skip over the magic */
		n++;
	} while (n < top && !*n);
	return reinterpret_cast<uintptr_t>(n) - reinterpret_cast<uintptr_t>(end_of_stack(p));
}

/* the new task is no one else's yet: its links need no tasklist_lock */
lib::Result<struct task_struct*> dup_task_struct(struct task_struct* orig, int node) NO_THREAD_SAFETY_ANALYSIS
{
	struct task_struct* tsk = alloc_task_struct_node(node);
	if (!tsk)
		return lib::Error{ENOMEM};
	lib::scope_exit undo_tsk([tsk] { free_task_struct(tsk); });
	/* arch_dup_task_struct: the whole structure, then fix up what is its own */
	lib::memcpy(static_cast<void*>(tsk), static_cast<const void*>(orig), sizeof(*tsk));
	tsk->lockdep_depth = 0; /* holds none of the parent's locks */
	new (&tsk->pi_lock) lib::spinlock(); /* a waker may hold the parent's */
	lockdep_init_map(&tsk->pi_lock);     /* a freed task's address reused */
	tsk->worker_private = nullptr; /* the parent's struct kthread is not ours to free */
	tsk->vfork_done = nullptr;
	tsk->pending = {};
	tsk->set_child_tid = tsk->clear_child_tid = user_ptr<int>();
	TRY(fpu_clone(tsk, orig)); /* arch_dup_task_struct: the user FPU registers */
	lib::scope_exit undo_fpu([tsk] { fpstate_free(tsk); });
	TRY(alloc_thread_stack_node(tsk, node));
	undo_fpu.release();
	undo_tsk.release();
	set_task_stack_end_magic(tsk);
	clear_tsk_thread_flag(tsk, TIF_NEED_RESCHED);
	tsk->usage.store(1, std::memory_order_relaxed);
	tsk->tasks.init();
	tsk->children.init();
	tsk->sibling.init();
	tsk->thread_node.init();
	tsk->thread.sp = task_stack_top(tsk);
	tsk->on_cpu = 0;
	tsk->on_rq = 0;
	tsk->se.on_rq = 0;
	return tsk;
}

void put_task_struct(struct task_struct* t)
{
	long old = t->usage.fetch_sub(1, std::memory_order_acq_rel);
	if (old != 1) {
		WARN_ON(old <= 0);
		return;
	}
	if (WARN_ON(t == &init_task))
		return;
	free_kthread_struct(t);
	fpstate_free(t);
	free_thread_stack(t);
	free_task_struct(t);
}

namespace
{
/* the new task's signal_struct with one reference for it: current's for
 * CLONE_THREAD, else a new one (Linux: copy_signal) */
/* a new signal_struct is no one else's yet (see dup_task_struct) */
lib::Result<struct signal_struct*> copy_signal(unsigned long clone_flags, struct task_struct* cur, int node)
    NO_THREAD_SAFETY_ANALYSIS
{
	if (clone_flags & CLONE_THREAD) {
		ref_get(cur->signal);
		return cur->signal;
	}
	auto* sig = should_fail_alloc()
	                ? nullptr
	                : static_cast<struct signal_struct*>(kmem_cache_alloc_node(signal_cachep, GFP_KERNEL, node));
	if (!sig)
		return lib::Error{ENOMEM};
	sig->sigcnt.store(1);
	sig->live.store(0);
	sig->nr_threads = 0;
	sig->thread_head.init();
	for (int i = 0; i < RLIM_NLIMITS; i++)
		sig->rlim[i] = cur->signal->rlim[i];
	return sig;
}
} // namespace

lib::Result<struct task_struct*> copy_process(unsigned long clone_flags, int node)
{
	struct task_struct* cur = current;
	/* The steps that can fail, each holding what it took until the end:
	 * a failed TRY returns, and the destructors undo in reverse order. */
	lib::ref<task_struct> task = lib::adopt_ref(TRY(dup_task_struct(cur, node)));
	lib::ref<signal_struct> sig = lib::adopt_ref(TRY(copy_signal(clone_flags, cur, node)));
	int pid = TRY(alloc_pid());
	lib::scope_exit undo_pid([pid] { free_pid(pid); });

	/* Nothing fails from here on: the task owns its pid and signal_struct,
	 * and the reference dup_task_struct gave is the task list's. */
	undo_pid.release();
	struct task_struct* p = task.release();
	p->signal = sig.release();
	p->real_cred = get_cred(cur->real_cred);
	p->cred = get_cred(cur->cred);
	p->pid = pid;
	p->__state = TASK_NEW;
	p->flags &= ~(PF_SUPERPRIV | PF_WQ_WORKER | PF_IDLE | PF_NO_SETAFFINITY);
	p->flags |= PF_FORKNOEXEC;
	p->exit_state = 0;
	p->utime = p->stime = 0;
	p->nvcsw = p->nivcsw = 0;
	p->se.exec_start = p->se.sum_exec_runtime = p->se.prev_sum_exec_runtime = 0;
	p->se.nr_migrations = 0;
	p->prio = cur->normal_prio; /* sched_fork: no inherited PI boost */
	sched_fork(p);
	p->start_time = p->start_boottime = ktime_get_ns();
	p->signal->live.fetch_add(1);

	lib::spin_lock_irqsave_guard g(tasklist_lock);
	if (clone_flags & CLONE_THREAD) {
		p->tgid = cur->tgid;
		p->group_leader = cur->group_leader;
		p->real_parent = cur->real_parent;
	} else {
		p->tgid = pid;
		p->group_leader = p;
		p->real_parent = (clone_flags & CLONE_PARENT) ? cur->real_parent : cur;
	}
	p->parent = p->real_parent;
	if (thread_group_leader(p)) {
		p->real_parent->children.add_tail(&p->sibling);
		init_task.tasks.add_tail(&p->tasks);
	}
	p->signal->thread_head.add_tail(&p->thread_node);
	p->signal->nr_threads++;
	nr_threads++;
	total_forks++;
	return p;
}

lib::Result<struct task_struct*> fork_idle(int cpu)
{
	struct task_struct* p = TRY(dup_task_struct(&init_task, -1));
	/* as Linux's idle threads: pid 0, init_task's group and parent, and
	 * on no list (ps never shows them) */
	p->pid = p->tgid = 0;
	p->real_parent = p->parent = &init_task;
	p->group_leader = p;
	p->signal = &init_signals;
	init_signals.sigcnt.fetch_add(1);
	p->real_cred = get_cred(init_task.real_cred);
	p->cred = get_cred(init_task.cred);
	p->flags = PF_IDLE | PF_KTHREAD;
	p->start_time = p->start_boottime = ktime_get_ns();
	init_idle(p, cpu);
	return p;
}

lib::Result<void> release_task(struct task_struct* p)
{
	if (p == &init_task || p == current || is_idle_task(p))
		return lib::Error{EINVAL};
	struct signal_struct* sig = p->signal;
	{
		lib::spin_lock_irqsave_guard g(tasklist_lock);
		if (!p->children.empty() || (thread_group_leader(p) && sig->nr_threads > 1))
			return lib::Error{EBUSY}; /* no reparenting yet; the leader goes last */
		if (thread_group_leader(p)) {
			p->tasks.del();
			p->sibling.del();
		}
		p->thread_node.del();
		sig->nr_threads--;
		nr_threads--;
		free_pid(p->pid);
		p->exit_state = EXIT_DEAD;
	}
	sig->live.fetch_sub(1);
	put_signal_struct(sig);
	put_cred(p->real_cred);
	put_cred(p->cred);
	put_task_struct(p);
	return lib::ok();
}

int nr_processes()
{
	lib::spin_lock_irqsave_guard g(tasklist_lock);
	int n = 0;
	struct task_struct* p;
	for_each_process(p)
		n++;
	return n;
}

char* __get_task_comm(char* buf, unsigned long buf_size, struct task_struct* tsk)
{
	lib::strscpy(buf, tsk->comm, buf_size);
	return buf;
}

void __set_task_comm(struct task_struct* tsk, const char* buf, bool)
{
	char tmp[TASK_COMM_LEN] = {};
	lib::strscpy(tmp, buf, sizeof(tmp)); /* truncates; the tail stays zero (strscpy_pad) */
	lib::memcpy(tsk->comm, tmp, sizeof(tmp));
}

/* Linux: kernel/fork.c; glibc and musl call it at start-up with the
 * thread's tid word, cleared (and futex-woken, with the processes issue)
 * when the thread exits */
SYSCALL_DEFINE1(set_tid_address, user_ptr<int>, tidptr)
{
	current->clear_child_tid = tidptr;
	return task_pid_nr(current);
}
