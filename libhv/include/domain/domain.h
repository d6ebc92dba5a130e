/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Domains and vCPUs: the objects every other module of the core works on.
 *
 * A domain lives in a fixed slot of the domain table (its identifier is the
 * slot number) from the moment it is built until the run ends; its frames
 * are accounted by the memory core under the same identifier. Each domain
 * has HV_DOMAIN_MAX_VCPUS vCPU slots; vcpu_count of them exist, and only
 * vCPU 0 is brought up for now (the others stay down until a hypercall to
 * start them exists).
 *
 * Domain states:
 *   NONE     empty slot (never built, or refused at start-up)
 *   CREATED  built, not started
 *   RUNNING  started, some vCPU runnable or running
 *   BLOCKED  started, every vCPU that is up is blocked
 *   PAUSED   stopped by the control domain (no hypercall reaches it yet)
 *   CRASHED  crashed and kept for inspection (crash policy KEEP): ended
 *   DYING    being torn down (transient, inside one call)
 *   DEAD     ended: shut down or destroyed, memory given back
 * RUNNING and BLOCKED follow from the vCPU states (hv_domain_update_state).
 *
 * vCPU states: DOWN (not started, or stopped with its domain), RUNNABLE,
 * RUNNING (picked by the scheduler, on the CPU), BLOCKED, PAUSED.
 *
 * Locking: none; one CPU runs the core, and interrupt handlers never touch
 * these objects.
 */
#ifndef HV_DOMAIN_DOMAIN_H
#define HV_DOMAIN_DOMAIN_H

#include <hv/abi/grant.h>
#include <hv/abi/shared.h>
#include <hv/abi/trap.h>
#include <hv/config.h>
#include <hv/mem.h>
#include <hv/port.h>
#include <hv/sched.h>

#include "core/boot.h"

_Static_assert(HV_DOMAIN_MAX_VCPUS <= HV_MAX_VCPUS, "shared-info page has a record per vCPU");
_Static_assert(HV_CONFIG_MAX_DOMAINS <= HV_MEM_MAX_OWNERS, "every domain has a memory account");

/* Longest console line a domain can write; longer lines are cut there. */
#define HV_CONSOLE_LINE_MAX 200

/* Bytes of console output kept per domain for the control domain (a power of two). */
#define HV_CONSOLE_RING_SIZE 4096u

/* Size of the initial stack the builder gives every domain. */
#define HV_DOMAIN_STACK_SIZE UINT64_C(0x4000)

/* A domain restarted this many times in a row is not restarted again. */
#define HV_DOMAIN_MAX_RESTARTS 3

/* CPU time a domain must run after a restart for its crashes to count anew. */
#define HV_DOMAIN_RESTART_STABLE_NS UINT64_C(1000000000)

enum hv_domain_state {
	HV_DOMAIN_NONE = 0,
	HV_DOMAIN_CREATED,
	HV_DOMAIN_RUNNING,
	HV_DOMAIN_BLOCKED,
	HV_DOMAIN_PAUSED,
	HV_DOMAIN_CRASHED,
	HV_DOMAIN_DYING,
	HV_DOMAIN_DEAD,
};

/* How a domain's run ended, for the summary and the verdict. */
enum hv_domain_end {
	HV_DOMAIN_END_NONE = 0,  /* still alive */
	HV_DOMAIN_END_POWEROFF,  /* shutdown(poweroff) */
	HV_DOMAIN_END_CRASH,     /* crashed; destroyed or kept */
	HV_DOMAIN_END_REBOOT,    /* asked to reboot too often in a row; destroyed */
	HV_DOMAIN_END_STRANDED,  /* blocked for ever when the run ended */
	HV_DOMAIN_END_DESTROYED, /* destroyed by the control domain */
};

enum hv_vcpu_state {
	HV_VCPU_DOWN = 0,
	HV_VCPU_RUNNABLE,
	HV_VCPU_RUNNING,
	HV_VCPU_BLOCKED,
	HV_VCPU_PAUSED,
};

struct hv_domain;
struct hv_pool;

/* Pages of a domain's grant map area: one page table's worth. */
#define HV_GRANT_MAP_SLOTS 512

/* A page of a domain's map area (grant/grant.c). */
struct hv_grant_map {
	hv_pfn_t pfn;       /* MAPPED: the granter's frame */
	hv_domid_t granter; /* MAPPED, REVOKED: who granted it */
	uint16_t ref;       /* MAPPED, REVOKED: the grant reference */
	uint8_t state;      /* HV_GRANT_MAP_FREE, _MAPPED, _REVOKED */
	uint8_t writable;   /* MAPPED: mapped writable */
	uint16_t pad;
};

/* Where the reclaim of a destroyed domain's memory stands (domain/reclaim.c). */
struct hv_domain_reclaim {
	hv_pfn_t cursor; /* the next frame-table entry to look at */
	hv_pfn_t block;  /* the block being scrubbed, freed once passed */
	unsigned int block_order;
	bool block_pending;
	bool active; /* DYING with memory left to give back */
};

