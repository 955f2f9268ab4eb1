/*
 * spawn.c - process and buffer helpers for the runner: starting a program
 * (fork + exec, no shell) with chosen stdin/stdout, in its own process
 * group if asked, killed if monos dies (PR_SET_PDEATHSIG); reporting exec
 * failures to the parent through a close-on-exec pipe; strbuf/argvec.
 *
 * Layer: host tool (tools/monos). Called by image.c (mkfs) and vm.c (QEMU).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "monos.h"
#include "spawn.h"

static void oom(void)
{
	monos_error("out of memory");
	exit(MONOS_EXIT_VMFAIL);
}

void sb_add(struct strbuf *sb, const char *s, size_t n)
{
	if (sb->len + n + 1 > sb->cap) {
		size_t cap = sb->cap ? sb->cap : 256;

		while (cap < sb->len + n + 1)
			cap *= 2;
		sb->s = realloc(sb->s, cap);
		if (!sb->s)
			oom();
		sb->cap = cap;
	}
	memcpy(sb->s + sb->len, s, n);
	sb->len += n;
	sb->s[sb->len] = 0;
}

void sb_puts(struct strbuf *sb, const char *s)
{
	sb_add(sb, s, strlen(s));
}

void sb_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		oom();
	sb_add(sb, s, n);
	free(s);
}

void sb_free(struct strbuf *sb)
{
	free(sb->s);
	memset(sb, 0, sizeof(*sb));
}

void av_add(struct argvec *av, const char *s)
{
	if (av->n + 2 > av->cap) {
		av->cap = av->cap ? 2 * av->cap : 16;
		av->v = realloc(av->v, av->cap * sizeof(*av->v));
		if (!av->v)
			oom();
	}
	av->v[av->n] = strdup(s);
	if (!av->v[av->n])
		oom();
	av->n++;
	av->v[av->n] = NULL;
}

void av_free(struct argvec *av)
{
	for (size_t i = 0; i < av->n; i++)
		free(av->v[i]);
	free(av->v);
	memset(av, 0, sizeof(*av));
}

pid_t spawn_proc(char *const argv[], int fd_in, int fd_out, bool own_pgrp)
{
	int ep[2], err = 0;
	ssize_t r;
	pid_t pid;

	if (pipe2(ep, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		err = errno;
		close(ep[0]);
		close(ep[1]);
		errno = err;
		return -1;
	}
	if (pid == 0) {
		sigset_t none;

		if (own_pgrp)
			setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		if (fd_in >= 0 && fd_in != 0 && dup2(fd_in, 0) < 0)
			goto child_fail;
		if (fd_out >= 0 && fd_out != 1 && dup2(fd_out, 1) < 0)
			goto child_fail;
		execvp(argv[0], argv);
	child_fail:
		err = errno;
		if (write(ep[1], &err, sizeof(err)) < 0)
			_exit(127);
		_exit(127);
	}
	if (own_pgrp)
		setpgid(pid, pid); /* also in the parent: no race with kill(-pid) */
	close(ep[1]);
	do
		r = read(ep[0], &err, sizeof(err));
	while (r < 0 && errno == EINTR);
	close(ep[0]);
	if (r == sizeof(err)) {
		waitpid(pid, NULL, 0);
		errno = err;
		return -1;
	}
	return pid;
}

int spawn_wait(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return st;
}

/* write all n bytes, retrying short writes and EINTR; 0, or -1 with errno */
int spawn_write_all(int fd, const void *p, size_t n)
{
	const char *s = p;

	while (n) {
		ssize_t w = write(fd, s, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		s += w;
		n -= w;
	}
	return 0;
}
