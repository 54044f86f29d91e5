/*
 * epoll (Linux: fs/eventpoll.c).
 *
 * Data structures, under Linux's names:
 *   struct eventpoll  one per epoll file: the interest set (rbr, an rbtree
 *                     of epitems keyed by file and fd), the ready list
 *                     (rdllist) and two wait queues: wq for epoll_wait
 *                     sleepers, poll_wait for pollers of the epoll file
 *                     itself (nested epoll, poll(2) on an epoll fd)
 *   struct epitem     one watched (file, fd): the events asked for, its
 *                     place on the ready list, and its eppoll_entries
 *   struct eppoll_entry  the epitem's hook on one of the target file's
 *                     wait queues (the file's ->poll named it through
 *                     poll_wait -> ep_ptable_queue_proc); its wake
 *                     function, ep_poll_callback, puts the epitem on the
 *                     ready list and wakes epoll_wait
 *   file->f_ep        the epitems watching that file, so that its last
 *                     close removes them (eventpoll_release)
 *
 * epoll_wait takes the ready list, asks each file again (vfs_poll without
 * queueing) and reports what is still ready and wanted; a level-triggered
 * item goes back on the list, an edge-triggered one (EPOLLET) waits for
 * the next wake-up, an EPOLLONESHOT one is disarmed until EPOLL_CTL_MOD.
 *
 * Differences from Linux: no ovflist (the ready list is taken whole under
 * ep->lock and callbacks arriving meanwhile go straight onto the new
 * list), no EPOLLWAKEUP wakeup sources (the flag is accepted and cleared
 * without CAP_BLOCK_SUSPEND, as Linux), no busy polling.  Loops and depth
 * of nested epoll are checked as Linux: adding an epoll file to itself is
 * EINVAL, a loop or more than EP_MAX_NESTS levels is ELOOP.
 *
 * Lock order: epmutex (adds of epoll files, closes of watched files) ->
 * ep->mtx -> the target's wait-queue lock -> ep->lock -> ep->wq.lock.
 */
#include <fs/anon_inodes.h>
#include <fs/fdtable.h>
#include <fs/fs.h>
#include <fs/poll.h>
#include <kernel/compiler.h>
#include <kernel/jiffies.h>
#include <kernel/mutex.h>
#include <kernel/restart.h>
#include <kernel/sched.h>
#include <kernel/sched/signal.h>
#include <kernel/signal.h>
#include <kernel/syscalls.h>
#include <kernel/time.h>
#include <kernel/uaccess.h>
#include <lib/list.h>
#include <lib/rbtree.h>
#include <lib/scope.h>
#include <mm/slab.h>
#include <new>
#include <uapi/asm-generic/errno.h>
#include <uapi/linux/fcntl.h>
#include <uapi/linux/time.h>

#define EPOLL_CLOEXEC O_CLOEXEC
#define EPOLL_CTL_ADD 1
#define EPOLL_CTL_DEL 2
#define EPOLL_CTL_MOD 3
#define EPOLLEXCLUSIVE (1u << 28)
#define EPOLLWAKEUP (1u << 29)
#define EPOLLONESHOT (1u << 30)
#define EPOLLET (1u << 31)
#define EP_PRIVATE_BITS (EPOLLWAKEUP | EPOLLONESHOT | EPOLLET | EPOLLEXCLUSIVE)
#define EPOLLINOUT_BITS (EPOLLIN | EPOLLOUT)
#define EPOLLEXCLUSIVE_OK_BITS \
	(EPOLLINOUT_BITS | EPOLLERR | EPOLLHUP | EPOLLWAKEUP | EPOLLET | EPOLLEXCLUSIVE)
#define EP_MAX_NESTS 4
#define EP_MAX_EVENTS (0x7fffffff / sizeof(struct epoll_event))

/* x86_64's struct epoll_event is packed: 12 bytes */
struct __attribute__((packed)) epoll_event {
	uint32_t events;
	uint64_t data;
};

struct eventpoll;
struct epitem;

struct eppoll_entry {
	struct eppoll_entry* next; /* the epitem's other hooks */
	struct epitem* base;
	struct wait_queue_entry wait;
	struct wait_queue_head* whead;
};

