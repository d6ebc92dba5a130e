/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Test firmware for the boot tests. The word "scenario=<name>" on the
 * hypervisor command line picks the appliance description:
 *
 *   modules     every boot module describes its own domain (default)
 *   missing     a domain names a boot module that is not there
 *   bad-config  a description with bad fields, refused by name
 *   static      two domains in fixed partitions (hv_mem_static)
 *   bvt         like modules, scheduled by BVT (weights from weight=)
 *   panic       the hypervisor faults (ud2) before hv_main()
 *   port-as     before hv_main() (then as modules), the port's guest
 *               address-space calls on real page tables, with two tiny
 *               guests that show what the CPU sees (port_as_selftest())
 */
#include <hv/hv.h>

static const struct hv_config modules_config = {
        .version = HV_CONFIG_VERSION,
        .name = "test-modules",
        .flags = HV_CONFIG_F_MODULE_DOMAINS,
        .tick_ns = 1000000,
        .selftest_ticks = 5,
};

static const struct hv_config bvt_config = {
        .version = HV_CONFIG_VERSION,
        .name = "test-bvt",
        .flags = HV_CONFIG_F_MODULE_DOMAINS,
        .sched = &hv_sched_bvt,
        .tick_ns = 10000000,
        .selftest_ticks = 5,
};

static const struct hv_domain_config missing_domains[] = {
        {.name = "app", .image = "nosuch", .mem_size = 4u << 20, .vcpu_count = 1},
};

static const struct hv_config missing_config = {
        .version = HV_CONFIG_VERSION,
        .name = "test-missing",
        .domains = missing_domains,
        .domain_count = 1,
        .flags = HV_CONFIG_F_NO_RUN,
};

static const struct hv_domain_config bad_domains[] = {
        {.name = "ok", .image = "ok", .mem_size = 4u << 20, .vcpu_count = 1},
        {.name = "bad one", .image = "img", .mem_size = 0, .vcpu_count = 0},
};

static const struct hv_config bad_config = {
        .version = HV_CONFIG_VERSION,
        .name = "test-bad-config",
        .domains = bad_domains,
        .domain_count = 2,
        .flags = HV_CONFIG_F_NO_RUN,
};

static const struct hv_domain_config static_domains[] = {
        {.name = "part1",
         .image = "part1",
         .mem_size = 16u << 20,
         .vcpu_count = 1,
         .mem_base = 0x4000000},
        {.name = "part2",
         .image = "part2",
         .mem_size = 8u << 20,
         .vcpu_count = 1,
         .mem_base = 0x6000000},
};

static const struct hv_config static_config = {
        .version = HV_CONFIG_VERSION,
        .name = "test-static",
        .mem = &hv_mem_static,
        .domains = static_domains,
        .domain_count = 2,

};

/* True if the command line has the word "scenario=<name>". */
static bool scenario_is(const char *cmdline, const char *name)
{
	static const char key[] = "scenario=";

	for (const char *p = cmdline; *p != '\0'; p++) {
		const char *k = key;
		const char *q = p;
		const char *n = name;

		if (p != cmdline && p[-1] != ' ') {
			continue;
		}
		while (*k != '\0' && *q == *k) {
			q++;
			k++;
		}
		if (*k != '\0') {
			continue;
		}
		while (*n != '\0' && *q == *n) {
			q++;
			n++;
		}
		if (*n == '\0' && (*q == '\0' || *q == ' ')) {
			return true;
		}
	}
	return false;
}

/*
 * scenario=port-as: a self-test of hv_port_as_map(), hv_port_as_unmap() and
 * hv_port_as_query() (port interface 4) on the real port, before hv_main(),
 * so that nothing else owns the CPU's address-space state yet. Its memory
 * is static frames of this image, which the port reserves, so the core
 * never hands them out. Two address spaces, r1 and r2, each map the same
 * code page at PAS_CODE and a data page at PAS_DATA (frame A in r1, B in
 * r2), and each has a vCPU running this loop in ring 3:
 *
 *     1: movq PAS_DATA, %rdi; movl $PAS_NR, %eax; syscall; jmp 1b
 *
 * so every run ends with a hypercall exit carrying the first word of its
 * data page in args[0], or with a #PF exit once PAS_DATA is unmapped. The
 * hypercall number is above 63, so the port takes the ordinary exit
 * without asking the core (not set up yet).
 *
 * The checks: the bookkeeping on r1 before any root is loaded (query,
 * unmap, unmap again, bad addresses); then an unmap while r1 is loaded,
 * right after the guest's and the hypervisor's own reads through PAS_DATA
 * put its translation in the TLB (both reads run under QEMU's TLB too,
 * which, like a CPU's, is not refreshed by page-table writes alone): a
 * copy from the guest must fail and the guest must fault, which only
 * holds if the port invalidated the entry; a new mapping there is seen at
 * once (no flush needed for a non-present entry); and an unmap of r1 while
 * r2 is loaded, after r1's translation was cached, must be seen when r1 is
 * loaded again (the CR3 load flushes it). Any mismatch prints a line
 * "port-as: <what>: ..." and ends the run with a panic (verdict FAIL).
 */
