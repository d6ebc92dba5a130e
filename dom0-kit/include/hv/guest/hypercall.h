/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file
 * @defgroup hvg_hypercall Guest hypercall wrappers
 * @brief One inline function per hypercall of the guest ABI.
 *
 * Each wrapper is a single `syscall` instruction with the arguments in the
 * registers the ABI names (`rdi, rsi, rdx, r10, r8, r9`), the number in
 * `rax` and the result in `rax`. A hypercall keeps `rbx`, `rbp`, `rsp`,
 * `r12`-`r15` and the FPU/SSE state, and clobbers the rest: `rcx` and
 * `r11` (`syscall` itself overwrites them) and every argument register,
 * used or not. So each argument register is an in/out operand (its value
 * after the call is discarded) or a clobber, and the compiler never
 * assumes one survives. `memory` is clobbered because a hypercall reads
 * and writes guest memory the compiler cannot see (buffers, the
 * shared-info page), and `cc` because the flags come back from `r11`.
 * hvg_hypercall0() to hvg_hypercall2() load only the registers they pass;
 * hvg_hypercall6() loads all six.
 *
 * Results are 0 (or a non-negative value where the hypercall says so) or a
 * negated `HV_E*` code from `<hv/abi/errno.h>`.
 * @{
 */
#ifndef HV_GUEST_HYPERCALL_H
#define HV_GUEST_HYPERCALL_H

#include <stddef.h>
#include <stdint.h>

#include <hv/abi/errno.h>
#include <hv/abi/hypercall.h>
#include <hv/abi/sched.h>
#include <hv/abi/trap.h>

/**
 * @brief Make a hypercall without arguments.
 * @param nr Hypercall number (`HV_HC_*`).
 * @return The hypervisor's result (`rax`).
 */
static inline int64_t hvg_hypercall0(uint64_t nr)
{
	__asm__ volatile("syscall"
	                 : "+a"(nr)
	                 :
	                 : "rcx", "r11", "rdi", "rsi", "rdx", "r10", "r8", "r9", "memory", "cc");
	return (int64_t)nr;
}

/**
 * @brief Make a hypercall with one argument.
 * @param nr Hypercall number (`HV_HC_*`).
 * @param a0 First argument (`rdi`).
 * @return The hypervisor's result (`rax`).
 */
static inline int64_t hvg_hypercall1(uint64_t nr, uint64_t a0)
{
	__asm__ volatile("syscall"
	                 : "+a"(nr), "+D"(a0)
	                 :
	                 : "rcx", "r11", "rsi", "rdx", "r10", "r8", "r9", "memory", "cc");
	return (int64_t)nr;
}

/**
 * @brief Make a hypercall with two arguments.
 * @param nr Hypercall number (`HV_HC_*`).
 * @param a0 First argument (`rdi`).
 * @param a1 Second argument (`rsi`).
 * @return The hypervisor's result (`rax`).
 */
static inline int64_t hvg_hypercall2(uint64_t nr, uint64_t a0, uint64_t a1)
{
	__asm__ volatile("syscall"
	                 : "+a"(nr), "+D"(a0), "+S"(a1)
	                 :
	                 : "rcx", "r11", "rdx", "r10", "r8", "r9", "memory", "cc");
	return (int64_t)nr;
}

/**
 * @brief Make any hypercall with six arguments.
 *
 * Tests use it directly to pass numbers and arguments no other wrapper
 * would.
 * @param nr Hypercall number (`HV_HC_*`).
 * @param a0 First argument (`rdi`).
 * @param a1 Second argument (`rsi`).
 * @param a2 Third argument (`rdx`).
 * @param a3 Fourth argument (`r10`).
 * @param a4 Fifth argument (`r8`).
 * @param a5 Sixth argument (`r9`).
 * @return The hypervisor's result (`rax`).
 */
static inline int64_t hvg_hypercall6(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2,
                                     uint64_t a3, uint64_t a4, uint64_t a5)
{
	register uint64_t r10 __asm__("r10") = a3;
	register uint64_t r8 __asm__("r8") = a4;
	register uint64_t r9 __asm__("r9") = a5;

	__asm__ volatile("syscall"
	                 : "+a"(nr), "+D"(a0), "+S"(a1), "+d"(a2), "+r"(r10), "+r"(r8), "+r"(r9)
	                 :
	                 : "rcx", "r11", "memory", "cc");
	return (int64_t)nr;
}

/**
 * @brief The hypervisor's guest ABI version (#HV_HC_VERSION).
 * @return #HV_ABI_VERSION of the running hypervisor: major version in the
 *         upper 16 bits, minor in the lower.
 */
static inline int64_t hvg_version(void)
{
	return hvg_hypercall0(HV_HC_VERSION);
}

/**
 * @brief Write bytes to the console (#HV_HC_CONSOLE_WRITE).
 *
 * The hypervisor prefixes every line with the domain's name. One call
 * writes at most 4096 bytes; hvg_console_write_all() loops.
 * @param buf Bytes to write (guest memory, any alignment).
 * @param len Number of bytes.
 * @return Number of bytes written, or -HV_EFAULT if @p buf is not readable.
 */
static inline int64_t hvg_console_write(const void *buf, uint64_t len)
{
	return hvg_hypercall2(HV_HC_CONSOLE_WRITE, (uint64_t)(uintptr_t)buf, len);
}

/**
 * @brief Read console input (#HV_HC_CONSOLE_READ), control domain only.
 *
 * Never waits: #HV_VIRQ_CONSOLE tells the control domain that input came.
 * Bytes are returned oldest first; the hypervisor keeps 256 of them and
 * drops the oldest when more come before they are read.
 * @param buf Where the bytes go (guest memory, writable).
 * @param len Bytes at @p buf; above 4096 it is taken as 4096.
 * @return Number of bytes read (0 if none is waiting); -HV_EPERM if this is
 *         not the control domain; -HV_EFAULT for a bad @p buf (nothing is
 *         taken).
 */
static inline int64_t hvg_console_read(char *buf, uint64_t len)
{
	return hvg_hypercall2(HV_HC_CONSOLE_READ, (uint64_t)(uintptr_t)buf, len);
}

/**
 * @brief Replace the exception handlers (#HV_HC_SET_TRAP_TABLE).
 * @param table Entries; a vector not named keeps no handler.
 * @param count Number of entries.
 * @return 0, -HV_EINVAL for a bad entry or count, -HV_EFAULT for a bad @p table.
 */
static inline int hvg_set_trap_table(const struct hv_trap_info *table, uint64_t count)
{
	return (int)hvg_hypercall2(HV_HC_SET_TRAP_TABLE, (uint64_t)(uintptr_t)table, count);
}

/**
 * @brief Register the event (upcall) and failsafe entry points (#HV_HC_SET_CALLBACKS).
 * @param event_entry Where events are delivered, with a frame whose vector
 *        is #HV_TRAP_EVENT; 0 unregisters.
 * @param failsafe_entry Where a bad #HV_HC_IRET frame is reported, with
 *        vector #HV_TRAP_FAILSAFE; 0 unregisters (a bad frame then crashes
 *        the domain).
 * @return 0, or -HV_EINVAL for an address outside the guest half.
 */
static inline int hvg_set_callbacks(uint64_t event_entry, uint64_t failsafe_entry)
{
	return (int)hvg_hypercall2(HV_HC_SET_CALLBACKS, event_entry, failsafe_entry);
}

/**
 * @brief Set the stack exceptions and events are delivered on (#HV_HC_STACK_SWITCH).
 * @param stack_top Initial stack pointer for a handler that interrupts
 *        ordinary code; frames of nested handlers go below the current `rsp`.
 * @return 0, or -HV_EINVAL for an address outside the guest half.
 */
static inline int hvg_stack_switch(uint64_t stack_top)
{
	return (int)hvg_hypercall1(HV_HC_STACK_SWITCH, stack_top);
}

/**
 * @brief Give up the rest of the time slice (#HV_HC_YIELD).
 * @return 0.
 */
static inline int hvg_yield(void)
{
	return (int)hvg_hypercall0(HV_HC_YIELD);
}

/**
 * @brief Sleep until an event is pending or a deadline passes (#HV_HC_BLOCK).
 * @param deadline_ns System time (hvg_time_ns()) to wake at; 0 for none.
 * @return 0.
 */
static inline int hvg_block(uint64_t deadline_ns)
{
	return (int)hvg_hypercall1(HV_HC_BLOCK, deadline_ns);
}

/**
 * @brief Arm the one-shot timer (#HV_HC_SET_TIMER).
 * @param deadline_ns System time at which #HV_VIRQ_TIMER is raised; 0 cancels.
 * @return 0.
 */
static inline int hvg_set_timer(uint64_t deadline_ns)
{
	return (int)hvg_hypercall1(HV_HC_SET_TIMER, deadline_ns);
}

/**
 * @brief End this domain (#HV_HC_SHUTDOWN).
 *
 * Does not return when the hypervisor accepts @p reason; it returns an
 * error for an unknown reason.
 * @param reason `HV_SHUTDOWN_POWEROFF`, `HV_SHUTDOWN_REBOOT` or `HV_SHUTDOWN_CRASH`.
 * @return -HV_EINVAL for an unknown reason.
 */
static inline int hvg_shutdown(uint64_t reason)
{
	return (int)hvg_hypercall1(HV_HC_SHUTDOWN, reason);
}

/**
 * @brief Read the hypervisor's feature bits (#HV_HC_FEATURES).
 * @param out Receives the `HV_FEATURE_*` bits.
 * @return 0, or -HV_EFAULT if @p out is not writable.
 */
static inline int hvg_features(uint64_t *out)
{
	return (int)hvg_hypercall1(HV_HC_FEATURES, (uint64_t)(uintptr_t)out);
}

/**
 * @brief Notify through one of this domain's ports (#HV_EVENT_OP_SEND).
 *
 * On a channel, raises the other end; on a VIRQ port, raises the port on
 * this domain.
 * @param port Event port, below #HV_EVENT_PORTS.
 * @return 0; -HV_ENOTCONN for a port offered but not bound, or whose other
 *         end closed; -HV_ENOENT for a free port; -HV_EINVAL out of range.
 */
static inline int hvg_event_send(uint32_t port)
{
	return (int)hvg_hypercall2(HV_HC_EVENT_OP, HV_EVENT_OP_SEND, port);
}

/**
 * @brief Unmask a port, delivering its event if pending (#HV_EVENT_OP_UNMASK).
 * @param port Event port, below #HV_EVENT_PORTS.
 * @return 0, or a negative `HV_E*` code for a bad port.
 */
static inline int hvg_event_unmask(uint32_t port)
{
	return (int)hvg_hypercall2(HV_HC_EVENT_OP, HV_EVENT_OP_UNMASK, port);
}

/**
 * @brief Read a domain's scheduling parameters (#HV_SCHED_OP_GET_PARAMS).
 *
 * Control domain only.
 * @param domid The domain.
 * @param[out] out The parameters, tagged with the current module's kind.
 * @return 0; -HV_EPERM if this is not the control domain; -HV_EINVAL for a
 *         domain id out of range; -HV_ENOENT for no such domain; -HV_ENOSYS
 *         if the current module takes no parameters; -HV_EFAULT for a bad
 *         @p out.
 */
static inline int hvg_sched_get_params(uint16_t domid, struct hv_sched_params *out)
{
	return (int)hvg_hypercall6(HV_HC_SCHED_OP, HV_SCHED_OP_GET_PARAMS, domid,
	                           (uint64_t)(uintptr_t)out, 0, 0, 0);
}

/**
 * @brief Set a domain's scheduling parameters (#HV_SCHED_OP_SET_PARAMS).
 *
 * Control domain only. Nothing changes on an error.
 * @param domid The domain.
 * @param p The parameters; `p->kind` must be the current module's kind.
 * @return 0; -HV_EPERM, -HV_EINVAL (also for parameters the module
 *         refuses), -HV_ENOENT, -HV_ENOSYS or -HV_EFAULT as for
 *         hvg_sched_get_params().
 */
static inline int hvg_sched_set_params(uint16_t domid, const struct hv_sched_params *p)
{
	return (int)hvg_hypercall6(HV_HC_SCHED_OP, HV_SCHED_OP_SET_PARAMS, domid,
	                           (uint64_t)(uintptr_t)p, 0, 0, 0);
}

/**
 * @brief Switch pool 0's scheduler module (#HV_SCHED_OP_SET_SCHEDULER).
 *
 * Control domain only. Domains keep running; their parameters start at
 * the new module's defaults. Nothing changes on an error.
 * @param name A built-in module's name ("rr", "bvt", "fair"),
 *        NUL-terminated, at most #HV_SCHED_NAME_SIZE bytes with the NUL.
 *        "cyclic" needs a schedule: see hvg_sched_pool_set_scheduler().
 * @return 0; -HV_EPERM if this is not the control domain; -HV_ENOENT for an
 *         unknown name; -HV_EINVAL for a name too long, or "cyclic";
 *         -HV_EFAULT for a bad @p name; or the new module's error.
 */
static inline int hvg_sched_set_scheduler(const char *name)
{
	return (int)hvg_hypercall6(HV_HC_SCHED_OP, HV_SCHED_OP_SET_SCHEDULER,
	                           (uint64_t)(uintptr_t)name, 0, 0, 0, 0);
}

/**
 * @brief Read pool 0's scheduler module's name (#HV_SCHED_OP_GET_SCHEDULER).
 *
 * Control domain only.
 * @param[out] buf Receives the name, NUL-terminated.
 * @param size Bytes at @p buf; #HV_SCHED_NAME_SIZE is always enough.
 * @return 0; -HV_EPERM if this is not the control domain; -HV_ERANGE if
 *         @p size is too small; -HV_EFAULT for a bad @p buf.
 */
static inline int hvg_sched_get_scheduler(char *buf, uint64_t size)
{
	return (int)hvg_hypercall6(HV_HC_SCHED_OP, HV_SCHED_OP_GET_SCHEDULER,
	                           (uint64_t)(uintptr_t)buf, size, 0, 0, 0);
}

/**
 * @brief Create a CPU pool without CPUs (#HV_SCHED_OP_POOL_CREATE).
 *
 * Control domain only. Domains moved into it are parked until a CPU joins.
 * @param name The pool's name, 1 to #HV_SCHED_NAME_SIZE - 1 characters, unique.
 * @param sched A built-in module's name.
 * @param params Parameters of the module for the pool as a whole (a
 *        cyclic schedule), or NULL; "cyclic" requires them.
 * @return The new pool's identifier (0 or more); -HV_EPERM; -HV_EEXIST for
 *         a name in use; -HV_ENOSPC when #HV_SCHED_MAX_POOLS pools exist;
 *         -HV_ENOENT for an unknown module; -HV_EINVAL for a bad name or
 *         refused parameters; -HV_EFAULT for a bad pointer.
 */
static inline int hvg_sched_pool_create(const char *name, const char *sched,
                                        const struct hv_sched_params *params)
{
	return (int)hvg_hypercall6(HV_HC_SCHED_OP, HV_SCHED_OP_POOL_CREATE,
	                           (uint64_t)(uintptr_t)name, (uint64_t)(uintptr_t)sched,
	                           (uint64_t)(uintptr_t)params, 0, 0);
}

/**
 * @brief Destroy a CPU pool with no domain left (#HV_SCHED_OP_POOL_DESTROY).
 * @param pool The pool; its CPUs return to pool 0.
 * @return 0; -HV_EPERM; -HV_EINVAL for pool 0 or an identifier out of
 *         range; -HV_ENOENT for no such pool; -HV_EBUSY if a domain is in it.
 */
static inline int hvg_sched_pool_destroy(uint32_t pool)
{
	return (int)hvg_hypercall6(HV_HC_SCHED_OP, HV_SCHED_OP_POOL_DESTROY, pool, 0, 0, 0, 0);
}

/**
 * @brief Switch a pool's scheduler module at run time (#HV_SCHED_OP_POOL_SET_SCHEDULER).
 *
 * The pool's domains keep running, with the new module's default
 * parameters. Nothing changes on an error.
 * @param pool The pool.
 * @param sched A built-in module's name.
 * @param params As for hvg_sched_pool_create().
 * @return 0, or an error as for hvg_sched_pool_create() and hvg_sched_pool_destroy().
 */
static inline int hvg_sched_pool_set_scheduler(uint32_t pool, const char *sched,
                                               const struct hv_sched_params *params)
{
	return (int)hvg_hypercall6(HV_HC_SCHED_OP, HV_SCHED_OP_POOL_SET_SCHEDULER, pool,
	                           (uint64_t)(uintptr_t)sched, (uint64_t)(uintptr_t)params, 0, 0);
}

/**
 * @brief Describe a CPU pool (#HV_SCHED_OP_POOL_INFO).
 * @param pool The pool.
 * @param[out] out Its name, module, CPUs, CPU time and domain count.
 * @return 0; -HV_EPERM; -HV_EINVAL or -HV_ENOENT for a bad pool; -HV_EFAULT.
 */
static inline int hvg_sched_pool_info(uint32_t pool, struct hv_sched_pool_info *out)
{
	return (int)hvg_hypercall6(HV_HC_SCHED_OP, HV_SCHED_OP_POOL_INFO, pool,
	                           (uint64_t)(uintptr_t)out, 0, 0, 0);
}

/**
 * @brief Move a domain into a CPU pool (#HV_SCHED_OP_POOL_MOVE_DOMAIN).
 *
 * Its vCPUs keep their states and get the pool module's default parameters.
 * @param domid The domain.
 * @param pool The pool.
 * @return 0; -HV_EPERM; -HV_EINVAL or -HV_ENOENT for a bad domain or pool;
 *         -HV_EBUSY if it would leave the control domain without a CPU; or
 *         the pool module's error (the domain stays where it was).
 */
static inline int hvg_sched_pool_move_domain(uint16_t domid, uint32_t pool)
{
	return (int)hvg_hypercall6(HV_HC_SCHED_OP, HV_SCHED_OP_POOL_MOVE_DOMAIN, domid, pool, 0, 0,
	                           0);
}

/**
 * @brief Move a physical CPU into a CPU pool (#HV_SCHED_OP_POOL_ASSIGN_CPU).
 * @param cpu The CPU (0 is the boot CPU).
 * @param pool The pool.
 * @return 0; -HV_EPERM; -HV_EINVAL for no such CPU or a bad pool;
 *         -HV_ENOENT for no such pool; -HV_EBUSY if it is the last CPU of
 *         the control domain's pool.
 */
static inline int hvg_sched_pool_assign_cpu(uint32_t cpu, uint32_t pool)
{
	return (int)hvg_hypercall6(HV_HC_SCHED_OP, HV_SCHED_OP_POOL_ASSIGN_CPU, cpu, pool, 0, 0, 0);
}

/**
 * @brief The pool a domain is in (#HV_SCHED_OP_DOMAIN_POOL).
 * @param domid The domain.
 * @return The pool's identifier; -HV_EPERM; -HV_EINVAL or -HV_ENOENT for a bad domain.
 */
static inline int hvg_sched_domain_pool(uint16_t domid)
{
	return (int)hvg_hypercall6(HV_HC_SCHED_OP, HV_SCHED_OP_DOMAIN_POOL, domid, 0, 0, 0, 0);
}

#endif /* HV_GUEST_HYPERCALL_H */
/** @} */
