/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file
 * @defgroup hv_port Board port interface
 * @brief Everything the portable core needs from a board port.
 *
 * A port is chosen at link time: it implements every `hv_port_*` function
 * declared here, and calls the core entry points declared at the end of
 * this header. `grep hv_port_` over this file lists all a new board must
 * supply; `docs/porting.md` explains each one.
 *
 * Start-up order: the port boots the CPU, brings up its console, fills a
 * `struct hv_boot_info`, calibrates its clock and then calls
 * hv_firmware_main() (written by the integrator). When that returns, the
 * port ends the run with hv_port_power_off(), passing the verdict.
 * @{
 */
#ifndef HV_PORT_H
#define HV_PORT_H

#include <hv/abi/hypercall.h>
#include <hv/boot.h>
#include <hv/types.h>

/**
 * Version of this interface. A port states the version it implements.
 *
 * 4 added hv_port_as_unmap() and hv_port_as_query(); 3 added
 * hv_port_as_destroy(), hv_port_vcpu_destroy() and hv_core_hypercall_fast().
 */
#define HV_PORT_API_VERSION 4

/** @name Port feature flags (`struct hv_port_info::features`)
 * @{
 */
#define HV_PORT_FEAT_NX       (1u << 0) /**< No-execute pages are enforced. */
#define HV_PORT_FEAT_SMEP     (1u << 1) /**< Supervisor-mode execution prevention is on. */
#define HV_PORT_FEAT_SMAP     (1u << 2) /**< Supervisor-mode access prevention is on. */
#define HV_PORT_FEAT_INV_TSC  (1u << 3) /**< The cycle counter is invariant. */
#define HV_PORT_FEAT_PAGE_1G  (1u << 4) /**< 1 GiB pages are available. */
#define HV_PORT_FEAT_DEADLINE (1u << 5) /**< The timer uses a TSC-deadline mode. */
/** @} */

/** Facts about the machine that the port discovered. */
struct hv_port_info {
	const char *name;     /**< Port name, e.g. "x86-64". */
	uint32_t api_version; /**< Must equal #HV_PORT_API_VERSION. */
	uint32_t features;    /**< Bitwise OR of `HV_PORT_FEAT_*`. */
	const char *cpu;      /**< CPU vendor and model string. */
	uint64_t clock_hz;    /**< Frequency of the clock behind hv_port_time_ns(). */
	const char *timer;    /**< Name of the one-shot timer source, e.g. "lapic". */
};

/** Verdict with which a run ends. */
enum hv_verdict {
	HV_VERDICT_PASS = 0, /**< The appliance finished successfully. */
	HV_VERDICT_FAIL = 1, /**< The appliance or the hypervisor failed. */
};

/**
 * @brief Describe the machine and the port.
 * @return A pointer to static data, valid from hv_firmware_main() on.
 */
const struct hv_port_info *hv_port_info(void);

/**
 * @brief Write bytes to the hypervisor console.
 *
 * Must work from the first instruction of hv_firmware_main() on, with
 * interrupts on or off, and from exception handlers. Translates "\n" to
 * the board's line ending if needed.
 * @param buf Bytes to write.
 * @param len Number of bytes.
 */
void hv_port_console_write(const char *buf, size_t len);

/**
 * @brief Read one byte from the console without waiting.
 * @return The byte (0..255), or -1 if none is waiting.
 */
int hv_port_console_read(void);

/**
 * @brief Map a host-physical address to the hypervisor's view of it.
 * @param pa A physical address inside RAM listed in the boot memory map.
 * @return The hypervisor-virtual address of @p pa.
 */
void *hv_port_phys_to_virt(hv_paddr_t pa);

/**
 * @brief Inverse of hv_port_phys_to_virt().
 * @param va An address returned by hv_port_phys_to_virt() (or inside the
 *           hypervisor image).
 * @return The physical address behind @p va.
 */
hv_paddr_t hv_port_virt_to_phys(const void *va);

/**
 * @brief Monotonic time since boot.
 * @return Nanoseconds since the port started its clock; never decreases.
 */
uint64_t hv_port_time_ns(void);

/**
 * @brief Read the CPU's free-running cycle counter.
 *
 * For measurements, not for time: its rate is `hv_port_info()->clock_hz`
 * at best. Under an emulator that counts instructions (QEMU with
 * `-icount shift=0`) a difference of two readings is an exact instruction
 * count, which is what the benchmarks report.
 * @return The counter's current value.
 */
uint64_t hv_port_cycles(void);

/** How to turn hv_port_cycles() into nanoseconds, for guests that read time themselves. */
struct hv_port_time_scale {
	uint64_t cycles; /**< hv_port_cycles() at the moment of @ref ns. */
	uint64_t ns;     /**< hv_port_time_ns() at the same moment. */
	uint32_t mul;    /**< ns = ns + ((cycles delta shifted by @ref shift) * mul >> 32). */
	int8_t shift;    /**< Left shift of the delta (negative: right shift). */
};

/**
 * @brief Describe the clock so that a guest can compute system time.
 *
 * A guest reads the cycle counter directly (in ring 3) and applies the
 * formula of `struct hv_vcpu_time_info`; this gives the core the numbers.
 * @param scale Receives a consistent snapshot.
 */
void hv_port_time_scale(struct hv_port_time_scale *scale);

/**
 * @brief Arm the one-shot timer.
 *
 * When hv_port_time_ns() reaches @p deadline_ns the port calls
 * hv_core_timer_interrupt() once, in interrupt context. Must also work
 * when called from that handler (the core re-arms from it). Arming again
 * replaces the previous deadline; a deadline in the past fires at once.
 * @param deadline_ns Absolute time in nanoseconds since boot.
 */
void hv_port_timer_arm(uint64_t deadline_ns);

/** @brief Cancel a pending one-shot timer, if any. */
void hv_port_timer_cancel(void);

/** @brief Allow interrupts on this CPU. */
void hv_port_irq_enable(void);

/** @brief Block interrupts on this CPU. */
void hv_port_irq_disable(void);

/**
 * @brief Wait for an interrupt.
 *
 * Enables interrupts and halts the CPU atomically (no wake-up can be lost
 * between the two), returns after one interrupt has been handled, with
 * interrupts disabled again.
 */
void hv_port_cpu_wait(void);

/**
 * @brief End the run.
 *
 * Under an emulator with an exit device the verdict becomes the emulator's
 * exit status; on hardware the port powers off or halts.
 * @param verdict How the run ended.
 */
_Noreturn void hv_port_power_off(enum hv_verdict verdict);

/**
 * @name Guest address spaces
 *
 * A guest address space is a tree of page tables whose root frame the core
 * allocates (from the domain's memory) and the port fills. Guest mappings
 * are always user mappings in the lower half, below
 * hv_port_guest_va_limit(); the hypervisor half is the same in every
 * address space and never reachable from ring 3.
 * @{
 */

/** Mapping flag: the guest may write the page. */
#define HV_PORT_MAP_WRITE (1u << 0)
/** Mapping flag: the guest may execute the page (otherwise NX where available). */
#define HV_PORT_MAP_EXEC (1u << 1)

/** How the port obtains frames for intermediate page tables. */
struct hv_port_pt_alloc {
	/**
	 * @brief Provide one zeroed frame for a page table.
	 * @param ctx The @ref ctx member.
	 * @param pa Receives the frame's physical address.
	 * @return 0, or a negative `HV_E*` code (the mapping then fails with it).
	 */
	int (*alloc)(void *ctx, hv_paddr_t *pa);
	/** Passed to @ref alloc. */
	void *ctx;
};

/**
 * @brief End of the guest half of the address space.
 * @return The first virtual address a guest can never map.
 */
uint64_t hv_port_guest_va_limit(void);

/**
 * @brief Turn a zeroed frame into the root of a new guest address space.
 * @param root Physical address of the root frame (already zeroed).
 * @return 0, or a negative `HV_E*` code.
 * @post The hypervisor half is mapped, the guest half is empty.
 */
int hv_port_as_init(hv_paddr_t root);

/**
 * @brief Map one page into a guest address space.
 * @param root The address space.
 * @param va Page-aligned guest virtual address below hv_port_guest_va_limit().
 * @param pa Page-aligned physical address of the frame.
 * @param flags `HV_PORT_MAP_*`.
 * @param alloc Source of frames for intermediate tables.
 * @return 0; -HV_EINVAL for a bad or unaligned address; -HV_EEXIST if
 *         @p va is already mapped; or the allocator's error.
 */
int hv_port_as_map(hv_paddr_t root, uint64_t va, hv_paddr_t pa, uint32_t flags,
                   const struct hv_port_pt_alloc *alloc);

/**
 * @brief Remove one page from a guest address space.
 *
 * Only the leaf goes: the intermediate tables stay, since they came from
 * the domain's memory through the allocator of hv_port_as_map() and the
 * core frees them with the domain. The frame itself is the caller's.
 * @param root The address space (hv_port_as_init()).
 * @param va Page-aligned guest virtual address below hv_port_guest_va_limit().
 * @param pa Receives the physical address of the frame that was mapped
 *        there; may be NULL. Untouched unless the call returns 0.
 * @return 0; -HV_EINVAL for @p va at or above the guest limit, or not page
 *         aligned; -HV_ENOENT if nothing is mapped at @p va.
 * @post No CPU can reach the frame through @p va in @p root any more, not
 *       even through a cached translation: the port invalidates the TLB
 *       entry if @p root is loaded (an address space that is not loaded
 *       has no cached translations once the port has switched away from
 *       it). The frame may be reused as soon as this returns.
 */
int hv_port_as_unmap(hv_paddr_t root, uint64_t va, hv_paddr_t *pa);

/**
 * @brief Look up the page mapped at a guest virtual address.
 *
 * For validating addresses a guest hands in, and for tests. It reads the
 * page tables only; it neither loads @p root nor touches guest memory.
 * @param root The address space (hv_port_as_init()).
 * @param va Guest virtual address below hv_port_guest_va_limit(); need not
 *        be page aligned (the page that holds it is looked up).
 * @param pa Receives the physical address of the frame (page aligned);
 *        may be NULL. Untouched unless the call returns 0.
 * @param flags Receives what the guest may do with the page, as
 *        `HV_PORT_MAP_*`: #HV_PORT_MAP_WRITE if it is writable,
 *        #HV_PORT_MAP_EXEC if it is executable (on a CPU without
 *        #HV_PORT_FEAT_NX every guest page is). May be NULL.
 * @return 0; -HV_EINVAL for @p va at or above the guest limit; -HV_ENOENT
 *         if nothing is mapped there.
 */
int hv_port_as_query(hv_paddr_t root, uint64_t va, hv_paddr_t *pa, uint32_t *flags);

/**
 * @brief Copy from the current guest address space, surviving bad pointers.
 *
 * The current address space is that of the vCPU hv_port_vcpu_run() was
 * last called for: the one that last exited it, or, inside
 * hv_core_hypercall_fast(), the one running. A fault on any byte
 * (unmapped, or not a user page) ends the copy with an error instead of a
 * hypervisor exception.
 * @param dst Hypervisor buffer.
 * @param src Guest virtual address.
 * @param len Number of bytes.
 * @return 0, or -HV_EFAULT if any byte of the guest range is not readable
 *         by the guest or lies outside the guest half.
 */
int hv_port_copy_from_guest(void *dst, uint64_t src, size_t len);

/**
 * @brief Copy into the current guest address space, surviving bad pointers.
 * @param dst Guest virtual address.
 * @param src Hypervisor buffer.
 * @param len Number of bytes.
 * @return 0, or -HV_EFAULT if any byte of the guest range is not writable
 *         by the guest or lies outside the guest half.
 */
int hv_port_copy_to_guest(uint64_t dst, const void *src, size_t len);

/**
 * @brief Forget a guest address space that is about to go away.
 *
 * The core calls this before it frees the frames of an address space, or
 * zeroes them to build a new one, and never loads @p root again (unless it
 * makes a new address space there with hv_port_as_init()). If @p root is
 * the loaded address space, the port switches to one of its own first (the
 * hypervisor half alone), so that no page table the CPU walks is freed
 * under it; it also drops every cache that names @p root, such as the
 * vCPU whose state is loaded, saving that vCPU's state first.
 * @param root The root of an address space the core passed to
 *        hv_port_as_init(), even if that failed.
 * @pre No vCPU using @p root runs again before it is re-initialised.
 * @post No page table of @p root is in use by the CPU or cached by the port.
 */
void hv_port_as_destroy(hv_paddr_t root);

/** @} */

/**
 * @name Virtual CPUs
 *
 * The core runs a vCPU with hv_port_vcpu_run(), which returns when the
 * guest leaves ring 3: a hypercall, an exception, or an interrupt (after
 * the port has handled it). The vCPU's saved state lives in a
 * `struct hv_port_vcpu` the core owns; the core reads and changes it only
 * through the functions below.
 * @{
 */

/** Bytes of port-private state per vCPU (registers, FPU state). */
#define HV_PORT_VCPU_SIZE 1024

/** Port-private vCPU state, allocated by the core. */
struct hv_port_vcpu {
	/** Opaque to the core; aligned for FXSAVE. */
	_Alignas(64) unsigned char opaque[HV_PORT_VCPU_SIZE];
};

/** Why hv_port_vcpu_run() returned. */
enum hv_exit_reason {
	HV_EXIT_HYPERCALL = 1, /**< The guest made a hypercall (`nr`, `args`). */
	HV_EXIT_EXCEPTION =
	        2, /**< The guest raised an exception (`vector`, `error_code`, `fault_addr`). */
	HV_EXIT_INTERRUPT = 3, /**< An interrupt arrived; the port has handled it. */
};

/** What hv_port_vcpu_run() reports. */
struct hv_exit {
	uint32_t reason;     /**< `enum hv_exit_reason`. */
	uint32_t vector;     /**< Exception vector. */
	uint64_t error_code; /**< Exception error code, or 0. */
	uint64_t fault_addr; /**< Page-fault address. */
	uint64_t pc;         /**< Guest instruction pointer at the exit. */
	uint64_t nr;         /**< Hypercall number. */
	uint64_t args[6];    /**< Hypercall arguments, in ABI order. */
};

/** Guest registers the core may read and write. */
enum hv_port_reg {
	HV_REG_PC = 0,    /**< Instruction pointer. */
	HV_REG_SP = 1,    /**< Stack pointer. */
	HV_REG_FLAGS = 2, /**< Flags; writes keep only the flags a guest may own. */
	HV_REG_RET = 3,   /**< Hypercall result register (`rax`). */
	HV_REG_ARG0 = 4,  /**< First argument register (`rdi`). */
	HV_REG_TMP0 = 5,  /**< First register `syscall` clobbers (`rcx`). */
	HV_REG_TMP1 = 6,  /**< Second register `syscall` clobbers (`r11`). */
};

/**
 * @brief Prepare a vCPU to start.
 * @param v State to initialise (the core zeroed it).
 * @param root Its address space (hv_port_as_init()).
 * @param entry Guest entry point.
 * @param stack Initial guest stack pointer.
 * @param arg Value of the first argument register at entry.
 */
void hv_port_vcpu_init(struct hv_port_vcpu *v, hv_paddr_t root, uint64_t entry, uint64_t stack,
                       uint64_t arg);

/**
 * @brief Forget a vCPU that is about to go away or be reused.
 *
 * The port may keep a vCPU's state loaded across runs (its FPU registers,
 * a pointer to it as the vCPU that ran last). This drops all of that
 * without saving anything into @p v, so that the core may free or reuse
 * its memory, and the next hv_port_vcpu_run() of any vCPU loads everything
 * afresh. Harmless for a vCPU that never ran, or was forgotten already.
 * @param v The vCPU (not running).
 * @post The port holds no reference to @p v.
 */
void hv_port_vcpu_destroy(struct hv_port_vcpu *v);

/**
 * @brief Run a vCPU in ring 3 until it exits.
 *
 * Loads its address space and registers, runs it with interrupts enabled,
 * and returns with interrupts disabled once it exits. A hypercall result
 * set with hv_port_vcpu_set_reg(HV_REG_RET) is seen by the guest on the
 * next run. Timer interrupts that arrive while the guest runs call
 * hv_core_timer_interrupt() and then return #HV_EXIT_INTERRUPT. Hypercalls
 * that hv_core_hypercall_fast() handles do not return.
 * @param v The vCPU.
 * @param exit Receives why it exited.
 */
void hv_port_vcpu_run(struct hv_port_vcpu *v, struct hv_exit *exit);

/**
 * @brief Read a guest register.
 * @param v The vCPU (not running).
 * @param reg Which register.
 * @return Its value.
 */
uint64_t hv_port_vcpu_reg(const struct hv_port_vcpu *v, enum hv_port_reg reg);

/**
 * @brief Write a guest register.
 * @param v The vCPU (not running).
 * @param reg Which register.
 * @param value New value; for #HV_REG_FLAGS only the arithmetic and
 *        direction flags are taken, the rest stay the hypervisor's.
 */
void hv_port_vcpu_set_reg(struct hv_port_vcpu *v, enum hv_port_reg reg, uint64_t value);

/** @} */

/**
 * @name Core entry points called by the port
 * @{
 */

/**
 * @brief The integrator's firmware entry point.
 *
 * Written by the integrator (usually in their `main.c`); it describes the
 * appliance and calls hv_main(). The port calls it once, on the boot CPU,
 * with interrupts disabled.
 * @param boot What the port learned at boot.
 * @return #HV_VERDICT_PASS or #HV_VERDICT_FAIL; the port then calls
 *         hv_port_power_off() with it.
 */
int hv_firmware_main(const struct hv_boot_info *boot);

/**
 * @brief Timer expiry, called by the port in interrupt context.
 */
void hv_core_timer_interrupt(void);

/**
 * @brief The hypercalls hv_core_hypercall_fast() may handle: bit n for
 *        hypercall number n (all below 64).
 *
 * Those that only answer, copy to or from the caller's memory, or write its
 * console: version, console_write and features. The core refuses every
 * other number at once, so a port may take the ordinary exit for them
 * without calling it.
 */
#define HV_CORE_HYPERCALL_FAST_SET                                                                 \
	((UINT64_C(1) << HV_HC_VERSION) | (UINT64_C(1) << HV_HC_CONSOLE_WRITE) |                   \
	 (UINT64_C(1) << HV_HC_FEATURES))

/**
 * @brief Offer a hypercall to the core's fast path, without leaving the run.
 *
 * A port may call this from its hypercall entry, on the hypervisor's stack
 * with interrupts disabled, before it saves the guest's state for an
 * #HV_EXIT_HYPERCALL exit. The core handles the hypercall completely and
 * returns true only when that changes nothing about scheduling or the
 * guest's registers: a hypercall that cannot block, yield, end or restart
 * the domain, raise an event, set a timer or reload registers, made while
 * no event upcall is pending for the vCPU and the core did not run it
 * only to make it exit at once. The port then puts @p *result in the
 * guest's result register and resumes the guest at the instruction after
 * the hypercall, as if hv_port_vcpu_run() had returned and been called
 * again. Otherwise the core does nothing at all and returns false, and the
 * port takes the ordinary exit: the hypercall is then dispatched once, by
 * the run loop.
 *
 * The core does not read the clock here: a deadline it armed the timer for
 * may have passed. The port must then take that timer interrupt as it
 * returns to the guest (it does, if it resumes the guest with interrupts
 * enabled), so that the run ends and the core handles the deadline. The
 * registers the guest ABI lets a hypercall clobber may come back zeroed,
 * but never with what the call left in them.
 *
 * The time spent here counts as the vCPU's run time: the run has not ended.
 * A port that never calls this is correct, only slower; one that calls it
 * only for the numbers in #HV_CORE_HYPERCALL_FAST_SET saves the call for
 * the others.
 * @param nr The hypercall number.
 * @param args The six arguments, in ABI order.
 * @param result Receives the result, only when the call returns true.
 * @return true if the hypercall was handled.
 * @pre Called inside hv_port_vcpu_run(), for the vCPU being run, from its
 *      hypercall entry, with that vCPU's address space loaded; the core does
 *      not read or write the vCPU's registers meanwhile.
 */
bool hv_core_hypercall_fast(uint64_t nr, const uint64_t *args, int64_t *result);

/**
 * @brief Fatal error: print a message and end the run with a failing verdict.
 *
 * Ports call this from their exception handlers after printing the
 * machine state. Prints `hv: panic: <message>`, then the failing verdict
 * line `hv: verdict: FAIL`, and powers off.
 * @param fmt printf-style format.
 */
_Noreturn void hv_panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/** @} */

#endif /* HV_PORT_H */
/** @} */
