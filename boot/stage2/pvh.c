/*
 * pvh.c - the PVH hand-off (Xen PVH boot ABI, "HVM start info" v1, as
 * QEMU's -kernel loader does it on microvm and q35): build struct
 * hvm_start_info with the E820 map as PVH memmap entries, the command line
 * (fw_cfg "opt/monos/cmdline" on QEMU, else empty; fwcfg.c) and the ACPI
 * RSDP found in the EBDA or 0xe0000-0xfffff, mask the 8259 PICs and jump
 * to the kernel's 32-bit entry with %ebx = start info.
 * The start info, memmap and command line sit in stage2's bss below
 * 0x60000 (usable RAM in E820): the kernel must copy them before reusing
 * low memory. Layer: boot (stage2). Caller: stage2_main. docs/boot.md.
 */
#include "boot/stage2/stage2.h"
#include "lib/cstring.h"

#define HVM_START_MAGIC 0x336ec578u

struct hvm_start_info {
	u32 magic;
	u32 version; /* 1: has memmap */
	u32 flags;
	u32 nr_modules;
	u64 modlist_paddr;
	u64 cmdline_paddr;
	u64 rsdp_paddr;
	u64 memmap_paddr;
	u32 memmap_entries;
	u32 reserved;
} PACKED;
_Static_assert(sizeof(struct hvm_start_info) == 56, "hvm_start_info v1");

struct hvm_memmap_entry {
	u64 addr, size;
	u32 type, reserved;
} PACKED;
_Static_assert(sizeof(struct hvm_memmap_entry) == 24, "hvm_memmap_table_entry");

static struct hvm_start_info pvh_info __attribute__((aligned(8)));
static struct hvm_memmap_entry pvh_memmap[E820_MAX] __attribute__((aligned(8)));
#define PVH_CMDLINE_MAX 1024
static char pvh_cmdline[PVH_CMDLINE_MAX];

static bool rsdp_valid(const u8 *p)
{
	u8 sum = 0;

	if (memcmp(p, "RSD PTR ", 8))
		return false;
	for (int i = 0; i < 20; i++)
		sum += p[i];
	if (sum)
		return false;
	if (p[15] >= 2) { /* ACPI 2.0+: extended checksum over length */
		u32 len;
		memcpy(&len, p + 20, 4);
		if (len < 36 || len > 4096)
			return false;
		for (u32 i = 0; i < len; i++)
			sum += p[i];
		if (sum)
			return false;
	}
	return true;
}

static u32 rsdp_find(void)
{
	u32 ebda = (u32)(*(volatile u16 *)0x40e) << 4;

	if (ebda >= 0x80000 && ebda < 0xa0000)
		for (u32 a = ebda; a < ebda + 1024; a += 16)
			if (rsdp_valid((const u8 *)a))
				return a;
	for (u32 a = 0xe0000; a < 0x100000; a += 16)
		if (rsdp_valid((const u8 *)a))
			return a;
	return 0;
}

static inline void outb(u16 port, u8 v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

void pvh_boot(u32 entry)
{
	const struct e820_entry *map;
	u32 n = mem_e820(&map);

	for (u32 i = 0; i < n; i++)
		pvh_memmap[i] =
		    (struct hvm_memmap_entry){map[i].base, map[i].length, map[i].type, 0};
	fwcfg_cmdline(pvh_cmdline, sizeof(pvh_cmdline));
	pvh_info = (struct hvm_start_info){
	    .magic = HVM_START_MAGIC,
	    .version = 1,
	    .cmdline_paddr = (u32)pvh_cmdline,
	    .rsdp_paddr = rsdp_find(),
	    .memmap_paddr = (u32)pvh_memmap,
	    .memmap_entries = n,
	};
	/* mask the legacy PICs: the kernel owns interrupts from here */
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
	pvh_jump(entry, (u32)&pvh_info);
}
