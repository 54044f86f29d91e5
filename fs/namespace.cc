/*
 * Mounts and the mount tree (Linux: fs/namespace.c alloc_vfsmnt,
 * vfs_kern_mount, lookup_mnt, attach_recursive_mnt, do_new_mount,
 * do_remount, do_loopback, path_umount, init_mount_tree, mnt_init;
 * fs/namei.c follow_up/follow_down).  See <fs/mount.h>.
 *
 * Data structures: mount_cache; mount_hashtable (64 buckets keyed by
 * (parent mount, mountpoint dentry)); mnt_list_head (every attached
 * mount in mount order, as /proc/mounts lists them); root_mnt, the
 * rootfs mount at the top of the tree.
 *
 * Reference rules: the tree holds one mnt_count on every attached mount,
 * each holds a dget on its mnt_root and an s_active on its super_block,
 * and an attached mount holds its mountpoint dentry and its parent
 * mount.  A busy mount (mnt_count above the tree's and the caller's) is
 * EBUSY to umount without MNT_DETACH; a detached mount lives until its
 * last mntput.
 *
 * Lock order: namespace_sem (rw_semaphore) -> a directory's i_rwsem ->
 * mount_lock (spinlock) -> dcache_lock.  mntput's last reference
 * deactivates the super_block, which may sleep: not under mount_lock.
 */
#include <fs/dcache.h>
#include <fs/fs_struct.h>
#include <fs/mount.h>
#include <fs/namei.h>
#include <kernel/capability.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <lib/scope.h>
#include <kernel/sched.h>
#include <lib/format.h>
#include <lib/string.h>
#include <mm/slab.h>
#include <new>
#include <uapi/asm-generic/errno-base.h>
#include <uapi/asm-generic/errno.h>
#include <uapi/linux/mount.h>

struct vfsmount* root_mnt;

namespace
{
struct rw_semaphore namespace_sem;
lib::spinlock mount_lock;
constexpr unsigned MNT_HASH_SIZE = 64;
lib::list_head mount_hashtable[MNT_HASH_SIZE] GUARDED_BY(mount_lock);
lib::list_head mnt_list_head GUARDED_BY(mount_lock);
std::atomic<long> mounts_alive;

lib::list_head* m_hash(struct vfsmount* mnt, struct dentry* dentry)
{
	uintptr_t h = reinterpret_cast<uintptr_t>(mnt) / 64 + reinterpret_cast<uintptr_t>(dentry) / 64;
	return &mount_hashtable[(h + (h >> 6)) % MNT_HASH_SIZE];
}

lib::Result<struct mount*> alloc_vfsmnt(const char* name)
{
	void* mem = kzalloc(sizeof(struct mount), GFP_KERNEL);
	if (!mem)
		return lib::Error{ENOMEM};
	auto* m = new (mem) mount();
	size_t len = lib::strlen(name ? name : "none");
	m->mnt_devname = static_cast<char*>(kmalloc(len + 1, GFP_KERNEL));
	if (!m->mnt_devname) {
		kfree(m);
		return lib::Error{ENOMEM};
	}
	lib::memcpy(m->mnt_devname, name ? name : "none", len + 1);
	m->mnt_count.store(1);
	m->mnt_parent = m;
	m->mnt_hash.init();
	m->mnt_mounts.init();
	m->mnt_child.init();
	m->mnt_instance.init();
	m->mnt_list.init();
	mounts_alive.fetch_add(1);
	return m;
}

void free_vfsmnt(struct mount* m)
{
	kfree(m->mnt_devname);
	m->~mount();
	kfree(m);
	mounts_alive.fetch_sub(1);
}

/* the last reference: give back the root dentry and the super_block */
void cleanup_mnt(struct mount* m)
{
	struct super_block* sb = m->mnt.mnt_sb;
	{
		lib::spin_lock_guard g(mount_lock);
		m->mnt_instance.del_init();
	}
	dput(m->mnt.mnt_root);
	free_vfsmnt(m);
	deactivate_super(sb);
}

int ms_to_mnt_flags(unsigned long ms)
{
	int f = 0;
	if (ms & MS_NOSUID)
		f |= MNT_NOSUID;
	if (ms & MS_NODEV)
		f |= MNT_NODEV;
	if (ms & MS_NOEXEC)
		f |= MNT_NOEXEC;
	if (ms & MS_NOATIME)
		f |= MNT_NOATIME;
	if (ms & MS_NODIRATIME)
		f |= MNT_NODIRATIME;
	if (ms & MS_RDONLY)
		f |= MNT_READONLY;
	if (!(ms & (MS_NOATIME | MS_STRICTATIME)))
		f |= MNT_RELATIME;
	return f;
}

/* hang child on (parent, mp): takes over child's reference as the tree's */
void attach_mnt(struct mount* child, struct mount* parent, struct dentry* mp) REQUIRES(mount_lock)
{
	child->mnt_parent = parent;
	child->mnt_mountpoint = mp;
	m_hash(&parent->mnt, mp)->add_tail(&child->mnt_hash);
	parent->mnt_mounts.add_tail(&child->mnt_child);
	mnt_list_head.add_tail(&child->mnt_list);
	__atomic_fetch_or(&mp->d_flags, DCACHE_MOUNTED, __ATOMIC_RELAXED);
}

bool still_mounted_on(struct dentry* mp) REQUIRES(mount_lock)
{
	for (auto& b : mount_hashtable) {
		struct mount* m;
		list_for_each_entry(m, &b, mnt_hash) if (m->mnt_mountpoint == mp) return true;
	}
	return false;
}

/* take m out of the tree; the caller drops the tree's reference and
 * the mountpoint's (returned in *mp, *parent) */
void detach_mnt(struct mount* m, struct dentry** mp, struct mount** parent) REQUIRES(mount_lock)
{
	*mp = m->mnt_mountpoint;
	*parent = m->mnt_parent;
	m->mnt_hash.del_init();
	m->mnt_child.del_init();
	m->mnt_list.del_init();
	m->mnt_parent = m;
	m->mnt_mountpoint = nullptr;
	m->mnt.mnt_flags |= MNT_UMOUNT;
	if (!still_mounted_on(*mp))
		__atomic_fetch_and(&(*mp)->d_flags, ~DCACHE_MOUNTED, __ATOMIC_RELAXED);
}
} // namespace

