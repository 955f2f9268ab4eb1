/*
 * time.h - kernel time helpers beyond kernel.h's clock_now_ns and
 * clock_realtime_ns (kernel/time.c), and the Linux clock ids. Used by
 * sys/ time and timer syscalls and fs/timerfd.c.
 */
#ifndef KERNEL_TIME_H
#define KERNEL_TIME_H

#include "types.h"

/* Linux clock ids (clock_gettime, timer_create, timerfd_create) */
#define CLOCK_REALTIME		 0
#define CLOCK_MONOTONIC		 1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID	 3
#define CLOCK_MONOTONIC_RAW	 4
#define CLOCK_REALTIME_COARSE	 5
#define CLOCK_MONOTONIC_COARSE	 6
#define CLOCK_BOOTTIME		 7
#define CLOCK_REALTIME_ALARM	 8
#define CLOCK_BOOTTIME_ALARM	 9
#define CLOCK_TAI		 11

void clock_sleep_until(u64 deadline_ns); /* monotonic ns */
/* the arch timer interrupt calls this: runs the tick, re-arms the timer */
void clock_timer_interrupt(void);
/* arm the one-shot timer for the earliest pending deadline */
void clock_rearm(void);

#endif
