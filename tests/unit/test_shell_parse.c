/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the domain 0 shell's pure half (dom0-kit/shell/parse.c):
 * the line editor byte by byte (editing keys, CR, LF and CR LF, escape
 * sequences, overflow), the splitting of lines into commands and of
 * commands into words (quotes, separators, limits), the script on a
 * command line, and the parsers of numbers, sizes, durations, states and
 * crash policies with their edge cases. parse.c needs no hypercall, so it
 * is compiled here as it is.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

/* The pure half is compiled in: the host build has no guest library to link. */
#include "../../dom0-kit/shell/parse.c" /* NOLINT(bugprone-suspicious-include) */

/* Feeds a string; returns the result of its last byte. */
static enum hvsh_edit feed(struct hvsh_line *l, const char *s)
{
	enum hvsh_edit e = HVSH_EDIT_MORE;

	for (; *s != '\0'; s++) {
		e = hvsh_line_feed(l, *s);
	}
	return e;
}

static void test_line_plain_and_enter(void **state)
{
	struct hvsh_line l;

	(void)state;
	memset(&l, 0x5a, sizeof(l));
	hvsh_line_clear(&l);
	l.after_cr = false;
	assert_int_equal(feed(&l, "list"), HVSH_EDIT_MORE);
	assert_int_equal(l.len, 4);
	assert_int_equal(hvsh_line_feed(&l, '\n'), HVSH_EDIT_DONE);
	assert_string_equal(l.buf, "list");
	/* The next byte starts a new line. */
	assert_int_equal(feed(&l, "info 1\r"), HVSH_EDIT_DONE);
	assert_string_equal(l.buf, "info 1");
	/* The LF of a CR LF is not a second, empty line. */
	assert_int_equal(hvsh_line_feed(&l, '\n'), HVSH_EDIT_MORE);
	assert_int_equal(l.len, 0);
	/* But LF LF is: an empty line. */
	assert_int_equal(hvsh_line_feed(&l, '\n'), HVSH_EDIT_DONE);
	assert_string_equal(l.buf, "");
	/* CR CR: two lines. */
	assert_int_equal(feed(&l, "a\r"), HVSH_EDIT_DONE);
	assert_int_equal(hvsh_line_feed(&l, '\r'), HVSH_EDIT_DONE);
	assert_string_equal(l.buf, "");
}

static void test_line_editing_keys(void **state)
{
	struct hvsh_line l = {0};

	(void)state;
	hvsh_line_clear(&l);
	/* Backspace and DEL; one too many does nothing. */
	assert_int_equal(feed(&l, "ecoh\x7f\x7fho\b\bho\n"), HVSH_EDIT_DONE);
	assert_string_equal(l.buf, "echo");
	assert_int_equal(feed(&l, "x\b\b\b\n"), HVSH_EDIT_DONE);
	assert_string_equal(l.buf, "");
	/* Ctrl-W: the last word and the blanks before the cursor. */
	assert_int_equal(feed(&l, "echo one two  \x17three\n"), HVSH_EDIT_DONE);
	assert_string_equal(l.buf, "echo one three");
	assert_int_equal(feed(&l, "\x17\x17word\n"), HVSH_EDIT_DONE);
	assert_string_equal(l.buf, "word");
	/* Ctrl-U: the whole line. */
	assert_int_equal(feed(&l, "garbage\x15list\n"), HVSH_EDIT_DONE);
	assert_string_equal(l.buf, "list");
	/* Ctrl-C: cancelled, empty; the next byte starts afresh. */
	assert_int_equal(feed(&l, "destroy 1\x03"), HVSH_EDIT_CANCEL);
	assert_string_equal(l.buf, "");
	assert_int_equal(feed(&l, "list\n"), HVSH_EDIT_DONE);
	assert_string_equal(l.buf, "list");
	/* A tab is a space; other control characters and 8-bit bytes are ignored. */
	assert_int_equal(feed(&l, "a\tb\x01\x07\x80\xff"
	                          "c\n"),
	                 HVSH_EDIT_DONE);
	assert_string_equal(l.buf, "a bc");
}

