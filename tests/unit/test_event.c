/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of events (libhv/event/event.c) in a real shared-info page:
 * raising a port sets its pending bit and, unless masked, pending_sel and
 * upcall_pending and wakes a blocked vCPU; masked ports wait for UNMASK;
 * the upcall is due only with an event entry and the mask clear, and is
 * entered with a frame of vector HV_TRAP_EVENT and events masked; garbage
 * the guest leaves in the page changes nothing for the hypervisor.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "domain_fixture.h"
#include "event/event.h"
#include "trap/trap.h"

#define ENTRY UINT64_C(0x400180)

static struct hv_domain *dom;
static struct hv_vcpu *vcpu;

static int setup(void **state)
{
	(void)state;
	df_setup();
	dom = df_create("ev", 2u << 20, HV_CRASH_DESTROY, 0);
	vcpu = df_enter(dom);
	return 0;
}

static void test_raise_unmasked(void **state)
{
	struct hv_shared_info *sh = dom->shared;

	(void)state;
	assert_int_equal(hv_event_raise_virq(dom, HV_VIRQ_TIMER), 0);
	assert_int_equal(sh->evtchn_pending[0], 1);
	assert_int_equal(sh->vcpu[0].pending_sel, 1);
	assert_int_equal(sh->vcpu[0].upcall_pending, 1);
	assert_int_equal(dom->events_received, 1);
	/* A port in word 3. */
	assert_int_equal(hv_event_raise(dom, 200), 0);
	assert_true(sh->evtchn_pending[3] & (UINT64_C(1) << (200 - 192)));
	assert_int_equal(sh->vcpu[0].pending_sel, 1 | (1 << 3));
	/* Still pending: no second notification. */
	sh->vcpu[0].upcall_pending = 0;
	assert_int_equal(hv_event_raise(dom, 200), 0);
	assert_int_equal(sh->vcpu[0].upcall_pending, 0);
	/* Out of range. */
	assert_int_equal(hv_event_raise(dom, HV_EVENT_PORTS), -HV_EINVAL);
	assert_int_equal(hv_event_raise_virq(dom, HV_VIRQ_COUNT), -HV_EINVAL);
	assert_int_equal(dom->virq_port[HV_VIRQ_DOM_EXC], HV_VIRQ_DOM_EXC);
}

static void test_masked_then_unmask_delivers(void **state)
{
	struct hv_shared_info *sh = dom->shared;

	(void)state;
	sh->evtchn_mask[0] = UINT64_C(1) << HV_VIRQ_TIMER;
	assert_int_equal(hv_event_raise_virq(dom, HV_VIRQ_TIMER), 0);
	assert_int_equal(sh->evtchn_pending[0], 1);
	assert_int_equal(sh->vcpu[0].upcall_pending, 0);
	assert_int_equal(sh->vcpu[0].pending_sel, 0);
	/* Unmasking a pending port notifies. */
	assert_int_equal(df_hypercall(vcpu, HV_HC_EVENT_OP, HV_EVENT_OP_UNMASK, HV_VIRQ_TIMER, 0),
	                 0);
	assert_int_equal(sh->evtchn_mask[0], 0);
	assert_int_equal(sh->vcpu[0].upcall_pending, 1);
	assert_int_equal(sh->vcpu[0].pending_sel, 1);
	/* Unmasking a port that is not pending does not. */
	sh->vcpu[0].upcall_pending = 0;
	sh->evtchn_mask[1] = 2;
	assert_int_equal(hv_event_unmask(vcpu, 65), 0);
	assert_int_equal(sh->evtchn_mask[1], 0);
	assert_int_equal(sh->vcpu[0].upcall_pending, 0);
}

static void test_wakes_blocked_vcpu(void **state)
{
	struct hv_shared_info *sh = dom->shared;

	(void)state;
	hv_sched_vcpu_block(vcpu, 0);
	assert_int_equal(vcpu->state, HV_VCPU_BLOCKED);
	/* A masked port leaves it asleep. */
	sh->evtchn_mask[0] = 2;
	hv_event_raise(dom, 1);
	assert_int_equal(vcpu->state, HV_VCPU_BLOCKED);
	/* An unmasked one wakes it, even with upcalls masked. */
	assert_int_equal(sh->vcpu[0].upcall_mask, 1);
	hv_event_raise(dom, 0);
	assert_int_equal(vcpu->state, HV_VCPU_RUNNABLE);
	assert_int_equal(dom->state, HV_DOMAIN_RUNNING);
}

static void test_send_to_self(void **state)
{
	(void)state;
	assert_int_equal(hv_evtchn_send(dom, HV_VIRQ_CONSOLE), 0);
	assert_int_equal(dom->shared->evtchn_pending[0], 2);
	assert_int_equal(dom->events_sent, 1);
	assert_int_equal(hv_evtchn_send(dom, HV_VIRQ_COUNT), -HV_ENOENT);
	assert_int_equal(hv_evtchn_send(dom, UINT64_MAX), -HV_EINVAL);
	assert_int_equal(dom->events_sent, 1);
}

