/*
 * files.c - guest test: reading the image's files. open/openat/read/pread/
 * readv/close, stat/lstat/fstat/newfstatat/statx, getdents64, readlink(at),
 * access/faccessat/faccessat2, lseek, private read-only file mmap, the
 * special files (/dev/null, /dev/zero, /dev/urandom, /proc/self/exe),
 * stdin at EOF, writev to stdout, EROFS on writing a TFS file, EFAULT on
 * bad pointers. Usage: files DATADIR (tests/guest/data plus what
 * tests/guest/build.mk adds: pattern.bin, emptydir/).
 * Env: EXPECT_EROFS=1 (the files are on a read-only monos rootfs).
 *
 * Layer: guest test program; run natively and under monos by
 * tests/suites/60-guest.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include "gtest.h"

static const char *dd; /* data directory */

static const char *p(const char *rel)
{
	static char bufs[4][512];
	static int i;

	i = (i + 1) % 4;
	snprintf(bufs[i], sizeof(bufs[i]), "%s/%s", dd, rel);
	return bufs[i];
}

static unsigned char pattern_byte(size_t i)
{
	return (unsigned char)(i * 7 + (i >> 8));
}

#define PATTERN_SIZE 100000

static void test_read(void)
{
	char buf[64] = {0};
	struct iovec iov[2];
	char a[5], b[8];
	int fd = open(p("hello.txt"), O_RDONLY);

	if (!CHECK("open", fd >= 0, "open %s: %s", p("hello.txt"), strerror(errno)))
		return;
	CHECK_RET("read_all", read(fd, buf, sizeof(buf)), 13);
	CHECK("read_contents", !memcmp(buf, "hello, world\n", 13), "got '%.13s'", buf);
	CHECK_RET("read_eof", read(fd, buf, sizeof(buf)), 0);
	memset(buf, 0, sizeof(buf));
	CHECK_RET("pread", pread(fd, buf, 5, 7), 5);
	CHECK("pread_contents", !memcmp(buf, "world", 5), "got '%.5s'", buf);
	CHECK_RET("pread_keeps_offset", lseek(fd, 0, SEEK_CUR), 13);
	CHECK_RET("pread_past_end", pread(fd, buf, 5, 100), 0);
	CHECK_ERR("pread_negative", pread(fd, buf, 5, -1), EINVAL);
	lseek(fd, 0, SEEK_SET);
	iov[0] = (struct iovec){a, sizeof(a)};
	iov[1] = (struct iovec){b, sizeof(b)};
	CHECK_RET("readv", readv(fd, iov, 2), 13);
	CHECK("readv_contents", !memcmp(a, "hello", 5) && !memcmp(b, ", world\n", 8),
	      "got '%.5s' '%.8s'", a, b);
	CHECK_ERR("write_readonly_fd", write(fd, "x", 1), EBADF);
	CHECK_ERR("pwrite_readonly_fd", pwrite(fd, "x", 1, 0), EBADF);
	CHECK_RET("close", close(fd), 0);
	CHECK_ERR("read_closed", read(fd, buf, 1), EBADF);
	CHECK_ERR("close_closed", close(fd), EBADF);

	fd = open(p("empty"), O_RDONLY);
	CHECK("empty_open", fd >= 0, "%s", strerror(errno));
	CHECK_RET("empty_read", read(fd, buf, sizeof(buf)), 0);
	close(fd);

	fd = open(p("sub/deeper/leaf.txt"), O_RDONLY);
	memset(buf, 0, sizeof(buf));
	CHECK("nested_read", fd >= 0 && read(fd, buf, sizeof(buf)) == 5 && !strcmp(buf, "leaf\n"),
	      "fd %d '%s'", fd, buf);
	close(fd);
	fd = open(p("./sub//deeper/../nested.txt"), O_RDONLY);
	memset(buf, 0, sizeof(buf));
	CHECK("dotdot_path",
	      fd >= 0 && read(fd, buf, sizeof(buf)) == 12 && !strcmp(buf, "nested file\n"),
	      "fd %d '%s'", fd, buf);
	close(fd);
	fd = open(p("link.txt"), O_RDONLY);
	memset(buf, 0, sizeof(buf));
	CHECK("open_symlink",
	      fd >= 0 && read(fd, buf, sizeof(buf)) == 13 && !strcmp(buf, "hello, world\n"),
	      "fd %d '%s'", fd, buf);
	close(fd);

	CHECK_ERR("open_missing", open(p("nope"), O_RDONLY), ENOENT);
	CHECK_ERR("open_notdir", open(p("hello.txt/x"), O_RDONLY), ENOTDIR);
	CHECK_ERR("open_o_directory_file", open(p("hello.txt"), O_RDONLY | O_DIRECTORY), ENOTDIR);
	CHECK_ERR("open_efault", syscall(SYS_open, GT_BAD, O_RDONLY), EFAULT);
	CHECK_ERR("open_efault_kernel", syscall(SYS_openat, AT_FDCWD, GT_KERNEL_ADDR, O_RDONLY),
		  EFAULT);
	fd = open(p("sub"), O_RDONLY);
	CHECK("open_dir", fd >= 0, "%s", strerror(errno));
	CHECK_ERR("read_dir", read(fd, buf, sizeof(buf)), EISDIR);
	close(fd);

	fd = open(p("hello.txt"), O_RDONLY);
	CHECK_ERR("read_efault", read(fd, GT_BAD, 10), EFAULT);
	CHECK_ERR("read_efault_noncanonical", read(fd, GT_NONCANON_ADDR, 10), EFAULT);
	CHECK_ERR("read_efault_kernel", read(fd, GT_KERNEL_ADDR, 10), EFAULT);
	iov[0] = (struct iovec){GT_BAD, 4};
	CHECK_ERR("readv_efault", readv(fd, iov, 1), EFAULT);
	CHECK_ERR("readv_bad_iov", readv(fd, GT_BAD, 1), EFAULT);
	close(fd);
}

