/*
 * signalfd(2) and signalfd4(2) (Linux: fs/signalfd.c).
 *
 * A file that reads the caller's pending signals of a mask instead of
 * having them delivered: the signals are usually blocked, so they stay
 * pending until read(2) takes them (dequeue_signal, the thread's own
 * first, then the group's) as struct signalfd_siginfo records of 128
 * bytes.  read blocks until one of the mask is pending (EAGAIN with
 * O_NONBLOCK), takes as many as fit; poll says EPOLLIN while one is
 * pending.  A signal sent to the group wakes the readers through
 * sighand->signalfd_wqh (kernel/signal.cc's signalfd_notify).  Reads
 * always come from the reading thread's pending sets, as Linux's.
 *
 * signalfd4 with fd -1 makes a file; with a signalfd it changes the mask.
 * SIGKILL and SIGSTOP are never in a mask.  EINVAL for a sizemask other
 * than 8, for flags other than SFD_CLOEXEC/SFD_NONBLOCK and for an fd
 * that is not a signalfd; EBADF for a closed one.
 *
 * Lock order: the siglock (taken inside kernel/signal.cc's helpers), the
 * ctx's sigmask under the signalfd_wqh lock.
 */
#include <fs/anon_inodes.h>
#include <fs/fdtable.h>
#include <fs/fs.h>
#include <fs/poll.h>
#include <fs/uio.h>
#include <kernel/compiler.h>
#include <kernel/restart.h>
#include <kernel/sched.h>
#include <kernel/sched/signal.h>
#include <kernel/signal.h>
#include <kernel/syscalls.h>
#include <mm/slab.h>
#include <new>
#include <uapi/asm-generic/errno.h>
#include <uapi/linux/fcntl.h>

#define SFD_CLOEXEC O_CLOEXEC
#define SFD_NONBLOCK O_NONBLOCK

/* include/uapi/linux/signalfd.h: 128 bytes */
struct signalfd_siginfo {
	uint32_t ssi_signo;
	int32_t ssi_errno;
	int32_t ssi_code;
	uint32_t ssi_pid;
	uint32_t ssi_uid;
	int32_t ssi_fd;
	uint32_t ssi_tid;
	uint32_t ssi_band;
	uint32_t ssi_overrun;
	uint32_t ssi_trapno;
	int32_t ssi_status;
	int32_t ssi_int;
	uint64_t ssi_ptr;
	uint64_t ssi_utime;
	uint64_t ssi_stime;
	uint64_t ssi_addr;
	uint16_t ssi_addr_lsb;
	uint16_t __pad2;
	int32_t ssi_syscall;
	uint64_t ssi_call_addr;
	uint32_t ssi_arch;
	uint8_t __pad[28];
};
static_assert(sizeof(struct signalfd_siginfo) == 128);

