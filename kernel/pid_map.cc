/*
 * The pid bitmap allocator's core (Linux: kernel/pid.c alloc_pid over
 * lib/idr.c idr_alloc_cyclic).  Freestanding and host-compilable: see
 * <kernel/pid.h> for the rules, data structures and invariants; the
 * kernel's instance and its lock are in kernel/pid.cc.
 */
#include <kernel/pid.h>
#include <uapi/asm-generic/errno-base.h>

void pid_map::attach(unsigned long* bits, size_t capacity)
{
	bits_ = bits;
	capacity_ = capacity;
	pid_max_ = 0;
	cursor_ = 1;
	nr_allocated_ = 0;
	if (bits_ && capacity_)
		bits_[0] |= 1; /* pid 0: the idle task's, never handed out */
}

lib::Result<void> pid_map::set_pid_max(int n)
{
	if (n < pid_max_min || n > pid_max_max || size_t(n) > capacity_)
		return lib::Error{EINVAL};
	/* refuse to strand a live pid at or above the new limit */
	for (int p = n; p < pid_max_; p++)
		if (test(p))
			return lib::Error{EBUSY};
	pid_max_ = n;
	if (cursor_ > pid_max_)
		cursor_ = pid_max_;
	return lib::ok();
}

bool pid_map::test(int pid) const
{
	if (pid < 0 || size_t(pid) >= capacity_)
		return false;
	return (bits_[pid / BITS_PER_LONG] >> (pid % BITS_PER_LONG)) & 1;
}

long pid_map::find_next_zero(size_t from, size_t to) const
{
	if (from >= to)
		return -1;
	size_t i = from / BITS_PER_LONG;
	/* treat the bits below `from` in the first word as taken */
	unsigned long w = ~bits_[i] & (~0UL << (from % BITS_PER_LONG));
	for (;;) {
		if (w) {
			size_t bit = i * BITS_PER_LONG + size_t(__builtin_ctzl(w));
			return bit < to ? long(bit) : -1;
		}
		if (++i * BITS_PER_LONG >= to)
			return -1;
		w = ~bits_[i];
	}
}

lib::Result<int> pid_map::alloc()
{
	if (!pid_max_)
		return lib::Error{EAGAIN};
	/* Linux: pid_min = 1, RESERVED_PIDS once the cursor has passed it */
	int pid_min = cursor_ > RESERVED_PIDS ? RESERVED_PIDS : 1;
	int start = cursor_ > pid_min ? cursor_ : pid_min;
	long nr = find_next_zero(size_t(start), size_t(pid_max_));
	if (nr < 0)
		nr = find_next_zero(size_t(pid_min), size_t(start));
	if (nr < 0)
		return lib::Error{EAGAIN};
	bits_[nr / BITS_PER_LONG] |= 1UL << (nr % BITS_PER_LONG);
	cursor_ = int(nr) + 1;
	nr_allocated_++;
	return int(nr);
}

lib::Result<int> pid_map::alloc_nr(int nr)
{
	if (nr < 1 || nr >= pid_max_)
		return lib::Error{EINVAL};
	if (test(nr))
		return lib::Error{EEXIST};
	bits_[nr / BITS_PER_LONG] |= 1UL << (nr % BITS_PER_LONG);
	nr_allocated_++;
	return nr;
}

lib::Result<void> pid_map::free(int pid)
{
	if (pid <= 0 || pid >= pid_max_ || !test(pid))
		return lib::Error{EINVAL};
	bits_[pid / BITS_PER_LONG] &= ~(1UL << (pid % BITS_PER_LONG));
	nr_allocated_--;
	return lib::ok();
}
