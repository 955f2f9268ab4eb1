/*
 * fs/pagecache.c - the page cache of rootfs files. Each file that is read,
 * written or mapped gets a struct pc_file (found by its TFS tuple) holding
 * the length programs see and its 4 KiB pages (struct pc_page: a page
 * from the page allocator, found by (file, index) and by physical
 * address). Reads fill missing pages in clusters (one tfs_file_read into
 * a bounce buffer); writes copy into pages and mark them dirty. Nothing
 * reaches the disk until writeback: runs of dirty pages are copied into
 * the bounce buffer and written with tfs_file_write (lib/tfs_file.c), which
 * writes the data sectors first and only then queues the records that
 * point at them, so the log ordering (data before the record) holds and
 * a crash never shows a record whose data is missing. Writeback happens
 * on fsync/fdatasync/sync/syncfs/msync (then fs_sync writes the log), from
 * the writeback thread (woken by a kernel timer, kernel/timer.c, armed
 * PC_DIRTY_AGE_NS after a file's first dirty page or a metadata change,
 * so an idle VM has no wakeups; or by memory pressure), when the dirty
 * limit is reached, before ENOSPC is reported, and at exit.
 *
 * Space: a dirty page that no extent covers yet needs sectors at
 * writeback; they are reserved at write time (pc_reserved), so write()
 * reports ENOSPC like Linux instead of a later fsync.
 * Memory: clean pages that no mapping uses sit on an LRU list; the page
 * allocator calls pagecache_reclaim (page_set_reclaim) when it runs out,
 * and cache growth evicts first when free memory is low.
 * Shared mappings: kernel/mm maps the cache pages themselves (PTE bit
 * PTE_SW_SHARED); the first write fault marks a page dirty and makes the
 * PTE writable, writeback write-protects it again (uvm_shared_wrprotect).
 *
 * Locking: one CPU runs the kernel with interrupts off; the cache takes
 * its own sleeping lock (pc_lock) around every operation so the
 * writeback thread and a program thread never interleave once device
 * waits block. The reclaim hook runs from the page allocator (possibly
 * inside an interrupt during a device wait) and only unlinks clean,
 * unpinned, unmapped pages, which no operation holds across a wait.
 * Layer: fs. Callers: see fs/pagecache.h.
 */
#include "fs/pagecache_int.h"
#include "fs/vfs.h"
#include "kernel/mm/mm.h"
#include "kernel/sched.h"
#include "kernel/thread.h"
#include "kernel/timer.h"
#include "lib/tfs.h"
#include "lib/tfs_file.h"
#include "lib/value.h"

struct tfs *pc_fs;
bool pc_writable;
struct pc_page **pc_hash, **pc_phash;
struct pc_file **pc_fhash;
u32 pc_hash_bits, pc_fhash_bits, pc_bounce_pages;
struct pc_page pc_lru; /* list head: lnext = coldest */
struct pc_file pc_dirty_files;
u8 *pc_bounce;
u64 pc_npages, pc_ndirty, pc_reserved, pc_written;
u64 pc_dirty_limit, pc_low_water;
bool pc_locked, pc_pressure;
struct wait_queue pc_waitq;
struct thread *pc_flusher;
bool pc_flusher_idle;
struct ktimer pc_timer;
u64 pc_last_flush_ns;
u64 pc_flush_runs, pc_flush_ns, pc_flush_sync_ns, pc_balance_ns;


/* ---- lock ---- */

/* recursive: the holder may come back in (fs_sync from a writeback,
 * the page cache from a VFS change) */
static struct thread *pc_owner;
static u32 pc_depth;

void pc_lock(void)
{
	struct thread *me = current();

	if (pc_locked && pc_owner == me) {
		pc_depth++;
		return;
	}
	while (pc_locked)
		waitq_wait(&pc_waitq, 0, false);
	pc_locked = true;
	pc_owner = me;
	pc_depth = 1;
}

void pc_unlock(void)
{
	if (--pc_depth)
		return;
	pc_locked = false;
	pc_owner = NULL;
	waitq_wake(&pc_waitq, 1);
}

void pagecache_lock(void)
{
	pc_lock();
}

void pagecache_unlock(void)
{
	pc_unlock();
}

/* exit: write everything back even if a thread that will never run again
 * holds the lock (waits up to 2 s for a holder that is still running) */
