/*
 * Reading, writing and seeking (Linux: fs/read_write.c vfs_read,
 * vfs_write, kernel_read, kernel_write, ksys_read, ksys_write,
 * ksys_pread64, ksys_pwrite64, vfs_readv/writev, ksys_lseek, and their
 * system calls).
 *
 * Every read and write goes through the file's read_iter/write_iter with
 * an iov_iter (<fs/uio.h>): one user buffer for read(2), the copied-in
 * iovec array for readv(2), a kernel buffer for kernel_read.  A count is
 * clamped to MAX_RW_COUNT, as Linux.  Files with FMODE_ATOMIC_POS (regular
 * files, directories) hold f_pos_lock while they use and advance f_pos, so
 * threads sharing a file do not read the same bytes twice.
 */
#include <fs/fdtable.h>
#include <fs/fsnotify.h>
#include <fs/fs.h>
#include <kernel/printk.h>
#include <kernel/syscalls.h>
#include <lib/scope.h>
#include <mm/slab.h>
#include <uapi/asm-generic/errno-base.h>
#include <uapi/asm-generic/errno.h>
#include <uapi/linux/fcntl.h>

namespace
{
int iocb_flags(struct file* file)
{
	return (file->f_flags & O_APPEND) ? IOCB_APPEND : 0;
}

/* f_pos under f_pos_lock for the files that want it (Linux: fdget_pos) */
struct pos_lock {
	struct file* f;
	bool locked;
	explicit pos_lock(struct file* file) : f(file), locked(file->f_mode & FMODE_ATOMIC_POS)
	{
		if (locked)
			mutex_lock(&f->f_pos_lock);
	}
	~pos_lock() NO_THREAD_SAFETY_ANALYSIS
	{
		if (locked)
			mutex_unlock(&f->f_pos_lock);
	}
};
} // namespace

lib::Result<ssize_t> vfs_read(struct file* file, struct iov_iter* to, loff_t* pos, int iocb_extra)
{
	if (!(file->f_mode & FMODE_READ))
		return lib::Error{EBADF};
	if (!(file->f_mode & FMODE_CAN_READ)) {
		if (S_ISDIR(file_inode(file)->i_mode))
			return lib::Error{EISDIR};
		return lib::Error{EINVAL};
	}
	if (*pos < 0)
		return lib::Error{EINVAL};
	iov_iter_truncate(to, MAX_RW_COUNT);
	struct kiocb kiocb = {file, *pos, iocb_flags(file) | iocb_extra};
	ssize_t n = TRY(file->f_op->read_iter(&kiocb, to));
	*pos = kiocb.ki_pos;
	if (n > 0)
		fsnotify_access(file);
	return n;
}

lib::Result<ssize_t> vfs_write(struct file* file, struct iov_iter* from, loff_t* pos, int iocb_extra)
{
	if (!(file->f_mode & FMODE_WRITE))
		return lib::Error{EBADF};
	if (!(file->f_mode & FMODE_CAN_WRITE))
		return lib::Error{EINVAL};
	if (*pos < 0)
		return lib::Error{EINVAL};
	iov_iter_truncate(from, MAX_RW_COUNT);
	if (!iov_iter_count(from))
		return 0;
	struct kiocb kiocb = {file, *pos, iocb_flags(file) | iocb_extra};
	ssize_t n = TRY(file->f_op->write_iter(&kiocb, from));
	*pos = kiocb.ki_pos;
	if (n > 0)
		fsnotify_modify(file);
	return n;
}

lib::Result<ssize_t> kernel_read(struct file* file, void* buf, size_t count, loff_t* pos)
{
	struct kvec iov = {buf, count};
	struct iov_iter iter;
	iov_iter_kvec(&iter, &iov, 1, count);
	return vfs_read(file, &iter, pos);
}

lib::Result<ssize_t> kernel_write(struct file* file, const void* buf, size_t count, loff_t* pos)
{
	struct kvec iov = {const_cast<void*>(buf), count};
	struct iov_iter iter;
	iov_iter_kvec(&iter, &iov, 1, count);
	return vfs_write(file, &iter, pos);
}

lib::Result<loff_t> vfs_llseek(struct file* file, loff_t offset, int whence)
{
	if (!(file->f_mode & FMODE_LSEEK) || !file->f_op->llseek)
		return lib::Error{ESPIPE};
	return file->f_op->llseek(file, offset, whence);
}

lib::Result<ssize_t> ksys_read(unsigned int fd, struct iov_iter* to)
{
	lib::ref<file> f = fdget(fd);
	if (!f)
		return lib::Error{EBADF};
	pos_lock g(f.get());
	loff_t pos = f->f_pos;
	ssize_t n = TRY(vfs_read(f.get(), to, &pos));
	f->f_pos = pos;
	return n;
}

