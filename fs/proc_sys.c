/*
 * fs/proc_sys.c - the system-wide /proc and /sys files: /proc/meminfo
 * (the page allocator's figures in Linux's layout), /proc/cpuinfo (one
 * block per online CPU, flags from CPUID with Linux's names), /proc/stat,
 * uptime, loadavg, version, /proc/sys/kernel/random/{uuid,boot_id} (random
 * version-4 UUIDs) and /sys/devices/system/cpu/{online,possible,present}.
 * Layer: fs. Callers: fs/proc.c (its node table).
 */
#include "fs/proc.h"
#include "kernel/thread.h"
#include "kernel/sched.h"
#include "kernel/mm/mm.h"
#include "arch.h"

/* ---- system-wide files ---- */

static void meminfo_line(struct proc_buf *b, const char *label, u64 kb)
{
	/* Linux: the label and colon padded to 16 columns, the value to 8 */
	proc_printf(b, "%-16s%8lu kB\n", label, (unsigned long)kb);
}

void render_meminfo(struct proc_buf *b, int tid)
{
	u64 total = mm_total_pages() * (PAGE_SIZE / 1024);
	u64 free = mm_free_pages() * (PAGE_SIZE / 1024);
	u64 anon = uvm_resident_pages() * (PAGE_SIZE / 1024);
	static const char *const zero[] = {
	    "Buffers:",	     "Cached:",	      "SwapCached:",   "Unevictable:", "Mlocked:",
	    "SwapTotal:",    "SwapFree:",     "Zswap:",	       "Zswapped:",    "Dirty:",
	    "Writeback:",    "Mapped:",	      "Shmem:",	       "KReclaimable:", "Slab:",
	    "SReclaimable:", "SUnreclaim:",   "KernelStack:",  "PageTables:",  "NFS_Unstable:",
	    "Bounce:",	     "WritebackTmp:",
	};

	meminfo_line(b, "MemTotal:", total);
	meminfo_line(b, "MemFree:", free);
	meminfo_line(b, "MemAvailable:", free);
	for (unsigned i = 0; i < 3; i++)
		meminfo_line(b, zero[i], 0);
	meminfo_line(b, "Active:", anon);
	meminfo_line(b, "Inactive:", 0);
	meminfo_line(b, "Active(anon):", anon);
	meminfo_line(b, "Inactive(anon):", 0);
	meminfo_line(b, "Active(file):", 0);
	meminfo_line(b, "Inactive(file):", 0);
	for (unsigned i = 3; i < 11; i++)
		meminfo_line(b, zero[i], 0);
	meminfo_line(b, "AnonPages:", anon);
	for (unsigned i = 11; i < ARRAY_SIZE(zero); i++)
		meminfo_line(b, zero[i], 0);
	meminfo_line(b, "CommitLimit:", total);
	meminfo_line(b, "Committed_AS:", total - free);
	meminfo_line(b, "VmallocTotal:", 34359738367ull);
	meminfo_line(b, "VmallocUsed:", 0);
	meminfo_line(b, "VmallocChunk:", 0);
	meminfo_line(b, "Percpu:", 0);
	proc_puts(b, "HardwareCorrupted:     0 kB\n");
	meminfo_line(b, "AnonHugePages:", 0);
	proc_printf(b, "HugePages_Total:       0\nHugePages_Free:        0\n"
		     "HugePages_Rsvd:        0\nHugePages_Surp:        0\n");
	meminfo_line(b, "Hugepagesize:", 2048);
	meminfo_line(b, "Hugetlb:", 0);
	meminfo_line(b, "DirectMap4k:", 0);
	meminfo_line(b, "DirectMap2M:", total);
}

static void cpuid(u32 leaf, u32 sub, u32 r[4])
{
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(sub));
}

/* Linux's flag names (arch/x86/include/asm/cpufeatures.h), in its word order */
struct cpu_flag_word {
	u32 leaf, sub;
	u8 reg; /* 0 eax, 1 ebx, 2 ecx, 3 edx */
	const char *names[32];
};

