/*
 * mm_rlimit: the address-space limits from user space: RLIMIT_AS bounds
 * every mapping, RLIMIT_DATA the private writable ones and the break
 * (Linux's may_expand_vm and check_data_rlimit), and mlock as root is not
 * bounded by RLIMIT_MEMLOCK (CAP_IPC_LOCK).
 */
#define _GNU_SOURCE
#include "utest.h"
#include <errno.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#define MiB (1UL << 20)

/* the bytes of address space mapped now: the sum of /proc-less guesses is
 * not available, so probe: the limit is set relative to a large headroom */
int main(void)
{
	ut_prog = "mm_rlimit";
	struct rlimit old_as, old_data;
	getrlimit(RLIMIT_AS, &old_as);
	getrlimit(RLIMIT_DATA, &old_data);

	/* RLIMIT_AS: with 64 MiB of room, 256 MiB cannot be mapped, 8 MiB can */
	void* probe = mmap(NULL, 8 * MiB, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	UT_EXPECT(probe != MAP_FAILED, "an 8 MiB mapping without a limit");
	munmap(probe, 8 * MiB);
	/* find the current total: grow the limit from small until 1 MiB maps */
	rlim_t lim = 0;
	for (rlim_t try = 4 * MiB; try < 1024 * MiB; try += 1 * MiB) {
		struct rlimit r = {try, old_as.rlim_max};
		setrlimit(RLIMIT_AS, &r);
		void* p = mmap(NULL, MiB, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p != MAP_FAILED) {
			munmap(p, MiB);
			lim = try;
			break;
		}
	}
	UT_EXPECT(lim != 0, "some RLIMIT_AS lets a 1 MiB mapping in (%lu MiB)", (unsigned long)(lim / MiB));
	struct rlimit r = {lim + 64 * MiB, old_as.rlim_max};
	setrlimit(RLIMIT_AS, &r);
	errno = 0;
	void* big = mmap(NULL, 256 * MiB, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	UT_EXPECT(big == MAP_FAILED && errno == ENOMEM, "256 MiB past RLIMIT_AS: ENOMEM");
	void* ok = mmap(NULL, 8 * MiB, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	UT_EXPECT(ok != MAP_FAILED, "8 MiB within RLIMIT_AS");
	if (ok != MAP_FAILED)
		munmap(ok, 8 * MiB);
	uintptr_t brk0 = (uintptr_t)syscall(SYS_brk, 0);
	UT_EXPECT((uintptr_t)syscall(SYS_brk, brk0 + 256 * MiB) == brk0, "brk past RLIMIT_AS stays where it was");
	setrlimit(RLIMIT_AS, &old_as);

	/* RLIMIT_DATA: private writable memory and the break, not read-only or shared */
	struct rlimit d = {8 * MiB, old_data.rlim_max};
	UT_EXPECT(setrlimit(RLIMIT_DATA, &d) == 0, "RLIMIT_DATA 8 MiB");
	errno = 0;
	void* w = mmap(NULL, 64 * MiB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	UT_EXPECT(w == MAP_FAILED && errno == ENOMEM, "64 MiB private writable past RLIMIT_DATA: ENOMEM");
	void* ro = mmap(NULL, 64 * MiB, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	UT_EXPECT(ro != MAP_FAILED, "64 MiB read-only is not data");
	if (ro != MAP_FAILED)
		munmap(ro, 64 * MiB);
	void* sh = mmap(NULL, 64 * MiB, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	UT_EXPECT(sh != MAP_FAILED, "64 MiB shared writable is not data");
	if (sh != MAP_FAILED)
		munmap(sh, 64 * MiB);
	UT_EXPECT((uintptr_t)syscall(SYS_brk, brk0 + 64 * MiB) == brk0, "brk past RLIMIT_DATA stays where it was");
	UT_EXPECT((uintptr_t)syscall(SYS_brk, brk0 + 64 * 1024) == brk0 + 64 * 1024, "a small brk growth within it works");
	syscall(SYS_brk, brk0);
	setrlimit(RLIMIT_DATA, &old_data);

	/* RLIMIT_MEMLOCK does not bind root (CAP_IPC_LOCK) */
	struct rlimit m = {64 * 1024, 64 * 1024};
	setrlimit(RLIMIT_MEMLOCK, &m);
	void* l = mmap(NULL, 4 * MiB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	UT_EXPECT(l != MAP_FAILED && mlock(l, 4 * MiB) == 0, "root mlocks 4 MiB past a 64 KiB RLIMIT_MEMLOCK");
	return ut_done();
}
