/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of hv_strerror(): every HV_E* code has its own name. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include <hv/abi/errno.h>
#include <hv/log.h>

static const int codes[] = {HV_EPERM,  HV_ENOENT, HV_EIO,    HV_E2BIG,  HV_ENOEXEC,
                            HV_EAGAIN, HV_ENOMEM, HV_EFAULT, HV_EBUSY,  HV_EEXIST,
                            HV_EINVAL, HV_ENOSPC, HV_ERANGE, HV_ENOSYS, HV_EALREADY};

static void test_known_codes_named(void **state)
{
	(void)state;
	assert_string_equal(hv_strerror(0), "success");
	assert_string_equal(hv_strerror(-HV_EBUSY), "HV_EBUSY (object is in use)");
	assert_string_equal(hv_strerror(-HV_ENOMEM),
	                    "HV_ENOMEM (out of memory or over the reservation)");
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		const char *name = hv_strerror(-codes[i]);

		assert_string_not_equal(name, "unknown error");
		assert_memory_equal(name, "HV_E", 4);
		/* Names are distinct. */
		for (size_t j = 0; j < i; j++) {
			assert_string_not_equal(name, hv_strerror(-codes[j]));
		}
	}
}

static void test_unknown_codes(void **state)
{
	(void)state;
	assert_string_equal(hv_strerror(HV_EBUSY), "unknown error"); /* not negated */
	assert_string_equal(hv_strerror(-3), "unknown error");
	assert_string_equal(hv_strerror(-1000), "unknown error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_known_codes_named),
	        cmocka_unit_test(test_unknown_codes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
