/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the domain builder (libhv/domain/build.c): the guest layout
 * reported in the start info, every mapping and its permissions as the
 * fake port recorded them, the bytes of the loaded image, the frame types
 * and references, the accounting (every frame of the reservation is used
 * exactly once), the shared-info page and the vCPU's first registers, and
 * the refusal of images that do not fit or that the port cannot map.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>

#include "domain_fixture.h"

#define PAGE HV_PAGE_SIZE

static int setup(void **state)
{
	(void)state;
	df_setup();
	return 0;
}

static void test_start_info(void **state)
{
	struct hv_domain *d;
	struct hv_start_info si;
	uint64_t list_pages;

	(void)state;
	hv_time_set_wallclock(1700000000, 123);
	d = df_create("web", 4u << 20, HV_CRASH_DESTROY, HV_DOMAIN_F_CONTROL);
	df_read(d, DF_START_INFO, &si, sizeof(si));
	assert_memory_equal(si.magic, HV_START_MAGIC, sizeof(si.magic));
	assert_int_equal(si.abi_version, HV_ABI_VERSION);
	assert_int_equal(si.flags, HV_START_F_CONTROL);
	assert_int_equal(si.domid, 0);
	assert_int_equal(si.vcpu_count, 1);
	assert_int_equal(si.shared_info, DF_SHARED);
	assert_int_equal(si.image_start, 0x400000);
	assert_int_equal(si.image_end, 0x405000);
	assert_int_equal(si.stack_top, DF_STACK_TOP);
	assert_int_equal(si.stack_size, 16 * 1024);
	assert_int_equal(si.frame_list, DF_STACK_TOP);
	assert_int_equal(si.frame_count, 1024);
	list_pages = (1024 * 8 + PAGE - 1) / PAGE;
	assert_int_equal(si.pt_base, DF_STACK_TOP + list_pages * PAGE);
	assert_int_equal(si.mem_start % (2u << 20), 0);
	assert_true(si.mem_start >= si.pt_base + 1024 * PAGE);
	assert_int_equal(si.virq_port[HV_VIRQ_TIMER], 0);
	assert_int_equal(si.virq_port[HV_VIRQ_CONSOLE], 1);
	assert_int_equal(si.virq_port[HV_VIRQ_DOM_EXC], 2);
	assert_int_equal(si.virq_port[3], UINT32_MAX);
	assert_string_equal(si.name, "web");
	assert_string_equal(si.cmdline, "console=hvc0 quiet");
	/* The start info is what the core thinks the layout is. */
	assert_int_equal(si.pt_frames, d->layout.pt_frames);
	assert_int_equal(si.mem_size, d->layout.mem_size);
	assert_int_equal(si.mem_start, d->layout.mem_start);
}

struct scan {
	struct hv_domain *d;
	uint64_t mapped;
	uint64_t writable;
	uint64_t exec;
	unsigned char *seen; /* per frame: mapped how many times */
};

static void scan_one(uint64_t va, uint64_t pa, uint32_t flags, void *arg)
{
	struct scan *s = arg;
	const struct hv_frame *f = hv_mem_frame(&df.mem, HV_PFN(pa));

	assert_non_null(f);
	/* A domain maps only its own frames, each once. */
	assert_int_equal(f->owner, s->d->id);
	assert_int_equal(s->seen[HV_PFN(pa)]++, 0);
	assert_true(va < FAKE_GUEST_VA_LIMIT);
	if (flags & HV_PORT_MAP_WRITE) {
		s->writable++;
		/* Never a page table, never writable and executable. */
		assert_false(f->type >= HV_FRAME_L1 && f->type <= HV_FRAME_L4);
		assert_false(fake_as_is_table(s->d->layout.root, pa));
		assert_false(flags & HV_PORT_MAP_EXEC);
	}
	if (flags & HV_PORT_MAP_EXEC) {
		s->exec++;
		assert_true(va >= 0x400000 && va < 0x401000);
	}
	assert_int_equal(f->ref_count, 1);
	s->mapped++;
}

