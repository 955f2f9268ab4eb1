/*
 * tree.c - the guest file tree of `monos run`/`monos build`: the program,
 * -f HOST[:GUEST] files and --dir HOST[:GUEST] trees, printed as the
 * manifest's `children` tuple with contents:(host:ABSOLUTE-PATH) leaves for
 * mkfs. Also records each host file's identity (size, mtime, inode) so the
 * image cache notices changed inputs, and quotes manifest names/strings.
 *
 * Layer: host tool (tools/monos). Called by main.c; output read by image.c.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "monos.h"

enum node_kind { NODE_DIR, NODE_FILE, NODE_LINK };

struct tree_node {
	char *name;
	enum node_kind kind;
	char *host;   /* NODE_FILE: absolute host path */
	char *target; /* NODE_LINK: link target */
	bool exec;    /* NODE_FILE: exec:t (may be mapped executable) */
	struct tree_node **kids;
	size_t nkids, capkids;
};

static void *xalloc(size_t n)
{
	void *p = calloc(1, n ? n : 1);

	if (!p) {
		monos_error("out of memory");
		exit(MONOS_EXIT_VMFAIL);
	}
	return p;
}

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xalloc(n), s, n);
}

static struct tree_node *node_new(const char *name, enum node_kind kind)
{
	struct tree_node *n = xalloc(sizeof(*n));

	n->name = xstrdup(name);
	n->kind = kind;
	return n;
}

static void node_free(struct tree_node *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->nkids; i++)
		node_free(n->kids[i]);
	free(n->kids);
	free(n->name);
	free(n->host);
	free(n->target);
	free(n);
}

void tree_init(struct tree *t)
{
	memset(t, 0, sizeof(*t));
	t->root = node_new("", NODE_DIR);
}

void tree_free(struct tree *t)
{
	node_free(t->root);
	sb_free(&t->stamp);
	t->root = NULL;
}

static struct tree_node *node_find(struct tree_node *dir, const char *name)
{
	for (size_t i = 0; i < dir->nkids; i++)
		if (!strcmp(dir->kids[i]->name, name))
			return dir->kids[i];
	return NULL;
}

static struct tree_node *tree_lookup(const struct tree *t, const char *gpath)
{
	struct tree_node *n = t->root;
	const char *p = gpath;

	while (n && *p) {
		char comp[NAME_MAX + 1];
		size_t len;

		p += strspn(p, "/");
		len = strcspn(p, "/");
		if (!len)
			break;
		if (len > NAME_MAX || n->kind != NODE_DIR)
			return NULL;
		memcpy(comp, p, len);
		comp[len] = 0;
		n = node_find(n, comp);
		p += len;
	}
	return n;
}

bool tree_has(const struct tree *t, const char *gpath)
{
	return tree_lookup(t, gpath) != NULL;
}

void tree_mark_exec(struct tree *t, const char *gpath)
{
	struct tree_node *n = tree_lookup(t, gpath);

	if (n && n->kind == NODE_FILE)
		n->exec = true;
}

/* insert keeping children sorted by name (a stable manifest, a stable key) */
static void node_insert(struct tree_node *dir, struct tree_node *kid)
{
	size_t i;

	if (dir->nkids == dir->capkids) {
		dir->capkids = dir->capkids ? 2 * dir->capkids : 8;
		dir->kids = realloc(dir->kids, dir->capkids * sizeof(*dir->kids));
		if (!dir->kids) {
			monos_error("out of memory");
			exit(MONOS_EXIT_VMFAIL);
		}
	}
	for (i = dir->nkids; i > 0 && strcmp(dir->kids[i - 1]->name, kid->name) > 0; i--)
		dir->kids[i] = dir->kids[i - 1];
	dir->kids[i] = kid;
	dir->nkids++;
}

/* Walk gpath ("/a/b/c"), creating directories for all but the last
 * component. *last receives the last component ("" for "/"). */
