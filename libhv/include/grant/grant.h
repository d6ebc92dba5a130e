/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Grant tables (see <hv/abi/grant.h>): the hypervisor's side of sharing
 * frames between domains by reference. A domain's grant state
 * (struct hv_grant_state in domain/domain.h) holds the frames of its grant
 * table, how many mappings of each of its grants are in use, and its map
 * area, where it maps other domains' grants.
 *
 * Accounting: a mapping holds one reference (hv_frame::ref_count) on the
 * granter's frame and counts in the granter's map_count of the grant; both
 * are given back by the unmap. Nothing else of a domain's frames changes.
 */
#ifndef HV_GRANT_GRANT_H
#define HV_GRANT_GRANT_H

#include <stdint.h>

struct hv_domain;
struct hv_vcpu;

/* hv_grant_map::state */
#define HV_GRANT_MAP_FREE   0
#define HV_GRANT_MAP_MAPPED 1
/* The granter ended: the slot maps the mapper's own dead page until its unmap. */
#define HV_GRANT_MAP_REVOKED 2

/* Forgets d's grant state: a domain's when it is (re)built. */
void hv_grant_init(struct hv_domain *d);

/*
 * d ends (or is rebuilt): undoes every mapping it holds, and every mapping
 * of its grants by other domains (those become REVOKED: the mapper's dead
 * page stands in), and drops its table. Its address space must still be
 * intact.
 */
void hv_grant_release(struct hv_domain *d);

/* Mappings in use, in all: of every domain's map area (tests, counters). */
uint32_t hv_grant_mappings_in_use(void);

/* The operations of HV_HC_GRANT_OP, for v's domain; each as <hv/abi/grant.h> says. */
int hv_grant_set_table(struct hv_vcpu *v, uint64_t va, uint64_t pages);
int64_t hv_grant_map(struct hv_vcpu *v, uint64_t granter, uint64_t ref, uint64_t flags,
                     uint64_t va);
int hv_grant_unmap(struct hv_vcpu *v, uint64_t handle);
int hv_grant_revoke(struct hv_vcpu *v, uint64_t ref);
int hv_grant_copy(struct hv_vcpu *v, uint64_t ops, uint64_t count);
int64_t hv_grant_query(struct hv_vcpu *v, uint64_t ref);

#endif /* HV_GRANT_GRANT_H */