int pagecache_shutdown(void)
{
	u64 deadline = clock_now_ns() + 2000000000ULL;
	int err;

	if (!pc_writable)
		return 0;
	while (pc_locked && pc_owner != current() && clock_now_ns() < deadline)
		if (waitq_wait(&pc_waitq, deadline, false) == -ETIMEDOUT)
			break;
	if (pc_locked && pc_owner != current())
		klog("pagecache: exit with the cache lock held by another thread");
	pc_locked = true;
	pc_owner = current();
	pc_depth = 1;
	err = pc_writeback_all();
	pc_unlock();
	return err;
}

/* ---- lookup ---- */

static u32 pc_hash_of(const struct pc_file *f, u64 index)
{
	u64 h = ((u64)(uintptr_t)f >> 4) ^ (index * 0x9e3779b97f4a7c15ULL);

	return (u32)((h ^ (h >> 29)) & ((1u << pc_hash_bits) - 1));
}

static u32 pc_phash_of(u64 phys)
{
	u64 h = (phys >> 12) * 0x9e3779b97f4a7c15ULL;

	return (u32)(h >> (64 - pc_hash_bits));
}

static u32 pc_fhash_of(const struct value *node)
{
	u64 h = ((u64)(uintptr_t)node >> 4) * 0x9e3779b97f4a7c15ULL;

	return (u32)(h >> (64 - pc_fhash_bits));
}

struct pc_file *pc_file_find(const struct value *node)
{
	for (struct pc_file *f = pc_fhash[pc_fhash_of(node)]; f; f = f->hnext)
		if (f->node == node)
			return f;
	return NULL;
}

struct pc_file *pc_file_get(struct value *node)
{
	struct pc_file *f = pc_file_find(node);
	u32 h;

	if (f)
		return f;
	f = kzalloc(sizeof(*f));
	if (!f)
		return NULL;
	f->node = node;
	f->size = tfs_file_length(node);
	h = pc_fhash_of(node);
	f->hnext = pc_fhash[h];
	pc_fhash[h] = f;
	return f;
}

static void pc_file_unhash(struct pc_file *f)
{
	struct pc_file **pp = &pc_fhash[pc_fhash_of(f->node)];

	while (*pp && *pp != f)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = f->hnext;
	f->hnext = NULL;
}

struct pc_page *pc_find(const struct pc_file *f, u64 index)
{
	for (struct pc_page *p = pc_hash[pc_hash_of(f, index)]; p; p = p->hnext)
		if (p->file == f && p->index == index)
			return p;
	return NULL;
}

struct pc_page *pc_find_phys(u64 phys)
{
	for (struct pc_page *p = pc_phash[pc_phash_of(phys)]; p; p = p->pnext)
		if (p->phys == phys)
			return p;
	return NULL;
}

void *pc_data(const struct pc_page *p)
{
	return phys_to_virt(p->phys);
}

/* ---- LRU and dirty lists ---- */

static void lru_del(struct pc_page *p)
{
	if (!p->on_lru)
		return;
	p->lprev->lnext = p->lnext;
	p->lnext->lprev = p->lprev;
	p->on_lru = false;
}

/* a page is on the LRU exactly when it could be evicted */
void lru_update(struct pc_page *p)
{
	lru_del(p);
	if (p->dirty || p->mapcount || p->pins)
		return;
	p->lprev = pc_lru.lprev;
	p->lnext = &pc_lru;
	pc_lru.lprev->lnext = p;
	pc_lru.lprev = p;
	p->on_lru = true;
}

void dirty_file_del(struct pc_file *f)
{
	if (!f->on_dirty)
		return;
	f->dprev->dnext = f->dnext;
	f->dnext->dprev = f->dprev;
	f->on_dirty = false;
}

/* to the tail of the dirty list (written last), as if dirtied now */
void dirty_file_requeue(struct pc_file *f)
{
	dirty_file_del(f);
	f->dirty_since = clock_now_ns();
	f->dprev = pc_dirty_files.dprev;
	f->dnext = &pc_dirty_files;
	pc_dirty_files.dprev->dnext = f;
	pc_dirty_files.dprev = f;
	f->on_dirty = true;
}

