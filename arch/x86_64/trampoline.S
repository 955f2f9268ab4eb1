/*
 * trampoline.S - the application processors' first instructions (arch
 * layer). smp.c copies smp_tramp_start..smp_tramp_end to physical
 * SMP_TRAMP_PHYS (0x8000, SIPI vector 0x08) and fills its data words; an
 * AP starts there in real mode, loads the small GDT below, enters
 * protected mode, turns on PAE, loads tr_cr3 (a page table that maps the
 * trampoline's page 1:1, read-only, and the kernel half like the
 * kernel's), sets EFER from tr_efer (LME, NXE, SCE), enables paging,
 * far-jumps to 64-bit code and calls tr_entry(tr_arg) on tr_stack. The bytes live in .rodata: only
 * the copy runs.
 */
#define SMP_TRAMP_PHYS 0x8000
#define TR(x) (SMP_TRAMP_PHYS + (x) - smp_tramp_start)

	.section .rodata
	.balign 16
	.globl smp_tramp_start, smp_tramp_end
	.globl smp_tramp_cr3, smp_tramp_efer, smp_tramp_stack, smp_tramp_entry, smp_tramp_arg
smp_tramp_start:
	.code16
	cli
	cld
	xorw %ax, %ax
	movw %ax, %ds
	lgdtl TR(tr_gdtr)
	movl %cr0, %eax
	orl $1, %eax
	movl %eax, %cr0
	ljmpl $0x08, $TR(tr_32)

	.code32
tr_32:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movl %cr4, %eax
	orl $0x20, %eax             /* PAE */
	movl %eax, %cr4
	movl TR(smp_tramp_cr3), %eax
	movl %eax, %cr3
	movl $0xc0000080, %ecx      /* EFER */
	rdmsr
	orl TR(smp_tramp_efer), %eax
	wrmsr
	movl %cr0, %eax
	orl $0x80000001, %eax       /* PG | PE */
	movl %eax, %cr0
	ljmpl $0x18, $TR(tr_64)

	.code64
tr_64:
	movq TR(smp_tramp_stack), %rsp
	movq TR(smp_tramp_arg), %rdi
	movq TR(smp_tramp_entry), %rax
	xorl %ebp, %ebp
	pushq $0                    /* no return address */
	jmpq *%rax

	.balign 8
tr_gdt:	/* accessed bits preset: the CPU never writes to this (read-only) page */
	.quad 0
	.quad 0x00cf9b000000ffff    /* 0x08: 32-bit code */
	.quad 0x00cf93000000ffff    /* 0x10: data */
	.quad 0x00af9b000000ffff    /* 0x18: 64-bit code */
tr_gdtr:
	.word 4 * 8 - 1
	.long TR(tr_gdt)
	.balign 8
smp_tramp_cr3:
	.quad 0
smp_tramp_efer:
	.quad 0
smp_tramp_stack:
	.quad 0
smp_tramp_entry:
	.quad 0
smp_tramp_arg:
	.quad 0
smp_tramp_end:
