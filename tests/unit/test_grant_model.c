/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Model-based tests of grant tables (libhv/grant/grant.c): random
 * sequences over four domains of what guests do with grants — write,
 * clear and rewrite entries in their own table pages (garbage included:
 * wrong grantee, frames of others, page tables, the shared-info page, the
 * table's own frames, frames out of range, read-only grants), set their
 * table, map (read-only or writable, at the first free page or a given
 * one), unmap (twice too), revoke, query, and copy batches (grant to own
 * memory, own memory to grant, grant to grant, with bad offsets, lengths,
 * addresses and batch arrays) — made through the hypercall dispatcher, and
 * ends of domains (release of its grant state, power-off, crash under each
 * crash policy, reboot, destruction by the control domain, and the domain
 * built again in its slot).
 *
 * The reference model holds each domain's table frames, its map area,
 * map_count per grant, and the content of the pages it keeps its tables
 * in; it computes every result from the rules of <hv/abi/grant.h> and
 * grant.c, with the frame table's owners and types as the builder left
 * them. A copy batch is played first on a shadow of the frames it may
 * touch, as the core's checks and the fake port's copies would do it, and
 * every frame it touched is then compared with the shadow.
 *
 * After every operation: the result equals the model's; each map area
 * (state, frame, granter, ref, writability) and the fake port's mapping of
 * each of its pages, maps_used, map_count, the table, and the table pages'
 * content equal the model's; every frame of the domains (every frame of
 * the table, every eighth operation) has the owner, type and type_count
 * the builder left, and that ref_count plus the model's mappings of it;
 * hv_grant_mappings_in_use() equals the model's count. After every domain
 * ended, the frame table, the free frame count and the mappings are back
 * to what they were before any domain was built. The seed is printed with
 * any failure (see model_rng.h).
 *
 * Targeted tests: a read-only grant (or a read-only frame) is never
 * writable; revoke and set_table are refused while a grant is mapped; the
 * granter ends while its grant is mapped, in each way a domain ends; the
 * mapper ends; a full map area; copies between a grant and the caller's
 * own mapping of the same frame, and from a source that faults part-way.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "domain_fixture.h"
#include "grant/grant.h"
#include "model_rng.h"

#define NDOM         4
#define DOM_MEM      (2u << 20)
#define PAGE         UINT64_C(4096)
#define SLOTS        HV_GRANT_MAP_SLOTS
#define REFS         HV_GRANT_REFS_MAX
#define EPP          HV_GRANT_ENTRIES_PER_PAGE
#define TPAGES       HV_GRANT_TABLE_MAX_PAGES
#define MAX_FRAMES   (FAKE_RAM_SIZE / 4096)
#define MAX_OWNED    1024
#define LIMIT        FAKE_GUEST_VA_LIMIT
#define W            HV_PORT_MAP_WRITE
#define DEFAULT_SEED UINT64_C(0x5eed0002)
#define DEFAULT_RUNS 3
#define DEFAULT_OPS  2000

/* Pages of each domain's free memory, from mem_start, and what the test uses them for. */
#define OPS_PAGE    0 /* copy batches */
#define TAREA_PAGE  1 /* grant tables are set only here */
#define TAREA_PAGES 6
#define DATA_PAGE   8 /* granted and copied to and from */
#define DATA_PAGES  32

#define SHADOW_MAX 160
#define BATCH_MAX  HV_GRANT_COPY_MAX_OPS

enum life {
	LIFE_LIVE,
	LIFE_KEPT,
	LIFE_DEAD,
};

struct mslot {
	uint8_t state;
	uint8_t writable;
	uint16_t granter;
	uint16_t ref;
	hv_pfn_t pfn;
};

struct mdom {
	enum life life;
	enum hv_crash_policy on_crash;
	unsigned int streak;
	/* Its grant state, as grant.c should hold it. */
	uint32_t table_pages;
	hv_pfn_t table[TPAGES];
	uint16_t map_count[REFS];
	struct mslot maps[SLOTS];
	uint32_t maps_used;
	/* Its memory, as the test knows it. */
	hv_pfn_t tarea_pfn[TAREA_PAGES];
	unsigned char tarea[TAREA_PAGES][PAGE]; /* what the table area holds */
	hv_pfn_t data_pfn[DATA_PAGES];
	hv_pfn_t owned[MAX_OWNED];
	size_t owned_count;
};

/* A frame as the builder left it; ref_count without the model's mappings. */
struct mframe {
	hv_domid_t owner;
	uint8_t type;
	uint32_t type_count;
	uint32_t ref_count;
};

static const struct df_spec specs[NDOM] = {
        {"a", HV_CRASH_DESTROY, 0},
        {"b", HV_CRASH_KEEP, 0},
        {"c", HV_CRASH_RESTART, 0},
        {"d", HV_CRASH_DESTROY, 0},
};

static struct mdom m[NDOM];
static struct hv_domain *dom[NDOM];
static struct mframe exp_frame[MAX_FRAMES];
static struct mframe start_frame[MAX_FRAMES];
static uint32_t mapped_of[MAX_FRAMES];
static uint64_t start_free;

/* The shadow of the frames one copy batch may touch. */
static struct {
	hv_pfn_t pfn;
	unsigned char data[PAGE];
} shadow[SHADOW_MAX];
static size_t shadow_count;
static bool in_batch;
static unsigned char bounce[PAGE];

static struct hv_frame *frame(hv_pfn_t pfn)
{
	return &hv_domain_mem()->frames[pfn];
}

static hv_pfn_t frame_count(void)
{
	return hv_domain_mem()->frame_count;
}

static bool m_live(uint64_t id)
{
	return id < NDOM && m[id].life == LIFE_LIVE;
}

static uint64_t mem_va(unsigned int id, uint64_t page)
{
	return dom[id]->layout.mem_start + page * PAGE;
}

static uint64_t slot_va(unsigned int id, uint64_t slot)
{
	return dom[id]->layout.map_base + slot * PAGE;
}

static hv_pfn_t va_pfn(unsigned int id, uint64_t va)
{
	uint64_t pa = 0;

	assert_true(fake_as_lookup(dom[id]->layout.root, va, &pa, NULL));
	return HV_PFN(pa);
}

/* --- Memory as the model sees it --- */

static unsigned char *shadow_page(hv_pfn_t pfn)
{
	for (size_t i = 0; i < shadow_count; i++) {
		if (shadow[i].pfn == pfn) {
			return shadow[i].data;
		}
	}
	assert_true(shadow_count < SHADOW_MAX);
	shadow[shadow_count].pfn = pfn;
	memcpy(shadow[shadow_count].data, fake_ram(HV_PADDR(pfn)), PAGE);
	return shadow[shadow_count++].data;
}

/* The table-area page of some domain that is frame pfn, or NULL. */
static unsigned char *tarea_page(hv_pfn_t pfn)
{
	for (unsigned int id = 0; id < NDOM; id++) {
		for (unsigned int k = 0; m[id].life != LIFE_DEAD && k < TAREA_PAGES; k++) {
			if (m[id].tarea_pfn[k] == pfn) {
				return m[id].tarea[k];
			}
		}
	}
	return NULL;
}

/* Entry 'ref' of g's table, as the model knows it (within a batch: as the batch left it). */
static struct hv_grant_entry m_entry(unsigned int g, uint64_t ref)
{
	hv_pfn_t pfn = m[g].table[ref / EPP];
	const unsigned char *page = in_batch ? shadow_page(pfn) : tarea_page(pfn);
	struct hv_grant_entry e;

	assert_non_null(page);
	memcpy(&e, page + (ref % EPP) * sizeof(e), sizeof(e));
	return e;
}

/*
 * hv_guest_copy_from()/_to() of the caller, played on the shadow: the
 * core's checks, then the fake port's copy, page by page, which stops at
 * the first page it may not use (the earlier ones are copied).
 */
