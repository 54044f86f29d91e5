/*
 * Mounts and the mount tree (Linux: include/linux/mount.h, fs/mount.h;
 * implemented in fs/namespace.cc).
 *
 * A struct mount attaches a super_block's tree (mnt.mnt_root) on a dentry
 * (mnt_mountpoint) of a parent mount; the root mount is its own parent.
 * mount_hashtable finds the mount on (parent mount, dentry) (lookup_mnt);
 * a dentry something is mounted on has DCACHE_MOUNTED.  Mounts stacked
 * on the same place hide the ones below (the most recent is found).
 *
 * Locks: namespace_sem (an rw_semaphore) serialises changes to the tree
 * (mount, umount) and is taken before the parent directory's i_rwsem is
 * not needed; mount_lock (a spinlock) guards the hash, mnt_mounts/
 * mnt_child, mnt_instance and the mount list; mnt_count is atomic.
 */
#pragma once
#include <atomic>
#include <fs/fs.h>
#include <lib/list.h>

/* mnt_flags (Linux's MNT_*) */
#define MNT_NOSUID 0x01
#define MNT_NODEV 0x02
#define MNT_NOEXEC 0x04
#define MNT_NOATIME 0x08
#define MNT_NODIRATIME 0x10
#define MNT_RELATIME 0x20
#define MNT_READONLY 0x40
#define MNT_INTERNAL 0x4000
#define MNT_UMOUNT 0x8000000 /* detached: no longer in the tree */

struct vfsmount {
	struct dentry* mnt_root;
	struct super_block* mnt_sb;
	int mnt_flags;
};

struct mount {
	lib::list_head mnt_hash;  /* in mount_hashtable while attached */
	struct mount* mnt_parent; /* itself for the root mount */
	struct dentry* mnt_mountpoint;
	struct vfsmount mnt;
	std::atomic<int> mnt_count; /* references: the tree's one, paths, open files */
	lib::list_head mnt_mounts;  /* the mounts on this one */
	lib::list_head mnt_child;   /* on mnt_parent->mnt_mounts */
	lib::list_head mnt_instance; /* on mnt_sb->s_mounts */
	lib::list_head mnt_list;     /* on the namespace's list, in mount order (/proc/mounts) */
	char* mnt_devname;
};

static inline struct mount* real_mount(struct vfsmount* mnt)
{
	return container_of(mnt, struct mount, mnt);
}

struct vfsmount* mntget(struct vfsmount* mnt);
void mntput(struct vfsmount* mnt);
static inline void ref_get(struct vfsmount* m)
{
	mntget(m);
}
static inline void ref_put(struct vfsmount* m)
{
	mntput(m);
}
void path_get(const struct path* path);
void path_put(const struct path* path);
static inline bool path_equal(const struct path* a, const struct path* b)
{
	return a->mnt == b->mnt && a->dentry == b->dentry;
}

/* the mount on path's dentry in path's mount, referenced, or NULL */
struct vfsmount* lookup_mnt(const struct path* path);
/* step path down through everything mounted on it (Linux: follow_down) */
void follow_mount(struct path* path);
/* one step up from a mount's root to where it is mounted; false at the
 * root mount (Linux: follow_up) */
bool follow_up(struct path* path);

/* a new mount of a new instance of type (Linux: vfs_kern_mount) */
lib::Result<struct vfsmount*> vfs_kern_mount(struct file_system_type* type, int flags, const char* name,
                                             void* data);
/* an internal mount, in no tree (Linux: kern_mount) */
lib::Result<struct vfsmount*> kern_mount(struct file_system_type* type);
void kern_unmount(struct vfsmount* mnt);

/* mount(2)'s work on kernel strings (Linux: path_mount): dir_name must
 * exist; MS_REMOUNT, MS_BIND and a new mount of type; EINVAL, ENODEV,
 * ENOENT, ENOTDIR, EPERM, EBUSY */
lib::Result<void> do_mount(const char* dev_name, const char* dir_name, const char* type_page, unsigned long flags,
                           void* data_page);
/* umount2(2)'s (Linux: path_umount): EINVAL not a mount point or bad
 * flags, EBUSY in use unless MNT_DETACH */
lib::Result<void> do_umount_path(const char* name, int flags);
lib::Result<void> path_umount(struct path* path, int flags);
/* "/dev/root / rootfs rw 0 0"-style lines of every mount (for /proc/mounts later) */
size_t show_mounts(char* buf, size_t size);
long nr_mounts();

/* the root mount (rootfs), set by init_mount_tree */
extern struct vfsmount* root_mnt;
void mnt_init();
