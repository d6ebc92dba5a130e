/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Trap dispatch of the x86-64 port.
 *
 * x86_trap() receives every vector that cpu.c installed while the CPU is
 * in ring 0, and NMI, #DF and #MC from anywhere (entry.S; everything else
 * from ring 3 is a guest exit, handled by vcpu.c):
 *  - the local APIC timer goes to time.c;
 *  - the APIC spurious vector and spurious 8259 IRQs are ignored (a
 *    spurious interrupt must not be acknowledged with an EOI);
 *  - a page fault on a guest address inside a guest copy resumes at the
 *    copy's fixup, which returns an error (guest.c has the table);
 *  - any other exception is a hypervisor bug. The handler prints the
 *    machine state and calls hv_panic(), which ends the run with a failing
 *    verdict.
 * A fault while printing the dump (a second fault inside the handler)
 * skips the printer and powers off at once.
 */
#include <hv/log.h>

#include "x86.h"

static const char *const exception_names[32] = {
        [0] = "#DE divide error",
        [1] = "#DB debug",
        [2] = "NMI",
        [3] = "#BP breakpoint",
        [4] = "#OF overflow",
        [5] = "#BR bound range",
        [6] = "#UD invalid opcode",
        [7] = "#NM device not available",
        [8] = "#DF double fault",
        [9] = "coprocessor segment overrun",
        [10] = "#TS invalid TSS",
        [11] = "#NP segment not present",
        [12] = "#SS stack fault",
        [13] = "#GP general protection",
        [14] = "#PF page fault",
        [15] = "reserved",
        [16] = "#MF x87 floating point",
        [17] = "#AC alignment check",
        [18] = "#MC machine check",
        [19] = "#XM SIMD floating point",
        [20] = "#VE virtualization",
        [21] = "#CP control protection",
        [22] = "reserved",
        [23] = "reserved",
        [24] = "reserved",
        [25] = "reserved",
        [26] = "reserved",
        [27] = "reserved",
        [28] = "#HV hypervisor injection",
        [29] = "#VC VMM communication",
        [30] = "#SX security",
        [31] = "reserved",
};

/* The short mnemonic ("#PF") of an exception, for the panic message. */
static void mnemonic(char out[8], uint64_t vector)
{
	const char *name = exception_names[vector];
	size_t i = 0;

	while (i < 7 && name[i] != '\0' && name[i] != ' ') {
		out[i] = name[i];
		i++;
	}
	out[i] = '\0';
}

static void dump(const struct x86_trap_frame *f)
{
	hv_printf("hv: x86: exception %s (vector %lu), error code %#lx\n",
	          exception_names[f->vector], f->vector, f->error);
	if (f->vector == 14) {
		/* Error code bits: P, W, U, RSVD, I (instruction fetch). */
		hv_printf("hv: x86:   cr2 %016lx (%s, %s, %s%s)\n", x86_read_cr2(),
		          (f->error & 1) ? "protection" : "not present",
		          (f->error & 2) ? "write" : "read", (f->error & 4) ? "user" : "supervisor",
		          (f->error & 16) ? ", fetch" : "");
	}
	hv_printf("hv: x86:   rip %016lx cs %04lx rflags %016lx\n", f->rip, f->cs, f->rflags);
	hv_printf("hv: x86:   rsp %016lx ss %04lx cr3 %016lx\n", f->rsp, f->ss, x86_read_cr3());
	hv_printf("hv: x86:   cr0 %016lx cr4 %016lx\n", x86_read_cr0(), x86_read_cr4());
	hv_printf("hv: x86:   rax %016lx rbx %016lx rcx %016lx\n", f->rax, f->rbx, f->rcx);
	hv_printf("hv: x86:   rdx %016lx rsi %016lx rdi %016lx\n", f->rdx, f->rsi, f->rdi);
	hv_printf("hv: x86:   rbp %016lx r8  %016lx r9  %016lx\n", f->rbp, f->r8, f->r9);
	hv_printf("hv: x86:   r10 %016lx r11 %016lx r12 %016lx\n", f->r10, f->r11, f->r12);
	hv_printf("hv: x86:   r13 %016lx r14 %016lx r15 %016lx\n", f->r13, f->r14, f->r15);
}

void x86_trap(struct x86_trap_frame *f)
{
	static int depth;
	char name[8];

	if (f->vector == X86_VEC_TIMER) {
		x86_timer_interrupt();
		return;
	}
	if (f->vector == X86_VEC_SPURIOUS ||
	    (f->vector >= X86_VEC_PIC_BASE && f->vector < X86_VEC_PIC_BASE + 16)) {
		return;
	}
	if (f->vector >= 32) {
		/* cpu.c installs no other gate; this is a bug, not a guest. */
		hv_panic("x86: unexpected interrupt vector %lu at rip=%#lx", f->vector, f->rip);
	}

	/*
	 * Only a fault on a guest address: a bad hypervisor pointer given to
	 * a copy is a bug and must panic like any other.
	 */
	if (f->vector == 14 && (f->cs & 3) == 0 && x86_read_cr2() < X86_GUEST_VA_LIMIT) {
		uint64_t fixup = x86_fixup_find(f->rip);

		if (fixup != 0) {
			f->rip = fixup;
			return;
		}
	}

	if (depth++ > 0) {
		static const char msg[] = "hv: x86: fault inside the exception handler\n";

		hv_port_console_write(msg, sizeof(msg) - 1);
		hv_port_power_off(HV_VERDICT_FAIL);
	}
	dump(f);
	mnemonic(name, f->vector);
	if (f->vector == 14) {
		hv_panic("unhandled exception %s at rip=%#lx, address %#lx", name, f->rip,
		         x86_read_cr2());
	}
	hv_panic("unhandled exception %s at rip=%#lx", name, f->rip);
}
