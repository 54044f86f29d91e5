/*
 * dup, dup2, dup3 and fcntl (Linux: fs/file.c ksys_dup, ksys_dup3,
 * dup2; fs/fcntl.c do_fcntl, setfl).  F_DUPFD/F_DUPFD_CLOEXEC take the
 * lowest free fd >= arg (EINVAL at or past RLIMIT_NOFILE), F_GETFD/SETFD
 * the close-on-exec bit, F_GETFL the access mode and status flags,
 * F_SETFL changes only O_APPEND, O_NONBLOCK, O_NDELAY, O_DIRECT,
 * O_NOATIME and FASYNC.  The lock and pipe commands come with their
 * issue parts: EINVAL with a warning until then.
 */
#include <fs/fdtable.h>
#include <fs/pipe_fs_i.h>
#include <mm/mm.h>
#include <fs/fs.h>
#include <kernel/printk.h>
#include <kernel/syscalls.h>
#include <uapi/asm-generic/errno-base.h>
#include <uapi/linux/fcntl.h>

lib::Result<int> do_dup(unsigned int fildes)
{
	lib::ref<file> f = fdget_raw(fildes);
	if (!f)
		return lib::Error{EBADF};
	int fd = TRY(get_unused_fd_flags(0));
	fd_install(fd, f.release());
	return fd;
}

lib::Result<int> do_dup3(unsigned int oldfd, unsigned int newfd, int flags)
{
	if (flags & ~O_CLOEXEC)
		return lib::Error{EINVAL};
	if (oldfd == newfd)
		return lib::Error{EINVAL};
	return replace_fd_dup(oldfd, newfd, flags);
}

lib::Result<int> do_dup2(unsigned int oldfd, unsigned int newfd)
{
	if (oldfd == newfd) { /* dup2 to itself: EBADF if not open, else newfd */
		lib::ref<file> f = fdget_raw(oldfd);
		if (!f)
			return lib::Error{EBADF};
		return int(newfd);
	}
	return replace_fd_dup(oldfd, newfd, 0);
}

#define SETFL_MASK (O_APPEND | O_NONBLOCK | O_NDELAY | O_DIRECT | O_NOATIME | FASYNC)

lib::Result<long> do_fcntl(int fd, unsigned int cmd, unsigned long arg)
{
	lib::ref<file> f = fdget_raw(unsigned(fd));
	if (!f)
		return lib::Error{EBADF};
	bool is_path = f->f_mode & FMODE_PATH;
	switch (cmd) {
	case F_DUPFD:
		return TRY(f_dupfd(unsigned(arg), f.get(), 0));
	case F_DUPFD_CLOEXEC:
		return TRY(f_dupfd(unsigned(arg), f.get(), O_CLOEXEC));
	case F_GETFD:
		return get_close_on_exec(fd) ? FD_CLOEXEC : 0;
	case F_SETFD:
		set_close_on_exec(fd, arg & FD_CLOEXEC);
		return 0;
	case F_GETFL:
		return f->f_flags;
	case F_SETFL: {
		if (is_path)
			return lib::Error{EBADF};
		/* O_APPEND cannot be cleared on an append-only inode (none here) */
		if ((arg & O_NOATIME) && !(f->f_flags & O_NOATIME) && !inode_owner_or_capable(file_inode(f.get())))
			return lib::Error{EPERM};
		if (arg & FASYNC)
			pr_warn_once("fcntl: FASYNC (SIGIO) is not implemented; the flag is kept\n");
		f->f_flags = (unsigned(arg) & SETFL_MASK) | (f->f_flags & ~SETFL_MASK);
		return 0;
	}
	case F_ADD_SEALS:
	case F_GET_SEALS:
		return TRY(memfd_fcntl(f.get(), cmd, arg));
	case F_SETPIPE_SZ:
	case F_GETPIPE_SZ:
		return TRY(pipe_fcntl(f.get(), cmd, arg));
	case F_GETLK:
	case F_OFD_GETLK:
		if (is_path)
			return lib::Error{EBADF};
		return TRY(fcntl_getlk(f.get(), cmd, user_ptr<void>(arg)));
	case F_SETLK:
	case F_SETLKW:
	case F_OFD_SETLK:
	case F_OFD_SETLKW:
		if (is_path)
			return lib::Error{EBADF};
		return TRY(fcntl_setlk(unsigned(fd), f.get(), cmd, user_ptr<void>(arg)));
	default:
		if (is_path)
			return lib::Error{EBADF};
		pr_warn_once("fcntl: command %u is not implemented\n", cmd);
		return lib::Error{EINVAL};
	}
}

SYSCALL_DEFINE1(dup, unsigned int, fildes)
{
	return TRY(do_dup(fildes));
}

SYSCALL_DEFINE2(dup2, unsigned int, oldfd, unsigned int, newfd)
{
	return TRY(do_dup2(oldfd, newfd));
}

SYSCALL_DEFINE3(dup3, unsigned int, oldfd, unsigned int, newfd, int, flags)
{
	return TRY(do_dup3(oldfd, newfd, flags));
}

SYSCALL_DEFINE3(fcntl, unsigned int, fd, unsigned int, cmd, unsigned long, arg)
{
	return TRY(do_fcntl(int(fd), cmd, arg));
}
