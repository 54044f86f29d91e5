/*
 * /dev/console, character device 5:1, until the tty layer (Linux:
 * drivers/tty/tty_io.c, whose console device is the preferred console's
 * tty).
 *
 * Interim, and loud about it: a write goes to the preferred console
 * (console_device_write: the 8250 on ttyS0), as the bytes would through
 * Linux's ttyS0; a read fails with EIO and logs once, because reading the
 * UART, line editing and job control are the tty issue's (n_tty).  The
 * first user programs only write their results, which is enough for them.
 */
#include <drivers/devtmpfs.h>
#include <fs/cdev.h>
#include <fs/fs.h>
#include <fs/uio.h>
#include <kernel/console.h>
#include <kernel/printk.h>
#include <uapi/asm-generic/errno-base.h>

namespace
{
lib::Result<ssize_t> console_dev_write(struct kiocb*, struct iov_iter* from)
{
	char buf[256];
	ssize_t done = 0;
	while (size_t left = iov_iter_count(from)) {
		size_t n = left < sizeof(buf) ? left : sizeof(buf);
		size_t got = copy_from_iter(buf, n, from);
		if (got)
			console_device_write(buf, got);
		done += ssize_t(got);
		if (got < n)
			return done ? lib::Result<ssize_t>(done) : lib::Error{EFAULT};
	}
	return done;
}

lib::Result<ssize_t> console_dev_read(struct kiocb*, struct iov_iter*)
{
	pr_warn_once("console: reading /dev/console needs the tty layer (not yet): EIO\n");
	return lib::Error{EIO};
}

const struct file_operations console_fops = {
    .read_iter = console_dev_read,
    .write_iter = console_dev_write,
};
} // namespace

lib::Result<void> console_dev_init()
{
	TRY(__register_chrdev(5, 1, 1, "/dev/console", &console_fops));
	/* tty_devnode leaves the console at the default 0600 */
	(void)devtmpfs_create_node("console", S_IFCHR | 0600, MKDEV(5, 1));
	return lib::ok();
}
