/*
 * test_path.c - unit tests for lib/path.c: resolution results (which node,
 * or which errno) compared with Linux itself. A real directory tree is
 * built in a temporary folder; the test backend walks it with lstat and
 * readlink, and every path is also resolved by the host kernel with
 * openat2(O_PATH, RESOLVE_IN_ROOT) so that "/" and ".." stop at the tree's
 * root. The two must name the same inode or fail with the same errno.
 * A fixed table of expectations guards against both being wrong together
 * (and runs where openat2 is unavailable). Layer: host tests; run by
 * tests/suites/10-unit.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/openat2.h>

#include "lib/path.h"
#include "tests/unit/check.h"

static char tree[256];
static int root_fd = -1;

/* ---- backend over the real tree: a node is its path below the root ---- */

static const char *node_path(struct path_node n)
{
	return n.p;
}

static char *real_path(const char *rel)
{
	static char buf[8192];

	snprintf(buf, sizeof(buf), "%s/%s", tree, rel);
	return buf;
}

static enum path_type h_type(void *ctx, struct path_node n)
{
	struct stat st;

	if (lstat(real_path(node_path(n)), &st))
		return PATH_T_NONE;
	if (S_ISDIR(st.st_mode))
		return PATH_T_DIR;
	if (S_ISLNK(st.st_mode))
		return PATH_T_SYMLINK;
	return PATH_T_FILE;
}

static int h_lookup(void *ctx, struct path_node dir, const char *name, size_t len,
		    struct path_node *out)
{
	const char *d = node_path(dir);
	char *s = malloc(strlen(d) + len + 2);
	struct stat st;

	if (!s)
		return -ENOMEM;
	if (d[0])
		sprintf(s, "%s/%.*s", d, (int)len, name);
	else
		sprintf(s, "%.*s", (int)len, name);
	if (lstat(real_path(s), &st)) {
		int e = errno;

		free(s);
		return -e;
	}
	out->p = s; /* leaked: a test process */
	out->aux = 0;
	return 0;
}

static struct path_node h_parent(void *ctx, struct path_node dir)
{
	const char *d = node_path(dir);
	const char *slash = strrchr(d, '/');
	struct path_node n = {(void *)"", 0};

	if (slash) {
		char *s = strndup(d, (size_t)(slash - d));

		n.p = s;
	}
	return n;
}

static s64 h_readlink(void *ctx, struct path_node link, char *buf, size_t size)
{
	ssize_t n = readlink(real_path(node_path(link)), buf, size);

	if (n < 0)
		return -errno;
	if ((size_t)n >= size)
		return -ENAMETOOLONG;
	buf[n] = 0;
	return n;
}

static const struct path_fs hfs = {
    .root = {(void *)"", 0},
    .type = h_type,
    .lookup = h_lookup,
    .parent = h_parent,
    .readlink = h_readlink,
};

/* ---- the tree ---- */

static void mk(const char *kind, const char *path, const char *target)
{
	char *p = strdup(real_path(path));
	int fd;

	if (kind[0] == 'd')
		CHECK(mkdir(p, 0755) == 0);
	else if (kind[0] == 'f') {
		fd = open(p, O_CREAT | O_WRONLY, 0644);
		CHECK(fd >= 0);
		close(fd);
	} else
		CHECK(symlink(target, p) == 0);
	free(p);
}

static void build_tree(void)
{
	char name[64], target[64];

	snprintf(tree, sizeof(tree), "/tmp/monos-path-XXXXXX");
	if (!mkdtemp(tree)) {
		perror("mkdtemp");
		exit(1);
	}
	mk("d", "d", NULL);
	mk("f", "d/f", NULL);
	mk("d", "d/sub", NULL);
	mk("f", "d/sub/g", NULL);
	mk("f", "f", NULL);
	mk("l", "l_f", "f");
	mk("l", "l_d", "d");
	mk("l", "l_abs", "/d/sub");
	mk("l", "l_missing", "nope");
	mk("l", "l_loop1", "l_loop2");
	mk("l", "l_loop2", "l_loop1");
	mk("l", "l_self", "l_self");
	mk("l", "l_dotdot", "..");
	mk("l", "d/l_up", "../f");
	mk("l", "d/l_updir", "..");
	mk("l", "d/sub/l_abs_up", "/../../d");
	mk("l", "l_chain1", "l_chain2");
	mk("l", "l_chain2", "l_d");
	mk("l", "l_slash", "d/");
	mk("l", "l_fslash", "f/");
	mk("l", "l_into", "d/sub/g");
	mk("l", "l_sub_rel", "d/sub/../f");
	/* c0 -> c1 -> ... -> c40 -> f: following c0 takes 41 links */
	for (int i = 0; i <= 40; i++) {
		snprintf(name, sizeof(name), "c%d", i);
		if (i == 40)
			snprintf(target, sizeof(target), "f");
		else
			snprintf(target, sizeof(target), "c%d", i + 1);
		mk("l", name, target);
	}
	root_fd = open(tree, O_PATH | O_DIRECTORY);
	if (root_fd < 0) {
		perror("open tree");
		exit(1);
	}
}

