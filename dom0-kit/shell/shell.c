/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The domain 0 shell (see <hv/shell.h> and docs/shell.md): the command
 * table and the commands over libhvctl and the scheduler hypercalls, the
 * console input, the script on the command line and the interactive loop.
 *
 * One vCPU runs everything here, so the state is one static structure
 * that the event handlers do not touch: they only count domain
 * exceptions (exc_events) or wake the shell (console input); the loop
 * reads the counter between commands.
 *
 * Console input is moved from the hypervisor's small ring (256 bytes,
 * dropping the oldest when full) into the shell's own 4 KiB whenever the
 * shell waits, prints a line or starts a command, so that a script fed to
 * the serial port is not lost while the shell is busy.
 *
 * The hypervisor's console shows a domain's output a line at a time, with
 * the domain's name in front, so typed characters cannot be echoed one by
 * one: a line is echoed, after its editing, when Enter ends it ("hv> ...").
 */
#include <stdarg.h>
#include <stdbool.h>

#include <hv/ctl.h>
#include <hv/guest/guest.h>
#include <hv/log.h>
#include <hv/shell.h>

#include "lib/string.h"
#include "parse.h"

/* Domains the shell tracks (console positions, states); the hypervisor's limit. */
#define MAX_DOMAINS 64

/* Bytes of console input the shell keeps before it runs them. */
#define INPUT_SIZE 4096

/* How long the shell sleeps at most before it looks at the console again. */
#define POLL_NS (10 * HVG_MS)

/* How long `wait` waits when no timeout is given. */
#define WAIT_DEFAULT_NS (10 * HVG_S)

/* Memory of a domain created without mem=. */
#define DEFAULT_MEM (4ull << 20)

/* hv_domctl_info::flags: the control domain. */
#define DOMCTL_F_CONTROL 1u

#define NAME_SIZE     32
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* What a failed command does (the `onerror` command). */
enum onerror {
	ONERROR_CONTINUE, /* print the error, go on */
	ONERROR_STOP,     /* print the error, skip the rest of the script or line */
	ONERROR_FAIL,     /* print the error and end the appliance with FAIL */
};

/* What the shell last knew of a domain, to report the changes it did not cause. */
struct seen {
	bool valid;
	uint32_t state;
	uint32_t restarts;
	char name[NAME_SIZE];
};

static struct {
	const struct hvsh_config *cfg;
	const struct hv_start_info *si;
	const char *command; /* the running command's name, for hvsh_error() */
	enum onerror onerror;
	bool stop;   /* poweroff, or a failure under onerror fail */
	int result;  /* what hvsh_main() returns */
	bool halted; /* onerror stop: the rest of the line or script is skipped */
	uint64_t commands;
	uint64_t failures;
	uint64_t console_pos[MAX_DOMAINS];
	char console_name[MAX_DOMAINS][NAME_SIZE];
	struct seen seen[MAX_DOMAINS];
	char input[INPUT_SIZE];
	size_t input_head;
	size_t input_count;
	uint64_t input_lost;
	uint64_t input_lost_told;
	uint64_t exc_seen;
	struct hvsh_line line;
} sh;

static volatile uint64_t exc_events;

/* Scratch space too large for the 16 KiB stack. */
static struct hv_domctl_info domains[MAX_DOMAINS];
static char console_buf[4096];

static bool str_eq(const char *a, const char *b)
{
	return hv_strcmp(a, b) == 0;
}

static void on_console(uint32_t port, void *arg)
{
	(void)port;
	(void)arg;
	/* Nothing to do: the event only wakes the shell from hvg_block(). */
}

static void on_domain_exception(uint32_t port, void *arg)
{
	(void)port;
	(void)arg;
	exc_events++;
}

/* --- Console input -------------------------------------------------------------------- */

/* Moves whatever console input is waiting into the shell's buffer. */
static void input_pull(void)
{
	char tmp[256];
	int64_t n;

	while ((n = hvg_console_read(tmp, sizeof(tmp))) > 0) {
		for (int64_t i = 0; i < n; i++) {
			if (sh.input_count == INPUT_SIZE) {
				sh.input_lost++;
				continue;
			}
			sh.input[(sh.input_head + sh.input_count) % INPUT_SIZE] = tmp[i];
			sh.input_count++;
		}
	}
}

static int input_get(void)
{
	char c;

	if (sh.input_count == 0) {
		return -1;
	}
	c = sh.input[sh.input_head];
	sh.input_head = (sh.input_head + 1) % INPUT_SIZE;
	sh.input_count--;
	return (unsigned char)c;
}

/*
 * Whether Ctrl-C was typed ahead: if so, it and everything typed before it
 * are thrown away.
 */
static bool interrupted(void)
{
	for (size_t i = 0; i < sh.input_count; i++) {
		if (sh.input[(sh.input_head + i) % INPUT_SIZE] == 0x03) {
			sh.input_head = (sh.input_head + i + 1) % INPUT_SIZE;
			sh.input_count -= i + 1;
			return true;
		}
	}
	return false;
}

/*
 * Sleeps until 'deadline' (system time), taking console input in
 * meanwhile; returns false if Ctrl-C cut it short.
 */
static bool sleep_until(uint64_t deadline)
{
	uint64_t now;

	while ((now = hvg_time_ns()) < deadline) {
		input_pull();
		if (interrupted()) {
			return false;
		}
		hvg_sleep_until(deadline - now > POLL_NS ? now + POLL_NS : deadline);
	}
	input_pull();
	return !interrupted();
}

/* --- Output helpers ------------------------------------------------------------------- */

/*
 * Prints, then takes console input: writing to the serial port is slow
 * under emulation, and input that arrives meanwhile must not overflow the
 * hypervisor's ring during a long output.
 */
static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	hvg_vprintf(fmt, ap);
	va_end(ap);
	input_pull();
}

int hvsh_error(int rc, const char *fmt, ...)
{
	char msg[HVG_PRINTF_MAX];
	va_list ap;

	va_start(ap, fmt);
	hv_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	say("error: %s%s%s%s%s\n", sh.command ? sh.command : "", sh.command ? ": " : "", msg,
	    rc != 0 ? ": " : "", rc != 0 ? hv_strerror(rc) : "");
	return rc != 0 ? rc : -HV_EINVAL;
}

int hvsh_number(const char *what, const char *word, bool size, uint64_t min, uint64_t max,
                uint64_t *out)
{
	uint64_t v;
	int rc = size ? hvsh_parse_size(word, &v) : hvsh_parse_u64(word, &v);

	if (rc != 0) {
		return hvsh_error(0, "%s: '%s' is not a %s", what, word, size ? "size" : "number");
	}
	if (v < min || v > max) {
		return hvsh_error(0, "%s: %llu is outside %llu..%llu", what, (unsigned long long)v,
		                  (unsigned long long)min, (unsigned long long)max);
	}
	*out = v;
	return 0;
}

static int duration(const char *what, const char *word, uint64_t unit_ns, uint64_t *out)
{
	if (hvsh_parse_duration(word, unit_ns, out) != 0) {
		return hvsh_error(0, "%s: '%s' is not a duration (a number with ns, us, ms or s)",
		                  what, word);
	}
	return 0;
}

/* --- Domains ---------------------------------------------------------------------------- */

