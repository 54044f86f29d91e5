/*
 * File locks (Linux: fs/locks.c, include/linux/filelock.h): flock(2)
 * whole-file locks, POSIX record locks (fcntl F_GETLK/F_SETLK/F_SETLKW)
 * and open-file-description locks (F_OFD_GETLK/SETLK/SETLKW).
 *
 * Each inode gets a file_lock_context on its first lock (i_flctx): two
 * lists of struct file_lock, flc_flock and flc_posix (OFD locks live on
 * flc_posix too, as in Linux: they conflict with POSIX ones), and a wait
 * queue for SETLKW/blocking flock.  A lock has an owner: the fd table
 * (files_struct) for POSIX locks, the struct file for flock and OFD locks.
 * Two locks conflict when their owners differ, their ranges overlap and
 * one is a write lock; an owner's own locks never conflict with each
 * other: a new POSIX/OFD lock replaces the owner's overlapping ranges,
 * splitting them and merging neighbours of the same type, as Linux's
 * posix_lock_inode.
 *
 * Lifetimes (the classic POSIX trap included): any close of an fd drops
 * the closing table's POSIX locks on that inode (filp_close ->
 * locks_remove_posix); flock and OFD locks go with the last reference to
 * their open file description (__fput -> locks_remove_file).
 *
 * Not yet: deadlock detection (EDEADLK) between processes blocked on each
 * other's POSIX locks, and a signal interrupting a wait (EINTR) — both
 * need the processes issue; /proc/locks (procfs); leases.
 *
 * Lock order: ctx->flc_lock is a leaf spinlock; waiters sleep on
 * ctx->flc_wait without it.
 */
#include <fs/fdtable.h>
#include <fs/fs.h>
#include <kernel/panic.h>
#include <kernel/syscalls.h>
#include <lib/ref.h>
#include <lib/scope.h>
#include <kernel/sched.h>
#include <kernel/uaccess.h>
#include <kernel/wait.h>
#include <lib/list.h>
#include <lib/spinlock.h>
#include <mm/slab.h>
#include <uapi/asm-generic/errno.h>
#include <uapi/linux/fcntl.h>

#define FL_POSIX 1
#define FL_FLOCK 2
#define FL_OFDLCK 1024

constexpr loff_t OFFSET_MAX = 0x7fffffffffffffffLL;

struct file_lock {
	lib::list_head fl_list; /* on its context's flc_flock or flc_posix */
	fl_owner_t fl_owner;
	unsigned int fl_flags; /* FL_POSIX, FL_FLOCK, FL_OFDLCK */
	unsigned char fl_type; /* F_RDLCK, F_WRLCK */
	int fl_pid;            /* the locking process (F_GETLK reports it) */
	struct file* fl_file;
	loff_t fl_start, fl_end; /* inclusive; fl_end OFFSET_MAX: to the end of the file */
};

struct file_lock_context {
	lib::spinlock flc_lock;
	lib::list_head flc_flock GUARDED_BY(flc_lock);
	lib::list_head flc_posix GUARDED_BY(flc_lock);
	struct wait_queue_head flc_wait;
};

