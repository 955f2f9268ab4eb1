/*
 * kmap.c - W^X for the kernel's own mappings (arch layer). boot.S enters
 * the kernel on one 2 MiB-page directory, RWX, shared by the identity
 * map, the first GiB of the direct map and the kernel mapping at
 * KERNEL_VIRT_BASE. Once the page allocator runs, kmap_protect replaces
 * both kernel-half users of it:
 *   - the kernel GiB maps only the image, with 4 KiB pages: .text RX,
 *     .rodata (with the PVH note) R+NX, .data/.bss RW+NX (kernel.ld's
 *     page-aligned boundary symbols);
 *   - the first GiB of the direct map gets its own directory: 2 MiB pages
 *     RW+NX, and the blocks holding the image split into 4 KiB pages whose
 *     alias of .text, .rodata and .boot.text is read-only (and NX), so
 *     the image cannot be patched or run through its physmap alias;
 * RAM above 1 GiB is direct-mapped RW+NX by vm.c, MMIO RW+NX. NX needs
 * EFER.NXE (cpu.c sets it before mm_init when CPUID has it); CR0.WP (set
 * in boot.S, copied to the APs) makes supervisor writes honour R/O. Nothing
 * patches kernel text at run time (no alternatives; the AP trampoline and
 * the vDSO image are copied out of .rodata, the vDSO data page is .bss).
 * Also the `monos.test_wx` self-test: walks the live tables and makes the
 * kernel fault on purpose (a store into text/rodata resumes through an
 * __ex_table entry, a call into a data page through kmap_probe_fault).
 * Called by mm_init (kmap_protect), traps.c (kmap_probe_fault) and
 * kernel_main (kmap_boot_tests, last thing before user mode, so the census
 * covers the drivers' MMIO, the page cache, the vDSO and the program).
 */
#include "kernel/kernel.h"
#include "kernel/boot.h"
#include "kernel/mm/mm.h"
#include "arch.h"
#include "arch/x86_64/x86.h"
#include "arch/x86_64/kmap.h"

#define KMAP_2M	     (1ULL << 21)
#define KMAP_GIB     (1ULL << 30)
#define KMAP_CR0_WP  (1ULL << 16)
#define KMAP_CR4_PGE (1ULL << 7)

extern char __boot_text_start[], __boot_text_end[], __boot_data_start[], __boot_data_end[];
extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern char __data_start[], __data_end[], __bss_start[];
extern u64 boot_pdpt_direct[512], boot_pdpt_high[512];

static u64 kmap_nx; /* PTE_NX when EFER.NXE is on, else 0 (the bit would be reserved) */
/* CPUs (index < 64) that came up, and those with CR0.WP and EFER.NXE on */
static u64 kmap_cpus_seen, kmap_cpus_wx;

static unsigned kmap_bits(u64 m)
{
	unsigned n = 0;

	for (; m; m &= m - 1)
		n++;
	return n;
}

void kmap_cpu_record(u32 cpu_id)
{
	u64 bit = cpu_id < 64 ? 1ULL << cpu_id : 0;
	bool wx = (read_cr0() & KMAP_CR0_WP) && (!kmap_nx || (rdmsr(MSR_EFER) & EFER_NXE));

	__atomic_fetch_or(&kmap_cpus_seen, bit, __ATOMIC_RELAXED);
	if (wx)
		__atomic_fetch_or(&kmap_cpus_wx, bit, __ATOMIC_RELAXED);
}

static u64 kmap_pa(const void *p)
{
	return virt_to_phys(p);
}

/* the image's parts (physical, page aligned) and their flags in the
 * kernel mapping (0: not mapped there) and in the direct map's alias;
 * everything else in the image's 2 MiB block is RW+NX in the alias
 * (.boot.data: the boot page tables, which vm.c still edits) */
struct kmap_part {
	u64 start, end, kflags, aflags;
};

