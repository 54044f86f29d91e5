/*
 * devtmpfs: the device nodes drivers register, in a tmpfs of the kernel's
 * own (Linux: drivers/base/devtmpfs.c devtmpfs_init, public_dev_mount,
 * devtmpfs_create_node, handle_create, devtmpfs_mount;
 * include/linux/device.h device_create).
 *
 * devtmpfs_init makes ONE tmpfs instance (mode=0755, TMPFS_MAGIC) as an
 * internal mount and registers the file system "devtmpfs", whose every
 * mount is that same tree: `mount -t devtmpfs devtmpfs /dev` shows the
 * nodes whatever was there before, as Linux's public_dev_mount (which
 * takes a reference on the one super_block; the instance never dies).
 *
 * A driver announces a device with devtmpfs_create_node(name, mode, dev)
 * (Linux: device_create -> device_add -> devtmpfs_create_node, whose mode
 * comes from the class's devnode callback: mem's devlist modes, 0600 for
 * the console): the node appears at once, owned by root with exactly
 * that mode.  Linux hands the request to the thread kdevtmpfsd, which
 * works chroot'ed in the instance; here the caller does the mknod
 * itself, in the instance's root directory under its i_rwsem (the names
 * are flat: "null", "kmsg", "console").  An existing name is kept
 * (EEXIST is not an error: Linux's handle_create does the same).
 *
 * devtmpfs_mount (devtmpfs.mount=1; Debian's 6.1 has
 * CONFIG_DEVTMPFS_MOUNT unset, so the default is 0) mounts it at /dev,
 * printing "devtmpfs: mounted" or "devtmpfs: error mounting N".  As in
 * Linux it is called from the prepare_namespace path only, i.e. when
 * rdinit= (/init) is not in the initramfs: an initramfs's init mounts
 * devtmpfs itself (Linux's Documentation: "This option does not affect
 * initramfs based booting").
 *
 * Locks: the instance's root i_rwsem for each node.  Not done: removing
 * nodes (devtmpfs_delete_node: nothing unregisters yet), block devices.
 */
#include <drivers/devtmpfs.h>
#include <fs/dcache.h>
#include <fs/fs.h>
#include <fs/mount.h>
#include <fs/namei.h>
#include <fs/ramfs.h>
#include <kernel/panic.h>
#include <kernel/params.h>
#include <kernel/printk.h>
#include <lib/string.h>
#include <uapi/asm-generic/errno-base.h>
#include <uapi/linux/magic.h>
#include <uapi/linux/mount.h>

namespace
{
struct vfsmount* devtmpfs_mnt;
int devtmpfs_mount_param = 0; /* CONFIG_DEVTMPFS_MOUNT unset, as Debian's 6.1 */

lib::Result<void> setup_devtmpfs_mount(std::string_view val)
{
	devtmpfs_mount_param = !val.empty() && val[0] != '0';
	return lib::ok();
}
__setup("devtmpfs.mount", setup_devtmpfs_mount);

lib::Result<void> devtmpfs_fill_super(struct super_block* sb, void* data, int)
{
	struct ramfs_mount_opts opts = {
	    .mode = 0755,
	    .uid = GLOBAL_ROOT_UID,
	    .gid = GLOBAL_ROOT_GID,
	    .limited = true,
	    .max_blocks = 0, /* tmpfs's "unlimited": devtmpfs holds nodes, not data */
	    .max_inodes = 0,
	};
	TRY(ramfs_parse_options(static_cast<char*>(data), &opts, true));
	return ramfs_fill_super_opts(sb, &opts, TMPFS_MAGIC);
}

lib::Result<struct dentry*> internal_mount(struct file_system_type* fs_type, int flags, const char*, void* data)
{
	return mount_nodev(fs_type, flags, data, devtmpfs_fill_super);
}

struct file_system_type internal_fs_type = {
    .name = "devtmpfs",
    .mount = internal_mount,
    .kill_sb = ramfs_kill_sb,
};

/* every mount of "devtmpfs" is the one instance (Linux: public_dev_mount) */
lib::Result<struct dentry*> public_dev_mount(struct file_system_type*, int, const char*, void*)
{
	if (!devtmpfs_mnt)
		return lib::Error{ENODEV};
	struct super_block* sb = devtmpfs_mnt->mnt_sb;
	sb->s_active.fetch_add(1);
	return dget(sb->s_root);
}

struct file_system_type dev_fs_type = {
    .name = "devtmpfs",
    .mount = public_dev_mount,
    .kill_sb = ramfs_kill_sb, /* never called: the sb's type is internal_fs_type */
};
} // namespace

void devtmpfs_init()
{
	char opts[] = "mode=0755";
	lib::Result<struct vfsmount*> mnt = vfs_kern_mount(&internal_fs_type, 0, "devtmpfs", opts);
	if (mnt.is_err()) {
		pr_err("devtmpfs: unable to create devtmpfs %d\n", -mnt.error());
		return;
	}
	mnt.value()->mnt_flags |= MNT_INTERNAL;
	if (lib::Result<void> r = register_filesystem(&dev_fs_type); r.is_err()) {
		pr_err("devtmpfs: unable to register devtmpfs type %d\n", -r.error());
		mntput(mnt.value());
		return;
	}
	devtmpfs_mnt = mnt.value();
	pr_info("devtmpfs: initialized\n");
}

lib::Result<void> devtmpfs_create_node(const char* name, umode_t mode, dev_t dev)
{
	if (!devtmpfs_mnt)
		return lib::ok(); /* no devtmpfs: nothing to do, as Linux without it */
	struct dentry* root = devtmpfs_mnt->mnt_root;
	struct inode* dir = d_inode(root);
	struct qstr q = {.name = name, .len = unsigned(lib::strlen(name))};
	q.hash = full_name_hash(nullptr, name, q.len);
	inode_lock(dir);
	lib::Result<void> r = lib::ok();
	lib::Result<struct dentry*> d = lookup_one_qstr(&q, root, LOOKUP_CREATE);
	if (d.is_err()) {
		r = d.error_value();
	} else {
		struct dentry* dentry = d.value();
		if (d_is_negative(dentry))
			r = vfs_mknod(dir, dentry, mode, dev);
		if (r.is_ok() && !d_is_negative(dentry)) {
			struct inode* inode = d_inode(dentry);
			inode->i_mode = mode; /* exactly the driver's mode: no umask */
			inode->i_uid = GLOBAL_ROOT_UID;
			inode->i_gid = GLOBAL_ROOT_GID;
		}
		dput(dentry);
	}
	inode_unlock(dir);
	if (r.is_err())
		pr_warn("devtmpfs: cannot create /dev/%s (%d)\n", name, -r.error());
	return r;
}

/* Linux's devtmpfs_mount: at /dev when devtmpfs.mount=1 */
void devtmpfs_mount()
{
	if (!devtmpfs_mount_param || !devtmpfs_mnt)
		return;
	lib::Result<void> r = do_mount("devtmpfs", "/dev", "devtmpfs", MS_SILENT, nullptr);
	if (r.is_err())
		pr_info("devtmpfs: error mounting %d\n", -r.error());
	else
		pr_info("devtmpfs: mounted\n");
}
