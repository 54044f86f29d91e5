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
#include <fs/fdtable.h>
#include <fs/fs.h>
#include <kernel/cred.h>
#include <kernel/signal.h>
#include <kernel/syscalls.h>
#include <kernel/sched/task.h>
#include <lib/ref.h>
#include <uapi/asm-generic/errno.h>
#include <uapi/asm-generic/signal.h>
#include <uapi/linux/fcntl.h>
#include <uapi/linux/stat.h>
#include <new>

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

lib::Result<int> alloc_pid_nr(int nr)
{
	lib::spin_lock_irqsave_guard g(pidmap_lock);
	if (!pidmap.pid_max())
		return lib::Error{ENOMEM};
	return pidmap.alloc_nr(nr);
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


/* ---- pidfds ---- */
namespace
{
/* the inode every pidfd shares (Linux: anon_inode_getfile's one inode
 * of anon_inodefs), on a superblock of its own; made at the first use */
struct super_block anon_sb_storage;
struct inode* anon_inode;
lib::spinlock anon_inode_lock;

/* nobody else sees the superblock yet */
void init_anon_sb() NO_THREAD_SAFETY_ANALYSIS
{
	new (&anon_sb_storage) super_block();
	anon_sb_storage.s_inodes.init();
	anon_sb_storage.s_list.init();
	anon_sb_storage.s_dentry_lru.init();
	anon_sb_storage.s_mounts.init();
	anon_sb_storage.s_blocksize = PAGE_SIZE;
	anon_sb_storage.s_blocksize_bits = PAGE_SHIFT;
	anon_sb_storage.s_id = "anon_inodefs";
}

struct inode* pidfd_anon_inode()
{
	if (struct inode* i = __atomic_load_n(&anon_inode, __ATOMIC_ACQUIRE))
		return i;
	lib::spin_lock_guard g(anon_inode_lock);
	if (!anon_inode) {
		static bool sb_ready;
		if (!sb_ready) {
			init_anon_sb();
			sb_ready = true;
		}
		return nullptr; /* allocated outside the spinlock, below */
	}
	return anon_inode;
}

void pidfd_release(struct inode*, struct file* file)
{
	put_task_struct(static_cast<struct task_struct*>(file->private_data));
}

const struct file_operations pidfd_fops = {
    .llseek = nullptr,
    .read_iter = nullptr,
    .write_iter = nullptr,
    .iterate_shared = nullptr,
    .open = nullptr,
    .release = pidfd_release,
    .fsync = nullptr,
    .mmap = nullptr,
};
} // namespace

lib::Result<struct file*> pidfd_create_file(struct task_struct* p, unsigned int flags)
{
	struct inode* inode = pidfd_anon_inode();
	if (!inode) {
		struct inode* n = new_inode(&anon_sb_storage);
		if (!n)
			return lib::Error{ENOMEM};
		n->i_mode = 0600; /* as Linux's anon inode: no file type */
		lib::spin_lock_guard g(anon_inode_lock);
		if (!anon_inode)
			__atomic_store_n(&anon_inode, n, __ATOMIC_RELEASE);
		else
			iput(n);
		inode = anon_inode;
	}
	struct file* f = TRY(alloc_empty_file(int(O_RDWR | (flags & O_NONBLOCK)), current_cred()));
	f->f_inode = inode;
	f->f_op = &pidfd_fops;
	f->f_mode = FMODE_READ | FMODE_WRITE | FMODE_OPENED;
	f->private_data = get_task_struct(p);
	return f;
}

lib::Result<int> pidfd_get_pid(unsigned int fd, unsigned int* flags)
{
	lib::ref<file> f = fdget(fd);
	if (!f)
		return lib::Error{EBADF};
	if (f->f_op != &pidfd_fops) /* Linux's pidfd_pid: EBADF */
		return lib::Error{EBADF};
	*flags = f->f_flags;
	auto* p = static_cast<struct task_struct*>(f->private_data);
	lib::spin_lock_irqsave_guard g(tasklist_lock);
	/* a reaped process's pid may belong to another one now */
	return p->sighand ? p->pid : 0;
}

/* a pidfd for the process pid (Linux: kernel/pid.c pidfd_open) */
SYSCALL_DEFINE2(pidfd_open, pid_t, pid, unsigned int, flags)
{
	if (flags & ~unsigned(O_NONBLOCK)) /* PIDFD_NONBLOCK */
		return lib::Error{EINVAL};
	if (pid <= 0)
		return lib::Error{EINVAL};
	struct task_struct* p;
	{
		lib::spin_lock_irqsave_guard g(tasklist_lock);
		p = find_task_by_vpid(pid);
		if (!p)
			return lib::Error{ESRCH};
		if (!thread_group_leader(p)) /* pid_has_task(PIDTYPE_TGID) */
			return lib::Error{EINVAL};
		get_task_struct(p);
	}
	lib::ref<task_struct> ref = lib::adopt_ref(p);
	int fd = TRY(get_unused_fd_flags(O_RDWR | O_CLOEXEC));
	lib::Result<struct file*> f = pidfd_create_file(p, flags);
	if (f.is_err()) {
		put_unused_fd(unsigned(fd));
		return lib::Error{f.error()};
	}
	fd_install(unsigned(fd), f.value());
	return fd;
}

/* send sig to the process of a pidfd (Linux: kernel/signal.c
 * pidfd_send_signal); a siginfo from the caller is checked as Linux's
 * and its fields beyond the signal are not passed on yet */
SYSCALL_DEFINE4(pidfd_send_signal, int, pidfd, int, sig, user_ptr<void>, info, unsigned int, flags)
{
	if (flags)
		return lib::Error{EINVAL};
	lib::ref<file> f = fdget(unsigned(pidfd));
	if (!f)
		return lib::Error{EBADF};
	if (f->f_op != &pidfd_fops)
		return lib::Error{EBADF};
	if (sig < 0 || sig > _NSIG)
		return lib::Error{EINVAL};
	auto* p = static_cast<struct task_struct*>(f->private_data);
	if (info) {
		int head[4];
		if (copy_from_user(head, info, sizeof(head)))
			return lib::Error{EFAULT};
		if (head[0] != sig) /* si_signo */
			return lib::Error{EINVAL};
		/* only the kernel may claim to be it, or another process: SI_USER
		 * and kernel codes (>= 0) and SI_TKILL (-6) are refused */
		if (p->tgid != current->tgid && (head[2] >= 0 || head[2] == -6))
			return lib::Error{EPERM};
	}
	{
		lib::spin_lock_irqsave_guard g(tasklist_lock);
		if (!p->sighand || p->exit_state == EXIT_DEAD)
			return lib::Error{ESRCH};
	}
	TRY(group_send_sig_info(sig, nullptr, p));
	return 0;
}
