/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file
 * @defgroup hvg_trap Guest exception handling
 * @brief Entry stubs, handlers, and catching an expected fault.
 *
 * hvg_trap_init() registers the runtime's entry stubs for all 32 exception
 * vectors, the event upcall and the failsafe callback, and a dedicated
 * exception stack. A stub saves the registers the hypervisor does not put
 * in the frame (`rbx rbp rsi rdx r8`-`r15`) and the FPU/SSE state below the
 * `struct hv_trap_frame`, calls C with a `struct hvg_trap_ctx`, restores
 * everything, and returns with #HV_HC_IRET. Because the callee-saved
 * registers are restored from the context, a handler can resume the guest
 * anywhere, which is how a caught fault returns to its catch point.
 *
 * For an exception the runtime looks, in this order, for the innermost
 * catch point armed for that vector (HVG_CATCH_FAULT()), a handler
 * installed with hvg_on_trap(), and the innermost catch point armed for
 * any vector (#HVG_VEC_ANY, used by the test runner). If none takes the
 * exception it prints it and crashes the domain.
 * @{
 */
#ifndef HV_GUEST_TRAP_H
#define HV_GUEST_TRAP_H

#include <stdbool.h>
#include <stdint.h>

#include <hv/abi/trap.h>

/** @name Exception vectors
 * @{
 */
#define HVG_VEC_DE  0  /**< Divide error. */
#define HVG_VEC_DB  1  /**< Debug. */
#define HVG_VEC_NMI 2  /**< Non-maskable interrupt. */
#define HVG_VEC_BP  3  /**< Breakpoint (`int3`). */
#define HVG_VEC_OF  4  /**< Overflow (`into`, not in 64-bit mode). */
#define HVG_VEC_BR  5  /**< Bound range. */
#define HVG_VEC_UD  6  /**< Invalid opcode. */
#define HVG_VEC_NM  7  /**< Device not available. */
#define HVG_VEC_DF  8  /**< Double fault. */
#define HVG_VEC_TS  10 /**< Invalid TSS. */
#define HVG_VEC_NP  11 /**< Segment not present. */
#define HVG_VEC_SS  12 /**< Stack-segment fault. */
#define HVG_VEC_GP  13 /**< General protection. */
#define HVG_VEC_PF  14 /**< Page fault. */
#define HVG_VEC_MF  16 /**< x87 floating-point error. */
#define HVG_VEC_AC  17 /**< Alignment check. */
#define HVG_VEC_MC  18 /**< Machine check. */
#define HVG_VEC_XM  19 /**< SIMD floating-point error. */
/** A catch point that takes any exception (and the failsafe callback). */
#define HVG_VEC_ANY UINT64_MAX
/** @} */

/** @name Page-fault error code bits
 * @{
 */
#define HVG_PF_PRESENT (1u << 0) /**< The page was present (a protection fault). */
#define HVG_PF_WRITE   (1u << 1) /**< The access was a write. */
#define HVG_PF_USER    (1u << 2) /**< The access came from user mode (always, for a guest). */
#define HVG_PF_RSVD    (1u << 3) /**< A reserved bit was set in a page-table entry. */
#define HVG_PF_INSTR   (1u << 4) /**< The access was an instruction fetch. */
/** @} */

/**
 * What an entry stub saved, with the hypervisor's frame right above it: the
 * registers the frame lacks, in the order the stub pushed them (lowest
 * address first). A handler may change any field; the stub reloads them
 * all, and #HV_HC_IRET reloads the frame's.
 */
struct hvg_trap_ctx {
	uint64_t r15;               /**< Interrupted `r15`. */
	uint64_t r14;               /**< Interrupted `r14`. */
	uint64_t r13;               /**< Interrupted `r13`. */
	uint64_t r12;               /**< Interrupted `r12`. */
	uint64_t rbp;               /**< Interrupted `rbp`. */
	uint64_t rbx;               /**< Interrupted `rbx`. */
	uint64_t r10;               /**< Interrupted `r10`. */
	uint64_t r9;                /**< Interrupted `r9`. */
	uint64_t r8;                /**< Interrupted `r8`. */
	uint64_t rdx;               /**< Interrupted `rdx`. */
	uint64_t rsi;               /**< Interrupted `rsi`. */
	struct hv_trap_frame frame; /**< The hypervisor's frame. */
};
_Static_assert(__builtin_offsetof(struct hvg_trap_ctx, frame) == 88, "hvg_trap_ctx layout");

/** What a catch point learned about the fault it caught. */
struct hvg_fault {
	bool happened;       /**< A fault was caught. */
	uint64_t vector;     /**< Its vector (or #HV_TRAP_FAILSAFE). */
	uint64_t error_code; /**< Its error code. */
	uint64_t fault_addr; /**< For a page fault, the faulting address. */
	uint64_t rip;        /**< Where it happened. */
	uint64_t rsp;        /**< The stack pointer when it happened. */
	uint64_t entry;      /**< The vector of the stub it arrived through. */
};

/**
 * A catch point: a saved context to resume at. Lives on the stack of the
 * code that arms it (HVG_CATCH_FAULT()); the fields are the runtime's.
 */
struct hvg_catch {
	uint64_t jmp[8];        /**< rbx, rbp, r12-r15, rsp, rip at hvg_catch_save(). */
	struct hvg_catch *prev; /**< The catch point armed before this one. */
	uint64_t vector;        /**< Vector it takes, or #HVG_VEC_ANY. */
	struct hvg_fault fault; /**< Filled in when it takes a fault. */
};

/**
 * @brief Register the runtime's exception and event handling.
 *
 * Switches exception delivery to a dedicated 16 KiB stack, installs the
 * entry stubs of all 32 vectors (events masked while they run), the event
 * upcall and the failsafe callback, then enables event delivery.
 * @return 0, or the negative `HV_E*` code of the hypercall that failed.
 */
int hvg_trap_init(void);

/**
 * @brief Install a handler for one exception vector.
 * @param vector Exception vector below #HV_TRAP_VECTORS, or #HV_TRAP_FAILSAFE.
 * @param fn Called with the context; returns true if it handled the
 *        exception (the guest resumes from the possibly changed context),
 *        false to let the runtime go on looking. NULL removes the handler.
 * @return 0, or -HV_EINVAL for a bad vector.
 */
int hvg_on_trap(uint64_t vector, bool (*fn)(struct hvg_trap_ctx *ctx));

/**
 * @brief Resume the interrupted code at a catch point instead.
 *
 * Rewrites @p ctx so that the hypervisor's #HV_HC_IRET returns into
 * hvg_catch_save() a second time, returning 1.
 * @param ctx The context of the exception being handled.
 * @param c An armed catch point of the interrupted code.
 */
void hvg_trap_resume_at(struct hvg_trap_ctx *ctx, struct hvg_catch *c);

/**
 * @brief Save the context to resume at (a setjmp for faults).
 * @param c The catch point.
 * @return 0 when called; 1 when a fault resumes here.
 */
int hvg_catch_save(struct hvg_catch *c) __attribute__((returns_twice));

/**
 * @brief Resume at a catch point from ordinary code (a longjmp).
 * @param c A catch point whose hvg_catch_save() has returned 0 and whose
 *        frame is still live.
 */
_Noreturn void hvg_catch_jump(struct hvg_catch *c);

/**
 * @brief Arm a catch point (make it the innermost).
 * @param c The catch point, on the caller's stack.
 * @param vector The vector it takes, or #HVG_VEC_ANY.
 */
void hvg_catch_push(struct hvg_catch *c, uint64_t vector);

/**
 * @brief Disarm the innermost catch point.
 * @param c The catch point, which must be the innermost.
 */
void hvg_catch_pop(struct hvg_catch *c);

/**
 * @brief Run a statement, expecting a fault.
 *
 * If the statement raises exception @p vec, execution resumes after the
 * statement and `*out` tells what happened; otherwise `out->happened` is
 * false. Use the probes of `<hv/guest/probe.h>` (inline assembly) for the
 * faulting access itself: C accesses through bad pointers are undefined
 * behaviour that the compiler may remove or turn into `ud2`. As with
 * setjmp(), a local variable that the statement assigns and the code after
 * it reads must be `volatile` (GCC's -Wclobbered says which).
 * @param vec Exception vector to catch, or #HVG_VEC_ANY.
 * @param out `struct hvg_fault *` that receives the result.
 * @param stmt The statement.
 */
#define HVG_CATCH_FAULT(vec, out, stmt)                                                            \
	do {                                                                                       \
		struct hvg_catch hvg_catch_;                                                       \
		hvg_catch_push(&hvg_catch_, (vec));                                                \
		if (hvg_catch_save(&hvg_catch_) == 0) {                                            \
			stmt;                                                                      \
		}                                                                                  \
		hvg_catch_pop(&hvg_catch_);                                                        \
		*(out) = hvg_catch_.fault;                                                         \
	} while (0)

/** @name Entry stubs
 * For guests that register some handlers themselves: the runtime's stub
 * for each vector, the event upcall and the failsafe callback.
 * @{
 */
extern const uint64_t hvg_entry_table[HV_TRAP_VECTORS]; /**< Stub of each exception vector. */
extern const uint64_t hvg_entry_event;                  /**< The event upcall's stub. */
extern const uint64_t hvg_entry_failsafe;               /**< The failsafe callback's stub. */
/** @} */

/**
 * @brief Name an exception vector.
 * @param vector A vector, #HV_TRAP_EVENT or #HV_TRAP_FAILSAFE.
 * @return A short name such as "#PF".
 */
const char *hvg_vector_name(uint64_t vector);

/**
 * @brief Count of exceptions delivered through the stubs so far.
 * @param vector Exception vector below #HV_TRAP_VECTORS, or #HV_TRAP_FAILSAFE.
 * @return How many frames of that vector the runtime has received.
 */
uint64_t hvg_trap_count(uint64_t vector);

#endif /* HV_GUEST_TRAP_H */
/** @} */
