/*
 * main.c - the `monos` command: `monos run` (make or reuse a cached image
 * for a static Linux program and boot it, exiting with the program's exit
 * code), `monos build -o IMAGE` (write the image only) and `monos boot`
 * (boot an existing image as it is). Parses options, finds the helper
 * binaries next to itself (build/tools/mkfs, build/kernel/kernel.elf,
 * build/boot/boot.img; MONOS_MKFS, MONOS_KERNEL, MONOS_BOOT, MONOS_QEMU
 * override), checks the program and the files, builds the manifest.
 *
 * Layer: host tool (tools/monos), the user's entry point. Exit codes are
 * listed in monos.h and README ("Running programs").
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "monos.h"

bool monos_verbose;

void monos_error(const char *fmt, ...)
{
	va_list ap;

	fputs("monos: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void monos_note(const char *fmt, ...)
{
	va_list ap;

	if (!monos_verbose)
		return;
	fputs("monos: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static const char usage_text[] =
    "usage: monos run [options] PROGRAM [ARGS...]     build (or reuse) an image and boot it\n"
    "       monos build -o IMAGE [options] PROGRAM [ARGS...]   write the image only\n"
    "       monos boot [options] IMAGE                boot an existing image as it is\n"
    "\n"
    "PROGRAM is an x86-64 Linux ELF, static or dynamic (its interpreter and\n"
    "libraries are found as ld.so finds them and added). monos exits\n"
    "with the program's exit code; 124 timeout, 125 kernel panic, 126 the VM\n"
    "could not be built or run, 123 the BIOS boot loader failed, 2 usage error.\n"
    "\n"
    "image options (run, build):\n"
    "  -e KEY=VALUE        environment variable (repeatable)\n"
    "  -t TUPLE            manifest settings, merged into the root, e.g. -t '(fault:t)'\n"
    "  -d                  trace system calls (trace:t)\n"
    "  -f HOST[:GUEST]     add a file (default guest path: /BASENAME)\n"
    "  --dir HOST[:GUEST]  add a directory tree (default guest path: /BASENAME)\n"
    "  --ssl               add the host's CA bundle (/etc/ssl/certs/ca-certificates.crt)\n"
    "VM options (run, boot):\n"
    "  -m MEM              memory, e.g. 256M (default), 1G\n"
    "  --smp N             vCPUs, 1 (default) to 64\n"
    "  -p [tcp:|udp:]HOST[:GUEST]\n"
    "                      forward 127.0.0.1:HOST on this machine to the guest's\n"
    "                      port GUEST (default: HOST), tcp unless udp: is given;\n"
    "                      repeatable. Adds a virtio-net NIC on QEMU user\n"
    "                      networking (the guest gets 10.0.2.15 by DHCP)\n"
    "  --net tap           (root) the NIC on a tap device in a network namespace\n"
    "                      of its own (monos-PID, removed at exit): host side\n"
    "                      10.77.0.1/24 fd77::1/64, guest 10.77.0.2 fd77::2;\n"
    "                      reach it with `ip netns exec monos-PID ...` (-v prints\n"
    "                      the name). Not with -p\n"
    "  --netns NAME        with --net tap: use the existing namespace NAME\n"
    "  --accel A           kvm, tcg or auto (default: KVM only on hardware KVM)\n"
    "  --machine M         microvm (default for run: direct kernel boot) or q35\n"
    "                      (BIOS disk boot); boot picks by the image's MBR\n"
    "  --timeout S         kill the VM after S seconds (exit 124); 0 = none (default)\n"
    "  -v                  kernel log (klog), print the mkfs and QEMU command lines\n"
    "  -h, --help          this help\n"
    "environment: MONOS_QEMU, MONOS_MKFS, MONOS_KERNEL, MONOS_BOOT (binaries to use),\n"
    "XDG_CACHE_HOME (image cache: $XDG_CACHE_HOME/monos, default ~/.cache/monos).\n";

enum cmd { CMD_RUN, CMD_BUILD, CMD_BOOT };

struct opts {
	enum cmd cmd;
	struct argvec env;    /* "K=V" */
	struct argvec tuples; /* -t, -d, -v settings */
	struct tree tree;
	bool image_opts; /* any of -e -t -d -f --dir given */
	const char *out; /* -o */
	const char *mem;
	const char *accel;
	const char *machine;
	double timeout;
	bool ssl; /* --ssl: add the CA bundle */
	int smp;  /* --smp N, 0 = not given */
	struct vm_fwd fwd[VM_FWD_MAX];
	size_t nfwd;	   /* -p */
	bool tap;	   /* --net tap */
	const char *netns; /* --netns NAME */
};

