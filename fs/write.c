/*
 * fs/write.c - the VFS write path over the rootfs TFS tree: creating,
 * writing, truncating, allocating, removing and renaming nodes, symlinks,
 * times, and sync. Every change goes through the shared TFS core
 * (lib/tfs.h, lib/tfs_file.h): tree changes are tfs_set calls, logged as
 * incremental EAV records; file data goes to free extents.
 * Write permission: -EROFS everywhere when the manifest has
 * readonly_rootfs:t; the program file is read-only unless
 * program_overwrite:t.
 * File data goes through the page cache (fs/pagecache.c): write() fills
 * cached pages, the cache writes them back with vfs_data_write; fsync and
 * sync write the file's (every file's) dirty pages, then the log.
 * Unlinked files that are still open keep their data until the last
 * close (vfs_file_released); removed files' sectors are reused only after
 * the removal is synced (vfs_release_deferred), and so are the sectors a
 * truncate or punched hole takes (lib: tfs_set_defer_release).
 * The namespace changes (mkdir, symlink, unlink, rename) are in
 * fs/write_ns.c; the helpers both files use are in fs/write_int.h.
 * Layer: fs. Callers: fs/vfs.c (open, tfs_file_ops), fs/pagecache.c,
 * sys/sys_fswrite.c.
 */
#include "fs/write_int.h"
#include "fs/pagecache.h"
#include "lib/format.h"
#include "lib/tfs.h"
#include "lib/tfs_file.h"
#include "lib/value.h"

bool vfs_readonly;
bool vfs_program_rw;

#define ORPHAN_MAX 64
static struct value *orphans[ORPHAN_MAX];

const struct symbol *vfs_sym_children(void)
{
	return sym("children");
}

int vfs_write_check(const struct vnode *vn)
{
	if (vfs_readonly || !vfs_tfs())
		return -EROFS;
	if (vn && vn->kind != VN_TFS)
		return -EACCES;
	if (vn && vnode_is_program(vn) && !vfs_program_rw)
		return -EROFS;
	pagecache_meta_dirty(); /* a change follows: the writeback thread syncs it */
	return 0;
}

/* ---- times ---- */

/* Nanos-style 32.32 fixed-point seconds (fs/node.c reads both forms) */
static struct value *time_value(u64 sec, u64 nsec)
{
	return value_integer((s64)((sec << 32) | ((nsec << 32) / 1000000000ull)));
}

static struct value *time_now(void)
{
	u64 ns = clock_realtime_ns();

	return time_value(ns / 1000000000ull, ns % 1000000000ull);
}

int vfs_touch(struct value *node, bool atime_too)
{
	int err = tfs_set(vfs_tfs(), node, sym("mtime"), time_now());

	if (!err && atime_too)
		err = tfs_set(vfs_tfs(), node, sym("atime"), time_now());
	return err;
}

static int vfs_set_times_locked(const struct vnode *vn, const u64 sec[2], const u64 nsec[2], const bool set[2])
{
	static const char *const keys[2] = {"atime", "mtime"};
	int err = vfs_write_check(NULL);

	if (err)
		return err;
	if (vn->kind != VN_TFS)
		return 0; /* /dev, /proc: nothing to record */
	for (int i = 0; i < 2; i++) {
		if (!set[i])
			continue;
		err = tfs_set(vfs_tfs(), vn->tfs, sym(keys[i]), time_value(sec[i], nsec[i]));
		if (err)
			return err;
	}
	return 0;
}

/* ---- parent directory + final name ---- */

/* resolve everything but the last component of path; never follows the
 * last component */
int vfs_where_at(int dirfd, const char *path, struct vfs_where *w)
{
	size_t n = strlen(path), end, start;
	struct path_result r;
	char *dir;
	int err;

	memset(w, 0, sizeof(*w));
	if (!n)
		return -ENOENT;
	end = n;
	while (end > 1 && path[end - 1] == '/')
		end--;
	w->trailing_slash = end != n;
	start = end;
	while (start && path[start - 1] != '/')
		start--;
	if (start == end) /* "/" */
		return -EBUSY;
	if (end - start > PATH_NAME_MAX)
		return -ENAMETOOLONG;
	if ((end - start == 1 && path[start] == '.') ||
	    (end - start == 2 && path[start] == '.' && path[start + 1] == '.'))
		w->dot = true;
	w->dotdot = w->dot && end - start == 2;
	dir = kmalloc(start + 2);
	if (!dir)
		return -ENOMEM;
	if (start) {
		memcpy(dir, path, start);
		dir[start] = 0;
	} else { /* a bare name: the start directory */
		dir[0] = '.';
		dir[1] = 0;
	}
	err = vfs_lookup_at(dirfd, dir, 0, &r);
	kfree(dir);
	if (err)
		return err;
	if (r.type != PATH_T_DIR)
		return -ENOTDIR;
	w->dir = vnode_from_path(r.node);
	if (w->dot)
		return 0;
	if (w->dir.kind != VN_TFS)
		return -EACCES;
	if (w->dir.tfs == vnode_root().tfs &&
	    ((end - start == 3 && !memcmp(path + start, "dev", 3)) ||
	     (end - start == 4 && !memcmp(path + start, "proc", 4))))
		return -EBUSY; /* the synthetic mount points */
	w->name = sym_intern(path + start, end - start);
	if (!w->name)
		return -ENOMEM;
	w->children = tuple_get(w->dir.tfs, vfs_sym_children());
	if (w->children && w->children->type != VALUE_TUPLE)
		return -EUCLEAN;
	w->node = w->children ? tuple_get(w->children, w->name) : NULL;
	return 0;
}

