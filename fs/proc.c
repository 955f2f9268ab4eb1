/*
 * fs/proc.c - the synthetic /proc and /sys files beyond /proc/self/{exe,cwd,
 * fd} (those stay in fs/node.c): /proc/self/{maps,stat,status,statm,comm,
 * cmdline,environ,auxv,mounts,mountinfo,task/<tid>/{comm,stat,status}},
 * /proc/{meminfo,cpuinfo,stat,uptime,loadavg,version,mounts},
 * /proc/sys/kernel/{random/uuid,random/boot_id,pid_max,osrelease,ostype,
 * hostname}, /proc/sys/vm/{overcommit_memory,max_map_count},
 * /sys/devices/system/cpu/{online,possible,present} and
 * /sys/kernel/mm/transparent_hugepage/{enabled,hpage_pmd_size}.
 * Nodes are VN_PROC_NODE vnodes (arg = index in proc_table | tid << 8);
 * a file's contents are rendered into a kernel buffer when it is opened
 * (so a reader sees one consistent snapshot, like Linux's seq_file on a
 * single read), reads and seeks then work on that buffer. Formats follow
 * proc(5) and Linux's fs/proc sources' output byte for byte where programs
 * parse them (maps columns, status tabs, meminfo widths).
 * Layer: fs. Callers: fs/node.c (types, modes, entries, parents, links),
 * fs/vfs.c (open), sys/exec.c and sys/sys_mm.c (proc_name_mapping).
 */
#include "fs/vfs.h"
#include "kernel/thread.h"
#include "kernel/sched.h"
#include "kernel/mm/mm.h"
#include "lib/format.h"
#include "lib/value.h"
#include "sys/exec.h"
#include "sys/syscalls.h"
#include "arch.h"

#include <stdarg.h>

#define PROC_DEV_ROOTFS_MAJOR 8
#define PROC_DEV_ROOTFS_MINOR 1
#define PROC_USER_HZ 100
#define PROC_ARGS_MAX (128 * 1024) /* cmdline/environ rendered at most */

/* ---- the node table ---- */

enum proc_node_id {
	PN_NONE,
	/* /proc */
	PN_MEMINFO,
	PN_CPUINFO,
	PN_PSTAT,
	PN_UPTIME,
	PN_LOADAVG,
	PN_VERSION,
	PN_PMOUNTS,
	PN_SYS,
	PN_SYS_KERNEL,
	PN_SYS_RANDOM,
	PN_UUID,
	PN_BOOT_ID,
	PN_PID_MAX,
	PN_OSRELEASE,
	PN_OSTYPE,
	PN_HOSTNAME,
	PN_SYS_VM,
	PN_OVERCOMMIT,
	PN_MAX_MAP_COUNT,
	/* /proc/self */
	PN_MAPS,
	PN_STAT,
	PN_STATUS,
	PN_STATM,
	PN_COMM,
	PN_CMDLINE,
	PN_ENVIRON,
	PN_AUXV,
	PN_MOUNTS,
	PN_MOUNTINFO,
	PN_TASK,
	/* /proc/self/task/<tid> (the tid is in the vnode) */
	PN_TID,
	PN_TID_COMM,
	PN_TID_STAT,
	PN_TID_STATUS,
	/* /sys */
	PN_SYSFS,
	PN_DEVICES,
	PN_SYSTEM,
	PN_CPU,
	PN_ONLINE,
	PN_POSSIBLE,
	PN_PRESENT,
	PN_SYSK,
	PN_SYSK_MM,
	PN_THP,
	PN_THP_ENABLED,
	PN_THP_PMD,
	PN_COUNT
};

/* parents outside the table */
#define PP_PROC 0xfd /* VN_PROC_DIR */
#define PP_SELF 0xfe /* VN_PROC_SELF */
#define PP_ROOT 0xff /* the rootfs root */

enum proc_type { PT_DIR, PT_FILE, PT_LINK };

struct proc_buf {
	char *p;
	u64 len, cap;
	bool nomem;
};

struct proc_ent {
	const char *name;
	u8 parent;
	u8 type;
	u16 perm;
	/* files: the contents for thread tid (0: the process) */
	void (*render)(struct proc_buf *b, int tid);
	const char *link; /* PT_LINK */
};

static void render_maps(struct proc_buf *b, int tid);
static void render_stat(struct proc_buf *b, int tid);
static void render_status(struct proc_buf *b, int tid);
static void render_statm(struct proc_buf *b, int tid);
static void render_comm(struct proc_buf *b, int tid);
static void render_cmdline(struct proc_buf *b, int tid);
static void render_environ(struct proc_buf *b, int tid);
static void render_auxv(struct proc_buf *b, int tid);
static void render_mounts(struct proc_buf *b, int tid);
static void render_mountinfo(struct proc_buf *b, int tid);
static void render_meminfo(struct proc_buf *b, int tid);
static void render_cpuinfo(struct proc_buf *b, int tid);
static void render_pstat(struct proc_buf *b, int tid);
static void render_uptime(struct proc_buf *b, int tid);
static void render_loadavg(struct proc_buf *b, int tid);
static void render_version(struct proc_buf *b, int tid);
static void render_uuid(struct proc_buf *b, int tid);
static void render_boot_id(struct proc_buf *b, int tid);
static void render_text(struct proc_buf *b, int tid);
static void render_cpus(struct proc_buf *b, int tid);

