/*
 * net/socket.h - the socket layer's contract: struct socket (one per
 * socket file) with an ops table per family, and the kernel view of a
 * msghdr. The generic layer (net/socket.c + sys/sys_socket.c) owns the
 * syscalls: it copies user arguments in (sockaddrs into kernel buffers,
 * the iovec array into a kernel array whose bases stay user pointers),
 * makes the socket file (read/write/poll/fstat/ioctl/close map onto the
 * ops) and dispatches to the family: AF_INET/AF_INET6 over lwIP's raw API
 * (net/sock_inet*.c), AF_UNIX in memory (net/sock_unix.c).
 * Layer: net. Callers: sys/sys_socket.c, net/sock_*.c, fs/ (sendfile).
 *
 * Data moves through the sock_msg helpers (sock_msg_put / sock_msg_get):
 * the iov bases are user addresses for the socket syscalls and
 * read/readv/write/writev, kernel addresses (m->kernel) for sendfile and
 * in-kernel callers; families never touch iov bases directly.
 * Signals: a family returns -EPIPE from sendmsg and never sends SIGPIPE
 * itself; the generic layer sends it unless MSG_NOSIGNAL was given.
 *
 * Locking: family code runs in syscall context with interrupts off (the
 * kernel's current mutual exclusion; under SMP, the kernel lock), and
 * blocks only through waitq_wait / poll heads, re-checking its condition
 * after every wake. lwIP callbacks run in the NIC interrupt or the net
 * tick, also with interrupts off: they change socket state and call
 * poll_head_wake, never block.
 */
#ifndef NET_SOCKET_H
#define NET_SOCKET_H

#include "kernel/kernel.h"
#include "fs/vfs.h"
#include "fs/poll.h"

/* Linux ABI values */
#define AF_UNSPEC 0
#define AF_UNIX	  1
#define AF_INET	  2
#define AF_INET6  10

#define SOCK_STREAM    1
#define SOCK_DGRAM     2
#define SOCK_RAW       3
#define SOCK_SEQPACKET 5
#define SOCK_TYPE_MASK 0xf
#define SOCK_NONBLOCK  04000
#define SOCK_CLOEXEC   02000000

#define SOL_SOCKET  1
#define IPPROTO_IP  0
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17
#define IPPROTO_IPV6 41

#define MSG_OOB	     0x1
#define MSG_PEEK     0x2
#define MSG_DONTROUTE 0x4
#define MSG_CTRUNC   0x8
#define MSG_TRUNC    0x20
#define MSG_DONTWAIT 0x40
#define MSG_EOR	     0x80
#define MSG_WAITALL  0x100
#define MSG_NOSIGNAL 0x4000
#define MSG_MORE     0x8000
#define MSG_ERRQUEUE 0x2000
#define MSG_WAITFORONE 0x10000
#define MSG_CMSG_CLOEXEC 0x40000000

#define SHUT_RD	  0
#define SHUT_WR	  1
#define SHUT_RDWR 2

#define SOCK_ADDR_MAX 128 /* sizeof(struct sockaddr_storage) */

/* one iovec segment; base is a user address */
struct sock_iov {
	u64 base;
	u64 len;
};

/* the kernel view of a msghdr (the generic layer fills and copies back) */
struct sock_msg {
	struct sock_iov *iov; /* kernel array, user bases */
	int iovlen;
	/* send: the destination (addrlen 0: none); recv: the family writes
	 * the source here and sets addrlen (0 if it has none) */
	u8 addr[SOCK_ADDR_MAX];
	u32 addrlen;
	/* ancillary data, a kernel buffer of controllen bytes (SCM_RIGHTS
	 * for AF_UNIX); recv: the family sets controllen to what it wrote */
	void *control;
	u64 controllen;
	int flags_out; /* recv: MSG_TRUNC, MSG_CTRUNC */
	bool kernel;   /* iov bases are kernel addresses (sendfile, read(2)) */
};

/* total bytes the message's iov covers (the generic layer caps it at
 * 0x7ffff000 like Linux) */
u64 sock_msg_len(const struct sock_msg *m);
/* recv: copy len bytes of src into the message's buffers starting at byte
 * off of the iov; 0 or -EFAULT */
int sock_msg_put(struct sock_msg *m, u64 off, const void *src, u64 len);
/* send: copy len bytes at byte off of the message's buffers into dst;
 * 0 or -EFAULT */
int sock_msg_get(const struct sock_msg *m, u64 off, void *dst, u64 len);

struct socket;