int vfs_children_make(struct vfs_where *w)
{
	int err;

	if (w->children)
		return 0;
	err = tfs_set(vfs_tfs(), w->dir.tfs, vfs_sym_children(), value_tuple());
	if (err)
		return err;
	w->children = tuple_get(w->dir.tfs, vfs_sym_children());
	return w->children ? 0 : -ENOMEM;
}

bool vfs_node_is_dir(const struct value *v)
{
	const struct value *c = v && v->type == VALUE_TUPLE ? tuple_get(v, vfs_sym_children()) : NULL;

	return c && c->type == VALUE_TUPLE && !tuple_get(v, sym("linktarget"));
}

bool vfs_dir_is_empty(const struct value *v)
{
	const struct value *c = tuple_get(v, vfs_sym_children());

	return !c || tuple_count(c) == 0;
}

/* a new node under w (which must not exist): node's ownership passes */
int vfs_link_new(struct vfs_where *w, struct value *node)
{
	int err = vfs_children_make(w);

	if (err) {
		value_free(node);
		return err;
	}
	err = tfs_set(vfs_tfs(), w->children, w->name, node);
	if (err)
		return err;
	w->node = tuple_get(w->children, w->name);
	if (!err && vfs_node_is_dir(w->node))
		err = vnode_pmap_set(w->node, w->dir.tfs);
	return err;
}

struct value *vfs_new_node(void)
{
	struct value *n = value_tuple();

	if (n &&
	    (tuple_set(n, sym("mtime"), time_now()) || tuple_set(n, sym("atime"), time_now()))) {
		value_free(n);
		return NULL;
	}
	return n;
}

/* ---- open files of a node, orphans ---- */

static bool node_is_open(const struct value *node, const struct file *except)
{
	for (int fd = fd_each_open(0); fd >= 0; fd = fd_each_open(fd + 1)) {
		struct file *f = fd_get(fd);
		bool hit = f && f != except && f->vn.kind == VN_TFS && f->vn.tfs == node;

		if (f)
			file_put(f);
		if (hit)
			return true;
	}
	return false;
}

/* Sectors of removed nodes go back to the free map only after the record
 * that removed them is on the disk (vfs_release_deferred, called by
 * fs_sync after the log flush): reusing them earlier could overwrite the
 * data of a file that a crash brings back. */
static struct value **deferred;
static u32 ndeferred, deferred_cap;

static void vfs_release_later(struct value *node)
{
	pagecache_node_gone(node); /* its cached pages must not be written now */
	if (ndeferred == deferred_cap) {
		u32 ncap = deferred_cap ? deferred_cap * 2 : 64;
		struct value **n = kmalloc(ncap * sizeof(*n));

		if (!n) { /* no memory: the crash window is the lesser evil */
			tfs_node_release_space(vfs_tfs(), node);
			return;
		}
		if (deferred)
			memcpy(n, deferred, ndeferred * sizeof(*n));
		kfree(deferred);
		deferred = n;
		deferred_cap = ncap;
	}
	deferred[ndeferred++] = node;
}

void vfs_release_deferred(void)
{
	for (u32 i = 0; i < ndeferred; i++)
		tfs_node_release_space(vfs_tfs(), deferred[i]);
	ndeferred = 0;
}

/* ENOSPC with removed files' sectors pending: sync (which frees them) */
static bool vfs_retry_nospc(int err)
{
	return err == -ENOSPC && ndeferred && fs_sync() == 0;
}

/* node left the tree: free its data after the next sync, or after its
 * last close */
void vfs_node_gone(struct value *node)
{
	if (node_is_open(node, NULL)) {
		for (int i = 0; i < ORPHAN_MAX; i++) {
			if (!orphans[i]) {
				orphans[i] = node;
				return;
			}
		}
		return; /* table full: its space stays used until the next mount */
	}
	vfs_release_later(node);
}

