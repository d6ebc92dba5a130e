/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the ELF64 image checker (libhv/core/elf.c). Images are built
 * in memory (elf_builder.h) and copied into a heap buffer of exactly their
 * size, so that AddressSanitizer catches any read past the image. Every
 * refusal is checked for its return code and its exact reason.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <hv/abi/errno.h>
#include "core/elf.h"
#include "elf_builder.h"

/* Largest image a test builds. */
#define MAX_IMAGE 0x4000

/*
 * Writes the image into a heap buffer of exactly its size, placed 'skew'
 * bytes past a malloc()ed (16-byte aligned) address, and checks it.
 */
static int check_skewed(const struct elf_builder *b, size_t skew, struct hv_elf_info *info,
                        const char **why)
{
	static unsigned char staging[MAX_IMAGE];
	size_t size = elf_builder_write(b, staging);
	unsigned char *buf = malloc(size + skew + 1);
	int rc;

	assert_non_null(buf);
	assert_true(size <= MAX_IMAGE);
	memcpy(buf + skew, staging, size);
	*why = "(not set)";
	rc = hv_elf_check(buf + skew, size, info, why);
	free(buf);
	return rc;
}

static int check(const struct elf_builder *b, struct hv_elf_info *info, const char **why)
{
	return check_skewed(b, 0, info, why);
}

static void expect_refused(const struct elf_builder *b, const char *reason)
{
	struct hv_elf_info info;
	const char *why;

	assert_int_equal(check(b, &info, &why), -HV_ENOEXEC);
	assert_non_null(why);
	assert_string_equal(why, reason);
}

static void expect_good(const struct elf_builder *b)
{
	struct hv_elf_info info;
	const char *why;
	int rc = check(b, &info, &why);

	if (rc != 0) {
		fail_msg("refused: %s", why);
	}
	assert_null(why);
}

static void assert_default_info(const struct hv_elf_info *info)
{
	assert_true(info->entry == EB_ENTRY);
	assert_true(info->lowest == EB_TEXT_VADDR);
	assert_true(info->highest == EB_DATA_VADDR + EB_DATA_MEMSZ);
	assert_int_equal(info->segment_count, 2);
	assert_true(info->segments[0].vaddr == EB_TEXT_VADDR);
	assert_true(info->segments[0].mem_size == EB_TEXT_MEMSZ);
	assert_true(info->segments[0].file_offset == EB_TEXT_OFFSET);
	assert_true(info->segments[0].file_size == EB_TEXT_FILESZ);
	assert_int_equal(info->segments[0].flags, EB_PF_R | EB_PF_X);
	assert_true(info->segments[1].vaddr == EB_DATA_VADDR);
	assert_true(info->segments[1].mem_size == EB_DATA_MEMSZ);
	assert_true(info->segments[1].file_offset == EB_DATA_OFFSET);
	assert_true(info->segments[1].file_size == EB_DATA_FILESZ);
	assert_int_equal(info->segments[1].flags, EB_PF_R | EB_PF_W);
}

static void test_good_image(void **state)
{
	struct elf_builder b;
	struct hv_elf_info info;
	const char *why;

	(void)state;
	elf_builder_default(&b);
	assert_int_equal(check(&b, &info, &why), 0);
	assert_null(why);
	assert_default_info(&info);
}

static void test_good_image_reversed_segments(void **state)
{
	struct elf_builder b;
	struct hv_elf_info info;
	const char *why;
	struct hv_elf64_phdr text;

	(void)state;
	elf_builder_default(&b);
	text = b.ph[0];
	b.ph[0] = b.ph[1];
	b.ph[1] = text;
	assert_int_equal(check(&b, &info, &why), 0);
	/* lowest and highest do not depend on the order. */
	assert_true(info.lowest == EB_TEXT_VADDR);
	assert_true(info.highest == EB_DATA_VADDR + EB_DATA_MEMSZ);
	assert_true(info.segments[0].vaddr == EB_DATA_VADDR);
	assert_true(info.entry == EB_ENTRY);
}

