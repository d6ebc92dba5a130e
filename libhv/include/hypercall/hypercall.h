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

#include <stdbool.h>
#include <stdint.h>

#include <hv/port.h>

struct hv_vcpu;

/* Handles an HV_EXIT_HYPERCALL of v. */
void hv_hypercall_dispatch(struct hv_vcpu *v, const struct hv_exit *exit);

/*
 * The hypercalls the fast path may handle (hv_core_hypercall_fast()) are
 * HV_CORE_HYPERCALL_FAST_SET, defined in the port interface so that ports
 * can skip the call for the others. Their handlers only answer, copy to or
 * from the caller's memory, or write its console. They never block, yield,
 * end or restart the domain, raise an event, touch a timer or the
 * scheduler, or reload registers, so running one changes nothing the run
 * loop would look at after the exit. event_op is not one: sending an event
 * to oneself makes an upcall due, which only the run loop delivers.
 */

/*
 * The handlers of the fast hypercalls by number: entry nr is the handler
 * of hypercall nr if HV_CORE_HYPERCALL_FAST_SET has bit nr, NULL
 * otherwise. One load both checks a number (below HV_HC_COUNT) and finds
 * its handler, whose result the caller gives the guest.
 */
extern int64_t (*const hv_hypercall_fast_table[HV_HC_COUNT])(struct hv_vcpu *v,
                                                             const uint64_t *args);

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
int64_t hv_hypercall_sched_op(struct hv_vcpu *v, const uint64_t *args);
int64_t hv_hypercall_grant_op(struct hv_vcpu *v, const uint64_t *args);
int64_t hv_hypercall_domctl(struct hv_vcpu *v, const uint64_t *args);
int64_t hv_hypercall_console_read(struct hv_vcpu *v, const uint64_t *args);

/* Largest console_write a guest can make in one call. */
#define HV_CONSOLE_WRITE_MAX 4096u
/* Largest len a console_read takes; a larger one is clamped to it. */
#define HV_CONSOLE_READ_MAX 4096u

#endif /* HV_HYPERCALL_HYPERCALL_H */