static void test_mappings_and_accounting(void **state)
{
	struct hv_domain *d = df_create("g", 4u << 20, HV_CRASH_DESTROY, 0);
	const struct hv_domain_layout *l = &d->layout;
	const struct hv_mem_account *acc = hv_mem_account(&df.mem, d->id);
	struct scan s = {.d = d};
	uint64_t pa;
	uint32_t flags;
	uint64_t *list;

	(void)state;
	s.seen = calloc(df.mem.frame_count, 1);
	assert_non_null(s.seen);
	fake_as_for_each(l->root, scan_one, &s);
	/* Every frame of the reservation is used exactly once. */
	assert_int_equal(acc->used_frames, 1024);
	assert_int_equal(acc->reserved_frames, 1024);
	assert_int_equal(l->frame_count, 1024);
	/* All mapped but the spare frames and the dead page (fixed, mapped by no one yet). */
	assert_int_equal(s.mapped + l->spare_frames + 1, 1024);
	assert_int_equal(df.mem.frames[l->dead_pfn].type, HV_FRAME_SHARED);
	assert_int_equal(df.mem.frames[l->dead_pfn].ref_count, 0);
	assert_int_equal(l->image_frames + l->fixed_frames + l->pt_frames + l->mem_size / PAGE +
	                         l->spare_frames,
	                 1024);
	assert_int_equal(l->image_frames, 4);
	assert_int_equal(l->spare_frames, 0);
	assert_int_equal(s.exec, 1);
	/* Data (3 pages), shared info, stack (4 pages), free memory. */
	assert_int_equal(s.writable, 3 + 1 + 4 + l->mem_size / PAGE);
	/* The page tables: root plus what the port asked for, all shown read-only. */
	assert_int_equal(l->pt_frames, 1 + fake_as_table_count(l->root));
	for (uint64_t i = 0; i < l->pt_frames; i++) {
		assert_true(fake_as_lookup(l->root, l->pt_base + i * PAGE, &pa, &flags));
		assert_int_equal(flags, 0);
		assert_true(fake_as_is_table(l->root, pa));
		if (i == 0) {
			assert_int_equal(pa, l->root);
			assert_int_equal(hv_mem_frame(&df.mem, HV_PFN(pa))->type, HV_FRAME_L4);
		} else {
			assert_int_equal(hv_mem_frame(&df.mem, HV_PFN(pa))->type, HV_FRAME_L1);
		}
	}
	assert_false(fake_as_lookup(l->root, l->pt_base + l->pt_frames * PAGE, NULL, NULL));
	/* Fixed pages. */
	assert_true(fake_as_lookup(l->root, DF_START_INFO, &pa, &flags));
	assert_int_equal(flags, 0);
	assert_true(fake_as_lookup(l->root, DF_SHARED, &pa, &flags));
	assert_int_equal(flags, HV_PORT_MAP_WRITE);
	assert_int_equal(hv_mem_frame(&df.mem, HV_PFN(pa))->type, HV_FRAME_SHARED);
	assert_false(fake_as_lookup(l->root, DF_GUARD, NULL, NULL));
	for (uint64_t va = DF_GUARD + PAGE; va < DF_STACK_TOP; va += PAGE) {
		assert_true(fake_as_lookup(l->root, va, NULL, &flags));
		assert_int_equal(flags, HV_PORT_MAP_WRITE);
	}
	/* Free memory: writable and contiguous. */
	assert_true(l->mem_size >= 900 * PAGE);
	for (uint64_t va = l->mem_start; va < l->mem_start + l->mem_size; va += PAGE) {
		assert_true(fake_as_lookup(l->root, va, &pa, &flags));
		assert_int_equal(flags, HV_PORT_MAP_WRITE);
		assert_int_equal(hv_mem_frame(&df.mem, HV_PFN(pa))->type, HV_FRAME_WRITABLE);
	}
	assert_false(fake_as_lookup(l->root, l->mem_start + l->mem_size, NULL, NULL));
	/* The frame list: every frame the domain owns, in order, read-only. */
	list = calloc(1024, sizeof(*list));
	assert_non_null(list);
	df_read(d, l->frame_list, list, 1024 * sizeof(*list));
	for (size_t i = 0; i < 1024; i++) {
		assert_int_equal(hv_mem_frame(&df.mem, list[i])->owner, d->id);
		if (i > 0) {
			assert_true(list[i] > list[i - 1]);
		}
	}
	assert_true(fake_as_lookup(l->root, l->frame_list, NULL, &flags));
	assert_int_equal(flags, 0);
	free(list);
	free(s.seen);
}