void page_set_dirty(struct pc_page *p)
{
	struct pc_file *f = p->file;

	if (p->dirty)
		return;
	p->dirty = true;
	lru_del(p);
	pc_ndirty++;
	if (f->ndirty++ == 0) {
		f->dirty_since = clock_now_ns();
		if (pc_flusher && !pc_timer.armed)
			ktimer_arm(&pc_timer, f->dirty_since + PC_DIRTY_AGE_NS);
		f->dprev = pc_dirty_files.dprev;
		f->dnext = &pc_dirty_files;
		pc_dirty_files.dprev->dnext = f;
		pc_dirty_files.dprev = f;
		f->on_dirty = true;
	}
}

void page_set_clean(struct pc_page *p)
{
	if (!p->dirty)
		return;
	p->dirty = false;
	pc_ndirty--;
	if (p->reserved) {
		p->reserved = false;
		pc_reserved -= 8;
	}
	if (--p->file->ndirty == 0)
		dirty_file_del(p->file);
	lru_update(p);
}

/* ---- page life ---- */

static void pc_page_unlink(struct pc_page *p)
{
	struct pc_file *f = p->file;
	struct pc_page **pp;

	page_set_clean(p);
	lru_del(p);
	for (pp = &pc_hash[pc_hash_of(f, p->index)]; *pp != p; pp = &(*pp)->hnext)
		;
	*pp = p->hnext;
	for (pp = &pc_phash[pc_phash_of(p->phys)]; *pp != p; pp = &(*pp)->pnext)
		;
	*pp = p->pnext;
	if (p->fprev)
		p->fprev->fnext = p->fnext;
	else
		f->pages = p->fnext;
	if (p->fnext)
		p->fnext->fprev = p->fprev;
	f->npages--;
	pc_npages--;
}

void pc_page_free(struct pc_page *p)
{
	pc_page_unlink(p);
	page_free(p->phys, 0);
	kfree(p);
}

/* evict up to want clean, unmapped, unpinned pages (coldest first) */
static u64 pc_evict(u64 want)
{
	u64 n = 0;

	while (n < want && pc_lru.lnext != &pc_lru) {
		struct pc_page *p = pc_lru.lnext;

		pc_page_free(p);
		n++;
	}
	return n;
}

/* the page allocator ran out: give back clean pages; with too few, ask
 * the writeback thread to clean some */
static u64 pagecache_reclaim(u64 want)
{
	u64 n = pc_evict(MAX(want, (u64)64));

	if (n < want && pc_ndirty) {
		pc_pressure = true;
		if (pc_flusher && pc_flusher_idle)
			sched_wake(pc_flusher);
	}
	return n;
}

/* a new page of f at index (zeroed unless the caller fills all of it),
 * inserted; NULL on ENOMEM */
static struct pc_page *pc_page_new(struct pc_file *f, u64 index, bool zero)
{
	struct pc_page *p;
	u64 phys;
	u32 h;

	if (mm_free_pages() < pc_low_water)
		pc_evict(64);
	p = kzalloc(sizeof(*p));
	if (!p)
		return NULL;
	phys = zero ? page_alloc(0) : page_alloc_raw(0);
	if (!phys) {
		kfree(p);
		return NULL;
	}
	p->file = f;
	p->index = index;
	p->phys = phys;
	h = pc_hash_of(f, index);
	p->hnext = pc_hash[h];
	pc_hash[h] = p;
	h = pc_phash_of(phys);
	p->pnext = pc_phash[h];
	pc_phash[h] = p;
	p->fnext = f->pages;
	if (f->pages)
		f->pages->fprev = p;
	f->pages = p;
	f->npages++;
	pc_npages++;
	lru_update(p);
	return p;
}

/* ---- filling pages ---- */

/* bring pages [index, ...) of f in: a cluster of missing pages read with
 * one tfs_file_read (bytes past the disk's length stay zero); want =
 * pages the caller will use. Returns the page at index, pinned. */
struct pc_page *pc_fill(struct pc_file *f, u64 index, u64 want, int *err)
{
	struct pc_page *p = pc_find(f, index);
	u64 disk_len, n, i, start, end;
	s64 got = 0;

