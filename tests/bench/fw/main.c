/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Benchmark firmware. Run under QEMU with -icount shift=0, where the cycle
 * counter advances once per guest instruction, so every figure below is an
 * exact, repeatable instruction count. Prints one `hv: bench: <name>
 * <value> <unit>` line per figure, then fails the verdict if a figure is over
 * its budget: budgets are deterministic, so a boot test can assert them.
 *
 * The allocators run over a frame table of their own: they keep all their
 * state in the table and never touch the frames, so no real memory is needed.
 * The schedulers run as instances of their own, outside the core, on a fake
 * clock: each picked vCPU "runs" for its slice, and the figure is the mean
 * cost of one pick_next decision with every vCPU runnable.
 */
#include <hv/hv.h>

#define FRAMES 4096 /* 16 MiB */
#define ROUNDS 1000
/*
 * Most a decision among 64 runnable vCPUs may cost, in multiples of one among
 * 4: log2(64) / log2(4) = 3, so BVT's and fair share's O(log n) heaps fit.
 */
#define SCHED_GROWTH_MAX 3

struct figure {
	const char *name;
	uint64_t value;
	uint64_t budget; /* most instructions allowed */
};

static struct hv_frame frames[FRAMES];
static uint64_t priv[HV_MEM_PRIV_MAX_SIZE / sizeof(uint64_t)];
static struct hv_mem mem;

static bool setup(const struct hv_mem_ops *ops)
{
	__builtin_memset(frames, 0, sizeof(frames));
	__builtin_memset(priv, 0, sizeof(priv));
	if (hv_mem_init(&mem, ops, priv, frames, FRAMES) != 0 ||
	    hv_mem_add_range(&mem, 256, FRAMES - 256) != 0) {
		return false;
	}
	if (ops == &hv_mem_static &&
	    hv_mem_assign(&mem, 0, HV_PADDR(1024), 1024 * HV_PAGE_SIZE) != 0) {
		return false;
	}
	return hv_mem_set_reservation(&mem, 0, FRAMES) == 0;
}

/* Mean instructions of one alloc + free of 2^order frames for domain 0. */
static uint64_t alloc_free_cost(const struct hv_mem_ops *ops, unsigned int order)
{
	uint64_t start;
	hv_pfn_t pfn;

	if (!setup(ops)) {
		return UINT64_MAX;
	}
	start = hv_port_cycles();
	for (int i = 0; i < ROUNDS; i++) {
		if (hv_mem_alloc(&mem, 0, order, &pfn) != 0 || hv_mem_free(&mem, pfn, order) != 0) {
			return UINT64_MAX;
		}
	}
	return (hv_port_cycles() - start) / ROUNDS;
}

static struct hv_sched sched;
static _Alignas(16) unsigned char sched_priv[HV_SCHED_PRIV_MAX_SIZE];
static struct hv_sched_vcpu vcpus[HV_SCHED_BUILTIN_MAX_VCPUS];
/* One vCPU's module state, aligned as include/hv/sched.h promises. */
struct vcpu_priv {
	_Alignas(16) unsigned char bytes[HV_SCHED_VCPU_PRIV_MAX_SIZE];
};
static struct vcpu_priv vcpu_priv[HV_SCHED_BUILTIN_MAX_VCPUS];

/*
 * Mean instructions of one pick_next decision among n runnable vCPUs, one
 * per domain, with the default slice of 10 ms. Weighted modules get the
 * weights 1, 2, 3, ... so that their heaps reorder.
 */
