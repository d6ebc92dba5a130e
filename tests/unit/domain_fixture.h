/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared fixture of the tests that work on real domains without hv_main():
 * fake RAM with a boot module holding the default ELF image (elf_builder.h),
 * the memory core over it, the domain table, and the round-robin scheduler.
 * df_create() reserves and builds a domain; df_enter() starts it and makes
 * its vCPU 0 the one whose address space is loaded, as if it had just
 * exited; df_hypercall() then plays a hypercall exit through the dispatcher
 * and returns what the guest would find in rax. Include after <cmocka.h>.
 */
#ifndef HV_TESTS_UNIT_DOMAIN_FIXTURE_H
#define HV_TESTS_UNIT_DOMAIN_FIXTURE_H

#include <stdio.h>
#include <string.h>

#include <hv/hv.h>

#include "core/boot.h"
#include "core/elf.h"
#include "domain/domain.h"
#include "elf_builder.h"
#include "console_assert.h"
#include "fake_port.h"
#include "guest/access.h"
#include "hypercall/hypercall.h"
#include "lib/string.h"
#include "sched/sched.h"
#include "time/time.h"

#define DF_MOD_PA   0x200000u
#define DF_MAX_DOMS 8

/* Where the builder puts things for the default image (highest address 0x405000). */
#define DF_START_INFO UINT64_C(0x600000)
#define DF_SHARED     UINT64_C(0x601000)
#define DF_STACK_TOP  UINT64_C(0x607000)
#define DF_GUARD      UINT64_C(0x602000)

struct dom_fixture {
	struct hv_boot_info boot;
	struct hv_mem mem;
	struct hv_domain_desc desc[DF_MAX_DOMS];
	size_t count;
	unsigned char image[64 * 1024];
	size_t image_size;
};

static struct dom_fixture df;

/* Puts an image in fake RAM as the module "img" (call before df_setup_mem). */
static inline void df_set_image(const struct elf_builder *b)
{
	memset(df.image, 0, sizeof(df.image));
	df.image_size = elf_builder_write(b, df.image);
}

static inline void df_setup_mem(void)
{
	assert_int_equal(hv_boot_mem_init(&df.mem, &hv_mem_buddy, &df.boot), 0);
	hv_domain_table_init(&df.mem);
	hv_time_set_wallclock(0, 0);
	assert_int_equal(hv_sched_setup(&hv_sched_rr, 1000000), 0);
	df.count = 0;
}

/* Fresh fake port, memory and domain table, with the default image. */
static inline void df_setup_with(const struct elf_builder *b)
{
	fake_port_reset();
	hv_log_set_level(HV_LOG_INFO);
	fake_boot_init(&df.boot);
	df_set_image(b);
	fake_boot_add_module(&df.boot, DF_MOD_PA, df.image, df.image_size, "img");
	df_setup_mem();
}

static inline void df_setup(void)
{
	struct elf_builder b;

	elf_builder_default(&b);
	df_setup_with(&b);
}

/* Reserves and builds a domain; returns its rc, *out the domain (or NULL). */
static inline int df_try_create(const char *name, uint64_t mem_size, enum hv_crash_policy on_crash,
                                uint32_t flags, struct hv_domain **out)
{
	struct hv_domain_desc *desc = &df.desc[df.count];
	const char *why = NULL;
	hv_domid_t id = (hv_domid_t)df.count++;
	int rc;

	memset(desc, 0, sizeof(*desc));
	hv_strlcpy(desc->name, name, sizeof(desc->name));
	hv_strlcpy(desc->image, "img", sizeof(desc->image));
	desc->cfg = (struct hv_domain_config){
	        .name = desc->name,
	        .image = desc->image,
	        .mem_size = mem_size,
	        .vcpu_count = 1,
	        .flags = flags,
	        .on_crash = on_crash,
	        .cmdline = "console=hvc0 quiet",
	};
	desc->module = &df.boot.modules[0];
	assert_int_equal(hv_elf_check(desc->module->data, desc->module->size, &desc->elf, &why), 0);
	*out = NULL;
	rc = hv_domain_reserve(desc, id);
	if (rc != 0) {
		return rc;
	}
	return hv_domain_create(desc, id, out);
}

static inline struct hv_domain *df_create(const char *name, uint64_t mem_size,
                                          enum hv_crash_policy on_crash, uint32_t flags)
{
	struct hv_domain *d;

	assert_int_equal(df_try_create(name, mem_size, on_crash, flags, &d), 0);
	assert_non_null(d);
	return d;
}

/* Makes v the vCPU whose address space is loaded. */
static inline void df_load(struct hv_vcpu *v)
{
	fake_vcpu_make_current(&v->port);
	hv_guest_set_current(v);
}