/* A domain's grant state, as granter and as mapper (grant/grant.c). */
struct hv_grant_state {
	/* Its grant table: the frames it registered, in order. */
	hv_pfn_t table[HV_GRANT_TABLE_MAX_PAGES];
	uint32_t table_pages;
	/* Pages of its map area in use (MAPPED or REVOKED). */
	uint32_t maps_used;
	/* Per grant reference: mappings of it in use, by any domain. */
	uint16_t map_count[HV_GRANT_REFS_MAX];
	struct hv_grant_map maps[HV_GRANT_MAP_SLOTS];
};

/* One event port of a domain (event/channel.c); 8 bytes. */
struct hv_evtchn {
	uint8_t state;        /* enum hv_evtchn_state */
	uint8_t virq;         /* VIRQ state: which */
	hv_domid_t remote;    /* UNBOUND, INTERDOMAIN, DISCONNECTED: the other domain */
	uint16_t remote_port; /* INTERDOMAIN: the other end */
	uint16_t pad;
};

struct hv_vcpu {
	/* The port's register state; first, for its alignment. */
	struct hv_port_vcpu port;
	/*
	 * The scheduler module's state for this vCPU: two buffers, so that a
	 * switch of module (hv_sched_switch()) fills one while the current
	 * module keeps the other; sched.priv points to the current one.
	 */
	_Alignas(16) unsigned char sched_priv[2][HV_SCHED_VCPU_PRIV_MAX_SIZE];
	struct hv_sched_vcpu sched;
	struct hv_domain *domain;
	uint32_t id;
	enum hv_vcpu_state state;
	/* PAUSED: the state to return to (RUNNABLE or BLOCKED). */
	enum hv_vcpu_state paused_from;
	/* Known to the scheduler module (add_vcpu done, remove_vcpu not yet). */
	bool in_sched;
	/* Handlers entered and not yet left with iret (HV_TRAP_MAX_NESTING at most). */
	uint32_t trap_depth;
	/* Guest stack for the first level of handlers (stack_switch); 0: none. */
	uint64_t trap_stack;
	/* Guest one-shot timer (set_timer) and block deadline; 0: none. */
	uint64_t timer_deadline;
	uint64_t block_deadline;
	/* Virtual time: how long this vCPU has run. */
	uint64_t run_time_ns;
	/* The vCPU's record in the shared-info page (hypervisor's view). */
	struct hv_vcpu_info *info;
};

/* A handler registered with set_trap_table. */
struct hv_trap_handler {
	uint64_t address; /* 0: none */
	uint8_t flags;    /* HV_TRAP_F_* */
};

/* Where the builder put things, in guest virtual addresses. */
struct hv_domain_layout {
	hv_paddr_t root; /* root page table (physical) */
	uint64_t entry;
	uint64_t image_start;
	uint64_t image_end;
	uint64_t start_info;
	uint64_t shared_info;
	uint64_t stack_top;
	uint64_t frame_list;
	uint64_t frame_count;
	uint64_t pt_base;
	uint64_t pt_frames;
	uint64_t map_base; /* the grant map area, HV_GRANT_MAP_SLOTS pages, unmapped */
	hv_pfn_t dead_pfn; /* stands in for a grant whose granter ended (build.c) */
	uint64_t mem_start;
	uint64_t mem_size;
	uint64_t mem_frame_index; /* frame-list index of the frame at mem_start */
	/* Frames the domain owns that are mapped nowhere (see build.c). */
	uint64_t spare_frames;
	/* Frames used for the image, and for the fixed pages after it. */
	uint64_t image_frames;
	uint64_t fixed_frames;
};

struct hv_domain {
	struct hv_vcpu vcpus[HV_DOMAIN_MAX_VCPUS];
	const struct hv_domain_desc *desc;
	const char *name;
	hv_domid_t id;
	enum hv_domain_state state;
	uint32_t vcpu_count;
	uint32_t flags; /* HV_DOMAIN_F_* */
	/* What a crash does: from the description, changed by the control domain. */
	enum hv_crash_policy on_crash;
	/* The CPU pool its vCPUs are scheduled in (sched/pool.h). */
	struct hv_pool *pool;

	struct hv_domain_layout layout;
	/* Hypervisor views of the shared-info and start-info pages. */
	struct hv_shared_info *shared;
	struct hv_start_info *start_info;

	/* Event ports, and the port each VIRQ is bound to (HV_EVENT_PORTS: none). */
	struct hv_evtchn evtchn[HV_EVENT_PORTS];
	uint32_t virq_port[HV_VIRQ_COUNT];
	uint32_t ports_used;

	struct hv_grant_state grants;
	struct hv_domain_reclaim reclaim;

	/* Entry points the guest registered. */
	struct hv_trap_handler traps[HV_TRAP_VECTORS];
	uint64_t event_entry;
	uint64_t failsafe_entry;