/* Headers that are not PT_LOAD, and PT_LOAD with no memory, are skipped whatever they hold. */
static void test_ignored_headers(void **state)
{
	struct elf_builder b;
	struct hv_elf_info info;
	const char *why;

	(void)state;
	elf_builder_default(&b);
	b.ph[2] = (struct hv_elf64_phdr){
	        .type = EB_PT_NOTE, .offset = UINT64_MAX, .filesz = UINT64_MAX};
	b.ph[3] = (struct hv_elf64_phdr){.type = EB_PT_NULL, .vaddr = UINT64_MAX, .memsz = 7};
	b.ph[4] =
	        (struct hv_elf64_phdr){.type = EB_PT_LOAD, .vaddr = 0xffffffff80000000, .memsz = 0};
	b.ph_count = 5;
	b.phnum = 5;
	assert_int_equal(check(&b, &info, &why), 0);
	assert_default_info(&info);
}

static void test_truncated_header(void **state)
{
	static const unsigned char bytes[64] = {0x7f, 'E', 'L', 'F', 2, 1, 1};
	struct hv_elf_info info;
	const char *why = NULL;

	(void)state;
	for (size_t size = 0; size < 64; size++) {
		unsigned char *buf = malloc(size + 1);

		assert_non_null(buf);
		memcpy(buf, bytes, size);
		assert_int_equal(hv_elf_check(buf, size, &info, &why), -HV_ENOEXEC);
		assert_string_equal(why, "image too small for an ELF header");
		free(buf);
	}
	assert_int_equal(hv_elf_check(NULL, 4096, &info, &why), -HV_ENOEXEC);
	assert_string_equal(why, "image too small for an ELF header");
}

static void test_bad_magic(void **state)
{
	struct elf_builder b;

	(void)state;
	for (size_t i = 0; i < 4; i++) {
		elf_builder_default(&b);
		b.ident[i] ^= 0x20;
		expect_refused(&b, "not an ELF image (bad magic)");
	}
}

static void test_bad_class(void **state)
{
	static const unsigned char classes[] = {0, 1, 3, 0xff};
	struct elf_builder b;

	(void)state;
	for (size_t i = 0; i < sizeof(classes); i++) {
		elf_builder_default(&b);
		b.ident[4] = classes[i];
		expect_refused(&b, "not a 64-bit ELF image");
	}
}

static void test_bad_data_encoding(void **state)
{
	struct elf_builder b;

	(void)state;
	elf_builder_default(&b);
	b.ident[5] = 2; /* big endian */
	expect_refused(&b, "not a little-endian ELF image");
	b.ident[5] = 0;
	expect_refused(&b, "not a little-endian ELF image");
}

static void test_bad_version(void **state)
{
	struct elf_builder b;

	(void)state;
	elf_builder_default(&b);
	b.ident[6] = 0;
	expect_refused(&b, "unknown ELF version");
	elf_builder_default(&b);
	b.ident[6] = 2;
	expect_refused(&b, "unknown ELF version");
	elf_builder_default(&b);
	b.version = 0;
	expect_refused(&b, "unknown ELF version");
	b.version = 2;
	expect_refused(&b, "unknown ELF version");
}

static void test_bad_machine(void **state)
{
	static const uint16_t machines[] = {0, 3 /* i386 */, 40 /* ARM */, 183 /* AArch64 */,
	                                    62 + 256};
	struct elf_builder b;

	(void)state;
	for (size_t i = 0; i < sizeof(machines) / sizeof(machines[0]); i++) {
		elf_builder_default(&b);
		b.machine = machines[i];
		expect_refused(&b, "not an x86-64 image");
	}
}

static void test_bad_type(void **state)
{
	static const uint16_t types[] = {0, 1 /* REL */, 3 /* DYN */, 4 /* CORE */, 2 + 256};
	struct elf_builder b;

	(void)state;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		elf_builder_default(&b);
		b.type = types[i];
		expect_refused(&b, "not an executable (ET_EXEC) image");
	}
}

static void test_bad_phentsize(void **state)
{
	static const uint16_t sizes[] = {0, 32, 55, 57, 64};
	struct elf_builder b;

	(void)state;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		elf_builder_default(&b);
		b.phentsize = sizes[i];
		expect_refused(&b, "bad program header size");
	}
}

static void test_phnum_zero(void **state)
{
	struct elf_builder b;

	(void)state;
	elf_builder_default(&b);
	b.phnum = 0;
	expect_refused(&b, "no program headers");
}

