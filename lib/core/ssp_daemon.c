/* The daemons' signals and BOINC's stop file (see ssp_daemon.h). */
#include "core/ssp_daemon.h"
#include "core/ssp_log.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop_flag, hup_flag;

static void on_stop(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static void on_hup(int sig)
{
	(void)sig;
	hup_flag = 1;
}

void ssp_daemon_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = on_hup;
	sigaction(SIGHUP, &sa, NULL);
}

const volatile sig_atomic_t *ssp_daemon_stop_flag(void)
{
	return &stop_flag;
}

int ssp_daemon_stopping(void)
{
	return stop_flag != 0;
}

void ssp_daemon_request_stop(void)
{
	stop_flag = 1;
}

int ssp_daemon_take_hup(void)
{
	if (!hup_flag)
		return 0;
	hup_flag = 0;
	return 1;
}

int ssp_daemon_boinc_stop(const char *project_dir)
{
	char path[PATH_MAX];

	if (project_dir == NULL)
		return 0;
	if ((size_t)snprintf(path, sizeof path, "%s/stop_daemons", project_dir) >= sizeof path)
		return 0;
	return access(path, F_OK) == 0;
}

int ssp_daemon_loop(const char *project_dir, int one_pass, double sleep_interval,
		    int (*pass)(void *ctx, int *found), void *ctx)
{
	while (!stop_flag) {
		int found = 0, rc;

		if (ssp_daemon_boinc_stop(project_dir)) {
			ssp_log_info("%s/stop_daemons exists: stopping", project_dir);
			break;
		}
		if (ssp_daemon_take_hup())
			ssp_log_info("SIGHUP without %s/stop_daemons: not a BOINC stop; going on (logs go "
				     "to stderr, nothing to reopen)", project_dir ? project_dir : ".");
		if ((rc = pass(ctx, &found)) != 0) {
			ssp_log_crit("stopping after an error: %s", ssp_strerror(rc));
			return rc;
		}
		if (one_pass)
			break;
		if (!found)
			ssp_daemon_nap(sleep_interval);
	}
	return 0;
}

void ssp_daemon_nap(double seconds)
{
	while (seconds > 0 && !stop_flag && !hup_flag) {
		double step = seconds < 0.1 ? seconds : 0.1;
		struct timespec ts = { 0, (long)(step * 1e9) };

		nanosleep(&ts, NULL);
		seconds -= step;
	}
}
