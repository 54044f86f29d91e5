/*
 * Signal numbers and the si_code values of fault signals (Linux:
 * include/uapi/asm-generic/signal.h, arch/x86/include/uapi/asm/signal.h,
 * include/uapi/asm-generic/siginfo.h), with Linux's x86_64 values.
 */
#ifndef _UAPI_ASM_GENERIC_SIGNAL_H
#define _UAPI_ASM_GENERIC_SIGNAL_H

#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGILL 4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGIOT 6
#define SIGBUS 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGUSR1 10
#define SIGSEGV 11
#define SIGUSR2 12
#define SIGPIPE 13
#define SIGALRM 14
#define SIGTERM 15
#define SIGSTKFLT 16
#define SIGCHLD 17
#define SIGCONT 18
#define SIGSTOP 19
#define SIGTSTP 20
#define SIGTTIN 21
#define SIGTTOU 22
#define SIGURG 23
#define SIGXCPU 24
#define SIGXFSZ 25
#define SIGVTALRM 26
#define SIGPROF 27
#define SIGWINCH 28
#define SIGIO 29
#define SIGPOLL SIGIO
#define SIGPWR 30
#define SIGSYS 31
#define SIGRTMIN 32
#define SIGRTMAX 64
#define _NSIG 64

/* si_code (Linux: siginfo.h) */
#define SI_USER 0
#define SI_KERNEL 0x80
#define SEGV_MAPERR 1 /* address not mapped to object */
#define SEGV_ACCERR 2 /* invalid permissions for mapped object */
#define SEGV_PKUERR 4
#define BUS_ADRALN 1
#define BUS_ADRERR 2 /* non-existent physical address (past the end of a file) */
#define BUS_OBJERR 3
#define ILL_ILLOPC 1
#define ILL_ILLOPN 2
#define FPE_INTDIV 1
#define FPE_FLTDIV 3
#define TRAP_BRKPT 1
#define TRAP_TRACE 2

#endif /* _UAPI_ASM_GENERIC_SIGNAL_H */
