/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A firmware written by an integrator, outside the libhv tree. Each boot
 * module describes its own domain on its command line; the run passes when
 * every domain has powered off (with none, after the memory and timer
 * checks).
 */
#include <hv/hv.h>

static const struct hv_config config = {
        .version = HV_CONFIG_VERSION,
        .name = "my-appliance",
        .mem = &hv_mem_buddy,
        .flags = HV_CONFIG_F_MODULE_DOMAINS,
};

int hv_firmware_main(const struct hv_boot_info *boot)
{
	hv_info("my-appliance: firmware built against the installed libhv %s", hv_version());
	return hv_main(&config, boot);
}
