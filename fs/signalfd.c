/*
 * fs/signalfd.c - signalfd and signalfd4: a file that reads the calling
 * thread's pending signals of its mask (thread-directed first, then
 * process-directed) as 128-byte struct signalfd_siginfo records, taking
 * them off the pending set like sigwaitinfo. Programs block those signals
 * (sigprocmask) so they stay pending instead of being delivered. A read
 * blocks (interruptibly; EAGAIN with SFD_NONBLOCK) until one is pending;
 * poll/epoll report POLLIN while one is pending for the polling thread.
 * Every signal that becomes pending wakes one shared poll head
 * (signalfd_notify, called by sys/sys_signal.c), so pollers re-check.
 * Layer: fs. Callers: the syscall table (sys_signalfd, sys_signalfd4),
 * sys/sys_signal.c (signalfd_notify).
 */
#include "fs/vfs.h"
#include "fs/poll.h"
#include "kernel/thread.h"
#include "sys/syscalls.h"
#include "sys/signal.h"

#define SFD_CLOEXEC  O_CLOEXEC
#define SFD_NONBLOCK O_NONBLOCK
#define SIGKILL_BIT  (1ull << 8)
#define SIGSTOP_BIT  (1ull << 18)

struct signalfd_siginfo_abi {
	u32 ssi_signo;
	s32 ssi_errno;
	s32 ssi_code;
	u32 ssi_pid;
	u32 ssi_uid;
	s32 ssi_fd;
	u32 ssi_tid;
	u32 ssi_band;
	u32 ssi_overrun;
	u32 ssi_trapno;
	s32 ssi_status;
	s32 ssi_int;
	u64 ssi_ptr;
	u64 ssi_utime;
	u64 ssi_stime;
	u64 ssi_addr;
	u16 ssi_addr_lsb;
	u16 pad2;
	s32 ssi_syscall;
	u64 ssi_call_addr;
	u32 ssi_arch;
	u8 pad[28];
};
_Static_assert(sizeof(struct signalfd_siginfo_abi) == 128, "struct signalfd_siginfo");

struct signalfd {
	u64 mask; /* bit n-1 = signal n */
};

static struct poll_head sigfd_head; /* woken whenever a signal becomes pending */
static bool sigfd_head_ready;

static void sigfd_head_init(void)
{
	if (!sigfd_head_ready) {
		poll_head_init(&sigfd_head);
		sigfd_head_ready = true;
	}
}

void signalfd_notify(void)
{
	if (sigfd_head_ready)
		poll_head_wake(&sigfd_head);
}

static const struct file_ops signalfd_ops;

static void sigfd_fill(struct signalfd_siginfo_abi *o, int sig, const struct sig_info_k *ik)
{
	memset(o, 0, sizeof(*o));
	o->ssi_signo = (u32)sig;
	o->ssi_code = ik->code;
	if (ik->code == SI_TIMER) {
		o->ssi_tid = (u32)ik->pid; /* the kernel timer id */
		o->ssi_overrun = (u32)ik->overrun;
		o->ssi_ptr = ik->addr;
		o->ssi_int = (s32)ik->addr;
	} else if (ik->code <= 0) {
		o->ssi_pid = (u32)ik->pid; /* kill/tgkill: the sender, uid 0 */
	} else {
		o->ssi_addr = ik->addr; /* faults */
	}
}

static bool sigfd_ready(const struct signalfd *s)
{
	struct thread *t = current();

	return ((t->sigpending | thread_group_pending) & s->mask) != 0;
}

static s64 signalfd_read(struct file *f, void *kbuf, u64 len)
{
	struct signalfd *s = f->priv;
	struct signalfd_siginfo_abi *out = kbuf;
	u64 n = 0, max = len / sizeof(*out);

	if (!max)
		return -EINVAL;
	while (n < max) {
		struct sig_info_k ik;
		int sig = signal_dequeue(s->mask, &ik);

		if (sig) {
			sigfd_fill(&out[n++], sig, &ik);
			continue;
		}
		if (n)
			break;
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		if (waitq_wait(&sigfd_head.q, 0, true) == -EINTR)
			return -ERESTARTSYS;
	}
	return (s64)(n * sizeof(*out));
}

static u32 signalfd_poll(struct file *f, struct poll_table *pt)
{
	struct signalfd *s = f->priv;

	poll_wait(pt, &sigfd_head, POLLIN | POLLRDNORM);
	return sigfd_ready(s) ? POLLIN | POLLRDNORM : 0;
}

static void signalfd_close(struct file *f)
{
	kfree(f->priv);
}

static const struct file_ops signalfd_ops = {
    .read = signalfd_read,
    .close = signalfd_close,
    .poll = signalfd_poll,
    .stat = file_anon_stat,
};

static long do_signalfd4(int fd, u64 umask, u64 size, u64 flags)
{
	struct signalfd *s;
	struct file *f;
	u64 mask;
	int nfd;

	if (flags & ~(u64)(SFD_CLOEXEC | SFD_NONBLOCK))
		return -EINVAL;
	if (size != sizeof(u64))
		return -EINVAL;
	if (copy_from_user(&mask, umask, sizeof(mask)))
		return -EFAULT;
	mask &= ~(SIGKILL_BIT | SIGSTOP_BIT); /* silently ignored, as Linux */
	sigfd_head_init();
	if (fd != -1) { /* replace the mask of an existing signalfd */
		f = fd_get(fd);
		if (!f)
			return -EBADF;
		if (f->ops != &signalfd_ops) {
			file_put(f);
			return -EINVAL;
		}
		((struct signalfd *)f->priv)->mask = mask;
		file_put(f);
		poll_head_wake(&sigfd_head); /* readiness may have changed */
		return fd;
	}
	s = kzalloc(sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->mask = mask;
	f = file_alloc(&signalfd_ops, NULL, NULL, O_RDONLY | (u32)(flags & SFD_NONBLOCK));
	if (!f) {
		kfree(s);
		return -ENOMEM;
	}
	f->priv = s;
	nfd = fd_install(f, flags & SFD_CLOEXEC, 0);
	if (nfd < 0)
		file_put(f);
	return nfd;
}

long sys_signalfd(SYS_ARGS)
{
	return do_signalfd4((int)a0, a1, a2, 0);
}

long sys_signalfd4(SYS_ARGS)
{
	return do_signalfd4((int)a0, a1, a2, a3);
}
