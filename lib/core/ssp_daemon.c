/* The daemons' signals and BOINC's stop file (see ssp_daemon.h). */
#include "core/ssp_daemon.h"

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

void ssp_daemon_nap(double seconds)
{
	while (seconds > 0 && !stop_flag && !hup_flag) {
		double step = seconds < 0.1 ? seconds : 0.1;
		struct timespec ts = { 0, (long)(step * 1e9) };

		nanosleep(&ts, NULL);
		seconds -= step;
	}
}
