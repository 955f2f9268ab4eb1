/*
 * deps.c - what a dynamically linked program needs in its image, found the
 * way ld.so finds it, without running anything (no ldd): the interpreter
 * (PT_INTERP) and every DT_NEEDED library, recursively, searched in the
 * object's DT_RPATH (when it has no DT_RUNPATH, with the executable's
 * DT_RPATH too), DT_RUNPATH, then the default directories of Debian's glibc
 * loader (multiarch first). $ORIGIN is expanded for both the host side
 * (where the file is read) and the guest side (where it goes: the program
 * sits at /NAME, so its $ORIGIN is "/"). Each file is added at the path the
 * guest's ld.so will open, symlinks followed (the image holds the file).
 * Also the /etc stubs (passwd, group, hosts, nsswitch.conf; resolv.conf the
 * kernel serves from the DHCP answer when the image has none)
 * unless given, the host's /etc/localtime (the zone file it links to),
 * and the CA bundle with --ssl.
 *
 * Layer: host tool (tools/monos). Called by main.c after elf_check_program.
 * Uses its own reading of ELF headers and the dynamic section.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "monos.h"

#define DEPS_MAX 512

static const char *const default_dirs[] = {
    "/lib/x86_64-linux-gnu",
    "/usr/lib/x86_64-linux-gnu",
    "/lib64",
    "/usr/lib64",
    "/lib",
    "/usr/lib",
};

/* one loaded object: where it is on the host and in the guest */
struct dep_obj {
	char *host, *guest;
	char *rpath, *runpath; /* raw strings, may hold $ORIGIN */
	char **needed;
	size_t nneeded;
	char *interp;
};

struct elf_dyn_info {
	char *interp, *rpath, *runpath;
	char **needed;
	size_t nneeded;
	bool is_x86_64;
};

static int pread_all(int fd, void *buf, size_t len, off_t off)
{
	return pread(fd, buf, len, off) == (ssize_t)len ? 0 : -1;
}

static void dyn_free(struct elf_dyn_info *d)
{
	free(d->interp);
	free(d->rpath);
	free(d->runpath);
	for (size_t i = 0; i < d->nneeded; i++)
		free(d->needed[i]);
	free(d->needed);
	memset(d, 0, sizeof(*d));
}

/* file offset of virtual address va (through the PT_LOADs), -1 if none */
static off_t va_to_off(const Elf64_Phdr *ph, size_t n, u64 va)
{
	for (size_t i = 0; i < n; i++)
		if (ph[i].p_type == PT_LOAD && va >= ph[i].p_vaddr &&
		    va < ph[i].p_vaddr + ph[i].p_filesz)
			return (off_t)(ph[i].p_offset + (va - ph[i].p_vaddr));
	return -1;
}

static char *read_str(int fd, off_t strtab, u64 strsz, u64 idx, off_t fsize)
{
	char buf[PATH_MAX];
	ssize_t n;

	if (idx >= strsz || strtab + (off_t)idx >= fsize)
		return NULL;
	n = pread(fd, buf, sizeof(buf) - 1, strtab + (off_t)idx);
	if (n <= 0)
		return NULL;
	buf[n] = 0;
	if (strlen(buf) >= (size_t)n && n == (ssize_t)sizeof(buf) - 1)
		return NULL; /* longer than PATH_MAX */
	return strdup(buf);
}

/* read PT_INTERP and the dynamic section's NEEDED/RPATH/RUNPATH of path;
 * 0, or -1 with a message (when loud) */
