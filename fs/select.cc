/*
 * poll(2), ppoll(2), select(2) and pselect6(2) (Linux: fs/select.c).
 *
 * Each asks every file for its readiness through ->poll (vfs_poll,
 * <fs/poll.h>).  The first pass queues the caller on every wait queue the
 * files name (poll_wait -> __pollwait: one poll_table_entry each, inline
 * for the first N_INLINE_POLL_ENTRIES, then in pages); if nothing is
 * ready the caller sleeps (poll_schedule_timeout) until a wake-up on one
 * of them (pollwake), the timeout, or a signal, and polls again without
 * queueing.  poll_freewait dequeues everything and drops the files.
 *
 * Timeouts are absolute deadlines on the monotonic clock (ns); sleeps are
 * tick-granular (schedule_hrtimeout).  A signal ends the wait: poll(2)
 * restarts through restart_syscall with the time left (restart_block.poll,
 * ERESTART_RESTARTBLOCK), select/pselect6/ppoll return ERESTARTNOHAND,
 * and select/pselect6/ppoll write the time left back, as Linux.
 *
 * ppoll and pselect6 run with the mask they are given: set_user_sigmask
 * saves the old one in saved_sigmask and restore_saved_sigmask_unless
 * puts it back unless a signal is being delivered (<kernel/signal.h>).
 *
 * Limits: poll's nfds above RLIMIT_NOFILE is EINVAL; select's n is
 * clamped to the fd table's size; a closed fd in select's sets is EBADF,
 * in poll's array it is POLLNVAL.
 *
 * Lock order: the files' wait-queue locks (pollwake runs under one).
 */
#include <fs/fdtable.h>
#include <fs/fs.h>
#include <fs/poll.h>
#include <kernel/jiffies.h>
#include <kernel/restart.h>
#include <kernel/sched.h>
#include <kernel/sched/signal.h>
#include <kernel/signal.h>
#include <kernel/syscalls.h>
#include <kernel/time.h>
#include <kernel/timekeeping.h>
#include <kernel/uaccess.h>
#include <lib/scope.h>
#include <lib/string.h>
#include <mm/page_alloc.h>
#include <mm/slab.h>
#include <uapi/asm-generic/errno.h>
#include <uapi/linux/resource.h>
#include <uapi/linux/time.h>

struct poll_table_page {
	struct poll_table_page* next;
	struct poll_table_entry* entry; /* the next free one */
	struct poll_table_entry entries[];
};
#define POLL_TABLE_FULL(table) \
	((unsigned long)((table)->entry + 1) > PAGE_SIZE + (unsigned long)(table))

