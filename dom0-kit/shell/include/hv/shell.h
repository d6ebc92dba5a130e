/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file
 * @defgroup hvsh Domain 0 shell
 * @brief An interactive and scripted control shell for domain 0 (`hv::shell`).
 *
 * The shell reads commands from the serial console (console input,
 * #HV_VIRQ_CONSOLE) and from a script on domain 0's command line (the
 * words after `--`), and runs them through libhvctl and the scheduler
 * hypercalls: `list`, `info`, `create`, `pause`, `unpause`, `destroy`,
 * `console`, `sched`, `pool` and more; `help` lists them and
 * `docs/shell.md` describes them. The image `hv-dom0-shell` is domain 0
 * made of nothing else; link `hv::shell` into a domain 0 of your own and
 * call hvsh_main() to add commands of yours.
 *
 * A command prints its output with hvg_printf() and its errors with
 * hvsh_error(), and returns 0, or a negative `HV_E*` code when it failed.
 * Commands run one at a time on domain 0's only vCPU; none of these
 * functions may be called from an event handler.
 * @{
 */
#ifndef HV_SHELL_H
#define HV_SHELL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hv/abi/domctl.h>
#include <hv/abi/shared.h>

/** Version of this API: bumped when a function or a command changes meaning. */
#define HVSH_VERSION 1

/** No upper limit on a command's words (hvsh_command::max_args). */
#define HVSH_ARGS_ANY (-1)

/** A command of the shell. */
struct hvsh_command {
	const char *name; /**< What is typed, one word. */
	const char *args; /**< Its arguments, for `help` and usage errors ("<dom> [all]"). */
	const char *help; /**< What it does, one line. */
	int min_args;     /**< Fewest words after the name. */
	int max_args;     /**< Most words after the name, or #HVSH_ARGS_ANY. */
	/**
	 * Runs it. @p argv[0] is the name; the shell has checked the word
	 * count against #min_args and #max_args. Returns 0, or a negative
	 * `HV_E*` code after printing why with hvsh_error().
	 */
	int (*run)(int argc, char **argv);
};

/** How hvsh_main() runs. */
struct hvsh_config {
	/** Commands added to the built-in ones (looked up first, so they may replace one). */
	const struct hvsh_command *commands;
	/** How many there are at #commands. */
	size_t command_count;
	/** Line printed when the shell starts; NULL for the default greeting. */
	const char *banner;
};

/**
 * @brief Run the shell until `poweroff` (or a failure with `onerror fail`).
 *
 * Sets up exception and event handling (hvg_trap_init()), runs the script
 * on the command line if there is one (the words after `--`, commands
 * separated by `;` or `,`), then reads commands from the console. Before
 * it returns, every other domain that has not ended is destroyed, so that
 * the appliance's run ends with domain 0.
 * @param si Domain 0's start-info page.
 * @param cfg Extra commands and a banner, or NULL.
 * @return 0 after `poweroff` (return it from main(): domain 0 powers off
 *         and the appliance's verdict is PASS); 1 when the shell cannot
 *         run (not the control domain) or a command failed under
 *         `onerror fail` (domain 0 then crashes: verdict FAIL).
 */
int hvsh_main(const struct hv_start_info *si, const struct hvsh_config *cfg);

/**
 * @brief Run one line of commands, as if it had been typed (without the echo).
 * @param line The line, at most 255 characters; commands are separated by
 *        `;` or `,` outside quotes. It is modified.
 * @return How many of its commands failed (0: all succeeded).
 */
int hvsh_run_line(char *line);

/**
 * @brief Print an error of the running command: `error: <command>: <message>`.
 *
 * A hypervisor error code is named after the message
 * (`: HV_ENOENT (no such object ...)`).
 * @param rc A negative `HV_E*` code from the hypervisor, or 0 for an error
 *        of the shell's own (a bad argument).
 * @param fmt Format of the message (hvg_printf()'s conversions).
 * @return @p rc, or -HV_EINVAL when @p rc is 0: what the command returns.
 */
int hvsh_error(int rc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/**
 * @brief Find a domain by identifier (a word of digits) or by name.
 *
 * Among domains of the same name, one that has not ended is preferred,
 * then the most recent. Prints an error with hvsh_error() when there is
 * none.
 * @param word What was typed.
 * @param[out] info The domain's description.
 * @return Its identifier, or a negative `HV_E*` code.
 */
int hvsh_domain(const char *word, struct hv_domctl_info *info);

/**
 * @brief Parse a number, printing an error when it is not one.
 * @param what What the number is, for the message ("weight").
 * @param word A decimal or 0x-hexadecimal number; when @p size is set, with an
 *        optional K, M or G suffix (binary multiples).
 * @param size Whether the suffixes are allowed.
 * @param min Smallest value accepted.
 * @param max Largest value accepted.
 * @param[out] out The value.
 * @return 0, or -HV_EINVAL (after an error message).
 */
int hvsh_number(const char *what, const char *word, bool size, uint64_t min, uint64_t max,
                uint64_t *out);

#endif /* HV_SHELL_H */
/** @} */
