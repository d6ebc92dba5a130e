/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The demo appliance's firmware: the whole appliance is described here as C
 * data, and hv_main() does the rest. Only domain 0 is described: it creates
 * the other domains at run time from the boot modules marked "image"
 * (HV_CONFIG_F_MODULE_DOMAINS lets boot modules describe themselves on
 * their command lines; "image" says a module is an image, not a domain).
 */
#include <hv/hv.h>

static const struct hv_domain_config domains[] = {
        {
                .name = "dom0",
                .image = "dom0",
                .mem_size = 16u << 20,
                .vcpu_count = 1,
                .flags = HV_DOMAIN_F_CONTROL,
                .on_crash = HV_CRASH_KEEP,
        },
};

static const struct hv_config config = {
        .version = HV_CONFIG_VERSION,
        .name = "demo",
        .mem = &hv_mem_buddy,
        .domains = domains,
        .domain_count = sizeof(domains) / sizeof(domains[0]),
        .flags = HV_CONFIG_F_MODULE_DOMAINS,
        .tick_ns = 10000000,
        .selftest_ticks = 10,
};

int hv_firmware_main(const struct hv_boot_info *boot)
{
	return hv_main(&config, boot);
}
