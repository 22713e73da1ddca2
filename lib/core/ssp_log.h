/* Logging with BOINC's daemon levels (-d 1..4). The one channel through which
 * library code may report; programs choose the level and the stream. */
#ifndef SSP_LOG_H
#define SSP_LOG_H

#include "core/ssp_err.h"

#include <stdio.h>

enum ssp_log_level {
	SSP_LOG_CRITICAL = 1,
	SSP_LOG_NORMAL = 2,
	SSP_LOG_DEBUG = 3,
	SSP_LOG_DETAIL = 4,
};

/* Sets the program name shown in each line (not copied: pass a string that lives on). */
void ssp_log_set_ident(const char *ident);
/* Messages above level are dropped. Values outside 1..4 are clamped. */
void ssp_log_set_level(int level);
SSP_MUST_CHECK int ssp_log_get_level(void);
/* Stream for log lines; NULL means stderr. Not owned. */
void ssp_log_set_stream(FILE *stream);
/* True when a message at level would be written. */
SSP_MUST_CHECK int ssp_log_enabled(int level);
/* Writes "YYYY-MM-DD HH:MM:SS.mmm [ident] LEVEL message\n" when level is enabled. */
void ssp_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define ssp_log_crit(...) ssp_log(SSP_LOG_CRITICAL, __VA_ARGS__)
#define ssp_log_info(...) ssp_log(SSP_LOG_NORMAL, __VA_ARGS__)
#define ssp_log_debug(...) ssp_log(SSP_LOG_DEBUG, __VA_ARGS__)
#define ssp_log_detail(...) ssp_log(SSP_LOG_DETAIL, __VA_ARGS__)

#endif