long nr_mounts()
{
	return mounts_alive.load();
}

struct vfsmount* mntget(struct vfsmount* mnt)
{
	if (mnt)
		real_mount(mnt)->mnt_count.fetch_add(1);
	return mnt;
}

void mntput(struct vfsmount* mnt)
{
	if (!mnt)
		return;
	struct mount* m = real_mount(mnt);
	int old = m->mnt_count.fetch_sub(1);
	WARN_ON(old < 1);
	if (old == 1)
		cleanup_mnt(m);
}

void path_get(const struct path* path)
{
	mntget(path->mnt);
	dget(path->dentry);
}

void path_put(const struct path* path)
{
	dput(path->dentry);
	mntput(path->mnt);
}

struct vfsmount* lookup_mnt(const struct path* path)
{
	lib::spin_lock_guard g(mount_lock);
	struct mount* found = nullptr;
	struct mount* m;
	list_for_each_entry(m, m_hash(path->mnt, path->dentry), mnt_hash)
	{
		if (&m->mnt_parent->mnt == path->mnt && m->mnt_mountpoint == path->dentry)
			found = m; /* the last one mounted there hides the others */
	}
	if (!found)
		return nullptr;
	found->mnt_count.fetch_add(1);
	return &found->mnt;
}

void follow_mount(struct path* path)
{
	while (d_mountpoint(path->dentry)) {
		struct vfsmount* m = lookup_mnt(path);
		if (!m)
			break;
		dput(path->dentry);
		mntput(path->mnt);
		path->mnt = m;
		path->dentry = dget(m->mnt_root);
	}
}

bool follow_up(struct path* path)
{
	struct mount* m = real_mount(path->mnt);
	struct mount* parent;
	struct dentry* mp;
	{
		lib::spin_lock_guard g(mount_lock);
		parent = m->mnt_parent;
		if (parent == m)
			return false;
		parent->mnt_count.fetch_add(1);
		mp = m->mnt_mountpoint;
	}
	mp = dget(mp);
	dput(path->dentry);
	path->dentry = mp;
	mntput(path->mnt);
	path->mnt = &parent->mnt;
	return true;
}

