/*
 * traps.c - the IDT and exception handling (arch layer). Exceptions from
 * user mode end the program like the matching Linux signal (kernel/fault.c);
 * page faults on user addresses first go to the demand pager (uvm_fault);
 * kernel faults inside the user-copy routines jump to their fixup; any
 * other kernel exception panics with the registers, CR2, the error code
 * and a frame-pointer backtrace (symbolized from the embedded table).
 * Interrupt vectors >= 32 go to irq_dispatch (apic.c). trap_dispatch takes
 * the big kernel lock (smp_lock.c) when this CPU does not hold it yet.
 */
#include "kernel/kernel.h"
#include "kernel/klog.h"
#include "kernel/fault.h"
#include "kernel/mm/mm.h"
#include "kernel/sched.h"
#include "kernel/thread.h"
#include "sys/signal.h"
#include "arch.h"
#include "arch/x86_64/x86.h"
#include "arch/x86_64/vdso/vdso.h"
#include "arch/x86_64/kmap.h"

struct idt_entry {
	u16 off_lo;
	u16 sel;
	u8 ist;
	u8 type;
	u16 off_mid;
	u32 off_hi;
	u32 zero;
} PACKED;
_Static_assert(sizeof(struct idt_entry) == 16, "IDT entries are 16 bytes");

static struct idt_entry idt[256] __attribute__((aligned(16)));
extern char trap_vectors_start[];

struct ex_entry {
	u64 fault_ip, fixup_ip;
};
extern const struct ex_entry __ex_table_start[], __ex_table_end[];

static const char *const exc_names[32] = {
	"divide error", "debug", "NMI", "breakpoint", "overflow", "bound range",
	"invalid opcode", "device not available", "double fault", "coprocessor overrun",
	"invalid TSS", "segment not present", "stack fault", "general protection",
	"page fault", "reserved", "x87 FPU error", "alignment check", "machine check",
	"SIMD FP exception", "virtualization", "control protection",
};

void trap_init(void)
{
	struct {
		u16 limit;
		u64 base;
	} PACKED idtr = { sizeof(idt) - 1, (u64)idt };

	for (int i = 0; i < 256; i++) {
		u64 h = (u64)trap_vectors_start + 16 * (u64)i;

		idt[i].off_lo = (u16)h;
		idt[i].off_mid = (u16)(h >> 16);
		idt[i].off_hi = (u32)(h >> 32);
		idt[i].sel = GDT_KERNEL_CS;
		idt[i].type = 0x8e; /* present, DPL 0, interrupt gate */
		idt[i].ist = 0;
	}
	idt[8].ist = 1;  /* double fault */
	idt[2].ist = 2;  /* NMI */
	idt[18].ist = 3; /* machine check */
	__asm__ volatile("lidt %0" ::"m"(idtr));
}

void dump_regs(const struct user_regs *r)
{
	kprintf("RIP %016lx CS %04lx RFLAGS %08lx\n", r->rip, r->cs, r->rflags);
	kprintf("RSP %016lx SS %04lx\n", r->rsp, r->ss);
	kprintf("RAX %016lx RBX %016lx RCX %016lx\n", r->rax, r->rbx, r->rcx);
	kprintf("RDX %016lx RSI %016lx RDI %016lx\n", r->rdx, r->rsi, r->rdi);
	kprintf("RBP %016lx R8  %016lx R9  %016lx\n", r->rbp, r->r8, r->r9);
	kprintf("R10 %016lx R11 %016lx R12 %016lx\n", r->r10, r->r11, r->r12);
	kprintf("R13 %016lx R14 %016lx R15 %016lx\n", r->r13, r->r14, r->r15);
}

/* embedded symbols (.ksyms, made by kernel/build.mk's second link) */
struct ksym {
	u64 addr;
	const char *name;
};
extern const u64 __ksyms_start[], __ksyms_end[];

