/*
 * boot.c - boot information (kernel layer): copies the command line, the
 * ACPI RSDP address and the E820-style memory map out of the PVH
 * hvm_start_info (QEMU -kernel, Firecracker, our BIOS stage2) into kernel
 * memory. Called first thing by kernel_main; read by mm, acpi and init.
 */
#include "kernel/kernel.h"
#include "kernel/boot.h"

#define PVH_MAGIC 0x336ec578

struct hvm_start_info {
	u32 magic;
	u32 version;
	u32 flags;
	u32 nr_modules;
	u64 modlist_paddr;
	u64 cmdline_paddr;
	u64 rsdp_paddr;
	u64 memmap_paddr; /* version >= 1 */
	u32 memmap_entries;
	u32 reserved;
} PACKED;
_Static_assert(sizeof(struct hvm_start_info) == 56, "PVH start info is 56 bytes");

struct hvm_memmap_entry {
	u64 addr, size;
	u32 type, reserved;
} PACKED;
_Static_assert(sizeof(struct hvm_memmap_entry) == 24, "PVH memmap entry is 24 bytes");

static char cmdline[1024];
static u64 rsdp;
static struct boot_mem_range ranges[BOOT_MAX_RANGES];
static unsigned nr_ranges;

/* the early page tables map the first GiB only */
#define BOOT_EARLY_LIMIT (1ULL << 30)

int boot_info_init(u64 info_phys)
{
	const struct hvm_start_info *si;

	if (!info_phys || info_phys + sizeof(*si) > BOOT_EARLY_LIMIT)
		return -EINVAL;
	si = phys_to_virt(info_phys);
	if (si->magic != PVH_MAGIC)
		return -EINVAL;
	if (si->cmdline_paddr && si->cmdline_paddr < BOOT_EARLY_LIMIT - sizeof(cmdline)) {
		const char *c = phys_to_virt(si->cmdline_paddr);
		size_t n = strnlen(c, sizeof(cmdline) - 1);

		memcpy(cmdline, c, n);
		cmdline[n] = 0;
	}
	rsdp = si->rsdp_paddr;
	if (si->version < 1 || !si->memmap_paddr || !si->memmap_entries)
		return -EINVAL;
	if (si->memmap_paddr + si->memmap_entries * sizeof(struct hvm_memmap_entry) >
	    BOOT_EARLY_LIMIT)
		return -EINVAL;
	const struct hvm_memmap_entry *e = phys_to_virt(si->memmap_paddr);
	for (u32 i = 0; i < si->memmap_entries && nr_ranges < BOOT_MAX_RANGES; i++) {
		if (!e[i].size)
			continue;
		ranges[nr_ranges].addr = e[i].addr;
		ranges[nr_ranges].size = e[i].size;
		ranges[nr_ranges].type = e[i].type;
		nr_ranges++;
	}
	return nr_ranges ? 0 : -EINVAL;
}

unsigned boot_mem_count(void)
{
	return nr_ranges;
}

const struct boot_mem_range *boot_mem_at(unsigned i)
{
	return i < nr_ranges ? &ranges[i] : NULL;
}

const char *boot_cmdline(void)
{
	return cmdline;
}

u64 boot_rsdp(void)
{
	return rsdp;
}

bool boot_cmdline_has(const char *word)
{
	size_t wl = strlen(word);

	for (const char *p = cmdline; *p;) {
		while (*p == ' ')
			p++;
		const char *s = p;
		while (*p && *p != ' ')
			p++;
		if ((size_t)(p - s) == wl && !memcmp(s, word, wl))
			return true;
	}
	return false;
}
