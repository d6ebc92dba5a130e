/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Guest start-up. The hypervisor enters _start in ring 3 with rdi holding
 * the address of the start-info page and rsp at the top of the initial
 * stack; no other register is defined. The builder zero-fills the memory
 * beyond each segment's file contents, but zeroing .bss here as well costs
 * little and keeps the runtime correct under any loader.
 */
	.section .text.hvg_start, "ax", @progbits
	.globl	_start
	.type	_start, @function
_start:
	/* rdi is needed after rep stosb, which uses it: keep it in r12. */
	movq	%rdi, %r12
	movq	%rsp, %r13

	cld
	leaq	__bss_start(%rip), %rdi
	leaq	__bss_end(%rip), %rcx
	subq	%rdi, %rcx
	xorl	%eax, %eax
	rep stosb

	/* The SysV ABI wants rsp 16-byte aligned at each call; the stack top
	 * may not be. rbp = 0 ends the frame-pointer chain for debuggers. */
	andq	$-16, %rsp
	xorl	%ebp, %ebp
	movq	%r12, %rdi
	movq	%r13, %rsi
	call	hvg_start
	/* hvg_start never returns; if it did, a fault ends the domain. */
	ud2
	.size	_start, . - _start

	.section .note.GNU-stack, "", @progbits
