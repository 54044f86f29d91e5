/*
 * devices.c - devtmpfs and the memory devices from user space, as init:
 * `mount -t devtmpfs` on /dev shows the nodes the drivers registered with
 * Linux's numbers and modes; /dev/null, zero, full, urandom behave; and
 * /dev/kmsg reads records as "prio,seq,usec,-;text\n", one per read,
 * EINVAL for a short buffer, EAGAIN at the end with O_NONBLOCK, and a
 * line written to it comes back as a record ("<5>" -> prio 13: user
 * facility, level 5).  Every check passes on Linux 6.1.
 */
#define _GNU_SOURCE
#include "utest.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

static void check_node(const char* path, unsigned maj, unsigned min, unsigned mode)
{
	struct stat st;
	int r = stat(path, &st);
	UT_EXPECT(r == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) == maj && minor(st.st_rdev) == min &&
	              (st.st_mode & 07777) == mode && st.st_uid == 0 && st.st_gid == 0,
	          "%s is char %u:%u mode %04o (got %d, %u:%u %04o)", path, maj, min, mode, r,
	          r ? 0 : major(st.st_rdev), r ? 0 : minor(st.st_rdev), r ? 0 : st.st_mode & 07777);
}

int main(int argc, char** argv)
{
	ut_prog = "devices";
	struct stat st;
	if (argc > 1 && strcmp(argv[1], "premounted") == 0) {
		/* devtmpfs.mount=1 without an initramfs init: the kernel mounted it */
		UT_EXPECT(stat("/dev/full", &st) == 0, "devtmpfs.mount=1 mounted /dev");
	} else {
		UT_EXPECT(stat("/dev/full", &st) == -1 && errno == ENOENT, "the image has no /dev/full before devtmpfs");
		UT_EXPECT(mount("devtmpfs", "/dev", "devtmpfs", 0, NULL) == 0,
		          "mount -t devtmpfs devtmpfs /dev (errno %d)", errno);
	}
	check_node("/dev/null", 1, 3, 0666);
	check_node("/dev/zero", 1, 5, 0666);
	check_node("/dev/full", 1, 7, 0666);
	check_node("/dev/random", 1, 8, 0666);
	check_node("/dev/urandom", 1, 9, 0666);
	check_node("/dev/kmsg", 1, 11, 0644);
	check_node("/dev/console", 5, 1, 0600);
	/* a second mount is the same tree */
	UT_EXPECT(mkdir("/dev2", 0755) == 0 && mount("devtmpfs", "/dev2", "devtmpfs", 0, NULL) == 0,
	          "devtmpfs mounted again on /dev2");
	UT_EXPECT(mknod("/dev2/testnode", S_IFCHR | 0600, makedev(1, 3)) == 0, "mknod in the second mount");
	UT_EXPECT(stat("/dev/testnode", &st) == 0 && S_ISCHR(st.st_mode), "the node shows in the first mount");
	UT_EXPECT(unlink("/dev/testnode") == 0, "unlink it");
	UT_EXPECT(umount("/dev2") == 0, "umount /dev2");

	/* the memory devices */
	char buf[256];
	int fd = open("/dev/full", O_RDWR);
	UT_EXPECT(fd >= 0 && write(fd, "x", 1) == -1 && errno == ENOSPC, "write to /dev/full: ENOSPC");
	memset(buf, 1, 16);
	UT_EXPECT(read(fd, buf, 16) == 16 && buf[0] == 0 && buf[15] == 0, "read /dev/full: zeroes");
	close(fd);
	fd = open("/dev/urandom", O_RDONLY);
	UT_EXPECT(fd >= 0 && read(fd, buf, 64) == 64, "read 64 bytes of /dev/urandom");
	close(fd);

	/* /dev/kmsg */
	fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	UT_EXPECT(fd >= 0, "open /dev/kmsg");
	char rec[8192];
	ssize_t n = read(fd, rec, sizeof(rec) - 1);
	rec[n > 0 ? n : 0] = 0;
	unsigned prio = 99;
	unsigned long long seq = 99, usec;
	char flag = 0;
	UT_EXPECT(n > 0 && sscanf(rec, "%u,%llu,%llu,%c;", &prio, &seq, &usec, &flag) == 4 && seq == 0 && flag == '-' &&
	              prio < 8 && rec[n - 1] == '\n' && memchr(rec, '\n', n) == rec + n - 1,
	          "the first record: prio,0,usec,-;text and one newline (%.40s)", rec);
	UT_EXPECT(read(fd, rec, 4) == -1 && errno == EINVAL, "a 4-byte buffer: EINVAL");
	n = read(fd, rec, sizeof(rec) - 1);
	rec[n > 0 ? n : 0] = 0;
	unsigned long long seq2 = 0;
	UT_EXPECT(n > 0 && sscanf(rec, "%u,%llu,", &prio, &seq2) == 2 && seq2 == 2,
	          "the record too long for the buffer was passed over: seq 2 (%.30s)", rec);
	UT_EXPECT(lseek(fd, 0, SEEK_END) == 0, "lseek SEEK_END");
	UT_EXPECT(read(fd, rec, sizeof(rec)) == -1 && errno == EAGAIN, "at the end: EAGAIN with O_NONBLOCK");
	UT_EXPECT(lseek(fd, 5, SEEK_SET) == -1 && errno == ESPIPE, "lseek to 5: ESPIPE");
	int wfd = open("/dev/kmsg", O_WRONLY);
	const char* line = "<5>devices: hello kmsg\n";
	UT_EXPECT(wfd >= 0 && write(wfd, line, strlen(line)) == (ssize_t)strlen(line), "write a line to /dev/kmsg");
	close(wfd);
	int found = 0;
	for (int i = 0; i < 64 && !found; i++) {
		n = read(fd, rec, sizeof(rec) - 1);
		if (n <= 0)
			break;
		rec[n] = 0;
		char* text = strchr(rec, ';');
		if (text && strcmp(text, ";devices: hello kmsg\n") == 0)
			found = sscanf(rec, "%u,", &prio) == 1 && prio == 13;
	}
	UT_EXPECT(found, "it comes back as a record with prio 13 (user, notice)");
	UT_EXPECT(lseek(fd, 0, SEEK_SET) == 0 && read(fd, rec, sizeof(rec)) > 0 && strncmp(rec, "", 0) == 0 &&
	              sscanf(rec, "%u,%llu,", &prio, &seq) == 2 && seq == 0,
	          "lseek SEEK_SET: the oldest record again");
	close(fd);
	return ut_done();
}
