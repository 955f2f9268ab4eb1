/*
 * signals.c - guest test of signal delivery (tests/suites/52-threads;
 * built with musl-gcc -static and gcc -static -pthread; passes natively on
 * Linux): handlers with siginfo for kill/tgkill, blocked then delivered,
 * sigaltstack + SA_ONSTACK, a signal to another thread, nanosleep EINTR,
 * SA_RESTART vs EINTR on a futex wait, SA_RESETHAND, ignored signals,
 * SIGSEGV/SIGFPE handlers leaving with siglongjmp, FPU state across a
 * handler (and handlers starting with a clean one), rt_sigtimedwait,
 * rt_sigsuspend, getcpu, and asynchronous signals into a computing thread
 * (bit-exact result). Prints ok/FAIL lines and "figure" lines.
 *   signals raise   raise(SIGUSR1) with the default action (exit 138)
 */
#include "../gtest.h"
#include "tutil.h"
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>

/* ---- signals ---- */
static volatile sig_atomic_t h_sig, h_code, h_pid, h_tid, h_onstack;
static char altstack_mem[65536] __attribute__((aligned(16)));

static void info_handler(int sig, siginfo_t *si, void *uc)
{
	char probe;

	h_sig = sig;
	h_code = si->si_code;
	h_pid = si->si_pid;
	h_tid = gettid_();
	h_onstack = &probe >= altstack_mem && &probe < altstack_mem + sizeof(altstack_mem);
	(void)uc;
}

static sigjmp_buf segv_jmp;
static volatile void *segv_addr;
static volatile int segv_code;

static void segv_handler(int sig, siginfo_t *si, void *uc)
{
	segv_addr = si->si_addr;
	segv_code = si->si_code;
	siglongjmp(segv_jmp, sig);
}

static void fpu_clobber_handler(int sig)
{
	/* the handler uses the SSE registers; the interrupted code's
	 * values must come back after sigreturn */
	__asm__ volatile("pxor %%xmm0, %%xmm0; pxor %%xmm1, %%xmm1" ::: "xmm0", "xmm1");
	h_sig = sig;
}

static atomic_int sleeper_tid;
static volatile long sleeper_r, sleeper_errno;
static struct timespec sleeper_rem;

static void *sleeper(void *a)
{
	struct timespec ts = { 5, 0 };

	atomic_store(&sleeper_tid, gettid_());
	sleeper_r = nanosleep(&ts, &sleeper_rem);
	sleeper_errno = errno;
	return a;
}

