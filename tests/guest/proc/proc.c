/*
 * proc.c - guest test of the synthetic /proc and /sys files (issue 4 item
 * 3): /proc/self/maps parses in Linux's exact layout and places the
 * program's text, the heap, the stack, the vDSO and (dynamic builds) libc
 * where they are; status/stat/statm agree with getpid/prctl/umask;
 * comm (prctl PR_SET_NAME, writing comm), cmdline, environ and auxv
 * match what the program got; task/<tid> lists each thread; meminfo,
 * cpuinfo, /proc/stat, uptime, random/uuid, boot_id and
 * /sys/devices/system/cpu/online have their formats; getdents64 lists the
 * directories; /proc/self/fd links of pipes and sockets read pipe:[N] and
 * socket:[N]; statfs, times, getrusage, umask work. "proc tz" prints a
 * fixed timestamp in local time instead (the suite compares it with the
 * host). Prints ok/FAIL lines (gtest.h); runs natively on Linux as well.
 * Layer: guest test program (static musl/glibc, dynamic glibc PIE), used
 * by tests/suites/64-proc.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

#include "../gtest.h"

extern char **environ;

static char big[1 << 20];

/* the whole file into big (NUL-terminated); length or -1 */
static long slurp(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	long n = 0, r;

	if (fd < 0)
		return -1;
	/* small reads on purpose: offsets must carry across reads */
	while (n < (long)sizeof(big) - 1 && (r = read(fd, big + n, 777)) > 0)
		n += r;
	close(fd);
	big[n] = 0;
	return n;
}

/* ---- /proc/self/maps ---- */

struct map_line {
	unsigned long start, end, off, ino;
	char perms[5];
	unsigned maj, min;
	char path[512];
};

/* one line in Linux's format; the path (if any) starts at column 73 */
static int parse_map_line(const char *line, size_t len, struct map_line *m)
{
	char buf[700];
	int used = 0;

	if (len >= sizeof(buf))
		return 0;
	memcpy(buf, line, len);
	buf[len] = 0;
	m->path[0] = 0;
	if (sscanf(buf, "%lx-%lx %4s %lx %x:%x %lu %n", &m->start, &m->end, m->perms, &m->off,
		   &m->maj, &m->min, &m->ino, &used) != 7)
		return 0;
	if (m->start >= m->end || strlen(m->perms) != 4 || !strchr("r-", m->perms[0]) ||
	    !strchr("w-", m->perms[1]) || !strchr("x-", m->perms[2]) || !strchr("ps", m->perms[3]))
		return 0;
	/* hex fields: lowercase, addresses at least 8 digits, offset 8 */
	for (const char *p = buf; *p && *p != ' '; p++)
		if (isupper((unsigned char)*p))
			return 0;
	if (used < (int)len) {
		if (used != 73)
			return 0;
		snprintf(m->path, sizeof(m->path), "%.511s", buf + used);
	} else if (buf[len - 1] != ' ') {
		return 0; /* no path: the line ends with "inode " */
	}
	return 1;
}

static int nmaps;
static struct map_line maps[512];

static int load_maps(void)
{
	long n = slurp("/proc/self/maps");
	const char *p = big;

	nmaps = 0;
	if (n <= 0 || big[n - 1] != '\n')
		return -1;
	while (*p && nmaps < (int)(sizeof(maps) / sizeof(maps[0]))) {
		const char *nl = strchr(p, '\n');

		if (!parse_map_line(p, (size_t)(nl - p), &maps[nmaps]))
			return (int)(p - big) + 1; /* where it broke */
		nmaps++;
		p = nl + 1;
	}
	return 0;
}

static const struct map_line *map_of(const void *addr)
{
	unsigned long a = (unsigned long)addr;

	for (int i = 0; i < nmaps; i++)
		if (a >= maps[i].start && a < maps[i].end)
			return &maps[i];
	return NULL;
}

