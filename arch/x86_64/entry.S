/*
 * entry.S - every way into and out of the kernel (arch layer): the 256
 * interrupt/exception stubs, the SYSCALL entry, the first entry to user
 * mode, and the user-copy routines with their exception-fixup entries.
 * All build a struct user_regs (x86.h) on the kernel stack and call C:
 * trap_dispatch() or smp_syscall() (which calls syscall_dispatch). Syscalls
 * take the big kernel lock first and drop it on the way out (smp_syscall);
 * trap_dispatch does the same for traps.
 */
#define GS_USER_RSP 8
#define GS_KERNEL_RSP 16

.macro PUSH_REGS
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
.endm

.macro POP_REGS
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
.endm

	.text
/* one 16-byte stub per vector; vectors 8 10-14 17 21 29 30 come with a
 * CPU-pushed error code, the others push a 0 in its place */
	.globl trap_vectors_start
trap_vectors_start:
	.set i, 0
	.rept 256
	.balign 16
	.if (i == 8) || (i >= 10 && i <= 14) || (i == 17) || (i == 21) || (i == 29) || (i == 30)
	pushq $i
	.else
	pushq $0
	pushq $i
	.endif
	jmp trap_common
	.set i, i + 1
	.endr

trap_common:
	testb $3, 24(%rsp)          /* saved CS: from user mode? */
	jz 1f
	swapgs
1:	PUSH_REGS
	cld
	testb $1, arch_smap_on(%rip)
	jz 3f
	clac                        /* no user access in handlers (SMAP) */
3:	movq %rsp, %rdi
	pushq 136(%rsp)             /* fake frame (rip, rbp) for backtraces */
	pushq 72(%rsp)
	movq %rsp, %rbp
	call trap_dispatch
	addq $16, %rsp
	.globl trap_return
trap_return:
	POP_REGS
	addq $16, %rsp              /* vector, error */
	testb $3, 8(%rsp)
	jz 2f
	swapgs
2:	iretq

/*
 * SYSCALL: rip in rcx, rflags in r11, IF cleared by FMASK. Switch to the
 * thread's kernel stack and build a user_regs frame.
 */
	.globl syscall_entry
syscall_entry:
	swapgs
	movq %rsp, %gs:GS_USER_RSP
	movq %gs:GS_KERNEL_RSP, %rsp
	pushq $0x23                 /* ss */
	pushq %gs:GS_USER_RSP       /* rsp */
	pushq %r11                  /* rflags */
	pushq $0x2b                 /* cs */
	pushq %rcx                  /* rip */
	pushq $0                    /* error */
	pushq $0x100                /* vector: TRAP_SYSCALL */
	PUSH_REGS
	cld
	xorl %ebp, %ebp
	movq %rsp, %rdi
	/* the big kernel lock, syscall_dispatch, cli, TLB shootdowns done,
	 * lock dropped (smp_lock.c) */
	call smp_syscall
	/* the return path: sysret when the frame allows it */
	movq 136(%rsp), %rcx        /* rip */
	movq 152(%rsp), %r11        /* rflags */
	/* sysret needs a canonical rip; otherwise leave through iretq */
	movq %rcx, %rax
	sarq $47, %rax
	jnz 3f
	/* sysret loads rcx/r11 from rip/rflags: when the frame's rcx/r11
	 * differ (rt_sigreturn, a signal handler frame) use iretq */
	cmpq 96(%rsp), %rcx
	jne 3f
	cmpq 32(%rsp), %r11
	jne 3f
	POP_REGS
	movq 16(%rsp), %rcx         /* rip */
	movq 32(%rsp), %r11         /* rflags */
	movq 40(%rsp), %rsp         /* user rsp */
	swapgs
	sysretq
3:	POP_REGS
	addq $16, %rsp
	swapgs
	iretq

/* arch_enter_user(struct user_regs *regs): first entry to ring 3 */
	.globl arch_enter_user
arch_enter_user:
	cli
	movq %rdi, %rbx
	andq $-16, %rsp
	call smp_exit_to_user       /* drop the big kernel lock */
	movq %rbx, %rsp
	POP_REGS
	addq $16, %rsp
	swapgs
	iretq

