/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Builds ELF64 images in memory for the unit tests of the ELF checker and of
 * start-up. A test starts from elf_builder_default(), a good two-segment
 * x86-64 executable, changes the fields it wants to break and writes the
 * image with elf_builder_write(). Fields are written byte by byte in little
 * endian, so the image never depends on how the host lays out a struct.
 */
#ifndef HV_TESTS_UNIT_ELF_BUILDER_H
#define HV_TESTS_UNIT_ELF_BUILDER_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/elf.h"

#define EB_EHDR_SIZE 64
#define EB_PHDR_SIZE 56
#define EB_MAX_PHDRS 24

#define EB_PT_NULL 0
#define EB_PT_LOAD 1
#define EB_PT_NOTE 4
#define EB_PF_X    1
#define EB_PF_W    2
#define EB_PF_R    4

/* The default image: text at 0x400000 (RX), data and bss at 0x402000 (RW). */
#define EB_TEXT_VADDR  UINT64_C(0x400000)
#define EB_TEXT_OFFSET 0x1000u
#define EB_TEXT_FILESZ 0x800u
#define EB_TEXT_MEMSZ  UINT64_C(0x1000)
#define EB_DATA_VADDR  UINT64_C(0x402000)
#define EB_DATA_OFFSET 0x2000u
#define EB_DATA_FILESZ 0x100u
#define EB_DATA_MEMSZ  UINT64_C(0x3000)
#define EB_ENTRY       UINT64_C(0x400010)
#define EB_FILE_SIZE   0x2100u

struct elf_builder {
	unsigned char ident[16];
	uint16_t type;
	uint16_t machine;
	uint32_t version;
	uint64_t entry;
	uint64_t phoff;
	uint16_t phentsize;
	uint16_t phnum; /* written as is; ph_count says how many are written */
	size_t ph_count;
	struct hv_elf64_phdr ph[EB_MAX_PHDRS];
	size_t file_size; /* bytes written; program headers past it are dropped */
};

static inline void eb_put(unsigned char *p, uint64_t v, unsigned int bytes)
{
	for (unsigned int i = 0; i < bytes; i++) {
		p[i] = (unsigned char)(v >> (8 * i));
	}
}

/* Sets program header 'i' to a loadable segment; updates ph_count and phnum. */
static inline void eb_set_load(struct elf_builder *b, size_t i, uint32_t flags, uint64_t offset,
                               uint64_t vaddr, uint64_t filesz, uint64_t memsz)
{
	b->ph[i] = (struct hv_elf64_phdr){.type = EB_PT_LOAD,
	                                  .flags = flags,
	                                  .offset = offset,
	                                  .vaddr = vaddr,
	                                  .paddr = vaddr,
	                                  .filesz = filesz,
	                                  .memsz = memsz,
	                                  .align = 0x1000};
	if (i >= b->ph_count) {
		b->ph_count = i + 1;
		b->phnum = (uint16_t)b->ph_count;
	}
}

static inline void elf_builder_default(struct elf_builder *b)
{
	static const unsigned char ident[16] = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0};

	memset(b, 0, sizeof(*b));
	memcpy(b->ident, ident, sizeof(ident));
	b->type = 2;     /* ET_EXEC */
	b->machine = 62; /* EM_X86_64 */
	b->version = 1;
	b->entry = EB_ENTRY;
	b->phoff = EB_EHDR_SIZE;
	b->phentsize = EB_PHDR_SIZE;
	b->file_size = EB_FILE_SIZE;
	eb_set_load(b, 0, EB_PF_R | EB_PF_X, EB_TEXT_OFFSET, EB_TEXT_VADDR, EB_TEXT_FILESZ,
	            EB_TEXT_MEMSZ);
	eb_set_load(b, 1, EB_PF_R | EB_PF_W, EB_DATA_OFFSET, EB_DATA_VADDR, EB_DATA_FILESZ,
	            EB_DATA_MEMSZ);
}

/*
 * Writes the image into 'out' (at least b->file_size bytes): the header, the
 * program headers at phoff (those that fit), and a byte pattern elsewhere.
 * Returns b->file_size.
 */
static inline size_t elf_builder_write(const struct elf_builder *b, unsigned char *out)
{
	unsigned char eh[EB_EHDR_SIZE] = {0};

	for (size_t i = 0; i < b->file_size; i++) {
		out[i] = (unsigned char)(0x90 + i % 7);
	}
	memcpy(eh, b->ident, 16);
	eb_put(eh + 16, b->type, 2);
	eb_put(eh + 18, b->machine, 2);
	eb_put(eh + 20, b->version, 4);
	eb_put(eh + 24, b->entry, 8);
	eb_put(eh + 32, b->phoff, 8);
	eb_put(eh + 40, 0, 8); /* shoff */
	eb_put(eh + 48, 0, 4); /* flags */
	eb_put(eh + 52, EB_EHDR_SIZE, 2);
	eb_put(eh + 54, b->phentsize, 2);
	eb_put(eh + 56, b->phnum, 2);
	eb_put(eh + 58, 64, 2); /* shentsize */
	eb_put(eh + 60, 0, 2);  /* shnum */
	eb_put(eh + 62, 0, 2);  /* shstrndx */
	memcpy(out, eh, b->file_size < EB_EHDR_SIZE ? b->file_size : EB_EHDR_SIZE);
	for (size_t i = 0; i < b->ph_count; i++) {
		const struct hv_elf64_phdr *ph = &b->ph[i];
		unsigned char p[EB_PHDR_SIZE];
		uint64_t at = b->phoff + i * EB_PHDR_SIZE;

		if (b->phoff > b->file_size || at > b->file_size - EB_PHDR_SIZE ||
		    b->file_size < EB_PHDR_SIZE) {
			break;
		}
		eb_put(p + 0, ph->type, 4);
		eb_put(p + 4, ph->flags, 4);
		eb_put(p + 8, ph->offset, 8);
		eb_put(p + 16, ph->vaddr, 8);
		eb_put(p + 24, ph->paddr, 8);
		eb_put(p + 32, ph->filesz, 8);
		eb_put(p + 40, ph->memsz, 8);
		eb_put(p + 48, ph->align, 8);
		memcpy(out + at, p, sizeof(p));
	}
	return b->file_size;
}

#endif /* HV_TESTS_UNIT_ELF_BUILDER_H */
