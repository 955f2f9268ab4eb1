/*
 * dump.c - the dump tool: inspect a monos/TFS image.
 *   dump [-t] [-d dir] [-m] [-l] [-i] image
 * Works on a whole-disk image (rootfs found through the MBR) and on a bare
 * TFS volume. Every mode first prints "label: ..." and "uuid: ..." (as
 * "# label:" comments with -m, so the output stays a manifest). A corrupt
 * or truncated image gives "dump: img: <what is wrong>" and exit 1.
 * See tools/dump/README.md. Host tool; uses lib/tfs.h and lib/image.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/image.h"
#include "tools/dump/dump.h"

const char *dump_prog = "dump";

void dump_err(const struct dump_img *img, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s: %s: ", dump_prog, img->path);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void dump_put_name(FILE *f, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f || c == '\\')
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
}

static int dump_cmp_ent(const void *a, const void *b)
{
	const struct tuple_entry *x = *(const struct tuple_entry *const *)a;
	const struct tuple_entry *y = *(const struct tuple_entry *const *)b;
	u32 n = x->key->len < y->key->len ? x->key->len : y->key->len;
	int c = memcmp(x->key->name, y->key->name, n);

	if (c)
		return c;
	return x->key->len < y->key->len ? -1 : x->key->len > y->key->len;
}

const struct tuple_entry **dump_sorted_children(const struct value *dir, u32 *n)
{
	struct value *children = tuple_get(dir, sym("children"));
	const struct tuple_entry **v;
	u32 i;

	*n = tuple_count(children);
	v = calloc(*n ? *n : 1, sizeof(*v));
	if (!v)
		return NULL;
	for (i = 0; i < *n; i++)
		v[i] = tuple_at(children, i);
	qsort(v, *n, sizeof(*v), dump_cmp_ent);
	return v;
}

/* ---- the image as a tfs_dev ---- */

static int dump_dev_read(void *ctx, void *buf, u64 sector, u32 count)
{
	struct dump_img *img = ctx;
	size_t want = (size_t)count * TFS_SECTOR, got = 0;

	if (sector > img->len || count > img->len - sector)
		return -EIO;
	while (got < want) {
		ssize_t n = pread(img->fd, (char *)buf + got, want - got,
				  (off_t)((img->base + sector) * TFS_SECTOR + got));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -EIO;
		got += (size_t)n;
	}
	return 0;
}

static int dump_klog(struct dump_img *img, const struct image_layout *lay)
{
	static char area[IMAGE_KLOG_SECTORS * IMAGE_SECTOR];
	struct klog_header h;
	ssize_t n;

	if (!lay->klog_lba) {
		dump_err(img, "no KLOG area (%s)",
			 lay->has_mbr ? "the image has no bootfs partition" : "a bare TFS volume");
		return 1;
	}
	n = pread(img->fd, area, sizeof(area), (off_t)(lay->klog_lba * IMAGE_SECTOR));
	if (n != (ssize_t)sizeof(area)) {
		dump_err(img, "KLOG area at sector %llu: cannot read it",
			 (unsigned long long)lay->klog_lba);
		return 1;
	}
	memcpy(&h, area, sizeof(h));
	if (h.magic != KLOG_MAGIC) {
		dump_err(img, "KLOG area at sector %llu: empty (the kernel has not written it)",
			 (unsigned long long)lay->klog_lba);
		return 1;
	}
	if (h.version != 1 || h.text_len > KLOG_TEXT_MAX) {
		dump_err(img, "KLOG area at sector %llu: bad header (version %u, %u bytes)",
			 (unsigned long long)lay->klog_lba, h.version, h.text_len);
		return 1;
	}
	printf("boot id: %016llx\nexit code: %d\n", (unsigned long long)h.boot_id, h.exit_code);
	printf("console (%u bytes):\n", h.text_len);
	fwrite(area + sizeof(h), 1, h.text_len, stdout);
	if (h.text_len && area[sizeof(h) + h.text_len - 1] != '\n')
		putchar('\n');
	return 0;
}

