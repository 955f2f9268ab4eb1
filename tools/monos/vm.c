/*
 * vm.c - running the VM: the QEMU command line (notes: qemu.md's canonical
 * lines for microvm direct boot and q35 BIOS disk boot), starting QEMU
 * without a shell, relaying its console to stdout while stripping the
 * kernel's invisible exit markers (ESC ]999;monos-exit=N BEL and
 * ESC ]999;monos-panic BEL, which may straddle reads), the timeout, and
 * turning QEMU's exit status into monos's exit code.
 *
 * Layer: host tool (tools/monos). Called by main.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "monos.h"
#include "spawn.h"

#define OSC_PREFIX     "\x1b]999;"
#define OSC_PREFIX_LEN 6
#define OSC_BEL	       '\a'

void osc_init(struct osc_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->exit_code = -1;
}

/* a complete ESC ]999; ... BEL sequence is in pend: act on it, or give it
 * back to the output if it is not one of ours */
static size_t osc_complete(struct osc_filter *f, char *out)
{
	const char *body = f->pend + OSC_PREFIX_LEN;
	size_t blen = f->npend - OSC_PREFIX_LEN, n = 0;

	if (blen > 11 && !memcmp(body, "monos-exit=", 11)) {
		int code = 0;
		size_t i;

		for (i = 11; i < blen && body[i] >= '0' && body[i] <= '9' && code < 1000; i++)
			code = code * 10 + (body[i] - '0');
		if (i == blen && code <= 255) {
			f->exit_code = code;
			f->panic = false;
			f->npend = 0;
			return 0;
		}
	} else if (blen == 11 && !memcmp(body, "monos-panic", 11)) {
		f->panic = true;
		f->npend = 0;
		return 0;
	}
	memcpy(out, f->pend, f->npend);
	n = f->npend;
	out[n++] = OSC_BEL;
	f->npend = 0;
	return n;
}

size_t osc_feed(struct osc_filter *f, const char *in, size_t n, char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		char c = in[i];

		if (f->npend == 0) {
			if (c == OSC_PREFIX[0])
				f->pend[f->npend++] = c;
			else
				out[o++] = c;
		} else if (f->npend < OSC_PREFIX_LEN) {
			if (c == OSC_PREFIX[f->npend]) {
				f->pend[f->npend++] = c;
			} else {
				memcpy(out + o, f->pend, f->npend);
				o += f->npend;
				f->npend = 0;
				i--; /* look at c again, outside a sequence */
			}
		} else if (c == OSC_BEL) {
			o += osc_complete(f, out + o);
		} else if (f->npend < sizeof(f->pend)) {
			f->pend[f->npend++] = c;
		} else { /* too long to be ours */
			memcpy(out + o, f->pend, f->npend);
			o += f->npend;
			f->npend = 0;
			i--;
		}
	}
	return o;
}

size_t osc_flush(struct osc_filter *f, char *out)
{
	size_t n = f->npend;

	memcpy(out, f->pend, n);
	f->npend = 0;
	return n;
}

int vm_decode_exit(const struct osc_filter *f, int wstatus, bool bios_boot)
{
	int s;

	if (WIFSIGNALED(wstatus)) {
		monos_error("qemu was killed by signal %d", WTERMSIG(wstatus));
		return MONOS_EXIT_VMFAIL;
	}
	s = WEXITSTATUS(wstatus);
	if (f->panic && s == ((0x7e << 1) | 1)) {
		monos_error("kernel panic");
		return MONOS_EXIT_PANIC;
	}
	/* the marker counts only if QEMU's status agrees (a program could
	 * print a fake one); status 0 after a marker: ACPI power-off */
	if (f->exit_code >= 0 && (s == (((f->exit_code << 1) | 1) & 0xff) || s == 0))
		return f->exit_code;
	if ((s & 1) && s != 1) {
		if (bios_boot && s == ((MONOS_LOADER_FAIL_CODE << 1) | 1)) {
			monos_error("boot loader failed");
			return MONOS_EXIT_BOOTFAIL;
		}
		if (s == ((0x7e << 1) | 1)) {
			monos_error("kernel panic");
			return MONOS_EXIT_PANIC;
		}
		return (s - 1) / 2;
	}
	if (s == 0)
		monos_error(
		    "the VM stopped without an exit code (reset, triple fault or power-off)");
	else
		monos_error("qemu exited with status %d", s);
	return MONOS_EXIT_VMFAIL;
}

