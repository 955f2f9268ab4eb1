/*
 * fs/write_ns.c - the namespace half of the VFS write path: mkdir,
 * symlink, unlink/rmdir and rename (RENAME_NOREPLACE, RENAME_EXCHANGE) of
 * rootfs TFS nodes, each under the filesystem lock. Tree changes are
 * tfs_set calls (logged as EAV records); a removed file's data is freed
 * through vfs_node_gone (after the next sync or its last close).
 * Layer: fs. Callers: sys/sys_fswrite.c (through fs/vfs.h); helpers from
 * fs/write.c (fs/write_int.h).
 */
#include "fs/write_int.h"
#include "lib/tfs.h"
#include "lib/value.h"

/* mkdir (target NULL) and symlink (a link to target): a new node at path */
static int vfs_make_at_locked(int dirfd, const char *path, const char *target)
{
	struct vfs_where w;
	struct value *node;
	int err = vfs_where_at(dirfd, path, &w);

	if (err == -EBUSY)
		return -EEXIST;
	if (err)
		return err;
	if (target && !target[0])
		return -ENOENT;
	if (w.dot || w.node)
		return -EEXIST;
	if (target && w.trailing_slash)
		return -ENOENT;
	err = vfs_write_check(&w.dir);
	if (err)
		return err;
	node = vfs_new_node();
	if (!node || (target ? tuple_set(node, sym("linktarget"), value_cstring(target))
			     : tuple_set(node, vfs_sym_children(), value_tuple()))) {
		value_free(node);
		return -ENOMEM;
	}
	return vfs_link_new(&w, node);
}

static int vfs_unlinkat_locked(int dirfd, const char *path, bool rmdir)
{
	struct vfs_where w;
	struct value *node;
	int err = vfs_where_at(dirfd, path, &w);

	if (err)
		return err;
	if (w.dot) /* rmdir(".") EINVAL, rmdir("..") ENOTEMPTY, unlink EISDIR */
		return !rmdir ? -EISDIR : w.dotdot ? -ENOTEMPTY : -EINVAL;
	if (!w.node)
		return -ENOENT;
	node = w.node;
	err = vfs_write_check(&w.dir);
	if (err)
		return err;
	if (rmdir) {
		if (!vfs_node_is_dir(node))
			return -ENOTDIR;
		if (!vfs_dir_is_empty(node))
			return -ENOTEMPTY;
		if (node == vfs_cwd().tfs)
			return -EBUSY;
	} else {
		if (vfs_node_is_dir(node))
			return -EISDIR;
		if (w.trailing_slash)
			return -ENOTDIR;
	}
	if (!rmdir) {
		err = vfs_write_check(&(struct vnode){VN_TFS, 0, node});
		if (err)
			return err;
	}
	err = tfs_set(vfs_tfs(), w.children, w.name, NULL);
	if (err)
		return err;
	if (!rmdir)
		vfs_node_gone(node);
	return 0;
}

#define RENAME_NOREPLACE 1
#define RENAME_EXCHANGE	 2
#define RENAME_WHITEOUT	 4

/* is a an ancestor of (or equal to) directory b? */
static bool dir_contains(const struct value *a, const struct value *b)
{
	struct vnode cur = {VN_TFS, 0, (struct value *)b};

	for (int guard = 0; guard < 4096; guard++) {
		if (cur.tfs == a)
			return true;
		if (cur.tfs == vnode_root().tfs)
			return false;
		cur = vnode_parent(&cur);
	}
	return true;
}

