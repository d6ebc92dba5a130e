/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file
 * @defgroup hv_boot Boot information
 * @brief What the board port learned from the boot loader, handed to the core.
 *
 * The port fills one `struct hv_boot_info` before it calls
 * hv_firmware_main(). All pointers in it stay valid for the life of the
 * hypervisor (the port copies strings and tables out of loader memory), and
 * all physical ranges are in host-physical addresses.
 * @{
 */
#ifndef HV_BOOT_H
#define HV_BOOT_H

#include <hv/types.h>

/** Kind of a physical memory region in the boot memory map. */
enum hv_mem_region_type {
	HV_MEM_REGION_USABLE = 1,   /**< RAM free for the hypervisor to use. */
	HV_MEM_REGION_RESERVED = 2, /**< Firmware or device memory, never RAM to us. */
	HV_MEM_REGION_ACPI = 3,     /**< ACPI tables, reclaimable after parsing. */
	HV_MEM_REGION_NVS = 4,      /**< ACPI non-volatile storage. */
	HV_MEM_REGION_BAD = 5,      /**< RAM reported defective. */
};

/** One physical memory region, `[base, base + size)`. */
struct hv_mem_region {
	hv_paddr_t base; /**< First byte of the region. */
	uint64_t size;   /**< Length in bytes. */
	uint32_t type;   /**< One of `enum hv_mem_region_type`. */
};

/** A boot module (a future domain image) loaded by the boot loader. */
struct hv_boot_module {
	hv_paddr_t base;     /**< Physical address of the first byte. */
	uint64_t size;       /**< Length in bytes. */
	const void *data;    /**< The module's bytes, mapped for the hypervisor. */
	const char *cmdline; /**< Its command line (never NULL; may be empty). */
};

/** Maximum number of memory-map regions a port reports. */
#define HV_BOOT_MAX_REGIONS 64
/** Maximum number of boot modules a port reports. */
#define HV_BOOT_MAX_MODULES 32
/** Maximum number of port-reserved ranges. */
#define HV_BOOT_MAX_RESERVED 16

/** Everything the port learned at boot. */
struct hv_boot_info {
	/** How the machine was booted, e.g. "multiboot2" or "pvh". */
	const char *protocol;
	/** Name of the boot loader if it gave one, else "". */
	const char *loader;
	/** The hypervisor's own command line (never NULL; may be empty). */
	const char *cmdline;
	/** The firmware memory map, as reported, sorted by base address. */
	const struct hv_mem_region *regions;
	/** Number of entries in @ref regions. */
	size_t region_count;
	/**
	 * Ranges inside usable RAM that the port or the boot loader occupies
	 * (the hypervisor image, low memory, boot-time page tables). The core
	 * never allocates from them. Boot modules are listed separately.
	 */
	const struct hv_mem_region *reserved;
	/** Number of entries in @ref reserved. */
	size_t reserved_count;
	/** Boot modules in the order the loader gave them. */
	const struct hv_boot_module *modules;
	/** Number of entries in @ref modules. */
	size_t module_count;
};

#endif /* HV_BOOT_H */
/** @} */
