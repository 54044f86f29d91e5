/*
 * exec_ktest: the program fs/exec_test.cc runs through kernel_execve in a
 * ktest (embedded in the kernel image by fs/exec_test_prog.S, written to a
 * file at test time).  It checks what exec gave it and exercises the
 * address space (brk, mmap, page faults) so the ktest can check that all
 * of it is given back.  No output: its exit status says what it found.
 *
 *     exec_ktest a1 a2   (environment K=V)  -> exit 42
 * Exit 1..6: argc, argv, envp, AT_EXECFN, brk, mmap were wrong.
 */
#define _GNU_SOURCE
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char** argv, char** envp)
{
	if (argc != 3)
		return 1;
	if (strcmp(argv[0], "exec_ktest") || strcmp(argv[1], "a1") || strcmp(argv[2], "a2") || argv[3])
		return 2;
	if (!envp[0] || strcmp(envp[0], "K=V") || envp[1])
		return 3;
	const char* fn = (const char*)getauxval(AT_EXECFN);
	if (!fn || strcmp(fn, "/exec_ktest"))
		return 4;
	/* the break: 64 pages, touched */
	char* b = (char*)syscall(SYS_brk, 0);
	if ((char*)syscall(SYS_brk, b + 65536) != b + 65536)
		return 5;
	memset(b, 1, 65536);
	/* an anonymous mapping: 256 pages, touched, half unmapped */
	char* m = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return 6;
	memset(m, 2, 1 << 20);
	munmap(m, 1 << 19);
	return 42;
}
