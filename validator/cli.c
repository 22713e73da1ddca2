/* ssp_validator's command line (see cli.h). */
#include "config.h"

#include "validator/cli.h"

#include "ledger/ssp_ledger.h"
#include "boinc/ssp_validate.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void vcli_usage(FILE *out)
{
	fprintf(out,
		"Usage: ssp_validator --app NAME [options]\n"
		"Validates the results of a BOINC app by quorum, grants credit and turns every\n"
		"credit into a signed ShareClaim (SmartShare proof-of-share). Run it from the\n"
		"project directory as a BOINC daemon (config.xml <daemons>). Every option takes\n"
		"one dash or two, as BOINC's.\n\n"
		"BOINC validator options:\n"
		"  --app NAME               the app whose results are validated (required)\n"
		"  --one_pass               one pass over the work units, then exit\n"
		"  --one_pass_N_WU N        decide at most N work units, then exit\n"
		"  --mod N I                only work units with id mod N == I\n"
		"  --min_wu_id N, --max_wu_id N  only work units with id >= N / <= N\n"
		"  --wu_id N                only work unit N, one pass\n"
		"  --sleep_interval S       seconds to sleep when idle (default 5)\n"
		"  -d N, --debug_level N    log level 1 critical .. 4 detail (default 2)\n"
		"  --dry_run                decide and log, write nothing\n"
		"  --credit_from_wu         grant workunit.canonical_credit\n"
		"  --credit_from_runtime    grant the lowest claim of the quorum: receipt CPU time\n"
		"                           (at most the time the server saw x the host's CPUs)\n"
		"                           x host p_fpops\n"
		"  --max_granted_credit X   cap on the credit of one result (default 73000000)\n"
		"  --no_credit              valid results get no credit (nor claims)\n"
		"  --update_credited_job    record (user, workunit.opaque) in credited_job\n"
		"  --post_assigned_credit, --check_punitive  refused (see ssp_validator(8))\n"
		"  -h, --help; -v, --version\n"
		"  other options go to the comparison plug-in (ssp.conf [validator] plugin)\n"
		"SmartShare options:\n"
		"  --trust_one_host_runtime let --credit_from_runtime set the credit of a work\n"
		"                           unit of quorum 1 (one host then names its own credit,\n"
		"                           up to what the server saw; default: rsc_fpops_est)\n"
		"  --tolerance T            compare outputs as whitespace-separated numbers within\n"
		"                           relative tolerance T (default: bitwise, by SHA-256)\n"
		"  --max_output_bytes N     an output file larger than this is invalid (default 64 MiB)\n"
		"  --project_dir DIR        the BOINC project directory (default: $BOINC_PROJECT_DIR,\n"
		"                           else . or .. whichever holds config.xml)\n"
		"  --conf FILE              ssp.conf, optional (default: PROJECT_DIR/ssp.conf;\n"
		"                           --config too): its master_url must match config.xml\n"
		"  --chunk N                work units read per query (default 500)\n"
		"  --threads N              work units decided and written in parallel, each\n"
		"                           thread on its own database connection (default 1)\n"
		"(--batch_size, --batch_window and --claim_interval are ssp_signer's since validating\n"
		"and signing were split: accepted and ignored, so older <cmd> lines still start.)\n"
		"Exit status: 0 stopped normally, 2 usage, 3 configuration, 4 database.\n");
}

static int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end || errno || v > max)
		return -1;
	*out = v;
	return 0;
}

static int parse_double(const char *s, double *out)
{
	char *end;
	double v;

	if (!s || !*s)
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (*end || errno || !isfinite(v) || v < 0)
		return -1;
	*out = v;
	return 0;
}

/* BOINC's is_arg: "-name" or "--name". */
static int is_arg(const char *a, const char *name)
{
	if (a[0] != '-')
		return 0;
	a += a[1] == '-' ? 2 : 1;
	return !strcmp(a, name);
}

enum {
	A_APP, A_ONE_PASS_N, A_ONE_PASS, A_SLEEP, A_DRY, A_DEBUG, A_MOD, A_MIN_WU, A_MAX_WU,
	A_MAXCR, A_UCJ, A_CR_WU, A_POST, A_CR_RT, A_NO_CREDIT, A_WU_ID, A_PUNITIVE, A_HELP,
	A_VERSION, A_TRUST1, A_TOL, A_BSIZE, A_BWIN, A_MAXOUT, A_PDIR, A_CONF, A_CHUNK,
	A_CLAIMINT, A_THREADS
};