static void test_line_escape_sequences(void **state)
{
	struct hvsh_line l = {0};

	(void)state;
	hvsh_line_clear(&l);
	/* Arrows (CSI and SS3 forms), Delete (ESC [ 3 ~), a lone ESC x. */
	assert_int_equal(feed(&l, "\x1b[Ali\x1b[3~st\x1bOB\x1b[1;5C\n"), HVSH_EDIT_DONE);
	assert_string_equal(l.buf, "list");
	assert_int_equal(feed(&l, "\x1bxab\n"), HVSH_EDIT_DONE);
	assert_string_equal(l.buf, "ab");
	/* An escape sequence does not swallow the Enter after it ends. */
	assert_int_equal(feed(&l, "\x1b[D\r"), HVSH_EDIT_DONE);
	assert_string_equal(l.buf, "");
}

static void test_line_overflow(void **state)
{
	struct hvsh_line l = {0};

	(void)state;
	hvsh_line_clear(&l);
	for (int i = 0; i < HVSH_LINE_MAX; i++) {
		assert_int_equal(hvsh_line_feed(&l, 'a'), HVSH_EDIT_MORE);
	}
	assert_false(l.overflow);
	assert_int_equal(hvsh_line_feed(&l, 'b'), HVSH_EDIT_MORE);
	assert_true(l.overflow);
	assert_int_equal(l.len, HVSH_LINE_MAX);
	assert_int_equal(hvsh_line_feed(&l, '\n'), HVSH_EDIT_DONE);
	assert_int_equal(strlen(l.buf), HVSH_LINE_MAX);
	assert_true(l.overflow);
	/* The next line is fine again; Ctrl-U clears the flag too. */
	assert_int_equal(feed(&l, "x\n"), HVSH_EDIT_DONE);
	assert_false(l.overflow);
	for (int i = 0; i < HVSH_LINE_MAX + 5; i++) {
		hvsh_line_feed(&l, 'a');
	}
	assert_int_equal(feed(&l, "\x15ok\n"), HVSH_EDIT_DONE);
	assert_false(l.overflow);
	assert_string_equal(l.buf, "ok");
}

static void test_next_command(void **state)
{
	char line[] = "list; info 1,echo \"a; b, c\" 'd;e';;  ";
	char *cursor = line;

	(void)state;
	assert_string_equal(hvsh_next_command(&cursor), "list");
	assert_string_equal(hvsh_next_command(&cursor), " info 1");
	assert_string_equal(hvsh_next_command(&cursor), "echo \"a; b, c\" 'd;e'");
	assert_string_equal(hvsh_next_command(&cursor), "");
	assert_string_equal(hvsh_next_command(&cursor), "  ");
	assert_null(hvsh_next_command(&cursor));
	assert_null(hvsh_next_command(&cursor));

	char empty[] = "";
	cursor = empty;
	assert_null(hvsh_next_command(&cursor));

	/* A trailing separator leaves nothing after it. */
	char one[] = "list,";
	cursor = one;
	assert_string_equal(hvsh_next_command(&cursor), "list");
	assert_null(hvsh_next_command(&cursor));
}

static void test_split_words(void **state)
{
	char *argv[8];
	char cmd[] = "  create  guest\tname=t1 \"cmdline=mode=talk x\" a\"b c\"d '' ";

	(void)state;
	assert_int_equal(hvsh_split(cmd, argv, 8), 6);
	assert_string_equal(argv[0], "create");
	assert_string_equal(argv[1], "guest");
	assert_string_equal(argv[2], "name=t1");
	assert_string_equal(argv[3], "cmdline=mode=talk x");
	assert_string_equal(argv[4], "ab cd");
	assert_string_equal(argv[5], "");

	char blank[] = " \t ";
	assert_int_equal(hvsh_split(blank, argv, 8), 0);
	char none[] = "";
	assert_int_equal(hvsh_split(none, argv, 8), 0);

	/* Single quotes keep double ones, and the other way round. */
	char mixed[] = "echo '\"x\"' \"'y'\"";
	assert_int_equal(hvsh_split(mixed, argv, 8), 3);
	assert_string_equal(argv[1], "\"x\"");
	assert_string_equal(argv[2], "'y'");
}

