/*
 * fs/vfs.c - open files, the fd table and the cwd of the one process,
 * resolution from a dirfd, open(2) semantics on a read-only rootfs, and
 * the file ops of rootfs files (reads through the TFS core) and of every
 * directory (getdents64 with stable offsets: 0 ".", 1 "..", 2+i entry i).
 * Layer: fs. Callers: sys/sys_file*.c, the ELF loader and mmap (kernel.h:
 * vfs_open, vfs_pread, vfs_size, fd_get, file_put), fs/mount.c.
 */
#include "fs/vfs.h"
#include "fs/pagecache.h"
#include "lib/tfs.h"
#include "lib/value.h"

struct fd_slot {
	struct file *f;
	bool cloexec;
};

static struct fd_slot fds[FD_MAX];
static struct vnode cwd;
static struct tfs *root_fs;
static struct path_fs vfs_pfs;
static bool mounted;

/* ---- files ---- */

struct file *file_alloc(const struct file_ops *ops, const struct vnode *vn,
			const struct vnode *parent, u32 flags)
{
	struct file *f = kzalloc(sizeof(*f));

	if (!f)
		return NULL;
	f->ops = ops;
	f->refs = 1;
	f->flags = flags;
	if (vn)
		f->vn = *vn;
	if (parent)
		f->parent = *parent;
	return f;
}

struct file *file_get(struct file *f)
{
	f->refs++;
	return f;
}

int file_anon_stat(struct file *f, struct kstat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_dev = 13; /* anon_inode-like */
	st->st_ino = ((u64)(uintptr_t)f->priv >> 4) & 0xffffffffu;
	st->st_nlink = 1;
	st->st_mode = 0600;
	st->st_blksize = 4096;
	return 0;
}

void file_put(struct file *f)
{
	if (!f || --f->refs)
		return;
	if (f->ops->close)
		f->ops->close(f);
	kfree(f);
}

int vfs_stat_file(struct file *f, struct kstat *st)
{
	if (f->ops->stat)
		return f->ops->stat(f, st);
	return vnode_stat(&f->vn, st);
}

/* ---- fd table ---- */

int fd_install(struct file *f, bool cloexec, int min_fd)
{
	for (int fd = min_fd < 0 ? 0 : min_fd; fd < FD_MAX; fd++) {
		if (!fds[fd].f) {
			fds[fd].f = f;
			fds[fd].cloexec = cloexec;
			return fd;
		}
	}
	return -EMFILE;
}

struct file *fd_get(int fd)
{
	if (fd < 0 || fd >= FD_MAX || !fds[fd].f)
		return NULL;
	return file_get(fds[fd].f);
}

int fd_close(int fd)
{
	struct file *f;

	if (fd < 0 || fd >= FD_MAX || !fds[fd].f)
		return -EBADF;
	f = fds[fd].f;
	fds[fd].f = NULL;
	fds[fd].cloexec = false;
	file_put(f);
	return 0;
}

int fd_dup(int oldfd, int newfd, bool cloexec, bool exact)
{
	struct file *f = fd_get(oldfd), *old;
	int fd;

	if (!f)
		return -EBADF;
	if (!exact) {
		fd = fd_install(f, cloexec, newfd);
		if (fd < 0)
			file_put(f);
		return fd;
	}
	if (newfd < 0 || newfd >= FD_MAX) {
		file_put(f);
		return -EBADF;
	}
	old = fds[newfd].f;
	fds[newfd].f = f;
	fds[newfd].cloexec = cloexec;
	if (old)
		file_put(old);
	return newfd;
}

int fd_get_cloexec(int fd)
{
	if (fd < 0 || fd >= FD_MAX || !fds[fd].f)
		return -EBADF;
	return fds[fd].cloexec;
}

int fd_set_cloexec(int fd, bool on)
{
	if (fd < 0 || fd >= FD_MAX || !fds[fd].f)
		return -EBADF;
	fds[fd].cloexec = on;
	return 0;
}

int fd_each_open(int start)
{
	for (int fd = start < 0 ? 0 : start; fd < FD_MAX; fd++)
		if (fds[fd].f)
			return fd;
	return -1;
}

/* ---- cwd and resolution ---- */

struct vnode vfs_cwd(void)
{
	return cwd;
}

int vfs_set_cwd(const struct vnode *dir)
{
	if (vnode_type(dir) != PATH_T_DIR)
		return -ENOTDIR;
	cwd = *dir;
	return 0;
}

struct tfs *vfs_tfs(void)
{
	return root_fs;
}

