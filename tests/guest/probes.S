/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Instructions the guest tests expect to fault, each at a global label so
 * that a test can check the rip the hypervisor reports. Each function is
 * called normally; when its instruction faults, the test's catch point
 * resumes the caller, so nothing after the instruction is reached.
 */
	.text

.macro	PROBE name
	.p2align 4
	.globl	\name
	.type	\name, @function
\name:
.endm

/* uint8_t tg_read8(uint64_t addr) */
	PROBE	tg_read8
	.globl	tg_read8_insn
tg_read8_insn:
	movzbl	(%rdi), %eax
	ret

/* void tg_write8(uint64_t addr, uint8_t v) */
	PROBE	tg_write8
	.globl	tg_write8_insn
tg_write8_insn:
	movb	%sil, (%rdi)
	ret

/* void tg_ud2(void) */
	PROBE	tg_ud2
	.globl	tg_ud2_insn
tg_ud2_insn:
	ud2
	ret

/* void tg_int3(void): a trap, so the reported rip is the next instruction. */
	PROBE	tg_int3
	int3
	.globl	tg_int3_after
tg_int3_after:
	ret

/* unsigned int tg_div0(unsigned int n): n / 0 */
	PROBE	tg_div0
	movl	%edi, %eax
	xorl	%edx, %edx
	xorl	%ecx, %ecx
	.globl	tg_div0_insn
tg_div0_insn:
	divl	%ecx
	ret

/* void tg_cli(void): privileged in ring 3 with IOPL 0 */
	PROBE	tg_cli
	.globl	tg_cli_insn
tg_cli_insn:
	cli
	ret

/* void tg_hlt(void) */
	PROBE	tg_hlt
	.globl	tg_hlt_insn
tg_hlt_insn:
	hlt
	ret

/* void tg_out_debug_exit(void): a write to QEMU's isa-debug-exit port would
 * end the whole machine; a guest must get #GP instead. */
	PROBE	tg_out_debug_exit
	movl	$0x31, %eax
	.globl	tg_out_insn
tg_out_insn:
	outb	%al, $0xf4
	ret

/* void tg_int80(void), tg_int20(void): software interrupts through gates
 * the guest may not use. */
	PROBE	tg_int80
	.globl	tg_int80_insn
tg_int80_insn:
	int	$0x80
	ret

	PROBE	tg_int20
	.globl	tg_int20_insn
tg_int20_insn:
	int	$0x20
	ret

/* void tg_mov_cr3(void) */
	PROBE	tg_mov_cr3
	.globl	tg_mov_cr3_insn
tg_mov_cr3_insn:
	movq	%cr3, %rax
	ret

/* void tg_rsp_zero_ud2(void): faults with rsp = 0; only a catch point
 * (which restores rsp) can return from here. */
	PROBE	tg_rsp_zero_ud2
	xorl	%esp, %esp
	.globl	tg_rsp_zero_ud2_insn
tg_rsp_zero_ud2_insn:
	ud2

/* void tg_rsp_set_ud2(uint64_t rsp): faults with the given rsp. */
	PROBE	tg_rsp_set_ud2
	movq	%rdi, %rsp
	ud2

/*
 * uint64_t tg_regs_across(uint64_t nr): loads every general register but
 * rsp, rcx and r11 with a distinct pattern, executes syscall with rax = nr
 * (rax = ~0 for an int3 instead), and returns a bit mask of the registers
 * that came back changed: bit 0 rbx, 1 rbp, 2 rdx, 3 rsi, 4 rdi, 5 r8,
 * 6 r9, 7 r10, 8 r12, 9 r13, 10 r14, 11 r15, 12 rsp. For int3 rax, rcx and
 * r11 must survive too: bit 13 rax, 14 rcx, 15 r11. The values the
 * argument registers came back with are left in tg_regs_args[], in ABI
 * order (rdi, rsi, rdx, r10, r8, r9). probes.h's TG_PAT(n) is PAT(n)
 * below: rdx gets PAT(3), rsi 4, rdi 5, r8 6, r9 7 and r10 8.
 */