static void test_pattern(void)
{
	static unsigned char buf[8192];
	size_t off = 0, bad = (size_t)-1;
	unsigned char *m;
	ssize_t n;
	struct stat st;
	int fd = open(p("pattern.bin"), O_RDONLY);

	if (!CHECK("pattern_open", fd >= 0, "%s", strerror(errno)))
		return;
	CHECK("pattern_size", fstat(fd, &st) == 0 && st.st_size == PATTERN_SIZE, "size %lld",
	      (long long)st.st_size);
	while ((n = read(fd, buf, 4096 + 13)) > 0) {
		for (ssize_t i = 0; i < n && bad == (size_t)-1; i++)
			if (buf[i] != pattern_byte(off + i))
				bad = off + i;
		off += n;
	}
	CHECK("pattern_read", n == 0 && off == PATTERN_SIZE && bad == (size_t)-1,
	      "read %zu bytes, last %zd, first bad byte at %zd", off, n, (ssize_t)bad);
	n = pread(fd, buf, 100, 65530);
	bad = 0;
	for (int i = 0; i < 100; i++)
		bad |= buf[i] != pattern_byte(65530 + i);
	CHECK("pattern_pread_boundary", n == 100 && !bad, "n %zd bad %zu", n, bad);
	CHECK_RET("pattern_pread_tail", pread(fd, buf, 100, PATTERN_SIZE - 10), 10);

	m = mmap(NULL, PATTERN_SIZE, PROT_READ, MAP_PRIVATE, fd, 0);
	if (CHECK("mmap_file", m != MAP_FAILED, "%s", strerror(errno))) {
		bad = (size_t)-1;
		for (size_t i = 0; i < PATTERN_SIZE && bad == (size_t)-1; i++)
			if (m[i] != pattern_byte(i))
				bad = i;
		CHECK("mmap_file_contents", bad == (size_t)-1, "first bad byte at %zd",
		      (ssize_t)bad);
		/* the rest of the last page reads as zeroes */
		CHECK("mmap_file_tail_zero", m[PATTERN_SIZE] == 0 && m[(PATTERN_SIZE | 4095)] == 0,
		      "%d %d", m[PATTERN_SIZE], m[PATTERN_SIZE | 4095]);
		munmap(m, PATTERN_SIZE);
	}
	m = mmap(NULL, 8192, PROT_READ, MAP_PRIVATE, fd, 8192);
	CHECK("mmap_file_offset",
	      m != MAP_FAILED && m[0] == pattern_byte(8192) && m[5000] == pattern_byte(8192 + 5000),
	      "%s", m == MAP_FAILED ? strerror(errno) : "wrong bytes");
	if (m != MAP_FAILED)
		munmap(m, 8192);
	CHECK_ERR("mmap_file_unaligned_offset", mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 100),
		  EINVAL);
	close(fd);
	CHECK_ERR("mmap_bad_fd", mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, 999, 0), EBADF);
}

