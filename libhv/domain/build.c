/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The domain builder: turns a checked ELF image and the frames reserved for
 * a domain into an address space a vCPU can start in.
 *
 * Guest virtual layout (B = the image's highest address rounded up to
 * 2 MiB, N = frames the domain owns):
 *
 *   image        the ELF segments: file bytes copied, the rest zeroed;
 *                writable only with PF_W, executable only with PF_X
 *   B            start info (read-only)
 *   B + 4 KiB    shared info (writable)
 *   B + 8 KiB    guard page (never mapped)
 *   B + 12 KiB   initial stack, 16 KiB (writable); top at B + 28 KiB
 *   B + 28 KiB   frame list: N frame numbers, 8 bytes each (read-only)
 *   pt_base      the page-table frames, root first (read-only); room is
 *                left for N of them
 *   map_base     the grant map area: HV_GRANT_MAP_SLOTS pages (2 MiB) from
 *                the first 2 MiB boundary after that room, unmapped but
 *                with its page table, so that a grant map allocates nothing
 *   mem_start    every other frame (writable), after the map area
 *
 * Every mapping goes through hv_port_as_map(), and every byte the builder
 * writes goes through hv_port_phys_to_virt(): guest frames are RAM in the
 * direct map.
 *
 * Frames are taken from the domain's own reservation, in frame-number
 * order: data frames from the bottom, page-table frames (asked for by the
 * port through the pt_alloc callback) from the top. So the tables are
 * always the frames above the "back" cursor, in the order they were
 * allocated, which is how they are found again to map them read-only.
 *
 * How many tables the port needs is the port's business, so the builder
 * cannot count them in advance. It maps free memory one frame at a time,
 * first without allowing the port to allocate (most pages need no new
 * table), and only allows it while enough frames remain to also map the
 * new tables into the page-table window. The few frames (if any) left when
 * the next page would need a table that could no longer be mapped stay
 * unmapped, zeroed and in the frame list ("spare").
 *
 * Frame types (D2): the root is typed HV_FRAME_L4 and every other table
 * HV_FRAME_L1 — "a page table below the root", as the port does not say at
 * which level it uses a table; writable frames HV_FRAME_WRITABLE, the
 * shared-info page HV_FRAME_SHARED; each mapping counts one reference. A
 * page-table frame is never mapped writable (HV_CHECK).
 */
#include <hv/abi/errno.h>
#include <hv/abi/hypercall.h>
#include <hv/abi/shared.h>
#include <hv/log.h>
#include <hv/port.h>

#include "domain/domain.h"
#include "event/event.h"
#include "grant/grant.h"
#include "lib/check.h"
#include "lib/string.h"
#include "time/time.h"

#define PAGE      HV_PAGE_SIZE
#define SIZE_2M   (UINT64_C(2) << 20)
#define ELF_PF_X  1u
#define ELF_PF_W  2u
#define PFN_NONE  UINT64_MAX
#define FL_PER_PG (PAGE / sizeof(uint64_t))

struct builder {
	struct hv_domain *d;
	struct hv_mem *mem;
	hv_domid_t id;
	hv_pfn_t front;       /* next candidate for a data frame (upwards) */
	uint64_t front_taken; /* data frames taken: the index of the next in the frame list */
	hv_pfn_t back;        /* the last table taken; candidates lie below (downwards) */
	hv_pfn_t window_next; /* the last table mapped into the window */
	uint64_t remaining;   /* frames taken from neither end */
	uint64_t tables;
	uint64_t tables_mapped;
	unsigned int allocs_this_map;
	unsigned int max_allocs_per_map;
	bool no_alloc;
	struct hv_port_pt_alloc pt_alloc;
};

static uint64_t page_down(uint64_t x)
{
	return x & ~(PAGE - 1);
}

static uint64_t page_up(uint64_t x)
{
	return (x + PAGE - 1) & ~(PAGE - 1);
}

static bool is_page_table(uint8_t type)
{
	return type >= HV_FRAME_L1 && type <= HV_FRAME_L4;
}

static bool owned(const struct builder *b, hv_pfn_t pfn)
{
	return b->mem->frames[pfn].owner == b->id;
}

static void *frame_ptr(hv_pfn_t pfn)
{
	return hv_port_phys_to_virt(HV_PADDR(pfn));
}