#define PAT(n) $(0x5a5a000000000000 + (n) * 0x0101010101)
	PROBE	tg_regs_across
	pushq	%rbx
	pushq	%rbp
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, saved_rsp(%rip)
	movq	%rdi, saved_nr(%rip)
	movabsq	PAT(1), %rbx
	movabsq	PAT(2), %rbp
	movabsq	PAT(3), %rdx
	movabsq	PAT(4), %rsi
	movabsq	PAT(5), %rdi
	movabsq	PAT(6), %r8
	movabsq	PAT(7), %r9
	movabsq	PAT(8), %r10
	movabsq	PAT(12), %r12
	movabsq	PAT(13), %r13
	movabsq	PAT(14), %r14
	movabsq	PAT(15), %r15
	movq	saved_nr(%rip), %rax
	cmpq	$-1, %rax
	je	1f
	/* Hypercall arguments are these patterns: the hypercall must ignore
	 * or refuse them. */
	syscall
	jmp	2f
1:	movabsq	PAT(16), %rax
	movabsq	PAT(17), %rcx
	movabsq	PAT(18), %r11
	int3
	.globl	tg_regs_int3_after
tg_regs_int3_after:
	movq	%rax, saved_rax(%rip)
	movq	%rcx, saved_rcx(%rip)
	movq	%r11, saved_r11(%rip)
2:	/* Collect the differences in rax. */
	movq	%rsp, saved_rsp2(%rip)
	movq	%rdi, tg_regs_args(%rip)
	movq	%rsi, tg_regs_args + 8(%rip)
	movq	%rdx, tg_regs_args + 16(%rip)
	movq	%r10, tg_regs_args + 24(%rip)
	movq	%r8, tg_regs_args + 32(%rip)
	movq	%r9, tg_regs_args + 40(%rip)
	xorl	%eax, %eax
	movabsq	PAT(1), %rcx
	cmpq	%rcx, %rbx
	setne	%cl
	movzbl	%cl, %ecx
	orq	%rcx, %rax
.macro	CHECKREG reg, n, bit
	movabsq	PAT(\n), %rcx
	cmpq	%rcx, \reg
	setne	%cl
	movzbl	%cl, %ecx
	shlq	$\bit, %rcx
	orq	%rcx, %rax
.endm
	CHECKREG %rbp, 2, 1
	CHECKREG %rdx, 3, 2
	CHECKREG %rsi, 4, 3
	CHECKREG %rdi, 5, 4
	CHECKREG %r8, 6, 5
	CHECKREG %r9, 7, 6
	CHECKREG %r10, 8, 7
	CHECKREG %r12, 12, 8
	CHECKREG %r13, 13, 9
	CHECKREG %r14, 14, 10
	CHECKREG %r15, 15, 11
	movq	saved_rsp(%rip), %rcx
	cmpq	%rcx, saved_rsp2(%rip)
	setne	%cl
	movzbl	%cl, %ecx
	shlq	$12, %rcx
	orq	%rcx, %rax
	cmpq	$-1, saved_nr(%rip)
	jne	3f
	movq	saved_rax(%rip), %rdx
	CHECKREG %rdx, 16, 13
	movq	saved_rcx(%rip), %rdx
	CHECKREG %rdx, 17, 14
	movq	saved_r11(%rip), %rdx
	CHECKREG %rdx, 18, 15
3:	movq	saved_rsp(%rip), %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbp
	popq	%rbx
	ret

	.bss
	.p2align 3
saved_rsp:	.quad 0
saved_rsp2:	.quad 0
saved_nr:	.quad 0
saved_rax:	.quad 0
saved_rcx:	.quad 0
saved_r11:	.quad 0
	.globl	tg_regs_args
tg_regs_args:	.quad 0, 0, 0, 0, 0, 0

	.section .note.GNU-stack, "", @progbits
