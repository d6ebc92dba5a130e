/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The control domain's domain operations (<hv/abi/domctl.h>): creating a
 * domain from a boot module at run time, describing domains, and the
 * resource counters a create/destroy cycle must give back. Pause, unpause
 * and destroy are in domain.c.
 *
 * Creation reuses the start-up path piece by piece (the same checks of the
 * description and of the ELF image, the same reservation and builder), in
 * a slot that holds no domain or a dead one; each step that fails undoes
 * the steps before it, so a refused request leaves nothing behind. The
 * domain is left CREATED: the control domain starts it with unpause.
 */
#include <hv/abi/domctl.h>
#include <hv/abi/errno.h>
#include <hv/log.h>
#include <hv/port.h>

#include "core/boot.h"
#include "domain/control.h"
#include "domain/domain.h"
#include "event/event.h"
#include "grant/grant.h"
#include "guest/access.h"
#include "lib/string.h"
#include "sched/pool.h"
#include "time/time.h"

/* Copies a NUL-terminated string of at most size - 1 characters; false if it has no NUL. */
static bool copy_string(char *dst, const char *src, size_t size)
{
	size_t len = hv_strnlen(src, size);

	if (len == size) {
		return false;
	}
	hv_memcpy(dst, src, len + 1);
	return true;
}

/* True if a domain that has not ended, or is kept, is called 'name'. */
static bool name_in_use(const char *name)
{
	for (hv_domid_t id = 0; id < HV_CONFIG_MAX_DOMAINS; id++) {
		const struct hv_domain *d = hv_domain_get(id);

		if (d != NULL && d->state != HV_DOMAIN_DEAD && hv_strcmp(d->name, name) == 0) {
			return true;
		}
	}
	return false;
}

/* A slot with no domain or a dead one; -HV_ENOSPC if none. */
static int free_slot(hv_domid_t *out)
{
	for (hv_domid_t id = 0; id < HV_CONFIG_MAX_DOMAINS; id++) {
		const struct hv_domain *d = hv_domain_get(id);

		if (d == NULL || d->state == HV_DOMAIN_DEAD) {
			*out = id;
			return 0;
		}
	}
	return -HV_ENOSPC;
}

/* Fills desc from the request; -HV_EINVAL, after logging, for a malformed field. */
static int describe(struct hv_domain_desc *desc, const struct hv_domctl_create *req)
{
	hv_memset(desc, 0, sizeof(*desc));
	if (!copy_string(desc->image, req->image, sizeof(req->image)) ||
	    !copy_string(desc->name, req->name, sizeof(req->name)) ||
	    !copy_string(desc->cmdline, req->cmdline, sizeof(req->cmdline))) {
		hv_notice("domctl: create: a name, image or command line has no NUL");
		return -HV_EINVAL;
	}
	if (desc->image[0] == '\0' && req->image_size != 0) {
		hv_strlcpy(desc->image, "memory", sizeof(desc->image));
	}
	if (desc->name[0] == '\0') {
		hv_strlcpy(desc->name, desc->image, sizeof(desc->name));
	}
	if ((req->flags & ~HV_DOMCTL_F_CONTROL) != 0 || req->on_crash > HV_DOMCTL_CRASH_KEEP) {
		hv_notice("domctl: create '%s': unknown flags %#x or crash policy %u", desc->name,
		          req->flags, req->on_crash);
		return -HV_EINVAL;
	}
	desc->cfg = (struct hv_domain_config){
	        .name = desc->name,
	        .image = desc->image,
	        .mem_size = req->mem_size,
	        .vcpu_count = req->vcpus,
	        .on_crash = (enum hv_crash_policy)req->on_crash,
	        .flags = (req->flags & HV_DOMCTL_F_CONTROL) ? HV_DOMAIN_F_CONTROL : 0,
	        .cmdline = desc->cmdline,
	};
	desc->refuse_level = HV_LOG_NOTICE; /* the control domain's request, not a fault of ours */
	return hv_domain_config_check_at(&desc->cfg, "domctl: create", HV_LOG_NOTICE) == 0
	               ? 0
	               : -HV_EINVAL;
}

void hv_domctl_forget_image(hv_domid_t id)
{
	struct hv_domain_desc *desc = hv_domain_desc_at(id);

	if (desc != NULL && desc->image_owned) {
		(void)hv_mem_free(hv_domain_mem(), desc->image_pfn, desc->image_order);
		desc->image_owned = false;
		desc->module = NULL;
	}
}

