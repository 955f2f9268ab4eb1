/*
 * selftest.c - boot-time checks of the arch primitives the threads work
 * will build on (kernel layer): a kernel context switch there and back
 * (arch_prepare_stack/arch_switch_stack) and an FPU save/restore round
 * trip. Microseconds; a failure is a kernel bug, so it panics. Called by
 * kernel_main after memory is up.
 */
#include "kernel/kernel.h"
#include "arch.h"

void selftest_run(void);

static u64 main_rsp, other_rsp;
static volatile int switch_count;

static void other_context(void *arg)
{
	for (;;) {
		switch_count += (int)(u64)arg;
		arch_switch_stack(&other_rsp, main_rsp);
	}
}

void selftest_run(void)
{
	u64 stack = page_alloc(1);
	void *a, *b;
	u32 sz = arch_xsave_size();

	if (!stack)
		panic("selftest: no memory");
	other_rsp = arch_prepare_stack((u64)phys_to_virt(stack) + 2 * PAGE_SIZE, other_context,
				       (void *)5);
	arch_switch_stack(&main_rsp, other_rsp);
	arch_switch_stack(&main_rsp, other_rsp);
	if (switch_count != 10)
		panic("selftest: context switch ran the other side %d/10", switch_count);
	page_free(stack, 1);

	a = kmalloc(sz < 1024 ? 1024 : sz);
	b = kmalloc(sz < 1024 ? 1024 : sz);
	if (!a || !b)
		panic("selftest: no memory");
	/* non-initial values, so XSAVE(OPT) must write them back */
	arch_fpu_init_area(a);
	*(u16 *)a = 0x27f;                    /* FCW: 53-bit precision */
	*(u32 *)((u8 *)a + 24) = 0x9f80;      /* MXCSR: flush-to-zero */
	arch_fpu_restore(a);
	memset(b, 0, sz);
	arch_fpu_save(b);
	if (*(u16 *)b != 0x27f || *(u32 *)((u8 *)b + 24) != 0x9f80)
		panic("selftest: FPU save/restore gave FCW %#x MXCSR %#x", *(u16 *)b,
		      *(u32 *)((u8 *)b + 24));
	arch_fpu_init_area(a);
	arch_fpu_restore(a); /* back to the clean state */
	kfree(a);
	kfree(b);
}
