/*
 * The task structure, `current` and the scheduler's interface (Linux:
 * include/linux/sched.h, sched/prio.h, arch/x86/include/asm/
 * thread_info.h, processor.h thread_struct).
 *
 * What lives next to it, as in Linux's split of the same header:
 *   <kernel/sched/signal.h>     struct signal_struct, the task list and
 *                               thread-group walkers (for_each_process,
 *                               for_each_thread, do_each_thread...)
 *   <kernel/sched/task.h>       fork/exit: copy_process, get/put_task_struct,
 *                               kernel_thread, tasklist_lock
 *   <kernel/sched/task_stack.h> the kernel stack of a task
 *   <kernel/sched/stat.h>       nr_threads, total_forks, nr_processes()
 *   <kernel/sched/debug.h>      sched_show_task, show_state, show_stack
 *   <kernel/sched/types.h>      struct sched_param
 *   <kernel/cred.h>             struct cred
 *   <uapi/linux/sched.h>        SCHED_* policies, CLONE_* flags (ABI)
 *
 * Data structures:
 *   struct task_struct      one per thread, kernel threads included; from
 *                           the "task_struct" kmem_cache (kernel/fork.cc),
 *                           init_task is static (kernel/init_task.cc)
 *     thread_info.flags     TIF_* bits (TIF_NEED_RESCHED...), Linux x86's
 *     __state / exit_state  TASK_* / EXIT_* with Linux's values
 *     stack                 the bottom of its THREAD_SIZE kernel stack
 *                           (<kernel/sched/task_stack.h>)
 *     tasks                 on the task list, a circle through
 *                           init_task.tasks (init_task is the head)
 *     children / sibling    a parent's children list links their sibling
 *     signal                struct signal_struct, shared by a thread group
 *     cred / real_cred      struct cred, shared and refcounted (init_cred)
 *     fs / files            root+cwd+umask and the fd table, shared with
 *                           CLONE_FS/CLONE_FILES, else copied; kernel
 *                           threads share init_fs/init_files (fs/)
 *
 * Invariants:
 *   - Every task that has a pid > 0 and has not been released is on the
 *     task list exactly once (through tasks only if it is a thread-group
 *     leader, as Linux: for_each_process visits leaders), on its
 *     real_parent's children list, and on its signal->thread_head.
 *   - init_task (pid 0, "swapper/0") is the head of the task list and is
 *     not visited by for_each_process, as in Linux; it is its own parent.
 *   - current is never NULL; at boot it is &init_task.
 *   - A task's pid is set in the pid map for as long as the task is
 *     linked; pids are unique among linked tasks.
 *   - usage counts references; the task_struct and its stack are freed
 *     when it drops to zero (put_task_struct).
 *
 * Lock order: tasklist_lock (irqsave) -> pidmap_lock (irqsave) ->
 * slab/vmalloc locks.  tasklist_lock guards the task list, children/
 * sibling, thread lists, nr_threads; Linux's is a rwlock (read_lock for
 * walkers), here a spinlock.
 *
 * Differences from Linux: no struct pid/pid namespaces (pid numbers are
 * the ids and find_task_by_vpid walks the list), no RCU (walkers take
 * tasklist_lock).  mm is the task's address space (NULL for kernel
 * threads); active_mm the one its CPU has loaded (kernel threads borrow
 * the previous task's, lazy TLB; init_mm at boot), with an mm_count
 * reference (<mm/mm_types.h>).
 *
 * Scheduling state: se (fair: vruntime, run_node in the cfs_rq tree), rt
 * (run_list on an rt_rq priority list), sched_class, on_rq, on_cpu, and
 * thread.sp (the saved frame of a switched-out task); all changed under
 * the run queue's lock (kernel/sched/sched.h).  cpu and cpus_mask change
 * under pi_lock and the rq lock (both held, or pi_lock alone for a task
 * that is neither queued nor running).  worker_private holds a
 * kthread_create()d thread's struct kthread (kernel/kthread.cc).
 */
#pragma once
#include <arch/current.h>
#include <arch/fpu.h>
#include <arch/page.h>
#include <atomic>
#include <cstdint>
#include <kernel/cpumask.h>
#include <kernel/jiffies.h>
#include <kernel/restart.h>
#include <kernel/signal_types.h>
#include <kernel/lockdep.h>
#include <kernel/uaccess.h>
#include <lib/list.h>
#include <lib/rbtree.h>
#include <lib/result.h>
#include <lib/spinlock.h>

