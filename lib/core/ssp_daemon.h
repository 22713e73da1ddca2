/* What the project-server daemons (ssp_validator, ssp_signer, ssp_bridge) share as BOINC
 * daemons: their signals and BOINC's stop file.
 *
 * BOINC's bin/stop writes PROJECT_DIR/stop_daemons, then sends SIGHUP (sched/start,
 * stop_daemons()); BOINC's daemons also stop when they see the file (check_stop_daemons). So:
 * SIGTERM and SIGINT ask a daemon to stop; SIGHUP alone does not (a log rotation's postrotate
 * may send one: it is only noted, ssp_daemon_take_hup), it wakes ssp_daemon_nap so that the
 * stop file is looked at at once. Process-wide state: one daemon per process. */
#ifndef SSP_DAEMON_H
#define SSP_DAEMON_H

#include "core/ssp_err.h"

#include <signal.h>

/* Installs the handlers of SIGTERM, SIGINT (stop) and SIGHUP (noted). */
void ssp_daemon_signals(void);

/* The stop flag (set by SIGTERM or SIGINT), for code that polls it between steps. */
const volatile sig_atomic_t *ssp_daemon_stop_flag(void);

/* 1 when a stop was asked for (a signal, or ssp_daemon_request_stop). */
SSP_MUST_CHECK int ssp_daemon_stopping(void);

/* Asks for a stop, as SIGTERM does. */
void ssp_daemon_request_stop(void);

/* 1 (and clears the note) when a SIGHUP came since the last call, else 0. */
SSP_MUST_CHECK int ssp_daemon_take_hup(void);

/* 1 when PROJECT_DIR/stop_daemons exists (project_dir NULL: 0). */
SSP_MUST_CHECK int ssp_daemon_boinc_stop(const char *project_dir);

/* The loop of a BOINC daemon: until a stop (a signal, or PROJECT_DIR/stop_daemons), runs
 * pass(ctx, &found) and sleeps sleep_interval seconds after a pass that found nothing; a SIGHUP
 * that is no stop is logged. one_pass: one pass only. Returns 0, or the first error of a pass
 * (logged), after which it stops. */
SSP_MUST_CHECK int ssp_daemon_loop(const char *project_dir, int one_pass, double sleep_interval,
				   int (*pass)(void *ctx, int *found), void *ctx);

/* Sleeps up to seconds, waking early on a stop request or a SIGHUP. */
void ssp_daemon_nap(double seconds);

#endif
