/* SPDX-License-Identifier: MIT */
/**
 * @file
 * @defgroup hv_abi_domctl Domain control
 * @brief Creating, pausing, destroying and inspecting domains at run time (#HV_HC_DOMCTL).
 *
 * The control interface of the paper's domain 0: only the control domain
 * may call #HV_HC_DOMCTL; any other domain gets `-HV_EPERM` before an
 * argument is looked at. A domain is created from a boot module (its ELF
 * image, checked as strictly as at boot) into a free domain slot, built
 * and left paused (`HV_DOMCTL_STATE_CREATED`) until #HV_DOMCTL_UNPAUSE
 * starts it. Bad requests are refused with a precise error and leave no
 * half-built domain behind; the hypervisor logs why.
 * @{
 */
#ifndef HV_ABI_DOMCTL_H
#define HV_ABI_DOMCTL_H

#include <stdint.h>

/** @name Domain control operations (#HV_HC_DOMCTL, control domain only)
 * A `domid` at or above the appliance's domain limit gives `-HV_EINVAL`,
 * one that holds no domain `-HV_ENOENT`.
 * @{
 */
/** `(op, const struct hv_domctl_create *in)`: create a domain, paused; returns its id.
 * `-HV_ENOENT` for no boot module of that name, `-HV_EEXIST` for a name in use, `-HV_ENOSPC`
 * when every slot is used, `-HV_ENOMEM` when its memory cannot be reserved, `-HV_ENOEXEC` for
 * an image that is not a valid ELF64 guest, `-HV_E2BIG` for an image in memory above
 * #HV_DOMCTL_IMAGE_MAX, `-HV_EFAULT` for one that cannot be read, `-HV_EBUSY` for a domain
 * with #HV_DOMCTL_F_CONTROL in a pool without CPUs, `-HV_EINVAL` for a bad field. */
#define HV_DOMCTL_CREATE 0
/** `(op, domid)`: destroy a domain in any state but the caller: it ends at once, and its memory
 * is scrubbed and given back in bounded steps while other domains run (DYING, then DEAD).
 * `-HV_EALREADY` while it is DYING. */
#define HV_DOMCTL_DESTROY 1
/** `(op, domid)`: stop a started domain's vCPUs; `-HV_EALREADY` if it is paused. */
#define HV_DOMCTL_PAUSE 2
/** `(op, domid)`: start a created domain, or resume a paused one. */
#define HV_DOMCTL_UNPAUSE 3
/** `(op, domid, struct hv_domctl_info *out)`: describe a domain (also an ended one). */
#define HV_DOMCTL_INFO 4
/** `(op, struct hv_domctl_counters *out)`: the hypervisor's resource counters. */
#define HV_DOMCTL_COUNTERS 5
/** `(op, domid, struct hv_domctl_console *io)`: read a domain's console output (also the
 * caller's, and an ended domain's); returns the byte count. */
#define HV_DOMCTL_CONSOLE_READ 6
/** `(op, domid, policy)`: set what a crash does, an #hv_domctl_crash. */
#define HV_DOMCTL_SET_CRASH_POLICY 7
/** `(op, uint64_t sec, uint64_t nsec)`: set the wall clock (seconds since 1970 now); every
 * domain sees it at once. */
#define HV_DOMCTL_SET_WALLCLOCK 8
/** `(op, domid)`: rebuild a domain from its image and start it again (also a crashed one);
 * its memory, channels and grants start afresh. */
#define HV_DOMCTL_RESET 9
/** `(op, struct hv_domctl_connect *io)`: connect two other domains by an event channel, on
 * their behalf (domain 0 as the broker); each end is raised once. */
#define HV_DOMCTL_EVTCHN_CONNECT 10
/** @} */

/** Crash policies (hv_domctl_create::on_crash). */
enum hv_domctl_crash {
	HV_DOMCTL_CRASH_DESTROY = 0, /**< Tear the domain down and free its memory. */
	HV_DOMCTL_CRASH_RESTART = 1, /**< Rebuild it from its image (at most 3 times in a row). */
	HV_DOMCTL_CRASH_KEEP = 2,    /**< Keep it, stopped, for inspection. */
};

