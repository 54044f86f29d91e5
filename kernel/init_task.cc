/*
 * The boot CPU's idle task, pid 0 (Linux: init/init_task.c init_task,
 * init_signals; kernel/cred.c init_cred).
 *
 * Data structures: init_task, a static task_struct running on init_stack
 * (head.S, THREAD_SIZE aligned, in .bss: no guard page below it, as
 * Linux's init_stack); init_signals, its thread group; init_cred, the
 * root credentials every task inherits for now.  init_task's fs and files
 * are init_fs and init_files (fs/fs_struct.cc, fs/file.cc), which every
 * kernel thread shares (kthreadd and its children by CLONE_FS|CLONE_FILES).
 *
 * Invariants: init_task is pid 0, "swapper/0", PF_IDLE | PF_KTHREAD, its
 * own real_parent, parent and group leader, mm NULL, and active_mm
 * &init_mm (mm/init_mm.cc).  Everything here is constant-initialized, so `current`
 * works from the first instruction of x86_64_start_kernel.
 * fork_init() puts init_task on init_signals.thread_head and writes its
 * STACK_END_MAGIC; until then its thread list is empty.
 *
 * Lock order: none here (see <kernel/sched.h>).
 */
#include <kernel/sched.h>
#include <mm/mm_types.h>
#include <kernel/cred.h>
#include <kernel/sched/signal.h>
#include <fs/fdtable.h>
#include <fs/fs_struct.h>
#include <kernel/sched/stat.h>
#include <uapi/linux/sched.h>

struct cred init_cred = {
    .usage = 4,
    .uid = GLOBAL_ROOT_UID,
    .gid = GLOBAL_ROOT_GID,
    .suid = GLOBAL_ROOT_UID,
    .sgid = GLOBAL_ROOT_GID,
    .euid = GLOBAL_ROOT_UID,
    .egid = GLOBAL_ROOT_GID,
    .fsuid = GLOBAL_ROOT_UID,
    .fsgid = GLOBAL_ROOT_GID,
    .cap_effective = CAP_FULL_SET,
    .cap_permitted = CAP_FULL_SET,
    .group_info = &init_groups,
    .cap_inheritable = CAP_EMPTY_SET,
    .cap_bset = CAP_FULL_SET,
    .cap_ambient = CAP_EMPTY_SET,
    .securebits = 0,
};

struct signal_struct init_signals = {
    .sigcnt = 1,
    .live = 1,
    .nr_threads = 1,
    .rlim = INIT_RLIMITS,
};

struct sighand_struct init_sighand = {
    .siglock = {},
    .count = 1,
    .signalfd_wqh = {},
    .action = {},
};

struct task_struct init_task = {
    .thread_info = {.flags = 0, .syscall_work = 0, .status = 0, .cpu = 0},
    .__state = TASK_RUNNING,
    .stack = init_stack,
    .usage = 2,
    .flags = PF_IDLE | PF_KTHREAD,
    .ptrace = 0,
    .on_cpu = 1,
    .cpu = 0,
    .on_rq = 0,
    .prio = MAX_PRIO - 20,
    .static_prio = MAX_PRIO - 20,
    .normal_prio = MAX_PRIO - 20,
    .rt_priority = 0,
    .se = {.load = {.weight = 1024, .inv_weight = 4194304}},
    .policy = SCHED_NORMAL,
    .nr_cpus_allowed = int(NR_CPUS),
    .cpus_mask = {{~0UL}},
    .mm = nullptr,
    .active_mm = &init_mm,
    .timer_slack_ns = 50000, /* Linux's INIT_TASK: 50 us */
    .default_timer_slack_ns = 50000,
    .pid = 0,
    .tgid = 0,
    .real_parent = &init_task,
    .parent = &init_task,
    .group_leader = &init_task,
    .real_cred = &init_cred,
    .cred = &init_cred,
    .comm = "swapper/0",
    .fs = &init_fs,
    .files = &init_files,
    .signal = &init_signals,
    .sighand = &init_sighand,
    .thread = {.sp = 0, .fsbase = 0, .gsbase = 0},
};
