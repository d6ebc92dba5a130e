/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ELF64 image checker (see core/elf.h). The image comes from a boot module,
 * that is from whoever built the appliance, and later from domain 0: treat
 * every field as hostile. Headers are copied out of the image before they
 * are examined, so that an unaligned image is never dereferenced through a
 * misaligned struct pointer.
 */
#include <hv/abi/errno.h>
#include "core/elf.h"
#include "lib/string.h"

static int refuse(const char **why, const char *reason)
{
	*why = reason;
	return -HV_ENOEXEC;
}

static int check_header(const struct hv_elf64_ehdr *eh, size_t size, const char **why)
{
	if (hv_memcmp(eh->ident, "\177ELF", 4) != 0) {
		return refuse(why, "not an ELF image (bad magic)");
	}
	if (eh->ident[4] != HV_ELFCLASS64) {
		return refuse(why, "not a 64-bit ELF image");
	}
	if (eh->ident[5] != HV_ELFDATA2LSB) {
		return refuse(why, "not a little-endian ELF image");
	}
	if (eh->ident[6] != HV_EV_CURRENT || eh->version != HV_EV_CURRENT) {
		return refuse(why, "unknown ELF version");
	}
	if (eh->machine != HV_EM_X86_64) {
		return refuse(why, "not an x86-64 image");
	}
	if (eh->type != HV_ET_EXEC) {
		return refuse(why, "not an executable (ET_EXEC) image");
	}
	if (eh->phentsize != sizeof(struct hv_elf64_phdr)) {
		return refuse(why, "bad program header size");
	}
	if (eh->phnum == 0) {
		return refuse(why, "no program headers");
	}
	if (eh->phoff > size || (size - eh->phoff) / sizeof(struct hv_elf64_phdr) < eh->phnum) {
		return refuse(why, "program headers lie outside the image");
	}
	return 0;
}

static int check_segment(const struct hv_elf64_phdr *ph, size_t size, const char **why)
{
	if (ph->filesz > ph->memsz) {
		return refuse(why, "segment file size exceeds its memory size");
	}
	if (ph->offset > size || ph->filesz > size - ph->offset) {
		return refuse(why, "segment data lies outside the image");
	}
	if (ph->memsz == 0) {
		return 0;
	}
	if (ph->vaddr < HV_ELF_GUEST_MIN || ph->vaddr >= HV_ELF_GUEST_LIMIT ||
	    ph->memsz > HV_ELF_GUEST_LIMIT - ph->vaddr) {
		return refuse(why, "segment lies outside the guest address range");
	}
	return 0;
}

static bool overlaps(const struct hv_elf_segment *a, const struct hv_elf_segment *b)
{
	return a->vaddr < b->vaddr + b->mem_size && b->vaddr < a->vaddr + a->mem_size;
}

int hv_elf_check(const void *image, size_t size, struct hv_elf_info *info, const char **why)
{
	const unsigned char *bytes = image;
	struct hv_elf64_ehdr eh;
	bool entry_ok = false;
	int rc;

	hv_memset(info, 0, sizeof(*info));
	if (image == NULL || size < sizeof(eh)) {
		return refuse(why, "image too small for an ELF header");
	}
	hv_memcpy(&eh, bytes, sizeof(eh));
	rc = check_header(&eh, size, why);
	if (rc != 0) {
		return rc;
	}
	info->lowest = UINT64_MAX;
	for (size_t i = 0; i < eh.phnum; i++) {
		struct hv_elf64_phdr ph;
		struct hv_elf_segment *seg;

		hv_memcpy(&ph, bytes + eh.phoff + i * sizeof(ph), sizeof(ph));
		if (ph.type != HV_PT_LOAD) {
			continue;
		}
		rc = check_segment(&ph, size, why);
		if (rc != 0) {
			return rc;
		}
		if (ph.memsz == 0) {
			continue;
		}
		if (info->segment_count == HV_ELF_MAX_SEGMENTS) {
			return refuse(why, "too many loadable segments");
		}
		seg = &info->segments[info->segment_count];
		*seg = (struct hv_elf_segment){
		        .vaddr = ph.vaddr,
		        .mem_size = ph.memsz,
		        .file_offset = ph.offset,
		        .file_size = ph.filesz,
		        .flags = ph.flags,
		};
		for (size_t j = 0; j < info->segment_count; j++) {
			if (overlaps(seg, &info->segments[j])) {
				return refuse(why, "loadable segments overlap");
			}
		}
		info->segment_count++;
		if (seg->vaddr < info->lowest) {
			info->lowest = seg->vaddr;
		}
		if (seg->vaddr + seg->mem_size > info->highest) {
			info->highest = seg->vaddr + seg->mem_size;
		}
		if ((seg->flags & HV_PF_X) && eh.entry >= seg->vaddr &&
		    eh.entry - seg->vaddr < seg->mem_size) {
			entry_ok = true;
		}
	}
	if (info->segment_count == 0) {
		return refuse(why, "no loadable segments");
	}
	if (!entry_ok) {
		return refuse(why, "entry point is not inside an executable segment");
	}
	info->entry = eh.entry;
	*why = NULL;
	return 0;
}
