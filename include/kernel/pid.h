/*
 * Process id allocation (Linux: kernel/pid.c alloc_pid/free_pid,
 * include/linux/threads.h PID_MAX_*, lib/idr.c idr_alloc_cyclic).
 *
 *   pid_map m(bits, capacity);   // storage: capacity bits, zeroed
 *   m.set_pid_max(32768);
 *   int pid = TRY(m.alloc());    // 1, 2, 3 ... or Error{EAGAIN}
 *   m.free(pid);
 *
 * Data structures: class pid_map, a bitmap with one bit per pid in
 * [0, pid_max) and a cursor (Linux's idr cursor): the pid after the last
 * one handed out.  The kernel's instance lives in kernel/pid.cc under
 * pidmap_lock; the class itself takes no lock and allocates nothing, so
 * the host tests (tests/host/test_pid.cc) run the very same code.
 *
 * Allocation as Linux's alloc_pid: the lowest free pid at or above the
 * cursor; when none is free up to pid_max, the search wraps around to
 * RESERVED_PIDS (300) - to 1 while the cursor has not yet passed 300, so
 * the first pids are 1, 2, 3 - and EAGAIN when no pid is free at all.
 * A pid whose bit is set (a live task) is never handed out again.
 *
 * Invariants: bit 0 is always set (pid 0 is the idle task's, never
 * allocated); set bits below pid_max == pids handed out and not freed,
 * plus bit 0; 1 <= cursor <= pid_max.
 *
 * Lock order: the caller's (kernel: tasklist_lock -> pidmap_lock).
 */
#pragma once
#include <cstddef>
#include <cstdint>
#include <lib/result.h>

#define PID_MAX_DEFAULT 0x8000          /* 32768 */
#define PID_MAX_LIMIT (4 * 1024 * 1024) /* 64-bit: 4M */
#define RESERVED_PIDS 300               /* daemons keep low pids after a wrap */
inline constexpr int pid_max_min = RESERVED_PIDS + 1;
inline constexpr int pid_max_max = PID_MAX_LIMIT;

class pid_map
{
public:
	static constexpr size_t BITS_PER_LONG = 64;
	static constexpr size_t longs_for(size_t nbits) { return (nbits + BITS_PER_LONG - 1) / BITS_PER_LONG; }

	constexpr pid_map() = default;
	/* bits: longs_for(capacity) zeroed words the map may use */
	pid_map(unsigned long* bits, size_t capacity) { attach(bits, capacity); }
	pid_map(const pid_map&) = delete;
	pid_map& operator=(const pid_map&) = delete;

	void attach(unsigned long* bits, size_t capacity);

	/* EINVAL when n is outside [pid_max_min, pid_max_max] or above the
	 * storage; lowering it below a live pid is refused (EBUSY) */
	lib::Result<void> set_pid_max(int n);
	int pid_max() const { return pid_max_; }

	/* a new pid, or EAGAIN when all of [1, pid_max) are taken */
	lib::Result<int> alloc();
	/* exactly nr (clone3's set_tid): EINVAL outside [1, pid_max), EEXIST
	 * when taken; the cursor does not move */
	lib::Result<int> alloc_nr(int nr);
	/* give pid back; EINVAL when it was not allocated (a bug in the caller) */
	lib::Result<void> free(int pid);
	bool test(int pid) const;

	int cursor() const { return cursor_; }
	int nr_allocated() const { return nr_allocated_; } /* not counting pid 0 */

private:
	/* the lowest clear bit in [from, to), or -1 */
	long find_next_zero(size_t from, size_t to) const;

	unsigned long* bits_ = nullptr;
	size_t capacity_ = 0;
	int pid_max_ = 0;
	int cursor_ = 1;
	int nr_allocated_ = 0;
};

/* ---- the kernel's pid space (kernel/pid.cc) ---- */
extern int pid_max; /* pid_max= on the command line, 301..4194304 */
/* allocate the map for pid_max; start_kernel calls it after parse_args */
void pid_idr_init();
/* a new pid number, or EAGAIN (all taken) / ENOMEM (before
 * pid_idr_init) as Linux's alloc_pid; Linux returns a struct pid, there is
 * none yet: the number is the id */
lib::Result<int> alloc_pid();
/* exactly nr, for clone3's set_tid (the caller checked the capability):
 * EINVAL, EEXIST */
lib::Result<int> alloc_pid_nr(int nr);
void free_pid(int nr);
/* the map's state, for tests */
int pid_nr_allocated();
bool pid_is_allocated(int nr);

/* ---- pidfds (kernel/pid.cc; Linux: kernel/pid.c, kernel/fork.c) ----
 * A pidfd is a file that refers to one process (its thread-group
 * leader's task_struct, held by a reference): pidfd_open(2) and
 * CLONE_PIDFD make them, waitid(P_PIDFD) and pidfd_send_signal(2) use
 * them.  Read and write fail (EINVAL), as Linux's. */
struct task_struct;
struct file;
/* a new pidfd file for p, O_RDWR plus flags' O_NONBLOCK; ENFILE/ENOMEM */
lib::Result<struct file*> pidfd_create_file(struct task_struct* p, unsigned int flags);
/* the pid the pidfd fd refers to (0 once the process was reaped) and its
 * file flags; EBADF (no such fd, or not a pidfd) */
lib::Result<int> pidfd_get_pid(unsigned int fd, unsigned int* flags);
