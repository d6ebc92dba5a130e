/* SPDX-License-Identifier: Apache-2.0 */
/*
 * hv_main(): the start-up sequence and the run. It reports what the port
 * found, checks the appliance description, sets up memory, checks every
 * domain's image, reserves its memory and builds it, proves the clock and
 * the timer work, and then runs the domains until every one has ended. A
 * domain that cannot be built is refused by name and the others go on; the
 * verdict then fails, because the appliance is not what was described.
 *
 * Verdict: PASS when no domain was refused and the control domain (the
 * first with HV_DOMAIN_F_CONTROL) powered off — or, without a control
 * domain, every domain did. With HV_CONFIG_F_NO_RUN the domains are built
 * but not run, and the verdict only says whether all were built.
 *
 * Runs once, on the boot CPU, with interrupts disabled except while it
 * waits for timer ticks and while guests run.
 */
#include <hv/hv.h>

#include "core/boot.h"
#include "domain/domain.h"
#include "lib/string.h"
#include "sched/sched.h"
#include "time/time.h"

#define DEFAULT_TICK_NS        UINT64_C(10000000)
#define DEFAULT_SELFTEST_TICKS 3

static struct hv_mem boot_mem;
/* Descriptions by domain identifier: boot's first, then those made at run time. */
static struct hv_domain_desc domains[HV_CONFIG_MAX_DOMAINS];
static size_t domain_count;
static const struct hv_boot_info *boot_info;

const struct hv_boot_info *hv_boot_info_used(void)
{
	return boot_info;
}

struct hv_domain_desc *hv_domain_desc_at(hv_domid_t id)
{
	return id < HV_CONFIG_MAX_DOMAINS ? &domains[id] : NULL;
}

const char *hv_version(void)
{
	return HV_VERSION_STRING;
}

static const char *region_type_name(uint32_t type)
{
	switch (type) {
	case HV_MEM_REGION_USABLE:
		return "usable";
	case HV_MEM_REGION_RESERVED:
		return "reserved";
	case HV_MEM_REGION_ACPI:
		return "acpi";
	case HV_MEM_REGION_NVS:
		return "acpi-nvs";
	case HV_MEM_REGION_BAD:
		return "bad";
	default:
		return "unknown";
	}
}

static void report_machine(const struct hv_config *cfg, const struct hv_boot_info *boot)
{
	const struct hv_port_info *port = hv_port_info();
	uint64_t ram = 0;

	hv_info("libhv %s, appliance '%s'", hv_version(), cfg && cfg->name ? cfg->name : "?");
	hv_info("port %s (interface %u), cpu '%s'", port->name, port->api_version, port->cpu);
	hv_info("cpu features:%s%s%s%s%s", (port->features & HV_PORT_FEAT_NX) ? " nx" : "",
	        (port->features & HV_PORT_FEAT_SMEP) ? " smep" : "",
	        (port->features & HV_PORT_FEAT_SMAP) ? " smap" : "",
	        (port->features & HV_PORT_FEAT_INV_TSC) ? " invariant-tsc" : "",
	        (port->features & HV_PORT_FEAT_PAGE_1G) ? " 1g-pages" : "");
	hv_info("clock %llu Hz, timer %s", (unsigned long long)port->clock_hz, port->timer);
	hv_info("booted by %s%s%s, command line '%s'", boot->protocol,
	        boot->loader[0] ? " from " : "", boot->loader, boot->cmdline);
	hv_info("memory map: %zu regions", boot->region_count);
	for (size_t i = 0; i < boot->region_count; i++) {
		const struct hv_mem_region *r = &boot->regions[i];

		hv_info("  0x%012llx-0x%012llx %-8s %llu KiB", (unsigned long long)r->base,
		        (unsigned long long)(r->base + r->size), region_type_name(r->type),
		        (unsigned long long)(r->size >> 10));
		if (r->type == HV_MEM_REGION_USABLE) {
			ram += r->size;
		}
	}
	hv_info("memory: %llu MiB usable", (unsigned long long)(ram >> 20));
	hv_info("boot modules: %zu", boot->module_count);
	for (size_t i = 0; i < boot->module_count; i++) {
		const struct hv_boot_module *m = &boot->modules[i];

		hv_info("  module %zu at %#llx, %llu bytes: '%s'", i, (unsigned long long)m->base,
		        (unsigned long long)m->size, m->cmdline);
	}
}

/* True if 'name' is the image of a domain described in the configuration. */
static bool image_in_config(const struct hv_config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->domain_count; i++) {
		if (hv_strcmp(cfg->domains[i].image, name) == 0) {
			return true;
		}
	}
	return false;
}

/* True, after logging why, if a domain already collected has d's name. */
static bool name_taken(const struct hv_domain_desc *d, const char *where)
{
	for (size_t i = 0; i < domain_count; i++) {
		if (hv_strcmp(domains[i].name, d->name) == 0) {
			hv_err("%s: name: '%s' is already the name of domain %zu", where, d->name,
			       i);
			return true;
		}
	}
	return false;
}