static int walk_parent(struct tree *t, const char *gpath, struct tree_node **parent, char *last,
		       size_t last_len)
{
	struct tree_node *dir = t->root;
	const char *p = gpath;

	*last = 0;
	for (;;) {
		const char *end;
		char comp[NAME_MAX + 1];
		size_t n;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		end = strchr(p, '/');
		n = end ? (size_t)(end - p) : strlen(p);
		if (n > NAME_MAX || n >= last_len) {
			monos_error("guest path %s: a name is too long", gpath);
			return -1;
		}
		memcpy(comp, p, n);
		comp[n] = 0;
		if (!strcmp(comp, ".") || !strcmp(comp, "..")) {
			monos_error("guest path %s: '.' and '..' are not allowed", gpath);
			return -1;
		}
		p += n;
		while (*p == '/')
			p++;
		if (!*p) {
			strcpy(last, comp);
			break;
		}
		struct tree_node *next = node_find(dir, comp);

		if (!next) {
			next = node_new(comp, NODE_DIR);
			node_insert(dir, next);
		} else if (next->kind != NODE_DIR) {
			monos_error("guest path %s: %s is not a directory", gpath, comp);
			return -1;
		}
		dir = next;
	}
	*parent = dir;
	return 0;
}

static void stamp_add(struct tree *t, const char *host, const struct stat *st)
{
	sb_printf(&t->stamp, "%s %lld %lld.%09ld %llu %llu\n", host, (long long)st->st_size,
		  (long long)st->st_mtim.tv_sec, st->st_mtim.tv_nsec,
		  (unsigned long long)st->st_ino, (unsigned long long)st->st_dev);
}

