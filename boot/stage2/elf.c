/*
 * elf.c - load /kernel from bootfs: an ELF64 x86-64 ET_EXEC whose PT_LOAD
 * segments go to their physical addresses (p_paddr; the bss part zeroed)
 * and whose PT_NOTE holds the PVH entry (name "Xen", type 18
 * XEN_ELFNOTE_PHYS32_ENTRY, a 4- or 8-byte 32-bit physical address).
 * Segment data is read by tfs_file_read straight to p_paddr. Every field
 * is checked before use: a bad kernel gets a message, never a wild write.
 * Layer: boot (stage2). Caller: stage2_main.
 */
#include "boot/stage2/stage2.h"
#include "lib/alloc.h"
#include "lib/cstring.h"
#include "lib/errno.h"
#include "lib/tfs.h"

#define ELF_PT_LOAD		 1
#define ELF_PT_NOTE		 4
#define ELF_ET_EXEC		 2
#define ELF_EM_X86_64		 62
#define XEN_ELFNOTE_PHYS32_ENTRY 18
#define ELF_MAX_PHDRS		 64
#define ELF_MAX_NOTE		 (64u << 10)

struct elf64_ehdr {
	u8 ident[16];
	u16 type, machine;
	u32 version;
	u64 entry, phoff, shoff;
	u32 flags;
	u16 ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
} PACKED;
_Static_assert(sizeof(struct elf64_ehdr) == 64, "Elf64_Ehdr");

struct elf64_phdr {
	u32 type, flags;
	u64 offset, vaddr, paddr, filesz, memsz, align;
} PACKED;
_Static_assert(sizeof(struct elf64_phdr) == 56, "Elf64_Phdr");

struct elf_note {
	u32 namesz, descsz, type;
} PACKED;

static int elf_read(struct tfs *fs, const struct value *file, void *buf, u64 off, u64 len)
{
	s64 n = tfs_file_read(fs, file, buf, off, len);

	if (n < 0)
		stage2_fail("reading /kernel at offset %llu: error %d", off, (int)n);
	if ((u64)n != len)
		stage2_fail("/kernel: short read at offset %llu (%lld of %llu bytes)", off, n, len);
	return 0;
}

/* scan one note segment for the PVH entry; 0 if absent */
static u32 elf_find_pvh(const u8 *buf, u64 len, u64 align)
{
	u64 off = 0;

	align = align == 8 ? 8 : 4;
	while (off + sizeof(struct elf_note) <= len) {
		struct elf_note n;
		memcpy(&n, buf + off, sizeof(n));
		u64 name = off + sizeof(n);
		u64 desc = name + ALIGN_UP((u64)n.namesz, align);
		u64 next = desc + ALIGN_UP((u64)n.descsz, align);
		if (desc > len || next > len || next <= off)
			stage2_fail("/kernel: malformed ELF note at segment offset %llu", off);
		if (n.namesz == 4 && !memcmp(buf + name, "Xen", 4) &&
		    n.type == XEN_ELFNOTE_PHYS32_ENTRY) {
			u32 lo, hi = 0;
			if (n.descsz != 4 && n.descsz != 8)
				stage2_fail("/kernel: PVH entry note has %u-byte value", n.descsz);
			memcpy(&lo, buf + desc, 4);
			if (n.descsz == 8)
				memcpy(&hi, buf + desc + 4, 4);
			if (hi || !lo)
				stage2_fail("/kernel: PVH entry %x%08x is not a 32-bit address", hi,
					    lo);
			return lo;
		}
		off = next;
	}
	return 0;
}

int elf_load_kernel(struct tfs *fs, const struct value *file, u32 *entry_out)
{
	struct elf64_ehdr eh;
	u64 size = tfs_file_length(file);
	u32 entry = 0;

	if (size < sizeof(eh))
		stage2_fail("/kernel is not an ELF file (%llu bytes)", size);
	elf_read(fs, file, &eh, 0, sizeof(eh));
	if (memcmp(eh.ident,
		   "\x7f"
		   "ELF",
		   4))
		stage2_fail("/kernel is not an ELF file (bad magic)");
	if (eh.ident[4] != 2 || eh.ident[5] != 1)
		stage2_fail("/kernel is not a little-endian ELF64 file");
	if (eh.machine != ELF_EM_X86_64 || eh.type != ELF_ET_EXEC)
		stage2_fail("/kernel is not an x86-64 executable (e_machine %u, e_type %u)",
			    eh.machine, eh.type);
	if (eh.phentsize != sizeof(struct elf64_phdr) || eh.phnum == 0 ||
	    eh.phnum > ELF_MAX_PHDRS || eh.phoff > size ||
	    size - eh.phoff < (u64)eh.phnum * sizeof(struct elf64_phdr))
		stage2_fail("/kernel: bad program header table (%u entries at %llu)", eh.phnum,
			    eh.phoff);

	struct elf64_phdr *ph = lib_alloc(eh.phnum * sizeof(*ph));
	if (!ph)
		stage2_fail("out of memory for the ELF program headers");
	elf_read(fs, file, ph, eh.phoff, eh.phnum * sizeof(*ph));

	/* check every segment and find the PVH note before writing memory */
	for (u32 i = 0; i < eh.phnum; i++) {
		const struct elf64_phdr *p = &ph[i];
		if (p->type == ELF_PT_NOTE && !entry) {
			if (p->offset > size || p->filesz > size - p->offset ||
			    p->filesz > ELF_MAX_NOTE)
				stage2_fail("/kernel: note segment %u out of the file", i);
			u8 *buf = lib_alloc(p->filesz + 1);
			if (!buf)
				stage2_fail("out of memory for the ELF notes");
			elf_read(fs, file, buf, p->offset, p->filesz);
			entry = elf_find_pvh(buf, p->filesz, p->align);
			lib_free(buf);
		}
		if (p->type != ELF_PT_LOAD || p->memsz == 0)
			continue;
		if (p->filesz > p->memsz || p->offset > size || p->filesz > size - p->offset)
			stage2_fail("/kernel: segment %u extends past the file", i);
		if (p->paddr >= 0x100000000ull || p->memsz > 0x100000000ull - p->paddr)
			stage2_fail("/kernel: segment %u at %llx is above 4 GiB", i, p->paddr);
		if (mem_hits_loader(p->paddr, p->memsz))
			stage2_fail("/kernel: segment %u (%llx-%llx) overlaps the boot loader", i,
				    p->paddr, p->paddr + p->memsz);
		if (!mem_is_ram(p->paddr, p->memsz))
			stage2_fail("/kernel: segment %u (%llx-%llx) is not in usable RAM", i,
				    p->paddr, p->paddr + p->memsz);
	}
	if (!entry)
		stage2_fail("/kernel has no PVH entry note (Xen, XEN_ELFNOTE_PHYS32_ENTRY)");

	bool entry_ok = false;
	for (u32 i = 0; i < eh.phnum; i++) {
		const struct elf64_phdr *p = &ph[i];
		if (p->type != ELF_PT_LOAD || p->memsz == 0)
			continue;
		u8 *dst = (u8 *)(u32)p->paddr;
		if (p->filesz)
			elf_read(fs, file, dst, p->offset, p->filesz);
		memset(dst + p->filesz, 0, (size_t)(p->memsz - p->filesz));
		if (entry >= p->paddr && entry < p->paddr + p->filesz)
			entry_ok = true;
	}
	lib_free(ph);
	if (!entry_ok)
		stage2_fail("/kernel: PVH entry %x is outside the loaded segments", entry);
	*entry_out = entry;
	return 0;
}
