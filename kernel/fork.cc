/*
 * Creating tasks: fork, vfork, clone, clone3, and their kernel stacks
 * (Linux: kernel/fork.c fork_init, set_max_threads, alloc_task_struct_node,
 * alloc_thread_stack_node (VMAP_STACK), dup_task_struct, copy_process,
 * kernel_clone, sys_fork/vfork/clone/clone3, wait_for_vfork_done,
 * mm_release, __put_task_struct; fs/exec.c __set_task_comm).
 *
 * kernel_clone(args): copy_process, then CLONE_PARENT_SETTID written,
 * the child started (wake_up_new_task) and, for CLONE_VFORK, the parent
 * waits killably until the child execs or exits (mm_release completes
 * vfork_done).  copy_process, in Linux's order: the flag checks (EINVAL
 * for CLONE_THREAD without CLONE_SIGHAND, CLONE_SIGHAND without CLONE_VM,
 * CLONE_FS with CLONE_NEWNS/NEWUSER, CLONE_PARENT from init, CLONE_PIDFD
 * with CLONE_THREAD; namespaces EPERM without CAP_SYS_ADMIN, else EINVAL:
 * there are none), dup_task_struct, RLIMIT_NPROC (per real uid; root,
 * CAP_SYS_RESOURCE and CAP_SYS_ADMIN exempt) and threads-max (EAGAIN),
 * copy_creds, sched_fork, copy_files, copy_fs, copy_sighand,
 * copy_signal, copy_mm, copy_thread (the child's registers:
 * arch/x86_64/kernel/process.cc), alloc_pid (or clone3's set_tid), the
 * pidfd (CLONE_PIDFD), then under tasklist_lock the parent (current, or
 * its parent for CLONE_PARENT/CLONE_THREAD), the exit signal (-1 for a
 * thread) and the lists.  The child returns 0 from the system call on
 * its own kernel stack (ret_from_fork), on the user stack it was given.
 * clone3 takes struct clone_args (E2BIG beyond a page or for unknown
 * non-zero fields, EINVAL below 64 bytes, for bad exit signals, stacks
 * and flags).
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
 * release_task (kernel/exit.cc) unlinks it from all three under the same
 * lock.  The one usage reference of a linked task is held by two
 * rcu_users: release_task drops one, the task's last switch the other
 * (put_task_struct_rcu_user); its creds go with the last reference.
 *
 * Errors and unwinding: copy_process and dup_task_struct return a
 * lib::Result (ENOMEM, EAGAIN); every step that takes something holds it
 * in a lib::ref (the task, its signal_struct) or a lib::scope_exit (the
 * pid), so a failed step's early return (TRY) undoes the steps before it
 * in reverse order, as Linux's bad_fork_cleanup_* labels do by goto.
 *
 * Lock order: tasklist_lock -> pidmap_lock -> the slab and vmalloc
 * locks; tasklist_lock -> sighand->siglock.  put_task_struct may free a
 * stack (vfree): process context only.
 *
 * files and fs: copy_files/copy_fs share them (CLONE_FILES, CLONE_FS) or
 * copy them (fs/file.cc dup_fd, fs/fs_struct.cc); a task gives them up in
 * do_exit, or in release_task if it never ran.
 *
 * dup_task_struct copies the parent's user FPU registers (fpu_clone, which
 * Linux calls from copy_thread) and frees them with the task.
 *
 * Freed stacks: up to NR_CACHED_STACKS are kept for the next fork
 * (Linux's cached_stacks; drain_cached_stacks gives them back, for the
 * tests' footprints).
 *
 * Differences from Linux: the stack cache is global, not per CPU; no
 * RCU-delayed free; RLIMIT_NPROC counts the user's tasks when the limit
 * applies instead of keeping ucounts.
 */
#include <arch/fpu.h>
#include <arch/pgtable.h>
#include <kernel/ptrace.h>
#include <kernel/capability.h>
#include <kernel/completion.h>
#include <kernel/futex.h>
#include <kernel/panic.h>
#include <kernel/rtmutex.h>
#include <kernel/kthread.h>
#include <kernel/signal.h>
#include <kernel/wait.h>
#include <uapi/asm-generic/signal.h>
#include <kernel/pid.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/cred.h>
#include <kernel/sched/signal.h>
#include <kernel/sched/stat.h>
#include <kernel/sched/task.h>
#include <kernel/sched/task_stack.h>
#include <kernel/syscalls.h>
#include <fs/fdtable.h>
#include <fs/fs_struct.h>
#include <uapi/linux/sched.h>
#include <kernel/time.h>
#include <lib/ref.h>
#include <lib/scope.h>
#include <lib/string.h>
#include <new>
#include <fs/fs.h>
#include <mm/mm.h>
#include <mm/slab.h>
#include <mm/vmalloc.h>
#include <mm/page_alloc.h>
#include <uapi/linux/fcntl.h>
#include <uapi/asm-generic/errno.h>
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
struct kmem_cache* sighand_cachep;

void put_signal_struct(struct signal_struct* sig)
{
	if (sig->sigcnt.fetch_sub(1) == 1 && sig != &init_signals)
		kmem_cache_free(signal_cachep, sig);
}

