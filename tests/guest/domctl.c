/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Domain control from the control domain (see domctl.h), through
 * libhvctl: every operation with bad arguments; a child's life cycle
 * (created, running, paused, resumed, destroyed); and 100 cycles of
 * create, connect (an event channel and a grant each way), use, and end —
 * half powering off, half destroyed while every link is in use — after
 * each of which every hypervisor counter is back to its starting value.
 */
#include <hv/ctl.h>
#include <hv/guest/guest.h>
#include <hv/guest/test.h>

#include "domctl.h"

#define CYCLES 100

/* Bytes of each line the child prints in "mode=talk" (see domctl_child.c). */
#define LINE 59ull

static uint64_t *page;
static volatile uint64_t hits[HV_EVENT_PORTS];

static void count(uint32_t port, void *arg)
{
	(void)arg;
	hits[port]++;
}

static struct hvctl_create child(const char *name, const char *cmdline)
{
	return (struct hvctl_create){.image = "child",
	                             .name = name,
	                             .mem_size = 2ull << 20,
	                             .on_crash = HV_DOMCTL_CRASH_DESTROY,
	                             .cmdline = cmdline};
}

static uint32_t state_of(int domid)
{
	struct hv_domctl_info info = {.state = UINT32_MAX};

	hvctl_domain_info((uint16_t)domid, &info);
	return info.state;
}

/* Waits up to 3 s for a domain to reach 'state'. */
static bool wait_state(int domid, uint32_t state)
{
	uint64_t deadline = hvg_time_ns() + 3000 * HVG_MS;

	while (state_of(domid) != state && hvg_time_ns() < deadline) {
		hvg_sleep_ns(HVG_MS);
	}
	return state_of(domid) == state;
}

/*
 * Destroys a domain and waits until its memory is back (destroy gives it
 * back in bounded steps: the domain is DYING meanwhile).
 */
static bool destroy_and_wait(int domid)
{
	return HVG_CHECK_EQ(hvctl_domain_destroy((uint16_t)domid), 0) &&
	       HVG_CHECK(wait_state(domid, HV_DOMCTL_STATE_DEAD));
}

HVG_TEST(refuses_bad_requests)
{
	struct hvctl_create req = child("bad", NULL);
	struct hv_domctl_info info;
	uint16_t self = hvg_start_info()->domid;

	HVG_REQUIRE(hvg_start_info()->flags & HV_START_F_CONTROL);
	req.image = "no-such-module";
	HVG_CHECK_EQ(hvctl_domain_create(&req), -HV_ENOENT);
	req = child("bad", NULL);
	req.mem_size = 12345;
	HVG_CHECK_EQ(hvctl_domain_create(&req), -HV_EINVAL);
	req.mem_size = 1ull << 40;
	HVG_CHECK_EQ(hvctl_domain_create(&req), -HV_ENOMEM);
	req = child("a-name-far-too-long-for-any-domain", NULL);
	HVG_CHECK_EQ(hvctl_domain_create(&req), -HV_E2BIG);
	req = child("bad name", NULL);
	HVG_CHECK_EQ(hvctl_domain_create(&req), -HV_EINVAL);
	req = child("witness", NULL);
	HVG_CHECK_EQ(hvctl_domain_create(&req), -HV_EEXIST);
	req = child("bad", NULL);
	req.vcpus = 99;
	HVG_CHECK_EQ(hvctl_domain_create(&req), -HV_EINVAL);
	req = child("bad", NULL);
	req.on_crash = 7;
	HVG_CHECK_EQ(hvctl_domain_create(&req), -HV_EINVAL);
	req = child("bad", NULL);
	req.flags = 2;
	HVG_CHECK_EQ(hvctl_domain_create(&req), -HV_EINVAL);
	req = child("bad", NULL);
	req.pool = 5;
	HVG_CHECK_EQ(hvctl_domain_create(&req), -HV_ENOENT);
	req.pool = 99;
	HVG_CHECK_EQ(hvctl_domain_create(&req), -HV_EINVAL);
	/* The witness itself is an image of the wrong kind? No: not an image module at all. */
	HVG_CHECK_EQ(hvctl_domain_destroy(self), -HV_EINVAL);
	HVG_CHECK_EQ(hvctl_domain_pause(self), -HV_EINVAL);
	HVG_CHECK_EQ(hvctl_domain_destroy(60), -HV_ENOENT);
	HVG_CHECK_EQ(hvctl_domain_unpause(0x7fff), -HV_EINVAL);
	HVG_CHECK_EQ(hvctl_domain_info(0x7fff, &info), -HV_EINVAL);
	HVG_CHECK_EQ(hvctl_domain_info(60, &info), -HV_ENOENT);
	HVG_CHECK_EQ(hvctl_domain_info(self, NULL), -HV_EFAULT);
	HVG_CHECK_EQ(hvg_hypercall2(HV_HC_DOMCTL, HV_DOMCTL_CREATE, 0), -HV_EFAULT);
	HVG_CHECK_EQ(hvg_hypercall2(HV_HC_DOMCTL, 99, 0), -HV_EINVAL);
	/* Nothing was left behind. */
	HVG_CHECK_EQ(hvctl_domain_list(&info, 1), 1);
}