/*
 * Gathers the domains to build: those of the configuration, then (with
 * HV_CONFIG_F_MODULE_DOMAINS) one per boot module no domain names. Returns
 * the number of descriptions refused.
 */
static size_t collect_domains(const struct hv_config *cfg, const struct hv_boot_info *boot,
                              const struct hv_mem_ops *ops)
{
	size_t refused = 0;

	domain_count = 0;
	for (size_t i = 0; i < cfg->domain_count; i++) {
		struct hv_domain_desc *d = &domains[domain_count++];

		d->cfg = cfg->domains[i];
		hv_strlcpy(d->name, d->cfg.name, sizeof(d->name));
		hv_strlcpy(d->image, d->cfg.image, sizeof(d->image));
		d->cfg.name = d->name;
		d->cfg.image = d->image;
		d->module = hv_module_find(boot, d->image);
	}
	if (!(cfg->flags & HV_CONFIG_F_MODULE_DOMAINS)) {
		return 0;
	}
	for (size_t i = 0; i < boot->module_count; i++) {
		const struct hv_boot_module *m = &boot->modules[i];
		struct hv_domain_desc *d;
		char name[HV_NAME_MAX + 1];
		char where[HV_NAME_MAX + 16];
		int parsed;

		if (image_in_config(cfg, hv_module_name(m, name, sizeof(name)))) {
			continue;
		}
		if (domain_count == HV_CONFIG_MAX_DOMAINS) {
			hv_err("module '%s': more than %d domains", name, HV_CONFIG_MAX_DOMAINS);
			refused++;
			continue;
		}
		d = &domains[domain_count];
		if (name[0] != '\0') {
			hv_snprintf(where, sizeof(where), "module '%s'", name);
		} else {
			hv_snprintf(where, sizeof(where), "module %zu (unnamed)", i);
		}
		parsed = hv_module_parse_domain(m, d);
		if (parsed == 0 && d->image_only) {
			hv_info("%s: an image for the control domain, not a domain", where);
			continue;
		}
		if (parsed != 0 || hv_domain_config_check(&d->cfg, where) != 0 ||
		    hv_domain_partition_check(&d->cfg, where, ops) != 0 || name_taken(d, where)) {
			hv_err("%s: domain refused", where);
			refused++;
			continue;
		}
		domain_count++;
	}
	return refused;
}

/* Checks a domain's image, reserves its memory and builds it; false if it is refused. */
static bool build_domain(struct hv_domain_desc *d, hv_domid_t id)
{
	const char *why;

	if (d->module == NULL) {
		hv_err("domain '%s': image: no boot module named '%s'", d->name, d->image);
		return false;
	}
	if (hv_elf_check(d->module->data, d->module->size, &d->elf, &why) != 0) {
		hv_err("domain '%s': module '%s': %s", d->name, d->image, why);
		return false;
	}
	if (hv_domain_reserve(d, id) != 0) {
		return false;
	}
	hv_info("domain %u '%s': image '%s' (%llu bytes, entry %#llx), %llu MiB, %u vCPU%s%s", id,
	        d->name, d->image, (unsigned long long)d->module->size,
	        (unsigned long long)d->elf.entry, (unsigned long long)(d->cfg.mem_size >> 20),
	        d->cfg.vcpu_count, d->cfg.vcpu_count == 1 ? "" : "s",
	        (d->cfg.flags & HV_DOMAIN_F_CONTROL) ? ", control" : "");
	return hv_domain_create(d, id, NULL) == 0;
}

static int finish(bool pass)
{
	hv_printf("hv: verdict: %s\n", pass ? "PASS" : "FAIL");
	return pass ? HV_VERDICT_PASS : HV_VERDICT_FAIL;
}

/*
 * Gives a domain's scheduling parameters to the scheduler module: those of
 * its description, or its module's weight= applied to the module's
 * defaults. False, after naming the problem, if the module refuses them.
 */
static bool apply_sched_params(const struct hv_domain_desc *d, hv_domid_t id)
{
	struct hv_sched *s = hv_sched_instance();
	struct hv_sched_params p;
	int rc;

	if (d->cfg.sched_params != NULL) {
		p = *d->cfg.sched_params;
	} else if (d->weight != 0) {
		rc = hv_sched_call_get_params(s, id, &p);
		if (rc == 0 && p.kind == HV_SCHED_KIND_BVT) {
			p.bvt.weight = d->weight;
		} else if (rc == 0 && p.kind == HV_SCHED_KIND_FAIR) {
			p.fair.weight = d->weight;
		} else {
			hv_err("domain '%s': weight=: scheduler '%s' has no weights", d->name,
			       s->ops->name);
			return false;
		}
	} else {
		return true;
	}
	rc = hv_sched_call_set_params(s, id, &p);
	if (rc != 0) {
		hv_err("domain '%s': sched_params: refused by scheduler '%s': %s", d->name,
		       s->ops->name, hv_strerror(rc));
		return false;
	}
	return true;
}

/*
 * The value of the word "<key><value>" on a command line, up to the next
 * space, and its length in *len; NULL if no word starts with key. The last
 * such word counts, as later words override earlier ones.
 */
