/*
 * trace.c - strace-style syscall trace lines (sys/ layer): a name for
 * every syscall number and, for the ones monos implements, the kind of
 * each argument (fd, path string, buffer, flag set, ...) so lines read like
 * strace's:  [1] openat(AT_FDCWD, "/etc/x", O_RDONLY|O_CLOEXEC) = 3
 * Errors print as "= -1 ENOENT (No such file or directory)". Called by
 * syscall_dispatch (sys/syscall_table.c) when trace_on is set.
 */
#include "kernel/kernel.h"
#include "kernel/thread.h"
#include "lib/format.h"
#include "sys/syscall_nr.h"
#include "sys/trace.h"
#include "lib/value.h"
#include "arch/x86_64/x86.h"

bool trace_on;
static u8 trace_skip[SYSCALL_MAX / 8]; /* set: do not print this number */

static const char *const syscall_names[SYSCALL_MAX] = {
#include "sys/syscall_names.h"
};

enum arg_kind {
	A_END,
	A_INT,
	A_UINT,
	A_HEX,
	A_PTR,
	A_STR,
	A_FD,
	A_DIRFD,
	A_OFLAGS,
	A_MODE,
	A_PROT,
	A_MAPF,
	A_BUFIN,  /* contents, length = next argument */
	A_BUFOUT, /* contents after the call, length = return value */
	A_SIG,
	A_CLOCK,
	A_ATF,
	A_ARCHPRCTL,
	A_MADV,
	A_SIGHOW,
	A_WHENCE,
	A_ACCESS,
	A_FCNTL,
	A_RLIM,
	A_MREMAPF,
	A_RANDF,
	A_IOV,  /* iovec array, count = next argument */
	A_CLONEF,
	A_FUTEXOP,
};

enum ret_kind { R_INT, R_HEX };

struct trace_sig {
	u8 args[6];
	u8 ret;
};

