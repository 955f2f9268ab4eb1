/*
 * fs/pagecache.h - the page cache of rootfs files (fs/pagecache.c): file
 * data in 4 KiB pages keyed by (the file's TFS tuple, page index); reads
 * and writes of rootfs files go through it, dirty pages go to the disk
 * through the shared TFS core (tfs_file_write) on fsync/sync/msync, from
 * the writeback thread (a kernel timer PC_DIRTY_AGE_NS after the first
 * dirty page or metadata change, or memory pressure),
 * when the dirty limit is hit, and at exit (fs_shutdown). Shared file
 * mappings map the cache pages themselves (kernel/mm/uvm.c VMA_SHARED).
 * Layer: fs. Callers: fs/vfs.c, fs/write.c, fs/mount.c, fs/node.c (size),
 * sys/sys_mm.c (mmap MAP_SHARED, msync), kernel/mm (faults, unmap).
 */
#ifndef FS_PAGECACHE_H
#define FS_PAGECACHE_H

#include "kernel/kernel.h"

struct value;
struct tfs;

#define PC_DIRTY_AGE_NS (5ULL * 1000000000ULL) /* dirty pages older than this are written */

/* at mount: fs is the rootfs, writable when the disk can be written */
int pagecache_init(struct tfs *fs, bool writable);
/* the filesystem lock (recursive, sleeping): fs/write.c takes it around
 * every change, fs_sync and the cache around theirs */
void pagecache_lock(void);
void pagecache_unlock(void);
/* fs_shutdown: write every dirty page back (taking the lock even from a
 * thread that will never run again) */
int pagecache_shutdown(void);
/* read len bytes at off of file (short at the end); bytes or -errno */
s64 pagecache_read(struct value *file, void *buf, u64 off, u64 len);
/* write len bytes at off into the cache (dirty); bytes or -errno
 * (-ENOSPC when the disk could not hold the new pages, even after
 * writing back) */
s64 pagecache_write(struct value *file, const void *buf, u64 off, u64 len);
/* the file's length as programs see it (the cache may be ahead of the
 * disk) */
u64 pagecache_size(const struct value *file);
/* truncate (shrink or grow): cached pages past the end go, the TFS
 * record is made at once (its sectors are freed after the next sync) */
int pagecache_truncate(struct value *file, u64 len);
/* FALLOC_FL_PUNCH_HOLE: [off, off+len) reads as zeros */
int pagecache_punch(struct value *file, u64 off, u64 len);
/* write back the file's dirty pages (NULL: every file's); the caller
 * then calls fs_sync for the records */
int pagecache_writeback(struct value *file);
/* fallocate and similar: write back and make the cached size the disk's */
int pagecache_settle(struct value *file);
/* the node left the tree for good: drop its pages (mapped ones stay
 * for their mappings, read in first so the mapping keeps its bytes) */
void pagecache_node_gone(struct value *file);
/* mmap MAP_SHARED: a reference to the file's cache object for the VMA
 * (kernel/mm keeps it: vma_shared_get/put); NULL on ENOMEM */
void *pagecache_map_obj(struct value *file);
/* the cache object of a shared mapping, for msync (NULL: not shared) */
struct value *pagecache_obj_file(void *obj);
/* a metadata record was logged: make sure the writeback thread syncs it
 * within PC_DIRTY_AGE_NS */
void pagecache_meta_dirty(void);
/* fs_sync wrote the log (the periodic flush can wait) */
void pagecache_note_sync(void);
/* figures for klog: pages cached / dirty, writebacks */
void pagecache_stats(u64 *cached, u64 *dirty, u64 *written_pages);

#endif
