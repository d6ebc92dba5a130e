/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the appliance description checks and of boot module command
 * lines (libhv/core/config.c). A bad field must be refused with one error
 * line that names it exactly ("config: domains[1].mem_size: ..."), and
 * nothing else may be blamed; module command lines are read with and
 * without the file path some boot loaders put first.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <hv/abi/errno.h>
#include <hv/config.h>
#include <hv/log.h>
#include "core/boot.h"
#include "fake_port.h"

#define NAME_31 "abcdefghijklmnopqrstuvwxyz01234"
#define NAME_32 NAME_31 "5"

_Static_assert(sizeof(NAME_31) == HV_NAME_MAX + 1, "NAME_31 is HV_NAME_MAX characters");

static const char name_32[] = NAME_32;
static const char name_option_32[] = "name=" NAME_32;

static const struct hv_domain_config good_domains[3] = {
        {.name = "alpha",
         .image = "alpha.img",
         .mem_size = 16u << 20,
         .vcpu_count = 1,
         .flags = HV_DOMAIN_F_CONTROL,
         .on_crash = HV_CRASH_DESTROY},
        {.name = "beta-2",
         .image = "beta",
         .mem_size = HV_DOMAIN_MIN_MEM,
         .vcpu_count = HV_DOMAIN_MAX_VCPUS,
         .on_crash = HV_CRASH_RESTART,
         .cmdline = "console=hvc0"},
        {.name = "Gamma_3.x",
         .image = NAME_31,
         .mem_size = (1u << 20) + 4096 * 3,
         .vcpu_count = 2,
         .on_crash = HV_CRASH_KEEP},
};

/* A copy of the good description that a test may break. */
struct fixture {
	struct hv_config cfg;
	struct hv_domain_config domains[3];
};

static int setup(void **state)
{
	static struct fixture fx;

	fake_port_reset();
	hv_log_set_level(HV_LOG_INFO);
	memcpy(fx.domains, good_domains, sizeof(fx.domains));
	fx.cfg = (struct hv_config){
	        .version = HV_CONFIG_VERSION,
	        .name = "test-appliance",
	        .domains = fx.domains,
	        .domain_count = 3,
	        .flags = HV_CONFIG_F_MODULE_DOMAINS,
	        .tick_ns = 1000000,
	};
	*state = &fx;
	return 0;
}

/* Number of error lines on the console. */
static unsigned int error_count(void)
{
	unsigned int n = 0;

	for (const char *p = fake_console_text(); (p = strstr(p, "hv: error: ")) != NULL; p++) {
		n++;
	}
	return n;
}

/* The console holds exactly one line, an error that starts "hv: error: <field>: ". */
static void assert_one_error(const char *field)
{
	char want[128];
	const char *text = fake_console_text();

	snprintf(want, sizeof(want), "hv: error: %s: ", field);
	if (error_count() != 1 || strncmp(text, want, strlen(want)) != 0 ||
	    strchr(text, '\n') != text + strlen(text) - 1) {
		fail_msg("expected one error naming '%s', console has:\n%s", field, text);
	}
}

/* Runs hv_config_check and expects -HV_EINVAL with one error naming 'field'. */
static void expect_refused(const struct hv_config *cfg, const char *field)
{
	fake_port_reset();
	assert_int_equal(hv_config_check(cfg), -HV_EINVAL);
	assert_one_error(field);
}

static void test_good_config_passes(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(hv_config_check(&fx->cfg), 0);
	assert_string_equal(fake_console_text(), "");

	/* No domains at all, default tick, no flags. */
	fx->cfg.domains = NULL;
	fx->cfg.domain_count = 0;
	fx->cfg.tick_ns = 0;
	fx->cfg.flags = 0;
	assert_int_equal(hv_config_check(&fx->cfg), 0);
	assert_string_equal(fake_console_text(), "");
}