static void zero_frame(hv_pfn_t pfn)
{
	hv_memset(frame_ptr(pfn), 0, PAGE);
}

static void set_type(struct builder *b, hv_pfn_t pfn, enum hv_frame_type type)
{
	struct hv_frame *f = &b->mem->frames[pfn];

	HV_CHECK(f->type == HV_FRAME_NONE && f->type_count == 0);
	f->type = (uint8_t)type;
	f->type_count = type == HV_FRAME_NONE ? 0 : 1;
}

static int take_front(struct builder *b, hv_pfn_t *pfn)
{
	if (b->remaining == 0) {
		return -HV_ENOMEM;
	}
	while (!owned(b, b->front)) {
		b->front++;
	}
	*pfn = b->front++;
	b->front_taken++;
	b->remaining--;
	return 0;
}

static int take_back(struct builder *b, hv_pfn_t *pfn)
{
	if (b->remaining == 0) {
		return -HV_ENOMEM;
	}
	do {
		b->back--;
	} while (!owned(b, b->back));
	*pfn = b->back;
	b->remaining--;
	return 0;
}

/* The port's source of intermediate page tables. */
static int pt_alloc(void *ctx, hv_paddr_t *pa)
{
	struct builder *b = ctx;
	hv_pfn_t pfn;
	int rc;

	if (b->no_alloc) {
		return -HV_ENOMEM;
	}
	rc = take_back(b, &pfn);
	if (rc != 0) {
		return rc;
	}
	zero_frame(pfn);
	set_type(b, pfn, HV_FRAME_L1);
	b->tables++;
	b->allocs_this_map++;
	*pa = HV_PADDR(pfn);
	return 0;
}

static int map(struct builder *b, uint64_t va, hv_pfn_t pfn, uint32_t flags)
{
	struct hv_frame *f = &b->mem->frames[pfn];
	int rc;

	HV_CHECK(f->owner == b->id);
	HV_CHECK(!((flags & HV_PORT_MAP_WRITE) && is_page_table(f->type)));
	b->allocs_this_map = 0;
	rc = hv_port_as_map(b->d->layout.root, va, HV_PADDR(pfn), flags, &b->pt_alloc);
	if (b->allocs_this_map > b->max_allocs_per_map) {
		b->max_allocs_per_map = b->allocs_this_map;
	}
	if (rc == 0) {
		f->ref_count++;
	}
	return rc;
}

/* Takes a data frame from the bottom, zeroes it, types it and maps it at va. */
static int map_new(struct builder *b, uint64_t va, uint32_t flags, enum hv_frame_type type,
                   hv_pfn_t *out)
{
	hv_pfn_t pfn;
	int rc = take_front(b, &pfn);

	if (rc != 0) {
		return rc;
	}
	zero_frame(pfn);
	set_type(b, pfn, type);
	rc = map(b, va, pfn, flags);
	if (rc == 0 && out != NULL) {
		*out = pfn;
	}
	return rc;
}

/* Segments in address order (the checker made sure they do not overlap). */
static void sort_segments(const struct hv_elf_info *elf, size_t *order)
{
	for (size_t i = 0; i < elf->segment_count; i++) {
		size_t j = i;

		while (j > 0 && elf->segments[order[j - 1]].vaddr > elf->segments[i].vaddr) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = i;
	}
}

static bool overlaps(const struct hv_elf_segment *s, uint64_t va, uint64_t len)
{
	return s->vaddr < va + len && va < s->vaddr + s->mem_size;
}

/*
 * Calls 'fn' once for every page the image touches, in address order; two
 * segments may share a page, which is then visited once. Counts the pages
 * in *pages (only counts them if fn is NULL); stops at fn's first error.
 */
static int for_each_image_page(const struct hv_elf_info *elf,
                               int (*fn)(struct builder *b, uint64_t va), struct builder *b,
                               uint64_t *pages)
{
	size_t order[HV_ELF_MAX_SEGMENTS];
	uint64_t next = 0; /* first page not visited yet */

	*pages = 0;
	sort_segments(elf, order);
	for (size_t i = 0; i < elf->segment_count; i++) {
		const struct hv_elf_segment *s = &elf->segments[order[i]];
		uint64_t va = page_down(s->vaddr);
		uint64_t end = page_up(s->vaddr + s->mem_size);

		if (va < next) {
			va = next;
		}
		if (fn == NULL) {
			/* Only counting: a huge bss must not take a loop per page. */
			*pages += va < end ? (end - va) / PAGE : 0;
			va = va < end ? end : va;
		}
		for (; va < end; va += PAGE) {
			int rc = fn(b, va);

			if (rc != 0) {
				return rc;
			}
			(*pages)++;
		}
		next = va;
	}
	return 0;
}

