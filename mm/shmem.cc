/*
 * tmpfs and rootfs (Linux: mm/shmem.c shmem_fs_type, shmem_parse_options,
 * shmem_fill_super, shmem_default_max_blocks/inodes; init/do_mounts.c
 * rootfs_fs_type).
 *
 * tmpfs is ramfs with limits (fs/ramfs/inode.cc does the work): size=
 * (bytes with k/m/g suffix, or a percentage of RAM; default half of RAM),
 * nr_inodes= (default: half of RAM's pages), mode= (default 1777),
 * uid=, gid=.  A write past size= gets ENOSPC after keeping every byte
 * that fit; a file past nr_inodes ENOSPC.  "size=0"/"nr_inodes=0" mean
 * unlimited, as Linux.  There is no swap: tmpfs pages stay in the page
 * cache.  rootfs is a tmpfs instance with the default limits (Linux uses
 * tmpfs for rootfs when CONFIG_TMPFS is set and no root= is given).
 */
#include <fs/fs.h>
#include <fs/ramfs.h>
#include <kernel/panic.h>
#include <mm/page_alloc.h>
#include <uapi/linux/magic.h>

namespace
{
unsigned long shmem_default_max_blocks()
{
	return totalram_pages() / 2;
}
unsigned long shmem_default_max_inodes()
{
	return totalram_pages() / 2;
}

lib::Result<void> shmem_fill_super(struct super_block* sb, void* data, int)
{
	struct ramfs_mount_opts opts = {
	    .mode = 01777,
	    .uid = GLOBAL_ROOT_UID,
	    .gid = GLOBAL_ROOT_GID,
	    .limited = true,
	    .max_blocks = shmem_default_max_blocks(),
	    .max_inodes = shmem_default_max_inodes(),
	};
	TRY(ramfs_parse_options(static_cast<char*>(data), &opts, true));
	return ramfs_fill_super_opts(sb, &opts, TMPFS_MAGIC);
}

lib::Result<struct dentry*> shmem_mount(struct file_system_type* fs_type, int flags, const char*, void* data)
{
	return mount_nodev(fs_type, flags, data, shmem_fill_super);
}

lib::Result<void> rootfs_fill_super(struct super_block* sb, void*, int)
{
	struct ramfs_mount_opts opts = {
	    .mode = 0755,
	    .uid = GLOBAL_ROOT_UID,
	    .gid = GLOBAL_ROOT_GID,
	    .limited = true,
	    .max_blocks = shmem_default_max_blocks(),
	    .max_inodes = shmem_default_max_inodes(),
	};
	return ramfs_fill_super_opts(sb, &opts, TMPFS_MAGIC);
}

lib::Result<struct dentry*> rootfs_mount(struct file_system_type* fs_type, int flags, const char*, void*)
{
	return mount_nodev(fs_type, flags, nullptr, rootfs_fill_super);
}

struct file_system_type rootfs_fs_type = {
    .name = "rootfs",
    .mount = rootfs_mount,
    .kill_sb = ramfs_kill_sb,
};
} // namespace

struct file_system_type shmem_fs_type = {
    .name = "tmpfs",
    .fs_flags = FS_USERNS_MOUNT,
    .mount = shmem_mount,
    .kill_sb = ramfs_kill_sb,
};

void shmem_init()
{
	WARN_ON(register_filesystem(&shmem_fs_type).is_err());
}

void init_rootfs()
{
	WARN_ON(register_filesystem(&rootfs_fs_type).is_err());
	init_ramfs_fs();
	shmem_init();
}
