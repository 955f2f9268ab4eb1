/*
 * sys/sys_file.h - helpers shared by the file syscall files
 * (sys/sys_file.c, sys/sys_stat.c). Layer: sys.
 */
#ifndef SYS_SYS_FILE_H
#define SYS_SYS_FILE_H

#include "types.h"

/* copy a user path (< PATH_MAX_LEN) into a new kernel buffer (kfree it):
 * 0, -EFAULT, -ENAMETOOLONG, -ENOMEM */
int sys_get_path(u64 upath, char **out);

#endif