static atomic_int restart_word;
static volatile long restart_r;
static void *restart_waiter(void *a)
{
	atomic_store(&sleeper_tid, gettid_());
	restart_r = futex(&restart_word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
	sleeper_errno = errno;
	return a;
}

static void test_signals(void)
{
	struct sigaction sa;
	stack_t ss;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = info_handler;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGUSR1, &sa, NULL);
	h_sig = 0;
	kill(getpid(), SIGUSR1);
	CHECK("kill_self_handler", h_sig == SIGUSR1 && h_code == SI_USER && h_pid == getpid(),
	      "sig %d code %d pid %d", (int)h_sig, (int)h_code, (int)h_pid);
	h_sig = 0;
	syscall(SYS_tgkill, getpid(), gettid_(), SIGUSR1);
	CHECK("tgkill_self_handler", h_sig == SIGUSR1 && h_code == SI_TKILL,
	      "sig %d code %d", (int)h_sig, (int)h_code);

	/* blocked: pending until unblocked */
	sigset_t set, pend;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	h_sig = 0;
	raise(SIGUSR1);
	sigpending(&pend);
	int was_pending = sigismember(&pend, SIGUSR1);
	int ran_blocked = h_sig;
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	CHECK("blocked_then_delivered", was_pending && !ran_blocked && h_sig == SIGUSR1,
	      "pending %d, ran while blocked %d, ran after %d", was_pending, ran_blocked,
	      (int)h_sig);

	/* sigaltstack + SA_ONSTACK */
	ss.ss_sp = altstack_mem;
	ss.ss_size = sizeof(altstack_mem);
	ss.ss_flags = 0;
	CHECK_RET("sigaltstack_set", sigaltstack(&ss, NULL), 0);
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigaction(SIGUSR2, &sa, NULL);
	h_onstack = 0;
	raise(SIGUSR2);
	CHECK("sa_onstack", h_sig == SIGUSR2 && h_onstack, "sig %d on the alternate stack: %d",
	      (int)h_sig, (int)h_onstack);
	ss.ss_flags = SS_DISABLE;
	sigaltstack(&ss, NULL);

	/* a signal to another thread runs the handler in that thread */
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGUSR1, &sa, NULL);
	pthread_t th;
	atomic_store(&sleeper_tid, 0);
	pthread_create(&th, NULL, sleeper, NULL);
	while (!atomic_load(&sleeper_tid))
		sched_yield();
	sleep_ms(50);
	h_tid = 0;
	syscall(SYS_tgkill, getpid(), sleeper_tid, SIGUSR1);
	pthread_join(th, NULL);
	CHECK("tgkill_other_thread", h_tid == sleeper_tid, "handler ran in tid %d, want %d",
	      (int)h_tid, (int)sleeper_tid);
	CHECK("nanosleep_eintr", sleeper_r == -1 && sleeper_errno == EINTR &&
					 sleeper_rem.tv_sec >= 3 && sleeper_rem.tv_sec <= 5,
	      "r %ld errno %ld rem %ld s", sleeper_r, sleeper_errno, (long)sleeper_rem.tv_sec);

	/* SA_RESTART: an interrupted futex wait restarts; without it: EINTR */
	for (int restart = 0; restart < 2; restart++) {
		sa.sa_flags = SA_SIGINFO | (restart ? SA_RESTART : 0);
		sigaction(SIGUSR1, &sa, NULL);
		atomic_store(&restart_word, 0);
		atomic_store(&sleeper_tid, 0);
		restart_r = 99;
		pthread_create(&th, NULL, restart_waiter, NULL);
		while (!atomic_load(&sleeper_tid))
			sched_yield();
		sleep_ms(50);
		h_sig = 0;
		syscall(SYS_tgkill, getpid(), sleeper_tid, SIGUSR1);
		sleep_ms(50);
		atomic_store(&restart_word, 1);
		futex(&restart_word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
		pthread_join(th, NULL);
		if (restart)
			CHECK("sa_restart_futex", h_sig == SIGUSR1 && restart_r == 0,
			      "handler %d, futex returned %ld errno %ld (want 0)", (int)h_sig,
			      restart_r, sleeper_errno);
		else
			CHECK("no_restart_eintr", h_sig == SIGUSR1 && restart_r == -1 &&
							  sleeper_errno == EINTR,
			      "handler %d, futex returned %ld errno %ld (want -1 EINTR)",
			      (int)h_sig, restart_r, sleeper_errno);
	}

	/* SA_RESETHAND: the second raise takes the default (ignore for SIGURG) */
	sa.sa_flags = SA_SIGINFO | SA_RESETHAND;
	sigaction(SIGURG, &sa, NULL);
	h_sig = 0;
	raise(SIGURG);
	struct sigaction cur;
	sigaction(SIGURG, NULL, &cur);
	CHECK("sa_resethand", h_sig == SIGURG && cur.sa_handler == SIG_DFL,
	      "handler ran %d, handler reset %d", (int)h_sig, cur.sa_handler == SIG_DFL);
	raise(SIGURG); /* default: ignored */
	signal(SIGUSR2, SIG_IGN);
	raise(SIGUSR2);
	CHECK("ignored_signals", h_sig == SIGURG, "a handler ran for an ignored signal");

	/* SA_NODEFER off: the signal is blocked inside its handler (mask) */
	/* SIGSEGV handler that leaves with siglongjmp */
	sa.sa_sigaction = segv_handler;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGFPE, &sa, NULL);
	int got = sigsetjmp(segv_jmp, 1);
	if (!got)
		*(volatile int *)GT_BAD = 1;
	CHECK("sigsegv_siglongjmp", got == SIGSEGV && segv_addr == GT_BAD &&
					    segv_code == SEGV_MAPERR,
	      "jumped with %d, si_addr %p, si_code %d", got, segv_addr, segv_code);
	/* the signal mask was restored by siglongjmp: a second fault works */
	got = sigsetjmp(segv_jmp, 1);
	if (!got)
		*(volatile int *)gt_ptr(8) = 1;
	CHECK("sigsegv_twice", got == SIGSEGV && segv_addr == gt_ptr(8), "jumped with %d addr %p",
	      got, segv_addr);
	got = sigsetjmp(segv_jmp, 1);
	volatile int zero = 0;
	if (!got)
		zero = 10 / zero;
	CHECK("sigfpe_handler", got == SIGFPE && segv_code == FPE_INTDIV, "jumped with %d code %d",
	      got, segv_code);

	/* FPU state survives a handler that clobbers it */
	signal(SIGUSR2, fpu_clobber_handler);
	double d = 0;
	h_sig = 0;
	__asm__ volatile("movsd %1, %%xmm1\n\t"
			 "mov $12, %%edi\n\t"
			 "mov $39, %%eax\n\t" /* getpid: stays in the kernel briefly */
			 "syscall\n\t"
			 "mov %%eax, %%esi\n\t"
			 "mov $62, %%eax\n\t" /* kill(getpid(), SIGUSR2) */
			 "mov %%esi, %%edi\n\t"
			 "mov $12, %%esi\n\t"
			 "syscall\n\t"
			 "movsd %%xmm1, %0"
			 : "=m"(d)
			 : "m"((double){ 2.5 })
			 : "rax", "rdi", "rsi", "rcx", "r11", "xmm1", "memory");
	CHECK("fpu_preserved", h_sig == SIGUSR2 && d == 2.5, "handler %d, xmm1 %g (want 2.5)",
	      (int)h_sig, d);
}

