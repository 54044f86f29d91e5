/*
 * Inodes (Linux: fs/inode.c new_inode, iput, evict, inode_init_owner,
 * the nlink helpers, current_time; fs/namei.c generic_permission and
 * inode_permission).
 *
 * Inodes come from inode_cachep.  An inode is on its super_block's
 * s_inodes from new_inode until evict; i_count counts references (a
 * positive dentry holds one, so does anything that ihold()s it).  Every
 * file system here keeps nothing on a disk, so the last iput evicts the
 * inode at once (Linux's generic_delete_inode policy, what ramfs uses):
 * its page cache is truncated, ->evict_inode runs, it leaves s_inodes
 * and is freed.
 *
 * Lock order: s_inode_list_lock is taken alone; iput may take the
 * mapping's i_pages_lock (truncate) and the allocators.  iput may sleep
 * (evict_inode of a device), so not under a spinlock.
 */
#include <fs/cdev.h>
#include <fs/fs.h>
#include <fs/pipe_fs_i.h>
#include <kernel/capability.h>
#include <kernel/cred.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/timekeeping.h>
#include <kernel/time.h>
#include <lib/string.h>
#include <mm/slab.h>
#include <new>
#include <uapi/asm-generic/errno-base.h>

namespace
{
struct kmem_cache* inode_cachep;
std::atomic<long> inodes_alive;
std::atomic<unsigned long> last_ino;
} // namespace

void inode_init()
{
	inode_cachep = kmem_cache_create("inode_cache", sizeof(struct inode), 0,
	                                 SLAB_RECLAIM_ACCOUNT | SLAB_PANIC | SLAB_ACCOUNT, nullptr);
}

long nr_inodes()
{
	return inodes_alive.load();
}

unsigned long get_next_ino()
{
	return last_ino.fetch_add(1) + 1;
}

struct timespec64 current_time(struct inode*)
{
	/* the wall clock, coarse (Linux: ktime_get_coarse_real_ts64) */
	return ns_to_timespec64(ktime_get_coarse_real_ns());
}

struct inode* new_inode(struct super_block* sb)
{
	void* mem = kmem_cache_alloc(inode_cachep, GFP_KERNEL);
	if (!mem)
		return nullptr;
	lib::memset(mem, 0, sizeof(struct inode));
	struct inode* inode = new (mem) struct inode();
	inode->i_sb = sb;
	inode->i_count.store(1);
	inode->i_nlink = 1;
	inode->i_data.host = inode;
	inode->i_data.gfp_mask = GFP_KERNEL;
	inode->i_mapping = &inode->i_data;
	init_rwsem(&inode->i_rwsem);
	inode->i_sb_list.init();
	inode->i_atime = inode->i_mtime = inode->i_ctime = inode->i_btime = current_time(inode);
	{
		lib::spin_lock_guard g(sb->s_inode_list_lock);
		sb->s_inodes.add_tail(&inode->i_sb_list);
	}
	inodes_alive.fetch_add(1);
	return inode;
}

void ihold(struct inode* inode)
{
	WARN_ON(inode->i_count.fetch_add(1) < 1);
}

namespace
{
void evict(struct inode* inode)
{
	inode->i_state |= I_FREEING;
	truncate_inode_pages(&inode->i_data, 0);
	locks_free_lock_context(inode);
	if (inode->i_sb->s_op && inode->i_sb->s_op->evict_inode)
		inode->i_sb->s_op->evict_inode(inode);
	{
		lib::spin_lock_guard g(inode->i_sb->s_inode_list_lock);
		inode->i_sb_list.del_init();
	}
	inode->i_data.~address_space();
	kmem_cache_free(inode_cachep, inode);
	inodes_alive.fetch_sub(1);
}
} // namespace

void iput(struct inode* inode)
{
	if (!inode)
		return;
	int old = inode->i_count.fetch_sub(1);
	WARN_ON(old < 1);
	if (old == 1)
		evict(inode);
}

void inc_nlink(struct inode* inode)
{
	inode->i_nlink++;
}
void drop_nlink(struct inode* inode)
{
	WARN_ON(inode->i_nlink == 0);
	if (inode->i_nlink)
		inode->i_nlink--;
}
void clear_nlink(struct inode* inode)
{
	inode->i_nlink = 0;
}
void set_nlink(struct inode* inode, unsigned int nlink)
{
	inode->i_nlink = nlink;
}

void inode_init_owner(struct inode* inode, const struct inode* dir, umode_t mode)
{
	inode->i_uid = current_fsuid();
	if (dir && (dir->i_mode & S_ISGID)) {
		inode->i_gid = dir->i_gid;
		if (S_ISDIR(mode))
			mode |= S_ISGID; /* directories inherit setgid */
	} else {
		inode->i_gid = current_fsgid();
	}
	inode->i_mode = mode;
}

bool inode_owner_or_capable(const struct inode* inode)
{
	return uid_eq(current_fsuid(), inode->i_uid) || capable(CAP_FOWNER);
}

/* Linux's acl_permission_check + generic_permission's capability overrides */
lib::Result<void> generic_permission(struct inode* inode, int mask)
{
	mask &= MAY_READ | MAY_WRITE | MAY_EXEC;
	unsigned mode = inode->i_mode;
	if (uid_eq(current_fsuid(), inode->i_uid))
		mode >>= 6;
	else if (in_group_p(inode->i_gid))
		mode >>= 3;
	if ((mask & ~mode & 7) == 0)
		return lib::ok();

	if (S_ISDIR(inode->i_mode)) {
		/* directories: read and search for CAP_DAC_READ_SEARCH, anything for CAP_DAC_OVERRIDE */
		if (!(mask & MAY_WRITE) && capable(CAP_DAC_READ_SEARCH))
			return lib::ok();
		if (capable(CAP_DAC_OVERRIDE))
			return lib::ok();
		return lib::Error{EACCES};
	}
	if (mask == MAY_READ && capable(CAP_DAC_READ_SEARCH))
		return lib::ok();
	/* executing needs at least one x bit, even for root */
	if ((!(mask & MAY_EXEC) || (inode->i_mode & S_IXUGO)) && capable(CAP_DAC_OVERRIDE))
		return lib::ok();
	return lib::Error{EACCES};
}

lib::Result<void> inode_permission(struct inode* inode, int mask)
{
	if (mask & MAY_WRITE) {
		umode_t mode = inode->i_mode;
		if ((inode->i_sb->s_flags & SB_RDONLY) && (S_ISREG(mode) || S_ISDIR(mode) || S_ISLNK(mode)))
			return lib::Error{EROFS};
	}
	return generic_permission(inode, mask);
}

void init_special_inode(struct inode* inode, umode_t mode, dev_t rdev)
{
	inode->i_mode = mode;
	if (S_ISCHR(mode)) {
		inode->i_fop = &def_chr_fops;
		inode->i_rdev = rdev;
	} else if (S_ISBLK(mode)) {
		inode->i_rdev = rdev; /* no block devices yet: opening one is ENXIO (fs/open.cc) */
	} else if (S_ISFIFO(mode)) {
		inode->i_fop = &pipefifo_fops; /* fifo_open makes its buffer */
	} else if (S_ISSOCK(mode)) {
		/* no sockets yet: opening one is ENXIO (fs/open.cc), as Linux's */
	} else {
		pr_warn("init_special_inode: bogus i_mode (%o) for inode %s:%lu\n", mode, inode->i_sb->s_id,
		        inode->i_ino);
	}
}
