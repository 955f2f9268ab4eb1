/*
 * sys_weak.c - stand-ins returning -ENOSYS for the file syscalls (sys/
 * layer) until the kernel I/O side defines the real ones: a strong
 * definition anywhere in the kernel replaces these at link time.
 */
#include "kernel/kernel.h"
#include "sys/syscalls.h"

static long weak_enosys(SYS_ARGS)
{
	return -ENOSYS;
}

long sys_read(SYS_ARGS) __attribute__((weak, alias("weak_enosys")));
long sys_write(SYS_ARGS) __attribute__((weak, alias("weak_enosys")));
long sys_readv(SYS_ARGS) __attribute__((weak, alias("weak_enosys")));
long sys_writev(SYS_ARGS) __attribute__((weak, alias("weak_enosys")));
long sys_pread64(SYS_ARGS) __attribute__((weak, alias("weak_enosys")));
long sys_pwrite64(SYS_ARGS) __attribute__((weak, alias("weak_enosys")));
long sys_open(SYS_ARGS) __attribute__((weak, alias("weak_enosys")));
long sys_openat(SYS_ARGS) __attribute__((weak, alias("weak_enosys")));
long sys_close(SYS_ARGS) __attribute__((weak, alias("weak_enosys")));
long sys_lseek(SYS_ARGS) __attribute__((weak, alias("weak_enosys")));
long sys_fstat(SYS_ARGS) __attribute__((weak, alias("weak_enosys")));
long sys_stat(SYS_ARGS) __attribute__((weak, alias("weak_enosys")));
long sys_lstat(SYS_ARGS) __attribute__((weak, alias("weak_enosys")));
long sys_newfstatat(SYS_ARGS) __attribute__((weak, alias("weak_enosys")));
long sys_statx(SYS_ARGS) __attribute__((weak, alias("weak_enosys")));
long sys_getdents64(SYS_ARGS) __attribute__((weak, alias("weak_enosys")));
long sys_readlink(SYS_ARGS) __attribute__((weak, alias("weak_enosys")));
long sys_readlinkat(SYS_ARGS) __attribute__((weak, alias("weak_enosys")));
long sys_access(SYS_ARGS) __attribute__((weak, alias("weak_enosys")));
long sys_faccessat(SYS_ARGS) __attribute__((weak, alias("weak_enosys")));
long sys_faccessat2(SYS_ARGS) __attribute__((weak, alias("weak_enosys")));
long sys_fcntl(SYS_ARGS) __attribute__((weak, alias("weak_enosys")));
long sys_ioctl(SYS_ARGS) __attribute__((weak, alias("weak_enosys")));
long sys_dup(SYS_ARGS) __attribute__((weak, alias("weak_enosys")));
long sys_dup2(SYS_ARGS) __attribute__((weak, alias("weak_enosys")));
long sys_dup3(SYS_ARGS) __attribute__((weak, alias("weak_enosys")));
long sys_getcwd(SYS_ARGS) __attribute__((weak, alias("weak_enosys")));
long sys_chdir(SYS_ARGS) __attribute__((weak, alias("weak_enosys")));