enum { OPT_DIR = 256, OPT_ACCEL, OPT_MACHINE, OPT_TIMEOUT, OPT_SSL, OPT_SMP, OPT_NET, OPT_NETNS };

static const struct option long_opts[] = {
    {"dir", required_argument, NULL, OPT_DIR},
    {"accel", required_argument, NULL, OPT_ACCEL},
    {"machine", required_argument, NULL, OPT_MACHINE},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"ssl", no_argument, NULL, OPT_SSL},
    {"smp", required_argument, NULL, OPT_SMP},
    {"net", required_argument, NULL, OPT_NET},
    {"netns", required_argument, NULL, OPT_NETNS},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static NORETURN void usage_error(const char *fmt, ...) PRINTF_LIKE(1, 2);
static void usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("monos: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (see monos --help)\n", stderr);
	exit(MONOS_EXIT_USAGE);
}

static bool valid_mem(const char *s)
{
	size_t n = strspn(s, "0123456789");

	if (n == 0 || n > 9)
		return false;
	return !s[n] || (strchr("kKmMgGtT", s[n]) && !s[n + 1]);
}

static void add_env(struct opts *o, const char *kv)
{
	const char *eq = strchr(kv, '=');
	size_t klen;

	if (!eq || eq == kv)
		usage_error("-e %s: expected KEY=VALUE", kv);
	klen = eq - kv;
	for (size_t i = 0; i < o->env.n; i++) { /* a later -e KEY=... wins */
		if (!strncmp(o->env.v[i], kv, klen + 1)) {
			free(o->env.v[i]);
			o->env.v[i] = strdup(kv);
			return;
		}
	}
	av_add(&o->env, kv);
}

static int parse_opts(struct opts *o, int argc, char **argv)
{
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:e:t:df:m:o:p:vh", long_opts, NULL)) != -1) {
		switch (c) {
		case 'e':
			add_env(o, optarg);
			o->image_opts = true;
			break;
		case 't': {
			const char *p = optarg + strspn(optarg, " \t\n");

			if (*p != '(')
				usage_error("-t %s: expected a tuple such as '(fault:t)'", optarg);
			av_add(&o->tuples, optarg);
			o->image_opts = true;
			break;
		}
		case 'd':
			av_add(&o->tuples, "(trace:t)");
			o->image_opts = true;
			break;
		case 'f':
		case OPT_DIR:
			if (o->cmd == CMD_BOOT)
				usage_error("boot uses the image as it is: %s cannot change it",
					    c == 'f' ? "-f" : "--dir");
			if (tree_add_spec(&o->tree, optarg, c == OPT_DIR) < 0)
				exit(MONOS_EXIT_USAGE);
			o->image_opts = true;
			break;
		case 'm':
			if (!valid_mem(optarg))
				usage_error("-m %s: expected a size such as 256M or 1G", optarg);
			o->mem = optarg;
			break;
		case 'p': {
			char err[256];

			if (o->cmd == CMD_BUILD)
				usage_error("-p is an option of monos run and boot (it forwards "
					    "ports of a running VM)");
			if (fwd_add(o->fwd, &o->nfwd, VM_FWD_MAX, optarg, err, sizeof(err)) < 0)
				usage_error("%s", err);
			break;
		}
		case OPT_NET:
		case OPT_NETNS:
			if (o->cmd == CMD_BUILD)
				usage_error("%s is an option of monos run and boot",
					    c == OPT_NET ? "--net" : "--netns");
			if (c == OPT_NET && strcmp(optarg, "tap") && strcmp(optarg, "user"))
				usage_error("--net %s: expected tap or user", optarg);
			if (c == OPT_NET)
				o->tap = !strcmp(optarg, "tap");
			else
				o->netns = optarg;
			break;
		case OPT_SMP:
			if (o->cmd == CMD_BUILD)
				usage_error("--smp is an option of monos run and boot");
			if (smp_parse(optarg, &o->smp) < 0)
				usage_error("--smp %s: expected a number of vCPUs from 1 to %d",
					    optarg, VM_SMP_MAX);
			break;
		case 'o':
			if (o->cmd != CMD_BUILD)
				usage_error("-o is an option of monos build");
			o->out = optarg;
			break;
		case 'v':
			monos_verbose = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			exit(0);
		case OPT_SSL:
			if (o->cmd == CMD_BOOT)
				usage_error("boot uses the image as it is: --ssl cannot change it");
			o->ssl = true;
			o->image_opts = true;
			break;
		case OPT_ACCEL:
			if (strcmp(optarg, "kvm") && strcmp(optarg, "tcg") &&
			    strcmp(optarg, "auto"))
				usage_error("--accel %s: expected kvm, tcg or auto", optarg);
			o->accel = optarg;
			break;
		case OPT_MACHINE:
			if (strcmp(optarg, "q35") && strcmp(optarg, "microvm"))
				usage_error("--machine %s: expected q35 or microvm", optarg);
			o->machine = optarg;
			break;
		case OPT_TIMEOUT: {
			char *end;

			errno = 0;
			o->timeout = strtod(optarg, &end);
			if (errno || end == optarg || *end || !isfinite(o->timeout) ||
			    o->timeout < 0 || o->timeout > 1e7)
				usage_error("--timeout %s: expected seconds (0 = none)", optarg);
			break;
		}
		case ':':
			usage_error("option %s needs a value", argv[optind - 1]);
		default:
			if (optopt)
				usage_error("unknown option -%c", optopt);
			usage_error("unknown option %s", argv[optind - 1]);
		}
	}
	if (o->netns && !o->tap)
		usage_error("--netns %s needs --net tap", o->netns);
	if (o->tap && o->nfwd)
		usage_error("-p forwards ports through QEMU user networking; with --net tap "
			    "the guest is reached at " TAP_GUEST_IP4 " from inside the namespace "
			    "(ip netns exec NAME ...)");
	return optind;
}

