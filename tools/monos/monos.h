/*
 * monos.h - internal interface of the `monos` runner CLI (tools/monos/):
 * `monos run`, `monos build` and `monos boot` (DESIGN §1, issue 3 item 6).
 *
 * Layer: host tool. It never writes images itself: it builds a manifest and
 * runs `mkfs` as a subprocess (manifest on stdin), then runs QEMU directly
 * (fork+exec, no shell) and relays the console, decoding the exit markers
 * described in docs/runner.md (notes: qemu.md).
 * Pieces:  main.c    command line, paths of the helper binaries, the flow
 *          elf.c     checking the program (ELF64 x86-64, static or static-PIE)
 *          accel.c   choosing KVM or TCG (unit-tested with fake /sys trees)
 *          tree.c    the guest file tree (-f/--dir) and the manifest text
 *          image.c   the image cache (hash of the inputs) and running mkfs
 *          vm.c      the QEMU command line, running it, the output filter
 *          fwd.c     -p port forwards and --smp: parsing, host port check
 *          tap.c     --net tap: network namespace, tap device, cleanup
 *          spawn.c   small process helpers (spawn with pipes, wait)
 */
#ifndef TOOLS_MONOS_MONOS_H
#define TOOLS_MONOS_MONOS_H

#include <stdio.h>
#include <sys/types.h>

#include "types.h"

/* exit codes of monos itself (a program's own code passes through) */
#define MONOS_EXIT_USAGE    2	/* bad command line, missing/unsupported program */
#define MONOS_EXIT_BOOTFAIL 123 /* the BIOS boot loader (stage2) failed */
#define MONOS_EXIT_TIMEOUT  124 /* --timeout expired, the VM was killed */
#define MONOS_EXIT_PANIC    125 /* the kernel panicked */
#define MONOS_EXIT_VMFAIL   126 /* could not build or run the VM, QEMU died */

void monos_error(const char *fmt, ...) PRINTF_LIKE(1, 2);
void monos_note(const char *fmt, ...) PRINTF_LIKE(1, 2); /* only with -v */
extern bool monos_verbose;

/* ---- growable string ---- */
struct strbuf {
	char *s;
	size_t len, cap;
};
void sb_add(struct strbuf *sb, const char *s, size_t n);
void sb_puts(struct strbuf *sb, const char *s);
void sb_printf(struct strbuf *sb, const char *fmt, ...) PRINTF_LIKE(2, 3);
void sb_free(struct strbuf *sb);

/* ---- growable argv ---- */
struct argvec {
	char **v; /* NULL-terminated */
	size_t n, cap;
};
void av_add(struct argvec *av, const char *s); /* copies s */
void av_free(struct argvec *av);

/* ---- elf.c ---- */
/* Checks that path is a regular file holding an ELF64 little-endian x86-64
 * executable (ET_EXEC, or ET_DYN without PT_INTERP = static-PIE). Returns 0,
 * or prints one "monos: ..." line and returns -1. */
int elf_check_program(const char *path);

/* ---- accel.c ---- */
enum accel_kind { ACCEL_TCG, ACCEL_KVM };
/* Decide what `--accel auto` means on this host. dev_kvm is the KVM device
 * (normally /dev/kvm), sys_module the module directory of sysfs
 * (/sys/module), proc_modules the module list (/proc/modules); any may be
 * missing. KVM only if a hardware KVM module (kvm_intel or kvm_amd) is
 * loaded, kvm_pvm is not, and dev_kvm opens read-write. why (may be NULL)
 * receives a short reason. */
enum accel_kind accel_detect(const char *dev_kvm, const char *sys_module, const char *proc_modules,
			     char *why, size_t why_len);
/* true if dev_kvm can be opened read-write (for --accel kvm) */
bool accel_kvm_usable(const char *dev_kvm, int *err);

/* ---- tree.c ---- */
struct tree_node;
struct tree {
	struct tree_node *root;
	struct strbuf stamp; /* host file identities (size, mtime...) for the cache key */
};
void tree_init(struct tree *t);
void tree_free(struct tree *t);
/* add a host file at guest path gpath (absolute, '/'-separated) */
int tree_add_file(struct tree *t, const char *host, const char *gpath);
/* add a host directory tree (regular files, symlinks, directories) */
int tree_add_dir(struct tree *t, const char *host, const char *gpath);
/* split "HOST[:GUEST]" and add it (file or dir); the default guest path is
 * "/" + basename(HOST) */
int tree_add_spec(struct tree *t, const char *spec, bool dir);
/* is there a node at guest path gpath? */
bool tree_has(const struct tree *t, const char *gpath);
/* mark the file at gpath exec:t (for exec_protection:t) */
void tree_mark_exec(struct tree *t, const char *gpath);
/* print the tree as the value of `children` into sb: "(name:(...) ...)" */
void tree_print(const struct tree *t, struct strbuf *sb);
/* append s as a manifest name/string (bare when safe, else "quoted") */
void manifest_quote(struct strbuf *sb, const char *s);

/* ---- deps.c ---- */
/* For a dynamic program (PT_INTERP) at host path prog_host (guest path
 * prog_guest): add its interpreter and DT_NEEDED libraries, recursively,
 * at the paths the guest's ld.so opens, plus /etc stubs (and the CA bundle
 * when ssl). Static programs: nothing. 0, or -1 after one "monos: ..." line
 * naming what is missing. -v lists what was added. */
int deps_add(struct tree *t, const char *prog_host, const char *prog_guest, bool ssl);

