/*
 * net/sock_unix.h - AF_UNIX internals shared by net/sock_unix.c
 * (sockets, names, connections, poll, options) and net/sock_unix_msg.c
 * (sendmsg/recvmsg, the receive queues, SCM_RIGHTS). A unix_sock is the
 * family state behind a struct socket (s->priv); it is reference counted
 * because peers, listeners' accept queues and in-flight connections point
 * at it after its socket is gone.
 * Layer: net. Callers: those three files only.
 */
#ifndef NET_SOCK_UNIX_H
#define NET_SOCK_UNIX_H

#include "net/socket.h"

#define UNIX_PATH_MAX	 108
#define UNIX_ADDR_MAX	 (2 + UNIX_PATH_MAX) /* sizeof(struct sockaddr_un) */
#define UNIX_BUF_DEF	 212992u	     /* Linux's wmem/rmem default */
#define UNIX_BUF_MIN	 4608u
#define UNIX_BUF_MAX	 (4u * 1024 * 1024)
#define UNIX_DGRAM_QLEN	 512 /* net.unix.max_dgram_qlen */
#define UNIX_SKB_MAX	 (64u * 1024) /* one stream queue entry at most */
#define SCM_MAX_FD	 253

/* shut bits: what this end can no longer do */
#define UNIX_SHUT_RCV  1
#define UNIX_SHUT_SEND 2

enum unix_state {
	UNIX_UNCONN,
	UNIX_LISTEN,
	UNIX_CONNECTED,
};

/* one queued message (dgram/seqpacket) or piece of the stream */
struct unix_skb {
	struct unix_skb *next;
	u32 len, off;	     /* data bytes, bytes already read (stream) */
	u32 addrlen;	     /* sender's name (dgram) */
	u8 addr[UNIX_ADDR_MAX];
	int nfds;	     /* SCM_RIGHTS: files in flight */
	struct file **fds;
	struct unix_sock *embryo; /* accept queue entry: the server end */
	u8 data[];
};

struct unix_sock {
	u32 refs;
	int type;
	enum unix_state state;
	bool dead;	    /* its socket is closed */
	u8 shut;	    /* UNIX_SHUT_* */
	int err;	    /* SO_ERROR, cleared when read */
	struct socket *sock; /* NULL once closed, or while an embryo */
	struct unix_sock *peer; /* connected peer / dgram default target */
	/* receive queue (for a listener: the accept queue of embryos) */
	struct unix_skb *q_head, *q_tail;
	u64 q_bytes;
	u32 q_count;
	int backlog;
	u32 sndbuf, rcvbuf;
	u32 optflags;	    /* bit n: SOL_SOCKET int option n is on */
	/* bound name: the sockaddr as getsockname returns it, and the name
	 * table key (absolute path, or the abstract bytes after the NUL) */
	u32 addrlen;
	u8 addr[UNIX_ADDR_MAX];
	char *key;
	u32 keylen;
	struct unix_sock *next_bound;
	/* rd: data, EOF, errors, connections to accept; wr: this end's own
	 * write state (shutdown, peer gone); space: room freed in this end's
	 * queue (writers to it wait here) */
	struct poll_head rd, wr, space;
};

struct unix_sock *unix_sk(struct socket *s);
void unix_get(struct unix_sock *u);
void unix_put(struct unix_sock *u);
void unix_wake_all(struct unix_sock *u);
/* the queue */
void unix_queue(struct unix_sock *u, struct unix_skb *skb);
struct unix_skb *unix_dequeue(struct unix_sock *u);
void unix_skb_free(struct unix_skb *skb);
void unix_purge(struct unix_sock *u);
/* net/sock_unix_name.c: a datagram's or a connect's target by name: a
 * reference, or -ECONNREFUSED/-ENOENT/-EPROTOTYPE/-EINVAL */
int unix_find(const u8 *addr, u32 len, int type, struct unix_sock **out);
int unix_bind(struct socket *s, const void *addr, u32 len);
/* the socket is closing: its name leaves the table */
void unix_name_release(struct unix_sock *u);

/* net/sock_unix_msg.c */
s64 unix_sendmsg(struct socket *s, struct sock_msg *m, int flags);
s64 unix_recvmsg(struct socket *s, struct sock_msg *m, int flags);

#endif
