/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the start-up sequence, hv_main() (libhv/core/start.c), on the
 * fake port: 64 MiB of fake RAM, the low 1 MiB reserved, boot modules copied
 * into fake RAM. Each test checks the return value, the verdict line (which
 * must be the last one) and the lines that name what went wrong. hv_main()
 * keeps its state in static variables; every test calls it again in the
 * same process, and one test checks that two identical runs print the same.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <hv/hv.h>
#include "elf_builder.h"
#include "console_assert.h"
#include "fake_port.h"

#define MOD_A 0x200000u
#define MOD_B 0x210000u
#define MOD_C 0x220000u

static struct hv_boot_info boot;
static char saved_console[1 << 16];

static int setup(void **state)
{
	(void)state;
	fake_port_reset();
	hv_log_set_level(HV_LOG_INFO);
	fake_boot_init(&boot);
	return 0;
}

/* Adds the default good ELF image as a module at 'pa'. */
static void add_elf(uint64_t pa, const char *cmdline)
{
	static unsigned char image[EB_FILE_SIZE];
	struct elf_builder b;

	elf_builder_default(&b);
	elf_builder_write(&b, image);
	fake_boot_add_module(&boot, pa, image, sizeof(image), cmdline);
}

static void add_garbage(uint64_t pa, const char *cmdline)
{
	static unsigned char junk[3000];

	for (size_t i = 0; i < sizeof(junk); i++) {
		junk[i] = (unsigned char)(i * 37 + 11);
	}
	fake_boot_add_module(&boot, pa, junk, sizeof(junk), cmdline);
}

static struct hv_config module_config(void)
{
	return (struct hv_config){
	        .version = HV_CONFIG_VERSION,
	        .name = "unit",
	        .flags = HV_CONFIG_F_MODULE_DOMAINS,
	        .tick_ns = 1000000,
	        .selftest_ticks = 3,
	};
}

/* The free memory hv_main() reported after building the domains, in MiB. */
static unsigned long long free_mib(void)
{
	const char *p = strstr(fake_console_text(), "hv: domains: ");
	unsigned long long mib = 0;
	size_t built;
	size_t refused;

	assert_non_null(p);
	assert_int_equal(sscanf(p, "hv: domains: %zu built, %zu refused; %llu MiB free", &built,
	                        &refused, &mib),
	                 3);
	return mib;
}

static void test_module_domains_pass(void **state)
{
	struct hv_config cfg = module_config();

	(void)state;
	add_elf(MOD_A, "/boot/g1.elf g1 mem=2M vcpus=2 control");
	add_elf(MOD_B, "g2 mem=4M crash=restart");
	assert_int_equal(hv_main(&cfg, &boot), HV_VERDICT_PASS);
	console_assert_has("hv: domain 0 'g1': image 'g1' (8448 bytes, entry 0x400010), 2 MiB, "
	                   "2 vCPUs, control\n");
	console_assert_has("hv: domain 1 'g2': image 'g2' (8448 bytes, entry 0x400010), 4 MiB, "
	                   "1 vCPU\n");
	console_assert_has("hv: domains: 2 built, 0 refused; ");
	console_assert_has("hv: timer: 3 ticks of 1000 us in ");
	console_assert_lacks("error");
	assert_int_equal(fake_timer_fired(), 3);
	console_assert_verdict(true);
}

static void test_report_machine(void **state)
{
	struct hv_config cfg = module_config();
	char want[64];

	(void)state;
	add_elf(MOD_A, "/boot/g1.elf g1");
	assert_int_equal(hv_main(&cfg, &boot), HV_VERDICT_PASS);
	snprintf(want, sizeof(want), "hv: libhv %s, appliance 'unit'\n", hv_version());
	console_assert_has(want);
	console_assert_has("hv: port fake (interface 4), cpu 'host'\n");
	console_assert_has("hv: cpu features: nx\n");
	console_assert_has("hv: clock 1000000000 Hz, timer fake\n");
	console_assert_has("hv: booted by fake, command line ''\n");
	console_assert_has("hv: memory map: 2 regions\n");
	console_assert_has("hv:   0x000000000000-0x000004000000 usable   65536 KiB\n");
	console_assert_has("hv:   0x0000fee00000-0x0000fee01000 reserved 4 KiB\n");
	console_assert_has("hv: memory: 64 MiB usable\n");
	console_assert_has("hv: boot modules: 1\n");
	console_assert_has("hv:   module 0 at 0x200000, 8448 bytes: '/boot/g1.elf g1'\n");
	console_assert_has("frames in the table at ");
	console_assert_has("module 'buddy'\n");
}