/* QEMU option values: a comma is written twice */
static void add_escaped(struct strbuf *sb, const char *s)
{
	for (; *s; s++) {
		if (*s == ',')
			sb_add(sb, ",,", 2);
		else
			sb_add(sb, s, 1);
	}
}

void vm_argv(const struct vm_opts *o, struct argvec *av)
{
	struct strbuf sb = {0};
	bool kvm = o->accel == ACCEL_KVM;

	av_add(av, o->qemu);
	av_add(av, "-M");
	av_add(av, o->machine == VM_MICROVM ? "microvm,x-option-roms=off,rtc=on" : "q35");
	av_add(av, "-cpu");
	av_add(av, kvm ? "host" : "max");
	av_add(av, "-m");
	av_add(av, o->mem);
	av_add(av, "-smp");
	sb_printf(&sb, "%d", o->smp > 0 ? o->smp : 1);
	av_add(av, sb.s);
	sb.len = 0;
	av_add(av, "-nodefaults");
	av_add(av, "-no-user-config");
	/* -display none, not -nographic: with -nographic QEMU turns on
	 * SeaBIOS's serial console, whose banner would mix into the output */
	av_add(av, "-display");
	av_add(av, "none");
	av_add(av, "-no-reboot");
	av_add(av, "-serial");
	av_add(av, "stdio");
	if (o->kernel) {
		av_add(av, "-kernel");
		av_add(av, o->kernel);
		av_add(av, "-append");
		av_add(av, o->klog ? "klog" : "");
	} else if (o->klog) {
		/* BIOS boot: stage2 passes this fw_cfg file on as the command line */
		av_add(av, "-fw_cfg");
		av_add(av, "name=opt/monos/cmdline,string=klog");
	}
	sb_puts(&sb, "id=root,file=");
	add_escaped(&sb, o->image);
	sb_puts(&sb, ",format=raw,if=none");
	if (o->snapshot)
		sb_puts(&sb, ",snapshot=on");
	av_add(av, "-drive");
	av_add(av, sb.s);
	av_add(av, "-device");
	av_add(av, o->machine == VM_MICROVM ? "virtio-blk-device,drive=root"
					    : "virtio-blk-pci,drive=root,disable-legacy=on");
	if (o->nfwd || o->netdev) {
		/* QEMU user networking, forwards on 127.0.0.1 only, or the
		 * --net tap netdev (tap.c); the NIC is the machine's kind of
		 * virtio (MMIO on microvm, PCI on q35) */
		sb.len = 0;
		if (o->netdev)
			sb_puts(&sb, o->netdev);
		else
			fwd_netdev(o->fwd, o->nfwd, &sb);
		av_add(av, "-netdev");
		av_add(av, sb.s);
		av_add(av, "-device");
		av_add(av, o->machine == VM_MICROVM ? "virtio-net-device,netdev=n0"
						    : "virtio-net-pci,netdev=n0,disable-legacy=on");
	}
	av_add(av, "-device");
	av_add(av, "isa-debug-exit,iobase=0xf4,iosize=4");
	av_add(av, "-accel");
	av_add(av, kvm ? "kvm" : "tcg");
	sb_free(&sb);
}

