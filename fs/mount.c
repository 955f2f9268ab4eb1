/*
 * fs/mount.c - finds the rootfs and mounts it: for each block device, read
 * sector 0, image_parse_mbr (lib/image.c) gives the rootfs partition (or
 * the whole disk for a bare TFS volume) and the KLOG area; tfs_open
 * (lib/tfs.c) reads the volume through a struct tfs_dev over the
 * blockdev with a small sector cache (32 blocks of 64 KiB, LRU; large
 * reads go straight to the device). The root tuple is the config (manifest).
 * File data is cached above this in fs/pagecache.c; its writeback and the
 * log go through to the device here (cached blocks are updated); fs_sync
 * (after the page cache's writeback, for fsync and friends) writes the
 * TFS log, flushes the device, and only then frees sectors that removed
 * files, truncates and punched holes gave up. fs_shutdown writes back
 * the page cache, writes the log, the KLOG area (exit code + console
 * tail) and flushes the disk.
 * Layer: fs. Callers: kernel/init.c (fs_init), kernel/exit.c
 * (fs_shutdown), everyone (config_root, config_flag).
 */
#include "fs/vfs.h"
#include "fs/pagecache.h"
#include "lib/image.h"
#include "lib/tfs.h"
#include "lib/tfs_file.h"
#include "lib/value.h"

/* 64 KiB blocks: a small read (metadata, or a program reading 4 KiB at
 * a time) brings its neighbours in with it: one device request per 64 KiB
 * instead of one (or two, unaligned) per 4 KiB. Reads of a whole block or
 * more bypass the cache. */
#define CACHE_BLOCK_SECTORS  128
#define CACHE_ENTRIES	     32
#define CACHE_DIRECT_SECTORS CACHE_BLOCK_SECTORS

struct cache_ent {
	u64 block;   /* block number from the volume start */
	u64 stamp;   /* LRU clock, 0 = empty */
	u32 sectors; /* valid sectors (short at the end of the disk) */
	u8 *data;
};

struct rootdev {
	struct blockdev *bd;
	u64 base;    /* volume start on the device, sectors */
	u64 sectors; /* volume size */
	u64 clock;
	u64 hits, misses, direct;
	u64 read_ns;	     /* time spent in device reads */
	u64 writes, written; /* write requests, sectors written */
	struct cache_ent ents[CACHE_ENTRIES];
};

static struct rootdev rootdev;
static struct tfs *root_fs;
static struct value *root_tuple;
static struct blockdev *klog_bd;
static u64 klog_lba;

static struct cache_ent *cache_get(struct rootdev *rd, u64 block, int *err)
{
	struct cache_ent *victim = &rd->ents[0];
	u64 first = block * CACHE_BLOCK_SECTORS;
	u32 n;

	for (unsigned i = 0; i < CACHE_ENTRIES; i++) {
		struct cache_ent *e = &rd->ents[i];

		if (e->stamp && e->block == block) {
			e->stamp = ++rd->clock;
			rd->hits++;
			return e;
		}
		if (e->stamp < victim->stamp)
			victim = e;
	}
	rd->misses++;
	if (!victim->data) {
		victim->data = kmalloc(CACHE_BLOCK_SECTORS * 512);
		if (!victim->data) {
			*err = -ENOMEM;
			return NULL;
		}
	}
	victim->stamp = 0;
	n = (u32)MIN((u64)CACHE_BLOCK_SECTORS, rd->sectors - first);
	{
		u64 t0 = clock_now_ns();

		*err = rd->bd->read(rd->bd, victim->data, rd->base + first, n);
		rd->read_ns += clock_now_ns() - t0;
	}
	if (*err)
		return NULL;
	victim->block = block;
	victim->sectors = n;
	victim->stamp = ++rd->clock;
	return victim;
}

static int rootdev_read(void *ctx, void *buf, u64 sector, u32 count)
{
	struct rootdev *rd = ctx;
	u8 *out = buf;
	int err = 0;

	if (sector > rd->sectors || count > rd->sectors - sector)
		return -EIO;
	if (count >= CACHE_DIRECT_SECTORS) {
		u64 t0 = clock_now_ns();

		rd->direct++;
		err = rd->bd->read(rd->bd, buf, rd->base + sector, count);
		rd->read_ns += clock_now_ns() - t0;
		return err;
	}
	while (count) {
		u64 block = sector / CACHE_BLOCK_SECTORS;
		u32 off = (u32)(sector % CACHE_BLOCK_SECTORS);
		u32 n = MIN(count, CACHE_BLOCK_SECTORS - off);
		struct cache_ent *e = cache_get(rd, block, &err);

		if (!e)
			return err;
		memcpy(out, e->data + off * 512, n * 512);
		out += n * 512;
		sector += n;
		count -= n;
	}
	return 0;
}

