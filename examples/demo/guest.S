/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A minimal guest image: a valid ELF64 x86-64 executable with one loadable,
 * executable segment in the guest half. It waits politely forever.
 */
	.section .text
	.globl _start
_start:
	pause
	jmp	_start

	.section .note.GNU-stack, "", @progbits
