/*
 * The kernel's first instructions (Linux: arch/x86/kernel/head_64.S and
 * arch/x86/platform/pvh/head.S).
 *
 * Two loaders, one 32-bit path:
 *   - QEMU -kernel (PVH): enters pvh_start32, found through the
 *     XEN_ELFNOTE_PHYS32_ENTRY note; %ebx = struct hvm_start_info (phys).
 *   - GRUB multiboot2 (SeaBIOS or UEFI): enters mb2_start32, named by the
 *     entry-address tag; %eax = 0x36d76289, %ebx = the boot information.
 * Both arrive in flat 32-bit protected mode with paging off.  startup_32
 * zeroes .bss, builds the boot page tables, enables long mode and jumps to
 * the higher half; there KASLR may move the kernel (kaslr_early, then
 * kaslr_relocate, which re-enters startup_64_high at the new address),
 * and then x86_64_start_kernel(protocol, info_pa) runs.
 *
 * Boot page tables (init_top_pgt, all 2 MiB pages):
 *   PML4[0]   -> identity map of 0..4 GiB   (removed once in the high half)
 *   PML4[273] -> PAGE_OFFSET: direct map of 0..4 GiB (extended in C++)
 *   PML4[511] -> PDPT[510]: __START_KERNEL_map -> phys 0..1 GiB
 * The identity map and the direct map share one PDPT and four PDs.
 */
#include <arch/page.h>
#include <arch/boot.h>

#define PHYS(x) ((x) - __START_KERNEL_map)
#define MB2_HEADER_MAGIC 0xe85250d6
#define MB2_BOOTLOADER_MAGIC 0x36d76289
#define XEN_ELFNOTE_PHYS32_ENTRY 18
#define COM1 0x3f8

	.section .head.multiboot2, "a"
	.balign 8
mb2_header:
	.long MB2_HEADER_MAGIC
	.long 0				/* architecture: i386 protected mode */
	.long mb2_header_end - mb2_header
	.long -(MB2_HEADER_MAGIC + (mb2_header_end - mb2_header))
	.balign 8			/* entry address tag */
	.word 3, 0
	.long 12
	.long PHYS(mb2_start32)
	.balign 8			/* end tag */
	.word 0, 0
	.long 8
mb2_header_end:

	.pushsection .note.Xen, "a", @note
	.balign 4
	.long 4				/* namesz: "Xen\0" */
	.long 8				/* descsz */
	.long XEN_ELFNOTE_PHYS32_ENTRY
	.asciz "Xen"
	.balign 4
	.quad PHYS(pvh_start32)
	.popsection

	.section .head.text, "ax"
	.code32
	.globl pvh_start32
pvh_start32:
	movl $BOOT_PROTO_PVH, %ebp
	jmp startup_32

	.globl mb2_start32
mb2_start32:
	movl $BOOT_PROTO_MB2, %ebp
	cmpl $MB2_BOOTLOADER_MAGIC, %eax
	je startup_32
	movl $BOOT_PROTO_BAD_MAGIC, %ebp	/* reported once printk works */

startup_32:
	cli
	cld
	movl %ebx, %esi			/* boot information; cpuid clobbers %ebx */
	lgdt PHYS(boot_gdt_desc)
	movl $0x18, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movl %eax, %fs
	movl %eax, %gs
	ljmp $0x08, $PHYS(1f)
1:
	/* .bss: neither loader is trusted to have zeroed it */
	movl $PHYS(__bss_start), %edi
	movl $PHYS(__bss_stop), %ecx
	subl %edi, %ecx
	xorl %eax, %eax
	rep stosb
	movl $PHYS(init_stack + THREAD_SIZE), %esp

	/* long mode available? (CPUID.80000001h:EDX.LM) */
	movl $0x80000000, %eax
	cpuid
	cmpl $0x80000001, %eax
	jb no_long_mode
	movl $0x80000001, %eax
	cpuid
	btl $29, %edx
	jnc no_long_mode
	movl %edx, %ebx			/* keep: bit 20 = NX */

	/* four page directories mapping 0..4 GiB with 2 MiB pages */
	movl $PHYS(boot_pd), %edi
	xorl %ecx, %ecx
2:	movl %ecx, %eax
	shll $PMD_SHIFT, %eax
	orl $(_PAGE_PRESENT | _PAGE_RW | _PAGE_PSE | _PAGE_GLOBAL), %eax
	movl %eax, (%edi, %ecx, 8)
	movl %ecx, %eax
	shrl $(32 - PMD_SHIFT), %eax
	movl %eax, 4(%edi, %ecx, 8)
	incl %ecx
	cmpl $(4 * PTRS_PER_TABLE), %ecx
	jb 2b

	movl $PHYS(boot_pdpt_low), %edi
	movl $PHYS(boot_pd) + (_PAGE_PRESENT | _PAGE_RW), %eax
	movl %eax, 0(%edi)
	addl $PAGE_SIZE, %eax
	movl %eax, 8(%edi)
	addl $PAGE_SIZE, %eax
	movl %eax, 16(%edi)
	addl $PAGE_SIZE, %eax
	movl %eax, 24(%edi)
	movl $PHYS(boot_pd) + (_PAGE_PRESENT | _PAGE_RW), %eax
	movl %eax, PHYS(boot_pdpt_kernel) + 510 * 8

	movl $PHYS(init_top_pgt), %edi
	movl $PHYS(boot_pdpt_low) + (_PAGE_PRESENT | _PAGE_RW), %eax
	movl %eax, 0(%edi)
	movl %eax, 273 * 8(%edi)
	movl $PHYS(boot_pdpt_kernel) + (_PAGE_PRESENT | _PAGE_RW), %eax
	movl %eax, 511 * 8(%edi)

	/* PAE + PGE, CR3, EFER.LME (+NXE), then paging */
	movl %cr4, %eax
	orl $((1 << 5) | (1 << 7)), %eax
	movl %eax, %cr4
	movl $PHYS(init_top_pgt), %eax
	movl %eax, %cr3
	movl $0xc0000080, %ecx
	rdmsr
	orl $(1 << 8), %eax
	btl $20, %ebx
	jnc 3f
	orl $(1 << 11), %eax
