/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private header of the x86-64 board port.
 *
 * It holds the port's fixed virtual-memory layout, the GDT selectors and
 * IDT vectors, the trap frame shared with entry.S and vcpu.S, the per-CPU
 * area and the vCPU layout (with their offsets for the assembly), thin
 * inline wrappers for the privileged instructions the port uses, and the
 * functions the port's files call in each other. Nothing outside
 * ports/x86/ includes it: the core sees the port only through
 * include/hv/port.h.
 *
 * The constants (and a few assembler macros) come before the
 * `#ifndef __ASSEMBLER__` fence so that boot.S, entry.S and vcpu.S can
 * include this header too.
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

/* First address a guest can never map (hv_port_guest_va_limit()). */
#define X86_GUEST_VA_LIMIT 0x0000800000000000

/*
 * Offsets in struct x86_trap_frame, for the assembly entry paths (checked
 * against the structure in vcpu.c).
 */
#define X86_FRAME_R11    32
#define X86_FRAME_RCX    96
#define X86_FRAME_VECTOR 120
#define X86_FRAME_RIP    136
#define X86_FRAME_CS     144
#define X86_FRAME_RSP    160
#define X86_FRAME_SS     168
#define X86_FRAME_SIZE   176

/*
 * Values of a vCPU frame's `vector` slot that are not hardware vectors: how
 * the guest left ring 3 when that was not an exception or an interrupt, and
 * so how hv_port_vcpu_run() must resume it.
 *  - X86_FRAME_SYSCALL: a 64-bit `syscall`. The guest's rip and rflags are
 *    in the rcx and r11 slots (the rip, rflags and error slots are stale),
 *    and the return can be a `sysretq`.
 *  - X86_FRAME_SYSCALL32: a `syscall` from compatibility mode (unreachable,
 *    see cpu.c; reported as #UD).
 *  - X86_FRAME_IRET: every slot is valid; resume with `iretq`.
 */
#define X86_FRAME_SYSCALL   0x100
#define X86_FRAME_SYSCALL32 0x101
#define X86_FRAME_IRET      0x1ff

/* Offsets in struct x86_percpu (reached through %gs in ring 0). */
#define X86_PCPU_SELF        0
#define X86_PCPU_HOST_RSP    8
#define X86_PCPU_EXIT        16
#define X86_PCPU_CUR         24
#define X86_PCPU_SYSCALL_RSP 32
#define X86_PCPU_SCRATCH     40
#define X86_PCPU_VA_LIMIT    48

/* Offsets in struct hv_exit (include/hv/port.h; checked in vcpu.c). */
#define X86_EXIT_REASON 0
#define X86_EXIT_PC     24
#define X86_EXIT_NR     32
#define X86_EXIT_ARGS   40
/* HV_EXIT_HYPERCALL, for the assembly syscall path. */
#define X86_EXIT_HYPERCALL 1

#ifdef __ASSEMBLER__
/* Assembler, not C: clang-format would mangle it. */
/* clang-format off */
/* Save and restore the guest or trap registers in struct x86_trap_frame order. */
.macro X86_PUSH_GPRS
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
.endm

.macro X86_POP_GPRS
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
.endm

/* clac and stac raise #UD on a CPU without SMAP: test first. Clobbers flags. */
.macro X86_CLAC
	testb $1, x86_smap_enabled(%rip)
	jz .Lno_clac\@
	clac
.Lno_clac\@:
.endm

.macro X86_STAC
	testb $1, x86_smap_enabled(%rip)
	jz .Lno_stac\@
	stac
.Lno_stac\@:
.endm
/* clang-format on */
#endif /* __ASSEMBLER__ */

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
	bool nx, smep, smap, umip, pge, page_1g, inv_tsc, tsc_deadline;
	char brand[49];
};

extern struct x86_cpu_features x86_cpu;
/* Whether CR4.SMAP is on: the assembly tests it before clac/stac. */
extern uint8_t x86_smap_enabled;

struct x86_vcpu;

/*
 * Per-CPU data of the guest entry paths. In ring 0 the GS base points here
 * (IA32_GS_BASE); while a guest runs it waits in IA32_KERNEL_GS_BASE, and
 * every entry from ring 3 (and only those) starts with swapgs. Guests
 * cannot change either base: CR4.FSGSBASE stays off and wrmsr is
 * privileged. One CPU for now, but all access goes through %gs so that a
 * second CPU needs only a second instance.
 */
struct x86_percpu {
	struct x86_percpu *self; /* %gs:0, for C */
	/* rsp inside hv_port_vcpu_run(), below the host's callee-saved registers. */
	uint64_t host_rsp;
	struct hv_exit *exit; /* where the running vCPU's exit goes */
	/*
	 * The vCPU whose state is loaded: its CR3 (or one equal to it), its FPU
	 * registers, and its frame as the ring-3 entry stack (TSS.RSP0).
	 */
	struct x86_vcpu *cur;
	uint64_t syscall_rsp; /* &cur->frame.ss: where the syscall entry pushes */
	uint64_t scratch;     /* the guest rsp, for two instructions of the syscall entry */
	uint64_t va_limit;    /* X86_GUEST_VA_LIMIT, as a memory operand for cmp */
	uint64_t cr3;         /* CR3 as last written by the port */
};

/*
 * A vCPU's private state, inside struct hv_port_vcpu. `frame` comes first
 * and is the ring-3 entry stack: TSS.RSP0 points just past it, so an
 * exception or interrupt from the guest pushes its iretq frame, error code,
 * vector and registers straight into it (entry.S), and the syscall entry
 * pushes the same layout; the return paths pop from it.
 */
