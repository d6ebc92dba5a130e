/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Exception bouncing, event upcalls and the return from both (iret), with
 * the frame layout of the guest ABI (struct hv_trap_frame).
 *
 * A frame goes on the vCPU's registered trap stack for the first level of
 * handlers (or below the interrupted rsp if none is registered), and below
 * the interrupted rsp when the vCPU is already inside a handler; it is
 * 16-byte aligned. The vCPU then resumes at the handler with rsp and rdi
 * pointing at the frame. Nesting is counted per vCPU: entering a handler
 * counts up, iret counts down; more than HV_TRAP_MAX_NESTING levels crash
 * the domain. So do an exception with no handler and a frame that cannot
 * be written; the crash message names the domain, the vector and the
 * address.
 */
#ifndef HV_TRAP_TRAP_H
#define HV_TRAP_TRAP_H

#include <stddef.h>
#include <stdint.h>

#include <hv/abi/trap.h>
#include <hv/port.h>

struct hv_domain;
struct hv_vcpu;

/* Handles an HV_EXIT_EXCEPTION: bounces it to the guest or crashes the domain. */
void hv_trap_exception(struct hv_vcpu *v, const struct hv_exit *exit);

/* Enters the event upcall (vector HV_TRAP_EVENT, events masked), or crashes. */
void hv_trap_upcall(struct hv_vcpu *v);

/*
 * Replaces d's trap table with 'count' entries (already copied from the
 * guest). Every entry is checked first; -HV_EINVAL for any bad one (vector
 * out of range or repeated, unknown flags, pad not zero, address not a
 * guest address) and nothing changes; -HV_E2BIG for too many entries.
 */
int hv_trap_set_table(struct hv_domain *d, const struct hv_trap_info *table, size_t count);

/* set_callbacks: each entry 0 or a guest address, else -HV_EINVAL. */
int hv_trap_set_callbacks(struct hv_domain *d, uint64_t event_entry, uint64_t failsafe_entry);

/* stack_switch: 0, or an address at most the guest limit, else -HV_EINVAL. */
int hv_trap_set_stack(struct hv_vcpu *v, uint64_t stack);

/*
 * iret: returns through the frame at the guest's rsp. On a frame that
 * cannot be read or returned through, enters the failsafe entry if one is
 * registered and crashes the domain otherwise.
 */
void hv_trap_iret(struct hv_vcpu *v);

/* "#PF", "#GP", ... for vectors 0-31; "vector N" otherwise. */
const char *hv_trap_vector_name(uint64_t vector, char *buf, size_t size);

#endif /* HV_TRAP_TRAP_H */