static void test_maps(void)
{
	char exe[512];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	void *heap = malloc(100);
	int r = load_maps();
	int stack_var = 1;
	const struct map_line *m;
	unsigned long vdso = getauxval(AT_SYSINFO_EHDR);
	int sorted = 1;

	exe[n > 0 ? n : 0] = 0;
	if (!CHECK("maps-parse", r == 0 && nmaps >= 4, "bad line at byte %d, %d lines: %.200s",
		   r - 1, nmaps, r > 0 ? big + r - 1 : big))
		return;
	for (int i = 1; i < nmaps; i++)
		if (maps[i].start < maps[i - 1].end)
			sorted = 0;
	CHECK("maps-sorted", sorted, "overlapping or unsorted lines");
	m = map_of((void *)test_maps);
	CHECK("maps-text", m && !strcmp(m->perms, "r-xp") && !strcmp(m->path, exe) && m->ino,
	      "text %p in %s '%s' ino %lu, exe '%s'", (void *)test_maps, m ? m->perms : "-",
	      m ? m->path : "", m ? m->ino : 0, exe);
	m = map_of(heap);
	CHECK("maps-heap", m && !strcmp(m->perms, "rw-p"), "malloc %p in %s '%s'", heap,
	      m ? m->perms : "nothing", m ? m->path : "");
	m = map_of(&stack_var);
	CHECK("maps-stack", m && !strcmp(m->perms, "rw-p") && !strcmp(m->path, "[stack]"),
	      "stack %p in %s '%s'", (void *)&stack_var, m ? m->perms : "nothing",
	      m ? m->path : "");
	m = map_of(big);
	CHECK("maps-bss", m && m->perms[1] == 'w', "bss %p in %s '%s'", (void *)big,
	      m ? m->perms : "nothing", m ? m->path : "");
	if (vdso) {
		m = map_of((void *)vdso);
		CHECK("maps-vdso", m && !strcmp(m->path, "[vdso]") && m->perms[2] == 'x',
		      "vdso %#lx in %s '%s'", vdso, m ? m->perms : "nothing", m ? m->path : "");
	} else {
		gt_skip("maps-vdso", "no AT_SYSINFO_EHDR");
	}
#ifdef GT_DYNAMIC
	m = map_of((void *)(uintptr_t)&fprintf);
	CHECK("maps-libc", m && m->perms[2] == 'x' && strstr(m->path, "/libc.so.6") && m->ino,
	      "fprintf %p in %s '%s'", (void *)(uintptr_t)&fprintf, m ? m->perms : "nothing",
	      m ? m->path : "");
	m = map_of((void *)getauxval(AT_BASE));
	CHECK("maps-interp", m && strstr(m->path, "ld-linux-x86-64.so.2") && m->off == 0,
	      "AT_BASE %#lx in '%s' off %#lx", getauxval(AT_BASE), m ? m->path : "",
	      m ? m->off : 0);
#endif
	free(heap);
}

/* ---- status, stat, statm, comm ---- */

static int cpu_list_count(const char *s);

/* the value after "Key:\t" in big, or NULL */
static const char *status_field(const char *key)
{
	size_t kl = strlen(key);

	for (const char *p = big; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, key, kl) && p[kl] == ':' && p[kl + 1] == '\t')
			return p + kl + 2;
	return NULL;
}

static long status_num(const char *key)
{
	const char *v = status_field(key);

	return v ? strtol(v, NULL, 10) : -1;
}

