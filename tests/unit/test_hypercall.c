/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of hypercall dispatch and every handler (libhv/hypercall/),
 * each with good and bad arguments, on a real domain in fake RAM: the
 * result is what the dispatcher put in the guest's result register. Bad
 * arguments return an error and change nothing. Also the fast path's
 * handler table against the fast set, and the scheduler hypercall with
 * the run-time switch of scheduler module behind it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "domain_fixture.h"
#include "event/event.h"
#include "hypercall/hypercall.h"
#include "sched/sched.h"

static struct hv_domain *dom;
static struct hv_vcpu *vcpu;

static int setup(void **state)
{
	(void)state;
	df_setup();
	dom = df_create("g", 2u << 20, HV_CRASH_DESTROY, 0);
	vcpu = df_enter(dom);
	return 0;
}

/* Puts a string in the domain's free memory, returns its guest address. */
static uint64_t put_string(const char *s, uint64_t offset)
{
	uint64_t va = dom->layout.mem_start + offset;

	df_write(dom, va, s, strlen(s));
	return va;
}

static void test_unknown_numbers(void **state)
{
	static const uint64_t bad[] = {HV_HC_COUNT, HV_HC_COUNT + 1,   1000,
	                               UINT32_MAX,  UINT64_C(1) << 63, UINT64_MAX};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(df_hypercall(vcpu, bad[i], 1, 2, 3), -HV_ENOSYS);
	}
	assert_int_equal(dom->state, HV_DOMAIN_RUNNING);
}

/* The fast path's table has a handler exactly for the numbers of the fast set, the same one. */
static void test_fast_table_is_the_fast_set(void **state)
{
	(void)state;
	for (uint64_t nr = 0; nr < 64; nr++) {
		bool fast = ((HV_CORE_HYPERCALL_FAST_SET >> nr) & 1) != 0;

		assert_true(!fast || nr < HV_HC_COUNT);
		if (nr < HV_HC_COUNT) {
			assert_int_equal(hv_hypercall_fast_table[nr] != NULL, fast);
		}
	}
	assert_ptr_equal(hv_hypercall_fast_table[HV_HC_VERSION], hv_hypercall_version);
	assert_ptr_equal(hv_hypercall_fast_table[HV_HC_CONSOLE_WRITE], hv_hypercall_console_write);
	assert_ptr_equal(hv_hypercall_fast_table[HV_HC_FEATURES], hv_hypercall_features);
}

static void test_version_and_features(void **state)
{
	uint64_t va = dom->layout.mem_start + 8;
	uint64_t bits = 0;
	struct hv_domain *ctl;
	struct hv_vcpu *cv;

	(void)state;
	assert_int_equal(df_hypercall(vcpu, HV_HC_VERSION, 0, 0, 0), HV_ABI_VERSION);
	assert_int_equal(df_hypercall(vcpu, HV_HC_FEATURES, va, 0, 0), 0);
	df_read(dom, va, &bits, sizeof(bits));
	assert_int_equal(bits, HV_FEATURE_NX); /* the fake port has NX only */
	/* Bad pointers: NULL, read-only, hypervisor half. */
	assert_int_equal(df_hypercall(vcpu, HV_HC_FEATURES, 0, 0, 0), -HV_EFAULT);
	assert_int_equal(df_hypercall(vcpu, HV_HC_FEATURES, DF_START_INFO, 0, 0), -HV_EFAULT);
	assert_int_equal(df_hypercall(vcpu, HV_HC_FEATURES, UINT64_C(0xffff800000001000), 0, 0),
	                 -HV_EFAULT);
	/* The control domain learns it is one. */
	ctl = df_create("ctl", 1u << 20, HV_CRASH_DESTROY, HV_DOMAIN_F_CONTROL);
	cv = df_enter(ctl);
	assert_int_equal(df_hypercall(cv, HV_HC_FEATURES, ctl->layout.mem_start, 0, 0), 0);
	df_read(ctl, ctl->layout.mem_start, &bits, sizeof(bits));
	assert_int_equal(bits, HV_FEATURE_NX | HV_FEATURE_CONTROL);
}

