/*
 * fs/proc.c - the synthetic /proc and /sys files beyond /proc/self/{exe,cwd,
 * fd} (those stay in fs/node.c): /proc/self/{maps,stat,status,statm,comm,
 * cmdline,environ,auxv,mounts,mountinfo,cgroup,task/<tid>/{comm,stat,status}},
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
 * This file: the node tree, directory entries, open/read/seek/write of
 * the rendered buffer, the render helpers and mapping names; the
 * per-process files are rendered in fs/proc_self.c, the system-wide ones
 * in fs/proc_sys.c.
 * Layer: fs. Callers: fs/node.c (types, modes, entries, parents, links),
 * fs/vfs.c (open), sys/exec.c and sys/sys_mm.c (proc_name_mapping).
 */
#include "fs/proc.h"
#include "kernel/thread.h"
#include "kernel/mm/mm.h"
#include "lib/format.h"

#include <stdarg.h>


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
	PN_CGROUP,
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
	/* /etc when the image has none, /etc/resolv.conf likewise */
	PN_ETC,
	PN_RESOLV,
	PN_COUNT
};

/* parents outside the table */
#define PP_PROC 0xfd /* VN_PROC_DIR */
#define PP_SELF 0xfe /* VN_PROC_SELF */
#define PP_ROOT 0xff /* the rootfs root */
_Static_assert(PN_COUNT < PP_PROC, "node ids fit in 8 bits below the parent ids");

enum proc_type { PT_DIR, PT_FILE, PT_LINK };


struct proc_ent {
	const char *name;
	u8 parent;
	u8 type;
	u16 perm;
	/* files: the contents for thread tid (0: the process) */
	void (*render)(struct proc_buf *b, int tid);
	const char *link; /* PT_LINK */
};


static void render_text(struct proc_buf *b, int tid);

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
    /* cgroup v2, the root group (no controllers: no limits to discover) */
    [PN_CGROUP] = {"cgroup", PP_SELF, PT_FILE, 0444, render_text, "0::/\n"},
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
    /* valid only while the image lacks them (node_valid); resolv.conf's
     * parent is the image's /etc when there is one (proc_parent) */
    [PN_ETC] = {"etc", PP_ROOT, PT_DIR, 0555, NULL, NULL},
    [PN_RESOLV] = {"resolv.conf", PN_ETC, PT_FILE, 0444, render_resolv, NULL},
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
struct thread *proc_thread(int tid)
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
	if (n == PN_ETC)
		return tid_of(vn) == 0 && vnode_etc_state(NULL) == VN_ETC_NONE;
	if (n == PN_RESOLV)
		return tid_of(vn) == 0 && vnode_etc_state(NULL) != VN_ETC_IMAGE;
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

struct vnode proc_etc_node(bool dir)
{
	return proc_vnode(dir ? PN_ETC : PN_RESOLV, 0);
}

struct vnode proc_parent(const struct vnode *dir)
{
	u32 p;

	if (!node_valid(dir))
		return vnode_root();
	p = proc_table[node_of(dir)].parent;
	if (p == PN_ETC) { /* resolv.conf: in the image's /etc if it has one */
		const struct value *etc;

		if (vnode_etc_state(&etc) == VN_ETC_DIR)
			return (struct vnode){VN_TFS, 0, (struct value *)etc};
	}
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

bool proc_user_thread(const struct thread *t)
{
	return !t->idle && t->fpu && t->state != THREAD_DEAD;
}

/* the live user thread with the i-th smallest tid, or NULL */
static struct thread *thread_by_rank(u64 i)
{
	for (struct thread *t = thread_first(); t; t = t->all_next) {
		u64 below = 0;

		if (!proc_user_thread(t))
			continue;
		for (struct thread *u = thread_first(); u; u = u->all_next)
			if (proc_user_thread(u) && u->tid < t->tid)
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

bool proc_grow(struct proc_buf *b, u64 need)
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

void proc_put(struct proc_buf *b, const void *s, u64 n)
{
	if (!n || !proc_grow(b, n))
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

void proc_puts(struct proc_buf *b, const char *s)
{
	proc_put(b, s, strlen(s));
}

void proc_printf(struct proc_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!proc_grow(b, 128))
		return;
	va_start(ap, fmt);
	n = fmt_vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((u64)n >= b->cap - b->len) {
		if (!proc_grow(b, (u64)n + 1))
			return;
		va_start(ap, fmt);
		fmt_vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
	}
	b->len += (u64)n;
}

/* copy user memory [start, end) (capped) into b */
void proc_put_user(struct proc_buf *b, u64 start, u64 end)
{
	if (!start || end <= start)
		return;
	if (end - start > PROC_ARGS_MAX)
		end = start + PROC_ARGS_MAX;
	if (!proc_grow(b, end - start))
		return;
	if (copy_from_user(b->p + b->len, start, end - start) == 0)
		b->len += end - start;
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
		proc_puts(&b, e->link);
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

	return file_seek_to(f, off, whence, pf ? pf->len : 0);
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

s64 proc_fd_link(struct file *f, char *buf, size_t size)
{
	struct kstat st;
	int n;

	if (vfs_stat_file(f, &st))
		memset(&st, 0, sizeof(st));
	if ((st.st_mode & S_IFMT) == S_IFSOCK)
		n = fmt_snprintf(buf, size, "socket:[%lu]", (unsigned long)st.st_ino);
	else if ((st.st_mode & S_IFMT) == S_IFIFO)
		n = fmt_snprintf(buf, size, "pipe:[%lu]", (unsigned long)st.st_ino);
	else /* eventfd, epoll, timerfd, signalfd: their kind is not known here */
		n = fmt_snprintf(buf, size, "anon_inode:[%lu]", (unsigned long)st.st_ino);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : n;
}

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