namespace
{
lib::spinlock ctx_alloc_lock; /* installing i_flctx */

/* NO_THREAD_SAFETY_ANALYSIS: a new context is no one else's until it is
 * published in i_flctx */
struct file_lock_context* get_ctx(struct inode* inode) NO_THREAD_SAFETY_ANALYSIS
{
	struct file_lock_context* ctx = __atomic_load_n(&inode->i_flctx, __ATOMIC_ACQUIRE);
	if (ctx)
		return ctx;
	void* mem = kmalloc(sizeof(struct file_lock_context), GFP_KERNEL);
	if (!mem)
		return nullptr;
	auto* n = new (mem) file_lock_context();
	n->flc_flock.init();
	n->flc_posix.init();
	init_waitqueue_head(&n->flc_wait);
	lib::spin_lock_guard g(ctx_alloc_lock);
	if (!inode->i_flctx)
		__atomic_store_n(&inode->i_flctx, n, __ATOMIC_RELEASE);
	else
		kfree(n);
	return inode->i_flctx;
}

struct file_lock* lock_alloc()
{
	void* mem = kmalloc(sizeof(struct file_lock), GFP_KERNEL);
	return mem ? new (mem) file_lock() : nullptr;
}

bool overlap(const struct file_lock* a, loff_t start, loff_t end)
{
	return a->fl_start <= end && start <= a->fl_end;
}

bool conflicts(const struct file_lock* held, fl_owner_t owner, unsigned char type, loff_t start, loff_t end)
{
	return held->fl_owner != owner && overlap(held, start, end) && (type == F_WRLCK || held->fl_type == F_WRLCK);
}

/* the first lock on list conflicting with the request, or NULL */
struct file_lock* find_conflict(lib::list_head* list, fl_owner_t owner, unsigned char type, loff_t start, loff_t end)
{
	struct file_lock* fl;
	list_for_each_entry(fl, list, fl_list)
	{
		if (conflicts(fl, owner, type, start, end))
			return fl;
	}
	return nullptr;
}

/* struct flock -> [start, end] (Linux: flock_to_posix_lock) */
lib::Result<void> flock_range(struct file* filp, const struct flock& l, loff_t* start, loff_t* end)
{
	loff_t base;
	switch (l.l_whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = filp->f_pos;
		break;
	case SEEK_END:
		base = file_inode(filp)->i_size;
		break;
	default:
		return lib::Error{EINVAL};
	}
	if (l.l_start > OFFSET_MAX - base)
		return lib::Error{EOVERFLOW};
	loff_t s = base + l.l_start;
	if (s < 0)
		return lib::Error{EINVAL};
	loff_t e;
	if (l.l_len > 0) {
		if (l.l_len - 1 > OFFSET_MAX - s)
			return lib::Error{EOVERFLOW};
		e = s + l.l_len - 1;
	} else if (l.l_len < 0) {
		e = s - 1;
		s += l.l_len;
		if (s < 0)
			return lib::Error{EINVAL};
	} else {
		e = OFFSET_MAX;
	}
	*start = s;
	*end = e;
	return lib::ok();
}

void wake(struct file_lock_context* ctx)
{
	wake_up_all(&ctx->flc_wait);
}

/* Replace owner's locks over [start, end] with type (F_UNLCK: remove),
 * splitting and merging as posix_lock_inode; spare holds two preallocated
 * locks (a split needs at most one new piece plus the new lock). */
void posix_apply(struct file_lock_context* ctx, fl_owner_t owner, unsigned flags, struct file* filp, unsigned char type,
                 loff_t start, loff_t end, struct file_lock** spare) REQUIRES(ctx->flc_lock)
{
	struct file_lock *fl, *tmp;
	lib::list_head* list = &ctx->flc_posix;
	list_for_each_entry_safe(fl, tmp, list, fl_list)
	{
		if (fl->fl_owner != owner)
			continue;
		bool adjacent = (end != OFFSET_MAX && fl->fl_start == end + 1) || (start > 0 && fl->fl_end == start - 1);
		if (!overlap(fl, start, end) && !(adjacent && fl->fl_type == type))
			continue;
		if (fl->fl_type == type) { /* same type: absorb it */
			if (fl->fl_start < start)
				start = fl->fl_start;
			if (fl->fl_end > end)
				end = fl->fl_end;
			fl->fl_list.del();
			kfree(fl);
			continue;
		}
		/* another type: keep what lies outside [start, end] */
		if (fl->fl_start < start && fl->fl_end > end) {
			struct file_lock* right = *spare;
			*spare = nullptr;
			*right = *fl;
			right->fl_start = end + 1;
			right->fl_list.init();
			list->add_tail(&right->fl_list);
			fl->fl_end = start - 1;
		} else if (fl->fl_start < start) {
			fl->fl_end = start - 1;
		} else if (fl->fl_end > end) {
			fl->fl_start = end + 1;
		} else {
			fl->fl_list.del();
			kfree(fl);
		}
	}
	if (type == F_UNLCK)
		return;
	struct file_lock* n = spare[1];
	spare[1] = nullptr;
	n->fl_owner = owner;
	n->fl_flags = flags;
	n->fl_type = type;
	n->fl_pid = (flags & FL_OFDLCK) ? -1 : current->tgid;
	n->fl_file = filp;
	n->fl_start = start;
	n->fl_end = end;
	n->fl_list.init();
	list->add_tail(&n->fl_list);
}

/* remove every lock of list matching pred; true if any went */
template <typename Pred> bool remove_locks([[maybe_unused]] struct file_lock_context* ctx, lib::list_head* list, Pred pred)
    REQUIRES(ctx->flc_lock)
{
	bool any = false;
	struct file_lock *fl, *tmp;
	list_for_each_entry_safe(fl, tmp, list, fl_list)
	{
		if (pred(fl)) {
			fl->fl_list.del();
			kfree(fl);
			any = true;
		}
	}
	return any;
}
} // namespace

