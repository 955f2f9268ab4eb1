/*
 * resolv.c - /etc/resolv.conf as the kernel serves it when the image has
 * none (net/dns.c, fs/proc.c): run by tests/suites/74-resolv under monos
 * only (a host's own /etc/resolv.conf says nothing about the kernel).
 *   resolv served WANT...   the file holds "nameserver W" for each WANT
 *                           (waiting up to 20 s: a DHCP answer may come
 *                           after the program started; it shows at the
 *                           next open), it is a read-only regular file,
 *                           /etc lists it, reads and seeks agree, its
 *                           /proc/self/fd link names it
 *   resolv none             no server known: a comment, no nameserver
 *   resolv image FILE       the image's own file wins: same bytes as FILE
 *   resolv replace          (an image /etc without the file) the synthetic
 *                           file cannot be unlinked; a file renamed onto
 *                           it is real and hides it (listed once)
 * Each check prints one protocol line (gtest.h); exit 0 if all passed.
 * Layer: guest test program.
 */
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>

#include "../gtest.h"

#define RESOLV "/etc/resolv.conf"

static char buf[8192];

/* the whole file, NUL-terminated; length or -1 */
static long slurp(const char *path, char *out, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	long n = 0, r;

	if (fd < 0)
		return -1;
	while ((r = read(fd, out + n, size - 1 - (size_t)n)) > 0)
		n += r;
	close(fd);
	if (r < 0)
		return -1;
	out[n] = 0;
	return n;
}

static int has_all(const char *text, char **want, int n)
{
	char line[128];

	for (int i = 0; i < n; i++) {
		snprintf(line, sizeof(line), "nameserver %s\n", want[i]);
		if (!strstr(text, line))
			return 0;
	}
	return 1;
}

/* how many times /etc lists resolv.conf */
static int listed(void)
{
	DIR *d = opendir("/etc");
	struct dirent *e;
	int k = 0;

	while (d && (e = readdir(d)))
		k += strcmp(e->d_name, "resolv.conf") == 0;
	if (d)
		closedir(d);
	return k;
}

static void replace(void)
{
	static const char mine[] = "nameserver 192.0.2.1\n";
	int fd = open("/etc/new.conf", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	long n;

	CHECK_ERR("resolv-unlink", unlink(RESOLV), ENOENT);
	CHECK("resolv-new", fd >= 0 && write(fd, mine, sizeof(mine) - 1) == sizeof(mine) - 1,
	      "%s", strerror(errno));
	if (fd >= 0)
		close(fd);
	CHECK_RET("resolv-rename-onto", rename("/etc/new.conf", RESOLV), 0);
	n = slurp(RESOLV, buf, sizeof(buf));
	CHECK("resolv-replaced", n == sizeof(mine) - 1 && !strcmp(buf, mine), "read %ld: '%s'", n,
	      n >= 0 ? buf : strerror(errno));
	CHECK("resolv-replaced-listed-once", listed() == 1, "listed %d times", listed());
	CHECK_RET("resolv-replaced-writable", close(open(RESOLV, O_WRONLY | O_APPEND)), 0);
}

static void served(char **want, int n)
{
	struct timespec t0, t1;
	struct stat st;
	char link[64], path[64], part[16];
	long len = -1, k;
	int fd, waited = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		len = slurp(RESOLV, buf, sizeof(buf));
		if (len >= 0 && has_all(buf, want, n))
			break;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (t1.tv_sec - t0.tv_sec > 20)
			break;
		usleep(100000);
		waited = 1;
	}
	CHECK("resolv-served", len >= 0 && has_all(buf, want, n), "read %ld bytes: '%s'", len,
	      len >= 0 ? buf : strerror(errno));
	printf("# resolv.conf%s:\n", waited ? " (after a wait)" : "");
	for (char *l = buf, *nl; *l; l = nl + 1) { /* as comment lines */
		nl = strchr(l, '\n');
		if (!nl)
			nl = l + strlen(l) - 1;
		printf("#   %.*s\n", (int)(nl - l + (*nl != '\n')), l);
	}
	CHECK("resolv-stat", stat(RESOLV, &st) == 0 && S_ISREG(st.st_mode), "mode %o",
	      (unsigned)st.st_mode);
	k = listed();
	CHECK("resolv-listed", k == 1, "/etc lists resolv.conf %ld times", k);
	CHECK_ERR("resolv-readonly", open(RESOLV, O_WRONLY), EACCES);
	CHECK_ERR("resolv-readonly-creat", open(RESOLV, O_WRONLY | O_CREAT | O_TRUNC, 0644), EACCES);
	fd = open(RESOLV, O_RDONLY);
	CHECK("resolv-open", fd >= 0, "%s", strerror(errno));
	if (fd < 0)
		return;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	k = readlink(path, link, sizeof(link) - 1);
	if (k >= 0)
		link[k] = 0;
	CHECK("resolv-fdlink", k > 0 && strcmp(link, RESOLV) == 0, "readlink: %s",
	      k >= 0 ? link : strerror(errno));
	CHECK_RET("resolv-seek", lseek(fd, 11, SEEK_SET), 11);
	k = read(fd, part, 5);
	CHECK("resolv-read-at", k == 5 && len > 16 && memcmp(part, buf + 11, 5) == 0,
	      "read %ld", k);
	CHECK_RET("resolv-seek-end", lseek(fd, 0, SEEK_END), len);
	close(fd);
}

int main(int argc, char **argv)
{
	long n;

	gt_init();
	if (argc >= 3 && strcmp(argv[1], "served") == 0) {
		served(argv + 2, argc - 2);
	} else if (argc == 2 && strcmp(argv[1], "none") == 0) {
		n = slurp(RESOLV, buf, sizeof(buf));
		CHECK("resolv-none", n > 0 && buf[0] == '#' && !strstr(buf, "nameserver"),
		      "read %ld: '%s'", n, n >= 0 ? buf : strerror(errno));
	} else if (argc == 2 && strcmp(argv[1], "replace") == 0) {
		replace();
	} else if (argc == 3 && strcmp(argv[1], "image") == 0) {
		static char want[8192];
		long w = slurp(argv[2], want, sizeof(want));

		n = slurp(RESOLV, buf, sizeof(buf));
		CHECK("resolv-image", w >= 0 && n == w && memcmp(buf, want, (size_t)n) == 0,
		      "got %ld bytes '%s', want %ld bytes", n, n >= 0 ? buf : strerror(errno), w);
	} else {
		fprintf(stderr, "usage: resolv served ADDR... | none | image FILE | replace\n");
		return 2;
	}
	return gt_done();
}