typedef int pid_t;

/* ---- thread_info flags (arch/x86/include/asm/thread_info.h) ---- */
#define TIF_NOTIFY_RESUME 1 /* callback before returning to user */
#define TIF_SIGPENDING 2    /* signal pending */
#define TIF_NEED_RESCHED 3  /* rescheduling necessary */
#define TIF_SINGLESTEP 4    /* reenable singlestep on user return */
#define TIF_SSBD 5          /* speculative store bypass disable */
#define TIF_SPEC_IB 9
#define TIF_SPEC_L1D_FLUSH 10
#define TIF_USER_RETURN_NOTIFY 11
#define TIF_UPROBE 12
#define TIF_PATCH_PENDING 13
#define TIF_NEED_FPU_LOAD 14
#define TIF_NOCPUID 15
#define TIF_NOTSC 16
#define TIF_NOTIFY_SIGNAL 17
#define TIF_MEMDIE 20
#define TIF_POLLING_NRFLAG 21 /* idle is polling for TIF_NEED_RESCHED */
#define TIF_RESTORE_SIGMASK 31 /* restore saved_sigmask on the way out (Linux keeps it in thread_info.status) */
#define TIF_IO_BITMAP 22
#define TIF_SPEC_FORCE_UPDATE 23
#define TIF_FORCED_TF 24
#define TIF_BLOCKSTEP 25
#define TIF_LAZY_MMU_UPDATES 27
#define TIF_ADDR32 29

#define _TIF_SIGPENDING (1UL << TIF_SIGPENDING)
#define _TIF_NEED_RESCHED (1UL << TIF_NEED_RESCHED)
#define _TIF_NOTIFY_RESUME (1UL << TIF_NOTIFY_RESUME)
#define _TIF_POLLING_NRFLAG (1UL << TIF_POLLING_NRFLAG)

struct thread_info {
	unsigned long flags; /* TIF_* */
	unsigned long syscall_work;
	uint32_t status; /* thread synchronous flags */
	uint32_t cpu;    /* current CPU */
};

/* ---- task states (include/linux/sched.h) ---- */
/* Used in tsk->__state: */
#define TASK_RUNNING 0x00000000
#define TASK_INTERRUPTIBLE 0x00000001
#define TASK_UNINTERRUPTIBLE 0x00000002
#define __TASK_STOPPED 0x00000004
#define __TASK_TRACED 0x00000008
/* Used in tsk->exit_state: */
#define EXIT_DEAD 0x00000010
#define EXIT_ZOMBIE 0x00000020
#define EXIT_TRACE (EXIT_ZOMBIE | EXIT_DEAD)
/* Used in tsk->__state again: */
#define TASK_PARKED 0x00000040
#define TASK_DEAD 0x00000080
#define TASK_WAKEKILL 0x00000100
#define TASK_WAKING 0x00000200
#define TASK_NOLOAD 0x00000400
#define TASK_NEW 0x00000800
#define TASK_RTLOCK_WAIT 0x00001000
#define TASK_FREEZABLE 0x00002000
#define __TASK_FREEZABLE_UNSAFE 0x00004000
#define TASK_FROZEN 0x00008000
#define TASK_STATE_MAX 0x00010000

#define TASK_ANY (TASK_STATE_MAX - 1)
#define TASK_KILLABLE (TASK_WAKEKILL | TASK_UNINTERRUPTIBLE)
#define TASK_STOPPED (TASK_WAKEKILL | __TASK_STOPPED)
#define TASK_TRACED __TASK_TRACED
#define TASK_IDLE (TASK_UNINTERRUPTIBLE | TASK_NOLOAD)
#define TASK_NORMAL (TASK_INTERRUPTIBLE | TASK_UNINTERRUPTIBLE)
#define TASK_REPORT                                                                                                    \
	(TASK_RUNNING | TASK_INTERRUPTIBLE | TASK_UNINTERRUPTIBLE | __TASK_STOPPED | __TASK_TRACED | EXIT_DEAD |       \
	 EXIT_ZOMBIE | TASK_PARKED)
