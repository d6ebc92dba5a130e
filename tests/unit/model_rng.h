/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared helpers of the model-based tests (test_*_model.c), which run
 * random sequences of operations against the core and against a simple
 * reference model and compare the two after every operation.
 *
 * - A small deterministic generator (splitmix64): a run is a function of
 *   its seed alone.
 * - The runs a test makes: seeds base, base + 1, ... (model_runs() of
 *   them), the base a fixed default unless HV_TEST_SEED is set;
 *   HV_TEST_RUNS and HV_TEST_OPS change how many runs and how many
 *   operations each (HV_TEST_SEED=s HV_TEST_RUNS=1 replays one run).
 * - Failure reports: every check that fails prints the seed, the index of
 *   the operation and the last few operations (model_note()) before
 *   failing the test, so a failure can be replayed.
 *
 * Include after <cmocka.h>.
 */
#ifndef HV_TESTS_UNIT_MODEL_RNG_H
#define HV_TESTS_UNIT_MODEL_RNG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <hv/config.h>

#define MODEL_HISTORY  12
#define MODEL_NOTE_MAX 160

struct model_run {
	uint64_t seed;
	uint64_t state;
	unsigned long op; /* index of the operation in the run; ~0ul: outside the random part */
	char history[MODEL_HISTORY][MODEL_NOTE_MAX];
	unsigned long notes;
};

static struct model_run model_run;

static inline uint64_t model_env(const char *name, uint64_t fallback)
{
	const char *s = getenv(name);
	char *end = NULL;
	unsigned long long v;

	if (s == NULL || *s == '\0') {
		return fallback;
	}
	v = strtoull(s, &end, 0);
	return end != NULL && *end == '\0' ? (uint64_t)v : fallback;
}

/* The first seed: HV_TEST_SEED, else 'fallback'. */
static inline uint64_t model_seed_base(uint64_t fallback)
{
	return model_env("HV_TEST_SEED", fallback);
}

/* Runs to make: HV_TEST_RUNS, else 'fallback' (or 1 when HV_TEST_SEED is set). */
static inline unsigned int model_runs(unsigned int fallback)
{
	const char *seed = getenv("HV_TEST_SEED");

	if (seed != NULL && *seed != '\0') {
		fallback = 1;
	}
	return (unsigned int)model_env("HV_TEST_RUNS", fallback);
}

/* Operations per run: HV_TEST_OPS, else 'fallback'. */
static inline unsigned long model_ops(unsigned long fallback)
{
	return (unsigned long)model_env("HV_TEST_OPS", fallback);
}

static inline void model_begin(uint64_t seed)
{
	model_run.seed = seed;
	model_run.state = seed;
	model_run.op = ~0ul;
	model_run.notes = 0;
	/* One line per run, so that even a crash of the sanitizers names its seed. */
	printf("model: seed %llu\n", (unsigned long long)seed);
	fflush(stdout);
}

static inline uint64_t model_next(void)
{
	uint64_t z = (model_run.state += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* A number in [0, n); 0 if n is 0. */
static inline uint64_t model_below(uint64_t n)
{
	return n == 0 ? 0 : model_next() % n;
}

/* True with probability pct in 100. */
static inline bool model_chance(unsigned int pct)
{
	return model_below(100) < pct;
}

/* Records what the next operation is, for the failure report. */
static inline void model_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline void model_note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(model_run.history[model_run.notes % MODEL_HISTORY], MODEL_NOTE_MAX, fmt, ap);
	va_end(ap);
	model_run.notes++;
}

static inline void model_vfail(const char *fmt, va_list ap)
{
	char what[256];
	unsigned long first = model_run.notes > MODEL_HISTORY ? model_run.notes - MODEL_HISTORY : 0;

	vsnprintf(what, sizeof(what), fmt, ap);
	if (model_run.op == ~0ul) {
		fprintf(stderr, "model: FAILED outside the random sequence (seed %llu)\n",
		        (unsigned long long)model_run.seed);
	} else {
		fprintf(stderr,
		        "model: FAILED with seed %llu at op %lu (replay: HV_TEST_SEED=%llu)\n",
		        (unsigned long long)model_run.seed, model_run.op,
		        (unsigned long long)model_run.seed);
	}
	for (unsigned long i = first; i < model_run.notes; i++) {
		fprintf(stderr, "model:   %s\n", model_run.history[i % MODEL_HISTORY]);
	}
	fprintf(stderr, "model: %s\n", what);
	fail_msg("seed %llu op %ld: %s", (unsigned long long)model_run.seed, (long)model_run.op,
	         what);
}

static inline void model_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline void model_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	model_vfail(fmt, ap);
	va_end(ap);
}

/* Fails unless got == want; 'fmt' names what was compared. */
static inline void model_eq(long long got, long long want, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
static inline void model_eq(long long got, long long want, const char *fmt, ...)
{
	char what[200];
	va_list ap;

	if (got == want) {
		return;
	}
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	model_fail("%s: core %lld, model %lld", what, got, want);
}

/* One of 0..n-1 for which ok() holds, at random; n if none does. */
static inline unsigned int model_pick_where(unsigned int n, bool (*ok)(uint64_t id))
{
	unsigned int found[HV_CONFIG_MAX_DOMAINS];
	unsigned int count = 0;

	for (unsigned int id = 0; id < n && id < HV_CONFIG_MAX_DOMAINS; id++) {
		if (ok(id)) {
			found[count++] = id;
		}
	}
	return count == 0 ? n : found[model_below(count)];
}

/*
 * A domain identifier for an operation: in 'ours' of 20 draws one of the
 * test's n domains (live or not), in 'slots' of 20 an empty slot, else one
 * out of range (past the last slot, or 'huge').
 */
static inline uint64_t model_pick_domid(unsigned int n, unsigned int ours, unsigned int slots,
                                        uint64_t huge)
{
	uint64_t r = model_below(20);

	if (r < ours) {
		return model_below(n);
	}
	if (r < ours + slots) {
		return n + model_below(HV_CONFIG_MAX_DOMAINS - n);
	}
	return model_chance(50) ? HV_CONFIG_MAX_DOMAINS + model_below(1000) : huge;
}

/*
 * The random-sequence test of a model: for each of the runs (seeds from
 * HV_TEST_SEED or 'seed' on), set up, then 'ops' operations each followed
 * by a full check, then tear down (NULL: nothing).
 */
static inline void model_sequences(uint64_t seed, unsigned int runs, unsigned long ops,
                                   void (*setup)(void), void (*op)(void), void (*check)(void),
                                   void (*teardown)(void))
{
	uint64_t base = model_seed_base(seed);
	unsigned int count = model_runs(runs);
	unsigned long n = model_ops(ops);

	for (unsigned int run = 0; run < count; run++) {
		model_begin(base + run);
		setup();
		for (model_run.op = 0; model_run.op < n; model_run.op++) {
			op();
			check();
		}
		if (teardown != NULL) {
			teardown();
		}
	}
}

#endif /* HV_TESTS_UNIT_MODEL_RNG_H */
