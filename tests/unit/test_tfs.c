/*
 * test_tfs.c - unit tests for the TFS volume layer (lib/tfs.c,
 * lib/tfs_write.c, lib/tfs_log.c, lib/tfs_space.c) through an in-memory
 * tfs_dev: format, write a tree, append files of many sizes (0, partial
 * sectors, multi-extent, streamed with and without a size hint), flush,
 * reopen and compare tree and bytes; attribute records after reopen; log
 * extension chaining; compaction; the record sequence the reference mkfs
 * writes; corrupt volumes. Host test (tests/build.mk).
 */
#include <stdlib.h>
#include <string.h>

#include "lib/errno.h"
#include "lib/tfs.h"
#include "lib/tfs_internal.h"
#include "tests/unit/check.h"

struct memdev {
	u8 *data;
	u64 sectors;
	u64 writes;
};

static int mem_read(void *ctx, void *buf, u64 sector, u32 count)
{
	struct memdev *m = ctx;

	if (sector > m->sectors || count > m->sectors - sector)
		return -EIO;
	memcpy(buf, m->data + sector * 512, (size_t)count * 512);
	return 0;
}

static int mem_write(void *ctx, const void *buf, u64 sector, u32 count)
{
	struct memdev *m = ctx;

	if (sector > m->sectors || count > m->sectors - sector)
		return -EIO;
	memcpy(m->data + sector * 512, buf, (size_t)count * 512);
	m->writes++;
	return 0;
}

static struct tfs_dev memdev_new(struct memdev *m, u64 sectors, bool writable)
{
	m->data = calloc(sectors, 512);
	m->sectors = sectors;
	m->writes = 0;
	return (struct tfs_dev){
	    .ctx = m, .read = mem_read, .write = writable ? mem_write : NULL, .sectors = sectors};
}

static const u8 test_uuid[16] = {0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};

/* deterministic file contents */
static void fill(u8 *p, u64 len, u32 seed)
{
	u64 i;
	u32 x = seed * 2654435761u + 1;

	for (i = 0; i < len; i++) {
		x = x * 1103515245u + 12345u;
		p[i] = (u8)(x >> 16);
	}
}

static struct value *add_file(struct value *dir, const char *name)
{
	struct value *children = tuple_get(dir, sym("children"));
	struct value *f = value_tuple();

	if (!children) {
		children = value_tuple();
		tuple_set(dir, sym("children"), children);
	}
	tuple_set(children, sym(name), f);
	return f;
}

static bool file_matches(struct tfs *fs, const struct value *f, u64 len, u32 seed)
{
	u8 *want = malloc(len + 1), *got = malloc(len + 1);
	bool ok;
	s64 n;

	fill(want, len, seed);
	n = tfs_file_read(fs, f, got, 0, len + 100);
	ok = n == (s64)len && !memcmp(want, got, len);
	/* an unaligned read in the middle */
	if (ok && len > 1000) {
		n = tfs_file_read(fs, f, got, 333, 700);
		ok = n == 700 && !memcmp(want + 333, got, 700);
	}
	free(want);
	free(got);
	return ok;
}

static const u64 sizes[] = {0, 1, 15, 511, 512, 513, 4096, 100000, 300000, 3500000};