static void test_status(void)
{
	char name[16] = {0};
	const char *v;
	long rss, size;

	prctl(PR_GET_NAME, name);
	if (!CHECK("status-read", slurp("/proc/self/status") > 0, "errno %d", errno))
		return;
	v = status_field("Name");
	CHECK("status-name", v && !strncmp(v, name, strlen(name)) && v[strlen(name)] == '\n',
	      "Name '%.20s' vs prctl '%s'", v ? v : "", name);
	v = status_field("State");
	CHECK("status-state", v && (v[0] == 'R' || v[0] == 'S') && v[1] == ' ' && v[2] == '(',
	      "State '%.20s'", v ? v : "");
	CHECK("status-pids",
	      status_num("Pid") == getpid() && status_num("Tgid") == getpid() &&
		  status_num("PPid") == getppid(),
	      "Pid %ld Tgid %ld PPid %ld vs %d %d", status_num("Pid"), status_num("Tgid"),
	      status_num("PPid"), getpid(), getppid());
	CHECK("status-threads", status_num("Threads") == 1, "Threads %ld", status_num("Threads"));
	rss = status_num("VmRSS");
	size = status_num("VmSize");
	v = status_field("VmRSS");
	CHECK("status-vm", rss > 0 && size >= rss && v && strstr(v, " kB\n") == v + 8,
	      "VmRSS %ld VmSize %ld", rss, size);
	v = status_field("Cpus_allowed_list");
	{
		char line[256];
		cpu_set_t set;
		int n = -1, want = -1;

		if (v && strchr(v, '\n') && strchr(v, '\n') - v < 250) {
			memcpy(line, v, (size_t)(strchr(v, '\n') - v) + 1);
			line[strchr(v, '\n') - v + 1] = 0;
			n = cpu_list_count(line);
		}
		if (sched_getaffinity(0, sizeof(set), &set) == 0)
			want = CPU_COUNT(&set);
		CHECK("status-cpus-allowed", n >= 1 && n == want,
		      "Cpus_allowed_list lists %d CPUs, sched_getaffinity %d", n, want);
	}
	v = status_field("SigQ");
	CHECK("status-sigq", v && isdigit((unsigned char)v[0]) && strchr(v, '/'),
	      "SigQ '%.20s'", v ? v : "");
	v = status_field("SigBlk");
	CHECK("status-sigblk", v && strspn(v, "0123456789abcdef") == 16, "SigBlk '%.20s'",
	      v ? v : "");
	{
		mode_t old = umask(027);

		slurp("/proc/self/status");
		v = status_field("Umask");
		CHECK("status-umask", v && !strncmp(v, "0027\n", 5), "Umask '%.6s' after umask(027)",
		      v ? v : "");
		CHECK("umask-returns-old", umask(old) == 027, "umask did not return 027");
	}
}

/* fields of a stat line after "pid (comm) ": 1-based field numbers */
static int stat_fields(const char *s, char comm[32], char **f, int max)
{
	static char copy[2048];
	const char *open = strchr(s, '('), *close = strrchr(s, ')');
	int n = 0;

	if (!open || !close || close < open || close - open - 1 >= 32)
		return -1;
	memcpy(comm, open + 1, (size_t)(close - open - 1));
	comm[close - open - 1] = 0;
	snprintf(copy, sizeof(copy), "%s", close + 2);
	f[n++] = NULL; /* field 1: the pid (before the comm) */
	f[n++] = NULL; /* field 2: the comm */
	for (char *t = strtok(copy, " \n"); t && n < max; t = strtok(NULL, " \n"))
		f[n++] = t;
	return n;
}

static void test_stat(void)
{
	char comm[32], name[16] = {0};
	char *f[64];
	int n;
	struct rusage ru;
	struct tms t;

	prctl(PR_GET_NAME, name);
	if (!CHECK("stat-read", slurp("/proc/self/stat") > 0, "errno %d", errno))
		return;
	n = stat_fields(big, comm, f, 64);
	CHECK("stat-fields", n >= 52 && atoi(big) == getpid() && !strcmp(comm, name) &&
				 (f[2][0] == 'R' || f[2][0] == 'S') && atoi(f[3]) == getppid() &&
				 atol(f[19]) >= 1 && strtoul(f[22], NULL, 10) > 0 &&
				 isdigit((unsigned char)f[23][0]),
	      "%d fields: %.200s", n, big);
	CHECK("statm", slurp("/proc/self/statm") > 0 && strtoul(big, NULL, 10) > 0,
	      "statm '%.60s'", big);
	/* item 3: the accounting calls */
	CHECK("getrusage", getrusage(RUSAGE_SELF, &ru) == 0 && ru.ru_maxrss > 0,
	      "errno %d maxrss %ld", errno, ru.ru_maxrss);
	CHECK("times", times(&t) != (clock_t)-1, "errno %d", errno);
}

