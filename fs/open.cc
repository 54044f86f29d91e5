/*
 * Opening and closing, and the calls about a task's place in the tree
 * (Linux: fs/open.c vfs_open/do_dentry_open, do_sys_open, filp_open,
 * file_open_root, filp_close, close, chdir, fchdir, umask (kernel/sys.c),
 * faccessat, chmod..., vfs_fallocate; fs/d_path.c getcwd; fs/exec.c
 * open_exec).
 *
 * The SYSCALL_DEFINEs copy names in (getname) and call the do_* kernel
 * functions, which the ktests call directly (fs/open_test.cc ...).
 *
 * A file's f_mode comes from its O_ACCMODE (FMODE_READ/WRITE) plus
 * FMODE_LSEEK/PREAD/PWRITE/ATOMIC_POS for regular files and directories;
 * an O_PATH file has FMODE_PATH only and no ->open.
 */
#include <fs/dcache.h>
#include <fs/fdtable.h>
#include <fs/fsnotify.h>
#include <fs/fs.h>
#include <fs/fs_struct.h>
#include <fs/mount.h>
#include <fs/namei.h>
#include <kernel/capability.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/syscalls.h>
#include <lib/scope.h>
#include <lib/string.h>
#include <mm/slab.h>
#include <uapi/asm-generic/errno-base.h>
#include <uapi/asm-generic/errno.h>
#include <uapi/linux/falloc.h>
#include <uapi/linux/fcntl.h>
#include <uapi/linux/limits.h>
#include <uapi/linux/openat2.h>

lib::Result<struct file*> dentry_open(const struct path* path, int flags, const struct cred* cred)
{
	struct file* f = TRY(alloc_empty_file(flags & ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC), cred));
	lib::scope_exit undo([f] { fput(f); });
	struct inode* inode = d_inode(path->dentry);
	f->f_path = *path;
	path_get(path);
	f->f_inode = inode;
	if (flags & O_PATH) {
		f->f_mode = FMODE_PATH | FMODE_OPENED;
		static const struct file_operations empty_fops = {};
		f->f_op = &empty_fops;
		undo.release();
		return f;
	}
	static const fmode_t accmode[4] = {FMODE_READ, FMODE_WRITE, FMODE_READ | FMODE_WRITE,
	                                   FMODE_READ | FMODE_WRITE};
	f->f_mode = accmode[flags & O_ACCMODE] | FMODE_LSEEK | FMODE_PREAD | FMODE_PWRITE;
	if (S_ISREG(inode->i_mode) || S_ISDIR(inode->i_mode))
		f->f_mode |= FMODE_ATOMIC_POS;
	f->f_op = inode->i_fop;
	if (!f->f_op) {
		/* a FIFO, socket or block device: none of them exists yet */
		pr_warn_once("open: no file operations for mode %o (FIFOs and block devices come later)\n",
		             inode->i_mode);
		return lib::Error{ENXIO};
	}
	if (f->f_op->open)
		TRY(f->f_op->open(inode, f)); /* may switch f_op (character devices) */
	f->f_mode |= FMODE_OPENED;
	if ((f->f_mode & FMODE_READ) && f->f_op->read_iter)
		f->f_mode |= FMODE_CAN_READ;
	if ((f->f_mode & FMODE_WRITE) && f->f_op->write_iter)
		f->f_mode |= FMODE_CAN_WRITE;
	undo.release();
	return f;
}

lib::Result<struct file*> filp_open(const char* filename, int flags, umode_t mode)
{
	struct open_flags op = TRY(build_open_flags(flags, mode));
	return do_filp_open(AT_FDCWD, filename, &op);
}

lib::Result<struct file*> file_open_root(const struct path* root, const char* filename, int flags, umode_t mode)
{
	/* relative to root: a walk from a temporary cwd would race; the
	 * kernel's callers pass absolute names from the task's root */
	if (!path_equal(root, &current->fs->root) && filename[0] != '/')
		pr_warn_once("file_open_root: walks from the task's root, not the given one\n");
	return filp_open(filename, flags, mode);
}

void filp_close(struct file* filp, fl_owner_t id)
{
	if (id)
		locks_remove_posix(filp, id); /* any close drops the owner's record locks */
	fput(filp);
}

