/* SPDX-License-Identifier: Apache-2.0 */
/*
 * hvsim: the simulator core (see hvsim.h and docs/hvsim.md).
 *
 * One vCPU per domain; domain i is domid i and vCPU 0. The workload is
 * parsed into struct workload, checked as a whole, then simulated on a
 * virtual clock that only the simulator moves. The loop follows the core
 * (libhv/sched/core.c): wake-ups that fell due are delivered before each
 * decision, a chosen vCPU runs its whole slice or until its burst ends,
 * and an idle CPU waits until the slice pick_next returned ends or the
 * next wake-up is due. Every run and every wait while runnable is kept as
 * a segment, for the report, the checks and the SVG.
 *
 * This is a host program: it allocates, uses stdio and exits; it never
 * runs inside the hypervisor.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hv/port.h>
#include <hv/sched.h>

#include "hvsim.h"

#define MAX_DOMAINS 64 /* the built-in modules' limit, HV_SCHED_BUILTIN_MAX_VCPUS */
#define NAME_SIZE   32
#define LINE_SIZE   512
#define MAX_TOKENS  16
#define NEVER       UINT64_MAX
#define MS          ((uint64_t)1000000)
#define SVG_PLOT_W  1000
#define SVG_LABEL_W 110
#define SVG_ROW_H   18
#define SVG_ROW_GAP 8
#define SVG_TOP     34

/*
 * The modules log through hv_log(), which writes to the port's console.
 * The host has no port: their messages (only dump() prints) go to stderr.
 */
void hv_port_console_write(const char *buf, size_t len)
{
	fwrite(buf, 1, len, stderr);
}

struct segment {
	uint64_t start;
	uint64_t end;
};

struct segments {
	struct segment *at;
	size_t count;
	size_t capacity;
};

struct domain {
	char name[NAME_SIZE];
	int line;
	uint32_t weight; /* 0: not given */
	uint32_t cap_percent;
	uint64_t warp_ns;
	uint64_t warp_limit_ns;
	uint64_t unwarp_ns;
	uint64_t burst_ns; /* 0: CPU-bound */
	uint64_t sleep_ns;
	double expected;  /* share, or < 0 where no share can be expected */
	bool share_given; /* expect=: the workload says the share, for any module */
	double given_share;

	struct hv_sched_vcpu v;
	_Alignas(16) unsigned char vpriv[HV_SCHED_VCPU_PRIV_MAX_SIZE];
	bool runnable;
	bool first_wait; /* woken and not run since */
	uint64_t wake_at;
	uint64_t woke_at;
	uint64_t wait_since;
	uint64_t burst_left;
	uint64_t ran_ns;
	uint64_t ran_in_frames_ns; /* in whole major frames, for `check windows` */
	uint64_t wait_max_ns;
	uint64_t *latency; /* ns from each wake-up to the run that followed */
	size_t latency_count;
	size_t latency_capacity;
	struct segments runs;
	struct segments waits;
};

struct workload {
	const char *path;
	const struct hv_sched_ops *ops;
	char sched_name[NAME_SIZE];
	uint32_t kind;
	uint64_t slice_ns;
	uint64_t duration_ns;
	uint64_t draw_ns; /* 0: the whole run */
	uint64_t frame_ns;
	uint32_t window_count;
	struct hv_sched_cyclic_window windows[HV_SCHED_CYCLIC_MAX_WINDOWS];
	bool check_shares;
	double share_tolerance; /* percentage points */
	bool check_starvation;
	uint64_t starvation_ns; /* 0: 10 slices per domain */
	bool check_windows;
	int domain_count;
	struct domain dom[MAX_DOMAINS];

	struct hv_sched s;
	_Alignas(16) unsigned char priv[HV_SCHED_PRIV_MAX_SIZE];
	uint64_t now;
	uint64_t idle_ns;
	uint64_t decision_count;
	int violation_count;
};

static const struct {
	const char *name;
	const struct hv_sched_ops *ops;
	uint32_t kind;
} builtin[] = {
        {"rr", &hv_sched_rr, HV_SCHED_KIND_NONE},
        {"bvt", &hv_sched_bvt, HV_SCHED_KIND_BVT},
        {"fair", &hv_sched_fair, HV_SCHED_KIND_FAIR},
        {"cyclic", &hv_sched_cyclic, HV_SCHED_KIND_CYCLIC},
};

