/*
 * The path walk and the operations on names (Linux: fs/namei.c
 * path_init, link_path_walk, walk_component, follow_dotdot, pick_link,
 * filename_lookup, filename_parentat, filename_create, may_delete,
 * may_create, vfs_create/mkdir/mknod/symlink/link/unlink/rmdir/rename,
 * do_mkdirat ... do_renameat2, path_openat/do_open, getname).
 * See <fs/namei.h> for the rules a walk follows.
 *
 * struct nameidata carries one walk: the current path (referenced), the
 * task's root (referenced; ".." stops there), the symlinks being
 * followed (their paths held until the walk ends, so a link body stays
 * valid while its components are walked), a stack of the outer names
 * they interrupted, and the total number followed (MAXSYMLINKS).
 * walk() runs in two modes: WALK_LOOKUP resolves the whole name,
 * WALK_PARENT stops before the last component of the outermost name and
 * hands it back (for create, unlink, rename...).
 *
 * openat2's rules (LOOKUP_* in <fs/namei.h>, Linux's nameidata flags):
 * BENEATH and IN_ROOT make dfd the walk's root; ".." at that root is
 * EXDEV for BENEATH and stays put for IN_ROOT; an absolute name or link
 * is EXDEV for BENEATH and starts at dfd for IN_ROOT.  NO_XDEV refuses
 * every mount crossing (down, up, or a jump to another mount's root),
 * NO_SYMLINKS every link to follow (ELOOP), CACHED every dcache miss
 * (EAGAIN).  There are no magic links (no procfs), so NO_MAGICLINKS has
 * nothing to refuse yet.
 *
 * Lookups: d_lookup in the dcache first; on a miss, the directory's
 * ->lookup under its i_rwsem (exclusive: two misses cannot both add the
 * name).  Name operations lock the parent (inode_lock), look the last
 * component up under it, check permissions (may_create, may_delete) and
 * call the inode operation.  rename locks both parents, in address order
 * (Linux: lock_rename, under the per-sb s_vfs_rename_mutex; one global
 * rename_mutex here), and refuses to move a directory below itself.
 *
 * Lock order: rename_mutex -> directory i_rwsem (parent before child,
 * else by address) -> inode i_rwsem -> dcache_lock.
 */
#include <fs/attr.h>
#include <fs/dcache.h>
#include <fs/fdtable.h>
#include <fs/fsnotify.h>
#include <fs/fs.h>
#include <fs/fs_struct.h>
#include <fs/mount.h>
#include <fs/namei.h>
#include <kernel/capability.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <lib/scope.h>
#include <lib/string.h>
#include <mm/slab.h>
#include <uapi/asm-generic/errno-base.h>
#include <uapi/asm-generic/errno.h>
#include <uapi/linux/fcntl.h>
#include <uapi/linux/limits.h>
#include <uapi/linux/openat2.h>

namespace
{
struct mutex rename_mutex;
struct kmem_cache* names_cachep;

enum walk_mode { WALK_LOOKUP, WALK_PARENT };

struct nameidata {
	struct path path;
	struct path root;
	struct qstr last;
	int last_type;
	unsigned flags;
	bool must_be_dir; /* the final component had a trailing slash */
	unsigned depth;
	int total_link_count;
	const char* stack[MAXSYMLINKS];
	struct path links[MAXSYMLINKS];
	int nlinks;