	*err = 0;
	if (p) {
		p->pins++;
		lru_update(p);
		return p;
	}
	disk_len = f->node && !f->gone ? tfs_file_length(f->node) : 0;
	start = index * PAGE_SIZE;
	/* the cluster: what the caller wants (at least PC_READ_MIN pages of
	 * read-ahead), up to the end of the file; pages already cached in it
	 * are read again but kept as they are (they may be dirty) */
	end = (MAX(f->size, disk_len) + PAGE_SIZE - 1) / PAGE_SIZE;
	n = MIN(MAX(want, (u64)PC_READ_MIN), (u64)pc_bounce_pages);
	n = end > index ? MIN(n, end - index) : 1;
	/* room for the whole cluster first (clean pages, coldest first) */
	if (mm_free_pages() < n + pc_low_water)
		pc_evict(n + pc_low_water - mm_free_pages());
	if (start < disk_len) {
		u64 len = MIN(n * PAGE_SIZE, disk_len - start);

		got = tfs_file_read(pc_fs, f->node, pc_bounce, start, len);
		if (got < 0) {
			*err = (int)got;
			return NULL;
		}
	}
	for (i = 0; i < n; i++) {
		struct pc_page *q;
		u64 have = (u64)got > i * PAGE_SIZE ? (u64)got - i * PAGE_SIZE : 0;

		if (i && pc_find(f, index + i))
			continue;
		q = pc_page_new(f, index + i, false);
		if (!q) {
			if (!i) {
				*err = -ENOMEM;
				return NULL;
			}
			break;
		}
		have = MIN(have, PAGE_SIZE);
		memcpy(pc_data(q), pc_bounce + i * PAGE_SIZE, have);
		memset((u8 *)pc_data(q) + have, 0, PAGE_SIZE - have);
		if (!i) {
			p = q;
			p->pins++;
			lru_update(p);
		}
	}
	return p;
}

void pc_unpin(struct pc_page *p)
{
	p->pins--;
	lru_update(p);
}

/* ---- read / write ---- */

s64 pagecache_read(struct value *file, void *buf, u64 off, u64 len)
{
	struct pc_file *f;
	u8 *out = buf;
	u64 done = 0;
	int err = 0;

	pc_lock();
	f = pc_file_get(file);
	if (!f) {
		pc_unlock();
		return -ENOMEM;
	}
	if (off >= f->size) {
		pc_unlock();
		return 0;
	}
	len = MIN(len, f->size - off);
	while (done < len) {
		u64 pos = off + done, index = pos / PAGE_SIZE, in = pos % PAGE_SIZE;
		u64 n = MIN(len - done, PAGE_SIZE - in);
		u64 want = (len - done + in + PAGE_SIZE - 1) / PAGE_SIZE;
		struct pc_page *p = pc_fill(f, index, want, &err);

		if (!p)
			break;
		memcpy(out + done, (u8 *)pc_data(p) + in, n);
		pc_unpin(p);
		done += n;
	}
	pc_unlock();
	return done ? (s64)done : err;
}

/* does an extent hold every sector of page index? (then writeback
 * overwrites in place and needs no new sectors) */
bool pc_backed(struct pc_file *f, u64 index)
{
	u64 start = index * PAGE_SIZE;

	if (start >= tfs_file_length(f->node))
		return false;
	return tfs_file_covered(pc_fs, f->node, start, PAGE_SIZE);
}

/* room for one more unbacked dirty page, writing back (and syncing, so
 * removed files' sectors are free) before saying no. The free count is
 * looked up again only when the room known at the last look (less a
 * margin for log extensions) is used up. */
#define PC_ROOM_MARGIN 4096 /* sectors: two log extensions */
static u64 pc_room;

int pc_reserve(void)
{
	u64 free;

	if (pc_room >= 8) {
		pc_room -= 8;
		return 0;
	}
	free = tfs_free_sectors(pc_fs);
	if (free >= pc_reserved + 8 + PC_ROOM_MARGIN) {
		pc_room = free - pc_reserved - 8 - PC_ROOM_MARGIN;
		return 0;
	}
	if (free >= pc_reserved + 8)
		return 0;
	pc_writeback_all();
	if (tfs_free_sectors(pc_fs) >= pc_reserved + 8)
		return 0;
	fs_sync();
	return tfs_free_sectors(pc_fs) >= pc_reserved + 8 ? 0 : -ENOSPC;
}

/* space was freed or taken outside the reservations: look again */
void pc_room_reset(void)
{
	pc_room = 0;
}

/* page index of f ready for a write of [in, in+n): existing, or filled
 * from the disk when the write covers it only partly; pinned */
