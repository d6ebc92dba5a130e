/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file
 * @defgroup hv_sched CPU schedulers
 * @brief The interface of a pluggable CPU scheduler module.
 *
 * The core owns the vCPUs: their states (runnable, blocked, ...), time
 * accounting, the timers and the switch from one vCPU to another. A
 * scheduler module only decides who runs next and for how long. It is a
 * `static const struct hv_sched_ops` table, selected by explicit reference
 * in the appliance description (`.sched = &hv_sched_rr`, or an
 * integrator's own table). The core checks the table once, when hv_main()
 * registers it (API version, sizes, mandatory hooks), and refuses a bad
 * one with a message naming the fault; after that it calls the hooks
 * through inline wrappers that handle the optional ones.
 *
 * Rules every hook may rely on:
 * - The core calls hooks from one CPU at a time, never from interrupt
 *   context, and never re-entrantly; hooks take no locks.
 * - The core tells the module about every change of runnability:
 *   `wake` when a vCPU becomes runnable, `sleep` when it stops being
 *   runnable. `wake` is never called for a runnable vCPU, `sleep` never for
 *   one that is not.
 * - Hooks allocate nothing: the module's state lives in the instance's
 *   `priv` (`priv_size` bytes) and in each vCPU's `priv`
 *   (`vcpu_priv_size` bytes), both zeroed by the core and 16-byte aligned.
 *
 * The built-in modules are #hv_sched_rr (round-robin), #hv_sched_bvt
 * (borrowed virtual time), #hv_sched_fair (weighted fair share with caps)
 * and #hv_sched_cyclic (static cyclic partitions). The parameter
 * structures (struct hv_sched_params) are part of the guest ABI and live
 * in `<hv/abi/sched.h>`. `docs/scheduler.md`
 * describes them and their parameters, and shows how to write another.
 * @{
 */
#ifndef HV_SCHED_H
#define HV_SCHED_H

#include <hv/abi/sched.h>
#include <hv/types.h>

/** Version of `struct hv_sched_ops`; a module states the version it implements. */
#define HV_SCHED_API_VERSION 1

/**
 * Largest `priv_size` a module may ask for. It was 1024 before the built-in
 * BVT, fair-share and cyclic modules, which keep a table per domain and a
 * heap per instance; raising it changed no hook.
 */
#define HV_SCHED_PRIV_MAX_SIZE 4096

/** Largest `vcpu_priv_size` a module may ask for. */
#define HV_SCHED_VCPU_PRIV_MAX_SIZE 64

/**
 * A vCPU as a scheduler module sees it. The core owns it; a module reads
 * the identity fields and keeps its own per-vCPU state behind @ref priv.
 */
struct hv_sched_vcpu {
	hv_domid_t domid; /**< Domain the vCPU belongs to. */
	uint32_t vcpu_id; /**< Its index in the domain. */
	void *priv;       /**< The module's state for this vCPU, `vcpu_priv_size` bytes. */
};

/**
 * Most vCPUs #hv_sched_bvt and #hv_sched_fair take at a time; add_vcpu
 * fails with -HV_ENOSPC beyond. Their heaps are sized for it.
 */
#define HV_SCHED_BUILTIN_MAX_VCPUS 64

/** A scheduler instance: the module and its state. */
struct hv_sched {
	const struct hv_sched_ops *ops; /**< The module. */
	void *priv;                     /**< Instance state, `ops->priv_size` bytes. */
	uint64_t slice_ns; /**< Default time slice (the appliance's `tick_ns`), set before init. */
};

/**
 * A scheduler module. Hooks marked mandatory must be present; the core
 * checks them at registration.
 */
struct hv_sched_ops {
	const char *name;      /**< Module name, for messages. */
	uint32_t api_version;  /**< Must equal #HV_SCHED_API_VERSION. */
	size_t priv_size;      /**< Bytes of instance state, at most #HV_SCHED_PRIV_MAX_SIZE. */
	size_t vcpu_priv_size; /**< Bytes of per-vCPU state, at most #HV_SCHED_VCPU_PRIV_MAX_SIZE.
	                        */

	/**
	 * @brief Set up the instance (mandatory).
	 * @param s The instance; `priv` is zeroed and `slice_ns` set.
	 * @return 0, or a negative `HV_E*` code (the appliance does not run).
	 */
	int (*init)(struct hv_sched *s);

	/**
	 * @brief Take a new vCPU into account (mandatory).
	 * @param s The instance.
	 * @param v The vCPU; `v->priv` is zeroed. It is not runnable yet.
	 * @return 0, or a negative `HV_E*` code (the domain is not started).
	 */
	int (*add_vcpu)(struct hv_sched *s, struct hv_sched_vcpu *v);

	/**
	 * @brief Forget a vCPU (mandatory).
	 * @param s The instance.
	 * @param v A vCPU added before and not runnable (the core calls
	 *          `sleep` first if it was).
	 * @post The module holds no reference to @p v.
	 */
	void (*remove_vcpu)(struct hv_sched *s, struct hv_sched_vcpu *v);

	/**
	 * @brief A vCPU became runnable (mandatory).
	 * @param s The instance.
	 * @param v The vCPU, not runnable before this call.
	 */
	void (*wake)(struct hv_sched *s, struct hv_sched_vcpu *v);

	/**
	 * @brief A vCPU stopped being runnable: it blocked, was paused or its
	 *        domain ended (mandatory).
	 * @param s The instance.
	 * @param v The vCPU, runnable before this call.
	 * @post pick_next() never returns @p v until it is woken again.
	 */
	void (*sleep)(struct hv_sched *s, struct hv_sched_vcpu *v);

	/**
	 * @brief Choose the vCPU to run next (mandatory).
	 *
	 * Called at the end of every time slice, when the running vCPU sleeps
	 * or yields, and while the CPU is idle. The vCPU that was running, if
	 * still runnable, is a candidate like any other.
	 * @param s The instance.
	 * @param now_ns System time in nanoseconds.
	 * @param[out] slice_ns How long the chosen vCPU may run before the
	 *             core asks again; 0 selects `s->slice_ns`.
	 * @return A runnable vCPU, or NULL if none is runnable.
	 */
	struct hv_sched_vcpu *(*pick_next)(struct hv_sched *s, uint64_t now_ns, uint64_t *slice_ns);

	/**
	 * @brief The running vCPU gives up the rest of its slice (optional).
	 *
	 * The core calls pick_next() right after; without this hook, yielding
	 * only ends the slice.
	 * @param s The instance.
	 * @param v The vCPU, runnable.
	 */
	void (*yield)(struct hv_sched *s, struct hv_sched_vcpu *v);

	/**
	 * @brief Print the module's state through hv_info() (optional).
	 * @param s The instance.
	 */
	void (*dump)(const struct hv_sched *s);

	/**
	 * @brief Set a domain's scheduling parameters (optional).
	 *
	 * May be called before the domain's vCPUs are added, and while they
	 * run: the module keeps the parameters per domain. Without this hook
	 * the module takes no parameters.
	 * @param s The instance.
	 * @param domid The domain (ignored by modules whose parameters belong
	 *        to the instance, such as #hv_sched_cyclic).
	 * @param p The parameters; `p->kind` must be the module's kind.
	 * @return 0, or -HV_EINVAL if @p p is of another kind or out of range.
	 * @post On an error, nothing changed.
	 */
	int (*set_params)(struct hv_sched *s, hv_domid_t domid, const struct hv_sched_params *p);

	/**
	 * @brief Read a domain's scheduling parameters (optional).
	 * @param s The instance.
	 * @param domid The domain; one never set reads as the module's defaults.
	 * @param[out] p The parameters, with `kind` set to the module's kind.
	 * @return 0, or -HV_EINVAL if @p domid is out of the module's range.
	 */
	int (*get_params)(const struct hv_sched *s, hv_domid_t domid, struct hv_sched_params *p);

	/**
	 * @brief Forget a domain's parameters and state (optional).
	 *
	 * Called when a domain leaves the instance for good: it ended, or it
	 * moved to another pool. Its vCPUs have been removed already. A
	 * domain that later comes with the same identifier (a new domain in
	 * the same slot) must start from the module's defaults. Without this
	 * hook, a module that keeps per-domain parameters hands them on.
	 * @param s The instance.
	 * @param domid The domain.
	 */
	void (*forget_domain)(struct hv_sched *s, hv_domid_t domid);
};

/**
 * Round-robin: runnable vCPUs take turns in the order they became runnable,
 * each for the default time slice; a vCPU that yields goes to the back.
 */
extern const struct hv_sched_ops hv_sched_rr;

/**
 * Borrowed virtual time (Duda and Cheriton, SOSP 1999): the runnable vCPU
 * with the least effective virtual time runs; weights set the rate at which
 * virtual time advances, and a warped vCPU borrows virtual time to run
 * soon after it wakes. Parameters: #HV_SCHED_KIND_BVT, per domain. At most
 * #HV_SCHED_BUILTIN_MAX_VCPUS vCPUs; a decision costs O(log n).
 */
extern const struct hv_sched_ops hv_sched_bvt;

/**
 * Weighted fair share with caps (credit-style): runnable vCPUs share the
 * CPU in proportion to their domains' weights; a capped domain gets at
 * most its cap of each accounting period (#HV_SCHED_FAIR_PERIOD_SLICES
 * default slices), even if the CPU would otherwise idle. Parameters:
 * #HV_SCHED_KIND_FAIR, per domain. At most #HV_SCHED_BUILTIN_MAX_VCPUS vCPUs; a
 * decision costs O(log n).
 */
extern const struct hv_sched_ops hv_sched_fair;

/** Length of #hv_sched_fair's accounting period, in default time slices. */
#define HV_SCHED_FAIR_PERIOD_SLICES 10

/**
 * Static cyclic partitions (ARINC 653 style): a major frame divided into
 * windows, each owned by a domain, repeated exactly; a window whose domain
 * has no runnable vCPU, and time outside every window, stay idle. Until a
 * schedule is set (#HV_SCHED_KIND_CYCLIC) nothing runs.
 */
extern const struct hv_sched_ops hv_sched_cyclic;

/**
 * @brief Find a built-in scheduler module by name.
 *
 * A secondary way to select a module, for command lines: the word
 * `sched=<name>` on the hypervisor's command line overrides the appliance
 * description's `sched` with the module found here. Only the built-in
 * modules are known (#hv_sched_rr, #hv_sched_bvt, #hv_sched_fair,
 * #hv_sched_cyclic); an integrator's own module is selected by reference.
 * @param name The module's name, as in hv_sched_ops::name ("rr", "bvt",
 *        "fair", "cyclic"); compared exactly.
 * @return The module, or NULL if no built-in module has that name (or
 *         @p name is NULL).
 */
const struct hv_sched_ops *hv_sched_find(const char *name);

#endif /* HV_SCHED_H */
/** @} */
