/*
 * TEST-ONLY: the user programs of the entry ktests (entry_test.cc),
 * position-independent ring-3 code that user_test::map_page copies to a
 * user page.  Each starts with %rsp at the top of its stack page and
 * every other register 0 (start_thread), finds its page's base as
 * (%rsp - 1) & -4096 (kept in %rbx: the results area the test reads back) and
 * ends in exit_group.  Numbers are Linux's (<uapi/asm/unistd_64.h>).
 */
#include <uapi/asm/unistd_64.h>

	.macro PROG name
	.globl utprog_\name, utprog_\name\()_end
utprog_\name:
	.endm
	.macro END name
utprog_\name\()_end:
	.endm
	.macro SYS nr
	movl $\nr, %eax
	syscall
	.endm
	.macro EXIT_GROUP code
	movl $\code, %edi
	SYS __NR_exit_group
	ud2
	.endm

	.section .rodata.user_test, "a"

/* the ids: getpid, gettid, getppid, set_tid_address, sched_yield */
PROG ids
	leaq -1(%rsp), %rbx
	andq $-4096, %rbx
	SYS __NR_getpid
	movq %rax, 0(%rbx)
	SYS __NR_gettid
	movq %rax, 8(%rbx)
	SYS __NR_getppid
	movq %rax, 16(%rbx)
	leaq 24(%rbx), %rdi
	SYS __NR_set_tid_address
	movq %rax, 32(%rbx)
	SYS __NR_sched_yield
	movq %rax, 40(%rbx)
	/* a number with high bits set: only the low 32 count (int nr) */
	movabsq $(0x100000000 + __NR_getpid), %rax
	syscall
	movq %rax, 48(%rbx)
	EXIT_GROUP 42
END ids

/* 100 calls of an unimplemented number, one out of range, and -1 */
PROG enosys
	leaq -1(%rsp), %rbx
	andq $-4096, %rbx
	movl $100, %r12d
1:	SYS __NR_lookup_dcookie
	movq %rax, 0(%rbx)
	decl %r12d
	jnz 1b
	SYS 1000
	movq %rax, 8(%rbx)
	SYS 335				/* a hole in the table */
	movq %rax, 16(%rbx)
	movq $-1, %rax
	syscall
	movq %rax, 24(%rbx)
	EXIT_GROUP 0
END enosys

/* exit(3) ends the task with status 3 */
PROG exit3
	movl $3, %edi
	SYS __NR_exit
	ud2
END exit3

/* uname into a good buffer, then bad ones: every bad one is -EFAULT */
PROG uname
	leaq -1(%rsp), %rbx
	andq $-4096, %rbx
	leaq 2048(%rbx), %rdi		/* good */
	SYS __NR_uname
	movq %rax, 0(%rbx)
	xorl %edi, %edi			/* NULL: unmapped */
	SYS __NR_uname
	movq %rax, 8(%rbx)
	movabsq $0xffffffff81000000, %rdi	/* the kernel */
	SYS __NR_uname
	movq %rax, 16(%rbx)
	movabsq $0x8000000000000000, %rdi	/* non-canonical */
	SYS __NR_uname
	movq %rax, 24(%rbx)
	leaq 4096-100(%rbx), %rdi	/* straddles the end of the page */
	SYS __NR_uname
	movq %rax, 32(%rbx)
	movabsq $0x7ffffffff000, %rdi	/* up to TASK_SIZE_MAX and past it */
	SYS __NR_uname
	movq %rax, 40(%rbx)
	EXIT_GROUP 0
END uname

/* int $0x80: no IA32 emulation, a #GP: SIGSEGV */
PROG int80
	movl $__NR_getpid, %eax
	int $0x80
	EXIT_GROUP 0
END int80

/* ud2: SIGILL */
PROG ud2
	ud2
END ud2

/* divide by zero: SIGFPE */
PROG div0
	xorl %ecx, %ecx
	movl $1, %eax
	xorl %edx, %edx
	divl %ecx
	EXIT_GROUP 0
END div0

/* int3: SIGTRAP */
PROG int3
	int3
	EXIT_GROUP 0
END int3

/* a kernel address: SIGSEGV from the page fault (the mm work logs it) */
PROG kread
	movabsq $0xffffffff81000000, %rax
	movq (%rax), %rax
	EXIT_GROUP 0
END kread

/* the initial FPU state: MXCSR, FCW, XMM0, the x87 tag word (empty) */
PROG fpuinit
	leaq -1(%rsp), %rbx
	andq $-4096, %rbx
	stmxcsr 0(%rbx)
	fnstcw 8(%rbx)
	movq %xmm0, %rax
	movq %rax, 16(%rbx)
	movq %xmm15, %rax
	movq %rax, 24(%rbx)
	fnstsw 32(%rbx)
	EXIT_GROUP 0
END fpuinit

/*
 * The FPU across context switches: 0(%rbx) holds a seed, 8(%rbx) 1 if the
 * CPU has AVX, 24(%rbx) the rounds, 32(%rbx) 1 to yield in each round (0:
 * spin, and let the timer interrupt preempt it in user mode).  Load
 * seed + i into XMM i (0..13; 14 and 15 are scratch), the upper halves of
 * YMM0..7 with seed + 100 + i (AVX), MXCSR with the rounding mode seed & 3,
 * then check all of them in every round; exit_group(0) if they held,
 * 1 + the register that changed if not.
 */
	.macro LOADX i
	movq 0(%rbx), %rax
	addq $\i, %rax
	movq %rax, %xmm\i
	.endm
	.macro CHECKX i
	movq 0(%rbx), %rax
	addq $\i, %rax
	movq %xmm\i, %rcx
	cmpq %rax, %rcx
	movl $(1 + \i), %edi
	jne .Lfpu_fail
	.endm
	.macro LOADY i
	movq 0(%rbx), %rax
	addq $(100 + \i), %rax
	movq %rax, %xmm14
	vinsertf128 $1, %xmm14, %ymm\i, %ymm\i
	.endm
	.macro CHECKY i
	vextractf128 $1, %ymm\i, %xmm14
	movq %xmm14, %rcx
	movq 0(%rbx), %rax
	addq $(100 + \i), %rax
	cmpq %rax, %rcx
	movl $(21 + \i), %edi
	jne .Lfpu_fail
	.endm
