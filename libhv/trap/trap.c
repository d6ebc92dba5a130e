/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Exception bouncing, event upcalls and iret (see trap/trap.h).
 *
 * Everything here runs on behalf of the vCPU that just exited (or, for the
 * upcall, that is about to run and whose address space is loaded), and
 * reaches its memory only through the access layer. What the guest
 * registered (handlers, callbacks, stack) was checked when it was
 * registered; what the guest hands back on iret is checked here, as it may
 * have been changed by anyone.
 *
 * The vector names are those of the guest ABI (exception vectors 0-31 of
 * an x86-64 guest), used in messages only.
 */
#include <hv/abi/errno.h>
#include <hv/log.h>

#include "domain/domain.h"
#include "guest/access.h"
#include "lib/string.h"
#include "trap/trap.h"

#define FRAME_SIZE   sizeof(struct hv_trap_frame)
#define FRAME_ALIGN  UINT64_C(16)
#define KNOWN_TFLAGS HV_TRAP_F_MASK_EVENTS
#define VECTOR_PF    14 /* page fault: the message names the address */

/* Why a frame could not be delivered. */
enum deliver_error {
	DELIVER_OK = 0,
	DELIVER_NESTED, /* HV_TRAP_MAX_NESTING handlers deep already */
	DELIVER_FAULT,  /* the frame cannot be written */
};

const char *hv_trap_vector_name(uint64_t vector, char *buf, size_t size)
{
	static const char *const names[HV_TRAP_VECTORS] = {
	        "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", NULL,  "#TS",
	        "#NP", "#SS", "#GP", "#PF", NULL,  "#MF", "#AC", "#MC", "#XM", "#VE", "#CP",
	};

	if (vector < HV_TRAP_VECTORS && names[vector] != NULL) {
		return names[vector];
	}
	hv_snprintf(buf, size, "vector %llu", (unsigned long long)vector);
	return buf;
}

static volatile struct hv_vcpu_info *info_of(struct hv_vcpu *v)
{
	return v->info;
}

/*
 * Writes a frame for 'vector' and resumes v at 'entry' with rsp = rdi =
 * the frame. 'stack' is where the frame goes below. Events are masked if
 * 'mask'; the frame records whether they were masked before.
 */
static enum deliver_error deliver(struct hv_vcpu *v, uint64_t vector, uint64_t error_code,
                                  uint64_t fault_addr, uint64_t entry, uint64_t stack, bool mask,
                                  uint64_t *frame_va)
{
	struct hv_port_vcpu *p = &v->port;
	volatile struct hv_vcpu_info *info = info_of(v);
	struct hv_trap_frame frame = {
	        .vector = vector,
	        .error_code = error_code,
	        .fault_addr = fault_addr,
	        .flags = info->upcall_mask != 0 ? HV_FRAME_F_EVENTS_MASKED : 0,
	        .rax = hv_port_vcpu_reg(p, HV_REG_RET),
	        .rcx = hv_port_vcpu_reg(p, HV_REG_TMP0),
	        .r11 = hv_port_vcpu_reg(p, HV_REG_TMP1),
	        .rdi = hv_port_vcpu_reg(p, HV_REG_ARG0),
	        .rip = hv_port_vcpu_reg(p, HV_REG_PC),
	        .rflags = hv_port_vcpu_reg(p, HV_REG_FLAGS),
	        .rsp = hv_port_vcpu_reg(p, HV_REG_SP),
	};
	uint64_t va;

	*frame_va = 0;
	if (v->trap_depth >= HV_TRAP_MAX_NESTING) {
		return DELIVER_NESTED;
	}
	if (stack < FRAME_SIZE + FRAME_ALIGN) {
		return DELIVER_FAULT;
	}
	va = (stack - FRAME_SIZE) & ~(FRAME_ALIGN - 1);
	*frame_va = va;
	if (hv_guest_copy_to(v, va, &frame, sizeof(frame)) != 0) {
		return DELIVER_FAULT;
	}
	hv_port_vcpu_set_reg(p, HV_REG_SP, va);
	hv_port_vcpu_set_reg(p, HV_REG_ARG0, va);
	hv_port_vcpu_set_reg(p, HV_REG_PC, entry);
	if (mask) {
		info->upcall_mask = 1;
	}
	v->trap_depth++;
	return DELIVER_OK;
}

/* The stack a new frame goes on: the trap stack, unless already in a handler. */
static uint64_t frame_stack(struct hv_vcpu *v)
{
	if (v->trap_depth > 0 || v->trap_stack == 0) {
		return hv_port_vcpu_reg(&v->port, HV_REG_SP);
	}
	return v->trap_stack;
}

void hv_trap_exception(struct hv_vcpu *v, const struct hv_exit *exit)
{
	struct hv_domain *d = v->domain;
	const struct hv_trap_handler *h = NULL;
	char name_buf[24];
	char where[64];
	const char *name = hv_trap_vector_name(exit->vector, name_buf, sizeof(name_buf));
	uint64_t frame_va;
	enum deliver_error err;

	if (exit->vector == VECTOR_PF) {
		hv_snprintf(where, sizeof(where), "address 0x%llx",
		            (unsigned long long)exit->fault_addr);
	} else {
		hv_snprintf(where, sizeof(where), "error code 0x%llx",
		            (unsigned long long)exit->error_code);
	}
	if (exit->vector < HV_TRAP_VECTORS) {
		h = &d->traps[exit->vector];
	}
	if (h == NULL || h->address == 0) {
		hv_domain_crash(d, "%s at rip 0x%llx, %s (no handler)", name,
		                (unsigned long long)exit->pc, where);
		return;
	}
	err = deliver(v, exit->vector, exit->error_code, exit->fault_addr, h->address,
	              frame_stack(v), (h->flags & HV_TRAP_F_MASK_EVENTS) != 0, &frame_va);
	if (err == DELIVER_NESTED) {
		hv_domain_crash(d, "%s at rip 0x%llx, %s (handlers nested %u deep)", name,
		                (unsigned long long)exit->pc, where, v->trap_depth);
	} else if (err == DELIVER_FAULT) {
		hv_domain_crash(d, "%s at rip 0x%llx, %s (cannot write the trap frame at 0x%llx)",
		                name, (unsigned long long)exit->pc, where,
		                (unsigned long long)frame_va);
	}
}