static int sim_guest(unsigned int id, uint64_t va, unsigned char *buf, size_t len, bool write)
{
	if (va < PAGE || va >= LIMIT || len > LIMIT - va) {
		return -HV_EFAULT;
	}
	while (len > 0) {
		uint64_t off = va % PAGE;
		size_t n = PAGE - off < len ? (size_t)(PAGE - off) : len;
		uint64_t pa;
		uint32_t flags;
		unsigned char *g;

		if (!fake_as_lookup(dom[id]->layout.root, va, &pa, &flags) ||
		    (write && (flags & W) == 0)) {
			return -HV_EFAULT;
		}
		g = shadow_page(HV_PFN(pa)) + off;
		if (write) {
			memmove(g, buf, n);
		} else {
			memmove(buf, g, n);
		}
		buf += n;
		va += n;
		len -= n;
	}
	return 0;
}

/* --- Frames --- */

static void check_frame(const struct hv_frame *frames, hv_pfn_t pfn)
{
	const struct hv_frame *f = &frames[pfn];
	const struct mframe *e = &exp_frame[pfn];

	if (f->owner != e->owner || f->type != e->type || f->type_count != e->type_count ||
	    f->ref_count != e->ref_count + mapped_of[pfn]) {
		model_fail("frame %#llx: owner %u type %u type_count %u ref_count %u; "
		           "model: owner %u type %u type_count %u ref_count %u + %u mappings",
		           (unsigned long long)pfn, f->owner, f->type, f->type_count, f->ref_count,
		           e->owner, e->type, e->type_count, e->ref_count, mapped_of[pfn]);
	}
}

/*
 * The frames of the domains (the only ones a grant can name), or, every
 * few operations and outside the random part, the whole frame table.
 */
static void check_frames(void)
{
	const struct hv_frame *frames = hv_domain_mem()->frames;
	hv_pfn_t count = frame_count();

	if (model_run.op % 8 == 0 || model_run.op == ~0ul) {
		for (hv_pfn_t pfn = 0; pfn < count; pfn++) {
			check_frame(frames, pfn);
		}
		return;
	}
	for (unsigned int id = 0; id < NDOM; id++) {
		for (size_t i = 0; i < m[id].owned_count; i++) {
			check_frame(frames, m[id].owned[i]);
		}
	}
}

static void snapshot_all(struct mframe *out)
{
	for (hv_pfn_t pfn = 0; pfn < frame_count(); pfn++) {
		const struct hv_frame *f = frame(pfn);

		out[pfn] = (struct mframe){f->owner, f->type, f->type_count, f->ref_count};
	}
}

/*
 * Domain id's frames changed hands or were built anew: the ones it held
 * before are free unless it holds them again, and the builder's types and
 * references become the model's. None may be mapped by then.
 */
static void resnapshot(unsigned int id)
{
	struct mdom *md = &m[id];

	md->owned_count = 0;
	for (hv_pfn_t pfn = 0; pfn < frame_count(); pfn++) {
		const struct hv_frame *f = frame(pfn);

		if (exp_frame[pfn].owner != id && f->owner != id) {
			continue;
		}
		model_eq(mapped_of[pfn], 0, "frame %#llx of d%u still mapped",
		         (unsigned long long)pfn, id);
		if (f->owner != id) {
			model_eq(f->owner, HV_DOMID_FREE, "frame %#llx of d%u: owner",
			         (unsigned long long)pfn, id);
			model_eq(f->type, HV_FRAME_NONE, "frame %#llx freed: type",
			         (unsigned long long)pfn);
			model_eq(f->ref_count, 0, "frame %#llx freed: ref_count",
			         (unsigned long long)pfn);
		} else {
			model_eq(exp_frame[pfn].owner == id ||
			                 exp_frame[pfn].owner == HV_DOMID_FREE,
			         1, "frame %#llx given to d%u was free", (unsigned long long)pfn,
			         id);
			assert_true(md->owned_count < MAX_OWNED);
			md->owned[md->owned_count++] = pfn;
		}
		exp_frame[pfn] = (struct mframe){f->owner, f->type, f->type_count, f->ref_count};
	}
	if (md->life == LIFE_DEAD) {
		md->owned_count = 0;
		return;
	}
	for (unsigned int k = 0; k < TAREA_PAGES; k++) {
		md->tarea_pfn[k] = va_pfn(id, mem_va(id, TAREA_PAGE + k));
		memcpy(md->tarea[k], fake_ram(HV_PADDR(md->tarea_pfn[k])), PAGE);
	}
	for (unsigned int k = 0; k < DATA_PAGES; k++) {
		md->data_pfn[k] = va_pfn(id, mem_va(id, DATA_PAGE + k));
	}
}

/* --- The reference model --- */

/* A fresh grant state (grant.c: hv_grant_init). */
static void m_grant_init(unsigned int id)
{
	struct mdom *md = &m[id];

	md->table_pages = 0;
	memset(md->table, 0, sizeof(md->table));
	memset(md->map_count, 0, sizeof(md->map_count));
	memset(md->maps, 0, sizeof(md->maps));
	md->maps_used = 0;
}

static bool m_in_table(unsigned int g, uint64_t pfn)
{
	for (uint32_t i = 0; i < m[g].table_pages; i++) {
		if (m[g].table[i] == pfn) {
			return true;
		}
	}
	return false;
}

/* grant.c: check_grant(), on the model's entry and frame table. */
static int m_check_grant(unsigned int g, uint64_t ref, unsigned int user, bool writable,
                         hv_pfn_t *pfn)
{
	struct hv_grant_entry e;
	const struct mframe *f;

	if (ref >= (uint64_t)m[g].table_pages * EPP) {
		return -HV_EINVAL;
	}
	e = m_entry(g, ref);
	if ((e.flags & HV_GRANT_F_ACCESS) == 0 || e.domid != user) {
		return -HV_EPERM;
	}
	if (writable && (e.flags & HV_GRANT_F_READONLY) != 0) {
		return -HV_EPERM;
	}
	if (e.frame >= frame_count()) {
		return -HV_EPERM;
	}
	f = &exp_frame[e.frame];
	if (f->owner != g || m_in_table(g, e.frame)) {
		return -HV_EPERM;
	}
	if (f->type != HV_FRAME_WRITABLE && (writable || f->type != HV_FRAME_NONE)) {
		return -HV_EPERM;
	}
	*pfn = e.frame;
	return 0;
}

static int m_live_granter(uint64_t g)
{
	if (g >= HV_CONFIG_MAX_DOMAINS) {
		return -HV_EINVAL;
	}
	return m_live(g) ? 0 : -HV_ENOENT;
}

static int64_t m_map(unsigned int id, uint64_t granter, uint64_t ref, uint64_t flags, uint64_t va)
{
	struct mdom *md = &m[id];
	bool writable = (flags & HV_GRANT_MAP_READONLY) == 0;
	uint64_t base = dom[id]->layout.map_base;
	uint32_t slot = 0;
	hv_pfn_t pfn;
	int rc;

	if ((flags & ~(uint64_t)HV_GRANT_MAP_READONLY) != 0) {
		return -HV_EINVAL;
	}
	if (va == 0) {
		while (slot < SLOTS && md->maps[slot].state != HV_GRANT_MAP_FREE) {
			slot++;
		}
		if (slot == SLOTS) {
			return -HV_ENOSPC;
		}
	} else {
		if (va < base || va % PAGE != 0 || (va - base) / PAGE >= SLOTS) {
			return -HV_EINVAL;
		}
		slot = (uint32_t)((va - base) / PAGE);
		if (md->maps[slot].state != HV_GRANT_MAP_FREE) {
			return -HV_EBUSY;
		}
	}
	rc = m_live_granter(granter);
	if (rc == 0) {
		rc = m_check_grant((unsigned int)granter, ref, id, writable, &pfn);
	}
	if (rc != 0) {
		return rc;
	}
	md->maps[slot] = (struct mslot){.state = HV_GRANT_MAP_MAPPED,
	                                .writable = writable,
	                                .granter = (uint16_t)granter,
	                                .ref = (uint16_t)ref,
	                                .pfn = pfn};
	md->maps_used++;
	m[granter].map_count[ref]++;
	mapped_of[pfn]++;
	return slot;
}

/* The page of a slot leaves: the granter's frame (MAPPED) or the mapper's dead page (REVOKED). */
static void m_undo(struct mslot *s)
{
	if (s->state == HV_GRANT_MAP_MAPPED) {
		m[s->granter].map_count[s->ref]--;
	}
	mapped_of[s->pfn]--;
}

