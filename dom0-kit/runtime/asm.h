/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Constants shared by the runtime's assembly and C. The ABI headers include
 * <stdint.h> and cannot be included from assembly, so the few numbers the
 * assembly needs are repeated here and checked against the ABI by
 * _Static_asserts in trap.c.
 */
#ifndef HV_GUEST_RUNTIME_ASM_H
#define HV_GUEST_RUNTIME_ASM_H

#define HVG_ASM_HC_IRET       5   /* HV_HC_IRET */
#define HVG_ASM_TRAP_EVENT    256 /* HV_TRAP_EVENT */
#define HVG_ASM_TRAP_FAILSAFE 257 /* HV_TRAP_FAILSAFE */
#define HVG_ASM_CTX_REGS      88  /* offsetof(struct hvg_trap_ctx, frame) */
#define HVG_ASM_FXSAVE_SIZE   512 /* FXSAVE area */

/* struct hvg_catch: jmp[] slots. */
#define HVG_ASM_JMP_RBX 0
#define HVG_ASM_JMP_RBP 8
#define HVG_ASM_JMP_R12 16
#define HVG_ASM_JMP_R13 24
#define HVG_ASM_JMP_R14 32
#define HVG_ASM_JMP_R15 40
#define HVG_ASM_JMP_RSP 48
#define HVG_ASM_JMP_RIP 56

#endif /* HV_GUEST_RUNTIME_ASM_H */
