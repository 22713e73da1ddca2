/* BOINC's public statistics export user.gz (or user.xml): per user id, the total_credit the
 * project publishes. Read with libxml2's streaming xmlReader (which decompresses gzip itself),
 * without network access, DTDs or entity substitution, with caps:
 *   <users><user><id>N</id>…<total_credit>123.456789</total_credit>…</user>…</users>
 * Other elements inside <user> (name, country, cpid, expavg_*, teamid, …) are ignored;
 * every <user> must have exactly one <id> and one <total_credit>. */
#ifndef SSP_STATS_H
#define SSP_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "core/ssp_err.h"

/* Most users read, and longest text of one element (bytes). */
#define SSP_STATS_MAX_USERS 20000000u
#define SSP_STATS_MAX_TEXT 4096u
#define SSP_STATS_MAX_DEPTH 16

typedef struct ssp_stats ssp_stats;

/* Reads the stats file at path into a new *out (free with ssp_stats_free); *out = NULL first.
 * Returns 0; SSP_ERR_NOT_FOUND / SSP_ERR_IO for the file; SSP_ERR_PARSE for malformed XML, a
 * root other than <users>, a <user> without (or with two) <id> or <total_credit>, a bad
 * number or a user id listed twice, em naming the line; SSP_ERR_TOO_BIG past the caps;
 * SSP_ERR_NOMEM. Nothing is printed. */
SSP_MUST_CHECK int ssp_stats_read(const char *path, ssp_stats **out, ssp_errmsg *em);
/* Frees s (NULL ok). */
void ssp_stats_free(ssp_stats *s);
/* Number of users read. */
size_t ssp_stats_count(const ssp_stats *s);
/* The total_credit of user_id in micro-cobblestones (rounded half up) into *micro.
 * 0, or SSP_ERR_NOT_FOUND when the user is not listed. */
SSP_MUST_CHECK int ssp_stats_credit(const ssp_stats *s, uint64_t user_id, uint64_t *micro);
/* Parses a non-negative decimal credit ("123", "123.456789", "1.5e3", as BOINC writes with
 * %f or %g) into micro-cobblestones, rounded half up. 0, SSP_ERR_PARSE, or SSP_ERR_RANGE
 * when it does not fit in uint64. */
SSP_MUST_CHECK int ssp_stats_parse_credit(const char *text, uint64_t *micro);

#endif
