/* ssp.conf: the INI configuration file of the SmartShare programs, read with inih.
 *
 * Syntax: `[section]` headers, `key = value` (or `key: value`) lines, comment lines starting
 * with `;` or `#`, and inline comments after whitespace and `;` ("value ; comment" is
 * "value"). Leading and trailing whitespace of keys and values is dropped; indentation is
 * allowed and never makes a continuation line. Names are case-sensitive. A key may appear only
 * once per section (a repeated [section] header continues that section). Unknown sections and
 * keys are kept (see ssp_conf_entry); lib/core/ssp_cfg.h refuses them.
 * Limits: the file is at most SSP_CONF_MAX_FILE bytes; a line must fit inih's line buffer
 * (200 bytes with Debian's libinih, newline included); section names at most 49 bytes; no NUL
 * or other control characters except tab and CR/LF.
 *
 * The keys themselves, their types and defaults: lib/core/ssp_cfg.h (the settings table),
 * which programs use to read ssp.conf.
 */
#ifndef SSP_CONF_H
#define SSP_CONF_H

#include "core/ssp_err.h"

#include <stddef.h>
#include <stdint.h>

#define SSP_CONF_MAX_FILE (1024 * 1024)

typedef struct ssp_conf ssp_conf;

/* Reads and parses the file at path into a new *out (free with ssp_conf_free); *out = NULL
 * first. Returns 0; SSP_ERR_NOT_FOUND / SSP_ERR_IO for the file; SSP_ERR_TOO_BIG over
 * SSP_CONF_MAX_FILE; SSP_ERR_PARSE for a syntax error, a duplicate key, an over-long line or
 * binary data, with em naming "path:line: what"; SSP_ERR_NOMEM. */
SSP_MUST_CHECK int ssp_conf_load(const char *path, ssp_conf **out, ssp_errmsg *em);

/* As ssp_conf_load, from text[0..len) (at most SSP_CONF_MAX_FILE bytes); name is used in
 * messages in place of the path. */
SSP_MUST_CHECK int ssp_conf_parse(const char *text, size_t len, const char *name, ssp_conf **out, ssp_errmsg *em);

/* Frees c; NULL is allowed. */
void ssp_conf_free(ssp_conf *c);

/* The value of key in section ("" for keys before any section header), or NULL when absent.
 * The string belongs to c. */
const char *ssp_conf_get(const ssp_conf *c, const char *section, const char *key);

/* A string value: *out = the value, or def when the key is absent. def == NULL makes the key
 * required: absent or empty is SSP_ERR_CONFIG ("missing section.key in path"). */
SSP_MUST_CHECK int ssp_conf_get_str(const ssp_conf *c, const char *section, const char *key, const char *def,
		     const char **out, ssp_errmsg *em);

/* The strict syntaxes of the typed getters below, for one value s: *out set and 0, or
 * SSP_ERR_PARSE (not of the syntax) / SSP_ERR_RANGE (above 2^64-1; not finite). */
SSP_MUST_CHECK int ssp_conf_parse_u64(const char *s, uint64_t *out);
SSP_MUST_CHECK int ssp_conf_parse_double(const char *s, double *out);
SSP_MUST_CHECK int ssp_conf_parse_bool(const char *s, int *out);

/* A strict decimal uint64 (digits only, no sign, no spaces, no overflow): *out = the value,
 * or def when absent. SSP_ERR_CONFIG otherwise, em naming "path:line: section.key". */
SSP_MUST_CHECK int ssp_conf_get_u64(const ssp_conf *c, const char *section, const char *key, uint64_t def,
		     uint64_t *out, ssp_errmsg *em);

/* A finite decimal number ([+-]digits[.digits][e[+-]digits], no hex, inf or nan): *out = the
 * value, or def when absent. SSP_ERR_CONFIG otherwise, em naming the key. */
SSP_MUST_CHECK int ssp_conf_get_double(const ssp_conf *c, const char *section, const char *key, double def,
			double *out, ssp_errmsg *em);

/* A boolean: true/yes/1 → 1, false/no/0 → 0 (case-insensitive); *out = def when absent.
 * SSP_ERR_CONFIG otherwise, em naming the key. */
SSP_MUST_CHECK int ssp_conf_get_bool(const ssp_conf *c, const char *section, const char *key, int def, int *out,
		      ssp_errmsg *em);

/* Number of key = value entries in c, in file order. */
size_t ssp_conf_count(const ssp_conf *c);

/* The i-th entry (file order): section, key, value (owned by c) and its line number; any
 * output pointer may be NULL. Returns 0, or SSP_ERR_NOT_FOUND when i ≥ ssp_conf_count(c). */
SSP_MUST_CHECK int ssp_conf_entry(const ssp_conf *c, size_t i, const char **section, const char **key,
		   const char **value, unsigned *line);

/* Sets key = value in section of the file at path: replaces the key's line (keeping its
 * indentation, inline comment and line end), or adds the line after the section's last key,
 * or appends a new [section]; every other line and comment is kept byte for byte. The file is
 * replaced atomically (ssp_file_write_atomic) with its previous mode, or created with 0600; a
 * symbolic link is followed. section and key: 1–49 characters of [A-Za-z0-9_.-]; value:
 * printable, no leading/trailing whitespace, no whitespace followed by ';', and the line must
 * fit the line limit. Returns 0; SSP_ERR_INVAL for a bad name or value; the errors of
 * ssp_conf_load when the existing file does not parse; SSP_ERR_IO / SSP_ERR_NOMEM. */
SSP_MUST_CHECK int ssp_conf_set(const char *path, const char *section, const char *key, const char *value);

#endif