static void test_write_reopen(void)
{
	struct memdev m;
	struct tfs_dev dev = memdev_new(&m, 64 * 2048, true); /* 64 MiB */
	struct tfs_msg msg;
	struct tfs *fs;
	struct value *root = value_tuple(), *dir, *files[ARRAY_SIZE(sizes)], *expected;
	char name[32];
	size_t i;

	REQUIRE(tfs_format(&dev, "testvol", test_uuid, &fs, &msg) == 0);
	tuple_set(root, sym("program"), value_cstring("/bin/x"));
	tuple_set(root, sym("arguments"), value_vector());
	vector_push(tuple_get(root, sym("arguments")), value_cstring("x y"));
	dir = add_file(root, "dir");
	tuple_set(dir, sym("children"), value_tuple());
	add_file(root, "emptydir");
	tuple_set(tuple_get(tuple_get(root, sym("children")), sym("emptydir")), sym("children"),
		  value_tuple());
	{
		struct value *l = add_file(root, "link");

		tuple_set(l, sym("linktarget"), value_cstring("/dir/f3"));
	}
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		snprintf(name, sizeof(name), "f%zu", i);
		files[i] = add_file(dir, name);
	}
	expected = value_copy(root);
	REQUIRE(tfs_write_root(fs, root) == 0);
	/* stream each file in odd-sized chunks; even ones with a size hint */
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		u8 *data = malloc(sizes[i] + 1);
		u64 off = 0, chunk = 7777 + i * 13;

		fill(data, sizes[i], (u32)i);
		if (!sizes[i])
			CHECK_INT(tfs_file_append(fs, files[i], data, 0, 0), 0);
		while (off < sizes[i]) {
			u64 n = MIN(chunk, sizes[i] - off);

			CHECK_INT(
			    tfs_file_append(fs, files[i], data + off, n, i % 2 ? 0 : sizes[i]), 0);
			off += n;
		}
		free(data);
	}
	CHECK_INT(tfs_flush(fs), 0);
	CHECK(tfs_used_sectors(fs) > 3073);
	tfs_close(fs);

	dev.write = NULL; /* reopen read-only */
	REQUIRE(tfs_open(&dev, &fs, &msg) == 0);
	CHECK_STR(tfs_label(fs), "testvol");
	CHECK(!memcmp(tfs_uuid(fs), test_uuid, 16));
	CHECK(value_equal(tuple_get(tfs_root(fs), sym("arguments")),
			  tuple_get(expected, sym("arguments"))));
	CHECK(value_is_string(tuple_get(tfs_root(fs), sym("program")), "/bin/x"));
	CHECK(tfs_is_dir(tfs_lookup(tfs_root(fs), "dir")));
	CHECK(tfs_is_dir(tfs_lookup(tfs_root(fs), "/emptydir/")));
	CHECK(tfs_is_symlink(tfs_lookup(tfs_root(fs), "link")));
	CHECK(tfs_lookup(tfs_root(fs), "dir/nope") == NULL);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		const struct value *f;

		snprintf(name, sizeof(name), "dir/f%zu", i);
		f = tfs_lookup(tfs_root(fs), name);
		REQUIRE(f != NULL);
		CHECK_INT(tfs_file_length(f), sizes[i]);
		CHECK(tuple_get(f, sym("extents")) != NULL);
		if (!CHECK(file_matches(fs, f, sizes[i], (u32)i)))
			printf("  (file %s)\n", name);
	}
	/* sizes are sector counts: 3500000 bytes = 6836 sectors in one extent */
	{
		const struct value *big = tfs_lookup(tfs_root(fs), "dir/f9");
		const struct value *e0 = tuple_get(tuple_get(big, sym("extents")), sym("0"));
		s64 len = -1, alloc = -1;

		REQUIRE(e0 != NULL);
		value_to_s64(tuple_get(e0, sym("length")), &len);
		value_to_s64(tuple_get(e0, sym("allocated")), &alloc);
		CHECK_INT(len, 6836);
		CHECK_INT(alloc, 6836);
	}
	tfs_close(fs);
	value_free(expected);
	free(m.data);
}

/* the records a reference-style mkfs writes: tree, then per file
 * extents:(), one per extent, filelength */
static int count_record(void *ctx, const u8 *rec, size_t len, struct tfs_msg *msg)
{
	(*(int *)ctx)++;
	return 0;
}

