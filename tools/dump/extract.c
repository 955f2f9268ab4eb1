/*
 * extract.c - dump -d DIR: copy the rootfs tree out. Regular files are
 * streamed in 1 MiB chunks, directories created, symlinks made as symlinks.
 * Safety against hostile images: names that are empty, ".", "..", or hold
 * '/' or NUL are refused; every create is relative to an open directory fd
 * (openat/mkdirat/symlinkat) with O_NOFOLLOW, so nothing is written outside
 * DIR. Problems are reported per entry; the exit status says if any.
 * Host tool (tools/dump).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/errno.h"
#include "tools/dump/dump.h"

#define EXTRACT_CHUNK	 (1u << 20)
#define EXTRACT_PATH_MAX 4096

struct extract_ctx {
	struct dump_img *img;
	struct tfs *fs;
	u8 *buf;
	char path[EXTRACT_PATH_MAX]; /* for messages, may be truncated */
	size_t plen;
	int failed;
};

static void path_push(struct extract_ctx *x, const char *name, size_t len)
{
	size_t i;

	if (x->plen + 1 < sizeof(x->path))
		x->path[x->plen++] = '/';
	for (i = 0; i < len && x->plen + 1 < sizeof(x->path); i++) {
		unsigned char c = (unsigned char)name[i];

		x->path[x->plen++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	x->path[x->plen] = '\0';
}

static bool name_safe(const char *s, size_t len)
{
	if (!len || memchr(s, '/', len) || memchr(s, '\0', len))
		return false;
	return !(len == 1 && s[0] == '.') && !(len == 2 && s[0] == '.' && s[1] == '.');
}

static int write_all(int fd, const u8 *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static void extract_file(struct extract_ctx *x, int dfd, const char *name, const struct value *node)
{
	u64 len = tfs_file_length(node), off = 0;
	mode_t mode = tuple_get(node, sym("exec")) ? 0755 : 0644;
	int fd = openat(dfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, mode);

	if (fd < 0) {
		dump_err(x->img, "%s: cannot create: %s", x->path, strerror(errno));
		x->failed = 1;
		return;
	}
	while (off < len) {
		s64 n = tfs_file_read(x->fs, node, x->buf, off, EXTRACT_CHUNK);

		if (n <= 0) {
			dump_err(x->img, "%s: cannot read file data at byte %llu: %s", x->path,
				 (unsigned long long)off,
				 n == -EUCLEAN ? "corrupt extent"
				 : n == 0      ? "unexpected end"
					       : "read error (image truncated?)");
			x->failed = 1;
			break;
		}
		if (write_all(fd, x->buf, (size_t)n)) {
			dump_err(x->img, "%s: write: %s", x->path, strerror(errno));
			x->failed = 1;
			break;
		}
		off += (u64)n;
	}
	if (close(fd)) {
		dump_err(x->img, "%s: close: %s", x->path, strerror(errno));
		x->failed = 1;
	}
}

static void extract_symlink(struct extract_ctx *x, int dfd, const char *name,
			    const struct value *node)
{
	struct value *t = tuple_get(node, sym("linktarget"));

	if (!t || t->type != VALUE_STRING || !t->str.len ||
	    memchr(t->str.bytes, '\0', t->str.len)) {
		dump_err(x->img, "%s: symlink with a bad target", x->path);
		x->failed = 1;
		return;
	}
	if (!symlinkat((const char *)t->str.bytes, dfd, name))
		return;
	/* replace what an earlier extraction left (not a directory) */
	if (errno == EEXIST && !unlinkat(dfd, name, 0) &&
	    !symlinkat((const char *)t->str.bytes, dfd, name))
		return;
	dump_err(x->img, "%s: cannot create symlink: %s", x->path, strerror(errno));
	x->failed = 1;
}

static void extract_dir(struct extract_ctx *x, const struct value *dir, int dfd)
{
	const struct tuple_entry **ents;
	u32 n, i;

	ents = dump_sorted_children(dir, &n);
	if (!ents) {
		dump_err(x->img, "out of memory");
		x->failed = 1;
		return;
	}
	for (i = 0; i < n; i++) {
		const struct symbol *key = ents[i]->key;
		const struct value *node = ents[i]->val;
		size_t saved = x->plen;
		int sub;

		path_push(x, key->name, key->len);
		if (!name_safe(key->name, key->len)) {
			dump_err(x->img,
				 "%s: refusing an unsafe name (empty, \".\", \"..\", or "
				 "holding '/' or NUL)",
				 x->path);
			x->failed = 1;
		} else if (!node || node->type != VALUE_TUPLE) {
			dump_err(x->img, "%s: directory entry is not a tuple", x->path);
			x->failed = 1;
		} else if (tfs_is_symlink(node)) {
			extract_symlink(x, dfd, key->name, node);
		} else if (tfs_is_dir(node)) {
			if (mkdirat(dfd, key->name, 0755) && errno != EEXIST) {
				dump_err(x->img, "%s: mkdir: %s", x->path, strerror(errno));
				x->failed = 1;
			} else if ((sub = openat(dfd, key->name,
						 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) <
				   0) {
				dump_err(x->img, "%s: open directory: %s", x->path,
					 strerror(errno));
				x->failed = 1;
			} else {
				extract_dir(x, node, sub);
				close(sub);
			}
		} else {
			extract_file(x, dfd, key->name, node);
		}
		x->plen = saved;
		x->path[saved] = '\0';
	}
	free(ents);
}

int dump_extract(struct dump_img *img, struct tfs *fs, const char *dir)
{
	static struct extract_ctx x;
	int dfd;

	memset(&x, 0, sizeof(x));
	x.img = img;
	x.fs = fs;
	if (mkdir(dir, 0755) && errno != EEXIST) {
		dump_err(img, "%s: mkdir: %s", dir, strerror(errno));
		return 1;
	}
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		dump_err(img, "%s: %s", dir, strerror(errno));
		return 1;
	}
	x.buf = malloc(EXTRACT_CHUNK);
	if (!x.buf) {
		dump_err(img, "out of memory");
		close(dfd);
		return 1;
	}
	extract_dir(&x, tfs_root(fs), dfd);
	free(x.buf);
	close(dfd);
	return x.failed;
}
