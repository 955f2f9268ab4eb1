/*
 * fsspecial.c - checks of the monos-specific parts of the file namespace
 * and fd semantics that Linux itself cannot prove (so this program runs
 * only under monos, from tests/suites/55-kernel-fs, with the tree of that
 * suite at /data): /proc/self/{exe,cwd,fd}, /dev/{null,zero,full,urandom,
 * console,stdout,fd}, the console not being a terminal, fds 0-2, F_GETFL
 * values, O_PATH handles, cwd changes, lseek and getdents64 offsets on
 * directories, access on a read-only rootfs. Prints gtest lines.
 * Layer: guest test program (static; musl-gcc and gcc).
 */
#include <dirent.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <termios.h>

#include "../gtest.h"

static char buf[8192];

static int rl(const char *path)
{
	ssize_t n = readlink(path, buf, sizeof(buf) - 1);

	if (n >= 0)
		buf[n] = 0;
	return (int)n;
}

static void proc_self(void)
{
	int fd;
	struct stat st;
	DIR *d;
	struct dirent *e;
	int seen[4] = {0};

	CHECK("proc-exe", rl("/proc/self/exe") > 0 && !strcmp(buf, "/fsspecial"), "got '%s'", buf);
	CHECK("proc-cwd", rl("/proc/self/cwd") > 0 && !strcmp(buf, "/"), "got '%s'", buf);
	CHECK("proc-fd0", rl("/proc/self/fd/0") > 0 && !strcmp(buf, "/dev/console"), "got '%s'",
	      buf);
	fd = open("/data/a/b/../b/c/d/e/deep.txt", O_RDONLY);
	CHECK("open-deep", fd == 3, "fd %d", fd);
	snprintf(buf + 4096, 64, "/proc/self/fd/%d", fd);
	CHECK("proc-fd-path", rl(buf + 4096) > 0 && !strcmp(buf, "/data/a/b/c/d/e/deep.txt"),
	      "got '%s'", buf);
	/* opening the magic link reopens the file */
	{
		int fd2 = open("/proc/self/fd/3", O_RDONLY);
		char c[32] = {0};

		CHECK("proc-fd-reopen",
		      fd2 > 3 && read(fd2, c, sizeof(c) - 1) == 17 &&
			  !strcmp(c, "five levels down\n"),
		      "fd %d '%s'", fd2, c);
		close(fd2);
	}
	d = opendir("/proc/self/fd");
	while (d && (e = readdir(d)) != NULL)
		if (e->d_name[0] >= '0' && e->d_name[0] <= '3' && !e->d_name[1])
			seen[e->d_name[0] - '0']++;
	CHECK("proc-fd-list", d && seen[0] == 1 && seen[1] == 1 && seen[2] == 1 && seen[3] == 1,
	      "seen %d %d %d %d", seen[0], seen[1], seen[2], seen[3]);
	if (d)
		closedir(d);
	CHECK("proc-fd-missing", lstat("/proc/self/fd/77", &st) == -1 && errno == ENOENT,
	      "errno %d", errno);
	close(fd);
	CHECK("dev-stdout-link", rl("/dev/stdout") > 0 && !strcmp(buf, "/proc/self/fd/1"),
	      "got '%s'", buf);
	fd = open("/dev/stdout", O_WRONLY);
	CHECK("dev-stdout-write", fd >= 0 && write(fd, "via /dev/stdout\n", 16) == 16, "fd %d", fd);
	close(fd);
}

static void devices(void)
{
	struct stat st = {0};
	int fd;
	unsigned char r1[32], r2[32];

	CHECK("stat-null",
	      !stat("/dev/null", &st) && S_ISCHR(st.st_mode) && major(st.st_rdev) == 1 &&
		  minor(st.st_rdev) == 3,
	      "mode %o rdev %lx", st.st_mode, (unsigned long)st.st_rdev);
	fd = open("/dev/full", O_WRONLY);
	CHECK_ERR("full-enospc", write(fd, "x", 1), ENOSPC);
	CHECK("full-reads-zero",
	      (buf[0] = 1, read(open("/dev/full", O_RDONLY), buf, 4) == 4 && !buf[0] && !buf[3]),
	      "bad");
	close(fd);
	fd = open("/dev/urandom", O_RDONLY);
	CHECK("urandom-differs",
	      read(fd, r1, 32) == 32 && read(fd, r2, 32) == 32 && memcmp(r1, r2, 32) != 0,
	      "two reads equal");
	close(fd);
	CHECK("dev-listing", access("/dev/zero", R_OK) == 0 && access("/dev/random", R_OK) == 0,
	      "errno %d", errno);
}

static void console(void)
{
	struct termios t;
	struct winsize w;
	int fl = fcntl(1, F_GETFL);

	CHECK_ERR("tcgets-enotty", ioctl(1, TCGETS, &t), ENOTTY);
	CHECK_ERR("tiocgwinsz-enotty", ioctl(0, TIOCGWINSZ, &w), ENOTTY);
	CHECK("isatty-false", !isatty(1), "isatty(1) is true");
	CHECK("stdout-flags", fl == (O_RDWR | 0100000), "F_GETFL %#x", fl);
	CHECK_RET("stdin-eof", read(0, buf, 10), 0);
	CHECK_ERR("console-lseek", lseek(1, 0, SEEK_SET), ESPIPE);
	CHECK_ERR("console-pread", pread(0, buf, 1, 0), ESPIPE);
}