void hv_trap_upcall(struct hv_vcpu *v)
{
	uint64_t frame_va;
	enum deliver_error err;

	err = deliver(v, HV_TRAP_EVENT, 0, 0, v->domain->event_entry, frame_stack(v), true,
	              &frame_va);
	if (err == DELIVER_NESTED) {
		hv_domain_crash(v->domain, "event upcall at rip 0x%llx (handlers nested %u deep)",
		                (unsigned long long)hv_port_vcpu_reg(&v->port, HV_REG_PC),
		                v->trap_depth);
	} else if (err == DELIVER_FAULT) {
		hv_domain_crash(
		        v->domain,
		        "event upcall at rip 0x%llx (cannot write the trap frame at 0x%llx)",
		        (unsigned long long)hv_port_vcpu_reg(&v->port, HV_REG_PC),
		        (unsigned long long)frame_va);
	}
}

static bool entry_ok(uint64_t address)
{
	return address == 0 || hv_guest_addr_ok(address);
}

int hv_trap_set_table(struct hv_domain *d, const struct hv_trap_info *table, size_t count)
{
	uint32_t seen = 0;

	if (count > HV_TRAP_VECTORS) {
		return -HV_E2BIG;
	}
	for (size_t i = 0; i < count; i++) {
		const struct hv_trap_info *t = &table[i];
		bool pad_zero = true;

		for (size_t j = 0; j < sizeof(t->pad); j++) {
			pad_zero = pad_zero && t->pad[j] == 0;
		}
		if (t->vector >= HV_TRAP_VECTORS || (seen & (UINT32_C(1) << t->vector)) != 0 ||
		    (t->flags & ~KNOWN_TFLAGS) != 0 || !pad_zero || !entry_ok(t->address)) {
			return -HV_EINVAL;
		}
		seen |= UINT32_C(1) << t->vector;
	}
	hv_memset(d->traps, 0, sizeof(d->traps));
	for (size_t i = 0; i < count; i++) {
		d->traps[table[i].vector] = (struct hv_trap_handler){.address = table[i].address,
		                                                     .flags = table[i].flags};
	}
	return 0;
}

int hv_trap_set_callbacks(struct hv_domain *d, uint64_t event_entry, uint64_t failsafe_entry)
{
	if (!entry_ok(event_entry) || !entry_ok(failsafe_entry)) {
		return -HV_EINVAL;
	}
	d->event_entry = event_entry;
	d->failsafe_entry = failsafe_entry;
	return 0;
}

int hv_trap_set_stack(struct hv_vcpu *v, uint64_t stack)
{
	if (stack != 0 && !hv_guest_range_ok(0, stack)) {
		return -HV_EINVAL;
	}
	v->trap_stack = stack;
	return 0;
}

/* A bad iret frame: the failsafe entry if there is one, else a crash. */
static void iret_failed(struct hv_vcpu *v, uint64_t frame_va, const char *why)
{
	struct hv_domain *d = v->domain;
	uint64_t at;
	enum deliver_error err;

	if (d->failsafe_entry == 0) {
		hv_domain_crash(d, "bad iret frame at 0x%llx (%s)", (unsigned long long)frame_va,
		                why);
		return;
	}
	/* The handler state is lost: start again from the first level. */
	v->trap_depth = 0;
	err = deliver(v, HV_TRAP_FAILSAFE, 0, frame_va, d->failsafe_entry, frame_stack(v), true,
	              &at);
	if (err != DELIVER_OK) {
		hv_domain_crash(d,
		                "bad iret frame at 0x%llx (%s), and the failsafe frame cannot be "
		                "written at 0x%llx",
		                (unsigned long long)frame_va, why, (unsigned long long)at);
	}
}

void hv_trap_iret(struct hv_vcpu *v)
{
	struct hv_port_vcpu *p = &v->port;
	uint64_t sp = hv_port_vcpu_reg(p, HV_REG_SP);
	struct hv_trap_frame frame;

	if (hv_guest_copy_from(v, &frame, sp, sizeof(frame)) != 0) {
		iret_failed(v, sp, "unreadable");
		return;
	}
	if (!hv_guest_addr_ok(frame.rip)) {
		iret_failed(v, sp, "rip is not a guest address");
		return;
	}
	if (!hv_guest_addr_ok(frame.rsp)) {
		iret_failed(v, sp, "rsp is not a guest address");
		return;
	}
	hv_port_vcpu_set_reg(p, HV_REG_RET, frame.rax);
	hv_port_vcpu_set_reg(p, HV_REG_TMP0, frame.rcx);
	hv_port_vcpu_set_reg(p, HV_REG_TMP1, frame.r11);
	hv_port_vcpu_set_reg(p, HV_REG_ARG0, frame.rdi);
	hv_port_vcpu_set_reg(p, HV_REG_PC, frame.rip);
	hv_port_vcpu_set_reg(p, HV_REG_FLAGS, frame.rflags);
	hv_port_vcpu_set_reg(p, HV_REG_SP, frame.rsp);
	info_of(v)->upcall_mask = (frame.flags & HV_FRAME_F_EVENTS_MASKED) ? 1 : 0;
	if (v->trap_depth > 0) {
		v->trap_depth--;
	}
}