#define PAS_FRAMES 16
#define PAS_CODE   UINT64_C(0x400000)
#define PAS_DATA   UINT64_C(0x401000)
#define PAS_NR     0x1000
#define PAS_A      UINT64_C(0x1111aaaa2222bbbb)
#define PAS_B      UINT64_C(0x3333cccc4444dddd)

static _Alignas(HV_PAGE_SIZE) unsigned char pas_mem[PAS_FRAMES][HV_PAGE_SIZE];
static struct hv_port_vcpu pas_vcpu[2];
static unsigned int pas_next; /* first frame the table allocator has not given */
static unsigned int pas_checks;
static unsigned int pas_failed;

static const unsigned char pas_code[] = {
        0x48, 0x8b, 0x3c, 0x25, 0x00, 0x10, 0x40, 0x00, /* movq PAS_DATA, %rdi */
        0xb8, 0x00, 0x10, 0x00, 0x00,                   /* movl $PAS_NR, %eax */
        0x0f, 0x05,                                     /* syscall */
        0xeb, 0xef,                                     /* jmp back to the movq */
};

static hv_paddr_t pas_pa(unsigned int frame)
{
	return hv_port_virt_to_phys(pas_mem[frame]);
}

static int pas_alloc(void *ctx, hv_paddr_t *pa)
{
	(void)ctx;
	if (pas_next == PAS_FRAMES) {
		return -HV_ENOMEM;
	}
	*pa = pas_pa(pas_next++);
	return 0;
}

static const struct hv_port_pt_alloc pas_pt = {.alloc = pas_alloc};

static void pas_rc(int got, int want, const char *what)
{
	pas_checks++;
	if (got != want) {
		pas_failed++;
		hv_err("port-as: %s: returned %d (%s), want %d (%s)", what, got, hv_strerror(got),
		       want, hv_strerror(want));
	}
}

static void pas_eq(uint64_t got, uint64_t want, const char *what)
{
	pas_checks++;
	if (got != want) {
		pas_failed++;
		hv_err("port-as: %s: %#llx, want %#llx", what, (unsigned long long)got,
		       (unsigned long long)want);
	}
}

/* Runs v until it exits for something other than an interrupt. */
static void pas_run(struct hv_port_vcpu *v, struct hv_exit *e)
{
	for (int i = 0; i < 100; i++) {
		hv_port_vcpu_run(v, e);
		if (e->reason != HV_EXIT_INTERRUPT) {
			return;
		}
	}
}

static void pas_exit_report(const struct hv_exit *e, const char *what)
{
	hv_err("port-as: %s: exit reason %u vector %u error %#llx address %#llx pc %#llx nr %#llx "
	       "arg0 %#llx",
	       what, e->reason, e->vector, (unsigned long long)e->error_code,
	       (unsigned long long)e->fault_addr, (unsigned long long)e->pc,
	       (unsigned long long)e->nr, (unsigned long long)e->args[0]);
}

/* The guest read 'word' through PAS_DATA and made its hypercall. */
static void pas_expect_read(struct hv_port_vcpu *v, uint64_t word, const char *what)
{
	struct hv_exit e = {0};

	pas_run(v, &e);
	pas_checks++;
	if (e.reason != HV_EXIT_HYPERCALL || e.nr != PAS_NR || e.args[0] != word) {
		pas_failed++;
		pas_exit_report(&e, what);
	}
}