	nameidata() : path{}, root{}, last{}, last_type(LAST_NORM), flags(0), must_be_dir(false), depth(0),
	              total_link_count(0), nlinks(0) {}
	~nameidata()
	{
		if (path.dentry)
			path_put(&path);
		if (root.dentry)
			path_put(&root);
		for (int i = 0; i < nlinks; i++)
			path_put(&links[i]);
	}
	nameidata(const nameidata&) = delete;
	nameidata& operator=(const nameidata&) = delete;
};

lib::Result<void> path_init(struct nameidata* nd, int dfd, const char* name, unsigned flags)
{
	nd->flags = flags;
	if (*name == '/' && !(flags & LOOKUP_IN_ROOT)) {
		if (flags & LOOKUP_BENEATH)
			return lib::Error{EXDEV}; /* Linux: nd_jump_root */
		get_fs_root(current->fs, &nd->root);
		nd->path = nd->root;
		path_get(&nd->path);
		return lib::ok();
	}
	if (dfd == AT_FDCWD) {
		get_fs_pwd(current->fs, &nd->path);
	} else {
		lib::ref<file> f = fdget_raw(unsigned(dfd));
		if (!f)
			return lib::Error{EBADF};
		if (*name && !d_is_dir(f->f_path.dentry))
			return lib::Error{ENOTDIR};
		nd->path = f->f_path;
		path_get(&nd->path);
	}
	/* a scoped walk: dfd is its root */
	if (flags & LOOKUP_IS_SCOPED) {
		nd->root = nd->path;
		path_get(&nd->root);
	} else {
		get_fs_root(current->fs, &nd->root);
	}
	return lib::ok();
}

lib::Result<void> may_lookup(struct nameidata* nd)
{
	struct inode* inode = d_inode(nd->path.dentry);
	if (!S_ISDIR(inode->i_mode))
		return lib::Error{ENOTDIR};
	return inode_permission(inode, MAY_EXEC);
}

/* step into what is mounted on *path; EXDEV under LOOKUP_NO_XDEV when
 * that changes the mount (Linux: traverse_mounts) */
lib::Result<void> step_mounts(struct nameidata* nd, struct path* path)
{
	struct vfsmount* before = path->mnt;
	follow_mount(path);
	if ((nd->flags & LOOKUP_NO_XDEV) && path->mnt != before)
		return lib::Error{EXDEV};
	return lib::ok();
}

lib::Result<void> follow_dotdot(struct nameidata* nd)
{
	for (;;) {
		if (path_equal(&nd->path, &nd->root)) {
			if (nd->flags & LOOKUP_BENEATH)
				return lib::Error{EXDEV};
			break;
		}
		if (nd->path.dentry != nd->path.mnt->mnt_root) {
			struct dentry* parent = dget_parent(nd->path.dentry);
			dput(nd->path.dentry);
			nd->path.dentry = parent;
			break;
		}
		if (!follow_up(&nd->path))
			break;
		if (nd->flags & LOOKUP_NO_XDEV)
			return lib::Error{EXDEV};
	}
	return step_mounts(nd, &nd->path);
}

/* the child of dir called name, positive or negative, referenced */
lib::Result<struct dentry*> lookup_slow(const struct qstr* name, struct dentry* dir, unsigned flags)
{
	struct inode* inode = d_inode(dir);
	inode_lock(inode);
	lib::Result<struct dentry*> r = lookup_one_qstr(name, dir, flags);
	inode_unlock(inode);
	return r;
}

/* one component: step nd->path onto it, or, for a symlink to follow,
 * push the rest of the name and continue in the link's body */
lib::Result<void> walk_component(struct nameidata* nd, const struct qstr* comp, int type, bool follow,
                                 const char** name)
{
	if (type == LAST_DOT)
		return lib::ok();
	if (type == LAST_DOTDOT)
		return follow_dotdot(nd);
	struct dentry* dentry = d_lookup(nd->path.dentry, comp);
	if (!dentry) {
		if (nd->flags & LOOKUP_CACHED)
			return lib::Error{EAGAIN}; /* Linux: the RCU walk gives up */
		dentry = TRY(lookup_slow(comp, nd->path.dentry, nd->flags));
	}
	if (d_is_negative(dentry)) {
		dput(dentry);
		return lib::Error{ENOENT};
	}
	struct path next = {mntget(nd->path.mnt), dentry};
	if (lib::Result<void> r = step_mounts(nd, &next); r.is_err()) {
		path_put(&next);
		return r;
	}
	if (follow && d_is_symlink(next.dentry) && !(next.mnt->mnt_flags & MNT_UMOUNT)) {
		if (nd->total_link_count++ >= MAXSYMLINKS || (nd->flags & LOOKUP_NO_SYMLINKS)) {
			path_put(&next);
			return lib::Error{ELOOP};
		}
		struct inode* inode = d_inode(next.dentry);
		TRY(inode_permission(inode, 0)); /* nothing to check for a link itself */
		const char* body = inode->i_op && inode->i_op->get_link ? inode->i_op->get_link(next.dentry, inode) : nullptr;
		nd->links[nd->nlinks++] = next; /* held until the walk ends */
		if (!body || !*body)
			return lib::Error{ENOENT};
		nd->stack[nd->depth++] = *name;
		*name = body;
		if (*body == '/') {
			/* Linux: nd_jump_root */
			if (nd->flags & LOOKUP_BENEATH)
				return lib::Error{EXDEV};
			if ((nd->flags & LOOKUP_NO_XDEV) && nd->path.mnt != nd->root.mnt)
				return lib::Error{EXDEV};
			path_put(&nd->path);
			nd->path = nd->root;
			path_get(&nd->path);
		}
		return lib::ok();
	}
	path_put(&nd->path);
	nd->path = next;
	return lib::ok();
}

lib::Result<void> walk(struct nameidata* nd, const char* name, walk_mode mode)
{
	for (;;) {
		while (*name == '/')
			name++;
		if (!*name) {
			if (nd->depth) { /* a link's body is done: back to what followed it */
				name = nd->stack[--nd->depth];
				continue;
			}
			if (mode == WALK_PARENT) { /* "/", or "" with AT_EMPTY_PATH */
				nd->last_type = LAST_ROOT;
				nd->last = {"", 0, 0};
			}
			if (nd->must_be_dir && !d_is_dir(nd->path.dentry))
				return lib::Error{ENOTDIR};
			return lib::ok();
		}
		TRY(may_lookup(nd));
		const char* c = name;
		unsigned len = 0;
		while (c[len] && c[len] != '/')
			len++;
		if (len > NAME_MAX)
			return lib::Error{ENAMETOOLONG};
		int type = LAST_NORM;
		if (c[0] == '.' && len == 1)
			type = LAST_DOT;
		else if (c[0] == '.' && c[1] == '.' && len == 2)
			type = LAST_DOTDOT;
		name = c + len;
		bool slash = *name == '/';
		while (*name == '/')
			name++;
		bool final = !*name && nd->depth == 0;
		struct qstr comp = {c, len, full_name_hash(nullptr, c, len)};
		if (final) {
			nd->last = comp;
			nd->last_type = type;
			if (slash)
				nd->must_be_dir = true;
			if (mode == WALK_PARENT)
				return lib::ok();
		}
		bool follow = !final || (nd->flags & LOOKUP_FOLLOW) || slash;
		TRY(walk_component(nd, &comp, type, follow, &name));
	}
}

lib::Result<void> check_name(const char* name, unsigned flags)
{
	size_t len = lib::strnlen(name, PATH_MAX);
	if (len >= PATH_MAX)
		return lib::Error{ENAMETOOLONG};
	if (!len && !(flags & LOOKUP_EMPTY))
		return lib::Error{ENOENT};
	return lib::ok();
}
} // namespace

void namei_init()
{
	mutex_init(&rename_mutex);
	names_cachep = kmem_cache_create("names_cache", PATH_MAX, 0, SLAB_HWCACHE_ALIGN | SLAB_PANIC, nullptr);
}

lib::Result<struct dentry*> lookup_one_qstr(const struct qstr* name, struct dentry* dir, unsigned flags)
{
	if (struct dentry* d = d_lookup(dir, name))
		return d;
	struct inode* inode = d_inode(dir);
	if (IS_DEADDIR(inode))
		return lib::Error{ENOENT};
	struct dentry* dentry = d_alloc(dir, name);
	if (!dentry)
		return lib::Error{ENOMEM};
	lib::Result<struct dentry*> r = inode->i_op->lookup(inode, dentry, flags);
	if (r.is_err()) {
		dput(dentry);
		return r.error_value();
	}
	if (r.value()) { /* the fs had another dentry for it */
		dput(dentry);
		return r.value();
	}
	return dentry;
}

