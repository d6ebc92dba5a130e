/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of domain control: domain/control.c and hypercall/domctl.c,
 * and what they drive in domain/domain.c (destroy, pause, unpause,
 * reset), domain/reclaim.c (memory given back in bounded steps),
 * sched/core.c (a paused vCPU and what it returns to) and
 * console/console.c (the per-domain console ring read by position).
 *
 * Run-time creation takes its images from the boot modules hv_main() was
 * given (hv_boot_info_used()), so each test boots an appliance under the
 * real core with HV_CONFIG_F_NO_RUN: domain 0 'ctl' (the control domain,
 * 4 MiB, started and loaded as if it had just exited, so that
 * df_hypercall() plays its hypercalls) and domain 1 'w' (1 MiB, built,
 * not started), with the modules "img" (the domains' image), "guest image"
 * (an image for run-time creation, not a domain), "junk image" (not an ELF
 * file) and "fat image" (an ELF image whose bss alone needs 2 MiB). The
 * run-loop tests boot without HV_CONFIG_F_NO_RUN and script the domains.
 *
 * A refused request must leave nothing behind: world_take() and
 * world_check() compare the counters, the hypervisor's own frames (image
 * copies), every slot and description, and the whole frame table.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console/console.h"
#include "domain/control.h"
#include "domain_fixture.h"
#include "event/event.h"
#include "mem_fixture.h"
#include "model_rng.h"
#include "sched/pool.h"
#include "sched/sched.h"

#define MIB      (UINT64_C(1) << 20)
#define PAGE     UINT64_C(4096)
#define GUEST_PA (DF_MOD_PA + 0x10000u)
#define JUNK_PA  (DF_MOD_PA + 0x20000u)
#define FAT_PA   (DF_MOD_PA + 0x30000u)
#define CTL_MEM  (4 * MIB)

/* Offsets in ctl's free memory: a request, an io structure, a buffer, an image. */
#define REQ_OFF UINT64_C(0)
#define IO_OFF  UINT64_C(0x1000)
#define BUF_OFF UINT64_C(0x2000)
#define IMG_OFF UINT64_C(0x10000)

/* A writable scratch area in every domain (the image's bss). */
#define SCRATCH UINT64_C(0x403000)

/* The reclaim's bounds (domain/reclaim.c). */
#define SCRUB_FRAMES 1024u
#define SCAN_FRAMES  65536u

static struct hv_domain *ctl;
static struct hv_vcpu *cv;
static struct hv_domain *w;
static unsigned char junk[0x1000];
static unsigned char fat[EB_FILE_SIZE];

static const struct hv_domain_config boot_doms[] = {
        {.name = "ctl",
         .image = "img",
         .mem_size = CTL_MEM,
         .vcpu_count = 1,
         .flags = HV_DOMAIN_F_CONTROL},
        {.name = "w", .image = "img", .mem_size = MIB, .vcpu_count = 1},
};

static struct hv_config boot_config(const struct hv_domain_config *doms, size_t count,
                                    uint32_t flags)
{
	return (struct hv_config){
	        .version = HV_CONFIG_VERSION,
	        .name = "domctl",
	        .domains = doms,
	        .domain_count = count,
	        .tick_ns = 1000000,
	        .selftest_ticks = 1,
	        .flags = flags | HV_CONFIG_F_MODULE_DOMAINS,
	};
}

/* Fresh fake port and fake RAM holding the four modules. */
static void boot_modules(void)
{
	struct elf_builder b;

	fake_port_reset();
	hv_log_set_level(HV_LOG_INFO);
	fake_boot_init(&df.boot);
	elf_builder_default(&b);
	df_set_image(&b);
	fake_boot_add_module(&df.boot, DF_MOD_PA, df.image, df.image_size, "img");
	fake_boot_add_module(&df.boot, GUEST_PA, df.image, df.image_size, "guest image");
	memset(junk, 0x5a, sizeof(junk));
	fake_boot_add_module(&df.boot, JUNK_PA, junk, sizeof(junk), "junk image");
	eb_set_load(&b, 1, EB_PF_R | EB_PF_W, EB_DATA_OFFSET, EB_DATA_VADDR, EB_DATA_FILESZ,
	            2 * MIB);
	memset(fat, 0, sizeof(fat));
	fake_boot_add_module(&df.boot, FAT_PA, fat, elf_builder_write(&b, fat), "fat image");
}

/* Boots ctl and w, built and not run; ctl is not started. */
static int setup_booted(void **state)
{
	struct hv_config cfg = boot_config(boot_doms, 2, HV_CONFIG_F_NO_RUN);

	(void)state;
	boot_modules();
	assert_int_equal(hv_main(&cfg, &df.boot), HV_VERDICT_PASS);
	ctl = hv_domain_get(0);
	w = hv_domain_get(1);
	assert_non_null(ctl);
	assert_non_null(w);
	/* An image module is not a domain. */
	assert_null(hv_domain_get(2));
	return 0;
}

/* Also starts ctl and loads its vCPU, ready for df_hypercall(). */
static int setup(void **state)
{
	setup_booted(state);
	cv = df_enter(ctl);
	return 0;
}

/* --- Helpers --- */

static uint64_t cva(uint64_t off)
{
	return ctl->layout.mem_start + off;
}

static int64_t domctl(uint64_t op, uint64_t a1, uint64_t a2)
{
	return df_hypercall(cv, HV_HC_DOMCTL, op, a1, a2);
}

static struct hv_domctl_create request(const char *image, const char *name, uint64_t mem_size)
{
	struct hv_domctl_create r;

	memset(&r, 0, sizeof(r));
	snprintf(r.image, sizeof(r.image), "%s", image);
	snprintf(r.name, sizeof(r.name), "%s", name);
	r.mem_size = mem_size;
	r.vcpus = 1;
	r.on_crash = HV_DOMCTL_CRASH_DESTROY;
	return r;
}

/* HV_DOMCTL_CREATE from ctl with the request in its memory. */
static int64_t create(const struct hv_domctl_create *r)
{
	df_write(ctl, cva(REQ_OFF), r, sizeof(*r));
	return domctl(HV_DOMCTL_CREATE, cva(REQ_OFF), 0);
}

static struct hv_domain *create_ok(const char *image, const char *name, uint64_t mem_size)
{
	struct hv_domctl_create r = request(image, name, mem_size);
	int64_t id = create(&r);
	struct hv_domain *d;

	if (id < 0 || id >= HV_CONFIG_MAX_DOMAINS) {
		fail_msg("create '%s' from '%s': %lld", name, image, (long long)id);
	}
	d = hv_domain_get((hv_domid_t)id);
	assert_non_null(d);
	assert_int_equal(d->state, HV_DOMAIN_CREATED);
	return d;
}

static struct hv_domctl_info info_of(hv_domid_t id)
{
	struct hv_domctl_info i;

	memset(&i, 0xee, sizeof(i));
	assert_int_equal(hv_domctl_info(id, &i), 0);
	return i;
}

static struct hv_domctl_counters counters_now(void)
{
	struct hv_domctl_counters c;

	memset(&c, 0xee, sizeof(c));
	hv_domctl_counters(&c);
	return c;
}

static void assert_counters_equal(const struct hv_domctl_counters *got,
                                  const struct hv_domctl_counters *want)
{
	assert_int_equal(got->free_frames, want->free_frames);
	assert_int_equal(got->frame_refs, want->frame_refs);
	assert_int_equal(got->domains, want->domains);
	assert_int_equal(got->ports, want->ports);
	assert_int_equal(got->grant_maps, want->grant_maps);
	assert_int_equal(got->grant_tables, want->grant_tables);
}

static uint64_t hv_frames(void)
{
	return hv_mem_account(hv_domain_mem(), HV_DOMID_HV)->used_frames;
}

/* Gives back every DYING domain's memory; returns the steps it took. */
static unsigned int reclaim_all(void)
{
	unsigned int steps = 0;

	while (hv_domain_reclaim_some()) {
		steps++;
		assert_true(steps < 1000);
	}
	return steps;
}

/* --- Everything a refused request must leave as it was --- */

struct frame_view {
	hv_domid_t owner;
	uint8_t type;
	uint8_t flags;
	uint32_t type_count;
	uint32_t ref_count;
};

#define VIEW_FRAMES (FAKE_RAM_SIZE / 4096u)

struct world {
	struct hv_domctl_counters c;
	uint64_t hv_frames;
	enum hv_domain_state state[HV_CONFIG_MAX_DOMAINS];
	char name[HV_CONFIG_MAX_DOMAINS][HV_NAME_MAX + 1];
	bool image_owned[HV_CONFIG_MAX_DOMAINS];
	hv_pfn_t frame_count;
	struct frame_view frames[VIEW_FRAMES];
};

static struct world world_before;
static struct world world_after;

static void world_take(struct world *s)
{
	const struct hv_mem *mem = hv_domain_mem();

	memset(s, 0, sizeof(*s));
	s->c = counters_now();
	s->hv_frames = hv_frames();
	for (hv_domid_t id = 0; id < HV_CONFIG_MAX_DOMAINS; id++) {
		const struct hv_domain *d = hv_domain_get(id);

		s->state[id] = d != NULL ? d->state : HV_DOMAIN_NONE;
		snprintf(s->name[id], sizeof(s->name[id]), "%s", d != NULL ? d->name : "");
		s->image_owned[id] = hv_domain_desc_at(id)->image_owned;
	}
	assert_true(mem->frame_count <= VIEW_FRAMES);
	s->frame_count = mem->frame_count;
	for (hv_pfn_t pfn = 0; pfn < mem->frame_count; pfn++) {
		const struct hv_frame *f = &mem->frames[pfn];

		s->frames[pfn] = (struct frame_view){.owner = f->owner,
		                                     .type = f->type,
		                                     .flags = f->flags,
		                                     .type_count = f->type_count,
		                                     .ref_count = f->ref_count};
	}
}

/* Nothing changed since world_before was taken. */
static void world_check(const char *what)
{
	world_take(&world_after);
	assert_counters_equal(&world_after.c, &world_before.c);
	assert_int_equal(world_after.hv_frames, world_before.hv_frames);
	for (hv_domid_t id = 0; id < HV_CONFIG_MAX_DOMAINS; id++) {
		if (world_after.state[id] != world_before.state[id] ||
		    strcmp(world_after.name[id], world_before.name[id]) != 0 ||
		    world_after.image_owned[id] != world_before.image_owned[id]) {
			fail_msg("%s: slot %u: state %d '%s' image %d, was %d '%s' image %d", what,
			         id, (int)world_after.state[id], world_after.name[id],
			         (int)world_after.image_owned[id], (int)world_before.state[id],
			         world_before.name[id], (int)world_before.image_owned[id]);
		}
	}
	for (hv_pfn_t pfn = 0; pfn < world_after.frame_count; pfn++) {
		if (memcmp(&world_after.frames[pfn], &world_before.frames[pfn],
		           sizeof(struct frame_view)) != 0) {
			fail_msg("%s: frame %#llx changed: owner %u type %u flags %#x refs %u/%u",
			         what, (unsigned long long)pfn, world_after.frames[pfn].owner,
			         world_after.frames[pfn].type, world_after.frames[pfn].flags,
			         world_after.frames[pfn].type_count,
			         world_after.frames[pfn].ref_count);
		}
	}
}

/* The request is refused with 'want' and changes nothing. */
static void refuse(const struct hv_domctl_create *r, int64_t want, const char *what)
{
	int64_t got;

	world_take(&world_before);
	got = create(r);
	if (got != want) {
		fail_msg("%s: create returned %lld, want %lld", what, (long long)got,
		         (long long)want);
	}
	world_check(what);
}

/* --- A domain's blocks of memory, in frame order --- */

#define MAX_BLOCKS 64

struct blocks {
	size_t count;
	hv_pfn_t pfn[MAX_BLOCKS];
	unsigned int order[MAX_BLOCKS];
	uint64_t frames;
};

static void blocks_of(hv_domid_t id, struct blocks *b)
{
	const struct hv_mem *mem = hv_domain_mem();

	memset(b, 0, sizeof(*b));
	for (hv_pfn_t pfn = 0; pfn < mem->frame_count; pfn++) {
		const struct hv_frame *f = &mem->frames[pfn];

		if (f->owner == id && (f->flags & HV_FRAME_F_HEAD) != 0) {
			assert_true(b->count < MAX_BLOCKS);
			b->pfn[b->count] = pfn;
			b->order[b->count] = (unsigned int)(f->flags & HV_FRAME_F_ORDER_MASK) >>
			                     HV_FRAME_F_ORDER_SHIFT;
			b->frames += UINT64_C(1) << b->order[b->count];
			b->count++;
		}
	}
}

/* The i-th frame of the blocks, in frame order. */
static hv_pfn_t block_frame(const struct blocks *b, uint64_t i)
{
	for (size_t k = 0; k < b->count; k++) {
		uint64_t n = UINT64_C(1) << b->order[k];

		if (i < n) {
			return b->pfn[k] + i;
		}
		i -= n;
	}
	fail_msg("frame %llu is past the blocks", (unsigned long long)i);
	return 0;
}