/* A partition base goes with a partitioning memory module, and only with one. */
static void test_partition_base_must_fit_module(void **state)
{
	struct fixture *fx = *state;

	fx->domains[1].mem_base = 0x4000000;
	expect_refused(&fx->cfg, "config: domains[1].mem_base");
	assert_non_null(strstr(fake_console_text(), "'buddy' does not partition memory"));

	fx->cfg.mem = &hv_mem_static;
	fake_port_reset();
	assert_int_equal(hv_config_check(&fx->cfg), -HV_EINVAL);
	assert_non_null(strstr(fake_console_text(), "config: domains[0].mem_base: memory module "
	                                            "'static' partitions memory statically"));
	assert_non_null(strstr(fake_console_text(), "config: domains[2].mem_base: "));
	assert_null(strstr(fake_console_text(), "config: domains[1]"));

	fx->domains[0].mem_base = 0x1000000;
	fx->domains[2].mem_base = 0x6000000;
	fake_port_reset();
	assert_int_equal(hv_config_check(&fx->cfg), 0);
	assert_string_equal(fake_console_text(), "");
}

static void test_null_config(void **state)
{
	(void)state;
	assert_int_equal(hv_config_check(NULL), -HV_EINVAL);
	assert_string_equal(fake_console_text(), "hv: error: config: no appliance description\n");
}

static void test_version_mismatch(void **state)
{
	struct fixture *fx = *state;

	fx->cfg.version = HV_CONFIG_VERSION + 1;
	fx->cfg.name = NULL; /* not reported: nothing else is read */
	fx->domains[0].vcpu_count = 0;
	assert_int_equal(hv_config_check(&fx->cfg), -HV_EINVAL);
	assert_string_equal(fake_console_text(),
	                    "hv: error: config: version: 2, but this libhv reads version 1\n");
	fx->cfg.version = 0;
	expect_refused(&fx->cfg, "config: version");
}

static void test_bad_appliance_name(void **state)
{
	static const char *const bad[] = {NULL,  "",    name_32,       "a b",
	                                  "a/b", "x:y", "caf\xc3\xa9", "tab\t"};
	struct fixture *fx = *state;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		fx->cfg.name = bad[i];
		expect_refused(&fx->cfg, "config: name");
	}
	fx->cfg.name = NAME_31;
	fake_port_reset();
	assert_int_equal(hv_config_check(&fx->cfg), 0);
}

static void test_domain_count_too_large(void **state)
{
	struct fixture *fx = *state;

	fx->cfg.domain_count = HV_CONFIG_MAX_DOMAINS + 1;
	expect_refused(&fx->cfg, "config: domain_count");
	assert_true(fake_console_contains("65 is more than 64"));
}

static void test_null_domains_with_count(void **state)
{
	struct fixture *fx = *state;

	fx->cfg.domains = NULL;
	fx->cfg.domain_count = 2;
	expect_refused(&fx->cfg, "config: domains");
	assert_true(fake_console_contains("NULL but domain_count is 2"));
}

static void test_unknown_config_flags(void **state)
{
	struct fixture *fx = *state;

	fx->cfg.flags = HV_CONFIG_F_MODULE_DOMAINS | 0x10;
	expect_refused(&fx->cfg, "config: flags");
	assert_true(fake_console_contains("unknown bits 0x10"));
}

static void test_tick_ns_bounds(void **state)
{
	static const struct {
		uint64_t tick_ns;
		bool ok;
	} cases[] = {
	        {0, true},          {1, false},          {9999, false},       {10000, true},
	        {1000000000, true}, {1000000001, false}, {UINT64_MAX, false},
	};
	struct fixture *fx = *state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fx->cfg.tick_ns = cases[i].tick_ns;
		if (cases[i].ok) {
			fake_port_reset();
			assert_int_equal(hv_config_check(&fx->cfg), 0);
			assert_string_equal(fake_console_text(), "");
		} else {
			expect_refused(&fx->cfg, "config: tick_ns");
		}
	}
}