static unsigned kmap_parts(struct kmap_part *p)
{
	p[0] =
	    (struct kmap_part){kmap_pa(__text_start), kmap_pa(__text_end), PTE_P, PTE_P | kmap_nx};
	p[1] = (struct kmap_part){kmap_pa(__rodata_start), kmap_pa(__rodata_end), PTE_P | kmap_nx,
				  PTE_P | kmap_nx};
	p[2] = (struct kmap_part){kmap_pa(__data_start), kmap_pa(__data_end),
				  PTE_P | PTE_W | kmap_nx, PTE_P | PTE_W | kmap_nx};
	/* ran once, from the identity map */
	p[3] = (struct kmap_part){kmap_pa(__boot_text_start), kmap_pa(__boot_text_end), 0,
				  PTE_P | kmap_nx};
	return 4;
}

static u64 *kmap_table(u64 *phys_out)
{
	u64 pa = page_alloc(0);

	*phys_out = pa;
	return pa ? phys_to_virt(pa) : NULL;
}

/* the kernel GiB: the image only, 4 KiB pages */
static u64 kmap_build_kernel(void)
{
	struct kmap_part part[4];
	unsigned n = kmap_parts(part);
	u64 pd_pa, pt_pa;
	u64 *pd = kmap_table(&pd_pa), *pt;

	if (!pd)
		return 0;
	for (unsigned i = 0; i < n; i++) {
		for (u64 pa = part[i].start; part[i].kflags && pa < part[i].end; pa += PAGE_SIZE) {
			u64 va = KERNEL_VIRT_BASE + pa, *pde = &pd[(va >> 21) & 511];

			if (!*pde) {
				pt = kmap_table(&pt_pa);
				if (!pt)
					return 0;
				*pde = pt_pa | PTE_P | PTE_W;
			}
			pt = phys_to_virt(*pde & PTE_ADDR);
			pt[(va >> 12) & 511] = pa | part[i].kflags;
		}
	}
	return pd_pa;
}

/* the direct map's first GiB: 2 MiB pages RW+NX, the image's blocks split */
static u64 kmap_build_direct(void)
{
	struct kmap_part part[4];
	unsigned n = kmap_parts(part);
	u64 img_s = ALIGN_DOWN(kmap_pa(__boot_text_start), KMAP_2M);
	u64 img_e = ALIGN_UP(kmap_pa(__data_end), KMAP_2M);
	u64 pd_pa, pt_pa;
	u64 *pd = kmap_table(&pd_pa), *pt;

	if (!pd)
		return 0;
	for (u64 i = 0; i < 512; i++) {
		u64 pa = i * KMAP_2M;

		if (pa < img_s || pa >= img_e) {
			pd[i] = pa | PTE_P | PTE_W | PTE_PS | kmap_nx;
			continue;
		}
		pt = kmap_table(&pt_pa);
		if (!pt)
			return 0;
		for (u64 j = 0; j < 512; j++)
			pt[j] = (pa + j * PAGE_SIZE) | PTE_P | PTE_W | kmap_nx;
		for (unsigned k = 0; k < n; k++)
			for (u64 q = MAX(part[k].start, pa); q < MIN(part[k].end, pa + KMAP_2M);
			     q += PAGE_SIZE)
				pt[(q - pa) >> 12] = q | part[k].aflags;
		pd[i] = pt_pa | PTE_P | PTE_W;
	}
	return pd_pa;
}

static void kmap_flush_all(void)
{
	u64 cr4 = read_cr4();

	if (cr4 & KMAP_CR4_PGE) { /* global entries survive a CR3 load */
		write_cr4(cr4 & ~KMAP_CR4_PGE);
		write_cr4(cr4);
	} else {
		write_cr3(read_cr3());
	}
}

void kmap_protect(void)
{
	u64 *high = phys_to_virt((u64)boot_pdpt_high);
	u64 *direct = phys_to_virt((u64)boot_pdpt_direct);
	u64 kpd, dpd;

	if (kmap_pa(__data_end) > KMAP_GIB ||
	    ((u64)__text_start >> 30) != ((u64)__data_end - 1) >> 30)
		panic("kmap: the kernel image must lie in the first GiB");
	kmap_nx = (rdmsr(MSR_EFER) & EFER_NXE) ? PTE_NX : 0;
	if (!(read_cr0() & KMAP_CR0_WP))
		write_cr0(read_cr0() | KMAP_CR0_WP);
	kpd = kmap_build_kernel();
	dpd = kmap_build_direct();
	if (!kpd || !dpd)
		panic("kmap: out of memory for the kernel page tables");
	/* the new kernel GiB maps the running code and stack at the same
	 * physical pages, so the switch is seamless */
	high[((u64)KERNEL_VIRT_BASE >> 30) & 511] = kpd | PTE_P | PTE_W;
	direct[0] = dpd | PTE_P | PTE_W;
	kmap_flush_all();
	kmap_cpu_record(0);
	klog("kmap: kernel text %lu KiB RX, rodata %lu KiB R, data+bss %lu KiB RW, direct map %s",
	     (unsigned long)((__text_end - __text_start) >> 10),
	     (unsigned long)((__rodata_end - __rodata_start) >> 10),
	     (unsigned long)((__data_end - __data_start) >> 10),
	     kmap_nx ? "NX" : "executable (no NX)");
}