static void test_split_limits(void **state)
{
	char *argv[3];
	char three[] = "a b c";
	char four[] = "a b c d";
	char open[] = "echo \"never closed";

	(void)state;
	assert_int_equal(hvsh_split(three, argv, 3), 3);
	assert_string_equal(argv[2], "c");
	assert_int_equal(hvsh_split(four, argv, 3), -HV_E2BIG);
	assert_int_equal(hvsh_split(open, argv, 3), -HV_EINVAL);
}

static void test_script(void **state)
{
	(void)state;
	assert_null(hvsh_script(""));
	assert_null(hvsh_script("shell mem=4M"));
	assert_null(hvsh_script("shell --x list"));
	assert_null(hvsh_script("shell x-- list"));
	assert_string_equal(hvsh_script("shell -- list, info 0"), "list, info 0");
	assert_string_equal(hvsh_script("--   list"), "list");
	assert_string_equal(hvsh_script("/boot/mod/shell shell\t--\tlist"), "list");
	/* The first "--" starts it; later ones belong to the script. */
	assert_string_equal(hvsh_script("shell -- create g -- talk"), "create g -- talk");
	assert_string_equal(hvsh_script("shell --"), "");
}

static void test_value(void **state)
{
	(void)state;
	assert_string_equal(hvsh_value("mem=2M", "mem"), "2M");
	assert_string_equal(hvsh_value("name=", "name"), "");
	assert_string_equal(hvsh_value("cmdline=a=b", "cmdline"), "a=b");
	assert_null(hvsh_value("mem", "mem"));
	assert_null(hvsh_value("memory=2M", "mem"));
	assert_null(hvsh_value("me=2M", "mem"));
	assert_null(hvsh_value("=2M", "mem"));
}