int tree_add_file(struct tree *t, const char *host, const char *gpath)
{
	char last[NAME_MAX + 1], *abs;
	struct tree_node *parent, *n;
	struct stat st;

	if (stat(host, &st) < 0) {
		monos_error("%s: %s", host, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		monos_error("%s: not a regular file", host);
		return -1;
	}
	if (walk_parent(t, gpath, &parent, last, sizeof(last)) < 0)
		return -1;
	if (!*last) {
		monos_error("%s: the guest path cannot be /", host);
		return -1;
	}
	if (node_find(parent, last)) {
		monos_error("guest path %s is given twice", gpath);
		return -1;
	}
	abs = realpath(host, NULL);
	if (!abs) {
		monos_error("%s: %s", host, strerror(errno));
		return -1;
	}
	n = node_new(last, NODE_FILE);
	n->host = abs;
	node_insert(parent, n);
	stamp_add(t, abs, &st);
	return 0;
}

static int add_tree_rec(struct tree *t, struct tree_node *dir, const char *host)
{
	struct dirent *de;
	int ret = 0;
	DIR *d;

	d = opendir(host);
	if (!d) {
		monos_error("%s: %s", host, strerror(errno));
		return -1;
	}
	while (!ret && (errno = 0, de = readdir(d))) {
		struct tree_node *old, *n;
		struct stat st;
		char *path;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (asprintf(&path, "%s/%s", host, de->d_name) < 0) {
			monos_error("out of memory");
			ret = -1;
			break;
		}
		old = node_find(dir, de->d_name);
		if (lstat(path, &st) < 0) {
			monos_error("%s: %s", path, strerror(errno));
			ret = -1;
		} else if (S_ISDIR(st.st_mode)) {
			if (old && old->kind != NODE_DIR) {
				monos_error("%s: clashes with another guest file", path);
				ret = -1;
			} else {
				if (!old) {
					old = node_new(de->d_name, NODE_DIR);
					node_insert(dir, old);
				}
				ret = add_tree_rec(t, old, path);
			}
		} else if (old) {
			monos_error("%s: clashes with another guest file", path);
			ret = -1;
		} else if (S_ISREG(st.st_mode)) {
			n = node_new(de->d_name, NODE_FILE);
			n->host = xstrdup(path);
			node_insert(dir, n);
			stamp_add(t, path, &st);
		} else if (S_ISLNK(st.st_mode)) {
			char target[PATH_MAX];
			ssize_t len = readlink(path, target, sizeof(target) - 1);

			if (len < 0) {
				monos_error("%s: %s", path, strerror(errno));
				ret = -1;
			} else {
				target[len] = 0;
				n = node_new(de->d_name, NODE_LINK);
				n->target = xstrdup(target);
				node_insert(dir, n);
				stamp_add(t, path, &st);
			}
		} else {
			monos_error("%s: not a regular file, directory or symlink", path);
			ret = -1;
		}
		free(path);
	}
	if (!ret && errno) {
		monos_error("%s: %s", host, strerror(errno));
		ret = -1;
	}
	closedir(d);
	return ret;
}

int tree_add_dir(struct tree *t, const char *host, const char *gpath)
{
	char last[NAME_MAX + 1], *abs;
	struct tree_node *parent, *dir;
	struct stat st;
	int ret;

	if (stat(host, &st) < 0) {
		monos_error("%s: %s", host, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		monos_error("%s: not a directory", host);
		return -1;
	}
	if (walk_parent(t, gpath, &parent, last, sizeof(last)) < 0)
		return -1;
	dir = parent;
	if (*last) {
		dir = node_find(parent, last);
		if (dir && dir->kind != NODE_DIR) {
			monos_error("guest path %s is given twice", gpath);
			return -1;
		}
		if (!dir) {
			dir = node_new(last, NODE_DIR);
			node_insert(parent, dir);
		}
	}
	abs = realpath(host, NULL);
	if (!abs) {
		monos_error("%s: %s", host, strerror(errno));
		return -1;
	}
	ret = add_tree_rec(t, dir, abs);
	free(abs);
	return ret;
}

int tree_add_spec(struct tree *t, const char *spec, bool dir)
{
	const char *colon = strrchr(spec, ':');
	char *host, *gpath;
	int ret;

	if (colon && colon[1]) {
		host = strndup(spec, colon - spec);
		if (colon[1] == '/')
			gpath = strdup(colon + 1);
		else if (asprintf(&gpath, "/%s", colon + 1) < 0)
			gpath = NULL;
	} else {
		char *slash;

		host = colon ? strndup(spec, colon - spec) : strdup(spec);
		if (host) /* drop trailing slashes for the basename */
			for (size_t n = strlen(host); n > 1 && host[n - 1] == '/'; n--)
				host[n - 1] = 0;
		slash = host ? strrchr(host, '/') : NULL;
		if (asprintf(&gpath, "/%s", slash ? slash + 1 : host ? host : "") < 0)
			gpath = NULL;
	}
	if (!host || !gpath) {
		monos_error("out of memory");
		exit(MONOS_EXIT_VMFAIL);
	}
	if (!*host) {
		monos_error("%s %s: empty host path", dir ? "--dir" : "-f", spec);
		ret = -1;
	} else {
		ret = dir ? tree_add_dir(t, host, gpath) : tree_add_file(t, host, gpath);
	}
	free(host);
	free(gpath);
	return ret;
}

static bool bare_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.' || c == '/' || c == '-';
}

void manifest_quote(struct strbuf *sb, const char *s)
{
	bool bare = *s != 0;

	for (const char *p = s; *p && bare; p++)
		bare = bare_char(*p);
	if (bare) {
		sb_puts(sb, s);
		return;
	}
	sb_add(sb, "\"", 1);
	for (const char *p = s; *p; p++) {
		if (*p == '"' || *p == '\\')
			sb_add(sb, "\\", 1);
		sb_add(sb, p, 1);
	}
	sb_add(sb, "\"", 1);
}

static void node_print(const struct tree_node *n, struct strbuf *sb)
{
	sb_add(sb, "(", 1);
	for (size_t i = 0; i < n->nkids; i++) {
		const struct tree_node *k = n->kids[i];

		if (i)
			sb_add(sb, " ", 1);
		manifest_quote(sb, k->name);
		if (k->kind == NODE_FILE) {
			sb_puts(sb, ":(contents:(host:");
			manifest_quote(sb, k->host);
			sb_puts(sb, k->exec ? ") exec:t)" : "))");
		} else if (k->kind == NODE_LINK) {
			sb_puts(sb, ":(linktarget:");
			manifest_quote(sb, k->target);
			sb_puts(sb, ")");
		} else {
			sb_puts(sb, ":(children:");
			node_print(k, sb);
			sb_puts(sb, ")");
		}
	}
	sb_add(sb, ")", 1);
}

void tree_print(const struct tree *t, struct strbuf *sb)
{
	node_print(t->root, sb);
}