/* ---- the self-test (monos.test_wx) ---- */

struct kmap_leaf {
	bool present, write, exec, user;
	unsigned shift; /* 12, 21 or 30 */
};

/* the effective rights of va in the live tables: W and U when every level
 * allows them, executable unless a level has NX (with EFER.NXE) */
static struct kmap_leaf kmap_lookup(u64 va)
{
	struct kmap_leaf l = {0};
	u64 *t = phys_to_virt(read_cr3() & PTE_ADDR);
	bool w = true, nx = false, u = true;

	for (unsigned shift = 39; shift >= 12; shift -= 9) {
		u64 e = t[(va >> shift) & 511];

		if (!(e & PTE_P))
			return l;
		w = w && (e & PTE_W);
		u = u && (e & PTE_U);
		nx = nx || (kmap_nx && (e & PTE_NX));
		if (shift == 12 || (shift < 39 && (e & PTE_PS))) {
			l.present = true;
			l.write = w;
			l.exec = !nx;
			l.user = u;
			l.shift = shift;
			return l;
		}
		t = phys_to_virt(e & PTE_ADDR);
	}
	return l;
}

struct kmap_count {
	u64 rwx;	/* supervisor leaves both writable and executable */
	u64 exec_pages; /* 4 KiB units executable in the kernel half */
	u64 low_kernel; /* supervisor leaves in the lower half */
};

static void kmap_count_table(const u64 *t, unsigned shift, u64 base, bool w, bool nx, bool u,
			     struct kmap_count *c)
{
	for (u64 i = 0; i < 512; i++) {
		u64 e = t[i], va = base + (i << shift);
		bool ew = w && (e & PTE_W), enx = nx || (kmap_nx && (e & PTE_NX));
		bool eu = u && (e & PTE_U);

		if (shift == 39 && i >= 256)
			va |= 0xffff000000000000ULL; /* canonical upper half */
		if (!(e & PTE_P))
			continue;
		if (shift == 12 || (shift < 39 && (e & PTE_PS))) {
			if (eu)
				continue; /* the program's pages (SMEP/SMAP keep them apart) */
			if (ew && !enx)
				c->rwx++;
			if (va >= USER_MAX && !enx)
				c->exec_pages += 1ULL << (shift - 12);
			if (va < USER_MAX)
				c->low_kernel++;
			continue;
		}
		kmap_count_table(phys_to_virt(e & PTE_ADDR), shift - 9, va, ew, enx, eu, c);
	}
}

static const char *kmap_rights(struct kmap_leaf l)
{
	if (!l.present)
		return "---";
	return l.write ? (l.exec ? "rwx" : "rw-") : (l.exec ? "r-x" : "r--");
}

static unsigned kmap_failures;

static void kmap_expect(const char *what, u64 va, const char *want)
{
	const char *got = kmap_rights(kmap_lookup(va));

	if (strcmp(got, want)) {
		kmap_failures++;
		kprintf("kmap: wx-test FAIL %s %#lx is %s, want %s\n", what, (unsigned long)va, got,
			want);
	}
	kprintf("kmap: wx-test %s=%s\n", what, got);
}

static struct {
	bool armed, hit;
	u32 cpu; /* the probing CPU: another CPU's fault is not ours */
	u64 error, addr;
} kmap_probe;

bool kmap_probe_fault(struct user_regs *r, u64 addr)
{
	if (!kmap_probe.armed || (r->cs & 3) || this_cpu()->cpu_id != kmap_probe.cpu)
		return false;
	kmap_probe.armed = false;
	kmap_probe.hit = true;
	kmap_probe.error = r->error;
	kmap_probe.addr = addr;
	if (r->rip == addr) {
		/* a fetch at the entry of what the probe called: return to
		 * the caller as if the callee had returned */
		r->rip = *(u64 *)r->rsp;
		r->rsp += 8;
		return true;
	}
	return false; /* a store: its __ex_table entry resumes after it */
}

