/*
 * tfs_space.c - the map of used sectors of a TFS volume: a sorted array of
 * non-overlapping, non-adjacent ranges. Rebuilt at open from extension 0,
 * the log chain and every file extent (the format keeps no free map on
 * disk); the writer allocates file extents and log extensions from it.
 *
 * Layer: lib/ (freestanding + hosted). Callers: lib/tfs.c, lib/tfs_write.c.
 */
#include "lib/alloc.h"
#include "lib/cstring.h"
#include "lib/errno.h"
#include "lib/tfs_internal.h"

void tfs_space_init(struct tfs_space *s, u64 total)
{
	memset(s, 0, sizeof(*s));
	s->total = total;
}

void tfs_space_free_all(struct tfs_space *s)
{
	lib_free(s->r);
	s->r = NULL;
	s->count = s->cap = 0;
}

/* first range whose end is >= start (so it may touch or overlap) */
static u32 tfs_space_find(const struct tfs_space *s, u64 start)
{
	u32 lo = 0, hi = s->count;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if (s->r[mid].start + s->r[mid].len < start)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int tfs_space_mark(struct tfs_space *s, u64 start, u64 len)
{
	u64 end = start + len;
	u32 i, j;

	if (!len)
		return 0;
	i = tfs_space_find(s, start);
	/* merge every range in [i, j) that touches [start, end) */
	for (j = i; j < s->count && s->r[j].start <= end; j++) {
		start = MIN(start, s->r[j].start);
		end = MAX(end, s->r[j].start + s->r[j].len);
	}
	if (j == i) {
		if (s->count == s->cap) {
			u32 ncap = s->cap ? s->cap * 2 : 16;
			struct tfs_range *r = lib_realloc(s->r, (size_t)ncap * sizeof(*r));

			if (!r)
				return -ENOMEM;
			s->r = r;
			s->cap = ncap;
		}
		memmove(&s->r[i + 1], &s->r[i], (size_t)(s->count - i) * sizeof(s->r[0]));
		s->count++;
	} else if (j > i + 1) {
		memmove(&s->r[i + 1], &s->r[j], (size_t)(s->count - j) * sizeof(s->r[0]));
		s->count -= j - i - 1;
	}
	s->r[i].start = start;
	s->r[i].len = end - start;
	return 0;
}

void tfs_space_release(struct tfs_space *s, u64 start, u64 len)
{
	u64 end = start + len;
	u32 i;

	for (i = tfs_space_find(s, start); i < s->count && s->r[i].start < end;) {
		struct tfs_range *r = &s->r[i];
		u64 rend = r->start + r->len;

		if (rend <= start) {
			i++;
			continue;
		}
		if (r->start < start && rend > end) {
			/* split: needs one more slot; on ENOMEM keep it used (leak) */
			if (s->count == s->cap) {
				u32 ncap = s->cap * 2;
				struct tfs_range *nr =
				    lib_realloc(s->r, (size_t)ncap * sizeof(*nr));

				if (!nr)
					return;
				s->r = nr;
				s->cap = ncap;
				r = &s->r[i];
			}
			memmove(&s->r[i + 1], &s->r[i], (size_t)(s->count - i) * sizeof(s->r[0]));
			s->count++;
			s->r[i].len = start - s->r[i].start;
			s->r[i + 1].start = end;
			s->r[i + 1].len = rend - end;
			return;
		}
		if (r->start < start) {
			r->len = start - r->start;
			i++;
		} else if (rend > end) {
			r->len = rend - end;
			r->start = end;
			i++;
		} else {
			memmove(&s->r[i], &s->r[i + 1],
				(size_t)(s->count - i - 1) * sizeof(s->r[0]));
			s->count--;
		}
	}
}

bool tfs_space_is_free(const struct tfs_space *s, u64 start, u64 len)
{
	u32 i;

	if (start > s->total || len > s->total - start)
		return false;
	i = tfs_space_find(s, start + 1);
	/* ranges before i end before start + 1, i.e. at or before start */
	return i >= s->count || s->r[i].start >= start + len;
}

/* the biggest free run (its start), 0 length if none */
static u64 tfs_space_biggest(const struct tfs_space *s, u64 *start)
{
	u64 best = 0, prev = 0;
	u32 i;

	for (i = 0; i <= s->count; i++) {
		u64 next = i < s->count ? s->r[i].start : s->total;

		if (next > prev && next - prev > best) {
			best = next - prev;
			*start = prev;
		}
		if (i < s->count)
			prev = s->r[i].start + s->r[i].len;
	}
	return best;
}

int tfs_space_alloc(struct tfs_space *s, u64 want, u64 min, u64 *start, u64 *got)
{
	u64 prev = 0, best, bstart = 0;
	u32 i;
	int err;

	if (!want)
		return -EINVAL;
	for (i = 0; i <= s->count; i++) {
		u64 next = i < s->count ? s->r[i].start : s->total;

		if (next > prev && next - prev >= want) {
			*start = prev;
			*got = want;
			return tfs_space_mark(s, prev, want);
		}
		if (i < s->count)
			prev = s->r[i].start + s->r[i].len;
	}
	best = tfs_space_biggest(s, &bstart);
	/* halve like the reference until it fits */
	while (want > min && want > best)
		want = MAX(want / 2, min);
	if (!best || want > best)
		return -ENOSPC;
	err = tfs_space_mark(s, bstart, want);
	if (err)
		return err;
	*start = bstart;
	*got = want;
	return 0;
}

u64 tfs_space_used(const struct tfs_space *s)
{
	u64 n = 0;
	u32 i;

	for (i = 0; i < s->count; i++)
		n += s->r[i].len;
	return n;
}

u64 tfs_space_end(const struct tfs_space *s)
{
	return s->count ? s->r[s->count - 1].start + s->r[s->count - 1].len : 0;
}