static const struct cpu_flag_word cpu_flag_words[] = {
    {1, 0, 3, {"fpu", "vme", "de", "pse", "tsc", "msr", "pae", "mce", "cx8", "apic", NULL,
	       "sep", "mtrr", "pge", "mca", "cmov", "pat", "pse36", "pn", "clflush", NULL, "dts",
	       "acpi", "mmx", "fxsr", "sse", "sse2", "ss", "ht", "tm", "ia64", "pbe"}},
    {0x80000001, 0, 3, {[11] = "syscall", [19] = "mp", [20] = "nx", [22] = "mmxext",
			[25] = "fxsr_opt", [26] = "pdpe1gb", [27] = "rdtscp", [29] = "lm",
			[30] = "3dnowext", [31] = "3dnow"}},
    {1, 0, 2, {"pni", "pclmulqdq", "dtes64", "monitor", "ds_cpl", "vmx", "smx", "est", "tm2",
	       "ssse3", "cid", "sdbg", "fma", "cx16", "xtpr", "pdcm", NULL, "pcid", "dca",
	       "sse4_1", "sse4_2", "x2apic", "movbe", "popcnt", "tsc_deadline_timer", "aes",
	       "xsave", NULL, "avx", "f16c", "rdrand", "hypervisor"}},
    {0x80000001, 0, 2, {"lahf_lm", "cmp_legacy", "svm", "extapic", "cr8_legacy", "abm",
			"sse4a", "misalignsse", "3dnowprefetch", "osvw", "ibs", "xop",
			"skinit", "wdt", NULL, "lwp", "fma4", "tce", NULL, "nodeid_msr", NULL,
			"tbm", "topoext", "perfctr_core", "perfctr_nb", NULL, "bpext", "ptsc",
			"perfctr_llc", "mwaitx"}},
    {7, 0, 1, {"fsgsbase", "tsc_adjust", "sgx", "bmi1", "hle", "avx2", NULL, "smep", "bmi2",
	       "erms", "invpcid", "rtm", "cqm", NULL, "mpx", "rdt_a", "avx512f", "avx512dq",
	       "rdseed", "adx", "smap", "avx512ifma", NULL, "clflushopt", "clwb", "intel_pt",
	       "avx512pf", "avx512er", "avx512cd", "sha_ni", "avx512bw", "avx512vl"}},
    {0xd, 1, 0, {"xsaveopt", "xsavec", "xgetbv1", "xsaves"}},
    {7, 0, 2, {NULL, "avx512vbmi", "umip", "pku", "ospke", "waitpkg", "avx512_vbmi2", NULL,
	       "gfni", "vaes", "vpclmulqdq", "avx512_vnni", "avx512_bitalg", "tme",
	       "avx512_vpopcntdq", NULL, "la57", [22] = "rdpid", [25] = "cldemote",
	       [27] = "movdiri", [28] = "movdir64b"}},
    {7, 0, 3, {[2] = "avx512_4vnniw", [3] = "avx512_4fmaps", [4] = "fsrm",
	       [8] = "avx512_vp2intersect", [10] = "md_clear", [14] = "serialize",
	       [16] = "tsxldtrk", [18] = "pconfig", [19] = "arch_lbr", [22] = "amx_bf16",
	       [23] = "avx512_fp16", [24] = "amx_tile", [25] = "amx_int8", [28] = "flush_l1d",
	       [29] = "arch_capabilities"}},
};