static int m_unmap(unsigned int id, uint64_t handle)
{
	struct mslot *s;

	if (handle >= SLOTS) {
		return -HV_EINVAL;
	}
	s = &m[id].maps[handle];
	if (s->state == HV_GRANT_MAP_FREE) {
		return -HV_ENOENT;
	}
	m_undo(s);
	*s = (struct mslot){.state = HV_GRANT_MAP_FREE};
	m[id].maps_used--;
	return 0;
}

static int m_revoke(unsigned int id, uint64_t ref)
{
	unsigned char *page;

	if (ref >= (uint64_t)m[id].table_pages * EPP) {
		return -HV_EINVAL;
	}
	if (m[id].map_count[ref] != 0) {
		return -HV_EBUSY;
	}
	page = tarea_page(m[id].table[ref / EPP]);
	memset(page + (ref % EPP) * sizeof(struct hv_grant_entry), 0, sizeof(uint16_t));
	return 0;
}

static int64_t m_query(unsigned int id, uint64_t ref)
{
	if (ref >= (uint64_t)m[id].table_pages * EPP) {
		return -HV_EINVAL;
	}
	return m[id].map_count[ref];
}

static int m_set_table(unsigned int id, uint64_t va, uint64_t pages)
{
	hv_pfn_t table[TPAGES];

	if (pages > TPAGES || va % PAGE != 0) {
		return -HV_EINVAL;
	}
	for (uint32_t ref = 0; ref < REFS; ref++) {
		if (m[id].map_count[ref] != 0) {
			return -HV_EBUSY;
		}
	}
	for (uint64_t i = 0; i < pages; i++) {
		uint64_t at = va + i * PAGE;
		uint64_t pa;
		uint32_t flags;

		if (at > LIMIT || PAGE > LIMIT - at || at >= LIMIT ||
		    !fake_as_lookup(dom[id]->layout.root, at, &pa, &flags) || (flags & W) == 0) {
			return -HV_EFAULT;
		}
		table[i] = HV_PFN(pa);
		if (exp_frame[table[i]].owner != id ||
		    exp_frame[table[i]].type != HV_FRAME_WRITABLE) {
			return -HV_EFAULT;
		}
		for (uint64_t j = 0; j < i; j++) {
			if (table[j] == table[i]) {
				return -HV_EINVAL;
			}
		}
	}
	for (uint64_t i = 0; i < pages; i++) {
		/* The test sets tables only in the table area, whose content it keeps. */
		assert_non_null(tarea_page(table[i]));
		m[id].table[i] = table[i];
	}
	m[id].table_pages = (uint32_t)pages;
	return 0;
}

/* grant.c: hv_grant_release(). */
static void m_release(unsigned int id)
{
	for (uint32_t i = 0; i < SLOTS; i++) {
		if (m[id].maps[i].state != HV_GRANT_MAP_FREE) {
			m_undo(&m[id].maps[i]);
		}
	}
	for (unsigned int o = 0; o < NDOM; o++) {
		for (uint32_t i = 0; o != id && i < SLOTS; i++) {
			struct mslot *s = &m[o].maps[i];

			if (s->state == HV_GRANT_MAP_MAPPED && s->granter == id) {
				/* The mapper's own dead page stands in, writable. */
				m_undo(s);
				s->state = HV_GRANT_MAP_REVOKED;
				s->writable = 1;
				s->pfn = dom[o]->layout.dead_pfn;
				mapped_of[s->pfn]++;
			}
		}
	}
	m_grant_init(id);
}

/* --- Copy batches, played on the shadow --- */

static int sim_grant_bytes(unsigned int id, const struct hv_grant_copy_ptr *p, uint32_t len,
                           bool writable, unsigned char **out)
{
	hv_pfn_t pfn;
	int rc;

	if (p->offset >= PAGE || len > PAGE - p->offset) {
		return -HV_EINVAL;
	}
	rc = m_live_granter(p->domid);
	if (rc == 0) {
		rc = m_check_grant(p->domid, p->addr, id, writable, &pfn);
	}
	if (rc == 0) {
		*out = shadow_page(pfn) + p->offset;
	}
	return rc;
}

static int sim_copy_one(unsigned int id, const struct hv_grant_copy *op)
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
	rc = src_gref ? sim_grant_bytes(id, &op->src, op->len, false, &src) : 0;
	if (rc == 0 && dst_gref) {
		rc = sim_grant_bytes(id, &op->dst, op->len, true, &dst);
	}
	if (rc != 0) {
		return rc;
	}
	/*
	 * The caller's own address may map the granted frame too (its map
	 * area, its own grant): the bytes move as if through a buffer, and a
	 * source that faults leaves the granted frame as it was (on an error
	 * nothing changed); a faulting destination of its own is written up
	 * to the page that faults.
	 */
	if (!src_gref) {
		rc = sim_guest(id, op->src.addr, bounce, op->len, false);
		if (rc == 0) {
			memcpy(dst, bounce, op->len);
		}
		return rc;
	}
	if (!dst_gref) {
		memcpy(bounce, src, op->len);
		return sim_guest(id, op->dst.addr, bounce, op->len, true);
	}
	memmove(dst, src, op->len);
	return 0;
}

static int sim_copy(unsigned int id, uint64_t ops, uint64_t count)
{
	if (count > HV_GRANT_COPY_MAX_OPS) {
		return -HV_E2BIG;
	}
	for (uint64_t i = 0; i < count; i++) {
		uint64_t at = ops + i * sizeof(struct hv_grant_copy);
		struct hv_grant_copy op;
		int32_t status;
		int rc = sim_guest(id, at, (unsigned char *)&op, sizeof(op), false);

		if (rc != 0) {
			return rc;
		}
		status = sim_copy_one(id, &op);
		rc = sim_guest(id, at + offsetof(struct hv_grant_copy, status),
		               (unsigned char *)&status, sizeof(status), true);
		if (rc != 0) {
			return rc;
		}
	}
	return 0;
}

/* --- Checks: the core against the model --- */

static void check_domain(unsigned int id)
{
	const struct hv_domain *d = hv_domain_get((hv_domid_t)id);
	const struct mdom *md = &m[id];
	const struct hv_grant_state *gs = &d->grants;

	switch (md->life) {
	case LIFE_LIVE:
		model_eq(!hv_domain_ended(d) && d->state != HV_DOMAIN_DYING, 1, "d%u live", id);
		break;
	case LIFE_KEPT:
		model_eq(d->state, HV_DOMAIN_CRASHED, "d%u state", id);
		break;
	case LIFE_DEAD:
		model_eq(d->state, HV_DOMAIN_DEAD, "d%u state", id);
		break;
	}
	model_eq(gs->table_pages, md->table_pages, "d%u table_pages", id);
	for (uint32_t i = 0; i < md->table_pages; i++) {
		model_eq((long long)gs->table[i], (long long)md->table[i], "d%u table[%u]", id, i);
	}
	model_eq(gs->maps_used, md->maps_used, "d%u maps_used", id);
	for (uint32_t ref = 0; ref < REFS; ref++) {
		if (gs->map_count[ref] != md->map_count[ref]) {
			model_eq(gs->map_count[ref], md->map_count[ref], "d%u map_count[%u]", id,
			         ref);
		}
	}
	for (uint32_t i = 0; i < SLOTS; i++) {
		const struct hv_grant_map *c = &gs->maps[i];
		const struct mslot *s = &md->maps[i];
		bool is_mapped = s->state != HV_GRANT_MAP_FREE;
		uint64_t pa = 0;
		uint32_t flags = 0;
		bool mapped;

		if (c->state != s->state ||
		    (s->state != HV_GRANT_MAP_FREE &&
		     (c->granter != s->granter || c->ref != s->ref)) ||
		    (is_mapped && (c->pfn != s->pfn || c->writable != s->writable))) {
			model_fail("d%u slot %u: state %u granter %u ref %u pfn %#llx writable %u; "
			           "model: state %u granter %u ref %u pfn %#llx writable %u",
			           id, i, c->state, c->granter, c->ref, (unsigned long long)c->pfn,
			           c->writable, s->state, s->granter, s->ref,
			           (unsigned long long)s->pfn, s->writable);
		}
		if (md->life == LIFE_DEAD) {
			continue; /* its address space is gone */
		}
		/* The page in the port: mapped exactly when the model says, to its frame. */
		mapped = fake_as_lookup(d->layout.root, slot_va(id, i), &pa, &flags);
		if (mapped != is_mapped ||
		    (mapped && (pa != HV_PADDR(s->pfn) || flags != (s->writable ? W : 0u)))) {
			model_fail("d%u slot %u in the port: mapped %d pa %#llx flags %#x; model: "
			           "mapped %d frame %#llx writable %u",
			           id, i, mapped, (unsigned long long)pa, flags, is_mapped,
			           (unsigned long long)s->pfn, s->writable);
		}
	}
	for (unsigned int k = 0; md->life != LIFE_DEAD && k < TAREA_PAGES; k++) {
		const unsigned char *ram = fake_ram(HV_PADDR(md->tarea_pfn[k]));

		if (memcmp(ram, md->tarea[k], PAGE) != 0) {
			size_t at = 0;

			while (ram[at] == md->tarea[k][at]) {
				at++;
			}
			model_fail("d%u table-area page %u changed at byte %zu: %#x, model %#x", id,
			           k, at, ram[at], md->tarea[k][at]);
		}
	}
}

