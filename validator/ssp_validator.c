/* ssp_validator: the BOINC validator daemon of SmartShare proof-of-share.
 * Options as BOINC's validator; the work is done by lib/ssp_validate_engine. It writes only to
 * the BOINC database (credit and its outbox row): the key and the ledger are ssp_signer's. */
#include "config.h"
#include "core/ssp_daemon.h"

#include "boincdb/ssp_boincdb.h"
#include "core/ssp_cfg.h"
#include "boincdb/ssp_signer.h"
#include "crypto/ssp_eip712.h"
#include "core/ssp_hex.h"
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

static int file_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* One pass, as ssp_daemon_loop calls it. */
static int run_pass(void *ctx, int *found)
{
	return ssp_vengine_pass(ctx, found);
}

int main(int argc, char **argv)
{
	static vcli cli;
	ssp_vengine_conf vc;
	const char *app, *project_dir, *conf_path_opt;
	uint64_t sleep_interval;
	int one_pass, exit_code = EXIT_CONFIG, rc;
	char err[512];
	char cfg_path[PATH_MAX], conf_path[PATH_MAX];
	ssp_projcfg *pc = NULL;
	ssp_cfg *conf = NULL;
	ssp_boincdb *db = NULL;
	ssp_vengine *eng = NULL;
	ssp_vplugin *plugin = NULL;
	ssp_errmsg em = { { 0 } };

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
	one_pass = cli.one_pass;
	ssp_log_set_level((int)cli.level);

	/* the project directory and its config.xml */
	if (!project_dir)
		project_dir = getenv("BOINC_PROJECT_DIR");
	if (!project_dir)
		project_dir = file_exists("config.xml") || !file_exists("../config.xml") ? "." : "..";
	snprintf(cfg_path, sizeof(cfg_path), "%s/config.xml", project_dir);
	if (ssp_projcfg_load(cfg_path, &pc, &em)) {
		ssp_log_crit("cannot use %s: %s", cfg_path, em.msg);
		goto out;
	}

	/* ssp.conf (lib/core/ssp_cfg.h declares its keys; an unknown key is refused) */
	if (conf_path_opt)
		snprintf(conf_path, sizeof(conf_path), "%s", conf_path_opt);
	else
		snprintf(conf_path, sizeof(conf_path), "%s/ssp.conf", project_dir);
	/* optional: a validator host needs no key and no ledger (they are ssp_signer's) */
	rc = ssp_cfg_load(conf_path, &conf, &em);
	if (rc == SSP_ERR_NOT_FOUND && !conf_path_opt)
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
	vc.stop = ssp_daemon_stop_flag();
	if (ssp_vengine_new(&vc, pc, db, &eng, &em)) {
		ssp_log_crit("%s", em.msg);
		exit_code = EXIT_CONFIG;
		goto out;
	}
	/* SIGTERM, SIGINT stop; SIGHUP alone does not (BOINC's bin/stop writes stop_daemons
	 * first): lib/core/ssp_daemon.h */
	ssp_daemon_signals();

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
	if (ssp_daemon_loop(project_dir, one_pass, (double)sleep_interval, run_pass, eng) != 0)
		exit_code = EXIT_DB;
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
	ssp_vplugin_free(plugin);
	ssp_boincdb_close(db);
	ssp_cfg_free(conf);
	ssp_projcfg_free(pc);
	return exit_code;
}
