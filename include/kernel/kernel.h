/*
 * kernel/kernel.h - the kernel's table of contents: every function one
 * kernel subsystem calls in another, grouped by the file that implements it
 * (xv6 defs.h style). Subsystem-private helpers stay in their own headers.
 *
 * Address space (x86-64): kernel image linked at KERNEL_VIRT_BASE + its
 * physical load address; all RAM direct-mapped at DIRECT_MAP_BASE; user
 * space is [USER_MIN, USER_MAX). Device MMIO is mapped with vm_map_mmio.
 * Errors are 0 / -errno everywhere; panic() only for kernel bugs.
 */
#ifndef KERNEL_KERNEL_H
#define KERNEL_KERNEL_H

#include "types.h"
#include "lib/errno.h"
#include "lib/cstring.h"
#include "lib/alloc.h"

#define PAGE_SIZE 4096UL
#define KERNEL_VIRT_BASE 0xffffffff80000000UL
#define DIRECT_MAP_BASE 0xffff888000000000UL
#define USER_MIN 0x10000UL
#define USER_MAX 0x00007ffffffff000UL

/* ---- kernel/console.c: serial console + KLOG capture ---- */
void console_write(const char *s, size_t len); /* raw bytes to the console */
void kprintf(const char *fmt, ...) PRINTF_LIKE(1, 2);
/* kernel log lines: "[   0.012345] msg"; hidden by the runner unless -v */
void klog(const char *fmt, ...) PRINTF_LIKE(1, 2);
NORETURN void panic(const char *fmt, ...) PRINTF_LIKE(1, 2);
/* copy the last <= max bytes of console output (ring of 4 KiB) into buf;
 * returns the count (fs_shutdown writes them to the KLOG area) */
size_t console_tail(char *buf, size_t max);
/* lib/format.c provides snprintf/vsnprintf for kernel and stage2 */

/* ---- kernel/mm: physical pages, heap, kernel mappings ---- */
u64 page_alloc(unsigned order);          /* 2^order zeroed pages, phys addr, 0 = none */
void page_free(u64 phys, unsigned order);
void *kmalloc(size_t size);              /* lib_alloc() is the same heap */
void *kzalloc(size_t size);
void kfree(void *p);
static inline void *phys_to_virt(u64 phys)
{
	return (void *)(phys + DIRECT_MAP_BASE);
}
u64 virt_to_phys(const void *virt);      /* direct map or kernel image */
/* map device memory uncached into kernel space; *out is the virtual addr */
int vm_map_mmio(u64 phys, u64 size, void **out);

/* ---- arch/x86_64: interrupts ---- */
typedef void (*irq_handler_fn)(void *arg);
int irq_alloc(irq_handler_fn fn, void *arg);   /* vector >= 32, or -ENOSPC */
/* route an IOAPIC input (GSI) to a vector; level/active-low for PCI INTx */
int irq_route_gsi(u32 gsi, int vector, bool level, bool active_low);
void irq_msi_message(int vector, u64 *addr, u32 *data); /* for MSI/MSI-X */
/* wait for any interrupt: interrupts enabled for the wait only. Callers
 * loop: while (!done) arch_wait_irq(); (replaced by the scheduler's wait
 * queues when threads land) */
void arch_wait_irq(void);

