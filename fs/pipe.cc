/*
 * Pipes and FIFOs (Linux: fs/pipe.c, fs/fifo.c's fifo_open in pipe.c).
 *
 * pipe2(2) makes an inode on the internal pipefs mount with a
 * pipe_inode_info (<fs/pipe_fs_i.h>) and two files on one unhashed dentry,
 * "pipe:[ino]": one for reading, one for writing.  A FIFO (mknod S_IFIFO
 * on any file system) gets its pipe_inode_info when it is first opened
 * (fifo_open), and loses it with its last file.
 *
 * Reading takes from the oldest buffer; an empty pipe with writers makes
 * the reader sleep (or EAGAIN with O_NONBLOCK), one without writers reads
 * as end of file.  Writing with no reader is EPIPE and SIGPIPE; a full
 * pipe makes the writer sleep (or write what fits, then EAGAIN).  Every
 * sleep is TASK_INTERRUPTIBLE and ends in ERESTARTSYS on a signal (after
 * a partial transfer, the count so far).  Readers and writers wake each
 * other through rd_wait/wr_wait with the poll keys EPOLLIN/EPOLLOUT, so
 * poll(2) and select(2) waiters wake too (pipe_poll).
 *
 * The buffer: PIPE_DEF_BUFFERS (16) pages, 64 KiB; F_SETPIPE_SZ resizes
 * it to a power-of-two number of pages, up to pipe_max_size (1 MiB)
 * without CAP_SYS_RESOURCE; EBUSY if the data would not fit.
 *
 * Lock order: pipe->mutex -> wait-queue locks; fifo_lock (a spinlock,
 * i_pipe installation and the files count) is taken alone.
 */
#include <fs/dcache.h>
#include <fs/fdtable.h>
#include <fs/fs.h>
#include <fs/mount.h>
#include <fs/pipe_fs_i.h>
#include <fs/poll.h>
#include <fs/uio.h>
#include <kernel/capability.h>
#include <kernel/cred.h>
#include <kernel/compiler.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/restart.h>
#include <kernel/sched.h>
#include <kernel/sched/signal.h>
#include <kernel/signal.h>
#include <kernel/syscalls.h>
#include <lib/format.h>
#include <lib/scope.h>
#include <lib/string.h>
#include <mm/page.h>
#include <mm/page_alloc.h>
#include <mm/slab.h>
#include <new>
#include <uapi/asm-generic/errno.h>
#include <uapi/linux/fcntl.h>
#include <uapi/linux/magic.h>
#include <uapi/linux/stat.h>

unsigned int pipe_max_size = 1048576;

