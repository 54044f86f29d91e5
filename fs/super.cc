/*
 * File system instances (Linux: fs/super.c sget_fc, mount_nodev,
 * deactivate_super, generic_shutdown_super, kill_anon_super,
 * kill_litter_super, get_anon_bdev).
 *
 * A super_block lives on super_blocks from sget_nodev until its last
 * deactivate_super (s_active, one per mount) calls ->kill_sb, which for
 * the memory file systems is kill_litter_super: the dentry tree is
 * dropped (d_genocide + shrink), then every inode is evicted, then
 * ->put_super, then the structure is freed.  Each instance gets an
 * anonymous device number (major 0, as Linux's get_anon_bdev).
 *
 * Lock: sb_lock guards super_blocks and the anonymous minors.
 */
#include <fs/dcache.h>
#include <fs/fs.h>
#include <fs/mount.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <mm/slab.h>
#include <new>
#include <uapi/asm-generic/errno-base.h>
#include <uapi/linux/mount.h>

namespace
{
lib::spinlock sb_lock;
lib::list_head super_blocks GUARDED_BY(sb_lock);
unsigned long anon_minors[1024 / 64] GUARDED_BY(sb_lock); /* minor 0 unused, as Linux */
std::atomic<long> supers_alive;
} // namespace

void super_init()
{
	lib::spin_lock_guard g(sb_lock);
	super_blocks.init();
}

long nr_super_blocks()
{
	return supers_alive.load();
}

static lib::Result<dev_t> get_anon_bdev()
{
	lib::spin_lock_guard g(sb_lock);
	for (unsigned m = 1; m < 1024; m++) {
		if (!(anon_minors[m / 64] & (1UL << (m % 64)))) {
			anon_minors[m / 64] |= 1UL << (m % 64);
			return MKDEV(0, m);
		}
	}
	return lib::Error{EMFILE};
}

static void free_anon_bdev(dev_t dev)
{
	lib::spin_lock_guard g(sb_lock);
	unsigned m = MINOR(dev);
	anon_minors[m / 64] &= ~(1UL << (m % 64));
}

lib::Result<struct super_block*> sget_nodev(struct file_system_type* type, int flags)
{
	dev_t dev = TRY(get_anon_bdev());
	void* mem = kzalloc(sizeof(struct super_block), GFP_KERNEL);
	if (!mem) {
		free_anon_bdev(dev);
		return lib::Error{ENOMEM};
	}
	auto* sb = new (mem) super_block();
	sb->s_dev = dev;
	sb->s_type = type;
	sb->s_flags = flags;
	sb->s_blocksize = PAGE_SIZE;
	sb->s_blocksize_bits = PAGE_SHIFT;
	sb->s_maxbytes = MAX_LFS_FILESIZE;
	sb->s_active.store(1);
	sb->s_id = type->name;
	{
		lib::spin_lock_guard g(sb->s_inode_list_lock);
		sb->s_inodes.init();
	}
	sb->s_dentry_lru.init();
	sb->s_mounts.init();
	sb->s_list.init();
	{
		lib::spin_lock_guard g(sb_lock);
		super_blocks.add_tail(&sb->s_list);
	}
	supers_alive.fetch_add(1);
	return sb;
}

static void destroy_super(struct super_block* sb)
{
	{
		lib::spin_lock_guard g(sb_lock);
		sb->s_list.del_init();
	}
	free_anon_bdev(sb->s_dev);
	sb->~super_block();
	kfree(sb);
	supers_alive.fetch_sub(1);
}

lib::Result<struct dentry*> mount_nodev(struct file_system_type* fs_type, int flags, void* data,
                                        lib::Result<void> (*fill_super)(struct super_block*, void*, int))
{
	struct super_block* sb = TRY(sget_nodev(fs_type, flags));
	lib::Result<void> r = fill_super(sb, data, (flags & MS_SILENT) != 0);
	if (r.is_err()) {
		/* a half-made instance: what fill_super made goes with it */
		if (sb->s_root)
			generic_shutdown_super(sb);
		else if (sb->s_op && sb->s_op->put_super)
			sb->s_op->put_super(sb);
		destroy_super(sb);
		return r.error_value();
	}
	sb->s_flags |= SB_ACTIVE;
	return dget(sb->s_root);
}

/* evict every inode still on the sb (no dentry holds them any more) */
static void evict_inodes(struct super_block* sb)
{
	for (;;) {
		struct inode* inode;
		{
			lib::spin_lock_guard g(sb->s_inode_list_lock);
			inode = list_first_entry_or_null(&sb->s_inodes, struct inode, i_sb_list);
		}
		if (!inode)
			return;
		pr_err("VFS: Busy inodes after unmount of %s (ino %lu, count %d)\n", sb->s_id, inode->i_ino,
		       inode->i_count.load());
		{
			lib::spin_lock_guard g(sb->s_inode_list_lock);
			inode->i_sb_list.del_init(); /* leak it rather than free what someone holds */
		}
	}
}

void generic_shutdown_super(struct super_block* sb)
{
	if (sb->s_root)
		shrink_dcache_for_umount(sb);
	sb->s_flags &= ~SB_ACTIVE;
	evict_inodes(sb);
	if (sb->s_op && sb->s_op->put_super)
		sb->s_op->put_super(sb);
}

void kill_anon_super(struct super_block* sb)
{
	generic_shutdown_super(sb);
}

void kill_litter_super(struct super_block* sb)
{
	/* d_genocide runs inside shrink_dcache_for_umount */
	kill_anon_super(sb);
}

void deactivate_super(struct super_block* sb)
{
	if (sb->s_active.fetch_sub(1) != 1)
		return;
	sb->s_type->kill_sb(sb);
	destroy_super(sb);
}
