/*
 * smp_lock.c - the big kernel lock and TLB shootdown (arch layer).
 *
 * The kernel was written for "interrupts off = mutual exclusion". With
 * several CPUs that holds per CPU only, so one ticket lock (the BKL)
 * serialises all kernel code: the entry code takes it on every entry from
 * user mode (syscall, exception, interrupt) and for interrupts that hit a
 * CPU which does not hold it (an idle CPU in hlt); it is dropped on the
 * way back to user mode (smp_exit_to_user) and by the idle thread around
 * hlt (arch_idle_wait). A context switch keeps it: the next thread simply
 * continues holding it. arch_wait_irq keeps it too (drivers wait with it).
 *
 * TLB shootdown: arch_flush_tlb_page/all flush locally and mark the
 * address space changed. Before the lock is dropped (and before freed
 * pages are reused: arch_tlb_sync) every other CPU gets a new flush
 * generation; CPUs running user code get a VEC_TLB IPI and are waited
 * for (its handler takes no lock), the others flush when they next take
 * the lock. A CPU spinning for the lock services its flush requests in
 * the spin loop, so the holder waiting for an acknowledgement and a CPU
 * waiting for the lock (interrupts off) cannot deadlock.
 *
 * Called by entry.S/traps.c (entry and exit; smp_syscall is the whole
 * syscall path between entry.S's frame and its sysret), the scheduler
 * (idle wait, kicks), kernel/mm (flushes) and smp.c.
 */
#include "kernel/kernel.h"
#include "arch.h"
#include "arch/x86_64/x86.h"
#include "sys/syscalls.h"

struct smp_cpu_state {
	u32 in_user;  /* running user code or on its way (lock dropped) */
	u64 tlb_req;  /* flush generation requested by the lock holder */
	u64 tlb_done; /* last generation this CPU flushed for */
} __attribute__((aligned(64)));

static struct smp_cpu_state smp_state[ARCH_MAX_CPUS];
static u32 bkl_word;              /* 0 free, else owner CPU + 1 */
static u64 bkl_sleepers;          /* CPUs halted waiting for it */
static int bkl_owner = -1;        /* CPU index, for arch_bkl_held */
static bool tlb_dirty;            /* PTEs changed since the last sync */
static u64 tlb_gen;

unsigned arch_cpu_index(void)
{
	return this_cpu()->cpu_id;
}

void smp_tlb_service(void)
{
	struct smp_cpu_state *s = &smp_state[arch_cpu_index()];
	u64 req = __atomic_load_n(&s->tlb_req, __ATOMIC_ACQUIRE);

	if (req != s->tlb_done) {
		write_cr3(read_cr3());
		__atomic_store_n(&s->tlb_done, req, __ATOMIC_RELEASE);
	}
}

/*
 * The lock word is 0 (free) or the owner's CPU index + 1; not a ticket
 * queue: under a hypervisor a vCPU may be descheduled at any moment, and
 * a ticket queue then stalls everyone behind a waiter that is not
 * running. A waiter spins briefly, then halts with interrupts on (its
 * host CPU goes to the lock holder under TCG or an overcommitted host).
 * The holder hands the lock straight to a halted waiter (round robin from
 * its own index) and wakes it with a VEC_WAKE IPI, so a CPU entering the
 * kernel in a tight loop cannot starve the others. Interrupts that arrive
 * while a CPU waits are handled as usual: their handler takes the lock the
 * same way, and a lock handed to the CPU serves whichever level sees it.
 */
#define BKL_SPINS 256