HVG_TEST(runs_a_life_cycle)
{
	struct hvctl_create req = child("life", "mode=idle");
	struct hv_domctl_info info;
	int id = hvctl_domain_create(&req);
	uint32_t state;
	uint64_t cpu;

	HVG_REQUIRE(id > 0);
	HVG_CHECK_EQ(hvctl_domain_info((uint16_t)id, &info), 0);
	HVG_CHECK_EQ(info.state, HV_DOMCTL_STATE_CREATED);
	HVG_CHECK(info.name[0] == 'l' && info.name[1] == 'i' && info.name[4] == '\0');
	HVG_CHECK_EQ(info.frames, info.frames_reserved);
	HVG_CHECK_EQ(info.frames_reserved, 512);
	HVG_CHECK_EQ(info.flags, 0);
	HVG_CHECK_EQ(hvctl_domain_create(&req), -HV_EEXIST);
	HVG_CHECK_EQ(hvctl_domain_pause((uint16_t)id), -HV_EALREADY);
	HVG_CHECK_EQ(hvctl_domain_unpause((uint16_t)id), 0);
	HVG_CHECK_EQ(hvctl_domain_unpause((uint16_t)id), -HV_EALREADY);
	/* It cannot connect (nothing offered), so it ends up blocked or spinning: either runs. */
	/* It spins a quarter and sleeps a millisecond at a time. */
	hvg_sleep_ns(5 * HVG_MS);
	state = state_of(id);
	HVG_CHECK(state == HV_DOMCTL_STATE_RUNNING || state == HV_DOMCTL_STATE_BLOCKED);
	HVG_CHECK_EQ(hvctl_domain_pause((uint16_t)id), 0);
	HVG_CHECK_EQ(state_of(id), HV_DOMCTL_STATE_PAUSED);
	HVG_CHECK_EQ(hvctl_domain_pause((uint16_t)id), -HV_EALREADY);
	HVG_CHECK_EQ(hvctl_domain_info((uint16_t)id, &info), 0);
	cpu = info.cpu_time_ns;
	HVG_CHECK(cpu > 0);
	HVG_CHECK_EQ(info.vcpu[0].state, HV_DOMCTL_VCPU_PAUSED);
	hvg_sleep_ns(10 * HVG_MS);
	HVG_CHECK_EQ(hvctl_domain_info((uint16_t)id, &info), 0);
	HVG_CHECK_EQ(info.cpu_time_ns, cpu); /* paused: no CPU time */
	HVG_CHECK_EQ(hvctl_domain_unpause((uint16_t)id), 0);
	hvg_sleep_ns(10 * HVG_MS);
	HVG_CHECK_EQ(hvctl_domain_info((uint16_t)id, &info), 0);
	HVG_CHECK(info.cpu_time_ns > cpu); /* resumed */
	/* One vCPU: its virtual time is the domain's CPU time; it runs, waits or sleeps. */
	HVG_CHECK_EQ(info.vcpus, 1);
	HVG_CHECK_EQ(info.vcpu[0].run_time_ns, info.cpu_time_ns);
	HVG_CHECK(info.vcpu[0].state == HV_DOMCTL_VCPU_RUNNABLE ||
	          info.vcpu[0].state == HV_DOMCTL_VCPU_BLOCKED);
	HVG_CHECK_EQ(info.vcpu[1].state, HV_DOMCTL_VCPU_DOWN);
	destroy_and_wait(id);
	HVG_CHECK_EQ(hvctl_domain_destroy((uint16_t)id), -HV_ENOENT);
	HVG_CHECK_EQ(hvctl_domain_unpause((uint16_t)id), -HV_ENOENT);
}

