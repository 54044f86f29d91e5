/*
 * Pipes and FIFOs (Linux: include/linux/pipe_fs_i.h, fs/pipe.c).
 *
 * struct pipe_inode_info is the buffer behind a pipe(2) pair or an
 * opened FIFO: a ring of ring_size pipe_buffers (a power of two), each a
 * page with the unread bytes at [offset, offset + len).  head is where the
 * next buffer is written, tail the oldest unread one; both only grow and
 * are masked by ring_size - 1; the pipe is empty when head == tail and
 * full when head - tail >= max_usage.  A write of at most PIPE_BUF bytes
 * is atomic: it is merged into the last page only if it fits there whole,
 * else it takes a page of its own.
 *
 * Invariants: readers/writers count the open files for each direction,
 * files all of them; the buffer is freed with the last file (a FIFO's
 * inode then has no i_pipe).  r_counter/w_counter count opens ever made,
 * so a FIFO opener waiting for a partner sees one arrive even if it
 * closed again.
 *
 * Lock order: pipe->mutex (a sleeping lock, as i_rwsem) -> the wait
 * queues; nothing else is taken under it except the page allocator and
 * user copies (which may fault: the pipe is not on any fault path).
 */
#pragma once
#include <fs/fs.h>
#include <kernel/mutex.h>
#include <kernel/wait.h>

#define PIPE_DEF_BUFFERS 16
#define PIPE_BUF 4096 /* writes up to this are atomic (<limits.h>'s PIPE_BUF) */
#define PIPE_BUF_FLAG_PACKET 0x08    /* read only this buffer (O_DIRECT pipes) */
#define PIPE_BUF_FLAG_CAN_MERGE 0x10 /* a later write may append to it */

struct page;
struct pipe_buffer {
	struct page* page;
	unsigned int offset, len;
	unsigned int flags;
};

struct pipe_inode_info {
	struct mutex mutex;
	struct wait_queue_head rd_wait, wr_wait;
	unsigned int head;
	unsigned int tail;
	unsigned int max_usage;
	unsigned int ring_size;
	unsigned int readers;
	unsigned int writers;
	unsigned int files;
	unsigned int r_counter;
	unsigned int w_counter;
	struct page* tmp_page; /* a spare page, kept for the next write */
	struct pipe_buffer* bufs;
};

static inline bool pipe_empty(unsigned int head, unsigned int tail)
{
	return head == tail;
}
static inline unsigned int pipe_occupancy(unsigned int head, unsigned int tail)
{
	return head - tail;
}
static inline bool pipe_full(unsigned int head, unsigned int tail, unsigned int limit)
{
	return pipe_occupancy(head, tail) >= limit;
}

extern const struct file_operations pipefifo_fops;
/* fcntl F_SETPIPE_SZ / F_GETPIPE_SZ (Linux: pipe_fcntl); EBADF for a file
 * that is not a pipe */
lib::Result<long> pipe_fcntl(struct file* file, unsigned int cmd, unsigned long arg);
/* the tunable /proc/sys/fs/pipe-max-size: F_SETPIPE_SZ's limit without
 * CAP_SYS_RESOURCE */
extern unsigned int pipe_max_size;
void pipe_init(); /* pipefs, at boot (vfs_caches_init) */

/* splice(2)/tee(2)'s side (fs/splice.cc): the pipe behind file, or NULL */
struct pipe_inode_info* get_pipe_info(struct file* file);
/* feed up to len bytes of in's pipe to actor, a buffer at a time, taking
 * off what it consumed; waits for data unless nonblock (EAGAIN), 0 at
 * end of file (Linux: splice_from_pipe) */
lib::Result<ssize_t> splice_from_pipe(struct file* in, size_t len, bool nonblock,
                                      lib::Result<size_t> (*actor)(void* ctx, const void* data, size_t len),
                                      void* ctx);
/* move (keep: copy, for tee) up to len bytes from in's pipe to out's,
 * both locked in address order; EINVAL for one pipe, EPIPE without readers */
lib::Result<ssize_t> splice_pipe_to_pipe(struct file* in, struct file* out, size_t len, bool nonblock, bool keep);
