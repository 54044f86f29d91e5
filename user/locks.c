/*
 * locks: flock(2) and fcntl record locks within one process (fork comes
 * with the processes issue): flock locks belong to open file descriptions,
 * so two opens of one file conflict; POSIX locks belong to the process
 * and never conflict with its own, but open-file-description (OFD) locks
 * do conflict with them, which lets F_OFD_GETLK see the POSIX locks'
 * ranges: splitting, merging, and the classic trap that closing any fd of
 * the file drops the process's POSIX locks.
 */
#define _GNU_SOURCE
#include "utest.h"
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>

static int ofd_getlk(int fd, short type, off_t start, off_t len, struct flock* out)
{
	struct flock l = {.l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len, .l_pid = 0};
	int r = fcntl(fd, F_OFD_GETLK, &l);
	*out = l;
	return r;
}

static int posix(int fd, int cmd, short type, off_t start, off_t len)
{
	struct flock l = {.l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len};
	return fcntl(fd, cmd, &l);
}

int main(void)
{
	ut_prog = "locks";
	const char* path = "/locks-test-file";
	int a = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	int b = open(path, O_RDWR);
	UT_EXPECT(a >= 0 && b >= 0, "two opens of one file");

	/* flock: per open file description */
	UT_EXPECT(flock(a, LOCK_EX) == 0, "flock LOCK_EX on the first open");
	errno = 0;
	UT_EXPECT(flock(b, LOCK_EX | LOCK_NB) == -1 && errno == EWOULDBLOCK, "the second open's LOCK_EX|LOCK_NB: EWOULDBLOCK");
	errno = 0;
	UT_EXPECT(flock(b, LOCK_SH | LOCK_NB) == -1 && errno == EWOULDBLOCK, "...and its LOCK_SH|LOCK_NB too");
	int a2 = dup(a);
	UT_EXPECT(flock(a2, LOCK_EX | LOCK_NB) == 0, "a dup shares the lock (same description)");
	UT_EXPECT(flock(a, LOCK_SH) == 0 && flock(b, LOCK_SH | LOCK_NB) == 0, "converted to shared: both share");
	errno = 0;
	UT_EXPECT(flock(b, LOCK_EX | LOCK_NB) == -1 && errno == EWOULDBLOCK, "an exclusive conversion blocked by the other share");
	UT_EXPECT(flock(a, LOCK_UN) == 0 && flock(b, LOCK_EX | LOCK_NB) == 0, "after LOCK_UN the other gets LOCK_EX");
	close(b);
	b = open(path, O_RDWR);
	UT_EXPECT(flock(a, LOCK_EX | LOCK_NB) == 0, "closing the last fd of a description drops its flock lock");
	flock(a, LOCK_UN);
	errno = 0;
	UT_EXPECT(flock(a, 0x40) == -1 && errno == EINVAL, "a bad flock operation: EINVAL");
	errno = 0;
	UT_EXPECT(flock(9999, LOCK_SH) == -1 && errno == EBADF, "flock on a bad fd: EBADF");
	close(a2);

	/* POSIX locks, seen through an OFD F_OFD_GETLK from the other open */
	struct flock l;
	UT_EXPECT(posix(a, F_SETLK, F_WRLCK, 0, 100) == 0, "POSIX write lock [0,100)");
	UT_EXPECT(ofd_getlk(b, F_RDLCK, 50, 1, &l) == 0 && l.l_type == F_WRLCK && l.l_start == 0 && l.l_len == 100 &&
	              l.l_pid == getpid(),
	          "F_OFD_GETLK sees it: [0,100) of pid %d (got type %d start %ld len %ld pid %d)", getpid(), l.l_type,
	          (long)l.l_start, (long)l.l_len, l.l_pid);
	UT_EXPECT(posix(a, F_GETLK, F_WRLCK, 50, 1) == 0, "the process's own F_GETLK");
	struct flock own = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 50, .l_len = 1};
	fcntl(a, F_GETLK, &own);
	UT_EXPECT(own.l_type == F_UNLCK, "...reports F_UNLCK: its own locks never conflict");
	UT_EXPECT(posix(b, F_SETLK, F_UNLCK, 40, 20) == 0, "unlock [40,60) through the other fd (same process)");
	UT_EXPECT(ofd_getlk(b, F_RDLCK, 50, 1, &l) == 0 && l.l_type == F_UNLCK, "the hole [40,60) is free");
	UT_EXPECT(ofd_getlk(b, F_RDLCK, 30, 1, &l) == 0 && l.l_type == F_WRLCK && l.l_start == 0 && l.l_len == 40,
	          "the left piece is [0,40)");
	UT_EXPECT(ofd_getlk(b, F_RDLCK, 70, 1, &l) == 0 && l.l_type == F_WRLCK && l.l_start == 60 && l.l_len == 40,
	          "the right piece is [60,100)");
	UT_EXPECT(posix(a, F_SETLK, F_WRLCK, 40, 20) == 0, "lock [40,60) again");
	UT_EXPECT(ofd_getlk(b, F_RDLCK, 10, 1, &l) == 0 && l.l_start == 0 && l.l_len == 100, "the pieces merge into [0,100)");
	UT_EXPECT(posix(a, F_SETLK, F_RDLCK, 200, 0) == 0, "a read lock from 200 to the end");
	UT_EXPECT(ofd_getlk(b, F_RDLCK, 1000, 1, &l) == 0 && l.l_type == F_UNLCK, "read vs read: no conflict");
	UT_EXPECT(ofd_getlk(b, F_WRLCK, 1000, 1, &l) == 0 && l.l_type == F_RDLCK && l.l_start == 200 && l.l_len == 0,
	          "write vs read: [200, EOF) with l_len 0");

	/* OFD locks conflict with POSIX ones, and with each other across descriptions */
	struct flock ol = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 10, .l_pid = 0};
	errno = 0;
	UT_EXPECT(fcntl(b, F_OFD_SETLK, &ol) == -1 && errno == EAGAIN, "an OFD lock over a POSIX one: EAGAIN");
	ol.l_start = 120;
	UT_EXPECT(fcntl(b, F_OFD_SETLK, &ol) == 0, "an OFD lock on a free range");
	UT_EXPECT(posix(a, F_GETLK, F_WRLCK, 125, 1) == 0, "F_GETLK ...");
	own = (struct flock){.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 125, .l_len = 1};
	fcntl(a, F_GETLK, &own);
	UT_EXPECT(own.l_type == F_WRLCK && own.l_pid == -1, "...sees the OFD lock with l_pid -1");
	ol.l_pid = 1;
	errno = 0;
	UT_EXPECT(fcntl(b, F_OFD_SETLK, &ol) == -1 && errno == EINVAL, "OFD with l_pid != 0: EINVAL");

	/* errnos */
	errno = 0;
	UT_EXPECT(posix(a, F_SETLK, 7, 0, 1) == -1 && errno == EINVAL, "a bad l_type: EINVAL");
	struct flock bw = {.l_type = F_RDLCK, .l_whence = 9, .l_start = 0, .l_len = 1};
	errno = 0;
	UT_EXPECT(fcntl(a, F_SETLK, &bw) == -1 && errno == EINVAL, "a bad l_whence: EINVAL");
	errno = 0;
	UT_EXPECT(posix(a, F_SETLK, F_RDLCK, -5, 1) == -1 && errno == EINVAL, "a negative start: EINVAL");
	int ro = open(path, O_RDONLY);
	errno = 0;
	UT_EXPECT(posix(ro, F_SETLK, F_WRLCK, 0, 1) == -1 && errno == EBADF, "a write lock on a read-only fd: EBADF");

	/* the POSIX trap: closing ANY fd of the file drops the process's locks */
	close(ro);
	UT_EXPECT(ofd_getlk(b, F_WRLCK, 10, 1, &l) == 0 && l.l_type == F_UNLCK, "closing another fd dropped the POSIX locks");
	UT_EXPECT(ofd_getlk(a, F_WRLCK, 125, 1, &l) == 0 && l.l_type == F_WRLCK, "...but not the OFD lock of b");
	close(b);
	UT_EXPECT(ofd_getlk(a, F_WRLCK, 125, 1, &l) == 0 && l.l_type == F_UNLCK, "closing b's description drops its OFD lock");
	close(a);
	unlink(path);
	return ut_done();
}
