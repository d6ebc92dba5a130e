/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Virtual CPUs of the x86-64 port: the C half of the run loop (vcpu.S is
 * the other), the register accessors, and the set-up of the guest entry
 * machinery.
 *
 * What is loaded on the CPU belongs to percpu.cur, the last vCPU that ran:
 * its CR3 (or an equal one), its x87/SSE registers, and its frame as the
 * ring-3 entry stack (TSS.RSP0 and percpu.syscall_rsp). Running the same
 * vCPU again costs none of that; running another one goes through
 * x86_vcpu_switch(), which writes CR3 only when the root differs (a CR3
 * write is the expensive step under TCG) and swaps the FPU state with one
 * fxsave and one fxrstor. The hypervisor never uses the FPU itself
 * (-mgeneral-regs-only), so the registers stay the guest's across exits.
 *
 * Lifetime: the port keeps a pointer to the last vCPU (and saves its FPU
 * state into it at the next switch) and leaves its CR3 loaded. The core
 * says when either goes away: hv_port_vcpu_destroy() (or
 * hv_port_vcpu_init() of the same memory) forgets the vCPU without saving
 * anything into it; hv_port_as_destroy() of the loaded root switches CR3
 * to the hypervisor's own PML4, and forgets (after saving its FPU state)
 * a last vCPU that still uses that root, since "cur" also means "its CR3
 * is loaded" to the run path. hv_port_as_unmap() (guest.c) asks
 * x86_loaded_root() whether the root it changes is the one loaded, and so
 * whether the TLB may hold the translation it removes.
 *
 * Registers: after a syscall exit the frame's rcx and r11 slots are the
 * guest's rip and rflags (the marker X86_FRAME_SYSCALL says so; vcpu.S).
 * The accessors read them from there, and any write that would make rip
 * differ from rcx or rflags from r11 first copies them into the rip and
 * rflags slots and drops the marker, so the next return is an iretq that
 * restores every register exactly.
 */
#include <hv/log.h>

#include "x86.h"

_Static_assert(sizeof(struct x86_vcpu) <= sizeof(struct hv_port_vcpu),
               "x86 vCPU state must fit in struct hv_port_vcpu");
_Static_assert(_Alignof(struct hv_port_vcpu) >= _Alignof(struct x86_vcpu),
               "struct hv_port_vcpu is aligned enough for FXSAVE");
_Static_assert(__builtin_offsetof(struct x86_vcpu, frame) == 0, "frame first");
_Static_assert(__builtin_offsetof(struct x86_vcpu, fpu) % 16 == 0, "FXSAVE area 16-aligned");
/* RSP0 = end of the frame; the CPU aligns its pushes to 16. */
_Static_assert(sizeof(struct x86_trap_frame) == X86_FRAME_SIZE && X86_FRAME_SIZE % 16 == 0,
               "frame size");
_Static_assert(__builtin_offsetof(struct x86_trap_frame, r11) == X86_FRAME_R11, "r11");
_Static_assert(__builtin_offsetof(struct x86_trap_frame, rcx) == X86_FRAME_RCX, "rcx");
_Static_assert(__builtin_offsetof(struct x86_trap_frame, vector) == X86_FRAME_VECTOR, "vector");
_Static_assert(__builtin_offsetof(struct x86_trap_frame, rip) == X86_FRAME_RIP, "rip");
_Static_assert(__builtin_offsetof(struct x86_trap_frame, cs) == X86_FRAME_CS, "cs");
_Static_assert(__builtin_offsetof(struct x86_trap_frame, rsp) == X86_FRAME_RSP, "rsp");
_Static_assert(__builtin_offsetof(struct x86_trap_frame, ss) == X86_FRAME_SS, "ss");
_Static_assert(__builtin_offsetof(struct x86_percpu, self) == X86_PCPU_SELF, "self");
_Static_assert(__builtin_offsetof(struct x86_percpu, host_rsp) == X86_PCPU_HOST_RSP, "host_rsp");
_Static_assert(__builtin_offsetof(struct x86_percpu, exit) == X86_PCPU_EXIT, "exit");
_Static_assert(__builtin_offsetof(struct x86_percpu, cur) == X86_PCPU_CUR, "cur");
_Static_assert(__builtin_offsetof(struct x86_percpu, syscall_rsp) == X86_PCPU_SYSCALL_RSP,
               "syscall_rsp");