static const char *cmdline_value(const char *cmdline, const char *key, size_t *len)
{
	size_t key_len = hv_strlen(key);
	const char *found = NULL;

	for (const char *p = cmdline; *p != '\0'; p++) {
		if ((p == cmdline || p[-1] == ' ') && hv_strncmp(p, key, key_len) == 0) {
			found = p + key_len;
		}
	}
	if (found != NULL) {
		*len = 0;
		while (found[*len] != '\0' && found[*len] != ' ') {
			(*len)++;
		}
	}
	return found;
}

/*
 * The scheduler module to set up: the one named by "sched=<name>" on the
 * hypervisor's command line, else the description's, else round-robin.
 * NULL, after naming the word, if the command line names no built-in module.
 */
static const struct hv_sched_ops *choose_sched(const struct hv_config *cfg,
                                               const struct hv_boot_info *boot)
{
	char name[HV_NAME_MAX + 1];
	const struct hv_sched_ops *ops = NULL;
	const char *value;
	size_t len;

	value = cmdline_value(boot->cmdline, "sched=", &len);
	if (value == NULL) {
		return cfg->sched != NULL ? cfg->sched : &hv_sched_rr;
	}
	if (len < sizeof(name)) {
		hv_memcpy(name, value, len);
		name[len] = '\0';
		ops = hv_sched_find(name);
	}
	if (ops == NULL) {
		hv_err("cmdline: sched=%.*s: no such scheduler", (int)len, value);
	}
	return ops;
}

/* Sets up the scheduler module and its appliance-wide parameters. */
static bool setup_sched(const struct hv_config *cfg, const struct hv_boot_info *boot, uint64_t tick)
{
	const struct hv_sched_ops *ops = choose_sched(cfg, boot);
	int rc;

	if (ops == NULL) {
		return false;
	}
	if (hv_sched_setup(ops, tick) != 0) {
		hv_err("config: sched: scheduler module refused");
		return false;
	}
	if (cfg->sched_params != NULL) {
		rc = hv_sched_call_set_params(hv_sched_instance(), HV_DOMID_HV, cfg->sched_params);
		if (rc != 0) {
			hv_err("config: sched_params: refused by scheduler '%s': %s",
			       hv_sched_instance()->ops->name, hv_strerror(rc));
			return false;
		}
	}
	return true;
}

/* Runs the built domains to their end; true if the run passed. */
static bool run_domains(void)
{
	uint64_t start;

	for (hv_domid_t id = 0; id < HV_CONFIG_MAX_DOMAINS; id++) {
		struct hv_domain *d = hv_domain_get(id);

		if (d != NULL) {
			hv_domain_start(d);
		}
	}
	start = hv_port_time_ns();
	hv_sched_run();
	hv_info("run: every domain has ended, after %llu us",
	        (unsigned long long)((hv_port_time_ns() - start) / 1000));
	hv_domain_summary();
	return hv_domain_run_passed();
}

int hv_main(const struct hv_config *cfg, const struct hv_boot_info *boot)
{
	const struct hv_mem_ops *mem_ops;
	uint64_t tick;
	size_t refused;
	size_t built = 0;

	report_machine(cfg, boot);
	boot_info = boot;
	if (hv_port_info()->api_version != HV_PORT_API_VERSION) {
		hv_err("port: implements interface %u, but this libhv needs interface %d",
		       hv_port_info()->api_version, HV_PORT_API_VERSION);
		return finish(false);
	}
	if (hv_config_check(cfg) != 0) {
		hv_err("config: appliance description refused");
		return finish(false);
	}
	mem_ops = cfg->mem != NULL ? cfg->mem : &hv_mem_buddy;
	if (hv_boot_mem_init(&boot_mem, mem_ops, boot) != 0) {
		hv_err("memory: set-up failed");
		return finish(false);
	}
	hv_domain_table_init(&boot_mem);
	hv_time_set_wallclock(cfg->wallclock_sec, cfg->wallclock_nsec);
	refused = collect_domains(cfg, boot, mem_ops);
	tick = cfg->tick_ns != 0 ? cfg->tick_ns : DEFAULT_TICK_NS;
	if (!setup_sched(cfg, boot, tick)) {
		return finish(false);
	}
	for (size_t i = 0; i < domain_count; i++) {
		if (apply_sched_params(&domains[i], (hv_domid_t)i) &&
		    build_domain(&domains[i], (hv_domid_t)i)) {
			built++;
		} else {
			hv_err("domain '%s': refused; the other domains go on", domains[i].name);
			refused++;
		}
	}
	hv_info("domains: %zu built, %zu refused; %llu MiB free", built, refused,
	        (unsigned long long)((hv_mem_free_count(&boot_mem) * HV_PAGE_SIZE) >> 20));
	if (hv_time_selftest(tick, cfg->selftest_ticks ? cfg->selftest_ticks
	                                               : DEFAULT_SELFTEST_TICKS) != 0) {
		return finish(false);
	}
	if (cfg->flags & HV_CONFIG_F_NO_RUN) {
		hv_info("run: not running the domains (HV_CONFIG_F_NO_RUN)");
		return finish(refused == 0);
	}
	return finish(run_domains() && refused == 0);
}