/* A domain created with the control privilege has it (and can be destroyed like any). */
HVG_TEST(creates_a_privileged_domain)
{
	struct hvctl_create req = child("manager", "mode=idle");
	struct hv_domctl_info info;
	int id;

	req.flags = HV_DOMCTL_F_CONTROL;
	id = hvctl_domain_create(&req);
	HVG_REQUIRE(id > 0);
	HVG_CHECK_EQ(hvctl_domain_info((uint16_t)id, &info), 0);
	HVG_CHECK_EQ(info.flags, 1);
	destroy_and_wait(id);
}

/* Destroy works in every state: created, running or blocked, paused, crashed and kept, dying. */
HVG_TEST(destroys_in_every_state)
{
	struct hvctl_create idle = child("victim", "mode=idle");
	struct hvctl_create crash = child("victim", "mode=crash");
	struct hv_domctl_counters before;
	struct hv_domctl_counters after;
	int id;

	HVG_REQUIRE(hvctl_counters(&before) == 0);
	/* Created, never started ("mid-creation" from the outside). */
	id = hvctl_domain_create(&idle);
	HVG_REQUIRE(id > 0);
	HVG_CHECK_EQ(state_of(id), HV_DOMCTL_STATE_CREATED);
	destroy_and_wait(id);
	/* Running or blocked. */
	id = hvctl_domain_create(&idle);
	HVG_REQUIRE(id > 0);
	HVG_CHECK_EQ(hvctl_domain_unpause((uint16_t)id), 0);
	hvg_sleep_ns(3 * HVG_MS);
	destroy_and_wait(id);
	/* Paused. */
	id = hvctl_domain_create(&idle);
	HVG_REQUIRE(id > 0);
	HVG_CHECK_EQ(hvctl_domain_unpause((uint16_t)id), 0);
	HVG_CHECK_EQ(hvctl_domain_pause((uint16_t)id), 0);
	destroy_and_wait(id);
	/* Crashed and kept. */
	crash.on_crash = HV_DOMCTL_CRASH_KEEP;
	id = hvctl_domain_create(&crash);
	HVG_REQUIRE(id > 0);
	HVG_CHECK_EQ(hvctl_domain_unpause((uint16_t)id), 0);
	HVG_CHECK(wait_state(id, HV_DOMCTL_STATE_CRASHED));
	destroy_and_wait(id);
	/* Dead: a second destroy is refused. */
	HVG_CHECK_EQ(hvctl_domain_destroy((uint16_t)id), -HV_ENOENT);
	HVG_REQUIRE(hvctl_counters(&after) == 0);
	HVG_CHECK_EQ(after.free_frames, before.free_frames);
	HVG_CHECK_EQ(after.frame_refs, before.frame_refs);
	HVG_CHECK_EQ(after.domains, before.domains);
}

