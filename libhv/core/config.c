/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Checking the appliance description and reading domains from boot module
 * command lines. Nothing is built until everything has been checked; every
 * complaint names the field, so that an integrator can fix a bad appliance
 * from the console log alone.
 */
#include <hv/abi/errno.h>
#include <hv/log.h>
#include <hv/mem.h>

#include "core/boot.h"
#include "lib/string.h"

#define HV_CONFIG_KNOWN_FLAGS (HV_CONFIG_F_MODULE_DOMAINS | HV_CONFIG_F_NO_RUN)

static bool name_ok(const char *name)
{
	size_t len;

	if (name == NULL) {
		return false;
	}
	len = hv_strnlen(name, HV_NAME_MAX + 1);
	if (len == 0 || len > HV_NAME_MAX) {
		return false;
	}
	for (size_t i = 0; i < len; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-' || c == '.')) {
			return false;
		}
	}
	return true;
}

int hv_domain_config_check_at(const struct hv_domain_config *d, const char *where,
                              enum hv_log_level level)
{
	int rc = 0;

	if (!name_ok(d->name)) {
		hv_log(level, "%s.name: must be 1 to %d characters of [A-Za-z0-9_.-]", where,
		       HV_NAME_MAX);
		rc = -HV_EINVAL;
	}
	if (!name_ok(d->image)) {
		hv_log(level,
		       "%s.image: must name a boot module (1 to %d characters of [A-Za-z0-9_.-])",
		       where, HV_NAME_MAX);
		rc = -HV_EINVAL;
	}
	if (d->mem_size < HV_DOMAIN_MIN_MEM) {
		hv_log(level, "%s.mem_size: %llu bytes is below the minimum of %llu", where,
		       (unsigned long long)d->mem_size, (unsigned long long)HV_DOMAIN_MIN_MEM);
		rc = -HV_EINVAL;
	} else if (d->mem_size % HV_PAGE_SIZE != 0) {
		hv_log(level, "%s.mem_size: %llu bytes is not a multiple of the page size", where,
		       (unsigned long long)d->mem_size);
		rc = -HV_EINVAL;
	}
	if (d->vcpu_count < 1 || d->vcpu_count > HV_DOMAIN_MAX_VCPUS) {
		hv_log(level, "%s.vcpu_count: %u is outside 1..%d", where, d->vcpu_count,
		       HV_DOMAIN_MAX_VCPUS);
		rc = -HV_EINVAL;
	}
	if (d->flags & ~HV_DOMAIN_F_CONTROL) {
		hv_log(level, "%s.flags: unknown bits %#x", where, d->flags & ~HV_DOMAIN_F_CONTROL);
		rc = -HV_EINVAL;
	}
	if ((unsigned int)d->on_crash > HV_CRASH_KEEP) {
		hv_log(level, "%s.on_crash: %u is not a crash policy", where,
		       (unsigned int)d->on_crash);
		rc = -HV_EINVAL;
	}
	if (d->mem_base % HV_PAGE_SIZE != 0) {
		hv_log(level, "%s.mem_base: %#llx is not page aligned", where,
		       (unsigned long long)d->mem_base);
		rc = -HV_EINVAL;
	}
	return rc;
}

int hv_domain_config_check(const struct hv_domain_config *d, const char *where)
{
	return hv_domain_config_check_at(d, where, HV_LOG_ERROR);
}

int hv_domain_partition_check(const struct hv_domain_config *d, const char *where,
                              const struct hv_mem_ops *ops)
{
	if (ops->assign != NULL && d->mem_base == 0) {
		hv_err("%s.mem_base: memory module '%s' partitions memory statically: "
		       "the domain needs a partition base",
		       where, ops->name);
		return -HV_EINVAL;
	}
	if (ops->assign == NULL && d->mem_base != 0) {
		hv_err("%s.mem_base: memory module '%s' does not partition memory: must be 0",
		       where, ops->name);
		return -HV_EINVAL;
	}
	return 0;
}

