/*
 * inotify and the fsnotify hooks behind it (Linux: fs/notify/fsnotify.c
 * fsnotify/__fsnotify_parent, fs/notify/notification.c
 * fsnotify_add_event, fs/notify/inotify/inotify_fsnotify.c
 * inotify_handle_inode_event/inotify_merge, inotify_user.c).
 *
 * A group is one inotify file ("anon_inode:inotify"): its queue of
 * events, its marks (watches, wd from 1 up), max_queued_events (16384).
 * An event is queued as struct inotify_event's fields plus the name;
 * read(2) hands out whole events, the name NUL-padded to a multiple of
 * 16 bytes (len counts the padding); a buffer too small for the first is
 * EINVAL.  An event identical to the last queued one (mask, wd, name) is
 * merged into it; past max_queued_events one IN_Q_OVERFLOW (wd -1) is
 * queued and later events are lost until the queue drains.  IN_ONESHOT
 * drops the mark after its first event, and every mark that goes
 * (inotify_rm_watch, IN_ONESHOT, the inode's removal) queues IN_IGNORED.
 *
 * Not here yet: IN_UNMOUNT (marks of an unmounted file system stay until
 * the inode goes), the per-user limits max_user_instances/watches.
 *
 * Lock order: fsnotify_lock (every mark list, every mark) -> group->lock
 * (the queue) -> group->wq.lock.  Events are allocated GFP_ATOMIC under
 * fsnotify_lock; a failed allocation is an overflow, as Linux.  A mark's
 * inode reference is dropped (iput) after fsnotify_lock is released.
 */
#include <fs/anon_inodes.h>
#include <fs/attr.h>
#include <fs/fdtable.h>
#include <fs/fs.h>
#include <fs/fsnotify.h>
#include <fs/namei.h>
#include <fs/poll.h>
#include <fs/uio.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/sched/signal.h>
#include <kernel/syscalls.h>
#include <lib/scope.h>
#include <lib/string.h>
#include <mm/slab.h>
#include <new>
#include <uapi/asm-generic/errno.h>
#include <uapi/linux/fcntl.h>

#define IN_CLOEXEC O_CLOEXEC
#define IN_NONBLOCK O_NONBLOCK
#define INOTIFY_USER_MASK (IN_ALL_EVENTS | IN_ONESHOT | IN_EXCL_UNLINK)
#define ALL_INOTIFY_BITS                                                                                             \
	(IN_ALL_EVENTS | IN_UNMOUNT | IN_Q_OVERFLOW | IN_IGNORED | IN_ONLYDIR | IN_DONT_FOLLOW | IN_EXCL_UNLINK |       \
	 IN_MASK_ADD | IN_MASK_CREATE | IN_ISDIR | IN_ONESHOT)
#define INOTIFY_MAX_QUEUED_EVENTS 16384 /* /proc/sys/fs/inotify/max_queued_events */
#define FIONREAD 0x541B

