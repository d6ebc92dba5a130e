/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the run loop through hv_main(), with the fake port playing
 * a script of exits for each domain: when the run ends and with which
 * verdict, crash policies (destroy, restart and its limit, keep), reboot,
 * round-robin turns, blocking with deadlines, guest timers and VIRQs, the
 * event upcall (also for a vCPU whose address space is not loaded), domain
 * consoles, console input (polled at interrupt exits), stranded domains,
 * accounting, HV_CONFIG_F_NO_RUN, the hypercall fast path (what it handles
 * and refuses, that its results are the ordinary path's, that a deadline
 * passed meanwhile is handled at the next exit, and that virtual time
 * counts it without its publishing anything), and that the port forgets a
 * domain's vCPUs and address space before its frames are freed or rebuilt.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "console/console.h"
#include "domain_fixture.h"

/* A writable scratch area in every domain (the image's bss). */
#define SCRATCH UINT64_C(0x403000)
#define ENTRY   UINT64_C(0x400180)
#define LATER   UINT64_C(1000000000) /* 1 s: well after start-up on the fake clock */

_Static_assert(__builtin_offsetof(struct hv_vcpu, port) == 0, "port state comes first");

static struct hv_vcpu *vcpu_of(struct hv_port_vcpu *p)
{
	return (struct hv_vcpu *)(void *)p;
}

static struct hv_config config(const struct hv_domain_config *domains, size_t count)
{
	return (struct hv_config){
	        .version = HV_CONFIG_VERSION,
	        .name = "run",
	        .domains = domains,
	        .domain_count = count,
	        .tick_ns = 1000000,
	        .selftest_ticks = 1,
	};
}

static int setup(void **state)
{
	struct elf_builder b;

	(void)state;
	fake_port_reset();
	hv_log_set_level(HV_LOG_INFO);
	fake_boot_init(&df.boot);
	elf_builder_default(&b);
	df_set_image(&b);
	fake_boot_add_module(&df.boot, DF_MOD_PA, df.image, df.image_size, "img");
	return 0;
}

/* CALL step: writes the string in 'arg' to SCRATCH of the running domain. */
static void put_scratch(struct hv_port_vcpu *p, void *arg)
{
	const char *s = arg;

	assert_int_equal(fake_guest_write(fake_vcpu_root(p), SCRATCH, s, strlen(s)), 0);
}

#define DOM(n, flags_, crash)                                                                      \
	{                                                                                          \
		.name = (n), .image = "img", .mem_size = 1u << 20, .vcpu_count = 1,                \
		.flags = (flags_), .on_crash = (crash)                                             \
	}

static void test_control_powers_off_pass(void **state)
{
	static const struct hv_domain_config doms[] = {
	        DOM("ctl", HV_DOMAIN_F_CONTROL, HV_CRASH_DESTROY),
	        DOM("w1", 0, HV_CRASH_DESTROY),
	};
	static const struct fake_step ctl[] = {
	        FAKE_CALL(put_scratch, "hello from ctl\n"),
	        FAKE_HC(HV_HC_CONSOLE_WRITE, SCRATCH, 15),
	        FAKE_POWEROFF,
	};
	static const struct fake_step w1[] = {FAKE_SPIN(2), FAKE_POWEROFF};
	struct hv_config cfg = config(doms, 2);

	(void)state;
	fake_script_set("ctl", ctl, 3);
	fake_script_set("w1", w1, 2);
	assert_int_equal(hv_main(&cfg, &df.boot), HV_VERDICT_PASS);
	console_assert_has("hv: domain 0 'ctl' started\nhv: domain 1 'w1' started\n");
	console_assert_has("ctl: hello from ctl\n");
	console_assert_has("hv: domain 0 'ctl' powered off\n");
	console_assert_has("hv: domain 1 'w1' powered off\n");
	console_assert_has("hv: run: every domain has ended, after ");
	console_assert_has("hv: summary: domain 0 'ctl': powered off; cpu ");
	console_assert_has("hv: summary: domain 1 'w1': powered off; cpu ");
	console_assert_lacks("error");
	console_assert_lacks("notice");
	/* Hypercalls do not end a slice; the spins do. */
	assert_string_equal(fake_run_log(), "ctl ctl w1 w1 w1");
	assert_int_equal(fake_script_left("ctl"), 0);
	assert_int_equal(fake_script_left("w1"), 0);
	console_assert_verdict(true);
}

static void test_control_crash_fails(void **state)
{
	static const struct hv_domain_config doms[] = {
	        DOM("ctl", HV_DOMAIN_F_CONTROL, HV_CRASH_DESTROY),
	        DOM("w1", 0, HV_CRASH_DESTROY),
	};
	static const struct fake_step ctl[] = {FAKE_EXC(6, 0, 0)};
	struct hv_config cfg = config(doms, 2);

	(void)state;
	fake_script_set("ctl", ctl, 1);
	assert_int_equal(hv_main(&cfg, &df.boot), HV_VERDICT_FAIL);
	console_assert_has("hv: notice: domain 'ctl' crashed: #UD at rip 0x400010, error "
	                   "code 0x0 (no handler)\nhv: domain 0 'ctl' destroyed\n");
	/* The other domain went on to its end. */
	console_assert_has("hv: domain 1 'w1' powered off\n");
	console_assert_has("hv: summary: domain 0 'ctl': crashed, destroyed; cpu ");
	console_assert_has("; #UD at rip 0x400010, error code 0x0 (no handler)\n");
	console_assert_verdict(false);
}

static void test_without_control_every_domain_must_power_off(void **state)
{
	static const struct hv_domain_config doms[] = {
	        DOM("a", 0, HV_CRASH_DESTROY),
	        DOM("b", 0, HV_CRASH_DESTROY),
	};
	static const struct fake_step crash[] = {FAKE_HC(HV_HC_SHUTDOWN, HV_SHUTDOWN_CRASH)};
	struct hv_config cfg = config(doms, 2);

	(void)state;
	assert_int_equal(hv_main(&cfg, &df.boot), HV_VERDICT_PASS);
	console_assert_verdict(true);

	setup(NULL);
	fake_script_set("b", crash, 1);
	assert_int_equal(hv_main(&cfg, &df.boot), HV_VERDICT_FAIL);
	console_assert_has("hv: notice: domain 'b' crashed: the guest called shutdown(crash)\n");
	console_assert_has("hv: domain 0 'a' powered off\n");
	console_assert_verdict(false);

	/* No domain at all: nothing failed. */
	setup(NULL);
	cfg.domain_count = 0;
	assert_int_equal(hv_main(&cfg, &df.boot), HV_VERDICT_PASS);
	assert_int_equal(fake_run_count(), 0);
}

