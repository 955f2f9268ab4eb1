/*
 * main.c - mkfs: build a monos image from a manifest.
 *
 *   mkfs [options] image-file < manifest-file
 *   mkfs [options] -e image-file
 *
 * Options (the reference mkfs's, README "Tools"): -b boot-image, -k
 * kernel-image, -r target-root, -s size, -e, -l label, -t tuple, -h/--help.
 * The image is written to a temp file next to image-file and renamed into
 * place at the very end; on any error (or SIGINT/SIGTERM/SIGHUP) the temp
 * file is removed, so a failed run leaves no image behind.
 * Exit status: 0 ok, 1 error, 2 usage error.
 * Layer: mkfs host tool; the pieces are listed in mkfs.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tools/mkfs/mkfs.h"

#define MKFS_MAX_TUPLES 64

static const char usage_text[] =
    "usage: mkfs [options] image-file < manifest-file\n"
    "       mkfs [options] -e image-file\n"
    "Build a monos disk image (or, without -b, a bare TFS volume) from a\n"
    "manifest: the root tuple of the filesystem, files plus settings.\n"
    "  -b boot-image   prepend a boot image (stage1 + stage2) and write an MBR\n"
    "                  with a bootfs (holding /kernel) and a rootfs partition\n"
    "  -k kernel-image put kernel-image at /kernel in bootfs (needs -b)\n"
    "  -r target-root  resolve host: paths inside target-root first\n"
    "  -s image-size   minimum image size: bytes, or with a k/K, m/M or g/G\n"
    "                  suffix (KiB, MiB, GiB); also imagesize: in the manifest\n"
    "  -e              create an empty filesystem (no manifest is read)\n"
    "  -l label        volume label (at most 31 bytes)\n"
    "  -t tuple        merge a manifest tuple into the root, e.g. -t '(debug_exit:t)'\n"
    "  -h, --help      show this help\n";

/* the temp file, removed on error and by the signal handler */
static char *tmp_path;
static volatile sig_atomic_t tmp_live;

static void mkfs_verror(const char *fmt, va_list ap)
{
	fputs("mkfs: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void mkfs_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	mkfs_verror(fmt, ap);
	va_end(ap);
}

const char *mkfs_printable(const char *s)
{
	static char ring[4][512];
	static int next;
	char *out = ring[next++ % 4];
	size_t o = 0;

	for (; *s && o + 8 < sizeof(ring[0]); s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7f)
			o += (size_t)sprintf(out + o, "\\x%02x", c);
		else
			out[o++] = (char)c;
	}
	if (*s)
		o += (size_t)sprintf(out + o, "...");
	out[o] = '\0';
	return out;
}

static void usage_error(const char *fmt, ...) PRINTF_LIKE(1, 2);
static void usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	mkfs_verror(fmt, ap);
	va_end(ap);
	fputs(usage_text, stderr);
	exit(2);
}