static void test_record_sequence(void)
{
	struct memdev m;
	struct tfs_dev dev = memdev_new(&m, 8192, true);
	struct tfs_msg msg;
	struct tfs_log log;
	struct tfs *fs;
	struct value *root = value_tuple(), *f;
	int records = 0;

	f = add_file(root, "hello.txt");
	REQUIRE(tfs_format(&dev, "seq", test_uuid, &fs, &msg) == 0);
	REQUIRE(tfs_write_root(fs, root) == 0);
	CHECK_INT(tfs_file_append(fs, f, "hello, world!\n", 14, 14), 0);
	CHECK_INT(tfs_flush(fs), 0);
	tfs_close(fs);
	CHECK_INT(tfs_log_read(&log, &dev, count_record, &records, &msg), 0);
	CHECK_INT(records, 4);
	tfs_log_free(&log);
	/* sector 0: NVMTFS 05 01 uuid label 00, link to 1+1024, END_OF_LOG */
	CHECK(!memcmp(m.data, "NVMTFS\x05\x01", 8));
	CHECK(!memcmp(m.data + 8 + 16, "seq\0\x05\x01\x88\x00\x01", 9));
	CHECK(!memcmp(m.data + 512, "NVMTFS\x05\x88\x00\x02", 10));
	/* data of the first file lands after the two reserved extensions */
	CHECK(!memcmp(m.data + 3073 * 512, "hello, world!\n", 14));
	free(m.data);
}

static void test_rw_reopen_and_extend(void)
{
	struct memdev m;
	struct tfs_dev dev = memdev_new(&m, 16384, true);
	struct tfs_msg msg;
	struct tfs *fs;
	struct value *root = value_tuple(), *f, *big;
	u8 buf[20000];
	int i;

	f = add_file(root, "log.txt");
	REQUIRE(tfs_format(&dev, "rw", test_uuid, &fs, &msg) == 0);
	REQUIRE(tfs_write_root(fs, root) == 0);
	fill(buf, 1000, 1);
	CHECK_INT(tfs_file_append(fs, f, buf, 1000, 0), 0);
	CHECK_INT(tfs_flush(fs), 0);
	tfs_close(fs);

	/* reopen writable: append more, set attributes, overflow the first log
	 * extension (512 KiB) with 40 x 20000-byte records */
	REQUIRE(tfs_open(&dev, &fs, &msg) == 0);
	f = tfs_lookup(tfs_root(fs), "log.txt");
	REQUIRE(f != NULL);
	fill(buf, 2000, 1);
	CHECK_INT(tfs_file_append(fs, f, buf + 1000, 1000, 0), 0);
	for (i = 0; i < 40; i++) {
		memset(buf, 'a' + i % 26, sizeof(buf));
		big = value_string(buf, sizeof(buf));
		CHECK_INT(tfs_set(fs, tfs_root(fs), sym("blob"), big), 0);
	}
	CHECK_INT(tfs_set(fs, tfs_root(fs), sym("gone"), value_cstring("x")), 0);
	CHECK_INT(tfs_set(fs, tfs_root(fs), sym("gone"), NULL), 0);
	CHECK_INT(tfs_set(fs, tfs_root(fs), sym("kept"), value_cstring("yes")), 0);
	CHECK_INT(tfs_flush(fs), 0);
	tfs_close(fs);

	REQUIRE(tfs_open(&dev, &fs, &msg) == 0);
	f = tfs_lookup(tfs_root(fs), "log.txt");
	CHECK_INT(tfs_file_length(f), 2000);
	CHECK(file_matches(fs, f, 2000, 1));
	big = tuple_get(tfs_root(fs), sym("blob"));
	CHECK(big && big->str.len == 20000 && big->str.bytes[0] == 'a' + 39 % 26);
	CHECK(tuple_get(tfs_root(fs), sym("gone")) == NULL);
	CHECK(value_is_string(tuple_get(tfs_root(fs), sym("kept")), "yes"));
	CHECK(fs->log.nexts >= 3);
	/* compaction: one record in a new chain, committed by the flush */
	{
		u64 before = tfs_used_sectors(fs);

		CHECK_INT(tfs_compact(fs), 0);
		CHECK_INT(tfs_flush(fs), 0);
		CHECK(tfs_used_sectors(fs) < before);
	}
	tfs_close(fs);
	REQUIRE(tfs_open(&dev, &fs, &msg) == 0);
	CHECK_INT(fs->log.records, 1);
	f = tfs_lookup(tfs_root(fs), "log.txt");
	CHECK(file_matches(fs, f, 2000, 1));
	CHECK(value_is_string(tuple_get(tfs_root(fs), sym("kept")), "yes"));
	big = tuple_get(tfs_root(fs), sym("blob"));
	CHECK(big && big->str.len == 20000);
	tfs_close(fs);
	free(m.data);
}