static void test_refused_domain_fails_the_run(void **state)
{
	static const struct hv_domain_config doms[] = {
	        DOM("ctl", HV_DOMAIN_F_CONTROL, HV_CRASH_DESTROY),
	        {.name = "lost", .image = "nosuch", .mem_size = 1u << 20, .vcpu_count = 1},
	};
	struct hv_config cfg = config(doms, 2);

	(void)state;
	assert_int_equal(hv_main(&cfg, &df.boot), HV_VERDICT_FAIL);
	console_assert_has("hv: error: domain 'lost': image: no boot module named 'nosuch'\n");
	console_assert_has("hv: domain 0 'ctl' powered off\n");
	console_assert_verdict(false);
}

static void test_crash_destroy_frees_memory(void **state)
{
	static const struct hv_domain_config doms[] = {
	        DOM("ctl", HV_DOMAIN_F_CONTROL, HV_CRASH_DESTROY),
	        DOM("crasher", 0, HV_CRASH_DESTROY),
	};
	static const struct fake_step ctl[] = {FAKE_SPIN(3), FAKE_POWEROFF};
	static const struct fake_step crasher[] = {FAKE_EXC(14, 4, 0)};
	struct hv_config cfg = config(doms, 2);

	(void)state;
	fake_script_set("ctl", ctl, 2);
	fake_script_set("crasher", crasher, 1);
	assert_int_equal(hv_main(&cfg, &df.boot), HV_VERDICT_PASS);
	console_assert_has("hv: notice: domain 'crasher' crashed: #PF at rip 0x400010, address "
	                   "0x0 (no handler)\nhv: domain 1 'crasher' destroyed\n");
	assert_int_equal(hv_domain_get(1)->state, HV_DOMAIN_DEAD);
	assert_int_equal(hv_mem_account(hv_domain_mem(), 1)->used_frames, 0);
	assert_int_equal(hv_mem_account(hv_domain_mem(), 0)->used_frames, 0);
	/* The control domain heard about it (HV_VIRQ_DOM_EXC) before it ended. */
	assert_int_equal(hv_domain_get(0)->events_received, 1);
	console_assert_verdict(true);
}

static void test_crash_restart_limit(void **state)
{
	static const struct hv_domain_config doms[] = {DOM("r", 0, HV_CRASH_RESTART)};
	static const struct fake_step r[] = {{.kind = FAKE_STEP_EXCEPTION, .nr = 13, .repeat = 9}};
	struct hv_config cfg = config(doms, 1);

	(void)state;
	fake_script_set("r", r, 1);
	assert_int_equal(hv_main(&cfg, &df.boot), HV_VERDICT_FAIL);
	console_assert_has("hv: domain 0 'r' restarted (1 of 3 in a row)\n");
	console_assert_has("hv: domain 0 'r' restarted (3 of 3 in a row)\n");
	console_assert_has("hv: notice: domain 'r' restarted 3 times in a row; not restarted "
	                   "again\nhv: domain 0 'r' destroyed\n");
	console_assert_lacks("(4 of 3");
	assert_string_equal(fake_run_log(), "r r r r");
	assert_int_equal(hv_domain_get(0)->restarts, 3);
	assert_int_equal(hv_mem_account(hv_domain_mem(), 0)->used_frames, 0);
	console_assert_has("hv: summary: domain 0 'r': crashed, destroyed; cpu ");
	console_assert_has(", 3 restarts; #GP at rip 0x400010");
	console_assert_verdict(false);
}

static void test_crash_restart_then_recover(void **state)
{
	static const struct hv_domain_config doms[] = {DOM("r", 0, HV_CRASH_RESTART)};
	static const struct fake_step r[] = {FAKE_EXC(13, 0, 0), FAKE_EXC(0, 0, 0), FAKE_POWEROFF};
	struct hv_config cfg = config(doms, 1);

	(void)state;
	fake_script_set("r", r, 3);
	assert_int_equal(hv_main(&cfg, &df.boot), HV_VERDICT_PASS);
	console_assert_has("hv: domain 0 'r' restarted (2 of 3 in a row)\n"
	                   "hv: domain 0 'r' started\n");
	console_assert_has("hv: domain 0 'r' powered off\n");
	assert_int_equal(hv_domain_get(0)->restarts, 2);
	console_assert_verdict(true);
}

static void test_reboot(void **state)
{
	static const struct hv_domain_config doms[] = {DOM("r", 0, HV_CRASH_DESTROY)};
	static const struct fake_step r[] = {FAKE_HC(HV_HC_SHUTDOWN, HV_SHUTDOWN_REBOOT),
	                                     FAKE_POWEROFF};
	struct hv_config cfg = config(doms, 1);

	(void)state;
	fake_script_set("r", r, 2);
	assert_int_equal(hv_main(&cfg, &df.boot), HV_VERDICT_PASS);
	console_assert_has("hv: domain 0 'r' rebooting\nhv: domain 0 'r' restarted (1 of 3 in "
	                   "a row)\nhv: domain 0 'r' started\n");
	console_assert_has("hv: domain 0 'r' powered off\n");
	console_assert_verdict(true);
}

static void test_crash_keep(void **state)
{
	static const struct hv_domain_config doms[] = {DOM("k", 0, HV_CRASH_KEEP)};
	static const struct fake_step k[] = {FAKE_EXC(14, 0, 0xbad)};
	struct hv_config cfg = config(doms, 1);

	(void)state;
	fake_script_set("k", k, 1);
	assert_int_equal(hv_main(&cfg, &df.boot), HV_VERDICT_FAIL);
	console_assert_has("hv: domain 0 'k' kept for inspection\n");
	console_assert_has("hv: summary: domain 0 'k': crashed, kept; ");
	assert_int_equal(hv_domain_get(0)->state, HV_DOMAIN_CRASHED);
	/* Its memory is still there to inspect. */
	assert_int_equal(hv_mem_account(hv_domain_mem(), 0)->used_frames, 256);
	console_assert_verdict(false);
}