static void test_image_bytes(void **state)
{
	struct hv_domain *d = df_create("g", 2u << 20, HV_CRASH_DESTROY, 0);
	unsigned char page[PAGE];
	uint32_t flags;

	(void)state;
	/* Text: the file's bytes, then zeroes past filesz. */
	df_read(d, EB_TEXT_VADDR, page, PAGE);
	assert_memory_equal(page, df.image + EB_TEXT_OFFSET, EB_TEXT_FILESZ);
	for (size_t i = EB_TEXT_FILESZ; i < PAGE; i++) {
		assert_int_equal(page[i], 0);
	}
	assert_true(fake_as_lookup(d->layout.root, EB_TEXT_VADDR, NULL, &flags));
	assert_int_equal(flags, HV_PORT_MAP_EXEC);
	/* Data and bss. */
	df_read(d, EB_DATA_VADDR, page, PAGE);
	assert_memory_equal(page, df.image + EB_DATA_OFFSET, EB_DATA_FILESZ);
	for (size_t i = EB_DATA_FILESZ; i < PAGE; i++) {
		assert_int_equal(page[i], 0);
	}
	df_read(d, EB_DATA_VADDR + 2 * PAGE, page, PAGE);
	for (size_t i = 0; i < PAGE; i++) {
		assert_int_equal(page[i], 0);
	}
	assert_true(fake_as_lookup(d->layout.root, EB_DATA_VADDR + 2 * PAGE, NULL, &flags));
	assert_int_equal(flags, HV_PORT_MAP_WRITE);
	/* The hole between the segments is not mapped. */
	assert_false(fake_as_lookup(d->layout.root, EB_TEXT_VADDR + PAGE, NULL, NULL));
}

static void test_shared_page_and_vcpu(void **state)
{
	struct hv_domain *d;
	struct hv_shared_info sh;
	struct hv_vcpu *v;

	(void)state;
	hv_time_set_wallclock(1700000000, 5);
	d = df_create("g", 2u << 20, HV_CRASH_DESTROY, 0);
	v = &d->vcpus[0];
	df_read(d, DF_SHARED, &sh, sizeof(sh));
	assert_int_equal(sh.wc_sec, 1700000000);
	assert_int_equal(sh.wc_nsec, 5);
	assert_int_equal(sh.wc_version % 2, 0);
	assert_int_equal(sh.vcpu[0].upcall_mask, 1);
	assert_int_equal(sh.vcpu[0].upcall_pending, 0);
	assert_int_equal(sh.vcpu[0].time.version % 2, 0);
	assert_true(sh.vcpu[0].time.version > 0);
	assert_int_equal(sh.vcpu[0].time.tsc_shift, 1);
	assert_int_equal(sh.vcpu[0].time.tsc_to_system_mul, UINT32_C(1) << 31);
	for (size_t i = 0; i < HV_EVENT_PORTS / 64; i++) {
		assert_int_equal(sh.evtchn_pending[i], 0);
		assert_int_equal(sh.evtchn_mask[i], 0);
	}
	assert_ptr_equal(v->info, &d->shared->vcpu[0]);
	assert_int_equal(fake_vcpu_get(&v->port, HV_REG_PC), EB_ENTRY);
	assert_int_equal(fake_vcpu_get(&v->port, HV_REG_SP), DF_STACK_TOP);
	assert_int_equal(fake_vcpu_get(&v->port, HV_REG_ARG0), DF_START_INFO);
	assert_string_equal(fake_vcpu_domain(&v->port), "g");
	assert_int_equal(d->state, HV_DOMAIN_CREATED);
	assert_int_equal(v->state, HV_VCPU_DOWN);
}

