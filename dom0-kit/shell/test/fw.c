/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The firmware of the shell's boot tests: domain 0 is the shell (the boot
 * module "shell", described here, so that its module's command line is
 * its own: the words after "--" are its script); every other boot module
 * describes itself, and the test guest's module is marked "image", an
 * image the shell creates domains from.
 *
 * A 10 ms tick, as in the demo: the hypervisor takes serial input (at most
 * 64 bytes at a time) when a tick interrupts a domain or when it idles,
 * and keeps 256 bytes; fewer ticks give the shell more time to take a
 * session fed to the serial port at once before the oldest bytes are lost.
 */
#include <hv/hv.h>

static const struct hv_domain_config domains[] = {
        {
                .name = "dom0",
                .image = "shell",
                .mem_size = 16u << 20,
                .vcpu_count = 1,
                .flags = HV_DOMAIN_F_CONTROL,
                .on_crash = HV_CRASH_DESTROY,
        },
};

static const struct hv_config config = {
        .version = HV_CONFIG_VERSION,
        .name = "shell-test",
        .domains = domains,
        .domain_count = sizeof(domains) / sizeof(domains[0]),
        .flags = HV_CONFIG_F_MODULE_DOMAINS,
        .tick_ns = 10000000,
};

int hv_firmware_main(const struct hv_boot_info *boot)
{
	return hv_main(&config, boot);
}