static int read_comm(const char *path, char *out, size_t size)
{
	long n = slurp(path);

	if (n <= 0 || (size_t)n >= size)
		return -1;
	memcpy(out, big, (size_t)n + 1);
	return 0;
}

static void test_comm(void)
{
	char name[16] = {0}, c[64], path[64];
	int fd;

	CHECK("prctl-set-name", prctl(PR_SET_NAME, "proctest-renamed-long") == 0 &&
				    prctl(PR_GET_NAME, name) == 0 &&
				    !strcmp(name, "proctest-rename"),
	      "got '%s'", name);
	CHECK("comm-after-prctl", read_comm("/proc/self/comm", c, sizeof(c)) == 0 &&
				      !strcmp(c, "proctest-rename\n"),
	      "comm '%s'", c);
	snprintf(path, sizeof(path), "/proc/self/task/%ld/comm", (long)syscall(SYS_gettid));
	CHECK("task-comm", read_comm(path, c, sizeof(c)) == 0 && !strcmp(c, "proctest-rename\n"),
	      "%s '%s'", path, c);
	fd = open("/proc/self/comm", O_WRONLY);
	CHECK("comm-write", fd >= 0 && write(fd, "written", 7) == 7 && close(fd) == 0 &&
				prctl(PR_GET_NAME, name) == 0 && !strcmp(name, "written"),
	      "fd %d name '%s' errno %d", fd, name, errno);
	prctl(PR_SET_NAME, "proc");
}

/* ---- cmdline, environ, auxv ---- */

static void test_args(int argc, char **argv, char **env0)
{
	char want[4096];
	size_t wl = 0;
	long n;

	for (int i = 0; i < argc && wl + strlen(argv[i]) + 1 < sizeof(want); i++) {
		memcpy(want + wl, argv[i], strlen(argv[i]) + 1);
		wl += strlen(argv[i]) + 1;
	}
	n = slurp("/proc/self/cmdline");
	CHECK("cmdline", n == (long)wl && !memcmp(big, want, wl), "%ld bytes vs %zu: '%.80s'", n,
	      wl, big);
	wl = 0;
	for (char **e = env0; *e && wl + strlen(*e) + 1 < sizeof(want); e++) {
		memcpy(want + wl, *e, strlen(*e) + 1);
		wl += strlen(*e) + 1;
	}
	n = slurp("/proc/self/environ");
	CHECK("environ", n == (long)wl && !memcmp(big, want, wl), "%ld bytes vs %zu: '%.80s'", n,
	      wl, big);
	n = slurp("/proc/self/auxv");
	{
		unsigned long *a = (unsigned long *)(void *)big;
		long pairs = n / 16, seen = 0, good = 0;

		for (long i = 0; i < pairs && a[2 * i]; i++) {
			unsigned long type = a[2 * i];

			if (type == AT_PAGESZ || type == AT_ENTRY || type == AT_PHDR ||
			    type == AT_RANDOM || type == AT_BASE) {
				seen++;
				good += getauxval(type) == a[2 * i + 1];
			}
		}
		CHECK("auxv", n > 0 && n % 16 == 0 && seen >= 5 && good == seen &&
				  !a[2 * (pairs - 1)],
		      "%ld bytes, %ld of %ld entries agree with getauxval", n, good, seen);
	}
}

/* ---- threads: task/ ---- */

static int pipefd[2];

static void *worker(void *arg)
{
	char c;

	prctl(PR_SET_NAME, "worker");
	*(long *)arg = syscall(SYS_gettid);
	while (read(pipefd[0], &c, 1) < 0 && errno == EINTR)
		;
	return NULL;
}

static int task_has(long tid)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int found = 0, n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		n++;
		if (atol(e->d_name) == tid && e->d_type == DT_DIR)
			found = 1;
	}
	closedir(d);
	return found ? n : 0;
}

