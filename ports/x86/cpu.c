/* SPDX-License-Identifier: Apache-2.0 */
/*
 * CPU set-up of the x86-64 port: feature discovery, control registers,
 * and the descriptor tables (GDT, TSS, IDT).
 *
 * GDT layout. SYSCALL loads CS from STAR[47:32] and SS from that + 8;
 * 64-bit SYSRET loads CS from STAR[63:48] + 16 and SS from STAR[63:48] + 8.
 * With STAR[47:32] = 0x08 and STAR[63:48] = 0x18 that fixes the order:
 *   0x00 null
 *   0x08 kernel code (64-bit)      X86_SEL_KERNEL_CS
 *   0x10 kernel data               X86_SEL_KERNEL_DS
 *   0x18 user code (32-bit)        X86_SEL_USER_CS32 = 0x1b, not present
 *   0x20 user data                 X86_SEL_USER_DS   = 0x23
 *   0x28 user code (64-bit)        X86_SEL_USER_CS   = 0x2b
 *   0x30 TSS (16 bytes)            X86_SEL_TSS
 * The 32-bit user code slot is only where SYSRET's layout wants it (a
 * 32-bit sysretl would load it; the port only uses sysretq). It is marked
 * not present so that a guest cannot far-jump into compatibility mode:
 * guests are 64-bit, and a mode nobody uses is a mode nobody tests (a
 * compatibility-mode `syscall` would enter through CSTAR on AMD CPUs).
 *
 * The TSS gives #DF, NMI and #MC their own stacks (IST 1..3): they can
 * arrive with a broken RSP. RSP0, the stack for entries from ring 3, points
 * into the running vCPU (vcpu.c). It has no I/O bitmap, so ring 3 has no
 * ports.
 *
 * All gates are interrupt gates (interrupts stay off in handlers) with
 * DPL 0, so a ring-3 `int n` raises #GP, except #BP: its gate has DPL 3 so
 * that a guest's `int3` is the #BP exit a guest debugger expects. No
 * vector with a hardware meaning (timer, spurious) can be raised that way.
 */
#include "x86.h"

struct x86_cpu_features x86_cpu;
uint8_t x86_smap_enabled;

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iopb_offset;
} __attribute__((packed));

_Static_assert(sizeof(struct tss) == 104, "64-bit TSS is 104 bytes");

struct idt_gate {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attr;
	uint16_t offset_mid;
	uint32_t offset_hi;
	uint32_t reserved;
};

_Static_assert(sizeof(struct idt_gate) == 16, "64-bit IDT gate is 16 bytes");

struct table_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

#define IST_DF         1
#define IST_NMI        2
#define IST_MC         3
#define IST_STACK_SIZE 16384

static uint64_t gdt[8] __attribute__((aligned(16))) = {
        0,
        0x00af9a000000ffff, /* kernel code: P, DPL 0, L */
        0x00cf92000000ffff, /* kernel data: P, DPL 0, writable */
        0x00cf7a000000ffff, /* user code 32: DPL 3, D, not present */
        0x00cff2000000ffff, /* user data: P, DPL 3, writable */
        0x00affa000000ffff, /* user code 64: P, DPL 3, L */
        0,                  /* TSS, low half (filled at run time) */
        0,                  /* TSS, high half */
};

static struct tss tss __attribute__((aligned(16)));
static struct idt_gate idt[256] __attribute__((aligned(16)));
static uint8_t ist_stacks[3][IST_STACK_SIZE] __attribute__((aligned(16)));

