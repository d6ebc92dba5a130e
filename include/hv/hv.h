/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file
 * @defgroup hv_main libhv
 * @brief The umbrella header integrators include, and the start-up call.
 *
 * A firmware `main.c` includes this header, describes its appliance in a
 * `struct hv_config` and implements hv_firmware_main():
 *
 * @code
 * #include <hv/hv.h>
 *
 * static const struct hv_domain_config domains[] = {
 *     { .name = "dom0", .image = "dom0", .mem_size = 16 << 20, .vcpu_count = 1,
 *       .flags = HV_DOMAIN_F_CONTROL },
 * };
 * static const struct hv_config config = {
 *     .version = HV_CONFIG_VERSION, .name = "my-appliance",
 *     .mem = &hv_mem_buddy, .domains = domains, .domain_count = 1,
 * };
 *
 * int hv_firmware_main(const struct hv_boot_info *boot)
 * {
 *     return hv_main(&config, boot);
 * }
 * @endcode
 * @{
 */
#ifndef HV_HV_H
#define HV_HV_H

#include <hv/abi/errno.h>
#include <hv/boot.h>
#include <hv/config.h>
#include <hv/log.h>
#include <hv/mem.h>
#include <hv/port.h>
#include <hv/sched.h>
#include <hv/types.h>

/** Version of the libhv API, as major * 10000 + minor * 100 + patch. */
#define HV_API_VERSION 100

/**
 * @brief Check the appliance description, set up memory and run the appliance.
 *
 * Prints what it finds (port, memory map, boot modules), checks @p config
 * and refuses a bad one with a message that names the field, sets up the
 * frame table and the memory module, checks each domain's boot module and
 * reserves its memory and builds it (a domain that cannot be built is
 * refused by name and the others go on), runs a short self-test of the
 * timer, and then runs the domains with the configured scheduler until
 * every one has ended (powered off, destroyed, or crashed and kept). It
 * prints a line as each domain starts and ends, a summary with each
 * domain's CPU time, and the verdict line `hv: verdict: PASS` or
 * `hv: verdict: FAIL` last. With #HV_CONFIG_F_NO_RUN it stops after the
 * self-test.
 * @param config The appliance description.
 * @param boot What the port learned at boot.
 * @return #HV_VERDICT_PASS if every domain was built and the control domain
 *         (the first with #HV_DOMAIN_F_CONTROL) powered off — or, without a
 *         control domain, every domain powered off; otherwise
 *         #HV_VERDICT_FAIL. With #HV_CONFIG_F_NO_RUN, #HV_VERDICT_PASS if
 *         every domain was built.
 */
int hv_main(const struct hv_config *config, const struct hv_boot_info *boot);

/**
 * @brief The libhv release.
 * @return A string such as "0.1.0".
 */
const char *hv_version(void);

#endif /* HV_HV_H */
/** @} */
