/*
 * test_tfs_codec.c - unit tests for lib/tfs_codec.c: varint limits, value
 * header lengths, value round trips through the dictionary, byte-exact
 * encodings seen in the reference vectors, EAV records, decode errors on
 * every truncation, extension headers. Host test (tests/build.mk).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/errno.h"
#include "lib/tfs_codec.h"
#include "tests/unit/check.h"

static int varint_decode(const u8 *p, size_t n, u64 *out)
{
	struct tfs_cursor c = {.p = p, .len = n};
	int err = tfs_varint_get(&c, out);

	return err ? err : (int)c.pos;
}

static void test_varint_limits(void)
{
	static const u64 vals[] = {0, 1, 127, 128, 16383, 16384, (u64)1 << 63, UINT64_MAX};
	static const size_t sizes[] = {1, 1, 1, 2, 2, 3, 10, 10};
	u8 buf[TFS_VARINT_MAX];
	size_t i, n;
	u64 v;

	for (i = 0; i < ARRAY_SIZE(vals); i++) {
		n = tfs_varint_encode(buf, vals[i]);
		CHECK_INT(n, sizes[i]);
		CHECK_INT(tfs_varint_size(vals[i]), sizes[i]);
		CHECK_INT(varint_decode(buf, n, &v), (int)n);
		CHECK(v == vals[i]);
		/* every truncation fails */
		if (n > 1)
			CHECK_INT(varint_decode(buf, n - 1, &v), -EUCLEAN);
	}
	/* big-endian: 300 = 0x82 0x2c */
	n = tfs_varint_encode(buf, 300);
	CHECK(n == 2 && buf[0] == 0x82 && buf[1] == 0x2c);
	/* 2^64-1 is 0x81 then 8 x 0xff then 0x7f */
	n = tfs_varint_encode(buf, UINT64_MAX);
	CHECK(buf[0] == 0x81 && buf[9] == 0x7f);
	{
		static const u8 overlong[] = {0x80, 0x01};
		static const u8 overflow[] = {0x82, 0xff, 0xff, 0xff, 0xff,
					      0xff, 0xff, 0xff, 0xff, 0x7f};
		static const u8 eleven[] = {0x81, 0x80, 0x80, 0x80, 0x80, 0x80,
					    0x80, 0x80, 0x80, 0x80, 0x00};
		static const u8 empty[1] = {0};

		CHECK_INT(varint_decode(overlong, sizeof(overlong), &v), -EUCLEAN);
		CHECK_INT(varint_decode(overflow, sizeof(overflow), &v), -EUCLEAN);
		CHECK_INT(varint_decode(eleven, sizeof(eleven), &v), -EUCLEAN);
		CHECK_INT(varint_decode(empty, 0, &v), -EUCLEAN);
	}
}

static void test_header_lengths(void)
{
	static const u64 lens[] = {
	    0, 1, 7, 8, 9, 127, 128, 200, 1023, 1024, 65535, (u64)1 << 40, UINT64_MAX};
	struct tfs_buf b = {0};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		struct tfs_cursor c;
		bool imm;
		u8 type;
		u64 len;

		tfs_buf_reset(&b);
		tfs_header_put(&b, i & 1, (u8)(i % 5), lens[i]);
		c = (struct tfs_cursor){.p = b.data, .len = b.len};
		CHECK_INT(tfs_header_get(&c, &imm, &type, &len), 0);
		CHECK(len == lens[i]);
		CHECK_INT(imm, i & 1);
		CHECK_INT(type, i % 5);
		CHECK_INT(c.pos, b.len);
	}
	/* the reference's bytes: tuple of 200 entries = 99 48; symbol of 8 = 88 08 */
	tfs_buf_reset(&b);
	tfs_header_put(&b, true, TFS_TYPE_TUPLE, 200);
	CHECK(b.len == 2 && b.data[0] == 0x99 && b.data[1] == 0x48);
	tfs_buf_reset(&b);
	tfs_header_put(&b, true, TFS_TYPE_BUFFER, 8);
	CHECK(b.len == 2 && b.data[0] == 0x88 && b.data[1] == 0x08);
	tfs_buf_reset(&b);
	tfs_header_put(&b, false, TFS_TYPE_BUFFER, 31);
	CHECK(b.len == 2 && b.data[0] == 0x08 && b.data[1] == 0x1f);
	tfs_buf_free(&b);
}

