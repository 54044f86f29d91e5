/*
 * Helpers every memory file system shares (Linux: fs/libfs.c
 * simple_lookup, simple_link, simple_unlink, simple_rmdir,
 * simple_rename, simple_empty, dcache_readdir, dcache_dir_lseek,
 * generic_read_dir, noop_fsync, init_pseudo as pseudo_fill_super;
 * fs/read_write.c generic_file_llseek).
 *
 * In these file systems the dentry tree is the directory: a directory's
 * entries are its positive children on d_subdirs, each pinned by one
 * extra reference (taken by the fs's create/mkdir/..., dropped by
 * unlink/rmdir).  A directory's i_size counts nothing; its link count is
 * 2 + subdirectories, as Linux's.
 *
 * dcache_readdir walks d_subdirs under dcache_lock and reports "." and
 * ".." first; ctx->pos counts entries (0 ".", 1 "..", then the n-th
 * child), so a directory changed between getdents calls may repeat or
 * skip an entry, as Linux allows; within one call it goes on from the
 * last child reported (held), so a call is linear in the entries.
 * Lock order: the directory's i_rwsem (the caller's) -> dcache_lock.
 */
#include <fs/dcache.h>
#include <fs/fs.h>
#include <kernel/panic.h>
#include <lib/scope.h>
#include <uapi/asm-generic/errno-base.h>
#include <uapi/asm-generic/errno.h>
#include <uapi/linux/dirent.h>
#include <uapi/linux/fcntl.h>

lib::Result<struct dentry*> simple_lookup(struct inode*, struct dentry* dentry, unsigned int)
{
	if (dentry->d_name.len > 255)
		return lib::Error{ENAMETOOLONG};
	d_add(dentry, nullptr); /* a negative entry: "no such name", cached */
	return nullptr;
}

/* pin a dentry that now names a file (the fs's create/mkdir/link...) */
static void pin(struct dentry* d)
{
	dget(d);
}

lib::Result<void> simple_link(struct dentry* old_dentry, struct inode* dir, struct dentry* dentry)
{
	struct inode* inode = d_inode(old_dentry);
	inode->i_ctime = dir->i_ctime = dir->i_mtime = current_time(inode);
	inc_nlink(inode);
	ihold(inode);
	pin(dentry);
	d_instantiate(dentry, inode);
	return lib::ok();
}

bool simple_empty(struct dentry* dentry)
{
	lib::spin_lock_guard g(dcache_lock);
	struct dentry* child;
	list_for_each_entry(child, &dentry->d_subdirs, d_child)
	{
		if (child->d_inode && !(child->d_flags & DCACHE_UNHASHED))
			return false;
	}
	return true;
}

lib::Result<void> simple_unlink(struct inode* dir, struct dentry* dentry)
{
	struct inode* inode = d_inode(dentry);
	inode->i_ctime = dir->i_ctime = dir->i_mtime = current_time(inode);
	drop_nlink(inode);
	dput(dentry); /* the pin */
	return lib::ok();
}

lib::Result<void> simple_rmdir(struct inode* dir, struct dentry* dentry)
{
	if (!simple_empty(dentry))
		return lib::Error{ENOTEMPTY};
	drop_nlink(d_inode(dentry));
	TRY(simple_unlink(dir, dentry));
	drop_nlink(dir);
	return lib::ok();
}

lib::Result<void> simple_rename(struct inode* old_dir, struct dentry* old_dentry, struct inode* new_dir,
                                struct dentry* new_dentry, unsigned int flags)
{
	if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE))
		return lib::Error{EINVAL};
	struct inode* inode = d_inode(old_dentry);
	bool they_are_dirs = d_is_dir(old_dentry);
	if (flags & RENAME_EXCHANGE) {
		bool new_is_dir = d_is_dir(new_dentry);
		if (old_dir != new_dir && they_are_dirs != new_is_dir) {
			if (they_are_dirs) {
				drop_nlink(old_dir);
				inc_nlink(new_dir);
			} else {
				drop_nlink(new_dir);
				inc_nlink(old_dir);
			}
		}
		old_dir->i_ctime = old_dir->i_mtime = new_dir->i_ctime = new_dir->i_mtime = current_time(old_dir);
		return lib::ok();
	}
	if (!simple_empty(new_dentry))
		return lib::Error{ENOTEMPTY};
	if (d_really_is_positive(new_dentry)) {
		TRY(simple_unlink(new_dir, new_dentry));
		if (they_are_dirs) {
			drop_nlink(d_inode(new_dentry));
			drop_nlink(old_dir);
		}
	} else if (they_are_dirs) {
		drop_nlink(old_dir);
		inc_nlink(new_dir);
	}
	old_dir->i_ctime = old_dir->i_mtime = new_dir->i_ctime = new_dir->i_mtime = inode->i_ctime =
	    current_time(old_dir);
	return lib::ok();
}

static unsigned char dt_type(const struct inode* inode)
{
	return (inode->i_mode >> 12) & 15;
}

