/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file
 * @defgroup hvsim Host scheduler simulator
 * @brief Runs a scheduler module on the host against a workload file.
 *
 * The simulator drives a `struct hv_sched_ops` table (a built-in module or
 * an integrator's own) through its hooks on a virtual clock, the way the
 * core does: decisions at slice ends, burst ends and, while idle, at the
 * next wake-up; a wake-up never preempts a running slice. It reports each
 * domain's CPU share, wake-up latency and longest wait, checks the
 * properties the workload asks for, and can draw the schedule as an SVG
 * timeline. `docs/hvsim.md` describes the workload format.
 * @{
 */
#ifndef HV_HVSIM_H
#define HV_HVSIM_H

#include <hv/sched.h>

/** hvsim_run() result: every check passed. */
#define HVSIM_OK 0
/** hvsim_run() result: a check failed, or the module broke the hook contract. */
#define HVSIM_VIOLATION 1
/** hvsim_run() result: bad workload file, bad arguments or an I/O error. */
#define HVSIM_BAD_INPUT 2

/**
 * @brief Simulate a workload and print the report on standard output.
 * @param ops The module to run, or NULL to use the built-in module named by
 *        the workload's `sched` line. With a module given, a `sched` line
 *        naming a built-in module only selects which kind of parameters
 *        (`weight=`, `cap=`, `warp=`, windows) is passed to its
 *        `set_params` hook.
 * @param workload_path The workload description.
 * @param svg_path Where to draw the timeline, or NULL for none.
 * @return #HVSIM_OK, #HVSIM_VIOLATION or #HVSIM_BAD_INPUT; errors are
 *         printed on standard error, with the workload's line number.
 */
int hvsim_run(const struct hv_sched_ops *ops, const char *workload_path, const char *svg_path);

/**
 * @brief The command line: `hvsim [-o out.svg] workload`.
 *
 * An integrator's simulator for a custom module is one line:
 * `int main(int argc, char **argv) { return hvsim_main(argc, argv, &my_sched); }`.
 * @param argc Argument count, as given to main().
 * @param argv Arguments, as given to main().
 * @param ops The module, or NULL for the workload's `sched` line.
 * @return The exit status: as hvsim_run().
 */
int hvsim_main(int argc, char **argv, const struct hv_sched_ops *ops);

#endif /* HV_HVSIM_H */
/** @} */