static void test_lseek(void)
{
	char buf[32] = {0};
	int fd = open(p("hello.txt"), O_RDONLY);

	CHECK_RET("lseek_set", lseek(fd, 5, SEEK_SET), 5);
	CHECK("lseek_set_read", read(fd, buf, 7) == 7 && !memcmp(buf, ", world", 7), "'%s'", buf);
	CHECK_RET("lseek_cur", lseek(fd, -3, SEEK_CUR), 9);
	CHECK_RET("lseek_end", lseek(fd, 0, SEEK_END), 13);
	CHECK_RET("lseek_end_minus", lseek(fd, -1, SEEK_END), 12);
	CHECK("lseek_end_read", read(fd, buf, 5) == 1 && buf[0] == '\n', "%d", buf[0]);
	CHECK_RET("lseek_past_end", lseek(fd, 100, SEEK_SET), 100);
	CHECK_RET("lseek_past_end_read", read(fd, buf, 5), 0);
	CHECK_ERR("lseek_negative", lseek(fd, -20, SEEK_END), EINVAL);
	CHECK_RET("lseek_negative_keeps", lseek(fd, 0, SEEK_CUR), 100);
	CHECK_ERR("lseek_bad_whence", lseek(fd, 0, 99), EINVAL);
	close(fd);
	CHECK_ERR("lseek_bad_fd", lseek(fd, 0, SEEK_SET), EBADF);
}

static void check_stat_file(const char *name, const struct stat *st, int r, long size)
{
	CHECK(name, r == 0 && S_ISREG(st->st_mode) && st->st_size == size,
	      "ret %d mode %o size %lld", r, st->st_mode, (long long)st->st_size);
}

/* statx as the kernel ABI defines it (musl 1.2.3 has no wrapper) */
struct gt_statx_ts {
	int64_t tv_sec;
	uint32_t tv_nsec;
	int32_t pad;
};
struct gt_statx {
	uint32_t mask, blksize;
	uint64_t attributes;
	uint32_t nlink, uid, gid;
	uint16_t mode, pad1;
	uint64_t ino, size, blocks, attributes_mask;
	struct gt_statx_ts atime, btime, ctime, mtime;
	uint32_t rdev_major, rdev_minor, dev_major, dev_minor;
	uint64_t spare[14];
};
_Static_assert(sizeof(struct gt_statx) == 256, "statx is 256 bytes");