static void test_round_robin_turns(void **state)
{
	static const struct hv_domain_config doms[] = {
	        DOM("a", 0, HV_CRASH_DESTROY),
	        DOM("b", 0, HV_CRASH_DESTROY),
	        DOM("c", 0, HV_CRASH_DESTROY),
	};
	static const struct fake_step spin[] = {FAKE_SPIN(3), FAKE_POWEROFF};
	struct hv_config cfg = config(doms, 3);

	(void)state;
	fake_script_set("a", spin, 2);
	fake_script_set("b", spin, 2);
	fake_script_set("c", spin, 2);
	assert_int_equal(hv_main(&cfg, &df.boot), HV_VERDICT_PASS);
	assert_string_equal(fake_run_log(), "a b c a b c a b c a b c");
	/* Each ran three whole slices of 1 ms, and a little more. */
	for (hv_domid_t id = 0; id < 3; id++) {
		uint64_t t = hv_domain_get(id)->cpu_time_ns;

		assert_true(t >= 3000000 && t < 3200000);
	}
}

static void test_yield_gives_turn(void **state)
{
	static const struct hv_domain_config doms[] = {
	        DOM("a", 0, HV_CRASH_DESTROY),
	        DOM("b", 0, HV_CRASH_DESTROY),
	};
	static const struct fake_step a[] = {FAKE_HC(HV_HC_YIELD), FAKE_HC(HV_HC_YIELD),
	                                     FAKE_POWEROFF};
	static const struct fake_step b[] = {FAKE_HC(HV_HC_VERSION), FAKE_HC(HV_HC_VERSION),
	                                     FAKE_POWEROFF};
	struct hv_config cfg = config(doms, 2);

	(void)state;
	fake_script_set("a", a, 3);
	fake_script_set("b", b, 3);
	assert_int_equal(hv_main(&cfg, &df.boot), HV_VERDICT_PASS);
	/* b's hypercalls keep its slice; a's yields hand it over at once. */
	assert_string_equal(fake_run_log(), "a b b b a a");
}

/* CALL step: the block deadline has passed. */
static void check_late(struct hv_port_vcpu *p, void *arg)
{
	(void)p;
	(void)arg;
	assert_true(hv_port_time_ns() >= LATER);
}

static void test_block_until_deadline(void **state)
{
	static const struct hv_domain_config doms[] = {
	        DOM("sleeper", 0, HV_CRASH_DESTROY),
	        DOM("worker", 0, HV_CRASH_DESTROY),
	};
	static const struct fake_step sleeper[] = {
	        FAKE_HC(HV_HC_BLOCK, LATER),
	        FAKE_CALL(check_late, NULL),
	        FAKE_POWEROFF,
	};
	static const struct fake_step worker[] = {FAKE_SPIN(3), FAKE_POWEROFF};
	struct hv_config cfg = config(doms, 2);

	(void)state;
	fake_script_set("sleeper", sleeper, 3);
	fake_script_set("worker", worker, 2);
	assert_int_equal(hv_main(&cfg, &df.boot), HV_VERDICT_PASS);
	/* The blocked sleeper is skipped until its deadline; then the CPU idles until it. */
	assert_string_equal(fake_run_log(), "sleeper worker worker worker worker sleeper");
}

/* CALL step: the timer VIRQ is pending and upcall_pending set. */
static void check_timer_virq(struct hv_port_vcpu *p, void *arg)
{
	struct hv_shared_info sh;

	(void)arg;
	assert_int_equal(fake_guest_read(fake_vcpu_root(p), DF_SHARED, &sh, sizeof(sh)), 0);
	assert_true(sh.evtchn_pending[0] & (UINT64_C(1) << HV_VIRQ_TIMER));
	assert_int_equal(sh.vcpu[0].upcall_pending, 1);
	assert_true(hv_port_time_ns() >= LATER);
	/* Virtual time is published: this vCPU has run. */
	assert_true(sh.vcpu[0].run_time_ns > 0);
	assert_int_equal(sh.vcpu[0].time.version % 2, 0);
}

static void test_guest_timer_wakes_block(void **state)
{
	static const struct hv_domain_config doms[] = {DOM("timed", 0, HV_CRASH_DESTROY)};
	static const struct fake_step timed[] = {
	        FAKE_HC(HV_HC_SET_TIMER, LATER),
	        FAKE_HC(HV_HC_BLOCK, 0),
	        FAKE_CALL(check_timer_virq, NULL),
	        FAKE_POWEROFF,
	};
	struct hv_config cfg = config(doms, 1);

	(void)state;
	fake_script_set("timed", timed, 4);
	assert_int_equal(hv_main(&cfg, &df.boot), HV_VERDICT_PASS);
	assert_int_equal(hv_domain_get(0)->events_received, 1);
}

/* CALL step: console input arrives at the serial port. */
static void type_hi(struct hv_port_vcpu *p, void *arg)
{
	(void)p;
	(void)arg;
	fake_console_input("hi", 2);
}

/* CALL step: HV_VIRQ_CONSOLE is pending in the domain (arg non-NULL) or not. */
static void check_console_virq(struct hv_port_vcpu *p, void *arg)
{
	struct hv_shared_info sh;

	assert_int_equal(fake_guest_read(fake_vcpu_root(p), DF_SHARED, &sh, sizeof(sh)), 0);
	assert_int_equal((sh.evtchn_pending[0] >> HV_VIRQ_CONSOLE) & 1, arg != NULL ? 1 : 0);
}

/* CALL step: the bytes console_read put at SCRATCH. */
static void check_read_hi(struct hv_port_vcpu *p, void *arg)
{
	char buf[2];

	(void)arg;
	assert_int_equal(fake_guest_read(fake_vcpu_root(p), SCRATCH, buf, 2), 0);
	assert_memory_equal(buf, "hi", 2);
}

/*
 * Console input is taken from the port at an interrupt exit (not at a
 * hypercall, fast or not) and raises HV_VIRQ_CONSOLE in the control domain.
 */