static int vfs_renameat2_locked(int olddirfd, const char *oldpath, int newdirfd, const char *newpath,
				  unsigned flags)
{
	struct vfs_where o, n;
	struct value *src, *dst;
	int err;

	if (flags & ~(unsigned)(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT))
		return -EINVAL;
	if ((flags & RENAME_WHITEOUT) || ((flags & RENAME_EXCHANGE) && (flags & RENAME_NOREPLACE)))
		return -EINVAL;
	err = vfs_where_at(olddirfd, oldpath, &o);
	if (!err)
		err = vfs_where_at(newdirfd, newpath, &n);
	if (err)
		return err;
	if (o.dot || n.dot)
		return -EBUSY;
	src = o.node;
	dst = n.node;
	if (!src)
		return -ENOENT;
	if ((o.trailing_slash && !vfs_node_is_dir(src)) || (n.trailing_slash && !vfs_node_is_dir(src)))
		return -ENOTDIR;
	if (flags & RENAME_EXCHANGE) {
		if (!dst)
			return -ENOENT;
	} else if (dst && (flags & RENAME_NOREPLACE)) {
		return -EEXIST;
	}
	if (src == dst)
		return 0;
	err = vfs_write_check(&o.dir);
	if (!err)
		err = vfs_write_check(&n.dir);
	if (!err)
		err = vfs_write_check(&(struct vnode){VN_TFS, 0, src});
	if (!err && dst)
		err = vfs_write_check(&(struct vnode){VN_TFS, 0, dst});
	if (err)
		return err;
	/* a directory cannot move below itself */
	if (vfs_node_is_dir(src) && dir_contains(src, n.dir.tfs))
		return -EINVAL;
	if ((flags & RENAME_EXCHANGE) && vfs_node_is_dir(dst) && dir_contains(dst, o.dir.tfs))
		return -EINVAL;
	if (dst && !(flags & RENAME_EXCHANGE)) {
		if (vfs_node_is_dir(src) && !vfs_node_is_dir(dst))
			return -ENOTDIR;
		if (!vfs_node_is_dir(src) && vfs_node_is_dir(dst))
			return -EISDIR;
		if (vfs_node_is_dir(dst) && !vfs_dir_is_empty(dst))
			return -ENOTEMPTY;
	}
	err = vfs_children_make(&n);
	if (err)
		return err;
	/* nodes not yet in the log (a volume whose root was never logged):
	 * the flush logs the whole tree, so the moves below are references */
	if (!src->tfs_idx || (dst && !dst->tfs_idx)) {
		err = fs_sync();
		if (err)
			return err;
	}
	if (flags & RENAME_EXCHANGE) {
		/* both nodes are in the log (tfs_idx): re-setting them records
		 * references, never copies */
		err = tfs_set(vfs_tfs(), o.children, o.name, dst);
		if (!err)
			err = tfs_set(vfs_tfs(), n.children, n.name, src);
		if (!err && vfs_node_is_dir(dst))
			err = vnode_pmap_set(dst, o.dir.tfs);
		if (!err && vfs_node_is_dir(src))
			err = vnode_pmap_set(src, n.dir.tfs);
		return err;
	}
	/* new name first: a crash in between leaves both names, never none */
	err = tfs_set(vfs_tfs(), n.children, n.name, src);
	if (!err && (o.children != n.children || o.name != n.name))
		err = tfs_set(vfs_tfs(), o.children, o.name, NULL);
	if (!err && vfs_node_is_dir(src))
		err = vnode_pmap_set(src, n.dir.tfs);
	if (err)
		return err;
	if (dst)
		vfs_node_gone(dst);
	return 0;
}

/* under the filesystem lock (fs/write.c) */

int vfs_mkdirat(int dirfd, const char *path)
{
	return VFS_LOCKED(vfs_make_at_locked(dirfd, path, NULL));
}

int vfs_symlinkat(const char *target, int dirfd, const char *path)
{
	return VFS_LOCKED(vfs_make_at_locked(dirfd, path, target));
}

int vfs_unlinkat(int dirfd, const char *path, bool rmdir)
{
	return VFS_LOCKED(vfs_unlinkat_locked(dirfd, path, rmdir));
}

int vfs_renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath,
		  unsigned flags)
{
	return VFS_LOCKED(vfs_renameat2_locked(olddirfd, oldpath, newdirfd, newpath, flags));
}