/*
 * long user_copy(void *dst, const void *src, size_t len): 0, or the
 * number of bytes not copied when a user page faulted.
 */
/* SMAP: user pages are reachable only between stac and clac */
.macro USER_ACCESS_BEGIN
	testb $1, arch_smap_on(%rip)
	jz 91f
	stac
91:
.endm
.macro USER_ACCESS_END
	testb $1, arch_smap_on(%rip)
	jz 92f
	clac
92:
.endm

	.globl user_copy
user_copy:
	USER_ACCESS_BEGIN
	cmpq $8, %rdx       /* one word (futex words, struct fields): plain moves */
	je 40f
	cmpq $4, %rdx
	je 44f
	movq %rdx, %rcx
	andl $7, %edx
	shrq $3, %rcx
	jz 14f              /* TCG runs each rep iteration (even none) as a block */
10:	rep movsq           /* 8 bytes a step: TCG runs rep movsb byte by byte */
14:	movq %rdx, %rcx
	testq %rcx, %rcx
	jz 15f
12:	rep movsb
15:	USER_ACCESS_END
	xorl %eax, %eax
	ret
40:	movq (%rsi), %rax
41:	movq %rax, (%rdi)
	USER_ACCESS_END
	xorl %eax, %eax
	ret
42:	USER_ACCESS_END     /* fault: nothing copied */
	movl $8, %eax
	ret
44:	movl (%rsi), %eax
45:	movl %eax, (%rdi)
	USER_ACCESS_END
	xorl %eax, %eax
	ret
46:	USER_ACCESS_END
	movl $4, %eax
	ret
11:	USER_ACCESS_END     /* fault in the quadwords: rcx*8 + the tail left */
	leaq (%rdx,%rcx,8), %rax
	ret
13:	USER_ACCESS_END     /* fault in the tail: rcx bytes left */
	movq %rcx, %rax
	ret

/*
 * long user_strncpy(char *dst, const char *usrc, size_t max): length of
 * the string (without NUL) when a NUL was found within max bytes; max if
 * none; -14 (EFAULT) on a fault.
 */
	.globl user_strncpy
user_strncpy:
	USER_ACCESS_BEGIN
	xorl %eax, %eax
20:	cmpq %rdx, %rax
	je 22f
21:	movb (%rsi,%rax), %cl
	movb %cl, (%rdi,%rax)
	testb %cl, %cl
	je 22f
	incq %rax
	jmp 20b
22:	USER_ACCESS_END
	ret
23:	USER_ACCESS_END
	movq $-14, %rax
	ret

/*
 * long arch_user_cmpxchg32(u64 uaddr, u32 *expected, u32 new): an atomic
 * compare-and-exchange on a user word (futexes against user threads on
 * other CPUs): 0 with *expected = the value found (the exchange happened
 * when it equals the old *expected), or -14 (EFAULT).
 */
	.globl arch_user_cmpxchg32
arch_user_cmpxchg32:
	movl (%rsi), %eax
	USER_ACCESS_BEGIN
30:	lock cmpxchgl %edx, (%rdi)
	USER_ACCESS_END
	movl %eax, (%rsi)
	xorl %eax, %eax
	ret
31:	USER_ACCESS_END
	movq $-14, %rax
	ret

	.section __ex_table, "a"
	.balign 8
	.quad 10b, 11b
	.quad 12b, 13b
	.quad 40b, 42b
	.quad 41b, 42b
	.quad 44b, 46b
	.quad 45b, 46b
	.quad 21b, 23b
	.quad 30b, 31b

/*
 * void arch_switch_stack(u64 *save_rsp, u64 new_rsp): kernel context
 * switch. Pushes the callee-saved registers, stores rsp in *save_rsp, loads
 * new_rsp and pops the other context's registers; "returns" into it. A new
 * context is prepared by arch_prepare_stack (cpu.c).
 */
	.text
	.globl arch_switch_stack
arch_switch_stack:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, (%rdi)
	movq %rsi, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret

/* first frame of a new kernel context: r12 = fn, r13 = arg */
	.globl arch_context_start
arch_context_start:
	movq %r13, %rdi
	xorl %ebp, %ebp
	pushq $0            /* no return: a fake return address for backtraces */
	jmpq *%r12