/* Loads one image page: flags from every segment on it, then its bytes. */
static int load_page(struct builder *b, uint64_t va)
{
	const struct hv_domain_desc *desc = b->d->desc;
	const struct hv_elf_info *elf = &desc->elf;
	const unsigned char *file = desc->module->data;
	uint32_t flags = 0;
	unsigned char *page;
	hv_pfn_t pfn;
	int rc;

	for (size_t i = 0; i < elf->segment_count; i++) {
		const struct hv_elf_segment *s = &elf->segments[i];

		if (overlaps(s, va, PAGE)) {
			flags |= (s->flags & ELF_PF_W) ? HV_PORT_MAP_WRITE : 0;
			flags |= (s->flags & ELF_PF_X) ? HV_PORT_MAP_EXEC : 0;
		}
	}
	rc = map_new(b, va, flags, (flags & HV_PORT_MAP_WRITE) ? HV_FRAME_WRITABLE : HV_FRAME_NONE,
	             &pfn);
	if (rc != 0) {
		return rc;
	}
	page = frame_ptr(pfn);
	for (size_t i = 0; i < elf->segment_count; i++) {
		const struct hv_elf_segment *s = &elf->segments[i];
		uint64_t lo = s->vaddr > va ? s->vaddr : va;
		uint64_t hi =
		        s->vaddr + s->file_size < va + PAGE ? s->vaddr + s->file_size : va + PAGE;

		if (lo < hi) {
			hv_memcpy(page + (lo - va), file + s->file_offset + (lo - s->vaddr),
			          hi - lo);
		}
	}
	return 0;
}

/* Maps every page-table frame not yet in the window, in allocation order. */
static int map_window(struct builder *b)
{
	while (b->tables_mapped < b->tables) {
		int rc;

		do {
			b->window_next--;
		} while (!owned(b, b->window_next));
		rc = map(b, b->d->layout.pt_base + b->tables_mapped * PAGE, b->window_next, 0);
		if (rc != 0) {
			return rc;
		}
		b->tables_mapped++;
	}
	return 0;
}

/* Maps all remaining frames as free memory (see the top of the file). */
static int map_free_memory(struct builder *b)
{
	struct hv_domain_layout *l = &b->d->layout;
	uint64_t count = 0;
	int rc;

	/* Frames below the front cursor are all data frames, taken in order. */
	l->mem_frame_index = b->front_taken;
	for (;;) {
		uint64_t reserve =
		        UINT64_C(2) * (b->max_allocs_per_map > 0 ? b->max_allocs_per_map : 1);
		uint64_t va = l->mem_start + count * PAGE;
		hv_pfn_t pfn;

		rc = map_window(b);
		if (rc != 0 || b->remaining == 0) {
			break;
		}
		rc = take_front(b, &pfn);
		if (rc != 0) {
			break;
		}
		zero_frame(pfn);
		set_type(b, pfn, HV_FRAME_WRITABLE);
		b->no_alloc = true;
		rc = map(b, va, pfn, HV_PORT_MAP_WRITE);
		b->no_alloc = false;
		if (rc == -HV_ENOMEM && b->remaining >= reserve) {
			rc = map(b, va, pfn, HV_PORT_MAP_WRITE);
		} else if (rc == -HV_ENOMEM) {
			/* This page needs a table there is no longer room to show. */
			struct hv_frame *f = &b->mem->frames[pfn];

			f->type = HV_FRAME_NONE;
			f->type_count = 0;
			l->spare_frames++;
			rc = 0;
			break;
		}
		if (rc != 0) {
			break;
		}
		count++;
	}
	while (rc == 0 && b->remaining > 0) {
		hv_pfn_t pfn;

		rc = take_front(b, &pfn);
		if (rc == 0) {
			zero_frame(pfn);
			l->spare_frames++;
		}
	}
	l->mem_size = count * PAGE;
	l->pt_frames = b->tables;
	return rc;
}