/* run the VM, on a tap device in a network namespace with --net tap */
static int run_vm(struct opts *o, struct vm_opts *vm)
{
	struct tap_net tap;
	struct strbuf nd = {0};
	int ret;

	if (!o->tap)
		return vm_run(vm);
	if (tap_setup(&tap, o->netns) < 0)
		return MONOS_EXIT_VMFAIL;
	if (tap_enter(&tap) < 0) {
		tap_teardown(&tap);
		return MONOS_EXIT_VMFAIL;
	}
	tap_netdev(&tap, &nd);
	vm->netdev = nd.s;
	ret = vm_run(vm);
	tap_teardown(&tap);
	sb_free(&nd);
	return ret;
}

/* the directory monos runs from (build/tools), to find its siblings */
static char *self_dir(void)
{
	char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);

	if (n <= 0)
		return strdup(".");
	buf[n] = 0;
	return strdup(dirname(buf));
}

static char *helper_path(const char *env, const char *dir, const char *rel)
{
	const char *e = getenv(env);
	char *p;

	if (e && *e)
		return strdup(e);
	if (asprintf(&p, "%s/%s", dir, rel) < 0)
		return NULL;
	char *real = realpath(p, NULL); /* build/bin/../kernel -> build/kernel */

	if (real) {
		free(p);
		p = real;
	}
	return p;
}

static enum accel_kind pick_accel(const char *want)
{
	const char *root = getenv("MONOS_SYSROOT"); /* tests: fake /dev, /sys, /proc */
	char dev[PATH_MAX], mod[PATH_MAX], proc[PATH_MAX], why[256];
	enum accel_kind k;
	int err = 0;

	root = root ? root : "";
	snprintf(dev, sizeof(dev), "%s/dev/kvm", root);
	snprintf(mod, sizeof(mod), "%s/sys/module", root);
	snprintf(proc, sizeof(proc), "%s/proc/modules", root);
	if (want && !strcmp(want, "tcg"))
		return ACCEL_TCG;
	if (want && !strcmp(want, "kvm")) {
		if (!accel_kvm_usable(dev, &err)) {
			monos_error("--accel kvm: cannot open %s: %s", dev, strerror(err));
			exit(MONOS_EXIT_VMFAIL);
		}
		return ACCEL_KVM;
	}
	k = accel_detect(dev, mod, proc, why, sizeof(why));
	monos_note("accel %s: %s", k == ACCEL_KVM ? "kvm" : "tcg", why);
	return k;
}

