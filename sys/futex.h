/*
 * futex.h - futex wakeups for kernel code (sys/sys_futex.c): thread exit
 * (CLONE_CHILD_CLEARTID, robust lists) wakes waiters through it.
 */
#ifndef SYS_FUTEX_H
#define SYS_FUTEX_H

#include "types.h"

/* wake up to n waiters on the futex word at uaddr; returns the count */
int futex_wake_addr(u64 uaddr, int n);
/* the exiting thread's robust list: mark its held futexes OWNER_DIED */
void futex_exit_robust(u64 head, int tid);

#endif