/* Describes every domain; returns how many there are in 'domains' (or an error). */
static int list_domains(void)
{
	int n = hvctl_domain_list(domains, MAX_DOMAINS);

	if (n < 0) {
		return hvsh_error(n, "cannot list the domains");
	}
	return n < MAX_DOMAINS ? n : MAX_DOMAINS;
}

int hvsh_domain(const char *word, struct hv_domctl_info *info)
{
	int found = -1;
	int n;

	if (hvsh_is_id(word)) {
		uint64_t id;
		int rc;

		if (hvsh_parse_u64(word, &id) != 0 || id > UINT16_MAX) {
			return hvsh_error(0, "no domain %s", word);
		}
		rc = hvctl_domain_info((uint16_t)id, info);
		if (rc != 0) {
			return hvsh_error(rc, "no domain %s", word);
		}
		return (int)id;
	}
	n = list_domains();
	if (n < 0) {
		return n;
	}
	for (int i = 0; i < n; i++) {
		if (!str_eq(domains[i].name, word)) {
			continue;
		}
		/* One that has not ended wins; among the others, the last. */
		if (found < 0 || domains[found].state == HV_DOMCTL_STATE_DEAD) {
			found = i;
		}
	}
	if (found < 0) {
		return hvsh_error(-HV_ENOENT, "no domain named '%s'", word);
	}
	*info = domains[found];
	return (int)domains[found].domid;
}

/*
 * Remembers what the shell made of a domain, so that a change it caused is
 * not reported as news.
 */
static void note_as(int id, const char *name, uint32_t state, uint32_t restarts)
{
	struct seen *s;

	if (id < 0 || id >= MAX_DOMAINS) {
		return;
	}
	s = &sh.seen[id];
	s->valid = true;
	s->state = state;
	s->restarts = restarts;
	hv_strlcpy(s->name, name, sizeof(s->name));
}

/* The same, asking the hypervisor: for a domain that does not run (yet, or any more). */
static void note(int id)
{
	struct hv_domctl_info info;

	if (id >= 0 && hvctl_domain_info((uint16_t)id, &info) == 0) {
		note_as(id, info.name, info.state, info.restarts);
	}
}

/*
 * Reports the domains that ended, crashed or restarted since the shell last
 * looked (after a domain exception event); 'quiet' only takes a snapshot.
 */
static void report_changes(bool quiet)
{
	int n;

	if (exc_events == sh.exc_seen && !quiet) {
		return;
	}
	sh.exc_seen = exc_events;
	n = hvctl_domain_list(domains, MAX_DOMAINS);
	for (int i = 0; i < n && i < MAX_DOMAINS; i++) {
		const struct hv_domctl_info *d = &domains[i];
		struct seen *s;
		bool same;

		if (d->domid >= MAX_DOMAINS) {
			continue;
		}
		s = &sh.seen[d->domid];
		same = s->valid && str_eq(s->name, d->name);
		if (!quiet && (!same || s->state != d->state)) {
			if (d->state == HV_DOMCTL_STATE_CRASHED) {
				say("* domain %u '%s' crashed and is kept: %s\n", d->domid, d->name,
				    d->crash_reason);
			} else if (d->state == HV_DOMCTL_STATE_DEAD && same) {
				say("* domain %u '%s' ended%s%s\n", d->domid, d->name,
				    d->crash_reason[0] ? ": crashed: " : "", d->crash_reason);
			}
		}
		if (!quiet && same && d->restarts > s->restarts) {
			say("* domain %u '%s' restarted (%u restarts)%s%s\n", d->domid, d->name,
			    d->restarts, d->crash_reason[0] ? " after a crash: " : "",
			    d->crash_reason);
		}
		s->valid = true;
		s->state = d->state;
		s->restarts = d->restarts;
		hv_strlcpy(s->name, d->name, sizeof(s->name));
	}
}

static bool is_self(int id)
{
	return id == (int)sh.si->domid;
}

/* --- Pools ------------------------------------------------------------------------------- */

/* Finds a pool by identifier or name; fills 'info'. */
static int find_pool(const char *word, struct hv_sched_pool_info *info)
{
	if (hvsh_is_id(word)) {
		uint64_t id;
		int rc;

		if (hvsh_parse_u64(word, &id) != 0 || id >= HV_SCHED_MAX_POOLS) {
			return hvsh_error(0, "no pool %s (pools are 0..%d)", word,
			                  HV_SCHED_MAX_POOLS - 1);
		}
		rc = hvg_sched_pool_info((uint32_t)id, info);
		if (rc != 0) {
			return hvsh_error(rc, "no pool %s", word);
		}
		return (int)id;
	}
	for (uint32_t id = 0; id < HV_SCHED_MAX_POOLS; id++) {
		if (hvg_sched_pool_info(id, info) == 0 && str_eq(info->name, word)) {
			return (int)id;
		}
	}
	return hvsh_error(-HV_ENOENT, "no pool named '%s'", word);
}

/* The first pool whose scheduler module is 'sched' ("bvt", ...): create's sched=. */
static int pool_running(const char *sched, struct hv_sched_pool_info *info)
{
	for (uint32_t id = 0; id < HV_SCHED_MAX_POOLS; id++) {
		if (hvg_sched_pool_info(id, info) == 0 && str_eq(info->sched, sched)) {
			return (int)id;
		}
	}
	return hvsh_error(-HV_ENOENT,
	                  "no pool runs the scheduler '%s' (pool create <name> %s, or pool sched)",
	                  sched, sched);
}

static const char *pool_name(uint32_t pool, char *buf, size_t size)
{
	struct hv_sched_pool_info info;

	if (hvg_sched_pool_info(pool, &info) != 0) {
		hvg_snprintf(buf, size, "%u", pool);
	} else {
		hvg_snprintf(buf, size, "%u '%s' (%s)", pool, info.name, info.sched);
	}
	return buf;
}

/* --- Commands ---------------------------------------------------------------------------- */

static int cmd_help(int argc, char **argv);

static int cmd_list(int argc, char **argv)
{
	bool all = false;
	unsigned int hidden = 0;
	int n;

	if (argc == 2) {
		if (!str_eq(argv[1], "all")) {
			return hvsh_error(0, "expected 'all', not '%s'", argv[1]);
		}
		all = true;
	}
	n = list_domains();
	if (n < 0) {
		return n;
	}
	say("%3s %-16s %-8s %10s %9s %4s\n", "id", "name", "state", "mem KiB", "cpu ms", "pool");
	for (int i = 0; i < n; i++) {
		const struct hv_domctl_info *d = &domains[i];

		if (!all && d->state == HV_DOMCTL_STATE_DEAD) {
			hidden++;
			continue;
		}
		say("%3u %-16s %-8s %10llu %9llu %4u%s\n", d->domid, d->name,
		    hvctl_state_name(d->state), (unsigned long long)d->frames * 4,
		    (unsigned long long)(d->cpu_time_ns / HVG_MS), d->pool,
		    (d->flags & DOMCTL_F_CONTROL) ? "  control" : "");
	}
	if (hidden > 0) {
		say("(%u ended, not shown: 'list all' shows them)\n", hidden);
	}
	return 0;
}

