/*
 * TEST-ONLY: user/exec_ktest.c, built static with musl-gcc (the root
 * CMakeLists.txt), included byte for byte for fs/exec_test.cc, which
 * writes it to a file and executes it (as arch/x86_64/entry/vdso/
 * vdso-image.S includes the vDSO).
 */
	.section .rodata.exec_ktest, "a"
	.balign 16
	.globl exec_ktest_start
exec_ktest_start:
	.incbin "exec_ktest"
	.globl exec_ktest_end
exec_ktest_end:
	.section .note.GNU-stack, "", @progbits
