/*
 * uaccess.c - checked access to user memory (sys/ layer). Ranges must lie
 * inside [USER_MIN, USER_MAX); the copy itself runs in arch/x86_64/entry.S
 * (user_copy, user_strncpy) whose faulting instructions have exception-
 * fixup entries, so a bad pointer yields -EFAULT and never a kernel fault.
 * Pages of valid VMAs are demand-faulted in as usual. Also the one reader
 * of a user struct timespec (timeouts and sleeps). Called by every
 * syscall that takes a pointer.
 */
#include "kernel/kernel.h"

long user_copy(void *dst, const void *src, size_t len);
long user_strncpy(char *dst, const char *usrc, size_t max);

bool user_range_ok(u64 uaddr, u64 len)
{
	if (len == 0)
		return true;
	return uaddr >= USER_MIN && uaddr < USER_MAX && len <= USER_MAX - uaddr;
}

int copy_from_user(void *dst, u64 usrc, size_t len)
{
	if (!user_range_ok(usrc, len))
		return -EFAULT;
	return user_copy(dst, (const void *)usrc, len) ? -EFAULT : 0;
}

int copy_to_user(u64 udst, const void *src, size_t len)
{
	if (!user_range_ok(udst, len))
		return -EFAULT;
	return user_copy((void *)udst, src, len) ? -EFAULT : 0;
}

long strncpy_from_user(char *dst, u64 usrc, size_t max)
{
	long n;

	if (!max)
		return -ENAMETOOLONG;
	if (usrc < USER_MIN || usrc >= USER_MAX)
		return -EFAULT;
	/* never read past USER_MAX */
	if (max > USER_MAX - usrc)
		max = USER_MAX - usrc;
	n = user_strncpy(dst, (const char *)usrc, max);
	if (n < 0)
		return -EFAULT;
	if ((size_t)n >= max) {
		dst[max - 1] = 0;
		return -ENAMETOOLONG;
	}
	return n;
}

/* struct timespec (x86-64) */
struct uaccess_timespec {
	s64 sec, nsec;
};
_Static_assert(sizeof(struct uaccess_timespec) == 16, "struct timespec");

int user_timespec_ns(u64 uts, u64 max_sec, u64 *ns)
{
	struct uaccess_timespec ts;

	if (copy_from_user(&ts, uts, sizeof(ts)))
		return -EFAULT;
	if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= 1000000000)
		return -EINVAL;
	if ((u64)ts.sec > max_sec) {
		*ns = max_sec * 1000000000ull;
		return 1;
	}
	*ns = (u64)ts.sec * 1000000000ull + (u64)ts.nsec;
	return 0;
}
