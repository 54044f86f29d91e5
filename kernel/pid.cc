/*
 * The kernel's pid space and pid lookup (Linux: kernel/pid.c alloc_pid,
 * free_pid, pid_idr_init, find_task_by_pid_ns/find_task_by_vpid).
 *
 * Data structures: pidmap (a pid_map, <kernel/pid.h>) over a bitmap of
 * pid_max bits vzalloc'ed at pid_idr_init(); pid_max comes from pid_max=
 * (default 32768, clamped to [301, 4194304] as Linux's sysctl bounds).
 *
 * Invariants: a pid is set in the map from alloc_pid() to free_pid();
 * pid 0 belongs to the idle task and is never allocated.
 *
 * Lock order: tasklist_lock -> pidmap_lock (irqsave, a leaf).
 *
 * Differences from Linux: no struct pid, no namespaces, no pid hash:
 * find_task_by_vpid walks the task list, O(tasks), under tasklist_lock
 * (Linux: an idr lookup under RCU).
 */
#include <kernel/panic.h>
#include <kernel/params.h>
#include <kernel/pid.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/sched/signal.h>
#include <kernel/sched/task.h>
#include <lib/cmdline.h>
#include <mm/vmalloc.h>
#include <uapi/asm-generic/errno-base.h>

int pid_max = PID_MAX_DEFAULT;

namespace
{
lib::spinlock pidmap_lock;
pid_map pidmap GUARDED_BY(pidmap_lock);

lib::Result<void> pid_max_setup(std::string_view val)
{
	long long v = TRY(lib::parse_int(val));
	if (v < pid_max_min || v > pid_max_max) {
		pr_warn("pid_max=%lld out of range [%d, %d], clamped\n", v, pid_max_min, pid_max_max);
		v = v < pid_max_min ? pid_max_min : pid_max_max;
	}
	pid_max = int(v);
	return lib::ok();
}
} // namespace
__setup("pid_max", pid_max_setup);

void pid_idr_init()
{
	size_t bytes = pid_map::longs_for(size_t(pid_max)) * sizeof(unsigned long);
	auto* bits = static_cast<unsigned long*>(vzalloc(bytes));
	if (!bits)
		panic("pid_idr_init: no memory for %d pids", pid_max);
	lib::spin_lock_irqsave_guard g(pidmap_lock);
	pidmap.attach(bits, size_t(pid_max));
	if (lib::Result<void> r = pidmap.set_pid_max(pid_max); r.is_err())
		panic("pid_idr_init: pid_max %d rejected (%d)", pid_max, -r.error());
	pr_info("pid_max: default: %d minimum: %d\n", pid_max, pid_max_min);
}

lib::Result<int> alloc_pid()
{
	lib::spin_lock_irqsave_guard g(pidmap_lock);
	if (!pidmap.pid_max())
		return lib::Error{ENOMEM}; /* before pid_idr_init */
	return pidmap.alloc();
}

void free_pid(int nr)
{
	lib::Result<void> r = lib::ok();
	{
		lib::spin_lock_irqsave_guard g(pidmap_lock);
		r = pidmap.free(nr);
	}
	WARN_ON(r.is_err());
}

int pid_nr_allocated()
{
	lib::spin_lock_irqsave_guard g(pidmap_lock);
	return pidmap.nr_allocated();
}

bool pid_is_allocated(int nr)
{
	lib::spin_lock_irqsave_guard g(pidmap_lock);
	return pidmap.test(nr);
}

struct task_struct* find_task_by_pid_ns(pid_t nr, void*)
{
	if (nr <= 0)
		return nullptr;
	struct task_struct *g, *t;
	do_each_thread(g, t)
	{
		if (t->pid == nr)
			return t;
	}
	while_each_thread(g, t);
	return nullptr;
}

struct task_struct* find_task_by_vpid(pid_t nr)
{
	return find_task_by_pid_ns(nr, nullptr);
}

struct task_struct* find_get_task_by_vpid(pid_t nr)
{
	lib::spin_lock_irqsave_guard g(tasklist_lock);
	struct task_struct* t = find_task_by_vpid(nr);
	return t ? get_task_struct(t) : nullptr;
}

/* the pid a pidfd refers to (Linux: pidfd_get_pid); pidfds come with
 * pidfd_open and CLONE_PIDFD */
lib::Result<pid_t> pidfd_get_pid(unsigned int fd, unsigned int* flags)
{
	(void)fd;
	(void)flags;
	return lib::Error{EBADF};
}
