/*
 * struct sched_param (Linux: include/linux/sched/types.h).
 *
 * The layout is ABI (sched_setscheduler(2) and sched_getparam(2) copy it
 * to and from user space), yet, as in Linux, the struct is declared in a
 * kernel header rather than under uapi/: every libc declares its own
 * struct sched_param, and two definitions in one program do not compile.
 * The policy numbers are in <uapi/linux/sched.h>.
 */
#pragma once

struct sched_param {
	int sched_priority; /* 1..99 for SCHED_FIFO/SCHED_RR, 0 otherwise */
};