static void free_dict(struct tfs_dict *d)
{
	u32 i;

	for (i = 0; i < d->count; i++)
		tfs_value_detach(d->ents[i].val);
	for (i = 0; i < d->count; i++)
		value_free(d->ents[i].val);
	tfs_dict_free(d);
}

static struct value *sample_tree(void)
{
	struct value *root = value_tuple(), *children = value_tuple(), *f = value_tuple();
	struct value *args = value_vector(), *env = value_tuple(), *buf;

	tuple_set(f, sym("filelength"), value_integer(300000));
	tuple_set(f, sym("neg"), value_integer(-5));
	tuple_set(f, sym("min"), value_integer(INT64_MIN));
	tuple_set(f, sym("max"), value_integer(INT64_MAX));
	tuple_set(children, sym("hello.txt"), f);
	tuple_set(children, sym("empty"), value_tuple());
	tuple_set(root, sym("children"), children);
	vector_push(args, value_cstring("hello"));
	vector_push(args, value_cstring("two words"));
	vector_push(args, value_cstring(""));
	tuple_set(root, sym("arguments"), args);
	tuple_set(env, sym("USER"), value_cstring("bobby"));
	tuple_set(env, sym("children"), value_cstring("a key seen before"));
	tuple_set(root, sym("environment"), env);
	buf = value_string("a\0b", 3);
	buf->flags |= VALUE_F_TFS_BUFFER;
	tuple_set(root, sym("raw"), buf);
	return root;
}

static void test_round_trip(void)
{
	struct tfs_dict enc, dec;
	struct tfs_buf b = {0};
	struct tfs_codec_err err;
	struct value *root = sample_tree(), *copy;
	const struct tfs_dict_ent *e;

	tfs_dict_init(&enc);
	tfs_dict_init(&dec);
	tfs_encode_value(&b, &enc, root);
	REQUIRE(!b.failed);
	CHECK_INT(root->tfs_idx, 1);
	CHECK_INT(tfs_decode_record(&dec, b.data, b.len, &err), 0);
	CHECK_INT(dec.count, enc.count);
	e = tfs_dict_get(&dec, 1);
	REQUIRE(e && e->val);
	CHECK(value_equal(e->val, root));
	CHECK(tuple_get(e->val, sym("raw"))->flags & VALUE_F_TFS_BUFFER);
	/* a second encoding of the same (numbered) tree is a bare reference */
	copy = value_copy(root);
	tfs_buf_reset(&b);
	tfs_encode_value(&b, &enc, root);
	CHECK(b.len == 2 && b.data[0] == 0x10 && b.data[1] == 0x01);
	tfs_buf_free(&b);
	value_free(copy);
	free_dict(&enc);
	free_dict(&dec);
}

static void test_reference_bytes(void)
{
	/* v0's only record: (children:()) */
	static const u8 v0rec[] = {0x91, 0x88, 0x08, 'c', 'h', 'i', 'l', 'd', 'r', 'e', 'n', 0x90};
	/* v1's filelength record: tuple #10, key ref #33, integer 300000 */
	struct tfs_dict d;
	struct tfs_buf b = {0};
	struct value *root = value_tuple();

	tuple_set(root, sym("children"), value_tuple());
	tfs_dict_init(&d);
	tfs_encode_value(&b, &d, root);
	CHECK(b.len == sizeof(v0rec) && !memcmp(b.data, v0rec, sizeof(v0rec)));
	/* integer 300000 = b0 92 a7 60; -1 = b1 01 */
	tfs_buf_reset(&b);
	{
		struct value *n = value_integer(300000), *m = value_integer(-1);

		tfs_encode_value(&b, &d, n);
		tfs_encode_value(&b, &d, m);
		CHECK(b.len == 6 && b.data[0] == 0xb0 && b.data[1] == 0x92 && b.data[2] == 0xa7 &&
		      b.data[3] == 0x60 && b.data[4] == 0xb1 && b.data[5] == 0x01);
		value_free(n);
		value_free(m);
	}
	/* string "C.UTF-8" = c7 + bytes */
	tfs_buf_reset(&b);
	{
		struct value *s = value_cstring("C.UTF-8");

		tfs_encode_value(&b, &d, s);
		CHECK(b.len == 8 && b.data[0] == 0xc7 && !memcmp(b.data + 1, "C.UTF-8", 7));
		value_free(s);
	}
	tfs_buf_free(&b);
	free_dict(&d);
}