lib::Result<ssize_t> ksys_write(unsigned int fd, struct iov_iter* from)
{
	lib::ref<file> f = fdget(fd);
	if (!f)
		return lib::Error{EBADF};
	pos_lock g(f.get());
	loff_t pos = f->f_pos;
	ssize_t n = TRY(vfs_write(f.get(), from, &pos));
	f->f_pos = pos;
	return n;
}

lib::Result<ssize_t> ksys_pread64(unsigned int fd, struct iov_iter* to, loff_t pos)
{
	if (pos < 0)
		return lib::Error{EINVAL};
	lib::ref<file> f = fdget(fd);
	if (!f)
		return lib::Error{EBADF};
	if (!(f->f_mode & FMODE_PREAD))
		return lib::Error{ESPIPE};
	return vfs_read(f.get(), to, &pos);
}

lib::Result<ssize_t> ksys_pwrite64(unsigned int fd, struct iov_iter* from, loff_t pos)
{
	if (pos < 0)
		return lib::Error{EINVAL};
	lib::ref<file> f = fdget(fd);
	if (!f)
		return lib::Error{EBADF};
	if (!(f->f_mode & FMODE_PWRITE))
		return lib::Error{ESPIPE};
	return vfs_write(f.get(), from, &pos);
}

lib::Result<loff_t> ksys_lseek(unsigned int fd, loff_t offset, unsigned int whence)
{
	if (whence > SEEK_MAX)
		return lib::Error{EINVAL};
	lib::ref<file> f = fdget(fd);
	if (!f)
		return lib::Error{EBADF};
	pos_lock g(f.get());
	return vfs_llseek(f.get(), offset, int(whence));
}

/* ---- the system calls ---- */
namespace
{
/* readv/writev's iovec array into the kernel, checked (Linux: import_iovec) */
lib::Result<struct iovec*> import_iovec(user_ptr<const struct iovec> uvec, unsigned long nr_segs, size_t* total)
{
	if (nr_segs > UIO_MAXIOV)
		return lib::Error{EINVAL};
	auto* iov = static_cast<struct iovec*>(kmalloc((nr_segs ? nr_segs : 1) * sizeof(struct iovec), GFP_KERNEL));
	if (!iov)
		return lib::Error{ENOMEM};
	if (copy_from_user(iov, uvec, nr_segs * sizeof(struct iovec))) {
		kfree(iov);
		return lib::Error{EFAULT};
	}
	size_t sum = 0;
	for (unsigned long i = 0; i < nr_segs; i++) {
		if (ssize_t(iov[i].iov_len) < 0) {
			kfree(iov);
			return lib::Error{EINVAL};
		}
		size_t len = iov[i].iov_len;
		if (len > size_t(MAX_RW_COUNT) - sum) /* clamp the total, as Linux */
			iov[i].iov_len = len = size_t(MAX_RW_COUNT) - sum;
		sum += len;
	}
	*total = sum;
	return iov;
}
} // namespace

SYSCALL_DEFINE3(read, unsigned int, fd, user_ptr<char>, buf, size_t, count)
{
	if (!access_ok(buf, count))
		return lib::Error{EFAULT};
	struct iov_iter iter;
	iov_iter_ubuf(&iter, buf, count);
	return TRY(ksys_read(fd, &iter));
}

SYSCALL_DEFINE3(write, unsigned int, fd, user_ptr<const char>, buf, size_t, count)
{
	if (!access_ok(buf, count))
		return lib::Error{EFAULT};
	struct iov_iter iter;
	iov_iter_ubuf(&iter, user_ptr<void>(buf.addr()), count);
	return TRY(ksys_write(fd, &iter));
}

SYSCALL_DEFINE4(pread64, unsigned int, fd, user_ptr<char>, buf, size_t, count, loff_t, pos)
{
	if (!access_ok(buf, count))
		return lib::Error{EFAULT};
	struct iov_iter iter;
	iov_iter_ubuf(&iter, buf, count);
	return TRY(ksys_pread64(fd, &iter, pos));
}

SYSCALL_DEFINE4(pwrite64, unsigned int, fd, user_ptr<const char>, buf, size_t, count, loff_t, pos)
{
	if (!access_ok(buf, count))
		return lib::Error{EFAULT};
	struct iov_iter iter;
	iov_iter_ubuf(&iter, user_ptr<void>(buf.addr()), count);
	return TRY(ksys_pwrite64(fd, &iter, pos));
}

SYSCALL_DEFINE3(readv, unsigned long, fd, user_ptr<const struct iovec>, vec, unsigned long, vlen)
{
	size_t total;
	struct iovec* iov = TRY(import_iovec(vec, vlen, &total));
	lib::scope_exit free_iov([iov] { kfree(iov); });
	struct iov_iter iter;
	iov_iter_init(&iter, iov, vlen, total);
	return TRY(ksys_read(unsigned(fd), &iter));
}