_Static_assert(__builtin_offsetof(struct x86_percpu, scratch) == X86_PCPU_SCRATCH, "scratch");
_Static_assert(__builtin_offsetof(struct x86_percpu, va_limit) == X86_PCPU_VA_LIMIT, "va_limit");
_Static_assert(__builtin_offsetof(struct hv_exit, reason) == X86_EXIT_REASON, "exit.reason");
_Static_assert(__builtin_offsetof(struct hv_exit, vector) == X86_EXIT_REASON + 4,
               "exit.vector follows reason (one 8-byte store sets both)");
_Static_assert(__builtin_offsetof(struct hv_exit, pc) == X86_EXIT_PC, "exit.pc");
_Static_assert(__builtin_offsetof(struct hv_exit, nr) == X86_EXIT_NR, "exit.nr");
_Static_assert(__builtin_offsetof(struct hv_exit, args) == X86_EXIT_ARGS, "exit.args");
_Static_assert(HV_EXIT_HYPERCALL == X86_EXIT_HYPERCALL, "exit reason");

/* Flags a guest owns; set_reg(HV_REG_FLAGS) keeps only these. */
#define GUEST_FLAGS                                                                                \
	(X86_RFLAGS_CF | X86_RFLAGS_PF | X86_RFLAGS_AF | X86_RFLAGS_ZF | X86_RFLAGS_SF |           \
	 X86_RFLAGS_DF | X86_RFLAGS_OF)
/* Flags the hypervisor never returns to a guest with. */
#define FORBIDDEN_FLAGS                                                                            \
	(X86_RFLAGS_IOPL | X86_RFLAGS_NT | X86_RFLAGS_VM | X86_RFLAGS_VIF | X86_RFLAGS_VIP)
/* Masked on syscall entry: interrupts, direction, single step, SMAP override, nesting, IOPL. */
#define SYSCALL_MASK                                                                               \
	(X86_RFLAGS_IF | X86_RFLAGS_DF | X86_RFLAGS_TF | X86_RFLAGS_AC | X86_RFLAGS_NT |           \
	 X86_RFLAGS_IOPL)

/* x87 control word and MXCSR after reset: all exceptions masked, round to nearest. */
#define FCW_INIT   0x037f
#define MXCSR_INIT 0x1f80

#define VEC_UD 6
#define VEC_SS 12
#define VEC_GP 13
#define VEC_PF 14

static struct x86_percpu percpu0;

const uint64_t x86_hypercall_fast_set = HV_CORE_HYPERCALL_FAST_SET;

static struct x86_percpu *this_cpu(void)
{
	struct x86_percpu *c;

	__asm__ volatile("movq %%gs:%c1, %0" : "=r"(c) : "i"(X86_PCPU_SELF));
	return c;
}

static struct x86_vcpu *vcpu_of(struct hv_port_vcpu *v)
{
	return (struct x86_vcpu *)(void *)v->opaque;
}

static const struct x86_vcpu *const_vcpu_of(const struct hv_port_vcpu *v)
{
	return (const struct x86_vcpu *)(const void *)v->opaque;
}

static bool canonical(uint64_t va)
{
	/* Bits 63..47 all equal: a 48-bit sign extension. */
	return (uint64_t)((int64_t)(va << 16) >> 16) == va;
}

void x86_vcpu_setup(void)
{
	struct x86_percpu *c = &percpu0;

	c->self = c;
	c->va_limit = X86_GUEST_VA_LIMIT;
	c->cr3 = x86_read_cr3();
	/* Ring 0 runs with GS = the per-CPU area; ring 3 finds it in KERNEL_GS_BASE. */
	x86_wrmsr(X86_MSR_GS_BASE, (uint64_t)c);
	x86_wrmsr(X86_MSR_KERNEL_GS_BASE, 0);
	x86_wrmsr(X86_MSR_FS_BASE, 0);

	/*
	 * syscall: CS = 0x08, SS = 0x10; sysretq: CS = 0x18 + 16 | 3 = 0x2b,
	 * SS = 0x18 + 8 | 3 = 0x23 (cpu.c has the GDT).
	 */
	x86_wrmsr(X86_MSR_STAR,
	          ((uint64_t)(X86_SEL_USER_CS32 & ~3) << 48) | ((uint64_t)X86_SEL_KERNEL_CS << 32));
	x86_wrmsr(X86_MSR_LSTAR, (uint64_t)x86_syscall_entry);
	x86_wrmsr(X86_MSR_CSTAR, (uint64_t)x86_syscall32_entry);
	x86_wrmsr(X86_MSR_SFMASK, SYSCALL_MASK);
	/* SYSENTER_CS = 0 makes a ring-3 sysenter raise #GP (Intel; AMD: #UD in long mode). */
	x86_wrmsr(X86_MSR_SYSENTER_CS, 0);
	x86_wrmsr(X86_MSR_EFER, x86_rdmsr(X86_MSR_EFER) | X86_EFER_SCE);
}

