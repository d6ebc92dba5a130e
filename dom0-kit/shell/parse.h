/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The shell's pure half: the line editor, the splitting of a line into
 * commands and of a command into words, and the parsers of numbers,
 * sizes, durations, states and crash policies. It makes no hypercall and
 * needs nothing but the freestanding headers and the ABI's, so that the
 * host's unit tests compile it as it is (tests/unit/test_shell_parse.c).
 *
 * Parsers return 0 or a negative HV_E* code: -HV_EINVAL for text that is
 * not what was asked for, -HV_ERANGE for a value that does not fit.
 */
#ifndef HVSH_PARSE_H
#define HVSH_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest line the editor keeps, without its NUL. */
#define HVSH_LINE_MAX 255

/* Most words in one command. */
#define HVSH_ARGS_MAX 32

/* What the line editor knows between two bytes. */
struct hvsh_line {
	char buf[HVSH_LINE_MAX + 1]; /* the line, NUL-terminated once it is done */
	size_t len;                  /* characters in buf */
	bool overflow;               /* characters were typed past HVSH_LINE_MAX */
	bool after_cr;               /* the last byte was a carriage return */
	bool done;                   /* the line was ended: the next byte starts another */
	uint8_t esc;                 /* where in an escape sequence the editor is */
};

/* What one byte did to the line. */
enum hvsh_edit {
	HVSH_EDIT_MORE,   /* the line goes on */
	HVSH_EDIT_DONE,   /* Enter: the line is complete (buf is NUL-terminated) */
	HVSH_EDIT_CANCEL, /* Ctrl-C: the line was thrown away */
};

/* Empties the line, keeping what the editor knows of the byte before. */
void hvsh_line_clear(struct hvsh_line *l);

/*
 * Feeds one byte typed on the console. Printable characters are added
 * (a tab as a space; past HVSH_LINE_MAX they are dropped and overflow is
 * set); backspace and DEL remove the last character, Ctrl-W the last
 * word, Ctrl-U the whole line; Ctrl-C cancels it; CR, LF and CR LF end it
 * (an LF right after a CR is the same Enter). Escape sequences (arrow
 * keys) and other control characters are ignored. After DONE or CANCEL,
 * the next byte starts a new line.
 */
enum hvsh_edit hvsh_line_feed(struct hvsh_line *l, char c);

/*
 * Cuts the next command off a line: up to the first ';' or ',' outside
 * quotes, which is overwritten with a NUL. Returns the command (possibly
 * empty) and advances *cursor past it, or returns NULL once *cursor is at
 * the end.
 */
char *hvsh_next_command(char **cursor);

/*
 * Splits a command into words, in place: words are separated by spaces
 * and tabs; "double" or 'single' quotes keep spaces, ';' and ',' inside a
 * word and are removed. Returns the word count (0 for an empty command),
 * -HV_E2BIG for more than max words, or -HV_EINVAL for a quote left open.
 */
int hvsh_split(char *cmd, char **argv, int max);

/*
 * The script on a command line: what follows its first word "--" (with
 * the blanks after it skipped), or NULL if no word is "--".
 */
const char *hvsh_script(const char *cmdline);

/* If word is "<key>=<value>", returns the value (possibly empty); otherwise NULL. */
const char *hvsh_value(const char *word, const char *key);

/* A decimal or 0x-hexadecimal number without a suffix. */
int hvsh_parse_u64(const char *s, uint64_t *out);

/* A size in bytes: a number with an optional K, M or G suffix (powers of 1024). */
int hvsh_parse_size(const char *s, uint64_t *out);

/*
 * A duration in nanoseconds: a decimal number with an optional unit, ns,
 * us, ms or s; a bare number counts in 'unit_ns' nanoseconds.
 */
int hvsh_parse_duration(const char *s, uint64_t unit_ns, uint64_t *out_ns);

/*
 * A set of domain states, as a bit mask of (1u << HV_DOMCTL_STATE_*): a
 * state's name ("created", "running", "blocked", "paused", "crashed",
 * "dead"), "started" (running or blocked) or "ended" (crashed or dead).
 */
int hvsh_parse_states(const char *s, uint32_t *mask);

/* A crash policy, "destroy", "restart" or "keep", as an HV_DOMCTL_CRASH_* value. */
int hvsh_parse_crash(const char *s, uint32_t *out);

/* The name of a crash policy; "?" for an unknown value. */
const char *hvsh_crash_name(uint32_t policy);

/* Whether a word is a domain or pool identifier (only digits) rather than a name. */
bool hvsh_is_id(const char *s);

#endif /* HVSH_PARSE_H */
