/* SPDX-License-Identifier: Apache-2.0 */
/*
 * console_write with good and hostile arguments. A bad buffer must come
 * back as an error (or, for a buffer that runs into unmapped memory, at most
 * the readable part), never as a hypervisor fault, and never as bytes read
 * from memory the guest cannot read itself.
 */
#include <hv/guest/guest.h>
#include <hv/guest/probe.h>
#include <hv/guest/test.h>

#include "probes.h"

/* 64 lines of 64 bytes: what a clamped 4096-byte write prints. */
#define FILLER_LINES 128
static char filler[FILLER_LINES * 64] __attribute__((aligned(4096)));

/* Two pages, so that a string can straddle the boundary between them. */
static char two_pages[8192] __attribute__((aligned(4096)));

static void make_filler(void)
{
	for (size_t i = 0; i < FILLER_LINES; i++) {
		char *line = filler + i * 64;
		int n = hvg_snprintf(line, 64, "filler line %03zu of a clamped console write ", i);

		for (int j = n; j < 63; j++) {
			line[j] = '.';
		}
		line[63] = '\n';
	}
}

static int64_t write_raw(uint64_t buf, uint64_t len)
{
	return hvg_hypercall6(HV_HC_CONSOLE_WRITE, buf, len, 0, 0, 0, 0);
}

HVG_TEST(good_write)
{
	static const char msg[] = "a good console_write\n";

	HVG_CHECK_EQ(hvg_console_write(msg, sizeof(msg) - 1), sizeof(msg) - 1);
	/* Stray values in the unused argument registers change nothing. */
	HVG_CHECK_EQ(hvg_hypercall6(HV_HC_CONSOLE_WRITE, tg_addr(msg), sizeof(msg) - 1, ~0ull,
	                            ~0ull, ~0ull, ~0ull),
	             sizeof(msg) - 1);
}

HVG_TEST(zero_length)
{
	HVG_CHECK_EQ(hvg_console_write("x", 0), 0);
}

HVG_TEST(unaligned_and_straddling)
{
	static const char msg[] = "xan unaligned console_write\n";
	static const char cross[] = "a console_write across a page boundary\n";
	uint64_t start = 4096 - 7;

	HVG_CHECK_EQ(hvg_console_write(msg + 1, sizeof(msg) - 2), sizeof(msg) - 2);
	for (size_t i = 0; i < sizeof(cross) - 1; i++) {
		two_pages[start + i] = cross[i];
	}
	HVG_CHECK_EQ(hvg_console_write(two_pages + start, sizeof(cross) - 1), sizeof(cross) - 1);
}

HVG_TEST(from_read_only_start_info)
{
	const struct hv_start_info *si = hvg_start_info();
	size_t len = 0;

	while (len < sizeof(si->name) && si->name[len] != '\0') {
		len++;
	}
	HVG_CHECK_EQ(hvg_console_write(si->name, len), len);
	HVG_CHECK_EQ(hvg_console_write("\n", 1), 1);
}

HVG_TEST(null_pointer)
{
	int64_t rc;

	HVG_CHECK_EQ(write_raw(0, 8), -HV_EFAULT);
	HVG_CHECK_EQ(write_raw(1, 1), -HV_EFAULT);
	rc = write_raw(0, 0);
	hvg_test_note("console_write(NULL, 0) = %lld", (long long)rc);
	HVG_CHECK(rc == 0 || rc == -HV_EFAULT);
}

HVG_TEST(unmapped_guest_memory)
{
	const struct hv_start_info *si = hvg_start_info();
	uint64_t guard = si->stack_top - si->stack_size - 16;

	HVG_CHECK_EQ(write_raw(TG_UNMAPPED, 16), -HV_EFAULT);
	HVG_CHECK_EQ(write_raw(0x1000, 16), -HV_EFAULT);
	/* The guard page below the initial stack is not mapped. */
	HVG_CHECK_EQ(write_raw(guard, 8), -HV_EFAULT);
}