int vfs_lookup_at(int dirfd, const char *path, unsigned flags, struct path_result *out)
{
	struct vnode start;
	int err;

	if (!mounted)
		return -ENOENT;
	if (path[0] == '/' || dirfd == AT_FDCWD) {
		start = cwd;
	} else {
		struct file *f = fd_get(dirfd);

		if (!f)
			return -EBADF;
		start = f->vn;
		file_put(f);
		if (path[0] && vnode_type(&start) != PATH_T_DIR)
			return -ENOTDIR;
	}
	err = path_resolve(&vfs_pfs, vn_to_pn(&start), path, flags, out);
	return err;
}

/* ---- rootfs files ---- */

static s64 tfs_file_pread(struct file *f, void *kbuf, u64 len, u64 off)
{
	if (!len)
		return 0;
	return pagecache_read(f->vn.tfs, kbuf, off, len);
}

static s64 tfs_file_fread(struct file *f, void *kbuf, u64 len)
{
	s64 n = tfs_file_pread(f, kbuf, len, f->pos);

	if (n > 0)
		f->pos += (u64)n;
	return n;
}

static void tfs_file_close(struct file *f)
{
	vfs_file_closing(f);
}

s64 file_seek_to(struct file *f, s64 off, int whence, u64 size)
{
	s64 base;

	switch (whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = (s64)f->pos;
		break;
	case SEEK_END:
		base = (s64)size;
		break;
	default:
		return -EINVAL;
	}
	if ((off > 0 && base > INT64_MAX - off) || base + off < 0)
		return -EINVAL;
	f->pos = (u64)(base + off);
	return (s64)f->pos;
}

static s64 tfs_file_lseek(struct file *f, s64 off, int whence)
{
	u64 size = pagecache_size(f->vn.tfs);

	switch (whence) {
	case SEEK_DATA:
		if (off < 0 || (u64)off >= size)
			return -ENXIO;
		f->pos = (u64)off;
		return off;
	case SEEK_HOLE:
		if (off < 0 || (u64)off >= size)
			return -ENXIO;
		f->pos = size;
		return (s64)size;
	default:
		return file_seek_to(f, off, whence, size);
	}
}

static const struct file_ops tfs_file_ops = {
    .read = tfs_file_fread,
    .write = vfs_file_write,
    .pread = tfs_file_pread,
    .pwrite = vfs_file_pwrite,
    .lseek = tfs_file_lseek,
    .close = tfs_file_close,
};

/* ---- directories (rootfs and synthetic alike) ---- */

struct linux_dirent64 {
	u64 d_ino;
	s64 d_off;
	u16 d_reclen;
	u8 d_type;
	char d_name[];
} PACKED;
_Static_assert(sizeof(struct linux_dirent64) == 19, "linux_dirent64 header");

static u8 dtype_of(const struct vnode *vn)
{
	switch (vnode_mode(vn) & S_IFMT) {
	case S_IFDIR:
		return DT_DIR;
	case S_IFREG:
		return DT_REG;
	case S_IFLNK:
		return DT_LNK;
	case S_IFCHR:
		return DT_CHR;
	default:
		return DT_UNKNOWN;
	}
}

/* a rootfs directory's names as they were at the first getdents (and
 * after a rewind to 0): entry i of the listing is snap->keys[i], looked
 * up again when it is returned (names removed meanwhile are skipped), so
 * a readdir loop that unlinks what it reads sees every entry exactly once
 * (removals move entries inside the children tuple) */
struct dir_snap {
	u32 n;
	const struct symbol *keys[];
};

static struct dir_snap *dir_snapshot(struct file *f)
{
	const struct value *ch = tuple_get(f->vn.tfs, sym("children"));
	u32 n = ch && ch->type == VALUE_TUPLE ? tuple_count(ch) : 0;
	struct dir_snap *s = kmalloc(sizeof(*s) + n * sizeof(s->keys[0]));

	if (!s)
		return NULL;
	s->n = n;
	for (u32 i = 0; i < n; i++)
		s->keys[i] = tuple_at(ch, i)->key;
	return s;
}

/* entry k of a snapshotted directory: as vnode_dirent; entries past the
 * snapshot are the synthetic ones after the tuple's (root: dev proc sys) */
static int dir_snap_dirent(struct file *f, struct dir_snap *s, u64 k, const char **name,
			   size_t *len, struct vnode *child)
{
	const struct value *ch = tuple_get(f->vn.tfs, sym("children"));
	s64 at;

	if (k >= s->n)
		return vnode_dirent(&f->vn, tuple_count(ch) + (k - s->n), name, len, child);
	at = tuple_pos(ch, s->keys[k]);
	if (at < 0)
		return 0; /* removed since: skip */
	return vnode_dirent(&f->vn, (u64)at, name, len, child);
}

