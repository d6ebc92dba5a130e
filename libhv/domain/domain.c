/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The domain table and the life of a domain: reserving its memory, creating
 * it, starting it, and every way it ends — power-off, reboot, crash (with
 * its crash policy) — plus the summary and the verdict of the run.
 *
 * Invariants:
 * - A slot's state is NONE until hv_domain_create() succeeds; a refused
 *   domain leaves its slot NONE and holds no memory.
 * - An ended domain (DEAD or CRASHED) has every vCPU DOWN and unknown to
 *   the scheduler; a DEAD domain holds no memory, a CRASHED one keeps it.
 * - The frames of a domain that is not NONE or DEAD carry the types and
 *   references its build gave them; they are dropped (release_frames)
 *   before the memory is freed or the domain rebuilt.
 * - The port is told that a domain's vCPUs and address space go away
 *   (forget_port_state) before its frames are released, freed or rebuilt:
 *   it may still have them loaded, and would otherwise save FPU state into
 *   a vCPU being rebuilt or keep walking page tables being zeroed.
 *
 * Ending a domain never touches other domains, except that the control
 * domain is told with HV_VIRQ_DOM_EXC.
 */
#include <stdarg.h>

#include <hv/abi/errno.h>
#include <hv/abi/hypercall.h>
#include <hv/log.h>

#include "console/console.h"
#include "domain/control.h"
#include "domain/domain.h"
#include "event/event.h"
#include "grant/grant.h"
#include "guest/access.h"
#include "lib/string.h"
#include "sched/pool.h"
#include "sched/sched.h"

static struct hv_domain table[HV_CONFIG_MAX_DOMAINS];
static struct hv_mem *domain_mem;
/* Domains whose memory is still being reclaimed, so the run loop asks only when there is one. */
static uint32_t reclaims_pending;

void hv_domain_table_init(struct hv_mem *mem)
{
	reclaims_pending = 0;
	hv_memset(table, 0, sizeof(table));
	domain_mem = mem;
	hv_guest_set_current(NULL);
}

struct hv_mem *hv_domain_mem(void)
{
	return domain_mem;
}

struct hv_domain *hv_domain_get(hv_domid_t id)
{
	if (id >= HV_CONFIG_MAX_DOMAINS || table[id].state == HV_DOMAIN_NONE) {
		return NULL;
	}
	return &table[id];
}

struct hv_domain *hv_domain_control(void)
{
	for (size_t i = 0; i < HV_CONFIG_MAX_DOMAINS; i++) {
		if (table[i].state != HV_DOMAIN_NONE && (table[i].flags & HV_DOMAIN_F_CONTROL)) {
			return &table[i];
		}
	}
	return NULL;
}

const char *hv_domain_state_name(enum hv_domain_state state)
{
	static const char *const names[] = {
	        [HV_DOMAIN_NONE] = "none",       [HV_DOMAIN_CREATED] = "created",
	        [HV_DOMAIN_RUNNING] = "running", [HV_DOMAIN_BLOCKED] = "blocked",
	        [HV_DOMAIN_PAUSED] = "paused",   [HV_DOMAIN_CRASHED] = "crashed",
	        [HV_DOMAIN_DYING] = "dying",     [HV_DOMAIN_DEAD] = "dead",
	};

	return (unsigned int)state < sizeof(names) / sizeof(names[0]) ? names[state] : "?";
}

