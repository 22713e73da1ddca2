/* ssp_validator: the BOINC validator daemon of SmartShare proof-of-share.
 * Options as BOINC's validator; the work is done by lib/ssp_validate_engine. */
#include "config.h"

#include "boincdb/ssp_boincdb.h"
#include "core/ssp_cfg.h"
#include "crypto/ssp_eip712.h"
#include "core/ssp_hex.h"
#include "crypto/ssp_key.h"
#include "crypto/ssp_keystore.h"
#include "ledger/ssp_ledger.h"
#include "core/ssp_log.h"
#include "boinc/ssp_projcfg.h"
#include "boinc/ssp_validate.h"
#include "boincdb/ssp_validate_engine.h"
#include "validator/cli.h"

#include <errno.h>
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

static volatile sig_atomic_t hup_received;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void on_hup(int sig)
{
	(void)sig;
	hup_received = 1;
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

/* Sleeps up to seconds, waking early on a stop request. */
static void nap(unsigned seconds)
{
	for (unsigned i = 0; i < seconds * 10 && !stop_requested && !hup_received; i++) {
		struct timespec ts = { 0, 100 * 1000 * 1000 };

		nanosleep(&ts, NULL);
	}
}

int main(int argc, char **argv)
{
	static vcli cli;
	ssp_vengine_conf vc;
	const char *app, *project_dir, *conf_path_opt;
	uint64_t sleep_interval, batch_size, batch_window;
	int one_pass, exit_code = EXIT_CONFIG, rc;
	char err[512];
	char cfg_path[PATH_MAX], conf_path[PATH_MAX], stop_path[PATH_MAX];
	ssp_projcfg *pc = NULL;
	ssp_cfg *conf = NULL;
	ssp_boincdb *db = NULL;
	ssp_ledger *ledger = NULL;
	ssp_vengine *eng = NULL;
	ssp_vplugin *plugin = NULL;
	ssp_domain domain;
	uint8_t seckey[32];
	ssp_errmsg em = { { 0 } };
	struct sigaction sa;

	memset(&domain, 0, sizeof(domain));
	memset(seckey, 0, sizeof(seckey));
	ssp_log_set_ident("ssp_validator");
	/* BOINC's command line; a problem is one line, not the usage text, as in BOINC's log */
	if (vcli_parse(argc, argv, &cli, err, sizeof(err))) {
		fprintf(stderr, "ssp_validator: %s (--help lists the options)\n", err);
		return EXIT_USAGE;
	}
	if (cli.help) {
		vcli_usage(stdout);
		return 0;
	}
	if (cli.version) {
		printf("ssp_validator %s\n", PACKAGE_VERSION);
		return 0;
	}
	vc = cli.vc;
	app = cli.app;
	project_dir = cli.project_dir;
	conf_path_opt = cli.conf_path;
	sleep_interval = cli.sleep_interval;
	batch_size = cli.batch_size;
	batch_window = cli.batch_window;
	one_pass = cli.one_pass;
	ssp_log_set_level((int)cli.level);

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

	/* ssp.conf (lib/core/ssp_cfg.h declares its keys; an unknown key is refused) */
	if (conf_path_opt)
		snprintf(conf_path, sizeof(conf_path), "%s", conf_path_opt);
	else
		snprintf(conf_path, sizeof(conf_path), "%s/ssp.conf", project_dir);
	rc = ssp_cfg_load(conf_path, &conf, &em);
	if (rc == SSP_ERR_NOT_FOUND && vc.dry_run)
		rc = ssp_cfg_defaults(&conf);
	if (rc) {
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
	vc.batch_size = batch_size ? batch_size : ssp_cfg_u64(conf, SSP_CFG_VALIDATOR_BATCH_SIZE);
	vc.batch_window = batch_window ? batch_window : ssp_cfg_u64(conf, SSP_CFG_VALIDATOR_BATCH_WINDOW);
	vc.binding_delay = ssp_cfg_u64(conf, SSP_CFG_VALIDATOR_BINDING_DELAY);

	/* a project's comparison plug-in; BOINC passes the options it does not know to the
	 * project's validate_handler_init, so do we */
	{
		const char *so = ssp_cfg_str(conf, SSP_CFG_VALIDATOR_PLUGIN);

		if (so && *so) {
			if (vc.vopts.comparator == SSP_CMP_NUMERIC) {
				ssp_log_crit("--tolerance and a comparison plug-in ([validator] plugin)"
					     " exclude each other");
				exit_code = EXIT_USAGE;
				goto out;
			}
			if (ssp_vplugin_load(so, cli.nextra, cli.extra, &plugin, &em)) {
				ssp_log_crit("%s", em.msg);
				goto out;
			}
			vc.plugin = plugin;
			ssp_log_info("comparing outputs with the plug-in %s", so);
		} else if (cli.nextra > 1) {
			ssp_log_crit("unknown option %s (BOINC passes options it does not know to the"
				     " project's validator code; here that is a comparison plug-in, and"
				     " none is configured)", cli.extra[1]);
			exit_code = EXIT_USAGE;
			goto out;
		}
	}

	if (!vc.dry_run) {
		const char *ledger_path, *keystore, *password_file, *minter;
		uint8_t signer[20];
		char addr[SSP_ADDR_STRLEN];

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
		if (ssp_key_address(seckey, signer) != 0) {
			ssp_log_crit("the validator key is not a valid secp256k1 key");
			goto out;
		}
		ssp_log_info("claims and batches are signed by %s for chain %" PRIu64 ", minter %s",
			     ssp_address_format(signer, addr), domain.chain_id, minter);
		/* validators started together (--mod) may race to create the ledger: while
		 * another one is creating it, it can look foreign (SSP_ERR_SCHEMA) or busy */
		for (int attempt = 0; attempt < 20; attempt++) {
			rc = ssp_ledger_open(ledger_path, &ledger);
			if (rc != SSP_ERR_SCHEMA && rc != SSP_ERR_BUSY)
				break;
			nap_ms(250);
		}
		if (rc) {
			ssp_log_crit("cannot open the ledger %s: %s", ledger_path, ssp_strerror(rc));
			exit_code = EXIT_DB;
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
	if (ssp_vengine_new(&vc, pc, db, ledger, vc.dry_run ? NULL : &domain,
			    vc.dry_run ? NULL : seckey, &eng, &em)) {
		ssp_log_crit("%s", em.msg);
		exit_code = EXIT_CONFIG;
		goto out;
	}
	ssp_wipe(seckey, sizeof(seckey));

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	/* SIGHUP stops the daemon only as BOINC's bin/stop sends it: after writing
	 * PROJECT_DIR/stop_daemons (sched/start, stop_daemons()), which the loop checks. Any
	 * other SIGHUP (a log rotation's postrotate) is logged and ignored: logs go to stderr,
	 * which the runner redirects and rotates, so there is nothing to reopen. */
	sa.sa_handler = on_hup;
	sigaction(SIGHUP, &sa, NULL);

	ssp_log_info("starting: app %s (id %" PRIu64 "), project %s, upload_dir %s (fanout %d)%s%s",
		     app, vc.appid, pc->master_url, pc->upload_dir, pc->uldl_dir_fanout,
		     vc.mod_n ? ", --mod" : "", vc.dry_run ? ", dry run" : "");
	if (vc.mod_n)
		ssp_log_info("work units with id mod %u == %u", vc.mod_n, vc.mod_i);
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
		if (hup_received) {
			hup_received = 0;
			ssp_log_info("SIGHUP without %s: not a BOINC stop; going on (logs go to "
				     "stderr, nothing to reopen)", stop_path);
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
			     " left for later, %" PRIu64 " credits, %" PRIu64 " claims, %" PRIu64
			     " batches", s.wus, s.valid, s.invalid, s.inconclusive, s.duplicates,
			     s.retried, s.credits, s.claims, s.batches);
	}
out:
	ssp_wipe(seckey, sizeof(seckey));
	ssp_vengine_free(eng);
	ssp_vplugin_free(plugin);
	ssp_ledger_close(ledger);
	ssp_boincdb_close(db);
	ssp_cfg_free(conf);
	ssp_projcfg_free(pc);
	return exit_code;
}
