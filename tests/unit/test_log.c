/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of console output and log levels (libhv/lib/log.c): the prefix
 * of each level, the threshold, the newline added once, and how a line
 * longer than the 512-byte buffer is cut and marked. Output is read back
 * from the fake port's console.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include <hv/log.h>
#include "fake_port.h"

/* The log's line buffer, as in log.c: at most LINE_MAX - 1 bytes are written. */
#define LINE_MAX_BYTES 512

static int setup(void **state)
{
	(void)state;
	fake_port_reset();
	hv_log_set_level(HV_LOG_INFO);
	return 0;
}

static int setup_console_only(void **state)
{
	(void)state;
	fake_port_reset();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	hv_log_set_level(HV_LOG_INFO);
	return 0;
}

/* Runs first, before any test has set a level. */
static void test_default_level_is_info(void **state)
{
	(void)state;
	assert_int_equal(hv_log_get_level(), HV_LOG_INFO);
	hv_debug("not shown");
	hv_info("shown");
	assert_string_equal(fake_console_text(), "hv: shown\n");
}

static void test_prefix_per_level(void **state)
{
	(void)state;
	hv_log_set_level(HV_LOG_DEBUG);
	hv_err("e %d", 1);
	hv_warn("w %d", 2);
	hv_notice("n %d", 3);
	hv_info("i %d", 4);
	hv_debug("d %d", 5);
	assert_string_equal(fake_console_text(), "hv: error: e 1\n"
	                                         "hv: warning: w 2\n"
	                                         "hv: notice: n 3\n"
	                                         "hv: i 4\n"
	                                         "hv: debug: d 5\n");
}

static void test_threshold_filters(void **state)
{
	(void)state;
	hv_debug("hidden at info");
	hv_info("shown at info");
	assert_string_equal(fake_console_text(), "hv: shown at info\n");

	fake_port_reset();
	hv_log_set_level(HV_LOG_WARNING);
	assert_int_equal(hv_log_get_level(), HV_LOG_WARNING);
	hv_debug("d");
	hv_info("i");
	hv_notice("n");
	hv_warn("w");
	hv_err("e");
	assert_string_equal(fake_console_text(), "hv: warning: w\nhv: error: e\n");

	fake_port_reset();
	hv_log_set_level(HV_LOG_ERROR);
	hv_warn("w");
	hv_err("e");
	assert_string_equal(fake_console_text(), "hv: error: e\n");
}

static void test_set_level_clamps(void **state)
{
	(void)state;
	hv_log_set_level((enum hv_log_level)99);
	assert_int_equal(hv_log_get_level(), HV_LOG_DEBUG);
	/* A level past debug is more detailed than any threshold: never printed. */
	hv_log((enum hv_log_level)7, "beyond debug");
	hv_debug("debug");
	assert_string_equal(fake_console_text(), "hv: debug: debug\n");
}

static void test_newline_added_once(void **state)
{
	(void)state;
	hv_info("no newline");
	hv_info("has newline\n");
	hv_info("%s", "");
	hv_info("two\nlines");
	hv_info("ends with two\n\n");
	assert_string_equal(fake_console_text(), "hv: no newline\n"
	                                         "hv: has newline\n"
	                                         "hv: \n"
	                                         "hv: two\nlines\n"
	                                         "hv: ends with two\n\n");
}

static void test_long_message_cut(void **state)
{
	char msg[1000];
	const char *out;
	size_t len;

	(void)state;
	memset(msg, 'a', sizeof(msg) - 1);
	msg[sizeof(msg) - 1] = '\0';
	hv_err("%s", msg);
	out = fake_console_text();
	len = strlen(out);
	assert_int_equal(len, LINE_MAX_BYTES - 1);
	assert_memory_equal(out, "hv: error: aaaa", 15);
	assert_string_equal(out + len - 4, "...\n");
	/* Everything before the mark is the message. */
	for (size_t i = 11; i < len - 4; i++) {
		assert_int_equal(out[i], 'a');
	}

	/* The next line starts clean. */
	hv_info("next");
	assert_string_equal(fake_console_text() + len, "hv: next\n");
}

static void test_line_at_the_limit(void **state)
{
	char msg[LINE_MAX_BYTES];
	size_t prefix = strlen("hv: ");
	size_t fit = LINE_MAX_BYTES - 2 - prefix; /* leaves room for the newline and NUL */

	(void)state;
	memset(msg, 'b', fit);
	msg[fit] = '\0';
	hv_info("%s", msg);
	assert_int_equal(strlen(fake_console_text()), LINE_MAX_BYTES - 1);
	assert_memory_equal(fake_console_text() + LINE_MAX_BYTES - 5, "bbb\n", 4);

	/* One byte more does not fit with its newline: it is cut. */
	fake_port_reset();
	msg[fit] = 'b';
	msg[fit + 1] = '\0';
	hv_info("%s", msg);
	assert_int_equal(strlen(fake_console_text()), LINE_MAX_BYTES - 1);
	assert_memory_equal(fake_console_text() + LINE_MAX_BYTES - 5, "...\n", 4);
}

static void test_printf_no_prefix_no_newline(void **state)
{
	(void)state;
	assert_int_equal(hv_printf("raw %d", 1), 5);
	assert_int_equal(hv_printf("%s\n", "text"), 5);
	assert_string_equal(fake_console_text(), "raw 1text\n");
}

static void test_printf_long_cut(void **state)
{
	char msg[2000];

	(void)state;
	memset(msg, 'c', sizeof(msg) - 1);
	msg[sizeof(msg) - 1] = '\0';
	assert_int_equal(hv_printf("%s", msg), LINE_MAX_BYTES - 1);
	assert_int_equal(strlen(fake_console_text()), LINE_MAX_BYTES - 1);
	assert_string_equal(fake_console_text() + LINE_MAX_BYTES - 5, "...\n");
	assert_memory_equal(fake_console_text(), "cccc", 4);
}

static int vprintf_wrapper(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int vprintf_wrapper(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = hv_vprintf(fmt, ap);
	va_end(ap);
	return n;
}

static void test_vprintf(void **state)
{
	(void)state;
	assert_int_equal(vprintf_wrapper("%s-%u", "v", 9u), 3);
	assert_string_equal(fake_console_text(), "v-9");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_default_level_is_info, setup_console_only,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_prefix_per_level, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_threshold_filters, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_set_level_clamps, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_newline_added_once, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_long_message_cut, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_line_at_the_limit, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_printf_no_prefix_no_newline, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_printf_long_cut, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_vprintf, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