/* write through to the device; cached blocks take the new bytes */
static int rootdev_write(void *ctx, const void *buf, u64 sector, u32 count)
{
	struct rootdev *rd = ctx;
	int err;

	if (sector > rd->sectors || count > rd->sectors - sector)
		return -EIO;
	if (!rd->bd->write)
		return -EROFS;
	err = rd->bd->write(rd->bd, buf, rd->base + sector, count);
	if (err)
		return err;
	rd->writes++;
	rd->written += count;
	for (unsigned i = 0; i < CACHE_ENTRIES; i++) {
		struct cache_ent *e = &rd->ents[i];
		u64 first = e->block * CACHE_BLOCK_SECTORS, a, b;

		if (!e->stamp)
			continue;
		a = MAX(first, sector);
		b = MIN(first + e->sectors, sector + count);
		if (a < b)
			memcpy(e->data + (a - first) * 512, (const u8 *)buf + (a - sector) * 512,
			       (b - a) * 512);
	}
	return 0;
}

static int fs_try_mount(struct blockdev *bd)
{
	struct image_layout lay;
	struct tfs_dev dev;
	struct tfs_msg msg;
	u8 *sector0;
	u64 t0 = clock_now_ns();
	int err;

	if (bd->sectors == 0) {
		kprintf("fs: %s: empty disk\n", bd->name);
		return -ENODEV;
	}
	sector0 = kmalloc(512);
	if (!sector0)
		return -ENOMEM;
	err = bd->read(bd, sector0, 0, 1);
	if (err) {
		kprintf("fs: %s: cannot read sector 0: %s\n", bd->name, errno_name(err));
		goto out_free;
	}
	err = image_parse_mbr(sector0, bd->sectors, &lay);
	if (err) {
		kprintf("fs: %s: bad partition table (rootfs partition missing, past the end "
			"of the disk, or overlapping)\n",
			bd->name);
		goto out_free;
	}
	memset(&rootdev, 0, sizeof(rootdev));
	rootdev.bd = bd;
	rootdev.base = lay.root_lba;
	rootdev.sectors = lay.root_sectors;
	dev.ctx = &rootdev;
	dev.read = rootdev_read;
	dev.write = bd->write ? rootdev_write : NULL;
	dev.sectors = lay.root_sectors;
	msg.text[0] = 0;
	err = tfs_open(&dev, &root_fs, &msg);
	if (err) {
		kprintf("fs: %s: rootfs at sector %llu (%llu sectors) is not a usable TFS "
			"volume: %s (%s)\n",
			bd->name, (unsigned long long)lay.root_lba,
			(unsigned long long)lay.root_sectors, msg.text[0] ? msg.text : "?",
			errno_name(err));
		root_fs = NULL;
		goto out_free;
	}
	root_tuple = tfs_root(root_fs);
	if (!root_tuple || root_tuple->type != VALUE_TUPLE) {
		kprintf("fs: %s: rootfs root is not a tuple\n", bd->name);
		err = -EUCLEAN;
		goto out_close;
	}
	err = vfs_mount_root(root_fs, root_tuple);
	if (err) {
		kprintf("fs: %s: cannot set up the VFS: %s\n", bd->name, errno_name(err));
		goto out_close;
	}
	vfs_readonly = !bd->write || value_flag(root_tuple, "readonly_rootfs");
	vfs_program_rw = value_flag(root_tuple, "program_overwrite");
	/* sectors a truncate or hole gives up are reused only after the
	 * record is on the disk (fs_sync) */
	tfs_set_defer_release(root_fs, true);
	err = pagecache_init(root_fs, !vfs_readonly);
	if (err) {
		kprintf("fs: %s: no memory for the page cache\n", bd->name);
		goto out_close;
	}
	if (lay.has_mbr && lay.klog_lba) {
		klog_bd = bd;
		klog_lba = lay.klog_lba;
	}
	klog("fs: mounted %s%s: label \"%s\", %llu sectors, %llu us (device reads %llu us; "
	     "cache %llu hit %llu miss %llu direct)",
	     bd->name, lay.has_mbr ? " partition 2" : "", tfs_label(root_fs),
	     (unsigned long long)lay.root_sectors,
	     (unsigned long long)((clock_now_ns() - t0) / 1000),
	     (unsigned long long)(rootdev.read_ns / 1000), (unsigned long long)rootdev.hits,
	     (unsigned long long)rootdev.misses, (unsigned long long)rootdev.direct);
	kfree(sector0);
	return 0;

out_close:
	tfs_close(root_fs);
	root_fs = NULL;
	root_tuple = NULL;
out_free:
	kfree(sector0);
	return err;
}

int fs_init(void)
{
	struct blockdev *bd;
	int err = -ENODEV;
	unsigned i;

	for (i = 0; (bd = blockdev_get(i)) != NULL; i++) {
		err = fs_try_mount(bd);
		if (!err)
			return 0;
	}
	if (i == 0)
		kprintf("fs: no disk found (the rootfs must be a virtio-blk device)\n");
	else
		kprintf("fs: no usable root filesystem on %u disk%s\n", i, i == 1 ? "" : "s");
	return err;
}

struct value *config_root(void)
{
	return root_tuple;
}

bool config_flag(const char *key)
{
	return root_tuple ? value_flag(root_tuple, key) : false;
}