int hv_config_check(const struct hv_config *cfg)
{
	const struct hv_mem_ops *ops;

	int rc = 0;

	if (cfg == NULL) {
		hv_err("config: no appliance description");
		return -HV_EINVAL;
	}
	if (cfg->version != HV_CONFIG_VERSION) {
		/* Nothing else can be trusted to mean what this libhv thinks. */
		hv_err("config: version: %u, but this libhv reads version %d", cfg->version,
		       HV_CONFIG_VERSION);
		return -HV_EINVAL;
	}
	if (!name_ok(cfg->name)) {
		hv_err("config: name: must be 1 to %d characters of [A-Za-z0-9_.-]", HV_NAME_MAX);
		rc = -HV_EINVAL;
	}
	if (cfg->domain_count > HV_CONFIG_MAX_DOMAINS) {
		hv_err("config: domain_count: %zu is more than %d", cfg->domain_count,
		       HV_CONFIG_MAX_DOMAINS);
		return -HV_EINVAL;
	}
	if (cfg->domain_count > 0 && cfg->domains == NULL) {
		hv_err("config: domains: NULL but domain_count is %zu", cfg->domain_count);
		return -HV_EINVAL;
	}
	if (cfg->flags & ~HV_CONFIG_KNOWN_FLAGS) {
		hv_err("config: flags: unknown bits %#x", cfg->flags & ~HV_CONFIG_KNOWN_FLAGS);
		rc = -HV_EINVAL;
	}
	if (cfg->wallclock_nsec >= 1000000000u) {
		hv_err("config: wallclock_nsec: %u is not below 10^9", cfg->wallclock_nsec);
		rc = -HV_EINVAL;
	}
	if (cfg->tick_ns != 0 && (cfg->tick_ns < 10000 || cfg->tick_ns > 1000000000)) {
		hv_err("config: tick_ns: %llu is outside 10 us .. 1 s",
		       (unsigned long long)cfg->tick_ns);
		rc = -HV_EINVAL;
	}
	ops = cfg->mem != NULL ? cfg->mem : &hv_mem_buddy;
	for (size_t i = 0; i < cfg->domain_count; i++) {
		char where[32];

		hv_snprintf(where, sizeof(where), "config: domains[%zu]", i);
		if (hv_domain_config_check(&cfg->domains[i], where) != 0 ||
		    hv_domain_partition_check(&cfg->domains[i], where, ops) != 0) {
			rc = -HV_EINVAL;
			continue;
		}
		for (size_t j = 0; j < i; j++) {
			/* An earlier domain may have been refused for having no name. */
			if (name_ok(cfg->domains[j].name) &&
			    hv_strcmp(cfg->domains[j].name, cfg->domains[i].name) == 0) {
				hv_err("%s.name: '%s' is already the name of domains[%zu]", where,
				       cfg->domains[i].name, j);
				rc = -HV_EINVAL;
			}
		}
	}
	return rc;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Finds the next word in [*p, ...); returns its length, 0 at the end. */
static size_t next_word(const char **p)
{
	const char *s = *p;
	size_t n = 0;

	while (is_space(*s)) {
		s++;
	}
	while (s[n] != '\0' && !is_space(s[n])) {
		n++;
	}
	*p = s;
	return n;
}

/* Skips the file path that some boot loaders put before a module's arguments. */
static const char *module_args(const char *cmdline)
{
	const char *p = cmdline;
	size_t n = next_word(&p);

	if (n > 0 && p[0] == '/') {
		return p + n;
	}
	return cmdline;
}

static bool has_char(const char *s, size_t len, char c)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] == c) {
			return true;
		}
	}
	return false;
}

const char *hv_module_name(const struct hv_boot_module *m, char *buf, size_t size)
{
	const char *p = module_args(m->cmdline);
	size_t n = next_word(&p);

	if (n >= size || has_char(p, n, '=')) {
		n = 0;
	}
	hv_memcpy(buf, p, n);
	buf[n] = '\0';
	return buf;
}

const struct hv_boot_module *hv_module_find(const struct hv_boot_info *boot, const char *name)
{
	char buf[HV_NAME_MAX + 1];

	if (name[0] == '\0') {
		return NULL;
	}
	for (size_t i = 0; i < boot->module_count; i++) {
		if (hv_strcmp(hv_module_name(&boot->modules[i], buf, sizeof(buf)), name) == 0) {
			return &boot->modules[i];
		}
	}
	return NULL;
}

