/*
 * fs/node.c - VFS nodes: the rootfs tree (TFS tuples: a directory has
 * children:, a symlink linktarget:, anything else is a regular file) plus
 * the synthetic /dev and /proc/self trees. Types, modes, stat, directory
 * entries, symlink targets, parents (a map built at mount, since tuples
 * have no parent pointers) and absolute paths; the lib/path.c backend.
 * Layer: fs. Callers: fs/vfs.c, fs/special.c, sys/sys_file*.c.
 */
#include "fs/vfs.h"
#include "fs/pagecache.h"
#include "lib/tfs.h"
#include "lib/value.h"

#define DEV_ROOTFS 0x801 /* st_dev of rootfs nodes (8:1) */
#define DEV_DEVFS  0x5
#define DEV_PROCFS 0x4
#define INO_SYNTH  0x100000000ull

/* ---- state set at mount ---- */
static struct value *root_tuple;
static const struct value *program_node;
static const struct symbol *sym_children, *sym_linktarget, *sym_exec, *sym_readonly;
static const struct symbol *sym_mtime, *sym_atime;
/* wall-clock seconds when the rootfs was mounted: the times of nodes that
 * carry none (mkfs records no mtime/atime, like the reference mkfs) */
static u64 mount_sec;

/* parent map: directory tuple -> the directory tuple holding it */
struct pmap_ent {
	const struct value *dir, *parent;
};
static struct pmap_ent *pmap;
static u32 pmap_cap; /* power of two */
static u32 pmap_used;

static u32 ptr_hash(const void *p)
{
	u64 x = (u64)p;

	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	return (u32)x;
}

static const struct value *pmap_get(const struct value *dir)
{
	if (!pmap)
		return NULL;
	for (u32 i = ptr_hash(dir) & (pmap_cap - 1);; i = (i + 1) & (pmap_cap - 1)) {
		if (pmap[i].dir == dir)
			return pmap[i].parent;
		if (!pmap[i].dir)
			return NULL;
	}
}

/* false if dir is already there (a cycle or a shared tuple) */
static bool pmap_put(const struct value *dir, const struct value *parent)
{
	for (u32 i = ptr_hash(dir) & (pmap_cap - 1);; i = (i + 1) & (pmap_cap - 1)) {
		if (pmap[i].dir == dir)
			return false;
		if (!pmap[i].dir) {
			pmap[i].dir = dir;
			pmap[i].parent = parent;
			return true;
		}
	}
}

static const struct value *tfs_children(const struct value *v)
{
	const struct value *c;

	if (!v || v->type != VALUE_TUPLE)
		return NULL;
	c = tuple_get(v, sym_children);
	return c && c->type == VALUE_TUPLE ? c : NULL;
}

static bool tfs_node_is_link(const struct value *v)
{
	const struct value *t;

	if (!v || v->type != VALUE_TUPLE)
		return false;
	t = tuple_get(v, sym_linktarget);
	return t && t->type == VALUE_STRING;
}

/* walk the tree once, breadth first, recording each directory's parent */
static int pmap_build(struct value *root)
{
	const struct value **queue = NULL;
	u32 qlen = 0, qcap = 0, head = 0, ndirs = 1;
	int err = 0;

	/* count directories first to size the map */
	qcap = 64;
	queue = kmalloc(qcap * sizeof(*queue));
	if (!queue)
		return -ENOMEM;
	queue[qlen++] = root;
	pmap_cap = 64;
	pmap = kzalloc(pmap_cap * sizeof(*pmap));
	if (!pmap) {
		err = -ENOMEM;
		goto out;
	}
	pmap_put(root, root);
	while (head < qlen) {
		const struct value *dir = queue[head++];

		const struct value *ch = tfs_children(dir);

		for (u32 i = 0; ch && i < tuple_count(ch); i++) {
			const struct value *v = tuple_at(ch, i)->val;

			if (tfs_node_is_link(v) || !tfs_children(v))
				continue;
			if ((ndirs + 1) * 2 > pmap_cap) { /* grow: rehash */
				struct pmap_ent *old = pmap;
				u32 ocap = pmap_cap;

				pmap_cap *= 2;
				pmap = kzalloc(pmap_cap * sizeof(*pmap));
				if (!pmap) {
					pmap = old;
					pmap_cap = ocap;
					err = -ENOMEM;
					goto out;
				}
				for (u32 j = 0; j < ocap; j++)
					if (old[j].dir)
						pmap_put(old[j].dir, old[j].parent);
				kfree(old);
			}
			if (!pmap_put(v, dir))
				continue; /* seen: never walk a tuple twice */
			ndirs++;
			if (qlen == qcap) {
				const struct value **nq = kmalloc(2 * qcap * sizeof(*nq));

				if (!nq) {
					err = -ENOMEM;
					goto out;
				}
				memcpy(nq, queue, qcap * sizeof(*nq));
				kfree(queue);
				queue = nq;
				qcap *= 2;
			}
			queue[qlen++] = v;
		}
	}
out:
	pmap_used = ndirs;
	kfree(queue);
	return err;
}