lib::Result<void> filename_lookup(int dfd, const char* name, unsigned flags, struct path* path)
{
	TRY(check_name(name, flags));
	nameidata nd;
	TRY(path_init(&nd, dfd, name, flags));
	TRY(walk(&nd, name, WALK_LOOKUP));
	if ((flags & LOOKUP_DIRECTORY) && !d_is_dir(nd.path.dentry))
		return lib::Error{ENOTDIR};
	*path = nd.path;
	nd.path = {};
	return lib::ok();
}

lib::Result<void> kern_path(const char* name, unsigned flags, struct path* path)
{
	return filename_lookup(AT_FDCWD, name, flags, path);
}

lib::Result<void> filename_parentat(int dfd, const char* name, unsigned flags, struct path* parent,
                                    struct qstr* last, int* type)
{
	TRY(check_name(name, flags));
	nameidata nd;
	TRY(path_init(&nd, dfd, name, flags));
	TRY(walk(&nd, name, WALK_PARENT));
	/* the last component lies in name itself, never in a link's body
	 * (WALK_PARENT stops at depth 0): the links can go with nd */
	*parent = nd.path;
	nd.path = {};
	*last = nd.last;
	*type = nd.last_type;
	return lib::ok();
}

/* ---- permissions on names ---- */
static lib::Result<void> may_create(struct inode* dir, struct dentry* child)
{
	if (d_really_is_positive(child))
		return lib::Error{EEXIST};
	if (IS_DEADDIR(dir))
		return lib::Error{ENOENT};
	return inode_permission(dir, MAY_WRITE | MAY_EXEC);
}

/* sticky directories: only the file's or the directory's owner (or
 * CAP_FOWNER) may remove (Linux: check_sticky) */
static bool check_sticky(struct inode* dir, struct inode* inode)
{
	if (!(dir->i_mode & S_ISVTX))
		return false;
	kuid_t fsuid = current_fsuid();
	if (uid_eq(inode->i_uid, fsuid) || uid_eq(dir->i_uid, fsuid))
		return false;
	return !capable(CAP_FOWNER);
}

lib::Result<void> may_delete(struct inode* dir, struct dentry* victim, bool isdir)
{
	if (d_is_negative(victim))
		return lib::Error{ENOENT};
	TRY(inode_permission(dir, MAY_WRITE | MAY_EXEC));
	if (IS_DEADDIR(dir))
		return lib::Error{ENOENT};
	if (check_sticky(dir, d_inode(victim)))
		return lib::Error{EPERM};
	if (isdir) {
		if (!d_is_dir(victim))
			return lib::Error{ENOTDIR};
		if (IS_ROOT(victim))
			return lib::Error{EBUSY};
	} else if (d_is_dir(victim)) {
		return lib::Error{EISDIR};
	}
	if (d_unhashed(victim))
		return lib::Error{ENOENT};
	return lib::ok();
}

/* ---- the vfs_* operations (parent locked by the caller) ---- */
lib::Result<void> vfs_create(struct inode* dir, struct dentry* dentry, umode_t mode, bool want_excl)
{
	TRY(may_create(dir, dentry));
	if (!dir->i_op->create)
		return lib::Error{EACCES};
	TRY(dir->i_op->create(dir, dentry, (mode & S_IALLUGO) | S_IFREG, want_excl));
	fsnotify_create(dir, dentry);
	return lib::ok();
}

lib::Result<void> vfs_mkdir(struct inode* dir, struct dentry* dentry, umode_t mode)
{
	TRY(may_create(dir, dentry));
	if (!dir->i_op->mkdir)
		return lib::Error{EPERM};
	if (dir->i_nlink >= 65000)
		return lib::Error{EMLINK};
	TRY(dir->i_op->mkdir(dir, dentry, mode & (S_IRWXUGO | S_ISVTX)));
	fsnotify_create(dir, dentry); /* Linux: fsnotify_mkdir */
	return lib::ok();
}

lib::Result<void> vfs_mknod(struct inode* dir, struct dentry* dentry, umode_t mode, dev_t dev)
{
	TRY(may_create(dir, dentry));
	if ((S_ISCHR(mode) || S_ISBLK(mode)) && !capable(CAP_MKNOD))
		return lib::Error{EPERM};
	if (!dir->i_op->mknod)
		return lib::Error{EPERM};
	TRY(dir->i_op->mknod(dir, dentry, mode, dev));
	fsnotify_create(dir, dentry);
	return lib::ok();
}

lib::Result<void> vfs_symlink(struct inode* dir, struct dentry* dentry, const char* oldname)
{
	TRY(may_create(dir, dentry));
	if (!dir->i_op->symlink)
		return lib::Error{EPERM};
	TRY(dir->i_op->symlink(dir, dentry, oldname));
	fsnotify_create(dir, dentry);
	return lib::ok();
}

lib::Result<void> vfs_link(struct dentry* old_dentry, struct inode* dir, struct dentry* new_dentry)
{
	struct inode* inode = d_inode(old_dentry);
	if (!inode)
		return lib::Error{ENOENT};
	TRY(may_create(dir, new_dentry));
	if (dir->i_sb != inode->i_sb)
		return lib::Error{EXDEV};
	if (S_ISDIR(inode->i_mode))
		return lib::Error{EPERM};
	if (!dir->i_op->link)
		return lib::Error{EPERM};
	inode_lock(inode);
	lib::Result<void> r = lib::ok();
	if (inode->i_nlink == 0)
		r = lib::Error{ENOENT}; /* unlinked meanwhile */
	else
		r = dir->i_op->link(old_dentry, dir, new_dentry);
	inode_unlock(inode);
	if (r.is_ok())
		fsnotify_link(dir, inode, new_dentry);
	return r;
}

lib::Result<void> vfs_unlink(struct inode* dir, struct dentry* dentry)
{
	TRY(may_delete(dir, dentry, false));
	if (!dir->i_op->unlink)
		return lib::Error{EPERM};
	if (d_mountpoint(dentry))
		return lib::Error{EBUSY};
	struct inode* target = d_inode(dentry);
	inode_lock(target);
	lib::Result<void> r = dir->i_op->unlink(dir, dentry);
	inode_unlock(target);
	if (r.is_ok()) {
		/* Linux: fsnotify_link_count, then d_delete_notify */
		ihold(target);
		fsnotify_link_count(target);
		d_delete(dentry);
		fsnotify_delete(dir, target, dentry);
		iput(target);
	}
	return r;
}