static volatile unsigned handler_mxcsr;
static void mxcsr_handler(int sig)
{
	unsigned m;

	__asm__ volatile("stmxcsr %0" : "=m"(m));
	handler_mxcsr = m;
	h_sig = sig;
}

static atomic_int main_tid;
static void *send_usr2_later(void *a)
{
	sleep_ms(50);
	syscall(SYS_tgkill, getpid(), atomic_load(&main_tid), SIGUSR2);
	return a;
}

static void test_signals2(void)
{
	/* handlers start with a clean FPU state; the program's comes back */
	unsigned m = 0x1f80 | (1u << 13), after; /* round down */
	signal(SIGUSR1, mxcsr_handler);
	h_sig = 0;
	__asm__ volatile("ldmxcsr %0" ::"m"(m));
	raise(SIGUSR1);
	__asm__ volatile("stmxcsr %0" : "=m"(after));
	m = 0x1f80;
	__asm__ volatile("ldmxcsr %0" ::"m"(m));
	CHECK("handler_fpu_initial", h_sig == SIGUSR1 && (handler_mxcsr & 0xffbf) == 0x1f80 &&
					     (after & 0x6000) == 0x2000,
	      "mxcsr in handler %#x (want 0x1f80), after %#x", handler_mxcsr, after);

	/* rt_sigtimedwait: a blocked signal sent by another thread */
	sigset_t set;
	siginfo_t si;
	pthread_t th;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);
	atomic_store(&main_tid, gettid_());
	pthread_create(&th, NULL, send_usr2_later, NULL);
	struct timespec ts = { 10, 0 };
	/* the raw call: glibc's wrapper folds SI_TKILL into SI_USER */
	int r = (int)syscall(SYS_rt_sigtimedwait, &set, &si, &ts, 8);
	pthread_join(th, NULL);
	CHECK("sigtimedwait_gets_signal", r == SIGUSR2 && si.si_signo == SIGUSR2 &&
						  si.si_code == SI_TKILL,
	      "returned %d (%s), si_signo %d si_code %d", r, r < 0 ? strerror(errno) : "-",
	      si.si_signo, si.si_code);
	ts.tv_sec = 0;
	ts.tv_nsec = 30000000;
	long long t0 = now_ns(CLOCK_MONOTONIC);
	r = sigtimedwait(&set, &si, &ts);
	long long dt = now_ns(CLOCK_MONOTONIC) - t0;
	CHECK("sigtimedwait_timeout", r == -1 && errno == EAGAIN && dt >= 30000000 &&
					      dt < 2000000000LL,
	      "returned %d errno %d after %lld us", r, errno, dt / 1000);
	sigprocmask(SIG_UNBLOCK, &set, NULL);

	/* rt_sigsuspend: the handler runs, then the old mask is back */
	static struct sigaction sa1;
	sa1.sa_sigaction = info_handler;
	sa1.sa_flags = SA_SIGINFO;
	sigaction(SIGUSR2, &sa1, NULL);
	sigprocmask(SIG_BLOCK, &set, NULL);
	pthread_create(&th, NULL, send_usr2_later, NULL);
	sigset_t none, mask_after;
	sigemptyset(&none);
	h_sig = 0;
	r = sigsuspend(&none);
	int e = errno;
	pthread_join(th, NULL);
	sigprocmask(SIG_BLOCK, NULL, &mask_after);
	CHECK("sigsuspend",
	      r == -1 && e == EINTR && h_sig == SIGUSR2 && sigismember(&mask_after, SIGUSR2),
	      "r %d errno %d handler %d, SIGUSR2 blocked again %d", r, e, (int)h_sig,
	      sigismember(&mask_after, SIGUSR2));
	sigprocmask(SIG_UNBLOCK, &set, NULL);

	unsigned cpu = 99;
	CHECK("getcpu", syscall(SYS_getcpu, &cpu, NULL, NULL) == 0 && cpu < 4096, "cpu %u", cpu);
}