lib::Result<long> fcntl_getlk(struct file* filp, unsigned int cmd, user_ptr<void> arg)
{
	struct flock l;
	if (copy_from_user(&l, arg, sizeof(l)))
		return lib::Error{EFAULT};
	bool ofd = cmd == F_OFD_GETLK;
	if (l.l_type != F_RDLCK && l.l_type != F_WRLCK)
		return lib::Error{EINVAL};
	if (ofd && l.l_pid != 0)
		return lib::Error{EINVAL};
	loff_t start, end;
	TRY(flock_range(filp, l, &start, &end));
	fl_owner_t owner = ofd ? static_cast<fl_owner_t>(filp) : static_cast<fl_owner_t>(current->files);
	struct file_lock_context* ctx = file_inode(filp)->i_flctx;
	bool found = false;
	if (ctx) {
		lib::spin_lock_guard g(ctx->flc_lock);
		if (struct file_lock* fl = find_conflict(&ctx->flc_posix, owner, (unsigned char)l.l_type, start, end)) {
			found = true;
			l.l_type = fl->fl_type;
			l.l_whence = SEEK_SET;
			l.l_start = fl->fl_start;
			l.l_len = fl->fl_end == OFFSET_MAX ? 0 : fl->fl_end - fl->fl_start + 1;
			l.l_pid = fl->fl_pid;
		}
	}
	if (!found)
		l.l_type = F_UNLCK;
	if (copy_to_user(arg, &l, sizeof(l)))
		return lib::Error{EFAULT};
	return 0;
}

lib::Result<long> fcntl_setlk(unsigned int, struct file* filp, unsigned int cmd, user_ptr<void> arg)
{
	struct flock l;
	if (copy_from_user(&l, arg, sizeof(l)))
		return lib::Error{EFAULT};
	bool ofd = cmd == F_OFD_SETLK || cmd == F_OFD_SETLKW;
	bool wait = cmd == F_SETLKW || cmd == F_OFD_SETLKW;
	if (l.l_type != F_RDLCK && l.l_type != F_WRLCK && l.l_type != F_UNLCK)
		return lib::Error{EINVAL};
	if (ofd && l.l_pid != 0)
		return lib::Error{EINVAL};
	if ((l.l_type == F_RDLCK && !(filp->f_mode & FMODE_READ)) || (l.l_type == F_WRLCK && !(filp->f_mode & FMODE_WRITE)))
		return lib::Error{EBADF};
	loff_t start, end;
	TRY(flock_range(filp, l, &start, &end));
	struct file_lock_context* ctx = get_ctx(file_inode(filp));
	if (!ctx)
		return lib::Error{ENOMEM};
	fl_owner_t owner = ofd ? static_cast<fl_owner_t>(filp) : static_cast<fl_owner_t>(current->files);
	unsigned flags = ofd ? (FL_OFDLCK | FL_POSIX) : FL_POSIX;
	unsigned char type = (unsigned char)l.l_type;
	struct file_lock* spare[2] = {lock_alloc(), lock_alloc()};
	lib::scope_exit free_spare([&] {
		kfree(spare[0]);
		kfree(spare[1]);
	});
	if (!spare[0] || !spare[1])
		return lib::Error{ENOMEM};
	for (;;) {
		{
			lib::spin_lock_guard g(ctx->flc_lock);
			if (type == F_UNLCK || !find_conflict(&ctx->flc_posix, owner, type, start, end)) {
				posix_apply(ctx, owner, flags, filp, type, start, end, spare);
				break;
			}
		}
		if (!wait)
			return lib::Error{EAGAIN};
		wait_event(ctx->flc_wait, ({
			           lib::spin_lock_guard g2(ctx->flc_lock);
			           !find_conflict(&ctx->flc_posix, owner, type, start, end);
		           }));
	}
	wake(ctx); /* an unlock or a narrowed lock may let a waiter in */
	return 0;
}