void hv_port_vcpu_init(struct hv_port_vcpu *pv, hv_paddr_t root, uint64_t entry, uint64_t stack,
                       uint64_t arg)
{
	struct x86_vcpu *v = vcpu_of(pv);
	struct x86_percpu *c = this_cpu();

	/* Reused memory: its registers and FPU state on the CPU are stale. */
	if (c->cur == v) {
		c->cur = NULL;
	}
	__builtin_memset(v, 0, sizeof(*v));
	v->frame.rip = entry;
	v->frame.rsp = stack;
	v->frame.rdi = arg;
	v->frame.rflags = X86_RFLAGS_IF | X86_RFLAGS_FIXED;
	v->frame.cs = X86_SEL_USER_CS;
	v->frame.ss = X86_SEL_USER_DS;
	v->frame.vector = X86_FRAME_IRET;
	v->cr3 = root;
	/* FXSAVE layout: FCW at 0, abridged tag word 0 (all empty) at 4, MXCSR at 24. */
	v->fpu[0] = FCW_INIT & 0xff;
	v->fpu[1] = FCW_INIT >> 8;
	v->fpu[24] = MXCSR_INIT & 0xff;
	v->fpu[25] = MXCSR_INIT >> 8;
}

void hv_port_vcpu_destroy(struct hv_port_vcpu *pv)
{
	struct x86_percpu *c = this_cpu();

	/* Its FPU registers on the CPU belong to nobody now: the next switch only loads. */
	if (c->cur == vcpu_of(pv)) {
		c->cur = NULL;
	}
}

hv_paddr_t x86_loaded_root(void)
{
	/*
	 * Every CR3 write after start-up goes through c->cr3 (x86_vcpu_switch(),
	 * hv_port_as_destroy()), so it is what CR3 holds, without reading CR3.
	 */
	return this_cpu()->cr3;
}

void hv_port_as_destroy(hv_paddr_t root)
{
	struct x86_percpu *c = this_cpu();

	if (c->cur != NULL && c->cur->cr3 == root) {
		/* The run path would re-enter it without a switch, on the wrong CR3. */
		__asm__ volatile("fxsave64 %0" : "=m"(c->cur->fpu));
		c->cur = NULL;
	}
	if (c->cr3 == root) {
		/*
		 * The hypervisor's own tables: the same upper half, no guest half.
		 * The write also flushes root's (never global) guest translations.
		 */
		c->cr3 = hv_port_virt_to_phys(x86_paging_root());
		x86_write_cr3(c->cr3);
	}
}

/* Make rip and rflags the authority again after a syscall exit (see the top). */
static void leave_syscall_form(struct x86_trap_frame *f)
{
	if (f->vector == X86_FRAME_SYSCALL || f->vector == X86_FRAME_SYSCALL32) {
		f->rip = f->rcx;
		f->rflags = (f->r11 & ~FORBIDDEN_FLAGS) | X86_RFLAGS_IF | X86_RFLAGS_FIXED;
		f->error = 0;
		f->vector = X86_FRAME_IRET;
	}
}

uint64_t hv_port_vcpu_reg(const struct hv_port_vcpu *pv, enum hv_port_reg reg)
{
	const struct x86_trap_frame *f = &const_vcpu_of(pv)->frame;
	bool sys = f->vector == X86_FRAME_SYSCALL;

	switch (reg) {
	case HV_REG_PC:
		return sys ? f->rcx : f->rip;
	case HV_REG_SP:
		return f->rsp;
	case HV_REG_FLAGS:
		return sys ? f->r11 : f->rflags;
	case HV_REG_RET:
		return f->rax;
	case HV_REG_ARG0:
		return f->rdi;
	case HV_REG_TMP0:
		return f->rcx;
	case HV_REG_TMP1:
		return f->r11;
	}
	return 0;
}