namespace
{

bool page_mapped_at(uintptr_t addr)
{
	unsigned level;
	uint64_t* e = lookup_address(addr, &level);
	return e && (*e & _PAGE_PRESENT);
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

int max_threads; /* threads-max (Linux: kernel/fork.c max_threads) */

namespace
{
/* threads-max: the thread stacks may use at most 1/8 of memory, between
 * MIN_THREADS and MAX_THREADS (FUTEX_TID_MASK) (Linux: set_max_threads) */
void set_max_threads()
{
	constexpr uint64_t MIN_THREADS = 20, MAX_THREADS = 0x3fffffff;
	uint64_t threads = uint64_t(totalram_pages()) * PAGE_SIZE / (uint64_t(THREAD_SIZE) * 8);
	if (threads > MAX_THREADS)
		threads = MAX_THREADS;
	if (threads < MIN_THREADS)
		threads = MIN_THREADS;
	max_threads = int(threads);
}
} // namespace

void fork_init()
{
	task_struct_cachep =
	    kmem_cache_create("task_struct", sizeof(struct task_struct), 64, SLAB_PANIC | SLAB_ACCOUNT, nullptr);
	signal_cachep = kmem_cache_create("signal_cache", sizeof(struct signal_struct), 0,
	                                  SLAB_HWCACHE_ALIGN | SLAB_PANIC | SLAB_ACCOUNT, nullptr);
	sighand_cachep = kmem_cache_create("sighand_cache", sizeof(struct sighand_struct), 0,
	                                   SLAB_HWCACHE_ALIGN | SLAB_PANIC | SLAB_ACCOUNT, nullptr);
	fpstate_cache_init(); /* Linux sizes task_struct with the FPU state instead */
	set_max_threads();
	/* Linux's fork_init: half of threads-max for init's RLIMIT_NPROC and
	 * RLIMIT_SIGPENDING, inherited by everyone */
	init_signals.rlim[RLIMIT_NPROC].rlim_cur = init_signals.rlim[RLIMIT_NPROC].rlim_max = max_threads / 2;
	init_signals.rlim[RLIMIT_SIGPENDING].rlim_cur = init_signals.rlim[RLIMIT_SIGPENDING].rlim_max =
	    max_threads / 2;
	lib::spin_lock_irqsave_guard g(tasklist_lock);
	if (!init_task.thread_node.linked())
		init_signals.thread_head.add_tail(&init_task.thread_node);
	set_task_stack_end_magic(&init_task);
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

namespace
{
/* freed stacks kept for the next fork (Linux: cached_stacks, per CPU;
 * here two slots for all CPUs, taken and filled with atomic exchanges):
 * a fork then skips vmalloc's mapping and vfree's unmapping and flush */
constexpr int NR_CACHED_STACKS = 2;
void* cached_stacks[NR_CACHED_STACKS];
} // namespace

void drain_cached_stacks()
{
	for (void*& slot : cached_stacks)
		if (void* s = __atomic_exchange_n(&slot, nullptr, __ATOMIC_ACQ_REL))
			vfree(s);
}

lib::Result<void> alloc_thread_stack_node(struct task_struct* tsk, int node)
{
	if (should_fail_alloc())
		return lib::Error{ENOMEM};
	for (void*& slot : cached_stacks) {
		if (void* s = __atomic_exchange_n(&slot, nullptr, __ATOMIC_ACQ_REL)) {
			lib::memset(s, 0, THREAD_SIZE); /* no stale pointers from the last user */
			tsk->stack = s;
			return lib::ok();
		}
	}
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
	for (void*& slot : cached_stacks) {
		void* expected = nullptr;
		if (__atomic_compare_exchange_n(&slot, &expected, tsk->stack, false, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
			tsk->stack = nullptr;
			return;
		}
	}
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
	tsk->pending.list.init(); /* the parent's queue is not ours */
	tsk->sigqueue_cache = nullptr; /* nor its cached sigqueue */
	tsk->pending.signal = {};
	tsk->set_child_tid = tsk->clear_child_tid = user_ptr<int>();
	TRY(fpu_clone(tsk, orig)); /* arch_dup_task_struct: the user FPU registers */
	lib::scope_exit undo_fpu([tsk] { fpstate_free(tsk); });
	tsk->real_cred = tsk->cred = nullptr; /* copy_creds takes its own references */
	tsk->fs = nullptr;             /* copy_fs/copy_files give it its own references */
	tsk->files = nullptr;
	TRY(alloc_thread_stack_node(tsk, node));
	undo_fpu.release();
	undo_tsk.release();
	set_task_stack_end_magic(tsk);
	clear_tsk_thread_flag(tsk, TIF_NEED_RESCHED);
	tsk->usage.store(1, std::memory_order_relaxed);
	tsk->rcu_users.store(2, std::memory_order_relaxed); /* the task list's and the last switch's */
	tsk->ptrace_entry.init();
	tsk->ptraced.init();
	tsk->ptrace = 0; /* ptrace_init_task decides (copy_process) */
	tsk->ptrace_message = 0;
	tsk->last_siginfo = nullptr;
	tsk->thread_info.syscall_work = 0; /* no syscall-stops inherited */
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
	if (t->real_cred) /* exit_creds */
		put_cred(t->real_cred);
	if (t->cred)
		put_cred(t->cred);
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
	new (sig) signal_struct{}; /* zeroed, lists and wait queue empty */
	sig->sigcnt.store(1);
	sig->live.store(0);
	sig->nr_threads = 0;
	/* the same process group and session as the parent (Linux:
	 * copy_process attaches PIDTYPE_PGID/SID of current) */
	sig->pgrp = cur->signal->pgrp;
	sig->session = cur->signal->session;
	sig->tty = cur->signal->tty;
	sig->is_child_subreaper = 0;
	sig->has_child_subreaper = cur->signal->has_child_subreaper || cur->signal->is_child_subreaper;
	for (int i = 0; i < RLIM_NLIMITS; i++)
		sig->rlim[i] = cur->signal->rlim[i];
	return sig;
}
} // namespace

lib::Result<void> copy_mm(unsigned long clone_flags, struct task_struct* tsk);

void __cleanup_sighand(struct sighand_struct* sighand)
{
	if (sighand->count.fetch_sub(1) == 1 && sighand != &init_sighand)
		kmem_cache_free(sighand_cachep, sighand);
}

/* exec: a sighand shared without a thread group (CLONE_SIGHAND, as
 * posix_spawn-like clones make) is copied, so that resetting the
 * handlers does not touch the other sharers' (Linux: fs/exec.c
 * unshare_sighand); ENOMEM */
lib::Result<void> unshare_sighand(struct task_struct* me)
{
	struct sighand_struct* oldsighand = me->sighand;
	if (oldsighand->count.load() == 1)
		return lib::ok();
	auto* newsighand = should_fail_alloc()
	                       ? nullptr
	                       : static_cast<struct sighand_struct*>(kmem_cache_alloc(sighand_cachep, GFP_KERNEL));
	if (!newsighand)
		return lib::Error{ENOMEM};
	new (newsighand) sighand_struct{};
	lockdep_init_map(&newsighand->siglock);
	newsighand->count.store(1);
	{
		lib::spin_lock_irqsave_guard g(tasklist_lock);
		lib::spin_lock_guard sg(oldsighand->siglock);
		lib::memcpy(newsighand->action, oldsighand->action, sizeof(newsighand->action));
		me->sighand = newsighand;
	}
	__cleanup_sighand(oldsighand);
	return lib::ok();
}

/* current's handlers, shared (CLONE_SIGHAND) or copied (Linux: copy_sighand) */
lib::Result<void> copy_sighand(uint64_t clone_flags, struct task_struct* tsk)
{
	struct sighand_struct* cur = current->sighand;
	if (clone_flags & CLONE_SIGHAND) {
		cur->count.fetch_add(1);
		tsk->sighand = cur;
		return lib::ok();
	}
	auto* sig = should_fail_alloc()
	                ? nullptr
	                : static_cast<struct sighand_struct*>(kmem_cache_alloc(sighand_cachep, GFP_KERNEL));
	if (!sig)
		return lib::Error{ENOMEM};
	new (sig) sighand_struct{};
	lockdep_init_map(&sig->siglock);
	sig->count.store(1);
	{
		lib::spin_lock_irqsave_guard g(cur->siglock);
		lib::memcpy(sig->action, cur->action, sizeof(sig->action));
	}
	tsk->sighand = sig;
	/* clone3's CLONE_CLEAR_SIGHAND: handlers back to SIG_DFL, ignored
	 * signals stay ignored */
	if (clone_flags & CLONE_CLEAR_SIGHAND)
		flush_signal_handlers(tsk, 0);
	return lib::ok();
}

namespace
{
/* the namespace flags: no namespaces yet */
constexpr uint64_t CLONE_NAMESPACES = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID |
                                      CLONE_NEWNET | CLONE_NEWCGROUP | CLONE_NEWTIME;

/* Linux's checks of copy_process before anything is allocated */
lib::Result<void> check_clone_flags(uint64_t clone_flags, struct task_struct* cur)
{
	if ((clone_flags & (CLONE_NEWNS | CLONE_FS)) == (CLONE_NEWNS | CLONE_FS))
		return lib::Error{EINVAL};
	if ((clone_flags & (CLONE_NEWUSER | CLONE_FS)) == (CLONE_NEWUSER | CLONE_FS))
		return lib::Error{EINVAL};
	/* thread groups share signals; shared handlers need a shared VM */
	if ((clone_flags & CLONE_THREAD) && !(clone_flags & CLONE_SIGHAND))
		return lib::Error{EINVAL};
	if ((clone_flags & CLONE_SIGHAND) && !(clone_flags & CLONE_VM))
		return lib::Error{EINVAL};
	/* init may not make siblings: swapper would never reap them */
	if ((clone_flags & CLONE_PARENT) && (cur->signal->flags & SIGNAL_UNKILLABLE))
		return lib::Error{EINVAL};
	if ((clone_flags & CLONE_THREAD) && (clone_flags & (CLONE_NEWUSER | CLONE_NEWPID)))
		return lib::Error{EINVAL};
	if ((clone_flags & CLONE_PIDFD) && (clone_flags & (CLONE_DETACHED | CLONE_THREAD)))
		return lib::Error{EINVAL};
	if (clone_flags & CLONE_NAMESPACES) {
		/* copy_namespaces: CAP_SYS_ADMIN first (CLONE_NEWUSER needs none
		 * in Linux), then the namespaces themselves, which do not exist */
		if (!(clone_flags & CLONE_NEWUSER) && !capable(CAP_SYS_ADMIN))
			return lib::Error{EPERM};
		pr_warn_once("clone: namespaces (flags %#llx) are not implemented\n",
		             (unsigned long long)(clone_flags & CLONE_NAMESPACES));
		return lib::Error{EINVAL};
	}
	return lib::ok();
}

/* the tasks of uid (threads too): Linux keeps the count in the user's
 * ucounts (UCOUNT_RLIMIT_NPROC); here it is counted when a limit applies */
long nr_tasks_of_user(kuid_t uid) NO_THREAD_SAFETY_ANALYSIS
{
	long n = 0;
	lib::spin_lock_irqsave_guard g(tasklist_lock);
	struct task_struct *p, *t;
	for_each_process_thread(p, t)
		if (uid_eq(t->real_cred->uid, uid))
			n++;
	return n;
}
} // namespace

void put_task_struct_rcu_user(struct task_struct* t)
{
	if (t->rcu_users.fetch_sub(1, std::memory_order_acq_rel) == 1)
		put_task_struct(t);
}

namespace
{
/* which PTRACE_EVENT a clone of current reports, 0 for none (Linux:
 * kernel_clone's trace) */
int ptrace_clone_event(const struct kernel_clone_args* args)
{
	if (args->flags & CLONE_UNTRACED)
		return 0;
	int trace;
	if (args->flags & CLONE_VFORK)
		trace = PTRACE_EVENT_VFORK;
	else if (args->exit_signal != SIGCHLD)
		trace = PTRACE_EVENT_CLONE;
	else
		trace = PTRACE_EVENT_FORK;
	return ptrace_event_enabled(current, trace) ? trace : 0;
}
} // namespace

lib::Result<struct task_struct*> copy_process(struct kernel_clone_args* args, int node)
{
	struct task_struct* cur = current;
	uint64_t clone_flags = args->flags;
	TRY(check_clone_flags(clone_flags, cur));

	/* The steps that can fail, each holding what it took until the end:
	 * a failed TRY returns, and the destructors undo in reverse order
	 * (Linux's bad_fork_cleanup_* labels). */
	lib::ref<task_struct> task = lib::adopt_ref(TRY(dup_task_struct(cur, node)));
	struct task_struct* p = task.get();
	/* RLIMIT_NPROC: per real uid, root and CAP_SYS_RESOURCE/ADMIN exempt */
	unsigned long nproc = rlimit(RLIMIT_NPROC);
	if (nproc != RLIM_INFINITY && !uid_eq(cur->real_cred->uid, GLOBAL_ROOT_UID) &&
	    nr_tasks_of_user(cur->real_cred->uid) >= long(nproc) && !capable(CAP_SYS_RESOURCE) &&
	    !capable(CAP_SYS_ADMIN))
		return lib::Error{EAGAIN};
	cur->flags &= ~PF_NPROC_EXCEEDED;
	/* copy_creds: the creds are shared, counted */
	p->real_cred = get_cred(cur->real_cred);
	p->cred = get_cred(cur->cred);
	lib::scope_exit undo_creds([p] {
		put_cred(p->real_cred);
		put_cred(p->cred);
		p->real_cred = p->cred = nullptr;
	});
	/* threads-max, as Linux: the count is read racily */
	if (__atomic_load_n(&nr_threads, __ATOMIC_RELAXED) >= max_threads)
		return lib::Error{EAGAIN};

	p->flags &= ~(PF_SUPERPRIV | PF_WQ_WORKER | PF_IDLE | PF_NO_SETAFFINITY | PF_KTHREAD | PF_EXITING |
	              PF_SIGNALED | PF_DUMPCORE | PF_NPROC_EXCEEDED);
	p->flags |= PF_FORKNOEXEC;
	if (args->kthread)
		p->flags |= PF_KTHREAD;
	if (args->name)
		set_task_comm(p, args->name);
	p->utime = p->stime = 0;
	p->prev_cputime.utime = p->prev_cputime.stime = 0; /* prev_cputime_init */
	new (&p->prev_cputime.lock) lib::spinlock();
	p->default_timer_slack_ns = cur->timer_slack_ns; /* Linux's copy_process */
	p->nvcsw = p->nivcsw = 0;
	p->min_flt = p->maj_flt = 0;
	p->se.exec_start = p->se.sum_exec_runtime = p->se.prev_sum_exec_runtime = 0;
	p->se.nr_migrations = 0;
	p->start_time = p->start_boottime = ktime_get_ns();
	p->exit_state = 0;
	p->exit_code = 0;
	p->pdeath_signal = 0; /* cleared in a child, as Linux's */
	p->robust_list = user_ptr<void>();
	rt_mutex_init_task(p); /* no PI waiters or boost inherited */
	futex_init_task(p);    /* no PI futexes owned */
	p->jobctl = 0;
	if ((clone_flags & (CLONE_VM | CLONE_VFORK)) == CLONE_VM) {
		p->sas_ss_sp = p->sas_ss_size = 0; /* a new thread's stack is not the parent's altstack */
		p->sas_ss_flags = 0;
	}
	p->set_child_tid = (clone_flags & CLONE_CHILD_SETTID) ? args->child_tid : user_ptr<int>();
	p->clear_child_tid = (clone_flags & CLONE_CHILD_CLEARTID) ? args->child_tid : user_ptr<int>();

	/* sched_fork: the parent's policy, no inherited PI boost */
	p->__state = TASK_NEW;
	p->prio = cur->normal_prio;
	sched_fork(p);

	TRY(copy_files(clone_flags, p));
	lib::scope_exit undo_files([p] { exit_files(p); });
	TRY(copy_fs(clone_flags, p));
	lib::scope_exit undo_fs([p] { exit_fs(p); });
	TRY(copy_sighand(clone_flags, p));
	lib::scope_exit undo_sighand([p] { __cleanup_sighand(p->sighand); });
	lib::ref<signal_struct> sig = lib::adopt_ref(TRY(copy_signal(clone_flags, cur, node)));
	if (args->fn) {
		/* a kernel thread or user_mode_thread: no mm until exec */
		p->mm = p->active_mm = nullptr;
	} else {
		TRY(copy_mm(clone_flags, p));
	}
	lib::scope_exit undo_mm([p] {
		if (p->mm)
			mmput(p->mm);
	});
	if (int err = copy_thread(p, args); err < 0)
		return lib::Error{-err};
	/* alloc_pid, or clone3's set_tid: one pid namespace, so one tid,
	 * within pid_max, for a CAP_SYS_ADMIN caller (Linux:
	 * checkpoint_restore_ns_capable) */
	int pid;
	if (args->set_tid_size) {
		if (args->set_tid_size > 1)
			return lib::Error{EINVAL};
		pid_t tid = args->set_tid[0];
		if (tid < 1 || tid >= pid_max)
			return lib::Error{EINVAL};
		if (!capable(CAP_SYS_ADMIN))
			return lib::Error{EPERM};
		pid = TRY(alloc_pid_nr(tid));
	} else {
		pid = TRY(alloc_pid());
	}
	lib::scope_exit undo_pid([pid] { free_pid(pid); });
	p->pid = pid;
	/* CLONE_PIDFD: the fd is reserved and written now, installed once
	 * nothing can fail (a bad pointer fails the clone, as Linux's) */
	int pidfd = -1;
	struct file* pidfile = nullptr;
	if (clone_flags & CLONE_PIDFD) {
		pidfd = TRY(get_unused_fd_flags(O_RDWR | O_CLOEXEC));
		lib::Result<struct file*> f = pidfd_create_file(p, 0);
		if (f.is_err()) {
			put_unused_fd(unsigned(pidfd));
			return lib::Error{f.error()};
		}
		pidfile = f.value();
	}
	lib::scope_exit undo_pidfd([pidfd, pidfile] {
		if (pidfile) {
			fput(pidfile);
			put_unused_fd(unsigned(pidfd));
		}
	});
	if (pidfile)
		TRY(put_user(pidfd, args->pidfd));

	/* the exit signal: none for a thread, the parent's own for
	 * CLONE_PARENT (it becomes current's sibling) */
	if (clone_flags & CLONE_THREAD)
		p->exit_signal = -1;
	else if (clone_flags & CLONE_PARENT)
		p->exit_signal = cur->group_leader->exit_signal;
	else
		p->exit_signal = args->exit_signal;
	p->parent_exec_id = cur->self_exec_id;

	unsigned long flags = arch_local_irq_save();
	tasklist_lock.lock();
	if (clone_flags & (CLONE_PARENT | CLONE_THREAD))
		p->real_parent = cur->real_parent;
	else
		p->real_parent = cur;
	p->parent = p->real_parent;
	/* a traced parent's child is traced too when the tracer asked
	 * (TRACEFORK/VFORK/CLONE, or CLONE_PTRACE); the tracer's single-step
	 * is not inherited */
	user_disable_single_step(p);
	ptrace_init_task(p, (clone_flags & CLONE_PTRACE) || ptrace_clone_event(args));
	/* a fatal signal now means current dies: the child must not slip out
	 * (Linux checks under siglock; the interim signals keep no state that
	 * needs it) */
	if (fatal_signal_pending(cur)) {
		if (p->ptrace)
			__ptrace_unlink(p);
		tasklist_lock.unlock_irqrestore(flags);
		return lib::Error{EINTR};
	}
	/* Nothing fails from here on: the task owns its pid, signal_struct,
	 * mm, files and creds; the reference dup_task_struct gave is shared by
	 * the task list and its last switch (rcu_users) */
	undo_pidfd.release();
	undo_pid.release();
	undo_mm.release();
	undo_sighand.release();
	undo_fs.release();
	undo_files.release();
	undo_creds.release();
	(void)task.release();
	p->signal = sig.release();
	if (clone_flags & CLONE_THREAD) {
		p->tgid = cur->tgid;
		p->group_leader = cur->group_leader;
	} else {
		p->tgid = pid;
		p->group_leader = p;
	}
	if (thread_group_leader(p)) {
		p->real_parent->children.add_tail(&p->sibling);
		init_task.tasks.add_tail(&p->tasks);
		if (pid == 1 && !(p->flags & PF_KTHREAD)) /* init: unkillable (is_child_reaper) */
			p->signal->flags |= SIGNAL_UNKILLABLE;
	}
	p->signal->thread_head.add_tail(&p->thread_node);
	p->signal->nr_threads++;
	p->signal->live.fetch_add(1);
	nr_threads++;
	total_forks++;
	tasklist_lock.unlock_irqrestore(flags);
	if (pidfile)
		fd_install(unsigned(pidfd), pidfile);
	return p;
}

lib::Result<struct task_struct*> copy_process(unsigned long clone_flags, int node)
{
	struct kernel_clone_args args = {};
	args.flags = clone_flags;
	args.kthread = (current->flags & PF_KTHREAD) ? 1 : 0;
	if (clone_flags & CLONE_THREAD)
		args.flags |= CLONE_SIGHAND | CLONE_VM;
	return copy_process(&args, node);
}

namespace
{
/* the parent of a CLONE_VFORK child sleeps until the child execs or
 * exits, killably (Linux: wait_for_vfork_done).  The child completes
 * vfork_done after taking it with an exchange (complete_vfork_done); a
 * parent that gives up takes it back the same way, and if the child got
 * there first it waits for the completion it is already doing. */
void wait_for_vfork_done(struct task_struct* child, struct completion* vfork)
{
	__wait_event_common(&vfork->wait, TASK_KILLABLE, MAX_SCHEDULE_TIMEOUT,
	                    [&] { return completion_done(vfork) || fatal_signal_pending(current); });
	if (__atomic_exchange_n(&child->vfork_done, nullptr, __ATOMIC_ACQ_REL) == nullptr)
		wait_for_completion(vfork); /* the child holds it: it is completing now */
	put_task_struct(child);
}
} // namespace

lib::Result<pid_t> kernel_clone(struct kernel_clone_args* args)
{
	uint64_t clone_flags = args->flags;
	if ((clone_flags & CLONE_PIDFD) && (clone_flags & CLONE_PARENT_SETTID) && args->pidfd == args->parent_tid)
		return lib::Error{EINVAL};
	struct task_struct* p = TRY(copy_process(args, NUMA_NO_NODE));
	pid_t nr = task_pid_nr(p);
	if (clone_flags & CLONE_PARENT_SETTID)
		(void)put_user(nr, args->parent_tid); /* a fault is ignored, as Linux's */
	struct completion vfork;
	if (clone_flags & CLONE_VFORK) {
		init_completion(&vfork);
		p->vfork_done = &vfork;
		get_task_struct(p);
	}
	int trace = ptrace_clone_event(args);
	wake_up_new_task(p);
	/* the tracer hears of the new task (GETEVENTMSG: its pid) */
	if (trace)
		ptrace_event_pid(trace, nr);
	if (clone_flags & CLONE_VFORK)
		wait_for_vfork_done(p, &vfork);
	return nr;
}

/* Linux: kernel/fork.c; x86_64's argument order (no CLONE_BACKWARDS) */
SYSCALL_DEFINE0(fork)
{
	struct kernel_clone_args args = {};
	args.exit_signal = SIGCHLD;
	return TRY(kernel_clone(&args));
}

SYSCALL_DEFINE0(vfork)
{
	struct kernel_clone_args args = {};
	args.flags = CLONE_VFORK | CLONE_VM;
	args.exit_signal = SIGCHLD;
	return TRY(kernel_clone(&args));
}

/* clone3(2)'s argument block (Linux: include/uapi/linux/sched.h) */
struct clone_args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid, set_tid_size,
	    cgroup;
};
#define CLONE_ARGS_SIZE_VER0 64 /* the first published struct */
#define MAX_PID_NS_LEVEL 32

namespace
{
/* Linux: copy_clone_args_from_user (copy_struct_from_user: a larger
 * struct must be zero beyond ours, E2BIG) */
lib::Result<void> copy_clone_args_from_user(struct kernel_clone_args* kargs, pid_t* kset_tid,
                                            user_ptr<struct clone_args> uargs, size_t usize)
{
	if (usize > PAGE_SIZE)
		return lib::Error{E2BIG};
	if (usize < CLONE_ARGS_SIZE_VER0)
		return lib::Error{EINVAL};
	struct clone_args args = {};
	size_t ksize = sizeof(args);
	if (copy_from_user(&args, uargs, usize < ksize ? usize : ksize))
		return lib::Error{EFAULT};
	for (size_t off = ksize; off < usize; off++) { /* the tail the kernel does not know */
		char c;
		if (copy_from_user(&c, user_ptr<char>(uargs.addr() + off), 1))
			return lib::Error{EFAULT};
		if (c)
			return lib::Error{E2BIG};
	}
	if (args.set_tid_size > MAX_PID_NS_LEVEL)
		return lib::Error{EINVAL};
	if (!args.set_tid && args.set_tid_size > 0)
		return lib::Error{EINVAL};
	if (args.set_tid && args.set_tid_size == 0)
		return lib::Error{EINVAL};
	/* the upper bits of exit_signal unset, and a valid signal */
	if ((args.exit_signal & ~uint64_t(CSIGNAL)) || args.exit_signal > _NSIG)
		return lib::Error{EINVAL};
	if ((args.flags & CLONE_INTO_CGROUP) && (args.cgroup > 0x7fffffff || usize < 88))
		return lib::Error{EINVAL};
	kargs->flags = args.flags;
	kargs->pidfd = user_ptr<int>(uintptr_t(args.pidfd));
	kargs->child_tid = user_ptr<int>(uintptr_t(args.child_tid));
	kargs->parent_tid = user_ptr<int>(uintptr_t(args.parent_tid));
	kargs->exit_signal = int(args.exit_signal);
	kargs->stack = args.stack;
	kargs->stack_size = args.stack_size;
	kargs->tls = args.tls;
	kargs->set_tid_size = args.set_tid_size;
	if (args.set_tid) {
		if (copy_from_user(kset_tid, user_ptr<pid_t>(uintptr_t(args.set_tid)),
		                   args.set_tid_size * sizeof(pid_t)))
			return lib::Error{EFAULT};
		kargs->set_tid = kset_tid;
	}
	return lib::ok();
}

bool clone3_stack_valid(struct kernel_clone_args* kargs)
{
	if (kargs->stack == 0)
		return kargs->stack_size == 0;
	if (kargs->stack_size == 0)
		return false;
	if (kargs->stack > TASK_SIZE_MAX || kargs->stack_size > TASK_SIZE_MAX - kargs->stack) /* access_ok */
		return false;
	kargs->stack += kargs->stack_size; /* clone3 gives the lowest address */
	return true;
}

bool clone3_args_valid(struct kernel_clone_args* kargs)
{
	/* no unknown flags */
	if (kargs->flags & ~(CLONE_LEGACY_FLAGS | CLONE_CLEAR_SIGHAND | CLONE_INTO_CGROUP))
		return false;
	/* CLONE_DETACHED and the CSIGNAL bits are reserved in clone3 */
	if (kargs->flags & (CLONE_DETACHED | (CSIGNAL & ~uint64_t(CLONE_NEWTIME))))
		return false;
	if ((kargs->flags & (CLONE_SIGHAND | CLONE_CLEAR_SIGHAND)) == (CLONE_SIGHAND | CLONE_CLEAR_SIGHAND))
		return false;
	if ((kargs->flags & (CLONE_THREAD | CLONE_PARENT)) && kargs->exit_signal)
		return false;
	return clone3_stack_valid(kargs);
}
} // namespace

SYSCALL_DEFINE2(clone3, user_ptr<struct clone_args>, uargs, size_t, size)
{
	struct kernel_clone_args kargs = {};
	pid_t set_tid[MAX_PID_NS_LEVEL];
	TRY(copy_clone_args_from_user(&kargs, set_tid, uargs, size));
	if (!clone3_args_valid(&kargs))
		return lib::Error{EINVAL};
	if (kargs.flags & CLONE_INTO_CGROUP) {
		pr_warn_once("clone3: CLONE_INTO_CGROUP: there are no cgroups\n");
		return lib::Error{EINVAL};
	}
	return TRY(kernel_clone(&kargs));
}

SYSCALL_DEFINE5(clone, unsigned long, clone_flags, unsigned long, newsp, user_ptr<int>, parent_tidptr,
                user_ptr<int>, child_tidptr, unsigned long, tls)
{
	struct kernel_clone_args args = {};
	args.flags = clone_flags & ~uint64_t(CSIGNAL);
	args.pidfd = parent_tidptr;
	args.child_tid = child_tidptr;
	args.parent_tid = parent_tidptr;
	args.exit_signal = int(clone_flags & CSIGNAL);
	args.stack = newsp;
	args.tls = tls;
	return TRY(kernel_clone(&args));
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
	p->sighand = &init_sighand;
	init_sighand.count.fetch_add(1);
	p->mm = nullptr;
	p->active_mm = &init_mm; /* as init_task: lazy on init_mm (Linux: idle_init's mmgrab) */
	mmgrab(&init_mm);
	p->real_cred = get_cred(init_task.real_cred);
	p->cred = get_cred(init_task.cred);
	p->flags = PF_IDLE | PF_KTHREAD;
	p->fs = &init_fs; /* idle tasks share init's, and never exit */
	init_fs.users.fetch_add(1);
	p->files = &init_files;
	init_files.count.fetch_add(1);
	p->start_time = p->start_boottime = ktime_get_ns();
	init_idle(p, cpu);
	return p;
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

/* ================================================================
 * Address spaces (Linux: kernel/fork.c proc_caches_init, mm_alloc,
 * mm_init, __mmdrop, mmput, dup_mmap, dup_mm, copy_mm, get_task_mm;
 * kernel/exit.c exit_mm; fs/exec.c exec_mmap).
 *
 * An mm lives while it has users (mm_users: tasks, get_task_mm holders)
 * and its struct while it has references (mm_count: one for all users,
 * one per CPU or kernel thread borrowing it as active_mm).  The last
 * mmput unmaps everything (exit_mmap) and drops the users' mm_count; the
 * last mmdrop frees the PGD and the struct.
 * ================================================================ */
#include <arch/mmu_context.h>
#include <kernel/compiler.h>
#include <kernel/irqflags.h>
#include <mm/mm.h>
#include "../mm/internal.h"

struct kmem_cache* mm_cachep;
struct kmem_cache* vm_area_cachep;

void proc_caches_init()
{
	mm_cachep = kmem_cache_create("mm_struct", sizeof(struct mm_struct), 64, SLAB_HWCACHE_ALIGN | SLAB_PANIC | SLAB_ACCOUNT,
	                              nullptr);
	vm_area_cachep = kmem_cache_create("vm_area_struct", sizeof(struct vm_area_struct), 0, SLAB_PANIC | SLAB_ACCOUNT,
	                                   nullptr);
	init_rwsem(&init_mm.mmap_lock);
	/* init_task's lazy reference; the static mm_count of 1 is permanent,
	 * so init_mm is never freed (Linux: sched_init's mmgrab) */
	mmgrab(&init_mm);
	for (auto& t : cpu_tlbstate)
		t.loaded_mm = &init_mm;
	memory_init();
}

namespace
{
/* a zeroed mm with its own PGD: mm_users 1, mm_count 1 (Linux: mm_init) */
struct mm_struct* mm_init(struct mm_struct* mm)
{
	new (mm) mm_struct{};
	mm->mm_rb = RB_ROOT;
	mm->mm_users.store(1);
	mm->mm_count.store(1);
	init_rwsem(&mm->mmap_lock);
	new (&mm->page_table_lock) lib::spinlock();
	lockdep_init_map(&mm->page_table_lock);
	mm->task_size = TASK_SIZE_MAX;
	mm->pgd = pgd_alloc(mm);
	if (!mm->pgd) {
		kmem_cache_free(mm_cachep, mm);
		return nullptr;
	}
	return mm;
}

struct mm_struct* allocate_mm()
{
	if (should_fail_alloc())
		return nullptr;
	return static_cast<struct mm_struct*>(kmem_cache_alloc(mm_cachep, GFP_KERNEL));
}
} // namespace

struct mm_struct* mm_alloc()
{
	struct mm_struct* mm = allocate_mm();
	return mm ? mm_init(mm) : nullptr;
}

void __mmdrop(struct mm_struct* mm)
{
	if (WARN_ON(mm == &init_mm))
		return;
	WARN_ON(mm->pgtables_bytes.load() != 0);
	pgd_free(mm, mm->pgd);
	kmem_cache_free(mm_cachep, mm);
}

void mmput(struct mm_struct* mm)
{
	if (mm->mm_users.fetch_sub(1, std::memory_order_acq_rel) != 1)
		return;
	{
		mmap_write_guard g(mm); /* nobody else can take it: no users left */
		exit_mmap(mm);
	}
	for (int i = 0; i < NR_MM_COUNTERS; i++)
		WARN_ON(mm->rss_stat[i].load() != 0);
	mmdrop(mm);
}

struct mm_struct* get_task_mm(struct task_struct* task)
{
	/* Linux takes task_lock; here a task's mm changes only by the task
	 * itself (exec, exit), and the caller holds a task reference */
	struct mm_struct* mm = READ_ONCE(task->mm);
	if (!mm || (task->flags & PF_KTHREAD))
		return nullptr;
	mmget(mm);
	return mm;
}

namespace
{
/* every VMA of oldmm into mm, pages shared copy-on-write (Linux: dup_mmap);
 * the caller holds oldmm's mmap_lock for writing */
lib::Result<void> dup_mmap(struct mm_struct* mm, struct mm_struct* oldmm)
{
	mm->total_vm = oldmm->total_vm;
	mm->data_vm = oldmm->data_vm;
	mm->exec_vm = oldmm->exec_vm;
	mm->stack_vm = oldmm->stack_vm;
	mm->locked_vm = 0; /* locks are not inherited */
	struct vm_area_struct* prev = nullptr;
	struct rb_node** rb_link = &mm->mm_rb.rb_node;
	struct rb_node* rb_parent = nullptr;
	for (struct vm_area_struct* mpnt = oldmm->mmap; mpnt; mpnt = mpnt->vm_next) {
		if (mpnt->vm_flags & VM_DONTCOPY) {
			vm_stat_account(mm, mpnt->vm_flags, -long(vma_pages(mpnt)));
			continue;
		}
		struct vm_area_struct* tmp = vm_area_dup(mpnt);
		if (!tmp)
			return lib::Error{ENOMEM};
		tmp->vm_mm = mm;
		tmp->vm_flags &= ~(VM_LOCKED | VM_LOCKONFAULT);
		if (tmp->vm_file)
			get_file(tmp->vm_file);
		if (tmp->vm_ops && tmp->vm_ops->open)
			tmp->vm_ops->open(tmp);
		/* in order, each after the last: link at the rightmost spot */
		__vma_link(mm, tmp, prev, rb_link, rb_parent);
		vma_link_file(tmp);
		rb_link = &tmp->vm_rb.rb_right;
		rb_parent = &tmp->vm_rb;
		prev = tmp;
		if (!(tmp->vm_flags & VM_WIPEONFORK))
			TRY(copy_page_range(mm, oldmm, mpnt));
	}
	return lib::ok();
}
} // namespace

lib::Result<struct mm_struct*> dup_mm(struct task_struct*, struct mm_struct* oldmm)
{
	struct mm_struct* mm = allocate_mm();
	if (!mm)
		return lib::Error{ENOMEM};
	if (!mm_init(mm))
		return lib::Error{ENOMEM};
	lib::Result<void> r = lib::ok();
	{
		mmap_write_guard g(oldmm);
		mm->get_unmapped_area = oldmm->get_unmapped_area;
		mm->mmap_base = oldmm->mmap_base;
		mm->mmap_legacy_base = oldmm->mmap_legacy_base;
		mm->task_size = oldmm->task_size;
		mm->def_flags = oldmm->def_flags & ~(VM_LOCKED | VM_LOCKONFAULT);
		mm->start_code = oldmm->start_code;
		mm->end_code = oldmm->end_code;
		mm->start_data = oldmm->start_data;
		mm->end_data = oldmm->end_data;
		mm->start_brk = oldmm->start_brk;
		mm->brk = oldmm->brk;
		mm->start_stack = oldmm->start_stack;
		mm->arg_start = oldmm->arg_start;
		mm->arg_end = oldmm->arg_end;
		mm->env_start = oldmm->env_start;
		mm->env_end = oldmm->env_end;
		mm->context = oldmm->context;
		lib::memcpy(mm->saved_auxv, oldmm->saved_auxv, sizeof(mm->saved_auxv));
		mm->hiwater_rss = get_mm_rss(oldmm);
		mm->hiwater_vm = oldmm->total_vm;
		r = dup_mmap(mm, oldmm);
	}
	if (r.is_err()) { /* what was copied goes as any mm's */
		mmput(mm);
		return lib::Error{r.error()};
	}
	return mm;
}

/* the new task's mm (Linux: copy_mm): none for a kernel thread, current's
 * for CLONE_VM, else a copy */
lib::Result<void> copy_mm(unsigned long clone_flags, struct task_struct* tsk)
{
	tsk->mm = nullptr;
	tsk->active_mm = nullptr;
	struct mm_struct* oldmm = current->mm;
	if (!oldmm)
		return lib::ok();
	struct mm_struct* mm;
	if (clone_flags & CLONE_VM) {
		mmget(oldmm);
		mm = oldmm;
	} else {
		mm = TRY(dup_mm(tsk, oldmm));
	}
	tsk->mm = mm;
	tsk->active_mm = mm;
	return lib::ok();
}

namespace
{
/* wake the vfork parent (or kthread_stop) waiting on tsk (Linux:
 * complete_vfork_done; the exchange replaces its task_lock, see
 * wait_for_vfork_done) */
void complete_vfork_done(struct task_struct* tsk)
{
	struct completion* vfork = __atomic_exchange_n(&tsk->vfork_done, nullptr, __ATOMIC_ACQ_REL);
	if (vfork)
		complete_all(vfork);
}

/* the task is done with mm, by exit or exec (Linux: mm_release): the
 * CLONE_CHILD_CLEARTID word cleared and woken (pthread_join), unless
 * nobody else can see the mm; the vfork parent let go */
void mm_release(struct task_struct* tsk, struct mm_struct* mm)
{
	if (tsk->clear_child_tid) {
		if (mm && mm->mm_users.load() > 1) {
			/* a fault is ignored: the word is user memory */
			if (put_user(0, tsk->clear_child_tid).is_ok())
				(void)futex_wake(user_ptr<uint32_t>(tsk->clear_child_tid.addr()), FLAGS_SHARED, 1,
				                 FUTEX_BITSET_MATCH_ANY);
		}
		tsk->clear_child_tid = user_ptr<int>();
	}
	if (tsk->vfork_done)
		complete_vfork_done(tsk);
}

void exit_mm_release(struct task_struct* tsk, struct mm_struct* mm)
{
	futex_exit_release(tsk);
	mm_release(tsk, mm);
}

void exec_mm_release(struct task_struct* tsk, struct mm_struct* mm)
{
	futex_exec_release(tsk);
	mm_release(tsk, mm);
}

/* the group's peak resident set, in KiB (Linux: setmax_mm_hiwater_rss,
 * which keeps pages; getrusage's ru_maxrss is KiB) */
void setmax_mm_hiwater_rss(unsigned long* maxrss, struct mm_struct* mm)
{
	unsigned long rss = get_mm_rss(mm);
	unsigned long hi = (mm->hiwater_rss > rss ? mm->hiwater_rss : rss) * (PAGE_SIZE / 1024);
	if (*maxrss < hi)
		*maxrss = hi;
}
} // namespace

void exit_mm()
{
	struct mm_struct* mm = current->mm;
	exit_mm_release(current, mm);
	if (!mm)
		return;
	setmax_mm_hiwater_rss(&current->signal->maxrss, mm);
	/* keep it loaded lazily until the next switch: one mm_count for that */
	mmgrab(mm);
	unsigned long flags = arch_local_irq_save();
	current->mm = nullptr;
	enter_lazy_tlb(mm, current);
	arch_local_irq_restore(flags);
	mmput(mm);
}

void exec_mmap(struct mm_struct* mm)
{
	struct task_struct* tsk = current;
	struct mm_struct* old_mm = tsk->mm;
	exec_mm_release(tsk, old_mm); /* the vfork parent goes on from here */
	if (old_mm)
		setmax_mm_hiwater_rss(&tsk->signal->maxrss, old_mm);
	unsigned long flags = arch_local_irq_save();
	struct mm_struct* active_mm = tsk->active_mm;
	tsk->active_mm = mm;
	tsk->mm = mm;
	activate_mm(active_mm, mm);
	arch_local_irq_restore(flags);
	if (old_mm) {
		mmput(old_mm);
		return;
	}
	mmdrop(active_mm); /* a kernel thread's borrowed mm */
}
