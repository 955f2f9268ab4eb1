/*
 * fs/proc.h - private interface of the /proc and /sys implementation
 * (fs/proc.c, fs/proc_self.c, fs/proc_sys.c): the render buffer, its
 * helpers and the render functions the node table names.
 * Layer: fs. Included only by fs/proc*.c.
 */
#ifndef FS_PROC_H
#define FS_PROC_H

#include "fs/vfs.h"

#define PROC_DEV_ROOTFS_MAJOR 8
#define PROC_DEV_ROOTFS_MINOR 1
#define PROC_USER_HZ 100
#define PROC_ARGS_MAX (128 * 1024) /* cmdline/environ rendered at most */

struct thread;

/* a growing kernel buffer; nomem set once an allocation failed */
struct proc_buf {
	char *p;
	u64 len, cap;
	bool nomem;
};

bool proc_grow(struct proc_buf *b, u64 need);
void proc_put(struct proc_buf *b, const void *s, u64 n);
void proc_puts(struct proc_buf *b, const char *s);
void proc_printf(struct proc_buf *b, const char *fmt, ...) PRINTF_LIKE(2, 3);
/* user memory [start, end) (at most PROC_ARGS_MAX bytes) */
void proc_put_user(struct proc_buf *b, u64 start, u64 end);
/* a user thread by tid; 0: the process (the main thread, or any left) */
struct thread *proc_thread(int tid);
bool proc_user_thread(const struct thread *t);
/* a CPU mask as Linux's list format: "0", "0-3", "0,2-3" (no newline) */
void proc_cpu_list(struct proc_buf *b, u64 mask);

/* the files' contents for thread tid (0: the process) */
void render_maps(struct proc_buf *b, int tid);
void render_stat(struct proc_buf *b, int tid);
void render_status(struct proc_buf *b, int tid);
void render_statm(struct proc_buf *b, int tid);
void render_comm(struct proc_buf *b, int tid);
void render_cmdline(struct proc_buf *b, int tid);
void render_environ(struct proc_buf *b, int tid);
void render_auxv(struct proc_buf *b, int tid);
void render_mounts(struct proc_buf *b, int tid);
void render_mountinfo(struct proc_buf *b, int tid);
void render_meminfo(struct proc_buf *b, int tid);
void render_cpuinfo(struct proc_buf *b, int tid);
void render_pstat(struct proc_buf *b, int tid);
void render_uptime(struct proc_buf *b, int tid);
void render_loadavg(struct proc_buf *b, int tid);
void render_version(struct proc_buf *b, int tid);
void render_uuid(struct proc_buf *b, int tid);
void render_boot_id(struct proc_buf *b, int tid);
void render_cpus(struct proc_buf *b, int tid);
void render_resolv(struct proc_buf *b, int tid);

#endif
