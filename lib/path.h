/*
 * lib/path.h - Linux path resolution semantics over an abstract tree: the
 * kernel VFS plugs in its nodes (TFS tuples, /dev, /proc), host tests plug
 * in a real directory to compare with Linux itself. Follows namei(7):
 * components separated by runs of '/', "." and "..", ".." at the root stays
 * at the root, symlinks followed in the middle of a path always and at the
 * end unless PATH_NOFOLLOW (a trailing slash forces following and requires
 * a directory), at most PATH_MAXSYMLINKS links per resolution.
 * Errors: -ENOENT (missing component, empty path or empty link body),
 * -ENOTDIR (a non-directory used as one), -ENAMETOOLONG (a component over
 * PATH_NAME_MAX, or the path PATH_MAX or longer), -ELOOP, -ENOMEM, or what
 * the backend returns. Implemented in lib/path.c (lib/ rules: only
 * lib/alloc.h and lib/cstring.h).
 */
#ifndef LIB_PATH_H
#define LIB_PATH_H

#include "types.h"

#define PATH_MAX_LEN	 4096 /* including the NUL, as Linux's PATH_MAX */
#define PATH_NAME_MAX	 255
#define PATH_MAXSYMLINKS 40

/* a node of the backend's tree, opaque here */
struct path_node {
	void *p;
	u64 aux;
};

enum path_type {
	PATH_T_NONE = 0,
	PATH_T_DIR,
	PATH_T_FILE, /* anything that is neither a directory nor a symlink */
	PATH_T_SYMLINK,
};

struct path_fs {
	void *ctx;
	struct path_node root;
	enum path_type (*type)(void *ctx, struct path_node n);
	/* child name[0..len) of directory dir; -ENOENT if absent */
	int (*lookup)(void *ctx, struct path_node dir, const char *name, size_t len,
		      struct path_node *out);
	/* the directory containing dir (the root for the root) */
	struct path_node (*parent)(void *ctx, struct path_node dir);
	/* link target, NUL-terminated into buf[size]; its length or -errno
	 * (-ENAMETOOLONG if it does not fit) */
	s64 (*readlink)(void *ctx, struct path_node link, char *buf, size_t size);
};

#define PATH_NOFOLLOW 0x1 /* do not follow a final symlink (lstat, O_NOFOLLOW) */

struct path_result {
	struct path_node node;	 /* what the path names */
	struct path_node parent; /* the directory it was found in */
	enum path_type type;
};

/* resolve path (relative paths start at start, which must be a
 * directory); 0 and *out, or -errno */
int path_resolve(const struct path_fs *fs, struct path_node start, const char *path, unsigned flags,
		 struct path_result *out);

#endif