static void test_config_domains_pass(void **state)
{
	static const struct hv_domain_config domains[] = {
	        {.name = "dom0",
	         .image = "kernel",
	         .mem_size = 8u << 20,
	         .vcpu_count = 1,
	         .flags = HV_DOMAIN_F_CONTROL},
	        {.name = "web",
	         .image = "webimg",
	         .mem_size = 3u << 20,
	         .vcpu_count = 4,
	         .on_crash = HV_CRASH_KEEP},
	};
	struct hv_config cfg = module_config();
	unsigned long long without;

	(void)state;
	add_elf(MOD_A, "/boot/vmlinux kernel console=hvc0");
	add_elf(MOD_B, "webimg");
	cfg.flags = 0;
	/* First without domains: how much memory is free with the same modules. */
	assert_int_equal(hv_main(&cfg, &boot), HV_VERDICT_PASS);
	console_assert_has("hv: domains: 0 built, 0 refused; ");
	without = free_mib();

	fake_port_reset();
	fake_boot_init(&boot);
	add_elf(MOD_A, "/boot/vmlinux kernel console=hvc0");
	add_elf(MOD_B, "webimg");
	cfg.domains = domains;
	cfg.domain_count = 2;
	assert_int_equal(hv_main(&cfg, &boot), HV_VERDICT_PASS);
	console_assert_has("hv: domain 0 'dom0': image 'kernel' (8448 bytes, entry 0x400010), "
	                   "8 MiB, 1 vCPU, control\n");
	console_assert_has("hv: domain 1 'web': image 'webimg' (8448 bytes, entry 0x400010), "
	                   "3 MiB, 4 vCPUs\n");
	console_assert_has("hv: domains: 2 built, 0 refused; ");
	/* The reservations were really allocated. */
	assert_true(free_mib() == without - 11);
	console_assert_verdict(true);
}

/* Names are unique across C-described and module-described domains. */
static void test_duplicate_domain_names_refused(void **state)
{
	static const struct hv_domain_config domains[] = {
	        {.name = "dom0", .image = "kernel", .mem_size = 2u << 20, .vcpu_count = 1},
	};
	struct hv_config cfg = module_config();

	(void)state;
	add_elf(MOD_A, "kernel");
	add_elf(MOD_B, "logger name=dom0 mem=2M");
	add_elf(MOD_C, "kernel2 name=logger mem=2M");
	cfg.domains = domains;
	cfg.domain_count = 1;
	assert_int_equal(hv_main(&cfg, &boot), HV_VERDICT_FAIL);
	console_assert_has("hv: error: module 'logger': name: 'dom0' is already the name of "
	                   "domain 0\n");
	console_assert_has("hv: error: module 'logger': domain refused\n");
	console_assert_has("hv: domain 1 'logger': image 'kernel2'");
	console_assert_has("hv: domains: 2 built, 1 refused; ");
	console_assert_verdict(false);
}

/* Without HV_CONFIG_F_MODULE_DOMAINS, modules nobody names are left alone. */
static void test_unnamed_modules_ignored_without_flag(void **state)
{
	static const struct hv_domain_config domains[] = {
	        {.name = "a", .image = "a", .mem_size = 2u << 20, .vcpu_count = 1},
	};
	struct hv_config cfg = module_config();

	(void)state;
	add_elf(MOD_A, "a");
	add_garbage(MOD_B, "junk");
	cfg.domains = domains;
	cfg.domain_count = 1;
	cfg.flags = 0;
	assert_int_equal(hv_main(&cfg, &boot), HV_VERDICT_PASS);
	console_assert_has("hv: domains: 1 built, 0 refused; ");
	console_assert_lacks("domain 'junk'");
	console_assert_lacks("error");

	/* With it, the same module becomes a domain, and a bad one. */
	fake_port_reset();
	fake_boot_init(&boot);
	add_elf(MOD_A, "a");
	add_garbage(MOD_B, "junk");
	cfg.flags = HV_CONFIG_F_MODULE_DOMAINS;
	assert_int_equal(hv_main(&cfg, &boot), HV_VERDICT_FAIL);
	console_assert_has("hv: domain 0 'a': image 'a'");
	console_assert_has(
	        "hv: error: domain 'junk': module 'junk': not an ELF image (bad magic)\n");
	console_assert_verdict(false);
}

