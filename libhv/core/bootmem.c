/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Boot-time memory set-up. The port reports RAM, the ranges it occupies and
 * the boot modules; everything else is free. The frame table (one struct
 * hv_frame per frame up to the end of RAM) and the memory module's private
 * state are carved out of the first free range large enough, and all the
 * rest is donated to the memory module. After this, no memory is found by
 * any other means: every frame has exactly one owner in the frame table.
 */
#include <hv/abi/errno.h>
#include <hv/log.h>
#include <hv/port.h>

#include "core/boot.h"
#include "lib/string.h"

/* Ranges that are RAM but not free: the port's, the modules', the table's. */
struct busy_list {
	struct hv_mem_region r[HV_BOOT_MAX_RESERVED + HV_BOOT_MAX_MODULES + 1];
	size_t count;
};

static hv_paddr_t align_up(hv_paddr_t x)
{
	return (x + HV_PAGE_SIZE - 1) & ~(HV_PAGE_SIZE - 1);
}

static hv_paddr_t align_down(hv_paddr_t x)
{
	return x & ~(HV_PAGE_SIZE - 1);
}

static void busy_add(struct busy_list *busy, hv_paddr_t base, uint64_t size)
{
	if (size == 0 || busy->count == sizeof(busy->r) / sizeof(busy->r[0])) {
		return;
	}
	busy->r[busy->count++] = (struct hv_mem_region){.base = base, .size = size};
}

/*
 * Calls 'fn' for each page-aligned free range: usable RAM less the busy
 * ranges, in address order within each region. Stops at the first non-zero
 * return and passes it on.
 */
static int for_each_free(const struct hv_boot_info *boot, const struct busy_list *busy,
                         int (*fn)(hv_paddr_t base, hv_paddr_t end, void *arg), void *arg)
{
	for (size_t i = 0; i < boot->region_count; i++) {
		const struct hv_mem_region *reg = &boot->regions[i];
		hv_paddr_t cursor = align_up(reg->base);
		hv_paddr_t end = align_down(reg->base + reg->size);

		if (reg->type != HV_MEM_REGION_USABLE) {
			continue;
		}
		while (cursor < end) {
			/* The busy range that starts first among those reaching past the cursor. */
			const struct hv_mem_region *next = NULL;

			for (size_t j = 0; j < busy->count; j++) {
				const struct hv_mem_region *b = &busy->r[j];

				if (b->base + b->size > cursor && b->base < end &&
				    (next == NULL || b->base < next->base)) {
					next = b;
				}
			}
			if (next == NULL || align_down(next->base) > cursor) {
				hv_paddr_t stop = next == NULL ? end : align_down(next->base);
				int rc = fn(cursor, stop, arg);

				if (rc != 0) {
					return rc;
				}
			}
			if (next == NULL) {
				break;
			}
			cursor = align_up(next->base + next->size);
		}
	}
	return 0;
}

struct placement {
	uint64_t size;
	hv_paddr_t found;
};

static int find_fit(hv_paddr_t base, hv_paddr_t end, void *arg)
{
	struct placement *p = arg;

	if (end - base >= p->size) {
		p->found = base;
		return 1;
	}
	return 0;
}

static int donate(hv_paddr_t base, hv_paddr_t end, void *arg)
{
	struct hv_mem *mem = arg;
	int rc = hv_mem_add_range(mem, HV_PFN(base), HV_PFN(end - base));

	if (rc != 0) {
		hv_warn("memory: range %#llx-%#llx not added: %s", (unsigned long long)base,
		        (unsigned long long)end, hv_strerror(rc));
	}
	return 0;
}

int hv_boot_mem_init(struct hv_mem *mem, const struct hv_mem_ops *ops,
                     const struct hv_boot_info *boot)
{
	struct busy_list busy = {.count = 0};
	hv_paddr_t ram_end = 0;
	hv_pfn_t frame_count;
	uint64_t table_size;
	uint64_t priv_size;
	struct placement place = {.found = 0};
	void *table;
	int rc;

	for (size_t i = 0; i < boot->region_count; i++) {
		const struct hv_mem_region *reg = &boot->regions[i];

		if (reg->type == HV_MEM_REGION_USABLE && reg->base + reg->size > ram_end) {
			ram_end = reg->base + reg->size;
		}
	}
	if (ram_end == 0) {
		hv_err("memory: the boot memory map lists no usable RAM");
		return -HV_ENOMEM;
	}
	for (size_t i = 0; i < boot->reserved_count; i++) {
		busy_add(&busy, boot->reserved[i].base, boot->reserved[i].size);
	}
	for (size_t i = 0; i < boot->module_count; i++) {
		busy_add(&busy, boot->modules[i].base, boot->modules[i].size);
	}

	frame_count = HV_PFN(align_down(ram_end));
	table_size = align_up(frame_count * sizeof(struct hv_frame));
	priv_size = align_up(ops->priv_size);
	place.size = table_size + priv_size;
	if (for_each_free(boot, &busy, find_fit, &place) == 0) {
		hv_err("memory: no free range of %llu KiB for the frame table",
		       (unsigned long long)(place.size >> 10));
		return -HV_ENOMEM;
	}
	busy_add(&busy, place.found, place.size);
	table = hv_port_phys_to_virt(place.found);
	hv_memset(table, 0, place.size);

	rc = hv_mem_init(mem, ops, priv_size ? (char *)table + table_size : NULL, table,
	                 frame_count);
	if (rc != 0) {
		return rc;
	}
	for_each_free(boot, &busy, donate, mem);
	hv_info("memory: %llu frames in the table at %#llx (%llu KiB), %llu MiB free, module '%s'",
	        (unsigned long long)frame_count, (unsigned long long)place.found,
	        (unsigned long long)(table_size >> 10),
	        (unsigned long long)((hv_mem_free_count(mem) * HV_PAGE_SIZE) >> 20), ops->name);
	return 0;
}
