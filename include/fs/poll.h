/*
 * Waiting for files to become ready (Linux: include/linux/poll.h,
 * fs/select.c's poll_wqueues).
 *
 * A file's ->poll(file, pt) says what the file is ready for now and, when
 * pt has a queueing function, calls poll_wait(file, wq, pt) for each wait
 * queue whose wake-up may change that answer.  poll(2) and select(2)
 * (fs/select.cc) pass a poll_wqueues table: the first pass over the fds
 * queues one poll_table_entry per (file, wait queue) and later passes
 * pass no table (nothing more to queue); a wake-up on any queue whose key
 * meets the entry's interest sets `triggered` and wakes the poller, which
 * then polls every fd again.  epoll will use the same ->poll with its own
 * queueing function.
 *
 * A waker passes the readiness it created as the wake-up key
 * (wake_up_interruptible_poll(wq, EPOLLIN | EPOLLRDNORM)); key 0 wakes
 * every poller.
 *
 * Invariants: an entry is queued from the first pass until poll_freewait;
 * it holds a reference on its file for that long.
 * Lock order: the wait queue's lock only (pollwake runs under it).
 */
#pragma once
#include <fs/fs.h>
#include <kernel/wait.h>
#include <uapi/linux/eventpoll.h>

typedef void (*poll_queue_proc)(struct file* file, struct wait_queue_head* wq, struct poll_table_struct* pt);

typedef struct poll_table_struct {
	poll_queue_proc _qproc; /* NULL: only ask, do not queue */
	__poll_t _key;          /* the events the caller waits for (all: ~0) */
} poll_table;

#define DEFAULT_POLLMASK (EPOLLIN | EPOLLOUT | EPOLLRDNORM | EPOLLWRNORM)

static inline void poll_wait(struct file* filp, struct wait_queue_head* wq, poll_table* p)
{
	if (p && p->_qproc && wq)
		p->_qproc(filp, wq, p);
}

/* what file is ready for (Linux: vfs_poll) */
static inline __poll_t vfs_poll(struct file* file, poll_table* pt)
{
	if (!file->f_op->poll)
		return DEFAULT_POLLMASK;
	return file->f_op->poll(file, pt);
}

/* wake pollers and sleepers of wq for the events in key */
#define wake_up_interruptible_poll(x, m) __wake_up(x, TASK_INTERRUPTIBLE, 1, (void*)(unsigned long)(m))
#define wake_up_poll(x, m) __wake_up(x, TASK_NORMAL, 1, (void*)(unsigned long)(m))

struct poll_table_entry {
	struct file* filp;
	__poll_t key;
	struct wait_queue_entry wait;
	struct wait_queue_head* wait_address;
};

#define N_INLINE_POLL_ENTRIES 18
struct poll_table_page;

struct poll_wqueues {
	poll_table pt;
	struct poll_table_page* table;
	struct task_struct* polling_task;
	int triggered; /* a queue was woken since the last poll_schedule_timeout */
	int error;     /* ENOMEM queueing an entry */
	int inline_index;
	struct poll_table_entry inline_entries[N_INLINE_POLL_ENTRIES];
};

void poll_initwait(struct poll_wqueues* pwq);
void poll_freewait(struct poll_wqueues* pwq);
