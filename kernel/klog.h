/*
 * klog.h - console internals shared by kernel/ files (init, exit, traps):
 * early console setup, klog switch, va_list printing and backtraces.
 */
#ifndef KERNEL_KLOG_H
#define KERNEL_KLOG_H

#include <stdarg.h>
#include "types.h"

void console_init(void);
void klog_enable(void);          /* print buffered and future klog lines */
void klog_clock_ready(void);     /* the clock works: timestamp the early lines */
bool klog_enabled(void);
void kvprintf(const char *fmt, va_list ap);
void backtrace_here(void);       /* arch/x86_64/traps.c */

#endif