static bool page_all(hv_pfn_t pfn, unsigned char byte)
{
	static unsigned char ref[PAGE];
	static int ref_byte = -1;

	if (ref_byte != byte) {
		memset(ref, byte, sizeof(ref));
		ref_byte = byte;
	}
	return memcmp(fake_ram(pfn * PAGE), ref, sizeof(ref)) == 0;
}

static void fill_blocks(const struct blocks *b, unsigned char byte)
{
	for (uint64_t i = 0; i < b->frames; i++) {
		memset(fake_ram(block_frame(b, i) * PAGE), byte, PAGE);
	}
}

/*
 * A domain whose frames were all filled with 'byte' is being reclaimed:
 * the first 'passed' frames (in frame order) are zero and lost their
 * type and references, the others still hold the pattern; each block is
 * free exactly when the cursor has passed it, and the account holds the
 * blocks not freed yet.
 */
static void check_reclaimed(hv_domid_t id, const struct blocks *b, uint64_t passed,
                            unsigned char byte)
{
	const struct hv_mem *mem = hv_domain_mem();
	uint64_t held = 0;
	uint64_t first = 0;

	for (uint64_t i = 0; i < b->frames; i++) {
		hv_pfn_t pfn = block_frame(b, i);
		const struct hv_frame *f = &mem->frames[pfn];

		if (i < passed) {
			/* Given back, it may belong to a domain created since. */
			if (f->owner != id && f->owner != HV_DOMID_FREE) {
				continue;
			}
			if (!page_all(pfn, 0) || f->type != HV_FRAME_NONE || f->ref_count != 0 ||
			    f->type_count != 0) {
				fail_msg("frame %llu (%#llx) passed but not scrubbed",
				         (unsigned long long)i, (unsigned long long)pfn);
			}
		} else if (!page_all(pfn, byte)) {
			fail_msg("frame %llu (%#llx) not passed yet but changed (%llu passed)",
			         (unsigned long long)i, (unsigned long long)pfn,
			         (unsigned long long)passed);
		}
	}
	for (size_t k = 0; k < b->count; k++) {
		uint64_t n = UINT64_C(1) << b->order[k];
		const struct hv_frame *head = &mem->frames[b->pfn[k]];
		bool gone = first + n <= passed;

		if (gone != (head->owner != id)) {
			fail_msg("block %zu at %#llx (order %u): owner %#x with %llu frames passed",
			         k, (unsigned long long)b->pfn[k], b->order[k], head->owner,
			         (unsigned long long)passed);
		}
		held += gone ? 0 : n;
		first += n;
	}
	assert_int_equal(hv_mem_account(mem, id)->used_frames, held);
	assert_int_equal(info_of(id).frames, held);
}

/* A digest of every frame a domain owns (numbers and contents). */
static uint64_t domain_digest(hv_domid_t id)
{
	const struct hv_mem *mem = hv_domain_mem();
	uint64_t h = UINT64_C(0xcbf29ce484222325);

	for (hv_pfn_t pfn = 0; pfn < mem->frame_count; pfn++) {
		const unsigned char *p;

		if (mem->frames[pfn].owner != id) {
			continue;
		}
		h = (h ^ pfn) * UINT64_C(0x100000001b3);
		p = fake_ram(pfn * PAGE);
		for (size_t i = 0; i < PAGE; i += sizeof(uint64_t)) {
			uint64_t word;

			memcpy(&word, p + i, sizeof(word));
			h = (h ^ word) * UINT64_C(0x100000001b3);
		}
	}
	return h;
}

static bool pending(const struct hv_domain *d, uint32_t port)
{
	return ((d->shared->evtchn_pending[port / 64] >> (port % 64)) & 1) != 0;
}

/* --- Creation from a boot module --- */

static void test_create_from_module(void **state)
{
	struct hv_domctl_counters before = counters_now();
	struct hv_domctl_create r = request("guest", "g1", 2 * MIB);
	struct hv_start_info si;
	struct hv_domctl_info i;
	struct hv_domain *d;
	int64_t id;

	(void)state;
	r.vcpus = 2;
	r.on_crash = HV_DOMCTL_CRASH_KEEP;
	snprintf(r.cmdline, sizeof(r.cmdline), "%s", "mode=test x=1");
	id = create(&r);
	/* The first free slot. */
	assert_int_equal(id, 2);
	d = hv_domain_get(2);
	assert_non_null(d);
	assert_int_equal(d->state, HV_DOMAIN_CREATED);
	assert_int_equal(d->on_crash, HV_CRASH_KEEP);
	assert_ptr_equal(d->desc, hv_domain_desc_at(2));
	assert_false(hv_domain_desc_at(2)->image_owned);
	i = info_of(2);
	assert_string_equal(i.name, "g1");
	assert_int_equal(i.domid, 2);
	assert_int_equal(i.state, HV_DOMCTL_STATE_CREATED);
	assert_int_equal(i.vcpus, 2);
	assert_int_equal(i.flags, 0);
	assert_int_equal(i.pool, 0);
	assert_int_equal(i.frames, 512);
	assert_int_equal(i.frames_reserved, 512);
	assert_int_equal(i.ports, HV_VIRQ_COUNT);
	assert_string_equal(i.crash_reason, "");
	df_read(d, d->layout.start_info, &si, sizeof(si));
	assert_string_equal(si.name, "g1");
	assert_string_equal(si.cmdline, "mode=test x=1");
	assert_int_equal(si.domid, 2);
	assert_int_equal(si.vcpu_count, 2);
	assert_int_equal(si.flags & HV_START_F_CONTROL, 0);
	assert_int_equal(counters_now().domains, before.domains + 1);
	assert_int_equal(counters_now().free_frames, before.free_frames - 512);
	console_assert_has("hv: domain 2 'g1' created from 'guest': 2048 KiB, 2 vCPUs, pool "
	                   "'default'\n");

	/* Unpause starts it. */
	assert_int_equal(domctl(HV_DOMCTL_UNPAUSE, 2, 0), 0);
	assert_int_equal(d->state, HV_DOMAIN_RUNNING);
	assert_int_equal(d->vcpus[0].state, HV_VCPU_RUNNABLE);
	assert_int_equal(info_of(2).state, HV_DOMCTL_STATE_RUNNING);

	/* No name: the image's; the control flag: the control privilege. */
	r = request("guest", "", MIB);
	r.flags = HV_DOMCTL_F_CONTROL;
	assert_int_equal(create(&r), 3);
	i = info_of(3);
	assert_string_equal(i.name, "guest");
	assert_int_equal(i.flags, 1);
	df_read(hv_domain_get(3), hv_domain_get(3)->layout.start_info, &si, sizeof(si));
	assert_int_equal(si.flags & HV_START_F_CONTROL, HV_START_F_CONTROL);
	/* The first control domain is still the one the hypervisor tells. */
	assert_ptr_equal(hv_domain_control(), ctl);
	console_assert_lacks("error");
}

static void test_create_refusals_leave_nothing(void **state)
{
	struct hv_domctl_create r;

	(void)state;
	r = request("nosuch", "x", MIB);
	refuse(&r, -HV_ENOENT, "no such module");
	r = request("", "", MIB);
	refuse(&r, -HV_EINVAL, "no image, no name");
	r = request("guest", "ctl", MIB);
	refuse(&r, -HV_EEXIST, "the control domain's name");
	r = request("guest", "w", MIB);
	refuse(&r, -HV_EEXIST, "a created domain's name");
	r = request("guest", "", MIB);
	r.image[0] = 'w';
	r.image[1] = '\0';
	refuse(&r, -HV_EEXIST, "an image called like a domain, no name");
	r = request("guest", "x", 0);
	refuse(&r, -HV_EINVAL, "no memory");
	r = request("guest", "x", 12345);
	refuse(&r, -HV_EINVAL, "memory not in pages");
	r = request("guest", "x", MIB - PAGE);
	refuse(&r, -HV_EINVAL, "memory below 1 MiB");
	r = request("guest", "x", MIB + 1);
	refuse(&r, -HV_EINVAL, "memory not a multiple of 4096");
	r = request("guest", "x", MIB);
	r.vcpus = 0;
	refuse(&r, -HV_EINVAL, "no vCPU");
	r.vcpus = HV_DOMAIN_MAX_VCPUS + 1;
	refuse(&r, -HV_EINVAL, "too many vCPUs");
	r = request("guest", "x", MIB);
	r.on_crash = HV_DOMCTL_CRASH_KEEP + 1;
	refuse(&r, -HV_EINVAL, "no such crash policy");
	r = request("guest", "x", MIB);
	r.flags = 2;
	refuse(&r, -HV_EINVAL, "unknown flag");
	r.flags = UINT32_C(0x80000000) | HV_DOMCTL_F_CONTROL;
	refuse(&r, -HV_EINVAL, "unknown flag with a known one");
	r = request("guest", "x", MIB);
	memset(r.name, 'n', sizeof(r.name));
	refuse(&r, -HV_EINVAL, "name without NUL");
	r = request("guest", "x", MIB);
	memset(r.image, 'g', sizeof(r.image));
	refuse(&r, -HV_EINVAL, "image without NUL");
	r = request("guest", "x", MIB);
	memset(r.cmdline, 'c', sizeof(r.cmdline));
	refuse(&r, -HV_EINVAL, "command line without NUL");
	r = request("guest", "bad name", MIB);
	refuse(&r, -HV_EINVAL, "name with a space");
	r = request("guest", "x", MIB);
	r.pool = HV_POOL_MAX;
	refuse(&r, -HV_EINVAL, "pool out of range");
	r.pool = 1;
	refuse(&r, -HV_ENOENT, "no such pool");
	r = request("junk", "x", MIB);
	refuse(&r, -HV_ENOEXEC, "not an ELF image");
	r = request("guest", "x", UINT64_C(1) << 30);
	refuse(&r, -HV_ENOMEM, "more memory than there is");
	r = request("guest", "x", 60 * MIB);
	refuse(&r, -HV_ENOMEM, "more memory than is free");
	/* Reserved, then the build finds the image does not fit. */
	r = request("fat", "x", MIB);
	refuse(&r, -HV_ENOMEM, "image larger than the memory");
	/* The request cannot be read. */
	world_take(&world_before);
	assert_int_equal(domctl(HV_DOMCTL_CREATE, 0x10, 0), -HV_EFAULT);
	assert_int_equal(domctl(HV_DOMCTL_CREATE, cva(0) + ctl->layout.mem_size - 16, 0),
	                 -HV_EFAULT);
	world_check("request unreadable");
	/* The refusals are logged, naming the request. */
	console_assert_has("hv: notice: domctl: create 'x': image 'junk': ");
	/* After all that, a good request still gets the first free slot. */
	assert_int_equal(create_ok("guest", "x", MIB)->id, 2);
}

/*
 * A request refused after a slot holding a dead domain was chosen leaves
 * that dead domain as it was: its name (the description it points to) and
 * its state.
 */
static void test_refused_create_keeps_dead_slot(void **state)
{
	struct hv_domain *a;
	struct hv_domctl_create r;

	(void)state;
	a = create_ok("guest", "a", MIB);
	assert_int_equal(a->id, 2);
	assert_int_equal(domctl(HV_DOMCTL_DESTROY, 2, 0), 0);
	assert_int_equal(info_of(2).state, HV_DOMCTL_STATE_DEAD);
	assert_string_equal(info_of(2).name, "a");

	r = request("guest", "ctl", MIB);
	refuse(&r, -HV_EEXIST, "name in use, dead slot");
	r = request("junk", "j", MIB);
	refuse(&r, -HV_ENOEXEC, "bad image, dead slot");
	r = request("nosuch", "n", MIB);
	refuse(&r, -HV_ENOENT, "no module, dead slot");
	r = request("guest", "m", 12345);
	refuse(&r, -HV_EINVAL, "bad size, dead slot");
	r = request("guest", "big", UINT64_C(1) << 30);
	refuse(&r, -HV_ENOMEM, "no memory, dead slot");
	assert_string_equal(info_of(2).name, "a");
	assert_string_equal(hv_domain_desc_at(2)->name, "a");
	assert_int_equal(info_of(2).state, HV_DOMCTL_STATE_DEAD);
	assert_int_equal(info_of(2).frames_reserved, 256);

	/* A good request takes the slot over. */
	assert_int_equal(create_ok("guest", "b", MIB)->id, 2);
	assert_string_equal(info_of(2).name, "b");
}

/*
 * A domain with the control privilege cannot be parked in a pool without
 * CPUs (as hv_pool_move_domain() refuses): the request is refused and
 * leaves nothing; any other domain may be created there.
 */
static void test_create_in_pool(void **state)
{
	struct hv_domctl_create r;
	uint32_t pool;
	struct hv_domain *d;

	(void)state;
	assert_int_equal(hv_pool_create("spare", &hv_sched_rr, NULL, &pool), 0);
	assert_int_equal(pool, 1);
	r = request("guest", "c2", MIB);
	r.pool = pool;
	r.flags = HV_DOMCTL_F_CONTROL;
	refuse(&r, -HV_EBUSY, "control domain in a pool without CPUs");

	r.flags = 0;
	assert_int_equal(create(&r), 2);
	d = hv_domain_get(2);
	assert_ptr_equal(d->pool, hv_pool_get(pool));
	assert_int_equal(info_of(2).pool, pool);
	assert_int_equal(domctl(HV_DOMCTL_UNPAUSE, 2, 0), 0);
	assert_true(d->vcpus[0].in_sched);
	assert_int_equal(hv_pool_domain_count(hv_pool_get(pool)), 1);
	assert_int_equal(domctl(HV_DOMCTL_DESTROY, 2, 0), 0);
	assert_int_equal(hv_pool_domain_count(hv_pool_get(pool)), 0);
}

