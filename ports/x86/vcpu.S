/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Guest entry and exit paths of the x86-64 port, and the guest copy.
 *
 * hv_port_vcpu_run(v, exit) is a KVM-style run call: it pushes the host's
 * callee-saved registers, records rsp in the per-CPU area (host_rsp), loads
 * the guest from its vCPU and drops to ring 3. Every way out of ring 3
 * saves the guest into the same vCPU, fills *exit, resets rsp to host_rsp,
 * pops the host's registers and returns, as if hv_port_vcpu_run() had
 * returned normally. The C state of the caller is untouched in between.
 *
 * The guest's saved state is a struct x86_trap_frame at the start of its
 * struct x86_vcpu, and it is used as a stack in both directions:
 *  - exceptions and interrupts from ring 3 switch to TSS.RSP0, which points
 *    just past the frame, so the CPU and entry.S push straight into it;
 *  - `syscall` does not switch stacks. Its entry first swaps GS, parks the
 *    guest rsp in the per-CPU area and moves rsp to the frame (per-CPU
 *    syscall_rsp) before it touches any memory through rsp, so a hostile
 *    guest rsp is never used. It pushes the same layout, with the marker
 *    X86_FRAME_SYSCALL in the vector slot instead of writing rip, rflags
 *    and the error code: rcx and r11 already hold rip and rflags;
 *  - the run path pops the frame back.
 * Interrupts stay off from the `cli` at entry to the sysretq or iretq, and
 * from the exit to the return (SFMASK clears IF on syscall; all gates are
 * interrupt gates), so nothing can push onto a frame in use as a stack.
 * Only NMI and #MC can arrive, on their own IST stacks.
 *
 * Return to ring 3:
 *  - sysretq after a syscall exit whose registers the core left alone
 *    (marker still X86_FRAME_SYSCALL) and whose rcx is below the guest
 *    limit. sysretq with a non-canonical rcx faults in ring 0 on Intel
 *    CPUs, after the swapgs; the only way to get one here is a syscall
 *    ending at 0x7fffffffffff, and it is reported as the #GP it would be.
 *  - iretq otherwise (after any exception or interrupt, or when the core
 *    changed rip, rflags, rcx or r11). iretq also faults in ring 0 on a
 *    non-canonical rip, so rip and rsp are checked first: anything at or
 *    above the guest limit goes to x86_vcpu_check_iret(), which lets a
 *    canonical address through (ring 3 then takes an ordinary #PF) and
 *    turns a non-canonical one into an exception exit without entering.
 *
 * Hypercalls first try the core's fast path, hv_core_hypercall_fast(),
 * without leaving hv_port_vcpu_run(): the syscall entry moves to the
 * hypervisor stack below host_rsp (free: the caller's frames lie above it)
 * and pushes what a C call would destroy and the guest must get back, rcx
 * and r11 (its rip and rflags), the six argument registers, which form
 * the argument array, and rax, the result slot. The guest's rbx, rbp and
 * r12-r15 are callee-saved and survive the call; its rsp stays in the
 * per-CPU scratch slot, which nothing else uses meanwhile. Interrupts stay
 * off throughout (SFMASK), and DF and AC are clear as C expects. If the
 * core handled the call, sysretq returns to the guest with the result in
 * rax. The guest ABI lets a hypercall clobber the argument registers, so
 * they are not popped back: they are zeroed instead, as they hold whatever
 * the C call left there (hypervisor pointers, among others), and no other
 * register does (rax is the result, rcx and r11 are popped, the rest are
 * callee-saved, and the hypervisor never touches the FPU). sysretq sets
 * the guest's IF again, so a timer interrupt that became due meanwhile is
 * taken at once, and the core relies on that: it does not look at the
 * clock. If the core refused, the registers are popped unchanged and the
 * entry goes on with the full exit below, so the core dispatches the
 * hypercall once. Numbers outside HV_CORE_HYPERCALL_FAST_SET (which the
 * core would refuse), and a syscall whose return address is outside the
 * guest half (sysretq could not return there), go straight to the full
 * exit.
 *
 * The full hypercall exit (the rest of x86_syscall_entry to the final ret)
 * is kept short too: no call into C, no CR3 or FPU work unless the vCPU
 * changed, and sysretq instead of iretq.
 */
#include "x86.h"

/* Pop the host's callee-saved registers (rsp = host_rsp) and return to the caller. */
.macro HOST_RETURN
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbp
	popq %rbx
	ret
.endm

	.text
	.globl hv_port_vcpu_run
	.type hv_port_vcpu_run, @function
hv_port_vcpu_run:                      /* rdi = vCPU, rsi = exit */
	cli
	pushq %rbx
	pushq %rbp
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsi, %gs:X86_PCPU_EXIT
	/* Another vCPU than last time: CR3, FPU, RSP0 (vcpu.c). */
	cmpq %rdi, %gs:X86_PCPU_CUR
	jne .Lswitch
.Lloaded:
	/* rsp is 8 mod 16 here: one push aligns it for a call. */
	movq %rsp, %gs:X86_PCPU_HOST_RSP
	cmpq $X86_FRAME_SYSCALL, X86_FRAME_VECTOR(%rdi)
	jne .Liret
	movq %rdi, %rsp
	X86_POP_GPRS
	/* rcx is the guest rip: sysretq only to the guest half. */
	cmpq %gs:X86_PCPU_VA_LIMIT, %rcx
	jae .Lsysret_bad
	movq (X86_FRAME_RSP - X86_FRAME_VECTOR)(%rsp), %rsp
	swapgs
	sysretq

.Liret:
	movq X86_FRAME_RIP(%rdi), %rax
	cmpq %gs:X86_PCPU_VA_LIMIT, %rax
	jae .Liret_check
	movq X86_FRAME_RSP(%rdi), %rax
	cmpq %gs:X86_PCPU_VA_LIMIT, %rax
	jae .Liret_check
.Liret_go:
	movq %rdi, %rsp
	X86_POP_GPRS
	addq $16, %rsp                 /* vector and error code */
	swapgs
	iretq

.Liret_check:
	pushq %rdi
	call x86_vcpu_check_iret
	popq %rdi
	testb %al, %al
	jnz .Liret_go
	/* It filled *exit: the guest does not run. */
	HOST_RETURN

.Lsysret_bad:
	leaq -X86_FRAME_VECTOR(%rsp), %rdi
	movq %gs:X86_PCPU_HOST_RSP, %rsp
	pushq %rdi
	call x86_vcpu_bad_sysret
	popq %rdi
	HOST_RETURN

.Lswitch:
	pushq %rdi
	call x86_vcpu_switch
	popq %rdi
	jmp .Lloaded
	.size hv_port_vcpu_run, . - hv_port_vcpu_run

	/*
	 * IA32_LSTAR: a 64-bit `syscall` from ring 3 (the only place one can
	 * come from). IF, DF, TF, AC, NT and IOPL are clear (SFMASK), rcx is
	 * the guest rip and r11 its rflags, and rsp and the GS base are
	 * still the guest's.
	 */
	.balign 16
	.globl x86_syscall_entry
	.type x86_syscall_entry, @function
x86_syscall_entry:
	swapgs
	movq %rsp, %gs:X86_PCPU_SCRATCH
	/* Only the numbers the core may handle fast (bt reads within the quadword). */
	cmpq $63, %rax
	ja .Lsyscall_exit
	btq %rax, x86_hypercall_fast_set(%rip)
	jnc .Lsyscall_exit
	cmpq %gs:X86_PCPU_VA_LIMIT, %rcx
	jae .Lsyscall_exit
	/* The fast path: host_rsp is 8 mod 16, so nine pushes align the call. */
	movq %gs:X86_PCPU_HOST_RSP, %rsp
	pushq %r9                      /* args[5] */
	pushq %r8
	pushq %r10
	pushq %rdx
	pushq %rsi
	pushq %rdi                     /* args[0] */
	pushq %r11
	pushq %rcx
	pushq %rax                     /* nr; the result if handled */
	movq %rax, %rdi
	leaq 24(%rsp), %rsi
	movq %rsp, %rdx
	call hv_core_hypercall_fast
	testb %al, %al
	/* pop leaves the flags alone. */
	popq %rax
	popq %rcx
	popq %r11
	jz .Lfast_refused
	/* Clobbered by the ABI: nothing of the C call's may reach the guest. */
	xorl %edi, %edi
	xorl %esi, %esi
	xorl %edx, %edx
	xorl %r10d, %r10d
	xorl %r8d, %r8d
	xorl %r9d, %r9d
	movq %gs:X86_PCPU_SCRATCH, %rsp
	swapgs
	sysretq

.Lfast_refused:
	popq %rdi
	popq %rsi
	popq %rdx
	popq %r10
	popq %r8
	popq %r9
	/* The full exit: save the guest into its vCPU and leave hv_port_vcpu_run(). */
.Lsyscall_exit:
	movq %gs:X86_PCPU_SYSCALL_RSP, %rsp
	pushq %gs:X86_PCPU_SCRATCH                      /* frame.rsp */
	subq $(X86_FRAME_RSP - X86_FRAME_VECTOR - 8), %rsp   /* rflags, cs, rip, error */
	pushq $X86_FRAME_SYSCALL                        /* frame.vector */
	X86_PUSH_GPRS
	movq %gs:X86_PCPU_EXIT, %rbx
	/* One store: reason = HV_EXIT_HYPERCALL and vector = 0. */
	movq $X86_EXIT_HYPERCALL, X86_EXIT_REASON(%rbx)
	movq %rcx, X86_EXIT_PC(%rbx)
	movq %rax, X86_EXIT_NR(%rbx)
	movq %rdi, X86_EXIT_ARGS(%rbx)
	movq %rsi, X86_EXIT_ARGS + 8(%rbx)
	movq %rdx, X86_EXIT_ARGS + 16(%rbx)
	movq %r10, X86_EXIT_ARGS + 24(%rbx)
	movq %r8, X86_EXIT_ARGS + 32(%rbx)
	movq %r9, X86_EXIT_ARGS + 40(%rbx)
	movq %gs:X86_PCPU_HOST_RSP, %rsp
	HOST_RETURN
	.size x86_syscall_entry, . - x86_syscall_entry

	/*
	 * IA32_CSTAR: `syscall` from compatibility mode. No 32-bit user code
	 * segment is present (cpu.c), so this cannot happen; if it ever does,
	 * it is handled with the same care as the 64-bit entry and reported as
	 * an exception (x86_vcpu_guest_exit()).
	 */
	.balign 16
	.globl x86_syscall32_entry
	.type x86_syscall32_entry, @function
x86_syscall32_entry:
	swapgs
	movq %rsp, %gs:X86_PCPU_SCRATCH
	movq %gs:X86_PCPU_SYSCALL_RSP, %rsp
	pushq %gs:X86_PCPU_SCRATCH
	subq $(X86_FRAME_RSP - X86_FRAME_VECTOR - 8), %rsp
	pushq $X86_FRAME_SYSCALL32
	X86_PUSH_GPRS
	movq %rsp, %rdi
	movq %gs:X86_PCPU_HOST_RSP, %rsp
	pushq %rdi
	call x86_vcpu_guest_exit
	popq %rdi
	HOST_RETURN
	.size x86_syscall32_entry, . - x86_syscall32_entry

	/*
	 * From x86_trap_common (entry.S) for an exception or interrupt from
	 * ring 3: the frame is complete in the vCPU and rsp points to it;
	 * the GS base is still the guest's.
	 */
	.globl x86_trap_from_guest
	.type x86_trap_from_guest, @function
x86_trap_from_guest:
	swapgs
	movq %rsp, %rdi
	movq %gs:X86_PCPU_HOST_RSP, %rsp
	pushq %rdi
	call x86_vcpu_guest_exit
	popq %rdi
	HOST_RETURN
	.size x86_trap_from_guest, . - x86_trap_from_guest

	/*
	 * size_t x86_copy_user(void *dst, const void *src, size_t len)
	 *
	 * Copies within the current address space and returns the number of
	 * bytes not copied: 0, or more if a page fault on a guest address
	 * stopped it. Its only memory-touching instruction is the rep movsb
	 * between x86_copy_user_start and x86_copy_user_end; x86_trap()
	 * resumes a #PF there at x86_copy_user_fixup (guest.c lists the range),
	 * where rcx still counts the bytes left, the faulting one included.
	 * Nothing is pushed in between, so the fixup can simply return. The
	 * caller has checked that the guest side is below the guest limit.
	 */
	.balign 16
	.globl x86_copy_user
	.type x86_copy_user, @function
x86_copy_user:
	movq %rdx, %rcx
	X86_STAC
	.globl x86_copy_user_start
x86_copy_user_start:
	rep movsb
	.globl x86_copy_user_end
x86_copy_user_end:
	X86_CLAC
	movq %rcx, %rax
	ret
	.globl x86_copy_user_fixup
x86_copy_user_fixup:
	X86_CLAC
	movq %rcx, %rax
	ret
	.size x86_copy_user, . - x86_copy_user

	/* No executable stack. */
	.section .note.GNU-stack, "", @progbits