/*
 * Copies the caller's image into a block of hypervisor frames, the
 * domain's module from now on (a restart rebuilds from it). The copy is
 * taken once; the checks that follow look only at it.
 */
static int copy_image(struct hv_vcpu *caller, const struct hv_domctl_create *req,
                      struct hv_domain_desc *desc)
{
	uint64_t pages = (req->image_size + HV_PAGE_SIZE - 1) / HV_PAGE_SIZE;
	unsigned int order = 0;
	unsigned char *copy;
	int rc;

	if (req->image_size > HV_DOMCTL_IMAGE_MAX) {
		return -HV_E2BIG;
	}
	while ((UINT64_C(1) << order) < pages) {
		order++;
	}
	rc = hv_mem_alloc(hv_domain_mem(), HV_DOMID_HV, order, &desc->image_pfn);
	if (rc != 0) {
		return -HV_ENOMEM;
	}
	desc->image_order = order;
	desc->image_owned = true;
	copy = hv_port_phys_to_virt(HV_PADDR(desc->image_pfn));
	for (uint64_t off = 0; off < req->image_size && rc == 0; off += HV_GUEST_COPY_MAX) {
		uint64_t n = req->image_size - off;

		rc = hv_guest_copy_from(caller, copy + off, req->image_va + off,
		                        n < HV_GUEST_COPY_MAX ? (size_t)n : HV_GUEST_COPY_MAX);
	}
	desc->image_copy = (struct hv_boot_module){.base = HV_PADDR(desc->image_pfn),
	                                           .size = req->image_size,
	                                           .data = copy,
	                                           .cmdline = desc->image};
	desc->module = &desc->image_copy;
	return rc;
}

/* The domain's image: a boot module by name, or a copy of the caller's. */
static int find_image(struct hv_vcpu *caller, const struct hv_domctl_create *req,
                      struct hv_domain_desc *desc)
{
	const struct hv_boot_info *boot = hv_boot_info_used();
	int rc;

	if (req->image_size != 0) {
		rc = copy_image(caller, req, desc);
		if (rc != 0) {
			hv_notice("domctl: create '%s': the image in memory cannot be read: %s",
			          desc->name, hv_strerror(rc));
		}
		return rc;
	}
	desc->module = boot != NULL ? hv_module_find(boot, desc->image) : NULL;
	if (desc->module == NULL) {
		hv_notice("domctl: create '%s': no boot module named '%s'", desc->name,
		          desc->image);
		return -HV_ENOENT;
	}
	return 0;
}

int hv_domctl_create(struct hv_vcpu *caller, const struct hv_domctl_create *req, hv_domid_t *out)
{
	/*
	 * The slot's description and reservation as they were, put back on a
	 * refusal: the slot may hold a dead domain, which info still describes.
	 */
	static struct hv_domain_desc saved;
	uint64_t reserved;
	struct hv_domain_desc *desc;
	struct hv_pool *pool = hv_pool_get(req->pool);
	struct hv_domain *d;
	const char *why;
	hv_domid_t id;
	int rc;

	if (req->pool >= HV_POOL_MAX || pool == NULL) {
		return req->pool >= HV_POOL_MAX ? -HV_EINVAL : -HV_ENOENT;
	}
	/* As hv_pool_move_domain() would refuse, and before anything is done. */
	if ((req->flags & HV_DOMCTL_F_CONTROL) != 0 && pool->cpus == 0) {
		hv_notice("domctl: create: pool '%s' has no CPU for a domain with the control "
		          "privilege",
		          pool->name);
		return -HV_EBUSY;
	}
	if (hv_domain_mem()->ops->assign != NULL) {
		hv_notice("domctl: create: the memory module '%s' partitions statically",
		          hv_domain_mem()->ops->name);
		return -HV_ENOSYS;
	}
	rc = free_slot(&id);
	if (rc != 0) {
		return rc;
	}
	desc = hv_domain_desc_at(id);
	saved = *desc;
	reserved = hv_domain_mem()->accounts[id].reserved_frames;
	rc = describe(desc, req);
	if (rc == 0 && name_in_use(desc->name)) {
		hv_notice("domctl: create: name '%s' is in use", desc->name);
		rc = -HV_EEXIST;
	}
	if (rc == 0) {
		rc = find_image(caller, req, desc);
	}
	if (rc == 0 &&
	    hv_elf_check(desc->module->data, desc->module->size, &desc->elf, &why) != 0) {
		hv_notice("domctl: create '%s': image '%s': %s", desc->name, desc->image, why);
		rc = -HV_ENOEXEC;
	}
	if (rc == 0 && hv_domain_reserve(desc, id) != 0) {
		rc = -HV_ENOMEM;
	}
	if (rc == 0) {
		rc = hv_domain_create(desc, id, &d);
	}
	if (rc != 0) {
		hv_domctl_forget_image(id);
		(void)hv_mem_set_reservation(hv_domain_mem(), id, reserved); /* it holds nothing */
		*desc = saved;
		return rc;
	}
	if (pool != d->pool) {
		/* Not started, and a control domain's pool has a CPU: nothing can fail. */
		rc = hv_pool_move_domain(d, pool);
	}
	hv_info("domain %u '%s' created from '%s': %llu KiB, %u vCPU%s, pool '%s'", id, d->name,
	        desc->image, (unsigned long long)(req->mem_size >> 10), req->vcpus,
	        req->vcpus == 1 ? "" : "s", d->pool->name);
	*out = id;
	return rc;
}