namespace
{
struct signalfd_ctx {
	sigset_t sigmask;
};

extern const struct file_operations signalfd_fops;

constexpr unsigned long SIG_KILL_STOP = (1UL << (SIGKILL - 1)) | (1UL << (SIGSTOP - 1));

sigset_t ctx_mask(const struct signalfd_ctx* ctx)
{
	return {{__atomic_load_n(&ctx->sigmask.sig[0], __ATOMIC_RELAXED)}};
}

/* which fields of a siginfo mean something (Linux: siginfo_layout) */
enum sil { SIL_KILL, SIL_TIMER, SIL_POLL, SIL_FAULT, SIL_CHLD, SIL_RT, SIL_SYS };

enum sil siginfo_layout(int sig, int code)
{
	if (code > 0 && code != SI_KERNEL && sig < SIGRTMIN) {
		switch (sig) {
		case SIGILL:
		case SIGFPE:
		case SIGSEGV:
		case SIGBUS:
		case SIGTRAP:
			return SIL_FAULT;
		case SIGCHLD:
			return SIL_CHLD;
		case SIGIO:
			return SIL_POLL;
		case SIGSYS:
			return SIL_SYS;
		default:
			return SIL_KILL;
		}
	}
	if (code == -2 /* SI_TIMER */)
		return SIL_TIMER;
	if (code == -5 /* SI_SIGIO */)
		return SIL_POLL;
	if (code < 0)
		return SIL_RT;
	return SIL_KILL;
}

/* the user's record from a siginfo (Linux: signalfd_copyinfo) */
struct signalfd_siginfo to_ssi(const struct kernel_siginfo& k)
{
	struct signalfd_siginfo n = {};
	n.ssi_signo = uint32_t(k.si_signo);
	n.ssi_errno = k.si_errno;
	n.ssi_code = k.si_code;
	switch (siginfo_layout(k.si_signo, k.si_code)) {
	case SIL_KILL:
		n.ssi_pid = uint32_t(k._sifields._kill.pid);
		n.ssi_uid = k._sifields._kill.uid;
		break;
	case SIL_TIMER:
		n.ssi_tid = uint32_t(k._sifields._timer.tid);
		n.ssi_overrun = uint32_t(k._sifields._timer.overrun);
		n.ssi_ptr = uint64_t(k._sifields._timer.sigval.sival_ptr);
		n.ssi_int = k._sifields._timer.sigval.sival_int;
		break;
	case SIL_POLL:
		n.ssi_band = uint32_t(k._sifields._sigpoll.band);
		n.ssi_fd = k._sifields._sigpoll.fd;
		break;
	case SIL_FAULT:
		n.ssi_addr = k._sifields._sigfault.addr;
		break;
	case SIL_CHLD:
		n.ssi_pid = uint32_t(k._sifields._sigchld.pid);
		n.ssi_uid = k._sifields._sigchld.uid;
		n.ssi_status = k._sifields._sigchld.status;
		n.ssi_utime = uint64_t(k._sifields._sigchld.utime);
		n.ssi_stime = uint64_t(k._sifields._sigchld.stime);
		break;
	case SIL_RT:
		n.ssi_pid = uint32_t(k._sifields._rt.pid);
		n.ssi_uid = k._sifields._rt.uid;
		n.ssi_ptr = uint64_t(k._sifields._rt.sigval.sival_ptr);
		n.ssi_int = k._sifields._rt.sigval.sival_int;
		break;
	case SIL_SYS:
		n.ssi_call_addr = k._sifields._sigsys.call_addr;
		n.ssi_syscall = k._sifields._sigsys.syscall;
		n.ssi_arch = k._sifields._sigsys.arch;
		break;
	}
	return n;
}

lib::Result<ssize_t> signalfd_read(struct kiocb* iocb, struct iov_iter* to)
{
	struct file* file = iocb->ki_filp;
	auto* ctx = static_cast<struct signalfd_ctx*>(file->private_data);
	size_t count = iov_iter_count(to) / sizeof(struct signalfd_siginfo);
	if (!count)
		return lib::Error{EINVAL};
	bool nonblock = (file->f_flags & O_NONBLOCK) || (iocb->ki_flags & IOCB_NOWAIT);
	ssize_t total = 0;
	for (; count; count--) {
		sigset_t mask = ctx_mask(ctx);
		struct kernel_siginfo info = {};
		int sig = dequeue_signal_wanted(&mask, &info);
		if (!sig) {
			if (total || nonblock)
				break;
			struct sighand_struct* sh = current->sighand;
			lib::Result<void> w = wait_event_interruptible(sh->signalfd_wqh, signal_pending_wanted(&mask));
			if (w.is_err() || (signal_pending(current) && !signal_pending_wanted(&mask)))
				return lib::Error{ERESTARTSYS};
			count++; /* try again */
			continue;
		}
		struct signalfd_siginfo n = to_ssi(info);
		if (copy_to_iter(&n, sizeof(n), to) != sizeof(n))
			return total ? lib::Result<ssize_t>(total) : lib::Result<ssize_t>(lib::Error{EFAULT});
		total += sizeof(n);
	}
	if (!total)
		return lib::Error{EAGAIN};
	return total;
}

__poll_t signalfd_poll(struct file* file, poll_table* wait)
{
	auto* ctx = static_cast<struct signalfd_ctx*>(file->private_data);
	poll_wait(file, &current->sighand->signalfd_wqh, wait);
	sigset_t mask = ctx_mask(ctx);
	return signal_pending_wanted(&mask) ? EPOLLIN : 0;
}

void signalfd_release(struct inode*, struct file* file)
{
	kfree(file->private_data);
}

const struct file_operations signalfd_fops = {
    .llseek = nullptr,
    .read_iter = signalfd_read,
    .write_iter = nullptr,
    .iterate_shared = nullptr,
    .open = nullptr,
    .release = signalfd_release,
    .fsync = nullptr,
    .mmap = nullptr,
    .poll = signalfd_poll,
    .unlocked_ioctl = nullptr,
};

lib::Result<long> do_signalfd4(int ufd, user_ptr<const sigset_t> user_mask, size_t sizemask, int flags)
{
	if (flags & ~(SFD_CLOEXEC | SFD_NONBLOCK))
		return lib::Error{EINVAL};
	if (sizemask != sizeof(sigset_t))
		return lib::Error{EINVAL};
	sigset_t mask;
	if (copy_from_user(&mask, user_mask, sizeof(mask)))
		return lib::Error{EFAULT};
	mask.sig[0] &= ~SIG_KILL_STOP;
	if (ufd == -1) {
		auto* ctx = static_cast<struct signalfd_ctx*>(kmalloc(sizeof(struct signalfd_ctx), GFP_KERNEL));
		if (!ctx)
			return lib::Error{ENOMEM};
		ctx->sigmask = mask;
		lib::Result<int> fd =
		    anon_inode_getfd("[signalfd]", &signalfd_fops, ctx, O_RDWR | (flags & (O_CLOEXEC | O_NONBLOCK)));
		if (fd.is_err()) {
			kfree(ctx);
			return fd.error_value();
		}
		return fd.value();
	}
	lib::ref<file> f = fdget(unsigned(ufd));
	if (!f)
		return lib::Error{EBADF};
	if (f->f_op != &signalfd_fops)
		return lib::Error{EINVAL};
	auto* ctx = static_cast<struct signalfd_ctx*>(f->private_data);
	__atomic_store_n(&ctx->sigmask.sig[0], mask.sig[0], __ATOMIC_RELAXED);
	wake_up(&current->sighand->signalfd_wqh); /* readers look at the new mask */
	return ufd;
}
} // namespace

SYSCALL_DEFINE4(signalfd4, int, ufd, user_ptr<const sigset_t>, user_mask, size_t, sizemask, int, flags)
{
	return TRY(do_signalfd4(ufd, user_mask, sizemask, flags));
}

SYSCALL_DEFINE3(signalfd, int, ufd, user_ptr<const sigset_t>, user_mask, size_t, sizemask)
{
	return TRY(do_signalfd4(ufd, user_mask, sizemask, 0));
}
