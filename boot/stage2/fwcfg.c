/*
 * fwcfg.c - the kernel command line for the BIOS path, read from QEMU's
 * fw_cfg device (I/O ports 0x510 selector, 0x511 data) when present: the
 * file "opt/monos/cmdline" (QEMU: -fw_cfg name=opt/monos/cmdline,string=klog).
 * -append only works with -kernel, so this is how the runner passes kernel
 * options to a disk-booted VM. On machines without fw_cfg the signature
 * check fails and the command line stays empty. Layer: boot (stage2).
 * Caller: pvh.c.
 */
#include "boot/stage2/stage2.h"
#include "lib/cstring.h"

#define FW_CFG_PORT_SEL	   0x510
#define FW_CFG_PORT_DATA   0x511
#define FW_CFG_SIGNATURE   0x0000
#define FW_CFG_FILE_DIR	   0x0019
#define FWCFG_CMDLINE_FILE "opt/monos/cmdline"

static inline void outw(u16 port, u16 v)
{
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline u8 inb(u16 port)
{
	u8 v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static void fwcfg_read(void *buf, u32 len)
{
	u8 *p = buf;

	while (len--)
		*p++ = inb(FW_CFG_PORT_DATA);
}

static u32 be32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

size_t fwcfg_cmdline(char *buf, size_t max)
{
	u8 sig[4], ent[64];

	buf[0] = '\0';
	outw(FW_CFG_PORT_SEL, FW_CFG_SIGNATURE);
	fwcfg_read(sig, 4);
	if (memcmp(sig, "QEMU", 4))
		return 0;
	outw(FW_CFG_PORT_SEL, FW_CFG_FILE_DIR);
	fwcfg_read(sig, 4);
	u32 count = be32(sig);
	for (u32 i = 0; i < count && i < 4096; i++) {
		/* size (be32), select (be16), reserved (be16), name[56] */
		fwcfg_read(ent, sizeof(ent));
		ent[63] = '\0';
		if (strcmp((const char *)ent + 8, FWCFG_CMDLINE_FILE))
			continue;
		u32 size = be32(ent);
		u16 sel = (u16)(ent[4] << 8 | ent[5]);
		size_t n = MIN((size_t)size, max - 1);
		outw(FW_CFG_PORT_SEL, sel);
		fwcfg_read(buf, (u32)n);
		buf[n] = '\0';
		return strnlen(buf, n); /* a string= item may carry its NUL */
	}
	return 0;
}