namespace
{
int pollwake(struct wait_queue_entry* wait, unsigned mode, int sync, void* key)
{
	struct poll_table_entry* entry = container_of(wait, struct poll_table_entry, wait);
	__poll_t k = (__poll_t)(unsigned long)key;
	if (k && !(k & entry->key))
		return 0;
	auto* pwq = static_cast<struct poll_wqueues*>(wait->private_);
	/* the poller tests triggered after setting its state: store, then wake */
	__atomic_store_n(&pwq->triggered, 1, __ATOMIC_SEQ_CST);
	struct wait_queue_entry dummy = {};
	dummy.private_ = pwq->polling_task;
	return default_wake_function(&dummy, mode, sync, key);
}

struct poll_table_entry* poll_get_entry(struct poll_wqueues* p)
{
	if (p->inline_index < N_INLINE_POLL_ENTRIES)
		return p->inline_entries + p->inline_index++;
	struct poll_table_page* table = p->table;
	if (!table || POLL_TABLE_FULL(table)) {
		auto* n = reinterpret_cast<struct poll_table_page*>(__get_free_page(GFP_KERNEL));
		if (!n) {
			p->error = ENOMEM;
			return nullptr;
		}
		n->entry = n->entries;
		n->next = table;
		p->table = n;
		table = n;
	}
	return table->entry++;
}

void __pollwait(struct file* filp, struct wait_queue_head* wq, poll_table* pt)
{
	struct poll_wqueues* pwq = container_of(pt, struct poll_wqueues, pt);
	struct poll_table_entry* entry = poll_get_entry(pwq);
	if (!entry)
		return;
	entry->filp = get_file(filp);
	entry->wait_address = wq;
	entry->key = pt->_key;
	entry->wait.flags = 0;
	entry->wait.private_ = pwq;
	entry->wait.func = pollwake;
	entry->wait.entry.init();
	add_wait_queue(wq, &entry->wait);
}

void free_poll_entry(struct poll_table_entry* entry)
{
	remove_wait_queue(entry->wait_address, &entry->wait);
	fput(entry->filp);
}

/* sleep until a queue is woken, the deadline (ns, 0: none) passes or a
 * signal comes; false when the deadline has passed */
bool poll_schedule_timeout(struct poll_wqueues* pwq, uint64_t deadline)
{
	set_current_state(TASK_INTERRUPTIBLE);
	bool timed_out = false;
	if (!__atomic_load_n(&pwq->triggered, __ATOMIC_SEQ_CST))
		timed_out = !schedule_hrtimeout(deadline);
	__set_current_state(TASK_RUNNING);
	__atomic_store_n(&pwq->triggered, 0, __ATOMIC_SEQ_CST);
	return !timed_out;
}

/* a relative timeout as an absolute monotonic deadline, 0 for none; a
 * zero timeout is "now" (1 ns after boot's start never comes back as 0) */
struct deadline {
	uint64_t at = 0;  /* ns; 0: wait forever */
	bool zero = false; /* do not wait at all */
};

lib::Result<struct deadline> deadline_from_timespec(user_ptr<const struct __kernel_timespec> uts)
{
	struct deadline d;
	if (!uts)
		return d;
	struct __kernel_timespec ts;
	if (copy_from_user(&ts, uts, sizeof(ts)))
		return lib::Error{EFAULT};
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000L)
		return lib::Error{EINVAL};
	if (!ts.tv_sec && !ts.tv_nsec) {
		d.zero = true;
		return d;
	}
	uint64_t rel = (uint64_t)ts.tv_sec > 0x7fffffffULL * 100 ? ~0ULL >> 2
	                                                          : (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
	d.at = ktime_get_ns() + rel;
	return d;
}

/* the time left to d, for the callers that write it back */
struct __kernel_timespec time_left(const struct deadline& d)
{
	struct __kernel_timespec ts = {0, 0};
	if (d.zero || !d.at)
		return ts;
	uint64_t now = ktime_get_ns();
	uint64_t left = d.at > now ? d.at - now : 0;
	ts.tv_sec = long(left / 1000000000ULL);
	ts.tv_nsec = long(left % 1000000000ULL);
	return ts;
}
} // namespace

void poll_initwait(struct poll_wqueues* pwq)
{
	pwq->pt._qproc = __pollwait;
	pwq->pt._key = ~0u;
	pwq->polling_task = current;
	pwq->triggered = 0;
	pwq->error = 0;
	pwq->table = nullptr;
	pwq->inline_index = 0;
}

void poll_freewait(struct poll_wqueues* pwq)
{
	for (int i = 0; i < pwq->inline_index; i++)
		free_poll_entry(pwq->inline_entries + i);
	struct poll_table_page* p = pwq->table;
	while (p) {
		for (struct poll_table_entry* e = p->entries; e < p->entry; e++)
			free_poll_entry(e);
		struct poll_table_page* old = p;
		p = p->next;
		free_pages(reinterpret_cast<unsigned long>(old), 0);
	}
}

