/* ssp.conf settings: the table and its reader (see ssp_cfg.h). */
#include "core/ssp_cfg.h"
#include "core/ssp_conf.h"
#include "core/ssp_hex.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The only list of ssp.conf keys. Order: the order of ssp_cfg_id, grouped by section; the
 * example file and the man page follow it. */
static const ssp_cfg_def table[SSP_CFG_COUNT] = {
	[SSP_CFG_PROJECT_MASTER_URL] = { "project", "master_url", SSP_CFG_URL, NULL, 0, 0,
		"https://boinc.example.org/ssp/", "ssp_validator, ssp_signer, ssp_bridge, ssp",
		"The BOINC master URL exactly as in the project's config.xml, trailing slash included; "
		"the project id signed into every claim is keccak256 of this text: never change it." },
	[SSP_CFG_PROJECT_LEDGER] = { "project", "ledger", SSP_CFG_PATH, NULL, 0, 0,
		"/var/lib/ssp/ledger.sqlite", "ssp_signer, ssp_bridge, ssp",
		"The SQLite ledger (credits, claims, batches, transactions)." },
	[SSP_CFG_CHAIN_RPC_URL] = { "chain", "rpc_url", SSP_CFG_URL, NULL, 0, 0,
		"http://127.0.0.1:8545", "ssp_bridge, ssp",
		"Ethereum JSON-RPC endpoint." },
	[SSP_CFG_CHAIN_CHAIN_ID] = { "chain", "chain_id", SSP_CFG_U64, NULL, 1, 4503599627370495.0,
		"31337", "ssp_signer, ssp_bridge, ssp",
		"EIP-155 chain id, decimal (31337 is anvil's default; 1 is Ethereum mainnet)." },
	[SSP_CFG_CHAIN_MINTER] = { "chain", "minter", SSP_CFG_ADDRESS, NULL, 0, 0,
		"0x5FbDB2315678afecb367f032d93F642f64180aa3", "ssp_signer, ssp_bridge, ssp",
		"The ShareMinter contract (EIP-55 checksum checked when mixed case)." },
	[SSP_CFG_CHAIN_TOKEN] = { "chain", "token", SSP_CFG_ADDRESS, NULL, 0, 0,
		"0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512", "ssp",
		"The SSPToken contract." },
	[SSP_CFG_CHAIN_DEPLOY_BLOCK] = { "chain", "deploy_block", SSP_CFG_U64, "0", 0, 4503599627370495.0,
		"0", "ssp",
		"The block the minter was deployed in (written by `ssp deploy --conf`); the export's "
		"manifest carries it and auditors start their scan of the chain there. 0: unknown." },
	[SSP_CFG_VALIDATOR_KEYSTORE] = { "validator", "keystore", SSP_CFG_PATH, NULL, 0, 0,
		"/etc/ssp/validator.keystore.json", "ssp_signer, ssp_bridge",
		"Claim-signing key (the validator key, held by ssp_signer alone): a keystore v3 file." },
	[SSP_CFG_VALIDATOR_PASSWORD_FILE] = { "validator", "password_file", SSP_CFG_PATH, NULL, 0, 0,
		"/etc/ssp/validator.password", "ssp_signer",
		"The claim-signing key's password file (mode 0600, first line)." },
	[SSP_CFG_VALIDATOR_BATCH_SIZE] = { "validator", "batch_size", SSP_CFG_U64, "256", 1, 1000000,
		"256", "ssp_signer",
		"A batch is sealed when it holds this many claims (1..1000000)..." },
	[SSP_CFG_VALIDATOR_BATCH_WINDOW] = { "validator", "batch_window", SSP_CFG_U64, "600", 1, 31536000,
		"600", "ssp_signer",
		"... or when its oldest claim is this many seconds old, whichever comes first." },
	[SSP_CFG_VALIDATOR_BINDING_DELAY] = { "validator", "binding_delay", SSP_CFG_U64, "172800", 0,
		31536000, "172800", "ssp_signer, web/ssp_bind.php",
		"Seconds a payout binding that replaces another address waits before it receives claims "
		"(credit keeps waiting meanwhile); the first binding takes effect at once. The binding "
		"page tells the volunteer." },
	[SSP_CFG_VALIDATOR_PLUGIN] = { "validator", "plugin", SSP_CFG_PATH, NULL, 0, 0,
		"/usr/lib/smartshare/ssp_cmp_reltol.so", "ssp_validator",
		"A project's own output comparison: a shared object with ssp_init_result, ssp_compare_results "
		"and ssp_cleanup_result (docs/validator.md); options ssp_validator does not know go to its "
		"ssp_validate_handler_init. Unset: bitwise comparison, or --tolerance." },
	[SSP_CFG_BRIDGE_KEYSTORE] = { "bridge", "keystore", SSP_CFG_PATH, NULL, 0, 0,
		"/etc/ssp/bridge.keystore.json", "ssp_bridge",
		"Transaction-paying key (needs ETH for gas; need not be a batch signer): a keystore v3 file." },
	[SSP_CFG_BRIDGE_PASSWORD_FILE] = { "bridge", "password_file", SSP_CFG_PATH, NULL, 0, 0,
		"/etc/ssp/bridge.password", "ssp_bridge",
		"The transaction-paying key's password file (mode 0600, first line)." },
	[SSP_CFG_BRIDGE_CONFIRMATIONS] = { "bridge", "confirmations", SSP_CFG_U64, "3", 1, 10000,
		"3", "ssp_bridge",
		"Blocks a mint transaction must be buried under before its batch counts as minted." },
	[SSP_CFG_BRIDGE_MAX_FEE_PER_GAS_GWEI] = { "bridge", "max_fee_per_gas_gwei", SSP_CFG_GWEI, "100",
		0, 0, "50", "ssp_bridge",
		"EIP-1559 fee ceiling in gwei (decimals allowed); the bridge never bids above it." },
	[SSP_CFG_BRIDGE_MAX_PRIORITY_FEE_PER_GAS_GWEI] = { "bridge", "max_priority_fee_per_gas_gwei",
		SSP_CFG_GWEI, "2", 0, 0, "2", "ssp_bridge",
		"EIP-1559 priority fee (tip) ceiling in gwei; at most max_fee_per_gas_gwei." },
	[SSP_CFG_BRIDGE_GAS_HEADROOM_PERCENT] = { "bridge", "gas_headroom_percent", SSP_CFG_U64, "25",
		0, 1000, "25", "ssp_bridge",
		"Percentage added to eth_estimateGas (0..1000)." },
	[SSP_CFG_BRIDGE_RPC_TIMEOUT] = { "bridge", "rpc_timeout", SSP_CFG_DOUBLE, "10", 0.1, 3600,
		"10", "ssp_bridge",
		"Seconds per JSON-RPC request (0.1..3600)." },
	[SSP_CFG_BRIDGE_POLL_INTERVAL] = { "bridge", "poll_interval", SSP_CFG_DOUBLE, "5", 0, 86400,
		"5", "ssp_bridge",
		"Seconds between polls of the chain (0..86400)." },
	[SSP_CFG_BRIDGE_RETRY_DELAY] = { "bridge", "retry_delay", SSP_CFG_DOUBLE, "60", 0, 86400,
		"60", "ssp_bridge",
		"Seconds a batch waits before it is tried again after a revert that can succeed later "
		"(minting paused, the minter's MINTER_ROLE missing, an undecoded revert)." },
	[SSP_CFG_BRIDGE_LOW_BALANCE_BATCHES] = { "bridge", "low_balance_batches", SSP_CFG_U64, "20", 0,
		1000000, "20", "ssp_bridge",
		"Warn when the bridge account's balance pays for fewer than this many mints at the "
		"current fees (gas limit x max fee per gas of the next one)." },
	[SSP_CFG_SIGNER_GRANT_APPS] = { "signer", "grant_apps", SSP_CFG_STR, "", 0, 0, "", "ssp_signer",
		"Apps validated by the project's own BOINC validator whose granted credit ssp_signer claims "
		"(names separated by commas or spaces; docs/signer.md). Empty: only ssp_validator's credit." },
	[SSP_CFG_SIGNER_GRANT_OVERLAP] = { "signer", "grant_overlap", SSP_CFG_U64, "600", 1, 2592000, "600",
		"ssp_signer",
		"Seconds of result.mod_time read again behind the grant scan's position, for results whose "
		"validation committed late." },
	[SSP_CFG_SIGNER_GRANT_SINCE] = { "signer", "grant_since", SSP_CFG_U64, "0", 0, 4503599627370495.0,
		"0", "ssp_signer",
		"Where the first grant scan starts: 0 from now, 1 all history, otherwise a unix time." },
	[SSP_CFG_SIGNER_GRANT_CHECK_RECEIPT] = { "signer", "grant_check_receipt", SSP_CFG_BOOL, "false", 0,
		1, "false", "ssp_signer",
		"Claim a result granted by the project's own validator only when its share receipt checks out." },
	[SSP_CFG_WEB_SSP] = { "web", "ssp", SSP_CFG_PATH, NULL, 0, 0, "/usr/bin/ssp", "web/ssp_bind.php",
		"The ssp program the binding page runs for `ssp bind verify` and `ssp bind text` "
		"(unset: ssp on PATH, else /usr/bin/ssp)." },
	[SSP_CFG_WEB_EXPORT_DIR] = { "web", "export_dir", SSP_CFG_PATH, NULL, 0, 0, "/var/www/ssp-export",
		"web/ssp_bind.php",
		"The published export (ssp export --out), for the claims and SSP minted the binding page shows." },
	[SSP_CFG_WEB_NOTICE_FROM_USER] = { "web", "notice_from_user", SSP_CFG_U64, "0", 0,
		4503599627370495.0, "0", "web/ssp_bind.php",
		"Id of the BOINC account that sends the private message (a notice in BOINC Manager) telling "
		"a volunteer their payout address is being replaced; 0: no message." },
};