static const struct proc_ent proc_table[PN_COUNT] = {
    [PN_MEMINFO] = {"meminfo", PP_PROC, PT_FILE, 0444, render_meminfo, NULL},
    [PN_CPUINFO] = {"cpuinfo", PP_PROC, PT_FILE, 0444, render_cpuinfo, NULL},
    [PN_PSTAT] = {"stat", PP_PROC, PT_FILE, 0444, render_pstat, NULL},
    [PN_UPTIME] = {"uptime", PP_PROC, PT_FILE, 0444, render_uptime, NULL},
    [PN_LOADAVG] = {"loadavg", PP_PROC, PT_FILE, 0444, render_loadavg, NULL},
    [PN_VERSION] = {"version", PP_PROC, PT_FILE, 0444, render_version, NULL},
    [PN_PMOUNTS] = {"mounts", PP_PROC, PT_LINK, 0777, NULL, "self/mounts"},
    [PN_SYS] = {"sys", PP_PROC, PT_DIR, 0555, NULL, NULL},
    [PN_SYS_KERNEL] = {"kernel", PN_SYS, PT_DIR, 0555, NULL, NULL},
    [PN_SYS_RANDOM] = {"random", PN_SYS_KERNEL, PT_DIR, 0555, NULL, NULL},
    [PN_UUID] = {"uuid", PN_SYS_RANDOM, PT_FILE, 0444, render_uuid, NULL},
    [PN_BOOT_ID] = {"boot_id", PN_SYS_RANDOM, PT_FILE, 0444, render_boot_id, NULL},
    [PN_PID_MAX] = {"pid_max", PN_SYS_KERNEL, PT_FILE, 0444, render_text, "4194304\n"},
    [PN_OSRELEASE] = {"osrelease", PN_SYS_KERNEL, PT_FILE, 0444, render_text, "6.1.0-monos\n"},
    [PN_OSTYPE] = {"ostype", PN_SYS_KERNEL, PT_FILE, 0444, render_text, "Linux\n"},
    [PN_HOSTNAME] = {"hostname", PN_SYS_KERNEL, PT_FILE, 0444, render_text, "monos\n"},
    [PN_SYS_VM] = {"vm", PN_SYS, PT_DIR, 0555, NULL, NULL},
    /* 0: heuristic overcommit, what brk/mmap do (one growth <= RAM) */
    [PN_OVERCOMMIT] = {"overcommit_memory", PN_SYS_VM, PT_FILE, 0444, render_text, "0\n"},
    [PN_MAX_MAP_COUNT] = {"max_map_count", PN_SYS_VM, PT_FILE, 0444, render_text, "65530\n"},
    [PN_MAPS] = {"maps", PP_SELF, PT_FILE, 0444, render_maps, NULL},
    [PN_STAT] = {"stat", PP_SELF, PT_FILE, 0444, render_stat, NULL},
    [PN_STATUS] = {"status", PP_SELF, PT_FILE, 0444, render_status, NULL},
    [PN_STATM] = {"statm", PP_SELF, PT_FILE, 0444, render_statm, NULL},
    [PN_COMM] = {"comm", PP_SELF, PT_FILE, 0644, render_comm, NULL},
    [PN_CMDLINE] = {"cmdline", PP_SELF, PT_FILE, 0444, render_cmdline, NULL},
    [PN_ENVIRON] = {"environ", PP_SELF, PT_FILE, 0400, render_environ, NULL},
    [PN_AUXV] = {"auxv", PP_SELF, PT_FILE, 0400, render_auxv, NULL},
    [PN_MOUNTS] = {"mounts", PP_SELF, PT_FILE, 0444, render_mounts, NULL},
    [PN_MOUNTINFO] = {"mountinfo", PP_SELF, PT_FILE, 0444, render_mountinfo, NULL},
    [PN_TASK] = {"task", PP_SELF, PT_DIR, 0555, NULL, NULL},
    [PN_TID] = {NULL, PN_TASK, PT_DIR, 0555, NULL, NULL},
    [PN_TID_COMM] = {"comm", PN_TID, PT_FILE, 0644, render_comm, NULL},
    [PN_TID_STAT] = {"stat", PN_TID, PT_FILE, 0444, render_stat, NULL},
    [PN_TID_STATUS] = {"status", PN_TID, PT_FILE, 0444, render_status, NULL},
    [PN_SYSFS] = {"sys", PP_ROOT, PT_DIR, 0555, NULL, NULL},
    [PN_DEVICES] = {"devices", PN_SYSFS, PT_DIR, 0555, NULL, NULL},
    [PN_SYSTEM] = {"system", PN_DEVICES, PT_DIR, 0555, NULL, NULL},
    [PN_CPU] = {"cpu", PN_SYSTEM, PT_DIR, 0555, NULL, NULL},
    [PN_ONLINE] = {"online", PN_CPU, PT_FILE, 0444, render_cpus, NULL},
    [PN_POSSIBLE] = {"possible", PN_CPU, PT_FILE, 0444, render_cpus, NULL},
    [PN_PRESENT] = {"present", PN_CPU, PT_FILE, 0444, render_cpus, NULL},
    [PN_SYSK] = {"kernel", PN_SYSFS, PT_DIR, 0555, NULL, NULL},
    [PN_SYSK_MM] = {"mm", PN_SYSK, PT_DIR, 0555, NULL, NULL},
    [PN_THP] = {"transparent_hugepage", PN_SYSK_MM, PT_DIR, 0555, NULL, NULL},
    /* monos never uses huge pages for user memory */
    [PN_THP_ENABLED] = {"enabled", PN_THP, PT_FILE, 0444, render_text, "always madvise [never]\n"},
    [PN_THP_PMD] = {"hpage_pmd_size", PN_THP, PT_FILE, 0444, render_text, "2097152\n"},
};

static u32 node_of(const struct vnode *vn)
{
	return vn->arg & 0xff;
}

static int tid_of(const struct vnode *vn)
{
	return (int)(vn->arg >> 8);
}

static struct vnode proc_vnode(u32 node, int tid)
{
	return (struct vnode){VN_PROC_NODE, node | (u32)tid << 8, NULL};
}

/* a user thread by tid (the process: the main thread, or any one left) */
static struct thread *proc_thread(int tid)
{
	struct thread *t;

	if (tid)
		return thread_find(tid);
	t = thread_find(1);
	if (t)
		return t;
	for (t = thread_first(); t; t = t->all_next)
		if (!t->idle && t->fpu && t->state != THREAD_DEAD)
			return t;
	return NULL;
}

static bool node_valid(const struct vnode *vn)
{
	u32 n = node_of(vn);

	if (n == PN_NONE || n >= PN_COUNT)
		return false;
	/* a task/<tid> node lives as long as its thread */
	if (proc_table[n].parent == PN_TID || n == PN_TID)
		return tid_of(vn) > 0 && thread_find(tid_of(vn));
	return tid_of(vn) == 0;
}

