/* SPDX-License-Identifier: Apache-2.0 */
/*
 * set_trap_table, set_callbacks and stack_switch with bad arguments: each
 * is refused with an error and changes nothing, which the test sees by
 * raising #UD afterwards and checking which entry stub received it (every
 * stub knows its own vector). Each test ends by registering the runtime's
 * handling again.
 */
#include <hv/guest/guest.h>
#include <hv/guest/test.h>

#include "probes.h"

static struct hv_trap_info table[HV_TRAP_VECTORS + 2];

static void fill_table(void)
{
	for (unsigned int v = 0; v < HV_TRAP_VECTORS; v++) {
		table[v] = (struct hv_trap_info){
		        .address = hvg_entry_table[v],
		        .vector = (uint8_t)v,
		        .flags = HV_TRAP_F_MASK_EVENTS,
		};
	}
}

/* #UD must still arrive through the stub registered for vector `entry`. */
static void check_ud_entry(uint64_t entry, const char *after)
{
	struct hvg_fault f;

	HVG_CATCH_FAULT(HVG_VEC_UD, &f, tg_ud2());
	if (!f.happened || f.vector != HVG_VEC_UD || f.entry != entry) {
		hvg_test_fail(
		        "after %s: #UD happened %d, vector %llu via entry %llu (expected %llu)",
		        after, f.happened, (unsigned long long)f.vector,
		        (unsigned long long)f.entry, (unsigned long long)entry);
	}
}

static void restore(void)
{
	int rc = hvg_trap_init();

	if (rc != 0) {
		hvg_test_error("registering the runtime's handlers again failed: %d", rc);
	}
}

static void check_refused(int rc, const char *what)
{
	if (rc != -HV_EINVAL && rc != -HV_EFAULT && rc != -HV_E2BIG) {
		hvg_test_fail("%s: returned %d, expected an error", what, rc);
	}
}

HVG_TEST(table_replaced)
{
	/* Vector 6 through vector 3's stub: the new table is in force... */
	fill_table();
	table[HVG_VEC_UD].address = hvg_entry_table[HVG_VEC_BP];
	HVG_REQUIRE(hvg_set_trap_table(table, HV_TRAP_VECTORS) == 0);
	hvg_test_note("the runtime warns below that #UD came through #BP's entry: expected");
	check_ud_entry(HVG_VEC_BP, "remapping #UD");
	/* ...and a table naming only #UD removes every other handler. */
	fill_table();
	HVG_REQUIRE(hvg_set_trap_table(&table[HVG_VEC_UD], 1) == 0);
	check_ud_entry(HVG_VEC_UD, "a one-entry table");
	restore();
	check_ud_entry(HVG_VEC_UD, "restoring");
}

HVG_TEST(table_bad_count)
{
	fill_table();
	check_refused(hvg_set_trap_table(table, HV_TRAP_VECTORS + 1), "33 entries");
	check_refused(hvg_set_trap_table(table, 1000), "1000 entries");
	check_refused(hvg_set_trap_table(table, UINT64_MAX), "UINT64_MAX entries");
	check_refused(hvg_set_trap_table(table, 1ull << 60), "2^60 entries");
	check_ud_entry(HVG_VEC_UD, "bad counts");
}

HVG_TEST(table_bad_entries)
{
	static const struct {
		const char *what;
		unsigned int index;
		struct hv_trap_info entry;
	} bad[] = {
	        {"vector 32", 20, {.address = 0x400000, .vector = 32}},
	        {"vector 255", 20, {.address = 0x400000, .vector = 255}},
	        {"non-zero pad", 20, {.address = 0x400000, .vector = 20, .pad = {0, 0, 1}}},
	        {"unknown flags", 20, {.address = 0x400000, .vector = 20, .flags = 0x80}},
	        {"hypervisor-half handler", 20, {.address = TG_HV_IMAGE, .vector = 20}},
	        {"direct-map handler", 20, {.address = TG_HV_HALF_START, .vector = 20}},
	        {"non-canonical handler", 20, {.address = TG_NONCANONICAL, .vector = 20}},
	        {"non-canonical handler 2", 20, {.address = TG_NONCANONICAL_2, .vector = 20}},
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		fill_table();
		/* #UD goes through #BP's stub in the table, so applying any part
		 * of it would show. */
		table[HVG_VEC_UD].address = hvg_entry_table[HVG_VEC_BP];
		table[bad[i].index] = bad[i].entry;
		check_refused(hvg_set_trap_table(table, HV_TRAP_VECTORS), bad[i].what);
		check_ud_entry(HVG_VEC_UD, bad[i].what);
	}
	restore();
}

