/*
 * image.c - making images for the runner: runs `mkfs` (manifest on stdin,
 * output to a temp file renamed into place) and keeps a cache of images in
 * ${XDG_CACHE_HOME:-~/.cache}/monos/, keyed by a hash of everything that
 * goes in (manifest text, -t settings, host file sizes/mtimes/inodes, the
 * mkfs/kernel/boot binaries' identities), so repeating a run reuses it.
 *
 * Reuse is safe because `monos run` boots cached images with QEMU's
 * snapshot=on (the guest's writes go to a throw-away overlay), so a run
 * never sees a previous run's writes even once the kernel writes to TFS.
 *
 * Layer: host tool (tools/monos). Called by main.c.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "monos.h"
#include "spawn.h"

#define CACHE_KEEP 32 /* images kept in the cache (least recently used go) */

struct hash128 {
	u64 a, b;
};

static void hash_bytes(struct hash128 *h, const void *data, size_t n)
{
	const u8 *p = data;

	for (size_t i = 0; i < n; i++) {
		h->a = (h->a ^ p[i]) * 0x100000001b3ull;
		h->b = (h->b ^ p[i]) * 0x9e3779b97f4a7c15ull;
		h->b ^= h->b >> 29;
	}
}

static void hash_str(struct hash128 *h, const char *s)
{
	hash_bytes(h, s ? s : "(null)", strlen(s ? s : "(null)") + 1);
}

static void hash_file_id(struct hash128 *h, const char *path)
{
	struct stat st;
	char buf[128];

	hash_str(h, path);
	if (!path || stat(path, &st) < 0) {
		hash_str(h, "missing");
		return;
	}
	snprintf(buf, sizeof(buf), "%lld %lld.%09ld %llu", (long long)st.st_size,
		 (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec, (unsigned long long)st.st_ino);
	hash_str(h, buf);
}

static void image_key(const struct image_req *req, char out[33])
{
	struct hash128 h = {0xcbf29ce484222325ull, 0x6a09e667f3bcc909ull};

	hash_str(&h, "monos-image-v1");
	hash_str(&h, req->full ? "full" : "bare");
	hash_str(&h, req->manifest);
	hash_str(&h, req->stamp);
	for (size_t i = 0; i < req->tuples.n; i++)
		hash_str(&h, req->tuples.v[i]);
	hash_file_id(&h, req->mkfs);
	if (req->full) {
		hash_file_id(&h, req->kernel);
		hash_file_id(&h, req->boot_img);
	}
	snprintf(out, 33, "%016llx%016llx", (unsigned long long)h.a, (unsigned long long)h.b);
}

int image_build(const struct image_req *req, const char *out)
{
	struct argvec av = {0};
	char *tmp = NULL;
	int p[2], st, ret = -1;
	pid_t pid;

	if (access(req->mkfs, X_OK) < 0) {
		monos_error("mkfs not found at %s (run make, or set MONOS_MKFS)", req->mkfs);
		return -1;
	}
	if (req->full && access(req->boot_img, R_OK) < 0) {
		monos_error("boot image not found at %s (run make, or set MONOS_BOOT)",
			    req->boot_img);
		return -1;
	}
	if (req->full && access(req->kernel, R_OK) < 0) {
		monos_error("kernel not found at %s (run make, or set MONOS_KERNEL)", req->kernel);
		return -1;
	}
	if (asprintf(&tmp, "%s.tmp.%d", out, (int)getpid()) < 0) {
		monos_error("out of memory");
		return -1;
	}
	av_add(&av, req->mkfs);
	if (req->full) {
		av_add(&av, "-b");
		av_add(&av, req->boot_img);
		av_add(&av, "-k");
		av_add(&av, req->kernel);
	}
	for (size_t i = 0; i < req->tuples.n; i++) {
		av_add(&av, "-t");
		av_add(&av, req->tuples.v[i]);
	}
	av_add(&av, tmp);
	if (monos_verbose) {
		struct strbuf sb = {0};

		for (size_t i = 0; i < av.n; i++)
			sb_printf(&sb, "%s%s", i ? " " : "", av.v[i]);
		monos_note("%s < manifest:\n%s", sb.s, req->manifest);
		sb_free(&sb);
	}
	if (pipe2(p, O_CLOEXEC) < 0) {
		monos_error("pipe: %s", strerror(errno));
		goto out_free;
	}
	pid = spawn_proc(av.v, p[0], -1, false);
	close(p[0]);
	if (pid < 0) {
		monos_error("cannot run %s: %s", req->mkfs, strerror(errno));
		close(p[1]);
		goto out_free;
	}
	/* mkfs reads the whole manifest before writing anything: no deadlock */
	if (spawn_write_all(p[1], req->manifest, strlen(req->manifest)) < 0 && errno != EPIPE)
		monos_error("writing the manifest to mkfs: %s", strerror(errno));
	close(p[1]);
	st = spawn_wait(pid);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		/* mkfs printed its own "mkfs: ..." line */
		monos_error("mkfs failed (%s %d), no image made",
			    WIFEXITED(st) ? "status" : "signal",
			    WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
		unlink(tmp);
		goto out_free;
	}
	if (rename(tmp, out) < 0) {
		monos_error("%s: %s", out, strerror(errno));
		unlink(tmp);
		goto out_free;
	}
	ret = 0;
out_free:
	free(tmp);
	av_free(&av);
	return ret;
}

char *monos_cache_dir(void)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	char *dir = NULL, *parent = NULL;
	int r;

	if (xdg && *xdg == '/')
		r = asprintf(&parent, "%s", xdg);
	else if (home && *home)
		r = asprintf(&parent, "%s/.cache", home);
	else
		r = asprintf(&parent, "/tmp/monos-cache-%d", (int)getuid());
	if (r < 0 || asprintf(&dir, "%s/monos", parent) < 0) {
		free(parent);
		return NULL;
	}
	mkdir(parent, 0700);
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		monos_error("cache folder %s: %s", dir, strerror(errno));
		free(dir);
		dir = NULL;
	}
	free(parent);
	return dir;
}