/* Each way to break one field of domains[1], and the field that must be named. */
static void test_each_bad_domain_field(void **state)
{
	static const struct {
		const char *field;
		struct hv_domain_config change;
		unsigned int what; /* which member 'change' replaces */
	} cases[] = {
#define NAME  0
#define IMAGE 1
#define MEM   2
#define VCPUS 3
#define FLAGS 4
#define CRASH 5
#define BASE  6
	        {"name", {.name = NULL}, NAME},
	        {"name", {.name = ""}, NAME},
	        {"name", {.name = NAME_32}, NAME},
	        {"name", {.name = "has space"}, NAME},
	        {"name", {.name = "semi;colon"}, NAME},
	        {"image", {.image = NULL}, IMAGE},
	        {"image", {.image = ""}, IMAGE},
	        {"image", {.image = "/boot/guest"}, IMAGE},
	        {"image", {.image = NAME_32}, IMAGE},
	        {"mem_size", {.mem_size = 0}, MEM},
	        {"mem_size", {.mem_size = HV_DOMAIN_MIN_MEM - 4096}, MEM},
	        {"mem_size", {.mem_size = HV_DOMAIN_MIN_MEM + 1}, MEM},
	        {"mem_size", {.mem_size = (16u << 20) + 2048}, MEM},
	        {"vcpu_count", {.vcpu_count = 0}, VCPUS},
	        {"vcpu_count", {.vcpu_count = HV_DOMAIN_MAX_VCPUS + 1}, VCPUS},
	        {"vcpu_count", {.vcpu_count = UINT32_MAX}, VCPUS},
	        {"flags", {.flags = 2}, FLAGS},
	        {"flags", {.flags = HV_DOMAIN_F_CONTROL | 0x80000000u}, FLAGS},
	        {"on_crash", {.on_crash = (enum hv_crash_policy)3}, CRASH},
	        {"on_crash", {.on_crash = (enum hv_crash_policy) - 1}, CRASH},
	        {"mem_base", {.mem_base = 0x4000800}, BASE},
	        {"mem_base", {.mem_base = 1}, BASE},
	};
	struct fixture *fx = *state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct hv_domain_config *d = &fx->domains[1];
		char field[64];

		*d = good_domains[1];
		switch (cases[i].what) {
		case NAME:
			d->name = cases[i].change.name;
			break;
		case IMAGE:
			d->image = cases[i].change.image;
			break;
		case MEM:
			d->mem_size = cases[i].change.mem_size;
			break;
		case VCPUS:
			d->vcpu_count = cases[i].change.vcpu_count;
			break;
		case FLAGS:
			d->flags = cases[i].change.flags;
			break;
		case CRASH:
			d->on_crash = cases[i].change.on_crash;
			break;
		default:
			d->mem_base = cases[i].change.mem_base;
			break;
		}
#undef NAME
#undef IMAGE
#undef MEM
#undef VCPUS
#undef FLAGS
#undef CRASH
#undef BASE
		snprintf(field, sizeof(field), "config: domains[1].%s", cases[i].field);
		expect_refused(&fx->cfg, field);
	}
}

static void test_all_bad_fields_reported(void **state)
{
	struct fixture *fx = *state;

	fx->cfg.flags = 0x100;
	fx->cfg.tick_ns = 5;
	fx->domains[0].mem_size = 4096;
	fx->domains[2].vcpu_count = 0;
	fx->domains[2].on_crash = (enum hv_crash_policy)9;
	assert_int_equal(hv_config_check(&fx->cfg), -HV_EINVAL);
	assert_int_equal(error_count(), 5);
	assert_string_equal(fake_console_text(),
	                    "hv: error: config: flags: unknown bits 0x100\n"
	                    "hv: error: config: tick_ns: 5 is outside 10 us .. 1 s\n"
	                    "hv: error: config: domains[0].mem_size: 4096 bytes is below the "
	                    "minimum of 1048576\n"
	                    "hv: error: config: domains[2].vcpu_count: 0 is outside 1..8\n"
	                    "hv: error: config: domains[2].on_crash: 9 is not a crash policy\n");
}

static void test_duplicate_names(void **state)
{
	struct fixture *fx = *state;

	fx->domains[2].name = "alpha";
	assert_int_equal(hv_config_check(&fx->cfg), -HV_EINVAL);
	assert_string_equal(fake_console_text(), "hv: error: config: domains[2].name: 'alpha' is "
	                                         "already the name of domains[0]\n");

	/* Names are compared exactly: case matters. */
	fx->domains[2].name = "ALPHA";
	fake_port_reset();
	assert_int_equal(hv_config_check(&fx->cfg), 0);
}

