/* The BOINC project's config.xml, as the validator needs it: database
 * credentials, the upload tree and the master URL. Parsed with libxml2
 * (no network, no external entities), capped in size. */
#ifndef SSP_PROJCFG_H
#define SSP_PROJCFG_H

#include <stddef.h>

#include "core/ssp_err.h"

#define SSP_PROJCFG_MAX_BYTES (1u << 20) /* config.xml larger than this is refused */
#define SSP_PROJCFG_MAX_FIELD 4096       /* longest accepted field value */
#define SSP_PROJCFG_MAX_FANOUT 65536     /* largest accepted uldl_dir_fanout */

typedef struct ssp_projcfg {
	char *db_name;        /* required */
	char *db_host;        /* host name without ":port"; NULL when absent (MariaDB default) */
	unsigned db_port;     /* from "host:port" in <db_host>; 0 = default */
	char *db_socket;      /* <db_host> beginning with '/' is a Unix socket path; else NULL */
	char *db_user;        /* NULL when absent */
	char *db_passwd;      /* NULL when absent; wiped by ssp_projcfg_free */
	char *upload_dir;     /* required; made absolute against the config file's directory */
	int uldl_dir_fanout;  /* 0 when absent (flat upload directory) */
	char *master_url;     /* required, exactly as written (trailing slash included) */
	/* scheduler settings the validator reads (BOINC's sched_config.cpp; absent: 0) */
	int one_result_per_user_per_wu; /* <one_result_per_user_per_wu/> or 1 */
	int one_result_per_host_per_wu; /* <one_result_per_host_per_wu/> or 1 */
	int daily_result_quota;         /* <daily_result_quota>: the floor an invalid result
					   lowers host_app_version.max_jobs_per_day towards */
} ssp_projcfg;

/* Parses config.xml text (len bytes): <boinc><config>…</config></boinc>. Relative
 * upload_dir values are resolved against base_dir (NULL: kept as written).
 * On success *out is a new config (free with ssp_projcfg_free). SSP_ERR_TOO_BIG for
 * input or a field over its cap, SSP_ERR_PARSE for malformed XML or a bad number,
 * SSP_ERR_CONFIG when a required field is missing or empty; em names the problem. */
SSP_MUST_CHECK int ssp_projcfg_parse(const char *xml, size_t len, const char *base_dir,
		      ssp_projcfg **out, ssp_errmsg *em);

/* Reads and parses the file at path (relative upload_dir resolved against its directory).
 * Returns as ssp_projcfg_parse, plus SSP_ERR_NOT_FOUND / SSP_ERR_IO for the file itself. */
SSP_MUST_CHECK int ssp_projcfg_load(const char *path, ssp_projcfg **out, ssp_errmsg *em);

/* Frees cfg (NULL allowed), wiping the password. */
void ssp_projcfg_free(ssp_projcfg *cfg);

/* The upload-tree path of a file name, as BOINC's dir_hier_path computes it:
 * fanout 0 gives "<root>/<name>"; otherwise "<root>/<dir>/<name>", where dir is
 * the lowercase hex (no leading zeros) of the number formed by hex digits 1..7 of
 * md5(name), modulo fanout. Writes at most cap bytes into out. Returns 0,
 * SSP_ERR_INVAL for a name that is empty, contains '/' or is "." or "..",
 * SSP_ERR_TOO_BIG when out is too small. */
SSP_MUST_CHECK int ssp_upload_path(const char *root, int fanout, const char *name, char *out, size_t cap);

#endif
