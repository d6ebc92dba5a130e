/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of hv_panic() (libhv/core/panic.c) on the fake port, whose
 * power-off longjmps back into the test. hv_panic() remembers in a static
 * variable that it has panicked, so that a panic inside a panic only powers
 * off; that state cannot be reset, so these tests run in this order in
 * their own program.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include <hv/log.h>
#include <hv/port.h>
#include "fake_port.h"

/* hv_panic() formats into a buffer of 256 bytes: at most 255 characters of message. */
#define PANIC_MSG_MAX 255

static int setup(void **state)
{
	(void)state;
	fake_port_reset();
	return 0;
}

static void test_panic_prints_and_powers_off(void **state)
{
	char tail[400];
	char want[600];
	volatile bool returned = false;

	(void)state;
	memset(tail, 'x', sizeof(tail) - 1);
	tail[sizeof(tail) - 1] = '\0';
	hv_printf("before\n");
	if (setjmp(fake_power_off_jmp) == 0) {
		hv_panic("bad frame %d at %#x: %s", 7, 0x1000u, tail);
		returned = true; /* never reached: hv_panic() does not return */
	}
	assert_false(returned);
	assert_int_equal(fake_power_off_verdict, HV_VERDICT_FAIL);
	/* The message is cut to what fits; the verdict line is the last one. */
	strcpy(want, "before\nhv: panic: bad frame 7 at 0x1000: ");
	memset(want + strlen(want), 'x', PANIC_MSG_MAX - strlen("bad frame 7 at 0x1000: "));
	want[strlen("before\nhv: panic: ") + PANIC_MSG_MAX] = '\0';
	strcat(want, "\nhv: verdict: FAIL\n");
	assert_string_equal(fake_console_text(), want);
}

/* Runs after the test above: a second panic prints nothing and still powers off. */
static void test_panic_inside_panic_only_powers_off(void **state)
{
	(void)state;
	if (setjmp(fake_power_off_jmp) == 0) {
		hv_panic("again %d", 2);
	}
	assert_int_equal(fake_power_off_verdict, HV_VERDICT_FAIL);
	assert_string_equal(fake_console_text(), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup(test_panic_prints_and_powers_off, setup),
	        cmocka_unit_test_setup(test_panic_inside_panic_only_powers_off, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