static void test_eav(void)
{
	struct tfs_dict enc, dec;
	struct tfs_buf b = {0};
	struct tfs_codec_err err;
	struct value *root = value_tuple(), *children = value_tuple(), *file = value_tuple();
	struct value *droot, *dfile, *exts;
	const struct symbol *name = sym("f");

	tuple_set(children, name, file);
	tuple_set(root, sym("children"), children);
	tfs_dict_init(&enc);
	tfs_dict_init(&dec);
	tfs_encode_value(&b, &enc, root);
	REQUIRE(!tfs_decode_record(&dec, b.data, b.len, &err));
	/* extents:() on the file: 11 <idx> <symbol> 90 */
	tfs_buf_reset(&b);
	exts = value_tuple();
	tfs_encode_eav(&b, &enc, file, sym("extents"), exts);
	CHECK(b.data[0] == 0x11 && b.data[1] == file->tfs_idx);
	CHECK(b.data[b.len - 1] == 0x90);
	CHECK_INT(tfs_decode_record(&dec, b.data, b.len, &err), 0);
	droot = tfs_dict_get(&dec, 1)->val;
	dfile = tuple_get(tuple_get(droot, sym("children")), name);
	REQUIRE(dfile != NULL);
	CHECK(tuple_get(dfile, sym("extents")) != NULL);
	tuple_set(file, sym("extents"), exts);
	/* set then delete an attribute */
	tfs_buf_reset(&b);
	{
		struct value *seven = value_integer(7);

		tfs_encode_eav(&b, &enc, file, sym("filelength"), seven);
		value_free(seven);
	}
	CHECK_INT(tfs_decode_record(&dec, b.data, b.len, &err), 0);
	CHECK(value_is_string(tuple_get(dfile, sym("filelength")), "7") ||
	      tuple_get(dfile, sym("filelength"))->integer == 7);
	tfs_buf_reset(&b);
	tfs_encode_eav(&b, &enc, file, sym("filelength"), NULL);
	CHECK_INT(tfs_decode_record(&dec, b.data, b.len, &err), 0);
	CHECK(tuple_get(dfile, sym("filelength")) == NULL);
	/* moving a numbered tuple: a reference value */
	tfs_buf_reset(&b);
	tfs_encode_eav(&b, &enc, children, sym("g"), file);
	CHECK_INT(tfs_decode_record(&dec, b.data, b.len, &err), 0);
	CHECK(tuple_get(tuple_get(droot, sym("children")), sym("g")) == dfile);
	tfs_buf_free(&b);
	free_dict(&dec);
	/* enc's tree: unlink the shared file before freeing */
	tuple_take(children, sym("g"));
	free_dict(&enc);
}