static void test_program_headers_outside_image(void **state)
{
	static const uint64_t phoffs[] = {
	        EB_FILE_SIZE,                    /* just past the end */
	        EB_FILE_SIZE - EB_PHDR_SIZE + 1, /* the first one sticks out by a byte */
	        EB_FILE_SIZE + 1,
	        UINT64_MAX - EB_PHDR_SIZE + 1, /* phoff + size wraps around */
	        UINT64_MAX,
	        UINT64_C(1) << 63,
	};
	struct elf_builder b;

	(void)state;
	for (size_t i = 0; i < sizeof(phoffs) / sizeof(phoffs[0]); i++) {
		elf_builder_default(&b);
		b.phoff = phoffs[i];
		expect_refused(&b, "program headers lie outside the image");
	}
	/* The last of several headers sticks out. */
	elf_builder_default(&b);
	b.phoff = EB_FILE_SIZE - 2 * EB_PHDR_SIZE + 8;
	expect_refused(&b, "program headers lie outside the image");
	/* More headers than the file can hold. */
	elf_builder_default(&b);
	b.phnum = 0xffff;
	expect_refused(&b, "program headers lie outside the image");

	/* Exactly at the end is fine. */
	elf_builder_default(&b);
	b.phoff = EB_FILE_SIZE - 2 * EB_PHDR_SIZE;
	expect_good(&b);
}

static void test_segment_data_outside_image(void **state)
{
	struct elf_builder b;

	(void)state;
	/* One byte past the end. */
	elf_builder_default(&b);
	b.ph[1].filesz = EB_FILE_SIZE - EB_DATA_OFFSET + 1;
	expect_refused(&b, "segment data lies outside the image");
	/* Offset past the end. */
	elf_builder_default(&b);
	b.ph[1].offset = EB_FILE_SIZE + 1;
	b.ph[1].filesz = 0;
	expect_refused(&b, "segment data lies outside the image");
	/* offset + filesz wraps around. */
	elf_builder_default(&b);
	b.ph[0].offset = UINT64_MAX - 0x10;
	b.ph[0].filesz = 0x20;
	expect_refused(&b, "segment data lies outside the image");
	elf_builder_default(&b);
	b.ph[0].offset = 0x100;
	b.ph[0].filesz = UINT64_MAX;
	b.ph[0].memsz = UINT64_MAX;
	expect_refused(&b, "segment data lies outside the image");
	/* A truncated file cuts the text segment. */
	elf_builder_default(&b);
	b.file_size = EB_TEXT_OFFSET + EB_TEXT_FILESZ - 1;
	expect_refused(&b, "segment data lies outside the image");

	/* Ending exactly at the end of the file, or empty at the end, is fine. */
	elf_builder_default(&b);
	b.ph[1].filesz = EB_FILE_SIZE - EB_DATA_OFFSET;
	expect_good(&b);
	b.ph[1].offset = EB_FILE_SIZE;
	b.ph[1].filesz = 0;
	expect_good(&b);
}

static void test_filesz_above_memsz(void **state)
{
	struct elf_builder b;

	(void)state;
	elf_builder_default(&b);
	b.ph[1].memsz = EB_DATA_FILESZ - 1;
	expect_refused(&b, "segment file size exceeds its memory size");
	/* Even with no memory at all. */
	b.ph[1].memsz = 0;
	expect_refused(&b, "segment file size exceeds its memory size");
	b.ph[1].memsz = EB_DATA_FILESZ;
	expect_good(&b);
}

static void test_segment_in_hypervisor_half(void **state)
{
	static const uint64_t vaddrs[] = {HV_ELF_GUEST_LIMIT, UINT64_C(0xffff800000000000),
	                                  UINT64_C(0xffffffff80000000), UINT64_MAX - 0xfff};
	struct elf_builder b;

	(void)state;
	for (size_t i = 0; i < sizeof(vaddrs) / sizeof(vaddrs[0]); i++) {
		elf_builder_default(&b);
		b.ph[1].vaddr = vaddrs[i];
		expect_refused(&b, "segment lies outside the guest address range");
	}
	/* Starts in the guest half and runs into the hypervisor's. */
	elf_builder_default(&b);
	b.ph[1].vaddr = HV_ELF_GUEST_LIMIT - 0x1000;
	b.ph[1].memsz = 0x1001;
	expect_refused(&b, "segment lies outside the guest address range");
	/* Ends exactly at the limit: fine. */
	b.ph[1].memsz = 0x1000;
	expect_good(&b);
}

