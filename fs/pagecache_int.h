/*
 * fs/pagecache_int.h - internals shared by the two halves of the page
 * cache: fs/pagecache.c (lookup, lists, filling, read/write, truncate,
 * holes, removal, init) and fs/pagecache_wb.c (writeback, the writeback
 * thread and its timer, shared-mapping hooks for kernel/mm). Not an
 * interface: other code uses fs/pagecache.h.
 * Layer: fs. Callers: fs/pagecache.c, fs/pagecache_wb.c.
 */
#ifndef FS_PAGECACHE_INT_H
#define FS_PAGECACHE_INT_H

#include "fs/pagecache.h"
#include "kernel/timer.h"

struct thread;
struct wait_queue;

/* hash sizes and the bounce buffer scale with RAM (pagecache_init): a
 * page bucket per 4 pages of RAM (up to 2^16), a file bucket per 16 (up
 * to 2^14), 256 bounce pages from 64 MiB on; a few KiB on a 4 MiB VM */
#define PC_HASH_BITS_MAX  16
#define PC_FHASH_BITS_MAX 14
#define PC_BOUNCE_PAGES 256 /* 1 MiB: the largest read cluster and writeback run */
#define PC_READ_MIN    32   /* a miss reads at least 128 KiB ahead */

struct pc_file;

struct pc_page {
	struct pc_page *hnext;		/* (file, index) hash chain */
	struct pc_page *pnext;		/* phys hash chain */
	struct pc_page *fnext, *fprev;	/* the file's pages */
	struct pc_page *lnext, *lprev;	/* LRU (clean and unmapped only) */
	struct pc_file *file;
	u64 index;
	u64 phys;
	u32 mapcount; /* PTEs mapping it */
	u32 pins;     /* held across a wait by an operation */
	bool dirty;
	bool reserved; /* dirty and counted in pc_reserved (no extent yet) */
	bool wmapped;  /* some PTE maps it writable */
	bool on_lru;
};

struct pc_file {
	struct pc_file *hnext;
	struct pc_file *dnext, *dprev; /* dirty files, oldest first */
	struct value *node;	       /* NULL once detached (gone) */
	struct pc_page *pages;
	u64 size;
	u64 npages, ndirty;
	u64 dirty_since; /* when ndirty went 0 -> 1 */
	u32 refs;	 /* shared VMAs */
	bool on_dirty;
	bool gone;
};

extern struct tfs *pc_fs;
extern bool pc_writable;
extern struct pc_page **pc_hash, **pc_phash;
extern struct pc_file **pc_fhash;
extern u32 pc_hash_bits, pc_fhash_bits, pc_bounce_pages;
extern struct pc_page pc_lru;
extern struct pc_file pc_dirty_files;
extern u8 *pc_bounce;
extern u64 pc_npages, pc_ndirty, pc_reserved, pc_written;
extern u64 pc_dirty_limit, pc_low_water;
extern bool pc_locked, pc_pressure;
extern struct wait_queue pc_waitq;
extern struct thread *pc_flusher;
extern bool pc_flusher_idle;
extern struct ktimer pc_timer;
extern u64 pc_last_flush_ns;
extern u64 pc_flush_runs, pc_flush_ns, pc_flush_sync_ns, pc_balance_ns;

void pc_lock(void);
void pc_unlock(void);
struct pc_file *pc_file_find(const struct value *node);
struct pc_file *pc_file_get(struct value *node);
struct pc_page *pc_find(const struct pc_file *f, u64 index);
struct pc_page *pc_find_phys(u64 phys);
void lru_update(struct pc_page *p);
void dirty_file_del(struct pc_file *f);
void dirty_file_requeue(struct pc_file *f);
void page_set_dirty(struct pc_page *p);
void page_set_clean(struct pc_page *p);
void pc_page_free(struct pc_page *p);
struct pc_page *pc_fill(struct pc_file *f, u64 index, u64 want, int *err);
void pc_unpin(struct pc_page *p);
bool pc_backed(struct pc_file *f, u64 index);
int pc_reserve(void);
void pc_room_reset(void);
void *pc_data(const struct pc_page *p);
int pc_writeback_file(struct pc_file *f);
int pc_writeback_all(void);
int pc_balance(void);
void pc_flusher_main(void *arg);
void pc_timer_fn(struct ktimer *t, u64 now_ns);

#endif