static int cmd_info(int argc, char **argv)
{
	struct hv_domctl_info d;
	char pool[48];
	int id = hvsh_domain(argv[1], &d);

	(void)argc;
	if (id < 0) {
		return id;
	}
	say("domain %d '%s'%s\n", id, d.name,
	    (d.flags & DOMCTL_F_CONTROL) ? ", the control domain" : "");
	say("  state       %s\n", hvctl_state_name(d.state));
	say("  vcpus       %u\n", d.vcpus);
	say("  pool        %s\n", pool_name(d.pool, pool, sizeof(pool)));
	say("  memory      %llu KiB held, %llu KiB reserved\n", (unsigned long long)d.frames * 4,
	    (unsigned long long)d.frames_reserved * 4);
	say("  cpu time    %llu.%03llu ms\n", (unsigned long long)(d.cpu_time_ns / HVG_MS),
	    (unsigned long long)(d.cpu_time_ns % HVG_MS / HVG_US));
	say("  events      %llu sent, %llu received\n", (unsigned long long)d.events_sent,
	    (unsigned long long)d.events_received);
	say("  ports       %u in use\n", d.ports);
	say("  grant maps  %u\n", d.grant_maps);
	say("  restarts    %u\n", d.restarts);
	say("  crash       %s\n", d.crash_reason[0] ? d.crash_reason : "-");
	for (uint32_t i = 0; i < d.vcpus && i < HV_DOMCTL_MAX_VCPUS; i++) {
		say("  vcpu %-2u     %s, %llu.%03llu ms of virtual time\n", i,
		    hvctl_vcpu_state_name(d.vcpu[i].state),
		    (unsigned long long)(d.vcpu[i].run_time_ns / HVG_MS),
		    (unsigned long long)(d.vcpu[i].run_time_ns % HVG_MS / 1000));
	}
	return 0;
}

/* The scheduling parameters create= and sched accept. */
struct sched_args {
	bool weight_set, cap_set, warp_set, limit_set, unwarp_set;
	uint64_t weight, cap, warp, limit, unwarp;
};

/* Parses one scheduling word; 1 if it is none, 0 if it was taken, or an error. */
static int sched_word(const char *w, struct sched_args *a)
{
	const char *v;

	if ((v = hvsh_value(w, "weight")) != NULL) {
		a->weight_set = true;
		return hvsh_number("weight", v, false, 1, HV_SCHED_WEIGHT_MAX, &a->weight);
	}
	if ((v = hvsh_value(w, "cap")) != NULL) {
		a->cap_set = true;
		return hvsh_number("cap", v, false, 0, 100, &a->cap);
	}
	if ((v = hvsh_value(w, "warp")) != NULL) {
		a->warp_set = true;
		return duration("warp", v, 1, &a->warp);
	}
	if ((v = hvsh_value(w, "limit")) != NULL) {
		a->limit_set = true;
		return duration("limit", v, 1, &a->limit);
	}
	if ((v = hvsh_value(w, "unwarp")) != NULL) {
		a->unwarp_set = true;
		return duration("unwarp", v, 1, &a->unwarp);
	}
	return 1;
}

static bool sched_any(const struct sched_args *a)
{
	return a->weight_set || a->cap_set || a->warp_set || a->limit_set || a->unwarp_set;
}

/* Applies parsed parameters to a domain, in the kind of its pool's module. */
static int sched_apply(int id, const char *name, const struct sched_args *a)
{
	struct hv_sched_params p;
	int rc = hvg_sched_get_params((uint16_t)id, &p);

	if (rc == -HV_ENOSYS) {
		return hvsh_error(rc, "domain %d '%s': its pool's scheduler takes no parameters",
		                  id, name);
	}
	if (rc != 0) {
		return hvsh_error(rc, "domain %d '%s': cannot read its parameters", id, name);
	}
	switch (p.kind) {
	case HV_SCHED_KIND_BVT:
		if (a->cap_set) {
			return hvsh_error(0, "cap= is not a parameter of 'bvt' (weight=, warp=, "
			                     "limit=, unwarp=)");
		}
		p.bvt.weight = a->weight_set ? (uint32_t)a->weight : p.bvt.weight;
		p.bvt.warp_ns = a->warp_set ? a->warp : p.bvt.warp_ns;
		p.bvt.warp_limit_ns = a->limit_set ? a->limit : p.bvt.warp_limit_ns;
		p.bvt.unwarp_ns = a->unwarp_set ? a->unwarp : p.bvt.unwarp_ns;
		break;
	case HV_SCHED_KIND_FAIR:
		if (a->warp_set || a->limit_set || a->unwarp_set) {
			return hvsh_error(0,
			                  "warp=, limit= and unwarp= are parameters of 'bvt', not "
			                  "'fair' (weight=, cap=)");
		}
		p.fair.weight = a->weight_set ? (uint32_t)a->weight : p.fair.weight;
		p.fair.cap_percent = a->cap_set ? (uint32_t)a->cap : p.fair.cap_percent;
		break;
	default:
		return hvsh_error(0,
		                  "domain %d '%s': its pool's schedule is set for the whole pool",
		                  id, name);
	}
	rc = hvg_sched_set_params((uint16_t)id, &p);
	if (rc != 0) {
		return hvsh_error(rc, "domain %d '%s': parameters refused", id, name);
	}
	return 0;
}

static int sched_show(int id, const char *name)
{
	struct hv_sched_params p;
	char pool[48];
	int pid = hvg_sched_domain_pool((uint16_t)id);
	int rc;

	if (pid < 0) {
		return hvsh_error(pid, "domain %d '%s': no pool", id, name);
	}
	pool_name((uint32_t)pid, pool, sizeof(pool));
	rc = hvg_sched_get_params((uint16_t)id, &p);
	if (rc == -HV_ENOSYS) {
		say("domain %d '%s': pool %s: no parameters\n", id, name, pool);
		return 0;
	}
	if (rc != 0) {
		return hvsh_error(rc, "domain %d '%s': cannot read its parameters", id, name);
	}
	switch (p.kind) {
	case HV_SCHED_KIND_BVT:
		say("domain %d '%s': pool %s: weight %u, warp %llu ns, limit %llu ns, unwarp "
		    "%llu ns\n",
		    id, name, pool, p.bvt.weight, (unsigned long long)p.bvt.warp_ns,
		    (unsigned long long)p.bvt.warp_limit_ns, (unsigned long long)p.bvt.unwarp_ns);
		break;
	case HV_SCHED_KIND_FAIR:
		say("domain %d '%s': pool %s: weight %u, cap %u%%%s\n", id, name, pool,
		    p.fair.weight, p.fair.cap_percent, p.fair.cap_percent ? "" : " (none)");
		break;
	case HV_SCHED_KIND_CYCLIC:
		say("domain %d '%s': pool %s: %u windows in a major frame of %llu ns\n", id, name,
		    pool, p.cyclic.window_count, (unsigned long long)p.cyclic.major_frame_ns);
		break;
	default:
		say("domain %d '%s': pool %s: parameters of kind %u\n", id, name, pool, p.kind);
		break;
	}
	return 0;
}

