/*
 * inotify.c - inotify (issue 14), as init on monolith and on Linux 6.1:
 * inotify_init1's flags, inotify_add_watch's checks and masks (IN_MASK_ADD,
 * IN_MASK_CREATE, IN_ONLYDIR, IN_ONESHOT, IN_EXCL_UNLINK), the events the
 * VFS sends (create, open, modify with merging, close, access, attrib,
 * mkdir/rmdir, rename with a cookie, move/delete self, IN_IGNORED),
 * read(2)'s format and EINVAL, IN_Q_OVERFLOW, poll and FIONREAD, on a
 * tmpfs at /mnt.
 */
#define _GNU_SOURCE
#include "utest.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>

struct ev {
	int wd;
	uint32_t mask, cookie;
	char name[64];
};
static struct ev evs[64];
static char rbuf[1 << 16];

/* every queued event (the fd is non-blocking) into evs; their number */
static int drain(int fd)
{
	int n = 0;
	for (;;) {
		ssize_t r = read(fd, rbuf, sizeof(rbuf));
		if (r <= 0)
			return n;
		for (char* p = rbuf; p < rbuf + r;) {
			struct inotify_event* e = (struct inotify_event*)p;
			if (n < 64) {
				evs[n].wd = e->wd;
				evs[n].mask = e->mask;
				evs[n].cookie = e->cookie;
				snprintf(evs[n].name, sizeof(evs[n].name), "%s", e->len ? e->name : "");
			}
			n++;
			p += sizeof(*e) + e->len;
		}
	}
}

