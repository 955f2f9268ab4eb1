/*
 * tests/guest/sockunix/sockfuzz.c - socket calls with hostile arguments:
 * `sockfuzz N [SEED]` makes N calls (socket, socketpair, bind, listen,
 * accept, accept4, connect, the send and recv calls, shutdown,
 * get/setsockopt, sendfile, read/write/readv/writev/ioctl) with bad
 * pointers, buffers running into
 * an unmapped page, huge lengths, random flags and fds, on non-blocking
 * AF_UNIX sockets (so no call can block). Passes when it gets to the end:
 * the kernel must answer every call with a value or an errno.
 * Layer: guest test program (tests/suites/72-sockunix), built with
 * musl-gcc and gcc -static; runs natively too.
 */
#include "../gtest.h"
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>

static socklen_t abstract_addr(struct sockaddr_un *a, const char *name)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	memcpy(a->sun_path + 1, name, strlen(name));
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name));
}

static uint64_t fz_rng = 0x2545f4914f6cdd1dull;
static unsigned char *fz_page; /* a mapped page, then an unmapped one */
static int fz_fds[8];

static uint64_t fz_rnd(void)
{
	fz_rng ^= fz_rng << 13;
	fz_rng ^= fz_rng >> 7;
	fz_rng ^= fz_rng << 17;
	return fz_rng;
}

static long fz_arg(void)
{
	switch (fz_rnd() % 12) {
	case 0:
		return 0;
	case 1:
		return 1;
	case 2:
		return -1;
	case 3:
		return (long)0xffffffff80000000ul;
	case 4:
		return (long)(fz_page + 4096 - (fz_rnd() % 32)); /* runs into the hole */
	case 5:
		return (long)fz_page;
	case 6:
		return (long)(fz_rnd() % 300);
	case 7:
		return (long)(fz_rnd() >> (fz_rnd() % 64));
	case 8:
		return (long)(fz_page + 8192);
	case 9:
	case 10:
		return fz_fds[fz_rnd() % 8];
	default:
		return (long)(1ul << (fz_rnd() % 64));
	}
}

/* an fd argument: never the console (fds 0-2) */
static long fz_fd(void)
{
	long fd = fz_rnd() % 4 ? fz_fds[fz_rnd() % 8] : fz_arg();

	return (int)fd >= 0 && (int)fd <= 2 ? 3 : fd; /* the kernel takes the low 32 bits */
}

/* new fds: non-blocking (no call may block), closed when too many */
static void fz_tidy(void)
{
	for (int fd = 3; fd < 64; fd++) {
		int keep = 0;

		for (int i = 0; i < 8; i++)
			keep |= fz_fds[i] == fd;
		if (fcntl(fd, F_GETFD) < 0)
			continue;
		if (!keep && fd > 24)
			close(fd);
		else
			fcntl(fd, F_SETFL, O_NONBLOCK);
	}
}

static int fuzz(long calls)
{
	static const int nrs[] = { SYS_socket,	    SYS_socketpair, SYS_bind,	     SYS_listen,
				   SYS_accept,	    SYS_accept4,    SYS_connect,     SYS_sendto,
				   SYS_recvfrom,    SYS_sendmsg,    SYS_recvmsg,     SYS_sendmmsg,
				   SYS_recvmmsg,    SYS_shutdown,   SYS_getsockname, SYS_getpeername,
				   SYS_getsockopt,  SYS_setsockopt, SYS_sendfile,    SYS_read,
				   SYS_write,	    SYS_readv,	    SYS_writev,	     SYS_ioctl };
	struct sockaddr_un a;
	socklen_t alen = abstract_addr(&a, "fz");
	int sv[2];

	fz_page = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(fz_page + 4096, 4096);
	socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv);
	fz_fds[0] = sv[0];
	fz_fds[1] = sv[1];
	socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, sv);
	fz_fds[2] = sv[0];
	fz_fds[3] = sv[1];
	socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, sv);
	fz_fds[4] = sv[0];
	fz_fds[5] = sv[1];
	fz_fds[6] = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	bind(fz_fds[6], (struct sockaddr *)&a, alen);
	listen(fz_fds[6], 2);
	fz_fds[7] = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	for (long i = 0; i < calls; i++) {
		int nr = nrs[fz_rnd() % (sizeof(nrs) / sizeof(nrs[0]))];
		long r = syscall(nr, fz_fd(), fz_arg(), fz_arg(), fz_arg(), fz_arg(), fz_arg());

		if (r >= 0 || nr == SYS_socketpair || nr == SYS_recvmsg || nr == SYS_recvmmsg)
			fz_tidy();
	}
	CHECK("fuzz", 1, "survived");
	return gt_done();
}

int main(int argc, char **argv)
{
	gt_init();
	signal(SIGPIPE, SIG_IGN);
	if (argc > 2)
		fz_rng = strtoull(argv[2], NULL, 0) | 1;
	return fuzz(argc > 1 ? strtol(argv[1], NULL, 0) : 20000);
}