HVG_TEST(reads_console_output)
{
	struct hvctl_create req = child("talker", "mode=talk");
	int id = hvctl_domain_create(&req);
	uint64_t pos = 0;
	uint64_t dropped = 0;
	uint64_t deadline;
	char buf[4096];
	int n;

	HVG_REQUIRE(id > 0);
	HVG_CHECK_EQ(hvctl_domain_unpause((uint16_t)id), 0);
	/* Until the last byte is there: a position not reached yet is refused. */
	deadline = hvg_time_ns() + 3000 * HVG_MS;
	do {
		hvg_sleep_ns(HVG_MS);
		pos = 100 * LINE - 1;
	} while (hvctl_console_read((uint16_t)id, &pos, buf, 1, NULL) != 1 &&
	         hvg_time_ns() < deadline);
	pos = 0;
	/* 100 lines of LINE bytes: more than the 4 KiB kept; the oldest are dropped. */
	n = hvctl_console_read((uint16_t)id, &pos, buf, sizeof(buf), &dropped);
	HVG_CHECK_EQ(n, 4096);
	HVG_CHECK_EQ(dropped, 100 * LINE - 4096);
	HVG_CHECK_EQ(pos, 100 * LINE);
	HVG_CHECK(buf[n - 1] == '\n' && buf[n - LINE] == 'l' && buf[n - LINE + 5] == '9' &&
	          buf[n - LINE + 6] == '9');
	HVG_CHECK_EQ(hvctl_console_read((uint16_t)id, &pos, buf, sizeof(buf), &dropped), 0);
	HVG_CHECK_EQ(dropped, 0);
	/* Part of a line, from a position; positions not reached; too big a buffer. */
	pos = 99 * LINE;
	HVG_CHECK_EQ(hvctl_console_read((uint16_t)id, &pos, buf, 5, NULL), 5);
	HVG_CHECK(buf[0] == 'l' && buf[4] == ' ');
	HVG_CHECK_EQ(pos, 99 * LINE + 5);
	pos = 100 * LINE + 1;
	HVG_CHECK_EQ(hvctl_console_read((uint16_t)id, &pos, buf, 5, NULL), -HV_EINVAL);
	pos = 0;
	HVG_CHECK_EQ(hvctl_console_read((uint16_t)id, &pos, buf, 4097, NULL), -HV_E2BIG);
	HVG_CHECK_EQ(hvctl_console_read(60, &pos, buf, 5, NULL), -HV_ENOENT);
	/* Its own console, too. */
	pos = 0;
	HVG_CHECK(hvctl_console_read(hvg_start_info()->domid, &pos, buf, 64, NULL) > 0);
	destroy_and_wait(id);
	/* An ended domain's output stays readable until its slot is reused. */
	pos = 100 * LINE - 10;
	HVG_CHECK_EQ(hvctl_console_read((uint16_t)id, &pos, buf, 64, NULL), 10);
}

HVG_TEST(applies_crash_policies)
{
	struct hvctl_create req = child("crasher", "mode=crash");
	struct hv_domctl_info info;
	int id = hvctl_domain_create(&req);

	HVG_REQUIRE(id > 0);
	HVG_CHECK_EQ(hvctl_set_crash_policy((uint16_t)id, 9), -HV_EINVAL);
	HVG_CHECK_EQ(hvctl_set_crash_policy(60, HV_DOMCTL_CRASH_KEEP), -HV_ENOENT);
	HVG_CHECK_EQ(hvctl_set_crash_policy((uint16_t)id, HV_DOMCTL_CRASH_KEEP), 0);
	HVG_CHECK_EQ(hvctl_domain_unpause((uint16_t)id), 0);
	HVG_CHECK(wait_state(id, HV_DOMCTL_STATE_CRASHED));
	HVG_CHECK_EQ(hvctl_domain_info((uint16_t)id, &info), 0);
	HVG_CHECK(info.crash_reason[0] == 't');          /* "the guest called shutdown(crash)" */
	HVG_CHECK_EQ(info.frames, info.frames_reserved); /* kept: memory too */
	/* Reset rebuilds it; with "restart" it comes back 3 times, then is destroyed. */
	HVG_CHECK_EQ(hvctl_set_crash_policy((uint16_t)id, HV_DOMCTL_CRASH_RESTART), 0);
	HVG_CHECK_EQ(hvctl_domain_reset((uint16_t)id), 0);
	HVG_CHECK(wait_state(id, HV_DOMCTL_STATE_DEAD));
	HVG_CHECK_EQ(hvctl_domain_info((uint16_t)id, &info), 0);
	HVG_CHECK_EQ(info.restarts, 4); /* the reset and three restarts */
	HVG_CHECK_EQ(info.frames, 0);
	HVG_CHECK_EQ(hvctl_domain_reset((uint16_t)id), -HV_ENOENT);
}