static void vfs_file_released(struct file *f)
{
	if (f->vn.kind != VN_TFS)
		return;
	for (int i = 0; i < ORPHAN_MAX; i++) {
		if (orphans[i] == f->vn.tfs && !node_is_open(f->vn.tfs, f)) {
			vfs_release_later(orphans[i]);
			orphans[i] = NULL;
		}
	}
}

/* ---- create / open ---- */

static int vfs_create_at_locked(int dirfd, const char *path, bool excl, struct vnode *vn, struct vnode *parent)
{
	struct vfs_where w;
	struct value *node;
	int err = vfs_where_at(dirfd, path, &w);

	if (err)
		return err;
	if (w.dot)
		return -EISDIR;
	if (w.node)
		return excl ? -EEXIST : -EAGAIN; /* EAGAIN: appeared meanwhile, reopen */
	if (w.trailing_slash)
		return -EISDIR;
	err = vfs_write_check(&w.dir);
	if (err)
		return err;
	node = vfs_new_node();
	if (!node)
		return -ENOMEM;
	err = vfs_link_new(&w, node);
	if (err)
		return err;
	*vn = (struct vnode){VN_TFS, 0, w.node};
	*parent = w.dir;
	return 0;
}

/* O_TMPFILE: a new file in the directory at path that has no name: it
 * is created under a hidden name and that name is removed at once (both
 * records are logged together, so a crash keeps neither or both); the
 * node is an orphan like an unlinked open file, its sectors freed after
 * the last close. It can never get a name (link is EPERM on TFS). */
static int vfs_tmpfile_at_locked(int dirfd, const char *path, struct vnode *vn, struct vnode *parent)
{
	static u64 serial;
	struct path_result r;
	struct vfs_where w;
	struct value *node;
	char name[40];
	int err, slot;

	err = vfs_lookup_at(dirfd, path, 0, &r);
	if (err)
		return err;
	if (r.type != PATH_T_DIR)
		return -ENOTDIR;
	memset(&w, 0, sizeof(w));
	w.dir = vnode_from_path(r.node);
	if (w.dir.kind != VN_TFS)
		return -EOPNOTSUPP;
	err = vfs_write_check(&w.dir);
	if (err)
		return err;
	for (slot = 0; slot < ORPHAN_MAX && orphans[slot]; slot++)
		;
	if (slot == ORPHAN_MAX)
		return -ENOSPC; /* too many unnamed open files */
	snprintf(name, sizeof(name), ".monos-tmpfile-%llu", (unsigned long long)++serial);
	w.name = sym(name);
	if (!w.name)
		return -ENOMEM;
	w.children = tuple_get(w.dir.tfs, vfs_sym_children());
	if (w.children && tuple_get(w.children, w.name))
		return -EEXIST;
	node = vfs_new_node();
	if (!node)
		return -ENOMEM;
	err = vfs_link_new(&w, node);
	if (err)
		return err;
	err = tfs_set(vfs_tfs(), w.children, w.name, NULL);
	if (err)
		return err;
	orphans[slot] = w.node;
	*vn = (struct vnode){VN_TFS, 0, w.node};
	*parent = w.dir;
	return 0;
}

/* ---- data ---- */

/* the page cache's writeback: data sectors first, records queued */
int vfs_data_write(struct value *node, const void *kbuf, u64 off, u64 len)
{
	int err = tfs_file_write(vfs_tfs(), node, kbuf, off, len);

	if (vfs_retry_nospc(err))
		err = tfs_file_write(vfs_tfs(), node, kbuf, off, len);
	return err;
}

int vfs_data_truncate(struct value *node, u64 len)
{
	if (len == tfs_file_length(node) && tuple_get(node, sym("filelength")))
		return 0;
	return tfs_file_truncate(vfs_tfs(), node, len);
}

int vfs_data_punch(struct value *node, u64 off, u64 len)
{
	return tfs_file_punch(vfs_tfs(), node, off, len);
}

s64 vfs_file_pwrite(struct file *f, const void *kbuf, u64 len, u64 off)
{
	int err = vfs_write_check(&f->vn);
	s64 n;

	if (err)
		return err;
	if (!len)
		return 0;
	n = pagecache_write(f->vn.tfs, kbuf, off, len);
	if (n <= 0)
		return n;
	f->priv = (void *)1; /* mtime is set at fsync/close */
	if (f->flags & (O_SYNC | O_DSYNC)) {
		err = vfs_sync_file(f);
		if (err)
			return err;
	}
	return n;
}

s64 vfs_file_write(struct file *f, const void *kbuf, u64 len)
{
	s64 n;

	if (f->flags & O_APPEND)
		f->pos = pagecache_size(f->vn.tfs);
	n = vfs_file_pwrite(f, kbuf, len, f->pos);
	if (n > 0)
		f->pos += (u64)n;
	return n;
}

