/*
 * entry.S - stage2's mode-switching code. Layer: boot (stage2), assembly
 * under the C loader. Holds:
 *   stage2_entry16  jumped to by stage1 (0:0x8000, real mode, %dl = drive):
 *                   loads the GDT, enters 32-bit protected mode, zeroes the
 *                   bss, sets the stack and calls stage2_main(drive).
 *   bios_int        the real-mode thunk: from 32-bit C, drops to real mode,
 *                   runs `int N` (N = 10h, 13h or 15h) with the registers
 *                   of a struct bios_regs and comes back (int 13h disk
 *                   reads, int 15h E820; callers in disk.c and mem.c).
 *   exception stubs vectors 0-31 -> stage2_fault() (fault.c), so a loader bug
 *                   prints a message instead of triple-faulting.
 *   run_on_stack    switch to the big stack stage2_main allocates.
 *   pvh_jump        the PVH hand-off (pvh.c): %ebx = start info, jump.
 * Everything in .text16/.data16 sits in the first 64 KiB (boot/boot.ld) so
 * real-mode code reaches it with segment 0; .data16 starts on its own page
 * so the thunk's data writes never hit a page holding code (TCG would
 * retranslate that page on every write). docs/boot.md has the memory map.
 */
#include "boot/stage2/layout.h"

#define SEL_CODE32 0x08
#define SEL_DATA32 0x10
#define SEL_CODE16 0x18
#define SEL_DATA16 0x20

	.code16
	.section .text16, "ax"
	.globl stage2_entry16
stage2_entry16:
	jmp 1f
	.ascii "MNS2" /* STAGE2_MAGIC at 0x8002: stage1 checks it before jumping */
1:	cli
	xorw %ax, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movw $RM_STACK_TOP, %sp
	movb %dl, boot_drive16
	lgdtl gdt_desc
	movl %cr0, %eax
	orl $1, %eax
	movl %eax, %cr0
	ljmpl $SEL_CODE32, $pm_entry

	.code32
pm_entry:
	movw $SEL_DATA32, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %fs
	movw %ax, %gs
	movw %ax, %ss
	movl $PM_STACK_TOP, %esp
	cld
	movl $__bss_start, %edi
	movl $__bss_end, %ecx
	subl %edi, %ecx
	xorl %eax, %eax
	rep stosb
	movzbl boot_drive16, %eax
	pushl %eax
	call stage2_main
1:	cli
	hlt
	jmp 1b

/*
 * int bios_int(u32 vector, struct bios_regs *regs): cdecl, 32-bit. The
 * registers in *regs go in, the BIOS's come back in *regs (with eflags).
 */
	.globl bios_int
bios_int:
	pushl %ebp
	pushl %ebx
	pushl %esi
	pushl %edi
	cld
	/* pick the `int N` stub (no self-modifying code: under TCG a write
	 * next to translated code costs a retranslation) */
	movl 20(%esp), %eax
	movl $int_10, %edx
	cmpl $0x10, %eax
	je 1f
	movl $int_13, %edx
	cmpl $0x13, %eax
	je 1f
	movl $int_15, %edx
	cmpl $0x15, %eax
	je 1f
	movl 24(%esp), %esi /* another vector: refuse with CF set */
	orl $1, BR_EFLAGS(%esi)
	jmp 5f
1:	movw %dx, thunk_target
	movl 24(%esp), %esi
	movl %esi, thunk_user_regs
	movl $thunk_regs, %edi
	movl $BIOS_REGS_WORDS, %ecx
	rep movsl
	movl %esp, thunk_saved_esp
	sidt thunk_saved_idt
	ljmp $SEL_CODE16, $2f

	.code16
2:	movw $SEL_DATA16, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %fs
	movw %ax, %gs
	movw %ax, %ss
	movl %cr0, %eax
	andl $~1, %eax
	movl %eax, %cr0
	ljmp $0, $3f
3:	xorw %ax, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %fs
	movw %ax, %gs
	movw %ax, %ss
	movl $RM_STACK_TOP, %esp
	lidtl rm_idt_desc
	movw thunk_regs + BR_ES, %ax
	movw %ax, %es
	movl thunk_regs + BR_EAX, %eax
	movl thunk_regs + BR_EBX, %ebx
	movl thunk_regs + BR_ECX, %ecx
	movl thunk_regs + BR_EDX, %edx
	movl thunk_regs + BR_ESI, %esi
	movl thunk_regs + BR_EDI, %edi
	movl thunk_regs + BR_EBP, %ebp
	pushw thunk_regs + BR_DS
	popw %ds
	sti
	jmpw *%cs:thunk_target
int_10:	int $0x10
	jmp 6f