/* open(2)/openat(2)'s work: a new fd for name */
lib::Result<int> do_sys_open(int dfd, const char* filename, int flags, umode_t mode)
{
	struct open_flags op = TRY(build_open_flags(flags, mode));
	int fd = TRY(get_unused_fd_flags(flags));
	lib::Result<struct file*> f = do_filp_open(dfd, filename, &op);
	if (f.is_err()) {
		put_unused_fd(fd);
		return f.error_value();
	}
	fsnotify_open(f.value());
	fd_install(fd, f.value());
	return fd;
}

lib::Result<void> do_chdir(int dfd, const char* name, bool is_chroot)
{
	struct path path;
	TRY(filename_lookup(dfd, name, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &path));
	lib::scope_exit put([&] { path_put(&path); });
	TRY(inode_permission(d_inode(path.dentry), MAY_EXEC | MAY_CHDIR));
	if (is_chroot) {
		if (!capable(CAP_SYS_CHROOT))
			return lib::Error{EPERM};
		set_fs_root(current->fs, &path);
	} else {
		set_fs_pwd(current->fs, &path);
	}
	return lib::ok();
}

lib::Result<void> do_fchdir(unsigned int fd)
{
	lib::ref<file> f = fdget_raw(fd);
	if (!f)
		return lib::Error{EBADF};
	if (!d_is_dir(f->f_path.dentry))
		return lib::Error{ENOTDIR};
	TRY(inode_permission(file_inode(f.get()), MAY_EXEC | MAY_CHDIR));
	set_fs_pwd(current->fs, &f->f_path);
	return lib::ok();
}

/* getcwd: the cwd's path from the task's root into buf; ENOENT when the
 * cwd was removed, ERANGE when buf is too small (with the NUL) */
lib::Result<long> do_getcwd(char* buf, unsigned long size)
{
	struct path pwd, root;
	get_fs_root(current->fs, &root);
	get_fs_pwd(current->fs, &pwd);
	lib::scope_exit put([&] {
		path_put(&pwd);
		path_put(&root);
	});
	if (d_unhashed(pwd.dentry) && !IS_ROOT(pwd.dentry))
		return lib::Error{ENOENT};
	char* page = static_cast<char*>(kmalloc(PATH_MAX, GFP_KERNEL));
	if (!page)
		return lib::Error{ENOMEM};
	lib::scope_exit free_page([page] { kfree(page); });
	char* p = TRY(d_path(&pwd, &root, page, PATH_MAX));
	unsigned long len = page + PATH_MAX - p; /* with the NUL */
	if (len > size)
		return lib::Error{ERANGE};
	lib::memcpy(buf, p, len);
	return long(len);
}

long do_umask(int mask)
{
	return current->fs->umask.exchange(mask & S_IRWXUGO);
}