static int cmd_sched(int argc, char **argv)
{
	struct hv_domctl_info d;
	struct sched_args a = {0};
	int id = hvsh_domain(argv[1], &d);
	int rc;

	if (id < 0) {
		return id;
	}
	for (int i = 2; i < argc; i++) {
		rc = sched_word(argv[i], &a);
		if (rc > 0) {
			return hvsh_error(0,
			                  "unknown parameter '%s' (weight=, cap=, warp=, limit=, "
			                  "unwarp=)",
			                  argv[i]);
		}
		if (rc < 0) {
			return rc;
		}
	}
	if (sched_any(&a)) {
		rc = sched_apply(id, d.name, &a);
		if (rc != 0) {
			return rc;
		}
	}
	return sched_show(id, d.name);
}

static const char *const create_options = "name=, mem=, vcpus=, crash=, pool=, sched=, weight=, "
                                          "cap=, cmdline=, start, -- <cmdline>";

static int create_error(int rc, const char *image, uint64_t mem)
{
	switch (rc) {
	case -HV_ENOENT:
		return hvsh_error(rc, "no image module '%s'", image);
	case -HV_EEXIST:
		return hvsh_error(rc, "the name is taken");
	case -HV_ENOSPC:
		return hvsh_error(rc, "every domain slot is in use");
	case -HV_ENOMEM:
		return hvsh_error(rc, "not enough free memory for %llu KiB",
		                  (unsigned long long)(mem >> 10));
	case -HV_ENOEXEC:
		return hvsh_error(rc, "module '%s' is not a valid guest image", image);
	case -HV_E2BIG:
		return hvsh_error(rc, "the name (31 characters) or command line (127) is too long");
	default:
		return hvsh_error(rc, "cannot create a domain from '%s'", image);
	}
}

static int cmd_create(int argc, char **argv)
{
	static char cmdline[128];
	struct hvctl_create req = {.image = argv[1], .mem_size = DEFAULT_MEM};
	struct sched_args sa = {0};
	struct hv_domctl_info d;
	bool start = false;
	uint64_t v;
	int id;
	int rc;

	for (int i = 2; i < argc; i++) {
		const char *w = argv[i];
		const char *val;

		if (str_eq(w, "--")) {
			size_t len = 0;

			if (req.cmdline != NULL) {
				return hvsh_error(0, "give cmdline= or --, not both");
			}
			cmdline[0] = '\0';
			for (i++; i < argc; i++) {
				size_t wl = hv_strlen(argv[i]);

				if (len + wl + (len > 0) >= sizeof(cmdline)) {
					return hvsh_error(-HV_E2BIG,
					                  "command line too long (%zu at most)",
					                  sizeof(cmdline) - 1);
				}
				if (len > 0) {
					cmdline[len++] = ' ';
				}
				hv_memcpy(cmdline + len, argv[i], wl + 1);
				len += wl;
			}
			req.cmdline = cmdline;
		} else if ((val = hvsh_value(w, "name")) != NULL) {
			req.name = val;
		} else if ((val = hvsh_value(w, "mem")) != NULL) {
			if (hvsh_number("mem", val, true, 1ull << 20, UINT64_MAX, &req.mem_size) !=
			    0) {
				return -HV_EINVAL;
			}
			if (req.mem_size % 4096 != 0) {
				return hvsh_error(0, "mem: %s is not a multiple of 4 KiB", val);
			}
		} else if ((val = hvsh_value(w, "vcpus")) != NULL) {
			if (hvsh_number("vcpus", val, false, 1, 8, &v) != 0) {
				return -HV_EINVAL;
			}
			req.vcpus = (uint32_t)v;
		} else if ((val = hvsh_value(w, "crash")) != NULL) {
			if (hvsh_parse_crash(val, &req.on_crash) != 0) {
				return hvsh_error(0, "crash: '%s' is not destroy, restart or keep",
				                  val);
			}
		} else if ((val = hvsh_value(w, "pool")) != NULL ||
		           (val = hvsh_value(w, "sched")) != NULL) {
			struct hv_sched_pool_info pi;
			int pool = w[0] == 'p' ? find_pool(val, &pi) : pool_running(val, &pi);

			if (pool < 0) {
				return pool;
			}
			req.pool = (uint32_t)pool;
		} else if ((val = hvsh_value(w, "cmdline")) != NULL) {
			if (req.cmdline != NULL) {
				return hvsh_error(0, "give cmdline= or --, not both");
			}
			req.cmdline = val;
		} else if (str_eq(w, "start")) {
			start = true;
		} else {
			rc = sched_word(w, &sa);
			if (rc > 0) {
				return hvsh_error(0, "unknown option '%s' (%s)", w, create_options);
			}
			if (rc < 0) {
				return rc;
			}
		}
	}
	id = hvctl_domain_create(&req);
	if (id < 0) {
		return create_error(id, req.image, req.mem_size);
	}
	note(id);
	if (id < MAX_DOMAINS) {
		sh.console_pos[id] = 0;
		sh.console_name[id][0] = '\0';
	}
	if (hvctl_domain_info((uint16_t)id, &d) != 0) {
		d.name[0] = '\0';
	}
	if (sched_any(&sa)) {
		rc = sched_apply(id, d.name, &sa);
		if (rc != 0) {
			hvctl_domain_destroy((uint16_t)id);
			note(id);
			say("domain %d '%s' destroyed again\n", id, d.name);
			return rc;
		}
	}
	say("domain %d '%s' created from '%s': %llu KiB, %u vCPU%s, pool %u, crash=%s%s\n", id,
	    d.name, req.image, (unsigned long long)d.frames_reserved * 4, d.vcpus,
	    d.vcpus == 1 ? "" : "s", d.pool, hvsh_crash_name(req.on_crash),
	    start ? "" : "; paused until 'unpause'");
	if (start) {
		rc = hvctl_domain_unpause((uint16_t)id);
		if (rc != 0) {
			return hvsh_error(rc, "domain %d '%s': cannot start it", id, d.name);
		}
		say("domain %d '%s' started\n", id, d.name);
	}
	return 0;
}

/* Finds the domain of argv[1] for an operation on another domain than the shell's own. */
static int other_domain(const char *word, struct hv_domctl_info *d)
{
	int id = hvsh_domain(word, d);

	if (id >= 0 && is_self(id)) {
		return hvsh_error(0, "domain %d is the shell's own (use poweroff)", id);
	}
	return id;
}

/*
 * Runs one of libhvctl's operations on the domain a word names (not the
 * shell's own). Returns the id, or a negative error already reported;
 * the operation's result in *rc, the domain as it was before in *d.
 */
static int on_other_domain(const char *word, int (*op)(uint16_t), struct hv_domctl_info *d, int *rc)
{
	int id = other_domain(word, d);

	if (id >= 0) {
		*rc = op((uint16_t)id);
	}
	return id;
}

/* The error of an operation the domain's state refused. */
static int state_error(int rc, int id, const struct hv_domctl_info *d)
{
	return hvsh_error(rc, "domain %d '%s' is %s", id, d->name, hvctl_state_name(d->state));
}

static int cmd_pause(int argc, char **argv)
{
	struct hv_domctl_info d;
	int rc = 0;
	int id = on_other_domain(argv[1], hvctl_domain_pause, &d, &rc);

	(void)argc;
	if (id < 0) {
		return id;
	}
	if (rc == -HV_EALREADY) {
		return hvsh_error(rc, "domain %d '%s' %s", id, d.name,
		                  d.state == HV_DOMCTL_STATE_CREATED ? "was never started"
		                                                     : "is already paused");
	}
	if (rc != 0) {
		return state_error(rc, id, &d);
	}
	say("domain %d '%s' paused\n", id, d.name);
	return 0;
}