static void dir_close(struct file *f)
{
	kfree(f->priv);
	f->priv = NULL;
}

static s64 dir_getdents(struct file *f, void *kbuf, u64 len)
{
	u8 *out = kbuf;
	u64 used = 0;

	if (f->vn.kind == VN_TFS && (f->pos == 0 || !f->priv)) {
		kfree(f->priv);
		f->priv = dir_snapshot(f); /* NULL (no memory): live positions */
	}

	for (;;) {
		const char *name;
		size_t nlen;
		struct vnode child;
		struct linux_dirent64 *d;
		u64 reclen;
		int r;

		if (f->pos == 0) {
			name = ".";
			nlen = 1;
			child = f->vn;
			r = 1;
		} else if (f->pos == 1) {
			name = "..";
			nlen = 2;
			child = vnode_parent(&f->vn);
			r = 1;
		} else {
			r = f->priv ? dir_snap_dirent(f, f->priv, f->pos - 2, &name, &nlen, &child)
				    : vnode_dirent(&f->vn, f->pos - 2, &name, &nlen, &child);
			if (r < 0)
				break; /* end of directory */
			if (r == 0) {
				f->pos++;
				continue;
			}
		}
		reclen = ALIGN_UP(sizeof(*d) + nlen + 1, 8);
		if (used + reclen > len) {
			if (!used)
				return -EINVAL; /* buffer too small for one entry */
			break;
		}
		d = (struct linux_dirent64 *)(out + used);
		d->d_ino = vnode_ino(&child);
		d->d_off = (s64)f->pos + 1;
		d->d_reclen = (u16)reclen;
		d->d_type = dtype_of(&child);
		memcpy(d->d_name, name, nlen);
		memset(d->d_name + nlen, 0, reclen - sizeof(*d) - nlen);
		used += reclen;
		f->pos++;
	}
	return (s64)used;
}

static s64 dir_read(struct file *f, void *kbuf, u64 len)
{
	return -EISDIR;
}

static s64 dir_pread(struct file *f, void *kbuf, u64 len, u64 off)
{
	return -EISDIR;
}

static s64 dir_lseek(struct file *f, s64 off, int whence)
{
	if (whence == SEEK_CUR)
		off += (s64)f->pos;
	else if (whence != SEEK_SET)
		return -EINVAL;
	if (off < 0)
		return -EINVAL;
	f->pos = (u64)off;
	return off;
}

const struct file_ops dir_file_ops = {
    .read = dir_read,
    .pread = dir_pread,
    .lseek = dir_lseek,
    .getdents = dir_getdents,
    .close = dir_close,
};

/* O_PATH: a handle to a node, no I/O */
static s64 path_read(struct file *f, void *kbuf, u64 len)
{
	return -EBADF;
}

static s64 path_write(struct file *f, const void *kbuf, u64 len)
{
	return -EBADF;
}

static s64 path_pread(struct file *f, void *kbuf, u64 len, u64 off)
{
	return -EBADF;
}

static s64 path_pwrite(struct file *f, const void *kbuf, u64 len, u64 off)
{
	return -EBADF;
}

static s64 path_lseek(struct file *f, s64 off, int whence)
{
	return -EBADF;
}

static s64 path_getdents(struct file *f, void *kbuf, u64 len)
{
	return -EBADF;
}

static int path_ioctl(struct file *f, u32 cmd, u64 uarg)
{
	return -EBADF;
}

static const struct file_ops opath_file_ops = {
    .read = path_read,
    .write = path_write,
    .pread = path_pread,
    .pwrite = path_pwrite,
    .lseek = path_lseek,
    .getdents = path_getdents,
    .ioctl = path_ioctl,
};

/* ---- open ---- */