static uint64_t pick_cost(const struct hv_sched_ops *ops, size_t n)
{
	uint64_t now = 0;
	uint64_t slice;
	uint64_t total = 0;

	__builtin_memset(sched_priv, 0, sizeof(sched_priv));
	__builtin_memset(vcpu_priv, 0, sizeof(vcpu_priv));
	sched = (struct hv_sched){.ops = ops, .priv = sched_priv, .slice_ns = 10000000};
	if (ops->init(&sched) != 0) {
		return UINT64_MAX;
	}
	for (size_t i = 0; i < n; i++) {
		struct hv_sched_params p;

		vcpus[i] =
		        (struct hv_sched_vcpu){.domid = (hv_domid_t)i, .priv = vcpu_priv[i].bytes};
		if (ops->get_params != NULL && ops->get_params(&sched, (hv_domid_t)i, &p) == 0) {
			if (p.kind == HV_SCHED_KIND_BVT) {
				p.bvt.weight = (uint32_t)i + 1;
			} else if (p.kind == HV_SCHED_KIND_FAIR) {
				p.fair.weight = (uint32_t)i + 1;
			}
			if (ops->set_params(&sched, (hv_domid_t)i, &p) != 0) {
				return UINT64_MAX;
			}
		}
		if (ops->add_vcpu(&sched, &vcpus[i]) != 0) {
			return UINT64_MAX;
		}
	}
	for (size_t i = 0; i < n; i++) {
		ops->wake(&sched, &vcpus[i]);
	}
	for (int i = 0; i < ROUNDS; i++) {
		uint64_t start = hv_port_cycles();

		if (ops->pick_next(&sched, now, &slice) == NULL) {
			return UINT64_MAX;
		}
		total += hv_port_cycles() - start;
		now += slice != 0 ? slice : sched.slice_ns;
	}
	return total / ROUNDS;
}

static uint64_t snprintf_cost(void)
{
	char line[128];
	uint64_t start = hv_port_cycles();

	for (int i = 0; i < ROUNDS; i++) {
		hv_snprintf(line, sizeof(line),
		            "domain %u '%s': image '%s' (%llu bytes, entry %#llx)", i, "guest",
		            "guest", 5384ULL, 0x400000ULL);
	}
	return (hv_port_cycles() - start) / ROUNDS;
}

int hv_firmware_main(const struct hv_boot_info *boot)
{
	struct figure figures[] = {
	        {"mem_buddy_alloc_free_order0_instr", alloc_free_cost(&hv_mem_buddy, 0), 2000},
	        {"mem_buddy_alloc_free_order9_instr", alloc_free_cost(&hv_mem_buddy, 9), 40000},
	        {"mem_static_alloc_free_order0_instr", alloc_free_cost(&hv_mem_static, 0), 4000},
	        {"snprintf_log_line_instr", snprintf_cost(), 6000},
	        {"sched_pick_instr_rr_4doms", pick_cost(&hv_sched_rr, 4), 100},
	        {"sched_pick_instr_rr_64doms", pick_cost(&hv_sched_rr, 64), 100},
	        {"sched_pick_instr_bvt_4doms", pick_cost(&hv_sched_bvt, 4), 1200},
	        {"sched_pick_instr_bvt_64doms", pick_cost(&hv_sched_bvt, 64), 2400},
	        {"sched_pick_instr_fair_4doms", pick_cost(&hv_sched_fair, 4), 600},
	        {"sched_pick_instr_fair_64doms", pick_cost(&hv_sched_fair, 64), 1200},
	};
	bool pass = true;

	(void)boot;
	for (size_t i = 0; i < sizeof(figures) / sizeof(figures[0]); i++) {
		const struct figure *f = &figures[i];

		hv_printf("hv: bench: %s %llu instructions\n", f->name,
		          (unsigned long long)f->value);
		if (f->value > f->budget) {
			hv_err("bench: %s: %llu instructions is over the budget of %llu", f->name,
			       (unsigned long long)f->value, (unsigned long long)f->budget);
			pass = false;
		}
	}
	/* Entries 4 and 5 are rr, 6 and 7 BVT, 8 and 9 fair share: 4, then 64 vCPUs. */
	for (size_t i = 6; i < 10; i += 2) {
		if (figures[i + 1].value > SCHED_GROWTH_MAX * figures[i].value) {
			hv_err("bench: %s: more than %d times %s", figures[i + 1].name,
			       SCHED_GROWTH_MAX, figures[i].name);
			pass = false;
		}
	}
	hv_printf("hv: verdict: %s\n", pass ? "PASS" : "FAIL");
	return pass ? HV_VERDICT_PASS : HV_VERDICT_FAIL;
}