struct ssp_cfg {
	ssp_conf *conf;               /* the parsed file (owns the value strings); NULL: defaults */
	char *path;
	const char *text[SSP_CFG_COUNT]; /* effective text: file value or default or NULL */
	unsigned line[SSP_CFG_COUNT];    /* the file's line, 0 when not set */
	uint64_t u[SSP_CFG_COUNT];
	double d[SSP_CFG_COUNT];
};

const ssp_cfg_def *ssp_cfg_def_of(ssp_cfg_id id)
{
	return (unsigned)id < SSP_CFG_COUNT ? &table[id] : NULL;
}

int ssp_cfg_find(const char *section, const char *key, ssp_cfg_id *id)
{
	for (int i = 0; i < SSP_CFG_COUNT; i++)
		if (section && key && strcmp(table[i].section, section) == 0 && strcmp(table[i].key, key) == 0) {
			*id = (ssp_cfg_id)i;
			return 0;
		}
	return SSP_ERR_NOT_FOUND;
}

static const char *type_name(ssp_cfg_type t)
{
	switch (t) {
	case SSP_CFG_STR: return "text";
	case SSP_CFG_PATH: return "path";
	case SSP_CFG_URL: return "URL";
	case SSP_CFG_U64: return "integer";
	case SSP_CFG_DOUBLE: return "number";
	case SSP_CFG_BOOL: return "boolean";
	case SSP_CFG_ADDRESS: return "address";
	case SSP_CFG_GWEI: return "gwei";
	}
	return "?";
}