static int cmd_unpause(int argc, char **argv)
{
	struct hv_domctl_info d;
	int rc = 0;
	int id = on_other_domain(argv[1], hvctl_domain_unpause, &d, &rc);

	(void)argc;
	if (id < 0) {
		return id;
	}
	if (rc == -HV_EALREADY) {
		return hvsh_error(rc, "domain %d '%s' is already %s", id, d.name,
		                  hvctl_state_name(d.state));
	}
	if (rc != 0) {
		return state_error(rc, id, &d);
	}
	say("domain %d '%s' %s\n", id, d.name,
	    d.state == HV_DOMCTL_STATE_CREATED ? "started" : "resumed");
	return 0;
}

static int cmd_destroy(int argc, char **argv)
{
	struct hv_domctl_info d;
	int rc = 0;
	int id = on_other_domain(argv[1], hvctl_domain_destroy, &d, &rc);

	(void)argc;
	if (id < 0) {
		return id;
	}
	note(id);
	if (rc != 0) {
		return state_error(rc, id, &d);
	}
	say("domain %d '%s' destroyed\n", id, d.name);
	return 0;
}

static int cmd_reset(int argc, char **argv)
{
	struct hv_domctl_info d;
	int rc = 0;
	int id = on_other_domain(argv[1], hvctl_domain_reset, &d, &rc);

	(void)argc;
	if (id < 0) {
		return id;
	}
	if (rc == 0) {
		/* Rebuilt and started: it may crash again at once, which is news. */
		note_as(id, d.name, HV_DOMCTL_STATE_RUNNING, d.restarts + 1);
	} else {
		note(id);
	}
	if (rc != 0) {
		return hvsh_error(rc, "domain %d '%s' (%s)", id, d.name, hvctl_state_name(d.state));
	}
	say("domain %d '%s' rebuilt from its image and started again\n", id, d.name);
	return 0;
}

static int cmd_crash(int argc, char **argv)
{
	struct hv_domctl_info d;
	uint32_t policy;
	int id = hvsh_domain(argv[1], &d);
	int rc;

	(void)argc;
	if (id < 0) {
		return id;
	}
	if (hvsh_parse_crash(argv[2], &policy) != 0) {
		return hvsh_error(0, "'%s' is not destroy, restart or keep", argv[2]);
	}
	rc = hvctl_set_crash_policy((uint16_t)id, policy);
	if (rc != 0) {
		return hvsh_error(rc, "domain %d '%s'", id, d.name);
	}
	say("domain %d '%s': a crash will %s it\n", id, d.name, hvsh_crash_name(policy));
	return 0;
}

/* Prints one line of a domain's console output. */
static void console_line(const char *name, const char *line, size_t len)
{
	say("%s| %.*s\n", name, (int)len, line);
}

/*
 * Finds where a domain's console output ends now, reading from 'pos'
 * (reading moves only the reader's position).
 */
static int console_end(uint16_t id, uint64_t pos, uint64_t *end)
{
	int n;

	do {
		n = hvctl_console_read(id, &pos, console_buf, sizeof(console_buf), NULL);
	} while (n > 0);
	*end = pos;
	return n;
}

/*
 * Prints what a domain wrote to its console from the shell's position up
 * to where the output ended when the command started: the shell's own
 * console grows as it prints, and a chatty domain's would never end.
 */
static int cmd_console(int argc, char **argv)
{
	static char line[256];
	struct hv_domctl_info d;
	size_t len = 0;
	uint64_t pos;
	uint64_t end;
	uint64_t total = 0;
	int id = hvsh_domain(argv[1], &d);
	int rc;

	if (id < 0) {
		return id;
	}
	if (argc == 3 && !str_eq(argv[2], "all")) {
		return hvsh_error(0, "expected 'all', not '%s'", argv[2]);
	}
	if (id >= MAX_DOMAINS) {
		return hvsh_error(0, "domain %d: beyond the shell's %d domains", id, MAX_DOMAINS);
	}
	if (!str_eq(sh.console_name[id], d.name)) {
		/* Another domain in the slot: its output starts afresh. */
		sh.console_pos[id] = 0;
		hv_strlcpy(sh.console_name[id], d.name, NAME_SIZE);
	}
	pos = argc == 3 ? 0 : sh.console_pos[id];
	rc = console_end((uint16_t)id, pos, &end);
	if (rc == -HV_EINVAL) {
		/* A position the output never reached: the slot was reused. */
		pos = 0;
		rc = console_end((uint16_t)id, pos, &end);
	}
	while (rc == 0 && pos < end) {
		uint64_t dropped = 0;
		int n = hvctl_console_read((uint16_t)id, &pos, console_buf, sizeof(console_buf),
		                           &dropped);

		if (n <= 0) {
			rc = n;
			break;
		}
		if (dropped > 0 && argc == 2) {
			say("(%llu bytes were overwritten before they could be read)\n",
			    (unsigned long long)dropped);
		}
		if (pos > end) {
			/* Only the bytes before the end: [pos - n, end). */
			n = pos - end >= (uint64_t)n ? 0 : n - (int)(pos - end);
			pos = end;
		}
		total += (uint64_t)n;
		for (int i = 0; i < n; i++) {
			if (console_buf[i] == '\n' || len == sizeof(line)) {
				console_line(d.name, line, len);
				len = 0;
			}
			if (console_buf[i] != '\n') {
				line[len++] = console_buf[i];
			}
		}
	}
	if (len > 0) {
		console_line(d.name, line, len);
	}
	if (rc < 0) {
		return hvsh_error(rc, "domain %d '%s'", id, d.name);
	}
	sh.console_pos[id] = pos;
	if (total == 0) {
		say("(no new output from domain %d '%s')\n", id, d.name);
	}
	return 0;
}

/*
 * A cyclic schedule from words: the major frame, then one window per word,
 * "<dom>@<offset>+<length>" (times in ms, or with a unit). The hypervisor
 * checks that the windows fit the frame and do not overlap.
 */
static int cyclic_schedule(int argc, char **argv, struct hv_sched_params *sp)
{
	struct hv_sched_cyclic_params *c = &sp->cyclic;

	*sp = (struct hv_sched_params){.kind = HV_SCHED_KIND_CYCLIC};
	if (argc - 1 > HV_SCHED_CYCLIC_MAX_WINDOWS) {
		return hvsh_error(0, "cyclic: at most %d windows", HV_SCHED_CYCLIC_MAX_WINDOWS);
	}
	if (hvsh_parse_duration(argv[0], HVG_MS, &c->major_frame_ns) != 0) {
		return hvsh_error(0, "cyclic: bad major frame '%s'", argv[0]);
	}
	for (int i = 1; i < argc; i++) {
		struct hv_sched_cyclic_window *w = &c->windows[c->window_count];
		char *at = hv_strchr(argv[i], '@');
		char *plus = at != NULL ? hv_strchr(at, '+') : NULL;
		struct hv_domctl_info d;
		int id;

		if (plus == NULL) {
			return hvsh_error(0, "cyclic: '%s' is not <dom>@<offset>+<length>",
			                  argv[i]);
		}
		*at = '\0';
		*plus = '\0';
		id = hvsh_domain(argv[i], &d);
		if (id < 0) {
			return id;
		}
		if (hvsh_parse_duration(at + 1, HVG_MS, &w->offset_ns) != 0 ||
		    hvsh_parse_duration(plus + 1, HVG_MS, &w->length_ns) != 0) {
			return hvsh_error(0, "cyclic: bad window times for domain %d", id);
		}
		w->domid = (uint16_t)id;
		c->window_count++;
	}
	return 0;
}