/* The first unreadable address at or after the end of the free memory. */
static uint64_t find_mapping_end(void)
{
	const struct hv_start_info *si = hvg_start_info();
	uint64_t a = si->mem_start + si->mem_size;

	for (int i = 0; i < 64; i++, a += 4096) {
		struct hvg_fault f;

		HVG_CATCH_FAULT(HVG_VEC_PF, &f, tg_read8(a));
		if (f.happened) {
			return a;
		}
	}
	return 0;
}

HVG_TEST(runs_into_unmapped_memory)
{
	uint64_t end = find_mapping_end();
	int64_t rc;

	if (end == 0) {
		hvg_test_skip("no unmapped page within 64 pages of the free memory's end");
	}
	/* Only the first 8 bytes are readable: all or nothing, or just those 8. */
	rc = write_raw(end - 8, 16);
	hvg_test_note("console_write(end of mapping - 8, 16) = %lld", (long long)rc);
	HVG_CHECK(rc == -HV_EFAULT || (rc >= 0 && rc <= 8));
	if (rc > 0) {
		HVG_CHECK_EQ(hvg_console_write("\n", 1), 1);
	}
}

HVG_TEST(hypervisor_half)
{
	HVG_CHECK_EQ(write_raw(TG_HV_IMAGE, 16), -HV_EFAULT);
	HVG_CHECK_EQ(write_raw(TG_HV_HALF_START, 16), -HV_EFAULT);
	HVG_CHECK_EQ(write_raw(TG_HV_HALF_START + 0x100000, 16), -HV_EFAULT);
	HVG_CHECK_EQ(write_raw(0xfffffffffffff000ull, 16), -HV_EFAULT);
	HVG_CHECK_EQ(write_raw(TG_NONCANONICAL, 16), -HV_EFAULT);
	HVG_CHECK_EQ(write_raw(TG_NONCANONICAL_2, 16), -HV_EFAULT);
	/* A range that starts in the guest half and ends beyond it. */
	HVG_CHECK_EQ(write_raw(TG_NONCANONICAL - 8, 16), -HV_EFAULT);
}

HVG_TEST(length_overflow)
{
	int64_t rc;

	/* buf + len wraps around to a small address. */
	rc = write_raw(tg_addr(filler), UINT64_MAX - tg_addr(filler) + 2);
	hvg_test_note("console_write(buf, len wrapping to 1) = %lld", (long long)rc);
	HVG_CHECK(rc == -HV_EFAULT || rc == -HV_EINVAL || rc == 4096);
	rc = write_raw(tg_addr(filler), UINT64_MAX);
	hvg_test_note("console_write(buf, UINT64_MAX) = %lld", (long long)rc);
	HVG_CHECK(rc == -HV_EFAULT || rc == -HV_EINVAL || rc == 4096);
	/* An unmapped start with a wrapping length must not read from address 0 up. */
	HVG_CHECK(write_raw(UINT64_MAX - 7, 16) < 0);
}

HVG_TEST(huge_length)
{
	int64_t rc;

	rc = write_raw(tg_addr(filler), 1ull << 40);
	hvg_test_note("console_write(buf, 2^40) = %lld", (long long)rc);
	HVG_CHECK(rc == 4096 || rc == -HV_EINVAL);
	rc = write_raw(tg_addr(filler), 4097);
	HVG_CHECK_EQ(rc, 4096);
	/* The helper loops until everything is out. */
	HVG_CHECK_EQ(hvg_console_write_all(filler, 4096 + 64), 4096 + 64);
}

HVG_TEST(printf_formats)
{
	char buf[64];

	HVG_CHECK_EQ(hvg_snprintf(buf, sizeof(buf), "%d %x %s %5.2s|%-3c|", -42, 0xbeefu, "ok",
	                          "abc", 'z'),
	             22);
	HVG_CHECK(buf[0] == '-' && buf[21] == '|' && buf[22] == '\0');
	HVG_CHECK(hvg_printf("printf in a guest: %d %#llx %s\n", 7, 0x1234ull, "done") > 0);
}

static int setup(void)
{
	make_filler();
	return 0;
}

int main(const struct hv_start_info *si)
{
	setup();
	return hvg_test_main(si);
}
