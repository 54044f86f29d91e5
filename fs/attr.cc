/*
 * Attribute changes and the system calls that make them (Linux: fs/attr.c
 * setattr_prepare, inode_newsize_ok, setattr_copy, notify_change;
 * fs/open.c do_truncate, chmod_common, chown_common and their system
 * calls; fs/utimes.c).
 *
 * The rules, as Linux's:
 *   - mode: the owner or CAP_FOWNER (EPERM); the set-group-ID bit is
 *     dropped when the caller is not in the file's group and lacks
 *     CAP_FSETID.
 *   - owner: only CAP_CHOWN may give a file away; group: the owner may
 *     pick one of its own groups, else CAP_CHOWN.  chown of a
 *     non-directory clears set-user-ID, and set-group-ID when group
 *     execute is on.
 *   - times: to explicit values only the owner or CAP_FOWNER (EPERM); to
 *     "now" also anyone who may write the file (EACCES).
 *   - size: regular files only (EISDIR for a directory, EINVAL otherwise),
 *     write permission (EACCES), not past s_maxbytes or RLIMIT_FSIZE
 *     (EFBIG, and SIGXFSZ for the limit); ftruncate needs a file opened
 *     for writing (EINVAL).
 * Read-only mounts are EROFS.  Every change sets ctime.
 *
 * Lock order: inode->i_rwsem around notify_change.
 */
#include <fs/attr.h>
#include <fs/dcache.h>
#include <fs/fdtable.h>
#include <fs/fsnotify.h>
#include <fs/fs.h>
#include <fs/mount.h>
#include <fs/namei.h>
#include <kernel/capability.h>
#include <kernel/cred.h>
#include <kernel/sched.h>
#include <kernel/sched/signal.h>
#include <kernel/signal.h>
#include <kernel/syscalls.h>
#include <kernel/timekeeping.h>
#include <lib/scope.h>
#include <uapi/asm-generic/errno.h>
#include <uapi/linux/fcntl.h>
#include <uapi/linux/resource.h>
#include <uapi/linux/stat.h>
#include <uapi/linux/time.h>

#define UTIME_NOW ((1L << 30) - 1L)
#define UTIME_OMIT ((1L << 30) - 2L)

namespace
{
bool chown_ok(const struct inode* inode, kuid_t uid)
{
	if (uid_eq(current_fsuid(), inode->i_uid) && uid_eq(uid, inode->i_uid))
		return true;
	return capable(CAP_CHOWN);
}

bool chgrp_ok(const struct inode* inode, kgid_t gid)
{
	if (uid_eq(current_fsuid(), inode->i_uid) && (in_group_p(gid) || gid_eq(gid, inode->i_gid)))
		return true;
	return capable(CAP_CHOWN);
}

lib::Result<void> mnt_want_write(const struct path* path)
{
	if ((path->mnt->mnt_flags & MNT_READONLY) || (path->mnt->mnt_sb->s_flags & SB_RDONLY))
		return lib::Error{EROFS};
	return lib::ok();
}

void setattr_copy(struct inode* inode, const struct iattr* attr)
{
	unsigned int ia_valid = attr->ia_valid;
	if (ia_valid & ATTR_UID)
		inode->i_uid = attr->ia_uid;
	if (ia_valid & ATTR_GID)
		inode->i_gid = attr->ia_gid;
	if (ia_valid & ATTR_ATIME)
		inode->i_atime = attr->ia_atime;
	if (ia_valid & ATTR_MTIME)
		inode->i_mtime = attr->ia_mtime;
	if (ia_valid & ATTR_CTIME)
		inode->i_ctime = attr->ia_ctime;
	if (ia_valid & ATTR_MODE) {
		umode_t mode = attr->ia_mode;
		if (!in_group_p(inode->i_gid) && !capable(CAP_FSETID))
			mode &= ~S_ISGID;
		inode->i_mode = (inode->i_mode & S_IFMT) | (mode & S_IALLUGO);
	}
}
} // namespace

