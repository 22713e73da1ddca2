/* ssp_sci: a small, real, CPU-bound science application for ssp_wrapper (and BOINC's wrapper).
 *
 * It knows nothing of BOINC. It reads "START COUNT" from stdin and computes, for every n in
 * [START, START+COUNT), the number of Collatz steps of n (3n+1 / n/2 until 1). It writes one
 * deterministic result line: the longest chain and where it starts, the total number of steps
 * and an FNV-1a hash of all step counts. While it runs it writes its progress to a fraction-done
 * file and, every --interval seconds (default 60, BOINC's default checkpoint period), a
 * checkpoint from which a new run resumes; the result does not depend on how often it was
 * stopped and restarted.
 *
 *   ssp_sci [--output FILE] [--checkpoint FILE] [--fraction FILE] [--interval SECONDS] < input
 *   ssp_sci --selftest          checks the arithmetic against published values, exit 0 or 1
 *   ssp_sci --calibrate SECONDS prints a COUNT that takes about SECONDS of CPU from START 1
 *
 * Exit status: 0 done, 1 selftest failure, 2 bad usage or input, 3 I/O error. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define CKPT_MAGIC "ssp_sci-checkpoint"
#define CKPT_VERSION 1

struct state {
	uint64_t start, count, next;
	uint64_t total, fnv, argmax;
	uint32_t max_steps;
};

static uint32_t collatz_steps(uint64_t n)
{
	uint32_t s = 0;

	while (n != 1) {
		n = (n & 1) ? 3 * n + 1 : n >> 1;
		s++;
	}
	return s;
}

static void step(struct state *st)
{
	uint32_t s = collatz_steps(st->next);

	if (s > st->max_steps) {
		st->max_steps = s;
		st->argmax = st->next;
	}
	st->total += s;
	for (int k = 0; k < 4; k++) {
		st->fnv ^= (s >> (8 * k)) & 0xff;
		st->fnv *= 1099511628211ULL;
	}
	st->next++;
}

static double cpu_seconds(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
	       ru.ru_stime.tv_usec / 1e6;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Writes text to path through a temporary file and rename(), so a reader never sees half. */
static int write_atomic(const char *path, const char *text)
{
	char tmp[4096];
	FILE *f;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -1;
	f = fopen(tmp, "w");
	if (f == NULL)
		return -1;
	if (fputs(text, f) == EOF || fflush(f) != 0 || fsync(fileno(f)) != 0) {
		fclose(f);
		return -1;
	}
	if (fclose(f) != 0)
		return -1;
	return rename(tmp, path);
}

static int save(const char *path, const struct state *st)
{
	char buf[512];

	snprintf(buf, sizeof(buf), CKPT_MAGIC " %d %llu %llu %llu %llu %llu %llu %u\n", CKPT_VERSION,
		 (unsigned long long)st->start, (unsigned long long)st->count,
		 (unsigned long long)st->next, (unsigned long long)st->total,
		 (unsigned long long)st->fnv, (unsigned long long)st->argmax, st->max_steps);
	return write_atomic(path, buf);
}

/* Loads a checkpoint for the same START COUNT; 0 when one was loaded. */
static int load(const char *path, struct state *st)
{
	unsigned long long v[6];
	unsigned mx;
	char magic[64];
	FILE *f = fopen(path, "r");
	int n, version;

	if (f == NULL)
		return -1;
	n = fscanf(f, "%63s %d %llu %llu %llu %llu %llu %llu %u", magic, &version, &v[0], &v[1], &v[2],
		   &v[3], &v[4], &v[5], &mx);
	fclose(f);
	if (n != 9 || strcmp(magic, CKPT_MAGIC) != 0 || version != CKPT_VERSION || v[0] != st->start ||
	    v[1] != st->count || v[2] < st->start || v[2] > st->start + st->count)
		return -1;
	st->next = v[2];
	st->total = v[3];
	st->fnv = v[4];
	st->argmax = v[5];
	st->max_steps = mx;
	return 0;
}

static int selftest(void)
{
	/* Published values (OEIS A006877 and the Project Euler 14 statement): below 10^5 the
	 * longest chain starts at 77031 (350 steps); below 10^6 at 837799 (524 steps); 27 takes 111. */
	struct state st = { 1, 999999, 1, 0, 14695981039346656037ULL, 0, 0 };
	int ok = collatz_steps(27) == 111;

	while (st.next < 100000)
		step(&st);
	ok = ok && st.argmax == 77031 && st.max_steps == 350;
	while (st.next < 1000000)
		step(&st);
	ok = ok && st.argmax == 837799 && st.max_steps == 524;
	fprintf(stderr, "ssp_sci: selftest %s\n", ok ? "passed" : "FAILED");
	return ok ? 0 : 1;
}