/* A domain without a name must not break the duplicate check of the ones after it. */
static void test_nameless_domain_before_good_ones(void **state)
{
	struct fixture *fx = *state;

	fx->domains[0].name = NULL;
	expect_refused(&fx->cfg, "config: domains[0].name");

	fx->domains[0].name = "alpha";
	fx->domains[1].name = NULL;
	expect_refused(&fx->cfg, "config: domains[1].name");
}

static void test_max_domains(void **state)
{
	static struct hv_domain_config many[HV_CONFIG_MAX_DOMAINS];
	static char names[HV_CONFIG_MAX_DOMAINS][8];
	struct fixture *fx = *state;

	for (size_t i = 0; i < HV_CONFIG_MAX_DOMAINS; i++) {
		snprintf(names[i], sizeof(names[i]), "d%zu", i);
		many[i] = good_domains[0];
		many[i].name = names[i];
	}
	fx->cfg.domains = many;
	fx->cfg.domain_count = HV_CONFIG_MAX_DOMAINS;
	assert_int_equal(hv_config_check(&fx->cfg), 0);
	assert_string_equal(fake_console_text(), "");

	many[HV_CONFIG_MAX_DOMAINS - 1].name = "d7";
	expect_refused(&fx->cfg, "config: domains[63].name");
	assert_true(fake_console_contains("'d7' is already the name of domains[7]"));
}

static void test_domain_check_where(void **state)
{
	struct hv_domain_config d = good_domains[0];

	(void)state;
	assert_int_equal(hv_domain_config_check(&d, "module 'x'"), 0);
	assert_string_equal(fake_console_text(), "");
	d.vcpu_count = 9;
	assert_int_equal(hv_domain_config_check(&d, "module 'x'"), -HV_EINVAL);
	assert_string_equal(fake_console_text(),
	                    "hv: error: module 'x'.vcpu_count: 9 is outside 1..8\n");
}

/* Module names. */

static const char *name_of(const char *cmdline, char *buf, size_t size)
{
	struct hv_boot_module m = {.base = 0x200000, .size = 4096, .cmdline = cmdline};

	return hv_module_name(&m, buf, size);
}

static void test_module_name(void **state)
{
	static const struct {
		const char *cmdline;
		const char *name;
	} cases[] = {
	        {"guest", "guest"},
	        {"guest mem=16M vcpus=2", "guest"},
	        {"  \tguest  mem=16M", "guest"},
	        {"/boot/guest.elf guest mem=16M", "guest"},
	        {"/boot/guest.elf   other", "other"},
	        {"boot/guest.elf guest", "boot/guest.elf"}, /* only a leading '/' marks a path */
	        {"/boot/guest.elf", ""},                    /* a path and no name */
	        {"", ""},
	        {"   ", ""},
	        {"mem=16M", ""}, /* the first word is an option */
	        {"/boot/g mem=16M guest", ""},
	        {NAME_31 " x", NAME_31},
	        {NAME_32 " x", ""}, /* does not fit in the buffer */
	};
	char buf[HV_NAME_MAX + 1];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got;

		memset(buf, 'z', sizeof(buf));
		got = name_of(cases[i].cmdline, buf, sizeof(buf));
		assert_ptr_equal(got, buf);
		if (strcmp(got, cases[i].name) != 0) {
			fail_msg("cmdline '%s': name '%s', expected '%s'", cases[i].cmdline, got,
			         cases[i].name);
		}
	}
	/* A small buffer: the name must fit with its terminator. */
	assert_string_equal(name_of("abcd", buf, 5), "abcd");
	assert_string_equal(name_of("abcde", buf, 5), "");
}