HVG_TEST(table_bad_pointer)
{
	const struct hv_start_info *si = hvg_start_info();

	check_refused(hvg_set_trap_table(NULL, 1), "NULL table");
	check_refused(hvg_set_trap_table((const struct hv_trap_info *)TG_UNMAPPED, 1),
	              "unmapped table");
	check_refused(hvg_set_trap_table((const struct hv_trap_info *)TG_HV_IMAGE, 1),
	              "hypervisor-half table");
	check_refused(hvg_set_trap_table((const struct hv_trap_info *)TG_HV_HALF_START, 4),
	              "direct-map table");
	check_refused(hvg_set_trap_table((const struct hv_trap_info *)(TG_NONCANONICAL - 16), 2),
	              "table running out of the guest half");
	/* A table whose end runs into the guard page below the stack. */
	check_refused(
	        hvg_set_trap_table(
	                (const struct hv_trap_info *)(si->stack_top - si->stack_size - 16), 2),
	        "table running into the stack guard");
	check_ud_entry(HVG_VEC_UD, "bad table pointers");
}

HVG_TEST(table_unaligned)
{
	static unsigned char raw[sizeof(table) + 1];

	/* Alignment is the guest's business: an unaligned table works. */
	fill_table();
	__builtin_memcpy(raw + 1, table, sizeof(struct hv_trap_info) * HV_TRAP_VECTORS);
	HVG_CHECK_EQ(hvg_set_trap_table((const struct hv_trap_info *)(raw + 1), HV_TRAP_VECTORS),
	             0);
	check_ud_entry(HVG_VEC_UD, "an unaligned table");
	restore();
}

HVG_TEST(callbacks_bad)
{
	uint64_t before;
	const uint64_t bad[] = {TG_HV_IMAGE, TG_HV_HALF_START, TG_NONCANONICAL, TG_NONCANONICAL_2,
	                        UINT64_MAX};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		check_refused(hvg_set_callbacks(bad[i], hvg_entry_failsafe), "bad event entry");
		check_refused(hvg_set_callbacks(hvg_entry_event, bad[i]), "bad failsafe entry");
	}
	/* The good callbacks are still registered: an event arrives. */
	before = hvg_upcall_count();
	HVG_REQUIRE(hvg_event_send(hvg_virq_port(HV_VIRQ_TIMER)) == 0);
	for (int i = 0; i < 100 && hvg_upcall_count() == before; i++) {
		hvg_yield();
	}
	HVG_CHECK(hvg_upcall_count() > before);
	restore();
}

HVG_TEST(stack_switch_bad)
{
	/* The stack top may be the end of the guest half itself, not beyond. */
	const uint64_t bad[] = {TG_HV_IMAGE, TG_HV_HALF_START, TG_NONCANONICAL + 16,
	                        TG_NONCANONICAL_2, UINT64_MAX};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		check_refused(hvg_stack_switch(bad[i]), "bad exception stack");
	}
	/* The runtime's stack is still in force. */
	check_ud_entry(HVG_VEC_UD, "bad stacks");
}

static _Alignas(16) unsigned char alt_stack[8192];

HVG_TEST(stack_switch_unaligned)
{
	struct hvg_fault f;
	uint64_t top = tg_addr(alt_stack + sizeof(alt_stack)) - 3;

	/* The stubs align the stack themselves: an odd stack top still works. */
	HVG_REQUIRE(hvg_stack_switch(top) == 0);
	HVG_CATCH_FAULT(HVG_VEC_UD, &f, tg_ud2());
	HVG_CHECK(f.happened && f.vector == HVG_VEC_UD);
	restore();
}

HVG_TEST_MAIN()