int hv_domain_reserve(const struct hv_domain_desc *d, hv_domid_t id)
{
	uint64_t needed = d->cfg.mem_size / HV_PAGE_SIZE;
	uint64_t have = 0;
	int rc;

	if (d->cfg.mem_base != 0) {
		rc = hv_mem_assign(domain_mem, id, d->cfg.mem_base, d->cfg.mem_size);
		if (rc != 0) {
			hv_log(d->refuse_level,
			       "domain '%s': mem_base %#llx: partition of %llu MiB refused: %s",
			       d->name, (unsigned long long)d->cfg.mem_base,
			       (unsigned long long)(d->cfg.mem_size >> 20), hv_strerror(rc));
			return rc;
		}
	}
	rc = hv_mem_set_reservation(domain_mem, id, needed);
	if (rc != 0) {
		hv_log(d->refuse_level, "domain '%s': reservation refused: %s", d->name,
		       hv_strerror(rc));
		return rc;
	}
	while (have < needed) {
		unsigned int order = HV_MEM_MAX_ORDER;
		hv_pfn_t pfn;

		while ((UINT64_C(1) << order) > needed - have) {
			order--;
		}
		while ((rc = hv_mem_alloc(domain_mem, id, order, &pfn)) != 0 && order > 0) {
			order--;
		}
		if (rc != 0) {
			hv_log(d->refuse_level,
			       "domain '%s': mem_size: needs %llu KiB but only %llu KiB could be "
			       "allocated",
			       d->name, (unsigned long long)(d->cfg.mem_size >> 10),
			       (unsigned long long)((have * HV_PAGE_SIZE) >> 10));
			hv_mem_free_owner(domain_mem, id);
			return rc;
		}
		have += UINT64_C(1) << order;
	}
	return 0;
}

/*
 * Tells the port that d's vCPUs and address space are gone: their memory is
 * about to be freed or rebuilt, or they never run again. Harmless for vCPUs
 * that never ran and for a domain whose build never made an address space.
 */
static void forget_port_state(struct hv_domain *d)
{
	for (uint32_t i = 0; i < HV_DOMAIN_MAX_VCPUS; i++) {
		hv_port_vcpu_destroy(&d->vcpus[i].port);
	}
	if (d->layout.root != 0) {
		hv_port_as_destroy(d->layout.root);
	}
}

static void free_memory(struct hv_domain *d)
{
	int rc;

	hv_domain_release_frames(d);
	rc = hv_mem_free_owner(domain_mem, d->id);
	if (rc != 0) {
		hv_err("domain '%s': memory not all freed: %s", d->name, hv_strerror(rc));
	}
	d->shared = NULL;
	d->start_info = NULL;
}

/*
 * Stops d's vCPUs for good (a rebuild makes new ones) and makes the port
 * and the access layer forget them and their address space.
 */
static void stop_vcpus(struct hv_domain *d)
{
	struct hv_vcpu *cur = hv_guest_current();

	for (uint32_t i = 0; i < HV_DOMAIN_MAX_VCPUS; i++) {
		hv_sched_vcpu_stop(&d->vcpus[i]);
	}
	/* Its channels' other ends learn of it now; a rebuild binds the VIRQs anew. */
	hv_evtchn_close_all(d);
	/* Mappings it holds, and others' of its grants: while its address space is intact. */
	hv_grant_release(d);
	hv_console_flush(d);
	if (cur != NULL && cur->domain == d) {
		/* Its address space is going away or being rebuilt. */
		hv_guest_set_current(NULL);
	}
	forget_port_state(d);
}

int hv_domain_create(const struct hv_domain_desc *desc, hv_domid_t id, struct hv_domain **out)
{
	struct hv_domain *d;
	int rc;

	if (id >= HV_CONFIG_MAX_DOMAINS) {
		return -HV_EINVAL;
	}
	d = &table[id];
	hv_memset(d, 0, sizeof(*d));
	d->desc = desc;
	d->name = desc->name;
	d->id = id;
	d->vcpu_count = desc->cfg.vcpu_count;
	d->flags = desc->cfg.flags;
	d->on_crash = desc->cfg.on_crash;
	d->pool = hv_pool_get(HV_POOL_DEFAULT);
	for (uint32_t i = 0; i < HV_DOMAIN_MAX_VCPUS; i++) {
		struct hv_vcpu *v = &d->vcpus[i];

		v->domain = d;
		v->id = i;
		v->sched =
		        (struct hv_sched_vcpu){.domid = id, .vcpu_id = i, .priv = v->sched_priv[0]};
	}
	rc = hv_domain_build(d);
	if (rc != 0) {
		forget_port_state(d);
		free_memory(d);
		hv_memset(d, 0, sizeof(*d));
		return rc;
	}
	d->state = HV_DOMAIN_CREATED;
	if (out != NULL) {
		*out = d;
	}
	return 0;
}