/* The guest's read through PAS_DATA faulted: not present, from ring 3. */
static void pas_expect_fault(struct hv_port_vcpu *v, const char *what)
{
	struct hv_exit e = {0};

	pas_run(v, &e);
	pas_checks++;
	if (e.reason != HV_EXIT_EXCEPTION || e.vector != 14 || e.fault_addr != PAS_DATA ||
	    (e.error_code & 1) != 0 || (e.error_code & 4) == 0 || e.pc != PAS_CODE) {
		pas_failed++;
		pas_exit_report(&e, what);
	}
}

static void port_as_selftest(void)
{
	const uint32_t no_nx_exec =
	        (hv_port_info()->features & HV_PORT_FEAT_NX) ? 0 : HV_PORT_MAP_EXEC;
	const uint64_t limit = hv_port_guest_va_limit();
	const hv_paddr_t code = pas_pa(0), a = pas_pa(1), b = pas_pa(2);
	const hv_paddr_t r1 = pas_pa(3), r2 = pas_pa(4);
	hv_paddr_t pa = 0;
	uint32_t flags = 0;
	uint64_t word = 0;

	pas_next = 5;
	__builtin_memcpy(pas_mem[0], pas_code, sizeof(pas_code));
	__builtin_memcpy(pas_mem[1], &(uint64_t){PAS_A}, sizeof(uint64_t));
	__builtin_memcpy(pas_mem[2], &(uint64_t){PAS_B}, sizeof(uint64_t));
	pas_rc(hv_port_as_init(r1), 0, "as_init r1");
	pas_rc(hv_port_as_init(r2), 0, "as_init r2");

	/* r1, never loaded: the bookkeeping. */
	pas_rc(hv_port_as_query(r1, PAS_DATA, &pa, &flags), -HV_ENOENT, "query before map");
	pas_rc(hv_port_as_map(r1, PAS_DATA, a, HV_PORT_MAP_WRITE, &pas_pt), 0, "map");
	pas_rc(hv_port_as_query(r1, PAS_DATA, &pa, &flags), 0, "query");
	pas_eq(pa, a, "query: frame");
	pas_eq(flags, HV_PORT_MAP_WRITE | no_nx_exec, "query: flags");
	pa = 0;
	pas_rc(hv_port_as_query(r1, PAS_DATA + 0x123, &pa, NULL), 0, "query inside the page");
	pas_eq(pa, a, "query inside the page: frame");
	pas_rc(hv_port_as_query(r1, PAS_DATA + HV_PAGE_SIZE, NULL, NULL), -HV_ENOENT,
	       "query of the next page");
	pa = 0;
	pas_rc(hv_port_as_unmap(r1, PAS_DATA, &pa), 0, "unmap");
	pas_eq(pa, a, "unmap: frame");
	pas_rc(hv_port_as_query(r1, PAS_DATA, &pa, &flags), -HV_ENOENT, "query after unmap");
	pas_rc(hv_port_as_unmap(r1, PAS_DATA, &pa), -HV_ENOENT, "unmap again");
	pas_rc(hv_port_as_unmap(r1, PAS_DATA, NULL), -HV_ENOENT, "unmap again, no frame wanted");
	pas_rc(hv_port_as_unmap(r1, PAS_DATA + 8, NULL), -HV_EINVAL, "unmap unaligned");
	pas_rc(hv_port_as_unmap(r1, limit, NULL), -HV_EINVAL, "unmap at the guest limit");
	pas_rc(hv_port_as_unmap(r1, UINT64_C(0xffff800000000000), NULL), -HV_EINVAL,
	       "unmap in the hypervisor half");
	pas_rc(hv_port_as_query(r1, limit, NULL, NULL), -HV_EINVAL, "query at the guest limit");
	pas_rc(hv_port_as_query(r1, UINT64_MAX - 0xfff, NULL, NULL), -HV_EINVAL,
	       "query in the hypervisor half");
	/* The same place again, now read-only: the tables were kept, none is needed. */
	{
		unsigned int tables = pas_next;

		pas_rc(hv_port_as_map(r1, PAS_DATA, a, 0, &pas_pt), 0, "map again");
		pas_eq(pas_next, tables, "map again: tables allocated");
	}
	pas_rc(hv_port_as_query(r1, PAS_DATA, NULL, &flags), 0, "query read-only");
	pas_eq(flags, no_nx_exec, "query read-only: flags");
	pas_rc(hv_port_as_map(r1, PAS_CODE, code, HV_PORT_MAP_EXEC, &pas_pt), 0, "map code r1");
	pas_rc(hv_port_as_query(r1, PAS_CODE, NULL, &flags), 0, "query code");
	pas_eq(flags, HV_PORT_MAP_EXEC, "query code: flags");
	pas_rc(hv_port_as_map(r2, PAS_CODE, code, HV_PORT_MAP_EXEC, &pas_pt), 0, "map code r2");
	pas_rc(hv_port_as_map(r2, PAS_DATA, b, 0, &pas_pt), 0, "map data r2");
	/* No stack: the loop uses none. */
	hv_port_vcpu_init(&pas_vcpu[0], r1, PAS_CODE, 0, 0);
	hv_port_vcpu_init(&pas_vcpu[1], r2, PAS_CODE, 0, 0);

	/* r1 loaded: its translation of PAS_DATA cached by the guest and by a copy. */
	pas_expect_read(&pas_vcpu[0], PAS_A, "r1 guest reads A");
	pas_rc(hv_port_copy_from_guest(&word, PAS_DATA, sizeof(word)), 0, "copy from r1");
	pas_eq(word, PAS_A, "copy from r1: word");
	pas_rc(hv_port_as_query(r1, PAS_DATA, &pa, NULL), 0, "query while loaded");
	pas_eq(pa, a, "query while loaded: frame");
	pa = 0;
	pas_rc(hv_port_as_unmap(r1, PAS_DATA, &pa), 0, "unmap while loaded");
	pas_eq(pa, a, "unmap while loaded: frame");
	pas_rc(hv_port_copy_from_guest(&word, PAS_DATA, sizeof(word)), -HV_EFAULT,
	       "copy after unmap while loaded (stale TLB entry?)");
	pas_expect_fault(&pas_vcpu[0],
	                 "r1 guest reads after unmap while loaded (stale TLB entry?)");
	pas_rc(hv_port_as_map(r1, PAS_DATA, a, 0, &pas_pt), 0, "map while loaded");
	pas_expect_read(&pas_vcpu[0], PAS_A, "r1 guest retries after map while loaded");

	/* r2 loaded, r1's translation cached from before: unmap in r1. */
	pas_expect_read(&pas_vcpu[1], PAS_B, "r2 guest reads B");
	pas_rc(hv_port_as_unmap(r1, PAS_DATA, &pa), 0, "unmap while not loaded");
	pas_eq(pa, a, "unmap while not loaded: frame");
	pas_rc(hv_port_as_query(r2, PAS_DATA, &pa, NULL), 0, "query r2 after unmap in r1");
	pas_eq(pa, b, "query r2 after unmap in r1: frame");
	pas_expect_fault(&pas_vcpu[0], "r1 guest reads after unmap while not loaded");
	pas_rc(hv_port_copy_from_guest(&word, PAS_DATA, sizeof(word)), -HV_EFAULT,
	       "copy after unmap while not loaded");
	pas_expect_read(&pas_vcpu[1], PAS_B, "r2 guest still reads B");

	/* Give the CPU back as the core expects to find it. */
	hv_port_vcpu_destroy(&pas_vcpu[0]);
	hv_port_vcpu_destroy(&pas_vcpu[1]);
	hv_port_as_destroy(r1);
	hv_port_as_destroy(r2);
	if (pas_failed != 0) {
		hv_panic("port-as: %u of %u checks failed", pas_failed, pas_checks);
	}
	hv_info("port-as: %u checks passed (NX %s)", pas_checks, no_nx_exec ? "off" : "on");
}

int hv_firmware_main(const struct hv_boot_info *boot)
{
	if (scenario_is(boot->cmdline, "panic")) {
		hv_info("scenario panic: executing ud2 in the hypervisor");
		__builtin_trap();
	}
	if (scenario_is(boot->cmdline, "port-as")) {
		port_as_selftest();
		return hv_main(&modules_config, boot);
	}
	if (scenario_is(boot->cmdline, "missing")) {
		return hv_main(&missing_config, boot);
	}
	if (scenario_is(boot->cmdline, "bad-config")) {
		return hv_main(&bad_config, boot);
	}
	if (scenario_is(boot->cmdline, "bvt")) {
		return hv_main(&bvt_config, boot);
	}
	if (scenario_is(boot->cmdline, "static")) {
		return hv_main(&static_config, boot);
	}
	return hv_main(&modules_config, boot);
}