struct vnode vnode_root(void)
{
	return (struct vnode){VN_TFS, 0, root_tuple};
}

int vnode_setup(struct value *root)
{
	sym_children = sym("children");
	sym_linktarget = sym("linktarget");
	sym_exec = sym("exec");
	sym_readonly = sym("readonly");
	sym_mtime = sym("mtime");
	sym_atime = sym("atime");
	if (!sym_children || !sym_linktarget || !sym_exec || !sym_readonly || !sym_mtime ||
	    !sym_atime)
		return -ENOMEM;
	root_tuple = root;
	mount_sec = clock_realtime_ns() / 1000000000ull;
	return pmap_build(root);
}

void vnode_set_program(void)
{
	const struct value *prog = tuple_get_cstr(root_tuple, "program");
	struct path_result r;

	if (prog && prog->type == VALUE_STRING &&
	    vfs_lookup_at(AT_FDCWD, (const char *)prog->str.bytes, 0, &r) == 0 &&
	    vnode_from_path(r.node).kind == VN_TFS)
		program_node = r.node.p;
}

enum vnode_etc vnode_etc_state(const struct value **etc)
{
	const struct value *ch = tfs_children(root_tuple), *e, *r;
	const struct symbol *s = sym_find("etc", 3), *rs;

	e = ch && s ? tuple_get(ch, s) : NULL;
	if (etc)
		*etc = e;
	if (!e)
		return VN_ETC_NONE;
	if (tfs_node_is_link(e) || !tfs_children(e))
		return VN_ETC_IMAGE; /* a file or a symlink */
	rs = sym_find("resolv.conf", 11);
	r = rs ? tuple_get(tfs_children(e), rs) : NULL;
	return r ? VN_ETC_IMAGE : VN_ETC_DIR;
}

bool vnode_is_program(const struct vnode *vn)
{
	return vn->kind == VN_TFS && program_node && vn->tfs == program_node;
}

int vnode_pmap_set(const struct value *dir, const struct value *parent)
{
	for (u32 i = pmap ? ptr_hash(dir) & (pmap_cap - 1) : 0; pmap && pmap[i].dir;
	     i = (i + 1) & (pmap_cap - 1)) {
		if (pmap[i].dir == dir) {
			pmap[i].parent = parent;
			return 0;
		}
	}
	if (!pmap || (pmap_used + 1) * 2 > pmap_cap) { /* grow: rehash */
		struct pmap_ent *old = pmap;
		u32 ocap = pmap_cap;

		pmap_cap = pmap_cap ? pmap_cap * 2 : 64;
		pmap = kzalloc(pmap_cap * sizeof(*pmap));
		if (!pmap) {
			pmap = old;
			pmap_cap = ocap;
			return -ENOMEM;
		}
		for (u32 j = 0; j < ocap; j++)
			if (old[j].dir)
				pmap_put(old[j].dir, old[j].parent);
		kfree(old);
	}
	pmap_put(dir, parent);
	pmap_used++;
	return 0;
}

/* ---- basic properties ---- */

bool vnode_eq(const struct vnode *a, const struct vnode *b)
{
	return a->kind == b->kind && a->arg == b->arg && a->tfs == b->tfs;
}

enum path_type vnode_type(const struct vnode *vn)
{
	switch (vn->kind) {
	case VN_TFS:
		if (tfs_node_is_link(vn->tfs))
			return PATH_T_SYMLINK;
		if (vn->tfs == root_tuple || tfs_children(vn->tfs))
			return PATH_T_DIR;
		return PATH_T_FILE;
	case VN_DEV_DIR:
	case VN_PROC_DIR:
	case VN_PROC_SELF:
	case VN_PROC_FDS:
		return PATH_T_DIR;
	case VN_DEV:
		return (dev_table[vn->arg].mode & S_IFMT) == S_IFLNK ? PATH_T_SYMLINK : PATH_T_FILE;
	case VN_PROC_LINK:
	case VN_PROC_FD:
		return PATH_T_SYMLINK;
	case VN_PROC_NODE:
		return proc_node_type(vn);
	default:
		return PATH_T_NONE;
	}
}

