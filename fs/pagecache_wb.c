/*
 * fs/pagecache_wb.c - the page cache's way back to the disk: dirty pages
 * of a file sorted and written in runs of up to 1 MiB with tfs_file_write
 * (through vfs_data_write: data sectors first, then the records that
 * point at them are queued; fs_sync writes them), the dirty limit, the
 * writeback thread (woken by a kernel timer PC_DIRTY_AGE_NS after a
 * file's first dirty page or a metadata change, or by memory pressure),
 * and the hooks kernel/mm calls for MAP_SHARED file mappings (the cache
 * pages are mapped themselves: a write fault dirties the page, writeback
 * write-protects it again). See fs/pagecache.c for the whole design.
 * Layer: fs. Callers: fs/pagecache.c, fs/write.c, fs/mount.c, sys/sys_mm.c,
 * kernel/mm/uvm.c (vma_shared_*).
 */
#include "fs/pagecache_int.h"
#include "fs/vfs.h"
#include "kernel/mm/mm.h"
#include "kernel/sched.h"
#include "kernel/thread.h"
#include "lib/tfs.h"
#include "lib/tfs_file.h"
#include "lib/value.h"

/* ---- writeback ---- */

static int pc_cmp_index(const void *a, const void *b)
{
	u64 x = (*(struct pc_page *const *)a)->index, y = (*(struct pc_page *const *)b)->index;

	return x < y ? -1 : x > y;
}

/* move v[root] down its heap of n entries to where it belongs */
static void pc_sift(struct pc_page **v, u64 root, u64 n)
{
	for (;;) {
		u64 c = 2 * root + 1;
		struct pc_page *t;

		if (c >= n)
			break;
		if (c + 1 < n && pc_cmp_index(&v[c], &v[c + 1]) < 0)
			c++;
		if (pc_cmp_index(&v[root], &v[c]) >= 0)
			break;
		t = v[root];
		v[root] = v[c];
		v[c] = t;
		root = c;
	}
}

/* heapsort: no allocation, n log n */
static void pc_sort(struct pc_page **v, u64 n)
{
	for (u64 k = n; k-- > 0;)
		pc_sift(v, k, n);
	for (u64 end = n; end-- > 1;) {
		struct pc_page *t = v[0];

		v[0] = v[end];
		v[end] = t;
		pc_sift(v, 0, end);
	}
}

/* write pages v[0..n) (consecutive indices, dirty) with one tfs_file_write */
static int pc_write_run(struct pc_file *f, struct pc_page **v, u64 n)
{
	u64 start = v[0]->index * PAGE_SIZE, len;
	int err;

	if (start >= f->size) {
		for (u64 i = 0; i < n; i++)
			page_set_clean(v[i]);
		return 0;
	}
	len = MIN(n * PAGE_SIZE, f->size - start);
	for (u64 i = 0; i < n; i++) {
		if (v[i]->wmapped) {
			uvm_shared_wrprotect(f, v[i]->index, 1);
			v[i]->wmapped = false;
		}
		memcpy(pc_bounce + i * PAGE_SIZE, pc_data(v[i]), PAGE_SIZE);
		v[i]->pins++;
	}
	err = vfs_data_write(f->node, pc_bounce, start, len);
	for (u64 i = 0; i < n; i++) {
		v[i]->pins--;
		if (!err)
			page_set_clean(v[i]);
		else
			lru_update(v[i]);
	}
	if (!err)
		pc_written += n;
	return err;
}