static void test_console_write(void **state)
{
	uint64_t va = put_string("hello\nworld", 0);

	(void)state;
	assert_int_equal(df_hypercall(vcpu, HV_HC_CONSOLE_WRITE, va, 11, 0), 11);
	console_assert_has("g: hello\n");
	console_assert_lacks("world");
	/* The rest of the line comes with the next call. */
	va = put_string("!\n\n", 100);
	assert_int_equal(df_hypercall(vcpu, HV_HC_CONSOLE_WRITE, va, 3, 0), 3);
	console_assert_has("g: hello\ng: world!\ng:\n");
	/* Control bytes are shown as '?', carriage returns dropped. */
	va = put_string("a\x01\x7f\xc3\tb\r\n", 200);
	assert_int_equal(df_hypercall(vcpu, HV_HC_CONSOLE_WRITE, va, 8, 0), 8);
	console_assert_has("g: a???\tb\n");
	/* Nothing to write. */
	assert_int_equal(df_hypercall(vcpu, HV_HC_CONSOLE_WRITE, 0, 0, 0), 0);
}

static void test_console_write_limits(void **state)
{
	static char big[5000];
	char line[HV_CONSOLE_LINE_MAX + 8];
	uint64_t va;

	(void)state;
	memset(big, 'x', sizeof(big));
	va = dom->layout.mem_start;
	df_write(dom, va, big, sizeof(big));
	/* At most 4096 bytes a call; the guest writes the rest with another. */
	assert_int_equal(df_hypercall(vcpu, HV_HC_CONSOLE_WRITE, va, sizeof(big), 0), 4096);
	assert_int_equal(df_hypercall(vcpu, HV_HC_CONSOLE_WRITE, va, UINT64_MAX, 0), 4096);
	/* Full lines were cut at the buffer size, each whole. */
	snprintf(line, sizeof(line), "g: %.*s\n", HV_CONSOLE_LINE_MAX, big);
	console_assert_has(line);
	/* Bad buffers. */
	assert_int_equal(df_hypercall(vcpu, HV_HC_CONSOLE_WRITE, 0, 10, 0), -HV_EFAULT);
	assert_int_equal(df_hypercall(vcpu, HV_HC_CONSOLE_WRITE, DF_GUARD, 10, 0), -HV_EFAULT);
	assert_int_equal(
	        df_hypercall(vcpu, HV_HC_CONSOLE_WRITE, UINT64_C(0xffffffff80000000), 10, 0),
	        -HV_EFAULT);
	assert_int_equal(df_hypercall(vcpu, HV_HC_CONSOLE_WRITE, UINT64_MAX - 4, 10, 0),
	                 -HV_EFAULT);
	/* A buffer that runs off the end of memory: what could be read was consumed. */
	va = dom->layout.mem_start + dom->layout.mem_size - 300;
	assert_int_equal(df_hypercall(vcpu, HV_HC_CONSOLE_WRITE, va, 1000, 0), 256);
	assert_int_equal(fake_copy_outside_limit(), 0);
}

/* Two domains writing parts of lines in turn never mix within a line. */
static void test_console_lines_do_not_interleave(void **state)
{
	struct hv_domain *other = df_create("other", 1u << 20, HV_CRASH_DESTROY, 0);
	struct hv_vcpu *ov = df_enter(other);
	uint64_t a1 = put_string("hel", 0);
	uint64_t a2 = put_string("lo\n", 16);
	uint64_t b = other->layout.mem_start;

	(void)state;
	df_write(other, b, "xyz\n", 4);
	df_load(vcpu);
	assert_int_equal(df_hypercall(vcpu, HV_HC_CONSOLE_WRITE, a1, 3, 0), 3);
	df_load(ov);
	assert_int_equal(df_hypercall(ov, HV_HC_CONSOLE_WRITE, b, 4, 0), 4);
	df_load(vcpu);
	assert_int_equal(df_hypercall(vcpu, HV_HC_CONSOLE_WRITE, a2, 3, 0), 3);
	console_assert_has("other: xyz\ng: hello\n");
}