u32 vnode_mode(const struct vnode *vn)
{
	if (vn->kind == VN_PROC_NODE)
		return proc_node_mode(vn);
	switch (vnode_type(vn)) {
	case PATH_T_DIR:
		return vn->kind == VN_PROC_FDS ? S_IFDIR | 0500 : S_IFDIR | 0755;
	case PATH_T_SYMLINK:
		return S_IFLNK | 0777;
	case PATH_T_FILE:
		if (vn->kind == VN_DEV)
			return dev_table[vn->arg].mode;
		if (vn->tfs->type != VALUE_TUPLE)
			return S_IFREG | 0644;
		if (vn->tfs == program_node || tuple_get(vn->tfs, sym_exec))
			return S_IFREG | (tuple_get(vn->tfs, sym_readonly) ? 0555 : 0755);
		return S_IFREG | (tuple_get(vn->tfs, sym_readonly) ? 0444 : 0644);
	default:
		return 0;
	}
}

u64 vnode_ino(const struct vnode *vn)
{
	if (vn->kind == VN_TFS)
		return vn->tfs->tfs_idx ? vn->tfs->tfs_idx
					: INO_SYNTH * 2 + ((u64)vn->tfs >> 4 & 0xffffffffull);
	return INO_SYNTH + ((u64)vn->kind << 20) + vn->arg;
}

/* TFS time attributes: Nanos-style 32.32 fixed-point seconds when large,
 * plain seconds otherwise; the mount time when absent (0, the epoch, is
 * what gzip calls "file timestamp out of range") */
static void tfs_time(const struct value *node, const struct symbol *key, u64 *sec, u64 *nsec)
{
	const struct value *v = node->type == VALUE_TUPLE ? tuple_get(node, key) : NULL;
	s64 t;

	*sec = mount_sec;
	*nsec = 0;
	if (!v || value_to_s64(v, &t) || t < 0)
		return;
	*sec = 0;
	if ((u64)t >= (1ull << 40)) {
		*sec = (u64)t >> 32;
		*nsec = (((u64)t & 0xffffffffull) * 1000000000ull) >> 32;
	} else {
		*sec = (u64)t;
	}
}

int vnode_stat(const struct vnode *vn, struct kstat *st)
{
	enum path_type t = vnode_type(vn);

	memset(st, 0, sizeof(*st));
	if (t == PATH_T_NONE)
		return -ENOENT;
	st->st_ino = vnode_ino(vn);
	st->st_mode = vnode_mode(vn);
	st->st_nlink = 1;
	st->st_blksize = 4096;
	st->st_dev = vn->kind == VN_TFS				      ? DEV_ROOTFS
		     : (vn->kind == VN_DEV_DIR || vn->kind == VN_DEV) ? DEV_DEVFS
								      : DEV_PROCFS;
	if (t == PATH_T_DIR) {
		const struct value *ch = vn->kind == VN_TFS ? tfs_children(vn->tfs) : NULL;

		st->st_nlink = 2;
		for (u32 i = 0; ch && i < tuple_count(ch); i++) {
			const struct value *v = tuple_at(ch, i)->val;

			if (!tfs_node_is_link(v) && tfs_children(v))
				st->st_nlink++;
		}
		if (vn->kind == VN_TFS && vn->tfs == root_tuple) /* /dev, /proc, /sys (/etc) */
			st->st_nlink += vnode_etc_state(NULL) == VN_ETC_NONE ? 4 : 3;
		st->st_size = 4096;
		st->st_blocks = 8;
	} else if (t == PATH_T_SYMLINK) {
		st->st_size = vnode_link_len(vn);
	} else if (vn->kind == VN_DEV) {
		st->st_rdev = dev_table[vn->arg].rdev;
	} else if (vn->kind == VN_PROC_NODE) {
		st->st_size = 0; /* as Linux: the size is known only by reading */
	} else {
		st->st_size = (s64)pagecache_size(vn->tfs); /* the cache may be ahead */
		st->st_blocks = (s64)(ALIGN_UP((u64)st->st_size, 4096) / 512);
	}
	if (vn->kind == VN_TFS) {
		tfs_time(vn->tfs, sym_mtime, &st->st_mtime_sec, &st->st_mtime_nsec);
		tfs_time(vn->tfs, sym_atime, &st->st_atime_sec, &st->st_atime_nsec);
		st->st_ctime_sec = st->st_mtime_sec;
		st->st_ctime_nsec = st->st_mtime_nsec;
	} else { /* /dev, /proc, /sys: since the mount, like a fresh devtmpfs */
		st->st_mtime_sec = st->st_atime_sec = st->st_ctime_sec = mount_sec;
	}
	return 0;
}

