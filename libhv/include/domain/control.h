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

/* Creates a domain, paused, from req (already copied in); its id in *out. */
int hv_domctl_create(const struct hv_domctl_create *req, hv_domid_t *out);

/* Describes domain slot 'id'; -HV_ENOENT if it never held a domain. */
int hv_domctl_info(hv_domid_t id, struct hv_domctl_info *out);

/* The resource counters. */
void hv_domctl_counters(struct hv_domctl_counters *out);

#endif /* HV_DOMAIN_CONTROL_H */
