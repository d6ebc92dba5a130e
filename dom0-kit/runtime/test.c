/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The in-guest test runner (see <hv/guest/test.h>). Each test runs inside
 * a catch point for any vector: an unexpected exception, hvg_test_end(),
 * hvg_test_skip() and hvg_test_error() all come back to run_one() through
 * it, so one test's trouble never stops the others. Between tests the
 * runner puts back what a test may have changed: the timer, the event
 * mask and the exception handling.
 */
#include <hv/log.h>
#include "lib/string.h"
#include "runtime.h"

extern const struct hvg_test __start_hvg_tests[];
extern const struct hvg_test __stop_hvg_tests[];

static const char *const result_names[] = {
        [HVG_SUCCESS] = "SUCCESS",
        [HVG_SKIP] = "SKIP",
        [HVG_ERROR] = "ERROR",
        [HVG_FAILURE] = "FAILURE",
};

static struct {
	const struct hvg_test *test;
	struct hvg_catch *catch_point;
	enum hvg_result result;
} current;

static void raise_result(enum hvg_result r)
{
	if (r > current.result) {
		current.result = r;
	}
}

/* The file's name without its directory: build paths are long and vary. */
static const char *base_name(const char *path)
{
	const char *slash = hv_strchr(path, '/');

	while (slash != NULL) {
		path = slash + 1;
		slash = hv_strchr(path, '/');
	}
	return path;
}

bool hvg_test_check(bool ok, const char *what, const char *file, int line)
{
	if (!ok) {
		hvg_printf("  FAIL %s:%d: %s\n", base_name(file), line, what);
		raise_result(HVG_FAILURE);
	}
	return ok;
}

bool hvg_test_check_eq(int64_t a, int64_t b, const char *a_text, const char *b_text,
                       const char *file, int line)
{
	if (a != b) {
		hvg_printf("  FAIL %s:%d: %s == %s: got %lld (%#llx), expected %lld (%#llx)\n",
		           base_name(file), line, a_text, b_text, (long long)a,
		           (unsigned long long)a, (long long)b, (unsigned long long)b);
		raise_result(HVG_FAILURE);
	}
	return a == b;
}

static void print_indented(const char *tag, const char *fmt, va_list ap)
{
	char buf[HVG_PRINTF_MAX - 16];

	hv_vsnprintf(buf, sizeof(buf), fmt, ap);
	hvg_printf("  %s%s\n", tag, buf);
}

void hvg_test_note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	print_indented("", fmt, ap);
	va_end(ap);
}

void hvg_test_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	print_indented("FAIL ", fmt, ap);
	va_end(ap);
	raise_result(HVG_FAILURE);
}

_Noreturn void hvg_test_end(void)
{
	if (current.catch_point == NULL) {
		/* Not inside the runner: the domain's run ends here. */
		hvg_test_verdict(current.result);
	}
	hvg_catch_jump(current.catch_point);
}

_Noreturn void hvg_test_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	print_indented("ERROR ", fmt, ap);
	va_end(ap);
	raise_result(HVG_ERROR);
	hvg_test_end();
}

_Noreturn void hvg_test_skip(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	print_indented("SKIP ", fmt, ap);
	va_end(ap);
	raise_result(HVG_SKIP);
	hvg_test_end();
}

_Noreturn void hvg_test_verdict(enum hvg_result result)
{
	hvg_printf("Test result: %s\n", result_names[result]);
	/* Power off whatever the verdict: the verdict line is the judge. */
	hvg_exit(HV_SHUTDOWN_POWEROFF);
}

static enum hvg_result run_one(const struct hvg_test *t)
{
	struct hvg_catch c;

	current.test = t;
	current.result = HVG_SUCCESS;
	current.catch_point = &c;
	hvg_printf("test %s: running\n", t->name);
	hvg_catch_push(&c, HVG_VEC_ANY);
	if (hvg_catch_save(&c) == 0) {
		t->fn();
	} else if (c.fault.happened) {
		hvg_printf("  ERROR unexpected %s (vector %llu) at rip %#llx: error %#llx, "
		           "address %#llx\n",
		           hvg_vector_name(c.fault.vector), (unsigned long long)c.fault.vector,
		           (unsigned long long)c.fault.rip, (unsigned long long)c.fault.error_code,
		           (unsigned long long)c.fault.fault_addr);
		raise_result(HVG_ERROR);
	}
	hvg_catch_pop(&c);
	current.catch_point = NULL;

	/* Leave the next test the state the runner started it with. */
	hvg_set_timer(0);
	hvg_events_enable();
	hvg_printf("test %s: %s\n", t->name, result_names[current.result]);
	return current.result;
}

/* Most tests one image may hold. */
#define MAX_TESTS 256

static bool runs_before(const struct hvg_test *a, const struct hvg_test *b)
{
	int c = hv_strcmp(a->file, b->file);

	return c < 0 || (c == 0 && a->line < b->line);
}

/* Puts the tests in source order (an insertion sort: a few dozen tests). */
static size_t sort_tests(const struct hvg_test **order)
{
	size_t n = 0;

	for (const struct hvg_test *t = __start_hvg_tests; t < __stop_hvg_tests && n < MAX_TESTS;
	     t++) {
		size_t i = n++;

		while (i > 0 && runs_before(t, order[i - 1])) {
			order[i] = order[i - 1];
			i--;
		}
		order[i] = t;
	}
	return n;
}

_Noreturn int hvg_test_main(const struct hv_start_info *si)
{
	static const struct hvg_test *order[MAX_TESTS];
	size_t count = (size_t)(__stop_hvg_tests - __start_hvg_tests);
	size_t tally[4] = {0};
	enum hvg_result verdict;
	int rc;

	rc = hvg_trap_init();
	if (rc != 0) {
		hvg_printf("runtime: exception handling could not be set up: %s\n",
		           hv_strerror(rc));
		hvg_test_verdict(HVG_ERROR);
	}
	hvg_printf("%zu tests in domain %u '%s'\n", count, si->domid, si->name);
	if (count == 0 || count > MAX_TESTS) {
		hvg_printf("runtime: an image holds 1 to %d tests\n", MAX_TESTS);
		hvg_test_verdict(HVG_ERROR);
	}
	count = sort_tests(order);
	for (size_t i = 0; i < count; i++) {
		tally[run_one(order[i])]++;
	}
	if (tally[HVG_FAILURE] != 0) {
		verdict = HVG_FAILURE;
	} else if (tally[HVG_ERROR] != 0) {
		verdict = HVG_ERROR;
	} else if (tally[HVG_SUCCESS] == 0) {
		verdict = HVG_SKIP;
	} else {
		verdict = HVG_SUCCESS;
	}
	hvg_printf("%zu passed, %zu failed, %zu errors, %zu skipped\n", tally[HVG_SUCCESS],
	           tally[HVG_FAILURE], tally[HVG_ERROR], tally[HVG_SKIP]);
	hvg_test_verdict(verdict);
}