static int cmd_pool(int argc, char **argv)
{
	struct hv_sched_pool_info pi;
	struct hv_domctl_info d;
	const char *sub = argc > 1 ? argv[1] : "list";
	int pool;
	int rc;

	if (str_eq(sub, "list")) {
		if (argc > 2) {
			return hvsh_error(0, "list takes no arguments");
		}
		say("%3s %-16s %-10s %6s %7s %9s\n", "id", "name", "scheduler", "cpus", "domains",
		    "cpu ms");
		for (uint32_t id = 0; id < HV_SCHED_MAX_POOLS; id++) {
			if (hvg_sched_pool_info(id, &pi) == 0) {
				say("%3u %-16s %-10s %#6llx %7u %9llu\n", id, pi.name, pi.sched,
				    (unsigned long long)pi.cpus, pi.domains,
				    (unsigned long long)(pi.cpu_time_ns / HVG_MS));
			}
		}
		return 0;
	}
	if (argc != 4 && !(argc == 3 && str_eq(sub, "destroy")) &&
	    !(argc >= 6 && str_eq(sub, "sched") && str_eq(argv[3], "cyclic"))) {
		return hvsh_error(
		        0, "usage: pool [list | create <name> <scheduler> | destroy <pool> "
		           "| sched <pool> <scheduler> | sched <pool> cyclic <frame> "
		           "<dom>@<offset>+<length>... | move <dom> <pool> | cpu <n> <pool>]");
	}
	if (str_eq(sub, "create")) {
		rc = hvg_sched_pool_create(argv[2], argv[3], NULL);
		if (rc < 0) {
			return hvsh_error(rc, "cannot create pool '%s' with scheduler '%s'",
			                  argv[2], argv[3]);
		}
		say("pool %d '%s' created, scheduler '%s', no CPUs\n", rc, argv[2], argv[3]);
		return 0;
	}
	if (str_eq(sub, "move")) {
		int id = hvsh_domain(argv[2], &d);

		if (id < 0) {
			return id;
		}
		pool = find_pool(argv[3], &pi);
		if (pool < 0) {
			return pool;
		}
		rc = hvg_sched_pool_move_domain((uint16_t)id, (uint32_t)pool);
		if (rc != 0) {
			return hvsh_error(rc, "cannot move domain %d '%s' to pool %d", id, d.name,
			                  pool);
		}
		say("domain %d '%s' moved to pool %d '%s'\n", id, d.name, pool, pi.name);
		return 0;
	}
	if (str_eq(sub, "cpu")) {
		uint64_t cpu;

		if (hvsh_number("cpu", argv[2], false, 0, 63, &cpu) != 0) {
			return -HV_EINVAL;
		}
		pool = find_pool(argv[3], &pi);
		if (pool < 0) {
			return pool;
		}
		rc = hvg_sched_pool_assign_cpu((uint32_t)cpu, (uint32_t)pool);
		if (rc != 0) {
			return hvsh_error(rc, "cannot move CPU %llu to pool %d",
			                  (unsigned long long)cpu, pool);
		}
		say("CPU %llu moved to pool %d '%s'\n", (unsigned long long)cpu, pool, pi.name);
		return 0;
	}
	pool = find_pool(argv[2], &pi);
	if (pool < 0) {
		return pool;
	}
	if (str_eq(sub, "destroy")) {
		rc = hvg_sched_pool_destroy((uint32_t)pool);
		if (rc != 0) {
			return hvsh_error(rc, "cannot destroy pool %d '%s'", pool, pi.name);
		}
		say("pool %d '%s' destroyed\n", pool, pi.name);
		return 0;
	}
	if (str_eq(sub, "sched") && str_eq(argv[3], "cyclic")) {
		struct hv_sched_params sp;

		if (cyclic_schedule(argc - 4, argv + 4, &sp) != 0) {
			return -HV_EINVAL;
		}
		rc = hvg_sched_pool_set_scheduler((uint32_t)pool, "cyclic", &sp);
		if (rc != 0) {
			return hvsh_error(rc, "pool %d '%s': cannot switch to this cyclic schedule",
			                  pool, pi.name);
		}
		say("pool %d '%s': scheduler 'cyclic' (was '%s'), %u windows in %llu us\n", pool,
		    pi.name, pi.sched, sp.cyclic.window_count,
		    (unsigned long long)(sp.cyclic.major_frame_ns / 1000));
		return 0;
	}
	if (str_eq(sub, "sched")) {
		rc = hvg_sched_pool_set_scheduler((uint32_t)pool, argv[3], NULL);
		if (rc != 0) {
			return hvsh_error(rc, "pool %d '%s': cannot switch from '%s' to '%s'", pool,
			                  pi.name, pi.sched, argv[3]);
		}
		say("pool %d '%s': scheduler '%s' (was '%s')\n", pool, pi.name, argv[3], pi.sched);
		return 0;
	}
	return hvsh_error(0, "unknown subcommand '%s' (list, create, destroy, sched, move, cpu)",
	                  sub);
}

static int cmd_connect(int argc, char **argv)
{
	struct hv_domctl_info a;
	struct hv_domctl_info b;
	uint32_t port_a;
	uint32_t port_b;
	int ida = hvsh_domain(argv[1], &a);
	int idb;
	int rc;

	(void)argc;
	if (ida < 0) {
		return ida;
	}
	idb = hvsh_domain(argv[2], &b);
	if (idb < 0) {
		return idb;
	}
	rc = hvctl_evtchn_connect((uint16_t)ida, (uint16_t)idb, &port_a, &port_b);
	if (rc != 0) {
		return hvsh_error(rc, "cannot connect domains %d and %d", ida, idb);
	}
	say("event channel: domain %d '%s' port %u <-> domain %d '%s' port %u\n", ida, a.name,
	    port_a, idb, b.name, port_b);
	return 0;
}

static int cmd_counters(int argc, char **argv)
{
	struct hv_domctl_counters c;
	int rc = hvctl_counters(&c);

	(void)argc;
	(void)argv;
	if (rc != 0) {
		return hvsh_error(rc, "cannot read the counters");
	}
	say("free frames     %llu (%llu KiB)\n", (unsigned long long)c.free_frames,
	    (unsigned long long)c.free_frames * 4);
	say("frame refs      %llu\n", (unsigned long long)c.frame_refs);
	say("domains         %u\n", c.domains);
	say("event ports     %u\n", c.ports);
	say("grant mappings  %u\n", c.grant_maps);
	say("grant tables    %u\n", c.grant_tables);
	return 0;
}

static int cmd_wallclock(int argc, char **argv)
{
	uint64_t sec;
	int rc;

	(void)argc;
	if (hvsh_number("seconds", argv[1], false, 1, UINT64_MAX / HVG_S, &sec) != 0) {
		return -HV_EINVAL;
	}
	rc = hvctl_set_wallclock(sec, 0);
	if (rc != 0) {
		return hvsh_error(rc, "cannot set the wall clock");
	}
	say("wall clock set to %llu s since 1970\n", (unsigned long long)sec);
	return 0;
}

