/*
 * pvh_test.S - a tiny PVH test kernel for tests/suites/40-boot-bios (not
 * the real kernel). Layer: boot tests. An ELF64 whose segments are linked
 * in the higher half with low physical load addresses (like the kernel),
 * with a Xen PHYS32_ENTRY note. Its 32-bit entry checks what a PVH loader
 * must provide and reports on COM1, then exits through isa-debug-exit:
 *   "pvh-test: ok"            code PVH_TEST_PASS (QEMU status 85), then
 *   "pvh-test: entry tsc 0x<hex>" (the TSC at entry, for boot timing) and
 *   "pvh-test: cmdline '<text>'"  (the command line it was given)
 *   "pvh-test: FAIL <check>"  code PVH_TEST_FAIL (QEMU status 87)
 * Checks: protected mode with paging and interrupts off; %ebx -> start
 * info with magic 0x336ec578, version >= 1, a memmap with usable RAM of at
 * least 1 MiB at or above 1 MiB, an RSDP that says "RSD PTR ", a command
 * line pointer; the data segment (second PT_LOAD) holds its marker; the
 * bss is zero; with -DPVH_TEST_BLOB, a 4 MiB data blob whose every word
 * is w(i) = (i * 0x9e3779b1) ^ (i >> 5) ^ 0x5a5a5a5a (made by
 * boot/test/gen_blob.py), which catches misplaced or missing extents.
 * -DPVH_TEST_NO_NOTE builds it without the note (a loader error case).
 */
#define KVBASE 0xffffffff80000000
#define PA(x) ((x) - KVBASE)
#define PVH_TEST_PASS 0x2a
#define PVH_TEST_FAIL 0x2b
#define DATA_MARKER 0x4d4f4e4f

#ifndef PVH_TEST_NO_NOTE
	.section .note.Xen, "a"
	.balign 4
	.long 4, 4, 18 /* namesz, descsz, XEN_ELFNOTE_PHYS32_ENTRY */
	.asciz "Xen"
	.long PA(pvh_test_entry)
#endif

	.section .text, "ax"
	.code32
	.globl pvh_test_entry
pvh_test_entry:
	movl %ebx, %esi
	movl %ebx, PA(start_info)
	rdtsc /* guest TSC at entry: under TCG, host cycles since the VM started */
	movl %eax, PA(entry_tsc)
	movl %edx, PA(entry_tsc) + 4
	movl $PA(stack_top), %esp

	movl %cr0, %eax
	testl $0x80000000, %eax
	jnz fail_paging
	testl $1, %eax
	jz fail_paging
	pushfl
	popl %eax
	testl $0x200, %eax
	jnz fail_if

	/* start info */
	cmpl $0x336ec578, (%esi)
	jne fail_magic
	cmpl $1, 4(%esi)
	jb fail_version
	cmpl $0, 24(%esi)
	je fail_cmdline
	movl 32(%esi), %edi
	testl %edi, %edi
	jz fail_rsdp
	cmpl $0x20445352, (%edi) /* "RSD " */
	jne fail_rsdp
	cmpl $0x20525450, 4(%edi) /* "PTR " */
	jne fail_rsdp

	/* memmap: an entry of type 1, addr >= 1 MiB (< 4 GiB), size >= 1 MiB */
	movl 48(%esi), %ecx
	testl %ecx, %ecx
	jz fail_memmap
	cmpl $0, 44(%esi)
	jne fail_memmap
	movl 40(%esi), %edi
1:	cmpl $1, 16(%edi)
	jne 2f
	cmpl $0, 4(%edi)
	jne 2f
	cmpl $0x100000, (%edi)
	jb 2f
	cmpl $0, 12(%edi)
	jne 3f
	cmpl $0x100000, 8(%edi)
	jae 3f
2:	addl $24, %edi
	loop 1b
	jmp fail_memmap
