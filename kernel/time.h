/*
 * time.h - kernel time helpers beyond kernel.h's clock_now_ns and
 * clock_realtime_ns (kernel/time.c). Used by sys/ time syscalls.
 */
#ifndef KERNEL_TIME_H
#define KERNEL_TIME_H

#include "types.h"

void clock_sleep_until(u64 deadline_ns); /* monotonic ns */
/* the arch timer interrupt calls this: runs the tick, re-arms the timer */
void clock_timer_interrupt(void);
/* arm the one-shot timer for the earliest pending deadline */
void clock_rearm(void);

#endif