static const struct trace_sig sigs[SYSCALL_MAX] = {
	[__NR_read] = { { A_FD, A_BUFOUT, A_UINT } },
	[__NR_write] = { { A_FD, A_BUFIN, A_UINT } },
	[__NR_pread64] = { { A_FD, A_BUFOUT, A_UINT, A_INT } },
	[__NR_pwrite64] = { { A_FD, A_BUFIN, A_UINT, A_INT } },
	[__NR_readv] = { { A_FD, A_PTR, A_INT } },
	[__NR_writev] = { { A_FD, A_IOV, A_INT } },
	[__NR_open] = { { A_STR, A_OFLAGS, A_MODE } },
	[__NR_openat] = { { A_DIRFD, A_STR, A_OFLAGS, A_MODE } },
	[__NR_close] = { { A_FD } },
	[__NR_lseek] = { { A_FD, A_INT, A_WHENCE } },
	[__NR_fstat] = { { A_FD, A_PTR } },
	[__NR_stat] = { { A_STR, A_PTR } },
	[__NR_lstat] = { { A_STR, A_PTR } },
	[__NR_newfstatat] = { { A_DIRFD, A_STR, A_PTR, A_ATF } },
	[__NR_statx] = { { A_DIRFD, A_STR, A_ATF, A_HEX, A_PTR } },
	[__NR_getdents64] = { { A_FD, A_PTR, A_UINT } },
	[__NR_readlink] = { { A_STR, A_PTR, A_UINT } },
	[__NR_readlinkat] = { { A_DIRFD, A_STR, A_PTR, A_UINT } },
	[__NR_access] = { { A_STR, A_ACCESS } },
	[__NR_faccessat] = { { A_DIRFD, A_STR, A_ACCESS } },
	[__NR_faccessat2] = { { A_DIRFD, A_STR, A_ACCESS, A_ATF } },
	[__NR_fcntl] = { { A_FD, A_FCNTL, A_HEX } },
	[__NR_ioctl] = { { A_FD, A_HEX, A_HEX } },
	[__NR_dup] = { { A_FD } },
	[__NR_dup2] = { { A_FD, A_FD } },
	[__NR_dup3] = { { A_FD, A_FD, A_OFLAGS } },
	[__NR_getcwd] = { { A_PTR, A_UINT } },
	[__NR_chdir] = { { A_STR } },
	[__NR_fchdir] = { { A_FD } },
	[__NR_unlink] = { { A_STR } },
	[__NR_unlinkat] = { { A_DIRFD, A_STR, A_ATF } },
	[__NR_rmdir] = { { A_STR } },
	[__NR_mkdir] = { { A_STR, A_MODE } },
	[__NR_mkdirat] = { { A_DIRFD, A_STR, A_MODE } },
	[__NR_rename] = { { A_STR, A_STR } },
	[__NR_renameat] = { { A_DIRFD, A_STR, A_DIRFD, A_STR } },
	[__NR_renameat2] = { { A_DIRFD, A_STR, A_DIRFD, A_STR, A_HEX } },
	[__NR_symlink] = { { A_STR, A_STR } },
	[__NR_symlinkat] = { { A_STR, A_DIRFD, A_STR } },
	[__NR_link] = { { A_STR, A_STR } },
	[__NR_linkat] = { { A_DIRFD, A_STR, A_DIRFD, A_STR, A_ATF } },
	[__NR_truncate] = { { A_STR, A_INT } },
	[__NR_ftruncate] = { { A_FD, A_INT } },
	[__NR_fallocate] = { { A_FD, A_HEX, A_INT, A_INT } },
	[__NR_fsync] = { { A_FD } },
	[__NR_fdatasync] = { { A_FD } },
	[__NR_sync] = { { A_END } },
	[__NR_syncfs] = { { A_FD } },
	[__NR_utimensat] = { { A_DIRFD, A_STR, A_PTR, A_ATF } },
	[__NR_utimes] = { { A_STR, A_PTR } },
	[__NR_futimesat] = { { A_DIRFD, A_STR, A_PTR } },
	[__NR_utime] = { { A_STR, A_PTR } },
	[__NR_chmod] = { { A_STR, A_MODE } },
	[__NR_fchmod] = { { A_FD, A_MODE } },
	[__NR_fchmodat] = { { A_DIRFD, A_STR, A_MODE } },
	[__NR_chown] = { { A_STR, A_INT, A_INT } },
	[__NR_lchown] = { { A_STR, A_INT, A_INT } },
	[__NR_fchown] = { { A_FD, A_INT, A_INT } },
	[__NR_fchownat] = { { A_DIRFD, A_STR, A_INT, A_INT, A_ATF } },
	[__NR_umask] = { { A_MODE } },
	[__NR_flock] = { { A_FD, A_HEX } },
	[__NR_statfs] = { { A_STR, A_PTR } },
	[__NR_fstatfs] = { { A_FD, A_PTR } },
	[__NR_pipe] = { { A_PTR } },
	[__NR_pipe2] = { { A_PTR, A_OFLAGS } },
	[__NR_eventfd] = { { A_UINT } },
	[__NR_eventfd2] = { { A_UINT, A_HEX } },
	[__NR_poll] = { { A_PTR, A_UINT, A_INT } },
	[__NR_ppoll] = { { A_PTR, A_UINT, A_PTR, A_PTR, A_UINT } },
	[__NR_select] = { { A_INT, A_PTR, A_PTR, A_PTR, A_PTR } },
	[__NR_pselect6] = { { A_INT, A_PTR, A_PTR, A_PTR, A_PTR, A_PTR } },
	[__NR_epoll_create] = { { A_INT } },
	[__NR_epoll_create1] = { { A_HEX } },
	[__NR_epoll_ctl] = { { A_FD, A_INT, A_FD, A_PTR } },
	[__NR_epoll_wait] = { { A_FD, A_PTR, A_INT, A_INT } },
	[__NR_epoll_pwait] = { { A_FD, A_PTR, A_INT, A_INT, A_PTR, A_UINT } },
	[__NR_epoll_pwait2] = { { A_FD, A_PTR, A_INT, A_PTR, A_PTR, A_UINT } },
	[__NR_brk] = { { A_HEX }, R_HEX },
	[__NR_mmap] = { { A_PTR, A_UINT, A_PROT, A_MAPF, A_FD, A_HEX }, R_HEX },
	[__NR_munmap] = { { A_HEX, A_UINT } },
	[__NR_mprotect] = { { A_HEX, A_UINT, A_PROT } },
	[__NR_madvise] = { { A_HEX, A_UINT, A_MADV } },
	[__NR_mremap] = { { A_HEX, A_UINT, A_UINT, A_MREMAPF, A_HEX }, R_HEX },
	[__NR_uname] = { { A_PTR } },
	[__NR_set_tid_address] = { { A_PTR } },
	[__NR_set_robust_list] = { { A_PTR, A_UINT } },
	[__NR_arch_prctl] = { { A_ARCHPRCTL, A_HEX } },
	[__NR_rt_sigaction] = { { A_SIG, A_PTR, A_PTR, A_UINT } },
	[__NR_rt_sigprocmask] = { { A_SIGHOW, A_PTR, A_PTR, A_UINT } },
	[__NR_sigaltstack] = { { A_PTR, A_PTR } },
	[__NR_prlimit64] = { { A_INT, A_RLIM, A_PTR, A_PTR } },
	[__NR_getrlimit] = { { A_RLIM, A_PTR } },
	[__NR_setrlimit] = { { A_RLIM, A_PTR } },
	[__NR_clock_gettime] = { { A_CLOCK, A_PTR } },
	[__NR_clock_getres] = { { A_CLOCK, A_PTR } },
	[__NR_gettimeofday] = { { A_PTR, A_PTR } },
	[__NR_time] = { { A_PTR } },
	[__NR_nanosleep] = { { A_PTR, A_PTR } },
	[__NR_clock_nanosleep] = { { A_CLOCK, A_INT, A_PTR, A_PTR } },
	[__NR_getrandom] = { { A_PTR, A_UINT, A_RANDF } },
	[__NR_sched_getaffinity] = { { A_INT, A_UINT, A_PTR } },
	[__NR_sysinfo] = { { A_PTR } },
	[__NR_exit] = { { A_INT } },
	[__NR_exit_group] = { { A_INT } },
	[__NR_getpid] = { { A_END } },
	[__NR_gettid] = { { A_END } },
	[__NR_getppid] = { { A_END } },
	[__NR_getuid] = { { A_END } },
	[__NR_geteuid] = { { A_END } },
	[__NR_getgid] = { { A_END } },
	[__NR_getegid] = { { A_END } },
	[__NR_sched_yield] = { { A_END } },
	[__NR_clone] = { { A_CLONEF, A_PTR, A_PTR, A_PTR, A_HEX } },
	[__NR_clone3] = { { A_PTR, A_UINT } },
	[__NR_futex] = { { A_PTR, A_FUTEXOP, A_INT, A_PTR, A_PTR, A_HEX } },
	[__NR_kill] = { { A_INT, A_SIG } },
	[__NR_tkill] = { { A_INT, A_SIG } },
	[__NR_tgkill] = { { A_INT, A_INT, A_SIG } },
	[__NR_rt_sigreturn] = { { A_END } },
	[__NR_rt_sigpending] = { { A_PTR, A_UINT } },
	[__NR_rt_sigsuspend] = { { A_PTR, A_UINT } },
	[__NR_rt_sigtimedwait] = { { A_PTR, A_PTR, A_PTR, A_UINT } },
	[__NR_get_robust_list] = { { A_INT, A_PTR, A_PTR } },
	[__NR_prctl] = { { A_INT, A_HEX, A_HEX, A_HEX, A_HEX } },
	[__NR_sched_setaffinity] = { { A_INT, A_UINT, A_PTR } },
	[__NR_getcpu] = { { A_PTR, A_PTR, A_PTR } },
	/* timers, signal fds, sched policy (fs/timerfd.c, fs/signalfd.c, sys/sys_timer.c) */
	[__NR_timerfd_create] = { { A_CLOCK, A_HEX } },
	[__NR_timerfd_settime] = { { A_FD, A_HEX, A_PTR, A_PTR } },
	[__NR_timerfd_gettime] = { { A_FD, A_PTR } },
	[__NR_signalfd] = { { A_FD, A_PTR, A_UINT } },
	[__NR_signalfd4] = { { A_FD, A_PTR, A_UINT, A_HEX } },
	[__NR_setitimer] = { { A_INT, A_PTR, A_PTR } },
	[__NR_getitimer] = { { A_INT, A_PTR } },
	[__NR_alarm] = { { A_UINT } },
	[__NR_pause] = { { A_END } },
	[__NR_timer_create] = { { A_CLOCK, A_PTR, A_PTR } },
	[__NR_timer_settime] = { { A_INT, A_HEX, A_PTR, A_PTR } },
	[__NR_timer_gettime] = { { A_INT, A_PTR } },
	[__NR_timer_getoverrun] = { { A_INT } },
	[__NR_timer_delete] = { { A_INT } },
	[__NR_sched_getscheduler] = { { A_INT } },
	[__NR_sched_setscheduler] = { { A_INT, A_INT, A_PTR } },
	[__NR_sched_getparam] = { { A_INT, A_PTR } },
	[__NR_sched_setparam] = { { A_INT, A_PTR } },
	[__NR_sched_get_priority_max] = { { A_INT } },
	[__NR_sched_get_priority_min] = { { A_INT } },
	/* sockets (net/socket.c, sys/sys_socket.c) */
	[__NR_socket] = { { A_INT, A_HEX, A_INT } },
	[__NR_socketpair] = { { A_INT, A_HEX, A_INT, A_PTR } },
	[__NR_bind] = { { A_FD, A_PTR, A_UINT } },
	[__NR_listen] = { { A_FD, A_INT } },
	[__NR_accept] = { { A_FD, A_PTR, A_PTR } },
	[__NR_accept4] = { { A_FD, A_PTR, A_PTR, A_HEX } },
	[__NR_connect] = { { A_FD, A_PTR, A_UINT } },
	[__NR_sendto] = { { A_FD, A_BUFIN, A_UINT, A_HEX, A_PTR, A_UINT } },
	[__NR_recvfrom] = { { A_FD, A_BUFOUT, A_UINT, A_HEX, A_PTR, A_PTR } },
	[__NR_sendmsg] = { { A_FD, A_PTR, A_HEX } },
	[__NR_recvmsg] = { { A_FD, A_PTR, A_HEX } },
	[__NR_sendmmsg] = { { A_FD, A_PTR, A_UINT, A_HEX } },
	[__NR_recvmmsg] = { { A_FD, A_PTR, A_UINT, A_HEX, A_PTR } },
	[__NR_shutdown] = { { A_FD, A_INT } },
	[__NR_getsockname] = { { A_FD, A_PTR, A_PTR } },
	[__NR_getpeername] = { { A_FD, A_PTR, A_PTR } },
	[__NR_getsockopt] = { { A_FD, A_INT, A_INT, A_PTR, A_PTR } },
	[__NR_setsockopt] = { { A_FD, A_INT, A_INT, A_PTR, A_UINT } },
	[__NR_sendfile] = { { A_FD, A_FD, A_PTR, A_UINT } },
};