/* ---- synthetic directories ---- */

static bool has_slash(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] == '/')
			return true;
	return false;
}

static const char *const proc_self_names[] = {"exe", "cwd", "fd"};

s64 vnode_readlink(const struct vnode *vn, char *buf, size_t size)
{
	const struct value *t;
	const char *s;
	size_t n;

	switch (vn->kind) {
	case VN_TFS:
		if (!tfs_node_is_link(vn->tfs))
			return -EINVAL;
		t = tuple_get(vn->tfs, sym_linktarget);
		if (t->str.len >= size)
			return -ENAMETOOLONG;
		memcpy(buf, t->str.bytes, t->str.len);
		buf[t->str.len] = 0;
		return (s64)t->str.len;
	case VN_DEV:
		s = dev_table[vn->arg].link;
		if (!s)
			return -EINVAL;
		n = strlen(s);
		if (n >= size)
			return -ENAMETOOLONG;
		memcpy(buf, s, n + 1);
		return (s64)n;
	case VN_PROC_LINK:
		if (vn->arg == 0) { /* exe */
			t = tuple_get_cstr(root_tuple, "program");
			if (!t || t->type != VALUE_STRING)
				return -ENOENT;
			if (t->str.len >= size)
				return -ENAMETOOLONG;
			memcpy(buf, t->str.bytes, t->str.len + 1);
			return (s64)t->str.len;
		} else { /* cwd */
			struct vnode cwd = vfs_cwd();

			return vnode_path(&cwd, NULL, buf, size);
		}
	case VN_PROC_NODE:
		return proc_readlink(vn, buf, size);
	case VN_PROC_FD: {
		struct file *f = fd_get((int)vn->arg);
		s64 r;

		if (!f)
			return -ENOENT;
		if (f->vn.kind == VN_NONE) /* socket:[ino], pipe:[ino], anon_inode:[...] */
			r = proc_fd_link(f, buf, size);
		else
			r = vnode_path(&f->vn, &f->parent, buf, size);
		file_put(f);
		return r;
	}
	default:
		return -EINVAL;
	}
}

/* a link's target length (st_size) without a page-sized stack buffer */
s64 vnode_link_len(const struct vnode *vn)
{
	char *buf;
	s64 n;

	if (vn->kind == VN_TFS && tfs_node_is_link(vn->tfs))
		return (s64)tuple_get(vn->tfs, sym_linktarget)->str.len;
	if (vn->kind == VN_DEV && dev_table[vn->arg].link)
		return (s64)strlen(dev_table[vn->arg].link);
	buf = kmalloc(PATH_MAX_LEN);
	if (!buf)
		return 0;
	n = vnode_readlink(vn, buf, PATH_MAX_LEN);
	kfree(buf);
	return n > 0 ? n : 0;
}

int vnode_dirent(const struct vnode *dir, u64 i, const char **name, size_t *len,
		 struct vnode *child)
{
	const struct value *ch;

