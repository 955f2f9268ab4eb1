/*
 * time.c - kernel clocks and sleeping (kernel layer): monotonic and wall
 * time on top of the arch clock, and clock_sleep_until() which arms the
 * one-shot timer and halts until the deadline (the scheduler's timer queue
 * replaces the halt loop when threads land). Called by sys/ time syscalls,
 * klog and drivers.
 */
#include "kernel/kernel.h"
#include "kernel/time.h"
#include "arch.h"

u64 clock_now_ns(void)
{
	return arch_clock_ns();
}

u64 clock_realtime_ns(void)
{
	return arch_realtime_base_ns() + arch_clock_ns();
}

void clock_sleep_until(u64 deadline_ns)
{
	while (clock_now_ns() < deadline_ns) {
		arch_timer_arm(deadline_ns);
		if (clock_now_ns() >= deadline_ns)
			break;
		arch_wait_irq();
	}
	arch_timer_arm(0);
}
