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

static void report_ns(const char *what, u64 ns)
{
	klog("%s %lu.%03lu ms", what, (unsigned long)(ns / 1000000),
	     (unsigned long)(ns / 1000 % 1000));
}

void kernel_main(u64 start_info)
{
	int binfo, err;
	struct thread *t;
	struct value *root;

	u64 tsc[5];

	tsc[0] = arch_rdtsc();
	console_init();
	arch_clock_start();
	binfo = boot_info_init(start_info);
	arch_cpu_init();
	tsc[1] = arch_rdtsc();
	if (binfo)
		panic("boot: no usable PVH start info (magic/memory map) at %#lx",
		      (unsigned long)start_info);
	if (boot_cmdline_has("klog"))
		klog_enable();
	for (unsigned i = 0; i < boot_mem_count(); i++)
		klog("e820: %#lx-%#lx type %u", (unsigned long)boot_mem_at(i)->addr,
		     (unsigned long)(boot_mem_at(i)->addr + boot_mem_at(i)->size), boot_mem_at(i)->type);
	mm_init();
	tsc[2] = arch_rdtsc();
	arch_irq_init();
	tsc[3] = arch_rdtsc();
	arch_clock_init();
	klog_clock_ready();
	selftest_run();
	arch_smp_init();
	tsc[4] = arch_rdtsc();
	/* the early stages ran before the clock was calibrated */
	static const char *const stage[] = { "", "console+cpu", "memory", "interrupts", "clock" };
	for (int i = 1; i < 5; i++)
		klog("boot: %s took %lu us", stage[i],
		     (unsigned long)((tsc[i] - tsc[i - 1]) / (arch_tsc_hz() / 1000000 ?: 1)));
	klog("monos: cmdline \"%s\", %lu MiB RAM, %lu MiB free", boot_cmdline(),
	     (unsigned long)(mm_total_pages() >> 8), (unsigned long)(mm_free_pages() >> 8));
	report_ns("boot: core up at", clock_now_ns());
	/* test hooks for the panic paths (tests/suites/50-kernel-boot) */
	if (boot_cmdline_has("monos.test_panic"))
		panic("test panic requested on the kernel command line");
	if (boot_cmdline_has("monos.test_kfault"))
		*(volatile u64 *)0xffffc8ffdead0000UL = 1; /* unmapped kernel address */
	if (boot_cmdline_has("monos.test_stackprot"))
		stackprot_selftest(); /* panics: arch/x86_64/stackprot.c */
	drivers_init();
	report_ns("boot: drivers up at", clock_now_ns());
	err = fs_init();
	if (err) {
		kprintf("monos: no root filesystem (%s)\n", errno_name(err));
		kernel_exit(EXIT_NO_ROOTFS);
	}
	root = config_root();
	report_ns("boot: rootfs mounted at", clock_now_ns());
	if (net_init(root) == 0)
		net_wait_ready(root); /* exec_wait_for_ip4_secs */

	sched_init();
	t = thread_create_user();
	if (!t || uvm_init())
		panic("init: out of memory for the first thread");
	thread_switch_to(t);
	sched_set_first(t);
	err = exec_program(t, root);
	if (err)
		kernel_exit(EXIT_NO_PROGRAM);
	report_ns("boot: entering user mode at", clock_now_ns());
	/* manifest klog:t prints the buffered boot log only now, so printing
	 * (slow on a serial port) does not distort the timeline */
	if (config_flag("klog"))
		klog_enable();
	/* W^X self-test (arch/x86_64/kmap.c) with every kernel mapping made */
	kmap_boot_tests(); /* monos.test_wx, monos.test_wxpanic */
	arch_enter_user(t->regs);
}