static int input_error(const struct workload *w, int line, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

static int input_error(const struct workload *w, int line, const char *fmt, ...)
{
	va_list ap;

	if (line > 0) {
		fprintf(stderr, "%s:%d: error: ", w->path, line);
	} else {
		fprintf(stderr, "%s: error: ", w->path);
	}
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

static void violation(struct workload *w, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

static void violation(struct workload *w, const char *fmt, ...)
{
	va_list ap;

	printf("FAIL: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	w->violation_count++;
}

/* Formats a time with a unit that keeps it short; returns buf. */
static const char *fmt_time(char *buf, size_t size, uint64_t ns)
{
	if (ns == 0) {
		snprintf(buf, size, "0");
	} else if (ns % (1000 * MS) == 0) {
		snprintf(buf, size, "%" PRIu64 " s", ns / (uint64_t)1000000000);
	} else if (ns >= MS) {
		snprintf(buf, size, "%.4g ms", (double)ns / 1e6);
	} else if (ns >= 1000) {
		snprintf(buf, size, "%.4g us", (double)ns / 1e3);
	} else {
		snprintf(buf, size, "%" PRIu64 " ns", ns);
	}
	return buf;
}

/* A time: digits and an optional unit ns, us, ms or s (none: ns). */
static bool parse_time(const char *text, uint64_t *ns)
{
	static const struct {
		const char *unit;
		uint64_t scale;
	} units[] = {{"", 1}, {"ns", 1}, {"us", 1000}, {"ms", MS}, {"s", 1000 * MS}};
	char *end;
	unsigned long long value;

	if (!isdigit((unsigned char)text[0])) {
		return false;
	}
	errno = 0;
	value = strtoull(text, &end, 10);
	if (errno != 0) {
		return false;
	}
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(end, units[i].unit) == 0) {
			if (value > UINT64_MAX / units[i].scale) {
				return false;
			}
			*ns = value * units[i].scale;
			return true;
		}
	}
	return false;
}

static bool parse_uint(const char *text, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long value;

	if (!isdigit((unsigned char)text[0])) {
		return false;
	}
	errno = 0;
	value = strtoull(text, &end, 10);
	if (errno != 0 || *end != '\0' || value > max) {
		return false;
	}
	*out = value;
	return true;
}

/* A percentage, "2%" or "2" or "0.5%". */
static bool parse_percent(const char *text, double *out)
{
	char *end;
	double value;

	if (!isdigit((unsigned char)text[0])) {
		return false;
	}
	value = strtod(text, &end);
	if (*end == '%') {
		end++;
	}
	if (*end != '\0' || value > 100) {
		return false;
	}
	*out = value;
	return true;
}

static int find_domain(const struct workload *w, const char *name)
{
	for (int i = 0; i < w->domain_count; i++) {
		if (strcmp(w->dom[i].name, name) == 0) {
			return i;
		}
	}
	return -1;
}

static bool valid_name(const char *name)
{
	if (strlen(name) >= NAME_SIZE || name[0] == '\0') {
		return false;
	}
	for (const char *c = name; *c != '\0'; c++) {
		if (!isalnum((unsigned char)*c) && *c != '_' && *c != '-' && *c != '.') {
			return false;
		}
	}
	return true;
}

static int parse_domain(struct workload *w, int line, char **tok, int n)
{
	struct domain *d;
	bool cpu = false;
	bool sleep_given = false;

	if (n < 2) {
		return input_error(w, line, "'domain' needs a name");
	}
	if (!valid_name(tok[1])) {
		return input_error(w, line,
		                   "bad domain name '%s' (letters, digits, '_', '-', '.'; at most "
		                   "%d characters)",
		                   tok[1], NAME_SIZE - 1);
	}
	if (find_domain(w, tok[1]) >= 0) {
		return input_error(w, line, "domain '%s' declared twice", tok[1]);
	}
	if (w->domain_count == MAX_DOMAINS) {
		return input_error(w, line, "more than %d domains", MAX_DOMAINS);
	}
	d = &w->dom[w->domain_count];
	snprintf(d->name, sizeof(d->name), "%s", tok[1]);
	d->line = line;
	for (int i = 2; i < n; i++) {
		char *key = tok[i];
		char *value = strchr(key, '=');
		uint64_t x;

		if (strcmp(key, "cpu") == 0) {
			cpu = true;
			continue;
		}
		if (value == NULL) {
			return input_error(w, line, "expected key=value or 'cpu', got '%s'", key);
		}
		*value++ = '\0';
		if (strcmp(key, "weight") == 0) {
			if (!parse_uint(value, HV_SCHED_WEIGHT_MAX, &x) || x == 0) {
				return input_error(w, line, "weight must be 1 to %d, got '%s'",
				                   HV_SCHED_WEIGHT_MAX, value);
			}
			d->weight = (uint32_t)x;
		} else if (strcmp(key, "cap") == 0) {
			double cap;

			if (!parse_percent(value, &cap) || cap < 1 ||
			    cap != (double)(uint32_t)cap) {
				return input_error(w, line, "cap must be 1%% to 100%%, got '%s'",
				                   value);
			}
			d->cap_percent = (uint32_t)cap;
		} else if (strcmp(key, "expect") == 0) {
			if (!parse_percent(value, &d->given_share)) {
				return input_error(w, line, "expect must be 0%% to 100%%, got '%s'",
				                   value);
			}
			d->given_share /= 100;
			d->share_given = true;
		} else if (strcmp(key, "warp") == 0 || strcmp(key, "warp_limit") == 0 ||
		           strcmp(key, "unwarp") == 0 || strcmp(key, "burst") == 0 ||
		           strcmp(key, "sleep") == 0) {
			if (!parse_time(value, &x)) {
				return input_error(w, line, "%s: bad time '%s' (e.g. 500us, 2ms)",
				                   key, value);
			}
			if (strcmp(key, "warp") == 0) {
				d->warp_ns = x;
			} else if (strcmp(key, "warp_limit") == 0) {
				d->warp_limit_ns = x;
			} else if (strcmp(key, "unwarp") == 0) {
				d->unwarp_ns = x;
			} else if (strcmp(key, "burst") == 0) {
				if (x == 0) {
					return input_error(w, line, "burst must be more than 0");
				}
				d->burst_ns = x;
			} else {
				d->sleep_ns = x;
				sleep_given = true;
			}
		} else {
			return input_error(w, line, "unknown domain key '%s'", key);
		}
	}
	if (cpu && (d->burst_ns != 0 || sleep_given)) {
		return input_error(w, line, "a domain is either 'cpu' or 'burst=... sleep=...'");
	}
	if ((d->burst_ns != 0) != sleep_given) {
		return input_error(w, line, "'burst=' and 'sleep=' go together");
	}
	w->domain_count++;
	return 0;
}

static int parse_line(struct workload *w, int line, char **tok, int n)
{
	uint64_t x;

	if (strcmp(tok[0], "sched") == 0) {
		if (n != 2 || !valid_name(tok[1])) {
			return input_error(w, line, "usage: sched rr|bvt|fair|cyclic");
		}
		snprintf(w->sched_name, sizeof(w->sched_name), "%s", tok[1]);
	} else if (strcmp(tok[0], "slice") == 0 || strcmp(tok[0], "duration") == 0 ||
	           strcmp(tok[0], "frame") == 0 || strcmp(tok[0], "draw") == 0) {
		if (n != 2 || !parse_time(tok[1], &x) || x == 0) {
			return input_error(w, line, "usage: %s <time>, more than 0 (e.g. 10ms)",
			                   tok[0]);
		}
		if (strcmp(tok[0], "slice") == 0) {
			w->slice_ns = x;
		} else if (strcmp(tok[0], "duration") == 0) {
			w->duration_ns = x;
		} else if (strcmp(tok[0], "frame") == 0) {
			w->frame_ns = x;
		} else {
			w->draw_ns = x;
		}
	} else if (strcmp(tok[0], "domain") == 0) {
		return parse_domain(w, line, tok, n);
	} else if (strcmp(tok[0], "window") == 0) {
		struct hv_sched_cyclic_window *win;
		int d;

		if (n != 4) {
			return input_error(w, line, "usage: window <domain> <offset> <length>");
		}
		d = find_domain(w, tok[1]);
		if (d < 0) {
			return input_error(w, line, "window: no domain '%s' declared above",
			                   tok[1]);
		}
		if (w->window_count == HV_SCHED_CYCLIC_MAX_WINDOWS) {
			return input_error(w, line, "more than %d windows",
			                   HV_SCHED_CYCLIC_MAX_WINDOWS);
		}
		win = &w->windows[w->window_count];
		win->domid = (hv_domid_t)d;
		if (!parse_time(tok[2], &win->offset_ns) || !parse_time(tok[3], &win->length_ns) ||
		    win->length_ns == 0) {
			return input_error(w, line, "window: bad offset or length");
		}
		w->window_count++;
	} else if (strcmp(tok[0], "check") == 0) {
		if (n == 3 && strcmp(tok[1], "shares") == 0 &&
		    parse_percent(tok[2], &w->share_tolerance)) {
			w->check_shares = true;
		} else if ((n == 2 || n == 3) && strcmp(tok[1], "starvation") == 0) {
			if (n == 3 &&
			    (!parse_time(tok[2], &w->starvation_ns) || w->starvation_ns == 0)) {
				return input_error(w, line, "check starvation: bad bound '%s'",
				                   tok[2]);
			}
			w->check_starvation = true;
		} else if (n == 2 && strcmp(tok[1], "windows") == 0) {
			w->check_windows = true;
		} else {
			return input_error(
			        w, line,
			        "usage: check shares <pct> | check starvation [<time>] | "
			        "check windows");
		}
	} else {
		return input_error(w, line, "unknown keyword '%s'", tok[0]);
	}
	return 0;
}

/* Checks the workload as a whole and picks the module. */
static int validate(struct workload *w, const struct hv_sched_ops *ops)
{
	w->kind = HV_SCHED_KIND_NONE;
	w->ops = ops;
	for (size_t i = 0; i < sizeof(builtin) / sizeof(builtin[0]); i++) {
		if (strcmp(w->sched_name, builtin[i].name) == 0) {
			w->kind = builtin[i].kind;
			if (w->ops == NULL) {
				w->ops = builtin[i].ops;
			}
		}
	}
	if (w->ops == NULL) {
		return input_error(w, 0, "%s: 'sched rr|bvt|fair|cyclic' is required",
		                   w->sched_name[0] == '\0' ? "no sched line" : w->sched_name);
	}
	if (w->slice_ns == 0) {
		w->slice_ns = 10 * MS;
	}
	if (w->duration_ns == 0) {
		return input_error(w, 0, "no 'duration' line");
	}
	if (w->domain_count == 0) {
		return input_error(w, 0, "no 'domain' line");
	}
	for (int i = 0; i < w->domain_count; i++) {
		const struct domain *d = &w->dom[i];

		if (d->cap_percent != 0 && w->kind != HV_SCHED_KIND_FAIR) {
			return input_error(w, d->line, "cap= needs 'sched fair'");
		}
		if ((d->warp_ns | d->warp_limit_ns | d->unwarp_ns) != 0 &&
		    w->kind != HV_SCHED_KIND_BVT) {
			return input_error(w, d->line, "warp parameters need 'sched bvt'");
		}
	}
	if (w->kind == HV_SCHED_KIND_CYCLIC) {
		if (w->frame_ns == 0 || w->window_count == 0) {
			return input_error(w, 0, "sched cyclic needs a 'frame' and 'window' lines");
		}
	} else if (w->frame_ns != 0 || w->window_count != 0) {
		return input_error(w, 0, "'frame' and 'window' need 'sched cyclic'");
	}
	if (w->check_windows && w->kind != HV_SCHED_KIND_CYCLIC) {
		return input_error(w, 0, "'check windows' needs 'sched cyclic'");
	}
	if (w->starvation_ns == 0) {
		w->starvation_ns = 10 * w->slice_ns * (uint64_t)w->domain_count;
	}
	return 0;
}

static int parse(struct workload *w, const char *path)
{
	char buf[LINE_SIZE];
	FILE *f = fopen(path, "r");
	int line = 0;
	int rc = 0;

	w->path = path;
	if (f == NULL) {
		fprintf(stderr, "hvsim: cannot open %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (rc == 0 && fgets(buf, sizeof(buf), f) != NULL) {
		char *tok[MAX_TOKENS];
		int n = 0;
		char *p = buf;

		line++;
		if (strchr(buf, '\n') == NULL && !feof(f)) {
			rc = input_error(w, line, "line longer than %d characters", LINE_SIZE - 2);
			break;
		}
		if (strchr(buf, '#') != NULL) {
			*strchr(buf, '#') = '\0';
		}
		while (*p != '\0') {
			while (isspace((unsigned char)*p)) {
				*p++ = '\0';
			}
			if (*p == '\0') {
				break;
			}
			if (n == MAX_TOKENS) {
				rc = input_error(w, line, "more than %d words", MAX_TOKENS);
				break;
			}
			tok[n++] = p;
			while (*p != '\0' && !isspace((unsigned char)*p)) {
				p++;
			}
		}
		if (rc == 0 && n > 0) {
			rc = parse_line(w, line, tok, n);
		}
	}
	fclose(f);
	return rc;
}

static void push_segment(struct segments *s, uint64_t start, uint64_t end)
{
	if (end <= start) {
		return;
	}
	if (s->count > 0 && s->at[s->count - 1].end == start) {
		s->at[s->count - 1].end = end;
		return;
	}
	if (s->count == s->capacity) {
		s->capacity = s->capacity == 0 ? 256 : 2 * s->capacity;
		s->at = realloc(s->at, s->capacity * sizeof(*s->at));
		if (s->at == NULL) {
			fprintf(stderr, "hvsim: out of memory\n");
			exit(HVSIM_BAD_INPUT);
		}
	}
	s->at[s->count++] = (struct segment){start, end};
}

static void push_latency(struct domain *d, uint64_t ns)
{
	if (d->latency_count == d->latency_capacity) {
		d->latency_capacity = d->latency_capacity == 0 ? 256 : 2 * d->latency_capacity;
		d->latency = realloc(d->latency, d->latency_capacity * sizeof(*d->latency));
		if (d->latency == NULL) {
			fprintf(stderr, "hvsim: out of memory\n");
			exit(HVSIM_BAD_INPUT);
		}
	}
	d->latency[d->latency_count++] = ns;
}

/* Sets up the instance, hands it the parameters and the vCPUs. */
static int sim_setup(struct workload *w)
{
	const struct hv_sched_ops *ops = w->ops;
	struct hv_sched_params p;
	int rc;

	if (ops->api_version != HV_SCHED_API_VERSION || ops->priv_size > HV_SCHED_PRIV_MAX_SIZE ||
	    ops->vcpu_priv_size > HV_SCHED_VCPU_PRIV_MAX_SIZE || ops->init == NULL ||
	    ops->add_vcpu == NULL || ops->remove_vcpu == NULL || ops->wake == NULL ||
	    ops->sleep == NULL || ops->pick_next == NULL) {
		return input_error(w, 0,
		                   "module '%s': wrong api_version or sizes, or a mandatory hook "
		                   "is missing",
		                   ops->name != NULL ? ops->name : "(no name)");
	}
	w->s = (struct hv_sched){.ops = ops, .priv = w->priv, .slice_ns = w->slice_ns};
	rc = ops->init(&w->s);
	if (rc != 0) {
		return input_error(w, 0, "module '%s': init failed (%d)", ops->name, rc);
	}
	if (w->kind == HV_SCHED_KIND_CYCLIC && ops->set_params != NULL) {
		memset(&p, 0, sizeof(p));
		p.kind = HV_SCHED_KIND_CYCLIC;
		p.cyclic.major_frame_ns = w->frame_ns;
		p.cyclic.window_count = w->window_count;
		memcpy(p.cyclic.windows, w->windows, sizeof(w->windows));
		rc = ops->set_params(&w->s, 0, &p);
		if (rc != 0) {
			return input_error(w, 0,
			                   "module '%s' refused the windows (%d): do they overlap "
			                   "or leave the frame?",
			                   ops->name, rc);
		}
	}
	for (int i = 0; i < w->domain_count; i++) {
		struct domain *d = &w->dom[i];
		uint32_t weight = d->weight != 0 ? d->weight : HV_SCHED_WEIGHT_DEFAULT;

		memset(&p, 0, sizeof(p));
		p.kind = w->kind;
		if (w->kind == HV_SCHED_KIND_BVT) {
			p.bvt = (struct hv_sched_bvt_params){weight, d->warp_ns, d->warp_limit_ns,
			                                     d->unwarp_ns};
		} else if (w->kind == HV_SCHED_KIND_FAIR) {
			p.fair = (struct hv_sched_fair_params){weight, d->cap_percent};
		}
		if ((w->kind == HV_SCHED_KIND_BVT || w->kind == HV_SCHED_KIND_FAIR) &&
		    ops->set_params != NULL) {
			rc = ops->set_params(&w->s, (hv_domid_t)i, &p);
			if (rc != 0) {
				return input_error(
				        w, d->line,
				        "module '%s' refused the parameters of '%s' (%d)",
				        ops->name, d->name, rc);
			}
		}
		d->v = (struct hv_sched_vcpu){
		        .domid = (hv_domid_t)i, .vcpu_id = 0, .priv = d->vpriv};
		rc = ops->add_vcpu(&w->s, &d->v);
		if (rc != 0) {
			return input_error(w, d->line, "module '%s' refused the vCPU of '%s' (%d)",
			                   ops->name, d->name, rc);
		}
		d->wake_at = 0; /* everybody starts runnable */
		d->expected = -1;
	}
	return 0;
}

static void sim_wake(struct workload *w, struct domain *d)
{
	uint64_t due = d->wake_at;

	d->runnable = true;
	d->first_wait = true;
	d->woke_at = due; /* latency counts from when it was due, not delivered */
	d->wait_since = due;
	d->wake_at = NEVER;
	d->burst_left = d->burst_ns;
	w->ops->wake(&w->s, &d->v);
}

/* The window of the major frame that t falls in, or NULL. */
static const struct hv_sched_cyclic_window *window_at(const struct workload *w, uint64_t t)
{
	uint64_t pos = t % w->frame_ns;

	for (uint32_t i = 0; i < w->window_count; i++) {
		const struct hv_sched_cyclic_window *win = &w->windows[i];

		if (pos >= win->offset_ns && pos - win->offset_ns < win->length_ns) {
			return win;
		}
	}
	return NULL;
}

/*
 * `check windows`: a run must lie inside one window of its domain. The
 * epoch of the schedule is the first decision, at time 0.
 */
static void check_run_in_window(struct workload *w, int i, uint64_t start, uint64_t end)
{
	const struct hv_sched_cyclic_window *win = window_at(w, start);
	uint64_t window_end;
	char a[24];
	char b[24];

	if (win == NULL || win->domid != i) {
		violation(w, "check windows: '%s' ran at %s, outside its windows", w->dom[i].name,
		          fmt_time(a, sizeof(a), start));
		return;
	}
	window_end = start - start % w->frame_ns + win->offset_ns + win->length_ns;
	if (end > window_end) {
		violation(w, "check windows: '%s' ran until %s, past its window's end at %s",
		          w->dom[i].name, fmt_time(a, sizeof(a), end),
		          fmt_time(b, sizeof(b), window_end));
	}
}

static struct domain *domain_of(struct workload *w, const struct hv_sched_vcpu *v)
{
	for (int i = 0; i < w->domain_count; i++) {
		if (&w->dom[i].v == v) {
			return &w->dom[i];
		}
	}
	return NULL;
}

/* The run: returns 0, or -1 if the module broke the hook contract. */
static int simulate(struct workload *w)
{
	uint64_t frames_end = 0;

	if (w->kind == HV_SCHED_KIND_CYCLIC) {
		frames_end = w->duration_ns - w->duration_ns % w->frame_ns;
	}
	while (w->now < w->duration_ns) {
		struct hv_sched_vcpu *v;
		struct domain *d;
		uint64_t slice = 0;
		uint64_t end;

		for (int i = 0; i < w->domain_count; i++) {
			if (!w->dom[i].runnable && w->dom[i].wake_at <= w->now) {
				sim_wake(w, &w->dom[i]);
			}
		}
		v = w->ops->pick_next(&w->s, w->now, &slice);
		w->decision_count++;
		if (slice == 0) {
			slice = w->slice_ns;
		}
		end = slice > w->duration_ns - w->now ? w->duration_ns : w->now + slice;
		if (v == NULL) {
			for (int i = 0; i < w->domain_count; i++) {
				if (!w->dom[i].runnable && w->dom[i].wake_at < end) {
					end = w->dom[i].wake_at;
				}
			}
			w->idle_ns += end - w->now;
			w->now = end;
			continue;
		}
		d = domain_of(w, v);
		if (d == NULL || !d->runnable) {
			char t[24];

			violation(w, "module '%s': pick_next at %s returned %s", w->ops->name,
			          fmt_time(t, sizeof(t), w->now),
			          d == NULL ? "a vCPU it was never given" : "a blocked vCPU");
			return -1;
		}
		if (d->first_wait) {
			push_latency(d, w->now - d->woke_at);
			d->first_wait = false;
		}
		if (w->now - d->wait_since > d->wait_max_ns) {
			d->wait_max_ns = w->now - d->wait_since;
		}
		push_segment(&d->waits, d->wait_since, w->now);
		if (d->burst_ns != 0 && d->burst_left < end - w->now) {
			end = w->now + d->burst_left;
		}
		push_segment(&d->runs, w->now, end);
		if (w->check_windows) {
			check_run_in_window(w, (int)d->v.domid, w->now, end);
		}
		if (w->now < frames_end) {
			d->ran_in_frames_ns += (end < frames_end ? end : frames_end) - w->now;
		}
		d->ran_ns += end - w->now;
		d->wait_since = end;
		if (d->burst_ns != 0) {
			d->burst_left -= end - w->now;
			if (d->burst_left == 0) {
				d->runnable = false;
				d->wake_at = end + d->sleep_ns;
				w->ops->sleep(&w->s, v);
			}
		}
		w->now = end;
	}
	for (int i = 0; i < w->domain_count; i++) {
		struct domain *d = &w->dom[i];

		if (d->runnable) {
			if (w->now - d->wait_since > d->wait_max_ns) {
				d->wait_max_ns = w->now - d->wait_since;
			}
			push_segment(&d->waits, d->wait_since, w->now);
		}
	}
	return 0;
}

/*
 * The share each domain should get, where hvsim can say it: with every
 * domain CPU-bound, in proportion to the weights (BVT, fair share, with
 * caps taken off the top and the rest shared out again), equal (round-
 * robin); for cyclic, the windows' part of the frame.
 */
static void predict_shares(struct workload *w)
{
	bool all_cpu = true;
	bool fixed[MAX_DOMAINS] = {false};
	double left = 1.0;
	bool again = true;

	for (int i = 0; i < w->domain_count; i++) {
		all_cpu = all_cpu && w->dom[i].burst_ns == 0;
	}
	if (w->kind == HV_SCHED_KIND_CYCLIC) {
		for (int i = 0; i < w->domain_count; i++) {
			uint64_t sum = 0;

			for (uint32_t k = 0; k < w->window_count; k++) {
				if (w->windows[k].domid == i) {
					sum += w->windows[k].length_ns;
				}
			}
			if (w->dom[i].burst_ns == 0) {
				w->dom[i].expected = (double)sum / (double)w->frame_ns;
			}
		}
		return;
	}
	if (!all_cpu || (w->kind == HV_SCHED_KIND_NONE && w->ops != &hv_sched_rr)) {
		return;
	}
	while (again) {
		double weights = 0;

		again = false;
		for (int i = 0; i < w->domain_count; i++) {
			if (!fixed[i]) {
				weights += w->kind == HV_SCHED_KIND_NONE ? 1.0
				           : w->dom[i].weight != 0       ? w->dom[i].weight
				                                         : HV_SCHED_WEIGHT_DEFAULT;
			}
		}
		for (int i = 0; i < w->domain_count; i++) {
			struct domain *d = &w->dom[i];
			double weight = w->kind == HV_SCHED_KIND_NONE ? 1.0
			                : d->weight != 0              ? d->weight
			                                              : HV_SCHED_WEIGHT_DEFAULT;

			if (fixed[i]) {
				continue;
			}
			d->expected = left * weight / weights;
			if (d->cap_percent != 0 && d->cap_percent / 100.0 < d->expected) {
				d->expected = d->cap_percent / 100.0;
				fixed[i] = true;
				left -= d->expected;
				again = true;
				break;
			}
		}
	}
}

/*
 * The expected shares: what the workload gives with expect= (the only way
 * to check the shares of a custom module's policy), else the prediction.
 */
static void expect_shares(struct workload *w)
{
	predict_shares(w);
	for (int i = 0; i < w->domain_count; i++) {
		if (w->dom[i].share_given) {
			w->dom[i].expected = w->dom[i].given_share;
		}
	}
}

static int compare_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a;
	uint64_t y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The q-th quantile (nearest rank) of sorted values. */
static uint64_t quantile(const uint64_t *sorted, size_t count, double q)
{
	size_t rank = (size_t)(q * (double)count + 0.999999);

	return sorted[rank == 0 ? 0 : rank - 1];
}

static void report(struct workload *w)
{
	char t[6][24];

	expect_shares(w);
	printf("hvsim: sched %s, slice %s, duration %s: %" PRIu64 " decisions, idle %.2f%%\n",
	       w->ops->name, fmt_time(t[0], sizeof(t[0]), w->slice_ns),
	       fmt_time(t[1], sizeof(t[1]), w->duration_ns), w->decision_count,
	       100.0 * (double)w->idle_ns / (double)w->duration_ns);
	printf("%-12s %8s %8s %6s %10s %10s %10s %10s %10s\n", "domain", "share", "expect", "wakes",
	       "lat.min", "lat.median", "lat.p99", "lat.max", "wait.max");
	for (int i = 0; i < w->domain_count; i++) {
		struct domain *d = &w->dom[i];
		char expected[16] = "-";

		if (d->expected >= 0) {
			snprintf(expected, sizeof(expected), "%.2f%%", 100 * d->expected);
		}
		if (d->latency_count == 0) {
			for (int k = 0; k < 4; k++) {
				snprintf(t[k], sizeof(t[k]), "-");
			}
		} else {
			qsort(d->latency, d->latency_count, sizeof(*d->latency), compare_u64);
			fmt_time(t[0], sizeof(t[0]), d->latency[0]);
			fmt_time(t[1], sizeof(t[1]), quantile(d->latency, d->latency_count, 0.5));
			fmt_time(t[2], sizeof(t[2]), quantile(d->latency, d->latency_count, 0.99));
			fmt_time(t[3], sizeof(t[3]), d->latency[d->latency_count - 1]);
		}
		printf("%-12s %7.2f%% %8s %6zu %10s %10s %10s %10s %10s\n", d->name,
		       100.0 * (double)d->ran_ns / (double)w->duration_ns, expected,
		       d->latency_count, t[0], t[1], t[2], t[3],
		       fmt_time(t[4], sizeof(t[4]), d->wait_max_ns));
	}
}

static void check(struct workload *w)
{
	char t[2][24];

	if (w->check_shares) {
		int checked = 0;

		for (int i = 0; i < w->domain_count; i++) {
			const struct domain *d = &w->dom[i];
			double got = 100.0 * (double)d->ran_ns / (double)w->duration_ns;
			double want = 100.0 * d->expected;

			if (d->expected < 0) {
				continue;
			}
			checked++;
			if (got - want > w->share_tolerance || want - got > w->share_tolerance) {
				violation(w,
				          "check shares: '%s' got %.2f%%, expected %.2f%% +- %g%%",
				          d->name, got, want, w->share_tolerance);
			}
		}
		if (checked == 0) {
			violation(w, "check shares: no domain has an expected share (give expect=, "
			             "or every domain must be 'cpu' under a built-in kind)");
		}
	}
	if (w->check_starvation) {
		for (int i = 0; i < w->domain_count; i++) {
			const struct domain *d = &w->dom[i];

			if (d->wait_max_ns > w->starvation_ns) {
				violation(w,
				          "check starvation: '%s' waited %s while runnable (bound "
				          "%s)",
				          d->name, fmt_time(t[0], sizeof(t[0]), d->wait_max_ns),
				          fmt_time(t[1], sizeof(t[1]), w->starvation_ns));
			}
		}
	}
	if (w->check_windows) {
		uint64_t frames = w->duration_ns / w->frame_ns;

		for (int i = 0; i < w->domain_count; i++) {
			const struct domain *d = &w->dom[i];
			uint64_t want = 0;

			for (uint32_t k = 0; k < w->window_count; k++) {
				if (w->windows[k].domid == i) {
					want += w->windows[k].length_ns * frames;
				}
			}

			/* A CPU-bound domain fills its windows exactly. */
			if (d->burst_ns == 0 && d->ran_in_frames_ns != want) {
				violation(w,
				          "check windows: '%s' ran %s in %" PRIu64
				          " whole frames, its windows hold %s",
				          d->name,
				          fmt_time(t[0], sizeof(t[0]), d->ran_in_frames_ns), frames,
				          fmt_time(t[1], sizeof(t[1]), want));
			}
		}
	}
}

static const char *const palette[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728",
                                      "#9467bd", "#8c564b", "#e377c2", "#17becf"};

/*
 * Draws the bars of one kind for a row: segments closer than a pixel are
 * merged, so a long run stays a small file.
 */
static void svg_bars(FILE *f, const struct segments *s, uint64_t limit, double y, const char *fill)
{
	double scale = (double)SVG_PLOT_W / (double)limit;
	double x0 = -1;
	double x1 = -1;

	for (size_t k = 0; k <= s->count; k++) {
		double a = 0;
		double b = 0;

		if (k < s->count) {
			if (s->at[k].start >= limit) {
				a = -1;
			} else {
				uint64_t end = s->at[k].end < limit ? s->at[k].end : limit;

				a = SVG_LABEL_W + (double)s->at[k].start * scale;
				b = SVG_LABEL_W + (double)end * scale;
			}
		}
		if (x0 >= 0 && (k == s->count || a < 0 || a - x1 >= 1.0)) {
			fprintf(f,
			        "<rect x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"%d\" "
			        "fill=\"%s\"/>\n",
			        x0, y, x1 - x0 < 0.5 ? 0.5 : x1 - x0, SVG_ROW_H, fill);
			x0 = -1;
		}
		if (k == s->count || a < 0) {
			break;
		}
		if (x0 < 0) {
			x0 = a;
		}
		x1 = b;
	}
}

static int draw_svg(const struct workload *w, const char *path)
{
	uint64_t limit =
	        w->draw_ns != 0 && w->draw_ns < w->duration_ns ? w->draw_ns : w->duration_ns;
	int rows_h = w->domain_count * (SVG_ROW_H + SVG_ROW_GAP);
	int width = SVG_LABEL_W + SVG_PLOT_W + 20;
	int height = SVG_TOP + rows_h + 30;
	uint64_t step = 1;
	FILE *f = fopen(path, "w");
	char t[24];

	if (f == NULL) {
		fprintf(stderr, "hvsim: cannot write %s: %s\n", path, strerror(errno));
		return -1;
	}
	/* Ticks: 1, 2 or 5 times a power of ten, about ten of them. */
	while (limit / step > 10) {
		if (limit / (step * 2) <= 10) {
			step *= 2;
		} else if (limit / (step * 5) <= 10) {
			step *= 5;
		} else {
			step *= 10;
		}
	}
	fprintf(f,
	        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
	        "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n"
	        "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
	        "<text x=\"%d\" y=\"18\" font-weight=\"bold\">sched %s, slice %s",
	        width, height, width, height, SVG_LABEL_W, w->ops->name,
	        fmt_time(t, sizeof(t), w->slice_ns));
	fprintf(f, ", first %s", fmt_time(t, sizeof(t), limit));
	fprintf(f, " (colour: running, grey: runnable, waiting)</text>\n");
	for (uint64_t x = 0; x <= limit; x += step) {
		double px = SVG_LABEL_W + (double)x * SVG_PLOT_W / (double)limit;

		fprintf(f,
		        "<line x1=\"%.2f\" y1=\"%d\" x2=\"%.2f\" y2=\"%d\" stroke=\"#ddd\"/>\n"
		        "<text x=\"%.2f\" y=\"%d\" text-anchor=\"middle\" "
		        "fill=\"#444\">%s</text>\n",
		        px, SVG_TOP - 4, px, SVG_TOP + rows_h, px, SVG_TOP + rows_h + 16,
		        fmt_time(t, sizeof(t), x));
	}
	for (int i = 0; i < w->domain_count; i++) {
		const struct domain *d = &w->dom[i];
		double y = SVG_TOP + i * (SVG_ROW_H + SVG_ROW_GAP);

		fprintf(f, "<g class=\"row\" id=\"row-%s\">\n", d->name);
		fprintf(f, "<text x=\"4\" y=\"%.1f\">%s</text>\n", y + SVG_ROW_H - 5, d->name);
		svg_bars(f, &d->waits, limit, y, "#c8c8c8");
		svg_bars(f, &d->runs, limit, y, palette[i % 8]);
		fprintf(f, "</g>\n");
	}
	fprintf(f, "</svg>\n");
	if (fclose(f) != 0) {
		fprintf(stderr, "hvsim: cannot write %s\n", path);
		return -1;
	}
	return 0;
}

int hvsim_run(const struct hv_sched_ops *ops, const char *workload_path, const char *svg_path)
{
	struct workload *w = calloc(1, sizeof(*w));
	int rc = HVSIM_BAD_INPUT;

	if (w == NULL) {
		fprintf(stderr, "hvsim: out of memory\n");
		return HVSIM_BAD_INPUT;
	}
	if (parse(w, workload_path) != 0 || validate(w, ops) != 0 || sim_setup(w) != 0) {
		goto out;
	}
	if (simulate(w) != 0) {
		rc = HVSIM_VIOLATION;
		goto out;
	}
	report(w);
	check(w);
	if (svg_path != NULL && draw_svg(w, svg_path) != 0) {
		goto out;
	}
	if (w->violation_count != 0) {
		printf("hvsim: %d check(s) failed\n", w->violation_count);
		rc = HVSIM_VIOLATION;
	} else {
		printf("hvsim: ok\n");
		rc = HVSIM_OK;
	}
out:
	for (int i = 0; i < MAX_DOMAINS; i++) {
		free(w->dom[i].latency);
		free(w->dom[i].runs.at);
		free(w->dom[i].waits.at);
	}
	free(w);
	return rc;
}

int hvsim_main(int argc, char **argv, const struct hv_sched_ops *ops)
{
	const char *svg = NULL;
	const char *workload = NULL;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
			svg = argv[++i];
		} else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			printf("usage: %s [-o timeline.svg] workload\n", argv[0]);
			return HVSIM_OK;
		} else if (argv[i][0] != '-' && workload == NULL) {
			workload = argv[i];
		} else {
			workload = NULL;
			break;
		}
	}
	if (workload == NULL) {
		fprintf(stderr, "usage: %s [-o timeline.svg] workload\n",
		        argc > 0 ? argv[0] : "hvsim");
		return HVSIM_BAD_INPUT;
	}
	return hvsim_run(ops, workload, svg);
}
