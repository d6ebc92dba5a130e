/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Start-up internals: checking the appliance description, naming and
 * parsing boot modules, and the boot-time memory set-up. Shared by
 * core/start.c and the unit tests.
 */
#ifndef HV_CORE_BOOT_H
#define HV_CORE_BOOT_H

#include <hv/boot.h>
#include <hv/config.h>
#include <hv/log.h>
#include <hv/mem.h>

#include "core/elf.h"

/* A domain to be built: its description, where it came from, and its image. */
struct hv_domain_desc {
	struct hv_domain_config cfg;
	char name[HV_NAME_MAX + 1];
	char image[HV_NAME_MAX + 1];
	char cmdline[256];
	const struct hv_boot_module *module;
	struct hv_elf_info elf;
	/* weight= from a module command line, 0 if not given. */
	uint32_t weight;
	/* The word "image" on a module command line: an image for the control domain, no domain. */
	bool image_only;
	/*
	 * Level of the messages that refuse this domain (reservation, build):
	 * HV_LOG_ERROR (0) for the appliance's own domains, HV_LOG_NOTICE for
	 * those the control domain asks for at run time.
	 */
	enum hv_log_level refuse_level;
	/*
	 * An image the control domain handed over from its memory (run-time
	 * creation): the hypervisor's copy, in a block of 2^image_order frames
	 * owned by the hypervisor from image_pfn; 'module' points here then.
	 */
	struct hv_boot_module image_copy;
	hv_pfn_t image_pfn;
	unsigned int image_order;
	bool image_owned;
};

/*
 * Checks the global fields of 'cfg' and every domain in it. Logs one error
 * per bad field, naming it ("config: domains[1].mem_size: ..."), and returns
 * -HV_EINVAL if anything is wrong.
 */
int hv_config_check(const struct hv_config *cfg);

/*
 * Checks one domain description; 'where' names it in messages, e.g.
 * "config: domains[2]" or "module 'guest'". Returns 0 or -HV_EINVAL.
 */
int hv_domain_config_check(const struct hv_domain_config *d, const char *where);

/*
 * The same, logging at 'level': HV_LOG_NOTICE for a request of the control
 * domain at run time (guest input is never an error of the hypervisor's).
 */
int hv_domain_config_check_at(const struct hv_domain_config *d, const char *where,
                              enum hv_log_level level);

/*
 * Checks that a domain's mem_base fits the memory module: a partitioning
 * module (one with an assign hook) needs a base, any other needs 0.
 * Returns 0 or -HV_EINVAL after logging "<where>.mem_base: ...".
 */
int hv_domain_partition_check(const struct hv_domain_config *d, const char *where,
                              const struct hv_mem_ops *ops);

/*
 * The module's name: the first word of its command line, after the file
 * path if the boot loader put one first. Copied into 'buf'; returns buf, or
 * an empty string if the module has no name.
 */
const char *hv_module_name(const struct hv_boot_module *m, char *buf, size_t size);

/* The first module called 'name', or NULL (also for an empty name). */
const struct hv_boot_module *hv_module_find(const struct hv_boot_info *boot, const char *name);

/*
 * Describes a domain from a module's command line
 * ("<name> [name=..] [mem=..] [vcpus=..] [crash=..] [base=..] [control]
 * [image] [-- words for the domain]"); the domain's image is the module
 * itself. With "image" the module is only an image the control domain may
 * create domains from at run time (image_only), not a domain. Words after
 * "--" are not looked at: the domain reads them in its command line. Logs the bad key and returns
 * -HV_EINVAL on a malformed line.
 */
int hv_module_parse_domain(const struct hv_boot_module *m, struct hv_domain_desc *out);

/*
 * Boot-time memory: places the frame table in free RAM, starts the memory
 * module on it and donates all free RAM (usable regions less the port's
 * reserved ranges, the boot modules and the frame table itself).
 */
int hv_boot_mem_init(struct hv_mem *mem, const struct hv_mem_ops *ops,
                     const struct hv_boot_info *boot);

/* The boot information hv_main() was given (boot modules for run-time creation), or NULL. */
const struct hv_boot_info *hv_boot_info_used(void);

/* The description of domain slot 'id', or NULL out of range. */
struct hv_domain_desc *hv_domain_desc_at(hv_domid_t id);

#endif /* HV_CORE_BOOT_H */
