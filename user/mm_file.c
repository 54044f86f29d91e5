/*
 * mm_file: file mappings through the page cache, on a tmpfs mounted at
 * /mnt — MAP_PRIVATE sees the file and keeps its writes to itself
 * (copy-on-write), MAP_SHARED writes reach read(2) and write(2) reaches
 * the mapping, two mappings agree, msync, mapping offsets, the zeroes past
 * EOF in the last page, madvise(MADV_DONTNEED) re-reading file pages,
 * mincore of cached pages, the open-mode errnos, and a truncation
 * unmapping what lies past the new end.  Run as init, on Linux 6.1 too.
 */
#define _GNU_SOURCE
#include "utest.h"
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>

#ifndef MAP_SHARED_VALIDATE
#define MAP_SHARED_VALIDATE 0x03
#endif
#ifndef MAP_SYNC
#define MAP_SYNC 0x80000
#endif

#define PG 4096UL
#define RW (PROT_READ | PROT_WRITE)
#define FSIZE (3 * PG + 100)

static int mapped(void* a)
{
	unsigned char v;
	return mincore((void*)((uintptr_t)a & ~(PG - 1)), PG, &v) == 0;
}
static char pattern(size_t i)
{
	return (char)('a' + i % 23);
}
static int make_file(const char* path)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	static char buf[FSIZE];
	for (size_t i = 0; i < FSIZE; i++)
		buf[i] = pattern(i);
	if (fd < 0 || write(fd, buf, FSIZE) != (ssize_t)FSIZE)
		return -1;
	return fd;
}
static int mmap_err(size_t len, int prot, int flags, int fd, off_t off)
{
	void* p = mmap(NULL, len, prot, flags, fd, off);
	if (p == MAP_FAILED)
		return errno;
	munmap(p, len);
	return 0;
}