static int all_zero(const char* p, int n)
{
	for (int i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

static int ev_is(int i, int wd, uint32_t mask, const char* name)
{
	int ok = evs[i].wd == wd && evs[i].mask == mask && !strcmp(evs[i].name, name);
	if (!ok)
		printf("# event %d: wd %d mask %#x name '%s' (want %d %#x '%s')\n", i, evs[i].wd, evs[i].mask, evs[i].name,
		       wd, mask, name);
	return ok;
}

int main(void)
{
	ut_prog = "inotify";
	mkdir("/mnt", 0755);
	UT_EXPECT(mount("tmpfs", "/mnt", "tmpfs", 0, NULL) == 0, "mount a tmpfs at /mnt");
	mkdir("/mnt/d", 0755);
	close(open("/mnt/file", O_CREAT | O_WRONLY, 0644));

	/* inotify_init1 */
	UT_EXPECT(inotify_init1(1) == -1 && errno == EINVAL, "inotify_init1(1): EINVAL");
	int c = inotify_init1(IN_CLOEXEC);
	UT_EXPECT(c >= 0 && fcntl(c, F_GETFD) == FD_CLOEXEC, "IN_CLOEXEC sets FD_CLOEXEC");
	close(c);
	int fd = inotify_init1(IN_NONBLOCK);
	UT_EXPECT(fd >= 0 && (fcntl(fd, F_GETFL) & O_NONBLOCK), "IN_NONBLOCK sets O_NONBLOCK");
	UT_EXPECT(read(fd, rbuf, sizeof(rbuf)) == -1 && errno == EAGAIN, "an empty queue: EAGAIN");

	/* inotify_add_watch's checks */
	UT_EXPECT(inotify_add_watch(fd, "/mnt/d", 0) == -1 && errno == EINVAL, "no events: EINVAL");
	UT_EXPECT(inotify_add_watch(fd, "/mnt/d", 0x1000) == -1 && errno == EINVAL, "an unknown bit: EINVAL");
	UT_EXPECT(inotify_add_watch(fd, "/mnt/d", IN_CREATE | IN_MASK_ADD | IN_MASK_CREATE) == -1 && errno == EINVAL,
	          "IN_MASK_ADD|IN_MASK_CREATE: EINVAL");
	int nf = open("/mnt/file", O_RDONLY);
	UT_EXPECT(inotify_add_watch(nf, "/mnt/d", IN_CREATE) == -1 && errno == EINVAL, "not an inotify fd: EINVAL");
	UT_EXPECT(inotify_add_watch(-1, "/mnt/d", IN_CREATE) == -1 && errno == EBADF, "fd -1: EBADF");
	UT_EXPECT(inotify_add_watch(fd, "/mnt/nope", IN_CREATE) == -1 && errno == ENOENT, "no such path: ENOENT");
	UT_EXPECT(inotify_add_watch(fd, "/mnt/file", IN_CREATE | IN_ONLYDIR) == -1 && errno == ENOTDIR,
	          "IN_ONLYDIR on a file: ENOTDIR");
	UT_EXPECT(inotify_add_watch(fd, (char*)8, IN_CREATE) == -1 && errno == EFAULT, "a bad path pointer: EFAULT");
	UT_EXPECT(drain(fd) == 0, "opening /mnt/file was not watched");
	int wd = inotify_add_watch(fd, "/mnt/d", IN_ALL_EVENTS);
	UT_EXPECT(wd >= 1, "a watch on /mnt/d (wd %d)", wd);
	UT_EXPECT(inotify_add_watch(fd, "/mnt/d", IN_ALL_EVENTS) == wd, "watching again gives the same wd");
	UT_EXPECT(inotify_add_watch(fd, "/mnt/d", IN_CREATE | IN_MASK_CREATE) == -1 && errno == EEXIST,
	          "IN_MASK_CREATE on a watched inode: EEXIST");

	/* create, open, modify (merged), close */
	int f = open("/mnt/d/a", O_CREAT | O_WRONLY, 0644);
	UT_EXPECT(write(f, "x", 1) == 1 && write(f, "y", 1) == 1, "create /mnt/d/a, two writes");
	close(f);
	int n = drain(fd);
	UT_EXPECT(n == 4 && ev_is(0, wd, IN_CREATE, "a") && ev_is(1, wd, IN_OPEN, "a") && ev_is(2, wd, IN_MODIFY, "a") &&
	              ev_is(3, wd, IN_CLOSE_WRITE, "a"),
	          "IN_CREATE, IN_OPEN, one merged IN_MODIFY, IN_CLOSE_WRITE (%d events)", n);
	f = open("/mnt/d/a", O_RDONLY);
	char b[4];
	UT_EXPECT(read(f, b, sizeof(b)) == 2, "read it");
	close(f);
	n = drain(fd);
	UT_EXPECT(n == 3 && ev_is(0, wd, IN_OPEN, "a") && ev_is(1, wd, IN_ACCESS, "a") &&
	              ev_is(2, wd, IN_CLOSE_NOWRITE, "a"),
	          "IN_OPEN, IN_ACCESS, IN_CLOSE_NOWRITE (%d events)", n);
	UT_EXPECT(chmod("/mnt/d/a", 0600) == 0 && truncate("/mnt/d/a", 1) == 0 && utimensat(AT_FDCWD, "/mnt/d/a", NULL, 0) == 0,
	          "chmod, truncate, utimensat");
	n = drain(fd);
	UT_EXPECT(n == 3 && ev_is(0, wd, IN_ATTRIB, "a") && ev_is(1, wd, IN_MODIFY, "a") && ev_is(2, wd, IN_ATTRIB, "a"),
	          "IN_ATTRIB, IN_MODIFY, IN_ATTRIB (%d events)", n);

	/* the name's padding, FIONREAD, poll, a too-small buffer */
	UT_EXPECT(chmod("/mnt/d/a", 0644) == 0, "chmod again");
	int avail = -1;
	UT_EXPECT(ioctl(fd, FIONREAD, &avail) == 0 && avail == 32, "FIONREAD: 32 bytes (%d)", avail);
	struct pollfd p = {fd, POLLIN, 0};
	UT_EXPECT(poll(&p, 1, 0) == 1 && (p.revents & POLLIN), "poll: POLLIN");
	UT_EXPECT(read(fd, rbuf, 31) == -1 && errno == EINVAL, "a 31-byte buffer for a 32-byte event: EINVAL");
	memset(rbuf, 0x55, 64);
	struct inotify_event* e = (struct inotify_event*)rbuf;
	UT_EXPECT(read(fd, rbuf, 32) == 32 && e->len == 16 && !strcmp(e->name, "a") && all_zero(e->name + 1, 15),
	          "the event: len 16, the name NUL-padded");
	UT_EXPECT(poll(&p, 1, 0) == 0, "poll: nothing left");

	/* mkdir, rmdir, rename */
	UT_EXPECT(mkdir("/mnt/d/sub", 0755) == 0 && rmdir("/mnt/d/sub") == 0, "mkdir and rmdir /mnt/d/sub");
	n = drain(fd);
	UT_EXPECT(n == 2 && ev_is(0, wd, IN_CREATE | IN_ISDIR, "sub") && ev_is(1, wd, IN_DELETE | IN_ISDIR, "sub"),
	          "IN_CREATE|IN_ISDIR, IN_DELETE|IN_ISDIR (%d events)", n);
	int wda = inotify_add_watch(fd, "/mnt/d/a", IN_ALL_EVENTS);
	UT_EXPECT(wda > wd, "a watch on /mnt/d/a (wd %d)", wda);
	UT_EXPECT(rename("/mnt/d/a", "/mnt/d/b") == 0, "rename a to b");
	n = drain(fd);
	UT_EXPECT(n == 3 && ev_is(0, wd, IN_MOVED_FROM, "a") && ev_is(1, wd, IN_MOVED_TO, "b") &&
	              ev_is(2, wda, IN_MOVE_SELF, ""),
	          "IN_MOVED_FROM a, IN_MOVED_TO b, IN_MOVE_SELF (%d events)", n);
	UT_EXPECT(evs[0].cookie != 0 && evs[0].cookie == evs[1].cookie, "the two moves share a cookie");

	/* unlink: IN_ATTRIB, IN_DELETE_SELF, IN_IGNORED, IN_DELETE */
	UT_EXPECT(unlink("/mnt/d/b") == 0, "unlink b");
	n = drain(fd);
	UT_EXPECT(n == 4 && ev_is(0, wda, IN_ATTRIB, "") && ev_is(1, wda, IN_DELETE_SELF, "") &&
	              ev_is(2, wda, IN_IGNORED, "") && ev_is(3, wd, IN_DELETE, "b"),
	          "IN_ATTRIB, IN_DELETE_SELF, IN_IGNORED, IN_DELETE b (%d events)", n);

	/* an open file unlinked: IN_DELETE_SELF at the last close */
	f = open("/mnt/d/u", O_CREAT | O_RDWR, 0644);
	int wdu = inotify_add_watch(fd, "/mnt/d/u", IN_ATTRIB | IN_DELETE_SELF | IN_CLOSE_WRITE);
	int x = inotify_init1(IN_NONBLOCK), y = inotify_init1(IN_NONBLOCK);
	int wx = inotify_add_watch(x, "/mnt/d", IN_MODIFY | IN_EXCL_UNLINK);
	int wy = inotify_add_watch(y, "/mnt/d", IN_MODIFY);
	drain(fd);
	UT_EXPECT(unlink("/mnt/d/u") == 0 && write(f, "z", 1) == 1, "unlink the open u, write to it");
	UT_EXPECT(drain(x) == 0, "IN_EXCL_UNLINK: no event for the unlinked child (wd %d)", wx);
	UT_EXPECT(drain(y) == 1 && ev_is(0, wy, IN_MODIFY, "u"), "without it: IN_MODIFY u");
	n = drain(fd);
	UT_EXPECT(n == 3 && ev_is(0, wdu, IN_ATTRIB, "") && ev_is(1, wd, IN_DELETE, "u") && ev_is(2, wd, IN_MODIFY, "u"),
	          "while open: IN_ATTRIB, IN_DELETE, IN_MODIFY, no IN_DELETE_SELF (%d events)", n);
	close(f);
	n = drain(fd);
	UT_EXPECT(n == 4 && ev_is(0, wd, IN_CLOSE_WRITE, "u") && ev_is(1, wdu, IN_CLOSE_WRITE, "") &&
	              ev_is(2, wdu, IN_DELETE_SELF, "") && ev_is(3, wdu, IN_IGNORED, ""),
	          "the close: IN_CLOSE_WRITE, IN_DELETE_SELF, IN_IGNORED (%d events)", n);
	close(x);
	close(y);

	/* inotify_rm_watch, IN_ONESHOT, IN_MASK_ADD */
	close(open("/mnt/d/o", O_CREAT | O_WRONLY, 0644));
	int wdo = inotify_add_watch(fd, "/mnt/d/o", IN_ATTRIB | IN_ONESHOT);
	drain(fd);
	UT_EXPECT(chmod("/mnt/d/o", 0600) == 0 && chmod("/mnt/d/o", 0644) == 0, "chmod o twice");
	n = drain(fd);
	UT_EXPECT(n == 4 && ev_is(0, wd, IN_ATTRIB, "o") && ev_is(1, wdo, IN_ATTRIB, "") && ev_is(2, wdo, IN_IGNORED, "") &&
	              ev_is(3, wd, IN_ATTRIB, "o"),
	          "IN_ONESHOT: one IN_ATTRIB, then IN_IGNORED (%d events)", n);
	UT_EXPECT(inotify_rm_watch(fd, wdo) == -1 && errno == EINVAL, "the oneshot watch is gone: EINVAL");
	UT_EXPECT(inotify_add_watch(fd, "/mnt/d", IN_DELETE) == wd, "replace /mnt/d's mask with IN_DELETE");
	UT_EXPECT(inotify_add_watch(fd, "/mnt/d", IN_CREATE | IN_MASK_ADD) == wd, "IN_MASK_ADD IN_CREATE");
	close(open("/mnt/d/p", O_CREAT | O_WRONLY, 0644));
	unlink("/mnt/d/p");
	n = drain(fd);
	UT_EXPECT(n == 2 && ev_is(0, wd, IN_CREATE, "p") && ev_is(1, wd, IN_DELETE, "p"),
	          "only IN_CREATE and IN_DELETE now (%d events)", n);
	UT_EXPECT(inotify_rm_watch(fd, wd) == 0, "inotify_rm_watch");
	n = drain(fd);
	UT_EXPECT(n == 1 && ev_is(0, wd, IN_IGNORED, ""), "IN_IGNORED (%d events)", n);
	UT_EXPECT(inotify_rm_watch(fd, wd) == -1 && errno == EINVAL, "again: EINVAL");
	UT_EXPECT(inotify_rm_watch(nf, 1) == -1 && errno == EINVAL, "not an inotify fd: EINVAL");

	/* IN_Q_OVERFLOW past 16384 events (alternating names: nothing merges) */
	int q = inotify_init1(IN_NONBLOCK);
	inotify_add_watch(q, "/mnt/d", IN_MODIFY);
	int fa = open("/mnt/d/qa", O_CREAT | O_WRONLY, 0644), fb = open("/mnt/d/qb", O_CREAT | O_WRONLY, 0644);
	for (int i = 0; i < 9000; i++) {
		write(fa, "a", 1);
		write(fb, "b", 1);
	}
	int total = 0, last_wd = 0;
	uint32_t last_mask = 0;
	for (;;) {
		ssize_t r = read(q, rbuf, sizeof(rbuf));
		if (r <= 0)
			break;
		for (char* pp = rbuf; pp < rbuf + r;) {
			struct inotify_event* ee = (struct inotify_event*)pp;
			total++;
			last_wd = ee->wd;
			last_mask = ee->mask;
			pp += sizeof(*ee) + ee->len;
		}
	}
	UT_EXPECT(total == 16385 && last_wd == -1 && last_mask == IN_Q_OVERFLOW,
	          "16384 events, then one IN_Q_OVERFLOW with wd -1 (%d, wd %d, mask %#x)", total, last_wd, last_mask);
	close(q);
	close(fa);
	close(fb);
	close(nf);
	close(fd);
	return ut_done();
}
