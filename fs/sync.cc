/*
 * sync(2) and syncfs(2) (Linux: fs/sync.c ksys_sync, syncfs).
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
