/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The control domain's domain operations (domain/control.c); the
 * hypercall (hypercall/domctl.c) checks the privilege and copies the
 * arguments. Each returns 0 or a negated HV_E* code as <hv/abi/domctl.h>
 * documents, and changes nothing on an error.
 */
#ifndef HV_DOMAIN_CONTROL_H
#define HV_DOMAIN_CONTROL_H

#include <hv/abi/domctl.h>
#include <hv/types.h>

struct hv_vcpu;

/*
 * Creates a domain, paused, from req (already copied in from the caller,
 * whose memory holds the image if req->image_size is set); its id in *out.
 */
int hv_domctl_create(struct hv_vcpu *caller, const struct hv_domctl_create *req, hv_domid_t *out);

/* Frees the hypervisor's copy of domain slot id's image, if it has one (the domain ended). */
void hv_domctl_forget_image(hv_domid_t id);

/* Describes domain slot 'id'; -HV_ENOENT if it never held a domain. */
int hv_domctl_info(hv_domid_t id, struct hv_domctl_info *out);

/* The resource counters. */
void hv_domctl_counters(struct hv_domctl_counters *out);

/* Sets the wall clock and publishes it to every domain that has a shared page. */
int hv_domctl_set_wallclock(uint64_t sec, uint64_t nsec);

struct hv_domain;

/*
 * Connects domains a and b (neither the caller, not the same) by an event
 * channel on their behalf: a port of a offered to b, bound by a port of b.
 * Their port numbers in *port_a and *port_b; both ends are raised once.
 */
int hv_domctl_evtchn_connect(const struct hv_domain *caller, uint64_t a, uint64_t b,
                             uint32_t *port_a, uint32_t *port_b);

#endif /* HV_DOMAIN_CONTROL_H */
