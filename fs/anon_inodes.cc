/*
 * The anonymous inode behind epoll, eventfd, timerfd, signalfd and pidfd
 * files (Linux: fs/anon_inodes.c anon_inode_getfile, anon_inode_getfd).
 *
 * One inode, made at boot on an internal "anon_inodefs" mount, is shared
 * by every such file; each file has its own unhashed dentry ("[eventfd]")
 * holding an inode reference.  The inode's mode is 0600 without type
 * bits, so fstat(2) shows st_mode 0600, as Linux.
 *
 * Lock order: none of its own.
 */
#include <fs/anon_inodes.h>
#include <fs/dcache.h>
#include <fs/fdtable.h>
#include <fs/mount.h>
#include <kernel/cred.h>
#include <kernel/panic.h>
#include <lib/scope.h>
#include <uapi/asm-generic/errno-base.h>
#include <uapi/linux/fcntl.h>

#define ANON_INODE_FS_MAGIC 0x09041934

namespace
{
struct vfsmount* anon_inode_mnt;
struct inode* anon_inode_inode;

lib::Result<void> anon_inodefs_fill_super(struct super_block* sb, void*, int)
{
	return pseudo_fill_super(sb, ANON_INODE_FS_MAGIC, 0500);
}

lib::Result<struct dentry*> anon_inodefs_mount(struct file_system_type* fs_type, int flags, const char*, void* data)
{
	return mount_nodev(fs_type, flags, data, anon_inodefs_fill_super);
}

struct file_system_type anon_inode_fs_type = {
    .name = "anon_inodefs",
    .fs_flags = 0,
    .mount = anon_inodefs_mount,
    .kill_sb = kill_anon_super,
};
} // namespace

void anon_inode_init()
{
	WARN_ON(register_filesystem(&anon_inode_fs_type).is_err());
	lib::Result<struct vfsmount*> m = kern_mount(&anon_inode_fs_type);
	if (m.is_err())
		panic("anon_inode_init() kernel mount failed (%d)", -m.error());
	anon_inode_mnt = m.value();
	struct inode* inode = new_inode(anon_inode_mnt->mnt_sb);
	if (!inode)
		panic("anon_inode_init() inode allocation failed");
	inode->i_ino = get_next_ino();
	inode->i_mode = S_IRUSR | S_IWUSR; /* no type bits, as Linux's */
	inode->i_uid = current_fsuid();
	inode->i_gid = current_fsgid();
	inode->i_atime = inode->i_mtime = inode->i_ctime = current_time(inode);
	anon_inode_inode = inode;
}

lib::Result<struct file*> anon_inode_getfile(const char* name, const struct file_operations* fops, void* priv,
                                             int flags)
{
	ihold(anon_inode_inode); /* the new dentry's */
	lib::Result<struct file*> f =
	    alloc_file_pseudo(anon_inode_inode, anon_inode_mnt, name, flags & (O_ACCMODE | O_NONBLOCK), fops);
	if (f.is_err())
		return f; /* alloc_file_pseudo dropped the reference */
	f.value()->private_data = priv;
	return f;
}

lib::Result<int> anon_inode_getfd(const char* name, const struct file_operations* fops, void* priv, int flags)
{
	int fd = TRY(get_unused_fd_flags(flags));
	lib::Result<struct file*> f = anon_inode_getfile(name, fops, priv, flags);
	if (f.is_err()) {
		put_unused_fd(fd);
		return f.error_value();
	}
	fd_install(fd, f.value());
	return fd;
}