/* --- Creation from the caller's memory --- */

static uint64_t put_image(const void *image, size_t size)
{
	df_write(ctl, cva(IMG_OFF), image, size);
	return cva(IMG_OFF);
}

static void test_create_from_memory(void **state)
{
	struct hv_domctl_counters before = counters_now();
	struct hv_domctl_create r = request("", "m1", MIB);
	const struct hv_domain_desc *desc;
	unsigned char text[EB_TEXT_FILESZ];
	uint64_t hv0 = hv_frames();
	struct hv_domain *d;
	int64_t id;

	(void)state;
	r.image_va = put_image(df.image, df.image_size);
	r.image_size = df.image_size;
	id = create(&r);
	assert_int_equal(id, 2);
	d = hv_domain_get(2);
	desc = hv_domain_desc_at(2);
	/* A copy in hypervisor frames: 0x2100 bytes, three pages, a block of four. */
	assert_true(desc->image_owned);
	assert_int_equal(desc->image_order, 2);
	assert_ptr_equal(desc->module, &desc->image_copy);
	assert_string_equal(desc->image, "memory");
	assert_int_equal(desc->image_copy.size, df.image_size);
	assert_ptr_equal(desc->image_copy.data, fake_ram(desc->image_pfn * PAGE));
	assert_memory_equal(desc->image_copy.data, df.image, df.image_size);
	assert_int_equal(hv_frames(), hv0 + 4);
	for (hv_pfn_t i = 0; i < 4; i++) {
		assert_int_equal(hv_domain_mem()->frames[desc->image_pfn + i].owner, HV_DOMID_HV);
	}
	assert_string_equal(info_of(2).name, "m1");
	df_read(d, EB_TEXT_VADDR, text, sizeof(text));
	assert_memory_equal(text, df.image + EB_TEXT_OFFSET, sizeof(text));

	/* The copy was taken once: a reset rebuilds from it, not from the caller's memory. */
	memset(junk, 0x77, sizeof(junk));
	put_image(junk, sizeof(junk));
	assert_int_equal(domctl(HV_DOMCTL_UNPAUSE, 2, 0), 0);
	assert_int_equal(domctl(HV_DOMCTL_RESET, 2, 0), 0);
	assert_int_equal(d->restarts, 1);
	df_read(d, EB_TEXT_VADDR, text, sizeof(text));
	assert_memory_equal(text, df.image + EB_TEXT_OFFSET, sizeof(text));
	assert_int_equal(hv_frames(), hv0 + 4);

	/* Freed with the domain. */
	assert_int_equal(domctl(HV_DOMCTL_DESTROY, 2, 0), 0);
	assert_int_equal(d->state, HV_DOMAIN_DEAD);
	assert_false(desc->image_owned);
	assert_int_equal(hv_frames(), hv0);
	{
		struct hv_domctl_counters after = counters_now();

		assert_counters_equal(&after, &before);
	}

	/* Neither a name nor an image name: both are "memory". */
	r = request("", "", MIB);
	r.image_va = put_image(df.image, df.image_size);
	r.image_size = df.image_size;
	assert_int_equal(create(&r), 2);
	assert_string_equal(info_of(2).name, "memory");
	assert_int_equal(hv_frames(), hv0 + 4);
	/* A crash that destroys the domain frees the copy too. */
	hv_domain_crash(hv_domain_get(2), "test");
	assert_int_equal(info_of(2).state, HV_DOMCTL_STATE_DEAD);
	assert_int_equal(hv_frames(), hv0);
}

static void test_create_from_memory_refusals(void **state)
{
	struct hv_domctl_create r = request("", "m1", MIB);
	uint64_t end = cva(0) + ctl->layout.mem_size;

	(void)state;
	/* Not an ELF image: the copy is checked, refused and freed. */
	memset(junk, 0x5a, sizeof(junk));
	r.image_va = put_image(junk, sizeof(junk));
	r.image_size = sizeof(junk);
	refuse(&r, -HV_ENOEXEC, "junk in memory");
	/* A truncated image. */
	r.image_va = put_image(df.image, df.image_size);
	r.image_size = df.image_size - 1;
	refuse(&r, -HV_ENOEXEC, "truncated image");
	/* Too large: refused before anything is allocated. */
	r.image_size = HV_DOMCTL_IMAGE_MAX + 1;
	refuse(&r, -HV_E2BIG, "image above the limit");
	r.image_size = UINT64_MAX;
	refuse(&r, -HV_E2BIG, "image of 2^64 - 1 bytes");
	/* Unreadable, at once or part of the way. */
	r.image_size = df.image_size;
	r.image_va = 0x10;
	refuse(&r, -HV_EFAULT, "image at a null address");
	r.image_va = UINT64_C(0x700000000000);
	refuse(&r, -HV_EFAULT, "image unmapped");
	r.image_va = end - PAGE;
	df_write(ctl, end - PAGE, df.image, PAGE);
	refuse(&r, -HV_EFAULT, "image running off the caller's memory");
	r.image_va = UINT64_MAX - 0x100;
	refuse(&r, -HV_EFAULT, "image wrapping around");
	/* A good image with a bad field: refused, the copy freed. */
	r = request("", "m1", 12345);
	r.image_va = put_image(df.image, df.image_size);
	r.image_size = df.image_size;
	refuse(&r, -HV_EINVAL, "good image, bad size");
	r.mem_size = UINT64_C(1) << 30;
	refuse(&r, -HV_ENOMEM, "good image, too much memory");
	/* Same name as a domain: refused before the copy. */
	r = request("", "w", MIB);
	r.image_va = put_image(df.image, df.image_size);
	r.image_size = df.image_size;
	refuse(&r, -HV_EEXIST, "good image, name in use");
}

/*
 * Every slot taken by a domain that has not ended gives -HV_ENOSPC. Sixty-four
 * domains of 1 MiB do not fit in the fake RAM, so this runs on a frame table
 * larger than the RAM behind it (80000 entries, of which only the fake RAM
 * is donated): then a destroyed domain's memory is all scrubbed and freed
 * in the first step, but that step stops after RECLAIM_SCAN_FRAMES entries
 * of the table and the domain stays DYING, holding its slot; the second
 * step ends it.
 */
static void test_scan_bound_and_no_free_slot(void **state)
{
	const hv_pfn_t table = 80000;
	const hv_pfn_t first = (4 * MIB) / PAGE;
	const hv_pfn_t last = FAKE_RAM_SIZE / PAGE;
	struct mem_fixture *fx = mem_fixture_new(table);
	struct hv_domctl_create r;
	uint64_t free0;
	hv_domid_t id;

	(void)state;
	mem_fixture_init(fx, &hv_mem_buddy);
	assert_int_equal(hv_mem_add_range(&fx->mem, first, last - first), 0);
	hv_domain_table_init(&fx->mem);
	assert_int_equal(hv_sched_setup(&hv_sched_rr, 1000000), 0);
	free0 = hv_mem_free_count(&fx->mem);
	for (hv_domid_t i = 0; i < HV_CONFIG_MAX_DOMAINS; i++) {
		struct hv_domain *d;
		char name[16];

		snprintf(name, sizeof(name), "d%u", i);
		r = request("guest", name, MIB);
		assert_int_equal(hv_domctl_create(NULL, &r, &id), 0);
		assert_int_equal(id, i);
		d = hv_domain_get(id);
		assert_int_equal(hv_mem_account(&fx->mem, id)->used_frames, 256);
		assert_int_equal(hv_domain_destroy(d), 0);
		assert_int_equal(d->state, HV_DOMAIN_DYING);
		assert_int_equal(d->reclaim.cursor, SCAN_FRAMES);
		assert_int_equal(hv_mem_account(&fx->mem, id)->used_frames, 0);
		assert_int_equal(hv_mem_free_count(&fx->mem), free0);
		/* DYING: its name is still taken. */
		assert_int_equal(hv_domctl_create(NULL, &r, &id),
		                 i + 1 < HV_CONFIG_MAX_DOMAINS ? -HV_EEXIST : -HV_ENOSPC);
	}
	r = request("guest", "one-more", MIB);
	id = 999;
	assert_int_equal(hv_domctl_create(NULL, &r, &id), -HV_ENOSPC);
	assert_int_equal(id, 999);
	assert_int_equal(hv_mem_free_count(&fx->mem), free0);
	assert_int_equal(counters_now().domains, HV_CONFIG_MAX_DOMAINS);

	/* One step each ends them, lowest slot first. */
	for (hv_domid_t i = 0; i < HV_CONFIG_MAX_DOMAINS; i++) {
		assert_true(hv_domain_reclaim_some());
		assert_int_equal(hv_domain_get(i)->state, HV_DOMAIN_DEAD);
		if (i + 1 < HV_CONFIG_MAX_DOMAINS) {
			assert_int_equal(hv_domain_get(i + 1)->state, HV_DOMAIN_DYING);
		}
	}
	assert_false(hv_domain_reclaim_some());
	assert_int_equal(counters_now().domains, 0);
	assert_int_equal(hv_domctl_create(NULL, &r, &id), 0);
	assert_int_equal(id, 0);
	hv_domain_table_init(NULL);
	mem_fixture_free(fx);
}

/* --- Destroy and reclaim --- */

static void test_destroy_small_domain_at_once(void **state)
{
	struct hv_domctl_counters before = counters_now();
	struct hv_domain *d = create_ok("guest", "small", 4 * MIB);
	struct blocks b;

	(void)state;
	blocks_of(d->id, &b);
	assert_int_equal(b.frames, SCRUB_FRAMES);
	assert_int_equal(domctl(HV_DOMCTL_UNPAUSE, d->id, 0), 0);
	fill_blocks(&b, 0xa5);
	assert_int_equal(ctl->events_received, 0);
	assert_int_equal(domctl(HV_DOMCTL_DESTROY, d->id, 0), 0);
	/* At most RECLAIM_SCRUB_FRAMES frames: done within the call. */
	assert_int_equal(d->state, HV_DOMAIN_DEAD);
	assert_false(hv_domain_reclaim_some());
	check_reclaimed(d->id, &b, b.frames, 0xa5);
	assert_int_equal(d->vcpus[0].state, HV_VCPU_DOWN);
	assert_false(d->vcpus[0].in_sched);
	assert_null(d->shared);
	{
		struct hv_domctl_counters after = counters_now();

		assert_counters_equal(&after, &before);
	}
	/* The control domain was told (HV_VIRQ_DOM_EXC). */
	assert_int_equal(ctl->events_received, 1);
	assert_true(pending(ctl, ctl->virq_port[HV_VIRQ_DOM_EXC]));
	console_assert_has("hv: domain 2 'small' destroyed by the control domain\n");
	/* Once dead: nothing more to destroy, pause or start. */
	assert_int_equal(domctl(HV_DOMCTL_DESTROY, d->id, 0), -HV_ENOENT);
	assert_int_equal(domctl(HV_DOMCTL_PAUSE, d->id, 0), -HV_ENOENT);
	assert_int_equal(domctl(HV_DOMCTL_UNPAUSE, d->id, 0), -HV_ENOENT);
	assert_int_equal(domctl(HV_DOMCTL_RESET, d->id, 0), -HV_ENOENT);
}

static void test_destroy_large_domain_in_steps(void **state)
{
	struct hv_domctl_counters before = counters_now();
	struct hv_domain *d = create_ok("guest", "big", 9 * MIB);
	hv_domid_t id = d->id;
	unsigned int steps = 0;
	struct blocks b;

	(void)state;
	assert_int_equal(domctl(HV_DOMCTL_UNPAUSE, id, 0), 0);
	blocks_of(id, &b);
	assert_int_equal(b.frames, 2304);
	/* Reserved largest first: at least an 8 MiB block and a 1 MiB one. */
	assert_true(b.count >= 2);
	fill_blocks(&b, 0xa5);
	assert_int_equal(domctl(HV_DOMCTL_DESTROY, id, 0), 0);
	for (;;) {
		uint64_t passed = (uint64_t)SCRUB_FRAMES * ++steps;

		passed = passed < b.frames ? passed : b.frames;
		check_reclaimed(id, &b, passed, 0xa5);
		if (passed == b.frames) {
			break;
		}
		assert_int_equal(d->state, HV_DOMAIN_DYING);
		assert_int_equal(info_of(id).state, HV_DOMCTL_STATE_DYING);
		assert_int_equal(counters_now().domains, before.domains + 1);
		/* Nothing else may be done to it meanwhile; the control domain is not told yet. */
		assert_int_equal(domctl(HV_DOMCTL_DESTROY, id, 0), -HV_EALREADY);
		assert_int_equal(domctl(HV_DOMCTL_PAUSE, id, 0), -HV_ENOENT);
		assert_int_equal(domctl(HV_DOMCTL_UNPAUSE, id, 0), -HV_ENOENT);
		assert_int_equal(domctl(HV_DOMCTL_RESET, id, 0), -HV_ENOENT);
		assert_int_equal(ctl->events_received, 0);
		assert_true(hv_domain_reclaim_some());
	}
	assert_int_equal(steps, 3);
	assert_int_equal(d->state, HV_DOMAIN_DEAD);
	assert_int_equal(info_of(id).state, HV_DOMCTL_STATE_DEAD);
	assert_int_equal(ctl->events_received, 1);
	assert_false(hv_domain_reclaim_some());
	{
		struct hv_domctl_counters after = counters_now();

		assert_counters_equal(&after, &before);
	}
}

