/*
 * fs/write_int.h - what the two halves of the VFS write path share:
 * fs/write.c (data, create, truncate, times, orphans, sync) and
 * fs/write_ns.c (mkdir, symlink, unlink, rename): the parent directory +
 * final name of a path, node helpers, and the filesystem lock wrapper.
 * Layer: fs. Included only by fs/write*.c.
 */
#ifndef FS_WRITE_INT_H
#define FS_WRITE_INT_H

#include "fs/vfs.h"
#include "fs/pagecache.h"

/* the filesystem lock around a TFS change (see fs/write.c): expr's value */
#define VFS_LOCKED(expr)                                                                           \
	({                                                                                         \
		int vfs_r_;                                                                        \
		pagecache_lock();                                                                  \
		vfs_r_ = (expr);                                                                   \
		pagecache_unlock();                                                                \
		vfs_r_;                                                                            \
	})

/* the parent directory and last component of a path */
struct vfs_where {
	struct vnode dir;
	struct value *children; /* the dir's children tuple */
	const struct symbol *name;
	struct value *node; /* the existing entry, or NULL */
	bool trailing_slash;
	bool dot; /* "." or ".." */
	bool dotdot;
};

const struct symbol *vfs_sym_children(void);
/* resolve everything but the last component of path (never following
 * it): -EBUSY for "/" and the synthetic mount points, -EACCES for a
 * parent outside the TFS tree */
int vfs_where_at(int dirfd, const char *path, struct vfs_where *w);
/* give w's directory a children tuple if it has none */
int vfs_children_make(struct vfs_where *w);
bool vfs_node_is_dir(const struct value *v);
bool vfs_dir_is_empty(const struct value *v);
/* a new node under w (which must not exist): node's ownership passes */
int vfs_link_new(struct vfs_where *w, struct value *node);
/* an empty node with mtime and atime now; NULL without memory */
struct value *vfs_new_node(void);
/* node left the tree: its data is freed after the next sync, or after
 * its last close */
void vfs_node_gone(struct value *node);

#endif