void render_cpuinfo(struct proc_buf *b, int tid)
{
	u32 r[4], max_leaf, max_ext, family, model, stepping;
	char vendor[13], brand[49], *bp = brand;
	unsigned ncpu = arch_cpus_online() ? arch_cpus_online() : 1;
	u64 hz = arch_tsc_hz(), cache_kb = 0, phys_bits = 36, virt_bits = 48;

	cpuid(0, 0, r);
	max_leaf = r[0];
	memcpy(vendor, &r[1], 4);
	memcpy(vendor + 4, &r[3], 4);
	memcpy(vendor + 8, &r[2], 4);
	vendor[12] = 0;
	cpuid(0x80000000, 0, r);
	max_ext = r[0];
	brand[0] = 0;
	if (max_ext >= 0x80000004) {
		for (u32 i = 0; i < 3; i++) {
			cpuid(0x80000002 + i, 0, r);
			memcpy(brand + 16 * i, r, 16);
		}
		brand[48] = 0;
		while (*bp == ' ')
			bp++;
	}
	if (max_ext >= 0x80000006) {
		cpuid(0x80000006, 0, r);
		cache_kb = r[2] >> 16;
	}
	if (max_ext >= 0x80000008) {
		cpuid(0x80000008, 0, r);
		phys_bits = r[0] & 0xff;
		virt_bits = (r[0] >> 8) & 0xff;
	}
	cpuid(1, 0, r);
	stepping = r[0] & 0xf;
	model = (r[0] >> 4) & 0xf;
	family = (r[0] >> 8) & 0xf;
	if (family == 0xf)
		family += (r[0] >> 20) & 0xff;
	if (family == 6 || family >= 0xf)
		model |= ((r[0] >> 16) & 0xf) << 4;
	for (unsigned c = 0; c < ncpu; c++) {
		proc_printf(b,
			  "processor\t: %u\nvendor_id\t: %s\ncpu family\t: %u\nmodel\t\t: %u\n"
			  "model name\t: %s\nstepping\t: %u\nmicrocode\t: 0x1\n"
			  "cpu MHz\t\t: %lu.%03lu\ncache size\t: %lu KB\nphysical id\t: 0\n"
			  "siblings\t: %u\ncore id\t\t: %u\ncpu cores\t: %u\napicid\t\t: %u\n"
			  "initial apicid\t: %u\nfpu\t\t: yes\nfpu_exception\t: yes\n"
			  "cpuid level\t: %u\nwp\t\t: yes\nflags\t\t:",
			  c, vendor, family, model, *bp ? bp : "unknown", stepping,
			  (unsigned long)(hz / 1000000), (unsigned long)(hz / 1000 % 1000),
			  (unsigned long)cache_kb, ncpu, c, ncpu, c, c, max_leaf);
		for (unsigned w = 0; w < ARRAY_SIZE(cpu_flag_words); w++) {
			const struct cpu_flag_word *fw = &cpu_flag_words[w];
			u32 q[4];

			if (fw->leaf < 0x80000000 ? fw->leaf > max_leaf : fw->leaf > max_ext)
				continue;
			cpuid(fw->leaf, fw->sub, q);
			for (unsigned bit = 0; bit < 32; bit++)
				if ((q[fw->reg] >> bit & 1) && fw->names[bit])
					proc_printf(b, " %s", fw->names[bit]);
		}
		proc_printf(b,
			  "\nbugs\t\t:\nbogomips\t: %lu.%02lu\nclflush size\t: 64\n"
			  "cache_alignment\t: 64\naddress sizes\t: %lu bits physical, %lu bits "
			  "virtual\npower management:\n\n",
			  (unsigned long)(hz / 500000), (unsigned long)(hz / 5000 % 100),
			  (unsigned long)phys_bits, (unsigned long)virt_bits);
	}
}