static uint32_t abi_state(const struct hv_domain *d)
{
	switch (d->state) {
	case HV_DOMAIN_CREATED:
		return HV_DOMCTL_STATE_CREATED;
	case HV_DOMAIN_RUNNING:
		return HV_DOMCTL_STATE_RUNNING;
	case HV_DOMAIN_BLOCKED:
		return HV_DOMCTL_STATE_BLOCKED;
	case HV_DOMAIN_PAUSED:
		return HV_DOMCTL_STATE_PAUSED;
	case HV_DOMAIN_CRASHED:
		return HV_DOMCTL_STATE_CRASHED;
	case HV_DOMAIN_DYING:
		return HV_DOMCTL_STATE_DYING;
	case HV_DOMAIN_DEAD:
		return HV_DOMCTL_STATE_DEAD;
	case HV_DOMAIN_NONE:
	default:
		return HV_DOMCTL_STATE_NONE;
	}
}

_Static_assert(HV_DOMAIN_MAX_VCPUS <= HV_DOMCTL_MAX_VCPUS, "info describes every vCPU");

static uint32_t abi_vcpu_state(enum hv_vcpu_state state)
{
	switch (state) {
	case HV_VCPU_RUNNABLE:
		return HV_DOMCTL_VCPU_RUNNABLE;
	case HV_VCPU_RUNNING:
		return HV_DOMCTL_VCPU_RUNNING;
	case HV_VCPU_BLOCKED:
		return HV_DOMCTL_VCPU_BLOCKED;
	case HV_VCPU_PAUSED:
		return HV_DOMCTL_VCPU_PAUSED;
	case HV_VCPU_DOWN:
	default:
		return HV_DOMCTL_VCPU_DOWN;
	}
}

int hv_domctl_info(hv_domid_t id, struct hv_domctl_info *out)
{
	const struct hv_domain *d = hv_domain_get(id);
	const struct hv_mem_account *acct;

	if (d == NULL) {
		return -HV_ENOENT;
	}
	acct = &hv_domain_mem()->accounts[id];
	hv_memset(out, 0, sizeof(*out));
	hv_strlcpy(out->name, d->name, sizeof(out->name));
	out->domid = id;
	out->state = abi_state(d);
	out->vcpus = d->vcpu_count;
	out->flags = (d->flags & HV_DOMAIN_F_CONTROL) ? 1 : 0;
	out->pool = d->pool != NULL ? d->pool->id : 0;
	out->restarts = d->restarts;
	out->frames = acct->used_frames;
	out->frames_reserved = acct->reserved_frames;
	out->cpu_time_ns = d->cpu_time_ns;
	out->events_sent = d->events_sent;
	out->events_received = d->events_received;
	out->ports = d->ports_used;
	out->grant_maps = d->grants.maps_used;
	if (d->end == HV_DOMAIN_END_CRASH) {
		hv_strlcpy(out->crash_reason, d->crash_reason, sizeof(out->crash_reason));
	}
	for (uint32_t i = 0; i < d->vcpu_count && i < HV_DOMCTL_MAX_VCPUS; i++) {
		out->vcpu[i].state = abi_vcpu_state(d->vcpus[i].state);
		out->vcpu[i].run_time_ns = d->vcpus[i].run_time_ns;
	}
	return 0;
}