enum path_type proc_node_type(const struct vnode *vn)
{
	if (!node_valid(vn))
		return PATH_T_NONE;
	switch (proc_table[node_of(vn)].type) {
	case PT_DIR:
		return PATH_T_DIR;
	case PT_LINK:
		return PATH_T_SYMLINK;
	default:
		return PATH_T_FILE;
	}
}

u32 proc_node_mode(const struct vnode *vn)
{
	static const u32 fmt[] = {[PT_DIR] = S_IFDIR, [PT_FILE] = S_IFREG, [PT_LINK] = S_IFLNK};
	const struct proc_ent *e;

	if (!node_valid(vn))
		return 0;
	e = &proc_table[node_of(vn)];
	return fmt[e->type] | e->perm;
}

s64 proc_readlink(const struct vnode *vn, char *buf, size_t size)
{
	const char *s;
	size_t n;

	if (!node_valid(vn) || proc_table[node_of(vn)].type != PT_LINK)
		return -EINVAL;
	s = proc_table[node_of(vn)].link;
	n = strlen(s);
	if (n >= size)
		return -ENAMETOOLONG;
	memcpy(buf, s, n + 1);
	return (s64)n;
}

struct vnode proc_sys_root(void)
{
	return proc_vnode(PN_SYSFS, 0);
}

struct vnode proc_parent(const struct vnode *dir)
{
	u32 p;

	if (!node_valid(dir))
		return vnode_root();
	p = proc_table[node_of(dir)].parent;
	if (p == PP_PROC)
		return (struct vnode){VN_PROC_DIR, 0, NULL};
	if (p == PP_SELF)
		return (struct vnode){VN_PROC_SELF, 0, NULL};
	if (p == PP_ROOT)
		return vnode_root();
	return proc_vnode(p, p == PN_TID ? tid_of(dir) : 0);
}

static char *fmt_uint(char *buf, u64 v)
{
	char tmp[24];
	size_t n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (size_t k = 0; k < n; k++)
		buf[k] = tmp[n - 1 - k];
	buf[n] = 0;
	return buf;
}

static bool user_thread(const struct thread *t)
{
	return !t->idle && t->fpu && t->state != THREAD_DEAD;
}

/* the live user thread with the i-th smallest tid, or NULL */
static struct thread *thread_by_rank(u64 i)
{
	for (struct thread *t = thread_first(); t; t = t->all_next) {
		u64 below = 0;

		if (!user_thread(t))
			continue;
		for (struct thread *u = thread_first(); u; u = u->all_next)
			if (user_thread(u) && u->tid < t->tid)
				below++;
		if (below == i)
			return t;
	}
	return NULL;
}

int proc_dirent(const struct vnode *dir, u64 i, const char **name, size_t *len,
		struct vnode *child)
{
	static char numbuf[24];
	u32 id;
	int tid = 0;

	if (dir->kind == VN_PROC_DIR) {
		id = PP_PROC;
	} else if (dir->kind == VN_PROC_SELF) {
		id = PP_SELF;
	} else {
		if (!node_valid(dir))
			return -ENOENT;
		id = node_of(dir);
		if (proc_table[id].type != PT_DIR)
			return -ENOTDIR;
		tid = tid_of(dir);
	}
	if (id == PN_TASK) {
		struct thread *t = thread_by_rank(i);

		if (!t)
			return -ENOENT;
		*name = fmt_uint(numbuf, (u64)t->tid);
		*len = strlen(numbuf);
		*child = proc_vnode(PN_TID, t->tid);
		return 1;
	}
	if (i < PN_COUNT) {
		const struct proc_ent *e = &proc_table[i];

		if (i == PN_NONE || e->parent != id || !e->name)
			return 0; /* a hole: not in this directory */
		*name = e->name;
		*len = strlen(e->name);
		*child = proc_vnode((u32)i, e->parent == PN_TID ? tid : 0);
		return 1;
	}
	if (id == PP_PROC && i == PN_COUNT) { /* /proc/1: the process */
		*name = "1";
		*len = 1;
		*child = (struct vnode){VN_PROC_SELF, 0, NULL};
		return 1;
	}
	return -ENOENT;
}

/* ---- rendering helpers ---- */

static bool pb_grow(struct proc_buf *b, u64 need)
{
	u64 cap = b->cap ? b->cap : 1024;
	char *n;

	if (b->nomem)
		return false;
	if (b->len + need <= b->cap)
		return true;
	while (cap < b->len + need)
		cap *= 2;
	n = kmalloc(cap);
	if (!n) {
		b->nomem = true;
		return false;
	}
	if (b->p) {
		memcpy(n, b->p, b->len);
		kfree(b->p);
	}
	b->p = n;
	b->cap = cap;
	return true;
}

static void pb_put(struct proc_buf *b, const void *s, u64 n)
{
	if (!n || !pb_grow(b, n))
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

static void pb_str(struct proc_buf *b, const char *s)
{
	pb_put(b, s, strlen(s));
}

static void pb_printf(struct proc_buf *b, const char *fmt, ...) PRINTF_LIKE(2, 3);
static void pb_printf(struct proc_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!pb_grow(b, 128))
		return;
	va_start(ap, fmt);
	n = fmt_vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((u64)n >= b->cap - b->len) {
		if (!pb_grow(b, (u64)n + 1))
			return;
		va_start(ap, fmt);
		fmt_vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
	}
	b->len += (u64)n;
}

/* copy user memory [start, end) (capped) into b */
static void pb_user(struct proc_buf *b, u64 start, u64 end)
{
	if (!start || end <= start)
		return;
	if (end - start > PROC_ARGS_MAX)
		end = start + PROC_ARGS_MAX;
	if (!pb_grow(b, end - start))
		return;
	if (copy_from_user(b->p + b->len, start, end - start) == 0)
		b->len += end - start;
}

/* ---- /proc/self/maps and memory figures ---- */