static void test_set_trap_table(void **state)
{
	struct hv_trap_info t[HV_TRAP_VECTORS + 1];
	uint64_t va = dom->layout.mem_start;
	struct hv_trap_handler before[HV_TRAP_VECTORS];

	(void)state;
	memset(t, 0, sizeof(t));
	t[0] = (struct hv_trap_info){
	        .address = 0x400100, .vector = 14, .flags = HV_TRAP_F_MASK_EVENTS};
	t[1] = (struct hv_trap_info){.address = 0x400200, .vector = 13};
	df_write(dom, va, t, 2 * sizeof(t[0]));
	assert_int_equal(df_hypercall(vcpu, HV_HC_SET_TRAP_TABLE, va, 2, 0), 0);
	assert_int_equal(dom->traps[14].address, 0x400100);
	assert_int_equal(dom->traps[14].flags, HV_TRAP_F_MASK_EVENTS);
	assert_int_equal(dom->traps[13].address, 0x400200);
	memcpy(before, dom->traps, sizeof(before));

	/* Each bad entry is refused, and the table stays as it was. */
	struct hv_trap_info bad[] = {
	        {.address = 0x400300, .vector = 32},
	        {.address = 0x400300, .vector = 255},
	        {.address = 0x400300, .vector = 3, .pad = {0, 0, 1}},
	        {.address = 0x400300, .vector = 3, .flags = 0x80},
	        {.address = FAKE_GUEST_VA_LIMIT, .vector = 3},
	        {.address = UINT64_C(0x0000900000000000), .vector = 3},
	        {.address = UINT64_C(0xffffffff80001000), .vector = 3},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		t[0] = (struct hv_trap_info){.address = 0x400100, .vector = 1};
		t[1] = bad[i];
		df_write(dom, va, t, 2 * sizeof(t[0]));
		assert_int_equal(df_hypercall(vcpu, HV_HC_SET_TRAP_TABLE, va, 2, 0), -HV_EINVAL);
		assert_memory_equal(dom->traps, before, sizeof(before));
	}
	/* The same vector twice. */
	t[0] = (struct hv_trap_info){.address = 0x400100, .vector = 6};
	t[1] = (struct hv_trap_info){.address = 0x400200, .vector = 6};
	df_write(dom, va, t, 2 * sizeof(t[0]));
	assert_int_equal(df_hypercall(vcpu, HV_HC_SET_TRAP_TABLE, va, 2, 0), -HV_EINVAL);
	/* Too many entries, and bad table pointers. */
	assert_int_equal(df_hypercall(vcpu, HV_HC_SET_TRAP_TABLE, va, 33, 0), -HV_E2BIG);
	assert_int_equal(df_hypercall(vcpu, HV_HC_SET_TRAP_TABLE, va, UINT64_MAX, 0), -HV_E2BIG);
	assert_int_equal(df_hypercall(vcpu, HV_HC_SET_TRAP_TABLE, 0, 2, 0), -HV_EFAULT);
	assert_int_equal(df_hypercall(vcpu, HV_HC_SET_TRAP_TABLE, DF_GUARD, 2, 0), -HV_EFAULT);
	assert_int_equal(df_hypercall(vcpu, HV_HC_SET_TRAP_TABLE, UINT64_MAX - 16, 2, 0),
	                 -HV_EFAULT);
	assert_memory_equal(dom->traps, before, sizeof(before));
	/* A full table of 32 is fine; address 0 leaves a vector without handler. */
	for (unsigned int i = 0; i < HV_TRAP_VECTORS; i++) {
		t[i] = (struct hv_trap_info){.address = i == 5 ? 0 : 0x400000 + i,
		                             .vector = (uint8_t)i};
	}
	df_write(dom, va, t, HV_TRAP_VECTORS * sizeof(t[0]));
	assert_int_equal(df_hypercall(vcpu, HV_HC_SET_TRAP_TABLE, va, 32, 0), 0);
	assert_int_equal(dom->traps[31].address, 0x40001f);
	assert_int_equal(dom->traps[5].address, 0);
	/* An empty table removes every handler. */
	assert_int_equal(df_hypercall(vcpu, HV_HC_SET_TRAP_TABLE, 0, 0, 0), 0);
	assert_int_equal(dom->traps[31].address, 0);
}

