/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Declarations of the probes in probes.S, and small helpers shared by the
 * guest test kernels.
 */
#ifndef HV_TESTS_GUEST_PROBES_H
#define HV_TESTS_GUEST_PROBES_H

#include <stdint.h>

uint8_t tg_read8(uint64_t addr);
void tg_write8(uint64_t addr, uint8_t v);
void tg_ud2(void);
void tg_int3(void);
unsigned int tg_div0(unsigned int n);
void tg_cli(void);
void tg_hlt(void);
void tg_out_debug_exit(void);
void tg_int80(void);
void tg_int20(void);
void tg_mov_cr3(void);
_Noreturn void tg_rsp_zero_ud2(void);
_Noreturn void tg_rsp_set_ud2(uint64_t rsp);
uint64_t tg_regs_across(uint64_t nr);
/* What the argument registers held after tg_regs_across(), in ABI order. */
extern uint64_t tg_regs_args[6];
/* The pattern tg_regs_across() loads into a register (see probes.S). */
#define TG_PAT(n) (0x5a5a000000000000ull + (n)*0x0101010101ull)

/* Labels inside the probes: where each one's instruction is. */
extern const char tg_read8_insn[], tg_write8_insn[], tg_ud2_insn[], tg_int3_after[];
extern const char tg_div0_insn[], tg_cli_insn[], tg_hlt_insn[], tg_out_insn[];
extern const char tg_int80_insn[], tg_int20_insn[], tg_mov_cr3_insn[];
extern const char tg_rsp_zero_ud2_insn[], tg_regs_int3_after[];

/* Addresses no guest can use: the hypervisor half and non-canonical ones. */
#define TG_HV_IMAGE       0xffffffff80100000ull /* where the x86 port links the hypervisor */
#define TG_HV_HALF_START  0xffff800000000000ull
#define TG_NONCANONICAL   0x0000800000000000ull
#define TG_NONCANONICAL_2 0x8000000000000000ull
/* In the guest half, but far above anything a small domain maps. */
#define TG_UNMAPPED 0x00007f0000000000ull

static inline uint64_t tg_addr(const volatile void *p)
{
	return (uint64_t)(uintptr_t)p;
}

#endif /* HV_TESTS_GUEST_PROBES_H */