static void test_decode_errors(void)
{
	struct tfs_dict enc;
	struct tfs_buf b = {0};
	struct tfs_codec_err err;
	struct value *root = sample_tree();
	size_t cut;
	static const struct {
		u8 bytes[8];
		size_t len;
	} bad[] = {
	    {{0x91, 0xb0, 0x01, 0xb0, 0x01}, 5},	    /* key is an integer */
	    {{0x91, 0x05, 0x90}, 3},			    /* key: unknown symbol ref */
	    {{0x11, 0x07}, 2},				    /* unknown tuple index */
	    {{0x91, 0x81, 'a', 0xd0}, 4},		    /* unknown type 5 */
	    {{0x90, 0x00}, 2},				    /* trailing byte */
	    {{0x97, 0x81, 'a', 0x90}, 4},		    /* count exceeds record */
	    {{0x91, 0x81, 'a', 0xb2, 0x01}, 5},		    /* integer sign 2 */
	    {{0x91, 0x81, 'a', 0xb1, 0x82, 0x80, 0x80}, 7}, /* truncated varint */
	    {{0x91, 0x81, 'a', 0x44, 'x'}, 5},		    /* string by reference */
	    {{0xa1, 0x80}, 2},				    /* nil in a vector */
	};
	size_t i;

	tfs_dict_init(&enc);
	tfs_encode_value(&b, &enc, root);
	for (cut = 0; cut < b.len; cut++) {
		struct tfs_dict d;
		u8 *copy = malloc(cut ? cut : 1);

		memcpy(copy, b.data, cut);
		tfs_dict_init(&d);
		CHECK_INT(tfs_decode_record(&d, copy, cut, &err), -EUCLEAN);
		CHECK(err.what != NULL);
		free_dict(&d);
		free(copy);
	}
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		struct tfs_dict d;

		tfs_dict_init(&d);
		err.what = NULL;
		if (!CHECK_INT(tfs_decode_record(&d, bad[i].bytes, bad[i].len, &err), -EUCLEAN))
			printf("  (bad record %zu)\n", i);
		CHECK(err.what != NULL);
		free_dict(&d);
	}
	/* nesting deeper than TFS_MAX_DEPTH */
	{
		struct tfs_dict d;
		size_t n = TFS_MAX_DEPTH + 2, k;
		u8 *deep = malloc(n * 3);

		for (k = 0; k < n; k++) {
			deep[3 * k] = 0x91;
			deep[3 * k + 1] = 0x81;
			deep[3 * k + 2] = 'x';
		}
		tfs_dict_init(&d);
		CHECK_INT(tfs_decode_record(&d, deep, n * 3, &err), -EUCLEAN);
		free_dict(&d);
		free(deep);
	}
	tfs_buf_free(&b);
	free_dict(&enc);
}

static void test_ext_header(void)
{
	static const u8 uuid[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
	struct tfs_buf b = {0};
	struct tfs_ext_header h;
	struct tfs_codec_err err;
	struct tfs_cursor c;
	u8 tmp[64];

	tfs_ext_header_put(&b, 1, uuid, "vec1");
	c = (struct tfs_cursor){.p = b.data, .len = b.len};
	CHECK_INT(tfs_ext_header_get(&c, true, &h, &err), 0);
	CHECK_INT(h.sectors, 1);
	CHECK_INT(h.version, 5);
	CHECK(!memcmp(h.uuid, uuid, 16));
	CHECK_STR(h.label, "vec1");
	CHECK_INT(c.pos, b.len);
	/* the reference's non-first header: NVMTFS 05 88 00 */
	tfs_buf_reset(&b);
	tfs_ext_header_put(&b, 1024, NULL, NULL);
	CHECK(b.len == 9 && !memcmp(b.data, "NVMTFS\x05\x88\x00", 9));
	/* bad magic, version 4, unterminated label */
	memcpy(tmp, b.data, b.len);
	tmp[0] = 'X';
	c = (struct tfs_cursor){.p = tmp, .len = b.len};
	CHECK_INT(tfs_ext_header_get(&c, false, &h, &err), -EUCLEAN);
	CHECK_STR(err.what, "bad magic");
	memcpy(tmp, b.data, b.len);
	tmp[6] = 4;
	c = (struct tfs_cursor){.p = tmp, .len = b.len};
	CHECK_INT(tfs_ext_header_get(&c, false, &h, &err), -EUCLEAN);
	memset(tmp, 'a', sizeof(tmp));
	memcpy(tmp, "NVMTFS\x05\x01", 8);
	c = (struct tfs_cursor){.p = tmp, .len = sizeof(tmp)};
	CHECK_INT(tfs_ext_header_get(&c, true, &h, &err), -EUCLEAN);
	tfs_buf_free(&b);
}

int main(void)
{
	RUN(test_varint_limits);
	RUN(test_header_lengths);
	RUN(test_round_trip);
	RUN(test_reference_bytes);
	RUN(test_eav);
	RUN(test_decode_errors);
	RUN(test_ext_header);
	sym_table_free();
	return check_done();
}
