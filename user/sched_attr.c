/*
 * sched_attr: sched_setattr(2)/sched_getattr(2) (the struct's sizes and
 * E2BIG, the flags, SCHED_DEADLINE's refusals), sched_rr_get_interval(2),
 * and the limits an unprivileged task meets (sched(7): RLIMIT_RTPRIO,
 * RLIMIT_NICE, SCHED_RESET_ON_FORK, another user's task), through the raw
 * system calls.  Runs as init (root), then gives up root; ends as nobody.
 * A child that stays root is the other user's task.
 */
#define _GNU_SOURCE
#include "syscheck.h"
#include <grp.h>
#include <sched.h>
#include <stdint.h>
#include <sys/resource.h>
#include <time.h>

struct attr {
	uint32_t size, policy;
	uint64_t flags;
	int32_t nice;
	uint32_t priority;
	uint64_t runtime, deadline, period;
	uint32_t util_min, util_max;
};
#define VER0 48
#define VER1 56
#ifndef SCHED_DEADLINE
#define SCHED_DEADLINE 6
#endif
#ifndef SCHED_RESET_ON_FORK
#define SCHED_RESET_ON_FORK 0x40000000
#endif
#define FLAG_RESET_ON_FORK 0x01
#define FLAG_KEEP_POLICY 0x08
#define FLAG_UTIL_CLAMP_MIN 0x20

static long setattr(int pid, struct attr* a)
{
	return syscall(SYS_sched_setattr, pid, a, 0);
}
static long setattr_policy(int policy, int prio, int nice, uint64_t flags)
{
	struct attr a = {.size = sizeof(a), .policy = policy, .flags = flags, .nice = nice, .priority = prio};
	return setattr(0, &a);
}
static int getattr(struct attr* a)
{
	memset(a, 0xee, sizeof(*a));
	return (int)syscall(SYS_sched_getattr, 0, a, sizeof(*a), 0);
}
static long setsched(int pid, int policy, int prio)
{
	struct {
		int prio;
	} p = {prio};
	return syscall(SYS_sched_setscheduler, pid, policy, &p);
}

