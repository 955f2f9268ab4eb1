/*
 * init.c - kernel_main, the ordered bring-up (kernel layer), one line per
 * subsystem: console -> boot info -> CPU tables -> memory -> interrupts ->
 * clocks -> drivers -> root filesystem -> program load -> user mode.
 * Called from arch/x86_64/boot.S in long mode on the boot stack.
 *
 * Exit codes when there is nothing to run (the runner shows the message):
 * 126 no root filesystem, 127 no/bad program (missing, not an ELF, ...).
 */
#include "kernel/kernel.h"
#include "kernel/boot.h"
#include "kernel/klog.h"
#include "kernel/thread.h"
#include "kernel/sched.h"
#include "kernel/mm/mm.h"
#include "sys/exec.h"
#include "lib/value.h"
#include "arch.h"

#define EXIT_NO_ROOTFS 126
#define EXIT_NO_PROGRAM 127

void kernel_main(u64 start_info);
void stackprot_selftest(void);
void kmap_boot_tests(void);
void selftest_run(void);

/*
 * Boot timeline: boot_mark(what) notes the TSC and the free page count at
 * each init step; boot_marks_print() logs them once the TSC rate is known
 * (the early steps run before the clock is calibrated). Under TCG and KVM
 * the guest TSC counts from the VM's start, so the first mark also tells
 * how long QEMU took to reach the kernel.
 */
#define BOOT_MARKS_MAX 24

static struct {
	const char *what;
	u64 tsc, free_pages, high;
} boot_marks[BOOT_MARKS_MAX];
static unsigned boot_nmarks, boot_nprinted;

void boot_mark(const char *what)
{
	if (boot_nmarks == BOOT_MARKS_MAX)
		return;
	boot_marks[boot_nmarks].what = what;
	boot_marks[boot_nmarks].tsc = arch_rdtsc();
	boot_marks[boot_nmarks].free_pages = mm_free_pages();
	boot_marks[boot_nmarks].high = mm_high_water();
	boot_nmarks++;
}

static u64 tsc_to_us(u64 ticks)
{
	return ticks / (arch_tsc_hz() / 1000000 ?: 1);
}

static void boot_marks_print(void)
{
	u64 t0 = boot_marks[0].tsc;

	if (!boot_nprinted)
		klog("boot: kernel entered %lu us after the guest TSC's 0 (the VM's start)",
		     (unsigned long)tsc_to_us(t0));
	for (unsigned i = boot_nprinted ?: 1; i < boot_nmarks; i++) {
		u64 us = tsc_to_us(boot_marks[i].tsc - t0);

		klog("boot: %-16s at %3lu.%03lu ms (+%lu us), %lu KiB free, RAM used up to %lu KiB",
		     boot_marks[i].what, (unsigned long)(us / 1000), (unsigned long)(us % 1000),
		     (unsigned long)tsc_to_us(boot_marks[i].tsc - boot_marks[i - 1].tsc),
		     (unsigned long)(boot_marks[i].free_pages * (PAGE_SIZE / 1024)),
		     (unsigned long)(boot_marks[i].high >> 10));
	}
	boot_nprinted = boot_nmarks;
}

void kernel_main(u64 start_info)
{
	int binfo, err;
	struct thread *t;
	struct value *root;

	boot_mark("kernel entry");
	console_init();
	arch_clock_start();
	binfo = boot_info_init(start_info);
	arch_cpu_init();
	boot_mark("console+cpu");
	if (binfo)
		panic("boot: no usable PVH start info (magic/memory map) at %#lx",
		      (unsigned long)start_info);
	if (boot_cmdline_has("klog"))
		klog_enable();
	for (unsigned i = 0; i < boot_mem_count(); i++)
		klog("e820: %#lx-%#lx type %u", (unsigned long)boot_mem_at(i)->addr,
		     (unsigned long)(boot_mem_at(i)->addr + boot_mem_at(i)->size), boot_mem_at(i)->type);
	mm_init();
	boot_mark("memory");
	arch_irq_init();
	boot_mark("interrupts");
	arch_clock_init();
	klog_clock_ready();
	boot_mark("clock");
	selftest_run();
	boot_mark("selftest");
	arch_smp_init();
	boot_mark("smp");
	klog("monos: cmdline \"%s\", %lu MiB RAM, %lu MiB free", boot_cmdline(),
	     (unsigned long)(mm_total_pages() >> 8), (unsigned long)(mm_free_pages() >> 8));
	/* test hooks for the panic paths (tests/suites/50-kernel-boot) */
	if (boot_cmdline_has("monos.test_panic"))
		panic("test panic requested on the kernel command line");
	if (boot_cmdline_has("monos.test_kfault"))
		*(volatile u64 *)0xffffc8ffdead0000UL = 1; /* unmapped kernel address */
	if (boot_cmdline_has("monos.test_stackprot"))
		stackprot_selftest(); /* panics: arch/x86_64/stackprot.c */
	drivers_init();
	boot_mark("drivers");
	err = fs_init();
	if (err) {
		kprintf("monos: no root filesystem (%s)\n", errno_name(err));
		kernel_exit(EXIT_NO_ROOTFS);
	}
	root = config_root();
	boot_mark("rootfs mounted");
	if (net_init(root) == 0) {
		boot_mark("network");
		net_wait_ready(root); /* exec_wait_for_ip4_secs */
	}
	sched_init();
	t = thread_create_user();
	if (!t || uvm_init())
		panic("init: out of memory for the first thread");
	thread_switch_to(t);
	sched_set_first(t);
	boot_mark("first thread");
	err = exec_program(t, root);
	if (err)
		kernel_exit(EXIT_NO_PROGRAM);
	boot_mark("program loaded");
	boot_marks_print();
	{
		u64 us = tsc_to_us(arch_rdtsc() - boot_marks[0].tsc);

		klog("boot: entering user mode at %lu.%03lu ms", (unsigned long)(us / 1000),
		     (unsigned long)(us % 1000));
	}
	/* manifest klog:t prints the buffered boot log only now, so printing
	 * (slow on a serial port) does not distort the timeline */
	if (config_flag("klog"))
		klog_enable();
	/* W^X self-test (arch/x86_64/kmap.c) with every kernel mapping made */
	kmap_boot_tests(); /* monos.test_wx, monos.test_wxpanic */
	arch_enter_user(t->regs);
}