lib::Result<struct vfsmount*> vfs_kern_mount(struct file_system_type* type, int flags, const char* name,
                                             void* data)
{
	if (!type)
		return lib::Error{ENODEV};
	struct mount* m = TRY(alloc_vfsmnt(name));
	lib::Result<struct dentry*> root = type->mount(type, flags, name, data);
	if (root.is_err()) {
		free_vfsmnt(m);
		return root.error_value();
	}
	m->mnt.mnt_root = root.value(); /* ->mount's reference */
	m->mnt.mnt_sb = root.value()->d_sb;
	m->mnt.mnt_flags = ms_to_mnt_flags(flags);
	{
		lib::spin_lock_guard g(mount_lock);
		m->mnt.mnt_sb->s_mounts.add_tail(&m->mnt_instance);
	}
	return &m->mnt;
}

lib::Result<struct vfsmount*> kern_mount(struct file_system_type* type)
{
	struct vfsmount* mnt = TRY(vfs_kern_mount(type, SB_KERNMOUNT, type->name, nullptr));
	mnt->mnt_flags |= MNT_INTERNAL;
	return mnt;
}

void kern_unmount(struct vfsmount* mnt)
{
	mntput(mnt);
}

/* a second mount of the same tree at another place (MS_BIND) */
static lib::Result<struct mount*> clone_mnt(struct mount* old, struct dentry* root)
{
	struct mount* m = TRY(alloc_vfsmnt(old->mnt_devname));
	m->mnt.mnt_sb = old->mnt.mnt_sb;
	m->mnt.mnt_sb->s_active.fetch_add(1);
	m->mnt.mnt_root = dget(root);
	m->mnt.mnt_flags = old->mnt.mnt_flags & ~(MNT_UMOUNT | MNT_INTERNAL);
	lib::spin_lock_guard g(mount_lock);
	m->mnt.mnt_sb->s_mounts.add_tail(&m->mnt_instance);
	return m;
}

/* put newm (its reference becomes the tree's) on path */
static lib::Result<void> graft_tree(struct mount* newm, struct path* path)
{
	if (!d_is_dir(path->dentry) && d_is_dir(newm->mnt.mnt_root))
		return lib::Error{ENOTDIR};
	if (d_unhashed(path->dentry) && !IS_ROOT(path->dentry))
		return lib::Error{ENOENT}; /* removed meanwhile */
	mntget(path->mnt);
	dget(path->dentry);
	lib::spin_lock_guard g(mount_lock);
	attach_mnt(newm, real_mount(path->mnt), path->dentry);
	return lib::ok();
}

static lib::Result<void> do_new_mount(struct path* path, const char* fstype, int sb_flags, int mnt_flags,
                                      const char* name, void* data)
{
	if (!fstype)
		return lib::Error{EINVAL};
	struct file_system_type* type = get_fs_type(fstype);
	if (!type)
		return lib::Error{ENODEV};
	struct vfsmount* mnt = TRY(vfs_kern_mount(type, sb_flags, name, data));
	mnt->mnt_flags = mnt_flags;
	if (mnt_flags & MNT_READONLY)
		mnt->mnt_sb->s_flags |= SB_RDONLY;
	/* follow anything mounted here meanwhile: stack on top */
	follow_mount(path);
	lib::Result<void> r = graft_tree(real_mount(mnt), path);
	if (r.is_err())
		mntput(mnt);
	return r;
}

static lib::Result<void> do_remount(struct path* path, unsigned long ms_flags, int mnt_flags, void* data)
{
	struct super_block* sb = path->mnt->mnt_sb;
	if (path->dentry != path->mnt->mnt_root)
		return lib::Error{EINVAL};
	if (ms_flags & MS_BIND) { /* only the per-mount flags change */
		path->mnt->mnt_flags = mnt_flags;
		return lib::ok();
	}
	int sb_flags = int(ms_flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC));
	if (sb->s_op && sb->s_op->remount_fs)
		TRY(sb->s_op->remount_fs(sb, &sb_flags, static_cast<char*>(data)));
	sb->s_flags = (sb->s_flags & ~SB_RDONLY) | (sb_flags & SB_RDONLY);
	path->mnt->mnt_flags = mnt_flags;
	return lib::ok();
}

