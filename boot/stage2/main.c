/*
 * main.c - stage2_main: the BIOS boot path's 32-bit loader. Called by
 * entry.S in protected mode with the BIOS boot drive. Steps: console and
 * exception handlers, A20 check, E820 map and heap, a 1 MiB stack from the
 * heap (stage2_load runs on it), drive size, MBR
 * (lib/image.c: image_parse_mbr) -> bootfs partition, TFS open through a
 * tfs_dev whose reads are int 13h calls (lib/tfs.c), lookup "kernel",
 * load the ELF (elf.c), PVH hand-off (pvh.c). Every failure prints
 * "stage2: <why>" on COM1 and exits with BOOT_FAIL_CODE. Layer: boot.
 */
#include "boot/stage2/stage2.h"
#include "lib/alloc.h"
#include "lib/errno.h"
#include "lib/image.h"
#include "lib/tfs.h"

void stage2_main(u32 drive);

struct bootfs_ctx {
	u64 lba, sectors;
};

static int bootfs_read(void *ctx, void *buf, u64 sector, u32 count)
{
	const struct bootfs_ctx *b = ctx;

	if (sector > b->sectors || count > b->sectors - sector)
		return -EIO;
	return disk_read(buf, b->lba + sector, count);
}

static void a20_check(void)
{
	volatile u32 *lo = (volatile u32 *)0x7ff0, *hi = (volatile u32 *)0x107ff0;
	u32 save_lo = *lo, save_hi = *hi;

	*lo = 0x12345678;
	*hi = 0x87654321;
	bool wraps = *lo == 0x87654321;
	*lo = save_lo;
	if (!wraps)
		*hi = save_hi;
	if (wraps)
		stage2_fail("the A20 line is disabled (memory above 1 MiB wraps)");
}

static NORETURN void stage2_load(u32 drive)
{
	struct image_layout layout;
	struct bootfs_ctx bctx;
	struct tfs_msg msg;
	struct tfs *fs;
	u32 entry;
	int err;

	disk_init((u8)drive);
	u8 *sector0 = lib_alloc(IMAGE_SECTOR);
	if (!sector0)
		stage2_fail("out of memory");
	err = disk_read(sector0, 0, 1);
	if (err)
		stage2_fail("cannot read the MBR: %s", errno_name(err));
	err = image_parse_mbr(sector0, disk_sectors(), &layout);
	if (err)
		stage2_fail("bad partition table: %s", errno_name(err));
	if (!layout.has_mbr || layout.boot_sectors == 0)
		stage2_fail("no bootfs partition in the MBR");
	lib_free(sector0);

	bctx = (struct bootfs_ctx){layout.boot_lba, layout.boot_sectors};
	struct tfs_dev dev = {
	    .ctx = &bctx,
	    .read = bootfs_read,
	    .write = NULL,
	    .sectors = layout.boot_sectors,
	};
	msg.text[0] = '\0';
	err = tfs_open(&dev, &fs, &msg);
	if (err)
		stage2_fail("bootfs (partition 1 at sector %llu) is not a valid TFS: %s (%s)",
			    layout.boot_lba, msg.text[0] ? msg.text : "no detail", errno_name(err));
	struct value *kernel = tfs_lookup(tfs_root(fs), "kernel");
	if (!kernel)
		stage2_fail("/kernel not found in bootfs");
	if (tfs_is_dir(kernel) || tfs_is_symlink(kernel))
		stage2_fail("/kernel in bootfs is not a regular file");
	elf_load_kernel(fs, kernel, &entry);
	tfs_close(fs);
	pvh_boot(entry);
}

void stage2_main(u32 drive)
{
	con_init();
	fault_init();
	a20_check();
	mem_init();
	u8 *stack = lib_alloc(STAGE2_STACK);
	if (!stack)
		stage2_fail("out of memory for the loader stack");
	run_on_stack(stage2_load, drive, (u32)(stack + STAGE2_STACK));
}
