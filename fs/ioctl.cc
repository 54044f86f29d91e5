/*
 * ioctl(2) (Linux: fs/ioctl.c do_vfs_ioctl, vfs_ioctl).
 *
 * The commands every file answers are handled here: FIOCLEX/FIONCLEX
 * (the close-on-exec bit), FIONBIO and FIOASYNC (the O_NONBLOCK and
 * FASYNC flags, as fcntl F_SETFL), FIOQSIZE (a regular file's or
 * directory's size).  Everything else goes to the file's
 * ->unlocked_ioctl; a file without one, or one that answers ENOIOCTLCMD,
 * gives ENOTTY, as Linux.  FIONREAD is the file's (pipes, ttys); on a
 * regular file Linux answers it generically with the bytes left to read.
 *
 * Lock order: none held here; the file's ioctl takes its own.
 */
#include <fs/fdtable.h>
#include <fs/fs.h>
#include <kernel/printk.h>
#include <kernel/restart.h>
#include <kernel/syscalls.h>
#include <kernel/uaccess.h>
#include <uapi/asm-generic/errno.h>
#include <uapi/linux/fcntl.h>
#include <uapi/linux/stat.h>

/* include/uapi/asm-generic/ioctls.h */
#define FIONREAD 0x541B
#define FIONBIO 0x5421
#define FIONCLEX 0x5450
#define FIOCLEX 0x5451
#define FIOASYNC 0x5452
#define FIOQSIZE 0x5460

namespace
{
lib::Result<long> vfs_ioctl(struct file* filp, unsigned int cmd, unsigned long arg)
{
	if (!filp->f_op->unlocked_ioctl)
		return lib::Error{ENOTTY};
	lib::Result<long> r = filp->f_op->unlocked_ioctl(filp, cmd, arg);
	if (r.is_err() && r.error() == ENOIOCTLCMD)
		return lib::Error{ENOTTY};
	return r;
}

lib::Result<long> set_flag(struct file* filp, user_ptr<int> argp, unsigned int flag)
{
	int on = 0;
	TRY(get_user(on, argp));
	if (on)
		filp->f_flags |= flag;
	else
		filp->f_flags &= ~flag;
	if (flag == FASYNC && on)
		pr_warn_once("ioctl: FIOASYNC (SIGIO) is not implemented; the flag is kept\n");
	return 0;
}

lib::Result<long> do_vfs_ioctl(struct file* filp, unsigned int fd, unsigned int cmd, unsigned long arg)
{
	user_ptr<int> argp(arg);
	struct inode* inode = file_inode(filp);
	switch (cmd) {
	case FIOCLEX:
		set_close_on_exec(fd, true);
		return 0;
	case FIONCLEX:
		set_close_on_exec(fd, false);
		return 0;
	case FIONBIO:
		return set_flag(filp, argp, O_NONBLOCK);
	case FIOASYNC:
		return set_flag(filp, argp, FASYNC);
	case FIOQSIZE:
		if (S_ISDIR(inode->i_mode) || S_ISREG(inode->i_mode) || S_ISLNK(inode->i_mode)) {
			loff_t size = inode->i_size;
			if (copy_to_user(user_ptr<loff_t>(arg), &size, sizeof(size)))
		return lib::Error{EFAULT};
			return 0;
		}
		return lib::Error{ENOTTY};
	case FIONREAD:
		if (S_ISREG(inode->i_mode)) { /* Linux: file_ioctl's bytes to the end */
			loff_t left = inode->i_size - filp->f_pos;
			int n = left < 0 ? 0 : left > 0x7fffffff ? 0x7fffffff : int(left);
			TRY(put_user(n, argp));
			return 0;
		}
		return vfs_ioctl(filp, cmd, arg);
	default:
		return vfs_ioctl(filp, cmd, arg);
	}
}
} // namespace

SYSCALL_DEFINE3(ioctl, unsigned int, fd, unsigned int, cmd, unsigned long, arg)
{
	lib::ref<file> f = fdget(fd);
	if (!f)
		return lib::Error{EBADF};
	return TRY(do_vfs_ioctl(f.get(), fd, cmd, arg));
}
