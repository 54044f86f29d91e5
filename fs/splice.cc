/*
 * Moving data between files in the kernel: sendfile(2), splice(2), tee(2)
 * and copy_file_range(2) (Linux: fs/splice.c, fs/read_write.c
 * do_sendfile, vfs_copy_file_range).
 *
 * Linux moves page references through a pipe; here the data is copied
 * through a kernel bounce page, with the same visible rules: what is
 * taken from a source is only what the destination accepted (a file
 * source is read at a position that advances by what was written; a pipe
 * source gives up only what its consumer took, splice_from_pipe), so a
 * short or failed write loses nothing.  Pipe to pipe (splice and tee)
 * goes buffer by buffer under both pipes' locks (splice_pipe_to_pipe).
 *
 * Errors as Linux's: EBADF for a file not open for the direction,
 * EINVAL for a bad flag, an O_APPEND destination of sendfile or splice,
 * a pipe as sendfile's source, neither end a pipe for splice, or both the
 * same pipe; ESPIPE for an offset given for a pipe; copy_file_range wants
 * two regular files (EISDIR for a directory, EINVAL otherwise, EBADF for
 * an O_APPEND destination) and refuses overlapping ranges of one file.
 *
 * Lock order: the files' own (pipe mutexes, f_pos_lock) one at a time,
 * except two pipes' mutexes in address order.
 */
#include <fs/fdtable.h>
#include <fs/fs.h>
#include <fs/pipe_fs_i.h>
#include <fs/uio.h>
#include <kernel/syscalls.h>
#include <kernel/uaccess.h>
#include <lib/scope.h>
#include <mm/page_alloc.h>
#include <uapi/asm-generic/errno.h>
#include <uapi/linux/fcntl.h>
#include <uapi/linux/stat.h>

#define SPLICE_F_MOVE 0x01
#define SPLICE_F_NONBLOCK 0x02
#define SPLICE_F_MORE 0x04
#define SPLICE_F_GIFT 0x08
#define SPLICE_F_ALL (SPLICE_F_MOVE | SPLICE_F_NONBLOCK | SPLICE_F_MORE | SPLICE_F_GIFT)
#define MAX_RW_COUNT_SPLICE (0x7ffff000L)