/*
 * The dead page: a zeroed frame of the domain's own, mapped nowhere by the
 * builder. When a domain whose grant this one maps ends, the hypervisor
 * puts this page where the grant was (grant.c), so that a backend still
 * using a ring of a dead frontend reads zeros and writes into its own
 * memory instead of faulting. Typed HV_FRAME_SHARED: no grant may name it.
 */
static int take_dead_page(struct builder *b)
{
	hv_pfn_t pfn;
	int rc = take_front(b, &pfn);

	if (rc == 0) {
		zero_frame(pfn);
		set_type(b, pfn, HV_FRAME_SHARED);
		b->d->layout.dead_pfn = pfn;
	}
	return rc;
}

/*
 * Makes the map area's page table (and any above it) exist: maps a page
 * there and unmaps it again. The tables are shown in the page-table window
 * like the others.
 */
static int prepare_map_area(struct builder *b, hv_pfn_t any)
{
	struct hv_domain_layout *l = &b->d->layout;
	int rc = map(b, l->map_base, any, 0);

	_Static_assert(HV_GRANT_MAP_SLOTS * PAGE == SIZE_2M, "the map area is one page table");
	if (rc != 0) {
		return rc;
	}
	rc = hv_port_as_unmap(l->root, l->map_base, NULL);
	if (rc == 0) {
		b->mem->frames[any].ref_count--;
	}
	return rc;
}

/* Fills the frame list: every frame the domain owns, in frame-number order. */
static void write_frame_list(struct builder *b, hv_pfn_t first_list_frame)
{
	hv_pfn_t list = first_list_frame;
	uint64_t *page = frame_ptr(list);
	uint64_t i = 0;

	for (hv_pfn_t pfn = 0; pfn < b->mem->frame_count; pfn++) {
		if (!owned(b, pfn)) {
			continue;
		}
		if (i == FL_PER_PG) {
			do {
				list++;
			} while (!owned(b, list));
			page = frame_ptr(list);
			i = 0;
		}
		page[i++] = pfn;
	}
}

static void write_start_info(struct builder *b, hv_pfn_t pfn)
{
	const struct hv_domain *d = b->d;
	const struct hv_domain_layout *l = &d->layout;
	const char *cmdline = d->desc->cfg.cmdline;
	struct hv_start_info *si = frame_ptr(pfn);

	if (cmdline == NULL) {
		cmdline = d->desc->module->cmdline;
	}
	hv_memcpy(si->magic, HV_START_MAGIC, sizeof(HV_START_MAGIC));
	si->abi_version = HV_ABI_VERSION;
	si->flags = (d->flags & HV_DOMAIN_F_CONTROL) ? HV_START_F_CONTROL : 0;
	si->domid = d->id;
	si->vcpu_count = (uint16_t)d->vcpu_count;
	si->shared_info = l->shared_info;
	si->image_start = l->image_start;
	si->image_end = l->image_end;
	si->stack_top = l->stack_top;
	si->stack_size = HV_DOMAIN_STACK_SIZE;
	si->pt_base = l->pt_base;
	si->pt_frames = l->pt_frames;
	si->frame_list = l->frame_list;
	si->frame_count = l->frame_count;
	si->mem_start = l->mem_start;
	si->mem_size = l->mem_size;
	si->map_base = l->map_base;
	si->map_slots = HV_GRANT_MAP_SLOTS;
	si->mem_frame_index = l->mem_frame_index;
	for (unsigned int i = 0; i < sizeof(si->virq_port) / sizeof(si->virq_port[0]); i++) {
		si->virq_port[i] = i < HV_VIRQ_COUNT ? d->virq_port[i] : UINT32_MAX;
	}
	hv_strlcpy(si->name, d->name, sizeof(si->name));
	hv_strlcpy(si->cmdline, cmdline, sizeof(si->cmdline));
}

/*
 * Resets what a (re)build sets, keeping the accounting. On a rebuild the
 * port has already forgotten the old vCPUs and address space (domain.c).
 */