namespace
{
struct vfsmount* pipe_mnt;
lib::spinlock fifo_lock; /* inode->i_pipe and pipe->files of FIFOs */

constexpr unsigned int PAGE_SZ = PAGE_SIZE;

lib::Result<struct pipe_inode_info*> alloc_pipe_info()
{
	void* mem = kzalloc(sizeof(struct pipe_inode_info), GFP_KERNEL);
	if (!mem)
		return lib::Error{ENOMEM};
	auto* pipe = new (mem) pipe_inode_info();
	pipe->bufs = static_cast<struct pipe_buffer*>(kzalloc(sizeof(struct pipe_buffer) * PIPE_DEF_BUFFERS, GFP_KERNEL));
	if (!pipe->bufs) {
		kfree(pipe);
		return lib::Error{ENOMEM};
	}
	mutex_init(&pipe->mutex);
	init_waitqueue_head(&pipe->rd_wait);
	init_waitqueue_head(&pipe->wr_wait);
	pipe->r_counter = pipe->w_counter = 1;
	pipe->max_usage = pipe->ring_size = PIPE_DEF_BUFFERS;
	return pipe;
}

void free_pipe_info(struct pipe_inode_info* pipe)
{
	for (unsigned int i = 0; i < pipe->ring_size; i++)
		if (pipe->bufs[i].page)
			__free_page(pipe->bufs[i].page);
	if (pipe->tmp_page)
		__free_page(pipe->tmp_page);
	kfree(pipe->bufs);
	pipe->~pipe_inode_info();
	kfree(pipe);
}

void release_buffer(struct pipe_inode_info* pipe, struct pipe_buffer* buf)
{
	if (!pipe->tmp_page)
		pipe->tmp_page = buf->page; /* keep one page for the next write */
	else
		__free_page(buf->page);
	buf->page = nullptr;
}

bool pipe_readable(const struct pipe_inode_info* pipe)
{
	unsigned int head = READ_ONCE(pipe->head), tail = READ_ONCE(pipe->tail);
	return !pipe_empty(head, tail) || !READ_ONCE(pipe->writers);
}

bool pipe_writable(const struct pipe_inode_info* pipe)
{
	unsigned int head = READ_ONCE(pipe->head), tail = READ_ONCE(pipe->tail);
	return !pipe_full(head, tail, READ_ONCE(pipe->max_usage)) || !READ_ONCE(pipe->readers);
}

struct pipe_lock_guard {
	struct pipe_inode_info* p;
	explicit pipe_lock_guard(struct pipe_inode_info* pipe) NO_THREAD_SAFETY_ANALYSIS : p(pipe)
	{
		mutex_lock(&p->mutex);
	}
	void unlock() NO_THREAD_SAFETY_ANALYSIS
	{
		mutex_unlock(&p->mutex);
	}
	void lock() NO_THREAD_SAFETY_ANALYSIS
	{
		mutex_lock(&p->mutex);
	}
	~pipe_lock_guard() NO_THREAD_SAFETY_ANALYSIS
	{
		mutex_unlock(&p->mutex);
	}
};

lib::Result<ssize_t> pipe_read(struct kiocb* iocb, struct iov_iter* to)
{
	size_t total_len = iov_iter_count(to);
	struct file* filp = iocb->ki_filp;
	auto* pipe = static_cast<struct pipe_inode_info*>(filp->private_data);
	if (!total_len)
		return 0;
	ssize_t ret = 0;
	pipe_lock_guard g(pipe);
	bool was_full = pipe_full(pipe->head, pipe->tail, pipe->max_usage);
	for (;;) {
		unsigned int head = pipe->head, tail = pipe->tail, mask = pipe->ring_size - 1;
		if (!pipe_empty(head, tail)) {
			struct pipe_buffer* buf = &pipe->bufs[tail & mask];
			size_t chars = buf->len < total_len ? buf->len : total_len;
			size_t written = copy_to_iter(static_cast<char*>(page_address(buf->page)) + buf->offset, chars, to);
			if (written < chars) {
				if (!ret)
					ret = -EFAULT;
				break;
			}
			ret += chars;
			buf->offset += chars;
			buf->len -= chars;
			if (buf->flags & PIPE_BUF_FLAG_PACKET) {
				total_len = chars; /* a packet is read whole or its rest dropped */
				buf->len = 0;
			}
			if (!buf->len) {
				release_buffer(pipe, buf);
				pipe->tail = ++tail;
			}
			total_len -= chars;
			if (!total_len)
				break;
			if (!pipe_empty(head, tail))
				continue;
		}
		if (!pipe->writers)
			break; /* end of file */
		if (ret)
			break;
		if ((filp->f_flags & O_NONBLOCK) || (iocb->ki_flags & IOCB_NOWAIT)) {
			ret = -EAGAIN;
			break;
		}
		g.unlock();
		if (was_full)
			wake_up_interruptible_poll(&pipe->wr_wait, EPOLLOUT | EPOLLWRNORM);
		lib::Result<void> w = wait_event_interruptible(pipe->rd_wait, pipe_readable(pipe));
		if (w.is_err() || signal_pending(current)) {
			g.lock();
			return lib::Error{ERESTARTSYS};
		}
		g.lock();
		was_full = pipe_full(pipe->head, pipe->tail, pipe->max_usage);
	}
	g.unlock();
	if (was_full)
		wake_up_interruptible_poll(&pipe->wr_wait, EPOLLOUT | EPOLLWRNORM);
	g.lock();
	if (ret < 0)
		return lib::Error{int(-ret)};
	return ret;
}

lib::Result<ssize_t> pipe_write(struct kiocb* iocb, struct iov_iter* from)
{
	struct file* filp = iocb->ki_filp;
	auto* pipe = static_cast<struct pipe_inode_info*>(filp->private_data);
	size_t total_len = iov_iter_count(from);
	if (!total_len)
		return 0;
	ssize_t ret = 0;
	bool was_empty = false;
	{
		pipe_lock_guard g(pipe);
		if (!pipe->readers) {
			(void)send_sig(SIGPIPE, current, 0);
			return lib::Error{EPIPE};
		}
		unsigned int head = pipe->head;
		was_empty = pipe_empty(head, pipe->tail);
		size_t chars = total_len & (PAGE_SZ - 1);
		bool packet = filp->f_flags & O_DIRECT;
		if (chars && !was_empty) {
			/* a short write joins the last page if it fits there whole */
			struct pipe_buffer* buf = &pipe->bufs[(head - 1) & (pipe->ring_size - 1)];
			if ((buf->flags & PIPE_BUF_FLAG_CAN_MERGE) && buf->offset + buf->len + chars <= PAGE_SZ) {
				size_t copied = copy_from_iter(static_cast<char*>(page_address(buf->page)) + buf->offset +
				                                   buf->len,
				                               chars, from);
				if (copied < chars)
					return lib::Error{EFAULT};
				buf->len += chars;
				ret = chars;
				if (!iov_iter_count(from))
					goto out;
			}
		}
		for (;;) {
			if (!pipe->readers) {
				(void)send_sig(SIGPIPE, current, 0);
				if (!ret)
					ret = -EPIPE;
				break;
			}
			head = pipe->head;
			if (!pipe_full(head, pipe->tail, pipe->max_usage)) {
				struct page* page = pipe->tmp_page;
				if (!page) {
					page = alloc_page(GFP_KERNEL);
					if (!page) {
						if (!ret)
							ret = -ENOMEM;
						break;
					}
				}
				pipe->tmp_page = nullptr;
				struct pipe_buffer* buf = &pipe->bufs[head & (pipe->ring_size - 1)];
				buf->page = page;
				buf->offset = 0;
				buf->len = 0;
				buf->flags = packet ? PIPE_BUF_FLAG_PACKET : PIPE_BUF_FLAG_CAN_MERGE;
				pipe->head = head + 1;
				size_t want = iov_iter_count(from) < PAGE_SZ ? iov_iter_count(from) : PAGE_SZ;
				size_t copied = copy_from_iter(page_address(page), want, from);
				buf->len = unsigned(copied);
				ret += copied;
				if (copied < want) {
					if (!copied) { /* nothing went in: give the slot back */
						pipe->head = head;
						release_buffer(pipe, buf);
					}
					if (!ret)
						ret = -EFAULT;
					break;
				}
				if (!iov_iter_count(from))
					break;
			}
			if (!pipe_full(pipe->head, pipe->tail, pipe->max_usage))
				continue;
			if ((filp->f_flags & O_NONBLOCK) || (iocb->ki_flags & IOCB_NOWAIT)) {
				if (!ret)
					ret = -EAGAIN;
				break;
			}
			if (signal_pending(current)) {
				if (!ret)
					ret = -ERESTARTSYS;
				break;
			}
			g.unlock();
			if (was_empty)
				wake_up_interruptible_poll(&pipe->rd_wait, EPOLLIN | EPOLLRDNORM);
			(void)wait_event_interruptible(pipe->wr_wait, pipe_writable(pipe));
			g.lock();
			was_empty = pipe_empty(pipe->head, pipe->tail);
		}
	out:;
	}
	/* wake readers: for the data, and for any reader that saw it empty */
	wake_up_interruptible_poll(&pipe->rd_wait, EPOLLIN | EPOLLRDNORM);
	if (ret < 0)
		return lib::Error{int(-ret)};
	return ret;
}

__poll_t pipe_poll(struct file* filp, poll_table* wait)
{
	auto* pipe = static_cast<struct pipe_inode_info*>(filp->private_data);
	if (filp->f_mode & FMODE_READ)
		poll_wait(filp, &pipe->rd_wait, wait);
	if (filp->f_mode & FMODE_WRITE)
		poll_wait(filp, &pipe->wr_wait, wait);
	unsigned int head = READ_ONCE(pipe->head), tail = READ_ONCE(pipe->tail);
	__poll_t mask = 0;
	if (filp->f_mode & FMODE_READ) {
		if (!pipe_empty(head, tail))
			mask |= EPOLLIN | EPOLLRDNORM;
		if (!READ_ONCE(pipe->writers) && filp->f_version != READ_ONCE(pipe->w_counter))
			mask |= EPOLLHUP;
	}
	if (filp->f_mode & FMODE_WRITE) {
		if (!pipe_full(head, tail, READ_ONCE(pipe->max_usage)))
			mask |= EPOLLOUT | EPOLLWRNORM;
		if (!READ_ONCE(pipe->readers))
			mask |= EPOLLERR;
	}
	return mask;
}

/* drop filp's share of its pipe; the last file frees it */
void put_pipe_info(struct inode* inode, struct pipe_inode_info* pipe)
{
	bool kill = false;
	{
		lib::spin_lock_guard g(fifo_lock);
		if (!--pipe->files) {
			inode->i_pipe = nullptr;
			kill = true;
		}
	}
	if (kill)
		free_pipe_info(pipe);
}

void pipe_release(struct inode* inode, struct file* file)
{
	auto* pipe = static_cast<struct pipe_inode_info*>(file->private_data);
	{
		pipe_lock_guard g(pipe);
		if (file->f_mode & FMODE_READ)
			pipe->readers--;
		if (file->f_mode & FMODE_WRITE)
			pipe->writers--;
		/* one side gone: the other learns of it (EOF, EPIPE, poll) */
		if (!pipe->readers != !pipe->writers) {
			wake_up_interruptible_all(&pipe->rd_wait);
			wake_up_interruptible_all(&pipe->wr_wait);
		}
	}
	put_pipe_info(inode, pipe);
}

lib::Result<long> pipe_ioctl(struct file* filp, unsigned int cmd, unsigned long arg)
{
	auto* pipe = static_cast<struct pipe_inode_info*>(filp->private_data);
	if (cmd != 0x541B) /* FIONREAD */
		return lib::Error{ENOIOCTLCMD};
	int count = 0;
	{
		pipe_lock_guard g(pipe);
		for (unsigned int t = pipe->tail; t != pipe->head; t++)
			count += pipe->bufs[t & (pipe->ring_size - 1)].len;
	}
	TRY(put_user(count, user_ptr<int>(arg)));
	return 0;
}

/* wait until *cnt moves: a partner opened the other end (Linux:
 * wait_for_partner); ERESTARTSYS on a signal */
lib::Result<void> wait_for_partner(struct pipe_inode_info* pipe, unsigned int* cnt, pipe_lock_guard& g)
{
	unsigned int cur = *cnt;
	while (cur == READ_ONCE(*cnt)) {
		g.unlock();
		lib::Result<void> w = wait_event_interruptible(pipe->rd_wait, cur != READ_ONCE(*cnt));
		g.lock();
		if (w.is_err() || signal_pending(current))
			break;
	}
	if (cur == *cnt)
		return lib::Error{ERESTARTSYS};
	return lib::ok();
}

void wake_up_partner(struct pipe_inode_info* pipe)
{
	wake_up_interruptible_all(&pipe->rd_wait);
}

/* a FIFO opened: find or make its buffer, count the file in, and wait for
 * the other end as POSIX says (Linux: fifo_open) */
lib::Result<void> fifo_open(struct inode* inode, struct file* filp)
{
	struct pipe_inode_info* pipe = nullptr;
	{
		lib::spin_lock_guard g(fifo_lock);
		if (inode->i_pipe) {
			pipe = inode->i_pipe;
			pipe->files++;
		}
	}
	if (!pipe) {
		struct pipe_inode_info* fresh = TRY(alloc_pipe_info());
		fresh->readers = fresh->writers = 0;
		fresh->files = 1;
		struct pipe_inode_info* loser = nullptr;
		{
			lib::spin_lock_guard g(fifo_lock);
			if (inode->i_pipe) { /* another opener was first */
				pipe = inode->i_pipe;
				pipe->files++;
				loser = fresh;
			} else {
				inode->i_pipe = pipe = fresh;
			}
		}
		if (loser)
			free_pipe_info(loser);
	}
	filp->private_data = pipe;
	filp->f_op = &pipefifo_fops;
	/* no position: FIFOs are streams (stream_open) */
	filp->f_mode &= ~(FMODE_LSEEK | FMODE_PREAD | FMODE_PWRITE | FMODE_ATOMIC_POS);
	filp->f_mode |= FMODE_STREAM; /* no FMODE_NOWAIT: Linux 6.1 refuses RWF_NOWAIT on pipes */
	filp->f_version = 0;
	pipe_lock_guard g(pipe);
	lib::Result<void> r = lib::ok();
	switch (filp->f_mode & (FMODE_READ | FMODE_WRITE)) {
	case FMODE_READ:
		pipe->r_counter++;
		if (pipe->readers++ == 0)
			wake_up_partner(pipe);
		if (!pipe->writers) {
			if (filp->f_flags & O_NONBLOCK)
				filp->f_version = pipe->w_counter; /* no EPOLLHUP until a writer came and went */
			else
				r = wait_for_partner(pipe, &pipe->w_counter, g);
		}
		if (r.is_err())
			pipe->readers--;
		break;
	case FMODE_WRITE:
		if ((filp->f_flags & O_NONBLOCK) && !pipe->readers) {
			r = lib::Error{ENXIO};
			break;
		}
		pipe->w_counter++;
		if (!pipe->writers++)
			wake_up_partner(pipe);
		if (!pipe->readers) {
			r = wait_for_partner(pipe, &pipe->r_counter, g);
			if (r.is_err())
				pipe->writers--;
		}
		break;
	case FMODE_READ | FMODE_WRITE:
		/* O_RDWR: never blocks (Linux's behaviour; POSIX leaves it open) */
		pipe->readers++;
		pipe->writers++;
		pipe->r_counter++;
		pipe->w_counter++;
		if (pipe->readers == 1 || pipe->writers == 1)
			wake_up_partner(pipe);
		break;
	default:
		r = lib::Error{EINVAL};
	}
	if (r.is_ok())
		return r;
	if (!pipe->readers != !pipe->writers) /* the partner learns we left */
		wake_up_interruptible_all(&pipe->wr_wait);
	g.unlock();
	put_pipe_info(inode, pipe);
	g.lock();
	return r;
}

lib::Result<void> pipefs_fill_super(struct super_block* sb, void*, int)
{
	return pseudo_fill_super(sb, PIPEFS_MAGIC, 0600);
}

lib::Result<struct dentry*> pipefs_mount(struct file_system_type* fs_type, int flags, const char*, void* data)
{
	return mount_nodev(fs_type, flags, data, pipefs_fill_super);
}

struct file_system_type pipe_fs_type = {
    .name = "pipefs",
    .fs_flags = 0,
    .mount = pipefs_mount,
    .kill_sb = kill_anon_super,
};

unsigned int round_pipe_size(unsigned long size)
{
	if (size > (1UL << 31))
		return 0;
	if (size < PAGE_SZ)
		return PAGE_SZ;
	unsigned long pages = (size + PAGE_SZ - 1) / PAGE_SZ;
	unsigned long p = 1;
	while (p < pages)
		p <<= 1;
	return unsigned(p * PAGE_SZ);
}

lib::Result<long> pipe_set_size(struct pipe_inode_info* pipe, unsigned long arg)
{
	unsigned int size = round_pipe_size(arg);
	if (!size)
		return lib::Error{EINVAL};
	unsigned int nr_slots = size / PAGE_SZ;
	if (nr_slots > pipe->max_usage && size > pipe_max_size && !capable(CAP_SYS_RESOURCE))
		return lib::Error{EPERM};
	unsigned int head = pipe->head, tail = pipe->tail, n = pipe_occupancy(head, tail);
	if (nr_slots < n)
		return lib::Error{EBUSY};
	auto* bufs = static_cast<struct pipe_buffer*>(kzalloc(sizeof(struct pipe_buffer) * nr_slots, GFP_KERNEL));
	if (!bufs)
		return lib::Error{ENOMEM};
	/* the unread buffers move to the front of the new ring, in order */
	for (unsigned int i = 0; i < n; i++)
		bufs[i] = pipe->bufs[(tail + i) & (pipe->ring_size - 1)];
	kfree(pipe->bufs);
	pipe->bufs = bufs;
	pipe->tail = 0;
	pipe->head = n;
	pipe->ring_size = pipe->max_usage = nr_slots;
	wake_up_interruptible_all(&pipe->wr_wait);
	return long(nr_slots) * PAGE_SZ;
}

lib::Result<void> create_pipe_files(struct file** res, int flags)
{
	struct inode* inode = new_inode(pipe_mnt->mnt_sb);
	if (!inode)
		return lib::Error{ENFILE};
	inode->i_ino = get_next_ino();
	lib::Result<struct pipe_inode_info*> p = alloc_pipe_info();
	if (p.is_err()) {
		iput(inode);
		return p.error_value();
	}
	struct pipe_inode_info* pipe = p.value();
	pipe->readers = pipe->writers = 1;
	pipe->files = 2;
	inode->i_pipe = pipe;
	inode->i_fop = &pipefifo_fops;
	inode->i_mode = S_IFIFO | S_IRUSR | S_IWUSR;
	inode->i_uid = current_fsuid();
	inode->i_gid = current_fsgid();
	inode->i_atime = inode->i_mtime = inode->i_ctime = current_time(inode);
	char name[32];
	lib::snprintf(name, sizeof(name), "pipe:[%lu]", inode->i_ino);
	lib::Result<struct file*> w =
	    alloc_file_pseudo(inode, pipe_mnt, name, O_WRONLY | (flags & (O_NONBLOCK | O_DIRECT)), &pipefifo_fops);
	if (w.is_err()) { /* the inode went with the failure */
		free_pipe_info(pipe);
		return w.error_value();
	}
	struct file* fw = w.value();
	fw->private_data = pipe;
	lib::Result<struct file*> r = alloc_file(&fw->f_path, O_RDONLY | (flags & O_NONBLOCK), &pipefifo_fops);
	if (r.is_err()) {
		pipe->files = 1; /* fw's release frees it */
		pipe->readers = 0;
		fput(fw);
		return r.error_value();
	}
	struct file* fr = r.value();
	fr->private_data = pipe;
	for (struct file* f : {fr, fw}) {
		f->f_mode &= ~(FMODE_LSEEK | FMODE_PREAD | FMODE_PWRITE | FMODE_ATOMIC_POS);
		f->f_mode |= FMODE_STREAM; /* no FMODE_NOWAIT: Linux 6.1 refuses RWF_NOWAIT on pipes */
	}
	res[0] = fr;
	res[1] = fw;
	return lib::ok();
}

lib::Result<void> do_pipe2(user_ptr<int> fildes, int flags)
{
	if (flags & ~(O_CLOEXEC | O_NONBLOCK | O_DIRECT))
		return lib::Error{EINVAL}; /* O_NOTIFICATION_PIPE: no watch queues */
	struct file* files[2];
	TRY(create_pipe_files(files, flags));
	lib::scope_exit drop([&files] {
		fput(files[0]);
		fput(files[1]);
	});
	int fd0 = TRY(get_unused_fd_flags(flags));
	lib::scope_exit drop0([fd0] { put_unused_fd(fd0); });
	int fd1 = TRY(get_unused_fd_flags(flags));
	lib::scope_exit drop1([fd1] { put_unused_fd(fd1); });
	int fd[2] = {fd0, fd1};
	if (copy_to_user(fildes, fd, sizeof(fd)))
		return lib::Error{EFAULT};
	drop.release();
	drop0.release();
	drop1.release();
	fd_install(fd0, files[0]);
	fd_install(fd1, files[1]);
	return lib::ok();
}
} // namespace