static void detect_features(void)
{
	uint32_t r[4];
	uint32_t max_leaf, max_ext;

	x86_cpuid(0, 0, r);
	max_leaf = r[0];
	x86_cpuid(0x80000000, 0, r);
	max_ext = r[0];

	x86_cpuid(1, 0, r);
	x86_cpu.tsc_deadline = (r[2] >> 24) & 1;
	x86_cpu.pge = (r[3] >> 13) & 1;
	if (max_leaf >= 7) {
		x86_cpuid(7, 0, r);
		x86_cpu.smep = (r[1] >> 7) & 1;
		x86_cpu.smap = (r[1] >> 20) & 1;
		x86_cpu.umip = (r[2] >> 2) & 1;
	}
	if (max_ext >= 0x80000001) {
		x86_cpuid(0x80000001, 0, r);
		x86_cpu.nx = (r[3] >> 20) & 1;
		x86_cpu.page_1g = (r[3] >> 26) & 1;
	}
	if (max_ext >= 0x80000007) {
		x86_cpuid(0x80000007, 0, r);
		x86_cpu.inv_tsc = (r[3] >> 8) & 1;
	}

	if (max_ext >= 0x80000004) {
		for (uint32_t i = 0; i < 3; i++) {
			x86_cpuid(0x80000002 + i, 0, r);
			__builtin_memcpy(&x86_cpu.brand[(size_t)i * 16], r, 16);
		}
	} else {
		/* No brand string: the vendor ("GenuineIntel") is EBX, EDX, ECX. */
		x86_cpuid(0, 0, r);
		__builtin_memcpy(&x86_cpu.brand[0], &r[1], 4);
		__builtin_memcpy(&x86_cpu.brand[4], &r[3], 4);
		__builtin_memcpy(&x86_cpu.brand[8], &r[2], 4);
	}
	x86_cpu.brand[48] = '\0';
	/* Brand strings are often right-justified with leading blanks. */
	size_t skip = 0;
	while (x86_cpu.brand[skip] == ' ') {
		skip++;
	}
	if (skip > 0) {
		__builtin_memmove(x86_cpu.brand, x86_cpu.brand + skip,
		                  sizeof(x86_cpu.brand) - skip);
	}
}

static void enable_features(void)
{
	uint64_t cr4 = x86_read_cr4();

	/* boot.S set EFER.NXE already when CPUID offered NX; make sure. */
	if (x86_cpu.nx) {
		x86_wrmsr(X86_MSR_EFER, x86_rdmsr(X86_MSR_EFER) | X86_EFER_NXE);
	}
	/* Global pages keep hypervisor mappings across guest CR3 switches. */
	if (x86_cpu.pge) {
		cr4 |= X86_CR4_PGE;
	}
	if (x86_cpu.smep) {
		cr4 |= X86_CR4_SMEP;
	}
	/* Hypervisor accesses to user pages will need stac/clac. */
	if (x86_cpu.smap) {
		cr4 |= X86_CR4_SMAP;
		x86_smap_enabled = 1;
	}
	/* sgdt, sidt, sldt, smsw and str would show ring 3 hypervisor addresses. */
	if (x86_cpu.umip) {
		cr4 |= X86_CR4_UMIP;
	}
	/*
	 * Guests may use x87 and SSE (FXSAVE state, switched lazily by vcpu.c).
	 * XSAVE stays off, so AVX and later state do not exist for guests
	 * (CPUID's OSXSAVE bit tells them). The hypervisor itself is built
	 * with -mgeneral-regs-only and never touches these registers.
	 */
	cr4 |= X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT;
	x86_write_cr4(cr4);
	/*
	 * Ring 0 honours read-only pages (guest page tables and the guest
	 * copies rely on it); FPU errors raise #MF; no FPU emulation, and no
	 * #NM trap (the switch is not trap-driven).
	 */
	x86_write_cr0((x86_read_cr0() | X86_CR0_WP | X86_CR0_NE | X86_CR0_MP) &
	              ~(uint64_t)(X86_CR0_EM | X86_CR0_TS));
}

uint32_t x86_port_features(void)
{
	uint32_t f = 0;

	f |= x86_cpu.nx ? HV_PORT_FEAT_NX : 0;
	f |= x86_cpu.smep ? HV_PORT_FEAT_SMEP : 0;
	f |= x86_cpu.smap ? HV_PORT_FEAT_SMAP : 0;
	f |= x86_cpu.inv_tsc ? HV_PORT_FEAT_INV_TSC : 0;
	f |= x86_cpu.page_1g ? HV_PORT_FEAT_PAGE_1G : 0;
	f |= x86_cpu.tsc_deadline ? HV_PORT_FEAT_DEADLINE : 0;
	return f;
}

