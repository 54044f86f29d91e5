/*
 * openat2(2)'s argument (Linux: include/uapi/linux/openat2.h): a struct
 * that may grow; user space passes its size (VER0 = 24 bytes).
 */
#pragma once
#include <cstdint>

struct open_how {
	uint64_t flags;   /* O_* (all of them checked: unknown bits EINVAL) */
	uint64_t mode;    /* with O_CREAT/O_TMPFILE only, else must be 0 */
	uint64_t resolve; /* RESOLVE_* */
};
#define OPEN_HOW_SIZE_VER0 24
#define OPEN_HOW_SIZE_LATEST OPEN_HOW_SIZE_VER0

#define RESOLVE_NO_XDEV 0x01       /* never cross a mount point */
#define RESOLVE_NO_MAGICLINKS 0x02 /* no /proc-style "magic" links */
#define RESOLVE_NO_SYMLINKS 0x04   /* no symbolic links at all (ELOOP) */
#define RESOLVE_BENEATH 0x08       /* stay below dirfd (EXDEV) */
#define RESOLVE_IN_ROOT 0x10       /* dirfd is the root for this walk */
#define RESOLVE_CACHED 0x20        /* the dcache only, else EAGAIN */
