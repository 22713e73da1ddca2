/* ssp.conf settings: one table, every key declared once (as redis's static_configs[]).
 *
 * Each entry of the table in ssp_cfg.c gives a key's section, name, type, default, range and one
 * line of documentation. ssp_cfg_load reads an ssp.conf (lib/core/ssp_conf.h parses the INI
 * syntax), refuses keys the table does not declare and values that do not fit their type or
 * range, and fills in defaults; programs then read typed values by id. `ssp config check`
 * prints the effective settings; `ssp config doc` writes docs/ssp.conf.example and
 * docs/ssp.conf.5 from this table (tests/integration/03-config.sh checks they agree).
 *
 * Ids are append-only in meaning but may be reordered: always use the names. */
#ifndef SSP_CFG_H
#define SSP_CFG_H

#include "core/ssp_err.h"

#include <stdint.h>
#include <stdio.h>

typedef enum ssp_cfg_id {
	SSP_CFG_PROJECT_MASTER_URL,
	SSP_CFG_PROJECT_LEDGER,
	SSP_CFG_CHAIN_RPC_URL,
	SSP_CFG_CHAIN_CHAIN_ID,
	SSP_CFG_CHAIN_MINTER,
	SSP_CFG_CHAIN_TOKEN,
	SSP_CFG_CHAIN_DEPLOY_BLOCK,
	SSP_CFG_VALIDATOR_KEYSTORE,
	SSP_CFG_VALIDATOR_PASSWORD_FILE,
	SSP_CFG_VALIDATOR_BATCH_SIZE,
	SSP_CFG_VALIDATOR_BATCH_WINDOW,
	SSP_CFG_VALIDATOR_BINDING_DELAY,
	SSP_CFG_VALIDATOR_PLUGIN,
	SSP_CFG_BRIDGE_KEYSTORE,
	SSP_CFG_BRIDGE_PASSWORD_FILE,
	SSP_CFG_BRIDGE_CONFIRMATIONS,
	SSP_CFG_BRIDGE_MAX_FEE_PER_GAS_GWEI,
	SSP_CFG_BRIDGE_MAX_PRIORITY_FEE_PER_GAS_GWEI,
	SSP_CFG_BRIDGE_GAS_HEADROOM_PERCENT,
	SSP_CFG_BRIDGE_RPC_TIMEOUT,
	SSP_CFG_BRIDGE_POLL_INTERVAL,
	SSP_CFG_BRIDGE_RETRY_DELAY,
	SSP_CFG_BRIDGE_LOW_BALANCE_BATCHES,
	SSP_CFG_SIGNER_GRANT_APPS,
	SSP_CFG_SIGNER_GRANT_OVERLAP,
	SSP_CFG_SIGNER_GRANT_SINCE,
	SSP_CFG_SIGNER_GRANT_CHECK_RECEIPT,
	SSP_CFG_WEB_SSP,
	SSP_CFG_WEB_EXPORT_DIR,
	SSP_CFG_WEB_NOTICE_FROM_USER,
	SSP_CFG_COUNT
} ssp_cfg_id;

typedef enum ssp_cfg_type {
	SSP_CFG_STR,     /* any text */
	SSP_CFG_PATH,    /* a file path (absolute or relative to the working directory) */
	SSP_CFG_URL,     /* http:// or https:// URL */
	SSP_CFG_U64,     /* decimal unsigned integer within [min, max] */
	SSP_CFG_DOUBLE,  /* finite decimal number within [min, max] */
	SSP_CFG_BOOL,    /* true/yes/1, false/no/0 */
	SSP_CFG_ADDRESS, /* 0x and 40 hex digits (programs check the EIP-55 checksum) */
	SSP_CFG_GWEI,    /* decimal amount of gwei, at most 9 fractional digits */
} ssp_cfg_type;

/* One declared key. def is the default as text (NULL: no default; programs that need the key
 * require it); example is the value docs/ssp.conf.example shows; users names the programs that
 * read it. */
typedef struct ssp_cfg_def {
	const char *section, *key;
	ssp_cfg_type type;
	const char *def;
	double min, max;
	const char *example;
	const char *users;
	const char *doc;
} ssp_cfg_def;

typedef struct ssp_cfg ssp_cfg;

/* The declaration of id (never NULL for id < SSP_CFG_COUNT). */
const ssp_cfg_def *ssp_cfg_def_of(ssp_cfg_id id);

/* The id of section.key: 0 and *id set, or SSP_ERR_NOT_FOUND when the table does not declare it. */
SSP_MUST_CHECK int ssp_cfg_find(const char *section, const char *key, ssp_cfg_id *id);

/* Reads the ssp.conf at path into a new *out (free with ssp_cfg_free); *out = NULL first.
 * Returns 0; the errors of ssp_conf_load; SSP_ERR_CONFIG, with em naming "path:line: what",
 * for a key the table does not declare or a value that is not of its type or range. */
SSP_MUST_CHECK int ssp_cfg_load(const char *path, ssp_cfg **out, ssp_errmsg *em);

/* As ssp_cfg_load from text[0..len); name stands for the path in messages. */
SSP_MUST_CHECK int ssp_cfg_parse(const char *text, size_t len, const char *name, ssp_cfg **out, ssp_errmsg *em);

/* A configuration with every key at its default, as when the file is empty. */
SSP_MUST_CHECK int ssp_cfg_defaults(ssp_cfg **out);

/* Frees c; NULL is allowed. */
void ssp_cfg_free(ssp_cfg *c);

/* The file c was read from ("(defaults)" for ssp_cfg_defaults). */
const char *ssp_cfg_path(const ssp_cfg *c);

/* 1 when the file sets id, 0 when id has its default (or none). */
SSP_MUST_CHECK int ssp_cfg_is_set(const ssp_cfg *c, ssp_cfg_id id);

/* The effective text of id: the file's value, else the default, else NULL. */
const char *ssp_cfg_str(const ssp_cfg *c, ssp_cfg_id id);

/* The effective value of a U64 / DOUBLE / BOOL key (0 when it has neither value nor default). */
uint64_t ssp_cfg_u64(const ssp_cfg *c, ssp_cfg_id id);
double ssp_cfg_double(const ssp_cfg *c, ssp_cfg_id id);
SSP_MUST_CHECK int ssp_cfg_bool(const ssp_cfg *c, ssp_cfg_id id);

/* 0 when id has a value (file or default); SSP_ERR_CONFIG with "path: [section] key is
 * required (doc)" in em otherwise. */
SSP_MUST_CHECK int ssp_cfg_require(const ssp_cfg *c, ssp_cfg_id id, ssp_errmsg *em);

/* Writes the effective settings to f, one "[section]" block each, "key = value" lines with
 * "; default" or "; not set" where the file does not set them. Returns 0 or SSP_ERR_IO. */
SSP_MUST_CHECK int ssp_cfg_print(const ssp_cfg *c, FILE *f);

/* Writes docs/ssp.conf.example (every key, its documentation, its example value) to f. */
SSP_MUST_CHECK int ssp_cfg_write_example(FILE *f);

/* Writes the ssp.conf(5) man page to f; version goes in its footer. */
SSP_MUST_CHECK int ssp_cfg_write_man(FILE *f, const char *version);

#endif