static void test_fragmented_and_huge(void)
{
	struct memdev m;
	struct tfs_dev dev = memdev_new(&m, 100 * 2048, true); /* 100 MiB */
	struct tfs_msg msg;
	struct tfs *fs;
	struct value *root = value_tuple(), *a, *b, *huge;
	u64 n = 40u << 20, off;
	u8 *data = malloc(n);

	a = add_file(root, "a");
	b = add_file(root, "b");
	huge = add_file(root, "huge");
	REQUIRE(tfs_format(&dev, "frag", test_uuid, &fs, &msg) == 0);
	REQUIRE(tfs_write_root(fs, root) == 0);
	fill(data, 5000, 7);
	/* a, then b right after it, then more of a: a gets a second extent */
	CHECK_INT(tfs_file_append(fs, a, data, 3000, 0), 0);
	CHECK_INT(tfs_file_append(fs, b, data, 10, 0), 0);
	CHECK_INT(tfs_file_append(fs, a, data + 3000, 2000, 0), 0);
	CHECK_INT(tuple_count(tuple_get(a, sym("extents"))), 2);
	/* 40 MiB: more than one 32 MiB extent */
	fill(data, n, 9);
	for (off = 0; off < n; off += 1 << 20)
		CHECK_INT(tfs_file_append(fs, huge, data + off, 1 << 20, n), 0);
	CHECK(tuple_count(tuple_get(huge, sym("extents"))) >= 2);
	CHECK_INT(tfs_flush(fs), 0);
	tfs_close(fs);
	REQUIRE(tfs_open(&dev, &fs, &msg) == 0);
	CHECK(file_matches(fs, tfs_lookup(tfs_root(fs), "a"), 5000, 7));
	CHECK(file_matches(fs, tfs_lookup(tfs_root(fs), "huge"), n, 9));
	CHECK_INT(tfs_file_append(fs, tfs_lookup(tfs_root(fs), "b"), data, 1, 0), 0);
	/* a full volume: -ENOSPC, not a crash */
	{
		int rc = 0, k;

		for (k = 0; k < 4 && rc == 0; k++)
			rc = tfs_file_append(fs, tfs_lookup(tfs_root(fs), "b"), data, n, 0);
		CHECK_INT(rc, -ENOSPC);
	}
	tfs_close(fs);
	free(data);
	free(m.data);
}

