/*
 * tfs_file.h - writing inside existing TFS files (lib/tfs_file.c): the
 * kernel's write path on top of lib/tfs.h. Changes are logged like
 * tfs_file_append's (tfs_set, another file's change or tfs_flush commits
 * them as EAV records).
 * Layer: lib/. Callers: fs/ (kernel VFS), tests/unit.
 */
#ifndef LIB_TFS_FILE_H
#define LIB_TFS_FILE_H

#include "lib/tfs.h"

/* write len bytes at off (overwrite in place, fill holes, extend); the
 * file length grows to off + len if that is past the end. 0 or -errno
 * (-ENOSPC: some of the bytes may be written, the length is unchanged
 * for the part that failed). */
int tfs_file_write(struct tfs *fs, struct value *file, const void *buf, u64 off, u64 len);
/* fallocate: give every hole in [off, off+len) zeroed sectors; the length
 * grows to off+len unless keep_size (then only [off, EOF) is allocated) */
int tfs_file_allocate(struct tfs *fs, struct value *file, u64 off, u64 len, bool keep_size);
/* FALLOC_FL_PUNCH_HOLE: [off, off+len) reads as zeros afterwards, the
 * length is unchanged; whole sectors inside leave their extents (split
 * when needed, logged), partial sectors are zeroed in place */
int tfs_file_punch(struct tfs *fs, struct value *file, u64 off, u64 len);
/* defer (on) the release of sectors that truncate/punch take from files
 * until tfs_release_pending: the caller (the kernel) calls it after the
 * records are on the disk, so a crash never finds a synced file pointing
 * at sectors another file reused. Off (tools): released at once. */
void tfs_set_defer_release(struct tfs *fs, bool on);
void tfs_release_pending(struct tfs *fs);
/* every sector of [off, off+len) is inside an extent's length (a write
 * there needs no new sectors) */
bool tfs_file_covered(struct tfs *fs, const struct value *file, u64 off, u64 len);
/* records or file changes not yet written by tfs_flush */
bool tfs_needs_flush(const struct tfs *fs);
/* a node left the tree: give its data sectors back to the free map */
void tfs_node_release_space(struct tfs *fs, struct value *node);
/* free sectors on the volume (statfs) */
u64 tfs_free_sectors(const struct tfs *fs);

/* records in the log (read at open + appended) */
u64 tfs_log_record_count(const struct tfs *fs);
/* at least min_records, and over four records per value reachable from
 * the root: the log is mostly obsolete and tfs_compact is worth it */
bool tfs_log_mostly_obsolete(const struct tfs *fs, u64 min_records);

#endif
