/*
 * Scheduling policies and clone flags: the ABI values of Linux's
 * include/uapi/linux/sched.h, which user space passes to clone(2),
 * clone3(2) and sched_setscheduler(2).
 *
 * Values only, exactly Linux x86_64's; plain C so user programs can use
 * it.  Which policies the scheduler accepts is sched_setscheduler's
 * business (kernel/sched/core.cc); copy_process acts on the clone flags
 * (kernel/fork.cc).  struct
 * sched_param is not here: as in Linux, it lives in the kernel's
 * <kernel/sched/types.h>, because every libc declares its own.
 */
#ifndef _UAPI_LINUX_SCHED_H
#define _UAPI_LINUX_SCHED_H

/* cloning flags */
#define CSIGNAL 0x000000ff              /* low byte: the signal the parent gets at exit */
#define CLONE_NEWTIME 0x00000080        /* the child gets a time namespace of its own */
#define CLONE_VM 0x00000100             /* share the address space */
#define CLONE_FS 0x00000200             /* share root, cwd, umask */
#define CLONE_FILES 0x00000400          /* share the file descriptor table */
#define CLONE_SIGHAND 0x00000800        /* share the signal handlers */
#define CLONE_PIDFD 0x00001000          /* return a pidfd to the parent */
#define CLONE_PTRACE 0x00002000         /* the tracer traces the child too */
#define CLONE_VFORK 0x00004000          /* the parent sleeps until the child execs or exits */
#define CLONE_PARENT 0x00008000         /* the child is the caller's sibling */
#define CLONE_THREAD 0x00010000         /* a thread of the caller's group */
#define CLONE_NEWNS 0x00020000          /* the child gets a mount namespace of its own */
#define CLONE_SYSVSEM 0x00040000        /* share the SysV semaphore undo list */
#define CLONE_SETTLS 0x00080000         /* the child's TLS comes from the arguments */
#define CLONE_PARENT_SETTID 0x00100000  /* write the child's tid into the parent's memory */
#define CLONE_CHILD_CLEARTID 0x00200000 /* clear (and futex-wake) the tid word at the child's exit */
#define CLONE_DETACHED 0x00400000       /* obsolete: ignored */
#define CLONE_UNTRACED 0x00800000       /* no tracer may force CLONE_PTRACE */
#define CLONE_CHILD_SETTID 0x01000000   /* write the tid into the child's memory */
#define CLONE_NEWCGROUP 0x02000000      /* namespaces of its own: cgroup */
#define CLONE_NEWUTS 0x04000000         /* ... utsname */
#define CLONE_NEWIPC 0x08000000         /* ... SysV IPC */
#define CLONE_NEWUSER 0x10000000        /* ... user */
#define CLONE_NEWPID 0x20000000         /* ... pid */
#define CLONE_NEWNET 0x40000000         /* ... network */
#define CLONE_IO 0x80000000             /* share the I/O context */
/* clone3 only: the upper 32 bits */
#define CLONE_CLEAR_SIGHAND 0x100000000ULL /* handlers to SIG_DFL in the child */
#define CLONE_INTO_CGROUP 0x200000000ULL   /* the child in clone_args.cgroup */
#define CLONE_LEGACY_FLAGS 0xffffffffULL

/* scheduling policies */
#define SCHED_NORMAL 0
#define SCHED_FIFO 1
#define SCHED_RR 2
#define SCHED_BATCH 3
/* SCHED_ISO: reserved but not implemented yet */
#define SCHED_IDLE 5
#define SCHED_DEADLINE 6

/* ORed into a policy: children of the task start as SCHED_NORMAL */
#define SCHED_RESET_ON_FORK 0x40000000

/* sched_attr.sched_flags (Linux: include/uapi/linux/sched.h) */
#define SCHED_FLAG_RESET_ON_FORK 0x01
#define SCHED_FLAG_RECLAIM 0x02
#define SCHED_FLAG_DL_OVERRUN 0x04
#define SCHED_FLAG_KEEP_POLICY 0x08
#define SCHED_FLAG_KEEP_PARAMS 0x10
#define SCHED_FLAG_UTIL_CLAMP_MIN 0x20
#define SCHED_FLAG_UTIL_CLAMP_MAX 0x40
#define SCHED_FLAG_KEEP_ALL (SCHED_FLAG_KEEP_POLICY | SCHED_FLAG_KEEP_PARAMS)
#define SCHED_FLAG_UTIL_CLAMP (SCHED_FLAG_UTIL_CLAMP_MIN | SCHED_FLAG_UTIL_CLAMP_MAX)
#define SCHED_FLAG_ALL                                                                                   \
	(SCHED_FLAG_RESET_ON_FORK | SCHED_FLAG_RECLAIM | SCHED_FLAG_DL_OVERRUN | SCHED_FLAG_KEEP_ALL |   \
	 SCHED_FLAG_UTIL_CLAMP)

/* sched_setattr(2)/sched_getattr(2)'s argument (Linux: include/uapi/linux/
 * sched/types.h): size says which version the caller knows; VER0 lacks
 * the utilization clamps */
#define SCHED_ATTR_SIZE_VER0 48
#define SCHED_ATTR_SIZE_VER1 56
struct sched_attr {
	unsigned int size;
	unsigned int sched_policy;
	unsigned long long sched_flags;
	int sched_nice;               /* SCHED_NORMAL, SCHED_BATCH */
	unsigned int sched_priority;  /* SCHED_FIFO, SCHED_RR */
	unsigned long long sched_runtime; /* SCHED_DEADLINE, ns */
	unsigned long long sched_deadline;
	unsigned long long sched_period;
	unsigned int sched_util_min; /* utilization clamps (VER1) */
	unsigned int sched_util_max;
};

#endif /* _UAPI_LINUX_SCHED_H */
