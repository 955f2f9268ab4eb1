/*
 * hostpath.c - resolving manifest host: paths for mkfs. With -r ROOT a path
 * is first looked up inside ROOT as if ROOT were "/": absolute and relative
 * paths both start at ROOT, symlinks are followed with absolute targets
 * re-rooted at ROOT, and ".." never climbs above ROOT (so a target root
 * holding /lib64/ld-linux-x86-64.so.2 -> /lib/x86_64-linux-gnu/ld.so
 * resolves inside it). If that fails the path is used as given, relative
 * to the current directory. Layer: mkfs host tool; called by tree.c.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tools/mkfs/mkfs.h"

#define HOSTPATH_MAX_LINKS 40

/* join a and b with one '/', malloc'ed */
static char *path_join(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *p = malloc(la + lb + 2);

	if (!p)
		return NULL;
	memcpy(p, a, la);
	p[la] = '/';
	memcpy(p + la + 1, b, lb + 1);
	return p;
}

/* Resolve path inside root; returns the host path or NULL with errno set. */
static char *resolve_in_root(const char *root, const char *path)
{
	char *cur = strdup(""), *pending = strdup(path), *out = NULL;
	int links = 0;

	if (!cur || !pending) {
		errno = ENOMEM;
		goto out_free;
	}
	for (;;) {
		char *p = pending, *comp, *next, *rel, *host;
		struct stat st;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		comp = p;
		next = strchr(p, '/');
		if (next)
			*next++ = '\0';
		else
			next = p + strlen(p);
		/* pending keeps only what follows comp */
		if (!strcmp(comp, ".")) {
			memmove(pending, next, strlen(next) + 1);
			continue;
		}
		if (!strcmp(comp, "..")) {
			char *slash = strrchr(cur, '/');

			if (slash)
				*slash = '\0';
			else
				cur[0] = '\0';
			memmove(pending, next, strlen(next) + 1);
			continue;
		}
		rel = cur[0] ? path_join(cur, comp) : strdup(comp);
		host = rel ? path_join(root, rel) : NULL;
		if (!host) {
			free(rel);
			errno = ENOMEM;
			goto out_free;
		}
		if (lstat(host, &st) < 0) {
			int e = errno;

			free(rel);
			free(host);
			errno = e;
			goto out_free;
		}
		if (S_ISLNK(st.st_mode)) {
			char target[PATH_MAX];
			ssize_t n = readlink(host, target, sizeof(target) - 1);
			char *np;

			free(rel);
			free(host);
			if (n < 0)
				goto out_free;
			if (++links > HOSTPATH_MAX_LINKS) {
				errno = ELOOP;
				goto out_free;
			}
			target[n] = '\0';
			if (target[0] == '/')
				cur[0] = '\0';
			np = path_join(target, next);
			if (!np) {
				errno = ENOMEM;
				goto out_free;
			}
			free(pending);
			pending = np;
			continue;
		}
		free(host);
		free(cur);
		cur = rel;
		memmove(pending, next, strlen(next) + 1);
	}
	out = path_join(root, cur);
	if (!out)
		errno = ENOMEM;
out_free:
	free(cur);
	free(pending);
	return out;
}

char *mkfs_resolve_host(const char *root, const char *path, int *err)
{
	struct stat st;
	char *p;

	if (root) {
		p = resolve_in_root(root, path);
		if (p && stat(p, &st) == 0)
			return p;
		free(p);
	}
	if (stat(path, &st) < 0) {
		*err = errno;
		return NULL;
	}
	p = strdup(path);
	if (!p)
		*err = ENOMEM;
	return p;
}
