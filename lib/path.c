/*
 * lib/path.c - path resolution with Linux semantics over struct path_fs
 * (see lib/path.h). The unresolved rest of the path lives in one heap
 * buffer; following a symlink replaces the consumed prefix with the link
 * body, so a link in the middle of a path and one at its end behave as in
 * Linux's link_path_walk/lookup_last without a stack of nested walks.
 * Layer: lib (freestanding and hosted). Callers: fs/vfs.c, host tests.
 */
#include "lib/path.h"
#include "lib/alloc.h"
#include "lib/cstring.h"
#include "lib/errno.h"

static char *path_dup(const char *a, size_t alen, const char *b)
{
	size_t blen = strlen(b);
	char *s = lib_alloc(alen + blen + 1);

	if (!s)
		return NULL;
	memcpy(s, a, alen);
	memcpy(s + alen, b, blen + 1);
	return s;
}

int path_resolve(const struct path_fs *fs, struct path_node start, const char *path, unsigned flags,
		 struct path_result *out)
{
	struct path_node cur, parent, next;
	char *buf, *link = NULL;
	const char *p;
	unsigned links = 0;
	bool trailing_slash = false;
	int err = 0;

	if (!path[0])
		return -ENOENT;
	if (strnlen(path, PATH_MAX_LEN) >= PATH_MAX_LEN)
		return -ENAMETOOLONG;
	buf = path_dup(path, strlen(path), "");
	if (!buf)
		return -ENOMEM;
	p = buf;
	cur = *p == '/' ? fs->root : start;
	parent = cur;
	for (;;) {
		const char *name;
		size_t len;
		bool last;
		enum path_type t;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		/* the node we are about to look in must be a directory */
		if (fs->type(fs->ctx, cur) != PATH_T_DIR) {
			err = -ENOTDIR;
			goto out;
		}
		name = p;
		while (*p && *p != '/')
			p++;
		len = (size_t)(p - name);
		trailing_slash = *p == '/';
		{
			const char *q = p;

			while (*q == '/')
				q++;
			last = !*q;
		}
		parent = cur;
		if (len == 1 && name[0] == '.')
			continue;
		if (len == 2 && name[0] == '.' && name[1] == '.') {
			cur = fs->parent(fs->ctx, cur);
			parent = fs->parent(fs->ctx, cur);
			continue;
		}
		if (len > PATH_NAME_MAX) {
			err = -ENAMETOOLONG;
			goto out;
		}
		err = fs->lookup(fs->ctx, cur, name, len, &next);
		if (err)
			goto out;
		t = fs->type(fs->ctx, next);
		if (t == PATH_T_SYMLINK && (!last || trailing_slash || !(flags & PATH_NOFOLLOW))) {
			s64 n;
			char *nbuf;

			if (++links > PATH_MAXSYMLINKS) {
				err = -ELOOP;
				goto out;
			}
			if (!link) {
				link = lib_alloc(PATH_MAX_LEN);
				if (!link) {
					err = -ENOMEM;
					goto out;
				}
			}
			n = fs->readlink(fs->ctx, next, link, PATH_MAX_LEN);
			if (n < 0) {
				err = (int)n;
				goto out;
			}
			if (n == 0) {
				err = -ENOENT;
				goto out;
			}
			/* the rest of the path continues after the link body */
			nbuf = path_dup(link, (size_t)n, p);
			if (!nbuf) {
				err = -ENOMEM;
				goto out;
			}
			lib_free(buf);
			buf = nbuf;
			p = buf;
			if (*p == '/')
				cur = fs->root;
			continue;
		}
		cur = next;
	}
	if (trailing_slash && fs->type(fs->ctx, cur) != PATH_T_DIR) {
		err = -ENOTDIR;
		goto out;
	}
	out->node = cur;
	out->parent = parent;
	out->type = fs->type(fs->ctx, cur);
out:
	lib_free(link);
	lib_free(buf);
	return err;
}