int vfs_openat(int dirfd, const char *path, int flags, u32 mode, struct file **out)
{
	struct path_result r;
	struct vnode vn, parent;
	u32 acc = (u32)flags & O_ACCMODE;
	bool wants_write = acc == O_WRONLY || acc == O_RDWR || (flags & O_TRUNC);
	const struct file_ops *ops;
	bool created = false;
	struct file *f;
	int err;

	*out = NULL;
	if ((flags & O_TMPFILE) == O_TMPFILE) {
		/* an unnamed file in the directory path (fs/write.c) */
		if (acc != O_WRONLY && acc != O_RDWR)
			return -EINVAL;
		err = vfs_tmpfile_at(dirfd, path, &vn, &parent);
		if (err)
			return err;
		flags &= ~O_DIRECTORY;
		created = true;
		r.type = PATH_T_FILE;
		goto opened;
	}
	/* O_CREAT|O_EXCL never follows a final symlink (EEXIST on it) */
	err =
	    vfs_lookup_at(dirfd, path,
			  (flags & O_NOFOLLOW) || (flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL)
			      ? PATH_NOFOLLOW
			      : 0,
			  &r);
	if (err == -ENOENT && (flags & O_CREAT) && !(flags & O_DIRECTORY)) {
		/* a dangling final symlink names the file to create: Linux
		 * creates its target; we refuse (no following on create) */
		err = vfs_create_at(dirfd, path, true, &vn, &parent);
		if (err == -EEXIST && !(flags & O_EXCL))
			err = -ENOENT;
		if (err)
			return err;
		created = true;
		r.type = PATH_T_FILE;
		goto opened;
	}
	if (err)
		return err;
	if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
		return -EEXIST;
	vn = vnode_from_path(r.node);
	parent = vnode_from_path(r.parent);
opened:
	if (flags & O_PATH) {
		if ((flags & O_DIRECTORY) && r.type != PATH_T_DIR)
			return -ENOTDIR;
		ops = &opath_file_ops;
		goto make;
	}
	/* Linux checks O_DIRECTORY before refusing a link (O_NOFOLLOW) */
	if ((flags & O_DIRECTORY) && r.type != PATH_T_DIR)
		return -ENOTDIR;
	if (r.type == PATH_T_SYMLINK)
		return -ELOOP;
	if (r.type == PATH_T_DIR) {
		if (wants_write || (flags & O_CREAT))
			return -EISDIR;
		ops = &dir_file_ops;
	} else if (vn.kind == VN_DEV) {
		ops = dev_table[vn.arg].ops;
	} else if (vn.kind == VN_PROC_NODE) {
		ops = &proc_file_ops; /* contents rendered below (proc_open) */
	} else if (vn.kind == VN_TFS) {
		if (wants_write && !created) {
			err = vfs_write_check(&vn);
			if (err)
				return err;
		}
		if ((flags & O_TRUNC) && !created && pagecache_size(vn.tfs)) {
			err = vfs_truncate(&vn, 0);
			if (err)
				return err;
		}
		ops = &tfs_file_ops;
	} else {
		return -EACCES;
	}
make:
	/* what F_GETFL shows afterwards, as in Linux */
	if (flags & O_PATH)
		flags &= O_PATH | O_DIRECTORY | O_NOFOLLOW;
	else
		flags &= ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC);
	f = file_alloc(ops, &vn, &parent, (u32)flags);
	if (!f)
		return -ENOMEM;
	if (ops == &proc_file_ops) {
		err = proc_open(f, flags);
		if (err) {
			file_put(f);
			return err;
		}
	}
	*out = f;
	return 0;
}

/* ---- kernel.h entry points ---- */

int vfs_open(const char *path, int flags, u32 mode, struct file **out)
{
	return vfs_openat(AT_FDCWD, path, flags, mode, out);
}

s64 vfs_pread(struct file *f, void *kbuf, u64 len, u64 off)
{
	if (!f->ops->pread)
		return -ESPIPE;
	return f->ops->pread(f, kbuf, len, off);
}

u64 vfs_size(struct file *f)
{
	struct kstat st;

	if (vnode_stat(&f->vn, &st))
		return 0;
	return (u64)st.st_size;
}

/* ---- mount ---- */

int vfs_mount_root(struct tfs *fs, struct value *root)
{
	const struct value *c;
	struct path_result r;
	int err;

	root_fs = fs;
	err = vnode_setup(root);
	if (err)
		return err;
	vnode_path_fs(&vfs_pfs);
	cwd = vnode_root();
	mounted = true;
	vnode_set_program();
	console_init_fds();
	/* cwd: from the manifest when it names a directory */
	c = tuple_get_cstr(root, "cwd");
	if (c && c->type == VALUE_STRING) {
		err = vfs_lookup_at(AT_FDCWD, (const char *)c->str.bytes, 0, &r);
		if (err || r.type != PATH_T_DIR)
			kprintf("fs: cwd %s: %s; using /\n", (const char *)c->str.bytes,
				err ? errno_name(err) : "ENOTDIR");
		else
			cwd = vnode_from_path(r.node);
	}
	return 0;
}
