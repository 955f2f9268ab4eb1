/*
 * fs/vfs.h - the VFS: nodes (struct vnode: a TFS tuple or a synthetic
 * /dev or /proc node), open files (struct file with an ops table), the fd
 * table of the one process, the cwd, path resolution (lib/path.c over
 * vnodes), stat and directory entries.
 * Layer: fs. Callers: sys/sys_file*.c (file syscalls), the ELF loader and
 * mmap (through kernel.h: vfs_open, vfs_pread, vfs_size, fd_get,
 * file_put), fs/mount.c (vfs_mount_root).
 */
#ifndef FS_VFS_H
#define FS_VFS_H

#include "kernel/kernel.h"
#include "lib/path.h"

struct value;
struct tfs;
struct poll_table;

/* ---- Linux ABI values used by the VFS ---- */
#define O_ACCMODE   0003
#define O_RDONLY    00
#define O_WRONLY    01
#define O_RDWR	    02
#define O_CREAT	    0100
#define O_EXCL	    0200
#define O_NOCTTY    0400
#define O_TRUNC	    01000
#define O_APPEND    02000
#define O_NONBLOCK  04000
#define O_DSYNC	    010000
#define O_LARGEFILE 0100000
#define O_DIRECTORY 0200000
#define O_NOFOLLOW  0400000
#define O_NOATIME   01000000
#define O_CLOEXEC   02000000
#define O_SYNC	    04010000
#define O_PATH	    010000000
#define O_TMPFILE   020200000

#define S_IFMT	 0170000
#define S_IFSOCK 0140000
#define S_IFLNK	 0120000
#define S_IFREG	 0100000
#define S_IFBLK	 0060000
#define S_IFDIR	 0040000
#define S_IFCHR	 0020000
#define S_IFIFO	 0010000

#define DT_UNKNOWN 0
#define DT_CHR	   2
#define DT_DIR	   4
#define DT_REG	   8
#define DT_LNK	   10

#define SEEK_SET  0
#define SEEK_CUR  1
#define SEEK_END  2
#define SEEK_DATA 3
#define SEEK_HOLE 4

#define AT_FDCWD	    (-100)
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_REMOVEDIR	    0x200
#define AT_EACCESS	    0x200
#define AT_SYMLINK_FOLLOW   0x400
#define AT_NO_AUTOMOUNT	    0x800
#define AT_EMPTY_PATH	    0x1000
#define AT_STATX_SYNC_TYPE  0x6000

#define FD_MAX 1024 /* RLIMIT_NOFILE as reported by prlimit64 */

/* struct stat, x86-64 */
struct kstat {
	u64 st_dev;
	u64 st_ino;
	u64 st_nlink;
	u32 st_mode;
	u32 st_uid;
	u32 st_gid;
	u32 pad0;
	u64 st_rdev;
	s64 st_size;
	s64 st_blksize;
	s64 st_blocks;
	u64 st_atime_sec;
	u64 st_atime_nsec;
	u64 st_mtime_sec;
	u64 st_mtime_nsec;
	u64 st_ctime_sec;
	u64 st_ctime_nsec;
	s64 unused[3];
};
_Static_assert(sizeof(struct kstat) == 144, "struct stat (x86-64)");

/* ---- nodes ---- */
enum vnode_kind {
	VN_NONE = 0,
	VN_TFS,	      /* tfs: a tuple of the rootfs tree */
	VN_DEV_DIR,   /* /dev */
	VN_DEV,	      /* /dev/<name>: arg = index in the device table */
	VN_PROC_DIR,  /* /proc */
	VN_PROC_SELF, /* /proc/self */
	VN_PROC_LINK, /* /proc/self/{exe,cwd}: arg = which */
	VN_PROC_FDS,  /* /proc/self/fd */
	VN_PROC_FD,   /* /proc/self/fd/<arg> */
	VN_PROC_NODE, /* the rest of /proc and /sys (fs/proc.c): arg = node | tid << 8 */
};

struct vnode {
	u32 kind;
	u32 arg;
	struct value *tfs;
};

bool vnode_eq(const struct vnode *a, const struct vnode *b);
enum path_type vnode_type(const struct vnode *vn);
u32 vnode_mode(const struct vnode *vn); /* S_IF* | permissions */
int vnode_stat(const struct vnode *vn, struct kstat *st);
u64 vnode_ino(const struct vnode *vn);	    /* st_ino, stable for the mount */
s64 vnode_link_len(const struct vnode *vn); /* a symlink's st_size */
/* symlink target into buf[size] (NUL-terminated): length or -errno */
s64 vnode_readlink(const struct vnode *vn, char *buf, size_t size);
/* entry i of a directory ("." and ".." not included): 1 and the entry,
 * 0 for a hole to skip, -ENOENT past the end */
int vnode_dirent(const struct vnode *dir, u64 i, const char **name, size_t *len,
		 struct vnode *child);
