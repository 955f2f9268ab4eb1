/*
 * syscalls.h - prototypes of every system call handler (sys/ layer). All
 * take the six raw argument registers (rdi rsi rdx r10 r8 r9) and return
 * the value for rax: >= 0 or -errno. The table is sys/syscall_table.c.
 * Kernel core (K1): memory, process, time, signals. Kernel I/O (K2): the
 * file syscalls, defined in fs/ or sys/sys_file*.c (sys/sys_weak.c holds
 * -ENOSYS stand-ins until they exist).
 */
#ifndef SYS_SYSCALLS_H
#define SYS_SYSCALLS_H

#include "types.h"

#define SYS_ARGS u64 a0, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5
typedef long (*syscall_fn)(SYS_ARGS);

/* ---- K1: kernel core ---- */
long sys_brk(SYS_ARGS);
long sys_mmap(SYS_ARGS);
long sys_munmap(SYS_ARGS);
long sys_mprotect(SYS_ARGS);
long sys_madvise(SYS_ARGS);
long sys_mremap(SYS_ARGS);
long sys_msync(SYS_ARGS);
long sys_mincore(SYS_ARGS);
long sys_getrusage(SYS_ARGS);
long sys_times(SYS_ARGS);
long sys_capget(SYS_ARGS);
long sys_capset(SYS_ARGS);
long sys_getgroups(SYS_ARGS);
long sys_setgroups(SYS_ARGS);
long sys_setuid(SYS_ARGS);
long sys_setgid(SYS_ARGS);
long sys_setreuid(SYS_ARGS);
long sys_setregid(SYS_ARGS);
long sys_setresuid(SYS_ARGS);
long sys_setresgid(SYS_ARGS);
long sys_getresuid(SYS_ARGS);
long sys_getresgid(SYS_ARGS);
long sys_setfsuid(SYS_ARGS);
long sys_setfsgid(SYS_ARGS);
long sys_getpgrp(SYS_ARGS);
long sys_getpgid(SYS_ARGS);
long sys_getsid(SYS_ARGS);
long sys_setpgid(SYS_ARGS);
long sys_setsid(SYS_ARGS);
long sys_uname(SYS_ARGS);
long sys_getpid(SYS_ARGS);
long sys_gettid(SYS_ARGS);
long sys_getppid(SYS_ARGS);
long sys_getuid(SYS_ARGS);
long sys_geteuid(SYS_ARGS);
long sys_getgid(SYS_ARGS);
long sys_getegid(SYS_ARGS);
long sys_set_tid_address(SYS_ARGS);
long sys_set_robust_list(SYS_ARGS);
long sys_arch_prctl(SYS_ARGS);
long sys_rt_sigaction(SYS_ARGS);
long sys_rt_sigprocmask(SYS_ARGS);
long sys_sigaltstack(SYS_ARGS);
long sys_prlimit64(SYS_ARGS);
long sys_getrlimit(SYS_ARGS);
long sys_setrlimit(SYS_ARGS);
long sys_clock_gettime(SYS_ARGS);
long sys_gettimeofday(SYS_ARGS);
long sys_time(SYS_ARGS);
long sys_clock_getres(SYS_ARGS);
long sys_nanosleep(SYS_ARGS);
long sys_clock_nanosleep(SYS_ARGS);
long sys_getrandom(SYS_ARGS);
long sys_sched_getaffinity(SYS_ARGS);
long sys_sched_yield(SYS_ARGS);
long sys_sysinfo(SYS_ARGS);
long sys_exit(SYS_ARGS);
long sys_exit_group(SYS_ARGS);
/* threads, futex, signals (sys_thread.c, sys_futex.c, sys_signal.c) */
long sys_clone(SYS_ARGS);
long sys_clone3(SYS_ARGS);
long sys_get_robust_list(SYS_ARGS);
long sys_prctl(SYS_ARGS);
long sys_futex(SYS_ARGS);
long sys_rt_sigreturn(SYS_ARGS);
long sys_rt_sigpending(SYS_ARGS);
long sys_rt_sigsuspend(SYS_ARGS);
long sys_kill(SYS_ARGS);
long sys_tkill(SYS_ARGS);
long sys_tgkill(SYS_ARGS);
long sys_rt_sigtimedwait(SYS_ARGS);
long sys_sched_setaffinity(SYS_ARGS);
long sys_getcpu(SYS_ARGS);