const struct file_operations pipefifo_fops = {
    .llseek = nullptr,
    .read_iter = pipe_read,
    .write_iter = pipe_write,
    .iterate_shared = nullptr,
    .open = fifo_open,
    .release = pipe_release,
    .fsync = nullptr,
    .mmap = nullptr,
    .poll = pipe_poll,
    .unlocked_ioctl = pipe_ioctl,
};

lib::Result<long> pipe_fcntl(struct file* file, unsigned int cmd, unsigned long arg)
{
	if (file->f_op != &pipefifo_fops || !file->private_data)
		return lib::Error{EBADF};
	auto* pipe = static_cast<struct pipe_inode_info*>(file->private_data);
	pipe_lock_guard g(pipe);
	switch (cmd) {
	case F_SETPIPE_SZ:
		return pipe_set_size(pipe, arg);
	case F_GETPIPE_SZ:
		return long(pipe->max_usage) * PAGE_SZ;
	default:
		return lib::Error{EINVAL};
	}
}

/* ---- splice and tee's side of pipes (Linux: fs/splice.c's
 * splice_from_pipe_feed, wait_for_space, splice_pipe_to_pipe, link_pipe) ---- */
struct pipe_inode_info* get_pipe_info(struct file* file)
{
	if (file->f_op != &pipefifo_fops)
		return nullptr;
	return static_cast<struct pipe_inode_info*>(file->private_data);
}