static int cmd_sleep(int argc, char **argv)
{
	uint64_t ns;

	(void)argc;
	if (duration("time", argv[1], HVG_MS, &ns) != 0) {
		return -HV_EINVAL;
	}
	if (!sleep_until(hvg_time_ns() + ns)) {
		return hvsh_error(0, "interrupted (Ctrl-C)");
	}
	return 0;
}

static int cmd_wait(int argc, char **argv)
{
	struct hv_domctl_info d;
	uint64_t timeout = WAIT_DEFAULT_NS;
	uint64_t start;
	uint32_t mask;
	int id = hvsh_domain(argv[1], &d);

	if (id < 0) {
		return id;
	}
	if (hvsh_parse_states(argv[2], &mask) != 0) {
		return hvsh_error(0,
		                  "'%s' is not a state (created, running, blocked, paused, "
		                  "crashed, dead, started, ended)",
		                  argv[2]);
	}
	if (argc == 4 && duration("timeout", argv[3], HVG_MS, &timeout) != 0) {
		return -HV_EINVAL;
	}
	start = hvg_time_ns();
	for (;;) {
		int rc = hvctl_domain_info((uint16_t)id, &d);

		if (rc != 0) {
			return hvsh_error(rc, "domain %d", id);
		}
		if (mask & (1u << d.state)) {
			break;
		}
		if (hvg_time_ns() - start >= timeout) {
			return hvsh_error(0, "domain %d '%s' is still %s after %llu ms", id, d.name,
			                  hvctl_state_name(d.state),
			                  (unsigned long long)(timeout / HVG_MS));
		}
		if (!sleep_until(hvg_time_ns() + HVG_MS)) {
			return hvsh_error(0, "interrupted (Ctrl-C) while domain %d '%s' is %s", id,
			                  d.name, hvctl_state_name(d.state));
		}
	}
	say("domain %d '%s' is %s\n", id, d.name, hvctl_state_name(d.state));
	return 0;
}

static int cmd_echo(int argc, char **argv)
{
	char out[HVSH_LINE_MAX + 1];
	size_t len = 0;

	for (int i = 1; i < argc; i++) {
		size_t wl = hv_strlen(argv[i]);

		if (len + wl + 1 >= sizeof(out)) {
			break; /* cannot happen: the words came from one line */
		}
		if (i > 1) {
			out[len++] = ' ';
		}
		hv_memcpy(out + len, argv[i], wl);
		len += wl;
	}
	out[len] = '\0';
	say("%s\n", out);
	return 0;
}

static int cmd_onerror(int argc, char **argv)
{
	static const char *const names[] = {
	        [ONERROR_CONTINUE] = "continue",
	        [ONERROR_STOP] = "stop",
	        [ONERROR_FAIL] = "fail",
	};

	if (argc == 1) {
		say("onerror %s\n", names[sh.onerror]);
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (str_eq(argv[1], names[i])) {
			sh.onerror = (enum onerror)i;
			return 0;
		}
	}
	return hvsh_error(0, "'%s' is not continue, stop or fail", argv[1]);
}

static int cmd_poweroff(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	sh.stop = true;
	sh.result = 0;
	return 0;
}

static const struct hvsh_command builtins[] = {
        {"help", "[command]", "list the commands, or describe one", 0, 1, cmd_help},
        {"list", "[all]", "list the domains (all: with those that ended)", 0, 1, cmd_list},
        {"info", "<dom>", "describe a domain", 1, 1, cmd_info},
        {"create",
         "<image> [name=] [mem=] [vcpus=] [crash=] [pool=|sched=] [weight=] [cap=] [cmdline=] "
         "[start] "
         "[-- <cmdline>]",
         "create a domain from an image module, paused unless 'start'", 1, HVSH_ARGS_ANY,
         cmd_create},
        {"pause", "<dom>", "pause a running domain", 1, 1, cmd_pause},
        {"unpause", "<dom>", "start a created domain or resume a paused one", 1, 1, cmd_unpause},
        {"destroy", "<dom>", "destroy a domain", 1, 1, cmd_destroy},
        {"reset", "<dom>", "rebuild a domain from its image and start it again", 1, 1, cmd_reset},
        {"crash", "<dom> destroy|restart|keep", "set what a crash of the domain does", 2, 2,
         cmd_crash},
        {"console", "<dom> [all]", "print its console output since the last time (all: all kept)",
         1, 2, cmd_console},
        {"sched", "<dom> [weight=] [cap=] [warp=] [limit=] [unwarp=]",
         "show or set a domain's scheduling parameters", 1, 6, cmd_sched},
        {"pool", "[list|create|destroy|sched|move|cpu ...]", "list and manage CPU pools", 0,
         HVSH_ARGS_ANY, cmd_pool},
        {"connect", "<dom> <dom>", "connect two domains by an event channel", 2, 2, cmd_connect},
        {"counters", "", "the hypervisor's resource counters", 0, 0, cmd_counters},
        {"wallclock", "<seconds>", "set the wall clock (seconds since 1970)", 1, 1, cmd_wallclock},
        {"sleep", "<time>", "wait (ms, or with a unit: ns, us, ms, s)", 1, 1, cmd_sleep},
        {"wait", "<dom> <state> [timeout]",
         "wait until a domain is in a state (started, ended too), 10 s at most", 2, 3, cmd_wait},
        {"echo", "[text]", "print the text", 0, HVSH_ARGS_ANY, cmd_echo},
        {"onerror", "[continue|stop|fail]", "what a failed command does next", 0, 1, cmd_onerror},
        {"poweroff", "", "destroy the other domains and power domain 0 off", 0, 0, cmd_poweroff},
        {"quit", "", "the same as poweroff", 0, 0, cmd_poweroff},
};

static const size_t builtin_count = ARRAY_SIZE(builtins);

static const struct hvsh_command *find_command(const char *name)
{
	if (sh.cfg != NULL) {
		for (size_t i = 0; i < sh.cfg->command_count; i++) {
			if (str_eq(sh.cfg->commands[i].name, name)) {
				return &sh.cfg->commands[i];
			}
		}
	}
	for (size_t i = 0; i < builtin_count; i++) {
		if (str_eq(builtins[i].name, name)) {
			return &builtins[i];
		}
	}
	return NULL;
}

static void print_usage(const struct hvsh_command *c)
{
	char left[40];
	size_t len = hv_strlen(c->name) + 1 + hv_strlen(c->args);

	if (len < sizeof(left) - 1) {
		hvg_snprintf(left, sizeof(left), "%s %s", c->name, c->args);
		say("  %-38s %s\n", left, c->help);
	} else {
		say("  %s %s\n", c->name, c->args);
		say("  %-38s %s\n", "", c->help);
	}
}

static int cmd_help(int argc, char **argv)
{
	if (argc == 2) {
		const struct hvsh_command *c = find_command(argv[1]);

		if (c == NULL) {
			return hvsh_error(0, "unknown command '%s'", argv[1]);
		}
		print_usage(c);
		return 0;
	}
	say("commands (several on a line: separated by ';' or ','; <dom> is an id or a "
	    "name):\n");
	if (sh.cfg != NULL) {
		for (size_t i = 0; i < sh.cfg->command_count; i++) {
			print_usage(&sh.cfg->commands[i]);
		}
	}
	for (size_t i = 0; i < builtin_count; i++) {
		if (find_command(builtins[i].name) == &builtins[i]) {
			print_usage(&builtins[i]);
		}
	}
	return 0;
}