/* ---- K2: files (add new ones below this line) ---- */
long sys_read(SYS_ARGS);
long sys_write(SYS_ARGS);
long sys_readv(SYS_ARGS);
long sys_writev(SYS_ARGS);
long sys_pread64(SYS_ARGS);
long sys_pwrite64(SYS_ARGS);
long sys_open(SYS_ARGS);
long sys_openat(SYS_ARGS);
long sys_close(SYS_ARGS);
long sys_lseek(SYS_ARGS);
long sys_fstat(SYS_ARGS);
long sys_stat(SYS_ARGS);
long sys_lstat(SYS_ARGS);
long sys_newfstatat(SYS_ARGS);
long sys_statx(SYS_ARGS);
long sys_getdents64(SYS_ARGS);
long sys_readlink(SYS_ARGS);
long sys_readlinkat(SYS_ARGS);
long sys_access(SYS_ARGS);
long sys_faccessat(SYS_ARGS);
long sys_faccessat2(SYS_ARGS);
long sys_fcntl(SYS_ARGS);
long sys_ioctl(SYS_ARGS);
long sys_dup(SYS_ARGS);
long sys_dup2(SYS_ARGS);
long sys_dup3(SYS_ARGS);
long sys_getcwd(SYS_ARGS);
long sys_chdir(SYS_ARGS);
long sys_fchdir(SYS_ARGS);
/* sys/sys_fswrite.c (TFS write path) */
long sys_unlink(SYS_ARGS);
long sys_unlinkat(SYS_ARGS);
long sys_rmdir(SYS_ARGS);
long sys_mkdir(SYS_ARGS);
long sys_mkdirat(SYS_ARGS);
long sys_rename(SYS_ARGS);
long sys_renameat(SYS_ARGS);
long sys_renameat2(SYS_ARGS);
long sys_symlink(SYS_ARGS);
long sys_symlinkat(SYS_ARGS);
long sys_link(SYS_ARGS);
long sys_linkat(SYS_ARGS);
long sys_truncate(SYS_ARGS);
long sys_ftruncate(SYS_ARGS);
long sys_fallocate(SYS_ARGS);
long sys_fsync(SYS_ARGS);
long sys_fdatasync(SYS_ARGS);
long sys_sync(SYS_ARGS);
long sys_syncfs(SYS_ARGS);
long sys_utimensat(SYS_ARGS);
long sys_utimes(SYS_ARGS);
long sys_futimesat(SYS_ARGS);
long sys_utime(SYS_ARGS);
long sys_chmod(SYS_ARGS);
long sys_fchmod(SYS_ARGS);
long sys_fchmodat(SYS_ARGS);
long sys_chown(SYS_ARGS);
long sys_lchown(SYS_ARGS);
long sys_fchown(SYS_ARGS);
long sys_fchownat(SYS_ARGS);
long sys_umask(SYS_ARGS);
long sys_flock(SYS_ARGS);
long sys_statfs(SYS_ARGS);
long sys_fstatfs(SYS_ARGS);
/* pipes, eventfd, polling (fs/pipe.c, fs/eventfd.c, sys/sys_poll.c, sys/sys_epoll.c) */
long sys_pipe(SYS_ARGS);
long sys_pipe2(SYS_ARGS);
long sys_eventfd(SYS_ARGS);
long sys_eventfd2(SYS_ARGS);
long sys_poll(SYS_ARGS);
long sys_ppoll(SYS_ARGS);
long sys_select(SYS_ARGS);
long sys_pselect6(SYS_ARGS);
long sys_epoll_create(SYS_ARGS);
long sys_epoll_create1(SYS_ARGS);
long sys_epoll_ctl(SYS_ARGS);
long sys_epoll_wait(SYS_ARGS);
long sys_epoll_pwait(SYS_ARGS);
long sys_epoll_pwait2(SYS_ARGS);

/* sys/syscall_table.c */
struct user_regs;
void syscall_dispatch(struct user_regs *r);
long sys_enosys(SYS_ARGS);

/* sockets (issue 7: net/socket.c, sys/sys_socket.c, net/sock_*.c) */
long sys_socket(SYS_ARGS);
long sys_socketpair(SYS_ARGS);
long sys_bind(SYS_ARGS);
long sys_listen(SYS_ARGS);
long sys_accept(SYS_ARGS);
long sys_accept4(SYS_ARGS);
long sys_connect(SYS_ARGS);
long sys_sendto(SYS_ARGS);
long sys_recvfrom(SYS_ARGS);
long sys_sendmsg(SYS_ARGS);
long sys_recvmsg(SYS_ARGS);
long sys_sendmmsg(SYS_ARGS);
long sys_recvmmsg(SYS_ARGS);
long sys_shutdown(SYS_ARGS);
long sys_getsockname(SYS_ARGS);
long sys_getpeername(SYS_ARGS);
long sys_getsockopt(SYS_ARGS);
long sys_setsockopt(SYS_ARGS);
long sys_sendfile(SYS_ARGS);
/* timers and signal fds (issue 5: sys/sys_timer.c, fs/timerfd.c, fs/signalfd.c) */
long sys_timerfd_create(SYS_ARGS);
long sys_timerfd_settime(SYS_ARGS);
long sys_timerfd_gettime(SYS_ARGS);
long sys_signalfd(SYS_ARGS);
long sys_signalfd4(SYS_ARGS);
long sys_setitimer(SYS_ARGS);
long sys_getitimer(SYS_ARGS);
long sys_alarm(SYS_ARGS);
long sys_timer_create(SYS_ARGS);
long sys_timer_settime(SYS_ARGS);
long sys_timer_gettime(SYS_ARGS);
long sys_timer_getoverrun(SYS_ARGS);
long sys_timer_delete(SYS_ARGS);
long sys_pause(SYS_ARGS);
/* more of the file model (issue 4/6) */
long sys_memfd_create(SYS_ARGS);
long sys_sched_getscheduler(SYS_ARGS);
long sys_sched_setscheduler(SYS_ARGS);
long sys_sched_getparam(SYS_ARGS);
long sys_sched_setparam(SYS_ARGS);
long sys_sched_get_priority_max(SYS_ARGS);
long sys_sched_get_priority_min(SYS_ARGS);

#endif
