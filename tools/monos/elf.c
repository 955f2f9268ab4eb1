/*
 * elf.c - checks the program given to `monos run`/`monos build` before an
 * image is made: a regular file holding an ELF64 little-endian x86-64
 * executable: ET_EXEC or ET_DYN (PIE, static-PIE); what a dynamic program
 * needs is found by deps.c.
 *
 * Layer: host tool (tools/monos). Called by main.c. Uses its own reading of
 * the ELF header and program headers (<elf.h> for the constants only).
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "monos.h"

static int read_at(int fd, void *buf, size_t len, off_t off)
{
	ssize_t r = pread(fd, buf, len, off);

	return r == (ssize_t)len ? 0 : -1;
}

int elf_check_program(const char *path)
{
	Elf64_Ehdr eh;
	struct stat st;
	int fd, ret = -1;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		monos_error("%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		monos_error("%s: not a regular file", path);
		goto out_close;
	}
	if (read_at(fd, &eh, sizeof(eh), 0) < 0 || memcmp(eh.e_ident, ELFMAG, SELFMAG)) {
		monos_error("%s: not an ELF executable", path);
		goto out_close;
	}
	if (eh.e_ident[EI_CLASS] != ELFCLASS64) {
		monos_error("%s: not a 64-bit ELF program (only x86-64 is supported)", path);
		goto out_close;
	}
	if (eh.e_ident[EI_DATA] != ELFDATA2LSB || eh.e_machine != EM_X86_64) {
		monos_error("%s: not an x86-64 program (ELF machine %u)", path, eh.e_machine);
		goto out_close;
	}
	if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN) {
		monos_error("%s: not an executable (ELF type %u)", path, eh.e_type);
		goto out_close;
	}
	if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0 ||
	    eh.e_phoff + (u64)eh.e_phnum * sizeof(Elf64_Phdr) > (u64)st.st_size) {
		monos_error("%s: corrupt ELF program headers", path);
		goto out_close;
	}
	for (u32 i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;

		if (read_at(fd, &ph, sizeof(ph), eh.e_phoff + (off_t)i * sizeof(ph)) < 0) {
			monos_error("%s: corrupt ELF program headers", path);
			goto out_close;
		}
		(void)ph; /* PT_INTERP programs are fine: deps.c adds what they need */
	}
	if (eh.e_entry == 0) {
		monos_error("%s: not an executable (no entry point; a shared library?)", path);
		goto out_close;
	}
	ret = 0;
out_close:
	close(fd);
	return ret;
}