static void reset_domain(struct hv_domain *d)
{
	hv_memset(&d->layout, 0, sizeof(d->layout));
	hv_memset(d->traps, 0, sizeof(d->traps));
	d->event_entry = 0;
	d->failsafe_entry = 0;
	d->console_len = 0;
	d->shared = NULL;
	d->start_info = NULL;
	hv_evtchn_init(d);
	hv_grant_init(d);
	for (unsigned int i = 0; i < HV_DOMAIN_MAX_VCPUS; i++) {
		struct hv_vcpu *v = &d->vcpus[i];

		hv_memset(&v->port, 0, sizeof(v->port));
		v->state = HV_VCPU_DOWN;
		v->trap_depth = 0;
		v->trap_stack = 0;
		v->timer_deadline = 0;
		v->block_deadline = 0;
		v->info = NULL;
	}
}

/* Works out the layout and refuses an image that cannot fit. */
static int plan(struct builder *b, uint64_t *image_pages)
{
	struct hv_domain *d = b->d;
	struct hv_domain_layout *l = &d->layout;
	const struct hv_elf_info *elf = &d->desc->elf;
	uint64_t n = l->frame_count;
	uint64_t list_pages = (n + FL_PER_PG - 1) / FL_PER_PG;
	uint64_t base = (elf->highest + SIZE_2M - 1) & ~(SIZE_2M - 1);
	uint64_t needed;

	(void)for_each_image_page(elf, NULL, b, image_pages);
	l->entry = elf->entry;
	l->image_start = page_down(elf->lowest);
	l->image_end = page_up(elf->highest);
	l->start_info = base;
	l->shared_info = base + PAGE;
	l->stack_top = base + 3 * PAGE + HV_DOMAIN_STACK_SIZE;
	l->frame_list = l->stack_top;
	l->pt_base = l->frame_list + list_pages * PAGE;
	l->map_base = (l->pt_base + n * PAGE + SIZE_2M - 1) & ~(SIZE_2M - 1);
	l->mem_start = l->map_base + HV_GRANT_MAP_SLOTS * PAGE;
	/* Start info, shared info, the stack, the frame list and the dead page. */
	l->fixed_frames = 3 + HV_DOMAIN_STACK_SIZE / PAGE + list_pages;
	l->image_frames = *image_pages;
	/* The image, the fixed pages, a root and at least one more table. */
	needed = *image_pages + l->fixed_frames + 2;
	if (needed > n) {
		hv_log(d->desc->refuse_level,
		       "domain '%s': mem_size: %llu KiB cannot hold the image and its start-up "
		       "pages (%llu KiB needed)",
		       d->name, (unsigned long long)(n * PAGE >> 10),
		       (unsigned long long)(needed * PAGE >> 10));
		return -HV_ENOMEM;
	}
	if (l->mem_start + n * PAGE > hv_port_guest_va_limit() ||
	    elf->highest > hv_port_guest_va_limit()) {
		hv_log(d->desc->refuse_level,
		       "domain '%s': image: ends at %#llx, too high to lay out %llu KiB of memory "
		       "below the guest limit %#llx",
		       d->name, (unsigned long long)elf->highest,
		       (unsigned long long)(n * PAGE >> 10),
		       (unsigned long long)hv_port_guest_va_limit());
		return -HV_ENOMEM;
	}
	return 0;
}

static void init_builder(struct builder *b, struct hv_domain *d)
{
	hv_pfn_t lowest = PFN_NONE;
	hv_pfn_t highest = 0;
	uint64_t count = 0;

	hv_memset(b, 0, sizeof(*b));
	b->d = d;
	b->mem = hv_domain_mem();
	b->id = d->id;
	b->pt_alloc = (struct hv_port_pt_alloc){.alloc = pt_alloc, .ctx = b};
	for (hv_pfn_t pfn = 0; pfn < b->mem->frame_count; pfn++) {
		if (owned(b, pfn)) {
			lowest = lowest == PFN_NONE ? pfn : lowest;
			highest = pfn;
			count++;
		}
	}
	b->front = lowest;
	b->back = highest + 1;
	b->window_next = highest + 1;
	b->remaining = count;
	d->layout.frame_count = count;
}