/** Largest ELF image #HV_DOMCTL_CREATE takes from the caller's memory. */
#define HV_DOMCTL_IMAGE_MAX (16u << 20)

/** What #HV_DOMCTL_CREATE builds. */
struct hv_domctl_create {
	/** Name of the boot module holding the ELF image, NUL-terminated; with `image_size`, only
	 * a name for the image in messages (may be empty). */
	char image[32];
	char name[32];     /**< The domain's name, unique; empty: the image's name. */
	uint64_t mem_size; /**< Bytes of memory, a multiple of 4096, at least 1 MiB. */
	uint32_t vcpus;    /**< Virtual CPUs, 1 to 8. */
	uint32_t on_crash; /**< An #hv_domctl_crash. */
	uint32_t pool;     /**< CPU pool to join (0: the default pool). */
	uint32_t flags;    /**< `HV_DOMCTL_F_*`: privileges given to the new domain. */
	char cmdline[128]; /**< Its command line, NUL-terminated (may be empty). */
	/** With `image_size`: where the ELF image is in the caller's memory. The hypervisor copies
	 * it (the domain is rebuilt from that copy on a restart) and checks it as at boot. */
	uint64_t image_va;
	/** 0: the image is the boot module `image`; else its size, at most #HV_DOMCTL_IMAGE_MAX. */
	uint64_t image_size;
};

/** Create flag: the new domain has the control privilege too (a second manager, a driver domain).
 */
#define HV_DOMCTL_F_CONTROL (1u << 0)

/** Domain states (hv_domctl_info::state). */
enum hv_domctl_state {
	HV_DOMCTL_STATE_NONE = 0,    /**< The slot holds no domain. */
	HV_DOMCTL_STATE_CREATED = 1, /**< Built, never started. */
	HV_DOMCTL_STATE_RUNNING = 2, /**< Started; a vCPU is runnable or running. */
	HV_DOMCTL_STATE_BLOCKED = 3, /**< Started; every vCPU waits for an event or a deadline. */
	HV_DOMCTL_STATE_PAUSED = 4,  /**< Stopped by the control domain. */
	HV_DOMCTL_STATE_CRASHED = 5, /**< Crashed and kept for inspection. */
	HV_DOMCTL_STATE_DEAD = 6,    /**< Ended: shut down or destroyed; its memory is free. */
	HV_DOMCTL_STATE_DYING = 7,   /**< Ending: its memory is being scrubbed and given back. */
};

/** Most vCPUs #HV_DOMCTL_INFO describes one by one (a domain has at most this many). */
#define HV_DOMCTL_MAX_VCPUS 8

/** States of a vCPU (hv_domctl_vcpu::state). */
enum hv_domctl_vcpu_state {
	HV_DOMCTL_VCPU_DOWN = 0,     /**< Not started, or stopped with its domain. */
	HV_DOMCTL_VCPU_RUNNABLE = 1, /**< Waiting for a CPU. */
	HV_DOMCTL_VCPU_RUNNING = 2,  /**< On a CPU. */
	HV_DOMCTL_VCPU_BLOCKED = 3,  /**< Waiting for an event or a deadline. */
	HV_DOMCTL_VCPU_PAUSED = 4,   /**< Stopped by domain 0. */
};

/** One vCPU in #HV_DOMCTL_INFO. */
struct hv_domctl_vcpu {
	uint32_t state;       /**< An #hv_domctl_vcpu_state. */
	uint32_t pad;         /**< Zero. */
	uint64_t run_time_ns; /**< Its virtual time: how long it has run. */
};