static void test_console_input_polled_at_interrupts(void **state)
{
	static const struct hv_domain_config doms[] = {
	        DOM("ctl", HV_DOMAIN_F_CONTROL, HV_CRASH_DESTROY),
	};
	static const struct fake_step ctl[] = {
	        FAKE_CALL(type_hi, NULL),
	        FAKE_FAST_HC(HV_HC_VERSION),
	        FAKE_HC(HV_HC_VERSION),
	        FAKE_CALL(check_console_virq, NULL),
	        FAKE_HC(HV_HC_CONSOLE_READ, SCRATCH, 16),
	        FAKE_INTR(),
	        FAKE_CALL(check_console_virq, (void *)1),
	        FAKE_HC(HV_HC_CONSOLE_READ, SCRATCH, 16),
	        FAKE_CALL(check_read_hi, NULL),
	        FAKE_POWEROFF,
	};
	struct hv_config cfg = config(doms, 1);

	(void)state;
	hv_console_input_reset();
	fake_script_set("ctl", ctl, sizeof(ctl) / sizeof(ctl[0]));
	assert_int_equal(hv_main(&cfg, &df.boot), HV_VERDICT_PASS);
	assert_int_equal(fake_console_input_left(), 0);
	assert_int_equal(hv_console_input_count(), 0);
}

static bool upcall_seen;

/* CALL step: unmask events (the guest's own store into its vcpu_info). */
static void unmask_events(struct hv_port_vcpu *p, void *arg)
{
	uint8_t zero = 0;

	(void)arg;
	assert_int_equal(
	        fake_guest_write(fake_vcpu_root(p),
	                         DF_SHARED + __builtin_offsetof(struct hv_vcpu_info, upcall_mask),
	                         &zero, 1),
	        0);
}

/* CALL step: we are in the upcall, with its frame at rsp. */
static void check_in_upcall(struct hv_port_vcpu *p, void *arg)
{
	struct hv_trap_frame f;
	uint8_t pending = 0;

	(void)arg;
	assert_int_equal(fake_vcpu_get(p, HV_REG_PC), ENTRY);
	assert_int_equal(
	        fake_guest_read(fake_vcpu_root(p), fake_vcpu_get(p, HV_REG_SP), &f, sizeof(f)), 0);
	assert_int_equal(f.vector, HV_TRAP_EVENT);
	assert_int_equal(f.flags, 0);
	assert_int_equal(vcpu_of(p)->info->upcall_mask, 1);
	/* The handler clears upcall_pending, as guests do. */
	assert_int_equal(fake_guest_write(fake_vcpu_root(p),
	                                  DF_SHARED + __builtin_offsetof(struct hv_vcpu_info,
	                                                                 upcall_pending),
	                                  &pending, 1),
	                 0);
	upcall_seen = true;
}

/*
 * The upcall of a vCPU woken while another domain's address space is
 * loaded: it is kicked (run once, exiting at once on the timer) and gets
 * its upcall on the next turn, before it runs again.
 */
static void test_upcall_in_the_run_loop(void **state)
{
	static const struct hv_domain_config doms[] = {
	        DOM("ev", 0, HV_CRASH_DESTROY),
	        DOM("other", 0, HV_CRASH_DESTROY),
	};
	static const struct fake_step ev[] = {
	        FAKE_CALL(unmask_events, NULL),
	        FAKE_HC(HV_HC_SET_CALLBACKS, ENTRY, 0),
	        FAKE_HC(HV_HC_STACK_SWITCH, 0x405000),
	        FAKE_HC(HV_HC_SET_TIMER, LATER),
	        FAKE_HC(HV_HC_BLOCK, 0),
	        FAKE_CALL(check_in_upcall, NULL),
	        FAKE_HC(HV_HC_IRET),
	        FAKE_POWEROFF,
	};
	static const struct fake_step other[] = {FAKE_SPIN(30), FAKE_POWEROFF};
	struct hv_config cfg = config(doms, 2);

	(void)state;
	cfg.tick_ns = 100000000; /* 100 ms slices: the timer fires while "other" spins */
	upcall_seen = false;
	fake_script_set("ev", ev, 8);
	fake_script_set("other", other, 2);
	assert_int_equal(hv_main(&cfg, &df.boot), HV_VERDICT_PASS);
	assert_true(upcall_seen);
	/* ev ran twice in a row: the kick, then the upcall. */
	assert_non_null(strstr(fake_run_log(), "other ev ev"));
	assert_int_equal(fake_script_left("ev"), 0);
	assert_int_equal(fake_copy_outside_limit(), 0);
}

static void test_console_lines_whole_across_domains(void **state)
{
	static const struct hv_domain_config doms[] = {
	        DOM("a", 0, HV_CRASH_DESTROY),
	        DOM("b", 0, HV_CRASH_DESTROY),
	};
	static const struct fake_step a[] = {
	        FAKE_CALL(put_scratch, "hello\n"),
	        FAKE_HC(HV_HC_CONSOLE_WRITE, SCRATCH, 3),
	        FAKE_HC(HV_HC_YIELD),
	        FAKE_HC(HV_HC_CONSOLE_WRITE, SCRATCH + 3, 3),
	        FAKE_CALL(put_scratch, "unfinished"),
	        FAKE_HC(HV_HC_CONSOLE_WRITE, SCRATCH, 10),
	        FAKE_POWEROFF,
	};
	static const struct fake_step b[] = {
	        FAKE_CALL(put_scratch, "xyz\n"),
	        FAKE_HC(HV_HC_CONSOLE_WRITE, SCRATCH, 4),
	        FAKE_HC(HV_HC_YIELD),
	        FAKE_POWEROFF,
	};
	struct hv_config cfg = config(doms, 2);

	(void)state;
	fake_script_set("a", a, 7);
	fake_script_set("b", b, 4);
	assert_int_equal(hv_main(&cfg, &df.boot), HV_VERDICT_PASS);
	console_assert_has("b: xyz\n");
	console_assert_has("a: hello\n");
	/* A partial line is written when its domain ends. */
	console_assert_has("a: unfinished\nhv: domain 0 'a' powered off\n");
}

