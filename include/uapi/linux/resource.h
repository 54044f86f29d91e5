/*
 * Resource limits (Linux: include/uapi/linux/resource.h,
 * include/uapi/asm-generic/resource.h): the RLIMIT_* numbers, struct
 * rlimit/rlimit64 and RLIM_INFINITY, with Linux's values.
 */
#ifndef _UAPI_LINUX_RESOURCE_H
#define _UAPI_LINUX_RESOURCE_H
#include <cstdint>

#define RLIMIT_CPU 0
#define RLIMIT_FSIZE 1
#define RLIMIT_DATA 2
#define RLIMIT_STACK 3
#define RLIMIT_CORE 4
#define RLIMIT_RSS 5
#define RLIMIT_NPROC 6
#define RLIMIT_NOFILE 7
#define RLIMIT_MEMLOCK 8
#define RLIMIT_AS 9
#define RLIMIT_LOCKS 10
#define RLIMIT_SIGPENDING 11
#define RLIMIT_MSGQUEUE 12
#define RLIMIT_NICE 13
#define RLIMIT_RTPRIO 14
#define RLIMIT_RTTIME 15
#define RLIM_NLIMITS 16

/* getpriority/setpriority's `which` */
#define PRIO_MIN (-20)
#define PRIO_MAX 20
#define PRIO_PROCESS 0
#define PRIO_PGRP 1
#define PRIO_USER 2

#define RLIM_INFINITY (~0UL)
#define RLIM64_INFINITY (~0ULL)

/* getrusage's `who`, and struct rusage (Linux's layout: two timevals and
 * fourteen longs) */
#define RUSAGE_SELF 0
#define RUSAGE_CHILDREN (-1)
#define RUSAGE_BOTH (-2) /* the kernel's: self and reaped children (wait4) */
#define RUSAGE_THREAD 1
struct rusage {
	struct {
		long tv_sec, tv_usec;
	} ru_utime, ru_stime;
	long ru_maxrss; /* KiB */
	long ru_ixrss, ru_idrss, ru_isrss;
	long ru_minflt, ru_majflt;
	long ru_nswap;
	long ru_inblock, ru_oublock;
	long ru_msgsnd, ru_msgrcv, ru_nsignals;
	long ru_nvcsw, ru_nivcsw;
};

struct rlimit {
	unsigned long rlim_cur;
	unsigned long rlim_max;
};
struct rlimit64 {
	uint64_t rlim_cur;
	uint64_t rlim_max;
};

#endif /* _UAPI_LINUX_RESOURCE_H */
