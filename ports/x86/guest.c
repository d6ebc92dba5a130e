/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Guest address spaces and guest copies of the x86-64 port.
 *
 * A guest address space is a 4-level tree whose PML4 slots 256..511 are
 * copies of the hypervisor's own (paging.c), so the hypervisor half is the
 * same, supervisor-only, in every address space and a CR3 switch never
 * unmaps the hypervisor. Slots 0..255 are the guest half, below
 * X86_GUEST_VA_LIMIT; everything the port maps there is a 4 KiB user page.
 * Intermediate entries allow everything (present, user, writable,
 * executable) and the leaf decides, so one leaf's flags are the whole
 * truth about a page. The tables are reached through the direct map, never
 * through the guest half.
 *
 * TLB: guest leaves are never global (hv_port_as_map() does not set G, and
 * G means nothing in the intermediate entries), PCIDs stay off
 * (CR4.PCIDE is never set), and the boot tables had no global entries, so
 * the TLB holds translations of the guest half for the loaded root only,
 * and every CR3 write drops them. Mapping writes only non-present entries,
 * which the CPU never caches, so it needs no flush. Unmapping clears a
 * present one: the port invalidates that page if the root is loaded
 * (x86_loaded_root()), and needs nothing more otherwise (see
 * hv_port_as_unmap()). Intermediate tables are never removed, so the
 * paging-structure caches never hold a freed table. One CPU: a port with
 * several would also have to shoot down the others that have the root
 * loaded.
 *
 * The hypervisor touches the guest half only in x86_copy_user() (vcpu.S):
 * SMEP stops it executing there and SMAP stops it reading or writing there
 * by accident (only x86_copy_user lifts SMAP, with stac). CR0.WP makes a
 * ring-0 write to a read-only guest page fault like a guest write would.
 * A page fault on a guest address inside the copy is recovered through the
 * fixup table below (x86_trap() asks x86_fixup_find()); any other fault in
 * ring 0 still panics.
 */
#include <hv/abi/errno.h>

#include "x86.h"

#define ENTRIES 512

extern char x86_copy_user_start[], x86_copy_user_end[], x86_copy_user_fixup[];

uint64_t hv_port_guest_va_limit(void)
{
	return X86_GUEST_VA_LIMIT;
}

static bool page_aligned(uint64_t a)
{
	return (a & (HV_PAGE_SIZE - 1)) == 0;
}

/* A frame address a page-table entry can hold. */
static bool frame_ok(hv_paddr_t pa)
{
	return (pa & ~X86_PTE_ADDR) == 0;
}

int hv_port_as_init(hv_paddr_t root)
{
	uint64_t *pml4;
	const uint64_t *hv = x86_paging_root();

	if (!frame_ok(root)) {
		return -HV_EINVAL;
	}
	pml4 = hv_port_phys_to_virt(root);
	/* The core zeroed it; the guest half is isolation-critical, so be sure. */
	__builtin_memset(pml4, 0, ENTRIES / 2 * sizeof(uint64_t));
	for (unsigned int i = ENTRIES / 2; i < ENTRIES; i++) {
		pml4[i] = hv[i];
	}
	return 0;
}

int hv_port_as_map(hv_paddr_t root, uint64_t va, hv_paddr_t pa, uint32_t flags,
                   const struct hv_port_pt_alloc *alloc)
{
	const uint64_t table_flags = X86_PTE_P | X86_PTE_RW | X86_PTE_US;
	uint64_t *table;
	uint64_t leaf;
	unsigned int i;

	if (va >= X86_GUEST_VA_LIMIT || !page_aligned(va) || !frame_ok(pa) || !frame_ok(root) ||
	    (flags & ~(HV_PORT_MAP_WRITE | HV_PORT_MAP_EXEC)) != 0) {
		return -HV_EINVAL;
	}
	table = hv_port_phys_to_virt(root);
	/* PML4, PDPT and directory: bits 47..39, 38..30, 29..21 of va. */
	for (unsigned int shift = 39; shift > 12; shift -= 9) {
		uint64_t e;

		i = (va >> shift) & (ENTRIES - 1);
		e = table[i];
		if (!(e & X86_PTE_P)) {
			hv_paddr_t t = 0;
			int rc = alloc->alloc(alloc->ctx, &t);

			if (rc != 0) {
				return rc;
			}
			if (!frame_ok(t)) {
				return -HV_EINVAL;
			}
			/* Said to be zeroed; a stale entry here would map anything. */
			__builtin_memset(hv_port_phys_to_virt(t), 0, HV_PAGE_SIZE);
			e = t | table_flags;
			table[i] = e;
		} else if (e & X86_PTE_PS) {
			/* A large page covers va (the port never makes one here). */
			return -HV_EEXIST;
		}
		table = hv_port_phys_to_virt(e & X86_PTE_ADDR);
	}
	i = (va >> 12) & (ENTRIES - 1);
	if (table[i] & X86_PTE_P) {
		return -HV_EEXIST;
	}
	/* Never global: guest pages must go with their CR3. */
	leaf = pa | X86_PTE_P | X86_PTE_US;
	if (flags & HV_PORT_MAP_WRITE) {
		leaf |= X86_PTE_RW;
	}
	if (!(flags & HV_PORT_MAP_EXEC) && x86_cpu.nx) {
		leaf |= X86_PTE_NX;
	}
	/*
	 * The entry was not present, and the CPU caches no non-present
	 * translations, so no TLB flush is needed even if root is loaded.
	 */
	table[i] = leaf;
	return 0;
}