static void test_callbacks_and_stack(void **state)
{
	(void)state;
	assert_int_equal(df_hypercall(vcpu, HV_HC_SET_CALLBACKS, 0x400010, 0x400020, 0), 0);
	assert_int_equal(dom->event_entry, 0x400010);
	assert_int_equal(dom->failsafe_entry, 0x400020);
	assert_int_equal(df_hypercall(vcpu, HV_HC_SET_CALLBACKS, FAKE_GUEST_VA_LIMIT, 0, 0),
	                 -HV_EINVAL);
	assert_int_equal(
	        df_hypercall(vcpu, HV_HC_SET_CALLBACKS, 0, UINT64_C(0xffff800000000000), 0),
	        -HV_EINVAL);
	assert_int_equal(dom->event_entry, 0x400010);
	assert_int_equal(dom->failsafe_entry, 0x400020);
	assert_int_equal(df_hypercall(vcpu, HV_HC_SET_CALLBACKS, 0, 0, 0), 0);
	assert_int_equal(dom->event_entry, 0);

	assert_int_equal(df_hypercall(vcpu, HV_HC_STACK_SWITCH, DF_STACK_TOP, 0, 0), 0);
	assert_int_equal(vcpu->trap_stack, DF_STACK_TOP);
	assert_int_equal(df_hypercall(vcpu, HV_HC_STACK_SWITCH, FAKE_GUEST_VA_LIMIT + 16, 0, 0),
	                 -HV_EINVAL);
	assert_int_equal(df_hypercall(vcpu, HV_HC_STACK_SWITCH, UINT64_MAX, 0, 0), -HV_EINVAL);
	assert_int_equal(vcpu->trap_stack, DF_STACK_TOP);
	assert_int_equal(df_hypercall(vcpu, HV_HC_STACK_SWITCH, FAKE_GUEST_VA_LIMIT, 0, 0), 0);
}

static void test_yield_block_and_timer(void **state)
{
	(void)state;
	assert_int_equal(df_hypercall(vcpu, HV_HC_YIELD, 0, 0, 0), 0);
	assert_int_equal(vcpu->state, HV_VCPU_RUNNABLE);
	/* A deadline already passed returns at once. */
	assert_int_equal(df_hypercall(vcpu, HV_HC_BLOCK, 1, 0, 0), 0);
	assert_int_equal(vcpu->state, HV_VCPU_RUNNABLE);
	/* So does a pending upcall. */
	vcpu->info->upcall_pending = 1;
	assert_int_equal(df_hypercall(vcpu, HV_HC_BLOCK, 0, 0, 0), 0);
	assert_int_equal(vcpu->state, HV_VCPU_RUNNABLE);
	vcpu->info->upcall_pending = 0;
	/* Otherwise the vCPU sleeps, and the domain with it. */
	assert_int_equal(df_hypercall(vcpu, HV_HC_BLOCK, UINT64_C(1) << 40, 0, 0), 0);
	assert_int_equal(vcpu->state, HV_VCPU_BLOCKED);
	assert_int_equal(vcpu->block_deadline, UINT64_C(1) << 40);
	assert_int_equal(dom->state, HV_DOMAIN_BLOCKED);
	hv_sched_vcpu_wake(vcpu);
	assert_int_equal(dom->state, HV_DOMAIN_RUNNING);
	assert_int_equal(vcpu->block_deadline, 0);

	assert_int_equal(df_hypercall(vcpu, HV_HC_SET_TIMER, 123456789, 0, 0), 0);
	assert_int_equal(vcpu->timer_deadline, 123456789);
	assert_int_equal(df_hypercall(vcpu, HV_HC_SET_TIMER, 0, 0, 0), 0);
	assert_int_equal(vcpu->timer_deadline, 0);
}

