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
#define PR_GET_KEEPCAPS 7 /* SECBIT_KEEP_CAPS */
#define PR_SET_KEEPCAPS 8
#define PR_CAPBSET_READ 23 /* the bounding set */
#define PR_CAPBSET_DROP 24
#define PR_GET_SECUREBITS 27
#define PR_SET_SECUREBITS 28
#define PR_SET_TIMERSLACK 29 /* task->timer_slack_ns; 0: the default */
#define PR_GET_TIMERSLACK 30
#define PR_SET_NO_NEW_PRIVS 38 /* exec grants nothing (sticky, inherited) */
#define PR_GET_NO_NEW_PRIVS 39
#define PR_CAP_AMBIENT 47 /* the ambient set; arg2 one of: */
#define PR_CAP_AMBIENT_IS_SET 1
#define PR_CAP_AMBIENT_RAISE 2
#define PR_CAP_AMBIENT_LOWER 3
#define PR_CAP_AMBIENT_CLEAR_ALL 4
#define PR_SET_CHILD_SUBREAPER 36 /* reap the orphaned descendants (exit.cc find_new_reaper) */
#define PR_GET_CHILD_SUBREAPER 37

#endif /* _UAPI_LINUX_PRCTL_H */
