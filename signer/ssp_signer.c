/* ssp_signer: the one process of a project that holds the validator key and the ledger.
 * Drains the validators' credit outbox (and, for apps validated by the project's own
 * validator, the credit it granted), signs ShareClaims and seals ShareBatches. The work
 * is done by lib/boincdb/ssp_signer; this file reads options and configuration. */
#include "config.h"
#include "core/ssp_daemon.h"

#include "boincdb/ssp_boincdb.h"
#include "boincdb/ssp_signer.h"
#include "core/ssp_cfg.h"
#include "core/ssp_hex.h"
#include "core/ssp_log.h"
#include "boinc/ssp_projcfg.h"
#include "crypto/ssp_eip712.h"
#include "crypto/ssp_key.h"
#include "crypto/ssp_keystore.h"
#include "ledger/ssp_ledger.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum { EXIT_USAGE = 2, EXIT_CONFIG = 3, EXIT_DB = 4, EXIT_LOCKED = 5 };

#define MAX_GRANT_APPS 64

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: ssp_signer [options]\n"
		"The one process of a SmartShare project that holds the validator key and the\n"
		"ledger: copies the credit the validators wrote to the BOINC database (their\n"
		"outbox) into the ledger, signs ShareClaims for users with a payout binding and\n"
		"seals ShareBatches. With --grant_app (or ssp.conf [signer] grant_apps) it also\n"
		"claims the credit the project's own BOINC validator granted for those apps.\n"
		"Run one per project (a MariaDB lock refuses a second), as a BOINC daemon\n"
		"(config.xml <daemons>) on the host that keeps the ledger.\n\n"
		"Options:\n"
		"  --one_pass               one pass, then exit\n"
		"  --sleep_interval S       seconds to sleep when idle (default 5)\n"
		"  -d N, --debug_level N    log level 1 critical .. 4 detail (default 2)\n"
		"  --batch_size N           claims per sealed batch (default: ssp.conf or 256)\n"
		"  --batch_window S         seal a partial batch when its oldest claim is S seconds\n"
		"                           old (default: ssp.conf or 600)\n"
		"  --grant_app NAME         an app validated by the project's own validator whose\n"
		"                           granted credit is claimed (repeatable; adds to\n"
		"                           ssp.conf [signer] grant_apps)\n"
		"  --grant_overlap S        seconds rescanned behind the grant position (default:\n"
		"                           ssp.conf or 600)\n"
		"  --grant_since T          first run only: claim credit validated from unix time T\n"
		"                           (default: ssp.conf; 0 from the first run, 1 everything)\n"
		"  --grant_check_receipt    claim only results whose share receipt checks out\n"
		"  --project_dir DIR        the BOINC project directory (default: $BOINC_PROJECT_DIR,\n"
		"                           else . or .. whichever holds config.xml)\n"
		"  --conf FILE              ssp.conf (default: PROJECT_DIR/ssp.conf; --config too)\n"
		"  --version, --help\n"
		"Exit status: 0 stopped normally, 2 usage, 3 configuration, 4 database or ledger,\n"
		"5 another ssp_signer holds the project's lock.\n");
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

static int file_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

static void nap_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Adds the comma- or space-separated app names of list to names (at most MAX_GRANT_APPS). */
static int add_apps(const char *list, char names[][256], size_t *n)
{
	const char *p = list;

	while (*p) {
		size_t len;

		while (*p == ',' || *p == ' ' || *p == '\t')
			p++;
		len = strcspn(p, ", \t");
		if (!len)
			break;
		if (*n >= MAX_GRANT_APPS || len >= 256)
			return -1;
		memcpy(names[*n], p, len);
		names[*n][len] = '\0';
		(*n)++;
		p += len;
	}
	return 0;
}

/* One pass, as ssp_daemon_loop calls it. */
static int run_pass(void *ctx, int *found)
{
	return ssp_signer_pass(ctx, found);
}