#define TASK_REPORT_IDLE (TASK_REPORT + 1)
#define TASK_REPORT_MAX (TASK_REPORT_IDLE << 1)

/* priorities (include/linux/sched/prio.h) */
#define MAX_NICE 19
#define MIN_NICE -20
#define NICE_WIDTH (MAX_NICE - MIN_NICE + 1)
#define MAX_RT_PRIO 100
#define MAX_PRIO (MAX_RT_PRIO + NICE_WIDTH)
#define DEFAULT_PRIO (MAX_RT_PRIO + NICE_WIDTH / 2) /* 120: nice 0 */
#define NICE_TO_PRIO(nice) ((nice) + DEFAULT_PRIO)
#define PRIO_TO_NICE(prio) ((prio)-DEFAULT_PRIO)

/* ---- per-task flags (tsk->flags, include/linux/sched.h) ---- */
#define PF_VCPU 0x00000001
#define PF_IDLE 0x00000002    /* I am an IDLE thread */
#define PF_EXITING 0x00000004 /* getting shut down */
#define PF_POSTCOREDUMP 0x00000008
#define PF_IO_WORKER 0x00000010
#define PF_WQ_WORKER 0x00000020
#define PF_FORKNOEXEC 0x00000040 /* forked but didn't exec */
#define PF_MCE_PROCESS 0x00000080
#define PF_SUPERPRIV 0x00000100
#define PF_DUMPCORE 0x00000200
#define PF_SIGNALED 0x00000400
#define PF_MEMALLOC 0x00000800
#define PF_NPROC_EXCEEDED 0x00001000
#define PF_USED_MATH 0x00002000
#define PF_NOFREEZE 0x00008000
#define PF_KSWAPD 0x00020000
#define PF_MEMALLOC_NOFS 0x00040000
#define PF_MEMALLOC_NOIO 0x00080000
#define PF_LOCAL_THROTTLE 0x00100000
#define PF_KTHREAD 0x00200000 /* I am a kernel thread */
#define PF_RANDOMIZE 0x00400000
#define PF_NO_SETAFFINITY 0x04000000

#define TASK_COMM_LEN 16

struct mm_struct;     /* the address-space work defines it; NULL for kernel threads */
struct cred;          /* <kernel/cred.h> */
struct signal_struct; /* <kernel/sched/signal.h> */
struct fs_struct;     /* <fs/fs_struct.h> */
struct files_struct;  /* <fs/fdtable.h> */
struct sched_param;   /* <kernel/sched/types.h> */
struct completion;    /* <kernel/completion.h> */
struct rt_mutex_waiter; /* <kernel/rtmutex.h> */
struct futex_pi_state;  /* kernel/futex/futex.h */

struct sighand_struct; /* <kernel/sched/signal.h> */

/* ---- scheduling entities (kernel/sched/fair.cc, rt.cc) ---- */
struct load_weight {
	unsigned long weight;
	uint32_t inv_weight;
};
struct sched_entity {
	struct load_weight load; /* from the nice level: 1024 at nice 0 */
	unsigned int on_rq;
	uint64_t exec_start;
	uint64_t sum_exec_runtime;
	uint64_t vruntime;
	uint64_t prev_sum_exec_runtime;
	uint64_t nr_migrations;
	struct rb_node run_node; /* in cfs_rq->tasks_timeline while queued and not running */
};

/* scheduler statistics (Linux: struct sched_statistics, CONFIG_SCHEDSTATS;
 * /proc/PID/sched shows se.exec_max) */
struct sched_statistics {
	uint64_t exec_max; /* the longest run time charged at once, ns */
};

/* SCHED_FIFO/SCHED_RR (include/linux/sched.h sched_rt_entity) */
struct sched_rt_entity {
	lib::list_head run_list; /* on rt_rq->queue[prio] */
	unsigned int time_slice; /* RR: ticks left */
	unsigned short on_rq;
};
#define RR_TIMESLICE (100 * HZ / 1000) /* 100 ms in jiffies */
struct sched_class;

/* the utime/stime last reported for a task or thread group, so that the
 * scaled values (kernel/sched/cputime.cc cputime_adjust) never go back
 * (Linux: struct prev_cputime) */
