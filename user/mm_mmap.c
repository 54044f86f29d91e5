/*
 * mm_mmap: the memory system calls of an anonymous address space, as a
 * program sees them — mmap (private and shared, MAP_FIXED,
 * MAP_FIXED_NOREPLACE, MAP_POPULATE, MAP_NORESERVE, MAP_GROWSDOWN,
 * MAP_STACK, hints, the top-down layout, the errnos up to
 * vm.max_map_count and TASK_SIZE), munmap, mprotect, mremap, madvise,
 * mincore, brk, the mlock family and stack growth.  Without /proc the
 * layout is checked through addresses and mincore (ENOMEM: not mapped).
 * Every check passes on Linux 6.1 (linux_mm_mmap_*): run as init.
 */
#define _GNU_SOURCE
#include "utest.h"
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#ifndef MAP_SHARED_VALIDATE
#define MAP_SHARED_VALIDATE 0x03
#endif
#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif
#ifndef MADV_REMOVE
#define MADV_REMOVE 9
#endif

#define PG 4096UL
#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)
#define RW (PROT_READ | PROT_WRITE)

/* the errno of a failed call, 0 if it succeeded */
static int err_of(long ret)
{
	return ret == -1 ? errno : 0;
}
static int mmap_err(void* a, size_t len, int prot, int flags, int fd, off_t off)
{
	void* p = mmap(a, len, prot, flags, fd, off);
	if (p == MAP_FAILED)
		return errno;
	munmap(p, len);
	return 0;
}
/* is the page at a mapped?  (mincore: ENOMEM for an unmapped page) */
static int mapped(void* a)
{
	unsigned char v;
	return mincore((void*)((uintptr_t)a & ~(PG - 1)), PG, &v) == 0;
}
static int resident(void* a)
{
	unsigned char v = 0;
	return mincore((void*)((uintptr_t)a & ~(PG - 1)), PG, &v) == 0 && (v & 1);
}
static int all_resident(void* a, size_t pages)
{
	unsigned char v[256];
	if (pages > sizeof(v) || mincore(a, pages * PG, v))
		return 0;
	for (size_t i = 0; i < pages; i++)
		if (!(v[i] & 1))
			return 0;
	return 1;
}
/* a free range of len bytes, nothing mapped there now */
static char* free_range(size_t len)
{
	char* p = mmap(NULL, len, PROT_NONE, ANON, -1, 0);
	munmap(p, len);
	return p;
}
static long sys_brk(unsigned long a)
{
	return syscall(SYS_brk, a);
}

