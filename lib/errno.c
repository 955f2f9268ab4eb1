/*
 * errno.c - errno numbers to their names ("ENOENT"), for the syscall trace,
 * tool messages and tests. Shared by kernel and host tools.
 */
#include "lib/errno.h"

static const char *const errno_names[] = {
	[EPERM] = "EPERM",	   [ENOENT] = "ENOENT",	    [ESRCH] = "ESRCH",
	[EINTR] = "EINTR",	   [EIO] = "EIO",	    [ENXIO] = "ENXIO",
	[E2BIG] = "E2BIG",	   [ENOEXEC] = "ENOEXEC",   [EBADF] = "EBADF",
	[ECHILD] = "ECHILD",	   [EAGAIN] = "EAGAIN",	    [ENOMEM] = "ENOMEM",
	[EACCES] = "EACCES",	   [EFAULT] = "EFAULT",	    [EBUSY] = "EBUSY",
	[EEXIST] = "EEXIST",	   [EXDEV] = "EXDEV",	    [ENODEV] = "ENODEV",
	[ENOTDIR] = "ENOTDIR",	   [EISDIR] = "EISDIR",	    [EINVAL] = "EINVAL",
	[ENFILE] = "ENFILE",	   [EMFILE] = "EMFILE",	    [ENOTTY] = "ENOTTY",
	[EFBIG] = "EFBIG",	   [ENOSPC] = "ENOSPC",	    [ESPIPE] = "ESPIPE",
	[EROFS] = "EROFS",	   [EMLINK] = "EMLINK",	    [EPIPE] = "EPIPE",
	[EDOM] = "EDOM",	   [ERANGE] = "ERANGE",	    [EDEADLK] = "EDEADLK",
	[ENAMETOOLONG] = "ENAMETOOLONG", [ENOLCK] = "ENOLCK", [ENOSYS] = "ENOSYS",
	[ENOTEMPTY] = "ENOTEMPTY", [ELOOP] = "ELOOP",	    [ENODATA] = "ENODATA",
	[EOVERFLOW] = "EOVERFLOW", [EILSEQ] = "EILSEQ",	    [ENOTSOCK] = "ENOTSOCK",
	[EOPNOTSUPP] = "EOPNOTSUPP", [ETIMEDOUT] = "ETIMEDOUT", [EUCLEAN] = "EUCLEAN",
	[EDESTADDRREQ] = "EDESTADDRREQ", [EMSGSIZE] = "EMSGSIZE", [EPROTOTYPE] = "EPROTOTYPE",
	[ENOPROTOOPT] = "ENOPROTOOPT", [EPROTONOSUPPORT] = "EPROTONOSUPPORT",
	[ESOCKTNOSUPPORT] = "ESOCKTNOSUPPORT", [EPFNOSUPPORT] = "EPFNOSUPPORT",
	[EAFNOSUPPORT] = "EAFNOSUPPORT", [EADDRINUSE] = "EADDRINUSE",
	[EADDRNOTAVAIL] = "EADDRNOTAVAIL", [ENETDOWN] = "ENETDOWN", [ENETUNREACH] = "ENETUNREACH",
	[ENETRESET] = "ENETRESET", [ECONNABORTED] = "ECONNABORTED", [ECONNRESET] = "ECONNRESET",
	[ENOBUFS] = "ENOBUFS", [EISCONN] = "EISCONN", [ENOTCONN] = "ENOTCONN",
	[ESHUTDOWN] = "ESHUTDOWN", [ECONNREFUSED] = "ECONNREFUSED", [EHOSTDOWN] = "EHOSTDOWN",
	[EHOSTUNREACH] = "EHOSTUNREACH", [EALREADY] = "EALREADY", [EINPROGRESS] = "EINPROGRESS",
};

const char *errno_name(int err)
{
	if (err < 0)
		err = -err;
	if (err > 0 && (unsigned)err < sizeof(errno_names) / sizeof(errno_names[0]) &&
	    errno_names[err])
		return errno_names[err];
	return "E?";
}