/*
 * Two domains reclaimed at once (one step per call, the lowest slot first),
 * while a live domain's memory and that of a domain created meanwhile are
 * left alone; a DYING domain keeps its slot and its name.
 */
static void test_reclaim_interleaves_with_other_domains(void **state)
{
	struct hv_domctl_counters before = counters_now();
	struct hv_domain *a = create_ok("guest", "a", 9 * MIB);
	struct hv_domain *b = create_ok("guest", "b", 5 * MIB);
	struct hv_domctl_create r;
	struct blocks ba;
	struct blocks bb;
	struct hv_domain *d;
	uint64_t w_digest;
	uint64_t d_digest;

	(void)state;
	assert_int_equal(a->id, 2);
	assert_int_equal(b->id, 3);
	assert_int_equal(hv_domain_start(w), 0);
	w_digest = domain_digest(w->id);
	blocks_of(a->id, &ba);
	blocks_of(b->id, &bb);
	assert_int_equal(ba.frames, 2304);
	assert_int_equal(bb.frames, 1280);
	fill_blocks(&ba, 0xa5);
	fill_blocks(&bb, 0x3c);

	assert_int_equal(domctl(HV_DOMCTL_DESTROY, b->id, 0), 0);
	assert_int_equal(domctl(HV_DOMCTL_DESTROY, a->id, 0), 0);
	check_reclaimed(a->id, &ba, 1024, 0xa5);
	check_reclaimed(b->id, &bb, 1024, 0x3c);

	/* While both are DYING: their slots and names are taken. */
	r = request("guest", "a", MIB);
	refuse(&r, -HV_EEXIST, "the name of a DYING domain");
	d = create_ok("guest", "d", 2 * MIB);
	assert_int_equal(d->id, 4);
	d_digest = domain_digest(d->id);

	assert_true(hv_domain_reclaim_some());
	check_reclaimed(a->id, &ba, 2048, 0xa5);
	check_reclaimed(b->id, &bb, 1024, 0x3c);
	assert_int_equal(domain_digest(w->id), w_digest);
	assert_int_equal(domain_digest(d->id), d_digest);

	assert_true(hv_domain_reclaim_some());
	check_reclaimed(a->id, &ba, 2304, 0xa5);
	check_reclaimed(b->id, &bb, 1024, 0x3c);
	assert_int_equal(a->state, HV_DOMAIN_DEAD);
	assert_int_equal(b->state, HV_DOMAIN_DYING);
	assert_int_equal(domain_digest(w->id), w_digest);

	assert_true(hv_domain_reclaim_some());
	check_reclaimed(b->id, &bb, 1280, 0x3c);
	assert_int_equal(b->state, HV_DOMAIN_DEAD);
	assert_false(hv_domain_reclaim_some());
	assert_int_equal(domain_digest(w->id), w_digest);
	assert_int_equal(domain_digest(d->id), d_digest);
	assert_int_equal(ctl->events_received, 2);

	/* Only d's memory is still out. */
	assert_int_equal(counters_now().free_frames, before.free_frames - 512);
	/* The first dead slot is taken next. */
	assert_int_equal(create_ok("guest", "e", MIB)->id, 2);
}

/* A crashed domain kept for inspection: destroy frees its memory, keeps the reason. */
static void test_destroy_crashed_kept(void **state)
{
	struct hv_domctl_counters before = counters_now();
	struct hv_domain *d = create_ok("guest", "k", MIB);

	(void)state;
	assert_int_equal(domctl(HV_DOMCTL_SET_CRASH_POLICY, d->id, HV_DOMCTL_CRASH_KEEP), 0);
	assert_int_equal(domctl(HV_DOMCTL_UNPAUSE, d->id, 0), 0);
	hv_domain_crash(d, "boom %d", 7);
	assert_int_equal(info_of(d->id).state, HV_DOMCTL_STATE_CRASHED);
	assert_string_equal(info_of(d->id).crash_reason, "boom 7");
	assert_int_equal(info_of(d->id).frames, 256);
	assert_int_equal(counters_now().domains, before.domains);
	assert_int_equal(domctl(HV_DOMCTL_PAUSE, d->id, 0), -HV_ENOENT);
	assert_int_equal(domctl(HV_DOMCTL_UNPAUSE, d->id, 0), -HV_ENOENT);
	assert_int_equal(domctl(HV_DOMCTL_DESTROY, d->id, 0), 0);
	assert_int_equal(info_of(d->id).state, HV_DOMCTL_STATE_DEAD);
	assert_string_equal(info_of(d->id).crash_reason, "boom 7");
	assert_int_equal(info_of(d->id).frames, 0);
	{
		struct hv_domctl_counters after = counters_now();

		assert_counters_equal(&after, &before);
	}
}

/* --- Pause and unpause --- */

static void test_pause_unpause_runnable(void **state)
{
	struct hv_vcpu *v = &w->vcpus[0];

	(void)state;
	/* Never started: nothing to pause; unpause starts it. */
	assert_int_equal(domctl(HV_DOMCTL_PAUSE, 1, 0), -HV_EALREADY);
	assert_int_equal(w->state, HV_DOMAIN_CREATED);
	assert_int_equal(domctl(HV_DOMCTL_UNPAUSE, 1, 0), 0);
	assert_int_equal(w->state, HV_DOMAIN_RUNNING);
	assert_int_equal(v->state, HV_VCPU_RUNNABLE);
	assert_int_equal(domctl(HV_DOMCTL_UNPAUSE, 1, 0), -HV_EALREADY);

	assert_int_equal(domctl(HV_DOMCTL_PAUSE, 1, 0), 0);
	assert_int_equal(w->state, HV_DOMAIN_PAUSED);
	assert_int_equal(info_of(1).state, HV_DOMCTL_STATE_PAUSED);
	assert_int_equal(v->state, HV_VCPU_PAUSED);
	assert_int_equal(v->paused_from, HV_VCPU_RUNNABLE);
	assert_true(v->in_sched);
	assert_int_equal(domctl(HV_DOMCTL_PAUSE, 1, 0), -HV_EALREADY);
	/* The vCPUs that never came up stay down. */
	assert_int_equal(w->vcpus[1].state, HV_VCPU_DOWN);

	assert_int_equal(domctl(HV_DOMCTL_UNPAUSE, 1, 0), 0);
	assert_int_equal(w->state, HV_DOMAIN_RUNNING);
	assert_int_equal(v->state, HV_VCPU_RUNNABLE);
	assert_int_equal(domctl(HV_DOMCTL_UNPAUSE, 1, 0), -HV_EALREADY);

	/* Paused, then destroyed. */
	assert_int_equal(domctl(HV_DOMCTL_PAUSE, 1, 0), 0);
	assert_int_equal(domctl(HV_DOMCTL_DESTROY, 1, 0), 0);
	assert_int_equal(w->state, HV_DOMAIN_DEAD);
	assert_int_equal(v->state, HV_VCPU_DOWN);
	assert_false(v->in_sched);
}

static void test_pause_blocked_vcpu(void **state)
{
	struct hv_vcpu *v = &w->vcpus[0];
	uint32_t timer_port = w->virq_port[HV_VIRQ_TIMER];

	(void)state;
	assert_int_equal(hv_domain_start(w), 0);
	hv_sched_vcpu_block(v, 0);
	assert_int_equal(w->state, HV_DOMAIN_BLOCKED);

	/* Nothing happened while paused: it is blocked again, and so is its domain. */
	assert_int_equal(domctl(HV_DOMCTL_PAUSE, 1, 0), 0);
	assert_int_equal(v->state, HV_VCPU_PAUSED);
	assert_int_equal(v->paused_from, HV_VCPU_BLOCKED);
	assert_int_equal(domctl(HV_DOMCTL_UNPAUSE, 1, 0), 0);
	assert_int_equal(v->state, HV_VCPU_BLOCKED);
	assert_int_equal(w->state, HV_DOMAIN_BLOCKED);
	assert_int_equal(info_of(1).state, HV_DOMCTL_STATE_BLOCKED);

	/* An event while paused stays pending and does not wake it until unpause. */
	assert_int_equal(domctl(HV_DOMCTL_PAUSE, 1, 0), 0);
	assert_int_equal(hv_event_raise_virq(w, HV_VIRQ_TIMER), 0);
	assert_int_equal(v->state, HV_VCPU_PAUSED);
	assert_int_equal(w->state, HV_DOMAIN_PAUSED);
	assert_true(pending(w, timer_port));
	assert_int_equal(v->info->upcall_pending, 1);
	assert_int_equal(domctl(HV_DOMCTL_UNPAUSE, 1, 0), 0);
	assert_int_equal(v->state, HV_VCPU_RUNNABLE);
	assert_int_equal(w->state, HV_DOMAIN_RUNNING);
	assert_true(pending(w, timer_port));
	assert_int_equal(v->block_deadline, 0);

	/* A deadline kept over a pause: blocked again with it, for the run loop to see. */
	v->info->upcall_pending = 0;
	hv_sched_vcpu_block(v, 5000);
	assert_int_equal(domctl(HV_DOMCTL_PAUSE, 1, 0), 0);
	assert_int_equal(domctl(HV_DOMCTL_UNPAUSE, 1, 0), 0);
	assert_int_equal(v->state, HV_VCPU_BLOCKED);
	assert_int_equal(v->block_deadline, 5000);
}

static void test_self_and_bad_targets(void **state)
{
	static const uint64_t ops[] = {HV_DOMCTL_DESTROY, HV_DOMCTL_PAUSE, HV_DOMCTL_UNPAUSE,
	                               HV_DOMCTL_RESET};

	(void)state;
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		assert_int_equal(domctl(ops[i], 0, 0), -HV_EINVAL);
		assert_int_equal(ctl->state, HV_DOMAIN_RUNNING);
		assert_int_equal(ctl->restarts, 0);
		assert_int_equal(domctl(ops[i], HV_CONFIG_MAX_DOMAINS, 0), -HV_EINVAL);
		assert_int_equal(domctl(ops[i], UINT64_MAX, 0), -HV_EINVAL);
		assert_int_equal(domctl(ops[i], UINT64_C(1) << 32, 0), -HV_EINVAL);
		assert_int_equal(domctl(ops[i], 5, 0), -HV_ENOENT);
	}
	assert_int_equal(domctl(11, 0, 0), -HV_EINVAL);
	assert_int_equal(domctl(UINT64_MAX, 0, 0), -HV_EINVAL);
	assert_int_equal(w->state, HV_DOMAIN_CREATED);
	/* The crash policy may be set on any domain, the caller's own included. */
	assert_int_equal(domctl(HV_DOMCTL_SET_CRASH_POLICY, 0, HV_DOMCTL_CRASH_KEEP), 0);
	assert_int_equal(ctl->on_crash, HV_CRASH_KEEP);
	assert_int_equal(domctl(HV_DOMCTL_SET_CRASH_POLICY, 1, HV_DOMCTL_CRASH_KEEP + 1),
	                 -HV_EINVAL);
	assert_int_equal(domctl(HV_DOMCTL_SET_CRASH_POLICY, 1, UINT64_MAX), -HV_EINVAL);
	assert_int_equal(domctl(HV_DOMCTL_SET_CRASH_POLICY, HV_CONFIG_MAX_DOMAINS, 0), -HV_EINVAL);
	assert_int_equal(domctl(HV_DOMCTL_SET_CRASH_POLICY, 5, 0), -HV_ENOENT);
	assert_int_equal(w->on_crash, HV_CRASH_DESTROY);
	assert_int_equal(domctl(HV_DOMCTL_SET_CRASH_POLICY, 1, HV_DOMCTL_CRASH_RESTART), 0);
	assert_int_equal(w->on_crash, HV_CRASH_RESTART);
}

/* --- Reset --- */

