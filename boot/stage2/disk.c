/*
 * disk.c - BIOS disk access for stage2: int 13h AH=48h (drive size) and
 * AH=42h extended reads of up to BOUNCE_SECTORS sectors a call into the
 * bounce buffer below 1 MiB, copied to the caller's buffer anywhere in the
 * 4 GiB space. Layer: boot (stage2). Callers: stage2_main (MBR, bootfs
 * tfs_dev backend). Large reads make the loader fast: a 4 MiB kernel is
 * about 66 BIOS calls, not 8192.
 */
#include "boot/stage2/stage2.h"
#include "lib/cstring.h"
#include "lib/errno.h"

#define DAP_ADDR (BOUNCE_BUF + 0xff00) /* after the 127-sector buffer */

struct edd_params {
	u16 size;
	u16 flags;
	u32 cyls, heads, spt;
	u64 sectors;
	u16 bytes_per_sector;
} PACKED;

struct edd_dap {
	u8 size, zero;
	u16 count;
	u16 off, seg;
	u64 lba;
} PACKED;
_Static_assert(sizeof(struct edd_dap) == 16, "EDD disk address packet");

static u8 disk_drive;
static u64 disk_total;

void disk_init(u8 drive)
{
	struct bios_regs r;
	struct edd_params *p = (struct edd_params *)BOUNCE_BUF;

	disk_drive = drive;
	memset(p, 0, 64);
	p->size = 0x1e;
	memset(&r, 0, sizeof(r));
	r.eax = 0x4800;
	r.edx = drive;
	r.ds = BOUNCE_BUF >> 4;
	r.esi = 0;
	bios_int(0x13, &r);
	if (r.eflags & BIOS_CF)
		stage2_fail("int 13h AH=48h failed on drive %x (error %x)", drive,
			    (r.eax >> 8) & 0xff);
	if (p->bytes_per_sector != 512)
		stage2_fail("drive %x has %u-byte sectors; only 512 is supported", drive,
			    p->bytes_per_sector);
	disk_total = p->sectors;
	if (disk_total == 0 || disk_total == ~0ull)
		stage2_fail("drive %x does not report its size", drive);
}

u64 disk_sectors(void)
{
	return disk_total;
}

static int disk_read_chunk(u64 lba, u32 count)
{
	struct edd_dap *dap = (struct edd_dap *)DAP_ADDR;
	struct bios_regs r;

	for (int attempt = 0; attempt < 2; attempt++) {
		*dap = (struct edd_dap){16, 0, (u16)count, 0, BOUNCE_BUF >> 4, lba};
		memset(&r, 0, sizeof(r));
		r.eax = 0x4200;
		r.edx = disk_drive;
		r.ds = DAP_ADDR >> 4;
		r.esi = DAP_ADDR & 0xf;
		bios_int(0x13, &r);
		if (!(r.eflags & BIOS_CF) && dap->count == count)
			return 0;
		memset(&r, 0, sizeof(r)); /* reset the controller, retry once */
		r.edx = disk_drive;
		bios_int(0x13, &r);
	}
	return -EIO;
}

int disk_read(void *buf, u64 lba, u32 count)
{
	u8 *dst = buf;

	if (lba > disk_total || count > disk_total - lba)
		return -EIO;
	while (count) {
		u32 n = MIN(count, (u32)BOUNCE_SECTORS);
		int err = disk_read_chunk(lba, n);
		if (err)
			return err;
		memcpy(dst, (void *)BOUNCE_BUF, n * 512);
		dst += n * 512;
		lba += n;
		count -= n;
	}
	return 0;
}
