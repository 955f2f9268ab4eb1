/*
 * vdso.c - the kernel side of the vDSO and of the legacy vsyscall page
 * (arch layer). The vDSO image (linux-vdso.so.1, from user/vdso.c, embedded
 * by image.S) is copied into the program at exec, with the [vvar] data page
 * mapped read-only right below it: that page is the kernel's own (never
 * freed by munmap: PTE_SW_SHARED) and holds the clock parameters the vDSO
 * needs to compute exactly what clock_gettime computes (vvar.h). kvmclock
 * time is not mirrored: with it the vDSO calls the kernel. getcpu reads
 * IA32_TSC_AUX (the CPU index, written on every CPU by cpu.c's
 * cpu_set_tsc_aux) through RDPID or RDTSCP. The vsyscall
 * page (0xffffffffff600000) is not mapped; a call into one of its three
 * entries faults and is emulated (Linux's vsyscall=xonly behaviour: reads
 * of the page stay SIGSEGV). Called by sys/exec.c and arch/x86_64/traps.c.
 */
#include "kernel/kernel.h"
#include "kernel/mm/mm.h"
#include "sys/syscalls.h"
#include "arch.h"
#include "arch/x86_64/x86.h"
#include "arch/x86_64/vdso/vdso.h"
#include "arch/x86_64/vdso/vvar.h"

#define VDSO_COARSE_RES_NS 4000000 /* sys_clock_getres's coarse resolution */

extern const u8 vdso_image_start[], vdso_image_end[];

static u8 vvar_page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static struct vdso_data *const vvar = (struct vdso_data *)vvar_page;

static bool cpu_has_rdpid(void)
{
	return cpu.leaf7_ecx & (1u << 22);
}

static bool cpu_has_rdtscp(void)
{
	return cpu.ext1_edx & (1u << 27);
}

/* the kernel's TSC formula (clock.c) for a TSC value */
static u64 vvar_ns(u64 tsc)
{
	return (u64)(((unsigned __int128)(tsc - vvar->tsc_base) * vvar->ns_mult) >> 32);
}

/* fill the page once the clock is calibrated (first exec) */
static void vvar_fill(void)
{
	u32 clock_mode = VDSO_CLOCK_TSC;
	u64 tsc_hz = arch_tsc_hz();

	vvar->seq++;
	barrier();
	/* .boot data is linked at its physical address: read it via the direct map */
	vvar->tsc_base = *(u64 *)phys_to_virt((u64)&boot_tsc0);
	vvar->ns_mult = tsc_hz ? mul_div64(1000000000u, 1ULL << 32, tsc_hz) : 0;
	vvar->realtime_base = arch_realtime_base_ns();
	vvar->coarse_res_ns = VDSO_COARSE_RES_NS;
	vvar->cpu_mode = cpu_has_rdpid()    ? VDSO_CPU_RDPID
			 : cpu_has_rdtscp() ? VDSO_CPU_RDTSCP
					    : VDSO_CPU_NONE;
	if (cpu.kvmclock || !vvar->ns_mult) {
		clock_mode = VDSO_CLOCK_NONE; /* kvmclock time: ask the kernel */
	} else {
		/* the same numbers as the kernel's clock, or the syscall */
		u64 now = rdtsc();
		u64 probes[] = {vvar->tsc_base + 1, vvar->tsc_base + 123456789, now};

		for (unsigned i = 0; i < ARRAY_SIZE(probes); i++)
			if (vvar_ns(probes[i]) != arch_tsc_to_ns(probes[i]))
				clock_mode = VDSO_CLOCK_NONE;
		if (clock_mode == VDSO_CLOCK_NONE)
			klog("vdso: TSC parameters do not match the kernel clock: time via "
			     "syscalls");
	}
	vvar->clock_mode = clock_mode;
	vvar->magic = VDSO_VVAR_MAGIC;
	barrier();
	vvar->seq++;
}

int vdso_map(u64 *ehdr)
{
	u64 image_len = (u64)(vdso_image_end - vdso_image_start);
	u64 text_len = ALIGN_UP(image_len, PAGE_SIZE);
	u64 base, at, flags;
	int err;

	*ehdr = 0;
	if (vvar->magic != VDSO_VVAR_MAGIC)
		vvar_fill();
	base = uvm_find_gap(PAGE_SIZE + text_len, 0);
	if (!base)
		return -ENOMEM;
	/* [vvar]: the kernel's page, read-only, never freed with the VMA */
	err = uvm_map_fixed(base, base + PAGE_SIZE, PROT_READ, VMA_VVAR);
	if (err)
		return err;
	flags = PTE_U | PTE_SW_SHARED | (mm_nx ? PTE_NX : 0);
	err = pt_map(pt_root(), base, virt_to_phys(vvar_page), flags);
	if (err)
		goto out_unmap;
	/* [vdso]: a private copy of the image (one exec per boot) */
	at = base + PAGE_SIZE;
	err = uvm_map_fixed(at, at + text_len, PROT_READ | PROT_EXEC, VMA_VDSO | VMA_EXECOK);
	if (err)
		goto out_unmap;
	for (u64 off = 0; off < text_len; off += PAGE_SIZE) {
		u64 phys = uvm_page_phys(at + off, true);

		if (!phys) {
			err = -ENOMEM;
			goto out_unmap;
		}
		memcpy(phys_to_virt(phys), vdso_image_start + off, MIN(PAGE_SIZE, image_len - off));
	}
	*ehdr = at;
	klog("vdso: [vvar] %#lx, [vdso] %#lx (%lu bytes), clock %s, getcpu %s", (unsigned long)base,
	     (unsigned long)at, (unsigned long)image_len,
	     vvar->clock_mode == VDSO_CLOCK_TSC ? "TSC" : "syscall",
	     vvar->cpu_mode == VDSO_CPU_RDPID	 ? "RDPID"
	     : vvar->cpu_mode == VDSO_CPU_RDTSCP ? "RDTSCP"
						 : "syscall");
	return 0;
out_unmap:
	uvm_unmap(base, base + PAGE_SIZE + text_len);
	return err;
}

bool vsyscall_emulate(struct user_regs *r, u64 addr)
{
	static const char *const names[] = {"gettimeofday", "time", "getcpu"};
	static bool logged[3];
	u64 off = addr - VSYSCALL_BASE, ret_addr;
	unsigned which;
	long ret;

	/* an instruction fetch at one of the three entries, nothing else */
	if (addr != r->rip || addr < VSYSCALL_BASE || off > 0x800 || (off & 0x3ff))
		return false;
	if (copy_from_user(&ret_addr, r->rsp, sizeof(ret_addr)))
		return false;
	which = (unsigned)(off >> 10);
	switch (which) {
	case 0:
		ret = sys_gettimeofday(r->rdi, r->rsi, 0, 0, 0, 0);
		break;
	case 1:
		ret = sys_time(r->rdi, 0, 0, 0, 0, 0);
		break;
	default:
		ret = sys_getcpu(r->rdi, r->rsi, r->rdx, 0, 0, 0);
		break;
	}
	if (!logged[which]) {
		logged[which] = true;
		klog("vsyscall: emulated a legacy %s call from %#lx", names[which],
		     (unsigned long)ret_addr);
	}
	r->rax = (u64)ret;
	r->rip = ret_addr;
	r->rsp += 8;
	return true;
}
