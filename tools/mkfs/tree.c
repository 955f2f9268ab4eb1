/*
 * tree.c - the manifest side of mkfs: read and parse the manifest (stdin),
 * merge -t tuples, consume the mkfs-only key imagesize, check the shape of
 * a filesystem tree, resolve every contents:(host:PATH) to a host file
 * (collect) and later stream those files into a TFS volume in fixed-size
 * chunks, so memory use does not depend on file sizes.
 *
 * Errors name the tree path ("mkfs: /etc/resolv.conf: host file 'x': No
 * such file or directory"): the parser does not keep positions per value.
 * Parse errors are "mkfs: NAME:LINE:COL: message".
 * Layer: mkfs host tool; called by main.c (and layout.c for streaming).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/manifest.h"
#include "tools/mkfs/mkfs.h"

#define P(s) mkfs_printable(s)

int mkfs_read_manifest(int fd, const char *name, struct value **out)
{
	struct manifest_error perr;
	size_t len = 0, cap = 0;
	char *buf = NULL;
	int ret;

	for (;;) {
		ssize_t n;

		if (cap - len < 65536) {
			char *nb;

			if (cap >= MKFS_MANIFEST_MAX) {
				mkfs_error("%s: manifest larger than %u MiB", P(name),
					   MKFS_MANIFEST_MAX >> 20);
				ret = -EFBIG;
				goto out_free;
			}
			cap = cap ? cap * 2 : 65536;
			nb = realloc(buf, cap + 1);
			if (!nb) {
				mkfs_error("%s: out of memory", P(name));
				ret = -ENOMEM;
				goto out_free;
			}
			buf = nb;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			mkfs_error("%s: read error: %s", P(name), strerror(errno));
			goto out_free;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	memset(&perr, 0, sizeof(perr));
	ret = manifest_parse(buf, len, out, &perr);
	if (ret == -EINVAL)
		mkfs_error("%s:%u:%u: %s", P(name), perr.line, perr.col, P(perr.msg));
	else if (ret < 0)
		mkfs_error("%s: %s", P(name), strerror(-ret));
out_free:
	free(buf);
	return ret;
}

int mkfs_merge_tuple_arg(struct value *root, const char *text)
{
	struct manifest_error perr;
	struct value *t = NULL;
	int ret;

	memset(&perr, 0, sizeof(perr));
	ret = manifest_parse(text, strlen(text), &t, &perr);
	if (ret == -EINVAL) {
		mkfs_error("-t:%u:%u: %s", perr.line, perr.col, P(perr.msg));
		return ret;
	}
	if (ret < 0) {
		mkfs_error("-t: %s", strerror(-ret));
		return ret;
	}
	ret = tuple_merge(root, t);
	if (ret < 0)
		mkfs_error("-t: merging into the root tuple: %s", strerror(-ret));
	return ret;
}

int mkfs_take_imagesize(struct value *root, u64 *bytes)
{
	struct value *v = tuple_take(root, sym("imagesize"));
	int ret = 0;

	*bytes = 0;
	if (!v)
		return 0;
	if (v->type != VALUE_STRING) {
		mkfs_error("imagesize: expected a size such as 64m, not a %s",
			   v->type == VALUE_TUPLE ? "tuple" : "vector");
		ret = -EINVAL;
	} else {
		ret = mkfs_parse_size((const char *)v->str.bytes, v->str.len, bytes);
		if (ret == -ERANGE)
			mkfs_error("imagesize: '%s' is too large", P((const char *)v->str.bytes));
		else if (ret < 0)
			mkfs_error("imagesize: bad size '%s' (bytes, or a number "
				   "with a k, m or g suffix)",
				   P((const char *)v->str.bytes));
	}
	value_free(v);
	return ret;
}

/* ---- collecting host files ---- */