static void test_reset_running(void **state)
{
	static const char mark[] = "scribbled";
	struct hv_domctl_counters started;
	char buf[sizeof(mark)];
	int port;

	(void)state;
	assert_int_equal(domctl(HV_DOMCTL_UNPAUSE, 1, 0), 0);
	started = counters_now();
	df_write(w, SCRATCH, mark, sizeof(mark));
	port = hv_evtchn_alloc_unbound(w, 0);
	assert_true(port >= (int)HV_VIRQ_COUNT);
	hv_sched_vcpu_set_timer(&w->vcpus[0], 123456);
	assert_int_equal(w->ports_used, HV_VIRQ_COUNT + 1);

	assert_int_equal(domctl(HV_DOMCTL_RESET, 1, 0), 0);
	assert_int_equal(w->state, HV_DOMAIN_RUNNING);
	assert_int_equal(w->vcpus[0].state, HV_VCPU_RUNNABLE);
	assert_int_equal(w->vcpus[0].timer_deadline, 0);
	assert_int_equal(w->restarts, 1);
	assert_int_equal(info_of(1).restarts, 1);
	assert_int_equal(w->ports_used, HV_VIRQ_COUNT);
	df_read(w, SCRATCH, buf, sizeof(buf));
	for (size_t i = 0; i < sizeof(buf); i++) {
		assert_int_equal(buf[i], 0);
	}
	{
		struct hv_domctl_counters after = counters_now();

		assert_counters_equal(&after, &started);
	}
	console_assert_has("hv: domain 1 'w' reset by the control domain\n");
}

static void test_reset_crashed_kept(void **state)
{
	(void)state;
	assert_int_equal(domctl(HV_DOMCTL_SET_CRASH_POLICY, 1, HV_DOMCTL_CRASH_KEEP), 0);
	assert_int_equal(domctl(HV_DOMCTL_UNPAUSE, 1, 0), 0);
	hv_domain_crash(w, "kaputt");
	assert_int_equal(w->state, HV_DOMAIN_CRASHED);
	assert_string_equal(info_of(1).crash_reason, "kaputt");
	assert_int_equal(domctl(HV_DOMCTL_RESET, 1, 0), 0);
	assert_int_equal(w->state, HV_DOMAIN_RUNNING);
	assert_false(w->kept);
	assert_int_equal(w->end, HV_DOMAIN_END_NONE);
	assert_int_equal(w->vcpus[0].state, HV_VCPU_RUNNABLE);
	assert_true(w->vcpus[0].in_sched);
	assert_string_equal(info_of(1).crash_reason, "");
	assert_int_equal(info_of(1).restarts, 1);
	assert_int_equal(info_of(1).frames, 256);
	/* A reset of a created (never started) domain starts it. */
	assert_int_equal(create_ok("guest", "c", MIB)->id, 2);
	assert_int_equal(domctl(HV_DOMCTL_RESET, 2, 0), 0);
	assert_int_equal(hv_domain_get(2)->state, HV_DOMAIN_RUNNING);
	/* A paused one too. */
	assert_int_equal(domctl(HV_DOMCTL_PAUSE, 2, 0), 0);
	assert_int_equal(domctl(HV_DOMCTL_RESET, 2, 0), 0);
	assert_int_equal(hv_domain_get(2)->state, HV_DOMAIN_RUNNING);
	assert_int_equal(hv_domain_get(2)->vcpus[0].state, HV_VCPU_RUNNABLE);
}

/* A reset whose build fails destroys the domain and gives its memory back. */
static void test_reset_build_fails(void **state)
{
	struct hv_domctl_counters before;

	(void)state;
	assert_int_equal(domctl(HV_DOMCTL_UNPAUSE, 1, 0), 0);
	before = counters_now();
	fake_as_fail_map_after(1, -HV_ENOMEM);
	assert_int_equal(domctl(HV_DOMCTL_RESET, 1, 0), -HV_ENOMEM);
	fake_as_fail_map_after(0, 0);
	assert_int_equal(w->state, HV_DOMAIN_DEAD);
	assert_int_equal(info_of(1).frames, 0);
	assert_int_equal(counters_now().free_frames, before.free_frames + 256);
	assert_int_equal(counters_now().domains, before.domains - 1);
	assert_int_equal(ctl->events_received, 1);
}

/* --- The console ring --- */

static void read_expect(const struct hv_domain *d, uint64_t pos, size_t len, int want_n,
                        uint64_t want_pos, uint64_t want_dropped, const char *want)
{
	static char buf[HV_CONSOLE_RING_SIZE * 2];
	uint64_t dropped = 0xdead;

	assert_true(len <= sizeof(buf));
	assert_int_equal(hv_console_read(d, &pos, buf, len, &dropped), want_n);
	assert_int_equal(pos, want_pos);
	assert_int_equal(dropped, want_dropped);
	if (want != NULL) {
		assert_memory_equal(buf, want, (size_t)want_n);
	}
}

static void test_console_ring(void **state)
{
	static char line[HV_CONSOLE_LINE_MAX + 50];
	static char expect[8192];
	uint64_t pos;
	uint64_t dropped = 7;
	size_t written = 0;
	char buf[16];

	(void)state;
	read_expect(w, 0, 16, 0, 0, 0, NULL);
	/* A line reaches the ring when it is finished. */
	hv_console_put(w, "hello", 5);
	read_expect(w, 0, 16, 0, 0, 0, NULL);
	hv_console_put(w, "\n", 1);
	read_expect(w, 0, 16, 6, 6, 0, "hello\n");
	read_expect(w, 0, 3, 3, 3, 0, "hel");
	read_expect(w, 3, 16, 3, 6, 0, "lo\n");
	read_expect(w, 6, 16, 0, 6, 0, NULL);
	read_expect(w, 2, 0, 0, 2, 0, NULL);
	/* A position not reached yet: refused, nothing changed. */
	pos = 7;
	assert_int_equal(hv_console_read(w, &pos, buf, sizeof(buf), &dropped), -HV_EINVAL);
	assert_int_equal(pos, 7);
	assert_int_equal(dropped, 7);
	pos = UINT64_MAX;
	assert_int_equal(hv_console_read(w, &pos, buf, sizeof(buf), &dropped), -HV_EINVAL);
	/* Carriage returns dropped, control bytes shown as '?', tabs kept. */
	hv_console_put(w, "a\rb\x01\tc\xff\n", 8);
	read_expect(w, 6, 6, 6, 12, 0, "ab?\tc?");
	read_expect(w, 12, 16, 1, 13, 0, "\n");
	/* A long line is cut at HV_CONSOLE_LINE_MAX. */
	memset(line, 'L', sizeof(line));
	hv_console_put(w, line, sizeof(line));
	read_expect(w, 13, 16, 16, 29, 0, "LLLLLLLLLLLLLLLL");
	assert_int_equal(w->console_written, 13 + HV_CONSOLE_LINE_MAX + 1);
	read_expect(w, 13 + HV_CONSOLE_LINE_MAX, 16, 1, 14 + HV_CONSOLE_LINE_MAX, 0, "\n");
	assert_int_equal(w->console_len, 50);

	/* Wrap around: numbered lines past the ring's size. */
	strcpy(expect, "hello\nab?\tc?\n");
	memset(expect + 13, 'L', HV_CONSOLE_LINE_MAX);
	written = 13 + HV_CONSOLE_LINE_MAX;
	expect[written++] = '\n';
	memset(expect + written, 'L', 50);
	written += 50;
	while (written < 6000) {
		int n = snprintf(line, sizeof(line), "line %zu of the console\n", written);

		hv_console_put(w, line, (size_t)n);
		memcpy(expect + written, line, (size_t)n);
		written += (size_t)n;
	}
	assert_int_equal(w->console_written, written);
	/* From the start: the lost bytes are skipped and counted. */
	read_expect(w, 0, HV_CONSOLE_RING_SIZE, HV_CONSOLE_RING_SIZE, written,
	            written - HV_CONSOLE_RING_SIZE, expect + written - HV_CONSOLE_RING_SIZE);
	read_expect(w, 100, 10, 10, written - HV_CONSOLE_RING_SIZE + 10,
	            written - HV_CONSOLE_RING_SIZE - 100, expect + written - HV_CONSOLE_RING_SIZE);
	/* The oldest byte kept is not dropped. */
	read_expect(w, written - HV_CONSOLE_RING_SIZE, 8, 8, written - HV_CONSOLE_RING_SIZE + 8, 0,
	            expect + written - HV_CONSOLE_RING_SIZE);
	/* Across the end of the ring (index 4095 to 0). */
	assert_true(written - HV_CONSOLE_RING_SIZE < 4080 && written > 4120);
	read_expect(w, 4080, 40, 40, 4120, 0, expect + 4080);
	read_expect(w, written - 5, 100, 5, written, 0, expect + written - 5);
	read_expect(w, written, 100, 0, written, 0, NULL);
	pos = written + 1;
	assert_int_equal(hv_console_read(w, &pos, buf, sizeof(buf), &dropped), -HV_EINVAL);
}

/*
 * The ring against a model: random writes (printable text, newlines,
 * carriage returns, control bytes, lines longer than the limit) and reads
 * at random positions (old, kept, current, not reached) of random lengths.
 */
struct console_model {
	char out[65536];
	size_t written;
	size_t line;
};

static struct console_model cm;

static void model_put(const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		char c = buf[i];

		if (c == '\r') {
			continue;
		}
		if (c != '\n') {
			cm.line++;
			if (c != '\t' && (c < 0x20 || c > 0x7e)) {
				c = '?';
			}
			cm.out[cm.written++] = c;
		}
		if (c == '\n' || cm.line == HV_CONSOLE_LINE_MAX) {
			cm.out[cm.written++] = '\n';
			cm.line = 0;
		}
	}
}

static void test_console_ring_model(void **state)
{
	static char buf[HV_CONSOLE_RING_SIZE + 100];
	unsigned int runs = model_runs(8);
	unsigned long ops = model_ops(400);

	(void)state;
	for (unsigned int run = 0; run < runs; run++) {
		struct hv_domain *d;

		setup(NULL);
		d = w;
		memset(&cm, 0, sizeof(cm));
		model_begin(model_seed_base(0xc0ffee) + run);
		for (model_run.op = 0; model_run.op < ops; model_run.op++) {
			/* What the ring holds: the last bytes of the finished lines. */
			size_t kept = cm.written - cm.line;
			size_t oldest =
			        kept > HV_CONSOLE_RING_SIZE ? kept - HV_CONSOLE_RING_SIZE : 0;

			if (model_chance(40) && cm.written + 600 < sizeof(cm.out)) {
				size_t len = (size_t)model_below(model_chance(10) ? 500 : 60);

				for (size_t i = 0; i < len; i++) {
					uint64_t k = model_below(100);

					if (k < 8) {
						buf[i] = '\n';
					} else if (k < 10) {
						buf[i] = '\r';
					} else if (k < 13) {
						buf[i] = (char)model_below(256);
					} else {
						buf[i] = (char)(' ' + model_below(95));
					}
				}
				model_note("put %zu bytes", len);
				hv_console_put(d, buf, len);
				model_put(buf, len);
				continue;
			}
			{
				uint64_t pos;
				uint64_t got_pos;
				uint64_t dropped = 0;
				size_t len = (size_t)model_below(sizeof(buf));
				int n;

				switch (model_below(4)) {
				case 0:
					pos = model_below(oldest + 1);
					break;
				case 1:
					pos = oldest + model_below(kept - oldest + 1);
					break;
				case 2:
					pos = kept;
					break;
				default:
					pos = kept + 1 + model_below(1000);
					break;
				}
				model_note("read %llu bytes at %llu (kept %zu)",
				           (unsigned long long)len, (unsigned long long)pos, kept);
				got_pos = pos;
				n = hv_console_read(d, &got_pos, buf, len, &dropped);
				if (pos > kept) {
					model_eq(n, -HV_EINVAL, "read past the end");
					model_eq((long long)got_pos, (long long)pos, "pos kept");
					continue;
				}
				{
					size_t from = pos < oldest ? oldest : (size_t)pos;
					size_t want = kept - from < len ? kept - from : len;

					model_eq(n, (long long)want, "bytes read");
					model_eq((long long)got_pos,
					         (long long)from + (long long)want, "new pos");
					model_eq((long long)dropped,
					         (long long)from - (long long)pos, "dropped");
					if (n > 0 && memcmp(buf, cm.out + from, (size_t)n) != 0) {
						model_fail("bytes differ");
					}
				}
			}
		}
		model_run.op = ~0ul;
		model_eq((long long)d->console_written, (long long)(cm.written - cm.line),
		         "console_written");
	}
}