static int elf_dyn_read(const char *path, struct elf_dyn_info *d, bool loud)
{
	Elf64_Ehdr eh;
	Elf64_Phdr *ph = NULL;
	Elf64_Dyn *dyn = NULL;
	struct stat st;
	size_t ndyn = 0;
	u64 strtab_va = 0, strsz = 0;
	int fd, ret = -1;

	memset(d, 0, sizeof(*d));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		if (loud)
			monos_error("%s: %s", path, strerror(errno));
		goto out;
	}
	if (pread_all(fd, &eh, sizeof(eh), 0) < 0 || memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB ||
	    eh.e_machine != EM_X86_64 || eh.e_phentsize != sizeof(Elf64_Phdr) || !eh.e_phnum ||
	    eh.e_phoff + (u64)eh.e_phnum * sizeof(Elf64_Phdr) > (u64)st.st_size) {
		if (loud)
			monos_error("%s: not an x86-64 ELF64 object", path);
		goto out;
	}
	d->is_x86_64 = true;
	ph = calloc(eh.e_phnum, sizeof(*ph));
	if (!ph || pread_all(fd, ph, eh.e_phnum * sizeof(*ph), (off_t)eh.e_phoff) < 0)
		goto out_bad;
	for (size_t i = 0; i < eh.e_phnum; i++) {
		if (ph[i].p_type == PT_INTERP) {
			if (!ph[i].p_filesz || ph[i].p_filesz >= PATH_MAX ||
			    ph[i].p_offset + ph[i].p_filesz > (u64)st.st_size)
				goto out_bad;
			d->interp = calloc(1, ph[i].p_filesz + 1);
			if (!d->interp ||
			    pread_all(fd, d->interp, ph[i].p_filesz, (off_t)ph[i].p_offset) < 0)
				goto out_bad;
		}
		if (ph[i].p_type == PT_DYNAMIC) {
			if (ph[i].p_offset + ph[i].p_filesz > (u64)st.st_size ||
			    ph[i].p_filesz > (1u << 20))
				goto out_bad;
			ndyn = ph[i].p_filesz / sizeof(Elf64_Dyn);
			free(dyn);
			dyn = calloc(ndyn + 1, sizeof(*dyn));
			if (!dyn ||
			    pread_all(fd, dyn, ndyn * sizeof(*dyn), (off_t)ph[i].p_offset) < 0)
				goto out_bad;
		}
	}
	for (size_t i = 0; i < ndyn && dyn[i].d_tag != DT_NULL; i++) {
		if (dyn[i].d_tag == DT_STRTAB)
			strtab_va = dyn[i].d_un.d_ptr;
		if (dyn[i].d_tag == DT_STRSZ)
			strsz = dyn[i].d_un.d_val;
	}
	if (ndyn) {
		off_t strtab = va_to_off(ph, eh.e_phnum, strtab_va);

		if (strtab < 0)
			goto out_bad;
		for (size_t i = 0; i < ndyn && dyn[i].d_tag != DT_NULL; i++) {
			char *s;

			if (dyn[i].d_tag != DT_NEEDED && dyn[i].d_tag != DT_RPATH &&
			    dyn[i].d_tag != DT_RUNPATH)
				continue;
			s = read_str(fd, strtab, strsz, dyn[i].d_un.d_val, st.st_size);
			if (!s)
				goto out_bad;
			if (dyn[i].d_tag == DT_NEEDED) {
				char **nn = realloc(d->needed, (d->nneeded + 1) * sizeof(*nn));

				if (!nn) {
					free(s);
					goto out_bad;
				}
				d->needed = nn;
				d->needed[d->nneeded++] = s;
			} else if (dyn[i].d_tag == DT_RPATH) {
				free(d->rpath);
				d->rpath = s;
			} else {
				free(d->runpath);
				d->runpath = s;
			}
		}
	}
	ret = 0;
	goto out;
out_bad:
	if (loud)
		monos_error("%s: corrupt ELF dynamic information", path);
	dyn_free(d);
	d->is_x86_64 = false;
out:
	if (fd >= 0)
		close(fd);
	free(ph);
	free(dyn);
	return ret;
}

/* replace $ORIGIN / ${ORIGIN} in s by origin */
static void expand_origin(const char *s, size_t n, const char *origin, char *out, size_t out_len)
{
	size_t o = 0;

	for (size_t i = 0; i < n && o + 1 < out_len;) {
		size_t skip = !strncmp(s + i, "$ORIGIN", 7)	? 7
			      : !strncmp(s + i, "${ORIGIN}", 9) ? 9
								: 0;
		if (skip && i + skip <= n) {
			size_t l = strlen(origin);

			if (o + l >= out_len)
				break;
			memcpy(out + o, origin, l);
			o += l;
			i += skip;
		} else {
			out[o++] = s[i++];
		}
	}
	out[o] = 0;
	/* "//x" from origin "/" + "/x" */
	while (out[0] == '/' && out[1] == '/')
		memmove(out, out + 1, strlen(out));
}

/* is host path an x86-64 ELF64 we can use? */
static bool usable_lib(const char *host)
{
	struct elf_dyn_info d;
	struct stat st;
	bool ok;

	if (stat(host, &st) < 0 || !S_ISREG(st.st_mode))
		return false;
	ok = elf_dyn_read(host, &d, false) == 0 && d.is_x86_64;
	dyn_free(&d);
	return ok;
}

/* collapse "." and ".." components of an absolute path in place (as the
 * guest's lookup does: ".." of "/" is "/") */
static void normalize_path(char *path)
{
	char out[PATH_MAX];
	size_t o = 0;

	for (const char *p = path; *p;) {
		size_t n;

		p += strspn(p, "/");
		n = strcspn(p, "/");
		if (!n)
			break;
		if (n == 1 && p[0] == '.') {
			/* nothing */
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--;
		} else if (o + 1 + n < sizeof(out)) {
			out[o++] = '/';
			memcpy(out + o, p, n);
			o += n;
		}
		p += n;
	}
	if (!o)
		out[o++] = '/';
	out[o] = 0;
	strcpy(path, out);
}