SYSCALL_DEFINE3(writev, unsigned long, fd, user_ptr<const struct iovec>, vec, unsigned long, vlen)
{
	size_t total;
	struct iovec* iov = TRY(import_iovec(vec, vlen, &total));
	lib::scope_exit free_iov([iov] { kfree(iov); });
	struct iov_iter iter;
	iov_iter_init(&iter, iov, vlen, total);
	return TRY(ksys_write(unsigned(fd), &iter));
}

/* ---- preadv, pwritev and their "2" forms (Linux: vfs_readv with rwf flags) ---- */
namespace
{
constexpr int RWF_HIPRI = 0x1, RWF_DSYNC = 0x2, RWF_SYNC = 0x4, RWF_NOWAIT = 0x8, RWF_APPEND = 0x10;
constexpr int RWF_SUPPORTED = RWF_HIPRI | RWF_DSYNC | RWF_SYNC | RWF_NOWAIT | RWF_APPEND;

/* the vector call at pos (-1: the file position) with rwf flags:
 * EOPNOTSUPP for unknown flags or RWF_NOWAIT on a file that cannot honour
 * it (Linux: kiocb_set_rw_flags) */
lib::Result<ssize_t> do_vec_rw(unsigned long fd, user_ptr<const struct iovec> vec, unsigned long vlen, loff_t pos,
                               int flags, bool write)
{
	if (flags & ~RWF_SUPPORTED)
		return lib::Error{EOPNOTSUPP};
	size_t total;
	struct iovec* iov = TRY(import_iovec(vec, vlen, &total));
	lib::scope_exit free_iov([iov] { kfree(iov); });
	struct iov_iter iter;
	iov_iter_init(&iter, iov, vlen, total);
	lib::ref<file> f = fdget(unsigned(fd));
	if (!f)
		return lib::Error{EBADF};
	if ((flags & RWF_NOWAIT) && !(f->f_mode & FMODE_NOWAIT))
		return lib::Error{EOPNOTSUPP};
	/* RWF_APPEND: this call appends whatever the offset; -1 still moves
	 * the file position (pwritev2(2)) */
	bool append = write && (flags & RWF_APPEND);
	int extra = (flags & RWF_NOWAIT) ? IOCB_NOWAIT : 0;
	if (pos == -1) {
		pos_lock g(f.get());
		loff_t p = append ? loff_t(file_inode(f.get())->i_size) : f->f_pos;
		ssize_t n = TRY(write ? vfs_write(f.get(), &iter, &p, extra) : vfs_read(f.get(), &iter, &p, extra));
		f->f_pos = p;
		return n;
	}
	if (pos < 0)
		return lib::Error{EINVAL};
	if (!(f->f_mode & (write ? FMODE_PWRITE : FMODE_PREAD)))
		return lib::Error{ESPIPE};
	if (append)
		pos = loff_t(file_inode(f.get())->i_size);
	return write ? vfs_write(f.get(), &iter, &pos, extra) : vfs_read(f.get(), &iter, &pos, extra);
}

/* x86_64 passes the whole offset in pos_l (Linux: pos_from_hilo) */
loff_t pos_from_hilo(unsigned long high, unsigned long low)
{
	return loff_t((((unsigned long long)high << 32) << 32) | low);
}
} // namespace

SYSCALL_DEFINE5(preadv, unsigned long, fd, user_ptr<const struct iovec>, vec, unsigned long, vlen, unsigned long, pos_l,
                unsigned long, pos_h)
{
	loff_t pos = pos_from_hilo(pos_h, pos_l);
	if (pos < 0)
		return lib::Error{EINVAL};
	return TRY(do_vec_rw(fd, vec, vlen, pos, 0, false));
}

SYSCALL_DEFINE5(pwritev, unsigned long, fd, user_ptr<const struct iovec>, vec, unsigned long, vlen, unsigned long,
                pos_l, unsigned long, pos_h)
{
	loff_t pos = pos_from_hilo(pos_h, pos_l);
	if (pos < 0)
		return lib::Error{EINVAL};
	return TRY(do_vec_rw(fd, vec, vlen, pos, 0, true));
}

SYSCALL_DEFINE6(preadv2, unsigned long, fd, user_ptr<const struct iovec>, vec, unsigned long, vlen, unsigned long,
                pos_l, unsigned long, pos_h, int, flags)
{
	return TRY(do_vec_rw(fd, vec, vlen, pos_from_hilo(pos_h, pos_l), flags, false));
}

SYSCALL_DEFINE6(pwritev2, unsigned long, fd, user_ptr<const struct iovec>, vec, unsigned long, vlen, unsigned long,
                pos_l, unsigned long, pos_h, int, flags)
{
	return TRY(do_vec_rw(fd, vec, vlen, pos_from_hilo(pos_h, pos_l), flags, true));
}

SYSCALL_DEFINE3(lseek, unsigned int, fd, loff_t, offset, unsigned int, whence)
{
	return TRY(ksys_lseek(fd, offset, whence));
}