/* Checks text against def's type and range; stores numbers in *u / *d. Returns 0 or
 * SSP_ERR_CONFIG with what is wrong in why. */
static int check_value(const ssp_cfg_def *def, const char *text, uint64_t *u, double *d, char *why,
		       size_t whylen)
{
	int rc = SSP_ERR_CONFIG, b;
	size_t n = strlen(text), i;

	switch (def->type) {
	case SSP_CFG_STR:
		rc = 0;
		break;
	case SSP_CFG_PATH:
		if (n == 0 || n > 4095)
			snprintf(why, whylen, "a path of 1..4095 bytes is needed");
		else
			rc = 0;
		break;
	case SSP_CFG_URL:
		if ((strncmp(text, "http://", 7) != 0 && strncmp(text, "https://", 8) != 0) ||
		    strlen(strstr(text, "//") + 2) == 0 || strchr(text, ' ') != NULL)
			snprintf(why, whylen, "an http:// or https:// URL is needed");
		else
			rc = 0;
		break;
	case SSP_CFG_ADDRESS:
		for (i = 2; n == 42 && i < n && ssp_hex_digit(text[i]) >= 0; i++)
			;
		if (n != 42 || text[0] != '0' || (text[1] != 'x' && text[1] != 'X') || i != n)
			snprintf(why, whylen, "an address (0x and 40 hex digits) is needed");
		else
			rc = 0;
		break;
	case SSP_CFG_GWEI: {
		size_t dot = strcspn(text, ".");

		for (i = 0; i < n && (i == dot || (text[i] >= '0' && text[i] <= '9')); i++)
			;
		if (n == 0 || i != n || dot == 0 || (dot < n && (n - dot - 1 == 0 || n - dot - 1 > 9)) || dot > 20)
			snprintf(why, whylen, "a gwei amount (digits, at most 9 after the point) is needed");
		else
			rc = 0;
		break;
	}
	case SSP_CFG_U64:
	case SSP_CFG_DOUBLE:
	case SSP_CFG_BOOL:
		/* ssp_conf's strict syntaxes, the ones of its typed getters */
		if (n > 50 ||
		    (def->type == SSP_CFG_U64 && ssp_conf_parse_u64(text, u) != 0) ||
		    (def->type == SSP_CFG_DOUBLE && ssp_conf_parse_double(text, d) != 0) ||
		    (def->type == SSP_CFG_BOOL && ssp_conf_parse_bool(text, &b) != 0)) {
			snprintf(why, whylen, "not a valid %s", def->type == SSP_CFG_BOOL ? "boolean (true/false)" :
				 type_name(def->type));
			break;
		}
		if (def->type == SSP_CFG_U64) {
			*d = (double)*u;
		} else if (def->type == SSP_CFG_DOUBLE) {
			*u = 0;
		} else {
			*u = (uint64_t)b;
			*d = b;
			rc = 0;
			break;
		}
		if (*d < def->min || *d > def->max || !isfinite(*d))
			snprintf(why, whylen, "must be %.15g..%.15g", def->min, def->max);
		else
			rc = 0;
		break;
	}
	return rc;
}