static void dump_usage(FILE *f)
{
	fprintf(f,
		"usage: %s [options] image\n"
		"Show a monos disk image or bare TFS volume (label and uuid first).\n"
		"  -t        print the file tree (default when no mode is given)\n"
		"  -d DIR    copy the files out into DIR (created if missing)\n"
		"  -m        print the root tuple (settings + tree, without extents)\n"
		"  -l        print the KLOG area (last console output, exit code)\n"
		"  -i        print only label and uuid\n"
		"  -h        this help\n",
		dump_prog);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {{"help", no_argument, NULL, 'h'},
						 {NULL, 0, NULL, 0}};
	bool opt_t = false, opt_m = false, opt_l = false, opt_i = false;
	const char *opt_d = NULL;
	struct dump_img img = {.fd = -1};
	struct image_layout lay;
	struct tfs_dev dev;
	struct tfs_msg msg;
	struct tfs *fs = NULL;
	u8 sector0[IMAGE_SECTOR];
	struct stat st;
	const u8 *u;
	int c, rc = 1, err;

	while ((c = getopt_long(argc, argv, "td:mlih", longopts, NULL)) != -1) {
		switch (c) {
		case 't':
			opt_t = true;
			break;
		case 'd':
			opt_d = optarg;
			break;
		case 'm':
			opt_m = true;
			break;
		case 'l':
			opt_l = true;
			break;
		case 'i':
			opt_i = true;
			break;
		case 'h':
			dump_usage(stdout);
			return 0;
		default:
			dump_usage(stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "%s: expected one image file\n", dump_prog);
		dump_usage(stderr);
		return 2;
	}
	if (!opt_d && !opt_m && !opt_l && !opt_i)
		opt_t = true;
	img.path = argv[optind];
	img.fd = open(img.path, O_RDONLY | O_CLOEXEC);
	if (img.fd < 0 || fstat(img.fd, &st)) {
		dump_err(&img, "%s", strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
		dump_err(&img, "not a regular file");
		goto out;
	}
	img.sectors = (u64)st.st_size / IMAGE_SECTOR;
	if (img.sectors == 0 || pread(img.fd, sector0, sizeof(sector0), 0) != sizeof(sector0)) {
		dump_err(&img, "too small to be an image (%lld bytes)", (long long)st.st_size);
		goto out;
	}
	if (image_parse_mbr(sector0, img.sectors, &lay)) {
		dump_err(&img, "inconsistent MBR partition table (no rootfs partition, partitions "
			       "past the end of the image, or overlapping)");
		goto out;
	}
	img.base = lay.root_lba;
	img.len = lay.root_sectors;
	dev = (struct tfs_dev){.ctx = &img, .read = dump_dev_read, .sectors = img.len};
	err = tfs_open(&dev, &fs, &msg);
	if (err) {
		dump_err(&img, "%s%s", lay.has_mbr ? "rootfs: " : "",
			 msg.text[0] ? msg.text : "cannot open the TFS volume");
		goto out;
	}
	u = tfs_uuid(fs);
	printf("%slabel: ", opt_m ? "# " : "");
	dump_put_name(stdout, tfs_label(fs), strlen(tfs_label(fs)));
	printf("\n%suuid: %02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x\n",
	       opt_m ? "# " : "", u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10],
	       u[11], u[12], u[13], u[14], u[15]);
	rc = 0;
	if (opt_t && dump_tree(fs, isatty(STDOUT_FILENO)))
		rc = 1;
	if (opt_m && dump_manifest(fs))
		rc = 1;
	if (opt_d && dump_extract(&img, fs, opt_d))
		rc = 1;
	if (opt_l && dump_klog(&img, &lay))
		rc = 1;
	if (fflush(stdout)) {
		dump_err(&img, "writing output: %s", strerror(errno));
		rc = 1;
	}
out:
	tfs_close(fs);
	if (img.fd >= 0)
		close(img.fd);
	sym_table_free();
	return rc;
}