int pc_writeback_file(struct pc_file *f)
{
	struct pc_page **v;
	u64 n = 0, i, run;
	int err = 0;

	if (!f->ndirty)
		goto out_size;
	if (f->gone || !f->node) {
		for (struct pc_page *p = f->pages; p; p = p->fnext)
			page_set_clean(p);
		return 0;
	}
	v = kmalloc(f->ndirty * sizeof(*v));
	if (!v) {
		/* no memory for the sort: one page at a time, from the list
		 * head each time (a write may evict clean pages) */
		while (f->ndirty && !err) {
			struct pc_page *p = f->pages;

			while (!p->dirty)
				p = p->fnext;
			err = pc_write_run(f, &p, 1);
		}
		if (err)
			return err;
		goto out_size;
	}
	for (struct pc_page *p = f->pages; p; p = p->fnext)
		if (p->dirty)
			v[n++] = p;
	pc_sort(v, n);
	for (i = 0; i < n && !err; i += run) {
		for (run = 1; i + run < n && run < pc_bounce_pages &&
			      v[i + run]->index == v[i]->index + run;
		     run++)
			;
		err = pc_write_run(f, v + i, run);
	}
	kfree(v);
	if (err)
		return err;
out_size:
	/* a length the data writes did not reach (ftruncate grow is logged
	 * at once; this covers a last page that was not dirty) */
	if (f->node && !f->gone && f->size > tfs_file_length(f->node))
		err = vfs_data_truncate(f->node, f->size);
	return err;
}

int pc_writeback_all(void)
{
	u64 nfiles = 0;
	int err = 0;

	for (struct pc_file *f = pc_dirty_files.dnext; f != &pc_dirty_files; f = f->dnext)
		nfiles++;
	/* one round: a file that fails goes to the tail and stays dirty */
	while (nfiles-- && pc_dirty_files.dnext != &pc_dirty_files) {
		struct pc_file *f = pc_dirty_files.dnext;
		int e = pc_writeback_file(f);

		if (e) {
			if (!err)
				err = e;
			dirty_file_requeue(f);
		}
	}
	return err;
}

int pagecache_writeback(struct value *file)
{
	struct pc_file *f;
	int err = 0;

	if (!pc_writable)
		return 0;
	pc_lock();
	if (!file) {
		err = pc_writeback_all();
	} else if ((f = pc_file_find(file)) != NULL) {
		err = pc_writeback_file(f);
	}
	pc_unlock();
	return err;
}

/* over the dirty limit: write back the oldest files until under half */
int pc_balance(void)
{
	int err = 0;

	while (pc_ndirty > pc_dirty_limit / 2 && pc_dirty_files.dnext != &pc_dirty_files && !err)
		err = pc_writeback_file(pc_dirty_files.dnext);
	return err;
}

/* ---- shared mappings (kernel/mm/uvm.c calls these) ---- */

void *pagecache_map_obj(struct value *file)
{
	struct pc_file *f;

	pc_lock();
	f = pc_file_get(file);
	if (f)
		f->refs++;
	pc_unlock();
	return f;
}

struct value *pagecache_obj_file(void *obj)
{
	struct pc_file *f = obj;

	return f && !f->gone ? f->node : NULL;
}

void vma_shared_get(void *obj)
{
	((struct pc_file *)obj)->refs++;
}

void vma_shared_put(void *obj)
{
	struct pc_file *f = obj;

	if (--f->refs == 0 && f->gone) {
		struct pc_page *p, *next;

		for (p = f->pages; p; p = next) {
			next = p->fnext;
			if (!p->mapcount && !p->pins)
				pc_page_free(p);
		}
		if (!f->pages)
			kfree(f);
	}
}

int vma_shared_page(void *obj, u64 index, bool write, bool map, u64 *phys)
{
	struct pc_file *f = obj;
	struct pc_page *p;
	int err = 0;

	pc_lock();
	if (index * PAGE_SIZE >= ALIGN_UP(f->size, PAGE_SIZE)) {
		err = -ENXIO; /* past the end of the file: SIGBUS (uvm_fault) */
		goto out;
	}
	p = f->gone ? pc_find(f, index) : pc_fill(f, index, 1, &err);
	if (!p) {
		err = err ? err : -EFAULT;
		goto out;
	}
	if (f->gone)
		p->pins++;
	if (write && !p->dirty && !f->gone) {
		if (!pc_backed(f, index)) {
			err = pc_reserve();
			if (err) {
				pc_unpin(p);
				goto out;
			}
			p->reserved = true;
			pc_reserved += 8;
		}
		page_set_dirty(p);
	}
	if (write)
		p->wmapped = true;
	if (map)
		p->mapcount++;
	*phys = p->phys;
	pc_unpin(p);
out:
	pc_unlock();
	return err;
}