static const struct {
	const char *name;
	int id, nargs;
} opts[] = {
	/* BOINC's (sched/validator.cpp main) */
	{ "app", A_APP, 1 }, { "one_pass_N_WU", A_ONE_PASS_N, 1 }, { "one_pass", A_ONE_PASS, 0 },
	{ "sleep_interval", A_SLEEP, 1 }, { "dry_run", A_DRY, 0 }, { "d", A_DEBUG, 1 },
	{ "debug_level", A_DEBUG, 1 }, { "mod", A_MOD, 2 }, { "min_wu_id", A_MIN_WU, 1 },
	{ "max_wu_id", A_MAX_WU, 1 }, { "max_granted_credit", A_MAXCR, 1 },
	{ "update_credited_job", A_UCJ, 0 }, { "credit_from_wu", A_CR_WU, 0 },
	{ "post_assigned_credit", A_POST, 0 }, { "credit_from_runtime", A_CR_RT, 0 },
	{ "no_credit", A_NO_CREDIT, 0 }, { "wu_id", A_WU_ID, 1 },
	{ "check_punitive", A_PUNITIVE, 0 }, { "h", A_HELP, 0 }, { "help", A_HELP, 0 },
	{ "v", A_VERSION, 0 }, { "version", A_VERSION, 0 },
	/* ours */
	{ "trust_one_host_runtime", A_TRUST1, 0 }, { "tolerance", A_TOL, 1 },
	{ "batch_size", A_BSIZE, 1 }, { "batch_window", A_BWIN, 1 },
	{ "max_output_bytes", A_MAXOUT, 1 }, { "project_dir", A_PDIR, 1 }, { "conf", A_CONF, 1 },
	{ "config", A_CONF, 1 }, { "chunk", A_CHUNK, 1 }, { "claim_interval", A_CLAIMINT, 1 },
	{ "threads", A_THREADS, 1 },
};

#define BAD(...) do { snprintf(err, errcap, __VA_ARGS__); return 2; } while (0)