/* flock(2) (Linux: flock_lock_inode): one lock per open file description */
lib::Result<long> do_flock(struct file* filp, unsigned int cmd)
{
	bool nb = cmd & LOCK_NB;
	unsigned op = cmd & ~LOCK_NB;
	unsigned char type;
	switch (op) {
	case LOCK_SH:
		type = F_RDLCK;
		break;
	case LOCK_EX:
		type = F_WRLCK;
		break;
	case LOCK_UN:
		type = F_UNLCK;
		break;
	default:
		return lib::Error{EINVAL};
	}
	struct file_lock_context* ctx = get_ctx(file_inode(filp));
	if (!ctx)
		return lib::Error{ENOMEM};
	struct file_lock* n = type == F_UNLCK ? nullptr : lock_alloc();
	if (type != F_UNLCK && !n)
		return lib::Error{ENOMEM};
	lib::scope_exit free_n([&] { kfree(n); });
	{
		/* a conversion gives up the old lock first, as Linux's (not atomic) */
		lib::spin_lock_guard g(ctx->flc_lock);
		struct file_lock* fl;
		list_for_each_entry(fl, &ctx->flc_flock, fl_list)
		{
			if (fl->fl_file == filp) {
				if (fl->fl_type == type)
					return 0;
				fl->fl_list.del();
				kfree(fl);
				break;
			}
		}
	}
	wake(ctx);
	if (type == F_UNLCK)
		return 0;
	for (;;) {
		{
			lib::spin_lock_guard g(ctx->flc_lock);
			if (!find_conflict(&ctx->flc_flock, filp, type, 0, OFFSET_MAX)) {
				n->fl_owner = filp;
				n->fl_flags = FL_FLOCK;
				n->fl_type = type;
				n->fl_pid = current->tgid;
				n->fl_file = filp;
				n->fl_start = 0;
				n->fl_end = OFFSET_MAX;
				n->fl_list.init();
				ctx->flc_flock.add_tail(&n->fl_list);
				n = nullptr;
				return 0;
			}
		}
		if (nb)
			return lib::Error{EWOULDBLOCK};
		wait_event(ctx->flc_wait, ({
			           lib::spin_lock_guard g2(ctx->flc_lock);
			           !find_conflict(&ctx->flc_flock, filp, type, 0, OFFSET_MAX);
		           }));
	}
}

void locks_remove_posix(struct file* filp, fl_owner_t owner)
{
	struct file_lock_context* ctx = file_inode(filp) ? file_inode(filp)->i_flctx : nullptr;
	if (!ctx)
		return;
	bool any;
	{
		lib::spin_lock_guard g(ctx->flc_lock);
		any = remove_locks(ctx, &ctx->flc_posix,
		                   [&](struct file_lock* fl) { return !(fl->fl_flags & FL_OFDLCK) && fl->fl_owner == owner; });
	}
	if (any)
		wake(ctx);
}

void locks_remove_file(struct file* filp)
{
	struct file_lock_context* ctx = file_inode(filp) ? file_inode(filp)->i_flctx : nullptr;
	if (!ctx)
		return;
	bool any;
	{
		lib::spin_lock_guard g(ctx->flc_lock);
		any = remove_locks(ctx, &ctx->flc_posix,
		                   [&](struct file_lock* fl) { return (fl->fl_flags & FL_OFDLCK) && fl->fl_owner == filp; });
		any |= remove_locks(ctx, &ctx->flc_flock, [&](struct file_lock* fl) { return fl->fl_file == filp; });
	}
	if (any)
		wake(ctx);
}

void locks_free_lock_context(struct inode* inode) NO_THREAD_SAFETY_ANALYSIS
{
	struct file_lock_context* ctx = inode->i_flctx;
	if (!ctx)
		return;
	/* every file is closed by now: nothing can be left (Linux WARNs too) */
	WARN_ON(!ctx->flc_flock.empty() || !ctx->flc_posix.empty());
	inode->i_flctx = nullptr;
	ctx->~file_lock_context();
	kfree(ctx);
}

SYSCALL_DEFINE2(flock, unsigned int, fd, unsigned int, cmd)
{
	lib::ref<file> f = fdget(fd);
	if (!f || (f->f_mode & FMODE_PATH))
		return lib::Error{EBADF};
	return TRY(do_flock(f.get(), cmd));
}