lib::Result<void> vfs_rmdir(struct inode* dir, struct dentry* dentry)
{
	TRY(may_delete(dir, dentry, true));
	if (!dir->i_op->rmdir)
		return lib::Error{EPERM};
	if (d_mountpoint(dentry))
		return lib::Error{EBUSY};
	struct inode* target = d_inode(dentry);
	inode_lock(target);
	lib::Result<void> r = dir->i_op->rmdir(dir, dentry);
	if (r.is_ok())
		target->i_flags |= S_DEAD;
	inode_unlock(target);
	if (r.is_ok()) {
		ihold(target);
		d_delete(dentry);
		fsnotify_delete(dir, target, dentry);
		iput(target);
	}
	return r;
}

lib::Result<void> vfs_rename(struct inode* old_dir, struct dentry* old_dentry, struct inode* new_dir,
                             struct dentry* new_dentry, unsigned int flags)
{
	if (old_dentry == new_dentry)
		return lib::ok();
	bool is_dir = d_is_dir(old_dentry);
	TRY(may_delete(old_dir, old_dentry, is_dir));
	if (d_is_negative(new_dentry))
		TRY(may_create(new_dir, new_dentry));
	else
		TRY(may_delete(new_dir, new_dentry, (flags & RENAME_EXCHANGE) ? d_is_dir(new_dentry) : is_dir));
	if (!old_dir->i_op->rename)
		return lib::Error{EPERM};
	/* moving a directory to another parent rewrites its ".." */
	if (is_dir && new_dir != old_dir)
		TRY(inode_permission(d_inode(old_dentry), MAY_WRITE));
	if (d_mountpoint(old_dentry) || d_mountpoint(new_dentry))
		return lib::Error{EBUSY};
	/* the names as they were, for the events (Linux: take_dentry_name_snapshot) */
	char old_buf[NAME_MAX + 1], new_buf[NAME_MAX + 1];
	struct qstr old_name = {old_buf, old_dentry->d_name.len, 0};
	struct qstr new_name = {new_buf, new_dentry->d_name.len, 0};
	lib::memcpy(old_buf, old_dentry->d_name.name, old_name.len);
	lib::memcpy(new_buf, new_dentry->d_name.name, new_name.len);
	struct inode* moved = d_inode(old_dentry);
	struct inode* target = d_inode(new_dentry);
	bool new_is_dir = target && S_ISDIR(target->i_mode);
	TRY(old_dir->i_op->rename(old_dir, old_dentry, new_dir, new_dentry, flags));
	if (target)
		ihold(target);
	if (flags & RENAME_EXCHANGE)
		d_exchange(old_dentry, new_dentry);
	else
		d_move(old_dentry, new_dentry);
	fsnotify_move(old_dir, new_dir, &old_name, &new_name, is_dir, (flags & RENAME_EXCHANGE) ? nullptr : target,
	              moved);
	if (flags & RENAME_EXCHANGE)
		fsnotify_move(new_dir, old_dir, &new_name, &old_name, new_is_dir, nullptr, target);
	if (target)
		iput(target);
	return lib::ok();
}

/* ---- creating: the parent locked, a negative dentry for the name ---- */
/* returns with the parent's i_rwsem held, which done_path_create drops:
 * Clang cannot follow a lock handed to the caller */
lib::Result<struct dentry*> filename_create(int dfd, const char* name, struct path* path, unsigned lookup_flags)
    NO_THREAD_SAFETY_ANALYSIS
{
	struct qstr last;
	int type;
	TRY(filename_parentat(dfd, name, 0, path, &last, &type));
	lib::scope_exit put_parent([&] { path_put(path); });
	if (type != LAST_NORM)
		return lib::Error{EEXIST}; /* ".", "..", "/" exist */
	bool trailing = last.name[last.len] != '\0';
	inode_lock(d_inode(path->dentry));
	lib::Result<struct dentry*> r = lookup_one_qstr(&last, path->dentry, LOOKUP_CREATE | LOOKUP_EXCL);
	if (r.is_err()) {
		inode_unlock(d_inode(path->dentry));
		return r.error_value();
	}
	struct dentry* dentry = r.value();
	if (d_really_is_positive(dentry)) {
		dput(dentry);
		inode_unlock(d_inode(path->dentry));
		return lib::Error{EEXIST};
	}
	/* "foo/" may only name a directory being made */
	if (trailing && !(lookup_flags & LOOKUP_DIRECTORY)) {
		dput(dentry);
		inode_unlock(d_inode(path->dentry));
		return lib::Error{ENOENT};
	}
	put_parent.release();
	return dentry;
}

void done_path_create(struct path* path, struct dentry* dentry) NO_THREAD_SAFETY_ANALYSIS
{
	dput(dentry);
	inode_unlock(d_inode(path->dentry));
	path_put(path);
}

lib::Result<struct dentry*> kern_path_create(int dfd, const char* name, struct path* path, unsigned lookup_flags)
{
	return filename_create(dfd, name, path, lookup_flags);
}

lib::Result<void> do_mkdirat(int dfd, const char* name, umode_t mode)
{
	struct path path;
	struct dentry* dentry = TRY(filename_create(dfd, name, &path, LOOKUP_DIRECTORY));
	lib::Result<void> r = vfs_mkdir(d_inode(path.dentry), dentry, mode & ~current_umask());
	done_path_create(&path, dentry);
	return r;
}

lib::Result<void> do_mknodat(int dfd, const char* name, umode_t mode, unsigned int dev)
{
	switch (mode & S_IFMT) {
	case 0:
		mode |= S_IFREG;
		break;
	case S_IFREG:
	case S_IFCHR:
	case S_IFBLK:
	case S_IFIFO:
	case S_IFSOCK:
		break;
	case S_IFDIR:
		return lib::Error{EPERM};
	default:
		return lib::Error{EINVAL};
	}
	struct path path;
	struct dentry* dentry = TRY(filename_create(dfd, name, &path, 0));
	struct inode* dir = d_inode(path.dentry);
	mode &= ~current_umask() | S_IFMT;
	lib::Result<void> r = lib::ok();
	if (S_ISREG(mode))
		r = vfs_create(dir, dentry, mode, true);
	else
		r = vfs_mknod(dir, dentry, mode, new_decode_dev(dev));
	done_path_create(&path, dentry);
	return r;
}

