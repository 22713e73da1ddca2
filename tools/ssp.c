/* ssp: keys, payout bindings and claims for SmartShare proof-of-share. */
#include "config.h"
#include "ssp_cmd.h"

#include <stdio.h>
#include <string.h>

struct subcommand {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct subcommand subcommands[] = {
	{ "key", ssp_cmd_key, "create a keystore v3 key, show its address" },
	{ "bind", ssp_cmd_bind, "sign or verify a volunteer's payout binding" },
	{ "claim", ssp_cmd_claim, "EIP-712 digest and signature of a ShareClaim" },
	{ "export", ssp_cmd_export, "write the public export (claims, batches, manifest)" },
	{ "audit", ssp_cmd_audit, "check an export against the chain and BOINC's stats" },
	{ "deploy", ssp_cmd_deploy, "deploy SSPToken and ShareMinter, wire the minter role" },
	{ "cosign", ssp_cmd_cosign, "re-check one batch of an export and co-sign it" },
	{ "config", ssp_cmd_config, "check an ssp.conf, print its settings or their docs" },
	{ "status", ssp_cmd_status, "ledger, batches, bridge account and chain, for monitoring" },
	{ "requeue", ssp_cmd_requeue, "put a FAILED batch back in the bridge's queue, safely" },
};

static void usage(FILE *out)
{
	fprintf(out, "Usage: ssp <command> [options]\n\n"
		     "SmartShare proof-of-share: keys, bindings, claims.\n\nCommands:\n");
	for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		fprintf(out, "  %-8s %s\n", subcommands[i].name, subcommands[i].summary);
	fprintf(out, "\nRun 'ssp <command> --help' for a command's options.\n"
		     "Exit status: 0 success, 1 a check said no, 2 usage or other error.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return SSP_EXIT_ERROR;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return SSP_EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("ssp (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION);
		return SSP_EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		if (strcmp(argv[1], subcommands[i].name) == 0)
			return subcommands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "ssp: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return SSP_EXIT_ERROR;
}