/* Copies a word of at most size - 1 bytes; false if it does not fit. */
static bool copy_word(char *dst, size_t size, const char *src, size_t len)
{
	if (len >= size) {
		return false;
	}
	hv_memcpy(dst, src, len);
	dst[len] = '\0';
	return true;
}

static bool parse_crash(const char *v, size_t len, enum hv_crash_policy *out)
{
	static const char *const names[] = {
	        [HV_CRASH_DESTROY] = "destroy",
	        [HV_CRASH_RESTART] = "restart",
	        [HV_CRASH_KEEP] = "keep",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (hv_strlen(names[i]) == len && hv_strncmp(names[i], v, len) == 0) {
			*out = (enum hv_crash_policy)i;
			return true;
		}
	}
	return false;
}

/* Applies one key=value word to the description; false if it is bad. */
static bool apply_key(struct hv_domain_desc *d, const char *w, size_t len)
{
	const char *eq = w;
	const char *v;
	size_t klen;
	size_t vlen;
	unsigned long long num;

	while (eq < w + len && *eq != '=') {
		eq++;
	}
	klen = (size_t)(eq - w);
	if (eq == w + len) {
		if (klen == 7 && hv_strncmp(w, "control", 7) == 0) {
			d->cfg.flags |= HV_DOMAIN_F_CONTROL;
			return true;
		}
		if (klen == 5 && hv_strncmp(w, "image", 5) == 0) {
			d->image_only = true;
			return true;
		}
		return false;
	}
	v = eq + 1;
	vlen = len - klen - 1;
	if (klen == 4 && hv_strncmp(w, "name", 4) == 0) {
		return copy_word(d->name, sizeof(d->name), v, vlen);
	}
	if (klen == 5 && hv_strncmp(w, "crash", 5) == 0) {
		return parse_crash(v, vlen, &d->cfg.on_crash);
	}
	if (hv_parse_size(v, v + vlen, &num) != 0) {
		return false;
	}
	if (klen == 3 && hv_strncmp(w, "mem", 3) == 0) {
		d->cfg.mem_size = num;
	} else if (klen == 5 && hv_strncmp(w, "vcpus", 5) == 0 && num <= UINT32_MAX) {
		d->cfg.vcpu_count = (uint32_t)num;
	} else if (klen == 4 && hv_strncmp(w, "base", 4) == 0) {
		d->cfg.mem_base = num;
	} else if (klen == 6 && hv_strncmp(w, "weight", 6) == 0 && num >= 1 && num <= 65535) {
		d->weight = (uint32_t)num;
	} else {
		return false;
	}
	return true;
}

int hv_module_parse_domain(const struct hv_boot_module *m, struct hv_domain_desc *out)
{
	const char *p = module_args(m->cmdline);
	size_t n;

	hv_memset(out, 0, sizeof(*out));
	out->cfg.vcpu_count = 1;
	out->cfg.mem_size = 16 * HV_DOMAIN_MIN_MEM;
	out->cfg.on_crash = HV_CRASH_DESTROY;
	out->module = m;
	hv_module_name(m, out->image, sizeof(out->image));
	if (out->image[0] == '\0') {
		hv_err("module at %#llx: command line '%s' does not start with a module name",
		       (unsigned long long)m->base, m->cmdline);
		return -HV_EINVAL;
	}
	hv_strlcpy(out->name, out->image, sizeof(out->name));
	n = next_word(&p); /* the module name */
	for (p += n; (n = next_word(&p)) != 0; p += n) {
		if (n == 2 && p[0] == '-' && p[1] == '-') {
			break; /* the rest is the domain's own (a script, arguments) */
		}
		if (!apply_key(out, p, n)) {
			hv_err("module '%s': bad option '%.*s' (expected name=, mem=, vcpus=, "
			       "crash=destroy|restart|keep, base=, weight=, control or image)",
			       out->image, (int)n, p);
			return -HV_EINVAL;
		}
	}
	out->cfg.name = out->name;
	out->cfg.image = out->image;
	out->cfg.cmdline = m->cmdline;
	return 0;
}