static void check_all(void)
{
	uint32_t mapped = 0;

	for (unsigned int id = 0; id < NDOM; id++) {
		check_domain(id);
		for (uint32_t i = 0; i < SLOTS; i++) {
			mapped += m[id].maps[i].state == HV_GRANT_MAP_MAPPED;
		}
	}
	model_eq(hv_grant_mappings_in_use(), mapped, "hv_grant_mappings_in_use()");
	check_frames();
	if (strstr(fake_console_text(), "hv: error") != NULL) {
		model_fail("the core logged an error:\n%s", fake_console_text());
	}
}

/* --- Operations, on the core and on the model --- */

static int64_t hc(unsigned int id, uint64_t op, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4)
{
	struct hv_vcpu *v = &dom[id]->vcpus[0];
	struct hv_exit exit = {
	        .reason = HV_EXIT_HYPERCALL,
	        .nr = HV_HC_GRANT_OP,
	        .args = {op, a1, a2, a3, a4, 0},
	};
	uint64_t ret = 0;

	df_load(v);
	fake_set_reg_clear();
	hv_hypercall_dispatch(v, &exit);
	assert_true(fake_set_reg_last(&v->port, HV_REG_RET, &ret));
	return (int64_t)ret;
}

static void expect(int64_t got, int64_t want, const char *what)
{
	model_eq(got, want, "%s: result", what);
}

/* The guest writes entry 'ref' of its table, or slot 'index' of table-area page 'k'. */
static void write_entry_at(unsigned int id, unsigned int k, uint64_t index,
                           const struct hv_grant_entry *e)
{
	uint64_t va = mem_va(id, TAREA_PAGE + k) + index * sizeof(*e);

	df_write(dom[id], va, e, sizeof(*e));
	memcpy(m[id].tarea[k] + index * sizeof(*e), e, sizeof(*e));
}

static unsigned int tarea_index(unsigned int id, hv_pfn_t pfn)
{
	for (unsigned int k = 0; k < TAREA_PAGES; k++) {
		if (m[id].tarea_pfn[k] == pfn) {
			return k;
		}
	}
	fail_msg("frame %#llx is not in d%u's table area", (unsigned long long)pfn, id);
	return 0;
}

static void write_entry(unsigned int id, uint64_t ref, uint16_t flags, uint16_t domid, uint64_t pfn)
{
	struct hv_grant_entry e = {.flags = flags, .domid = domid, .frame = pfn};

	model_note("d%u writes entry %llu: flags %#x domid %u frame %#llx", id,
	           (unsigned long long)ref, flags, domid, (unsigned long long)pfn);
	assert_true(ref < (uint64_t)m[id].table_pages * EPP);
	write_entry_at(id, tarea_index(id, m[id].table[ref / EPP]), ref % EPP, &e);
}

static int do_set_table(unsigned int id, uint64_t va, uint64_t pages)
{
	int want;

	model_note("d%u set_table(%#llx, %llu)", id, (unsigned long long)va,
	           (unsigned long long)pages);
	want = m_set_table(id, va, pages);
	expect(hc(id, HV_GRANT_OP_SET_TABLE, va, pages, 0, 0), want, "set_table");
	return want;
}

static int64_t do_map(unsigned int id, uint64_t granter, uint64_t ref, uint64_t flags, uint64_t va)
{
	int64_t want;

	model_note("d%u map(d%llu, ref %llu, flags %#llx, va %#llx)", id,
	           (unsigned long long)granter, (unsigned long long)ref, (unsigned long long)flags,
	           (unsigned long long)va);
	want = m_map(id, granter, ref, flags, va);
	expect(hc(id, HV_GRANT_OP_MAP, granter, ref, flags, va), want, "map");
	return want;
}

static int do_unmap(unsigned int id, uint64_t handle)
{
	int want;

	model_note("d%u unmap(%llu)", id, (unsigned long long)handle);
	want = m_unmap(id, handle);
	expect(hc(id, HV_GRANT_OP_UNMAP, handle, 0, 0, 0), want, "unmap");
	return want;
}

static int do_revoke(unsigned int id, uint64_t ref)
{
	int want;

	model_note("d%u revoke(%llu)", id, (unsigned long long)ref);
	want = m_revoke(id, ref);
	expect(hc(id, HV_GRANT_OP_REVOKE, ref, 0, 0, 0), want, "revoke");
	return want;
}

static int64_t do_query(unsigned int id, uint64_t ref)
{
	int64_t want;

	model_note("d%u query(%llu)", id, (unsigned long long)ref);
	want = m_query(id, ref);
	expect(hc(id, HV_GRANT_OP_QUERY, ref, 0, 0, 0), want, "query");
	return want;
}

/* Writes what of [va, va + len) is mapped in id's address space, ignoring permissions. */
static void poke(unsigned int id, uint64_t va, const void *buf, size_t len)
{
	const unsigned char *p = buf;

	while (len > 0 && va < LIMIT) {
		size_t n = PAGE - va % PAGE < len ? (size_t)(PAGE - va % PAGE) : len;

		(void)fake_guest_write(dom[id]->layout.root, va, p, n);
		p += n;
		va += n;
		len -= n;
	}
}

/* A copy batch of 'count' ops at 'va' (only the first BATCH_MAX are written). */
static int do_copy(unsigned int id, uint64_t va, uint64_t count, const struct hv_grant_copy *ops)
{
	int want;
	int64_t got;

	model_note("d%u copy(%#llx, %llu)", id, (unsigned long long)va, (unsigned long long)count);
	if (count <= BATCH_MAX && va >= PAGE) {
		poke(id, va, ops, count * sizeof(*ops));
	}
	shadow_count = 0;
	in_batch = true;
	want = sim_copy(id, va, count);
	in_batch = false;
	got = hc(id, HV_GRANT_OP_COPY, va, count, 0, 0);
	expect(got, want, "copy");
	for (size_t i = 0; i < shadow_count; i++) {
		const unsigned char *ram = fake_ram(HV_PADDR(shadow[i].pfn));
		unsigned char *keep = tarea_page(shadow[i].pfn);

		if (memcmp(ram, shadow[i].data, PAGE) != 0) {
			size_t at = 0;

			while (ram[at] == shadow[i].data[at]) {
				at++;
			}
			model_fail("copy: frame %#llx byte %zu is %#x, model %#x",
			           (unsigned long long)shadow[i].pfn, at, ram[at],
			           shadow[i].data[at]);
		}
		if (keep != NULL) {
			memcpy(keep, shadow[i].data, PAGE);
		}
	}
	return want;
}

enum end_kind {
	END_RELEASE,
	END_POWEROFF,
	END_CRASH,
	END_REBOOT,
	END_DESTROY,
	END_KINDS,
};

static void m_destroy(unsigned int id)
{
	m_release(id);
	m[id].life = LIFE_DEAD;
}

static void m_rebuild(unsigned int id)
{
	m_release(id);
	m[id].streak++;
	m[id].life = LIFE_LIVE;
}

