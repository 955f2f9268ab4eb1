/*
 * fswalk.c - walks a directory tree and prints one line per node, sorted
 * by the caller: "file SIZE SHA256 PATH", "dir PATH ENTRIES", "link PATH
 * -> TARGET", with PATH relative to the walk's root. Files are read with
 * read(2) in odd-sized pieces and checked again with pread(2) at a few
 * offsets, directories with opendir/readdir (getdents64), links with
 * readlink. The same program run natively on the source tree gives the
 * expected output; tests/suites/55-kernel-fs compares the two.
 * Exit status: 0, or 1 with "error: ..." lines on any failed call.
 * Layer: guest test program (static; musl-gcc and gcc). Not a gtest
 * program: its output is data, compared whole.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- SHA-256 (FIPS 180-4) ---- */
struct sha256 {
	uint32_t h[8];
	uint64_t len;
	uint8_t buf[64];
	size_t n;
};

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha_block(struct sha256 *s, const uint8_t *p)
{
	uint32_t w[64], a, b, c, d, e, f, g, h;

	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (int i = 16; i < 64; i++) {
		uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);

		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	a = s->h[0], b = s->h[1], c = s->h[2], d = s->h[3];
	e = s->h[4], f = s->h[5], g = s->h[6], h = s->h[7];
	for (int i = 0; i < 64; i++) {
		uint32_t t1 =
		    h + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
		uint32_t t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));

		h = g, g = f, f = e, e = d + t1, d = c, c = b, b = a, a = t1 + t2;
	}
	s->h[0] += a, s->h[1] += b, s->h[2] += c, s->h[3] += d;
	s->h[4] += e, s->h[5] += f, s->h[6] += g, s->h[7] += h;
}

static void sha_init(struct sha256 *s)
{
	static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
				       0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

	memcpy(s->h, iv, sizeof(iv));
	s->len = 0;
	s->n = 0;
}

static void sha_update(struct sha256 *s, const uint8_t *p, size_t len)
{
	s->len += len;
	while (len) {
		size_t k = 64 - s->n < len ? 64 - s->n : len;

		memcpy(s->buf + s->n, p, k);
		s->n += k, p += k, len -= k;
		if (s->n == 64) {
			sha_block(s, s->buf);
			s->n = 0;
		}
	}
}

static void sha_final(struct sha256 *s, char hex[65])
{
	uint64_t bits = s->len * 8;
	uint8_t pad = 0x80, z = 0, l[8];

	sha_update(s, &pad, 1);
	while (s->n != 56)
		sha_update(s, &z, 1);
	for (int i = 0; i < 8; i++)
		l[i] = (uint8_t)(bits >> (56 - 8 * i));
	sha_update(s, l, 8);
	for (int i = 0; i < 8; i++)
		sprintf(hex + 8 * i, "%08x", s->h[i]);
}

/* ---- the walk ---- */
static int errors;
static uint8_t buf[200000];

static void err(const char *what, const char *path)
{
	printf("error: %s %s: %s\n", what, path, strerror(errno));
	errors++;
}

static void do_file(const char *path, const char *rel, const struct stat *st)
{
	static const size_t pieces[] = {1, 511, 4096, 12345, 65536, 200000};
	struct sha256 s;
	char hex[65];
	int fd = open(path, O_RDONLY);
	uint64_t total = 0;
	unsigned k = 0;
	ssize_t n;

	if (fd < 0)
		return err("open", path);
	sha_init(&s);
	for (;;) {
		n = read(fd, buf, pieces[k++ % 6]);
		if (n < 0) {
			err("read", path);
			break;
		}
		if (n == 0)
			break;
		sha_update(&s, buf, (size_t)n);
		total += (uint64_t)n;
	}
	if (total != (uint64_t)st->st_size) {
		printf("error: %s: read %llu bytes, stat says %lld\n", path,
		       (unsigned long long)total, (long long)st->st_size);
		errors++;
	}
	/* pread at a few offsets must match a fresh sequential read */
	for (uint64_t off = 0; st->st_size > 0 && off < (uint64_t)st->st_size;
	     off = off * 3 + 777) {
		uint8_t a[1000], b[1000];
		ssize_t pa = pread(fd, a, sizeof(a), (off_t)off);

		if (lseek(fd, (off_t)off, SEEK_SET) != (off_t)off || pa < 0 ||
		    read(fd, b, sizeof(b)) != pa || memcmp(a, b, (size_t)pa) != 0) {
			printf("error: %s: pread/lseek+read differ at %llu\n", path,
			       (unsigned long long)off);
			errors++;
			break;
		}
	}
	close(fd);
	sha_final(&s, hex);
	printf("file %lld %s %s\n", (long long)st->st_size, hex, rel);
}

static void walk(const char *path, const char *rel)
{
	struct stat st;
	char sub[4096], subrel[4096];
	DIR *d;
	struct dirent *e;
	int n = 0;

	if (lstat(path, &st))
		return err("lstat", path);
	if (S_ISLNK(st.st_mode)) {
		char t[4096];
		ssize_t k = readlink(path, t, sizeof(t) - 1);

		if (k < 0)
			return err("readlink", path);
		t[k] = 0;
		printf("link %s -> %s\n", rel, t);
		return;
	}
	if (S_ISREG(st.st_mode))
		return do_file(path, rel, &st);
	if (!S_ISDIR(st.st_mode)) {
		printf("other %s\n", rel);
		return;
	}
	d = opendir(path);
	if (!d)
		return err("opendir", path);
	while ((errno = 0, e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		n++;
		snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
		snprintf(subrel, sizeof(subrel), "%s/%s", rel, e->d_name);
		walk(sub, subrel);
	}
	if (errno)
		err("readdir", path);
	closedir(d);
	printf("dir %s %d\n", rel, n);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: fswalk DIR\n");
		return 2;
	}
	walk(argv[1], ".");
	return errors ? 1 : 0;
}
