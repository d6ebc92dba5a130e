/* SPDX-License-Identifier: MIT */
/**
 * @file
 * @defgroup hv_abi_hypercall Hypercalls
 * @brief The guest's calls into the hypervisor.
 *
 * A guest makes a hypercall with the `syscall` instruction: `rax` holds the
 * hypercall number, the arguments are in `rdi, rsi, rdx, r10, r8, r9`, and
 * the result comes back in `rax`: 0 (or a non-negative value where stated)
 * on success, or a negated `HV_E*` code from `<hv/abi/errno.h>`. As in
 * Xen's x86-64 PV ABI, a hypercall clobbers `rcx` and `r11` (as any
 * `syscall` does) and the argument registers `rdi, rsi, rdx, r10, r8, r9`,
 * whether the hypercall takes arguments or not: the guest must not expect
 * any value in them afterwards (the hypervisor leaves none of its own
 * there). It keeps `rbx`, `rbp`, `rsp`, `r12`-`r15`, the flags other than
 * those `r11` held, and the FPU/SSE state. #HV_HC_IRET does not return:
 * it loads every register from its frame. An unknown number returns
 * `-HV_ENOSYS`. Bad arguments never crash the hypervisor: they return an
 * error, or at worst crash the calling domain.
 * @{
 */
#ifndef HV_ABI_HYPERCALL_H
#define HV_ABI_HYPERCALL_H

#include <stdint.h>

#include <hv/abi/domctl.h>
#include <hv/abi/event.h>
#include <hv/abi/grant.h>

/** Guest ABI version: major in the upper 16 bits, minor in the lower. */
#define HV_ABI_VERSION ((1u << 16) | 5u)

/** @name Hypercall numbers
 * @{
 */
/** `hv_version(void)`: returns #HV_ABI_VERSION. */
#define HV_HC_VERSION 0
/** `console_write(const char *buf, uint64_t len)`: returns bytes written (at most 4096 a call). */
#define HV_HC_CONSOLE_WRITE 1
/** `set_trap_table(const struct hv_trap_info *table, uint64_t count)`: replace the handlers. */
#define HV_HC_SET_TRAP_TABLE 2
/** `set_callbacks(uint64_t event_entry, uint64_t failsafe_entry)`: 0 unregisters. */
#define HV_HC_SET_CALLBACKS 3
/** `stack_switch(uint64_t stack)`: stack on which exceptions and events are delivered. */
#define HV_HC_STACK_SWITCH 4
/** `iret(void)`: return through the `struct hv_trap_frame` at the guest's `rsp`. */
#define HV_HC_IRET 5
/** `yield(void)`: give up the rest of the time slice. */
#define HV_HC_YIELD 6
/** `block(uint64_t deadline_ns)`: sleep until an event is pending or system time reaches the
 * deadline (0: no deadline). */
#define HV_HC_BLOCK 7
/** `set_timer(uint64_t deadline_ns)`: one-shot #HV_VIRQ_TIMER at that system time; 0 cancels. */
#define HV_HC_SET_TIMER 8
/** `shutdown(uint64_t reason)`: end the calling domain; `reason` is an `HV_SHUTDOWN_*` value. */
#define HV_HC_SHUTDOWN 9
/** `features(uint64_t *out)`: writes the `HV_FEATURE_*` bits to `*out`. */
#define HV_HC_FEATURES 10
/** `event_op(uint64_t op, ...)`: an `HV_EVENT_OP_*` of `<hv/abi/event.h>` (ABI 1.3: channels). */
#define HV_HC_EVENT_OP 11
/** `sched_op(uint64_t op, ...)`: `HV_SCHED_OP_*` of `<hv/abi/sched.h>`; control domain only
 * (others get `-HV_EPERM`). */
#define HV_HC_SCHED_OP 12
/** `console_read(char *buf, uint64_t len)`: takes up to `len` bytes of console input (at most
 * 4096 a call); returns the count, 0 if none. Control domain only (others get `-HV_EPERM`). */
#define HV_HC_CONSOLE_READ 13
/** `grant_op(uint64_t op, ...)`: an `HV_GRANT_OP_*` of `<hv/abi/grant.h>` (ABI 1.4). */
#define HV_HC_GRANT_OP 14
/** `domctl(uint64_t op, ...)`: an `HV_DOMCTL_*` of `<hv/abi/domctl.h>`; control domain only
 * (ABI 1.5). */
#define HV_HC_DOMCTL 15
/** Number of hypercalls; numbers at or above it return `-HV_ENOSYS`. */
#define HV_HC_COUNT 16
/** @} */

/** @name Shutdown reasons (#HV_HC_SHUTDOWN)
 * @{
 */
#define HV_SHUTDOWN_POWEROFF 0 /**< Finished normally. */
#define HV_SHUTDOWN_REBOOT   1 /**< Asks to be restarted. */
#define HV_SHUTDOWN_CRASH    2 /**< Crashed; the crash policy applies. */
/** @} */

/** @name Feature bits (#HV_HC_FEATURES)
 * @{
 */
#define HV_FEATURE_NX      (1u << 0) /**< No-execute mappings are enforced. */
#define HV_FEATURE_SMEP    (1u << 1) /**< The hypervisor cannot execute guest pages. */
#define HV_FEATURE_SMAP    (1u << 2) /**< The hypervisor cannot touch guest pages by accident. */
#define HV_FEATURE_CONTROL (1u << 3) /**< The calling domain has the control privilege. */
/** @} */

#endif /* HV_ABI_HYPERCALL_H */
/** @} */
