/*
 * syscall_table.c - the one system call table (sys/ layer): designated
 * initializers [__NR_x] = sys_x; a missing entry or a number past the end
 * returns -ENOSYS (reported once per number in the kernel log). Also
 * syscall_dispatch, called by arch/x86_64/entry.S with the saved user
 * registers: runs the handler, traces it when asked (sys/trace.c) and puts
 * the result in rax.
 */
#include "kernel/kernel.h"
#include "sys/syscalls.h"
#include "sys/syscall_nr.h"
#include "sys/trace.h"
#include "sys/exec.h"
#include "sys/signal.h"
#include "kernel/sched.h"
#include "kernel/thread.h"
#include "arch.h"
#include "arch/x86_64/x86.h"

static const syscall_fn syscall_table[SYSCALL_MAX] = {
	/* K1: kernel core */
	[__NR_brk] = sys_brk,
	[__NR_mmap] = sys_mmap,
	[__NR_munmap] = sys_munmap,
	[__NR_mprotect] = sys_mprotect,
	[__NR_madvise] = sys_madvise,
	[__NR_mremap] = sys_mremap,
	[__NR_msync] = sys_msync,
	[__NR_mincore] = sys_mincore,
	[__NR_getrusage] = sys_getrusage,
	[__NR_times] = sys_times,
	[__NR_capget] = sys_capget,
	[__NR_capset] = sys_capset,
	[__NR_getgroups] = sys_getgroups,
	[__NR_setgroups] = sys_setgroups,
	[__NR_setuid] = sys_setuid,
	[__NR_setgid] = sys_setgid,
	[__NR_setreuid] = sys_setreuid,
	[__NR_setregid] = sys_setregid,
	[__NR_setresuid] = sys_setresuid,
	[__NR_setresgid] = sys_setresgid,
	[__NR_getresuid] = sys_getresuid,
	[__NR_getresgid] = sys_getresgid,
	[__NR_setfsuid] = sys_setfsuid,
	[__NR_setfsgid] = sys_setfsgid,
	[__NR_getpgrp] = sys_getpgrp,
	[__NR_getpgid] = sys_getpgid,
	[__NR_getsid] = sys_getsid,
	[__NR_setpgid] = sys_setpgid,
	[__NR_setsid] = sys_setsid,
	[__NR_uname] = sys_uname,
	[__NR_getpid] = sys_getpid,
	[__NR_gettid] = sys_gettid,
	[__NR_getppid] = sys_getppid,
	[__NR_getuid] = sys_getuid,
	[__NR_geteuid] = sys_geteuid,
	[__NR_getgid] = sys_getgid,
	[__NR_getegid] = sys_getegid,
	[__NR_set_tid_address] = sys_set_tid_address,
	[__NR_set_robust_list] = sys_set_robust_list,
	[__NR_arch_prctl] = sys_arch_prctl,
	[__NR_rt_sigaction] = sys_rt_sigaction,
	[__NR_rt_sigprocmask] = sys_rt_sigprocmask,
	[__NR_sigaltstack] = sys_sigaltstack,
	[__NR_prlimit64] = sys_prlimit64,
	[__NR_getrlimit] = sys_getrlimit,
	[__NR_setrlimit] = sys_setrlimit,
	[__NR_clock_gettime] = sys_clock_gettime,
	[__NR_gettimeofday] = sys_gettimeofday,
	[__NR_time] = sys_time,
	[__NR_clock_getres] = sys_clock_getres,
	[__NR_nanosleep] = sys_nanosleep,
	[__NR_clock_nanosleep] = sys_clock_nanosleep,
	[__NR_getrandom] = sys_getrandom,
	[__NR_sched_getaffinity] = sys_sched_getaffinity,
	[__NR_sched_yield] = sys_sched_yield,
	[__NR_sysinfo] = sys_sysinfo,
	[__NR_exit] = sys_exit,
	[__NR_exit_group] = sys_exit_group,
	[__NR_clone] = sys_clone,
	[__NR_clone3] = sys_clone3,
	[__NR_get_robust_list] = sys_get_robust_list,
	[__NR_prctl] = sys_prctl,
	[__NR_futex] = sys_futex,
	[__NR_rt_sigreturn] = sys_rt_sigreturn,
	[__NR_rt_sigpending] = sys_rt_sigpending,
	[__NR_rt_sigsuspend] = sys_rt_sigsuspend,
	[__NR_kill] = sys_kill,
	[__NR_tkill] = sys_tkill,
	[__NR_tgkill] = sys_tgkill,
	[__NR_rt_sigtimedwait] = sys_rt_sigtimedwait,
	[__NR_sched_setaffinity] = sys_sched_setaffinity,
	[__NR_getcpu] = sys_getcpu,
	/* K2: files (add new ones below this line) */
	[__NR_read] = sys_read,
	[__NR_write] = sys_write,
	[__NR_readv] = sys_readv,
	[__NR_writev] = sys_writev,
	[__NR_pread64] = sys_pread64,
	[__NR_pwrite64] = sys_pwrite64,
	[__NR_open] = sys_open,
	[__NR_openat] = sys_openat,
	[__NR_close] = sys_close,
	[__NR_lseek] = sys_lseek,
	[__NR_fstat] = sys_fstat,
	[__NR_stat] = sys_stat,
	[__NR_lstat] = sys_lstat,
	[__NR_newfstatat] = sys_newfstatat,
	[__NR_statx] = sys_statx,
	[__NR_getdents64] = sys_getdents64,
	[__NR_readlink] = sys_readlink,
	[__NR_readlinkat] = sys_readlinkat,
	[__NR_access] = sys_access,
	[__NR_faccessat] = sys_faccessat,
	[__NR_faccessat2] = sys_faccessat2,
	[__NR_fcntl] = sys_fcntl,
	[__NR_ioctl] = sys_ioctl,
	[__NR_dup] = sys_dup,
	[__NR_dup2] = sys_dup2,
	[__NR_dup3] = sys_dup3,
	[__NR_getcwd] = sys_getcwd,
	[__NR_chdir] = sys_chdir,
	[__NR_fchdir] = sys_fchdir,
	[__NR_unlink] = sys_unlink,
	[__NR_unlinkat] = sys_unlinkat,
	[__NR_rmdir] = sys_rmdir,
	[__NR_mkdir] = sys_mkdir,
	[__NR_mkdirat] = sys_mkdirat,
	[__NR_rename] = sys_rename,
	[__NR_renameat] = sys_renameat,
	[__NR_renameat2] = sys_renameat2,
	[__NR_symlink] = sys_symlink,
	[__NR_symlinkat] = sys_symlinkat,
	[__NR_link] = sys_link,
	[__NR_linkat] = sys_linkat,
	[__NR_truncate] = sys_truncate,
	[__NR_ftruncate] = sys_ftruncate,
	[__NR_fallocate] = sys_fallocate,
	[__NR_fsync] = sys_fsync,
	[__NR_fdatasync] = sys_fdatasync,
	[__NR_sync] = sys_sync,
	[__NR_syncfs] = sys_syncfs,
	[__NR_utimensat] = sys_utimensat,
	[__NR_utimes] = sys_utimes,
	[__NR_futimesat] = sys_futimesat,
	[__NR_utime] = sys_utime,
	[__NR_chmod] = sys_chmod,
	[__NR_fchmod] = sys_fchmod,
	[__NR_fchmodat] = sys_fchmodat,
	[__NR_chown] = sys_chown,
	[__NR_lchown] = sys_lchown,
	[__NR_fchown] = sys_fchown,
	[__NR_fchownat] = sys_fchownat,
	[__NR_umask] = sys_umask,
	[__NR_flock] = sys_flock,
	[__NR_statfs] = sys_statfs,
	[__NR_fstatfs] = sys_fstatfs,
	[__NR_pipe] = sys_pipe,
	[__NR_pipe2] = sys_pipe2,
	[__NR_eventfd] = sys_eventfd,
	[__NR_eventfd2] = sys_eventfd2,
	[__NR_poll] = sys_poll,
	[__NR_ppoll] = sys_ppoll,
	[__NR_select] = sys_select,
	[__NR_pselect6] = sys_pselect6,
	[__NR_epoll_create] = sys_epoll_create,
	[__NR_epoll_create1] = sys_epoll_create1,
	[__NR_epoll_ctl] = sys_epoll_ctl,
	[__NR_epoll_wait] = sys_epoll_wait,
	[__NR_epoll_pwait] = sys_epoll_pwait,
	[__NR_epoll_pwait2] = sys_epoll_pwait2,
	/* sockets (issue 7: net/socket.c, sys/sys_socket.c, net/sock_*.c) */
	[__NR_socket] = sys_socket,
	[__NR_socketpair] = sys_socketpair,
	[__NR_bind] = sys_bind,
	[__NR_listen] = sys_listen,
	[__NR_accept] = sys_accept,
	[__NR_accept4] = sys_accept4,
	[__NR_connect] = sys_connect,
	[__NR_sendto] = sys_sendto,
	[__NR_recvfrom] = sys_recvfrom,
	[__NR_sendmsg] = sys_sendmsg,
	[__NR_recvmsg] = sys_recvmsg,
	[__NR_sendmmsg] = sys_sendmmsg,
	[__NR_recvmmsg] = sys_recvmmsg,
	[__NR_shutdown] = sys_shutdown,
	[__NR_getsockname] = sys_getsockname,
	[__NR_getpeername] = sys_getpeername,
	[__NR_getsockopt] = sys_getsockopt,
	[__NR_setsockopt] = sys_setsockopt,
	[__NR_sendfile] = sys_sendfile,
	/* timers and signal fds (issue 5: sys/sys_timer.c, fs/timerfd.c, fs/signalfd.c) */
	[__NR_timerfd_create] = sys_timerfd_create,
	[__NR_timerfd_settime] = sys_timerfd_settime,
	[__NR_timerfd_gettime] = sys_timerfd_gettime,
	[__NR_signalfd] = sys_signalfd,
	[__NR_signalfd4] = sys_signalfd4,
	[__NR_setitimer] = sys_setitimer,
	[__NR_getitimer] = sys_getitimer,
	[__NR_alarm] = sys_alarm,
	[__NR_timer_create] = sys_timer_create,
	[__NR_timer_settime] = sys_timer_settime,
	[__NR_timer_gettime] = sys_timer_gettime,
	[__NR_timer_getoverrun] = sys_timer_getoverrun,
	[__NR_timer_delete] = sys_timer_delete,
	[__NR_pause] = sys_pause,
	/* more of the file model (issue 4/6) */
	[__NR_memfd_create] = sys_memfd_create,
	[__NR_sched_getscheduler] = sys_sched_getscheduler,
	[__NR_sched_setscheduler] = sys_sched_setscheduler,
	[__NR_sched_getparam] = sys_sched_getparam,
	[__NR_sched_setparam] = sys_sched_setparam,
	[__NR_sched_get_priority_max] = sys_sched_get_priority_max,
	[__NR_sched_get_priority_min] = sys_sched_get_priority_min,
};