const char *ksym_lookup(u64 addr, u64 *off)
{
	const struct ksym *tab;
	u64 n, lo = 0, hi;

	if (__ksyms_end - __ksyms_start < 1 || !__ksyms_start[0])
		return NULL;
	n = __ksyms_start[0];
	tab = (const struct ksym *)&__ksyms_start[1];
	if (addr < tab[0].addr)
		return NULL;
	hi = n;
	while (hi - lo > 1) {
		u64 mid = (lo + hi) / 2;

		if (tab[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	*off = addr - tab[lo].addr;
	return tab[lo].name;
}

static void print_addr(u64 a)
{
	u64 off;
	const char *name = ksym_lookup(a, &off);

	if (name)
		kprintf("  [<%016lx>] %s+0x%lx\n", a, name, off);
	else
		kprintf("  [<%016lx>]\n", a);
}

static bool kernel_stack_addr(u64 a)
{
	return a >= DIRECT_MAP_BASE && !(a & 7);
}

void backtrace_from(u64 rbp, u64 rip)
{
	kprintf("backtrace:\n");
	print_addr(rip);
	for (int depth = 0; depth < 32 && kernel_stack_addr(rbp); depth++) {
		u64 *frame = (u64 *)rbp;
		u64 ret = frame[1];

		if (ret < KERNEL_VIRT_BASE)
			break;
		print_addr(ret);
		if (frame[0] <= rbp)
			break;
		rbp = frame[0];
	}
}

/* from the caller: its rip, then the frames above it */
__attribute__((noinline)) void backtrace_here(void)
{
	u64 *frame = __builtin_frame_address(0);

	backtrace_from(frame[0], frame[1]);
	__asm__ volatile("" ::: "memory"); /* keep our frame: no tail call */
}

static bool fixup(struct user_regs *r)
{
	for (const struct ex_entry *e = __ex_table_start; e < __ex_table_end; e++) {
		if (e->fault_ip == r->rip) {
			r->rip = e->fixup_ip;
			return true;
		}
	}
	return false;
}

static bool has_fixup(u64 rip)
{
	for (const struct ex_entry *e = __ex_table_start; e < __ex_table_end; e++)
		if (e->fault_ip == rip)
			return true;
	return false;
}

static NORETURN void kernel_trap_panic(struct user_regs *r, u64 cr2)
{
	const char *name = r->vector < 32 && exc_names[r->vector] ? exc_names[r->vector]
								   : "exception";

	kprintf("\nkernel %s (vector %lu) error code %#lx\n", name, r->vector, r->error);
	if (r->vector == 14)
		kprintf("faulting address (CR2) %016lx: %s %s%s\n", cr2,
			r->error & 1 ? "protection violation" : "page not present",
			r->error & 16 ? "on instruction fetch" : r->error & 2 ? "on write" : "on read",
			r->error & 8 ? " (reserved bit)" : "");
	dump_regs(r);
	backtrace_from(r->rbp, r->rip);
	panic("%s in kernel mode at %#lx", name, r->rip);
}

static void page_fault(struct user_regs *r)
{
	u64 addr = read_cr2();
	bool user = r->cs & 3;
	bool write = r->error & 2, exec = r->error & 16;

	if (addr < USER_MAX && !(r->error & 8)) {
		/* user memory: demand paging, for the program or for uaccess */
		int e = uvm_fault(addr, write, exec);

		if (e == 0)
			return;
		if (e == -EAGAIN && (user || has_fixup(r->rip))) {
			/* the PTE already allows it: a stale TLB entry after
			 * another CPU mapped or upgraded the page */
			arch_flush_tlb_local(ALIGN_DOWN(addr, PAGE_SIZE));
			return;
		}
		if (user) {
			user_fault(r, uvm_fault_signal(e), addr,
				   exec ? "exec" : write ? "write" : "read");
			return;
		}
		if (fixup(r))
			return;
	} else if (user) {
		if (vsyscall_emulate(r, addr))
			return; /* a legacy vsyscall entry (arch/x86_64/vdso/vdso.c) */
		user_fault(r, FAULT_SIGSEGV, addr, exec ? "exec" : write ? "write" : "read");
		return;
	} else if (kmap_probe_fault(r, addr) || fixup(r)) {
		return; /* kmap's W^X self-test, or a fault with a fixup */
	}
	kernel_trap_panic(r, addr);
}

static void user_exception(struct user_regs *r)
{
	const char *name = exc_names[r->vector] ? exc_names[r->vector] : "exception";

	switch (r->vector) {
	case 0:
	case 16:
	case 19:
		user_fault(r, FAULT_SIGFPE, r->rip, name);
		break;
	case 6:
		user_fault(r, FAULT_SIGILL, r->rip, name);
		break;
	case 1:
	case 3:
		user_fault(r, FAULT_SIGTRAP, 0, name);
		break;
	case 17:
		user_fault(r, FAULT_SIGBUS, 0, name);
		break;
	default:
		user_fault(r, FAULT_SIGSEGV, 0, name);
		break;
	}
}

static void trap_dispatch_one(struct user_regs *r)
{
	if (r->vector >= 32) {
		irq_dispatch(r);
		return;
	}
	if (r->vector == 14) {
		page_fault(r);
		return;
	}
	if (r->cs & 3) {
		user_exception(r);
		return;
	}
	if (r->vector == 13 && fixup(r))
		return; /* non-canonical user pointer inside a user copy */
	kernel_trap_panic(r, read_cr2());
}

void trap_dispatch(struct user_regs *r)
{
	bool took;

	if (r->vector == 7 && thread_fpu_trap())
		return; /* lazy FPU: the thread's state is loaded (no lock) */
	if (smp_ipi_lockfree(r->vector))
		return; /* TLB shootdown: no kernel lock */
	/* from user mode, or an interrupt on a CPU that does not hold the
	 * kernel lock (idle in hlt): take it; otherwise (an interrupt window
	 * or a fault inside kernel code) this CPU already holds it */
	took = !arch_bkl_held();
	if (took)
		arch_bkl_lock();
	trap_dispatch_one(r);
	if (r->cs & 3) {
		/* back to user mode: preemption point (the timer ends a
		 * quantum here), then pending signals (faults included) */
		sched_return_to_user();
		signal_deliver(r, -1);
		smp_exit_to_user();
	} else if (took) {
		arch_bkl_unlock();
	}
}
