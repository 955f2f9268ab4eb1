/*
 * pipe.c - pipe ping-pong: one byte there and back over two pipes, N round
 * trips, between two processes (fork, the default) or two threads of one
 * process (MODE "threads": what a single-process system such as monos can
 * run; the same pipes and the same blocking reads, only the peer differs).
 * Prints
 *   result pipe_pingpong NS_PER_ROUND_TRIP ns
 * Usage: pipe [N [fork|threads]] (default 100,000, fork).
 *
 * Layer: benchmark program (bench/run: pipe, pipe_threads).
 */
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

static int to_child[2], to_parent[2];
static long rounds;

static int xfer(int rfd, int wfd, char *c)
{
	if (write(wfd, c, 1) != 1)
		return -1;
	if (read(rfd, c, 1) != 1)
		return -1;
	return 0;
}

/* the peer: echoes n + 1 bytes (the warm-up and the timed ones); 0 or -1 */
static int echo(void)
{
	char c;

	for (long i = 0; i < rounds + 1; i++)
		if (read(to_child[0], &c, 1) != 1 || write(to_parent[1], &c, 1) != 1)
			return -1;
	return 0;
}

static void *echo_thread(void *arg)
{
	(void)arg;
	return (void *)(long)echo();
}

int main(int argc, char **argv)
{
	int threads = argc > 2 && !strcmp(argv[2], "threads");
	long long t0, t1;
	pthread_t th;
	void *ret;
	char c = 'x';
	pid_t pid = 0;
	int st;

	rounds = bench_count(argc, argv, 100000);
	if (argc > 2 && !threads && strcmp(argv[2], "fork")) {
		fprintf(stderr, "pipe: bad mode '%s' (want fork or threads)\n", argv[2]);
		return 2;
	}
	if (pipe(to_child) < 0 || pipe(to_parent) < 0) {
		fprintf(stderr, "pipe: pipe: %s\n", strerror(errno));
		return 1;
	}
	if (threads) {
		errno = pthread_create(&th, NULL, echo_thread, NULL);
		if (errno) {
			fprintf(stderr, "pipe: pthread_create: %s\n", strerror(errno));
			return 1;
		}
	} else {
		pid = fork();
		if (pid < 0) {
			fprintf(stderr, "pipe: fork: %s\n", strerror(errno));
			return 1;
		}
		if (pid == 0)
			_exit(echo() ? 1 : 0);
	}
	if (xfer(to_parent[0], to_child[1], &c) < 0) /* warm up: the peer runs */
		goto out_fail;
	t0 = bench_now_ns();
	for (long i = 0; i < rounds; i++)
		if (xfer(to_parent[0], to_child[1], &c) < 0)
			goto out_fail;
	t1 = bench_now_ns();
	if (threads) {
		if (pthread_join(th, &ret) != 0 || ret) {
			fprintf(stderr, "pipe: echo thread failed\n");
			return 1;
		}
	} else if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "pipe: child failed\n");
		return 1;
	}
	bench_result("pipe_pingpong", (double)(t1 - t0) / rounds, "ns");
	return 0;
out_fail:
	fprintf(stderr, "pipe: transfer failed: %s\n", strerror(errno));
	return 1;
}
