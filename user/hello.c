/*
 * hello: the first program — what the kernel hands a new process.
 * Checks argc/argv/envp from the kernel command line, the auxiliary vector
 * (AT_PAGESZ, AT_RANDOM, AT_PHDR, AT_ENTRY, AT_EXECFN, AT_PLATFORM...),
 * the stack pointer's alignment at entry as the ABI promises, pid 1, and
 * uname.  Run as init: rdinit=/hello-<variant> hello-arg, HELLO_ENV=yes
 * in the kernel's environment.
 */
#include "utest.h"
#include <stdint.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <sys/utsname.h>

extern char** environ;

int main(int argc, char** argv)
{
	ut_prog = "hello";
	printf("hello from %s, pid %d\n", argv[0], getpid());
	UT_EXPECT(argc >= 2 && strcmp(argv[argc - 1], "hello-arg") == 0, "argv carries the command line's init argument");
	UT_EXPECT(argv[argc] == NULL, "argv is NULL-terminated");
	const char* e = getenv("HELLO_ENV");
	UT_EXPECT(e && strcmp(e, "yes") == 0, "envp carries HELLO_ENV=yes");
	UT_EXPECT(getenv("TERM") != NULL, "the kernel passes TERM to init");
	UT_EXPECT(getpid() == 1, "init is pid 1");
	UT_EXPECT(getauxval(AT_PAGESZ) == 4096, "AT_PAGESZ is 4096");
	const unsigned char* rnd = (const unsigned char*)getauxval(AT_RANDOM);
	int nonzero = 0;
	for (int i = 0; rnd && i < 16; i++)
		nonzero |= rnd[i];
	UT_EXPECT(rnd && nonzero, "AT_RANDOM points at 16 random bytes");
	UT_EXPECT(getauxval(AT_PHENT) == 56, "AT_PHENT is sizeof(Elf64_Phdr)");
	UT_EXPECT(getauxval(AT_PHDR) != 0 && getauxval(AT_PHNUM) > 0, "AT_PHDR and AT_PHNUM are set");
	UT_EXPECT(getauxval(AT_ENTRY) != 0, "AT_ENTRY is set");
	const char* execfn = (const char*)getauxval(AT_EXECFN);
	UT_EXPECT(execfn && strstr(execfn, "hello") != NULL, "AT_EXECFN names the program (%s)", execfn ? execfn : "(null)");
	const char* plat = (const char*)getauxval(AT_PLATFORM);
	UT_EXPECT(plat && strcmp(plat, "x86_64") == 0, "AT_PLATFORM is x86_64");
	UT_EXPECT(getauxval(AT_UID) == 0 && getauxval(AT_EUID) == 0 && getauxval(AT_SECURE) == 0, "root, not secure");
	UT_EXPECT(getauxval(AT_CLKTCK) == 100, "AT_CLKTCK is USER_HZ 100");
	struct utsname u;
	UT_EXPECT(uname(&u) == 0 && strcmp(u.sysname, "Linux") == 0 && strcmp(u.machine, "x86_64") == 0,
	          "uname says Linux x86_64");
	/* the ABI: %rsp + 8 is 16-byte aligned at function entry */
	uintptr_t sp = (uintptr_t)__builtin_frame_address(0);
	UT_EXPECT((sp & 15) == 0, "main's frame is 16-byte aligned");
	return ut_done();
}
