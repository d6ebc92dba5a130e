/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The guest-memory access layer: the only way the core reads or writes
 * guest virtual memory at run time. Every hypercall handler, the exception
 * bounce and the event upcall go through it; nothing in the core
 * dereferences a guest pointer.
 *
 * A copy is refused before the port is asked when:
 *   - the vCPU is not the one whose address space is loaded (the port
 *     copies in the address space of the vCPU hv_port_vcpu_run() was last
 *     called for; the run loop records it with hv_guest_set_current()
 *     before each run, so it is also right inside the hypercall fast path)
 *     — a core bug, reported as an error;
 *   - the length exceeds HV_GUEST_COPY_MAX (-HV_E2BIG);
 *   - the range starts in the first page (NULL pointers), wraps around, or
 *     does not lie wholly below hv_port_guest_va_limit() (-HV_EFAULT).
 * The port then fails the copy (-HV_EFAULT) on any byte the guest itself
 * could not read (or write).
 */
#ifndef HV_GUEST_ACCESS_H
#define HV_GUEST_ACCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hv_vcpu;

/* Largest single copy. */
#define HV_GUEST_COPY_MAX 4096u

/* Records whose address space the port has loaded (NULL: none known). */
void hv_guest_set_current(struct hv_vcpu *v);

/* The vCPU whose address space is loaded, or NULL. */
struct hv_vcpu *hv_guest_current(void);

/* True if 'va' is a guest address: below the guest limit (so canonical). */
bool hv_guest_addr_ok(uint64_t va);

/* True if [va, va + len) is wholly below the guest limit, without wrapping. */
bool hv_guest_range_ok(uint64_t va, uint64_t len);

/* Copies 'len' bytes from guest address 'src' of v's address space. */
int hv_guest_copy_from(struct hv_vcpu *v, void *dst, uint64_t src, size_t len);

/* Copies 'len' bytes to guest address 'dst' of v's address space. */
int hv_guest_copy_to(struct hv_vcpu *v, uint64_t dst, const void *src, size_t len);

#endif /* HV_GUEST_ACCESS_H */
