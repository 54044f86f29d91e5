/*
 * wait4/waitid options and waitid's id types (Linux:
 * include/uapi/linux/wait.h), with Linux's values.
 */
#ifndef _UAPI_LINUX_WAIT_H
#define _UAPI_LINUX_WAIT_H

#define WNOHANG 0x00000001
#define WUNTRACED 0x00000002
#define WSTOPPED WUNTRACED
#define WEXITED 0x00000004
#define WCONTINUED 0x00000008
#define WNOWAIT 0x01000000 /* leave the child waitable */

#define __WNOTHREAD 0x20000000 /* only the caller's own children, not its group's */
#define __WALL 0x40000000      /* any child, whatever its exit signal */
#define __WCLONE 0x80000000    /* only children whose exit signal is not SIGCHLD */

/* waitid's idtype */
#define P_ALL 0
#define P_PID 1
#define P_PGID 2
#define P_PIDFD 3

/* si_code of SIGCHLD and waitid (Linux: siginfo.h) */
#define CLD_EXITED 1
#define CLD_KILLED 2
#define CLD_DUMPED 3
#define CLD_TRAPPED 4
#define CLD_STOPPED 5
#define CLD_CONTINUED 6

#endif /* _UAPI_LINUX_WAIT_H */
