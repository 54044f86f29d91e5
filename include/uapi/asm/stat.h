/*
 * struct stat as x86_64 user space sees it (Linux:
 * arch/x86/include/uapi/asm/stat.h, the 64-bit layout): what stat, fstat,
 * lstat and newfstatat copy out.  144 bytes.
 */
#ifndef _UAPI_ASM_X86_STAT_H
#define _UAPI_ASM_X86_STAT_H
#include <cstdint>

struct stat {
	unsigned long st_dev;
	unsigned long st_ino;
	unsigned long st_nlink;
	unsigned int st_mode;
	unsigned int st_uid;
	unsigned int st_gid;
	unsigned int __pad0;
	unsigned long st_rdev;
	long st_size;
	long st_blksize;
	long st_blocks; /* 512-byte units */
	unsigned long st_atime;
	unsigned long st_atime_nsec;
	unsigned long st_mtime;
	unsigned long st_mtime_nsec;
	unsigned long st_ctime;
	unsigned long st_ctime_nsec;
	long __unused[3];
};
static_assert(sizeof(struct stat) == 144, "x86_64 struct stat is 144 bytes");
static_assert(__builtin_offsetof(struct stat, st_mode) == 24);
static_assert(__builtin_offsetof(struct stat, st_rdev) == 40);
static_assert(__builtin_offsetof(struct stat, st_atime) == 72);

#endif