static void test_task(void)
{
	pthread_t th;
	volatile long wtid = 0;
	char path[64], c[64], comm[32], *f[64];
	long me = syscall(SYS_gettid);

	CHECK("task-self", task_has(me) == 1, "task/ lists %d entries with %ld",
	      task_has(me), me);
	if (pipe(pipefd) || pthread_create(&th, NULL, worker, (void *)&wtid)) {
		CHECK("task-thread", 0, "pipe/pthread_create errno %d", errno);
		return;
	}
	for (int i = 0; i < 2000 && !wtid; i++)
		usleep(1000);
	usleep(20000); /* the name is set before the tid is published */
	CHECK("task-two", wtid && task_has(wtid) == 2 && task_has(me) == 2,
	      "worker tid %ld: %d entries", (long)wtid, task_has(wtid));
	snprintf(path, sizeof(path), "/proc/self/task/%ld/comm", (long)wtid);
	CHECK("task-worker-comm", read_comm(path, c, sizeof(c)) == 0 && !strcmp(c, "worker\n"),
	      "%s '%s'", path, c);
	snprintf(path, sizeof(path), "/proc/self/task/%ld/stat", (long)wtid);
	CHECK("task-worker-stat",
	      slurp(path) > 0 && atol(big) == wtid && stat_fields(big, comm, f, 64) >= 52 &&
		  !strcmp(comm, "worker"),
	      "%s: %.100s", path, big);
	slurp("/proc/self/status");
	CHECK("status-threads-2", status_num("Threads") == 2, "Threads %ld",
	      status_num("Threads"));
	if (write(pipefd[1], "x", 1) != 1)
		CHECK("task-wake", 0, "write errno %d", errno);
	pthread_join(th, NULL);
	close(pipefd[0]);
	close(pipefd[1]);
}

/* ---- system-wide files ---- */

static void test_meminfo(void)
{
	unsigned long v[3];
	struct sysinfo si;
	int fmt;

	fmt = slurp("/proc/meminfo") > 0 &&
	      sscanf(big, "MemTotal: %lu kB\nMemFree: %lu kB\nMemAvailable: %lu kB", &v[0], &v[1],
		     &v[2]) == 3;
	/* Linux's widths: the label padded to 16 columns, the value to 8 */
	fmt = fmt && !strncmp(big, "MemTotal:", 9) && big[15] == ' ' && big[16 + 8] == ' ' &&
	      !strncmp(big + 16 + 8, " kB\n", 4);
	sysinfo(&si);
	CHECK("meminfo", fmt && v[0] > 0 && v[1] <= v[0] && v[2] <= v[0] &&
			     v[0] == si.totalram * si.mem_unit / 1024,
	      "format %d: total %lu free %lu avail %lu, sysinfo total %lu kB", fmt, v[0], v[1],
	      v[2], (unsigned long)(si.totalram * si.mem_unit / 1024));
}

/* "0", "0-3" or "0-1,4-5": the number of CPUs listed; -1 if malformed */
static int cpu_list_count(const char *s)
{
	int n = 0;

	while (*s && *s != '\n') {
		char *e;
		long a = strtol(s, &e, 10), b = a;

		if (e == s)
			return -1;
		if (*e == '-') {
			s = e + 1;
			b = strtol(s, &e, 10);
			if (e == s || b < a)
				return -1;
		}
		n += (int)(b - a + 1);
		s = *e == ',' ? e + 1 : e;
	}
	return *s == '\n' && !s[1] ? n : -1;
}