HVG_TEST(sets_the_wall_clock)
{
	const volatile struct hv_shared_info *sh = hvg_shared_info();
	uint64_t wc0;

	HVG_CHECK_EQ(hvctl_set_wallclock(1000000000ull * 0 + 5, 2000000000u), -HV_EINVAL);
	HVG_CHECK_EQ(hvctl_set_wallclock(0, 0), -HV_EINVAL); /* before system time 0 */
	HVG_CHECK_EQ(hvctl_set_wallclock(1800000000ull, 0), 0);
	/* Published at system time 0: add the system time to get now. */
	wc0 = sh->wc_sec * 1000000000ull + sh->wc_nsec;
	HVG_CHECK(wc0 + hvg_time_ns() >= 1800000000ull * 1000000000ull);
	HVG_CHECK(wc0 + hvg_time_ns() < 1800000001ull * 1000000000ull);
}

HVG_TEST(brokers_a_channel_between_two_domains)
{
	struct hvctl_create a = child("link-a", "mode=link");
	struct hvctl_create b = child("link-b", "mode=link");
	struct hv_domctl_info info;
	uint32_t port_a = 0;
	uint32_t port_b = 0;
	int ida = hvctl_domain_create(&a);
	int idb = hvctl_domain_create(&b);
	uint64_t deadline;

	HVG_REQUIRE(ida > 0 && idb > 0);
	HVG_CHECK_EQ(hvctl_domain_unpause((uint16_t)ida), 0);
	HVG_CHECK_EQ(hvctl_domain_unpause((uint16_t)idb), 0);
	HVG_CHECK_EQ(hvctl_evtchn_connect((uint16_t)ida, (uint16_t)ida, &port_a, &port_b),
	             -HV_EINVAL);
	HVG_CHECK_EQ(hvctl_evtchn_connect(hvg_start_info()->domid, (uint16_t)idb, &port_a, &port_b),
	             -HV_EINVAL);
	HVG_CHECK_EQ(hvctl_evtchn_connect((uint16_t)ida, 60, &port_a, &port_b), -HV_ENOENT);
	HVG_CHECK_EQ(hvctl_evtchn_connect((uint16_t)ida, (uint16_t)idb, &port_a, &port_b), 0);
	/* Each finds its end and sends on it: both receive an event. */
	deadline = hvg_time_ns() + 3000 * HVG_MS;
	do {
		hvg_sleep_ns(HVG_MS);
		HVG_CHECK_EQ(hvctl_domain_info((uint16_t)idb, &info), 0);
	} while ((info.events_sent == 0 || info.events_received < 2) && hvg_time_ns() < deadline);
	HVG_CHECK_EQ(info.events_sent, 1);
	HVG_CHECK_EQ(hvctl_domain_info((uint16_t)ida, &info), 0);
	HVG_CHECK_EQ(info.events_sent, 1);
	destroy_and_wait(ida);
	destroy_and_wait(idb);
}

/*
 * A minimal guest image built here, in this domain's memory: one loadable
 * segment holding the ELF header, the program header and three
 * instructions that shut the domain down (poweroff).
 */
struct tiny_elf {
	uint8_t ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
	/* The program header. */
	uint32_t p_type, p_flags;
	uint64_t p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
	uint8_t code[16];
};