int_13:	int $0x13
	jmp 6f
int_15:	int $0x15
6:	cli
	pushfl
	pushw %ds
	pushl %eax
	xorw %ax, %ax
	movw %ax, %ds
	popl thunk_regs + BR_EAX
	popw thunk_regs + BR_DS
	popl thunk_regs + BR_EFLAGS
	movl %ebx, thunk_regs + BR_EBX
	movl %ecx, thunk_regs + BR_ECX
	movl %edx, thunk_regs + BR_EDX
	movl %esi, thunk_regs + BR_ESI
	movl %edi, thunk_regs + BR_EDI
	movl %ebp, thunk_regs + BR_EBP
	movw %es, %ax
	movw %ax, thunk_regs + BR_ES
	/* the BIOS may have loaded its own GDT: reload ours */
	lgdtl gdt_desc
	movl %cr0, %eax
	orl $1, %eax
	movl %eax, %cr0
	ljmpl $SEL_CODE32, $4f

	.code32
4:	movw $SEL_DATA32, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %fs
	movw %ax, %gs
	movw %ax, %ss
	movl thunk_saved_esp, %esp
	lidt thunk_saved_idt
	cld
	movl $thunk_regs, %esi
	movl thunk_user_regs, %edi
	movl $BIOS_REGS_WORDS, %ecx
	rep movsl
5:	popl %edi
	popl %esi
	popl %ebx
	popl %ebp
	ret

/* exception stubs: push (error code or 0) and the vector, then common */
	.macro exc_stub vec
	.globl exc_stub_\vec
exc_stub_\vec:
	.if (\vec == 8) || (\vec >= 10 && \vec <= 14) || (\vec == 17) || (\vec == 21)
	.else
	pushl $0
	.endif
	pushl $\vec
	jmp exc_common
	.endm

	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	exc_stub \v
	.endr

exc_common:
	/* stack: vector, error, eip, cs, eflags */
	movw $SEL_DATA32, %ax
	movw %ax, %ds
	movw %ax, %es
	pushl %esp
	call stage2_fault
7:	cli
	hlt
	jmp 7b

/* table of the 32 stub addresses, for fault.c to build the IDT */
	.section .data16, "aw"
	.balign 4
	.globl exc_stub_table
exc_stub_table:
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.long exc_stub_\v
	.endr

/*
 * void run_on_stack(void (*fn)(u32), u32 arg, u32 stack_top): call fn(arg)
 * on a new stack (stage2_main moves to a large heap-backed stack once the
 * heap exists; the TFS decoder recurses per nesting level). fn must not
 * return.
 */
	.globl run_on_stack
run_on_stack:
	movl 4(%esp), %eax
	movl 8(%esp), %edx
	movl 12(%esp), %esp
	pushl %edx
	call *%eax
8:	cli
	hlt
	jmp 8b

/*
 * void pvh_jump(u32 entry, u32 start_info): enter the kernel as a PVH
 * loader does: 32-bit protected mode, paging off, flat segments, IF=0,
 * %ebx = start info. Does not return.
 */
	.section .text16, "ax"
	.code32
	.globl pvh_jump
pvh_jump:
	cli
	movl 4(%esp), %eax
	movl 8(%esp), %ebx
	xorl %ecx, %ecx
	lidt null_idt_desc
	pushl $0x2 /* eflags: IF=0, DF=0 */
	popfl
	xorl %edx, %edx
	xorl %esi, %esi
	xorl %edi, %edi
	xorl %ebp, %ebp
	jmp *%eax

/* ---- data, reachable from real mode ---- */
	.section .data16, "aw"
	.balign 8
gdt:
	.quad 0
	.quad 0x00cf9a000000ffff /* 0x08: code32, flat */
	.quad 0x00cf92000000ffff /* 0x10: data32, flat */
	.quad 0x00009a000000ffff /* 0x18: code16, base 0, 64 KiB */
	.quad 0x000092000000ffff /* 0x20: data16, base 0, 64 KiB */
gdt_end:
	.balign 4
	.word 0
gdt_desc:
	.word gdt_end - gdt - 1
	.long gdt
	.word 0
rm_idt_desc:
	.word 0x3ff
	.long 0
	.word 0
null_idt_desc:
	.word 0
	.long 0
	.word 0
thunk_saved_idt:
	.word 0
	.long 0
	.balign 4
thunk_saved_esp:
	.long 0
thunk_user_regs:
	.long 0
thunk_target:
	.word 0
	.globl thunk_regs
thunk_regs:
	.fill BIOS_REGS_WORDS, 4, 0
	.globl boot_drive16
boot_drive16:
	.byte 0

	.section .note.GNU-stack, "", @progbits