void render_pstat(struct proc_buf *b, int tid)
{
	unsigned ncpu = arch_cpus_online() ? arch_cpus_online() : 1;
	u64 tick = 1000000000 / PROC_USER_HZ;
	u64 up = clock_now_ns() / tick, user = sched_process_cpu_ns() / tick;
	u64 idle0 = up > user ? up - user : 0;
	u64 btime = (clock_realtime_ns() - clock_now_ns()) / 1000000000;
	int running = 0;

	proc_printf(b, "cpu  %lu 0 0 %lu 0 0 0 0 0 0\n", (unsigned long)user,
		  (unsigned long)(idle0 + up * (ncpu - 1)));
	for (unsigned c = 0; c < ncpu; c++)
		proc_printf(b, "cpu%u %lu 0 0 %lu 0 0 0 0 0 0\n", c, (unsigned long)(c ? 0 : user),
			  (unsigned long)(c ? up : idle0));
	for (struct thread *t = thread_first(); t; t = t->all_next)
		if (proc_user_thread(t) && t->state != THREAD_BLOCKED)
			running++;
	proc_printf(b,
		  "intr 0\nctxt %lu\nbtime %lu\nprocesses 1\nprocs_running %d\nprocs_blocked 0\n"
		  "softirq 0 0 0 0 0 0 0 0 0 0 0\n",
		  (unsigned long)sched_switch_count(), (unsigned long)btime, running);
}

void render_uptime(struct proc_buf *b, int tid)
{
	u64 up = clock_now_ns() / 10000000, busy = sched_process_cpu_ns() / 10000000;
	u64 idle = (up > busy ? up - busy : 0) +
		   up * ((arch_cpus_online() ? arch_cpus_online() : 1) - 1);

	proc_printf(b, "%lu.%02lu %lu.%02lu\n", (unsigned long)(up / 100), (unsigned long)(up % 100),
		  (unsigned long)(idle / 100), (unsigned long)(idle % 100));
}

void render_loadavg(struct proc_buf *b, int tid)
{
	int running = 0, last = 1;

	for (struct thread *t = thread_first(); t; t = t->all_next) {
		if (!proc_user_thread(t))
			continue;
		if (t->state != THREAD_BLOCKED)
			running++;
		if (t->tid > last)
			last = t->tid;
	}
	proc_printf(b, "0.00 0.00 0.00 %d/%d %d\n", running, thread_count(), last);
}

void render_version(struct proc_buf *b, int tid)
{
	proc_puts(b, "Linux version 6.1.0-monos (monos) #1 SMP monos unikernel\n");
}

static void uuid_text(struct proc_buf *b, const u8 u[16])
{
	proc_printf(b, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x\n",
		  u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12],
		  u[13], u[14], u[15]);
}

/* a random (version 4, RFC 4122 variant) UUID */
static void uuid_v4(u8 u[16])
{
	random_bytes(u, 16);
	u[6] = (u8)((u[6] & 0x0f) | 0x40);
	u[8] = (u8)((u[8] & 0x3f) | 0x80);
}

void render_uuid(struct proc_buf *b, int tid)
{
	u8 u[16];

	uuid_v4(u);
	uuid_text(b, u);
}

void render_boot_id(struct proc_buf *b, int tid)
{
	static u8 boot_id[16];
	static bool made;

	if (!made) {
		uuid_v4(boot_id);
		made = true;
	}
	uuid_text(b, boot_id);
}

void proc_cpu_list(struct proc_buf *b, u64 mask)
{
	bool first = true;

	for (unsigned c = 0; c < 64; c++) {
		unsigned e = c;

		if (!(mask >> c & 1))
			continue;
		while (e + 1 < 64 && (mask >> (e + 1) & 1))
			e++;
		proc_printf(b, first ? "%u" : ",%u", c);
		if (e > c)
			proc_printf(b, "-%u", e);
		first = false;
		c = e;
	}
}

void render_cpus(struct proc_buf *b, int tid)
{
	unsigned n = arch_cpus_online();

	proc_cpu_list(b, n >= 64 ? ~0ull : (1ull << (n ? n : 1)) - 1);
	proc_puts(b, "\n");
}

/* /etc/resolv.conf when the image has none (net/dns.c has the servers) */
void render_resolv(struct proc_buf *b, int tid)
{
	size_t n = net_resolv_conf(NULL, 0);

	if (!proc_grow(b, n))
		return;
	b->len += net_resolv_conf(b->p + b->len, n);
}