struct flag_name {
	u64 val;
	const char *name;
};

static const struct flag_name oflags[] = {
	{ 0100, "O_CREAT" }, { 0200, "O_EXCL" }, { 0400, "O_NOCTTY" }, { 01000, "O_TRUNC" },
	{ 02000, "O_APPEND" }, { 04000, "O_NONBLOCK" }, { 010000, "O_DSYNC" },
	{ 0100000, "O_LARGEFILE" }, { 0200000, "O_DIRECTORY" }, { 0400000, "O_NOFOLLOW" },
	{ 01000000, "O_NOATIME" }, { 02000000, "O_CLOEXEC" }, { 04000000, "__O_SYNC" },
	{ 010000000, "O_PATH" }, { 020000000, "__O_TMPFILE" }, { 0, NULL },
};
static const struct flag_name prot_flags[] = {
	{ 1, "PROT_READ" }, { 2, "PROT_WRITE" }, { 4, "PROT_EXEC" }, { 0, NULL },
};
static const struct flag_name map_flags[] = {
	{ 0x01, "MAP_SHARED" }, { 0x02, "MAP_PRIVATE" }, { 0x10, "MAP_FIXED" },
	{ 0x20, "MAP_ANONYMOUS" }, { 0x100, "MAP_GROWSDOWN" }, { 0x800, "MAP_DENYWRITE" },
	{ 0x1000, "MAP_EXECUTABLE" }, { 0x2000, "MAP_LOCKED" }, { 0x4000, "MAP_NORESERVE" },
	{ 0x8000, "MAP_POPULATE" }, { 0x10000, "MAP_NONBLOCK" }, { 0x20000, "MAP_STACK" },
	{ 0x40000, "MAP_HUGETLB" }, { 0x100000, "MAP_FIXED_NOREPLACE" }, { 0, NULL },
};
static const struct flag_name at_flags[] = {
	{ 0x100, "AT_SYMLINK_NOFOLLOW" }, { 0x200, "AT_EACCESS" }, { 0x400, "AT_SYMLINK_FOLLOW" },
	{ 0x800, "AT_NO_AUTOMOUNT" }, { 0x1000, "AT_EMPTY_PATH" }, { 0, NULL },
};
static const struct flag_name access_flags[] = {
	{ 4, "R_OK" }, { 2, "W_OK" }, { 1, "X_OK" }, { 0, NULL },
};
static const struct flag_name mremap_flags[] = {
	{ 1, "MREMAP_MAYMOVE" }, { 2, "MREMAP_FIXED" }, { 4, "MREMAP_DONTUNMAP" }, { 0, NULL },
};
static const struct flag_name clone_flags[] = {
	{ 0x100, "CLONE_VM" }, { 0x200, "CLONE_FS" }, { 0x400, "CLONE_FILES" },
	{ 0x800, "CLONE_SIGHAND" }, { 0x1000, "CLONE_PIDFD" }, { 0x4000, "CLONE_VFORK" },
	{ 0x10000, "CLONE_THREAD" }, { 0x40000, "CLONE_SYSVSEM" }, { 0x80000, "CLONE_SETTLS" },
	{ 0x100000, "CLONE_PARENT_SETTID" }, { 0x200000, "CLONE_CHILD_CLEARTID" },
	{ 0x400000, "CLONE_DETACHED" }, { 0x1000000, "CLONE_CHILD_SETTID" }, { 0, NULL },
};
static const char *const futex_cmds[] = {
	"FUTEX_WAIT", "FUTEX_WAKE", "FUTEX_FD", "FUTEX_REQUEUE", "FUTEX_CMP_REQUEUE",
	"FUTEX_WAKE_OP", "FUTEX_LOCK_PI", "FUTEX_UNLOCK_PI", "FUTEX_TRYLOCK_PI",
	"FUTEX_WAIT_BITSET", "FUTEX_WAKE_BITSET",
};
static const struct flag_name rand_flags[] = {
	{ 1, "GRND_NONBLOCK" }, { 2, "GRND_RANDOM" }, { 4, "GRND_INSECURE" }, { 0, NULL },
};

