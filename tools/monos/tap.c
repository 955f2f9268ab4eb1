/*
 * tap.c - `monos run --net tap`: the guest's NIC on a tap device inside a
 * network namespace, so that nothing but that namespace ever sees the
 * guest. The runner
 *   - creates a namespace of its own (`monos-PID`), or uses the caller's
 *     (`--netns NAME`, which must exist),
 *   - creates a tap device `mtPID` in it (single queue, vnet header on, so
 *     QEMU's virtio-net can offer checksum offload and TSO), gives it the
 *     host side's addresses (10.77.0.1/24, fd77::1/64) and brings it up,
 *   - enters the namespace itself (setns) so that QEMU, started next, opens
 *     the tap there (`-netdev tap,ifname=mtPID,script=no,...`),
 *   - gives the guest 10.77.0.2/24 (gateway 10.77.0.1) and fd77::2 through
 *     the manifest (main.c),
 *   - and removes what it made at exit: the namespace (own) or the tap
 *     device (--netns). The removal is done by a watchdog process forked
 *     before anything is created, in a session of its own: it waits for the
 *     runner's end of a pipe to close, which happens at a normal exit, on
 *     SIGINT/SIGTERM (vm.c kills QEMU and returns), on a setup or QEMU
 *     failure and when the runner is killed outright (SIGKILL: QEMU then
 *     dies with it through PR_SET_PDEATHSIG, spawn.c).
 * Setup uses iproute2's `ip` (fork+exec, no shell); root is required.
 *
 * Layer: host tool (tools/monos). Called by main.c (tap_setup, tap_enter,
 * tap_teardown) and vm.c (the -netdev text).
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "monos.h"
#include "spawn.h"

#define TAP_NETNS_DIR "/run/netns"

/* run `ip ARGS...` quietly (stderr kept for its message unless quiet);
 * 0 if it exited 0 */