/* the directory of path ("/" for "/x") */
static void origin_of(const char *path, char *out, size_t out_len)
{
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) : 0;

	if (!slash) {
		snprintf(out, out_len, ".");
		return;
	}
	if (n == 0)
		n = 1;
	if (n >= out_len)
		n = out_len - 1;
	memcpy(out, path, n);
	out[n] = 0;
}

/* try each ':'-separated dir of list for name; fills host/guest paths */
static bool search_list(const char *list, const struct dep_obj *o, const char *name, char *host,
			char *guest)
{
	char hdir[PATH_MAX], gdir[PATH_MAX], horigin[PATH_MAX], gorigin[PATH_MAX];

	if (!list)
		return false;
	origin_of(o->host, horigin, sizeof(horigin));
	origin_of(o->guest, gorigin, sizeof(gorigin));
	for (const char *p = list; *p;) {
		size_t n = strcspn(p, ":");

		if (n) {
			expand_origin(p, n, horigin, hdir, sizeof(hdir));
			expand_origin(p, n, gorigin, gdir, sizeof(gdir));
			if (snprintf(host, PATH_MAX, "%s/%s", hdir, name) >= PATH_MAX ||
			    snprintf(guest, PATH_MAX, "%s/%s", gdir, name) >= PATH_MAX)
				host[0] = guest[0] = 0;
			if (guest[0] == '/')
				normalize_path(guest);
			if (gdir[0] == '/' && host[0] && usable_lib(host))
				return true;
		}
		p += n;
		if (*p == ':')
			p++;
	}
	return false;
}

static bool find_lib(const struct dep_obj *o, const struct dep_obj *exe, const char *name,
		     char *host, char *guest)
{
	if (strchr(name, '/')) {
		snprintf(host, PATH_MAX, "%s", name);
		snprintf(guest, PATH_MAX, "%s", name);
		return name[0] == '/' && usable_lib(host);
	}
	if (!o->runpath) {
		if (search_list(o->rpath, o, name, host, guest))
			return true;
		if (o != exe && !exe->runpath && search_list(exe->rpath, exe, name, host, guest))
			return true;
	}
	if (search_list(o->runpath, o, name, host, guest))
		return true;
	for (size_t i = 0; i < sizeof(default_dirs) / sizeof(default_dirs[0]); i++) {
		snprintf(host, PATH_MAX, "%s/%s", default_dirs[i], name);
		snprintf(guest, PATH_MAX, "%s", host);
		if (usable_lib(host))
			return true;
	}
	return false;
}

/* musl's loader is also libc, libm, libpthread...: those names are it */
static bool musl_builtin(const char *interp, const char *name)
{
	static const char *const names[] = { "c", "pthread", "rt", "m", "dl", "util", "xnet" };
	const char *b = strrchr(interp, '/');

	if (strncmp(b ? b + 1 : interp, "ld-musl-", 8) || strncmp(name, "lib", 3))
		return false;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		size_t n = strlen(names[i]);

		if (!strncmp(name + 3, names[i], n) && !strncmp(name + 3 + n, ".so", 3) &&
		    (name[6 + n] == 0 || name[6 + n] == '.'))
			return true;
	}
	return false;
}

/* write a small stub file into the cache (once) and return its path */
static char *stub_file(const char *name, const char *text)
{
	char *dir = monos_cache_dir(), *path = NULL, *tmp = NULL;
	struct stat st;
	int fd;

	if (!dir)
		return NULL;
	if (asprintf(&path, "%s/stub-%s", dir, name) < 0) {
		free(dir);
		return NULL;
	}
	free(dir);
	if (stat(path, &st) == 0 && st.st_size == (off_t)strlen(text))
		return path;
	if (asprintf(&tmp, "%s.%d", path, (int)getpid()) < 0)
		goto out_fail;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		goto out_fail;
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text) || close(fd) < 0 ||
	    rename(tmp, path) < 0) {
		unlink(tmp);
		goto out_fail;
	}
	free(tmp);
	return path;
out_fail:
	monos_error("cannot write the stub %s: %s", path, strerror(errno));
	free(tmp);
	free(path);
	return NULL;
}

static const struct {
	const char *guest, *name, *text;
} stubs[] = {
    {"/etc/passwd", "passwd", "root:x:0:0:root:/:/bin/sh\n"},
    {"/etc/group", "group", "root:x:0:\n"},
    {"/etc/hosts", "hosts", "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost\n"},
    {"/etc/nsswitch.conf", "nsswitch.conf", "passwd: files\ngroup: files\nhosts: files dns\n"},
};

