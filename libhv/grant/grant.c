/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Grant tables (see grant/grant.h and <hv/abi/grant.h>).
 *
 * The grant table lives in the granter's own pages, which it writes at any
 * time. Every use (map, copy) therefore reads the entry once, into a local
 * copy, and checks only that copy: flags, grantee, and the frame against
 * the frame table (owner, type) at that moment. What the table said before
 * or says after matters to nobody: a mapping, once made, holds its own
 * reference on the frame and is undone only by an unmap, or by the end of
 * either domain.
 *
 * Frames a grant may name: the granter's, used as plain data. A writable
 * mapping or a copy into the frame needs HV_FRAME_WRITABLE (mapped writable
 * by its owner, so never a page table); a read-only one also accepts
 * HV_FRAME_NONE (read-only data, spare frames). Never a page table, never
 * the shared-info page (HV_FRAME_SHARED), never a frame of the granter's
 * grant table (whoever could write it could grant himself the rest).
 *
 * Map areas: the builder leaves HV_GRANT_MAP_SLOTS pages at
 * layout.map_base unmapped, with their page table present, so a map needs
 * no allocation: the port's allocator callback here refuses. When a
 * granter ends, each mapping of its grants is replaced by the mapper's own
 * dead page (revoke_mapping()): the mapper never faults for another
 * domain's end, and the granter's frames are free at once.
 */
#include <hv/abi/errno.h>
#include <hv/abi/grant.h>
#include <hv/port.h>

#include "domain/domain.h"
#include "grant/grant.h"
#include "guest/access.h"
#include "lib/string.h"

#define PAGE HV_GRANT_PAGE_SIZE

static int no_alloc(void *ctx, hv_paddr_t *pa)
{
	(void)ctx;
	(void)pa;
	return -HV_ENOMEM;
}

static const struct hv_port_pt_alloc refuse_alloc = {.alloc = no_alloc, .ctx = NULL};

void hv_grant_init(struct hv_domain *d)
{
	hv_memset(&d->grants, 0, sizeof(d->grants));
}

static struct hv_frame *frame(hv_pfn_t pfn)
{
	return &hv_domain_mem()->frames[pfn];
}

/* A domain whose grants can be used: built and not ended. */
static struct hv_domain *live_domain(uint64_t domid, int *rc)
{
	struct hv_domain *d;

	if (domid >= HV_CONFIG_MAX_DOMAINS) {
		*rc = -HV_EINVAL;
		return NULL;
	}
	d = hv_domain_get((hv_domid_t)domid);
	if (d == NULL || hv_domain_ended(d) || d->state == HV_DOMAIN_DYING) {
		*rc = -HV_ENOENT;
		return NULL;
	}
	return d;
}

static bool in_table(const struct hv_domain *g, hv_pfn_t pfn)
{
	for (uint32_t i = 0; i < g->grants.table_pages; i++) {
		if (g->grants.table[i] == pfn) {
			return true;
		}
	}
	return false;
}

/*
 * Reads grant 'ref' of granter g once and checks it for use by domain
 * 'user', writably or not. On success *pfn is the frame, validated now.
 */
static int check_grant(const struct hv_domain *g, uint64_t ref, const struct hv_domain *user,
                       bool writable, hv_pfn_t *pfn)
{
	const struct hv_grant_entry *table;
	struct hv_grant_entry e;
	struct hv_frame *f;

	if (ref >= (uint64_t)g->grants.table_pages * HV_GRANT_ENTRIES_PER_PAGE) {
		return -HV_EINVAL;
	}
	table = hv_port_phys_to_virt(HV_PADDR(g->grants.table[ref / HV_GRANT_ENTRIES_PER_PAGE]));
	/* The one read of the entry: everything below looks at the copy. */
	hv_memcpy(&e, &table[ref % HV_GRANT_ENTRIES_PER_PAGE], sizeof(e));
	__asm__ volatile("" ::: "memory");
	if ((e.flags & HV_GRANT_F_ACCESS) == 0 || e.domid != user->id) {
		return -HV_EPERM;
	}
	if (writable && (e.flags & HV_GRANT_F_READONLY) != 0) {
		return -HV_EPERM;
	}
	if (e.frame >= hv_domain_mem()->frame_count) {
		return -HV_EPERM;
	}
	f = frame(e.frame);
	if (f->owner != g->id || in_table(g, e.frame)) {
		return -HV_EPERM;
	}
	if (f->type != HV_FRAME_WRITABLE && (writable || f->type != HV_FRAME_NONE)) {
		return -HV_EPERM;
	}
	*pfn = e.frame;
	return 0;
}