static void test_mmap_basics(void)
{
	/* anonymous private: demand zero, readable and writable, page-aligned */
	char* p = mmap(NULL, 3 * PG, RW, ANON, -1, 0);
	UT_EXPECT(p != MAP_FAILED && ((uintptr_t)p & (PG - 1)) == 0, "mmap anonymous private: a page-aligned address");
	UT_EXPECT(!resident(p) && !resident(p + PG), "untouched anonymous pages are not resident");
	UT_EXPECT(p[0] == 0 && p[3 * PG - 1] == 0, "anonymous memory reads as zeroes");
	UT_EXPECT(resident(p) && !resident(p + PG), "a read makes one page resident (the zero page)");
	p[PG] = 42;
	UT_EXPECT(p[PG] == 42 && resident(p + PG), "a write lands and the page is resident");
	/* a length not a multiple of the page size covers the whole last page */
	char* q = mmap(free_range(4 * PG), PG + 1, RW, ANON | MAP_FIXED, -1, 0);
	UT_EXPECT(q != MAP_FAILED && mapped(q + PG) && !mapped(q + 2 * PG), "mmap rounds the length up to pages");
	q[2 * PG - 1] = 1;
	munmap(q, PG + 1);

	/* the top-down layout: below the stack, above the program and brk, downwards */
	int local;
	char* a = mmap(NULL, PG, RW, ANON, -1, 0);
	char* b = mmap(NULL, PG, RW, ANON, -1, 0);
	UT_EXPECT(b < a, "the next mapping goes below the previous one (top-down)");
	UT_EXPECT(a < (char*)&local && a > (char*)sys_brk(0) && a > (char*)&test_mmap_basics,
	          "mappings lie between brk and the stack");
	UT_EXPECT((uintptr_t)&local - (uintptr_t)a >= (128UL << 20), "mmap_base keeps the stack's gap (>= 128 MiB)");
	munmap(a, PG);
	munmap(b, PG);

	/* MAP_FIXED over an existing mapping: the old pages are gone */
	p[0] = 7;
	char* f = mmap(p, PG, RW, ANON | MAP_FIXED, -1, 0);
	UT_EXPECT(f == p && p[0] == 0 && p[PG] == 42, "MAP_FIXED replaces the pages under it, and only those");
	/* MAP_FIXED_NOREPLACE: EEXIST over a mapping, the address when free */
	errno = 0;
	UT_EXPECT(mmap(p + PG, PG, RW, ANON | MAP_FIXED_NOREPLACE, -1, 0) == MAP_FAILED && errno == EEXIST,
	          "MAP_FIXED_NOREPLACE over a mapping: EEXIST");
	UT_EXPECT(p[PG] == 42, "and the mapping is untouched");
	char* hole = free_range(4 * PG);
	UT_EXPECT(mmap(hole + PG, PG, RW, ANON | MAP_FIXED_NOREPLACE, -1, 0) == hole + PG,
	          "MAP_FIXED_NOREPLACE on a free range maps there");
	errno = 0;
	UT_EXPECT(mmap(hole, 2 * PG, RW, ANON | MAP_FIXED_NOREPLACE, -1, 0) == MAP_FAILED && errno == EEXIST,
	          "MAP_FIXED_NOREPLACE partly over a mapping: EEXIST");
	munmap(hole, 4 * PG);
	munmap(p, 3 * PG);

	/* hints: honoured when free, else another place, the old mapping intact */
	char* h = free_range(64 * PG) + 16 * PG;
	char* g = mmap(h, 2 * PG, RW, ANON, -1, 0);
	UT_EXPECT(g == h, "a free hint is honoured");
	g[0] = 5;
	char* g2 = mmap(h + PG, PG, RW, ANON, -1, 0);
	UT_EXPECT(g2 != MAP_FAILED && g2 != h + PG && g[0] == 5, "a hint over a mapping is not: elsewhere, nothing replaced");
	munmap(g2, PG);
	char* u = mmap(h + 123, PG, RW, ANON, -1, 0);
	UT_EXPECT(u != MAP_FAILED && ((uintptr_t)u & (PG - 1)) == 0, "an unaligned hint is aligned, not refused");
	munmap(u, PG);
	munmap(g, 2 * PG);

	/* MAP_POPULATE: every page resident at once */
	char* pop = mmap(NULL, 16 * PG, RW, ANON | MAP_POPULATE, -1, 0);
	UT_EXPECT(pop != MAP_FAILED && all_resident(pop, 16), "MAP_POPULATE faults every page in");
	UT_EXPECT(pop[5 * PG] == 0, "populated pages read as zeroes");
	munmap(pop, 16 * PG);
	/* MAP_NORESERVE: 4 GiB of writable private memory is more than RAM
	 * (heuristic overcommit refuses it) unless nothing is reserved */
	errno = 0;
	UT_EXPECT(mmap(NULL, 4UL << 30, RW, ANON, -1, 0) == MAP_FAILED && errno == ENOMEM,
	          "4 GiB writable private memory > RAM: ENOMEM (heuristic overcommit)");
	char* nr = mmap(NULL, 4UL << 30, RW, ANON | MAP_NORESERVE, -1, 0);
	UT_EXPECT(nr != MAP_FAILED, "with MAP_NORESERVE it is mapped");
	if (nr != MAP_FAILED) {
		nr[0] = 1;
		nr[(4UL << 30) - 1] = 2;
		UT_EXPECT(nr[0] == 1 && nr[(4UL << 30) - 1] == 2, "and its first and last pages work");
		munmap(nr, 4UL << 30);
	}
	char* ro = mmap(NULL, 4UL << 30, PROT_READ, ANON, -1, 0);
	UT_EXPECT(ro != MAP_FAILED, "4 GiB read-only private memory reserves nothing: mapped");
	munmap(ro, 4UL << 30);
	/* MAP_STACK is accepted */
	char* st = mmap(NULL, 4 * PG, RW, ANON | MAP_STACK, -1, 0);
	UT_EXPECT(st != MAP_FAILED, "MAP_STACK is accepted");
	munmap(st, 4 * PG);
	/* MAP_GROWSDOWN: a touch below the mapping grows it */
	char* room = free_range(1024 * PG);
	char* gd = mmap(room + 1000 * PG, 4 * PG, RW, ANON | MAP_GROWSDOWN, -1, 0);
	UT_EXPECT(gd == room + 1000 * PG, "MAP_GROWSDOWN maps at the hint");
	UT_EXPECT(!mapped(gd - PG), "nothing below it yet");
	gd[-1] = 3;
	gd[-3 * (long)PG] = 4;
	UT_EXPECT(gd[-1] == 3 && mapped(gd - PG) && mapped(gd - 3 * PG), "a touch below it grows it down");
	UT_EXPECT(munmap(gd - 3 * PG, 7 * PG) == 0 && !mapped(gd), "the grown mapping unmaps");
}

