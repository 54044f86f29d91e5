/*
 * The vDSO image inside the kernel (Linux: the generated vdso-image-64.c):
 * build/vdso/vdso64.so, linked from the C files beside this one, included
 * byte for byte and page aligned, so its pages can be mapped into user
 * space as they are (arch/x86_64/entry/vdso/vma.cc).  The build checks
 * that it has no relocations and fits in VDSO_TEXT_PAGES pages
 * (tools/build/check-vdso.sh).
 */
	.section .rodata.vdso, "a"
	.balign 4096
	.globl vdso_image_start
vdso_image_start:
	.incbin "vdso64.so"
	.globl vdso_image_end
vdso_image_end:
	.balign 4096
	.section .note.GNU-stack, "", @progbits
