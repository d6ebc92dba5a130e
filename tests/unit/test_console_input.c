/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of console input (libhv/console/input.c) and console_read,
 * with input queued in the fake port: only the control domain may read
 * (-HV_EPERM before the buffer is looked at), new input raises
 * HV_VIRQ_CONSOLE in it, bytes come back in order, a full ring drops the
 * oldest and counts them, a bad buffer takes nothing, and the run loop
 * polls on an interrupt exit.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "console/console.h"
#include "domain_fixture.h"
#include "event/event.h"
#include "lib/bitmap.h"

static struct hv_domain *ctl;
static struct hv_domain *dom;
static struct hv_vcpu *cv;
static struct hv_vcpu *gv;

static int setup(void **state)
{
	(void)state;
	df_setup();
	hv_console_input_reset();
	ctl = df_create("ctl", 1u << 20, HV_CRASH_DESTROY, HV_DOMAIN_F_CONTROL);
	dom = df_create("g", 1u << 20, HV_CRASH_DESTROY, 0);
	gv = df_enter(dom);
	cv = df_enter(ctl);
	return 0;
}

static bool virq_pending(const struct hv_domain *d)
{
	return hv_bitmap_test(d->shared->evtchn_pending, d->virq_port[HV_VIRQ_CONSOLE]);
}

static void clear_virq(struct hv_domain *d)
{
	hv_bitmap_clear(d->shared->evtchn_pending, d->virq_port[HV_VIRQ_CONSOLE]);
}

static void test_not_control_gets_eperm(void **state)
{
	uint64_t va = dom->layout.mem_start;

	(void)state;
	fake_console_input("abc", 3);
	assert_int_equal(hv_console_input_poll(), 3);
	df_load(gv);
	/* Refused before the buffer is looked at: a bad one makes no difference. */
	assert_int_equal(df_hypercall(gv, HV_HC_CONSOLE_READ, va, 16, 0), -HV_EPERM);
	assert_int_equal(df_hypercall(gv, HV_HC_CONSOLE_READ, 0, 16, 0), -HV_EPERM);
	assert_int_equal(df_hypercall(gv, HV_HC_CONSOLE_READ, UINT64_MAX, UINT64_MAX, 0),
	                 -HV_EPERM);
	assert_int_equal(hv_console_input_count(), 3);
	assert_false(virq_pending(dom));
}

static void test_input_raises_virq_in_control(void **state)
{
	(void)state;
	/* Nothing waiting: no event. */
	assert_int_equal(hv_console_input_poll(), 0);
	assert_false(virq_pending(ctl));
	fake_console_input("x", 1);
	assert_int_equal(hv_console_input_poll(), 1);
	assert_true(virq_pending(ctl));
	assert_false(virq_pending(dom));
	/* Polls take a bounded number of bytes each. */
	clear_virq(ctl);
	for (unsigned int i = 0; i < HV_CONSOLE_INPUT_POLL_MAX + 10; i++) {
		fake_console_input("y", 1);
	}
	assert_int_equal(hv_console_input_poll(), HV_CONSOLE_INPUT_POLL_MAX);
	assert_true(virq_pending(ctl));
	assert_int_equal(fake_console_input_left(), 10);
	assert_int_equal(hv_console_input_poll(), 10);
}

static void test_read_returns_bytes_in_order(void **state)
{
	uint64_t va = ctl->layout.mem_start;
	char buf[16] = {0};

	(void)state;
	assert_int_equal(df_hypercall(cv, HV_HC_CONSOLE_READ, va, 16, 0), 0);
	fake_console_input("hello\n", 6);
	hv_console_input_poll();
	assert_int_equal(df_hypercall(cv, HV_HC_CONSOLE_READ, va, 3, 0), 3);
	df_read(ctl, va, buf, 3);
	assert_memory_equal(buf, "hel", 3);
	/* A huge len is clamped, not refused. */
	assert_int_equal(df_hypercall(cv, HV_HC_CONSOLE_READ, va, UINT64_MAX, 0), 3);
	df_read(ctl, va, buf, 3);
	assert_memory_equal(buf, "lo\n", 3);
	assert_int_equal(df_hypercall(cv, HV_HC_CONSOLE_READ, va, 16, 0), 0);
	/* len 0 takes nothing and touches nothing. */
	fake_console_input("z", 1);
	hv_console_input_poll();
	assert_int_equal(df_hypercall(cv, HV_HC_CONSOLE_READ, 0, 0, 0), 0);
	assert_int_equal(hv_console_input_count(), 1);
}

static void test_overflow_drops_oldest(void **state)
{
	uint64_t va = ctl->layout.mem_start;
	char buf[HV_CONSOLE_INPUT_SIZE];
	char in[HV_CONSOLE_INPUT_SIZE + 40];

	(void)state;
	for (size_t i = 0; i < sizeof(in); i++) {
		in[i] = (char)('A' + i % 26);
	}
	fake_console_input(in, sizeof(in));
	while (hv_console_input_poll() > 0) {
	}
	assert_int_equal(hv_console_input_count(), HV_CONSOLE_INPUT_SIZE);
	assert_int_equal(hv_console_input_dropped(), 40);
	assert_int_equal(df_hypercall(cv, HV_HC_CONSOLE_READ, va, 4096, 0), HV_CONSOLE_INPUT_SIZE);
	df_read(ctl, va, buf, sizeof(buf));
	assert_memory_equal(buf, in + 40, HV_CONSOLE_INPUT_SIZE);
	assert_int_equal(hv_console_input_count(), 0);
}

static void test_efault_consumes_nothing(void **state)
{
	uint64_t va = ctl->layout.mem_start;
	char buf[4];

	(void)state;
	fake_console_input("abcd", 4);
	hv_console_input_poll();
	assert_int_equal(df_hypercall(cv, HV_HC_CONSOLE_READ, 0, 4, 0), -HV_EFAULT);
	assert_int_equal(df_hypercall(cv, HV_HC_CONSOLE_READ, DF_START_INFO, 4, 0), -HV_EFAULT);
	assert_int_equal(df_hypercall(cv, HV_HC_CONSOLE_READ, UINT64_C(0xffff800000001000), 4, 0),
	                 -HV_EFAULT);
	assert_int_equal(df_hypercall(cv, HV_HC_CONSOLE_READ, UINT64_MAX - 1, 4, 0), -HV_EFAULT);
	assert_int_equal(hv_console_input_count(), 4);
	assert_int_equal(df_hypercall(cv, HV_HC_CONSOLE_READ, va, 4, 0), 4);
	df_read(ctl, va, buf, 4);
	assert_memory_equal(buf, "abcd", 4);
	assert_int_equal(fake_copy_outside_limit(), 0);
}

static void test_not_on_the_fast_path(void **state)
{
	(void)state;
	assert_int_equal((HV_CORE_HYPERCALL_FAST_SET >> HV_HC_CONSOLE_READ) & 1, 0);
	assert_null(hv_hypercall_fast_table[HV_HC_CONSOLE_READ]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup(test_not_control_gets_eperm, setup),
	        cmocka_unit_test_setup(test_input_raises_virq_in_control, setup),
	        cmocka_unit_test_setup(test_read_returns_bytes_in_order, setup),
	        cmocka_unit_test_setup(test_overflow_drops_oldest, setup),
	        cmocka_unit_test_setup(test_efault_consumes_nothing, setup),
	        cmocka_unit_test_setup(test_not_on_the_fast_path, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