static const char *program_path(void)
{
	const struct value *v = config_root() ? tuple_get_cstr(config_root(), "program") : NULL;

	return v && v->type == VALUE_STRING ? (const char *)v->str.bytes : "";
}

static const char *vma_label(const struct vma *v)
{
	if (v->name)
		return v->name;
	if (v->kind & VMA_HEAP)
		return "[heap]";
	if (v->kind & VMA_STACK)
		return "[stack]";
	if (v->kind & VMA_VVAR)
		return "[vvar]";
	if (v->kind & VMA_VDSO)
		return "[vdso]";
	return NULL;
}

static void render_maps(struct proc_buf *b, int tid)
{
	for (const struct vma *v = uvm_next(0); v; v = uvm_next(v->end)) {
		const char *label = vma_label(v);
		bool file = v->name && v->ino;
		u64 line = b->len;

		pb_printf(b, "%08lx-%08lx %c%c%cp %08lx %02x:%02x %lu ", (unsigned long)v->start,
			  (unsigned long)v->end, v->prot & PROT_READ ? 'r' : '-',
			  v->prot & PROT_WRITE ? 'w' : '-', v->prot & PROT_EXEC ? 'x' : '-',
			  (unsigned long)(file ? v->off : 0), file ? PROC_DEV_ROOTFS_MAJOR : 0,
			  file ? PROC_DEV_ROOTFS_MINOR : 0, (unsigned long)(file ? v->ino : 0));
		if (label) {
			/* Linux pads the prefix to 72 columns, then one space */
			while (b->len - line < 72 && !b->nomem)
				pb_put(b, " ", 1);
			pb_put(b, " ", 1);
			pb_str(b, label);
		}
		pb_put(b, "\n", 1);
	}
}

struct mem_figures {
	u64 size, data, stack, exe, lib, rss; /* bytes */
	u64 start_code, end_code, start_data, end_data, start_brk;
};

static void mem_figures(struct mem_figures *m)
{
	const char *prog = program_path();

	memset(m, 0, sizeof(*m));
	for (const struct vma *v = uvm_next(0); v; v = uvm_next(v->end)) {
		u64 len = v->end - v->start;
		bool is_prog = v->name && strcmp(v->name, prog) == 0;

		m->size += len;
		if (v->kind & VMA_STACK)
			m->stack += len;
		else if (v->prot & PROT_WRITE)
			m->data += len;
		if ((v->prot & PROT_EXEC) && v->name) {
			if (is_prog)
				m->exe += len;
			else
				m->lib += len;
		}
		if (is_prog && (v->prot & PROT_EXEC) && !m->start_code) {
			m->start_code = v->start;
			m->end_code = v->end;
		}
		if (is_prog && (v->prot & PROT_WRITE) && !m->start_data) {
			m->start_data = v->start;
			m->end_data = v->end;
		}
		if ((v->kind & VMA_HEAP) && !m->start_brk)
			m->start_brk = v->start;
	}
	if (!m->start_brk)
		m->start_brk = uvm_brk_get();
	m->rss = uvm_resident_pages() * PAGE_SIZE;
}

static char thread_state_char(const struct thread *t)
{
	return t->state == THREAD_BLOCKED ? 'S' : 'R';
}

static const char *thread_state_name(const struct thread *t)
{
	return t->state == THREAD_BLOCKED ? "S (sleeping)" : "R (running)";
}

/* /proc/self/stat and task/<tid>/stat (proc(5): 52 fields) */
static void render_stat(struct proc_buf *b, int tid)
{
	struct thread *t = proc_thread(tid);
	struct mem_figures m;
	u64 cpu = tid && t ? sched_thread_cpu_ns(t) : sched_process_cpu_ns();
	u64 pend = (t ? t->sigpending : 0) | (tid ? 0 : thread_group_pending);

	mem_figures(&m);
	pb_printf(b, "%d (%s) %c 0 1 1 0 -1 4194560 0 0 0 0 %lu 0 0 0 20 0 %d 0 %lu %lu %lu "
		     "18446744073709551615 %lu %lu %lu 0 0 %lu %lu 0 0 0 0 0 17 %d 0 0 0 0 0 "
		     "%lu %lu %lu %lu %lu %lu %lu 0\n",
		  tid ? tid : 1, t ? t->name : "", t ? thread_state_char(t) : 'R',
		  (unsigned long)(cpu / (1000000000 / PROC_USER_HZ)), thread_count(),
		  (unsigned long)(exec_layout.start_ns / (1000000000 / PROC_USER_HZ)),
		  (unsigned long)m.size, (unsigned long)(m.rss / PAGE_SIZE),
		  (unsigned long)m.start_code, (unsigned long)m.end_code,
		  (unsigned long)exec_layout.stack_start, (unsigned long)pend,
		  (unsigned long)(t ? t->sigmask : 0), t ? t->cpu : 0, (unsigned long)m.start_data,
		  (unsigned long)m.end_data, (unsigned long)m.start_brk,
		  (unsigned long)exec_layout.arg_start, (unsigned long)exec_layout.arg_end,
		  (unsigned long)exec_layout.env_start, (unsigned long)exec_layout.env_end);
}

static void pb_kb(struct proc_buf *b, const char *label, u64 bytes)
{
	pb_printf(b, "%s\t%8lu kB\n", label, (unsigned long)(bytes / 1024));
}