static u8 enosys_reported[SYSCALL_MAX / 8];

long sys_enosys(SYS_ARGS)
{
	return -ENOSYS;
}

void syscall_dispatch(struct user_regs *r)
{
	u64 nr = r->rax;
	syscall_fn fn = nr < SYSCALL_MAX ? syscall_table[nr] : NULL;
	long ret;

	if (trace_on)
		trace_enter(nr, r);
	if (fn) {
		ret = fn(r->rdi, r->rsi, r->rdx, r->r10, r->r8, r->r9);
	} else {
		ret = -ENOSYS;
		if (nr >= SYSCALL_MAX || !(enosys_reported[nr / 8] & (1u << (nr % 8)))) {
			if (nr < SYSCALL_MAX)
				enosys_reported[nr / 8] |= (u8)(1u << (nr % 8));
			klog("syscall %lu (%s) not implemented: -ENOSYS", (unsigned long)nr,
			     trace_syscall_name(nr));
		}
	}
	r->rax = (u64)ret;
	if (ret == -ENOENT && exec_missing_on)
		exec_missing_note(nr, r);
	if (trace_on)
		trace_exit(nr, r, ret);
	/* back to user mode: preemption point, then pending signals (both
	 * tested inline first: most calls have neither; this_cpu() rather
	 * than the arch_cpu_index()/current() calls, which under TCG cost a
	 * block lookup each) */
	if (sched_exit_work(this_cpu()->cpu_id))
		sched_return_to_user();
	if (ret == -ERESTARTSYS || thread_exit_work(this_cpu()->current))
		signal_deliver(r, nr == __NR_rt_sigreturn ? -1 : (long)nr);
}