static void test_module_find(void **state)
{
	static const struct hv_boot_module mods[] = {
	        {.base = 0x100000, .size = 10, .cmdline = "/boot/a.elf a mem=1M"},
	        {.base = 0x200000, .size = 10, .cmdline = "b"},
	        {.base = 0x300000, .size = 10, .cmdline = "a second-a"},
	        {.base = 0x400000, .size = 10, .cmdline = "c.d"},
	};
	struct hv_boot_info boot = {.modules = mods, .module_count = 4};

	(void)state;
	assert_ptr_equal(hv_module_find(&boot, "a"), &mods[0]); /* the first of two */
	assert_ptr_equal(hv_module_find(&boot, "b"), &mods[1]);
	assert_ptr_equal(hv_module_find(&boot, "c.d"), &mods[3]);
	assert_null(hv_module_find(&boot, "c"));
	assert_null(hv_module_find(&boot, "second-a"));
	assert_null(hv_module_find(&boot, "a.elf"));
	assert_null(hv_module_find(&boot, "/boot/a.elf"));
	boot.module_count = 0;
	assert_null(hv_module_find(&boot, "a"));
}

/* Module command lines describing domains. */

static void test_parse_domain_defaults(void **state)
{
	struct hv_boot_module m = {.base = 0x200000, .size = 100, .cmdline = "guest"};
	struct hv_domain_desc d;

	(void)state;
	memset(&d, 0xa5, sizeof(d));
	assert_int_equal(hv_module_parse_domain(&m, &d), 0);
	assert_string_equal(d.name, "guest");
	assert_string_equal(d.image, "guest");
	assert_ptr_equal(d.cfg.name, d.name);
	assert_ptr_equal(d.cfg.image, d.image);
	assert_ptr_equal(d.cfg.cmdline, m.cmdline);
	assert_ptr_equal(d.module, &m);
	assert_true(d.cfg.mem_size == 16 * HV_DOMAIN_MIN_MEM);
	assert_int_equal(d.cfg.vcpu_count, 1);
	assert_int_equal(d.cfg.flags, 0);
	assert_int_equal(d.cfg.on_crash, HV_CRASH_DESTROY);
	assert_true(d.cfg.mem_base == 0);
	assert_int_equal(hv_domain_config_check(&d.cfg, "module 'guest'"), 0);
	assert_string_equal(fake_console_text(), "");
}

static void test_parse_domain_every_key(void **state)
{
	struct hv_boot_module m = {
	        .base = 0x200000,
	        .size = 100,
	        .cmdline = "/boot/g.elf g name=web-1 mem=32M vcpus=4 crash=restart base=0x2000000 "
	                   "control"};
	struct hv_domain_desc d;

	(void)state;
	assert_int_equal(hv_module_parse_domain(&m, &d), 0);
	assert_string_equal(d.image, "g");
	assert_string_equal(d.name, "web-1");
	assert_true(d.cfg.mem_size == 32u << 20);
	assert_int_equal(d.cfg.vcpu_count, 4);
	assert_int_equal(d.cfg.on_crash, HV_CRASH_RESTART);
	assert_true(d.cfg.mem_base == 0x2000000);
	assert_int_equal(d.cfg.flags, HV_DOMAIN_F_CONTROL);
	assert_string_equal(fake_console_text(), "");

	/* Decimal and hex numbers with suffixes; the last of a repeated key wins. */
	m.cmdline = "g mem=0x200000 mem=3M vcpus=0x2 base=64M crash=keep name=" NAME_31;
	assert_int_equal(hv_module_parse_domain(&m, &d), 0);
	assert_true(d.cfg.mem_size == 3u << 20);
	assert_int_equal(d.cfg.vcpu_count, 2);
	assert_true(d.cfg.mem_base == 64u << 20);
	assert_int_equal(d.cfg.on_crash, HV_CRASH_KEEP);
	assert_string_equal(d.name, NAME_31);
	assert_int_equal(d.cfg.flags, 0);

	m.cmdline = "g crash=restart crash=destroy";
	assert_int_equal(hv_module_parse_domain(&m, &d), 0);
	assert_int_equal(d.cfg.on_crash, HV_CRASH_DESTROY);
}