struct vnode vnode_parent(const struct vnode *dir);
/* absolute path of vn (parent: the directory it was found in, for
 * non-directories) into buf[size]; length or -ENAMETOOLONG */
s64 vnode_path(const struct vnode *vn, const struct vnode *parent, char *buf, size_t size);
struct vnode vnode_root(void);
/* at mount: symbols, the parent map, the program node */
int vnode_setup(struct value *root);
void vnode_set_program(void); /* after the VFS can resolve paths */
/* what the image has at /etc: nothing (the kernel serves a synthetic /etc
 * holding resolv.conf), a directory without resolv.conf (the kernel adds
 * one; *etc = the directory's tuple), or anything else: a file, a
 * symlink, a directory with resolv.conf (the image wins) */
enum vnode_etc { VN_ETC_NONE, VN_ETC_DIR, VN_ETC_IMAGE };
enum vnode_etc vnode_etc_state(const struct value **etc);
/* lib/path.c glue */
void vnode_path_fs(struct path_fs *fs);
struct path_node vn_to_pn(const struct vnode *vn);
struct vnode vnode_from_path(struct path_node n);

/* ---- open files ---- */
struct file;

/* one user iovec segment (struct iovec) */
struct file_iov {
	u64 base; /* user address */
	u64 len;
};

struct file_ops {
	/* all buffers are kernel buffers; NULL entries get the usual errno */
	s64 (*read)(struct file *f, void *kbuf, u64 len);
	s64 (*write)(struct file *f, const void *kbuf, u64 len);
	s64 (*pread)(struct file *f, void *kbuf, u64 len, u64 off); /* NULL: ESPIPE */
	s64 (*pwrite)(struct file *f, const void *kbuf, u64 len, u64 off);
	s64 (*lseek)(struct file *f, s64 off, int whence);    /* NULL: ESPIPE */
	s64 (*getdents)(struct file *f, void *kbuf, u64 len); /* NULL: ENOTDIR */
	int (*ioctl)(struct file *f, u32 cmd, u64 uarg);      /* NULL: ENOTTY */
	void (*close)(struct file *f);
	/* ready mask (fs/poll.h POLL*), registering on the file's poll
	 * heads through pt; NULL: always readable and writable */
	u32 (*poll)(struct file *f, struct poll_table *pt);
	/* fstat of a file with no node (pipes, eventfds); NULL: the vnode's */
	int (*stat)(struct file *f, struct kstat *st);
	/* read/write/readv/writev in one call on the user's iovecs (array
	 * in kernel memory, ranges checked, total capped); used instead of
	 * read/write by those syscalls when set (sockets: one recvmsg or
	 * sendmsg per call keeps datagram boundaries and does not block
	 * again after a partial read) */
	s64 (*rw_user)(struct file *f, const struct file_iov *iov, int cnt, bool write);
};

struct file {
	const struct file_ops *ops;
	u32 refs;
	u32 flags; /* open flags (O_ACCMODE, O_APPEND, O_NONBLOCK, O_PATH...) */
	u64 pos;
	struct vnode vn;
	struct vnode parent; /* the directory vn was found in */
	void *priv;
};

/* a new file on vn with ops (refs = 1) */
struct file *file_alloc(const struct file_ops *ops, const struct vnode *vn,
			const struct vnode *parent, u32 flags);
struct file *file_get(struct file *f);
/* fstat of an anonymous-inode file (eventfd, timerfd, signalfd, epoll):
 * st_dev 13, st_ino from f->priv, mode 0600 */
int file_anon_stat(struct file *f, struct kstat *st);
/* lseek SEEK_SET/CUR/END on a file of size bytes: the new position, or
 * -EINVAL (other whence values, a negative or overflowing position) */
s64 file_seek_to(struct file *f, s64 off, int whence, u64 size);
/* kernel.h: void file_put(struct file *f); */

/* ---- resolution and open ---- */
/* the node at path (kernel string) relative to dirfd (AT_FDCWD or an
 * open directory); flags PATH_NOFOLLOW */
int vfs_lookup_at(int dirfd, const char *path, unsigned flags, struct path_result *out);
int vfs_openat(int dirfd, const char *path, int flags, u32 mode, struct file **out);
int vfs_stat_file(struct file *f, struct kstat *st);

/* ---- fd table ---- */
int fd_install(struct file *f, bool cloexec, int min_fd); /* fd or -EMFILE */
/* kernel.h: struct file *fd_get(int fd); (a reference, or NULL) */
int fd_close(int fd);
int fd_dup(int oldfd, int newfd, bool cloexec, bool exact); /* dup2/dup3/F_DUPFD */
int fd_get_cloexec(int fd);				    /* 0/1 or -EBADF */
int fd_set_cloexec(int fd, bool on);
int fd_each_open(int start); /* next open fd >= start, or -1 */

/* ---- cwd ---- */
struct vnode vfs_cwd(void);
int vfs_set_cwd(const struct vnode *dir); /* -ENOTDIR if not a directory */