/* ---- poll, ppoll ---- */
namespace
{
/* one fd's revents; POLLNVAL for a closed one (Linux: do_pollfd) */
__poll_t do_pollfd(struct pollfd* pfd, poll_table* pt)
{
	if (pfd->fd < 0)
		return 0;
	lib::ref<file> f = fdget(pfd->fd);
	if (!f)
		return EPOLLNVAL;
	__poll_t filter = __poll_t(uint16_t(pfd->events)) | EPOLLERR | EPOLLHUP;
	if (pt)
		pt->_key = filter;
	return vfs_poll(f.get(), pt) & filter;
}

lib::Result<int> do_poll(struct pollfd* fds, unsigned int nfds, struct poll_wqueues* wait, const struct deadline& d)
{
	poll_table* pt = &wait->pt;
	if (d.zero)
		pt->_qproc = nullptr; /* only ask */
	for (;;) {
		int count = 0;
		for (unsigned int i = 0; i < nfds; i++) {
			__poll_t mask = do_pollfd(&fds[i], pt);
			fds[i].revents = short(mask);
			if (mask) {
				count++;
				pt->_qproc = nullptr; /* one is ready: no more queueing */
			}
		}
		pt->_qproc = nullptr; /* every queue is known after the first pass */
		if (count || d.zero)
			return count;
		if (wait->error)
			return lib::Error{wait->error};
		if (signal_pending(current))
			return lib::Error{EINTR}; /* the callers turn it into their restart */
		if (!poll_schedule_timeout(wait, d.at))
			return 0;
	}
}

lib::Result<int> do_sys_poll(user_ptr<struct pollfd> ufds, unsigned int nfds, const struct deadline& d)
{
	if (nfds > rlimit(RLIMIT_NOFILE))
		return lib::Error{EINVAL};
	struct pollfd stack_fds[32];
	struct pollfd* fds = stack_fds;
	if (nfds > 32) {
		fds = static_cast<struct pollfd*>(kmalloc(sizeof(struct pollfd) * nfds, GFP_KERNEL));
		if (!fds)
			return lib::Error{ENOMEM};
	}
	lib::scope_exit free_fds([fds, &stack_fds] {
		if (fds != stack_fds)
			kfree(fds);
	});
	if (nfds)
		if (copy_from_user(fds, user_ptr<const struct pollfd>(ufds), sizeof(struct pollfd) * nfds))
		return lib::Error{EFAULT};
	struct poll_wqueues table;
	poll_initwait(&table);
	lib::Result<int> r = do_poll(fds, nfds, &table, d);
	poll_freewait(&table);
	if (r.is_err())
		return r;
	for (unsigned int i = 0; i < nfds; i++)
		TRY(put_user(fds[i].revents, user_ptr<short>(ufds.addr() + i * sizeof(struct pollfd) +
		                                              offsetof(struct pollfd, revents))));
	return r;
}

long do_restart_poll(struct restart_block* rb)
{
	struct deadline d;
	d.at = rb->poll.has_timeout ? rb->poll.tv_sec * 1000000000ULL + rb->poll.tv_nsec : 0;
	lib::Result<int> r = do_sys_poll(user_ptr<struct pollfd>(rb->poll.ufds), rb->poll.nfds, d);
	if (r.is_err() && r.error() == EINTR) {
		rb->fn = do_restart_poll;
		return -ERESTART_RESTARTBLOCK;
	}
	return r.is_err() ? -long(r.error()) : r.value();
}
} // namespace

SYSCALL_DEFINE3(poll, user_ptr<struct pollfd>, ufds, unsigned int, nfds, int, timeout_msecs)
{
	struct deadline d;
	if (timeout_msecs == 0)
		d.zero = true;
	else if (timeout_msecs > 0)
		d.at = ktime_get_ns() + uint64_t(timeout_msecs) * 1000000ULL;
	lib::Result<int> r = do_sys_poll(ufds, nfds, d);
	if (r.is_err() && r.error() == EINTR) {
		struct restart_block* rb = &current->restart_block;
		rb->fn = do_restart_poll;
		rb->poll.ufds = ufds.addr();
		rb->poll.nfds = int(nfds);
		rb->poll.has_timeout = d.at != 0;
		rb->poll.tv_sec = d.at / 1000000000ULL;
		rb->poll.tv_nsec = d.at % 1000000000ULL;
		return lib::Error{ERESTART_RESTARTBLOCK};
	}
	return TRY(r);
}

SYSCALL_DEFINE5(ppoll, user_ptr<struct pollfd>, ufds, unsigned int, nfds, user_ptr<struct __kernel_timespec>, tsp,
                user_ptr<const sigset_t>, sigmask, size_t, sigsetsize)
{
	struct deadline d = TRY(deadline_from_timespec(tsp));
	TRY(set_user_sigmask(sigmask, sigsetsize));
	lib::Result<int> r = do_sys_poll(ufds, nfds, d);
	bool interrupted = r.is_err() && r.error() == EINTR;
	restore_saved_sigmask_unless(interrupted);
	if (tsp && !d.zero && d.at) {
		struct __kernel_timespec left = time_left(d);
		(void)copy_to_user(tsp, &left, sizeof(left)); /* Linux ignores a failure here */
	}
	if (interrupted)
		return lib::Error{ERESTARTNOHAND};
	return TRY(r);
}

