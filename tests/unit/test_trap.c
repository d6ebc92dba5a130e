/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of exception bouncing and iret (libhv/trap/trap.c): the frame
 * a handler finds (layout of struct hv_trap_frame), where it goes (trap
 * stack, or below the interrupted rsp when nested), the registers the
 * handler starts with, the event mask; crashes for no handler, a bad stack
 * and too deep nesting, with a console line naming the domain, the vector
 * and the address; and iret through good and bad frames, with and without
 * a failsafe entry. Only the faulting domain stops.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "domain_fixture.h"
#include "trap/trap.h"

#define HANDLER  UINT64_C(0x400100)
#define FAILSAFE UINT64_C(0x400300)
#define VEC_GP   13
#define VEC_PF   14

static struct hv_domain *dom;
static struct hv_vcpu *vcpu;
static uint64_t trap_stack;

static int setup(void **state)
{
	(void)state;
	df_setup();
	dom = df_create("crasher", 2u << 20, HV_CRASH_DESTROY, 0);
	vcpu = df_enter(dom);
	trap_stack = dom->layout.mem_start + 0x10000;
	return 0;
}

static void set_handler(unsigned int vector, uint64_t address, uint8_t flags)
{
	struct hv_trap_info t = {.address = address, .vector = (uint8_t)vector, .flags = flags};

	assert_int_equal(hv_trap_set_table(dom, &t, 1), 0);
}

/* Gives the interrupted context recognisable registers. */
static void set_context(uint64_t rip, uint64_t rsp)
{
	struct hv_port_vcpu *p = &vcpu->port;

	fake_vcpu_put(p, HV_REG_PC, rip);
	fake_vcpu_put(p, HV_REG_SP, rsp);
	fake_vcpu_put(p, HV_REG_RET, 0xaaaa);
	fake_vcpu_put(p, HV_REG_TMP0, 0xcccc);
	fake_vcpu_put(p, HV_REG_TMP1, 0x1111);
	fake_vcpu_put(p, HV_REG_ARG0, 0xdddd);
	fake_vcpu_put(p, HV_REG_FLAGS, 0x246);
}

static void raise_exception(unsigned int vector, uint64_t error_code, uint64_t addr)
{
	struct hv_exit exit = {
	        .reason = HV_EXIT_EXCEPTION,
	        .vector = vector,
	        .error_code = error_code,
	        .fault_addr = addr,
	        .pc = fake_vcpu_get(&vcpu->port, HV_REG_PC),
	};

	hv_trap_exception(vcpu, &exit);
}

static uint64_t reg(enum hv_port_reg r)
{
	return fake_vcpu_get(&vcpu->port, r);
}

static void test_bounce_to_handler(void **state)
{
	struct hv_trap_frame f;
	uint64_t frame_va = (trap_stack - sizeof(f)) & ~UINT64_C(15);
	uint64_t rsp = dom->layout.mem_start + 0x20000;

	(void)state;
	assert_int_equal(hv_trap_set_stack(vcpu, trap_stack), 0);
	set_handler(VEC_PF, HANDLER, HV_TRAP_F_MASK_EVENTS);
	vcpu->info->upcall_mask = 0;
	set_context(0x400123, rsp);
	raise_exception(VEC_PF, 6, 0xdead000);
	assert_int_equal(dom->state, HV_DOMAIN_RUNNING);
	df_read(dom, frame_va, &f, sizeof(f));
	assert_int_equal(f.vector, VEC_PF);
	assert_int_equal(f.error_code, 6);
	assert_int_equal(f.fault_addr, 0xdead000);
	assert_int_equal(f.flags, 0); /* events were not masked */
	assert_int_equal(f.rax, 0xaaaa);
	assert_int_equal(f.rcx, 0xcccc);
	assert_int_equal(f.r11, 0x1111);
	assert_int_equal(f.rdi, 0xdddd);
	assert_int_equal(f.rip, 0x400123);
	assert_int_equal(f.rflags, 0x246);
	assert_int_equal(f.rsp, rsp);
	assert_int_equal(reg(HV_REG_PC), HANDLER);
	assert_int_equal(reg(HV_REG_SP), frame_va);
	assert_int_equal(reg(HV_REG_ARG0), frame_va);
	assert_int_equal(frame_va % 16, 0);
	assert_int_equal(vcpu->info->upcall_mask, 1);
	assert_int_equal(vcpu->trap_depth, 1);
}