/* the manifest of a run/build: the tree, program, arguments, environment */
static void make_manifest(struct opts *o, const char *name, int argc, char **argv,
			  struct strbuf *sb)
{
	sb_puts(sb, "(\nchildren:");
	tree_print(&o->tree, sb);
	sb_puts(sb, "\nprogram:");
	sb_add(sb, "/", 1);
	manifest_quote(sb, name);
	sb_puts(sb, "\narguments:[");
	manifest_quote(sb, name);
	for (int i = 0; i < argc; i++) {
		sb_add(sb, " ", 1);
		manifest_quote(sb, argv[i]);
	}
	sb_puts(sb, "]\n");
	if (o->env.n) {
		sb_puts(sb, "environment:(");
		for (size_t i = 0; i < o->env.n; i++) {
			char *kv = o->env.v[i], *eq = strchr(kv, '=');

			*eq = 0;
			if (i)
				sb_add(sb, " ", 1);
			manifest_quote(sb, kv);
			sb_add(sb, ":", 1);
			manifest_quote(sb, eq + 1);
			*eq = '=';
		}
		sb_puts(sb, ")\n");
	}
	sb_puts(sb, ")\n");
}

static bool image_has_mbr(const char *path, int *err)
{
	u8 s0[512];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	ssize_t n;

	*err = 0;
	if (fd < 0 || fstat(fd, &st) < 0) {
		*err = errno;
		if (fd >= 0)
			close(fd);
		return false;
	}
	if (!S_ISREG(st.st_mode)) {
		*err = EINVAL;
		close(fd);
		return false;
	}
	n = pread(fd, s0, sizeof(s0), 0);
	close(fd);
	if (n != sizeof(s0)) {
		*err = ENODATA;
		return false;
	}
	return s0[510] == 0x55 && s0[511] == 0xaa && memcmp(s0, "NVMTFS", 6) != 0;
}

