/* ssp_validator: the BOINC validator daemon of SmartShare proof-of-share.
 * Options as BOINC's validator; the work is done by lib/ssp_validate_engine. It writes
 * only to the BOINC database (credit and its outbox row in one transaction): the signing
 * key and the ledger are ssp_signer's. */
#include "config.h"

#include "boincdb/ssp_boincdb.h"
#include "core/ssp_conf.h"
#include "core/ssp_log.h"
#include "boinc/ssp_projcfg.h"
#include "boinc/ssp_validate.h"
#include "boincdb/ssp_signer.h"
#include "boincdb/ssp_validate_engine.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum { EXIT_USAGE = 2, EXIT_CONFIG = 3, EXIT_DB = 4 };

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: ssp_validator --app NAME [options]\n"
		"Validates the results of a BOINC app by quorum and grants credit, writing each\n"
		"credit with its outbox row for ssp_signer (SmartShare proof-of-share), which\n"
		"holds the key and the ledger. Run it from the project directory as a BOINC\n"
		"daemon (config.xml <daemons>), on any host, any number with --mod.\n\n"
		"BOINC validator options:\n"
		"  --app NAME               the app whose results are validated (required)\n"
		"  --one_pass               one pass over the work units, then exit\n"
		"  --mod N I                only work units with id mod N == I\n"
		"  --sleep_interval S       seconds to sleep when idle (default 5)\n"
		"  -d N, --debug_level N    log level 1 critical .. 4 detail (default 2)\n"
		"  --dry_run                decide and log, write nothing\n"
		"  --credit_from_wu         grant workunit.canonical_credit\n"
		"  --credit_from_runtime    grant the lowest claim of the quorum: receipt CPU time\n"
		"                           x host p_fpops\n"
		"  --max_granted_credit X   cap on the credit of one result (default 73000000)\n"
		"SmartShare options:\n"
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
		"  --version, --help\n"
		"(--batch_size, --batch_window and --claim_interval are ssp_signer's now: accepted\n"
		"and ignored.)\n"
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

static int file_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* Sleeps up to seconds, waking early on a stop request. */
static void nap(unsigned seconds)
{
	for (unsigned i = 0; i < seconds * 10 && !stop_requested; i++) {
		struct timespec ts = { 0, 100 * 1000 * 1000 };

		nanosleep(&ts, NULL);
	}
}

