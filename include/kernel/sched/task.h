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
#include <kernel/uaccess.h>
#include <cstddef>
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
 * What clone(2), clone3(2), fork, vfork, kernel_thread and
 * user_mode_thread ask of kernel_clone (Linux: struct kernel_clone_args,
 * include/linux/sched/task.h).  flags are CLONE_* without the exit
 * signal, which is exit_signal; stack/stack_size the child's user stack
 * (clone3 gives its lowest address and size, clone(2) its top in stack);
 * fn/fn_arg a kernel function the child runs first (kernel threads,
 * user_mode_thread); kthread makes it PF_KTHREAD.
 */
struct kernel_clone_args {
	uint64_t flags;
	user_ptr<int> pidfd;
	user_ptr<int> child_tid;
	user_ptr<int> parent_tid;
	int exit_signal;
	unsigned long stack;
	unsigned long stack_size;
	unsigned long tls;
	const pid_t* set_tid; /* clone3's set_tid array, copied in (kernel memory) */
	size_t set_tid_size;
	int kthread;
	int idle;
	int (*fn)(void*);
	void* fn_arg;
	const char* name; /* a kernel thread's comm */
};
/* the new task for args: ready to run (copy_thread done), __state
 * TASK_NEW, linked; wake_up_new_task starts it.  Linux's errnos: EINVAL
 * for impossible flag combinations, EPERM, EAGAIN (RLIMIT_NPROC,
 * threads-max, no pid), ENOMEM, EINTR (a fatal signal arrived) */
lib::Result<struct task_struct*> copy_process(struct kernel_clone_args* args, int node);
/*
 * copy_process for the in-kernel tests of the task machinery: a task
 * that will never run, clone_flags as clone(2)'s without an exit signal;
 * PF_KTHREAD and comm inherited from current.  release_task frees it.
 */
lib::Result<struct task_struct*> copy_process(unsigned long clone_flags, int node);
/* copy_process + wake_up_new_task + the parent's side (PARENT_SETTID,
 * the vfork wait); the child's pid (Linux: kernel_clone) */
lib::Result<pid_t> kernel_clone(struct kernel_clone_args* args);
/* drop one of the two rcu_users holders; the last one drops the usage
 * reference they share (Linux: put_task_struct_rcu_user) */
void put_task_struct_rcu_user(struct task_struct* t);
/* tsk's handlers: current's shared (CLONE_SIGHAND, count + 1) or a copy;
 * ENOMEM (Linux: copy_sighand) */
struct sighand_struct;
lib::Result<void> copy_sighand(unsigned long clone_flags, struct task_struct* tsk);
/* drop a reference; the last frees it (init_sighand is never freed) */
void __cleanup_sighand(struct sighand_struct* sighand);
/* unlink p from every list, free its pid, fold its counts into its
 * signal_struct (__exit_signal), drop the list's reference (Linux:
 * release_task of an exited task; reaping the leader too when p was its
 * last thread and its parent autoreaps).  EINVAL for an idle task or
 * init_task, EBUSY while p has children or, as a leader, other threads */
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

/* arch: the new task's initial switch frame and user registers: a kernel
 * thread (or args->fn) runs fn(fn_arg) first; a user child returns 0 from
 * the system call, on args->stack if given, with args->tls as its FS base
 * under CLONE_SETTLS (Linux: copy_thread).  EPERM for a bad tls */
int copy_thread(struct task_struct* p, const struct kernel_clone_args* args);
/* a kernel thread running fn(arg), child of current, started; its pid, or
 * copy_process's error (Linux: kernel_thread) */
lib::Result<pid_t> kernel_thread(int (*fn)(void*), void* arg, const char* name, unsigned long flags);
/* a task that will run user code: fn(arg) runs in the kernel, sets up the
 * user registers (start_thread on task_pt_regs(current)) and returns 0,
 * and the task then enters user mode; not a kernel thread (no PF_KTHREAD).
 * Its pid, or copy_process's error (Linux: user_mode_thread, which
 * kernel_init and the usermode helpers use) */
lib::Result<pid_t> user_mode_thread(int (*fn)(void*), void* arg, unsigned long flags);
