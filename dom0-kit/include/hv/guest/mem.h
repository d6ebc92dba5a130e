/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file
 * @defgroup hvg_mem Guest pages
 * @brief Pages of the domain's free memory, and the frames behind them.
 *
 * The runtime hands out the pages of free memory
 * (`hv_start_info::mem_start`, `mem_size`) one at a time: shared pages,
 * rings and grant tables need whole pages whose frame is known. Pages come
 * back zeroed. Code that manages free memory itself must not also use
 * these functions.
 * @{
 */
#ifndef HV_GUEST_MEM_H
#define HV_GUEST_MEM_H

#include <stdint.h>

/** Bytes of a page. */
#define HVG_PAGE_SIZE 4096u

/**
 * @brief Take a page of free memory.
 * @return A zeroed, page-aligned, writable page, or NULL when none is left.
 */
void *hvg_page_alloc(void);

/**
 * @brief Give back a page from hvg_page_alloc().
 * @param page The page; NULL does nothing.
 */
void hvg_page_free(void *page);

/**
 * @brief Pages hvg_page_alloc() can still give.
 * @return The count.
 */
uint64_t hvg_pages_free(void);

/**
 * @brief The frame number behind a page of free memory: what a grant names.
 * @param addr Any address in free memory.
 * @return The frame number, or UINT64_MAX for an address outside free memory.
 */
uint64_t hvg_frame_of(const void *addr);

#endif /* HV_GUEST_MEM_H */
/** @} */