static void make_tiny_elf(struct tiny_elf *e)
{
	/* mov eax, HV_HC_SHUTDOWN; xor edi, edi (POWEROFF); syscall; ud2 */
	static const uint8_t code[] = {0xb8, HV_HC_SHUTDOWN, 0,    0,    0,   0x31,
	                               0xff, 0x0f,           0x05, 0x0f, 0x0b};
	const uint64_t base = 0x400000;

	*e = (struct tiny_elf){.ident = {0x7f, 'E', 'L', 'F', 2, 1, 1},
	                       .type = 2,     /* ET_EXEC */
	                       .machine = 62, /* x86-64 */
	                       .version = 1,
	                       .entry = base + __builtin_offsetof(struct tiny_elf, code),
	                       .phoff = __builtin_offsetof(struct tiny_elf, p_type),
	                       .ehsize = 64,
	                       .phentsize = 56,
	                       .phnum = 1,
	                       .p_type = 1,  /* PT_LOAD */
	                       .p_flags = 5, /* R+X */
	                       .p_vaddr = base,
	                       .p_paddr = base,
	                       .p_filesz = sizeof(*e),
	                       .p_memsz = sizeof(*e),
	                       .p_align = 4096};
	for (unsigned int i = 0; i < sizeof(code); i++) {
		e->code[i] = code[i];
	}
}

HVG_TEST(creates_from_an_image_in_memory)
{
	static struct tiny_elf elf;
	struct hvctl_create req = {.name = "tiny", .mem_size = 1ull << 20};
	struct hv_domctl_counters before;
	struct hv_domctl_counters after;
	struct hv_domctl_info info;
	int id;

	_Static_assert(__builtin_offsetof(struct tiny_elf, p_type) == 64, "ELF header");
	_Static_assert(__builtin_offsetof(struct tiny_elf, code) == 120, "program header");
	make_tiny_elf(&elf);
	HVG_REQUIRE(hvctl_counters(&before) == 0);
	req.image_data = &elf;
	req.image_size = sizeof(elf);
	id = hvctl_domain_create(&req);
	HVG_REQUIRE(id > 0);
	HVG_CHECK_EQ(hvctl_domain_unpause((uint16_t)id), 0);
	HVG_CHECK(wait_state(id, HV_DOMCTL_STATE_DEAD));
	HVG_CHECK_EQ(hvctl_domain_info((uint16_t)id, &info), 0);
	HVG_CHECK_EQ(info.crash_reason[0], '\0'); /* powered off, not crashed */
	/* Bad images: garbage, too big, unreadable; checked before anything is built. */
	elf.machine = 3;
	HVG_CHECK_EQ(hvctl_domain_create(&req), -HV_ENOEXEC);
	req.image_size = HV_DOMCTL_IMAGE_MAX + 1;
	HVG_CHECK_EQ(hvctl_domain_create(&req), -HV_E2BIG);
	req.image_data = (const void *)(uintptr_t)0x7f0000000000ull;
	req.image_size = 4096;
	HVG_CHECK_EQ(hvctl_domain_create(&req), -HV_EFAULT);
	HVG_REQUIRE(hvctl_counters(&after) == 0);
	HVG_CHECK_EQ(after.free_frames, before.free_frames);
	HVG_CHECK_EQ(after.domains, before.domains);
}