struct x86_vcpu {
	struct x86_trap_frame frame;
	uint64_t cr3;
	uint64_t reserved;
	/* FXSAVE image of the x87/SSE state, saved and loaded lazily. */
	_Alignas(16) uint8_t fpu[512];
};

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

/* vcpu.S: the syscall entries, the ring-3 trap exit, the user copy. */
void x86_syscall_entry(void);
void x86_syscall32_entry(void);
void x86_trap_from_guest(void);
/* Copies len bytes; returns how many were not copied (0 unless it faulted). */
size_t x86_copy_user(void *dst, const void *src, size_t len);

/* One range of instructions whose page faults on guest addresses are expected. */
struct x86_fixup {
	uint64_t start, end; /* [start, end) */
	uint64_t fixup;      /* where to resume */
};

/* The resume address for a ring-0 #PF at rip on a guest address, or 0. */
uint64_t x86_fixup_find(uint64_t rip);

/* HV_CORE_HYPERCALL_FAST_SET, for the syscall entry's bt (vcpu.S). */
extern const uint64_t x86_hypercall_fast_set;

/* Called by vcpu.S. */
void x86_vcpu_switch(struct x86_vcpu *v);
void x86_vcpu_guest_exit(struct x86_trap_frame *f);
bool x86_vcpu_check_iret(struct x86_vcpu *v);
void x86_vcpu_bad_sysret(struct x86_trap_frame *f);

void x86_uart_init(void);
void x86_cpu_init(void);
void x86_vcpu_setup(void);
void x86_tss_set_rsp0(uint64_t rsp0);
/* The hypervisor's own PML4 (its upper half is shared by every address space). */
uint64_t *x86_paging_root(void);
/* The root whose translations the TLB may hold: the CR3 the port last wrote (vcpu.c). */
hv_paddr_t x86_loaded_root(void);
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

/* Drop the TLB's translation of one page (and the paging-structure caches for it). */
static inline void x86_invlpg(uint64_t va)
{
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

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

#define X86_MSR_EFER           0xc0000080
#define X86_EFER_SCE           (1u << 0)
#define X86_EFER_NXE           (1u << 11)
#define X86_MSR_STAR           0xc0000081
#define X86_MSR_LSTAR          0xc0000082
#define X86_MSR_CSTAR          0xc0000083
#define X86_MSR_SFMASK         0xc0000084
#define X86_MSR_FS_BASE        0xc0000100
#define X86_MSR_GS_BASE        0xc0000101
#define X86_MSR_KERNEL_GS_BASE 0xc0000102
#define X86_MSR_SYSENTER_CS    0x174
#define X86_MSR_APIC_BASE      0x1b
#define X86_MSR_TSC_DEADLINE   0x6e0
#define X86_CR0_MP             (1u << 1)
#define X86_CR0_EM             (1u << 2)
#define X86_CR0_TS             (1u << 3)
#define X86_CR0_NE             (1u << 5)
#define X86_CR0_WP             (1u << 16)
#define X86_CR4_PGE            (1u << 7)
#define X86_CR4_OSFXSR         (1u << 9)
#define X86_CR4_OSXMMEXCPT     (1u << 10)
#define X86_CR4_UMIP           (1u << 11)
#define X86_CR4_SMEP           (1u << 20)
#define X86_CR4_SMAP           (1u << 21)

#define X86_RFLAGS_CF    (UINT64_C(1) << 0)
#define X86_RFLAGS_FIXED (UINT64_C(1) << 1)
#define X86_RFLAGS_PF    (UINT64_C(1) << 2)
#define X86_RFLAGS_AF    (UINT64_C(1) << 4)
#define X86_RFLAGS_ZF    (UINT64_C(1) << 6)
#define X86_RFLAGS_SF    (UINT64_C(1) << 7)
#define X86_RFLAGS_TF    (UINT64_C(1) << 8)
#define X86_RFLAGS_IF    (UINT64_C(1) << 9)
#define X86_RFLAGS_DF    (UINT64_C(1) << 10)
#define X86_RFLAGS_OF    (UINT64_C(1) << 11)
#define X86_RFLAGS_IOPL  (UINT64_C(3) << 12)
#define X86_RFLAGS_NT    (UINT64_C(1) << 14)
#define X86_RFLAGS_RF    (UINT64_C(1) << 16)
#define X86_RFLAGS_VM    (UINT64_C(1) << 17)
#define X86_RFLAGS_AC    (UINT64_C(1) << 18)
#define X86_RFLAGS_VIF   (UINT64_C(1) << 19)
#define X86_RFLAGS_VIP   (UINT64_C(1) << 20)

/* Page-table entry bits. */
#define X86_PTE_P    (UINT64_C(1) << 0)
#define X86_PTE_RW   (UINT64_C(1) << 1)
#define X86_PTE_US   (UINT64_C(1) << 2)
#define X86_PTE_PWT  (UINT64_C(1) << 3)
#define X86_PTE_PCD  (UINT64_C(1) << 4)
#define X86_PTE_PS   (UINT64_C(1) << 7)
#define X86_PTE_G    (UINT64_C(1) << 8)
#define X86_PTE_NX   (UINT64_C(1) << 63)
#define X86_PTE_ADDR UINT64_C(0x000ffffffffff000)

#endif /* !__ASSEMBLER__ */

#endif /* HV_PORTS_X86_X86_H */