struct prev_cputime {
	uint64_t utime, stime; /* ns */
	lib::spinlock lock;
};

/* task->atomic_flags (Linux: PFA_*) */
#define PFA_NO_NEW_PRIVS 0 /* prctl(PR_SET_NO_NEW_PRIVS): exec grants no privilege */

/* ---- the saved CPU context (arch/x86/include/asm/processor.h) ---- */
struct thread_struct {
	/* the kernel stack pointer switch_to saves and loads: while the task
	 * is switched out it points at struct inactive_task_frame */
	unsigned long sp;
	/* the user's FS and GS bases (arch_prctl), saved and loaded by
	 * __switch_to through the MSRs for a task that runs user code */
	unsigned long fsbase;
	unsigned long gsbase;
	struct fpu fpu; /* the user's FPU/SSE/AVX registers (<arch/fpu.h>) */
	/* the last user fault, for the signal frame's sigcontext (Linux's) */
	unsigned long cr2;
	unsigned long trap_nr;
	unsigned long error_code;
};

/* the task list's lock (<kernel/sched/task.h>), guarding the links below */
extern lib::spinlock tasklist_lock;

struct task_struct {
	/* first, as Linux (THREAD_INFO_IN_TASK): current_thread_info() == current */
	struct thread_info thread_info;
	unsigned int __state; /* TASK_*; read with READ_ONCE semantics */

	void* stack;             /* lowest address of the THREAD_SIZE kernel stack */
	std::atomic<long> usage; /* references (get_task_struct/put_task_struct) */
	/* two holders of one usage reference between them, as Linux's: the
	 * task list (dropped by release_task) and the task's last switch
	 * (finish_task_switch of a TASK_DEAD task); put_task_struct_rcu_user */
	std::atomic<int> rcu_users;
	unsigned int flags;      /* PF_* */
	unsigned int ptrace;

	/* serialises wake-ups and affinity changes of this task; taken before
	 * its rq->lock (Linux: p->pi_lock, task_rq_lock) */
	lib::spinlock pi_lock;
	int on_cpu;       /* 1 from being picked until the next task's finish_task_switch */
	unsigned int cpu; /* the CPU it runs or last ran on: set_task_cpu only */
	int on_rq;

	int prio;
	int static_prio;
	int normal_prio;
	unsigned int rt_priority;
	struct sched_entity se;
	struct sched_statistics stats;
	struct sched_rt_entity rt;
	const struct sched_class* sched_class;
	unsigned int policy;
	int nr_cpus_allowed;
	struct cpumask cpus_mask;

	lib::list_head tasks GUARDED_BY(tasklist_lock); /* the task list (leaders), headed by init_task.tasks */

	struct mm_struct* mm;        /* NULL for kernel threads */
	struct mm_struct* active_mm; /* the mm it runs on: borrowed by kernel threads */
	unsigned int personality;    /* PER_LINUX plus ADDR_NO_RANDOMIZE... (uapi/linux/personality.h) */
	unsigned brk_randomized : 1; /* exec moved the brk start (randomize_va_space 2) */

	int exit_state; /* EXIT_ZOMBIE, EXIT_DEAD */
	int exit_code;
	int exit_signal;
	int pdeath_signal; /* sent when the parent dies (prctl PR_SET_PDEATHSIG) */
	unsigned sched_reset_on_fork : 1; /* SCHED_RESET_ON_FORK (sched_setscheduler) */
	unsigned long atomic_flags;       /* PFA_NO_NEW_PRIVS...: set atomically, inherited by fork */
	uint64_t timer_slack_ns;          /* prctl PR_SET_TIMERSLACK */
	uint64_t default_timer_slack_ns;  /* what PR_SET_TIMERSLACK 0 restores: the parent's at fork */
	struct prev_cputime prev_cputime; /* the last utime/stime reported (cputime_adjust) */

	pid_t pid;
	pid_t tgid;