static void test_cpus(void)
{
	int online, possible, blocks = 0, flags_ok = 1;

	online = slurp("/sys/devices/system/cpu/online") > 0 ? cpu_list_count(big) : -1;
	CHECK("sys-cpu-online", online >= 1, "online '%s'", big);
	possible = slurp("/sys/devices/system/cpu/possible") > 0 ? cpu_list_count(big) : -1;
	CHECK("sys-cpu-possible", possible >= online, "possible '%s' online %d", big, online);
	if (!CHECK("cpuinfo-read", slurp("/proc/cpuinfo") > 0, "errno %d", errno))
		return;
	for (const char *p = big; (p = strstr(p, "processor\t: ")); p++) {
		if (atoi(p + 12) != blocks)
			flags_ok = 0;
		blocks++;
	}
	CHECK("cpuinfo-blocks", blocks == online && flags_ok,
	      "%d processor blocks (numbered in order: %d), %d online", blocks, flags_ok, online);
	{
		const char *fl = strstr(big, "\nflags\t\t: ");
		char line[4096];
		int want = 0, have = 0;

		snprintf(line, sizeof(line), " %s ", fl ? fl + 10 : "");
		*strchr(line + 1, '\n') = ' ';
#define FLAG(name, test)                                                                           \
	if (test) {                                                                                \
		want++;                                                                            \
		have += strstr(line, " " name " ") != NULL;                                        \
	}
		FLAG("sse2", __builtin_cpu_supports("sse2"));
		FLAG("sse4_2", __builtin_cpu_supports("sse4.2"));
		FLAG("avx", __builtin_cpu_supports("avx"));
		FLAG("avx2", __builtin_cpu_supports("avx2"));
		FLAG("popcnt", __builtin_cpu_supports("popcnt"));
#undef FLAG
		CHECK("cpuinfo-flags", fl && want >= 1 && have == want,
		      "%d of %d CPUID flags listed", have, want);
		CHECK("cpuinfo-fields",
		      strstr(big, "vendor_id\t: ") && strstr(big, "model name\t: ") &&
			  strstr(big, "cpu MHz\t\t: ") && strstr(big, "\n\n"),
		      "missing vendor_id/model name/cpu MHz");
	}
}

static int uuid_ok(const char *s)
{
	for (int i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return 0;
		} else if (!strchr("0123456789abcdef", s[i]) || !s[i]) {
			return 0;
		}
	}
	return s[36] == '\n' && !s[37];
}

static void test_uuid(void)
{
	char a[64] = "", b[64] = "";

	if (slurp("/proc/sys/kernel/random/uuid") > 0)
		snprintf(a, sizeof(a), "%.63s", big);
	if (slurp("/proc/sys/kernel/random/uuid") > 0)
		snprintf(b, sizeof(b), "%.63s", big);
	CHECK("uuid", uuid_ok(a) && uuid_ok(b) && a[14] == '4' && strchr("89ab", a[19]) &&
			  strcmp(a, b),
	      "'%.37s' then '%.37s'", a, b);
	if (slurp("/proc/sys/kernel/random/boot_id") > 0)
		snprintf(a, sizeof(a), "%.63s", big);
	if (slurp("/proc/sys/kernel/random/boot_id") > 0)
		snprintf(b, sizeof(b), "%.63s", big);
	CHECK("boot-id", uuid_ok(a) && !strcmp(a, b), "'%.37s' then '%.37s'", a, b);
}

static void test_pstat(void)
{
	long n = slurp("/proc/stat");
	const char *bt = strstr(big, "\nbtime ");
	unsigned long u[4];
	long btime = bt ? atol(bt + 7) : 0;
	double up = 0, idle = 0;

	CHECK("proc-stat", n > 0 && sscanf(big, "cpu  %lu %lu %lu %lu", &u[0], &u[1], &u[2], &u[3]) == 4 &&
			       strstr(big, "\ncpu0 ") && btime > 1000000000 && btime <= time(NULL),
	      "'%.80s' btime %ld", big, btime);
	CHECK("uptime", slurp("/proc/uptime") > 0 && sscanf(big, "%lf %lf", &up, &idle) == 2 && up > 0,
	      "'%s'", big);
	CHECK("pid-max", slurp("/proc/sys/kernel/pid_max") > 0 && atol(big) >= 32768,
	      "'%s'", big);
	CHECK("loadavg", slurp("/proc/loadavg") > 0 && strchr(big, '/'), "'%s'", big);
	CHECK("mounts-root", slurp("/proc/self/mounts") > 0 && strstr(big, " / "), "'%.100s'",
	      big);
}

/* ---- directories ---- */

static int dir_has(const char *dir, const char *const *names, char *missing, size_t msize)
{
	int all = 1;

	missing[0] = 0;
	for (const char *const *n = names; *n; n++) {
		DIR *d = opendir(dir);
		struct dirent *e;
		int found = 0;

		if (!d)
			return 0;
		while ((e = readdir(d)))
			if (!strcmp(e->d_name, *n))
				found = 1;
		closedir(d);
		if (!found) {
			all = 0;
			snprintf(missing + strlen(missing), msize - strlen(missing), "%s ", *n);
		}
	}
	return all;
}