lib::Result<void> do_symlinkat(const char* oldname, int newdfd, const char* newname)
{
	TRY(check_name(oldname, 0));
	struct path path;
	struct dentry* dentry = TRY(filename_create(newdfd, newname, &path, 0));
	lib::Result<void> r = vfs_symlink(d_inode(path.dentry), dentry, oldname);
	done_path_create(&path, dentry);
	return r;
}

lib::Result<void> do_linkat(int olddfd, const char* oldname, int newdfd, const char* newname, int flags)
{
	if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return lib::Error{EINVAL};
	unsigned how = (flags & AT_SYMLINK_FOLLOW) ? LOOKUP_FOLLOW : 0;
	if (flags & AT_EMPTY_PATH) {
		if (!capable(CAP_DAC_READ_SEARCH))
			return lib::Error{ENOENT};
		how |= LOOKUP_EMPTY;
	}
	struct path old_path;
	TRY(filename_lookup(olddfd, oldname, how, &old_path));
	lib::scope_exit put_old([&] { path_put(&old_path); });
	struct path new_path;
	struct dentry* new_dentry = TRY(filename_create(newdfd, newname, &new_path, 0));
	lib::Result<void> r = lib::ok();
	if (old_path.mnt != new_path.mnt)
		r = lib::Error{EXDEV};
	else
		r = vfs_link(old_path.dentry, d_inode(new_path.dentry), new_dentry);
	done_path_create(&new_path, new_dentry);
	return r;
}

/* unlink and rmdir: the parent locked, the victim looked up under it */
static lib::Result<void> do_remove(int dfd, const char* name, bool isdir)
{
	struct path path;
	struct qstr last;
	int type;
	TRY(filename_parentat(dfd, name, 0, &path, &last, &type));
	lib::scope_exit put_parent([&] { path_put(&path); });
	if (isdir) {
		if (type == LAST_DOTDOT)
			return lib::Error{ENOTEMPTY};
		if (type == LAST_DOT)
			return lib::Error{EINVAL};
		if (type == LAST_ROOT)
			return lib::Error{EBUSY};
	} else if (type != LAST_NORM) {
		return lib::Error{EISDIR};
	}
	struct inode* dir = d_inode(path.dentry);
	inode_lock(dir);
	lib::Result<struct dentry*> dr = lookup_one_qstr(&last, path.dentry, 0);
	if (dr.is_err()) {
		inode_unlock(dir);
		return dr.error_value();
	}
	struct dentry* dentry = dr.value();
	lib::Result<void> r = lib::ok();
	if (!isdir && last.name[last.len]) {
		/* "name/" to unlink: Linux's slashes: */
		r = d_is_negative(dentry) ? lib::Error{ENOENT} : d_is_dir(dentry) ? lib::Error{EISDIR} : lib::Error{ENOTDIR};
	} else if (isdir) {
		r = vfs_rmdir(dir, dentry);
	} else {
		r = vfs_unlink(dir, dentry);
	}
	dput(dentry);
	inode_unlock(dir);
	return r;
}

lib::Result<void> do_unlinkat(int dfd, const char* name)
{
	return do_remove(dfd, name, false);
}

lib::Result<void> do_rmdir(int dfd, const char* name)
{
	return do_remove(dfd, name, true);
}

/* the two parents are locked in an order decided at run time (lock_rename) */
lib::Result<void> do_renameat2(int olddfd, const char* oldname, int newdfd, const char* newname, unsigned int flags)
    NO_THREAD_SAFETY_ANALYSIS
{
	if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT))
		return lib::Error{EINVAL};
	if ((flags & (RENAME_NOREPLACE | RENAME_WHITEOUT)) && (flags & RENAME_EXCHANGE))
		return lib::Error{EINVAL};
	if (flags & RENAME_WHITEOUT)
		return lib::Error{EINVAL}; /* no overlay file systems: Linux's shmem refuses too without one */
	struct path old_path, new_path;
	struct qstr old_last, new_last;
	int old_type, new_type;
	TRY(filename_parentat(olddfd, oldname, 0, &old_path, &old_last, &old_type));
	lib::scope_exit put_old([&] { path_put(&old_path); });
	TRY(filename_parentat(newdfd, newname, 0, &new_path, &new_last, &new_type));
	lib::scope_exit put_new([&] { path_put(&new_path); });
	if (old_path.mnt != new_path.mnt)
		return lib::Error{EXDEV};
	if (old_type != LAST_NORM || new_type != LAST_NORM)
		return lib::Error{EBUSY};

	struct dentry* old_parent = old_path.dentry;
	struct dentry* new_parent = new_path.dentry;
	mutex_guard rg(rename_mutex);
	/* lock_rename: an ancestor first, else by address */
	struct inode* d1 = d_inode(old_parent);
	struct inode* d2 = d_inode(new_parent);
	if (d1 != d2 && (is_subdir(old_parent, new_parent) ? true : (!is_subdir(new_parent, old_parent) && d1 > d2)))
		std::swap(d1, d2);
	inode_lock(d1);
	if (d2 != d1)
		inode_lock(d2);
	auto unlock = [&]() NO_THREAD_SAFETY_ANALYSIS {
		if (d2 != d1)
			inode_unlock(d2);
		inode_unlock(d1);
	};

	lib::Result<void> r = lib::ok();
	struct dentry* old_dentry = nullptr;
	struct dentry* new_dentry = nullptr;
	do {
		lib::Result<struct dentry*> o = lookup_one_qstr(&old_last, old_parent, 0);
		if (o.is_err()) {
			r = o.error_value();
			break;
		}
		old_dentry = o.value();
		if (d_is_negative(old_dentry)) {
			r = lib::Error{ENOENT};
			break;
		}
		lib::Result<struct dentry*> n = lookup_one_qstr(&new_last, new_parent, LOOKUP_RENAME_TARGET);
		if (n.is_err()) {
			r = n.error_value();
			break;
		}
		new_dentry = n.value();
		if ((flags & RENAME_NOREPLACE) && d_really_is_positive(new_dentry)) {
			r = lib::Error{EEXIST};
			break;
		}
		if ((flags & RENAME_EXCHANGE) && d_is_negative(new_dentry)) {
			r = lib::Error{ENOENT};
			break;
		}
		/* trailing slashes only on directories */
		if (!d_is_dir(old_dentry) &&
		    (old_last.name[old_last.len] || (!(flags & RENAME_EXCHANGE) && new_last.name[new_last.len]))) {
			r = lib::Error{ENOTDIR};
			break;
		}
		/* a directory cannot move below itself, nor be replaced by its ancestor */
		if (is_subdir(new_parent, old_dentry)) {
			r = lib::Error{EINVAL};
			break;
		}
		if (is_subdir(old_parent, new_dentry)) {
			r = lib::Error{(flags & RENAME_EXCHANGE) ? EINVAL : ENOTEMPTY};
			break;
		}
		if (d_really_is_positive(new_dentry) && !(flags & RENAME_EXCHANGE)) {
			if (d_is_dir(old_dentry) && !d_is_dir(new_dentry)) {
				r = lib::Error{ENOTDIR};
				break;
			}
			if (!d_is_dir(old_dentry) && d_is_dir(new_dentry)) {
				r = lib::Error{EISDIR};
				break;
			}
		}
		r = vfs_rename(d_inode(old_parent), old_dentry, d_inode(new_parent), new_dentry, flags);
	} while (0);
	dput(new_dentry);
	dput(old_dentry);
	unlock();
	return r;
}

