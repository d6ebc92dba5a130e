/* SPDX-License-Identifier: Apache-2.0 */
/*
 * hv_mem_static: static partitioning, as partitioning hypervisors do.
 *
 * The integrator gives each domain one fixed contiguous region with
 * hv_mem_assign(). A domain's allocations come only from its own region;
 * the hypervisor's come only from donated memory outside every region; a
 * domain without a region gets nothing. So no domain can take memory from
 * another, whatever it allocates, and which frames a domain gets depends
 * only on its own history.
 *
 * State: the partition table in priv, and in each frame's mod_word
 * - F_RAM:  the frame was donated;
 * - F_USED: the frame is allocated;
 * - bits 0-7: index + 1 of the partition holding the frame, 0 for the
 *   hypervisor's pool.
 * Allocation is a first fit of an aligned run of 2^order frames, scanning
 * the region (the whole table for the hypervisor): O(region size), which is
 * fine for the boot-time allocations this module is meant for, and
 * deterministic. Locking: none; the core's caller serializes.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <hv/abi/errno.h>
#include <hv/log.h>
#include <hv/mem.h>

#define F_RAM     0x80000000u
#define F_USED    0x40000000u
#define PART_MASK 0x000000ffu

struct partition {
	hv_pfn_t first;
	uint64_t count;
	hv_domid_t owner;
};

struct partitions {
	struct partition part[HV_MEM_MAX_OWNERS];
	unsigned int part_count;
};

_Static_assert(HV_MEM_MAX_OWNERS < PART_MASK, "partition index must fit in mod_word");

static inline struct partitions *parts_of(struct hv_mem *mem)
{
	return mem->priv;
}

static inline const struct partitions *parts_of_const(const struct hv_mem *mem)
{
	return mem->priv;
}

static const struct partition *find_partition(const struct partitions *p, hv_domid_t owner)
{
	for (unsigned int i = 0; i < p->part_count; i++) {
		if (p->part[i].owner == owner) {
			return &p->part[i];
		}
	}
	return NULL;
}

static int static_init(struct hv_mem *mem)
{
	parts_of(mem)->part_count = 0;
	return 0;
}

static int static_add_range(struct hv_mem *mem, hv_pfn_t first, uint64_t count)
{
	for (hv_pfn_t pfn = first; pfn < first + count; pfn++) {
		mem->frames[pfn].mod_word = F_RAM;
	}
	return 0;
}

static int static_assign(struct hv_mem *mem, hv_domid_t owner, hv_paddr_t base, uint64_t size)
{
	struct partitions *p = parts_of(mem);
	hv_pfn_t first = HV_PFN(base);
	uint64_t count = size / HV_PAGE_SIZE;
	uint32_t tag;

	if (find_partition(p, owner) != NULL) {
		hv_err("mem: domain %u already has a partition", (unsigned int)owner);
		return -HV_EEXIST;
	}
	if (p->part_count == HV_MEM_MAX_OWNERS) {
		hv_err("mem: partition table full");
		return -HV_ENOSPC;
	}
	for (hv_pfn_t pfn = first; pfn < first + count; pfn++) {
		uint32_t w = mem->frames[pfn].mod_word;

		if ((w & F_RAM) == 0) {
			hv_err("mem: partition for domain %u includes frame %#llx, which is not "
			       "RAM",
			       (unsigned int)owner, (unsigned long long)pfn);
			return -HV_ERANGE;
		}
		if ((w & PART_MASK) != 0) {
			hv_err("mem: partition for domain %u overlaps the one of domain %u at "
			       "frame "
			       "%#llx",
			       (unsigned int)owner,
			       (unsigned int)p->part[(w & PART_MASK) - 1].owner,
			       (unsigned long long)pfn);
			return -HV_EBUSY;
		}
		if ((w & F_USED) != 0) {
			hv_err("mem: partition for domain %u includes frame %#llx, which the "
			       "hypervisor already uses",
			       (unsigned int)owner, (unsigned long long)pfn);
			return -HV_EBUSY;
		}
	}
	p->part[p->part_count] = (struct partition){.first = first, .count = count, .owner = owner};
	p->part_count++;
	tag = p->part_count;
	for (hv_pfn_t pfn = first; pfn < first + count; pfn++) {
		mem->frames[pfn].mod_word |= tag;
	}
	return 0;
}

/*
 * First fit of an aligned run of n frames in [first, end) whose frames are
 * donated, unused and carry partition tag 'tag'. On a bad frame the search
 * resumes at the next aligned position after it, so the scan is linear.
 */
static int find_run(const struct hv_mem *mem, hv_pfn_t first, hv_pfn_t end, uint64_t n,
                    uint32_t tag, hv_pfn_t *pfn)
{
	hv_pfn_t start = (first + n - 1) & ~(n - 1);

	while (start < end && n <= end - start) {
		uint64_t i = 0;

		while (i < n) {
			uint32_t w = mem->frames[start + i].mod_word;

			if ((w & F_RAM) == 0 || (w & F_USED) != 0 || (w & PART_MASK) != tag) {
				break;
			}
			i++;
		}
		if (i == n) {
			*pfn = start;
			return 0;
		}
		start = (start + i + n) & ~(n - 1);
	}
	return -HV_ENOMEM;
}

static int static_alloc(struct hv_mem *mem, hv_domid_t owner, unsigned int order, hv_pfn_t *pfn)
{
	const struct partitions *p = parts_of_const(mem);
	uint64_t n = UINT64_C(1) << order;
	hv_pfn_t got;
	int rc;

	if (owner == HV_DOMID_HV) {
		rc = find_run(mem, 0, mem->frame_count, n, 0, &got);
	} else {
		const struct partition *part = find_partition(p, owner);

		if (part == NULL) {
			return -HV_ENOMEM;
		}
		rc = find_run(mem, part->first, part->first + part->count, n,
		              (uint32_t)(part - p->part) + 1, &got);
	}
	if (rc != 0) {
		return rc;
	}
	for (uint64_t i = 0; i < n; i++) {
		mem->frames[got + i].mod_word |= F_USED;
	}
	*pfn = got;
	return 0;
}

static void static_free(struct hv_mem *mem, hv_pfn_t pfn, unsigned int order)
{
	uint64_t n = UINT64_C(1) << order;

	for (uint64_t i = 0; i < n; i++) {
		mem->frames[pfn + i].mod_word &= ~F_USED;
	}
}

static void static_dump(const struct hv_mem *mem)
{
	const struct partitions *p = parts_of_const(mem);

	for (unsigned int i = 0; i < p->part_count; i++) {
		const struct partition *part = &p->part[i];

		hv_info("mem:   partition of domain %u: frames %#llx-%#llx",
		        (unsigned int)part->owner, (unsigned long long)part->first,
		        (unsigned long long)(part->first + part->count - 1));
	}
}

const struct hv_mem_ops hv_mem_static = {
        .name = "static",
        .api_version = HV_MEM_API_VERSION,
        .priv_size = sizeof(struct partitions),
        .init = static_init,
        .add_range = static_add_range,
        .alloc = static_alloc,
        .free = static_free,
        .assign = static_assign,
        .dump = static_dump,
};