bool hv_domain_ended(const struct hv_domain *d)
{
	return d == NULL || d->state == HV_DOMAIN_NONE || d->state == HV_DOMAIN_DEAD ||
	       d->state == HV_DOMAIN_CRASHED;
}

bool hv_domain_all_ended(void)
{
	for (size_t i = 0; i < HV_CONFIG_MAX_DOMAINS; i++) {
		if (!hv_domain_ended(&table[i])) {
			return false;
		}
	}
	return true;
}

void hv_domain_update_state(struct hv_domain *d)
{
	bool up = false;
	bool awake = false;

	if (d->state != HV_DOMAIN_RUNNING && d->state != HV_DOMAIN_BLOCKED) {
		return;
	}
	for (uint32_t i = 0; i < d->vcpu_count; i++) {
		enum hv_vcpu_state s = d->vcpus[i].state;

		up = up || s != HV_VCPU_DOWN;
		awake = awake || s == HV_VCPU_RUNNABLE || s == HV_VCPU_RUNNING;
	}
	d->state = (up && !awake) ? HV_DOMAIN_BLOCKED : HV_DOMAIN_RUNNING;
}

int hv_domain_start(struct hv_domain *d)
{
	int rc = 0;

	for (uint32_t i = 0; i < d->vcpu_count && rc == 0; i++) {
		rc = hv_sched_vcpu_add(&d->vcpus[i]);
	}
	if (rc != 0) {
		hv_err("domain '%s': the scheduler refused its vCPUs: %s", d->name,
		       hv_strerror(rc));
		stop_vcpus(d);
		free_memory(d);
		d->state = HV_DOMAIN_DEAD;
		return rc;
	}
	d->cpu_time_at_start = d->cpu_time_ns;
	d->state = HV_DOMAIN_RUNNING;
	hv_sched_vcpu_wake(&d->vcpus[0]);
	hv_info("domain %u '%s' started", d->id, d->name);
	return 0;
}

/* Tells the control domain that another domain ended or crashed. */
static void notify_control(const struct hv_domain *d)
{
	struct hv_domain *c = hv_domain_control();

	if (c != NULL && c != d && !hv_domain_ended(c) && c->state != HV_DOMAIN_CREATED) {
		hv_event_raise_virq(c, HV_VIRQ_DOM_EXC);
	}
}

/* The memory is all back: the end is complete. */
static void finish_destroy(struct hv_domain *d)
{
	if (d->reclaim.active) {
		reclaims_pending--;
	}
	d->reclaim.active = false;
	d->shared = NULL;
	d->start_info = NULL;
	hv_domctl_forget_image(d->id);
	d->state = HV_DOMAIN_DEAD;
	notify_control(d);
}

/*
 * Ends d: its vCPUs, channels and grants at once, its memory in bounded
 * steps (reclaim.c), the first of them now; it stays DYING until the last.
 */
static void destroy(struct hv_domain *d, enum hv_domain_end end)
{
	d->state = HV_DOMAIN_DYING;
	d->end = end;
	stop_vcpus(d);
	/* A new domain in this slot starts from its scheduler's defaults. */
	if (d->pool != NULL) {
		hv_sched_call_forget_domain(d->pool->current, d->id);
	}
	d->reclaim = (struct hv_domain_reclaim){.active = true};
	reclaims_pending++;
	if (hv_domain_reclaim_step(d)) {
		finish_destroy(d);
	}
}

bool hv_domain_reclaim_some(void)
{
	if (reclaims_pending == 0) {
		return false;
	}
	for (size_t i = 0; i < HV_CONFIG_MAX_DOMAINS; i++) {
		struct hv_domain *d = &table[i];

		if (d->state == HV_DOMAIN_DYING && d->reclaim.active) {
			if (hv_domain_reclaim_step(d)) {
				finish_destroy(d);
			}
			return true;
		}
	}
	return false;
}

/*
 * Rebuilds d from its image in its own memory, leaving it CREATED; if the
 * build fails, destroys it with 'end' and returns false. 'why' names the
 * cause in messages.
 */