static void test_parse_domain_bad_options(void **state)
{
	static const char *const bad[] = {
	        "colour=red",   "foo=1",
	        "mem=12Q",      "mem=",
	        "mem=-1",       "mem=99999999999999999999",
	        "vcpus=two",    "vcpus=4294967296",
	        "base=0xZ",     "crash=explode",
	        "crash=",       "crash=Restart",
	        name_option_32, "controls",
	        "control=1",    "=5",
	        "verbose",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char cmdline[128];
		char want[128];
		struct hv_boot_module m = {.base = 0x200000, .size = 100, .cmdline = cmdline};
		struct hv_domain_desc d;

		snprintf(cmdline, sizeof(cmdline), "/boot/g.elf g mem=2M %s vcpus=1", bad[i]);
		snprintf(want, sizeof(want), "hv: error: module 'g': bad option '%s' (expected",
		         bad[i]);
		fake_port_reset();
		assert_int_equal(hv_module_parse_domain(&m, &d), -HV_EINVAL);
		if (error_count() != 1 || strncmp(fake_console_text(), want, strlen(want)) != 0) {
			fail_msg("'%s': console has:\n%s", cmdline, fake_console_text());
		}
	}
}

static void test_parse_domain_without_module_name(void **state)
{
	static const char *const cmdlines[] = {"mem=16M guest", "", "/boot/guest.elf",
	                                       "/boot/guest.elf vcpus=2"};

	(void)state;
	for (size_t i = 0; i < sizeof(cmdlines) / sizeof(cmdlines[0]); i++) {
		struct hv_boot_module m = {.base = 0x345000, .size = 100, .cmdline = cmdlines[i]};
		struct hv_domain_desc d;
		char want[128];

		snprintf(want, sizeof(want),
		         "hv: error: module at 0x345000: command line '%s' does not start with a "
		         "module name\n",
		         cmdlines[i]);
		fake_port_reset();
		assert_int_equal(hv_module_parse_domain(&m, &d), -HV_EINVAL);
		assert_string_equal(fake_console_text(), want);
	}
}

/* Parsing takes any word; the domain check afterwards refuses bad values by field. */
static void test_parse_domain_then_check(void **state)
{
	struct hv_boot_module m = {.base = 0x200000, .size = 100, .cmdline = "g vcpus=9"};
	struct hv_domain_desc d;

	(void)state;
	assert_int_equal(hv_module_parse_domain(&m, &d), 0);
	assert_int_equal(hv_domain_config_check(&d.cfg, "module 'g'"), -HV_EINVAL);
	assert_one_error("module 'g'.vcpu_count");

	m.cmdline = "g name=bad!name mem=1000";
	fake_port_reset();
	assert_int_equal(hv_module_parse_domain(&m, &d), 0);
	assert_int_equal(hv_domain_config_check(&d.cfg, "module 'g'"), -HV_EINVAL);
	assert_int_equal(error_count(), 2);
	assert_true(fake_console_contains("hv: error: module 'g'.name: "));
	assert_true(fake_console_contains("hv: error: module 'g'.mem_size: 1000 bytes"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup(test_good_config_passes, setup),
	        cmocka_unit_test_setup(test_partition_base_must_fit_module, setup),
	        cmocka_unit_test_setup(test_null_config, setup),
	        cmocka_unit_test_setup(test_version_mismatch, setup),
	        cmocka_unit_test_setup(test_bad_appliance_name, setup),
	        cmocka_unit_test_setup(test_domain_count_too_large, setup),
	        cmocka_unit_test_setup(test_null_domains_with_count, setup),
	        cmocka_unit_test_setup(test_unknown_config_flags, setup),
	        cmocka_unit_test_setup(test_tick_ns_bounds, setup),
	        cmocka_unit_test_setup(test_each_bad_domain_field, setup),
	        cmocka_unit_test_setup(test_all_bad_fields_reported, setup),
	        cmocka_unit_test_setup(test_duplicate_names, setup),
	        cmocka_unit_test_setup(test_nameless_domain_before_good_ones, setup),
	        cmocka_unit_test_setup(test_max_domains, setup),
	        cmocka_unit_test_setup(test_domain_check_where, setup),
	        cmocka_unit_test_setup(test_module_name, setup),
	        cmocka_unit_test_setup(test_module_find, setup),
	        cmocka_unit_test_setup(test_parse_domain_defaults, setup),
	        cmocka_unit_test_setup(test_parse_domain_every_key, setup),
	        cmocka_unit_test_setup(test_parse_domain_bad_options, setup),
	        cmocka_unit_test_setup(test_parse_domain_without_module_name, setup),
	        cmocka_unit_test_setup(test_parse_domain_then_check, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
