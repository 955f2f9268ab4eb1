/*
 * lib/format.c - printf-style formatting into a bounded buffer (lib/
 * layer, built for the kernel and the host). Used by kprintf/klog/panic,
 * the syscall trace and stage2's messages; host unit test:
 * tests/unit/test_format.c. See format.h for the supported conversions.
 */
#include "lib/format.h"
#include "lib/cstring.h"

struct fmt_out {
	char *buf;
	size_t size;
	size_t len; /* characters produced so far (may exceed size) */
};

static void fmt_putc(struct fmt_out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void fmt_pad(struct fmt_out *o, char c, int n)
{
	while (n-- > 0)
		fmt_putc(o, c);
}

#define FMT_LEFT 0x1
#define FMT_ZERO 0x2
#define FMT_PLUS 0x4
#define FMT_SPACE 0x8
#define FMT_ALT 0x10

struct fmt_spec {
	unsigned flags;
	int width;
	int prec; /* -1: none */
};

static void fmt_str(struct fmt_out *o, const struct fmt_spec *sp, const char *s)
{
	int n = 0;

	if (!s)
		s = "(null)";
	while (s[n] && (sp->prec < 0 || n < sp->prec))
		n++;
	if (!(sp->flags & FMT_LEFT))
		fmt_pad(o, ' ', sp->width - n);
	for (int i = 0; i < n; i++)
		fmt_putc(o, s[i]);
	if (sp->flags & FMT_LEFT)
		fmt_pad(o, ' ', sp->width - n);
}

static void fmt_num(struct fmt_out *o, const struct fmt_spec *sp, u64 v, bool neg,
		    unsigned base, bool upper, const char *prefix)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0, plen = 0, zeros = 0, total;
	char sign = 0;

	if (neg)
		sign = '-';
	else if (sp->flags & FMT_PLUS)
		sign = '+';
	else if (sp->flags & FMT_SPACE)
		sign = ' ';
	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	if (sp->prec == 0 && n == 1 && tmp[0] == '0')
		n = 0;
	if (prefix)
		plen = (int)strlen(prefix);
	if (sp->prec > n)
		zeros = sp->prec - n;
	total = n + zeros + plen + (sign ? 1 : 0);
	if ((sp->flags & FMT_ZERO) && !(sp->flags & FMT_LEFT) && sp->prec < 0 &&
	    sp->width > total) {
		zeros += sp->width - total;
		total = sp->width;
	}
	if (!(sp->flags & FMT_LEFT))
		fmt_pad(o, ' ', sp->width - total);
	if (sign)
		fmt_putc(o, sign);
	for (int i = 0; i < plen; i++)
		fmt_putc(o, prefix[i]);
	fmt_pad(o, '0', zeros);
	while (n)
		fmt_putc(o, tmp[--n]);
	if (sp->flags & FMT_LEFT)
		fmt_pad(o, ' ', sp->width - total);
}

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct fmt_out o = { buf, size, 0 };

	for (const char *p = fmt; *p; p++) {
		struct fmt_spec sp = { 0, 0, -1 };
		int lng = 0; /* 0 int, 1 long, 2 long long, -1 short, -2 char */
		u64 uv;
		s64 sv;

		if (*p != '%') {
			fmt_putc(&o, *p);
			continue;
		}
		p++;
		for (;; p++) {
			if (*p == '-')
				sp.flags |= FMT_LEFT;
			else if (*p == '0')
				sp.flags |= FMT_ZERO;
			else if (*p == '+')
				sp.flags |= FMT_PLUS;
			else if (*p == ' ')
				sp.flags |= FMT_SPACE;
			else if (*p == '#')
				sp.flags |= FMT_ALT;
			else
				break;
		}
		if (*p == '*') {
			sp.width = va_arg(ap, int);
			if (sp.width < 0) {
				sp.flags |= FMT_LEFT;
				sp.width = -sp.width;
			}
			p++;
		} else {
			while (*p >= '0' && *p <= '9')
				sp.width = sp.width * 10 + (*p++ - '0');
		}
		if (*p == '.') {
			p++;
			sp.prec = 0;
			if (*p == '*') {
				sp.prec = va_arg(ap, int);
				if (sp.prec < 0)
					sp.prec = -1;
				p++;
			} else {
				while (*p >= '0' && *p <= '9')
					sp.prec = sp.prec * 10 + (*p++ - '0');
			}
		}
		for (;; p++) {
			if (*p == 'l')
				lng = lng >= 1 ? 2 : 1;
			else if (*p == 'h')
				lng = lng <= -1 ? -2 : -1;
			else if (*p == 'z' || *p == 't' || *p == 'j')
				lng = 2;
			else
				break;
		}
		switch (*p) {
		case 'd':
		case 'i':
			if (lng == 2)
				sv = va_arg(ap, long long);
			else if (lng == 1)
				sv = va_arg(ap, long);
			else
				sv = va_arg(ap, int);
			if (lng == -1)
				sv = (short)sv;
			else if (lng == -2)
				sv = (signed char)sv;
			fmt_num(&o, &sp, sv < 0 ? -(u64)sv : (u64)sv, sv < 0, 10, false, NULL);
			break;
		case 'u':
		case 'x':
		case 'X':
		case 'o':
			if (lng == 2)
				uv = va_arg(ap, unsigned long long);
			else if (lng == 1)
				uv = va_arg(ap, unsigned long);
			else
				uv = va_arg(ap, unsigned int);
			if (lng == -1)
				uv = (unsigned short)uv;
			else if (lng == -2)
				uv = (unsigned char)uv;
			if (*p == 'u')
				fmt_num(&o, &sp, uv, false, 10, false, NULL);
			else if (*p == 'o')
				fmt_num(&o, &sp, uv, false, 8, false,
					(sp.flags & FMT_ALT) && uv ? "0" : NULL);
			else
				fmt_num(&o, &sp, uv, false, 16, *p == 'X',
					(sp.flags & FMT_ALT) && uv ? (*p == 'X' ? "0X" : "0x")
								   : NULL);
			break;
		case 'p':
			uv = (u64)(uintptr_t)va_arg(ap, void *);
			fmt_num(&o, &sp, uv, false, 16, false, "0x");
			break;
		case 's':
			fmt_str(&o, &sp, va_arg(ap, const char *));
			break;
		case 'c': {
			char c[2] = { (char)va_arg(ap, int), 0 };

			sp.prec = -1;
			if (!(sp.flags & FMT_LEFT))
				fmt_pad(&o, ' ', sp.width - 1);
			fmt_putc(&o, c[0]);
			if (sp.flags & FMT_LEFT)
				fmt_pad(&o, ' ', sp.width - 1);
			break;
		}
		case '%':
			fmt_putc(&o, '%');
			break;
		case '\0':
			p--; /* lone '%' at the end: stop */
			break;
		default: /* unknown conversion: print it as is */
			fmt_putc(&o, '%');
			fmt_putc(&o, *p);
			break;
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