static const char *const clock_names[] = {
	"CLOCK_REALTIME", "CLOCK_MONOTONIC", "CLOCK_PROCESS_CPUTIME_ID",
	"CLOCK_THREAD_CPUTIME_ID", "CLOCK_MONOTONIC_RAW", "CLOCK_REALTIME_COARSE",
	"CLOCK_MONOTONIC_COARSE", "CLOCK_BOOTTIME",
};
static const char *const sig_names[] = {
	"0", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS",
	"SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM",
	"SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN",
	"SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH",
	"SIGIO", "SIGPWR", "SIGSYS",
};
static const char *const rlim_names[] = {
	"RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_DATA", "RLIMIT_STACK", "RLIMIT_CORE",
	"RLIMIT_RSS", "RLIMIT_NPROC", "RLIMIT_NOFILE", "RLIMIT_MEMLOCK", "RLIMIT_AS",
	"RLIMIT_LOCKS", "RLIMIT_SIGPENDING", "RLIMIT_MSGQUEUE", "RLIMIT_NICE",
	"RLIMIT_RTPRIO", "RLIMIT_RTTIME",
};
static const char *const madv_names[] = {
	"MADV_NORMAL", "MADV_RANDOM", "MADV_SEQUENTIAL", "MADV_WILLNEED", "MADV_DONTNEED",
	"MADV_FREE", "MADV_REMOVE", "MADV_DONTFORK", "MADV_DOFORK",
};
static const char *const fcntl_names[] = {
	"F_DUPFD", "F_GETFD", "F_SETFD", "F_GETFL", "F_SETFL", "F_GETLK", "F_SETLK", "F_SETLKW",
};