void vma_shared_unmapped(u64 phys)
{
	struct pc_page *p = pc_find_phys(phys);

	if (!p || !p->mapcount)
		return;
	p->mapcount--;
	if (!p->mapcount) {
		p->wmapped = false;
		if (p->file->gone && !p->file->refs) {
			struct pc_file *f = p->file;

			pc_page_free(p);
			if (!f->pages)
				kfree(f);
			return;
		}
	}
	lru_update(p);
}

/* ---- the writeback thread ---- */

static void pc_flush_old(void)
{
	u64 now = clock_now_ns(), t1;
	bool wrote = false;

	pc_lock();
	while (pc_dirty_files.dnext != &pc_dirty_files) {
		struct pc_file *f = pc_dirty_files.dnext;

		if (!pc_pressure && now - f->dirty_since < PC_DIRTY_AGE_NS)
			break;
		if (pc_writeback_file(f)) {
			dirty_file_requeue(f); /* retry later; don't spin on it */
			break;
		}
		wrote = true;
	}
	pc_pressure = false;
	/* next time: when the oldest dirty file comes of age */
	if (pc_dirty_files.dnext != &pc_dirty_files)
		ktimer_arm(&pc_timer, MAX(pc_dirty_files.dnext->dirty_since + PC_DIRTY_AGE_NS,
					  clock_now_ns() + PC_DIRTY_AGE_NS / 5));
	pc_unlock();
	t1 = clock_now_ns();
	/* the records of what was written (and any other pending metadata)
	 * go to the disk too: after this, a crash keeps them */
	if (wrote || (tfs_needs_flush(pc_fs) && now - pc_last_flush_ns >= PC_DIRTY_AGE_NS)) {
		if (fs_sync())
			klog("pagecache: periodic sync failed");
		pc_last_flush_ns = clock_now_ns();
	}
	pc_flush_runs++;
	pc_flush_ns += clock_now_ns() - now;
	pc_flush_sync_ns += clock_now_ns() - t1;
}

void pc_flusher_main(void *arg)
{
	(void)arg;
	sched_finish_switch();
	for (;;) {
		pc_flush_old();
		pc_flusher_idle = true;
		sched_block(0, false);
		pc_flusher_idle = false;
	}
}

/* the kernel timer (interrupt context): wake the writeback thread */
void pc_timer_fn(struct ktimer *t, u64 now_ns)
{
	(void)t;
	(void)now_ns;
	if (pc_flusher && pc_flusher_idle && sched_active())
		sched_wake(pc_flusher);
	else if (pc_flusher)
		ktimer_arm(&pc_timer, now_ns + PC_DIRTY_AGE_NS / 5); /* busy: soon */
}

void pagecache_meta_dirty(void)
{
	if (pc_flusher && !pc_timer.armed)
		ktimer_arm(&pc_timer, clock_now_ns() + PC_DIRTY_AGE_NS);
}

void pagecache_note_sync(void)
{
	pc_last_flush_ns = clock_now_ns();
}

void pagecache_stats(u64 *cached, u64 *dirty, u64 *written_pages)
{
	klog("pagecache: writeback thread ran %llu times, %llu us (%llu us in fs_sync); "
	     "dirty-limit writeback %llu us",
	     (unsigned long long)pc_flush_runs, (unsigned long long)(pc_flush_ns / 1000),
	     (unsigned long long)(pc_flush_sync_ns / 1000), (unsigned long long)(pc_balance_ns / 1000));
	*cached = pc_npages;
	*dirty = pc_ndirty;
	*written_pages = pc_written;
}