/* access/faccessat: with the real ids unless AT_EACCESS */
lib::Result<void> do_faccessat(int dfd, const char* filename, int mode, int flags)
{
	if (mode & ~(F_OK | R_OK | W_OK | X_OK))
		return lib::Error{EINVAL};
	if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return lib::Error{EINVAL};
	unsigned lookup_flags = (flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW;
	if (flags & AT_EMPTY_PATH)
		lookup_flags |= LOOKUP_EMPTY;
	/* act with the real uid/gid (Linux: access_override_creds) */
	const struct cred* old = nullptr;
	struct cred override;
	if (!(flags & AT_EACCESS)) {
		const struct cred* c = current_cred();
		override.usage.store(1);
		override.uid = c->uid;
		override.gid = c->gid;
		override.suid = c->suid;
		override.sgid = c->sgid;
		override.euid = c->euid;
		override.egid = c->egid;
		override.fsuid = c->uid;
		override.fsgid = c->gid;
		/* a non-root real uid has no capabilities here (Linux clears them) */
		override.cap_effective = uid_eq(c->uid, GLOBAL_ROOT_UID) ? c->cap_effective : CAP_EMPTY_SET;
		old = override_creds(&override);
	}
	lib::scope_exit revert([old] {
		if (old)
			revert_creds(old);
	});
	struct path path;
	TRY(filename_lookup(dfd, filename, lookup_flags, &path));
	lib::scope_exit put([&] { path_put(&path); });
	if (!mode)
		return lib::ok();
	struct inode* inode = d_inode(path.dentry);
	/* X_OK on a regular file needs an x bit even for root (generic_permission) */
	if ((mode & W_OK) && (path.mnt->mnt_flags & MNT_READONLY) &&
	    (S_ISREG(inode->i_mode) || S_ISDIR(inode->i_mode) || S_ISLNK(inode->i_mode)))
		return lib::Error{EROFS};
	return inode_permission(inode, mode);
}

/*
 * fallocate(2)'s checks in Linux's order (fs/open.c vfs_fallocate): the
 * range (EINVAL), the mode's combinations (EOPNOTSUPP/EINVAL), a file
 * opened for writing (EBADF), its type (ESPIPE for a FIFO, EISDIR,
 * ENODEV for anything but a regular file), the end past s_maxbytes or
 * wrapping (EFBIG); a file system without ->fallocate (ramfs) EOPNOTSUPP.
 */
lib::Result<void> vfs_fallocate(struct file* file, int mode, loff_t offset, loff_t len)
{
	struct inode* inode = file_inode(file);
	if (offset < 0 || len <= 0)
		return lib::Error{EINVAL};
	if (mode & ~FALLOC_FL_SUPPORTED_MASK)
		return lib::Error{EOPNOTSUPP};
	if ((mode & (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE)) == (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE))
		return lib::Error{EOPNOTSUPP};
	if ((mode & FALLOC_FL_PUNCH_HOLE) && !(mode & FALLOC_FL_KEEP_SIZE))
		return lib::Error{EOPNOTSUPP};
	if ((mode & FALLOC_FL_COLLAPSE_RANGE) && (mode & ~FALLOC_FL_COLLAPSE_RANGE))
		return lib::Error{EINVAL};
	if ((mode & FALLOC_FL_INSERT_RANGE) && (mode & ~FALLOC_FL_INSERT_RANGE))
		return lib::Error{EINVAL};
	if ((mode & FALLOC_FL_UNSHARE_RANGE) && (mode & ~(FALLOC_FL_UNSHARE_RANGE | FALLOC_FL_KEEP_SIZE)))
		return lib::Error{EINVAL};
	if (!(file->f_mode & FMODE_WRITE))
		return lib::Error{EBADF};
	if (S_ISFIFO(inode->i_mode))
		return lib::Error{ESPIPE};
	if (S_ISDIR(inode->i_mode))
		return lib::Error{EISDIR};
	if (!S_ISREG(inode->i_mode) && !S_ISBLK(inode->i_mode))
		return lib::Error{ENODEV};
	/* the end, and a wrap through zero */
	if ((unsigned long long)offset + (unsigned long long)len > (unsigned long long)inode->i_sb->s_maxbytes)
		return lib::Error{EFBIG};
	if (!file->f_op->fallocate)
		return lib::Error{EOPNOTSUPP};
	TRY(file->f_op->fallocate(file, mode, offset, len));
	fsnotify_modify(file);
	return lib::ok();
}

/* ---- the system calls ---- */
SYSCALL_DEFINE4(fallocate, int, fd, int, mode, loff_t, offset, loff_t, len)
{
	lib::ref<file> f = fdget(fd);
	if (!f)
		return lib::Error{EBADF};
	TRY(vfs_fallocate(f.get(), mode, offset, len));
	return 0;
}

SYSCALL_DEFINE4(openat, int, dfd, user_ptr<const char>, filename, int, flags, umode_t, mode)
{
	struct filename* name = TRY(getname(filename));
	lib::scope_exit put([name] { putname(name); });
	return TRY(do_sys_open(dfd, name->name, flags | O_LARGEFILE, mode));
}

/* openat2: struct open_how of any size from VER0 (Linux: copy_struct_from_user:
 * shorter EINVAL, longer must be zero past what the kernel knows, else E2BIG) */
SYSCALL_DEFINE4(openat2, int, dfd, user_ptr<const char>, filename, user_ptr<struct open_how>, uhow, size_t, usize)
{
	if (usize < OPEN_HOW_SIZE_VER0)
		return lib::Error{EINVAL};
	for (size_t off = sizeof(struct open_how); off < usize; off++) {
		unsigned char c;
		TRY(get_user(c, user_ptr<const unsigned char>(uhow.addr() + off)));
		if (c)
			return lib::Error{E2BIG};
	}
	struct open_how how = {};
	if (copy_from_user(&how, uhow, sizeof(how)))
		return lib::Error{EFAULT};
	if (!(how.flags & O_PATH))
		how.flags |= O_LARGEFILE;
	struct open_flags op = TRY(build_open_how(&how));
	struct filename* name = TRY(getname(filename));
	lib::scope_exit put([name] { putname(name); });
	int fd = TRY(get_unused_fd_flags(int(how.flags)));
	lib::Result<struct file*> f = do_filp_open(dfd, name->name, &op);
	if (f.is_err()) {
		put_unused_fd(fd);
		return f.error_value();
	}
	fsnotify_open(f.value());
	fd_install(fd, f.value());
	return fd;
}

SYSCALL_DEFINE3(open, user_ptr<const char>, filename, int, flags, umode_t, mode)
{
	struct filename* name = TRY(getname(filename));
	lib::scope_exit put([name] { putname(name); });
	return TRY(do_sys_open(AT_FDCWD, name->name, flags | O_LARGEFILE, mode));
}

SYSCALL_DEFINE2(creat, user_ptr<const char>, pathname, umode_t, mode)
{
	struct filename* name = TRY(getname(pathname));
	lib::scope_exit put([name] { putname(name); });
	return TRY(do_sys_open(AT_FDCWD, name->name, O_CREAT | O_WRONLY | O_TRUNC | O_LARGEFILE, mode));
}

SYSCALL_DEFINE1(close, unsigned int, fd)
{
	TRY(close_fd(fd));
	return 0;
}

SYSCALL_DEFINE3(close_range, unsigned int, fd, unsigned int, max_fd, unsigned int, flags)
{
	TRY(__close_range(fd, max_fd, flags));
	return 0;
}

SYSCALL_DEFINE1(chdir, user_ptr<const char>, filename)
{
	struct filename* name = TRY(getname(filename));
	lib::scope_exit put([name] { putname(name); });
	TRY(do_chdir(AT_FDCWD, name->name, false));
	return 0;
}

SYSCALL_DEFINE1(fchdir, unsigned int, fd)
{
	TRY(do_fchdir(fd));
	return 0;
}

SYSCALL_DEFINE1(chroot, user_ptr<const char>, filename)
{
	struct filename* name = TRY(getname(filename));
	lib::scope_exit put([name] { putname(name); });
	TRY(do_chdir(AT_FDCWD, name->name, true));
	return 0;
}

SYSCALL_DEFINE2(getcwd, user_ptr<char>, buf, unsigned long, size)
{
	char* kbuf = static_cast<char*>(kmalloc(PATH_MAX, GFP_KERNEL));
	if (!kbuf)
		return lib::Error{ENOMEM};
	lib::scope_exit free_buf([kbuf] { kfree(kbuf); });
	long len = TRY(do_getcwd(kbuf, size < PATH_MAX ? size : PATH_MAX));
	if (copy_to_user(buf, kbuf, len))
		return lib::Error{EFAULT};
	return len;
}

SYSCALL_DEFINE1(umask, int, mask)
{
	return do_umask(mask);
}

SYSCALL_DEFINE3(faccessat, int, dfd, user_ptr<const char>, filename, int, mode)
{
	struct filename* name = TRY(getname(filename));
	lib::scope_exit put([name] { putname(name); });
	TRY(do_faccessat(dfd, name->name, mode, 0));
	return 0;
}

SYSCALL_DEFINE4(faccessat2, int, dfd, user_ptr<const char>, filename, int, mode, int, flags)
{
	struct filename* name = TRY(getname_flags(filename, (flags & AT_EMPTY_PATH) ? LOOKUP_EMPTY : 0));
	lib::scope_exit put([name] { putname(name); });
	TRY(do_faccessat(dfd, name->name, mode, flags));
	return 0;
}

SYSCALL_DEFINE2(access, user_ptr<const char>, filename, int, mode)
{
	struct filename* name = TRY(getname(filename));
	lib::scope_exit put([name] { putname(name); });
	TRY(do_faccessat(AT_FDCWD, name->name, mode, 0));
	return 0;
}
