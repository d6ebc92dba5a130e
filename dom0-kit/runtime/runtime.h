/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Declarations shared by the runtime's own files (not part of the guest
 * API): entry points called from assembly, and the glue between the trap,
 * event and test modules.
 */
#ifndef HV_GUEST_RUNTIME_H
#define HV_GUEST_RUNTIME_H

#include <hv/guest/guest.h>
#include <hv/guest/test.h>

/* Called by _start (crt0.S) with the start-info page and the entry rsp. */
_Noreturn void hvg_start(const struct hv_start_info *si, uint64_t rsp);

/* Called by the entry stubs (entry.S); entry is the stub's vector. */
void hvg_trap_dispatch(struct hvg_trap_ctx *ctx, uint32_t entry);

/* The event upcall (event.c), called by hvg_trap_dispatch(). */
void hvg_event_upcall(struct hvg_trap_ctx *ctx);

/* Restores a catch point's registers and returns 1 from hvg_catch_save() (entry.S). */
_Noreturn void hvg_catch_restore(struct hvg_catch *c);

#endif /* HV_GUEST_RUNTIME_H */
