/*
 * memfd.c - memfd_create(2) and file seals (issue 14), as init on monolith
 * and on Linux 6.1: the name and flags checks, a memfd as an ordinary
 * tmpfs file (write, read, mmap, ftruncate), F_SEAL_SEAL by default,
 * F_SEAL_SHRINK/GROW/WRITE/FUTURE_WRITE and what they refuse, EBUSY while
 * a writable shared mapping exists, EINVAL on other files.
 */
#define _GNU_SOURCE
#include "utest.h"
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#ifndef F_ADD_SEALS
#define F_ADD_SEALS 1033
#define F_GET_SEALS 1034
#define F_SEAL_SEAL 1
#define F_SEAL_SHRINK 2
#define F_SEAL_GROW 4
#define F_SEAL_WRITE 8
#endif
#ifndef F_SEAL_FUTURE_WRITE
#define F_SEAL_FUTURE_WRITE 16
#endif

static int mfd(const char* name, unsigned flags)
{
	return (int)syscall(SYS_memfd_create, name, flags);
}

int main(void)
{
	ut_prog = "memfd";
	char longname[300];
	memset(longname, 'n', sizeof(longname));
	longname[299] = 0;
	UT_EXPECT(mfd(longname, 0) == -1 && errno == EINVAL, "a 299-character name: EINVAL");
	UT_EXPECT(mfd("x", 0x100) == -1 && errno == EINVAL, "an unknown flag: EINVAL");
	UT_EXPECT(syscall(SYS_memfd_create, 8L, 0L) == -1 && errno == EFAULT, "a bad name pointer: EFAULT");
	int fd = mfd("plain", 1 /* MFD_CLOEXEC */);
	UT_EXPECT(fd >= 0 && fcntl(fd, F_GETFD) == FD_CLOEXEC, "memfd_create(MFD_CLOEXEC)");
	struct stat st;
	fstat(fd, &st);
	UT_EXPECT(S_ISREG(st.st_mode) && st.st_size == 0 && st.st_nlink == 0, "a regular file, empty, with no links");
	UT_EXPECT(write(fd, "hello", 5) == 5 && pread(fd, st.st_size ? NULL : longname, 5, 0) == 5 &&
	              !memcmp(longname, "hello", 5),
	          "write and read back");
	UT_EXPECT(ftruncate(fd, 8192) == 0, "ftruncate to 8192");
	char* m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	UT_EXPECT(m != MAP_FAILED && !memcmp(m, "hello", 5), "mmap shared sees the data");
	m[4096] = 'Z';
	char c = 0;
	UT_EXPECT(pread(fd, &c, 1, 4096) == 1 && c == 'Z', "a store through the mapping is in the file");
	munmap(m, 8192);
	UT_EXPECT(fcntl(fd, F_GET_SEALS) == F_SEAL_SEAL, "without MFD_ALLOW_SEALING: F_SEAL_SEAL");
	UT_EXPECT(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE) == -1 && errno == EPERM, "so no seals can be added: EPERM");
	close(fd);

	fd = mfd("sealed", 2 /* MFD_ALLOW_SEALING */);
	UT_EXPECT(fcntl(fd, F_GET_SEALS) == 0, "MFD_ALLOW_SEALING: no seals yet");
	write(fd, "0123456789", 10);
	UT_EXPECT(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK) == 0, "seal shrinking");
	UT_EXPECT(ftruncate(fd, 5) == -1 && errno == EPERM, "shrinking: EPERM");
	UT_EXPECT(ftruncate(fd, 20) == 0, "growing still works");
	UT_EXPECT(fcntl(fd, F_ADD_SEALS, F_SEAL_GROW) == 0 && ftruncate(fd, 30) == -1 && errno == EPERM,
	          "seal growing: EPERM");
	UT_EXPECT(pwrite(fd, "ab", 2, 19) == -1 && errno == EPERM, "a write past the end: EPERM");
	UT_EXPECT(pwrite(fd, "ab", 2, 0) == 2, "a write inside: fine");
	m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	UT_EXPECT(m != MAP_FAILED, "a writable shared mapping");
	UT_EXPECT(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE) == -1 && errno == EBUSY, "F_SEAL_WRITE while it exists: EBUSY");
	munmap(m, 4096);
	UT_EXPECT(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE) == 0, "F_SEAL_WRITE once it is gone");
	UT_EXPECT(write(fd, "x", 1) == -1 && errno == EPERM, "write: EPERM");
	UT_EXPECT(mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED && errno == EPERM,
	          "a writable shared mapping: EPERM");
	m = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	UT_EXPECT(m != MAP_FAILED && m[0] == 'a', "a read-only one is fine");
	UT_EXPECT(mprotect(m, 4096, PROT_READ | PROT_WRITE) == -1 && errno == EACCES, "and cannot become writable: EACCES");
	munmap(m, 4096);
	m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	UT_EXPECT(m != MAP_FAILED, "a private writable mapping is fine");
	munmap(m, 4096);
	UT_EXPECT(fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL) == 0 && fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK) == -1 && errno == EPERM,
	          "after F_SEAL_SEAL nothing more: EPERM");
	UT_EXPECT(fcntl(fd, F_GET_SEALS) == (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE), "F_GET_SEALS");
	UT_EXPECT(fcntl(fd, F_ADD_SEALS, 0x100) == -1 && errno == EINVAL, "an unknown seal: EINVAL");
	close(fd);

	fd = mfd("future", 2);
	ftruncate(fd, 4096);
	m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	UT_EXPECT(fcntl(fd, F_ADD_SEALS, F_SEAL_FUTURE_WRITE) == 0, "F_SEAL_FUTURE_WRITE with a writable mapping");
	m[0] = 'q';
	UT_EXPECT(pread(fd, &c, 1, 0) == 1 && c == 'q', "the old mapping still writes");
	UT_EXPECT(pwrite(fd, "x", 1, 0) == -1 && errno == EPERM, "write(2): EPERM");
	close(fd);
	int p[2];
	pipe(p);
	UT_EXPECT(fcntl(p[0], F_GET_SEALS) == -1 && errno == EINVAL, "F_GET_SEALS on a pipe: EINVAL");
	return ut_done();
}