namespace
{
lib::spinlock fsnotify_lock;

struct inotify_event_info {
	lib::list_head list;
	int wd;
	uint32_t mask, cookie;
	uint32_t name_len; /* without the NUL */
	char name[];
};

struct inotify_group {
	lib::spinlock lock;     /* the queue */
	lib::list_head events;  /* GUARDED_BY(lock) */
	unsigned int q_len;     /* GUARDED_BY(lock); the overflow event counts */
	bool overflow_queued;   /* GUARDED_BY(lock) */
	struct wait_queue_head wq;
	lib::list_head marks;   /* GUARDED_BY(fsnotify_lock) */
	int last_wd;            /* GUARDED_BY(fsnotify_lock) */
	struct inotify_event_info overflow; /* the one IN_Q_OVERFLOW event */
};

struct fsnotify_mark {
	lib::list_head i_list; /* on inode->i_fsnotify_marks */
	lib::list_head g_list; /* on group->marks */
	struct inode* inode;   /* referenced */
	struct inotify_group* group;
	int wd;
	uint32_t mask; /* INOTIFY_USER_MASK bits */
};

/* struct inotify_event's size with the name padded (Linux: round_event_name_len) */
size_t event_size(const struct inotify_event_info* e)
{
	return 16 + (e->name_len ? (e->name_len + 1 + 15) / 16 * 16 : 0);
}

bool event_compare(const struct inotify_event_info* old, const struct inotify_event_info* e)
{
	if (old->mask & IN_IGNORED)
		return false;
	return old->mask == e->mask && old->wd == e->wd && old->name_len == e->name_len &&
	       (!old->name_len || lib::memcmp(old->name, e->name, e->name_len) == 0);
}

/* queue one event (Linux: fsnotify_add_event with inotify_merge) */
void queue_event(struct inotify_group* g, int wd, uint32_t mask, uint32_t cookie, const struct qstr* name)
    REQUIRES(fsnotify_lock)
{
	uint32_t len = name ? name->len : 0;
	auto* e = static_cast<struct inotify_event_info*>(kmalloc(sizeof(struct inotify_event_info) + len + 1, GFP_ATOMIC));
	{
		lib::spin_lock_irqsave_guard lg(g->lock);
		if (!e || g->q_len >= INOTIFY_MAX_QUEUED_EVENTS) {
			if (e)
				kfree(e);
			if (g->overflow_queued)
				return;
			g->overflow_queued = true;
			g->events.add_tail(&g->overflow.list);
			g->q_len++;
		} else {
			new (e) inotify_event_info();
			e->wd = wd;
			e->mask = mask;
			e->cookie = cookie;
			e->name_len = len;
			if (len)
				lib::memcpy(e->name, name->name, len);
			e->name[len] = 0;
			if (!g->events.empty()) {
				auto* last = list_entry(g->events.prev, struct inotify_event_info, list);
				if (event_compare(last, e)) {
					kfree(e);
					return;
				}
			}
			g->events.add_tail(&e->list);
			g->q_len++;
		}
	}
	wake_up_poll(&g->wq, EPOLLIN | EPOLLRDNORM);
}

/* the mark leaves its lists (IN_IGNORED queued); the caller iputs the
 * inode and frees the mark after dropping fsnotify_lock */
void detach_mark(struct fsnotify_mark* m, lib::list_head* dead) REQUIRES(fsnotify_lock)
{
	queue_event(m->group, m->wd, IN_IGNORED, 0, nullptr);
	m->i_list.del_init();
	m->g_list.del_init();
	dead->add_tail(&m->i_list);
}

void free_dead(lib::list_head* dead)
{
	while (!dead->empty()) {
		auto* m = list_first_entry(dead, struct fsnotify_mark, i_list);
		m->i_list.del_init();
		iput(m->inode);
		kfree(m);
	}
}

/* deliver mask (with IN_ISDIR already) to the marks on inode, with name
 * when inode is the directory of the subject (Linux: send_to_group) */
void send_to(struct inode* inode, uint32_t mask, const struct qstr* name, uint32_t cookie, bool unlinked,
             lib::list_head* dead) REQUIRES(fsnotify_lock)
{
	struct fsnotify_mark *m, *n;
	list_for_each_entry_safe(m, n, &inode->i_fsnotify_marks, i_list)
	{
		if (!(m->mask & mask & IN_ALL_EVENTS))
			continue;
		if ((m->mask & IN_EXCL_UNLINK) && unlinked)
			continue;
		queue_event(m->group, m->wd, mask, cookie, name);
		if (m->mask & IN_ONESHOT)
			detach_mark(m, dead);
	}
}

bool has_marks(struct inode* inode)
{
	/* unlocked: a racing add_watch may miss this event, as Linux's mask test */
	return inode && __atomic_load_n(&inode->i_fsnotify_marks.next, __ATOMIC_RELAXED) != &inode->i_fsnotify_marks;
}

/* an event about dentry: to its parent directory's marks with its name,
 * then to its own (Linux: fsnotify_parent + fsnotify) */
void notify_dentry(struct dentry* dentry, uint32_t mask, bool unlinked)
{
	struct inode* inode = d_inode(dentry);
	if (!inode)
		return;
	if (S_ISDIR(inode->i_mode))
		mask |= IN_ISDIR;
	struct dentry* parent = IS_ROOT(dentry) ? nullptr : dget_parent(dentry);
	struct inode* dir = parent ? d_inode(parent) : nullptr;
	if (has_marks(inode) || has_marks(dir)) {
		lib::list_head dead;
		{
			lib::spin_lock_irqsave_guard g(fsnotify_lock);
			if (dir)
				send_to(dir, mask, &dentry->d_name, 0, unlinked, &dead);
			send_to(inode, mask, nullptr, 0, unlinked, &dead);
		}
		free_dead(&dead);
	}
	if (parent)
		dput(parent);
}

void notify_name(struct inode* dir, uint32_t mask, const struct qstr* name, uint32_t cookie)
{
	if (!has_marks(dir))
		return;
	lib::list_head dead;
	{
		lib::spin_lock_irqsave_guard g(fsnotify_lock);
		send_to(dir, mask, name, cookie, false, &dead);
	}
	free_dead(&dead);
}

void notify_inode(struct inode* inode, uint32_t mask)
{
	if (!has_marks(inode))
		return;
	if (S_ISDIR(inode->i_mode))
		mask |= IN_ISDIR;
	lib::list_head dead;
	{
		lib::spin_lock_irqsave_guard g(fsnotify_lock);
		send_to(inode, mask, nullptr, 0, false, &dead);
	}
	free_dead(&dead);
}

void notify_file(struct file* file, uint32_t mask)
{
	if ((file->f_mode & FMODE_PATH) || !file->f_path.dentry)
		return; /* an O_PATH file, or one with no dentry (nothing watches it) */
	struct inode* inode = file_inode(file);
	notify_dentry(file->f_path.dentry, mask, inode && inode->i_nlink == 0);
}

std::atomic<uint32_t> move_cookie{0};

/* ---- the inotify file ---- */
extern const struct file_operations inotify_fops;

lib::Result<ssize_t> inotify_read(struct kiocb* iocb, struct iov_iter* to)
{
	struct file* file = iocb->ki_filp;
	auto* g = static_cast<struct inotify_group*>(file->private_data);
	ssize_t done = 0;
	for (;;) {
		struct inotify_event_info* e = nullptr;
		{
			lib::spin_lock_irqsave_guard lg(g->lock);
			if (!g->events.empty()) {
				e = list_first_entry(&g->events, struct inotify_event_info, list);
				if (event_size(e) > iov_iter_count(to)) {
					if (done)
						return done;
					return lib::Error{EINVAL};
				}
				e->list.del_init();
				g->q_len--;
				if (e == &g->overflow)
					g->overflow_queued = false;
			}
		}
		if (e) {
			struct {
				int32_t wd;
				uint32_t mask, cookie, len;
			} hdr = {e->wd, e->mask, e->cookie, uint32_t(event_size(e) - 16)};
			bool ok = copy_to_iter(&hdr, 16, to) == 16;
			if (ok && hdr.len) {
				ok = copy_to_iter(e->name, e->name_len, to) == e->name_len;
				ok = ok && iov_iter_zero(hdr.len - e->name_len, to) == hdr.len - e->name_len;
			}
			if (e != &g->overflow)
				kfree(e);
			if (!ok)
				return done ? lib::Result<ssize_t>(done) : lib::Error{EFAULT};
			done += 16 + hdr.len;
			continue;
		}
		if (done)
			return done;
		if ((file->f_flags & O_NONBLOCK) || (iocb->ki_flags & IOCB_NOWAIT))
			return lib::Error{EAGAIN};
		lib::Result<void> w = wait_event_interruptible(
		    g->wq, __atomic_load_n(&g->events.next, __ATOMIC_ACQUIRE) != &g->events);
		if (w.is_err() || signal_pending(current))
			return lib::Error{ERESTARTSYS};
	}
}

__poll_t inotify_poll(struct file* file, poll_table* wait)
{
	auto* g = static_cast<struct inotify_group*>(file->private_data);
	poll_wait(file, &g->wq, wait);
	lib::spin_lock_irqsave_guard lg(g->lock);
	return g->events.empty() ? 0 : (EPOLLIN | EPOLLRDNORM);
}

lib::Result<long> inotify_ioctl(struct file* file, unsigned int cmd, unsigned long arg)
{
	auto* g = static_cast<struct inotify_group*>(file->private_data);
	if (cmd != FIONREAD)
		return lib::Error{ENOTTY};
	int bytes = 0;
	{
		lib::spin_lock_irqsave_guard lg(g->lock);
		struct inotify_event_info* e;
		list_for_each_entry(e, &g->events, list)
		bytes += int(event_size(e));
	}
	TRY(put_user(bytes, user_ptr<int>(arg)));
	return 0;
}

void inotify_release(struct inode*, struct file* file)
{
	auto* g = static_cast<struct inotify_group*>(file->private_data);
	lib::list_head dead;
	{
		lib::spin_lock_irqsave_guard lg(fsnotify_lock);
		while (!g->marks.empty()) {
			auto* m = list_first_entry(&g->marks, struct fsnotify_mark, g_list);
			m->i_list.del_init();
			m->g_list.del_init();
			dead.add_tail(&m->i_list);
		}
	}
	free_dead(&dead);
	while (!g->events.empty()) {
		auto* e = list_first_entry(&g->events, struct inotify_event_info, list);
		e->list.del_init();
		if (e != &g->overflow)
			kfree(e);
	}
	g->~inotify_group();
	kfree(g);
}

const struct file_operations inotify_fops = {
    .read_iter = inotify_read,
    .release = inotify_release,
    .poll = inotify_poll,
    .unlocked_ioctl = inotify_ioctl,
};

lib::Result<long> do_inotify_init(int flags)
{
	if (flags & ~(IN_CLOEXEC | IN_NONBLOCK))
		return lib::Error{EINVAL};
	void* mem = kzalloc(sizeof(struct inotify_group), GFP_KERNEL);
	if (!mem)
		return lib::Error{ENOMEM};
	auto* g = new (mem) inotify_group();
	init_waitqueue_head(&g->wq);
	g->overflow.wd = -1;
	g->overflow.mask = IN_Q_OVERFLOW;
	lib::Result<int> fd = anon_inode_getfd("inotify", &inotify_fops, g, O_RDONLY | flags);
	if (fd.is_err()) {
		g->~inotify_group();
		kfree(g);
		return fd.error_value();
	}
	return fd.value();
}

struct fsnotify_mark* find_mark(struct inotify_group* g, struct inode* inode) REQUIRES(fsnotify_lock)
{
	struct fsnotify_mark* m;
	list_for_each_entry(m, &inode->i_fsnotify_marks, i_list)
	{
		if (m->group == g)
			return m;
	}
	return nullptr;
}
} // namespace