static bool rebuild(struct hv_domain *d, enum hv_domain_end end, const char *why)
{
	int rc;

	d->state = HV_DOMAIN_DYING;
	stop_vcpus(d);
	hv_domain_release_frames(d);
	d->restarts++;
	rc = hv_domain_build(d);
	if (rc != 0) {
		hv_err("domain '%s': %s failed: %s", d->name, why, hv_strerror(rc));
		destroy(d, end);
		hv_info("domain %u '%s' destroyed", d->id, d->name);
		return false;
	}
	d->state = HV_DOMAIN_CREATED;
	d->end = HV_DOMAIN_END_NONE;
	d->kept = false;
	return true;
}

/* Rebuilds a crashed or rebooting domain, unless it restarts too often. */
static void restart(struct hv_domain *d, enum hv_domain_end end)
{
	if (d->cpu_time_ns - d->cpu_time_at_start >= HV_DOMAIN_RESTART_STABLE_NS) {
		d->restart_streak = 0;
	}
	if (d->restart_streak >= HV_DOMAIN_MAX_RESTARTS) {
		hv_notice("domain '%s' restarted %u times in a row; not restarted again", d->name,
		          d->restart_streak);
		destroy(d, end);
		hv_info("domain %u '%s' destroyed", d->id, d->name);
		return;
	}
	d->restart_streak++;
	if (!rebuild(d, end, "restart")) {
		return;
	}
	hv_info("domain %u '%s' restarted (%u of %u in a row)", d->id, d->name, d->restart_streak,
	        HV_DOMAIN_MAX_RESTARTS);
	notify_control(d);
	hv_domain_start(d);
}

int hv_domain_reset(struct hv_domain *d)
{
	if (d->state == HV_DOMAIN_NONE || d->state == HV_DOMAIN_DEAD ||
	    d->state == HV_DOMAIN_DYING) {
		return -HV_ENOENT;
	}
	d->restart_streak = 0;
	if (!rebuild(d, HV_DOMAIN_END_DESTROYED, "reset")) {
		return -HV_ENOMEM;
	}
	hv_info("domain %u '%s' reset by the control domain", d->id, d->name);
	return hv_domain_start(d);
}

void hv_domain_shutdown(struct hv_domain *d, uint64_t reason)
{
	if (hv_domain_ended(d) || d->state == HV_DOMAIN_DYING) {
		return;
	}
	if (reason == HV_SHUTDOWN_REBOOT) {
		hv_info("domain %u '%s' rebooting", d->id, d->name);
		restart(d, HV_DOMAIN_END_REBOOT);
		return;
	}
	destroy(d, HV_DOMAIN_END_POWEROFF);
	hv_info("domain %u '%s' powered off", d->id, d->name);
}

void hv_domain_crash(struct hv_domain *d, const char *fmt, ...)
{
	va_list ap;

	if (hv_domain_ended(d) || d->state == HV_DOMAIN_DYING) {
		return;
	}
	va_start(ap, fmt);
	hv_vsnprintf(d->crash_reason, sizeof(d->crash_reason), fmt, ap);
	va_end(ap);
	hv_notice("domain '%s' crashed: %s", d->name, d->crash_reason);
	switch (d->on_crash) {
	case HV_CRASH_RESTART:
		restart(d, HV_DOMAIN_END_CRASH);
		break;
	case HV_CRASH_KEEP:
		d->state = HV_DOMAIN_DYING;
		d->end = HV_DOMAIN_END_CRASH;
		d->kept = true;
		stop_vcpus(d);
		d->state = HV_DOMAIN_CRASHED;
		hv_info("domain %u '%s' kept for inspection", d->id, d->name);
		notify_control(d);
		break;
	case HV_CRASH_DESTROY:
	default:
		destroy(d, HV_DOMAIN_END_CRASH);
		hv_info("domain %u '%s' destroyed", d->id, d->name);
		break;
	}
}

