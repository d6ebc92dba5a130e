/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Boot information of the x86-64 port: multiboot2 (GRUB) and PVH
 * (`qemu-system-x86_64 -kernel`), turned into one struct hv_boot_info.
 *
 * Invariants:
 *  - Runs once, on the boot page tables, before x86_paging_init(). The
 *    loader's structures are read through the boot direct map, which
 *    covers physical 0 .. 4 GiB; anything a loader puts above that (PVH
 *    allows 64-bit addresses) is refused, not dereferenced.
 *  - Everything handed to the core is copied into this file's static
 *    storage (strings, regions, modules), so the loader's memory may be
 *    reused afterwards and need not be reserved.
 *  - Lengths and counts from the loader are checked against the structure
 *    that contains them before anything is read. Odd modules (empty, or
 *    outside RAM) are reported as they are: the core decides about them.
 *  - reserved[] lists the low 1 MiB (firmware, real-mode structures,
 *    future AP trampolines) and the hypervisor image including .bss, the
 *    boot page tables and the page-table pool. Modules are not listed.
 */
#include <hv/log.h>

#include "x86.h"

#define MB2_BOOT_MAGIC 0x36d76289
#define PVH_MAGIC      0x336ec578

#define MB2_TAG_END     0
#define MB2_TAG_CMDLINE 1
#define MB2_TAG_LOADER  2
#define MB2_TAG_MODULE  3
#define MB2_TAG_MEMINFO 4
#define MB2_TAG_MMAP    6

/* The boot page tables map this much physical memory (boot.S). */
#define BOOT_MAP_LIMIT (UINT64_C(4) << 30)
#define LOW_MEMORY_END 0x100000
/* Longest string accepted from a loader structure without a length. */
#define STRING_MAX 4096

struct mb2_tag {
	uint32_t type;
	uint32_t size;
};

struct mb2_mmap_entry {
	uint64_t base;
	uint64_t length;
	uint32_t type;
	uint32_t reserved;
};

/* Xen's public start-of-day structures for PVH (arch-x86/hvm/start_info.h). */
struct pvh_start_info {
	uint32_t magic;
	uint32_t version;
	uint32_t flags;
	uint32_t nr_modules;
	uint64_t modlist_paddr;
	uint64_t cmdline_paddr;
	uint64_t rsdp_paddr;
	/* Version 1 and later: */
	uint64_t memmap_paddr;
	uint32_t memmap_entries;
	uint32_t reserved;
};

struct pvh_modlist_entry {
	uint64_t paddr;
	uint64_t size;
	uint64_t cmdline_paddr;
	uint64_t reserved;
};

struct pvh_memmap_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
	uint32_t reserved;
};

static struct hv_boot_info boot;
static struct hv_mem_region regions[HV_BOOT_MAX_REGIONS];
static struct hv_mem_region reserved[HV_BOOT_MAX_RESERVED];
static struct hv_boot_module modules[HV_BOOT_MAX_MODULES];
static char strings[16384];
static size_t strings_used;

/* The loader's bytes at @pa, or NULL if they are not in the boot map. */
static const void *boot_ptr(uint64_t pa, uint64_t len)
{
	if (pa == 0 || pa >= BOOT_MAP_LIMIT || len > BOOT_MAP_LIMIT - pa) {
		return NULL;
	}
	return (const void *)(X86_DIRECT_MAP_BASE + pa);
}

/* Copy at most @max bytes of a NUL-terminated string into our storage. */
static const char *copy_string(const char *src, size_t max)
{
	size_t room = sizeof(strings) - strings_used;
	char *dst = &strings[strings_used];
	size_t n = 0;

	if (src == NULL || room == 0) {
		if (room == 0) {
			hv_warn("x86: boot strings exceed %zu bytes, dropped", sizeof(strings));
		}
		return "";
	}
	while (n < max && n + 1 < room && src[n] != '\0') {
		dst[n] = src[n];
		n++;
	}
	if (n < max && n + 1 >= room && src[n] != '\0') {
		hv_warn("x86: boot string truncated");
	}
	dst[n] = '\0';
	strings_used += n + 1;
	return dst;
}