static int build(struct builder *b)
{
	struct hv_domain *d = b->d;
	struct hv_domain_layout *l = &d->layout;
	uint64_t image_pages;
	hv_pfn_t root;
	hv_pfn_t start_info;
	hv_pfn_t shared;
	hv_pfn_t list = PFN_NONE;
	int rc;

	rc = plan(b, &image_pages);
	if (rc != 0) {
		return rc;
	}
	rc = take_back(b, &root);
	if (rc != 0) {
		return rc;
	}
	zero_frame(root);
	set_type(b, root, HV_FRAME_L4);
	b->tables = 1;
	l->root = HV_PADDR(root);
	rc = hv_port_as_init(l->root);
	if (rc != 0) {
		hv_err("domain '%s': the port cannot make an address space: %s", d->name,
		       hv_strerror(rc));
		return rc;
	}
	rc = for_each_image_page(&d->desc->elf, load_page, b, &image_pages);
	if (rc == 0) {
		rc = map_new(b, l->start_info, 0, HV_FRAME_NONE, &start_info);
	}
	if (rc == 0) {
		rc = map_new(b, l->shared_info, HV_PORT_MAP_WRITE, HV_FRAME_SHARED, &shared);
	}
	for (uint64_t va = l->stack_top - HV_DOMAIN_STACK_SIZE; rc == 0 && va < l->stack_top;
	     va += PAGE) {
		rc = map_new(b, va, HV_PORT_MAP_WRITE, HV_FRAME_WRITABLE, NULL);
	}
	for (uint64_t va = l->frame_list; rc == 0 && va < l->pt_base; va += PAGE) {
		hv_pfn_t pfn;

		rc = map_new(b, va, 0, HV_FRAME_NONE, &pfn);
		list = list == PFN_NONE ? pfn : list;
	}
	if (rc == 0) {
		rc = take_dead_page(b);
	}
	if (rc == 0) {
		rc = prepare_map_area(b, start_info);
	}
	if (rc == 0) {
		rc = map_free_memory(b);
	}
	if (rc != 0) {
		hv_log(d->desc->refuse_level,
		       "domain '%s': mem_size: %llu KiB is too small for the image and its page "
		       "tables (%s)",
		       d->name, (unsigned long long)(l->frame_count * PAGE >> 10), hv_strerror(rc));
		return rc;
	}
	write_frame_list(b, list);
	d->start_info = frame_ptr(start_info);
	d->shared = frame_ptr(shared);
	write_start_info(b, start_info);
	return 0;
}

int hv_domain_build(struct hv_domain *d)
{
	struct hv_port_time_scale now;
	struct builder b;
	int rc;

	reset_domain(d);
	init_builder(&b, d);
	if (b.remaining == 0) {
		hv_log(d->desc->refuse_level, "domain '%s': has no memory to build in", d->name);
		return -HV_ENOMEM;
	}
	rc = build(&b);
	if (rc != 0) {
		return rc;
	}
	hv_time_publish_wallclock(d);
	hv_port_time_scale(&now);
	for (uint32_t i = 0; i < d->vcpu_count; i++) {
		struct hv_vcpu *v = &d->vcpus[i];

		v->info = &d->shared->vcpu[i];
		/* Events start masked, as interrupts do on a real CPU. */
		v->info->upcall_mask = 1;
		hv_time_publish(v, &now);
	}
	hv_port_vcpu_init(&d->vcpus[0].port, d->layout.root, d->layout.entry, d->layout.stack_top,
	                  d->layout.start_info);
	hv_debug("domain %u '%s': image %#llx-%#llx, start info %#llx, stack top %#llx, "
	         "%llu page tables at %#llx, %llu KiB free at %#llx, %llu spare frames",
	         d->id, d->name, (unsigned long long)d->layout.image_start,
	         (unsigned long long)d->layout.image_end, (unsigned long long)d->layout.start_info,
	         (unsigned long long)d->layout.stack_top, (unsigned long long)d->layout.pt_frames,
	         (unsigned long long)d->layout.pt_base,
	         (unsigned long long)(d->layout.mem_size >> 10),
	         (unsigned long long)d->layout.mem_start,
	         (unsigned long long)d->layout.spare_frames);
	return 0;
}

void hv_domain_release_frames(struct hv_domain *d)
{
	struct hv_mem *mem = hv_domain_mem();

	for (hv_pfn_t pfn = 0; pfn < mem->frame_count; pfn++) {
		struct hv_frame *f = &mem->frames[pfn];

		if (f->owner == d->id) {
			f->type = HV_FRAME_NONE;
			f->type_count = 0;
			f->ref_count = 0;
		}
	}
}
