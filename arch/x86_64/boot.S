/*
 * boot.S - PVH entry (arch layer). QEMU -kernel (microvm, q35) and the BIOS
 * stage2 enter pvh_entry in 32-bit protected mode, paging off, with the
 * physical address of a struct hvm_start_info in %ebx. We record the TSC
 * (boot timing), load a boot GDT, switch on long mode with static early
 * page tables (first 1 GiB identity-mapped, at DIRECT_MAP_BASE and at
 * KERNEL_VIRT_BASE, 2 MiB pages), clear .bss and call kernel_main(info).
 * These tables are RWX and only for early boot: mm_init drops the
 * identity map and kmap.c remaps the kernel W^X (text RX, rodata R, data
 * NX) with a non-executable direct map. .boot.text (RX) and .boot.data
 * (RW) are separate page-aligned segments (kernel.ld).
 * The Xen ELF note (XEN_ELFNOTE_PHYS32_ENTRY, type 18) names the entry.
 */
#define KERNEL_VIRT_BASE 0xffffffff80000000

	.section .note.monos, "a", @note
	.balign 4
	.long 4            /* namesz */
	.long 8            /* descsz */
	.long 18           /* XEN_ELFNOTE_PHYS32_ENTRY */
	.asciz "Xen"
	.balign 4
	.quad pvh_entry
	.balign 4

	.section .boot.text, "ax"
	.code32
	.globl pvh_entry
pvh_entry:
	cli
	cld
	movl %ebx, boot_start_info
	rdtsc
	movl %eax, boot_tsc0
	movl %edx, boot_tsc0 + 4
	lgdt boot_gdt_desc
	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movl $boot_pml4, %eax
	movl %eax, %cr3
	movl %cr4, %eax
	orl $0x20, %eax         /* PAE */
	movl %eax, %cr4
	movl $0xc0000080, %ecx  /* EFER */
	rdmsr
	orl $0x100, %eax        /* LME */
	wrmsr
	movl %cr0, %eax
	orl $0x80010001, %eax   /* PG | WP | PE */
	movl %eax, %cr0
	ljmp $0x08, $boot64

	.code64
boot64:
	xorl %eax, %eax
	movl %eax, %fs
	movl %eax, %gs
	/* clear .bss (small: page tables, stacks, tables) */
	movabsq $__bss_start, %rdi
	movabsq $__bss_end, %rcx
	subq %rdi, %rcx
	rep stosb
	movabsq $boot_stack_top, %rsp
	xorl %ebp, %ebp
	/* the stack-protector canary, before any instrumented C function */
	movabsq $stackprot_init, %rax
	call *%rax
	movl boot_start_info, %edi
	movabsq $kernel_main, %rax
	call *%rax
1:	cli
	hlt
	jmp 1b

	.section .boot.data, "aw"
	.balign 4096
	.globl boot_pml4
boot_pml4:
	.quad boot_pdpt_low + 3
	.fill 272, 8, 0
	.quad boot_pdpt_direct + 3      /* 273: DIRECT_MAP_BASE */
	.fill 237, 8, 0
	.quad boot_pdpt_high + 3        /* 511: KERNEL_VIRT_BASE */
boot_pdpt_low:
	.quad boot_pd + 3
	.fill 511, 8, 0
	.globl boot_pdpt_direct
boot_pdpt_direct:
	.quad boot_pd + 3
	.fill 511, 8, 0
	.globl boot_pdpt_high
boot_pdpt_high:
	.fill 510, 8, 0
	.quad boot_pd + 3
	.quad 0
boot_pd:
	.set i, 0
	.rept 512
	.quad (i << 21) | 0x83
	.set i, i + 1
	.endr

boot_gdt:
	.quad 0
	.quad 0x00af9a000000ffff    /* 0x08: 64-bit code */
	.quad 0x00cf92000000ffff    /* 0x10: data */
boot_gdt_desc:
	.word boot_gdt_desc - boot_gdt - 1
	.long boot_gdt

	.balign 8
	.globl boot_start_info, boot_tsc0
boot_start_info:
	.quad 0
boot_tsc0:
	.quad 0

	.section .bss
	.balign 16
boot_stack:
	.skip 16384
	.globl boot_stack_top
boot_stack_top:
