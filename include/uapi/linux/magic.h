/*
 * Magic numbers (Linux: include/uapi/linux/magic.h): the word written
 * at the bottom of every kernel stack, which task_stack_end_corrupted()
 * checks, and the file systems' statfs f_type.  The value is Linux's.
 */
#ifndef _UAPI_LINUX_MAGIC_H
#define _UAPI_LINUX_MAGIC_H

#define STACK_END_MAGIC 0x57AC6E9DUL

/* statfs f_type of the file systems (fs/) */
#define RAMFS_MAGIC 0x858458f6
#define TMPFS_MAGIC 0x01021994
#define PIPEFS_MAGIC 0x50495045

#endif /* _UAPI_LINUX_MAGIC_H */