lib::Result<void> dcache_readdir(struct file* file, struct dir_context* ctx)
{
	struct dentry* dentry = file->f_path.dentry;
	if (ctx->pos == 0) {
		if (!ctx->actor(ctx, ".", 1, 0, d_inode(dentry)->i_ino, DT_DIR))
			return lib::ok();
		ctx->pos = 1;
	}
	if (ctx->pos == 1) {
		struct dentry* parent = dget_parent(dentry);
		unsigned long ino = d_inode(parent)->i_ino;
		dput(parent);
		if (!ctx->actor(ctx, "..", 2, 1, ino, DT_DIR))
			return lib::ok();
		ctx->pos = 2;
	}
	/* the last child reported, referenced so it stays on d_subdirs (the
	 * caller's shared i_rwsem keeps unlink and rename out): the next one
	 * is found from it, not by counting from the start (Linux keeps a
	 * cursor dentry in the list for the same reason) */
	struct dentry* cursor = nullptr;
	lib::scope_exit put_cursor([&] { dput(cursor); });
	for (;;) {
		/* the (pos - 2)-th positive child, copied out under the lock */
		char name[256];
		unsigned len = 0;
		unsigned long ino = 0;
		unsigned char type = 0;
		bool found = false;
		struct dentry* old = cursor;
		{
			lib::spin_lock_guard g(dcache_lock);
			loff_t n = 0, skip = ctx->pos - 2;
			lib::list_head* l = dentry->d_subdirs.prev;
			if (cursor) {
				l = cursor->d_child.prev;
				skip = 0;
			}
			cursor = nullptr;
			for (; l != &dentry->d_subdirs; l = l->prev) {
				struct dentry* c = list_entry(l, struct dentry, d_child);
				if (!c->d_inode || (c->d_flags & DCACHE_UNHASHED))
					continue;
				if (n++ < skip)
					continue;
				len = c->d_name.len < 255 ? c->d_name.len : 255;
				for (unsigned i = 0; i < len; i++)
					name[i] = c->d_name.name[i];
				name[len] = '\0';
				ino = c->d_inode->i_ino;
				type = dt_type(c->d_inode);
				found = true;
				if (c->d_count > 0) { /* in use, so on no LRU: a reference is a plain count */
					c->d_count++;
					cursor = c;
				}
				break;
			}
		}
		dput(old);
		if (!found)
			return lib::ok();
		if (!ctx->actor(ctx, name, int(len), ctx->pos, ino, type))
			return lib::ok();
		ctx->pos++;
	}
}

lib::Result<loff_t> generic_file_llseek(struct file* file, loff_t offset, int whence)
{
	struct inode* inode = file_inode(file);
	loff_t pos;
	switch (whence) {
	case SEEK_SET:
		pos = offset;
		break;
	case SEEK_CUR:
		if (__builtin_add_overflow(file->f_pos, offset, &pos))
			return lib::Error{EINVAL};
		break;
	case SEEK_END:
		if (__builtin_add_overflow(inode->i_size, offset, &pos))
			return lib::Error{EINVAL};
		break;
	case SEEK_DATA: /* no holes are reported: all of the file is data */
		if (offset < 0 || offset >= inode->i_size)
			return lib::Error{ENXIO};
		pos = offset;
		break;
	case SEEK_HOLE:
		if (offset < 0 || offset >= inode->i_size)
			return lib::Error{ENXIO};
		pos = inode->i_size;
		break;
	default:
		return lib::Error{EINVAL};
	}
	if (pos < 0 || pos > inode->i_sb->s_maxbytes)
		return lib::Error{EINVAL};
	file->f_pos = pos;
	return pos;
}

lib::Result<loff_t> dcache_dir_lseek(struct file* file, loff_t offset, int whence)
{
	loff_t pos;
	switch (whence) {
	case SEEK_SET:
		pos = offset;
		break;
	case SEEK_CUR:
		pos = file->f_pos + offset;
		break;
	default:
		return lib::Error{EINVAL};
	}
	if (pos < 0)
		return lib::Error{EINVAL};
	file->f_pos = pos;
	return pos;
}

lib::Result<ssize_t> generic_read_dir(struct kiocb*, struct iov_iter*)
{
	return lib::Error{EISDIR};
}

lib::Result<void> noop_fsync(struct file*, loff_t, loff_t, int)
{
	return lib::ok();
}

const struct file_operations simple_dir_operations = {
    .llseek = dcache_dir_lseek,
    .read_iter = generic_read_dir,
    .iterate_shared = dcache_readdir,
    .fsync = noop_fsync,
};

static const char* simple_get_link(struct dentry*, struct inode* inode)
{
	return inode->i_link;
}

const struct inode_operations simple_symlink_inode_operations = {
    .get_link = simple_get_link,
};

lib::Result<void> pseudo_fill_super(struct super_block* sb, unsigned long magic, umode_t root_mode)
{
	sb->s_magic = magic;
	struct inode* root = new_inode(sb);
	if (!root)
		return lib::Error{ENOMEM};
	root->i_ino = 1;
	root->i_mode = S_IFDIR | root_mode;
	sb->s_root = d_make_root(root);
	if (!sb->s_root)
		return lib::Error{ENOMEM};
	return lib::ok();
}