lib::Result<void> inode_newsize_ok(const struct inode* inode, loff_t offset)
{
	if (offset < 0)
		return lib::Error{EINVAL};
	if (offset > inode->i_size) {
		unsigned long limit = rlimit(RLIMIT_FSIZE);
		if (limit != RLIM_INFINITY && (unsigned long)offset > limit) {
			(void)send_sig(SIGXFSZ, current, 0);
			return lib::Error{EFBIG};
		}
		if (offset > inode->i_sb->s_maxbytes)
			return lib::Error{EFBIG};
	}
	return lib::ok();
}

lib::Result<void> setattr_prepare(struct inode* inode, struct iattr* attr)
{
	unsigned int ia_valid = attr->ia_valid;
	if (ia_valid & ATTR_SIZE)
		TRY(inode_newsize_ok(inode, attr->ia_size));
	if (ia_valid & ATTR_FORCE)
		return lib::ok();
	if ((ia_valid & ATTR_UID) && !chown_ok(inode, attr->ia_uid))
		return lib::Error{EPERM};
	if ((ia_valid & ATTR_GID) && !chgrp_ok(inode, attr->ia_gid))
		return lib::Error{EPERM};
	if (ia_valid & ATTR_MODE) {
		if (!inode_owner_or_capable(inode))
			return lib::Error{EPERM};
		kgid_t gid = (ia_valid & ATTR_GID) ? attr->ia_gid : inode->i_gid;
		if (!in_group_p(gid) && !capable(CAP_FSETID))
			attr->ia_mode &= ~S_ISGID;
	}
	if ((ia_valid & (ATTR_MTIME_SET | ATTR_ATIME_SET | ATTR_TIMES_SET)) && !inode_owner_or_capable(inode))
		return lib::Error{EPERM};
	return lib::ok();
}

lib::Result<void> notify_change(struct dentry* dentry, struct iattr* attr)
{
	struct inode* inode = d_inode(dentry);
	umode_t mode = inode->i_mode;
	struct timespec64 now = current_time(inode);
	attr->ia_ctime = now;
	if (!(attr->ia_valid & ATTR_ATIME_SET))
		attr->ia_atime = now;
	if (!(attr->ia_valid & ATTR_MTIME_SET))
		attr->ia_mtime = now;
	if ((attr->ia_valid & ATTR_KILL_SUID) && (mode & S_ISUID)) {
		attr->ia_valid |= ATTR_MODE;
		attr->ia_mode = mode & ~S_ISUID;
	}
	if ((attr->ia_valid & ATTR_KILL_SGID) && (mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP)) {
		if (!(attr->ia_valid & ATTR_MODE)) {
			attr->ia_valid |= ATTR_MODE;
			attr->ia_mode = mode;
		}
		attr->ia_mode &= ~S_ISGID;
	}
	attr->ia_valid |= ATTR_CTIME;
	TRY(setattr_prepare(inode, attr));
	if (attr->ia_valid & ATTR_SIZE) {
		if (attr->ia_size != inode->i_size) {
			if (!inode->i_op || !inode->i_op->setsize)
				return lib::Error{EPERM};
			TRY(inode->i_op->setsize(inode, attr->ia_size));
			attr->ia_valid |= ATTR_MTIME; /* a new size is a modification (shmem_setattr) */
		}
	}
	setattr_copy(inode, attr);
	fsnotify_change(dentry, attr->ia_valid);
	return lib::ok();
}

lib::Result<void> do_truncate(struct dentry* dentry, loff_t length, unsigned int time_attrs, struct file*)
{
	if (length < 0)
		return lib::Error{EINVAL};
	struct iattr newattrs = {};
	newattrs.ia_size = length;
	newattrs.ia_valid = ATTR_SIZE | time_attrs;
	/* a write clears set-user-ID, as Linux's dentry_needs_remove_privs */
	if (!S_ISDIR(d_inode(dentry)->i_mode) && !capable(CAP_FSETID))
		newattrs.ia_valid |= ATTR_KILL_SUID | ATTR_KILL_SGID;
	struct inode* inode = d_inode(dentry);
	inode_lock(inode);
	lib::Result<void> r = notify_change(dentry, &newattrs);
	inode_unlock(inode);
	return r;
}