struct epitem {
	struct rb_node rbn;       /* in ep->rbr */
	lib::list_head rdllink;   /* on ep->rdllist while ready (ep->lock) */
	struct file* file;        /* not a reference: the file's close removes us */
	int fd;
	struct eventpoll* ep;
	struct eppoll_entry* pwqlist;
	lib::list_head fllink;    /* on file->f_ep (epmutex or ep->mtx) */
	struct epoll_event event; /* what is watched, and the user's data */
	int nwait;                /* hooks made; -1 if one could not be */
};

struct eventpoll {
	struct mutex mtx;                 /* the interest set: adds, changes, removals, epoll_wait's scan */
	struct wait_queue_head wq;        /* epoll_wait sleepers */
	struct wait_queue_head poll_wait; /* pollers of this epoll file */
	lib::spinlock lock;               /* rdllist */
	lib::list_head rdllist;
	struct rb_root rbr;
	struct file* file;
	int visited; /* the loop check's mark (epmutex) */
};

namespace
{
struct mutex epmutex;
bool epmutex_ready;
struct kmem_cache* epi_cache;
struct kmem_cache* pwq_cache;

extern const struct file_operations eventpoll_fops;

/* every entry of from onto the tail of to, in order (list_splice_tail_init) */
void list_move_all_tail(lib::list_head* from, lib::list_head* to)
{
	while (!from->empty()) {
		lib::list_head* n = from->next;
		n->del_init();
		to->add_tail(n);
	}
}

/* every entry of from onto the front of to, in order (list_splice_init) */
void list_move_all_front(lib::list_head* from, lib::list_head* to)
{
	while (!from->empty()) {
		lib::list_head* n = from->prev;
		n->del_init();
		to->add(n);
	}
}

bool is_file_epoll(const struct file* f)
{
	return f->f_op == &eventpoll_fops;
}

bool ep_is_linked(const struct epitem* epi)
{
	return epi->rdllink.linked();
}

int ep_cmp_ffd(const struct file* f1, int fd1, const struct file* f2, int fd2)
{
	return f1 > f2 ? 1 : f1 < f2 ? -1 : fd1 - fd2;
}

struct epitem* ep_find(struct eventpoll* ep, struct file* file, int fd)
{
	for (struct rb_node* rbp = ep->rbr.rb_node; rbp;) {
		struct epitem* epi = rb_entry(rbp, struct epitem, rbn);
		int kcmp = ep_cmp_ffd(file, fd, epi->file, epi->fd);
		if (kcmp > 0)
			rbp = rbp->rb_right;
		else if (kcmp < 0)
			rbp = rbp->rb_left;
		else
			return epi;
	}
	return nullptr;
}

void ep_rbtree_insert(struct eventpoll* ep, struct epitem* epi)
{
	struct rb_node **p = &ep->rbr.rb_node, *parent = nullptr;
	while (*p) {
		parent = *p;
		struct epitem* epic = rb_entry(parent, struct epitem, rbn);
		if (ep_cmp_ffd(epi->file, epi->fd, epic->file, epic->fd) > 0)
			p = &parent->rb_right;
		else
			p = &parent->rb_left;
	}
	rb_link_node(&epi->rbn, parent, p);
	rb_insert_color(&epi->rbn, &ep->rbr);
}

/* epi is ready: on the ready list once, and epoll_wait sleepers and
 * pollers of the epoll file woken */
void ep_set_ready(struct eventpoll* ep, struct epitem* epi)
{
	{
		lib::spin_lock_irqsave_guard g(ep->lock);
		if (!ep_is_linked(epi))
			ep->rdllist.add_tail(&epi->rdllink);
	}
	if (waitqueue_active(&ep->wq))
		wake_up(&ep->wq);
	if (waitqueue_active(&ep->poll_wait))
		wake_up_poll(&ep->poll_wait, EPOLLIN | EPOLLRDNORM);
}

/* a watched file's wait queue was woken (Linux: ep_poll_callback) */
int ep_poll_callback(struct wait_queue_entry* wait, unsigned, int, void* key)
{
	struct eppoll_entry* pwq = container_of(wait, struct eppoll_entry, wait);
	struct epitem* epi = pwq->base;
	struct eventpoll* ep = epi->ep;
	__poll_t pollflags = (__poll_t)(unsigned long)key;
	{
		lib::spin_lock_irqsave_guard g(ep->lock);
		/* disarmed (EPOLLONESHOT fired): nothing until EPOLL_CTL_MOD */
		if (!(epi->event.events & ~EP_PRIVATE_BITS))
			return 0;
		if (pollflags && !(pollflags & epi->event.events))
			return 0;
		if (!ep_is_linked(epi))
			ep->rdllist.add_tail(&epi->rdllink);
	}
	if (waitqueue_active(&ep->wq))
		wake_up(&ep->wq);
	if (waitqueue_active(&ep->poll_wait))
		wake_up_poll(&ep->poll_wait, EPOLLIN | EPOLLRDNORM);
	return 1;
}

struct ep_pqueue {
	poll_table pt;
	struct epitem* epi;
};

/* the target's ->poll names a wait queue: hook the epitem on it */
void ep_ptable_queue_proc(struct file*, struct wait_queue_head* whead, poll_table* pt)
{
	struct ep_pqueue* epq = container_of(pt, struct ep_pqueue, pt);
	struct epitem* epi = epq->epi;
	if (epi->nwait < 0)
		return;
	void* mem = kmem_cache_alloc(pwq_cache, GFP_KERNEL);
	if (!mem) {
		epi->nwait = -1;
		return;
	}
	auto* pwq = new (mem) eppoll_entry();
	pwq->wait.flags = (epi->event.events & EPOLLEXCLUSIVE) ? WQ_FLAG_EXCLUSIVE : 0;
	pwq->wait.private_ = nullptr;
	pwq->wait.func = ep_poll_callback;
	pwq->wait.entry.init();
	pwq->whead = whead;
	pwq->base = epi;
	if (epi->event.events & EPOLLEXCLUSIVE)
		add_wait_queue_exclusive(whead, &pwq->wait);
	else
		add_wait_queue(whead, &pwq->wait);
	pwq->next = epi->pwqlist;
	epi->pwqlist = pwq;
	epi->nwait++;
}

/* what the item's file is ready for, of what it watches (Linux:
 * ep_item_poll); pt NULL: just ask */
__poll_t ep_item_poll(const struct epitem* epi, poll_table* pt)
{
	if (pt)
		pt->_key = epi->event.events;
	return vfs_poll(epi->file, pt) & epi->event.events;
}

void ep_unregister_pollwait(struct epitem* epi)
{
	while (struct eppoll_entry* pwq = epi->pwqlist) {
		epi->pwqlist = pwq->next;
		remove_wait_queue(pwq->whead, &pwq->wait);
		pwq->~eppoll_entry();
		kmem_cache_free(pwq_cache, pwq);
	}
}

/* drop epi from ep; hold ep->mtx (Linux: ep_remove) */
void ep_remove(struct eventpoll* ep, struct epitem* epi)
{
	ep_unregister_pollwait(epi);
	epi->fllink.del();
	rb_erase(&epi->rbn, &ep->rbr);
	{
		lib::spin_lock_irqsave_guard g(ep->lock);
		if (ep_is_linked(epi))
			epi->rdllink.del_init();
	}
	epi->~epitem();
	kmem_cache_free(epi_cache, epi);
}

/* would watching `target` from `ep` make a loop or nest too deep? */
bool ep_loop_check_proc(struct eventpoll* ep, struct eventpoll* target_ep, int depth)
{
	if (depth > EP_MAX_NESTS)
		return true;
	if (ep == target_ep)
		return true;
	if (ep->visited)
		return false;
	ep->visited = 1;
	bool bad = false;
	for (struct rb_node* rbp = rb_first(&ep->rbr); rbp && !bad; rbp = rb_next(rbp)) {
		struct epitem* epi = rb_entry(rbp, struct epitem, rbn);
		if (is_file_epoll(epi->file))
			bad = ep_loop_check_proc(static_cast<struct eventpoll*>(epi->file->private_data), target_ep,
			                         depth + 1);
	}
	ep->visited = 0;
	return bad;
}

/* the depth of epoll files below ep (0: none) */
int ep_depth_below(struct eventpoll* ep, int depth)
{
	if (depth > EP_MAX_NESTS)
		return depth;
	int max = depth;
	for (struct rb_node* rbp = rb_first(&ep->rbr); rbp; rbp = rb_next(rbp)) {
		struct epitem* epi = rb_entry(rbp, struct epitem, rbn);
		if (is_file_epoll(epi->file)) {
			int d = ep_depth_below(static_cast<struct eventpoll*>(epi->file->private_data), depth + 1);
			if (d > max)
				max = d;
		}
	}
	return max;
}

lib::Result<void> ep_insert(struct eventpoll* ep, const struct epoll_event* event, struct file* tfile, int fd)
{
	void* mem = kmem_cache_alloc(epi_cache, GFP_KERNEL);
	if (!mem)
		return lib::Error{ENOMEM};
	auto* epi = new (mem) epitem();
	epi->rdllink.init();
	epi->fllink.init();
	epi->file = tfile;
	epi->fd = fd;
	epi->ep = ep;
	epi->pwqlist = nullptr;
	epi->event = *event;
	epi->nwait = 0;
	tfile->f_ep.add_tail(&epi->fllink);
	ep_rbtree_insert(ep, epi);
	struct ep_pqueue epq;
	epq.epi = epi;
	epq.pt._qproc = ep_ptable_queue_proc;
	__poll_t revents = ep_item_poll(epi, &epq.pt);
	if (epi->nwait < 0) {
		ep_remove(ep, epi);
		return lib::Error{ENOMEM};
	}
	if (revents)
		ep_set_ready(ep, epi);
	return lib::ok();
}

lib::Result<void> ep_modify(struct eventpoll* ep, struct epitem* epi, const struct epoll_event* event)
{
	{
		lib::spin_lock_irqsave_guard g(ep->lock);
		epi->event.events = event->events; /* re-arms an EPOLLONESHOT item */
		epi->event.data = event->data;
	}
	if (ep_item_poll(epi, nullptr))
		ep_set_ready(ep, epi);
	return lib::ok();
}

/* report up to maxevents ready items; hold ep->mtx (Linux: ep_send_events) */
lib::Result<int> ep_send_events(struct eventpoll* ep, user_ptr<struct epoll_event> events, int maxevents)
{
	lib::list_head txlist;
	{
		lib::spin_lock_irqsave_guard g(ep->lock);
		list_move_all_tail(&ep->rdllist, &txlist);
	}
	int res = 0;
	lib::Result<int> err = 0;
	while (!txlist.empty() && res < maxevents) {
		struct epitem* epi = list_first_entry(&txlist, struct epitem, rdllink);
		{
			lib::spin_lock_irqsave_guard g(ep->lock);
			epi->rdllink.del_init();
		}
		__poll_t revents = ep_item_poll(epi, nullptr);
		if (!revents)
			continue;
		struct epoll_event ev = {revents, epi->event.data};
		if (copy_to_user(user_ptr<void>(events.addr() + res * sizeof(struct epoll_event)), &ev, sizeof(ev))) {
			lib::spin_lock_irqsave_guard g(ep->lock);
			ep->rdllist.add_tail(&epi->rdllink);
			if (!res)
				err = lib::Error{EFAULT};
			break;
		}
		res++;
		lib::spin_lock_irqsave_guard g(ep->lock);
		if (epi->event.events & EPOLLONESHOT)
			epi->event.events &= EP_PRIVATE_BITS;
		else if (!(epi->event.events & EPOLLET) && !ep_is_linked(epi))
			ep->rdllist.add_tail(&epi->rdllink); /* level-triggered: asked again next time */
	}
	/* what was not reported goes back, in order */
	{
		lib::spin_lock_irqsave_guard g(ep->lock);
		list_move_all_front(&txlist, &ep->rdllist);
	}
	if (err.is_err())
		return err;
	return res;
}

bool ep_events_available(struct eventpoll* ep)
{
	lib::spin_lock_irqsave_guard g(ep->lock);
	return !ep->rdllist.empty();
}

/* wait for events until the deadline (ns on the monotonic clock; 0:
 * forever; zero: do not wait) (Linux: ep_poll) */
lib::Result<int> ep_poll(struct eventpoll* ep, user_ptr<struct epoll_event> events, int maxevents, uint64_t deadline,
                         bool zero)
{
	for (;;) {
		if (ep_events_available(ep)) {
			mutex_lock(&ep->mtx);
			lib::Result<int> r = ep_send_events(ep, events, maxevents);
			mutex_unlock(&ep->mtx);
			if (r.is_err() || r.value() > 0)
				return r;
		}
		if (zero)
			return 0;
		if (signal_pending(current))
			return lib::Error{EINTR};
		struct wait_queue_entry wait;
		init_wait_entry(&wait, WQ_FLAG_EXCLUSIVE);
		prepare_to_wait_exclusive(&ep->wq, &wait, TASK_INTERRUPTIBLE);
		bool timed_out = false;
		if (!ep_events_available(ep) && !signal_pending(current))
			timed_out = !schedule_hrtimeout(deadline);
		finish_wait(&ep->wq, &wait);
		if (timed_out && !ep_events_available(ep))
			return 0;
	}
}

__poll_t ep_eventpoll_poll(struct file* file, poll_table* wait)
{
	auto* ep = static_cast<struct eventpoll*>(file->private_data);
	poll_wait(file, &ep->poll_wait, wait);
	/* ready if an item on the ready list still is (Linux: __ep_eventpoll_poll) */
	mutex_lock(&ep->mtx);
	__poll_t res = 0;
	lib::list_head* pos;
	{
		lib::list_head snapshot;
		{
			lib::spin_lock_irqsave_guard g(ep->lock);
			list_move_all_tail(&ep->rdllist, &snapshot);
		}
		for (pos = snapshot.next; pos != &snapshot;) {
			struct epitem* epi = list_entry(pos, struct epitem, rdllink);
			pos = pos->next;
			if (ep_item_poll(epi, nullptr)) {
				res = EPOLLIN | EPOLLRDNORM;
			} else if (!(epi->event.events & EPOLLET)) {
				lib::spin_lock_irqsave_guard g(ep->lock);
				epi->rdllink.del_init(); /* no longer ready */
			}
		}
		lib::spin_lock_irqsave_guard g(ep->lock);
		list_move_all_front(&snapshot, &ep->rdllist);
	}
	mutex_unlock(&ep->mtx);
	return res;
}

void ep_eventpoll_release(struct inode*, struct file* file)
{
	auto* ep = static_cast<struct eventpoll*>(file->private_data);
	mutex_lock(&epmutex);
	mutex_lock(&ep->mtx);
	while (struct rb_node* rbp = rb_first(&ep->rbr))
		ep_remove(ep, rb_entry(rbp, struct epitem, rbn));
	mutex_unlock(&ep->mtx);
	mutex_unlock(&epmutex);
	ep->~eventpoll();
	kfree(ep);
}

const struct file_operations eventpoll_fops = {
    .llseek = nullptr,
    .read_iter = nullptr,
    .write_iter = nullptr,
    .iterate_shared = nullptr,
    .open = nullptr,
    .release = ep_eventpoll_release,
    .fsync = nullptr,
    .mmap = nullptr,
    .poll = ep_eventpoll_poll,
    .unlocked_ioctl = nullptr,
};

void ep_init_once()
{
	if (epmutex_ready)
		return;
	mutex_init(&epmutex);
	epi_cache = kmem_cache_create("eventpoll_epi", sizeof(struct epitem), 0, SLAB_HWCACHE_ALIGN | SLAB_PANIC, nullptr);
	pwq_cache = kmem_cache_create("eventpoll_pwq", sizeof(struct eppoll_entry), 0, SLAB_PANIC, nullptr);
	epmutex_ready = true;
}

lib::Result<long> do_epoll_create(int flags)
{
	if (flags & ~EPOLL_CLOEXEC)
		return lib::Error{EINVAL};
	void* mem = kzalloc(sizeof(struct eventpoll), GFP_KERNEL);
	if (!mem)
		return lib::Error{ENOMEM};
	auto* ep = new (mem) eventpoll();
	mutex_init(&ep->mtx);
	init_waitqueue_head(&ep->wq);
	init_waitqueue_head(&ep->poll_wait);
	ep->rdllist.init();
	ep->rbr = RB_ROOT;
	int fd = TRY(get_unused_fd_flags(O_RDWR | (flags & O_CLOEXEC)));
	lib::Result<struct file*> f = anon_inode_getfile("[eventpoll]", &eventpoll_fops, ep, O_RDWR | (flags & O_CLOEXEC));
	if (f.is_err()) {
		put_unused_fd(fd);
		ep->~eventpoll();
		kfree(ep);
		return f.error_value();
	}
	ep->file = f.value();
	fd_install(fd, f.value());
	return fd;
}

/* epmutex is taken only for an epoll file added to another (the loop
 * check), which the thread-safety analysis cannot follow */
lib::Result<void> do_epoll_ctl(int epfd, int op, int fd, struct epoll_event* epds) NO_THREAD_SAFETY_ANALYSIS
{
	lib::ref<file> f = fdget(epfd);
	if (!f)
		return lib::Error{EBADF};
	lib::ref<file> tf = fdget(fd);
	if (!tf)
		return lib::Error{EBADF};
	if (!tf->f_op->poll) /* regular files are always ready: EPERM, as Linux */
		return lib::Error{EPERM};
	if (f.get() == tf.get() || !is_file_epoll(f.get()))
		return lib::Error{EINVAL};
	if (op != EPOLL_CTL_DEL) {
		if (epds->events & EPOLLEXCLUSIVE) {
			if (op == EPOLL_CTL_MOD)
				return lib::Error{EINVAL};
			if (is_file_epoll(tf.get()) || (epds->events & ~EPOLLEXCLUSIVE_OK_BITS))
				return lib::Error{EINVAL};
		}
		epds->events &= ~EPOLLWAKEUP; /* no wakeup sources without CAP_BLOCK_SUSPEND */
	}
	auto* ep = static_cast<struct eventpoll*>(f->private_data);
	bool nested = op == EPOLL_CTL_ADD && is_file_epoll(tf.get());
	if (nested)
		mutex_lock(&epmutex);
	lib::scope_exit unlock_epmutex([nested]() NO_THREAD_SAFETY_ANALYSIS {
		if (nested)
			mutex_unlock(&epmutex);
	});
	if (nested) {
		auto* tep = static_cast<struct eventpoll*>(tf->private_data);
		/* a loop, or a chain deeper than EP_MAX_NESTS, is ELOOP */
		if (ep_loop_check_proc(tep, ep, 0) || ep_depth_below(tep, 1) >= EP_MAX_NESTS)
			return lib::Error{ELOOP};
	}
	mutex_guard g(ep->mtx);
	struct epitem* epi = ep_find(ep, tf.get(), fd);
	switch (op) {
	case EPOLL_CTL_ADD:
		if (epi)
			return lib::Error{EEXIST};
		epds->events |= EPOLLERR | EPOLLHUP;
		return ep_insert(ep, epds, tf.get(), fd);
	case EPOLL_CTL_DEL:
		if (!epi)
			return lib::Error{ENOENT};
		ep_remove(ep, epi);
		return lib::ok();
	case EPOLL_CTL_MOD:
		if (!epi)
			return lib::Error{ENOENT};
		if (epi->event.events & EPOLLEXCLUSIVE)
			return lib::Error{EINVAL};
		epds->events |= EPOLLERR | EPOLLHUP;
		return ep_modify(ep, epi, epds);
	default:
		return lib::Error{EINVAL};
	}
}

lib::Result<int> do_epoll_wait(int epfd, user_ptr<struct epoll_event> events, int maxevents, uint64_t deadline,
                               bool zero)
{
	if (maxevents <= 0 || (unsigned long)maxevents > EP_MAX_EVENTS)
		return lib::Error{EINVAL};
	if (!access_ok(events, size_t(maxevents) * sizeof(struct epoll_event)))
		return lib::Error{EFAULT};
	lib::ref<file> f = fdget(epfd);
	if (!f)
		return lib::Error{EBADF};
	if (!is_file_epoll(f.get()))
		return lib::Error{EINVAL};
	return ep_poll(static_cast<struct eventpoll*>(f->private_data), events, maxevents, deadline, zero);
}

uint64_t ms_deadline(int timeout, bool* zero)
{
	*zero = timeout == 0;
	return timeout > 0 ? ktime_get_ns() + uint64_t(timeout) * 1000000ULL : 0;
}
} // namespace

