/*
 * console.c - stage2's output: COM1 (0x3f8, 115200 8N1) and a small
 * printf (%s %c %d %u %x with l/ll, and %p) for loader messages. Layer:
 * boot (stage2). Callers: every stage2 file, mostly through stage2_fail.
 * The loader is silent on success; only failures print.
 */
#include <stdarg.h>

#include "boot/stage2/stage2.h"
#include "lib/cstring.h"

#define COM1 0x3f8

static inline void outb(u16 port, u8 v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline u8 inb(u16 port)
{
	u8 v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outl(u16 port, u32 v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

void con_init(void)
{
	outb(COM1 + 1, 0x00); /* no interrupts */
	outb(COM1 + 3, 0x80); /* DLAB */
	outb(COM1 + 0, 0x01); /* 115200 */
	outb(COM1 + 1, 0x00);
	outb(COM1 + 3, 0x03); /* 8N1 */
	outb(COM1 + 2, 0xc7); /* FIFO on, cleared */
	outb(COM1 + 4, 0x03); /* DTR, RTS */
}

static void con_putc(char c)
{
	/* bounded wait: a missing UART must not hang the loader */
	for (u32 i = 0; i < 100000 && !(inb(COM1 + 5) & 0x20); i++)
		;
	outb(COM1, (u8)c);
}

void con_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			con_putc('\r');
		con_putc(s[i]);
	}
}

static void con_number(u64 v, unsigned base, bool neg)
{
	char buf[24];
	int i = sizeof(buf);

	do {
		buf[--i] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	if (neg)
		buf[--i] = '-';
	con_write(buf + i, sizeof(buf) - i);
}

static void con_vprintf(const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			con_write(fmt, 1);
			continue;
		}
		int longs = 0;
		fmt++;
		while (*fmt == 'l') {
			longs++;
			fmt++;
		}
		u64 v;
		switch (*fmt) {
		case 's': {
			const char *s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			con_write(s, strlen(s));
			break;
		}
		case 'c': {
			char c = (char)va_arg(ap, int);
			con_write(&c, 1);
			break;
		}
		case 'd': {
			s64 sv = longs >= 2 ? va_arg(ap, long long)
				 : longs    ? va_arg(ap, long)
					    : va_arg(ap, int);
			con_number(sv < 0 ? -(u64)sv : (u64)sv, 10, sv < 0);
			break;
		}
		case 'u':
		case 'x':
			v = longs >= 2 ? va_arg(ap, unsigned long long)
			    : longs    ? va_arg(ap, unsigned long)
				       : va_arg(ap, unsigned int);
			con_number(v, *fmt == 'u' ? 10 : 16, false);
			break;
		case 'p':
			con_write("0x", 2);
			con_number((u32)va_arg(ap, void *), 16, false);
			break;
		case '%':
			con_write("%", 1);
			break;
		case '\0':
			return;
		default:
			con_write("%?", 2);
			break;
		}
	}
}

void con_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	con_vprintf(fmt, ap);
	va_end(ap);
}

void stage2_exit(u32 code)
{
	outl(0xf4, code); /* isa-debug-exit, where present */
	for (;;)
		__asm__ volatile("cli; hlt");
}

void stage2_fail(const char *fmt, ...)
{
	va_list ap;

	con_write("stage2: ", 8);
	va_start(ap, fmt);
	con_vprintf(fmt, ap);
	va_end(ap);
	con_write("\n", 1);
	stage2_exit(BOOT_FAIL_CODE);
}