static void test_segment_at_address_zero(void **state)
{
	struct elf_builder b;
	struct hv_elf_info info;
	const char *why;

	(void)state;
	elf_builder_default(&b);
	b.ph[0].vaddr = 0;
	b.entry = 0x10;
	expect_refused(&b, "segment lies outside the guest address range");
	b.ph[0].vaddr = HV_ELF_GUEST_MIN - 1;
	expect_refused(&b, "segment lies outside the guest address range");
	/* The first page above zero is the lowest allowed. */
	b.ph[0].vaddr = HV_ELF_GUEST_MIN;
	b.entry = HV_ELF_GUEST_MIN;
	assert_int_equal(check(&b, &info, &why), 0);
	assert_true(info.lowest == HV_ELF_GUEST_MIN);
}

static void test_segment_wraps_around(void **state)
{
	struct elf_builder b;

	(void)state;
	elf_builder_default(&b);
	b.ph[1].memsz = UINT64_MAX - EB_DATA_VADDR + 2; /* vaddr + memsz wraps to 1 */
	expect_refused(&b, "segment lies outside the guest address range");
	b.ph[1].memsz = UINT64_MAX - EB_DATA_VADDR + 1; /* wraps to exactly 0 */
	expect_refused(&b, "segment lies outside the guest address range");
	b.ph[1].memsz = UINT64_MAX;
	expect_refused(&b, "segment lies outside the guest address range");
}

static void test_overlapping_segments(void **state)
{
	struct elf_builder b;

	(void)state;
	/* The data segment starts one byte inside the text segment. */
	elf_builder_default(&b);
	b.ph[1].vaddr = EB_TEXT_VADDR + EB_TEXT_MEMSZ - 1;
	expect_refused(&b, "loadable segments overlap");
	/* Identical ranges. */
	elf_builder_default(&b);
	b.ph[1].vaddr = EB_TEXT_VADDR;
	expect_refused(&b, "loadable segments overlap");
	/* One inside the other, either way round. */
	elf_builder_default(&b);
	b.ph[1].vaddr = EB_TEXT_VADDR + 0x100;
	b.ph[1].memsz = 0x100;
	b.ph[1].filesz = 0x100;
	expect_refused(&b, "loadable segments overlap");
	elf_builder_default(&b);
	b.ph[1].vaddr = EB_TEXT_VADDR - 0x1000;
	b.ph[1].memsz = 0x4000;
	expect_refused(&b, "loadable segments overlap");
	/* Overlap with the first of three segments, found from the third. */
	elf_builder_default(&b);
	eb_set_load(&b, 2, EB_PF_R, 0, EB_TEXT_VADDR + EB_TEXT_MEMSZ - 8, 0, 0x10);
	expect_refused(&b, "loadable segments overlap");

	/* Adjacent is not overlapping. */
	elf_builder_default(&b);
	b.ph[1].vaddr = EB_TEXT_VADDR + EB_TEXT_MEMSZ;
	expect_good(&b);
}

/* 'count' adjacent executable segments of one page each, starting at the text address. */
static void many_segments(struct elf_builder *b, size_t count)
{
	elf_builder_default(b);
	for (size_t i = 0; i < count; i++) {
		eb_set_load(b, i, EB_PF_R | EB_PF_X, 0, EB_TEXT_VADDR + i * 0x1000, 0, 0x1000);
	}
}

static void test_too_many_segments(void **state)
{
	struct elf_builder b;
	struct hv_elf_info info;
	const char *why;

	(void)state;
	many_segments(&b, HV_ELF_MAX_SEGMENTS);
	assert_int_equal(check(&b, &info, &why), 0);
	assert_int_equal(info.segment_count, HV_ELF_MAX_SEGMENTS);
	assert_true(info.highest == EB_TEXT_VADDR + (uint64_t)HV_ELF_MAX_SEGMENTS * 0x1000);

	many_segments(&b, HV_ELF_MAX_SEGMENTS + 1);
	expect_refused(&b, "too many loadable segments");

	/* Headers that load nothing do not count. */
	many_segments(&b, HV_ELF_MAX_SEGMENTS);
	b.ph[HV_ELF_MAX_SEGMENTS] = (struct hv_elf64_phdr){.type = EB_PT_NOTE};
	b.ph[HV_ELF_MAX_SEGMENTS + 1] = (struct hv_elf64_phdr){.type = EB_PT_LOAD, .memsz = 0};
	b.ph_count = HV_ELF_MAX_SEGMENTS + 2;
	b.phnum = (uint16_t)b.ph_count;
	expect_good(&b);
}