static void render_status(struct proc_buf *b, int tid)
{
	struct thread *t = proc_thread(tid);
	struct mem_figures m;
	long um = sys_umask(0, 0, 0, 0, 0, 0); /* read and put back */
	u64 pend = t ? t->sigpending : 0;

	sys_umask((u64)um, 0, 0, 0, 0, 0);
	mem_figures(&m);
	pb_printf(b,
		  "Name:\t%s\nUmask:\t%04lo\nState:\t%s\nTgid:\t1\nNgid:\t0\nPid:\t%d\nPPid:\t0\n"
		  "TracerPid:\t0\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nFDSize:\t%d\nGroups:\t\n"
		  "NStgid:\t1\nNSpid:\t%d\nNSpgid:\t1\nNSsid:\t1\n",
		  t ? t->name : "", (unsigned long)um, t ? thread_state_name(t) : "R (running)",
		  tid ? tid : 1, FD_MAX, tid ? tid : 1);
	pb_kb(b, "VmPeak:", m.size);
	pb_kb(b, "VmSize:", m.size);
	pb_kb(b, "VmLck:", 0);
	pb_kb(b, "VmPin:", 0);
	pb_kb(b, "VmHWM:", m.rss);
	pb_kb(b, "VmRSS:", m.rss);
	pb_kb(b, "RssAnon:", m.rss);
	pb_kb(b, "RssFile:", 0);
	pb_kb(b, "RssShmem:", 0);
	pb_kb(b, "VmData:", m.data);
	pb_kb(b, "VmStk:", m.stack);
	pb_kb(b, "VmExe:", m.exe);
	pb_kb(b, "VmLib:", m.lib);
	pb_kb(b, "VmPTE:", 0);
	pb_kb(b, "VmSwap:", 0);
	pb_kb(b, "HugetlbPages:", 0);
	pb_printf(b,
		  "CoreDumping:\t0\nTHP_enabled:\t0\nThreads:\t%d\nSigQ:\t0/%lu\n"
		  "SigPnd:\t%016lx\nShdPnd:\t%016lx\nSigBlk:\t%016lx\nSigIgn:\t%016lx\n"
		  "SigCgt:\t%016lx\nCapInh:\t0000000000000000\nCapPrm:\t000001ffffffffff\n"
		  "CapEff:\t000001ffffffffff\nCapBnd:\t000001ffffffffff\n"
		  "CapAmb:\t0000000000000000\nNoNewPrivs:\t0\nSeccomp:\t0\n"
		  "Seccomp_filters:\t0\nSpeculation_Store_Bypass:\tnot vulnerable\n"
		  "SpeculationIndirectBranch:\tnot affected\n",
		  thread_count(), (unsigned long)(mm_total_pages() / 64),
		  (unsigned long)pend, (unsigned long)thread_group_pending,
		  (unsigned long)(t ? t->sigmask : 0), 0ul, 0ul);
	/* threads run on CPU 0 (sched_getaffinity says the same) */
	pb_printf(b,
		  "Cpus_allowed:\t1\nCpus_allowed_list:\t0\nMems_allowed:\t00000000,00000001\n"
		  "Mems_allowed_list:\t0\nvoluntary_ctxt_switches:\t%lu\n"
		  "nonvoluntary_ctxt_switches:\t0\n",
		  (unsigned long)sched_switch_count());
}

static void render_statm(struct proc_buf *b, int tid)
{
	struct mem_figures m;

	mem_figures(&m);
	pb_printf(b, "%lu %lu 0 %lu 0 %lu 0\n", (unsigned long)(m.size / PAGE_SIZE),
		  (unsigned long)(m.rss / PAGE_SIZE), (unsigned long)(m.exe / PAGE_SIZE),
		  (unsigned long)((m.data + m.stack) / PAGE_SIZE));
}

static void render_comm(struct proc_buf *b, int tid)
{
	struct thread *t = proc_thread(tid);

	pb_printf(b, "%s\n", t ? t->name : "");
}

/* ---- the initial stack: cmdline, environ, auxv ---- */

static void render_cmdline(struct proc_buf *b, int tid)
{
	pb_user(b, exec_layout.arg_start, exec_layout.arg_end);
}

/* the strings envp[] pointed at when the program started, in envp order
 * (they sit in reverse order in memory) */
static void render_environ(struct proc_buf *b, int tid)
{
	u64 lo = exec_layout.env_start, hi = exec_layout.env_end;
	char *area;

	if (!lo || hi <= lo || hi - lo > PROC_ARGS_MAX)
		return;
	area = kmalloc(hi - lo);
	if (!area)
		return;
	if (copy_from_user(area, lo, hi - lo))
		goto out_free;
	for (u64 i = 0; i < exec_layout.envc; i++) {
		u64 p;
		size_t n = 0;

		if (copy_from_user(&p, exec_layout.envp + 8 * i, 8) || p < lo || p >= hi)
			break;
		while (p - lo + n < hi - lo && area[p - lo + n])
			n++;
		pb_put(b, area + (p - lo), n);
		pb_put(b, "", 1);
	}
out_free:
	kfree(area);
}

static void render_auxv(struct proc_buf *b, int tid)
{
	pb_user(b, exec_layout.auxv, exec_layout.auxv + exec_layout.auxv_len);
}

/* ---- mounts ---- */

static void render_mounts(struct proc_buf *b, int tid)
{
	pb_printf(b,
		  "/dev/root / tfs %s,relatime 0 0\n"
		  "proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n"
		  "sysfs /sys sysfs ro,nosuid,nodev,noexec,relatime 0 0\n"
		  "devtmpfs /dev devtmpfs rw,nosuid,relatime 0 0\n",
		  vfs_readonly ? "ro" : "rw");
}

static void render_mountinfo(struct proc_buf *b, int tid)
{
	const char *rw = vfs_readonly ? "ro" : "rw";

	pb_printf(b,
		  "1 0 %d:%d / / %s,relatime - tfs /dev/root %s\n"
		  "2 1 0:4 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw\n"
		  "3 1 0:20 / /sys ro,nosuid,nodev,noexec,relatime - sysfs sysfs ro\n"
		  "4 1 0:5 / /dev rw,nosuid,relatime - devtmpfs devtmpfs rw\n",
		  PROC_DEV_ROOTFS_MAJOR, PROC_DEV_ROOTFS_MINOR, rw, rw);
}

/* ---- system-wide files ---- */

static void meminfo_line(struct proc_buf *b, const char *label, u64 kb)
{
	/* Linux: the label and colon padded to 16 columns, the value to 8 */
	pb_printf(b, "%-16s%8lu kB\n", label, (unsigned long)kb);
}