static void test_format_errors_and_empty(void)
{
	struct memdev m;
	struct tfs_dev dev = memdev_new(&m, 2048, true);
	struct tfs_msg msg;
	struct tfs *fs;

	CHECK_INT(tfs_format(&dev, "a label that is far too long for tfs", test_uuid, &fs, &msg),
		  -EINVAL);
	dev.sectors = 100;
	CHECK_INT(tfs_format(&dev, "x", test_uuid, &fs, &msg), -ENOSPC);
	CHECK(strstr(msg.text, "too small") != NULL);
	dev.sectors = 2048;
	/* mkfs -e: format + flush gives an empty root */
	REQUIRE(tfs_format(&dev, "empty", test_uuid, &fs, &msg) == 0);
	CHECK_INT(tfs_flush(fs), 0);
	tfs_close(fs);
	REQUIRE(tfs_open(&dev, &fs, &msg) == 0);
	CHECK_INT(tuple_count(tfs_root(fs)), 0);
	CHECK_STR(tfs_label(fs), "empty");
	tfs_close(fs);
	/* corruptions give -EUCLEAN with a message naming the place */
	m.data[512] = 'X';
	CHECK_INT(tfs_open(&dev, &fs, &msg), -EUCLEAN);
	CHECK_STR(msg.text, "log extension at sector 1: bad magic");
	m.data[512] = 'N';
	CHECK(m.data[0x1e] == 5 && m.data[0x1f] == 1 && m.data[0x20] == 0x88);
	m.data[0x20] = 0x90; /* link length 1024 -> 2048: past the end */
	CHECK_INT(tfs_open(&dev, &fs, &msg), -EUCLEAN);
	if (!CHECK(strstr(msg.text, "past the end") != NULL))
		printf("  msg: %s\n", msg.text);
	m.data[0x20] = 0x88;
	m.data[0x1f] = 0x00; /* link to sector 0: overlaps extension 0 */
	CHECK_INT(tfs_open(&dev, &fs, &msg), -EUCLEAN);
	CHECK(strstr(msg.text, "overlaps") != NULL);
	free(m.data);
}

static void test_truncate(void)
{
	struct memdev m;
	struct tfs_dev dev = memdev_new(&m, 8192, true);
	struct tfs_msg msg;
	struct tfs *fs;
	struct value *root = value_tuple(), *f;
	u8 want[12000], got[12000];
	u64 used;
	s64 n;

	f = add_file(root, "f");
	REQUIRE(tfs_format(&dev, "trunc", test_uuid, &fs, &msg) == 0);
	REQUIRE(tfs_write_root(fs, root) == 0);
	fill(want, 10000, 3);
	CHECK_INT(tfs_file_append(fs, f, want, 10000, 0), 0);
	CHECK_INT(tfs_flush(fs), 0);
	tfs_close(fs);

	REQUIRE(tfs_open(&dev, &fs, &msg) == 0);
	used = tfs_used_sectors(fs); /* ext 0 + log + 20 data sectors */
	CHECK_INT(used, 1 + 1024 + 20);
	f = tfs_lookup(tfs_root(fs), "f");
	CHECK_INT(tfs_file_truncate(fs, f, 3000), 0);
	CHECK_INT(tfs_used_sectors(fs), used - (20 - 6));
	CHECK_INT(tfs_file_truncate(fs, f, 5000), 0); /* grows: a hole */
	CHECK_INT(tfs_file_append(fs, f, "tail", 4, 0), 0);
	CHECK_INT(tfs_flush(fs), 0);
	tfs_close(fs);

	REQUIRE(tfs_open(&dev, &fs, &msg) == 0);
	f = tfs_lookup(tfs_root(fs), "f");
	CHECK_INT(tfs_file_length(f), 5004);
	n = tfs_file_read(fs, f, got, 0, sizeof(got));
	CHECK_INT(n, 5004);
	memset(want + 3000, 0, 2000);
	memcpy(want + 5000, "tail", 4);
	CHECK(!memcmp(got, want, 5004));
	/* truncate to 0 frees every extent */
	CHECK_INT(tfs_file_truncate(fs, f, 0), 0);
	CHECK_INT(tuple_count(tuple_get(f, sym("extents"))), 0);
	CHECK_INT(tfs_flush(fs), 0);
	tfs_close(fs);
	REQUIRE(tfs_open(&dev, &fs, &msg) == 0);
	CHECK_INT(tfs_file_length(tfs_lookup(tfs_root(fs), "f")), 0);
	CHECK_INT(tfs_used_sectors(fs), used - 20);
	tfs_close(fs);
	free(m.data);
}

int main(void)
{
	RUN(test_write_reopen);
	RUN(test_record_sequence);
	RUN(test_rw_reopen_and_extend);
	RUN(test_fragmented_and_huge);
	RUN(test_format_errors_and_empty);
	RUN(test_truncate);
	sym_table_free();
	return check_done();
}