struct socket_ops {
	/* addr/len: a kernel copy of the user's sockaddr */
	int (*bind)(struct socket *s, const void *addr, u32 len);
	int (*listen)(struct socket *s, int backlog);
	/* a new connected socket in *out (from socket_alloc, not installed:
	 * the generic layer installs it with accept4's flags); addr/addrlen
	 * (kernel buffer of *addrlen bytes, may be NULL) get the peer's
	 * address, *addrlen set to its full length. Blocks unless
	 * socket_nonblock(s, 0) */
	int (*accept)(struct socket *s, struct socket **out, void *addr, u32 *addrlen);
	int (*connect)(struct socket *s, const void *addr, u32 len);
	/* bytes sent/received or -errno; nonblock = O_NONBLOCK or
	 * MSG_DONTWAIT; a blocking call interrupted by a signal returns
	 * -ERESTARTSYS (SA_RESTART) when nothing was transferred */
	s64 (*sendmsg)(struct socket *s, struct sock_msg *m, int flags);
	s64 (*recvmsg)(struct socket *s, struct sock_msg *m, int flags);
	int (*shutdown)(struct socket *s, int how);
	/* peer false: getsockname; true: getpeername. *len in: buffer size,
	 * out: the address's full length */
	int (*getname)(struct socket *s, void *addr, u32 *len, bool peer);
	/* SOL_SOCKET SO_TYPE/SO_DOMAIN/SO_PROTOCOL/SO_RCVTIMEO/SO_SNDTIMEO
	 * are answered by the generic layer and never reach these; val is a
	 * kernel buffer; getsockopt: *len in = the buffer's size (at least
	 * 64), out = the value's length (the generic layer copies min(user
	 * len, *len) out, truncating as Linux does). NULL: ENOPROTOOPT */
	int (*setsockopt)(struct socket *s, int level, int name, const void *val, u32 len);
	int (*getsockopt)(struct socket *s, int level, int name, void *val, u32 *len);
	/* the ready mask (fs/poll.h), registering on the socket's heads */
	u32 (*poll)(struct socket *s, struct poll_table *pt);
	/* FIONREAD, SIOCOUTQ...; NULL or -ENOIOCTLCMD-like: the generic
	 * layer answers FIONBIO itself */
	int (*ioctl)(struct socket *s, u32 cmd, u64 uarg);
	/* the last reference to the file is gone */
	void (*release)(struct socket *s);
};

struct socket {
	const struct socket_ops *ops;
	int family;
	int type; /* SOCK_STREAM, SOCK_DGRAM... (without the flags) */
	int protocol;
	struct file *file; /* the socket's file (flags: O_NONBLOCK) */
	void *priv;	   /* the family's state */
	/* SO_RCVTIMEO / SO_SNDTIMEO in ns (0: none), kept by the generic
	 * layer; families block through socket_wait, which honours them */
	u64 rcvtimeo_ns, sndtimeo_ns;
};

/* true when the socket's file is in non-blocking mode or flags has
 * MSG_DONTWAIT */
bool socket_nonblock(const struct socket *s, int flags);
/*
 * Block on q with the socket's timeout: send true uses SO_SNDTIMEO, false SO_RCVTIMEO. Call with the
 * condition checked (interrupts off), re-check after it returns 0.
 * Returns 0 (woken), -EAGAIN (the timeout passed: what Linux returns),
 * -ERESTARTSYS (a signal, no timeout set) or -EINTR (a signal with a
 * timeout set, as Linux). *deadline: 0 on the first call of an
 * operation; the helper fills it so retries keep one deadline.
 */
int socket_wait(struct socket *s, struct wait_queue *q, bool send, u64 *deadline);
/* the caller's SIGPIPE for a send that failed with -EPIPE (flags without
 * MSG_NOSIGNAL); the generic layer calls it, families need not */
void socket_sigpipe(int flags);

/* ---- the generic layer (net/socket.c) ---- */
/* a socket struct for a family to fill (priv/ops), or NULL */
struct socket *socket_alloc(int family, int type, int protocol, const struct socket_ops *ops);
/* a file for s, installed as a new fd (flags: SOCK_NONBLOCK/CLOEXEC):
 * the fd or -errno (s released on failure) */
int socket_install(struct socket *s, int flags);
/* the socket behind f, or NULL when f is not a socket */
struct socket *socket_of(struct file *f);
/* release (ops->release) and free a socket that was never installed */
void socket_release(struct socket *s);

/* SOL_SOCKET option names (Linux x86-64) */
#define SO_DEBUG       1
#define SO_REUSEADDR   2
#define SO_TYPE	       3
#define SO_ERROR       4
#define SO_DONTROUTE   5
#define SO_BROADCAST   6
#define SO_SNDBUF      7
#define SO_RCVBUF      8
#define SO_KEEPALIVE   9
#define SO_OOBINLINE   10
#define SO_LINGER      13
#define SO_REUSEPORT   15
#define SO_PASSCRED    16
#define SO_PEERCRED    17
#define SO_RCVLOWAT    18
#define SO_SNDLOWAT    19
#define SO_RCVTIMEO    20
#define SO_SNDTIMEO    21
#define SO_ACCEPTCONN  30
#define SO_SNDBUFFORCE 32
#define SO_RCVBUFFORCE 33
#define SO_PROTOCOL    38
#define SO_DOMAIN      39
#define SCM_RIGHTS      1
#define SCM_CREDENTIALS 2
#define SOMAXCONN      4096 /* listen backlogs are capped here */
#define FIONREAD       0x541b
#define SIOCOUTQ       0x5411

/* ---- families ---- */
/* AF_INET / AF_INET6 (net/sock_inet*.c) */
int inet_socket_create(int family, int type, int protocol, struct socket **out);
/* AF_UNIX (net/sock_unix.c) */
int unix_socket_create(int type, int protocol, struct socket **out);
int unix_socketpair(int type, int protocol, struct socket *out[2]);

#endif