void hv_domctl_counters(struct hv_domctl_counters *out)
{
	const struct hv_mem *mem = hv_domain_mem();

	hv_memset(out, 0, sizeof(*out));
	out->free_frames = hv_mem_free_count(mem);
	for (hv_pfn_t pfn = 0; pfn < mem->frame_count; pfn++) {
		out->frame_refs += mem->frames[pfn].ref_count;
	}
	for (hv_domid_t id = 0; id < HV_CONFIG_MAX_DOMAINS; id++) {
		const struct hv_domain *d = hv_domain_get(id);

		if (d == NULL) {
			continue;
		}
		out->domains += !hv_domain_ended(d);
		out->ports += d->ports_used;
		out->grant_tables += d->grants.table_pages != 0;
	}
	out->grant_maps = hv_grant_mappings_in_use();
}

/*
 * The ABI publishes the wall clock at system time 0; the caller gives it
 * now: take the system time off, in seconds and nanoseconds apart so that
 * nothing overflows.
 */
int hv_domctl_set_wallclock(uint64_t sec, uint64_t nsec)
{
	const uint64_t billion = UINT64_C(1000000000);
	uint64_t now = hv_port_time_ns();
	uint64_t now_sec = now / billion;
	uint64_t now_nsec = now % billion;

	if (nsec >= billion || sec < now_sec + (nsec < now_nsec ? 1 : 0)) {
		return -HV_EINVAL;
	}
	if (nsec < now_nsec) {
		sec--;
		nsec += billion;
	}
	hv_time_set_wallclock(sec - now_sec, (uint32_t)(nsec - now_nsec));
	for (hv_domid_t id = 0; id < HV_CONFIG_MAX_DOMAINS; id++) {
		struct hv_domain *d = hv_domain_get(id);

		/* A DYING domain's shared-info page may be free already, or another's. */
		if (d != NULL && d->shared != NULL && !hv_domain_ended(d) &&
		    d->state != HV_DOMAIN_DYING) {
			hv_time_publish_wallclock(d);
		}
	}
	hv_info("domctl: wall clock set (%llu.%09llu at system time 0)",
	        (unsigned long long)(sec - now_sec), (unsigned long long)(nsec - now_nsec));
	return 0;
}

/* A live domain other than the caller, in *out. */
static int other_live(const struct hv_domain *caller, uint64_t domid, struct hv_domain **out)
{
	if (domid >= HV_CONFIG_MAX_DOMAINS) {
		return -HV_EINVAL;
	}
	*out = hv_domain_get((hv_domid_t)domid);
	if (*out == NULL || hv_domain_ended(*out) || (*out)->state == HV_DOMAIN_DYING) {
		return -HV_ENOENT;
	}
	return *out == caller ? -HV_EINVAL : 0;
}

int hv_domctl_evtchn_connect(const struct hv_domain *caller, uint64_t a, uint64_t b,
                             uint32_t *port_a, uint32_t *port_b)
{
	struct hv_domain *da;
	struct hv_domain *db;
	int pa;
	int pb;
	int rc = other_live(caller, a, &da);

	if (rc == 0) {
		rc = other_live(caller, b, &db);
	}
	if (rc == 0 && da == db) {
		rc = -HV_EINVAL;
	}
	if (rc != 0) {
		return rc;
	}
	pa = hv_evtchn_alloc_unbound(da, db->id);
	if (pa < 0) {
		return pa;
	}
	pb = hv_evtchn_bind_interdomain(db, da->id, (uint64_t)pa);
	if (pb < 0) {
		hv_evtchn_close(da, (uint64_t)pa); /* unbound: nothing to notify */
		return pb;
	}
	/* The bind raised a's end; b learns of its new port the same way. */
	hv_event_raise(db, (uint32_t)pb);
	*port_a = (uint32_t)pa;
	*port_b = (uint32_t)pb;
	hv_info("domctl: domains '%s' (port %d) and '%s' (port %d) connected", da->name, pa,
	        db->name, pb);
	return 0;
}