int hv_grant_set_table(struct hv_vcpu *v, uint64_t va, uint64_t pages)
{
	struct hv_domain *d = v->domain;
	hv_pfn_t table[HV_GRANT_TABLE_MAX_PAGES];

	if (pages > HV_GRANT_TABLE_MAX_PAGES || (va & (PAGE - 1)) != 0) {
		return -HV_EINVAL;
	}
	for (uint32_t ref = 0; ref < HV_GRANT_REFS_MAX; ref++) {
		if (d->grants.map_count[ref] != 0) {
			return -HV_EBUSY;
		}
	}
	for (uint64_t i = 0; i < pages; i++) {
		hv_paddr_t pa;
		uint32_t flags;
		struct hv_frame *f;

		if (!hv_guest_range_ok(va + i * PAGE, PAGE) ||
		    hv_port_as_query(d->layout.root, va + i * PAGE, &pa, &flags) != 0 ||
		    (flags & HV_PORT_MAP_WRITE) == 0) {
			return -HV_EFAULT;
		}
		table[i] = HV_PFN(pa);
		f = frame(table[i]);
		if (f->owner != d->id || f->type != HV_FRAME_WRITABLE) {
			return -HV_EFAULT;
		}
		for (uint64_t j = 0; j < i; j++) {
			if (table[j] == table[i]) {
				return -HV_EINVAL; /* the same page twice */
			}
		}
	}
	hv_memcpy(d->grants.table, table, sizeof(table[0]) * pages);
	d->grants.table_pages = (uint32_t)pages;
	return 0;
}

/* The map-area slot for 'va' (0: the first free one) in *slot. */
static int find_slot(const struct hv_domain *d, uint64_t va, uint32_t *slot)
{
	if (va == 0) {
		for (uint32_t i = 0; i < HV_GRANT_MAP_SLOTS; i++) {
			if (d->grants.maps[i].state == HV_GRANT_MAP_FREE) {
				*slot = i;
				return 0;
			}
		}
		return -HV_ENOSPC;
	}
	if (va < d->layout.map_base || (va & (PAGE - 1)) != 0 ||
	    (va - d->layout.map_base) / PAGE >= HV_GRANT_MAP_SLOTS) {
		return -HV_EINVAL;
	}
	*slot = (uint32_t)((va - d->layout.map_base) / PAGE);
	return d->grants.maps[*slot].state == HV_GRANT_MAP_FREE ? 0 : -HV_EBUSY;
}

int64_t hv_grant_map(struct hv_vcpu *v, uint64_t granter, uint64_t ref, uint64_t flags, uint64_t va)
{
	struct hv_domain *d = v->domain;
	bool writable = (flags & HV_GRANT_MAP_READONLY) == 0;
	struct hv_grant_map *m;
	struct hv_domain *g;
	uint32_t slot;
	hv_pfn_t pfn;
	int rc;

	if ((flags & ~(uint64_t)HV_GRANT_MAP_READONLY) != 0) {
		return -HV_EINVAL;
	}
	rc = find_slot(d, va, &slot);
	if (rc != 0) {
		return rc;
	}
	g = live_domain(granter, &rc);
	if (g == NULL) {
		return rc;
	}
	rc = check_grant(g, ref, d, writable, &pfn);
	if (rc != 0) {
		return rc;
	}
	rc = hv_port_as_map(d->layout.root, d->layout.map_base + (uint64_t)slot * PAGE,
	                    HV_PADDR(pfn), writable ? HV_PORT_MAP_WRITE : 0, &refuse_alloc);
	if (rc != 0) {
		return rc;
	}
	frame(pfn)->ref_count++;
	g->grants.map_count[ref]++;
	m = &d->grants.maps[slot];
	*m = (struct hv_grant_map){.pfn = pfn,
	                           .granter = g->id,
	                           .ref = (uint16_t)ref,
	                           .state = HV_GRANT_MAP_MAPPED,
	                           .writable = writable};
	d->grants.maps_used++;
	return slot;
}

