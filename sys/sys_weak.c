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
/* sockets (issue 7: net/socket.c, sys/sys_socket.c, net/sock_*.c) */
long sys_socket(SYS_ARGS) __attribute__((weak, alias("weak_enosys")));
long sys_socketpair(SYS_ARGS) __attribute__((weak, alias("weak_enosys")));
long sys_bind(SYS_ARGS) __attribute__((weak, alias("weak_enosys")));
long sys_listen(SYS_ARGS) __attribute__((weak, alias("weak_enosys")));
long sys_accept(SYS_ARGS) __attribute__((weak, alias("weak_enosys")));
long sys_accept4(SYS_ARGS) __attribute__((weak, alias("weak_enosys")));
long sys_connect(SYS_ARGS) __attribute__((weak, alias("weak_enosys")));
long sys_sendto(SYS_ARGS) __attribute__((weak, alias("weak_enosys")));
long sys_recvfrom(SYS_ARGS) __attribute__((weak, alias("weak_enosys")));
long sys_sendmsg(SYS_ARGS) __attribute__((weak, alias("weak_enosys")));
long sys_recvmsg(SYS_ARGS) __attribute__((weak, alias("weak_enosys")));
long sys_sendmmsg(SYS_ARGS) __attribute__((weak, alias("weak_enosys")));
long sys_recvmmsg(SYS_ARGS) __attribute__((weak, alias("weak_enosys")));
long sys_shutdown(SYS_ARGS) __attribute__((weak, alias("weak_enosys")));
long sys_getsockname(SYS_ARGS) __attribute__((weak, alias("weak_enosys")));
long sys_getpeername(SYS_ARGS) __attribute__((weak, alias("weak_enosys")));
long sys_getsockopt(SYS_ARGS) __attribute__((weak, alias("weak_enosys")));
long sys_setsockopt(SYS_ARGS) __attribute__((weak, alias("weak_enosys")));
long sys_sendfile(SYS_ARGS) __attribute__((weak, alias("weak_enosys")));
/* timers and signal fds (issue 5: sys/sys_timer.c, fs/timerfd.c, fs/signalfd.c) */
long sys_timerfd_create(SYS_ARGS) __attribute__((weak, alias("weak_enosys")));
long sys_timerfd_settime(SYS_ARGS) __attribute__((weak, alias("weak_enosys")));
long sys_timerfd_gettime(SYS_ARGS) __attribute__((weak, alias("weak_enosys")));
long sys_signalfd(SYS_ARGS) __attribute__((weak, alias("weak_enosys")));
long sys_signalfd4(SYS_ARGS) __attribute__((weak, alias("weak_enosys")));
long sys_setitimer(SYS_ARGS) __attribute__((weak, alias("weak_enosys")));
long sys_getitimer(SYS_ARGS) __attribute__((weak, alias("weak_enosys")));
long sys_alarm(SYS_ARGS) __attribute__((weak, alias("weak_enosys")));
long sys_timer_create(SYS_ARGS) __attribute__((weak, alias("weak_enosys")));
long sys_timer_settime(SYS_ARGS) __attribute__((weak, alias("weak_enosys")));
long sys_timer_gettime(SYS_ARGS) __attribute__((weak, alias("weak_enosys")));
long sys_timer_getoverrun(SYS_ARGS) __attribute__((weak, alias("weak_enosys")));
long sys_timer_delete(SYS_ARGS) __attribute__((weak, alias("weak_enosys")));
long sys_pause(SYS_ARGS) __attribute__((weak, alias("weak_enosys")));
/* more of the file model (issue 4/6) */
long sys_memfd_create(SYS_ARGS) __attribute__((weak, alias("weak_enosys")));
long sys_sched_getscheduler(SYS_ARGS) __attribute__((weak, alias("weak_enosys")));
long sys_sched_setscheduler(SYS_ARGS) __attribute__((weak, alias("weak_enosys")));
long sys_sched_getparam(SYS_ARGS) __attribute__((weak, alias("weak_enosys")));
long sys_sched_setparam(SYS_ARGS) __attribute__((weak, alias("weak_enosys")));
long sys_sched_get_priority_max(SYS_ARGS) __attribute__((weak, alias("weak_enosys")));
long sys_sched_get_priority_min(SYS_ARGS) __attribute__((weak, alias("weak_enosys")));
