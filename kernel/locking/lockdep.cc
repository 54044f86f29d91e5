/*
 * Lock-order validator (Linux: kernel/locking/lockdep.c), reduced to the
 * two checks Linux reports most: recursive locking and a circular
 * dependency between two locks.  See include/kernel/lockdep.h.
 *
 * Data structures: deps[], a fixed pool of direct dependencies (from ->
 * to, with the call sites that created it), chained from dep_hash[] by
 * the pair's hash, so the check on every acquire costs a few probes and
 * not a walk of the table; current->held_locks[0..lockdep_depth).
 *
 * Invariants: a dependency is only added by a task that holds `from`
 * while it acquires `to` (not by trylock); held_locks is touched only by
 * its own task, and only in task context (spin_acquire/spin_release
 * ignore locks taken in interrupt or softirq context, which would
 * otherwise land on the interrupted task's stack).  When the pool is
 * full, new dependencies are dropped (printed once).
 *
 * Lock order: lockdep_lock is innermost, taken with interrupts off, and
 * not tracked itself (lib::untracked_spinlock, as Linux's arch_spinlock_t
 * graph lock); the report is printed after dropping it.
 */
#include <kernel/lockdep.h>
#include <kernel/panic.h>
#include <kernel/params.h>
#include <kernel/preempt.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <lib/spinlock.h>

bool debug_locks;
bool lockdep_tracking;

namespace {
struct lock_dep {
	const void* from;
	const void* to;
	unsigned long from_ip;
	unsigned long to_ip;
	int next; /* index + 1 of the next entry in its hash chain; 0: the end */
};

constexpr int MAX_DEPS = 4096;
constexpr int DEP_HASH_SIZE = 1024;
lib::untracked_spinlock lockdep_lock;
struct lock_dep deps[MAX_DEPS] GUARDED_BY(lockdep_lock);
int dep_hash[DEP_HASH_SIZE] GUARDED_BY(lockdep_lock); /* index + 1 of a chain's first entry; 0: empty */
int nr_deps_used GUARDED_BY(lockdep_lock);            /* deps[0..nr_deps_used) handed out once */
int free_deps GUARDED_BY(lockdep_lock);               /* index + 1 of the first removed entry */
bool deps_full_printed;

lib::Result<void> lockdep_setup(std::string_view)
{
	debug_locks = true;
	lockdep_tracking = true;
	return lib::ok();
}

unsigned dep_hash_of(const void* from, const void* to)
{
	uint64_t h = (reinterpret_cast<uintptr_t>(from) >> 3) * 0x9e3779b97f4a7c15ULL;
	h ^= (reinterpret_cast<uintptr_t>(to) >> 3) * 0xc2b2ae3d27d4eb4fULL;
	return unsigned(h >> 32) & (DEP_HASH_SIZE - 1);
}

/* deps[] index of from->to or -1 */
int find_dep(const void* from, const void* to) REQUIRES(lockdep_lock)
{
	for (int n = dep_hash[dep_hash_of(from, to)]; n; n = deps[n - 1].next)
		if (deps[n - 1].from == from && deps[n - 1].to == to)
			return n - 1;
	return -1;
}

/* false when the pool is full */
bool add_dep(const void* from, const void* to, unsigned long from_ip, unsigned long to_ip) REQUIRES(lockdep_lock)
{
	int i;
	if (free_deps) {
		i = free_deps - 1;
		free_deps = deps[i].next;
	} else if (nr_deps_used < MAX_DEPS) {
		i = nr_deps_used++;
	} else {
		return false;
	}
	int* head = &dep_hash[dep_hash_of(from, to)];
	deps[i] = {from, to, from_ip, to_ip, *head};
	*head = i + 1;
	return true;
}

void debug_locks_off()
{
	debug_locks = false;
	pr_warn("turning off the locking correctness validator.\n");
}

void print_lock(const struct held_lock* h)
{
	pr_warn(" (%s)%px, at: %pS\n", h->type, h->instance, reinterpret_cast<void*>(h->acquire_ip));
}

void print_recursive(const struct held_lock* next, const struct held_lock* prev)
{
	struct task_struct* curr = current;
	pr_warn("\n");
	pr_warn("============================================\n");
	pr_warn("WARNING: possible recursive locking detected\n");
	pr_warn("--------------------------------------------\n");
	pr_warn("%s/%d is trying to acquire lock:\n", curr->comm, task_pid_nr(curr));
	print_lock(next);
	pr_warn("\nbut task is already holding lock:\n");
	print_lock(prev);
	pr_warn("\n *** DEADLOCK ***\n\n");
	debug_locks_off();
	dump_stack();
}

void print_circular(const struct held_lock* next, const struct held_lock* prev, const struct lock_dep* d)
{
	struct task_struct* curr = current;
	pr_warn("\n");
	pr_warn("======================================================\n");
	pr_warn("WARNING: possible circular locking dependency detected\n");
	pr_warn("------------------------------------------------------\n");
	pr_warn("%s/%d is trying to acquire lock:\n", curr->comm, task_pid_nr(curr));
	print_lock(next);
	pr_warn("\nbut task is already holding lock:\n");
	print_lock(prev);
	pr_warn("\nwhich lock already depends on the new lock.\n\n");
	pr_warn("the existing dependency chain (in reverse order) is:\n");
	pr_warn("-> #1 (%px){%pS}:\n", d->to, reinterpret_cast<void*>(d->to_ip));
	pr_warn("-> #0 (%px){%pS}:\n", d->from, reinterpret_cast<void*>(d->from_ip));
	pr_warn("\n Possible unsafe locking scenario:\n\n");
	pr_warn("       CPU0                    CPU1\n");
	pr_warn("       ----                    ----\n");
	pr_warn("  lock(%px);\n", d->from);
	pr_warn("                               lock(%px);\n", d->to);
	pr_warn("                               lock(%px);\n", d->from);
	pr_warn("  lock(%px);\n", d->to);
	pr_warn("\n *** DEADLOCK ***\n\n");
	debug_locks_off();
	dump_stack();
}
} // namespace
__setup("lockdep", lockdep_setup);

