/*
 * umip.c - guest test of the kernel's UMIP setting (tests/suites/66-harden).
 * When CPUID.(EAX=7,ECX=0):ECX[2] says the CPU has UMIP, monos sets
 * CR4.UMIP, so sgdt/sidt/sldt/smsw/str in user mode raise #GP, which the
 * kernel turns into SIGSEGV. Each instruction runs under a SIGSEGV handler
 * that siglongjmps back; the case passes only if the signal came (and came
 * with si_signo SIGSEGV, in this thread). Without UMIP the cases are skips
 * naming the reason, and a plain sidt must then work.
 * Run under monos only: Linux emulates sgdt/sidt/smsw for user programs
 * instead of raising the signal, so a native run says nothing about monos.
 * Layer: guest test program (static Linux ELF).
 */
#include <cpuid.h>
#include <setjmp.h>
#include <signal.h>

#include "../gtest.h"

static sigjmp_buf jb;
static volatile sig_atomic_t got_sig;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	got_sig = si->si_signo == sig ? sig : -1;
	siglongjmp(jb, 1);
}

static unsigned char desc[16] __attribute__((aligned(16)));

static void op_sidt(void)
{
	__asm__ volatile("sidt %0" : "=m"(desc));
}

static void op_sgdt(void)
{
	__asm__ volatile("sgdt %0" : "=m"(desc));
}

static void op_sldt(void)
{
	unsigned short v;

	__asm__ volatile("sldt %0" : "=r"(v));
	desc[0] = (unsigned char)v;
}

static void op_smsw(void)
{
	unsigned long v;

	__asm__ volatile("smsw %0" : "=r"(v));
	desc[0] = (unsigned char)v;
}

static void op_str(void)
{
	unsigned short v;

	__asm__ volatile("str %0" : "=r"(v));
	desc[0] = (unsigned char)v;
}

/* 1 if the instruction raised SIGSEGV, 0 if it completed */
static int faults(void (*op)(void))
{
	got_sig = 0;
	if (sigsetjmp(jb, 1) == 0) {
		op();
		return 0;
	}
	return got_sig == SIGSEGV;
}

int main(void)
{
	static const struct {
		const char *name;
		void (*op)(void);
	} ops[] = {{"umip/sidt", op_sidt},
		   {"umip/sgdt", op_sgdt},
		   {"umip/sldt", op_sldt},
		   {"umip/smsw", op_smsw},
		   {"umip/str", op_str}};
	struct sigaction sa = {0};
	unsigned int a, b, c = 0, d;
	int has_umip;

	gt_init();
	has_umip = __get_cpuid_count(7, 0, &a, &b, &c, &d) && (c & (1u << 2));
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSEGV, &sa, NULL) != 0) {
		CHECK("umip/sigaction", 0, "sigaction(SIGSEGV) failed: %s", strerror(errno));
		return gt_done();
	}
	for (unsigned i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		int f = faults(ops[i].op);

		if (has_umip)
			CHECK(ops[i].name, f,
			      "the instruction completed in user mode (no SIGSEGV)");
		else if (f)
			CHECK(ops[i].name, 0, "SIGSEGV although CPUID says the CPU has no UMIP");
		else
			gt_skip(ops[i].name, "no UMIP (CPUID.7.0:ECX[2] clear)");
	}
	/* the handler left no trace: the program goes on normally */
	CHECK("umip/after", getpid() > 0, "getpid failed after the signals");
	return gt_done();
}
