/*
 * eventfd(2) and eventfd2(2) (Linux: fs/eventfd.c).
 *
 * A 64-bit counter behind a file.  write(2) of 8 bytes adds to it (a sum
 * that would reach 0xffffffffffffffff blocks, or EAGAIN with O_NONBLOCK;
 * the value 0xffffffffffffffff itself is EINVAL); read(2) of at least 8
 * bytes returns it and sets it to 0, or with EFD_SEMAPHORE returns 1 and
 * decrements it; a zero counter blocks the reader (EAGAIN with
 * O_NONBLOCK).  Fewer than 8 bytes is EINVAL.  poll: EPOLLIN while the
 * counter is above 0, EPOLLOUT while another 1 fits, EPOLLERR if it
 * overflowed (never, here: only Linux's in-kernel eventfd_signal can).
 *
 * Invariants: count < ULLONG_MAX.  Lock order: ctx->wqh.lock guards
 * changes of the count; readers and writers sleep on ctx->wqh, woken
 * with the poll keys EPOLLIN/EPOLLOUT.
 */
#include <fs/anon_inodes.h>
#include <fs/fs.h>
#include <fs/poll.h>
#include <fs/uio.h>
#include <kernel/compiler.h>
#include <kernel/restart.h>
#include <kernel/sched.h>
#include <kernel/sched/signal.h>
#include <kernel/syscalls.h>
#include <mm/slab.h>
#include <new>
#include <uapi/asm-generic/errno.h>
#include <uapi/linux/fcntl.h>

#define EFD_SEMAPHORE (1 << 0)
#define ULLONG_MAX (~0ULL)
#define EFD_CLOEXEC O_CLOEXEC
#define EFD_NONBLOCK O_NONBLOCK

namespace
{
struct eventfd_ctx {
	struct wait_queue_head wqh; /* its lock guards updates of count */
	uint64_t count;             /* read racily (READ_ONCE) by waiters and poll */
	unsigned int flags;
};

lib::Result<ssize_t> eventfd_read(struct kiocb* iocb, struct iov_iter* to)
{
	struct file* file = iocb->ki_filp;
	auto* ctx = static_cast<struct eventfd_ctx*>(file->private_data);
	if (iov_iter_count(to) < sizeof(uint64_t))
		return lib::Error{EINVAL};
	uint64_t ucnt = 0;
	for (;;) {
		{
			lib::spin_lock_irqsave_guard g(ctx->wqh.lock);
			if (ctx->count) {
				ucnt = (ctx->flags & EFD_SEMAPHORE) ? 1 : ctx->count;
				ctx->count -= ucnt;
				break;
			}
		}
		if ((file->f_flags & O_NONBLOCK) || (iocb->ki_flags & IOCB_NOWAIT))
			return lib::Error{EAGAIN};
		lib::Result<void> w = wait_event_interruptible(ctx->wqh, READ_ONCE(ctx->count) != 0);
		if (w.is_err() || signal_pending(current))
			return lib::Error{ERESTARTSYS};
	}
	wake_up_poll(&ctx->wqh, EPOLLOUT);
	if (copy_to_iter(&ucnt, sizeof(ucnt), to) != sizeof(ucnt))
		return lib::Error{EFAULT};
	return ssize_t(sizeof(ucnt));
}

lib::Result<ssize_t> eventfd_write(struct kiocb* iocb, struct iov_iter* from)
{
	struct file* file = iocb->ki_filp;
	auto* ctx = static_cast<struct eventfd_ctx*>(file->private_data);
	uint64_t ucnt;
	if (iov_iter_count(from) < sizeof(ucnt))
		return lib::Error{EINVAL};
	if (copy_from_iter(&ucnt, sizeof(ucnt), from) != sizeof(ucnt))
		return lib::Error{EFAULT};
	if (ucnt == ~0ULL)
		return lib::Error{EINVAL};
	for (;;) {
		{
			lib::spin_lock_irqsave_guard g(ctx->wqh.lock);
			if (ULLONG_MAX - ctx->count > ucnt) {
				ctx->count += ucnt;
				break;
			}
		}
		if ((file->f_flags & O_NONBLOCK) || (iocb->ki_flags & IOCB_NOWAIT))
			return lib::Error{EAGAIN};
		lib::Result<void> w = wait_event_interruptible(ctx->wqh, ULLONG_MAX - READ_ONCE(ctx->count) > ucnt);
		if (w.is_err() || signal_pending(current))
			return lib::Error{ERESTARTSYS};
	}
	wake_up_poll(&ctx->wqh, EPOLLIN);
	return ssize_t(sizeof(ucnt));
}

__poll_t eventfd_poll(struct file* file, poll_table* wait)
{
	auto* ctx = static_cast<struct eventfd_ctx*>(file->private_data);
	poll_wait(file, &ctx->wqh, wait);
	uint64_t count = __atomic_load_n(&ctx->count, __ATOMIC_ACQUIRE);
	__poll_t events = 0;
	if (count > 0)
		events |= EPOLLIN;
	if (count == ULLONG_MAX)
		events |= EPOLLERR;
	if (ULLONG_MAX - 1 > count)
		events |= EPOLLOUT;
	return events;
}

void eventfd_release(struct inode*, struct file* file)
{
	auto* ctx = static_cast<struct eventfd_ctx*>(file->private_data);
	ctx->~eventfd_ctx();
	kfree(ctx);
}

const struct file_operations eventfd_fops = {
    .llseek = nullptr,
    .read_iter = eventfd_read,
    .write_iter = eventfd_write,
    .iterate_shared = nullptr,
    .open = nullptr,
    .release = eventfd_release,
    .fsync = nullptr,
    .mmap = nullptr,
    .poll = eventfd_poll,
    .unlocked_ioctl = nullptr,
};

lib::Result<long> do_eventfd(unsigned int count, int flags)
{
	if (flags & ~(EFD_CLOEXEC | EFD_NONBLOCK | EFD_SEMAPHORE))
		return lib::Error{EINVAL};
	void* mem = kzalloc(sizeof(struct eventfd_ctx), GFP_KERNEL);
	if (!mem)
		return lib::Error{ENOMEM};
	auto* ctx = new (mem) eventfd_ctx();
	init_waitqueue_head(&ctx->wqh);
	ctx->count = count;
	ctx->flags = unsigned(flags);
	lib::Result<int> fd = anon_inode_getfd("[eventfd]", &eventfd_fops, ctx, O_RDWR | (flags & (O_CLOEXEC | O_NONBLOCK)));
	if (fd.is_err()) {
		ctx->~eventfd_ctx();
		kfree(ctx);
		return fd.error_value();
	}
	return fd.value();
}
} // namespace

SYSCALL_DEFINE2(eventfd2, unsigned int, count, int, flags)
{
	return TRY(do_eventfd(count, flags));
}

SYSCALL_DEFINE1(eventfd, unsigned int, count)
{
	return TRY(do_eventfd(count, 0));
}
