/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the boot-time memory set-up, hv_boot_mem_init()
 * (libhv/core/bootmem.c), over the fake port's RAM: where the frame table
 * goes, and that exactly the usable RAM outside the port's reserved ranges,
 * the boot modules and the table itself is donated, page by page.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <hv/abi/errno.h>
#include <hv/log.h>
#include <hv/mem.h>
#include "core/boot.h"
#include "fake_port.h"

#define RAM_FRAMES   (FAKE_RAM_SIZE / HV_PAGE_SIZE)
#define PAGES(bytes) (((bytes) + HV_PAGE_SIZE - 1) / HV_PAGE_SIZE)

static struct hv_boot_info boot;
static struct hv_mem mem;

static int setup(void **state)
{
	(void)state;
	fake_port_reset();
	hv_log_set_level(HV_LOG_INFO);
	fake_boot_init(&boot);
	memset(&mem, 0, sizeof(mem));
	return 0;
}

/* Frames of the table and of the module's state for a table of 'frames' entries. */
static uint64_t table_pages(uint64_t frames, const struct hv_mem_ops *ops)
{
	return PAGES(frames * sizeof(struct hv_frame)) + PAGES(ops->priv_size);
}

/* Checks that frames [first, first + count) are (or are not) free RAM. */
static void assert_frames(hv_pfn_t first, uint64_t count, bool free)
{
	for (hv_pfn_t pfn = first; pfn < first + count; pfn++) {
		const struct hv_frame *f = hv_mem_frame(&mem, pfn);

		assert_non_null(f);
		if ((f->owner == HV_DOMID_FREE) != free) {
			fail_msg("frame %#llx: owner %#x, expected %s", (unsigned long long)pfn,
			         f->owner, free ? "free" : "not RAM");
		}
	}
}

static void test_table_after_reserved_low_memory(void **state)
{
	uint64_t table = table_pages(RAM_FRAMES, &hv_mem_buddy);
	char want[160];

	(void)state;
	assert_int_equal(hv_boot_mem_init(&mem, &hv_mem_buddy, &boot), 0);
	assert_int_equal(mem.frame_count, RAM_FRAMES);
	/* The table is the first free range that fits: right after the low 1 MiB. */
	assert_ptr_equal(mem.frames, fake_ram(0x100000));
	assert_ptr_equal(mem.priv, fake_ram(0x100000 + PAGES(RAM_FRAMES * 24) * HV_PAGE_SIZE));
	assert_true(hv_mem_free_count(&mem) == RAM_FRAMES - 256 - table);
	assert_frames(0, 256, false);
	assert_frames(256, table, false);
	assert_frames(256 + table, RAM_FRAMES - 256 - table, true);
	assert_int_equal(hv_mem_buddy_verify(&mem), 0);
	snprintf(want, sizeof(want),
	         "hv: memory: %u frames in the table at 0x100000 (384 KiB), %llu MiB free, "
	         "module 'buddy'\n",
	         (unsigned int)RAM_FRAMES,
	         (unsigned long long)(((RAM_FRAMES - 256 - table) * HV_PAGE_SIZE) >> 20));
	assert_string_equal(fake_console_text(), want);
}

static void test_modules_are_not_donated(void **state)
{
	static const unsigned char data[5000] = {1};
	uint64_t table = table_pages(RAM_FRAMES, &hv_mem_buddy);

	(void)state;
	/* One module right where the table would go, one not page aligned. */
	fake_boot_add_module(&boot, 0x100000, data, sizeof(data), "m1");
	fake_boot_add_module(&boot, 0x300800, data, 0x1000, "m2");
	assert_int_equal(hv_boot_mem_init(&mem, &hv_mem_buddy, &boot), 0);
	/* The table goes after the first module (two pages). */
	assert_ptr_equal(mem.frames, fake_ram(0x102000));
	assert_frames(0x100, 2, false);
	assert_frames(0x102, table, false);
	assert_frames(0x102 + table, 0x300 - 0x102 - table, true);
	assert_frames(0x300, 2, false); /* the page the module starts in, and the next */
	assert_frames(0x302, RAM_FRAMES - 0x302, true);
	assert_true(hv_mem_free_count(&mem) == RAM_FRAMES - 256 - 2 - table - 2);
	/* The modules' bytes were not touched. */
	assert_int_equal(*(unsigned char *)fake_ram(0x100000), 1);
	assert_int_equal(*(unsigned char *)fake_ram(0x300800), 1);
	assert_int_equal(hv_mem_buddy_verify(&mem), 0);
}

