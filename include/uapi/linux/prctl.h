/*
 * prctl(2)'s options that monolith knows (Linux: include/uapi/linux/prctl.h;
 * the same numbers).  Options not listed here fail with EINVAL.
 */
#ifndef _UAPI_LINUX_PRCTL_H
#define _UAPI_LINUX_PRCTL_H

#define PR_SET_PDEATHSIG 1 /* the signal sent when the parent dies */
#define PR_GET_PDEATHSIG 2
#define PR_GET_DUMPABLE 3
#define PR_SET_DUMPABLE 4
#define PR_SET_NAME 15 /* the task's comm, 16 bytes with the NUL */
#define PR_GET_NAME 16
#define PR_SET_CHILD_SUBREAPER 36 /* reap the orphaned descendants (exit.cc find_new_reaper) */
#define PR_GET_CHILD_SUBREAPER 37

#endif /* _UAPI_LINUX_PRCTL_H */