static int cfg_new(const char *path, ssp_cfg **out)
{
	ssp_cfg *c = calloc(1, sizeof *c);

	*out = NULL;
	if (c == NULL || (c->path = strdup(path)) == NULL) {
		free(c);
		return SSP_ERR_NOMEM;
	}
	for (int i = 0; i < SSP_CFG_COUNT; i++) {
		char why[128];

		c->text[i] = table[i].def;
		/* the table's defaults are checked like file values (a test covers every one) */
		if (table[i].def && check_value(&table[i], table[i].def, &c->u[i], &c->d[i], why, sizeof why)) {
			ssp_cfg_free(c);
			return SSP_ERR_INTERNAL;
		}
	}
	*out = c;
	return 0;
}

int ssp_cfg_defaults(ssp_cfg **out)
{
	return cfg_new("(defaults)", out);
}

static int cfg_fill(ssp_cfg *c, ssp_conf *conf, const char *name, ssp_errmsg *em)
{
	const char *sec, *key, *val;
	unsigned line;
	ssp_cfg_id id;
	char why[128];

	c->conf = conf;
	for (size_t i = 0; ssp_conf_entry(conf, i, &sec, &key, &val, &line) == 0; i++) {
		if (ssp_cfg_find(sec, key, &id) != 0)
			return ssp_errmsg_set(em, SSP_ERR_CONFIG, "%s:%u: unknown key %s%s%s%s (ssp.conf(5) lists "
					      "every key)", name, line, *sec ? "[" : "", sec, *sec ? "] " : "", key);
		if (check_value(&table[id], val, &c->u[id], &c->d[id], why, sizeof why) != 0)
			return ssp_errmsg_set(em, SSP_ERR_CONFIG, "%s:%u: [%s] %s = %s: %s", name, line, sec, key,
					      val, why);
		c->text[id] = val;
		c->line[id] = line;
	}
	return 0;
}

int ssp_cfg_parse(const char *text, size_t len, const char *name, ssp_cfg **out, ssp_errmsg *em)
{
	ssp_conf *conf = NULL;
	ssp_cfg *c = NULL;
	int rc;

	*out = NULL;
	if ((rc = ssp_conf_parse(text, len, name, &conf, em)) != 0)
		return rc;
	if ((rc = cfg_new(name, &c)) != 0) {
		ssp_conf_free(conf);
		return rc;
	}
	if ((rc = cfg_fill(c, conf, name, em)) != 0) {
		ssp_cfg_free(c);
		return rc;
	}
	*out = c;
	return 0;
}

