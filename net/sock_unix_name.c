/*
 * net/sock_unix_name.c - AF_UNIX names: the kernel name table (bound
 * sockets keyed by absolute path or abstract bytes), bind (EADDRINUSE for
 * a name in the table or a path that exists in the filesystem; autobind
 * for an empty name), the lookup behind connect/sendto (ECONNREFUSED,
 * ENOENT, EPROTOTYPE) and the names of closed sockets (connect to one is
 * refused, as on Linux where the socket file stays).
 * Layer: net. Callers: net/sock_unix.c, net/sock_unix_msg.c.
 */
#include "net/sock_unix.h"
#include "fs/vfs.h"

static struct unix_sock *bound_list; /* the name table */
static u32 autobind_next;

/*
 * Paths of closed sockets. On Linux the socket file stays until unlinked,
 * so connecting to it is refused (not ENOENT); here no file exists, so the
 * name is remembered for connect. A bind on it succeeds (Linux would say
 * EADDRINUSE until an unlink, which here finds no file) and forgets it.
 */
struct unix_stale {
	struct unix_stale *next;
	u32 keylen;
	char key[];
};
static struct unix_stale *stale_list;
static u32 stale_count;
#define UNIX_STALE_MAX 64

static struct unix_stale **stale_find(const char *key, u32 keylen)
{
	struct unix_stale **pp;

	for (pp = &stale_list; *pp; pp = &(*pp)->next)
		if ((*pp)->keylen == keylen && !memcmp((*pp)->key, key, keylen))
			return pp;
	return NULL;
}

static void stale_forget(const char *key, u32 keylen)
{
	struct unix_stale **pp = stale_find(key, keylen), *st;

	if (!pp)
		return;
	st = *pp;
	*pp = st->next;
	stale_count--;
	kfree(st);
}

static void stale_add(const char *key, u32 keylen)
{
	struct unix_stale *st;

	if (stale_find(key, keylen))
		return;
	if (stale_count >= UNIX_STALE_MAX) { /* drop the oldest */
		struct unix_stale **pp = &stale_list;

		while ((*pp)->next)
			pp = &(*pp)->next;
		kfree(*pp);
		*pp = NULL;
		stale_count--;
	}
	st = kmalloc(sizeof(*st) + keylen);
	if (!st)
		return;
	st->keylen = keylen;
	memcpy(st->key, key, keylen);
	st->next = stale_list;
	stale_list = st;
	stale_count++;
}
/* ---- names ---- */

/* the name table key of a sockaddr_un: abstract bytes (after the NUL) or
 * an absolute path; *canon gets the sockaddr as getsockname shows it */
static int unix_key(const u8 *addr, u32 len, char **key, u32 *keylen, u8 *canon, u32 *canonlen)
{
	const char *path = (const char *)addr + 2;
	u32 plen = len - 2;

	if (len < 2 || (addr[0] | addr[1] << 8) != AF_UNIX)
		return -EINVAL;
	if (len > UNIX_ADDR_MAX || len == 2)
		return -EINVAL;
	memcpy(canon, addr, len);
	if (path[0] == 0) { /* abstract: every byte counts */
		*key = kmalloc(plen);
		if (!*key)
			return -ENOMEM;
		memcpy(*key, path, plen);
		*keylen = plen;
		*canonlen = len;
		return 0;
	}
	plen = (u32)strnlen(path, plen);
	canon[2 + plen] = 0;
	*canonlen = 2 + plen + 1;
	{
		char cwd[256];
		s64 clen = 0;
		struct vnode wd;

		if (path[0] != '/') {
			wd = vfs_cwd();
			clen = vnode_path(&wd, NULL, cwd, sizeof(cwd));
			if (clen < 0)
				return (int)clen;
		}
		*key = kmalloc((size_t)clen + 1 + plen + 1);
		if (!*key)
			return -ENOMEM;
		memcpy(*key, cwd, (size_t)clen);
		if (clen && cwd[clen - 1] != '/')
			(*key)[clen++] = '/';
		memcpy(*key + clen, path, plen);
		(*key)[clen + plen] = 0;
		*keylen = (u32)clen + plen;
	}
	return 0;
}

static struct unix_sock *unix_lookup(const char *key, u32 keylen)
{
	for (struct unix_sock *u = bound_list; u; u = u->next_bound)
		if (u->keylen == keylen && !memcmp(u->key, key, keylen))
			return u;
	return NULL;
}

