/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The custom-scheduler appliance's firmware: its own scheduler module,
 * "fixed-priority" (fixed_prio.c, shared with the simulator), selected by
 * reference in the appliance description.
 */
#include <hv/hv.h>

#include "fixed_prio.h"

/* "low" first, so it is domain 0: creation order alone would favour it. */
static const struct hv_domain_config domains[DOM_COUNT] = {
        [DOM_LOW] = {.name = "low", .image = "low", .mem_size = 4u << 20, .vcpu_count = 1},
        [DOM_HIGH] = {.name = "high", .image = "high", .mem_size = 4u << 20, .vcpu_count = 1},
};

static const struct hv_config config = {
        .version = HV_CONFIG_VERSION,
        .name = "custom-scheduler",
        .domains = domains,
        .domain_count = DOM_COUNT,
        .sched = &fixed_priority,
        .tick_ns = 10000000,
        .selftest_ticks = 3,
};

int hv_firmware_main(const struct hv_boot_info *boot)
{
	return hv_main(&config, boot);
}