int ssp_cfg_load(const char *path, ssp_cfg **out, ssp_errmsg *em)
{
	ssp_conf *conf = NULL;
	ssp_cfg *c = NULL;
	int rc;

	*out = NULL;
	if ((rc = ssp_conf_load(path, &conf, em)) != 0)
		return rc;
	if ((rc = cfg_new(path, &c)) != 0) {
		ssp_conf_free(conf);
		return rc;
	}
	if ((rc = cfg_fill(c, conf, path, em)) != 0) {
		ssp_cfg_free(c);
		return rc;
	}
	*out = c;
	return 0;
}

void ssp_cfg_free(ssp_cfg *c)
{
	if (c == NULL)
		return;
	ssp_conf_free(c->conf);
	free(c->path);
	free(c);
}

const char *ssp_cfg_path(const ssp_cfg *c)
{
	return c->path;
}

int ssp_cfg_is_set(const ssp_cfg *c, ssp_cfg_id id)
{
	return (unsigned)id < SSP_CFG_COUNT && c->line[id] != 0;
}

const char *ssp_cfg_str(const ssp_cfg *c, ssp_cfg_id id)
{
	return (unsigned)id < SSP_CFG_COUNT ? c->text[id] : NULL;
}

uint64_t ssp_cfg_u64(const ssp_cfg *c, ssp_cfg_id id)
{
	return (unsigned)id < SSP_CFG_COUNT ? c->u[id] : 0;
}

double ssp_cfg_double(const ssp_cfg *c, ssp_cfg_id id)
{
	return (unsigned)id < SSP_CFG_COUNT ? c->d[id] : 0;
}

int ssp_cfg_bool(const ssp_cfg *c, ssp_cfg_id id)
{
	return (unsigned)id < SSP_CFG_COUNT && c->u[id] != 0;
}

int ssp_cfg_require(const ssp_cfg *c, ssp_cfg_id id, ssp_errmsg *em)
{
	if ((unsigned)id >= SSP_CFG_COUNT)
		return ssp_errmsg_set(em, SSP_ERR_INVAL, "no such setting");
	if (c->text[id] != NULL)
		return 0;
	return ssp_errmsg_set(em, SSP_ERR_CONFIG, "%s: [%s] %s is required (%s)", c->path, table[id].section,
			      table[id].key, table[id].doc);
}

int ssp_cfg_print(const ssp_cfg *c, FILE *f)
{
	const char *sec = "";

	fprintf(f, "; effective settings of %s\n", c->path);
	for (int i = 0; i < SSP_CFG_COUNT; i++) {
		if (strcmp(sec, table[i].section) != 0) {
			sec = table[i].section;
			fprintf(f, "\n[%s]\n", sec);
		}
		if (c->text[i] == NULL)
			fprintf(f, "; %s = (not set)\n", table[i].key);
		else
			fprintf(f, "%s = %s%s\n", table[i].key, c->text[i], c->line[i] ? "" : " ; default");
	}
	return ferror(f) ? SSP_ERR_IO : 0;
}

/* Writes text as comment lines of at most ~95 columns, each starting with prefix. */
static void wrap(FILE *f, const char *prefix, const char *text)
{
	size_t col = 0;

	while (*text) {
		size_t w = strcspn(text, " ");

		if (col == 0)
			col = (size_t)fprintf(f, "%s", prefix) - 1;
		else if (col + 1 + w > 95) {
			fputc('\n', f);
			col = (size_t)fprintf(f, "%s", prefix) - 1;
		} else {
			fputc(' ', f);
			col++;
		}
		fprintf(f, "%.*s", (int)w, text);
		col += w;
		text += w;
		while (*text == ' ')
			text++;
	}
	fputc('\n', f);
}

int ssp_cfg_write_example(FILE *f)
{
	const char *sec = "";

	fputs("; ssp.conf — configuration of the SmartShare programs (ssp_validator, ssp_signer, ssp_bridge, ssp).\n"
	      "; Generated from the settings table (lib/core/ssp_cfg.c) by `ssp config doc --example`;\n"
	      "; ssp.conf(5) describes every key. `ssp config check --conf FILE` validates a file and\n"
	      "; prints the effective settings.\n"
	      ";\n"
	      "; INI syntax: [section] headers, \"key = value\" lines, comments on their own line starting\n"
	      "; with ';' or '#', and inline comments after whitespace and ';'. Every key may appear once\n"
	      "; per section; names are case-sensitive. Unknown keys are refused. Lines must stay under\n"
	      "; 200 bytes. Keys with a default may be left out.\n", f);
	for (int i = 0; i < SSP_CFG_COUNT; i++) {
		if (strcmp(sec, table[i].section) != 0) {
			sec = table[i].section;
			fprintf(f, "\n[%s]\n", sec);
		}
		wrap(f, "; ", table[i].doc);
		fprintf(f, "; (%s%s%s; read by %s)\n", type_name(table[i].type),
			table[i].def ? ", default " : ", no default", table[i].def ? table[i].def : "",
			table[i].users);
		fprintf(f, "%s = %s\n", table[i].key, table[i].example);
	}
	return ferror(f) ? SSP_ERR_IO : 0;
}