static void test_time_publish_version(void **state)
{
	struct hv_domain *d = df_create("g", 2u << 20, HV_CRASH_DESTROY, 0);
	struct hv_vcpu *v = &d->vcpus[0];
	uint32_t before = v->info->time.version;
	struct hv_port_time_scale now;

	(void)state;
	/* A guest that left the version odd does not make it stay odd. */
	v->info->time.version = 41;
	v->run_time_ns = 777;
	hv_port_time_scale(&now);
	now.cycles = 5555;
	hv_time_publish(v, &now);
	assert_int_equal(v->info->time.version, 42);
	assert_int_equal(v->info->time.tsc_timestamp, 5555);
	assert_int_equal(v->info->run_time_ns, 777);
	assert_int_equal(v->info->run_tsc_timestamp, 5555);
	hv_time_publish(v, &now);
	assert_int_equal(v->info->time.version, 44);
	assert_true(before % 2 == 0);
	/* Virtual time alone: under the same version protocol. */
	v->info->time.version = 45;
	v->run_time_ns = 888;
	hv_time_publish_run_time(v, 6666);
	assert_int_equal(v->info->time.version, 46);
	assert_int_equal(v->info->run_time_ns, 888);
	assert_int_equal(v->info->run_tsc_timestamp, 6666);
	assert_int_equal(v->info->time.tsc_timestamp, 5555);
}

/* Two segments sharing a page: one page, with both contents and both permissions. */
static void test_segments_sharing_a_page(void **state)
{
	struct elf_builder b;
	struct hv_domain *d;
	unsigned char page[PAGE];
	uint32_t flags;

	(void)state;
	elf_builder_default(&b);
	eb_set_load(&b, 0, EB_PF_R | EB_PF_X, EB_TEXT_OFFSET, 0x400000, 0x800, 0x800);
	eb_set_load(&b, 1, EB_PF_R | EB_PF_W, EB_DATA_OFFSET, 0x400800, 0x100, 0x900);
	df_setup_with(&b);
	d = df_create("g", 2u << 20, HV_CRASH_DESTROY, 0);
	assert_int_equal(d->layout.image_frames, 2);
	df_read(d, 0x400000, page, PAGE);
	assert_memory_equal(page, df.image + EB_TEXT_OFFSET, 0x800);
	assert_memory_equal(page + 0x800, df.image + EB_DATA_OFFSET, 0x100);
	assert_true(fake_as_lookup(d->layout.root, 0x400000, NULL, &flags));
	assert_int_equal(flags, HV_PORT_MAP_WRITE | HV_PORT_MAP_EXEC);
	assert_true(fake_as_lookup(d->layout.root, 0x401000, NULL, &flags));
	assert_int_equal(flags, HV_PORT_MAP_WRITE);
}

static void test_image_too_big(void **state)
{
	struct elf_builder b;
	struct hv_domain *d;

	(void)state;
	elf_builder_default(&b);
	/* 2 MiB of bss in a 1 MiB domain. */
	eb_set_load(&b, 1, EB_PF_R | EB_PF_W, EB_DATA_OFFSET, EB_DATA_VADDR, EB_DATA_FILESZ,
	            2u << 20);
	df_setup_with(&b);
	assert_int_equal(df_try_create("fat", 1u << 20, HV_CRASH_DESTROY, 0, &d), -HV_ENOMEM);
	assert_null(d);
	console_assert_has("hv: error: domain 'fat': mem_size: 1024 KiB cannot hold the "
	                   "image and its start-up pages (");
	assert_int_equal(hv_mem_account(&df.mem, 0)->used_frames, 0);
	assert_null(hv_domain_get(0));
	/* The next domain is built as usual. */
	elf_builder_default(&b);
	df_setup_with(&b);
	assert_int_equal(df_try_create("fine", 1u << 20, HV_CRASH_DESTROY, 0, &d), 0);
}

static void test_huge_bss_refused_quickly(void **state)
{
	struct elf_builder b;
	struct hv_domain *d;

	(void)state;
	elf_builder_default(&b);
	eb_set_load(&b, 1, EB_PF_R | EB_PF_W, EB_DATA_OFFSET, EB_DATA_VADDR, EB_DATA_FILESZ,
	            UINT64_C(1) << 40);
	df_setup_with(&b);
	assert_int_equal(df_try_create("fat", 1u << 20, HV_CRASH_DESTROY, 0, &d), -HV_ENOMEM);
	console_assert_has("hv: error: domain 'fat': mem_size: 1024 KiB cannot hold");
}