/* ---- arch/x86_64: port and MMIO access ---- */
static inline void outb(u16 port, u8 v) { __asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port)); }
static inline void outw(u16 port, u16 v) { __asm__ volatile("outw %0, %1" ::"a"(v), "Nd"(port)); }
static inline void outl(u16 port, u32 v) { __asm__ volatile("outl %0, %1" ::"a"(v), "Nd"(port)); }
static inline u8 inb(u16 port) { u8 v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline u16 inw(u16 port) { u16 v; __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline u32 inl(u16 port) { u32 v; __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline u32 mmio_read32(const volatile void *p) { return *(const volatile u32 *)p; }
static inline void mmio_write32(volatile void *p, u32 v) { *(volatile u32 *)p = v; }
static inline u16 mmio_read16(const volatile void *p) { return *(const volatile u16 *)p; }
static inline void mmio_write16(volatile void *p, u16 v) { *(volatile u16 *)p = v; }
static inline u8 mmio_read8(const volatile void *p) { return *(const volatile u8 *)p; }
static inline void mmio_write8(volatile void *p, u8 v) { *(volatile u8 *)p = v; }
#define barrier() __asm__ volatile("" ::: "memory")
#define mb() __asm__ volatile("mfence" ::: "memory")

/* ---- kernel/boot info (arch fills it from PVH start info) ---- */
const char *boot_cmdline(void);          /* "" if none */
u64 boot_rsdp(void);                     /* ACPI RSDP phys addr, 0 if unknown */

/* ---- kernel/time ---- */
u64 clock_now_ns(void);                  /* monotonic ns since boot */
u64 clock_realtime_ns(void);             /* wall clock ns since the epoch */
/* a periodic tick (one user: net/ timers) run from the timer interrupt,
 * interrupts off; until the scheduler's timer queue lands */
void clock_tick_register(void (*fn)(void), u64 period_ns);

/* ---- kernel/exit.c ---- */
/* flush filesystems and the KLOG, then power off with this exit code
 * (isa-debug-exit: QEMU exits (code<<1)|1; ACPI off otherwise) */
NORETURN void kernel_exit(int code);
/* set by kernel_exit before fs_shutdown: device waits keep the CPU from
 * then on (no other thread may run into a half-shut-down kernel) */
extern bool kernel_exiting;

/* ---- sys/uaccess.c: checked user memory access ---- */
bool user_range_ok(u64 uaddr, u64 len);
int copy_from_user(void *dst, u64 usrc, size_t len);   /* 0 or -EFAULT */
int copy_to_user(u64 udst, const void *src, size_t len); /* 0 or -EFAULT */
/* copy a NUL-terminated string: length, -EFAULT or -ENAMETOOLONG */
long strncpy_from_user(char *dst, u64 usrc, size_t max);
/* a user struct timespec (a duration or an absolute time) in ns: 0; 1 when
 * tv_sec exceeds max_sec (*ns is then max_sec seconds: the caller clamps
 * or waits forever, its policy); -EFAULT; -EINVAL (a negative field,
 * tv_nsec >= 1e9) */
int user_timespec_ns(u64 uts, u64 max_sec, u64 *ns);
/* the caps the callers use: sleeps, futex/sigtimedwait waits, poll/select */
#define UTS_MAX_SLEEP_SEC (100ULL * 365 * 86400 * 100)
#define UTS_MAX_WAIT_SEC  (1000ULL * 365 * 86400)
#define UTS_FOREVER_SEC	  (100ULL * 365 * 86400)

/* ---- drivers/block.c: block devices ---- */
struct blockdev {
	const char *name;
	u64 sectors; /* 512-byte sectors */
	int (*read)(struct blockdev *bd, void *buf, u64 sector, u32 count);
	int (*write)(struct blockdev *bd, const void *buf, u64 sector, u32 count);
	int (*flush)(struct blockdev *bd);
	void *priv;
};
int blockdev_register(struct blockdev *bd);
struct blockdev *blockdev_get(unsigned idx); /* NULL past the last */

/* ---- drivers/: probing ---- */
void drivers_init(void);                 /* PCI enumeration, virtio-mmio, devices */

/* ---- fs/: mounting, config, files ---- */
int fs_init(void);                       /* find rootfs, mount it read-only */
struct value *config_root(void);         /* the root tuple (manifest) */
bool config_flag(const char *key);       /* value_flag(config_root(), key) */
/* at exit: write the KLOG area (exit code + console tail) and flush every
 * mounted filesystem and block device; safe to call if fs_init failed */
void fs_shutdown(int exit_code);

/* ---- net/net.c: network interfaces ---- */
/* bring up the NICs drivers found, configured from the manifest (DHCP,
 * static, IPv6); nothing happens without a NIC. 0 or -EINVAL (bad setting,
 * printed) */
int net_init(struct value *root);
/* before the program starts: wait up to exec_wait_for_ip4_secs for an IPv4
 * address (no-op when unset or without a NIC) */
void net_wait_ready(struct value *root);
/* net/dns.c: the text of /etc/resolv.conf when the image has none (the
 * manifest's dns servers, else DHCP's); its length (written up to size) */
size_t net_resolv_conf(char *buf, size_t size);

struct file;                             /* fs/vfs.h has the details */
int vfs_open(const char *path, int flags, u32 mode, struct file **out);
s64 vfs_pread(struct file *f, void *kbuf, u64 len, u64 off);
u64 vfs_size(struct file *f);
void file_put(struct file *f);
struct file *fd_get(int fd);             /* a reference (file_put it), NULL if not open */
/* fs/proc.c: label a file mapping [start, end) (file offset off at start)
 * with the file's path and inode for /proc/self/maps */
void proc_name_mapping(struct file *f, u64 start, u64 end, u64 off);
/* fs/special.c: ChaCha20 stream seeded from RDRAND (when CPUID has it) +
 * TSC; backs /dev/urandom, getrandom and AT_RANDOM */
void random_bytes(void *buf, size_t len);

#endif