int main(int argc, char **argv)
{
	enum {
		O_ONE_PASS = 256, O_SLEEP, O_BSIZE, O_BWIN, O_GAPP, O_GOVER, O_GSINCE, O_GRCPT,
		O_PDIR, O_CONF, O_VERSION, O_HELP
	};
	static const struct option longopts[] = {
		{ "one_pass", no_argument, NULL, O_ONE_PASS },
		{ "sleep_interval", required_argument, NULL, O_SLEEP },
		{ "debug_level", required_argument, NULL, 'd' },
		{ "batch_size", required_argument, NULL, O_BSIZE },
		{ "batch_window", required_argument, NULL, O_BWIN },
		{ "grant_app", required_argument, NULL, O_GAPP },
		{ "grant_overlap", required_argument, NULL, O_GOVER },
		{ "grant_since", required_argument, NULL, O_GSINCE },
		{ "grant_check_receipt", no_argument, NULL, O_GRCPT },
		{ "project_dir", required_argument, NULL, O_PDIR },
		{ "conf", required_argument, NULL, O_CONF },
		{ "config", required_argument, NULL, O_CONF },
		{ "version", no_argument, NULL, O_VERSION },
		{ "help", no_argument, NULL, O_HELP },
		{ NULL, 0, NULL, 0 },
	};
	static char apps[MAX_GRANT_APPS][256];
	uint64_t appids[MAX_GRANT_APPS];
	size_t napps = 0;
	ssp_signer_conf sc;
	const char *project_dir = NULL, *conf_path_opt = NULL;
	uint64_t sleep_interval = 5, batch_size = 0, batch_window = 0, level = 2;
	uint64_t overlap = 0, since = 0;
	int one_pass = 0, opt, exit_code = EXIT_CONFIG, rc, have_overlap = 0, have_since = 0;
	int check_receipt = -1;
	char cfg_path[PATH_MAX], conf_path[PATH_MAX];
	ssp_projcfg *pc = NULL;
	ssp_cfg *conf = NULL;
	ssp_boincdb *db = NULL;
	ssp_ledger *ledger = NULL;
	ssp_signer *signer = NULL;
	ssp_domain domain;
	uint8_t seckey[32];
	ssp_errmsg em = { { 0 } };
	const char *ledger_path, *keystore, *password_file, *minter, *grant_list;
	uint8_t signer_addr[20];
	char addr[SSP_ADDR_STRLEN];

	memset(&sc, 0, sizeof(sc));
	memset(&domain, 0, sizeof(domain));
	memset(seckey, 0, sizeof(seckey));
	ssp_log_set_ident("ssp_signer");

	while ((opt = getopt_long(argc, argv, "d:h", longopts, NULL)) != -1) {
		switch (opt) {
		case O_ONE_PASS:
			one_pass = 1;
			break;
		case O_SLEEP:
			if (parse_u64(optarg, 86400, &sleep_interval)) {
				fprintf(stderr, "ssp_signer: bad --sleep_interval\n");
				return EXIT_USAGE;
			}
			break;
		case 'd':
			if (parse_u64(optarg, 4, &level) || level < 1) {
				fprintf(stderr, "ssp_signer: -d needs 1..4\n");
				return EXIT_USAGE;
			}
			break;
		case O_BSIZE:
			if (parse_u64(optarg, SSP_LEDGER_MAX_BATCH_CLAIMS, &batch_size) || !batch_size) {
				fprintf(stderr, "ssp_signer: bad --batch_size\n");
				return EXIT_USAGE;
			}
			break;
		case O_BWIN:
			if (parse_u64(optarg, 365 * 86400ULL, &batch_window) || !batch_window) {
				fprintf(stderr, "ssp_signer: bad --batch_window\n");
				return EXIT_USAGE;
			}
			break;
		case O_GAPP:
			if (add_apps(optarg, apps, &napps) || !napps) {
				fprintf(stderr, "ssp_signer: bad --grant_app (at most %d apps)\n",
					MAX_GRANT_APPS);
				return EXIT_USAGE;
			}
			break;
		case O_GOVER:
			if (parse_u64(optarg, 30 * 86400, &overlap) || !overlap) {
				fprintf(stderr, "ssp_signer: --grant_overlap needs 1..2592000\n");
				return EXIT_USAGE;
			}
			have_overlap = 1;
			break;
		case O_GSINCE:
			if (parse_u64(optarg, INT64_MAX, &since)) {
				fprintf(stderr, "ssp_signer: bad --grant_since\n");
				return EXIT_USAGE;
			}
			have_since = 1;
			break;
		case O_GRCPT:
			check_receipt = 1;
			break;
		case O_PDIR:
			project_dir = optarg;
			break;
		case O_CONF:
			conf_path_opt = optarg;
			break;
		case O_VERSION:
			printf("ssp_signer %s\n", PACKAGE_VERSION);
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
	if (optind < argc) {
		fprintf(stderr, "ssp_signer: unexpected argument %s\n", argv[optind]);
		usage(stderr);
		return EXIT_USAGE;
	}
	ssp_log_set_level((int)level);

	/* the project directory, its config.xml and ssp.conf */
	if (!project_dir)
		project_dir = getenv("BOINC_PROJECT_DIR");
	if (!project_dir)
		project_dir = file_exists("config.xml") || !file_exists("../config.xml") ? "." : "..";
	snprintf(cfg_path, sizeof(cfg_path), "%s/config.xml", project_dir);
	if (ssp_projcfg_load(cfg_path, &pc, &em)) {
		ssp_log_crit("cannot use %s: %s", cfg_path, em.msg);
		goto out;
	}
	if (conf_path_opt)
		snprintf(conf_path, sizeof(conf_path), "%s", conf_path_opt);
	else
		snprintf(conf_path, sizeof(conf_path), "%s/ssp.conf", project_dir);
	/* ssp.conf (lib/core/ssp_cfg.h declares its keys; an unknown key is refused) */
	if (ssp_cfg_load(conf_path, &conf, &em)) {
		ssp_log_crit("cannot use %s: %s", conf_path, em.msg);
		goto out;
	}
	if (ssp_cfg_is_set(conf, SSP_CFG_PROJECT_MASTER_URL) &&
	    strcmp(ssp_cfg_str(conf, SSP_CFG_PROJECT_MASTER_URL), pc->master_url)) {
		ssp_log_crit("%s: [project] master_url %s differs from config.xml's %s; the"
			     " project id would differ", conf_path, ssp_cfg_str(conf, SSP_CFG_PROJECT_MASTER_URL),
			     pc->master_url);
		goto out;
	}
	if (!batch_size)
		batch_size = ssp_cfg_u64(conf, SSP_CFG_VALIDATOR_BATCH_SIZE);
	if (!batch_window)
		batch_window = ssp_cfg_u64(conf, SSP_CFG_VALIDATOR_BATCH_WINDOW);
	if (!have_overlap)
		overlap = ssp_cfg_u64(conf, SSP_CFG_SIGNER_GRANT_OVERLAP);
	if (!have_since)
		since = ssp_cfg_u64(conf, SSP_CFG_SIGNER_GRANT_SINCE);
	if (check_receipt < 0)
		check_receipt = ssp_cfg_bool(conf, SSP_CFG_SIGNER_GRANT_CHECK_RECEIPT);
	grant_list = ssp_cfg_str(conf, SSP_CFG_SIGNER_GRANT_APPS);
	if (add_apps(grant_list, apps, &napps)) {
		ssp_log_crit("%s: [signer] grant_apps: at most %d app names", conf_path, MAX_GRANT_APPS);
		goto out;
	}

	/* the key and the ledger: only here */
	if (ssp_cfg_require(conf, SSP_CFG_PROJECT_LEDGER, &em) ||
	    ssp_cfg_require(conf, SSP_CFG_CHAIN_CHAIN_ID, &em) ||
	    ssp_cfg_require(conf, SSP_CFG_CHAIN_MINTER, &em) ||
	    ssp_cfg_require(conf, SSP_CFG_VALIDATOR_KEYSTORE, &em) ||
	    ssp_cfg_require(conf, SSP_CFG_VALIDATOR_PASSWORD_FILE, &em)) {
		ssp_log_crit("%s", em.msg);
		goto out;
	}
	ledger_path = ssp_cfg_str(conf, SSP_CFG_PROJECT_LEDGER);
	domain.chain_id = ssp_cfg_u64(conf, SSP_CFG_CHAIN_CHAIN_ID);
	minter = ssp_cfg_str(conf, SSP_CFG_CHAIN_MINTER);
	keystore = ssp_cfg_str(conf, SSP_CFG_VALIDATOR_KEYSTORE);
	password_file = ssp_cfg_str(conf, SSP_CFG_VALIDATOR_PASSWORD_FILE);
	if (ssp_address_parse(minter, domain.contract)) {
		ssp_log_crit("%s: [chain] minter is not a valid address", conf_path);
		goto out;
	}
	rc = ssp_keystore_load(keystore, password_file, seckey, &em);
	if (rc) {
		ssp_log_crit("cannot load the validator key: %s (%s)", em.msg, ssp_strerror(rc));
		goto out;
	}
	if (ssp_key_address(seckey, signer_addr) != 0) {
		ssp_log_crit("the validator key is not a valid secp256k1 key");
		goto out;
	}

	/* the apps of the keep-your-validator mode */
	exit_code = EXIT_DB;
	if (napps) {
		if (ssp_boincdb_open(pc, 1, &db, &em)) {
			ssp_log_crit("%s", em.msg);
			goto out;
		}
		for (size_t i = 0; i < napps; i++) {
			rc = ssp_boincdb_app_id(db, apps[i], &appids[i], NULL);
			if (rc) {
				ssp_log_crit("can't find app %s%s%s", apps[i],
					     rc == SSP_ERR_NOT_FOUND ? "" : ": ",
					     rc == SSP_ERR_NOT_FOUND ? "" : ssp_boincdb_errmsg(db));
				exit_code = EXIT_CONFIG;
				goto out;
			}
		}
		ssp_boincdb_close(db);
		db = NULL;
		sc.grant.appids = appids;
		sc.grant.nappids = napps;
		sc.grant.overlap = (unsigned)overlap;
		sc.grant.since = since == 1 ? -1 : (int64_t)since;
		sc.grant.check_receipt = check_receipt > 0;
	}

	/* validators or other tools may be creating the ledger right now */
	for (int attempt = 0; attempt < 20; attempt++) {
		rc = ssp_ledger_open(ledger_path, &ledger);
		if (rc != SSP_ERR_SCHEMA && rc != SSP_ERR_BUSY)
			break;
		nap_ms(250);
	}
	if (rc) {
		ssp_log_crit("cannot open the ledger %s: %s", ledger_path, ssp_strerror(rc));
		goto out;
	}
	sc.batch_size = batch_size;
	sc.batch_window = batch_window;
	sc.binding_delay = ssp_cfg_u64(conf, SSP_CFG_VALIDATOR_BINDING_DELAY);
	sc.stop = ssp_daemon_stop_flag();
	rc = ssp_signer_new(&sc, pc, ledger, &domain, seckey, &signer, &em);
	ssp_wipe(seckey, sizeof(seckey));
	if (rc) {
		ssp_log_crit("%s", em.msg);
		exit_code = rc == SSP_ERR_BUSY ? EXIT_LOCKED : rc == SSP_ERR_DB ? EXIT_DB : EXIT_CONFIG;
		goto out;
	}

	/* SIGTERM, SIGINT stop; SIGHUP alone does not (BOINC's bin/stop writes stop_daemons
	 * first): lib/core/ssp_daemon.h */
	ssp_daemon_signals();

	ssp_log_info("starting: project %s, ledger %s; claims and batches are signed by %s for"
		     " chain %" PRIu64 ", minter %s", pc->master_url, ledger_path,
		     ssp_address_format(signer_addr, addr), domain.chain_id, minter);
	for (size_t i = 0; i < napps; i++)
		ssp_log_info("claiming the credit the project's validator grants to app %s (id %"
			     PRIu64 ")%s", apps[i], appids[i],
			     check_receipt > 0 ? ", share receipt checked" : "");
	exit_code = 0;
	if (ssp_daemon_loop(project_dir, one_pass, (double)sleep_interval, run_pass, signer) != 0)
		exit_code = EXIT_DB;
	{
		ssp_signer_stats s;

		ssp_signer_get_stats(signer, &s);
		ssp_log_info("done: %" PRIu64 " outbox credits, %" PRIu64 " granted by the project's"
			     " validator (%" PRIu64 " without outputs, %" PRIu64 " second replicas, %"
			     PRIu64 " refused), %" PRIu64 " new ledger credits, %" PRIu64 " claims, %"
			     PRIu64 " batches", s.outbox, s.granted, s.grant_no_outputs, s.grant_dups,
			     s.grant_refused, s.ledger_credits, s.claims, s.batches);
	}
out:
	ssp_wipe(seckey, sizeof(seckey));
	ssp_signer_free(signer);
	ssp_ledger_close(ledger);
	ssp_boincdb_close(db);
	ssp_cfg_free(conf);
	ssp_projcfg_free(pc);
	return exit_code;
}