/* ---- the hooks ---- */
void fsnotify_create(struct inode* dir, struct dentry* dentry)
{
	uint32_t mask = IN_CREATE;
	if (d_inode(dentry) && S_ISDIR(d_inode(dentry)->i_mode))
		mask |= IN_ISDIR;
	notify_name(dir, mask, &dentry->d_name, 0);
}

void fsnotify_link(struct inode* dir, struct inode* inode, struct dentry* new_dentry)
{
	fsnotify_link_count(inode);
	notify_name(dir, IN_CREATE, &new_dentry->d_name, 0);
}

void fsnotify_delete(struct inode* dir, struct inode* inode, struct dentry* dentry)
{
	uint32_t mask = IN_DELETE;
	if (inode && S_ISDIR(inode->i_mode))
		mask |= IN_ISDIR;
	notify_name(dir, mask, &dentry->d_name, 0);
}

void fsnotify_link_count(struct inode* inode)
{
	notify_inode(inode, IN_ATTRIB);
}

void fsnotify_move(struct inode* old_dir, struct inode* new_dir, const struct qstr* old_name,
                   const struct qstr* new_name, bool isdir, struct inode* target, struct inode* moved)
{
	uint32_t isdir_mask = isdir ? IN_ISDIR : 0;
	if (has_marks(old_dir) || has_marks(new_dir)) {
		uint32_t cookie = move_cookie.fetch_add(1) + 1;
		notify_name(old_dir, IN_MOVED_FROM | isdir_mask, old_name, cookie);
		notify_name(new_dir, IN_MOVED_TO | isdir_mask, new_name, cookie);
	}
	if (target)
		fsnotify_link_count(target);
	notify_inode(moved, IN_MOVE_SELF);
}

