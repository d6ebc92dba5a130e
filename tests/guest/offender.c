/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The offender of the containment tests: one image whose misdeed is chosen
 * by its domain name (module command lines take no free-form words). Each
 * misdeed must crash this domain, and only it; the witness domain next to
 * it must finish its own tests. If the hypervisor lets the misdeed pass,
 * the offender says so and prints a failing verdict.
 *
 *   nohandler     page fault with no handler registered
 *   badstack      exception stack in unmapped memory, then a fault
 *   iret_rip      HV_HC_IRET to a non-canonical rip, no failsafe
 *   iret_rsp      HV_HC_IRET with a hypervisor-half rsp, no failsafe
 *   stack_zero    inside a handler, rsp = 0, then a fault (the nested
 *                 frame would go just below address 0, into the top of
 *                 the hypervisor half)
 *   stack_hv      inside a handler, rsp in the hypervisor's image, then a fault
 *   startinfo     a write to its read-only start-info page, no handler
 *   exec_data     a call into its own data, no handler
 *   pt_write      a write to its own page tables, no handler
 *   nesting       a handler that faults in itself, deeper than the limit
 *   iret_outside  HV_HC_IRET outside any handler, with rsp = 0
 */
#include <hv/guest/guest.h>
#include <hv/guest/probe.h>
#include <hv/guest/test.h>

#include "probes.h"

static volatile uint8_t data_ret = 0xc3;

static bool is(const char *name)
{
	const char *n = hvg_start_info()->name;

	while (*name != '\0' && *n == *name) {
		n++;
		name++;
	}
	return *n == '\0' && *name == '\0';
}

static void setup_handlers(void)
{
	if (hvg_trap_init() != 0) {
		hvg_puts("offender: hvg_trap_init failed\n");
		hvg_test_verdict(HVG_ERROR);
	}
	/* No failsafe: a bad HV_HC_IRET frame must crash the domain. */
	if (hvg_set_callbacks(hvg_entry_event, 0) != 0) {
		hvg_puts("offender: set_callbacks failed\n");
		hvg_test_verdict(HVG_ERROR);
	}
}

static bool iret_bad_rip(struct hvg_trap_ctx *ctx)
{
	ctx->frame.rip = TG_NONCANONICAL;
	return true;
}

static bool iret_bad_rsp(struct hvg_trap_ctx *ctx)
{
	ctx->frame.rsp = TG_HV_IMAGE;
	return true;
}

static bool fault_with_rsp_zero(struct hvg_trap_ctx *ctx)
{
	(void)ctx;
	tg_rsp_zero_ud2();
}

static bool fault_with_rsp_hv(struct hvg_trap_ctx *ctx)
{
	(void)ctx;
	tg_rsp_set_ud2(TG_HV_IMAGE + 0x1000);
}

static volatile unsigned int depth;

/* Past the limit (HV_TRAP_MAX_NESTING) the domain must be crashed; if it
 * is not, stop at 12 levels, which the 16 KiB exception stack still holds,
 * and step over each ud2 on the way out. */
static bool fault_again(struct hvg_trap_ctx *ctx)
{
	if (++depth < 12) {
		tg_ud2();
	}
	ctx->frame.rip += 2;
	return true;
}

int main(const struct hv_start_info *si)
{
	hvg_printf("offender '%s' starting\n", si->name);
	if (is("nohandler")) {
		tg_write8(0, 1);
	} else if (is("startinfo")) {
		tg_write8(tg_addr(si) + 64, 1);
	} else if (is("exec_data")) {
		hvg_probe_call(tg_addr(&data_ret));
	} else if (is("pt_write")) {
		tg_write8(si->pt_base, 0);
	} else if (is("badstack")) {
		setup_handlers();
		/* Accepted or refused, the fault that follows needs a stack. */
		hvg_printf("stack_switch(unmapped) = %d\n", hvg_stack_switch(TG_UNMAPPED));
		tg_ud2();
	} else if (is("iret_rip")) {
		setup_handlers();
		hvg_on_trap(HVG_VEC_UD, iret_bad_rip);
		tg_ud2();
	} else if (is("iret_rsp")) {
		setup_handlers();
		hvg_on_trap(HVG_VEC_UD, iret_bad_rsp);
		tg_ud2();
	} else if (is("stack_zero")) {
		setup_handlers();
		hvg_on_trap(HVG_VEC_UD, fault_with_rsp_zero);
		tg_ud2();
	} else if (is("stack_hv")) {
		setup_handlers();
		hvg_on_trap(HVG_VEC_UD, fault_with_rsp_hv);
		tg_ud2();
	} else if (is("nesting")) {
		setup_handlers();
		hvg_on_trap(HVG_VEC_UD, fault_again);
		tg_ud2();
	} else if (is("iret_outside")) {
		setup_handlers();
		__asm__ volatile("xorl %%esp, %%esp\n movl %0, %%eax\n syscall"
		                 :
		                 : "i"(HV_HC_IRET)
		                 : "rax", "rcx", "r11", "memory");
	} else {
		hvg_printf("offender: no misdeed is named '%s'\n", si->name);
		hvg_test_verdict(HVG_ERROR);
	}
	hvg_printf("offender '%s' survived its misdeed (depth %u)\n", si->name, depth);
	hvg_test_verdict(HVG_FAILURE);
}