static void test_stat(void)
{
	struct stat st, st2;
	struct gt_statx sx;
	int dfd, r;

	r = stat(p("hello.txt"), &st);
	check_stat_file("stat", &st, r, 13);
	r = stat(p("link.txt"), &st);
	check_stat_file("stat_follows_link", &st, r, 13);
	r = lstat(p("link.txt"), &st);
	CHECK("lstat_link", r == 0 && S_ISLNK(st.st_mode) && st.st_size == 9,
	      "ret %d mode %o size %lld", r, st.st_mode, (long long)st.st_size);
	r = lstat(p("hello.txt"), &st);
	check_stat_file("lstat_file", &st, r, 13);
	r = stat(p("sub"), &st);
	CHECK("stat_dir", r == 0 && S_ISDIR(st.st_mode), "ret %d mode %o", r, st.st_mode);
	r = stat(p("emptydir"), &st);
	CHECK("stat_empty_dir", r == 0 && S_ISDIR(st.st_mode), "ret %d mode %o", r, st.st_mode);
	CHECK_ERR("stat_missing", stat(p("missing"), &st), ENOENT);
	CHECK_ERR("stat_efault_buf", syscall(SYS_stat, p("hello.txt"), GT_BAD), EFAULT);
	CHECK_ERR("stat_efault_path", syscall(SYS_stat, GT_BAD, &st), EFAULT);

	int fd = open(p("sub/nested.txt"), O_RDONLY);
	r = fstat(fd, &st);
	check_stat_file("fstat", &st, r, 12);
	r = stat(p("sub/nested.txt"), &st2);
	CHECK("fstat_same_inode", r == 0 && st.st_ino == st2.st_ino && st.st_dev == st2.st_dev,
	      "ino %llu vs %llu", (unsigned long long)st.st_ino, (unsigned long long)st2.st_ino);
	CHECK_ERR("fstat_efault", syscall(SYS_fstat, fd, GT_KERNEL_ADDR), EFAULT);
	close(fd);
	CHECK_ERR("fstat_bad_fd", fstat(fd, &st), EBADF);

	dfd = open(dd, O_RDONLY | O_DIRECTORY);
	CHECK("open_datadir", dfd >= 0, "%s", strerror(errno));
	r = syscall(SYS_newfstatat, dfd, "hello.txt", &st, 0);
	check_stat_file("newfstatat_dirfd", &st, r, 13);
	r = syscall(SYS_newfstatat, dfd, "link.txt", &st, AT_SYMLINK_NOFOLLOW);
	CHECK("newfstatat_nofollow", r == 0 && S_ISLNK(st.st_mode), "ret %d mode %o", r,
	      st.st_mode);
	r = syscall(SYS_newfstatat, AT_FDCWD, p("hello.txt"), &st, 0);
	check_stat_file("newfstatat_cwd", &st, r, 13);
	fd = open(p("hello.txt"), O_RDONLY);
	r = syscall(SYS_newfstatat, fd, "", &st, AT_EMPTY_PATH);
	check_stat_file("newfstatat_empty_path", &st, r, 13);
	CHECK_ERR("newfstatat_empty_no_flag", syscall(SYS_newfstatat, fd, "", &st, 0), ENOENT);
	CHECK_ERR("newfstatat_relative_on_file", syscall(SYS_newfstatat, fd, "x", &st, 0), ENOTDIR);
	close(fd);
	CHECK_ERR("newfstatat_bad_dirfd", syscall(SYS_newfstatat, 999, "hello.txt", &st, 0), EBADF);

	memset(&sx, 0xff, sizeof(sx));
	r = syscall(SYS_statx, dfd, "pattern.bin", 0, 0x7ff /* STATX_BASIC_STATS */, &sx);
	CHECK("statx",
	      r == 0 && (sx.mask & 0x200 /* STATX_SIZE */) && sx.size == PATTERN_SIZE &&
		  S_ISREG(sx.mode),
	      "ret %d mask %x size %llu mode %o", r, sx.mask, (unsigned long long)sx.size, sx.mode);
	r = syscall(SYS_statx, dfd, "link.txt", AT_SYMLINK_NOFOLLOW, 0x7ff, &sx);
	CHECK("statx_nofollow", r == 0 && S_ISLNK(sx.mode) && sx.size == 9, "ret %d mode %o", r,
	      sx.mode);
	CHECK_ERR("statx_efault", syscall(SYS_statx, dfd, "hello.txt", 0, 0x7ff, GT_BAD), EFAULT);
	CHECK_ERR("statx_missing", syscall(SYS_statx, dfd, "missing", 0, 0x7ff, &sx), ENOENT);
	close(dfd);
}

struct gt_dirent64 {
	uint64_t ino;
	int64_t off;
	unsigned short reclen;
	unsigned char type;
	char name[];
};

static const char *const want_names[] = {
    ".", "..", "empty", "emptydir", "hello.txt", "lines.txt", "link.txt", "pattern.bin", "sub"};