static void do_end(unsigned int id, enum end_kind kind)
{
	static const char *const names[] = {"releases its grants", "powers off", "crashes",
	                                    "reboots", "is destroyed"};
	bool rebuilt = false;

	model_note("d%u %s", id, names[kind]);
	switch (kind) {
	case END_RELEASE:
		m_release(id);
		hv_grant_release(dom[id]);
		break;
	case END_POWEROFF:
		m_destroy(id);
		hv_domain_shutdown(dom[id], HV_SHUTDOWN_POWEROFF);
		break;
	case END_CRASH:
		if (m[id].on_crash == HV_CRASH_KEEP) {
			m_release(id);
			m[id].life = LIFE_KEPT;
		} else if (m[id].on_crash == HV_CRASH_RESTART &&
		           m[id].streak < HV_DOMAIN_MAX_RESTARTS) {
			m_rebuild(id);
			rebuilt = true;
		} else {
			m_destroy(id);
		}
		hv_domain_crash(dom[id], "model test");
		break;
	case END_REBOOT:
		if (m[id].streak < HV_DOMAIN_MAX_RESTARTS) {
			m_rebuild(id);
			rebuilt = true;
		} else {
			m_destroy(id);
		}
		hv_domain_shutdown(dom[id], HV_SHUTDOWN_REBOOT);
		break;
	case END_DESTROY:
		m_destroy(id);
		assert_int_equal(hv_domain_destroy(dom[id]), 0);
		break;
	case END_KINDS:
		break;
	}
	if (rebuilt || m[id].life == LIFE_DEAD) {
		resnapshot(id);
	}
}

static void do_recreate(unsigned int id)
{
	model_note("d%u built again", id);
	/* A kept domain's memory is freed first (df_recreate()), as a control domain would. */
	dom[id] = df_recreate((hv_domid_t)id);
	m_grant_init(id);
	m[id].streak = 0;
	m[id].life = LIFE_LIVE;
	resnapshot(id);
}

/* --- Choosing operands --- */

static unsigned int pick_live(void)
{
	return model_pick_where(NDOM, m_live);
}

/* A domain identifier: mostly ours, sometimes an empty slot or out of range. */
static uint64_t pick_domid(void)
{
	return model_pick_domid(NDOM, 17, 2, UINT16_MAX);
}

static hv_pfn_t pick_owned(unsigned int g, uint8_t type, bool any_type)
{
	size_t n = 0;
	size_t k;

	for (size_t i = 0; i < m[g].owned_count; i++) {
		n += any_type || exp_frame[m[g].owned[i]].type == type;
	}
	if (n == 0) {
		return m[g].data_pfn[0];
	}
	k = model_below(n);
	for (size_t i = 0; i < m[g].owned_count; i++) {
		if ((any_type || exp_frame[m[g].owned[i]].type == type) && k-- == 0) {
			return m[g].owned[i];
		}
	}
	return m[g].data_pfn[0];
}

/* A frame for an entry of g's table: mostly good data, often not. */
static uint64_t pick_frame(unsigned int g)
{
	uint64_t r = model_below(100);
	unsigned int o = (unsigned int)model_below(NDOM);

	if (r < 45) {
		return m[g].data_pfn[model_below(DATA_PAGES)];
	}
	if (r < 55) {
		return pick_owned(g, HV_FRAME_NONE, false); /* read-only data, spare */
	}
	if (r < 60) {
		return pick_owned(g, model_chance(50) ? HV_FRAME_L1 : HV_FRAME_L4, false);
	}
	if (r < 64) {
		return pick_owned(g, HV_FRAME_SHARED, false);
	}
	if (r < 71) {
		return m[g].tarea_pfn[model_below(TAREA_PAGES)];
	}
	if (r < 79) {
		return pick_owned(g, 0, true);
	}
	if (r < 85 && m[o].life != LIFE_DEAD) {
		return m[o].data_pfn[model_below(DATA_PAGES)];
	}
	if (r < 90) {
		return model_chance(50) ? frame_count() + model_below(16) : UINT64_MAX;
	}
	return model_below(frame_count());
}

/* A new entry of id's table, as a guest (right or wrong) would write it. */
static void random_entry(unsigned int id, uint64_t ref)
{
	uint64_t r = model_below(100);
	uint16_t flags;
	uint16_t domid;

	if (r < 55) {
		flags = HV_GRANT_F_ACCESS;
	} else if (r < 75) {
		flags = HV_GRANT_F_ACCESS | HV_GRANT_F_READONLY;
	} else if (r < 83) {
		flags = 0;
	} else if (r < 90) {
		flags = HV_GRANT_F_READONLY;
	} else {
		flags = (uint16_t)model_next();
	}
	domid = (uint16_t)(model_chance(90) ? model_below(NDOM) : model_next());
	write_entry(id, ref, flags, domid, pick_frame(id));
}

/* A reference into id's table: small ones mostly, so that grants meet. */
static uint64_t pick_ref(unsigned int id)
{
	uint64_t size = (uint64_t)m[id].table_pages * EPP;
	uint64_t r = model_below(20);

	if (size > 0 && r < 14) {
		return model_chance(70) && size > 24 ? model_below(24) : model_below(size);
	}
	if (r < 19) {
		return size + model_below(EPP);
	}
	return UINT64_MAX - model_below(2);
}

/* Whether entry i of g's table grants id access (writable access if 'writable'). */
static bool granted_to(unsigned int g, uint64_t i, unsigned int id, bool writable,
                       const unsigned char **page)
{
	struct hv_grant_entry e;

	if (i % EPP == 0) {
		*page = tarea_page(m[g].table[i / EPP]);
	}
	memcpy(&e, *page + (i % EPP) * sizeof(e), sizeof(e));
	return (e.flags & HV_GRANT_F_ACCESS) != 0 && e.domid == id &&
	       (!writable || (e.flags & HV_GRANT_F_READONLY) == 0);
}

/* A grant for id: with probability pct one granted to it, else anything. */
static void pick_grant(unsigned int id, unsigned int pct, bool writable, uint64_t *g, uint64_t *ref)
{
	const unsigned char *page = NULL;
	uint32_t n = 0;

	if (model_chance(pct)) {
		for (unsigned int o = 0; o < NDOM; o++) {
			for (uint64_t i = 0; m_live(o) && i < (uint64_t)m[o].table_pages * EPP;
			     i++) {
				n += granted_to(o, i, id, writable, &page);
			}
		}
	}
	if (n > 0) {
		uint32_t k = (uint32_t)model_below(n);

		for (unsigned int o = 0; o < NDOM; o++) {
			for (uint64_t i = 0; m_live(o) && i < (uint64_t)m[o].table_pages * EPP;
			     i++) {
				if (granted_to(o, i, id, writable, &page) && k-- == 0) {
					*g = o;
					*ref = i;
					return;
				}
			}
		}
	}
	*g = pick_domid();
	*ref = *g < NDOM ? pick_ref((unsigned int)*g) : model_below(64);
}

/* A reference of id's own to revoke or query: often one that is mapped. */
static uint64_t pick_own_ref(unsigned int id)
{
	uint32_t n = 0;

	bool mapped_one = model_chance(50);

	for (uint32_t ref = 0; mapped_one && ref < REFS; ref++) {
		n += m[id].map_count[ref] != 0;
	}
	if (n > 0) {
		uint32_t k = (uint32_t)model_below(n);

		for (uint32_t ref = 0; ref < REFS; ref++) {
			if (m[id].map_count[ref] != 0 && k-- == 0) {
				return ref;
			}
		}
	}
	return pick_ref(id);
}

static uint64_t pick_map_va(unsigned int id)
{
	uint64_t r = model_below(100);
	uint64_t base = dom[id]->layout.map_base;

	if (r < 55) {
		return 0;
	}
	if (r < 85) {
		return slot_va(id, model_below(SLOTS));
	}
	switch (model_below(5)) {
	case 0:
		return slot_va(id, model_below(SLOTS)) + 1 + model_below(PAGE - 1);
	case 1:
		return base - PAGE;
	case 2:
		return base + SLOTS * PAGE;
	case 3:
		return dom[id]->layout.mem_start;
	default:
		return UINT64_MAX & ~(PAGE - 1);
	}
}

