/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The shell's pure half (see parse.h): bytes to lines, lines to commands,
 * commands to words, words to values. No hypercalls and no library calls,
 * so that it runs unchanged in a guest and in the host's unit tests.
 */
#include <hv/abi/domctl.h>
#include <hv/abi/errno.h>

#include "parse.h"

/* Escape-sequence states of the line editor. */
enum {
	ESC_NONE = 0,
	ESC_START = 1, /* after ESC */
	ESC_CSI = 2,   /* after ESC [: parameters until a final byte */
	ESC_SS3 = 3,   /* after ESC O: one more byte */
};

#define CTRL(c) ((char)((c)&0x1f))

static bool str_eq(const char *a, const char *b)
{
	while (*a != '\0' && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

void hvsh_line_clear(struct hvsh_line *l)
{
	l->len = 0;
	l->overflow = false;
	l->done = false;
	l->esc = ESC_NONE;
	l->buf[0] = '\0';
}

/* Ends the line; it stays readable until the next byte. */
static enum hvsh_edit finish(struct hvsh_line *l, enum hvsh_edit how)
{
	if (how == HVSH_EDIT_CANCEL) {
		l->len = 0;
		l->overflow = false;
	}
	l->buf[l->len] = '\0';
	l->done = true;
	return how;
}

enum hvsh_edit hvsh_line_feed(struct hvsh_line *l, char c)
{
	bool after_cr = l->after_cr;

	if (l->done) {
		hvsh_line_clear(l);
	}
	l->after_cr = c == '\r';
	if (l->esc != ESC_NONE) {
		if (l->esc == ESC_START) {
			l->esc = c == '[' ? ESC_CSI : c == 'O' ? ESC_SS3 : ESC_NONE;
		} else if (l->esc == ESC_SS3 || (c >= 0x40 && c <= 0x7e)) {
			l->esc = ESC_NONE;
		}
		return HVSH_EDIT_MORE;
	}
	switch (c) {
	case '\n':
		if (after_cr) {
			return HVSH_EDIT_MORE; /* the LF of a CR LF */
		}
		return finish(l, HVSH_EDIT_DONE);
	case '\r':
		return finish(l, HVSH_EDIT_DONE);
	case '\b':
	case 0x7f:
		if (l->len > 0) {
			l->len--;
		}
		return HVSH_EDIT_MORE;
	case CTRL('w'):
		while (l->len > 0 && is_blank(l->buf[l->len - 1])) {
			l->len--;
		}
		while (l->len > 0 && !is_blank(l->buf[l->len - 1])) {
			l->len--;
		}
		return HVSH_EDIT_MORE;
	case CTRL('u'):
		l->len = 0;
		l->overflow = false;
		return HVSH_EDIT_MORE;
	case CTRL('c'):
		return finish(l, HVSH_EDIT_CANCEL);
	case 0x1b:
		l->esc = ESC_START;
		return HVSH_EDIT_MORE;
	case '\t':
		c = ' ';
		break;
	default:
		if (c < 0x20 || c > 0x7e) {
			return HVSH_EDIT_MORE; /* other control characters, 8-bit bytes */
		}
		break;
	}
	if (l->len == HVSH_LINE_MAX) {
		l->overflow = true;
	} else {
		l->buf[l->len++] = c;
	}
	return HVSH_EDIT_MORE;
}

char *hvsh_next_command(char **cursor)
{
	char *start = *cursor;
	char *p = start;
	char quote = '\0';

	if (*p == '\0') {
		return NULL;
	}
	for (; *p != '\0'; p++) {
		if (quote != '\0') {
			if (*p == quote) {
				quote = '\0';
			}
		} else if (*p == '"' || *p == '\'') {
			quote = *p;
		} else if (*p == ';' || *p == ',') {
			*p = '\0';
			*cursor = p + 1;
			return start;
		}
	}
	*cursor = p;
	return start;
}

int hvsh_split(char *cmd, char **argv, int max)
{
	char *in = cmd;
	int argc = 0;

	for (;;) {
		char *out;
		char quote = '\0';

		while (is_blank(*in)) {
			in++;
		}
		if (*in == '\0') {
			return argc;
		}
		if (argc == max) {
			return -HV_E2BIG;
		}
		/* Words shrink as quotes are removed: write behind the reader. */
		out = in;
		argv[argc++] = out;
		for (; *in != '\0' && (quote != '\0' || !is_blank(*in)); in++) {
			if (quote != '\0' && *in == quote) {
				quote = '\0';
			} else if (quote == '\0' && (*in == '"' || *in == '\'')) {
				quote = *in;
			} else {
				*out++ = *in;
			}
		}
		if (quote != '\0') {
			return -HV_EINVAL;
		}
		if (*in != '\0') {
			in++; /* the blank that ended the word: out may sit on it */
		}
		*out = '\0';
	}
}

const char *hvsh_script(const char *cmdline)
{
	const char *p = cmdline;

	for (;;) {
		const char *word;

		while (is_blank(*p) || *p == '\n' || *p == '\r') {
			p++;
		}
		if (*p == '\0') {
			return NULL;
		}
		word = p;
		while (*p != '\0' && !is_blank(*p) && *p != '\n' && *p != '\r') {
			p++;
		}
		if (p - word == 2 && word[0] == '-' && word[1] == '-') {
			while (is_blank(*p)) {
				p++;
			}
			return p;
		}
	}
}

const char *hvsh_value(const char *word, const char *key)
{
	while (*key != '\0' && *word == *key) {
		word++;
		key++;
	}
	return *key == '\0' && *word == '=' ? word + 1 : NULL;
}

/* Parses the digits in [s, end) in 'base'; a number is at least one digit. */
static int parse_digits(const char *s, const char *end, unsigned int base, uint64_t *out)
{
	uint64_t v = 0;

	if (s == end) {
		return -HV_EINVAL;
	}
	for (; s < end; s++) {
		unsigned int d;

		if (is_digit(*s)) {
			d = (unsigned int)(*s - '0');
		} else if (base == 16 && *s >= 'a' && *s <= 'f') {
			d = (unsigned int)(*s - 'a' + 10);
		} else if (base == 16 && *s >= 'A' && *s <= 'F') {
			d = (unsigned int)(*s - 'A' + 10);
		} else {
			return -HV_EINVAL;
		}
		if (v > (UINT64_MAX - d) / base) {
			return -HV_ERANGE;
		}
		v = v * base + d;
	}
	*out = v;
	return 0;
}

static const char *end_of(const char *s)
{
	while (*s != '\0') {
		s++;
	}
	return s;
}

int hvsh_parse_u64(const char *s, uint64_t *out)
{
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		return parse_digits(s + 2, end_of(s), 16, out);
	}
	return parse_digits(s, end_of(s), 10, out);
}

/* Parses a decimal number followed by a unit, scaling it by the unit's multiplier. */
static int parse_scaled(const char *s, const char *const *units, const uint64_t *scale,
                        size_t unit_count, uint64_t plain, uint64_t *out)
{
	const char *end = end_of(s);
	const char *unit = s;
	uint64_t mul = plain;
	uint64_t v;
	int rc;

	while (is_digit(*unit)) {
		unit++;
	}
	if (*unit != '\0') {
		mul = 0;
		for (size_t i = 0; i < unit_count; i++) {
			if (str_eq(unit, units[i])) {
				mul = scale[i];
			}
		}
		if (mul == 0) {
			return -HV_EINVAL;
		}
		end = unit;
	}
	rc = parse_digits(s, end, 10, &v);
	if (rc != 0) {
		return rc;
	}
	if (v > UINT64_MAX / mul) {
		return -HV_ERANGE;
	}
	*out = v * mul;
	return 0;
}

int hvsh_parse_size(const char *s, uint64_t *out)
{
	static const char *const units[] = {"K", "k", "M", "m", "G", "g"};
	static const uint64_t scale[] = {1ull << 10, 1ull << 10, 1ull << 20,
	                                 1ull << 20, 1ull << 30, 1ull << 30};

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		return parse_digits(s + 2, end_of(s), 16, out);
	}
	return parse_scaled(s, units, scale, sizeof(scale) / sizeof(scale[0]), 1, out);
}