/* Compaction: when the log is mostly obsolete (checked every
 * COMPACT_CHECK_RECORDS new records), rewrite it as one whole-tree record
 * (lib: a new chain, committed by the single-sector switch in tfs_flush).
 * It frees tuples no longer in the tree, so not while an open file may
 * point at one (vfs_compact_safe). */
#define COMPACT_CHECK_RECORDS 4096
static u64 compact_checked_at;
static u64 compactions;
static bool compact_flush_pending;

static int fs_maybe_compact(void)
{
	u64 recs = tfs_log_record_count(root_fs), t0;
	int err;

	if (recs < compact_checked_at + COMPACT_CHECK_RECORDS && recs >= compact_checked_at)
		return 0;
	compact_checked_at = recs;
	if (!tfs_log_mostly_obsolete(root_fs, COMPACT_CHECK_RECORDS) || !vfs_compact_safe())
		return 0;
	t0 = clock_now_ns();
	err = tfs_compact(root_fs);
	if (!err)
		err = tfs_flush(root_fs);
	if (err) {
		kprintf("fs: log compaction failed: %s\n", errno_name(err));
		return err;
	}
	compactions++;
	compact_flush_pending = true;
	compact_checked_at = tfs_log_record_count(root_fs);
	klog("fs: log compacted: %llu records -> %llu, %llu us", (unsigned long long)recs,
	     (unsigned long long)compact_checked_at,
	     (unsigned long long)((clock_now_ns() - t0) / 1000));
	return 0;
}

static int fs_flush_dev(void)
{
	if (rootdev.bd->flush && rootdev.bd->flush(rootdev.bd))
		return -EIO;
	return 0;
}

static int fs_sync_locked(void)
{
	int err;

	if (!root_fs || vfs_readonly)
		return 0;
	err = tfs_flush(root_fs);
	if (!err)
		err = fs_flush_dev();
	if (err)
		return err;
	/* the removals are durable: their sectors may be reused now (and
	 * before compaction frees the removed nodes) */
	tfs_release_pending(root_fs);
	vfs_release_deferred();
	pagecache_note_sync();
	err = fs_maybe_compact();
	if (!err && compact_flush_pending) {
		compact_flush_pending = false;
		err = fs_flush_dev();
	}
	return err;
}

/* under the filesystem lock: a log write never interleaves with a
 * change (device waits sleep) */
int fs_sync(void)
{
	int err;

	pagecache_lock();
	err = fs_sync_locked();
	pagecache_unlock();
	return err;
}

u64 fs_free_bytes(void)
{
	return root_fs ? tfs_free_sectors(root_fs) * 512 : 0;
}

u64 fs_total_bytes(void)
{
	return rootdev.sectors * 512;
}

/* the KLOG area: header + the last console output, 8 sectors before the
 * bootfs partition (lib/image.h); shown by dump -l */
static void fs_write_klog(int exit_code)
{
	u8 *buf = kzalloc(IMAGE_KLOG_SECTORS * IMAGE_SECTOR);
	struct klog_header *h = (struct klog_header *)buf;
	int err;

	if (!buf)
		return;
	h->magic = KLOG_MAGIC;
	h->version = 1;
	random_bytes(&h->boot_id, sizeof(h->boot_id));
	h->exit_code = exit_code;
	h->text_len = (u32)console_tail((char *)(buf + sizeof(*h)), KLOG_TEXT_MAX);
	err = klog_bd->write ? klog_bd->write(klog_bd, buf, klog_lba, IMAGE_KLOG_SECTORS) : -EROFS;
	if (err)
		klog("fs: KLOG write failed: %s", errno_name(err));
	kfree(buf);
}

void fs_shutdown(int exit_code)
{
	static bool done;

	if (done)
		return;
	done = true;
	if (root_fs)
		klog("fs: rootfs reads: cache %llu hits, %llu misses, %llu direct; device time "
		     "%llu us",
		     (unsigned long long)rootdev.hits, (unsigned long long)rootdev.misses,
		     (unsigned long long)rootdev.direct,
		     (unsigned long long)(rootdev.read_ns / 1000));
	if (root_fs && !vfs_readonly) {
		u64 cached, dirty, written;
		int err;

		pagecache_stats(&cached, &dirty, &written);
		klog("fs: page cache at exit: %llu pages, %llu dirty, %llu written back so far",
		     (unsigned long long)cached, (unsigned long long)dirty,
		     (unsigned long long)written);
		err = pagecache_shutdown();
		if (err)
			kprintf("fs: writing cached file data at exit failed: %s\n",
				errno_name(err));
		err = tfs_flush(root_fs);
		if (err)
			kprintf("fs: writing the rootfs log at exit failed: %s\n", errno_name(err));
		klog("fs: rootfs writes: %llu requests, %llu sectors",
		     (unsigned long long)rootdev.writes, (unsigned long long)rootdev.written);
	}
	if (klog_bd)
		fs_write_klog(exit_code);
	for (unsigned i = 0; blockdev_get(i); i++) {
		struct blockdev *bd = blockdev_get(i);

		if (bd->flush)
			bd->flush(bd);
	}
}
