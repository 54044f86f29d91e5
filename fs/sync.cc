/*
 * sync(2), syncfs(2), fsync(2) and fdatasync(2) (Linux: fs/sync.c ksys_sync,
 * syncfs, do_fsync).
 *
 * Every file system here keeps its data in the page cache only (ramfs,
 * tmpfs, the initramfs' rootfs): there is no backing store, so there is
 * nothing to write back and both calls succeed at once, as they do on
 * Linux for those file systems.  When a disk-backed file system comes,
 * this is where the walk over the super blocks (sync_filesystem) goes.
 */
#include <fs/fdtable.h>
#include <fs/fs.h>
#include <kernel/syscalls.h>
#include <uapi/asm-generic/errno-base.h>

SYSCALL_DEFINE0(sync)
{
	return 0;
}

SYSCALL_DEFINE1(syncfs, int, fd)
{
	lib::ref<file> f = fdget(unsigned(fd));
	if (!f)
		return lib::Error{EBADF};
	return 0;
}

/* fsync(2)/fdatasync(2): the file's ->fsync, EINVAL without one (pipes,
 * sockets), as Linux's vfs_fsync_range */
static lib::Result<long> do_fsync(unsigned int fd, int datasync)
{
	lib::ref<file> f = fdget(fd);
	if (!f)
		return lib::Error{EBADF};
	if (!f->f_op->fsync)
		return lib::Error{EINVAL};
	TRY(f->f_op->fsync(f.get(), 0, 0x7fffffffffffffffLL, datasync));
	return 0;
}

SYSCALL_DEFINE1(fsync, unsigned int, fd)
{
	return do_fsync(fd, 0);
}

SYSCALL_DEFINE1(fdatasync, unsigned int, fd)
{
	return do_fsync(fd, 1);
}