	struct task_struct* real_parent;  /* the one that created it (or init after reparenting) */
	struct task_struct* parent;       /* recipient of SIGCHLD, wait4() reports */
	lib::list_head children GUARDED_BY(tasklist_lock); /* its children, through their sibling */
	lib::list_head sibling GUARDED_BY(tasklist_lock);  /* on the parent's children list */
	struct task_struct* group_leader; /* the thread-group leader */
	lib::list_head thread_node GUARDED_BY(tasklist_lock); /* on signal->thread_head */
	/* exit_notify's list of tasks to release once tasklist_lock is
	 * dropped (Linux reuses ptrace_entry for it, as here) */
	lib::list_head ptrace_entry GUARDED_BY(tasklist_lock);
	/* ptrace (kernel/ptrace.cc): the tasks this one traces, through their
	 * ptrace_entry; a tracee's event message (GETEVENTMSG) and the siginfo
	 * of its current ptrace-stop (GETSIGINFO), NULL when not stopped */
	lib::list_head ptraced GUARDED_BY(tasklist_lock);
	unsigned long ptrace_message;
	struct kernel_siginfo* last_siginfo;

	uint64_t utime;          /* ns in user mode */
	uint64_t stime;          /* ns in kernel mode */
	unsigned long nvcsw;     /* voluntary context switches */
	unsigned long nivcsw;    /* involuntary context switches */
	uint64_t start_time;     /* monotonic ns at creation */
	uint64_t start_boottime; /* boot-based ns at creation */

	const struct cred* real_cred; /* objective credentials */
	const struct cred* cred;      /* effective (subjective) credentials */

	char comm[TASK_COMM_LEN]; /* executable name without path; set_task_comm */

	struct fs_struct* fs;       /* root, cwd, umask (<fs/fs_struct.h>); NULL once exited */
	struct files_struct* files; /* the fd table (<fs/fdtable.h>); NULL once exited */

	/* signals (kernel/signal.cc; the fields as Linux's).  signal and
	 * sighand are shared by a thread group (CLONE_THREAD needs
	 * CLONE_SIGHAND); pending, blocked and the alternate stack are the
	 * thread's own.  Changed under sighand->siglock, except the thread's
	 * own blocked/saved_sigmask/sas_* by the thread itself. */
	struct signal_struct* signal;
	struct sighand_struct* sighand;
	sigset_t blocked;       /* the signal mask (rt_sigprocmask) */
	sigset_t real_blocked;  /* the mask before rt_sigtimedwait widened it */
	sigset_t saved_sigmask; /* restored after rt_sigsuspend/ppoll/pselect (TIF_RESTORE_SIGMASK) */
	struct sigpending pending;      /* sent to this thread (tkill, faults) */
	struct sigqueue* sigqueue_cache; /* one freed sigqueue kept for the next (kernel/signal.cc), under siglock */
	unsigned long sas_ss_sp;        /* sigaltstack */
	unsigned long sas_ss_size;
	unsigned int sas_ss_flags;
	unsigned long jobctl;           /* JOBCTL_* (<kernel/sched/jobctl.h>): group stop, ptrace traps */
	struct restart_block restart_block; /* restart_syscall(2)'s continuation (<kernel/restart.h>) */
	unsigned long min_flt, maj_flt; /* page faults without and with I/O */
	uint64_t parent_exec_id, self_exec_id; /* exit_signal reset to SIGCHLD if the parent exec'd */

	/* completed when the task releases its mm in do_exit (Linux: the
	 * vfork parent's wait; a kthread's `exited` for kthread_stop) */
	struct completion* vfork_done;
	user_ptr<int> set_child_tid;   /* CLONE_CHILD_SETTID */
	user_ptr<int> clear_child_tid; /* CLONE_CHILD_CLEARTID, set_tid_address */
	user_ptr<void> robust_list;    /* set_robust_list: the futex list head (walked at exit by the futex work) */

	/* priority inheritance (kernel/locking/rtmutex.cc), under pi_lock */
	lib::list_head pi_waiters;            /* top waiters of the rt_mutexes it owns, most urgent first */
	struct task_struct* pi_top_task;      /* the task lending it its priority, or NULL */
	struct rt_mutex_waiter* pi_blocked_on; /* the rt_mutex it waits for */
	/* PI futexes (kernel/futex/): the futex_pi_states it owns, under pi_lock */
	lib::list_head pi_state_list;
	struct futex_pi_state* pi_state_cache; /* one preallocated, for futex_lock_pi */
	unsigned int futex_state;              /* FUTEX_STATE_OK, _EXITING, _DEAD */