/* ---- select, pselect6 ---- */
namespace
{
constexpr __poll_t POLLIN_SET = EPOLLRDNORM | EPOLLRDBAND | EPOLLIN | EPOLLHUP | EPOLLERR;
constexpr __poll_t POLLOUT_SET = EPOLLWRBAND | EPOLLWRNORM | EPOLLOUT | EPOLLERR;
constexpr __poll_t POLLEX_SET = EPOLLPRI;

/* in/out/ex bitmaps from the user and the three result ones */
struct fd_set_bits {
	unsigned long *in, *out, *ex, *res_in, *res_out, *res_ex;
};

lib::Result<int> do_select(int n, struct fd_set_bits* fds, const struct deadline& d)
{
	struct poll_wqueues table;
	poll_initwait(&table);
	lib::scope_exit free_table([&table] { poll_freewait(&table); });
	poll_table* wait = d.zero ? nullptr : &table.pt;
	unsigned words = (unsigned(n) + BITS_PER_LONG - 1) / BITS_PER_LONG;
	/* every fd in the sets must be open (EBADF), as Linux's max_select_fd */
	for (unsigned w = 0; w < words; w++) {
		unsigned long all = fds->in[w] | fds->out[w] | fds->ex[w];
		for (; all; all &= all - 1) {
			unsigned fd = w * BITS_PER_LONG + __builtin_ctzl(all);
			if (fd >= unsigned(n))
				break;
			lib::ref<file> f = fdget(fd);
			if (!f)
				return lib::Error{EBADF};
		}
	}
	for (;;) {
		int retval = 0;
		for (unsigned w = 0; w < words; w++) {
			unsigned long in = fds->in[w], out = fds->out[w], ex = fds->ex[w];
			unsigned long all = in | out | ex, rin = 0, rout = 0, rex = 0;
			for (; all; all &= all - 1) {
				unsigned bit = __builtin_ctzl(all);
				unsigned fd = w * BITS_PER_LONG + bit;
				if (fd >= unsigned(n))
					break;
				unsigned long b = 1UL << bit;
				lib::ref<file> f = fdget(fd);
				if (!f)
					continue;
				if (wait)
					wait->_key = ((in & b) ? POLLIN_SET : 0) | ((out & b) ? POLLOUT_SET : 0) |
					             ((ex & b) ? POLLEX_SET : 0);
				__poll_t mask = vfs_poll(f.get(), wait);
				if ((mask & POLLIN_SET) && (in & b)) {
					rin |= b;
					retval++;
					wait = nullptr;
				}
				if ((mask & POLLOUT_SET) && (out & b)) {
					rout |= b;
					retval++;
					wait = nullptr;
				}
				if ((mask & POLLEX_SET) && (ex & b)) {
					rex |= b;
					retval++;
					wait = nullptr;
				}
			}
			fds->res_in[w] = rin;
			fds->res_out[w] = rout;
			fds->res_ex[w] = rex;
		}
		wait = nullptr;
		if (retval || d.zero)
			return retval;
		if (table.error)
			return lib::Error{table.error};
		if (signal_pending(current))
			return lib::Error{EINTR};
		if (!poll_schedule_timeout(&table, d.at))
			return 0;
	}
}

lib::Result<int> core_sys_select(int n, user_ptr<unsigned long> inp, user_ptr<unsigned long> outp,
                                 user_ptr<unsigned long> exp, const struct deadline& d)
{
	if (n < 0)
		return lib::Error{EINVAL};
	unsigned max_fds;
	{
		lib::spin_lock_guard g(current->files->file_lock);
		max_fds = current->files->fdtab.max_fds;
	}
	if (unsigned(n) > max_fds)
		n = int(max_fds);
	unsigned words = (unsigned(n) + BITS_PER_LONG - 1) / BITS_PER_LONG;
	size_t bytes = words * sizeof(unsigned long);
	unsigned long* bits = static_cast<unsigned long*>(kzalloc(6 * bytes + 1, GFP_KERNEL));
	if (!bits)
		return lib::Error{ENOMEM};
	lib::scope_exit free_bits([bits] { kfree(bits); });
	struct fd_set_bits fds = {bits, bits + words, bits + 2 * words, bits + 3 * words, bits + 4 * words,
	                          bits + 5 * words};
	if (inp && bytes)
		if (copy_from_user(fds.in, user_ptr<const unsigned long>(inp), bytes))
		return lib::Error{EFAULT};
	if (outp && bytes)
		if (copy_from_user(fds.out, user_ptr<const unsigned long>(outp), bytes))
		return lib::Error{EFAULT};
	if (exp && bytes)
		if (copy_from_user(fds.ex, user_ptr<const unsigned long>(exp), bytes))
		return lib::Error{EFAULT};
	int ret = TRY(do_select(n, &fds, d));
	if (inp && bytes)
		if (copy_to_user(inp, fds.res_in, bytes))
		return lib::Error{EFAULT};
	if (outp && bytes)
		if (copy_to_user(outp, fds.res_out, bytes))
		return lib::Error{EFAULT};
	if (exp && bytes)
		if (copy_to_user(exp, fds.res_ex, bytes))
		return lib::Error{EFAULT};
	return ret;
}
} // namespace

