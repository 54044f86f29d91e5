/*
 * The VFS's scalar types (Linux: include/linux/types.h, kdev_t.h).
 *
 * dev_t is Linux's kernel encoding: 12-bit major above a 20-bit minor
 * (MKDEV/MAJOR/MINOR); user space sees the "new" encoding
 * (new_encode_dev) in st_dev/st_rdev and passes it to mknod.
 */
#pragma once
#include <kernel/timekeeping.h>
#include <cstddef>
#include <cstdint>

typedef long long loff_t;
typedef long ssize_t;
typedef unsigned short umode_t;
typedef uint32_t dev_t;
typedef unsigned int fmode_t;

#define MINORBITS 20
#define MINORMASK ((1U << MINORBITS) - 1)
#define MAJOR(dev) ((unsigned int)((dev) >> MINORBITS))
#define MINOR(dev) ((unsigned int)((dev)&MINORMASK))
#define MKDEV(ma, mi) (((dev_t)(ma) << MINORBITS) | (dev_t)(mi))

/* the user-visible encoding: minor's low byte, major, minor's high bits */
static inline uint32_t new_encode_dev(dev_t dev)
{
	unsigned major = MAJOR(dev), minor = MINOR(dev);
	return (minor & 0xff) | (major << 8) | ((minor & ~0xffu) << 12);
}
static inline dev_t new_decode_dev(uint32_t dev)
{
	unsigned major = (dev & 0xfff00) >> 8;
	unsigned minor = (dev & 0xff) | ((dev >> 12) & 0xfff00);
	return MKDEV(major, minor);
}

/* struct timespec64: <kernel/timekeeping.h> */
