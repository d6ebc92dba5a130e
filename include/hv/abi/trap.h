/* SPDX-License-Identifier: MIT */
/**
 * @file
 * @defgroup hv_abi_trap Exceptions and event upcalls
 * @brief How the hypervisor hands exceptions and events to a guest.
 *
 * A guest registers a handler per exception vector with #HV_HC_SET_TRAP_TABLE,
 * an event (upcall) entry and a failsafe entry with #HV_HC_SET_CALLBACKS, and
 * the stack they run on with #HV_HC_STACK_SWITCH. On an exception or an
 * event the hypervisor writes a `struct hv_trap_frame` on that stack (below
 * the interrupted `rsp` when the guest is already inside a handler) and
 * resumes the guest at the handler with `rsp` and `rdi` pointing at the
 * frame; every other register still holds its interrupted value. The
 * handler returns with #HV_HC_IRET, with `rsp` pointing at the frame:
 * `rax`, `rcx`, `r11`, `rdi`, `rip`, `rflags` and `rsp` are reloaded from it
 * (so the `syscall` itself loses nothing), and so is the event mask.
 *
 * A guest crashes, and only it, when an exception has no handler, when the
 * frame cannot be written (a bad stack), when handlers nest more than
 * #HV_TRAP_MAX_NESTING deep, or when #HV_HC_IRET finds a frame it cannot
 * return through (non-canonical or hypervisor-half `rip` or `rsp`) and no
 * failsafe entry is registered.
 * @{
 */
#ifndef HV_ABI_TRAP_H
#define HV_ABI_TRAP_H

#include <stdint.h>

/** Exception vectors a trap table can name: 0 to 31. */
#define HV_TRAP_VECTORS 32
/** Pseudo-vector in a frame delivered to the event (upcall) entry. */
#define HV_TRAP_EVENT 256
/** Pseudo-vector in a frame delivered to the failsafe entry (bad #HV_HC_IRET frame). */
#define HV_TRAP_FAILSAFE 257
/** Deepest nesting of handlers before the domain is crashed. */
#define HV_TRAP_MAX_NESTING 8

/** Trap-table flag: mask events (set the upcall mask) while the handler runs. */
#define HV_TRAP_F_MASK_EVENTS (1u << 0)

/** One entry of a trap table. */
struct hv_trap_info {
	uint64_t address; /**< Handler entry point; 0 removes the handler. */
	uint8_t vector;   /**< Exception vector, below #HV_TRAP_VECTORS. */
	uint8_t flags;    /**< `HV_TRAP_F_*`. */
	uint8_t pad[6];   /**< Must be zero. */
};
_Static_assert(sizeof(struct hv_trap_info) == 16, "hv_trap_info layout");

/** Frame flag: events were masked when the frame was written. */
#define HV_FRAME_F_EVENTS_MASKED (1u << 0)

/** What the hypervisor writes on the guest's stack for a handler. */
struct hv_trap_frame {
	uint64_t vector;     /**< Exception vector, #HV_TRAP_EVENT or #HV_TRAP_FAILSAFE. */
	uint64_t error_code; /**< The exception's error code, or 0. */
	uint64_t fault_addr; /**< For a page fault: the faulting address (the guest cannot read
	                        CR2). */
	uint64_t flags;      /**< `HV_FRAME_F_*`; restored by #HV_HC_IRET. */
	uint64_t rax;        /**< Interrupted `rax`. */
	uint64_t rcx;        /**< Interrupted `rcx`. */
	uint64_t r11;        /**< Interrupted `r11`. */
	uint64_t rdi;        /**< Interrupted `rdi` (the handler receives the frame in `rdi`). */
	uint64_t rip;        /**< Where the guest was interrupted. */
	uint64_t rflags;     /**< Its flags (IF and IOPL are the hypervisor's and ignored). */
	uint64_t rsp;        /**< Its stack pointer. */
};
_Static_assert(sizeof(struct hv_trap_frame) == 88, "hv_trap_frame layout");
_Static_assert(__builtin_offsetof(struct hv_trap_frame, rax) == 32, "hv_trap_frame.rax");
_Static_assert(__builtin_offsetof(struct hv_trap_frame, rip) == 64, "hv_trap_frame.rip");
_Static_assert(__builtin_offsetof(struct hv_trap_frame, rsp) == 80, "hv_trap_frame.rsp");

#endif /* HV_ABI_TRAP_H */
/** @} */