SYSCALL_DEFINE5(select, int, n, user_ptr<unsigned long>, inp, user_ptr<unsigned long>, outp, user_ptr<unsigned long>,
                exp, user_ptr<struct __kernel_old_timeval>, tvp)
{
	struct deadline d;
	if (tvp) {
		struct __kernel_old_timeval tv;
		if (copy_from_user(&tv, user_ptr<const struct __kernel_old_timeval>(tvp), sizeof(tv)))
		return lib::Error{EFAULT};
		if (tv.tv_sec < 0 || tv.tv_usec < 0)
			return lib::Error{EINVAL};
		/* Linux normalises tv_usec >= 1000000 into seconds */
		uint64_t rel = (uint64_t)tv.tv_sec * 1000000000ULL + (uint64_t)tv.tv_usec * 1000ULL;
		if (!rel)
			d.zero = true;
		else
			d.at = ktime_get_ns() + rel;
	}
	lib::Result<int> r = core_sys_select(n, inp, outp, exp, d);
	if (tvp && d.at) {
		struct __kernel_timespec left = time_left(d);
		struct __kernel_old_timeval tv = {left.tv_sec, left.tv_nsec / 1000};
		(void)copy_to_user(tvp, &tv, sizeof(tv));
	}
	if (r.is_err() && r.error() == EINTR)
		return lib::Error{ERESTARTNOHAND};
	return TRY(r);
}

SYSCALL_DEFINE6(pselect6, int, n, user_ptr<unsigned long>, inp, user_ptr<unsigned long>, outp,
                user_ptr<unsigned long>, exp, user_ptr<struct __kernel_timespec>, tsp, user_ptr<void>, sig)
{
	struct deadline d = TRY(deadline_from_timespec(tsp));
	/* the sixth argument: { const sigset_t* ss; size_t ss_len; } */
	user_ptr<const sigset_t> up;
	size_t sigsetsize = 0;
	if (sig) {
		unsigned long data[2];
		if (copy_from_user(data, user_ptr<const unsigned long>(sig.addr()), sizeof(data)))
		return lib::Error{EFAULT};
		up = user_ptr<const sigset_t>(data[0]);
		sigsetsize = data[1];
	}
	TRY(set_user_sigmask(up, sigsetsize));
	lib::Result<int> r = core_sys_select(n, inp, outp, exp, d);
	bool interrupted = r.is_err() && r.error() == EINTR;
	restore_saved_sigmask_unless(interrupted);
	if (tsp && d.at) {
		struct __kernel_timespec left = time_left(d);
		(void)copy_to_user(tsp, &left, sizeof(left));
	}
	if (interrupted)
		return lib::Error{ERESTARTNOHAND};
	return TRY(r);
}
