/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Trap and interrupt entry stubs of the x86-64 port.
 *
 * There is one stub per vector, each exactly X86_TRAP_STUB_SIZE bytes
 * apart from x86_trap_stubs, so cpu.c finds vector v's stub by arithmetic
 * and no table of addresses is needed. A stub makes every frame look the
 * same (it pushes a zero where the CPU pushes no error code), pushes its
 * vector and joins x86_trap_common, which saves the general registers and
 * calls x86_trap(frame) with the stack 16-byte aligned.
 *
 * Only ring-0 traps exist so far: no swapgs, and the return is a plain
 * iretq. Guest (ring-3) entry paths will grow here.
 */
#include "x86.h"

	.text
	.balign X86_TRAP_STUB_SIZE
	.globl x86_trap_stubs
x86_trap_stubs:
	.set vec, 0
	.rept 256
	.balign X86_TRAP_STUB_SIZE
	/* Vectors for which the CPU pushes an error code. */
	.if (vec == 8) || (vec == 10) || (vec == 11) || (vec == 12) || (vec == 13) || (vec == 14) || (vec == 17) || (vec == 21) || (vec == 29) || (vec == 30)
	.else
	pushq $0
	.endif
	pushq $vec
	jmp x86_trap_common
	.set vec, vec + 1
	.endr

	.type x86_trap_common, @function
x86_trap_common:
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
	cld
	/*
	 * The CPU aligned RSP to 16 before its 5-word frame; with the error
	 * code, the vector and 15 registers (22 words) RSP is aligned again.
	 */
	movq %rsp, %rdi
	call x86_trap
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
	addq $16, %rsp                 /* vector and error code */
	iretq

	/* No executable stack. */
	.section .note.GNU-stack, "", @progbits