static const char *type_name(const struct value *v)
{
	switch (v->type) {
	case VALUE_STRING:
		return "a string";
	case VALUE_TUPLE:
		return "a tuple";
	case VALUE_VECTOR:
		return "a vector";
	case VALUE_INTEGER:
		return "an integer";
	}
	return "a value";
}

static int files_add(struct mkfs_files *files, struct value *node, const char *tree_path,
		     char *host_path, u64 size)
{
	struct mkfs_file *f;

	if (files->count == files->cap) {
		size_t ncap = files->cap ? files->cap * 2 : 64;
		struct mkfs_file *nv = realloc(files->v, ncap * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		files->v = nv;
		files->cap = ncap;
	}
	f = &files->v[files->count];
	f->tree_path = strdup(tree_path);
	if (!f->tree_path)
		return -ENOMEM;
	f->node = node;
	f->host_path = host_path;
	f->size = size;
	files->count++;
	files->data_sectors += (size + TFS_SECTOR - 1) / TFS_SECTOR;
	return 0;
}

/* resolve contents:(host:PATH) of node at tree_path and record the file */
static int collect_contents(struct value *node, struct value *contents, const char *root,
			    const char *tree_path, struct mkfs_files *files)
{
	struct value *host;
	const char *hp;
	char *resolved;
	struct stat st;
	int fd, err = 0, ret;

	host = contents->type == VALUE_TUPLE ? tuple_get_cstr(contents, "host") : NULL;
	if (!host || host->type != VALUE_STRING || tuple_count(contents) != 1) {
		mkfs_error("%s: contents must be (host:PATH)", P(tree_path));
		return -EINVAL;
	}
	hp = (const char *)host->str.bytes;
	if (host->str.len == 0 || strlen(hp) != host->str.len) {
		mkfs_error("%s: bad host file name", P(tree_path));
		return -EINVAL;
	}
	resolved = mkfs_resolve_host(root, hp, &err);
	if (!resolved) {
		if (err == ENOENT)
			mkfs_error("%s: host file '%s' not found", P(tree_path), P(hp));
		else
			mkfs_error("%s: host file '%s': %s", P(tree_path), P(hp), strerror(err));
		return -err;
	}
	fd = open(resolved, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		ret = -errno;
		mkfs_error("%s: host file '%s': %s", P(tree_path), P(hp), strerror(errno));
		goto out_close;
	}
	if (S_ISDIR(st.st_mode)) {
		mkfs_error("%s: host file '%s' is a directory", P(tree_path), P(hp));
		ret = -EISDIR;
		goto out_close;
	}
	if (!S_ISREG(st.st_mode)) {
		mkfs_error("%s: host file '%s' is not a regular file", P(tree_path), P(hp));
		ret = -EINVAL;
		goto out_close;
	}
	close(fd);
	fd = -1;
	ret = files_add(files, node, tree_path, resolved, (u64)st.st_size);
	if (ret < 0) {
		mkfs_error("out of memory");
		goto out_close;
	}
	resolved = NULL;
	tuple_remove(node, sym("contents"));
out_close:
	if (fd >= 0)
		close(fd);
	free(resolved);
	return ret;
}

static int collect_dir(struct value *children, const char *root, const char *path,
		       struct mkfs_files *files);

static int collect_node(struct value *node, const char *root, const char *path,
			struct mkfs_files *files)
{
	struct value *contents = tuple_get_cstr(node, "contents");
	struct value *children = tuple_get_cstr(node, "children");
	struct value *link = tuple_get_cstr(node, "linktarget");

	files->nodes++;
	if (!!contents + !!children + !!link > 1) {
		mkfs_error("%s: only one of contents, children and linktarget "
			   "may be given",
			   P(path));
		return -EINVAL;
	}
	if (link && link->type != VALUE_STRING) {
		mkfs_error("%s: linktarget must be a string, not %s", P(path), type_name(link));
		return -EINVAL;
	}
	if (children)
		return collect_dir(children, root, path, files);
	if (contents)
		return collect_contents(node, contents, root, path, files);
	return 0;
}

static int collect_dir(struct value *children, const char *root, const char *path,
		       struct mkfs_files *files)
{
	size_t plen = strlen(path);
	u32 i;

	if (children->type != VALUE_TUPLE) {
		mkfs_error("%s: children must be a tuple, not %s", plen ? P(path) : "/",
			   type_name(children));
		return -EINVAL;
	}
	for (i = 0; i < tuple_count(children); i++) {
		const struct tuple_entry *e = tuple_at(children, i);
		const char *name = e->key->name;
		char *sub;
		int ret;

		sub = malloc(plen + e->key->len + 2);
		if (!sub) {
			mkfs_error("out of memory");
			return -ENOMEM;
		}
		memcpy(sub, path, plen);
		sub[plen] = '/';
		memcpy(sub + plen + 1, name, e->key->len + 1);
		if (e->key->len == 0 || !strcmp(name, ".") || !strcmp(name, "..") ||
		    strchr(name, '/') || strlen(name) != e->key->len) {
			mkfs_error("%s: bad file name '%s'", plen ? P(path) : "/", P(name));
			free(sub);
			return -EINVAL;
		}
		if (e->val->type != VALUE_TUPLE) {
			mkfs_error("%s: expected a tuple (file or directory), not %s", P(sub),
				   type_name(e->val));
			free(sub);
			return -EINVAL;
		}
		ret = collect_node(e->val, root, sub, files);
		free(sub);
		if (ret < 0)
			return ret;
	}
	return 0;
}

int mkfs_collect_files(struct value *tree, const char *root, const char *prefix,
		       struct mkfs_files *files)
{
	struct value *children = tuple_get_cstr(tree, "children");

	if (!children) {
		children = value_tuple();
		if (!children || tuple_set(tree, sym("children"), children) < 0) {
			mkfs_error("out of memory");
			return -ENOMEM;
		}
	}
	files->nodes++;
	return collect_dir(children, root, prefix, files);
}

void mkfs_files_free(struct mkfs_files *files)
{
	size_t i;

	for (i = 0; i < files->count; i++) {
		free(files->v[i].tree_path);
		free(files->v[i].host_path);
	}
	free(files->v);
	memset(files, 0, sizeof(*files));
}

/* ---- streaming ---- */

static int stream_one(struct tfs *fs, const struct mkfs_file *f, u8 *buf)
{
	u64 done = 0;
	int fd, ret = 0;

	fd = open(f->host_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		mkfs_error("%s: host file '%s': %s", P(f->tree_path), P(f->host_path),
			   strerror(errno));
		return ret;
	}
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	for (;;) {
		ssize_t n = read(fd, buf, MKFS_CHUNK);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			mkfs_error("%s: reading host file '%s': %s", P(f->tree_path),
				   P(f->host_path), strerror(errno));
			break;
		}
		if (n == 0)
			break;
		ret = tfs_file_append(fs, f->node, buf, (u64)n, f->size);
		if (ret < 0) {
			mkfs_error("%s: writing to the image: %s", P(f->tree_path), strerror(-ret));
			break;
		}
		done += (u64)n;
		/* drop what we read from the page cache: a big file must not
		 * push everything else out */
		if ((done & ((64u << 20) - 1)) == 0)
			posix_fadvise(fd, 0, (off_t)done, POSIX_FADV_DONTNEED);
	}
	close(fd);
	return ret;
}

int mkfs_stream_files(struct tfs *fs, const struct mkfs_files *files)
{
	u8 *buf = malloc(MKFS_CHUNK);
	size_t i;
	int ret = 0;

	if (!buf) {
		mkfs_error("out of memory");
		return -ENOMEM;
	}
	for (i = 0; i < files->count && ret == 0; i++)
		ret = stream_one(fs, &files->v[i], buf);
	free(buf);
	return ret;
}