int main(void)
{
	ut_prog = "mm_file";
	printf("mm_file: pid %d\n", getpid());
	mkdir("/mnt", 0755);
	UT_EXPECT(mount("tmpfs", "/mnt", "tmpfs", 0, "size=8m") == 0, "a tmpfs on /mnt");
	int fd = make_file("/mnt/f");
	UT_EXPECT(fd >= 0, "a file of 3 pages and 100 bytes");

	/* MAP_PRIVATE: sees the file; its writes stay private */
	char* p = mmap(NULL, 4 * PG, RW, MAP_PRIVATE, fd, 0);
	UT_EXPECT(p != MAP_FAILED, "mmap MAP_PRIVATE of the file");
	int same = 1;
	for (size_t i = 0; i < FSIZE; i++)
		same &= p[i] == pattern(i);
	UT_EXPECT(same, "the private mapping reads the file's bytes");
	UT_EXPECT(p[FSIZE] == 0 && p[4 * PG - 1] == 0, "past EOF within the last page: zeroes");
	char c = 'X';
	UT_EXPECT(pwrite(fd, &c, 1, PG + 1) == 1 && p[PG + 1] == 'X', "a write(2) shows through a page not yet copied");
	p[PG] = '!';
	char rb = 0;
	UT_EXPECT(pread(fd, &rb, 1, PG) == 1 && rb == pattern(PG), "a private write does not reach the file");
	c = 'Y';
	UT_EXPECT(pwrite(fd, &c, 1, PG + 2) == 1 && p[PG + 2] == pattern(PG + 2) && p[PG] == '!',
	          "after the copy, write(2) no longer shows in that page");
	c = pattern(PG + 1);
	pwrite(fd, &c, 1, PG + 1);
	c = pattern(PG + 2);
	pwrite(fd, &c, 1, PG + 2);
	UT_EXPECT(madvise(p, 4 * PG, MADV_DONTNEED) == 0 && p[PG] == pattern(PG) && p[PG + 2] == pattern(PG + 2),
	          "MADV_DONTNEED drops the private copy: the file's page again");
	char* p2 = mmap(NULL, 2 * PG, PROT_READ, MAP_PRIVATE, fd, PG);
	UT_EXPECT(p2 != MAP_FAILED && p2[0] == pattern(PG) && p2[PG + 5] == pattern(2 * PG + 5),
	          "a mapping at an offset starts there");
	munmap(p2, 2 * PG);

	/* MAP_SHARED: one set of pages for read(2), write(2) and every mapping */
	char* s = mmap(NULL, 4 * PG, RW, MAP_SHARED, fd, 0);
	char* t = mmap(NULL, 4 * PG, RW, MAP_SHARED, fd, 0);
	UT_EXPECT(s != MAP_FAILED && t != MAP_FAILED && s != t, "two MAP_SHARED mappings");
	UT_EXPECT(s[5] == pattern(5) && t[2 * PG] == pattern(2 * PG), "they read the file");
	s[10] = '#';
	UT_EXPECT(t[10] == '#', "a write through one is seen through the other");
	UT_EXPECT(pread(fd, &rb, 1, 10) == 1 && rb == '#', "and by read(2)");
	c = '%';
	UT_EXPECT(pwrite(fd, &c, 1, 2 * PG + 3) == 1 && s[2 * PG + 3] == '%' && t[2 * PG + 3] == '%',
	          "write(2) is seen through both mappings");
	UT_EXPECT(p[10] == '#', "and through a private mapping's uncopied page");
	UT_EXPECT(msync(s, 4 * PG, MS_SYNC) == 0 && msync(s, PG, MS_ASYNC) == 0 && msync(s, PG, MS_INVALIDATE) == 0,
	          "msync MS_SYNC, MS_ASYNC, MS_INVALIDATE");
	UT_EXPECT(msync(s, PG, MS_SYNC | MS_ASYNC) == -1 && errno == EINVAL, "msync MS_SYNC|MS_ASYNC: EINVAL");
	UT_EXPECT(msync(s + 1, PG, MS_SYNC) == -1 && errno == EINVAL, "msync unaligned: EINVAL");
	s[3 * PG + 200] = 'Z';
	struct stat st;
	UT_EXPECT(fstat(fd, &st) == 0 && st.st_size == (off_t)FSIZE, "a write past EOF in the last page keeps the size");
	UT_EXPECT(pread(fd, &rb, 1, 3 * PG + 200) == 0, "and read(2) does not see it");
	unsigned char v[4];
	UT_EXPECT(mincore(s, 4 * PG, v) == 0 && v[0] && v[3], "mincore of touched shared pages");
	char* fresh = mmap(NULL, 4 * PG, PROT_READ, MAP_SHARED, fd, 0);
	UT_EXPECT(fresh != MAP_FAILED && mincore(fresh, 4 * PG, v) == 0 && v[0] && v[1] && v[2] && v[3],
	          "mincore of an untouched mapping: the page cache's pages count as resident");
	munmap(fresh, 4 * PG);
	UT_EXPECT(mprotect(s, PG, PROT_READ) == 0 && s[10] == '#' && mprotect(s, PG, RW) == 0, "mprotect of a shared mapping");
	munmap(t, 4 * PG);
	munmap(p, 4 * PG);
	/* a page wholly past EOF is not mapped (SIGBUS: mm_die); the mapping itself is fine */
	char* big = mmap(NULL, 8 * PG, PROT_READ, MAP_SHARED, fd, 0);
	UT_EXPECT(big != MAP_FAILED && mapped(big + 7 * PG), "a mapping may extend past EOF");
	munmap(big, 8 * PG);
	/* a file grown by write(2) shows the new pages through an existing mapping */
	char buf[PG];
	memset(buf, 'G', PG);
	UT_EXPECT(pwrite(fd, buf, PG, 4 * PG) == (ssize_t)PG, "the file grows by write(2)");
	char* g = mmap(NULL, 5 * PG, PROT_READ, MAP_SHARED, fd, 0);
	UT_EXPECT(g != MAP_FAILED && g[4 * PG + 7] == 'G' && g[3 * PG + 200] == 'Z' && g[3 * PG + 300] == 0,
	          "the grown part is mapped; the tail once past EOF kept the mapping's write");
	munmap(g, 5 * PG);
	munmap(s, 4 * PG);

	/* the open mode: read-only, write-only, MAP_SHARED_VALIDATE */
	int ro = open("/mnt/f", O_RDONLY);
	int wo = open("/mnt/f", O_WRONLY);
	UT_EXPECT(mmap_err(PG, RW, MAP_SHARED, ro, 0) == EACCES, "MAP_SHARED PROT_WRITE of an O_RDONLY file: EACCES");
	UT_EXPECT(mmap_err(PG, RW, MAP_PRIVATE, ro, 0) == 0, "MAP_PRIVATE PROT_WRITE of an O_RDONLY file works");
	UT_EXPECT(mmap_err(PG, PROT_READ, MAP_SHARED, wo, 0) == EACCES, "mmap of an O_WRONLY file: EACCES");
	char* r = mmap(NULL, PG, PROT_READ, MAP_SHARED, ro, 0);
	UT_EXPECT(r != MAP_FAILED && mprotect(r, PG, RW) == -1 && errno == EACCES,
	          "mprotect PROT_WRITE of a read-only shared mapping: EACCES");
	munmap(r, PG);
	UT_EXPECT(mmap_err(PG, PROT_READ, MAP_SHARED_VALIDATE | MAP_SYNC, fd, 0) == EOPNOTSUPP,
	          "MAP_SHARED_VALIDATE with a flag tmpfs lacks (MAP_SYNC): EOPNOTSUPP");
	UT_EXPECT(mmap_err(PG, PROT_READ, MAP_SHARED | MAP_SYNC, fd, 0) == 0, "plain MAP_SHARED ignores it");
	UT_EXPECT(mmap_err(PG, PROT_READ, MAP_SHARED_VALIDATE, fd, 0) == 0, "MAP_SHARED_VALIDATE with known flags maps");
	UT_EXPECT(mmap_err(PG, PROT_READ, MAP_PRIVATE | MAP_GROWSDOWN, fd, 0) == EINVAL, "a file MAP_GROWSDOWN: EINVAL");
	close(ro);
	close(wo);

	/* truncation unmaps what lies past the new end (touching it: SIGBUS, mm_die) */
	char* m = mmap(NULL, 2 * PG, RW, MAP_SHARED, fd, 0);
	m[PG] = 'q';
	int fd2 = open("/mnt/f", O_RDWR | O_TRUNC);
	UT_EXPECT(fd2 >= 0 && fstat(fd2, &st) == 0 && st.st_size == 0, "O_TRUNC empties the mapped file");
	UT_EXPECT(write(fd2, "hello", 5) == 5 && m[0] == 'h' && m[4] == 'o' && m[5] == 0,
	          "the mapping sees the new contents, zeroes after them");
	munmap(m, 2 * PG);
	close(fd2);
	close(fd);
	UT_EXPECT(unlink("/mnt/f") == 0, "unlink the file");
	return ut_done();
}