static void test_stranded_domains(void **state)
{
	static const struct hv_domain_config doms[] = {
	        DOM("ctl", HV_DOMAIN_F_CONTROL, HV_CRASH_DESTROY),
	        DOM("stuck", 0, HV_CRASH_DESTROY),
	};
	static const struct fake_step stuck[] = {FAKE_HC(HV_HC_BLOCK, 0)};
	struct hv_config cfg = config(doms, 2);

	(void)state;
	fake_script_set("stuck", stuck, 1);
	assert_int_equal(hv_main(&cfg, &df.boot), HV_VERDICT_PASS);
	console_assert_has("hv: notice: run: no domain can run and nothing is left to wake "
	                   "one\nhv: notice: domain 'stuck' is blocked with nothing left to "
	                   "wake it; stopped\n");
	console_assert_has("hv: summary: domain 1 'stuck': stranded (blocked for ever); ");

	/* Without a control domain, a stranded domain fails the run. */
	setup(NULL);
	fake_script_set("stuck", stuck, 1);
	cfg.domains = doms + 1;
	cfg.domain_count = 1;
	assert_int_equal(hv_main(&cfg, &df.boot), HV_VERDICT_FAIL);
}

/* CALL step: the control domain was told that another domain ended. */
static void check_dom_exc(struct hv_port_vcpu *p, void *arg)
{
	struct hv_shared_info sh;

	(void)arg;
	assert_int_equal(fake_guest_read(fake_vcpu_root(p), DF_SHARED, &sh, sizeof(sh)), 0);
	assert_true(sh.evtchn_pending[0] & (UINT64_C(1) << HV_VIRQ_DOM_EXC));
	upcall_seen = true;
}

static void test_control_hears_of_ends(void **state)
{
	static const struct hv_domain_config doms[] = {
	        DOM("ctl", HV_DOMAIN_F_CONTROL, HV_CRASH_DESTROY),
	        DOM("w", 0, HV_CRASH_DESTROY),
	};
	static const struct fake_step ctl[] = {
	        FAKE_HC(HV_HC_BLOCK, 0),
	        FAKE_CALL(check_dom_exc, NULL),
	        FAKE_POWEROFF,
	};
	static const struct fake_step w[] = {FAKE_SPIN(1), FAKE_POWEROFF};
	struct hv_config cfg = config(doms, 2);

	(void)state;
	upcall_seen = false;
	fake_script_set("ctl", ctl, 3);
	fake_script_set("w", w, 2);
	assert_int_equal(hv_main(&cfg, &df.boot), HV_VERDICT_PASS);
	assert_true(upcall_seen);
	assert_string_equal(fake_run_log(), "ctl w w ctl");
}

static void test_no_run_flag(void **state)
{
	static const struct hv_domain_config doms[] = {DOM("a", 0, HV_CRASH_DESTROY)};
	struct hv_config cfg = config(doms, 1);

	(void)state;
	cfg.flags = HV_CONFIG_F_NO_RUN;
	assert_int_equal(hv_main(&cfg, &df.boot), HV_VERDICT_PASS);
	console_assert_has("hv: run: not running the domains (HV_CONFIG_F_NO_RUN)\n"
	                   "hv: verdict: PASS\n");
	console_assert_lacks("started");
	assert_int_equal(fake_run_count(), 0);
	/* The domain was built all the same. */
	assert_int_equal(hv_domain_get(0)->state, HV_DOMAIN_CREATED);
}

static void test_wallclock_config(void **state)
{
	static const struct hv_domain_config doms[] = {DOM("a", 0, HV_CRASH_DESTROY)};
	struct hv_config cfg = config(doms, 1);
	struct hv_shared_info sh;

	(void)state;
	cfg.flags = HV_CONFIG_F_NO_RUN;
	cfg.wallclock_sec = 1800000000;
	cfg.wallclock_nsec = 42;
	assert_int_equal(hv_main(&cfg, &df.boot), HV_VERDICT_PASS);
	df_read(hv_domain_get(0), DF_SHARED, &sh, sizeof(sh));
	assert_int_equal(sh.wc_sec, 1800000000);
	assert_int_equal(sh.wc_nsec, 42);

	setup(NULL);
	cfg.wallclock_nsec = 1000000000;
	assert_int_equal(hv_main(&cfg, &df.boot), HV_VERDICT_FAIL);
	console_assert_has("hv: error: config: wallclock_nsec: 1000000000 is not below 10^9\n");
}

/*
 * The hypercall fast path, offered from inside a run as a port's hypercall
 * entry would (a CALL step runs inside hv_port_vcpu_run()).
 */
struct fast_try {
	uint64_t nr;
	uint64_t args[6];
	uint64_t advance_ns; /* the clock moves on this much first */
	bool want_handled;
	bool handled;
	int64_t result;
};

#define RESULT_UNTOUCHED INT64_C(0x5a5a5a5a5a5a5a5a)

/* CALL step: offers t's hypercall to the fast path; it must not exit. */
static void try_fast(struct hv_port_vcpu *p, void *arg)
{
	struct fast_try *t = arg;
	unsigned int runs = fake_run_count();

	(void)p;
	fake_clock_advance(t->advance_ns);
	t->result = RESULT_UNTOUCHED;
	t->handled = hv_core_hypercall_fast(t->nr, t->args, &t->result);
	assert_int_equal(t->handled, t->want_handled);
	if (!t->handled) {
		assert_int_equal(t->result, RESULT_UNTOUCHED);
	}
	assert_int_equal(fake_run_count(), runs);
}

/* CALL step: records the result register of the (ordinary) hypercall just made. */
static void read_ret(struct hv_port_vcpu *p, void *arg)
{
	*(int64_t *)arg = (int64_t)fake_vcpu_get(p, HV_REG_RET);
}

static uint64_t features_fast, features_slow;

/* CALL step: the feature words both paths wrote at SCRATCH + 64 and + 72. */
static void read_features(struct hv_port_vcpu *p, void *arg)
{
	(void)arg;
	assert_int_equal(fake_guest_read(fake_vcpu_root(p), SCRATCH + 64, &features_fast, 8), 0);
	assert_int_equal(fake_guest_read(fake_vcpu_root(p), SCRATCH + 72, &features_slow, 8), 0);
}