3:	wrmsr
	movl %cr0, %eax
	orl $0x80010001, %eax		/* PG | WP | PE */
	movl %eax, %cr0
	ljmp $0x10, $PHYS(startup_64)

no_long_mode:
	movl $PHYS(no_long_mode_msg), %esi
4:	lodsb
	testb %al, %al
	jz 6f
	movl %eax, %ecx
	movw $(COM1 + 5), %dx		/* wait for THR empty */
5:	inb %dx, %al
	testb $0x20, %al
	jz 5b
	movl %ecx, %eax
	movw $COM1, %dx
	outb %al, %dx
	jmp 4b
6:	hlt
	jmp 6b

	.code64
startup_64:
	movabsq $1f, %rax
	jmp *%rax
1:	movl $0x18, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	xorl %eax, %eax
	movl %eax, %fs
	movl %eax, %gs
	movl %ebp, %r12d		/* protocol */
	movl %esi, %r13d		/* info, physical */

	/* entered again at the randomized address once KASLR has moved us;
	 * %r12/%r13 still hold protocol and info */
	.globl startup_64_high
startup_64_high:
	movabsq $init_stack + THREAD_SIZE, %rsp
	xorl %ebp, %ebp			/* terminates the frame-pointer chain */
	movl %r12d, %edi
	movl %r13d, %esi
	call kaslr_early		/* nonzero: the kernel must move */
	testq %rax, %rax
	jnz kaslr_relocate
	movl %r12d, %edi
	movl %r13d, %esi
	call x86_64_start_kernel
7:	cli
	hlt
	jmp 7b

/*
 * Move the kernel as kaslr_early prepared (Linux does this in the
 * decompressor).  Only RIP-relative addressing here: the absolute
 * addresses in this very code are among those being patched.
 */
kaslr_relocate:
	movq kaslr_reloc_virt(%rip), %rdi	/* virtual offset */
	movq kaslr_reloc_phys(%rip), %r9	/* physical offset: the copy */
	leaq __relocs_start(%rip), %rsi
	movl (%rsi), %ecx		/* 64-bit entries */
	movl 4(%rsi), %edx		/* 32-bit sign-extended entries */
	addq $8, %rsi
	movabsq $__START_KERNEL_map, %r8
	/* an entry is the link-time physical address of the field; the field
	 * of the copy is there + %r9, reached through the identity map */
2:	testl %ecx, %ecx
	jz 3f
	movl (%rsi), %eax
	addq %r9, %rax
	addq %rdi, (%rax)
	addq $4, %rsi
	decl %ecx
	jmp 2b
3:	testl %edx, %edx
	jz 4f
	movl (%rsi), %eax
	addq %r9, %rax
	addl %edi, (%rax)
	addq $4, %rsi
	decl %edx
	jmp 3b
4:	/* switch to the copy's page tables from the identity alias of the
	 * copy's code (the window we run in is the one being replaced) */
	leaq startup_64_high(%rip), %rcx
	addq %rdi, %rcx			/* where to continue, moved */
	leaq init_top_pgt(%rip), %rdx
	subq %r8, %rdx
	addq %r9, %rdx			/* the copy's top-level page table */
	leaq boot_pdpt_kernel + 510 * 8(%rip), %rsi
	subq %r8, %rsi
	addq %r9, %rsi			/* the copy's kernel-window slot */
	movq kaslr_reloc_window(%rip), %r10	/* the new window's page directory */
	leaq 5f(%rip), %rax
	subq %r8, %rax
	addq %r9, %rax
	jmp *%rax
5:	movq %r10, (%rsi)		/* now: when only the virtual address moves, it is the live table */
	movq %rdx, %cr3
	movq %cr4, %rax			/* flush, global entries included */
	btrq $7, %rax
	movq %rax, %cr4
	btsq $7, %rax
	movq %rax, %cr4
	jmp *%rcx

	/* still .head.text: 32-bit code uses these by physical address, which
	 * tools/build/relocs.py allows only before _stext */
	.balign 8
no_long_mode_msg:
	.asciz "monolith: this CPU does not support x86_64 long mode; halting.\r\n"

	.balign 8
boot_gdt:
	.quad 0
	.quad 0x00cf9a000000ffff	/* 0x08 __KERNEL32_CS */
	.quad 0x00af9a000000ffff	/* 0x10 __KERNEL_CS */
	.quad 0x00cf92000000ffff	/* 0x18 __KERNEL_DS */
boot_gdt_end:
boot_gdt_desc:
	.word boot_gdt_end - boot_gdt - 1
	.long PHYS(boot_gdt)

	.section .bss..page_aligned, "aw", @nobits
	.balign PAGE_SIZE
	.globl init_top_pgt
init_top_pgt:
	.skip PAGE_SIZE
	.globl boot_pdpt_low
boot_pdpt_low:
	.skip PAGE_SIZE
	.globl boot_pdpt_kernel
boot_pdpt_kernel:
	.skip PAGE_SIZE
	.globl boot_pd
boot_pd:
	.skip 4 * PAGE_SIZE
	.balign THREAD_SIZE
	.globl init_stack
init_stack:
	.skip THREAD_SIZE
