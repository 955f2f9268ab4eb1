/*
 * qemu-empty.S - the smallest PVH guest: prints "hello" on COM1 and ends the
 * VM through isa-debug-exit (code 0, QEMU status 1). bench/boot-breakdown
 * boots it with the runner's microvm QEMU line to measure QEMU's own start
 * and stop cost, the floor under monos's boot time.
 *
 * Layer: benchmark tool (guest side, 32-bit, no paging). Built by
 * bench/build.mk into $(BUILD)/bench/qemu-empty.elf.
 */
	.section .note.pvh, "a"
	.balign 4
	.long 4			/* name size: "Xen\0" */
	.long 4			/* desc size */
	.long 18		/* XEN_ELFNOTE_PHYS32_ENTRY */
	.asciz "Xen"
	.long empty_start

	.text
	.code32
	.globl empty_start
empty_start:
	mov $msg, %esi
	mov $0x3f8, %dx
1:	lodsb
	test %al, %al
	jz 2f
	outb %al, %dx
	jmp 1b
2:	xor %eax, %eax
	mov $0xf4, %dx
	outl %eax, %dx
3:	hlt
	jmp 3b

	.section .rodata
msg:	.asciz "hello\n"
