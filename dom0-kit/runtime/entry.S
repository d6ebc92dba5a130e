/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Exception and event entry, and the catch points' setjmp/longjmp.
 *
 * The hypervisor enters a handler with rsp = rdi = its struct hv_trap_frame
 * and every other register as the interrupted code left it. rax, rcx, r11
 * and rdi are saved in the frame and reloaded from it by HV_HC_IRET, so the
 * stubs may use them freely. Everything else the C handler could change is
 * saved below the frame, in the layout of struct hvg_trap_ctx: the
 * caller-saved registers because C clobbers them, and the callee-saved ones
 * too, so that a handler can resume the guest at a catch point by
 * rewriting them. The FPU/SSE state is saved as well: guest C code is not
 * built with -mgeneral-regs-only, and a handler (or printf) may use SSE.
 */
#include "asm.h"

	.text

/* One stub per entry, so that the runtime can check that the hypervisor
 * delivered a frame through the entry registered for its vector. */
.macro	HVG_STUB vec
	.p2align 4
hvg_entry_\vec:
	movl	$\vec, %eax
	jmp	hvg_entry_common
.endm

	.irp	v, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, \
		16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	HVG_STUB \v
	.endr
	HVG_STUB HVG_ASM_TRAP_EVENT
	HVG_STUB HVG_ASM_TRAP_FAILSAFE

	.p2align 4
	.type	hvg_entry_common, @function
hvg_entry_common:
	pushq	%rsi
	pushq	%rdx
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%rbx
	pushq	%rbp
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	/* rsp is now the struct hvg_trap_ctx; rbx keeps it across the call. */
	movq	%rsp, %rbx
	subq	$HVG_ASM_FXSAVE_SIZE, %rsp
	andq	$-16, %rsp
	fxsave64 (%rsp)
	/* C expects the direction flag clear; the frame restores the guest's. */
	cld
	movq	%rbx, %rdi
	movl	%eax, %esi
	call	hvg_trap_dispatch
	fxrstor64 (%rsp)
	movq	%rbx, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbp
	popq	%rbx
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rdx
	popq	%rsi
	/* rsp is the frame again: return through it. */
	movl	$HVG_ASM_HC_IRET, %eax
	syscall
	/* HV_HC_IRET does not return; a failed return must not run on. */
	ud2
	.size	hvg_entry_common, . - hvg_entry_common

/* Addresses of the stubs, for hvg_trap_init(). */
	.section .rodata
	.p2align 3
	.globl	hvg_entry_table
hvg_entry_table:
	.irp	v, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, \
		16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	.quad	hvg_entry_\v
	.endr
	.globl	hvg_entry_event
hvg_entry_event:
	.quad	hvg_entry_256
	.globl	hvg_entry_failsafe
hvg_entry_failsafe:
	.quad	hvg_entry_257

	.text
/* int hvg_catch_save(struct hvg_catch *c): saves what a C function must
 * preserve, and where to return; returns 0 now and 1 on a resume. */
	.p2align 4
	.globl	hvg_catch_save
	.type	hvg_catch_save, @function
hvg_catch_save:
	movq	%rbx, HVG_ASM_JMP_RBX(%rdi)
	movq	%rbp, HVG_ASM_JMP_RBP(%rdi)
	movq	%r12, HVG_ASM_JMP_R12(%rdi)
	movq	%r13, HVG_ASM_JMP_R13(%rdi)
	movq	%r14, HVG_ASM_JMP_R14(%rdi)
	movq	%r15, HVG_ASM_JMP_R15(%rdi)
	leaq	8(%rsp), %rax
	movq	%rax, HVG_ASM_JMP_RSP(%rdi)
	movq	(%rsp), %rax
	movq	%rax, HVG_ASM_JMP_RIP(%rdi)
	xorl	%eax, %eax
	ret
	.size	hvg_catch_save, . - hvg_catch_save

/* void hvg_catch_restore(struct hvg_catch *c): returns 1 from hvg_catch_save(c). */
	.p2align 4
	.globl	hvg_catch_restore
	.type	hvg_catch_restore, @function
hvg_catch_restore:
	movq	HVG_ASM_JMP_RBX(%rdi), %rbx
	movq	HVG_ASM_JMP_RBP(%rdi), %rbp
	movq	HVG_ASM_JMP_R12(%rdi), %r12
	movq	HVG_ASM_JMP_R13(%rdi), %r13
	movq	HVG_ASM_JMP_R14(%rdi), %r14
	movq	HVG_ASM_JMP_R15(%rdi), %r15
	movq	HVG_ASM_JMP_RSP(%rdi), %rsp
	movl	$1, %eax
	jmpq	*HVG_ASM_JMP_RIP(%rdi)
	.size	hvg_catch_restore, . - hvg_catch_restore

	.section .note.GNU-stack, "", @progbits