static void test_fast_path_results_match_slow_path(void **state)
{
	static const struct hv_domain_config doms[] = {
	        DOM("ctl", HV_DOMAIN_F_CONTROL, HV_CRASH_DESTROY),
	};
	static struct fast_try version = {.nr = HV_HC_VERSION, .want_handled = true};
	static struct fast_try features = {
	        .nr = HV_HC_FEATURES, .args = {SCRATCH + 64}, .want_handled = true};
	static struct fast_try console = {
	        .nr = HV_HC_CONSOLE_WRITE, .args = {SCRATCH, 5}, .want_handled = true};
	static struct fast_try bad_buffer = {
	        .nr = HV_HC_CONSOLE_WRITE, .args = {0x10, 4}, .want_handled = true};
	static int64_t slow[4];
	static const struct fake_step ctl[] = {
	        FAKE_CALL(put_scratch, "fast\n"),
	        FAKE_CALL(try_fast, &version),
	        FAKE_HC(HV_HC_VERSION),
	        FAKE_CALL(read_ret, &slow[0]),
	        FAKE_CALL(try_fast, &features),
	        FAKE_HC(HV_HC_FEATURES, SCRATCH + 72),
	        FAKE_CALL(read_ret, &slow[1]),
	        FAKE_CALL(read_features, NULL),
	        FAKE_CALL(try_fast, &console),
	        FAKE_HC(HV_HC_CONSOLE_WRITE, SCRATCH, 5),
	        FAKE_CALL(read_ret, &slow[2]),
	        FAKE_CALL(try_fast, &bad_buffer),
	        FAKE_HC(HV_HC_CONSOLE_WRITE, 0x10, 4),
	        FAKE_CALL(read_ret, &slow[3]),
	        /* The port's side: handled without an exit, result in the register. */
	        FAKE_FAST_HC(HV_HC_VERSION),
	        FAKE_CALL(read_ret, &slow[0]),
	        FAKE_POWEROFF,
	};
	struct hv_config cfg = config(doms, 1);

	(void)state;
	fake_script_set("ctl", ctl, sizeof(ctl) / sizeof(ctl[0]));
	assert_int_equal(hv_main(&cfg, &df.boot), HV_VERDICT_PASS);
	assert_int_equal(version.result, HV_ABI_VERSION);
	assert_int_equal(slow[0], HV_ABI_VERSION);
	assert_int_equal(features.result, 0);
	assert_int_equal(slow[1], 0);
	assert_int_equal(features_fast, HV_FEATURE_NX | HV_FEATURE_CONTROL);
	assert_int_equal(features_fast, features_slow);
	assert_int_equal(console.result, 5);
	assert_int_equal(slow[2], 5);
	assert_int_equal(bad_buffer.result, -HV_EFAULT);
	assert_int_equal(slow[3], -HV_EFAULT);
	console_assert_has("ctl: fast\nctl: fast\n");
	assert_int_equal(fake_fast_handled(), 1);
	assert_int_equal(fake_fast_refused(), 0);
	/* One run, one per ordinary hypercall (they keep the slice), one for the poweroff. */
	assert_int_equal(fake_run_count(), 5);
	console_assert_verdict(true);
}

/* CALL step: every hypercall that is not a fast one is refused, with no effect at all. */
static void try_refused(struct hv_port_vcpu *p, void *arg)
{
	static const struct fast_try calls[] = {
	        {.nr = HV_HC_YIELD},
	        {.nr = HV_HC_BLOCK},
	        {.nr = HV_HC_BLOCK, .args = {LATER}},
	        {.nr = HV_HC_SET_TIMER, .args = {LATER}},
	        {.nr = HV_HC_SHUTDOWN, .args = {HV_SHUTDOWN_POWEROFF}},
	        {.nr = HV_HC_SHUTDOWN, .args = {HV_SHUTDOWN_CRASH}},
	        {.nr = HV_HC_IRET},
	        {.nr = HV_HC_EVENT_OP, .args = {HV_EVENT_OP_SEND, HV_VIRQ_TIMER}},
	        {.nr = HV_HC_SET_TRAP_TABLE, .args = {SCRATCH}},
	        {.nr = HV_HC_SET_CALLBACKS, .args = {ENTRY, 0}},
	        {.nr = HV_HC_STACK_SWITCH, .args = {0x405000}},
	        {.nr = HV_HC_COUNT},
	        {.nr = 63},
	        {.nr = 64},
	        {.nr = UINT64_C(1) << 32},
	        {.nr = UINT64_MAX},
	};
	struct hv_vcpu *v = vcpu_of(p);

	(void)arg;
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		struct fast_try t = calls[i];

		try_fast(p, &t);
	}
	assert_ptr_equal(hv_sched_running(), v);
	assert_int_equal(v->state, HV_VCPU_RUNNING);
	assert_int_equal(v->domain->state, HV_DOMAIN_RUNNING);
	assert_int_equal(v->timer_deadline, 0);
	assert_int_equal(v->trap_depth, 0);
	assert_int_equal(v->domain->event_entry, 0);
	assert_int_equal(v->domain->events_sent, 0);
}

static void test_fast_path_refuses_the_others(void **state)
{
	static const struct hv_domain_config doms[] = {DOM("f", 0, HV_CRASH_DESTROY)};
	static const struct fake_step f[] = {
	        FAKE_CALL(try_refused, NULL),
	        /* Refused, so the port takes the ordinary exit: the yield happens once. */
	        FAKE_FAST_HC(HV_HC_YIELD),
	        FAKE_POWEROFF,
	};
	struct hv_config cfg = config(doms, 1);
	int64_t result = RESULT_UNTOUCHED;
	const uint64_t args[6] = {0};

	(void)state;
	/* Outside a run there is nothing to be fast for. */
	assert_false(hv_core_hypercall_fast(HV_HC_VERSION, args, &result));
	fake_script_set("f", f, 3);
	assert_int_equal(hv_main(&cfg, &df.boot), HV_VERDICT_PASS);
	assert_int_equal(fake_fast_refused(), 1);
	assert_int_equal(fake_fast_handled(), 0);
	assert_string_equal(fake_run_log(), "f f");
	assert_false(hv_core_hypercall_fast(HV_HC_VERSION, args, &result));
	assert_int_equal(result, RESULT_UNTOUCHED);
	console_assert_verdict(true);
}

static unsigned int fired_before;

/* CALL step: remembers how often the timer has fired so far. */
static void note_timer(struct hv_port_vcpu *p, void *arg)
{
	(void)p;
	(void)arg;
	fired_before = fake_timer_fired();
}

/* CALL step, in the run after the fast hypercall: the timer ended the one before. */
static void check_timer_ended_run(struct hv_port_vcpu *p, void *arg)
{
	(void)p;
	(void)arg;
	assert_int_equal(fake_timer_fired(), fired_before + 1);
	assert_int_equal(fake_run_count(), 2);
}