static void render_meminfo(struct proc_buf *b, int tid)
{
	u64 total = mm_total_pages() * (PAGE_SIZE / 1024);
	u64 free = mm_free_pages() * (PAGE_SIZE / 1024);
	u64 anon = uvm_resident_pages() * (PAGE_SIZE / 1024);
	static const char *const zero[] = {
	    "Buffers:",	     "Cached:",	      "SwapCached:",   "Unevictable:", "Mlocked:",
	    "SwapTotal:",    "SwapFree:",     "Zswap:",	       "Zswapped:",    "Dirty:",
	    "Writeback:",    "Mapped:",	      "Shmem:",	       "KReclaimable:", "Slab:",
	    "SReclaimable:", "SUnreclaim:",   "KernelStack:",  "PageTables:",  "NFS_Unstable:",
	    "Bounce:",	     "WritebackTmp:",
	};

	meminfo_line(b, "MemTotal:", total);
	meminfo_line(b, "MemFree:", free);
	meminfo_line(b, "MemAvailable:", free);
	for (unsigned i = 0; i < 3; i++)
		meminfo_line(b, zero[i], 0);
	meminfo_line(b, "Active:", anon);
	meminfo_line(b, "Inactive:", 0);
	meminfo_line(b, "Active(anon):", anon);
	meminfo_line(b, "Inactive(anon):", 0);
	meminfo_line(b, "Active(file):", 0);
	meminfo_line(b, "Inactive(file):", 0);
	for (unsigned i = 3; i < 11; i++)
		meminfo_line(b, zero[i], 0);
	meminfo_line(b, "AnonPages:", anon);
	for (unsigned i = 11; i < ARRAY_SIZE(zero); i++)
		meminfo_line(b, zero[i], 0);
	meminfo_line(b, "CommitLimit:", total);
	meminfo_line(b, "Committed_AS:", total - free);
	meminfo_line(b, "VmallocTotal:", 34359738367ull);
	meminfo_line(b, "VmallocUsed:", 0);
	meminfo_line(b, "VmallocChunk:", 0);
	meminfo_line(b, "Percpu:", 0);
	pb_str(b, "HardwareCorrupted:     0 kB\n");
	meminfo_line(b, "AnonHugePages:", 0);
	pb_printf(b, "HugePages_Total:       0\nHugePages_Free:        0\n"
		     "HugePages_Rsvd:        0\nHugePages_Surp:        0\n");
	meminfo_line(b, "Hugepagesize:", 2048);
	meminfo_line(b, "Hugetlb:", 0);
	meminfo_line(b, "DirectMap4k:", 0);
	meminfo_line(b, "DirectMap2M:", total);
}

static void cpuid(u32 leaf, u32 sub, u32 r[4])
{
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(sub));
}

/* Linux's flag names (arch/x86/include/asm/cpufeatures.h), in its word order */
struct cpu_flag_word {
	u32 leaf, sub;
	u8 reg; /* 0 eax, 1 ebx, 2 ecx, 3 edx */
	const char *names[32];
};

static const struct cpu_flag_word cpu_flag_words[] = {
    {1, 0, 3, {"fpu", "vme", "de", "pse", "tsc", "msr", "pae", "mce", "cx8", "apic", NULL,
	       "sep", "mtrr", "pge", "mca", "cmov", "pat", "pse36", "pn", "clflush", NULL, "dts",
	       "acpi", "mmx", "fxsr", "sse", "sse2", "ss", "ht", "tm", "ia64", "pbe"}},
    {0x80000001, 0, 3, {[11] = "syscall", [19] = "mp", [20] = "nx", [22] = "mmxext",
			[25] = "fxsr_opt", [26] = "pdpe1gb", [27] = "rdtscp", [29] = "lm",
			[30] = "3dnowext", [31] = "3dnow"}},
    {1, 0, 2, {"pni", "pclmulqdq", "dtes64", "monitor", "ds_cpl", "vmx", "smx", "est", "tm2",
	       "ssse3", "cid", "sdbg", "fma", "cx16", "xtpr", "pdcm", NULL, "pcid", "dca",
	       "sse4_1", "sse4_2", "x2apic", "movbe", "popcnt", "tsc_deadline_timer", "aes",
	       "xsave", NULL, "avx", "f16c", "rdrand", "hypervisor"}},
    {0x80000001, 0, 2, {"lahf_lm", "cmp_legacy", "svm", "extapic", "cr8_legacy", "abm",
			"sse4a", "misalignsse", "3dnowprefetch", "osvw", "ibs", "xop",
			"skinit", "wdt", NULL, "lwp", "fma4", "tce", NULL, "nodeid_msr", NULL,
			"tbm", "topoext", "perfctr_core", "perfctr_nb", NULL, "bpext", "ptsc",
			"perfctr_llc", "mwaitx"}},
    {7, 0, 1, {"fsgsbase", "tsc_adjust", "sgx", "bmi1", "hle", "avx2", NULL, "smep", "bmi2",
	       "erms", "invpcid", "rtm", "cqm", NULL, "mpx", "rdt_a", "avx512f", "avx512dq",
	       "rdseed", "adx", "smap", "avx512ifma", NULL, "clflushopt", "clwb", "intel_pt",
	       "avx512pf", "avx512er", "avx512cd", "sha_ni", "avx512bw", "avx512vl"}},
    {0xd, 1, 0, {"xsaveopt", "xsavec", "xgetbv1", "xsaves"}},
    {7, 0, 2, {NULL, "avx512vbmi", "umip", "pku", "ospke", "waitpkg", "avx512_vbmi2", NULL,
	       "gfni", "vaes", "vpclmulqdq", "avx512_vnni", "avx512_bitalg", "tme",
	       "avx512_vpopcntdq", NULL, "la57", [22] = "rdpid", [25] = "cldemote",
	       [27] = "movdiri", [28] = "movdir64b"}},
    {7, 0, 3, {[2] = "avx512_4vnniw", [3] = "avx512_4fmaps", [4] = "fsrm",
	       [8] = "avx512_vp2intersect", [10] = "md_clear", [14] = "serialize",
	       [16] = "tsxldtrk", [18] = "pconfig", [19] = "arch_lbr", [22] = "amx_bf16",
	       [23] = "avx512_fp16", [24] = "amx_tile", [25] = "amx_int8", [28] = "flush_l1d",
	       [29] = "arch_capabilities"}},
};