static void test_no_handler_crashes_only_that_domain(void **state)
{
	struct hv_domain *other = df_create("other", 1u << 20, HV_CRASH_DESTROY, 0);

	(void)state;
	assert_int_equal(hv_domain_start(other), 0);
	set_handler(VEC_GP, HANDLER, 0); /* a handler for another vector */
	set_context(0x400123, DF_STACK_TOP);
	raise_exception(VEC_PF, 4, 0);
	console_assert_has("hv: notice: domain 'crasher' crashed: #PF at rip 0x400123, "
	                   "address 0x0 (no handler)\nhv: domain 0 'crasher' destroyed\n");
	console_assert_lacks("error");
	assert_int_equal(dom->state, HV_DOMAIN_DEAD);
	assert_int_equal(dom->end, HV_DOMAIN_END_CRASH);
	assert_int_equal(vcpu->state, HV_VCPU_DOWN);
	assert_int_equal(hv_mem_account(&df.mem, 0)->used_frames, 0);
	assert_int_equal(other->state, HV_DOMAIN_RUNNING);
	assert_int_equal(other->vcpus[0].state, HV_VCPU_RUNNABLE);
}

static void test_other_vectors_named(void **state)
{
	char buf[24];

	(void)state;
	set_context(0x400456, DF_STACK_TOP);
	raise_exception(VEC_GP, 0x18, 0);
	console_assert_has("hv: notice: domain 'crasher' crashed: #GP at rip 0x400456, "
	                   "error code 0x18 (no handler)\n");
	assert_string_equal(hv_trap_vector_name(0, buf, sizeof(buf)), "#DE");
	assert_string_equal(hv_trap_vector_name(6, buf, sizeof(buf)), "#UD");
	assert_string_equal(hv_trap_vector_name(15, buf, sizeof(buf)), "vector 15");
	assert_string_equal(hv_trap_vector_name(300, buf, sizeof(buf)), "vector 300");
}

static void test_bad_stack_crashes(void **state)
{
	(void)state;
	/* The trap stack is the top of the guard page: nothing writable below it. */
	assert_int_equal(hv_trap_set_stack(vcpu, DF_GUARD + 0x40), 0);
	set_handler(VEC_PF, HANDLER, 0);
	set_context(0x400123, DF_STACK_TOP);
	raise_exception(VEC_PF, 0, 0x1234);
	console_assert_has("hv: notice: domain 'crasher' crashed: #PF at rip 0x400123, "
	                   "address 0x1234 (cannot write the trap frame at 0x601fe0)\n");
	assert_int_equal(dom->state, HV_DOMAIN_DEAD);
}

static void test_read_only_and_tiny_stacks_crash(void **state)
{
	(void)state;
	assert_int_equal(hv_trap_set_stack(vcpu, DF_START_INFO + 0x800), 0);
	set_handler(VEC_PF, HANDLER, 0);
	set_context(0x400123, DF_STACK_TOP);
	raise_exception(VEC_PF, 0, 0);
	console_assert_has("(cannot write the trap frame at 0x6007a0)");
	assert_int_equal(dom->state, HV_DOMAIN_DEAD);

	setup(NULL);
	/* No trap stack and an rsp near 0: the frame would go below address 0. */
	set_handler(VEC_GP, HANDLER, 0);
	set_context(0x400123, 0x20);
	raise_exception(VEC_GP, 0, 0);
	console_assert_has("#GP at rip 0x400123, error code 0x0 (cannot write the trap frame");
	assert_int_equal(dom->state, HV_DOMAIN_DEAD);
}