/* ---- image.c ---- */
struct image_req {
	const char *manifest; /* full manifest text */
	const char *stamp;    /* identities of the host files it refers to */
	struct argvec tuples; /* -t arguments for mkfs */
	bool full;	      /* MBR image with bootfs (q35 BIOS boot) */
	const char *mkfs, *kernel, *boot_img;
};
/* ${XDG_CACHE_HOME:-~/.cache}/monos, created if needed (malloc'ed; NULL
 * after a message) */
char *monos_cache_dir(void);
/* write the image to out (mkfs, via a temp file + rename) */
int image_build(const struct image_req *req, const char *out);
/* find or make the cached image for req; *path receives a malloc'ed path */
int image_cached(const struct image_req *req, char **path);

/* ---- fwd.c ---- */
#define VM_SMP_MAX 64 /* --smp N: 1..64 */
#define VM_FWD_MAX 32 /* -p forwards per VM */
struct vm_fwd {
	bool udp;	 /* tcp (default) or udp */
	u16 host, guest; /* 127.0.0.1:host on the host -> guest port */
};
/* parse "[tcp:|udp:]HOST[:GUEST]" (GUEST defaults to HOST; ports 1..65535);
 * 0, or -1 with a "-p SPEC: ..." message in err */
int fwd_parse(const char *spec, struct vm_fwd *f, char *err, size_t err_len);
/* parse and append to list (n entries, room for max), refusing a host port
 * or a guest port forwarded twice (per protocol); 0 or -1 with err */
int fwd_add(struct vm_fwd *list, size_t *n, size_t max, const char *spec, char *err,
	    size_t err_len);
/* is 127.0.0.1:host free for this protocol (bind, SO_REUSEADDR for tcp as
 * QEMU does)? 0, or -1 with a message naming the port */
int fwd_check_free(const struct vm_fwd *f, char *err, size_t err_len);
/* the -netdev value: "user,id=n0,restrict=on,hostfwd=tcp:127.0.0.1:H-:G..." */
void fwd_netdev(const struct vm_fwd *list, size_t n, struct strbuf *sb);
/* "N" with 1 <= N <= VM_SMP_MAX -> 0 and *n; -1 otherwise */
int smp_parse(const char *s, int *n);

/* ---- tap.c ---- */
#define TAP_HOST_IP4  "10.77.0.1"
#define TAP_GUEST_IP4 "10.77.0.2"
#define TAP_HOST_IP6  "fd77::1"
#define TAP_GUEST_IP6 "fd77::2"
struct tap_net {
	char ns[64];  /* network namespace name */
	char dev[16]; /* tap device in it */
	bool own_ns;  /* made (and removed) by this runner */
	pid_t watchdog;
	int wd_fd; /* the watchdog's pipe (closing it = clean up) */
	int ns_fd; /* /run/netns/NAME */
};
/* can --net tap work here (root, /dev/net/tun, ip)? 0, or -1 after a
 * message */
int tap_check(void);
/* needs root: make the namespace (netns NULL) or use netns, make and
 * configure the tap device; 0, or -1 after a "monos: ..." message (what
 * was made is removed again) */
int tap_setup(struct tap_net *t, const char *netns);
/* move this process into the namespace (QEMU started next inherits it) */
int tap_enter(struct tap_net *t);
/* the -netdev value for QEMU */
void tap_netdev(const struct tap_net *t, struct strbuf *sb);
/* remove what tap_setup made (waits for the watchdog) */
void tap_teardown(struct tap_net *t);

/* ---- vm.c ---- */
enum vm_machine { VM_MICROVM, VM_Q35 };
struct vm_opts {
	const char *qemu; /* binary (execvp) */
	const char *image;
	const char *kernel; /* for direct boot (NULL: BIOS disk boot) */
	enum vm_machine machine;
	enum accel_kind accel;
	const char *mem; /* "256M" */
	double timeout;	 /* seconds, 0 = none */
	bool snapshot;	 /* discard the guest's writes (monos run) */
	bool klog;	 /* "klog" on the kernel command line */
	int smp;	 /* vCPUs (QEMU -smp), 0 = 1 */
	const struct vm_fwd *fwd; /* -p forwards: a virtio-net NIC on user */
	size_t nfwd;		  /* networking when > 0 */
	const char *netdev;	  /* else this -netdev value (--net tap), or NULL */
};
/* build the QEMU argv for o */
void vm_argv(const struct vm_opts *o, struct argvec *av);
/* run QEMU, relay its console, return the exit code monos should exit with */
int vm_run(const struct vm_opts *o);

/* output filter: strips ESC ]999;monos-...BEL markers, remembers them */
struct osc_filter {
	char pend[64];
	size_t npend;
	int exit_code; /* last monos-exit=N seen, -1 if none */
	bool panic;    /* monos-panic seen after the last exit marker */
};
void osc_init(struct osc_filter *f);
/* filter n bytes of in; the output (<= n + sizeof(pend) bytes) goes to out */
size_t osc_feed(struct osc_filter *f, const char *in, size_t n, char *out);
/* end of stream: flush what is pending (an unfinished sequence) into out */
size_t osc_flush(struct osc_filter *f, char *out);
/* decode the exit: wait status of QEMU + markers -> monos exit code,
 * printing "monos: ..." for failures */
int vm_decode_exit(const struct osc_filter *f, int wstatus, bool bios_boot);
/* stage2's debug-exit code when it cannot load the kernel (QEMU status 249) */
#define MONOS_LOADER_FAIL_CODE 0x7c

#endif
