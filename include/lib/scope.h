/*
 * scope.h - lib::scope_exit: run an undo step when a scope is left,
 * unless the set-up it guards succeeded and release()d it.
 *
 * Linux counterpart: the goto ladder at the end of a set-up function
 * (copy_process's bad_fork_cleanup_* labels): each step that can fail
 * jumps to the label that undoes the steps before it.  Here each step
 * owns its undo, written right beside it, and the destructors undo in the
 * reverse order of set-up on every early return (TRY included):
 *
 *     int pid = TRY(alloc_pid());
 *     lib::scope_exit undo_pid([&] { free_pid(pid); });
 *     TRY(next_step());        // fails: free_pid(pid) runs on return
 *     undo_pid.release();      // from here the pid belongs to the task
 *
 * Like C++'s std::experimental::scope_exit: not copyable or movable (it
 * lives on the stack where it was made), release() dismisses it for good.
 * Freestanding and host-compilable; no locks, no allocation.
 */
#pragma once

#include <utility>

namespace lib
{

template <class F> class [[nodiscard]] scope_exit
{
public:
	explicit scope_exit(F&& f) : f_(std::move(f)) {}
	explicit scope_exit(const F& f) : f_(f) {}
	scope_exit(const scope_exit&) = delete;
	scope_exit& operator=(const scope_exit&) = delete;
	~scope_exit()
	{
		if (active_)
			f_();
	}

	// The guarded set-up succeeded: do not undo it.
	void release() { active_ = false; }

private:
	F f_;
	bool active_ = true;
};

template <class F> scope_exit(F) -> scope_exit<F>;

} // namespace lib