static lib::Result<void> do_loopback(struct path* path, const char* old_name, int recurse)
{
	if (!old_name || !*old_name)
		return lib::Error{EINVAL};
	struct path old_path;
	TRY(kern_path(old_name, LOOKUP_FOLLOW | LOOKUP_AUTOMOUNT, &old_path));
	lib::scope_exit put_old([&] { path_put(&old_path); });
	if (recurse)
		pr_warn_once("mount: MS_BIND|MS_REC binds the top mount only (no submounts yet)\n");
	struct mount* m = TRY(clone_mnt(real_mount(old_path.mnt), old_path.dentry));
	follow_mount(path);
	lib::Result<void> r = graft_tree(m, path);
	if (r.is_err())
		mntput(&m->mnt);
	return r;
}

lib::Result<void> do_mount(const char* dev_name, const char* dir_name, const char* type_page, unsigned long flags,
                           void* data_page)
{
	if (!capable(CAP_SYS_ADMIN))
		return lib::Error{EPERM};
	if ((flags & MS_MGC_MSK) == MS_MGC_VAL)
		flags &= ~MS_MGC_MSK;
	struct path path;
	TRY(kern_path(dir_name, LOOKUP_FOLLOW, &path));
	lib::scope_exit put_path([&] { path_put(&path); });

	int mnt_flags = ms_to_mnt_flags(flags);
	int sb_flags = int(flags & (SB_RDONLY | SB_NOSUID | SB_NODEV | SB_NOEXEC | MS_SILENT));
	down_write(&namespace_sem);
	lib::Result<void> r = lib::ok();
	if (flags & MS_REMOUNT)
		r = do_remount(&path, flags, mnt_flags, data_page);
	else if (flags & MS_BIND)
		r = do_loopback(&path, dev_name, flags & MS_REC);
	else if (flags & (MS_SHARED | MS_PRIVATE | MS_SLAVE | MS_UNBINDABLE))
		r = lib::ok(); /* propagation types: every mount is private here */
	else if (flags & MS_MOVE) {
		pr_warn_once("mount: MS_MOVE is not implemented\n");
		r = lib::Error{EINVAL};
	} else
		r = do_new_mount(&path, type_page, sb_flags, mnt_flags, dev_name, data_page);
	up_write(&namespace_sem);
	return r;
}

lib::Result<void> path_umount(struct path* path, int flags)
{
	if (flags & ~(MNT_FORCE | MNT_DETACH | MNT_EXPIRE | UMOUNT_NOFOLLOW))
		return lib::Error{EINVAL};
	if (!capable(CAP_SYS_ADMIN))
		return lib::Error{EPERM};
	struct mount* m = real_mount(path->mnt);
	if (path->dentry != path->mnt->mnt_root)
		return lib::Error{EINVAL}; /* not a mount point */
	if (m->mnt_parent == m || (path->mnt->mnt_flags & (MNT_UMOUNT | MNT_INTERNAL)))
		return lib::Error{EINVAL}; /* the root, or not in the tree */
	if ((flags & MNT_EXPIRE) && (flags & (MNT_FORCE | MNT_DETACH)))
		return lib::Error{EINVAL};
	struct dentry* mp = nullptr;
	struct mount* parent = nullptr;
	down_write(&namespace_sem);
	bool busy;
	{
		lib::spin_lock_guard g(mount_lock);
		/* busy: more than the tree's reference and the caller's path */
		busy = m->mnt_count.load() > 2 || !m->mnt_mounts.empty();
		if (!busy || (flags & MNT_DETACH)) {
			if (!m->mnt_mounts.empty()) /* MNT_DETACH: submounts go along, lazily */
				pr_warn_once("umount: MNT_DETACH leaves submounts on the detached mount\n");
			detach_mnt(m, &mp, &parent);
		}
	}
	if (busy && !(flags & MNT_DETACH)) {
		up_write(&namespace_sem);
		return lib::Error{EBUSY};
	}
	up_write(&namespace_sem);
	dput(mp);
	mntput(&parent->mnt);
	mntput(&m->mnt); /* the tree's reference; the caller's path still holds one */
	return lib::ok();
}