static void test_shutdown(void **state)
{
	struct hv_domain *other = df_create("other", 1u << 20, HV_CRASH_DESTROY, 0);
	struct hv_vcpu *ov = df_enter(other);

	(void)state;
	df_load(vcpu);
	assert_int_equal(df_hypercall(vcpu, HV_HC_SHUTDOWN, 7, 0, 0), -HV_EINVAL);
	assert_int_equal(df_hypercall(vcpu, HV_HC_SHUTDOWN, UINT64_MAX, 0, 0), -HV_EINVAL);
	assert_int_equal(dom->state, HV_DOMAIN_RUNNING);
	/* Powered off: no result (there is no caller left), memory back. */
	assert_int_equal(df_hypercall(vcpu, HV_HC_SHUTDOWN, HV_SHUTDOWN_POWEROFF, 0, 0), INT64_MIN);
	assert_int_equal(dom->state, HV_DOMAIN_DEAD);
	assert_int_equal(dom->end, HV_DOMAIN_END_POWEROFF);
	assert_int_equal(hv_mem_account(&df.mem, dom->id)->used_frames, 0);
	console_assert_has("hv: domain 0 'g' powered off\n");
	/* The other domain goes on, and can crash itself. */
	assert_int_equal(other->state, HV_DOMAIN_RUNNING);
	df_load(ov);
	assert_int_equal(df_hypercall(ov, HV_HC_SHUTDOWN, HV_SHUTDOWN_CRASH, 0, 0), INT64_MIN);
	console_assert_has("hv: notice: domain 'other' crashed: the guest called "
	                   "shutdown(crash)\nhv: domain 1 'other' destroyed\n");
	assert_int_equal(other->end, HV_DOMAIN_END_CRASH);
}

static void test_reboot(void **state)
{
	(void)state;
	fake_vcpu_put(&vcpu->port, HV_REG_PC, 0x400abc);
	vcpu->trap_stack = DF_STACK_TOP;
	assert_int_equal(df_hypercall(vcpu, HV_HC_SHUTDOWN, HV_SHUTDOWN_REBOOT, 0, 0), INT64_MIN);
	console_assert_has("hv: domain 0 'g' rebooting\nhv: domain 0 'g' restarted (1 of 3 in "
	                   "a row)\nhv: domain 0 'g' started\n");
	assert_int_equal(dom->state, HV_DOMAIN_RUNNING);
	assert_int_equal(dom->restarts, 1);
	assert_int_equal(vcpu->trap_stack, 0);
	assert_int_equal(fake_vcpu_get(&vcpu->port, HV_REG_PC), EB_ENTRY);
	assert_int_equal(vcpu->state, HV_VCPU_RUNNABLE);
}

static void test_event_op(void **state)
{
	(void)state;
	assert_int_equal(df_hypercall(vcpu, HV_HC_EVENT_OP, HV_EVENT_OP_SEND, HV_VIRQ_TIMER, 0), 0);
	assert_true(dom->shared->evtchn_pending[0] & 1);
	assert_int_equal(dom->events_sent, 1);
	assert_int_equal(dom->events_received, 1);
	assert_int_equal(df_hypercall(vcpu, HV_HC_EVENT_OP, HV_EVENT_OP_SEND, 5, 0), -HV_ENOENT);
	assert_int_equal(df_hypercall(vcpu, HV_HC_EVENT_OP, HV_EVENT_OP_SEND, HV_EVENT_PORTS, 0),
	                 -HV_EINVAL);
	assert_int_equal(df_hypercall(vcpu, HV_HC_EVENT_OP, HV_EVENT_OP_SEND, UINT64_MAX, 0),
	                 -HV_EINVAL);
	assert_int_equal(df_hypercall(vcpu, HV_HC_EVENT_OP, HV_EVENT_OP_UNMASK, 1000, 0), 0);
	assert_int_equal(df_hypercall(vcpu, HV_HC_EVENT_OP, HV_EVENT_OP_UNMASK, HV_EVENT_PORTS, 0),
	                 -HV_EINVAL);
	assert_int_equal(df_hypercall(vcpu, HV_HC_EVENT_OP, 99, 0, 0), -HV_EINVAL);
	assert_int_equal(df_hypercall(vcpu, HV_HC_EVENT_OP, UINT64_MAX, 0, 0), -HV_EINVAL);
	assert_int_equal(dom->events_sent, 1);
}

