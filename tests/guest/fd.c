/*
 * fd.c - guest test: file descriptors and the working directory. dup,
 * dup2, dup3, fcntl (F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD/F_SETFD, F_GETFL/
 * F_SETFL), lowest-free numbering, shared offsets, EBADF, getcwd/chdir
 * with relative paths, openat, ioctl (TCGETS/TIOCGWINSZ answered
 * consistently, ENOTTY on a regular file). Usage: fd DATADIR.
 * Env: EXPECT_CWD=/ (the starting directory under monos).
 *
 * Layer: guest test program; run natively and under monos by
 * tests/suites/60-guest.
 */
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>

#include "gtest.h"

static const char *dd;

static int open_data(const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dd, rel);
	return open(path, O_RDONLY);
}

static void test_dup(void)
{
	char buf[16] = {0};
	int a, b, c, d, r;

	a = open_data("hello.txt");
	b = open_data("sub/nested.txt");
	CHECK("open_two", a >= 0 && b == a + 1, "fds %d %d", a, b);
	close(a);
	c = open_data("lines.txt");
	CHECK_RET("lowest_free", c, a);
	close(c);
	close(b);

	a = open_data("hello.txt");
	d = dup(a);
	CHECK_RET("dup_lowest", d, a + 1);
	CHECK_RET("dup_shared_read", read(a, buf, 3), 3);
	CHECK_RET("dup_shared_offset", lseek(d, 0, SEEK_CUR), 3);
	CHECK("dup_reads_on", read(d, buf, 2) == 2 && !memcmp(buf, "lo", 2), "'%.2s'", buf);
	CHECK_ERR("dup_bad_fd", dup(999), EBADF);
	close(d);

	CHECK_RET("dup2_same", dup2(a, a), a);
	CHECK_ERR("dup2_same_bad", dup2(999, 999), EBADF);
	CHECK_RET("dup2_high", dup2(a, 50), 50);
	CHECK_RET("dup2_no_cloexec", fcntl(50, F_GETFD), 0);
	b = open_data("sub/nested.txt");
	CHECK_RET("dup2_replaces", dup2(a, b), b);
	lseek(a, 0, SEEK_SET);
	memset(buf, 0, sizeof(buf));
	CHECK("dup2_replaced_reads", read(b, buf, 5) == 5 && !memcmp(buf, "hello", 5), "'%s'", buf);
	CHECK_ERR("dup2_bad_old", dup2(999, 51), EBADF);
	CHECK_ERR("dup2_bad_new", dup2(a, -1), EBADF);

	CHECK_ERR("dup3_same", syscall(SYS_dup3, a, a, 0), EINVAL);
	CHECK_RET("dup3_cloexec", syscall(SYS_dup3, a, 52, O_CLOEXEC), 52);
	CHECK_RET("dup3_cloexec_set", fcntl(52, F_GETFD), FD_CLOEXEC);
	CHECK_ERR("dup3_bad_flags", syscall(SYS_dup3, a, 53, 0x1), EINVAL);

	r = fcntl(a, F_DUPFD, 60);
	CHECK("fcntl_dupfd", r >= 60 && fcntl(r, F_GETFD) == 0, "ret %d", r);
	CHECK_RET("fcntl_dupfd_next", fcntl(a, F_DUPFD, 60), r + 1);
	r = fcntl(a, F_DUPFD_CLOEXEC, 70);
	CHECK("fcntl_dupfd_cloexec", r >= 70 && fcntl(r, F_GETFD) == FD_CLOEXEC, "ret %d", r);
	CHECK_RET("fcntl_setfd", fcntl(a, F_SETFD, FD_CLOEXEC), 0);
	CHECK_RET("fcntl_getfd", fcntl(a, F_GETFD), FD_CLOEXEC);
	CHECK_RET("fcntl_setfd_per_fd", fcntl(50, F_GETFD), 0);
	r = fcntl(a, F_GETFL);
	CHECK("fcntl_getfl_rdonly", r >= 0 && (r & O_ACCMODE) == O_RDONLY, "flags %#x", r);
	CHECK_RET("fcntl_setfl", fcntl(a, F_SETFL, O_NONBLOCK), 0);
	r = fcntl(50, F_GETFL);
	CHECK("fcntl_setfl_shared", r >= 0 && (r & O_NONBLOCK) && (r & O_ACCMODE) == O_RDONLY,
	      "flags %#x", r);
	CHECK_ERR("fcntl_bad_fd", fcntl(999, F_GETFD), EBADF);
	CHECK_ERR("fcntl_bad_cmd", fcntl(a, 9999), EINVAL);
	CHECK_ERR("fcntl_dupfd_negative", fcntl(a, F_DUPFD, -1), EINVAL);

	CHECK_RET("close_dup", close(50), 0);
	CHECK("close_keeps_other", read(a, buf, 1) >= 0, "%s", strerror(errno));
	CHECK_ERR("close_again", close(50), EBADF);
	CHECK_ERR("close_negative", close(-1), EBADF);
}