static void render_cpuinfo(struct proc_buf *b, int tid)
{
	u32 r[4], max_leaf, max_ext, family, model, stepping;
	char vendor[13], brand[49], *bp = brand;
	unsigned ncpu = arch_cpus_online() ? arch_cpus_online() : 1;
	u64 hz = arch_tsc_hz(), cache_kb = 0, phys_bits = 36, virt_bits = 48;

	cpuid(0, 0, r);
	max_leaf = r[0];
	memcpy(vendor, &r[1], 4);
	memcpy(vendor + 4, &r[3], 4);
	memcpy(vendor + 8, &r[2], 4);
	vendor[12] = 0;
	cpuid(0x80000000, 0, r);
	max_ext = r[0];
	brand[0] = 0;
	if (max_ext >= 0x80000004) {
		for (u32 i = 0; i < 3; i++) {
			cpuid(0x80000002 + i, 0, r);
			memcpy(brand + 16 * i, r, 16);
		}
		brand[48] = 0;
		while (*bp == ' ')
			bp++;
	}
	if (max_ext >= 0x80000006) {
		cpuid(0x80000006, 0, r);
		cache_kb = r[2] >> 16;
	}
	if (max_ext >= 0x80000008) {
		cpuid(0x80000008, 0, r);
		phys_bits = r[0] & 0xff;
		virt_bits = (r[0] >> 8) & 0xff;
	}
	cpuid(1, 0, r);
	stepping = r[0] & 0xf;
	model = (r[0] >> 4) & 0xf;
	family = (r[0] >> 8) & 0xf;
	if (family == 0xf)
		family += (r[0] >> 20) & 0xff;
	if (family == 6 || family >= 0xf)
		model |= ((r[0] >> 16) & 0xf) << 4;
	for (unsigned c = 0; c < ncpu; c++) {
		pb_printf(b,
			  "processor\t: %u\nvendor_id\t: %s\ncpu family\t: %u\nmodel\t\t: %u\n"
			  "model name\t: %s\nstepping\t: %u\nmicrocode\t: 0x1\n"
			  "cpu MHz\t\t: %lu.%03lu\ncache size\t: %lu KB\nphysical id\t: 0\n"
			  "siblings\t: %u\ncore id\t\t: %u\ncpu cores\t: %u\napicid\t\t: %u\n"
			  "initial apicid\t: %u\nfpu\t\t: yes\nfpu_exception\t: yes\n"
			  "cpuid level\t: %u\nwp\t\t: yes\nflags\t\t:",
			  c, vendor, family, model, *bp ? bp : "unknown", stepping,
			  (unsigned long)(hz / 1000000), (unsigned long)(hz / 1000 % 1000),
			  (unsigned long)cache_kb, ncpu, c, ncpu, c, c, max_leaf);
		for (unsigned w = 0; w < ARRAY_SIZE(cpu_flag_words); w++) {
			const struct cpu_flag_word *fw = &cpu_flag_words[w];
			u32 q[4];

			if (fw->leaf < 0x80000000 ? fw->leaf > max_leaf : fw->leaf > max_ext)
				continue;
			cpuid(fw->leaf, fw->sub, q);
			for (unsigned bit = 0; bit < 32; bit++)
				if ((q[fw->reg] >> bit & 1) && fw->names[bit])
					pb_printf(b, " %s", fw->names[bit]);
		}
		pb_printf(b,
			  "\nbugs\t\t:\nbogomips\t: %lu.%02lu\nclflush size\t: 64\n"
			  "cache_alignment\t: 64\naddress sizes\t: %lu bits physical, %lu bits "
			  "virtual\npower management:\n\n",
			  (unsigned long)(hz / 500000), (unsigned long)(hz / 5000 % 100),
			  (unsigned long)phys_bits, (unsigned long)virt_bits);
	}
}

static void render_pstat(struct proc_buf *b, int tid)
{
	unsigned ncpu = arch_cpus_online() ? arch_cpus_online() : 1;
	u64 tick = 1000000000 / PROC_USER_HZ;
	u64 up = clock_now_ns() / tick, user = sched_process_cpu_ns() / tick;
	u64 idle0 = up > user ? up - user : 0;
	u64 btime = (clock_realtime_ns() - clock_now_ns()) / 1000000000;
	int running = 0;

	pb_printf(b, "cpu  %lu 0 0 %lu 0 0 0 0 0 0\n", (unsigned long)user,
		  (unsigned long)(idle0 + up * (ncpu - 1)));
	for (unsigned c = 0; c < ncpu; c++)
		pb_printf(b, "cpu%u %lu 0 0 %lu 0 0 0 0 0 0\n", c, (unsigned long)(c ? 0 : user),
			  (unsigned long)(c ? up : idle0));
	for (struct thread *t = thread_first(); t; t = t->all_next)
		if (user_thread(t) && t->state != THREAD_BLOCKED)
			running++;
	pb_printf(b,
		  "intr 0\nctxt %lu\nbtime %lu\nprocesses 1\nprocs_running %d\nprocs_blocked 0\n"
		  "softirq 0 0 0 0 0 0 0 0 0 0 0\n",
		  (unsigned long)sched_switch_count(), (unsigned long)btime, running);
}

static void render_uptime(struct proc_buf *b, int tid)
{
	u64 up = clock_now_ns() / 10000000, busy = sched_process_cpu_ns() / 10000000;
	u64 idle = (up > busy ? up - busy : 0) +
		   up * ((arch_cpus_online() ? arch_cpus_online() : 1) - 1);

	pb_printf(b, "%lu.%02lu %lu.%02lu\n", (unsigned long)(up / 100), (unsigned long)(up % 100),
		  (unsigned long)(idle / 100), (unsigned long)(idle % 100));
}