static int calibrate(double seconds)
{
	struct state st = { 1, 0, 1, 0, 14695981039346656037ULL, 0, 0 };
	double t0 = cpu_seconds(), rate;

	while (cpu_seconds() - t0 < 0.5)
		for (int k = 0; k < 65536; k++)
			step(&st);
	rate = (double)(st.next - 1) / (cpu_seconds() - t0);
	/* Chains grow slowly with n: allow ~10% for the larger numbers of a longer run. */
	printf("%llu\n", (unsigned long long)(rate * seconds * 0.9) + 1);
	return 0;
}

int main(int argc, char **argv)
{
	const char *out_path = NULL, *ckpt = NULL, *frac = NULL;
	double interval = 60.0, last_ckpt, last_frac, t_start = cpu_seconds();
	struct state st = { 0, 0, 0, 0, 14695981039346656037ULL, 0, 0 };
	unsigned long long a, b;
	char line[512];
	FILE *out;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--selftest") == 0)
			return selftest();
		if (strcmp(argv[i], "--calibrate") == 0 && i + 1 < argc)
			return calibrate(strtod(argv[++i], NULL));
		if (strcmp(argv[i], "--output") == 0 && i + 1 < argc)
			out_path = argv[++i];
		else if (strcmp(argv[i], "--checkpoint") == 0 && i + 1 < argc)
			ckpt = argv[++i];
		else if (strcmp(argv[i], "--fraction") == 0 && i + 1 < argc)
			frac = argv[++i];
		else if (strcmp(argv[i], "--interval") == 0 && i + 1 < argc)
			interval = strtod(argv[++i], NULL);
		else {
			fprintf(stderr, "ssp_sci: unknown option %s\n", argv[i]);
			return 2;
		}
	}
	if (fgets(line, sizeof(line), stdin) == NULL || sscanf(line, "%llu %llu", &a, &b) != 2 || a == 0 ||
	    b == 0 || a > (1ULL << 40) || b > (1ULL << 40)) {
		fprintf(stderr, "ssp_sci: bad input: expected \"START COUNT\", two positive integers\n");
		return 2;
	}
	st.start = st.next = a;
	st.count = b;
	if (ckpt && load(ckpt, &st) == 0)
		fprintf(stderr, "ssp_sci: resuming at n=%llu (%.1f%% done)\n", (unsigned long long)st.next,
			100.0 * (double)(st.next - st.start) / (double)st.count);
	else
		fprintf(stderr, "ssp_sci: starting at n=%llu, %llu numbers\n", a, b);
	last_ckpt = last_frac = now();
	while (st.next < st.start + st.count) {
		uint64_t end = st.next + 65536;
		double t;

		if (end > st.start + st.count)
			end = st.start + st.count;
		while (st.next < end)
			step(&st);
		t = now();
		if (frac && t - last_frac >= 0.5) {
			char buf[64];

			snprintf(buf, sizeof(buf), "%.6f\n", (double)(st.next - st.start) / (double)st.count);
			write_atomic(frac, buf);
			last_frac = t;
		}
		if (ckpt && t - last_ckpt >= interval) {
			if (save(ckpt, &st) != 0) {
				fprintf(stderr, "ssp_sci: cannot write checkpoint %s: %s\n", ckpt, strerror(errno));
				return 3;
			}
			last_ckpt = t;
		}
	}
	if (ckpt && save(ckpt, &st) != 0)
		return 3;
	if (frac)
		write_atomic(frac, "1.000000\n");
	out = out_path ? fopen(out_path, "w") : stdout;
	if (out == NULL) {
		fprintf(stderr, "ssp_sci: cannot open %s: %s\n", out_path, strerror(errno));
		return 3;
	}
	fprintf(out, "ssp_sci 1 start=%llu count=%llu max_steps=%u argmax=%llu total_steps=%llu fnv=%016llx\n",
		(unsigned long long)st.start, (unsigned long long)st.count, st.max_steps,
		(unsigned long long)st.argmax, (unsigned long long)st.total, (unsigned long long)st.fnv);
	if (fflush(out) != 0 || (out_path && fclose(out) != 0)) {
		fprintf(stderr, "ssp_sci: cannot write the result: %s\n", strerror(errno));
		return 3;
	}
	fprintf(stderr, "ssp_sci: done; cpu this run %.3f s\n", cpu_seconds() - t_start);
	return 0;
}
