/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The hypervisor's page tables on x86-64.
 *
 * x86_paging_init() builds the final tables once, from a static pool of
 * page-table pages in .bss (so they lie inside the reserved image), and
 * switches CR3 to them. The boot tables' identity map of low memory is
 * gone from then on: the lower half belongs to guests. The final tables
 * hold only upper-half, supervisor mappings:
 *
 *   X86_DIRECT_MAP_BASE + pa   every page of RAM the memory map lists
 *                              (usable, ACPI, NVS) and the low 1 MiB;
 *                              RW, NX; 1 GiB or 2 MiB pages where the
 *                              alignment allows, 4 KiB at the edges, so
 *                              that no device memory is mapped cacheable;
 *   X86_KERNEL_BASE + pa       the image, with 4 KiB pages: text RX,
 *                              rodata R+NX, data and bss RW+NX; the low
 *                              boot part is not mapped once booted;
 *   X86_FIXMAP_LAPIC           the local APIC registers, uncached, NX.
 *
 * Hypervisor mappings are global when the CPU has PGE, so that guest CR3
 * switches keep them in the TLB. Every guest address space (guest.c) copies
 * PML4 slots 256..511 of these tables, so the upper-half PML4 entries must
 * not change once guests exist: x86_paging_init() creates them all, and
 * nothing adds any later (tables below them are shared and may change).
 */
#include <hv/log.h>

#include "x86.h"

#define SIZE_4K UINT64_C(0x1000)
#define SIZE_2M UINT64_C(0x200000)
#define SIZE_1G UINT64_C(0x40000000)

/*
 * Enough for the image and a direct map of about 100 GiB with 2 MiB pages
 * (one directory per GiB); with 1 GiB pages the direct map needs one page
 * per 512 GiB.
 */
#define POOL_PAGES 128

static uint64_t pool[POOL_PAGES][512] __attribute__((aligned(4096)));
static size_t pool_used;
static uint64_t *pml4;
static uint64_t nx_bit, g_bit;

static uint64_t kernel_pa(const void *va)
{
	return (uint64_t)va - X86_KERNEL_BASE;
}

void *hv_port_phys_to_virt(hv_paddr_t pa)
{
	return (void *)(X86_DIRECT_MAP_BASE + pa);
}

hv_paddr_t hv_port_virt_to_phys(const void *va)
{
	uint64_t v = (uint64_t)va;

	if (v >= X86_KERNEL_BASE) {
		return v - X86_KERNEL_BASE;
	}
	return v - X86_DIRECT_MAP_BASE;
}

static uint64_t *alloc_table(void)
{
	if (pool_used == POOL_PAGES) {
		hv_panic("x86: page-table pool (%d pages) exhausted", POOL_PAGES);
	}
	uint64_t *t = pool[pool_used++];
	__builtin_memset(t, 0, SIZE_4K);
	return t;
}

/* The table an entry points to, created if absent. Tables are in the pool. */
static uint64_t *next_table(uint64_t *table, unsigned int index)
{
	uint64_t e = table[index];

	if (!(e & X86_PTE_P)) {
		uint64_t *t = alloc_table();

		/* Intermediate entries grant everything; leaves restrict. */
		table[index] = kernel_pa(t) | X86_PTE_P | X86_PTE_RW;
		return t;
	}
	if (e & X86_PTE_PS) {
		hv_panic("x86: mapping overlaps a large page (entry %#lx)", e);
	}
	return (uint64_t *)((e & X86_PTE_ADDR) + X86_KERNEL_BASE);
}

static bool fits(uint64_t va, uint64_t pa, uint64_t size, uint64_t page)
{
	return ((va | pa) & (page - 1)) == 0 && size >= page;
}

