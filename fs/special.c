/*
 * fs/special.c - the synthetic files: /dev/null, /dev/zero, /dev/full,
 * /dev/random, /dev/urandom (a ChaCha20 stream, lib/rng.c, seeded from
 * RDRAND when CPUID has it, and the TSC), /dev/console and /dev/tty (the
 * serial console: reads give EOF, writes go to console_write, terminal
 * ioctls get -ENOTTY: the console is not a terminal, so programs behave as
 * with a pipe), /dev/stdin|stdout|stderr and /dev/fd (symlinks into
 * /proc/self/fd), and fds 0/1/2.
 * Layer: fs. Callers: fs/vfs.c, fs/node.c (dev_table), K1's getrandom and
 * AT_RANDOM (random_bytes).
 */
#include "fs/vfs.h"
#include "lib/rng.h"

/* ---- random ---- */

static struct rng kernel_rng;
static bool rng_ready;

static bool cpu_has_rdrand(void)
{
	u32 a = 1, b, c = 0, d;

	__asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	return (c >> 30) & 1;
}

static bool rdrand64(u64 *v)
{
	u8 ok;

	for (int i = 0; i < 10; i++) {
		__asm__ volatile("rdrand %0; setc %1" : "=r"(*v), "=qm"(ok)::"cc");
		if (ok)
			return true;
	}
	return false;
}

static u64 rdtsc(void)
{
	u32 lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (u64)hi << 32 | lo;
}

static void rng_init(void)
{
	u8 seed[32], nonce[12];
	bool hw = cpu_has_rdrand();

	for (int i = 0; i < 4; i++) {
		u64 v = 0, t = rdtsc();

		if (!hw || !rdrand64(&v))
			hw = false;
		/* the TSC alone is weak; mixed in always, the only source
		 * without RDRAND */
		v ^= t * 0x9e3779b97f4a7c15ull;
		memcpy(seed + 8 * i, &v, 8);
	}
	{
		u64 t = rdtsc(), c = clock_now_ns();

		memcpy(nonce, &t, 8);
		memcpy(nonce + 8, &c, 4);
	}
	rng_seed(&kernel_rng, seed, nonce);
	memset(seed, 0, sizeof(seed));
	rng_ready = true;
	klog("random: seeded from %s", hw ? "RDRAND + TSC" : "TSC only (no RDRAND)");
}

void random_bytes(void *buf, size_t len)
{
	if (!rng_ready)
		rng_init();
	rng_fill(&kernel_rng, buf, len);
}

/* ---- /dev/null, zero, full, random ---- */

static s64 null_read(struct file *f, void *kbuf, u64 len)
{
	return 0;
}

static s64 null_pread(struct file *f, void *kbuf, u64 len, u64 off)
{
	return 0;
}

static s64 sink_write(struct file *f, const void *kbuf, u64 len)
{
	return (s64)len;
}

static s64 sink_pwrite(struct file *f, const void *kbuf, u64 len, u64 off)
{
	return (s64)len;
}

static s64 zero_lseek(struct file *f, s64 off, int whence)
{
	f->pos = 0;
	return 0;
}

static s64 zero_read(struct file *f, void *kbuf, u64 len)
{
	memset(kbuf, 0, len);
	return (s64)len;
}

static s64 zero_pread(struct file *f, void *kbuf, u64 len, u64 off)
{
	return zero_read(f, kbuf, len);
}

static s64 full_write(struct file *f, const void *kbuf, u64 len)
{
	return -ENOSPC;
}

static s64 full_pwrite(struct file *f, const void *kbuf, u64 len, u64 off)
{
	return -ENOSPC;
}

static s64 random_read(struct file *f, void *kbuf, u64 len)
{
	random_bytes(kbuf, len);
	return (s64)len;
}

static s64 random_pread(struct file *f, void *kbuf, u64 len, u64 off)
{
	return random_read(f, kbuf, len);
}

static const struct file_ops null_ops = {
    .read = null_read,
    .write = sink_write,
    .pread = null_pread,
    .pwrite = sink_pwrite,
    .lseek = zero_lseek,
};

static const struct file_ops zero_ops = {
    .read = zero_read,
    .write = sink_write,
    .pread = zero_pread,
    .pwrite = sink_pwrite,
    .lseek = zero_lseek,
};

static const struct file_ops full_ops = {
    .read = zero_read,
    .write = full_write,
    .pread = zero_pread,
    .pwrite = full_pwrite,
    .lseek = zero_lseek,
};

static const struct file_ops random_ops = {
    .read = random_read,
    .write = sink_write,
    .pread = random_pread,
    .pwrite = sink_pwrite,
    .lseek = zero_lseek,
};

/* ---- console ---- */

static s64 console_read(struct file *f, void *kbuf, u64 len)
{
	return 0; /* stdin is at EOF */
}

static s64 console_fwrite(struct file *f, const void *kbuf, u64 len)
{
	console_write(kbuf, len);
	return (s64)len;
}

static const struct file_ops console_ops = {
    .read = console_read,
    .write = console_fwrite,
};

#define DEV_CONSOLE_IDX 5

const struct dev_entry dev_table[] = {
    {"null", S_IFCHR | 0666, 0x103, NULL, &null_ops},
    {"zero", S_IFCHR | 0666, 0x105, NULL, &zero_ops},
    {"full", S_IFCHR | 0666, 0x107, NULL, &full_ops},
    {"random", S_IFCHR | 0666, 0x108, NULL, &random_ops},
    {"urandom", S_IFCHR | 0666, 0x109, NULL, &random_ops},
    {"console", S_IFCHR | 0600, 0x501, NULL, &console_ops},
    {"tty", S_IFCHR | 0666, 0x500, NULL, &console_ops},
    {"stdin", S_IFLNK | 0777, 0, "/proc/self/fd/0", NULL},
    {"stdout", S_IFLNK | 0777, 0, "/proc/self/fd/1", NULL},
    {"stderr", S_IFLNK | 0777, 0, "/proc/self/fd/2", NULL},
    {"fd", S_IFLNK | 0777, 0, "/proc/self/fd", NULL},
};
const unsigned dev_count = ARRAY_SIZE(dev_table);

void console_init_fds(void)
{
	struct vnode vn = {VN_DEV, DEV_CONSOLE_IDX, NULL}, dir = {VN_DEV_DIR, 0, NULL};
	struct file *f = file_alloc(&console_ops, &vn, &dir, O_RDWR | O_LARGEFILE);

	if (!f)
		return;
	for (int fd = 0; fd < 3; fd++) {
		if (fd)
			file_get(f);
		fd_install(f, false, fd);
	}
}