int main(void)
{
	ut_prog = "sched_attr";
	struct attr a;
	UT_EXPECT(getattr(&a) == 0 && a.size == VER1 && a.policy == SCHED_OTHER && a.flags == 0 && a.nice == 0 &&
	              a.priority == 0 && a.runtime == 0 && a.util_min == 0,
	          "sched_getattr: SCHED_OTHER, nice 0, size 56 (%u)", a.size);
	unsigned char big[128];
	memset(big, 0xee, sizeof(big));
	UT_EXPECT(syscall(SYS_sched_getattr, 0, big, sizeof(big), 0) == 0 && ((struct attr*)big)->size == VER1 &&
	              big[VER1] == 0xee,
	          "a bigger buffer: 56 bytes written, size 56");
	memset(&a, 0xee, sizeof(a));
	UT_EXPECT(syscall(SYS_sched_getattr, 0, &a, VER0, 0) == 0 && a.size == VER0 && a.util_min == 0xeeeeeeee,
	          "a VER0 buffer: 48 bytes, size 48");
	UT_EXPECT_ERR(syscall(SYS_sched_getattr, 0, &a, VER0 - 1, 0), EINVAL, "getattr size 47: EINVAL");
	UT_EXPECT_ERR(syscall(SYS_sched_getattr, 0, &a, 8192, 0), EINVAL, "getattr size above a page: EINVAL");
	UT_EXPECT_ERR(syscall(SYS_sched_getattr, 0, &a, sizeof(a), 1), EINVAL, "getattr flags 1: EINVAL");
	UT_EXPECT_ERR(syscall(SYS_sched_getattr, -1, &a, sizeof(a), 0), EINVAL, "getattr pid -1: EINVAL");
	UT_EXPECT_ERR(syscall(SYS_sched_getattr, 0x3ffffff0, &a, sizeof(a), 0), ESRCH, "getattr of no such pid: ESRCH");
	UT_EXPECT_ERR(syscall(SYS_sched_getattr, 0, NULL, sizeof(a), 0), EINVAL, "getattr NULL: EINVAL");
	UT_EXPECT_ERR(syscall(SYS_sched_getattr, 0, (void*)8, sizeof(a), 0), EFAULT, "getattr to a bad pointer: EFAULT");

	/* setattr: sizes */
	UT_EXPECT(setattr_policy(SCHED_OTHER, 0, 5, 0) == 0 && getpriority(PRIO_PROCESS, 0) == 5,
	          "setattr SCHED_OTHER nice 5 sets the nice value");
	a = (struct attr){.size = 0, .policy = SCHED_BATCH, .nice = 3};
	UT_EXPECT(setattr(0, &a) == 0 && syscall(SYS_sched_getscheduler, 0) == SCHED_BATCH &&
	              getpriority(PRIO_PROCESS, 0) == 3,
	          "size 0 means VER0: SCHED_BATCH nice 3");
	a = (struct attr){.size = VER0 - 1, .policy = SCHED_OTHER};
	errno = 0;
	UT_EXPECT(setattr(0, &a) == -1 && errno == E2BIG && a.size == VER1,
	          "size 47: E2BIG and the kernel's size written back (%u)", a.size);
	memset(big, 0, sizeof(big));
	((struct attr*)big)->size = sizeof(big);
	UT_EXPECT(setattr(0, (struct attr*)big) == 0 && syscall(SYS_sched_getscheduler, 0) == SCHED_OTHER,
	          "a bigger struct with a zero tail is accepted");
	big[100] = 1;
	errno = 0;
	UT_EXPECT(setattr(0, (struct attr*)big) == -1 && errno == E2BIG && ((struct attr*)big)->size == VER1,
	          "a non-zero byte beyond the kernel's struct: E2BIG, size 56");
	a = (struct attr){.size = sizeof(a), .policy = SCHED_OTHER};
	UT_EXPECT_ERR(syscall(SYS_sched_setattr, 0, &a, 1), EINVAL, "setattr flags 1: EINVAL");
	UT_EXPECT_ERR(syscall(SYS_sched_setattr, -1, &a, 0), EINVAL, "setattr pid -1: EINVAL");
	UT_EXPECT_ERR(syscall(SYS_sched_setattr, 0, NULL, 0), EINVAL, "setattr NULL: EINVAL");
	UT_EXPECT_ERR(syscall(SYS_sched_setattr, 0, (void*)8, 0), EFAULT, "setattr from a bad pointer: EFAULT");
	UT_EXPECT_ERR(syscall(SYS_sched_setattr, 0x3ffffff0, &a, 0), ESRCH, "setattr of no such pid: ESRCH");
	UT_EXPECT_ERR(setattr_policy(SCHED_OTHER, 0, 0, 0x80), EINVAL, "an unknown flag: EINVAL");
	UT_EXPECT_ERR(setattr_policy(7, 0, 0, 0), EINVAL, "policy 7: EINVAL");
	UT_EXPECT_ERR(setattr_policy(SCHED_FIFO, 0, 0, 0), EINVAL, "SCHED_FIFO priority 0: EINVAL");
	UT_EXPECT_ERR(setattr_policy(SCHED_OTHER, 1, 0, 0), EINVAL, "SCHED_OTHER priority 1: EINVAL");
	a = (struct attr){.size = VER0, .policy = SCHED_OTHER, .flags = FLAG_UTIL_CLAMP_MIN};
	UT_EXPECT_ERR(setattr(0, &a), EINVAL, "the utilization clamps in a VER0 struct: EINVAL");
	/* SCHED_DEADLINE's parameters: runtime <= deadline <= period */
	a = (struct attr){.size = sizeof(a), .policy = SCHED_DEADLINE, .runtime = 0, .deadline = 0, .period = 0};
	UT_EXPECT_ERR(setattr(0, &a), EINVAL, "SCHED_DEADLINE with no parameters: EINVAL");
	a = (struct attr){.size = sizeof(a), .policy = SCHED_DEADLINE, .runtime = 20000000, .deadline = 10000000,
	                  .period = 30000000};
	UT_EXPECT_ERR(setattr(0, &a), EINVAL, "SCHED_DEADLINE runtime > deadline: EINVAL");
	a = (struct attr){.size = sizeof(a), .policy = SCHED_DEADLINE, .runtime = 1000000, .deadline = 10000000,
	                  .period = 5000000};
	UT_EXPECT_ERR(setattr(0, &a), EINVAL, "SCHED_DEADLINE deadline > period: EINVAL");
	a = (struct attr){.size = sizeof(a), .policy = SCHED_DEADLINE, .runtime = 100, .deadline = 10000000};
	UT_EXPECT_ERR(setattr(0, &a), EINVAL, "SCHED_DEADLINE runtime below 1024 ns: EINVAL");

	/* real-time through setattr, the reset-on-fork flag, KEEP_POLICY */
	UT_EXPECT(setattr_policy(SCHED_FIFO, 30, 0, FLAG_RESET_ON_FORK) == 0, "setattr SCHED_FIFO 30, reset-on-fork");
	UT_EXPECT(getattr(&a) == 0 && a.policy == SCHED_FIFO && a.priority == 30 && a.flags == FLAG_RESET_ON_FORK,
	          "getattr reads it back");
	UT_EXPECT(syscall(SYS_sched_getscheduler, 0) == (SCHED_FIFO | SCHED_RESET_ON_FORK),
	          "getscheduler shows SCHED_RESET_ON_FORK");
	a = (struct attr){.size = sizeof(a), .policy = SCHED_OTHER, .priority = 40,
	                  .flags = FLAG_KEEP_POLICY | FLAG_RESET_ON_FORK};
	UT_EXPECT(setattr(0, &a) == 0 && getattr(&a) == 0 && a.policy == SCHED_FIFO && a.priority == 40,
	          "SCHED_FLAG_KEEP_POLICY changes only the priority");

	/* sched_rr_get_interval */
	struct timespec ts = {-1, -1};
	UT_EXPECT(syscall(SYS_sched_rr_get_interval, 0, &ts) == 0 && ts.tv_sec == 0 && ts.tv_nsec == 0,
	          "SCHED_FIFO: no quantum (%ld.%09ld)", (long)ts.tv_sec, ts.tv_nsec);
	UT_EXPECT(setsched(0, SCHED_RR, 10) == 0, "SCHED_RR 10");
	UT_EXPECT(syscall(SYS_sched_rr_get_interval, 0, &ts) == 0 && ts.tv_sec == 0 && ts.tv_nsec == 100000000,
	          "SCHED_RR: the 100 ms quantum (%ld.%09ld)", (long)ts.tv_sec, ts.tv_nsec);
	UT_EXPECT(sched_rr_get_interval(0, &ts) == 0 && ts.tv_nsec == 100000000, "libc's sched_rr_get_interval agrees");
	UT_EXPECT_ERR(syscall(SYS_sched_rr_get_interval, -1, &ts), EINVAL, "rr_get_interval pid -1: EINVAL");
	UT_EXPECT_ERR(syscall(SYS_sched_rr_get_interval, 0x3ffffff0, &ts), ESRCH, "rr_get_interval of no such pid: ESRCH");
	UT_EXPECT_ERR(syscall(SYS_sched_rr_get_interval, 0, (void*)8), EFAULT, "rr_get_interval to a bad pointer: EFAULT");
	UT_EXPECT(setsched(0, SCHED_OTHER, 0) == 0 && syscall(SYS_sched_rr_get_interval, 0, &ts) == 0 && ts.tv_sec == 0,
	          "SCHED_OTHER: a quantum below a second (%ld.%09ld)", (long)ts.tv_sec, ts.tv_nsec);

	/* as an ordinary user: the limits */
	struct rlimit rl = {10, 10};
	UT_EXPECT(setrlimit(RLIMIT_RTPRIO, &rl) == 0, "RLIMIT_RTPRIO 10");
	rl = (struct rlimit){25, 25}; /* nice down to 20 - 25 = -5 */
	UT_EXPECT(setrlimit(RLIMIT_NICE, &rl) == 0, "RLIMIT_NICE 25");
	UT_EXPECT(setpriority(PRIO_PROCESS, 0, 0) == 0, "nice 0");
	UT_EXPECT(setsched(0, SCHED_OTHER | SCHED_RESET_ON_FORK, 0) == 0, "SCHED_OTHER with SCHED_RESET_ON_FORK");
	/* a task of root's to try our hand at once we are nobody: it sleeps
	 * for a second and exits */
	fflush(stdout);
	pid_t root_child = fork();
	if (root_child == 0) {
		struct timespec t = {1, 0};
		nanosleep(&t, NULL);
		_exit(0);
	}
	UT_EXPECT(root_child > 0, "fork a child that stays root");
	UT_EXPECT(setgroups(0, NULL) == 0 && setresgid(65534, 65534, 65534) == 0 && setresuid(65534, 65534, 65534) == 0,
	          "become nobody");
	unsigned long mask = 1;
	UT_EXPECT_ERR(syscall(SYS_sched_setaffinity, root_child, sizeof(mask), &mask), EPERM,
	              "sched_setaffinity of root's child: EPERM");
	UT_EXPECT(syscall(SYS_sched_getaffinity, root_child, sizeof(mask), &mask) == sizeof(mask),
	          "sched_getaffinity of it is allowed");
	UT_EXPECT_ERR(setsched(root_child, SCHED_BATCH, 0), EPERM, "sched_setscheduler of root's child: EPERM");
	UT_EXPECT_ERR(syscall(SYS_sched_setparam, root_child, &(int){0}), EPERM, "sched_setparam of it: EPERM");
	a = (struct attr){.size = sizeof(a), .policy = SCHED_OTHER, .nice = 5};
	UT_EXPECT_ERR(setattr(root_child, &a), EPERM, "sched_setattr of it: EPERM");
	UT_EXPECT_ERR(setpriority(PRIO_PROCESS, root_child, 5), EPERM, "setpriority of it: EPERM");
	UT_EXPECT(getpriority(PRIO_PROCESS, root_child) == 0, "getpriority of it is allowed");
	UT_EXPECT_ERR(setsched(0, SCHED_OTHER, 0), EPERM, "nobody may not clear SCHED_RESET_ON_FORK: EPERM");
	UT_EXPECT(setsched(0, SCHED_FIFO | SCHED_RESET_ON_FORK, 10) == 0, "SCHED_FIFO 10 within RLIMIT_RTPRIO");
	UT_EXPECT_ERR(setsched(0, SCHED_FIFO | SCHED_RESET_ON_FORK, 11), EPERM, "SCHED_FIFO 11 beyond it: EPERM");
	UT_EXPECT(setsched(0, SCHED_FIFO | SCHED_RESET_ON_FORK, 5) == 0, "a lower RT priority is always allowed");
	UT_EXPECT(setsched(0, SCHED_OTHER | SCHED_RESET_ON_FORK, 0) == 0, "back to SCHED_OTHER");
	a = (struct attr){.size = sizeof(a), .policy = SCHED_DEADLINE, .flags = FLAG_RESET_ON_FORK, .runtime = 1000000,
	                  .deadline = 10000000, .period = 10000000};
	UT_EXPECT_ERR(setattr(0, &a), EPERM, "SCHED_DEADLINE without CAP_SYS_NICE: EPERM");
	UT_EXPECT(setpriority(PRIO_PROCESS, 0, -5) == 0 && getpriority(PRIO_PROCESS, 0) == -5,
	          "nice -5 within RLIMIT_NICE 25");
	UT_EXPECT_ERR(setpriority(PRIO_PROCESS, 0, -6), EACCES, "nice -6 beyond it: EACCES");
	UT_EXPECT_ERR(setattr_policy(SCHED_OTHER, 0, -6, FLAG_RESET_ON_FORK), EPERM,
	              "setattr nice -6 beyond it: EPERM");
	UT_EXPECT(setpriority(PRIO_PROCESS, 0, 10) == 0 && getpriority(PRIO_PROCESS, 0) == 10, "nice 10");
	UT_EXPECT(setpriority(PRIO_USER, 0, 12) == 0 && getpriority(PRIO_USER, 0) == 12, "PRIO_USER of our own uid");
	UT_EXPECT_ERR(syscall(SYS_setpriority, PRIO_USER, 4242, 0), ESRCH, "PRIO_USER of a uid with no task: ESRCH");

	/* root's kernel thread, pid 2 (kthreadd) */
	UT_EXPECT(getpriority(PRIO_PROCESS, 2) == 0, "anyone may read another user's nice");
	UT_EXPECT_ERR(setpriority(PRIO_PROCESS, 2, 19), EPERM, "setpriority of root's task: EPERM");
	UT_EXPECT_ERR(setsched(2, SCHED_OTHER, 0), EPERM, "sched_setscheduler of root's task: EPERM");
	UT_EXPECT(syscall(SYS_sched_getscheduler, 2) == SCHED_OTHER, "sched_getscheduler of root's task is allowed");
	return ut_done_unprivileged();
}
