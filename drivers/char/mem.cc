/*
 * The memory devices, character major 1 (Linux: drivers/char/mem.c
 * memory_open, devlist; Documentation/admin-guide/devices.txt):
 *   1:3 /dev/null     reads end of file, writes vanish
 *   1:5 /dev/zero     reads zeroes, writes vanish
 *   1:7 /dev/full     reads zeroes, writes fail with ENOSPC
 *   1:8 /dev/random   the CRNG (drivers/char/random.cc), as getrandom(2)
 *   1:9 /dev/urandom  the same (Linux 5.18+: both are the CRNG)
 *   1:11 /dev/kmsg    the kernel log (kernel/printk/devkmsg.cc)
 * memory_open gives the file the operations of its minor, as Linux's.
 * chr_dev_init registers major 1 and creates each node in devtmpfs with
 * devlist's mode (Linux: device_create with mem_devnode): 0666, kmsg
 * 0644.  (/dev/mem and /dev/port are not here: ENXIO.)
 */
#include <drivers/devtmpfs.h>
#include <fs/cdev.h>
#include <fs/fs.h>
#include <fs/uio.h>
#include <kernel/random.h>
#include <uapi/asm-generic/errno-base.h>

extern const struct file_operations kmsg_fops; /* kernel/printk/devkmsg.cc */

namespace
{
lib::Result<ssize_t> read_null(struct kiocb*, struct iov_iter*)
{
	return 0;
}
lib::Result<ssize_t> write_null(struct kiocb*, struct iov_iter* from)
{
	size_t n = iov_iter_count(from);
	iov_iter_advance(from, n);
	return ssize_t(n);
}
lib::Result<ssize_t> read_zero(struct kiocb*, struct iov_iter* to)
{
	size_t want = iov_iter_count(to);
	size_t n = iov_iter_zero(want, to);
	if (!n && want)
		return lib::Error{EFAULT};
	return ssize_t(n);
}
lib::Result<ssize_t> write_full(struct kiocb*, struct iov_iter*)
{
	return lib::Error{ENOSPC};
}
lib::Result<ssize_t> read_random(struct kiocb*, struct iov_iter* to)
{
	uint8_t buf[256];
	ssize_t done = 0;
	while (size_t left = iov_iter_count(to)) {
		size_t n = left < sizeof(buf) ? left : sizeof(buf);
		get_random_bytes(buf, n);
		size_t put = copy_to_iter(buf, n, to);
		done += ssize_t(put);
		if (put < n)
			return done ? lib::Result<ssize_t>(done) : lib::Error{EFAULT};
	}
	return done;
}
lib::Result<loff_t> lseek_null(struct file* file, loff_t, int)
{
	file->f_pos = 0; /* Linux's null_lseek: always 0 */
	return 0;
}

const struct file_operations null_fops = {.llseek = lseek_null, .read_iter = read_null, .write_iter = write_null};
const struct file_operations zero_fops = {.llseek = lseek_null, .read_iter = read_zero, .write_iter = write_null};
const struct file_operations full_fops = {.llseek = lseek_null, .read_iter = read_zero, .write_iter = write_full};
/* writing to /dev/random mixes into the pool in Linux; here it is accepted
 * and dropped (no entropy credited either way) */
const struct file_operations random_fops = {.llseek = lseek_null, .read_iter = read_random, .write_iter = write_null};

lib::Result<void> memory_open(struct inode* inode, struct file* filp)
{
	switch (MINOR(inode->i_rdev)) {
	case 3:
		filp->f_op = &null_fops;
		return lib::ok();
	case 5:
		filp->f_op = &zero_fops;
		return lib::ok();
	case 7:
		filp->f_op = &full_fops;
		return lib::ok();
	case 8:
	case 9:
		filp->f_op = &random_fops;
		return lib::ok();
	case 11:
		filp->f_op = &kmsg_fops;
		return kmsg_fops.open(inode, filp);
	default:
		return lib::Error{ENXIO};
	}
}

const struct file_operations memory_fops = {.open = memory_open};
} // namespace

lib::Result<void> chr_dev_init()
{
	TRY(register_chrdev(1, "mem", &memory_fops));
	/* Linux's devlist: name, minor, mode */
	static const struct {
		const char* name;
		unsigned minor;
		umode_t mode;
	} devlist[] = {{"null", 3, 0666}, {"zero", 5, 0666},    {"full", 7, 0666},
	               {"random", 8, 0666}, {"urandom", 9, 0666}, {"kmsg", 11, 0644}};
	for (const auto& d : devlist)
		(void)devtmpfs_create_node(d.name, S_IFCHR | d.mode, MKDEV(1, d.minor));
	return lib::ok();
}
