/*
 * mm_die: memory accesses that must kill the process, one per run (as
 * init, the death panics both Linux and monolith: the harness checks the
 * panic's exit code and the kernel's segfault line).  argv[1] picks it:
 *   sigbus    a MAP_SHARED page past the end of a file truncated under it:
 *             SIGBUS (exitcode 0x7)
 *   eof       a page of a file mapping wholly past EOF: SIGBUS
 *   rowrite   a write to a present read-only page: SIGSEGV, "error 7"
 *   protnone  a read of a PROT_NONE page: SIGSEGV (SEGV_ACCERR), "error 4"
 *   stack     a recursion past RLIMIT_STACK (8 MiB): SIGSEGV
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#define PG 4096UL

static volatile char sink;

static char* file_map(size_t size, size_t map_len)
{
	mkdir("/mnt", 0755);
	mount("tmpfs", "/mnt", "tmpfs", 0, "size=8m");
	int fd = open("/mnt/f", O_RDWR | O_CREAT | O_TRUNC, 0644);
	static char buf[4 * PG];
	memset(buf, 'x', sizeof(buf));
	if (fd < 0 || write(fd, buf, size) != (ssize_t)size)
		return NULL;
	char* p = mmap(NULL, map_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	return p == MAP_FAILED ? NULL : p;
}

static int __attribute__((noinline)) recurse(int depth)
{
	volatile char frame[4000];
	frame[0] = (char)depth;
	if (depth < 0) /* never: a recursion without end, as far as the compiler knows */
		return 0;
	return recurse(depth + 1) + frame[0];
}

int main(int argc, char** argv)
{
	const char* what = argc > 1 ? argv[argc - 1] : "";
	printf("mm_die: %s\n", what);
	fflush(stdout);
	tcdrain(1); /* Linux: let the tty send it before the panic stops everything */
	if (!strcmp(what, "sigbus")) {
		char* p = file_map(2 * PG, 2 * PG);
		if (!p)
			return 1;
		p[PG] = 'y'; /* mapped now */
		int fd = open("/mnt/f", O_RDWR | O_TRUNC);
		printf("mm_die: truncated (fd %d), touching the page past the end\n", fd);
		fflush(stdout);
		tcdrain(1); /* Linux: let the tty send it before the panic stops everything */
		sink = p[PG];
	} else if (!strcmp(what, "eof")) {
		char* p = file_map(100, 2 * PG);
		if (!p)
			return 1;
		sink = p[99];
		printf("mm_die: the first page reads, touching the second\n");
		fflush(stdout);
		tcdrain(1); /* Linux: let the tty send it before the panic stops everything */
		sink = p[PG];
	} else if (!strcmp(what, "rowrite")) {
		char* p = mmap(NULL, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		sink = p[0]; /* present (the zero page), read-only */
		*(volatile char*)p = 1;
	} else if (!strcmp(what, "protnone")) {
		char* p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		p[0] = 1;
		mprotect(p, PG, PROT_NONE);
		sink = p[0];
	} else if (!strcmp(what, "stack")) {
		sink = (char)recurse(0);
	}
	printf("mm_die: still alive\n");
	fflush(stdout);
	tcdrain(1); /* Linux: let the tty send it before the panic stops everything */
	return 0;
}
