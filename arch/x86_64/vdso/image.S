/*
 * image.S - embeds the linked vDSO (linux-vdso.so.1, built from
 * arch/x86_64/vdso/user/ by arch/x86_64/vdso/build.mk) in the kernel's
 * read-only data, page aligned, between vdso_image_start and
 * vdso_image_end. Used by vdso.c (vdso_map copies it into the program).
 */
	.section .rodata.vdso_image, "a"
	.balign 4096
	.globl vdso_image_start
vdso_image_start:
	.incbin VDSO_SO_PATH
	.globl vdso_image_end
vdso_image_end:
	.balign 4096
	.section .note.GNU-stack, "", @progbits
