/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the domain builder gives a guest: the start-info page and the
 * layout it describes, and the permissions of every kind of page. Each
 * forbidden access must fault in the guest with the right page-fault error
 * code and address, and nothing the guest may not change may be writable.
 */
#include <hv/guest/guest.h>
#include <hv/guest/probe.h>
#include <hv/guest/test.h>

#include "probes.h"

#define PAGE 4096ull

/* The configured memory of this domain (mem=4M on its module line). */
#define DOMAIN_MEM (4ull << 20)

/* A ret instruction in writable data and on the stack, for the NX probes. */
static volatile uint8_t data_ret = 0xc3;

struct region {
	const char *name;
	uint64_t start;
	uint64_t end;
};

static bool page_aligned(uint64_t v)
{
	return (v & (PAGE - 1)) == 0;
}

static bool has_nx(void)
{
	uint64_t f = 0;

	return hvg_features(&f) == 0 && (f & HV_FEATURE_NX);
}

/* Expects a page fault at addr with the given error code from access(). */
static void expect_pf(const char *what, uint64_t addr, uint64_t error, struct hvg_fault *f)
{
	if (!f->happened) {
		hvg_test_fail("%s at %#llx did not fault", what, (unsigned long long)addr);
		return;
	}
	if (f->vector != HVG_VEC_PF || f->fault_addr != addr || f->error_code != error) {
		hvg_test_fail("%s at %#llx: got %s error %#llx address %#llx, expected #PF error "
		              "%#llx",
		              what, (unsigned long long)addr, hvg_vector_name(f->vector),
		              (unsigned long long)f->error_code, (unsigned long long)f->fault_addr,
		              (unsigned long long)error);
	}
}

static void check_read_only(const char *what, uint64_t addr)
{
	struct hvg_fault f;
	volatile uint8_t v = 0;

	/* Readable... */
	HVG_CATCH_FAULT(HVG_VEC_ANY, &f, v = tg_read8(addr));
	if (f.happened) {
		hvg_test_fail("%s at %#llx is not readable", what, (unsigned long long)addr);
		return;
	}
	/* ...but not writable, and writing the same value back changes nothing. */
	HVG_CATCH_FAULT(HVG_VEC_ANY, &f, tg_write8(addr, v));
	expect_pf(what, addr, HVG_PF_PRESENT | HVG_PF_WRITE | HVG_PF_USER, &f);
	if (f.happened && f.rip != tg_addr(tg_write8_insn)) {
		hvg_test_fail("%s: fault reported at rip %#llx, the write is at %#llx", what,
		              (unsigned long long)f.rip,
		              (unsigned long long)tg_addr(tg_write8_insn));
	}
}

HVG_TEST(start_info)
{
	const struct hv_start_info *si = hvg_start_info();
	size_t len = 0;

	HVG_CHECK(__builtin_memcmp(si->magic, HV_START_MAGIC, 8) == 0);
	HVG_CHECK(page_aligned(tg_addr(si)));
	HVG_CHECK_EQ(si->vcpu_count, 1);
	HVG_CHECK_EQ(si->pad, 0);
	while (len < sizeof(si->name) && si->name[len] != '\0') {
		len++;
	}
	HVG_CHECK(len > 0 && len < sizeof(si->name));
	HVG_CHECK(__builtin_memcmp(si->name, "memory", 7) == 0);
	len = 0;
	while (len < sizeof(si->cmdline) && si->cmdline[len] != '\0') {
		len++;
	}
	HVG_CHECK(len < sizeof(si->cmdline));
	hvg_test_note("domain %u '%s', cmdline '%s', flags %#x", si->domid, si->name, si->cmdline,
	              si->flags);
	HVG_CHECK_EQ(si->flags & ~(uint32_t)HV_START_F_CONTROL, 0);
	HVG_CHECK(si->virq_port[HV_VIRQ_TIMER] < HV_EVENT_PORTS);
}