static void test_dirs(void)
{
	static const char *const proc[] = {"self", "meminfo", "cpuinfo", "stat", "sys", NULL};
	static const char *const self[] = {"exe", "fd", "maps", "status", "stat", "comm",
					   "cmdline", "environ", "auxv", "task", "cgroup", NULL};
	static const char *const cpu[] = {"online", "possible", NULL};
	char miss[256];
	struct stat st;
	struct statfs sf;

	CHECK("getdents-proc", dir_has("/proc", proc, miss, sizeof(miss)), "missing %s", miss);
	CHECK("getdents-self", dir_has("/proc/self", self, miss, sizeof(miss)), "missing %s",
	      miss);
	CHECK("getdents-sys-cpu", dir_has("/sys/devices/system/cpu", cpu, miss, sizeof(miss)),
	      "missing %s", miss);
	CHECK("stat-maps", stat("/proc/self/maps", &st) == 0 && S_ISREG(st.st_mode) &&
			       st.st_size == 0,
	      "mode %o size %ld", st.st_mode, (long)st.st_size);
	CHECK("lseek-proc", ({
		      int fd = open("/proc/self/status", O_RDONLY);
		      char a[8] = "", b[8] = "";
		      int ok = fd >= 0 && read(fd, a, 5) == 5 && lseek(fd, 0, SEEK_SET) == 0 &&
			       read(fd, b, 5) == 5 && !memcmp(a, b, 5) && !memcmp(a, "Name:", 5);
		      close(fd);
		      ok;
	      }),
	      "reread after lseek differs");
	{
		int p[2] = {-1, -1}, sv[2] = {-1, -1};
		char l1[64] = "", l2[64] = "", path[64];
		ssize_t n1 = -1, n2 = -1;

		if (pipe(p) == 0 && socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0) {
			snprintf(path, sizeof(path), "/proc/self/fd/%d", p[0]);
			n1 = readlink(path, l1, sizeof(l1) - 1);
			snprintf(path, sizeof(path), "/proc/self/fd/%d", sv[0]);
			n2 = readlink(path, l2, sizeof(l2) - 1);
		}
		l1[n1 > 0 ? n1 : 0] = 0;
		l2[n2 > 0 ? n2 : 0] = 0;
		CHECK("fd-link-pipe-socket", !strncmp(l1, "pipe:[", 6) && l1[n1 - 1] == ']' &&
						 !strncmp(l2, "socket:[", 8) && l2[n2 - 1] == ']',
		      "pipe '%s' socket '%s'", l1, l2);
		close(p[0]);
		close(p[1]);
		close(sv[0]);
		close(sv[1]);
	}
	CHECK("statfs", statfs("/", &sf) == 0 && sf.f_bsize > 0 && sf.f_blocks > 0,
	      "errno %d bsize %ld blocks %lu", errno, (long)sf.f_bsize,
	      (unsigned long)sf.f_blocks);
}

/* "proc tz": a fixed instant in local time (the suite compares the host) */
static int print_tz(void)
{
	time_t when = 1700000000; /* 2023-11-14 22:13:20 UTC */
	struct tm tm;
	char buf[128];

	tzset();
	localtime_r(&when, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S %Z %z", &tm);
	printf("%s\n", buf);
	when = 1690000000; /* summer */
	localtime_r(&when, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S %Z %z", &tm);
	printf("%s\n", buf);
	return 0;
}

int main(int argc, char **argv)
{
	char **env0 = environ;

	if (argc > 1 && !strcmp(argv[1], "tz"))
		return print_tz();
	gt_init();
	test_maps();
	test_args(argc, argv, env0);
	test_comm();
	test_status();
	test_stat();
	test_task();
	test_meminfo();
	test_cpus();
	test_uuid();
	test_pstat();
	test_dirs();
	return gt_done();
}
