/*
 * fsutil.h - helpers of the filesystem write test programs (fswrite.c,
 * pcwrite.c): paths under DIR/w, the byte pattern, whole-file reads and
 * writes, content and size checks, sorted directory listings.
 * Layer: guest test programs (tests/suites/57-tfs-write).
 */
#ifndef TESTS_GUEST_WRITE_FSUTIL_H
#define TESTS_GUEST_WRITE_FSUTIL_H

#include "../gtest.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/uio.h>
#include <time.h>

static char base[512];

static inline const char *P(const char *rel)
{
	static char bufs[4][1024];
	static int k;

	k = (k + 1) & 3;
	snprintf(bufs[k], sizeof(bufs[k]), "%s/w/%s", base, rel);
	return bufs[k];
}

static inline uint8_t pat(uint64_t i)
{
	return (uint8_t)((i * 131 + (i >> 9) * 7 + 3) & 255);
}

static inline ssize_t readall(const char *path, char *buf, size_t max)
{
	int fd = open(path, O_RDONLY);
	ssize_t n, got = 0;

	if (fd < 0)
		return -1;
	while ((size_t)got < max && (n = read(fd, buf + got, max - got)) > 0)
		got += n;
	close(fd);
	return got;
}

static inline int write_file(const char *path, const void *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, buf, len);
	if (fsync(fd) || close(fd) || n != (ssize_t)len)
		return -1;
	return 0;
}

static inline int content_is(const char *path, const char *want)
{
	static char buf[65536];
	ssize_t n = readall(path, buf, sizeof(buf) - 1);

	if (n < 0)
		return 0;
	buf[n] = 0;
	return (size_t)n == strlen(want) && memcmp(buf, want, (size_t)n) == 0;
}

static inline int content_at(const char *path, off_t off, const char *want)
{
	char buf[256];
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : pread(fd, buf, strlen(want), off);

	if (fd >= 0)
		close(fd);
	return n == (ssize_t)strlen(want) && !memcmp(buf, want, (size_t)n);
}

static inline off_t size_of(const char *path)
{
	struct stat st;

	return stat(path, &st) ? -1 : st.st_size;
}

/* names in dir, sorted, joined by spaces (no . ..) */
static inline const char *listing(const char *dir)
{
	static char out[4096];
	char names[64][256];
	int n = 0;
	DIR *d = opendir(dir);
	struct dirent *e;

	out[0] = 0;
	if (!d)
		return "(none)";
	while ((e = readdir(d)) && n < 64) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(names[n++], 256, "%s", e->d_name);
	}
	closedir(d);
	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++)
			if (strcmp(names[i], names[j]) > 0) {
				char t[256];

				memcpy(t, names[i], 256);
				memcpy(names[i], names[j], 256);
				memcpy(names[j], t, 256);
			}
	for (int i = 0; i < n; i++) {
		strcat(out, names[i]);
		if (i + 1 < n)
			strcat(out, " ");
	}
	return out;
}

#endif