static const char *copy_string_pa(uint64_t pa)
{
	uint64_t max = STRING_MAX;

	if (pa == 0) {
		return "";
	}
	if (pa < BOOT_MAP_LIMIT && BOOT_MAP_LIMIT - pa < max) {
		max = BOOT_MAP_LIMIT - pa;
	}
	return copy_string(boot_ptr(pa, 1), max);
}

static void add_region(uint64_t base, uint64_t size, uint32_t type)
{
	if (size == 0) {
		return;
	}
	if (size > UINT64_MAX - base) {
		size = UINT64_MAX - base;
	}
	if (boot.region_count == HV_BOOT_MAX_REGIONS) {
		hv_warn("x86: memory map has more than %d regions; ignoring %#lx+%#lx",
		        HV_BOOT_MAX_REGIONS, base, size);
		return;
	}
	regions[boot.region_count++] = (struct hv_mem_region){base, size, type};
}

/* Multiboot2 and E820 share their type numbers. */
static uint32_t e820_type(uint32_t type)
{
	switch (type) {
	case 1:
		return HV_MEM_REGION_USABLE;
	case 3:
		return HV_MEM_REGION_ACPI;
	case 4:
		return HV_MEM_REGION_NVS;
	case 5:
		return HV_MEM_REGION_BAD;
	default:
		return HV_MEM_REGION_RESERVED;
	}
}

static void add_module(uint64_t base, uint64_t size, const char *cmdline)
{
	if (boot.module_count == HV_BOOT_MAX_MODULES) {
		hv_warn("x86: more than %d boot modules; ignoring the one at %#lx",
		        HV_BOOT_MAX_MODULES, base);
		return;
	}
	modules[boot.module_count++] = (struct hv_boot_module){
	        .base = base,
	        .size = size,
	        .data = hv_port_phys_to_virt(base),
	        .cmdline = cmdline,
	};
}

static void parse_mb2_mmap(const struct mb2_tag *tag)
{
	const uint8_t *p = (const uint8_t *)tag;
	uint32_t entry_size;

	if (tag->size < 16) {
		return;
	}
	__builtin_memcpy(&entry_size, p + 8, sizeof(entry_size));
	if (entry_size < sizeof(struct mb2_mmap_entry)) {
		hv_warn("x86: multiboot2 memory map entries of %u bytes ignored", entry_size);
		return;
	}
	for (uint32_t off = 16; off + entry_size <= tag->size; off += entry_size) {
		struct mb2_mmap_entry e;

		__builtin_memcpy(&e, p + off, sizeof(e));
		add_region(e.base, e.length, e820_type(e.type));
	}
}

static int parse_mb2(uint32_t info_pa)
{
	const uint32_t *hdr = boot_ptr(info_pa, 8);
	const struct mb2_tag *meminfo = NULL;
	bool have_mmap = false;
	uint32_t total;

	if (hdr == NULL) {
		hv_err("x86: multiboot2 information at %#x is not readable", info_pa);
		return -1;
	}
	total = hdr[0];
	if (total < 16 || boot_ptr(info_pa, total) == NULL) {
		hv_err("x86: multiboot2 information has a bad size (%u)", total);
		return -1;
	}
	boot.protocol = "multiboot2";

	for (uint32_t off = 8; off + sizeof(struct mb2_tag) <= total;) {
		const struct mb2_tag *tag = (const void *)((const uint8_t *)hdr + off);
		const char *payload = (const char *)(tag + 1);

		if (tag->type == MB2_TAG_END) {
			break;
		}
		if (tag->size < sizeof(*tag) || tag->size > total - off) {
			hv_warn("x86: multiboot2 tag %u at offset %u has a bad size", tag->type,
			        off);
			break;
		}
		switch (tag->type) {
		case MB2_TAG_CMDLINE:
			boot.cmdline = copy_string(payload, tag->size - 8);
			break;
		case MB2_TAG_LOADER:
			boot.loader = copy_string(payload, tag->size - 8);
			break;
		case MB2_TAG_MODULE:
			if (tag->size >= 16) {
				const uint32_t *m = (const uint32_t *)payload;
				uint64_t size = m[1] > m[0] ? m[1] - m[0] : 0;

				add_module(m[0], size, copy_string(payload + 8, tag->size - 16));
			}
			break;
		case MB2_TAG_MEMINFO:
			meminfo = tag;
			break;
		case MB2_TAG_MMAP:
			parse_mb2_mmap(tag);
			have_mmap = true;
			break;
		default:
			break;
		}
		/* Tags start 8-byte aligned. */
		off += (tag->size + 7) & ~7u;
	}

	if (!have_mmap && meminfo != NULL && meminfo->size >= 16) {
		/* Basic meminfo: KiB below 640 KiB and KiB above 1 MiB. */
		const uint32_t *m = (const uint32_t *)(meminfo + 1);

		hv_warn("x86: no multiboot2 memory map; using basic meminfo");
		add_region(0, (uint64_t)m[0] << 10, HV_MEM_REGION_USABLE);
		add_region(LOW_MEMORY_END, (uint64_t)m[1] << 10, HV_MEM_REGION_USABLE);
	}
	return 0;
}