static void test_mmap_errnos(void)
{
	int dir = open("/", O_RDONLY | O_DIRECTORY);
	UT_EXPECT(mmap_err(NULL, 0, RW, ANON, -1, 0) == EINVAL, "len 0: EINVAL");
	UT_EXPECT(mmap_err((void*)0x10000123, PG, RW, ANON | MAP_FIXED, -1, 0) == EINVAL,
	          "MAP_FIXED at an unaligned address: EINVAL");
	UT_EXPECT(mmap_err(NULL, PG, RW, ANON, -1, 123) == EINVAL, "an unaligned offset: EINVAL");
	UT_EXPECT(mmap_err(NULL, PG, RW, MAP_ANONYMOUS, -1, 0) == EINVAL, "neither MAP_PRIVATE nor MAP_SHARED: EINVAL");
	UT_EXPECT(mmap_err(NULL, PG, RW, MAP_SHARED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == EINVAL,
	          "anonymous MAP_SHARED|MAP_PRIVATE (MAP_SHARED_VALIDATE): EINVAL");
	UT_EXPECT(mmap_err(NULL, PG, RW, MAP_SHARED | MAP_ANONYMOUS | MAP_GROWSDOWN, -1, 0) == EINVAL,
	          "shared anonymous MAP_GROWSDOWN: EINVAL");
	UT_EXPECT(mmap_err(NULL, PG, RW, MAP_PRIVATE, -1, 0) == EBADF, "no MAP_ANONYMOUS and fd -1: EBADF");
	UT_EXPECT(mmap_err(NULL, PG, RW, MAP_PRIVATE, 1000, 0) == EBADF, "a closed fd: EBADF");
	UT_EXPECT(mmap_err(NULL, PG, PROT_READ, MAP_PRIVATE, dir, 0) == ENODEV, "a directory (no f_op->mmap): ENODEV");
	close(dir);
	UT_EXPECT(mmap_err(NULL, 1UL << 47, PROT_READ, ANON, -1, 0) == ENOMEM, "longer than TASK_SIZE: ENOMEM");
	UT_EXPECT(mmap_err((void*)(0x7ffffffff000UL - PG), 2 * PG, RW, ANON | MAP_FIXED, -1, 0) == ENOMEM,
	          "MAP_FIXED crossing TASK_SIZE: ENOMEM");
	UT_EXPECT(mmap_err(NULL, -PG, PROT_READ, ANON, -1, 0) == ENOMEM, "a length that wraps when rounded: ENOMEM");
	/* vm.max_map_count (65530): one page each, alternating protections so nothing merges */
	size_t n = 70000;
	char* base = mmap(NULL, n * PG, PROT_NONE, ANON | MAP_NORESERVE, -1, 0);
	UT_EXPECT(base != MAP_FAILED, "a 70000-page PROT_NONE reservation");
	size_t i;
	int e = 0;
	for (i = 1; i < n; i += 2) {
		if (mmap(base + i * PG, PG, PROT_READ, ANON | MAP_FIXED, -1, 0) == MAP_FAILED) {
			e = errno;
			break;
		}
	}
	UT_EXPECT(e == ENOMEM && i > 64000 && i < 66000, "past vm.max_map_count: ENOMEM (at page %zu)", i);
	e = err_of(mprotect(base + (i - 1) * PG + 0, PG, PROT_WRITE | PROT_READ));
	UT_EXPECT(e == ENOMEM, "a split past the limit (mprotect): ENOMEM");
	e = err_of(munmap(base + (i - 2) * PG + 0, PG));
	UT_EXPECT(e == 0 || e == ENOMEM, "munmap joins two maps back (or ENOMEM)");
	UT_EXPECT(munmap(base, n * PG) == 0, "one munmap removes all %zu VMAs", i);
	char* after = mmap(NULL, PG, RW, ANON, -1, 0);
	UT_EXPECT(after != MAP_FAILED, "and mapping works again");
	munmap(after, PG);
}

static void test_shared_anon(void)
{
	char* s = mmap(NULL, 4 * PG, RW, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	UT_EXPECT(s != MAP_FAILED, "anonymous MAP_SHARED maps (shmem)");
	if (s == MAP_FAILED)
		return;
	UT_EXPECT(s[0] == 0 && s[4 * PG - 1] == 0, "it reads as zeroes");
	memset(s, 0x5a, 4 * PG);
	UT_EXPECT(s[PG + 7] == 0x5a, "writes land");
	/* a second mapping of the same object (mremap with old_len 0) sees the same bytes */
	char* t = mremap(s, 0, 4 * PG, MREMAP_MAYMOVE);
	UT_EXPECT(t != MAP_FAILED && t != s, "mremap(old_len 0) duplicates a shared mapping");
	if (t != MAP_FAILED) {
		UT_EXPECT(t[PG + 7] == 0x5a, "the duplicate sees the first's bytes");
		t[3] = 9;
		UT_EXPECT(s[3] == 9, "and the first sees the duplicate's writes");
		munmap(t, 4 * PG);
	}
	/* MADV_DONTNEED drops the PTEs, not the shared pages */
	UT_EXPECT(madvise(s, 4 * PG, MADV_DONTNEED) == 0 && s[PG + 7] == 0x5a && s[3] == 9,
	          "MADV_DONTNEED on shared memory keeps its contents");
	UT_EXPECT(madvise(s, PG, MADV_REMOVE) == 0 && s[3] == 0 && s[PG] == 0x5a, "MADV_REMOVE punches a hole");
	UT_EXPECT(mprotect(s, PG, PROT_READ) == 0 && s[PG] == 0x5a && mprotect(s, PG, RW) == 0,
	          "mprotect of shared memory");
	munmap(s, 4 * PG);
	char* sp = mmap(NULL, 8 * PG, RW, MAP_SHARED | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	UT_EXPECT(sp != MAP_FAILED && all_resident(sp, 8), "shared anonymous MAP_POPULATE");
	munmap(sp, 8 * PG);
}

static void test_munmap(void)
{
	char* p = mmap(NULL, 5 * PG, RW, ANON, -1, 0);
	for (int i = 0; i < 5; i++)
		p[i * PG] = (char)(i + 1);
	UT_EXPECT(munmap(p + 2 * PG, PG) == 0, "munmap of a middle page");
	UT_EXPECT(mapped(p + PG) && !mapped(p + 2 * PG) && mapped(p + 3 * PG), "splits the VMA around a hole");
	UT_EXPECT(p[PG] == 2 && p[3 * PG] == 4, "the rest keeps its contents");
	UT_EXPECT(munmap(p + 4 * PG, PG) == 0 && !mapped(p + 4 * PG) && p[3 * PG] == 4, "munmap of the tail");
	UT_EXPECT(munmap(p, PG) == 0 && !mapped(p) && p[PG] == 2, "munmap of the head");
	UT_EXPECT(munmap(p, 5 * PG) == 0 && !mapped(p + PG) && !mapped(p + 3 * PG),
	          "munmap of a range spanning several VMAs and holes");
	UT_EXPECT(munmap(p, 5 * PG) == 0, "munmap of nothing mapped succeeds");
	/* three VMAs (different protections) removed by one call, partly */
	char* q = mmap(NULL, 6 * PG, RW, ANON, -1, 0);
	mprotect(q + 2 * PG, 2 * PG, PROT_READ);
	UT_EXPECT(munmap(q + PG, 4 * PG) == 0 && mapped(q) && mapped(q + 5 * PG) && !mapped(q + PG) &&
	              !mapped(q + 4 * PG),
	          "munmap across three VMAs keeps both ends");
	munmap(q, 6 * PG);
	UT_EXPECT(err_of(munmap(q + 1, PG)) == EINVAL, "munmap unaligned: EINVAL");
	UT_EXPECT(err_of(munmap(q, 0)) == EINVAL, "munmap len 0: EINVAL");
	UT_EXPECT(err_of(munmap((void*)0x7ffffffff000UL, 2 * PG)) == EINVAL, "munmap past TASK_SIZE: EINVAL");
	UT_EXPECT(err_of(munmap((void*)(-PG), PG)) == EINVAL, "munmap of a kernel address: EINVAL");
}

static void test_mprotect(void)
{
	char* p = mmap(NULL, 3 * PG, RW, ANON, -1, 0);
	memset(p, 1, 3 * PG);
	UT_EXPECT(mprotect(p + PG, PG, PROT_READ) == 0, "mprotect a middle page read-only");
	p[0] = 2;
	p[2 * PG] = 3;
	UT_EXPECT(p[0] == 2 && p[PG] == 1 && p[2 * PG] == 3, "its neighbours stay writable");
	UT_EXPECT(mprotect(p + PG, PG, PROT_NONE) == 0 && mprotect(p + PG, PG, RW) == 0 && p[PG] == 1,
	          "PROT_NONE and back: the contents survive");
	p[PG] = 4;
	UT_EXPECT(p[PG] == 4, "writable again after the merge");
	UT_EXPECT(mprotect(p, 3 * PG, PROT_READ | PROT_EXEC) == 0 && p[2 * PG] == 3, "mprotect of the whole range");
	/* (musl's mprotect() rounds the range to pages itself: the raw call) */
	UT_EXPECT(err_of(syscall(SYS_mprotect, p + 1, PG, PROT_READ)) == EINVAL, "mprotect unaligned: EINVAL");
	UT_EXPECT(err_of(mprotect(p, PG, 0x100)) == EINVAL, "mprotect unknown bits: EINVAL");
	UT_EXPECT(mprotect(p, 0, PROT_READ) == 0, "mprotect len 0 succeeds");
	munmap(p + PG, PG);
	UT_EXPECT(err_of(mprotect(p, 3 * PG, PROT_READ)) == ENOMEM, "mprotect over a hole: ENOMEM");
	UT_EXPECT(err_of(mprotect(p + PG, PG, PROT_READ)) == ENOMEM, "mprotect of nothing mapped: ENOMEM");
	munmap(p, 3 * PG);
	UT_EXPECT(err_of(mprotect(p, PG, PROT_READ | PROT_GROWSDOWN | PROT_GROWSUP)) == EINVAL,
	          "PROT_GROWSDOWN|PROT_GROWSUP: EINVAL");
}

static void test_mremap(void)
{
	char* room = free_range(64 * PG);
	char* p = mmap(room, 2 * PG, RW, ANON | MAP_FIXED, -1, 0);
	p[0] = 1;
	p[PG] = 2;
	char* r = mremap(p, 2 * PG, 4 * PG, 0);
	UT_EXPECT(r == p && p[PG] == 2 && p[3 * PG] == 0 && mapped(p + 3 * PG), "mremap grows in place");
	char* blocker = mmap(p + 4 * PG, PG, PROT_READ, ANON | MAP_FIXED, -1, 0);
	errno = 0;
	UT_EXPECT(mremap(p, 4 * PG, 8 * PG, 0) == MAP_FAILED && errno == ENOMEM,
	          "growing into a mapping without MREMAP_MAYMOVE: ENOMEM");
	char* m = mremap(p, 4 * PG, 8 * PG, MREMAP_MAYMOVE);
	UT_EXPECT(m != MAP_FAILED && m != p && m[0] == 1 && m[PG] == 2 && m[7 * PG] == 0,
	          "MREMAP_MAYMOVE moves it, contents along");
	UT_EXPECT(!mapped(p) && mapped(blocker), "the old range is unmapped");
	char* fixed = room + 20 * PG;
	char* f = mremap(m, 8 * PG, 8 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, fixed);
	UT_EXPECT(f == fixed && f[PG] == 2 && !mapped(m), "MREMAP_FIXED moves it where asked");
	char* s = mremap(f, 8 * PG, 2 * PG, 0);
	UT_EXPECT(s == f && mapped(f + PG) && !mapped(f + 2 * PG) && f[PG] == 2, "mremap shrinks");
	/* (glibc's mremap() passes whatever is in %r8 as new_addr without MREMAP_FIXED: the raw call) */
	char* d = (char*)syscall(SYS_mremap, f, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, 0);
	int derr = d == MAP_FAILED ? errno : 0;
	UT_EXPECT(d != MAP_FAILED && d[PG] == 2 && mapped(f) && f[PG] == 0,
	          "MREMAP_DONTUNMAP leaves the old range empty (errno %d)", derr);
	if (d != MAP_FAILED)
		munmap(d, 2 * PG);
	UT_EXPECT(err_of((long)mremap(f + 1, PG, 2 * PG, MREMAP_MAYMOVE)) == EINVAL, "mremap unaligned: EINVAL");
	UT_EXPECT(err_of((long)mremap(f, PG, 0, MREMAP_MAYMOVE)) == EINVAL, "mremap to length 0: EINVAL");
	UT_EXPECT(err_of((long)mremap(f, PG, PG, MREMAP_FIXED, room)) == EINVAL, "MREMAP_FIXED without MAYMOVE: EINVAL");
	UT_EXPECT(err_of((long)mremap(f, PG, PG, 0x80)) == EINVAL, "unknown mremap flags: EINVAL");
	UT_EXPECT(err_of((long)mremap(f, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, f + PG)) == EINVAL,
	          "MREMAP_FIXED onto an overlapping range: EINVAL");
	UT_EXPECT(err_of((long)mremap(room + 40 * PG, PG, 2 * PG, MREMAP_MAYMOVE)) == EFAULT, "mremap of nothing: EFAULT");
	UT_EXPECT(err_of((long)mremap(f, 4 * PG, 8 * PG, MREMAP_MAYMOVE)) == EFAULT,
	          "mremap of a range past its VMA: EFAULT");
	char* dup = mremap(f, 0, 4 * PG, MREMAP_MAYMOVE);
	UT_EXPECT(dup == MAP_FAILED && errno == EINVAL, "duplicating a private mapping (old_len 0): EINVAL");
	munmap(f, 2 * PG);
	munmap(blocker, PG);
}

static void test_madvise_mincore(void)
{
	char* p = mmap(NULL, 4 * PG, RW, ANON, -1, 0);
	memset(p, 0x11, 4 * PG);
	UT_EXPECT(madvise(p + PG, 2 * PG, MADV_DONTNEED) == 0, "MADV_DONTNEED");
	UT_EXPECT(p[0] == 0x11 && p[PG] == 0 && p[3 * PG - 1] == 0 && p[3 * PG] == 0x11,
	          "zeroes anonymous private memory, only in its range");
	unsigned char v[4];
	madvise(p + PG, PG, MADV_DONTNEED);
	UT_EXPECT(mincore(p, 4 * PG, v) == 0 && v[0] == 1 && v[1] == 0 && v[3] == 1, "mincore: the resident vector");
	UT_EXPECT(madvise(p, 4 * PG, MADV_WILLNEED) == 0 && madvise(p, 4 * PG, MADV_NORMAL) == 0 &&
	              madvise(p, 4 * PG, MADV_SEQUENTIAL) == 0 && madvise(p, 4 * PG, MADV_RANDOM) == 0,
	          "WILLNEED, NORMAL, SEQUENTIAL, RANDOM succeed");
	UT_EXPECT(madvise(p, PG, MADV_DONTFORK) == 0 && madvise(p, PG, MADV_DOFORK) == 0, "DONTFORK/DOFORK");
	UT_EXPECT(madvise(p, 2 * PG, MADV_FREE) == 0, "MADV_FREE");
	UT_EXPECT(err_of(madvise(p, PG, 12345)) == EINVAL, "unknown advice: EINVAL");
	UT_EXPECT(err_of(madvise(p + 1, PG, MADV_DONTNEED)) == EINVAL, "madvise unaligned: EINVAL");
	UT_EXPECT(madvise(p, 0, MADV_DONTNEED) == 0, "madvise len 0 succeeds");
	munmap(p + 2 * PG, PG);
	UT_EXPECT(err_of(madvise(p, 4 * PG, MADV_DONTNEED)) == ENOMEM && p[3 * PG] == 0,
	          "madvise over a hole: ENOMEM (after the rest was done)");
	UT_EXPECT(err_of(mincore(p, 4 * PG, v)) == ENOMEM, "mincore over a hole: ENOMEM");
	UT_EXPECT(err_of(mincore(p + 1, PG, v)) == EINVAL, "mincore unaligned: EINVAL");
	UT_EXPECT(err_of(mincore(p, PG, (unsigned char*)8)) == EFAULT, "mincore to a bad vector: EFAULT");
	munmap(p, 4 * PG);
}

static void test_brk(void)
{
	long b0 = sys_brk(0);
	long r1 = sys_brk(b0 + 64 * PG);
	char* b = (char*)((b0 + PG - 1) & ~(PG - 1));
	int wrote = 0;
	if (r1 == b0 + (long)(64 * PG)) {
		b[0] = 1;
		b[60 * PG] = 2;
		wrote = b[0] == 1 && b[60 * PG] == 2;
	}
	long r2 = sys_brk(b0 + 4 * PG);
	int gone = !mapped(b + 8 * PG) && mapped(b);
	long r3 = sys_brk(0x10000);
	long r4 = sys_brk(b0 + 64 * PG);
	int zero = r4 == b0 + (long)(64 * PG) && b[60 * PG] == 0;
	long r5 = sys_brk(b0);
	UT_EXPECT(r1 == b0 + (long)(64 * PG) && wrote, "brk grows the heap, its memory works");
	UT_EXPECT(r2 == b0 + (long)(4 * PG) && gone, "brk shrinks it: the pages above are unmapped");
	UT_EXPECT(r3 == b0 + (long)(4 * PG), "brk below the start is refused: the old break comes back");
	UT_EXPECT(zero, "regrown heap memory is zeroed");
	UT_EXPECT(r5 == b0, "brk back to where it was");
	/* not into a mapping above it */
	char* wall = mmap((char*)((b0 + PG - 1) & ~(PG - 1)) + 16 * PG, PG, PROT_READ, ANON | MAP_FIXED_NOREPLACE, -1, 0);
	if (wall != MAP_FAILED) {
		UT_EXPECT(sys_brk(b0 + 32 * PG) == b0, "brk into a mapping is refused");
		munmap(wall, PG);
	}
}

static void test_mlock(void)
{
	char* p = mmap(NULL, 4096 * PG, RW, ANON, -1, 0); /* 16 MiB > RLIMIT_MEMLOCK (8 MiB): root may */
	UT_EXPECT(mlock(p, 4096 * PG) == 0, "mlock 16 MiB as root (CAP_IPC_LOCK)");
	UT_EXPECT(all_resident(p, 256) && all_resident(p + 3840 * PG, 256), "mlock faults the pages in");
	UT_EXPECT(munlock(p, 4096 * PG) == 0, "munlock");
	UT_EXPECT(mlock(p + 10, 100) == 0 && munlock(p + 10, 100) == 0, "mlock/munlock round an unaligned range");
	munmap(p, 4096 * PG);
	UT_EXPECT(err_of(mlock(p, PG)) == ENOMEM, "mlock of nothing mapped: ENOMEM");
	UT_EXPECT(err_of(munlock(p, PG)) == ENOMEM, "munlock of nothing mapped: ENOMEM");
	UT_EXPECT(err_of(syscall(SYS_mlock2, p, PG, 0x100)) == EINVAL, "mlock2 unknown flags: EINVAL");
	UT_EXPECT(err_of(mlockall(0)) == EINVAL, "mlockall(0): EINVAL");
	UT_EXPECT(mlockall(MCL_CURRENT | MCL_FUTURE) == 0, "mlockall(MCL_CURRENT|MCL_FUTURE)");
	char* q = mmap(NULL, 8 * PG, RW, ANON, -1, 0);
	UT_EXPECT(q != MAP_FAILED && all_resident(q, 8), "after MCL_FUTURE a new mapping is populated");
	UT_EXPECT(munlockall() == 0, "munlockall");
	char* q2 = mmap(NULL, 8 * PG, RW, ANON, -1, 0);
	UT_EXPECT(q2 != MAP_FAILED && !resident(q2), "and later mappings are not");
	munmap(q, 8 * PG);
	munmap(q2, 8 * PG);
}

/* a deep recursion: each frame touches 4 KiB of the stack */
static int __attribute__((noinline)) recurse(int depth)
{
	volatile char frame[4000];
	frame[0] = (char)depth;
	frame[sizeof(frame) - 1] = (char)depth;
	if (depth == 0)
		return frame[0];
	return recurse(depth - 1) + frame[sizeof(frame) - 1] - (char)depth;
}

static void test_stack(void)
{
	uintptr_t sp = (uintptr_t)__builtin_frame_address(0);
	UT_EXPECT(!mapped((void*)(sp - (1UL << 20))), "1 MiB below the stack pointer is not mapped yet");
	UT_EXPECT(recurse(200) == 0, "a recursion 800 KiB deep grows the stack");
	UT_EXPECT(mapped((void*)(sp - (700UL << 10))), "700 KiB below is mapped now");
}

int main(void)
{
	ut_prog = "mm_mmap";
	printf("mm_mmap: pid %d\n", getpid());
	test_mmap_basics();
	test_mmap_errnos();
	test_shared_anon();
	test_munmap();
	test_mprotect();
	test_mremap();
	test_madvise_mincore();
	test_brk();
	test_mlock();
	test_stack();
	return ut_done();
}