int vcli_parse(int argc, char **argv, vcli *c, char *err, size_t errcap)
{
	uint64_t v;

	memset(c, 0, sizeof(*c));
	c->sleep_interval = 5;
	c->level = 2;
	c->vc.vopts.credit_mode = SSP_CREDIT_FPOPS_EST;
	c->vc.vopts.max_granted_credit = SSP_DEFAULT_MAX_GRANTED_CREDIT;
	c->vc.vopts.comparator = SSP_CMP_BITWISE;
	c->vc.vopts.max_output_bytes = 64ULL << 20;
	c->extra[c->nextra++] = argv[0];
	err[0] = '\0';
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *x = NULL, *y = NULL;
		size_t k;

		for (k = 0; k < sizeof(opts) / sizeof(opts[0]); k++)
			if (is_arg(a, opts[k].name))
				break;
		if (k == sizeof(opts) / sizeof(opts[0])) {
			/* BOINC passes options it does not know to the project's code */
			if (c->nextra >= VCLI_MAX_EXTRA)
				BAD("too many options for the plug-in");
			c->extra[c->nextra++] = argv[i];
			continue;
		}
		if (i + opts[k].nargs >= argc)
			BAD("%s needs %s", a, opts[k].nargs == 2 ? "two arguments" : "an argument");
		if (opts[k].nargs >= 1)
			x = argv[++i];
		if (opts[k].nargs == 2)
			y = argv[++i];
		switch (opts[k].id) {
		case A_APP:
			c->app = x;
			break;
		case A_ONE_PASS_N:
			if (parse_u64(x, UINT32_MAX, &c->vc.max_wus) || !c->vc.max_wus)
				BAD("%s needs a count above 0", a);
			c->one_pass = 1;
			break;
		case A_ONE_PASS:
			c->one_pass = 1;
			break;
		case A_SLEEP:
			if (parse_u64(x, 86400, &c->sleep_interval))
				BAD("bad %s %s", a, x);
			break;
		case A_DRY:
			c->vc.dry_run = 1;
			break;
		case A_DEBUG:
			if (parse_u64(x, 4, &c->level) || c->level < 1)
				BAD("%s needs 1..4", a);
			break;
		case A_MOD:
			if (parse_u64(x, 1000000, &v) || v == 0)
				BAD("%s needs N I with 0 <= I < N", a);
			c->vc.mod_n = (unsigned)v;
			if (parse_u64(y, c->vc.mod_n - 1, &v))
				BAD("%s needs N I with 0 <= I < N", a);
			c->vc.mod_i = (unsigned)v;
			break;
		case A_MIN_WU:
			if (parse_u64(x, UINT32_MAX, &c->vc.min_wu_id))
				BAD("bad %s %s", a, x);
			break;
		case A_MAX_WU:
			if (parse_u64(x, UINT32_MAX, &c->vc.max_wu_id))
				BAD("bad %s %s", a, x);
			break;
		case A_WU_ID:
			if (parse_u64(x, UINT32_MAX, &v) || !v)
				BAD("bad %s %s", a, x);
			c->vc.min_wu_id = c->vc.max_wu_id = v;
			c->one_pass = 1;
			break;
		case A_MAXCR:
			if (parse_double(x, &c->vc.vopts.max_granted_credit))
				BAD("bad %s %s", a, x);
			break;
		case A_UCJ:
			c->vc.bdb.update_credited_job = 1;
			break;
		case A_CR_WU:
			c->vc.vopts.credit_mode = SSP_CREDIT_FROM_WU;
			break;
		case A_CR_RT:
			c->vc.vopts.credit_mode = SSP_CREDIT_FROM_RUNTIME;
			break;
		case A_NO_CREDIT:
			c->vc.vopts.no_credit = 1;
			break;
		case A_POST:
			BAD("%s is refused: BOINC takes the credit from the claimed_credit its project's"
			    " init_result sets; here credit comes from the work unit, the runtime or the"
			    " estimate (--credit_from_wu, --credit_from_runtime, default)", a);
		case A_PUNITIVE:
			BAD("%s is refused: it needs a project's init_result reporting long-term"
			    " failures, which the plug-in interface does not carry", a);
		case A_HELP:
			c->help = 1;
			return 0;
		case A_VERSION:
			c->version = 1;
			return 0;
		case A_TRUST1:
			c->vc.vopts.runtime_unreplicated = 1;
			break;
		case A_TOL:
			if (parse_double(x, &c->vc.vopts.tolerance))
				BAD("bad %s %s", a, x);
			c->vc.vopts.comparator = SSP_CMP_NUMERIC;
			break;
		case A_BSIZE:
			if (parse_u64(x, SSP_LEDGER_MAX_BATCH_CLAIMS, &c->batch_size) || !c->batch_size)
				BAD("bad %s %s", a, x);
			break;
		case A_BWIN:
			if (parse_u64(x, 365 * 86400ULL, &c->batch_window) || !c->batch_window)
				BAD("bad %s %s", a, x);
			break;
		case A_MAXOUT:
			if (parse_u64(x, 1ULL << 40, &c->vc.vopts.max_output_bytes))
				BAD("bad %s %s", a, x);
			break;
		case A_PDIR:
			c->project_dir = x;
			break;
		case A_CONF:
			c->conf_path = x;
			break;
		case A_CHUNK:
			if (parse_u64(x, 100000, &v) || !v)
				BAD("bad %s %s", a, x);
			c->vc.chunk = (unsigned)v;
			break;
		case A_CLAIMINT:
			if (parse_u64(x, 86400, &v))
				BAD("bad %s %s", a, x);
			(void)v; /* ssp_signer's now */
			break;
		case A_THREADS:
			if (parse_u64(x, 64, &v) || !v)
				BAD("%s needs 1..64", a);
			c->vc.threads = (unsigned)v;
			break;
		default:
			BAD("internal error on %s", a);
		}
	}
	c->extra[c->nextra] = NULL;
	if (!c->app)
		BAD("--app is required (BOINC: must use '--app' to specify an application)");
	/* BOINC: "if use credit_from_runtime, must specify max credit" */
	if (c->vc.vopts.credit_mode == SSP_CREDIT_FROM_RUNTIME && c->vc.vopts.max_granted_credit == 0)
		BAD("--credit_from_runtime needs --max_granted_credit above 0");
	if (c->vc.min_wu_id && c->vc.max_wu_id && c->vc.min_wu_id > c->vc.max_wu_id)
		BAD("--min_wu_id is above --max_wu_id");
	return 0;
}
