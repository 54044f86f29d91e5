/*
 * Reading directories (Linux: fs/readdir.c iterate_dir, getdents64,
 * filldir64).  The directory's ->iterate_shared runs under its i_rwsem
 * (shared) with f_pos as the position; each entry becomes a
 * linux_dirent64 record (d_ino, d_off = the next position, d_reclen
 * rounded up to 8, d_type, the NUL-terminated name).  A buffer too small
 * for the first record is EINVAL, as Linux.
 */
#include <fs/dcache.h>
#include <fs/fdtable.h>
#include <fs/fsnotify.h>
#include <fs/fs.h>
#include <kernel/syscalls.h>
#include <lib/scope.h>
#include <lib/string.h>
#include <mm/slab.h>
#include <uapi/asm-generic/errno-base.h>
#include <uapi/asm-generic/errno.h>
#include <uapi/linux/dirent.h>

namespace
{
struct getdents_callback64 {
	struct dir_context ctx;
	char* buf; /* kernel buffer */
	unsigned int used;
	unsigned int count;
	int error;
	struct linux_dirent64* prev;
};

bool filldir64(struct dir_context* ctx, const char* name, int namlen, loff_t, uint64_t ino, unsigned int d_type)
{
	auto* cb = container_of(ctx, struct getdents_callback64, ctx);
	unsigned reclen = (offsetof(struct linux_dirent64, d_name) + namlen + 1 + 7) & ~7u;
	if (reclen > cb->count - cb->used) {
		if (!cb->prev)
			cb->error = EINVAL; /* not even one entry fits */
		return false;
	}
	if (cb->prev)
		cb->prev->d_off = ctx->pos;
	auto* d = reinterpret_cast<struct linux_dirent64*>(cb->buf + cb->used);
	lib::memset(d, 0, reclen);
	d->d_ino = ino;
	d->d_off = ctx->pos + 1;
	d->d_reclen = reclen;
	d->d_type = d_type;
	lib::memcpy(d->d_name, name, namlen);
	d->d_name[namlen] = '\0';
	cb->prev = d;
	cb->used += reclen;
	return true;
}
} // namespace

lib::Result<void> iterate_dir(struct file* file, struct dir_context* ctx)
{
	struct inode* inode = file_inode(file);
	if (!file->f_op->iterate_shared)
		return lib::Error{ENOTDIR};
	inode_lock_shared(inode);
	lib::Result<void> r = lib::ok();
	if (IS_DEADDIR(inode))
		r = lib::Error{ENOENT};
	else {
		ctx->pos = file->f_pos;
		r = file->f_op->iterate_shared(file, ctx);
		file->f_pos = ctx->pos;
	}
	inode_unlock_shared(inode);
	if (r.is_ok())
		fsnotify_access(file);
	return r;
}

lib::Result<long> do_getdents64(unsigned int fd, void* dirent, unsigned int count)
{
	lib::ref<file> f = fdget(fd);
	if (!f)
		return lib::Error{EBADF};
	struct getdents_callback64 cb = {};
	cb.ctx.actor = filldir64;
	cb.buf = static_cast<char*>(dirent);
	cb.count = count;
	mutex_guard g(f->f_pos_lock);
	TRY(iterate_dir(f.get(), &cb.ctx));
	if (cb.error)
		return lib::Error{cb.error};
	return long(cb.used);
}

SYSCALL_DEFINE3(getdents64, unsigned int, fd, user_ptr<struct linux_dirent64>, dirent, unsigned int, count)
{
	if (!access_ok(dirent, count))
		return lib::Error{EFAULT};
	unsigned kcount = count < 65536 ? count : 65536; /* one bounce buffer */
	void* kbuf = kmalloc(kcount ? kcount : 1, GFP_KERNEL);
	if (!kbuf)
		return lib::Error{ENOMEM};
	lib::scope_exit free_buf([kbuf] { kfree(kbuf); });
	long n = TRY(do_getdents64(fd, kbuf, kcount));
	if (copy_to_user(dirent, kbuf, n))
		return lib::Error{EFAULT};
	return n;
}