struct errno_text {
	u8 err;
	const char *text;
};
static const struct errno_text errno_texts[] = {
	{ EPERM, "Operation not permitted" }, { ENOENT, "No such file or directory" },
	{ ESRCH, "No such process" }, { EINTR, "Interrupted system call" },
	{ EIO, "Input/output error" }, { E2BIG, "Argument list too long" },
	{ ENOEXEC, "Exec format error" }, { EBADF, "Bad file descriptor" },
	{ ECHILD, "No child processes" }, { EAGAIN, "Resource temporarily unavailable" },
	{ ENOMEM, "Cannot allocate memory" }, { EACCES, "Permission denied" },
	{ EFAULT, "Bad address" }, { EBUSY, "Device or resource busy" },
	{ EEXIST, "File exists" }, { EXDEV, "Invalid cross-device link" },
	{ ENODEV, "No such device" }, { ENOTDIR, "Not a directory" },
	{ EISDIR, "Is a directory" }, { EINVAL, "Invalid argument" },
	{ ENFILE, "Too many open files in system" }, { EMFILE, "Too many open files" },
	{ ENOTTY, "Inappropriate ioctl for device" }, { EFBIG, "File too large" },
	{ ENOSPC, "No space left on device" }, { ESPIPE, "Illegal seek" },
	{ EROFS, "Read-only file system" }, { EPIPE, "Broken pipe" },
	{ ERANGE, "Numerical result out of range" }, { ENAMETOOLONG, "File name too long" },
	{ ENOSYS, "Function not implemented" }, { ENOTEMPTY, "Directory not empty" },
	{ ELOOP, "Too many levels of symbolic links" }, { ENODATA, "No data available" },
	{ EOVERFLOW, "Value too large for defined data type" },
	{ EOPNOTSUPP, "Operation not supported" }, { ETIMEDOUT, "Connection timed out" },
	{ ENOTSOCK, "Socket operation on non-socket" },
	{ EDESTADDRREQ, "Destination address required" }, { EMSGSIZE, "Message too long" },
	{ EPROTOTYPE, "Protocol wrong type for socket" }, { ENOPROTOOPT, "Protocol not available" },
	{ EPROTONOSUPPORT, "Protocol not supported" },
	{ ESOCKTNOSUPPORT, "Socket type not supported" },
	{ EAFNOSUPPORT, "Address family not supported by protocol" },
	{ EADDRINUSE, "Address already in use" },
	{ EADDRNOTAVAIL, "Cannot assign requested address" },
	{ ENETUNREACH, "Network is unreachable" },
	{ ECONNABORTED, "Software caused connection abort" },
	{ ECONNRESET, "Connection reset by peer" }, { ENOBUFS, "No buffer space available" },
	{ EISCONN, "Transport endpoint is already connected" },
	{ ENOTCONN, "Transport endpoint is not connected" },
	{ ECONNREFUSED, "Connection refused" }, { EHOSTUNREACH, "No route to host" },
	{ EALREADY, "Operation already in progress" },
	{ EINPROGRESS, "Operation now in progress" },
};

