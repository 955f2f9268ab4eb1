/*
 * fault.c - fatal user exceptions (kernel layer): with fault:t in the
 * manifest, print a report (signal, faulting address and access, rip, the
 * registers, the VMAs around the address), then end the VM with exit
 * status 128 + signal like a Linux shell would see (139 for SIGSEGV) -
 * unless the program handles the signal (queued by signal_fault).
 * Called by arch/x86_64/traps.c.
 */
#include "kernel/kernel.h"
#include "kernel/fault.h"
#include "kernel/thread.h"
#include "kernel/mm/mm.h"
#include "sys/signal.h"
#include "arch/x86_64/x86.h"

static const char *sig_name(int signo)
{
	switch (signo) {
	case FAULT_SIGILL:
		return "SIGILL";
	case FAULT_SIGTRAP:
		return "SIGTRAP";
	case FAULT_SIGBUS:
		return "SIGBUS";
	case FAULT_SIGFPE:
		return "SIGFPE";
	default:
		return "SIGSEGV";
	}
}

void user_fault(struct user_regs *r, int signo, u64 addr, const char *what)
{
	struct thread *t = current();
	s32 code = 0x80; /* SI_KERNEL */

	if (signo == FAULT_SIGSEGV && r->vector == 14)
		code = (r->error & 1) ? 2 : 1; /* SEGV_ACCERR : SEGV_MAPERR */
	else if (signo == FAULT_SIGFPE && r->vector == 0)
		code = 1; /* FPE_INTDIV */
	else if (signo == FAULT_SIGFPE)
		code = 7; /* FPE_FLTINV */
	else if (signo == FAULT_SIGILL)
		code = 2; /* ILL_ILLOPN */
	else if (signo == FAULT_SIGBUS && r->vector == 14)
		code = 2; /* BUS_ADRERR: a file mapping's page past EOF or unreadable */
	else if (signo == FAULT_SIGBUS)
		code = 1; /* BUS_ADRALN */
	if (signal_fault(signo, code, addr))
		return; /* the program's handler runs */
	if (config_flag("fault")) {
		kprintf("\n*** fault: %s in user program (tid %d): ", sig_name(signo), t ? t->tid : 0);
		if (signo == FAULT_SIGSEGV && r->vector == 14)
			kprintf("%s access to 0x%lx (%s) at rip 0x%lx\n", what, addr,
				r->error & 1 ? "protection violation" : "unmapped address",
				r->rip);
		else if (r->vector == 14)
			kprintf("%s access to 0x%lx (past the end of the mapped file) at rip 0x%lx\n",
				what, addr, r->rip);
		else
			kprintf("%s at rip 0x%lx (error code %#lx)\n", what, r->rip, r->error);
		dump_regs(r);
		if (r->vector == 14)
			uvm_dump_around(addr);
		else
			uvm_dump_around(r->rip);
	}
	kernel_exit(128 + signo);
}
