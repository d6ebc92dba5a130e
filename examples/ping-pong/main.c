/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The ping-pong appliance's firmware: three domains described in C, built
 * in this order, so with these identifiers (the guests rely on them, see
 * guests/pingpong.h): domain 0, the control domain, and the guests "ping"
 * (1) and "pong" (2). The run passes when domain 0 powers off, which it
 * does only if both guests report a complete exchange.
 */
#include <hv/hv.h>

static const struct hv_domain_config domains[] = {
        {
                .name = "dom0",
                .image = "dom0",
                .mem_size = 8u << 20,
                .vcpu_count = 1,
                .flags = HV_DOMAIN_F_CONTROL,
                .on_crash = HV_CRASH_DESTROY,
        },
        {
                .name = "ping",
                .image = "ping",
                .mem_size = 4u << 20,
                .vcpu_count = 1,
                .on_crash = HV_CRASH_DESTROY,
        },
        {
                .name = "pong",
                .image = "pong",
                .mem_size = 4u << 20,
                .vcpu_count = 1,
                .on_crash = HV_CRASH_DESTROY,
        },
};

static const struct hv_config config = {
        .version = HV_CONFIG_VERSION,
        .name = "ping-pong",
        .mem = &hv_mem_buddy,
        .domains = domains,
        .domain_count = sizeof(domains) / sizeof(domains[0]),
        .tick_ns = 1000000,
        .selftest_ticks = 3,
};

int hv_firmware_main(const struct hv_boot_info *boot)
{
	return hv_main(&config, boot);
}