/* An address of id's own for a copy: its data, table area, map area, or worse. */
static uint64_t pick_own_va(unsigned int id, uint32_t len)
{
	const struct hv_domain_layout *l = &dom[id]->layout;
	uint64_t r = model_below(100);
	uint64_t off = model_below(PAGE);

	if (r < 45) {
		return mem_va(id, DATA_PAGE + model_below(DATA_PAGES)) + off;
	}
	if (r < 50) {
		return mem_va(id, TAREA_PAGE + model_below(TAREA_PAGES)) + off;
	}
	if (r < 65) {
		return slot_va(id, model_chance(70) ? model_below(8) : model_below(SLOTS)) + off;
	}
	if (r < 72) {
		return l->start_info + off; /* read-only */
	}
	if (r < 76) {
		return l->shared_info + off;
	}
	if (r < 80) {
		return l->shared_info + PAGE + off; /* the guard page */
	}
	if (r < 85) {
		return l->image_start + model_below(l->image_end - l->image_start);
	}
	if (r < 90) {
		return model_below(PAGE);
	}
	if (r < 95) {
		return LIMIT - model_below(2 * (uint64_t)len + 1);
	}
	return UINT64_MAX - model_below(PAGE);
}

static uint32_t pick_len(void)
{
	uint64_t r = model_below(100);

	if (r < 65) {
		return 1 + (uint32_t)model_below(64);
	}
	if (r < 85) {
		return 1 + (uint32_t)model_below(PAGE);
	}
	if (r < 90) {
		return (uint32_t)PAGE;
	}
	if (r < 95) {
		return 0;
	}
	return model_chance(50) ? (uint32_t)PAGE + 1 : UINT32_MAX;
}

static void pick_gref_ptr(unsigned int id, uint32_t len, bool writable, struct hv_grant_copy_ptr *p)
{
	uint64_t g;
	uint64_t ref;
	uint64_t r = model_below(100);

	pick_grant(id, 85, writable && model_chance(80), &g, &ref);
	p->addr = ref;
	p->domid = (uint16_t)g;
	p->flags = HV_GRANT_COPY_F_GREF;
	if (r < 75 && len <= PAGE) {
		p->offset = (uint32_t)model_below(PAGE - len + 1);
	} else if (r < 90) {
		p->offset = (uint32_t)model_below(PAGE);
	} else if (r < 97) {
		p->offset = (uint32_t)PAGE + (uint32_t)model_below(PAGE);
	} else {
		p->offset = UINT32_MAX;
	}
}

static void random_copy_op(unsigned int id, struct hv_grant_copy *op)
{
	uint64_t r = model_below(100);
	bool src_gref = r < 30 || (r >= 60 && r < 90) || (r >= 95 && model_chance(50));
	bool dst_gref = (r >= 30 && r < 90) || (r >= 95 && model_chance(50));

	memset(op, 0, sizeof(*op));
	op->len = pick_len();
	op->status = (int32_t)model_next();
	if (src_gref) {
		pick_gref_ptr(id, op->len, false, &op->src);
	} else {
		op->src.addr = pick_own_va(id, op->len);
		op->src.domid = (uint16_t)model_next();
	}
	if (dst_gref) {
		pick_gref_ptr(id, op->len, true, &op->dst);
	} else {
		op->dst.addr = pick_own_va(id, op->len);
	}
	if (r >= 95) {
		/* Unknown flags on one side. */
		(model_chance(50) ? &op->src : &op->dst)->flags |=
		        (uint16_t)(2u << model_below(15));
	}
}

static void random_copy(unsigned int id)
{
	static struct hv_grant_copy ops[BATCH_MAX];
	const struct hv_domain_layout *l = &dom[id]->layout;
	uint64_t r = model_below(100);
	uint64_t count = model_chance(90) ? 1 + model_below(8) : model_below(BATCH_MAX + 1);
	uint64_t va;

	for (uint64_t i = 0; i < count; i++) {
		random_copy_op(id, &ops[i]);
	}
	if (r < 80) {
		va = mem_va(id, OPS_PAGE) + model_below(PAGE - count * sizeof(ops[0]) + 1);
	} else if (r < 85) {
		/* Across the top of the stack: the frame list above is read-only. */
		va = l->stack_top - 1 - model_below(count * sizeof(ops[0]));
	} else if (r < 90) {
		/* Across the end of the shared-info page into the guard page. */
		va = l->shared_info + PAGE - 1 - model_below(count * sizeof(ops[0]));
	} else if (r < 93) {
		va = model_chance(50) ? 0 : LIMIT - sizeof(ops[0]);
	} else if (r < 97) {
		va = mem_va(id, OPS_PAGE);
		count = BATCH_MAX + 1 + model_below(3);
	} else {
		va = mem_va(id, OPS_PAGE);
		count = model_chance(50) ? 0 : UINT64_MAX;
	}
	do_copy(id, va, count, ops);
}

static void random_set_table(unsigned int id)
{
	const struct hv_domain_layout *l = &dom[id]->layout;
	uint64_t r = model_below(100);
	uint64_t k = model_below(TAREA_PAGES);
	uint64_t room = TAREA_PAGES - k < TPAGES ? TAREA_PAGES - k : TPAGES;

	if (r < 70) {
		do_set_table(id, mem_va(id, TAREA_PAGE + k), 1 + model_below(room));
	} else if (r < 75) {
		do_set_table(id, model_chance(50) ? 0 : mem_va(id, TAREA_PAGE), 0);
	} else if (r < 80) {
		do_set_table(id, mem_va(id, TAREA_PAGE), TPAGES + 1 + model_below(3));
	} else if (r < 85) {
		do_set_table(id, mem_va(id, TAREA_PAGE) + 8, 1);
	} else if (r < 92) {
		const uint64_t vas[] = {l->start_info, l->shared_info, l->shared_info + PAGE};

		do_set_table(id, vas[model_below(3)], 1);
	} else if (r < 97) {
		do_set_table(id, slot_va(id, model_below(8)), 1);
	} else {
		do_set_table(id, model_chance(50) ? LIMIT - PAGE : UINT64_MAX & ~(PAGE - 1), 1);
	}
}

static void random_op(void)
{
	unsigned int id = pick_live();
	uint64_t r = model_below(100);
	uint64_t a;
	uint64_t b;

	if (id == NDOM || (r < 2 && m_live(id))) {
		for (unsigned int k = 0; k < NDOM; k++) {
			if (!m_live(k)) {
				do_recreate(k);
				return;
			}
		}
	}
	if (m[id].table_pages == 0 && model_chance(60)) {
		random_set_table(id);
		return;
	}
	if (r < 22) {
		if (m[id].table_pages > 0) {
			random_entry(id, pick_ref(id) % ((uint64_t)m[id].table_pages * EPP));
		}
	} else if (r < 25) {
		/* A guest scribbles over a page of its table area, table or not. */
		struct hv_grant_entry e = {.flags = (uint16_t)model_next(),
		                           .domid = (uint16_t)model_below(NDOM),
		                           .pad = (uint32_t)model_next(),
		                           .frame = pick_frame(id)};

		model_note("d%u scribbles on its table area", id);
		write_entry_at(id, (unsigned int)model_below(TAREA_PAGES), model_below(EPP), &e);
	} else if (r < 43) {
		pick_grant(id, 70, false, &a, &b);
		do_map(id, a, b,
		       model_chance(90) ? (model_chance(50) ? HV_GRANT_MAP_READONLY : 0)
		                        : (model_chance(50) ? 2 : UINT64_MAX),
		       pick_map_va(id));
	} else if (r < 53) {
		uint64_t h = model_below(SLOTS);

		if (model_chance(70) && m[id].maps_used > 0) {
			for (uint32_t k = (uint32_t)model_below(m[id].maps_used), i = 0; i < SLOTS;
			     i++) {
				if (m[id].maps[i].state != HV_GRANT_MAP_FREE && k-- == 0) {
					h = i;
					break;
				}
			}
		} else if (model_chance(20)) {
			h = model_chance(50) ? SLOTS : UINT64_MAX;
		}
		do_unmap(id, h);
	} else if (r < 58) {
		do_revoke(id, pick_own_ref(id));
	} else if (r < 62) {
		do_query(id, pick_own_ref(id));
	} else if (r < 80) {
		random_copy(id);
	} else if (r < 84) {
		random_set_table(id);
	} else if (r < 86) {
		/* Map one grant until the map area is full, or it fails. */
		uint64_t n = model_below(SLOTS + 8);

		pick_grant(id, 70, false, &a, &b);
		for (uint64_t i = 0; i < n && do_map(id, a, b, HV_GRANT_MAP_READONLY, 0) >= 0;
		     i++) {
		}
	} else if (r < 88) {
		/* Unmap everything. */
		for (uint32_t i = 0; i < SLOTS; i++) {
			if (m[id].maps[i].state != HV_GRANT_MAP_FREE) {
				do_unmap(id, i);
			}
		}
	} else if (r < 91) {
		do_end(id, (enum end_kind)model_below(END_KINDS));
	} else {
		bool ro = model_chance(50);

		pick_grant(id, 90, !ro, &a, &b);
		do_map(id, a, b, ro ? HV_GRANT_MAP_READONLY : 0, 0);
	}
}