static int add_file_noted(struct tree *t, const char *host, const char *guest)
{
	if (tree_has(t, guest))
		return 0;
	if (tree_add_file(t, host, guest) < 0)
		return -1;
	monos_note("added %s (from %s)", guest, host);
	return 0;
}

int deps_add(struct tree *t, const char *prog_host, const char *prog_guest, bool ssl)
{
	struct dep_obj *objs = calloc(DEPS_MAX, sizeof(*objs));
	struct elf_dyn_info d;
	size_t nobj = 0;
	int ret = -1;

	if (!objs)
		return -1;
	if (elf_dyn_read(prog_host, &d, true) < 0)
		goto out;
	if (!d.interp) { /* static: nothing to add */
		dyn_free(&d);
		ret = 0;
		goto out;
	}
	objs[0].host = strdup(prog_host);
	objs[0].guest = strdup(prog_guest);
	objs[0].rpath = d.rpath;
	objs[0].runpath = d.runpath;
	objs[0].needed = d.needed;
	objs[0].nneeded = d.nneeded;
	objs[0].interp = d.interp;
	nobj = 1;
	if (d.interp[0] != '/' || !usable_lib(d.interp)) {
		monos_error("%s: its interpreter %s is missing on this host", prog_host, d.interp);
		goto out;
	}
	if (add_file_noted(t, d.interp, d.interp) < 0)
		goto out;
	tree_mark_exec(t, d.interp);
	for (size_t k = 0; k < nobj; k++) {
		for (size_t i = 0; i < objs[k].nneeded; i++) {
			char host[PATH_MAX], guest[PATH_MAX];
			const char *name = objs[k].needed[i];
			bool seen = false;
			char ibase[PATH_MAX];

			/* ld.so is loaded already: it answers to its own name */
			snprintf(ibase, sizeof(ibase), "%s", objs[0].interp);
			if (!strcmp(name, basename(ibase)) || musl_builtin(objs[0].interp, name))
				continue;

			if (!find_lib(&objs[k], &objs[0], name, host, guest)) {
				monos_error("%s: library %s (needed by %s) not found", prog_host,
					    name, objs[k].host);
				goto out;
			}
			for (size_t j = 0; j < nobj && !seen; j++)
				seen = !strcmp(objs[j].guest, guest);
			if (seen)
				continue;
			if (nobj == DEPS_MAX) {
				monos_error("%s: more than %d libraries", prog_host, DEPS_MAX);
				goto out;
			}
			if (add_file_noted(t, host, guest) < 0 || elf_dyn_read(host, &d, true) < 0)
				goto out;
			tree_mark_exec(t, guest); /* libraries may be mapped executable */
			objs[nobj].host = strdup(host);
			objs[nobj].guest = strdup(guest);
			objs[nobj].rpath = d.rpath;
			objs[nobj].runpath = d.runpath;
			objs[nobj].needed = d.needed;
			objs[nobj].nneeded = d.nneeded;
			objs[nobj].interp = d.interp;
			nobj++;
		}
	}
	for (size_t i = 0; i < sizeof(stubs) / sizeof(stubs[0]); i++) {
		char *p;

		if (tree_has(t, stubs[i].guest))
			continue;
		p = stub_file(stubs[i].name, stubs[i].text);
		if (!p || add_file_noted(t, p, stubs[i].guest) < 0) {
			free(p);
			goto out;
		}
		free(p);
	}
	/* the host's time zone: the file behind the /etc/localtime link
	 * (glibc's localtime reads /etc/localtime when TZ is unset); none on
	 * the host: the program's time zone is UTC, as glibc's default */
	if (!tree_has(t, "/etc/localtime")) {
		char *tz = realpath("/etc/localtime", NULL);

		if (tz && add_file_noted(t, tz, "/etc/localtime") < 0) {
			free(tz);
			goto out;
		}
		free(tz);
	}
	if (ssl) {
		const char *ca = "/etc/ssl/certs/ca-certificates.crt";

		if (access(ca, R_OK) < 0) {
			monos_error("--ssl: %s: %s", ca, strerror(errno));
			goto out;
		}
		if (add_file_noted(t, ca, ca) < 0)
			goto out;
	}
	ret = 0;
out:
	for (size_t k = 0; k < nobj; k++) {
		struct elf_dyn_info tmp = {objs[k].interp, objs[k].rpath,   objs[k].runpath,
					   objs[k].needed, objs[k].nneeded, true};

		dyn_free(&tmp);
		free(objs[k].host);
		free(objs[k].guest);
	}
	free(objs);
	return ret;
}