static void print_cmdline(char **argv)
{
	struct strbuf sb = {0};

	for (size_t i = 0; argv[i]; i++) {
		const char *a = argv[i];
		bool plain = *a != 0;

		for (const char *p = a; *p && plain; p++)
			plain = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				       "0123456789_-.,/=:+@%",
				       *p) != NULL;
		sb_puts(&sb, i ? " " : "");
		if (plain) {
			sb_puts(&sb, a);
			continue;
		}
		sb_puts(&sb, "'");
		for (const char *p = a; *p; p++)
			sb_puts(&sb, *p == '\'' ? "'\\''" : (char[]){*p, 0});
		sb_puts(&sb, "'");
	}
	monos_note("qemu: %s", sb.s);
	sb_free(&sb);
}

static s64 now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (s64)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int vm_run(const struct vm_opts *o)
{
	char buf[16384], out[16384 + 128];
	struct argvec av = {0};
	struct osc_filter f;
	sigset_t sigs, old;
	int p[2], sfd, devnull, st, ret, killed_by = 0;
	bool eof = false, out_broken = false;
	s64 deadline = 0;
	pid_t pid;

	vm_argv(o, &av);
	if (monos_verbose)
		print_cmdline(av.v);
	osc_init(&f);
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	sigprocmask(SIG_BLOCK, &sigs, &old);
	signal(SIGPIPE, SIG_IGN);
	sfd = signalfd(-1, &sigs, SFD_CLOEXEC);
	devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (sfd < 0 || devnull < 0 || pipe2(p, O_CLOEXEC) < 0) {
		monos_error("setting up: %s", strerror(errno));
		ret = MONOS_EXIT_VMFAIL;
		goto out_free;
	}
	/* QEMU's stdin is /dev/null (the guest's stdin reads EOF) so it never
	 * touches the terminal; its own process group keeps ^C for us */
	pid = spawn_proc(av.v, devnull, p[1], true);
	close(p[1]);
	close(devnull);
	if (pid < 0) {
		monos_error("cannot run %s: %s (install qemu-system-x86, or set MONOS_QEMU)",
			    o->qemu, strerror(errno));
		close(p[0]);
		ret = MONOS_EXIT_VMFAIL;
		goto out_sfd;
	}
	if (o->timeout > 0)
		deadline = now_ms() + (s64)(o->timeout * 1000 + 0.5);
	while (!eof) {
		struct pollfd pfd[2] = {{p[0], POLLIN, 0}, {sfd, POLLIN, 0}};
		int wait_ms = -1, r;

		if (deadline) {
			s64 left = deadline - now_ms();

			if (left <= 0) {
				killed_by = -1;
				break;
			}
			wait_ms = left > 1000000 ? 1000000 : (int)left;
		}
		r = poll(pfd, 2, wait_ms);
		if (r < 0 && errno != EINTR) {
			monos_error("poll: %s", strerror(errno));
			killed_by = SIGKILL;
			break;
		}
		if (r > 0 && (pfd[1].revents & POLLIN)) {
			struct signalfd_siginfo si;

			if (read(sfd, &si, sizeof(si)) == sizeof(si)) {
				killed_by = si.ssi_signo;
				break;
			}
		}
		if (r > 0 && (pfd[0].revents & (POLLIN | POLLHUP | POLLERR))) {
			ssize_t n = read(p[0], buf, sizeof(buf));
			size_t m;

			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				eof = true;
				m = osc_flush(&f, out);
			} else {
				m = osc_feed(&f, buf, n, out);
			}
			if (m && !out_broken && spawn_write_all(1, out, m) < 0) {
				out_broken = true;
				killed_by = SIGPIPE;
				break;
			}
		}
	}
	close(p[0]);
	if (killed_by)
		kill(-pid, SIGKILL);
	st = spawn_wait(pid);
	if (killed_by == -1) {
		monos_error("timed out after %g s", o->timeout);
		ret = MONOS_EXIT_TIMEOUT;
	} else if (killed_by) {
		ret = 128 + killed_by;
	} else {
		ret = vm_decode_exit(&f, st, o->kernel == NULL);
	}
out_sfd:
	close(sfd);
out_free:
	sigprocmask(SIG_SETMASK, &old, NULL);
	av_free(&av);
	return ret;
}