static void on_signal(int sig)
{
	if (tmp_live)
		unlink(tmp_path);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Create the temp output file in image's directory (so rename is atomic). */
static int open_temp(const char *image)
{
	const char *slash = strrchr(image, '/');
	size_t dirlen = slash ? (size_t)(slash - image) + 1 : 0;
	const char *base = slash ? slash + 1 : image;
	struct sigaction sa;
	struct stat st;
	mode_t mask;
	int fd;

	if (!*base || (stat(image, &st) == 0 && S_ISDIR(st.st_mode))) {
		mkfs_error("'%s' is a directory, not an image file name", mkfs_printable(image));
		return -EISDIR;
	}
	tmp_path = malloc(dirlen + strlen(base) + 16);
	if (!tmp_path) {
		mkfs_error("out of memory");
		return -ENOMEM;
	}
	sprintf(tmp_path, "%.*s.%s.XXXXXX", (int)dirlen, image, base);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	fd = mkstemp(tmp_path);
	if (fd < 0) {
		int e = errno;

		mkfs_error("creating the image '%s': %s", mkfs_printable(image), strerror(e));
		return -e;
	}
	tmp_live = 1;
	mask = umask(0);
	umask(mask);
	fchmod(fd, 0666 & ~mask);
	return fd;
}

static void remove_temp(void)
{
	if (tmp_live) {
		unlink(tmp_path);
		tmp_live = 0;
	}
}

/* the name parse errors carry: the manifest file if stdin is one (relative
 * to the current directory when inside it), else "stdin" */
static char *stdin_name(void)
{
	char link[PATH_MAX], cwd[PATH_MAX];
	struct stat st;
	ssize_t n;
	size_t cl;

	if (fstat(0, &st) < 0 || !S_ISREG(st.st_mode))
		return strdup("stdin");
	n = readlink("/proc/self/fd/0", link, sizeof(link) - 1);
	if (n <= 0 || link[0] != '/')
		return strdup("stdin");
	link[n] = '\0';
	if (getcwd(cwd, sizeof(cwd))) {
		cl = strlen(cwd);
		if (cl > 1 && !strncmp(link, cwd, cl) && link[cl] == '/')
			return strdup(link + cl + 1);
	}
	return strdup(link);
}

/* boot:(children:(kernel:(contents:(host:PATH)))), replacing any /kernel */
static int add_kernel(struct value **boot, const char *path)
{
	struct value *children, *node, *contents, *host;

	if (!*boot) {
		*boot = value_tuple();
		if (!*boot)
			return -ENOMEM;
	}
	if ((*boot)->type != VALUE_TUPLE)
		return -EINVAL;
	children = tuple_get_cstr(*boot, "children");
	if (!children) {
		children = value_tuple();
		if (!children || tuple_set(*boot, sym("children"), children) < 0)
			return -ENOMEM;
	}
	if (children->type != VALUE_TUPLE)
		return -EINVAL;
	/* tuple_set takes ownership of the value even when it fails */
	node = value_tuple();
	if (tuple_set(children, sym("kernel"), node) < 0)
		return -ENOMEM;
	contents = value_tuple();
	if (tuple_set(node, sym("contents"), contents) < 0)
		return -ENOMEM;
	host = value_cstring(path);
	return tuple_set(contents, sym("host"), host) < 0 ? -ENOMEM : 0;
}

struct mkfs_opts {
	const char *boot, *kernel, *root, *label, *image;
	const char *tuples[MKFS_MAX_TUPLES];
	int ntuples;
	u64 size;
	bool empty;
};

static void parse_opts(int argc, char **argv, struct mkfs_opts *o)
{
	static const struct option longopts[] = {
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":b:k:r:s:el:t:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'b':
			o->boot = optarg;
			break;
		case 'k':
			o->kernel = optarg;
			break;
		case 'r':
			o->root = optarg;
			break;
		case 's': {
			int ret = mkfs_parse_size(optarg, strlen(optarg), &o->size);

			if (ret == -ERANGE) {
				mkfs_error("-s: '%s' is too large", mkfs_printable(optarg));
				exit(1);
			}
			if (ret < 0) {
				mkfs_error("-s: bad size '%s' (bytes, or a number "
					   "with a k, m or g suffix)",
					   mkfs_printable(optarg));
				exit(1);
			}
			break;
		}
		case 'e':
			o->empty = true;
			break;
		case 'l':
			o->label = optarg;
			break;
		case 't':
			if (o->ntuples == MKFS_MAX_TUPLES)
				usage_error("too many -t options (at most %d)", MKFS_MAX_TUPLES);
			o->tuples[o->ntuples++] = optarg;
			break;
		case 'h':
			fputs(usage_text, stdout);
			exit(0);
		case ':':
			usage_error("option -%c needs an argument", optopt);
			break;
		default:
			if (optopt)
				usage_error("unknown option -%c", optopt);
			usage_error("unknown option %s", argv[optind - 1]);
		}
	}
	if (optind == argc)
		usage_error("no image file given");
	if (optind + 1 < argc)
		usage_error("unexpected argument '%s'", argv[optind + 1]);
	o->image = argv[optind];
}

