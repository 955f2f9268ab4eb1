/*
 * exec.c - the ELF loader and the initial user stack (sys/ layer).
 * Loads ET_EXEC and ET_DYN (PIE) programs, PIE at EXEC_PIE_BASE plus a
 * random 28-bit page offset (none with noaslr:t); a PT_INTERP program gets
 * its interpreter (ld.so) loaded at the top of the mmap area, which starts
 * a random 28-bit page offset below EXEC_MMAP_TOP, and starts there with
 * AT_BASE = the interpreter's base, AT_ENTRY/AT_PHDR the program's. The
 * brk start and the stack top are randomised too. Every PT_LOAD gets a VMA with its own R/W/X (NX
 * unless X; a page shared by two segments gets the union), file bytes are read into fresh pages
 * through the VFS, the rest (bss) is zero. PT_GNU_STACK sets the stack's X bit; PT_TLS is the
 * program's business. The stack holds argv/envp from the manifest's arguments/environment (argv
 * defaults to [program]) and the auxiliary vector, 16-byte aligned as the ABI says. The vDSO
 * ([vvar] + [vdso], arch/x86_64/vdso/) goes below the interpreter, AT_SYSINFO_EHDR names it.
 * Called by kernel_main.
 */
#include "kernel/kernel.h"
#include "kernel/thread.h"
#include "kernel/mm/mm.h"
#include "lib/value.h"
#include "lib/format.h"
#include "sys/exec.h"
#include "sys/trace.h"
#include "arch.h"
#include "arch/x86_64/x86.h"
#include "arch/x86_64/vdso/vdso.h"

#define EXEC_PIE_BASE	    0x555555554000ULL
#define EXEC_STACK_SIZE	    (8ULL << 20)
#define EXEC_MAX_ARGS	    1024
#define EXEC_MAX_PHDRS	    64
#define EXEC_BOUNCE	    (1ULL << 20) /* file read chunk while loading */
#define EXEC_MAX_INTERP	    4096
#define EXEC_MMAP_TOP	    0x7f0000000000ULL
#define EXEC_RND_BITS	    28 /* pages of ASLR for PIE, interpreter/mmap and brk */
#define EXEC_STACK_RND_BITS 22 /* pages of stack shift (16 GiB, as Linux) */

