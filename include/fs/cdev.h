/*
 * Character devices (Linux: include/linux/cdev.h, fs/char_dev.c
 * register_chrdev, unregister_chrdev, chrdev_open).  A driver registers
 * a range of minors of a major (numbers as Linux's
 * Documentation/admin-guide/devices.txt: mem is 1, tty 4/5) with its
 * file_operations; opening a device node (S_IFCHR, i_rdev) finds the
 * driver by number and switches the file to the driver's operations.
 * An unregistered number is ENXIO.  chrdevs_lock guards the table.
 */
#pragma once
#include <fs/fs.h>

/* register major (0: pick a free one, returned) for minors
 * [baseminor, baseminor + count) with fops: EBUSY if taken */
lib::Result<unsigned int> __register_chrdev(unsigned int major, unsigned int baseminor, unsigned int count,
                                            const char* name, const struct file_operations* fops);
static inline lib::Result<unsigned int> register_chrdev(unsigned int major, const char* name,
                                                        const struct file_operations* fops)
{
	return __register_chrdev(major, 0, 256, name, fops);
}
void __unregister_chrdev(unsigned int major, unsigned int baseminor, unsigned int count, const char* name);
extern const struct file_operations def_chr_fops;