static void test_upcall_due(void **state)
{
	struct hv_vcpu_info *vi = vcpu->info;

	(void)state;
	assert_false(hv_event_upcall_due(vcpu));
	hv_event_raise(dom, 0);
	assert_false(hv_event_upcall_due(vcpu)); /* masked (initial state), no entry */
	vi->upcall_mask = 0;
	assert_false(hv_event_upcall_due(vcpu)); /* no entry */
	assert_int_equal(hv_trap_set_callbacks(dom, ENTRY, 0), 0);
	assert_true(hv_event_upcall_due(vcpu));
	/* Any non-zero mask byte masks. */
	vi->upcall_mask = 0x80;
	assert_false(hv_event_upcall_due(vcpu));
	vi->upcall_mask = 0;
	vi->upcall_pending = 0;
	assert_false(hv_event_upcall_due(vcpu));
}

static void test_upcall_delivery(void **state)
{
	struct hv_vcpu_info *vi = vcpu->info;
	uint64_t stack = dom->layout.mem_start + 0x8000;
	struct hv_trap_frame f;

	(void)state;
	assert_int_equal(hv_trap_set_callbacks(dom, ENTRY, 0), 0);
	assert_int_equal(hv_trap_set_stack(vcpu, stack), 0);
	fake_vcpu_put(&vcpu->port, HV_REG_PC, 0x400777);
	vi->upcall_mask = 0;
	hv_event_raise(dom, 0);
	hv_trap_upcall(vcpu);
	assert_int_equal(fake_vcpu_get(&vcpu->port, HV_REG_PC), ENTRY);
	df_read(dom, fake_vcpu_get(&vcpu->port, HV_REG_SP), &f, sizeof(f));
	assert_int_equal(f.vector, HV_TRAP_EVENT);
	assert_int_equal(f.rip, 0x400777);
	assert_int_equal(f.flags, 0);
	assert_int_equal(vi->upcall_mask, 1);
	assert_false(hv_event_upcall_due(vcpu));
	/* The guest handles it and returns: the mask comes back from the frame. */
	vi->upcall_pending = 0;
	df_hypercall(vcpu, HV_HC_IRET, 0, 0, 0);
	assert_int_equal(vi->upcall_mask, 0);
	assert_int_equal(fake_vcpu_get(&vcpu->port, HV_REG_PC), 0x400777);
}

static void test_upcall_bad_stack_crashes(void **state)
{
	(void)state;
	assert_int_equal(hv_trap_set_callbacks(dom, ENTRY, 0), 0);
	assert_int_equal(hv_trap_set_stack(vcpu, DF_GUARD + 0x10), 0);
	fake_vcpu_put(&vcpu->port, HV_REG_PC, 0x400777);
	hv_trap_upcall(vcpu);
	console_assert_has("hv: notice: domain 'ev' crashed: event upcall at rip 0x400777 "
	                   "(cannot write the trap frame at 0x601fb0)\n");
	assert_int_equal(dom->state, HV_DOMAIN_DEAD);
}

/* Whatever the guest writes into the page, the core only sets and tests bits. */
static void test_guest_garbage_in_shared_page(void **state)
{
	struct hv_shared_info *sh = dom->shared;
	struct hv_port_time_scale now;

	(void)state;
	memset(sh, 0xff, sizeof(*sh));
	assert_int_equal(hv_event_raise(dom, 1023), 0);
	assert_int_equal(hv_event_unmask(vcpu, 1023), 0);
	assert_true(hv_event_upcall_pending(vcpu));
	assert_false(hv_event_upcall_due(vcpu));
	hv_port_time_scale(&now);
	hv_time_publish(vcpu, &now);
	assert_int_equal(sh->vcpu[0].time.version % 2, 0);
	hv_time_publish_run_time(vcpu, now.cycles);
	assert_int_equal(sh->vcpu[0].time.version % 2, 0);
	hv_time_publish_wallclock(dom);
	assert_int_equal(sh->wc_version % 2, 0);
	/* Raising on a domain that ended is refused. */
	hv_domain_shutdown(dom, HV_SHUTDOWN_POWEROFF);
	assert_int_equal(hv_event_raise(dom, 0), -HV_ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup(test_raise_unmasked, setup),
	        cmocka_unit_test_setup(test_masked_then_unmask_delivers, setup),
	        cmocka_unit_test_setup(test_wakes_blocked_vcpu, setup),
	        cmocka_unit_test_setup(test_send_to_self, setup),
	        cmocka_unit_test_setup(test_upcall_due, setup),
	        cmocka_unit_test_setup(test_upcall_delivery, setup),
	        cmocka_unit_test_setup(test_upcall_bad_stack_crashes, setup),
	        cmocka_unit_test_setup(test_guest_garbage_in_shared_page, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
