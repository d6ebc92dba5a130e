/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Boot headers and the 32-bit entry of the x86-64 port.
 *
 * One ELF boots two ways:
 *  - GRUB (multiboot2) finds x86_mb2_header in the first 32 KiB of the file
 *    and jumps to the ELF entry with eax = 0x36d76289, ebx = multiboot2 info;
 *  - `qemu-system-x86_64 -kernel` (PVH) reads the XEN_ELFNOTE_PHYS32_ENTRY
 *    note and jumps to the same entry with ebx = struct hvm_start_info
 *    (whose first word is the magic 0x336ec578), eax undefined.
 * Both start in flat 32-bit protected mode, paging off, interrupts off, and
 * with no usable stack or GDT of ours.
 *
 * Everything in this file is linked at its physical address (the .boot.*
 * sections of hv.ld), because it runs before paging is on. Symbols used
 * here are therefore already physical: never subtract X86_KERNEL_BASE from
 * them (that links silently and triple-faults, FACTS.md).
 *
 * The boot page tables map, with 2 MiB pages:
 *   0 .. 1 GiB          identity (only for the switch; x86_paging_init()
 *                       replaces these tables with ones that drop it),
 *   X86_KERNEL_BASE + 0 .. 1 GiB   the image, linked there,
 *   X86_DIRECT_MAP_BASE + 0 .. 4 GiB   the boot direct map, enough to read
 *                       any 32-bit loader structure.
 * All three share the same four page directories.
 */
#include "x86.h"

#define MB2_HEADER_MAGIC 0xe85250d6
#define MB2_ARCH_I386    0
#define PVH_NOTE_PHYS32_ENTRY 18

#define PTE_P  0x001
#define PTE_RW 0x002
#define PTE_PS 0x080

	.section .boot.header, "a"
	.balign 8
	.globl x86_mb2_header
x86_mb2_header:
	.long MB2_HEADER_MAGIC
	.long MB2_ARCH_I386
	.long x86_mb2_header_end - x86_mb2_header
	.long -(MB2_HEADER_MAGIC + MB2_ARCH_I386 + (x86_mb2_header_end - x86_mb2_header))
	/*
	 * Information request: the memory map (6). Marked optional (flags = 1)
	 * so that a loader which cannot give it still boots us; the parser
	 * then falls back to basic meminfo.
	 */
	.balign 8
	.short 1, 1
	.long 12
	.long 6
	.balign 8
	/* End tag. */
	.short 0, 0
	.long 8
x86_mb2_header_end:

	/*
	 * The PVH note. QEMU reads its descriptor as a 64-bit value in an
	 * ELF64 file, so the descriptor is 8 bytes, and the section stays
	 * 4-aligned because QEMU aligns the name by the segment's p_align.
	 */
	.section .boot.note, "a", @note
	.balign 4
	.globl x86_pvh_note
x86_pvh_note:
	.long 4                        /* namesz: "Xen\0" */
	.long 8                        /* descsz */
	.long PVH_NOTE_PHYS32_ENTRY
	.asciz "Xen"
	.balign 4
	.quad x86_entry32
	.balign 4

	.section .boot.data, "aw"
	.balign 8
x86_boot_gdt:
	.quad 0
	.quad 0x00af9a000000ffff       /* 0x08: 64-bit code, DPL 0 */
	.quad 0x00cf92000000ffff       /* 0x10: data, DPL 0 */
x86_boot_gdt_end:
x86_boot_gdtr:
	.short x86_boot_gdt_end - x86_boot_gdt - 1
	.long x86_boot_gdt
	.balign 4
x86_boot_magic:
	.long 0
x86_boot_info_pa:
	.long 0
x86_boot_msg_nolm:
	.asciz "hv: x86: this CPU has no 64-bit long mode\r\n"

	.section .boot.bss, "aw", @nobits
	.balign 4096
x86_boot_pml4:
	.skip 4096
x86_boot_pdpt_low:
	.skip 4096
x86_boot_pdpt_high:
	.skip 4096
x86_boot_pdpt_dm:
	.skip 4096
x86_boot_pd:                           /* four directories: 0 .. 4 GiB */
	.skip 4 * 4096
x86_boot_tables_end:

	.section .boot.text, "ax"
	.code32
	.globl x86_entry32
	.type x86_entry32, @function
