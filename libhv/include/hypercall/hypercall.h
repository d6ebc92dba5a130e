/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Hypercall dispatch. A table indexed by hypercall number holds one
 * handler per hypercall of the guest ABI; an unknown number returns
 * -HV_ENOSYS. Each handler gets the calling vCPU and the six arguments,
 * reaches guest memory only through the access layer (guest/access.h),
 * and returns the result, which the dispatcher puts in the guest's result
 * register (except for iret, which reloads the registers itself).
 */
#ifndef HV_HYPERCALL_HYPERCALL_H
#define HV_HYPERCALL_HYPERCALL_H

#include <stdint.h>

#include <hv/port.h>

struct hv_vcpu;

/* Handles an HV_EXIT_HYPERCALL of v. */
void hv_hypercall_dispatch(struct hv_vcpu *v, const struct hv_exit *exit);

/* The handlers, one per HV_HC_*; 'args' has six entries. */
int64_t hv_hypercall_version(struct hv_vcpu *v, const uint64_t *args);
int64_t hv_hypercall_console_write(struct hv_vcpu *v, const uint64_t *args);
int64_t hv_hypercall_set_trap_table(struct hv_vcpu *v, const uint64_t *args);
int64_t hv_hypercall_set_callbacks(struct hv_vcpu *v, const uint64_t *args);
int64_t hv_hypercall_stack_switch(struct hv_vcpu *v, const uint64_t *args);
int64_t hv_hypercall_iret(struct hv_vcpu *v, const uint64_t *args);
int64_t hv_hypercall_yield(struct hv_vcpu *v, const uint64_t *args);
int64_t hv_hypercall_block(struct hv_vcpu *v, const uint64_t *args);
int64_t hv_hypercall_set_timer(struct hv_vcpu *v, const uint64_t *args);
int64_t hv_hypercall_shutdown(struct hv_vcpu *v, const uint64_t *args);
int64_t hv_hypercall_features(struct hv_vcpu *v, const uint64_t *args);
int64_t hv_hypercall_event_op(struct hv_vcpu *v, const uint64_t *args);

/* Largest console_write a guest can make in one call. */
#define HV_CONSOLE_WRITE_MAX 4096u

#endif /* HV_HYPERCALL_HYPERCALL_H */