static void remove_tree(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", tree);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tree);
}

/* ---- resolving both ways ---- */

/* inode the path names (>0) or -errno, by lib/path.c from start */
static long long ours(const char *start, const char *path, unsigned flags)
{
	struct path_result r;
	struct path_node s = {(void *)start, 0};
	struct stat st;
	int err = path_resolve(&hfs, s, path, flags, &r);

	if (err)
		return err;
	if (lstat(real_path(node_path(r.node)), &st))
		return -1000;
	return (long long)st.st_ino;
}

static bool have_openat2 = true;

/* the same by Linux: openat2 at the tree's root (start prefixed) */
static long long linux_says(const char *start, const char *path, unsigned flags)
{
	struct open_how how = {0};
	char full[8192];
	struct stat st;
	int fd;
	long long ino;

	if (path[0] == '/' || !start[0])
		snprintf(full, sizeof(full), "%s", path);
	else if (!path[0])
		full[0] = 0;
	else
		snprintf(full, sizeof(full), "%s/%s", start, path);
	how.flags = O_PATH | ((flags & PATH_NOFOLLOW) ? O_NOFOLLOW : 0);
	how.resolve = RESOLVE_IN_ROOT;
	fd = (int)syscall(SYS_openat2, root_fd, full, &how, sizeof(how));
	if (fd < 0)
		return -errno;
	ino = fstat(fd, &st) ? -1000 : (long long)st.st_ino;
	close(fd);
	return ino;
}

static long long ino_of(const char *rel)
{
	struct stat st;

	if (lstat(real_path(rel), &st))
		return -1000;
	return (long long)st.st_ino;
}

struct pcase {
	const char *start;
	const char *path;
	unsigned flags;
	const char *expect; /* node below the root, or NULL: expect errno */
	int err;
};

#define NF PATH_NOFOLLOW
static const struct pcase cases[] = {
    {"", "/", 0, "", 0},
    {"", ".", 0, "", 0},
    {"", "..", 0, "", 0},
    {"", "/..", 0, "", 0},
    {"", "/../../d", 0, "d", 0},
    {"", "d", 0, "d", 0},
    {"", "d/", 0, "d", 0},
    {"", "d//sub///g", 0, "d/sub/g", 0},
    {"", "d/./sub/../f", 0, "d/f", 0},
    {"", "f", 0, "f", 0},
    {"", "f/", 0, NULL, ENOTDIR},
    {"", "f/.", 0, NULL, ENOTDIR},
    {"", "f/..", 0, NULL, ENOTDIR},
    {"", "f/x", 0, NULL, ENOTDIR},
    {"", "", 0, NULL, ENOENT},
    {"", "nope", 0, NULL, ENOENT},
    {"", "nope/", 0, NULL, ENOENT},
    {"", "nope/x", 0, NULL, ENOENT},
    {"", "d/nope/../f", 0, NULL, ENOENT},
    {"", "l_f", 0, "f", 0},
    {"", "l_f", NF, "l_f", 0},
    {"", "l_f/", 0, NULL, ENOTDIR},
    {"", "l_f/", NF, NULL, ENOTDIR},
    {"", "l_d", NF, "l_d", 0},
    {"", "l_d/", NF, "d", 0},
    {"", "l_d/sub/g", NF, "d/sub/g", 0},
    {"", "l_d/..", 0, "", 0},
    {"", "l_abs", 0, "d/sub", 0},
    {"", "l_abs/../f", 0, "d/f", 0},
    {"", "l_missing", 0, NULL, ENOENT},
    {"", "l_missing", NF, "l_missing", 0},
    {"", "l_missing/", NF, NULL, ENOENT},
    {"", "l_loop1", 0, NULL, ELOOP},
    {"", "l_loop1", NF, "l_loop1", 0},
    {"", "l_loop1/x", NF, NULL, ELOOP},
    {"", "l_self/", NF, NULL, ELOOP},
    {"", "l_dotdot", 0, "", 0},
    {"", "d/l_up", 0, "f", 0},
    {"", "d/l_updir/d/l_updir/f", 0, "f", 0},
    {"", "d/sub/l_abs_up/f", 0, "d/f", 0},
    {"", "l_chain1/sub", 0, "d/sub", 0},
    {"", "l_slash", 0, "d", 0},
    {"", "l_fslash", 0, NULL, ENOTDIR},
    {"", "l_fslash", NF, "l_fslash", 0},
    {"", "l_into", 0, "d/sub/g", 0},
    {"", "l_into/", 0, NULL, ENOTDIR},
    {"", "l_sub_rel", 0, "d/f", 0},
    {"", "c1", 0, "f", 0},	/* 40 links */
    {"", "c0", 0, NULL, ELOOP}, /* 41 links */
    {"", "c0", NF, "c0", 0},
    {"", "c0/", NF, NULL, ELOOP},
    {"d", "f", 0, "d/f", 0},
    {"d", "..", 0, "", 0},
    {"d", "../f", 0, "f", 0},
    {"d", "sub/../../l_d/f", 0, "d/f", 0},
    {"d", "/f", 0, "f", 0},
    {"d/sub", "../../../../f", 0, "f", 0},
    {"d", "l_updir", NF, "d/l_updir", 0},
    {"d", "l_updir/", NF, "", 0},
};