struct line {
	char buf[640];
	size_t len;
};

static void put(struct line *l, const char *fmt, ...) PRINTF_LIKE(2, 3);
static void put(struct line *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (l->len >= sizeof(l->buf) - 1)
		return;
	va_start(ap, fmt);
	n = fmt_vsnprintf(l->buf + l->len, sizeof(l->buf) - l->len, fmt, ap);
	va_end(ap);
	l->len += (size_t)n;
	if (l->len > sizeof(l->buf) - 1)
		l->len = sizeof(l->buf) - 1;
}

const char *trace_syscall_name(u64 nr)
{
	return nr < SYSCALL_MAX && syscall_names[nr] ? syscall_names[nr] : "?";
}

static void put_flags(struct line *l, u64 v, const struct flag_name *t, const char *zero)
{
	bool any = false;

	for (; t->name; t++) {
		if ((v & t->val) == t->val && t->val) {
			put(l, "%s%s", any ? "|" : "", t->name);
			v &= ~t->val;
			any = true;
		}
	}
	if (v || !any) {
		if (!any && !v && zero)
			put(l, "%s", zero);
		else
			put(l, "%s%#lx", any ? "|" : "", (unsigned long)v);
	}
}

static void put_enum(struct line *l, u64 v, const char *const *names, size_t n)
{
	if (v < n && names[v])
		put(l, "%s", names[v]);
	else
		put(l, "%ld", (long)v);
}