/** What #HV_DOMCTL_INFO reports. */
struct hv_domctl_info {
	char name[32];            /**< NUL-terminated. */
	uint32_t domid;           /**< Its identifier. */
	uint32_t state;           /**< An #hv_domctl_state. */
	uint32_t vcpus;           /**< Virtual CPUs. */
	uint32_t flags;           /**< 1: the control domain. */
	uint32_t pool;            /**< Its CPU pool. */
	uint32_t restarts;        /**< Times it was rebuilt after a crash or reboot. */
	uint64_t frames;          /**< Frames of memory it holds now. */
	uint64_t frames_reserved; /**< Frames it may hold (its reservation). */
	uint64_t cpu_time_ns;     /**< CPU time it has had. */
	uint64_t events_sent;     /**< Events it sent. */
	uint64_t events_received; /**< Events raised on its ports. */
	uint32_t ports;           /**< Event ports in use. */
	uint32_t grant_maps;      /**< Pages of its map area in use. */
	char crash_reason[160];   /**< Why it crashed, NUL-terminated; empty otherwise. */
	/** Its vCPUs, the first `vcpus` of them. */
	struct hv_domctl_vcpu vcpu[HV_DOMCTL_MAX_VCPUS];
};

/** What #HV_DOMCTL_COUNTERS reports: totals a create/destroy cycle must give back. */
struct hv_domctl_counters {
	uint64_t free_frames;  /**< Frames the memory module holds free. */
	uint64_t frame_refs;   /**< Sum of every frame's reference count. */
	uint32_t domains;      /**< Domains that have not ended. */
	uint32_t ports;        /**< Event ports in use, all domains. */
	uint32_t grant_maps;   /**< Grant mappings in use, all domains. */
	uint32_t grant_tables; /**< Domains with a grant table. */
};

/** Console output in and out (#HV_DOMCTL_CONSOLE_READ). */
struct hv_domctl_console {
	uint64_t pos;     /**< In: output position to read from (0: the start); out: past the bytes
	                     read. */
	uint64_t buf;     /**< Where to write the bytes. */
	uint32_t size;    /**< Bytes at `buf`, at most 4096. */
	uint32_t pad;     /**< Zero (`-HV_EINVAL` otherwise). */
	uint64_t dropped; /**< Out: bytes overwritten before they could be read (skipped). */
};

/** Two domains to connect (#HV_DOMCTL_EVTCHN_CONNECT). */
struct hv_domctl_connect {
	uint16_t dom_a;  /**< In: one domain (not the caller). */
	uint16_t dom_b;  /**< In: the other (not the caller, not `dom_a`). */
	uint32_t port_a; /**< Out: its port in `dom_a`. */
	uint32_t port_b; /**< Out: its port in `dom_b`. */
	uint32_t pad;    /**< Zero (`-HV_EINVAL` otherwise). */
};

_Static_assert(sizeof(struct hv_domctl_console) == 32, "ABI: hv_domctl_console");
_Static_assert(sizeof(struct hv_domctl_connect) == 16, "ABI: hv_domctl_connect");
_Static_assert(sizeof(struct hv_domctl_create) == 232, "ABI: hv_domctl_create");
_Static_assert(__builtin_offsetof(struct hv_domctl_create, mem_size) == 64, "ABI: mem_size");
_Static_assert(__builtin_offsetof(struct hv_domctl_create, cmdline) == 88, "ABI: cmdline");
_Static_assert(sizeof(struct hv_domctl_vcpu) == 16, "ABI: hv_domctl_vcpu");
_Static_assert(sizeof(struct hv_domctl_info) == 392, "ABI: hv_domctl_info");
_Static_assert(__builtin_offsetof(struct hv_domctl_info, vcpu) == 264, "ABI: vcpu");
_Static_assert(__builtin_offsetof(struct hv_domctl_info, frames) == 56, "ABI: frames");
_Static_assert(__builtin_offsetof(struct hv_domctl_info, crash_reason) == 104, "ABI: crash_reason");
_Static_assert(sizeof(struct hv_domctl_counters) == 32, "ABI: hv_domctl_counters");

#endif /* HV_ABI_DOMCTL_H */
/** @} */