HVG_TEST(layout)
{
	const struct hv_start_info *si = hvg_start_info();
	struct region r[] = {
	        {"image", si->image_start, si->image_end},
	        {"start info", tg_addr(si), tg_addr(si) + PAGE},
	        {"shared info", si->shared_info, si->shared_info + PAGE},
	        {"page tables", si->pt_base, si->pt_base + si->pt_frames * PAGE},
	        {"frame list", si->frame_list, si->frame_list + si->frame_count * 8},
	        {"stack", si->stack_top - si->stack_size, si->stack_top},
	        {"free memory", si->mem_start, si->mem_start + si->mem_size},
	};
	size_t n = sizeof(r) / sizeof(r[0]);

	for (size_t i = 0; i < n; i++) {
		hvg_test_note("%-11s %#010llx-%#010llx", r[i].name, (unsigned long long)r[i].start,
		              (unsigned long long)r[i].end);
		HVG_CHECK(r[i].start < r[i].end || (i == n - 1 && r[i].start == r[i].end));
		HVG_CHECK(r[i].end <= TG_NONCANONICAL);
		HVG_CHECK(r[i].start >= 0x1000);
		for (size_t j = 0; j < i; j++) {
			if (r[i].start < r[j].end && r[j].start < r[i].end) {
				hvg_test_fail("%s overlaps %s", r[i].name, r[j].name);
			}
		}
	}
	HVG_CHECK(si->image_start <= tg_addr(hvg_image_start));
	HVG_CHECK(si->image_end >= tg_addr(hvg_image_end));
	HVG_CHECK(page_aligned(si->image_start) && page_aligned(si->image_end));
	HVG_CHECK(page_aligned(si->shared_info) && page_aligned(si->pt_base));
	HVG_CHECK(page_aligned(si->stack_top) && page_aligned(si->stack_size));
	HVG_CHECK(page_aligned(si->mem_start) && page_aligned(si->mem_size));
	HVG_CHECK(si->stack_size >= PAGE);
	HVG_CHECK(si->pt_frames >= 4);
	/* The domain starts with rsp at the top of its stack. */
	HVG_CHECK_EQ(hvg_initial_rsp(), si->stack_top);
	/* Everything the domain owns fits in its reservation. */
	HVG_CHECK(si->frame_count > 0 && si->frame_count <= DOMAIN_MEM / PAGE);
	HVG_CHECK(si->mem_size <= si->frame_count * PAGE);
	HVG_CHECK(si->mem_size > 0);
}

HVG_TEST(frame_list)
{
	const struct hv_start_info *si = hvg_start_info();
	const uint64_t *frames = (const uint64_t *)(uintptr_t)si->frame_list;
	size_t dups = 0;

	HVG_REQUIRE(si->frame_count <= DOMAIN_MEM / PAGE);
	for (uint64_t i = 0; i < si->frame_count; i++) {
		HVG_CHECK(frames[i] != 0);
		for (uint64_t j = 0; j < i; j++) {
			dups += frames[i] == frames[j];
		}
	}
	HVG_CHECK_EQ(dups, 0);
}

HVG_TEST(free_memory_writable)
{
	const struct hv_start_info *si = hvg_start_info();
	size_t bad = 0;

	for (uint64_t a = si->mem_start; a < si->mem_start + si->mem_size; a += PAGE) {
		volatile uint64_t *first = (volatile uint64_t *)(uintptr_t)a;
		volatile uint64_t *last = (volatile uint64_t *)(uintptr_t)(a + PAGE - 8);

		*first = a;
		*last = ~a;
	}
	for (uint64_t a = si->mem_start; a < si->mem_start + si->mem_size; a += PAGE) {
		bad += *(volatile uint64_t *)(uintptr_t)a != a;
		bad += *(volatile uint64_t *)(uintptr_t)(a + PAGE - 8) != ~a;
	}
	HVG_CHECK_EQ(bad, 0);
}

HVG_TEST(shared_info_writable)
{
	struct hv_shared_info *sh = hvg_shared_info();
	uint32_t old = sh->vcpu[0].time.pad0;

	/* A field no one else uses: written and read back. */
	*(volatile uint32_t *)&sh->vcpu[0].time.pad0 = 0x1234;
	HVG_CHECK_EQ(*(volatile uint32_t *)&sh->vcpu[0].time.pad0, 0x1234);
	*(volatile uint32_t *)&sh->vcpu[0].time.pad0 = old;
}

HVG_TEST(read_only_pages)
{
	const struct hv_start_info *si = hvg_start_info();

	check_read_only("start info", tg_addr(si));
	check_read_only("start info (last byte)", tg_addr(si) + PAGE - 1);
	check_read_only("text", tg_addr(hvg_image_start));
	check_read_only("rodata", tg_addr(hvg_rodata_start));
	check_read_only("frame list", si->frame_list);
	for (uint64_t i = 0; i < si->pt_frames; i++) {
		check_read_only("page table", si->pt_base + i * PAGE);
	}
}