static void test_garbage_module_fails_naming_it(void **state)
{
	struct hv_config cfg = module_config();

	(void)state;
	add_elf(MOD_A, "good mem=2M");
	add_garbage(MOD_B, "/boot/junk.bin junk mem=2M");
	add_elf(MOD_C, "after mem=2M");
	assert_int_equal(hv_main(&cfg, &boot), HV_VERDICT_FAIL);
	console_assert_has("hv: error: domain 'junk': module 'junk': not an ELF image (bad magic)\n"
	                   "hv: error: domain 'junk': refused; the other domains go on\n");
	console_assert_has("hv: domain 0 'good': ");
	console_assert_has("hv: domain 2 'after': ");
	console_assert_has("hv: domains: 2 built, 1 refused; ");
	assert_int_equal(fake_timer_fired(), 3); /* the run went on to the end */
	console_assert_verdict(false);
}

static void test_missing_module_names_image(void **state)
{
	static const struct hv_domain_config domains[] = {
	        {.name = "web", .image = "web-img", .mem_size = 2u << 20, .vcpu_count = 1},
	        {.name = "db", .image = "db-img", .mem_size = 2u << 20, .vcpu_count = 1},
	};
	struct hv_config cfg = module_config();

	(void)state;
	add_elf(MOD_A, "db-img");
	add_elf(MOD_B, "/boot/web-img"); /* a path alone names no module */
	cfg.domains = domains;
	cfg.domain_count = 2;
	cfg.flags = 0;
	assert_int_equal(hv_main(&cfg, &boot), HV_VERDICT_FAIL);
	console_assert_has("hv: error: domain 'web': image: no boot module named 'web-img'\n"
	                   "hv: error: domain 'web': refused; the other domains go on\n");
	console_assert_has("hv: domain 1 'db': image 'db-img'");
	console_assert_has("hv: domains: 1 built, 1 refused; ");
	console_assert_verdict(false);
}

static void test_too_little_memory(void **state)
{
	static const struct hv_domain_config domains[] = {
	        {.name = "small", .image = "img", .mem_size = 8u << 20, .vcpu_count = 1},
	        {.name = "huge", .image = "img", .mem_size = 128u << 20, .vcpu_count = 1},
	        {.name = "tiny", .image = "img", .mem_size = 1u << 20, .vcpu_count = 1},
	};
	struct hv_config cfg = module_config();
	unsigned long long with_huge;

	(void)state;
	add_elf(MOD_A, "img");
	cfg.domains = domains;
	cfg.domain_count = 3;
	cfg.flags = 0;
	assert_int_equal(hv_main(&cfg, &boot), HV_VERDICT_FAIL);
	console_assert_has("hv: error: domain 'huge': mem_size: needs 131072 KiB but only ");
	console_assert_has(" KiB could be allocated\n"
	                   "hv: error: domain 'huge': refused; the other domains go on\n");
	console_assert_has("hv: domain 0 'small': ");
	console_assert_has("hv: domain 2 'tiny': ");
	console_assert_has("hv: domains: 2 built, 1 refused; ");
	console_assert_verdict(false);
	with_huge = free_mib();

	/* What 'huge' took while trying was given back: same as without it. */
	fake_port_reset();
	fake_boot_init(&boot);
	add_elf(MOD_A, "img");
	cfg.domain_count = 1;
	assert_int_equal(hv_main(&cfg, &boot), HV_VERDICT_PASS);
	assert_true(free_mib() == with_huge + 1); /* plus the 1 MiB of 'tiny' */
}

static void test_bad_config_fails_before_memory(void **state)
{
	static const struct hv_domain_config domains[] = {
	        {.name = "d", .image = "img", .mem_size = 2u << 20, .vcpu_count = 0},
	};
	struct hv_config cfg = module_config();

	(void)state;
	add_elf(MOD_A, "img");
	cfg.domains = domains;
	cfg.domain_count = 1;
	assert_int_equal(hv_main(&cfg, &boot), HV_VERDICT_FAIL);
	console_assert_has("hv: error: config: domains[0].vcpu_count: 0 is outside 1..8\n"
	                   "hv: error: config: appliance description refused\n"
	                   "hv: verdict: FAIL\n");
	console_assert_lacks("frames in the table");
	console_assert_lacks("hv: domains:");
	console_assert_lacks("hv: timer:");
	assert_int_equal(fake_timer_fired(), 0);
	console_assert_verdict(false);

	/* A version mismatch, and no description at all. */
	fake_port_reset();
	cfg.version = 7;
	assert_int_equal(hv_main(&cfg, &boot), HV_VERDICT_FAIL);
	console_assert_has("hv: error: config: version: 7, but this libhv reads version 1\n");
	console_assert_lacks("frames in the table");
	console_assert_verdict(false);

	fake_port_reset();
	assert_int_equal(hv_main(NULL, &boot), HV_VERDICT_FAIL);
	console_assert_has("appliance '?'");
	console_assert_has("hv: error: config: no appliance description\n");
	console_assert_lacks("frames in the table");
	console_assert_verdict(false);
}

