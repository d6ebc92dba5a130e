/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Assertions on what the core wrote to the fake port's console, shared by
 * the unit tests. Each failure prints the whole console.
 */
#ifndef HV_TESTS_CONSOLE_ASSERT_H
#define HV_TESTS_CONSOLE_ASSERT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <string.h>

#include "fake_port.h"

static inline void console_assert_has(const char *needle)
{
	if (!fake_console_contains(needle)) {
		fail_msg("console lacks \"%s\"; it has:\n%s", needle, fake_console_text());
	}
}

static inline void console_assert_lacks(const char *needle)
{
	if (fake_console_contains(needle)) {
		fail_msg("console has \"%s\"; it has:\n%s", needle, fake_console_text());
	}
}

/* The console ends with the verdict line, and has only that one. */
static inline void console_assert_verdict(bool pass)
{
	const char *text = fake_console_text();
	const char *want = pass ? "hv: verdict: PASS\n" : "hv: verdict: FAIL\n";
	size_t len = strlen(text);

	if (len < strlen(want) || strcmp(text + len - strlen(want), want) != 0) {
		fail_msg("console does not end with \"%s\":\n%s", want, text);
	}
	if (strstr(text, "hv: verdict: ") != text + len - strlen(want)) {
		fail_msg("console has more than one verdict line:\n%s", text);
	}
}

#endif /* HV_TESTS_CONSOLE_ASSERT_H */
