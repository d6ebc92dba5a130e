/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The ELF64 image checker. Every domain image passes through it before a
 * byte of it is used, so it assumes nothing about its input: all offsets and
 * sizes are checked against the image and against each other, with overflow
 * in mind.
 */
#ifndef HV_CORE_ELF_H
#define HV_CORE_ELF_H

#include <hv/types.h>

/* The ELF64 file format, as far as the checker reads it. */
#define HV_EI_NIDENT   16
#define HV_ELFCLASS64  2
#define HV_ELFDATA2LSB 1
#define HV_EV_CURRENT  1
#define HV_ET_EXEC     2
#define HV_EM_X86_64   62
#define HV_PT_LOAD     1
#define HV_PF_X        1

struct hv_elf64_ehdr {
	unsigned char ident[HV_EI_NIDENT];
	uint16_t type;
	uint16_t machine;
	uint32_t version;
	uint64_t entry;
	uint64_t phoff;
	uint64_t shoff;
	uint32_t flags;
	uint16_t ehsize;
	uint16_t phentsize;
	uint16_t phnum;
	uint16_t shentsize;
	uint16_t shnum;
	uint16_t shstrndx;
};
_Static_assert(sizeof(struct hv_elf64_ehdr) == 64, "ELF64 header is 64 bytes");

struct hv_elf64_phdr {
	uint32_t type;
	uint32_t flags;
	uint64_t offset;
	uint64_t vaddr;
	uint64_t paddr;
	uint64_t filesz;
	uint64_t memsz;
	uint64_t align;
};
_Static_assert(sizeof(struct hv_elf64_phdr) == 56, "ELF64 program header is 56 bytes");

/* Lowest and highest address (exclusive) a guest image may load at. */
#define HV_ELF_GUEST_MIN   UINT64_C(0x1000)
#define HV_ELF_GUEST_LIMIT UINT64_C(0x0000800000000000)

#define HV_ELF_MAX_SEGMENTS 16

struct hv_elf_segment {
	uint64_t vaddr;
	uint64_t mem_size;
	uint64_t file_offset;
	uint64_t file_size;
	uint32_t flags; /* PF_X 1, PF_W 2, PF_R 4 */
};

struct hv_elf_info {
	uint64_t entry;
	uint64_t lowest;  /* lowest loaded address */
	uint64_t highest; /* end of the highest loaded byte */
	size_t segment_count;
	struct hv_elf_segment segments[HV_ELF_MAX_SEGMENTS];
};

/*
 * Checks that 'image' is an ELF64 x86-64 executable whose loadable segments
 * lie inside the file and inside the guest half, do not overlap, and whose
 * entry point is in an executable segment. Returns 0 and fills 'info', or
 * -HV_ENOEXEC with 'why' pointing at a static sentence naming the problem.
 */
int hv_elf_check(const void *image, size_t size, struct hv_elf_info *info, const char **why);

#endif /* HV_CORE_ELF_H */
