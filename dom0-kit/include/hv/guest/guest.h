/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file
 * @defgroup hvg_guest Guest runtime
 * @brief Start-up, and what a guest knows about itself.
 *
 * A guest linked with the runtime (`hv_add_guest()` in CMake) starts in the
 * runtime's `_start`, which zeroes `.bss`, aligns the stack and calls
 * `main()` with the start-info page. When `main()` returns 0 the domain
 * powers off (#HV_SHUTDOWN_POWEROFF); any other value crashes it
 * (#HV_SHUTDOWN_CRASH), so that the domain's crash policy applies.
 *
 * This header includes the rest of the runtime's API.
 * @{
 */
#ifndef HV_GUEST_GUEST_H
#define HV_GUEST_GUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hv/abi/shared.h>
#include <hv/guest/console.h>
#include <hv/guest/event.h>
#include <hv/guest/grant.h>
#include <hv/guest/hypercall.h>
#include <hv/guest/mem.h>
#include <hv/guest/ring.h>
#include <hv/guest/time.h>
#include <hv/guest/trap.h>

/**
 * @brief The guest's entry point, written by the guest.
 * @param si The domain's start-info page (read-only).
 * @return 0 to power off, anything else to crash the domain.
 */
int main(const struct hv_start_info *si);

/**
 * @brief The start-info page the domain was started with.
 * @return The page (read-only), valid from before `main()` is called.
 */
const struct hv_start_info *hvg_start_info(void);

/**
 * @brief The page this domain shares with the hypervisor.
 * @return The shared-info page (events and time).
 */
struct hv_shared_info *hvg_shared_info(void);

/**
 * @brief This vCPU's record in the shared-info page.
 * @return The record of vCPU 0 (the runtime supports one vCPU).
 */
struct hv_vcpu_info *hvg_vcpu_info(void);

/**
 * @brief The stack pointer `_start` was entered with.
 * @return The initial `rsp`, before the runtime aligned it.
 */
uint64_t hvg_initial_rsp(void);

/**
 * @brief End the domain, never returning.
 *
 * Shuts down with @p reason; if the hypervisor refuses, crashes instead,
 * and if even that returns, executes `ud2` so that the hypervisor crashes
 * the domain for an unhandled exception.
 * @param reason An `HV_SHUTDOWN_*` value.
 */
_Noreturn void hvg_exit(uint64_t reason);

/** @name Image layout, from the linker script
 * @{
 */
extern char hvg_image_start[];  /**< First byte of the image (its text). */
extern char hvg_text_end[];     /**< End of the executable segment. */
extern char hvg_rodata_start[]; /**< Start of the read-only segment. */
extern char hvg_data_start[];   /**< Start of the writable segment. */
extern char hvg_image_end[];    /**< End of the image, page aligned. */
/** @} */

#endif /* HV_GUEST_GUEST_H */
/** @} */
