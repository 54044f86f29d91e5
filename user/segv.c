/*
 * segv: a program that dereferences NULL.  Run as init, it must die of
 * SIGSEGV with the kernel's log line
 *     segv-musl[1]: segfault at 0 ip ... sp ... error 4 in segv-musl[...]
 * after which both Linux and monolith panic: "Attempted to kill init!
 * exitcode=0x0000000b".  (With processes and wait(), a parent will watch
 * a child die instead.)
 */
#include <stdio.h>

int main(void)
{
	printf("segv: about to dereference NULL\n");
	fflush(stdout);
	volatile int* p = 0;
	return *p;
}