3:
	/* second PT_LOAD in place, bss zero */
	cmpl $DATA_MARKER, PA(data_marker)
	jne fail_data
	movl $PA(bss_start), %edi
	movl $PA(bss_end), %ecx
	subl %edi, %ecx
	shrl $2, %ecx
	xorl %eax, %eax
	repe scasl
	jne fail_bss

#ifdef PVH_TEST_BLOB
	movl $PA(blob_start), %edi
	movl $PA(blob_end), %ecx
	subl %edi, %ecx
	shrl $2, %ecx
	xorl %edx, %edx /* i */
4:	movl %edx, %eax
	imull $0x9e3779b1, %eax
	movl %edx, %ebx
	shrl $5, %ebx
	xorl %ebx, %eax
	xorl $0x5a5a5a5a, %eax
	cmpl %eax, (%edi,%edx,4)
	jne fail_blob
	incl %edx
	cmpl %ecx, %edx
	jb 4b
#endif

	movl $PA(msg_ok), %esi
	call puts
	movl PA(entry_tsc) + 4, %eax
	call puthex
	movl PA(entry_tsc), %eax
	call puthex
	movl $PA(msg_cmdline_is), %esi
	call puts
	movl PA(start_info), %esi
	movl 24(%esi), %esi
	call puts
	movl $PA(msg_quote_nl), %esi
	call puts
	movl $PVH_TEST_PASS, %eax
	jmp exit

	.macro failure name, text
fail_\name:
	movl $PA(msg_\name), %esi
	jmp fail_common
	.section .rodata
msg_\name:
	.asciz "\text"
	.section .text
	.endm

	failure paging, "not in 32-bit protected mode with paging off"
	failure if, "interrupts enabled at entry"
	failure magic, "start info magic is not 0x336ec578"
	failure version, "start info version < 1"
	failure cmdline, "no command line pointer"
	failure rsdp, "no RSDP (rsdp_paddr does not point to RSD PTR)"
	failure memmap, "memmap has no usable RAM >= 1 MiB above 1 MiB"
	failure data, "data segment not at its physical address"
	failure bss, "bss not zeroed"
	failure blob, "blob contents differ (bad extent read?)"

fail_common:
	pushl %esi
	movl $PA(msg_fail), %esi
	call puts
	popl %esi
	call puts
	movl $PA(msg_nl), %esi
	call puts
	movl $PVH_TEST_FAIL, %eax
exit:
	movw $0xf4, %dx
	outl %eax, %dx
5:	cli
	hlt
	jmp 5b

/* puts(%esi): NUL-terminated string to COM1 */
puts:
	movw $0x3f8, %dx
6:	lodsb
	testb %al, %al
	jz 7f
	outb %al, %dx
	jmp 6b
7:	ret

/* puthex(%eax): 8 hex digits to COM1 */
puthex:
	movl %eax, %ebx
	movl $8, %ecx
	movw $0x3f8, %dx
8:	roll $4, %ebx
	movl %ebx, %eax
	andl $0xf, %eax
	movb PA(hexdigits)(%eax), %al
	outb %al, %dx
	loop 8b
	ret

	.section .rodata
msg_ok:
	.asciz "pvh-test: ok\npvh-test: entry tsc 0x"
hexdigits:
	.ascii "0123456789abcdef"
msg_fail:
	.asciz "pvh-test: FAIL "
msg_nl:
	.asciz "\n"
msg_cmdline_is:
	.asciz "\npvh-test: cmdline '"
msg_quote_nl:
	.asciz "'\n"

	.section .data
	.balign 4
data_marker:
	.long DATA_MARKER
#ifdef PVH_TEST_BLOB
	.balign 4096
blob_start:
	.incbin PVH_TEST_BLOB
blob_end:
#endif

	.section .bss
	.balign 16
entry_tsc:
	.quad 0
start_info:
	.long 0
bss_start:
	.skip 16384
bss_end:
	.skip 4096
stack_top:

	.section .note.GNU-stack, "", @progbits