static void unix_unbind(struct unix_sock *u)
{
	for (struct unix_sock **pp = &bound_list; *pp; pp = &(*pp)->next_bound) {
		if (*pp == u) {
			*pp = u->next_bound;
			break;
		}
	}
	u->next_bound = NULL;
}

/* a filesystem path: its directory must exist, the name must not */
static int unix_path_free(const u8 *addr)
{
	char path[UNIX_PATH_MAX + 1];
	struct path_result res;
	char *slash;
	int err;

	memcpy(path, addr + 2, UNIX_PATH_MAX);
	path[UNIX_PATH_MAX] = 0;
	err = vfs_lookup_at(AT_FDCWD, path, PATH_NOFOLLOW, &res);
	if (!err)
		return -EADDRINUSE;
	slash = NULL;
	for (char *c = path; *c; c++)
		if (*c == '/')
			slash = c;
	if (!slash)
		return 0;
	if (slash == path)
		slash++;
	*slash = 0;
	err = vfs_lookup_at(AT_FDCWD, path, 0, &res);
	if (err)
		return err;
	return res.type == PATH_T_DIR ? 0 : -ENOTDIR;
}

static int unix_autobind(struct unix_sock *u)
{
	char name[6];

	for (int tries = 0; tries < 0x100000; tries++) {
		u32 n = autobind_next++ & 0xfffff;

		name[0] = 0;
		for (int i = 0; i < 5; i++)
			name[1 + i] = "0123456789abcdef"[(n >> (16 - 4 * i)) & 0xf];
		if (unix_lookup(name, 6))
			continue;
		u->key = kmalloc(6);
		if (!u->key)
			return -ENOMEM;
		memcpy(u->key, name, 6);
		u->keylen = 6;
		u->addr[0] = AF_UNIX;
		u->addr[1] = 0;
		memcpy(u->addr + 2, name, 6);
		u->addrlen = 8;
		u->next_bound = bound_list;
		bound_list = u;
		return 0;
	}
	return -ENOSPC;
}

int unix_bind(struct socket *s, const void *addr, u32 len)
{
	struct unix_sock *u = unix_sk(s);
	u8 canon[UNIX_ADDR_MAX + 1];
	u32 canonlen, keylen;
	char *key;
	int err;

	if (len < 2 || (((const u8 *)addr)[0] | ((const u8 *)addr)[1] << 8) != AF_UNIX)
		return -EINVAL;
	if (u->key)
		return -EINVAL; /* already bound */
	if (len == 2)
		return unix_autobind(u);
	err = unix_key(addr, len, &key, &keylen, canon, &canonlen);
	if (err)
		return err;
	if (unix_lookup(key, keylen)) {
		err = -EADDRINUSE;
		goto out_free;
	}
	if (canon[2]) {
		err = unix_path_free(canon);
		if (err)
			goto out_free;
		stale_forget(key, keylen);
	}
	u->key = key;
	u->keylen = keylen;
	memcpy(u->addr, canon, canonlen);
	u->addrlen = canonlen;
	u->next_bound = bound_list;
	bound_list = u;
	return 0;

out_free:
	kfree(key);
	return err;
}

int unix_find(const u8 *addr, u32 len, int type, struct unix_sock **out)
{
	u8 canon[UNIX_ADDR_MAX + 1];
	u32 canonlen, keylen;
	struct unix_sock *u;
	char *key;
	int err;

	*out = NULL;
	if (len < 2 || (addr[0] | addr[1] << 8) != AF_UNIX)
		return -EINVAL;
	err = unix_key(addr, len, &key, &keylen, canon, &canonlen);
	if (err)
		return err;
	u = unix_lookup(key, keylen);
	if (!u && stale_find(key, keylen)) {
		kfree(key);
		return -ECONNREFUSED; /* a closed socket's path */
	}
	kfree(key);
	if (!u) {
		struct path_result res;
		char path[UNIX_PATH_MAX + 1];

		if (!canon[2])
			return -ECONNREFUSED; /* abstract: nobody there */
		memcpy(path, canon + 2, UNIX_PATH_MAX);
		path[UNIX_PATH_MAX] = 0;
		/* a path that exists but is no socket: refused, else ENOENT */
		return vfs_lookup_at(AT_FDCWD, path, 0, &res) ? -ENOENT : -ECONNREFUSED;
	}
	if (u->type != type)
		return -EPROTOTYPE;
	unix_get(u);
	*out = u;
	return 0;
}


void unix_name_release(struct unix_sock *u)
{
	if (!u->key)
		return;
	unix_unbind(u);
	if (u->addr[2]) /* a path, not an abstract name */
		stale_add(u->key, u->keylen);
}