/* --- Set-up and the end of everything --- */

static void setup_domains(void)
{
	df_setup();
	hv_log_set_level(HV_LOG_WARNING);
	assert_true(frame_count() <= MAX_FRAMES);
	snapshot_all(start_frame);
	start_free = hv_mem_free_count(hv_domain_mem());
	memcpy(exp_frame, start_frame, sizeof(exp_frame));
	memset(mapped_of, 0, sizeof(mapped_of));
	df_create_n(specs, NDOM, DOM_MEM, dom);
	for (unsigned int id = 0; id < NDOM; id++) {
		memset(&m[id], 0, sizeof(m[id]));
		m[id].on_crash = specs[id].on_crash;
		m[id].life = LIFE_LIVE;
		resnapshot(id);
	}
	check_all();
}

/* Every domain ends; everything is back to where it was before the first was built. */
static void end_everything(void)
{
	for (unsigned int id = 0; id < NDOM; id++) {
		if (m[id].life == LIFE_KEPT) {
			do_recreate(id);
		}
		if (m[id].life == LIFE_LIVE) {
			do_end(id, END_POWEROFF);
		}
		check_all();
	}
	model_eq(hv_grant_mappings_in_use(), 0, "mappings in use at the end");
	model_eq((long long)hv_mem_free_count(hv_domain_mem()), (long long)start_free,
	         "free frames at the end");
	for (hv_pfn_t pfn = 0; pfn < frame_count(); pfn++) {
		const struct hv_frame *f = frame(pfn);
		const struct mframe *s = &start_frame[pfn];

		if (f->owner != s->owner || f->type != s->type || f->type_count != s->type_count ||
		    f->ref_count != s->ref_count) {
			model_fail(
			        "frame %#llx at the end: owner %u type %u type_count %u ref_count "
			        "%u; before the domains: %u %u %u %u",
			        (unsigned long long)pfn, f->owner, f->type, f->type_count,
			        f->ref_count, s->owner, s->type, s->type_count, s->ref_count);
		}
	}
}

static void test_random_sequences(void **state)
{
	(void)state;
	model_sequences(DEFAULT_SEED, DEFAULT_RUNS, DEFAULT_OPS, setup_domains, random_op,
	                check_all, end_everything);
}

/* --- Targeted tests --- */

/* d0 with a one-page table, granting data page k to 'to'. */
static void grant_data(unsigned int g, uint64_t ref, unsigned int to, unsigned int k,
                       uint16_t flags)
{
	if (m[g].table_pages == 0) {
		assert_int_equal(do_set_table(g, mem_va(g, TAREA_PAGE), 1), 0);
	}
	write_entry(g, ref, flags, (uint16_t)to, m[g].data_pfn[k]);
}

static void targeted_setup(void)
{
	model_begin(DEFAULT_SEED);
	setup_domains();
}

static void test_readonly_grant(void **state)
{
	struct hv_grant_copy op = {.len = 16};
	hv_pfn_t pfn;
	int64_t ro;
	int64_t rw;

	(void)state;
	targeted_setup();
	grant_data(0, 5, 1, 3, HV_GRANT_F_ACCESS | HV_GRANT_F_READONLY);
	pfn = m[0].data_pfn[3];
	/* Not writable through a read-only grant: neither mapped nor copied to. */
	assert_int_equal(do_map(1, 0, 5, 0, 0), -HV_EPERM);
	ro = do_map(1, 0, 5, HV_GRANT_MAP_READONLY, 0);
	assert_int_equal(ro, 0);
	check_all();
	assert_int_equal(frame(pfn)->ref_count, exp_frame[pfn].ref_count + 1);
	op.src = (struct hv_grant_copy_ptr){.addr = mem_va(1, DATA_PAGE)};
	op.dst = (struct hv_grant_copy_ptr){.addr = 5, .domid = 0, .flags = HV_GRANT_COPY_F_GREF};
	assert_int_equal(do_copy(1, mem_va(1, OPS_PAGE), 1, &op), 0);
	df_read(dom[1], mem_va(1, OPS_PAGE) + offsetof(struct hv_grant_copy, status), &op.status,
	        sizeof(op.status));
	assert_int_equal(op.status, -HV_EPERM);
	/* Its own read-only mapping of the frame cannot be written through either. */
	op.src = op.dst;
	op.dst = (struct hv_grant_copy_ptr){.addr = slot_va(1, (uint64_t)ro)};
	assert_int_equal(do_copy(1, mem_va(1, OPS_PAGE), 1, &op), 0);
	df_read(dom[1], mem_va(1, OPS_PAGE) + offsetof(struct hv_grant_copy, status), &op.status,
	        sizeof(op.status));
	assert_int_equal(op.status, -HV_EFAULT);
	/* Rewritten writable: a new mapping is writable, the old one stays read-only. */
	grant_data(0, 5, 1, 3, HV_GRANT_F_ACCESS);
	rw = do_map(1, 0, 5, 0, 0);
	assert_int_equal(rw, 1);
	check_all();
	assert_int_equal(do_query(0, 5), 2);
	assert_int_equal(frame(pfn)->ref_count, exp_frame[pfn].ref_count + 2);
	/* A frame the granter only has read-only (its start info) is never writable. */
	write_entry(0, 6, HV_GRANT_F_ACCESS, 1, va_pfn(0, dom[0]->layout.start_info));
	assert_int_equal(do_map(1, 0, 6, 0, 0), -HV_EPERM);
	assert_int_equal(do_map(1, 0, 6, HV_GRANT_MAP_READONLY, 0), 2);
	/* Nor a page table, the shared-info page, or a page of the table itself, at all. */
	write_entry(0, 7, HV_GRANT_F_ACCESS | HV_GRANT_F_READONLY, 1, HV_PFN(dom[0]->layout.root));
	assert_int_equal(do_map(1, 0, 7, HV_GRANT_MAP_READONLY, 0), -HV_EPERM);
	write_entry(0, 7, HV_GRANT_F_ACCESS | HV_GRANT_F_READONLY, 1,
	            va_pfn(0, dom[0]->layout.shared_info));
	assert_int_equal(do_map(1, 0, 7, HV_GRANT_MAP_READONLY, 0), -HV_EPERM);
	write_entry(0, 7, HV_GRANT_F_ACCESS | HV_GRANT_F_READONLY, 1, m[0].table[0]);
	assert_int_equal(do_map(1, 0, 7, HV_GRANT_MAP_READONLY, 0), -HV_EPERM);
	check_all();
	end_everything();
}

static void test_revoke_while_mapped(void **state)
{
	int64_t h;

	(void)state;
	targeted_setup();
	grant_data(2, 9, 3, 0, HV_GRANT_F_ACCESS);
	h = do_map(3, 2, 9, 0, slot_va(3, 100));
	assert_int_equal(h, 100);
	assert_int_equal(do_revoke(2, 9), -HV_EBUSY);
	assert_int_equal(do_query(2, 9), 1);
	/* Nor can the table go while a grant of it is mapped. */
	assert_int_equal(do_set_table(2, mem_va(2, TAREA_PAGE + 1), 1), -HV_EBUSY);
	check_all();
	assert_int_equal(do_unmap(3, (uint64_t)h), 0);
	assert_int_equal(do_unmap(3, (uint64_t)h), -HV_ENOENT);
	assert_int_equal(do_query(2, 9), 0);
	assert_int_equal(do_revoke(2, 9), 0);
	assert_int_equal(m_entry(2, 9).flags, 0);
	assert_int_equal(do_map(3, 2, 9, 0, 0), -HV_EPERM);
	check_all();
	end_everything();
}

