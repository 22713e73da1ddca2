/* ssp_bridge: submits sealed ShareBatches from the ledger to the ShareMinter contract.
 * A BOINC-style daemon: --conf, --one_pass, --sleep_interval, -d. The work is in lib/ssp_bridge.c. */
#include "config.h"
#include "core/ssp_daemon.h"
#include "bridge/ssp_bridge.h"
#include "core/ssp_hex.h"
#include "crypto/ssp_keystore.h"
#include "core/ssp_log.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

/* SSP_TEST_CRASH_AT=POINT[:N] (tests only): die like a SIGKILL at the N-th time (default 1)
 * the bridge passes POINT (see ssp_bridge_set_hook). */
static const char *crash_point;
static long crash_count = 1;

static void crash_hook(void *ctx, const char *point)
{
	(void)ctx;
	if (strcmp(point, crash_point) == 0 && --crash_count == 0) {
		ssp_log_info("SSP_TEST_CRASH_AT: dying at %s", point);
		_exit(137);
	}
}

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: ssp_bridge [options]\n"
		"Submits sealed ShareBatches from the SmartShare ledger to the ShareMinter contract\n"
		"and follows them until they are final.\n\n"
		"  --conf FILE            ssp.conf to read (default: ssp.conf)\n"
		"  --one_pass             do one pass and exit\n"
		"  --sleep_interval N     seconds between passes (default: bridge.poll_interval)\n"
		"  --stuck_after N        seconds a tx may stay pending before its fees are raised\n"
		"                         (default 180; a base fee above its max fee raises them at once)\n"
		"  -d N                   log level: 1 critical, 2 normal (default), 3 debug, 4 detail\n"
		"  --project_dir DIR      the BOINC project directory, when BOINC's bin/start runs the\n"
		"                         bridge (default $BOINC_PROJECT_DIR): it stops when\n"
		"                         DIR/stop_daemons exists, as BOINC's daemons do\n"
		"  --help, --version\n\n"
		"At start it waits for the node (and a locked ledger) with a growing delay, saying so.\n"
		"SIGTERM and SIGINT finish the current step and exit. SIGHUP stops it only with\n"
		"--project_dir and DIR/stop_daemons (BOINC's bin/stop); otherwise it is logged and\n"
		"ignored (logs go to stderr; nothing to reopen). Exit status:\n"
		"  0  stopped on a signal, or --one_pass ran its pass and every batch it sent was paid\n"
		"  1  --one_pass: the node or the ledger failed the pass, or the account could not pay\n"
		"  2  usage or configuration error (ssp.conf, keystore, password, ledger file)\n"
		"  3  another ssp_bridge is running on the same ledger\n"
		"  4  the node is on another chain than chain.chain_id\n");
}

static int parse_double(const char *s, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	return errno != 0 || end == s || *end != '\0' || *out < 0 || *out > 86400 ? -1 : 0;
}

enum { EXIT_OK = 0, EXIT_PASS = 1, EXIT_CONFIG = 2, EXIT_LOCKED = 3, EXIT_CHAIN = 4 };