static void test_memory_setup_failure(void **state)
{
	static const struct hv_mem_region no_ram[] = {
	        {.base = 0, .size = 0x100000, .type = HV_MEM_REGION_RESERVED},
	};
	struct hv_config cfg = module_config();

	(void)state;
	boot.regions = no_ram;
	boot.region_count = 1;
	boot.reserved_count = 0;
	assert_int_equal(hv_main(&cfg, &boot), HV_VERDICT_FAIL);
	console_assert_has("hv: error: memory: the boot memory map lists no usable RAM\n"
	                   "hv: error: memory: set-up failed\n"
	                   "hv: verdict: FAIL\n");
	assert_int_equal(fake_timer_fired(), 0);
}

static void test_timer_never_fires(void **state)
{
	struct hv_config cfg = module_config();

	(void)state;
	add_elf(MOD_A, "g1 mem=2M");
	fake_timer_set_working(false);
	assert_int_equal(hv_main(&cfg, &boot), HV_VERDICT_FAIL);
	console_assert_has("hv: domain 0 'g1': ");
	console_assert_has("hv: error: timer: 0 of 3 ticks in ");
	console_assert_has(" ms: the one-shot timer does not fire\nhv: verdict: FAIL\n");
	assert_int_equal(fake_timer_fired(), 0);
	console_assert_verdict(false);
}

static void test_default_tick(void **state)
{
	struct hv_config cfg = module_config();

	(void)state;
	cfg.tick_ns = 0;
	cfg.selftest_ticks = 0;
	fake_clock_set_step(100000); /* 100 us per reading: fewer readings per tick */
	assert_int_equal(hv_main(&cfg, &boot), HV_VERDICT_PASS);
	console_assert_has("hv: timer: 3 ticks of 10000 us in ");
	assert_int_equal(fake_timer_fired(), 3);
	console_assert_verdict(true);
}

static void test_module_domain_refused(void **state)
{
	struct hv_config cfg = module_config();

	(void)state;
	add_elf(MOD_A, "bad vcpus=9");
	add_elf(MOD_B, "worse colour=red");
	add_elf(MOD_C, "fine");
	assert_int_equal(hv_main(&cfg, &boot), HV_VERDICT_FAIL);
	console_assert_has("hv: error: module 'bad'.vcpu_count: 9 is outside 1..8\n"
	                   "hv: error: module 'bad': domain refused\n");
	console_assert_has("hv: error: module 'worse': bad option 'colour=red'");
	console_assert_has("hv: error: module 'worse': domain refused\n");
	console_assert_has("hv: domain 0 'fine': ");
	console_assert_has("hv: domains: 1 built, 2 refused; ");
	console_assert_verdict(false);
}

static void test_static_partitions(void **state)
{
	static const struct hv_domain_config domains[] = {
	        {.name = "p1",
	         .image = "img",
	         .mem_size = 4u << 20,
	         .vcpu_count = 1,
	         .mem_base = 0x1000000},
	        {.name = "p2",
	         .image = "img",
	         .mem_size = 8u << 20,
	         .vcpu_count = 2,
	         .mem_base = 0x2000000},
	};
	struct hv_config cfg = module_config();

	(void)state;
	add_elf(MOD_A, "img");
	cfg.mem = &hv_mem_static;
	cfg.domains = domains;
	cfg.domain_count = 2;
	cfg.flags = 0;
	assert_int_equal(hv_main(&cfg, &boot), HV_VERDICT_PASS);
	console_assert_has("module 'static'\n");
	console_assert_has("hv: domain 0 'p1': image 'img' (8448 bytes, entry 0x400010), 4 MiB, "
	                   "1 vCPU\n");
	console_assert_has("hv: domain 1 'p2': image 'img' (8448 bytes, entry 0x400010), 8 MiB, "
	                   "2 vCPUs\n");
	console_assert_lacks("error");
	console_assert_verdict(true);
}