	void* worker_private; /* struct kthread of a kthread_create()d thread */

	/* lockdep: the tracked locks this task holds, innermost last */
	int lockdep_depth;
	struct held_lock held_locks[MAX_LOCK_DEPTH];

	/* CPU-specific state; must stay last in Linux (variable size) */
	struct thread_struct thread;
};

/* ---- `current` and init_task ---- */
extern struct task_struct init_task;
extern "C" char init_stack[]; /* init_task's stack (head.S), THREAD_SIZE aligned */

static inline struct thread_info* current_thread_info()
{
	return &get_current()->thread_info;
}

/* ---- TIF flags ---- */
static inline void set_tsk_thread_flag(struct task_struct* t, int flag)
{
	__atomic_fetch_or(&t->thread_info.flags, 1UL << flag, __ATOMIC_RELAXED);
}
static inline void clear_tsk_thread_flag(struct task_struct* t, int flag)
{
	__atomic_fetch_and(&t->thread_info.flags, ~(1UL << flag), __ATOMIC_RELAXED);
}
static inline bool test_tsk_thread_flag(const struct task_struct* t, int flag)
{
	return (__atomic_load_n(&t->thread_info.flags, __ATOMIC_RELAXED) >> flag) & 1;
}
static inline unsigned long read_task_thread_flags(const struct task_struct* t)
{
	return __atomic_load_n(&t->thread_info.flags, __ATOMIC_RELAXED);
}
static inline bool test_tsk_need_resched(const struct task_struct* t)
{
	return test_tsk_thread_flag(t, TIF_NEED_RESCHED);
}

/* ---- accessors ---- */
static inline unsigned int READ_TASK_STATE(const struct task_struct* p)
{
	return __atomic_load_n(&p->__state, __ATOMIC_RELAXED);
}
static inline bool task_is_running(const struct task_struct* p)
{
	return READ_TASK_STATE(p) == TASK_RUNNING;
}
static inline pid_t task_pid_nr(const struct task_struct* tsk)
{
	return tsk->pid;
}
static inline pid_t task_tgid_nr(const struct task_struct* tsk)
{
	return tsk->tgid;
}
/* the parent's tgid, 0 for init_task (Linux: task_ppid_nr) */
static inline pid_t task_ppid_nr(const struct task_struct* tsk)
{
	return tsk == &init_task || !tsk->real_parent ? 0 : tsk->real_parent->tgid;
}
static inline bool thread_group_leader(const struct task_struct* p)
{
	return p->group_leader == p;
}
static inline bool is_idle_task(const struct task_struct* p)
{
	return p->flags & PF_IDLE;
}
static inline bool pid_alive(const struct task_struct* p)
{
	return p->pid > 0 || p == &init_task;
}

/* copy tsk->comm into buf (TASK_COMM_LEN bytes); returns buf */
char* __get_task_comm(char* buf, unsigned long buf_size, struct task_struct* tsk);
#define get_task_comm(buf, tsk) __get_task_comm(buf, sizeof(buf), tsk)
/* set the name, truncated to TASK_COMM_LEN - 1 characters */
void __set_task_comm(struct task_struct* tsk, const char* buf, bool exec);
static inline void set_task_comm(struct task_struct* tsk, const char* from)
{
	__set_task_comm(tsk, from, false);
}

/* 'R', 'S', 'D', 'T', 't', 'X', 'Z', 'P', 'I' (Linux: task_state_to_char) */
unsigned int task_state_index(const struct task_struct* tsk);
char task_index_to_char(unsigned int state);
static inline char task_state_to_char(const struct task_struct* tsk)
{
	return task_index_to_char(task_state_index(tsk));
}

/* the task with that pid (idle tasks excluded), or NULL; hold tasklist_lock */
struct task_struct* find_task_by_vpid(pid_t nr) REQUIRES(tasklist_lock);
struct task_struct* find_task_by_pid_ns(pid_t nr, void* ns) REQUIRES(tasklist_lock);
/* the same, with a reference taken (put_task_struct it), lock taken inside */
struct task_struct* find_get_task_by_vpid(pid_t nr);

