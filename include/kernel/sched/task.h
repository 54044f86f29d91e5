/*
 * Creating and ending tasks (Linux: include/linux/sched/task.h):
 * copy_process and its allocations (kernel/fork.cc), the task_struct's
 * reference count, release_task, kernel_thread, the idle tasks, and
 * tasklist_lock.
 *
 * Lock order: tasklist_lock (irqsave) -> pidmap_lock (irqsave) ->
 * slab/vmalloc locks.  tasklist_lock guards the task list, children/
 * sibling, thread lists and nr_threads.  The walkers over the task list
 * are in <kernel/sched/signal.h>, as in Linux.
 */
#pragma once
#include <kernel/sched.h>
#include <lib/spinlock.h>

extern lib::spinlock tasklist_lock;

/* ---- allocation and lifetime (kernel/fork.cc) ---- */
void fork_init(); /* the task_struct and signal caches; start_kernel calls it */
struct mm_struct;
/* the mm_struct and vm_area_struct caches, the zero page; after fork_init */
void proc_caches_init();
/* make mm current's address space for exec; the old one is mmput (Linux: fs/exec.c exec_mmap) */
void exec_mmap(struct mm_struct* mm);
struct task_struct* alloc_task_struct_node(int node);
void free_task_struct(struct task_struct* tsk);
/* THREAD_SIZE bytes from vmalloc, zeroed, THREAD_SIZE aligned, an
 * unmapped page on either side, into tsk->stack; ENOMEM */
lib::Result<void> alloc_thread_stack_node(struct task_struct* tsk, int node);
void free_thread_stack(struct task_struct* tsk);
/* a copy of orig with its own stack, usage 1, lists empty; not linked, no
 * pid; ENOMEM */
lib::Result<struct task_struct*> dup_task_struct(struct task_struct* orig, int node);

static inline struct task_struct* get_task_struct(struct task_struct* t)
{
	t->usage.fetch_add(1, std::memory_order_relaxed);
	return t;
}
/* drop a reference; the last one frees the stack and the task_struct */
void put_task_struct(struct task_struct* t);
/* lib::ref<task_struct> holds one of these references (<lib/ref.h>) */
static inline void ref_get(struct task_struct* t)
{
	get_task_struct(t);
}
static inline void ref_put(struct task_struct* t)
{
	put_task_struct(t);
}

/*
 * A new task, a child of current, with a fresh pid, on the task list and
 * its parent's children list; __state TASK_NEW, scheduler fields set by
 * sched_fork (nothing runs it until copy_thread and wake_up_new_task, as
 * kernel_thread does).  clone_flags: CLONE_THREAD joins current's thread
 * group (tgid, group_leader, signal), else it leads a new one.  PF_KTHREAD
 * and comm are inherited; callers set their own.  ENOMEM or EAGAIN (no
 * pid left) on failure, having undone everything.
 */
lib::Result<struct task_struct*> copy_process(unsigned long clone_flags, int node);
/* tsk's handlers: current's shared (CLONE_SIGHAND, count + 1) or a copy;
 * ENOMEM (Linux: copy_sighand) */
struct sighand_struct;
lib::Result<void> copy_sighand(unsigned long clone_flags, struct task_struct* tsk);
/* drop a reference; the last frees it (init_sighand is never freed) */
void __cleanup_sighand(struct sighand_struct* sighand);
/* unlink p from every list, free its pid, drop the list's reference
 * (Linux: release_task of an exited task).  EINVAL for an idle task or
 * current, EBUSY while p has children or, as a leader, other threads */
lib::Result<void> release_task(struct task_struct* p);

/*
 * Fault injection for the tests (Linux: /proc/self/fail-nth): when > 0,
 * the nth allocation of a thread's creation (task_struct, stack,
 * signal_struct, struct kthread) fails; counts down, 0 = off.
 */
extern int fail_nth_alloc;
bool should_fail_alloc();

/* ---- the scheduler's part (kernel/sched/core.cc) ---- */
/* make idle cpu's idle task ("swapper/<cpu>"), its rq's curr (Linux: init_idle) */
void init_idle(struct task_struct* idle, int cpu);
/* a new idle task for an AP: pid 0, on no list, ready to run on its stack
 * (Linux: fork_idle); ENOMEM */
lib::Result<struct task_struct*> fork_idle(int cpu);
[[noreturn]] void do_task_dead(); /* TASK_DEAD: switch away for good */
/* sched_fork: scheduler fields of a new task (copy_process) */
void sched_fork(struct task_struct* p);

/* arch: create the initial switch frame of a new kernel thread that will
 * run fn(arg) (Linux: copy_thread with args->fn) */
int copy_thread(struct task_struct* p, int (*fn)(void*), void* arg);
/* a kernel thread running fn(arg), child of current, started; its pid, or
 * copy_process's error (Linux: kernel_thread) */
lib::Result<pid_t> kernel_thread(int (*fn)(void*), void* arg, const char* name, unsigned long flags);
/* a task that will run user code: fn(arg) runs in the kernel, sets up the
 * user registers (start_thread on task_pt_regs(current)) and returns 0,
 * and the task then enters user mode; not a kernel thread (no PF_KTHREAD).
 * Its pid, or copy_process's error (Linux: user_mode_thread, which
 * kernel_init and the usermode helpers use) */
lib::Result<pid_t> user_mode_thread(int (*fn)(void*), void* arg, unsigned long flags);