void eventpoll_release_file(struct file* file)
{
	/* the file is going: every epitem watching it goes (Linux:
	 * eventpoll_release_file) */
	mutex_lock(&epmutex);
	while (!file->f_ep.empty()) {
		struct epitem* epi = list_first_entry(&file->f_ep, struct epitem, fllink);
		struct eventpoll* ep = epi->ep;
		mutex_lock(&ep->mtx);
		ep_remove(ep, epi);
		mutex_unlock(&ep->mtx);
	}
	mutex_unlock(&epmutex);
}

void eventpoll_init()
{
	ep_init_once();
}

SYSCALL_DEFINE1(epoll_create1, int, flags)
{
	return TRY(do_epoll_create(flags));
}

SYSCALL_DEFINE1(epoll_create, int, size)
{
	if (size <= 0)
		return lib::Error{EINVAL};
	return TRY(do_epoll_create(0));
}

SYSCALL_DEFINE4(epoll_ctl, int, epfd, int, op, int, fd, user_ptr<struct epoll_event>, event)
{
	struct epoll_event epds = {};
	if (op != EPOLL_CTL_DEL && copy_from_user(&epds, event, sizeof(epds)))
		return lib::Error{EFAULT};
	TRY(do_epoll_ctl(epfd, op, fd, &epds));
	return 0;
}