static void load_gdt(void)
{
	uint64_t base = (uint64_t)&tss;
	uint64_t limit = sizeof(tss) - 1;
	struct table_ptr ptr = {.limit = sizeof(gdt) - 1, .base = (uint64_t)gdt};

	tss.ist[IST_DF - 1] = (uint64_t)&ist_stacks[0][IST_STACK_SIZE];
	tss.ist[IST_NMI - 1] = (uint64_t)&ist_stacks[1][IST_STACK_SIZE];
	tss.ist[IST_MC - 1] = (uint64_t)&ist_stacks[2][IST_STACK_SIZE];
	/* vcpu.c points RSP0 into the running vCPU; until then, the boot stack. */
	tss.rsp[0] = (uint64_t)x86_boot_stack_top;
	tss.iopb_offset = sizeof(tss);

	/* Available 64-bit TSS (type 9), present, DPL 0. */
	gdt[X86_SEL_TSS / 8] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) |
	                       ((limit >> 16 & 0xf) << 48) | ((base >> 24 & 0xff) << 56);
	gdt[X86_SEL_TSS / 8 + 1] = base >> 32;

	__asm__ volatile("lgdt %0" : : "m"(ptr));
	/* Reload CS with a far return, then the data segments and TR. */
	__asm__ volatile(
	        "pushq %[cs]\n\t"
	        "leaq 1f(%%rip), %%rax\n\t"
	        "pushq %%rax\n\t"
	        "lretq\n"
	        "1:\n\t"
	        "movl %[ds], %%eax\n\t"
	        "movl %%eax, %%ds\n\t"
	        "movl %%eax, %%es\n\t"
	        "movl %%eax, %%ss\n\t"
	        "xorl %%eax, %%eax\n\t"
	        "movl %%eax, %%fs\n\t"
	        "movl %%eax, %%gs\n\t"
	        "movw %[tr], %%ax\n\t"
	        "ltr %%ax"
	        :
	        : [cs] "i"(X86_SEL_KERNEL_CS), [ds] "i"(X86_SEL_KERNEL_DS), [tr] "i"(X86_SEL_TSS)
	        : "rax", "memory");
}

void x86_tss_set_rsp0(uint64_t rsp0)
{
	tss.rsp[0] = rsp0;
}

static void set_gate(unsigned int vec, unsigned int ist)
{
	uint64_t stub = (uint64_t)x86_trap_stubs + (uint64_t)vec * X86_TRAP_STUB_SIZE;

	idt[vec] = (struct idt_gate){
	        .offset_lo = stub & 0xffff,
	        .selector = X86_SEL_KERNEL_CS,
	        .ist = (uint8_t)ist,
	        .type_attr = 0x8e, /* present, DPL 0, 64-bit interrupt gate */
	        .offset_mid = (stub >> 16) & 0xffff,
	        .offset_hi = (uint32_t)(stub >> 32),
	};
}

static void load_idt(void)
{
	struct table_ptr ptr = {.limit = sizeof(idt) - 1, .base = (uint64_t)idt};

	for (unsigned int v = 0; v < 32; v++) {
		set_gate(v, 0);
	}
	/* Present, DPL 3, 64-bit interrupt gate. */
	idt[3].type_attr = 0xee;
	set_gate(2, IST_NMI);
	set_gate(8, IST_DF);
	set_gate(18, IST_MC);
	/* The masked 8259s can still raise spurious IRQ 7 and 15. */
	for (unsigned int v = X86_VEC_PIC_BASE; v < X86_VEC_PIC_BASE + 16; v++) {
		set_gate(v, 0);
	}
	set_gate(X86_VEC_TIMER, 0);
	set_gate(X86_VEC_SPURIOUS, 0);
	__asm__ volatile("lidt %0" : : "m"(ptr));
}

void x86_cpu_init(void)
{
	detect_features();
	enable_features();
	load_gdt();
	load_idt();
}
