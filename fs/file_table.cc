/*
 * struct file's life (Linux: fs/file_table.c alloc_empty_file, fput,
 * __fput).  Files come from filp_cachep with f_count 1; the last fput
 * calls ->release, drops the path (dentry and mount) and the opener's
 * cred, and frees the file.  Linux defers that last step to task_work
 * when the caller returns to user space; here it runs at once in the
 * caller's context, which must be able to sleep.  files_stat.nr_files
 * counts the live ones (ENFILE above max_files).
 */
#include <fs/dcache.h>
#include <fs/fsnotify.h>
#include <fs/fs.h>
#include <fs/mount.h>
#include <kernel/cred.h>
#include <kernel/panic.h>
#include <lib/string.h>
#include <mm/slab.h>
#include <new>
#include <uapi/asm-generic/errno-base.h>
#include <uapi/linux/fcntl.h>

namespace
{
struct kmem_cache* filp_cachep;
std::atomic<long> nr_files_alive;
constexpr long max_files = 1L << 20; /* /proc/sys/fs/file-max, sized from memory by Linux */
} // namespace

void files_init()
{
	filp_cachep = kmem_cache_create("filp", sizeof(struct file), 0, SLAB_HWCACHE_ALIGN | SLAB_PANIC | SLAB_ACCOUNT,
	                                nullptr);
}

long nr_files()
{
	return nr_files_alive.load();
}

lib::Result<struct file*> alloc_empty_file(int flags, const struct cred* cred)
{
	if (nr_files_alive.load() >= max_files)
		return lib::Error{ENFILE};
	void* mem = kmem_cache_alloc(filp_cachep, GFP_KERNEL);
	if (!mem)
		return lib::Error{ENOMEM};
	lib::memset(mem, 0, sizeof(struct file));
	auto* f = new (mem) file();
	f->f_count.store(1);
	f->f_flags = flags;
	mutex_init(&f->f_pos_lock);
	f->f_cred = get_cred(cred);
	nr_files_alive.fetch_add(1);
	return f;
}

static void file_free(struct file* f)
{
	put_cred(f->f_cred);
	f->~file();
	kmem_cache_free(filp_cachep, f);
	nr_files_alive.fetch_sub(1);
}

void fput(struct file* file)
{
	long old = file->f_count.fetch_sub(1);
	WARN_ON(old < 1);
	if (old != 1)
		return;
	/* __fput */
	if (!file->f_ep.empty()) /* read racily, as Linux's: only epoll_ctl adds, under a reference */
		eventpoll_release_file(file);
	locks_remove_file(file); /* its flock and open-file-description locks */
	if (file->f_mode & FMODE_OPENED)
		fsnotify_close(file);
	if ((file->f_mode & FMODE_OPENED) && file->f_op && file->f_op->release)
		file->f_op->release(file_inode(file), file);
	struct path path = file->f_path;
	file_free(file);
	if (path.dentry)
		path_put(&path);
}

lib::Result<struct file*> alloc_file_pseudo(struct inode* inode, struct vfsmount* mnt, const char* name, int flags,
                                            const struct file_operations* fops)
{
	struct qstr q = {name, (unsigned int)lib::strlen(name), 0};
	struct dentry* d = d_alloc(mnt->mnt_sb->s_root, &q); /* unhashed: no lookup finds it */
	if (!d) {
		iput(inode); /* the reference is consumed either way */
		return lib::Error{ENOMEM};
	}
	d_instantiate(d, inode); /* the caller's inode reference is the dentry's now */
	struct path path = {mnt, d};
	lib::Result<struct file*> f = alloc_file(&path, flags, fops);
	dput(d); /* the file holds its own */
	return f;
}

lib::Result<struct file*> alloc_file(const struct path* path, int flags, const struct file_operations* fops)
{
	struct file* f = TRY(alloc_empty_file(flags, current_cred()));
	static const fmode_t accmode[4] = {FMODE_READ, FMODE_WRITE, FMODE_READ | FMODE_WRITE,
	                                   FMODE_READ | FMODE_WRITE};
	f->f_path = *path;
	path_get(path);
	f->f_inode = d_inode(path->dentry);
	f->f_op = fops;
	f->f_mode = accmode[flags & O_ACCMODE] | FMODE_OPENED;
	if ((f->f_mode & FMODE_READ) && fops->read_iter)
		f->f_mode |= FMODE_CAN_READ;
	if ((f->f_mode & FMODE_WRITE) && fops->write_iter)
		f->f_mode |= FMODE_CAN_WRITE;
	return f;
}