namespace
{
/* a page to bounce through, freed on scope exit */
struct bounce_page {
	unsigned long addr = __get_free_page(GFP_KERNEL);
	~bounce_page()
	{
		if (addr)
			free_pages(addr, 0);
	}
	void* ptr() const { return reinterpret_cast<void*>(addr); }
};

/* copy up to len bytes from in at *in_pos to out at *out_pos, a page at
 * a time; stops at end of file, a short write, or an error after some
 * bytes (Linux: do_splice_direct for files) */
lib::Result<ssize_t> copy_through_page(struct file* in, loff_t* in_pos, struct file* out, loff_t* out_pos, size_t len,
                                       bool nonblock)
{
	bounce_page page;
	if (!page.addr)
		return lib::Error{ENOMEM};
	ssize_t total = 0;
	while (len) {
		size_t chunk = len < PAGE_SIZE ? len : PAGE_SIZE;
		loff_t rpos = *in_pos;
		lib::Result<ssize_t> r = kernel_read(in, page.ptr(), chunk, &rpos);
		if (r.is_err()) {
			if (!total)
				return r;
			break;
		}
		if (!r.value())
			break;
		struct kvec iov = {page.ptr(), size_t(r.value())};
		struct iov_iter iter;
		iov_iter_kvec(&iter, &iov, 1, iov.iov_len);
		lib::Result<ssize_t> w = vfs_write(out, &iter, out_pos, nonblock ? IOCB_NOWAIT : 0);
		if (w.is_err()) {
			if (!total)
				return w;
			break;
		}
		*in_pos += w.value(); /* only what went out is taken */
		total += w.value();
		len -= size_t(w.value());
		if (w.value() < r.value())
			break;
	}
	return total;
}

struct file_sink {
	struct file* out;
	loff_t* pos;
	bool nonblock;
};

lib::Result<size_t> write_to_file(void* ctx, const void* data, size_t len)
{
	auto* s = static_cast<struct file_sink*>(ctx);
	struct kvec iov = {const_cast<void*>(data), len};
	struct iov_iter iter;
	iov_iter_kvec(&iter, &iov, 1, len);
	ssize_t n = TRY(vfs_write(s->out, &iter, s->pos, s->nonblock ? IOCB_NOWAIT : 0));
	return size_t(n);
}

/* the position to use for f: *user_off if given (ESPIPE for a stream),
 * else the file's own */
lib::Result<loff_t> start_pos(struct file* f, user_ptr<loff_t> off, bool write)
{
	if (!off)
		return f->f_pos;
	if (!(f->f_mode & (write ? FMODE_PWRITE : FMODE_PREAD)))
		return lib::Error{ESPIPE};
	loff_t pos;
	if (copy_from_user(&pos, off, sizeof(pos)))
		return lib::Error{EFAULT};
	if (pos < 0)
		return lib::Error{EINVAL};
	return pos;
}

lib::Result<void> end_pos(struct file* f, user_ptr<loff_t> off, loff_t pos)
{
	if (!off) {
		if (!(f->f_mode & FMODE_STREAM))
			f->f_pos = pos;
		return lib::ok();
	}
	if (copy_to_user(off, &pos, sizeof(pos)))
		return lib::Error{EFAULT};
	return lib::ok();
}

lib::Result<ssize_t> do_splice(struct file* in, user_ptr<loff_t> off_in, struct file* out, user_ptr<loff_t> off_out,
                               size_t len, unsigned int flags)
{
	if (!(in->f_mode & FMODE_READ) || !(out->f_mode & FMODE_WRITE))
		return lib::Error{EBADF};
	struct pipe_inode_info* ipipe = get_pipe_info(in);
	struct pipe_inode_info* opipe = get_pipe_info(out);
	bool nonblock = flags & SPLICE_F_NONBLOCK;
	if (ipipe && opipe) {
		if (off_in || off_out)
			return lib::Error{ESPIPE};
		return splice_pipe_to_pipe(in, out, len, nonblock, false);
	}
	if (ipipe) {
		if (off_in)
			return lib::Error{ESPIPE};
		if (out->f_flags & O_APPEND)
			return lib::Error{EINVAL};
		loff_t pos = TRY(start_pos(out, off_out, true));
		struct file_sink sink = {out, &pos, nonblock};
		ssize_t n = TRY(splice_from_pipe(in, len, nonblock, write_to_file, &sink));
		TRY(end_pos(out, off_out, pos));
		return n;
	}
	if (opipe) {
		if (off_out)
			return lib::Error{ESPIPE};
		loff_t pos = TRY(start_pos(in, off_in, false));
		loff_t unused = 0;
		ssize_t n = TRY(copy_through_page(in, &pos, out, &unused, len, nonblock));
		TRY(end_pos(in, off_in, pos));
		return n;
	}
	return lib::Error{EINVAL};
}
} // namespace

SYSCALL_DEFINE6(splice, int, fd_in, user_ptr<loff_t>, off_in, int, fd_out, user_ptr<loff_t>, off_out, size_t, len,
                unsigned int, flags)
{
	if (flags & ~SPLICE_F_ALL)
		return lib::Error{EINVAL};
	if (!len)
		return 0;
	lib::ref<file> in = fdget(unsigned(fd_in));
	lib::ref<file> out = fdget(unsigned(fd_out));
	if (!in || !out)
		return lib::Error{EBADF};
	if (len > size_t(MAX_RW_COUNT_SPLICE))
		len = MAX_RW_COUNT_SPLICE;
	return TRY(do_splice(in.get(), off_in, out.get(), off_out, len, flags));
}