static void put_bytes(struct line *l, u64 uaddr, u64 len)
{
	u8 tmp[32];
	u64 n = len < sizeof(tmp) ? len : sizeof(tmp);

	if (copy_from_user(tmp, uaddr, n)) {
		put(l, "%#lx", (unsigned long)uaddr);
		return;
	}
	put(l, "\"");
	for (u64 i = 0; i < n; i++) {
		u8 c = tmp[i];

		if (c == '\n')
			put(l, "\\n");
		else if (c == '\t')
			put(l, "\\t");
		else if (c == '\r')
			put(l, "\\r");
		else if (c == '"' || c == '\\')
			put(l, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			put(l, "\\%o", c);
		else
			put(l, "%c", c);
	}
	put(l, "\"%s", len > n ? "..." : "");
}

static void put_arg(struct line *l, u8 kind, const struct user_regs *r, const u64 *a, int i,
		    long ret)
{
	u64 v = a[i];
	char s[64];
	long n;

	switch (kind) {
	case A_INT:
		put(l, "%ld", (long)v);
		break;
	case A_FD:
		put(l, "%d", (int)v);
		break;
	case A_IOV: {
		u64 cnt = a[i + 1];

		put(l, "[");
		for (u64 k = 0; k < cnt && k < 4; k++) {
			u64 iov[2];

			if (copy_from_user(iov, v + k * 16, sizeof(iov))) {
				put(l, "%#lx", (unsigned long)(v + k * 16));
				break;
			}
			put(l, "%s{iov_base=", k ? ", " : "");
			put_bytes(l, iov[0], iov[1]);
			put(l, ", iov_len=%lu}", (unsigned long)iov[1]);
		}
		put(l, "%s]", cnt > 4 ? ", ..." : "");
		break;
	}
	case A_UINT:
		put(l, "%lu", (unsigned long)v);
		break;
	case A_STR:
		n = strncpy_from_user(s, v, sizeof(s));
		if (n == -ENAMETOOLONG)
			put(l, "\"%s\"...", s); /* truncated, NUL-terminated */
		else if (n < 0)
			put(l, "%#lx", (unsigned long)v);
		else
			put(l, "\"%s\"", s);
		break;
	case A_DIRFD:
		if ((int)v == -100)
			put(l, "AT_FDCWD");
		else
			put(l, "%d", (int)v);
		break;
	case A_OFLAGS: {
		static const char *const acc[] = { "O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE" };

		put(l, "%s", acc[v & 3]);
		if (v & ~3ULL) {
			put(l, "|");
			put_flags(l, v & ~3ULL, oflags, NULL);
		}
		break;
	}
	case A_MODE:
		put(l, "%#lo", (unsigned long)v);
		break;
	case A_PROT:
		put_flags(l, v, prot_flags, "PROT_NONE");
		break;
	case A_MAPF:
		put_flags(l, v, map_flags, "0");
		break;
	case A_BUFIN:
		put_bytes(l, v, a[i + 1]);
		break;
	case A_BUFOUT:
		if (ret > 0)
			put_bytes(l, v, (u64)ret);
		else
			put(l, "%#lx", (unsigned long)v);
		break;
	case A_SIG:
		put_enum(l, v, sig_names, ARRAY_SIZE(sig_names));
		break;
	case A_CLOCK:
		put_enum(l, v, clock_names, ARRAY_SIZE(clock_names));
		break;
	case A_ATF:
		put_flags(l, v, at_flags, "0");
		break;
	case A_ARCHPRCTL:
		if (v >= 0x1001 && v <= 0x1004) {
			static const char *const ap[] = { "ARCH_SET_GS", "ARCH_SET_FS",
							  "ARCH_GET_FS", "ARCH_GET_GS" };
			put(l, "%s", ap[v - 0x1001]);
		} else {
			put(l, "%#lx", (unsigned long)v);
		}
		break;
	case A_MADV:
		put_enum(l, v, madv_names, ARRAY_SIZE(madv_names));
		break;
	case A_SIGHOW: {
		static const char *const how[] = { "SIG_BLOCK", "SIG_UNBLOCK", "SIG_SETMASK" };
		put_enum(l, v, how, ARRAY_SIZE(how));
		break;
	}
	case A_WHENCE: {
		static const char *const wh[] = { "SEEK_SET", "SEEK_CUR", "SEEK_END", "SEEK_DATA",
						  "SEEK_HOLE" };
		put_enum(l, v, wh, ARRAY_SIZE(wh));
		break;
	}
	case A_ACCESS:
		put_flags(l, v, access_flags, "F_OK");
		break;
	case A_FCNTL:
		if (v == 1030)
			put(l, "F_DUPFD_CLOEXEC");
		else
			put_enum(l, v, fcntl_names, ARRAY_SIZE(fcntl_names));
		break;
	case A_RLIM:
		put_enum(l, v, rlim_names, ARRAY_SIZE(rlim_names));
		break;
	case A_MREMAPF:
		put_flags(l, v, mremap_flags, "0");
		break;
	case A_RANDF:
		put_flags(l, v, rand_flags, "0");
		break;
	case A_CLONEF:
		put_flags(l, v & ~0xffULL, clone_flags, "0");
		if (v & 0xff)
			put(l, "|%lu", (unsigned long)(v & 0xff)); /* exit signal */
		break;
	case A_FUTEXOP:
		put_enum(l, v & 127, futex_cmds, ARRAY_SIZE(futex_cmds));
		if (v & 128)
			put(l, "_PRIVATE");
		if (v & 256)
			put(l, "|FUTEX_CLOCK_REALTIME");
		break;
	case A_PTR:
		if (!v) {
			put(l, "NULL");
			break;
		}
		/* fall through */
	case A_HEX:
	default:
		put(l, "%#lx", (unsigned long)v);
		break;
	}
}

static void put_call(struct line *l, u64 nr, const struct user_regs *r, long ret)
{
	const u64 a[7] = { r->rdi, r->rsi, r->rdx, r->r10, r->r8, r->r9, 0 };
	const struct trace_sig *sg = nr < SYSCALL_MAX ? &sigs[nr] : NULL;
	struct thread *t = current();

	put(l, "[%d] ", t ? t->tid : 0);
	if (nr < SYSCALL_MAX && syscall_names[nr])
		put(l, "%s(", syscall_names[nr]);
	else
		put(l, "syscall_%lu(", (unsigned long)nr);
	if (sg && (sg->args[0] != A_END || nr == __NR_getpid || nr == __NR_gettid ||
		   nr == __NR_getppid || nr == __NR_getuid || nr == __NR_geteuid ||
		   nr == __NR_getgid || nr == __NR_getegid || nr == __NR_sched_yield ||
		   nr == __NR_pause)) {
		for (int i = 0; i < 6 && sg->args[i] != A_END; i++) {
			if (i)
				put(l, ", ");
			put_arg(l, sg->args[i], r, a, i, ret);
		}
	} else {
		/* unknown argument kinds: six raw values */
		for (int i = 0; i < 6; i++)
			put(l, "%s%#lx", i ? ", " : "", (unsigned long)a[i]);
	}
	put(l, ")");
}

static bool trace_skipped(u64 nr)
{
	return nr < SYSCALL_MAX && (trace_skip[nr / 8] & (1u << (nr % 8)));
}

static int syscall_by_name(const char *name)
{
	for (int i = 0; i < SYSCALL_MAX; i++)
		if (syscall_names[i] && !strcmp(syscall_names[i], name))
			return i;
	return -1;
}

/* mark (or clear) the names of a vector; unknown names are reported */
static void trace_mark(const struct value *list, const char *key, bool skip)
{
	for (u32 i = 0; i < vector_count(list); i++) {
		const struct value *v = vector_at(list, i);
		int nr = v && v->type == VALUE_STRING ? syscall_by_name((const char *)v->str.bytes)
						     : -1;

		if (nr < 0) {
			kprintf("monos: manifest %s: entry %u is not a syscall name\n", key, i);
			continue;
		}
		if (skip)
			trace_skip[nr / 8] |= (u8)(1u << (nr % 8));
		else
			trace_skip[nr / 8] &= (u8)~(1u << (nr % 8));
	}
}

void trace_configure(struct value *config)
{
	struct value *only = config ? tuple_get_cstr(config, "tracelist") : NULL;
	struct value *not = config ? tuple_get_cstr(config, "notrace") : NULL;

	trace_on = config_flag("trace") || config_flag("debugsyscalls");
	if (only && only->type == VALUE_VECTOR) {
		memset(trace_skip, 0xff, sizeof(trace_skip));
		trace_mark(only, "tracelist", false);
		trace_on = true;
	}
	if (not && not->type == VALUE_VECTOR)
		trace_mark(not, "notrace", true);
}

void trace_enter(u64 nr, const struct user_regs *r)
{
	struct line l = { .len = 0 };

	if (trace_skipped(nr))
		return;
	if (nr != __NR_exit && nr != __NR_exit_group)
		return;
	/* these never return: print now */
	put_call(&l, nr, r, 0);
	put(&l, " = ?\n");
	console_write(l.buf, l.len);
}

void trace_exit(u64 nr, const struct user_regs *r, long ret)
{
	struct line l = { .len = 0 };
	const struct trace_sig *sg = nr < SYSCALL_MAX ? &sigs[nr] : NULL;

	if (trace_skipped(nr) || nr == __NR_exit || nr == __NR_exit_group)
		return;
	put_call(&l, nr, r, ret);
	if (ret < 0 && ret >= -4095) {
		const char *text = "Unknown error";

		for (size_t i = 0; i < ARRAY_SIZE(errno_texts); i++)
			if (errno_texts[i].err == -ret)
				text = errno_texts[i].text;
		put(&l, " = -1 %s (%s)\n", errno_name((int)-ret), text);
	} else if (sg && sg->ret == R_HEX) {
		put(&l, " = %#lx\n", (unsigned long)ret);
	} else {
		put(&l, " = %ld\n", ret);
	}
	console_write(l.buf, l.len);
}