static void test_console_read_hypercall(void **state)
{
	struct hv_domctl_console io;
	char buf[16];

	(void)state;
	hv_console_put(w, "one\ntwo\n", 8);
	io = (struct hv_domctl_console){.pos = 0, .buf = cva(BUF_OFF), .size = 4096};
	df_write(ctl, cva(IO_OFF), &io, sizeof(io));
	assert_int_equal(domctl(HV_DOMCTL_CONSOLE_READ, 1, cva(IO_OFF)), 8);
	df_read(ctl, cva(IO_OFF), &io, sizeof(io));
	assert_int_equal(io.pos, 8);
	assert_int_equal(io.dropped, 0);
	assert_int_equal(io.size, 4096);
	df_read(ctl, cva(BUF_OFF), buf, 8);
	assert_memory_equal(buf, "one\ntwo\n", 8);
	/* A part, from a position. */
	io = (struct hv_domctl_console){.pos = 4, .buf = cva(BUF_OFF) + 100, .size = 3};
	df_write(ctl, cva(IO_OFF), &io, sizeof(io));
	assert_int_equal(domctl(HV_DOMCTL_CONSOLE_READ, 1, cva(IO_OFF)), 3);
	df_read(ctl, cva(IO_OFF), &io, sizeof(io));
	assert_int_equal(io.pos, 7);
	df_read(ctl, cva(BUF_OFF) + 100, buf, 3);
	assert_memory_equal(buf, "two", 3);

	/* Refusals leave the io structure as it was. */
	io = (struct hv_domctl_console){.pos = 0, .buf = cva(BUF_OFF), .size = 4097};
	df_write(ctl, cva(IO_OFF), &io, sizeof(io));
	assert_int_equal(domctl(HV_DOMCTL_CONSOLE_READ, 1, cva(IO_OFF)), -HV_E2BIG);
	io.size = UINT32_MAX;
	df_write(ctl, cva(IO_OFF), &io, sizeof(io));
	assert_int_equal(domctl(HV_DOMCTL_CONSOLE_READ, 1, cva(IO_OFF)), -HV_E2BIG);
	io = (struct hv_domctl_console){.pos = 0, .buf = cva(BUF_OFF), .size = 16, .pad = 1};
	df_write(ctl, cva(IO_OFF), &io, sizeof(io));
	assert_int_equal(domctl(HV_DOMCTL_CONSOLE_READ, 1, cva(IO_OFF)), -HV_EINVAL);
	io = (struct hv_domctl_console){.pos = 9, .buf = cva(BUF_OFF), .size = 16};
	df_write(ctl, cva(IO_OFF), &io, sizeof(io));
	assert_int_equal(domctl(HV_DOMCTL_CONSOLE_READ, 1, cva(IO_OFF)), -HV_EINVAL);
	df_read(ctl, cva(IO_OFF), &io, sizeof(io));
	assert_int_equal(io.pos, 9);
	assert_int_equal(domctl(HV_DOMCTL_CONSOLE_READ, HV_CONFIG_MAX_DOMAINS, cva(IO_OFF)),
	                 -HV_EINVAL);
	assert_int_equal(domctl(HV_DOMCTL_CONSOLE_READ, 7, cva(IO_OFF)), -HV_ENOENT);
	assert_int_equal(domctl(HV_DOMCTL_CONSOLE_READ, 1, 0x10), -HV_EFAULT);
	io = (struct hv_domctl_console){.pos = 0, .buf = 0x10, .size = 16};
	df_write(ctl, cva(IO_OFF), &io, sizeof(io));
	assert_int_equal(domctl(HV_DOMCTL_CONSOLE_READ, 1, cva(IO_OFF)), -HV_EFAULT);

	/* The caller's own console. */
	hv_console_put(ctl, "me\n", 3);
	io = (struct hv_domctl_console){.pos = 0, .buf = cva(BUF_OFF), .size = 16};
	df_write(ctl, cva(IO_OFF), &io, sizeof(io));
	assert_int_equal(domctl(HV_DOMCTL_CONSOLE_READ, 0, cva(IO_OFF)), 3);

	/* An ended domain's, with its last partial line written out when it ended. */
	hv_console_put(w, "partial", 7);
	assert_int_equal(domctl(HV_DOMCTL_DESTROY, 1, 0), 0);
	io = (struct hv_domctl_console){.pos = 8, .buf = cva(BUF_OFF), .size = 16};
	df_write(ctl, cva(IO_OFF), &io, sizeof(io));
	assert_int_equal(domctl(HV_DOMCTL_CONSOLE_READ, 1, cva(IO_OFF)), 8);
	df_read(ctl, cva(BUF_OFF), buf, 8);
	assert_memory_equal(buf, "partial\n", 8);
	console_assert_has("w: partial\n");

	/* What was lost is reported. */
	for (int i = 0; i < 100; i++) {
		hv_console_put(ctl, "0123456789012345678901234567890123456789012345678\n", 50);
	}
	io = (struct hv_domctl_console){.pos = 0, .buf = cva(BUF_OFF), .size = 4096};
	df_write(ctl, cva(IO_OFF), &io, sizeof(io));
	assert_int_equal(domctl(HV_DOMCTL_CONSOLE_READ, 0, cva(IO_OFF)), 4096);
	df_read(ctl, cva(IO_OFF), &io, sizeof(io));
	assert_int_equal(io.pos, 5003);
	assert_int_equal(io.dropped, 5003 - 4096);
}

/* --- The hypercall: privilege, arguments --- */

static void test_domctl_needs_control(void **state)
{
	struct hv_domctl_create r = request("guest", "sneaky", MIB);
	struct hv_vcpu *wv;
	unsigned int copies;
	uint64_t va;

	(void)state;
	wv = df_enter(w);
	va = w->layout.mem_start;
	df_write(w, va, &r, sizeof(r));
	world_take(&world_before);
	copies = fake_copy_count();
	for (uint64_t op = 0; op <= 12; op++) {
		assert_int_equal(df_hypercall(wv, HV_HC_DOMCTL, op, va, va), -HV_EPERM);
		assert_int_equal(df_hypercall(wv, HV_HC_DOMCTL, op, 0, HV_DOMCTL_CRASH_KEEP),
		                 -HV_EPERM);
	}
	assert_int_equal(df_hypercall(wv, HV_HC_DOMCTL, UINT64_MAX, va, va), -HV_EPERM);
	/* Not an argument was read. */
	assert_int_equal(fake_copy_count(), copies);
	world_check("unprivileged domctl");
	assert_int_equal(ctl->state, HV_DOMAIN_RUNNING);
	assert_int_equal(ctl->on_crash, HV_CRASH_DESTROY);
	assert_int_equal(w->state, HV_DOMAIN_RUNNING);
}

static void test_info_and_counters_copy_out(void **state)
{
	struct hv_domctl_info direct;
	struct hv_domctl_info copied;
	struct hv_domctl_counters c;
	struct hv_domctl_counters cc;

	(void)state;
	memset(&copied, 0, sizeof(copied));
	df_write(ctl, cva(IO_OFF), &copied, sizeof(copied));
	assert_int_equal(domctl(HV_DOMCTL_INFO, 0, cva(IO_OFF)), 0);
	df_read(ctl, cva(IO_OFF), &copied, sizeof(copied));
	direct = info_of(0);
	assert_memory_equal(&copied, &direct, sizeof(direct));
	assert_string_equal(copied.name, "ctl");
	assert_int_equal(copied.state, HV_DOMCTL_STATE_RUNNING);
	assert_int_equal(copied.flags, 1);
	assert_int_equal(copied.frames, CTL_MEM / PAGE);
	assert_int_equal(copied.ports, HV_VIRQ_COUNT);
	assert_int_equal(domctl(HV_DOMCTL_INFO, 1, cva(IO_OFF)), 0);
	df_read(ctl, cva(IO_OFF), &copied, sizeof(copied));
	assert_string_equal(copied.name, "w");
	assert_int_equal(copied.state, HV_DOMCTL_STATE_CREATED);
	assert_int_equal(domctl(HV_DOMCTL_INFO, 2, cva(IO_OFF)), -HV_ENOENT);
	assert_int_equal(domctl(HV_DOMCTL_INFO, HV_CONFIG_MAX_DOMAINS, cva(IO_OFF)), -HV_EINVAL);
	assert_int_equal(domctl(HV_DOMCTL_INFO, 0, 0x10), -HV_EFAULT);
	assert_int_equal(domctl(HV_DOMCTL_INFO, 0, ctl->layout.start_info), -HV_EFAULT);

	hv_domctl_counters(&c);
	assert_int_equal(domctl(HV_DOMCTL_COUNTERS, cva(IO_OFF), 0), 0);
	df_read(ctl, cva(IO_OFF), &cc, sizeof(cc));
	assert_memory_equal(&cc, &c, sizeof(c));
	assert_int_equal(c.domains, 2);
	assert_int_equal(c.ports, 2 * HV_VIRQ_COUNT);
	assert_int_equal(c.free_frames, hv_mem_free_count(hv_domain_mem()));
	assert_int_equal(domctl(HV_DOMCTL_COUNTERS, 0x10, 0), -HV_EFAULT);
}

/* --- Counters over create/destroy cycles --- */

static void test_counters_back_after_cycles(void **state)
{
	struct hv_domctl_counters base = counters_now();
	uint64_t hv0 = hv_frames();

	(void)state;
	for (int cycle = 0; cycle < 8; cycle++) {
		struct hv_domctl_create r = request("guest", "a", 2 * MIB);
		struct hv_domctl_connect io = {.pad = 0};
		struct hv_domctl_counters c;
		struct hv_domain *a;
		struct hv_domain *b;

		if (cycle % 2 != 0) {
			r = request("", "a", 2 * MIB);
			r.image_va = put_image(df.image, df.image_size);
			r.image_size = df.image_size;
		}
		assert_int_equal(create(&r), 2);
		a = hv_domain_get(2);
		b = create_ok("guest", "b", 5 * MIB);
		assert_int_equal(b->id, 3);
		assert_int_equal(domctl(HV_DOMCTL_UNPAUSE, 2, 0), 0);
		if (cycle % 4 < 2) {
			assert_int_equal(domctl(HV_DOMCTL_UNPAUSE, 3, 0), 0);
		}
		io.dom_a = 2;
		io.dom_b = 3;
		df_write(ctl, cva(IO_OFF), &io, sizeof(io));
		assert_int_equal(domctl(HV_DOMCTL_EVTCHN_CONNECT, cva(IO_OFF), 0), 0);
		c = counters_now();
		assert_int_equal(c.domains, base.domains + 2);
		assert_int_equal(c.ports, base.ports + 2 * HV_VIRQ_COUNT + 2);
		assert_int_equal(c.free_frames,
		                 base.free_frames - 512 - 1280 - (cycle % 2 ? 4 : 0));
		assert_int_equal(hv_frames(), hv0 + (cycle % 2 ? 4 : 0));
		/* One ends itself, one is destroyed (in steps), in either order. */
		if (cycle % 3 == 0) {
			hv_domain_shutdown(a, HV_SHUTDOWN_POWEROFF);
			assert_int_equal(domctl(HV_DOMCTL_DESTROY, 3, 0), 0);
		} else {
			assert_int_equal(domctl(HV_DOMCTL_DESTROY, 3, 0), 0);
			assert_int_equal(domctl(HV_DOMCTL_DESTROY, 2, 0), 0);
		}
		assert_int_equal(b->state, HV_DOMAIN_DYING);
		assert_int_equal(reclaim_all(), 1);
		assert_int_equal(a->state, HV_DOMAIN_DEAD);
		assert_int_equal(b->state, HV_DOMAIN_DEAD);
		c = counters_now();
		assert_counters_equal(&c, &base);
		assert_int_equal(hv_frames(), hv0);
		for (hv_domid_t id = 2; id < HV_CONFIG_MAX_DOMAINS; id++) {
			assert_false(hv_domain_desc_at(id)->image_owned);
		}
	}
	assert_int_equal(ctl->events_received, 16);
}

/* --- Event channels between two other domains --- */

static int connect(uint64_t a, uint64_t b, uint32_t *pa, uint32_t *pb)
{
	*pa = 0xaaaa;
	*pb = 0xbbbb;
	return hv_domctl_evtchn_connect(ctl, a, b, pa, pb);
}