static void check_case(const struct pcase *c)
{
	long long got = ours(c->start, c->path, c->flags);
	long long want = c->expect ? ino_of(c->expect) : -(long long)c->err;
	char what[4200];

	snprintf(what, sizeof(what), " [start '%s' path '%s'%s]", c->start, c->path,
		 (c->flags & NF) ? " nofollow" : "");
	check_report(got == want, "lib/path matches the expected result", __FILE__, __LINE__, what);
	if (have_openat2) {
		long long lx = linux_says(c->start, c->path, c->flags);

		check_report(lx == want, "Linux agrees with the expected result", __FILE__,
			     __LINE__, what);
	}
}

static void test_table(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_case(&cases[i]);
}

static void test_long_names(void)
{
	char name[300], path[700];

	memset(name, 'x', 256);
	name[256] = 0;
	snprintf(path, sizeof(path), "d/%s", name);
	CHECK_INT(ours("", path, 0), -ENAMETOOLONG);
	if (have_openat2)
		CHECK_INT(linux_says("", path, 0), -ENAMETOOLONG);
	name[255] = 0;
	snprintf(path, sizeof(path), "d/%s", name);
	CHECK_INT(ours("", path, 0), -ENOENT);
	if (have_openat2)
		CHECK_INT(linux_says("", path, 0), -ENOENT);
	/* in a non-directory, ENOTDIR comes first */
	name[255] = 'x';
	snprintf(path, sizeof(path), "f/%s", name);
	CHECK_INT(ours("", path, 0), -ENOTDIR);
	if (have_openat2)
		CHECK_INT(linux_says("", path, 0), -ENOTDIR);
}

static void test_path_max(void)
{
	static char path[PATH_MAX_LEN + 10];

	/* "./././...": 4095 bytes resolve, 4096 do not */
	for (int i = 0; i < PATH_MAX_LEN - 1; i++)
		path[i] = (i & 1) ? '/' : '.';
	path[PATH_MAX_LEN - 1] = 0;
	CHECK_INT(ours("", path, 0), ino_of(""));
	path[PATH_MAX_LEN - 1] = '.';
	path[PATH_MAX_LEN] = 0;
	CHECK_INT(ours("", path, 0), -ENAMETOOLONG);
}

/* a start node that is not a directory */
static void test_start_not_dir(void)
{
	CHECK_INT(ours("f", "x", 0), -ENOTDIR);
	CHECK_INT(ours("f", ".", 0), -ENOTDIR);
	CHECK_INT(ours("f", "/d", 0), ino_of("d"));
}

int main(void)
{
	struct open_how how = {.flags = O_PATH, .resolve = RESOLVE_IN_ROOT};
	int fd;

	build_tree();
	fd = (int)syscall(SYS_openat2, root_fd, ".", &how, sizeof(how));
	if (fd < 0) {
		have_openat2 = false;
		printf("# openat2 unavailable (%s): checking the fixed table only\n",
		       strerror(errno));
	} else {
		close(fd);
	}
	RUN(test_table);
	RUN(test_long_names);
	RUN(test_path_max);
	RUN(test_start_not_dir);
	remove_tree();
	return check_done();
}