static struct pc_page *pc_page_for_write(struct pc_file *f, u64 index, u64 in, u64 n, u64 want,
					 int *err)
{
	struct pc_page *p = pc_find(f, index);
	u64 disk_len = tfs_file_length(f->node);

	*err = 0;
	if (p) {
		p->pins++;
		lru_update(p);
		return p;
	}
	if ((in == 0 && n == PAGE_SIZE) || index * PAGE_SIZE >= disk_len) {
		/* the write fills a whole page: no zeroing */
		p = pc_page_new(f, index, !(in == 0 && n == PAGE_SIZE));
		if (!p) {
			*err = -ENOMEM;
			return NULL;
		}
		p->pins++;
		lru_update(p);
		return p;
	}
	return pc_fill(f, index, want, err);
}

s64 pagecache_write(struct value *file, const void *buf, u64 off, u64 len)
{
	const u8 *in_buf = buf;
	struct pc_file *f;
	u64 done = 0;
	int err = 0;

	if (off > ((u64)1 << 62) || len > ((u64)1 << 62) - off)
		return -EFBIG;
	pc_lock();
	f = pc_file_get(file);
	if (!f) {
		pc_unlock();
		return -ENOMEM;
	}
	while (done < len) {
		u64 pos = off + done, index = pos / PAGE_SIZE, in = pos % PAGE_SIZE;
		u64 n = MIN(len - done, PAGE_SIZE - in);
		u64 want = (len - done + in + PAGE_SIZE - 1) / PAGE_SIZE;
		struct pc_page *p;

		if (pc_ndirty >= pc_dirty_limit) {
			u64 t0 = clock_now_ns();

			err = pc_balance();
			pc_balance_ns += clock_now_ns() - t0;
			if (err)
				break;
		}
		p = pc_page_for_write(f, index, in, n, want, &err);
		if (!p)
			break;
		if (!p->dirty && !pc_backed(f, index)) {
			err = pc_reserve();
			if (err) {
				pc_unpin(p);
				break;
			}
			p->reserved = true;
			pc_reserved += 8;
		}
		memcpy((u8 *)pc_data(p) + in, in_buf + done, n);
		page_set_dirty(p);
		pc_unpin(p);
		done += n;
		if (pos + n > f->size)
			f->size = pos + n;
	}
	pc_unlock();
	if (pc_ndirty > pc_dirty_limit / 2 && pc_flusher && pc_flusher_idle)
		sched_wake(pc_flusher);
	return done ? (s64)done : err;
}

u64 pagecache_size(const struct value *file)
{
	const struct pc_file *f = pc_file_find(file);

	return f ? f->size : tfs_file_length(file);
}

/* drop (or, when mapped, zero) the cached bytes [from, to) of f */
static void pc_drop_range(struct pc_file *f, u64 from, u64 to)
{
	struct pc_page *p, *next;

	if (from >= to)
		return;
	for (p = f->pages; p; p = next) {
		u64 ps = p->index * PAGE_SIZE, pe = ps + PAGE_SIZE;

		next = p->fnext;
		if (pe <= from || ps >= to)
			continue;
		if (ps >= from && pe <= to && !p->pins) {
			if (p->mapcount)
				uvm_shared_zap(f, p->index, 1);
			if (!p->mapcount) {
				pc_page_free(p);
				continue;
			}
		}
		memset((u8 *)pc_data(p) + (MAX(ps, from) - ps), 0, MIN(pe, to) - MAX(ps, from));
	}
}

int pagecache_truncate(struct value *file, u64 len)
{
	struct pc_file *f;
	int err;

	pc_lock();
	f = pc_file_find(file);
	if (f && len < f->size) /* whole pages past the end go; the last page's tail is zero */
		pc_drop_range(f, len, ALIGN_UP(f->size, PAGE_SIZE));
	else if (f) /* growing: the old last page's bytes past the end read as zeros */
		pc_drop_range(f, f->size, MIN(len, ALIGN_UP(f->size, PAGE_SIZE)));
	err = vfs_data_truncate(file, len);
	if (!err && f)
		f->size = len;
	pc_unlock();
	return err;
}

int pagecache_settle(struct value *file)
{
	struct pc_file *f;
	int err = 0;

	pc_lock();
	pc_room_reset(); /* fallocate takes sectors outside the reservations */
	f = pc_file_find(file);
	if (f) {
		err = pc_writeback_file(f);
		if (!err)
			f->size = tfs_file_length(file);
	}
	pc_unlock();
	return err;
}

