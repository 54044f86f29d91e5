/*
 * ramfs, tmpfs and rootfs: file systems that live in the page cache
 * (Linux: fs/ramfs/inode.c, mm/shmem.c; include/linux/ramfs.h,
 * shmem_fs.h).  One implementation (fs/ramfs/inode.cc): ramfs has no
 * limits, tmpfs (mm/shmem.cc) counts its pages and inodes against size=
 * and nr_inodes= (ENOSPC when full), rootfs is a tmpfs mounted first
 * (init_mount_tree).
 */
#pragma once
#include <fs/fs.h>

struct ramfs_mount_opts {
	umode_t mode;
	kuid_t uid;
	kgid_t gid;
	bool limited;              /* tmpfs: count blocks and inodes */
	unsigned long max_blocks;  /* pages; 0: unlimited */
	unsigned long max_inodes;  /* 0: unlimited */
};

struct ramfs_fs_info {
	struct ramfs_mount_opts opts;
	lib::spinlock stat_lock;
	unsigned long used_blocks GUARDED_BY(stat_lock);
	unsigned long used_inodes GUARDED_BY(stat_lock);
};

/* "size=1m,nr_inodes=10,mode=1777,uid=0,gid=0" into opts: EINVAL for
 * what this fs does not know (tmpfs: all five; ramfs: mode only, the
 * rest ignored as Linux's ramfs does) */
lib::Result<void> ramfs_parse_options(char* data, struct ramfs_mount_opts* opts, bool tmpfs);
/* set up sb (a new instance) with opts: the root directory, s_op */
lib::Result<void> ramfs_fill_super_opts(struct super_block* sb, const struct ramfs_mount_opts* opts,
                                        unsigned long magic);
/* kill_sb of these file systems: the tree, then the info */
void ramfs_kill_sb(struct super_block* sb);
/* a new inode of this fs (charged against nr_inodes): ENOSPC, ENOMEM */
lib::Result<struct inode*> ramfs_get_inode(struct super_block* sb, const struct inode* dir, umode_t mode,
                                           dev_t dev);
/* the blocks and inodes used now (tests, statfs) */
void ramfs_usage(struct super_block* sb, unsigned long* blocks, unsigned long* inodes);

/* tmpfs's fallocate(2): allocate (mode 0, KEEP_SIZE) or punch a hole
 * (PUNCH_HOLE|KEEP_SIZE); vfs_fallocate checked the range (mm/shmem.cc) */
lib::Result<void> shmem_fallocate(struct file* file, int mode, loff_t offset, loff_t len);

extern struct file_system_type ramfs_fs_type;
extern struct file_system_type shmem_fs_type;
void init_ramfs_fs();
void shmem_init();