static void test_getdents(void)
{
	char buf[1024];
	unsigned found = 0, extra = 0, types_ok = 1;
	int calls = 0, fd = open(dd, O_RDONLY | O_DIRECTORY);
	long n;

	/* a small buffer: entries come a few at a time, none lost or repeated */
	while ((n = syscall(SYS_getdents64, fd, buf, 64)) > 0) {
		calls++;
		for (long off = 0; off < n;) {
			struct gt_dirent64 *d = (void *)(buf + off);
			unsigned i;

			for (i = 0; i < sizeof(want_names) / sizeof(*want_names); i++)
				if (!strcmp(d->name, want_names[i]))
					break;
			if (i == sizeof(want_names) / sizeof(*want_names) || (found & (1u << i)))
				extra++;
			else
				found |= 1u << i;
			if (!strcmp(d->name, "hello.txt") && d->type != DT_REG)
				types_ok = 0;
			if (!strcmp(d->name, "sub") && d->type != DT_DIR)
				types_ok = 0;
			if (!strcmp(d->name, "link.txt") && d->type != DT_LNK)
				types_ok = 0;
			off += d->reclen;
			if (d->reclen == 0)
				break;
		}
	}
	CHECK("getdents64_names", n == 0 && found == (1u << 9) - 1 && extra == 0,
	      "last %ld, found mask %x (want 1ff), %u unexpected/repeated", n, found, extra);
	CHECK("getdents64_small_buffer", calls >= 3, "%d calls", calls);
	CHECK("getdents64_types", types_ok, "d_type wrong for hello.txt/sub/link.txt");
	CHECK_RET("getdents64_at_end", syscall(SYS_getdents64, fd, buf, sizeof(buf)), 0);
	lseek(fd, 0, SEEK_SET);
	n = syscall(SYS_getdents64, fd, buf, sizeof(buf));
	CHECK("getdents64_rewind", n > 0, "ret %ld (%s)", n, strerror(errno));
	lseek(fd, 0, SEEK_SET);
	CHECK_ERR("getdents64_tiny_buffer", syscall(SYS_getdents64, fd, buf, 8), EINVAL);
	CHECK_ERR("getdents64_efault", syscall(SYS_getdents64, fd, GT_BAD, 1024), EFAULT);
	close(fd);

	fd = open(p("emptydir"), O_RDONLY | O_DIRECTORY);
	n = syscall(SYS_getdents64, fd, buf, sizeof(buf));
	{
		int entries = 0;

		for (long off = 0; off < n; off += ((struct gt_dirent64 *)(buf + off))->reclen)
			entries++;
		CHECK("getdents64_empty_dir", n > 0 && entries == 2, "ret %ld, %d entries", n,
		      entries);
	}
	close(fd);
	fd = open(p("hello.txt"), O_RDONLY);
	CHECK_ERR("getdents64_not_dir", syscall(SYS_getdents64, fd, buf, sizeof(buf)), ENOTDIR);
	close(fd);
	CHECK_ERR("getdents64_bad_fd", syscall(SYS_getdents64, 999, buf, sizeof(buf)), EBADF);
}

static void test_readlink_access(void)
{
	char buf[64];
	int dfd = open(dd, O_RDONLY | O_DIRECTORY);
	ssize_t n;

	memset(buf, 0, sizeof(buf));
	n = readlink(p("link.txt"), buf, sizeof(buf));
	CHECK("readlink", n == 9 && !memcmp(buf, "hello.txt", 9), "ret %zd '%.20s'", n, buf);
	memset(buf, 0, sizeof(buf));
	n = readlinkat(dfd, "link.txt", buf, sizeof(buf));
	CHECK("readlinkat", n == 9 && !memcmp(buf, "hello.txt", 9), "ret %zd '%.20s'", n, buf);
	memset(buf, 0, sizeof(buf));
	n = readlink(p("link.txt"), buf, 4);
	CHECK("readlink_truncates", n == 4 && !memcmp(buf, "hell", 4) && buf[4] == 0,
	      "ret %zd '%.20s'", n, buf);
	CHECK_ERR("readlink_not_link", readlink(p("hello.txt"), buf, sizeof(buf)), EINVAL);
	CHECK_ERR("readlink_missing", readlink(p("missing"), buf, sizeof(buf)), ENOENT);
	CHECK_ERR("readlink_efault", readlink(p("link.txt"), GT_BAD, sizeof(buf)), EFAULT);
	CHECK_ERR("readlink_zero_size", syscall(SYS_readlink, p("link.txt"), buf, 0), EINVAL);

	CHECK_RET("access_r", access(p("hello.txt"), R_OK), 0);
	CHECK_RET("access_f_dir", access(p("sub/deeper"), F_OK), 0);
	CHECK_ERR("access_missing", access(p("missing"), F_OK), ENOENT);
	CHECK_ERR("access_bad_mode", access(p("hello.txt"), 0x100), EINVAL);
	CHECK_RET("faccessat", syscall(SYS_faccessat, dfd, "hello.txt", R_OK), 0);
	CHECK_ERR("faccessat_missing", syscall(SYS_faccessat, dfd, "missing", R_OK), ENOENT);
	CHECK_RET("faccessat2",
		  syscall(439 /* faccessat2 */, dfd, "link.txt", R_OK, AT_SYMLINK_NOFOLLOW), 0);
	CHECK_ERR("faccessat2_bad_flags", syscall(439, dfd, "hello.txt", R_OK, 0x1), EINVAL);
	close(dfd);
}