SYSCALL_DEFINE4(tee, int, fdin, int, fdout, size_t, len, unsigned int, flags)
{
	if (flags & ~SPLICE_F_ALL)
		return lib::Error{EINVAL};
	if (!len)
		return 0;
	lib::ref<file> in = fdget(unsigned(fdin));
	lib::ref<file> out = fdget(unsigned(fdout));
	if (!in || !out)
		return lib::Error{EBADF};
	if (!(in->f_mode & FMODE_READ) || !(out->f_mode & FMODE_WRITE))
		return lib::Error{EBADF};
	if (!get_pipe_info(in.get()) || !get_pipe_info(out.get()))
		return lib::Error{EINVAL};
	return TRY(splice_pipe_to_pipe(in.get(), out.get(), len, flags & SPLICE_F_NONBLOCK, true));
}

SYSCALL_DEFINE4(sendfile64, int, out_fd, int, in_fd, user_ptr<loff_t>, offset, size_t, count)
{
	lib::ref<file> in = fdget(unsigned(in_fd));
	if (!in || !(in->f_mode & FMODE_READ))
		return lib::Error{EBADF};
	lib::ref<file> out = fdget(unsigned(out_fd));
	if (!out || !(out->f_mode & FMODE_WRITE))
		return lib::Error{EBADF};
	if (get_pipe_info(in.get()) || S_ISDIR(file_inode(in.get())->i_mode))
		return lib::Error{EINVAL}; /* no splice_read: pipes, directories */
	if (out->f_flags & O_APPEND)
		return lib::Error{EINVAL};
	loff_t pos = TRY(start_pos(in.get(), offset, false));
	if (count > size_t(MAX_RW_COUNT_SPLICE))
		count = MAX_RW_COUNT_SPLICE;
	if (!count)
		return 0;
	loff_t opos = out->f_pos;
	ssize_t n = TRY(copy_through_page(in.get(), &pos, out.get(), &opos, count, false));
	if (!(out->f_mode & FMODE_STREAM))
		out->f_pos = opos;
	TRY(end_pos(in.get(), offset, pos));
	return n;
}

SYSCALL_DEFINE6(copy_file_range, int, fd_in, user_ptr<loff_t>, off_in, int, fd_out, user_ptr<loff_t>, off_out,
                size_t, len, unsigned int, flags)
{
	if (flags)
		return lib::Error{EINVAL};
	lib::ref<file> in = fdget(unsigned(fd_in));
	lib::ref<file> out = fdget(unsigned(fd_out));
	if (!in || !out)
		return lib::Error{EBADF};
	if (!(in->f_mode & FMODE_READ) || !(out->f_mode & FMODE_WRITE) || (out->f_flags & O_APPEND))
		return lib::Error{EBADF};
	struct inode* iin = file_inode(in.get());
	struct inode* iout = file_inode(out.get());
	if (S_ISDIR(iin->i_mode) || S_ISDIR(iout->i_mode))
		return lib::Error{EISDIR};
	if (!S_ISREG(iin->i_mode) || !S_ISREG(iout->i_mode))
		return lib::Error{EINVAL};
	loff_t pin = TRY(start_pos(in.get(), off_in, false));
	loff_t pout = TRY(start_pos(out.get(), off_out, true));
	if (len > size_t(MAX_RW_COUNT_SPLICE))
		len = MAX_RW_COUNT_SPLICE;
	if (iin == iout && pin + loff_t(len) > pout && pout + loff_t(len) > pin)
		return lib::Error{EINVAL}; /* overlapping ranges of one file */
	if (!len)
		return 0;
	ssize_t n = TRY(copy_through_page(in.get(), &pin, out.get(), &pout, len, false));
	TRY(end_pos(in.get(), off_in, pin));
	TRY(end_pos(out.get(), off_out, pout));
	return n;
}