struct elf64_ehdr {
	u8 ident[16];
	u16 type, machine;
	u32 version;
	u64 entry, phoff, shoff;
	u32 flags;
	u16 ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
_Static_assert(sizeof(struct elf64_ehdr) == 64, "ELF64 header is 64 bytes");

struct elf64_phdr {
	u32 type, flags;
	u64 offset, vaddr, paddr, filesz, memsz, align;
};
_Static_assert(sizeof(struct elf64_phdr) == 56, "ELF64 program header is 56 bytes");

#define ET_EXEC	     2
#define ET_DYN	     3
#define EM_X86_64    62
#define PT_LOAD	     1
#define PT_INTERP    3
#define PT_PHDR	     6
#define PT_GNU_STACK 0x6474e551
#define PF_X	     1
#define PF_W	     2
#define PF_R	     4

#define AT_NULL	       0
#define AT_PHDR	       3
#define AT_PHENT       4
#define AT_PHNUM       5
#define AT_PAGESZ      6
#define AT_BASE	       7
#define AT_FLAGS       8
#define AT_ENTRY       9
#define AT_UID	       11
#define AT_EUID	       12
#define AT_GID	       13
#define AT_EGID	       14
#define AT_PLATFORM    15
#define AT_HWCAP       16
#define AT_CLKTCK      17
#define AT_SECURE      23
#define AT_RANDOM      25
#define AT_HWCAP2      26
#define AT_IGNORE      1
#define AT_SYSINFO_EHDR 33
#define AT_EXECFN      31
#define AT_MINSIGSTKSZ 51

bool exec_protection;

struct exec_image {
	u64 entry, phdr, phnum, brk;
	u64 prog_entry;	 /* AT_ENTRY: the program's own entry */
	u64 interp_base; /* AT_BASE: where the interpreter sits, 0 without one */
	u64 stack_top;
	u64 vdso; /* AT_SYSINFO_EHDR: the vDSO image, 0 without one */
	u32 stack_prot;
};

/* one ELF file's headers, checked */
struct elf_info {
	struct elf64_ehdr eh;
	struct elf64_phdr *ph;
	u64 lo, hi;   /* page-aligned span of the PT_LOADs (link addresses) */
	char *interp; /* PT_INTERP path (kmalloc'ed) or NULL */
	u32 stack_prot;
};

struct exec_layout exec_layout;

static u32 elf_prot(u32 pf)
{
	return (pf & PF_R ? PROT_READ : 0) | (pf & PF_W ? PROT_WRITE : 0) |
	       (pf & PF_X ? PROT_EXEC : 0);
}

/* random page-aligned offset with bits bits of entropy (0 with noaslr:t) */
static u64 exec_random_pages(unsigned bits)
{
	u64 r = 0;

	if (config_flag("noaslr"))
		return 0;
	random_bytes(&r, sizeof(r));
	return (r & ((1ULL << bits) - 1)) * PAGE_SIZE;
}

static int load_segment(struct file *f, const struct elf64_phdr *ph, u64 base)
{
	u64 va = base + ph->vaddr;
	u64 start = ALIGN_DOWN(va, PAGE_SIZE), end = ALIGN_UP(va + ph->memsz, PAGE_SIZE);
	u32 prot = elf_prot(ph->flags);
	const struct vma *prev = uvm_find(start);
	int err;

	if (prev) {
		/* the first page is shared with the previous segment */
		err = uvm_protect(start, start + PAGE_SIZE, prev->prot | prot);
		if (err)
			return err;
		start += PAGE_SIZE;
	}
	if (start < end &&
	    (err = uvm_map_fixed(start, end, prot, VMA_ELF | (prot & PROT_EXEC ? VMA_EXECOK : 0))))
		return err;
	/* /proc/self/maps: the file-backed pages carry the file's name */
	if (start < ALIGN_UP(va + ph->filesz, PAGE_SIZE))
		proc_name_mapping(f, start, ALIGN_UP(va + ph->filesz, PAGE_SIZE),
				  ph->offset - (va - start));
	/* large reads through a bounce buffer (one device request per chunk,
	 * not per page), then copied into the segment's fresh pages */
	u64 bounce_size = MIN(ALIGN_UP(ph->filesz + PAGE_SIZE, PAGE_SIZE), EXEC_BOUNCE);
	u8 *bounce = ph->filesz ? kmalloc(bounce_size) : NULL;

	if (ph->filesz && !bounce)
		return -ENOMEM;
	for (u64 done = 0; done < ph->filesz;) {
		u64 want = MIN(bounce_size, ph->filesz - done);
		s64 n = vfs_pread(f, bounce, want, ph->offset + done);

		if (n < 0 || (u64)n != want) {
			err = n < 0 ? (int)n : -EIO;
			goto out_free;
		}
		for (u64 off = 0; off < want;) {
			u64 at = va + done + off;
			u64 chunk = MIN(PAGE_SIZE - (at & (PAGE_SIZE - 1)), want - off);
			u64 phys = uvm_page_phys(at, true);

			if (!phys) {
				err = -ENOMEM;
				goto out_free;
			}
			memcpy(phys_to_virt(phys), bounce + off, chunk);
			off += chunk;
		}
		done += want;
	}
	err = 0;
out_free:
	kfree(bounce);
	return err;
}

static void elf_info_free(struct elf_info *ei)
{
	kfree(ei->ph);
	kfree(ei->interp);
	ei->ph = NULL;
	ei->interp = NULL;
}

/* read and check the headers of f (path for messages) */
static int elf_read(const char *path, struct file *f, struct elf_info *ei)
{
	struct elf64_ehdr *eh = &ei->eh;
	struct elf64_phdr *ph;
	u64 size = vfs_size(f);
	s64 n;
	int err = -ENOEXEC;

	ei->ph = NULL;
	ei->interp = NULL;
	ei->lo = ~0ULL;
	ei->hi = 0;
	n = vfs_pread(f, eh, sizeof(*eh), 0);
	if (n != sizeof(*eh) || memcmp(eh->ident, "\177ELF", 4)) {
		kprintf("monos: %s: not an ELF file\n", path);
		return -ENOEXEC;
	}
	if (eh->ident[4] != 2 || eh->ident[5] != 1 || eh->machine != EM_X86_64) {
		kprintf("monos: %s: not an x86-64 little-endian ELF64 program\n", path);
		return -ENOEXEC;
	}
	if (eh->type != ET_EXEC && eh->type != ET_DYN) {
		kprintf("monos: %s: ELF type %u is not an executable\n", path, eh->type);
		return -ENOEXEC;
	}
	if (eh->phentsize != sizeof(*ph) || !eh->phnum || eh->phnum > EXEC_MAX_PHDRS ||
	    eh->phoff > size || eh->phnum * sizeof(*ph) > size - eh->phoff) {
		kprintf("monos: %s: bad program header table\n", path);
		return -ENOEXEC;
	}
	ph = ei->ph = kmalloc(eh->phnum * sizeof(*ph));
	if (!ph)
		return -ENOMEM;
	n = vfs_pread(f, ph, eh->phnum * sizeof(*ph), eh->phoff);
	if (n != (s64)(eh->phnum * sizeof(*ph))) {
		kprintf("monos: %s: cannot read the program headers\n", path);
		err = n < 0 ? (int)n : -EIO;
		goto out_free;
	}
	ei->stack_prot = PROT_READ | PROT_WRITE;
	for (unsigned i = 0; i < eh->phnum; i++) {
		if (ph[i].type == PT_INTERP) {
			if (ei->interp || ph[i].filesz < 2 || ph[i].filesz > EXEC_MAX_INTERP ||
			    ph[i].offset > size || ph[i].filesz > size - ph[i].offset) {
				kprintf("monos: %s: bad PT_INTERP\n", path);
				goto out_free;
			}
			ei->interp = kmalloc(ph[i].filesz + 1);
			if (!ei->interp) {
				err = -ENOMEM;
				goto out_free;
			}
			n = vfs_pread(f, ei->interp, ph[i].filesz, ph[i].offset);
			if (n != (s64)ph[i].filesz) {
				kprintf("monos: %s: cannot read PT_INTERP\n", path);
				err = n < 0 ? (int)n : -EIO;
				goto out_free;
			}
			ei->interp[ph[i].filesz] = 0;
			if (ei->interp[0] != '/' || strlen(ei->interp) != ph[i].filesz - 1) {
				kprintf("monos: %s: bad PT_INTERP path\n", path);
				goto out_free;
			}
		}
		if (ph[i].type == PT_GNU_STACK && (ph[i].flags & PF_X))
			ei->stack_prot |= PROT_EXEC;
		if (ph[i].type != PT_LOAD || !ph[i].memsz)
			continue;
		if (ph[i].filesz > ph[i].memsz || ph[i].offset > size ||
		    ph[i].filesz > size - ph[i].offset ||
		    ((ph[i].vaddr - ph[i].offset) & (PAGE_SIZE - 1)) ||
		    ph[i].vaddr + ph[i].memsz < ph[i].vaddr) {
			kprintf("monos: %s: bad PT_LOAD segment %u\n", path, i);
			goto out_free;
		}
		ei->lo = MIN(ei->lo, ALIGN_DOWN(ph[i].vaddr, PAGE_SIZE));
		ei->hi = MAX(ei->hi, ALIGN_UP(ph[i].vaddr + ph[i].memsz, PAGE_SIZE));
	}
	if (ei->lo >= ei->hi) {
		kprintf("monos: %s: no loadable segments\n", path);
		goto out_free;
	}
	return 0;
out_free:
	elf_info_free(ei);
	return err;
}

/* map ei's segments at base (link address + base); *phdr gets the address
 * of the program headers in memory (0 if not loaded) */
static int elf_map(const char *path, struct file *f, const struct elf_info *ei, u64 base, u64 *phdr)
{
	const struct elf64_phdr *ph = ei->ph;
	int err;

	if (base + ei->lo < USER_MIN || base + ei->hi > USER_MAX - EXEC_STACK_SIZE ||
	    base + ei->hi < base + ei->lo || !uvm_range_free(base + ei->lo, base + ei->hi)) {
		kprintf("monos: %s: segments outside the free user address space\n", path);
		return -ENOEXEC;
	}
	*phdr = 0;
	for (unsigned i = 0; i < ei->eh.phnum; i++) {
		if (ph[i].type == PT_PHDR)
			*phdr = base + ph[i].vaddr;
		if (ph[i].type != PT_LOAD || !ph[i].memsz)
			continue;
		err = load_segment(f, &ph[i], base);
		if (err) {
			kprintf("monos: %s: loading segment %u: %s\n", path, i, errno_name(err));
			return err;
		}
		if (!*phdr && ei->eh.phoff >= ph[i].offset &&
		    ei->eh.phoff < ph[i].offset + ph[i].filesz)
			*phdr = base + ph[i].vaddr + (ei->eh.phoff - ph[i].offset);
	}
	return 0;
}

/* the interpreter (ld.so) at the top of the mmap area, like Linux */
static int load_interp(const char *prog, const char *interp, struct exec_image *img)
{
	struct elf_info ei;
	struct file *f;
	u64 at, phdr;
	int err;

	err = vfs_open(interp, 0, 0, &f);
	if (err) {
		kprintf("monos: %s: cannot open its interpreter %s: %s\n", prog, interp,
			errno_name(err));
		return err;
	}
	err = elf_read(interp, f, &ei);
	if (err)
		goto out_put;
	if (ei.eh.type != ET_DYN || ei.interp) {
		kprintf("monos: %s: interpreter %s is not a shared object\n", prog, interp);
		err = -ENOEXEC;
		goto out_free;
	}
	at = uvm_find_gap(ei.hi - ei.lo, 0);
	if (!at) {
		err = -ENOMEM;
		goto out_free;
	}
	err = elf_map(interp, f, &ei, at - ei.lo, &phdr);
	if (err)
		goto out_free;
	img->interp_base = at - ei.lo;
	img->entry = img->interp_base + ei.eh.entry;
out_free:
	elf_info_free(&ei);
out_put:
	file_put(f);
	return err;
}

static int load_program(const char *path, struct file *f, struct exec_image *img)
{
	struct elf_info ei;
	u64 base = 0;
	int err;

	err = elf_read(path, f, &ei);
	if (err)
		return err;
	if (ei.eh.type == ET_DYN)
		base = EXEC_PIE_BASE + exec_random_pages(EXEC_RND_BITS) - ei.lo;
	err = elf_map(path, f, &ei, base, &img->phdr);
	if (err)
		goto out_free;
	img->prog_entry = base + ei.eh.entry;
	img->entry = img->prog_entry;
	img->phnum = ei.eh.phnum;
	img->stack_prot = ei.stack_prot;
	img->brk = base + ei.hi + exec_random_pages(EXEC_RND_BITS);
	uvm_set_mmap_top(EXEC_MMAP_TOP - exec_random_pages(EXEC_RND_BITS));
	if (ei.interp)
		err = load_interp(path, ei.interp, img);
out_free:
	elf_info_free(&ei);
	return err;
}

/* string form of a manifest value (strings and integers) */
static const char *value_text(const struct value *v, char *tmp, size_t tmp_size)
{
	if (!v)
		return NULL;
	if (v->type == VALUE_STRING)
		return (const char *)v->str.bytes;
	if (v->type == VALUE_INTEGER) {
		fmt_snprintf(tmp, tmp_size, "%ld", (long)v->integer);
		return tmp;
	}
	return NULL;
}

struct stack_builder {
	u64 sp; /* grows down */
	int err;
};

static u64 push_bytes(struct stack_builder *sb, const void *p, u64 len)
{
	sb->sp -= len;
	if (!sb->err && copy_to_user(sb->sp, p, len))
		sb->err = -EFAULT;
	return sb->sp;
}

static int build_stack(struct thread *t, const char *path, struct value *config,
		       const struct exec_image *img)
{
	struct value *args = config ? tuple_get_cstr(config, "arguments") : NULL;
	struct value *env = config ? tuple_get_cstr(config, "environment") : NULL;
	struct stack_builder sb = {img->stack_top, 0};
	u32 argc = 0, envc = 0;
	u64 *argv_ptrs, *env_ptrs, random_at, platform_at, execfn_at;
	u8 rnd[16];
	char tmp[32];
	int err = 0;

	if (args && args->type != VALUE_VECTOR) {
		kprintf("monos: manifest: arguments must be a vector [...]\n");
		return -EINVAL;
	}
	if (env && env->type != VALUE_TUPLE) {
		kprintf("monos: manifest: environment must be a tuple (NAME:value ...)\n");
		return -EINVAL;
	}
	u32 nargs = args ? vector_count(args) : 0;
	u32 nenv = env ? tuple_count(env) : 0;
	if (nargs > EXEC_MAX_ARGS || nenv > EXEC_MAX_ARGS) {
		kprintf("monos: manifest: too many arguments or environment entries\n");
		return -E2BIG;
	}
	argv_ptrs = kmalloc((nargs + 1) * sizeof(u64));
	env_ptrs = kmalloc((nenv + 1) * sizeof(u64));
	if (!argv_ptrs || !env_ptrs) {
		err = -ENOMEM;
		goto out_free;
	}
	err = uvm_map_fixed(img->stack_top - EXEC_STACK_SIZE, img->stack_top, img->stack_prot,
			    VMA_ANON | VMA_STACK);
	if (err)
		goto out_free;
	/* and a random 16-byte slot within the top page */
	sb.sp -= exec_random_pages(8) / PAGE_SIZE * 16;

	random_bytes(rnd, sizeof(rnd));
	random_at = push_bytes(&sb, rnd, 16);
	platform_at = push_bytes(&sb, "x86_64", 7);
	execfn_at = push_bytes(&sb, path, strlen(path) + 1);
	exec_layout.env_end = sb.sp;
	for (u32 i = 0; i < nenv; i++) {
		const struct tuple_entry *e = tuple_at(env, i);
		const char *val = value_text(e->val, tmp, sizeof(tmp));

		if (!val) {
			kprintf("monos: manifest: environment %s must be a string\n", e->key->name);
			err = -EINVAL;
			goto out_free;
		}
		push_bytes(&sb, val, strlen(val) + 1);
		push_bytes(&sb, "=", 1);
		env_ptrs[envc++] = push_bytes(&sb, e->key->name, e->key->len);
		/* key then '=' then value: contiguous, pushed in reverse */
	}
	exec_layout.env_start = exec_layout.arg_end = sb.sp;
	if (!nargs) {
		argv_ptrs[argc++] = push_bytes(&sb, path, strlen(path) + 1);
	} else {
		for (u32 i = nargs; i-- > 0;) {
			const char *a = value_text(vector_at(args, i), tmp, sizeof(tmp));

			if (!a) {
				kprintf("monos: manifest: argument %u must be a string\n", i);
				err = -EINVAL;
				goto out_free;
			}
			argv_ptrs[i] = push_bytes(&sb, a, strlen(a) + 1);
			argc++;
		}
	}

	u64 auxv[][2] = {
	    {img->vdso ? AT_SYSINFO_EHDR : AT_IGNORE, img->vdso},
	    {AT_PHDR, img->phdr},
	    {AT_PHENT, sizeof(struct elf64_phdr)},
	    {AT_PHNUM, img->phnum},
	    {AT_PAGESZ, PAGE_SIZE},
	    {AT_BASE, img->interp_base},
	    {AT_FLAGS, 0},
	    {AT_ENTRY, img->prog_entry},
	    {AT_UID, 0},
	    {AT_EUID, 0},
	    {AT_GID, 0},
	    {AT_EGID, 0},
	    {AT_SECURE, 0},
	    {AT_RANDOM, random_at},
	    {AT_HWCAP, arch_hwcap()},
	    {AT_HWCAP2, arch_hwcap2()},
	    {AT_CLKTCK, 100},
	    {AT_PLATFORM, platform_at},
	    {AT_EXECFN, execfn_at},
	    {AT_MINSIGSTKSZ, ALIGN_UP(arch_xsave_size() + 1024, 64)},
	    {AT_NULL, 0},
	};
	u64 words = 1 + argc + 1 + envc + 1 + 2 * ARRAY_SIZE(auxv);
	u64 zero = 0, argc64 = argc;

	exec_layout.arg_start = sb.sp;
	sb.sp = ALIGN_DOWN(sb.sp - words * 8, 16) + words * 8;
	exec_layout.auxv = push_bytes(&sb, auxv, sizeof(auxv));
	exec_layout.auxv_len = sizeof(auxv);
	push_bytes(&sb, &zero, 8);
	exec_layout.envp = sb.sp - 8 * envc;
	exec_layout.envc = envc;
	for (u32 i = envc; i-- > 0;)
		push_bytes(&sb, &env_ptrs[i], 8);
	push_bytes(&sb, &zero, 8);
	for (u32 i = argc; i-- > 0;)
		push_bytes(&sb, &argv_ptrs[i], 8);
	push_bytes(&sb, &argc64, 8);
	if (sb.err) {
		kprintf("monos: cannot build the initial stack\n");
		err = sb.err;
		goto out_free;
	}
	t->regs->rsp = sb.sp;
	t->regs->rip = img->entry;
	exec_layout.stack_start = sb.sp;
	exec_layout.start_ns = clock_now_ns();
	{ /* the thread's name (comm): the program's base name, 15 bytes */
		const char *base = path;

		for (const char *p = path; *p; p++)
			if (*p == '/')
				base = p + 1;
		memset(t->name, 0, sizeof(t->name));
		memcpy(t->name, base, MIN(strlen(base), sizeof(t->name) - 1));
	}
out_free:
	kfree(argv_ptrs);
	kfree(env_ptrs);
	return err;
}

int exec_program(struct thread *t, struct value *config)
{
	struct value *pv = config ? tuple_get_cstr(config, "program") : NULL;
	struct exec_image img = {0};
	struct file *f;
	const char *path;
	int err;

	if (!pv || pv->type != VALUE_STRING || !pv->str.len) {
		kprintf("monos: the manifest names no program (program:/path)\n");
		return -EINVAL;
	}
	path = (const char *)pv->str.bytes;
	err = vfs_open(path, 0, 0, &f);
	if (err) {
		kprintf("monos: cannot open program %s: %s\n", path, errno_name(err));
		return err;
	}
	exec_protection = config_flag("exec_protection");
	img.stack_top = USER_MAX - exec_random_pages(EXEC_STACK_RND_BITS);
	err = load_program(path, f, &img);
	file_put(f);
	if (err)
		return err;
	/* the vDSO below the interpreter (novdso:t: none, time calls are syscalls) */
	if (!config_flag("novdso") && (err = vdso_map(&img.vdso)))
		kprintf("monos: no vDSO (%s): time calls use syscalls\n", errno_name(err));
	uvm_brk_init(img.brk);
	err = build_stack(t, path, config, &img);
	if (err)
		return err;
	trace_configure(config);
	exec_missing_configure();
	klog("exec: %s entry %#lx, interpreter %#lx, brk %#lx, stack %#lx", path,
	     (unsigned long)img.entry, (unsigned long)img.interp_base, (unsigned long)img.brk,
	     (unsigned long)t->regs->rsp);
	return 0;
}
