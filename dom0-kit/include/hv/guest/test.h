/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file
 * @defgroup hvg_test In-guest test framework
 * @brief Test kernels that print one verdict line.
 *
 * A test kernel is a guest made of test functions declared with
 * HVG_TEST() and a `main()` made by HVG_TEST_MAIN(). The runner sets up
 * exception and event handling, runs every test of the image in the order
 * they appear, prints `test <name>: <result>` for each, and ends with
 * exactly one verdict line:
 *
 *     Test result: SUCCESS | FAILURE | ERROR | SKIP
 *
 * (the hypervisor prefixes it with the domain's name, for example
 * `console: Test result: SUCCESS`). The verdict is the worst result of
 * any test, in the order SUCCESS < SKIP < ERROR < FAILURE, except that a
 * run in which every test was skipped is SKIP and one with at least one
 * success and some skips is SUCCESS. A check that does not hold is a
 * FAILURE; an exception nobody expected, or a broken environment, is an
 * ERROR. The domain then powers off whatever the verdict, so that the
 * verdict line alone judges the run.
 *
 * A test function runs inside a catch point for any vector: an unexpected
 * exception ends that test with ERROR and the runner goes on with the next.
 * @{
 */
#ifndef HV_GUEST_TEST_H
#define HV_GUEST_TEST_H

#include <stdbool.h>
#include <stdint.h>

#include <hv/abi/shared.h>

/** Results of a test and of a run, from best to worst. */
enum hvg_result {
	HVG_SUCCESS = 0, /**< Every check held. */
	HVG_SKIP = 1,    /**< The test could not apply here. */
	HVG_ERROR = 2,   /**< An unexpected exception or a broken environment. */
	HVG_FAILURE = 3, /**< A check did not hold. */
};

/** One test of an image: what HVG_TEST() records. */
struct hvg_test {
	const char *name; /**< Printed in the results. */
	void (*fn)(void); /**< The test. */
	const char *file; /**< Source file, for the order of the run. */
	int line;         /**< Source line, for the order of the run. */
};

/**
 * @brief Define a test.
 *
 * The descriptor goes into the `hvg_tests` section, which the runtime's
 * linker script keeps whole; test sources are linked as objects, never from
 * a static library, so no test is dropped. The compiler may emit the
 * descriptors in any order, so the runner sorts them by file and line.
 * @param test_name An identifier, printed as the test's name.
 */
#define HVG_TEST(test_name)                                                                        \
	static void hvg_test_fn_##test_name(void);                                                 \
	static const struct hvg_test hvg_test_desc_##test_name                                     \
	        __attribute__((used, section("hvg_tests"), aligned(8))) = {                        \
	                .name = #test_name,                                                        \
	                .fn = hvg_test_fn_##test_name,                                             \
	                .file = __FILE__,                                                          \
	                .line = __LINE__,                                                          \
	};                                                                                         \
	static void hvg_test_fn_##test_name(void)

/** @brief Define `main()` as the test runner. */
#define HVG_TEST_MAIN()                                                                            \
	int main(const struct hv_start_info *si)                                                   \
	{                                                                                          \
		return hvg_test_main(si);                                                          \
	}

/**
 * @brief Check a condition; on failure the test fails and goes on.
 * @param cond The condition.
 */
#define HVG_CHECK(cond) hvg_test_check((cond), #cond, __FILE__, __LINE__)

/**
 * @brief Check a condition; on failure the test fails and ends at once.
 * @param cond The condition.
 */
#define HVG_REQUIRE(cond)                                                                          \
	do {                                                                                       \
		if (!hvg_test_check((cond), #cond, __FILE__, __LINE__)) {                          \
			hvg_test_end();                                                            \
		}                                                                                  \
	} while (0)

/**
 * @brief Check that two integers are equal, printing both if not.
 * @param a Actual value.
 * @param b Expected value.
 */
#define HVG_CHECK_EQ(a, b) hvg_test_check_eq((int64_t)(a), (int64_t)(b), #a, #b, __FILE__, __LINE__)

/**
 * @brief Record a check.
 * @param ok Whether it held.
 * @param what Its text.
 * @param file Source file.
 * @param line Source line.
 * @return @p ok.
 */
bool hvg_test_check(bool ok, const char *what, const char *file, int line);

/**
 * @brief Record an equality check.
 * @param a Actual value.
 * @param b Expected value.
 * @param a_text Text of @p a.
 * @param b_text Text of @p b.
 * @param file Source file.
 * @param line Source line.
 * @return Whether @p a equals @p b.
 */
bool hvg_test_check_eq(int64_t a, int64_t b, const char *a_text, const char *b_text,
                       const char *file, int line);

/**
 * @brief Fail the current test with a message, and go on.
 * @param fmt printf-style message.
 */
void hvg_test_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/**
 * @brief End the current test with ERROR.
 * @param fmt printf-style message.
 */
_Noreturn void hvg_test_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/**
 * @brief End the current test with SKIP (unless it already failed).
 * @param fmt printf-style reason.
 */
_Noreturn void hvg_test_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/** @brief End the current test now, keeping its result so far. */
_Noreturn void hvg_test_end(void);

/**
 * @brief Print a line of test output, indented under the test's name.
 * @param fmt printf-style message.
 */
void hvg_test_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/**
 * @brief Run every test of the image and end the domain.
 *
 * Sets up exception and event handling (hvg_trap_init()); if that fails
 * the verdict is ERROR. Prints the verdict line, then powers off.
 * @param si The start-info page.
 * @return Never returns.
 */
_Noreturn int hvg_test_main(const struct hv_start_info *si);

/**
 * @brief Print the verdict line for a result and power off.
 *
 * For kernels that do not use the runner (the containment witnesses and
 * offenders may print their own verdict).
 * @param result The run's result.
 */
_Noreturn void hvg_test_verdict(enum hvg_result result);

#endif /* HV_GUEST_TEST_H */
/** @} */
