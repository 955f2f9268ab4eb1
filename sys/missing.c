/*
 * missing.c - the missing_files:t setting (sys/ layer): every path the
 * program tried to open, stat, access, readlink or exec and that did not
 * exist (-ENOENT) is printed once ("monos: missing file: PATH"), so a user
 * can add what a program looks for at run time (dlopen'ed modules, data
 * files) with -f/--dir. Relative paths are printed as given. Called by
 * syscall_dispatch after a handler returns -ENOENT; configured by exec.
 */
#include "kernel/kernel.h"
#include "sys/exec.h"
#include "sys/syscall_nr.h"
#include "arch/x86_64/x86.h"

#define MISSING_MAX 4096 /* distinct paths remembered; later ones print again */
#define MISSING_PATH_MAX 4096

bool exec_missing_on;
static u64 seen_hash[MISSING_MAX];
static u32 seen_count;

void exec_missing_configure(void)
{
	exec_missing_on = config_flag("missing_files");
}

/* which argument holds the path, -1 if the call has none */
static int path_arg(u64 nr)
{
	switch (nr) {
	case __NR_open:
	case __NR_stat:
	case __NR_lstat:
	case __NR_access:
	case __NR_readlink:
	case __NR_execve:
		return 0;
	case __NR_openat:
	case __NR_openat2:
	case __NR_newfstatat:
	case __NR_statx:
	case __NR_faccessat:
	case __NR_faccessat2:
	case __NR_readlinkat:
	case __NR_execveat:
		return 1;
	default:
		return -1;
	}
}

static u64 fnv1a(const char *s)
{
	u64 h = 0xcbf29ce484222325ULL;

	while (*s)
		h = (h ^ (u8)*s++) * 0x100000001b3ULL;
	return h;
}

void exec_missing_note(u64 nr, const struct user_regs *r)
{
	int arg = path_arg(nr);
	char *path;
	u64 h;

	if (arg < 0)
		return;
	path = kmalloc(MISSING_PATH_MAX);
	if (!path)
		return;
	if (strncpy_from_user(path, arg ? r->rsi : r->rdi, MISSING_PATH_MAX) <= 0)
		goto out_free;
	h = fnv1a(path);
	for (u32 i = 0; i < seen_count; i++)
		if (seen_hash[i] == h)
			goto out_free;
	if (seen_count < MISSING_MAX)
		seen_hash[seen_count++] = h;
	kprintf("monos: missing file: %s\n", path);
out_free:
	kfree(path);
}