/* ---- mount glue (fs/mount.c -> fs/vfs.c) ---- */
int vfs_mount_root(struct tfs *fs, struct value *root);
struct tfs *vfs_tfs(void);

/* ---- the write path (fs/write.c) ---- */
extern bool vfs_readonly;   /* readonly_rootfs:t */
extern bool vfs_program_rw; /* program_overwrite:t */
bool vnode_is_program(const struct vnode *vn);
/* record dir's parent (a new or moved directory) */
int vnode_pmap_set(const struct value *dir, const struct value *parent);
/* 0 if vn (NULL: the filesystem) may be changed; -EROFS / -EACCES */
int vfs_write_check(const struct vnode *vn);
/* O_CREAT of a missing name: the new empty file (-EEXIST if it exists) */
int vfs_create_at(int dirfd, const char *path, bool excl, struct vnode *vn, struct vnode *parent);
/* O_TMPFILE in the directory at path: a new file with no name (an orphan) */
int vfs_tmpfile_at(int dirfd, const char *path, struct vnode *vn, struct vnode *parent);
s64 vfs_file_write(struct file *f, const void *kbuf, u64 len);
s64 vfs_file_pwrite(struct file *f, const void *kbuf, u64 len, u64 off);
void vfs_file_closing(struct file *f);
int vfs_truncate(const struct vnode *vn, u64 len);
int vfs_fallocate(struct file *f, u64 off, u64 len, bool keep_size);
int vfs_punch_hole(struct file *f, u64 off, u64 len); /* FALLOC_FL_PUNCH_HOLE|KEEP_SIZE */
/* the page cache's way to the TFS core (ENOSPC retried after a sync that
 * frees removed files' sectors) */
int vfs_data_write(struct value *node, const void *kbuf, u64 off, u64 len);
int vfs_data_truncate(struct value *node, u64 len);
int vfs_data_punch(struct value *node, u64 off, u64 len);
int vfs_touch(struct value *node, bool atime_too);
/* times: [0] atime, [1] mtime; set[i] false leaves it */
int vfs_set_times(const struct vnode *vn, const u64 sec[2], const u64 nsec[2], const bool set[2]);
/* write back f's cached data (f NULL: every file's), then fs_sync */
int vfs_sync_file(struct file *f);
int vfs_mkdirat(int dirfd, const char *path);
int vfs_symlinkat(const char *target, int dirfd, const char *path);
int vfs_unlinkat(int dirfd, const char *path, bool rmdir);
int vfs_renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath,
		  unsigned flags);
/* give removed nodes' sectors back (fs_sync, after the log is written) */
void vfs_release_deferred(void);
/* no open file points at a node outside the tree (compaction frees those) */
bool vfs_compact_safe(void);
/* fs/mount.c: write the TFS log (compacting it when mostly obsolete) and
 * flush the disk */
int fs_sync(void);
u64 fs_free_bytes(void);
u64 fs_total_bytes(void);

/* ---- special files (fs/special.c) ---- */
struct dev_entry {
	const char *name;
	u32 mode;	  /* S_IFCHR | 0666, or S_IFLNK | 0777 */
	u32 rdev;	  /* major << 8 | minor */
	const char *link; /* symlink target for S_IFLNK */
	const struct file_ops *ops;
};
extern const struct dev_entry dev_table[];
extern const unsigned dev_count;
void console_init_fds(void); /* fds 0, 1, 2 = one console file */
/* /proc and /sys files and directories (fs/proc.c); node.c and vfs.c call
 * these for VN_PROC_NODE vnodes and for the extra entries of /proc and
 * /proc/self */
enum path_type proc_node_type(const struct vnode *vn);
u32 proc_node_mode(const struct vnode *vn);
s64 proc_readlink(const struct vnode *vn, char *buf, size_t size);
/* entry i of a synthetic directory (VN_PROC_DIR and VN_PROC_SELF: after
 * their fixed entries); vnode_dirent's contract */
int proc_dirent(const struct vnode *dir, u64 i, const char **name, size_t *len,
		struct vnode *child);
struct vnode proc_parent(const struct vnode *dir);
struct vnode proc_sys_root(void); /* /sys */
/* the synthetic /etc (dir) or /etc/resolv.conf: fs/proc.c serves them
 * while the image lacks them (see vnode_etc_state) */
struct vnode proc_etc_node(bool dir);
/* /proc/self/fd/N of a file without a node: "socket:[ino]", "pipe:[ino]",
 * "anon_inode:[...]" as Linux */
s64 proc_fd_link(struct file *f, char *buf, size_t size);
/* open: the file's contents are rendered into a kernel buffer now */
extern const struct file_ops proc_file_ops;
int proc_open(struct file *f, int flags);
/* TFS-backed files and directories (fs/vfs.c) */
extern const struct file_ops dir_file_ops;

#endif