static void test_port_map_failure(void **state)
{
	struct hv_domain *d;

	(void)state;
	fake_as_fail_map_after(6, -HV_EIO);
	assert_int_equal(df_try_create("g", 2u << 20, HV_CRASH_DESTROY, 0, &d), -HV_EIO);
	console_assert_has("hv: error: domain 'g': mem_size: 2048 KiB is too small for the "
	                   "image and its page tables (HV_EIO");
	assert_int_equal(hv_mem_account(&df.mem, 0)->used_frames, 0);
	/* The frames went back with no type and no references. */
	for (hv_pfn_t pfn = 0; pfn < df.mem.frame_count; pfn++) {
		const struct hv_frame *f = hv_mem_frame(&df.mem, pfn);

		if (f->owner == HV_DOMID_FREE) {
			assert_int_equal(f->type, HV_FRAME_NONE);
			assert_int_equal(f->ref_count, 0);
			assert_int_equal(f->type_count, 0);
		}
	}
	fake_as_fail_map_after(0, 0);
	assert_int_equal(df_try_create("h", 2u << 20, HV_CRASH_DESTROY, 0, &d), 0);
}

static void count_mapping(uint64_t va, uint64_t pa, uint32_t flags, void *arg)
{
	(void)va;
	(void)pa;
	(void)flags;
	(*(uint64_t *)arg)++;
}

/*
 * Sizes around the point where free memory needs one more page table: all
 * frames are accounted for, the tables are all shown, and frames are left
 * spare only when the last pages would need a table there is no room to
 * show (a handful at most).
 */
static void test_sizes_around_a_table_boundary(void **state)
{
	uint64_t spare_seen = 0;

	(void)state;
	for (uint64_t frames = 512; frames <= 600; frames++) {
		struct hv_domain *d;
		uint64_t mapped = 0;
		const struct hv_domain_layout *l;

		df_setup();
		d = df_create("g", frames * PAGE, HV_CRASH_DESTROY, 0);
		l = &d->layout;
		fake_as_for_each(l->root, count_mapping, &mapped);
		assert_int_equal(mapped + l->spare_frames + 1, frames); /* +1: the dead page */
		assert_int_equal(l->image_frames + l->fixed_frames + l->pt_frames +
		                         l->mem_size / PAGE + l->spare_frames,
		                 frames);
		assert_int_equal(l->pt_frames, 1 + fake_as_table_count(l->root));
		assert_true(l->spare_frames <= 6);
		spare_seen += l->spare_frames;
	}
	assert_true(spare_seen > 0);
}

/* A rebuild (restart) gives the same layout in the same frames, all zeroed again. */
static void test_rebuild_same_layout(void **state)
{
	struct hv_domain *d = df_create("g", 2u << 20, HV_CRASH_DESTROY, 0);
	struct hv_domain_layout before = d->layout;
	uint64_t junk = UINT64_C(0x1122334455667788);
	uint64_t back;

	(void)state;
	df_write(d, d->layout.mem_start + 0x123, &junk, sizeof(junk));
	df_write(d, EB_DATA_VADDR + 0x200, &junk, sizeof(junk));
	hv_domain_release_frames(d);
	assert_int_equal(hv_domain_build(d), 0);
	assert_memory_equal(&before, &d->layout, sizeof(before));
	df_read(d, d->layout.mem_start + 0x123, &back, sizeof(back));
	assert_int_equal(back, 0);
	df_read(d, EB_DATA_VADDR + 0x200, &back, sizeof(back));
	assert_int_equal(back, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup(test_start_info, setup),
	        cmocka_unit_test_setup(test_mappings_and_accounting, setup),
	        cmocka_unit_test_setup(test_image_bytes, setup),
	        cmocka_unit_test_setup(test_shared_page_and_vcpu, setup),
	        cmocka_unit_test_setup(test_time_publish_version, setup),
	        cmocka_unit_test_setup(test_segments_sharing_a_page, setup),
	        cmocka_unit_test_setup(test_image_too_big, setup),
	        cmocka_unit_test_setup(test_huge_bss_refused_quickly, setup),
	        cmocka_unit_test_setup(test_port_map_failure, setup),
	        cmocka_unit_test_setup(test_rebuild_same_layout, setup),
	        cmocka_unit_test_setup(test_sizes_around_a_table_boundary, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