/* Starts d and loads its vCPU 0. */
static inline struct hv_vcpu *df_enter(struct hv_domain *d)
{
	struct hv_vcpu *v = &d->vcpus[0];

	assert_int_equal(hv_domain_start(d), 0);
	df_load(v);
	return v;
}

/* One domain for df_create_n(). */
struct df_spec {
	const char *name;
	enum hv_crash_policy on_crash;
	uint32_t flags;
};

/*
 * Builds and starts 'count' domains of 'mem_size' bytes each, with the
 * identifiers df.count, df.count + 1, ... (0 to count - 1 after df_setup()),
 * in out[0..count-1].
 */
static inline void df_create_n(const struct df_spec *specs, size_t count, uint64_t mem_size,
                               struct hv_domain **out)
{
	assert_true(df.count + count <= DF_MAX_DOMS);
	for (size_t i = 0; i < count; i++) {
		out[i] = df_create(specs[i].name, mem_size, specs[i].on_crash, specs[i].flags);
		df_enter(out[i]);
	}
}

/*
 * Builds domain 'id' (made by df_create()) again from its description in
 * the same slot and starts it, once it has ended: a crashed and kept one
 * is destroyed first (hv_domain_destroy(), as the control domain would),
 * then its memory is reserved anew.
 */
static inline struct hv_domain *df_recreate(hv_domid_t id)
{
	struct hv_domain *d = hv_domain_get(id);

	assert_true(id < df.count);
	assert_non_null(d);
	assert_true(hv_domain_ended(d));
	if (d->state == HV_DOMAIN_CRASHED) {
		assert_int_equal(hv_domain_destroy(d), 0);
	}
	assert_int_equal(hv_domain_reserve(&df.desc[id], id), 0);
	assert_int_equal(hv_domain_create(&df.desc[id], id, &d), 0);
	df_enter(d);
	return d;
}

/* A hypercall exit of v, dispatched; returns the result register. */
static inline int64_t df_hypercall(struct hv_vcpu *v, uint64_t nr, uint64_t a0, uint64_t a1,
                                   uint64_t a2)
{
	struct hv_exit exit = {
	        .reason = HV_EXIT_HYPERCALL,
	        .nr = nr,
	        .args = {a0, a1, a2, 0, 0, 0},
	        .pc = fake_vcpu_get(&v->port, HV_REG_PC),
	};
	uint64_t ret = UINT64_C(0xdeadbeefdeadbeef);

	fake_set_reg_clear();
	hv_hypercall_dispatch(v, &exit);
	if (!fake_set_reg_last(&v->port, HV_REG_RET, &ret)) {
		return INT64_MIN; /* no result was set */
	}
	return (int64_t)ret;
}

/* Guest memory of d, ignoring permissions (the test's view). */
static inline void df_write(struct hv_domain *d, uint64_t va, const void *buf, size_t len)
{
	assert_int_equal(fake_guest_write(d->layout.root, va, buf, len), 0);
}

static inline void df_read(struct hv_domain *d, uint64_t va, void *buf, size_t len)
{
	assert_int_equal(fake_guest_read(d->layout.root, va, buf, len), 0);
}

/*
 * Boots, under the real core, an appliance of two domains (1 MiB each, the
 * default image) that each run three times and power off, scheduled by
 * 'sched'; returns hv_main()'s verdict. The names say which is which in
 * fake_run_log().
 */
static inline int df_run_two_spinners(const struct hv_sched_ops *sched, const char *name,
                                      const char *first, const char *second)
{
	static const struct fake_step spin[] = {FAKE_SPIN(3), FAKE_POWEROFF};
	const struct hv_domain_config domains[] = {
	        {.name = first, .image = "img", .mem_size = 1u << 20, .vcpu_count = 1},
	        {.name = second, .image = "img", .mem_size = 1u << 20, .vcpu_count = 1},
	};
	const struct hv_config cfg = {
	        .version = HV_CONFIG_VERSION,
	        .name = name,
	        .domains = domains,
	        .domain_count = 2,
	        .tick_ns = 1000000,
	        .selftest_ticks = 1,
	        .sched = sched,
	};
	struct elf_builder b;

	fake_port_reset();
	fake_boot_init(&df.boot);
	elf_builder_default(&b);
	df_set_image(&b);
	fake_boot_add_module(&df.boot, DF_MOD_PA, df.image, df.image_size, "img");
	fake_script_set(first, spin, 2);
	fake_script_set(second, spin, 2);
	return hv_main(&cfg, &df.boot);
}

#endif /* HV_TESTS_UNIT_DOMAIN_FIXTURE_H */