static void test_cwd(void)
{
	char cwd[512], sub[600], buf[32] = {0};
	struct stat s1, s2;
	const char *want = getenv("EXPECT_CWD");
	int fd, dfd;
	long r;

	CHECK("getcwd", getcwd(cwd, sizeof(cwd)) && cwd[0] == '/', "%s", strerror(errno));
	if (want)
		CHECK("getcwd_start", !strcmp(cwd, want), "'%s', want '%s'", cwd, want);
	CHECK_RET("chdir", chdir(dd), 0);
	CHECK("getcwd_after_chdir", getcwd(cwd, sizeof(cwd)) && cwd[0] == '/', "%s",
	      strerror(errno));
	CHECK("getcwd_is_dot",
	      stat(cwd, &s1) == 0 && stat(".", &s2) == 0 && s1.st_ino == s2.st_ino &&
		  s1.st_dev == s2.st_dev,
	      "'%s'", cwd);
	fd = open("hello.txt", O_RDONLY);
	CHECK("open_relative", fd >= 0 && read(fd, buf, 5) == 5 && !memcmp(buf, "hello", 5),
	      "fd %d", fd);
	close(fd);
	CHECK_RET("chdir_relative", chdir("sub"), 0);
	snprintf(sub, sizeof(sub), "%s/sub", strcmp(cwd, "/") ? cwd : "");
	{
		char now[600];

		CHECK("getcwd_sub", getcwd(now, sizeof(now)) && !strcmp(now, sub), "'%s' want '%s'",
		      now, sub);
	}
	fd = open("deeper/leaf.txt", O_RDONLY);
	CHECK("open_relative_sub", fd >= 0, "%s", strerror(errno));
	close(fd);
	CHECK_RET("chdir_dotdot", chdir(".."), 0);
	{
		char now[600];

		CHECK("getcwd_dotdot", getcwd(now, sizeof(now)) && !strcmp(now, cwd),
		      "'%s' want '%s'", now, cwd);
	}
	CHECK_ERR("chdir_file", chdir("hello.txt"), ENOTDIR);
	CHECK_ERR("chdir_missing", chdir("missing"), ENOENT);
	CHECK_ERR("chdir_efault", syscall(SYS_chdir, GT_BAD), EFAULT);
	CHECK_ERR("getcwd_erange", syscall(SYS_getcwd, buf, 2), ERANGE);
	CHECK_ERR("getcwd_efault", syscall(SYS_getcwd, GT_BAD, 100), EFAULT);
	r = syscall(SYS_getcwd, sub, sizeof(sub));
	CHECK("getcwd_raw_length", r == (long)strlen(cwd) + 1, "ret %ld for '%s'", r, cwd);

	dfd = open("sub", O_RDONLY | O_DIRECTORY);
	fd = openat(dfd, "nested.txt", O_RDONLY);
	memset(buf, 0, sizeof(buf));
	CHECK("openat_dirfd", fd >= 0 && read(fd, buf, 6) == 6 && !memcmp(buf, "nested", 6),
	      "fd %d", fd);
	close(fd);
	fd = openat(dfd, "../hello.txt", O_RDONLY);
	CHECK("openat_dotdot", fd >= 0, "%s", strerror(errno));
	close(fd);
	CHECK_ERR("openat_bad_dirfd", openat(999, "nested.txt", O_RDONLY), EBADF);
	fd = openat(dfd, "deeper", O_RDONLY | O_DIRECTORY);
	CHECK("openat_directory", fd >= 0, "%s", strerror(errno));
	close(fd);
	close(dfd);
	chdir("/");
}

static void test_ioctl(void)
{
	struct termios t;
	struct winsize ws;
	int r1, e1, r2, e2, fd;

	errno = 0;
	r1 = ioctl(1, TCGETS, &t);
	e1 = errno;
	errno = 0;
	r2 = ioctl(1, TIOCGWINSZ, &ws);
	e2 = errno;
	CHECK("ioctl_console_consistent",
	      (r1 == 0 && r2 == 0) || (r1 == -1 && e1 == ENOTTY && r2 == -1 && e2 == ENOTTY),
	      "TCGETS %d/%s TIOCGWINSZ %d/%s", r1, strerror(e1), r2, strerror(e2));
	CHECK("isatty_matches", isatty(1) == (r1 == 0), "isatty %d", isatty(1));
	fd = open_data("hello.txt");
	CHECK_ERR("ioctl_file_enotty", ioctl(fd, TCGETS, &t), ENOTTY);
	close(fd);
	CHECK_ERR("ioctl_bad_fd", ioctl(999, TCGETS, &t), EBADF);
}

int main(int argc, char **argv)
{
	gt_init();
	static char abs_dd[512];

	dd = argc > 1 ? argv[1] : "/data";
	if (dd[0] != '/' && getcwd(abs_dd, sizeof(abs_dd) / 2)) { /* native runs */
		strcat(abs_dd, "/");
		strncat(abs_dd, dd, sizeof(abs_dd) / 2 - 2);
		dd = abs_dd;
	}
	test_dup();
	test_cwd();
	test_ioctl();
	return gt_done();
}