static uint64_t slot_va(const struct hv_domain *d, const struct hv_grant_map *m)
{
	return d->layout.map_base + (uint64_t)(m - d->grants.maps) * PAGE;
}

/*
 * Takes the page of slot m of domain d out of its address space and drops
 * its frame reference: the granter's frame (MAPPED, and the grant's count
 * too) or d's dead page (REVOKED).
 */
static void undo_mapping(struct hv_domain *d, struct hv_grant_map *m)
{
	(void)hv_port_as_unmap(d->layout.root, slot_va(d, m), NULL);
	frame(m->pfn)->ref_count--;
	if (m->state == HV_GRANT_MAP_MAPPED) {
		hv_domain_get(m->granter)->grants.map_count[m->ref]--;
	}
}

/*
 * The granter of slot m of domain d ends: its frame goes, and d's dead
 * page takes its place, writable, so that d, which may still read and
 * write there (a ring of a dead peer), touches only its own memory. The
 * page table exists (the slot was mapped), so the map cannot fail.
 */
static void revoke_mapping(struct hv_domain *d, struct hv_grant_map *m)
{
	undo_mapping(d, m);
	m->state = HV_GRANT_MAP_REVOKED;
	m->pfn = d->layout.dead_pfn;
	m->writable = 1;
	(void)hv_port_as_map(d->layout.root, slot_va(d, m), HV_PADDR(m->pfn), HV_PORT_MAP_WRITE,
	                     &refuse_alloc);
	frame(m->pfn)->ref_count++;
}

int hv_grant_unmap(struct hv_vcpu *v, uint64_t handle)
{
	struct hv_domain *d = v->domain;
	struct hv_grant_map *m;

	if (handle >= HV_GRANT_MAP_SLOTS) {
		return -HV_EINVAL;
	}
	m = &d->grants.maps[handle];
	if (m->state == HV_GRANT_MAP_FREE) {
		return -HV_ENOENT;
	}
	undo_mapping(d, m);
	*m = (struct hv_grant_map){.state = HV_GRANT_MAP_FREE};
	d->grants.maps_used--;
	return 0;
}

int hv_grant_revoke(struct hv_vcpu *v, uint64_t ref)
{
	struct hv_domain *d = v->domain;
	struct hv_grant_entry *table;

	if (ref >= (uint64_t)d->grants.table_pages * HV_GRANT_ENTRIES_PER_PAGE) {
		return -HV_EINVAL;
	}
	if (d->grants.map_count[ref] != 0) {
		return -HV_EBUSY;
	}
	table = hv_port_phys_to_virt(HV_PADDR(d->grants.table[ref / HV_GRANT_ENTRIES_PER_PAGE]));
	((volatile struct hv_grant_entry *)&table[ref % HV_GRANT_ENTRIES_PER_PAGE])->flags = 0;
	return 0;
}

int64_t hv_grant_query(struct hv_vcpu *v, uint64_t ref)
{
	struct hv_domain *d = v->domain;

	if (ref >= (uint64_t)d->grants.table_pages * HV_GRANT_ENTRIES_PER_PAGE) {
		return -HV_EINVAL;
	}
	return d->grants.map_count[ref];
}

/* The hypervisor's pointer to 'len' bytes of a granted frame, checked for this use. */
static int grant_bytes(struct hv_vcpu *v, const struct hv_grant_copy_ptr *p, uint32_t len,
                       bool writable, unsigned char **out)
{
	struct hv_domain *g;
	hv_pfn_t pfn;
	int rc;

	if (p->offset >= PAGE || len > PAGE - p->offset) {
		return -HV_EINVAL;
	}
	g = live_domain(p->domid, &rc);
	if (g == NULL) {
		return rc;
	}
	rc = check_grant(g, p->addr, v->domain, writable, &pfn);
	if (rc == 0) {
		*out = (unsigned char *)hv_port_phys_to_virt(HV_PADDR(pfn)) + p->offset;
	}
	return rc;
}