static void test_fast_path_past_a_deadline_exits_after(void **state)
{
	static const struct hv_domain_config doms[] = {DOM("f", 0, HV_CRASH_DESTROY)};
	/* Slices of 1 ms. */
	static struct fast_try in_slice = {.nr = HV_HC_VERSION, .want_handled = true};
	static struct fast_try past_slice = {
	        .nr = HV_HC_VERSION, .advance_ns = 2000000, .want_handled = true};
	static struct fast_try new_slice = {.nr = HV_HC_VERSION, .want_handled = true};
	static const struct fake_step f[] = {
	        FAKE_CALL(note_timer, NULL),
	        FAKE_CALL(try_fast, &in_slice),
	        /* The slice has ended: the core does not look, the call is handled. */
	        FAKE_CALL(try_fast, &past_slice),
	        /* The port's side: handled, and the due timer fires on the way back. */
	        FAKE_FAST_HC(HV_HC_VERSION),
	        /* The loop handled the slice end and ran the vCPU again. */
	        FAKE_CALL(check_timer_ended_run, NULL),
	        FAKE_CALL(try_fast, &new_slice),
	        FAKE_POWEROFF,
	};
	struct hv_config cfg = config(doms, 1);

	(void)state;
	fake_script_set("f", f, sizeof(f) / sizeof(f[0]));
	assert_int_equal(hv_main(&cfg, &df.boot), HV_VERDICT_PASS);
	assert_int_equal(past_slice.result, HV_ABI_VERSION);
	assert_int_equal(new_slice.result, HV_ABI_VERSION);
	assert_int_equal(fake_fast_handled(), 1);
	assert_int_equal(fake_fast_refused(), 0);
	assert_string_equal(fake_run_log(), "f f");
	console_assert_verdict(true);
}

static uint64_t timer_at;

/* CALL step: what set_timer(now + 200 us) does; the next exit arms it. */
static void set_timer_soon(struct hv_port_vcpu *p, void *arg)
{
	(void)arg;
	timer_at = hv_port_time_ns() + 200000;
	hv_sched_vcpu_set_timer(vcpu_of(p), timer_at);
}

/*
 * CALL step: the guest timer is 50 us away, then 50 us past: handled both
 * times (the timer interrupt, due by then, ends the run on a real port).
 */
static void near_timer(struct hv_port_vcpu *p, void *arg)
{
	struct fast_try before = {.nr = HV_HC_VERSION, .want_handled = true};
	struct fast_try after = {.nr = HV_HC_VERSION, .advance_ns = 100000, .want_handled = true};

	(void)arg;
	fake_clock_advance(timer_at - 50000 - hv_port_time_ns());
	try_fast(p, &before);
	try_fast(p, &after);
}

/* CALL step: as a guest's upcall does, clear upcall_pending. */
static void clear_pending(struct hv_port_vcpu *p, void *arg)
{
	(void)arg;
	vcpu_of(p)->info->upcall_pending = 0;
}

static void test_fast_path_guest_timer_and_upcall(void **state)
{
	static const struct hv_domain_config doms[] = {DOM("f", 0, HV_CRASH_DESTROY)};
	static struct fast_try pending = {.nr = HV_HC_VERSION, .want_handled = false};
	static struct fast_try cleared = {.nr = HV_HC_VERSION, .want_handled = true};
	static const struct fake_step f[] = {
	        FAKE_CALL(set_timer_soon, NULL),
	        FAKE_HC(HV_HC_VERSION),
	        FAKE_CALL(near_timer, NULL),
	        /* The exit expires the timer: HV_VIRQ_TIMER makes an upcall pending. */
	        FAKE_HC(HV_HC_VERSION),
	        FAKE_CALL(try_fast, &pending),
	        FAKE_CALL(clear_pending, NULL),
	        FAKE_CALL(try_fast, &cleared),
	        FAKE_POWEROFF,
	};
	struct hv_config cfg = config(doms, 1);

	(void)state;
	cfg.tick_ns = 100000000; /* 100 ms slices: far longer than the guest timer */
	fake_script_set("f", f, 8);
	assert_int_equal(hv_main(&cfg, &df.boot), HV_VERDICT_PASS);
	assert_int_equal(hv_domain_get(0)->events_received, 1);
	console_assert_verdict(true);
}

static uint64_t run_time_seen[2];
static uint64_t stamp_seen;

/* Virtual time now, as a guest computes it from its record. */
static uint64_t guest_run_time(const volatile struct hv_vcpu_info *info)
{
	uint64_t delta = hv_port_cycles() - info->run_tsc_timestamp;
	int8_t shift = info->time.tsc_shift;

	delta = shift >= 0 ? delta << shift : delta >> -shift;
	return info->run_time_ns +
	       (uint64_t)(((unsigned __int128)delta * info->time.tsc_to_system_mul) >> 32);
}

/*
 * CALL step: the run's start is published (run time and cycle count);
 * fast hypercalls publish nothing, and the virtual time a guest computes
 * includes them.
 */
static void run_time_grows(struct hv_port_vcpu *p, void *arg)
{
	struct fast_try t = {.nr = HV_HC_VERSION, .want_handled = true};
	const volatile struct hv_vcpu_info *info = vcpu_of(p)->info;
	uint32_t version = info->time.version;
	uint64_t run_time = info->run_time_ns;

	(void)arg;
	stamp_seen = info->run_tsc_timestamp;
	assert_int_equal(run_time, vcpu_of(p)->run_time_ns);
	assert_true(stamp_seen != 0 && stamp_seen <= hv_port_cycles());
	try_fast(p, &t);
	run_time_seen[0] = guest_run_time(info);
	t.advance_ns = 100000;
	try_fast(p, &t);
	run_time_seen[1] = guest_run_time(info);
	assert_int_equal(info->time.version, version);
	assert_int_equal(info->run_time_ns, run_time);
	assert_int_equal(info->run_tsc_timestamp, stamp_seen);
}

/* CALL step, in the next run: the record went on from where the guest's count had got to. */
static void run_time_republished(struct hv_port_vcpu *p, void *arg)
{
	const volatile struct hv_vcpu_info *info = vcpu_of(p)->info;

	(void)arg;
	assert_true(info->run_time_ns >= run_time_seen[1]);
	assert_true(info->run_tsc_timestamp > stamp_seen + 100000);
	assert_true(guest_run_time(info) >= run_time_seen[1]);
}