static void test_erofs(void)
{
	if (!gt_env("EXPECT_EROFS")) {
		gt_skip("erofs", "the files are writable here (native run)");
		return;
	}
	CHECK_ERR("erofs_open_write", open(p("hello.txt"), O_WRONLY), EROFS);
	CHECK_ERR("erofs_open_rdwr", open(p("hello.txt"), O_RDWR), EROFS);
	CHECK_ERR("erofs_create", open(p("newfile"), O_WRONLY | O_CREAT, 0644), EROFS);
	CHECK_ERR("erofs_access_w", access(p("hello.txt"), W_OK), EROFS);
	CHECK_ERR("erofs_still_missing", access(p("newfile"), F_OK), ENOENT);
}

static void test_special(const char *argv0)
{
	unsigned char buf[256], buf2[64];
	char link[512];
	const char *base;
	struct stat st;
	int fd, all_zero, r;
	ssize_t n;

	fd = open("/dev/null", O_RDWR);
	CHECK("devnull_open", fd >= 0, "%s", strerror(errno));
	CHECK_RET("devnull_read", read(fd, buf, sizeof(buf)), 0);
	CHECK_RET("devnull_write", write(fd, "abcde", 5), 5);
	close(fd);
	r = stat("/dev/null", &st);
	CHECK("devnull_stat", r == 0 && S_ISCHR(st.st_mode), "ret %d mode %o", r, st.st_mode);

	fd = open("/dev/zero", O_RDONLY);
	memset(buf, 0xff, sizeof(buf));
	n = read(fd, buf, sizeof(buf));
	all_zero = 1;
	for (size_t i = 0; i < sizeof(buf); i++)
		all_zero &= buf[i] == 0;
	CHECK("devzero_read", fd >= 0 && n == sizeof(buf) && all_zero, "fd %d n %zd", fd, n);
	close(fd);

	fd = open("/dev/urandom", O_RDONLY);
	n = read(fd, buf, 64);
	r = read(fd, buf2, 64);
	all_zero = 1;
	for (int i = 0; i < 64; i++)
		all_zero &= buf[i] == 0;
	CHECK("urandom_read", fd >= 0 && n == 64 && r == 64 && !all_zero && memcmp(buf, buf2, 64),
	      "fd %d n %zd/%d", fd, n, r);
	close(fd);

	memset(link, 0, sizeof(link));
	n = readlink("/proc/self/exe", link, sizeof(link) - 1);
	base = strrchr(argv0, '/') ? strrchr(argv0, '/') + 1 : argv0;
	CHECK("proc_self_exe_readlink",
	      n > 0 && link[0] == '/' && (size_t)n > strlen(base) &&
		  !strcmp(link + n - strlen(base), base) && link[n - strlen(base) - 1] == '/',
	      "'%s' for argv[0] '%s'", link, argv0);
	fd = open("/proc/self/exe", O_RDONLY);
	memset(buf, 0, 4);
	n = fd >= 0 ? read(fd, buf, 4) : -1;
	CHECK("proc_self_exe_open", n == 4 && !memcmp(buf, "\177ELF", 4), "fd %d n %zd", fd, n);
	close(fd);

	n = read(0, buf, sizeof(buf));
	CHECK("stdin_eof", n == 0, "read(0) returned %zd", n);
}

static void test_writev_stdout(void)
{
	struct iovec iov[3] = {{"ok ", 3}, {"writev_stdout", 13}, {"\n", 1}};
	ssize_t n;

	fflush(stdout);
	n = writev(1, iov, 3);
	if (n != 17)
		CHECK("writev_stdout", 0, "returned %zd", n);
	else
		gt_passed++;
	CHECK_RET("write_stdout_zero", write(1, "", 0), 0);
	CHECK_ERR("write_stdout_efault", write(1, GT_BAD, 10), EFAULT);
	CHECK_ERR("write_stdout_efault_kernel", write(1, GT_KERNEL_ADDR, 10), EFAULT);
	CHECK_ERR("write_bad_fd", write(999, "x", 1), EBADF);
}

int main(int argc, char **argv)
{
	gt_init();
	dd = argc > 1 ? argv[1] : "/data";
	test_read();
	test_pattern();
	test_lseek();
	test_stat();
	test_getdents();
	test_readlink_access();
	test_erofs();
	test_special(argv[0]);
	test_writev_stdout();
	return gt_done();
}
