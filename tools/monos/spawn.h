/*
 * spawn.h - starting helper processes for the runner (tools/monos/spawn.c):
 * mkfs (image.c) and QEMU (vm.c), and writing a whole buffer to a pipe.
 */
#ifndef TOOLS_MONOS_SPAWN_H
#define TOOLS_MONOS_SPAWN_H

#include <sys/types.h>

#include "types.h"

/* Start argv[0] (PATH search) with stdin from fd_in and stdout to fd_out
 * (-1: inherit); other fds are inherited unless close-on-exec. Returns the
 * pid, or -1 with errno set (also when exec itself failed: ENOENT...). */
pid_t spawn_proc(char *const argv[], int fd_in, int fd_out, bool own_pgrp);
/* waitpid, retrying on EINTR; the wait status or -1 */
int spawn_wait(pid_t pid);
/* write all n bytes (short writes and EINTR retried); 0, or -1 with errno */
int spawn_write_all(int fd, const void *p, size_t n);

#endif