lib::Result<long> do_readlinkat(int dfd, const char* name, char* buf, int bufsiz)
{
	if (bufsiz <= 0)
		return lib::Error{EINVAL};
	struct path path;
	TRY(filename_lookup(dfd, name, LOOKUP_EMPTY, &path));
	lib::scope_exit put([&] { path_put(&path); });
	struct inode* inode = d_inode(path.dentry);
	if (!S_ISLNK(inode->i_mode) || !inode->i_op->get_link)
		return lib::Error{EINVAL};
	const char* link = inode->i_op->get_link(path.dentry, inode);
	size_t len = lib::strlen(link);
	if (len > size_t(bufsiz))
		len = bufsiz;
	lib::memcpy(buf, link, len);
	return long(len);
}

/* ---- open ---- */
lib::Result<struct open_flags> build_open_flags(int flags, umode_t mode)
{
	struct open_flags op = {};
	constexpr int VALID_OPEN_FLAGS = O_RDONLY | O_WRONLY | O_RDWR | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND |
	                                 O_NDELAY | O_DSYNC | FASYNC | O_DIRECT | O_LARGEFILE | O_DIRECTORY |
	                                 O_NOFOLLOW | O_NOATIME | O_CLOEXEC | __O_SYNC | O_PATH | __O_TMPFILE;
	/* open(2) ignores unknown flags (openat2 refuses them); keep the known */
	flags &= VALID_OPEN_FLAGS;
	if (flags & (O_CREAT | __O_TMPFILE))
		op.mode = (mode & S_IALLUGO) | S_IFREG;
	if (flags & __O_TMPFILE) {
		pr_warn_once("open: O_TMPFILE is not implemented\n");
		return lib::Error{EOPNOTSUPP};
	}
	if (flags & O_PATH) {
		/* only these make sense with O_PATH; the rest are dropped, as Linux */
		flags &= O_DIRECTORY | O_NOFOLLOW | O_PATH | O_CLOEXEC;
		op.acc_mode = 0;
	} else {
		static const int acc[4] = {MAY_READ, MAY_WRITE, MAY_READ | MAY_WRITE, MAY_READ | MAY_WRITE};
		op.acc_mode = acc[flags & O_ACCMODE];
		if (flags & O_TRUNC)
			op.acc_mode |= MAY_WRITE;
		if (flags & O_APPEND)
			op.acc_mode |= MAY_APPEND;
	}
	op.open_flag = flags;
	op.lookup_flags = (flags & O_NOFOLLOW) ? 0 : LOOKUP_FOLLOW;
	if (flags & O_DIRECTORY)
		op.lookup_flags |= LOOKUP_DIRECTORY;
	if (flags & O_CREAT) {
		op.intent = LOOKUP_CREATE;
		if (flags & O_EXCL) {
			op.intent |= LOOKUP_EXCL;
			op.lookup_flags &= ~LOOKUP_FOLLOW; /* O_EXCL never follows a final link */
		}
	}
	return op;
}