void fsnotify_open(struct file* file)
{
	notify_file(file, IN_OPEN);
}

void fsnotify_close(struct file* file)
{
	notify_file(file, (file->f_mode & FMODE_WRITE) ? IN_CLOSE_WRITE : IN_CLOSE_NOWRITE);
}

void fsnotify_access(struct file* file)
{
	notify_file(file, IN_ACCESS);
}

void fsnotify_modify(struct file* file)
{
	notify_file(file, IN_MODIFY);
}

void fsnotify_change(struct dentry* dentry, unsigned int ia_valid)
{
	uint32_t mask = 0;
	if (ia_valid & (ATTR_UID | ATTR_GID | ATTR_MODE))
		mask |= IN_ATTRIB;
	if (ia_valid & ATTR_SIZE)
		mask |= IN_MODIFY;
	if ((ia_valid & (ATTR_ATIME | ATTR_MTIME)) == (ATTR_ATIME | ATTR_MTIME))
		mask |= IN_ATTRIB;
	else if (ia_valid & ATTR_ATIME)
		mask |= IN_ACCESS;
	else if (ia_valid & ATTR_MTIME)
		mask |= IN_MODIFY;
	if (mask)
		notify_dentry(dentry, mask, false);
}

void fsnotify_inoderemove(struct inode* inode)
{
	if (!has_marks(inode))
		return;
	lib::list_head dead;
	{
		lib::spin_lock_irqsave_guard g(fsnotify_lock);
		send_to(inode, IN_DELETE_SELF | (S_ISDIR(inode->i_mode) ? IN_ISDIR : 0), nullptr, 0, false, &dead);
		while (!inode->i_fsnotify_marks.empty())
			detach_mark(list_first_entry(&inode->i_fsnotify_marks, struct fsnotify_mark, i_list), &dead);
	}
	free_dead(&dead);
}