SYSCALL_DEFINE4(epoll_wait, int, epfd, user_ptr<struct epoll_event>, events, int, maxevents, int, timeout)
{
	bool zero;
	uint64_t deadline = ms_deadline(timeout, &zero);
	lib::Result<int> r = do_epoll_wait(epfd, events, maxevents, deadline, zero);
	if (r.is_err() && r.error() == EINTR)
		return lib::Error{EINTR}; /* epoll_wait is never restarted, as Linux */
	return TRY(r);
}

SYSCALL_DEFINE6(epoll_pwait, int, epfd, user_ptr<struct epoll_event>, events, int, maxevents, int, timeout,
                user_ptr<const sigset_t>, sigmask, size_t, sigsetsize)
{
	bool zero;
	uint64_t deadline = ms_deadline(timeout, &zero);
	TRY(set_user_sigmask(sigmask, sigsetsize));
	lib::Result<int> r = do_epoll_wait(epfd, events, maxevents, deadline, zero);
	bool interrupted = r.is_err() && r.error() == EINTR;
	restore_saved_sigmask_unless(interrupted);
	return TRY(r);
}

SYSCALL_DEFINE6(epoll_pwait2, int, epfd, user_ptr<struct epoll_event>, events, int, maxevents,
                user_ptr<const struct __kernel_timespec>, timeout, user_ptr<const sigset_t>, sigmask, size_t,
                sigsetsize)
{
	bool zero = false;
	uint64_t deadline = 0;
	if (timeout) {
		struct __kernel_timespec ts;
		if (copy_from_user(&ts, timeout, sizeof(ts)))
			return lib::Error{EFAULT};
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000L)
			return lib::Error{EINVAL};
		zero = !ts.tv_sec && !ts.tv_nsec;
		if (!zero)
			deadline = ktime_get_ns() + uint64_t(ts.tv_sec) * 1000000000ULL + uint64_t(ts.tv_nsec);
	}
	TRY(set_user_sigmask(sigmask, sigsetsize));
	lib::Result<int> r = do_epoll_wait(epfd, events, maxevents, deadline, zero);
	bool interrupted = r.is_err() && r.error() == EINTR;
	restore_saved_sigmask_unless(interrupted);
	return TRY(r);
}