static int tap_ip(bool quiet, const char *a0, ...)
{
	const char *argv[16] = {"ip"};
	int n = 1, st, null = -1;
	va_list ap;
	pid_t pid;

	argv[n++] = a0;
	va_start(ap, a0);
	while (n < 15 && (argv[n] = va_arg(ap, const char *)) != NULL)
		n++;
	va_end(ap);
	argv[n] = NULL;
	if (quiet)
		null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (null >= 0) {
		/* spawn_proc redirects stdout only: silence stderr around it */
		int saved = dup(2);

		dup2(null, 2);
		pid = spawn_proc((char *const *)argv, -1, null, false);
		dup2(saved, 2);
		close(saved);
		close(null);
	} else {
		pid = spawn_proc((char *const *)argv, -1, -1, false);
	}
	if (pid < 0)
		return -1;
	st = spawn_wait(pid);
	return st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

/* the watchdog: waits for the runner's pipe end to close, then removes
 * the namespace (own) or the tap device (--netns). Messages: 'N' the
 * namespace is about to be made, 'T' the tap device is (sent before the
 * `ip` call, so a runner killed meanwhile leaves nothing behind). */
static NORETURN void tap_watchdog(const struct tap_net *t, int rfd)
{
	bool ns = false, dev = false;
	char c;
	ssize_t r;
	int null = open("/dev/null", O_RDWR);

	setsid(); /* a kill of the runner's process group spares us */
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
	}
	/* keep no copy of the caller's pipes (a `$(monos ...)` would wait) */
	for (int fd = 3; fd < 1024; fd++)
		if (fd != rfd)
			close(fd);
	for (;;) {
		r = read(rfd, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if (c == 'N')
			ns = true;
		else if (c == 'T')
			dev = true;
	}
	if (ns && t->own_ns) {
		/* QEMU may still hold the tap for a moment after the runner
		 * died: the namespace lingers unnamed until it exits */
		char path[sizeof(TAP_NETNS_DIR) + 64];

		snprintf(path, sizeof(path), TAP_NETNS_DIR "/%s", t->ns);
		if (tap_ip(true, "netns", "delete", t->ns, NULL) < 0 && access(path, F_OK) == 0)
			tap_ip(false, "netns", "delete", t->ns, NULL);
	} else if (dev) {
		tap_ip(true, "-n", t->ns, "link", "delete", t->dev, NULL);
	}
	_exit(0);
}

static int tap_send(struct tap_net *t, char c)
{
	return write(t->wd_fd, &c, 1) == 1 ? 0 : -1;
}

int tap_check(void)
{
	if (geteuid() != 0) {
		monos_error("--net tap needs root (it creates a network namespace and a tap "
			    "device); use -p for user networking");
		return -1;
	}
	if (access("/dev/net/tun", R_OK | W_OK) < 0) {
		monos_error("--net tap: /dev/net/tun: %s (the tun module or the device node "
			    "is missing)",
			    strerror(errno));
		return -1;
	}
	if (tap_ip(true, "-V", NULL) < 0) {
		monos_error("--net tap needs the ip command (iproute2)");
		return -1;
	}
	return 0;
}

int tap_setup(struct tap_net *t, const char *netns)
{
	char path[sizeof(TAP_NETNS_DIR) + 64];
	int p[2];

	memset(t, 0, sizeof(*t));
	t->wd_fd = t->ns_fd = -1;
	if (tap_check() < 0)
		return -1;
	snprintf(t->dev, sizeof(t->dev), "mt%ld", (long)getpid());
	if (netns) {
		if (strlen(netns) >= sizeof(t->ns) || strchr(netns, '/') || !*netns ||
		    netns[0] == '.') {
			monos_error("--netns %s: not a namespace name", netns);
			return -1;
		}
		snprintf(t->ns, sizeof(t->ns), "%s", netns);
	} else {
		snprintf(t->ns, sizeof(t->ns), "monos-%ld", (long)getpid());
		t->own_ns = true;
	}
	snprintf(path, sizeof(path), TAP_NETNS_DIR "/%s", t->ns);
	if (netns && access(path, F_OK) < 0) {
		monos_error("--netns %s: no such network namespace (%s: %s; create it with "
			    "`ip netns add %s`)",
			    netns, path, strerror(errno), netns);
		return -1;
	}
	if (pipe2(p, O_CLOEXEC) < 0) {
		monos_error("--net tap: pipe: %s", strerror(errno));
		return -1;
	}
	fflush(NULL);
	t->watchdog = fork();
	if (t->watchdog < 0) {
		monos_error("--net tap: fork: %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (t->watchdog == 0) {
		close(p[1]);
		tap_watchdog(t, p[0]);
	}
	close(p[0]);
	t->wd_fd = p[1];

	if (t->own_ns) {
		tap_send(t, 'N');
		if (tap_ip(false, "netns", "add", t->ns, NULL) < 0) {
			monos_error("--net tap: cannot create network namespace %s", t->ns);
			goto out_fail;
		}
		tap_ip(true, "-n", t->ns, "link", "set", "lo", "up", NULL);
	}
	tap_send(t, 'T');
	if (tap_ip(false, "-n", t->ns, "tuntap", "add", "dev", t->dev, "mode", "tap", "vnet_hdr",
		   NULL) < 0) {
		monos_error("--net tap: cannot create tap device %s in namespace %s", t->dev,
			    t->ns);
		goto out_fail;
	}
	if (tap_ip(false, "-n", t->ns, "addr", "add", TAP_HOST_IP4 "/24", "dev", t->dev, NULL) <
		0 ||
	    tap_ip(false, "-n", t->ns, "addr", "add", TAP_HOST_IP6 "/64", "dev", t->dev, "nodad",
		   NULL) < 0 ||
	    tap_ip(false, "-n", t->ns, "link", "set", t->dev, "up", NULL) < 0) {
		monos_error("--net tap: cannot configure %s in namespace %s (does the namespace "
			    "already have " TAP_HOST_IP4 " or " TAP_HOST_IP6 "?)",
			    t->dev, t->ns);
		goto out_fail;
	}
	t->ns_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (t->ns_fd < 0) {
		monos_error("--net tap: %s: %s", path, strerror(errno));
		goto out_fail;
	}
	monos_note("tap: namespace %s, device %s, host %s/24 %s/64, guest %s %s (reach it "
		   "with `ip netns exec %s ...`)",
		   t->ns, t->dev, TAP_HOST_IP4, TAP_HOST_IP6, TAP_GUEST_IP4, TAP_GUEST_IP6, t->ns);
	return 0;

out_fail:
	tap_teardown(t);
	return -1;
}

int tap_enter(struct tap_net *t)
{
	if (setns(t->ns_fd, CLONE_NEWNET) < 0) {
		monos_error("--net tap: entering namespace %s: %s", t->ns, strerror(errno));
		return -1;
	}
	return 0;
}

void tap_netdev(const struct tap_net *t, struct strbuf *sb)
{
	sb_printf(sb, "tap,id=n0,ifname=%s,script=no,downscript=no,vnet_hdr=on", t->dev);
}

void tap_teardown(struct tap_net *t)
{
	if (t->ns_fd >= 0)
		close(t->ns_fd);
	t->ns_fd = -1;
	if (t->wd_fd >= 0)
		close(t->wd_fd); /* the watchdog removes what was made */
	t->wd_fd = -1;
	if (t->watchdog > 0)
		spawn_wait(t->watchdog);
	t->watchdog = 0;
}