/* store the byte that is already there (harmless if the store succeeds);
 * 0 or -EFAULT through the __ex_table fixup */
static int kmap_try_store(volatile u8 *p)
{
	int err = -EFAULT;
	u8 v = *p;

	__asm__ volatile("1:	movb %b1, (%2)\n\t"
			 "xorl %0, %0\n"
			 "2:\n\t"
			 ".pushsection __ex_table, \"a\"\n\t"
			 ".balign 8\n\t"
			 ".quad 1b, 2b\n\t"
			 ".popsection"
			 : "+r"(err)
			 : "q"(v), "r"(p)
			 : "memory");
	return err;
}

static u8 kmap_data_code[64] __attribute__((aligned(64))) = {0xc3}; /* ret, in .data */
static const u8 kmap_rodata_byte[64] __attribute__((aligned(64))) = {0x5a};
static u64 kmap_data_word = 0x6b6d6170; /* .data */
static u64 kmap_bss_word;		/* .bss */

static __attribute__((noinline)) void kmap_text_nop(void)
{
	__asm__ volatile("");
}

/* write: store into p; else call p. Expects a #PF at p with the error
 * code bits want_err (P=1 protection, W=2 write, I/D=16 fetch) */
static void kmap_probe_one(const char *what, void *p, bool write, u64 want_err)
{
	void (*volatile fn)(void) = (void (*)(void))p;
	int err = 0;

	kmap_probe.hit = false;
	kmap_probe.cpu = this_cpu()->cpu_id;
	kmap_probe.armed = true;
	barrier();
	if (write)
		err = kmap_try_store(p);
	else
		fn();
	barrier();
	kmap_probe.armed = false;
	if (!kmap_probe.hit || (write && err != -EFAULT)) {
		kmap_failures++;
		kprintf("kmap: wx-test probe %s: FAIL no fault at %#lx\n", what, (unsigned long)p);
		return;
	}
	if ((kmap_probe.error & want_err) != want_err || kmap_probe.addr != (u64)p) {
		kmap_failures++;
		kprintf("kmap: wx-test probe %s: FAIL fault err=%#lx addr=%#lx, want bits %#lx at "
			"%#lx\n",
			what, (unsigned long)kmap_probe.error, (unsigned long)kmap_probe.addr,
			(unsigned long)want_err, (unsigned long)p);
		return;
	}
	kprintf("kmap: wx-test probe %s: fault err=%#lx (protection violation on %s)\n", what,
		(unsigned long)kmap_probe.error, write ? "write" : "instruction fetch");
}

static u64 kmap_random_ram_page(void)
{
	u64 r = 0, total = 0, pick;

	if (!arch_random_u64(&r))
		r = arch_rdtsc() * 0x9e3779b97f4a7c15ULL;
	for (unsigned i = 0; i < boot_mem_count(); i++)
		if (boot_mem_at(i)->type == BOOT_MEM_RAM)
			total += boot_mem_at(i)->size / PAGE_SIZE;
	for (int tries = 0; tries < 64 && total; tries++, r = r * 6364136223846793005ULL + 1) {
		pick = (r >> 11) % total;
		for (unsigned i = 0; i < boot_mem_count(); i++) {
			const struct boot_mem_range *m = boot_mem_at(i);
			u64 n = m->size / PAGE_SIZE, pa;

			if (m->type != BOOT_MEM_RAM)
				continue;
			if (pick >= n) {
				pick -= n;
				continue;
			}
			pa = ALIGN_UP(m->addr, PAGE_SIZE) + pick * PAGE_SIZE;
			if (pa >= kmap_pa(__boot_text_start) && pa < kmap_pa(__data_end))
				break; /* the image has its own expectations: pick again */
			if (pa + PAGE_SIZE > m->addr + m->size)
				break;
			return pa;
		}
	}
	return ~0ULL;
}