/* A control domain next to 'dom'; its vCPU is entered. */
static struct hv_vcpu *enter_control(struct hv_domain **out)
{
	struct hv_domain *ctl = df_create("ctl", 1u << 20, HV_CRASH_DESTROY, HV_DOMAIN_F_CONTROL);

	*out = ctl;
	return df_enter(ctl);
}

static void test_sched_op_needs_control(void **state)
{
	uint64_t va = put_string("unchanged", 0);
	const struct hv_sched_ops *before = hv_sched_instance()->ops;
	char buf[16] = "";

	(void)state;
	/* Refused before any argument is read, good or bad. */
	for (uint64_t op = 0; op < 5; op++) {
		assert_int_equal(df_hypercall(vcpu, HV_HC_SCHED_OP, op, 0, va), -HV_EPERM);
		assert_int_equal(df_hypercall(vcpu, HV_HC_SCHED_OP, op, va, 16), -HV_EPERM);
		assert_int_equal(
		        df_hypercall(vcpu, HV_HC_SCHED_OP, op, UINT64_C(0xffff800000001000), 0),
		        -HV_EPERM);
	}
	df_read(dom, va, buf, 10);
	assert_string_equal(buf, "unchanged");
	assert_ptr_equal(hv_sched_instance()->ops, before);
	assert_int_equal(dom->state, HV_DOMAIN_RUNNING);
}

static void test_sched_op_bad_arguments(void **state)
{
	struct hv_domain *ctl;
	struct hv_vcpu *cv = enter_control(&ctl);
	uint64_t buf = ctl->layout.mem_start;
	uint64_t name;
	char got[HV_SCHED_NAME_SIZE] = "";

	(void)state;
	assert_int_equal(df_hypercall(cv, HV_HC_SCHED_OP, HV_SCHED_OP_GET_SCHEDULER, buf, 16), 0);
	df_read(ctl, buf, got, sizeof(got));
	assert_string_equal(got, "rr");
	assert_int_equal(df_hypercall(cv, HV_HC_SCHED_OP, HV_SCHED_OP_GET_SCHEDULER, buf, 2),
	                 -HV_ERANGE);
	assert_int_equal(df_hypercall(cv, HV_HC_SCHED_OP, HV_SCHED_OP_GET_SCHEDULER, 0, 16),
	                 -HV_EFAULT);
	/* Round-robin takes no parameters; domain ids are checked first. */
	assert_int_equal(df_hypercall(cv, HV_HC_SCHED_OP, HV_SCHED_OP_GET_PARAMS, 0, buf),
	                 -HV_ENOSYS);
	assert_int_equal(df_hypercall(cv, HV_HC_SCHED_OP, HV_SCHED_OP_SET_PARAMS, 1, buf),
	                 -HV_ENOSYS);
	assert_int_equal(df_hypercall(cv, HV_HC_SCHED_OP, HV_SCHED_OP_GET_PARAMS, 5, buf),
	                 -HV_ENOENT);
	assert_int_equal(df_hypercall(cv, HV_HC_SCHED_OP, HV_SCHED_OP_GET_PARAMS,
	                              HV_CONFIG_MAX_DOMAINS, buf),
	                 -HV_EINVAL);
	assert_int_equal(df_hypercall(cv, HV_HC_SCHED_OP, HV_SCHED_OP_SET_PARAMS, UINT64_MAX, buf),
	                 -HV_EINVAL);
	assert_int_equal(df_hypercall(cv, HV_HC_SCHED_OP, 99, 0, 0), -HV_EINVAL);
	assert_int_equal(df_hypercall(cv, HV_HC_SCHED_OP, UINT64_MAX, 0, 0), -HV_EINVAL);
	/* Names: unknown, too long (no NUL in 16 bytes), unreadable. */
	name = put_string("nope", 0x1000);
	df_write(dom, name + 4, "", 1);
	assert_int_equal(df_hypercall(vcpu, HV_HC_SCHED_OP, HV_SCHED_OP_SET_SCHEDULER, name, 0),
	                 -HV_EPERM);
	name = ctl->layout.mem_start + 0x100;
	df_write(ctl, name, "nope", 5);
	assert_int_equal(df_hypercall(cv, HV_HC_SCHED_OP, HV_SCHED_OP_SET_SCHEDULER, name, 0),
	                 -HV_ENOENT);
	df_write(ctl, name, "bvtbvtbvtbvtbvtb", 16);
	assert_int_equal(df_hypercall(cv, HV_HC_SCHED_OP, HV_SCHED_OP_SET_SCHEDULER, name, 0),
	                 -HV_EINVAL);
	assert_int_equal(df_hypercall(cv, HV_HC_SCHED_OP, HV_SCHED_OP_SET_SCHEDULER, 0, 0),
	                 -HV_EFAULT);
	/* Cyclic would run nothing (no schedule yet): refused. */
	df_write(ctl, name, "cyclic", 7);
	assert_int_equal(df_hypercall(cv, HV_HC_SCHED_OP, HV_SCHED_OP_SET_SCHEDULER, name, 0),
	                 -HV_EINVAL);
	assert_ptr_equal(hv_sched_instance()->ops, &hv_sched_rr);
	console_assert_lacks("switched");
}

