/*
 * Magic numbers (Linux: include/uapi/linux/magic.h): so far only the
 * word written at the bottom of every kernel stack, which
 * task_stack_end_corrupted() checks.  The value is Linux's.
 */
#ifndef _UAPI_LINUX_MAGIC_H
#define _UAPI_LINUX_MAGIC_H

#define STACK_END_MAGIC 0x57AC6E9DUL

#endif /* _UAPI_LINUX_MAGIC_H */