HVG_TEST(unmapped_pages)
{
	const struct hv_start_info *si = hvg_start_info();
	const uint64_t addrs[] = {
	        0,           0x10, PAGE, si->stack_top - si->stack_size - 8, /* the guard page */
	        TG_UNMAPPED,
	};
	struct hvg_fault f;

	for (size_t i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		HVG_CATCH_FAULT(HVG_VEC_ANY, &f, tg_read8(addrs[i]));
		expect_pf("read", addrs[i], HVG_PF_USER, &f);
		if (f.happened && f.rip != tg_addr(tg_read8_insn)) {
			hvg_test_fail("fault reported at rip %#llx", (unsigned long long)f.rip);
		}
		HVG_CATCH_FAULT(HVG_VEC_ANY, &f, tg_write8(addrs[i], 1));
		expect_pf("write", addrs[i], HVG_PF_USER | HVG_PF_WRITE, &f);
	}
}

HVG_TEST(hypervisor_half_unreachable)
{
	const uint64_t addrs[] = {TG_HV_IMAGE, TG_HV_HALF_START, TG_HV_HALF_START + 0x100000,
	                          0xfffffffffffff000ull};
	struct hvg_fault f;

	for (size_t i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		HVG_CATCH_FAULT(HVG_VEC_ANY, &f, tg_read8(addrs[i]));
		/* Present or not, a user access to a supervisor page is a #PF. */
		if (!f.happened || f.vector != HVG_VEC_PF || f.fault_addr != addrs[i] ||
		    (f.error_code & (HVG_PF_USER | HVG_PF_WRITE | HVG_PF_INSTR)) != HVG_PF_USER) {
			hvg_test_fail("read at %#llx: happened %d, %s error %#llx address %#llx",
			              (unsigned long long)addrs[i], f.happened,
			              hvg_vector_name(f.vector), (unsigned long long)f.error_code,
			              (unsigned long long)f.fault_addr);
		}
	}
}

HVG_TEST(non_canonical_is_gp)
{
	struct hvg_fault f;

	HVG_CATCH_FAULT(HVG_VEC_ANY, &f, tg_read8(TG_NONCANONICAL));
	HVG_CHECK(f.happened);
	HVG_CHECK_EQ(f.vector, HVG_VEC_GP);
	HVG_CHECK_EQ(f.error_code, 0);
	HVG_CATCH_FAULT(HVG_VEC_ANY, &f, tg_write8(TG_NONCANONICAL_2, 0));
	HVG_CHECK_EQ(f.vector, HVG_VEC_GP);
}

HVG_TEST(data_not_executable)
{
	const struct hv_start_info *si = hvg_start_info();
	volatile uint8_t *free_ret = (volatile uint8_t *)(uintptr_t)si->mem_start;
	uint8_t stack_code[16] __attribute__((aligned(16)));
	struct hvg_fault f;
	const uint64_t error = HVG_PF_PRESENT | HVG_PF_USER | HVG_PF_INSTR;

	if (!has_nx()) {
		hvg_test_skip("no HV_FEATURE_NX");
	}
	*free_ret = 0xc3;
	stack_code[0] = 0xc3;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	HVG_CATCH_FAULT(HVG_VEC_ANY, &f, hvg_probe_call(tg_addr(&data_ret)));
	expect_pf("call into .bss/.data", tg_addr(&data_ret), error, &f);
	HVG_CATCH_FAULT(HVG_VEC_ANY, &f, hvg_probe_call(tg_addr(stack_code)));
	expect_pf("call onto the stack", tg_addr(stack_code), error, &f);
	HVG_CATCH_FAULT(HVG_VEC_ANY, &f, hvg_probe_call(tg_addr(free_ret)));
	expect_pf("call into free memory", tg_addr(free_ret), error, &f);
	HVG_CATCH_FAULT(HVG_VEC_ANY, &f, hvg_probe_call(si->shared_info));
	expect_pf("call into shared info", si->shared_info, error, &f);
	HVG_CATCH_FAULT(HVG_VEC_ANY, &f, hvg_probe_call(tg_addr(si)));
	expect_pf("call into start info", tg_addr(si), error, &f);
}

HVG_TEST_MAIN()