/* ---- the scheduler (kernel/sched/core.cc) ---- */
/* set_current_state() is the sleeper's half of the wake-up protocol: set
 * the state, then test the condition, then schedule() (the full barrier
 * orders the store against the condition's load, as Linux's smp_store_mb) */
#define __set_current_state(state_value) __atomic_store_n(&current->__state, (state_value), __ATOMIC_RELAXED)
#define set_current_state(state_value) __atomic_store_n(&current->__state, (state_value), __ATOMIC_SEQ_CST)

static inline void set_tsk_need_resched(struct task_struct* tsk)
{
	set_tsk_thread_flag(tsk, TIF_NEED_RESCHED);
}
static inline void clear_tsk_need_resched(struct task_struct* tsk)
{
	clear_tsk_thread_flag(tsk, TIF_NEED_RESCHED);
}
static inline bool need_resched()
{
	return test_tsk_need_resched(get_current());
}

void sched_init();                          /* start_kernel: run queues, init_task as the idle task */
extern bool scheduler_running;              /* set by sched_init: schedule() and preemption work from then on */
void schedule();                            /* give up the CPU; returns when picked again */
void schedule_idle();                       /* the idle loop's schedule */
void preempt_schedule();                    /* preempt_enable() at count 0 with need_resched */
void preempt_schedule_irq();                /* return from interrupt, irqs off, count 0 */
int wake_up_process(struct task_struct* p); /* 1 if it was asleep and is now runnable */
int wake_up_state(struct task_struct* p, unsigned int state);
int try_to_wake_up(struct task_struct* p, unsigned int state, int wake_flags);
void wake_up_new_task(struct task_struct* p); /* first enqueue of a TASK_NEW task */
void scheduler_tick();                        /* from the timer tick, hard irq */
int _cond_resched();
#define cond_resched() _cond_resched()
void yield();
[[noreturn]] void cpu_startup_entry(); /* the idle loop of this CPU */
uint64_t task_sched_runtime(struct task_struct* p); /* sum_exec_runtime with the pending part */
void set_user_nice(struct task_struct* p, long nice);
static inline int task_nice(const struct task_struct* p)
{
	return PRIO_TO_NICE(p->static_prio);
}
/* EINVAL for an impossible policy/priority */
lib::Result<void> sched_setscheduler_nocheck(struct task_struct* p, int policy, const struct sched_param* param);
void sched_set_fifo(struct task_struct* p); /* SCHED_FIFO at MAX_RT_PRIO/2 */
/* cpu's stopper: the stop class, above every RT task (shown as SCHED_FIFO 99) */
void sched_set_stop_task(int cpu, struct task_struct* p);

/* ---- SMP (kernel/sched/core.cc) ---- */
static inline unsigned int task_cpu(const struct task_struct* p)
{
	return __atomic_load_n(&p->cpu, __ATOMIC_RELAXED);
}
/* change p's CPU: with p->pi_lock held and p neither queued nor running,
 * or with both run queues locked (kernel/sched/sched.h) */
void set_task_cpu(struct task_struct* p, unsigned int cpu);
/* run p only on new_mask's CPUs, moving it now if it is elsewhere (through
 * that CPU's stopper, migration/N, if it is queued or running); EINVAL if
 * no CPU of the mask is online or p may not move (an idle or per-CPU
 * thread), and then p keeps its old mask.  May sleep. */
lib::Result<void> set_cpus_allowed_ptr(struct task_struct* p, const struct cpumask* new_mask);
/* wait until p is off every CPU and queue: 1, or 0 if its state is not
 * match_state (when non-zero) */
int wait_task_inactive(struct task_struct* p, unsigned int match_state);
/* kernel_init once the CPUs are up: stoppers, init's mask widened */
void sched_init_smp();

/* find_task_by_vpid and friends live here as in Linux; the scheduler's
 * debug output is in <kernel/sched/debug.h> */

static inline bool task_no_new_privs(const struct task_struct* p)
{
	return __atomic_load_n(&p->atomic_flags, __ATOMIC_RELAXED) & (1UL << PFA_NO_NEW_PRIVS);
}
static inline void task_set_no_new_privs(struct task_struct* p)
{
	__atomic_fetch_or(&p->atomic_flags, 1UL << PFA_NO_NEW_PRIVS, __ATOMIC_RELAXED);
}