PROG fpu
	leaq -1(%rsp), %rbx
	andq $-4096, %rbx
	LOADX 0
	LOADX 1
	LOADX 2
	LOADX 3
	LOADX 4
	LOADX 5
	LOADX 6
	LOADX 7
	LOADX 8
	LOADX 9
	LOADX 10
	LOADX 11
	LOADX 12
	LOADX 13
	cmpq $0, 8(%rbx)
	je 1f
	LOADY 0
	LOADY 1
	LOADY 2
	LOADY 3
	LOADY 4
	LOADY 5
	LOADY 6
	LOADY 7
1:	movq 0(%rbx), %rax
	andl $3, %eax
	shll $13, %eax
	orl $0x1f80, %eax
	movl %eax, 16(%rbx)		/* the MXCSR it wants */
	ldmxcsr 16(%rbx)
	movq 24(%rbx), %r12
2:	cmpq $0, 32(%rbx)
	je 4f
	SYS __NR_sched_yield
4:	CHECKX 0
	CHECKX 1
	CHECKX 2
	CHECKX 3
	CHECKX 4
	CHECKX 5
	CHECKX 6
	CHECKX 7
	CHECKX 8
	CHECKX 9
	CHECKX 10
	CHECKX 11
	CHECKX 12
	CHECKX 13
	stmxcsr 20(%rbx)
	movl 20(%rbx), %eax
	cmpl 16(%rbx), %eax
	movl $20, %edi
	jne .Lfpu_fail
	cmpq $0, 8(%rbx)
	je 3f
	CHECKY 0
	CHECKY 1
	CHECKY 2
	CHECKY 3
	CHECKY 4
	CHECKY 5
	CHECKY 6
	CHECKY 7
3:	decq %r12
	jnz 2b
	EXIT_GROUP 0
.Lfpu_fail:
	SYS __NR_exit_group
	ud2
END fpu

/* arch_prctl: FS and GS bases, read back through %fs:/%gs: across yields */
PROG tls
	leaq -1(%rsp), %rbx
	andq $-4096, %rbx
	movl $0x1002, %edi		/* ARCH_SET_FS */
	leaq 512(%rbx), %rsi
	SYS __NR_arch_prctl
	movq %rax, 0(%rbx)
	movl $0x1001, %edi		/* ARCH_SET_GS */
	leaq 1024(%rbx), %rsi
	SYS __NR_arch_prctl
	movq %rax, 8(%rbx)
	SYS __NR_sched_yield
	SYS __NR_sched_yield
	movq %fs:0, %rax		/* the test put markers there */
	movq %rax, 16(%rbx)
	movq %gs:0, %rax
	movq %rax, 24(%rbx)
	movl $0x1003, %edi		/* ARCH_GET_FS */
	leaq 32(%rbx), %rsi
	SYS __NR_arch_prctl
	movl $0x1004, %edi		/* ARCH_GET_GS */
	leaq 40(%rbx), %rsi
	SYS __NR_arch_prctl
	movl $0x1002, %edi		/* a kernel base: EPERM */
	movabsq $0xffff888000000000, %rsi
	SYS __NR_arch_prctl
	movq %rax, 48(%rbx)
	movl $0x1003, %edi		/* ARCH_GET_FS into a bad pointer: EFAULT */
	xorl %esi, %esi
	SYS __NR_arch_prctl
	movq %rax, 56(%rbx)
	movl $0x9999, %edi		/* unknown: EINVAL */
	SYS __NR_arch_prctl
	movq %rax, 64(%rbx)
	EXIT_GROUP 0
END tls

/* bench.getpid: 0(%rbx) getpid calls, the TSC cycles they took at 8(%rbx) */
PROG getpid_loop
	leaq -1(%rsp), %rbx
	andq $-4096, %rbx
	movq 0(%rbx), %r12
	rdtsc
	shlq $32, %rdx
	orq %rax, %rdx
	movq %rdx, %r13
1:	SYS __NR_getpid
	decq %r12
	jnz 1b
	rdtsc
	shlq $32, %rdx
	orq %rax, %rdx
	subq %r13, %rdx
	movq %rdx, 8(%rbx)
	EXIT_GROUP 0
END getpid_loop

/* leaves values in XMM0, XMM15 and MXCSR for whoever runs next */
PROG fpudirty
	leaq -1(%rsp), %rbx
	andq $-4096, %rbx
	movabsq $0x0badc0de0badc0de, %rax
	movq %rax, %xmm0
	movq %rax, %xmm15
	movl $0x3f80, 0(%rbx)		/* round down */
	ldmxcsr 0(%rbx)
	fldpi				/* one x87 register in use */
	EXIT_GROUP 0
END fpudirty

/* jumps into its stack page, which is NX: a user instruction-fetch fault */
PROG nxjump
	leaq -1(%rsp), %rax
	andq $-4096, %rax
	jmp *%rax
END nxjump