static void test_parse_u64(void **state)
{
	uint64_t v = 7;

	(void)state;
	assert_int_equal(hvsh_parse_u64("0", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(hvsh_parse_u64("65535", &v), 0);
	assert_int_equal(v, 65535);
	assert_int_equal(hvsh_parse_u64("0x1F", &v), 0);
	assert_int_equal(v, 31);
	assert_int_equal(hvsh_parse_u64("18446744073709551615", &v), 0);
	assert_true(v == UINT64_MAX);
	v = 7;
	assert_int_equal(hvsh_parse_u64("18446744073709551616", &v), -HV_ERANGE);
	assert_int_equal(hvsh_parse_u64("0x10000000000000000", &v), -HV_ERANGE);
	assert_int_equal(hvsh_parse_u64("", &v), -HV_EINVAL);
	assert_int_equal(hvsh_parse_u64("0x", &v), -HV_EINVAL);
	assert_int_equal(hvsh_parse_u64("-1", &v), -HV_EINVAL);
	assert_int_equal(hvsh_parse_u64("12a", &v), -HV_EINVAL);
	assert_int_equal(hvsh_parse_u64("2M", &v), -HV_EINVAL);
	assert_int_equal(hvsh_parse_u64(" 1", &v), -HV_EINVAL);
	assert_int_equal(v, 7); /* untouched on an error */
}

static void test_parse_size(void **state)
{
	uint64_t v = 0;

	(void)state;
	assert_int_equal(hvsh_parse_size("4096", &v), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(hvsh_parse_size("512K", &v), 0);
	assert_int_equal(v, 512 * 1024);
	assert_int_equal(hvsh_parse_size("2m", &v), 0);
	assert_int_equal(v, 2 << 20);
	assert_int_equal(hvsh_parse_size("1G", &v), 0);
	assert_int_equal(v, 1 << 30);
	assert_int_equal(hvsh_parse_size("0x200000", &v), 0);
	assert_int_equal(v, 2 << 20);
	assert_int_equal(hvsh_parse_size("17179869183G", &v), 0);
	assert_int_equal(hvsh_parse_size("17179869184G", &v), -HV_ERANGE);
	assert_int_equal(hvsh_parse_size("M", &v), -HV_EINVAL);
	assert_int_equal(hvsh_parse_size("2MB", &v), -HV_EINVAL);
	assert_int_equal(hvsh_parse_size("2T", &v), -HV_EINVAL);
	assert_int_equal(hvsh_parse_size("1.5M", &v), -HV_EINVAL);
	assert_int_equal(hvsh_parse_size("0x2M", &v), -HV_EINVAL);
}

static void test_parse_duration(void **state)
{
	uint64_t v = 0;

	(void)state;
	assert_int_equal(hvsh_parse_duration("20", 1000000, &v), 0);
	assert_int_equal(v, 20000000);
	assert_int_equal(hvsh_parse_duration("20ns", 1000000, &v), 0);
	assert_int_equal(v, 20);
	assert_int_equal(hvsh_parse_duration("3us", 1, &v), 0);
	assert_int_equal(v, 3000);
	assert_int_equal(hvsh_parse_duration("5ms", 1, &v), 0);
	assert_int_equal(v, 5000000);
	assert_int_equal(hvsh_parse_duration("2s", 1, &v), 0);
	assert_true(v == 2000000000ull);
	assert_int_equal(hvsh_parse_duration("18446744074s", 1, &v), -HV_ERANGE);
	assert_int_equal(hvsh_parse_duration("18446744073709551615", 2, &v), -HV_ERANGE);
	assert_int_equal(hvsh_parse_duration("ms", 1, &v), -HV_EINVAL);
	assert_int_equal(hvsh_parse_duration("5 ms", 1, &v), -HV_EINVAL);
	assert_int_equal(hvsh_parse_duration("5min", 1, &v), -HV_EINVAL);
	assert_int_equal(hvsh_parse_duration("0x10", 1, &v), -HV_EINVAL);
	assert_int_equal(hvsh_parse_duration("1", 0, &v), -HV_EINVAL);
}

static void test_states_and_policies(void **state)
{
	uint32_t mask = 0;
	uint32_t policy = 9;

	(void)state;
	assert_int_equal(hvsh_parse_states("paused", &mask), 0);
	assert_int_equal(mask, 1u << HV_DOMCTL_STATE_PAUSED);
	assert_int_equal(hvsh_parse_states("started", &mask), 0);
	assert_int_equal(mask, (1u << HV_DOMCTL_STATE_RUNNING) | (1u << HV_DOMCTL_STATE_BLOCKED));
	assert_int_equal(hvsh_parse_states("ended", &mask), 0);
	assert_int_equal(mask, (1u << HV_DOMCTL_STATE_CRASHED) | (1u << HV_DOMCTL_STATE_DEAD));
	assert_int_equal(hvsh_parse_states("none", &mask), -HV_EINVAL);
	assert_int_equal(hvsh_parse_states("Paused", &mask), -HV_EINVAL);
	assert_int_equal(hvsh_parse_states("pause", &mask), -HV_EINVAL);

	assert_int_equal(hvsh_parse_crash("keep", &policy), 0);
	assert_int_equal(policy, HV_DOMCTL_CRASH_KEEP);
	assert_int_equal(hvsh_parse_crash("restart", &policy), 0);
	assert_int_equal(policy, HV_DOMCTL_CRASH_RESTART);
	assert_int_equal(hvsh_parse_crash("destroy", &policy), 0);
	assert_int_equal(policy, HV_DOMCTL_CRASH_DESTROY);
	assert_int_equal(hvsh_parse_crash("destroyed", &policy), -HV_EINVAL);
	assert_string_equal(hvsh_crash_name(HV_DOMCTL_CRASH_KEEP), "keep");
	assert_string_equal(hvsh_crash_name(3), "?");

	assert_true(hvsh_is_id("0"));
	assert_true(hvsh_is_id("12"));
	assert_false(hvsh_is_id(""));
	assert_false(hvsh_is_id("t1"));
	assert_false(hvsh_is_id("0x1"));
	assert_false(hvsh_is_id("-1"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_line_plain_and_enter),
	        cmocka_unit_test(test_line_editing_keys),
	        cmocka_unit_test(test_line_escape_sequences),
	        cmocka_unit_test(test_line_overflow),
	        cmocka_unit_test(test_next_command),
	        cmocka_unit_test(test_split_words),
	        cmocka_unit_test(test_split_limits),
	        cmocka_unit_test(test_script),
	        cmocka_unit_test(test_value),
	        cmocka_unit_test(test_parse_u64),
	        cmocka_unit_test(test_parse_size),
	        cmocka_unit_test(test_parse_duration),
	        cmocka_unit_test(test_states_and_policies),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