/* ---- the system calls ---- */
namespace
{
lib::Result<void> user_path_at(int dfd, user_ptr<const char> name, unsigned int lookup_flags, struct path* path)
{
	struct filename* f = TRY(getname_flags(name, lookup_flags & LOOKUP_EMPTY));
	lib::scope_exit put([f] { putname(f); });
	if ((lookup_flags & LOOKUP_EMPTY) && !*f->name) {
		lib::ref<file> file = fdget_raw(unsigned(dfd));
		if (!file)
			return lib::Error{EBADF};
		*path = file->f_path;
		path_get(path);
		return lib::ok();
	}
	return filename_lookup(dfd, f->name, lookup_flags, path);
}

lib::Result<void> chmod_common(const struct path* path, umode_t mode)
{
	TRY(mnt_want_write(path));
	struct inode* inode = d_inode(path->dentry);
	struct iattr newattrs = {};
	inode_lock(inode);
	newattrs.ia_mode = (mode & S_IALLUGO) | (inode->i_mode & ~S_IALLUGO);
	newattrs.ia_valid = ATTR_MODE | ATTR_CTIME;
	lib::Result<void> r = notify_change(path->dentry, &newattrs);
	inode_unlock(inode);
	return r;
}

lib::Result<void> chown_common(const struct path* path, unsigned int user, unsigned int group)
{
	TRY(mnt_want_write(path));
	struct inode* inode = d_inode(path->dentry);
	struct iattr newattrs = {};
	newattrs.ia_valid = ATTR_CTIME;
	if (user != (unsigned int)-1) {
		newattrs.ia_valid |= ATTR_UID;
		newattrs.ia_uid = kuid_t{user};
	}
	if (group != (unsigned int)-1) {
		newattrs.ia_valid |= ATTR_GID;
		newattrs.ia_gid = kgid_t{group};
	}
	inode_lock(inode);
	if (!S_ISDIR(inode->i_mode))
		newattrs.ia_valid |= ATTR_KILL_SUID | ATTR_KILL_SGID;
	lib::Result<void> r = notify_change(path->dentry, &newattrs);
	inode_unlock(inode);
	return r;
}

lib::Result<void> do_fchownat(int dfd, user_ptr<const char> filename, unsigned int user, unsigned int group, int flag)
{
	if (flag & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return lib::Error{EINVAL};
	unsigned int lookup_flags = (flag & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW;
	if (flag & AT_EMPTY_PATH)
		lookup_flags |= LOOKUP_EMPTY;
	struct path path;
	TRY(user_path_at(dfd, filename, lookup_flags, &path));
	lib::scope_exit put([&path] { path_put(&path); });
	return chown_common(&path, user, group);
}

lib::Result<void> do_fchmodat(int dfd, user_ptr<const char> filename, umode_t mode)
{
	struct path path;
	TRY(user_path_at(dfd, filename, LOOKUP_FOLLOW, &path));
	lib::scope_exit put([&path] { path_put(&path); });
	return chmod_common(&path, mode);
}

lib::Result<void> vfs_truncate(const struct path* path, loff_t length)
{
	struct inode* inode = d_inode(path->dentry);
	if (S_ISDIR(inode->i_mode))
		return lib::Error{EISDIR};
	if (!S_ISREG(inode->i_mode))
		return lib::Error{EINVAL};
	TRY(mnt_want_write(path));
	TRY(inode_permission(inode, MAY_WRITE));
	return do_truncate(path->dentry, length, 0, nullptr);
}

lib::Result<void> do_sys_ftruncate(unsigned int fd, loff_t length)
{
	if (length < 0)
		return lib::Error{EINVAL};
	lib::ref<file> f = fdget(fd);
	if (!f)
		return lib::Error{EBADF};
	struct inode* inode = file_inode(f.get());
	if (!S_ISREG(inode->i_mode) || !(f->f_mode & FMODE_WRITE))
		return lib::Error{EINVAL};
	return do_truncate(f->f_path.dentry, length, ATTR_MTIME | ATTR_CTIME, f.get());
}

/* set the times of path (times NULL: both now) (Linux: utimes_common) */
lib::Result<void> utimes_common(const struct path* path, const struct timespec64* times)
{
	TRY(mnt_want_write(path));
	struct inode* inode = d_inode(path->dentry);
	struct iattr newattrs = {};
	newattrs.ia_valid = ATTR_CTIME | ATTR_MTIME | ATTR_ATIME;
	if (times) {
		if (times[0].tv_nsec == UTIME_OMIT)
			newattrs.ia_valid &= ~ATTR_ATIME;
		else if (times[0].tv_nsec != UTIME_NOW) {
			newattrs.ia_atime = times[0];
			newattrs.ia_valid |= ATTR_ATIME_SET;
		}
		if (times[1].tv_nsec == UTIME_OMIT)
			newattrs.ia_valid &= ~ATTR_MTIME;
		else if (times[1].tv_nsec != UTIME_NOW) {
			newattrs.ia_mtime = times[1];
			newattrs.ia_valid |= ATTR_MTIME_SET;
		}
		if (times[0].tv_nsec == UTIME_OMIT && times[1].tv_nsec == UTIME_OMIT)
			return lib::ok(); /* nothing to do, not even ctime */
		/* both UTIME_NOW is "now": the write-permission rule below */
		if (!(newattrs.ia_valid & (ATTR_ATIME_SET | ATTR_MTIME_SET)))
			newattrs.ia_valid |= ATTR_TOUCH;
	} else {
		newattrs.ia_valid |= ATTR_TOUCH;
	}
	if (newattrs.ia_valid & ATTR_TOUCH) {
		/* to now: the owner, CAP_FOWNER, or whoever may write it */
		if (!inode_owner_or_capable(inode))
			TRY(inode_permission(inode, MAY_WRITE));
	}
	inode_lock(inode);
	lib::Result<void> r = notify_change(path->dentry, &newattrs);
	inode_unlock(inode);
	return r;
}

bool nsec_valid(long nsec)
{
	if (nsec == UTIME_OMIT || nsec == UTIME_NOW)
		return true;
	return nsec >= 0 && nsec <= 999999999;
}

lib::Result<void> do_utimes(int dfd, user_ptr<const char> filename, struct timespec64* times, int flags)
{
	if (times && (!nsec_valid(times[0].tv_nsec) || !nsec_valid(times[1].tv_nsec)))
		return lib::Error{EINVAL};
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return lib::Error{EINVAL};
	if (!filename) { /* futimens: utimensat(fd, NULL, ...) */
		if (flags)
			return lib::Error{EINVAL};
		lib::ref<file> f = fdget(unsigned(dfd));
		if (!f)
			return lib::Error{EBADF};
		return utimes_common(&f->f_path, times);
	}
	unsigned int lookup_flags = (flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW;
	if (flags & AT_EMPTY_PATH)
		lookup_flags |= LOOKUP_EMPTY;
	struct path path;
	TRY(user_path_at(dfd, filename, lookup_flags, &path));
	lib::scope_exit put([&path] { path_put(&path); });
	return utimes_common(&path, times);
}

/* utimes/futimesat's timevals as timespecs; EINVAL for bad microseconds */
lib::Result<long> do_futimesat(int dfd, user_ptr<const char> filename, user_ptr<const struct __kernel_old_timeval> utimes)
{
	struct timespec64 tstimes[2];
	if (utimes) {
		struct __kernel_old_timeval times[2];
		if (copy_from_user(times, utimes, sizeof(times)))
			return lib::Error{EFAULT};
		if (times[0].tv_usec < 0 || times[0].tv_usec >= 1000000 || times[1].tv_usec < 0 ||
		    times[1].tv_usec >= 1000000)
			return lib::Error{EINVAL};
		tstimes[0] = {times[0].tv_sec, times[0].tv_usec * 1000};
		tstimes[1] = {times[1].tv_sec, times[1].tv_usec * 1000};
	}
	TRY(do_utimes(dfd, filename, utimes ? tstimes : nullptr, 0));
	return 0;
}
} // namespace

SYSCALL_DEFINE2(truncate, user_ptr<const char>, path, long, length)
{
	struct path p;
	TRY(user_path_at(AT_FDCWD, path, LOOKUP_FOLLOW, &p));
	lib::scope_exit put([&p] { path_put(&p); });
	TRY(vfs_truncate(&p, length));
	return 0;
}

SYSCALL_DEFINE2(ftruncate, unsigned int, fd, unsigned long, length)
{
	TRY(do_sys_ftruncate(fd, loff_t(length)));
	return 0;
}

SYSCALL_DEFINE3(fchmodat, int, dfd, user_ptr<const char>, filename, umode_t, mode)
{
	TRY(do_fchmodat(dfd, filename, mode));
	return 0;
}

SYSCALL_DEFINE2(chmod, user_ptr<const char>, filename, umode_t, mode)
{
	TRY(do_fchmodat(AT_FDCWD, filename, mode));
	return 0;
}

SYSCALL_DEFINE2(fchmod, unsigned int, fd, umode_t, mode)
{
	lib::ref<file> f = fdget(fd);
	if (!f)
		return lib::Error{EBADF};
	TRY(chmod_common(&f->f_path, mode));
	return 0;
}

SYSCALL_DEFINE5(fchownat, int, dfd, user_ptr<const char>, filename, unsigned int, user, unsigned int, group, int, flag)
{
	TRY(do_fchownat(dfd, filename, user, group, flag));
	return 0;
}

SYSCALL_DEFINE3(chown, user_ptr<const char>, filename, unsigned int, user, unsigned int, group)
{
	TRY(do_fchownat(AT_FDCWD, filename, user, group, 0));
	return 0;
}

SYSCALL_DEFINE3(lchown, user_ptr<const char>, filename, unsigned int, user, unsigned int, group)
{
	TRY(do_fchownat(AT_FDCWD, filename, user, group, AT_SYMLINK_NOFOLLOW));
	return 0;
}

SYSCALL_DEFINE3(fchown, unsigned int, fd, unsigned int, user, unsigned int, group)
{
	lib::ref<file> f = fdget(fd);
	if (!f)
		return lib::Error{EBADF};
	TRY(chown_common(&f->f_path, user, group));
	return 0;
}

SYSCALL_DEFINE4(utimensat, int, dfd, user_ptr<const char>, filename, user_ptr<const struct __kernel_timespec>, utimes,
                int, flags)
{
	struct timespec64 tstimes[2];
	if (utimes) {
		struct __kernel_timespec t[2];
		if (copy_from_user(t, utimes, sizeof(t)))
			return lib::Error{EFAULT};
		tstimes[0] = {t[0].tv_sec, t[0].tv_nsec};
		tstimes[1] = {t[1].tv_sec, t[1].tv_nsec};
		/* both UTIME_OMIT: nothing to do (Linux returns before the lookup) */
		if (tstimes[0].tv_nsec == UTIME_OMIT && tstimes[1].tv_nsec == UTIME_OMIT)
			return 0;
	}
	TRY(do_utimes(dfd, filename, utimes ? tstimes : nullptr, flags));
	return 0;
}

SYSCALL_DEFINE3(futimesat, int, dfd, user_ptr<const char>, filename, user_ptr<const struct __kernel_old_timeval>,
                utimes)
{
	return do_futimesat(dfd, filename, utimes);
}

SYSCALL_DEFINE2(utimes, user_ptr<const char>, filename, user_ptr<const struct __kernel_old_timeval>, utimes)
{
	return do_futimesat(AT_FDCWD, filename, utimes);
}

SYSCALL_DEFINE2(utime, user_ptr<const char>, filename, user_ptr<const long>, times)
{
	/* struct utimbuf { time_t actime, modtime; } */
	struct timespec64 tv[2];
	if (times) {
		long t[2];
		if (copy_from_user(t, times, sizeof(t)))
			return lib::Error{EFAULT};
		tv[0] = {t[0], 0};
		tv[1] = {t[1], 0};
	}
	TRY(do_utimes(AT_FDCWD, filename, times ? tv : nullptr, 0));
	return 0;
}