static int vfs_truncate_locked(const struct vnode *vn, u64 len)
{
	int err = vfs_write_check(vn);

	if (err)
		return err;
	if (vnode_type(vn) == PATH_T_DIR)
		return -EISDIR;
	if (vnode_type(vn) != PATH_T_FILE)
		return -EINVAL;
	if (len > ((u64)1 << 62))
		return -EFBIG;
	if (len != pagecache_size(vn->tfs) || !tuple_get(vn->tfs, sym("filelength"))) {
		err = pagecache_truncate(vn->tfs, len);
		if (err)
			return err;
	}
	return vfs_touch(vn->tfs, false);
}

static int vfs_fallocate_locked(struct file *f, u64 off, u64 len, bool keep_size)
{
	int err = vfs_write_check(&f->vn);

	if (err)
		return err;
	/* the disk gets the cached data first; the cache then takes the
	 * length the allocation gave the file */
	err = pagecache_settle(f->vn.tfs);
	if (err)
		return err;
	err = tfs_file_allocate(vfs_tfs(), f->vn.tfs, off, len, keep_size);
	if (vfs_retry_nospc(err))
		err = tfs_file_allocate(vfs_tfs(), f->vn.tfs, off, len, keep_size);
	if (!err)
		err = pagecache_settle(f->vn.tfs);
	return err;
}

static int vfs_punch_hole_locked(struct file *f, u64 off, u64 len)
{
	int err = vfs_write_check(&f->vn);

	if (err)
		return err;
	err = pagecache_punch(f->vn.tfs, off, len);
	if (!err)
		f->priv = (void *)1;
	return err;
}

static int vfs_sync_file_locked(struct file *f)
{
	int err;

	if (!vfs_tfs() || vfs_readonly)
		return 0;
	if (f && f->priv && f->vn.kind == VN_TFS) {
		err = vfs_touch(f->vn.tfs, false);
		if (err)
			return err;
		f->priv = NULL;
	}
	err = pagecache_writeback(f && f->vn.kind == VN_TFS ? f->vn.tfs : NULL);
	if (err)
		return err;
	return fs_sync();
}

static void vfs_file_closing_locked(struct file *f)
{
	if (f->priv && f->vn.kind == VN_TFS && !vfs_readonly)
		vfs_touch(f->vn.tfs, false);
	f->priv = NULL;
	vfs_file_released(f);
}

bool vfs_compact_safe(void)
{
	static char buf[PATH_MAX_LEN];

	for (int i = 0; i < ORPHAN_MAX; i++)
		if (orphans[i])
			return false;
	for (int fd = fd_each_open(0); fd >= 0; fd = fd_each_open(fd + 1)) {
		struct file *f = fd_get(fd);
		bool bad = f && f->vn.kind == VN_TFS &&
			   vnode_path(&f->vn, &f->parent, buf, sizeof(buf)) < 0;

		if (f)
			file_put(f);
		if (bad)
			return false;
	}
	return true;
}

/* ---- the filesystem lock ----
 * Device waits sleep, so another thread (or the page cache's writeback
 * thread) may run while one is inside the TFS core: every change below
 * and in fs/write_ns.c runs under the page cache's lock (recursive:
 * fs_sync and the cache's own calls nest; VFS_LOCKED), so TFS changes
 * never interleave. */

int vfs_set_times(const struct vnode *vn, const u64 sec[2], const u64 nsec[2], const bool set[2])
{
	return VFS_LOCKED(vfs_set_times_locked(vn, sec, nsec, set));
}

int vfs_create_at(int dirfd, const char *path, bool excl, struct vnode *vn, struct vnode *parent)
{
	return VFS_LOCKED(vfs_create_at_locked(dirfd, path, excl, vn, parent));
}

int vfs_tmpfile_at(int dirfd, const char *path, struct vnode *vn, struct vnode *parent)
{
	return VFS_LOCKED(vfs_tmpfile_at_locked(dirfd, path, vn, parent));
}

int vfs_truncate(const struct vnode *vn, u64 len)
{
	return VFS_LOCKED(vfs_truncate_locked(vn, len));
}

int vfs_fallocate(struct file *f, u64 off, u64 len, bool keep_size)
{
	return VFS_LOCKED(vfs_fallocate_locked(f, off, len, keep_size));
}

int vfs_punch_hole(struct file *f, u64 off, u64 len)
{
	return VFS_LOCKED(vfs_punch_hole_locked(f, off, len));
}

int vfs_sync_file(struct file *f)
{
	return VFS_LOCKED(vfs_sync_file_locked(f));
}

void vfs_file_closing(struct file *f)
{
	pagecache_lock();
	vfs_file_closing_locked(f);
	pagecache_unlock();
}