void arch_bkl_lock(void)
{
	unsigned me = arch_cpu_index();
	u32 mine = me + 1;
	u64 bit = 1ULL << me;

	for (;;) {
		for (int i = 0; i < BKL_SPINS; i++) {
			u32 w = __atomic_load_n(&bkl_word, __ATOMIC_ACQUIRE), free_word = 0;

			if (w == mine) /* handed over by the last holder */
				goto out_locked;
			if (!w && __atomic_compare_exchange_n(&bkl_word, &free_word, mine, false,
							      __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
				goto out_locked;
			smp_tlb_service(); /* the holder may be waiting for us */
			__builtin_ia32_pause();
		}
		/* halt: the sleeper bit is visible before the re-check, so an
		 * unlock after it hands over and sends the IPI that ends hlt */
		__atomic_fetch_or(&bkl_sleepers, bit, __ATOMIC_SEQ_CST);
		u32 w = __atomic_load_n(&bkl_word, __ATOMIC_SEQ_CST);
		if (w && w != mine)
			__asm__ volatile("sti; hlt; cli" ::: "memory");
		__atomic_fetch_and(&bkl_sleepers, ~bit, __ATOMIC_SEQ_CST);
	}
out_locked:
	__atomic_store_n(&bkl_owner, (int)me, __ATOMIC_RELAXED);
	__atomic_store_n(&smp_state[me].in_user, 0, __ATOMIC_RELAXED);
	smp_tlb_service();
}

/* a free lock taken without contention (the common case): inline */
static inline void bkl_lock_fast(unsigned me)
{
	u32 free_word = 0;

	if (!__atomic_compare_exchange_n(&bkl_word, &free_word, me + 1, false, __ATOMIC_ACQUIRE,
					 __ATOMIC_RELAXED)) {
		arch_bkl_lock();
		return;
	}
	__atomic_store_n(&bkl_owner, (int)me, __ATOMIC_RELAXED);
	__atomic_store_n(&smp_state[me].in_user, 0, __ATOMIC_RELAXED);
	if (__atomic_load_n(&smp_state[me].tlb_req, __ATOMIC_ACQUIRE) != smp_state[me].tlb_done)
		smp_tlb_service();
}

/*
 * Free the lock (no waiter was seen to hand it to). A waiter may have set
 * its sleeper bit after the caller looked and seen the word still held:
 * it would halt with nobody to wake it. So look again after the word is
 * free (both sides are SEQ_CST: either the waiter sees the free word, or
 * this load sees its bit) and wake one such waiter; it retries the lock.
 */
static inline void bkl_release(unsigned me)
{
	u64 late;

	__atomic_store_n(&bkl_word, 0, __ATOMIC_SEQ_CST);
	late = __atomic_load_n(&bkl_sleepers, __ATOMIC_SEQ_CST) & ~(1ULL << me);
	if (late)
		apic_send_ipi_raw(smp_cpu_apic_id((unsigned)__builtin_ctzll(late)),
				  VEC_WAKE | 0x4000);
}

void arch_bkl_unlock(void)
{
	unsigned me = arch_cpu_index(), n = arch_cpus_online();
	u64 sleepers;

	arch_tlb_sync();
	__atomic_store_n(&bkl_owner, -1, __ATOMIC_RELAXED);
	sleepers = __atomic_load_n(&bkl_sleepers, __ATOMIC_SEQ_CST) & ~(1ULL << me);
	for (unsigned k = 1; sleepers && k <= n; k++) {
		unsigned c = (me + k) % n;

		if (sleepers & (1ULL << c)) {
			__atomic_store_n(&bkl_word, c + 1, __ATOMIC_SEQ_CST);
			apic_send_ipi_raw(smp_cpu_apic_id(c), VEC_WAKE | 0x4000);
			return;
		}
	}
	bkl_release(me);
}

bool arch_bkl_held(void)
{
	return __atomic_load_n(&bkl_owner, __ATOMIC_RELAXED) == (int)arch_cpu_index();
}

void smp_exit_to_user(void)
{
	if (!arch_bkl_held())
		return; /* never taken: boot code without the scheduler */
	arch_tlb_sync();
	__atomic_store_n(&smp_state[arch_cpu_index()].in_user, 1, __ATOMIC_RELAXED);
	arch_bkl_unlock();
}

/*
 * The SYSCALL path between entry.S's register frame and its sysret: the
 * lock, the call, and the way out, with the uncontended lock and unlock
 * inline (under TCG every call and return is a translated-block lookup:
 * the syscall round trip was mostly such small steps). The thread may
 * come back on another CPU (it blocked and was resumed elsewhere), so the
 * CPU index is read again after the call.
 */
void smp_syscall(struct user_regs *r)
{
	unsigned me = this_cpu()->cpu_id;

	bkl_lock_fast(me);
	syscall_dispatch(r);
	__asm__ volatile("cli" ::: "memory");
	me = this_cpu()->cpu_id;
	if (tlb_dirty)
		arch_tlb_sync();
	__atomic_store_n(&smp_state[me].in_user, 1, __ATOMIC_RELAXED);
	__atomic_store_n(&bkl_owner, -1, __ATOMIC_RELAXED);
	if (__atomic_load_n(&bkl_sleepers, __ATOMIC_SEQ_CST) & ~(1ULL << me)) {
		__atomic_store_n(&bkl_owner, (int)me, __ATOMIC_RELAXED);
		arch_bkl_unlock(); /* hand it to a waiter */
		return;
	}
	bkl_release(me);
}

void arch_idle_wait(void)
{
	arch_bkl_unlock();
	/* sti's shadow: an IPI sent after the unlock still ends the hlt */
	__asm__ volatile("sti; hlt; cli" ::: "memory");
	arch_bkl_lock();
}

void arch_flush_tlb_page(u64 va)
{
	arch_flush_tlb_local(va);
	tlb_dirty = true;
}

void arch_flush_tlb_all(void)
{
	write_cr3(read_cr3());
	tlb_dirty = true;
}

void arch_tlb_sync(void)
{
	unsigned me = arch_cpu_index(), n = arch_cpus_online();
	u64 gen;

	if (!tlb_dirty)
		return;
	tlb_dirty = false;
	if (n <= 1)
		return;
	gen = ++tlb_gen;
	/* in_user only changes under the lock, which we hold */
	for (unsigned c = 0; c < n; c++) {
		if (c == me)
			continue;
		__atomic_store_n(&smp_state[c].tlb_req, gen, __ATOMIC_RELEASE);
		if (__atomic_load_n(&smp_state[c].in_user, __ATOMIC_RELAXED))
			apic_send_ipi_raw(smp_cpu_apic_id(c), VEC_TLB | 0x4000);
	}
	for (unsigned c = 0; c < n; c++) {
		if (c == me || !__atomic_load_n(&smp_state[c].in_user, __ATOMIC_RELAXED))
			continue;
		while (__atomic_load_n(&smp_state[c].tlb_done, __ATOMIC_ACQUIRE) < gen)
			__builtin_ia32_pause();
	}
}

bool smp_ipi_lockfree(u64 vector)
{
	if (vector != VEC_TLB && vector != VEC_WAKE)
		return false;
	smp_tlb_service();
	apic_eoi();
	return true;
}

void arch_kick_cpu(unsigned idx)
{
	if (idx == arch_cpu_index() || idx >= arch_cpus_online())
		return;
	apic_send_ipi_raw(smp_cpu_apic_id(idx), VEC_RESCHED | 0x4000);
}
