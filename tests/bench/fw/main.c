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
 */
#include <hv/hv.h>

#define FRAMES 4096 /* 16 MiB */
#define ROUNDS 1000

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
	hv_printf("hv: verdict: %s\n", pass ? "PASS" : "FAIL");
	return pass ? HV_VERDICT_PASS : HV_VERDICT_FAIL;
}