void hv_port_vcpu_set_reg(struct hv_port_vcpu *pv, enum hv_port_reg reg, uint64_t value)
{
	struct x86_trap_frame *f = &vcpu_of(pv)->frame;

	switch (reg) {
	case HV_REG_PC:
		leave_syscall_form(f);
		f->rip = value;
		break;
	case HV_REG_SP:
		f->rsp = value;
		break;
	case HV_REG_FLAGS:
		leave_syscall_form(f);
		f->rflags = (value & GUEST_FLAGS) | X86_RFLAGS_IF | X86_RFLAGS_FIXED;
		break;
	case HV_REG_RET:
		f->rax = value;
		break;
	case HV_REG_ARG0:
		f->rdi = value;
		break;
	case HV_REG_TMP0:
		leave_syscall_form(f);
		f->rcx = value;
		break;
	case HV_REG_TMP1:
		leave_syscall_form(f);
		f->r11 = value;
		break;
	}
}

void x86_vcpu_switch(struct x86_vcpu *v)
{
	struct x86_percpu *c = this_cpu();

	if (v->cr3 != c->cr3) {
		x86_write_cr3(v->cr3);
		c->cr3 = v->cr3;
	}
	if (c->cur != NULL) {
		__asm__ volatile("fxsave64 %0" : "=m"(c->cur->fpu));
	}
	__asm__ volatile("fxrstor64 %0" : : "m"(v->fpu));
	c->cur = v;
	c->syscall_rsp = (uint64_t)&v->frame.ss;
	x86_tss_set_rsp0((uint64_t)(&v->frame + 1));
}

void x86_vcpu_guest_exit(struct x86_trap_frame *f)
{
	struct x86_percpu *c = this_cpu();
	struct hv_exit *e = c->exit;
	uint64_t vector = f->vector;

	/* Ring-3 entries land in the running vCPU (RSP0, syscall_rsp); IST ones never come here. */
	if (c->cur == NULL || f != &c->cur->frame) {
		hv_panic("x86: guest entry with frame %p outside the running vCPU", (void *)f);
	}
	e->error_code = 0;
	e->fault_addr = 0;
	if (vector == X86_FRAME_SYSCALL32) {
		/* A fault at the syscall instruction (2 bytes, before rcx). */
		leave_syscall_form(f);
		f->rip -= 2;
		e->reason = HV_EXIT_EXCEPTION;
		e->vector = VEC_UD;
	} else if (vector < 32) {
		e->reason = HV_EXIT_EXCEPTION;
		e->vector = (uint32_t)vector;
		e->error_code = f->error;
		if (vector == VEC_PF) {
			/* Nothing since the fault could have faulted again. */
			e->fault_addr = x86_read_cr2();
		}
	} else {
		if (vector == X86_VEC_TIMER) {
			x86_timer_interrupt();
		}
		/* Spurious APIC and 8259 vectors need no EOI: just let the core look. */
		e->reason = HV_EXIT_INTERRUPT;
		e->vector = (uint32_t)vector;
	}
	e->pc = f->rip;
}

static void exception_exit(uint32_t vector, uint64_t pc)
{
	struct hv_exit *e = this_cpu()->exit;

	e->reason = HV_EXIT_EXCEPTION;
	e->vector = vector;
	e->error_code = 0;
	e->fault_addr = 0;
	e->pc = pc;
}

bool x86_vcpu_check_iret(struct x86_vcpu *v)
{
	/*
	 * A canonical address in the hypervisor half is harmless: ring 3
	 * faults on it. A non-canonical one would make iretq fault in ring 0,
	 * so the guest gets what the hardware would report for the access.
	 */
	if (!canonical(v->frame.rip)) {
		exception_exit(VEC_GP, v->frame.rip);
		return false;
	}
	if (!canonical(v->frame.rsp)) {
		exception_exit(VEC_SS, v->frame.rip);
		return false;
	}
	return true;
}

void x86_vcpu_bad_sysret(struct x86_trap_frame *f)
{
	/* rip = rcx is past the guest half (a syscall at its last bytes): #GP there. */
	leave_syscall_form(f);
	exception_exit(VEC_GP, f->rip);
}