static void test_nesting(void **state)
{
	uint64_t expect;

	(void)state;
	assert_int_equal(hv_trap_set_stack(vcpu, trap_stack), 0);
	set_handler(VEC_GP, HANDLER, 0);
	set_context(0x400123, DF_STACK_TOP);
	raise_exception(VEC_GP, 0, 0);
	expect = (trap_stack - sizeof(struct hv_trap_frame)) & ~UINT64_C(15);
	assert_int_equal(reg(HV_REG_SP), expect);
	/* Faulting inside the handler: the next frame goes below its rsp. */
	for (unsigned int depth = 2; depth <= HV_TRAP_MAX_NESTING; depth++) {
		uint64_t rsp = reg(HV_REG_SP) - 40;

		fake_vcpu_put(&vcpu->port, HV_REG_SP, rsp);
		raise_exception(VEC_GP, 0, 0);
		assert_int_equal(vcpu->trap_depth, depth);
		assert_int_equal(reg(HV_REG_SP),
		                 (rsp - sizeof(struct hv_trap_frame)) & ~UINT64_C(15));
		assert_int_equal(dom->state, HV_DOMAIN_RUNNING);
	}
	raise_exception(VEC_GP, 0, 0);
	console_assert_has("hv: notice: domain 'crasher' crashed: #GP at rip 0x400100, "
	                   "error code 0x0 (handlers nested 8 deep)\n");
	assert_int_equal(dom->state, HV_DOMAIN_DEAD);
}

/* Sets up a handler entered from a known context; returns the frame's address. */
static uint64_t enter_handler(void)
{
	assert_int_equal(hv_trap_set_stack(vcpu, trap_stack), 0);
	set_handler(VEC_PF, HANDLER, HV_TRAP_F_MASK_EVENTS);
	vcpu->info->upcall_mask = 0;
	set_context(0x400123, dom->layout.mem_start + 0x20000);
	raise_exception(VEC_PF, 2, 0x5000);
	assert_int_equal(vcpu->trap_depth, 1);
	return reg(HV_REG_SP);
}

static void test_iret_good_frame(void **state)
{
	uint64_t frame_va;
	struct hv_trap_frame f;
	uint64_t v;

	(void)state;
	frame_va = enter_handler();
	/* The handler changes what it returns to, and its own registers. */
	df_read(dom, frame_va, &f, sizeof(f));
	f.rax = 0x77;
	f.rip = 0x400200;
	df_write(dom, frame_va, &f, sizeof(f));
	fake_vcpu_put(&vcpu->port, HV_REG_RET, HV_HC_IRET);
	assert_int_equal(df_hypercall(vcpu, HV_HC_IRET, 0, 0, 0), 0x77);
	assert_true(fake_set_reg_last(&vcpu->port, HV_REG_TMP0, &v) && v == 0xcccc);
	assert_true(fake_set_reg_last(&vcpu->port, HV_REG_TMP1, &v) && v == 0x1111);
	assert_true(fake_set_reg_last(&vcpu->port, HV_REG_ARG0, &v) && v == 0xdddd);
	assert_true(fake_set_reg_last(&vcpu->port, HV_REG_PC, &v) && v == 0x400200);
	assert_true(fake_set_reg_last(&vcpu->port, HV_REG_SP, &v) &&
	            v == dom->layout.mem_start + 0x20000);
	assert_true(fake_set_reg_last(&vcpu->port, HV_REG_FLAGS, &v) && v == 0x246);
	assert_int_equal(vcpu->info->upcall_mask, 0); /* restored from the frame */
	assert_int_equal(vcpu->trap_depth, 0);
	assert_int_equal(dom->state, HV_DOMAIN_RUNNING);
	/* A frame that says events were masked masks them. */
	frame_va = enter_handler();
	df_read(dom, frame_va, &f, sizeof(f));
	f.flags = HV_FRAME_F_EVENTS_MASKED;
	df_write(dom, frame_va, &f, sizeof(f));
	vcpu->info->upcall_mask = 0;
	df_hypercall(vcpu, HV_HC_IRET, 0, 0, 0);
	assert_int_equal(vcpu->info->upcall_mask, 1);
}