/* asynchronous signals (delivered when the timer interrupts a computing
 * thread) must give back every register: the result stays bit-exact */
static atomic_long async_handled;
static atomic_int async_done;
static double async_result;

static void async_handler(int sig)
{
	atomic_fetch_add(&async_handled, 1);
	__asm__ volatile("xor %%ecx, %%ecx; xor %%r11d, %%r11d; xor %%r8d, %%r8d; xor %%r9d, %%r9d\n\t"
			 "xor %%r10d, %%r10d; pxor %%xmm0, %%xmm0; pxor %%xmm1, %%xmm1\n\t"
			 "pxor %%xmm2, %%xmm2; pxor %%xmm7, %%xmm7; pxor %%xmm15, %%xmm15" ::
				 : "rcx", "r11", "r8", "r9", "r10", "xmm0", "xmm1", "xmm2", "xmm7",
				   "xmm15");
	(void)sig;
}

static __attribute__((noinline)) double compute(long n)
{
	double a = 1, b = 0;
	long acc = 0;

	for (long i = 0; i < n; i++) {
		a = a * 1.0000001 + 0.5;
		b += a / (double)(i + 1);
		acc += i ^ (acc >> 3);
	}
	return b + (double)(acc & 0xffffff);
}

enum { ASYNC_N = 3000000 };

static void *async_worker(void *a)
{
	atomic_store(&sleeper_tid, gettid_());
	async_result = compute(ASYNC_N);
	atomic_store(&async_done, 1);
	return a;
}

static void test_async_signals(void)
{
	struct sigaction sa;
	pthread_t th;
	double want = compute(ASYNC_N);
	pid_t wtid;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = async_handler;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGURG, &sa, NULL);
	atomic_store(&sleeper_tid, 0);
	pthread_create(&th, NULL, async_worker, NULL);
	while (!(wtid = atomic_load(&sleeper_tid)))
		sched_yield();
	while (!atomic_load(&async_done)) {
		syscall(SYS_tgkill, getpid(), wtid, SIGURG);
		sched_yield();
	}
	pthread_join(th, NULL);
	CHECK("async_signals_registers", async_result == want && async_handled >= 1,
	      "result %.17g want %.17g, %ld signals handled", async_result, want,
	      (long)async_handled);
	printf("figure async_signals_handled %ld\n", (long)async_handled);
	signal(SIGURG, SIG_DFL);
}


int main(int argc, char **argv)
{
	gt_init();
	if (argc > 1 && !strcmp(argv[1], "raise")) {
		raise(SIGUSR1);
		return 1;
	}
	test_signals();
	test_signals2();
	test_async_signals();
	return gt_done();
}
