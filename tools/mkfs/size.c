/*
 * size.c - size strings for mkfs -s and the manifest's imagesize: decimal
 * bytes with an optional one-letter suffix k/K (KiB), m/M (MiB), g/G (GiB),
 * as the reference mkfs accepts. Anything else (empty, signs, spaces, a
 * second suffix letter, "1.5g") is -EINVAL; a value that does not fit in
 * 63 bits is -ERANGE. Layer: mkfs host tool; called by main.c and tree.c.
 */
#include "lib/errno.h"
#include "tools/mkfs/mkfs.h"

int mkfs_parse_size(const char *s, size_t len, u64 *out)
{
	u64 n = 0, mul = 1;
	size_t i = 0;

	if (len == 0 || s[0] < '0' || s[0] > '9')
		return -EINVAL;
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
		u64 d = (u64)(s[i] - '0');

		if (n > (INT64_MAX - d) / 10)
			return -ERANGE;
		n = n * 10 + d;
	}
	if (i < len) {
		switch (s[i]) {
		case 'k':
		case 'K':
			mul = 1ull << 10;
			break;
		case 'm':
		case 'M':
			mul = 1ull << 20;
			break;
		case 'g':
		case 'G':
			mul = 1ull << 30;
			break;
		default:
			return -EINVAL;
		}
		if (++i != len)
			return -EINVAL;
	}
	if (n > INT64_MAX / mul)
		return -ERANGE;
	*out = n * mul;
	return 0;
}
