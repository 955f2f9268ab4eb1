/*
 * console.c - the serial console (16550 UART at 0x3f8), kprintf, klog and
 * panic (kernel layer; everyone calls it). The program's stdout/stderr go
 * through console_write too. The last CONSOLE_RING bytes written are kept
 * in a ring for the KLOG area (console_tail, used by fs_shutdown).
 *
 * klog lines are buffered from the start and printed only when enabled
 * (kernel command line "klog" or manifest klog:t): klog_enable() replays
 * the buffered lines so the boot timeline is complete.
 */
#include "kernel/kernel.h"
#include "kernel/klog.h"
#include "arch.h"
#include "lib/format.h"

#define COM1 0x3f8
#define CONSOLE_RING 4096
#define KLOG_BUF 8192

static char console_ring[CONSOLE_RING];
static u64 console_ring_pos; /* total bytes ever written */
static bool console_ready;
static bool klog_on;
static char klog_buf[KLOG_BUF];
static size_t klog_buf_len;

/* klog lines from before the clock is calibrated: kept with their TSC
 * and given real timestamps by klog_clock_ready() */
#define KLOG_EARLY_LINES 32
#define KLOG_EARLY_TEXT 3072
static struct {
	u64 tsc;
	u16 off, len;
} early[KLOG_EARLY_LINES];
static unsigned nr_early;
static char early_text[KLOG_EARLY_TEXT];
static size_t early_used;
static bool clock_ok;

void console_init(void)
{
	outb(COM1 + 1, 0x00); /* no interrupts */
	outb(COM1 + 3, 0x80); /* DLAB */
	outb(COM1 + 0, 0x01); /* 115200 baud */
	outb(COM1 + 1, 0x00);
	outb(COM1 + 3, 0x03); /* 8N1 */
	outb(COM1 + 2, 0xc7); /* FIFO on, cleared */
	outb(COM1 + 4, 0x03); /* DTR RTS */
	console_ready = true;
}

/* bounded wait for an empty transmitter: an absent UART must not hang us */
static void serial_wait_thre(void)
{
	for (unsigned i = 0; i < 100000 && !(inb(COM1 + 5) & 0x20); i++)
		;
}

void console_write(const char *s, size_t len)
{
	/* raw bytes: the program's output passes through unchanged (the
	 * runner owns terminal translation) */
	for (size_t i = 0; i < len; i++)
		console_ring[console_ring_pos++ % CONSOLE_RING] = s[i];
	/* THRE set means the 16-byte FIFO is empty: fill it without polling
	 * between bytes (one status read per 16 bytes: fewer VM exits) */
	for (size_t i = 0; i < len;) {
		size_t n = MIN(len - i, (size_t)16);

		serial_wait_thre();
		for (size_t k = 0; k < n; k++)
			outb(COM1, (u8)s[i + k]);
		i += n;
	}
}

size_t console_tail(char *buf, size_t max)
{
	u64 have = console_ring_pos < CONSOLE_RING ? console_ring_pos : CONSOLE_RING;
	u64 n = have < max ? have : max;
	u64 start = console_ring_pos - n;

	for (u64 i = 0; i < n; i++)
		buf[i] = console_ring[(start + i) % CONSOLE_RING];
	return n;
}

void kvprintf(const char *fmt, va_list ap)
{
	char buf[512];
	int n = fmt_vsnprintf(buf, sizeof(buf), fmt, ap);

	if (n > (int)sizeof(buf) - 1)
		n = sizeof(buf) - 1;
	console_write(buf, (size_t)n);
}

void kprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
}

static void klog_emit(u64 ns, const char *msg, size_t len)
{
	char line[320];
	int n;

	n = fmt_snprintf(line, sizeof(line), "[%5lu.%06lu] %.*s\n", (unsigned long)(ns / 1000000000),
			 (unsigned long)(ns / 1000 % 1000000), (int)len, msg);
	if (n > (int)sizeof(line) - 1)
		n = sizeof(line) - 1;
	if (klog_on) {
		console_write(line, (size_t)n);
	} else if (klog_buf_len + (size_t)n <= KLOG_BUF) {
		memcpy(klog_buf + klog_buf_len, line, (size_t)n);
		klog_buf_len += (size_t)n;
	}
}

void klog(const char *fmt, ...)
{
	char msg[288];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(msg) - 1)
		n = sizeof(msg) - 1;
	if (!clock_ok) {
		if (nr_early < KLOG_EARLY_LINES && early_used + (size_t)n <= KLOG_EARLY_TEXT) {
			early[nr_early].tsc = arch_rdtsc();
			early[nr_early].off = (u16)early_used;
			early[nr_early].len = (u16)n;
			memcpy(early_text + early_used, msg, (size_t)n);
			early_used += (size_t)n;
			nr_early++;
		}
		return;
	}
	klog_emit(clock_now_ns(), msg, (size_t)n);
}

void klog_clock_ready(void)
{
	clock_ok = true;
	for (unsigned i = 0; i < nr_early; i++)
		klog_emit(arch_tsc_to_ns(early[i].tsc), early_text + early[i].off, early[i].len);
	nr_early = 0;
}

void klog_enable(void)
{
	if (klog_on)
		return;
	klog_on = true;
	console_write(klog_buf, klog_buf_len);
	klog_buf_len = 0;
}

bool klog_enabled(void)
{
	return klog_on;
}

static bool in_panic;

void panic(const char *fmt, ...)
{
	static const char marker[] = "\x1b]999;monos-panic\x07";
	va_list ap;

	__asm__ volatile("cli");
	if (!console_ready)
		console_init();
	if (in_panic) /* a fault while panicking: stop here */
		goto out_exit;
	in_panic = true;
	if (klog_on && !clock_ok) /* early lines, without timestamps */
		for (unsigned i = 0; i < nr_early; i++)
			kprintf("[  early ] %.*s\n", early[i].len, early_text + early[i].off);
	kprintf("\npanic: ");
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");
	backtrace_here();
out_exit:
	console_write(marker, sizeof(marker) - 1);
	outl(0xf4, 0x7e);
	arch_acpi_poweroff();
	arch_halt_forever();
}