/* One cycle: returns false after failing a check. */
static bool cycle(unsigned int i, bool stay)
{
	struct hvctl_create req = child("cycler", stay ? "mode=stay" : "mode=exit");
	struct hv_evtchn_status st;
	volatile uint64_t *theirs = NULL;
	int id = hvctl_domain_create(&req);
	int port;
	int ref;
	int handle;
	uint64_t deadline = hvg_time_ns() + 3000 * HVG_MS;

	if (!HVG_CHECK(id > 0)) {
		return false;
	}
	page[0] = 0;
	page[1] = 0;
	hvg_on_event(HV_VIRQ_COUNT, count, NULL); /* the witness's first free port */
	port = hvg_evtchn_alloc_unbound((uint16_t)id);
	ref = hvg_grant_access((uint16_t)id, page, false);
	if (!HVG_CHECK(port >= 0 && ref >= 0)) {
		return false;
	}
	hvg_on_event((uint32_t)port, count, NULL);
	hits[port] = 0;
	HVG_CHECK_EQ(hvctl_domain_unpause((uint16_t)id), 0);
	/* Connected, written, notified (the bind raised the port once too). */
	while (page[0] == 0 && hvg_time_ns() < deadline) {
		hvg_block(hvg_time_ns() + HVG_MS);
	}
	if (!HVG_CHECK_EQ(page[0], CHILD_MAGIC + (uint64_t)id) ||
	    !HVG_CHECK_EQ(page[1], CHILD_CHECKS_OK)) {
		hvg_test_note("cycle %u: the child did not connect", i);
		return false;
	}
	handle = hvg_grant_map((uint16_t)id, 0, true, (void **)&theirs);
	if (!HVG_CHECK(handle >= 0) || !HVG_CHECK_EQ(theirs[0], GRANT_MAGIC + (uint64_t)id)) {
		return false;
	}
	HVG_CHECK_EQ(hvg_grant_mapped((uint32_t)ref), 1);
	if (stay) {
		/* Destroyed with every link in use: its channel, both grants. */
		destroy_and_wait(id);
	} else {
		HVG_CHECK_EQ(hvg_event_send((uint32_t)port), 0);
		HVG_CHECK(wait_state(id, HV_DOMCTL_STATE_DEAD));
	}
	HVG_CHECK_EQ(hvg_evtchn_status((uint32_t)port, &st), 0);
	HVG_CHECK_EQ(st.state, HV_EVTCHN_DISCONNECTED);
	HVG_CHECK_EQ(hvg_grant_mapped((uint32_t)ref), 0);
	HVG_CHECK_EQ(hvg_grant_unmap((uint32_t)handle), 0); /* revoked by its end */
	HVG_CHECK_EQ(hvg_grant_unmap((uint32_t)handle), -HV_ENOENT);
	HVG_CHECK_EQ(hvg_evtchn_close((uint32_t)port), 0);
	HVG_CHECK_EQ(hvg_grant_end((uint32_t)ref), 0);
	return true;
}

static bool same_counters(const struct hv_domctl_counters *a, const struct hv_domctl_counters *b)
{
	return a->free_frames == b->free_frames && a->frame_refs == b->frame_refs &&
	       a->domains == b->domains && a->ports == b->ports && a->grant_maps == b->grant_maps &&
	       a->grant_tables == b->grant_tables;
}

HVG_TEST(create_use_destroy_100_times)
{
	struct hv_domctl_counters before;
	struct hv_domctl_counters after;
	unsigned int done = 0;

	page = hvg_page_alloc();
	HVG_REQUIRE(page != NULL && hvg_grant_init(1) == 0);
	HVG_REQUIRE(hvctl_counters(&before) == 0);
	hvg_test_note("before: %llu free frames, %llu frame references, %u domains, %u ports, "
	              "%u grant mappings, %u grant tables",
	              (unsigned long long)before.free_frames, (unsigned long long)before.frame_refs,
	              before.domains, before.ports, before.grant_maps, before.grant_tables);
	for (unsigned int i = 0; i < CYCLES; i++) {
		if (!cycle(i, (i & 1) != 0)) {
			break;
		}
		HVG_REQUIRE(hvctl_counters(&after) == 0);
		if (!same_counters(&before, &after)) {
			hvg_test_fail(
			        "cycle %u: counters changed: %llu free frames, %llu references, "
			        "%u domains, %u ports, %u mappings, %u tables",
			        i, (unsigned long long)after.free_frames,
			        (unsigned long long)after.frame_refs, after.domains, after.ports,
			        after.grant_maps, after.grant_tables);
			break;
		}
		done++;
	}
	hvg_test_note("%u cycles, counters unchanged after each", done);
	HVG_CHECK_EQ(done, CYCLES);
}

HVG_TEST_MAIN()