/*
 * A copy between a grant and the caller's own memory goes through this
 * page, for two reasons: the caller's address may map the granted frame
 * too (through its map area, or its own grant), and the port's copies,
 * like memcpy(), need not allow overlapping ranges; and a source that
 * faults part-way must leave the granted frame as it was (on an error
 * nothing changed). One CPU runs the core, so one page serves.
 */
static unsigned char bounce[PAGE];

static int copy_one(struct hv_vcpu *v, const struct hv_grant_copy *op)
{
	bool src_gref = (op->src.flags & HV_GRANT_COPY_F_GREF) != 0;
	bool dst_gref = (op->dst.flags & HV_GRANT_COPY_F_GREF) != 0;
	unsigned char *src = NULL;
	unsigned char *dst = NULL;
	int rc;

	if (((op->src.flags | op->dst.flags) & ~HV_GRANT_COPY_F_GREF) != 0 || op->len == 0 ||
	    op->len > PAGE || (!src_gref && !dst_gref)) {
		return -HV_EINVAL;
	}
	rc = src_gref ? grant_bytes(v, &op->src, op->len, false, &src) : 0;
	if (rc == 0 && dst_gref) {
		rc = grant_bytes(v, &op->dst, op->len, true, &dst);
	}
	if (rc != 0) {
		return rc;
	}
	/* Through the bounce page: see there. */
	if (!src_gref) {
		rc = hv_guest_copy_from(v, bounce, op->src.addr, op->len);
		if (rc == 0) {
			hv_memcpy(dst, bounce, op->len);
		}
		return rc;
	}
	if (!dst_gref) {
		hv_memcpy(bounce, src, op->len);
		return hv_guest_copy_to(v, op->dst.addr, bounce, op->len);
	}
	hv_memmove(dst, src, op->len);
	return 0;
}

int hv_grant_copy(struct hv_vcpu *v, uint64_t ops, uint64_t count)
{
	if (count > HV_GRANT_COPY_MAX_OPS) {
		return -HV_E2BIG;
	}
	for (uint64_t i = 0; i < count; i++) {
		uint64_t at = ops + i * sizeof(struct hv_grant_copy);
		struct hv_grant_copy op;
		int32_t status;
		int rc = hv_guest_copy_from(v, &op, at, sizeof(op));

		if (rc != 0) {
			return rc;
		}
		status = copy_one(v, &op);
		rc = hv_guest_copy_to(v, at + __builtin_offsetof(struct hv_grant_copy, status),
		                      &status, sizeof(status));
		if (rc != 0) {
			return rc;
		}
	}
	return 0;
}

void hv_grant_release(struct hv_domain *d)
{
	/* As mapper: every page of its map area. */
	for (uint32_t i = 0; i < HV_GRANT_MAP_SLOTS && d->grants.maps_used > 0; i++) {
		struct hv_grant_map *m = &d->grants.maps[i];

		if (m->state != HV_GRANT_MAP_FREE) {
			undo_mapping(d, m);
			*m = (struct hv_grant_map){.state = HV_GRANT_MAP_FREE};
			d->grants.maps_used--;
		}
	}
	/* As granter: others' mappings of its grants, if any is left. */
	for (hv_domid_t id = 0; id < HV_CONFIG_MAX_DOMAINS; id++) {
		struct hv_domain *o = hv_domain_get(id);

		for (uint32_t i = 0;
		     o != NULL && o != d && o->grants.maps_used > 0 && i < HV_GRANT_MAP_SLOTS;
		     i++) {
			struct hv_grant_map *m = &o->grants.maps[i];

			if (m->state == HV_GRANT_MAP_MAPPED && m->granter == d->id) {
				revoke_mapping(o, m);
			}
		}
	}
	hv_grant_init(d);
}

uint32_t hv_grant_mappings_in_use(void)
{
	uint32_t n = 0;

	for (hv_domid_t id = 0; id < HV_CONFIG_MAX_DOMAINS; id++) {
		const struct hv_domain *d = hv_domain_get(id);

		for (uint32_t i = 0; d != NULL && i < HV_GRANT_MAP_SLOTS; i++) {
			n += d->grants.maps[i].state == HV_GRANT_MAP_MAPPED;
		}
	}
	return n;
}
