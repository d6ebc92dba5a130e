/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file
 * @defgroup hv_mem Physical memory
 * @brief Frame table, per-domain accounting and pluggable frame allocators.
 *
 * Every physical 4 KiB frame has one `struct hv_frame` in a frame table that
 * the caller provides. A frame is owned by exactly one domain, by the
 * hypervisor (#HV_DOMID_HV), by nobody (#HV_DOMID_FREE: free RAM) or is not
 * RAM at all (#HV_DOMID_IO). The core (`hv_mem_*`) owns the owner, type,
 * reference counts and the `HV_FRAME_F_*` flags, enforces each domain's
 * reservation and checks every request; a memory module
 * (`struct hv_mem_ops`) only decides which free frames satisfy an allocation.
 * Modules keep all their metadata in the frame table (`mod_word`,
 * `link_next`, `link_prev`) and in their `priv` storage; none writes into
 * free pages.
 *
 * Built-in modules: #hv_mem_buddy (binary buddy, the default) and
 * #hv_mem_static (fixed contiguous partitions per domain).
 *
 * Functions that can fail return 0 or a negative `HV_E*` code. None of them
 * takes a lock: the caller serializes all calls on one `struct hv_mem`.
 * @{
 */
#ifndef HV_MEM_H
#define HV_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <hv/types.h>
#include <hv/abi/errno.h>

/** Version of `struct hv_mem_ops`; a module states the version it implements. */
#define HV_MEM_API_VERSION 1

/** Number of domain accounts: domains 0 to HV_MEM_MAX_OWNERS - 1 can own memory. */
#define HV_MEM_MAX_OWNERS 64

/** Largest allocation order (2^18 frames = 1 GiB). */
#define HV_MEM_MAX_ORDER 18

/** Largest frame table: frame indices must fit in 32 bits, #HV_FRAME_LINK_NONE excluded. */
#define HV_MEM_MAX_FRAMES ((hv_pfn_t)UINT32_MAX)

/** Largest `priv_size` a module may ask for, so the caller can reserve static storage. */
#define HV_MEM_PRIV_MAX_SIZE 4096

/** Value of `link_next`/`link_prev` that links to no frame. */
#define HV_FRAME_LINK_NONE UINT32_MAX

/**
 * Type of a frame, which decides how it may be mapped (architecture decision D2).
 *
 * A frame with a page-table type is only ever mapped read-only into its
 * guest; a #HV_FRAME_WRITABLE frame is never used as a page table. A frame
 * changes type only when its `type_count` is zero.
 */
enum hv_frame_type {
	HV_FRAME_NONE = 0,     /**< No type yet; may become any type. */
	HV_FRAME_L1 = 1,       /**< Level-1 page table (maps 4 KiB pages). */
	HV_FRAME_L2 = 2,       /**< Level-2 page table. */
	HV_FRAME_L3 = 3,       /**< Level-3 page table. */
	HV_FRAME_L4 = 4,       /**< Level-4 page table (a root). */
	HV_FRAME_WRITABLE = 5, /**< Mapped writable by its owner. */
	HV_FRAME_SHARED = 6,   /**< Shared with another domain (grant or shared-info page). */
	HV_FRAME_TYPE_COUNT    /**< Number of frame types. */
};

/** @name Frame flags (`struct hv_frame::flags`)
 * Bits 0 to 6 belong to the core; bit 7 is reserved for the memory module.
 * @{
 */
/** Frame is part of an allocated block (set on every frame of the block). */
#define HV_FRAME_F_ALLOCATED 0x01u
/** Frame is the first frame of an allocated block; its order is in #HV_FRAME_F_ORDER_MASK. */
#define HV_FRAME_F_HEAD 0x02u
/** Order of the allocated block, recorded in the head frame only. */
#define HV_FRAME_F_ORDER_MASK 0x7cu
/** Shift of the order field inside the flags. */
#define HV_FRAME_F_ORDER_SHIFT 2
/** Bit the memory module may use as it likes; the core preserves it. */
#define HV_FRAME_F_MODULE 0x80u
/** @} */

/**
 * One physical frame (24 bytes). Frame number `pfn` is `frames[pfn]`.
 */
struct hv_frame {
	hv_domid_t owner;    /**< Owning domain, or HV_DOMID_HV/FREE/IO (core). */
	uint8_t type;        /**< An `enum hv_frame_type` (core). */
	uint8_t flags;       /**< `HV_FRAME_F_*` (core, except #HV_FRAME_F_MODULE). */
	uint32_t type_count; /**< References that depend on the type (core). */
	uint32_t ref_count;  /**< Mappings and other references (core). */
	uint32_t mod_word;   /**< Memory module's per-frame word. */
	uint32_t link_next;  /**< Memory module's link, a frame index or #HV_FRAME_LINK_NONE. */
	uint32_t link_prev;  /**< Memory module's link, a frame index or #HV_FRAME_LINK_NONE. */
};

/** @cond HV_INTERNAL */
_Static_assert(sizeof(struct hv_frame) == 24, "struct hv_frame must stay 24 bytes");
/** @endcond */

/** Memory accounting of one owner. */
struct hv_mem_account {
	uint64_t reserved_frames; /**< Most frames the owner may hold (its reservation). */
	uint64_t used_frames;     /**< Frames the owner holds now. */
	bool active;              /**< A reservation was set (always true for the hypervisor). */
};

struct hv_mem;

/**
 * A memory module: the policy that picks free frames.
 *
 * A module keeps its state in `mem->priv` and in the `mod_word`,
 * `link_next` and `link_prev` fields of the frame table, and reads nothing
 * else that the core owns. The core validates every argument before calling
 * a hook and checks every block a module returns, so hooks need not repeat
 * those checks.
 */
struct hv_mem_ops {
	const char *name;     /**< Module name, for messages. */
	uint32_t api_version; /**< Must equal #HV_MEM_API_VERSION. */
	size_t priv_size;     /**< Bytes of `mem->priv` needed, at most #HV_MEM_PRIV_MAX_SIZE. */

	/**
	 * @brief Initialize the module's state (mandatory).
	 * @param mem The instance; `frames` is set, every frame is owned by
	 *            #HV_DOMID_IO (not RAM) with no links (#HV_FRAME_LINK_NONE).
	 * @return 0 or a negative `HV_E*` code.
	 */
	int (*init)(struct hv_mem *mem);

	/**
	 * @brief Donate frames [first, first + count) to the module (mandatory).
	 * @param mem The instance.
	 * @param first First frame; the range is inside the table and was never donated.
	 * @param count Number of frames, at least one.
	 * @return 0 or a negative `HV_E*` code (then the frames are not donated).
	 */
	int (*add_range)(struct hv_mem *mem, hv_pfn_t first, uint64_t count);

	/**
	 * @brief Pick a free block of 2^order frames, aligned to its size (mandatory).
	 * @param mem The instance.
	 * @param owner Domain or #HV_DOMID_HV the block is for.
	 * @param order log2 of the number of frames, at most #HV_MEM_MAX_ORDER.
	 * @param[out] pfn First frame of the block.
	 * @return 0, or -HV_ENOMEM when no block fits.
	 */
	int (*alloc)(struct hv_mem *mem, hv_domid_t owner, unsigned int order, hv_pfn_t *pfn);

	/**
	 * @brief Take back a block that alloc returned (mandatory).
	 * @param mem The instance.
	 * @param pfn First frame, exactly as alloc returned it.
	 * @param order The order it was allocated with.
	 */
	void (*free)(struct hv_mem *mem, hv_pfn_t pfn, unsigned int order);

	/**
	 * @brief Give @p owner a fixed contiguous partition (optional).
	 * @param mem The instance.
	 * @param owner Domain, below #HV_MEM_MAX_OWNERS.
	 * @param base Page-aligned physical address.
	 * @param size Page-aligned size in bytes, not zero, inside the frame table.
	 * @return 0 or a negative `HV_E*` code.
	 */
	int (*assign)(struct hv_mem *mem, hv_domid_t owner, hv_paddr_t base, uint64_t size);

	/**
	 * @brief Print the module's state through hv_info() (optional).
	 * @param mem The instance.
	 */
	void (*dump)(const struct hv_mem *mem);
};

/**
 * A memory instance: the frame table, the module and the accounting.
 * The caller allocates it (statically in the hypervisor); only the
 * `hv_mem_*` functions write it.
 */
struct hv_mem {
	const struct hv_mem_ops *ops; /**< The module; NULL until hv_mem_init() succeeds. */
	void *priv;                   /**< Module state, `ops->priv_size` bytes. */
	struct hv_frame *frames;      /**< The frame table. */
	hv_pfn_t frame_count;         /**< Number of entries in `frames`. */
	uint64_t total_frames;        /**< Frames of RAM donated with hv_mem_add_range(). */
	uint64_t free_frames;         /**< Donated frames not allocated. */
	struct hv_mem_account accounts[HV_MEM_MAX_OWNERS]; /**< One account per domain. */
	struct hv_mem_account hv_account; /**< The hypervisor's account (no limit). */
};

/** The binary buddy module (the default). It has no assign hook. */
extern const struct hv_mem_ops hv_mem_buddy;

/**
 * The static-partition module. A domain allocates only from the partition
 * given to it with hv_mem_assign(), and gets -HV_ENOMEM without one; the
 * hypervisor allocates only from donated memory outside every partition.
 */
extern const struct hv_mem_ops hv_mem_static;

/**
 * @brief Set up a memory instance with a module.
 *
 * Checks the module once (mandatory hooks present, API version, priv size),
 * marks every frame as not RAM (#HV_DOMID_IO) and calls its init hook.
 * @param mem The instance to set up; any previous content is overwritten.
 * @param ops The module, e.g. &hv_mem_buddy.
 * @param priv Storage of `ops->priv_size` bytes, 8-byte aligned (may be NULL if that is 0).
 * @param frames The frame table, @p frame_count entries; it is overwritten.
 * @param frame_count Number of frames, at most #HV_MEM_MAX_FRAMES.
 * @return 0, -HV_EINVAL for a bad module or argument (logged as an error
 *         naming the module and the fault), or the init hook's error.
 * @post On success no frame is RAM, every account is empty and the
 *       hypervisor's account is active with no limit.
 */
int hv_mem_init(struct hv_mem *mem, const struct hv_mem_ops *ops, void *priv,
                struct hv_frame *frames, hv_pfn_t frame_count);

/**
 * @brief Donate frames [first, first + count) of RAM to the allocator.
 * @param mem The instance.
 * @param first First frame.
 * @param count Number of frames; need not be a power of two nor aligned.
 * @return 0; -HV_EINVAL if @p count is 0 or the range leaves the frame
 *         table; -HV_EEXIST if a frame of the range was already donated; or
 *         the module's error.
 * @post On success the frames are owned by #HV_DOMID_FREE.
 */
int hv_mem_add_range(struct hv_mem *mem, hv_pfn_t first, uint64_t count);

/**
 * @brief Set the most frames a domain may hold.
 * @param mem The instance.
 * @param owner Domain, below #HV_MEM_MAX_OWNERS.
 * @param max_frames New reservation.
 * @return 0; -HV_EINVAL for a bad owner; -HV_EBUSY if the domain already
 *         holds more than @p max_frames (nothing changes).
 */
int hv_mem_set_reservation(struct hv_mem *mem, hv_domid_t owner, uint64_t max_frames);

/**
 * @brief Give a domain a fixed contiguous partition of physical memory.
 *
 * Only modules with an assign hook (#hv_mem_static) support this.
 * @param mem The instance.
 * @param owner Domain, below #HV_MEM_MAX_OWNERS.
 * @param base Physical address of the partition, page aligned.
 * @param size Size in bytes, page aligned and not zero.
 * @return 0; -HV_EINVAL for a bad owner or unaligned/zero/overflowing
 *         region; -HV_ERANGE if the region is not all donated RAM;
 *         -HV_ENOSYS if the module has no assign hook; or the module's
 *         error (#hv_mem_static: -HV_EBUSY on overlap with a partition or an
 *         allocated frame, -HV_EEXIST if @p owner has a partition).
 * @pre The frames in the region are not allocated.
 */
int hv_mem_assign(struct hv_mem *mem, hv_domid_t owner, hv_paddr_t base, uint64_t size);

/**
 * @brief Allocate 2^order contiguous frames for an owner.
 * @param mem The instance.
 * @param owner Domain below #HV_MEM_MAX_OWNERS, or #HV_DOMID_HV.
 * @param order log2 of the number of frames, at most #HV_MEM_MAX_ORDER.
 * @param[out] pfn First frame of the block, aligned to 2^order frames.
 * @return 0; -HV_EINVAL for a bad argument; -HV_ENOMEM if the owner's
 *         reservation would be exceeded or no block fits (nothing
 *         changes); -HV_EIO if the module returned a block that is not free
 *         RAM (a module bug, logged as an error; nothing is handed out).
 * @pre The reservation of a domain was set with hv_mem_set_reservation().
 * @post On success every frame of the block is owned by @p owner, has type
 *       #HV_FRAME_NONE, zero counts and #HV_FRAME_F_ALLOCATED; the caller
 *       must clear the frames before a guest can see them.
 */
int hv_mem_alloc(struct hv_mem *mem, hv_domid_t owner, unsigned int order, hv_pfn_t *pfn);

/**
 * @brief Free a block allocated with hv_mem_alloc().
 * @param mem The instance.
 * @param pfn First frame of the block.
 * @param order The order it was allocated with.
 * @return 0; -HV_EINVAL (logged as a notice, nothing changes) if @p pfn is
 *         out of range or misaligned, not allocated (double free), or not
 *         the head of a block of exactly this order; -HV_EBUSY if a frame
 *         of the block still has a reference or a type reference.
 * @post On success the frames are owned by #HV_DOMID_FREE.
 */
int hv_mem_free(struct hv_mem *mem, hv_pfn_t pfn, unsigned int order);

/**
 * @brief Free every block an owner holds (when a domain dies).
 * @param mem The instance.
 * @param owner Domain below #HV_MEM_MAX_OWNERS, or #HV_DOMID_HV.
 * @return 0; -HV_EINVAL for a bad owner; -HV_EBUSY if some blocks are still
 *         referenced (those stay allocated, all others are freed).
 */
int hv_mem_free_owner(struct hv_mem *mem, hv_domid_t owner);

/**
 * @brief The frame-table entry of a frame.
 * @param mem The instance.
 * @param pfn Frame number.
 * @return The entry, or NULL if @p pfn is outside the frame table.
 */
struct hv_frame *hv_mem_frame(struct hv_mem *mem, hv_pfn_t pfn);

/**
 * @brief Number of donated frames that are not allocated.
 * @param mem The instance.
 * @return The count.
 */
uint64_t hv_mem_free_count(const struct hv_mem *mem);

/**
 * @brief The accounting of an owner.
 * @param mem The instance.
 * @param owner Domain below #HV_MEM_MAX_OWNERS, or #HV_DOMID_HV.
 * @return The account, or NULL for a bad owner.
 */
const struct hv_mem_account *hv_mem_account(const struct hv_mem *mem, hv_domid_t owner);

/**
 * @brief Print totals, active accounts and the module's state via hv_info().
 * @param mem The instance.
 */
void hv_mem_dump(const struct hv_mem *mem);

/**
 * @brief Number of free blocks of one order in a #hv_mem_buddy instance.
 * @param mem The instance.
 * @param order Order, at most #HV_MEM_MAX_ORDER.
 * @return The count; 0 if @p mem does not use #hv_mem_buddy or @p order is too large.
 */
uint64_t hv_mem_buddy_free_blocks(const struct hv_mem *mem, unsigned int order);

/**
 * @brief Check every invariant of a #hv_mem_buddy instance (slow; for tests and debugging).
 *
 * Walks every free list: links are consistent, each block is aligned,
 * tagged with its order, inside the frame table and overlaps no other free
 * block, the per-order counts match, and the free frames add up to
 * hv_mem_free_count().
 * @param mem The instance.
 * @return 0, -HV_EINVAL if @p mem does not use #hv_mem_buddy, or -HV_EIO
 *         if an invariant is broken (logged as an error).
 */
int hv_mem_buddy_verify(const struct hv_mem *mem);

#endif /* HV_MEM_H */
/** @} */