int main(int argc, char **argv)
{
	enum {
		O_APP = 256, O_ONE_PASS, O_MOD, O_SLEEP, O_DRY, O_CR_WU, O_CR_RT, O_MAXCR, O_TOL,
		O_BSIZE, O_BWIN, O_MAXOUT, O_PDIR, O_CONF, O_CHUNK, O_CLAIMINT, O_THREADS, O_VERSION, O_HELP,
		O_UCJ, O_TRUST1
	};
	static const struct option longopts[] = {
		{ "app", required_argument, NULL, O_APP },
		{ "one_pass", no_argument, NULL, O_ONE_PASS },
		{ "mod", required_argument, NULL, O_MOD },
		{ "sleep_interval", required_argument, NULL, O_SLEEP },
		{ "debug_level", required_argument, NULL, 'd' },
		{ "dry_run", no_argument, NULL, O_DRY },
		{ "credit_from_wu", no_argument, NULL, O_CR_WU },
		{ "credit_from_runtime", no_argument, NULL, O_CR_RT },
		{ "max_granted_credit", required_argument, NULL, O_MAXCR },
		{ "tolerance", required_argument, NULL, O_TOL },
		{ "batch_size", required_argument, NULL, O_BSIZE },
		{ "batch_window", required_argument, NULL, O_BWIN },
		{ "max_output_bytes", required_argument, NULL, O_MAXOUT },
		{ "project_dir", required_argument, NULL, O_PDIR },
		{ "conf", required_argument, NULL, O_CONF },
		{ "config", required_argument, NULL, O_CONF },
		{ "chunk", required_argument, NULL, O_CHUNK },
		{ "claim_interval", required_argument, NULL, O_CLAIMINT },
		{ "threads", required_argument, NULL, O_THREADS },
		{ "update_credited_job", no_argument, NULL, O_UCJ },
		{ "trust_one_host_runtime", no_argument, NULL, O_TRUST1 },
		{ "version", no_argument, NULL, O_VERSION },
		{ "help", no_argument, NULL, O_HELP },
		{ NULL, 0, NULL, 0 },
	};
	ssp_vengine_conf vc;
	const char *app = NULL, *project_dir = NULL, *conf_path_opt = NULL;
	uint64_t v, sleep_interval = 5, level = 2;
	int one_pass = 0, opt, exit_code = EXIT_CONFIG, rc;
	char cfg_path[PATH_MAX], conf_path[PATH_MAX], stop_path[PATH_MAX];
	ssp_projcfg *pc = NULL;
	ssp_conf *conf = NULL;
	ssp_boincdb *db = NULL;
	ssp_vengine *eng = NULL;
	ssp_errmsg em = { { 0 } };
	struct sigaction sa;

	memset(&vc, 0, sizeof(vc));
	vc.vopts.credit_mode = SSP_CREDIT_FPOPS_EST;
	vc.vopts.max_granted_credit = SSP_DEFAULT_MAX_GRANTED_CREDIT;
	vc.vopts.comparator = SSP_CMP_BITWISE;
	vc.vopts.max_output_bytes = 64ULL << 20;
	ssp_log_set_ident("ssp_validator");

	while ((opt = getopt_long(argc, argv, "d:h", longopts, NULL)) != -1) {
		switch (opt) {
		case O_APP:
			app = optarg;
			break;
		case O_ONE_PASS:
			one_pass = 1;
			break;
		case O_MOD:
			if (parse_u64(optarg, 1000000, &v) || v == 0 || optind >= argc) {
				fprintf(stderr, "ssp_validator: --mod needs N I with 0 <= I < N\n");
				return EXIT_USAGE;
			}
			vc.mod_n = (unsigned)v;
			if (parse_u64(argv[optind], vc.mod_n - 1, &v)) {
				fprintf(stderr, "ssp_validator: --mod needs N I with 0 <= I < N\n");
				return EXIT_USAGE;
			}
			vc.mod_i = (unsigned)v;
			optind++;
			break;
		case O_SLEEP:
			if (parse_u64(optarg, 86400, &sleep_interval)) {
				fprintf(stderr, "ssp_validator: bad --sleep_interval\n");
				return EXIT_USAGE;
			}
			break;
		case 'd':
			if (parse_u64(optarg, 4, &level) || level < 1) {
				fprintf(stderr, "ssp_validator: -d needs 1..4\n");
				return EXIT_USAGE;
			}
			break;
		case O_DRY:
			vc.dry_run = 1;
			break;
		case O_UCJ:
			vc.bdb.update_credited_job = 1;
			break;
		case O_TRUST1:
			vc.vopts.runtime_unreplicated = 1;
			break;
		case O_CR_WU:
			vc.vopts.credit_mode = SSP_CREDIT_FROM_WU;
			break;
		case O_CR_RT:
			vc.vopts.credit_mode = SSP_CREDIT_FROM_RUNTIME;
			break;
		case O_MAXCR:
			if (parse_double(optarg, &vc.vopts.max_granted_credit)) {
				fprintf(stderr, "ssp_validator: bad --max_granted_credit\n");
				return EXIT_USAGE;
			}
			break;
		case O_TOL:
			if (parse_double(optarg, &vc.vopts.tolerance)) {
				fprintf(stderr, "ssp_validator: bad --tolerance\n");
				return EXIT_USAGE;
			}
			vc.vopts.comparator = SSP_CMP_NUMERIC;
			break;
		case O_BSIZE:
		case O_BWIN:
		case O_CLAIMINT:
			/* the signer's options since validating and signing were split: kept so
			 * that existing <daemons> command lines still start */
			break;
		case O_MAXOUT:
			if (parse_u64(optarg, 1ULL << 40, &vc.vopts.max_output_bytes)) {
				fprintf(stderr, "ssp_validator: bad --max_output_bytes\n");
				return EXIT_USAGE;
			}
			break;
		case O_PDIR:
			project_dir = optarg;
			break;
		case O_CONF:
			conf_path_opt = optarg;
			break;
		case O_CHUNK:
			if (parse_u64(optarg, 100000, &v) || !v) {
				fprintf(stderr, "ssp_validator: bad --chunk\n");
				return EXIT_USAGE;
			}
			vc.chunk = (unsigned)v;
			break;
		case O_THREADS:
			if (parse_u64(optarg, 64, &v) || !v) {
				fprintf(stderr, "ssp_validator: --threads needs 1..64\n");
				return EXIT_USAGE;
			}
			vc.threads = (unsigned)v;
			break;
		case O_VERSION:
			printf("ssp_validator %s\n", PACKAGE_VERSION);
			return 0;
		case 'h':
		case O_HELP:
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc || !app) {
		fprintf(stderr, "ssp_validator: %s\n", app ? "unexpected argument" : "--app is required");
		usage(stderr);
		return EXIT_USAGE;
	}
	ssp_log_set_level((int)level);

	/* the project directory and its config.xml */
	if (!project_dir)
		project_dir = getenv("BOINC_PROJECT_DIR");
	if (!project_dir)
		project_dir = file_exists("config.xml") || !file_exists("../config.xml") ? "." : "..";
	snprintf(cfg_path, sizeof(cfg_path), "%s/config.xml", project_dir);
	snprintf(stop_path, sizeof(stop_path), "%s/stop_daemons", project_dir);
	if (ssp_projcfg_load(cfg_path, &pc, &em)) {
		ssp_log_crit("cannot use %s: %s", cfg_path, em.msg);
		goto out;
	}

	/* ssp.conf */
	if (conf_path_opt)
		snprintf(conf_path, sizeof(conf_path), "%s", conf_path_opt);
	else
		snprintf(conf_path, sizeof(conf_path), "%s/ssp.conf", project_dir);
	rc = ssp_conf_load(conf_path, &conf, &em);
	if (rc && !(rc == SSP_ERR_NOT_FOUND && !conf_path_opt)) {
		ssp_log_crit("cannot use %s: %s", conf_path, em.msg);
		goto out;
	}
	if (conf) {
		const char *url = ssp_conf_get(conf, "project", "master_url");

		if (url && strcmp(url, pc->master_url)) {
			ssp_log_crit("%s: [project] master_url %s differs from config.xml's %s; the"
				     " project id would differ", conf_path, url, pc->master_url);
			goto out;
		}
	}

	exit_code = EXIT_DB;
	if (ssp_boincdb_open(pc, vc.dry_run, &db, &em)) {
		ssp_log_crit("%s", em.msg);
		goto out;
	}
	rc = ssp_boincdb_app_id(db, app, &vc.appid, &vc.app_target_nresults);
	vc.bdb.daily_result_quota = pc->daily_result_quota;
	if (rc) {
		ssp_log_crit("can't find app %s%s%s", app, rc == SSP_ERR_NOT_FOUND ? "" : ": ",
			     rc == SSP_ERR_NOT_FOUND ? "" : ssp_boincdb_errmsg(db));
		exit_code = EXIT_CONFIG;
		goto out;
	}
	vc.app_name = app;
	vc.stop = &stop_requested;
	if (ssp_vengine_new(&vc, pc, db, &eng, &em)) {
		ssp_log_crit("%s", em.msg);
		exit_code = EXIT_CONFIG;
		goto out;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	ssp_log_info("starting: app %s (id %" PRIu64 "), project %s, upload_dir %s (fanout %d)%s%s",
		     app, vc.appid, pc->master_url, pc->upload_dir, pc->uldl_dir_fanout,
		     vc.mod_n ? ", --mod" : "", vc.dry_run ? ", dry run" : "");
	if (vc.mod_n)
		ssp_log_info("work units with id mod %u == %u", vc.mod_n, vc.mod_i);
	if (!vc.dry_run) {
		uint8_t project[32];
		int running = 0;

		ssp_project_id(pc->master_url, project);
		if (ssp_signer_running(db, project, &running) == 0 && !running)
			ssp_log_info("warning: no ssp_signer runs for this project now: credits wait in"
				     " the outbox (ssp_credit_outbox) until one does (docs/signer.md)");
	}
	if (!pc->one_result_per_user_per_wu)
		ssp_log_info("warning: %s lets the scheduler send one user several replicas of a"
			     " work unit (<one_result_per_user_per_wu> is not set); replicas of one"
			     " user or host count once toward the quorum here, so such work units"
			     " wait for another volunteer's result", cfg_path);
	exit_code = 0;
	while (!stop_requested) {
		int found = 0;

		if (file_exists(stop_path)) {
			ssp_log_info("%s exists: stopping", stop_path);
			break;
		}
		rc = ssp_vengine_pass(eng, &found);
		if (rc) {
			ssp_log_crit("stopping after an error: %s", ssp_strerror(rc));
			exit_code = EXIT_DB;
			break;
		}
		if (one_pass)
			break;
		if (!found)
			nap((unsigned)sleep_interval);
	}
	{
		ssp_vengine_stats s;

		ssp_vengine_get_stats(eng, &s);
		ssp_log_info("done: %" PRIu64 " work units written, %" PRIu64 " valid, %" PRIu64
			     " invalid, %" PRIu64 " inconclusive, %" PRIu64 " duplicate, %" PRIu64
			     " left for later, %" PRIu64 " credits", s.wus, s.valid, s.invalid,
			     s.inconclusive, s.duplicates, s.retried, s.credits);
	}
out:
	ssp_vengine_free(eng);
	ssp_boincdb_close(db);
	ssp_conf_free(conf);
	ssp_projcfg_free(pc);
	return exit_code;
}