/* Takes the vCPUs the module picks out of the run queue; returns how many it picked. */
static unsigned int drain(void)
{
	unsigned int count = 0;
	struct hv_sched_vcpu *sv;
	uint64_t slice = 0;

	while ((sv = hv_sched_call_pick_next(hv_sched_instance(), 0, &slice)) != NULL) {
		struct hv_domain *d = hv_domain_get(sv->domid);

		assert_non_null(d);
		hv_sched_vcpu_block(&d->vcpus[sv->vcpu_id], 0);
		count++;
		assert_true(count <= 3);
	}
	return count;
}

static void test_sched_op_switch_to_bvt(void **state)
{
	struct hv_sched_params p = {.kind = HV_SCHED_KIND_BVT, .bvt = {.weight = 512}};
	struct hv_domain *ctl;
	struct hv_vcpu *cv = enter_control(&ctl);
	uint64_t buf = ctl->layout.mem_start;
	uint64_t name = buf + 0x100;
	char got[HV_SCHED_NAME_SIZE] = "";

	(void)state;
	df_write(ctl, name, "bvt", 4);
	assert_int_equal(df_hypercall(cv, HV_HC_SCHED_OP, HV_SCHED_OP_SET_SCHEDULER, name, 0), 0);
	console_assert_has("hv: sched: switched from 'rr' to 'bvt'");
	assert_ptr_equal(hv_sched_instance()->ops, &hv_sched_bvt);
	assert_int_equal(df_hypercall(cv, HV_HC_SCHED_OP, HV_SCHED_OP_GET_SCHEDULER, buf, 16), 0);
	df_read(ctl, buf, got, sizeof(got));
	assert_string_equal(got, "bvt");
	/* Both domains still run, and both vCPUs are the new module's. */
	assert_int_equal(dom->state, HV_DOMAIN_RUNNING);
	assert_int_equal(ctl->state, HV_DOMAIN_RUNNING);
	assert_true(vcpu->in_sched && cv->in_sched);
	/* Parameters: defaults, set, read back; a bad set changes nothing. */
	assert_int_equal(df_hypercall(cv, HV_HC_SCHED_OP, HV_SCHED_OP_GET_PARAMS, 0, buf), 0);
	df_read(ctl, buf, &p, sizeof(p));
	assert_int_equal(p.kind, HV_SCHED_KIND_BVT);
	assert_int_equal(p.bvt.weight, HV_SCHED_WEIGHT_DEFAULT);
	p = (struct hv_sched_params){.kind = HV_SCHED_KIND_BVT, .bvt = {.weight = 512}};
	df_write(ctl, buf, &p, sizeof(p));
	assert_int_equal(df_hypercall(cv, HV_HC_SCHED_OP, HV_SCHED_OP_SET_PARAMS, 0, buf), 0);
	p.bvt.weight = 0;
	df_write(ctl, buf, &p, sizeof(p));
	assert_int_equal(df_hypercall(cv, HV_HC_SCHED_OP, HV_SCHED_OP_SET_PARAMS, 0, buf),
	                 -HV_EINVAL);
	assert_int_equal(df_hypercall(cv, HV_HC_SCHED_OP, HV_SCHED_OP_SET_PARAMS, 0,
	                              UINT64_C(0xffff800000001000)),
	                 -HV_EFAULT);
	assert_int_equal(df_hypercall(cv, HV_HC_SCHED_OP, HV_SCHED_OP_GET_PARAMS, 0, buf), 0);
	df_read(ctl, buf, &p, sizeof(p));
	assert_int_equal(p.bvt.weight, 512);
	/* Every runnable vCPU is in the new module's run queue. */
	assert_int_equal(drain(), 2);
}