	switch (dir->kind) {
	case VN_TFS:
		ch = tfs_children(dir->tfs);
		if (ch && i < tuple_count(ch)) {
			const struct tuple_entry *e = tuple_at(ch, (u32)i);

			*name = e->key->name;
			*len = e->key->len;
			*child = (struct vnode){VN_TFS, 0, e->val};
			/* /dev and /proc are synthetic; a TFS entry of the
			 * same name at the root is hidden */
			if (dir->tfs == root_tuple &&
			    (strcmp(*name, "dev") == 0 || strcmp(*name, "proc") == 0 ||
			     strcmp(*name, "sys") == 0))
				return 0;
			/* entries with a '/' or an empty name cannot be named */
			if (!*len || has_slash(*name, *len))
				return 0;
			return 1;
		}
		i -= ch ? tuple_count(ch) : 0;
		if (dir->tfs != root_tuple) { /* /etc/resolv.conf the image lacks */
			const struct value *etc;

			if (i || vnode_etc_state(&etc) != VN_ETC_DIR || dir->tfs != etc)
				return -ENOENT;
			*name = "resolv.conf";
			*child = proc_etc_node(false);
		} else if (i == 0) {
			*name = "dev";
			*child = (struct vnode){VN_DEV_DIR, 0, NULL};
		} else if (i == 1) {
			*name = "proc";
			*child = (struct vnode){VN_PROC_DIR, 0, NULL};
		} else if (i == 2) {
			*name = "sys";
			*child = proc_sys_root();
		} else if (i == 3 && vnode_etc_state(NULL) == VN_ETC_NONE) {
			*name = "etc";
			*child = proc_etc_node(true);
		} else {
			return -ENOENT;
		}
		*len = strlen(*name);
		return 1;
	case VN_DEV_DIR:
		if (i >= dev_count)
			return -ENOENT;
		*name = dev_table[i].name;
		*len = strlen(*name);
		*child = (struct vnode){VN_DEV, (u32)i, NULL};
		return 1;
	case VN_PROC_DIR:
		if (i > 0)
			return proc_dirent(dir, i - 1, name, len, child);
		*name = "self";
		*len = 4;
		*child = (struct vnode){VN_PROC_SELF, 0, NULL};
		return 1;
	case VN_PROC_SELF:
		if (i >= ARRAY_SIZE(proc_self_names))
			return proc_dirent(dir, i - ARRAY_SIZE(proc_self_names), name, len, child);
		*name = proc_self_names[i];
		*len = strlen(*name);
		*child = i == 2 ? (struct vnode){VN_PROC_FDS, 0, NULL}
				: (struct vnode){VN_PROC_LINK, (u32)i, NULL};
		return 1;
	case VN_PROC_FDS: {
		static char numbuf[12];
		int fd = i < FD_MAX ? fd_each_open((int)i) : -1;
		char tmp[12];
		size_t n = 0;

		if (fd < 0)
			return -ENOENT;
		if ((u64)fd != i)
			return 0;
		do {
			tmp[n++] = (char)('0' + fd % 10);
			fd /= 10;
		} while (fd);
		for (size_t k = 0; k < n; k++)
			numbuf[k] = tmp[n - 1 - k];
		numbuf[n] = 0;
		*name = numbuf;
		*len = n;
		*child = (struct vnode){VN_PROC_FD, (u32)i, NULL};
		return 1;
	}
	case VN_PROC_NODE:
		return proc_dirent(dir, i, name, len, child);
	default:
		return -ENOTDIR;
	}
}

struct vnode vnode_parent(const struct vnode *dir)
{
	const struct value *p;

	switch (dir->kind) {
	case VN_TFS:
		p = pmap_get(dir->tfs);
		return (struct vnode){VN_TFS, 0, (struct value *)(p ? p : root_tuple)};
	case VN_PROC_SELF:
		return (struct vnode){VN_PROC_DIR, 0, NULL};
	case VN_PROC_FDS:
		return (struct vnode){VN_PROC_SELF, 0, NULL};
	case VN_PROC_NODE:
		return proc_parent(dir);
	default:
		return vnode_root();
	}
}

/* name of child in dir (a linear scan of dir's entries) */
static int vnode_name_in(const struct vnode *dir, const struct vnode *child, const char **name,
			 size_t *len)
{
	struct vnode c;

	for (u64 i = 0;; i++) {
		int r = vnode_dirent(dir, i, name, len, &c);

		if (r < 0)
			return -ENOENT;
		if (r > 0 && vnode_eq(&c, child))
			return 0;
	}
}

s64 vnode_path(const struct vnode *vn, const struct vnode *parent, char *buf, size_t size)
{
	struct vnode cur = *vn, up;
	size_t pos = size; /* built backwards from the end of buf */
	unsigned guard = 0;

	if (size < 2)
		return -ENAMETOOLONG;
	buf[--pos] = 0;
	while (!(cur.kind == VN_TFS && cur.tfs == root_tuple)) {
		const char *name;
		size_t len;

		if (vnode_type(&cur) == PATH_T_DIR || !parent)
			up = vnode_parent(&cur);
		else
			up = *parent;
		parent = NULL;
		if (vnode_name_in(&up, &cur, &name, &len))
			return -ENOENT;
		if (len + 1 > pos)
			return -ENAMETOOLONG;
		pos -= len;
		memcpy(buf + pos, name, len);
		buf[--pos] = '/';
		cur = up;
		if (++guard > PATH_MAX_LEN)
			return -ELOOP;
	}
	if (pos == size - 1)
		buf[--pos] = '/';
	memmove(buf, buf + pos, size - pos);
	return (s64)(size - pos - 1);
}