lib::Result<struct open_flags> build_open_how(const struct open_how* how)
{
	constexpr uint64_t VALID_OPEN_FLAGS = O_RDONLY | O_WRONLY | O_RDWR | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC |
	                                      O_APPEND | O_NDELAY | O_DSYNC | FASYNC | O_DIRECT | O_LARGEFILE |
	                                      O_DIRECTORY | O_NOFOLLOW | O_NOATIME | O_CLOEXEC | __O_SYNC | O_PATH |
	                                      __O_TMPFILE;
	constexpr uint64_t VALID_RESOLVE_FLAGS = RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS |
	                                         RESOLVE_BENEATH | RESOLVE_IN_ROOT | RESOLVE_CACHED;
	uint64_t flags = how->flags & ~(uint64_t)O_CLOEXEC;
	if (flags & ~VALID_OPEN_FLAGS)
		return lib::Error{EINVAL};
	if (how->resolve & ~VALID_RESOLVE_FLAGS)
		return lib::Error{EINVAL};
	if ((how->resolve & RESOLVE_BENEATH) && (how->resolve & RESOLVE_IN_ROOT))
		return lib::Error{EINVAL}; /* the scopes exclude each other */
	if (flags & (O_CREAT | __O_TMPFILE)) {
		if (how->mode & ~(uint64_t)S_IALLUGO)
			return lib::Error{EINVAL};
	} else if (how->mode) {
		return lib::Error{EINVAL};
	}
	if ((flags & O_PATH) && (flags & ~(uint64_t)(O_DIRECTORY | O_NOFOLLOW | O_PATH)))
		return lib::Error{EINVAL};
	if ((how->resolve & RESOLVE_CACHED) && (flags & (O_TRUNC | O_CREAT | __O_TMPFILE)))
		return lib::Error{EAGAIN}; /* they would not be cached anyway */
	struct open_flags op = TRY(build_open_flags(int(how->flags), umode_t(how->mode)));
	if (how->resolve & RESOLVE_NO_XDEV)
		op.lookup_flags |= LOOKUP_NO_XDEV;
	if (how->resolve & RESOLVE_NO_MAGICLINKS)
		op.lookup_flags |= LOOKUP_NO_MAGICLINKS;
	if (how->resolve & RESOLVE_NO_SYMLINKS)
		op.lookup_flags |= LOOKUP_NO_SYMLINKS;
	if (how->resolve & RESOLVE_BENEATH)
		op.lookup_flags |= LOOKUP_BENEATH;
	if (how->resolve & RESOLVE_IN_ROOT)
		op.lookup_flags |= LOOKUP_IN_ROOT;
	if (how->resolve & RESOLVE_CACHED)
		op.lookup_flags |= LOOKUP_CACHED;
	return op;
}

/* permission and type checks of the opened inode (Linux: may_open) */
static lib::Result<void> may_open(const struct path* path, int acc_mode, int flag)
{
	struct inode* inode = d_inode(path->dentry);
	switch (inode->i_mode & S_IFMT) {
	case S_IFLNK:
		return lib::Error{ELOOP};
	case S_IFDIR:
		if (acc_mode & MAY_WRITE)
			return lib::Error{EISDIR};
		break;
	case S_IFBLK:
	case S_IFCHR:
		if (path->mnt->mnt_flags & MNT_NODEV)
			return lib::Error{EACCES};
		break;
	case S_IFIFO:
	case S_IFSOCK:
		acc_mode &= ~MAY_EXEC;
		break;
	}
	if (acc_mode & MAY_EXEC && (path->mnt->mnt_flags & MNT_NOEXEC))
		return lib::Error{EACCES};
	if (acc_mode & ~MAY_APPEND)
		TRY(inode_permission(inode, acc_mode & ~MAY_APPEND));
	if ((flag & O_NOATIME) && !inode_owner_or_capable(inode))
		return lib::Error{EPERM};
	if ((acc_mode & MAY_WRITE) && (path->mnt->mnt_flags & MNT_READONLY))
		return lib::Error{EROFS};
	return lib::ok();
}

lib::Result<struct file*> do_filp_open(int dfd, const char* name, const struct open_flags* op)
{
	int flags = op->open_flag;
	struct path path = {};
	bool created = false;
	if (!(flags & O_CREAT)) {
		TRY(filename_lookup(dfd, name, op->lookup_flags, &path));
	} else {
		/* O_CREAT: the parent, then the name under its lock (O_EXCL races
		 * are decided there: one creator wins, the others see EEXIST) */
		struct path parent;
		struct qstr last;
		int type;
		TRY(filename_parentat(dfd, name, op->lookup_flags & LOOKUP_RESOLVE_MASK, &parent, &last, &type));
		lib::scope_exit put_parent([&] { path_put(&parent); });
		if (type != LAST_NORM)
			return lib::Error{EISDIR};
		if (last.name[last.len])
			return lib::Error{EISDIR}; /* "name/" with O_CREAT */
		struct inode* dir = d_inode(parent.dentry);
		inode_lock(dir);
		lib::Result<struct dentry*> dr = lookup_one_qstr(&last, parent.dentry, op->intent);
		if (dr.is_err()) {
			inode_unlock(dir);
			return dr.error_value();
		}
		struct dentry* dentry = dr.value();
		if (d_is_negative(dentry)) {
			umode_t mode = op->mode & ~current_umask();
			lib::Result<void> r = lib::ok();
			if (parent.mnt->mnt_flags & MNT_READONLY)
				r = lib::Error{EROFS};
			else
				r = vfs_create(dir, dentry, mode, flags & O_EXCL);
			if (r.is_err()) {
				dput(dentry);
				inode_unlock(dir);
				return r.error_value();
			}
			created = true;
			path = {mntget(parent.mnt), dentry};
			inode_unlock(dir);
		} else {
			inode_unlock(dir);
			if (flags & O_EXCL) {
				dput(dentry);
				return lib::Error{EEXIST};
			}
			if (d_is_symlink(dentry)) {
				dput(dentry);
				if (flags & O_NOFOLLOW)
					return lib::Error{ELOOP};
				/* follow it with a whole lookup (a dangling link gives
				 * ENOENT here; Linux would create its target) */
				TRY(filename_lookup(dfd, name, op->lookup_flags, &path));
			} else {
				path = {mntget(parent.mnt), dentry};
				struct vfsmount* before = path.mnt;
				follow_mount(&path);
				if ((op->lookup_flags & LOOKUP_NO_XDEV) && path.mnt != before) {
					path_put(&path);
					return lib::Error{EXDEV};
				}
			}
		}
	}
	lib::scope_exit put_path([&] { path_put(&path); });
	struct inode* inode = d_inode(path.dentry);
	if ((op->lookup_flags & LOOKUP_DIRECTORY) && !S_ISDIR(inode->i_mode))
		return lib::Error{ENOTDIR};
	if (!(flags & O_PATH)) {
		if (S_ISLNK(inode->i_mode))
			return lib::Error{ELOOP}; /* O_NOFOLLOW on a link */
		if ((flags & O_CREAT) && S_ISDIR(inode->i_mode))
			return lib::Error{EISDIR};
		TRY(may_open(&path, created ? 0 : op->acc_mode, flags));
	}
	struct file* f = TRY(dentry_open(&path, flags, current_cred()));
	if ((flags & O_TRUNC) && S_ISREG(inode->i_mode) && !created && !(flags & O_PATH)) {
		/* Linux: handle_truncate */
		lib::Result<void> r = do_truncate(path.dentry, 0, ATTR_MTIME | ATTR_CTIME | ATTR_OPEN, f);
		if (r.is_err()) {
			fput(f);
			return r.error_value();
		}
	}
	return f;
}

