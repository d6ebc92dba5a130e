/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private header of the x86-64 board port.
 *
 * It holds the port's fixed virtual-memory layout, the GDT selectors and
 * IDT vectors, the trap frame shared with entry.S, thin inline wrappers for
 * the privileged instructions the port uses, and the functions the port's
 * files call in each other. Nothing outside ports/x86/ includes it: the
 * core sees the port only through include/hv/port.h.
 *
 * The constants come before the `#ifndef __ASSEMBLER__` fence so that
 * boot.S and entry.S can include this header too.
 */
#ifndef HV_PORTS_X86_X86_H
#define HV_PORTS_X86_X86_H

/*
 * Virtual-memory layout (must match hv.ld and boot.S):
 *  - the image is linked at X86_KERNEL_BASE + its physical address;
 *  - all RAM is mapped at X86_DIRECT_MAP_BASE + its physical address;
 *  - device pages (the local APIC) live in a small fixed-map window in the
 *    top 2 MiB of the address space, uncached.
 * The lower half (below 0x0000800000000000) belongs to guests.
 */
#define X86_KERNEL_BASE     0xffffffff80000000
#define X86_DIRECT_MAP_BASE 0xffff800000000000
/* 64 TiB of direct map: PML4 slots 256..383. */
#define X86_DIRECT_MAP_SIZE 0x0000400000000000
#define X86_FIXMAP_BASE     0xffffffffffe00000
#define X86_FIXMAP_LAPIC    X86_FIXMAP_BASE

/* GDT selectors; the order is fixed by SYSCALL/SYSRET (see cpu.c). */
#define X86_SEL_KERNEL_CS 0x08
#define X86_SEL_KERNEL_DS 0x10
#define X86_SEL_USER_CS32 0x1b
#define X86_SEL_USER_DS   0x23
#define X86_SEL_USER_CS   0x2b
#define X86_SEL_TSS       0x30

/* IDT vectors beyond the 32 exceptions. */
#define X86_VEC_PIC_BASE 0x20 /* legacy 8259s, remapped here and masked */
#define X86_VEC_TIMER    0xf0
#define X86_VEC_SPURIOUS 0xff

/* Size of each stub in entry.S; the IDT is filled from it. */
#define X86_TRAP_STUB_SIZE 16

#ifndef __ASSEMBLER__

#include <hv/port.h>

/* What entry.S pushes; the layout is the push order reversed. */
struct x86_trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	/* Pushed by the CPU. */
	uint64_t rip, cs, rflags, rsp, ss;
};

/* CPU facts gathered once by x86_cpu_init(). */
struct x86_cpu_features {
	bool nx, smep, smap, pge, page_1g, inv_tsc, tsc_deadline;
	char brand[49];
};

extern struct x86_cpu_features x86_cpu;

/* Linker-script symbols (hv.ld). Only their addresses are meaningful. */
extern char x86_image_pa_start[], x86_image_pa_end[];
extern char x86_text_start[], x86_text_end[];
extern char x86_rodata_start[], x86_rodata_end[];
extern char x86_data_start[], x86_image_end[];
/* First byte of the trap stubs in entry.S, one every X86_TRAP_STUB_SIZE. */
extern char x86_trap_stubs[];
/* Top of the boot stack (boot.S), on which x86_main() runs. */
extern char x86_boot_stack_top[];

/* Entered from boot.S on the higher-half stack, interrupts off. */
_Noreturn void x86_main(uint32_t magic, uint32_t info_pa);
/* Called by entry.S for every trap and interrupt. */
void x86_trap(struct x86_trap_frame *frame);

void x86_uart_init(void);
void x86_cpu_init(void);
const struct hv_boot_info *x86_bootinfo_parse(uint32_t magic, uint32_t info_pa);
void x86_paging_init(const struct hv_boot_info *boot);
void x86_time_init(void);
void x86_timer_interrupt(void);
uint32_t x86_port_features(void);
const char *x86_timer_name(void);
uint64_t x86_tsc_hz(void);

static inline void x86_outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void x86_outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline void x86_outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t x86_inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint64_t x86_rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void x86_wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr"
	                 :
	                 : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))
	                 : "memory");
}

static inline void x86_cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid"
	                 : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
	                 : "a"(leaf), "c"(sub));
}

static inline uint64_t x86_rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

#define X86_CR_ACCESSORS(n)                                                                        \
	static inline uint64_t x86_read_cr##n(void)                                                \
	{                                                                                          \
		uint64_t v;                                                                        \
		__asm__ volatile("mov %%cr" #n ", %0" : "=r"(v));                                  \
		return v;                                                                          \
	}                                                                                          \
	static inline void x86_write_cr##n(uint64_t v)                                             \
	{                                                                                          \
		__asm__ volatile("mov %0, %%cr" #n : : "r"(v) : "memory");                         \
	}
X86_CR_ACCESSORS(0)
X86_CR_ACCESSORS(2)
X86_CR_ACCESSORS(3)
X86_CR_ACCESSORS(4)
#undef X86_CR_ACCESSORS

/* Disable interrupts, returning whether they were on. */
static inline bool x86_irq_save(void)
{
	uint64_t flags;

	__asm__ volatile("pushfq; popq %0; cli" : "=r"(flags) : : "memory");
	return (flags & (1u << 9)) != 0;
}

static inline void x86_irq_restore(bool on)
{
	if (on) {
		__asm__ volatile("sti" : : : "memory");
	}
}

#define X86_MSR_EFER         0xc0000080
#define X86_EFER_NXE         (1u << 11)
#define X86_MSR_APIC_BASE    0x1b
#define X86_MSR_TSC_DEADLINE 0x6e0
#define X86_CR0_WP           (1u << 16)
#define X86_CR4_PGE          (1u << 7)
#define X86_CR4_SMEP         (1u << 20)
#define X86_CR4_SMAP         (1u << 21)

#endif /* !__ASSEMBLER__ */

#endif /* HV_PORTS_X86_X86_H */
