/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Test firmware for the boot tests. The word "scenario=<name>" on the
 * hypervisor command line picks the appliance description:
 *
 *   modules     every boot module describes its own domain (default)
 *   missing     a domain names a boot module that is not there
 *   bad-config  a description with bad fields, refused by name
 *   static      two domains in fixed partitions (hv_mem_static)
 *   bvt         like modules, scheduled by BVT (weights from weight=)
 *   panic       the hypervisor faults (ud2) before hv_main()
 */
#include <hv/hv.h>

static const struct hv_config modules_config = {
        .version = HV_CONFIG_VERSION,
        .name = "test-modules",
        .flags = HV_CONFIG_F_MODULE_DOMAINS,
        .tick_ns = 1000000,
        .selftest_ticks = 5,
};

static const struct hv_config bvt_config = {
        .version = HV_CONFIG_VERSION,
        .name = "test-bvt",
        .flags = HV_CONFIG_F_MODULE_DOMAINS,
        .sched = &hv_sched_bvt,
        .tick_ns = 10000000,
        .selftest_ticks = 5,
};

static const struct hv_domain_config missing_domains[] = {
        {.name = "app", .image = "nosuch", .mem_size = 4u << 20, .vcpu_count = 1},
};

static const struct hv_config missing_config = {
        .version = HV_CONFIG_VERSION,
        .name = "test-missing",
        .domains = missing_domains,
        .domain_count = 1,
        .flags = HV_CONFIG_F_NO_RUN,
};

static const struct hv_domain_config bad_domains[] = {
        {.name = "ok", .image = "ok", .mem_size = 4u << 20, .vcpu_count = 1},
        {.name = "bad one", .image = "img", .mem_size = 0, .vcpu_count = 0},
};

static const struct hv_config bad_config = {
        .version = HV_CONFIG_VERSION,
        .name = "test-bad-config",
        .domains = bad_domains,
        .domain_count = 2,
        .flags = HV_CONFIG_F_NO_RUN,
};

static const struct hv_domain_config static_domains[] = {
        {.name = "part1",
         .image = "part1",
         .mem_size = 16u << 20,
         .vcpu_count = 1,
         .mem_base = 0x4000000},
        {.name = "part2",
         .image = "part2",
         .mem_size = 8u << 20,
         .vcpu_count = 1,
         .mem_base = 0x6000000},
};

static const struct hv_config static_config = {
        .version = HV_CONFIG_VERSION,
        .name = "test-static",
        .mem = &hv_mem_static,
        .domains = static_domains,
        .domain_count = 2,

};

/* True if the command line has the word "scenario=<name>". */
static bool scenario_is(const char *cmdline, const char *name)
{
	static const char key[] = "scenario=";

	for (const char *p = cmdline; *p != '\0'; p++) {
		const char *k = key;
		const char *q = p;
		const char *n = name;

		if (p != cmdline && p[-1] != ' ') {
			continue;
		}
		while (*k != '\0' && *q == *k) {
			q++;
			k++;
		}
		if (*k != '\0') {
			continue;
		}
		while (*n != '\0' && *q == *n) {
			q++;
			n++;
		}
		if (*n == '\0' && (*q == '\0' || *q == ' ')) {
			return true;
		}
	}
	return false;
}

int hv_firmware_main(const struct hv_boot_info *boot)
{
	if (scenario_is(boot->cmdline, "panic")) {
		hv_info("scenario panic: executing ud2 in the hypervisor");
		__builtin_trap();
	}
	if (scenario_is(boot->cmdline, "missing")) {
		return hv_main(&missing_config, boot);
	}
	if (scenario_is(boot->cmdline, "bad-config")) {
		return hv_main(&bad_config, boot);
	}
	if (scenario_is(boot->cmdline, "bvt")) {
		return hv_main(&bvt_config, boot);
	}
	if (scenario_is(boot->cmdline, "static")) {
		return hv_main(&static_config, boot);
	}
	return hv_main(&modules_config, boot);
}
