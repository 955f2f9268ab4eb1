/*
 * stackprot.c - the kernel's stack protector (arch layer): the global
 * canary `__stack_chk_guard` the compiler checks in every function that
 * -fstack-protector-strong instruments (-mstack-protector-guard=global:
 * %fs:0x28 is not ours, GS holds the per-CPU area), `__stack_chk_fail`
 * (a panic naming the function whose frame was smashed), and the
 * `monos.test_stackprot` self-test. boot.S calls stackprot_init before
 * kernel_main, so no instrumented function is live when the guard changes.
 */
#include <types.h>
#include <kernel/kernel.h>

void stackprot_init(void);
void stackprot_selftest(void);
NORETURN void __stack_chk_fail(void);

/* a fixed value until stackprot_init runs (nothing protected runs before) */
u64 __stack_chk_guard = 0x595e9fbd94fda766ULL;

static inline __attribute__((always_inline)) u64 sp_rdtsc(void)
{
	u32 lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((u64)hi << 32) | lo;
}

/* runs before kernel_main on the boot stack: RDRAND (when CPUID.1:ECX[30]
 * says so; a few tries) mixed with the TSC; the low byte is zero so a
 * string overrun cannot copy the canary out, a NUL stops it */
__attribute__((no_stack_protector)) void stackprot_init(void)
{
	u32 a = 1, b, c = 0, d;
	u64 v = 0, g = sp_rdtsc() * 0x9e3779b97f4a7c15ULL;

	__asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	if (c & (1u << 30)) {
		for (int i = 0; i < 10; i++) {
			u8 ok;

			__asm__ volatile("rdrand %0; setc %1" : "=r"(v), "=qm"(ok)::"cc");
			if (ok) {
				g ^= v;
				break;
			}
		}
	}
	g ^= g >> 29;
	__stack_chk_guard = g & ~0xffULL;
	if (!__stack_chk_guard)
		__stack_chk_guard = 0x595e9fbd94fda700ULL;
}

NORETURN void __stack_chk_fail(void)
{
	panic("stack protector: stack canary overwritten in the function at %lx (kernel stack "
	      "buffer overflow)",
	      (unsigned long)__builtin_return_address(0));
}

/* writes past a local array (the length is hidden from the compiler), so
 * the function's own check fails on return: __stack_chk_fail panics */
static __attribute__((noinline)) void stackprot_smash(u64 n)
{
	char buf[16];
	char *p = buf;

	__asm__ volatile("" : "+r"(p));
	for (u64 i = 0; i < n; i++)
		p[i] = 0x5a;
	__asm__ volatile("" ::"r"(p) : "memory");
}

void stackprot_selftest(void)
{
	volatile u64 n = 32; /* the array and the canary above it, not the saved rbp */

	stackprot_smash(n);
	panic("stack protector self-test: the smashed canary went unnoticed");
}
