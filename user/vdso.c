/*
 * vdso: the vDSO the kernel maps (AT_SYSINFO_EHDR): an ELF image whose
 * dynamic symbols __vdso_clock_gettime, __vdso_gettimeofday, __vdso_time,
 * __vdso_clock_getres and __vdso_getcpu (version LINUX_2.6) answer as the
 * system calls do.  The lookup walks the image's program headers, its
 * PT_DYNAMIC and its symbol table, as musl's vdso.c does.
 */
#define _GNU_SOURCE
#include "utest.h"
#include <elf.h>
#include <stdint.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>

static const Elf64_Ehdr* eh;
static uintptr_t base; /* load bias: the image is position independent */
static const Elf64_Sym* symtab;
static const char* strtab;
static const uint32_t* hashtab;

static int vdso_init(void)
{
	eh = (const Elf64_Ehdr*)getauxval(AT_SYSINFO_EHDR);
	if (!eh)
		return 0;
	const Elf64_Phdr* ph = (const Elf64_Phdr*)((const char*)eh + eh->e_phoff);
	const Elf64_Dyn* dyn = NULL;
	base = (uintptr_t)-1;
	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_LOAD && base == (uintptr_t)-1)
			base = (uintptr_t)eh + ph[i].p_offset - ph[i].p_vaddr;
		else if (ph[i].p_type == PT_DYNAMIC)
			dyn = (const Elf64_Dyn*)((const char*)eh + ph[i].p_offset);
	}
	if (!dyn || base == (uintptr_t)-1)
		return 0;
	for (; dyn->d_tag != DT_NULL; dyn++) {
		if (dyn->d_tag == DT_SYMTAB)
			symtab = (const Elf64_Sym*)(base + dyn->d_un.d_ptr);
		else if (dyn->d_tag == DT_STRTAB)
			strtab = (const char*)(base + dyn->d_un.d_ptr);
		else if (dyn->d_tag == DT_HASH)
			hashtab = (const uint32_t*)(base + dyn->d_un.d_ptr);
	}
	return symtab && strtab && hashtab;
}

static void* vdso_sym(const char* name)
{
	uint32_t n = hashtab[1]; /* nchain: the number of symbols */
	for (uint32_t i = 0; i < n; i++) {
		const Elf64_Sym* s = &symtab[i];
		if (ELF64_ST_TYPE(s->st_info) != STT_FUNC || s->st_shndx == SHN_UNDEF)
			continue;
		if (strcmp(strtab + s->st_name, name) == 0)
			return (void*)(base + s->st_value);
	}
	return NULL;
}

static int64_t ts_ns(const struct timespec* t)
{
	return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec;
}

int main(void)
{
	ut_prog = "vdso";
	UT_EXPECT(vdso_init(), "AT_SYSINFO_EHDR points at an ELF image with a symbol table");
	if (!symtab)
		return ut_done();
	UT_EXPECT(memcmp(eh->e_ident, ELFMAG, SELFMAG) == 0 && eh->e_type == ET_DYN, "the vDSO is an ET_DYN ELF");
	int (*cg)(clockid_t, struct timespec*) = vdso_sym("__vdso_clock_gettime");
	int (*gtod)(struct timeval*, void*) = vdso_sym("__vdso_gettimeofday");
	time_t (*tm)(time_t*) = vdso_sym("__vdso_time");
	int (*gres)(clockid_t, struct timespec*) = vdso_sym("__vdso_clock_getres");
	long (*gcpu)(unsigned*, unsigned*, void*) = vdso_sym("__vdso_getcpu");
	UT_EXPECT(cg && gtod && tm && gres && gcpu, "the five __vdso_* functions are exported");
	if (!(cg && gtod && tm && gres && gcpu))
		return ut_done();

	/* each clock between two system-call reads of it */
	const clockid_t clocks[] = {CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME, CLOCK_MONOTONIC_RAW};
	for (unsigned i = 0; i < sizeof(clocks) / sizeof(clocks[0]); i++) {
		struct timespec a, v, b;
		syscall(SYS_clock_gettime, clocks[i], &a);
		int r = cg(clocks[i], &v);
		syscall(SYS_clock_gettime, clocks[i], &b);
		UT_EXPECT(r == 0 && ts_ns(&a) <= ts_ns(&v) && ts_ns(&v) <= ts_ns(&b) && v.tv_nsec < 1000000000,
		          "vDSO clock %d lies between two system calls", (int)clocks[i]);
	}
	/* the coarse clocks: within a tick or two (4 ms at HZ 250) of the fine ones */
	struct timespec c, f;
	cg(CLOCK_MONOTONIC_COARSE, &c);
	cg(CLOCK_MONOTONIC, &f);
	UT_EXPECT(ts_ns(&c) <= ts_ns(&f) && ts_ns(&f) - ts_ns(&c) < 100000000, "CLOCK_MONOTONIC_COARSE trails MONOTONIC");
	/* monotonic across many reads */
	int mono = 1;
	struct timespec prev;
	cg(CLOCK_MONOTONIC, &prev);
	for (int i = 0; i < 10000; i++) {
		struct timespec t;
		cg(CLOCK_MONOTONIC, &t);
		if (ts_ns(&t) < ts_ns(&prev))
			mono = 0;
		prev = t;
	}
	UT_EXPECT(mono, "10000 vDSO reads of CLOCK_MONOTONIC never go back");
	struct timeval tv;
	struct timespec rt;
	UT_EXPECT(gtod(&tv, NULL) == 0 && tv.tv_usec >= 0 && tv.tv_usec < 1000000, "gettimeofday answers");
	syscall(SYS_clock_gettime, CLOCK_REALTIME, &rt);
	UT_EXPECT(rt.tv_sec - tv.tv_sec <= 1 && rt.tv_sec >= tv.tv_sec, "gettimeofday agrees with CLOCK_REALTIME");
	time_t t1 = tm(NULL), t2 = (time_t)syscall(SYS_time, NULL);
	UT_EXPECT(t2 - t1 <= 1 && t2 >= t1, "time() agrees with the system call");
	struct timespec res;
	UT_EXPECT(gres(CLOCK_MONOTONIC, &res) == 0 && res.tv_sec == 0 && res.tv_nsec == 1, "CLOCK_MONOTONIC resolution 1 ns");
	/* a clock the page cannot answer goes to the system call: its errno */
	UT_EXPECT(cg(12345, &f) == -22, "a bad clock id: the system call's -EINVAL");
	unsigned cpu = 99, node = 99;
	UT_EXPECT(gcpu(&cpu, &node, NULL) == 0 && cpu < 64 && node == 0, "getcpu: cpu %u node %u", cpu, node);
	return ut_done();
}