/* --- Running commands -------------------------------------------------------------------- */

/* Runs one command (not yet split into words); returns 0 or its error. */
static int run_command(char *cmd)
{
	char *argv[HVSH_ARGS_MAX];
	const struct hvsh_command *c;
	const char *outer = sh.command; /* a command running hvsh_run_line() */
	int argc = hvsh_split(cmd, argv, HVSH_ARGS_MAX);
	int rc;

	sh.command = NULL;
	if (argc == 0) {
		sh.command = outer;
		return 0;
	}
	/* Keep the hypervisor's small input ring from overflowing while commands run. */
	input_pull();
	sh.commands++;
	if (argc == -HV_E2BIG) {
		rc = hvsh_error(0, "more than %d words", HVSH_ARGS_MAX);
	} else if (argc < 0) {
		rc = hvsh_error(0, "a quote is not closed");
	} else if ((c = find_command(argv[0])) == NULL) {
		say("error: unknown command '%s' (try help)\n", argv[0]);
		rc = -HV_ENOENT;
	} else {
		sh.command = c->name;
		if (argc - 1 < c->min_args) {
			rc = hvsh_error(0, "missing arguments (usage: %s %s)", c->name, c->args);
		} else if (c->max_args != HVSH_ARGS_ANY && argc - 1 > c->max_args) {
			rc = hvsh_error(0, "too many arguments (usage: %s %s)", c->name, c->args);
		} else {
			rc = c->run(argc, argv);
		}
	}
	sh.command = outer;
	if (rc == 0) {
		return 0;
	}
	sh.failures++;
	if (sh.onerror == ONERROR_FAIL && !sh.stop) {
		say("onerror fail: the appliance ends with a failure\n");
		sh.stop = true;
		sh.result = 1;
	} else if (sh.onerror == ONERROR_STOP) {
		sh.halted = true;
	}
	return rc;
}

static bool is_blank_line(const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s != ' ' && *s != '\t') {
			return false;
		}
	}
	return true;
}

/* Runs the commands of a line, echoing each first if 'echo'; returns how many failed. */
static int run_commands(char *line, bool echo)
{
	char *cursor = line;
	char *cmd;
	int failed = 0;

	sh.halted = false;
	while (!sh.stop && (cmd = hvsh_next_command(&cursor)) != NULL) {
		while (*cmd == ' ' || *cmd == '\t') {
			cmd++;
		}
		if (is_blank_line(cmd)) {
			continue;
		}
		if (sh.halted) {
			say("onerror stop: skipped '%s'\n", cmd);
			continue;
		}
		report_changes(false);
		if (echo) {
			say("hv> %s\n", cmd);
		}
		failed += run_command(cmd) != 0;
	}
	return failed;
}

int hvsh_run_line(char *line)
{
	return run_commands(line, false);
}

static void run_script(const char *script)
{
	static char buf[sizeof(sh.si->cmdline)];
	uint64_t before = sh.commands;
	int failed;

	hv_strlcpy(buf, script, sizeof(buf));
	say("running the script on the command line\n");
	failed = run_commands(buf, true);
	say("script done: %llu commands, %d failed\n", (unsigned long long)(sh.commands - before),
	    failed);
}

/* A line typed on the console is complete. */
static void on_line(struct hvsh_line *l)
{
	static char copy[HVSH_LINE_MAX + 1];

	if (l->overflow) {
		say("hv> %.40s...\n", l->buf);
		sh.command = NULL;
		hvsh_error(0, "line longer than %d characters: ignored", HVSH_LINE_MAX);
		return;
	}
	if (is_blank_line(l->buf)) {
		return;
	}
	say("hv> %s\n", l->buf);
	hv_strlcpy(copy, l->buf, sizeof(copy));
	run_commands(copy, false);
}

static void interact(void)
{
	say("reading commands from the console ('help' lists them; a line shows when "
	    "Enter ends it)\n");
	hvsh_line_clear(&sh.line);
	while (!sh.stop) {
		int c;

		report_changes(false);
		if (sh.input_lost != sh.input_lost_told) {
			say("warning: %llu bytes of console input lost (typed too fast)\n",
			    (unsigned long long)(sh.input_lost - sh.input_lost_told));
			sh.input_lost_told = sh.input_lost;
		}
		c = input_get();
		if (c < 0) {
			input_pull();
			if (sh.input_count == 0) {
				/* A deadline: the hypervisor reads the port when it wakes. */
				hvg_block(hvg_time_ns() + POLL_NS);
			}
			continue;
		}
		switch (hvsh_line_feed(&sh.line, (char)c)) {
		case HVSH_EDIT_DONE:
			on_line(&sh.line);
			break;
		case HVSH_EDIT_CANCEL:
			say("hv> ^C\n");
			break;
		default:
			break;
		}
	}
}

/* Destroys every other domain that has not ended; returns how many. */
static int end_others(void)
{
	int n = hvctl_domain_list(domains, MAX_DOMAINS);
	int ended = 0;

	for (int i = 0; i < n && i < MAX_DOMAINS; i++) {
		const struct hv_domctl_info *d = &domains[i];

		if (!is_self((int)d->domid) && d->state != HV_DOMCTL_STATE_DEAD &&
		    hvctl_domain_destroy((uint16_t)d->domid) == 0) {
			ended++;
		}
	}
	return ended;
}

int hvsh_main(const struct hv_start_info *si, const struct hvsh_config *cfg)
{
	const char *script;
	int ended;
	int rc;

	/* Input may be waiting already, and the hypervisor's ring is small. */
	input_pull();
	sh.si = si;
	sh.cfg = cfg;
	sh.onerror = ONERROR_CONTINUE;
	hvg_on_event(si->virq_port[HV_VIRQ_CONSOLE], on_console, NULL);
	hvg_on_event(si->virq_port[HV_VIRQ_DOM_EXC], on_domain_exception, NULL);
	rc = hvg_trap_init();
	if (rc != 0) {
		say("shell: cannot set up exception and event handling: %s\n", hv_strerror(rc));
		return 1;
	}
	if ((si->flags & HV_START_F_CONTROL) == 0) {
		say("shell: domain %u '%s' is not the control domain: no shell\n", si->domid,
		    si->name);
		return 1;
	}
	if (cfg != NULL && cfg->banner != NULL) {
		say("%s\n", cfg->banner);
	} else {
		say("libhv shell on domain %u '%s', ABI %u.%u\n", si->domid, si->name,
		    si->abi_version >> 16, si->abi_version & 0xffff);
	}
	report_changes(true);
	script = hvsh_script(si->cmdline);
	if (script != NULL) {
		run_script(script);
	}
	if (!sh.stop) {
		interact();
	}
	ended = end_others();
	say("%llu commands (%llu failed), %d other domain%s destroyed: domain 0 %s\n",
	    (unsigned long long)sh.commands, (unsigned long long)sh.failures, ended,
	    ended == 1 ? "" : "s",
	    sh.result == 0 ? "powers off" : "crashes (a failed command, onerror fail)");
	return sh.result;
}