struct cache_ent {
	char *path;
	struct timespec mtime;
};

static int cmp_ent(const void *a, const void *b)
{
	const struct cache_ent *x = a, *y = b;

	if (x->mtime.tv_sec != y->mtime.tv_sec)
		return x->mtime.tv_sec < y->mtime.tv_sec ? 1 : -1;
	return x->mtime.tv_nsec < y->mtime.tv_nsec   ? 1
	       : x->mtime.tv_nsec > y->mtime.tv_nsec ? -1
						     : 0;
}

/* keep the CACHE_KEEP most recently used images; drop stale temp files */
static void cache_prune(const char *dir)
{
	struct cache_ent *ents = NULL;
	size_t n = 0, cap = 0;
	time_t now = time(NULL);
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		struct stat st;
		char *path;

		if (de->d_name[0] == '.' || asprintf(&path, "%s/%s", dir, de->d_name) < 0)
			continue;
		if (stat(path, &st) < 0 || !S_ISREG(st.st_mode)) {
			free(path);
			continue;
		}
		if (strstr(de->d_name, ".tmp.")) {
			if (now - st.st_mtime > 3600)
				unlink(path);
			free(path);
			continue;
		}
		if (len < 4 || strcmp(de->d_name + len - 4, ".img")) {
			free(path);
			continue;
		}
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			ents = realloc(ents, cap * sizeof(*ents));
			if (!ents)
				break;
		}
		ents[n].path = path;
		ents[n].mtime = st.st_mtim;
		n++;
	}
	closedir(d);
	if (ents) {
		qsort(ents, n, sizeof(*ents), cmp_ent);
		for (size_t i = 0; i < n; i++) {
			if (i >= CACHE_KEEP)
				unlink(ents[i].path);
			free(ents[i].path);
		}
		free(ents);
	}
}

int image_cached(const struct image_req *req, char **path)
{
	char key[33], *dir;
	int ret = 0;

	image_key(req, key);
	dir = monos_cache_dir();
	if (!dir)
		return -1;
	if (asprintf(path, "%s/%s-%s.img", dir, key, req->full ? "full" : "bare") < 0) {
		free(dir);
		return -1;
	}
	if (access(*path, R_OK) == 0) {
		utimensat(AT_FDCWD, *path, NULL, 0); /* most recently used */
		monos_note("image %s (cached)", *path);
	} else {
		ret = image_build(req, *path);
		if (!ret) {
			monos_note("image %s (built)", *path);
			cache_prune(dir);
		}
	}
	if (ret) {
		free(*path);
		*path = NULL;
	}
	free(dir);
	return ret;
}