static void test_evtchn_connect(void **state)
{
	struct hv_domain *a = create_ok("guest", "a", MIB);
	struct hv_domain *b = create_ok("guest", "b", MIB);
	struct hv_domain *dead = create_ok("guest", "dead", MIB);
	struct hv_domain *dying = create_ok("guest", "dying", 5 * MIB);
	struct hv_domctl_connect io;
	uint32_t pa;
	uint32_t pb;
	int port;

	(void)state;
	assert_int_equal(domctl(HV_DOMCTL_DESTROY, dead->id, 0), 0);
	assert_int_equal(domctl(HV_DOMCTL_DESTROY, dying->id, 0), 0);
	assert_int_equal(dying->state, HV_DOMAIN_DYING);
	assert_int_equal(domctl(HV_DOMCTL_SET_CRASH_POLICY, 1, HV_DOMCTL_CRASH_KEEP), 0);
	assert_int_equal(domctl(HV_DOMCTL_UNPAUSE, 1, 0), 0);
	hv_domain_crash(w, "kept");
	world_take(&world_before);
	assert_int_equal(connect(HV_CONFIG_MAX_DOMAINS, b->id, &pa, &pb), -HV_EINVAL);
	assert_int_equal(connect(a->id, HV_CONFIG_MAX_DOMAINS, &pa, &pb), -HV_EINVAL);
	assert_int_equal(connect(a->id, UINT64_C(1) << 16 | b->id, &pa, &pb), -HV_EINVAL);
	assert_int_equal(connect(0, b->id, &pa, &pb), -HV_EINVAL);
	assert_int_equal(connect(a->id, 0, &pa, &pb), -HV_EINVAL);
	assert_int_equal(connect(a->id, a->id, &pa, &pb), -HV_EINVAL);
	assert_int_equal(connect(a->id, 20, &pa, &pb), -HV_ENOENT);
	assert_int_equal(connect(20, a->id, &pa, &pb), -HV_ENOENT);
	assert_int_equal(connect(a->id, dead->id, &pa, &pb), -HV_ENOENT);
	assert_int_equal(connect(dying->id, a->id, &pa, &pb), -HV_ENOENT);
	assert_int_equal(connect(a->id, w->id, &pa, &pb), -HV_ENOENT);
	assert_int_equal(pa, 0xaaaa);
	assert_int_equal(pb, 0xbbbb);
	world_check("bad connect");
	assert_int_equal(a->events_received, 0);

	/* Both ends raised once, each naming the other. */
	assert_int_equal(connect(a->id, b->id, &pa, &pb), 0);
	assert_int_equal(pa, HV_VIRQ_COUNT);
	assert_int_equal(pb, HV_VIRQ_COUNT);
	assert_int_equal(a->evtchn[pa].state, HV_EVTCHN_INTERDOMAIN);
	assert_int_equal(a->evtchn[pa].remote, b->id);
	assert_int_equal(a->evtchn[pa].remote_port, pb);
	assert_int_equal(b->evtchn[pb].state, HV_EVTCHN_INTERDOMAIN);
	assert_int_equal(b->evtchn[pb].remote, a->id);
	assert_int_equal(b->evtchn[pb].remote_port, pa);
	assert_true(pending(a, pa));
	assert_true(pending(b, pb));
	assert_int_equal(a->events_received, 1);
	assert_int_equal(b->events_received, 1);
	assert_int_equal(a->ports_used, HV_VIRQ_COUNT + 1);
	assert_int_equal(b->ports_used, HV_VIRQ_COUNT + 1);
	/* The other way round, through the hypercall: new ports, paired right. */
	port = hv_evtchn_alloc_unbound(a, 0);
	assert_int_equal(port, HV_VIRQ_COUNT + 1);
	/* The reserved word must be zero: refused, and nothing connected. */
	io = (struct hv_domctl_connect){.dom_a = b->id, .dom_b = a->id, .pad = 1};
	df_write(ctl, cva(IO_OFF), &io, sizeof(io));
	assert_int_equal(domctl(HV_DOMCTL_EVTCHN_CONNECT, cva(IO_OFF), 0), -HV_EINVAL);
	assert_int_equal(b->ports_used, HV_VIRQ_COUNT + 1);
	io = (struct hv_domctl_connect){.dom_a = b->id, .dom_b = a->id};
	df_write(ctl, cva(IO_OFF), &io, sizeof(io));
	assert_int_equal(domctl(HV_DOMCTL_EVTCHN_CONNECT, cva(IO_OFF), 0), 0);
	df_read(ctl, cva(IO_OFF), &io, sizeof(io));
	assert_int_equal(io.dom_a, b->id);
	assert_int_equal(io.dom_b, a->id);
	assert_int_equal(io.port_a, HV_VIRQ_COUNT + 1);
	assert_int_equal(io.port_b, HV_VIRQ_COUNT + 2);
	assert_int_equal(b->evtchn[io.port_a].remote_port, io.port_b);
	assert_int_equal(a->evtchn[io.port_b].remote_port, io.port_a);
	assert_int_equal(a->evtchn[io.port_b].remote, b->id);
	assert_true(pending(b, io.port_a));
	assert_true(pending(a, io.port_b));
	assert_int_equal(domctl(HV_DOMCTL_EVTCHN_CONNECT, 0x10, 0), -HV_EFAULT);
	io = (struct hv_domctl_connect){.dom_a = 0, .dom_b = a->id};
	df_write(ctl, cva(IO_OFF), &io, sizeof(io));
	assert_int_equal(domctl(HV_DOMCTL_EVTCHN_CONNECT, cva(IO_OFF), 0), -HV_EINVAL);

	/* b has no port left: refused, and a's offer is taken back. */
	while (hv_evtchn_alloc_unbound(b, a->id) >= 0) {
	}
	assert_int_equal(b->ports_used, HV_EVENT_PORTS);
	world_take(&world_before);
	assert_int_equal(connect(a->id, b->id, &pa, &pb), -HV_ENOSPC);
	world_check("no port left in b");
	assert_int_equal(a->evtchn[HV_VIRQ_COUNT + 3].state, HV_EVTCHN_FREE);
	/* With b as the offering end: refused at once. */
	assert_int_equal(connect(b->id, a->id, &pa, &pb), -HV_ENOSPC);
	assert_int_equal(pa, 0xaaaa);
}

/* --- The wall clock --- */

static void test_wallclock(void **state)
{
	const uint64_t billion = UINT64_C(1000000000);
	struct hv_shared_info before;
	struct hv_shared_info sh;
	struct hv_domain *k;
	uint64_t now;

	(void)state;
	k = create_ok("guest", "k", MIB);
	assert_int_equal(domctl(HV_DOMCTL_SET_CRASH_POLICY, k->id, HV_DOMCTL_CRASH_KEEP), 0);
	assert_int_equal(domctl(HV_DOMCTL_UNPAUSE, k->id, 0), 0);
	hv_domain_crash(k, "kept");
	/* The clock stands at 5.25 s. */
	fake_clock_set_step(0);
	now = hv_port_time_ns();
	fake_clock_advance(5 * billion + 250000000 - now);
	assert_int_equal(hv_port_time_ns(), 5 * billion + 250000000);
	df_read(w, DF_SHARED, &before, sizeof(before));

	assert_int_equal(hv_domctl_set_wallclock(1800000000, billion), -HV_EINVAL);
	assert_int_equal(hv_domctl_set_wallclock(1800000000, UINT64_MAX), -HV_EINVAL);
	assert_int_equal(hv_domctl_set_wallclock(4, 999999999), -HV_EINVAL);
	assert_int_equal(hv_domctl_set_wallclock(5, 249999999), -HV_EINVAL);
	assert_int_equal(hv_domctl_set_wallclock(0, 0), -HV_EINVAL);
	assert_int_equal(domctl(HV_DOMCTL_SET_WALLCLOCK, 1800000000, billion), -HV_EINVAL);
	df_read(w, DF_SHARED, &sh, sizeof(sh));
	assert_int_equal(sh.wc_version, before.wc_version);
	assert_int_equal(sh.wc_sec, before.wc_sec);
	assert_int_equal(sh.wc_nsec, before.wc_nsec);

	/* Exactly now: system time 0 was the epoch. */
	assert_int_equal(hv_domctl_set_wallclock(5, 250000000), 0);
	df_read(w, DF_SHARED, &sh, sizeof(sh));
	assert_int_equal(sh.wc_sec, 0);
	assert_int_equal(sh.wc_nsec, 0);
	assert_int_equal(sh.wc_version, before.wc_version + 2);

	/* With a borrow, through the hypercall; every live domain sees it. */
	assert_int_equal(domctl(HV_DOMCTL_SET_WALLCLOCK, 1800000010, 100000000), 0);
	df_read(w, DF_SHARED, &sh, sizeof(sh));
	assert_int_equal(sh.wc_sec, 1800000004);
	assert_int_equal(sh.wc_nsec, 850000000);
	assert_int_equal(sh.wc_version % 2, 0);
	df_read(ctl, DF_SHARED, &sh, sizeof(sh));
	assert_int_equal(sh.wc_sec, 1800000004);
	assert_int_equal(sh.wc_nsec, 850000000);
	/* A crashed domain's page is left alone; its reset publishes the clock. */
	df_read(k, DF_SHARED, &sh, sizeof(sh));
	assert_int_equal(sh.wc_sec, 0);
	assert_int_equal(domctl(HV_DOMCTL_RESET, k->id, 0), 0);
	df_read(k, DF_SHARED, &sh, sizeof(sh));
	assert_int_equal(sh.wc_sec, 1800000004);
	assert_int_equal(sh.wc_nsec, 850000000);
	/* So does a domain created later. */
	k = create_ok("guest", "later", MIB);
	df_read(k, DF_SHARED, &sh, sizeof(sh));
	assert_int_equal(sh.wc_sec, 1800000004);
	assert_int_equal(sh.wc_nsec, 850000000);
	/* The largest time there is. */
	assert_int_equal(hv_domctl_set_wallclock(UINT64_MAX, billion - 1), 0);
	df_read(w, DF_SHARED, &sh, sizeof(sh));
	assert_int_equal(sh.wc_sec, UINT64_MAX - 5);
	assert_int_equal(sh.wc_nsec, billion - 1 - 250000000);
}

/*
 * A DYING domain's memory is being given back: frames already passed are
 * zeroed and free (maybe some other domain's by now). Setting the wall
 * clock must not write into its shared-info page.
 */
static void test_wallclock_skips_dying_domain(void **state)
{
	struct hv_domain *d = create_ok("guest", "dying", 5 * MIB);
	hv_paddr_t shared_pa;
	uint32_t flags;
	hv_pfn_t pfn;

	(void)state;
	assert_true(fake_as_lookup(d->layout.root, d->layout.shared_info, &shared_pa, &flags));
	pfn = HV_PFN(shared_pa);
	assert_int_equal(domctl(HV_DOMCTL_DESTROY, d->id, 0), 0);
	assert_int_equal(d->state, HV_DOMAIN_DYING);
	/* Its first (lowest) block, which holds the shared-info page, is back already. */
	assert_int_equal(hv_domain_mem()->frames[pfn].owner, HV_DOMID_FREE);
	assert_true(page_all(pfn, 0));
	assert_int_equal(hv_domctl_set_wallclock(1800000000, 0), 0);
	assert_true(page_all(pfn, 0));
	reclaim_all();
	assert_true(page_all(pfn, 0));
	assert_int_equal(d->state, HV_DOMAIN_DEAD);
}

/* --- The run loop --- */

#define LATER UINT64_C(1000000000) /* 1 s: well after start-up on the fake clock */

static struct hv_config run_config(const struct hv_domain_config *doms, size_t count)
{
	return boot_config(doms, count, 0);
}

#define DOM(n, mem, flags_)                                                                        \
	{                                                                                          \
		.name = (n), .image = "img", .mem_size = (mem), .vcpu_count = 1, .flags = (flags_) \
	}

/* What the reclaim looked like at each CALL step of ctl. */
static struct {
	struct blocks big;
	unsigned int runs_at_destroy;
	unsigned int count;
	uint64_t passed[16];
	unsigned int runs[16];
	enum hv_domain_state state[16];
} rl;

/* The number of big's frames (in frame order) that are zero: the cursor's progress. */
static uint64_t zero_prefix(const struct blocks *b)
{
	uint64_t n = 0;

	while (n < b->frames && page_all(block_frame(b, n), 0)) {
		n++;
	}
	return n;
}

/* CALL step of ctl: fills big's frames with a pattern, just before destroying it. */
static void fill_big(struct hv_port_vcpu *p, void *arg)
{
	(void)p;
	(void)arg;
	/* big never ran. */
	assert_string_equal(fake_run_log(), "ctl");
	blocks_of(2, &rl.big);
	fill_blocks(&rl.big, 0xa5);
	rl.runs_at_destroy = fake_run_count();
}

static void record_big(struct hv_port_vcpu *p, void *arg)
{
	(void)p;
	(void)arg;
	assert_true(rl.count < 16);
	rl.passed[rl.count] = zero_prefix(&rl.big);
	rl.runs[rl.count] = fake_run_count();
	rl.state[rl.count] = hv_domain_get(2)->state;
	rl.count++;
}

/*
 * The run loop gives a destroyed domain's memory back one step per turn
 * while the other domains run: 32 MiB, 8 steps, the first in the call.
 */
static void test_reclaim_in_the_run_loop(void **state)
{
	static const struct hv_domain_config doms[] = {
	        DOM("ctl", MIB, HV_DOMAIN_F_CONTROL),
	        DOM("w", MIB, 0),
	        DOM("big", 32 * MIB, 0),
	};
	static const struct fake_step ctl_script[] = {
	        FAKE_CALL(fill_big, NULL),   FAKE_HC(HV_HC_DOMCTL, HV_DOMCTL_DESTROY, 2),
	        FAKE_CALL(record_big, NULL), FAKE_HC(HV_HC_VERSION),
	        FAKE_CALL(record_big, NULL), FAKE_SPIN(1),
	        FAKE_CALL(record_big, NULL), FAKE_SPIN(1),
	        FAKE_CALL(record_big, NULL), FAKE_SPIN(1),
	        FAKE_CALL(record_big, NULL), FAKE_SPIN(1),
	        FAKE_CALL(record_big, NULL), FAKE_POWEROFF,
	};
	static const struct fake_step w_script[] = {FAKE_SPIN(8), FAKE_POWEROFF};
	static const struct fake_step big_script[] = {FAKE_SPIN(100), FAKE_POWEROFF};
	struct hv_config cfg = run_config(doms, 3);
	uint64_t free_after_boot;

	(void)state;
	boot_modules();
	memset(&rl, 0, sizeof(rl));
	fake_script_set("ctl", ctl_script, sizeof(ctl_script) / sizeof(ctl_script[0]));
	fake_script_set("w", w_script, 2);
	fake_script_set("big", big_script, 2);
	assert_int_equal(hv_main(&cfg, &df.boot), HV_VERDICT_PASS);
	assert_int_equal(rl.big.frames, 8192);
	assert_int_equal(rl.count, 6);
	for (unsigned int i = 0; i < rl.count; i++) {
		/* One step in the destroy, then one per turn of the loop. */
		uint64_t steps = 1 + rl.runs[i] - rl.runs_at_destroy;
		uint64_t want = steps * SCRUB_FRAMES < 8192 ? steps * SCRUB_FRAMES : 8192;

		if (rl.passed[i] != want ||
		    rl.state[i] != (want < 8192 ? HV_DOMAIN_DYING : HV_DOMAIN_DEAD)) {
			fail_msg("record %u (run %u): %llu frames scrubbed, state %d; want %llu", i,
			         rl.runs[i], (unsigned long long)rl.passed[i], (int)rl.state[i],
			         (unsigned long long)want);
		}
	}
	/* w ran while big was DYING, and big never ran. */
	assert_int_equal(rl.state[2], HV_DOMAIN_DYING);
	assert_non_null(strstr(fake_run_log(), "ctl ctl ctl w ctl"));
	assert_null(strstr(fake_run_log(), "big"));
	assert_int_equal(rl.state[rl.count - 1], HV_DOMAIN_DEAD);
	assert_int_equal(hv_domain_get(2)->state, HV_DOMAIN_DEAD);
	check_reclaimed(2, &rl.big, 8192, 0xa5);
	free_after_boot = hv_mem_free_count(hv_domain_mem());
	assert_int_equal(hv_mem_account(hv_domain_mem(), 0)->used_frames, 0);
	assert_int_equal(hv_mem_account(hv_domain_mem(), 1)->used_frames, 0);
	assert_true(free_after_boot > 8192);
	console_assert_has("hv: summary: domain 2 'big': destroyed by the control domain; ");
	console_assert_verdict(true);
}