/* ---- names from user space ---- */
lib::Result<struct filename*> getname_flags(user_ptr<const char> filename, int flags)
{
	auto* result = static_cast<struct filename*>(kmalloc(sizeof(struct filename), GFP_KERNEL));
	if (!result)
		return lib::Error{ENOMEM};
	result->name = static_cast<char*>(kmem_cache_alloc(names_cachep, GFP_KERNEL));
	if (!result->name) {
		kfree(result);
		return lib::Error{ENOMEM};
	}
	lib::Result<long> len = strncpy_from_user(result->name, filename, PATH_MAX);
	int err = 0;
	if (len.is_err())
		err = len.error();
	else if (len.value() == PATH_MAX)
		err = ENAMETOOLONG;
	else if (len.value() == 0 && !(flags & LOOKUP_EMPTY))
		err = ENOENT;
	if (err) {
		putname(result);
		return lib::Error{err};
	}
	return result;
}

lib::Result<struct filename*> getname(user_ptr<const char> filename)
{
	return getname_flags(filename, 0);
}

void putname(struct filename* name)
{
	if (!name)
		return;
	kmem_cache_free(names_cachep, name->name);
	kfree(name);
}

/* ---- the system calls on names ---- */
#include <kernel/syscalls.h>

namespace
{
struct name_holder {
	struct filename* n = nullptr;
	~name_holder() { putname(n); }
};
} // namespace

#define GETNAME(var, uptr, flags)                                                                                      \
	name_holder var##_holder;                                                                                      \
	var##_holder.n = TRY(getname_flags(uptr, flags));                                                              \
	const char* var = var##_holder.n->name

SYSCALL_DEFINE3(mkdirat, int, dfd, user_ptr<const char>, pathname, umode_t, mode)
{
	GETNAME(name, pathname, 0);
	TRY(do_mkdirat(dfd, name, mode));
	return 0;
}

SYSCALL_DEFINE2(mkdir, user_ptr<const char>, pathname, umode_t, mode)
{
	GETNAME(name, pathname, 0);
	TRY(do_mkdirat(AT_FDCWD, name, mode));
	return 0;
}

SYSCALL_DEFINE4(mknodat, int, dfd, user_ptr<const char>, filename, umode_t, mode, unsigned int, dev)
{
	GETNAME(name, filename, 0);
	TRY(do_mknodat(dfd, name, mode, dev));
	return 0;
}

SYSCALL_DEFINE3(mknod, user_ptr<const char>, filename, umode_t, mode, unsigned, dev)
{
	GETNAME(name, filename, 0);
	TRY(do_mknodat(AT_FDCWD, name, mode, dev));
	return 0;
}

SYSCALL_DEFINE1(rmdir, user_ptr<const char>, pathname)
{
	GETNAME(name, pathname, 0);
	TRY(do_rmdir(AT_FDCWD, name));
	return 0;
}

SYSCALL_DEFINE3(unlinkat, int, dfd, user_ptr<const char>, pathname, int, flag)
{
	if (flag & ~AT_REMOVEDIR)
		return lib::Error{EINVAL};
	GETNAME(name, pathname, 0);
	if (flag & AT_REMOVEDIR)
		TRY(do_rmdir(dfd, name));
	else
		TRY(do_unlinkat(dfd, name));
	return 0;
}

SYSCALL_DEFINE1(unlink, user_ptr<const char>, pathname)
{
	GETNAME(name, pathname, 0);
	TRY(do_unlinkat(AT_FDCWD, name));
	return 0;
}

SYSCALL_DEFINE3(symlinkat, user_ptr<const char>, oldname, int, newdfd, user_ptr<const char>, newname)
{
	GETNAME(from, oldname, 0);
	GETNAME(to, newname, 0);
	TRY(do_symlinkat(from, newdfd, to));
	return 0;
}

SYSCALL_DEFINE2(symlink, user_ptr<const char>, oldname, user_ptr<const char>, newname)
{
	GETNAME(from, oldname, 0);
	GETNAME(to, newname, 0);
	TRY(do_symlinkat(from, AT_FDCWD, to));
	return 0;
}

SYSCALL_DEFINE5(linkat, int, olddfd, user_ptr<const char>, oldname, int, newdfd, user_ptr<const char>, newname, int,
                flags)
{
	if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return lib::Error{EINVAL};
	GETNAME(from, oldname, (flags & AT_EMPTY_PATH) ? LOOKUP_EMPTY : 0);
	GETNAME(to, newname, 0);
	TRY(do_linkat(olddfd, from, newdfd, to, flags));
	return 0;
}

SYSCALL_DEFINE2(link, user_ptr<const char>, oldname, user_ptr<const char>, newname)
{
	GETNAME(from, oldname, 0);
	GETNAME(to, newname, 0);
	TRY(do_linkat(AT_FDCWD, from, AT_FDCWD, to, 0));
	return 0;
}

SYSCALL_DEFINE5(renameat2, int, olddfd, user_ptr<const char>, oldname, int, newdfd, user_ptr<const char>, newname,
                unsigned int, flags)
{
	GETNAME(from, oldname, 0);
	GETNAME(to, newname, 0);
	TRY(do_renameat2(olddfd, from, newdfd, to, flags));
	return 0;
}

SYSCALL_DEFINE4(renameat, int, olddfd, user_ptr<const char>, oldname, int, newdfd, user_ptr<const char>, newname)
{
	GETNAME(from, oldname, 0);
	GETNAME(to, newname, 0);
	TRY(do_renameat2(olddfd, from, newdfd, to, 0));
	return 0;
}

SYSCALL_DEFINE2(rename, user_ptr<const char>, oldname, user_ptr<const char>, newname)
{
	GETNAME(from, oldname, 0);
	GETNAME(to, newname, 0);
	TRY(do_renameat2(AT_FDCWD, from, AT_FDCWD, to, 0));
	return 0;
}