int main(int argc, char **argv)
{
	struct mkfs_opts o = {0};
	struct mkfs_files root_files = {0}, boot_files = {0};
	struct mkfs_image img = {.fd = -1};
	struct value *root = NULL, *boot = NULL;
	char *name = NULL;
	u64 imagesize = 0;
	int i, ret = -EINVAL;

	parse_opts(argc, argv, &o);
	if (o.label && strlen(o.label) > MKFS_LABEL_MAX) {
		mkfs_error("-l: label '%s' is %zu bytes, at most %d allowed",
			   mkfs_printable(o.label), strlen(o.label), MKFS_LABEL_MAX);
		return 1;
	}
	if (o.kernel && !o.boot) {
		mkfs_error("-k needs -b: a bare volume has no bootfs for the kernel");
		return 1;
	}

	if (o.empty) {
		root = value_tuple();
	} else {
		name = stdin_name();
		if (!name) {
			mkfs_error("out of memory");
			goto out_free;
		}
		if (mkfs_read_manifest(0, name, &root) < 0)
			goto out_free;
	}
	if (!root) {
		mkfs_error("out of memory");
		goto out_free;
	}
	for (i = 0; i < o.ntuples; i++)
		if (mkfs_merge_tuple_arg(root, o.tuples[i]) < 0)
			goto out_free;
	if (mkfs_take_imagesize(root, &imagesize) < 0)
		goto out_free;

	boot = tuple_take(root, sym("boot"));
	if (boot && !o.boot) {
		mkfs_error("boot: a boot tree needs -b (a bare volume has no bootfs)");
		goto out_free;
	}
	if (boot && boot->type != VALUE_TUPLE) {
		mkfs_error("boot: must be a tuple such as (children:(kernel:...))");
		goto out_free;
	}
	if (o.kernel && add_kernel(&boot, o.kernel) < 0) {
		mkfs_error("boot: adding the kernel failed");
		goto out_free;
	}
	if (o.boot) {
		struct value *bc = boot ? tuple_get_cstr(boot, "children") : NULL;

		if (!bc || bc->type != VALUE_TUPLE || !tuple_get_cstr(bc, "kernel")) {
			mkfs_error("-b needs a kernel: give -k kernel-image or "
				   "boot:(children:(kernel:(contents:(host:PATH))))");
			goto out_free;
		}
		if (mkfs_collect_files(boot, NULL, "boot:", &boot_files) < 0)
			goto out_free;
	}
	if (mkfs_collect_files(root, o.root, "", &root_files) < 0)
		goto out_free;

	img.fd = open_temp(o.image);
	if (img.fd < 0)
		goto out_free;
	img.boot_path = o.boot;
	img.label = o.label ? o.label : "";
	img.min_bytes = MAX(o.size, imagesize);
	ret = mkfs_build_image(&img, root, &root_files, boot, &boot_files);
	root = boot = NULL;
	if (ret < 0)
		goto out_free;
	if (close(img.fd) < 0) {
		ret = -errno;
		img.fd = -1;
		mkfs_error("writing '%s': %s", mkfs_printable(tmp_path), strerror(errno));
		goto out_free;
	}
	img.fd = -1;
	if (rename(tmp_path, o.image) < 0) {
		ret = -errno;
		mkfs_error("renaming the image to '%s': %s", o.image, strerror(errno));
		goto out_free;
	}
	tmp_live = 0;
	ret = 0;
out_free:
	if (img.fd >= 0)
		close(img.fd);
	remove_temp();
	value_free(root);
	value_free(boot);
	mkfs_files_free(&root_files);
	mkfs_files_free(&boot_files);
	free(name);
	free(tmp_path);
	return ret < 0 ? 1 : 0;
}
