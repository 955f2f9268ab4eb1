/*
 * fault.c - a 32-entry IDT for stage2 so that a CPU exception in the loader
 * (a bug, or a BIOS that left something odd) prints the vector and EIP and
 * exits with BOOT_FAIL_CODE instead of triple-faulting into a reset.
 * Layer: boot (stage2). Callers: stage2_main (fault_init), entry.S stubs
 * (stage2_fault). The PVH hand-off loads a null IDT again (entry.S).
 */
#include "boot/stage2/stage2.h"

struct idt_gate {
	u16 off_lo;
	u16 sel;
	u8 zero;
	u8 type; /* 0x8e: present, ring 0, 32-bit interrupt gate */
	u16 off_hi;
} PACKED;
_Static_assert(sizeof(struct idt_gate) == 8, "IDT gate");

struct idt_desc {
	u16 limit;
	u32 base;
} PACKED;

static struct idt_gate fault_idt[32];

void fault_init(void)
{
	struct idt_desc d = {sizeof(fault_idt) - 1, (u32)fault_idt};

	for (int i = 0; i < 32; i++) {
		u32 off = exc_stub_table[i];
		fault_idt[i] = (struct idt_gate){off & 0xffff, 0x08, 0, 0x8e, off >> 16};
	}
	__asm__ volatile("lidt %0" : : "m"(d));
}

void stage2_fault(const u32 *frame)
{
	/* frame: vector, error code, eip, cs, eflags */
	stage2_fail("CPU exception %u (error %x) at eip %x", frame[0], frame[1], frame[2]);
}