lib::Result<void> do_umount_path(const char* name, int flags)
{
	if (flags & ~(MNT_FORCE | MNT_DETACH | MNT_EXPIRE | UMOUNT_NOFOLLOW))
		return lib::Error{EINVAL};
	unsigned lookup_flags = (flags & UMOUNT_NOFOLLOW) ? 0 : LOOKUP_FOLLOW;
	struct path path;
	TRY(kern_path(name, lookup_flags, &path));
	lib::Result<void> r = path_umount(&path, flags);
	path_put(&path);
	return r;
}

size_t show_mounts(char* buf, size_t size)
{
	size_t len = 0;
	buf[0] = '\0';
	lib::spin_lock_guard g(mount_lock);
	struct mount* m;
	list_for_each_entry(m, &mnt_list_head, mnt_list)
	{
		int n = lib::snprintf(buf + len, size - len, "%s %s %s %s 0 0\n", m->mnt_devname,
		                      m->mnt_mountpoint ? m->mnt_mountpoint->d_name.name : "/",
		                      m->mnt.mnt_sb->s_type->name, (m->mnt.mnt_flags & MNT_READONLY) ? "ro" : "rw");
		if (n < 0 || size_t(n) >= size - len)
			break;
		len += n;
	}
	return len;
}

/* rootfs: the first mount, the root of every task's tree (Linux:
 * init_rootfs + init_mount_tree) */
void init_mount_tree()
{
	struct file_system_type* type = get_fs_type("rootfs");
	if (!type)
		panic("Can't find rootfs type");
	lib::Result<struct vfsmount*> mnt = vfs_kern_mount(type, 0, "rootfs", nullptr);
	if (mnt.is_err())
		panic("Can't create rootfs (%d)", -mnt.error());
	root_mnt = mnt.value();
	{
		lib::spin_lock_guard g(mount_lock);
		mnt_list_head.add_tail(&real_mount(root_mnt)->mnt_list);
	}
	struct path root = {root_mnt, root_mnt->mnt_root};
	set_fs_pwd(&init_fs, &root);
	set_fs_root(&init_fs, &root);
}

void mnt_init()
{
	init_rwsem(&namespace_sem);
	{
		lib::spin_lock_guard g(mount_lock);
		for (auto& h : mount_hashtable)
			h.init();
		mnt_list_head.init();
	}
	init_rootfs();
	init_mount_tree();
}

/* ---- mount(2), umount2(2) ---- */
#include <fs/namei.h>
#include <kernel/syscalls.h>

namespace
{
/* a mount option string or type name: at most a page, NUL-terminated */
lib::Result<char*> copy_mount_string(user_ptr<const char> s)
{
	if (!s)
		return nullptr;
	char* buf = static_cast<char*>(kmalloc(PAGE_SIZE, GFP_KERNEL));
	if (!buf)
		return lib::Error{ENOMEM};
	lib::Result<long> n = strncpy_from_user(buf, s, PAGE_SIZE);
	if (n.is_err() || n.value() == long(PAGE_SIZE)) {
		kfree(buf);
		return lib::Error{n.is_err() ? n.error() : EINVAL};
	}
	return buf;
}
} // namespace

SYSCALL_DEFINE5(mount, user_ptr<const char>, dev_name, user_ptr<const char>, dir_name, user_ptr<const char>, type,
                unsigned long, flags, user_ptr<void>, data)
{
	char* kernel_type = TRY(copy_mount_string(type));
	lib::scope_exit free_type([kernel_type] { kfree(kernel_type); });
	char* kernel_dev = TRY(copy_mount_string(dev_name));
	lib::scope_exit free_dev([kernel_dev] { kfree(kernel_dev); });
	char* options = TRY(copy_mount_string(data.cast<const char>()));
	lib::scope_exit free_opts([options] { kfree(options); });
	struct filename* dir = TRY(getname(dir_name));
	lib::scope_exit put([dir] { putname(dir); });
	TRY(do_mount(kernel_dev, dir->name, kernel_type, flags, options));
	return 0;
}

SYSCALL_DEFINE2(umount, user_ptr<const char>, name, int, flags)
{
	struct filename* dir = TRY(getname(name));
	lib::scope_exit put([dir] { putname(dir); });
	TRY(do_umount_path(dir->name, flags));
	return 0;
}