/* What ctl saw of w around the pause. */
static struct {
	uint64_t cpu_before;
	uint64_t cpu_paused;
	unsigned int runs_paused;
	size_t log_paused;
} pt;

static void note_paused(struct hv_port_vcpu *p, void *arg)
{
	const struct hv_domain *wd = hv_domain_get(1);

	(void)p;
	(void)arg;
	assert_int_equal(wd->state, HV_DOMAIN_PAUSED);
	assert_int_equal(wd->vcpus[0].state, HV_VCPU_PAUSED);
	pt.cpu_paused = wd->cpu_time_ns;
	pt.runs_paused = fake_run_count();
	pt.log_paused = strlen(fake_run_log());
}

static void note_before(struct hv_port_vcpu *p, void *arg)
{
	(void)p;
	(void)arg;
	pt.cpu_before = hv_domain_get(1)->cpu_time_ns;
	/* w has had a turn. */
	assert_true(pt.cpu_before > 0);
}

/* While w was paused, ctl spun three slices: only ctl ran, w had no CPU time. */
static void check_still_paused(struct hv_port_vcpu *p, void *arg)
{
	const char *since = fake_run_log() + pt.log_paused;

	(void)p;
	(void)arg;
	assert_int_equal(hv_domain_get(1)->cpu_time_ns, pt.cpu_paused);
	assert_int_equal(fake_run_count(), pt.runs_paused + 3);
	assert_string_equal(since, " ctl ctl ctl");
}

static void check_resumed(struct hv_port_vcpu *p, void *arg)
{
	(void)p;
	(void)arg;
	if (hv_domain_get(1)->cpu_time_ns <= pt.cpu_paused) {
		fail_msg("w had no CPU after unpause: %s", fake_run_log());
	}
}

static void test_paused_domain_gets_no_cpu(void **state)
{
	static const struct hv_domain_config doms[] = {
	        DOM("ctl", MIB, HV_DOMAIN_F_CONTROL),
	        DOM("w", MIB, 0),
	};
	static const struct fake_step ctl_script[] = {
	        FAKE_SPIN(1),
	        FAKE_CALL(note_before, NULL),
	        FAKE_HC(HV_HC_DOMCTL, HV_DOMCTL_PAUSE, 1),
	        FAKE_CALL(note_paused, NULL),
	        FAKE_SPIN(3),
	        FAKE_CALL(check_still_paused, NULL),
	        FAKE_HC(HV_HC_DOMCTL, HV_DOMCTL_UNPAUSE, 1),
	        /* Round-robin queues w behind ctl: ctl ends this slice and has one more. */
	        FAKE_SPIN(2),
	        FAKE_CALL(check_resumed, NULL),
	        FAKE_POWEROFF,
	};
	static const struct fake_step w_script[] = {FAKE_SPIN(4), FAKE_POWEROFF};
	struct hv_config cfg = run_config(doms, 2);

	(void)state;
	boot_modules();
	memset(&pt, 0, sizeof(pt));
	fake_script_set("ctl", ctl_script, sizeof(ctl_script) / sizeof(ctl_script[0]));
	fake_script_set("w", w_script, 2);
	assert_int_equal(hv_main(&cfg, &df.boot), HV_VERDICT_PASS);
	assert_int_equal(fake_script_left("ctl"), 0);
	assert_int_equal(fake_script_left("w"), 0);
	console_assert_has("hv: domain 1 'w' paused\n");
	console_assert_has("hv: domain 1 'w' unpaused\n");
	console_assert_has("hv: domain 1 'w' powered off\n");
	console_assert_verdict(true);
}

static struct {
	unsigned int runs_paused;
	size_t log_paused;
	bool s_woke;
	bool s2_woke;
} bt;

static void check_both_blocked(struct hv_port_vcpu *p, void *arg)
{
	(void)p;
	(void)arg;
	assert_int_equal(hv_domain_get(1)->vcpus[0].state, HV_VCPU_BLOCKED);
	assert_int_equal(hv_domain_get(2)->vcpus[0].state, HV_VCPU_BLOCKED);
	assert_int_equal(hv_domain_get(1)->vcpus[0].block_deadline, LATER);
}

static void note_both_paused(struct hv_port_vcpu *p, void *arg)
{
	(void)p;
	(void)arg;
	for (hv_domid_t id = 1; id <= 2; id++) {
		assert_int_equal(hv_domain_get(id)->vcpus[0].state, HV_VCPU_PAUSED);
		assert_int_equal(hv_domain_get(id)->vcpus[0].paused_from, HV_VCPU_BLOCKED);
	}
	bt.runs_paused = fake_run_count();
	bt.log_paused = strlen(fake_run_log());
}

/*
 * ctl slept past both deadlines (s's block deadline, s2's timer) while s
 * and s2 were paused: neither ran; s2's timer event is pending.
 */
static void check_after_sleep(struct hv_port_vcpu *p, void *arg)
{
	const struct hv_domain *s2 = hv_domain_get(2);

	(void)p;
	(void)arg;
	assert_true(hv_port_time_ns() >= 2 * LATER);
	assert_string_equal(fake_run_log() + bt.log_paused, " ctl");
	assert_int_equal(hv_domain_get(1)->vcpus[0].state, HV_VCPU_PAUSED);
	assert_int_equal(s2->vcpus[0].state, HV_VCPU_PAUSED);
	assert_true(pending(s2, s2->virq_port[HV_VIRQ_TIMER]));
	assert_int_equal(s2->vcpus[0].info->upcall_pending, 1);
	assert_int_equal(s2->events_received, 1);
}

/*
 * Unpaused, s was blocked again with its deadline passed: the loop's next
 * turn, before ctl ran on, looked at the clock and woke it.
 */
static void check_s_woken(struct hv_port_vcpu *p, void *arg)
{
	(void)p;
	(void)arg;
	assert_int_equal(hv_domain_get(1)->vcpus[0].state, HV_VCPU_RUNNABLE);
	assert_int_equal(hv_domain_get(1)->vcpus[0].block_deadline, 0);
	assert_int_equal(hv_domain_get(1)->state, HV_DOMAIN_RUNNING);
}

static void check_s2_runnable(struct hv_port_vcpu *p, void *arg)
{
	(void)p;
	(void)arg;
	assert_int_equal(hv_domain_get(2)->vcpus[0].state, HV_VCPU_RUNNABLE);
	assert_int_equal(hv_domain_get(2)->state, HV_DOMAIN_RUNNING);
}

static void s_woke(struct hv_port_vcpu *p, void *arg)
{
	(void)p;
	(void)arg;
	assert_true(hv_port_time_ns() >= 2 * LATER);
	bt.s_woke = true;
}

static void s2_woke(struct hv_port_vcpu *p, void *arg)
{
	struct hv_shared_info sh;

	(void)arg;
	assert_true(hv_port_time_ns() >= 2 * LATER);
	assert_int_equal(fake_guest_read(fake_vcpu_root(p), DF_SHARED, &sh, sizeof(sh)), 0);
	assert_true(sh.evtchn_pending[0] & (UINT64_C(1) << HV_VIRQ_TIMER));
	bt.s2_woke = true;
}

static void test_paused_blocked_vcpus_in_the_run_loop(void **state)
{
	static const struct hv_domain_config doms[] = {
	        DOM("ctl", MIB, HV_DOMAIN_F_CONTROL),
	        DOM("s", MIB, 0),
	        DOM("s2", MIB, 0),
	};
	static const struct fake_step ctl_script[] = {
	        FAKE_HC(HV_HC_YIELD),
	        FAKE_CALL(check_both_blocked, NULL),
	        FAKE_HC(HV_HC_DOMCTL, HV_DOMCTL_PAUSE, 1),
	        FAKE_HC(HV_HC_DOMCTL, HV_DOMCTL_PAUSE, 2),
	        FAKE_CALL(note_both_paused, NULL),
	        FAKE_HC(HV_HC_BLOCK, 2 * LATER),
	        FAKE_CALL(check_after_sleep, NULL),
	        FAKE_HC(HV_HC_DOMCTL, HV_DOMCTL_UNPAUSE, 1),
	        FAKE_CALL(check_s_woken, NULL),
	        FAKE_HC(HV_HC_DOMCTL, HV_DOMCTL_UNPAUSE, 2),
	        FAKE_CALL(check_s2_runnable, NULL),
	        FAKE_HC(HV_HC_YIELD),
	        FAKE_POWEROFF,
	};
	static const struct fake_step s_script[] = {
	        FAKE_HC(HV_HC_BLOCK, LATER),
	        FAKE_CALL(s_woke, NULL),
	        FAKE_POWEROFF,
	};
	static const struct fake_step s2_script[] = {
	        FAKE_HC(HV_HC_SET_TIMER, LATER),
	        FAKE_HC(HV_HC_BLOCK, 0),
	        FAKE_CALL(s2_woke, NULL),
	        FAKE_POWEROFF,
	};
	struct hv_config cfg = run_config(doms, 3);

	(void)state;
	boot_modules();
	memset(&bt, 0, sizeof(bt));
	fake_script_set("ctl", ctl_script, sizeof(ctl_script) / sizeof(ctl_script[0]));
	fake_script_set("s", s_script, 3);
	fake_script_set("s2", s2_script, 4);
	assert_int_equal(hv_main(&cfg, &df.boot), HV_VERDICT_PASS);
	assert_true(bt.s_woke);
	assert_true(bt.s2_woke);
	assert_int_equal(fake_script_left("s"), 0);
	assert_int_equal(fake_script_left("s2"), 0);
	console_assert_verdict(true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup(test_create_from_module, setup),
	        cmocka_unit_test_setup(test_create_refusals_leave_nothing, setup),
	        cmocka_unit_test_setup(test_refused_create_keeps_dead_slot, setup),
	        cmocka_unit_test_setup(test_create_in_pool, setup),
	        cmocka_unit_test_setup(test_create_from_memory, setup),
	        cmocka_unit_test_setup(test_create_from_memory_refusals, setup),
	        cmocka_unit_test_setup(test_scan_bound_and_no_free_slot, setup_booted),
	        cmocka_unit_test_setup(test_destroy_small_domain_at_once, setup),
	        cmocka_unit_test_setup(test_destroy_large_domain_in_steps, setup),
	        cmocka_unit_test_setup(test_reclaim_interleaves_with_other_domains, setup),
	        cmocka_unit_test_setup(test_destroy_crashed_kept, setup),
	        cmocka_unit_test_setup(test_pause_unpause_runnable, setup),
	        cmocka_unit_test_setup(test_pause_blocked_vcpu, setup),
	        cmocka_unit_test_setup(test_self_and_bad_targets, setup),
	        cmocka_unit_test_setup(test_reset_running, setup),
	        cmocka_unit_test_setup(test_reset_crashed_kept, setup),
	        cmocka_unit_test_setup(test_reset_build_fails, setup),
	        cmocka_unit_test_setup(test_console_ring, setup),
	        cmocka_unit_test(test_console_ring_model),
	        cmocka_unit_test_setup(test_console_read_hypercall, setup),
	        cmocka_unit_test_setup(test_domctl_needs_control, setup),
	        cmocka_unit_test_setup(test_info_and_counters_copy_out, setup),
	        cmocka_unit_test_setup(test_counters_back_after_cycles, setup),
	        cmocka_unit_test_setup(test_evtchn_connect, setup),
	        cmocka_unit_test_setup(test_wallclock, setup),
	        cmocka_unit_test_setup(test_wallclock_skips_dying_domain, setup),
	        cmocka_unit_test(test_reclaim_in_the_run_loop),
	        cmocka_unit_test(test_paused_domain_gets_no_cpu),
	        cmocka_unit_test(test_paused_blocked_vcpus_in_the_run_loop),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