int main(int argc, char **argv)
{
	struct opts o = {0};
	struct vm_opts vm = {0};
	struct image_req req = {0};
	struct strbuf manifest = {0};
	char *dir, *mkfs, *kernel, *boot_img, *image = NULL, *prog_name;
	const char *cmd = argc > 1 ? argv[1] : "";
	int first, ret;

	signal(SIGPIPE, SIG_IGN); /* a helper that stops reading is an error, not a kill */
	if (argc < 2)
		usage_error("expected a command: run, build or boot");
	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (!strcmp(cmd, "run"))
		o.cmd = CMD_RUN;
	else if (!strcmp(cmd, "build"))
		o.cmd = CMD_BUILD;
	else if (!strcmp(cmd, "boot"))
		o.cmd = CMD_BOOT;
	else
		usage_error("unknown command '%s': expected run, build or boot", cmd);
	tree_init(&o.tree);
	o.mem = "256M";
	o.accel = "auto";
	first = parse_opts(&o, argc - 1, argv + 1) + 1;
	if (first >= argc)
		usage_error("%s: expected %s", cmd, o.cmd == CMD_BOOT ? "an IMAGE" : "a PROGRAM");

	if (o.tap && tap_check() < 0)
		return MONOS_EXIT_USAGE;
	dir = self_dir();
	mkfs = helper_path("MONOS_MKFS", dir, "mkfs");
	kernel = helper_path("MONOS_KERNEL", dir, "../kernel/kernel.elf");
	boot_img = helper_path("MONOS_BOOT", dir, "../boot/boot.img");
	vm.qemu = getenv("MONOS_QEMU") && *getenv("MONOS_QEMU") ? getenv("MONOS_QEMU")
								: "qemu-system-x86_64";
	vm.mem = o.mem;
	vm.timeout = o.timeout;
	vm.klog = monos_verbose;
	vm.smp = o.smp;
	vm.fwd = o.fwd;
	vm.nfwd = o.nfwd;
	for (size_t i = 0; i < o.nfwd; i++) {
		char err[256];

		if (fwd_check_free(&o.fwd[i], err, sizeof(err)) < 0) {
			monos_error("%s", err);
			return MONOS_EXIT_USAGE;
		}
	}

	if (o.cmd == CMD_BOOT) {
		bool mbr;
		int err;

		if (o.image_opts)
			usage_error("boot uses the image as it is: -e, -t, -d, -f and --dir "
				    "belong to run and build");
		if (first + 1 < argc)
			usage_error("boot: unexpected argument '%s' after the image",
				    argv[first + 1]);
		mbr = image_has_mbr(argv[first], &err);
		if (err) {
			monos_error("%s: %s", argv[first],
				    err == ENODATA  ? "too short to be an image"
				    : err == EINVAL ? "not a regular file"
						    : strerror(err));
			return MONOS_EXIT_USAGE;
		}
		vm.image = argv[first];
		vm.machine = o.machine ? (!strcmp(o.machine, "q35") ? VM_Q35 : VM_MICROVM)
				       : (mbr ? VM_Q35 : VM_MICROVM);
		/* BIOS disk boot only for a full image on q35; else direct boot */
		vm.kernel = (mbr && vm.machine == VM_Q35) ? NULL : kernel;
		if (vm.kernel && access(vm.kernel, R_OK) < 0) {
			monos_error("kernel not found at %s (run make, or set MONOS_KERNEL)",
				    vm.kernel);
			return MONOS_EXIT_VMFAIL;
		}
		vm.accel = pick_accel(o.accel);
		return run_vm(&o, &vm);
	}

	if (o.cmd == CMD_BUILD && !o.out)
		usage_error("build: -o IMAGE is required");
	if (elf_check_program(argv[first]) < 0)
		return MONOS_EXIT_USAGE;
	prog_name = strdup(argv[first]);
	prog_name = basename(prog_name);
	{
		char gpath[PATH_MAX];

		snprintf(gpath, sizeof(gpath), "/%s", prog_name);
		if (tree_add_file(&o.tree, argv[first], gpath) < 0)
			return MONOS_EXIT_USAGE;
		if (deps_add(&o.tree, argv[first], gpath, o.ssl) < 0)
			return MONOS_EXIT_USAGE;
	}
	if (o.tap) {
		/* the guest's static addresses first: a later -t may change them */
		struct argvec t = {0};

		av_add(&t, "(ipaddr:" TAP_GUEST_IP4 " netmask:255.255.255.0 gateway:" TAP_HOST_IP4
			   " ip6addr:\"" TAP_GUEST_IP6 "\")");
		for (size_t i = 0; i < o.tuples.n; i++)
			av_add(&t, o.tuples.v[i]);
		av_free(&o.tuples);
		o.tuples = t;
	}
	if (monos_verbose)
		av_add(&o.tuples, "(klog:t)");
	make_manifest(&o, prog_name, argc - first - 1, argv + first + 1, &manifest);

	req.manifest = manifest.s;
	req.stamp = o.tree.stamp.s ? o.tree.stamp.s : "";
	req.tuples = o.tuples;
	req.mkfs = mkfs;
	req.kernel = kernel;
	req.boot_img = boot_img;
	if (o.cmd == CMD_BUILD) {
		/* a build makes a full (BIOS-bootable) image unless microvm asked */
		req.full = !o.machine || !strcmp(o.machine, "q35");
		return image_build(&req, o.out) < 0 ? MONOS_EXIT_VMFAIL : 0;
	}

	vm.machine = o.machine && !strcmp(o.machine, "q35") ? VM_Q35 : VM_MICROVM;
	req.full = vm.machine == VM_Q35;
	vm.kernel = req.full ? NULL : kernel;
	if (vm.kernel && access(vm.kernel, R_OK) < 0) {
		monos_error("kernel not found at %s (run make, or set MONOS_KERNEL)", vm.kernel);
		return MONOS_EXIT_VMFAIL;
	}
	vm.accel = pick_accel(o.accel);
	if (image_cached(&req, &image) < 0)
		return MONOS_EXIT_VMFAIL;
	vm.image = image;
	vm.snapshot = true;
	ret = run_vm(&o, &vm);
	free(image);
	return ret;
}
