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

#include <hv/boot.h>
#include <hv/types.h>

/** Version of this interface. A port states the version it implements. */
#define HV_PORT_API_VERSION 1

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
