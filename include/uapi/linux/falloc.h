/*
 * fallocate(2)'s mode bits (Linux: include/uapi/linux/falloc.h).
 */
#pragma once

#define FALLOC_FL_KEEP_SIZE 0x01      /* do not change the size */
#define FALLOC_FL_PUNCH_HOLE 0x02     /* de-allocate the range (with KEEP_SIZE) */
#define FALLOC_FL_NO_HIDE_STALE 0x04  /* reserved */
#define FALLOC_FL_COLLAPSE_RANGE 0x08 /* remove the range, shifting the rest down */
#define FALLOC_FL_ZERO_RANGE 0x10     /* zero the range */
#define FALLOC_FL_INSERT_RANGE 0x20   /* insert a hole, shifting the rest up */
#define FALLOC_FL_UNSHARE_RANGE 0x40  /* unshare shared blocks */

/* what vfs_fallocate lets through to ->fallocate (Linux: fs/open.c) */
#define FALLOC_FL_SUPPORTED_MASK                                                                                     \
	(FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE | FALLOC_FL_COLLAPSE_RANGE | FALLOC_FL_ZERO_RANGE |                  \
	 FALLOC_FL_INSERT_RANGE | FALLOC_FL_UNSHARE_RANGE)