/* The granter ends while its grant is mapped, in each way a domain ends. */
static void test_granter_ends_while_mapped(void **state)
{
	static const enum end_kind kinds[] = {END_RELEASE, END_POWEROFF, END_CRASH,
	                                      END_REBOOT,  END_CRASH,    END_DESTROY};
	static const unsigned int granters[] = {0, 0, 1, 2, 2, 1};

	(void)state;
	targeted_setup();
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		unsigned int g = granters[k];
		unsigned int o = g == 1 ? 0 : 1; /* grants u something that stays */
		unsigned int u = 3;
		uint32_t before;
		uint64_t pa = 0;
		hv_pfn_t pfn;
		int64_t h;
		int64_t other;

		if (!m_live(g)) {
			do_recreate(g);
		}
		if (!m_live(o)) {
			do_recreate(o);
		}
		grant_data(g, 1, u, 2, HV_GRANT_F_ACCESS);
		pfn = m[g].data_pfn[2];
		grant_data(o, 0, u, 0, HV_GRANT_F_ACCESS);
		h = do_map(u, g, 1, 0, 0);
		assert_true(h >= 0);
		other = do_map(u, o, 0, 0, 0);
		assert_true(other >= 0);
		before = hv_grant_mappings_in_use();
		check_all();
		do_end(g, kinds[k]);
		check_all();
		assert_int_equal(dom[u]->grants.maps[h].state, HV_GRANT_MAP_REVOKED);
		/* The mapper's own dead page stands in, writable: it never faults for this. */
		assert_true(
		        fake_as_lookup(dom[u]->layout.root, slot_va(u, (uint64_t)h), &pa, NULL));
		assert_int_equal(pa, HV_PADDR(dom[u]->layout.dead_pfn));
		assert_int_equal(hv_grant_mappings_in_use(), before - 1);
		if (m[g].life != LIFE_DEAD) {
			assert_int_equal(frame(pfn)->ref_count, exp_frame[pfn].ref_count);
		} else {
			assert_int_equal(frame(pfn)->ref_count, 0);
		}
		assert_int_equal(dom[u]->grants.maps_used, 2);
		assert_int_equal(do_unmap(u, (uint64_t)h), 0);
		assert_int_equal(do_unmap(u, (uint64_t)h), -HV_ENOENT);
		assert_int_equal(dom[u]->grants.maps[other].state, HV_GRANT_MAP_MAPPED);
		assert_int_equal(do_unmap(u, (uint64_t)other), 0);
		check_all();
	}
	end_everything();
}

/* The mapper ends: the granter's counts and the frames come back. */
static void test_mapper_ends(void **state)
{
	(void)state;
	targeted_setup();
	grant_data(0, 0, 1, 0, HV_GRANT_F_ACCESS);
	grant_data(0, 1, 1, 1, HV_GRANT_F_ACCESS | HV_GRANT_F_READONLY);
	grant_data(0, 2, 0, 2, HV_GRANT_F_ACCESS); /* to itself */
	assert_int_equal(do_map(1, 0, 0, 0, 0), 0);
	assert_int_equal(do_map(1, 0, 1, HV_GRANT_MAP_READONLY, 0), 1);
	assert_int_equal(do_map(1, 0, 0, HV_GRANT_MAP_READONLY, slot_va(1, 511)), 511);
	assert_int_equal(do_map(0, 0, 2, 0, 0), 0);
	assert_int_equal(do_query(0, 0), 2);
	do_end(1, END_POWEROFF);
	check_all();
	assert_int_equal(do_query(0, 0), 0);
	assert_int_equal(do_query(0, 1), 0);
	assert_int_equal(do_query(0, 2), 1);
	assert_int_equal(do_revoke(0, 0), 0);
	/* Its own mapping of its own grant ends with it too. */
	do_end(0, END_CRASH);
	check_all();
	end_everything();
}

/* 512 mappings fill the map area: the next one fails with -HV_ENOSPC. */
static void test_map_area_full(void **state)
{
	(void)state;
	targeted_setup();
	grant_data(2, 3, 1, 4, HV_GRANT_F_ACCESS);
	for (uint32_t i = 0; i < SLOTS; i++) {
		assert_int_equal(do_map(1, 2, 3, i % 2 ? HV_GRANT_MAP_READONLY : 0, 0), i);
	}
	check_all();
	assert_int_equal(do_map(1, 2, 3, 0, 0), -HV_ENOSPC);
	assert_int_equal(do_map(1, 2, 3, 0, slot_va(1, 7)), -HV_EBUSY);
	assert_int_equal(do_query(2, 3), SLOTS);
	assert_int_equal(do_unmap(1, 7), 0);
	assert_int_equal(do_map(1, 2, 3, 0, 0), 7);
	check_all();
	end_everything();
}

/* One op of d1 at its batch page; returns its status. */
static int32_t copy1(const struct hv_grant_copy *op)
{
	struct hv_grant_copy back;

	assert_int_equal(do_copy(1, mem_va(1, OPS_PAGE), 1, op), 0);
	df_read(dom[1], mem_va(1, OPS_PAGE), &back, sizeof(back));
	return back.status;
}

/*
 * Copies between a grant and the caller's own memory that maps the same
 * frame (overlapping ranges) move the bytes as through a buffer, and a
 * source of its own that faults part-way leaves the granted frame as it
 * was. (grant.c used to pass the frame and the guest range straight to the
 * port's copy: memcpy() of overlapping ranges, and the first page of a
 * faulting source written into the grant before the fault.)
 */
static void test_copy_through_own_mapping(void **state)
{
	const struct hv_grant_copy_ptr gref = {
	        .addr = 0, .domid = 0, .flags = HV_GRANT_COPY_F_GREF};
	struct hv_grant_copy op = {.len = 64};
	unsigned char want[PAGE];
	unsigned char *granted;
	uint64_t at;
	int64_t h;

	(void)state;
	targeted_setup();
	grant_data(0, 0, 1, 0, HV_GRANT_F_ACCESS);
	granted = fake_ram(HV_PADDR(m[0].data_pfn[0]));
	for (unsigned int i = 0; i < PAGE; i++) {
		granted[i] = (unsigned char)(i * 7 + 1);
	}
	h = do_map(1, 0, 0, 0, 0);
	assert_true(h >= 0);
	at = slot_va(1, (uint64_t)h);
	/* Own mapping to grant, 8 bytes on: overlapping, forward. */
	memcpy(want, granted, PAGE);
	memmove(want + 8, want, 64);
	op.src = (struct hv_grant_copy_ptr){.addr = at};
	op.dst = gref;
	op.dst.offset = 8;
	assert_int_equal(copy1(&op), 0);
	assert_memory_equal(granted, want, PAGE);
	/* Grant to own mapping, 8 bytes back: overlapping, backward. */
	memmove(want + 100, want + 108, 64);
	op.src = gref;
	op.src.offset = 108;
	op.dst = (struct hv_grant_copy_ptr){.addr = at + 100};
	assert_int_equal(copy1(&op), 0);
	assert_memory_equal(granted, want, PAGE);
	/* A source of its own that runs into its guard page: the grant is left alone. */
	op.src = (struct hv_grant_copy_ptr){.addr = dom[1]->layout.shared_info + PAGE - 16};
	op.dst = gref;
	op.len = 32;
	assert_int_equal(copy1(&op), -HV_EFAULT);
	assert_memory_equal(granted, want, PAGE);
	check_all();
	end_everything();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_random_sequences),
	        cmocka_unit_test(test_readonly_grant),
	        cmocka_unit_test(test_revoke_while_mapped),
	        cmocka_unit_test(test_granter_ends_while_mapped),
	        cmocka_unit_test(test_mapper_ends),
	        cmocka_unit_test(test_map_area_full),
	        cmocka_unit_test(test_copy_through_own_mapping),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