/* Writes s with troff's special characters escaped (backslash, leading dot or quote). */
static void roff(FILE *f, const char *s)
{
	if (*s == '.' || *s == '\'')
		fputs("\\&", f);
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\e", f);
		else if (*s == '-')
			fputs("\\-", f);
		else
			fputc(*s, f);
	}
}

int ssp_cfg_write_man(FILE *f, const char *version)
{
	const char *sec = "";

	fprintf(f, ".\\\" Generated from the settings table (lib/core/ssp_cfg.c) by `ssp config doc --man`.\n"
		   ".TH SSP.CONF 5 \"\" \"smartshare-ssp %s\" \"File Formats\"\n", version);
	fputs(".SH NAME\nssp.conf \\- configuration of the SmartShare proof\\-of\\-share programs\n"
	      ".SH SYNOPSIS\n/etc/ssp/ssp.conf\n"
	      ".SH DESCRIPTION\n"
	      "One file configures \\fBssp_validator\\fR(8), \\fBssp_signer\\fR(8), \\fBssp_bridge\\fR(8) and\n\\fBssp\\fR(1).\n"
	      "It is an INI file: \\fB[section]\\fR headers, \\fIkey\\fR \\fB=\\fR \\fIvalue\\fR lines,\n"
	      "comment lines starting with \\fB;\\fR or \\fB#\\fR, and inline comments after whitespace and\n"
	      "\\fB;\\fR. A key may appear once per section; names are case\\-sensitive; lines must stay\n"
	      "under 200 bytes and the file under 1 MiB.\n"
	      ".PP\n"
	      "Every program refuses a key that is not listed below, and a value that is not of the\n"
	      "key's type or range, naming the file and line. Keys with a default may be left out.\n"
	      "\\fBssp config check \\-\\-conf\\fR \\fIFILE\\fR validates a file and prints the\n"
	      "effective settings.\n"
	      ".PP\n"
	      "Types: \\fIpath\\fR, a file name; \\fIURL\\fR, http:// or https://; \\fIinteger\\fR, decimal\n"
	      "digits; \\fInumber\\fR, a decimal number; \\fIboolean\\fR, true/yes/1 or false/no/0;\n"
	      "\\fIaddress\\fR, 0x and 40 hex digits (EIP\\-55 checksum checked when mixed case);\n"
	      "\\fIgwei\\fR, a decimal amount with at most 9 digits after the point.\n", f);
	for (int i = 0; i < SSP_CFG_COUNT; i++) {
		if (strcmp(sec, table[i].section) != 0) {
			sec = table[i].section;
			fprintf(f, ".SH [%s]\n", sec);
		}
		fprintf(f, ".TP\n.BR %s \" (%s", table[i].key, type_name(table[i].type));
		if (table[i].type == SSP_CFG_U64 || table[i].type == SSP_CFG_DOUBLE)
			fprintf(f, ", %.15g..%.15g", table[i].min, table[i].max);
		fprintf(f, "%s", table[i].def ? ", default " : ", no default");
		if (table[i].def)
			roff(f, table[i].def);
		fputs(")\"\n", f);
		roff(f, table[i].doc);
		fputs("\nRead by ", f);
		roff(f, table[i].users);
		fputs(". Example: \\fB", f);
		roff(f, table[i].example);
		fputs("\\fR\n", f);
	}
	fputs(".SH FILES\n.TP\n/etc/ssp/ssp.conf\nthe default location (each program takes \\fB\\-\\-conf\\fR)\n"
	      ".SH SEE ALSO\n\\fBssp\\fR(1), \\fBssp_validator\\fR(8), \\fBssp_signer\\fR(8), \\fBssp_bridge\\fR(8)\n", f);
	return ferror(f) ? SSP_ERR_IO : 0;
}