static void test_no_loadable_segments(void **state)
{
	struct elf_builder b;

	(void)state;
	elf_builder_default(&b);
	b.ph[0].type = EB_PT_NOTE;
	b.ph[1].type = EB_PT_NULL;
	expect_refused(&b, "no loadable segments");
	elf_builder_default(&b);
	b.ph[0].memsz = 0;
	b.ph[0].filesz = 0;
	b.ph[1].memsz = 0;
	b.ph[1].filesz = 0;
	expect_refused(&b, "no loadable segments");
}

static void test_entry_outside_executable_segments(void **state)
{
	static const uint64_t entries[] = {
	        0,
	        EB_TEXT_VADDR - 1,
	        EB_TEXT_VADDR + EB_TEXT_MEMSZ, /* one past the end */
	        UINT64_C(0x500000),
	        UINT64_MAX,
	};
	struct elf_builder b;

	(void)state;
	for (size_t i = 0; i < sizeof(entries) / sizeof(entries[0]); i++) {
		elf_builder_default(&b);
		b.entry = entries[i];
		expect_refused(&b, "entry point is not inside an executable segment");
	}
	/* The first and the last byte of the text segment are fine. */
	b.entry = EB_TEXT_VADDR;
	expect_good(&b);
	b.entry = EB_TEXT_VADDR + EB_TEXT_MEMSZ - 1;
	expect_good(&b);
}

static void test_entry_in_non_executable_segment(void **state)
{
	struct elf_builder b;

	(void)state;
	elf_builder_default(&b);
	b.entry = EB_DATA_VADDR + 8;
	expect_refused(&b, "entry point is not inside an executable segment");
	/* The text segment without PF_X: nothing is executable. */
	elf_builder_default(&b);
	b.ph[0].flags = EB_PF_R;
	expect_refused(&b, "entry point is not inside an executable segment");
	/* Making the data segment executable makes the entry good. */
	elf_builder_default(&b);
	b.entry = EB_DATA_VADDR + 8;
	b.ph[1].flags |= EB_PF_X;
	expect_good(&b);
}

static void test_unaligned_image(void **state)
{
	struct elf_builder b;
	struct hv_elf_info info;
	const char *why;

	(void)state;
	elf_builder_default(&b);
	for (size_t skew = 1; skew < 8; skew++) {
		assert_int_equal(check_skewed(&b, skew, &info, &why), 0);
		assert_null(why);
		assert_default_info(&info);
	}
	/* Refusals read the image just as carefully. */
	b.ph[1].vaddr = EB_TEXT_VADDR;
	assert_int_equal(check_skewed(&b, 3, &info, &why), -HV_ENOEXEC);
	assert_string_equal(why, "loadable segments overlap");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_good_image),
	        cmocka_unit_test(test_good_image_reversed_segments),
	        cmocka_unit_test(test_ignored_headers),
	        cmocka_unit_test(test_truncated_header),
	        cmocka_unit_test(test_bad_magic),
	        cmocka_unit_test(test_bad_class),
	        cmocka_unit_test(test_bad_data_encoding),
	        cmocka_unit_test(test_bad_version),
	        cmocka_unit_test(test_bad_machine),
	        cmocka_unit_test(test_bad_type),
	        cmocka_unit_test(test_bad_phentsize),
	        cmocka_unit_test(test_phnum_zero),
	        cmocka_unit_test(test_program_headers_outside_image),
	        cmocka_unit_test(test_segment_data_outside_image),
	        cmocka_unit_test(test_filesz_above_memsz),
	        cmocka_unit_test(test_segment_in_hypervisor_half),
	        cmocka_unit_test(test_segment_at_address_zero),
	        cmocka_unit_test(test_segment_wraps_around),
	        cmocka_unit_test(test_overlapping_segments),
	        cmocka_unit_test(test_too_many_segments),
	        cmocka_unit_test(test_no_loadable_segments),
	        cmocka_unit_test(test_entry_outside_executable_segments),
	        cmocka_unit_test(test_entry_in_non_executable_segment),
	        cmocka_unit_test(test_unaligned_image),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
