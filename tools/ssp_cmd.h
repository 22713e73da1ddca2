/* The `ssp` command: subcommand entry points and the helpers they share.
 * Each entry point takes the arguments after its own name (argv[0] is the
 * subcommand name) and returns the process exit status. */
#ifndef SSP_CMD_H
#define SSP_CMD_H

#include <stdint.h>

/* Exit statuses shared by every subcommand. */
enum {
	SSP_EXIT_OK = 0,
	SSP_EXIT_FALSE = 1, /* a check ran and its answer is "no" (invalid, discrepancies) */
	SSP_EXIT_ERROR = 2, /* usage or operational error */
};

int ssp_cmd_key(int argc, char **argv);
int ssp_cmd_bind(int argc, char **argv);
int ssp_cmd_claim(int argc, char **argv);
int ssp_cmd_export(int argc, char **argv);
int ssp_cmd_audit(int argc, char **argv);
int ssp_cmd_cosign(int argc, char **argv);
int ssp_cmd_deploy(int argc, char **argv);
int ssp_cmd_config(int argc, char **argv);
int ssp_cmd_status(int argc, char **argv);
int ssp_cmd_requeue(int argc, char **argv);

/* Prints "ssp: <what>: <strerror(rc)>[: detail]" to stderr; returns SSP_EXIT_ERROR. */
int ssp_cmd_fail(const char *what, int rc, const char *detail);
/* Prints "ssp: <msg>" and "Try 'ssp <sub> --help'." to stderr; returns SSP_EXIT_ERROR. */
int ssp_cmd_usage_error(const char *sub, const char *msg);
/* The start of a subcommand whose argv[1] is an action word: "-h"/"--help" prints help to
 * stdout and returns SSP_EXIT_OK; a missing argv[1] or one not in actions (NULL-terminated)
 * is ssp_cmd_usage_error(sub, "SUB: expected 'a', 'b' or 'c'"). Otherwise sets *action to
 * argv[1] and optind to 1 (for getopt_long on argc - 1, argv + 1) and returns -1. */
int ssp_cmd_action(int argc, char **argv, const char *sub, const char *const *actions,
		   const char *help, const char **action);
/* Strict decimal uint64 (no sign, no spaces). Returns 0 or -1. */
int ssp_cmd_parse_u64(const char *s, uint64_t *out);
/* Loads the secret key of --keystore/--password-file, printing any error.
 * Returns 0 or SSP_EXIT_ERROR. */
int ssp_cmd_load_key(const char *keystore, const char *password_file, uint8_t seckey[32]);

#endif