x86_entry32:
	cli
	cld
	/* Only the general registers are ours: keep the loader's values. */
	movl %eax, x86_boot_magic
	movl %ebx, x86_boot_info_pa

	/* Long mode (CPUID 0x80000001 EDX bit 29), and whether NX exists. */
	movl $0x80000000, %eax
	cpuid
	cmpl $0x80000001, %eax
	jb .Lno_long_mode
	movl $0x80000001, %eax
	cpuid
	btl $29, %edx
	jnc .Lno_long_mode
	movl %edx, %ebp                /* bit 20: NX */

	/* The loader need not have zeroed our tables' memory: clear it. */
	movl $x86_boot_pml4, %edi
	movl $((x86_boot_tables_end - x86_boot_pml4) / 4), %ecx
	xorl %eax, %eax
	rep stosl

	/* 2048 entries of 2 MiB: physical 0 .. 4 GiB. */
	movl $x86_boot_pd, %edi
	xorl %ecx, %ecx
1:	movl %ecx, %eax
	shll $21, %eax
	orl $(PTE_P | PTE_RW | PTE_PS), %eax
	movl %eax, (%edi, %ecx, 8)
	incl %ecx
	cmpl $2048, %ecx
	jb 1b

	movl $(x86_boot_pd + PTE_P + PTE_RW), %eax
	movl %eax, x86_boot_pdpt_low                    /* identity 0 .. 1 GiB */
	movl %eax, x86_boot_pdpt_high + 510 * 8         /* X86_KERNEL_BASE */
	movl %eax, x86_boot_pdpt_dm
	addl $4096, %eax
	movl %eax, x86_boot_pdpt_dm + 8
	addl $4096, %eax
	movl %eax, x86_boot_pdpt_dm + 16
	addl $4096, %eax
	movl %eax, x86_boot_pdpt_dm + 24
	movl $(x86_boot_pdpt_low + PTE_P + PTE_RW), x86_boot_pml4
	movl $(x86_boot_pdpt_dm + PTE_P + PTE_RW), x86_boot_pml4 + 256 * 8
	movl $(x86_boot_pdpt_high + PTE_P + PTE_RW), x86_boot_pml4 + 511 * 8

	/* PAE, then the tables, then EFER.LME (+NXE), then paging. */
	movl %cr4, %eax
	orl $(1 << 5), %eax
	movl %eax, %cr4
	movl $x86_boot_pml4, %eax
	movl %eax, %cr3
	movl $0xc0000080, %ecx           /* EFER */
	rdmsr
	orl $(1 << 8), %eax
	btl $20, %ebp
	jnc 2f
	orl $(1 << 11), %eax
2:	wrmsr
	movl %cr0, %eax
	orl $0x80010001, %eax          /* PG | WP | PE */
	movl %eax, %cr0

	lgdt x86_boot_gdtr
	ljmp $X86_SEL_KERNEL_CS, $x86_entry64_low

.Lno_long_mode:
	/* Best effort: say why on COM1, then fail through isa-debug-exit. */
	movl $x86_boot_msg_nolm, %esi
	movw $0x3f8, %dx
3:	lodsb
	testb %al, %al
	jz 4f
	outb %al, %dx
	jmp 3b
4:	movw $0xf4, %dx
	movb $1, %al
	outb %al, %dx
5:	hlt
	jmp 5b

	.code64
x86_entry64_low:
	movl $X86_SEL_KERNEL_DS, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	xorl %eax, %eax
	movl %eax, %fs
	movl %eax, %gs
	/* Still on the identity map: read the saved values, then go high. */
	movl x86_boot_magic, %edi
	movl x86_boot_info_pa, %esi
	movabsq $x86_entry64, %rax
	jmp *%rax

	.text
	.type x86_entry64, @function
x86_entry64:
	movq $x86_boot_stack_top, %rsp
	xorl %ebp, %ebp
	/* x86_main(magic, info_pa) never returns. */
	call x86_main
6:	cli
	hlt
	jmp 6b

	.bss
	.balign 4096
	.globl x86_boot_stack
x86_boot_stack:
	.skip 16384
	.globl x86_boot_stack_top
x86_boot_stack_top:

	/* No executable stack. */
	.section .note.GNU-stack, "", @progbits