static void render_loadavg(struct proc_buf *b, int tid)
{
	int running = 0, last = 1;

	for (struct thread *t = thread_first(); t; t = t->all_next) {
		if (!user_thread(t))
			continue;
		if (t->state != THREAD_BLOCKED)
			running++;
		if (t->tid > last)
			last = t->tid;
	}
	pb_printf(b, "0.00 0.00 0.00 %d/%d %d\n", running, thread_count(), last);
}

static void render_version(struct proc_buf *b, int tid)
{
	pb_str(b, "Linux version 6.1.0-monos (monos) #1 SMP monos unikernel\n");
}

static void uuid_text(struct proc_buf *b, const u8 u[16])
{
	pb_printf(b, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x\n",
		  u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12],
		  u[13], u[14], u[15]);
}

/* a random (version 4, RFC 4122 variant) UUID */
static void uuid_v4(u8 u[16])
{
	random_bytes(u, 16);
	u[6] = (u8)((u[6] & 0x0f) | 0x40);
	u[8] = (u8)((u[8] & 0x3f) | 0x80);
}

static void render_uuid(struct proc_buf *b, int tid)
{
	u8 u[16];

	uuid_v4(u);
	uuid_text(b, u);
}

static void render_boot_id(struct proc_buf *b, int tid)
{
	static u8 boot_id[16];
	static bool made;

	if (!made) {
		uuid_v4(boot_id);
		made = true;
	}
	uuid_text(b, boot_id);
}

static void render_cpus(struct proc_buf *b, int tid)
{
	unsigned n = arch_cpus_online();

	if (n <= 1)
		pb_str(b, "0\n");
	else
		pb_printf(b, "0-%u\n", n - 1);
}

/* ---- open files ---- */

struct proc_file {
	u64 len;
	char data[];
};

int proc_open(struct file *f, int flags)
{
	u32 n = node_of(&f->vn), acc = (u32)flags & O_ACCMODE;
	const struct proc_ent *e;
	struct proc_buf b = {0};
	struct proc_file *pf;

	if (!node_valid(&f->vn))
		return -ENOENT;
	e = &proc_table[n];
	if (e->type != PT_FILE || !e->render)
		return -EACCES;
	if ((acc == O_WRONLY || acc == O_RDWR || (flags & O_TRUNC)) && !(e->perm & 0200))
		return -EACCES;
	if (e->render == render_text)
		pb_str(&b, e->link);
	else
		e->render(&b, tid_of(&f->vn));
	if (b.nomem) {
		kfree(b.p);
		return -ENOMEM;
	}
	pf = kmalloc(sizeof(*pf) + b.len);
	if (!pf) {
		kfree(b.p);
		return -ENOMEM;
	}
	pf->len = b.len;
	if (b.len)
		memcpy(pf->data, b.p, b.len);
	kfree(b.p);
	f->priv = pf;
	return 0;
}

/* render_text's files carry their text in the link field (see proc_open) */
static void render_text(struct proc_buf *b, int tid)
{
}

static s64 proc_pread(struct file *f, void *kbuf, u64 len, u64 off)
{
	struct proc_file *pf = f->priv;

	if (!pf || off >= pf->len)
		return 0;
	len = MIN(len, pf->len - off);
	memcpy(kbuf, pf->data + off, len);
	return (s64)len;
}

static s64 proc_read(struct file *f, void *kbuf, u64 len)
{
	s64 n = proc_pread(f, kbuf, len, f->pos);

	if (n > 0)
		f->pos += (u64)n;
	return n;
}

/* writing comm renames the thread (at most 15 bytes, as Linux) */
static s64 proc_write(struct file *f, const void *kbuf, u64 len)
{
	u32 n = node_of(&f->vn);
	struct thread *t;

	if (n != PN_COMM && n != PN_TID_COMM)
		return -EINVAL;
	t = proc_thread(tid_of(&f->vn));
	if (!t)
		return -ESRCH;
	memset(t->name, 0, sizeof(t->name));
	memcpy(t->name, kbuf, MIN(len, sizeof(t->name) - 1));
	return (s64)len;
}

static s64 proc_pwrite(struct file *f, const void *kbuf, u64 len, u64 off)
{
	return proc_write(f, kbuf, len);
}

static s64 proc_lseek(struct file *f, s64 off, int whence)
{
	struct proc_file *pf = f->priv;
	s64 base;

	switch (whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = (s64)f->pos;
		break;
	case SEEK_END:
		base = pf ? (s64)pf->len : 0;
		break;
	default:
		return -EINVAL;
	}
	if ((off > 0 && base > INT64_MAX - off) || base + off < 0)
		return -EINVAL;
	f->pos = (u64)(base + off);
	return (s64)f->pos;
}

static void proc_close(struct file *f)
{
	kfree(f->priv);
	f->priv = NULL;
}

const struct file_ops proc_file_ops = {
    .read = proc_read,
    .write = proc_write,
    .pread = proc_pread,
    .pwrite = proc_pwrite,
    .lseek = proc_lseek,
    .close = proc_close,
};

/* ---- names of file mappings ---- */

struct proc_name {
	struct proc_name *next;
	char s[];
};

static struct proc_name *names;

/* a copy of s that lives forever (mapped files' paths; few distinct ones) */
static const char *name_intern(const char *s)
{
	struct proc_name *n;
	size_t len = strlen(s);

	for (n = names; n; n = n->next)
		if (strcmp(n->s, s) == 0)
			return n->s;
	n = kmalloc(sizeof(*n) + len + 1);
	if (!n)
		return NULL;
	memcpy(n->s, s, len + 1);
	n->next = names;
	names = n;
	return n->s;
}

void proc_name_mapping(struct file *f, u64 start, u64 end, u64 off)
{
	char *path;
	const char *name;

	if (!f || (f->vn.kind != VN_TFS && f->vn.kind != VN_DEV) || start >= end)
		return;
	path = kmalloc(PATH_MAX_LEN);
	if (!path)
		return;
	if (vnode_path(&f->vn, &f->parent, path, PATH_MAX_LEN) > 0) {
		name = name_intern(path);
		if (name)
			uvm_set_name(start, end, name, off, vnode_ino(&f->vn));
	}
	kfree(path);
}
