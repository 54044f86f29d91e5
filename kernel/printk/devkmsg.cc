/*
 * /dev/kmsg, character device 1:11 (Linux: kernel/printk/printk.c
 * devkmsg_open, devkmsg_read, devkmsg_write, devkmsg_llseek,
 * devkmsg_poll; Documentation/ABI/testing/dev-kmsg).
 *
 * Each open file has its own position: the seq of the next record to
 * read, the oldest record still in the log when it was opened.  A read
 * returns ONE record as "prio,seq,usec,-;text\n" (prio = facility * 8 +
 * level; the kernel's facility is 0; unprintable bytes as \xNN): EINVAL
 * if the buffer is too small for it (the record is then passed over, as
 * Linux's devkmsg_read moves its seq first), EPIPE once when records were
 * overwritten before they were read (the position moves to the oldest),
 * EAGAIN with O_NONBLOCK at the end, else the reader waits for the next
 * record.  lseek(fd, 0, SEEK_SET) goes back to the oldest record,
 * SEEK_END to the end (SEEK_DATA as SEEK_END: there is no syslog
 * "clear" yet); any other offset is ESPIPE.  A write is one record: a
 * leading "<N>" gives its facility (N >> 3, unless 0) and level (N & 7),
 * default facility 1 (user) and level 4 (default_message_loglevel); one
 * trailing newline is dropped.
 *
 * Interim: a waiting reader polls the log every 10 ms instead of being
 * woken by printk (Linux wakes log_wait from an irq_work, since printk
 * may run under any lock, the run queue's included: irq_work is not
 * here yet).  Writes are not rate-limited (Linux's printk_devkmsg=
 * ratelimit drops a burst of more than 10 lines in 5 s).
 */
#include <fs/fs.h>
#include <fs/uio.h>
#include <kernel/jiffies.h>
#include <kernel/mutex.h>
#include <kernel/printk.h>
#include <kernel/restart.h>
#include <kernel/sched/signal.h>
#include <kernel/wait.h>
#include <lib/string.h>
#include <mm/slab.h>
#include <new>
#include <uapi/asm-generic/errno-base.h>
#include <uapi/linux/fcntl.h>

namespace
{
constexpr size_t CONSOLE_EXT_LOG_MAX = 8192; /* Linux's record limit for /dev/kmsg */
constexpr size_t LOG_LINE_MAX = 1024 - 32;

struct devkmsg_user {
	struct mutex lock;
	uint64_t seq;
	char buf[CONSOLE_EXT_LOG_MAX];
};

lib::Result<void> devkmsg_open(struct inode*, struct file* file)
{
	/* write-only: no reader state (Linux does the same) */
	if ((file->f_flags & O_ACCMODE) == O_WRONLY)
		return lib::ok();
	auto* user = static_cast<devkmsg_user*>(kmalloc(sizeof(devkmsg_user), GFP_KERNEL));
	if (!user)
		return lib::Error{ENOMEM};
	new (&user->lock) mutex();
	user->seq = kmsg::first_seq();
	file->private_data = user;
	return lib::ok();
}

void devkmsg_release(struct inode*, struct file* file)
{
	auto* user = static_cast<devkmsg_user*>(file->private_data);
	if (!user)
		return;
	user->lock.~mutex();
	kfree(user);
}

lib::Result<ssize_t> devkmsg_read(struct kiocb* iocb, struct iov_iter* to)
{
	auto* user = static_cast<devkmsg_user*>(iocb->ki_filp->private_data);
	if (!user)
		return lib::Error{EBADF};
	mutex_lock(&user->lock);
	long n;
	for (;;) {
		n = kmsg::format_devkmsg(&user->seq, user->buf, sizeof(user->buf));
		if (n != -EAGAIN)
			break;
		if (iocb->ki_filp->f_flags & O_NONBLOCK)
			break;
		if (signal_pending(current)) {
			n = -ERESTARTSYS; /* the signal first, as wait_event_interruptible */
			break;
		}
		/* interim: poll the log (see above) */
		mutex_unlock(&user->lock);
		schedule_timeout_interruptible(msecs_to_jiffies(10));
		mutex_lock(&user->lock);
	}
	lib::Result<ssize_t> r = lib::Error{EINVAL};
	if (n < 0) {
		r = lib::Error{int(-n)};
	} else if (size_t(n) > iov_iter_count(to)) {
		/* too small for the record: as Linux, the record is passed over */
		r = lib::Error{EINVAL};
	} else if (copy_to_iter(user->buf, size_t(n), to) != size_t(n)) {
		r = lib::Error{EFAULT};
	} else {
		r = ssize_t(n);
	}
	mutex_unlock(&user->lock);
	return r;
}

lib::Result<ssize_t> devkmsg_write(struct kiocb*, struct iov_iter* from)
{
	size_t len = iov_iter_count(from);
	if (len > LOG_LINE_MAX)
		return lib::Error{EINVAL};
	char line[LOG_LINE_MAX + 1];
	if (copy_from_iter(line, len, from) != len)
		return lib::Error{EFAULT};
	line[len] = '\0';
	int level = 4, facility = 1; /* default_message_loglevel, LOG_USER */
	const char* text = line;
	if (text[0] == '<') {
		unsigned long u = 0;
		const char* p = text + 1;
		bool digits = false;
		while (*p >= '0' && *p <= '9')
			u = u * 10 + unsigned(*p++ - '0'), digits = true;
		if (*p == '>') { /* Linux's simple_strtoul takes "<>" as 0 */
			(void)digits;
			level = int(u & 7);
			if (u >> 3)
				facility = int(u >> 3);
			text = p + 1;
		}
	}
	size_t n = lib::strlen(text);
	if (n && text[n - 1] == '\n')
		n--;
	kmsg::emit_user(facility, level, text, n);
	return ssize_t(len);
}

lib::Result<loff_t> devkmsg_llseek(struct file* file, loff_t offset, int whence)
{
	auto* user = static_cast<devkmsg_user*>(file->private_data);
	if (!user)
		return lib::Error{EBADF};
	if (offset)
		return lib::Error{ESPIPE};
	mutex_lock(&user->lock);
	lib::Result<loff_t> r = 0;
	switch (whence) {
	case SEEK_SET:
		user->seq = kmsg::first_seq();
		break;
	case SEEK_DATA: /* after the last "clear": none yet */
	case SEEK_END:
		user->seq = kmsg::next_seq();
		break;
	default:
		r = lib::Error{EINVAL};
	}
	mutex_unlock(&user->lock);
	return r;
}
} // namespace

extern const struct file_operations kmsg_fops;
const struct file_operations kmsg_fops = {
    .llseek = devkmsg_llseek,
    .read_iter = devkmsg_read,
    .write_iter = devkmsg_write,
    .open = devkmsg_open,
    .release = devkmsg_release,
};