/* Map [va, va + size) to [pa, ...); all three page aligned. */
static void map_range(uint64_t va, uint64_t pa, uint64_t size, uint64_t flags, bool large)
{
	while (size > 0) {
		uint64_t *pdpt = next_table(pml4, (va >> 39) & 511);
		uint64_t page;

		if (large && x86_cpu.page_1g && fits(va, pa, size, SIZE_1G)) {
			pdpt[(va >> 30) & 511] = pa | flags | X86_PTE_PS;
			page = SIZE_1G;
		} else {
			uint64_t *pd = next_table(pdpt, (va >> 30) & 511);

			if (large && fits(va, pa, size, SIZE_2M)) {
				pd[(va >> 21) & 511] = pa | flags | X86_PTE_PS;
				page = SIZE_2M;
			} else {
				uint64_t *pt = next_table(pd, (va >> 21) & 511);

				pt[(va >> 12) & 511] = pa | flags;
				page = SIZE_4K;
			}
		}
		va += page;
		pa += page;
		size -= page;
	}
}

static bool is_ram(uint32_t type)
{
	return type == HV_MEM_REGION_USABLE || type == HV_MEM_REGION_ACPI ||
	       type == HV_MEM_REGION_NVS;
}

/* Map RAM, merging overlapping or touching regions (they come sorted). */
static void map_direct(const struct hv_boot_info *boot)
{
	const uint64_t flags = X86_PTE_P | X86_PTE_RW | nx_bit | g_bit;
	uint64_t start = 0, end = 0x100000; /* the low 1 MiB, always */

	for (size_t i = 0; i <= boot->region_count; i++) {
		uint64_t s = 0, e = 0;

		if (i < boot->region_count) {
			const struct hv_mem_region *r = &boot->regions[i];

			if (!is_ram(r->type)) {
				continue;
			}
			s = r->base & ~(SIZE_4K - 1);
			e = (r->base + r->size + SIZE_4K - 1) & ~(SIZE_4K - 1);
			if (e > X86_DIRECT_MAP_SIZE) {
				hv_warn("x86: RAM above %#lx is not mapped", X86_DIRECT_MAP_SIZE);
				e = X86_DIRECT_MAP_SIZE;
			}
			if (s >= e) {
				continue;
			}
			if (s <= end) {
				end = e > end ? e : end;
				continue;
			}
		}
		map_range(X86_DIRECT_MAP_BASE + start, start, end - start, flags, true);
		start = s;
		end = e;
	}
}

static void map_image(void)
{
	uint64_t text = (uint64_t)x86_text_start, text_end = (uint64_t)x86_text_end;
	uint64_t ro = (uint64_t)x86_rodata_start, ro_end = (uint64_t)x86_rodata_end;
	uint64_t data = (uint64_t)x86_data_start, data_end = (uint64_t)x86_image_end;

	map_range(text, kernel_pa((void *)text), text_end - text, X86_PTE_P | g_bit, false);
	map_range(ro, kernel_pa((void *)ro), ro_end - ro, X86_PTE_P | nx_bit | g_bit, false);
	map_range(data, kernel_pa((void *)data), data_end - data,
	          X86_PTE_P | X86_PTE_RW | nx_bit | g_bit, false);
}

static void map_lapic(void)
{
	/* The APIC base MSR says where the registers are (bits 12..51). */
	uint64_t pa = x86_rdmsr(X86_MSR_APIC_BASE) & X86_PTE_ADDR;

	map_range(X86_FIXMAP_LAPIC, pa, SIZE_4K,
	          X86_PTE_P | X86_PTE_RW | X86_PTE_PCD | X86_PTE_PWT | nx_bit | g_bit, false);
}

uint64_t *x86_paging_root(void)
{
	return pml4;
}

void x86_paging_init(const struct hv_boot_info *boot)
{
	nx_bit = x86_cpu.nx ? X86_PTE_NX : 0;
	g_bit = x86_cpu.pge ? X86_PTE_G : 0;
	pml4 = alloc_table();

	map_direct(boot);
	map_image();
	map_lapic();
	/* Global entries of the boot tables would survive this; there are none. */
	x86_write_cr3(kernel_pa(pml4));
}
