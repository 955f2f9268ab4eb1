/*
 * stage1.S - the MBR boot sector (LBA 0) of a monos disk image, 16-bit real
 * mode. Layer: boot, first code after the BIOS. The BIOS loads this sector
 * at 0x7c00 and jumps to it with %dl = boot drive. It:
 *   1. sets up flat segments and a stack below 0x7c00,
 *   2. checks for int 13h extensions (AH=41h),
 *   3. reads stage2 (stage2_sectors sectors from LBA 1, a link-time constant
 *      from boot/boot.ld) to 0x8000 with int 13h AH=42h, 127 sectors a call,
 *   4. enables A20 (int 15h AX=2401h, then the port 0x92 fast gate),
 *   5. checks stage2's magic "MNS2" at 0x8002 (a blank or foreign LBA 1
 *      gets a message, not a jump into garbage),
 *   6. jumps to stage2 at 0:0x8000 with %dl = boot drive.
 * On a failure it prints "stage1: <why>" on COM1 and the BIOS screen, exits
 * through isa-debug-exit with code 0x7c (where present) and halts.
 * The code must end before offset 440 (disk signature, then the partition
 * table at 446 that mkfs writes); the link fails otherwise. docs/boot.md.
 */
#define STAGE1_CHUNK 127 /* sectors per int 13h call (EDD limit) */
#define STAGE2_LOAD_SEG 0x0800 /* 0x8000 */
#define BOOT_FAIL_CODE 0x7c
#define STAGE2_MAGIC 0x32534e4d /* "MNS2" */

	.code16
	.section .stage1, "ax"
	.globl stage1_start
stage1_start:
	cli
	xorw %ax, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movw $0x7c00, %sp
	ljmp $0, $1f
1:	sti
	cld
	movb %dl, boot_drive

	/* int 13h extensions present? */
	movb $0x41, %ah
	movw $0x55aa, %bx
	int $0x13
	jc no_ext
	cmpw $0xaa55, %bx
	jne no_ext
	testb $1, %cl
	jz no_ext

	/* read stage2: remaining sectors in %di */
	movw $stage2_sectors, %di
read_loop:
	testw %di, %di
	jz read_done
	movw %di, %ax
	cmpw $STAGE1_CHUNK, %ax
	jbe 2f
	movw $STAGE1_CHUNK, %ax
2:	movw %ax, dap_count
	movw $dap, %si
	movb boot_drive, %dl
	movb $0x42, %ah
	int $0x13
	jc disk_error
	movw dap_count, %ax
	subw %ax, %di
	addw %ax, dap_lba
	shlw $5, %ax /* sectors -> paragraphs */
	addw %ax, dap_seg
	jmp read_loop
read_done:
	cmpl $STAGE2_MAGIC, 0x8002
	jne bad_stage2

	/* A20: ask the BIOS, then the fast gate (never touch bit 0: reset) */
	movw $0x2401, %ax
	int $0x15
	inb $0x92, %al
	testb $2, %al
	jnz 3f
	orb $2, %al
	andb $0xfe, %al
	outb %al, $0x92
3:
	cli
	movb boot_drive, %dl
	ljmp $0, $stage2_entry16

no_ext:
	movw $msg_noext, %si
	jmp fail
disk_error:
	movw $msg_disk, %si
	jmp fail
bad_stage2:
	movw $msg_stage2, %si
fail:
	/* print the NUL-terminated string at %si on COM1 and int 10h */
	lodsb
	testb %al, %al
	jz 5f
	movb %al, %bl
	movw $0x3fd, %dx
	movw $0x4000, %cx
4:	inb %dx, %al /* wait (bounded) for the transmitter */
	testb $0x20, %al
	loopz 4b
	movb %bl, %al
	movw $0x3f8, %dx
	outb %al, %dx
	movb $0x0e, %ah
	movb %bl, %al
	xorw %bx, %bx
	int $0x10
	jmp fail
5:	movw $0xf4, %dx
	movl $BOOT_FAIL_CODE, %eax
	outl %eax, %dx
6:	cli
	hlt
	jmp 6b

msg_noext:
	.asciz "stage1: BIOS has no int 13h extensions\r\n"
msg_disk:
	.asciz "stage1: disk read error loading stage2\r\n"
msg_stage2:
	.asciz "stage1: no monos stage2 at LBA 1\r\n"

	.balign 4
dap:
	.byte 16, 0
dap_count:
	.word 0
	.word 0 /* offset */
dap_seg:
	.word STAGE2_LOAD_SEG
dap_lba:
	.quad 1
boot_drive:
	.byte 0

	.globl stage1_code_end
stage1_code_end:
	.org 510
	.byte 0x55, 0xaa

	.section .note.GNU-stack, "", @progbits