int pagecache_punch(struct value *file, u64 off, u64 len)
{
	struct pc_file *f;
	u64 end;
	int err = 0;

	pc_lock();
	f = pc_file_find(file);
	if (f) {
		/* the disk gets the file's data first, so the hole is cut in
		 * what the cache holds */
		err = pc_writeback_file(f);
		end = len > f->size - MIN(off, f->size) ? f->size : off + len;
		if (!err && off < end)
			pc_drop_range(f, off, end);
	}
	if (!err)
		err = vfs_data_punch(file, off, len);
	pc_unlock();
	return err;
}

void pagecache_node_gone(struct value *file)
{
	struct pc_file *f;
	struct pc_page *p, *next;
	int err;

	pc_lock();
	f = pc_file_find(file);
	if (!f) {
		pc_unlock();
		return;
	}
	if (f->refs) {
		/* mapped: read in what is missing so the mapping keeps every
		 * byte, then forget the node (its sectors will be reused) */
		for (u64 i = 0; i * PAGE_SIZE < f->size; i++) {
			p = pc_fill(f, i, 1, &err);
			if (!p)
				break;
			pc_unpin(p);
		}
	}
	for (p = f->pages; p; p = next) {
		next = p->fnext;
		page_set_clean(p);
		if (!p->mapcount && !p->pins)
			pc_page_free(p);
	}
	dirty_file_del(f);
	pc_file_unhash(f);
	f->gone = true;
	f->node = NULL;
	if (!f->refs && !f->pages)
		kfree(f);
	pc_unlock();
}

/* a power-of-two block of whole pages (zeroed if asked), kept for good */
static void *pc_table_alloc(u64 bytes, bool zero)
{
	unsigned order = 0;
	u64 phys;

	while ((PAGE_SIZE << order) < bytes)
		order++;
	phys = zero ? page_alloc(order) : page_alloc_raw(order);
	return phys ? phys_to_virt(phys) : NULL;
}

int pagecache_init(struct tfs *fs, bool writable)
{
	pc_fs = fs;
	pc_writable = writable;
	pc_lru.lnext = pc_lru.lprev = &pc_lru;
	pc_dirty_files.dnext = pc_dirty_files.dprev = &pc_dirty_files;
	waitq_init(&pc_waitq);
	/* a page bucket per 4 pages of RAM, a file bucket per 16; whole
	 * page blocks (no heap header), so a boot touches as little RAM as
	 * it can: the host backs guest RAM in 2 MiB pages */
	for (pc_hash_bits = 8;
	     pc_hash_bits < PC_HASH_BITS_MAX && (4ULL << pc_hash_bits) < mm_total_pages();)
		pc_hash_bits++;
	pc_fhash_bits = MIN(pc_hash_bits - 2, (u32)PC_FHASH_BITS_MAX);
	pc_bounce_pages = (u32)MIN(MAX(mm_total_pages() / 64, (u64)PC_READ_MIN),
				   (u64)PC_BOUNCE_PAGES);
	pc_hash = pc_table_alloc(sizeof(*pc_hash) << pc_hash_bits, true);
	pc_phash = pc_table_alloc(sizeof(*pc_phash) << pc_hash_bits, true);
	pc_fhash = pc_table_alloc(sizeof(*pc_fhash) << pc_fhash_bits, true);
	pc_bounce = pc_table_alloc((u64)pc_bounce_pages * PAGE_SIZE, false);
	if (!pc_hash || !pc_phash || !pc_fhash || !pc_bounce)
		return -ENOMEM;
	pc_dirty_limit = MAX(mm_total_pages() / 8, (u64)256);
	pc_low_water = MAX(mm_total_pages() / 32, (u64)256);
	page_set_reclaim(pagecache_reclaim);
	if (writable) {
		pc_flusher = thread_create_kernel(pc_flusher_main, NULL);
		if (pc_flusher) {
			/* any CPU (a kernel thread starts with no CPU allowed),
			 * and not an idle thread: it sleeps on wait queues
			 * (pc_lock, device waits) like any thread */
			pc_flusher->affinity = ~0ULL;
			pc_flusher->idle = false;
			pc_flusher->state = THREAD_BLOCKED;
			pc_flusher_idle = true;
			ktimer_init(&pc_timer, pc_timer_fn, NULL);
		} else {
			kprintf("pagecache: no writeback thread (out of memory): dirty pages "
				"are written at sync and exit only\n");
		}
	}
	pc_last_flush_ns = clock_now_ns();
	return 0;
}