/* ---- the system calls ---- */
SYSCALL_DEFINE1(inotify_init1, int, flags)
{
	return TRY(do_inotify_init(flags));
}

SYSCALL_DEFINE0(inotify_init)
{
	return TRY(do_inotify_init(0));
}

SYSCALL_DEFINE3(inotify_add_watch, int, fd, user_ptr<const char>, pathname, uint32_t, mask)
{
	if ((mask & IN_MASK_ADD) && (mask & IN_MASK_CREATE))
		return lib::Error{EINVAL};
	if (mask & ~(uint32_t)ALL_INOTIFY_BITS)
		return lib::Error{EINVAL};
	if (!(mask & ALL_INOTIFY_BITS))
		return lib::Error{EINVAL};
	lib::ref<file> f = fdget(unsigned(fd));
	if (!f)
		return lib::Error{EBADF};
	if (f->f_op != &inotify_fops)
		return lib::Error{EINVAL};
	auto* g = static_cast<struct inotify_group*>(f->private_data);
	unsigned flags = (mask & IN_DONT_FOLLOW) ? 0 : LOOKUP_FOLLOW;
	if (mask & IN_ONLYDIR)
		flags |= LOOKUP_DIRECTORY;
	struct filename* name = TRY(getname(pathname));
	lib::scope_exit put_name([name] { putname(name); });
	struct path path;
	TRY(filename_lookup(AT_FDCWD, name->name, flags, &path));
	lib::scope_exit put_path([&] { path_put(&path); });
	struct inode* inode = d_inode(path.dentry);
	TRY(inode_permission(inode, MAY_READ));
	uint32_t want = mask & INOTIFY_USER_MASK;
	void* mem = kzalloc(sizeof(struct fsnotify_mark), GFP_KERNEL);
	if (!mem)
		return lib::Error{ENOMEM};
	auto* nm = new (mem) fsnotify_mark();
	lib::spin_lock_irqsave_guard lg(fsnotify_lock);
	if (struct fsnotify_mark* m = find_mark(g, inode)) {
		nm->~fsnotify_mark();
		kfree(nm);
		if (mask & IN_MASK_CREATE)
			return lib::Error{EEXIST};
		if (!(mask & IN_MASK_ADD))
			m->mask = 0;
		m->mask |= want;
		return m->wd;
	}
	ihold(inode);
	nm->inode = inode;
	nm->group = g;
	nm->mask = want;
	if (++g->last_wd <= 0)
		g->last_wd = 1;
	nm->wd = g->last_wd;
	inode->i_fsnotify_marks.add_tail(&nm->i_list);
	g->marks.add_tail(&nm->g_list);
	return nm->wd;
}

SYSCALL_DEFINE2(inotify_rm_watch, int, fd, int, wd)
{
	lib::ref<file> f = fdget(unsigned(fd));
	if (!f)
		return lib::Error{EBADF};
	if (f->f_op != &inotify_fops)
		return lib::Error{EINVAL};
	auto* g = static_cast<struct inotify_group*>(f->private_data);
	lib::list_head dead;
	{
		lib::spin_lock_irqsave_guard lg(fsnotify_lock);
		struct fsnotify_mark* found = nullptr;
		struct fsnotify_mark* m;
		list_for_each_entry(m, &g->marks, g_list)
		{
			if (m->wd == wd) {
				found = m;
				break;
			}
		}
		if (!found)
			return lib::Error{EINVAL};
		detach_mark(found, &dead);
	}
	free_dead(&dead);
	return 0;
}