static void fd_flags(void)
{
	int fd = open("/data/hello.txt", O_RDONLY | O_CLOEXEC | O_NOCTTY), n = -1, on = 1;
	int p;
	struct stat st = {0};

	CHECK("getfl-file", fcntl(fd, F_GETFL) == 0100000, "F_GETFL %#x", fcntl(fd, F_GETFL));
	CHECK("getfd-cloexec", fcntl(fd, F_GETFD) == FD_CLOEXEC, "F_GETFD %d", fcntl(fd, F_GETFD));
	CHECK("fionread", ioctl(fd, FIONREAD, &n) == 0 && n == 22, "n %d", n);
	CHECK("fionbio", ioctl(fd, FIONBIO, &on) == 0 && (fcntl(fd, F_GETFL) & O_NONBLOCK),
	      "F_GETFL %#x", fcntl(fd, F_GETFL));
	CHECK_ERR("dup3-same", dup3(fd, fd, 0), EINVAL);
	/* raw: musl's dup3() turns unknown flags into a dup2 */
	CHECK_ERR("dup3-flags", syscall(SYS_dup3, fd, 9, O_NONBLOCK), EINVAL);
	CHECK("dupfd-min", fcntl(fd, F_DUPFD, 50) == 50, "bad");
	close(50);
	close(fd);
	p = open("/data/a", O_PATH | O_DIRECTORY);
	CHECK("opath-getfl", fcntl(p, F_GETFL) == (O_PATH | O_DIRECTORY), "F_GETFL %#x",
	      fcntl(p, F_GETFL));
	CHECK_ERR("opath-read", read(p, buf, 1), EBADF);
	CHECK("opath-fstat", !fstat(p, &st) && S_ISDIR(st.st_mode), "bad");
	fd = openat(p, "b/c/d/e/deep.txt", O_RDONLY);
	CHECK("openat-opath-dirfd", fd >= 0, "errno %d", errno);
	close(fd);
	CHECK("fchdir-opath", fchdir(p) == 0 && getcwd(buf, sizeof(buf)) && !strcmp(buf, "/data/a"),
	      "cwd '%s'", buf);
	close(p);
	CHECK("chdir-dotdot",
	      chdir("b/c/../..") == 0 && getcwd(buf, sizeof(buf)) && !strcmp(buf, "/data/a"),
	      "cwd '%s'", buf);
	/* getcwd names the physical directory, not the link */
	CHECK("chdir-symlink",
	      chdir("/data/link-dir/c") == 0 && getcwd(buf, sizeof(buf)) &&
		  !strcmp(buf, "/data/a/b/c"),
	      "cwd '%s'", buf);
	CHECK_ERR("getcwd-erange", syscall(SYS_getcwd, buf, 3), ERANGE);
	CHECK_ERR("chdir-file", chdir("/data/hello.txt"), ENOTDIR);
	CHECK("chdir-root", chdir("/") == 0, "errno %d", errno);
}

static void dirs(void)
{
	int fd = open("/data/many", O_RDONLY | O_DIRECTORY);
	char first[4096];
	long n1, n2, pos;
	struct dirent64 *d;

	n1 = syscall(SYS_getdents64, fd, first, sizeof(first));
	pos = lseek(fd, 0, SEEK_CUR);
	CHECK("getdents-pos", n1 > 0 && pos > 0, "n %ld pos %ld", n1, pos);
	/* lseek back to the d_off of the second entry, read again */
	d = (struct dirent64 *)first;
	CHECK("dots-first", !strcmp(d->d_name, "."), "first '%s'", d->d_name);
	lseek(fd, d->d_off, SEEK_SET);
	n2 = syscall(SYS_getdents64, fd, buf, sizeof(buf));
	CHECK("getdents-seek", n2 > 0 && !strcmp(((struct dirent64 *)buf)->d_name, ".."),
	      "after seek '%s'", ((struct dirent64 *)buf)->d_name);
	close(fd);
	CHECK_ERR("access-w-erofs", access("/data/hello.txt", W_OK), EROFS);
	CHECK_ERR("access-x-file", access("/data/hello.txt", X_OK), EACCES);
	CHECK_RET("access-x-program", access("/fsspecial", X_OK), 0);
	CHECK_ERR("create-erofs", open("/data/new.txt", O_CREAT | O_WRONLY, 0644), EROFS);
	CHECK_ERR("create-excl-exists", open("/data/hello.txt", O_CREAT | O_EXCL, 0644), EEXIST);
	CHECK_ERR("create-noparent", open("/data/nodir/new.txt", O_CREAT | O_WRONLY, 0644), ENOENT);
	CHECK_ERR("loop", open("/data/link-loop", O_RDONLY), ELOOP);
	CHECK_ERR("nofollow", open("/data/link-rel", O_RDONLY | O_NOFOLLOW), ELOOP);
}

int main(void)
{
	gt_init();
	proc_self();
	devices();
	console();
	fd_flags();
	dirs();
	return gt_done();
}