static void test_fast_path_counts_as_run_time(void **state)
{
	static const struct hv_domain_config doms[] = {DOM("f", 0, HV_CRASH_DESTROY)};
	static const struct fake_step f[] = {
	        FAKE_CALL(run_time_grows, NULL),
	        FAKE_HC(HV_HC_VERSION),
	        FAKE_CALL(run_time_republished, NULL),
	        FAKE_POWEROFF,
	};
	struct hv_config cfg = config(doms, 1);

	(void)state;
	fake_script_set("f", f, sizeof(f) / sizeof(f[0]));
	assert_int_equal(hv_main(&cfg, &df.boot), HV_VERDICT_PASS);
	assert_true(run_time_seen[1] >= run_time_seen[0] + 100000);
	/* Two runs: all of them, the fast hypercalls included, were the domain's. */
	assert_int_equal(fake_run_count(), 2);
	assert_true(hv_domain_get(0)->cpu_time_ns >= run_time_seen[1]);
}

/* Counts the port's destroy calls and checks each came before the frames went. */
struct destroy_watch {
	unsigned int vcpus;
	unsigned int roots;
	unsigned int early;
};

static void watch_destroy(const struct hv_port_vcpu *p, uint64_t root, void *arg)
{
	struct destroy_watch *w = arg;
	const struct hv_domain *d = NULL;
	const struct hv_frame *f;

	if (p != NULL) {
		d = vcpu_of((struct hv_port_vcpu *)p)->domain;
		root = d->layout.root;
		w->vcpus++;
	} else {
		for (hv_domid_t id = 0; id < HV_CONFIG_MAX_DOMAINS; id++) {
			if (hv_domain_get(id) != NULL && hv_domain_get(id)->layout.root == root) {
				d = hv_domain_get(id);
			}
		}
		assert_non_null(d);
		w->roots++;
	}
	/* Still the domain's, still its root page table: not released, freed or rebuilt. */
	f = &hv_domain_mem()->frames[root / HV_PAGE_SIZE];
	if (f->owner != d->id || f->type != HV_FRAME_L4) {
		w->early++;
	}
}

static void test_port_forgets_vcpus_and_address_spaces_first(void **state)
{
	static const struct hv_domain_config doms[] = {
	        DOM("ctl", HV_DOMAIN_F_CONTROL, HV_CRASH_DESTROY),
	        DOM("gone", 0, HV_CRASH_DESTROY),
	        DOM("again", 0, HV_CRASH_RESTART),
	        DOM("kept", 0, HV_CRASH_KEEP),
	};
	static const struct fake_step ctl[] = {FAKE_SPIN(3), FAKE_POWEROFF};
	static const struct fake_step crash[] = {FAKE_EXC(13, 0, 0)};
	static const struct fake_step again[] = {FAKE_EXC(13, 0, 0), FAKE_POWEROFF};
	struct hv_config cfg = config(doms, 4);
	struct destroy_watch w = {0};

	(void)state;
	fake_script_set("ctl", ctl, 2);
	fake_script_set("gone", crash, 1);
	fake_script_set("again", again, 2);
	fake_script_set("kept", crash, 1);
	fake_port_on_destroy(watch_destroy, &w);
	/* The fake aborts if a root is rebuilt while loaded or a zeroed vCPU is left to it. */
	assert_int_equal(hv_main(&cfg, &df.boot), HV_VERDICT_PASS);
	console_assert_has("hv: domain 2 'again' restarted (1 of 3 in a row)\n");
	console_assert_has("hv: domain 3 'kept' kept for inspection\n");
	/* Each domain was stopped once, 'again' twice: all vCPU slots and the root. */
	assert_int_equal(w.roots, 5);
	assert_int_equal(w.vcpus, 5 * HV_DOMAIN_MAX_VCPUS);
	assert_int_equal(w.early, 0);
	assert_int_equal(fake_as_destroy_count(), 5);
	assert_int_equal(fake_vcpu_destroy_count(), 5 * HV_DOMAIN_MAX_VCPUS);
	/* Nothing of a destroyed domain is left loaded. */
	assert_int_equal(fake_as_loaded(), 0);
	console_assert_verdict(true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup(test_control_powers_off_pass, setup),
	        cmocka_unit_test_setup(test_control_crash_fails, setup),
	        cmocka_unit_test_setup(test_without_control_every_domain_must_power_off, setup),
	        cmocka_unit_test_setup(test_refused_domain_fails_the_run, setup),
	        cmocka_unit_test_setup(test_crash_destroy_frees_memory, setup),
	        cmocka_unit_test_setup(test_crash_restart_limit, setup),
	        cmocka_unit_test_setup(test_crash_restart_then_recover, setup),
	        cmocka_unit_test_setup(test_reboot, setup),
	        cmocka_unit_test_setup(test_crash_keep, setup),
	        cmocka_unit_test_setup(test_round_robin_turns, setup),
	        cmocka_unit_test_setup(test_yield_gives_turn, setup),
	        cmocka_unit_test_setup(test_block_until_deadline, setup),
	        cmocka_unit_test_setup(test_guest_timer_wakes_block, setup),
	        cmocka_unit_test_setup(test_upcall_in_the_run_loop, setup),
	        cmocka_unit_test_setup(test_console_lines_whole_across_domains, setup),
	        cmocka_unit_test_setup(test_stranded_domains, setup),
	        cmocka_unit_test_setup(test_control_hears_of_ends, setup),
	        cmocka_unit_test_setup(test_no_run_flag, setup),
	        cmocka_unit_test_setup(test_wallclock_config, setup),
	        cmocka_unit_test_setup(test_fast_path_results_match_slow_path, setup),
	        cmocka_unit_test_setup(test_fast_path_refuses_the_others, setup),
	        cmocka_unit_test_setup(test_fast_path_past_a_deadline_exits_after, setup),
	        cmocka_unit_test_setup(test_fast_path_guest_timer_and_upcall, setup),
	        cmocka_unit_test_setup(test_fast_path_counts_as_run_time, setup),
	        cmocka_unit_test_setup(test_port_forgets_vcpus_and_address_spaces_first, setup),
	        cmocka_unit_test_setup(test_console_input_polled_at_interrupts, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