static void test_unaligned_regions_and_holes(void **state)
{
	static const struct hv_mem_region regions[] = {
	        {.base = 0x1800, .size = 0x8000, .type = HV_MEM_REGION_USABLE}, /* 0x1800-0x9800 */
	        {.base = 0xa0000, .size = 0x60000, .type = HV_MEM_REGION_RESERVED},
	        {.base = 0x100000, .size = 0x100000, .type = HV_MEM_REGION_ACPI},
	        {.base = 0x200000, .size = 0x600000, .type = HV_MEM_REGION_USABLE},
	        {.base = 0x800000, .size = 0x1000, .type = HV_MEM_REGION_BAD},
	};
	const uint64_t frames = 0x800;
	uint64_t table = table_pages(frames, &hv_mem_static);

	(void)state;
	boot.regions = regions;
	boot.region_count = 5;
	boot.reserved_count = 0;
	assert_int_equal(hv_boot_mem_init(&mem, &hv_mem_static, &boot), 0);
	assert_int_equal(mem.frame_count, frames); /* up to the end of usable RAM only */
	/* Partial pages at both ends of the first region are left out. */
	assert_frames(0, 2, false);
	assert_frames(2, 7, true);
	assert_frames(9, 0x200 - 9, false);
	/* The table did not fit in the first region: it is at 2 MiB. */
	assert_ptr_equal(mem.frames, fake_ram(0x200000));
	assert_frames(0x200, table, false);
	assert_frames(0x200 + table, 0x800 - 0x200 - table, true);
	assert_true(hv_mem_free_count(&mem) == 7 + 0x600 - table);
	assert_true(fake_console_contains("module 'static'\n"));
}

static void test_no_usable_ram(void **state)
{
	static const struct hv_mem_region regions[] = {
	        {.base = 0, .size = 0x100000, .type = HV_MEM_REGION_RESERVED},
	        {.base = 0x100000, .size = 0x100000, .type = HV_MEM_REGION_ACPI},
	};

	(void)state;
	boot.regions = regions;
	boot.region_count = 2;
	assert_int_equal(hv_boot_mem_init(&mem, &hv_mem_buddy, &boot), -HV_ENOMEM);
	assert_string_equal(fake_console_text(),
	                    "hv: error: memory: the boot memory map lists no usable RAM\n");
	boot.region_count = 0;
	assert_int_equal(hv_boot_mem_init(&mem, &hv_mem_buddy, &boot), -HV_ENOMEM);
}

static void test_no_room_for_the_table(void **state)
{
	/* Everything but scattered 64 KiB holes is reserved. */
	static const struct hv_mem_region reserved[] = {
	        {.base = 0, .size = 0x1000000},
	        {.base = 0x1010000, .size = 0x1000000},
	        {.base = 0x2020000, .size = FAKE_RAM_SIZE - 0x2020000 - 0x10000},
	};
	uint64_t table = table_pages(RAM_FRAMES, &hv_mem_buddy);
	char want[128];

	(void)state;
	boot.reserved = reserved;
	boot.reserved_count = 3;
	assert_int_equal(hv_boot_mem_init(&mem, &hv_mem_buddy, &boot), -HV_ENOMEM);
	snprintf(want, sizeof(want),
	         "hv: error: memory: no free range of %llu KiB for the frame table\n",
	         (unsigned long long)table * 4);
	assert_string_equal(fake_console_text(), want);
}

static void test_bad_memory_module(void **state)
{
	struct hv_mem_ops bad = hv_mem_buddy;

	(void)state;
	bad.api_version = HV_MEM_API_VERSION + 1;
	assert_int_equal(hv_boot_mem_init(&mem, &bad, &boot), -HV_EINVAL);
	assert_true(fake_console_contains("hv: error: mem: module buddy implements API version"));
	assert_false(fake_console_contains("frames in the table"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup(test_table_after_reserved_low_memory, setup),
	        cmocka_unit_test_setup(test_modules_are_not_donated, setup),
	        cmocka_unit_test_setup(test_unaligned_regions_and_holes, setup),
	        cmocka_unit_test_setup(test_no_usable_ram, setup),
	        cmocka_unit_test_setup(test_no_room_for_the_table, setup),
	        cmocka_unit_test_setup(test_bad_memory_module, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