	/* The console line being assembled. */
	char console_line[HV_CONSOLE_LINE_MAX];
	size_t console_len;
	/*
	 * Its finished lines, for the control domain: the last
	 * HV_CONSOLE_RING_SIZE bytes, byte i of the output at
	 * console_ring[i % HV_CONSOLE_RING_SIZE]; console_written bytes in all.
	 */
	char console_ring[HV_CONSOLE_RING_SIZE];
	uint64_t console_written;

	/* Accounting. */
	uint64_t cpu_time_ns;
	uint64_t cpu_time_at_start; /* cpu_time_ns when it last (re)started */
	uint64_t events_sent;
	uint64_t events_received;
	uint32_t restarts;       /* restarts in all */
	uint32_t restart_streak; /* restarts in a row */
	enum hv_domain_end end;
	bool kept; /* crashed and kept (crash policy KEEP) */
	char crash_reason[160];
};

/* Forgets every domain; domains allocate memory from 'mem' from now on. */
void hv_domain_table_init(struct hv_mem *mem);

/* The memory instance domains use. */
struct hv_mem *hv_domain_mem(void);

/* The domain in slot 'id', or NULL if the slot is empty or out of range. */
struct hv_domain *hv_domain_get(hv_domid_t id);

/* The control domain: the first one with HV_DOMAIN_F_CONTROL, or NULL. */
struct hv_domain *hv_domain_control(void);

/*
 * Allocates a domain's whole reservation in blocks, largest first (and
 * assigns its partition with a partitioning memory module). Logs an error
 * naming the domain and the field and returns the error if that fails,
 * with nothing left allocated.
 */
int hv_domain_reserve(const struct hv_domain_desc *desc, hv_domid_t id);

/*
 * Builds domain 'id' from 'desc' in the memory reserved for it: address
 * space, image, start info, shared info, stack, frame list, free memory,
 * and the vCPUs. On failure logs an error naming the domain, gives its
 * memory back and leaves the slot empty.
 */
int hv_domain_create(const struct hv_domain_desc *desc, hv_domid_t id, struct hv_domain **out);

/* Brings vCPU 0 up and hands it to the scheduler; prints "... started". */
int hv_domain_start(struct hv_domain *d);

/* The guest asked to end (HV_SHUTDOWN_POWEROFF or HV_SHUTDOWN_REBOOT). */
void hv_domain_shutdown(struct hv_domain *d, uint64_t reason);

/*
 * The domain crashed: logs `domain '<name>' crashed: <reason>` as a notice,
 * stops its vCPUs and applies its crash policy. Other domains go on.
 */
void hv_domain_crash(struct hv_domain *d, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

/*
 * The control domain's operations (domain/control.c and the hypercall).
 * Destroy works in any state but NONE and DEAD and frees the memory; pause
 * stops a started domain's vCPUs (-HV_EALREADY if paused or never
 * started, -HV_ENOENT if ended); unpause starts a created domain or
 * resumes a paused one (-HV_EALREADY if running, -HV_ENOENT if ended).
 */
int hv_domain_destroy(struct hv_domain *d);
/* Rebuilds a domain from its image and starts it (any state with memory); -HV_ENOMEM if the build
 * fails. */
int hv_domain_reset(struct hv_domain *d);
int hv_domain_pause(struct hv_domain *d);
int hv_domain_unpause(struct hv_domain *d);

/*
 * One bounded step of giving a DYING domain's memory back (reclaim.c);
 * true when it is all back.
 */
bool hv_domain_reclaim_step(struct hv_domain *d);

/*
 * Makes one step of reclaim for some DYING domain, finishing its end when
 * it is done (DEAD, the control domain told). Returns false if no domain
 * has memory left to reclaim. The run loop calls it once per turn.
 */
bool hv_domain_reclaim_some(void);

/* Stops a domain for ever at the end of the run (blocked with nothing to wake it). */
void hv_domain_strand(struct hv_domain *d);

/* True once the domain has ended (DEAD, CRASHED or never built). */
bool hv_domain_ended(const struct hv_domain *d);

/* True when every domain has ended. */
bool hv_domain_all_ended(void);

/* Recomputes RUNNING/BLOCKED from the vCPU states. */
void hv_domain_update_state(struct hv_domain *d);

/* Prints one line per domain: how it ended, its CPU time, events, memory. */
void hv_domain_summary(void);

/*
 * The run's outcome: with a control domain, whether it powered off;
 * without one, whether every domain did.
 */
bool hv_domain_run_passed(void);

/* The builder (build.c): (re)builds d's memory and vCPUs from d->desc. */
int hv_domain_build(struct hv_domain *d);

/* Returns every frame of the domain to type NONE with no references. */
void hv_domain_release_frames(struct hv_domain *d);

/* Name of a state, for messages. */
const char *hv_domain_state_name(enum hv_domain_state state);

#endif /* HV_DOMAIN_DOMAIN_H */