int hv_domain_destroy(struct hv_domain *d)
{
	if (d->state == HV_DOMAIN_NONE || d->state == HV_DOMAIN_DEAD) {
		return -HV_ENOENT;
	}
	if (d->state == HV_DOMAIN_DYING) {
		return -HV_EALREADY; /* its memory is still being given back */
	}
	if (d->state != HV_DOMAIN_CRASHED) {
		d->end = HV_DOMAIN_END_DESTROYED;
	}
	d->kept = false;
	/* A kept domain's vCPUs and links are gone already; this frees its memory. */
	destroy(d, d->end);
	hv_info("domain %u '%s' destroyed by the control domain", d->id, d->name);
	return 0;
}

int hv_domain_pause(struct hv_domain *d)
{
	if (hv_domain_ended(d) || d->state == HV_DOMAIN_DYING) {
		return -HV_ENOENT;
	}
	if (d->state == HV_DOMAIN_PAUSED || d->state == HV_DOMAIN_CREATED) {
		return -HV_EALREADY;
	}
	d->state = HV_DOMAIN_PAUSED;
	for (uint32_t i = 0; i < d->vcpu_count; i++) {
		hv_sched_vcpu_pause(&d->vcpus[i]);
	}
	hv_info("domain %u '%s' paused", d->id, d->name);
	return 0;
}

int hv_domain_unpause(struct hv_domain *d)
{
	if (hv_domain_ended(d) || d->state == HV_DOMAIN_DYING) {
		return -HV_ENOENT;
	}
	if (d->state == HV_DOMAIN_CREATED) {
		return hv_domain_start(d);
	}
	if (d->state != HV_DOMAIN_PAUSED) {
		return -HV_EALREADY;
	}
	d->state = HV_DOMAIN_RUNNING;
	for (uint32_t i = 0; i < d->vcpu_count; i++) {
		hv_sched_vcpu_unpause(&d->vcpus[i]);
	}
	hv_domain_update_state(d);
	hv_info("domain %u '%s' unpaused", d->id, d->name);
	return 0;
}

void hv_domain_strand(struct hv_domain *d)
{
	if (hv_domain_ended(d)) {
		return;
	}
	hv_notice("domain '%s' is %s with nothing left to wake it; stopped", d->name,
	          hv_domain_state_name(d->state));
	destroy(d, HV_DOMAIN_END_STRANDED);
}

static const char *end_text(const struct hv_domain *d)
{
	switch (d->end) {
	case HV_DOMAIN_END_POWEROFF:
		return "powered off";
	case HV_DOMAIN_END_CRASH:
		return d->kept ? "crashed, kept" : "crashed, destroyed";
	case HV_DOMAIN_END_REBOOT:
		return "rebooted too often, destroyed";
	case HV_DOMAIN_END_STRANDED:
		return "stranded (blocked for ever)";
	case HV_DOMAIN_END_DESTROYED:
		return "destroyed by the control domain";
	case HV_DOMAIN_END_NONE:
	default:
		return hv_domain_state_name(d->state);
	}
}

void hv_domain_summary(void)
{
	for (size_t i = 0; i < HV_CONFIG_MAX_DOMAINS; i++) {
		const struct hv_domain *d = &table[i];

		if (d->state == HV_DOMAIN_NONE) {
			continue;
		}
		hv_info("summary: domain %u '%s': %s; cpu %llu us, events %llu sent %llu received, "
		        "%llu restarts%s%s",
		        d->id, d->name, end_text(d), (unsigned long long)(d->cpu_time_ns / 1000),
		        (unsigned long long)d->events_sent, (unsigned long long)d->events_received,
		        (unsigned long long)d->restarts, d->end == HV_DOMAIN_END_CRASH ? "; " : "",
		        d->end == HV_DOMAIN_END_CRASH ? d->crash_reason : "");
	}
}

bool hv_domain_run_passed(void)
{
	const struct hv_domain *c = hv_domain_control();

	if (c != NULL) {
		return c->end == HV_DOMAIN_END_POWEROFF;
	}
	for (size_t i = 0; i < HV_CONFIG_MAX_DOMAINS; i++) {
		const struct hv_domain *d = &table[i];

		if (d->state != HV_DOMAIN_NONE && d->end != HV_DOMAIN_END_POWEROFF) {
			return false;
		}
	}
	return true;
}
