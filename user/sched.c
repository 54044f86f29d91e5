/*
 * sched: CPU affinity (sched_setaffinity(2), sched_getaffinity(2)),
 * getcpu(2), the scheduling policies (sched_setscheduler(2),
 * sched_getparam(2), sched_get_priority_max(2)) and nice values
 * (getpriority(2)), through the raw system calls: musl's
 * sched_setscheduler and friends are stubs returning ENOSYS by design.
 */
#define _GNU_SOURCE
#include "syscheck.h"
#include <sched.h>
#include <sys/resource.h>

struct param {
	int prio;
};
static long setsched(int pid, int policy, int prio)
{
	struct param p = {prio};
	return syscall(SYS_sched_setscheduler, pid, policy, &p);
}
static int getprio(void)
{
	struct param p = {-1};
	return syscall(SYS_sched_getparam, 0, &p) == 0 ? p.prio : -1;
}
static int raw_getcpu(void)
{
	unsigned cpu = ~0u, node = ~0u;
	if (syscall(SYS_getcpu, &cpu, &node, NULL))
		return -1;
	return node == 0 ? (int)cpu : -2;
}

int main(void)
{
	ut_prog = "sched";
	unsigned long mask[16] = {0};
	long n = syscall(SYS_sched_getaffinity, 0, sizeof(mask), mask);
	UT_EXPECT(n == 8, "sched_getaffinity returns the kernel's mask size, 8 bytes (%ld)", n);
	int ncpu = __builtin_popcountl(mask[0]);
	long onln = sysconf(_SC_NPROCESSORS_ONLN);
	UT_EXPECT(ncpu >= 1 && ncpu == onln, "the mask has every online CPU (%d of %ld)", ncpu, onln);
	cpu_set_t set;
	UT_EXPECT(sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) == ncpu, "libc's sched_getaffinity agrees");
	UT_EXPECT_ERR(syscall(SYS_sched_getaffinity, 0, 4, mask), EINVAL, "a 4-byte buffer: EINVAL");
	UT_EXPECT_ERR(syscall(SYS_sched_getaffinity, 0, 0, mask), EINVAL, "a 0-byte buffer: EINVAL");
	UT_EXPECT_ERR(syscall(SYS_sched_getaffinity, 0, 12, mask), EINVAL, "a buffer not in whole longs: EINVAL");
	UT_EXPECT_ERR(syscall(SYS_sched_getaffinity, 0x3ffffff0, 8, mask), ESRCH, "no such pid: ESRCH");
	UT_EXPECT_ERR(syscall(SYS_sched_getaffinity, 0, 8, (void*)8), EFAULT, "a bad pointer: EFAULT");

	unsigned long one = 1;
	UT_EXPECT(syscall(SYS_sched_setaffinity, 0, sizeof(one), &one) == 0, "bind to CPU 0");
	UT_EXPECT(raw_getcpu() == 0 && sched_getcpu() == 0, "getcpu (syscall and libc) says CPU 0, node 0");
	n = syscall(SYS_sched_getaffinity, 0, sizeof(mask), mask);
	UT_EXPECT(n == 8 && mask[0] == 1, "the mask reads back as CPU 0 only");
	if (ncpu >= 2) {
		one = 2;
		UT_EXPECT(syscall(SYS_sched_setaffinity, 0, sizeof(one), &one) == 0, "bind to CPU 1");
		UT_EXPECT(raw_getcpu() == 1 && sched_getcpu() == 1, "now on CPU 1");
	}
	unsigned char byte = 1;
	UT_EXPECT(syscall(SYS_sched_setaffinity, 0, 1, &byte) == 0 && raw_getcpu() == 0,
	          "a 1-byte mask is zero-extended: CPU 0");
	one = 0;
	UT_EXPECT_ERR(syscall(SYS_sched_setaffinity, 0, sizeof(one), &one), EINVAL, "an empty mask: EINVAL");
	one = 1UL << 63;
	UT_EXPECT_ERR(syscall(SYS_sched_setaffinity, 0, sizeof(one), &one), EINVAL, "a mask of no existing CPU: EINVAL");
	UT_EXPECT_ERR(syscall(SYS_sched_setaffinity, 0x3ffffff0, sizeof(one), &one), ESRCH, "setaffinity of no such pid: ESRCH");
	UT_EXPECT_ERR(syscall(SYS_sched_setaffinity, 0, 8, (void*)8), EFAULT, "setaffinity from a bad pointer: EFAULT");
	one = ~0UL;
	UT_EXPECT(syscall(SYS_sched_setaffinity, 0, sizeof(one), &one) == 0, "every CPU again");
	UT_EXPECT(syscall(SYS_sched_getaffinity, 0, sizeof(mask), mask) == 8 && __builtin_popcountl(mask[0]) == ncpu,
	          "the mask holds only the CPUs that exist");
	UT_EXPECT_ERR(syscall(SYS_getcpu, (void*)8, NULL, NULL), EFAULT, "getcpu to a bad pointer: EFAULT");

	/* policies */
	UT_EXPECT(syscall(SYS_sched_getscheduler, 0) == SCHED_OTHER && getprio() == 0, "init runs SCHED_OTHER, priority 0");
	UT_EXPECT(syscall(SYS_sched_get_priority_max, SCHED_FIFO) == 99 && syscall(SYS_sched_get_priority_min, SCHED_FIFO) == 1,
	          "SCHED_FIFO priorities 1..99");
	UT_EXPECT(syscall(SYS_sched_get_priority_max, SCHED_RR) == 99 && syscall(SYS_sched_get_priority_min, SCHED_RR) == 1,
	          "SCHED_RR priorities 1..99");
	UT_EXPECT(syscall(SYS_sched_get_priority_max, SCHED_OTHER) == 0 && syscall(SYS_sched_get_priority_min, SCHED_BATCH) == 0 &&
	              syscall(SYS_sched_get_priority_max, SCHED_IDLE) == 0,
	          "OTHER, BATCH and IDLE: priority 0");
	UT_EXPECT_ERR(syscall(SYS_sched_get_priority_max, 4), EINVAL, "priority_max of policy 4: EINVAL");
	UT_EXPECT_ERR(syscall(SYS_sched_get_priority_min, -1), EINVAL, "priority_min of policy -1: EINVAL");
	UT_EXPECT(setsched(0, SCHED_FIFO, 10) == 0, "SCHED_FIFO 10");
	UT_EXPECT(syscall(SYS_sched_getscheduler, 0) == SCHED_FIFO && getprio() == 10, "reads back as SCHED_FIFO 10");
	struct param p = {20};
	UT_EXPECT(syscall(SYS_sched_setparam, 0, &p) == 0 && getprio() == 20 && syscall(SYS_sched_getscheduler, 0) == SCHED_FIFO,
	          "sched_setparam changes the priority, not the policy");
	UT_EXPECT(setsched(0, SCHED_RR | SCHED_RESET_ON_FORK, 5) == 0, "SCHED_RR 5 with SCHED_RESET_ON_FORK");
	UT_EXPECT(syscall(SYS_sched_getscheduler, 0) == (SCHED_RR | SCHED_RESET_ON_FORK), "getscheduler reports the flag");
	UT_EXPECT(setsched(0, SCHED_OTHER, 0) == 0 && syscall(SYS_sched_getscheduler, 0) == SCHED_OTHER,
	          "back to SCHED_OTHER (root may clear the flag)");
	UT_EXPECT(setsched(0, SCHED_BATCH, 0) == 0 && syscall(SYS_sched_getscheduler, 0) == SCHED_BATCH, "SCHED_BATCH");
	UT_EXPECT(setsched(0, SCHED_IDLE, 0) == 0 && syscall(SYS_sched_getscheduler, 0) == SCHED_IDLE, "SCHED_IDLE");
	UT_EXPECT(setsched(0, SCHED_OTHER, 0) == 0, "SCHED_OTHER");
	UT_EXPECT_ERR(setsched(0, SCHED_FIFO, 0), EINVAL, "SCHED_FIFO priority 0: EINVAL");
	UT_EXPECT_ERR(setsched(0, SCHED_FIFO, 100), EINVAL, "SCHED_FIFO priority 100: EINVAL");
	UT_EXPECT_ERR(setsched(0, SCHED_OTHER, 5), EINVAL, "SCHED_OTHER priority 5: EINVAL");
	UT_EXPECT_ERR(setsched(0, 4, 0), EINVAL, "policy 4: EINVAL");
	UT_EXPECT_ERR(setsched(0, -1, 0), EINVAL, "policy -1: EINVAL");
	UT_EXPECT_ERR(setsched(0, SCHED_DEADLINE, 0), EINVAL, "SCHED_DEADLINE through sched_setscheduler: EINVAL");
	UT_EXPECT_ERR(setsched(-1, SCHED_OTHER, 0), EINVAL, "pid -1: EINVAL");
	UT_EXPECT_ERR(syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, NULL), EINVAL, "NULL param: EINVAL");
	UT_EXPECT_ERR(setsched(0x3ffffff0, SCHED_OTHER, 0), ESRCH, "no such pid: ESRCH");
	UT_EXPECT_ERR(syscall(SYS_sched_getscheduler, -1), EINVAL, "getscheduler(-1): EINVAL");
	UT_EXPECT_ERR(syscall(SYS_sched_getparam, 0, NULL), EINVAL, "getparam(NULL): EINVAL");
	UT_EXPECT_ERR(syscall(SYS_sched_getparam, 0x3ffffff0, &p), ESRCH, "getparam of no such pid: ESRCH");
	UT_EXPECT(syscall(SYS_sched_yield) == 0, "sched_yield");

	/* nice */
	UT_EXPECT(getpriority(PRIO_PROCESS, 0) == 0, "nice 0");
	UT_EXPECT(syscall(SYS_getpriority, PRIO_PROCESS, 0) == 20, "the raw getpriority returns 20 - nice");
	UT_EXPECT(setpriority(PRIO_PROCESS, 0, 5) == 0 && getpriority(PRIO_PROCESS, 0) == 5, "nice 5");
	UT_EXPECT(setpriority(PRIO_PROCESS, getpid(), 100) == 0 && getpriority(PRIO_PROCESS, getpid()) == 19,
	          "nice 100 is clamped to 19");
	UT_EXPECT(setpriority(PRIO_PROCESS, 0, -20) == 0 && getpriority(PRIO_PROCESS, 0) == -20, "root may go to -20");
	UT_EXPECT(setpriority(PRIO_PROCESS, 0, 0) == 0, "back to 0");
	UT_EXPECT_ERR(syscall(SYS_getpriority, PRIO_PROCESS, 0x3ffffff0), ESRCH, "getpriority of no such pid: ESRCH");
	UT_EXPECT_ERR(syscall(SYS_setpriority, PRIO_PROCESS, 0x3ffffff0, 0), ESRCH, "setpriority of no such pid: ESRCH");
	UT_EXPECT_ERR(syscall(SYS_getpriority, 3, 0), EINVAL, "which 3: EINVAL");
	UT_EXPECT_ERR(syscall(SYS_setpriority, -1, 0, 0), EINVAL, "which -1: EINVAL");
	return ut_done();
}
