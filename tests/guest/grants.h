/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The grant-table test's cast (grants*.c), one appliance: the control
 * domain "witness" (grants.c, the granter), "mapper" (grants_mapper.c) and
 * "victim" (grants_victim.c, a granter that crashes while its grant is
 * mapped), built in that order, so with these identifiers. Each granter
 * fills its first grant references in a fixed order, so the mapper knows
 * them; it polls until each is there.
 */
#ifndef TG_GRANTS_H
#define TG_GRANTS_H

#include <hv/guest/guest.h>
#include <hv/guest/probe.h>
#include <hv/guest/test.h>

#include "probes.h"

#define DOM_WITNESS 0
#define DOM_MAPPER  1
#define DOM_VICTIM  2

/* The witness's grants. */
#define REF_RW         0 /* page A, read-write, to the mapper */
#define REF_RO         1 /* page B, read-only, to the mapper */
#define REF_OTHER      2 /* page C, read-write, to the victim */
#define REF_NOT_OWNED  3 /* frame 0, never the witness's */
#define REF_PAGE_TABLE 4 /* the witness's root page table */
#define REF_TABLE      5 /* the grant table's own page */
#define REF_COUNT      6

/* The victim's grant. */
#define REF_VICTIM 0

/* What the granters write into their pages, and the mapper writes back. */
#define PATTERN_A     0x5a
#define PATTERN_B     0xb7
#define PATTERN_REPLY 0xc3

/* Maps grant 'ref' of 'granter' once it exists: retries up to 2 s while refused. */
static inline int tg_map_when_granted(uint16_t granter, uint32_t ref, bool readonly, void **page)
{
	uint64_t deadline = hvg_time_ns() + 2000 * HVG_MS;
	int rc;

	while ((rc = hvg_grant_map(granter, ref, readonly, page)) < 0 && hvg_time_ns() < deadline) {
		hvg_sleep_ns(HVG_MS);
	}
	return rc;
}

/* True if reading 'addr' faults. */
static inline bool tg_read_faults(const void *addr)
{
	struct hvg_fault f;

	HVG_CATCH_FAULT(HVG_VEC_ANY, &f, (void)tg_read8(tg_addr(addr)));
	return f.happened;
}

/* True if writing 'addr' faults (a successful write writes the same byte back). */
static inline bool tg_write_faults(void *addr)
{
	struct hvg_fault f;
	uint8_t v = *(volatile uint8_t *)addr;

	HVG_CATCH_FAULT(HVG_VEC_ANY, &f, tg_write8(tg_addr(addr), v));
	return f.happened;
}

#endif /* TG_GRANTS_H */