/*
 * The leaf entry for va in root, or NULL if a table on the way is missing or
 * a large page covers va (the port never makes one in the guest half).
 */
static uint64_t *leaf_of(hv_paddr_t root, uint64_t va)
{
	uint64_t *table = hv_port_phys_to_virt(root);

	for (unsigned int shift = 39; shift > 12; shift -= 9) {
		uint64_t e = table[(va >> shift) & (ENTRIES - 1)];

		if (!(e & X86_PTE_P) || (e & X86_PTE_PS)) {
			return NULL;
		}
		table = hv_port_phys_to_virt(e & X86_PTE_ADDR);
	}
	return &table[(va >> 12) & (ENTRIES - 1)];
}

int hv_port_as_unmap(hv_paddr_t root, uint64_t va, hv_paddr_t *pa)
{
	uint64_t *leaf;
	uint64_t old;

	if (va >= X86_GUEST_VA_LIMIT || !page_aligned(va) || !frame_ok(root)) {
		return -HV_EINVAL;
	}
	leaf = leaf_of(root, va);
	if (leaf == NULL || !(*leaf & X86_PTE_P)) {
		return -HV_ENOENT;
	}
	old = *leaf;
	/* The tables above stay: they are the domain's memory, freed with it. */
	*leaf = 0;
	/*
	 * The TLB may still hold the old translation only if root is loaded:
	 * drop it (invlpg is serializing, and the memory clobber keeps the
	 * store above before it). If root is not loaded, the TLB holds none of
	 * its translations: the CR3 write that left root flushed them all
	 * (guest leaves are never global, PCIDs are off; see the top), and the
	 * CR3 write that loads it again walks the tables afresh. Either way no
	 * access through va can reach the frame once this returns.
	 */
	if (root == x86_loaded_root()) {
		x86_invlpg(va);
	}
	if (pa != NULL) {
		*pa = old & X86_PTE_ADDR;
	}
	return 0;
}

int hv_port_as_query(hv_paddr_t root, uint64_t va, hv_paddr_t *pa, uint32_t *flags)
{
	const uint64_t *leaf;
	uint64_t e;

	if (va >= X86_GUEST_VA_LIMIT || !frame_ok(root)) {
		return -HV_EINVAL;
	}
	leaf = leaf_of(root, va);
	if (leaf == NULL || !(*leaf & X86_PTE_P)) {
		return -HV_ENOENT;
	}
	e = *leaf;
	if (pa != NULL) {
		*pa = e & X86_PTE_ADDR;
	}
	if (flags != NULL) {
		/* What the CPU enforces: on a CPU without NX the bit is never set, all execute. */
		*flags = ((e & X86_PTE_RW) ? HV_PORT_MAP_WRITE : 0) |
		         ((e & X86_PTE_NX) ? 0 : HV_PORT_MAP_EXEC);
	}
	return 0;
}

/* [addr, addr + len) lies in the guest half, without wrapping around. */
static bool guest_range_ok(uint64_t addr, size_t len)
{
	return addr <= X86_GUEST_VA_LIMIT && len <= X86_GUEST_VA_LIMIT - addr;
}

int hv_port_copy_from_guest(void *dst, uint64_t src, size_t len)
{
	if (!guest_range_ok(src, len)) {
		return -HV_EFAULT;
	}
	if (len == 0) {
		return 0;
	}
	return x86_copy_user(dst, (const void *)src, len) == 0 ? 0 : -HV_EFAULT;
}

int hv_port_copy_to_guest(uint64_t dst, const void *src, size_t len)
{
	if (!guest_range_ok(dst, len)) {
		return -HV_EFAULT;
	}
	if (len == 0) {
		return 0;
	}
	return x86_copy_user((void *)dst, src, len) == 0 ? 0 : -HV_EFAULT;
}

/*
 * The exception-fixup table: instruction ranges whose page faults on guest
 * addresses are expected, and where each resumes. One entry so far; a new
 * guest-touching routine adds its own range here.
 */
static const struct x86_fixup fixups[] = {
        {
                .start = (uint64_t)x86_copy_user_start,
                .end = (uint64_t)x86_copy_user_end,
                .fixup = (uint64_t)x86_copy_user_fixup,
        },
};

uint64_t x86_fixup_find(uint64_t rip)
{
	for (size_t i = 0; i < sizeof(fixups) / sizeof(fixups[0]); i++) {
		if (rip >= fixups[i].start && rip < fixups[i].end) {
			return fixups[i].fixup;
		}
	}
	return 0;
}
