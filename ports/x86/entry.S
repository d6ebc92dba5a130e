/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Trap and interrupt entry stubs of the x86-64 port.
 *
 * There is one stub per vector, each exactly X86_TRAP_STUB_SIZE bytes
 * apart from x86_trap_stubs, so cpu.c finds vector v's stub by arithmetic
 * and no table of addresses is needed. A stub makes every frame look the
 * same (it pushes a zero where the CPU pushes no error code), pushes its
 * vector and joins a common path that saves the general registers.
 *
 * Two common paths:
 *  - x86_trap_common, for every vector that runs on the current stack (or,
 *    from ring 3, on TSS.RSP0). From ring 0 it calls x86_trap(frame) and
 *    returns with iretq. From ring 3 the CPU has switched to RSP0, which
 *    points just past the running vCPU's frame (vcpu.c), so the pushes
 *    have saved the guest straight into its vCPU; it continues in vcpu.S
 *    (x86_trap_from_guest), which does the swapgs and leaves
 *    hv_port_vcpu_run(). Only ring-3 entries swap GS: the CS in the frame
 *    says which it was, and a guest cannot forge it.
 *  - x86_trap_ist, for NMI, #DF and #MC, which arrive on their own IST
 *    stacks at any moment, even between a swapgs and the next
 *    instruction: their frame is not in a vCPU and the GS base may be the
 *    guest's. They are fatal (x86_trap() panics, and nothing on that path
 *    uses GS), so the GS state does not matter.
 * AC is cleared on every entry: the CPU does not clear it, and a handler
 * must not run with SMAP lifted (an interrupt can arrive during a guest
 * copy, or from a guest that set AC). iretq restores the interrupted AC.
 */
#include "x86.h"

	.text
	.balign X86_TRAP_STUB_SIZE
	.globl x86_trap_stubs
x86_trap_stubs:
	.set vec, 0
	.rept 256
	.balign X86_TRAP_STUB_SIZE
	.set stub_start, .
	/* Vectors for which the CPU pushes an error code. */
	.if (vec == 8) || (vec == 10) || (vec == 11) || (vec == 12) || (vec == 13) || (vec == 14) || (vec == 17) || (vec == 21) || (vec == 29) || (vec == 30)
	.else
	pushq $0
	.endif
	pushq $vec
	/* The IST vectors of cpu.c: NMI, #DF, #MC. */
	.if (vec == 2) || (vec == 8) || (vec == 18)
	jmp x86_trap_ist
	.else
	jmp x86_trap_common
	.endif
	/* Pads to the next stub; "moves .org backwards" if a stub outgrew its slot. */
	.org stub_start + X86_TRAP_STUB_SIZE, 0xcc
	.set vec, vec + 1
	.endr

	.type x86_trap_common, @function
x86_trap_common:
	X86_PUSH_GPRS
	cld
	X86_CLAC
	testb $3, X86_FRAME_CS(%rsp)
	jnz x86_trap_from_guest
	/*
	 * The CPU aligned RSP to 16 before its 5-word frame; with the error
	 * code, the vector and 15 registers (22 words) RSP is aligned again.
	 */
	movq %rsp, %rdi
	call x86_trap
	X86_POP_GPRS
	addq $16, %rsp                 /* vector and error code */
	iretq

	.type x86_trap_ist, @function
x86_trap_ist:
	X86_PUSH_GPRS
	cld
	X86_CLAC
	movq %rsp, %rdi
	call x86_trap
	/* x86_trap() does not return for these vectors; be safe if it does. */
	X86_POP_GPRS
	addq $16, %rsp
	iretq

	/* No executable stack. */
	.section .note.GNU-stack, "", @progbits