static void check_bad_iret(uint64_t rip, uint64_t rsp, const char *why)
{
	uint64_t frame_va = enter_handler();
	struct hv_trap_frame f;
	char want[160];

	df_read(dom, frame_va, &f, sizeof(f));
	f.rip = rip;
	f.rsp = rsp;
	df_write(dom, frame_va, &f, sizeof(f));
	assert_int_equal(df_hypercall(vcpu, HV_HC_IRET, 0, 0, 0), INT64_MIN);
	snprintf(want, sizeof(want),
	         "hv: notice: domain 'crasher' crashed: bad iret frame at 0x%llx (%s)\n",
	         (unsigned long long)frame_va, why);
	console_assert_has(want);
	assert_int_equal(dom->state, HV_DOMAIN_DEAD);
}

static void test_iret_bad_frames_crash(void **state)
{
	(void)state;
	check_bad_iret(UINT64_C(0x0000800000000000), 0x500000, "rip is not a guest address");
	setup(NULL);
	check_bad_iret(UINT64_C(0xffff800000000000), 0x500000, "rip is not a guest address");
	setup(NULL);
	check_bad_iret(0x400200, UINT64_C(0xffffffff80000000), "rsp is not a guest address");
	setup(NULL);
	check_bad_iret(0x400200, UINT64_C(0x00ff000000000000), "rsp is not a guest address");
	setup(NULL);
	/* An rsp that points nowhere readable. */
	set_context(0x400123, DF_GUARD + 8);
	assert_int_equal(df_hypercall(vcpu, HV_HC_IRET, 0, 0, 0), INT64_MIN);
	console_assert_has("crashed: bad iret frame at 0x602008 (unreadable)\n");
	setup(NULL);
	set_context(0x400123, UINT64_C(0xffff800000000000));
	df_hypercall(vcpu, HV_HC_IRET, 0, 0, 0);
	console_assert_has("crashed: bad iret frame at 0xffff800000000000 (unreadable)\n");
	assert_int_equal(fake_copy_outside_limit(), 0);
}

static void test_iret_bad_frame_with_failsafe(void **state)
{
	uint64_t frame_va;
	struct hv_trap_frame f;
	struct hv_trap_frame fs;

	(void)state;
	assert_int_equal(hv_trap_set_callbacks(dom, 0, FAILSAFE), 0);
	frame_va = enter_handler();
	df_read(dom, frame_va, &f, sizeof(f));
	f.rip = UINT64_C(0xffffffff81000000);
	df_write(dom, frame_va, &f, sizeof(f));
	df_hypercall(vcpu, HV_HC_IRET, 0, 0, 0);
	assert_int_equal(dom->state, HV_DOMAIN_RUNNING);
	assert_int_equal(reg(HV_REG_PC), FAILSAFE);
	/* A fresh frame on the trap stack, naming the bad one. */
	assert_int_equal(reg(HV_REG_SP), frame_va);
	df_read(dom, reg(HV_REG_SP), &fs, sizeof(fs));
	assert_int_equal(fs.vector, HV_TRAP_FAILSAFE);
	assert_int_equal(fs.fault_addr, frame_va);
	assert_int_equal(fs.flags, HV_FRAME_F_EVENTS_MASKED);
	assert_int_equal(vcpu->info->upcall_mask, 1);
	assert_int_equal(vcpu->trap_depth, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup(test_bounce_to_handler, setup),
	        cmocka_unit_test_setup(test_no_handler_crashes_only_that_domain, setup),
	        cmocka_unit_test_setup(test_other_vectors_named, setup),
	        cmocka_unit_test_setup(test_bad_stack_crashes, setup),
	        cmocka_unit_test_setup(test_read_only_and_tiny_stacks_crash, setup),
	        cmocka_unit_test_setup(test_nesting, setup),
	        cmocka_unit_test_setup(test_iret_good_frame, setup),
	        cmocka_unit_test_setup(test_iret_bad_frames_crash, setup),
	        cmocka_unit_test_setup(test_iret_bad_frame_with_failsafe, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