static void test_static_partitions_refused(void **state)
{
	static const struct hv_domain_config domains[] = {
	        {.name = "p1",
	         .image = "img",
	         .mem_size = 4u << 20,
	         .vcpu_count = 1,
	         .mem_base = 0x1000000},
	        /* Overlaps p1. */
	        {.name = "p2",
	         .image = "img",
	         .mem_size = 4u << 20,
	         .vcpu_count = 1,
	         .mem_base = 0x1200000},
	        /* Covers the boot module, which is not free RAM. */
	        {.name = "p3",
	         .image = "img",
	         .mem_size = 2u << 20,
	         .vcpu_count = 1,
	         .mem_base = 0x200000},
	        /* Past the end of RAM. */
	        {.name = "p5",
	         .image = "img",
	         .mem_size = 4u << 20,
	         .vcpu_count = 1,
	         .mem_base = 0x3e00000},
	        {.name = "p6",
	         .image = "img",
	         .mem_size = 2u << 20,
	         .vcpu_count = 1,
	         .mem_base = 0x3000000},
	};
	struct hv_config cfg = module_config();

	(void)state;
	add_elf(MOD_A, "img");
	cfg.mem = &hv_mem_static;
	cfg.domains = domains;
	cfg.domain_count = 5;
	cfg.flags = 0;
	assert_int_equal(hv_main(&cfg, &boot), HV_VERDICT_FAIL);
	console_assert_has("hv: domain 0 'p1': ");
	console_assert_has("hv: error: domain 'p2': mem_base 0x1200000: partition of 4 MiB "
	                   "refused: HV_EBUSY (object is in use)\n");
	console_assert_has("hv: error: domain 'p3': mem_base 0x200000: partition of 2 MiB "
	                   "refused: HV_ERANGE (out of range)\n");
	console_assert_has("hv: error: domain 'p5': mem_base 0x3e00000: partition of 4 MiB "
	                   "refused: HV_E");
	console_assert_has("hv: domain 4 'p6': ");
	console_assert_has("hv: domains: 2 built, 3 refused; ");
	console_assert_verdict(false);
}

/* hv_main() keeps static state: a second identical run must print exactly the same. */
static void test_repeated_runs(void **state)
{
	struct hv_config cfg = module_config();

	(void)state;
	add_elf(MOD_A, "g1 mem=2M vcpus=2");
	add_elf(MOD_B, "g2 mem=6M");
	assert_int_equal(hv_main(&cfg, &boot), HV_VERDICT_PASS);
	snprintf(saved_console, sizeof(saved_console), "%s", fake_console_text());

	/* A failing run in between leaves nothing behind. */
	fake_port_reset();
	fake_boot_init(&boot);
	add_garbage(MOD_A, "g1 mem=2M vcpus=2");
	fake_timer_set_working(false);
	assert_int_equal(hv_main(&cfg, &boot), HV_VERDICT_FAIL);

	for (int run = 0; run < 2; run++) {
		fake_port_reset();
		fake_boot_init(&boot);
		add_elf(MOD_A, "g1 mem=2M vcpus=2");
		add_elf(MOD_B, "g2 mem=6M");
		assert_int_equal(hv_main(&cfg, &boot), HV_VERDICT_PASS);
		assert_string_equal(fake_console_text(), saved_console);
		assert_int_equal(fake_timer_fired(), 3);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup(test_module_domains_pass, setup),
	        cmocka_unit_test_setup(test_report_machine, setup),
	        cmocka_unit_test_setup(test_config_domains_pass, setup),
	        cmocka_unit_test_setup(test_unnamed_modules_ignored_without_flag, setup),
	        cmocka_unit_test_setup(test_garbage_module_fails_naming_it, setup),
	        cmocka_unit_test_setup(test_missing_module_names_image, setup),
	        cmocka_unit_test_setup(test_too_little_memory, setup),
	        cmocka_unit_test_setup(test_bad_config_fails_before_memory, setup),
	        cmocka_unit_test_setup(test_memory_setup_failure, setup),
	        cmocka_unit_test_setup(test_timer_never_fires, setup),
	        cmocka_unit_test_setup(test_default_tick, setup),
	        cmocka_unit_test_setup(test_module_domain_refused, setup),
	        cmocka_unit_test_setup(test_static_partitions, setup),
	        cmocka_unit_test_setup(test_static_partitions_refused, setup),
	        cmocka_unit_test_setup(test_repeated_runs, setup),
	        cmocka_unit_test_setup(test_duplicate_domain_names_refused, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