lib::Result<ssize_t> splice_from_pipe(struct file* in, size_t len, bool nonblock,
                                      lib::Result<size_t> (*actor)(void* ctx, const void* data, size_t len), void* ctx)
{
	struct pipe_inode_info* pipe = get_pipe_info(in);
	ssize_t ret = 0;
	pipe_lock_guard g(pipe);
	while (pipe_empty(pipe->head, pipe->tail)) {
		if (!pipe->writers)
			return 0;
		if (nonblock || (in->f_flags & O_NONBLOCK))
			return lib::Error{EAGAIN};
		g.unlock();
		lib::Result<void> w = wait_event_interruptible(pipe->rd_wait, pipe_readable(pipe));
		g.lock();
		if (w.is_err() || signal_pending(current))
			return lib::Error{ERESTARTSYS};
	}
	bool was_full = pipe_full(pipe->head, pipe->tail, pipe->max_usage);
	while (len && !pipe_empty(pipe->head, pipe->tail)) {
		struct pipe_buffer* buf = &pipe->bufs[pipe->tail & (pipe->ring_size - 1)];
		size_t chunk = buf->len < len ? buf->len : len;
		lib::Result<size_t> done = actor(ctx, static_cast<char*>(page_address(buf->page)) + buf->offset, chunk);
		if (done.is_err()) {
			if (!ret)
				return done.error_value();
			break;
		}
		size_t n = done.value();
		ret += n;
		len -= n;
		buf->offset += n;
		buf->len -= n;
		if (!buf->len) {
			release_buffer(pipe, buf);
			pipe->tail++;
		}
		if (n < chunk)
			break;
	}
	g.unlock();
	if (was_full)
		wake_up_interruptible_poll(&pipe->wr_wait, EPOLLOUT | EPOLLWRNORM);
	g.lock();
	return ret;
}