int hvsh_parse_duration(const char *s, uint64_t unit_ns, uint64_t *out_ns)
{
	static const char *const units[] = {"ns", "us", "ms", "s"};
	static const uint64_t scale[] = {1, 1000, 1000000, 1000000000};

	if (unit_ns == 0) {
		return -HV_EINVAL;
	}
	return parse_scaled(s, units, scale, sizeof(scale) / sizeof(scale[0]), unit_ns, out_ns);
}

int hvsh_parse_states(const char *s, uint32_t *mask)
{
	static const struct {
		const char *name;
		uint32_t mask;
	} states[] = {
	        {"created", 1u << HV_DOMCTL_STATE_CREATED},
	        {"running", 1u << HV_DOMCTL_STATE_RUNNING},
	        {"blocked", 1u << HV_DOMCTL_STATE_BLOCKED},
	        {"paused", 1u << HV_DOMCTL_STATE_PAUSED},
	        {"crashed", 1u << HV_DOMCTL_STATE_CRASHED},
	        {"dead", 1u << HV_DOMCTL_STATE_DEAD},
	        {"started", (1u << HV_DOMCTL_STATE_RUNNING) | (1u << HV_DOMCTL_STATE_BLOCKED)},
	        {"ended", (1u << HV_DOMCTL_STATE_CRASHED) | (1u << HV_DOMCTL_STATE_DEAD)},
	};

	for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
		if (str_eq(s, states[i].name)) {
			*mask = states[i].mask;
			return 0;
		}
	}
	return -HV_EINVAL;
}

static const char *const crash_names[] = {
        [HV_DOMCTL_CRASH_DESTROY] = "destroy",
        [HV_DOMCTL_CRASH_RESTART] = "restart",
        [HV_DOMCTL_CRASH_KEEP] = "keep",
};

int hvsh_parse_crash(const char *s, uint32_t *out)
{
	for (uint32_t i = 0; i < sizeof(crash_names) / sizeof(crash_names[0]); i++) {
		if (str_eq(s, crash_names[i])) {
			*out = i;
			return 0;
		}
	}
	return -HV_EINVAL;
}

const char *hvsh_crash_name(uint32_t policy)
{
	return policy < sizeof(crash_names) / sizeof(crash_names[0]) ? crash_names[policy] : "?";
}

bool hvsh_is_id(const char *s)
{
	if (*s == '\0') {
		return false;
	}
	for (; *s != '\0'; s++) {
		if (!is_digit(*s)) {
			return false;
		}
	}
	return true;
}
