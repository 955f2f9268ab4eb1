/*
 * pipe.c - pipe ping-pong between two processes (fork): one byte there and
 * back over two pipes, N round trips; prints
 *   result pipe_pingpong NS_PER_ROUND_TRIP ns
 * Usage: pipe [N] (default 100,000).
 *
 * Layer: benchmark program (bench/run: pipe).
 */
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

static int xfer(int rfd, int wfd, char *c)
{
	if (write(wfd, c, 1) != 1)
		return -1;
	if (read(rfd, c, 1) != 1)
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	long n = bench_count(argc, argv, 100000);
	int to_child[2], to_parent[2], st;
	long long t0, t1;
	char c = 'x';
	pid_t pid;

	if (pipe(to_child) < 0 || pipe(to_parent) < 0) {
		fprintf(stderr, "pipe: pipe: %s\n", strerror(errno));
		return 1;
	}
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "pipe: fork: %s\n", strerror(errno));
		return 1;
	}
	if (pid == 0) {
		for (long i = 0; i < n + 1; i++) {
			if (read(to_child[0], &c, 1) != 1 || write(to_parent[1], &c, 1) != 1)
				_exit(1);
		}
		_exit(0);
	}
	if (xfer(to_parent[0], to_child[1], &c) < 0) /* warm up: the child runs */
		goto out_fail;
	t0 = bench_now_ns();
	for (long i = 0; i < n; i++)
		if (xfer(to_parent[0], to_child[1], &c) < 0)
			goto out_fail;
	t1 = bench_now_ns();
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "pipe: child failed\n");
		return 1;
	}
	bench_result("pipe_pingpong", (double)(t1 - t0) / n, "ns");
	return 0;
out_fail:
	fprintf(stderr, "pipe: transfer failed: %s\n", strerror(errno));
	return 1;
}