void lockdep_init_map(const void* lock)
{
	if (!debug_locks)
		return;
	lib::spin_lock_irqsave_guard g(lockdep_lock);
	for (int& head : dep_hash) {
		int* link = &head;
		while (*link) {
			int i = *link - 1;
			if (deps[i].from == lock || deps[i].to == lock) {
				*link = deps[i].next;
				deps[i].next = free_deps;
				free_deps = i + 1;
			} else {
				link = &deps[i].next;
			}
		}
	}
}

void lock_acquire(const void* lock, const char* type, bool trylock, unsigned long ip)
{
	if (!debug_locks)
		return;
	struct task_struct* curr = current;
	struct held_lock next = {lock, type, ip};
	int depth = curr->lockdep_depth;
	if (!trylock) {
		for (int i = 0; i < depth; i++) {
			if (curr->held_locks[i].instance == lock) {
				print_recursive(&next, &curr->held_locks[i]);
				return;
			}
		}
		struct lock_dep bad = {};
		const struct held_lock* prev = nullptr;
		bool full = false;
		{
			lib::spin_lock_irqsave_guard g(lockdep_lock);
			for (int i = 0; i < depth && !prev; i++) {
				const struct held_lock* h = &curr->held_locks[i];
				int j = find_dep(lock, h->instance);
				if (j >= 0) {
					bad = deps[j];
					prev = h;
				} else if (find_dep(h->instance, lock) < 0 &&
				           !add_dep(h->instance, lock, h->acquire_ip, ip)) {
					full = true;
				}
			}
		}
		if (prev) {
			print_circular(&next, prev, &bad);
			return;
		}
		if (full && !deps_full_printed) {
			deps_full_printed = true;
			pr_warn("lockdep: dependency table full (%d), new orders are not recorded\n", MAX_DEPS);
		}
	}
	if (depth >= MAX_LOCK_DEPTH) {
		pr_warn("BUG: MAX_LOCK_DEPTH too low!\n");
		debug_locks_off();
		return;
	}
	curr->held_locks[depth] = next;
	curr->lockdep_depth = depth + 1;
}

void lock_release(const void* lock)
{
	if (!lockdep_tracking)
		return;
	struct task_struct* curr = current;
	int depth = curr->lockdep_depth;
	for (int i = depth - 1; i >= 0; i--) {
		if (curr->held_locks[i].instance != lock)
			continue;
		for (int j = i; j < depth - 1; j++)
			curr->held_locks[j] = curr->held_locks[j + 1];
		curr->lockdep_depth = depth - 1;
		return;
	}
}

/*
 * lib::spinlock's hooks (<lib/spinlock.h>), called only while lockdep is
 * on.  Task context only: a lock taken in a hardirq or softirq would be
 * pushed onto the interrupted task's held_locks, which that task may be
 * in the middle of changing.  Linux tracks irq context separately
 * (irq_context in struct held_lock); here interrupt-context locking is
 * simply not checked.
 */
void spin_acquire(const void* lock, bool trylock)
{
	if (in_task())
		lock_acquire(lock, "spinlock", trylock, _RET_IP_);
}

void spin_release(const void* lock)
{
	if (in_task())
		lock_release(lock);
}
