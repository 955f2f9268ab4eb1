/*
 * sys/sys_poll.h - helpers shared by sys/sys_poll.c and sys/sys_epoll.c:
 * a relative timespec to a monotonic deadline, and the temporary signal
 * mask of ppoll/pselect6/epoll_pwait.
 * Layer: sys. Callers: sys/sys_poll.c, sys/sys_epoll.c.
 */
#ifndef SYS_SYS_POLL_H
#define SYS_SYS_POLL_H

#include "types.h"

/* uts NULL: forever (deadline 0, nowait false); zero: nowait */
int poll_ts_deadline(u64 uts, u64 *deadline, bool *nowait);
/* umask NULL: nothing; else size must be 8 */
int poll_set_sigmask(u64 umask, u64 size, u64 *old, bool *set);
/* after the wait: back to old now, or after the handler when ret is -EINTR */
void poll_restore_sigmask(u64 old, bool set, long ret);

#endif
