/*
 * tfs_msg.c - formats the human-readable reason of a TFS failure into a
 * struct tfs_msg ("log extension at sector 2048: bad magic"). A tiny
 * printf subset, since lib/ has no libc: %s (string), %d (int), %u (u64
 * decimal), %x (u64 hex), %%. Output is truncated to the buffer.
 *
 * Layer: lib/ (freestanding + hosted). Callers: lib/tfs*.c.
 */
#include <stdarg.h>

#include "lib/cstring.h"
#include "lib/tfs_internal.h"

static void tfs_msg_putc(struct tfs_msg *m, size_t *pos, char ch)
{
	if (*pos + 1 < sizeof(m->text))
		m->text[(*pos)++] = ch;
}

static void tfs_msg_putu(struct tfs_msg *m, size_t *pos, u64 v, unsigned base)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (n)
		tfs_msg_putc(m, pos, tmp[--n]);
}

void tfs_msgf(struct tfs_msg *m, const char *fmt, ...)
{
	va_list ap;
	size_t pos = 0;
	const char *s;
	int d;

	if (!m)
		return;
	va_start(ap, fmt);
	for (; *fmt; fmt++) {
		if (*fmt != '%' || !fmt[1]) {
			tfs_msg_putc(m, &pos, *fmt);
			continue;
		}
		switch (*++fmt) {
		case 's':
			s = va_arg(ap, const char *);
			for (s = s ? s : "(null)"; *s; s++)
				tfs_msg_putc(m, &pos, *s);
			break;
		case 'd':
			d = va_arg(ap, int);
			if (d < 0) {
				tfs_msg_putc(m, &pos, '-');
				tfs_msg_putu(m, &pos, (u64)0 - (u64)(s64)d, 10);
			} else {
				tfs_msg_putu(m, &pos, (u64)d, 10);
			}
			break;
		case 'u':
			tfs_msg_putu(m, &pos, va_arg(ap, u64), 10);
			break;
		case 'x':
			tfs_msg_putu(m, &pos, va_arg(ap, u64), 16);
			break;
		default:
			tfs_msg_putc(m, &pos, *fmt);
			break;
		}
	}
	va_end(ap);
	m->text[pos] = '\0';
}