static int parse_pvh(uint32_t info_pa)
{
	const struct pvh_start_info *si = boot_ptr(info_pa, 48);

	if (si == NULL || si->magic != PVH_MAGIC) {
		return -1;
	}
	boot.protocol = "pvh";
	boot.cmdline = copy_string_pa(si->cmdline_paddr);

	if (si->nr_modules > 0) {
		const struct pvh_modlist_entry *ml =
		        boot_ptr(si->modlist_paddr, (uint64_t)si->nr_modules * sizeof(*ml));

		if (ml == NULL) {
			hv_err("x86: PVH module list at %#lx is not readable", si->modlist_paddr);
		}
		for (uint32_t i = 0; ml != NULL && i < si->nr_modules; i++) {
			add_module(ml[i].paddr, ml[i].size, copy_string_pa(ml[i].cmdline_paddr));
		}
	}

	if (si->version >= 1 && boot_ptr(info_pa, sizeof(*si)) != NULL) {
		const struct pvh_memmap_entry *mm =
		        boot_ptr(si->memmap_paddr, (uint64_t)si->memmap_entries * sizeof(*mm));

		for (uint32_t i = 0; mm != NULL && i < si->memmap_entries; i++) {
			add_region(mm[i].addr, mm[i].size, e820_type(mm[i].type));
		}
	}
	if (boot.region_count == 0) {
		hv_err("x86: PVH start info (version %u) gives no memory map", si->version);
		return -1;
	}
	return 0;
}

static void sort_regions(void)
{
	/* Insertion sort: at most HV_BOOT_MAX_REGIONS entries, once. */
	for (size_t i = 1; i < boot.region_count; i++) {
		struct hv_mem_region r = regions[i];
		size_t j = i;

		while (j > 0 && regions[j - 1].base > r.base) {
			regions[j] = regions[j - 1];
			j--;
		}
		regions[j] = r;
	}
}

const struct hv_boot_info *x86_bootinfo_parse(uint32_t magic, uint32_t info_pa)
{
	const uint32_t *pvh_magic = boot_ptr(info_pa, 4);
	int rc;

	boot = (struct hv_boot_info){
	        .protocol = "",
	        .loader = "",
	        .cmdline = "",
	        .regions = regions,
	        .reserved = reserved,
	        .modules = modules,
	};

	/* PVH leaves EAX undefined: recognise it by the structure's magic. */
	if (magic == MB2_BOOT_MAGIC) {
		rc = parse_mb2(info_pa);
	} else if (pvh_magic != NULL && *pvh_magic == PVH_MAGIC) {
		rc = parse_pvh(info_pa);
	} else {
		hv_panic("x86: unknown boot protocol (eax=%#x, ebx=%#x)", magic, info_pa);
	}
	if (rc != 0 || boot.region_count == 0) {
		hv_panic("x86: no usable memory map from the %s boot loader",
		         boot.protocol[0] ? boot.protocol : "unknown");
	}
	sort_regions();

	reserved[0] = (struct hv_mem_region){0, LOW_MEMORY_END, HV_MEM_REGION_RESERVED};
	reserved[1] = (struct hv_mem_region){
	        (uint64_t)x86_image_pa_start,
	        (uint64_t)x86_image_pa_end - (uint64_t)x86_image_pa_start,
	        HV_MEM_REGION_RESERVED,
	};
	boot.reserved_count = 2;
	return &boot;
}