/* ---- lib/path.c backend ---- */

static struct vnode pn_to_vn(struct path_node n)
{
	return (struct vnode){(u32)n.aux, (u32)(n.aux >> 32), n.p};
}

struct path_node vn_to_pn(const struct vnode *vn)
{
	return (struct path_node){vn->tfs, (u64)vn->kind | ((u64)vn->arg << 32)};
}

struct vnode vnode_from_path(struct path_node n)
{
	return pn_to_vn(n);
}

static enum path_type pfs_type(void *ctx, struct path_node n)
{
	struct vnode vn = pn_to_vn(n);

	return vnode_type(&vn);
}

/* a name the image lacks in a TFS directory: /etc or /etc/resolv.conf
 * (fs/proc.c serves them), else -ENOENT */
static int vnode_etc_lookup(const struct vnode *d, const char *name, size_t len,
			    struct path_node *out)
{
	const struct value *etc;
	enum vnode_etc st = vnode_etc_state(&etc);
	struct vnode c;

	if (d->tfs == root_tuple && st == VN_ETC_NONE && len == 3 && !memcmp(name, "etc", 3))
		c = proc_etc_node(true);
	else if (st == VN_ETC_DIR && d->tfs == etc && len == 11 && !memcmp(name, "resolv.conf", 11))
		c = proc_etc_node(false);
	else
		return -ENOENT;
	*out = vn_to_pn(&c);
	return 0;
}

static int pfs_lookup(void *ctx, struct path_node dir, const char *name, size_t len,
		      struct path_node *out)
{
	struct vnode d = pn_to_vn(dir), c;
	const struct value *ch, *v;
	const struct symbol *s;
	const char *n;
	size_t nl;

	if (d.kind == VN_TFS) {
		if (d.tfs == root_tuple) {
			if (len == 3 && memcmp(name, "dev", 3) == 0) {
				c = (struct vnode){VN_DEV_DIR, 0, NULL};
				goto found;
			}
			if (len == 4 && memcmp(name, "proc", 4) == 0) {
				c = (struct vnode){VN_PROC_DIR, 0, NULL};
				goto found;
			}
			if (len == 3 && memcmp(name, "sys", 3) == 0) {
				c = proc_sys_root();
				goto found;
			}
		}
		ch = tfs_children(d.tfs);
		s = sym_find(name, len);
		v = ch && s ? tuple_get(ch, s) : NULL;
		if (!v)
			return vnode_etc_lookup(&d, name, len, out);
		c = (struct vnode){VN_TFS, 0, (struct value *)v};
		goto found;
	}
	if (d.kind == VN_PROC_FDS) {
		u64 fd = 0;
		struct file *f;

		for (size_t i = 0; i < len; i++) {
			if (name[i] < '0' || name[i] > '9' || fd > FD_MAX)
				return -ENOENT;
			fd = fd * 10 + (u64)(name[i] - '0');
		}
		if (len == 0 || (len > 1 && name[0] == '0') || fd >= FD_MAX)
			return -ENOENT;
		f = fd_get((int)fd);
		if (!f)
			return -ENOENT;
		file_put(f);
		c = (struct vnode){VN_PROC_FD, (u32)fd, NULL};
		goto found;
	}
	/* the small synthetic directories: scan */
	for (u64 i = 0;; i++) {
		int r = vnode_dirent(&d, i, &n, &nl, &c);

		if (r < 0)
			return -ENOENT;
		if (r > 0 && nl == len && memcmp(n, name, len) == 0)
			goto found;
	}
found:
	*out = vn_to_pn(&c);
	return 0;
}

static struct path_node pfs_parent(void *ctx, struct path_node dir)
{
	struct vnode d = pn_to_vn(dir), p = vnode_parent(&d);

	return vn_to_pn(&p);
}

static s64 pfs_readlink(void *ctx, struct path_node link, char *buf, size_t size)
{
	struct vnode l = pn_to_vn(link);

	return vnode_readlink(&l, buf, size);
}

void vnode_path_fs(struct path_fs *fs)
{
	struct vnode r = vnode_root();

	fs->ctx = NULL;
	fs->root = vn_to_pn(&r);
	fs->type = pfs_type;
	fs->lookup = pfs_lookup;
	fs->parent = pfs_parent;
	fs->readlink = pfs_readlink;
}