static int failing_init(struct hv_sched *s)
{
	(void)s;
	return -HV_ENOMEM;
}

static int failing_add(struct hv_sched *s, struct hv_sched_vcpu *v)
{
	(void)s;
	(void)v;
	return -HV_ENOSPC;
}

static void test_sched_switch_failure_keeps_old(void **state)
{
	struct hv_sched_ops bad_add = hv_sched_bvt;
	struct hv_sched_ops bad_init = hv_sched_bvt;
	struct hv_sched_ops no_name = hv_sched_bvt;
	struct hv_domain *ctl;
	struct hv_vcpu *cv = enter_control(&ctl);
	struct hv_sched *before = hv_sched_instance();
	void *priv = vcpu->sched.priv;

	(void)state;
	bad_add.add_vcpu = failing_add;
	bad_init.init = failing_init;
	no_name.name = NULL;
	assert_int_equal(hv_sched_switch(&bad_add), -HV_ENOSPC);
	assert_int_equal(hv_sched_switch(&bad_init), -HV_ENOMEM);
	assert_int_equal(hv_sched_switch(&no_name), -HV_EINVAL);
	assert_int_equal(hv_sched_switch(NULL), -HV_EINVAL);
	assert_ptr_equal(hv_sched_instance(), before);
	assert_ptr_equal(before->ops, &hv_sched_rr);
	assert_ptr_equal(vcpu->sched.priv, priv);
	console_assert_lacks("switched");
	/* Switches back and forth use the two buffers in turn. */
	assert_int_equal(hv_sched_switch(&hv_sched_bvt), 0);
	assert_ptr_not_equal(vcpu->sched.priv, priv);
	assert_int_equal(hv_sched_switch(&hv_sched_rr), 0);
	assert_ptr_equal(vcpu->sched.priv, priv);
	assert_ptr_equal(hv_sched_instance()->ops, &hv_sched_rr);
	assert_true(cv->in_sched);
	assert_int_equal(drain(), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup(test_unknown_numbers, setup),
	        cmocka_unit_test_setup(test_fast_table_is_the_fast_set, setup),
	        cmocka_unit_test_setup(test_version_and_features, setup),
	        cmocka_unit_test_setup(test_console_write, setup),
	        cmocka_unit_test_setup(test_console_write_limits, setup),
	        cmocka_unit_test_setup(test_console_lines_do_not_interleave, setup),
	        cmocka_unit_test_setup(test_set_trap_table, setup),
	        cmocka_unit_test_setup(test_callbacks_and_stack, setup),
	        cmocka_unit_test_setup(test_yield_block_and_timer, setup),
	        cmocka_unit_test_setup(test_shutdown, setup),
	        cmocka_unit_test_setup(test_reboot, setup),
	        cmocka_unit_test_setup(test_event_op, setup),
	        cmocka_unit_test_setup(test_sched_op_needs_control, setup),
	        cmocka_unit_test_setup(test_sched_op_bad_arguments, setup),
	        cmocka_unit_test_setup(test_sched_op_switch_to_bvt, setup),
	        cmocka_unit_test_setup(test_sched_switch_failure_keeps_old, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