int main(int argc, char **argv)
{
	const char *conf = "ssp.conf", *project_dir = getenv("BOINC_PROJECT_DIR");
	double sleep_interval = -1, stuck_after = -1, level;
	int one_pass = 0, rc, status = 0;
	ssp_bridge_cfg cfg;
	ssp_bridge *b = NULL;
	ssp_errmsg em = { { 0 } };
	uint8_t seckey[32];
	char addr[SSP_ADDR_STRLEN];

	ssp_log_set_ident("ssp_bridge");
	ssp_log_set_level(SSP_LOG_NORMAL);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			return 0;
		} else if (strcmp(a, "--version") == 0) {
			printf("ssp_bridge (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION);
			return 0;
		} else if (strcmp(a, "--one_pass") == 0) {
			one_pass = 1;
		} else if (strcmp(a, "--project_dir") == 0 && v) {
			project_dir = v;
			i++;
		} else if (strcmp(a, "--conf") == 0 && v) {
			conf = v;
			i++;
		} else if (strcmp(a, "--sleep_interval") == 0 && v && parse_double(v, &sleep_interval) == 0) {
			i++;
		} else if (strcmp(a, "--stuck_after") == 0 && v && parse_double(v, &stuck_after) == 0) {
			i++;
		} else if (strcmp(a, "-d") == 0 && v && parse_double(v, &level) == 0) {
			ssp_log_set_level((int)level);
			i++;
		} else {
			fprintf(stderr, "ssp_bridge: bad option or value: %s\n", a);
			usage(stderr);
			return EXIT_CONFIG;
		}
	}
	if ((rc = ssp_bridge_cfg_load(conf, &cfg, &em)) != 0) {
		ssp_log_crit("%s: %s", conf, em.msg[0] ? em.msg : ssp_strerror(rc));
		return EXIT_CONFIG;
	}
	if (sleep_interval < 0)
		sleep_interval = cfg.poll_interval;
	if (stuck_after >= 0)
		cfg.stuck_after = (uint64_t)stuck_after;
	/* One bridge per ledger: a second one would race the first for nonces. The lock is
	 * released by the kernel when the process dies, however it dies. */
	{
		char lockpath[SSP_BRIDGE_PATH_MAX + 16];
		int fd;

		snprintf(lockpath, sizeof lockpath, "%s.bridge-lock", cfg.ledger);
		fd = open(lockpath, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		if (fd < 0) {
			ssp_log_crit("cannot open %s: %s", lockpath, strerror(errno));
			return EXIT_CONFIG;
		}
		if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
			ssp_log_crit("another ssp_bridge is running on %s (%s is locked)", cfg.ledger, lockpath);
			return EXIT_LOCKED;
		}
		/* fd stays open (and locked) until exit. */
	}
	if ((rc = ssp_keystore_load(cfg.keystore, cfg.password_file, seckey, &em)) != 0) {
		ssp_log_crit("bridge key: %s", em.msg[0] ? em.msg : ssp_strerror(rc));
		return EXIT_CONFIG;
	}

	ssp_daemon_signals(); /* lib/core/ssp_daemon.h: BOINC's stop, SIGHUP alone ignored */
	signal(SIGPIPE, SIG_IGN);

	/* Wait for the node (and a ledger another process holds locked) with a growing delay:
	 * a node that is down, syncing or restarting is not a configuration error. */
	for (double delay = 1;;) {
		memset(&em, 0, sizeof em);
		rc = ssp_bridge_new(&cfg, seckey, &b, &em);
		if (rc == 0 || !ssp_bridge_error_is_transient(rc) || one_pass || ssp_daemon_stopping())
			break;
		ssp_log_info("waiting for the node at %s: %s; next try in %.0f s", cfg.rpc_url,
			     em.msg[0] ? em.msg : ssp_strerror(rc), delay);
		ssp_daemon_nap(delay);
		(void)!ssp_daemon_take_hup(); /* a SIGHUP here only cut the wait short */
		if (ssp_daemon_boinc_stop(project_dir))
			ssp_daemon_request_stop();
		delay = delay * 2 > 60 ? 60 : delay * 2;
	}
	ssp_wipe(seckey, sizeof seckey);
	if (rc != 0) {
		ssp_log_crit("%s", em.msg[0] ? em.msg : ssp_strerror(rc));
		if (ssp_bridge_error_is_transient(rc))
			return one_pass ? EXIT_PASS : EXIT_OK;
		return rc == SSP_ERR_MISMATCH ? EXIT_CHAIN : EXIT_CONFIG;
	}

	if ((crash_point = getenv("SSP_TEST_CRASH_AT")) != NULL && crash_point[0] != '\0') {
		static char pointbuf[64];
		char *colon;

		snprintf(pointbuf, sizeof pointbuf, "%s", crash_point);
		if ((colon = strchr(pointbuf, ':')) != NULL) {
			*colon = '\0';
			crash_count = strtol(colon + 1, NULL, 10);
		}
		crash_point = pointbuf;
		ssp_bridge_set_hook(b, crash_hook, NULL);
	}

	ssp_log_info("starting: account %s, minter %s, chain %llu, %llu confirmations",
		     ssp_address_format(ssp_bridge_address(b), addr),
		     ssp_hex_encode(cfg.minter, SSP_ADDR_LEN, (char[45]){ 0 }, 1),
		     (unsigned long long)cfg.chain_id, (unsigned long long)cfg.confirmations);
	while (!ssp_daemon_stopping()) {
		ssp_bridge_stats st;

		if (ssp_daemon_boinc_stop(project_dir)) {
			ssp_log_info("%s/stop_daemons exists: stopping", project_dir);
			break;
		}
		if (ssp_daemon_take_hup()) {
			ssp_log_info("SIGHUP without a BOINC stop_daemons file: going on (logs go to "
				     "stderr, nothing to reopen)");
		}

		rc = ssp_bridge_pass(b, ssp_daemon_stop_flag(), &st);
		if (rc != 0)
			ssp_log_info("pass stopped: %s; retrying", ssp_strerror(rc));
		else
			ssp_log_debug("pass: SEALED %llu SUBMITTED %llu MINTED %llu FINAL %llu FAILED %llu; "
				      "%llu sent, %llu replaced",
				      (unsigned long long)st.batches[1], (unsigned long long)st.batches[2],
				      (unsigned long long)st.batches[3], (unsigned long long)st.batches[4],
				      (unsigned long long)st.batches[5], (unsigned long long)st.sent,
				      (unsigned long long)st.replaced);
		if (st.low_balance && st.have_balance) {
			char wei[SSP_U256_DEC_MAX];

			ssp_log_debug("account balance %s wei", ssp_u256_to_dec(&st.balance, wei));
		}
		if (one_pass) {
			status = rc == 0 && !st.unpaid ? EXIT_OK : EXIT_PASS;
			break;
		}
		ssp_daemon_nap(sleep_interval);
	}
	if (ssp_daemon_stopping())
		ssp_log_info("stopping on a signal");
	ssp_bridge_free(b);
	return status;
}