static void kmap_selftest(void)
{
	const char *x = kmap_nx ? "r--" : "r-x", *rwx = kmap_nx ? "rw-" : "rwx";
	u64 text = (u64)kmap_text_nop, heap = page_alloc(0), rnd = kmap_random_ram_page();
	struct kmap_count c = {0};
	u64 text_pages = (u64)(__text_end - __text_start) / PAGE_SIZE;

	if (heap)
		*(u8 *)phys_to_virt(heap) = 0xc3; /* ret: only an NX fault stops the call */
	kmap_failures = 0;
	kprintf("kmap: wx-test nx=%s wp=%s cpus=%u wp+nx-cpus=%u\n", kmap_nx ? "on" : "off",
		read_cr0() & KMAP_CR0_WP ? "on" : "off", kmap_bits(kmap_cpus_seen),
		kmap_bits(kmap_cpus_wx));
	if (!kmap_nx || !(read_cr0() & KMAP_CR0_WP) || kmap_cpus_wx != kmap_cpus_seen ||
	    kmap_bits(kmap_cpus_seen) != arch_cpus_online())
		kmap_failures++;
	kmap_expect("text", text, "r-x");
	kmap_expect("rodata", (u64)kmap_rodata_byte, x);
	kmap_expect("data", (u64)&kmap_data_word, rwx);
	kmap_expect("bss", (u64)&kmap_bss_word, rwx);
	kmap_expect("text-alias", (u64)phys_to_virt(kmap_pa((void *)text)), x);
	kmap_expect("rodata-alias", (u64)phys_to_virt(kmap_pa(kmap_rodata_byte)), x);
	kmap_expect("data-alias", (u64)phys_to_virt(kmap_pa(&kmap_data_word)), rwx);
	kmap_expect("boot-text-alias", (u64)phys_to_virt(kmap_pa(__boot_text_start)), x);
	if (heap)
		kmap_expect("heap-page", (u64)phys_to_virt(heap), rwx);
	if (rnd != ~0ULL) {
		kprintf("kmap: wx-test random direct-map page phys %#lx\n", (unsigned long)rnd);
		kmap_expect("dm-random", (u64)phys_to_virt(rnd), rwx);
	}
	if (!heap || rnd == ~0ULL) {
		kmap_failures++;
		kprintf("kmap: wx-test FAIL no page to check (heap %#lx, random %#lx)\n",
			(unsigned long)heap, (unsigned long)rnd);
	}
	kmap_count_table(phys_to_virt(read_cr3() & PTE_ADDR), 39, 0, true, false, true, &c);
	kprintf("kmap: wx-test rwx=%lu kernel-exec-pages=%lu text-pages=%lu low-kernel=%lu\n",
		(unsigned long)c.rwx, (unsigned long)c.exec_pages, (unsigned long)text_pages,
		(unsigned long)c.low_kernel);
	if (c.rwx || c.exec_pages != text_pages || c.low_kernel)
		kmap_failures++;
	/* faults on purpose: P (1) and W (2) for stores, P and I/D (16) for fetches */
	kmap_probe_one("text-write", (void *)text, true, 3);
	kmap_probe_one("rodata-write", (void *)kmap_rodata_byte, true, 3);
	kmap_probe_one("text-alias-write", phys_to_virt(kmap_pa((void *)text)), true, 3);
	kmap_probe_one("data-exec", kmap_data_code, false, 17);
	kmap_probe_one("text-alias-exec", phys_to_virt(kmap_pa((void *)text)), false, 17);
	kmap_probe_one("heap-exec", heap ? phys_to_virt(heap) : kmap_data_code, false, 17);
	if (heap)
		page_free(heap, 0);
	kmap_text_nop();
	kprintf("kmap: wx-test result=%s (%u failures)\n", kmap_failures ? "FAIL" : "pass",
		kmap_failures);
}

static void kmap_selftest_panic(void)
{
	volatile u8 *p = (volatile u8 *)(u64)kmap_text_nop;

	kprintf("kmap: writing to kernel text at %#lx (expect a page-fault panic)\n",
		(unsigned long)p);
	*p = 0xcc;
	kprintf("kmap: the write to kernel text did not fault\n");
}

void kmap_boot_tests(void)
{
	if (boot_cmdline_has("monos.test_wx"))
		kmap_selftest();
	if (boot_cmdline_has("monos.test_wxpanic"))
		kmap_selftest_panic();
}