namespace
{
/* lock two pipes in address order (Linux: pipe_double_lock) */
void pipe_double_lock(struct pipe_inode_info* a, struct pipe_inode_info* b) NO_THREAD_SAFETY_ANALYSIS
{
	if (a < b) {
		mutex_lock(&a->mutex);
		mutex_lock(&b->mutex);
	} else {
		mutex_lock(&b->mutex);
		mutex_lock(&a->mutex);
	}
}
void pipe_double_unlock(struct pipe_inode_info* a, struct pipe_inode_info* b) NO_THREAD_SAFETY_ANALYSIS
{
	mutex_unlock(&a->mutex);
	mutex_unlock(&b->mutex);
}
} // namespace

lib::Result<ssize_t> splice_pipe_to_pipe(struct file* in, struct file* out, size_t len, bool nonblock, bool keep)
{
	struct pipe_inode_info* ipipe = get_pipe_info(in);
	struct pipe_inode_info* opipe = get_pipe_info(out);
	if (ipipe == opipe)
		return lib::Error{EINVAL};
	nonblock = nonblock || (in->f_flags & O_NONBLOCK) || (out->f_flags & O_NONBLOCK);
	for (;;) {
		bool have_data = !pipe_empty(READ_ONCE(ipipe->head), READ_ONCE(ipipe->tail));
		bool have_room =
		    !pipe_full(READ_ONCE(opipe->head), READ_ONCE(opipe->tail), READ_ONCE(opipe->max_usage));
		if (!READ_ONCE(opipe->readers)) {
			(void)send_sig(SIGPIPE, current, 0);
			return lib::Error{EPIPE};
		}
		if (!have_data && !READ_ONCE(ipipe->writers))
			return 0;
		if (have_data && have_room)
			break;
		if (nonblock)
			return lib::Error{EAGAIN};
		lib::Result<void> w = !have_data ? wait_event_interruptible(ipipe->rd_wait, pipe_readable(ipipe))
		                                 : wait_event_interruptible(opipe->wr_wait, pipe_writable(opipe));
		if (w.is_err() || signal_pending(current))
			return lib::Error{ERESTARTSYS};
	}
	ssize_t ret = 0;
	pipe_double_lock(ipipe, opipe);
	unsigned int t = ipipe->tail;
	size_t skip = 0; /* tee: bytes of the current buffer already copied */
	while (len && t != ipipe->head && !pipe_full(opipe->head, opipe->tail, opipe->max_usage) && opipe->readers) {
		struct pipe_buffer* ib = &ipipe->bufs[t & (ipipe->ring_size - 1)];
		size_t avail = ib->len - skip;
		size_t n = avail < len ? avail : len;
		struct page* page = opipe->tmp_page ? opipe->tmp_page : alloc_page(GFP_KERNEL);
		if (!page) {
			if (!ret)
				ret = -ENOMEM;
			break;
		}
		opipe->tmp_page = nullptr;
		lib::memcpy(page_address(page), static_cast<char*>(page_address(ib->page)) + ib->offset + skip, n);
		struct pipe_buffer* ob = &opipe->bufs[opipe->head & (opipe->ring_size - 1)];
		ob->page = page;
		ob->offset = 0;
		ob->len = unsigned(n);
		ob->flags = 0; /* Linux's spliced buffers take no merges either */
		opipe->head++;
		ret += n;
		len -= n;
		if (keep) {
			skip += n;
			if (skip == ib->len) {
				skip = 0;
				t++;
			}
		} else {
			ib->offset += n;
			ib->len -= n;
			if (!ib->len) {
				release_buffer(ipipe, ib);
				ipipe->tail = ++t;
			}
		}
	}
	pipe_double_unlock(ipipe, opipe);
	if (ret > 0) {
		wake_up_interruptible_poll(&opipe->rd_wait, EPOLLIN | EPOLLRDNORM);
		if (!keep)
			wake_up_interruptible_poll(&ipipe->wr_wait, EPOLLOUT | EPOLLWRNORM);
	}
	if (ret < 0)
		return lib::Error{int(-ret)};
	return ret;
}

void pipe_init()
{
	WARN_ON(register_filesystem(&pipe_fs_type).is_err());
	lib::Result<struct vfsmount*> m = kern_mount(&pipe_fs_type);
	if (m.is_err())
		panic("Could not kern_mount pipefs (%d)", -m.error());
	pipe_mnt = m.value();
}

SYSCALL_DEFINE2(pipe2, user_ptr<int>, fildes, int, flags)
{
	TRY(do_pipe2(fildes, flags));
	return 0;
}

SYSCALL_DEFINE1(pipe, user_ptr<int>, fildes)
{
	TRY(do_pipe2(fildes, 0));
	return 0;
}
